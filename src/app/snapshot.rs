//! Snapshots: annotated tags on cold whose message carries the manifest of the
//! player-facing files (path, SHA-256, size) and the TUs merged since the previous
//! snapshot (the record format is [`crate::trace::snapshot`]'s). A snapshot is what
//! binding reads; `show` re-verifies the manifest.

use std::collections::BTreeSet;

use crate::app::Session;
use crate::artifact;
use crate::date;
use crate::error::{Error, SnapshotError};
use crate::gate::{Decision, Report};
use crate::git::{Repo, Tag};
use crate::ids::CommitId;
use crate::studio::player_facing;
use crate::studio::{Studio, Tree, sha256_hex};
use crate::trace::brief::Brief;
use crate::trace::snapshot::{Entry, MARK, Snapshot, parse};
use crate::trace::trailers;

fn manifest(repo: &Repo, commit: &str) -> Result<Vec<Entry>, Error> {
    Ok(repo
        .tree_files(commit, &player_facing)?
        .into_iter()
        .map(|(path, bytes)| Entry {
            sha256: sha256_hex(&bytes),
            size: bytes.len(),
            path,
        })
        .collect())
}

/// Snapshot tags whose commits cold reaches, newest last.
fn on_cold(repo: &Repo, cold: &str) -> Result<Vec<(String, CommitId)>, Error> {
    let mut out = Vec::new();
    for Tag {
        name,
        commit,
        message,
    } in repo.tags()?
    {
        let marked = message
            .as_deref()
            .is_some_and(|m| trailers::first(&trailers::parse(m), MARK).is_some());
        if marked && repo.is_ancestor(&commit, cold)? {
            out.push((name, commit));
        }
    }
    Ok(out)
}

/// The latest snapshot on cold: the one no other snapshot on cold descends from.
fn latest(repo: &Repo, tags: &[(String, CommitId)]) -> Result<Option<(String, CommitId)>, Error> {
    let mut best: Option<(String, CommitId)> = None;
    for (name, commit) in tags {
        best = match best {
            None => Some((name.clone(), commit.clone())),
            Some((bn, bc)) => {
                if bc != *commit && repo.is_ancestor(&bc, commit)? || (bc == *commit && *name > bn)
                {
                    Some((name.clone(), commit.clone()))
                } else {
                    Some((bn, bc))
                }
            }
        };
    }
    Ok(best)
}

/// What `snapshot` did.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The tag was made.
    Made(Snapshot),
    /// Cold's tip does not pass the gatecheck.
    Refused(Box<Report>),
}

/// Tags cold's tip as a snapshot (`cold-YYYY-MM-DD`, then `.2`, `.3` the same day, or
/// `name`), after a passing gatecheck of that exact tree.
pub fn create(ws: &Session, name: Option<&str>, note: Option<&str>) -> Result<Outcome, Error> {
    let repo = &ws.repo;
    let cold_ref = ws.cold_ref();
    let cold = repo.ref_target(&cold_ref)?.ok_or_else(|| {
        Error::Git(crate::git::GitError::RevNotFound {
            rev: ws.config.cold.clone(),
        })
    })?;
    let studio = Studio::load(&Tree::new(repo, &cold)?)?;
    // Remembered by tree, so binding the snapshot reads this verdict back.
    let report = super::verdicts::full_check_of(repo, &cold, &studio)?;
    if report.decision == Decision::Block {
        return Ok(Outcome::Refused(Box::new(report)));
    }
    let who = repo.identity();
    let existing: BTreeSet<String> = repo.tags()?.into_iter().map(|t| t.name).collect();
    let name = match name {
        Some(n) => n.to_string(),
        None => {
            let base = format!("{}-{}", ws.config.cold, date::ymd(who.time, who.offset));
            (1..)
                .map(|i| {
                    if i == 1 {
                        base.clone()
                    } else {
                        format!("{base}.{i}")
                    }
                })
                .find(|n| !existing.contains(n))
                .unwrap_or(base)
        }
    };
    let earlier = on_cold(repo, &cold)?;
    let previous = latest(repo, &earlier)?;
    let hide: Vec<CommitId> = previous.iter().map(|(_, c)| c.clone()).collect();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for c in super::history::range(repo, std::slice::from_ref(&cold), &hide)? {
        ids.extend(c.values("TU").map(str::to_string));
    }
    let tus: Vec<(String, String)> = ids
        .into_iter()
        .map(|id| {
            let title = studio
                .artifacts
                .iter()
                .find(|a| a.kind == artifact::Kind::Tu && artifact::stem(&a.path) == id)
                .and_then(|a| Brief::from_node(&a.data).title)
                .unwrap_or_default();
            (id, title)
        })
        .collect();
    let files = manifest(repo, &cold)?;
    let mut message = format!("Snapshot {name} of \"{}\"\n\n", studio.config.title);
    if let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) {
        message.push_str(&format!("{n}\n\n"));
    }
    message.push_str(&format!(
        "Player-facing files ({}), SHA-256 and size:\n",
        files.len()
    ));
    for f in &files {
        message.push_str(&format!("{}  {:>8}  {}\n", f.sha256, f.size, f.path));
    }
    message.push('\n');
    match &previous {
        Some((p, _)) => message.push_str(&format!("TUs merged since {p} ({}):\n", tus.len())),
        None => message.push_str(&format!("TUs merged so far ({}):\n", tus.len())),
    }
    for (id, title) in &tus {
        message.push_str(&format!("{id}  {title}\n"));
    }
    let mut t: Vec<(&str, &str)> = vec![(MARK, "1"), ("Cold", &cold)];
    if let Some((p, _)) = &previous {
        t.push(("Previous", p));
    }
    let message = trailers::append(&message, &t);
    repo.create_tag(&name, &cold, &message, &who)?;
    Ok(Outcome::Made(Snapshot {
        name,
        commit: cold,
        files,
        tus,
        previous: previous.map(|(p, _)| p),
    }))
}

