//! Language editions (`editions/<lang>/`): a folder per language that mirrors the
//! studio's layout for the kinds readers see, each file keeping its source's ids,
//! choices, targets and gates and translating only its reader-facing text.
//!
//! What is here is the editions as loaded, and when a translation is stale: its source
//! changed, in history, after the translation last did. Judging an edition against its
//! source is the Gatekeeper's (`gate::editions`); reading one into a book is binding's.

use crate::artifact::{self, Artifact, Kind};
use crate::error::Error;
use crate::git::Repo;

/// One language edition.
#[derive(Clone, Debug, Default)]
pub struct Edition {
    /// Its language (BCP 47), the name of its folder.
    pub language: String,
    /// Its files, parsed, by path (`editions/<lang>/…`).
    pub artifacts: Vec<Artifact>,
    /// Translations whose source changed after they last did (when history was read).
    pub stale: Vec<Stale>,
}

/// A translation behind its source.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stale {
    /// The edition's file.
    pub path: String,
    /// The source file it translates.
    pub source: String,
    /// The commit that changed the source after the translation last changed (`None`:
    /// the source is edited in the work tree and not committed yet).
    pub changed_in: Option<String>,
}

impl Edition {
    /// An edition of `language` holding `artifacts`.
    pub fn new(language: String, artifacts: Vec<Artifact>) -> Edition {
        Edition {
            language,
            artifacts,
            stale: Vec::new(),
        }
    }

    /// The folder the edition lives in (`editions/fr/`).
    pub fn folder(&self) -> String {
        format!("editions/{}/", self.language)
    }

    /// The source file an edition file translates (`editions/fr/sections/a.md` →
    /// `sections/a.md`); `None` for the edition's own `edition.yaml`.
    pub fn source_of(a: &Artifact) -> Option<&str> {
        if a.kind == Kind::Edition {
            return None;
        }
        artifact::edition_source(&a.path).map(|(_, src)| src)
    }

    /// Every `(edition file, source file)` pair, for the staleness walk.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.artifacts
            .iter()
            .filter_map(|a| Some((a.path.clone(), Edition::source_of(a)?.to_string())))
            .collect()
    }

    /// The edition's translation of a source file, if it has one.
    pub fn translation_of(&self, source: &str) -> Option<&Artifact> {
        let path = format!("{}{source}", self.folder());
        self.artifacts
            .binary_search_by(|a| a.path.as_str().cmp(&path))
            .ok()
            .map(|i| &self.artifacts[i])
    }

    /// Its `edition.yaml`, when it has one.
    pub fn settings(&self) -> Option<&Artifact> {
        self.artifacts.iter().find(|a| a.kind == Kind::Edition)
    }

    /// The edition's title (`edition.yaml`'s `title`), when it gives one.
    pub fn title(&self) -> Option<&str> {
        self.settings()?.data.str_at("title")
    }

    /// Whether a translation of `source` is stale.
    pub fn stale_entry(&self, source: &str) -> Option<&Stale> {
        self.stale.iter().find(|s| s.source == source)
    }
}

/// How many commits' staleness answers a repository keeps (the oldest go first).
const KEEP_ANSWERS: usize = 16;

/// Which translations are stale in the history of `commit`: walking its first-parent
/// chain newest first, a pair is decided at the first commit that changed either file —
/// fresh when that commit changed the translation (alone or with its source), stale
/// when it changed only the source. The walk stops once every pair is decided, so it
/// reads only as far back as the oldest translation still current.
///
/// A walk that reaches a commit whose answer is remembered (under
/// `.git/showrunner/stale/`, from an earlier walk) takes that answer for the pairs it
/// holds and stops there: after the first walk over a long history, the next one reads
/// only the commits made since (see BENCHMARKS.md).
pub fn stale_in_history(
    repo: &Repo,
    commit: &str,
    pairs: &[(String, String)],
) -> Result<Vec<Option<Stale>>, Error> {
    let dir = repo.git_dir().join("showrunner").join("stale");
    let remembered: std::collections::BTreeSet<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(|n| n.strip_suffix(".json"))
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut paths: Vec<String> = Vec::new();
    let index = |p: &str, paths: &mut Vec<String>| match paths.iter().position(|q| q == p) {
        Some(i) => i,
        None => {
            paths.push(p.to_string());
            paths.len() - 1
        }
    };
    let ids: Vec<(usize, usize)> = pairs
        .iter()
        .map(|(e, s)| (index(e, &mut paths), index(s, &mut paths)))
        .collect();
    let mut out: Vec<Option<Stale>> = vec![None; pairs.len()];
    let mut pending: Vec<usize> = (0..pairs.len()).collect();
    repo.first_parent_changes(commit, &paths, &mut |id, changed| {
        if remembered.contains(id)
            && let Some(known) = recall(&dir, id)
        {
            pending.retain(|&k| match known.get(&pairs[k]) {
                Some(answer) => {
                    out[k] = answer.clone();
                    false
                }
                None => true,
            });
            if pending.is_empty() {
                return false;
            }
        }
        pending.retain(|&k| {
            let (e, s) = ids[k];
            if changed.contains(&e) {
                false
            } else if changed.contains(&s) {
                out[k] = Some(Stale {
                    path: pairs[k].0.clone(),
                    source: pairs[k].1.clone(),
                    changed_in: Some(id.to_string()),
                });
                false
            } else {
                true
            }
        });
        !pending.is_empty()
    })?;
    remember(&dir, commit, pairs, &out);
    Ok(out)
}

/// A remembered answer: each pair's staleness at a commit.
type Answer = Vec<((String, String), Option<Stale>)>;

fn recall(
    dir: &std::path::Path,
    commit: &str,
) -> Option<std::collections::BTreeMap<(String, String), Option<Stale>>> {
    let bytes = std::fs::read(dir.join(format!("{commit}.json"))).ok()?;
    let answer: Answer = serde_json::from_slice(&bytes).ok()?;
    Some(answer.into_iter().collect())
}

/// Keeps the answer for `commit` (best effort: one that cannot be written only makes
/// the next walk longer).
fn remember(
    dir: &std::path::Path,
    commit: &str,
    pairs: &[(String, String)],
    out: &[Option<Stale>],
) {
    let answer: Answer = pairs.iter().cloned().zip(out.iter().cloned()).collect();
    let Ok(bytes) = serde_json::to_vec(&answer) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(".{commit}.{}.tmp", std::process::id()));
    if std::fs::write(&tmp, bytes).is_err()
        || std::fs::rename(&tmp, dir.join(format!("{commit}.json"))).is_err()
    {
        let _ = std::fs::remove_file(&tmp);
        return;
    }
    crate::git::prune_oldest(dir, "json", KEEP_ANSWERS);
}
