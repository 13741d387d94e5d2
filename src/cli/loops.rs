//! `showrunner loop`: the playbooks, and runs of them as TUs.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{Ctx, Format, Output, json_line};
use crate::app::{Session, loops};
use crate::error::Error;
use crate::studio::playbook::{Deliverable, Parameter, Playbook, Raci, Step};

/// Arguments of `loop`.
#[derive(Debug, Args)]
pub struct LoopArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: LoopCommand,
}

/// `loop` subcommands.
#[derive(Debug, Subcommand)]
pub enum LoopCommand {
    /// Every loop: id, category, name, purpose.
    List,
    /// One loop whole: triggers, parameters, RACI, steps, deliverables, bars, exits.
    Show {
        /// The loop id (`scene_forge`).
        id: String,
    },
    /// Run a loop: open its TU (inputs from `--param`) and wake the roles it needs.
    Run {
        /// The loop id.
        id: String,
        /// A parameter as `name=value` (repeatable).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// The TU's title (default: the loop's name and the parameters).
        #[arg(long)]
        title: Option<String>,
    },
    /// Steps done, deliverables present, blockers, and what to do next.
    Status {
        /// The TU (default: the active one).
        tu: Option<String>,
    },
}

/// A loop in `loop list --format json`.
#[derive(Serialize)]
struct LoopJson<'a> {
    id: &'a str,
    name: &'a str,
    category: &'a str,
    purpose: &'a str,
}

/// `loop show --format json`: the playbook as a person reads it (no dispatch keywords).
#[derive(Serialize)]
struct ShowJson<'a> {
    id: &'a str,
    name: &'a str,
    category: &'a str,
    purpose: &'a str,
    triggers: &'a [String],
    parameters: &'a [Parameter],
    raci: &'a Raci,
    steps: &'a [Step],
    deliverables: &'a [Deliverable],
    bars: &'a [String],
    exit_criteria: &'a [String],
    hands_off_to: &'a [String],
    follows: &'a [String],
    wakes: &'a [String],
}

/// `loop run --format json`: the TU opened and the roles woken for it.
#[derive(Serialize)]
struct RunJson<'a> {
    id: &'a str,
    #[serde(rename = "loop")]
    loop_id: &'a str,
    commit: &'a str,
    path: &'a str,
    woken: &'a [&'a str],
    roster_commit: Option<&'a str>,
}

fn out(stdout: String) -> Output {
    Output {
        stdout,
        stderr: String::new(),
        code: 0,
    }
}

pub(super) fn run(ctx: &Ctx, args: LoopArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let json = ctx.format == Format::Json;
    match args.command {
        LoopCommand::List => list(ws, json),
        LoopCommand::Show { id } => show(ws, &id, json),
        LoopCommand::Run { id, params, title } => {
            run_loop(ws, &id, &params, title.as_deref(), json)
        }
        LoopCommand::Status { tu } => status(ws, tu.as_deref(), json),
    }
}

/// `loop list`.
fn list(ws: &Session, json: bool) -> Result<Output, Error> {
    let books = ws.playbooks()?;
    if json {
        let v: Vec<LoopJson> = books
            .values()
            .map(|p| LoopJson {
                id: &p.id,
                name: &p.name,
                category: &p.category,
                purpose: &p.purpose,
            })
            .collect();
        return Ok(out(json_line(&v)));
    }
    let mut s = String::new();
    for p in books.values() {
        let first = p
            .purpose
            .split(". ")
            .next()
            .unwrap_or("")
            .trim_end_matches('.');
        s.push_str(&format!(
            "{:<22} {:<11} {:<22} {first}\n",
            p.id, p.category, p.name
        ));
    }
    Ok(out(s))
}

/// `loop show <id>`.
fn show(ws: &Session, id: &str, json: bool) -> Result<Output, Error> {
    let books = ws.playbooks()?;
    let p = loops::find(&books, id)?;
    if json {
        return Ok(out(json_line(&ShowJson {
            id: &p.id,
            name: &p.name,
            category: &p.category,
            purpose: &p.purpose,
            triggers: &p.triggers,
            parameters: &p.parameters,
            raci: &p.raci,
            steps: &p.steps,
            deliverables: &p.deliverables,
            bars: &p.bars,
            exit_criteria: &p.exit_criteria,
            hands_off_to: &p.hands_off_to,
            follows: &p.follows,
            wakes: &p.wakes,
        })));
    }
    Ok(out(show_human(p)))
}

