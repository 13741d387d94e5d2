//! The library's errors: a type per domain that says what went wrong as data and keeps
//! its cause, gathered in [`Error`], and their one classification into the exit codes,
//! protocol codes and hints of DESIGN §4.

use std::path::PathBuf;

use crate::git::GitError;

mod cold;
mod desk;
mod files;
mod tu;
mod views;

pub use cold::{Blocking, ColdError, GateError, HookError, SnapshotError};
pub use desk::{CardError, ConflictError, FeedbackError, LoopError, QuestionError, RosterError};
pub use files::{InputError, SetupError, TemplateError};
pub use tu::TuError;
pub use views::{BindError, MapError, PlayError, PlaytestError, ReportError};

/// Why a command could not do its job (findings are not errors: they are results).
///
/// Each domain says what went wrong as data in its own type; this type gathers them,
/// and [`Error::class`], [`Error::exit_code`] and [`Error::hint`] below are the one
/// place they are classified.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Command-line arguments that make no sense (raised by `cli/` only).
    #[error("{0}")]
    Usage(String),
    /// A demo step that did not exit as the script expects (`showrunner demo`).
    #[error(
        "demo step `showrunner {command}` exited with {code} (expected {expected}):\n{stdout}{stderr}"
    )]
    Demo {
        /// The step's arguments, as a shell would take them.
        command: String,
        /// Its exit code.
        code: i32,
        /// The exit code the script expects.
        expected: i32,
        /// What it printed.
        stdout: String,
        /// What it complained.
        stderr: String,
        /// The demo studio, left in place.
        dir: PathBuf,
    },
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
    /// Git said no.
    #[error(transparent)]
    Git(#[from] GitError),
    /// A TU verb.
    #[error(transparent)]
    Tu(#[from] TuError),
    /// A question batch or an answer.
    #[error(transparent)]
    Question(#[from] QuestionError),
    /// A conflict.
    #[error(transparent)]
    Conflict(#[from] ConflictError),
    /// The roster.
    #[error(transparent)]
    Roster(#[from] RosterError),
    /// A loop.
    #[error(transparent)]
    Loop(#[from] LoopError),
    /// Feedback.
    #[error(transparent)]
    Feedback(#[from] FeedbackError),
    /// A hook card.
    #[error(transparent)]
    Card(#[from] CardError),
    /// A move of cold.
    #[error(transparent)]
    Cold(#[from] ColdError),
    /// A git hook's refusal.
    #[error(transparent)]
    Hook(#[from] HookError),
    /// A snapshot.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// A gate report.
    #[error(transparent)]
    Gate(#[from] GateError),
    /// Input that does not parse.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A template.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A write that would overwrite what it must not.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// Binding.
    #[error(transparent)]
    Bind(#[from] BindError),
    /// The player.
    #[error(transparent)]
    Play(#[from] PlayError),
    /// A playtest.
    #[error(transparent)]
    Playtest(#[from] PlaytestError),
    /// A report.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The story map.
    #[error(transparent)]
    Map(#[from] MapError),
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
    /// The error's class: the one place each typed error is classified.
    ///
    /// Long by design (one of the few): one arm per domain, each naming every variant
    /// of its type without a wildcard, so a new variant does not compile until someone
    /// decides its class.
    pub fn class(&self) -> ErrorClass {
        use ErrorClass::{Conflict, Invalid, NotFound, Rule};
        match self {
            Self::Usage(_) | Self::NotAStudio { .. } | Self::Io { .. } => Invalid,
            Self::Demo { .. } => Rule,
            Self::Git(e) => match e {
                GitError::RevNotFound { .. } => NotFound,
                GitError::RefMoved { .. }
                | GitError::RefExists { .. }
                | GitError::RefLocked { .. }
                | GitError::Dirty { .. }
                | GitError::IndexLocked { .. }
                | GitError::Conflicts => Conflict,
                GitError::NotARepo { .. } | GitError::Lib(_) | GitError::Other(_) => Invalid,
            },
            Self::Tu(e) => match e {
                TuError::Unknown { .. } | TuError::UnknownSeeList { .. } => NotFound,
                TuError::ColdMerged { .. }
                | TuError::Illegal { .. }
                | TuError::WrongBranch { .. }
                | TuError::Untraced { .. }
                | TuError::UntracedPush { .. } => Rule,
                TuError::NoActive
                | TuError::NoTitle
                | TuError::BadLoopId { .. }
                | TuError::BadRevisit { .. }
                | TuError::UnknownRole { .. }
                | TuError::InvalidBrief { .. }
                | TuError::BareRepo
                | TuError::NothingToUpdate
                | TuError::NoBrief { .. }
                | TuError::BadEdit { .. }
                | TuError::InvalidEdit { .. } => Invalid,
            },
            Self::Question(e) => match e {
                QuestionError::UnknownBatch { .. } | QuestionError::UnknownQuestion { .. } => {
                    NotFound
                }
                QuestionError::BudgetSpent { .. } | QuestionError::AlreadyAnswered { .. } => Rule,
                QuestionError::BadRecommendation { .. }
                | QuestionError::InvalidBatch { .. }
                | QuestionError::NoteNotOneLine
                | QuestionError::NoteNeeded { .. }
                | QuestionError::NotALanguageTag { .. }
                | QuestionError::BadKey { .. } => Invalid,
            },
            Self::Conflict(e) => match e {
                ConflictError::Unknown { .. } => NotFound,
                ConflictError::TuEnded { .. }
                | ConflictError::AlreadyResolved { .. }
                | ConflictError::Escalated { .. }
                | ConflictError::NotTheDecider { .. } => Rule,
                ConflictError::BadTopic
                | ConflictError::UnknownKind { .. }
                | ConflictError::UnknownParty { .. }
                | ConflictError::TooFewParties
                | ConflictError::BadDecision
                | ConflictError::UnknownDecider { .. } => Invalid,
            },
            Self::Roster(e) => match e {
                RosterError::TuFinished { .. }
                | RosterError::Already { .. }
                | RosterError::NeverDormant { .. }
                | RosterError::Responsible { .. } => Rule,
                RosterError::UnknownRole { .. }
                | RosterError::Broken { .. }
                | RosterError::NotOneLine { .. } => Invalid,
            },
            Self::Card(e) => match e {
                CardError::Unknown { .. } => NotFound,
                CardError::NeedsTu | CardError::NothingToTriage | CardError::Invalid { .. } => {
                    Invalid
                }
            },
            Self::Loop(e) => match e {
                LoopError::Unknown { .. } => NotFound,
                LoopError::UnknownParam { .. }
                | LoopError::UnknownStep { .. }
                | LoopError::BadParamValue { .. }
                | LoopError::MissingParam { .. }
                | LoopError::NoActiveTu
                | LoopError::EmptyRequest => Invalid,
            },
            Self::Cold(e) => match e {
                ColdError::NoReason => Invalid,
                ColdError::NotForward { .. }
                | ColdError::CheckedOut { .. }
                | ColdError::NotASnapshot { .. }
                | ColdError::SnapshotOffCold { .. }
                | ColdError::DirtyWorkTree => Rule,
            },
            Self::Hook(_) => Rule,
            Self::Snapshot(e) => match e {
                SnapshotError::NoTag { .. } | SnapshotError::NotMarked { .. } => Invalid,
                SnapshotError::NotASnapshot { .. }
                | SnapshotError::NoCold { .. }
                | SnapshotError::OffCold { .. }
                | SnapshotError::Failing { .. } => Rule,
            },
            Self::Playtest(e) => match e {
                PlaytestError::TuClosed { .. } => Rule,
                PlaytestError::NoTu | PlaytestError::InvalidNotes { .. } => Invalid,
            },
            Self::Feedback(_)
            | Self::Gate(_)
            | Self::Input(_)
            | Self::Template(_)
            | Self::Setup(_)
            | Self::Bind(_)
            | Self::Play(_)
            | Self::Report(_)
            | Self::Map(_) => Invalid,
        }
    }

    /// The process exit code (DESIGN §4): 3 when the studio's or git's state refuses
    /// (and for an unknown revision), 2 for bad usage, unusable input or an unknown name.
    pub fn exit_code(&self) -> i32 {
        match self.class() {
            ErrorClass::Rule | ErrorClass::Conflict => 3,
            _ if matches!(self, Self::Git(GitError::RevNotFound { .. })) => 3,
            _ => 2,
        }
    }

    /// Something a person can do about it, when there is something.
    pub fn hint(&self) -> Option<String> {
        let text = |s: &str| Some(s.to_string());
        match self {
            Self::NotAStudio { .. } => text(
                "run `showrunner init <dir>` to create a studio, or `-C <dir>` to point at one",
            ),
            Self::Demo { dir, .. } => Some(format!(
                "the studio is left in {} to inspect",
                dir.display()
            )),
            Self::Git(GitError::RevNotFound { rev }) => Some(format!(
                "check the branch name (`git branch --list`), or pass `--rev` a commit; `{rev}` is unknown"
            )),
            Self::Git(GitError::RefMoved { .. }) => {
                text("someone else updated it; run the command again")
            }
            Self::Git(GitError::NotARepo { .. }) => {
                text("run it inside a studio's git repository, or use `-C <dir>`")
            }
            Self::Git(GitError::RefLocked { name }) => Some(format!(
                "nothing was changed; run the command again once the other one has finished (if none is running, one was killed holding the lock: remove `{name}.lock` in the git directory)"
            )),
            Self::Git(GitError::IndexLocked { path }) => Some(format!(
                "another git command is running, or one was killed: when none is running, `rm {}` and run this again (nothing was changed)",
                path.display()
            )),
            Self::Git(GitError::Dirty { .. }) => {
                text("commit or stash your edits to that file first; nothing was changed")
            }
            Self::Git(GitError::Conflicts) => {
                text("resolve the conflicts and stage the result first")
            }
            Self::Map(_) => text(
                "`showrunner graph --format dot` (or mermaid) writes every section, for a tool that draws large graphs",
            ),
            Self::Tu(TuError::ColdMerged { .. }) => text("open a new TU for further work"),
            Self::Tu(TuError::Illegal { id, .. }) => {
                Some(format!("`showrunner tu show {id}` tells its history"))
            }
            Self::Tu(TuError::WrongBranch { branch, .. }) => Some(format!(
                "`git switch {branch}` first, so the checkpoint lands on the TU's branch"
            )),
            Self::Tu(TuError::Untraced { .. }) => text(
                "open one with `showrunner tu open --loop <loop> --title <title>`, or pick one with `showrunner tu switch <id>`",
            ),
            Self::Tu(TuError::UntracedPush { .. }) => {
                text("amend them with `TU: <id>` trailers (the commit-msg hook adds them)")
            }
            Self::Question(QuestionError::BudgetSpent { .. }) => text(
                "wait for answers (`showrunner questions`), or ask these questions together in one batch later",
            ),
            Self::Question(QuestionError::AlreadyAnswered { .. }) => {
                text("ask a new question to revisit a decision")
            }
            Self::Conflict(ConflictError::Escalated { question, .. }) => question
                .as_ref()
                .map(|q| format!("showrunner answer {q} settle <key>")),
            Self::Conflict(ConflictError::NotTheDecider { decider, .. }) => {
                Some(format!("`--by {decider}`"))
            }
            Self::Roster(RosterError::TuFinished { .. }) => text("open a new TU for the work"),
            Self::Roster(RosterError::Responsible { .. }) => {
                text("finish or defer those TUs first, or pass `--force`")
            }
            Self::Cold(ColdError::NotForward { .. }) => text(
                "cold only moves forward: merge cold into hot first, gatecheck, then merge again",
            ),
            Self::Cold(ColdError::CheckedOut { hot, .. }) => {
                Some(format!("switch that work tree to `{hot}` first"))
            }
            Self::Cold(ColdError::NotASnapshot { .. }) => {
                text("`git tag --list 'cold-*'` lists the snapshots")
            }
            Self::Cold(ColdError::SnapshotOffCold { .. }) => {
                text("only snapshots of cold can be restored")
            }
            Self::Cold(ColdError::DirtyWorkTree) => {
                text("commit or stash them first; nothing was changed")
            }
            Self::Hook(HookError::GateRefused { .. }) => {
                text("fix on hot, `showrunner gate submit`, then `showrunner merge`")
            }
            Self::Hook(HookError::OffHot { .. }) => text(
                "push hot with it (`git push <remote> hot cold`); cold never takes what hot lacks, such as a merge commit made on cold",
            ),
            Self::Hook(HookError::ColdDeleted { .. }) => {
                text("cold holds the shippable canon; move it forward with `showrunner merge`")
            }
            Self::Hook(HookError::RemoteUnknown { .. }) => {
                text("fetch first, so the fast-forward can be checked")
            }
            Self::Snapshot(SnapshotError::Failing { tag, .. }) => Some(format!(
                "`showrunner gate check --rev {tag}` lists the findings; bind a snapshot `showrunner snapshot` made"
            )),
            Self::Snapshot(
                SnapshotError::NotASnapshot { .. }
                | SnapshotError::NoCold { .. }
                | SnapshotError::OffCold { .. },
            ) => text(
                "use a snapshot of cold: `showrunner snapshot list`, or make one with `showrunner snapshot`",
            ),
            Self::Playtest(PlaytestError::TuClosed { .. }) => {
                text("`showrunner loop run narration_dry_run` opens a dry-run TU")
            }
            Self::Bind(BindError::Paper { .. }) => text(
                "write `paper = \"a5\"`, \"a4\", \"letter\" or a size like \"150x230mm\" under [print], merge it to cold and snapshot again",
            ),
            Self::Bind(BindError::Seed { .. }) => text(
                "write a whole number, like `seed = 7`, under [print], merge it to cold and snapshot again",
            ),
            Self::Bind(BindError::Art { .. }) => text(
                "fix or replace the asset (SVG, PNG, JPEG, GIF or WebP), or set its art plan's status back from done",
            ),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::yaml::YamlError;

    fn classified(e: impl Into<Error>) -> (Error, ErrorClass, i32, Option<String>) {
        let e = e.into();
        let (class, code, hint) = (e.class(), e.exit_code(), e.hint());
        (e, class, code, hint)
    }

    #[test]
    fn an_unknown_tu_is_not_found_with_exit_2_and_its_suggestion_in_the_message() {
        let (e, class, code, hint) = classified(TuError::Unknown {
            id: "TU-2026-01-01-LW01".into(),
            did_you_mean: Some("TU-2026-01-01-LW02".into()),
        });
        assert_eq!(
            e.to_string(),
            "no TU named `TU-2026-01-01-LW01` in this studio (did you mean `TU-2026-01-01-LW02`?)"
        );
        assert_eq!((class, code, hint), (ErrorClass::NotFound, 2, None));
        assert_eq!(class.protocol_code(), "not_found");
    }

    #[test]
    fn an_illegal_transition_is_a_rule_with_exit_3_keeping_its_source() {
        let refusal = std::io::Error::other("cannot submit a TU that is hot-proposed");
        let (e, class, code, hint) = classified(TuError::Illegal {
            id: "TU-1".into(),
            source: Box::new(refusal),
        });
        assert_eq!(
            e.to_string(),
            "TU-1: cannot submit a TU that is hot-proposed"
        );
        assert_eq!((class, code), (ErrorClass::Rule, 3));
        assert_eq!(
            hint.as_deref(),
            Some("`showrunner tu show TU-1` tells its history")
        );
        let Error::Tu(inner) = &e else {
            panic!("not a TU error: {e:?}")
        };
        let source = std::error::Error::source(inner).map(ToString::to_string);
        assert_eq!(
            source.as_deref(),
            Some("cannot submit a TU that is hot-proposed")
        );
        assert_eq!(class.protocol_code(), "business_rule_violation");
    }

    #[test]
    fn a_bad_answer_key_is_invalid_input_listing_the_options() {
        let (e, class, code, hint) = classified(QuestionError::BadKey {
            key: "c".into(),
            batch: "Q-2026-01-01-01".into(),
            question: "q1".into(),
            options: vec![("a".into(), "Yes".into()), ("b".into(), "No".into())],
        });
        assert_eq!(
            e.to_string(),
            "`c` is not an option of Q-2026-01-01-01 `q1`; options: a (Yes), b (No)"
        );
        assert_eq!((class, code, hint), (ErrorClass::Invalid, 2, None));
        assert_eq!(class.protocol_code(), "validation_error");
    }

    #[test]
    fn an_escalated_conflict_hints_at_its_question_only_when_it_has_one() {
        let with = Error::from(ConflictError::Escalated {
            id: "C-1".into(),
            question: Some("Q-1".into()),
        });
        assert_eq!(
            with.hint().as_deref(),
            Some("showrunner answer Q-1 settle <key>")
        );
        let without = Error::from(ConflictError::Escalated {
            id: "C-1".into(),
            question: None,
        });
        assert_eq!(
            without.to_string(),
            "C-1 was escalated to the customer: it is settled by answering its question"
        );
        assert_eq!(without.hint(), None);
        assert_eq!(
            (without.class(), without.exit_code()),
            (ErrorClass::Rule, 3)
        );
    }

    #[test]
    fn a_role_already_awake_says_since_when_and_why_when_the_roster_knows() {
        let known = Error::from(RosterError::Already {
            role: "lore_weaver".into(),
            state: "awake",
            entry: Some(("2026-01-02".into(), "canon work".into())),
        });
        assert_eq!(
            known.to_string(),
            "lore_weaver is already awake since 2026-01-02 (canon work)"
        );
        let undated = Error::from(RosterError::Already {
            role: "lore_weaver".into(),
            state: "dormant",
            entry: Some((String::new(), "default".into())),
        });
        assert_eq!(
            undated.to_string(),
            "lore_weaver is already dormant (default)"
        );
        let bare = Error::from(RosterError::Already {
            role: "lore_weaver".into(),
            state: "awake",
            entry: None,
        });
        assert_eq!(bare.to_string(), "lore_weaver is already awake");
        assert_eq!((bare.class(), bare.exit_code()), (ErrorClass::Rule, 3));
    }

    #[test]
    fn bad_yaml_names_file_and_line_and_keeps_the_parser_error() {
        let (e, class, code, _) = classified(InputError::Yaml {
            path: "questions/new.yaml".into(),
            source: YamlError {
                line: 7,
                message: "unexpected end of mapping".into(),
            },
        });
        assert_eq!(
            e.to_string(),
            "questions/new.yaml:7: unexpected end of mapping"
        );
        assert_eq!((class, code), (ErrorClass::Invalid, 2));
        let Error::Input(inner) = &e else {
            panic!("not an input error: {e:?}")
        };
        let source = std::error::Error::source(inner)
            .and_then(|s| s.downcast_ref::<YamlError>())
            .map(|y| y.line);
        assert_eq!(source, Some(7));
    }

    #[test]
    fn a_gate_refusal_lists_blocking_findings_and_for_conditional_all_of_them() {
        let f = |code: &str, line: u32| Blocking {
            code: code.into(),
            path: "sections/a.md".into(),
            line,
            message: "broken".into(),
        };
        let (e, class, code, hint) = classified(HookError::GateRefused {
            what: "push to refs/heads/cold".into(),
            errors: vec![f("E1", 3)],
            conditional: Some(vec![f("E1", 3), f("W2", 0)]),
        });
        assert_eq!(
            e.to_string(),
            "push to refs/heads/cold refused by the Gatekeeper:\n  E1 sections/a.md:3: broken\n  (conditional verdict, and [policy] allow_conditional is off)\n  E1 sections/a.md:3: broken\n  W2 sections/a.md: broken"
        );
        assert_eq!((class, code), (ErrorClass::Rule, 3));
        assert_eq!(
            hint.as_deref(),
            Some("fix on hot, `showrunner gate submit`, then `showrunner merge`")
        );
    }

    #[test]
    fn git_refusals_keep_their_classes_and_exit_codes() {
        let (_, class, code, hint) = classified(GitError::RevNotFound { rev: "hto".into() });
        assert_eq!((class, code), (ErrorClass::NotFound, 3));
        assert!(hint.is_some_and(|h| h.contains("`hto` is unknown")));
        let (_, class, code, _) = classified(GitError::RefMoved {
            name: "refs/heads/hot".into(),
            expected: "a".into(),
            actual: "b".into(),
        });
        assert_eq!((class, code), (ErrorClass::Conflict, 3));
        assert_eq!(class.protocol_code(), "conflict");
        let (_, class, code, _) = classified(GitError::Other("boom".into()));
        assert_eq!((class, code), (ErrorClass::Invalid, 2));
    }

    #[test]
    fn a_libgit2_error_renders_its_message_and_keeps_its_code() {
        let lib = git2::Error::new(
            git2::ErrorCode::Locked,
            git2::ErrorClass::Reference,
            "failed to lock file",
        );
        let e = Error::from(GitError::from(lib));
        assert_eq!(e.to_string(), "git: failed to lock file");
        assert_eq!((e.class(), e.exit_code()), (ErrorClass::Invalid, 2));
        let code = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<git2::Error>())
            .map(git2::Error::code);
        assert_eq!(code, Some(git2::ErrorCode::Locked));
    }

    #[test]
    fn an_overwrite_is_invalid_with_exit_2_and_names_the_files() {
        let (e, class, code, hint) = classified(SetupError::WouldOverwrite {
            dir: PathBuf::from("/tmp/s"),
            files: vec!["studio.toml".into(), "roles.yaml".into()],
        });
        assert_eq!(
            e.to_string(),
            "/tmp/s already has studio.toml, roles.yaml; nothing was changed"
        );
        assert_eq!((class, code, hint), (ErrorClass::Invalid, 2, None));
    }
}
