//! The Player-Narrator: plays a snapshot's book exactly as a reader would — the start
//! section, its codewords, the choices open under the codewords held — for the terminal
//! player (`play`) and for seeded random playtests (`playtest`).
//!
//! The book (the story's sections in reading order, with their prose) is compiled once
//! into a view of indices (sections, choices, codewords as bits), so a step costs a few
//! word operations and ten thousand playthroughs of a ten-thousand-section book take
//! well under a second.

pub mod playtest;
pub mod quicktest;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::bind::book::Book;
use crate::error::{Error, PlayError};
use crate::story::Mention;
use crate::story::counters::{Change, Counter, Need};

/// A choice compiled for play.
#[derive(Clone, Debug)]
pub struct Choice {
    /// The reader-facing label.
    pub label: String,
    /// The target section's index (`None`: the target does not exist).
    pub target: Option<usize>,
    /// The target as written.
    pub to: String,
    /// Codeword bits required.
    requires: Vec<usize>,
    /// Codeword bits forbidden.
    forbids: Vec<usize>,
    /// Counter tests, by counter index.
    needs: Vec<(usize, Need)>,
    /// Counter changes when taken, by counter index.
    change: Vec<(usize, Change)>,
    /// What a reader is told about the gate (never a codeword id).
    pub condition: Option<String>,
}

impl Choice {
    /// Whether a gate is attached.
    pub fn gated(&self) -> bool {
        !self.requires.is_empty()
            || !self.forbids.is_empty()
            || !self.needs.is_empty()
            || self.change.iter().any(|(_, c)| c.cost().is_some())
    }
}

/// A section compiled for play.
#[derive(Clone, Debug)]
pub struct Section {
    /// Its id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Prose (Markdown).
    pub prose: String,
    /// An ending.
    pub terminal: bool,
    /// Codeword bits set on arrival.
    sets: Vec<usize>,
    /// Counter changes on arrival, by counter index.
    change: Vec<(usize, Change)>,
    /// Choices, in order.
    pub choices: Vec<Choice>,
}

/// The book as the Player-Narrator plays it.
#[derive(Clone, Debug)]
pub struct Playable {
    /// Title.
    pub title: String,
    /// The snapshot tag.
    pub tag: String,
    /// Sections in the book's reading order.
    pub sections: Vec<Section>,
    /// Index of the start section.
    pub start: usize,
    /// Codeword ids by bit.
    pub codewords: Vec<String>,
    /// Reader-facing phrase of each codeword by bit (empty when none).
    pub phrases: Vec<String>,
    /// Counters and items: those declared, then any a section names without a
    /// declaration (held at 0, so a broken book still plays).
    pub counters: Vec<Counter>,
    /// How many of `counters` are declared (the rest are not shown to readers).
    pub declared: usize,
}

/// Codewords held, as bits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Held(Vec<u64>);

impl Held {
    fn new(n: usize) -> Held {
        Held(vec![0; n.div_ceil(64)])
    }
    fn has(&self, bit: usize) -> bool {
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }
    fn set(&mut self, bit: usize) {
        self.0[bit / 64] |= 1 << (bit % 64);
    }
}

/// Where a reader is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// The current section.
    pub at: usize,
    /// Codewords held.
    pub held: Held,
    /// Each counter's value, by index in [`Playable::counters`].
    pub values: Vec<i64>,
    /// The route so far: (section, choice index taken there).
    pub path: Vec<(usize, usize)>,
}

/// Why a move was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refused {
    /// No choice with that number.
    NoSuchChoice(usize),
    /// The choice is gated and closed; the reader is told why.
    Closed(String),
    /// The choice leads nowhere (a broken book).
    Dangling(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::NoSuchChoice(n) => write!(f, "there is no choice {n} here"),
            Refused::Closed(why) => write!(f, "that way is closed: {why}"),
            Refused::Dangling(to) => {
                write!(f, "that choice leads to `{to}`, which is not in the book")
            }
        }
    }
}

impl std::error::Error for Refused {}

