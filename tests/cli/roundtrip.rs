//! Round trips are lossless: a studio bound to the Twee view and imported back binds to
//! the same book — every section's id, title, flags, codewords, counter changes and
//! choices (labels, targets, gates, counter tests and costs, conditions), the same
//! prose (as readers see it: the HTML it renders to), the same counters and the same
//! codex entries — over the sample and over generated studios of every profile.

use std::collections::BTreeMap;

use proptest::prelude::*;
use showrunner::bind::book::{Book, Stamp};
use showrunner::story::Story;
use showrunner::studio::Studio;

#[path = "../../benches/synth.rs"]
pub(crate) mod synth;

/// A book as a reader and a gatecheck see it, in comparable form.
fn said(book: &Book) -> Vec<String> {
    let words = |ms: &[showrunner::story::Mention]| {
        ms.iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let moves = |cs: &[showrunner::story::counters::Change]| {
        cs.iter()
            .map(|c| format!("{}{}", c.counter, c.written()))
            .collect::<Vec<_>>()
            .join(",")
    };
    let html = |md: &str| {
        showrunner::bind::html::prose(md)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out: Vec<String> = book
        .sections
        .iter()
        .map(|s| {
            let st = &s.story;
            let choices: Vec<String> = st
                .choices
                .iter()
                .map(|c| {
                    format!(
                        "[{} -> {} req {} forb {} needs {} change {} if {:?}]",
                        c.label,
                        c.to,
                        words(&c.requires),
                        words(&c.forbids),
                        c.needs
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(","),
                        moves(&c.change),
                        c.condition
                    )
                })
                .collect();
            format!(
                "{} {:?} flags {:?} sets {} change {} {}\n  {}",
                st.id,
                st.title,
                st.flag_names,
                words(&st.sets),
                moves(&st.change),
                choices.join(" "),
                html(&s.prose)
            )
        })
        .collect();
    for c in &book.counters {
        out.push(format!(
            "counter {} {:?} {}..={} start {} item {}",
            c.id, c.name, c.min, c.max, c.start, c.item
        ));
    }
    for e in &book.codex {
        out.push(format!(
            "codex {} {:?} see also {:?} {}",
            e.id,
            e.title,
            e.see_also,
            html(&e.body)
        ));
    }
    out
}

fn book_of(files: Vec<(String, Vec<u8>)>) -> Book {
    let studio = Studio::from_files(files);
    let story = Story::build(&studio);
    Book::build(
        &studio,
        story,
        Stamp {
            tag: "cold-2026-12-06",
            commit: "0000000",
            date: "2026-12-06",
        },
        true,
        &BTreeMap::new(),
        false,
    )
}

/// The studio bound to Twee and imported back, as files (its `studio.toml` kept).
fn through_twee(files: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    let book = book_of(files.to_vec());
    let twee = showrunner::bind::twee::render(&book);
    let passages = showrunner::import::twee::passages(&twee).expect("the view reads as Twee");
    let story = showrunner::import::twee::story(&passages).expect("the view imports");
    assert!(
        story.inferred.is_empty(),
        "the view declares its counters: {:?}",
        story.inferred
    );
    let mut out: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter(|(p, _)| p == "studio.toml")
        .cloned()
        .collect();
    out.extend(
        story
            .sections
            .iter()
            .map(|s| (s.story.path.clone(), s.render().into_bytes())),
    );
    out.extend(
        story
            .codex
            .iter()
            .map(|e| (e.path(), e.render().into_bytes())),
    );
    if !story.counters.is_empty() {
        out.push((
            "counters.yaml".into(),
            showrunner::import::counters_yaml(&story.counters).into_bytes(),
        ));
    }
    out
}

fn fixture_files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let root = std::path::Path::new(crate::harness::FIXTURES).join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(&root)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

/// The first difference, with a little context either side; `None` when the same.
fn difference(before: &[String], after: &[String]) -> Option<String> {
    for (a, b) in before.iter().zip(after) {
        if a != b {
            let at = a
                .char_indices()
                .zip(b.chars())
                .find(|((_, x), y)| x != y)
                .map_or(a.len().min(b.len()), |((i, _), _)| i);
            let from = a[..at].char_indices().rev().nth(60).map_or(0, |(i, _)| i);
            let cut = |s: &str| s[from.min(s.len())..].chars().take(160).collect::<String>();
            return Some(format!("before: …{}\nafter:  …{}", cut(a), cut(b)));
        }
    }
    (before.len() != after.len())
        .then(|| format!("{} lines before, {} after", before.len(), after.len()))
}

fn assert_same(before: &[String], after: &[String]) {
    if let Some(d) = difference(before, after) {
        panic!("{d}");
    }
}

#[test]
fn the_sample_round_trips_through_its_twee_view() {
    let files = fixture_files("sample");
    let before = said(&book_of(files.clone()));
    assert!(before.iter().any(|l| l.contains("change coins-3")));
    assert!(before.iter().any(|l| l.starts_with("codex ")));
    let after = said(&book_of(through_twee(&files)));
    assert_same(&before, &after);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Generated studios of every profile (the dense one's prose has typographic
    /// punctuation, accents and codex links; the counted one has all four kinds of
    /// counter) come back the same.
    #[test]
    fn generated_studios_round_trip_through_the_twee_view(
        seed in 1u64..10_000,
        n in 12usize..60,
        profile in 0usize..3,
    ) {
        let profile = [synth::Profile::Synthetic, synth::Profile::Dense, synth::Profile::Counted][profile];
        let files = synth::files_with(n, seed, profile);
        let before = said(&book_of(files.clone()));
        let after = said(&book_of(through_twee(&files)));
        prop_assert!(difference(&before, &after).is_none(), "{}", difference(&before, &after).unwrap_or_default());
    }
}
