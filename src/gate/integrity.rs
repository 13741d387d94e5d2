//! The integrity bar: choice targets and body links resolve, no dead ends, the start
//! exists, every section is reachable ignoring gates, and references between artifacts
//! resolve.

use std::collections::BTreeSet;

use super::Finding;
use super::context::{Context, finding};
use crate::artifact::Kind;
use crate::artifact::node::{Node, Value};
use crate::studio::playbook;

/// Runs the bar.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = super::editions::structure(cx);
    let story = &cx.story;
    let start = &cx.studio.config.start;
    let start_is_text = cx
        .of(Kind::Studio)
        .next()
        .and_then(|a| a.data.get("studio"))
        .and_then(|t| t.get("start"))
        .is_some_and(|n| n.as_str().is_some());
    if story.start.is_none()
        && start_is_text
        && !cx
            .studio
            .rejected
            .iter()
            .any(|r| r.path.starts_with("sections/") && crate::artifact::stem(&r.path) == start)
    {
        let (path, line) = cx
            .of(Kind::Studio)
            .next()
            .map(|a| (a.path.as_str(), a.data.locate("/studio/start")))
            .unwrap_or(("studio.toml", 0));
        let known: Vec<String> = story.by_id.keys().cloned().collect();
        let fix = match crate::schema::suggest(start, &known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "set `start` to the id of the opening section".to_string(),
        };
        out.push(finding(
            "integrity/missing-start",
            path,
            line,
            "showrunner",
            format!("the start section `{start}` does not exist"),
            fix,
        ));
    }
    // Every id, for "did you mean": made only when something dangles.
    let ids = std::cell::OnceCell::new();
    let ids = || ids.get_or_init(|| story.by_id.keys().cloned().collect::<Vec<String>>());
    let existing = cx.ids(Kind::Section);
    let whole = cx.graph_complete();
    for (i, s) in story.sections.iter().enumerate() {
        for c in &s.choices {
            if c.target.is_none() && !c.to.is_empty() && !existing.contains(c.to.as_str()) {
                let fix = match crate::schema::suggest(&c.to, ids()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("write sections/{}.md, or point the choice elsewhere", c.to),
                };
                out.push(finding(
                    "integrity/dangling-choice",
                    &s.path,
                    c.to_line,
                    "plotwright",
                    format!(
                        "choice \"{}\" leads to `{}`, which is not a section",
                        c.label, c.to
                    ),
                    fix,
                ));
            }
        }
        if s.choices.is_empty() && !s.flags.terminal {
            out.push(finding(
                "integrity/dead-end",
                &s.path,
                s.id_line,
                "plotwright",
                format!("section `{}` has no choices and is not an ending", s.id),
                "add `choices:`, or add `terminal` to `flags` if this is an ending".into(),
            ));
        }
        if s.flags.terminal && !s.choices.is_empty() {
            out.push(finding(
                "integrity/terminal-with-choices",
                &s.path,
                s.flags_line,
                "plotwright",
                format!("ending `{}` offers {} choice(s)", s.id, s.choices.len()),
                "drop `terminal`, or drop the choices".into(),
            ));
        }
        if whole && story.start.is_some() && !cx.reachable[i] {
            out.push(finding(
                "integrity/orphan-section",
                &s.path,
                s.id_line,
                "plotwright",
                format!("no chain of choices from the start reaches `{}`", s.id),
                "link it from another section, or delete it".into(),
            ));
        }
    }
    if whole {
        traps(cx, &mut out);
    }
    links(cx, &existing, &mut out);
    references(cx, existing, &mut out);
    out
}

/// Sections a reader can reach but never leave for an ending: every route from them
/// loops back among themselves (a section whose only choices return to it, or a ring
/// of them), even ignoring the gates. A section escapes when some route leads to a
/// section without choices (an ending, or a dead end reported on its own) or to a
/// missing one (reported as dangling). One reverse search from those exits: linear.
fn traps(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let story = &cx.story;
    // A story with no ending at all is the reachability bar's `no-ending`, said once.
    if !story.sections.iter().any(|s| s.flags.terminal) {
        return;
    }
    let n = story.sections.len();
    let mut into: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut escapes = vec![false; n];
    let mut queue = Vec::new();
    for (i, s) in story.sections.iter().enumerate() {
        if s.choices.is_empty() || s.choices.iter().any(|c| c.target.is_none()) {
            escapes[i] = true;
            queue.push(i);
        }
        for c in &s.choices {
            if let Some(t) = c.target {
                into[t].push(i);
            }
        }
    }
    while let Some(i) = queue.pop() {
        for &from in &into[i] {
            if !escapes[from] {
                escapes[from] = true;
                queue.push(from);
            }
        }
    }
    for (i, s) in story.sections.iter().enumerate() {
        if escapes[i] || !cx.reachable.get(i).copied().unwrap_or(false) {
            continue;
        }
        let only_itself = s.choices.iter().all(|c| c.target == Some(i));
        let message = if only_itself {
            format!(
                "every choice of `{}` leads back to it: a reader can never leave",
                s.id
            )
        } else {
            format!(
                "no ending can be reached from `{}`: every route from it loops back without a way out",
                s.id
            )
        };
        out.push(finding(
            "integrity/trap",
            &s.path,
            s.id_line,
            "plotwright",
            message,
            "give the loop a choice that leads on toward an ending".into(),
        ));
    }
}

