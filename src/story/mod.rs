//! The story graph: sections, choices and codewords, built once from a loaded studio,
//! with reachability ignoring gates and under the codeword gates. It is the one model of
//! a section with its choices: the binder's book embeds these sections, the player
//! compiles them, and the Twee importer makes them and writes them through [`write`].
//!
//! Every value read from a file keeps the line it came from, so the bars can point at
//! `path:line` without looking at the files again.

pub mod counters;
pub mod diff;
pub mod graph;
pub mod map;
pub mod reach;
pub mod write;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::artifact::node::{Node, Value};
use crate::artifact::{Artifact, Kind};
use crate::studio::Studio;
use counters::{Change, Counter, Need};

/// A codeword mention: the id and the line it is written on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// The codeword id.
    pub id: String,
    /// File line.
    pub line: u32,
}

impl Mention {
    /// A mention the tool makes rather than reads (an import): no file line, so 0.
    pub fn made(id: &str) -> Mention {
        Mention {
            id: id.to_string(),
            line: 0,
        }
    }
}

/// The section flags of DESIGN §2.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flags {
    /// Many ways in and out.
    pub hub: bool,
    /// Meant to be revisited; must return with a difference.
    pub loop_: bool,
    /// Must be reachable under the gates.
    pub keystone: bool,
    /// An ending.
    pub terminal: bool,
}

impl Flags {
    /// The flags named in a `flags:` list; names that are not flags are ignored here
    /// (the schema bar reports them).
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Flags {
        let mut flags = Flags::default();
        for f in names {
            match f {
                "hub" => flags.hub = true,
                "loop" => flags.loop_ = true,
                "keystone" => flags.keystone = true,
                "terminal" => flags.terminal = true,
                _ => {}
            }
        }
        flags
    }
}

/// One choice of a section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// Position in the section's `choices`.
    pub index: usize,
    /// The reader-facing label.
    pub label: String,
    /// The target section id (empty when missing).
    pub to: String,
    /// The target's index in [`Story::sections`], when it exists.
    pub target: Option<usize>,
    /// Codewords the reader must hold.
    pub requires: Vec<Mention>,
    /// Codewords the reader must not hold.
    pub forbids: Vec<Mention>,
    /// Counter tests the reader must pass.
    #[serde(default)]
    pub needs: Vec<Need>,
    /// Counter changes when taken (costs and gains).
    #[serde(default)]
    pub change: Vec<Change>,
    /// Reader-facing condition text.
    pub condition: Option<String>,
    /// Line of the choice item.
    pub line: u32,
    /// Line of `label:`.
    pub label_line: u32,
    /// Line of `to:`.
    pub to_line: u32,
    /// Line of `condition:` (the item line when absent).
    pub condition_line: u32,
}

impl Choice {
    /// A choice the tool makes rather than reads (an import): the `index`th of its
    /// section, its target unresolved, every line 0.
    pub fn made(
        index: usize,
        label: String,
        to: String,
        requires: Vec<Mention>,
        forbids: Vec<Mention>,
        condition: Option<String>,
    ) -> Choice {
        Choice {
            index,
            label,
            to,
            target: None,
            requires,
            forbids,
            needs: Vec::new(),
            change: Vec::new(),
            condition,
            line: 0,
            label_line: 0,
            to_line: 0,
            condition_line: 0,
        }
    }

    /// Whether a gate is attached: codewords required or forbidden, counters tested, or
    /// a cost to pay.
    pub fn gated(&self) -> bool {
        !self.requires.is_empty()
            || !self.forbids.is_empty()
            || !self.needs.is_empty()
            || self.change.iter().any(|c| c.cost().is_some())
    }
}

/// One section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// Its id.
    pub id: String,
    /// Its file.
    pub path: String,
    /// Line of `id:`.
    pub id_line: u32,
    /// Title.
    pub title: String,
    /// Line of `title:`.
    pub title_line: u32,
    /// Flags.
    pub flags: Flags,
    /// Line of `flags:` (the id line when absent).
    pub flags_line: u32,
    /// The flags as written, in order, unknown ones included (the Twee view tags its
    /// passages with them).
    pub flag_names: Vec<String>,
    /// Codewords gained on arrival.
    pub sets: Vec<Mention>,
    /// Counter changes on arrival.
    #[serde(default)]
    pub change: Vec<Change>,
    /// Declared content notes.
    pub content_notes: Vec<String>,
    /// Choices, in order.
    pub choices: Vec<Choice>,
    /// Index of the artifact in [`Studio::artifacts`].
    pub artifact: usize,
}

impl Section {
    /// A section the tool makes rather than reads (an import), to be written to
    /// `sections/<id>.md` by [`write::front_matter`]: every line 0, no artifact (0), no
    /// content notes.
    pub fn made(
        id: String,
        title: String,
        flag_names: Vec<String>,
        sets: Vec<Mention>,
        choices: Vec<Choice>,
    ) -> Section {
        Section {
            path: format!("sections/{id}.md"),
            id,
            id_line: 0,
            title,
            title_line: 0,
            flags: Flags::from_names(flag_names.iter().map(String::as_str)),
            flags_line: 0,
            flag_names,
            sets,
            change: Vec::new(),
            content_notes: Vec::new(),
            choices,
            artifact: 0,
        }
    }
}

