//! What every bar reads: the studio, the story graph, the gated search, and the
//! player-facing surfaces — each built once per gatecheck.

use std::collections::BTreeSet;

use super::text::{Hit, Normalized, Patterns};
use super::{Finding, codes};
use crate::artifact::node::{Node, Value};
use crate::artifact::{Artifact, Kind};
use crate::story::reach::{self, Reach};
use crate::story::{Story, graph};
use crate::studio::Studio;

/// Which field of which artifact a piece of reader-facing text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// A section title.
    SectionTitle,
    /// Section prose.
    Prose,
    /// A choice label.
    Label,
    /// A choice's reader-facing condition.
    Condition,
    /// A codex entry's title.
    CodexTitle,
    /// A codex entry's body.
    CodexBody,
    /// An art caption.
    Caption,
    /// Art alt text.
    Alt,
    /// An audio caption.
    AudioCaption,
    /// A codeword's reader-facing phrase.
    Phrase,
    /// A counter's reader-facing name.
    CounterName,
}

impl Field {
    /// How the field is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Field::SectionTitle => "section title",
            Field::Prose => "prose",
            Field::Label => "choice label",
            Field::Condition => "choice condition",
            Field::CodexTitle => "codex title",
            Field::CodexBody => "codex entry",
            Field::Caption => "art caption",
            Field::Alt => "alt text",
            Field::AudioCaption => "audio caption",
            Field::Phrase => "codeword phrase",
            Field::CounterName => "counter name",
        }
    }
}

/// One piece of text a reader will see.
#[derive(Clone, Debug)]
pub struct Surface<'a> {
    /// The artifact's path.
    pub path: &'a str,
    /// The line the text starts on.
    pub line: u32,
    /// The text.
    pub text: &'a str,
    /// What it is.
    pub field: Field,
    /// Who fixes it.
    pub owner: &'static str,
    /// The whole file, for locating text that YAML folded or indented.
    pub source: &'a str,
    /// Text of a language edition (`editions/<lang>/`): the presentation bar reads it
    /// too; the style and accessibility bars' word lists are the source language's.
    pub edition: bool,
}

impl Surface<'_> {
    /// The file line of a byte offset into the text.
    ///
    /// Prose keeps its line breaks, so lines are counted. A YAML value may be a block
    /// scalar or wrap over several lines, which parsing folds away; there the line is the
    /// first one, from the key on, that holds the matched words.
    pub fn line_at(&self, offset: usize) -> u32 {
        if matches!(self.field, Field::Prose | Field::CodexBody) {
            return super::text::line_at(self.text, self.line, offset);
        }
        let word: String = self.text[offset.min(self.text.len())..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_lowercase();
        if word.is_empty() {
            return self.line;
        }
        self.source
            .lines()
            .enumerate()
            .skip(self.line.saturating_sub(1) as usize)
            .take(64)
            .find(|(_, l)| l.to_lowercase().contains(&word))
            .map(|(i, _)| i as u32 + 1)
            .unwrap_or(self.line)
    }
}

/// Everything the bars share.
pub struct Context<'a> {
    /// The loaded studio.
    pub studio: &'a Studio,
    /// The story graph.
    pub story: Story,
    /// The gated search from the start (empty without a start section).
    pub reach: Reach,
    /// Sections reachable ignoring gates.
    pub reachable: Vec<bool>,
    /// Strongly connected component of each section.
    pub components: Vec<usize>,
    /// Reader-facing text.
    pub surfaces: Vec<Surface<'a>>,
    /// Every bar's word list.
    pub words: Words,
    /// Each surface's matches of the combined word lists (same order as `surfaces`),
    /// pattern indices into the combined list.
    matches: Vec<Vec<Hit>>,
    /// Where each bar's list starts in the combined list, and ends.
    lists: [(usize, usize); 3],
    /// Links, images and headings of each section and codex body, by path.
    pub prose: std::collections::BTreeMap<&'a str, super::prose::Prose>,
    /// Today, `YYYY-MM-DD` (for waiver expiry).
    pub today: String,
}

fn text_at<'a>(node: &'a Node, key: &str) -> Option<(&'a str, u32)> {
    let e = node.entry(key)?;
    match &e.value.value {
        Value::Str(s) => Some((s.as_str(), e.key_line)),
        _ => None,
    }
}

