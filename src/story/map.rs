//! The story map: sections as nodes (hubs, keystones and endings marked), choices as
//! edges, gated edges labelled with their codewords, and sections the gated search
//! cannot reach highlighted — as Mermaid, Graphviz DOT, or an SVG drawn here (a layered
//! layout by distance from the start, so no Graphviz is needed).

use std::collections::VecDeque;

use super::reach::Reach;
use super::{Choice, Story};

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

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An SVG drawing: layers by breadth-first distance from the start, sections not
/// reachable ignoring gates in a last layer.
pub fn svg(story: &Story, reach: &Reach) -> String {
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
    let (w, h, gap_x, gap_y) = (150.0_f64, 40.0_f64, 30.0_f64, 70.0_f64);
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
    let mut o = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"serif\" font-size=\"12\" role=\"img\" aria-label=\"Story map\">\n<title>Story map</title>\n<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#fbf8f2\"/>\n"
    );
    for (i, s) in story.sections.iter().enumerate() {
        for c in &s.choices {
            let Some(t) = c.target else { continue };
            let (x1, y1) = (pos[i].0 + w / 2.0, pos[i].1 + h);
            let (x2, y2) = (pos[t].0 + w / 2.0, pos[t].1);
            let dash = if gate_label(c).is_some() {
                " stroke-dasharray=\"4 3\""
            } else {
                ""
            };
            o.push_str(&format!(
                "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"#555\"{dash} marker-end=\"url(#arrow)\"/>\n"
            ));
            if let Some(g) = gate_label(c) {
                o.push_str(&format!(
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" fill=\"#7a3b0c\" text-anchor=\"middle\">{}</text>\n",
                    (x1 + x2) / 2.0,
                    (y1 + y2) / 2.0,
                    xml(&g)
                ));
            }
        }
    }
    for (i, s) in story.sections.iter().enumerate() {
        let (x, y) = pos[i];
        let (fill, rx) = match kind(story, i) {
            "ending" => ("#e6efe0", 20.0),
            "keystone" => ("#f3e1c7", 4.0),
            "hub" => ("#e3e8f3", 12.0),
            _ => ("#ffffff", 4.0),
        };
        let stroke = if !reach.reached[i] {
            " stroke=\"#c00\" stroke-width=\"3\" stroke-dasharray=\"6 3\""
        } else if story.start == Some(i) {
            " stroke=\"#060\" stroke-width=\"3\""
        } else {
            " stroke=\"#333\""
        };
        let title: String = s.title.chars().take(24).collect();
        o.push_str(&format!(
            "<g><title>{} ({})</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w}\" height=\"{h}\" rx=\"{rx}\" fill=\"{fill}\"{stroke}/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text></g>\n",
            xml(&s.title),
            kind(story, i),
            x + w / 2.0,
            y + h / 2.0 + 4.0,
            xml(&title)
        ));
    }
    o.push_str("</svg>\n");
    o
}
