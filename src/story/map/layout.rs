//! The story map's layout: a layered drawing in the manner of Graphviz's `dot`, done by
//! the `dagre` crate (network-simplex layering, barycentre crossing reduction,
//! Brandes–Köpf coordinates, edges routed through dummy nodes between the layers, edge
//! labels given a place of their own, clusters as compound nodes). This module turns a
//! plain graph of boxes into placed boxes, routed polylines and label boxes, and then
//! moves any label that still overlaps something to a free waypoint of its edge. It knows
//! nothing of sections; `map` says what the boxes are.

use std::panic::{AssertUnwindSafe, catch_unwind};

use dagre::graph::{Graph as Dagre, GraphOptions};
use dagre::layout::types::LabelPos;
use dagre::{EdgeLabel, LayoutOptions, NodeLabel, RankDir};

use super::geometry::{Point, Rect, overlaps};

/// A box to place: its size.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// An edge to route, between boxes by index, with the size of its label if it has one.
#[derive(Clone, Copy, Debug)]
pub struct Link {
    /// Where it starts.
    pub from: usize,
    /// Where it ends.
    pub to: usize,
    /// Its label's size.
    pub label: Option<Size>,
}

/// What to lay out: boxes, edges, and which cluster (if any) each box belongs to.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    /// The boxes.
    pub boxes: Vec<Size>,
    /// The edges.
    pub links: Vec<Link>,
    /// A cluster index per box (none outside every cluster).
    pub cluster: Vec<Option<usize>>,
    /// How many clusters there are.
    pub clusters: usize,
    /// Boxes to hand the layout engine first, in this order (the start, then by
    /// distance from it): cycles are broken by a depth-first walk in that order, so the
    /// start is drawn at the top and choices that return upwards are the ones reversed.
    pub first: Vec<usize>,
}

/// A routed edge: the polyline through its waypoints, first point on the source's
/// border, last on the target's; and its label's box.
#[derive(Clone, Debug)]
pub struct Route {
    /// Waypoints, in drawing order.
    pub points: Vec<Point>,
    /// Where its label is written.
    pub label: Option<Rect>,
}

/// The placed drawing: a box per box, a route per link, a box per cluster (none for a
/// cluster with no member), and the drawing's size (margins included).
#[derive(Clone, Debug)]
pub struct Placed {
    /// The boxes, in the order given.
    pub boxes: Vec<Rect>,
    /// The routes, in the order given.
    pub routes: Vec<Route>,
    /// The cluster boxes, in cluster order.
    pub clusters: Vec<Option<Rect>>,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// Spacing of the drawing, in SVG units.
const NODE_SEP: f64 = 36.0;
const EDGE_SEP: f64 = 14.0;
const RANK_SEP: f64 = 56.0;
const MARGIN: f64 = 20.0;
/// The room kept free around a label when looking for a place.
const LABEL_GAP: f64 = 2.0;

fn node_id(i: usize) -> String {
    format!("n{i}")
}

fn cluster_id(k: usize) -> String {
    format!("c{k}")
}

fn edge_name(k: usize) -> String {
    format!("e{k}")
}

/// Lays `g` out top to bottom; `None` when the layout engine fails on it (it is not
/// expected to, but a map is not worth a crash).
pub fn place(g: &Graph) -> Option<Placed> {
    let mut d: Dagre<NodeLabel, EdgeLabel> = Dagre::with_options(GraphOptions {
        directed: true,
        multigraph: true,
        compound: g.clusters > 0,
    });
    let mut order: Vec<usize> = Vec::with_capacity(g.boxes.len());
    let mut listed = vec![false; g.boxes.len()];
    for &i in g
        .first
        .iter()
        .chain(&(0..g.boxes.len()).collect::<Vec<_>>())
    {
        if i < listed.len() && !std::mem::replace(&mut listed[i], true) {
            order.push(i);
        }
    }
    for i in order {
        let b = g.boxes[i];
        d.set_node(
            node_id(i),
            Some(NodeLabel {
                width: b.w,
                height: b.h,
                ..NodeLabel::default()
            }),
        );
    }
    let used: Vec<bool> = (0..g.clusters)
        .map(|k| g.cluster.contains(&Some(k)))
        .collect();
    for k in (0..g.clusters).filter(|&k| used[k]) {
        d.set_node(cluster_id(k), Some(NodeLabel::default()));
    }
    for (i, c) in g.cluster.iter().enumerate() {
        if let Some(k) = c {
            d.set_parent(&node_id(i), Some(&cluster_id(*k)));
        }
    }
    for (k, l) in g.links.iter().enumerate() {
        let mut label = EdgeLabel::default();
        if let Some(s) = l.label {
            label.width = s.w;
            label.height = s.h;
            label.labelpos = LabelPos::Center;
        }
        d.set_edge(
            node_id(l.from),
            node_id(l.to),
            Some(label),
            Some(&edge_name(k)),
        );
    }
    let opts = LayoutOptions {
        rankdir: RankDir::TB,
        nodesep: NODE_SEP,
        edgesep: EDGE_SEP,
        ranksep: RANK_SEP,
        marginx: MARGIN,
        marginy: MARGIN,
        ..LayoutOptions::default()
    };
    catch_unwind(AssertUnwindSafe(|| dagre::layout(&mut d, Some(opts)))).ok()?;

    let rect_of = |id: &str| -> Option<Rect> {
        let n = d.node(id)?;
        Some(Rect::centred(Point::new(n.x?, n.y?), n.width, n.height))
    };
    let boxes = (0..g.boxes.len())
        .map(|i| rect_of(&node_id(i)))
        .collect::<Option<Vec<Rect>>>()?;
    let clusters = (0..g.clusters)
        .map(|k| {
            if used[k] {
                rect_of(&cluster_id(k))
            } else {
                None
            }
        })
        .collect();
    let mut routes = Vec::with_capacity(g.links.len());
    for (k, l) in g.links.iter().enumerate() {
        let e = d.edge(&node_id(l.from), &node_id(l.to), Some(&edge_name(k)))?;
        let points: Vec<Point> = e.points.iter().map(|p| Point::new(p.x, p.y)).collect();
        let label = match (l.label, e.x, e.y) {
            (Some(s), Some(x), Some(y)) => Some(Rect::centred(Point::new(x, y), s.w, s.h)),
            (Some(s), _, _) => Some(Rect::centred(middle(&points), s.w, s.h)),
            _ => None,
        };
        routes.push(Route { points, label });
    }
    let mut placed = Placed {
        boxes,
        routes,
        clusters,
        width: 0.0,
        height: 0.0,
    };
    free_labels(&mut placed);
    let (x0, y0) = origin(&placed);
    shift(&mut placed, MARGIN - x0, MARGIN - y0);
    let (w, h) = extent(&placed);
    placed.width = w + MARGIN;
    placed.height = h + MARGIN;
    Some(placed)
}

/// The point halfway along a polyline's waypoints (its only point, or the origin).
fn middle(points: &[Point]) -> Point {
    match points.len() {
        0 => Point::new(0.0, 0.0),
        n if n % 2 == 1 => points[n / 2],
        n => {
            let (a, b) = (points[n / 2 - 1], points[n / 2]);
            Point::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0)
        }
    }
}