/// Every snapshot tag in the repository, oldest name first.
pub fn list(repo: &Repo) -> Result<Vec<Snapshot>, Error> {
    Ok(repo
        .tags()?
        .into_iter()
        .filter_map(|t| {
            let m = t.message?;
            trailers::first(&trailers::parse(&m), MARK)?;
            Some(parse(&t.name, &t.commit, &m))
        })
        .collect())
}

/// The newest snapshot by tagger time (ties: the later name), if any.
pub fn newest(repo: &Repo) -> Result<Option<Snapshot>, Error> {
    let mut best: Option<(i64, Snapshot)> = None;
    for s in list(repo)? {
        let t = repo.tag_time(&s.name)?.map_or(0, |w| w.time);
        if best.as_ref().is_none_or(|(bt, _)| t >= *bt) {
            best = Some((t, s));
        }
    }
    Ok(best.map(|(_, s)| s))
}

/// A manifest checked against the tagged tree.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Verification {
    /// Files whose hash or size differs: (path, recorded, actual).
    pub changed: Vec<(String, String, String)>,
    /// Files in the manifest but not in the tree.
    pub missing: Vec<String>,
    /// Player-facing files in the tree but not in the manifest.
    pub unlisted: Vec<String>,
}

impl Verification {
    /// Whether the tree matches the manifest exactly.
    pub fn ok(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.unlisted.is_empty()
    }
}

/// A snapshot and the verification of its manifest against its tree.
pub fn show(repo: &Repo, name: &str) -> Result<(Snapshot, Verification), Error> {
    let Tag {
        commit, message, ..
    } = repo
        .tags()?
        .into_iter()
        .find(|t| t.name == name)
        .ok_or_else(|| SnapshotError::NoTag {
            name: name.to_string(),
        })?;
    let message = message
        .filter(|m| trailers::first(&trailers::parse(m), MARK).is_some())
        .ok_or_else(|| SnapshotError::NotMarked {
            name: name.to_string(),
            trailer: MARK,
        })?;
    let snap = parse(name, &commit, &message);
    let actual = manifest(repo, &commit)?;
    let mut v = Verification::default();
    for e in &snap.files {
        match actual.iter().find(|a| a.path == e.path) {
            None => v.missing.push(e.path.clone()),
            Some(a) if a.sha256 != e.sha256 || a.size != e.size => {
                v.changed
                    .push((e.path.clone(), e.sha256.clone(), a.sha256.clone()))
            }
            Some(_) => {}
        }
    }
    for a in &actual {
        if !snap.files.iter().any(|e| e.path == a.path) {
            v.unlisted.push(a.path.clone());
        }
    }
    Ok((snap, v))
}
