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
use crate::git::{CommitInfo, Meeting, Repo};
use crate::ids::{CommitId, NO_COMMITS, RefName};
use crate::trace::ledger::{Ledger, PROMOTED_FROM, Seen, TuRecord, might_name_a_tu};
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
    fn from_info(c: CommitInfo<'_>) -> Commit {
        let message = c.kept.unwrap_or_default().to_string();
        Commit {
            trailers: trailers::parse(&message),
            parents: c.parents(),
            id: c.id,
            time: c.time,
            author: c.author.to_string(),
            message,
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
fn studio_trailers(message: &[u8]) -> bool {
    might_name_a_tu(message)
        || ["Feedback:", "Decision:", "Role-Event:", "Conflict:"]
            .iter()
            .any(|k| memchr::memmem::find(message, k.as_bytes()).is_some())
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
        // What cold does not reach is marked by the walk itself from cold's tip, which
        // reads no commit twice; a range to keep whole is needed before (`keep` reads
        // it), and costs its own walk.
        let in_range: HashSet<CommitId> = match range {
            Some(_) => repo
                .rev_list(&tips, cold_tip.as_slice())?
                .into_iter()
                .collect(),
            None => HashSet::new(),
        };
        let mut not_on_cold: HashSet<CommitId> = HashSet::new();
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
        // the first line and the trailers of those with trailers the studio reads (read
        // beside the walk, held until it knows the order).
        let want_range = range.is_some();
        let keep = |m: &Meeting, out: &mut String| {
            if want_range && in_range.contains(m.id().as_str()) {
                out.push_str(&m.text());
                true
            } else {
                studio_trailers(m.message) && trailers::push_essentials(&m.text(), out)
            }
        };
        if !tips.is_empty() {
            let mark = cold_tip.as_ref().map(CommitId::as_str);
            repo.walk(&tips, NO_COMMITS, mark, &keep, &mut |c| {
                seq += 1;
                if first_tip.as_ref() == Some(&c.id) {
                    first_tip_seq = Some(seq);
                }
                span = Some(span.map_or((c.time, c.time), |(a, b)| (a.min(c.time), b.max(c.time))));
                let on_cold = c.marked;
                if !on_cold {
                    not_on_cold.insert(c.id.clone());
                }
                if let Some(range) = range.as_deref_mut()
                    && !on_cold
                {
                    // Kept whole: the range is what cold does not reach.
                    let message = c.kept.unwrap_or_default().to_string();
                    range.push(Commit {
                        id: c.id.clone(),
                        parents: c.parents(),
                        time: c.time,
                        author: c.author.to_string(),
                        trailers: trailers::parse(&message),
                        message,
                    });
                }
                let Some(message) = c.kept else {
                    return true;
                };
                let trailers = trailers::parse(message);
                if trailers.is_empty() {
                    return true;
                }
                let summary = message.lines().next().unwrap_or("");
                if on_cold {
                    promoted.extend(
                        trailers::values(&trailers, PROMOTED_FROM).filter_map(CommitId::parse),
                    );
                }
                // The ledger folds as the walk goes; only what other readers use is kept.
                ledger.add(&Seen {
                    commit: &c.id,
                    time: c.time,
                    author: c.author,
                    summary,
                    trailers: &trailers,
                    seq,
                    on_cold,
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
                        author: c.author.to_string(),
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

/// The tips a history was walked from: hot, cold and every `tu/*` branch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tips {
    /// Hot's tip.
    pub hot: Option<CommitId>,
    /// Cold's tip.
    pub cold: Option<CommitId>,
    /// Each review branch's full ref name and tip, sorted by name.
    pub tu: Vec<(String, CommitId)>,
}

/// The history kept between commands: one file, `.git/showrunner/cache/history.bin`,
/// holding the [`History`] and the `tu list` derived from it, for one key (the build, the
/// branch names and every tip, [`super::Session::tips_key`]). When the tips have moved
/// forward ([`Cache::extend`]) the history is carried forward from the new commits
/// alone; any other move, and a file that cannot be read or decoded, is a miss and the
/// next reader walks again.
///
/// The file is a little-endian `u32` length and a postcard [`Head`] (the key and the
/// list, so `tu list` reads only the head); a `u32` length and a postcard [`Meta`] (the
/// tips, the history but its TU records, and an index of those); then each TU's record,
/// one postcard block each, so a forward move re-encodes only the records it changes.
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

/// The middle of the cache file: everything but the TU records, and where each is.
#[derive(Serialize, Deserialize)]
struct Meta {
    tips: Tips,
    commits: Vec<Record>,
    span: Option<(i64, i64)>,
    not_on_cold: HashSet<CommitId>,
    promoted: HashSet<CommitId>,
    first_tip_seq: Option<usize>,
    /// Each TU's id, the length of its record's block, and its commits' largest `seq`.
    shards: Vec<(String, u32, usize)>,
}

/// A cache file read apart: its head, its meta, and where the TU records' bytes lie.
struct Parts {
    head: Head,
    meta: Meta,
    /// The whole file.
    bytes: Vec<u8>,
    /// The records' blocks in `bytes`, in index order.
    shards: std::ops::Range<usize>,
}

/// A cache file opened to be carried forward: its head and meta read, the TU records'
/// blocks left in the file (from `shards_at`) to be read one at a time or copied whole.
/// Files are replaced by a rename, never changed in place, so the one open file stays
/// the one version of the cache throughout.
struct Opened {
    head: Head,
    meta: Meta,
    blocks: Blocks,
}

/// The TU records' blocks of an open cache file: the file and where they start.
struct Blocks {
    file: std::fs::File,
    shards_at: u64,
}

impl Blocks {
    /// The bytes `[at, at + len)` of the records' blocks.
    fn shard(&self, at: u64, len: usize) -> Option<Vec<u8>> {
        use std::io::{Seek as _, SeekFrom};
        let mut file = &self.file;
        file.seek(SeekFrom::Start(self.shards_at + at)).ok()?;
        let mut buf = vec![0u8; len];
        file.read_exact(&mut buf).ok()?;
        Some(buf)
    }

    /// Copies `[at, at + len)` of the records' blocks to `out`, file to file (the
    /// kernel's copy where it has one: the bytes never pass through this process).
    fn copy_shards(&self, at: u64, len: u64, out: &mut Counting) -> Option<()> {
        use std::io::{Seek as _, SeekFrom};
        let mut file = &self.file;
        file.seek(SeekFrom::Start(self.shards_at + at)).ok()?;
        let copied = std::io::copy(&mut file.take(len), &mut out.inner).ok()?;
        out.written += copied;
        (copied == len).then_some(())
    }
}

/// A history carried forward by [`Cache::extend`], not yet written.
pub struct Extension {
    parts: Opened,
    /// The records that changed, by TU id (decoded, the new commits folded in).
    pub changed: std::collections::BTreeMap<String, TuRecord>,
    /// Hot's tip before and after.
    pub hot: (CommitId, CommitId),
    tips: Tips,
}

impl Extension {
    /// The list the cache held for the old tips.
    pub fn old_list(&self) -> Option<&[Summary]> {
        self.parts.head.list.as_deref()
    }

    /// Writes the carried-forward history under `key`, with its list.
    pub fn store(self, cache: &Cache, key: &str, list: &[Summary]) -> Option<()> {
        let Extension {
            parts,
            mut changed,
            tips,
            ..
        } = self;
        // Unchanged records are copied from the old file as they lie (runs of them at
        // once); changed and new ones are encoded, all in id order.
        let Opened {
            meta,
            blocks: parts,
            ..
        } = parts;
        let mut old_blocks: HashMap<String, (u64, u64, usize)> = HashMap::new();
        let mut at = 0u64;
        for (id, len, max_seq) in &meta.shards {
            old_blocks.insert(id.clone(), (at, u64::from(*len), *max_seq));
            at += u64::from(*len);
        }
        let mut ids: Vec<String> = old_blocks.keys().cloned().collect();
        ids.extend(
            changed
                .keys()
                .filter(|id| !old_blocks.contains_key(*id))
                .cloned(),
        );
        ids.sort_unstable();
        let head = Head {
            key: key.to_string(),
            list: Some(list.to_vec()),
        };
        cache.write_parts(&head, |out| {
            let mut shards = Vec::with_capacity(ids.len());
            // A run of unchanged blocks not yet copied: where it starts and its length.
            let mut run: Option<(u64, u64)> = None;
            for id in &ids {
                let (len, max_seq) = match changed.remove(id) {
                    Some(rec) => {
                        if let Some((from, len)) = run.take() {
                            parts.copy_shards(from, len, out)?;
                        }
                        let before = out.written;
                        postcard::to_io(&rec, &mut *out).ok()?;
                        (out.written - before, max_seq_of(&rec))
                    }
                    None => {
                        let &(from, len, m) = old_blocks.get(id)?;
                        run = match run {
                            Some((start, l)) if start + l == from => Some((start, l + len)),
                            Some((start, l)) => {
                                parts.copy_shards(start, l, out)?;
                                Some((from, len))
                            }
                            None => Some((from, len)),
                        };
                        (len, m)
                    }
                };
                shards.push((id.clone(), u32::try_from(len).ok()?, max_seq));
            }
            if let Some((from, len)) = run {
                parts.copy_shards(from, len, out)?;
            }
            Some(Meta {
                tips,
                shards,
                ..meta
            })
        })
    }
}

/// A writer that counts the bytes through it.
struct Counting {
    inner: std::io::BufWriter<std::fs::File>,
    written: u64,
}

impl std::io::Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The largest walk position among a record's commits.
fn max_seq_of(rec: &TuRecord) -> usize {
    rec.commits.iter().map(|c| c.seq).max().unwrap_or(0)
}

impl Cache {
    /// The cache of the repository whose git directory is `git_dir`.
    pub fn at(git_dir: &Path) -> Cache {
        Cache {
            path: git_dir.join("showrunner").join("cache").join("history.bin"),
        }
    }

    /// One length-prefixed postcard block at the front of `bytes`, and what follows.
    fn block<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Option<(T, &'a [u8])> {
        let len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
        let value = postcard::from_bytes(bytes.get(4..4 + len)?).ok()?;
        Some((value, bytes.get(4 + len..)?))
    }

    fn parts(&self) -> Option<Parts> {
        let bytes = std::fs::read(&self.path).ok()?;
        let (head, rest) = Cache::block::<Head>(&bytes)?;
        let (meta, shards) = Cache::tail(rest)?;
        let total: usize = meta.shards.iter().map(|(_, len, _)| *len as usize).sum();
        let start = bytes.len() - rest.len();
        let shards = start..start + shards.len();
        (total == shards.len()).then_some(Parts {
            head,
            meta,
            bytes,
            shards,
        })
    }

    /// The cache file opened, its head and meta read; the records stay in the file.
    fn open(&self) -> Option<Opened> {
        use std::io::{Seek as _, SeekFrom};
        let mut file = std::fs::File::open(&self.path).ok()?;
        let size = file.metadata().ok()?.len();
        let mut len = [0u8; 4];
        file.read_exact(&mut len).ok()?;
        let head_len = u64::from(u32::from_le_bytes(len));
        let mut head = vec![0u8; usize::try_from(head_len).ok()?];
        file.read_exact(&mut head).ok()?;
        let head: Head = postcard::from_bytes(&head).ok()?;
        file.seek(SeekFrom::Start(size.checked_sub(4)?)).ok()?;
        file.read_exact(&mut len).ok()?;
        let meta_len = u64::from(u32::from_le_bytes(len));
        let meta_at = size.checked_sub(4 + meta_len)?;
        file.seek(SeekFrom::Start(meta_at)).ok()?;
        let mut meta = vec![0u8; usize::try_from(meta_len).ok()?];
        file.read_exact(&mut meta).ok()?;
        let meta: Meta = postcard::from_bytes(&meta).ok()?;
        let shards_at = 4 + head_len;
        let total: u64 = meta.shards.iter().map(|(_, len, _)| u64::from(*len)).sum();
        (shards_at.checked_add(total)? == meta_at).then_some(Opened {
            head,
            meta,
            blocks: Blocks { file, shards_at },
        })
    }

    /// The [`Meta`] at the end of `bytes` (its postcard, then its `u32` length), and
    /// what comes before it.
    fn tail(bytes: &[u8]) -> Option<(Meta, &[u8])> {
        let end = bytes.len().checked_sub(4)?;
        let len = u32::from_le_bytes(bytes.get(end..)?.try_into().ok()?) as usize;
        let start = end.checked_sub(len)?;
        Some((
            postcard::from_bytes(bytes.get(start..end)?).ok()?,
            &bytes[..start],
        ))
    }

    /// The tips the cached history was walked from (reading only the file's end).
    pub fn cached_tips(&self) -> Option<Tips> {
        use std::io::{Seek as _, SeekFrom};
        let mut file = std::fs::File::open(&self.path).ok()?;
        let size = file.metadata().ok()?.len();
        let mut buf = [0u8; 4];
        file.seek(SeekFrom::Start(size.checked_sub(4)?)).ok()?;
        file.read_exact(&mut buf).ok()?;
        let len = u64::from(u32::from_le_bytes(buf));
        file.seek(SeekFrom::Start(size.checked_sub(4 + len)?))
            .ok()?;
        let mut meta = vec![0u8; usize::try_from(len).ok()?];
        file.read_exact(&mut meta).ok()?;
        let meta: Meta = postcard::from_bytes(&meta).ok()?;
        Some(meta.tips)
    }

    /// The history cached for `key`, if that is what the file holds.
    pub fn history(&self, key: &str) -> Option<History> {
        let Parts {
            head,
            meta,
            bytes,
            shards,
        } = self.parts()?;
        if head.key != key {
            return None;
        }
        let shards = &bytes[shards];
        let mut ledger = Ledger::default();
        let mut at = 0usize;
        for (id, len, _) in &meta.shards {
            let len = *len as usize;
            let rec: TuRecord = postcard::from_bytes(shards.get(at..at + len)?).ok()?;
            at += len;
            ledger.tus.insert(id.clone(), rec);
        }
        Some(History {
            ledger,
            commits: meta.commits,
            span: meta.span,
            not_on_cold: meta.not_on_cold,
            promoted: meta.promoted,
            first_tip_seq: meta.first_tip_seq,
        })
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

    /// Keeps `history` (walked from `tips`, and the list derived from it) for `key`.
    /// Best effort: a cache that cannot be written is simply not there next time.
    pub fn store(&self, key: &str, tips: &Tips, history: &History, list: Option<&[Summary]>) {
        let head = Head {
            key: key.to_string(),
            list: list.map(<[Summary]>::to_vec),
        };
        // Each record is encoded straight into the file, its length counted on the way.
        let _ = self.write_parts(&head, |out| {
            let mut shards = Vec::with_capacity(history.ledger.tus.len());
            for (id, rec) in &history.ledger.tus {
                let before = out.written;
                postcard::to_io(rec, &mut *out).ok()?;
                let len = u32::try_from(out.written - before).ok()?;
                shards.push((id.clone(), len, max_seq_of(rec)));
            }
            Some(Meta {
                tips: tips.clone(),
                commits: history.commits.clone(),
                span: history.span,
                not_on_cold: history.not_on_cold.clone(),
                promoted: history.promoted.clone(),
                first_tip_seq: history.first_tip_seq,
                shards,
            })
        });
    }

    /// Writes the head, then what `shards` writes (it returns the meta to end with).
    fn write_parts(
        &self,
        head: &Head,
        shards: impl FnOnce(&mut Counting) -> Option<Meta>,
    ) -> Option<()> {
        use std::io::Write as _;
        let head = postcard::to_stdvec(head).ok()?;
        let dir = self.path.parent()?;
        std::fs::create_dir_all(dir).ok()?;
        let tmp = dir.join(format!("history.{}.tmp", std::process::id()));
        let written = std::fs::File::create(&tmp).ok().and_then(|file| {
            let mut out = Counting {
                inner: std::io::BufWriter::with_capacity(1 << 16, file),
                written: 0,
            };
            out.write_all(&u32::try_from(head.len()).ok()?.to_le_bytes())
                .ok()?;
            out.write_all(&head).ok()?;
            let meta = postcard::to_stdvec(&shards(&mut out)?).ok()?;
            out.write_all(&meta).ok()?;
            out.write_all(&u32::try_from(meta.len()).ok()?.to_le_bytes())
                .ok()?;
            out.flush().ok()
        });
        if written.is_none() || std::fs::rename(&tmp, &self.path).is_err() {
            let _ = std::fs::remove_file(&tmp);
            return None;
        }
        Some(())
    }

    /// Carries the cached history forward to `tips` when only hot has moved, and
    /// forward: cold and the review branches where they were, hot's new commits all
    /// new and descending from its old tip by parents that are new or that tip. Then a
    /// full walk would meet the old hot's commits first, the new ones next (in the order
    /// the walk from the new tip gives them), and the rest after — so the new commits
    /// are folded into the records they name, and later positions move up by their
    /// number. Anything else (a rewritten tip, a merge of older work, a TU with commits
    /// beyond hot's) is `None`, and the caller walks everything again.
    ///
    /// The records of `also` (TUs whose briefs changed) are decoded too, so the caller
    /// can summarise them again.
    pub fn extend(
        &self,
        repo: &Repo,
        tips: &Tips,
        also: &std::collections::BTreeSet<String>,
    ) -> Result<Option<Extension>, Error> {
        let Some(mut parts) = self.open() else {
            return Ok(None);
        };
        let old = &parts.meta.tips;
        let (Some(old_hot), Some(new_hot)) = (old.hot.clone(), tips.hot.clone()) else {
            return Ok(None);
        };
        let Some(first_tip_seq) = parts.meta.first_tip_seq else {
            return Ok(None);
        };
        if old.cold != tips.cold || old.tu != tips.tu || old_hot == new_hot {
            return Ok(None);
        }
        let mut hide: Vec<CommitId> = vec![old_hot.clone()];
        hide.extend(old.cold.iter().cloned());
        hide.extend(old.tu.iter().map(|(_, t)| t.clone()));
        if !repo.is_ancestor(&old_hot, &new_hot)? {
            return Ok(None);
        }
        let fresh = range(repo, std::slice::from_ref(&new_hot), &hide)?;
        let ids: HashSet<&str> = fresh.iter().map(|c| c.id.as_str()).collect();
        if fresh.iter().any(|c| {
            c.parents
                .iter()
                .any(|p| !ids.contains(p.as_str()) && *p != old_hot)
        }) {
            return Ok(None);
        }
        let moved = fresh.len();
        // The records the new commits name, decoded; none may reach past hot's commits.
        let named: std::collections::BTreeSet<String> = fresh
            .iter()
            .flat_map(|c| c.values("TU").map(str::to_string).collect::<Vec<_>>())
            .collect();
        let mut ledger = Ledger::default();
        let mut at = 0u64;
        for (id, len, max_seq) in &parts.meta.shards {
            let len = *len as usize;
            let beyond = *max_seq > first_tip_seq;
            if named.contains(id) || beyond || also.contains(id) {
                if named.contains(id) && beyond {
                    return Ok(None);
                }
                let Some(mut rec) = parts
                    .blocks
                    .shard(at, len)
                    .and_then(|b| postcard::from_bytes::<TuRecord>(&b).ok())
                else {
                    return Ok(None);
                };
                for c in &mut rec.commits {
                    if c.seq > first_tip_seq {
                        c.seq += moved;
                    }
                }
                ledger.tus.insert(id.clone(), rec);
            }
            at += len as u64;
        }
        let meta = &mut parts.meta;
        for r in &mut meta.commits {
            if r.seq > first_tip_seq {
                r.seq += moved;
            }
        }
        let mut records = Vec::new();
        for (k, c) in fresh.into_iter().enumerate() {
            let seq = first_tip_seq + 1 + k;
            meta.span = Some(
                meta.span
                    .map_or((c.time, c.time), |(a, b)| (a.min(c.time), b.max(c.time))),
            );
            meta.not_on_cold.insert(c.id.clone());
            if c.trailers.is_empty() || !studio_trailers(c.message.as_bytes()) {
                continue;
            }
            let summary = c.message.lines().next().unwrap_or("");
            ledger.add(&Seen {
                commit: &c.id,
                time: c.time,
                author: &c.author,
                summary,
                trailers: &c.trailers,
                seq,
                on_cold: false,
                on_hot: true,
            });
            if c.trailers.iter().any(|t| SIGNALS.iter().any(|k| t.is(k))) {
                records.push(Record {
                    summary: summary.to_string(),
                    id: c.id,
                    seq,
                    time: c.time,
                    author: c.author,
                    trailers: c.trailers,
                });
            }
        }
        let split = meta.commits.partition_point(|r| r.seq <= first_tip_seq);
        meta.commits.splice(split..split, records);
        meta.first_tip_seq = Some(first_tip_seq + moved);
        Ok(Some(Extension {
            parts,
            changed: ledger.tus,
            hot: (old_hot, new_hot),
            tips: tips.clone(),
        }))
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
    repo.walk(
        tips,
        hide,
        None,
        &|m: &Meeting, out: &mut String| {
            out.push_str(&m.text());
            true
        },
        &mut |c| {
            out.push(Commit::from_info(c));
            true
        },
    )?;
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

    /// A repository with `hot` made of `messages` (one commit each, a file changed in
    /// each), cold at the first commit.
    fn repo_with(dir: &Path, messages: &[&str]) -> Repo {
        let (repo, _) = Repo::open_or_init(dir, "hot").expect("init");
        let mut tip: Option<CommitId> = None;
        for (n, m) in messages.iter().enumerate() {
            tip = Some(commit(&repo, tip.as_ref(), n, m));
            if n == 0 {
                set(&repo, "refs/heads/cold", tip.as_ref());
            }
        }
        set(&repo, "refs/heads/hot", tip.as_ref());
        repo
    }

    fn commit(repo: &Repo, parent: Option<&CommitId>, n: usize, message: &str) -> CommitId {
        let who = crate::git::Identity {
            name: "Ada".into(),
            email: "ada@example.invalid".into(),
            time: 1_764_158_400 + n as i64,
            offset: 0,
        };
        let files = vec![("notes.md".to_string(), format!("{n}\n").into_bytes())];
        repo.commit_files(parent.map(|p| p.as_str()), &files, message, &who)
            .expect("commit")
    }

    fn set(repo: &Repo, name: &str, to: Option<&CommitId>) {
        let to = to.expect("a commit");
        let old = repo.ref_target(name).expect("read ref");
        let expect = match &old {
            Some(o) => crate::ids::Expect::At(o.as_str()),
            None => crate::ids::Expect::Absent,
        };
        repo.cas_ref(name, to, expect, "test").expect("move");
    }

    fn tips(repo: &Repo) -> Tips {
        Tips {
            hot: repo.ref_target("refs/heads/hot").expect("hot"),
            cold: repo.ref_target("refs/heads/cold").expect("cold"),
            tu: Vec::new(),
        }
    }

    /// Everything a history holds, as text (for comparing two).
    fn whole(h: &History) -> String {
        let mut not_on_cold: Vec<_> = h.not_on_cold.iter().collect();
        not_on_cold.sort();
        format!(
            "{:?} {:?} {:?} {:?} {:?}",
            h.ledger, h.commits, h.span, not_on_cold, h.first_tip_seq
        )
    }

    #[test]
    fn a_history_carried_forward_is_the_history_walked_afresh() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = repo_with(
            dir.path(),
            &[
                "Start\n",
                "Open\n\nTU: TU-1\nTU-Event: open\nLoop: scene_forge\n",
                "Work\n\nTU: TU-1\n",
                "Other\n\nTU: TU-2\nTU-Event: open\n",
            ],
        );
        let cache = Cache::at(repo.git_dir());
        let before = tips(&repo);
        let walked = History::read(&repo, "hot", "cold").expect("walk");
        cache.store("old", &before, &walked, Some(&[]));
        // Hot moves on: an event for TU-1, a decision, an untraced commit, a new TU.
        let mut tip = before.hot.clone();
        for (n, m) in [
            "Start it\n\nTU: TU-1\nTU-Event: start\n",
            "Decide\n\nTU: TU-1\nDecision: yes\n",
            "Tidy\n",
            "Third\n\nTU: TU-3\nTU-Event: open\n",
        ]
        .iter()
        .enumerate()
        {
            tip = Some(commit(&repo, tip.as_ref(), 10 + n, m));
        }
        set(&repo, "refs/heads/hot", tip.as_ref());
        let after = tips(&repo);
        let ext = cache
            .extend(&repo, &after, &Default::default())
            .expect("read")
            .expect("carried forward");
        assert_eq!(
            ext.changed.keys().collect::<Vec<_>>(),
            ["TU-1", "TU-3"],
            "only the records the new commits name are decoded"
        );
        ext.store(&cache, "new", &[]).expect("stored");
        let carried = cache.history("new").expect("cached");
        let fresh = History::read(&repo, "hot", "cold").expect("walk");
        assert_eq!(whole(&carried), whole(&fresh));

        // A rewritten hot (the last commit replaced) is not carried: a full walk is due.
        let parent = repo.resolve_commit("hot~1").expect("parent");
        let other = commit(&repo, Some(&parent), 99, "Rewritten\n\nTU: TU-1\n");
        set(&repo, "refs/heads/hot", Some(&other));
        assert!(
            cache
                .extend(&repo, &tips(&repo), &Default::default())
                .expect("read")
                .is_none()
        );
        // Nor is a move of cold.
        set(&repo, "refs/heads/hot", tip.as_ref());
        set(&repo, "refs/heads/cold", tip.as_ref());
        assert!(
            cache
                .extend(&repo, &tips(&repo), &Default::default())
                .expect("read")
                .is_none()
        );
    }

    #[test]
    fn the_cache_answers_only_for_its_key_and_ignores_damage() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = Cache::at(dir.path());
        assert!(cache.history("k").is_none(), "nothing cached yet");
        cache.store("k", &Tips::default(), &history(), None);
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
        cache.store("k", &Tips::default(), &history(), Some(&list));
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
