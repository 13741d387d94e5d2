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

impl Repo {
    /// Finds the repository containing `dir` (like `git` does).
    pub fn discover(dir: &Path) -> Result<Repo> {
        Repository::discover(dir)
            .map(|inner| Repo { inner })
            .map_err(|_| GitError::NotARepo {
                path: dir.to_path_buf(),
            })
    }

    /// Opens the repository at `dir`, creating one (initial branch `initial`) when there is none.
    /// Returns whether it was created.
    pub fn open_or_init(dir: &Path, initial: &str) -> Result<(Repo, bool)> {
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
        let oid = Oid::from_str(commit)?;
        let tree = self.inner.find_commit(oid)?.tree()?;
        let mut wanted: Vec<(String, Oid)> = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
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
        let sig = Signature::new(&who.name, &who.email, &Time::new(who.time, who.offset))?;
        let parents: Vec<&git2::Commit<'_>> = parent_commit.iter().collect();
        Ok(repo
            .commit(None, &sig, &sig, message, &tree, &parents)?
            .to_string())
    }

    /// Compare-and-swap of a ref: moves `name` to `new` only if it still holds `expected`
    /// (`None`: only if it does not exist yet). A lost race is [`GitError::RefMoved`] or
    /// [`GitError::RefExists`], and nothing changes.
    pub fn cas_ref(&self, name: &str, new: &str, expected: Option<&str>, log: &str) -> Result<()> {
        let new_id = Oid::from_str(new)?;
        match expected {
            None => match self.inner.reference(name, new_id, false, log) {
                Ok(_) => Ok(()),
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
                    Ok(_) => Ok(()),
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
            index.write()?;
        }
        Ok(())
    }
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
