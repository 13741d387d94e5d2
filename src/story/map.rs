//! The story map: sections as nodes (hubs, keystones and endings marked), choices as
//! edges, gated edges labelled with their codewords, and sections the gated search
//! cannot reach highlighted — as Mermaid, Graphviz DOT, or an SVG laid out by
//! [`layout`] (no Graphviz needed) and drawn by the template `templates/graph/map.svg`.
//! Larger studios are drawn in hub clusters, and the largest one box per cluster.

pub mod geometry;
pub mod layout;

use std::collections::VecDeque;

use serde::Serialize;

use super::reach::Reach;
use super::{Choice, Story};
use crate::error::{Error, MapError};

/// A gate as the map labels it (the map is for writers: ids, not reader phrasing):
/// codewords required, `not` those forbidden, counter tests, costs.
fn gate_label(c: &Choice) -> Option<String> {
    let mut parts: Vec<String> = c.requires.iter().map(|m| m.id.clone()).collect();
    parts.extend(c.forbids.iter().map(|m| format!("not {}", m.id)));
    parts.extend(c.needs.iter().map(ToString::to_string));
    parts.extend(
        c.change
            .iter()
            .filter_map(|ch| ch.cost().map(|n| format!("pay {n} {}", ch.counter))),
    );
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

/// Graphviz DOT; from [`CLUSTER_FROM`] sections, each hub cluster is a `cluster_`
/// subgraph (Graphviz draws it as a labelled box).
pub fn dot(story: &Story, reach: &Reach) -> String {
    let mut o = String::from("digraph story {\n  rankdir=TB;\n  node [fontname=\"serif\"];\n");
    let node = |i: usize| {
        let s = &story.sections[i];
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
        format!("\"{}\" [{attrs}];\n", s.id)
    };
    let groups = (story.sections.len() >= CLUSTER_FROM).then(|| clusters(story));
    let of = |i: usize| groups.as_ref().and_then(|g| g.of[i]);
    for i in (0..story.sections.len()).filter(|&i| of(i).is_none()) {
        o.push_str("  ");
        o.push_str(&node(i));
    }
    if let Some(g) = &groups {
        for (k, &hub) in g.hubs.iter().enumerate() {
            o.push_str(&format!(
                "  subgraph cluster_{k} {{\n    label=\"{}\";\n    style=dashed;\n",
                quote(&story.sections[hub].title)
            ));
            for i in (0..story.sections.len()).filter(|&i| g.of[i] == Some(k)) {
                o.push_str("    ");
                o.push_str(&node(i));
            }
            o.push_str("  }\n");
        }
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

/// Studios of at least this many sections are drawn in hub clusters.
pub const CLUSTER_FROM: usize = 50;
/// The most boxes the SVG draws; a larger studio is drawn one box per hub cluster.
pub const DRAW_UP_TO: usize = 500;

/// Sections grouped for the map. Sections declare no part or chapter (DESIGN §2), so a
/// cluster is a hub with the sections whose nearest hub upstream it is: the first hub a
/// breadth-first walk from every hub at once reaches them from (ties go to the hub
/// first in path order). Sections no hub leads to are in no cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clusters {
    /// Each cluster's hub (a section index), in path order.
    pub hubs: Vec<usize>,
    /// Each section's cluster, if any.
    pub of: Vec<Option<usize>>,
}

/// The hub clusters of a story.
pub fn clusters(story: &Story) -> Clusters {
    let hubs: Vec<usize> = (0..story.sections.len())
        .filter(|&i| story.sections[i].flags.hub)
        .collect();
    let mut of = vec![None; story.sections.len()];
    let mut queue = VecDeque::new();
    for (k, &h) in hubs.iter().enumerate() {
        of[h] = Some(k);
        queue.push_back(h);
    }
    while let Some(i) = queue.pop_front() {
        for c in &story.sections[i].choices {
            if let Some(t) = c.target
                && of[t].is_none()
            {
                of[t] = of[i];
                queue.push_back(t);
            }
        }
    }
    Clusters { hubs, of }
}

/// A drawn story map and what was measured of it.
#[derive(Clone, Debug)]
pub struct Map {
    /// The SVG document.
    pub svg: String,
    /// Something to tell the person who asked (the map was drawn one box per cluster).
    pub note: Option<String>,
    /// Boxes drawn.
    pub boxes: usize,
    /// Edges drawn.
    pub edges: usize,
    /// Pairs of drawn edges that cross.
    pub crossings: usize,
    /// Gate labels that overlap a box or another label.
    pub label_overlaps: usize,
    /// Cluster boxes drawn.
    pub clusters: usize,
}

/// A gate's label: the box behind it and where its text is written.
#[derive(Serialize)]
struct LabelBox {
    text: String,
    x: String,
    y: String,
    w: String,
    h: String,
    tx: String,
    ty: String,
}

/// A choice drawn as a smooth path through its waypoints.
#[derive(Serialize)]
struct Edge {
    /// SVG path data.
    d: String,
    /// What it joins, for its tooltip.
    title: String,
    gated: bool,
    /// The codewords that gate it (none for an open choice).
    gate: Option<LabelBox>,
}

/// A section (or, collapsed, a cluster) drawn as a box of its kind's shape.
#[derive(Serialize)]
struct Node {
    title: String,
    kind: &'static str,
    x: String,
    y: String,
    w: String,
    h: String,
    /// The inner outline of a double border (hubs, clusters).
    ix: String,
    iy: String,
    iw: String,
    ih: String,
    /// The corner radius of a pill (endings).
    pill: String,
    /// The outline of a hexagon (keystones).
    hexagon: String,
    cx: String,
    cy: String,
    /// The title cut to what fits in the box.
    label: String,
    reached: bool,
    start: bool,
}

/// A cluster's background box and its label.
#[derive(Serialize)]
struct ClusterBox {
    label: String,
    x: String,
    y: String,
    w: String,
    h: String,
    lx: String,
    ly: String,
}

/// The drawing's context: `templates/graph/map.svg` lays it out.
#[derive(Serialize)]
struct Drawing {
    title: String,
    desc: String,
    width: String,
    height: String,
    /// Where the map starts below the legend.
    top: String,
    clustered: bool,
    collapsed: bool,
    clusters: Vec<ClusterBox>,
    edges: Vec<Edge>,
    nodes: Vec<Node>,
}

/// Legend band height and the narrowest drawing (the legend's width).
const LEGEND: (f64, f64) = (62.0, 820.0);
/// Box height; width per character of a title and padding; narrowest and widest box.
const BOX_H: f64 = 40.0;
const CHAR_W: f64 = 6.6;
const BOX_PAD: f64 = 24.0;
const BOX_W: (f64, f64) = (96.0, 220.0);
/// Gate labels: width per character, padding, height.
const GATE_CHAR_W: f64 = 5.6;
const GATE_PAD: f64 = 8.0;
const GATE_H: f64 = 15.0;

fn f1(v: f64) -> String {
    let s = format!("{v:.1}");
    if s == "-0.0" { "0.0".to_string() } else { s }
}

/// A box wide enough for `title` (and `extra`, for a shape's corners), and the title
/// cut to fit it.
fn fitted(title: &str, extra: f64) -> (f64, String) {
    let n = title.chars().count() as f64;
    let w = (n * CHAR_W + BOX_PAD).clamp(BOX_W.0, BOX_W.1) + extra;
    let fits = ((w - extra - BOX_PAD) / CHAR_W + 1e-6).floor() as usize;
    let label = if title.chars().count() > fits {
        let mut cut: String = title.chars().take(fits.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        title.to_string()
    };
    (w, label)
}

/// SVG path data for a smooth curve through `points` (a Catmull–Rom spline drawn as
/// cubic Béziers, so it passes through every waypoint).
fn smooth(points: &[geometry::Point]) -> String {
    let Some(first) = points.first() else {
        return String::new();
    };
    let mut d = format!("M{},{}", f1(first.x), f1(first.y));
    if points.len() == 2 {
        d.push_str(&format!(" L{},{}", f1(points[1].x), f1(points[1].y)));
        return d;
    }
    for i in 0..points.len().saturating_sub(1) {
        let p0 = points[i.saturating_sub(1)];
        let (p1, p2) = (points[i], points[i + 1]);
        let p3 = points[(i + 2).min(points.len() - 1)];
        let c1 = (p1.x + (p2.x - p0.x) / 6.0, p1.y + (p2.y - p0.y) / 6.0);
        let c2 = (p2.x - (p3.x - p1.x) / 6.0, p2.y - (p3.y - p1.y) / 6.0);
        d.push_str(&format!(
            " C{},{} {},{} {},{}",
            f1(c1.0),
            f1(c1.1),
            f1(c2.0),
            f1(c2.1),
            f1(p2.x),
            f1(p2.y)
        ));
    }
    d
}

/// What is to be drawn: boxes with titles and kinds, edges with gate texts, clusters.
struct Plan {
    /// (title, kind, reached, start) per box.
    boxes: Vec<(String, &'static str, bool, bool)>,
    /// (from, to, gate text, gated, tooltip) per edge.
    edges: Vec<(usize, usize, Option<String>, bool, String)>,
    /// Cluster per box, and the cluster labels.
    cluster: Vec<Option<usize>>,
    cluster_labels: Vec<String>,
    collapsed: bool,
    /// The box the story starts in.
    start: Option<usize>,
}

impl Plan {
    /// The boxes in breadth-first order from the start box (the others after, in
    /// their order): the order the layout engine breaks cycles in.
    fn start_first(&self) -> Vec<usize> {
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); self.boxes.len()];
        for e in &self.edges {
            next[e.0].push(e.1);
        }
        let mut seen = vec![false; self.boxes.len()];
        let mut order = Vec::with_capacity(self.boxes.len());
        let mut queue: VecDeque<usize> = self.start.into_iter().collect();
        while let Some(i) = queue.pop_front() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            order.push(i);
            queue.extend(next[i].iter().copied());
        }
        order
    }
}

/// Every section a box, every choice an edge; hub clusters from [`CLUSTER_FROM`]
/// sections on.
fn full_plan(story: &Story, reach: &Reach) -> Plan {
    let n = story.sections.len();
    let boxes = (0..n)
        .map(|i| {
            (
                story.sections[i].title.clone(),
                kind(story, i),
                reach.reached[i],
                story.start == Some(i),
            )
        })
        .collect();
    let mut edges = Vec::new();
    for (i, s) in story.sections.iter().enumerate() {
        for c in &s.choices {
            let Some(t) = c.target else { continue };
            let tip = format!("{} → {}", s.title, story.sections[t].title);
            edges.push((i, t, gate_label(c), c.gated(), tip));
        }
    }
    let (cluster, cluster_labels) = if n >= CLUSTER_FROM {
        let c = clusters(story);
        let labels = c
            .hubs
            .iter()
            .map(|&h| story.sections[h].title.clone())
            .collect();
        (c.of, labels)
    } else {
        (vec![None; n], Vec::new())
    };
    Plan {
        boxes,
        edges,
        cluster,
        cluster_labels,
        collapsed: false,
        start: story.start,
    }
}

/// One box per hub cluster (and one for the sections before any hub), one edge per
/// pair of clusters a choice joins.
fn collapsed_plan(story: &Story, reach: &Reach) -> Plan {
    let c = clusters(story);
    let before = c.hubs.len();
    let group = |i: usize| c.of[i].unwrap_or(before);
    let mut members = vec![0usize; before + 1];
    let mut unreached = vec![0usize; before + 1];
    let mut start = vec![false; before + 1];
    for i in 0..story.sections.len() {
        members[group(i)] += 1;
        if !reach.reached[i] {
            unreached[group(i)] += 1;
        }
        if story.start == Some(i) {
            start[group(i)] = true;
        }
    }
    let drawn: Vec<usize> = (0..=before).filter(|&g| members[g] > 0).collect();
    let mut index = vec![usize::MAX; before + 1];
    for (k, &g) in drawn.iter().enumerate() {
        index[g] = k;
    }
    let boxes = drawn
        .iter()
        .map(|&g| {
            let name = match c.hubs.get(g) {
                Some(&h) => story.sections[h].title.clone(),
                None => "Before the first hub".to_string(),
            };
            let title = if unreached[g] > 0 {
                format!(
                    "{name}: {} sections, {} unreachable under the gates",
                    members[g], unreached[g]
                )
            } else {
                format!("{name}: {} sections", members[g])
            };
            (title, "cluster", unreached[g] == 0, start[g])
        })
        .collect();
    // (from, to) → (choices, gated choices), in a fixed order.
    let mut joins: std::collections::BTreeMap<(usize, usize), (usize, usize)> =
        std::collections::BTreeMap::new();
    for (i, s) in story.sections.iter().enumerate() {
        for ch in &s.choices {
            let Some(t) = ch.target else { continue };
            let (a, b) = (index[group(i)], index[group(t)]);
            if a != b {
                let e = joins.entry((a, b)).or_default();
                e.0 += 1;
                e.1 += usize::from(ch.gated());
            }
        }
    }
    let edges = joins
        .into_iter()
        .map(|((a, b), (n, gated))| {
            (
                a,
                b,
                None,
                gated == n,
                format!("{n} choice(s), {gated} gated"),
            )
        })
        .collect();
    Plan {
        boxes,
        edges,
        cluster: vec![None; drawn.len()],
        cluster_labels: Vec::new(),
        collapsed: true,
        start: story.start.map(|s| index[group(s)]),
    }
}

/// The text alternative of the map: what it shows, in sentences.
fn describe(story: &Story, reach: &Reach, plan: &Plan, clusters_drawn: usize) -> String {
    let count = |k: &str| {
        (0..story.sections.len())
            .filter(|&i| kind(story, i) == k)
            .count()
    };
    let choices: usize = story
        .sections
        .iter()
        .map(|s| s.choices.iter().filter(|c| c.target.is_some()).count())
        .sum();
    let gated: usize = story
        .sections
        .iter()
        .map(|s| {
            s.choices
                .iter()
                .filter(|c| c.target.is_some() && c.gated())
                .count()
        })
        .sum();
    let many = |n: usize, one: &str, more: &str| format!("{n} {}", if n == 1 { one } else { more });
    let mut d = format!(
        "{} ({}, {}, {}) joined by {}, {gated} of them gated.",
        many(story.sections.len(), "section", "sections"),
        many(count("hub"), "hub", "hubs"),
        many(count("keystone"), "keystone", "keystones"),
        many(count("ending"), "ending", "endings"),
        many(choices, "choice", "choices"),
    );
    if let Some(s) = story.start {
        d.push_str(&format!(
            " The story starts at {}.",
            story.sections[s].title
        ));
    }
    let unreached: Vec<&str> = (0..story.sections.len())
        .filter(|&i| !reach.reached[i])
        .map(|i| story.sections[i].title.as_str())
        .collect();
    match unreached.len() {
        0 => d.push_str(" Every section can be reached under the gates."),
        n => {
            let shown: Vec<&str> = unreached.iter().take(10).copied().collect();
            d.push_str(&format!(
                " {} cannot be reached under the gates: {}{}.",
                many(n, "section", "sections"),
                shown.join(", "),
                if n > shown.len() { ", …" } else { "" }
            ));
        }
    }
    if plan.collapsed {
        d.push_str(&format!(
            " Too many sections to draw one by one: each of the {} boxes is a hub's cluster, and an arrow joins two clusters a choice joins.",
            plan.boxes.len()
        ));
    } else if clusters_drawn > 0 {
        d.push_str(&format!(
            " Sections are grouped in {clusters_drawn} boxes, one per hub with the sections it leads to."
        ));
    }
    d
}

/// The story map as SVG (`templates/graph/map.svg`): a layered drawing with routed
/// edges, gate labels, a legend, hub clusters from [`CLUSTER_FROM`] sections, and one
/// box per cluster above [`DRAW_UP_TO`] sections. `title` names the map.
pub fn svg(story: &Story, reach: &Reach, title: &str) -> Result<Map, Error> {
    let n = story.sections.len();
    let plan = if n > DRAW_UP_TO {
        let plan = collapsed_plan(story, reach);
        if plan.boxes.len() > DRAW_UP_TO {
            return Err(MapError::TooLarge {
                sections: n,
                clusters: plan.boxes.len(),
                limit: DRAW_UP_TO,
            }
            .into());
        }
        plan
    } else {
        full_plan(story, reach)
    };
    let fitted_boxes: Vec<(f64, String)> = plan
        .boxes
        .iter()
        .map(|b| fitted(&b.0, if b.1 == "keystone" { 20.0 } else { 0.0 }))
        .collect();
    let graph = layout::Graph {
        boxes: fitted_boxes
            .iter()
            .map(|(w, _)| layout::Size { w: *w, h: BOX_H })
            .collect(),
        links: plan
            .edges
            .iter()
            .map(|e| layout::Link {
                from: e.0,
                to: e.1,
                label: e.2.as_ref().map(|t| layout::Size {
                    w: t.chars().count() as f64 * GATE_CHAR_W + GATE_PAD,
                    h: GATE_H,
                }),
            })
            .collect(),
        cluster: plan.cluster.clone(),
        clusters: plan.cluster_labels.len(),
        first: plan.start_first(),
    };
    let placed = layout::place(&graph).ok_or(MapError::Layout { sections: n })?;
    let paths: Vec<Vec<geometry::Point>> = placed.routes.iter().map(|r| r.points.clone()).collect();
    let crossings = geometry::crossings(&paths);
    let label_overlaps = layout::label_overlaps(&placed);

    let clusters: Vec<ClusterBox> = placed
        .clusters
        .iter()
        .zip(&plan.cluster_labels)
        .filter_map(|(r, label)| {
            let r = (*r)?;
            Some(ClusterBox {
                label: label.clone(),
                x: f1(r.x),
                y: f1(r.y),
                w: f1(r.w),
                h: f1(r.h),
                lx: f1(r.x + 6.0),
                ly: f1(r.y + 13.0),
            })
        })
        .collect();
    let edges = plan
        .edges
        .iter()
        .zip(&placed.routes)
        .map(|(e, r)| Edge {
            d: smooth(&r.points),
            title: e.4.clone(),
            gated: e.3,
            gate: e.2.as_ref().zip(r.label).map(|(text, b)| LabelBox {
                text: text.clone(),
                x: f1(b.x),
                y: f1(b.y),
                w: f1(b.w),
                h: f1(b.h),
                tx: f1(b.x + b.w / 2.0),
                ty: f1(b.y + b.h / 2.0 + 3.5),
            }),
        })
        .collect();
    let nodes = plan
        .boxes
        .iter()
        .zip(&placed.boxes)
        .zip(fitted_boxes)
        .map(|((b, r), (_, label))| {
            let (x, y, w, h) = (r.x, r.y, r.w, r.h);
            let cut = 12.0_f64.min(w / 4.0);
            let hexagon = [
                (x + cut, y),
                (x + w - cut, y),
                (x + w, y + h / 2.0),
                (x + w - cut, y + h),
                (x + cut, y + h),
                (x, y + h / 2.0),
            ]
            .iter()
            .map(|(px, py)| format!("{},{}", f1(*px), f1(*py)))
            .collect::<Vec<_>>()
            .join(" ");
            Node {
                title: b.0.clone(),
                kind: b.1,
                x: f1(x),
                y: f1(y),
                w: f1(w),
                h: f1(h),
                ix: f1(x + 3.0),
                iy: f1(y + 3.0),
                iw: f1(w - 6.0),
                ih: f1(h - 6.0),
                pill: f1(h / 2.0),
                hexagon,
                cx: f1(x + w / 2.0),
                cy: f1(y + h / 2.0 + 4.0),
                label,
                reached: b.2,
                start: b.3,
            }
        })
        .collect();
    let drawing = Drawing {
        title: title.to_string(),
        desc: describe(story, reach, &plan, clusters.len()),
        width: f1(placed.width.max(LEGEND.1)),
        height: f1(placed.height + LEGEND.0),
        top: f1(LEGEND.0),
        clustered: !clusters.is_empty(),
        collapsed: plan.collapsed,
        clusters,
        edges,
        nodes,
    };
    let note = plan.collapsed.then(|| {
        format!(
            "the studio has {n} sections, more than the {DRAW_UP_TO} the map draws one by one: each of its {} boxes is a hub's cluster (`--format dot` lists every section)",
            plan.boxes.len()
        )
    });
    Ok(Map {
        svg: crate::templates::document("graph/map.svg", &drawing, None)?,
        note,
        boxes: plan.boxes.len(),
        edges: plan.edges.len(),
        crossings,
        label_overlaps,
        clusters: drawing.clusters.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::geometry::{Point, crossings};
    use super::*;
    use crate::story::{Choice, Section, reach};

    fn sample() -> Story {
        let studio = crate::studio::Studio::from_files(crate::studio::sample::files());
        Story::build(&studio)
    }

    /// A story of `n` sections: a hub every `every` sections, each section leading to the
    /// next two (a gated choice to the second), the last two endings.
    fn generated(n: usize, every: usize) -> Story {
        let mut st = Story::default();
        for i in 0..n {
            let mut flags = Vec::new();
            if i % every == 0 {
                flags.push("hub".to_string());
            }
            if i + 2 >= n {
                flags.push("terminal".to_string());
            }
            let choices = [i + 1, i + 2]
                .into_iter()
                .filter(|&t| t < n)
                .enumerate()
                .map(|(k, t)| {
                    let gate = if k == 1 {
                        vec![crate::story::Mention::made(&format!("w{}", i % 7))]
                    } else {
                        Vec::new()
                    };
                    let mut c = Choice::made(
                        k,
                        format!("to {t}"),
                        format!("s{t}"),
                        gate,
                        Vec::new(),
                        None,
                    );
                    c.target = Some(t);
                    c
                })
                .collect();
            let id = format!("s{i}");
            st.by_id.insert(id.clone(), i);
            st.sections.push(Section::made(
                id,
                format!("Section {i}"),
                flags,
                Vec::new(),
                choices,
            ));
        }
        st.start = Some(0);
        st
    }

    /// The grid layout this map replaced (layers by breadth-first distance from the
    /// start, unreachable sections in a last layer, straight edges from the bottom of a
    /// box to the top of the next), kept to measure it against.
    fn grid_paths(story: &Story) -> Vec<Vec<Point>> {
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
            .map_or(0, |m| m + 1);
        for l in layer.iter_mut().filter(|l| **l == usize::MAX) {
            *l = last;
        }
        let layers = layer.iter().max().map_or(0, |m| m + 1);
        let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
        for (i, &l) in layer.iter().enumerate() {
            rows[l].push(i);
        }
        let (w, h, gap_x, gap_y) = (150.0, 40.0, 30.0, 70.0);
        let widest = rows.iter().map(Vec::len).max().unwrap_or(1) as f64;
        let width = widest * (w + gap_x) + gap_x;
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
        paths
    }

    #[test]
    fn the_layered_map_crosses_far_less_than_the_grid_and_no_label_overlaps() {
        let story = sample();
        let before = crossings(&grid_paths(&story));
        let map = svg(&story, &reach::search(&story), "Story map").expect("drawn");
        println!(
            "sample: {} sections, {} edges; crossing pairs: grid {before}, layered {}; label overlaps {}",
            map.boxes, map.edges, map.crossings, map.label_overlaps
        );
        assert_eq!(before, 339, "the grid layout's figure in BENCHMARKS.md");
        assert!(map.crossings * 4 < before, "{} vs {before}", map.crossings);
        assert_eq!(
            map.label_overlaps, 0,
            "no gate label overlaps a box or a label"
        );
        assert_eq!(map.boxes, story.sections.len());
        assert!(
            map.note.is_none() && map.clusters == 0,
            "45 sections: no clusters"
        );
    }

    #[test]
    fn the_same_story_draws_the_same_bytes() {
        let story = sample();
        let found = reach::search(&story);
        let a = svg(&story, &found, "Story map").expect("drawn").svg;
        let b = svg(&sample(), &found, "Story map").expect("drawn").svg;
        assert!(a == b, "two drawings of the sample differ");
        let big = generated(120, 10);
        let found = reach::search(&big);
        assert!(
            svg(&big, &found, "m").expect("drawn").svg
                == svg(&big, &found, "m").expect("drawn").svg
        );
    }

    #[test]
    fn an_empty_story_draws_an_empty_map() {
        let story = Story::default();
        let map = svg(&story, &reach::search(&story), "Story map").expect("drawn");
        assert!(
            map.svg.contains("<desc id=\"story-map-desc\">0 sections"),
            "{}",
            map.svg
        );
        assert_eq!((map.boxes, map.edges, map.crossings), (0, 0, 0));
    }

    #[test]
    fn sections_cluster_under_their_nearest_hub_upstream() {
        let story = sample();
        let c = clusters(&story);
        let id = |i: usize| story.sections[i].id.as_str();
        let hubs: Vec<&str> = c.hubs.iter().map(|&h| id(h)).collect();
        assert_eq!(hubs, ["canal-market", "guild-yard", "tidewatch-square"]);
        for (k, &h) in c.hubs.iter().enumerate() {
            assert_eq!(c.of[h], Some(k), "a hub heads its own cluster");
        }
        let start = story.start.expect("start");
        assert_eq!(c.of[start], None, "the opening comes before every hub");
        // Every member is reached from its hub without passing another hub.
        for (i, of) in c.of.iter().enumerate() {
            let Some(k) = of else { continue };
            let mut seen = vec![false; story.sections.len()];
            let mut q = VecDeque::from([c.hubs[*k]]);
            while let Some(j) = q.pop_front() {
                if std::mem::replace(&mut seen[j], true) {
                    continue;
                }
                if j != c.hubs[*k] && story.sections[j].flags.hub {
                    continue;
                }
                q.extend(story.sections[j].choices.iter().filter_map(|ch| ch.target));
            }
            assert!(seen[i], "{} is not downstream of its hub", id(i));
        }
        // In a chain with a hub every ten sections, each hub holds the nine after it.
        let g = generated(60, 10);
        let c = clusters(&g);
        assert_eq!(c.hubs, vec![0, 10, 20, 30, 40, 50]);
        assert_eq!(c.of[19], Some(1));
        assert_eq!(c.of[20], Some(2));
    }

    #[test]
    fn from_fifty_sections_clusters_are_drawn_as_labelled_boxes() {
        let g = generated(60, 10);
        let map = svg(&g, &reach::search(&g), "Story map").expect("drawn");
        assert_eq!(map.clusters, 6);
        assert_eq!(
            map.svg.matches("class=\"cluster\"").count(),
            6,
            "{}",
            map.svg
        );
        assert!(
            map.svg.contains(">Section 10</text>"),
            "clusters carry their hub's title"
        );
        assert_eq!(map.label_overlaps, 0);
        let small = generated(49, 10);
        let map = svg(&small, &reach::search(&small), "Story map").expect("drawn");
        assert_eq!(map.clusters, 0);
        let text = dot(&g, &reach::search(&g));
        assert_eq!(text.matches("subgraph cluster_").count(), 6, "{text}");
        assert!(text.contains("  subgraph cluster_1 {\n    label=\"Section 10\";\n    style=dashed;\n    \"s10\" [label=\"Section 10\""), "{text}");
        assert!(!dot(&small, &reach::search(&small)).contains("subgraph"));
    }

    #[test]
    fn above_the_limit_each_cluster_is_one_box() {
        let g = generated(DRAW_UP_TO + 100, 25);
        let map = svg(&g, &reach::search(&g), "Story map").expect("drawn");
        assert_eq!(map.boxes, 24, "one box per hub");
        assert!(
            map.note
                .as_deref()
                .is_some_and(|n| n.contains("600 sections")),
            "{:?}",
            map.note
        );
        assert!(map.svg.contains("Too many sections to draw one by one"));
        let g = generated(DRAW_UP_TO * 2 + 2, 1);
        let err = svg(&g, &reach::search(&g), "m").expect_err("too many clusters");
        assert!(err.to_string().contains("too many to draw"), "{err}");
    }
}
