//! Reachability under the codeword gates.
//!
//! Codewords only accumulate, so the search runs over states (section, codewords held),
//! restricted twice: to the codewords some gate tests, and at each section to those a
//! gate *downstream* of it tests (a codeword nothing ahead can test no longer matters).
//! Codewords that are only ever required (never forbidden) are monotone — holding more
//! never closes a door — so a state is dropped when another at the same section holds a
//! superset of them and the same forbidden-testable ones. States are expanded in
//! topological order of the condensed graph, so a section's states are complete before
//! they move on. The powerset of codewords is never enumerated; a state budget bounds
//! pathological books, and an exhausted budget is reported, never taken as a pass.
//!
//! Counters join the state the same way: only those some need or cost tests, and at a
//! section only those tested downstream, each as its exact value. Every change keeps
//! the order of two values, so a counter tested only with `>=`, `>` and costs is better
//! the more of it a reader has (and one tested only with `<=`/`<`, the less): a state
//! with a better value dominates. A counter whose declared range is wider than [`EXACT_WIDTH`] is not
//! followed: a gate that tests it is taken as open and reported as *unproven*, so what
//! lies behind it is never claimed reachable for certain.

use std::collections::{BinaryHeap, HashMap};

use super::counters::{Change, Counter, Op};
use super::{Story, graph};

/// The most states the search creates before it reports itself incomplete.
pub const STATE_BUDGET: usize = 2_000_000;

/// The widest counter range (number of values) the search follows value by value.
pub const EXACT_WIDTH: u64 = 1024;

/// A fixed-size bit set over the tested codewords.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(k: usize) -> Bits {
        Bits(vec![0; k.div_ceil(64).max(1)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn and_assign(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }
    fn or_assign(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }
    fn superset_of(&self, other: &Bits, mask: &Bits) -> bool {
        self.0
            .iter()
            .zip(&other.0)
            .zip(&mask.0)
            .all(|((a, b), m)| (b & m) & !a == 0)
    }
    fn equal_on(&self, other: &Bits, mask: &Bits) -> bool {
        self.0
            .iter()
            .zip(&other.0)
            .zip(&mask.0)
            .all(|((a, b), m)| a & m == b & m)
    }
}

/// One step of a witness path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The section left.
    pub section: usize,
    /// The choice taken (its index in the section).
    pub choice: usize,
}

/// What the gated search found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// Sections reachable under the gates.
    pub reached: Vec<bool>,
    /// For each section and choice: was the choice ever open when the reader stood there.
    pub opened: Vec<Vec<bool>>,
    /// For each section and choice: for each required codeword (by position in
    /// `requires`), whether a reader standing there ever held it.
    pub held: Vec<Vec<Vec<bool>>>,
    /// For each section and choice: for each counter need (by position in `needs`),
    /// whether a reader standing there ever passed it.
    pub met: Vec<Vec<Vec<bool>>>,
    /// For each section: reached on a route that passes no unproven gate.
    pub proven: Vec<bool>,
    /// Gates taken as open without proof (they test a counter too wide to follow, or
    /// one that is not declared), as (section, choice), in the order first met.
    pub unproven: Vec<(usize, usize)>,
    /// False when the state budget ran out (the results are then a lower bound).
    pub complete: bool,
    /// States created.
    pub states: usize,
    first: Vec<Option<usize>>,
    parents: Vec<Option<(usize, usize, usize)>>,
}

impl Reach {
    /// The choices taken on the first-found route from the start to `target`.
    pub fn witness(&self, target: usize) -> Option<Vec<Step>> {
        let mut state = self.first.get(target).copied().flatten()?;
        let mut path = Vec::new();
        while let Some((prev, section, choice)) = self.parents[state] {
            path.push(Step { section, choice });
            state = prev;
        }
        path.reverse();
        Some(path)
    }
}

struct State {
    section: usize,
    bits: Bits,
    /// Followed counters' values, as offsets from their minimum.
    vals: Vec<u16>,
    /// Reached through a gate taken as open without proof.
    assumed: bool,
    live: bool,
}

