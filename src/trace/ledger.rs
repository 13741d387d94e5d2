//! The TU ledger: every commit with a `TU:` trailer on hot, cold and `tu/*`, replayed
//! into each TU's event timeline and state. Nothing here is stored; it is all history.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::lifecycle::{self, Event, Position, State};
use super::trailers::{self, Trailer};
use crate::ids::CommitId;

/// The trailer of a promotion commit naming each commit whose change it carries onto
/// cold (one value per commit).
pub const PROMOTED_FROM: &str = "Promoted-From";

/// A cheap pre-filter: whether any line starts like a `TU:` trailer (any case). Reads
/// bytes, so a message need not be decoded first.
pub fn might_name_a_tu(message: &[u8]) -> bool {
    message.split(|b| *b == b'\n').any(|b| {
        b.len() >= 3
            && b[..2].eq_ignore_ascii_case(b"tu")
            && b[2..].iter().find(|c| **c != b' ' && **c != b'\t') == Some(&b':')
    })
}

/// A commit as a walk over history meets it (what [`Ledger::add`] reads).
#[derive(Clone, Copy, Debug)]
pub struct Seen<'a> {
    /// The commit id.
    pub commit: &'a str,
    /// Committer time.
    pub time: i64,
    /// Author name.
    pub author: &'a str,
    /// The message's first line.
    pub summary: &'a str,
    /// The message's trailers.
    pub trailers: &'a [Trailer],
    /// Position in the walk (parents before children).
    pub seq: usize,
    /// Whether cold reaches it.
    pub on_cold: bool,
    /// Whether hot reaches it.
    pub on_hot: bool,
}

/// One `TU-Event:` commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// The commit.
    pub commit: CommitId,
    /// Committer time.
    pub time: i64,
    /// The event.
    pub event: Event,
    /// The commit's first line.
    pub summary: String,
    /// Who made it.
    pub author: String,
    /// All trailers of the commit.
    pub trailers: Vec<Trailer>,
    /// Why the replay could not apply it (an illegal move recorded in history).
    pub refused: Option<String>,
}

impl EventRecord {
    /// Values of one trailer key on this event.
    pub fn values(&self, key: &str) -> Vec<&str> {
        trailers::values(&self.trailers, key).collect()
    }
}

/// One commit that carries a TU's trailer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TuCommit {
    /// The commit.
    pub id: CommitId,
    /// Committer time.
    pub time: i64,
    /// First line of the message.
    pub summary: String,
    /// Whether it is reachable from cold.
    pub on_cold: bool,
    /// Whether it is reachable from hot.
    #[serde(default)]
    pub on_hot: bool,
    /// Position in the topological walk (parents before children): orders commits
    /// whose timestamps are equal.
    pub seq: usize,
}

/// Everything history says about one TU.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TuRecord {
    /// The TU id.
    pub id: String,
    /// Commits carrying `TU: <id>`, oldest first.
    pub commits: Vec<TuCommit>,
    /// Its `TU-Event:` commits, oldest first.
    pub events: Vec<EventRecord>,
    /// The replayed position (`None`: a brief without an `open` event).
    pub position: Option<Position>,
    /// Commits that carry the TU's trailer after it reached a terminal state.
    pub late: Vec<CommitId>,
}

impl TuRecord {
    /// Whether every commit of the TU is on cold (reachable from it, or carried there by
    /// a promotion commit). Once some of its work has landed on hot or cold, only those
    /// commits count: a review branch's originals, merged by a forge as a squash or a
    /// rebase, are stand-ins for the copies on hot.
    pub fn all_on_cold(&self) -> bool {
        let landed = self.commits.iter().any(|c| c.on_hot || c.on_cold);
        let mut counted = self
            .commits
            .iter()
            .filter(|c| !landed || c.on_hot || c.on_cold)
            .peekable();
        counted.peek().is_some() && counted.all(|c| c.on_cold)
    }

