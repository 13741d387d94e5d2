//! Human questions: the Showrunner's batched escalations to the customer
//! (`questions/Q-YYYY-MM-DD-NN.yaml`), within the studio's attention budget.

use serde::{Deserialize, Serialize};

use crate::app::Session;
use crate::artifact::node::Node;
use crate::artifact::yaml::{self, YamlError};
use crate::artifact::{self, Kind, de};
use crate::date;
use crate::error::{Error, InputError, QuestionError, TuError};
use crate::ids::CommitId;
use crate::orchestra::dispatch::Pick;
use crate::studio::playbook::Playbook;
use crate::trace::{brief, trailers};

/// The question batch files on hot (path, bytes); none when hot does not exist.
fn batch_files(ws: &Session) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let Some(tip) = ws.repo.ref_target(&ws.hot_ref())? else {
        return Ok(Vec::new());
    };
    Ok(ws.repo.tree_files(&tip, &|p| {
        p.starts_with("questions/") && p.ends_with(".yaml")
    })?)
}

/// Open question batches on hot.
pub fn open_batches(ws: &Session) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for (path, bytes) in batch_files(ws)? {
        if let Ok(a) = artifact::parse(Kind::Question, &path, &bytes)
            && BatchFile::from_node(&a.data).status.as_deref() == Some("open")
        {
            out.push(artifact::stem(&path).to_string());
        }
    }
    Ok(out)
}

/// What asking which loop a request meant came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WhichLoop {
    /// A dry run: the question that would be asked (nothing written).
    Would(Question),
    /// The open batch that asks it: written now, or already open for the same request.
    Batch(String),
}

/// The question that asks which loop an ambiguous request meant, with the candidates as
/// options (and fallbacks up to three).
pub fn which_loop_question(
    request: &str,
    candidates: &[Pick],
    playbooks: &std::collections::BTreeMap<String, Playbook>,
    inputs: &[String],
) -> Question {
    let title = title_of(request);
    let mut options: Vec<&str> = candidates.iter().map(|c| c.loop_id.as_str()).collect();
    for fallback in ["scene_forge", "story_spark", "remediation"] {
        if options.len() >= 3 {
            break;
        }
        if !options.contains(&fallback) && playbooks.contains_key(fallback) {
            options.push(fallback);
        }
    }
    options.truncate(4);
    let choices = ["a", "b", "c", "d"]
        .iter()
        .zip(&options)
        .map(|(k, loop_id)| {
            let (name, purpose) = playbooks
                .get(*loop_id)
                .map(|p| {
                    (
                        p.name.clone(),
                        p.purpose
                            .split(". ")
                            .next()
                            .unwrap_or("")
                            .trim_end_matches('.')
                            .to_string(),
                    )
                })
                .unwrap_or_else(|| (loop_id.to_string(), String::new()));
            Choice {
                key: k.to_string(),
                label: name,
                impact: format!(
                    "Opens {} {loop_id} TU titled \"{title}\"{}. {purpose}.",
                    article(loop_id),
                    with_inputs(inputs)
                ),
                open: Some(Opening {
                    loop_id: loop_id.to_string(),
                    title: title.clone(),
                    inputs: inputs.to_vec(),
                    note_is: None,
                }),
            }
        })
        .collect();
    Question {
        id: "which-loop".into(),
        context: format!(
            "The request \"{}\" could mean more than one kind of work.",
            request.trim()
        ),
        question: "Which kind of work did you mean?".into(),
        options: choices,
        recommendation: "a".into(),
        answer: None,
        answered: None,
        note: None,
    }
}

/// A TU's title from a request: its first 80 characters on one line.
pub fn title_of(request: &str) -> String {
    crate::trace::trailers::one_line(request.trim())
        .chars()
        .take(80)
        .collect()
}

/// "a" or "an" before a word.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn with_inputs(inputs: &[String]) -> String {
    if inputs.is_empty() {
        String::new()
    } else {
        format!(" with {}", inputs.join("; "))
    }
}

/// Whether a note is a language tag (BCP 47 in its common shapes: `fr`, `pt-BR`,
/// `zh-Hant`, `es-419`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Common target languages offered when a translation's language is missing.
const OFFERED: [(&str, &str); 3] = [("French", "fr"), ("German", "de"), ("Spanish", "es")];

