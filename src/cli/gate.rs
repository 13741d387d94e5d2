//! `showrunner gate …`: the Gatekeeper's commands.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{Ctx, Format, Output, json_pretty, report_output};
use crate::app::submit::{self, Submitted};
use crate::error::Error;
use crate::gate::{self, Bar, Options, codes};

/// Arguments of `gate`.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// Which gate command.
    #[command(subcommand)]
    pub command: GateCommand,
}

/// Gate commands.
#[derive(Debug, Subcommand)]
pub enum GateCommand {
    /// Gatecheck the tree of a commit, read from git objects (works in a bare repository).
    Check {
        /// The commit to check (branch, tag or id). Default: the studio's hot branch.
        #[arg(long)]
        rev: Option<String>,
        /// Only these bars, comma-separated (schema, integrity, reachability, nonlinearity,
        /// gateways, style, determinism, presentation, accessibility).
        #[arg(long, value_delimiter = ',')]
        bars: Vec<String>,
        /// Add a witness route (sections and choices) for every reachable keystone.
        #[arg(long)]
        explain: bool,
    },
    /// What a finding code means and how to fix it (no code: list them all).
    Explain {
        /// A code such as `gateways/unobtainable`.
        code: Option<String>,
    },
    /// Show a committed gate report (`gate/<GK-ID>.yaml` on hot).
    Show {
        /// The report id, e.g. `GK-2026-11-26-01`.
        id: String,
    },
    /// Submit a TU to the Gatekeeper: check its branch tip, commit the report, move the TU.
    Submit {
        /// The TU (default: the active one).
        #[arg(long)]
        tu: Option<String>,
    },
}

pub(super) fn run(ctx: &Ctx, args: GateArgs) -> Result<Output, Error> {
    match args.command {
        GateCommand::Check { rev, bars, explain } => check(ctx, rev, &bars, explain),
        GateCommand::Explain { code } => explain(ctx, code.as_deref()),
        GateCommand::Show { id } => show(ctx, &id),
        GateCommand::Submit { tu } => submit(ctx, tu.as_deref()),
    }
}

/// `gate check`: the tree of `--rev` (default hot) through the chosen bars.
fn check(ctx: &Ctx, rev: Option<String>, bars: &[String], explain: bool) -> Result<Output, Error> {
    let (loaded, described) = crate::app::read::studio_at(ctx.session()?, rev.as_deref())?;
    let mut opts = Options {
        explain,
        ..Options::default()
    };
    if !bars.is_empty() {
        opts.bars = parse_bars(bars)?;
    }
    let report = gate::check_with(&loaded, &opts);
    let o = report_output(ctx, &report, &loaded, &format!("gate check {described}"));
    crate::app::release((loaded, report));
    Ok(o)
}

/// The bars `--bars` names (traceability is not one to pick: it is `merge`'s).
fn parse_bars(bars: &[String]) -> Result<Vec<Bar>, Error> {
    bars.iter()
        .map(|b| {
            Bar::parse(b)
                .filter(|b| *b != Bar::Traceability)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "`{b}` is not a bar ({})",
                        gate::BARS
                            .iter()
                            .map(|b| b.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })
        })
        .collect()
}

/// `gate show <id>`: a committed report as written, or its data as JSON.
fn show(ctx: &Ctx, id: &str) -> Result<Output, Error> {
    let (path, bytes) = crate::app::read::gate_report(ctx.session()?, id)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let stdout = match ctx.format {
        Format::Json => {
            let art = crate::artifact::parse(crate::artifact::Kind::GateReport, &path, &bytes)
                .map_err(crate::error::InputError::Rejected)?;
            format!(
                "{}\n",
                serde_json::to_string_pretty(&art.data.to_json()).unwrap_or_default()
            )
        }
        _ => text,
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}

/// `gate submit`: exit 1 when the Gatekeeper blocks.
fn submit(ctx: &Ctx, tu: Option<&str>) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let s = submit::submit(ws, tu)?;
    let stdout = match ctx.format {
        Format::Json => json_pretty(&s),
        _ => submit_human(&s),
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: if s.report.decision == gate::Decision::Block {
            1
        } else {
            0
        },
    })
}

/// `gate submit` for people: the TU's move and the remediation by owner.
fn submit_human(s: &Submitted) -> String {
    let decision = serde_json::to_value(s.report.decision)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut out = format!(
        "{}: gatecheck {decision} — report {} ({}) on {}\n{}: {} → {}\n",
        s.tu,
        s.report_id,
        crate::ids::short(&s.commit),
        s.branch,
        s.tu,
        s.from,
        s.to
    );
    if let Some(base) = &s.base {
        out.push_str(&format!(
            "judged as cold ({}) plus {}'s changes\n",
            base.short(),
            s.tu
        ));
    }
    if !s.pre_existing.is_empty() {
        out.push_str(&format!(
            "{} finding(s) already stood on cold, not charged to {}:\n",
            s.pre_existing.len(),
            s.tu
        ));
        for f in &s.pre_existing {
            out.push_str(&format!("  {}  {}  {}\n", f.path, f.code, f.message));
        }
    }
    if !s.woken.is_empty() {
        out.push_str(&format!(
            "woke {} (they own the blocking findings)\n",
            s.woken.join(", ")
        ));
    }
    let groups = s.report.remediation();
    if !groups.is_empty() {
        out.push_str("\nremediation:\n");
        for (owner, fs) in groups {
            out.push_str(&format!("  {owner} ({}):\n", fs.len()));
            for f in fs {
                let at = if f.line > 0 {
                    format!("{}:{}", f.path, f.line)
                } else {
                    f.path.clone()
                };
                out.push_str(&format!("    {at}  {}  {}\n", f.code, f.message));
                if !f.fix.is_empty() {
                    out.push_str(&format!("      fix: {}\n", f.fix));
                }
            }
        }
    }
    out
}

/// A code in `gate explain --format json` without a code: no explanation.
#[derive(Serialize)]
struct CodeJson {
    code: &'static str,
    severity: gate::Severity,
    summary: &'static str,
}

fn explain(ctx: &Ctx, code: Option<&str>) -> Result<Output, Error> {
    let sev = |s: gate::Severity| {
        if s == gate::Severity::Error {
            "error"
        } else {
            "warning"
        }
    };
    let stdout = match code {
        Some(code) => {
            let info = codes::lookup(code).ok_or_else(|| {
                let all: Vec<String> = codes::CODES.iter().map(|c| c.code.to_string()).collect();
                let mut msg = format!("`{code}` is not a finding code");
                if let Some(s) = crate::schema::suggest(code, &all) {
                    msg.push_str(&format!(" (did you mean `{s}`?)"));
                }
                Error::Usage(msg)
            })?;
            match ctx.format {
                Format::Json => json_pretty(info),
                _ => format!(
                    "{} ({})\n{}\n\n{}\n",
                    info.code,
                    sev(info.severity),
                    info.summary,
                    info.explain
                ),
            }
        }
        None => match ctx.format {
            Format::Json => json_pretty(
                &codes::CODES
                    .iter()
                    .map(|c| CodeJson {
                        code: c.code,
                        severity: c.severity,
                        summary: c.summary,
                    })
                    .collect::<Vec<_>>(),
            ),
            _ => codes::CODES
                .iter()
                .map(|c| format!("{:<40} {:<8} {}\n", c.code, sev(c.severity), c.summary))
                .collect(),
        },
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}
