//! Plane geometry for the story map: points, boxes, and the two measures a drawing is
//! judged by — how many pairs of edges cross, and which boxes overlap. Pure functions of
//! coordinates; nothing here knows about sections or choices.

/// A point in SVG units (y grows downwards).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Across.
    pub x: f64,
    /// Down.
    pub y: f64,
}

impl Point {
    /// The point at `(x, y)`.
    pub fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }
}

/// An axis-aligned box: its top-left corner and its size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// The box of size `w` × `h` centred on `c`.
    pub fn centred(c: Point, w: f64, h: f64) -> Rect {
        Rect {
            x: c.x - w / 2.0,
            y: c.y - h / 2.0,
            w,
            h,
        }
    }

    /// Whether the two boxes share some area (touching edges do not count).
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    /// The box grown by `m` on every side.
    pub fn grown(&self, m: f64) -> Rect {
        Rect {
            x: self.x - m,
            y: self.y - m,
            w: self.w + 2.0 * m,
            h: self.h + 2.0 * m,
        }
    }

    /// The smallest box holding every point of a path (a zero box for none).
    pub fn around(path: &[Point]) -> Rect {
        let Some(first) = path.first() else {
            return Rect {
                x: 0.0,
                y: 0.0,
                w: 0.0,
                h: 0.0,
            };
        };
        let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.x, first.y);
        for p in path {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        Rect {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        }
    }
}

/// Which side of the line `a → b` the point `c` lies on: positive, negative, or zero
/// when the three are in line.
fn turn(a: Point, b: Point, c: Point) -> f64 {
    (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
}

/// Whether the segments `p1 p2` and `q1 q2` cross at a point inside both. Segments that
/// only touch (an end on the other, as edges meeting at a section do) or lie along one
/// line do not cross.
pub fn segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool {
    let d1 = turn(q1, q2, p1);
    let d2 = turn(q1, q2, p2);
    let d3 = turn(p1, p2, q1);
    let d4 = turn(p1, p2, q2);
    ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
}

/// Whether two polylines cross somewhere.
pub fn paths_cross(a: &[Point], b: &[Point]) -> bool {
    a.windows(2).any(|s| {
        let sa = Rect::around(s);
        b.windows(2).any(|t| {
            // Boxes that do not meet hold segments that cannot cross.
            sa.grown(1e-9).intersects(&Rect::around(t).grown(1e-9))
                && segments_cross(s[0], s[1], t[0], t[1])
        })
    })
}

/// How many pairs of drawn edges (polylines through their waypoints) cross each other;
/// a pair counts once however often its edges cross.
pub fn crossings(paths: &[Vec<Point>]) -> usize {
    let boxes: Vec<Rect> = paths.iter().map(|p| Rect::around(p).grown(1e-9)).collect();
    let mut n = 0;
    for i in 0..paths.len() {
        for j in i + 1..paths.len() {
            if boxes[i].intersects(&boxes[j]) && paths_cross(&paths[i], &paths[j]) {
                n += 1;
            }
        }
    }
    n
}

/// The pairs of boxes (by index, first < second) that share some area.
pub fn overlaps(boxes: &[Rect]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..boxes.len() {
        for j in i + 1..boxes.len() {
            if boxes[i].intersects(&boxes[j]) {
                out.push((i, j));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64, y: f64) -> Point {
        Point::new(x, y)
    }

    #[test]
    fn an_x_is_one_crossing() {
        let paths = vec![
            vec![p(0.0, 0.0), p(10.0, 10.0)],
            vec![p(0.0, 10.0), p(10.0, 0.0)],
        ];
        assert_eq!(crossings(&paths), 1);
    }

    #[test]
    fn parallel_and_touching_edges_do_not_cross() {
        // Two side by side, and two meeting at a shared section (the same end point).
        let parallel = vec![
            vec![p(0.0, 0.0), p(0.0, 10.0)],
            vec![p(5.0, 0.0), p(5.0, 10.0)],
        ];
        assert_eq!(crossings(&parallel), 0);
        let meeting = vec![
            vec![p(0.0, 0.0), p(5.0, 10.0)],
            vec![p(10.0, 0.0), p(5.0, 10.0)],
        ];
        assert_eq!(crossings(&meeting), 0);
        let along = vec![
            vec![p(0.0, 0.0), p(0.0, 10.0)],
            vec![p(0.0, 5.0), p(0.0, 20.0)],
        ];
        assert_eq!(crossings(&along), 0, "collinear overlap is not a crossing");
    }

    #[test]
    fn a_bent_edge_crossing_twice_counts_once() {
        let straight = vec![p(0.0, 5.0), p(30.0, 5.0)];
        let zigzag = vec![p(5.0, 0.0), p(10.0, 10.0), p(15.0, 0.0), p(20.0, 10.0)];
        assert!(paths_cross(&straight, &zigzag));
        assert_eq!(crossings(&[straight, zigzag]), 1);
        // The same zigzag wholly above the line does not cross it.
        let above = vec![p(5.0, 0.0), p(10.0, 4.0), p(15.0, 0.0)];
        assert_eq!(crossings(&[vec![p(0.0, 5.0), p(30.0, 5.0)], above]), 0);
    }

    #[test]
    fn boxes_overlap_only_when_they_share_area() {
        let a = Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        let touching = Rect { x: 10.0, ..a };
        let inside = Rect::centred(p(5.0, 5.0), 2.0, 2.0);
        assert_eq!(overlaps(&[a, touching]), vec![]);
        assert_eq!(overlaps(&[a, touching, inside]), vec![(0, 2)]);
    }
}
