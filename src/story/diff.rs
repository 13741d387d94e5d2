//! What a change does to the story graph, for a reviewer: sections and choices added or
//! removed, gates added or removed, and the endings and keystones it makes reachable or
//! unreachable under the gates (from the gated search of each side).

use std::collections::BTreeSet;

use serde::Serialize;

use super::{Choice, Story, reach};

/// The difference between two story graphs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StoryDiff {
    /// Section ids only the new graph has.
    pub sections_added: Vec<String>,
    /// Section ids only the old graph has.
    pub sections_removed: Vec<String>,
    /// Choices only the new graph has (`from → to "label"`).
    pub choices_added: Vec<String>,
    /// Choices only the old graph has.
    pub choices_removed: Vec<String>,
    /// Gates only the new graph has (`from → to: requires x`).
    pub gates_added: Vec<String>,
    /// Gates only the old graph has.
    pub gates_removed: Vec<String>,
    /// Endings and keystones reachable under the gates now, and not before.
    pub newly_reachable: Vec<String>,
    /// Endings and keystones reachable before, and not now.
    pub newly_unreachable: Vec<String>,
}

impl StoryDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == StoryDiff::default()
    }
}

fn choice_line(from: &str, c: &Choice) -> String {
    format!("{from} → {} \"{}\"", c.to, c.label)
}

fn gate_lines(from: &str, c: &Choice) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (word, list) in [("requires", &c.requires), ("forbids", &c.forbids)] {
        for m in list {
            out.insert(format!("{from} → {}: {word} {}", c.to, m.id));
        }
    }
    out
}

/// Endings and keystones reachable under the gates, by id.
fn goals(story: &Story) -> (BTreeSet<String>, BTreeSet<String>) {
    let reach = reach::search(story);
    let mut reached = BTreeSet::new();
    let mut all = BTreeSet::new();
    for (i, s) in story.sections.iter().enumerate() {
        if s.flags.terminal || s.flags.keystone {
            all.insert(s.id.clone());
            if reach.reached.get(i).copied().unwrap_or(false) {
                reached.insert(s.id.clone());
            }
        }
    }
    (all, reached)
}

/// The difference from `before` to `after`.
pub fn diff(before: &Story, after: &Story) -> StoryDiff {
    let ids = |s: &Story| -> BTreeSet<String> { s.sections.iter().map(|x| x.id.clone()).collect() };
    let (old_ids, new_ids) = (ids(before), ids(after));
    let lines = |s: &Story, f: &dyn Fn(&str, &Choice) -> BTreeSet<String>| -> BTreeSet<String> {
        s.sections
            .iter()
            .flat_map(|x| x.choices.iter().flat_map(|c| f(&x.id, c)))
            .collect()
    };
    let choice = |from: &str, c: &Choice| BTreeSet::from([choice_line(from, c)]);
    let (old_choices, new_choices) = (lines(before, &choice), lines(after, &choice));
    let (old_gates, new_gates) = (lines(before, &gate_lines), lines(after, &gate_lines));
    let (_, old_reached) = goals(before);
    let (new_goals, new_reached) = goals(after);
    let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| a.difference(b).cloned().collect();
    StoryDiff {
        sections_added: only(&new_ids, &old_ids),
        sections_removed: only(&old_ids, &new_ids),
        choices_added: only(&new_choices, &old_choices),
        choices_removed: only(&old_choices, &new_choices),
        gates_added: only(&new_gates, &old_gates),
        gates_removed: only(&old_gates, &new_gates),
        newly_reachable: only(&new_reached, &old_reached),
        // Goals that still exist and are no longer reached (a removed ending is listed
        // as a removed section).
        newly_unreachable: old_reached
            .iter()
            .filter(|g| new_goals.contains(*g) && !new_reached.contains(*g))
            .cloned()
            .collect(),
    }
}
