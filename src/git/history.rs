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

/// One commit as [`Repo::walk`] visits it, with what `keep` kept of its message.
#[derive(Debug)]
pub struct CommitInfo<'w> {
    /// Its id.
    pub id: CommitId,
    parents: &'w [Oid],
    /// Committer time (seconds since the epoch).
    pub time: i64,
    /// Author name (empty when `keep` kept nothing).
    pub author: &'w str,
    /// What `keep` kept of the message (`None`: it kept nothing).
    pub kept: Option<&'w str>,
    /// Whether the walk's `mark` reaches it (always false without a mark).
    pub marked: bool,
}

impl CommitInfo<'_> {
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
/// ids, and where the keeping thread put its author and kept text.
struct Met {
    oid: Oid,
    /// Its parents: `parents[from..to]` of the walk's shared parent list.
    parents: (usize, usize),
    time: i64,
    kept: Option<Place>,
}

/// Where [`Store`] holds one commit's author and kept text.
#[derive(Clone, Copy)]
struct Place {
    block: u32,
    start: u32,
    author: u32,
    len: u32,
}

/// What the keeping thread holds of the commits `keep` kept something of: the author
/// and the kept text of each, one after the other in shared blocks (a long walk
/// keeps a few hundred bytes for each of hundreds of thousands of commits; one
/// allocation each would cost a third as much again).
///
/// A block is freed once every commit in it has been visited.
#[derive(Default)]
struct Store {
    blocks: Vec<String>,
    /// How many commits of each block are still to be visited.
    unvisited: Vec<u32>,
}

impl Store {
    /// The size of one block: small enough that the allocator reuses a freed block's
    /// memory for what the visits build (with blocks of a megabyte, the peak was 10 %
    /// higher).
    const BLOCK: usize = 1 << 16;

    fn put(&mut self, author: &str, kept: &str) -> Result<Place> {
        let need = author.len() + kept.len();
        let fits = self
            .blocks
            .last()
            .is_some_and(|b| b.capacity() - b.len() >= need);
        if !fits {
            self.blocks
                .push(String::with_capacity(need.max(Self::BLOCK)));
            self.unvisited.push(0);
        }
        let block = self.blocks.len() - 1;
        let b = &mut self.blocks[block];
        let start = b.len();
        b.push_str(author);
        b.push_str(kept);
        self.unvisited[block] += 1;
        let small = |n: usize| {
            u32::try_from(n)
                .map_err(|_| GitError::Other("a commit message larger than 4 GB".into()))
        };
        Ok(Place {
            block: small(block)?,
            start: small(start)?,
            author: small(author.len())?,
            len: small(kept.len())?,
        })
    }

    /// The author and the kept text.
    fn get(&self, p: Place) -> (&str, &str) {
        let text = &self.blocks[p.block as usize][p.start as usize..];
        let (author, rest) = text.split_at(p.author as usize);
        (author, &rest[..p.len as usize])
    }

    /// Says a commit has been visited: its block goes once all of its commits have.
    fn visited(&mut self, p: Place) {
        let left = &mut self.unvisited[p.block as usize];
        *left -= 1;
        if *left == 0 {
            self.blocks[p.block as usize] = String::new();
        }
    }
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
fn author_of(header: &[u8]) -> std::borrow::Cow<'_, str> {
    let line = header
        .split(|b| *b == b'\n')
        .find_map(|l| l.strip_prefix(b"author "))
        .unwrap_or(b"");
    let name = line.split(|b| *b == b'<').next().unwrap_or(b"");
    match String::from_utf8_lossy(name) {
        std::borrow::Cow::Borrowed(n) => std::borrow::Cow::Borrowed(n.trim()),
        std::borrow::Cow::Owned(n) => std::borrow::Cow::Owned(n.trim().to_string()),
    }
}

/// The walk's own object database, opened afresh every [`Reader::SPAN`] commits read.
///
/// libgit2 maps a pack in windows of a gigabyte and keeps every page it has read in the
/// process until the pack is closed, so one database held for a whole 200,000-commit
/// walk ends with all of the pack's commits (and its whole index) resident: 100 MB and
/// more of a dense history. Closing it every so often gives those pages back; they stay
/// in the kernel's page cache, so reading on costs little.
///
/// Two things make the closing real. libgit2 shares an open pack between every
/// database that names it by the same path, so this one names the objects folder
/// `objects/.` (the repository's own database, which other readers use, would
/// otherwise keep the pack open); and the old database is closed before the new one
/// opens the pack.
struct Reader {
    objects: String,
    odb: git2::Odb<'static>,
    read: usize,
    span: usize,
}

impl Reader {
    /// Commits read through one database before it is reopened: reopening costs a few
    /// page faults for each of the index's pages again.
    const SPAN: usize = 16384;