/// The question that asks for a parameter a chosen loop requires and the request left
/// out: a language to translate into (three common ones, or another named in the note),
/// or a text parameter (a premise, a topic) given by the answer's note.
pub fn which_parameter_question(
    request: &str,
    missing: &crate::orchestra::dispatch::Missing,
    playbooks: &std::collections::BTreeMap<String, Playbook>,
    inputs: &[String],
) -> Question {
    let title = title_of(request);
    let name = playbooks
        .get(&missing.loop_id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| missing.loop_id.clone());
    let opening = |extra: Option<String>, note_is: Option<String>| {
        let mut inputs = inputs.to_vec();
        inputs.extend(extra);
        Some(Opening {
            loop_id: missing.loop_id.clone(),
            title: title.clone(),
            inputs,
            note_is,
        })
    };
    let unusable = missing
        .unusable
        .as_deref()
        .map(|u| format!(" (\"{u}\" is not a language showrunner knows a tag for)"))
        .unwrap_or_default();
    let (question, options) = if missing.param == "language" {
        let mut options: Vec<Choice> = OFFERED
            .iter()
            .zip(["a", "b", "c"])
            .map(|((lang, tag), key)| Choice {
                key: key.into(),
                label: format!("{lang} ({tag})"),
                impact: format!(
                    "Opens {} {} TU titled \"{title}\" with language: {tag}.",
                    article(&missing.loop_id),
                    missing.loop_id
                ),
                open: opening(Some(format!("language: {tag}")), None),
            })
            .collect();
        options.push(Choice {
            key: "d".into(),
            label: "Another language, named in the note".into(),
            impact: format!(
                "Opens {} {} TU titled \"{title}\" with the language tag the note gives (answer with --note pt-BR).",
                article(&missing.loop_id),
                missing.loop_id
            ),
            open: opening(None, Some(missing.param.clone())),
        });
        (
            format!("Which language should the {name} translate into?"),
            options,
        )
    } else {
        (
            format!("What is the {} for the {name}?", missing.param),
            vec![
                Choice {
                    key: "a".into(),
                    label: format!("The note gives the {}", missing.param),
                    impact: format!(
                        "Opens {} {} TU titled \"{title}\" with the note as its {} (answer with --note \"…\").",
                        article(&missing.loop_id),
                        missing.loop_id,
                        missing.param
                    ),
                    open: opening(None, Some(missing.param.clone())),
                },
                Choice {
                    key: "b".into(),
                    label: "Not now".into(),
                    impact: "Opens nothing; the request can be made again with more to go on."
                        .into(),
                    open: None,
                },
            ],
        )
    };
    Question {
        id: format!("which-{}", missing.param),
        context: format!(
            "The request \"{}\" asks for a {name} but does not say its {}{unusable}: {}.",
            request.trim(),
            missing.param,
            missing.description.trim_end_matches('.')
        ),
        question,
        options,
        recommendation: "a".into(),
        answer: None,
        answered: None,
        note: None,
    }
}

/// Asks a question the desk raised instead of guessing. With `write`, an open batch
/// already asking the same question about the same request is reused, else a new batch
/// is written and committed on hot; without it, nothing is written and the question is
/// returned as it would be asked. `None` when the attention budget
/// (`questions_max_open`) is spent and no batch asks it yet.
pub fn ask_once(ws: &Session, q: Question, write: bool) -> Result<Option<WhichLoop>, Error> {
    let mut open = 0u32;
    for (path, bytes) in batch_files(ws)? {
        let Ok(a) = artifact::parse(Kind::Question, &path, &bytes) else {
            continue;
        };
        let batch = BatchFile::from_node(&a.data);
        if batch.status.as_deref() != Some("open") {
            continue;
        }
        open += 1;
        if batch
            .questions
            .iter()
            .any(|o| o.id == q.id && o.context == q.context && o.answer.is_none())
        {
            return Ok(Some(WhichLoop::Batch(artifact::stem(&path).to_string())));
        }
    }
    if open >= ws.config.questions_max_open {
        return Ok(None);
    }
    if !write {
        return Ok(Some(WhichLoop::Would(q)));
    }
    let asked = ask(
        ws,
        &Asking {
            asked_by: None,
            tu: None,
            questions: vec![q],
        },
    )?;
    Ok(Some(WhichLoop::Batch(asked.batch.id)))
}

