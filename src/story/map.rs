//! The story map: sections as nodes (hubs, keystones and endings marked), choices as
//! edges, gated edges labelled with their codewords, and sections the gated search
//! cannot reach highlighted — as Mermaid, Graphviz DOT, or an SVG laid out here
//! (layers by distance from the start, so no Graphviz is needed) and drawn by the
//! template `templates/graph/map.svg`.

pub mod geometry;

use std::collections::VecDeque;

use serde::Serialize;

use super::reach::Reach;
use super::{Choice, Story};
use crate::error::Error;

fn gate_label(c: &Choice) -> Option<String> {
    let mut parts: Vec<String> = c.requires.iter().map(|m| m.id.clone()).collect();
    parts.extend(c.forbids.iter().map(|m| format!("not {}", m.id)));
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn kind(story: &Story, i: usize) -> &'static str {
    let f = story.sections[i].flags;
    if f.terminal {
        "ending"
    } else if f.keystone {
        "keystone"
    } else if f.hub {
        "hub"
    } else {
        "section"
    }
}

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "'")
}

/// Mermaid flowchart (renders in a forge's Markdown).
pub fn mermaid(story: &Story, reach: &Reach) -> String {
    let mut o = String::from("flowchart TD\n");
    for (i, s) in story.sections.iter().enumerate() {
        let label = quote(&s.title);
        let node = match kind(story, i) {
            "ending" => format!("  n{i}((\"{label}\"))\n"),
            "keystone" => format!("  n{i}{{{{\"{label}\"}}}}\n"),
            "hub" => format!("  n{i}([\"{label}\"])\n"),
            _ => format!("  n{i}[\"{label}\"]\n"),
        };
        o.push_str(&node);
    }
    for (i, s) in story.sections.iter().enumerate() {
        for c in &s.choices {
            let Some(t) = c.target else { continue };
            match gate_label(c) {
                Some(g) => o.push_str(&format!("  n{i} -.->|\"{}\"| n{t}\n", quote(&g))),
                None => o.push_str(&format!("  n{i} --> n{t}\n")),
            }
        }
    }
    o.push_str("  classDef unreachable stroke:#c00,stroke-width:3px,stroke-dasharray:5 5\n");
    o.push_str("  classDef start stroke:#060,stroke-width:3px\n");
    if let Some(s) = story.start {
        o.push_str(&format!("  class n{s} start\n"));
    }
    let unreached: Vec<String> = (0..story.sections.len())
        .filter(|&i| !reach.reached[i])
        .map(|i| format!("n{i}"))
        .collect();
    if !unreached.is_empty() {
        o.push_str(&format!("  class {} unreachable\n", unreached.join(",")));
    }
    o
}

/// Graphviz DOT.
pub fn dot(story: &Story, reach: &Reach) -> String {
    let mut o = String::from("digraph story {\n  rankdir=TB;\n  node [fontname=\"serif\"];\n");
    for (i, s) in story.sections.iter().enumerate() {
        let shape = match kind(story, i) {
            "ending" => "doublecircle",
            "keystone" => "hexagon",
            "hub" => "box, style=rounded",
            _ => "box",
        };
        let mut attrs = format!("label=\"{}\", shape={shape}", quote(&s.title));
        if !reach.reached[i] {
            attrs.push_str(", color=red, style=dashed");
        }
        if story.start == Some(i) {
            attrs.push_str(", penwidth=3");
        }
        o.push_str(&format!("  \"{}\" [{attrs}];\n", s.id));
    }
    for s in &story.sections {
        for c in &s.choices {
            let Some(t) = c.target else { continue };
            let to = &story.sections[t].id;
            match gate_label(c) {
                Some(g) => o.push_str(&format!(
                    "  \"{}\" -> \"{to}\" [label=\"{}\", style=dashed];\n",
                    s.id,
                    quote(&g)
                )),
                None => o.push_str(&format!("  \"{}\" -> \"{to}\";\n", s.id)),
            }
        }
    }
    o.push_str("}\n");
    o
}

/// Where a gated choice's codewords are written.
#[derive(Serialize)]
struct GateLabel {
    text: String,
    x: String,
    y: String,
}

/// A choice drawn as a line, coordinates in SVG units (one decimal).
#[derive(Serialize)]
struct Edge {
    x1: String,
    y1: String,
    x2: String,
    y2: String,
    /// The codewords that gate it (none for an open choice).
    gate: Option<GateLabel>,
}

/// A section drawn as a box.
#[derive(Serialize)]
struct Node {
    title: String,
    kind: &'static str,
    x: String,
    y: String,
    /// The centre of its label.
    cx: String,
    cy: String,
    /// The title cut to what fits in the box.
    label: String,
    reached: bool,
    start: bool,
}

/// The drawing's context: `templates/graph/map.svg` lays it out.
#[derive(Serialize)]
struct Drawing {
    width: String,
    height: String,
    box_width: String,
    box_height: String,
    edges: Vec<Edge>,
    nodes: Vec<Node>,
}

