//! Reads for commands that only look: a studio at a revision, a committed gate report,
//! and what `dispatch` matches a request against.

use serde::Deserialize;

use super::Session;
use crate::artifact::{self, Kind, de};
use crate::error::{Error, GateError};
use crate::orchestra::dispatch::Catalogue;
use crate::studio::{Source, Studio, Tree};

/// Files of a tree: path and bytes.
pub type Files = Vec<(String, Vec<u8>)>;

/// The studio in the tree of `rev` (default hot), and how to name that tree
/// (`hot (3f2a1c9…)`).
pub fn studio_at(ws: &Session, rev: Option<&str>) -> Result<(Studio, String), Error> {
    let rev = rev.unwrap_or(&ws.config.hot);
    let tree = Tree::new(&ws.repo, rev)?;
    Ok((Studio::load(&tree)?, tree.describe()))
}

/// A committed gate report `gate/<id>.yaml` on hot: its path and bytes.
pub fn gate_report(ws: &Session, id: &str) -> Result<(String, Vec<u8>), Error> {
    let hot = &ws.config.hot;
    let tip = ws.repo.resolve_commit(hot)?;
    let path = format!("gate/{id}.yaml");
    let bytes = ws
        .repo
        .blob_at(&tip, &path)?
        .ok_or_else(|| GateError::NoReport {
            id: id.to_string(),
            branch: hot.clone(),
            path: path.clone(),
        })?;
    Ok((path, bytes))
}

/// What the catalogue reads of a section, a codex entry or a hook card; a mistyped field
/// reads as absent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Listed {
    #[serde(deserialize_with = "de::lenient")]
    title: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    status: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    next_loop: Option<String>,
}

/// What the request is matched against: the hot tree's sections, codex entries, hooks
/// (with the loops triaged ones wait for) and snapshots; and the studio's own playbooks.
pub fn catalogue(ws: &Session) -> Result<(Catalogue, Files), Error> {
    let repo = &ws.repo;
    let hot = repo.resolve_commit(&ws.config.hot)?;
    let files = repo.tree_files(&hot, &|p| {
        p.starts_with("sections/")
            || p.starts_with("codex/")
            || p.starts_with("hooks/")
            || p.starts_with("playbooks/")
    })?;
    let mut cat = Catalogue::default();
    let mut studio_playbooks = Vec::new();
    for (path, bytes) in files {
        let title = |k| {
            artifact::parse(k, &path, &bytes)
                .ok()
                .and_then(|a| de::from_node::<Listed>(&a.data).ok())
                .and_then(|l| l.title)
                .unwrap_or_default()
        };
        let id = artifact::stem(&path).to_string();
        if path.starts_with("sections/") {
            cat.sections.push((id, title(Kind::Section)));
        } else if path.starts_with("codex/") {
            cat.codex.push((id, title(Kind::Codex)));
        } else if path.starts_with("hooks/") {
            // A triaged hook waits for the loop its card names; a proposed one's
            // `next_loop` is only a suggestion.
            if let Ok(a) = artifact::parse(Kind::Hook, &path, &bytes)
                && let Ok(card) = de::from_node::<Listed>(&a.data)
                && matches!(card.status.as_deref(), Some("accepted" | "in-progress"))
                && let Some(next) = card.next_loop
            {
                cat.hook_loops.push((id.clone(), next));
            }
            cat.hooks.push(id);
        } else {
            studio_playbooks.push((path, bytes));
        }
    }
    cat.snapshots = super::snapshot::list(repo)?
        .into_iter()
        .map(|s| s.name)
        .collect();
    Ok((cat, studio_playbooks))
}