/// One option of a question (read leniently: a missing or mistyped field is empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Choice {
    /// The key an answer names (`a`).
    #[serde(deserialize_with = "de::lenient")]
    pub key: String,
    /// The option in a line.
    #[serde(deserialize_with = "de::lenient")]
    pub label: String,
    /// What choosing it implies.
    #[serde(deserialize_with = "de::lenient")]
    pub impact: String,
    /// The TU answering it opens (`x-open` in the file): a question the desk asked
    /// instead of guessing carries out the option chosen.
    #[serde(
        rename = "x-open",
        deserialize_with = "de::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub open: Option<Opening>,
}

/// A TU an answer opens.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Opening {
    /// Its loop.
    #[serde(rename = "loop", deserialize_with = "de::lenient")]
    pub loop_id: String,
    /// Its title (the request).
    #[serde(deserialize_with = "de::lenient")]
    pub title: String,
    /// Its brief's inputs (`language: fr`).
    #[serde(deserialize_with = "de::items_or_default")]
    pub inputs: Vec<String>,
    /// A parameter the answer's note gives (`premise`): the option needs a note.
    #[serde(
        deserialize_with = "de::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub note_is: Option<String>,
}

/// One question of a batch (read leniently: a missing or mistyped field is empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Question {
    /// Its id within the batch (a slug).
    #[serde(deserialize_with = "de::lenient")]
    pub id: String,
    /// What the answerer needs to know.
    #[serde(deserialize_with = "de::lenient")]
    pub context: String,
    /// The question.
    #[serde(deserialize_with = "de::lenient")]
    pub question: String,
    /// Two to four options.
    #[serde(deserialize_with = "de::items_or_default")]
    pub options: Vec<Choice>,
    /// The recommended key.
    #[serde(deserialize_with = "de::lenient")]
    pub recommendation: String,
    /// The key chosen, once answered.
    #[serde(deserialize_with = "de::lenient")]
    pub answer: Option<String>,
    /// When it was answered.
    #[serde(deserialize_with = "de::lenient")]
    pub answered: Option<String>,
    /// The answerer's note (`x-note` in the file).
    #[serde(rename(deserialize = "x-note"), deserialize_with = "de::lenient")]
    pub note: Option<String>,
}

/// A batch file as written (`questions/<Q-ID>.yaml`); every field optional, a mistyped
/// one read as absent (the schema bar reports it).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BatchFile {
    #[serde(deserialize_with = "de::lenient")]
    id: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    asked: String,
    #[serde(deserialize_with = "de::lenient")]
    asked_by: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    status: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    tu: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    answered: Option<String>,
    #[serde(deserialize_with = "de::items_or_default")]
    questions: Vec<Question>,
}

impl BatchFile {
    /// Reads a parsed batch; a document that is not a mapping reads as an empty batch.
    fn from_node(node: &Node) -> BatchFile {
        de::from_node(node).unwrap_or_default()
    }
}

/// A question batch (`questions/<Q-ID>.yaml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// `Q-YYYY-MM-DD-NN`.
    pub id: String,
    /// Date asked.
    pub asked: String,
    /// The role asking.
    pub asked_by: String,
    /// The TU it affects, if any.
    pub tu: Option<String>,
    /// The questions.
    pub questions: Vec<Question>,
    /// When the last question was answered.
    pub answered: Option<String>,
}

impl Batch {
    /// Whether a question is still waiting.
    pub fn is_open(&self) -> bool {
        self.questions.iter().any(|q| q.answer.is_none())
    }

    fn from_file(id: &str, f: BatchFile) -> Batch {
        Batch {
            id: f.id.unwrap_or_else(|| id.to_string()),
            asked: f.asked,
            asked_by: f.asked_by.unwrap_or_else(|| "showrunner".into()),
            tu: f.tu,
            answered: f.answered,
            questions: f.questions,
        }
    }

    /// The batch as YAML, byte-identical for the same batch.
    pub fn render(&self) -> Result<String, YamlError> {
        let file = BatchOut {
            id: &self.id,
            asked: &self.asked,
            asked_by: &self.asked_by,
            status: if self.is_open() { "open" } else { "answered" },
            tu: self.tu.as_deref(),
            answered: self.answered.as_deref(),
            questions: non_empty(
                self.questions
                    .iter()
                    .map(|q| QuestionOut {
                        id: &q.id,
                        context: &q.context,
                        question: &q.question,
                        options: non_empty(q.options.iter().collect()),
                        recommendation: &q.recommendation,
                        answer: q.answer.as_deref(),
                        answered: q.answered.as_deref(),
                        note: q.note.as_deref(),
                    })
                    .collect(),
            ),
        };
        Ok(format!(
            "# A question batch for the customer, written by showrunner.\n{}",
            yaml::to_string(&file)?
        ))
    }
}