/// The left and top edges of everything drawn.
fn origin(p: &Placed) -> (f64, f64) {
    let mut all: Vec<Rect> = p.boxes.clone();
    all.extend(p.clusters.iter().flatten().copied());
    all.extend(p.routes.iter().filter_map(|r| r.label));
    all.extend(p.routes.iter().map(|r| Rect::around(&r.points)));
    all.iter()
        .fold((f64::INFINITY, f64::INFINITY), |(x, y), r| {
            (x.min(r.x), y.min(r.y))
        })
}

/// Moves everything drawn by `(dx, dy)`.
fn shift(p: &mut Placed, dx: f64, dy: f64) {
    if !dx.is_finite() || !dy.is_finite() {
        return;
    }
    let mv = |r: &mut Rect| {
        r.x += dx;
        r.y += dy;
    };
    p.boxes.iter_mut().for_each(mv);
    p.clusters.iter_mut().flatten().for_each(mv);
    for r in &mut p.routes {
        r.label.iter_mut().for_each(mv);
        for q in &mut r.points {
            q.x += dx;
            q.y += dy;
        }
    }
}

/// The right and bottom edges of everything drawn.
fn extent(p: &Placed) -> (f64, f64) {
    let mut all: Vec<Rect> = p.boxes.clone();
    all.extend(p.clusters.iter().flatten().copied());
    all.extend(p.routes.iter().filter_map(|r| r.label));
    all.extend(p.routes.iter().map(|r| Rect::around(&r.points)));
    all.iter().fold((0.0_f64, 0.0_f64), |(w, h), r| {
        (w.max(r.x + r.w), h.max(r.y + r.h))
    })
}

