//! Promotion, the merge queue: cold moves one submitted TU at a time. The candidate is
//! cold plus that TU's changes; its exact tree is gatechecked (with traceability), and
//! cold fast-forwards to it by compare-and-swap. Unfinished, deferred, rejected and
//! closed-unsubmitted TUs are simply not in the queue, so they block nobody.
//!
//! How a TU's changes are taken: hot's first-parent line from cold to its tip is cut
//! into units, one per commit (a forge's merge of a `tu/` branch is one unit: its change
//! against its first parent). A TU's units, with the process records (question batches,
//! feedback, roster changes) that come before its last one, are replayed onto cold in
//! hot's order, as three-way merges of trees (what `git cherry-pick` does). When the
//! result is exactly the tree of the TU's last commit and the range up to it is all
//! traced, cold fast-forwards to hot's own commit (the everyday case: nothing is
//! rewritten). Otherwise one promotion commit on cold carries the change: it names the
//! TU (`TU:`) and every commit it carries (`Promoted-From:`), which the ledger counts as
//! on cold.
//!
//! Hot is then brought up to date first, cold second: a commit on hot joins cold's new
//! tip (`Cold-Sync:`, hot's own tree, so nothing in the work tree changes), and only
//! then does cold move, so cold is an ancestor of hot at every step, as the hooks
//! require.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::Session;
use super::cold::{self, COLD_SYNC, Verdict};
use super::history::{self, History};
use crate::error::{ColdError, Error};
use crate::gate::{Decision, Finding};
use crate::git::Repo;
use crate::ids::{CommitId, Expect, TreeId};
use crate::trace::ledger::{Ledger, PROMOTED_FROM, TuRecord};
use crate::trace::lifecycle::{Event, State};
use crate::trace::trailers;

/// Options of the queue.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Promote this TU only.
    pub tu: Option<String>,
    /// Judge everything, move nothing.
    pub dry_run: bool,
    /// Promote on a conditional verdict.
    pub accept_conditional: bool,
}

/// A TU the queue promoted.
#[derive(Clone, Debug)]
pub struct Promoted {
    /// The TU.
    pub tu: String,
    /// Cold's commit after it.
    pub commit: CommitId,
    /// Whether cold fast-forwarded to hot's own commit (else a promotion commit).
    pub same_commit: bool,
    /// The verdict on its candidate.
    pub verdict: Box<Verdict>,
}

/// A submitted TU the queue could not promote.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    /// The TU.
    pub tu: String,
    /// Why, in a sentence.
    pub reason: String,
    /// The findings that refused its candidate (blocking first).
    pub findings: Vec<Finding>,
    /// The state it went back to (`stabilizing`), when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_to: Option<State>,
}

/// What a run of the queue did.
#[derive(Clone, Debug)]
pub struct Queue {
    /// Cold before.
    pub from: CommitId,
    /// Cold after (in a dry run: where it would be).
    pub cold: CommitId,
    /// Promoted TUs, in order.
    pub promoted: Vec<Promoted>,
    /// Submitted TUs that were not promoted.
    pub skipped: Vec<Skipped>,
    /// TUs with work on hot that are not in the queue (not submitted), for the summary.
    pub waiting: Vec<String>,
    /// Process records (question batches, feedback, roster changes) cold took with no
    /// TU after them: hot's own commits, fast-forwarded to.
    pub records: Vec<CommitId>,
    /// Commits on hot that name no TU and are no process record: never promoted.
    pub untraced: Vec<(CommitId, String)>,
    /// The commit that brought hot up to date, when one was needed.
    pub hot_sync: Option<CommitId>,
    /// Whether nothing was written.
    pub dry_run: bool,
    /// Loops the promoted TUs' playbooks hand off to.
    pub next_loops: Vec<String>,
}

/// One commit of hot's first-parent line not yet on cold.
struct Unit {
    commit: history::Commit,
    /// TUs it belongs to (its `TU:` trailers; for a forge's merge, the branch's TU or
    /// its commits' TUs).
    tus: Vec<String>,
    /// A process record (traced by its own trailer).
    record: bool,
    /// The commit and, for a merge, the commits it brings in: what a promotion commit
    /// names as carried.
    carries: Vec<CommitId>,
}

