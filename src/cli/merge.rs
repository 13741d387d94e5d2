//! `showrunner merge`: the Showrunner's authorised, fast-forward-only move of cold.

use clap::Args;
use serde::Serialize;

use super::{Ctx, Format, Output, VerdictJson, json_pretty};
use crate::app::cold::{self, MergeOptions, Merged, Verdict};
use crate::app::promote::{Queue, Skipped};
use crate::error::Error;
use crate::gate::render;

/// Arguments of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Move cold to this revision as a whole, after the same checks (without it: the
    /// promotion queue, one submitted TU at a time).
    #[arg(long, conflicts_with = "tu")]
    pub to: Option<String>,
    /// Promote this submitted TU only.
    #[arg(long, value_name = "ID")]
    pub tu: Option<String>,
    /// Check everything; move nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Merge on a conditional (yellow) verdict; recorded in cold's reflog.
    #[arg(long)]
    pub accept_conditional: bool,
}

/// `merge --format json` when cold is already at the target.
#[derive(Serialize)]
struct UpToDateJson<'a> {
    merged: bool,
    up_to_date: bool,
    cold: &'a str,
}

/// `merge --format json` when the gatecheck or traceability refuses.
#[derive(Serialize)]
struct RefusedJson<'a> {
    merged: bool,
    refused: &'a str,
    #[serde(flatten)]
    verdict: VerdictJson<'a>,
}

/// `merge --format json` when cold moved (or, in a dry run, would move).
#[derive(Serialize)]
struct MovedJson<'a> {
    merged: bool,
    dry_run: bool,
    from: &'a str,
    to: &'a str,
    commits: usize,
    #[serde(flatten)]
    verdict: VerdictJson<'a>,
    cold_merged: &'a [String],
    next_loops: &'a [String],
}

pub(super) fn run(ctx: &Ctx, args: MergeArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let opts = MergeOptions {
        to: args.to,
        tu: args.tu,
        dry_run: args.dry_run,
        accept_conditional: args.accept_conditional,
    };
    let (outcome, from) = cold::merge(ws, &opts)?;
    let mut out = match outcome {
        Merged::UpToDate { at } => up_to_date(ctx, &at),
        Merged::Queue(q) => queue(ctx, &q, &ws.config.hot),
        Merged::Refused { verdict, why } => refused(ctx, &verdict, &why),
        Merged::Moved {
            from,
            to,
            verdict,
            dry_run,
            cold_merged,
            next_loops,
        } => {
            let stdout = match ctx.format {
                Format::Json => json_pretty(&MovedJson {
                    merged: !dry_run,
                    dry_run,
                    from: &from,
                    to: &to,
                    commits: verdict.range.len(),
                    verdict: VerdictJson::from(&verdict.report),
                    cold_merged: &cold_merged,
                    next_loops: &next_loops,
                }),
                _ => moved_human(
                    ctx,
                    &from,
                    &to,
                    &verdict,
                    dry_run,
                    &cold_merged,
                    &next_loops,
                ),
            };
            Output {
                stdout,
                stderr: String::new(),
                code: 0,
            }
        }
    };
    // A clone without a cold of its own: said once, when it is taken from the remote.
    if let Some(from) = from {
        let note = if from.created {
            format!(
                "note: no local {cold}; created it from {} at {}\n",
                from.remote,
                from.at.short(),
                cold = ws.config.cold
            )
        } else {
            format!(
                "note: no local {cold}; judged from {} at {} (dry run: not created)\n",
                from.remote,
                from.at.short(),
                cold = ws.config.cold
            )
        };
        out.stderr.insert_str(0, &note);
    }
    Ok(out)
}

/// One promoted TU, in `merge --format json`.
#[derive(Serialize)]
struct PromotedJson<'a> {
    tu: &'a str,
    commit: &'a str,
    same_commit: bool,
    decision: crate::gate::Decision,
    findings: &'a [crate::gate::Finding],
    pre_existing: &'a [crate::gate::Finding],
}

/// A commit the queue leaves on hot because it names no TU.
#[derive(Serialize)]
struct UntracedJson<'a> {
    commit: &'a str,
    subject: &'a str,
}

/// `merge --format json` for the queue.
#[derive(Serialize)]
struct QueueJson<'a> {
    merged: bool,
    dry_run: bool,
    from: &'a str,
    cold: &'a str,
    promoted: Vec<&'a str>,
    skipped: &'a [Skipped],
    waiting: &'a [String],
    records: &'a [crate::ids::CommitId],
    untraced: Vec<UntracedJson<'a>>,
    hot_sync: Option<&'a str>,
    details: Vec<PromotedJson<'a>>,
    cold_merged: Vec<&'a str>,
    next_loops: &'a [String],
}

/// The queue ran: what it promoted, what it could not (exit 1 when any submitted TU
/// was not promoted), and what waits unsubmitted.
fn queue(ctx: &Ctx, q: &Queue, hot: &str) -> Output {
    let promoted: Vec<&str> = q.promoted.iter().map(|p| p.tu.as_str()).collect();
    let stdout = match ctx.format {
        Format::Json => json_pretty(&QueueJson {
            merged: !q.dry_run && q.cold != q.from,
            dry_run: q.dry_run,
            from: &q.from,
            cold: &q.cold,
            promoted: promoted.clone(),
            skipped: &q.skipped,
            waiting: &q.waiting,
            records: &q.records,
            untraced: q
                .untraced
                .iter()
                .map(|(commit, subject)| UntracedJson { commit, subject })
                .collect(),
            hot_sync: q.hot_sync.as_deref(),
            details: q
                .promoted
                .iter()
                .map(|p| PromotedJson {
                    tu: &p.tu,
                    commit: &p.commit,
                    same_commit: p.same_commit,
                    decision: p.verdict.report.decision,
                    findings: &p.verdict.report.findings,
                    pre_existing: &p.verdict.pre_existing,
                })
                .collect(),
            cold_merged: promoted.clone(),
            next_loops: &q.next_loops,
        }),
        _ => queue_human(ctx, q, hot),
    };
    let stderr: String = q
        .skipped
        .iter()
        .map(|s| format!("error: {} not promoted: {}\n", s.tu, s.reason))
        .collect();
    Output {
        stdout,
        stderr,
        code: i32::from(!q.skipped.is_empty()),
    }
}