/// Moves each label that overlaps a box or a label placed before it to the nearest
/// waypoint (or segment middle) of its own edge where it overlaps nothing; a label with
/// no free place stays where the layout put it.
fn free_labels(p: &mut Placed) {
    let mut taken: Vec<Rect> = Vec::new();
    for k in 0..p.routes.len() {
        let Some(at) = p.routes[k].label else {
            continue;
        };
        let clear = |r: &Rect| {
            !p.boxes
                .iter()
                .chain(&taken)
                .any(|o| r.grown(LABEL_GAP).intersects(o))
        };
        let chosen = if clear(&at) {
            at
        } else {
            let centre = Point::new(at.x + at.w / 2.0, at.y + at.h / 2.0);
            let mut spots = candidates(&p.routes[k].points);
            spots.sort_by(|a, b| {
                let da = (a.x - centre.x).powi(2) + (a.y - centre.y).powi(2);
                let db = (b.x - centre.x).powi(2) + (b.y - centre.y).powi(2);
                da.total_cmp(&db)
            });
            spots
                .into_iter()
                .map(|c| Rect::centred(c, at.w, at.h))
                .find(|r| clear(r))
                .unwrap_or(at)
        };
        taken.push(chosen);
        p.routes[k].label = Some(chosen);
    }
}

/// Where along a polyline a label may sit: its inner waypoints, and points at a quarter,
/// half and three quarters of each segment.
fn candidates(points: &[Point]) -> Vec<Point> {
    let mut out: Vec<Point> = points
        .iter()
        .skip(1)
        .take(points.len().saturating_sub(2))
        .copied()
        .collect();
    for s in points.windows(2) {
        for t in [0.25, 0.5, 0.75] {
            out.push(Point::new(
                s[0].x + (s[1].x - s[0].x) * t,
                s[0].y + (s[1].y - s[0].y) * t,
            ));
        }
    }
    out
}

/// How many pairs of (gate label, box or other label) overlap in a placed drawing.
pub fn label_overlaps(p: &Placed) -> usize {
    let labels: Vec<Rect> = p.routes.iter().filter_map(|r| r.label).collect();
    let mut all = labels.clone();
    all.extend(p.boxes.iter().copied());
    overlaps(&all)
        .into_iter()
        .filter(|&(i, _)| i < labels.len())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sz(w: f64, h: f64) -> Size {
        Size { w, h }
    }

    #[test]
    fn a_chain_is_laid_top_to_bottom_with_routes_from_border_to_border() {
        let g = Graph {
            boxes: vec![sz(80.0, 30.0); 3],
            links: vec![
                Link {
                    from: 0,
                    to: 1,
                    label: None,
                },
                Link {
                    from: 1,
                    to: 2,
                    label: Some(sz(40.0, 12.0)),
                },
            ],
            cluster: vec![None; 3],
            clusters: 0,
            first: vec![],
        };
        let p = place(&g).expect("laid out");
        assert!(p.boxes[0].y < p.boxes[1].y && p.boxes[1].y < p.boxes[2].y);
        let r = &p.routes[0];
        let (first, last) = (r.points[0], r.points[r.points.len() - 1]);
        assert!(
            (first.y - (p.boxes[0].y + p.boxes[0].h)).abs() < 0.5,
            "{r:?}"
        );
        assert!((last.y - p.boxes[1].y).abs() < 0.5, "{r:?}");
        assert!(p.routes[1].label.is_some());
        assert_eq!(label_overlaps(&p), 0);
    }

    #[test]
    fn loops_parallel_edges_and_an_empty_graph_are_laid_out() {
        let link = |from, to| Link {
            from,
            to,
            label: Some(sz(30.0, 12.0)),
        };
        let g = Graph {
            boxes: vec![sz(60.0, 30.0); 2],
            links: vec![link(0, 0), link(0, 1), link(0, 1), link(1, 0)],
            cluster: vec![None; 2],
            clusters: 0,
            first: vec![1, 7],
        };
        let p = place(&g).expect("laid out");
        assert_eq!(p.routes.len(), 4);
        assert!(
            p.routes.iter().all(|r| r.points.len() >= 2),
            "{:?}",
            p.routes
        );
        assert!(
            p.boxes[1].y < p.boxes[0].y,
            "the first box listed is drawn on top"
        );
        assert_eq!(label_overlaps(&p), 0);
        let empty = place(&Graph::default()).expect("nothing to lay out");
        assert!(empty.boxes.is_empty() && empty.width >= 0.0);
    }

    #[test]
    fn cluster_boxes_hold_their_members() {
        let g = Graph {
            boxes: vec![sz(60.0, 30.0); 4],
            links: (0..3)
                .map(|i| Link {
                    from: i,
                    to: i + 1,
                    label: None,
                })
                .collect(),
            cluster: vec![None, Some(0), Some(0), Some(2)],
            clusters: 3,
            first: vec![],
        };
        let p = place(&g).expect("laid out");
        let c = p.clusters[0].expect("cluster 0 drawn");
        for b in &p.boxes[1..3] {
            assert!(c.x <= b.x && c.y <= b.y && b.x + b.w <= c.x + c.w && b.y + b.h <= c.y + c.h);
        }
        assert!(p.clusters[1].is_none(), "an empty cluster is not drawn");
        assert!(!c.intersects(&p.boxes[0]));
    }
}