/// A batch as its file is written, in the file's order.
#[derive(Serialize)]
struct BatchOut<'a> {
    id: &'a str,
    asked: &'a str,
    asked_by: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tu: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answered: Option<&'a str>,
    questions: Option<Vec<QuestionOut<'a>>>,
}

/// A question as its file is written.
#[derive(Serialize)]
struct QuestionOut<'a> {
    id: &'a str,
    context: &'a str,
    question: &'a str,
    options: Option<Vec<&'a Choice>>,
    recommendation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answered: Option<&'a str>,
    #[serde(rename = "x-note", skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

/// An empty list is written as `null`, as the batch writer always has: such a batch
/// (no questions, a question without options) never validates, and the schema's
/// complaint about it stays word for word what it was.
fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// Every question batch on hot, by id. A batch that does not parse is an error naming
/// its file and line.
pub fn batches(ws: &Session) -> Result<Vec<Batch>, Error> {
    let mut out = Vec::new();
    for (path, bytes) in batch_files(ws)? {
        let a = artifact::parse(Kind::Question, &path, &bytes).map_err(InputError::Rejected)?;
        out.push(Batch::from_file(
            artifact::stem(&path),
            BatchFile::from_node(&a.data),
        ));
    }
    Ok(out)
}

/// What a new batch asks (the id, dates and status are filled in by [`ask`]).
#[derive(Clone, Debug, Default)]
pub struct Asking {
    /// The role asking (default showrunner).
    pub asked_by: Option<String>,
    /// The TU it affects.
    pub tu: Option<String>,
    /// The questions (answers, if any, are ignored).
    pub questions: Vec<Question>,
}

impl Asking {
    /// Reads a batch written by hand: YAML with `questions` (and optional `tu`,
    /// `asked_by`); a parse error names the file and line.
    pub fn from_yaml(name: &str, text: &str) -> Result<Asking, Error> {
        let doc = crate::artifact::yaml::parse(text).map_err(|source| InputError::Yaml {
            path: name.to_string(),
            source,
        })?;
        let b = BatchFile::from_node(&doc);
        Ok(Asking {
            asked_by: b.asked_by,
            tu: b.tu,
            questions: b
                .questions
                .into_iter()
                // Only the desk's own questions open work when answered.
                .map(|q| Question {
                    answer: None,
                    answered: None,
                    note: None,
                    options: q
                        .options
                        .into_iter()
                        .map(|o| Choice { open: None, ..o })
                        .collect(),
                    ..q
                })
                .collect(),
        })
    }
}

/// A batch asked or answered: its id and the commit on hot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Committed {
    /// The batch.
    pub batch: Batch,
    /// The commit on hot.
    pub commit: CommitId,
    /// The TUs the answer opened (the chosen option's `x-open`).
    pub opened: Vec<String>,
    /// The roles woken for them.
    pub woken: Vec<&'static str>,
}

/// A batch as JSON (`questions --format json`): its status, open or answered, spelled
/// out before the questions.
impl serde::Serialize for Batch {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct View<'a> {
            id: &'a str,
            asked: &'a str,
            asked_by: &'a str,
            tu: Option<&'a str>,
            status: &'static str,
            answered: Option<&'a str>,
            questions: &'a [Question],
        }
        View {
            id: &self.id,
            asked: &self.asked,
            asked_by: &self.asked_by,
            tu: self.tu.as_deref(),
            status: if self.is_open() { "open" } else { "answered" },
            answered: self.answered.as_deref(),
            questions: &self.questions,
        }
        .serialize(s)
    }
}

/// `ask` and `answer --format json` (the `human.question` and `human.response`
/// replies): the batch's fields, then the commit.
impl serde::Serialize for Committed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct View<'a> {
            #[serde(flatten)]
            batch: &'a Batch,
            commit: &'a str,
            opened: &'a [String],
            woken: &'a [&'static str],
        }
        View {
            batch: &self.batch,
            commit: &self.commit,
            opened: &self.opened,
            woken: &self.woken,
        }
        .serialize(s)
    }
}

