//! Reading history: the one place above `git/` that walks commits. The studio's
//! [`History`] (every commit on hot, cold and `tu/*`, with the trailers the studio
//! reads) is walked once per session and cached by tips; the ledger, conflicts and the
//! report's signals derive from it. A [`range`] is read whole for the checks of a move
//! (merge, hooks) and for a snapshot's TUs.

use std::collections::{HashMap, HashSet};

use crate::error::Error;
use crate::git::{CommitInfo, Repo};
use crate::ids::RefName;
use crate::trace::ledger::{Ledger, Seen, might_name_a_tu};
use crate::trace::trailers::{self, Trailer};

/// One commit as the studio reads it.
#[derive(Clone, Debug)]
pub struct Commit {
    /// Full hex id.
    pub id: String,
    /// Parent ids, first parent first.
    pub parents: Vec<String>,
    /// Committer time (seconds since the epoch).
    pub time: i64,
    /// Author name.
    pub author: String,
    /// The whole message.
    pub message: String,
    /// The message's trailers.
    pub trailers: Vec<Trailer>,
}

impl Commit {
    fn from_info(c: CommitInfo) -> Commit {
        let trailers = trailers::parse(&c.message);
        Commit {
            id: c.id,
            parents: c.parents,
            time: c.time,
            author: c.author,
            message: c.message,
            trailers,
        }
    }

    /// The first value of a trailer key (any case).
    pub fn first(&self, key: &str) -> Option<&str> {
        trailers::first(&self.trailers, key)
    }

    /// Every value of a trailer key (any case), in order.
    pub fn values<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a str> {
        trailers::values(&self.trailers, key)
    }
}

/// Whether a message may carry a trailer the studio's history readers use (a cheap
/// pre-filter: the rest are dropped at once on a long history).
fn studio_trailers(message: &str) -> bool {
    might_name_a_tu(message)
        || ["Feedback:", "Decision:", "Role-Event:", "Conflict:"]
            .iter()
            .any(|k| message.contains(k))
}

/// A commit of the studio's history that carries a trailer the studio reads.
#[derive(Clone, Debug)]
pub struct Record {
    /// Full hex id.
    pub id: String,
    /// Position in the walk (parents before children), counting every commit.
    pub seq: usize,
    /// Committer time (seconds since the epoch).
    pub time: i64,
    /// Author name.
    pub author: String,
    /// The message's first line.
    pub summary: String,
    /// The message's trailers.
    pub trailers: Vec<Trailer>,
}

impl Record {
    /// The first value of a trailer key (any case).
    pub fn first(&self, key: &str) -> Option<&str> {
        trailers::first(&self.trailers, key)
    }
}

/// Trailer keys whose commits a [`History`] keeps as [`Record`]s (the ledger's own are
/// folded as the walk goes).
const SIGNALS: [&str; 6] = [
    "Feedback",
    "Decision",
    "Question",
    "Role-Event",
    "Conflict",
    "Conflict-Event",
];

/// Every commit reachable from the studio's branches, read in one walk, parents before
/// children: the TU ledger folded from it, the commits with the other trailers the
/// studio reads (feedback, decisions, roster and conflict events) as [`Record`]s, and
/// the times that bound it.
pub struct History {
    /// The TU ledger replayed from every commit.
    pub ledger: Ledger,
    /// The commits with feedback, decision, roster or conflict trailers, in walk order
    /// (a deterministic topological order).
    pub commits: Vec<Record>,
    /// The first and last commit times of the whole history.
    pub span: Option<(i64, i64)>,
    not_on_cold: HashSet<String>,
}

impl History {
    /// Walks hot, the `tu/*` branches and cold (those that exist).
    pub fn read(repo: &Repo, hot: &str, cold: &str) -> Result<History, Error> {
        let hot_tip = repo.ref_target(&RefName::branch(hot))?;
        let mut tips: Vec<String> = hot_tip.iter().cloned().collect();
        for (_, tip) in repo.branches("tu/")? {
            tips.push(tip);
        }
        let cold_tip = repo.ref_target(&RefName::branch(cold))?;
        History::read_at(repo, tips, cold_tip)
    }

