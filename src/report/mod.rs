//! Metrics and the dashboard: the figures of what the studio's history and files say
//! about its work, computed by [`compute`] from plain [`Inputs`] (`app::report` reads
//! those from git: the ledger, commits' trailers, tags, the cold reflog, files on hot).
//! Nothing here reads git or the disk.
//!
//! Every figure is reproducible from the repository: the same refs give the same
//! report, byte for byte, in each format.

mod figures;
pub mod html;
mod inputs;

pub use figures::{compute, oldest_first};
pub use inputs::{GateBars, HookCard, Inputs, QuestionBatch, Signals, Since, Tagged};

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::ids::CommitId;
use crate::trace::ledger::{Ledger, TuRecord};
use crate::trace::lifecycle::Event;
use crate::trace::trailers;

/// The whole report, in the shape of `report --format json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The first day counted (`YYYY-MM-DD`), when the report is limited.
    pub since: Option<String>,
    /// The hot and cold tips the report was computed from.
    pub hot: Option<CommitId>,
    /// See `hot`.
    pub cold: Option<CommitId>,
    /// TU throughput and cycle time.
    pub tus: Tus,
    /// Gate decisions recorded by `gate submit`.
    pub gates: Gates,
    /// Trips back from the gate for more work.
    pub rework: Rework,
    /// Each role's share of the work.
    pub roles: Vec<RoleUse>,
    /// Checkpoints that named blockers, and hook cards that block.
    pub blockers: Blockers,
    /// How far hook cards have been triaged.
    pub hooks: Hooks,
    /// Human question batches.
    pub questions: Questions,
    /// Snapshots tagged on cold.
    pub snapshots: Vec<SnapshotLine>,
    /// The customer's satisfaction signals.
    pub feedback: Feedback,
}

impl Report {
    /// The period counted, as the reports title it: `all history` or `since <day>`.
    pub fn period(&self) -> String {
        self.since
            .as_ref()
            .map_or("all history".to_string(), |s| format!("since {s}"))
    }
}

/// An optional figure in hours, as the reports print it (`–` when there is none).
pub fn hours(h: Option<f64>) -> String {
    h.map_or("–".into(), |h| format!("{h} h"))
}

/// TU throughput.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tus {
    /// TUs opened in the period.
    pub opened: usize,
    /// TUs finished in the period (closed, or entirely on cold).
    pub finished: usize,
    /// TUs rejected in the period.
    pub rejected: usize,
    /// Every known TU by its current state.
    pub by_state: BTreeMap<String, usize>,
    /// Opened and finished per week, every week from the first to the last.
    pub weeks: Vec<Week>,
    /// Open → cold-merged.
    pub cycle: Cycle,
}

/// One week's throughput.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Week {
    /// The week's Monday, `YYYY-MM-DD` (UTC).
    pub week: String,
    /// TUs opened that week.
    pub opened: usize,
    /// TUs finished that week.
    pub finished: usize,
}

/// Cycle time: from a TU's `open` to the moment cold first held all its commits.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cycle {
    /// TUs measured.
    pub count: usize,
    /// Median, in hours (one decimal).
    pub median_hours: Option<f64>,
    /// Mean, in hours.
    pub mean_hours: Option<f64>,
    /// Longest, in hours.
    pub max_hours: Option<f64>,
    /// Each measured TU.
    pub tus: Vec<CycleTu>,
    /// TUs on cold whose merge moment history does not record (no reflog entry and no
    /// snapshot after it), so they are not measured.
    pub unmeasured: Vec<String>,
}

/// One TU's cycle.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CycleTu {
    /// The TU.
    pub tu: String,
    /// Its loop.
    pub loop_id: Option<String>,
    /// Opened (`YYYY-MM-DD`).
    pub opened: String,
    /// Reached cold (`YYYY-MM-DD`).
    pub merged: String,
    /// Hours between the two (one decimal).
    pub hours: f64,
    /// Where the merge moment comes from: `reflog` (cold's own log) or `snapshot`.
    pub source: &'static str,
}

/// Gate decisions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gates {
    /// Submits judged in the period.
    pub total: usize,
    /// Decisions overall.
    pub decisions: Decisions,
    /// Decisions per loop (the loop of the judged TU).
    pub by_loop: BTreeMap<String, Decisions>,
    /// Per bar: how many committed reports had it red or yellow, most often red first.
    pub by_bar: Vec<BarCount>,
}

/// Counts of the three decisions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Decisions {
    /// Pass.
    pub pass: usize,
    /// Conditional.
    pub conditional: usize,
    /// Block.
    pub block: usize,
}

impl Decisions {
    pub(crate) fn add(&mut self, decision: &str) {
        match decision {
            "pass" => self.pass += 1,
            "conditional" => self.conditional += 1,
            _ => self.block += 1,
        }
    }

    /// All three.
    pub fn total(&self) -> usize {
        self.pass + self.conditional + self.block
    }
}

/// A bar's record over the committed gate reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BarCount {
    /// The bar.
    pub bar: String,
    /// Reports where it was red.
    pub red: usize,
    /// Reports where it was yellow.
    pub yellow: usize,
}

