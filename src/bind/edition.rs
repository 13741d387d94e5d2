//! A book in another language: the source's book with a language edition's text laid
//! over it. The story is the source's (the gate has proved the edition keeps it); the
//! words are the edition's wherever it has them, and the source's, marked with the
//! source's language, where it has not translated yet.

use super::book::{Book, uuid_for};
use crate::artifact::Kind;
use crate::artifact::node::Node;
use crate::studio::Edition;

/// What an edition left to the source's words, and what it translates behind its source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Source files shown in the source's language.
    pub untranslated: Vec<String>,
    /// Translations whose source changed after them.
    pub stale: Vec<String>,
}

/// Lays `edition` over `book` (the source's book, in the source's language). Files in
/// `broken` (translations that no longer keep their source's story: stale ones the
/// source has moved away from) are left out, and their source's text shown.
pub fn translate(book: &mut Book, edition: &Edition, broken: &[String]) -> Coverage {
    let translation_of = |source: &str| {
        edition
            .translation_of(source)
            .filter(|a| !broken.contains(&a.path))
    };
    let source_language = std::mem::replace(&mut book.language, edition.language.clone());
    let mut cov = Coverage {
        stale: edition.stale.iter().map(|s| s.path.clone()).collect(),
        ..Coverage::default()
    };
    book.ifid = uuid_for(&format!(
        "showrunner-ifid:{}\u{1f}{}\u{1f}{}",
        book.title, book.author, edition.language
    ));
    if let Some(title) = edition.title() {
        book.title = title.to_string();
    }
    for s in &mut book.sections {
        let Some(a) = translation_of(&s.story.path) else {
            s.language = Some(source_language.clone());
            cov.untranslated.push(s.story.path.clone());
            continue;
        };
        let d = &a.data;
        if let Some(t) = d.str_at("title") {
            s.story.title = t.to_string();
        }
        s.prose = a
            .body
            .as_ref()
            .map(|b| b.text.trim().to_string())
            .unwrap_or_default();
        if let Some(notes) = d.get("content_notes").and_then(Node::as_seq) {
            s.story.content_notes = notes
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect();
        }
        let choices = d.get("choices").and_then(Node::as_seq).unwrap_or(&[]);
        for (c, t) in s.story.choices.iter_mut().zip(choices) {
            if let Some(label) = t.str_at("label") {
                c.label = label.to_string();
            }
            c.condition = t.str_at("condition").map(str::to_string);
        }
    }
    for e in &mut book.codex {
        let path = format!("codex/{}.md", e.id);
        let Some(a) = translation_of(&path) else {
            e.language = Some(source_language.clone());
            cov.untranslated.push(path);
            continue;
        };
        if let Some(t) = a.data.str_at("title") {
            e.title = t.to_string();
        }
        e.body = a
            .body
            .as_ref()
            .map(|b| b.text.trim().to_string())
            .unwrap_or_default();
    }
    book.codex
        .sort_by(|a, b| (a.title.to_lowercase(), &a.id).cmp(&(b.title.to_lowercase(), &b.id)));
    let entry = |kind: Kind, key: &str| -> Vec<(String, Node)> {
        edition
            .artifacts
            .iter()
            .filter(|a| a.kind == kind && !broken.contains(&a.path))
            .flat_map(|a| {
                a.data
                    .get(key)
                    .and_then(Node::as_map)
                    .unwrap_or(&[])
                    .to_vec()
            })
            .map(|e| (e.key, e.value))
            .collect()
    };
    let phrases = entry(Kind::Codewords, "codewords");
    for (id, phrase) in &mut book.phrases {
        match phrases
            .iter()
            .find(|(k, _)| k == id)
            .and_then(|(_, v)| v.str_at("phrase"))
        {
            Some(p) => *phrase = p.to_string(),
            None => cov.untranslated.push(format!("codewords.yaml ({id})")),
        }
    }
    let names = entry(Kind::Counters, "counters");
    for c in &mut book.counters {
        match names
            .iter()
            .find(|(k, _)| *k == c.id)
            .and_then(|(_, v)| v.str_at("name"))
        {
            Some(n) => c.name = n.to_string(),
            None => cov.untranslated.push(format!("counters.yaml ({})", c.id)),
        }
    }
    for p in &mut book.pictures {
        let path = format!("art/{}.yaml", p.id);
        let Some(a) = translation_of(&path) else {
            cov.untranslated.push(path);
            continue;
        };
        if let Some(c) = a.data.str_at("caption") {
            p.caption = c.to_string();
        }
        if let Some(alt) = a.data.str_at("alt") {
            p.alt = alt.to_string();
        }
    }
    for snd in &mut book.sounds {
        let path = format!("audio/{}.yaml", snd.id);
        let Some(a) = translation_of(&path) else {
            cov.untranslated.push(path);
            continue;
        };
        if let Some(c) = a.data.str_at("caption") {
            snd.caption = c.to_string();
        }
    }
    cov.untranslated.sort();
    cov
}