/// Asks a batch: validated against the question schema, committed on hot with a
/// `Question:` trailer. Refused when the attention budget is spent (the open batches
/// are named, so the question can join one of them instead).
pub fn ask(ws: &Session, asking: &Asking) -> Result<Committed, Error> {
    let repo = &ws.repo;
    let all = batches(ws)?;
    let open: Vec<&str> = all
        .iter()
        .filter(|b| b.is_open())
        .map(|b| b.id.as_str())
        .collect();
    if open.len() as u32 >= ws.config.questions_max_open {
        return Err(QuestionError::BudgetSpent {
            open: open.iter().map(|b| b.to_string()).collect(),
            max: ws.config.questions_max_open,
        }
        .into());
    }
    if let Some(tu) = &asking.tu
        && ws.ledger()?.get(tu).is_none()
    {
        return Err(TuError::UnknownSeeList { id: tu.clone() }.into());
    }
    let (hot, tip) = ws.hot_tip()?;
    let who = repo.identity();
    let today = date::ymd(who.time, who.offset);
    let batch = Batch {
        id: date::next_dated_id("Q", &today, all.iter().map(|b| b.id.as_str())),
        asked: today,
        asked_by: asking
            .asked_by
            .clone()
            .unwrap_or_else(|| "showrunner".into()),
        tu: asking.tu.clone(),
        questions: asking.questions.clone(),
        answered: None,
    };
    for q in &batch.questions {
        if !q.options.iter().any(|o| o.key == q.recommendation) {
            return Err(QuestionError::BadRecommendation {
                question: q.id.clone(),
                recommendation: q.recommendation.clone(),
                options: q.options.iter().map(|o| o.key.clone()).collect(),
            }
            .into());
        }
    }
    let path = format!("questions/{}.yaml", batch.id);
    let text = batch.render().map_err(|e| Error::Io {
        path: path.clone().into(),
        source: std::io::Error::other(e),
    })?;
    let problems = brief::validate_as(Kind::Question, &path, &text);
    if !problems.is_empty() {
        return Err(QuestionError::InvalidBatch { problems }.into());
    }
    let subject = match batch.questions.as_slice() {
        [one] => format!("Ask {}: {}", batch.id, one.question),
        many => format!("Ask {}: {} questions", batch.id, many.len()),
    };
    let message = trailers::append(
        &format!("{}\n", subject.lines().next().unwrap_or("")),
        &[("Question", &batch.id), ("Role", "SR")],
    );
    let commit =
        repo.commit_tool_files(&hot, &tip, &[(path, text.into_bytes())], &message, &who)?;
    Ok(Committed {
        batch,
        commit,
        opened: Vec::new(),
        woken: Vec::new(),
    })
}

