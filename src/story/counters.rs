//! Counters and items: numbers a reader carries (gold, stamina, lamps lit), declared
//! once in `counters.yaml` with a range and a reader-facing name, changed by sections on
//! arrival and by choices when taken, and tested by choices' `needs`.
//!
//! This module is the one statement of their meaning, shared by the gatecheck, the
//! player and the playtests:
//!
//! - a value always stays inside its declared range: a section's change is clamped to
//!   it, and so is a choice's gain;
//! - a choice whose change would take a counter below its minimum is closed — a cost
//!   must be payable — so a cost is a gate and needs a reader-facing `condition`;
//! - `=N` assigns, `+N`/`-N` (or a bare integer) adds.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::artifact::node::{Node, Value};

/// One declared counter (`counters.yaml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counter {
    /// Its id.
    pub id: String,
    /// The reader-facing name ("gold coins").
    pub name: String,
    /// The smallest value.
    pub min: i64,
    /// The largest value.
    pub max: i64,
    /// The value a reader starts with.
    pub start: i64,
    /// An item (listed among the reader's belongings) rather than a stat.
    pub item: bool,
    /// Line of its key in `counters.yaml`.
    pub line: u32,
}

impl Counter {
    /// How many values it can take.
    pub fn width(&self) -> u64 {
        (self.max - self.min).unsigned_abs() + 1
    }

    /// How a reader is told its value: "gold coins: 3".
    pub fn show(&self, value: i64) -> String {
        format!("{}: {value}", self.name)
    }
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// `>=`
    Ge,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }

    /// Whether `left op right`.
    pub fn holds(self, left: i64, right: i64) -> bool {
        match self {
            Op::Ge => left >= right,
            Op::Gt => left > right,
            Op::Le => left <= right,
            Op::Lt => left < right,
            Op::Eq => left == right,
            Op::Ne => left != right,
        }
    }

    /// Whether holding more can only open the test (`>=`, `>`).
    pub fn upward(self) -> bool {
        matches!(self, Op::Ge | Op::Gt)
    }
}

/// A choice's test on a counter: `gold >= 5`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    /// The counter id.
    pub counter: String,
    /// The comparison.
    pub op: Op,
    /// The number compared with.
    pub value: i64,
    /// File line.
    pub line: u32,
}

impl Need {
    /// Reads `gold >= 5` (spaces optional); `None` when it is not that shape (the
    /// schema bar reports it).
    pub fn parse(text: &str, line: u32) -> Option<Need> {
        let text = text.trim();
        let at = text.find(['>', '<', '=', '!'])?;
        let (counter, rest) = text.split_at(at);
        let counter = counter.trim();
        let (op, number) = [
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            (">", Op::Gt),
            ("<", Op::Lt),
        ]
        .into_iter()
        .find_map(|(s, op)| rest.strip_prefix(s).map(|n| (op, n)))?;
        let value = number.trim().parse().ok()?;
        let slug = !counter.is_empty()
            && counter
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !counter.starts_with('-');
        slug.then(|| Need {
            counter: counter.to_string(),
            op,
            value,
            line,
        })
    }

    /// Whether a value passes.
    pub fn holds(&self, value: i64) -> bool {
        self.op.holds(value, self.value)
    }

    /// Whether any value in the counter's range passes.
    pub fn satisfiable(&self, c: &Counter) -> bool {
        self.passes_between(c.min, c.max)
    }

    /// Whether any value from `lo` to `hi` (inclusive) passes.
    pub fn passes_between(&self, lo: i64, hi: i64) -> bool {
        lo <= hi
            && match self.op {
                Op::Ge => hi >= self.value,
                Op::Gt => hi > self.value,
                Op::Le => lo <= self.value,
                Op::Lt => lo < self.value,
                Op::Eq => (lo..=hi).contains(&self.value),
                Op::Ne => lo != hi || lo != self.value,
            }
    }
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.counter, self.op.symbol(), self.value)
    }
}

/// How a change moves a counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delta {
    /// Adds (a negative amount subtracts).
    Add(i64),
    /// Assigns.
    Set(i64),
}

/// A change to one counter: `gold: -5`, `lamps: =0`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The counter id.
    pub counter: String,
    /// What happens to it.
    pub delta: Delta,
    /// File line.
    pub line: u32,
}

impl Change {
    /// Whether it can lower the counter: the only kind of change a test `>=` can lose to.
    pub fn lowers(&self) -> bool {
        match self.delta {
            Delta::Add(n) => n < 0,
            Delta::Set(_) => true,
        }
    }

    /// The amount a choice costs (a negative addition), if any.
    pub fn cost(&self) -> Option<i64> {
        match self.delta {
            Delta::Add(n) if n < 0 => Some(-n),
            _ => None,
        }
    }

    /// The value after a section's change on arrival: clamped to the range.
    pub fn arrive(&self, c: &Counter, value: i64) -> i64 {
        let v = match self.delta {
            Delta::Add(n) => value.saturating_add(n),
            Delta::Set(n) => n,
        };
        v.clamp(c.min, c.max)
    }

    /// The value after a choice's change, or `None` when the choice cannot be paid for
    /// (it would fall below the minimum); gains are clamped to the maximum.
    pub fn take(&self, c: &Counter, value: i64) -> Option<i64> {
        match self.delta {
            Delta::Add(n) if n < 0 && value.saturating_add(n) < c.min => None,
            Delta::Add(n) => Some(value.saturating_add(n).clamp(c.min, c.max)),
            Delta::Set(n) => Some(n.clamp(c.min, c.max)),
        }
    }