/// Hot's first-parent line from cold (exclusive) to `tip`, oldest first, without what
/// is already promoted and without the commits that only brought hot up to date.
fn units(repo: &Repo, cold: &CommitId, tip: &CommitId, h: &History) -> Result<Vec<Unit>, Error> {
    let range = history::range(repo, &[tip], &[cold])?;
    let by_id: HashMap<&CommitId, &history::Commit> = range.iter().map(|c| (&c.id, c)).collect();
    let mut line = Vec::new();
    let mut at = Some(tip);
    while let Some(c) = at.and_then(|id| by_id.get(id)) {
        line.push(*c);
        at = c.parents.first();
    }
    line.reverse();
    let mut out = Vec::new();
    for c in line {
        if h.promoted(&c.id) {
            continue;
        }
        if c.first(COLD_SYNC).is_some() && repo.changed_paths(&c.id)?.is_empty() {
            continue;
        }
        let mut carries = vec![c.id.clone()];
        let mut tus: Vec<String> = c.values("TU").map(str::to_string).collect();
        if c.parents.len() > 1 {
            let mut hide = vec![c.parents[0].clone()];
            hide.push(cold.clone());
            let side = history::ids(repo, &c.parents[1..], &hide)?;
            if tus.is_empty() {
                if let Some(t) = cold::forge_merge_tu(&c.message) {
                    tus.push(t);
                } else {
                    let named: BTreeSet<String> = side
                        .iter()
                        .filter_map(|id| by_id.get(id))
                        .flat_map(|s| s.values("TU").map(str::to_string))
                        .collect();
                    tus.extend(named);
                }
            }
            carries.extend(side);
        }
        let record = tus.is_empty() && cold::process_record(repo, &c.id, &c.trailers)?;
        out.push(Unit {
            commit: c.clone(),
            tus,
            record,
            carries,
        });
    }
    Ok(out)
}

/// Where a TU stands in the queue: the walk position of its accepted submit, when it
/// is submitted (in the gate, or closed after a submit that was not a block).
fn submitted_at(rec: &TuRecord) -> Option<usize> {
    let state = rec.position?.state;
    if !matches!(state, State::Gatecheck | State::Closed) {
        return None;
    }
    let submit = rec.accepted_submit()?;
    rec.commits
        .iter()
        .find(|c| c.id == submit.commit)
        .map(|c| c.seq)
}

/// Why a TU that was asked for by name is not in the queue.
fn not_queued(ledger: &Ledger, tu: &str) -> String {
    match ledger.get(tu) {
        None => format!("{tu} has no history on hot"),
        Some(rec) => match rec.state() {
            State::ColdMerged => format!("{tu} is already on cold"),
            s => format!("{tu} is {s}, not submitted to the gate"),
        },
    }
}

