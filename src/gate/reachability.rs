//! The reachability bar: every keystone and at least one ending reachable from the
//! start under the codeword gates, with witness routes on request.

use super::Finding;
use super::context::{Context, finding};
use crate::story::reach::Step;

/// A route from the start to a keystone: (section id, choice label) per step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    /// The keystone.
    pub keystone: String,
    /// The choices taken, from the start.
    pub steps: Vec<(String, String)>,
}

/// Runs the bar.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    if !cx.graph_complete() {
        return out;
    }
    let story = &cx.story;
    let Some(start) = story.start else { return out };
    let r = &cx.reach;
    // Opened choices from reached sections into each section, counted in one pass.
    let mut ways_in = vec![0usize; story.sections.len()];
    for (j, p) in story.sections.iter().enumerate() {
        if !r.reached[j] {
            continue;
        }
        for c in &p.choices {
            if let Some(t) = c.target
                && r.opened[j][c.index]
            {
                ways_in[t] += 1;
            }
        }
    }
    for (i, s) in story.sections.iter().enumerate() {
        if !s.flags.keystone {
            continue;
        }
        if !r.reached[i] {
            if r.complete {
                out.push(finding(
                    "reachability/keystone-unreachable",
                    &s.path,
                    s.flags_line,
                    "plotwright",
                    format!("keystone `{}` cannot be reached from the start under the codeword gates", s.id),
                    if cx.reachable[i] {
                        "every route to it passes a gate the reader cannot open there; let the reader gain the codeword earlier or open another route".into()
                    } else {
                        "no choice leads to it at all; link it".into()
                    },
                ));
            } else {
                out.push(undecided(s.path.as_str(), s.flags_line, &s.id, r.states));
            }
            continue;
        }
        if !r.proven[i] {
            out.push(unproven(
                cx,
                i,
                &format!("keystone `{}`", s.id),
                (&s.path, s.flags_line),
            ));
        }
        let ways_in = ways_in[i];
        if ways_in == 1 && i != start {
            out.push(finding(
                "reachability/single-route-keystone",
                &s.path,
                s.flags_line,
                "plotwright",
                format!("keystone `{}` has a single way in", s.id),
                "add a second route to it".into(),
            ));
        }
    }
    let endings: Vec<usize> = (0..story.sections.len())
        .filter(|&i| story.sections[i].flags.terminal)
        .collect();
    if let Some(&e) = endings.iter().find(|&&i| r.reached[i])
        && !endings.iter().any(|&i| r.proven[i])
    {
        let s = &story.sections[start];
        out.push(unproven(cx, e, "every ending", (&s.path, s.id_line)));
    }
    if !endings.iter().any(|&i| r.reached[i]) {
        let s = &story.sections[start];
        if r.complete || endings.is_empty() {
            out.push(finding(
                "reachability/no-ending",
                &s.path,
                s.id_line,
                "plotwright",
                if endings.is_empty() {
                    "the story has no ending (no section is `terminal`)".to_string()
                } else {
                    format!("none of the {} ending(s) can be reached from `{}` under the codeword gates", endings.len(), s.id)
                },
                "make at least one `terminal` section reachable".into(),
            ));
        } else {
            out.push(undecided(&s.path, s.id_line, "an ending", r.states));
        }
    }
    out
}

/// A warning, at `(path, line)`, that `what` (section `i`) was reached only through
/// gates taken as open without proof, naming the first such gate on the route found.
fn unproven(cx: &Context<'_>, i: usize, what: &str, (path, line): (&str, u32)) -> Finding {
    let story = &cx.story;
    let route = cx.reach.witness(i).unwrap_or_default();
    let gate =
        route
            .iter()
            .find(|st| cx.reach.unproven.contains(&(st.section, st.choice)))
            .map(|st| {
                let s = &story.sections[st.section];
                let c = &s.choices[st.choice];
                let tests: Vec<String> =
                    c.needs
                        .iter()
                        .map(ToString::to_string)
                        .chain(c.change.iter().filter_map(|ch| {
                            ch.cost().map(|n| format!("costs {n} {}", ch.counter))
                        }))
                        .collect();
                format!(
                    "the gate of \"{}\" in `{}` ({})",
                    c.label,
                    s.id,
                    tests.join(", ")
                )
            })
            .unwrap_or_else(|| "a gate on a counter".to_string());
    finding(
        "reachability/unproven",
        path,
        line,
        "plotwright",
        format!("{what} is reached only through {gate}, which the gatecheck could not decide"),
        "narrow the counter's range in counters.yaml (at most 1024 values are followed exactly), or check the route by hand".into(),
    )
}

fn undecided(path: &str, line: u32, what: &str, states: usize) -> Finding {
    finding(
        "reachability/undecided",
        path,
        line,
        "plotwright",
        format!("the gated search stopped after {states} states before proving `{what}` reachable"),
        "simplify the gates around it, or check the routes by hand".into(),
    )
}

/// Witness routes for every reachable keystone.
pub fn witnesses(cx: &Context<'_>) -> Vec<Witness> {
    let story = &cx.story;
    story
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.flags.keystone)
        .filter_map(|(i, s)| {
            let path = cx.reach.witness(i)?;
            Some(Witness {
                keystone: s.id.clone(),
                steps: path
                    .into_iter()
                    .map(|Step { section, choice }| {
                        let from = &story.sections[section];
                        (from.id.clone(), from.choices[choice].label.clone())
                    })
                    .collect(),
            })
        })
        .collect()
}
