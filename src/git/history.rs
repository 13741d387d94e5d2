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

/// Parses a raw commit object: parents, committer time, author name and (when `keep`
/// accepts it) the message. Works on bytes; only what is kept is allocated.
pub(super) fn parse_commit(id: Oid, data: &[u8], keep: &dyn Fn(&str, &str) -> bool) -> CommitInfo {
    let split = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|i| i + 2)
        .unwrap_or(data.len());
    let mut info = CommitInfo {
        id: CommitId::new(id.to_string()),
        parents: Vec::new(),
        time: 0,
        author: String::new(),
        message: String::new(),
    };
    for line in data[..split].split(|b| *b == b'\n') {
        if let Some(p) = line.strip_prefix(b"parent ") {
            info.parents
                .push(CommitId::new(String::from_utf8_lossy(p).trim()));
        } else if let Some(a) = line.strip_prefix(b"author ") {
            let name = a.split(|b| *b == b'<').next().unwrap_or(b"");
            info.author = String::from_utf8_lossy(name).trim().to_string();
        } else if let Some(c) = line.strip_prefix(b"committer ") {
            // `Name <email> 1764158400 +0000`
            let mut parts = c.rsplitn(3, |b| *b == b' ');
            let _zone = parts.next();
            info.time = parts
                .next()
                .and_then(|t| std::str::from_utf8(t).ok())
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
        }
    }
    let message = String::from_utf8_lossy(&data[split..]);
    if keep(&info.id, &message) {
        info.message = message.into_owned();
    }
    info
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
    /// Messages `keep` rejects (given the commit id and the message) are dropped at once
    /// (the visitor sees them empty).
    pub fn walk(
        &self,
        tips: &[impl AsRef<str>],
        hide: &[impl AsRef<str>],
        keep: &dyn Fn(&str, &str) -> bool,
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
        let mut infos: Vec<CommitInfo> = Vec::new();
        // Iterative DFS: (commit, parents still to visit, index of its info).
        let mut stack: Vec<(Oid, Vec<Oid>, usize)> = Vec::new();
        let mut order: Vec<usize> = Vec::new();
        let load = |oid: Oid, infos: &mut Vec<CommitInfo>| -> Result<(Vec<Oid>, usize)> {
            let obj = odb.read(oid)?;
            if obj.kind() != git2::ObjectType::Commit {
                return Err(GitError::Other(format!("{oid} is not a commit")));
            }
            let info = parse_commit(oid, obj.data(), keep);
            let parents: Vec<Oid> = info
                .parents
                .iter()
                .filter_map(|p| Oid::from_str(p).ok())
                .collect();
            infos.push(info);
            Ok((parents, infos.len() - 1))
        };
        for tip in tips {
            let oid = Oid::from_str(tip.as_ref())?;
            if outside(&oid) || !seen.insert(oid) {
                continue;
            }
            let (mut parents, idx) = load(oid, &mut infos)?;
            parents.reverse();
            stack.push((oid, parents, idx));
            while let Some((_, pending, idx)) = stack.last_mut() {
                match pending.pop() {
                    Some(p) => {
                        if outside(&p) || !seen.insert(p) {
                            continue;
                        }
                        let (mut pp, pidx) = load(p, &mut infos)?;
                        pp.reverse();
                        stack.push((p, pp, pidx));
                    }
                    None => {
                        order.push(*idx);
                        stack.pop();
                    }
                }
            }
        }
        let mut slots: Vec<Option<CommitInfo>> = infos.into_iter().map(Some).collect();
        for idx in order {
            if let Some(info) = slots[idx].take()
                && !visit(info)
            {
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
