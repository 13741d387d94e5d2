//! `showrunner status`: the studio on one screen.

use clap::Args;

use super::{Ctx, Format, Output, json_pretty};
use crate::app::status::{Status, status};
use crate::error::Error;

/// Arguments of `status` (none beyond the global ones).
#[derive(Debug, Args)]
pub struct StatusArgs {}

pub(super) fn run(ctx: &Ctx, _args: StatusArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let st = status(ws)?;
    let stdout = match ctx.format {
        Format::Json => json_pretty(&st),
        Format::Human | Format::Github => human(&st),
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn human(st: &Status) -> String {
    let mut out = String::new();
    let mut branch = format!(
        "{}: {} ahead of {}",
        st.hot,
        plural(st.ahead, "commit", "commits"),
        st.cold
    );
    if !st.tus_ahead.is_empty() {
        branch.push_str(&format!(
            " ({} {})",
            plural(st.tus_ahead.len(), "TU:", "TUs:"),
            st.tus_ahead.join(", ")
        ));
    }
    if st.behind > 0 {
        branch.push_str(&format!(
            "; {} behind (cold cannot fast-forward)",
            plural(st.behind, "commit", "commits")
        ));
    }
    out.push_str(&format!("branches   {branch}\n"));
    match &st.snapshot {
        Some((name, true)) => out.push_str(&format!("snapshot   {name} (cold's tip)\n")),
        Some((name, false)) => out.push_str(&format!("snapshot   {name} (cold has moved since)\n")),
        None => out.push_str("snapshot   none yet\n"),
    }
    match &st.last_gate {
        Some(g) => out.push_str(&format!(
            "last gate  {} for {} on {}{}\n",
            g.decision,
            g.tu,
            g.date,
            g.report
                .as_ref()
                .map(|r| format!(" (report {r})"))
                .unwrap_or_default()
        )),
        None => out.push_str("last gate  none recorded\n"),
    }
    let total: usize = st.open.values().map(Vec::len).sum();
    out.push_str(&format!("open TUs   {total}\n"));
    for (state, tus) in &st.open {
        for t in tus {
            let title = if t.title.is_empty() {
                String::new()
            } else {
                format!("  {}", t.title)
            };
            out.push_str(&format!(
                "  {:<13} {}  [{}]{title}\n",
                state.name(),
                t.id,
                t.loop_id
            ));
        }
    }
    if st.roles.is_empty() {
        out.push_str("roles      none at work\n");
    } else {
        let roles: Vec<String> = st
            .roles
            .iter()
            .map(|(r, tus)| format!("{r} ({})", tus.join(", ")))
            .collect();
        out.push_str(&format!("roles      {}\n", roles.join("; ")));
    }
    out.push_str(&format!("awake      {}\n", st.awake.join(", ")));
    if st.questions.is_empty() {
        out.push_str("questions  none open\n");
    } else {
        out.push_str(&format!("questions  {} open\n", st.questions.join(", ")));
    }
    for (tu, b) in &st.blockers {
        out.push_str(&format!("blocked    {tu}: {b}\n"));
    }
    for t in &st.timeboxes {
        if t.over {
            out.push_str(&format!(
                "timebox    {} ran out on {} ({})\n",
                t.tu, t.ends, t.timebox
            ));
        } else {
            out.push_str(&format!(
                "timebox    {} ends {} ({})\n",
                t.tu, t.ends, t.timebox
            ));
        }
    }
    for (tu, when) in &st.overdue {
        out.push_str(&format!(
            "overdue    {tu} was to be revisited by {when} (`showrunner tu reactivate {tu}`)\n"
        ));
    }
    out.push_str(&format!("\nnext: {}\n  {}\n", st.next.0, st.next.1));
    out
}
