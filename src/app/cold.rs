//! Cold: the branch that only moves by fast-forward, to a commit whose exact tree passes
//! the gatecheck, with every commit on the way traced to a submitted TU. The same
//! checks serve `merge`, the local hooks and the server hook.

use std::collections::BTreeSet;

use super::Session;
use super::history::{self, History};
use crate::error::{ColdError, Error};
use crate::gate::context::finding;
use crate::gate::{self, Bar, Decision, Finding, Report};
use crate::git::Repo;
use crate::ids::{CommitId, Expect, RefName};
use std::sync::Arc;

use crate::studio::rules::{Rules, is_rule_file};
use crate::studio::{RequireTu, Studio};
use crate::trace::ledger::Ledger;
use crate::trace::lifecycle::State;
use crate::trace::{id::TuId, trailers};

/// What checking a proposed update of cold found.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// The gatecheck of the new tree, with the traceability bar added.
    pub report: Report,
    /// Commits in the range, oldest first.
    pub range: Vec<CommitId>,
    /// TUs with commits in the range.
    pub tus: BTreeSet<String>,
    /// Whether the studio allows merging on a conditional verdict.
    pub allow_conditional: bool,
    /// Findings that already stood on cold's tree before the move: listed apart, not
    /// counted against it.
    pub pre_existing: Vec<Finding>,
    ledger: Ledger,
}