/// A playbook as `loop show` prints it for people.
fn show_human(p: &Playbook) -> String {
    let mut s = format!("{} — {} ({})\n\n{}\n", p.id, p.name, p.category, p.purpose);
    if !p.triggers.is_empty() {
        s.push_str(&format!("\ntriggers: {}\n", p.triggers.join("; ")));
    }
    if !p.parameters.is_empty() {
        s.push_str("\nparameters:\n");
        for q in &p.parameters {
            s.push_str(&format!(
                "  {:<12} {}{} — {}\n",
                q.name,
                q.extractor,
                if q.required { ", required" } else { "" },
                q.description
            ));
        }
    }
    s.push_str(&format!(
        "\nRACI: accountable {}; responsible {}; consulted {}; informed {}\n",
        p.raci.accountable,
        p.raci.responsible.join(", "),
        p.raci.consulted.join(", "),
        p.raci.informed.join(", ")
    ));
    s.push_str("\nsteps:\n");
    for (i, st) in p.steps.iter().enumerate() {
        s.push_str(&format!(
            "  {}. {} ({}){} — {}\n",
            i + 1,
            st.id,
            st.role,
            if st.optional { ", optional" } else { "" },
            st.produces
        ));
    }
    s.push_str("\ndeliverables:\n");
    for d in &p.deliverables {
        s.push_str(&format!(
            "  {} × {}{}\n",
            d.min.unwrap_or(0),
            d.kind,
            d.description
                .as_ref()
                .map(|x| format!(" — {x}"))
                .unwrap_or_default()
        ));
    }
    s.push_str(&format!("\nbars: {}\n", p.bars.join(", ")));
    if !p.exit_criteria.is_empty() {
        s.push_str("\nexit criteria:\n");
        for e in &p.exit_criteria {
            s.push_str(&format!("  - {e}\n"));
        }
    }
    if !p.follows.is_empty() {
        s.push_str(&format!("\nfollows: {}\n", p.follows.join(", ")));
    }
    if !p.hands_off_to.is_empty() {
        s.push_str(&format!("hands off to: {}\n", p.hands_off_to.join(", ")));
    }
    s
}

/// `loop run <id>`: `--param name=value` pairs checked for shape, then the run opened.
fn run_loop(
    ws: &Session,
    id: &str,
    params: &[String],
    title: Option<&str>,
    json: bool,
) -> Result<Output, Error> {
    let params = params
        .iter()
        .map(|p| {
            p.split_once('=')
                .filter(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty())
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| Error::Usage(format!("`--param {p}`: write it as `name=value`")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let r = loops::run(ws, id, title, &params)?;
    let woken: Vec<&str> = r.woken.as_ref().map(|w| w.0.clone()).unwrap_or_default();
    if json {
        return Ok(out(json_line(&RunJson {
            id: &r.opened.id,
            loop_id: id,
            commit: &r.opened.commit,
            path: &r.opened.path,
            woken: &woken,
            roster_commit: r.woken.as_ref().map(|w| w.1.as_str()),
        })));
    }
    let mut s = format!(
        "{}: a run of {id} — brief {} on hot ({}); now the active TU\n",
        r.opened.id,
        r.opened.path,
        crate::ids::short(&r.opened.commit)
    );
    if !woken.is_empty() {
        s.push_str(&format!("woke: {}\n", woken.join(", ")));
    }
    s.push_str(&format!("next: showrunner loop status {}\n", r.opened.id));
    Ok(out(s))
}

/// `loop status [<tu>]`.
fn status(ws: &Session, tu: Option<&str>, json: bool) -> Result<Output, Error> {
    let st = loops::status(ws, tu)?;
    if json {
        return Ok(out(json_line(&st)));
    }
    Ok(out(status_human(&st)))
}

/// Where a loop run stands, for people.
fn status_human(st: &loops::Status) -> String {
    let mut s = format!(
        "{} — {} ({}, {})\n\nsteps:\n",
        st.tu, st.title, st.loop_id, st.state
    );
    for (step, done) in &st.steps {
        s.push_str(&format!(
            "  [{}] {:<18} {}{}\n",
            if *done { "x" } else { " " },
            step.id,
            step.role,
            if step.optional { " (optional)" } else { "" }
        ));
    }
    for e in &st.extra_steps {
        s.push_str(&format!("  [x] {e} (not a step of this loop)\n"));
    }
    s.push_str("\ndeliverables:\n");
    for (d, files) in &st.deliverables {
        if loops::is_file_kind(&d.kind) {
            s.push_str(&format!(
                "  {}/{} {}{}\n",
                files.len(),
                d.min.unwrap_or(0),
                d.kind,
                if files.is_empty() {
                    String::new()
                } else {
                    format!(": {}", files.join(", "))
                }
            ));
        } else {
            s.push_str(&format!(
                "  {} × {} (made by its own command, not counted from files)\n",
                d.min.unwrap_or(0),
                d.kind
            ));
        }
    }
    if !st.blockers.is_empty() {
        s.push_str(&format!("\nblockers: {}\n", st.blockers.join("; ")));
    }
    s.push_str(&format!("\nnext: {}\n  $ {}\n", st.next.0, st.next.1));
    s
}
