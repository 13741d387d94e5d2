//! SugarCube's number variables read as counters: the assignments (`<<set $gold to 5>>`,
//! `$gold += 2`, `$gold to $gold - 3`, and the `Math.clamp($gold + 2, 0, 12)` that
//! showrunner's own Twee view writes), the comparisons a gate makes (`$gold gte 5`,
//! `$gold >= 5`), and the declaration comment the view puts in `StoryInit`
//! (`/* counter gold 0..12: gold coins */`). Anything else is not a counter's and is
//! left to the caller, which keeps it and lists it.

use crate::story::counters::{Counter, Delta, Need, Op};

/// `$gold` → `gold`, `$lampsLit` / `$lamps_lit` → `lamps-lit`, `$n_cw_x` → `cw-x` (the
/// view's escape for an id that would read as a codeword's variable). `None` for what
/// is not a plain variable.
pub fn counter_of(var: &str) -> Option<String> {
    let name = var.trim().strip_prefix('$')?;
    let name = match name.strip_prefix("n_") {
        Some(rest) if rest.starts_with("cw_") || rest.starts_with("n_") => rest,
        _ => name,
    };
    slug_of_name(name)
}

/// A story variable's name as a slug id: `lampsLit` / `lamps_lit` → `lamps-lit`; `None`
/// for a name that is not letters, digits and underscores.
pub fn slug_of_name(name: &str) -> Option<String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' {
            out.push('-');
            prev_lower = false;
        } else if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    let out = out.trim_matches('-').to_string();
    (!out.is_empty() && !out.contains("--")).then_some(out)
}

fn int(s: &str) -> Option<i64> {
    let s = s.trim();
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 15 {
        return None;
    }
    s.parse().ok()
}

/// One assignment, as inside `<<set …>>` or a link setter: the counter and how it
/// moves, and the bounds when the view's `Math.clamp(…, lo, hi)` gives them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The counter id.
    pub counter: String,
    /// What happens to it.
    pub delta: Delta,
    /// `Math.clamp`'s bounds, when written.
    pub clamp: Option<(i64, i64)>,
}

/// Reads one assignment; `None` for anything that is not a number moving (booleans,
/// strings, expressions of other variables).
pub fn assignment(text: &str) -> Option<Assignment> {
    let t = text.trim();
    let made = |var: &str, delta| {
        Some(Assignment {
            counter: counter_of(var)?,
            delta,
            clamp: None,
        })
    };
    for (op, sign) in [("+=", 1), ("-=", -1)] {
        if let Some((var, n)) = t.split_once(op) {
            return made(var, Delta::Add(sign * int(n)?));
        }
    }
    let (var, value) = t.split_once(" to ").or_else(|| {
        let (v, rest) = t.split_once('=')?;
        (!rest.starts_with('=')).then_some((v, rest))
    })?;
    let var = var.trim();
    let value = value.trim();
    if let Some(n) = int(value) {
        return made(var, Delta::Set(n));
    }
    // `Math.clamp($v ± n, lo, hi)`
    if let Some(inner) = value
        .strip_prefix("Math.clamp(")
        .and_then(|v| v.strip_suffix(')'))
    {
        let parts: Vec<&str> = inner.split(',').collect();
        if let [expr, lo, hi] = parts.as_slice() {
            let mut a = assignment(&format!("{var} to {}", expr.trim()))?;
            if !matches!(a.delta, Delta::Add(_)) {
                return None;
            }
            a.clamp = Some((int(lo)?, int(hi)?));
            return Some(a);
        }
        return None;
    }
    // `$v + n`, `$v - n`
    let (other, rest) = value.split_once(' ')?;
    if other != var {
        return None;
    }
    let rest = rest.trim();
    let (sign, n) = match rest.chars().next()? {
        '+' => (1, &rest[1..]),
        '-' => (-1, &rest[1..]),
        _ => return None,
    };
    made(var, Delta::Add(sign * int(n)?))
}