/// Body links `[text](#id)` in sections and codex entries must name a section or entry.
fn links(cx: &Context<'_>, sections: &BTreeSet<&str>, out: &mut Vec<Finding>) {
    let codex = cx.ids(Kind::Codex);
    let anchor = |id: &str| sections.contains(id) || codex.contains(id);
    // Every anchor, for "did you mean": made only when a link dangles.
    let known = std::cell::OnceCell::new();
    let known = || {
        known.get_or_init(|| {
            let mut all: BTreeSet<&str> = sections.iter().copied().collect();
            all.extend(codex.iter().copied());
            all.into_iter().map(str::to_string).collect::<Vec<String>>()
        })
    };
    for a in cx.of(Kind::Section).chain(cx.of(Kind::Codex)) {
        let Some(body) = &a.body else { continue };
        let Some(scanned) = cx.prose.get(a.path.as_str()) else {
            continue;
        };
        for link in &scanned.links {
            let Some(target) = link.dest.strip_prefix('#') else {
                continue;
            };
            if !anchor(target) {
                let fix = match crate::schema::suggest(target, known()) {
                    Some(s) => format!("did you mean `#{s}`?"),
                    None => "link to an existing section or codex entry id".into(),
                };
                out.push(finding(
                    "integrity/dangling-link",
                    &a.path,
                    super::text::line_at(&body.text, body.line, link.offset),
                    a.kind.owner(),
                    format!("link \"{}\" points at `#{target}`, which is neither a section nor a codex entry", link.text),
                    fix,
                ));
            }
        }
    }
}

fn strings(n: &Node) -> Vec<(&str, u32)> {
    match &n.value {
        Value::Str(s) => vec![(s.as_str(), n.line)],
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(|s| (s, i.line)))
            .collect(),
        _ => Vec::new(),
    }
}

/// References between artifacts: TU lineage, hooks, sections, codex, canon, loops.
fn references<'a>(cx: &Context<'a>, sections: BTreeSet<&'a str>, out: &mut Vec<Finding>) {
    let tus = cx.ids(Kind::Tu);
    let hooks = cx.ids(Kind::Hook);
    let codex = cx.ids(Kind::Codex);
    let canon = cx.ids(Kind::Canon);
    let mut loops: BTreeSet<String> = playbook::embedded().into_keys().collect();
    loops.extend(cx.ids(Kind::Playbook).into_iter().map(str::to_string));
    let loops_ref: BTreeSet<&str> = loops.iter().map(String::as_str).collect();
    // (kind, field, what it names, the ids that exist)
    let rules: [(Kind, &str, &str, &BTreeSet<&str>); 13] = [
        (Kind::Section, "tu", "TU brief", &tus),
        (Kind::PlaytestNotes, "tu", "TU brief", &tus),
        (Kind::Codex, "tu", "TU brief", &tus),
        (Kind::Canon, "tu", "TU brief", &tus),
        (Kind::Hook, "tu", "TU brief", &tus),
        (Kind::Question, "tu", "TU brief", &tus),
        (Kind::GateReport, "tu", "TU brief", &tus),
        (Kind::Canon, "hooks", "hook card", &hooks),
        (Kind::Art, "section", "section", &sections),
        (Kind::Audio, "section", "section", &sections),
        (Kind::Codex, "see_also", "codex entry", &codex),
        (Kind::Codex, "from_canon", "canon pack", &canon),
        (Kind::Hook, "next_loop", "loop", &loops_ref),
    ];
    for (kind, field, what, existing) in rules {
        for a in cx.of(kind) {
            let Some(n) = a.data.get(field) else { continue };
            for (id, line) in strings(n) {
                if !existing.contains(id) {
                    let known: Vec<String> = existing.iter().map(|s| s.to_string()).collect();
                    let fix = match crate::schema::suggest(id, &known) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("name an existing {what}, or remove the reference"),
                    };
                    out.push(finding(
                        "integrity/dangling-ref",
                        &a.path,
                        line,
                        a.kind.owner(),
                        format!("`{field}` names {what} `{id}`, which does not exist"),
                        fix,
                    ));
                }
            }
        }
    }
}
