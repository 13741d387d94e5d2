//! The session layer: one [`Session`] per command (and per hook run, per envelope
//! batch) owns the repository, the studio's settings read once, and the history
//! replayed once and kept while the branch tips stay where they were. Every workflow
//! that reads *and writes* git lives here; the modules below take loaded values.

pub mod bind;
pub mod cards;
pub mod cold;
pub mod conflict;
pub mod dispatch;
pub mod feedback;
pub mod history;
pub mod hooks;
pub mod import;
pub mod incremental;
pub mod init;
pub mod loops;
pub mod play;
pub mod playtest;
pub mod promote;
pub mod questions;
pub mod read;
pub mod report;
pub mod roster;
pub mod snapshot;
pub mod standup;
pub mod status;
pub mod submit;
pub mod tu;
pub mod verdicts;

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use crate::artifact::{self, Kind};
use crate::error::{Error, InputError};
use crate::git::Repo;
use crate::ids::RefName;
use crate::studio::Config;
use crate::trace::ledger::Ledger;
use history::History;

pub use tu::{
    ActiveFrom, Checkpoint, Detail, Lineage, OpenRequest, Opened, Recorded, Shown, Summary, short,
};

/// Settings from `studio.toml`'s bytes, when they parse.
fn config_of(bytes: Vec<u8>) -> Option<Config> {
    artifact::parse(Kind::Studio, "studio.toml", &bytes)
        .ok()
        .map(|a| Config::from_node(&a.data))
}

/// Settings from the `studio.toml` committed at `HEAD`.
fn committed_config(repo: &Repo) -> Option<Config> {
    let head = repo.head_commit().ok().flatten()?;
    repo.blob_at(&head, "studio.toml")
        .ok()
        .flatten()
        .and_then(config_of)
}

/// What a session read of history, and the tips it read it at.
struct Read {
    key: String,
    history: Rc<History>,
}

/// Frees a large value (a loaded studio: hundreds of thousands of small allocations) on
/// another thread, so the command's answer does not wait for it; a process that exits
/// first simply never frees it.
pub(crate) fn release<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("release".into())
        .spawn(move || drop(value));
}

/// The ledger of a session's history (shared, read once).
pub struct LedgerOf(Rc<History>);

impl std::ops::Deref for LedgerOf {
    type Target = Ledger;
    fn deref(&self) -> &Ledger {
        &self.0.ledger
    }
}

/// One command's view of a studio's repository.
pub struct Session {
    /// The repository.
    pub repo: Repo,
    /// The studio's settings (branch names, policies), read once.
    pub config: Config,
    /// History and the ledger replayed from it, for the tips they were read at.
    read: RefCell<Option<Read>>,
}

impl Session {
    /// Opens the studio repository that contains `dir`.
    pub fn discover(dir: &Path) -> Result<Session, Error> {
        Ok(Session::new(Repo::discover(dir)?))
    }

    /// The session of a server-side hook: the repository git's environment names
    /// (objects still in a push's quarantine included), else the one containing `dir`.
    pub fn for_server_hook(dir: &Path) -> Result<Session, Error> {
        let repo = match Repo::from_env() {
            Ok(r) => r,
            Err(_) => Repo::discover(dir)?,
        };
        Ok(Session::for_guard(repo))
    }

    /// A session over an open repository. The settings come from the work tree's
    /// `studio.toml`, else the one in `HEAD`'s tree, else the defaults.
    pub fn new(repo: Repo) -> Session {
        let config = repo
            .workdir()
            .and_then(|w| std::fs::read(w.join("studio.toml")).ok())
            .and_then(config_of)
            .or_else(|| committed_config(&repo))
            .unwrap_or_default();
        Session {
            repo,
            config,
            read: RefCell::new(None),
        }
    }

    /// The session of a guard (a hook judging a move of cold): never the work tree's
    /// settings, which an uncommitted edit could turn. The branch names are those
    /// `hooks install` recorded in the repository's git config (`showrunner.hot`,
    /// `showrunner.cold`), else `HEAD`'s committed `studio.toml`'s; the rest of the
    /// rules come from cold itself when the move is judged.
    pub fn for_guard(repo: Repo) -> Session {
        let mut config = committed_config(&repo).unwrap_or_default();
        if let Some(hot) = repo
            .config_value("showrunner.hot")
            .filter(|v| !v.is_empty())
        {
            config.hot = hot;
        }
        if let Some(cold) = repo
            .config_value("showrunner.cold")
            .filter(|v| !v.is_empty())
        {
            config.cold = cold;
        }
        Session {
            repo,
            config,
            read: RefCell::new(None),
        }
    }

    /// Hot's full ref name (`refs/heads/<[branches] hot>`).
    pub fn hot_ref(&self) -> RefName {
        RefName::branch(&self.config.hot)
    }

    /// Cold's full ref name (`refs/heads/<[branches] cold>`).
    pub fn cold_ref(&self) -> RefName {
        RefName::branch(&self.config.cold)
    }

    /// The studio's own `templates/<name>` on hot, which replaces the embedded template
    /// of that name (`None` when hot has none).
    pub fn hot_template(&self, name: &str) -> Result<Option<String>, Error> {
        let Some(hot) = self.repo.ref_target(&self.hot_ref())? else {
            return Ok(None);
        };
        self.repo
            .blob_at(&hot, &format!("templates/{name}"))?
            .map(|b| {
                String::from_utf8(b).map_err(|_| {
                    InputError::NotUtf8 {
                        path: format!("templates/{name}"),
                        on: Some("hot".into()),
                    }
                    .into()
                })
            })
            .transpose()
    }

    /// The studio's history (hot, cold and `tu/*`): read once per session while the
    /// tips stay where they were (a write of this session moves a tip, and the next
    /// call reads again), from the on-disk [`history::Cache`] when it holds these tips,
    /// else walked and cached.
    pub fn history(&self) -> Result<Rc<History>, Error> {
        let key = self.tips_key()?;
        self.history_at(&key, true)
    }

    /// [`Session::history`] for a key already computed; `store`: whether a walk writes
    /// the on-disk cache (the TU list writes it itself, with the list).
    fn history_at(&self, key: &str, store: bool) -> Result<Rc<History>, Error> {
        if let Some(r) = self.read.borrow().as_ref()
            && r.key == key
        {
            return Ok(Rc::clone(&r.history));
        }
        let cache = history::Cache::at(self.repo.git_dir());
        let mut cached = cache.history(key);
        if cached.is_none() && store {
            // Hot moved forward since the cache was written: carried, then read back.
            let tips = self.tips()?;
            if self.carry_forward(&cache, &tips, key)?.is_some() {
                cached = cache.history(key);
            }
        }
        let h = match cached {
            Some(h) => h,
            None => {
                let tips = self.tips()?;
                let h = History::read(&self.repo, &self.config.hot, &self.config.cold)?;
                if store {
                    cache.store(key, &tips, &h, None);
                }
                h
            }
        };
        let h = Rc::new(h);
        *self.read.borrow_mut() = Some(Read {
            key: key.to_string(),
            history: Rc::clone(&h),
        });
        Ok(h)
    }

    /// The TU ledger replayed from [`Session::history`].
    pub fn ledger(&self) -> Result<LedgerOf, Error> {
        Ok(LedgerOf(self.history()?))
    }
}
