//! `showrunner dispatch "<request>"` (`customer.intent.dispatch`).

use std::collections::{BTreeMap, BTreeSet};

use clap::Args;
use serde::Serialize;

use super::{Ctx, Format, Output, json_pretty};
use crate::app::OpenRequest;
use crate::app::{loops, questions};
use crate::artifact::{self, Kind};
use crate::error::Error;
use crate::orchestra::dispatch::{self, Catalogue, Pick};
use crate::studio::playbook;

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

pub(super) fn run(ctx: &Ctx, args: DispatchArgs) -> Result<Output, Error> {
    if args.request.trim().is_empty() {
        return Err(Error::Usage("dispatch needs a request".into()));
    }
    let ws = ctx.session()?;
    let repo = &ws.repo;
    let hot = repo.resolve_commit(&ws.config.hot)?;
    let files = repo.tree_files(&hot, &|p| {
        p.starts_with("sections/")
            || p.starts_with("codex/")
            || p.starts_with("hooks/")
            || p.starts_with("playbooks/")
    })?;
    let mut cat = Catalogue::default();
    let mut studio_playbooks = Vec::new();
    for (path, bytes) in files {
        let title = |k| {
            artifact::parse(k, &path, &bytes)
                .ok()
                .and_then(|a| a.data.str_at("title").map(str::to_string))
                .unwrap_or_default()
        };
        let id = artifact::stem(&path).to_string();
        if path.starts_with("sections/") {
            cat.sections.push((id, title(Kind::Section)));
        } else if path.starts_with("codex/") {
            cat.codex.push((id, title(Kind::Codex)));
        } else if path.starts_with("hooks/") {
            // A triaged hook waits for the loop its card names; a proposed one's
            // `next_loop` is only a suggestion.
            if let Ok(a) = artifact::parse(Kind::Hook, &path, &bytes)
                && matches!(a.data.str_at("status"), Some("accepted" | "in-progress"))
                && let Some(next) = a.data.str_at("next_loop")
            {
                cat.hook_loops.push((id.clone(), next.to_string()));
            }
            cat.hooks.push(id);
        } else {
            studio_playbooks.push((path, bytes));
        }
    }
    cat.snapshots = crate::app::snapshot::list(repo)?
        .into_iter()
        .map(|s| s.name)
        .collect();
    let playbooks = playbook::in_force(&studio_playbooks);
    let d = dispatch::dispatch(&args.request, &playbooks, &cat);
    let mut roles: BTreeSet<String> = BTreeSet::new();
    for p in &d.loops {
        if let Some(pb) = playbooks.get(&p.loop_id) {
            roles.insert(pb.raci.accountable.clone());
            roles.extend(pb.raci.responsible.iter().cloned());
            roles.extend(pb.wakes.iter().cloned());
        }
    }
    let question = if d.ambiguous {
        questions::ask_which_loop(ws, &args.request, &d.candidates, &playbooks)?
    } else {
        None
    };
    let title: String = args.request.trim().chars().take(80).collect();
    let inputs: Vec<String> = d
        .params
        .iter()
        .map(|(k, v)| format!("{k}: {}", v.join(", ")))
        .collect();
    let mut opened = Vec::new();
    let mut woken: Vec<&str> = Vec::new();
    // The brief each loop's TU would get (what `--open` commits).
    let mut briefs: Vec<(String, String)> = Vec::new();
    if !d.ambiguous {
        for p in &d.loops {
            if args.open {
                let run = loops::open_run(ws, &playbooks, &p.loop_id, &title, &inputs)?;
                woken.extend(run.woken.map(|(w, _)| w).unwrap_or_default());
                opened.push(run.opened.id);
            } else {
                let (id, _, _, text) = ws.preview(&OpenRequest {
                    loop_id: &p.loop_id,
                    title: &title,
                    role: None,
                    branch: false,
                    inputs: &inputs,
                })?;
                briefs.push((id, text));
            }
        }
    }
    let first = d.loops.first().map(|p| p.loop_id.clone());
    let stdout = match ctx.format {
        Format::Json => json_pretty(&DispatchJson {
            first: first.as_deref(),
            loops: d.loops.iter().map(|p| p.loop_id.as_str()).collect(),
            params: &d.params,
            roles: &roles,
            ambiguous: d.ambiguous,
            question: question.as_deref(),
            lanes: &d.lanes,
            candidates: &d.candidates,
            opened: &opened,
            woken: &woken,
            would_open: briefs
                .iter()
                .map(|(id, brief)| WouldOpen { id, brief })
                .collect(),
        }),
        _ => {
            let mut o = String::new();
            if d.ambiguous {
                o.push_str("ambiguous: asking instead of guessing\n");
                match &question {
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
                for (id, text) in &briefs {
                    o.push_str(&format!("would open {id} (`--open`), with the brief:\n"));
                    for line in text.lines().filter(|l| !l.starts_with('#')) {
                        o.push_str(&format!("    {line}\n"));
                    }
                }
            }
            for (k, v) in &d.params {
                o.push_str(&format!("{k}: {}\n", v.join(", ")));
            }
            for id in &opened {
                o.push_str(&format!("opened {id}\n"));
            }
            if !woken.is_empty() {
                o.push_str(&format!("woke {}\n", woken.join(", ")));
            }
            o
        }
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}