/// Runs the queue: promotes every submitted TU (or the one asked for) in submit order,
/// each judged on top of the ones before.
/// `from` is cold's tip.
pub fn run(ws: &Session, opts: &Options, from: CommitId) -> Result<Queue, Error> {
    let repo = &ws.repo;
    let cold_ref = ws.cold_ref();
    let hot_ref = ws.hot_ref();
    let hot = repo.resolve_commit(&ws.config.hot)?;
    if let Some(place) = repo.checked_out_in(&cold_ref)? {
        return Err(ColdError::CheckedOut {
            cold: ws.config.cold.clone(),
            place,
            hot: ws.config.hot.clone(),
        }
        .into());
    }
    if !repo.is_ancestor(&from, &hot)? {
        let diverging = history::ids(repo, &[&from], &[&hot])?;
        return Err(ColdError::NotForward {
            old: from.to_string(),
            new: hot.to_string(),
            diverging,
        }
        .into());
    }
    let h = ws.history()?;
    let ledger = &h.ledger;
    let units = units(repo, &from, &hot, &h)?;
    // The queue: TUs with work on hot not yet on cold, submitted, in submit order.
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for u in &units {
        named.extend(u.tus.iter().map(String::as_str));
    }
    let mut queue: Vec<(usize, &str)> = Vec::new();
    let mut waiting = Vec::new();
    for tu in &named {
        match ledger.get(tu).and_then(submitted_at) {
            Some(seq) => queue.push((seq, tu)),
            None => waiting.push(tu.to_string()),
        }
    }
    queue.sort();
    let eligible: BTreeSet<&str> = queue.iter().map(|(_, t)| *t).collect();
    let mut skipped = Vec::new();
    if let Some(only) = &opts.tu {
        if !eligible.contains(only.as_str()) {
            skipped.push(Skipped {
                tu: only.clone(),
                reason: not_queued(ledger, only),
                findings: Vec::new(),
                back_to: None,
            });
        }
        queue.retain(|(_, t)| t == only);
    }
    let mut at = from.clone();
    let mut applied = vec![false; units.len()];
    let mut promoted = Vec::new();
    for (_, tu) in queue {
        let step = promote_one(repo, ledger, &units, &mut applied, &at, tu, &eligible)?;
        match step {
            Step::Done(p, take) => {
                let accepted = opts.accept_conditional || p.verdict.allow_conditional;
                match p.verdict.report.decision {
                    Decision::Block => skipped.push(skip(tu, "its candidate fails the gatecheck", &p.verdict)),
                    Decision::Conditional if !accepted => skipped.push(Skipped {
                        back_to: None,
                        ..skip(
                            tu,
                            "the gatecheck is conditional; pass --accept-conditional or set [policy] allow_conditional",
                            &p.verdict,
                        )
                    }),
                    _ => {
                        at = p.commit.clone();
                        promoted.push(p);
                        continue;
                    }
                }
                // Not promoted: the units it took go back to the pool.
                for i in take {
                    applied[i] = false;
                }
            }
            Step::Refused(s) => skipped.push(s),
        }
    }
    // Process records with nothing unpromoted before them go too, when cold can
    // fast-forward to hot's own commit (they name no TU a promotion commit could carry).
    let mut records = Vec::new();
    let stop = (0..units.len())
        .find(|&i| !applied[i] && !units[i].record)
        .unwrap_or(units.len());
    if opts.tu.is_none()
        && let Some(last) = (0..stop).rev().find(|&i| !applied[i])
    {
        let tip = &units[last].commit.id;
        if repo.is_ancestor(&at, tip)? {
            let verdict = cold::check_candidate(repo, &at, tip, ledger)?;
            if verdict.report.decision == Decision::Pass {
                records = (0..=last)
                    .filter(|&i| !applied[i])
                    .map(|i| units[i].commit.id.clone())
                    .collect();
                for a in applied.iter_mut().take(last + 1) {
                    *a = true;
                }
                promoted.push(Promoted {
                    tu: String::new(),
                    commit: tip.clone(),
                    same_commit: true,
                    verdict: Box::new(verdict),
                });
                at = tip.clone();
            }
        }
    }
    let untraced: Vec<(CommitId, String)> = units
        .iter()
        .enumerate()
        .filter(|(i, u)| !applied[*i] && !u.record && u.tus.is_empty())
        .map(|(_, u)| {
            let subject = u.commit.message.lines().next().unwrap_or("").to_string();
            (u.commit.id.clone(), subject)
        })
        .collect();
    let mut hot_sync = None;
    if !opts.dry_run {
        // Back to stabilizing, with the findings: what failed or no longer applies.
        for s in &mut skipped {
            if s.back_to.is_some()
                && ledger.get(&s.tu).and_then(|r| r.position).map(|p| p.state)
                    == Some(State::Gatecheck)
            {
                ws.record(Some(&s.tu), Event::Rework, &[("Reason", rework_reason(s))])?;
            } else {
                s.back_to = None;
            }
        }
        if at != from {
            let hot_now = ws.tip(&hot_ref)?;
            if !repo.is_ancestor(&at, &hot_now)? {
                let message = trailers::append(
                    &format!(
                        "Bring {} up to date with {}\n",
                        ws.config.hot, ws.config.cold
                    ),
                    &[(COLD_SYNC, at.as_str())],
                );
                let tree = repo.tree_id(&hot_now)?;
                let sync = repo.commit_tree(&tree, &[&hot_now, &at], &message, &ws.identity())?;
                repo.cas_ref(
                    &hot_ref,
                    &sync,
                    Expect::At(&hot_now),
                    &format!(
                        "showrunner merge: {} joins {}",
                        ws.config.hot, ws.config.cold
                    ),
                )?;
                hot_sync = Some(sync);
            }
            let mut before = from.clone();
            for p in &promoted {
                let how = match p.verdict.report.decision {
                    Decision::Conditional => "gate conditional, accepted",
                    _ => "gate pass",
                };
                let what = if p.tu.is_empty() {
                    "process records"
                } else {
                    p.tu.as_str()
                };
                repo.cas_ref(
                    &cold_ref,
                    &p.commit,
                    Expect::At(&before),
                    &format!(
                        "showrunner merge: fast-forward {} to {}, promoting {what} ({how})",
                        ws.config.cold,
                        p.commit.short(),
                    ),
                )?;
                before = p.commit.clone();
            }
        }
    } else {
        for s in &mut skipped {
            let gate = ledger.get(&s.tu).and_then(|r| r.position).map(|p| p.state);
            if gate != Some(State::Gatecheck) {
                s.back_to = None;
            }
        }
    }
    let playbooks = crate::studio::playbook::embedded();
    let mut next_loops: BTreeSet<String> = BTreeSet::new();
    for p in &promoted {
        if let Some(l) = ledger.get(&p.tu).and_then(|r| r.opened_with("Loop"))
            && let Some(book) = playbooks.get(l)
        {
            next_loops.extend(book.hands_off_to.iter().cloned());
        }
    }
    waiting.retain(|t| !skipped.iter().any(|s| &s.tu == t));
    promoted.retain(|p| !p.tu.is_empty());
    Ok(Queue {
        records,
        untraced,
        from,
        cold: at,
        promoted,
        skipped,
        waiting,
        hot_sync,
        dry_run: opts.dry_run,
        next_loops: next_loops.into_iter().collect(),
    })
}

