//! The only module that talks to git (through `git2`): open repositories, read trees and
//! blobs, write commits with expected parents, and compare-and-swap refs.
//!
//! Everything outside sees plain Rust values (hex ids, paths, bytes), which keeps the bars
//! and the binder testable without a repository.

use std::path::{Path, PathBuf};

use git2::{ErrorCode, Oid, Repository, RepositoryInitOptions, Signature, Time};

/// What can go wrong talking to git.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// No repository at or above a directory.
    #[error("not a git repository: {path}")]
    NotARepo {
        /// The directory searched from.
        path: PathBuf,
    },
    /// A revision that does not name a commit.
    #[error("no commit named `{rev}` in this repository")]
    RevNotFound {
        /// The revision as given.
        rev: String,
    },
    /// A ref that was expected to be absent already exists.
    #[error("ref `{name}` already exists (at {at})")]
    RefExists {
        /// Full ref name.
        name: String,
        /// Where it points.
        at: String,
    },
    /// A compare-and-swap lost its race.
    #[error("ref `{name}` moved from {expected} to {actual} while this command ran")]
    RefMoved {
        /// Full ref name.
        name: String,
        /// The value read at the start.
        expected: String,
        /// The value found at update time.
        actual: String,
    },
    /// Another process holds the ref's lock right now.
    #[error("ref `{name}` is being updated by another process")]
    RefLocked {
        /// Full ref name.
        name: String,
    },
    /// A file the tool must write has local edits that writing would lose.
    #[error("{path} has local changes that are not committed")]
    Dirty {
        /// Studio-relative path.
        path: String,
    },
    /// The index has unresolved conflicts.
    #[error("the index has unresolved merge conflicts")]
    Conflicts,
    /// Anything else libgit2 reports.
    #[error("git: {0}")]
    Other(String),
}

impl From<git2::Error> for GitError {
    fn from(e: git2::Error) -> Self {
        GitError::Other(e.message().to_string())
    }
}

type Result<T> = std::result::Result<T, GitError>;

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

/// An open repository.
pub struct Repo {
    inner: Repository,
}

/// Who a tool-made commit is by: name, email, seconds since the epoch and UTC offset (minutes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Seconds since the Unix epoch.
    pub time: i64,
    /// Offset from UTC in minutes.
    pub offset: i32,
}

/// libgit2 re-hashes every object it reads unless told not to; git itself does not
/// (integrity is `git fsck`'s job), and on large histories the hashing dominates.
fn tune_libgit2() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        git2::opts::strict_hash_verification(false);
        git2::opts::enable_caching(false);
    });
}

impl Repo {
    /// Finds the repository containing `dir` (like `git` does).
    pub fn discover(dir: &Path) -> Result<Repo> {
        tune_libgit2();
        Repository::discover(dir)
            .map(|inner| Repo { inner })
            .map_err(|_| GitError::NotARepo {
                path: dir.to_path_buf(),
            })
    }

    /// Opens the repository git describes in the environment (`GIT_DIR`,
    /// `GIT_OBJECT_DIRECTORY`, `GIT_ALTERNATE_OBJECT_DIRECTORIES`): what a hook sees,
    /// including objects still in a push's quarantine.
    pub fn from_env() -> Result<Repo> {
        tune_libgit2();
        Ok(Repo {
            inner: Repository::open_from_env()?,
        })
    }

    /// Whether a commit exists in the object database.
    pub fn has_commit(&self, id: &str) -> bool {
        Oid::from_str(id)
            .ok()
            .and_then(|o| self.inner.find_commit(o).ok())
            .is_some()
    }

