//! The HTML view: one self-contained file (CSS and images inline), landmarks, a skip
//! link, every section an anchor, gated choices shown with their reader-facing condition,
//! the codex as a linked glossary, and an optional play mode (progressive enhancement,
//! no network) that tracks codewords under opaque tokens — never their ids.
//!
//! Prose is rendered from Markdown and sanitised with ammonia; everything else goes
//! through the template with autoescaping on.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::json;

use super::book::Book;
use super::templates::Templates;
use crate::error::Error;
use crate::story::Mention;

/// Markdown prose to sanitised HTML.
pub fn prose(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(markdown));
    ammonia::Builder::default()
        .link_rel(None)
        .clean(&html)
        .to_string()
}

/// Renders the book through the `book.html` template.
pub fn render(book: &Book, templates: &Templates) -> Result<String, Error> {
    // Codewords travel as opaque tokens (c1, c2, …): the page never carries their ids.
    let mut tokens: BTreeMap<&str, String> = BTreeMap::new();
    for s in &book.sections {
        for w in s.story.sets.iter().chain(
            s.story
                .choices
                .iter()
                .flat_map(|c| c.requires.iter().chain(&c.forbids)),
        ) {
            let next = format!("c{}", tokens.len() + 1);
            tokens.entry(w.id.as_str()).or_insert(next);
        }
    }
    let tok = |ws: &[Mention]| {
        ws.iter()
            .filter_map(|w| tokens.get(w.id.as_str()).cloned())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let sections: Vec<serde_json::Value> = book
        .sections
        .iter()
        .map(|s| {
            json!({
                "id": s.story.id,
                "title": s.story.title,
                "prose": prose(&s.prose),
                "sets": tok(&s.story.sets),
                "content_notes": s.story.content_notes,
                "pictures": book.pictures.iter().filter(|p| p.section == s.story.id).map(|p| json!({
                    "src": format!("data:{};base64,{}", super::mime(&p.asset), base64::engine::general_purpose::STANDARD.encode(&p.bytes)),
                    "alt": p.alt,
                    "caption": p.caption,
                })).collect::<Vec<_>>(),
                "choices": s.story.choices.iter().map(|c| {
                    let gated = !c.requires.is_empty() || !c.forbids.is_empty();
                    json!({
                        "label": c.label,
                        "to": c.to,
                        "gated": gated,
                        "requires": tok(&c.requires),
                        "forbids": tok(&c.forbids),
                        "condition": if gated { book.condition_of(c) } else { None },
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let codex: Vec<serde_json::Value> = book
        .codex
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "title": e.title,
                "body": prose(&e.body),
                "see_also": e.see_also.iter().filter_map(|id| book.codex.iter().find(|x| &x.id == id))
                    .map(|x| json!({"id": x.id, "title": x.title})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut cx = tera::Context::new();
    cx.insert(
        "book",
        &json!({
            "title": book.title, "author": book.author, "language": book.language, "license": book.license,
            "start": book.start, "tag": book.tag, "date": book.date, "content_notes": book.content_notes,
        }),
    );
    cx.insert("sections", &sections);
    cx.insert("codex", &codex);
    cx.insert("tool", crate::TOOL);
    // The context holds its own copy: ours goes before the page is rendered (for a
    // large book the two copies and the page would be the bind's peak).
    drop(sections);
    drop(codex);
    templates.render("book.html", &cx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_sanitised() {
        let out = prose(
            "Hi <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) [ok](#dusk-bell)",
        );
        assert!(
            !out.contains("<script") && !out.contains("onerror") && !out.contains("javascript:"),
            "{out}"
        );
        assert!(out.contains("href=\"#dusk-bell\""), "{out}");
    }
}
