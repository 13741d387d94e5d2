//! Reads for commands that only look: a studio at a revision, a committed gate report,
//! and what `dispatch` matches a request against.

use super::Session;
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

/// What the request is matched against: the hot tree's sections, codex entries, hooks
/// (with the loops triaged ones wait for) and snapshots; and the studio's own playbooks.
pub fn catalogue(ws: &Session) -> Result<(Catalogue, Files), Error> {
    let repo = &ws.repo;
    let hot = repo.resolve_commit(&ws.config.hot)?;
    let (playbooks, files): (Files, Files) = repo
        .tree_files(&hot, &|p| {
            p.starts_with("sections/")
                || p.starts_with("codex/")
                || p.starts_with("hooks/")
                || p.starts_with("playbooks/")
        })?
        .into_iter()
        .partition(|(p, _)| p.starts_with("playbooks/"));
    let mut cat = Catalogue::from_files(&files);
    cat.snapshots = super::snapshot::list(repo)?
        .into_iter()
        .map(|s| s.name)
        .collect();
    Ok((cat, playbooks))
}