/// The `Reason:` of the rework a refused promotion records.
fn rework_reason(s: &Skipped) -> String {
    let codes: BTreeSet<&str> = s
        .findings
        .iter()
        .filter(|f| f.severity == crate::gate::Severity::Error)
        .map(|f| f.code.as_str())
        .collect();
    if codes.is_empty() {
        format!("promotion refused: {}", s.reason)
    } else {
        let codes: Vec<&str> = codes.into_iter().collect();
        format!("promotion refused: {} ({})", s.reason, codes.join(", "))
    }
}

fn skip(tu: &str, reason: &str, verdict: &Verdict) -> Skipped {
    let mut findings = verdict.report.findings.clone();
    findings.sort_by_key(|f| f.severity != crate::gate::Severity::Error);
    Skipped {
        tu: tu.to_string(),
        reason: reason.to_string(),
        findings,
        back_to: Some(State::Stabilizing),
    }
}

/// `at`'s tree with the units `take` replayed onto it in order, or why they do not
/// apply (the conflicting files, and the unpromoted work they build on).
fn replay(
    repo: &Repo,
    units: &[Unit],
    applied: &[bool],
    take: &[usize],
    at: &CommitId,
) -> Result<Result<TreeId, String>, Error> {
    let mut tree = repo.tree_id(at)?;
    for &i in take {
        match repo.replay_tree(&units[i].commit.id, &tree)? {
            Ok(t) => tree = t,
            Err(paths) => {
                // Name the unpromoted work it depends on, when earlier units touched
                // the same files.
                let mut needs: BTreeSet<String> = BTreeSet::new();
                for (j, u) in units.iter().enumerate().take(i) {
                    if applied[j] || take.contains(&j) {
                        continue;
                    }
                    let touched = repo.changed_paths(&u.commit.id)?;
                    if touched.iter().any(|p| paths.contains(p)) {
                        needs.extend(u.tus.iter().cloned());
                        if u.tus.is_empty() {
                            needs.insert(format!("untraced commit {}", u.commit.id.short()));
                        }
                    }
                }
                let on = if needs.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; it builds on work not yet promoted: {}",
                        needs.into_iter().collect::<Vec<_>>().join(", ")
                    )
                };
                return Ok(Err(format!(
                    "its changes no longer apply to cold: {} conflict{on}",
                    paths.join(", ")
                )));
            }
        }
    }
    Ok(Ok(tree))
}

/// The units a TU's promotion takes: its own and the process records before its last
/// one, not yet applied; `None` when it has none.
fn taken(units: &[Unit], applied: &[bool], tu: &str) -> Option<Vec<usize>> {
    let mine = |u: &Unit| u.tus.iter().any(|t| t == tu);
    let last = units.iter().rposition(mine)?;
    Some(
        (0..=last)
            .filter(|&i| !applied[i] && (mine(&units[i]) || units[i].record))
            .collect(),
    )
}

