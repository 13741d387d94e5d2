//! What the report is computed from, as plain values: the ledger, the signals folded
//! from history's trailers, snapshots with their times, when commits reached cold, the
//! bars of committed gate reports, the files on hot and the roster. `app::report` reads
//! them from git; nothing here reads anything.

use std::collections::{BTreeSet, HashMap};

use super::parse_day;
use crate::ids::CommitId;
use crate::trace::ledger::Ledger;
use crate::trace::snapshot::Snapshot;
use crate::trace::trailers::{self, Trailer};

/// Everything [`super::compute`] needs, read once.
pub struct Inputs<'a> {
    /// The hot tip, when hot exists.
    pub hot: Option<CommitId>,
    /// The cold tip, when cold exists.
    pub cold: Option<CommitId>,
    /// The replayed TUs.
    pub ledger: &'a Ledger,
    /// What history's trailers say besides the ledger.
    pub signals: Signals,
    /// Every snapshot tag, in any order.
    pub snapshots: Vec<Tagged>,
    /// When each commit first reached cold, and where that moment comes from
    /// (`reflog` or `snapshot`).
    pub arrivals: HashMap<CommitId, (i64, &'static str)>,
    /// The bars of committed gate reports.
    pub gate_bars: GateBars,
    /// Hook cards on hot, in path order.
    pub hooks: Vec<HookCard>,
    /// Question batches on hot, in path order.
    pub questions: Vec<QuestionBatch>,
    /// Role codes the roster on hot has awake now.
    pub awake_now: BTreeSet<String>,
}

/// The bars of committed gate reports: (commit, report id) → (bar, status) in the
/// report's order.
pub type GateBars = HashMap<(CommitId, String), Vec<(String, String)>>;

/// A snapshot tag with its time and the views bound from it.
pub struct Tagged {
    /// The snapshot.
    pub snapshot: Snapshot,
    /// When it was tagged (0 when the tag has no time).
    pub time: i64,
    /// The format of each view bound from it, once per binding.
    pub views: Vec<String>,
}

/// A hook card on hot.
pub struct HookCard {
    /// Its id (the file's stem).
    pub id: String,
    /// Its `status` (`unknown` when it has none).
    pub status: String,
    /// Whether it says `blocking: true`.
    pub blocking: bool,
}

/// A question batch on hot.
pub struct QuestionBatch {
    /// Its id (the file's stem).
    pub id: String,
    /// Its `status` (`unknown` when it has none).
    pub status: String,
}

/// The first day counted, as given and as a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Since {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Its midnight (UTC), seconds since the epoch.
    pub from: i64,
}

impl Since {
    /// Parses `YYYY-MM-DD` (surrounding blanks ignored); `None` when it is not a day.
    pub fn parse(s: &str) -> Option<Since> {
        let day = s.trim();
        Some(Since {
            from: parse_day(day)?,
            day: day.to_string(),
        })
    }
}

/// A customer's score, from a `Feedback:` commit.
pub(super) struct Score {
    pub(super) time: i64,
    /// 1–5.
    pub(super) score: u8,
    /// The snapshot judged (`Snapshot:`).
    pub(super) milestone: Option<String>,
    /// `Feedback-Note:`.
    pub(super) note: Option<String>,
}

/// What history's commits say besides the ledger: feedback, decisions, roster events.
#[derive(Default)]
pub struct Signals {
    pub(super) feedback: Vec<Score>,
    /// Times of commits recording a decision (`Question:` with `Decision:`).
    pub(super) decisions: Vec<i64>,
    /// (role as written, wake | dormant), in history order.
    pub(super) role_events: Vec<(String, String)>,
    /// (time, role code, wake | dormant), in history order.
    pub(super) role_times: Vec<(i64, String, String)>,
    /// The first and last commit times seen.
    pub(super) span: Option<(i64, i64)>,
}

impl Signals {
    /// Folds the commits of history, each as (time, trailers), in history order; `span`
    /// is the first and last commit times of the whole history.
    pub fn fold<'t>(
        span: Option<(i64, i64)>,
        commits: impl IntoIterator<Item = (i64, &'t [Trailer])>,
    ) -> Signals {
        let mut out = Signals {
            span,
            ..Signals::default()
        };
        for (time, found) in commits {
            if !found.is_empty() {
                out.add(time, found);
            }
        }
        out
    }

    fn add(&mut self, time: i64, found: &[Trailer]) {
        let first = |key| trailers::first(found, key);
        if let Some(score) = first("Feedback").and_then(|s| s.parse::<u8>().ok())
            && (1..=5).contains(&score)
        {
            self.feedback.push(Score {
                time,
                score,
                milestone: first("Snapshot").map(str::to_string),
                note: first("Feedback-Note").map(str::to_string),
            });
        }
        if first("Question").is_some() && first("Decision").is_some() {
            self.decisions.push(time);
        }
        if let Some(ev) = first("Role-Event") {
            let ev = ev.trim().to_lowercase();
            for role in trailers::values(found, "Role") {
                self.role_events.push((role.to_string(), ev.clone()));
                self.role_times.push((
                    time,
                    crate::roles::code(role).unwrap_or(role).to_string(),
                    ev.clone(),
                ));
            }
        }
    }
}
