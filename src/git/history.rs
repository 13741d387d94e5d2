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

/// One commit as the ledger sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitInfo {
    /// Its id.
    pub id: CommitId,
    /// Parent ids, first parent first.
    pub parents: Vec<CommitId>,
    /// Committer time (seconds since the epoch).
    pub time: i64,
    /// Author name.
    pub author: String,
    /// The raw message.
    pub message: String,
}

/// A commit met by [`Repo::walk`], kept compact until it is visited: ids as raw object
/// ids, the author and message only when `keep` wanted them.
struct Met {
    oid: Oid,
    /// Its parents: `parents[from..to]` of the walk's shared parent list.
    parents: (usize, usize),
    time: i64,
    kept: Option<Box<(String, String)>>,
}

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
    /// Each commit object is read from the object database exactly once and parsed here
    /// (header and message only), which is what keeps a 200,000-commit history fast.
    /// `keep` (given the commit id and the message) says what of a message to hold until
    /// it is visited: `None` drops it at once (the visitor sees it empty), else the text
    /// to keep (the message, or as much of it as the visitor needs).
    pub fn walk(
        &self,
        tips: &[impl AsRef<str>],
        hide: &[impl AsRef<str>],
        keep: &dyn Fn(&str, &str) -> Option<String>,
        visit: &mut dyn FnMut(CommitInfo) -> bool,
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
        let mut seen: std::collections::HashSet<Oid> = Default::default();
        // Every commit met, compact; parents in one shared list.
        let mut met: Vec<Met> = Vec::new();
        let mut all_parents: Vec<Oid> = Vec::new();
        // Iterative DFS: (index of the commit in `met`, how many parents are done).
        let mut stack: Vec<(usize, usize)> = Vec::new();
        let mut order: Vec<usize> = Vec::new();
        let progress = crate::progress::Progress::new("reading history", None, "commits");
        let load = |oid: Oid, met: &mut Vec<Met>, all_parents: &mut Vec<Oid>| -> Result<usize> {
            progress.inc(1);
            let obj = odb.read(oid)?;
            if obj.kind() != git2::ObjectType::Commit {
                return Err(GitError::Other(format!("{oid} is not a commit")));
            }
            let data = obj.data();
            let from = all_parents.len();
            let (time, split) = parse_header(data, all_parents);
            let message = String::from_utf8_lossy(&data[split..]);
            let id = oid.to_string();
            let kept = keep(&id, &message).map(|m| Box::new((author_of(&data[..split]), m)));
            met.push(Met {
                oid,
                parents: (from, all_parents.len()),
                time,
                kept,
            });
            Ok(met.len() - 1)
        };
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
        drop(seen);
        for idx in order {
            let m = &mut met[idx];
            let (author, message) = m.kept.take().map(|b| *b).unwrap_or_default();
            let info = CommitInfo {
                id: CommitId::new(m.oid.to_string()),
                parents: all_parents[m.parents.0..m.parents.1]
                    .iter()
                    .map(|p| CommitId::new(p.to_string()))
                    .collect(),
                time: m.time,
                author,
                message,
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
