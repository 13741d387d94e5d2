//! The style bar: banned terms, sibling choices that read the same, over-long labels.

use std::collections::BTreeMap;

use super::Finding;
use super::context::{Context, finding};
use super::text::{Normalized, Patterns};
use crate::artifact::Kind;
use crate::artifact::node::{Node, Value};

/// The default label length when style/style.yaml does not say.
pub const DEFAULT_MAX_LABEL_WORDS: usize = 12;

/// Runs the bar.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let style = cx.of(Kind::Style).next().map(|a| &a.data);
    let banned: Vec<(String, Option<String>)> = style
        .and_then(|s| s.get("banned"))
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|b| {
            Some((
                b.str_at("term")?.to_string(),
                b.str_at("prefer").map(str::to_string),
            ))
        })
        .filter(|(t, _)| !t.trim().is_empty())
        .collect();
    let max_words = match style
        .and_then(|s| s.get("max_choice_label_words"))
        .map(|n| &n.value)
    {
        Some(Value::Int(n)) if *n > 0 => *n as usize,
        _ => DEFAULT_MAX_LABEL_WORDS,
    };
    let patterns = Patterns::new(
        &banned
            .iter()
            .map(|(t, _)| (t.clone(), true))
            .collect::<Vec<_>>(),
    );
    for (s, folded) in cx.surfaces.iter().zip(&cx.folded) {
        for hit in patterns.find(folded) {
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