/// Answers one question of an open batch with one of its option keys, committed on hot
/// with `Question:` and `Decision:` trailers; the batch is `answered` once every
/// question is.
pub fn answer(
    ws: &Session,
    batch_id: &str,
    question: &str,
    key: &str,
    note: Option<&str>,
) -> Result<Committed, Error> {
    let repo = &ws.repo;
    let all = batches(ws)?;
    let mut batch =
        all.into_iter()
            .find(|b| b.id == batch_id)
            .ok_or_else(|| QuestionError::UnknownBatch {
                batch: batch_id.to_string(),
            })?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.contains('\n')) {
        return Err(QuestionError::NoteNotOneLine.into());
    }
    let ids: Vec<String> = batch.questions.iter().map(|q| q.id.clone()).collect();
    let q = batch
        .questions
        .iter_mut()
        .find(|q| q.id == question)
        .ok_or_else(|| QuestionError::UnknownQuestion {
            batch: batch_id.to_string(),
            question: question.to_string(),
            asks: ids,
        })?;
    if let Some(a) = &q.answer {
        return Err(QuestionError::AlreadyAnswered {
            batch: batch_id.to_string(),
            question: question.to_string(),
            answer: a.clone(),
            on: q.answered.clone(),
        }
        .into());
    }
    if !q.options.iter().any(|o| o.key == key) {
        return Err(QuestionError::BadKey {
            key: key.to_string(),
            batch: batch_id.to_string(),
            question: question.to_string(),
            options: q
                .options
                .iter()
                .map(|o| (o.key.clone(), o.label.clone()))
                .collect(),
        }
        .into());
    }
    // What the chosen option said it does, checked before anything is written.
    let opening = q
        .options
        .iter()
        .find(|o| o.key == key)
        .and_then(|o| o.open.clone())
        .filter(|o| !o.loop_id.is_empty());
    let opening = match opening {
        Some(mut o) => {
            let playbooks = ws.playbooks()?;
            crate::app::loops::find(&playbooks, &o.loop_id)?;
            if let Some(param) = o.note_is.take() {
                let Some(n) = note else {
                    return Err(QuestionError::NoteNeeded {
                        batch: batch_id.to_string(),
                        question: question.to_string(),
                        key: key.to_string(),
                        what: param,
                    }
                    .into());
                };
                if param == "language" && !is_language_tag(n) {
                    return Err(QuestionError::NotALanguageTag { tag: n.to_string() }.into());
                }
                o.inputs.push(format!("{param}: {n}"));
            }
            Some((o, playbooks))
        }
        None => None,
    };
    let who = repo.identity();
    let today = date::ymd(who.time, who.offset);
    q.answer = Some(key.to_string());
    q.answered = Some(today.clone());
    q.note = note.map(str::to_string);
    if !batch.is_open() {
        batch.answered = Some(today);
    }
    let (hot, tip) = ws.hot_tip()?;
    let path = format!("questions/{batch_id}.yaml");
    let text = batch.render().map_err(|e| Error::Io {
        path: path.clone().into(),
        source: std::io::Error::other(e),
    })?;
    let decision = format!("{question}={key}");
    let mut t: Vec<(&str, &str)> = vec![("Question", batch_id), ("Decision", &decision)];
    if let Some(n) = note {
        t.push(("Decision-Note", n));
    }
    let message = trailers::append(&format!("Answer {batch_id} {question}: {key}\n"), &t);
    let commit =
        repo.commit_tool_files(&hot, &tip, &[(path, text.into_bytes())], &message, &who)?;
    let (mut opened, mut woken) = (Vec::new(), Vec::new());
    if let Some((o, playbooks)) = opening {
        let run = crate::app::loops::open_run(ws, &playbooks, &o.loop_id, &o.title, &o.inputs)?;
        woken.extend(run.woken.map(|(w, _)| w).unwrap_or_default());
        opened.push(run.opened.id);
    }
    Ok(Committed {
        batch,
        commit,
        opened,
        woken,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(key: &str, label: &str, impact: &str) -> Choice {
        Choice {
            key: key.into(),
            label: label.into(),
            impact: impact.into(),
            open: None,
        }
    }

    #[test]
    fn a_batch_is_written_as_it_always_was_and_reads_back_the_same() {
        let batch = Batch {
            id: "Q-2026-11-26-01".into(),
            asked: "2026-11-26".into(),
            asked_by: "showrunner".into(),
            tu: Some("TU-2026-11-26-SR01".into()),
            answered: Some("2026-11-27".into()),
            questions: vec![Question {
                id: "keeper-fate".into(),
                context: "Canon: he drowns".into(),
                question: "Does he live?".into(),
                options: vec![
                    choice("a", "He lives", "Act 3: new scene"),
                    choice("b", "He drowns", "No change"),
                ],
                recommendation: "a".into(),
                answer: Some("b".into()),
                answered: Some("2026-11-27".into()),
                note: Some("keep canon".into()),
            }],
        };
        let text = batch.render().expect("writes");
        assert_eq!(
            text,
            "# A question batch for the customer, written by showrunner.
id: Q-2026-11-26-01
asked: \"2026-11-26\"
asked_by: showrunner
status: answered
tu: TU-2026-11-26-SR01
answered: \"2026-11-27\"
questions:
  - id: keeper-fate
    context: \"Canon: he drowns\"
    question: \"Does he live?\"
    options:
      - key: a
        label: He lives
        impact: \"Act 3: new scene\"
      - key: b
        label: He drowns
        impact: No change
    recommendation: a
    answer: b
    answered: \"2026-11-27\"
    x-note: keep canon
"
        );
        let node = yaml::parse(&text).expect("parses");
        let back = Batch::from_file("other", BatchFile::from_node(&node));
        assert_eq!(back, batch);
    }
}
