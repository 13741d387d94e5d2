//! The exhaustive playtest (`playtest --exhaustive`, in the manner of ChoiceScript's
//! quicktest): every state a reader can be in — a section and the codewords held that
//! some gate tests — is visited once (states at sections not yet reached first, then
//! breadth first), so every section and every choice
//! that any way of reading reaches is reached, and what none reaches is reported.
//!
//! Codewords only accumulate and only the tested ones change what is open, so a state
//! is a section with the tested codewords held and the tested counters' values: the
//! walk is exact. It is bounded by a
//! number of states; a book whose states exceed it is reported as not exhausted, never
//! as proven.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;

use serde::Serialize;

use super::{Held, Playable};

/// A choice no way of reading can take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Untaken {
    /// The section it is in (`sections/<id>.md`).
    pub section: String,
    /// Its label.
    pub label: String,
    /// Why: the section is never reached, or the choice is closed however it is reached.
    pub why: &'static str,
}

/// A place a reader can be left with no way on, and a route there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trap {
    /// The section (not an ending) with no open choice.
    pub section: String,
    /// A route to it (the walk's first): (section, label of the choice taken).
    pub route: Vec<(String, String)>,
}

/// What the exhaustive playtest found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exhaustive {
    /// The snapshot.
    pub tag: String,
    /// Whether every reachable state was visited (false: the bound stopped it).
    pub complete: bool,
    /// States visited.
    pub states: usize,
    /// The bound on states.
    pub bound: usize,
    /// Codewords some gate tests (the ones a state tells apart).
    pub tested_codewords: usize,
    /// Counters some need or cost tests (their values tell states apart too).
    pub tested_counters: usize,
    /// Sections in the book, and how many some way of reading reaches.
    pub sections: usize,
    /// Sections reached.
    pub sections_reached: usize,
    /// Choices in the book, and how many some way of reading takes.
    pub choices: usize,
    /// Choices taken.
    pub choices_taken: usize,
    /// Sections never reached, in reading order.
    pub never_reached: Vec<String>,
    /// Choices never taken, in reading order.
    pub never_taken: Vec<Untaken>,
    /// Endings reached, in reading order.
    pub endings: Vec<String>,
    /// Places a reader can be stuck, in reading order.
    pub traps: Vec<Trap>,
}

/// A state visited: the section, the tested codewords held, and how it was first
/// reached (the state before and the choice taken).
struct Visit {
    at: usize,
    held: Held,
    values: Vec<i64>,
    from: Option<(usize, usize)>,
}