/// Box width and height, and the gaps between boxes and between layers.
const GRID: (f64, f64, f64, f64) = (150.0, 40.0, 30.0, 70.0);

/// The grid layout: each section's top-left corner, and the drawing's width and height.
fn grid(story: &Story) -> (Vec<(f64, f64)>, f64, f64) {
    let n = story.sections.len();
    let mut layer = vec![usize::MAX; n];
    if let Some(s) = story.start {
        let mut q = VecDeque::from([s]);
        layer[s] = 0;
        while let Some(i) = q.pop_front() {
            for c in &story.sections[i].choices {
                if let Some(t) = c.target
                    && layer[t] == usize::MAX
                {
                    layer[t] = layer[i] + 1;
                    q.push_back(t);
                }
            }
        }
    }
    let last = layer
        .iter()
        .filter(|&&l| l != usize::MAX)
        .max()
        .map(|m| m + 1)
        .unwrap_or(0);
    for l in layer.iter_mut() {
        if *l == usize::MAX {
            *l = last;
        }
    }
    let layers = layer.iter().max().map(|m| m + 1).unwrap_or(0);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (i, &l) in layer.iter().enumerate() {
        rows[l].push(i);
    }
    let (w, h, gap_x, gap_y) = GRID;
    let widest = rows.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let width = widest * (w + gap_x) + gap_x;
    let height = layers as f64 * (h + gap_y) + gap_y;
    let mut pos = vec![(0.0, 0.0); n];
    for (l, row) in rows.iter().enumerate() {
        let offset = (width - row.len() as f64 * (w + gap_x) + gap_x) / 2.0;
        for (k, &i) in row.iter().enumerate() {
            pos[i] = (
                offset + k as f64 * (w + gap_x),
                gap_y + l as f64 * (h + gap_y),
            );
        }
    }
    (pos, width, height)
}

/// An SVG drawing (`templates/graph/map.svg`): layers by breadth-first distance from
/// the start, sections not reachable ignoring gates in a last layer.
pub fn svg(story: &Story, reach: &Reach) -> Result<String, Error> {
    let (pos, width, height) = grid(story);
    let (w, h, _, _) = GRID;
    let mut edges = Vec::new();
    for (i, s) in story.sections.iter().enumerate() {
        for c in &s.choices {
            let Some(t) = c.target else { continue };
            let (x1, y1) = (pos[i].0 + w / 2.0, pos[i].1 + h);
            let (x2, y2) = (pos[t].0 + w / 2.0, pos[t].1);
            edges.push(Edge {
                x1: format!("{x1:.1}"),
                y1: format!("{y1:.1}"),
                x2: format!("{x2:.1}"),
                y2: format!("{y2:.1}"),
                gate: gate_label(c).map(|text| GateLabel {
                    text,
                    x: format!("{:.1}", (x1 + x2) / 2.0),
                    y: format!("{:.1}", (y1 + y2) / 2.0),
                }),
            });
        }
    }
    let nodes = story
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (x, y) = pos[i];
            Node {
                title: s.title.clone(),
                kind: kind(story, i),
                x: format!("{x:.1}"),
                y: format!("{y:.1}"),
                cx: format!("{:.1}", x + w / 2.0),
                cy: format!("{:.1}", y + h / 2.0 + 4.0),
                label: s.title.chars().take(24).collect(),
                reached: reach.reached[i],
                start: story.start == Some(i),
            }
        })
        .collect();
    let drawing = Drawing {
        width: format!("{width:.0}"),
        height: format!("{height:.0}"),
        box_width: format!("{w}"),
        box_height: format!("{h}"),
        edges,
        nodes,
    };
    crate::templates::document("graph/map.svg", &drawing, None)
}

#[cfg(test)]
mod tests {
    use super::geometry::{Point, crossings};
    use super::*;

    fn sample() -> Story {
        let studio = crate::studio::Studio::from_files(crate::studio::sample::files());
        Story::build(&studio)
    }

    /// The grid layout's edges: straight from the bottom of a box to the top of the next.
    #[test]
    fn grid_layout_crossings_on_the_sample() {
        let story = sample();
        let (pos, _, _) = grid(&story);
        let (w, h, _, _) = GRID;
        let mut paths = Vec::new();
        for (i, s) in story.sections.iter().enumerate() {
            for c in &s.choices {
                let Some(t) = c.target else { continue };
                paths.push(vec![
                    Point::new(pos[i].0 + w / 2.0, pos[i].1 + h),
                    Point::new(pos[t].0 + w / 2.0, pos[t].1),
                ]);
            }
        }
        let n = crossings(&paths);
        println!(
            "grid layout: {} sections, {} edges, {n} crossing pairs",
            story.sections.len(),
            paths.len()
        );
        assert!(n > 0);
    }
}
