//! `showrunner merge`: the Showrunner's authorised, fast-forward-only move of cold.

use clap::Args;
use serde::Serialize;

use super::{Ctx, Format, Output, VerdictJson, json_pretty};
use crate::app::cold::{self, MergeOptions, Merged, Verdict};
use crate::error::Error;
use crate::gate::render;

/// Arguments of `merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// What cold should move to (default: the hot branch).
    #[arg(long)]
    pub to: Option<String>,
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
        dry_run: args.dry_run,
        accept_conditional: args.accept_conditional,
    };
    let (outcome, from) = cold::merge(ws, &opts)?;
    let mut out = match outcome {
        Merged::UpToDate { at } => up_to_date(ctx, &at),
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