    /// Opens the repository at `dir`, creating one (initial branch `initial`) when there is none.
    /// Returns whether it was created.
    pub fn open_or_init(dir: &Path, initial: &str) -> Result<(Repo, bool)> {
        tune_libgit2();
        match Repository::open(dir) {
            Ok(inner) => Ok((Repo { inner }, false)),
            Err(e) if e.code() == ErrorCode::NotFound => {
                let mut opts = RepositoryInitOptions::new();
                opts.initial_head(initial);
                let inner = Repository::init_opts(dir, &opts)?;
                Ok((Repo { inner }, true))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The work tree, or `None` for a bare repository.
    pub fn workdir(&self) -> Option<&Path> {
        self.inner.workdir()
    }

    /// The `.git` directory (or the bare repository itself).
    pub fn git_dir(&self) -> &Path {
        self.inner.path()
    }

    /// Resolves a revision (branch, tag, hex id, `HEAD~2`…) to a commit id.
    pub fn resolve_commit(&self, rev: &str) -> Result<String> {
        let not_found = || GitError::RevNotFound {
            rev: rev.to_string(),
        };
        let obj = self.inner.revparse_single(rev).map_err(|_| not_found())?;
        let commit = obj.peel_to_commit().map_err(|_| not_found())?;
        Ok(commit.id().to_string())
    }

    /// The tree id of a commit.
    pub fn tree_id(&self, commit: &str) -> Result<String> {
        Ok(self
            .inner
            .find_commit(Oid::from_str(commit)?)?
            .tree_id()
            .to_string())
    }

    /// The commit a full ref name points at, if the ref exists.
    pub fn ref_target(&self, name: &str) -> Result<Option<String>> {
        match self.inner.find_reference(name) {
            Ok(r) => Ok(Some(r.peel_to_commit()?.id().to_string())),
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

    /// [`Repo::tree_files`] without descending into the top-level folders `skip` names
    /// (the incremental gatecheck reads `sections/` only where it changed).
    pub fn tree_files_outside(
        &self,
        commit: &str,
        want: &dyn Fn(&str) -> bool,
        skip: &[&str],
    ) -> Result<Vec<(String, Vec<u8>)>> {
        let oid = Oid::from_str(commit)?;
        let tree = self.inner.find_commit(oid)?.tree()?;
        let mut wanted: Vec<(String, Oid)> = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if dir.is_empty()
                && entry.kind() == Some(git2::ObjectType::Tree)
                && entry.name().is_ok_and(|n| skip.contains(&n))
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
        let mut out = Vec::with_capacity(wanted.len());
        for (path, id) in wanted {
            let blob = self.inner.find_blob(id)?;
            out.push((path, blob.content().to_vec()));
        }
        Ok(out)
    }

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
    ) -> Result<String> {
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
        Ok(repo
            .commit(None, &sig, &sig, message, &tree, &parents)?
            .to_string())
    }

    /// Whether the work tree and index match `HEAD` (untracked files aside).
    pub fn is_clean(&self) -> Result<bool> {
        if self.inner.is_bare() {
            return Ok(true);
        }
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(false).include_ignored(false);
        Ok(self.inner.statuses(Some(&mut opts))?.is_empty())
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
            None,
            &format!("showrunner: snapshot {name}"),
        )?;
        Ok(tag.to_string())
    }

    /// Every tag as `(name, commit it points at, annotation message if annotated)`, sorted.
    pub fn tags(&self) -> Result<Vec<(String, String, Option<String>)>> {
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
            out.push((name, commit.id().to_string(), message));
        }
        out.sort();
        Ok(out)
    }

    /// The tagger's time of an annotated tag (seconds, offset minutes).
    pub fn tag_time(&self, tag: &str) -> Result<Option<(i64, i32)>> {
        let r = match self.inner.find_reference(&format!("refs/tags/{tag}")) {
            Ok(r) => r,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(r.peel_to_tag().ok().and_then(|t| {
            t.tagger()
                .map(|s| (s.when().seconds(), s.when().offset_minutes()))
        }))
    }

    /// The commit a tag points at (annotated or lightweight), if the tag exists.
    pub fn tag_target(&self, tag: &str) -> Result<Option<String>> {
        self.ref_target(&format!("refs/tags/{tag}"))
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
    ) -> Result<String> {
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
        let sig = signature(who)?;
        let commit = repo
            .commit(None, &sig, &sig, message, &tree, &[&tip])?
            .to_string();
        self.cas_ref(
            branch_ref,
            &commit,
            Some(expected_tip),
            &format!("showrunner: {}", first_line(message)),
        )?;
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

    /// Compare-and-swap of a ref: moves `name` to `new` only if it still holds `expected`
    /// (`None`: only if it does not exist yet). A lost race is [`GitError::RefMoved`] or
    /// [`GitError::RefExists`], and nothing changes.
    pub fn cas_ref(&self, name: &str, new: &str, expected: Option<&str>, log: &str) -> Result<()> {
        let new_id = Oid::from_str(new)?;
        match expected {
            None => match self.inner.reference(name, new_id, false, log) {
                Ok(_) => {
                    self.stamp_reflog(name, new_id, log);
                    Ok(())
                }
                Err(e) if is_lock_error(&e) => Err(GitError::RefLocked {
                    name: name.to_string(),
                }),
                Err(e) if e.code() == ErrorCode::Exists => Err(GitError::RefExists {
                    name: name.to_string(),
                    at: self.ref_target(name)?.unwrap_or_default(),
                }),
                Err(e) => Err(e.into()),
            },
            Some(old) => {
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
                            actual: self.ref_target(name)?.unwrap_or_else(|| "(deleted)".into()),
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
    fn stamp_reflog(&self, name: &str, new: Oid, log: &str) {
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

    /// The text of the note on `commit` under `notes_ref`, if any.
    pub fn note(&self, notes_ref: &str, commit: &str) -> Result<Option<String>> {
        match self
            .inner
            .find_note(Some(notes_ref), Oid::from_str(commit)?)
        {
            Ok(n) => Ok(n.message().ok().map(str::to_string)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Appends lines to the note on `commit` under `notes_ref` (a record beside history,
    /// like git's own notes; history itself is not touched). A race with another writer
    /// is retried from the note it left.
    pub fn append_note(
        &self,
        notes_ref: &str,
        commit: &str,
        lines: &str,
        who: &Identity,
    ) -> Result<()> {
        let oid = Oid::from_str(commit)?;
        let sig = Signature::new(&who.name, &who.email, &Time::new(who.time, who.offset))?;
        for _ in 0..5 {
            let old = self.note(notes_ref, commit)?.unwrap_or_default();
            let text = format!("{old}{lines}");
            match self
                .inner
                .note(&sig, &sig, Some(notes_ref), oid, &text, true)
            {
                Ok(_) => return Ok(()),
                Err(e) if is_lock_error(&e) || e.code() == ErrorCode::Modified => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(GitError::RefLocked {
            name: notes_ref.to_string(),
        })
    }

    /// The reflog of a ref, oldest entry first: (new commit, time). Empty when the ref
    /// has no reflog (a bare repository without `core.logAllRefUpdates`).
    pub fn reflog(&self, name: &str) -> Result<Vec<(String, i64)>> {
        let log = match self.inner.reflog(name) {
            Ok(l) => l,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out: Vec<(String, i64)> = log
            .iter()
            .map(|e| (e.id_new().to_string(), e.committer().when().seconds()))
            .collect();
        out.reverse();
        Ok(out)
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

    /// The commit `HEAD` resolves to, or `None` on an unborn branch.
    pub fn head_commit(&self) -> Result<Option<String>> {
        match self.inner.head() {
            Ok(h) => Ok(Some(h.peel_to_commit()?.id().to_string())),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Points `HEAD` at a branch and stages `paths` (already written to the work tree) in
    /// the index, leaving every other index entry as it was.
    pub fn checkout_branch_with(&self, branch_ref: &str, paths: &[String]) -> Result<()> {
        self.inner.set_head(branch_ref)?;
        if self.inner.workdir().is_some() {
            let mut index = self.inner.index()?;
            for p in paths {
                index.add_path(Path::new(p))?;
            }
            self.write_index(&mut index)?;
        }
        Ok(())
    }
}

/// One commit as the ledger sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    /// Parent ids, first parent first.
    pub parents: Vec<String>,
    /// Committer time (seconds since the epoch).
    pub time: i64,
    /// Author name.
    pub author: String,
    /// The raw message.
    pub message: String,
}

impl Repo {
    /// The branch `HEAD` points at (`refs/heads/…`), if it is symbolic.
    pub fn head_branch(&self) -> Option<String> {
        let head = self.inner.find_reference("HEAD").ok()?;
        head.symbolic_target().ok().flatten().map(str::to_string)
    }

    /// Where git looks for hooks: `core.hooksPath` (relative to the work tree) or the
    /// common git directory's `hooks/`.
    pub fn hooks_dir(&self) -> PathBuf {
        let configured = self
            .inner
            .config()
            .ok()
            .and_then(|c| c.get_path("core.hooksPath").ok());
        match configured {
            Some(p) if p.is_absolute() => p,
            Some(p) => self
                .inner
                .workdir()
                .unwrap_or_else(|| self.inner.path())
                .join(p),
            None => self.inner.commondir().join("hooks"),
        }
    }

    /// The work tree (this one or a linked one) that has `branch_ref` checked out.
    pub fn checked_out_in(&self, branch_ref: &str) -> Result<Option<PathBuf>> {
        if !self.inner.is_bare() && self.head_branch().as_deref() == Some(branch_ref) {
            return Ok(self.inner.workdir().map(Path::to_path_buf));
        }
        for name in self.inner.worktrees()?.iter().flatten().flatten() {
            let Ok(wt) = self.inner.find_worktree(name) else {
                continue;
            };
            let Ok(repo) = Repository::open_from_worktree(&wt) else {
                continue;
            };
            let head = repo
                .find_reference("HEAD")
                .ok()
                .and_then(|h| h.symbolic_target().ok().flatten().map(str::to_string));
            if head.as_deref() == Some(branch_ref) {
                return Ok(Some(wt.path().to_path_buf()));
            }
        }
        Ok(None)
    }

    /// Whether the repository has no work tree.
    pub fn is_bare(&self) -> bool {
        self.inner.is_bare()
    }

    /// Branches under `refs/heads/<prefix>`, as `(full ref name, commit id)`, sorted.
    pub fn branches(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for r in self
            .inner
            .references_glob(&format!("refs/heads/{prefix}*"))?
        {
            let r = r?;
            if let (Ok(name), Ok(c)) = (r.name(), r.peel_to_commit()) {
                out.push((name.to_string(), c.id().to_string()));
            }
        }
        out.sort();
        Ok(out)
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
    /// Messages `keep` rejects are dropped at once (the visitor sees them empty).
    pub fn walk(
        &self,
        tips: &[String],
        hide: &[String],
        keep: &dyn Fn(&str) -> bool,
        visit: &mut dyn FnMut(CommitInfo) -> bool,
    ) -> Result<()> {
        // With commits to hide, the range is computed by libgit2's revwalk (which stops at
        // the merge base) and the depth-first walk stays inside it.
        let allowed: Option<std::collections::HashSet<Oid>> = if hide.is_empty() {
            None
        } else {
            let mut w = self.inner.revwalk()?;
            for t in tips {
                w.push(Oid::from_str(t)?)?;
            }
            for h in hide {
                w.hide(Oid::from_str(h)?)?;
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
            let oid = Oid::from_str(tip)?;
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
    pub fn rev_list(&self, tips: &[String], hide: &[String]) -> Result<Vec<String>> {
        let mut walk = self.inner.revwalk()?;
        for t in tips {
            walk.push(Oid::from_str(t)?)?;
        }
        for h in hide {
            walk.hide(Oid::from_str(h)?)?;
        }
        walk.map(|o| o.map(|o| o.to_string()).map_err(GitError::from))
            .collect()
    }

    /// Points `HEAD` at a branch without touching the index or work tree (the caller
    /// guarantees the branch has the same tree as the current `HEAD`).
    pub fn set_head(&self, branch_ref: &str) -> Result<()> {
        Ok(self.inner.set_head(branch_ref)?)
    }

    /// Whether `branch_ref` is checked out in this repository's work tree.
    fn checked_out(&self, branch_ref: &str) -> bool {
        !self.inner.is_bare() && self.head_branch().as_deref() == Some(branch_ref)
    }

    /// Commits tool-owned `files` on top of `branch_ref`, which must still be at
    /// `expected_tip` (compare-and-swap). Nothing but those files goes into the commit.
    /// When the branch is checked out, the index entries and work-tree files of those
    /// paths are updated and every other entry is left alone; the call refuses up front
    /// (changing nothing) if one of the files has local edits that would be lost.
    pub fn commit_tool_files(
        &self,
        branch_ref: &str,
        expected_tip: &str,
        files: &[(String, Vec<u8>)],
        message: &str,
        who: &Identity,
    ) -> Result<String> {
        let checked_out = self.checked_out(branch_ref);
        if checked_out {
            self.ensure_clean(expected_tip, files.iter().map(|(p, _)| p.as_str()))?;
        }
        let commit = self.commit_files(Some(expected_tip), files, message, who)?;
        self.cas_ref(
            branch_ref,
            &commit,
            Some(expected_tip),
            &format!("showrunner: {}", first_line(message)),
        )?;
        if checked_out {
            let workdir = self
                .inner
                .workdir()
                .ok_or_else(|| GitError::Other("no work tree".into()))?;
            let mut index = self.inner.index()?;
            for (path, bytes) in files {
                let target = workdir.join(path);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| GitError::Other(e.to_string()))?;
                }
                std::fs::write(&target, bytes)
                    .map_err(|e| GitError::Other(format!("{path}: {e}")))?;
                index.add_path(Path::new(path))?;
            }
            self.write_index(&mut index)?;
        }
        Ok(commit)
    }

    /// Writes an index back without hiding work-tree edits from git.
    ///
    /// git compares file times in whole seconds: an entry recorded in the same second
    /// as the index file it was read from is "racily clean", and git re-reads its
    /// content. Once a newer index file is written, git would trust that entry's stat
    /// and miss an edit of the same size made in that second. So, as git does, such
    /// entries are smudged (size 0, which forces a content check) before writing.
    fn write_index(&self, index: &mut git2::Index) -> Result<()> {
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
        index.write()?;
        Ok(())
    }

    /// Refuses when a path's index entry or work-tree file differs from `commit`'s.
    fn ensure_clean<'a>(&self, commit: &str, paths: impl Iterator<Item = &'a str>) -> Result<()> {
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
    ) -> Result<String> {
        let repo = &self.inner;
        let parent = repo.find_commit(Oid::from_str(expected_tip)?)?;
        let sig = signature(who)?;
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
        let commit = repo
            .commit(None, &sig, &sig, message, &tree, &[&parent])?
            .to_string();
        self.cas_ref(
            branch_ref,
            &commit,
            Some(expected_tip),
            &format!("showrunner: {}", first_line(message)),
        )?;
        if let Some(mut index) = index {
            self.write_index(&mut index)?;
        }
        Ok(commit)
    }
}

/// Parses a raw commit object: parents, committer time, author name and (when `keep`
/// accepts it) the message. Works on bytes; only what is kept is allocated.
fn parse_commit(id: Oid, data: &[u8], keep: &dyn Fn(&str) -> bool) -> CommitInfo {
    let split = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|i| i + 2)
        .unwrap_or(data.len());
    let mut info = CommitInfo {
        id: id.to_string(),
        parents: Vec::new(),
        time: 0,
        author: String::new(),
        message: String::new(),
    };
    for line in data[..split].split(|b| *b == b'\n') {
        if let Some(p) = line.strip_prefix(b"parent ") {
            info.parents
                .push(String::from_utf8_lossy(p).trim().to_string());
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
    if keep(&message) {
        info.message = message.into_owned();
    }
    info
}

/// libgit2 reports a held ref lock as `Locked`, or (for the loose-ref lock file) as a
/// plain error saying it failed to lock.
fn is_lock_error(e: &git2::Error) -> bool {
    e.code() == ErrorCode::Locked || e.message().contains("lock")
}

/// The git signature of an identity.
fn signature(who: &Identity) -> Result<Signature<'static>> {
    Ok(Signature::new(
        &who.name,
        &who.email,
        &Time::new(who.time, who.offset),
    )?)
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or("")
}

fn now() -> (i64, i32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    (secs, 0)
}

/// Parses git's date forms used in scripts: `@<secs> [+hhmm]`, `<secs> +hhmm`, and
/// ISO 8601 `YYYY-MM-DD[T ]HH:MM:SS[Z|±hh:mm]`.
pub fn parse_git_date(s: &str) -> Option<(i64, i32)> {
    let s = s.trim();
    let mut parts = s.split_whitespace();
    let first = parts.next()?;
    if let Ok(secs) = first.trim_start_matches('@').parse::<i64>() {
        let offset = parts.next().and_then(parse_offset).unwrap_or(0);
        return Some((secs, offset));
    }
    let (date, rest) = s.split_at(10.min(s.len()));
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let rest = rest.trim_start_matches(['T', ' ']);
    let (clock, zone) = match rest.find(['Z', '+', '-']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut c = clock.split(':').map(|p| p.parse::<i64>().ok());
    let (hh, mm, ss) = (
        c.next().flatten().unwrap_or(0),
        c.next().flatten().unwrap_or(0),
        c.next().flatten().unwrap_or(0),
    );
    let offset = if zone.is_empty() || zone == "Z" {
        0
    } else {
        parse_offset(&zone.replace(':', ""))?
    };
    let days = crate::date::days_from_civil(y, m, day);
    Some((
        days * 86_400 + hh * 3600 + mm * 60 + ss - i64::from(offset) * 60,
        offset,
    ))
}

fn parse_offset(z: &str) -> Option<i32> {
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let digits = z.trim_start_matches(['+', '-']);
    if digits.len() != 4 {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    Some(sign * (h * 60 + m))
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
    }
}
