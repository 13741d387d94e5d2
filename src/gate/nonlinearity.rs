//! The nonlinearity bar: hubs branch, loops return with a difference, and the first
//! choice matters.

use std::collections::BTreeSet;

use super::Finding;
use super::context::{Context, finding};
use crate::story::{Section, graph};

fn distinct_targets(s: &Section) -> BTreeSet<&str> {
    s.choices
        .iter()
        .map(|c| c.to.as_str())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Runs the bar.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let story = &cx.story;
    let tested: BTreeSet<&str> = story
        .sections
        .iter()
        .flat_map(|s| s.choices.iter())
        .flat_map(|c| c.requires.iter().chain(&c.forbids))
        .map(|m| m.id.as_str())
        .collect();
    // Counters a need or a cost tests.
    let counted: BTreeSet<&str> = story
        .sections
        .iter()
        .flat_map(|s| s.choices.iter())
        .flat_map(|c| {
            c.needs.iter().map(|n| n.counter.as_str()).chain(
                c.change
                    .iter()
                    .filter(|ch| ch.cost().is_some())
                    .map(|ch| ch.counter.as_str()),
            )
        })
        .collect();
    for (i, s) in story.sections.iter().enumerate() {
        if s.flags.hub {
            let n = distinct_targets(s).len();
            if n < 2 {
                out.push(finding(
                    "nonlinearity/thin-hub",
                    &s.path,
                    s.flags_line,
                    "plotwright",
                    format!("hub `{}` leads to {n} distinct section(s)", s.id),
                    "give it at least two distinct destinations, or drop `hub`".into(),
                ));
            }
        }
        if s.flags.loop_ {
            let comp = &cx.components;
            if !graph::on_cycle(story, comp, i) {
                out.push(finding(
                    "nonlinearity/cosmetic-loop",
                    &s.path,
                    s.flags_line,
                    "plotwright",
                    format!("loop `{}` is on no cycle: nothing leads back to it", s.id),
                    "let a choice return to the cycle, or drop `loop`".into(),
                ));
            } else {
                let on_cycle = || {
                    story
                        .sections
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| comp[*j] == comp[i])
                        .map(|(_, m)| m)
                };
                let sets_tested = on_cycle()
                    .flat_map(|m| m.sets.iter())
                    .any(|c| tested.contains(c.id.as_str()));
                // A counter changed on the cycle (on arrival, or by a choice that stays
                // on it) that some choice tests also makes a return differ.
                let counts_tested = on_cycle().any(|m| {
                    m.change
                        .iter()
                        .chain(
                            m.choices
                                .iter()
                                .filter(|c| c.target.is_some_and(|t| comp[t] == comp[i]))
                                .flat_map(|c| c.change.iter()),
                        )
                        .any(|ch| counted.contains(ch.counter.as_str()))
                });
                if !sets_tested && !counts_tested {
                    out.push(finding(
                        "nonlinearity/cosmetic-loop",
                        &s.path,
                        s.flags_line,
                        "plotwright",
                        format!("going round the loop at `{}` changes nothing any choice tests", s.id),
                        "set a codeword on the cycle that a choice requires or forbids (or change a counter a choice tests), so returning differs".into(),
                    ));
                }
            }
        }
    }
    if let Some(start) = story.start {
        let s = &story.sections[start];
        if !s.choices.is_empty() && distinct_targets(s).len() < 2 {
            out.push(finding(
                "nonlinearity/first-choice-funnel",
                &s.path,
                s.id_line,
                "plotwright",
                format!(
                    "every choice of the opening section `{}` leads to the same place",
                    s.id
                ),
                "offer at least two destinations from the start".into(),
            ));
        }
    }
    out
}
