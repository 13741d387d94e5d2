//! Reading objects and refs: revisions, trees, blobs, tags, branches, and what
//! changed between two trees.

use std::path::Path;

use git2::{ErrorCode, Oid};

use super::*;
use crate::ids::{CommitId, TreeId};

/// A branch and the commit it points at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Branch {
    /// Its full ref name (`refs/heads/…`).
    pub name: String,
    /// The commit it points at.
    pub tip: CommitId,
}

/// A tag, the commit it points at and, when annotated, its message.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tag {
    /// Its name (without `refs/tags/`).
    pub name: String,
    /// The commit it points at.
    pub commit: CommitId,
    /// The annotation's message (`None`: a lightweight tag).
    pub message: Option<String>,
}

/// A moment as git records it: seconds since the epoch and the UTC offset in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct When {
    /// Seconds since the epoch.
    pub time: i64,
    /// Offset from UTC, in minutes.
    pub offset: i32,
}

/// One file that differs between two trees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeChange {
    /// Its path (`None` when it is not valid UTF-8).
    pub path: Option<String>,
    /// The blob id before (`None`: added).
    pub old: Option<String>,
    /// The blob id after (`None`: deleted).
    pub new: Option<String>,
    /// Whether both sides are plain files (or absent): not links, not submodules.
    pub regular: bool,
}

impl Repo {
    /// Resolves a revision (branch, tag, hex id, `HEAD~2`…) to a commit id.
    pub fn resolve_commit(&self, rev: &str) -> Result<CommitId> {
        let not_found = || GitError::RevNotFound {
            rev: rev.to_string(),
        };
        // A branch wins over a tag of the same name (git would take the tag, with a
        // warning): `cold` always means the branch.
        if !rev.starts_with("refs/")
            && let Ok(r) = self.inner.find_reference(&format!("refs/heads/{rev}"))
            && let Ok(c) = r.peel_to_commit()
        {
            return Ok(CommitId::new(c.id().to_string()));
        }
        let obj = self.inner.revparse_single(rev).map_err(|_| not_found())?;
        let commit = obj.peel_to_commit().map_err(|_| not_found())?;
        Ok(CommitId::new(commit.id().to_string()))
    }

    /// The tree id of a commit.
    pub fn tree_id(&self, commit: &str) -> Result<TreeId> {
        Ok(TreeId::new(
            self.inner
                .find_commit(Oid::from_str(commit)?)?
                .tree_id()
                .to_string(),
        ))
    }

    /// A value of the repository's git configuration (`showrunner.cold`), if set.
    pub fn config_value(&self, key: &str) -> Option<String> {
        self.inner.config().ok()?.get_string(key).ok()
    }

    /// Sets a value in the repository's own git configuration (`.git/config`).
    pub fn set_config(&self, key: &str, value: &str) -> Result<()> {
        let config = self.inner.config()?;
        let mut local = config.open_level(git2::ConfigLevel::Local)?;
        local.set_str(key, value)?;
        Ok(())
    }

