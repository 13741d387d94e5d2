//! Writing: tool commits built from the tree of the tip they compare-and-swap against,
//! tags, restores, and the compare-and-swap of refs itself; identities and dates.

use std::path::Path;

use git2::{ErrorCode, Oid, Signature, Time};

use super::*;
use crate::ids::{CommitId, Expect, TreeId};

/// The guard [`Repo::index_guard`] holds; dropping it lets the next command in.
struct IndexGuard(std::path::PathBuf);

impl Drop for IndexGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// libgit2 reports a held ref lock as `Locked`, or (for the loose-ref lock file) as a
/// plain error saying it failed to lock.
pub(super) fn is_lock_error(e: &git2::Error) -> bool {
    e.code() == ErrorCode::Locked || e.message().contains("lock")
}

/// The git signature of an identity.
pub(super) fn signature(who: &Identity) -> Result<Signature<'static>> {
    Ok(Signature::new(
        &who.name,
        &who.email,
        &Time::new(who.time, who.offset),
    )?)
}

pub(super) fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or("")
}

pub(super) fn now() -> (i64, i32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    (secs, 0)
}

/// Parses git's date forms used in scripts: `@<secs> [+hhmm]`, `<secs> +hhmm`, and
/// ISO 8601 `YYYY-MM-DD[T ]HH:MM[:SS][Z|±hh:mm|±hhmm]` (a time without a zone is UTC; a
/// date alone is its midnight).
pub fn parse_git_date(s: &str) -> Option<(i64, i32)> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let s = s.trim();
    let mut parts = s.split_whitespace();
    let first = parts.next()?;
    if let Ok(secs) = first.trim_start_matches('@').parse::<i64>() {
        let offset = parts.next().and_then(parse_offset).unwrap_or(0);
        return Some((secs, offset));
    }
    let iso = s.replacen(' ', "T", 1);
    let iso = iso.trim_end_matches('Z');
    for zoned in [
        "%Y-%m-%dT%H:%M:%S%#z",
        "%Y-%m-%dT%H:%M%#z",
        "%Y-%m-%dT%H:%M:%S %#z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(iso, zoned) {
            return Some((t.timestamp(), t.offset().local_minus_utc() / 60));
        }
    }
    for naive in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(iso, naive) {
            return Some((t.and_utc().timestamp(), 0));
        }
    }
    let day = NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok()?;
    Some((day.and_hms_opt(0, 0, 0)?.and_utc().timestamp(), 0))
}