/// Which way a counter's value is better, for dominance between states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Better {
    /// Every test is `>=`, `>` or a cost: more never closes a door.
    More,
    /// Every test is `<=` or `<`, and nothing costs it: less never closes a door.
    Less,
    /// Tested with `==` or `!=`, or both ways: only the same value is as good.
    Same,
}

/// How the search treats each declared counter.
struct Tracks<'a> {
    /// Per counter of the story: its slot in a state's values, when followed.
    slot: Vec<Option<usize>>,
    /// Per slot: the counter.
    counters: Vec<&'a Counter>,
    /// Per slot: which way its value is better.
    better: Vec<Better>,
}

impl<'a> Tracks<'a> {
    /// Follows each counter a need or a cost tests whose range is narrow enough.
    ///
    /// Every change (adding, assigning, stopping at a bound, paying) keeps the order of
    /// two values — the larger before stays at least as large after — so whether more
    /// (or less) of a counter is better depends only on how it is tested.
    fn new(story: &'a Story) -> Tracks<'a> {
        let k = story.counters.len();
        let mut tested = vec![false; k];
        let (mut up, mut down) = (vec![true; k], vec![true; k]);
        for c in story.sections.iter().flat_map(|s| &s.choices) {
            for n in &c.needs {
                if let Some(i) = story.counter(&n.counter) {
                    tested[i] = true;
                    up[i] &= n.op.upward();
                    down[i] &= matches!(n.op, Op::Le | Op::Lt);
                }
            }
            for ch in &c.change {
                if ch.cost().is_some()
                    && let Some(i) = story.counter(&ch.counter)
                {
                    tested[i] = true;
                    down[i] = false;
                }
            }
        }
        let mut t = Tracks {
            slot: vec![None; k],
            counters: Vec::new(),
            better: Vec::new(),
        };
        for (i, c) in story.counters.iter().enumerate() {
            if tested[i] && c.width() <= EXACT_WIDTH {
                t.slot[i] = Some(t.counters.len());
                t.counters.push(c);
                t.better.push(if up[i] {
                    Better::More
                } else if down[i] {
                    Better::Less
                } else {
                    Better::Same
                });
            }
        }
        t
    }

    /// The slot of a counter named in a need or change (`None`: not followed).
    fn of(&self, story: &Story, id: &str) -> Option<usize> {
        story.counter(id).and_then(|i| self.slot[i])
    }

    fn value(&self, slot: usize, vals: &[u16]) -> i64 {
        self.counters[slot].min + i64::from(vals[slot])
    }

    fn store(&self, slot: usize, vals: &mut [u16], v: i64) {
        // Values stay in the range, which is at most EXACT_WIDTH wide.
        vals[slot] = u16::try_from(v - self.counters[slot].min).unwrap_or(u16::MAX);
    }

    /// Whether `a`'s values are as good as `b`'s for every way on.
    fn dominates(&self, a: &[u16], b: &[u16]) -> bool {
        a.iter()
            .zip(b)
            .zip(&self.better)
            .all(|((x, y), b)| match b {
                Better::More => x >= y,
                Better::Less => x <= y,
                Better::Same => x == y,
            })
    }
}

/// A choice's counter gate and changes, resolved to slots once.
#[derive(Default)]
struct CounterGate {
    /// (slot, op, value) per need, `None` for a counter not followed.
    needs: Vec<Option<(usize, Op, i64)>>,
    /// (slot, change) for followed counters.
    change: Vec<(usize, Change)>,
    /// The gate tests a counter that is not followed.
    unproven: bool,
    /// The gate tests a counter that is not followed, and no value it can ever hold
    /// passes: closed on every route, proven without following it.
    never: bool,
    /// Per need: no value its counter (not followed) can ever hold passes it.
    impossible: Vec<bool>,
}

/// The values each counter can ever hold, whatever the route: its start, every value
/// assigned, and up to its bounds in the direction some change moves it (every change
/// in the book counted, reached or not — a sound over-approximation). One pass over the
/// changes.
fn bounds(story: &Story) -> Vec<(i64, i64)> {
    let index: HashMap<&str, usize> = story
        .counters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut out: Vec<(i64, i64)> = story.counters.iter().map(|c| (c.start, c.start)).collect();
    let changes = story.sections.iter().flat_map(|s| {
        s.change
            .iter()
            .chain(s.choices.iter().flat_map(|ch| ch.change.iter()))
    });
    for ch in changes {
        let Some(&i) = index.get(ch.counter.as_str()) else {
            continue;
        };
        let (c, (lo, hi)) = (&story.counters[i], &mut out[i]);
        match ch.delta {
            super::counters::Delta::Set(n) => {
                let n = n.clamp(c.min, c.max);
                *lo = (*lo).min(n);
                *hi = (*hi).max(n);
            }
            super::counters::Delta::Add(n) if n > 0 => *hi = c.max,
            super::counters::Delta::Add(n) if n < 0 => *lo = c.min,
            super::counters::Delta::Add(_) => {}
        }
    }
    out
}

/// Runs the gated search from the start section.
pub fn search(story: &Story) -> Reach {
    search_with_budget(story, STATE_BUDGET)
}

/// Runs the gated search with an explicit state budget.
///
/// Long by design (one of the few): the search's hot loop, on the path the
/// 10,000-section benchmark times; a split would pass the worklist, the dominance
/// tables and the budget through every call.
pub fn search_with_budget(story: &Story, budget: usize) -> Reach {
    let n = story.sections.len();
    let mut reach = Reach {
        reached: vec![false; n],
        opened: story
            .sections
            .iter()
            .map(|s| vec![false; s.choices.len()])
            .collect(),
        held: story
            .sections
            .iter()
            .map(|s| {
                s.choices
                    .iter()
                    .map(|c| vec![false; c.requires.len()])
                    .collect()
            })
            .collect(),
        met: story
            .sections
            .iter()
            .map(|s| {
                s.choices
                    .iter()
                    .map(|c| vec![false; c.needs.len()])
                    .collect()
            })
            .collect(),
        proven: vec![false; n],
        unproven: Vec::new(),
        complete: true,
        states: 0,
        first: vec![None; n],
        parents: Vec::new(),
    };
    let Some(start) = story.start else {
        return reach;
    };

    // Tested codewords get dense indices (in the order the sections first name them);
    // forbidden ones are the non-monotone ones.
    let mut tested: HashMap<&str, usize> = HashMap::new();
    for s in &story.sections {
        for c in &s.choices {
            for m in c.requires.iter().chain(&c.forbids) {
                let next = tested.len();
                tested.entry(m.id.as_str()).or_insert(next);
            }
        }
    }
    let k = tested.len();
    // Each choice's gates as indices, and each section's tested codewords set, in flat
    // tables: looked up once here, never by name in the search's loop. Choice `ci` of
    // section `s` is `gate_span[choice_at[s] + ci]`: its requires are
    // `gate_idx[from..mid]`, its forbids `gate_idx[mid..to]`.
    let mut choice_at = Vec::with_capacity(n + 1);
    let mut gate_span: Vec<(usize, usize, usize)> = Vec::new();
    let mut gate_idx: Vec<usize> = Vec::new();
    let mut set_span: Vec<(usize, usize)> = Vec::with_capacity(n);
    let mut set_idx: Vec<usize> = Vec::new();
    let mut forbidden = Bits::new(k);
    for s in &story.sections {
        choice_at.push(gate_span.len());
        for c in &s.choices {
            let from = gate_idx.len();
            gate_idx.extend(c.requires.iter().map(|m| tested[m.id.as_str()]));
            let mid = gate_idx.len();
            for m in &c.forbids {
                let i = tested[m.id.as_str()];
                forbidden.set(i);
                gate_idx.push(i);
            }
            gate_span.push((from, mid, gate_idx.len()));
        }
        let from = set_idx.len();
        set_idx.extend(
            s.sets
                .iter()
                .filter_map(|m| tested.get(m.id.as_str()).copied()),
        );
        set_span.push((from, set_idx.len()));
    }
    choice_at.push(gate_span.len());
    let mut monotone = Bits::new(k);
    for i in 0..k {
        if !forbidden.has(i) {
            monotone.set(i);
        }
    }
    let sets = |s: usize| &set_idx[set_span[s].0..set_span[s].1];

    // Counters: which are followed, each choice's needs and changes by slot, each
    // section's arrival changes by slot.
    let tracks = Tracks::new(story);
    let m = tracks.counters.len();
    let spans = bounds(story);
    let mut counter_gates: Vec<CounterGate> = Vec::with_capacity(gate_span.len());
    let mut arrivals: Vec<Vec<(usize, Change)>> = Vec::with_capacity(n);
    for s in &story.sections {
        for c in &s.choices {
            let mut g = CounterGate::default();
            // A counter not followed: its gate is unproven, unless no value the
            // counter can ever hold passes it.
            let span = |id: &str| story.counter(id).map(|i| (&story.counters[i], spans[i]));
            for need in &c.needs {
                let slot = tracks.of(story, &need.counter);
                let mut impossible = false;
                if slot.is_none() {
                    match span(&need.counter) {
                        Some((_, (lo, hi))) if !need.passes_between(lo, hi) => impossible = true,
                        _ => g.unproven = true,
                    }
                }
                g.never |= impossible;
                g.impossible.push(impossible);
                g.needs.push(slot.map(|t| (t, need.op, need.value)));
            }
            for ch in &c.change {
                match tracks.of(story, &ch.counter) {
                    Some(t) => g.change.push((t, ch.clone())),
                    None => {
                        if let Some(cost) = ch.cost() {
                            match span(&ch.counter) {
                                Some((k, (_, hi))) if hi.saturating_sub(cost) < k.min => {
                                    g.never = true
                                }
                                _ => g.unproven = true,
                            }
                        }
                    }
                }
            }
            if g.never {
                g.unproven = false;
            }
            counter_gates.push(g);
        }
        arrivals.push(
            s.change
                .iter()
                .filter_map(|ch| tracks.of(story, &ch.counter).map(|t| (t, ch.clone())))
                .collect(),
        );
    }

    // Relevance: codewords and counters tested at or downstream of each section, by
    // component.
    let comp = graph::components(story);
    let comps = comp.iter().copied().max().map(|m| m + 1).unwrap_or(0);
    let mut comp_relevant = vec![Bits::new(k); comps];
    let mut comp_counters = vec![Bits::new(m); comps];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); comps];
    for (s, &c) in comp.iter().enumerate() {
        members[c].push(s);
    }
    // Components are numbered so successors come first.
    for c in 0..comps {
        let mut acc = Bits::new(k);
        let mut counters = Bits::new(m);
        for &s in &members[c] {
            for (ci, ch) in story.sections[s].choices.iter().enumerate() {
                let (from, _, to) = gate_span[choice_at[s] + ci];
                for &w in &gate_idx[from..to] {
                    acc.set(w);
                }
                let g = &counter_gates[choice_at[s] + ci];
                for &(t, _, _) in g.needs.iter().flatten() {
                    counters.set(t);
                }
                for (t, change) in &g.change {
                    if change.cost().is_some() {
                        counters.set(*t);
                    }
                }
                if let Some(t) = ch.target
                    && comp[t] != c
                {
                    acc.or_assign(&comp_relevant[comp[t]]);
                    counters.or_assign(&comp_counters[comp[t]]);
                }
            }
        }
        comp_relevant[c] = acc;
        comp_counters[c] = counters;
    }
    let relevant = |s: usize| &comp_relevant[comp[s]];
    // A value nothing ahead tests no longer tells states apart: it is forgotten (0).
    let forget = |s: usize, vals: &mut [u16]| {
        let keep = &comp_counters[comp[s]];
        for (t, v) in vals.iter_mut().enumerate() {
            if !keep.has(t) {
                *v = 0;
            }
        }
    };

    let mut states: Vec<State> = Vec::new();
    let mut live_at: Vec<Vec<usize>> = vec![Vec::new(); n];
    // Max-heap on (component number, -state id): higher components are upstream.
    let mut queue: BinaryHeap<(usize, std::cmp::Reverse<usize>)> = BinaryHeap::new();

    let insert = |cand: State,
                  parent: Option<(usize, usize, usize)>,
                  states: &mut Vec<State>,
                  live_at: &mut Vec<Vec<usize>>,
                  reach: &mut Reach,
                  queue: &mut BinaryHeap<(usize, std::cmp::Reverse<usize>)>|
     -> bool {
        let section = cand.section;
        let covers = |o: &State, c: &State| {
            o.bits.equal_on(&c.bits, &forbidden)
                && o.bits.superset_of(&c.bits, &monotone)
                && tracks.dominates(&o.vals, &c.vals)
                && (!o.assumed || c.assumed)
        };
        if live_at[section].iter().any(|&o| covers(&states[o], &cand)) {
            return true;
        }
        if states.len() >= budget {
            return false;
        }
        let id = states.len();
        let mut keep = Vec::with_capacity(live_at[section].len() + 1);
        for &other in &live_at[section] {
            if covers(&cand, &states[other]) {
                states[other].live = false;
            } else {
                keep.push(other);
            }
        }
        keep.push(id);
        live_at[section] = keep;
        if !reach.reached[section] {
            reach.reached[section] = true;
            reach.first[section] = Some(id);
        }
        if !cand.assumed && !reach.proven[section] {
            reach.proven[section] = true;
            // A proven route replaces an assumed one as the witness.
            reach.first[section] = Some(id);
        }
        states.push(cand);
        reach.parents.push(parent);
        queue.push((comp[section], std::cmp::Reverse(id)));
        true
    };

    let mut start_bits = Bits::new(k);
    for &w in sets(start) {
        start_bits.set(w);
    }
    start_bits.and_assign(relevant(start));
    let mut start_vals = vec![0u16; m];
    for (t, c) in tracks.counters.iter().enumerate() {
        tracks.store(t, &mut start_vals, c.start);
    }
    for (t, ch) in &arrivals[start] {
        let v = ch.arrive(tracks.counters[*t], tracks.value(*t, &start_vals));
        tracks.store(*t, &mut start_vals, v);
    }
    forget(start, &mut start_vals);
    insert(
        State {
            section: start,
            bits: start_bits,
            vals: start_vals,
            assumed: false,
            live: true,
        },
        None,
        &mut states,
        &mut live_at,
        &mut reach,
        &mut queue,
    );
    let mut unproven_seen = std::collections::HashSet::new();
    while let Some((_, std::cmp::Reverse(id))) = queue.pop() {
        if !states[id].live {
            continue;
        }
        let section = states[id].section;
        let bits = states[id].bits.clone();
        let vals = states[id].vals.clone();
        let assumed = states[id].assumed;
        for (ci, ch) in story.sections[section].choices.iter().enumerate() {
            let (from, mid, to) = gate_span[choice_at[section] + ci];
            let mut open = true;
            for (ri, &w) in gate_idx[from..mid].iter().enumerate() {
                if bits.has(w) {
                    reach.held[section][ci][ri] = true;
                } else {
                    open = false;
                }
            }
            if gate_idx[mid..to].iter().any(|&w| bits.has(w)) {
                open = false;
            }
            let g = &counter_gates[choice_at[section] + ci];
            if g.never {
                open = false;
            }
            for (ni, need) in g.needs.iter().enumerate() {
                match need {
                    Some((t, op, value)) => {
                        if op.holds(tracks.value(*t, &vals), *value) {
                            reach.met[section][ci][ni] = true;
                        } else {
                            open = false;
                        }
                    }
                    // Not followed: taken as passed (and the gate as unproven), unless
                    // no value it can hold passes.
                    None => reach.met[section][ci][ni] = !g.impossible[ni],
                }
            }
            let mut next_vals = vals.clone();
            for (t, change) in &g.change {
                match change.take(tracks.counters[*t], tracks.value(*t, &next_vals)) {
                    Some(v) => tracks.store(*t, &mut next_vals, v),
                    None => open = false,
                }
            }
            if !open {
                continue;
            }
            reach.opened[section][ci] = true;
            if g.unproven && unproven_seen.insert((section, ci)) {
                reach.unproven.push((section, ci));
            }
            let Some(t) = ch.target else { continue };
            let mut next = bits.clone();
            for &w in sets(t) {
                next.set(w);
            }
            next.and_assign(relevant(t));
            for (slot, change) in &arrivals[t] {
                let v = change.arrive(tracks.counters[*slot], tracks.value(*slot, &next_vals));
                tracks.store(*slot, &mut next_vals, v);
            }
            forget(t, &mut next_vals);
            if !insert(
                State {
                    section: t,
                    bits: next,
                    vals: next_vals,
                    assumed: assumed || g.unproven,
                    live: true,
                },
                Some((id, section, ci)),
                &mut states,
                &mut live_at,
                &mut reach,
                &mut queue,
            ) {
                reach.complete = false;
                queue.clear();
                break;
            }
        }
    }
    reach.states = states.len();
    reach
}

