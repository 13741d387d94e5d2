//! The only module that talks to git (through `git2`): open repositories, read trees and
//! blobs, write commits with expected parents, and compare-and-swap refs.
//!
//! Everything outside sees plain Rust values (hex ids, paths, bytes), which keeps the bars
//! and the binder testable without a repository. Split by concern: opening (here),
//! [`read`] (objects, refs, tags), [`history`] (walks), [`write`] (commits, tags, CAS),
//! [`notes`] and [`worktree`].

use std::path::{Path, PathBuf};

use git2::{ErrorCode, Oid, Repository, RepositoryInitOptions};

pub mod history;
pub mod notes;
pub mod read;
pub mod signature;
pub mod worktree;
pub mod write;

pub use history::{CommitInfo, Meeting, ReflogEntry};
pub use read::{Branch, Tag, TreeChange, When};
pub use write::parse_git_date;

/// The id git gives a blob of these bytes (what a tree would record for the file).
pub fn blob_id(bytes: &[u8]) -> String {
    git2::Oid::hash_object(git2::ObjectType::Blob, bytes)
        .map(|o| o.to_string())
        .unwrap_or_default()
}

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
    /// Another git process holds the index's lock, or one that was killed left it.
    #[error("the index is locked: {} exists", path.display())]
    IndexLocked {
        /// The lock file.
        path: PathBuf,
    },
    /// The index has unresolved conflicts.
    #[error("the index has unresolved merge conflicts")]
    Conflicts,
    /// Anything else libgit2 reports, kept whole (its class and code say what failed).
    #[error("git: {}", .0.message())]
    Lib(#[from] git2::Error),
    /// Anything else this module refuses (an object of the wrong kind, no work tree, …).
    #[error("git: {0}")]
    Other(String),
}

type Result<T> = std::result::Result<T, GitError>;

/// An open repository.
pub struct Repo {
    inner: Repository,
    /// Whether the repository was found from git's environment (a hook's view, with a
    /// push's quarantined objects): another handle must be opened the same way.
    from_env: bool,
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
            .map(|inner| Repo {
                inner,
                from_env: false,
            })
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
            from_env: true,
        })
    }

    /// Another handle on the same repository and objects, for reading on another
    /// thread (a handle is not shared between threads).
    pub fn reopen(&self) -> Result<Repo> {
        let inner = if self.from_env {
            Repository::open_from_env()?
        } else {
            Repository::open(self.inner.path())?
        };
        Ok(Repo {
            inner,
            from_env: self.from_env,
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
            Ok(inner) => Ok((
                Repo {
                    inner,
                    from_env: false,
                },
                false,
            )),
            Err(e) if e.code() == ErrorCode::NotFound => {
                let mut opts = RepositoryInitOptions::new();
                opts.initial_head(initial);
                let inner = Repository::init_opts(dir, &opts)?;
                Ok((
                    Repo {
                        inner,
                        from_env: false,
                    },
                    true,
                ))
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
}

impl Repo {
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

    /// Whether the repository has no work tree.
    pub fn is_bare(&self) -> bool {
        self.inner.is_bare()
    }
}

/// Keeps the `keep` newest files with extension `ext` in `d` (best effort).
pub fn prune_oldest(d: &std::path::Path, ext: &str, keep: usize) {
    let Ok(entries) = std::fs::read_dir(d) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == ext))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() <= keep {
        return;
    }
    files.sort();
    for (_, p) in &files[..files.len() - keep] {
        let _ = std::fs::remove_file(p);
    }
}