/// Visits every reachable state, up to `bound` of them.
pub fn run(book: &Playable, bound: usize) -> Exhaustive {
    let n = book.sections.len();
    let words = book.codewords.len();
    // Which codewords a gate tests: only these tell two states apart.
    let mut tested = Held::new(words);
    for c in book.sections.iter().flat_map(|s| &s.choices) {
        for &b in c.requires.iter().chain(&c.forbids) {
            tested.set(b);
        }
    }
    let project = |h: &Held| Held(h.0.iter().zip(&tested.0).map(|(a, b)| a & b).collect());
    // Which counters a need or a cost tests; the others' values are forgotten (0).
    let counted = book.counter_tested();
    let forget = |mut v: Vec<i64>| {
        for (x, t) in v.iter_mut().zip(&counted) {
            if !t {
                *x = 0;
            }
        }
        v
    };
    let start = book.begin();
    let mut seen: HashMap<(usize, Held, Vec<i64>), usize> = HashMap::new();
    let mut states: Vec<Visit> = Vec::new();
    // States at a section no state has reached yet go first: the walk covers the book
    // before it goes through every combination of codewords, so a bound stops it with
    // as much of the book reached as it can.
    let mut fresh = VecDeque::new();
    let mut queue = VecDeque::new();
    let mut queued = vec![false; n];
    queued[start.at] = true;
    let first = (start.at, project(&start.held), forget(start.values));
    seen.insert(first.clone(), 0);
    states.push(Visit {
        at: first.0,
        held: first.1,
        values: first.2,
        from: None,
    });
    queue.push_back(0usize);
    let mut reached = vec![false; n];
    let mut taken: Vec<Vec<bool>> = book
        .sections
        .iter()
        .map(|s| vec![false; s.choices.len()])
        .collect();
    let mut trapped: Vec<Option<usize>> = vec![None; n];
    let mut complete = true;
    while let Some(k) = fresh.pop_front().or_else(|| queue.pop_front()) {
        let (at, held, values) = (
            states[k].at,
            states[k].held.clone(),
            states[k].values.clone(),
        );
        reached[at] = true;
        let here = &book.sections[at];
        if here.terminal {
            continue;
        }
        let mut any = false;
        for (i, c) in here.choices.iter().enumerate() {
            let Some(to) = c.target else { continue };
            if !book.open(c, &held, &values) {
                continue;
            }
            let Some(next_values) = book.after(c, to, &values) else {
                continue;
            };
            any = true;
            taken[at][i] = true;
            let mut next = held.clone();
            for &b in &book.sections[to].sets {
                if tested.has(b) {
                    next.set(b);
                }
            }
            let key = (to, next, forget(next_values));
            if seen.contains_key(&key) {
                continue;
            }
            if states.len() >= bound {
                complete = false;
                continue;
            }
            seen.insert(key.clone(), states.len());
            states.push(Visit {
                at: key.0,
                held: key.1,
                values: key.2,
                from: Some((k, i)),
            });
            if queued[to] {
                queue.push_back(states.len() - 1);
            } else {
                queued[to] = true;
                fresh.push_back(states.len() - 1);
            }
        }
        if !any && trapped[at].is_none() {
            trapped[at] = Some(k);
        }
    }
    let id = |i: usize| book.sections[i].id.clone();
    let route = |mut k: usize| {
        let mut steps = Vec::new();
        while let Some((from, choice)) = states[k].from {
            let s = states[from].at;
            steps.push((id(s), book.sections[s].choices[choice].label.clone()));
            k = from;
        }
        steps.reverse();
        steps
    };
    let mut never_taken = Vec::new();
    for (s, section) in book.sections.iter().enumerate() {
        for (i, c) in section.choices.iter().enumerate() {
            if !taken[s][i] {
                never_taken.push(Untaken {
                    section: section.id.clone(),
                    label: c.label.clone(),
                    why: if !reached[s] {
                        "its section is never reached"
                    } else if c.target.is_none() {
                        "it leads to a section that is not in the book"
                    } else {
                        "it is closed however the reader arrives"
                    },
                });
            }
        }
    }
    let choices = taken.iter().map(Vec::len).sum();
    Exhaustive {
        tag: book.tag.clone(),
        complete,
        states: states.len(),
        bound,
        tested_codewords: (0..words).filter(|&b| tested.has(b)).count(),
        tested_counters: counted.iter().filter(|t| **t).count(),
        sections: n,
        sections_reached: reached.iter().filter(|r| **r).count(),
        choices,
        choices_taken: choices - never_taken.len(),
        never_reached: (0..n).filter(|&i| !reached[i]).map(id).collect(),
        never_taken,
        endings: (0..n)
            .filter(|&i| reached[i] && book.sections[i].terminal)
            .map(id)
            .collect(),
        traps: (0..n)
            .filter_map(|i| {
                trapped[i].map(|k| Trap {
                    section: id(i),
                    route: route(k),
                })
            })
            .collect(),
    }
}

/// The report for people.
pub fn human(r: &Exhaustive) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "exhaustive playtest of {}: {} state(s) over {} tested codeword(s){}{}",
        r.tag,
        r.states,
        r.tested_codewords,
        if r.tested_counters > 0 {
            format!(" and {} tested counter(s)", r.tested_counters)
        } else {
            String::new()
        },
        if r.complete {
            ", every reachable state visited".to_string()
        } else {
            format!(
                " — NOT exhausted: stopped at the bound of {} states (`--bound`); what follows is a lower bound",
                r.bound
            )
        }
    );
    let _ = writeln!(
        o,
        "sections reached  {}/{}\nchoices taken     {}/{}",
        r.sections_reached, r.sections, r.choices_taken, r.choices
    );
    let _ = writeln!(o, "endings reached   {}", r.endings.join(", "));
    if !r.never_reached.is_empty() {
        let _ = writeln!(o, "\nnever reached:");
        for s in &r.never_reached {
            let _ = writeln!(o, "  sections/{s}.md");
        }
    }
    if !r.never_taken.is_empty() {
        let _ = writeln!(o, "\nchoices never taken:");
        for u in &r.never_taken {
            let _ = writeln!(
                o,
                "  sections/{}.md  \"{}\" — {}",
                u.section, u.label, u.why
            );
        }
    }
    if !r.traps.is_empty() {
        let _ = writeln!(o, "\nwhere a reader is left with no way on:");
        for t in &r.traps {
            let route: Vec<String> = t
                .route
                .iter()
                .map(|(s, l)| format!("{s} → \"{l}\""))
                .collect();
            let _ = writeln!(o, "  sections/{}.md  after {}", t.section, route.join(", "));
        }
    }
    if r.complete && r.never_reached.is_empty() && r.never_taken.is_empty() && r.traps.is_empty() {
        let _ = writeln!(
            o,
            "\nevery section and every choice is reached by some way of reading"
        );
    }
    o
}
