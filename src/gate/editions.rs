//! Language editions against their source: the topology lock (an edition's files keep
//! their sources' ids, choices, targets, gates and counters exactly; only reader-facing
//! text differs), stale translations (the source changed after them), and how far each
//! edition has got (what is translated, what is not).
//!
//! Sections are compared with the story graph's sections, which the incremental
//! gatecheck keeps whole; every other translated kind lives outside `sections/`, which
//! it always re-reads.

use std::collections::BTreeSet;

use serde::Serialize;

use super::Finding;
use super::context::{Context, finding};
use crate::artifact::node::Node;
use crate::artifact::{self, Artifact, Kind};
use crate::story::{self, Story};
use crate::studio::{Edition, Studio};
use serde_json::Value as Json;

/// Fields a translation rewrites, by kind: everything else must be its source's.
fn translated_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Codex => &["title"],
        Kind::Art => &["caption", "alt", "description"],
        Kind::Audio => &["caption", "description"],
        _ => &[],
    }
}

/// Whether a language tag reads as BCP 47 (`fr`, `pt-BR`, `zh-Hant`).
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The integrity bar's part: each edition's language, and each file against its source.
/// A translation whose source changed after it (a stale one) is not held to the lock:
/// the writer moved on, and it is listed as stale instead, to be caught up with.
pub fn structure(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in &cx.studio.editions {
        language(cx.studio, e, &mut out);
    }
    out.extend(mismatches(cx.studio, &cx.story).into_iter().filter(|f| {
        let e = cx
            .studio
            .editions
            .iter()
            .find(|e| f.path.starts_with(&e.folder()));
        let source = artifact::edition_source(&f.path).map(|(_, s)| s);
        !matches!((e, source), (Some(e), Some(s)) if e.stale_entry(s).is_some())
    }));
    out
}

/// Every edition file that breaks the lock with its source, stale or not (binding shows
/// such a file's source instead).
pub fn mismatches(studio: &Studio, story: &Story) -> Vec<Finding> {
    let mut out = Vec::new();
    for e in &studio.editions {
        for a in &e.artifacts {
            let Some(source) = Edition::source_of(a) else {
                continue;
            };
            match a.kind {
                Kind::Section => section(story, a, source, &mut out),
                Kind::Codewords => keyed(studio, a, source, "codewords", &[], &mut out),
                Kind::Counters => keyed(studio, a, source, "counters", &["name"], &mut out),
                _ => whole(studio, a, source, &mut out),
            }
        }
    }
    out
}

fn language(studio: &Studio, e: &Edition, out: &mut Vec<Finding>) {
    let path = e
        .settings()
        .map(|a| a.path.clone())
        .or_else(|| e.artifacts.first().map(|a| a.path.clone()))
        .unwrap_or_else(|| e.folder());
    if !is_language_tag(&e.language) {
        out.push(finding(
            "integrity/edition-language",
            &path,
            0,
            "translator",
            format!("`editions/{}/` is not named by a language tag", e.language),
            "name the folder by the edition's BCP 47 language tag: `fr`, `de`, `pt-BR`".into(),
        ));
    } else if e.language.eq_ignore_ascii_case(&studio.config.language) {
        out.push(finding(
            "integrity/edition-language",
            &path,
            0,
            "translator",
            format!(
                "an edition in `{}`, the language the studio is written in",
                e.language
            ),
            "the studio's own files are that edition; remove the folder or rename it for the language it translates into".into(),
        ));
    }
}

fn orphan(a: &Artifact, source: &str, out: &mut Vec<Finding>) {
    out.push(finding(
        "integrity/edition-orphan",
        &a.path,
        0,
        "translator",
        format!("a translation of `{source}`, which does not exist"),
        "translations keep their source's path: move it to the path of the file it translates, or delete it".to_string(),
    ));
}

fn differs(a: &Artifact, line: u32, what: String, out: &mut Vec<Finding>) {
    out.push(finding(
        "integrity/edition-structure",
        &a.path,
        line,
        "translator",
        format!("the translation differs from its source: {what}"),
        "an edition translates what readers see and keeps the rest of its source exactly: copy ids, flags, codewords, targets, gates and counter changes from the source file".into(),
    ));
}

fn ids(ms: &[story::Mention]) -> Vec<&str> {
    ms.iter().map(|m| m.id.as_str()).collect()
}

fn changes(cs: &[story::counters::Change]) -> Vec<(&str, story::counters::Delta)> {
    cs.iter().map(|c| (c.counter.as_str(), c.delta)).collect()
}