/// A forge's merge commit of a TU pull request names the branch: `…tu/TU-2026-11-26-LW01…`.
pub(crate) fn forge_merge_tu(message: &str) -> Option<String> {
    let i = message.find("tu/TU-")?;
    let rest = &message[i + 3..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    TuId::parse(&rest[..end]).map(|t| t.to_string())
}

/// Checks moving cold from `old` (None: cold does not exist yet) to `new`: the range
/// must be a fast-forward (else an error, exit 3), then traceability over `old..new`
/// and the full gatecheck of `new`'s tree. The ledger is replayed from what `new`
/// reaches and from `also` (hot's tip, so a promotion commit's TU is known by its
/// events, not by the trailer it carries).
pub fn check_update(
    repo: &Repo,
    old: Option<&str>,
    new: &str,
    also: &[CommitId],
) -> Result<Verdict, Error> {
    refuse_divergence(repo, old, new)?;
    // One walk: the ledger of everything `new`, `also` and `old` reach, and the range
    // `old` does not (narrowed to what `new` reaches when there are other tips).
    let mut tips = vec![CommitId::new(new)];
    tips.extend(also.iter().filter(|t| t.as_str() != new).cloned());
    let (history, mut range) = History::read_with_range(repo, tips, old.map(CommitId::new))?;
    if range.len() > 1 && !also.is_empty() {
        let mine: std::collections::HashSet<CommitId> = history::ids(repo, &[new], old.as_slice())?
            .into_iter()
            .collect();
        range.retain(|c| mine.contains(&c.id));
    }
    let mut verdict = judge(repo, old, new, &range, &history.ledger)?;
    verdict.ledger = history.ledger;
    Ok(verdict)
}

/// [`check_update`] for a promotion candidate, with the session's ledger.
pub fn check_candidate(
    repo: &Repo,
    old: &str,
    new: &str,
    ledger: &Ledger,
) -> Result<Verdict, Error> {
    refuse_divergence(repo, Some(old), new)?;
    let range = history::range(repo, &[new], &[old])?;
    judge(repo, Some(old), new, &range, ledger)
}

/// The verdict on a move: the gatecheck of `new`'s tree with traceability of `range`
/// added. When it blocks, the findings that already stand on `old`'s tree are set apart
/// as pre-existing: a move is charged only with what it brings.
fn judge(
    repo: &Repo,
    old: Option<&str>,
    new: &str,
    range: &[history::Commit],
    ledger: &Ledger,
) -> Result<Verdict, Error> {
    let (mut report, studio) = judge_tree(repo, old, new)?;
    let (mut findings, tus) = commit_findings(repo, range, ledger, &studio)?;
    findings.extend(tu_findings(&tus, ledger));
    if old.is_some()
        && let Some(rules) = &studio.rules
    {
        findings.extend(signature_findings(repo, range, rules)?);
        findings.extend(promotion_findings(repo, &tus, ledger, rules)?);
    }
    let mut all = report.findings.clone();
    all.extend(findings);
    let mut ran: Vec<Bar> = report.bars.iter().map(|b| b.bar).collect();
    ran.push(Bar::Traceability);
    // Only the tree's own findings can have stood before (traceability is about the
    // range), and only a blocking one is worth judging the base for.
    let mut pre_existing = Vec::new();
    if let Some(old) = old
        && report
            .findings
            .iter()
            .any(|f| f.severity == gate::Severity::Error)
    {
        let (before, _) = judge_tree(repo, None, old)?;
        (pre_existing, all) = set_apart(all, &before);
    }
    let waived = std::mem::take(&mut report.waived);
    report = Report::new(&ran, all);
    report.waived = waived;
    Ok(Verdict {
        report,
        range: range.iter().map(|c| c.id.clone()).collect(),
        tus,
        allow_conditional: studio.config.allow_conditional,
        pre_existing,
        ledger: Ledger::default(),
    })
}

/// Refuses a move of cold that is not a fast-forward (exit 3), naming what diverges.
fn refuse_divergence(repo: &Repo, old: Option<&str>, new: &str) -> Result<(), Error> {
    let Some(old) = old else {
        return Ok(());
    };
    if !repo.is_ancestor(old, new)? {
        let diverging = history::ids(repo, &[old.to_string()], &[new.to_string()])?;
        return Err(ColdError::NotForward {
            old: old.to_string(),
            new: new.to_string(),
            diverging,
        }
        .into());
    }
    Ok(())
}

/// Splits `findings` into those that already stood in `before` (same code, file and
/// message) and the rest: a move, or a TU's submission, is charged only with what it
/// brings.
pub fn set_apart(findings: Vec<Finding>, before: &Report) -> (Vec<Finding>, Vec<Finding>) {
    findings.into_iter().partition(|f| {
        before
            .findings
            .iter()
            .any(|b| b.code == f.code && b.path == f.path && b.message == f.message)
    })
}

/// The rules in a commit's tree (branch names, policy, waivers, schema overrides,
/// waiver authority): what a move from that commit is judged by.
pub fn rules_of(repo: &Repo, commit: &str) -> Result<Arc<Rules>, Error> {
    Ok(Rules::from_files(repo.tree_files_within(
        commit,
        &is_rule_file,
        &["schemas"],
    )?))
}

/// The gatecheck of `new`'s tree under the rules of `old` (the base; `new`'s own when
/// cold is being created), and the studio it was judged on.
fn judge_tree(repo: &Repo, old: Option<&str>, new: &str) -> Result<(Report, Studio), Error> {
    let rules = rules_of(repo, old.unwrap_or(new))?;
    // The verdict on this exact tree under these rules, when the gate has judged it
    // before (a submit, a merge whose own reference-transaction hook asks again, a
    // pre-push after a merge); then only the settings and TU briefs are read.
    let judged = format!("{}:{}", repo.tree_id(new)?, rules.digest);
    let key = super::verdicts::key(&judged, &gate::today(), &gate::BARS);
    Ok(match super::verdicts::load(repo, &key) {
        Some(report) => {
            let mut studio = Studio::from_files(
                repo.tree_files(new, &|p| p == "studio.toml" || p.starts_with("tus/"))?,
            );
            studio.under(rules);
            (report, studio)
        }
        // Else judged from what changed since `old`'s tree, when the gate has judged
        // that and the change allows it; in full otherwise.
        None => {
            let opts = gate::Options {
                rules: Some(rules),
                ..gate::Options::default()
            };
            let judged = super::incremental::judge(repo, old, new, &opts)?;
            super::verdicts::store(repo, &key, &judged.report);
            (judged.report, judged.studio)
        }
    })
}

/// Traceability of each commit in the range: it names a TU with a brief (or is a
/// forge's merge of a `tu/` branch, or only records a question), and none carries a TU
/// after it ended. Returns the findings and the TUs the range names.
fn commit_findings(
    repo: &Repo,
    range: &[history::Commit],
    ledger: &Ledger,
    studio: &Studio,
) -> Result<(Vec<Finding>, BTreeSet<String>), Error> {
    let briefs: BTreeSet<String> = studio
        .artifacts
        .iter()
        .filter(|a| a.kind == crate::artifact::Kind::Tu)
        .map(|a| crate::artifact::stem(&a.path).to_string())
        .collect();
    let mut findings = Vec::new();
    let mut tus: BTreeSet<String> = BTreeSet::new();
    for c in range {
        let (commit, message, found) = (&c.id, &c.message, &c.trailers);
        let mut named: Vec<String> = c.values("TU").map(str::to_string).collect();
        if named.is_empty()
            && c.parents.len() > 1
            && let Some(tu) = forge_merge_tu(message)
        {
            named.push(tu);
        }
        let subject = message.lines().next().unwrap_or("");
        let place = || {
            repo.changed_paths(commit)
                .ok()
                .and_then(|p| p.into_iter().next())
                .unwrap_or_default()
        };
        let question_only = named.is_empty() && process_record(repo, commit, found)?;
        if named.is_empty() && !question_only {
            if studio.config.require_tu != RequireTu::Off {
                findings.push(finding(
                    "traceability/untraced-commit",
                    &place(),
                    0,
                    "showrunner",
                    format!(
                        "commit {} \"{subject}\" carries no TU trailer",
                        crate::ids::short(commit)
                    ),
                    "amend it with `TU: <id>`, or redo the change inside a TU".into(),
                ));
            }
            continue;
        }
        if question_only {
            continue;
        }
        for tu in named {
            if !briefs.contains(&tu) {
                findings.push(finding(
                    "traceability/unknown-tu",
                    &place(),
                    0,
                    "showrunner",
                    format!(
                        "commit {} names {tu}, which has no brief in tus/",
                        crate::ids::short(commit)
                    ),
                    format!(
                        "open the TU, or fix the trailer of {}",
                        crate::ids::short(commit)
                    ),
                ));
                continue;
            }
            if ledger.get(&tu).is_some_and(|r| r.late.contains(commit)) {
                findings.push(finding(
                    "traceability/after-close",
                    &format!("tus/{tu}.yaml"),
                    0,
                    "showrunner",
                    format!(
                        "commit {} \"{subject}\" carries {tu} after the TU ended",
                        crate::ids::short(commit)
                    ),
                    "open a new TU for the follow-up work".into(),
                ));
            }
            tus.insert(tu);
        }
    }
    Ok((findings, tus))
}

/// Where the base lists role keys, every rule change in the range (waivers, policy,
/// the authority table, schema overrides, the keys) must be brought by a commit signed
/// by a role with that authority: the range's own commit, or — for a promotion commit
/// — one it carries whose tree holds exactly the same file.
fn signature_findings(
    repo: &Repo,
    range: &[history::Commit],
    rules: &Rules,
) -> Result<Vec<Finding>, Error> {
    let Some(file) = signers_file(repo, rules)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for c in range {
        for path in repo.changed_paths(&c.id)? {
            if !is_rule_file(&path) {
                continue;
            }
            let (roles, what) = if path == "waivers.yaml" {
                (&rules.waive_roles, "a waiver change")
            } else if path == "studio.toml" && !policy_changed(repo, c, &path)? {
                continue;
            } else {
                (&rules.policy_roles, "a rule change")
            };
            let want = repo.entry_id(&c.id, &path)?;
            let mut carriers = vec![c.id.clone()];
            carriers.extend(
                c.values(crate::trace::ledger::PROMOTED_FROM)
                    .filter_map(CommitId::parse),
            );
            let mut signed = false;
            for k in &carriers {
                if !repo.has_commit(k) || repo.entry_id(k, &path)? != want {
                    continue;
                }
                if repo
                    .signer(k, &file)?
                    .is_some_and(|who| is_role(&who, roles))
                {
                    signed = true;
                    break;
                }
            }
            if !signed {
                out.push(finding(
                    "traceability/unsigned-rule-change",
                    &path,
                    0,
                    "showrunner",
                    format!(
                        "{what} in commit {} is not signed by a key of {} (allowed_signers)",
                        crate::ids::short(&c.id),
                        roles.join(" or ")
                    ),
                    "sign the commit that brings it (`git commit -S` with an SSH key allowed_signers gives that role)".into(),
                ));
            }
        }
    }
    Ok(out)
}

/// The allowed-signers file of a set of rules, written once under `.git/showrunner/`
/// for git to read (`None` when the rules list no keys).
fn signers_file(repo: &Repo, rules: &Rules) -> Result<Option<std::path::PathBuf>, Error> {
    let Some(keys) = &rules.allowed_signers else {
        return Ok(None);
    };
    let file = repo
        .git_dir()
        .join("showrunner")
        .join(format!("allowed_signers-{}", &rules.digest[..16]));
    if !file.is_file() {
        let io = |e: std::io::Error| Error::Io {
            path: file.clone(),
            source: e,
        };
        std::fs::create_dir_all(file.parent().unwrap_or(repo.git_dir())).map_err(io)?;
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, keys).map_err(io)?;
        std::fs::rename(&tmp, &file).map_err(io)?;
    }
    Ok(Some(file))
}