    /// The commit a full ref name points at, if the ref exists.
    pub fn ref_target(&self, name: &str) -> Result<Option<CommitId>> {
        match self.inner.find_reference(name) {
            Ok(r) => Ok(Some(CommitId::new(r.peel_to_commit()?.id().to_string()))),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Every blob in a commit's tree whose path `want` accepts, as `(path, bytes)`, sorted by path.
    pub fn tree_files(
        &self,
        commit: &str,
        want: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<(String, Vec<u8>)>> {
        self.tree_files_outside(commit, want, &[])
    }

    /// The paths of the blobs in a commit's tree that `want` accepts, sorted, without
    /// reading their contents.
    pub fn tree_paths(&self, commit: &str, want: &dyn Fn(&str) -> bool) -> Result<Vec<String>> {
        Ok(self
            .tree_blobs(commit, want, &[])?
            .into_iter()
            .map(|(p, _)| p)
            .collect())
    }

    /// (path, blob id) of the regular files `want` accepts, outside the top-level
    /// folders `skip`, sorted by path.
    fn tree_blobs(
        &self,
        commit: &str,
        want: &dyn Fn(&str) -> bool,
        skip: &[&str],
    ) -> Result<Vec<(String, Oid)>> {
        self.tree_blobs_where(commit, want, &|top| !skip.contains(&top))
    }

    /// [`Repo::tree_blobs`] descending only into the top-level folders `descend` accepts.
    fn tree_blobs_where(
        &self,
        commit: &str,
        want: &dyn Fn(&str) -> bool,
        descend: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<(String, Oid)>> {
        let oid = Oid::from_str(commit)?;
        let tree = self.inner.find_commit(oid)?.tree()?;
        let mut wanted: Vec<(String, Oid)> = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if dir.is_empty()
                && entry.kind() == Some(git2::ObjectType::Tree)
                && entry.name().is_ok_and(|n| !descend(n))
            {
                return git2::TreeWalkResult::Skip;
            }
            // Symlinks are blobs too, but their content is a target path, not a file:
            // skip them, as the work-tree walk does.
            if entry.kind() == Some(git2::ObjectType::Blob) && entry.filemode() != 0o120000 {
                let path = format!("{dir}{}", entry.name().unwrap_or(""));
                if entry.name().is_ok() && want(&path) {
                    wanted.push((path, entry.id()));
                }
            }
            git2::TreeWalkResult::Ok
        })?;
        wanted.sort();
        Ok(wanted)
    }

    /// [`Repo::tree_files`] without descending into the top-level folders `skip` names
    /// (the incremental gatecheck reads `sections/` only where it changed).
    pub fn tree_files_outside(
        &self,
        commit: &str,
        want: &dyn Fn(&str) -> bool,
        skip: &[&str],
    ) -> Result<Vec<(String, Vec<u8>)>> {
        self.read_blobs(self.tree_blobs(commit, want, skip)?)
    }

    /// [`Repo::tree_files`] read and turned into `T` by `each` (path and bytes, borrowed
    /// from the object just read) on `threads` threads at once, each with its own handle
    /// on the repository; in path order.
    pub fn tree_files_map<T: Send>(
        &self,
        commit: &str,
        want: &dyn Fn(&str) -> bool,
        threads: usize,
        each: &(dyn Fn(String, &[u8]) -> T + Sync),
    ) -> Result<Vec<T>> {
        let blobs = self.tree_blobs(commit, want, &[])?;
        let next = std::sync::atomic::AtomicUsize::new(0);
        let progress =
            crate::progress::Progress::new("reading the tree", Some(blobs.len() as u64), "files");
        // Files are taken a few at a time from a shared counter, so a thread that meets
        // large files takes fewer.
        const BATCH: usize = 16;
        let work = |repo: &Repo| -> Result<Vec<(usize, T)>> {
            let mut done = Vec::new();
            loop {
                let from = next.fetch_add(BATCH, std::sync::atomic::Ordering::Relaxed);
                if from >= blobs.len() {
                    return Ok(done);
                }
                for (n, (path, id)) in blobs.iter().enumerate().skip(from).take(BATCH) {
                    let blob = repo.inner.find_blob(*id)?;
                    done.push((n, each(path.clone(), blob.content())));
                    progress.inc(1);
                }
            }
        };
        let threads = if blobs.len() < 64 { 1 } else { threads.max(1) };
        let handles = (1..threads)
            .map(|_| self.reopen())
            .collect::<Result<Vec<Repo>>>()?;
        let mut all = std::thread::scope(|scope| -> Result<Vec<(usize, T)>> {
            let work = &work;
            let helpers: Vec<_> = handles
                .into_iter()
                .map(|repo| scope.spawn(move || work(&repo)))
                .collect();
            let mut all = work(self)?;
            for h in helpers {
                match h.join() {
                    Ok(part) => all.extend(part?),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            Ok(all)
        })?;
        all.sort_by_key(|(n, _)| *n);
        Ok(all.into_iter().map(|(_, t)| t).collect())
    }

    /// The bytes of each (path, blob id).
    fn read_blobs(&self, wanted: Vec<(String, Oid)>) -> Result<Vec<(String, Vec<u8>)>> {
        let mut out = Vec::with_capacity(wanted.len());
        for (path, id) in wanted {
            let blob = self.inner.find_blob(id)?;
            out.push((path, blob.content().to_vec()));
        }
        Ok(out)
    }

    /// Entries of a commit's tree that are not regular files — symbolic links and
    /// submodules — whose path `want` accepts, sorted.
    pub fn tree_non_files(&self, commit: &str, want: &dyn Fn(&str) -> bool) -> Result<Vec<String>> {
        let oid = Oid::from_str(commit)?;
        let tree = self.inner.find_commit(oid)?.tree()?;
        let mut out = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            let link = entry.kind() == Some(git2::ObjectType::Blob) && entry.filemode() == 0o120000;
            let submodule = entry.kind() == Some(git2::ObjectType::Commit);
            if link || submodule {
                let path = format!("{dir}{}", entry.name().unwrap_or(""));
                if want(&path) {
                    out.push(path);
                }
            }
            git2::TreeWalkResult::Ok
        })?;
        out.sort();
        Ok(out)
    }

    /// [`Repo::tree_files`] of the files at the top of the tree and in the top-level
    /// folders `within` (a few files of a large tree, without walking the rest).
    pub fn tree_files_within(
        &self,
        commit: &str,
        want: &dyn Fn(&str) -> bool,
        within: &[&str],
    ) -> Result<Vec<(String, Vec<u8>)>> {
        self.read_blobs(self.tree_blobs_where(commit, want, &|top| within.contains(&top))?)
    }

    /// The bytes of `path` in a commit's tree, if it is a blob there.
    pub fn blob_at(&self, commit: &str, path: &str) -> Result<Option<Vec<u8>>> {
        let tree = self.inner.find_commit(Oid::from_str(commit)?)?.tree()?;
        match tree.get_path(Path::new(path)) {
            Ok(entry) => match entry.to_object(&self.inner)?.into_blob() {
                Ok(b) => Ok(Some(b.content().to_vec())),
                Err(_) => Ok(None),
            },
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The blob id of `path` in a commit's tree (for cheap "did this commit touch it").
    pub fn entry_id(&self, commit: &str, path: &str) -> Result<Option<String>> {
        let tree = self.inner.find_commit(Oid::from_str(commit)?)?.tree()?;
        match tree.get_path(Path::new(path)) {
            Ok(entry) => Ok(Some(entry.id().to_string())),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Walks the first-parent chain from `commit`, newest first, telling `visit` each
    /// commit and which of `paths` (indices) it changed against its first parent (a
    /// commit without parents changes every path it holds). A commit that leaves every
    /// top-level entry the paths live under as it was is passed over without looking
    /// further. The walk ends when `visit` returns `false` or the chain does.
    pub fn first_parent_changes(
        &self,
        commit: &str,
        paths: &[String],
        visit: &mut dyn FnMut(&str, &[usize]) -> bool,
    ) -> Result<()> {
        let tops: Vec<&str> = paths
            .iter()
            .map(|p| p.split('/').next().unwrap_or(p))
            .collect();
        let entry = |tree: &git2::Tree<'_>, path: &str| -> Result<Option<Oid>> {
            match tree.get_path(Path::new(path)) {
                Ok(e) => Ok(Some(e.id())),
                Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            }
        };
        let mut current = Some(self.inner.find_commit(Oid::from_str(commit)?)?);
        let mut changed = Vec::new();
        while let Some(c) = current {
            let tree = c.tree()?;
            let parent = match c.parent_count() {
                0 => None,
                _ => Some(c.parent(0)?),
            };
            let parent_tree = parent.as_ref().map(git2::Commit::tree).transpose()?;
            changed.clear();
            let mut top_changed: Vec<(&str, bool)> = Vec::new();
            for (i, path) in paths.iter().enumerate() {
                let top = tops[i];
                let moved = match top_changed.iter().find(|(t, _)| *t == top) {
                    Some((_, m)) => *m,
                    None => {
                        let m = match &parent_tree {
                            Some(pt) => entry(&tree, top)? != entry(pt, top)?,
                            None => true,
                        };
                        top_changed.push((top, m));
                        m
                    }
                };
                if !moved {
                    continue;
                }
                let now = entry(&tree, path)?;
                let before = match &parent_tree {
                    Some(pt) => entry(pt, path)?,
                    None => None,
                };
                if now != before {
                    changed.push(i);
                }
            }
            if !visit(&c.id().to_string(), &changed) {
                break;
            }
            current = parent;
        }
        Ok(())
    }

    /// The files that differ between two commits' trees, sorted by path. No rename
    /// detection: a rename is a deletion and an addition.
    pub fn tree_changes(&self, old: &str, new: &str) -> Result<Vec<TreeChange>> {
        let tree = |c: &str| -> Result<git2::Tree<'_>> {
            Ok(self.inner.find_commit(Oid::from_str(c)?)?.tree()?)
        };
        let (old, new) = (tree(old)?, tree(new)?);
        let mut opts = git2::DiffOptions::new();
        opts.include_typechange(true);
        let diff = self
            .inner
            .diff_tree_to_tree(Some(&old), Some(&new), Some(&mut opts))?;
        let side = |f: git2::DiffFile<'_>| -> (Option<String>, bool) {
            let present = !f.id().is_zero();
            let regular = matches!(
                f.mode(),
                git2::FileMode::Blob | git2::FileMode::BlobExecutable
            );
            (present.then(|| f.id().to_string()), regular || !present)
        };
        let mut out: Vec<TreeChange> = diff
            .deltas()
            .map(|d| {
                let path = d.new_file().path().or_else(|| d.old_file().path());
                let (old, old_regular) = side(d.old_file());
                let (new, new_regular) = side(d.new_file());
                TreeChange {
                    path: path.and_then(|p| p.to_str()).map(str::to_string),
                    old,
                    new,
                    regular: old_regular && new_regular,
                }
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    /// The bytes of a blob by id.
    pub fn blob(&self, id: &str) -> Result<Vec<u8>> {
        Ok(self.inner.find_blob(Oid::from_str(id)?)?.content().to_vec())
    }

    /// Paths a commit changed against its first parent (all paths for a root commit).
    pub fn changed_paths(&self, commit: &str) -> Result<Vec<String>> {
        let c = self.inner.find_commit(Oid::from_str(commit)?)?;
        let new = c.tree()?;
        let old = match c.parent(0) {
            Ok(p) => Some(p.tree()?),
            Err(_) => None,
        };
        let diff = self
            .inner
            .diff_tree_to_tree(old.as_ref(), Some(&new), None)?;
        let mut out: Vec<String> = diff
            .deltas()
            .filter_map(|d| {
                d.new_file()
                    .path()
                    .or_else(|| d.old_file().path())
                    .map(|p| p.to_string_lossy().into_owned())
            })
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Every tag that points at a commit, sorted by name.
    pub fn tags(&self) -> Result<Vec<Tag>> {
        let mut out = Vec::new();
        for r in self.inner.references_glob("refs/tags/*")? {
            let r = r?;
            let Ok(name) = r.name() else { continue };
            let name = name.trim_start_matches("refs/tags/").to_string();
            let Ok(commit) = r.peel_to_commit() else {
                continue;
            };
            let message = r.peel_to_tag().ok().and_then(|t| {
                t.message_bytes()
                    .map(|m| String::from_utf8_lossy(m).into_owned())
            });
            out.push(Tag {
                name,
                commit: CommitId::new(commit.id().to_string()),
                message,
            });
        }
        out.sort();
        Ok(out)
    }

    /// The tagger's time of an annotated tag.
    pub fn tag_time(&self, tag: &str) -> Result<Option<When>> {
        let r = match self.inner.find_reference(&format!("refs/tags/{tag}")) {
            Ok(r) => r,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(r.peel_to_tag().ok().and_then(|t| {
            t.tagger().map(|s| When {
                time: s.when().seconds(),
                offset: s.when().offset_minutes(),
            })
        }))
    }

    /// The commit a tag points at (annotated or lightweight), if the tag exists.
    pub fn tag_target(&self, tag: &str) -> Result<Option<CommitId>> {
        self.ref_target(&format!("refs/tags/{tag}"))
    }

    /// Branches under `refs/heads/<prefix>`, sorted by name.
    pub fn branches(&self, prefix: &str) -> Result<Vec<Branch>> {
        let mut out = Vec::new();
        for r in self
            .inner
            .references_glob(&format!("refs/heads/{prefix}*"))?
        {
            let r = r?;
            if let (Ok(name), Ok(c)) = (r.name(), r.peel_to_commit()) {
                out.push(Branch {
                    name: name.to_string(),
                    tip: CommitId::new(c.id().to_string()),
                });
            }
        }
        out.sort();
        Ok(out)
    }

    /// The message of an annotated tag object given by its id (`None` for any other
    /// object, a lightweight tag's commit for one).
    pub fn tag_object_message(&self, id: &str) -> Result<Option<String>> {
        let oid = Oid::from_str(id)?;
        Ok(self.inner.find_tag(oid).ok().and_then(|t| {
            t.message_bytes()
                .map(|m| String::from_utf8_lossy(m).into_owned())
        }))
    }

    /// The value `packed-refs` records for a full ref name, if it lists it (the files
    /// backend's packed store; `None` when there is no such file or line).
    pub fn packed_ref(&self, name: &str) -> Option<CommitId> {
        let text = std::fs::read_to_string(self.inner.commondir().join("packed-refs")).ok()?;
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with('^'))
            .find_map(|l| {
                let (id, refname) = l.split_once(' ')?;
                (refname == name).then(|| CommitId::new(id))
            })
    }

    /// The commit `HEAD` resolves to, or `None` on an unborn branch.
    pub fn head_commit(&self) -> Result<Option<CommitId>> {
        match self.inner.head() {
            Ok(h) => Ok(Some(CommitId::new(h.peel_to_commit()?.id().to_string()))),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The branch `HEAD` points at (`refs/heads/…`), if it is symbolic.
    pub fn head_branch(&self) -> Option<String> {
        let head = self.inner.find_reference("HEAD").ok()?;
        head.symbolic_target().ok().flatten().map(str::to_string)
    }
}