fn needs(ns: &[story::counters::Need]) -> Vec<(&str, story::counters::Op, i64)> {
    ns.iter()
        .map(|n| (n.counter.as_str(), n.op, n.value))
        .collect()
}

/// A section against the story graph's: flags, codewords set, counter changes, and every
/// choice's target, gates, tests and costs, in order.
fn section(story: &Story, a: &Artifact, source: &str, out: &mut Vec<Finding>) {
    let id = artifact::stem(source);
    let Some(src) = story.get(id) else {
        return orphan(a, source, out);
    };
    let t = story::section(a, 0);
    let mut flags = t.flag_names.clone();
    let mut src_flags = src.flag_names.clone();
    flags.sort();
    src_flags.sort();
    if a.data.str_at("id").is_some_and(|i| i != id) {
        return differs(a, t.id_line, format!("its id is not `{id}`"), out);
    }
    if flags != src_flags {
        return differs(
            a,
            t.flags_line,
            format!("flags {flags:?}, the source's {src_flags:?}"),
            out,
        );
    }
    if ids(&t.sets) != ids(&src.sets) {
        let line = t.sets.first().map_or(t.id_line, |m| m.line);
        return differs(
            a,
            line,
            format!(
                "it sets {:?}, the source {:?}",
                ids(&t.sets),
                ids(&src.sets)
            ),
            out,
        );
    }
    if changes(&t.change) != changes(&src.change) {
        let line = t.change.first().map_or(t.id_line, |c| c.line);
        return differs(
            a,
            line,
            "its counter changes are not the source's".into(),
            out,
        );
    }
    if t.choices.len() != src.choices.len() {
        let line = a.data.entry("choices").map_or(t.id_line, |e| e.key_line);
        return differs(
            a,
            line,
            format!(
                "{} choices, the source {}",
                t.choices.len(),
                src.choices.len()
            ),
            out,
        );
    }
    for (c, s) in t.choices.iter().zip(&src.choices) {
        let n = c.index + 1;
        if c.to != s.to {
            return differs(
                a,
                c.to_line,
                format!("choice {n} leads to `{}`, the source's to `{}`", c.to, s.to),
                out,
            );
        }
        if ids(&c.requires) != ids(&s.requires) || ids(&c.forbids) != ids(&s.forbids) {
            return differs(
                a,
                c.line,
                format!("choice {n}'s codeword gates are not the source's"),
                out,
            );
        }
        if needs(&c.needs) != needs(&s.needs) {
            return differs(
                a,
                c.line,
                format!("choice {n}'s counter tests are not the source's"),
                out,
            );
        }
        if changes(&c.change) != changes(&s.change) {
            return differs(
                a,
                c.line,
                format!("choice {n}'s counter changes are not the source's"),
                out,
            );
        }
    }
}

/// The JSON of a node with the translated fields (and extension fields) left out.
fn kept(node: &Node, fields: &[&str]) -> Json {
    let mut json = node.to_json();
    if let Json::Object(map) = &mut json {
        map.retain(|k, _| {
            !fields.contains(&k.as_str())
                && !k.starts_with("x-")
                && !k.starts_with("x_")
                && k != "tu"
        });
    }
    json
}

/// The first place two JSON values differ, as a JSON pointer.
fn first_difference(a: &Json, b: &Json, at: &str) -> Option<String> {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(p), Some(q)) => first_difference(p, q, &format!("{at}/{k}")),
                _ => Some(format!("{at}/{k}")),
            })
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}/{i}"))),
        _ => (a != b).then(|| at.to_string()),
    }
}

fn source_artifact<'s>(studio: &'s Studio, source: &str) -> Option<&'s Artifact> {
    studio
        .artifacts
        .binary_search_by(|x| x.path.as_str().cmp(source))
        .ok()
        .map(|i| &studio.artifacts[i])
}

