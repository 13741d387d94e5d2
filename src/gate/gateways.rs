//! The gateways bar: every required codeword can be gained before its gate, no gate
//! contradicts itself, and gates speak to the reader in the story's voice.

use std::collections::BTreeSet;

use super::Finding;
use super::context::{Context, finding};
use super::text::{Normalized, Patterns};
use crate::story::counters::{Change, Delta};
use crate::story::{Choice, Section};

/// Runs the bar.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    if !cx.graph_complete() {
        return out;
    }
    let story = &cx.story;
    let set_somewhere: BTreeSet<&str> = story
        .sections
        .iter()
        .flat_map(|s| s.sets.iter().map(|m| m.id.as_str()))
        .collect();
    // Codeword ids that read as ids (`ferry-token`), for conditions that name one.
    let ids: Vec<String> = cx
        .codewords()
        .into_iter()
        .filter(|c| super::presentation::looks_like_id(c))
        .collect();
    let id_patterns = Patterns::new(&ids.iter().map(|c| (c.clone(), true)).collect::<Vec<_>>());
    let declared: Vec<String> = story.counters.iter().map(|c| c.id.clone()).collect();
    for (i, s) in story.sections.iter().enumerate() {
        change_findings(story, &declared, s, &s.change, &mut out);
        for c in &s.choices {
            gate_findings(cx, &set_somewhere, i, s, c, &mut out);
            need_findings(cx, &declared, i, s, c, &mut out);
            change_findings(story, &declared, s, &c.change, &mut out);
            condition_findings(&id_patterns, &ids, s, c, &mut out);
        }
    }
    range_findings(story, &mut out);
    out
}

fn undeclared(declared: &[String], path: &str, line: u32, what: String, id: &str) -> Finding {
    let fix = match crate::schema::suggest(id, declared) {
        Some(near) => format!("did you mean `{near}`? Otherwise declare `{id}` in counters.yaml"),
        None => format!("declare `{id}` in counters.yaml with its `name` and range"),
    };
    finding(
        "gateways/undeclared-counter",
        path,
        line,
        "plotwright",
        what,
        fix,
    )
}

/// A choice's counter tests: each names a declared counter, some value in its range
/// passes, and some route reaches the choice with a value that passes.
fn need_findings(
    cx: &Context<'_>,
    declared: &[String],
    i: usize,
    s: &Section,
    c: &Choice,
    out: &mut Vec<Finding>,
) {
    let r = &cx.reach;
    for (ni, n) in c.needs.iter().enumerate() {
        let Some(k) = cx.story.counter(&n.counter) else {
            out.push(undeclared(
                declared,
                &s.path,
                n.line,
                format!(
                    "choice \"{}\" tests `{}`, which counters.yaml does not declare",
                    c.label, n.counter
                ),
                &n.counter,
            ));
            continue;
        };
        let counter = &cx.story.counters[k];
        if !n.satisfiable(counter) {
            out.push(finding(
                "gateways/impossible-need",
                &s.path,
                n.line,
                "plotwright",
                format!(
                    "choice \"{}\" needs `{n}`, but `{}` only ranges over {}..={}",
                    c.label, n.counter, counter.min, counter.max
                ),
                "change the number, or widen the range in counters.yaml".into(),
            ));
        } else if r.complete && r.reached[i] && !r.met[i][c.index][ni] {
            out.push(finding(
                "gateways/unmet-need",
                &s.path,
                n.line,
                "plotwright",
                format!(
                    "choice \"{}\" needs `{n}`, but no route reaches `{}` with it",
                    c.label, s.id
                ),
                "let the reader gain enough before this gate, or loosen the test".into(),
            ));
        }
    }
}

/// Changes name declared counters and assign only values in range.
fn change_findings(
    story: &crate::story::Story,
    declared: &[String],
    s: &Section,
    changes: &[Change],
    out: &mut Vec<Finding>,
) {
    for ch in changes {
        let Some(k) = story.counter(&ch.counter) else {
            out.push(undeclared(
                declared,
                &s.path,
                ch.line,
                format!(
                    "`{}` changes `{}`, which counters.yaml does not declare",
                    s.id, ch.counter
                ),
                &ch.counter,
            ));
            continue;
        };
        let counter = &story.counters[k];
        if let Delta::Set(v) = ch.delta
            && !(counter.min..=counter.max).contains(&v)
        {
            out.push(finding(
                "gateways/counter-range",
                &s.path,
                ch.line,
                "plotwright",
                format!(
                    "`{}` sets `{}` to {v}, outside its range {}..={}",
                    s.id, ch.counter, counter.min, counter.max
                ),
                "assign a value inside the range, or widen it in counters.yaml".into(),
            ));
        }
    }
}