    /// The state to show: the replayed state, or `cold-merged` once a submitted or
    /// closed TU is entirely on cold.
    pub fn state(&self) -> State {
        let replayed = self.position.map(|p| p.state).unwrap_or(State::HotProposed);
        match replayed {
            State::Gatecheck | State::Closed if self.all_on_cold() => State::ColdMerged,
            s => s,
        }
    }

    /// The last submit the gate did not block (and the replay accepted): what lets the
    /// TU be promoted.
    pub fn accepted_submit(&self) -> Option<&EventRecord> {
        self.events.iter().rev().find(|e| {
            e.event == Event::Submit
                && e.refused.is_none()
                && trailers::first(&e.trailers, "Gate")
                    .is_some_and(|g| !g.eq_ignore_ascii_case("block"))
        })
    }

    /// The last event of this kind the replay applied (not refused).
    pub fn last_applied(&self, event: Event) -> Option<&EventRecord> {
        self.events
            .iter()
            .rev()
            .find(|r| r.event == event && r.refused.is_none())
    }

    /// The value of a trailer on the `open` event (`Loop`, `Role`).
    pub fn opened_with(&self, key: &str) -> Option<&str> {
        self.events
            .iter()
            .find(|e| e.event == Event::Open)
            .and_then(|e| trailers::first(&e.trailers, key))
    }

    /// Time of the first and last commit.
    pub fn span(&self) -> Option<(i64, i64)> {
        Some((self.commits.first()?.time, self.commits.last()?.time))
    }
}

/// The replayed history of every TU.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// TUs by id.
    pub tus: BTreeMap<String, TuRecord>,
}

impl Ledger {
    /// Adds one commit of a walk over history: nothing unless it carries a `TU:`
    /// trailer.
    pub fn add(&mut self, c: &Seen<'_>) {
        let Seen {
            commit,
            time,
            author,
            summary,
            trailers: found,
            seq,
            on_cold,
            on_hot,
        } = *c;
        let ids: Vec<String> = trailers::values(found, "TU").map(str::to_string).collect();
        // A promotion commit carries its TU's changes onto cold; the commits it names
        // with `Promoted-From` are the TU's, and [`Ledger::mark_promoted`] counts them.
        if ids.is_empty() || trailers::first(found, PROMOTED_FROM).is_some() {
            return;
        }
        let event = trailers::first(found, "TU-Event").and_then(Event::parse);
        let gate = trailers::first(found, "Gate").map(str::to_string);
        for id in ids {
            let rec = self.tus.entry(id.clone()).or_insert_with(|| TuRecord {
                id: id.clone(),
                commits: Vec::new(),
                events: Vec::new(),
                position: None,
                late: Vec::new(),
            });
            if rec.position.is_some_and(|p| p.state.is_terminal()) {
                rec.late.push(CommitId::new(commit));
            }
            rec.commits.push(TuCommit {
                id: CommitId::new(commit),
                time,
                summary: summary.to_string(),
                on_cold,
                on_hot,
                seq,
            });
            if let Some(event) = event {
                let refused = match lifecycle::apply(rec.position, event, gate.as_deref()) {
                    Ok(p) => {
                        rec.position = Some(p);
                        None
                    }
                    Err(illegal) => Some(illegal.to_string()),
                };
                rec.events.push(EventRecord {
                    commit: CommitId::new(commit),
                    time,
                    event,
                    summary: summary.to_string(),
                    author: author.to_string(),
                    trailers: found.to_vec(),
                    refused,
                });
            }
        }
    }

    /// Counts the commits that promotion commits on cold name as theirs as on cold.
    pub fn mark_promoted(&mut self, promoted: &std::collections::HashSet<CommitId>) {
        if promoted.is_empty() {
            return;
        }
        for rec in self.tus.values_mut() {
            for c in &mut rec.commits {
                if promoted.contains(&c.id) {
                    c.on_cold = true;
                }
            }
        }
    }

    /// A TU's record, if history knows it.
    pub fn get(&self, id: &str) -> Option<&TuRecord> {
        self.tus.get(id)
    }
}
