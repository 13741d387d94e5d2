//! `showrunner dispatch "<request>"` (`customer.intent.dispatch`).

use clap::Args;

use super::{Ctx, Format, Output, json_pretty};
use crate::app::dispatch::{self, Dispatched};
use crate::app::questions::WhichLoop;
use crate::error::Error;

/// Arguments of `dispatch`.
#[derive(Debug, Args)]
pub struct DispatchArgs {
    /// The customer's request, in their words.
    pub request: String,
    /// Open the TU(s) too (otherwise only say what would be done).
    #[arg(long)]
    pub open: bool,
}

pub(super) fn run(ctx: &Ctx, args: DispatchArgs) -> Result<Output, Error> {
    if args.request.trim().is_empty() {
        return Err(Error::Usage("dispatch needs a request".into()));
    }
    let r = dispatch::dispatch(ctx.session()?, &args.request, args.open)?;
    let stdout = match ctx.format {
        Format::Json => json_pretty(&r),
        _ => human(&r),
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}

/// `dispatch` for people.
fn human(r: &Dispatched) -> String {
    let Dispatched {
        dispatch: d,
        roles,
        question,
        opened,
        woken,
        would_open: briefs,
    } = r;
    let mut o = String::new();
    if d.ambiguous || !d.missing.is_empty() {
        if d.ambiguous {
            o.push_str("ambiguous: asking instead of guessing\n");
        } else {
            for m in &d.missing {
                o.push_str(&format!(
                    "{} needs its {}{}: asking instead of guessing\n",
                    m.loop_id,
                    m.param,
                    m.unusable
                        .as_deref()
                        .map(|u| format!(" (\"{u}\" is not a language showrunner knows)"))
                        .unwrap_or_default()
                ));
            }
        }
        match question {
            Some(WhichLoop::Batch(q)) => {
                o.push_str(&format!("question: {q} (questions/{q}.yaml)\n"));
            }
            Some(WhichLoop::Would(q)) => {
                o.push_str(&format!(
                    "question (not asked: a dry run; `--open` asks it): {}\n",
                    q.question
                ));
                for c in &q.options {
                    let mark = if c.key == q.recommendation {
                        " (recommended)"
                    } else {
                        ""
                    };
                    o.push_str(&format!("  {}) {}{mark} — {}\n", c.key, c.label, c.impact));
                }
            }
            None => o.push_str(
                "question: not asked — the attention budget of open questions is spent\n",
            ),
        }
        for c in &d.candidates {
            o.push_str(&format!(
                "  candidate {} ({:.2}: {})\n",
                c.loop_id,
                c.score,
                c.because.join(", ")
            ));
        }
    } else {
        for p in &d.loops {
            o.push_str(&format!(
                "loop: {} ({:.2}: {})\n",
                p.loop_id,
                p.score,
                p.because.join(", ")
            ));
        }
        if d.lanes.len() > 1 {
            o.push_str(&format!(
                "lanes: {}\n",
                d.lanes
                    .iter()
                    .map(|l| l.join(" → "))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
        o.push_str(&format!(
            "roles: {}\n",
            roles.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
        for (id, text) in briefs {
            o.push_str(&format!("would open {id} (`--open`), with the brief:\n"));
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                o.push_str(&format!("    {line}\n"));
            }
        }
    }
    for (k, v) in &d.params {
        o.push_str(&format!("{k}: {}\n", v.join(", ")));
    }
    for id in opened {
        o.push_str(&format!("opened {id}\n"));
    }
    if !woken.is_empty() {
        o.push_str(&format!("woke {}\n", woken.join(", ")));
    }
    o
}