impl<'a> Context<'a> {
    /// Builds the model once.
    pub fn new(studio: &'a Studio, today: &str) -> Context<'a> {
        Context::with_story(studio, Story::build(studio), today)
    }

    /// Builds the model around a story graph made elsewhere: the incremental gatecheck
    /// passes the whole story while `studio` holds only the files it re-reads.
    pub fn with_story(studio: &'a Studio, story: Story, today: &str) -> Context<'a> {
        // The gated search runs beside everything else the model needs (it is one
        // thread's work; the rest spreads over the cores as they come free).
        let (reach, (reachable, components, surfaces, words, matches, lists, prose)) = rayon::join(
            || reach::search(&story),
            || {
                let reachable = match story.start {
                    Some(s) => graph::reachable_ignoring_gates(&story, s),
                    None => vec![false; story.sections.len()],
                };
                let components = graph::components(&story);
                let mut surfaces = Vec::new();
                for a in &studio.artifacts {
                    surfaces_of(a, false, &mut surfaces);
                }
                for a in studio.editions.iter().flat_map(|e| &e.artifacts) {
                    surfaces_of(a, true, &mut surfaces);
                }
                let bodies: Vec<(&'a str, &'a str)> = studio
                    .artifacts
                    .iter()
                    .filter(|a| matches!(a.kind, Kind::Section | Kind::Codex))
                    .filter_map(|a| a.body.as_ref().map(|b| (a.path.as_str(), b.text.as_str())))
                    .collect();
                let words = Words {
                    presentation: super::presentation::words(studio, &story),
                    style: super::style::words(studio),
                    accessibility: super::accessibility::words(),
                };
                let mut combined: Vec<(String, bool)> = Vec::new();
                let mut lists = [(0, 0); 3];
                for (n, list) in [
                    &words.presentation.patterns,
                    &words.style.patterns,
                    &words.accessibility,
                ]
                .into_iter()
                .enumerate()
                {
                    let from = combined.len();
                    combined.extend(list.iter().cloned());
                    lists[n] = (from, combined.len());
                }
                let volume = surfaces.iter().map(|s| s.text.len()).sum();
                let patterns = Patterns::for_text(&combined, volume);
                // Folding text, matching every bar's words on it in one pass, and scanning
                // Markdown are the model's biggest costs: every core, a text at a time. The
                // folded text is dropped once matched; only the matches are kept.
                use rayon::prelude::*;
                let (matches, prose) = rayon::join(
                    || {
                        surfaces
                            .par_iter()
                            .map(|s| {
                                let folded = match s.field {
                                    // Readers see link text, not where links point.
                                    Field::Prose | Field::CodexBody => {
                                        Normalized::new(&super::prose::mask_destinations(s.text))
                                    }
                                    _ => Normalized::new(s.text),
                                };
                                patterns.find(&folded)
                            })
                            .collect::<Vec<_>>()
                    },
                    || {
                        bodies
                            .par_iter()
                            .map(|(p, t)| (*p, super::prose::scan(t)))
                            .collect::<Vec<_>>()
                            .into_iter()
                            .collect::<std::collections::BTreeMap<&'a str, super::prose::Prose>>()
                    },
                );
                (
                    reachable, components, surfaces, words, matches, lists, prose,
                )
            },
        );
        Context {
            studio,
            story,
            reach,
            reachable,
            components,
            surfaces,
            words,
            matches,
            lists,
            prose,
            today: today.to_string(),
        }
    }

    /// Artifacts of a kind.
    pub fn of(&self, kind: Kind) -> impl Iterator<Item = &'a Artifact> {
        self.studio.artifacts.iter().filter(move |a| a.kind == kind)
    }

    /// Ids of artifacts of a kind: file stems for kinds stored one per file (that is how
    /// references find them), else the `id` field.
    ///
    /// Files of the kind that failed to parse count as existing, so a parse error does
    /// not also show up as every reference to the file dangling.
    pub fn ids(&self, kind: Kind) -> BTreeSet<&str> {
        if kind == Kind::Section {
            // The story holds every section, parsed ones by file stem, whatever the
            // studio value was loaded with; the files that failed to parse are added.
            let mut ids: BTreeSet<&str> = self.story.by_id.keys().map(String::as_str).collect();
            ids.extend(
                self.studio
                    .rejected
                    .iter()
                    .filter(|r| r.kind == kind)
                    .map(|r| crate::artifact::stem(&r.path)),
            );
            ids
        } else if kind.id_is_stem() {
            stem_ids(self.studio, kind)
        } else {
            self.of(kind).filter_map(|a| a.id()).collect()
        }
    }

    /// Whether the story graph is whole: the studio config and every section parsed.
    /// When it is not, conclusions about the graph (orphans, reachability, gates) wait
    /// for the parse errors to be fixed instead of guessing around the hole.
    pub fn graph_complete(&self) -> bool {
        !self
            .studio
            .rejected
            .iter()
            .any(|r| matches!(r.kind, Kind::Section | Kind::Studio))
    }

    /// Every codeword id the studio mentions (sets, requires, forbids, codewords.yaml).
    pub fn codewords(&self) -> BTreeSet<String> {
        codewords_of(self.studio, &self.story)
    }

    /// One bar's matches on surface `n`, pattern indices into that bar's own list.
    pub fn hits(&self, list: List, n: usize) -> impl Iterator<Item = Hit> + '_ {
        let (from, to) = self.lists[list as usize];
        self.matches[n]
            .iter()
            .filter(move |h| (from..to).contains(&h.pattern))
            .map(move |h| Hit {
                pattern: h.pattern - from,
                ..*h
            })
    }
}

