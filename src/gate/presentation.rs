//! The presentation bar: nothing internal reaches a player-facing surface — codeword
//! ids, process ids, canon spoilers, production technique, meta talk, draft markers.

use super::Finding;
use super::context::{Context, Field, List, Surface, finding};
use crate::artifact::Kind;
use crate::artifact::node::Node;

/// Words that tell how an asset was made rather than what the story is.
pub const TECHNIQUE: [&str; 14] = [
    "seed",
    "seeds",
    "seeded",
    "model",
    "models",
    "prompt",
    "prompts",
    "prompted",
    "llm",
    "gpt",
    "midjourney",
    "stable diffusion",
    "dall-e",
    "ai-generated",
];

/// Phrases that talk about the book instead of telling the story.
pub const META: [&str; 12] = [
    "click here",
    "click on",
    "click the link",
    "tap here",
    "turn to section",
    "turn to page",
    "turn to paragraph",
    "go to section",
    "go to page",
    "go to paragraph",
    "proceed to section",
    "flip to page",
];

/// Draft markers matched exactly (case-sensitive).
pub const DRAFT_EXACT: [&str; 6] = ["TODO", "TBD", "FIXME", "XXX", "Hub:", "PLACEHOLDER"];

/// Draft markers matched in any case.
pub const DRAFT_ANY: [&str; 3] = ["lorem ipsum", "[placeholder]", "placeholder text"];

/// Whether a codeword id reads as an id rather than an ordinary word (`ferry-token`,
/// `cw_3`, `mark7`). Single plain words (`key`) are ordinary prose and are not flagged.
pub fn looks_like_id(id: &str) -> bool {
    id.contains(['-', '_']) || id.chars().any(|c| c.is_ascii_digit())
}

