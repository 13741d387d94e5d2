//! Verdicts remembered by tree: a gatecheck is a pure function of a tree's bytes, the
//! build and the day (waivers expire), so the report for a tree already judged — by
//! `gate submit`, `merge` or a hook — is read back instead of recomputed. The key names
//! every input; a file that does not read back as the same key's report is ignored.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::gate::{self, Bar, Report};
use crate::git::Repo;
use crate::studio::{Studio, Tree, sha256_hex};

include!(concat!(env!("OUT_DIR"), "/build_id.rs"));

/// How many verdicts a repository keeps (the oldest go first).
const KEEP: usize = 256;

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    report: Report,
}

/// The cache key of a gatecheck: tree, build, day and the bars asked for.
pub fn key(tree: &str, today: &str, bars: &[Bar]) -> String {
    let bars: Vec<&str> = bars.iter().map(|b| b.name()).collect();
    sha256_hex(format!("{tree}\n{BUILD_ID}\n{today}\n{}", bars.join(",")).as_bytes())
}

fn dir(repo: &Repo) -> PathBuf {
    repo.git_dir().join("showrunner").join("verdicts")
}

/// The remembered report for a key, if there is a sound one.
pub fn load(repo: &Repo, key: &str) -> Option<Report> {
    let text = std::fs::read_to_string(dir(repo).join(format!("{key}.json"))).ok()?;
    let e: Entry = serde_json::from_str(&text).ok()?;
    (e.key == key).then_some(e.report)
}

/// Remembers a report (best effort: a cache that cannot be written is only slower).
pub fn store(repo: &Repo, key: &str, report: &Report) {
    let d = dir(repo);
    if std::fs::create_dir_all(&d).is_err() {
        return;
    }
    let Ok(text) = serde_json::to_string(&Entry {
        key: key.to_string(),
        report: report.clone(),
    }) else {
        return;
    };
    let tmp = d.join(format!(".{key}.{}.tmp", std::process::id()));
    if std::fs::write(&tmp, text).is_err()
        || std::fs::rename(&tmp, d.join(format!("{key}.json"))).is_err()
    {
        let _ = std::fs::remove_file(&tmp);
        return;
    }
    prune(&d, "json", KEEP);
}

/// The full gatecheck of a commit's tree (every bar): read back when this tree was
/// judged today by this build, else computed from the tree and remembered.
pub fn full_check(repo: &Repo, commit: &str) -> Result<Report, Error> {
    remembered(repo, commit, || {
        Ok(gate::check(&Studio::load(&Tree::new(repo, commit)?)?))
    })
}

/// [`full_check`] under a base's rules (a submission judged as its promotion will be).
pub fn full_check_under(
    repo: &Repo,
    commit: &str,
    rules: std::sync::Arc<crate::studio::rules::Rules>,
) -> Result<Report, Error> {
    let judged = format!("{}:{}", repo.tree_id(commit)?, rules.digest);
    let key = key(&judged, &gate::today(), &gate::BARS);
    if let Some(report) = load(repo, &key) {
        return Ok(report);
    }
    let mut studio = Studio::load(&Tree::new(repo, commit)?)?;
    studio.under(rules);
    let report = gate::check(&studio);
    store(repo, &key, &report);
    Ok(report)
}

/// [`full_check`] of a commit whose studio the caller has loaded already.
pub fn full_check_of(repo: &Repo, commit: &str, studio: &Studio) -> Result<Report, Error> {
    remembered(repo, commit, || Ok(gate::check(studio)))
}

fn remembered(
    repo: &Repo,
    commit: &str,
    judge: impl FnOnce() -> Result<Report, Error>,
) -> Result<Report, Error> {
    let key = key(&repo.tree_id(commit)?, &gate::today(), &gate::BARS);
    if let Some(report) = load(repo, &key) {
        return Ok(report);
    }
    let report = judge()?;
    store(repo, &key, &report);
    Ok(report)
}

pub(crate) use crate::git::prune_oldest as prune;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_changes_the_key() {
        let base = key("t1", "2026-11-26", &crate::gate::BARS);
        assert_eq!(base, key("t1", "2026-11-26", &crate::gate::BARS));
        assert_ne!(base, key("t2", "2026-11-26", &crate::gate::BARS));
        assert_ne!(base, key("t1", "2026-11-27", &crate::gate::BARS));
        assert_ne!(base, key("t1", "2026-11-26", &[Bar::Schema]));
        assert!(BUILD_ID.starts_with(env!("CARGO_PKG_VERSION")));
    }
}
