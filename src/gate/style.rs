//! The style bar: banned terms, sibling choices that read the same, over-long labels.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Finding;
use super::context::{Context, List, finding};
use super::text::Normalized;
use crate::artifact::Kind;
use crate::artifact::de;

/// The default label length when style/style.yaml does not say.
pub const DEFAULT_MAX_LABEL_WORDS: usize = 12;

/// `style/style.yaml`, as far as the bar reads it; a mistyped field reads as absent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StyleFile {
    #[serde(deserialize_with = "de::items")]
    banned: Vec<Ban>,
    #[serde(deserialize_with = "de::lenient")]
    max_choice_label_words: Option<usize>,
}

/// A banned term and what to write instead.
#[derive(Debug, Deserialize)]
struct Ban {
    term: String,
    #[serde(default, deserialize_with = "de::lenient")]
    prefer: Option<String>,
}

/// The style file as the bar reads it: banned terms (with what to prefer) and the
/// label length.
pub struct Words {
    /// Banned terms, whole words, for [`super::text::Patterns`].
    pub patterns: Vec<(String, bool)>,
    banned: Vec<(String, Option<String>)>,
    max_words: usize,
}

/// The bar's word list for a studio.
pub fn words(studio: &crate::studio::Studio) -> Words {
    let style: StyleFile = studio
        .of_kind(Kind::Style)
        .next()
        .and_then(|a| de::from_node(&a.data).ok())
        .unwrap_or_default();
    let banned: Vec<(String, Option<String>)> = style
        .banned
        .into_iter()
        .map(|b| (b.term, b.prefer))
        .filter(|(t, _)| !t.trim().is_empty())
        .collect();
    let max_words = style
        .max_choice_label_words
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_MAX_LABEL_WORDS);
    Words {
        patterns: banned.iter().map(|(t, _)| (t.clone(), true)).collect(),
        banned,
        max_words,
    }
}

/// Runs the bar.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let Words {
        banned, max_words, ..
    } = &cx.words.style;
    let max_words = *max_words;
    for (n, s) in cx.surfaces.iter().enumerate().filter(|(_, s)| !s.edition) {
        for hit in cx.hits(List::Style, n) {
            let (term, prefer) = &banned[hit.pattern];
            out.push(finding(
                "style/banned-term",
                s.path,
                s.line_at(hit.start),
                s.owner,
                format!(
                    "banned term \"{}\" in the {}",
                    &s.text[hit.start..hit.end],
                    s.field.name()
                ),
                match prefer {
                    Some(p) => format!("write \"{p}\" instead (style/style.yaml bans \"{term}\")"),
                    None => format!("reword it: style/style.yaml bans \"{term}\""),
                },
            ));
        }
    }
    for s in &cx.story.sections {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for c in &s.choices {
            let key = Normalized::new(c.label.trim().trim_end_matches(['.', '!', '?'])).text;
            if key.is_empty() {
                continue;
            }
            if let Some(first) = seen.get(&key) {
                out.push(finding(
                    "style/duplicate-choice-label",
                    &s.path,
                    c.label_line,
                    "scene_smith",
                    format!(
                        "choice label \"{}\" repeats \"{first}\" in the same section",
                        c.label
                    ),
                    "reword one so the reader can tell them apart".into(),
                ));
            } else {
                seen.insert(key, &c.label);
            }
            let words = c.label.split_whitespace().count();
            if words > max_words {
                out.push(finding(
                    "style/long-choice-label",
                    &s.path,
                    c.label_line,
                    "scene_smith",
                    format!("choice label has {words} words (at most {max_words})"),
                    "shorten it; let the prose carry the detail".into(),
                ));
            }
        }
    }
    out
}
