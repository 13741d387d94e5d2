//! The HTML view: one self-contained file (CSS, images and sound inline), landmarks, a skip
//! link, every section an anchor, gated choices shown with their reader-facing condition,
//! the codex as a linked glossary, and an optional play mode (progressive enhancement,
//! no network) that tracks codewords and counters under opaque tokens — never their ids —
//! and keeps the game in the browser's history and in `localStorage` (keyed by the IFID,
//! stamped with the snapshot's tag and commit, both given to the template here).
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
use crate::story::counters::{Change, Need};

/// Markdown prose to sanitised HTML.
pub fn prose(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(markdown));
    ammonia::Builder::default()
        .link_rel(None)
        .clean(&html)
        .to_string()
}

/// A map value for the template from `(name, value)` pairs.
fn map<const N: usize>(fields: [(&'static str, tera::Value); N]) -> tera::Value {
    tera::Value::from(BTreeMap::from(fields))
}

/// Renders the book through the `book.html` template, straight into `out`.
///
/// The context is built as the template engine's own values (one copy of each
/// section's rendered prose, not a JSON tree converted into a second one), and the page
/// is written as it is rendered: for a large book the page itself (hundreds of
/// megabytes) is never held.
pub fn render_into(
    book: &Book,
    templates: &Templates,
    out: &mut dyn std::io::Write,
) -> Result<(), Error> {
    /// Keeps the first write error, so a full disk is reported as itself and not as
    /// a template that failed.
    struct Noting<'a> {
        out: &'a mut dyn std::io::Write,
        failed: Option<std::io::Error>,
    }
    impl std::io::Write for Noting<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.out.write(buf).inspect_err(|e| {
                self.failed
                    .get_or_insert_with(|| std::io::Error::new(e.kind(), e.to_string()));
            })
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.out.flush()
        }
    }
    let mut noting = Noting { out, failed: None };
    templates
        .render_to("book.html", &context(book), &mut noting)
        .map_err(|e| match noting.failed.take() {
            Some(source) => Error::Io {
                path: "book.html".into(),
                source,
            },
            None => e,
        })
}