/// Whether `who` (a principal of the keys file) is one of `roles`.
fn is_role(who: &str, roles: &[String]) -> bool {
    let who = crate::roles::canonical(who).unwrap_or(who);
    roles
        .iter()
        .any(|r| crate::roles::canonical(r).unwrap_or(r) == who)
}

/// Where the base lists role keys, a TU is promoted only on a submit signed by a role
/// that may promote (`promote:`, default the gatekeeper): its last accepted `gate
/// submit` commit carries that role's good signature.
fn promotion_findings(
    repo: &Repo,
    tus: &BTreeSet<String>,
    ledger: &Ledger,
    rules: &Rules,
) -> Result<Vec<Finding>, Error> {
    let Some(file) = signers_file(repo, rules)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for tu in tus {
        let submit = ledger.get(tu).and_then(|r| r.accepted_submit());
        let signed = match submit {
            Some(e) => repo
                .signer(&e.commit, &file)?
                .is_some_and(|who| is_role(&who, &rules.promote_roles)),
            None => false,
        };
        if !signed {
            out.push(finding(
                "traceability/unsigned-promotion",
                &format!("tus/{tu}.yaml"),
                0,
                "gatekeeper",
                format!(
                    "{tu}'s submit is not signed by a key of {} (allowed_signers)",
                    rules.promote_roles.join(" or ")
                ),
                "the gatekeeper submits it again from a clone that signs its commits (`commit.gpgsign`, `gpg.format = ssh`, `user.signingkey`)".into(),
            ));
        }
    }
    Ok(out)
}

