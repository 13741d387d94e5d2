//! The gated search (projection to relevant codewords, dominance pruning, topological
//! order) agrees with a brute-force search over (section, every codeword held) on
//! random small books; an exhausted budget is reported as incomplete.

use std::collections::{BTreeSet, VecDeque};

use proptest::prelude::*;
use showrunner::story::reach::{search, search_with_budget};
use showrunner::story::{Choice, Flags, Mention, Section, Story};

type Spec = Vec<(Vec<usize>, Vec<(usize, Vec<usize>, Vec<usize>)>)>;

fn mention(c: usize) -> Mention {
    Mention {
        id: format!("cw-{c}"),
        line: 1,
    }
}

fn build(spec: &Spec) -> Story {
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
            sets: sets.iter().map(|c| mention(*c)).collect(),
            content_notes: vec![],
            choices: choices
                .iter()
                .enumerate()
                .map(|(ci, (t, req, forb))| Choice {
                    index: ci,
                    label: format!("c{ci}"),
                    to: format!("s{t}"),
                    target: Some(*t),
                    requires: req.iter().map(|c| mention(*c)).collect(),
                    forbids: forb.iter().map(|c| mention(*c)).collect(),
                    condition: Some("If so".into()),
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

/// Exhaustive: states are (section, the full set of codewords held).
/// What a search found: reached sections, opened choices, required codewords held.
type Found = (Vec<bool>, Vec<Vec<bool>>, Vec<Vec<Vec<bool>>>);

fn brute(spec: &Spec) -> Found {
    let n = spec.len();
    let mut reached = vec![false; n];
    let mut opened: Vec<Vec<bool>> = spec.iter().map(|s| vec![false; s.1.len()]).collect();
    let mut held: Vec<Vec<Vec<bool>>> = spec
        .iter()
        .map(|s| s.1.iter().map(|c| vec![false; c.1.len()]).collect())
        .collect();
    let mut seen: BTreeSet<(usize, BTreeSet<usize>)> = BTreeSet::new();
    let start: BTreeSet<usize> = spec[0].0.iter().copied().collect();
    let mut queue = VecDeque::from([(0usize, start)]);
    while let Some((s, have)) = queue.pop_front() {
        if !seen.insert((s, have.clone())) {
            continue;
        }
        reached[s] = true;
        for (ci, (t, req, forb)) in spec[s].1.iter().enumerate() {
            for (ri, r) in req.iter().enumerate() {
                if have.contains(r) {
                    held[s][ci][ri] = true;
                }
            }
            if req.iter().all(|r| have.contains(r)) && !forb.iter().any(|f| have.contains(f)) {
                opened[s][ci] = true;
                let mut next = have.clone();
                next.extend(spec[*t].0.iter().copied());
                queue.push_back((*t, next));
            }
        }
    }
    (reached, opened, held)
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    (2usize..8, 1usize..5).prop_flat_map(|(n, k)| {
        let section = (
            proptest::collection::vec(0..k, 0..2),
            proptest::collection::vec(
                (
                    0..n,
                    proptest::collection::vec(0..k, 0..3),
                    proptest::collection::vec(0..k, 0..2),
                ),
                0..4,
            ),
        );
        proptest::collection::vec(section, n)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn fixed_point_search_matches_brute_force(spec in spec_strategy()) {
        let story = build(&spec);
        let fast = search(&story);
        let (reached, opened, held) = brute(&spec);
        prop_assert!(fast.complete);
        prop_assert_eq!(&fast.reached, &reached);
        prop_assert_eq!(&fast.opened, &opened);
        prop_assert_eq!(&fast.held, &held);
        for (t, r) in reached.iter().enumerate() {
            if *r {
                // The witness really walks from the start to the target through open choices.
                let path = fast.witness(t).expect("witness for a reached section");
                let mut at = 0usize;
                let mut have: BTreeSet<usize> = spec[0].0.iter().copied().collect();
                for step in path {
                    prop_assert_eq!(step.section, at);
                    let (to, req, forb) = &spec[at].1[step.choice];
                    prop_assert!(req.iter().all(|r| have.contains(r)) && !forb.iter().any(|f| have.contains(f)));
                    at = *to;
                    have.extend(spec[at].0.iter().copied());
                }
                prop_assert_eq!(at, t);
            }
        }
    }
}

#[test]
fn an_exhausted_budget_is_reported_as_incomplete() {
    // A chain of binary choices, each setting one of two codewords that a later gate
    // forbids: 2^k distinct states that no dominance can merge.
    let k = 8;
    let mut spec: Spec = Vec::new();
    for i in 0..k {
        let a = 3 * i + 1;
        spec.push((vec![], vec![(a, vec![], vec![]), (a + 1, vec![], vec![])]));
        spec.push((vec![2 * i], vec![(a + 2, vec![], vec![])]));
        spec.push((vec![2 * i + 1], vec![(a + 2, vec![], vec![])]));
    }
    let forbid_all: Vec<usize> = (0..2 * k).collect();
    spec.push((vec![], vec![(3 * k + 1, vec![], forbid_all)]));
    spec.push((vec![], vec![]));
    let story = build(&spec);
    let full = search(&story);
    assert!(full.complete);
    assert!(
        !full.reached[3 * k + 1],
        "every route holds something the last gate forbids"
    );
    let cut = search_with_budget(&story, 20);
    assert!(!cut.complete, "a small budget runs out");
    assert!(
        full.states > 20,
        "the book really has more states ({})",
        full.states
    );
}

#[test]
fn ten_thousand_sections_stay_fast_in_states() {
    // A spine with skips and gates on codewords set along the spine: dominance keeps
    // about one state per section.
    let n: usize = 10_000;
    let mut spec: Spec = Vec::new();
    for i in 0..n {
        let sets = if i % 50 == 1 { vec![i / 50] } else { vec![] };
        let mut choices = Vec::new();
        if i + 1 < n {
            choices.push((i + 1, vec![], vec![]));
        }
        if i + 7 < n {
            let req = if i > 100 {
                vec![(i / 50).saturating_sub(1)]
            } else {
                vec![]
            };
            choices.push((i + 7, req, vec![]));
        }
        spec.push((sets, choices));
    }
    let story = build(&spec);
    let r = search(&story);
    assert!(r.complete && r.reached[n - 1]);
    assert!(r.states < 4 * n, "states stay linear: {}", r.states);
}