/// The commit a TU's submission is judged on: cold plus the TU's changes on `tip`'s
/// first-parent line (with the process records before them), as the queue would build
/// it — `tip` itself when that is the same tree. `Err` says why the changes do not apply
/// to cold. Without a cold, `tip`.
pub fn candidate(
    ws: &Session,
    tu: &str,
    tip: &CommitId,
) -> Result<Result<Candidate, String>, Error> {
    let repo = &ws.repo;
    let Some(cold) = repo.ref_target(&ws.cold_ref())? else {
        return Ok(Ok(Candidate {
            commit: tip.clone(),
            base: None,
        }));
    };
    let h = ws.history()?;
    let units = units(repo, &cold, tip, &h)?;
    let applied = vec![false; units.len()];
    let take = taken(&units, &applied, tu).unwrap_or_default();
    let tree = match replay(repo, &units, &applied, &take, &cold)? {
        Ok(tree) => tree,
        Err(reason) => return Ok(Err(reason)),
    };
    let commit = if repo.tree_id(tip)? == tree {
        tip.clone()
    } else {
        let message = trailers::append(
            &format!("Candidate of {tu}\n"),
            &[("TU", tu), (PROMOTED_FROM, tip.as_str())],
        );
        repo.commit_tree(&tree, &[&cold], &message, &repo.identity())?
    };
    Ok(Ok(Candidate {
        commit,
        base: Some(cold),
    }))
}

/// What a submission is judged on.
pub struct Candidate {
    /// The commit whose tree is judged.
    pub commit: CommitId,
    /// Cold, when the candidate was built on it.
    pub base: Option<CommitId>,
}

enum Step {
    /// A candidate and its verdict, with the units it took.
    Done(Promoted, Vec<usize>),
    Refused(Skipped),
}

/// Builds and judges one TU's candidate on `at`; marks the units it takes as applied
/// (the caller puts them back when the verdict refuses).
fn promote_one(
    repo: &Repo,
    ledger: &Ledger,
    units: &[Unit],
    applied: &mut [bool],
    at: &CommitId,
    tu: &str,
    eligible: &BTreeSet<&str>,
) -> Result<Step, Error> {
    let refused = |reason: String| {
        Step::Refused(Skipped {
            tu: tu.to_string(),
            reason,
            findings: Vec::new(),
            back_to: Some(State::Stabilizing),
        })
    };
    let mine = |u: &Unit| u.tus.iter().any(|t| t == tu);
    let Some(take) = taken(units, applied, tu).filter(|t| !t.is_empty()) else {
        return Ok(refused(format!("{tu} has nothing on hot to promote")));
    };
    let last = *take.last().unwrap_or(&0);
    for u in units.iter().filter(|u| mine(u)) {
        if let Some(other) = u.tus.iter().find(|t| !eligible.contains(t.as_str())) {
            return Ok(refused(format!(
                "commit {} also carries {other}, which is not submitted",
                u.commit.id.short()
            )));
        }
    }
    let tree = match replay(repo, units, applied, &take, at)? {
        Ok(tree) => tree,
        Err(reason) => return Ok(refused(reason)),
    };
    for &i in &take {
        applied[i] = true;
    }
    let last_commit = &units[last].commit.id;
    // The everyday case: hot's own commit is the candidate.
    if repo.is_ancestor(at, last_commit)? && repo.tree_id(last_commit)? == tree {
        let verdict = cold::check_candidate(repo, at, last_commit, ledger)?;
        let untraced = verdict
            .report
            .findings
            .iter()
            .any(|f| f.code.starts_with("traceability/"));
        if !untraced {
            return Ok(Step::Done(
                Promoted {
                    tu: tu.to_string(),
                    commit: last_commit.clone(),
                    same_commit: true,
                    verdict: Box::new(verdict),
                },
                take,
            ));
        }
    }
    let carried: Vec<&CommitId> = take.iter().flat_map(|&i| &units[i].carries).collect();
    let mut pairs: Vec<(&str, &str)> = vec![("TU", tu)];
    pairs.extend(carried.iter().map(|c| (PROMOTED_FROM, c.as_str())));
    let title = ledger
        .get(tu)
        .and_then(|r| r.events.iter().find(|e| e.event == Event::Open))
        .map(|e| e.summary.clone())
        .unwrap_or_else(|| tu.to_string());
    let message = trailers::append(
        &format!("Promote {tu} ({} commit(s))\n\n{title}\n", carried.len()),
        &pairs,
    );
    let commit = repo.commit_tree(&tree, &[at], &message, &repo.identity())?;
    let verdict = cold::check_candidate(repo, at, &commit, ledger)?;
    Ok(Step::Done(
        Promoted {
            tu: tu.to_string(),
            commit,
            same_commit: false,
            verdict: Box::new(verdict),
        },
        take,
    ))
}