/// Whether a commit changes `studio.toml`'s rules (branch names or `[policy]`), not
/// only the book's title or start.
fn policy_changed(repo: &Repo, c: &history::Commit, path: &str) -> Result<bool, Error> {
    let read = |commit: Option<&CommitId>| -> Result<crate::studio::Config, Error> {
        let bytes = match commit {
            Some(id) => repo.blob_at(id, path)?,
            None => None,
        };
        Ok(bytes
            .and_then(|b| crate::artifact::parse(crate::artifact::Kind::Studio, path, &b).ok())
            .map(|a| crate::studio::Config::from_node(&a.data))
            .unwrap_or_default())
    };
    let (before, after) = (read(c.parents.first())?, read(Some(&c.id))?);
    Ok((
        &before.hot,
        &before.cold,
        before.require_tu,
        before.allow_conditional,
        before.questions_max_open,
        before.max_waiver_days,
    ) != (
        &after.hot,
        &after.cold,
        after.require_tu,
        after.allow_conditional,
        after.questions_max_open,
        after.max_waiver_days,
    ))
}

/// Each TU the range names must have been submitted and passed (or be in the gate), and
/// be neither rejected nor deferred.
fn tu_findings(tus: &BTreeSet<String>, ledger: &Ledger) -> Vec<Finding> {
    let mut findings = Vec::new();
    for tu in tus {
        let Some(rec) = ledger.get(tu) else { continue };
        let path = format!("tus/{tu}.yaml");
        let state = rec.position.map(|p| p.state).unwrap_or(State::HotProposed);
        let submitted = rec.accepted_submit().is_some();
        let (code, why) = match state {
            State::Rejected => ("traceability/rejected-tu", format!("{tu} was rejected")),
            State::Deferred => ("traceability/deferred-tu", format!("{tu} is deferred")),
            State::Gatecheck => continue,
            State::Closed | State::ColdMerged if submitted => continue,
            other => (
                "traceability/not-submitted",
                format!("{tu} is {other}, not submitted to the gate"),
            ),
        };
        findings.push(finding(
            code,
            &path,
            0,
            "showrunner",
            why,
            format!("`showrunner tu show {tu}` tells its state"),
        ));
    }
    findings
}