#[cfg(test)]
mod tests {
    use super::super::{Choice, Flags, Mention, Section, Story};
    use super::*;

    /// A tiny story: each section is (sets, [(target, requires, forbids)]).
    type Spec<'a> = [(&'a [&'a str], &'a [(usize, &'a [&'a str], &'a [&'a str])])];

    pub(crate) fn story(spec: &Spec<'_>) -> Story {
        let mut st = Story::default();
        for (i, (sets, choices)) in spec.iter().enumerate() {
            let id = format!("s{i}");
            st.by_id.insert(id.clone(), i);
            st.sections.push(Section {
                id: id.clone(),
                path: format!("sections/{id}.md"),
                id_line: 1,
                title: id,
                title_line: 1,
                flags: Flags::default(),
                flags_line: 1,
                flag_names: vec![],
                change: vec![],
                sets: sets
                    .iter()
                    .map(|s| Mention {
                        id: s.to_string(),
                        line: 1,
                    })
                    .collect(),
                content_notes: vec![],
                choices: choices
                    .iter()
                    .enumerate()
                    .map(|(ci, (t, req, forb))| Choice {
                        index: ci,
                        label: format!("c{ci}"),
                        to: format!("s{t}"),
                        target: Some(*t),
                        requires: req
                            .iter()
                            .map(|s| Mention {
                                id: s.to_string(),
                                line: 1,
                            })
                            .collect(),
                        forbids: forb
                            .iter()
                            .map(|s| Mention {
                                id: s.to_string(),
                                line: 1,
                            })
                            .collect(),
                        needs: vec![],
                        change: vec![],
                        condition: None,
                        line: 1,
                        label_line: 1,
                        to_line: 1,
                        condition_line: 1,
                    })
                    .collect(),
                artifact: 0,
            });
        }
        st.start = Some(0);
        st
    }

    #[test]
    fn a_key_must_be_collected_before_its_door() {
        // s0 -> s1 (sets key) -> s0 ; s0 -[key]-> s2
        let st = story(&[
            (&[], &[(1, &[], &[]), (2, &["key"], &[])]),
            (&["key"], &[(0, &[], &[])]),
            (&[], &[]),
        ]);
        let r = search(&st);
        assert!(r.reached[2]);
        let w = r.witness(2).expect("witness");
        assert_eq!(
            w.iter().map(|s| (s.section, s.choice)).collect::<Vec<_>>(),
            vec![(0, 0), (1, 0), (0, 1)]
        );
    }

    #[test]
    fn a_forbidden_codeword_closes_a_door_for_good() {
        // s0 sets x; s0 -[!x]-> s1: never open.
        let st = story(&[(&["x"], &[(1, &[], &["x"])]), (&[], &[])]);
        let r = search(&st);
        assert!(!r.reached[1]);
        assert!(!r.opened[0][0]);
    }

    #[test]
    fn either_branch_key_does_not_open_a_door_needing_both() {
        // s0 -> s1 (a) | s2 (b); both -> s3; s3 -[a,b]-> s4
        let st = story(&[
            (&[], &[(1, &[], &[]), (2, &[], &[])]),
            (&["a"], &[(3, &[], &[])]),
            (&["b"], &[(3, &[], &[])]),
            (&[], &[(4, &["a", "b"], &[])]),
            (&[], &[]),
        ]);
        let r = search(&st);
        assert!(r.reached[3] && !r.reached[4]);
        assert_eq!(
            r.held[3][0],
            vec![true, true],
            "each is held on some path, never both"
        );
    }
}