/// A codex entry, art or audio plan: equal to its source but for its translated fields.
fn whole(studio: &Studio, a: &Artifact, source: &str, out: &mut Vec<Finding>) {
    let Some(src) = source_artifact(studio, source) else {
        return orphan(a, source, out);
    };
    let fields = translated_fields(a.kind);
    if let Some(at) = first_difference(&kept(&a.data, fields), &kept(&src.data, fields), "") {
        let line = a.data.locate(&at);
        differs(
            a,
            line,
            format!(
                "`{}` is not the source's (only {} are translated)",
                at.trim_start_matches('/'),
                match fields {
                    [] => "the prose".to_string(),
                    f => f
                        .iter()
                        .map(|x| format!("`{x}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            ),
            out,
        );
    }
}

/// `codewords.yaml` or `counters.yaml`: each entry one of the source's, equal to it but
/// for its translated fields (`fields`; a codeword's `phrase` and `description` are
/// all it has to translate).
fn keyed(
    studio: &Studio,
    a: &Artifact,
    source: &str,
    key: &str,
    fields: &[&str],
    out: &mut Vec<Finding>,
) {
    let Some(src) = source_artifact(studio, source) else {
        return orphan(a, source, out);
    };
    let entries = |n: &Node| -> Vec<(String, u32, Json)> {
        n.get(key)
            .and_then(Node::as_map)
            .unwrap_or(&[])
            .iter()
            .map(|e| (e.key.clone(), e.key_line, e.value.to_json()))
            .collect()
    };
    let theirs = entries(&src.data);
    for (id, line, value) in entries(&a.data) {
        let Some((_, _, original)) = theirs.iter().find(|(k, _, _)| *k == id) else {
            differs(
                a,
                line,
                format!("`{id}` is not in the source's {source}"),
                out,
            );
            continue;
        };
        let strip = |j: &Json| -> Json {
            let mut j = j.clone();
            if let Json::Object(m) = &mut j {
                m.retain(|k, _| {
                    !fields.contains(&k.as_str())
                        && !matches!(k.as_str(), "phrase" | "description")
                        && !k.starts_with("x-")
                });
            }
            j
        };
        if let Some(at) = first_difference(&strip(&value), &strip(original), "") {
            differs(a, line, format!("`{id}{at}` is not the source's"), out);
        }
    }
}

/// How far one edition has got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Progress {
    /// The edition's language.
    pub language: String,
    /// Sections translated, of the studio's.
    pub sections: (usize, usize),
    /// Codex entries translated, of the studio's.
    pub codex: (usize, usize),
    /// Source files with reader-facing text that the edition does not translate yet.
    pub untranslated: Vec<String>,
    /// Translations behind their sources.
    pub stale: Vec<StaleOut>,
}

/// A translation behind its source, as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StaleOut {
    /// The edition's file.
    pub path: String,
    /// The source it translates.
    pub source: String,
    /// The commit that changed the source since (`null`: the work tree).
    pub changed_in: Option<String>,
}

/// Each edition's progress, from the studio's sections (the story graph's, whole) and
/// its other translatable files.
pub fn progress(studio: &Studio, story: &Story) -> Vec<Progress> {
    let mut sources: Vec<String> = story.sections.iter().map(|s| s.path.clone()).collect();
    sources.extend(
        studio
            .artifacts
            .iter()
            .filter(|a| a.kind.translatable() && a.kind != Kind::Section)
            .map(|a| a.path.clone()),
    );
    sources.sort();
    let codex_total = studio
        .artifacts
        .iter()
        .filter(|a| a.kind == Kind::Codex)
        .count();
    studio
        .editions
        .iter()
        .map(|e| {
            let has = |p: &String| e.translation_of(p).is_some();
            let count = |prefix: &str| {
                sources
                    .iter()
                    .filter(|p| p.starts_with(prefix) && has(p))
                    .count()
            };
            Progress {
                language: e.language.clone(),
                sections: (count("sections/"), story.sections.len()),
                codex: (count("codex/"), codex_total),
                untranslated: sources.iter().filter(|p| !has(p)).cloned().collect(),
                stale: e
                    .stale
                    .iter()
                    .map(|s| StaleOut {
                        path: s.path.clone(),
                        source: s.source.clone(),
                        changed_in: s.changed_in.clone(),
                    })
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in ["fr", "de", "pt-BR", "zh-Hant", "gsw"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["French", "f", "FR", "fr_FR", "fr-", "", "fr-x"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn first_difference_points_at_the_first_unequal_value() {
        let a: Json = serde_json::json!({"id": "a", "see_also": ["b", "c"]});
        let b: Json = serde_json::json!({"id": "a", "see_also": ["b", "d"]});
        assert_eq!(first_difference(&a, &b, ""), Some("/see_also/1".into()));
        assert_eq!(first_difference(&a, &a, ""), None);
        let c: Json = serde_json::json!({"id": "a"});
        assert_eq!(first_difference(&a, &c, ""), Some("/see_also".into()));
    }
}