/// What `merge` did.
#[derive(Clone, Debug)]
pub enum Merged {
    /// Cold already points at the target.
    UpToDate {
        /// The commit.
        at: CommitId,
    },
    /// Refused by the gatecheck or traceability (block, or conditional not accepted).
    Refused {
        /// The verdict.
        verdict: Box<Verdict>,
        /// Why, in a sentence.
        why: String,
    },
    /// The queue ran (`merge` without `--to`): TUs promoted one by one.
    Queue(Box<super::promote::Queue>),
    /// Checked and (unless a dry run) moved.
    Moved {
        /// Cold before.
        from: CommitId,
        /// Cold after.
        to: CommitId,
        /// The verdict.
        verdict: Box<Verdict>,
        /// Whether this was a dry run (nothing moved).
        dry_run: bool,
        /// TUs now entirely on cold.
        cold_merged: Vec<String>,
        /// Loops their playbooks hand off to next.
        next_loops: Vec<String>,
    },
}

/// Options of `merge`.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    /// Move cold to this revision as a whole (without it: the promotion queue).
    pub to: Option<String>,
    /// Promote this TU only.
    pub tu: Option<String>,
    /// Check everything, move nothing.
    pub dry_run: bool,
    /// Accept a conditional verdict.
    pub accept_conditional: bool,
}

/// Cold as a clone first sees it: no local branch, but `origin`'s. `merge` takes it from
/// there (creating the local branch at that commit, unless it is a dry run) and says so.
pub struct ColdFrom {
    /// The remote-tracking ref it came from (`origin/cold`).
    pub remote: String,
    /// The commit.
    pub at: CommitId,
    /// Whether the local branch was created (not in a dry run).
    pub created: bool,
}

/// The local cold, or — when there is none — `origin`'s, created locally unless
/// `dry_run` (a compare-and-swap that expects no local cold).
fn local_cold(ws: &Session, dry_run: bool) -> Result<(CommitId, Option<ColdFrom>), Error> {
    let repo = &ws.repo;
    let cold_ref = ws.cold_ref();
    if let Some(c) = repo.ref_target(&cold_ref)? {
        return Ok((c, None));
    }
    let remote = RefName::full(&format!("refs/remotes/origin/{}", ws.config.cold));
    let Some(at) = repo.ref_target(&remote)? else {
        return Err(Error::Git(crate::git::GitError::RevNotFound {
            rev: ws.config.cold.clone(),
        }));
    };
    if !dry_run {
        repo.cas_ref(
            &cold_ref,
            &at,
            Expect::Absent,
            &format!(
                "showrunner: {} from origin/{}",
                ws.config.cold, ws.config.cold
            ),
        )?;
    }
    let from = ColdFrom {
        remote: format!("origin/{}", ws.config.cold),
        at: at.clone(),
        created: !dry_run,
    };
    Ok((at, Some(from)))
}

