//! Walking commits: the depth-first walk that reads each commit once, `rev-list`
//! ranges, ancestry and reflogs.

use git2::{ErrorCode, Oid};

use super::*;
use crate::ids::CommitId;

/// One entry of a ref's reflog: the commit it moved to, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReflogEntry {
    /// The commit the ref pointed at after the move.
    pub commit: CommitId,
    /// The committer time of the move.
    pub time: i64,
}

/// One commit as [`Repo::walk`] visits it, with what `keep` made of its message.
#[derive(Debug)]
pub struct CommitInfo<'w, K> {
    /// Its id.
    pub id: CommitId,
    parents: &'w [Oid],
    /// Committer time (seconds since the epoch).
    pub time: i64,
    /// Author name (empty when `keep` kept nothing).
    pub author: String,
    /// What `keep` returned for the message.
    pub kept: Option<K>,
}

impl<K> CommitInfo<'_, K> {
    /// Parent ids, first parent first.
    pub fn parents(&self) -> Vec<CommitId> {
        self.parents
            .iter()
            .map(|p| CommitId::new(p.to_string()))
            .collect()
    }
}

/// A commit as [`Repo::walk`]'s `keep` is shown it: the raw message, and its id and
/// text on demand (most commits of a long history are dropped without either).
pub struct Meeting<'a> {
    oid: Oid,
    /// The message's bytes as stored.
    pub message: &'a [u8],
}

impl Meeting<'_> {
    /// The commit's id.
    pub fn id(&self) -> String {
        self.oid.to_string()
    }

    /// The message as text (invalid UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match std::str::from_utf8(self.message) {
            Ok(s) => s.into(),
            Err(_) => String::from_utf8_lossy(self.message),
        }
    }
}

/// A commit met by [`Repo::walk`], kept compact until it is visited: ids as raw object
/// ids, the author and what `keep` made of the message filled in by the keeping thread.
struct Met<K> {
    oid: Oid,
    /// Its parents: `parents[from..to]` of the walk's shared parent list.
    parents: (usize, usize),
    time: i64,
    kept: Option<Box<(String, K)>>,
}

/// Commits read by the walk, on their way to the keeping thread: each one's place in
/// the walk, id and where its header and message lie in `bytes`.
#[derive(Default)]
struct Batch {
    commits: Vec<(usize, Oid, std::ops::Range<usize>, usize)>,
    bytes: Vec<u8>,
}

/// How many commits travel to the keeping thread together.
const BATCH: usize = 512;

/// Reads a raw commit object's header: parents (appended to `parents`), committer time,
/// and where the message starts. Works on bytes; nothing is allocated.
fn parse_header(data: &[u8], parents: &mut Vec<Oid>) -> (i64, usize) {
    let split = memchr::memmem::find(data, b"\n\n")
        .map(|i| i + 2)
        .unwrap_or(data.len());
    let mut time = 0;
    for line in data[..split].split(|b| *b == b'\n') {
        if let Some(p) = line.strip_prefix(b"parent ") {
            if let Some(oid) = std::str::from_utf8(p)
                .ok()
                .and_then(|p| Oid::from_str(p.trim()).ok())
            {
                parents.push(oid);
            }
        } else if let Some(c) = line.strip_prefix(b"committer ") {
            // `Name <email> 1764158400 +0000`
            let mut parts = c.rsplitn(3, |b| *b == b' ');
            let _zone = parts.next();
            time = parts
                .next()
                .and_then(|t| std::str::from_utf8(t).ok())
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
        }
    }
    (time, split)
}

/// The author's name in a raw commit header.
fn author_of(header: &[u8]) -> String {
    header
        .split(|b| *b == b'\n')
        .find_map(|l| l.strip_prefix(b"author "))
        .map(|a| {
            let name = a.split(|b| *b == b'<').next().unwrap_or(b"");
            String::from_utf8_lossy(name).trim().to_string()
        })
        .unwrap_or_default()
}

impl Repo {
    /// Whether `ancestor` is reachable from `descendant` (or equal to it).
    pub fn is_ancestor(&self, ancestor: &str, descendant: &str) -> Result<bool> {
        let a = Oid::from_str(ancestor)?;
        let d = Oid::from_str(descendant)?;
        Ok(a == d || self.inner.graph_descendant_of(d, a)?)
    }

