//! Reading history: the walks that replay the TU ledger from the studio's branches.

use std::collections::HashSet;

use crate::error::Error;
use crate::git::Repo;
use crate::trace::ledger::{Ledger, might_name_a_tu};

/// Replays every commit reachable from the hot, cold and `tu/*` branches that exist.
pub fn ledger(repo: &Repo, hot: &str, cold: &str) -> Result<Ledger, Error> {
    let mut tips: Vec<String> = Vec::new();
    if let Some(h) = repo.ref_target(&format!("refs/heads/{hot}"))? {
        tips.push(h);
    }
    for (_, tip) in repo.branches("tu/")? {
        tips.push(tip);
    }
    let cold_tip = repo.ref_target(&format!("refs/heads/{cold}"))?;
    ledger_at(repo, tips, cold_tip)
}

/// Replays every commit reachable from `tips` and from `cold_tip`; a commit is "on
/// cold" when `cold_tip` reaches it.
pub fn ledger_at(
    repo: &Repo,
    mut tips: Vec<String>,
    cold_tip: Option<String>,
) -> Result<Ledger, Error> {
    let not_on_cold: HashSet<String> = match &cold_tip {
        Some(c) => repo
            .rev_list(&tips, std::slice::from_ref(c))?
            .into_iter()
            .collect(),
        None => repo.rev_list(&tips, &[])?.into_iter().collect(),
    };
    if let Some(c) = &cold_tip {
        tips.push(c.clone());
    }
    let mut ledger = Ledger::default();
    if tips.is_empty() {
        return Ok(ledger);
    }
    let mut seq = 0usize;
    repo.walk(&tips, &[], &might_name_a_tu, &mut |c| {
        seq += 1;
        ledger.add(
            &c.id,
            c.time,
            &c.author,
            &c.message,
            seq,
            !not_on_cold.contains(&c.id),
        );
        true
    })?;
    Ok(ledger)
}