/// Renders the book through the `book.html` template.
pub fn render(book: &Book, templates: &Templates) -> Result<String, Error> {
    let mut out = Vec::new();
    render_into(book, templates, &mut out)?;
    // The template engine writes what it renders from strings: the bytes are UTF-8.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The `book.html` template's context: `book` (with its IFID and snapshot commit, which
/// key and stamp the play mode's saves), `sections`, `codex`, `counters`, `codewords`
/// (token and reader-facing phrase) and `tool`.
fn context(book: &Book) -> tera::Context {
    use tera::Value;
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
    let tok = |ws: &[Mention]| -> Value {
        Value::from(
            ws.iter()
                .filter_map(|w| tokens.get(w.id.as_str()).map(String::as_str))
                .collect::<Vec<_>>()
                .join(" "),
        )
    };
    // Counters travel as opaque tokens too (n1, n2, … in declaration order), with
    // their reader-facing names; an undeclared one is left out (the gate reports it).
    let counter_tok: BTreeMap<&str, String> = book
        .counters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), format!("n{}", i + 1)))
        .collect();
    let changes = |cs: &[Change]| -> Value {
        Value::from(
            cs.iter()
                .filter_map(|c| {
                    let t = counter_tok.get(c.counter.as_str())?;
                    Some(format!("{t}:{}", c.written()))
                })
                .collect::<Vec<_>>()
                .join(" "),
        )
    };
    let needs = |ns: &[Need]| -> Value {
        Value::from(
            ns.iter()
                .filter_map(|n| {
                    let t = counter_tok.get(n.counter.as_str())?;
                    Some(format!("{t}{}{}", n.op.symbol(), n.value))
                })
                .collect::<Vec<_>>()
                .join(" "),
        )
    };
    let counters: Vec<Value> = book
        .counters
        .iter()
        .map(|c| {
            map([
                ("token", Value::from(counter_tok[c.id.as_str()].as_str())),
                ("name", Value::from(c.name.as_str())),
                ("min", Value::from(c.min)),
                ("max", Value::from(c.max)),
                ("start", Value::from(c.start)),
                ("item", Value::from(c.item)),
            ])
        })
        .collect();
    // The reader-facing phrase of each codeword the page carries, by token, for the
    // play mode to say what the reader gained (in token order, so the page is stable).
    let mut codewords: Vec<(usize, Value)> = tokens
        .iter()
        .filter_map(|(id, token)| {
            let phrase = book.phrases.get(*id)?;
            let n = token[1..].parse().unwrap_or(usize::MAX);
            Some((
                n,
                map([
                    ("token", Value::from(token.as_str())),
                    ("phrase", Value::from(phrase.as_str())),
                ]),
            ))
        })
        .collect();
    codewords.sort_by_key(|(n, _)| *n);
    let codewords: Vec<Value> = codewords.into_iter().map(|(_, v)| v).collect();
    let strings = |xs: &[String]| Value::from(xs.iter().map(String::as_str).collect::<Vec<_>>());
    // Pictures by section, looked up once each.
    let mut pictures: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for p in &book.pictures {
        pictures.entry(p.section.as_str()).or_default().push(map([
            (
                "src",
                Value::from(format!(
                    "data:{};base64,{}",
                    super::mime(&p.asset),
                    base64::engine::general_purpose::STANDARD.encode(&p.bytes)
                )),
            ),
            ("alt", Value::from(p.alt.as_str())),
            ("caption", Value::from(p.caption.as_str())),
        ]));
    }
    // Sounds by section: a player for what a browser can play (the file inline, as
    // the pictures are), and the transcript always.
    let mut sounds: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for x in &book.sounds {
        let src = x.media_type.starts_with("audio/").then(|| {
            format!(
                "data:{};base64,{}",
                x.media_type,
                base64::engine::general_purpose::STANDARD.encode(&x.bytes)
            )
        });
        sounds.entry(x.section.as_str()).or_default().push(map([
            ("id", Value::from(x.id.as_str())),
            ("src", Value::from(src)),
            ("type", Value::from(x.media_type)),
            ("caption", Value::from(x.caption.as_str())),
        ]));
    }
    let sections: Vec<Value> = book
        .sections
        .iter()
        .map(|s| {
            let choices: Vec<Value> = s
                .story
                .choices
                .iter()
                .map(|c| {
                    let gated = c.gated();
                    map([
                        ("label", Value::from(c.label.as_str())),
                        ("to", Value::from(c.to.as_str())),
                        ("gated", Value::from(gated)),
                        ("requires", tok(&c.requires)),
                        ("forbids", tok(&c.forbids)),
                        ("needs", needs(&c.needs)),
                        ("change", changes(&c.change)),
                        (
                            "condition",
                            Value::from(if gated { book.condition_of(c) } else { None }),
                        ),
                    ])
                })
                .collect();
            map([
                ("id", Value::from(s.story.id.as_str())),
                ("title", Value::from(s.story.title.as_str())),
                ("prose", Value::from(prose(&s.prose))),
                ("sets", tok(&s.story.sets)),
                ("change", changes(&s.story.change)),
                ("content_notes", strings(&s.story.content_notes)),
                (
                    "pictures",
                    Value::from(pictures.remove(s.story.id.as_str()).unwrap_or_default()),
                ),
                (
                    "sounds",
                    Value::from(sounds.remove(s.story.id.as_str()).unwrap_or_default()),
                ),
                ("choices", Value::from(choices)),
                ("lang", Value::from(s.language.as_deref())),
            ])
        })
        .collect();
    let titles: BTreeMap<&str, &str> = book
        .codex
        .iter()
        .map(|e| (e.id.as_str(), e.title.as_str()))
        .collect();
    let codex: Vec<Value> = book
        .codex
        .iter()
        .map(|e| {
            let see_also: Vec<Value> = e
                .see_also
                .iter()
                .filter_map(|id| titles.get_key_value(id.as_str()))
                .map(|(id, title)| map([("id", Value::from(*id)), ("title", Value::from(*title))]))
                .collect();
            map([
                ("id", Value::from(e.id.as_str())),
                ("title", Value::from(e.title.as_str())),
                ("body", Value::from(prose(&e.body))),
                ("see_also", Value::from(see_also)),
                ("lang", Value::from(e.language.as_deref())),
            ])
        })
        .collect();
    let mut cx = tera::Context::new();
    cx.insert(
        "book",
        &json!({
            "title": book.title, "author": book.author, "language": book.language, "license": book.license,
            "start": book.start, "tag": book.tag, "date": book.date, "content_notes": book.content_notes,
            "ifid": book.ifid, "commit": book.commit,
        }),
    );
    cx.insert_value("sections", Value::from(sections));
    cx.insert_value("codex", Value::from(codex));
    cx.insert_value("counters", Value::from(counters));
    cx.insert_value("codewords", Value::from(codewords));
    cx.insert("tool", crate::TOOL);
    let words = super::words::for_language(&book.language);
    cx.insert("words", words);
    // The player's messages, as a JavaScript object (our own words: JSON is JavaScript).
    cx.insert(
        "player",
        &serde_json::to_string(&words.player).unwrap_or_else(|_| "{}".to_string()),
    );
    cx
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
