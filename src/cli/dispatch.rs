//! `showrunner dispatch "<request>"` (`customer.intent.dispatch`).

use std::collections::{BTreeMap, BTreeSet};

use clap::Args;
use serde::Serialize;

use super::{Ctx, Format, Output, json_pretty};
use crate::app::{OpenRequest, Session};
use crate::app::{loops, questions};
use crate::error::Error;
use crate::orchestra::dispatch::{self, Dispatch, Pick};
use crate::studio::playbook::{self, Playbook};

/// Arguments of `dispatch`.
#[derive(Debug, Args)]
pub struct DispatchArgs {
    /// The customer's request, in their words.
    pub request: String,
    /// Open the TU(s) too (otherwise only say what would be done).
    #[arg(long)]
    pub open: bool,
}

/// `dispatch --format json`: the loops, what the request said, and what was (or would
/// be) opened.
#[derive(Serialize)]
struct DispatchJson<'a> {
    #[serde(rename = "loop")]
    first: Option<&'a str>,
    loops: Vec<&'a str>,
    params: &'a BTreeMap<String, Vec<String>>,
    roles: &'a BTreeSet<String>,
    ambiguous: bool,
    question: Option<&'a str>,
    lanes: &'a [Vec<String>],
    candidates: &'a [Pick],
    opened: &'a [String],
    woken: &'a [&'a str],
    would_open: Vec<WouldOpen<'a>>,
}

/// A TU `dispatch --open` would open, with its brief.
#[derive(Serialize)]
struct WouldOpen<'a> {
    id: &'a str,
    brief: &'a str,
}

/// What `dispatch` found and did, for the renderers.
struct Dispatched {
    d: Dispatch,
    roles: BTreeSet<String>,
    question: Option<String>,
    opening: Opening,
}

/// The TUs `dispatch` opened, or would open.
#[derive(Default)]
struct Opening {
    opened: Vec<String>,
    woken: Vec<&'static str>,
    /// The brief each loop's TU would get (what `--open` commits).
    briefs: Vec<(String, String)>,
}

pub(super) fn run(ctx: &Ctx, args: DispatchArgs) -> Result<Output, Error> {
    if args.request.trim().is_empty() {
        return Err(Error::Usage("dispatch needs a request".into()));
    }
    let ws = ctx.session()?;
    let (cat, studio_playbooks) = crate::app::read::catalogue(ws)?;
    let playbooks = playbook::in_force(&studio_playbooks);
    let d = dispatch::dispatch(&args.request, &playbooks, &cat);
    let roles = roles(&d, &playbooks);
    let question = if d.ambiguous {
        questions::ask_which_loop(ws, &args.request, &d.candidates, &playbooks)?
    } else {
        None
    };
    let opening = open_or_preview(ws, &playbooks, &d, &args.request, args.open)?;
    let r = Dispatched {
        d,
        roles,
        question,
        opening,
    };
    let stdout = match ctx.format {
        Format::Json => json(&r),
        _ => human(&r),
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}

/// Every role the chosen loops involve: accountable, responsible and woken.
fn roles(d: &Dispatch, playbooks: &BTreeMap<String, Playbook>) -> BTreeSet<String> {
    let mut roles: BTreeSet<String> = BTreeSet::new();
    for p in &d.loops {
        if let Some(pb) = playbooks.get(&p.loop_id) {
            roles.insert(pb.raci.accountable.clone());
            roles.extend(pb.raci.responsible.iter().cloned());
            roles.extend(pb.wakes.iter().cloned());
        }
    }
    roles
}

/// Opens a TU per chosen loop (`--open`), or previews the brief each would get; nothing
/// when the request is ambiguous.
fn open_or_preview(
    ws: &Session,
    playbooks: &BTreeMap<String, Playbook>,
    d: &Dispatch,
    request: &str,
    open: bool,
) -> Result<Opening, Error> {
    let title: String = request.trim().chars().take(80).collect();
    let inputs: Vec<String> = d
        .params
        .iter()
        .map(|(k, v)| format!("{k}: {}", v.join(", ")))
        .collect();
    let mut o = Opening::default();
    if !d.ambiguous {
        for p in &d.loops {
            if open {
                let run = loops::open_run(ws, playbooks, &p.loop_id, &title, &inputs)?;
                o.woken
                    .extend(run.woken.map(|(w, _)| w).unwrap_or_default());
                o.opened.push(run.opened.id);
            } else {
                let (id, _, _, text) = ws.preview(&OpenRequest {
                    loop_id: &p.loop_id,
                    title: &title,
                    role: None,
                    branch: false,
                    inputs: &inputs,
                })?;
                o.briefs.push((id, text));
            }
        }
    }
    Ok(o)
}

/// `dispatch --format json`.
fn json(r: &Dispatched) -> String {
    let Dispatched {
        d,
        roles,
        question,
        opening: Opening {
            opened,
            woken,
            briefs,
        },
    } = r;
    let first = d.loops.first().map(|p| p.loop_id.clone());
    json_pretty(&DispatchJson {
        first: first.as_deref(),
        loops: d.loops.iter().map(|p| p.loop_id.as_str()).collect(),
        params: &d.params,
        roles,
        ambiguous: d.ambiguous,
        question: question.as_deref(),
        lanes: &d.lanes,
        candidates: &d.candidates,
        opened,
        woken,
        would_open: briefs
            .iter()
            .map(|(id, brief)| WouldOpen { id, brief })
            .collect(),
    })
}

/// `dispatch` for people.
fn human(r: &Dispatched) -> String {
    let Dispatched {
        d,
        roles,
        question,
        opening: Opening {
            opened,
            woken,
            briefs,
        },
    } = r;
    let mut o = String::new();
    if d.ambiguous {
        o.push_str("ambiguous: asking instead of guessing\n");
        match question {
            Some(q) => o.push_str(&format!("question: {q} (questions/{q}.yaml)\n")),
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
