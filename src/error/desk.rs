//! What goes wrong at the Showrunner's desk: questions, conflicts, the roster, loops and
//! feedback.

use crate::roles::ROLES;

/// A question batch or an answer that could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum QuestionError {
    /// Asking would exceed `questions_max_open`.
    #[error(
        "the attention budget is spent: {} question batch(es) open (questions_max_open = {max}): {}",
        open.len(),
        open.join(", ")
    )]
    BudgetSpent {
        /// The open batches.
        open: Vec<String>,
        /// The studio's limit.
        max: u32,
    },
    /// A recommendation that is not one of the question's options.
    #[error(
        "question `{question}`: the recommendation `{recommendation}` is not one of its options ({})",
        options.join(", ")
    )]
    BadRecommendation {
        /// The question's id.
        question: String,
        /// The recommended key.
        recommendation: String,
        /// The option keys.
        options: Vec<String>,
    },
    /// The batch would not pass its schema.
    #[error("the question batch is not valid:\n{}", problems.join("\n"))]
    InvalidBatch {
        /// The schema's findings, one a line.
        problems: Vec<String>,
    },
    /// A batch id with no batch on hot.
    #[error("no question batch `{batch}` on hot")]
    UnknownBatch {
        /// The id as given.
        batch: String,
    },
    /// An answer's note on more than one line.
    #[error("the note must be one line")]
    NoteNotOneLine,
    /// An option that takes its value from the note, answered without one.
    #[error(
        "{batch} `{question}` option `{key}` takes the {what} from the note: answer with --note"
    )]
    NoteNeeded {
        /// The batch.
        batch: String,
        /// The question.
        question: String,
        /// The key chosen.
        key: String,
        /// What the note gives.
        what: String,
    },
    /// A note that should name a language and is not a language tag.
    #[error("`{tag}` is not a language tag (a BCP 47 tag such as fr, de or pt-BR)")]
    NotALanguageTag {
        /// The note as given.
        tag: String,
    },
    /// A question id the batch does not ask.
    #[error("{batch} has no question `{question}` (it asks: {})", asks.join(", "))]
    UnknownQuestion {
        /// The batch.
        batch: String,
        /// The id as given.
        question: String,
        /// The ids the batch asks.
        asks: Vec<String>,
    },
    /// A question that already has its answer.
    #[error("{batch} `{question}` was already answered `{answer}`{}", on.as_ref().map(|d| format!(" on {d}")).unwrap_or_default())]
    AlreadyAnswered {
        /// The batch.
        batch: String,
        /// The question.
        question: String,
        /// The recorded answer.
        answer: String,
        /// When it was answered.
        on: Option<String>,
    },
    /// An answer key that is not one of the question's options.
    #[error(
        "`{key}` is not an option of {batch} `{question}`; options: {}",
        options.iter().map(|(k, label)| format!("{k} ({label})")).collect::<Vec<_>>().join(", ")
    )]
    BadKey {
        /// The key as given.
        key: String,
        /// The batch.
        batch: String,
        /// The question.
        question: String,
        /// The options: key and label.
        options: Vec<(String, String)>,
    },
}

/// A conflict that could not be raised or settled.
#[derive(Debug, thiserror::Error)]
pub enum ConflictError {
    /// A topic that is empty or spans lines.
    #[error("the topic must be one non-empty line")]
    BadTopic,
    /// A kind that is not a topic of the authority table.
    #[error("`{kind}` is not a topic of the authority table; topics: {}", topics.join(", "))]
    UnknownKind {
        /// The kind as given.
        kind: String,
        /// The table's topics.
        topics: Vec<String>,
    },
    /// A party that names no role.
    #[error("`{name}` is not a role (an id like `plotwright` or a code like `PW`)")]
    UnknownParty {
        /// The name as given.
        name: String,
    },
    /// Fewer than two different roles.
    #[error(
        "a conflict is between at least two different roles (`--roles lore_weaver,plotwright`)"
    )]
    TooFewParties,
    /// A conflict raised inside a TU that has ended.
    #[error("{tu} is {state}: its conflicts are over")]
    TuEnded {
        /// The TU.
        tu: String,
        /// Its terminal state.
        state: String,
    },
    /// A decision that is empty or spans lines.
    #[error("the decision must be one non-empty line")]
    BadDecision,
    /// A decider that names no role.
    #[error("`{name}` is not a role")]
    UnknownDecider {
        /// The name as given.
        name: String,
    },
    /// A conflict id with no conflict on hot.
    #[error("no conflict `{id}` on hot")]
    Unknown {
        /// The id as given.
        id: String,
    },
    /// A conflict that is already settled.
    #[error("{id} is already resolved by {}: {}", by.as_deref().unwrap_or("?"), resolution.as_deref().unwrap_or(""))]
    AlreadyResolved {
        /// The conflict.
        id: String,
        /// Who settled it.
        by: Option<String>,
        /// How.
        resolution: Option<String>,
    },
    /// A conflict the customer settles, by answering its question.
    #[error("{id} was escalated to the customer: it is settled by answering {}", question.as_deref().unwrap_or("its question"))]
    Escalated {
        /// The conflict.
        id: String,
        /// The question batch that asks the customer.
        question: Option<String>,
    },
    /// A role settling a conflict the authority table gives to another.
    #[error("{by} cannot settle {id}: the authority table gives {decider} the word on {}", kind.as_deref().unwrap_or("it"))]
    NotTheDecider {
        /// The role that tried.
        by: String,
        /// The conflict.
        id: String,
        /// The role that decides.
        decider: String,
        /// The conflict's kind.
        kind: Option<String>,
    },
}