    /// Walks everything reachable from `tips` and from `cold_tip`; a commit is "on
    /// cold" when `cold_tip` reaches it.
    pub fn read_at(
        repo: &Repo,
        mut tips: Vec<String>,
        cold_tip: Option<String>,
    ) -> Result<History, Error> {
        let not_on_cold: HashSet<String> = repo
            .rev_list(&tips, cold_tip.as_slice())?
            .into_iter()
            .collect();
        if let Some(c) = &cold_tip {
            tips.push(c.clone());
        }
        let mut commits = Vec::new();
        let mut span: Option<(i64, i64)> = None;
        let mut ledger = Ledger::default();
        let mut seq = 0;
        if !tips.is_empty() {
            repo.walk(&tips, &[], &studio_trailers, &mut |c| {
                seq += 1;
                span = Some(span.map_or((c.time, c.time), |(a, b)| (a.min(c.time), b.max(c.time))));
                if c.message.is_empty() {
                    return true;
                }
                let trailers = trailers::parse(&c.message);
                if trailers.is_empty() {
                    return true;
                }
                let summary = c.message.lines().next().unwrap_or("");
                // The ledger folds as the walk goes; only what other readers use is kept.
                ledger.add(&Seen {
                    commit: &c.id,
                    time: c.time,
                    author: &c.author,
                    summary,
                    trailers: &trailers,
                    seq,
                    on_cold: !not_on_cold.contains(&c.id),
                });
                if trailers.iter().any(|t| SIGNALS.iter().any(|k| t.is(k))) {
                    commits.push(Record {
                        summary: summary.to_string(),
                        id: c.id,
                        seq,
                        time: c.time,
                        author: c.author,
                        trailers,
                    });
                }
                true
            })?;
        }
        Ok(History {
            commits,
            span,
            ledger,
            not_on_cold,
        })
    }

    /// Whether cold reaches a commit.
    pub fn on_cold(&self, id: &str) -> bool {
        !self.not_on_cold.contains(id)
    }
}

/// The commits of the `tu/*` branches and cold that hot does not reach.
pub fn off_hot(repo: &Repo, hot: &str, cold: &str) -> Result<HashSet<String>, Error> {
    let hot_tip = repo.ref_target(&RefName::branch(hot))?;
    let others: Vec<String> = repo
        .branches("tu/")?
        .into_iter()
        .map(|(_, t)| t)
        .chain(repo.ref_target(&RefName::branch(cold))?)
        .collect();
    if others.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(repo
        .rev_list(&others, hot_tip.as_slice())?
        .into_iter()
        .collect())
}

/// The commits reachable from `tips` and not from `hide`, parents before children,
/// every message whole.
pub fn range(repo: &Repo, tips: &[String], hide: &[String]) -> Result<Vec<Commit>, Error> {
    let mut out = Vec::new();
    repo.walk(tips, hide, &|_| true, &mut |c| {
        out.push(Commit::from_info(c));
        true
    })?;
    Ok(out)
}

/// Ids of the commits reachable from `tips` and not from `hide`, newest first (like
/// `git rev-list`: for counting and listing, without reading messages).
pub fn ids(repo: &Repo, tips: &[String], hide: &[String]) -> Result<Vec<String>, Error> {
    Ok(repo.rev_list(tips, hide)?)
}

/// When each commit first reached cold: from cold's reflog (each entry's new commits,
/// the first entry being the baseline whose commits predate the log), then from the
/// given snapshots (commit, time) for commits the reflog does not place.
pub fn arrivals(
    repo: &Repo,
    cold_ref: &str,
    snapshots: &[(&str, i64)],
) -> Result<HashMap<String, (i64, &'static str)>, Error> {
    let mut at: HashMap<String, (i64, &'static str)> = HashMap::new();
    let log = repo.reflog(cold_ref)?;
    let mut seen: Vec<String> = Vec::new();
    for (i, (tip, time)) in log.iter().enumerate() {
        if !repo.has_commit(tip) {
            continue;
        }
        let fresh = repo.rev_list(std::slice::from_ref(tip), &seen)?;
        if i > 0 {
            for c in fresh {
                at.entry(c).or_insert((*time, "reflog"));
            }
        }
        seen.push(tip.clone());
    }
    let mut hidden: Vec<String> = Vec::new();
    for (commit, time) in snapshots {
        if !repo.has_commit(commit) {
            continue;
        }
        for c in repo.rev_list(&[commit.to_string()], &hidden)? {
            at.entry(c).or_insert((*time, "snapshot"));
        }
        hidden.push(commit.to_string());
    }
    Ok(at)
}