    /// Visits every commit reachable from `tips` and not from `hide`, parents before
    /// children (a depth-first post-order, deterministic for the same tips). The visitor
    /// returns `false` to stop early.
    ///
    /// Each commit object is read from the object database exactly once and its header
    /// parsed here, which is what keeps a 200,000-commit history fast. `keep` (shown the
    /// message's bytes, the id and text on demand) says what to hold of a message until
    /// it is visited (`None`: nothing; the visitor gets `kept: None`). It runs on a
    /// second thread while this one goes on reading, so the walk's reading and the
    /// caller's parsing share the machine's cores.
    pub fn walk<K: Send>(
        &self,
        tips: &[impl AsRef<str>],
        hide: &[impl AsRef<str>],
        keep: &(dyn Fn(&Meeting) -> Option<K> + Sync),
        visit: &mut dyn FnMut(CommitInfo<'_, K>) -> bool,
    ) -> Result<()> {
        // With commits to hide, the range is computed by libgit2's revwalk (which stops at
        // the merge base) and the depth-first walk stays inside it.
        let allowed: Option<std::collections::HashSet<Oid>> = if hide.is_empty() {
            None
        } else {
            let mut w = self.inner.revwalk()?;
            for t in tips {
                w.push(Oid::from_str(t.as_ref())?)?;
            }
            for h in hide {
                w.hide(Oid::from_str(h.as_ref())?)?;
            }
            Some(w.collect::<std::result::Result<_, _>>()?)
        };
        let outside = |oid: &Oid| allowed.as_ref().is_some_and(|a| !a.contains(oid));
        let odb = self.inner.odb()?;
        // Every commit met, compact; parents in one shared list.
        let mut met: Vec<Met<K>> = Vec::new();
        let mut all_parents: Vec<Oid> = Vec::new();
        let mut order: Vec<usize> = Vec::new();
        let progress = crate::progress::Progress::new("reading history", None, "commits");
        std::thread::scope(|scope| -> Result<()> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(8);
            let keeper = scope.spawn(move || {
                let mut kept: Vec<(usize, Box<(String, K)>)> = Vec::new();
                for batch in rx {
                    for (idx, oid, whole, split) in batch.commits {
                        let data = &batch.bytes[whole];
                        let m = Meeting {
                            oid,
                            message: &data[split..],
                        };
                        if let Some(k) = keep(&m) {
                            kept.push((idx, Box::new((author_of(&data[..split]), k))));
                        }
                    }
                }
                kept
            });
            let mut batch = Batch::default();
            let mut load =
                |oid: Oid, met: &mut Vec<Met<K>>, all_parents: &mut Vec<Oid>| -> Result<usize> {
                    progress.inc(1);
                    let obj = odb.read(oid)?;
                    if obj.kind() != git2::ObjectType::Commit {
                        return Err(GitError::Other(format!("{oid} is not a commit")));
                    }
                    let data = obj.data();
                    let from = all_parents.len();
                    let (time, split) = parse_header(data, all_parents);
                    let idx = met.len();
                    met.push(Met {
                        oid,
                        parents: (from, all_parents.len()),
                        time,
                        kept: None,
                    });
                    let at = batch.bytes.len();
                    batch.bytes.extend_from_slice(data);
                    batch.commits.push((idx, oid, at..batch.bytes.len(), split));
                    if batch.commits.len() == BATCH {
                        // The keeper only stops early by panicking, which the join reports.
                        let _ = tx.send(std::mem::take(&mut batch));
                    }
                    Ok(idx)
                };
            let mut seen: std::collections::HashSet<Oid> = Default::default();
            // Iterative DFS: (index of the commit in `met`, how many parents are done).
            let mut stack: Vec<(usize, usize)> = Vec::new();
            for tip in tips {
                let oid = Oid::from_str(tip.as_ref())?;
                if outside(&oid) || !seen.insert(oid) {
                    continue;
                }
                let idx = load(oid, &mut met, &mut all_parents)?;
                stack.push((idx, 0));
                while let Some((idx, done)) = stack.last_mut() {
                    let (from, to) = met[*idx].parents;
                    if from + *done < to {
                        let p = all_parents[from + *done];
                        *done += 1;
                        if outside(&p) || !seen.insert(p) {
                            continue;
                        }
                        let pidx = load(p, &mut met, &mut all_parents)?;
                        stack.push((pidx, 0));
                    } else {
                        order.push(*idx);
                        stack.pop();
                    }
                }
            }
            let _ = tx.send(batch);
            drop(tx);
            let kept = keeper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (idx, k) in kept {
                met[idx].kept = Some(k);
            }
            Ok(())
        })?;
        for idx in order {
            let m = &mut met[idx];
            let (author, kept) = match m.kept.take() {
                Some(b) => {
                    let (author, k) = *b;
                    (author, Some(k))
                }
                None => (String::new(), None),
            };
            let info = CommitInfo {
                id: CommitId::new(m.oid.to_string()),
                parents: &all_parents[m.parents.0..m.parents.1],
                time: m.time,
                author,
                kept,
            };
            if !visit(info) {
                break;
            }
        }
        Ok(())
    }

    /// Ids of commits reachable from `tips` but not from `hide` (like `git rev-list`).
    pub fn rev_list(
        &self,
        tips: &[impl AsRef<str>],
        hide: &[impl AsRef<str>],
    ) -> Result<Vec<CommitId>> {
        let mut walk = self.inner.revwalk()?;
        for t in tips {
            walk.push(Oid::from_str(t.as_ref())?)?;
        }
        for h in hide {
            walk.hide(Oid::from_str(h.as_ref())?)?;
        }
        walk.map(|o| {
            o.map(|o| CommitId::new(o.to_string()))
                .map_err(GitError::from)
        })
        .collect()
    }

    /// The reflog of a ref, oldest entry first. Empty when the ref has no reflog (a bare
    /// repository without `core.logAllRefUpdates`).
    pub fn reflog(&self, name: &str) -> Result<Vec<ReflogEntry>> {
        let log = match self.inner.reflog(name) {
            Ok(l) => l,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out: Vec<ReflogEntry> = log
            .iter()
            .map(|e| ReflogEntry {
                commit: CommitId::new(e.id_new().to_string()),
                time: e.committer().when().seconds(),
            })
            .collect();
        out.reverse();
        Ok(out)
    }
}
