//! `showrunner report`: the studio's metrics as text, JSON or an HTML dashboard.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::{Ctx, Output};
use crate::error::Error;
use crate::report::{self, Report, hours};

/// Arguments of `report` (its `--format` is human, json or html; default human).
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Count only what happened on this day (`YYYY-MM-DD`, UTC) and after.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Write to a file instead of standard output.
    #[arg(short = 'o', long = "out")]
    pub out: Option<PathBuf>,
}

pub(super) fn run(ctx: &Ctx, args: ReportArgs) -> Result<Output, Error> {
    let format = ctx.exports.as_deref().unwrap_or("human");
    if !matches!(format, "human" | "json" | "html") {
        return Err(Error::Usage(format!(
            "`--format {format}`: the report is human, json or html"
        )));
    }
    let ws = ctx.session()?;
    let r = crate::app::report::compute(ws, args.since.as_deref())?;
    let text = match format {
        "json" => {
            let mut s = serde_json::to_string_pretty(&r).unwrap_or_default();
            s.push('\n');
            s
        }
        "html" => {
            let own = ws.hot_template(report::html::TEMPLATE)?;
            let map = crate::app::report::story_map(ws);
            let view = map
                .as_ref()
                .map_err(|e| format!("the story map could not be drawn: {e}"));
            report::html::render(&r, &ws.config.title, view, own.as_deref())?
        }
        _ => human(&r),
    };
    Ok(Output {
        stdout: super::emit(ctx, args.out.as_deref(), text)?,
        stderr: String::new(),
        code: 0,
    })
}

/// The report as text: a line per section, then its details indented.
fn human(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Studio report ({})\n", r.period());
    tus(&mut o, &r.tus);
    cycle(&mut o, &r.tus.cycle);
    gates(&mut o, &r.gates);
    let _ = writeln!(o, "Rework       {} cycle(s)", r.rework.cycles);
    for (tu, n) in &r.rework.by_tu {
        let _ = writeln!(o, "  {tu}  {n}");
    }
    roles(&mut o, &r.roles);
    blockers(&mut o, &r.blockers);
    hooks(&mut o, &r.hooks);
    let q = &r.questions;
    let _ = writeln!(
        o,
        "Questions    {} open, {} answered, {} decision(s) recorded",
        q.open.len(),
        q.answered.len(),
        q.decisions
    );
    snapshots(&mut o, &r.snapshots);
    feedback(&mut o, &r.feedback);
    o
}

fn tus(o: &mut String, t: &report::Tus) {
    let _ = writeln!(
        o,
        "TUs          {} opened, {} finished, {} rejected",
        t.opened, t.finished, t.rejected
    );
    let states: Vec<String> = t.by_state.iter().map(|(s, n)| format!("{s} {n}")).collect();
    if !states.is_empty() {
        let _ = writeln!(o, "  by state   {}", states.join(", "));
    }
    for w in t.weeks.iter().filter(|w| w.opened + w.finished > 0) {
        let _ = writeln!(
            o,
            "  week of {}  opened {:>3}  finished {:>3}",
            w.week, w.opened, w.finished
        );
    }
}

fn cycle(o: &mut String, c: &report::Cycle) {
    let _ = writeln!(
        o,
        "Cycle time   {} TU(s) open → cold: median {}, mean {}, longest {}",
        c.count,
        hours(c.median_hours),
        hours(c.mean_hours),
        hours(c.max_hours)
    );
    for x in &c.tus {
        let _ = writeln!(
            o,
            "  {}  {:<18} {} → {}  {} h",
            x.tu,
            x.loop_id.as_deref().unwrap_or("—"),
            x.opened,
            x.merged,
            x.hours
        );
    }
    if !c.unmeasured.is_empty() {
        let _ = writeln!(
            o,
            "  not measured (merge moment unrecorded): {}",
            c.unmeasured.join(", ")
        );
    }
}

fn gates(o: &mut String, g: &report::Gates) {
    let ratio = |n: usize| {
        if g.total == 0 {
            String::new()
        } else {
            format!(" ({:.0} %)", n as f64 * 100.0 / g.total as f64)
        }
    };
    let d = &g.decisions;
    let _ = writeln!(
        o,
        "Gate         {} decision(s): {} pass{}, {} conditional{}, {} block{}",
        g.total,
        d.pass,
        ratio(d.pass),
        d.conditional,
        ratio(d.conditional),
        d.block,
        ratio(d.block)
    );
    for (l, d) in &g.by_loop {
        let _ = writeln!(
            o,
            "  {l:<20} pass {}, conditional {}, block {}",
            d.pass, d.conditional, d.block
        );
    }
    if !g.by_bar.is_empty() {
        let bars: Vec<String> = g
            .by_bar
            .iter()
            .map(|b| format!("{} (red {}, yellow {})", b.bar, b.red, b.yellow))
            .collect();
        let _ = writeln!(o, "  bars       {}", bars.join(", "));
    }
}

fn roles(o: &mut String, roles: &[report::RoleUse]) {
    if roles.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "Roles        TU commits, share, hours on its TUs, hours awake, woken/slept"
    );
    for u in roles {
        let _ = writeln!(
            o,
            "  {:<18} {:>4}  {:>5.1} %  {:>7} h  {:>7} h  {}/{}",
            u.role,
            u.commits,
            u.share * 100.0,
            u.tu_hours,
            u.awake_hours,
            u.woken,
            u.put_to_sleep
        );
    }
}

fn blockers(o: &mut String, b: &report::Blockers) {
    let _ = writeln!(
        o,
        "Blockers     {} of {} checkpoint(s) named a blocker; blocking hook cards: {}",
        b.with_blockers,
        b.checkpoints,
        if b.blocking_hooks.is_empty() {
            "none".to_string()
        } else {
            b.blocking_hooks.join(", ")
        }
    );
    for (tu, text) in &b.named {
        let _ = writeln!(o, "  {tu}: {text}");
    }
}

fn hooks(o: &mut String, h: &report::Hooks) {
    let statuses: Vec<String> = h
        .by_status
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    let _ = writeln!(
        o,
        "Hooks        {} card(s){}{}",
        h.total,
        h.triaged_rate
            .map_or(String::new(), |x| format!(", {:.0} % triaged", x * 100.0)),
        if statuses.is_empty() {
            String::new()
        } else {
            format!(" ({})", statuses.join(", "))
        }
    );
}

fn snapshots(o: &mut String, snapshots: &[report::SnapshotLine]) {
    let _ = writeln!(o, "Snapshots    {}", snapshots.len());
    for s in snapshots {
        let _ = writeln!(
            o,
            "  {}  {}  {} new TU(s), {} player-facing file(s), views: {}",
            s.name,
            s.date,
            s.tus,
            s.files,
            s.views_text().unwrap_or_else(|| "none bound".to_string())
        );
    }
}

fn feedback(o: &mut String, f: &report::Feedback) {
    let _ = writeln!(
        o,
        "Feedback     {} score(s){}",
        f.count,
        f.mean.map_or(String::new(), |m| format!(", mean {m} / 5"))
    );
    for m in &f.by_milestone {
        let _ = writeln!(
            o,
            "  {:<28} {} score(s), mean {}",
            m.milestone.as_deref().unwrap_or("(before any snapshot)"),
            m.count,
            m.mean
        );
    }
    for (day, score, note) in &f.notes {
        let _ = writeln!(o, "  {day} {score}/5  {note}");
    }
}
