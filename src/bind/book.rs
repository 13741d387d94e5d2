//! The book as readers get it: a snapshot's story graph in reading order, each section
//! with its prose, plus what is the book's own (codex, pictures, sounds, codeword
//! phrases).
//! Sections and choices are `story`'s values, not read again from front matter; every
//! renderer works from this one model.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Deserialize;

use crate::artifact::de::{self, Lenient};
use crate::artifact::{self, Kind};
use crate::story::counters::Counter;
use crate::story::{self, Story};
use crate::studio::Studio;

use super::words::fill;

/// A section as printed: the story's section (id, title, flags, codewords, content
/// notes, choices) with its prose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The section as the story graph holds it.
    pub story: story::Section,
    /// Prose (Markdown).
    pub prose: String,
    /// The language of its text when it is not the book's (a section an edition does
    /// not translate yet, shown in the source's language).
    pub language: Option<String>,
}

/// A glossary entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Anchor id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Body (Markdown).
    pub body: String,
    /// Related entries.
    pub see_also: Vec<String>,
    /// The language of its text when it is not the book's.
    pub language: Option<String>,
}

/// A picture with its plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// Plan id.
    pub id: String,
    /// The section it illustrates.
    pub section: String,
    /// Caption.
    pub caption: String,
    /// Alt text (empty when decorative).
    pub alt: String,
    /// Asset path in the tree.
    pub asset: String,
    /// The file.
    pub bytes: Vec<u8>,
}

/// A finished audio cue with its plan: the sound where a view can play it, and its
/// transcript (the plan's caption, the text equivalent) wherever the book is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sound {
    /// Plan id.
    pub id: String,
    /// The section it belongs to.
    pub section: String,
    /// Transcript: the reader-facing text equivalent of the sound.
    pub caption: String,
    /// Asset path in the tree.
    pub asset: String,
    /// The file.
    pub bytes: Vec<u8>,
    /// Its media type, by extension (`audio/mpeg`, …).
    pub media_type: &'static str,
}

/// Which snapshot a book is bound from.
#[derive(Clone, Copy, Debug)]
pub struct Stamp<'a> {
    /// The snapshot tag.
    pub tag: &'a str,
    /// Its commit.
    pub commit: &'a str,
    /// The tag's date (`YYYY-MM-DD`).
    pub date: &'a str,
}

/// The whole book.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Book {
    /// Title.
    pub title: String,
    /// Author.
    pub author: String,
    /// BCP 47 language.
    pub language: String,
    /// Licence.
    pub license: String,
    /// Start section id.
    pub start: String,
    /// The snapshot tag.
    pub tag: String,
    /// Its commit.
    pub commit: String,
    /// The tag's date (`YYYY-MM-DD`).
    pub date: String,
    /// Sections in reading order (start first, then breadth-first along choices).
    pub sections: Vec<Section>,
    /// Glossary entries, by title.
    pub codex: Vec<Entry>,
    /// Reader-facing phrase of each codeword.
    pub phrases: BTreeMap<String, String>,
    /// Counters and items declared (`counters.yaml`), in the order written.
    pub counters: Vec<Counter>,
    /// Finished pictures (when art is included).
    pub pictures: Vec<Picture>,
    /// Finished audio cues (when audio is included: [`Book::with_sounds`]).
    pub sounds: Vec<Sound>,
    /// Every content note declared, sorted.
    pub content_notes: Vec<String>,
    /// Stable identifier of the work (UUID v5 of title and author).
    pub ifid: String,
    /// Section ids, for link checks.
    section_ids: BTreeSet<String>,
}

/// The namespace of showrunner's UUID v5 identifiers.
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b1f_5c3e_9a2d_4e7b_8c10_2f4a_9d3e_7b61);

/// A stable UUID v5 for a name within showrunner's namespace.
pub fn uuid_for(name: &str) -> String {
    uuid::Uuid::new_v5(&NAMESPACE, name.as_bytes())
        .hyphenated()
        .to_string()
        .to_uppercase()
}

