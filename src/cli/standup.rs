//! `showrunner standup [--role r]`: each role's blockers, aged questions, idle TUs and
//! what is due, and the Showrunner's escalations.

use clap::Args;

use super::{Ctx, Format, Output, json_pretty};
use crate::app::standup::{Item, Standup, standup};
use crate::error::Error;

/// Arguments of `standup`.
#[derive(Debug, Args)]
pub struct StandupArgs {
    /// One role's digest (id or code: `lore_weaver`, `LW`).
    #[arg(long)]
    pub role: Option<String>,
}

pub(super) fn run(ctx: &Ctx, args: StandupArgs) -> Result<Output, Error> {
    let s = standup(ctx.session()?, args.role.as_deref())?;
    let stdout = match ctx.format {
        Format::Json => json_pretty(&s),
        Format::Human | Format::Github => human(&s),
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}

fn line(i: &Item) -> String {
    let mut s = String::from("    ");
    if let Some(tu) = &i.tu {
        s.push_str(&format!("{tu}  "));
    }
    s.push_str(&i.what);
    if let Some(d) = &i.date {
        s.push_str(&format!("  ({d})"));
    }
    s.push('\n');
    s
}

fn human(s: &Standup) -> String {
    let mut out = format!("standup {}\n", s.date);
    if s.roles.is_empty() && s.escalations.is_empty() {
        out.push_str("nothing blocked, waiting, idle or due\n");
        return out;
    }
    for d in &s.roles {
        out.push_str(&format!("\n{}\n", d.role));
        let mut any = false;
        for (title, items) in [
            ("blockers", &d.blockers),
            ("questions waiting", &d.questions),
            ("idle", &d.idle),
            ("due", &d.due),
        ] {
            if items.is_empty() {
                continue;
            }
            any = true;
            out.push_str(&format!("  {title}\n"));
            for i in items {
                out.push_str(&line(i));
            }
        }
        if !any {
            out.push_str("  nothing blocked, waiting, idle or due\n");
        }
    }
    if !s.escalations.is_empty() {
        out.push_str("\nescalations (showrunner)\n");
        for i in &s.escalations {
            out.push_str(&line(i));
        }
    }
    out
}