/// A role that could not be woken or put to sleep.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// A name that is no role.
    #[error(
        "`{name}` is not a role; roles: {}",
        ROLES.iter().map(|(id, code, _)| format!("{id} ({code})")).collect::<Vec<_>>().join(", ")
    )]
    UnknownRole {
        /// The name as given.
        name: String,
    },
    /// `roles.yaml` on hot does not parse.
    #[error("{path}:{line}: {message} (fix the roster before changing it)")]
    Broken {
        /// The roster's path.
        path: String,
        /// The line the parser stopped at.
        line: u32,
        /// What is wrong.
        message: String,
    },
    /// A reason or condition that is empty or spans lines.
    #[error("the {what} must be one non-empty line")]
    NotOneLine {
        /// What the text is ("reason", "re-wake condition").
        what: &'static str,
    },
    /// Waking a role for a TU that has ended.
    #[error("{tu} is {state}: a finished TU wakes no one")]
    TuFinished {
        /// The TU.
        tu: String,
        /// Its terminal state.
        state: String,
    },
    /// A role already in the state asked for.
    #[error("{role} is already {state}{}", entry.as_ref().map(|(since, reason)| format!("{} ({reason})", if since.is_empty() { String::new() } else { format!(" since {since}") })).unwrap_or_default())]
    Already {
        /// The role.
        role: String,
        /// `awake` or `dormant`.
        state: &'static str,
        /// The roster's entry: since when, and why (none when not recorded).
        entry: Option<(String, String)>,
    },
    /// The Showrunner and the Gatekeeper never sleep.
    #[error("{role} can never be dormant: the studio cannot run without it")]
    NeverDormant {
        /// The role.
        role: String,
    },
    /// A role responsible in open TUs, put to sleep without `--force`.
    #[error("{role} is responsible in open TU(s) {}; putting it to sleep would strand that work", tus.join(", "))]
    Responsible {
        /// The role.
        role: String,
        /// The open TUs it is responsible in.
        tus: Vec<String>,
    },
}

/// A loop that could not be run or shown.
#[derive(Debug, thiserror::Error)]
pub enum LoopError {
    /// A loop id no playbook has.
    #[error("no loop `{id}`{}; `showrunner loop list` shows them", did_you_mean.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    Unknown {
        /// The id as given.
        id: String,
        /// The nearest known id, when one is close.
        did_you_mean: Option<String>,
    },
    /// A parameter the loop does not take.
    #[error("{loop_id} takes no parameter `{param}`; it takes: {}", if takes.is_empty() { "none".to_string() } else { takes.join(", ") })]
    UnknownParam {
        /// The loop.
        loop_id: String,
        /// The parameter as given.
        param: String,
        /// The parameters it takes.
        takes: Vec<String>,
    },
    /// A `--step` the TU's loop has no step for.
    #[error("{loop_id} has no step `{step}`{}; its steps: {}", did_you_mean.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(), steps.join(", "))]
    UnknownStep {
        /// The loop.
        loop_id: String,
        /// The step as given.
        step: String,
        /// The nearest step id, when one is close.
        did_you_mean: Option<String>,
        /// Its steps.
        steps: Vec<String>,
    },
    /// A parameter value that is not what the parameter takes (a section on hot, a
    /// whole number, …).
    #[error("{loop_id}: `{param}={value}` is not {what}{}", did_you_mean.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    BadParamValue {
        /// The loop.
        loop_id: String,
        /// The parameter.
        param: String,
        /// The value (one item of a list) as given.
        value: String,
        /// What it should be: "a section on hot", "a whole number", …
        what: String,
        /// The nearest that exists, when one is close.
        did_you_mean: Option<String>,
    },
    /// A parameter the loop needs and was not given.
    #[error("{loop_id} needs `--param {param}=…` ({description})")]
    MissingParam {
        /// The loop.
        loop_id: String,
        /// The parameter.
        param: String,
        /// What it is.
        description: String,
    },
    /// `loop status` with no id and no active TU.
    #[error("no active TU: name one (`loop status <TU-ID>`)")]
    NoActiveTu,
    /// `dispatch` with a request of nothing but white space.
    #[error("dispatch needs a request")]
    EmptyRequest,
}

/// Feedback that could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// A score outside 1..=5.
    #[error("feedback is a score from 1 to 5, not {score}")]
    BadScore {
        /// The score as given.
        score: u8,
    },
    /// A note on more than one line.
    #[error("the feedback note must be one line")]
    NoteNotOneLine,
}

/// A hook card that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// No TU to write it in.
    #[error("a hook card is written inside a TU, and no TU is active")]
    NeedsTu,
    /// A hook id with no card on the TU's branch.
    #[error("no hook card `{id}` on {branch}{}", did_you_mean.as_ref().map(|d| format!(" (did you mean `{d}`?)")).unwrap_or_default())]
    Unknown {
        /// The id as given.
        id: String,
        /// The branch looked at.
        branch: String,
        /// The nearest id.
        did_you_mean: Option<String>,
    },
    /// A triage that changes nothing.
    #[error("say what the triage decides: --status, --next-loop, --resolution or --blocking")]
    NothingToTriage,
    /// The card the command would write does not validate.
    #[error("the hook card would not validate:\n{}", problems.join("\n"))]
    Invalid {
        /// The schema's complaints, one per line.
        problems: Vec<String>,
    },
}