/// The Showrunner's authorised cold merge, and where cold came from when the clone had
/// none of its own.
pub fn merge(ws: &Session, opts: &MergeOptions) -> Result<(Merged, Option<ColdFrom>), Error> {
    let repo = &ws.repo;
    let cold_ref = ws.cold_ref();
    let Some(target_rev) = &opts.to else {
        let (old, from) = local_cold(ws, opts.dry_run)?;
        let queue = super::promote::run(
            ws,
            &super::promote::Options {
                tu: opts.tu.clone(),
                dry_run: opts.dry_run,
                accept_conditional: opts.accept_conditional,
            },
            old,
        )?;
        return Ok((Merged::Queue(Box::new(queue)), from));
    };
    let target = repo.resolve_commit(target_rev)?;
    let (old, from) = local_cold(ws, opts.dry_run)?;
    Ok((merge_from(ws, opts, &cold_ref, old, target)?, from))
}

fn merge_from(
    ws: &Session,
    opts: &MergeOptions,
    cold_ref: &RefName,
    old: CommitId,
    target: CommitId,
) -> Result<Merged, Error> {
    let repo = &ws.repo;
    if let Some(place) = repo.checked_out_in(cold_ref)? {
        return Err(ColdError::CheckedOut {
            cold: ws.config.cold.clone(),
            place,
            hot: ws.config.hot.clone(),
        }
        .into());
    }
    if old == target {
        return Ok(Merged::UpToDate { at: old });
    }
    let verdict = check_update(repo, Some(&old), &target, &[])?;
    let accepted = opts.accept_conditional || verdict.allow_conditional;
    match verdict.report.decision {
        Decision::Block => {
            return Ok(Merged::Refused {
                verdict: Box::new(verdict),
                why: "the gatecheck blocks".into(),
            });
        }
        Decision::Conditional if !accepted => {
            return Ok(Merged::Refused {
                verdict: Box::new(verdict),
                why: "the gatecheck is conditional; pass --accept-conditional or set [policy] allow_conditional".into(),
            });
        }
        _ => {}
    }
    let in_range: BTreeSet<&CommitId> = verdict.range.iter().collect();
    let mut cold_merged = Vec::new();
    for tu in &verdict.tus {
        let Some(rec) = verdict.ledger.get(tu) else {
            continue;
        };
        let all_on = rec
            .commits
            .iter()
            .all(|c| c.on_cold || in_range.contains(&c.id));
        let state = rec.position.map(|p| p.state).unwrap_or(State::HotProposed);
        if all_on && matches!(state, State::Gatecheck | State::Closed) {
            cold_merged.push(tu.clone());
        }
    }
    let playbooks = crate::studio::playbook::embedded();
    let mut next_loops: BTreeSet<String> = BTreeSet::new();
    for tu in &cold_merged {
        if let Some(l) = verdict.ledger.get(tu).and_then(|r| r.opened_with("Loop"))
            && let Some(p) = playbooks.get(l)
        {
            next_loops.extend(p.hands_off_to.iter().cloned());
        }
    }
    if !opts.dry_run {
        let how = match verdict.report.decision {
            Decision::Conditional => "gate conditional, accepted",
            _ => "gate pass",
        };
        repo.cas_ref(
            cold_ref,
            &target,
            Expect::At(&old),
            &format!(
                "showrunner merge: fast-forward {} to {} ({how})",
                ws.config.cold,
                crate::ids::short(&target)
            ),
        )?;
    }
    Ok(Merged::Moved {
        from: old,
        to: target,
        verdict: Box::new(verdict),
        dry_run: opts.dry_run,
        cold_merged,
        next_loops: next_loops.into_iter().collect(),
    })
}

/// The findings of a verdict that block, for hook messages.
pub fn blocking(report: &Report) -> Vec<&Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.severity == gate::Severity::Error)
        .collect()
}

/// What `rollback` made.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RolledBack {
    /// The TU that carries the rollback.
    pub tu: String,
    /// The snapshot restored.
    pub snapshot: String,
    /// The snapshot's commit.
    pub restored: CommitId,
    /// The new commit on hot.
    pub commit: CommitId,
}