/// The story graph of a studio.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Story {
    /// Sections in path order, identified by file stem.
    pub sections: Vec<Section>,
    /// Section index by id.
    pub by_id: BTreeMap<String, usize>,
    /// The start section's index, when `studio.toml` names an existing one.
    pub start: Option<usize>,
    /// Counters declared in `counters.yaml`, in the order written.
    #[serde(default)]
    pub counters: Vec<Counter>,
    /// The path counters are declared in (empty when there is none).
    #[serde(default)]
    pub counters_path: String,
    /// Declarations that did not fit (made to fit in `counters`): (line, what).
    #[serde(default)]
    pub counter_problems: Vec<(u32, String)>,
}

fn strings_with_lines(n: Option<&Node>) -> Vec<Mention> {
    match n.map(|n| &n.value) {
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|i| {
                i.as_str().map(|s| Mention {
                    id: s.to_string(),
                    line: i.line,
                })
            })
            .collect(),
        Some(Value::Str(s)) => n
            .map(|n| {
                vec![Mention {
                    id: s.clone(),
                    line: n.line,
                }]
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn line_of(node: &Node, key: &str) -> Option<u32> {
    node.entry(key).map(|e| e.key_line)
}

impl Story {
    /// Builds the graph from the studio's section artifacts.
    pub fn build(studio: &Studio) -> Story {
        let mut story = Story::default();
        for (ai, a) in studio.artifacts.iter().enumerate() {
            if a.kind != Kind::Section {
                continue;
            }
            // Sections are found by file name (links and choices name files); an `id`
            // that disagrees is the schema bar's finding, not a broken graph.
            let id = crate::artifact::stem(&a.path);
            if story.by_id.contains_key(id) {
                continue;
            }
            let section = section(a, ai);
            story.by_id.insert(id.to_string(), story.sections.len());
            story.sections.push(section);
        }
        let Story {
            sections, by_id, ..
        } = &mut story;
        for s in sections {
            for c in &mut s.choices {
                c.target = by_id.get(&c.to).copied();
            }
        }
        story.start = story.by_id.get(&studio.config.start).copied();
        story.declare_counters(studio);
        story
    }

    /// Reads the counters the studio declares (`counters.yaml`), replacing any known.
    pub fn declare_counters(&mut self, studio: &Studio) {
        (self.counters, self.counter_problems, self.counters_path) =
            match studio.of_kind(Kind::Counters).next() {
                Some(a) => {
                    let (counters, problems) = counters::declared(&a.data);
                    (counters, problems, a.path.clone())
                }
                None => Default::default(),
            };
    }

    /// A declared counter's index in [`Story::counters`].
    pub fn counter(&self, id: &str) -> Option<usize> {
        self.counters.iter().position(|c| c.id == id)
    }

    /// The section with an id.
    pub fn get(&self, id: &str) -> Option<&Section> {
        self.by_id.get(id).map(|&i| &self.sections[i])
    }
}

/// One section of the graph, read from its artifact (`ai`: its index in the studio).
/// Choice targets are left unresolved; [`Story::build`] and the incremental gatecheck
/// resolve them against the whole story.
pub(crate) fn section(a: &Artifact, ai: usize) -> Section {
    let d = &a.data;
    let id_line = line_of(d, "id").unwrap_or(d.line);
    let flag_names: Vec<String> = strings_with_lines(d.get("flags"))
        .into_iter()
        .map(|m| m.id)
        .collect();
    let flags = Flags::from_names(flag_names.iter().map(String::as_str));
    let choices = d
        .get("choices")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(index, c)| Choice {
            index,
            label: c.str_at("label").unwrap_or("").to_string(),
            to: c.str_at("to").unwrap_or("").to_string(),
            target: None,
            requires: strings_with_lines(c.get("requires")),
            forbids: strings_with_lines(c.get("forbids")),
            needs: counters::needs(c.get("needs")),
            change: counters::changes(c.get("change")),
            condition: c.str_at("condition").map(str::to_string),
            line: c.line,
            label_line: line_of(c, "label").unwrap_or(c.line),
            to_line: line_of(c, "to").unwrap_or(c.line),
            condition_line: line_of(c, "condition").unwrap_or(c.line),
        })
        .collect();
    Section {
        id: crate::artifact::stem(&a.path).to_string(),
        path: a.path.clone(),
        id_line,
        title: d.str_at("title").unwrap_or("").to_string(),
        title_line: line_of(d, "title").unwrap_or(id_line),
        flags,
        flags_line: line_of(d, "flags").unwrap_or(id_line),
        flag_names,
        sets: strings_with_lines(d.get("sets")),
        change: counters::changes(d.get("change")),
        content_notes: strings_with_lines(d.get("content_notes"))
            .into_iter()
            .map(|m| m.id)
            .collect(),
        choices,
        artifact: ai,
    }
}