fn queue_human(ctx: &Ctx, q: &Queue, hot: &str) -> String {
    let mut out = String::new();
    let would = if q.dry_run {
        "would promote"
    } else {
        "promoted"
    };
    for p in &q.promoted {
        let decision = serde_json::to_value(p.verdict.report.decision)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let how = if p.same_commit {
            "hot's own commit"
        } else {
            "promotion commit"
        };
        out.push_str(&format!(
            "{would} {} → cold {} ({how}, gate {decision})\n",
            p.tu,
            p.commit.short()
        ));
        if !p.verdict.pre_existing.is_empty() {
            out.push_str(&format!(
                "  {} finding(s) already stood on cold (not charged to {})\n",
                p.verdict.pre_existing.len(),
                p.tu
            ));
        }
    }
    for s in &q.skipped {
        out.push_str(&format!("not promoted: {}: {}\n", s.tu, s.reason));
        let mut report = crate::gate::Report::new(&[], s.findings.clone());
        report.bars.clear();
        if !s.findings.is_empty() {
            for line in render::human(&report, &crate::gate::render::NoSource, "merge", ctx.color)
                .lines()
                .filter(|l| !l.trim().is_empty())
            {
                out.push_str(&format!("  {line}\n"));
            }
        }
        if let Some(state) = s.back_to {
            out.push_str(&format!("  {} is back in {state}\n", s.tu));
        }
    }
    if !q.records.is_empty() {
        out.push_str(&format!(
            "{} {} process record(s) (questions, feedback, roster)\n",
            if q.dry_run { "would take" } else { "took" },
            q.records.len()
        ));
    }
    if q.promoted.is_empty() && q.skipped.is_empty() && q.records.is_empty() {
        out.push_str(&format!(
            "cold is already at {} — nothing to promote\n",
            q.from.short()
        ));
    } else if q.cold != q.from {
        let verb = if q.dry_run {
            "would fast-forward"
        } else {
            "fast-forwarded"
        };
        out.push_str(&format!(
            "cold {verb} {} → {} ({} TU(s) promoted)\n",
            q.from.short(),
            q.cold.short(),
            q.promoted.len()
        ));
    }
    if let Some(sync) = &q.hot_sync {
        out.push_str(&format!("{hot} joined cold at {}\n", sync.short()));
    }
    if !q.waiting.is_empty() {
        out.push_str(&format!(
            "waiting on {hot}, not submitted: {}\n",
            q.waiting.join(", ")
        ));
    }
    for (commit, subject) in &q.untraced {
        out.push_str(&format!(
            "left on {hot}, untraced: {} {subject}\n",
            commit.short()
        ));
    }
    if !q.next_loops.is_empty() {
        out.push_str(&format!("next loops: {}\n", q.next_loops.join(", ")));
    }
    out
}

/// Cold is already at the target: nothing to do.
fn up_to_date(ctx: &Ctx, at: &str) -> Output {
    Output {
        stdout: match ctx.format {
            Format::Json => json_pretty(&UpToDateJson {
                merged: false,
                up_to_date: true,
                cold: at,
            }),
            _ => format!(
                "cold is already at {} — nothing to merge\n",
                crate::ids::short(at)
            ),
        },
        stderr: String::new(),
        code: 0,
    }
}

/// The gatecheck or traceability refused: the report, and exit 1.
fn refused(ctx: &Ctx, verdict: &Verdict, why: &str) -> Output {
    let stdout = match ctx.format {
        Format::Json => json_pretty(&RefusedJson {
            merged: false,
            refused: why,
            verdict: VerdictJson::from(&verdict.report),
        }),
        Format::Github => render::github(&verdict.report),
        Format::Human => render::human(
            &verdict.report,
            &crate::gate::render::NoSource,
            "merge",
            ctx.color,
        ),
    };
    Output {
        stdout,
        stderr: format!("error: merge refused: {why}; cold did not move\n"),
        code: 1,
    }
}

/// Cold moved (or would move, in a dry run), for people: the findings, if any, then the
/// move, the TUs it merged and the loops to run next.
fn moved_human(
    ctx: &Ctx,
    from: &str,
    to: &str,
    verdict: &Verdict,
    dry_run: bool,
    cold_merged: &[String],
    next_loops: &[String],
) -> String {
    let mut out = String::new();
    if !verdict.report.findings.is_empty() {
        out.push_str(&render::human(
            &verdict.report,
            &crate::gate::render::NoSource,
            "merge",
            ctx.color,
        ));
        out.push('\n');
    }
    let verb = if dry_run {
        "would fast-forward"
    } else {
        "fast-forwarded"
    };
    out.push_str(&format!(
        "cold {verb} {} → {} ({} commit(s), gate {})\n",
        crate::ids::short(from),
        crate::ids::short(to),
        verdict.range.len(),
        serde_json::to_value(verdict.report.decision)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    ));
    if !cold_merged.is_empty() {
        out.push_str(&format!("cold-merged: {}\n", cold_merged.join(", ")));
    }
    if !next_loops.is_empty() {
        out.push_str(&format!("next loops: {}\n", next_loops.join(", ")));
    }
    out
}