/// Folders whose history a rollback keeps: process records, not canon.
const PROCESS: [&str; 3] = ["tus/", "gate/", "questions/"];

/// Restores an earlier snapshot's tree as a new commit on hot, inside a new TU, so the
/// rollback is itself gatechecked and merged forward; cold is never moved backwards.
pub fn rollback(ws: &Session, snapshot: &str, reason: &str) -> Result<RolledBack, Error> {
    let repo = &ws.repo;
    if reason.trim().is_empty() {
        return Err(ColdError::NoReason.into());
    }
    let cold_ref = ws.cold_ref();
    let hot_ref = ws.hot_ref();
    let restored = repo
        .tag_target(snapshot)?
        .ok_or_else(|| ColdError::NotASnapshot {
            tag: snapshot.to_string(),
        })?;
    let cold = repo.ref_target(&cold_ref)?.ok_or_else(|| {
        Error::Git(crate::git::GitError::RevNotFound {
            rev: ws.config.cold.clone(),
        })
    })?;
    if !repo.is_ancestor(&restored, &cold)? {
        return Err(ColdError::SnapshotOffCold {
            tag: snapshot.to_string(),
            commit: restored,
        }
        .into());
    }
    if repo.head_branch().as_deref() == Some(hot_ref.as_str()) && !repo.is_clean()? {
        return Err(ColdError::DirtyWorkTree.into());
    }
    let opened = ws.open(&crate::app::OpenRequest {
        loop_id: "remediation",
        title: &format!("Roll back to {snapshot}: {}", reason.trim()),
        role: Some("showrunner"),
        branch: false,
        inputs: &[],
    })?;
    let message = trailers::append(
        &format!("Roll back to {snapshot}\n\n{}\n", reason.trim()),
        &[
            ("TU", &opened.id),
            ("TU-Event", "checkpoint"),
            ("Loop", "remediation"),
            ("Role", "SR"),
            ("Rollback", snapshot),
            ("Reason", reason.trim()),
        ],
    );
    let commit = repo.commit_restore(
        &hot_ref,
        &opened.commit,
        &restored,
        &PROCESS,
        &message,
        &repo.identity(),
    )?;
    Ok(RolledBack {
        tu: opened.id,
        snapshot: snapshot.to_string(),
        restored,
        commit,
    })
}

/// The trailer of the commit that brings hot up to date with cold after a promotion: a
/// merge whose tree is hot's own, its second parent cold.
pub const COLD_SYNC: &str = "Cold-Sync";

/// Whether a commit is one of the desk's process records, traced by its own trailer
/// rather than a TU: a question batch (`Question:`, touching only `questions/`), the
/// customer's feedback (`Feedback:`) or a conflict record (`Conflict:`), both touching
/// nothing, a roster change (`Role-Event:`, touching only `roles.yaml` and TU briefs'
/// deferral tags), or the merge that brings hot up to date with cold (`Cold-Sync:`,
/// changing nothing on hot).
pub fn process_record(
    repo: &Repo,
    commit: &str,
    found: &[trailers::Trailer],
) -> Result<bool, Error> {
    let question = trailers::first(found, "Question").is_some();
    let feedback = trailers::first(found, "Feedback").is_some();
    let roster = trailers::first(found, "Role-Event").is_some();
    let conflict = trailers::first(found, "Conflict").is_some();
    let sync = trailers::first(found, COLD_SYNC).is_some();
    if !question && !feedback && !roster && !conflict && !sync {
        return Ok(false);
    }
    let paths = repo.changed_paths(commit)?;
    Ok(
        (question && paths.iter().all(|p| p.starts_with("questions/")))
            || ((feedback || conflict || sync) && paths.is_empty())
            || (roster
                && paths.iter().any(|p| p == "roles.yaml")
                && paths
                    .iter()
                    .all(|p| p == "roles.yaml" || (p.starts_with("tus/") && p.ends_with(".yaml")))),
    )
}
