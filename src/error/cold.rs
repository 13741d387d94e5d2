//! What goes wrong around cold: merges, rollbacks, the hooks that guard it, snapshots
//! and the gate reports that let it move.

use crate::ids::{CommitId, short};

/// A move of cold (merge, rollback) that was refused.
#[derive(Debug, thiserror::Error)]
pub enum ColdError {
    /// A move that is not a fast-forward.
    #[error(
        "cold ({}) is not an ancestor of {}: {} commit(s) on cold are not in the target ({}{})",
        short(old),
        short(new),
        diverging.len(),
        diverging.iter().take(5).map(|c| short(c)).collect::<Vec<_>>().join(", "),
        if diverging.len() > 5 { ", …" } else { "" }
    )]
    NotForward {
        /// Cold's commit.
        old: String,
        /// The target commit.
        new: String,
        /// The commits on cold that the target does not contain.
        diverging: Vec<CommitId>,
    },
    /// Cold is checked out in a work tree.
    #[error("`{cold}` is checked out in {}; cold is never moved under a work tree", place.display())]
    CheckedOut {
        /// The cold branch.
        cold: String,
        /// The work tree.
        place: std::path::PathBuf,
        /// The hot branch, to switch that work tree to.
        hot: String,
    },
    /// `rollback` without a reason.
    #[error("a rollback needs a reason (`--reason`)")]
    NoReason,
    /// A rollback to a tag that is not a snapshot.
    #[error("`{tag}` is not a snapshot tag")]
    NotASnapshot {
        /// The tag as given.
        tag: String,
    },
    /// A rollback to a snapshot that is not on cold.
    #[error("snapshot `{tag}` ({}) is not on cold", short(commit))]
    SnapshotOffCold {
        /// The snapshot tag.
        tag: String,
        /// The commit it names.
        commit: CommitId,
    },
    /// A rollback with uncommitted changes in the work tree it rewrites.
    #[error("the work tree has uncommitted changes; a rollback rewrites the checked-out tree")]
    DirtyWorkTree,
}

/// One blocking finding of a verdict that refused a move of cold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocking {
    /// The finding's code.
    pub code: String,
    /// Its file.
    pub path: String,
    /// Its line (0 when it has none).
    pub line: u32,
    /// What it says.
    pub message: String,
}

impl std::fmt::Display for Blocking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{} {}:{}: {}",
                self.code, self.path, self.line, self.message
            )
        } else {
            write!(f, "{} {}: {}", self.code, self.path, self.message)
        }
    }
}

fn listed(findings: &[Blocking]) -> String {
    findings.iter().map(|f| format!("\n  {f}")).collect()
}

/// A git hook's refusal of a commit, a ref update or a push.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// A pushed snapshot tag that names a commit cold does not hold.
    #[error(
        "push of snapshot `{tag}` refused: its commit {} is not on cold",
        short(commit)
    )]
    SnapshotOffCold {
        /// The tag.
        tag: String,
        /// The commit it names.
        commit: CommitId,
    },
    /// The Gatekeeper's verdict on the new cold does not let it move.
    #[error(
        "{what} refused by the Gatekeeper:{}{}",
        listed(errors),
        conditional.as_ref().map(|all| format!("\n  (conditional verdict, and [policy] allow_conditional is off){}", listed(all))).unwrap_or_default()
    )]
    GateRefused {
        /// The move ("push to refs/heads/cold", …).
        what: String,
        /// The findings of severity error.
        errors: Vec<Blocking>,
        /// For a conditional verdict refused by policy, every finding.
        conditional: Option<Vec<Blocking>>,
    },
    /// A move that would leave cold off hot (a merge commit made on cold, a commit
    /// hot does not have).
    #[error(
        "{what} refused: {} is not on {hot}; cold only ever moves to commits hot already holds",
        short(new)
    )]
    OffHot {
        /// The move.
        what: String,
        /// The proposed commit.
        new: String,
        /// The hot branch.
        hot: String,
    },
    /// A pushed tag with the name of one of the studio's branches.
    #[error(
        "push of tag `{tag}` refused: a tag may not share its name with a branch of the studio"
    )]
    TagNamedLikeBranch {
        /// The tag.
        tag: String,
    },
    /// Deleting cold.
    #[error("{what} refused: cold is never deleted")]
    ColdDeleted {
        /// The move.
        what: String,
    },
    /// A push over a remote cold this repository does not have.
    #[error(
        "push to {target} refused: the remote's cold ({}) is not here",
        short(remote)
    )]
    RemoteUnknown {
        /// The ref pushed to.
        target: String,
        /// The remote's commit.
        remote: String,
    },
}

/// A snapshot that could not be found, verified or bound.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// No tag of that name.
    #[error("no tag named `{name}`")]
    NoTag {
        /// The name as given.
        name: String,
    },
    /// A tag without the snapshot trailer.
    #[error("`{name}` is not a snapshot (no `{trailer}` trailer)")]
    NotMarked {
        /// The tag.
        name: String,
        /// The trailer a snapshot's tag message carries.
        trailer: &'static str,
    },
    /// Binding or playing a tag that is not a snapshot.
    #[error("`{tag}` is not a snapshot tag")]
    NotASnapshot {
        /// The tag as given.
        tag: String,
    },
    /// Binding or playing while the studio has no cold branch.
    #[error("there is no `{branch}` branch")]
    NoCold {
        /// The cold branch's name.
        branch: String,
    },
    /// Binding or playing a snapshot that is not on cold.
    #[error("snapshot `{tag}` is not on cold")]
    OffCold {
        /// The tag.
        tag: String,
    },
    /// Binding a snapshot whose tree does not pass the gatecheck (a commit on cold that
    /// was never itself judged, tagged by hand).
    #[error(
        "snapshot `{tag}` does not pass the gatecheck ({errors} blocking finding(s)); it is not bound"
    )]
    Failing {
        /// The tag.
        tag: String,
        /// How many findings block.
        errors: usize,
    },
}

/// A gate report that could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum GateError {
    /// The report the tool wrote does not pass its own schema (a bug).
    #[error("internal: the report would not be valid:\n{}", problems.join("\n"))]
    InvalidReport {
        /// The schema's findings, one a line.
        problems: Vec<String>,
    },
    /// A report id with no report on hot.
    #[error("no gate report {id} on {branch} (looked for {path})")]
    NoReport {
        /// The id as given.
        id: String,
        /// The branch looked at.
        branch: String,
        /// The path looked at.
        path: String,
    },
}
