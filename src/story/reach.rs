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

use std::collections::{BinaryHeap, HashMap};

use super::{Story, graph};

/// The most states the search creates before it reports itself incomplete.
pub const STATE_BUDGET: usize = 2_000_000;

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
    live: bool,
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

    // Relevance: codewords tested at or downstream of each section, by component.
    let comp = graph::components(story);
    let comps = comp.iter().copied().max().map(|m| m + 1).unwrap_or(0);
    let mut comp_relevant = vec![Bits::new(k); comps];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); comps];
    for (s, &c) in comp.iter().enumerate() {
        members[c].push(s);
    }
    // Components are numbered so successors come first.
    for c in 0..comps {
        let mut acc = Bits::new(k);
        for &s in &members[c] {
            for (ci, ch) in story.sections[s].choices.iter().enumerate() {
                let (from, _, to) = gate_span[choice_at[s] + ci];
                for &w in &gate_idx[from..to] {
                    acc.set(w);
                }
                if let Some(t) = ch.target
                    && comp[t] != c
                {
                    acc.or_assign(&comp_relevant[comp[t]]);
                }
            }
        }
        comp_relevant[c] = acc;
    }
    let relevant = |s: usize| &comp_relevant[comp[s]];

    let mut states: Vec<State> = Vec::new();
    let mut live_at: Vec<Vec<usize>> = vec![Vec::new(); n];
    // Max-heap on (component number, -state id): higher components are upstream.
    let mut queue: BinaryHeap<(usize, std::cmp::Reverse<usize>)> = BinaryHeap::new();

    let insert = |section: usize,
                  bits: Bits,
                  parent: Option<(usize, usize, usize)>,
                  states: &mut Vec<State>,
                  live_at: &mut Vec<Vec<usize>>,
                  reach: &mut Reach,
                  queue: &mut BinaryHeap<(usize, std::cmp::Reverse<usize>)>|
     -> bool {
        for &other in &live_at[section] {
            let o = &states[other];
            if o.bits.equal_on(&bits, &forbidden) && o.bits.superset_of(&bits, &monotone) {
                return true;
            }
        }
        if states.len() >= budget {
            return false;
        }
        let id = states.len();
        let mut keep = Vec::with_capacity(live_at[section].len() + 1);
        for &other in &live_at[section] {
            let o = &mut states[other];
            if o.bits.equal_on(&bits, &forbidden) && bits.superset_of(&o.bits, &monotone) {
                o.live = false;
            } else {
                keep.push(other);
            }
        }
        keep.push(id);
        live_at[section] = keep;
        states.push(State {
            section,
            bits,
            live: true,
        });
        reach.parents.push(parent);
        if !reach.reached[section] {
            reach.reached[section] = true;
            reach.first[section] = Some(id);
        }
        queue.push((comp[section], std::cmp::Reverse(id)));
        true
    };

    let mut start_bits = Bits::new(k);
    for &w in sets(start) {
        start_bits.set(w);
    }
    start_bits.and_assign(relevant(start));
    insert(
        start,
        start_bits,
        None,
        &mut states,
        &mut live_at,
        &mut reach,
        &mut queue,
    );
    while let Some((_, std::cmp::Reverse(id))) = queue.pop() {
        if !states[id].live {
            continue;
        }
        let section = states[id].section;
        let bits = states[id].bits.clone();
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
            if !open {
                continue;
            }
            reach.opened[section][ci] = true;
            let Some(t) = ch.target else { continue };
            let mut next = bits.clone();
            for &w in sets(t) {
                next.set(w);
            }
            next.and_assign(relevant(t));
            if !insert(
                t,
                next,
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