/// Declarations are consistent: `min <= max`, `start` inside.
fn range_findings(story: &crate::story::Story, out: &mut Vec<Finding>) {
    for (line, what) in &story.counter_problems {
        out.push(finding(
            "gateways/counter-range",
            &story.counters_path,
            *line,
            "plotwright",
            what.clone(),
            "keep `min` at or below `max`, and `start` inside the range".into(),
        ));
    }
}
/// A gate's own soundness: it does not both require and forbid a codeword; what it
/// requires is set somewhere and held on some route here; it is not closed on every
/// route.
fn gate_findings(
    cx: &Context<'_>,
    set_somewhere: &BTreeSet<&str>,
    i: usize,
    s: &Section,
    c: &Choice,
    out: &mut Vec<Finding>,
) {
    let r = &cx.reach;
    for m in &c.requires {
        if c.forbids.iter().any(|f| f.id == m.id) {
            out.push(finding(
                "gateways/contradiction",
                &s.path,
                m.line,
                "plotwright",
                format!(
                    "choice \"{}\" both requires and forbids `{}`",
                    c.label, m.id
                ),
                "keep the requirement or the prohibition, not both".into(),
            ));
        }
    }
    for (ri, m) in c.requires.iter().enumerate() {
        if !set_somewhere.contains(m.id.as_str()) {
            out.push(finding(
                "gateways/never-set",
                &s.path,
                m.line,
                "plotwright",
                format!(
                    "choice \"{}\" requires `{}`, which no section sets",
                    c.label, m.id
                ),
                format!(
                    "add `sets: [{}]` to a section the reader passes before this one",
                    m.id
                ),
            ));
        } else if r.complete && r.reached[i] && !r.held[i][c.index][ri] {
            out.push(finding(
                "gateways/unobtainable",
                &s.path,
                m.line,
                "plotwright",
                format!(
                    "choice \"{}\" requires `{}`, but no route reaches `{}` holding it",
                    c.label, m.id, s.id
                ),
                "move the section that sets it before this gate, or add a route through it".into(),
            ));
        }
    }
    let contradictory = c
        .requires
        .iter()
        .any(|m| c.forbids.iter().any(|f| f.id == m.id));
    let unobtainable = c.requires.iter().enumerate().any(|(ri, m)| {
        !set_somewhere.contains(m.id.as_str()) || (r.reached[i] && !r.held[i][c.index][ri])
    }) || c.needs.iter().enumerate().any(|(ni, n)| {
        cx.story
            .counter(&n.counter)
            .is_none_or(|k| !n.satisfiable(&cx.story.counters[k]))
            || (r.reached[i] && !r.met[i][c.index][ni])
    });
    if c.gated()
        && r.complete
        && r.reached[i]
        && !r.opened[i][c.index]
        && !contradictory
        && !unobtainable
    {
        out.push(finding(
            "gateways/always-closed",
            &s.path,
            c.line,
            "plotwright",
            format!(
                "choice \"{}\" is closed on every route that reaches `{}`",
                c.label, s.id
            ),
            if c.change.iter().any(|ch| ch.cost().is_some()) {
                "the reader can never pay its cost here, or always holds a codeword it forbids; loosen the gate".into()
            } else {
                "the reader always holds a codeword it forbids here; loosen the gate".into()
            },
        ));
    }
}

/// A gated choice tells the reader its condition in the story's voice, never a codeword
/// id.
fn condition_findings(
    id_patterns: &Patterns,
    ids: &[String],
    s: &Section,
    c: &Choice,
    out: &mut Vec<Finding>,
) {
    if c.gated() {
        match &c.condition {
            None => out.push(finding(
                "gateways/undiegetic-condition",
                &s.path,
                c.line,
                "scene_smith",
                format!(
                    "gated choice \"{}\" has no reader-facing condition",
                    c.label
                ),
                "add `condition:` in the story's voice, e.g. \"If you kept the lighthouse key\""
                    .into(),
            )),
            Some(text) if text.trim().is_empty() => out.push(finding(
                "gateways/undiegetic-condition",
                &s.path,
                c.condition_line,
                "scene_smith",
                format!("gated choice \"{}\" has an empty condition", c.label),
                "write the condition in the story's voice".into(),
            )),
            Some(text) => {
                if let Some(h) = id_patterns.find(&Normalized::new(text)).first() {
                    out.push(finding(
                        "gateways/undiegetic-condition",
                        &s.path,
                        c.condition_line,
                        "scene_smith",
                        format!(
                            "the condition of \"{}\" names the codeword `{}`",
                            c.label, ids[h.pattern]
                        ),
                        "say it in the story's voice; readers never see codeword ids".into(),
                    ));
                }
            }
        }
    }
}