impl Book {
    /// Builds the book from a snapshot's studio and the story graph built from it, with
    /// pictures from `assets` (path → bytes) when art is included. Only player-facing
    /// kinds are read.
    pub fn build(
        studio: &Studio,
        story: Story,
        stamp: Stamp<'_>,
        include_codex: bool,
        assets: &BTreeMap<String, Vec<u8>>,
        include_art: bool,
    ) -> Book {
        let cfg = &studio.config;
        let counters = story.counters.clone();
        let sections = reading_order(studio, story, &cfg.start);
        let codex = if include_codex {
            codex_of(studio)
        } else {
            Vec::new()
        };
        let phrases = phrases_of(studio);
        let pictures = if include_art {
            pictures_of(studio, assets)
        } else {
            Vec::new()
        };
        let content_notes: BTreeSet<String> = sections
            .iter()
            .flat_map(|s| s.story.content_notes.iter().cloned())
            .collect();
        Book {
            title: cfg.title.clone(),
            author: cfg.author.clone(),
            language: cfg.language.clone(),
            license: cfg.license.clone(),
            start: cfg.start.clone(),
            tag: stamp.tag.to_string(),
            commit: stamp.commit.to_string(),
            date: stamp.date.to_string(),
            ifid: uuid_for(&format!(
                "showrunner-ifid:{}\u{1f}{}",
                cfg.title, cfg.author
            )),
            section_ids: sections.iter().map(|s| s.story.id.clone()).collect(),
            sections,
            codex,
            phrases,
            counters,
            pictures,
            sounds: Vec::new(),
            content_notes: content_notes.into_iter().collect(),
        }
    }

    /// The book with the finished audio cues of `studio` (the snapshot it was built
    /// from), their sound files from `assets` (path → bytes), in plan-id order.
    pub fn with_sounds(mut self, studio: &Studio, assets: &BTreeMap<String, Vec<u8>>) -> Book {
        self.sounds = sounds_of(studio, assets);
        self
    }

    /// The finished audio cues of one section, in plan-id order.
    pub fn sounds_in<'a>(&'a self, section: &'a str) -> impl Iterator<Item = &'a Sound> + 'a {
        self.sounds.iter().filter(move |x| x.section == section)
    }

    /// Whether an anchor names a section.
    pub fn is_section(&self, id: &str) -> bool {
        self.section_ids.contains(id)
    }

    /// The reader-facing text of a gated choice: its condition, else the phrases of its
    /// codewords and its counter tests in the counters' names. Never a codeword or
    /// counter id.
    pub fn condition_of(&self, c: &story::Choice) -> Option<String> {
        if let Some(t) = c.condition.as_ref().filter(|t| !t.trim().is_empty()) {
            return Some(t.trim().to_string());
        }
        let clauses = &super::words::for_language(&self.language).clauses;
        let mut phrases: Vec<String> = c
            .requires
            .iter()
            .filter_map(|w| self.phrases.get(&w.id).cloned())
            .collect();
        for n in &c.needs {
            if let Some(k) = self.counters.iter().find(|k| k.id == n.counter) {
                phrases.push(fill(
                    clauses.need.of(n.op),
                    &[("n", &n.value), ("name", &k.name)],
                ));
            }
        }
        for ch in &c.change {
            if let (Some(cost), Some(k)) =
                (ch.cost(), self.counters.iter().find(|k| k.id == ch.counter))
            {
                phrases.push(fill(clauses.costs, &[("n", &cost), ("name", &k.name)]));
            }
        }
        (!phrases.is_empty()).then(|| phrases.join("; "))
    }
}

/// The story's sections in reading order: the start, then breadth-first along the
/// choices, then the rest by id; each with its prose.
fn reading_order(studio: &Studio, story: Story, start: &str) -> Vec<Section> {
    let mut order: Vec<usize> = Vec::with_capacity(story.sections.len());
    let mut seen = vec![false; story.sections.len()];
    let mut queue: VecDeque<usize> = VecDeque::new();
    if let Some(&s) = story.by_id.get(start) {
        queue.push_back(s);
        seen[s] = true;
    }
    while let Some(i) = queue.pop_front() {
        for t in story.sections[i].choices.iter().filter_map(|c| c.target) {
            if !seen[t] {
                seen[t] = true;
                queue.push_back(t);
            }
        }
        order.push(i);
    }
    order.extend(story.by_id.values().filter(|&&i| !seen[i]));
    let mut sections: Vec<Option<story::Section>> = story.sections.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| sections[i].take())
        .map(|s| Section {
            language: None,
            prose: studio
                .artifacts
                .get(s.artifact)
                .and_then(|a| a.body.as_ref())
                .map(|b| b.text.trim().to_string())
                .unwrap_or_default(),
            story: s,
        })
        .collect()
}