pub(super) fn parse_offset(z: &str) -> Option<i32> {
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let digits = z.trim_start_matches(['+', '-']);
    if digits.len() != 4 {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    Some(sign * (h * 60 + m))
}

impl Repo {
    /// The identity for tool-made commits: `GIT_AUTHOR_*`/`GIT_COMMITTER_*` from the
    /// environment first (as git does), then `user.name`/`user.email`, then a fallback.
    pub fn identity(&self) -> Identity {
        let config = self.inner.config().ok();
        let from_config = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let name = env("GIT_AUTHOR_NAME")
            .or_else(|| from_config("user.name"))
            .unwrap_or_else(|| "showrunner".to_string());
        let email = env("GIT_AUTHOR_EMAIL")
            .or_else(|| from_config("user.email"))
            .unwrap_or_else(|| "showrunner@localhost".to_string());
        let (time, offset) = env("GIT_AUTHOR_DATE")
            .and_then(|d| parse_git_date(&d))
            .unwrap_or_else(now);
        Identity {
            name,
            email,
            time,
            offset,
        }
    }

    /// Writes `files` on top of the tree of `parent` (or an empty tree) as a new commit
    /// object, without moving any ref. Returns the commit id.
    pub fn commit_files(
        &self,
        parent: Option<&str>,
        files: &[(String, Vec<u8>)],
        message: &str,
        who: &Identity,
    ) -> Result<CommitId> {
        let repo = &self.inner;
        let mut index = git2::Index::new()?;
        let parent_commit = match parent {
            Some(p) => Some(repo.find_commit(Oid::from_str(p)?)?),
            None => None,
        };
        if let Some(c) = &parent_commit {
            index.read_tree(&c.tree()?)?;
        }
        for (path, bytes) in files {
            let id = repo.blob(bytes)?;
            let entry = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: 0o100644,
                uid: 0,
                gid: 0,
                file_size: bytes.len() as u32,
                id,
                flags: 0,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            index.add(&entry)?;
        }
        let tree_id = index.write_tree_to(repo)?;
        let tree = repo.find_tree(tree_id)?;
        let sig = signature(who)?;
        let parents: Vec<&git2::Commit<'_>> = parent_commit.iter().collect();
        Ok(CommitId::new(
            self.write_commit(&sig, &sig, message, &tree, &parents)?
                .to_string(),
        ))
    }

    /// Creates an annotated tag `name` on `commit` (the ref must not exist yet: a
    /// create-only compare-and-swap). Returns the tag object's id.
    pub fn create_tag(
        &self,
        name: &str,
        commit: &str,
        message: &str,
        who: &Identity,
    ) -> Result<String> {
        let refname = format!("refs/tags/{name}");
        if !git2::Reference::is_valid_name(&refname) {
            return Err(GitError::Other(format!("`{name}` is not a valid tag name")));
        }
        let target = self
            .inner
            .find_object(Oid::from_str(commit)?, Some(git2::ObjectType::Commit))?;
        let sig = signature(who)?;
        let tag = self
            .inner
            .tag_annotation_create(name, &target, &sig, message)?;
        self.cas_ref(
            &refname,
            &tag.to_string(),
            Expect::Absent,
            &format!("showrunner: snapshot {name}"),
        )?;
        Ok(tag.to_string())
    }

    /// Commits, on `branch_ref` at `expected_tip`, the tree of `from` with the paths under
    /// `keep` (folder prefixes like `tus/`) taken from the tip instead; compare-and-swap.
    /// When the branch is checked out (the caller has made sure the work tree is clean),
    /// the work tree and index are brought to the new commit.
    pub fn commit_restore(
        &self,
        branch_ref: &str,
        expected_tip: &str,
        from: &str,
        keep: &[&str],
        message: &str,
        who: &Identity,
    ) -> Result<CommitId> {
        let repo = &self.inner;
        let tip = repo.find_commit(Oid::from_str(expected_tip)?)?;
        let source = repo.find_commit(Oid::from_str(from)?)?;
        let mut index = git2::Index::new()?;
        index.read_tree(&source.tree()?)?;
        let kept = |path: &[u8]| keep.iter().any(|k| path.starts_with(k.as_bytes()));
        let drop: Vec<Vec<u8>> = index
            .iter()
            .filter(|e| kept(&e.path))
            .map(|e| e.path)
            .collect();
        for p in drop {
            index.remove_path(Path::new(&String::from_utf8_lossy(&p).into_owned()))?;
        }
        let mut tip_index = git2::Index::new()?;
        tip_index.read_tree(&tip.tree()?)?;
        for e in tip_index.iter().filter(|e| kept(&e.path)) {
            index.add(&e)?;
        }
        let tree = repo.find_tree(index.write_tree_to(repo)?)?;
        let commit = self.commit_onto(branch_ref, &tip, &tree, message, who)?;
        if self.checked_out(branch_ref) {
            let mut co = git2::build::CheckoutBuilder::new();
            co.force();
            repo.checkout_tree(tree.as_object(), Some(&mut co))?;
            let mut real = repo.index()?;
            real.read_tree(&tree)?;
            self.write_index(&mut real)?;
        }
        Ok(commit)
    }

    /// The tree `onto` becomes when `commit`'s change (against its first parent; the
    /// empty tree for a root) is applied to it: a three-way merge of trees, what `git
    /// cherry-pick` does, in the object store only. `Err` lists the paths that conflict.
    pub fn replay_tree(
        &self,
        commit: &str,
        onto: &str,
    ) -> Result<std::result::Result<TreeId, Vec<String>>> {
        let repo = &self.inner;
        let c = repo.find_commit(Oid::from_str(commit)?)?;
        let theirs = c.tree()?;
        let base = match c.parents().next() {
            Some(p) => p.tree()?,
            None => repo.find_tree(repo.treebuilder(None)?.write()?)?,
        };
        if base.id().to_string() == onto {
            return Ok(Ok(TreeId::new(theirs.id().to_string())));
        }
        let ours = repo.find_tree(Oid::from_str(onto)?)?;
        let mut index = repo.merge_trees(&base, &ours, &theirs, None)?;
        if index.has_conflicts() {
            let mut paths: Vec<String> = index
                .conflicts()?
                .filter_map(|c| c.ok())
                .filter_map(|c| c.our.or(c.their).or(c.ancestor))
                .map(|e| String::from_utf8_lossy(&e.path).into_owned())
                .collect();
            paths.sort();
            paths.dedup();
            return Ok(Err(paths));
        }
        Ok(Ok(TreeId::new(index.write_tree_to(repo)?.to_string())))
    }

    /// Writes a commit object of `tree` with `parents` (first parent first), moving no
    /// ref: the author and committer are `who`.
    pub fn commit_tree(
        &self,
        tree: &str,
        parents: &[&str],
        message: &str,
        who: &Identity,
    ) -> Result<CommitId> {
        let repo = &self.inner;
        let sig = signature(who)?;
        let tree = repo.find_tree(Oid::from_str(tree)?)?;
        let parents = parents
            .iter()
            .map(|p| repo.find_commit(Oid::from_str(p)?))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        Ok(CommitId::new(
            self.write_commit(&sig, &sig, message, &tree, &refs)?
                .to_string(),
        ))
    }

    /// Compare-and-swap of a ref: moves `name` to `new` only if it still holds `expected`
    /// ([`Expect::Absent`]: only if it does not exist yet). A lost race is [`GitError::RefMoved`] or
    /// [`GitError::RefExists`], and nothing changes.
    pub fn cas_ref(&self, name: &str, new: &str, expected: Expect<'_>, log: &str) -> Result<()> {
        let new_id = Oid::from_str(new)?;
        match expected {
            Expect::Absent => match self.inner.reference(name, new_id, false, log) {
                Ok(_) => {
                    self.stamp_reflog(name, new_id, log);
                    Ok(())
                }
                Err(e) if is_lock_error(&e) => Err(GitError::RefLocked {
                    name: name.to_string(),
                }),
                Err(e) if e.code() == ErrorCode::Exists => Err(GitError::RefExists {
                    name: name.to_string(),
                    at: self.ref_target(name)?.map(String::from).unwrap_or_default(),
                }),
                Err(e) => Err(e.into()),
            },
            Expect::At(old) => {
                let old_id = Oid::from_str(old)?;
                match self
                    .inner
                    .reference_matching(name, new_id, true, old_id, log)
                {
                    Ok(_) => {
                        self.stamp_reflog(name, new_id, log);
                        Ok(())
                    }
                    Err(e) if is_lock_error(&e) => Err(GitError::RefLocked {
                        name: name.to_string(),
                    }),
                    Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::NotFound) => {
                        Err(GitError::RefMoved {
                            name: name.to_string(),
                            expected: old.to_string(),
                            actual: self
                                .ref_target(name)?
                                .map_or_else(|| "(deleted)".into(), String::from),
                        })
                    }
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    /// Gives the reflog entry just written for `name` the committer's identity and date
    /// when `GIT_COMMITTER_DATE` is set, as git itself does (libgit2 stamps the clock),
    /// so scripted histories have reproducible reflogs. Only an entry that is still the
    /// newest and still ours is touched; the reflog is a record, never a decision, so a
    /// failure here is ignored.
    pub(super) fn stamp_reflog(&self, name: &str, new: Oid, log: &str) {
        let Some((time, offset)) = std::env::var("GIT_COMMITTER_DATE")
            .ok()
            .and_then(|d| parse_git_date(&d))
        else {
            return;
        };
        let who = self.identity();
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let name_ = env("GIT_COMMITTER_NAME").unwrap_or(who.name);
        let email = env("GIT_COMMITTER_EMAIL").unwrap_or(who.email);
        let Ok(sig) = Signature::new(&name_, &email, &Time::new(time, offset)) else {
            return;
        };
        let Ok(mut reflog) = self.inner.reflog(name) else {
            return;
        };
        let ours = reflog
            .get(0)
            .is_some_and(|e| e.id_new() == new && e.message().ok().flatten() == Some(log));
        if ours && reflog.remove(0, false).is_ok() && reflog.append(new, &sig, Some(log)).is_ok() {
            let _ = reflog.write();
        }
    }

    /// Deletes `name` if it still points at `expected` (used to undo a half-made change).
    pub fn delete_ref_if(&self, name: &str, expected: &str) -> Result<()> {
        if let Ok(mut r) = self.inner.find_reference(name)
            && r.target().map(|t| t.to_string()).as_deref() == Some(expected)
        {
            r.delete()?;
        }
        Ok(())
    }

    /// Commits tool-owned `files` on top of `branch_ref`, which must still be at
    /// `expected_tip` (compare-and-swap). Nothing but those files goes into the commit.
    /// When the branch is checked out, the index entries and work-tree files of those
    /// paths are updated and every other entry is left alone; the call refuses up front
    /// (changing nothing) if one of the files has local edits that would be lost.
    ///
    /// The work tree and index are written *before* the ref moves, under the index
    /// guard: a kill before the move leaves the files staged (nothing lost; the next
    /// commit takes them), a kill after it leaves everything agreeing, and a lost race
    /// puts the paths back as the tip had them.
    pub fn commit_tool_files(
        &self,
        branch_ref: &str,
        expected_tip: &str,
        files: &[(String, Vec<u8>)],
        message: &str,
        who: &Identity,
    ) -> Result<CommitId> {
        let checked_out = self.checked_out(branch_ref);
        if checked_out {
            self.ensure_index_unlocked()?;
            self.ensure_clean(expected_tip, files.iter().map(|(p, _)| p.as_str()))?;
        }
        let commit = self.commit_files(Some(expected_tip), files, message, who)?;
        let log = format!("showrunner: {}", first_line(message));
        if !checked_out {
            self.cas_ref(branch_ref, &commit, Expect::At(expected_tip), &log)?;
            return Ok(commit);
        }
        // Read, change and write the index as one step among showrunner commands: two
        // of them updating it at once would each write back what the other had not yet
        // added, and a file hot holds would drop out of the index.
        let _guard = self.index_guard()?;
        // Every showrunner commit on this branch stages under the guard: if the branch
        // moved while this one waited, nothing is staged over the winner's files.
        if let Some(now) = self.ref_target(branch_ref)?
            && now != expected_tip
        {
            return Err(GitError::RefMoved {
                name: branch_ref.to_string(),
                expected: expected_tip.to_string(),
                actual: now.to_string(),
            });
        }
        let staged: Vec<(String, Option<Vec<u8>>)> = files
            .iter()
            .map(|(p, b)| (p.clone(), Some(b.clone())))
            .collect();
        self.put_files(&staged)?;
        if let Err(e) = self.cas_ref(branch_ref, &commit, Expect::At(expected_tip), &log) {
            // Put the paths back as the branch now has them (they matched its tip
            // before; a plain git command may have moved it since).
            let now = self
                .ref_target(branch_ref)
                .ok()
                .flatten()
                .map(|c| c.to_string())
                .unwrap_or_else(|| expected_tip.to_string());
            let back: Vec<(String, Option<Vec<u8>>)> = files
                .iter()
                .map(|(p, _)| (p.clone(), self.blob_at(&now, p).ok().flatten()))
                .collect();
            let _ = self.put_files(&back);
            return Err(e);
        }
        Ok(commit)
    }

    /// Writes (`Some`) or removes (`None`) each path in the work tree and the index.
    fn put_files(&self, files: &[(String, Option<Vec<u8>>)]) -> Result<()> {
        let workdir = self
            .inner
            .workdir()
            .ok_or_else(|| GitError::Other("no work tree".into()))?;
        let mut index = self.inner.index()?;
        index.read(true)?;
        for (path, bytes) in files {
            let target = workdir.join(path);
            match bytes {
                Some(bytes) => {
                    if let Some(parent) = target.parent() {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| GitError::Other(e.to_string()))?;
                    }
                    std::fs::write(&target, bytes)
                        .map_err(|e| GitError::Other(format!("{path}: {e}")))?;
                    index.add_path(Path::new(path))?;
                }
                None => {
                    let _ = std::fs::remove_file(&target);
                    let _ = index.remove_path(Path::new(path));
                }
            }
        }
        self.write_index(&mut index)
    }

    /// Holds `.git/showrunner/index.guard` (made exclusively, removed on drop) while a
    /// showrunner command reads, changes and writes the index; waits up to two seconds
    /// for another to finish. git's own `index.lock` still guards each write.
    fn index_guard(&self) -> Result<IndexGuard> {
        let dir = self.inner.path().join("showrunner");
        std::fs::create_dir_all(&dir)
            .map_err(|e| GitError::Other(format!("{}: {e}", dir.display())))?;
        let path = dir.join("index.guard");
        for _ in 0..200 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(_) => return Ok(IndexGuard(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(e) => return Err(GitError::Other(format!("{}: {e}", path.display()))),
            }
        }
        Err(GitError::IndexLocked { path })
    }

    /// Commits `tree` on `parent` (the tip `branch_ref` must still hold) and moves the
    /// branch to it by compare-and-swap.
    fn commit_onto(
        &self,
        branch_ref: &str,
        parent: &git2::Commit<'_>,
        tree: &git2::Tree<'_>,
        message: &str,
        who: &Identity,
    ) -> Result<CommitId> {
        let sig = signature(who)?;
        let commit = CommitId::new(
            self.write_commit(&sig, &sig, message, tree, &[parent])?
                .to_string(),
        );
        self.cas_ref(
            branch_ref,
            &commit,
            Expect::At(&parent.id().to_string()),
            &format!("showrunner: {}", first_line(message)),
        )?;
        Ok(commit)
    }

    /// Writes an index back without hiding work-tree edits from git.
    ///
    /// git compares file times in whole seconds: an entry recorded in the same second
    /// as the index file it was read from is "racily clean", and git re-reads its
    /// content. Once a newer index file is written, git would trust that entry's stat
    /// and miss an edit of the same size made in that second. So, as git does, such
    /// entries are smudged (size 0, which forces a content check) before writing.
    pub(super) fn write_index(&self, index: &mut git2::Index) -> Result<()> {
        let stamp = std::fs::metadata(self.inner.path().join("index"))
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs() as i64);
        if let Some(stamp) = stamp {
            let racy: Vec<git2::IndexEntry> = index
                .iter()
                .filter(|e| e.file_size != 0 && i64::from(e.mtime.seconds()) >= stamp)
                .collect();
            for mut e in racy {
                e.file_size = 0;
                index.add(&e)?;
            }
        }
        index.write().map_err(|e| {
            if is_lock_error(&e) {
                GitError::IndexLocked {
                    path: self.index_lock(),
                }
            } else {
                e.into()
            }
        })?;
        Ok(())
    }

    /// The index's lock file (`.git/index.lock`).
    fn index_lock(&self) -> PathBuf {
        self.inner.path().join("index.lock")
    }

    /// Refuses, before anything moves, when the index that a commit on the checked-out
    /// branch must update is locked: a ref moved and an index left behind would disagree.
    pub(super) fn ensure_index_unlocked(&self) -> Result<()> {
        let path = self.index_lock();
        if path.exists() {
            return Err(GitError::IndexLocked { path });
        }
        Ok(())
    }

    /// Refuses when a path's index entry or work-tree file differs from `commit`'s.
    pub(super) fn ensure_clean<'a>(
        &self,
        commit: &str,
        paths: impl Iterator<Item = &'a str>,
    ) -> Result<()> {
        let index = self.inner.index()?;
        let workdir = self
            .inner
            .workdir()
            .ok_or_else(|| GitError::Other("no work tree".into()))?;
        for path in paths {
            let in_tree = self.entry_id(commit, path)?;
            let in_index = index.get_path(Path::new(path), 0).map(|e| e.id.to_string());
            let on_disk = match std::fs::read(workdir.join(path)) {
                Ok(bytes) => Some(Oid::hash_object(git2::ObjectType::Blob, &bytes)?.to_string()),
                Err(_) => None,
            };
            if in_index != in_tree || on_disk != in_tree {
                return Err(GitError::Dirty {
                    path: path.to_string(),
                });
            }
        }
        Ok(())
    }

    /// Commits what is staged (with `all`, first every tracked change, like `git commit
    /// -a`) on the checked-out `branch_ref`, which must still be at `expected_tip`. The
    /// index is written back only when the ref update succeeded. In a bare repository,
    /// or with `empty`, the commit has the tip's tree.
    pub fn commit_index(
        &self,
        branch_ref: &str,
        expected_tip: &str,
        message: &str,
        who: &Identity,
        all: bool,
    ) -> Result<CommitId> {
        let repo = &self.inner;
        let parent = repo.find_commit(Oid::from_str(expected_tip)?)?;
        let (tree, index) = if self.checked_out(branch_ref) {
            let mut index = repo.index()?;
            if index.has_conflicts() {
                return Err(GitError::Conflicts);
            }
            if all {
                index.update_all(["*"].iter(), None)?;
            }
            let tree = repo.find_tree(index.write_tree()?)?;
            (tree, Some(index))
        } else {
            (parent.tree()?, None)
        };
        let commit = self.commit_onto(branch_ref, &parent, &tree, message, who)?;
        if let Some(mut index) = index {
            self.write_index(&mut index)?;
        }
        Ok(commit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_dates_parse_like_git() {
        assert_eq!(
            parse_git_date("@1764158400 +0000"),
            Some((1_764_158_400, 0))
        );
        assert_eq!(
            parse_git_date("1764158400 +0100"),
            Some((1_764_158_400, 60))
        );
        assert_eq!(
            parse_git_date("2025-11-26T12:00:00Z"),
            Some((1_764_158_400, 0))
        );
        assert_eq!(
            parse_git_date("2025-11-26T13:00:00+01:00"),
            Some((1_764_158_400, 60))
        );
        assert_eq!(
            parse_git_date("2025-11-26 07:00:00 -0500"),
            Some((1_764_158_400, -300))
        );
        assert_eq!(parse_git_date("2025-11-26 12:00"), Some((1_764_158_400, 0)));
        assert_eq!(
            parse_git_date("2025-11-26"),
            Some((1_764_158_400 - 12 * 3600, 0))
        );
        assert_eq!(parse_git_date("2025-13-26T12:00:00Z"), None);
    }
}
