//! Reading history: the one place above `git/` that walks commits. The studio's
//! [`History`] (every commit on hot, cold and `tu/*`, with the trailers the studio
//! reads) is walked once per session and cached by tips; the ledger, conflicts and the
//! report's signals derive from it, and it is kept on disk between commands ([`Cache`]).
//! A [`range`] is read whole for the checks of a move (merge, hooks) and for a snapshot's
//! TUs.

use std::collections::{HashMap, HashSet};
use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Summary;
use crate::error::Error;
use crate::git::{CommitInfo, Repo};
use crate::ids::{CommitId, NO_COMMITS, RefName};
use crate::trace::ledger::{Ledger, PROMOTED_FROM, Seen, might_name_a_tu};
use crate::trace::trailers::{self, Trailer};

/// One commit as the studio reads it.
#[derive(Clone, Debug)]
pub struct Commit {
    /// Its id.
    pub id: CommitId,
    /// Parent ids, first parent first.
    pub parents: Vec<CommitId>,
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
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Record {
    /// Its id.
    pub id: CommitId,
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
#[derive(Serialize, Deserialize)]
pub struct History {
    /// The TU ledger replayed from every commit.
    pub ledger: Ledger,
    /// The commits with feedback, decision, roster or conflict trailers, in walk order
    /// (a deterministic topological order).
    pub commits: Vec<Record>,
    /// The first and last commit times of the whole history.
    pub span: Option<(i64, i64)>,
    not_on_cold: HashSet<CommitId>,
    /// Commits whose change a promotion commit on cold carries (`Promoted-From`).
    promoted: HashSet<CommitId>,
    /// The walk position of the first tip (hot, in [`History::read`]): the walk is
    /// depth-first, parents first, so the commits at or before it are exactly those
    /// the first tip reaches.
    first_tip_seq: Option<usize>,
}

impl History {
    /// Walks hot, the `tu/*` branches and cold (those that exist).
    pub fn read(repo: &Repo, hot: &str, cold: &str) -> Result<History, Error> {
        let hot_tip = repo.ref_target(&RefName::branch(hot))?;
        let hot_tip_missing = hot_tip.is_none();
        let mut tips: Vec<CommitId> = hot_tip.into_iter().collect();
        tips.extend(repo.branches("tu/")?.into_iter().map(|b| b.tip));
        let cold_tip = repo.ref_target(&RefName::branch(cold))?;
        let mut history = History::walk(repo, tips, cold_tip, None, !hot_tip_missing)?;
        if hot_tip_missing {
            history.first_tip_seq = None;
        }
        Ok(history)
    }

    /// Walks everything reachable from `tips` and from `cold_tip`; a commit is "on
    /// cold" when `cold_tip` reaches it.
    pub fn read_at(
        repo: &Repo,
        tips: Vec<CommitId>,
        cold_tip: Option<CommitId>,
    ) -> Result<History, Error> {
        History::walk(repo, tips, cold_tip, None, false)
    }

    /// [`History::read_at`] that also returns, whole, the commits `cold_tip` does not
    /// reach (the range a move of cold would add, parents before children, as
    /// [`range`] gives it): one walk for both, as the checks of a move need.
    pub fn read_with_range(
        repo: &Repo,
        tips: Vec<CommitId>,
        cold_tip: Option<CommitId>,
    ) -> Result<(History, Vec<Commit>), Error> {
        let mut range = Vec::new();
        let history = History::walk(repo, tips, cold_tip, Some(&mut range), false)?;
        Ok((history, range))
    }

    fn walk(
        repo: &Repo,
        mut tips: Vec<CommitId>,
        cold_tip: Option<CommitId>,
        mut range: Option<&mut Vec<Commit>>,
        first_is_hot: bool,
    ) -> Result<History, Error> {
        let not_on_cold: HashSet<CommitId> = repo
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
        let first_tip = tips.first().cloned();
        let mut first_tip_seq = None;
        let mut promoted: HashSet<CommitId> = HashSet::new();
        // With a range to return, the range's messages are kept whole; elsewhere only
        // those with trailers the studio reads.
        let want_range = range.is_some();
        let keep = |id: &str, message: &str| {
            (want_range && not_on_cold.contains(id)) || studio_trailers(message)
        };
        if !tips.is_empty() {
            repo.walk(&tips, NO_COMMITS, &keep, &mut |c| {
                seq += 1;
                if first_tip.as_ref() == Some(&c.id) {
                    first_tip_seq = Some(seq);
                }
                span = Some(span.map_or((c.time, c.time), |(a, b)| (a.min(c.time), b.max(c.time))));
                // Looked up only for the commits that need it (the range, the ledger's).
                let on_cold = || !not_on_cold.contains(c.id.as_str());
                if let Some(range) = range.as_deref_mut()
                    && !on_cold()
                {
                    range.push(Commit::from_info(c.clone()));
                }
                if c.message.is_empty() {
                    return true;
                }
                let trailers = trailers::parse(&c.message);
                if trailers.is_empty() {
                    return true;
                }
                let summary = c.message.lines().next().unwrap_or("");
                if on_cold() {
                    promoted.extend(
                        trailers::values(&trailers, PROMOTED_FROM).filter_map(CommitId::parse),
                    );
                }
                // The ledger folds as the walk goes; only what other readers use is kept.
                ledger.add(&Seen {
                    commit: &c.id,
                    time: c.time,
                    author: &c.author,
                    summary,
                    trailers: &trailers,
                    seq,
                    on_cold: on_cold(),
                    // The walk is depth-first from the first tip, parents first: until
                    // that tip is emitted, every commit is one it reaches.
                    on_hot: first_is_hot && first_tip_seq.is_none_or(|f| f == seq),
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
        ledger.mark_promoted(&promoted);
        Ok(History {
            commits,
            span,
            ledger,
            not_on_cold,
            promoted,
            first_tip_seq,
        })
    }

    /// Whether cold reaches a commit.
    pub fn on_cold(&self, id: &str) -> bool {
        !self.not_on_cold.contains(id)
    }

    /// Whether a promotion commit on cold carries this commit's change.
    pub fn promoted(&self, id: &str) -> bool {
        self.promoted.contains(id)
    }

    /// Whether hot reaches a kept record (false when there is no hot).
    pub fn on_hot(&self, r: &Record) -> bool {
        self.first_tip_seq.is_some_and(|last| r.seq <= last)
    }
}

/// The history kept between commands: one file, `.git/showrunner/cache/history.bin`,
/// holding the [`History`] and the `tu list` derived from it, for one key (the build, the
/// branch names and every tip, [`super::Session::tips_key`]). Any moved tip misses and
/// the next reader walks again; a file that cannot be read or decoded is a miss too.
///
/// The file is a little-endian `u32` length, a postcard [`Head`] of that length (the
/// key and the list, so `tu list` reads only the head), then the postcard history.
/// Writes go to a temporary file renamed into place: readers never see half a cache.
pub struct Cache {
    path: PathBuf,
}

/// The front of the cache file.
#[derive(Serialize, Deserialize)]
struct Head {
    key: String,
    list: Option<Vec<Summary>>,
}

impl Cache {
    /// The cache of the repository whose git directory is `git_dir`.
    pub fn at(git_dir: &Path) -> Cache {
        Cache {
            path: git_dir.join("showrunner").join("cache").join("history.bin"),
        }
    }

    fn head(bytes: &[u8]) -> Option<(Head, &[u8])> {
        let len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        let head: Head = postcard::from_bytes(bytes.get(4..4 + len)?).ok()?;
        Some((head, bytes.get(4 + len..)?))
    }

    /// The history cached for `key`, if that is what the file holds.
    pub fn history(&self, key: &str) -> Option<History> {
        let bytes = std::fs::read(&self.path).ok()?;
        let (head, body) = Cache::head(&bytes)?;
        if head.key != key {
            return None;
        }
        postcard::from_bytes(body).ok()
    }

    /// The TU list cached for `key`, reading only the file's head.
    pub fn list(&self, key: &str) -> Option<Vec<Summary>> {
        let mut file = std::fs::File::open(&self.path).ok()?;
        let mut len = [0u8; 4];
        file.read_exact(&mut len).ok()?;
        let len = u64::from(u32::from_le_bytes(len));
        if len + 4 > file.metadata().ok()?.len() {
            return None;
        }
        let mut head = vec![0u8; usize::try_from(len).ok()?];
        file.read_exact(&mut head).ok()?;
        let head: Head = postcard::from_bytes(&head).ok()?;
        if head.key != key {
            return None;
        }
        head.list
    }

    /// Keeps only the TU list for `key` (no history behind it: a reader of the history
    /// misses and walks).
    pub fn store_list(&self, key: &str, list: &[Summary]) {
        self.write(key, None, Some(list));
    }

    /// Keeps `history` (and the list derived from it) for `key`. Best effort: a cache
    /// that cannot be written is simply not there next time.
    pub fn store(&self, key: &str, history: &History, list: Option<&[Summary]>) {
        self.write(key, Some(history), list);
    }

    fn write(&self, key: &str, history: Option<&History>, list: Option<&[Summary]>) {
        use std::io::Write as _;
        let head = Head {
            key: key.to_string(),
            list: list.map(<[Summary]>::to_vec),
        };
        let Ok(head) = postcard::to_stdvec(&head) else {
            return;
        };
        let Ok(len) = u32::try_from(head.len()) else {
            return;
        };
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = dir.join(format!("history.{}.tmp", std::process::id()));
        // The history is encoded straight into the file: no copy of it in memory.
        let written = std::fs::File::create(&tmp).ok().and_then(|file| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            out.write_all(&len.to_le_bytes()).ok()?;
            out.write_all(&head).ok()?;
            let mut out = match history {
                Some(h) => postcard::to_io(h, out).ok()?,
                None => out,
            };
            out.flush().ok()
        });
        if written.is_none() || std::fs::rename(&tmp, &self.path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// The commits reachable from `tips` and not from `hide`, parents before children,
/// every message whole.
pub fn range(
    repo: &Repo,
    tips: &[impl AsRef<str>],
    hide: &[impl AsRef<str>],
) -> Result<Vec<Commit>, Error> {
    let mut out = Vec::new();
    repo.walk(tips, hide, &|_, _| true, &mut |c| {
        out.push(Commit::from_info(c));
        true
    })?;
    Ok(out)
}

/// Ids of the commits reachable from `tips` and not from `hide`, newest first (like
/// `git rev-list`: for counting and listing, without reading messages).
pub fn ids(
    repo: &Repo,
    tips: &[impl AsRef<str>],
    hide: &[impl AsRef<str>],
) -> Result<Vec<CommitId>, Error> {
    Ok(repo.rev_list(tips, hide)?)
}

/// When each commit first reached cold: from cold's reflog (each entry's new commits,
/// the first entry being the baseline whose commits predate the log), then from the
/// given snapshots (commit, time) for commits the reflog does not place.
pub fn arrivals(
    repo: &Repo,
    cold_ref: &str,
    snapshots: &[(&str, i64)],
) -> Result<HashMap<CommitId, (i64, &'static str)>, Error> {
    let mut at: HashMap<CommitId, (i64, &'static str)> = HashMap::new();
    let log = repo.reflog(cold_ref)?;
    let mut seen: Vec<CommitId> = Vec::new();
    for (i, entry) in log.iter().enumerate() {
        if !repo.has_commit(&entry.commit) {
            continue;
        }
        let fresh = repo.rev_list(std::slice::from_ref(&entry.commit), &seen)?;
        if i > 0 {
            for c in fresh {
                at.entry(c).or_insert((entry.time, "reflog"));
            }
        }
        seen.push(entry.commit.clone());
    }
    let mut hidden: Vec<&str> = Vec::new();
    for (commit, time) in snapshots {
        if !repo.has_commit(commit) {
            continue;
        }
        for c in repo.rev_list(&[commit], &hidden)? {
            at.entry(c).or_insert((*time, "snapshot"));
        }
        hidden.push(commit);
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::lifecycle::State;

    fn history() -> History {
        History {
            ledger: Ledger::default(),
            commits: vec![Record {
                id: CommitId::new("c0ffee"),
                seq: 1,
                time: 7,
                author: "Ada".into(),
                summary: "Decide".into(),
                trailers: vec![Trailer {
                    key: "Decision".into(),
                    value: "yes".into(),
                }],
            }],
            span: Some((7, 7)),
            not_on_cold: [CommitId::new("c0ffee")].into_iter().collect(),
            promoted: HashSet::new(),
            first_tip_seq: Some(1),
        }
    }

    #[test]
    fn the_cache_answers_only_for_its_key_and_ignores_damage() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::at(dir.path());
        assert!(cache.history("k").is_none(), "nothing cached yet");
        cache.store("k", &history(), None);
        let back = cache.history("k").expect("cached");
        assert_eq!(back.commits[0].trailers[0].value, "yes");
        assert!(!back.on_cold("c0ffee"));
        assert!(cache.history("other tips").is_none());
        assert!(cache.list("k").is_none(), "no list stored with the history");
        let list = vec![Summary {
            id: "TU-1".into(),
            title: "T".into(),
            loop_id: "scene_forge".into(),
            state: State::Stabilizing,
            commits: 2,
            updated: Some("2026-12-05".into()),
        }];
        cache.store_list("k", &list);
        assert_eq!(cache.list("k").as_ref(), Some(&list));
        assert!(
            cache.history("k").is_none(),
            "a list alone has no history behind it"
        );
        cache.store("k", &history(), Some(&list));
        assert_eq!(cache.list("k"), Some(list));
        assert!(
            cache.history("k").is_some(),
            "the history stays behind the list"
        );
        let path = dir.path().join("showrunner/cache/history.bin");
        let bytes = std::fs::read(&path).expect("file");
        std::fs::write(&path, &bytes[..bytes.len() - 3]).expect("truncate");
        assert!(cache.history("k").is_none(), "a truncated body is a miss");
        std::fs::write(&path, [255, 255, 255, 255, 1]).expect("garbage");
        assert!(cache.list("k").is_none() && cache.history("k").is_none());
    }
}
