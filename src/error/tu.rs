//! What goes wrong with a TU: naming it, opening it, moving it, editing its brief.

/// A TU verb that could not be done.
#[derive(Debug, thiserror::Error)]
pub enum TuError {
    /// An id no TU of the studio has.
    #[error("no TU named `{id}` in this studio{}", did_you_mean.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    Unknown {
        /// The id as given.
        id: String,
        /// The nearest known id, when one is close.
        did_you_mean: Option<String>,
    },
    /// An id no TU has, given to a desk command (roles, questions) that points at the list.
    #[error("no TU named `{id}` in this studio (`showrunner tu list` shows them)")]
    UnknownSeeList {
        /// The id as given.
        id: String,
    },
    /// No id was given and no TU is active.
    #[error(
        "no active TU: name one, or make one active with `showrunner tu switch <id>` (or open one with `showrunner tu open`)"
    )]
    NoActive,
    /// `tu open` without a title.
    #[error("a TU needs a title (`--title`)")]
    NoTitle,
    /// `tu defer --revisit` with a date already past (or a date that is no date).
    #[error("`--revisit {given}` {why}: give a later date (YYYY-MM-DD), or the event to wait for")]
    BadRevisit {
        /// The value as given.
        given: String,
        /// What is wrong with it ("is before today, 2026-11-26", "is not a date").
        why: String,
    },
    /// A loop id that is not snake_case.
    #[error("`{loop_id}` is not a loop id (snake_case, like `lore_deepening`)")]
    BadLoopId {
        /// The id as given.
        loop_id: String,
    },
    /// A role argument that names no role.
    #[error("`{name}` is not a role (use an id like `lore_weaver` or a code like `LW`)")]
    UnknownRole {
        /// The name as given.
        name: String,
    },
    /// The brief `tu open` would commit does not pass its schema.
    #[error("the brief would not be valid:\n{}", problems.join("\n"))]
    InvalidBrief {
        /// The schema's findings, one a line.
        problems: Vec<String>,
    },
    /// An event for a TU that is already on cold.
    #[error("{id} is cold-merged and takes no further events")]
    ColdMerged {
        /// The TU.
        id: String,
    },
    /// An event the TU's current state does not allow.
    #[error("{id}: {source}")]
    Illegal {
        /// The TU.
        id: String,
        /// The lifecycle's refusal (its state, the event, what is allowed).
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// `tu checkpoint -a` in a bare repository.
    #[error("`-a` needs a work tree; this repository is bare")]
    BareRepo,
    /// A checkpoint while HEAD is on another branch than the TU's.
    #[error("{id} works on `{branch}`, but HEAD is on `{}`", head.as_deref().unwrap_or("a detached commit"))]
    WrongBranch {
        /// The TU.
        id: String,
        /// The TU's branch (short name).
        branch: String,
        /// The branch HEAD is on (short name), none when detached.
        head: Option<String>,
    },
    /// `tu update` with no change.
    #[error("nothing to update: use --title, --set, --add or --remove")]
    NothingToUpdate,
    /// A TU whose brief is missing on its branch.
    #[error("{id} has no brief at {path} on {branch}")]
    NoBrief {
        /// The TU.
        id: String,
        /// Where the brief should be.
        path: String,
        /// The branch looked at (short name).
        branch: String,
    },
    /// A brief edit the brief's shape refuses (a list field set as text, …).
    #[error("{path}: {reason}")]
    BadEdit {
        /// The brief.
        path: String,
        /// Why the edit cannot be made.
        reason: String,
    },
    /// The edited brief would not pass its schema.
    #[error("the edited brief would not be valid; nothing was changed:\n{}", problems.join("\n"))]
    InvalidEdit {
        /// The schema's findings, one a line.
        problems: Vec<String>,
    },
    /// A commit on hot that names no TU, in a studio that requires one.
    #[error("commit refused: {why}, and this studio requires every commit on hot to name a TU")]
    Untraced {
        /// Why the commit could not be stamped with the active TU.
        why: String,
    },
    /// A push carrying commits that name no TU, in a studio that requires one.
    #[error(
        "push to {target} refused: {} commit(s) name no TU (require_tu = \"error\"):\n  {}",
        commits.len(),
        commits.join("\n  ")
    )]
    UntracedPush {
        /// The ref pushed to.
        target: String,
        /// The commits (short id and subject).
        commits: Vec<String>,
    },
}