/// The bars that match word lists on reader-facing text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    /// Codeword ids, spoilers, technique, meta talk, draft markers.
    Presentation = 0,
    /// Banned terms.
    Style = 1,
    /// Sensitive material.
    Accessibility = 2,
}

/// Every bar's word list, matched together in one pass per text.
pub struct Words {
    /// The presentation bar's.
    pub presentation: super::presentation::Words,
    /// The style bar's.
    pub style: super::style::Words,
    /// The accessibility bar's.
    pub accessibility: Vec<(String, bool)>,
}

/// Every codeword id a studio mentions (sets, requires, forbids, codewords.yaml).
pub fn codewords_of(studio: &Studio, story: &Story) -> BTreeSet<String> {
    {
        let mut out = BTreeSet::new();
        for s in &story.sections {
            out.extend(s.sets.iter().map(|m| m.id.clone()));
            for c in &s.choices {
                out.extend(c.requires.iter().chain(&c.forbids).map(|m| m.id.clone()));
            }
        }
        for a in studio.of_kind(Kind::Codewords) {
            if let Some(entries) = a.data.get("codewords").and_then(Node::as_map) {
                out.extend(entries.iter().map(|e| e.key.clone()));
            }
        }
        out
    }
}

/// The file stems of a kind's files in a studio, parsed or not (for kinds stored one
/// per file, the stem is the id references use).
pub fn stem_ids(studio: &Studio, kind: Kind) -> BTreeSet<&str> {
    let parsed = studio
        .artifacts
        .iter()
        .filter(|a| a.kind == kind)
        .map(|a| a.path.as_str());
    let rejected = studio
        .rejected
        .iter()
        .filter(|r| r.kind == kind)
        .map(|r| r.path.as_str());
    parsed.chain(rejected).map(crate::artifact::stem).collect()
}

fn surfaces_of<'a>(a: &'a Artifact, edition: bool, out: &mut Vec<Surface<'a>>) {
    let owner = if edition {
        "translator"
    } else {
        a.kind.owner()
    };
    let mut push = |text: &'a str, line: u32, field: Field| {
        out.push(Surface {
            path: &a.path,
            source: &a.text,
            line,
            text,
            field,
            owner,
            edition,
        });
    };
    let d = &a.data;
    match a.kind {
        Kind::Section | Kind::Codex => {
            let (title_field, body_field) = match a.kind {
                Kind::Section => (Field::SectionTitle, Field::Prose),
                _ => (Field::CodexTitle, Field::CodexBody),
            };
            if let Some((t, l)) = text_at(d, "title") {
                push(t, l, title_field);
            }
            if let Some(b) = &a.body {
                push(&b.text, b.line, body_field);
            }
            for c in d.get("choices").and_then(Node::as_seq).unwrap_or(&[]) {
                if let Some((t, l)) = text_at(c, "label") {
                    push(t, l, Field::Label);
                }
                if let Some((t, l)) = text_at(c, "condition") {
                    push(t, l, Field::Condition);
                }
            }
        }
        Kind::Art => {
            if let Some((t, l)) = text_at(d, "caption") {
                push(t, l, Field::Caption);
            }
            if let Some((t, l)) = text_at(d, "alt") {
                push(t, l, Field::Alt);
            }
        }
        Kind::Audio => {
            if let Some((t, l)) = text_at(d, "caption") {
                push(t, l, Field::AudioCaption);
            }
        }
        Kind::Codewords => {
            for e in d.get("codewords").and_then(Node::as_map).unwrap_or(&[]) {
                if let Some((t, l)) = text_at(&e.value, "phrase") {
                    push(t, l, Field::Phrase);
                }
            }
        }
        Kind::Counters => {
            for e in d.get("counters").and_then(Node::as_map).unwrap_or(&[]) {
                if let Some((t, l)) = text_at(&e.value, "name") {
                    push(t, l, Field::CounterName);
                }
            }
        }
        _ => {}
    }
}

/// A finding with its severity taken from the code registry.
pub fn finding(
    code: &str,
    path: &str,
    line: u32,
    owner: &str,
    message: String,
    fix: String,
) -> Finding {
    Finding {
        code: code.to_string(),
        severity: codes::severity(code),
        path: path.to_string(),
        line,
        message,
        owner: owner.to_string(),
        fix,
        pointer: None,
    }
}