    /// As written in front matter: `+5`, `-2`, `=0`.
    pub fn written(&self) -> String {
        match self.delta {
            Delta::Add(n) if n >= 0 => format!("+{n}"),
            Delta::Add(n) => n.to_string(),
            Delta::Set(n) => format!("={n}"),
        }
    }
}

/// Reads a `change:` map (counter id to `+N`, `-N`, `N` or `=N`); entries that are not
/// that shape are left out (the schema bar reports them).
pub fn changes(n: Option<&Node>) -> Vec<Change> {
    let Some(entries) = n.and_then(Node::as_map) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|e| {
            let delta = match &e.value.value {
                Value::Int(v) => Delta::Add(*v),
                Value::Str(s) => delta_of(s)?,
                _ => return None,
            };
            Some(Change {
                counter: e.key.clone(),
                delta,
                line: e.key_line,
            })
        })
        .collect()
}

fn delta_of(s: &str) -> Option<Delta> {
    let s = s.trim();
    if let Some(n) = s.strip_prefix('=') {
        return n.trim().parse().ok().map(Delta::Set);
    }
    let n = s.strip_prefix('+').unwrap_or(s);
    n.parse().ok().map(Delta::Add)
}

/// Reads a `needs:` list.
pub fn needs(n: Option<&Node>) -> Vec<Need> {
    n.and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|i| i.as_str().and_then(|s| Need::parse(s, i.line)))
        .collect()
}

/// Reads `counters.yaml`'s `counters:` map. A declaration without a usable `name` and
/// `max` is left out (the schema bar reports it); one whose range or start does not fit
/// is kept, made to fit, and described in the second list as (line, what is wrong).
pub fn declared(doc: &Node) -> (Vec<Counter>, Vec<(u32, String)>) {
    let mut problems = Vec::new();
    let Some(entries) = doc.get("counters").and_then(Node::as_map) else {
        return (Vec::new(), problems);
    };
    let int = |n: &Node, key: &str| match n.get(key).map(|v| &v.value) {
        Some(Value::Int(v)) => Some(*v),
        _ => None,
    };
    let counters = entries
        .iter()
        .filter_map(|e| {
            let d = &e.value;
            let min = int(d, "min").unwrap_or(0);
            let mut max = int(d, "max")?;
            let line_of = |key: &str| d.entry(key).map_or(e.key_line, |k| k.key_line);
            if max < min {
                problems.push((
                    line_of("max"),
                    format!("`{}` has `min` {min} above its `max` {max}", e.key),
                ));
                max = min;
            }
            let mut start = int(d, "start").unwrap_or(min);
            if !(min..=max).contains(&start) {
                problems.push((
                    line_of("start"),
                    format!(
                        "`{}` starts at {start}, outside its range {min}..={max}",
                        e.key
                    ),
                ));
                start = start.clamp(min, max);
            }
            Some(Counter {
                id: e.key.clone(),
                name: d.str_at("name")?.to_string(),
                min,
                max,
                start,
                item: d.str_at("kind") == Some("item"),
                line: e.key_line,
            })
        })
        .collect();
    (counters, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold() -> Counter {
        Counter {
            id: "gold".into(),
            name: "gold coins".into(),
            min: 0,
            max: 20,
            start: 3,
            item: false,
            line: 2,
        }
    }

    #[test]
    fn needs_read_with_or_without_spaces_and_refuse_other_shapes() {
        let n = Need::parse("gold>=5", 4).expect("parses");
        assert_eq!((n.counter.as_str(), n.op, n.value), ("gold", Op::Ge, 5));
        assert_eq!(
            Need::parse(" lamps-lit != -1 ", 1).map(|n| n.op),
            Some(Op::Ne)
        );
        assert_eq!(Need::parse("gold > 5", 1).map(|n| n.op), Some(Op::Gt));
        for bad in [
            "gold",
            "gold >= ",
            ">= 5",
            "Gold >= 5",
            "gold => 5",
            "gold >= 5x",
        ] {
            assert_eq!(Need::parse(bad, 1), None, "{bad}");
        }
        assert_eq!(n.to_string(), "gold >= 5");
    }

    #[test]
    fn arrival_clamps_and_a_cost_must_be_payable() {
        let g = gold();
        let add = |n| Change {
            counter: "gold".into(),
            delta: Delta::Add(n),
            line: 1,
        };
        assert_eq!(add(30).arrive(&g, 3), 20);
        assert_eq!(add(-9).arrive(&g, 3), 0);
        assert_eq!(add(-3).take(&g, 3), Some(0));
        assert_eq!(add(-4).take(&g, 3), None, "cannot pay 4 with 3");
        assert_eq!(add(50).take(&g, 3), Some(20), "gains clamp");
        let set = Change {
            counter: "gold".into(),
            delta: Delta::Set(7),
            line: 1,
        };
        assert_eq!(set.take(&g, 19), Some(7));
        assert_eq!(set.written(), "=7");
        assert_eq!(add(2).written(), "+2");
        assert_eq!(add(-2).written(), "-2");
    }

    #[test]
    fn satisfiable_only_inside_the_range() {
        let g = gold();
        let n = |op, value| Need {
            counter: "gold".into(),
            op,
            value,
            line: 1,
        };
        assert!(n(Op::Ge, 20).satisfiable(&g));
        assert!(!n(Op::Gt, 20).satisfiable(&g));
        assert!(!n(Op::Lt, 0).satisfiable(&g));
        assert!(!n(Op::Eq, 21).satisfiable(&g));
        assert!(n(Op::Ne, 0).satisfiable(&g));
    }
}
