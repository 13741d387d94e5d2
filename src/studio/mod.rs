//! Opening a studio: its configuration, its paths, and the [`Source`]s it is read from
//! (a commit's tree or the work tree), both yielding the same [`Studio`].
//!
//! Loading parses every artifact once and keeps what could not be parsed as
//! [`Rejected`] files; judging any of it is the Gatekeeper's job, not this module's.

pub mod config;
pub mod edition;
pub mod plan;
pub mod playbook;
pub mod rules;
pub mod sample;

use std::path::{Path, PathBuf};

use crate::artifact::{self, Artifact, Kind, Place, Rejected};
use crate::error::Error;
use crate::git::Repo;
use crate::ids::CommitId;
pub use config::{Config, RequireTu};
pub use edition::{Edition, Stale};

/// Where a studio's files come from.
pub trait Source {
    /// Every studio file showrunner reads, as `(path, bytes)` sorted by path.
    fn files(&self) -> Result<Vec<(String, Vec<u8>)>, Error>;
    /// The same files, each read and sorted into its place by [`load_file`], on every
    /// core (reading a file can cost as much as parsing it), in path order.
    fn load_files(&self) -> Result<Vec<Loaded>, Error> {
        use rayon::prelude::*;
        Ok(self
            .files()?
            .into_par_iter()
            .map(|(path, bytes)| load_file(path, &bytes))
            .collect())
    }
    /// One file's bytes (for assets), `None` when it is not there.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Error>;
    /// A short human name for the source (`hot (3f2a1c9)`, `work tree`).
    fn describe(&self) -> String;
    /// Paths where an artifact (or a folder of them) would be that are not regular
    /// files: symbolic links, submodules. They are never read, and never silently.
    fn not_files(&self) -> Result<Vec<String>, Error> {
        Ok(Vec::new())
    }
    /// Which translations are stale: for each `(edition file, source file)` pair, the
    /// change to the source that the translation has not caught up with, found from the
    /// source's history. `None` when the source has no history to read (files in memory).
    fn stale(&self, pairs: &[(String, String)]) -> Result<Option<Vec<Option<Stale>>>, Error> {
        let _ = pairs;
        Ok(None)
    }
}

/// Whether a path that is not a regular file stands where showrunner reads: an
/// artifact's path, or a folder of them.
fn where_artifacts_are(path: &str) -> bool {
    wanted(path) || wanted(&format!("{path}/x.md")) || wanted(&format!("{path}/x.yaml"))
}

/// Whether showrunner reads a path at all: artifacts, and the authority table (for who
/// may grant waivers).
pub fn wanted(path: &str) -> bool {
    path == "authority.yaml" || !matches!(artifact::classify(path), Place::Ignored)
}

/// The tree of one commit, read from git objects (works in a bare repository).
pub struct Tree<'r> {
    repo: &'r Repo,
    rev: String,
    commit: CommitId,
}

impl<'r> Tree<'r> {
    /// Resolves `rev` in `repo`.
    pub fn new(repo: &'r Repo, rev: &str) -> Result<Self, Error> {
        let commit = repo.resolve_commit(rev)?;
        Ok(Tree {
            repo,
            rev: rev.to_string(),
            commit,
        })
    }

    /// The commit id being read.
    pub fn commit(&self) -> &str {
        &self.commit
    }
}

impl Source for Tree<'_> {
    fn files(&self) -> Result<Vec<(String, Vec<u8>)>, Error> {
        Ok(self.repo.tree_files(&self.commit, &wanted)?)
    }
    fn load_files(&self) -> Result<Vec<Loaded>, Error> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(8);
        Ok(self
            .repo
            .tree_files_map(&self.commit, &wanted, threads, &load_file)?)
    }
    fn not_files(&self) -> Result<Vec<String>, Error> {
        Ok(self
            .repo
            .tree_non_files(&self.commit, &where_artifacts_are)?)
    }
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Error> {
        Ok(self.repo.blob_at(&self.commit, path)?)
    }
    fn stale(&self, pairs: &[(String, String)]) -> Result<Option<Vec<Option<Stale>>>, Error> {
        Ok(Some(edition::stale_in_history(
            self.repo,
            &self.commit,
            pairs,
        )?))
    }
    fn describe(&self) -> String {
        format!(
            "{} ({})",
            self.rev,
            &self.commit[..self.commit.len().min(10)]
        )
    }
}

/// The files on disk under a studio root (what an editor or pre-commit sees).
pub struct WorkDir {
    root: PathBuf,
    /// Symbolic links met by the last walk ([`Source::not_files`]).
    links: std::cell::RefCell<Vec<String>>,
}