impl Playable {
    /// Compiles a bound book for play. A book without its start section cannot be played.
    pub fn new(book: &Book) -> Result<Playable, Error> {
        let index: BTreeMap<&str, usize> = book
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| (s.story.id.as_str(), i))
            .collect();
        let mut words: BTreeSet<&str> = BTreeSet::new();
        for s in &book.sections {
            words.extend(s.story.sets.iter().map(|w| w.id.as_str()));
            for c in &s.story.choices {
                words.extend(c.requires.iter().chain(&c.forbids).map(|w| w.id.as_str()));
            }
        }
        let codewords: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let bit: BTreeMap<&str, usize> = words.iter().enumerate().map(|(i, w)| (*w, i)).collect();
        let bits =
            |ids: &[Mention]| -> Vec<usize> { ids.iter().map(|w| bit[w.id.as_str()]).collect() };
        let mut counters = book.counters.clone();
        let declared = counters.len();
        for s in &book.sections {
            let named =
                s.story
                    .change
                    .iter()
                    .map(|c| &c.counter)
                    .chain(s.story.choices.iter().flat_map(|c| {
                        c.needs
                            .iter()
                            .map(|n| &n.counter)
                            .chain(c.change.iter().map(|c| &c.counter))
                    }));
            for id in named {
                if !counters.iter().any(|k| &k.id == id) {
                    counters.push(Counter {
                        id: id.clone(),
                        name: id.clone(),
                        min: 0,
                        max: 0,
                        start: 0,
                        item: false,
                        line: 0,
                    });
                }
            }
        }
        let slot: BTreeMap<&str, usize> = counters
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let changes = |cs: &[Change]| -> Vec<(usize, Change)> {
            cs.iter()
                .map(|c| (slot[c.counter.as_str()], c.clone()))
                .collect()
        };
        let start = *index.get(book.start.as_str()).ok_or_else(|| {
            Error::from(PlayError::NoStart {
                tag: book.tag.clone(),
                start: book.start.clone(),
            })
        })?;
        let sections = book
            .sections
            .iter()
            .map(|s| Section {
                id: s.story.id.clone(),
                title: s.story.title.clone(),
                prose: s.prose.clone(),
                terminal: s.story.flags.terminal,
                sets: bits(&s.story.sets),
                change: changes(&s.story.change),
                choices: s
                    .story
                    .choices
                    .iter()
                    .map(|c| Choice {
                        label: c.label.clone(),
                        target: index.get(c.to.as_str()).copied(),
                        to: c.to.clone(),
                        requires: bits(&c.requires),
                        forbids: bits(&c.forbids),
                        needs: c
                            .needs
                            .iter()
                            .map(|n| (slot[n.counter.as_str()], n.clone()))
                            .collect(),
                        change: changes(&c.change),
                        condition: book.condition_of(c),
                    })
                    .collect(),
            })
            .collect();
        let phrases = codewords
            .iter()
            .map(|w| book.phrases.get(w).cloned().unwrap_or_default())
            .collect();
        Ok(Playable {
            title: book.title.clone(),
            tag: book.tag.clone(),
            sections,
            start,
            codewords,
            phrases,
            counters,
            declared,
        })
    }

    /// A reader at the start, holding what the start section gives.
    pub fn begin(&self) -> State {
        let mut st = State {
            at: self.start,
            held: Held::new(self.codewords.len()),
            values: self.counters.iter().map(|c| c.start).collect(),
            path: Vec::new(),
        };
        self.arrive(&mut st, self.start);
        st
    }

    /// What arriving at section `to` gives: its codewords and counter changes.
    fn arrive(&self, st: &mut State, to: usize) {
        let s = &self.sections[to];
        for &b in &s.sets {
            st.held.set(b);
        }
        for (k, change) in &s.change {
            st.values[*k] = change.arrive(&self.counters[*k], st.values[*k]);
        }
    }

    /// Whether a choice is open to a reader holding `held` with counter `values`: its
    /// codewords, its counter tests, and whether its cost can be paid.
    pub fn open(&self, c: &Choice, held: &Held, values: &[i64]) -> bool {
        c.requires.iter().all(|&b| held.has(b))
            && !c.forbids.iter().any(|&b| held.has(b))
            && c.needs.iter().all(|(k, n)| n.holds(values[*k]))
            && self.paid(c, values).is_some()
    }

    /// The counter values after taking choice `c` to section `to` (its cost, then the
    /// arrival's changes), or `None` when the cost cannot be paid.
    pub(crate) fn after(&self, c: &Choice, to: usize, values: &[i64]) -> Option<Vec<i64>> {
        let mut out = self.paid(c, values)?;
        for (k, change) in &self.sections[to].change {
            out[*k] = change.arrive(&self.counters[*k], out[*k]);
        }
        Some(out)
    }

    /// Whether a counter is tested by some choice (a need or a cost).
    pub(crate) fn counter_tested(&self) -> Vec<bool> {
        let mut tested = vec![false; self.counters.len()];
        for c in self.sections.iter().flat_map(|s| &s.choices) {
            for (k, _) in &c.needs {
                tested[*k] = true;
            }
            for (k, ch) in &c.change {
                tested[*k] |= ch.cost().is_some();
            }
        }
        tested
    }

    /// The counter values after taking a choice, or `None` when its cost cannot be paid.
    fn paid(&self, c: &Choice, values: &[i64]) -> Option<Vec<i64>> {
        let mut out = values.to_vec();
        for (k, change) in &c.change {
            out[*k] = change.take(&self.counters[*k], out[*k])?;
        }
        Some(out)
    }

    /// Takes choice `n` (0-based) of the current section.
    pub fn take(&self, state: &mut State, n: usize) -> Result<(), Refused> {
        let c = self.sections[state.at]
            .choices
            .get(n)
            .ok_or(Refused::NoSuchChoice(n + 1))?;
        if !self.open(c, &state.held, &state.values) {
            return Err(Refused::Closed(
                c.condition.clone().unwrap_or_else(|| "not yet".to_string()),
            ));
        }
        let to = c.target.ok_or_else(|| Refused::Dangling(c.to.clone()))?;
        state.values = self.paid(c, &state.values).unwrap_or_default();
        state.path.push((state.at, n));
        state.at = to;
        self.arrive(state, to);
        Ok(())
    }

    /// The reader's counters and items as shown: declared ones only, stats always,
    /// items when held ("gold coins: 3").
    pub fn shown_counters(&self, values: &[i64]) -> Vec<String> {
        self.counters[..self.declared]
            .iter()
            .zip(values)
            .filter(|(c, v)| !c.item || **v > 0)
            .map(|(c, v)| c.show(*v))
            .collect()
    }

    /// The reader-facing phrases of the codewords held (those that have one).
    pub fn held_phrases(&self, held: &Held) -> Vec<&str> {
        (0..self.codewords.len())
            .filter(|&b| held.has(b) && !self.phrases[b].is_empty())
            .map(|b| self.phrases[b].as_str())
            .collect()
    }

    /// Saves a state: the route as choice labels from the start, so it replays exactly.
    pub fn save(&self, state: &State) -> Save {
        Save {
            tag: self.tag.clone(),
            section: self.sections[state.at].id.clone(),
            route: state
                .path
                .iter()
                .map(|&(s, c)| Step {
                    section: self.sections[s].id.clone(),
                    choice: c + 1,
                })
                .collect(),
        }
    }

    /// Restores a saved state by replaying its route; a save from another book, or one
    /// whose route no longer plays, is an error saying where it breaks.
    pub fn resume(&self, save: &Save) -> Result<State, Error> {
        if save.tag != self.tag {
            return Err(PlayError::OtherSnapshot {
                saved: save.tag.clone(),
                tag: self.tag.clone(),
            }
            .into());
        }
        let mut st = self.begin();
        for (i, step) in save.route.iter().enumerate() {
            if self.sections[st.at].id != step.section {
                return Err(PlayError::OffRoute {
                    step: i + 1,
                    saved: step.section.clone(),
                    actual: self.sections[st.at].id.clone(),
                }
                .into());
            }
            self.take(&mut st, step.choice.saturating_sub(1))
                .map_err(|e| PlayError::Refused {
                    step: i + 1,
                    source: Box::new(e),
                })?;
        }
        Ok(st)
    }
}

/// A saved game.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Save {
    /// The snapshot played.
    pub tag: String,
    /// Where the reader is.
    pub section: String,
    /// The route from the start.
    pub route: Vec<Step>,
}

/// One step of a saved route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The section left.
    pub section: String,
    /// The choice taken (1-based, as the reader saw it).
    pub choice: usize,
}