/// Internal ids: `TU-2026-…`, `HK-2026…`, `GK-2026-…`, `Q-2026-…` (prefix + digit).
fn internal_ids(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for prefix in SHAPE_LITERALS {
        for (i, _) in text.match_indices(prefix) {
            let before_ok = text[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let after = &text[i + prefix.len()..];
            if before_ok && after.starts_with(|c: char| c.is_ascii_digit()) {
                let end = i
                    + prefix.len()
                    + after
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                        .unwrap_or(after.len());
                out.push((i, end));
            }
        }
    }
    out.sort();
    out
}

fn exact_markers(text: &str) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    for m in DRAFT_EXACT {
        for (i, _) in text.match_indices(m) {
            let before = text[..i].chars().next_back();
            let after = text[i + m.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
            if !word(before) && (m.ends_with(':') || !word(after)) {
                out.push((i, m));
            }
        }
    }
    out
}

/// What the bar matches on reader-facing text: every pattern (folded, whole-word or
/// not) with the check it belongs to, the codeword ids and the spoiler terms (with the
/// canon file declaring each).
pub struct Words {
    /// Patterns for [`super::text::Patterns`].
    pub patterns: Vec<(String, bool)>,
    kinds: Vec<(&'static str, usize)>,
    codewords: Vec<String>,
    spoilers: Vec<(String, String)>,
}

/// The bar's word list for a studio and its story.
pub fn words(studio: &crate::studio::Studio, story: &crate::story::Story) -> Words {
    let codewords: Vec<String> = super::context::codewords_of(studio, story)
        .into_iter()
        .filter(|c| looks_like_id(c))
        .collect();
    let mut spoilers: Vec<(String, String)> = Vec::new();
    for a in studio.of_kind(Kind::Canon) {
        for t in a
            .data
            .get("spoiler_terms")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            if let Some(term) = t.as_str().filter(|t| !t.trim().is_empty()) {
                spoilers.push((term.to_string(), a.path.clone()));
            }
        }
    }
    // One automaton for every pattern; `kinds` says which check each pattern belongs to.
    let mut pats: Vec<(String, bool)> = Vec::new();
    let mut kinds: Vec<(&'static str, usize)> = Vec::new();
    for (i, c) in codewords.iter().enumerate() {
        pats.push((c.clone(), true));
        kinds.push(("codeword", i));
    }
    for (i, (t, _)) in spoilers.iter().enumerate() {
        pats.push((t.clone(), true));
        kinds.push(("spoiler", i));
    }
    for (i, t) in TECHNIQUE.iter().enumerate() {
        pats.push((t.to_string(), true));
        kinds.push(("technique", i));
    }
    for (i, t) in META.iter().enumerate() {
        pats.push((t.to_string(), true));
        kinds.push(("meta", i));
    }
    for (i, t) in DRAFT_ANY.iter().enumerate() {
        pats.push((t.to_string(), !t.starts_with('[')));
        kinds.push(("draft", i));
    }
    // The literals the shape checks start from (internal id prefixes, exact draft
    // markers), folded, ride the same pass: a text without any of them has no shape
    // finding (folding lowercases them in place, and blanking link destinations cannot
    // make one: a destination is closed by `)`, `>` or a line break, never a letter).
    for (i, t) in SHAPE_LITERALS.iter().chain(&DRAFT_EXACT).enumerate() {
        pats.push((t.to_string(), false));
        kinds.push(("shape", i));
    }
    Words {
        patterns: pats,
        kinds,
        codewords,
        spoilers,
    }
}

/// Runs the bar.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let w = &cx.words.presentation;
    for (n, s) in cx.surfaces.iter().enumerate() {
        surface(s, cx.hits(List::Presentation, n), w, &mut out);
    }
    out
}

/// Internal id prefixes ([`internal_ids`]).
const SHAPE_LITERALS: [&str; 4] = ["TU-", "HK-", "GK-", "Q-"];

fn surface(
    s: &Surface<'_>,
    hits: impl Iterator<Item = super::text::Hit>,
    w: &Words,
    out: &mut Vec<Finding>,
) {
    let (kinds, codewords, spoilers) = (&w.kinds, &w.codewords, &w.spoilers);
    let mut meta_seen: Vec<(usize, usize)> = Vec::new();
    let mut shaped = false;
    for hit in hits {
        let (kind, i) = kinds[hit.pattern];
        if kind == "shape" {
            shaped = true;
            continue;
        }
        // A condition naming a codeword is the gateways bar's finding.
        if kind == "codeword" && s.field == Field::Condition {
            continue;
        }
        if kind == "meta" {
            // "click here" also contains "click": report one per place.
            if meta_seen.iter().any(|&(a, b)| hit.start < b && a < hit.end) {
                continue;
            }
            meta_seen.push((hit.start, hit.end));
        }
        out.push(hit_finding(
            s,
            kind,
            i,
            (hit.start, hit.end),
            codewords,
            spoilers,
        ));
    }
    if shaped {
        exact_findings(s, out);
    }
}

/// The finding for a word list's hit in a surface's text.
fn hit_finding(
    s: &Surface<'_>,
    kind: &str,
    i: usize,
    (a, b): (usize, usize),
    codewords: &[String],
    spoilers: &[(String, String)],
) -> Finding {
    let field = s.field.name();
    let line = s.line_at(a);
    let quote = |a: usize, b: usize| {
        s.text[a..b]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    match kind {
        "codeword" => finding(
            "presentation/codeword-leak",
            s.path,
            line,
            s.owner,
            format!("codeword id `{}` in the {field}", codewords[i]),
            if s.field == Field::Phrase {
                "write the phrase as the reader should read it".into()
            } else {
                "say it in the story's voice; codewords.yaml phrases are what readers see".into()
            },
        ),
        "spoiler" => finding(
            "presentation/spoiler-leak",
            s.path,
            line,
            s.owner,
            format!(
                "spoiler term \"{}\" (declared in {}) in the {field}",
                quote(a, b),
                spoilers[i].1
            ),
            "reword it; canon spoiler terms never reach readers".into(),
        ),
        "technique" => finding(
            "presentation/technique-leak",
            s.path,
            line,
            s.owner,
            format!("production word \"{}\" in the {field}", quote(a, b)),
            "describe the story, not how its assets were made".into(),
        ),
        "meta" => finding(
            "presentation/meta-directive",
            s.path,
            line,
            s.owner,
            format!(
                "\"{}\" talks about the book, not the story, in the {field}",
                quote(a, b)
            ),
            "let the choices do the navigating; the binder turns them into links".into(),
        ),
        _ => finding(
            "presentation/draft-marker",
            s.path,
            line,
            s.owner,
            format!("draft marker \"{}\" in the {field}", quote(a, b)),
            "finish the text".into(),
        ),
    }
}

/// What is found by shape rather than by word list: internal ids and exact draft
/// markers, outside link destinations.
fn exact_findings(s: &Surface<'_>, out: &mut Vec<Finding>) {
    let field = s.field.name();
    // Readers see link text, not link destinations.
    let masked;
    let visible = if matches!(s.field, Field::Prose | Field::CodexBody) {
        masked = super::prose::mask_destinations(s.text);
        &*masked
    } else {
        s.text
    };
    for (a, b) in internal_ids(visible) {
        out.push(finding(
            "presentation/internal-id-leak",
            s.path,
            s.line_at(a),
            s.owner,
            format!("internal id `{}` in the {field}", &s.text[a..b]),
            "process ids belong in briefs and trailers, not in the book".into(),
        ));
    }
    for (i, m) in exact_markers(visible) {
        out.push(finding(
            "presentation/draft-marker",
            s.path,
            s.line_at(i),
            s.owner,
            format!("draft marker \"{m}\" in the {field}"),
            "finish the text".into(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_ids_need_a_digit_after_the_prefix() {
        assert_eq!(internal_ids("see TU-2026-11-26-LW01 now").len(), 1);
        assert!(internal_ids("a TU-ish thing, GK-").is_empty());
        assert!(internal_ids("XTU-2026").is_empty());
    }

    #[test]
    fn exact_markers_are_case_sensitive_words() {
        assert_eq!(exact_markers("TODO: write").len(), 1);
        assert!(exact_markers("todo list, TODOS").is_empty());
        assert_eq!(exact_markers("Hub: the market").len(), 1);
    }
}
