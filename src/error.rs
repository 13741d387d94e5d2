//! The library's error type and its classification into the exit codes of DESIGN §4.

use std::path::PathBuf;

use crate::git::GitError;

/// Why a command could not do its job (findings are not errors: they are results).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Wrong arguments or a request that makes no sense.
    #[error("{0}")]
    Usage(String),
    /// No `studio.toml` where one was needed.
    #[error("no studio found in {place} (no studio.toml)")]
    NotAStudio {
        /// The folder or revision looked at.
        place: String,
    },
    /// A file that could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A named thing (a TU, a question batch) that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A command that would overwrite something it must not.
    #[error("{0}")]
    Refused(String),
    /// A request the current state refuses (an illegal TU transition, …).
    #[error("{message}")]
    State {
        /// What was refused and why.
        message: String,
        /// What can be done instead.
        hint: Option<String>,
    },
    /// Git said no.
    #[error(transparent)]
    Git(#[from] GitError),
}

/// What kind of failure an error is, for the edges that answer in codes of their own
/// (the exit status, the protocol's error envelopes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// Bad arguments or unusable input.
    Invalid,
    /// A named thing (a TU, a revision) that does not exist.
    NotFound,
    /// A request the studio's state refuses (an illegal transition, a rule).
    Rule,
    /// A ref or file moved, locked or dirty under the command: try again.
    Conflict,
}

impl ErrorClass {
    /// The protocol's error code (`error` envelopes).
    pub fn protocol_code(self) -> &'static str {
        match self {
            ErrorClass::Invalid => "validation_error",
            ErrorClass::NotFound => "not_found",
            ErrorClass::Rule => "business_rule_violation",
            ErrorClass::Conflict => "conflict",
        }
    }
}

impl Error {
    /// The error's class.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::NotFound(_) | Error::Git(GitError::RevNotFound { .. }) => ErrorClass::NotFound,
            Error::State { .. } => ErrorClass::Rule,
            Error::Git(
                GitError::RefMoved { .. }
                | GitError::RefExists { .. }
                | GitError::RefLocked { .. }
                | GitError::Dirty { .. }
                | GitError::Conflicts,
            ) => ErrorClass::Conflict,
            _ => ErrorClass::Invalid,
        }
    }

    /// The process exit code: 2 for bad usage or unusable input, 3 when git state refuses.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Git(
                GitError::RevNotFound { .. }
                | GitError::RefExists { .. }
                | GitError::RefMoved { .. }
                | GitError::RefLocked { .. }
                | GitError::Dirty { .. }
                | GitError::Conflicts,
            )
            | Error::State { .. } => 3,
            _ => 2,
        }
    }

    /// Something a person can do about it, when there is something.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::NotAStudio { .. } => Some(
                "run `showrunner init <dir>` to create a studio, or `-C <dir>` to point at one"
                    .into(),
            ),
            Error::Git(GitError::RevNotFound { rev }) => Some(format!(
                "check the branch name (`git branch --list`), or pass `--rev` a commit; `{rev}` is unknown"
            )),
            Error::Git(GitError::RefMoved { .. }) => {
                Some("someone else updated it; run the command again".into())
            }
            Error::Git(GitError::NotARepo { .. }) => {
                Some("run it inside a studio's git repository, or use `-C <dir>`".into())
            }
            Error::Git(GitError::RefLocked { name }) => Some(format!(
                "nothing was changed; run the command again once the other one has finished (if none is running, one was killed holding the lock: remove `{name}.lock` in the git directory)"
            )),
            Error::Git(GitError::Dirty { .. }) => {
                Some("commit or stash your edits to that file first; nothing was changed".into())
            }
            Error::Git(GitError::Conflicts) => {
                Some("resolve the conflicts and stage the result first".into())
            }
            Error::State { hint, .. } => hint.clone(),
            _ => None,
        }
    }
}