/// Rework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rework {
    /// Trips back from the gate to work (a blocked submit or a `rework` event) that the
    /// TU came back from with another submit.
    pub cycles: usize,
    /// Cycles per TU, for TUs with any.
    pub by_tu: BTreeMap<String, usize>,
}

/// One role's share.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoleUse {
    /// The role as recorded in `Role:` trailers.
    pub role: String,
    /// TU commits attributed to it (its own `Role:` trailer, else the TU opener's).
    pub commits: usize,
    /// Its share of all TU commits, 0–1 (three decimals).
    pub share: f64,
    /// Hours its TUs were open (open → finished, or → its latest commit).
    pub tu_hours: f64,
    /// Hours it was awake in the roster over the period (first to last commit).
    pub awake_hours: f64,
    /// `Role-Event: wake` commits naming it.
    pub woken: usize,
    /// `Role-Event: dormant` commits naming it.
    pub put_to_sleep: usize,
}

/// Blockers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blockers {
    /// Checkpoints recorded.
    pub checkpoints: usize,
    /// Checkpoints that named at least one blocker.
    pub with_blockers: usize,
    /// Every blocker named: (TU, text), oldest first.
    pub named: Vec<(String, String)>,
    /// Hook cards on hot marked `blocking: true` and not yet settled.
    pub blocking_hooks: Vec<String>,
}

/// Hook card triage on hot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hooks {
    /// Hook cards.
    pub total: usize,
    /// Per status.
    pub by_status: BTreeMap<String, usize>,
    /// Share of cards past `proposed`, 0–1 (three decimals), when there are cards.
    pub triaged_rate: Option<f64>,
}

/// Human questions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Questions {
    /// Open batches on hot.
    pub open: Vec<String>,
    /// Answered batches on hot.
    pub answered: Vec<String>,
    /// Commits recording a decision (`Question:` with `Decision:`) in the period.
    pub decisions: usize,
}

/// A snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotLine {
    /// The tag.
    pub name: String,
    /// Tagged on (`YYYY-MM-DD`).
    pub date: String,
    /// TUs it was the first snapshot to hold.
    pub tus: usize,
    /// Player-facing files in its manifest.
    pub files: usize,
    /// Views bound from it (`bind`), by format: how many times each.
    pub views: BTreeMap<String, usize>,
}

impl SnapshotLine {
    /// The views bound, `format ×count` joined by commas; `None` when there are none.
    pub fn views_text(&self) -> Option<String> {
        let views: Vec<String> = self
            .views
            .iter()
            .map(|(f, n)| format!("{f} ×{n}"))
            .collect();
        (!views.is_empty()).then(|| views.join(", "))
    }
}

/// Satisfaction.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Feedback {
    /// Scores in the period.
    pub count: usize,
    /// Their mean (two decimals).
    pub mean: Option<f64>,
    /// Per milestone (snapshot), in the order they were tagged; scores given before any
    /// snapshot are under `null`.
    pub by_milestone: Vec<Milestone>,
    /// Notes, oldest first: (date, score, note).
    pub notes: Vec<(String, u8, String)>,
}

/// Feedback on one milestone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Milestone {
    /// The snapshot judged.
    pub milestone: Option<String>,
    /// Scores given.
    pub count: usize,
    /// Their mean (two decimals).
    pub mean: f64,
}

pub(crate) fn round(x: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (x * k).round() / k
}

pub(crate) use crate::date::{monday, parse_day};

pub(crate) fn commits_by_role(
    r: &TuRecord,
    counts: &dyn Fn(i64) -> bool,
    out: &mut BTreeMap<String, usize>,
) {
    let opener = r.opened_with("Role");
    let event_role: HashMap<&str, &str> = r
        .events
        .iter()
        .filter_map(|e| Some((e.commit.as_str(), trailers::first(&e.trailers, "Role")?)))
        .collect();
    for c in r.commits.iter().filter(|c| counts(c.time)) {
        if let Some(role) = event_role.get(c.id.as_str()).copied().or(opener) {
            *out.entry(role.to_string()).or_default() += 1;
        }
    }
}

/// Each role's TU commits over all history (what `role list` shows as utilisation).
pub fn commits_per_role(ledger: &Ledger) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in ledger.tus.values() {
        commits_by_role(r, &|_| true, &mut out);
    }
    out
}

/// A TU's open time: its `open` event, else its first commit.
pub(crate) fn opened_at(r: &TuRecord) -> Option<i64> {
    r.events
        .iter()
        .find(|e| e.event == Event::Open)
        .map(|e| e.time)
        .or_else(|| r.commits.first().map(|c| c.time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        // 2026-11-26 is a Thursday; its Monday is 2026-11-23.
        let t = parse_day("2026-11-26").expect("date") + 13 * 3600;
        assert_eq!(crate::date::ymd(monday(t) * 86_400, 0), "2026-11-23");
        let m = parse_day("2026-11-23").expect("date");
        assert_eq!(monday(m) * 86_400, m);
        assert_eq!(monday(m - 1) * 86_400, m - 7 * 86_400);
    }

    #[test]
    fn days_must_exist() {
        assert!(parse_day("2026-02-29").is_none());
        assert!(parse_day("2024-02-29").is_some());
        assert!(parse_day("2026-1-05").is_none());
        assert!(parse_day("yesterday").is_none());
    }
}