/// Reads a comparison of a variable with a number: `$gold gte 5`, `$gold >= 5`,
/// `$gold is 3`. `None` for anything else (codeword tests included).
pub fn comparison(term: &str) -> Option<Need> {
    let words: Vec<&str> = term.split_whitespace().collect();
    let [var, op, n] = words.as_slice() else {
        return None;
    };
    let op = match *op {
        "gte" | ">=" => Op::Ge,
        "gt" | ">" => Op::Gt,
        "lte" | "<=" => Op::Le,
        "lt" | "<" => Op::Lt,
        "eq" | "is" | "==" | "===" => Op::Eq,
        "neq" | "isnot" | "!=" | "!==" => Op::Ne,
        _ => return None,
    };
    Some(Need {
        counter: counter_of(var)?,
        op,
        value: int(n)?,
        line: 0,
    })
}

/// The declaration comment showrunner's Twee view writes before a counter's start:
/// `/* counter gold 0..12 item: gold coins */`, the start read from the `<<set>>` after
/// it by the caller.
pub fn declaration(comment: &str) -> Option<Counter> {
    let inner = comment
        .trim()
        .strip_prefix("/*")?
        .strip_suffix("*/")?
        .trim();
    let rest = inner.strip_prefix("counter ")?;
    let (head, name) = rest.split_once(':')?;
    let mut words = head.split_whitespace();
    let id = words.next()?.to_string();
    let (lo, hi) = words.next()?.split_once("..")?;
    let item = match words.next() {
        None => false,
        Some("item") => true,
        Some(_) => return None,
    };
    let (min, max) = (int(lo)?, int(hi)?);
    Some(Counter {
        id,
        name: name.trim().to_string(),
        min,
        max,
        start: min,
        item,
        line: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_in_every_form_the_view_and_authors_write() {
        let a = |t: &str| assignment(t).map(|a| (a.counter, a.delta, a.clamp));
        assert_eq!(a("$gold to 5"), Some(("gold".into(), Delta::Set(5), None)));
        assert_eq!(a("$gold = -1"), Some(("gold".into(), Delta::Set(-1), None)));
        assert_eq!(a("$gold += 2"), Some(("gold".into(), Delta::Add(2), None)));
        assert_eq!(a("$gold -= 3"), Some(("gold".into(), Delta::Add(-3), None)));
        assert_eq!(
            a("$gold to $gold - 3"),
            Some(("gold".into(), Delta::Add(-3), None))
        );
        assert_eq!(
            a("$lampsLit to Math.clamp($lampsLit + 1, 0, 9)"),
            Some(("lamps-lit".into(), Delta::Add(1), Some((0, 9))))
        );
        for no in [
            "$gold to true",
            "$gold to $silver + 1",
            "$gold to \"five\"",
            "$gold == 5",
            "$gold to $gold * 2",
        ] {
            assert_eq!(a(no), None, "{no}");
        }
    }

    #[test]
    fn comparisons_and_declarations() {
        let n = comparison("$gold gte 5").expect("gte");
        assert_eq!((n.counter.as_str(), n.op, n.value), ("gold", Op::Ge, 5));
        assert_eq!(comparison("$gold != 0").map(|n| n.op), Some(Op::Ne));
        assert_eq!(comparison("$hasKey"), None);
        assert_eq!(comparison("$gold gte $cost"), None);
        let c = declaration("/* counter lamp-oil 0..3 item: flasks of oil */").expect("decl");
        assert_eq!(
            (c.id.as_str(), c.min, c.max, c.item, c.name.as_str()),
            ("lamp-oil", 0, 3, true, "flasks of oil")
        );
        assert_eq!(declaration("/* just a comment */"), None);
        assert_eq!(counter_of("$n_cw_x").as_deref(), Some("cw-x"));
        assert_eq!(counter_of("$n_b").as_deref(), Some("n-b"));
    }
}