impl WorkDir {
    /// A work-tree source rooted at `root` (the folder holding `studio.toml`).
    pub fn new(root: &Path) -> Self {
        WorkDir {
            root: root.to_path_buf(),
            links: Default::default(),
        }
    }

    /// The studio root.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Source for WorkDir {
    fn files(&self) -> Result<Vec<(String, Vec<u8>)>, Error> {
        let mut out = Vec::new();
        let walker = walkdir::WalkDir::new(&self.root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || e.file_name() != ".git");
        for entry in walker {
            let entry = entry.map_err(|e| Error::Io {
                path: e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| self.root.clone()),
                source: std::io::Error::new(
                    e.io_error()
                        .map_or(std::io::ErrorKind::Other, std::io::Error::kind),
                    e.to_string(),
                ),
            })?;
            if !entry.file_type().is_file() {
                if entry.file_type().is_symlink()
                    && let Ok(rel) = entry.path().strip_prefix(&self.root)
                    && let Some(rel) = rel.to_str()
                {
                    let rel = rel.replace('\\', "/");
                    if where_artifacts_are(&rel) {
                        self.links.borrow_mut().push(rel);
                    }
                }
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                continue;
            };
            let Some(rel) = rel.to_str() else { continue };
            let rel = rel.replace('\\', "/");
            if wanted(&rel) {
                let bytes = std::fs::read(entry.path()).map_err(|e| Error::Io {
                    path: entry.path().to_path_buf(),
                    source: e,
                })?;
                out.push((rel, bytes));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
    fn not_files(&self) -> Result<Vec<String>, Error> {
        let mut links = self.links.borrow().clone();
        links.sort();
        Ok(links)
    }
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Error> {
        let full = self.root.join(path);
        match std::fs::read(&full) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) if full.is_dir() => Err(Error::Io {
                path: full,
                source: std::io::Error::new(e.kind(), format!("is a folder: {e}")),
            }),
            Err(e) => Err(Error::Io {
                path: full,
                source: e,
            }),
        }
    }
    fn describe(&self) -> String {
        "work tree".to_string()
    }
    fn stale(&self, pairs: &[(String, String)]) -> Result<Option<Vec<Option<Stale>>>, Error> {
        // A work tree outside git, or one without a commit yet, has no history to read.
        let Ok(repo) = Repo::discover(&self.root) else {
            return Ok(None);
        };
        let Some(head) = repo.head_commit()? else {
            return Ok(None);
        };
        // Paths are the studio's; the repository may hold it in a subfolder.
        let prefix = match (repo.workdir(), self.root.canonicalize()) {
            (Some(top), Ok(root)) => match top
                .canonicalize()
                .map(|t| root.strip_prefix(t).map(Path::to_path_buf))
            {
                Ok(Ok(rel)) => rel.to_string_lossy().replace('\\', "/"),
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        let full = |p: &str| match prefix.as_str() {
            "" => p.to_string(),
            pre => format!("{pre}/{p}"),
        };
        let in_repo: Vec<(String, String)> =
            pairs.iter().map(|(e, s)| (full(e), full(s))).collect();
        let mut found = edition::stale_in_history(&repo, &head, &in_repo)?;
        // What is not committed yet is newest of all: a translation being edited is
        // being caught up; a source edited since the last commit is ahead of it.
        let edited = |p: &str| -> Result<bool, Error> {
            let now = std::fs::read(self.root.join(p)).ok();
            let then = repo.entry_id(&head, &full(p))?;
            Ok(now.map(|b| crate::git::blob_id(&b)) != then)
        };
        for ((e, src), out) in pairs.iter().zip(found.iter_mut()) {
            if edited(e)? {
                *out = None;
            } else if edited(src)? {
                *out = Some(Stale {
                    path: e.clone(),
                    source: src.clone(),
                    changed_in: None,
                });
            }
        }
        Ok(Some(found))
    }
}

/// A loaded studio: every artifact parsed once, plus what could not be.
#[derive(Debug, Default)]
pub struct Studio {
    /// Parsed artifacts, sorted by path.
    pub artifacts: Vec<Artifact>,
    /// Files of a known kind that failed to parse.
    pub rejected: Vec<Rejected>,
    /// Files in artifact folders that are not artifacts, with the reason.
    pub unknown: Vec<(String, String)>,
    /// Studio schema overrides: kind, path and raw text.
    pub schema_overrides: Vec<(Kind, String, Vec<u8>)>,
    /// The studio configuration (defaults where `studio.toml` is silent or broken).
    pub config: Config,
    /// Assets the studio refers to (art and audio plans, the cover), with the SHA-256
    /// of the file, or `None` when it is missing.
    pub assets: std::collections::BTreeMap<String, Option<String>>,
    /// Roles that may grant waivers (`waive:` in `authority.yaml`, default the
    /// gatekeeper).
    pub waive_roles: Vec<String>,
    /// Paths where artifacts would be that are symbolic links or submodules, unread.
    pub not_files: Vec<String>,
    /// The base's rules this studio is judged under ([`Studio::under`]), if not its own.
    pub rules: Option<std::sync::Arc<rules::Rules>>,
    /// Language editions (`editions/<lang>/`), by language.
    pub editions: Vec<Edition>,
    /// Whether the editions' staleness was read from history (`false` for files in
    /// memory, which have none).
    pub editions_dated: bool,
}

impl Studio {
    /// Loads a studio from a source. Fails only when the source cannot be read or holds
    /// no `studio.toml`; broken artifacts are kept as [`Studio::rejected`].
    ///
    /// Files are parsed on the machine's other cores while this thread reads the next
    /// ones (inflating objects is as costly as parsing them), then on this one too.
    pub fn load(source: &dyn Source) -> Result<Studio, Error> {
        let mut studio = Studio::default();
        let mut authority = None;
        let mut has_config = false;
        let mut parsed = Vec::new();
        for loaded in source.load_files()? {
            match loaded {
                Loaded::Parsed(p) => {
                    has_config |= matches!(&p, Ok(a) if a.kind == Kind::Studio)
                        || matches!(&p, Err(r) if r.kind == Kind::Studio);
                    parsed.push(p);
                }
                Loaded::Override(kind, path, bytes) => {
                    studio.schema_overrides.push((kind, path, bytes))
                }
                Loaded::Unknown(path, why) => studio.unknown.push((path, why)),
                Loaded::Authority(bytes) => authority = Some(bytes),
                Loaded::Ignored => {}
            }
        }
        if !has_config {
            return Err(Error::NotAStudio {
                place: source.describe(),
            });
        }
        studio.waive_roles = rules::waive_roles(authority.as_deref());
        studio.take_parsed(parsed);
        studio.not_files = source.not_files()?;
        studio.date_editions(source)?;
        for path in studio.asset_refs() {
            let hash = match safe_asset_path(&path) {
                true => source.read(&path)?.map(|bytes| sha256_hex(&bytes)),
                false => None,
            };
            studio.assets.insert(path, hash);
        }
        Ok(studio)
    }

    /// Reads from the source's history which of the editions' translations are stale
    /// (nothing to read without editions, or from a source without history).
    pub fn date_editions(&mut self, source: &dyn Source) -> Result<(), Error> {
        if self.editions.is_empty() {
            return Ok(());
        }
        let pairs: Vec<(String, String)> = self.editions.iter().flat_map(|e| e.pairs()).collect();
        let Some(stale) = source.stale(&pairs)? else {
            return Ok(());
        };
        self.editions_dated = true;
        for e in &mut self.editions {
            e.stale.clear();
        }
        for s in stale.into_iter().flatten() {
            if let Some(e) = self
                .editions
                .iter_mut()
                .find(|e| s.path.starts_with(&e.folder()))
            {
                e.stale.push(s);
            }
        }
        Ok(())
    }

    /// Asset paths named by plans (`asset`), `[studio] cover`, and images in prose.
    pub fn asset_refs(&self) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        let images = memchr::memmem::Finder::new("](assets/");
        for a in &self.artifacts {
            match a.kind {
                Kind::Art | Kind::Audio => {
                    out.extend(plan::Plan::from_node(&a.data).asset.value.0);
                }
                Kind::Studio => out.extend(self.config.cover.clone()),
                Kind::Section | Kind::Codex => {
                    // Images in prose: `![alt](assets/…)`.
                    if let Some(body) = &a.body {
                        for i in images.find_iter(body.text.as_bytes()) {
                            let rest = &body.text[i + 2..];
                            let end = rest.find([')', ' ', '\n', '"']).unwrap_or(rest.len());
                            out.insert(rest[..end].to_string());
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Builds a studio from in-memory files (`path`, bytes).
    ///
    /// Parsing is spread over the machine's cores; the result does not depend on how.
    pub fn from_files(files: Vec<(String, Vec<u8>)>) -> Studio {
        let mut studio = Studio::default();
        let mut to_parse: Vec<(Kind, String, Vec<u8>)> = Vec::new();
        studio.waive_roles = rules::waive_roles(
            files
                .iter()
                .find(|(p, _)| p == "authority.yaml")
                .map(|(_, b)| b.as_slice()),
        );
        for (path, bytes) in files {
            match artifact::classify(&path) {
                Place::Artifact(kind) | Place::Edition(_, kind) => {
                    to_parse.push((kind, path, bytes))
                }
                Place::SchemaOverride(kind) => studio.schema_overrides.push((kind, path, bytes)),
                Place::Unknown(why) => studio.unknown.push((path, why)),
                Place::Ignored => {}
            }
        }
        studio.take_parsed(parse_all(&to_parse));
        studio
    }

    /// Files parsed: artifacts and rejected files in path order, and the configuration.
    fn take_parsed(&mut self, parsed: Vec<Result<Artifact, Rejected>>) {
        let studio = self;
        for parsed in parsed {
            match parsed {
                Ok(a) => match artifact::edition_source(&a.path) {
                    Some((lang, _)) => {
                        let lang = lang.to_string();
                        match studio.editions.iter_mut().find(|e| e.language == lang) {
                            Some(e) => e.artifacts.push(a),
                            None => studio.editions.push(Edition::new(lang, vec![a])),
                        }
                    }
                    None => studio.artifacts.push(a),
                },
                Err(r) => studio.rejected.push(r),
            }
        }
        studio.editions.sort_by(|a, b| a.language.cmp(&b.language));
        for e in &mut studio.editions {
            e.artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        }
        studio.artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        studio.rejected.sort_by(|a, b| a.path.cmp(&b.path));
        studio.config = studio
            .artifacts
            .iter()
            .find(|a| a.kind == Kind::Studio)
            .map(|a| Config::from_node(&a.data))
            .unwrap_or_default();
    }

    /// Artifacts of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Artifact> {
        self.artifacts.iter().filter(move |a| a.kind == kind)
    }

    /// The text of a file, for quoting its lines in diagnostics.
    pub fn text_of(&self, path: &str) -> Option<&str> {
        self.artifacts
            .iter()
            .chain(self.editions.iter().flat_map(|e| e.artifacts.iter()))
            .find(|a| a.path == path)
            .map(|a| a.text.as_str())
            .or_else(|| {
                self.rejected
                    .iter()
                    .find(|r| r.path == path)
                    .map(|r| r.text.as_str())
            })
    }
}

/// Asset paths stay inside `assets/`: no absolute paths, no `..`.
pub(crate) fn safe_asset_path(path: &str) -> bool {
    path.starts_with("assets/") && !path.split('/').any(|seg| seg == ".." || seg.is_empty())
}

/// Whether readers can see a file (what a snapshot's manifest lists and binding reads).
pub fn player_facing(path: &str) -> bool {
    matches!(path, "studio.toml" | "codewords.yaml" | "counters.yaml")
        || path.starts_with("assets/")
        || matches!(artifact::classify(path), artifact::Place::Artifact(k) if matches!(k, artifact::Kind::Section | artifact::Kind::Codex | artifact::Kind::Art | artifact::Kind::Audio))
        || matches!(artifact::classify(path), artifact::Place::Edition(..))
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One file of a source, read and sorted into its place.
pub enum Loaded {
    /// An artifact, parsed or rejected.
    Parsed(Result<Artifact, Rejected>),
    /// A studio schema override: kind, path and bytes.
    Override(Kind, String, Vec<u8>),
    /// A file in an artifact folder that is not an artifact, and why.
    Unknown(String, String),
    /// `authority.yaml`.
    Authority(Vec<u8>),
    /// Anything else.
    Ignored,
}

/// Sorts one file into its place, parsing it when it is an artifact.
pub fn load_file(path: String, bytes: &[u8]) -> Loaded {
    if path == "authority.yaml" {
        return Loaded::Authority(bytes.to_vec());
    }
    match artifact::classify(&path) {
        Place::Artifact(kind) | Place::Edition(_, kind) => {
            Loaded::Parsed(artifact::parse(kind, &path, bytes))
        }
        Place::SchemaOverride(kind) => Loaded::Override(kind, path, bytes.to_vec()),
        Place::Unknown(why) => Loaded::Unknown(path, why),
        Place::Ignored => Loaded::Ignored,
    }
}

/// Parses artifacts on all cores, keeping input order.
fn parse_all(files: &[(Kind, String, Vec<u8>)]) -> Vec<Result<Artifact, Rejected>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads < 2 || files.len() < 64 {
        return files
            .iter()
            .map(|(k, p, b)| artifact::parse(*k, p, b))
            .collect();
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(k, p, b)| artifact::parse(*k, p, b))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// Finds the studio root: the nearest folder at or above `start` holding `studio.toml`.
pub fn find_root(start: &Path) -> Result<PathBuf, Error> {
    let start = std::fs::canonicalize(start).map_err(|e| Error::Io {
        path: start.to_path_buf(),
        source: e,
    })?;
    let mut dir = Some(start.as_path());
    while let Some(d) = dir {
        if d.join("studio.toml").is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Err(Error::NotAStudio {
        place: start.display().to_string(),
    })
}