/// A codex entry's front matter, as the book reads it (the schema bar has judged it;
/// what does not read is left empty, as the views always have).
#[derive(Default, Deserialize)]
#[serde(default)]
struct CodexFront {
    #[serde(deserialize_with = "de::lenient")]
    title: String,
    #[serde(deserialize_with = "de::strings")]
    see_also: Vec<String>,
}

/// `codewords.yaml`: each codeword's reader-facing phrase.
#[derive(Default, Deserialize)]
#[serde(default)]
struct CodewordsFile {
    #[serde(deserialize_with = "de::entries")]
    codewords: Vec<(String, Lenient<Codeword>)>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Codeword {
    #[serde(deserialize_with = "de::lenient")]
    phrase: Option<String>,
}

/// An art or audio plan, as the book reads it (audio has no alt text).
#[derive(Default, Deserialize)]
#[serde(default)]
struct PlanFront {
    #[serde(deserialize_with = "de::lenient")]
    status: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    asset: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    section: String,
    #[serde(deserialize_with = "de::lenient")]
    caption: String,
    #[serde(deserialize_with = "de::lenient")]
    alt: String,
}

/// The codex entries, by title.
fn codex_of(studio: &Studio) -> Vec<Entry> {
    let mut codex: Vec<Entry> = studio
        .artifacts
        .iter()
        .filter(|a| a.kind == Kind::Codex)
        .map(|a| {
            let front: CodexFront = de::from_node(&a.data).unwrap_or_default();
            Entry {
                id: artifact::stem(&a.path).to_string(),
                title: front.title,
                body: a
                    .body
                    .as_ref()
                    .map(|b| b.text.trim().to_string())
                    .unwrap_or_default(),
                see_also: front.see_also,
                language: None,
            }
        })
        .collect();
    codex.sort_by(|a, b| (a.title.to_lowercase(), &a.id).cmp(&(b.title.to_lowercase(), &b.id)));
    codex
}

/// The reader-facing phrase of each codeword.
fn phrases_of(studio: &Studio) -> BTreeMap<String, String> {
    studio
        .artifacts
        .iter()
        .filter(|a| a.kind == Kind::Codewords)
        .flat_map(|a| {
            de::from_node::<CodewordsFile>(&a.data)
                .unwrap_or_default()
                .codewords
        })
        .filter_map(|(id, Lenient(c))| Some((id, c.phrase?)))
        .collect()
}

/// Finished art with its picture's bytes.
fn pictures_of(studio: &Studio, assets: &BTreeMap<String, Vec<u8>>) -> Vec<Picture> {
    studio
        .artifacts
        .iter()
        .filter(|a| a.kind == Kind::Art)
        .filter_map(|a| {
            let art: PlanFront = de::from_node(&a.data).unwrap_or_default();
            if art.status.as_deref() != Some("done") {
                return None;
            }
            let asset = art.asset?;
            Some(Picture {
                id: artifact::stem(&a.path).to_string(),
                section: art.section,
                caption: art.caption,
                alt: art.alt,
                bytes: assets.get(&asset)?.clone(),
                asset,
            })
        })
        .collect()
}

/// Finished audio cues with their files, in plan-id order. A cue whose file is not in
/// the tree, or that has no transcript, is left out (the gate reports both).
fn sounds_of(studio: &Studio, assets: &BTreeMap<String, Vec<u8>>) -> Vec<Sound> {
    let mut sounds: Vec<Sound> = studio
        .artifacts
        .iter()
        .filter(|a| a.kind == Kind::Audio)
        .filter_map(|a| {
            let plan: PlanFront = de::from_node(&a.data).unwrap_or_default();
            if plan.status.as_deref() != Some("done") || plan.caption.trim().is_empty() {
                return None;
            }
            let asset = plan.asset?;
            Some(Sound {
                id: artifact::stem(&a.path).to_string(),
                section: plan.section,
                caption: plan.caption.trim().to_string(),
                bytes: assets.get(&asset)?.clone(),
                media_type: super::mime(&asset),
                asset,
            })
        })
        .collect();
    sounds.sort_by(|a, b| a.id.cmp(&b.id));
    sounds
}