    fn open(common: &std::path::Path, span: usize) -> Result<Reader> {
        let objects = common
            .join("objects")
            .join(".")
            .to_string_lossy()
            .into_owned();
        let odb = git2::Odb::new()?;
        odb.add_disk_alternate(&objects)?;
        Ok(Reader {
            objects,
            odb,
            read: 0,
            span,
        })
    }

    /// Reads a commit's raw object into `out`; what this database does not hold (a
    /// pushed commit still in a receiving server's quarantine, objects the environment
    /// points elsewhere) is read from the repository's own.
    fn read(&mut self, oid: Oid, repo: &Repository, out: &mut Vec<u8>) -> Result<()> {
        self.read += 1;
        if self.read.is_multiple_of(self.span) {
            self.odb = git2::Odb::new()?;
            self.odb.add_disk_alternate(&self.objects)?;
        }
        let kind = match self.odb.read(oid) {
            Ok(obj) => take(&obj, out),
            Err(e) if e.code() == ErrorCode::NotFound => take(&repo.odb()?.read(oid)?, out),
            Err(e) => return Err(e.into()),
        };
        if kind != git2::ObjectType::Commit {
            return Err(GitError::Other(format!("{oid} is not a commit")));
        }
        Ok(())
    }
}

/// Copies an object's bytes into `out`; returns its kind.
fn take(obj: &git2::OdbObject<'_>, out: &mut Vec<u8>) -> git2::ObjectType {
    out.clear();
    out.extend_from_slice(obj.data());
    obj.kind()
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
    /// message's bytes, the id and text on demand) appends to the string it is given
    /// what to hold of a message until it is visited, and returns whether it kept
    /// anything (when not, the visitor gets `kept: None`). It runs on a second thread
    /// while this one goes on reading, so the walk's reading and the caller's parsing
    /// share the machine's cores.
    ///
    /// `mark`, one of the tips, is followed through the commits read once they are all
    /// read: each visit says whether it reaches the commit ([`CommitInfo::marked`]),
    /// which is what a range like `hot ^cold` would otherwise walk the history again
    /// for.
    pub fn walk(
        &self,
        tips: &[impl AsRef<str>],
        hide: &[impl AsRef<str>],
        mark: Option<&str>,
        keep: &(dyn Fn(&Meeting, &mut String) -> bool + Sync),
        visit: &mut dyn FnMut(CommitInfo<'_>) -> bool,
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
        let mut reader = Reader::open(self.inner.commondir(), Reader::SPAN)?;
        // Every commit met, compact; parents in one shared list.
        let mut met: Vec<Met> = Vec::new();
        let mut all_parents: Vec<Oid> = Vec::new();
        let mut order: Vec<usize> = Vec::new();
        // Every commit met, by id: its index in `met`.
        let mut seen: std::collections::HashMap<Oid, usize> = Default::default();
        let progress = crate::progress::Progress::new("reading history", None, "commits");
        let mut store = std::thread::scope(|scope| -> Result<Store> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(8);
            let keeper = scope.spawn(move || -> Result<(Store, Vec<(usize, Place)>)> {
                let mut store = Store::default();
                let mut places = Vec::new();
                let mut text = String::new();
                for batch in rx {
                    for (idx, oid, whole, split) in batch.commits {
                        let data = &batch.bytes[whole];
                        let m = Meeting {
                            oid,
                            message: &data[split..],
                        };
                        text.clear();
                        if keep(&m, &mut text) {
                            places.push((idx, store.put(&author_of(&data[..split]), &text)?));
                        }
                    }
                }
                Ok((store, places))
            });
            let mut batch = Batch::default();
            let mut raw = Vec::new();
            let mut load =
                |oid: Oid, met: &mut Vec<Met>, all_parents: &mut Vec<Oid>| -> Result<usize> {
                    progress.inc(1);
                    reader.read(oid, &self.inner, &mut raw)?;
                    let data = raw.as_slice();
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
            // Iterative DFS: (index of the commit in `met`, how many parents are done).
            let mut stack: Vec<(usize, usize)> = Vec::new();
            for tip in tips {
                let oid = Oid::from_str(tip.as_ref())?;
                if outside(&oid) || seen.contains_key(&oid) {
                    continue;
                }
                let idx = load(oid, &mut met, &mut all_parents)?;
                seen.insert(oid, idx);
                stack.push((idx, 0));
                while let Some((idx, done)) = stack.last_mut() {
                    let (from, to) = met[*idx].parents;
                    if from + *done < to {
                        let p = all_parents[from + *done];
                        *done += 1;
                        if outside(&p) || seen.contains_key(&p) {
                            continue;
                        }
                        let pidx = load(p, &mut met, &mut all_parents)?;
                        seen.insert(p, pidx);
                        stack.push((pidx, 0));
                    } else {
                        order.push(*idx);
                        stack.pop();
                    }
                }
            }
            let _ = tx.send(batch);
            drop(tx);
            let (store, places) = keeper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            for (idx, place) in places {
                met[idx].kept = Some(place);
            }
            Ok(store)
        })?;
        // Everything is read: the pack's pages go back before the visits build their
        // results.
        drop(reader);
        let mut marked = vec![false; met.len()];
        if let Some(mark) = mark {
            let mut todo: Vec<usize> = seen
                .get(&Oid::from_str(mark)?)
                .copied()
                .into_iter()
                .collect();
            while let Some(idx) = todo.pop() {
                if std::mem::replace(&mut marked[idx], true) {
                    continue;
                }
                let (from, to) = met[idx].parents;
                todo.extend(all_parents[from..to].iter().filter_map(|p| seen.get(p)));
            }
        }
        drop(seen);
        for idx in order {
            let m = &met[idx];
            let (author, kept) = match m.kept {
                Some(place) => {
                    let (author, kept) = store.get(place);
                    (author, Some(kept))
                }
                None => ("", None),
            };
            let info = CommitInfo {
                id: CommitId::new(m.oid.to_string()),
                parents: &all_parents[m.parents.0..m.parents.1],
                time: m.time,
                author,
                kept,
                marked: marked[idx],
            };
            let go_on = visit(info);
            if let Some(place) = m.kept {
                store.visited(place);
            }
            if !go_on {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository of `n` commits in a line, packed by `git gc`, and their ids.
    fn packed_line(n: usize) -> (tempfile::TempDir, Repository, Vec<Oid>) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let repo = Repository::init(dir.path()).expect("init");
        let sig = git2::Signature::new("A", "a@example.invalid", &git2::Time::new(1, 0))
            .expect("signature");
        let tree = {
            let mut index = repo.index().expect("index");
            let id = index.write_tree().expect("tree");
            repo.find_tree(id).expect("tree")
        };
        let mut ids: Vec<Oid> = Vec::new();
        for i in 0..n {
            let parents: Vec<git2::Commit> = ids
                .last()
                .map(|p| repo.find_commit(*p).expect("parent"))
                .into_iter()
                .collect();
            let refs: Vec<&git2::Commit> = parents.iter().collect();
            let message = format!("Commit {i}\n\nTU: TU-{i}\n");
            ids.push(
                repo.commit(Some("HEAD"), &sig, &sig, &message, &tree, &refs)
                    .expect("commit"),
            );
        }
        drop(tree);
        let gc = std::process::Command::new("git")
            .args(["gc", "-q"])
            .current_dir(dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .expect("git gc runs");
        assert!(gc.success());
        let packs = std::fs::read_dir(dir.path().join(".git/objects/pack"))
            .expect("pack folder")
            .count();
        assert!(packs > 0, "git gc made no pack");
        (dir, repo, ids)
    }

    #[test]
    fn the_walks_reader_reads_the_same_bytes_across_reopenings() {
        let (_dir, repo, ids) = packed_line(9);
        let odb = repo.odb().expect("odb");
        // Reopened after every second commit: across five databases, every object read
        // is the repository's own, byte for byte.
        let mut reader = Reader::open(repo.commondir(), 2).expect("reader");
        let mut raw = Vec::new();
        for id in ids.iter().rev().chain(ids.iter()) {
            reader.read(*id, &repo, &mut raw).expect("read");
            assert_eq!(raw, odb.read(*id).expect("read").data(), "{id}");
        }
        // A tree is not a commit, whichever database holds it.
        let tree = repo.find_commit(ids[0]).expect("commit").tree_id();
        assert!(reader.read(tree, &repo, &mut raw).is_err());
    }

    #[test]
    fn what_the_walks_own_database_lacks_is_read_from_the_repositorys() {
        let (dir, repo, ids) = packed_line(3);
        // The repository reads through a second objects folder the walk's own
        // database does not know, as a receiving server's quarantine does.
        let elsewhere = tempfile::tempdir().expect("temporary folder");
        let other = Repository::init_bare(elsewhere.path()).expect("init");
        let blob = other.blob(b"only here").expect("blob");
        let sig = git2::Signature::new("A", "a@example.invalid", &git2::Time::new(2, 0))
            .expect("signature");
        let mut builder = other.treebuilder(None).expect("tree builder");
        builder.insert("f", blob, 0o100644).expect("insert");
        let tree = other
            .find_tree(builder.write().expect("tree"))
            .expect("tree");
        let lone = other
            .commit(None, &sig, &sig, "Only in the other folder\n", &tree, &[])
            .expect("commit");
        repo.odb()
            .expect("odb")
            .add_disk_alternate(&elsewhere.path().join("objects").to_string_lossy())
            .expect("alternate");
        let mut reader = Reader::open(repo.commondir(), Reader::SPAN).expect("reader");
        let mut raw = Vec::new();
        reader
            .read(lone, &repo, &mut raw)
            .expect("read through the repository");
        assert!(raw.ends_with(b"Only in the other folder\n"));
        reader.read(ids[0], &repo, &mut raw).expect("read");
        drop(dir);
    }
}
