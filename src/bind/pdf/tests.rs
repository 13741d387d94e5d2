//! The print view on the sample book: what the pages say, how the tree is built, and
//! the bytes.

use std::collections::BTreeMap;

use super::layout::{Item, Kind, Mark, Node};
use super::*;
use crate::bind::book::Stamp;
use crate::bind::numbering::{Numbering, edges_of, near_for};
use crate::story::Story;
use crate::studio::Studio;

fn sample_assets() -> BTreeMap<String, Vec<u8>> {
    crate::studio::sample::files()
        .into_iter()
        .filter(|(p, _)| p.starts_with("assets/"))
        .collect()
}

fn sample_studio() -> Studio {
    Studio::from_files(crate::studio::sample::files())
}

fn book_of(studio: &Studio) -> Book {
    let story = Story::build(studio);
    Book::build(
        studio,
        story,
        Stamp {
            tag: "cold-2026-11-26",
            commit: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            date: "2026-11-26",
        },
        true,
        &sample_assets(),
        true,
    )
    .with_sounds(studio, &sample_assets())
}

fn sample_book() -> Book {
    book_of(&sample_studio())
}

fn cover() -> Vec<u8> {
    sample_assets()
        .remove("assets/cover.svg")
        .expect("the sample's cover")
}

/// Every page's content text, as one string per page.
fn page_texts(c: &Composed) -> Vec<String> {
    super::layout::tests::texts(&c.pages)
        .into_iter()
        .map(|lines| lines.concat())
        .collect()
}

fn walk<'a>(nodes: &'a [Node], out: &mut Vec<&'a Kind>) {
    for n in nodes {
        if let Node::Group(k, children) = n {
            out.push(k);
            walk(children, out);
        }
    }
}

#[test]
fn the_sample_numbers_spread_every_choice_and_keep_the_start_first() {
    let book = sample_book();
    let at = book
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.story.id.as_str(), i))
        .collect();
    let edges = edges_of(&book, &at);
    assert!(edges.len() > 60, "{}", edges.len());
    let near = near_for(book.sections.len());
    assert_eq!(near, 5);
    for seed in 0..64 {
        let n = Numbering::for_book(&book, seed);
        assert_eq!(n.of(0), Some(1), "the start, dusk-bell, is 1");
        assert_eq!(book.sections[0].story.id, "dusk-bell");
        assert_eq!(n.too_near(&edges, near), 0, "seed {seed}");
        assert_eq!(n, Numbering::for_book(&book, seed));
    }
}

#[test]
fn the_sample_reads_as_a_numbered_gamebook_with_no_codeword_or_counter_id() {
    let book = sample_book();
    let fonts = Fonts::load().expect("fonts");
    let print = Print::new(Paper::default(), 0, &book);
    let cover = cover();
    let c = compose(&book, &print, Some(("assets/cover.svg", &cover)), &fonts).expect("laid out");
    let texts = page_texts(&c);
    let all = texts.join("\n");
    for needle in [
        "The Ninth Lamp",
        "How to play",
        "Your sheet",
        "Coins in your purse: you start with 3; it can be from 0 to 12.",
        "Codewords",
        "You carry the green book of names",
        "Tick on your sheet: ",
        "turn to ",
        "if Mother Greaves gave you a jar of her oil, turn to ",
        "The end.",
        "Appendix: the codex",
        "See also: ",
        "the Wicklights",
        "Sound: ",
        "Content notes",
        "Content notes: ",
    ] {
        assert!(all.contains(needle), "{needle:?} in the pages");
    }
    assert!(
        all.contains("lose 3 coins in your purse and turn to "),
        "a choice's cost"
    );
    for id in book.phrases.keys() {
        assert!(!all.contains(id.as_str()), "codeword id {id} shown");
    }
    for k in &book.counters {
        assert!(
            !all.contains(&format!("{} ", k.id)) || all.contains(&k.name),
            "counter id {}",
            k.id
        );
    }
    // Every section's number is a level-2 heading; figures carry their alt text.
    let mut kinds = Vec::new();
    walk(&c.tree, &mut kinds);
    let numbers: Vec<&str> = kinds
        .iter()
        .filter_map(|k| match k {
            Kind::H(2, t) if t.parse::<u32>().is_ok() => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let expected: Vec<String> = (1..=book.sections.len()).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);
    let figures: Vec<&str> = kinds
        .iter()
        .filter_map(|k| match k {
            Kind::Figure(alt) => Some(alt.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        figures.len(),
        2,
        "the cover and the one finished picture: {figures:?}"
    );
    assert!(figures.iter().all(|a| !a.trim().is_empty()));
    assert!(figures[1].starts_with("A tall iron lamp-post"));
    assert!(kinds.contains(&&Kind::Caption));
    // One destination per number, each on a page that exists.
    for n in 1..=book.sections.len() {
        let d = c
            .dests
            .iter()
            .find(|d| d.name == format!("section-{n}"))
            .expect("a destination");
        assert!(d.page < c.pages.len());
    }
    // Every link leads to a destination that exists.
    for link in c.pages.iter().flat_map(|p| &p.links) {
        assert!(
            c.dests.iter().any(|d| d.name == link.target.dest),
            "{:?}",
            link.target
        );
    }
}

#[test]
fn the_pdf_passes_krillas_pdf_ua_1_validation_and_binds_to_the_same_bytes() {
    let book = sample_book();
    let print = Print::new(Paper::default(), 0, &book);
    let cover = cover();
    let a = render(
        &book,
        &print,
        1_795_000_000,
        Some(("assets/cover.svg", &cover)),
    )
    .expect("krilla validates it as PDF/UA-1");
    let b = render(
        &book,
        &print,
        1_795_000_000,
        Some(("assets/cover.svg", &cover)),
    )
    .expect("again");
    assert!(a.starts_with(b"%PDF-1.7"));
    assert_eq!(a, b, "same book, same settings, same bytes");
    let other = render(
        &book,
        &Print::new(Paper::default(), 1, &book),
        1_795_000_000,
        Some(("assets/cover.svg", &cover)),
    )
    .expect("another seed");
    assert_ne!(a, other, "another seed, other numbers");
    let text = String::from_utf8_lossy(&a);
    assert!(
        text.contains("pdfuaid:part>1<") || text.contains("pdfuaid:part=\"1\""),
        "PDF/UA-1 claimed"
    );
    assert!(text.contains("/MarkInfo"), "tagged");
}

#[test]
fn a4_and_letter_pages_are_their_size() {
    let book = sample_book();
    let fonts = Fonts::load().expect("fonts");
    for (name, w, h) in [("a4", 595.28, 841.89), ("letter", 612.0, 792.0)] {
        let print = Print::new(Paper::parse(name).expect("paper"), 0, &book);
        let c = compose(&book, &print, None, &fonts).expect("laid out");
        assert!((c.geo.width - w).abs() < 0.01 && (c.geo.height - h).abs() < 0.01);
    }
}

#[test]
fn a_broken_svg_is_an_error_naming_its_asset() {
    let mut book = sample_book();
    let p = book.pictures.first_mut().expect("a picture");
    p.bytes = b"<svg this is not".to_vec();
    let print = Print::new(Paper::default(), 0, &book);
    let e = render(&book, &print, 0, None).expect_err("a broken picture");
    let message = e.to_string();
    assert!(message.contains("assets/ninth-lamp.svg"), "{message}");
    assert!(matches!(e, Error::Bind(BindError::Art { .. })));
}

#[test]
fn a_bad_paper_or_seed_names_studio_toml_and_its_line() {
    let book = sample_book();
    let table = |toml: &str| {
        crate::studio::config::Config::from_node(&crate::artifact::toml::parse(toml).expect("toml"))
            .print
    };
    let e = Print::from_config(
        &table("[studio]\ntitle = \"T\"\n\n[print]\npaper = \"a7\"\n"),
        &book,
    )
    .expect_err("a7 is not offered");
    assert!(
        e.to_string()
            .starts_with("studio.toml:5: `[print] paper = \"a7\"` is not a paper size"),
        "{e}"
    );
    let e = Print::from_config(&table("[print]\nseed = \"x\"\n"), &book).expect_err("not a number");
    assert_eq!(
        e.to_string(),
        "studio.toml:2: `[print] seed` must be a whole number"
    );
    let ok = Print::from_config(&table("[print]\npaper = \"150x230mm\"\nseed = 9\n"), &book)
        .expect("a size in millimetres");
    assert_eq!((ok.paper.name.as_str(), ok.seed), ("150x230mm", 9));
}

#[test]
fn conditions_read_as_clauses_for_paper() {
    assert_eq!(
        as_if("If Mother Greaves gave you a jar of her oil", "If"),
        "if Mother Greaves gave you a jar of her oil"
    );
    assert_eq!(
        as_if("You carry the green book of names.", "If"),
        "if you carry the green book of names"
    );
    assert_eq!(
        as_if("Nell Quarry owes you one crossing", "If"),
        "if Nell Quarry owes you one crossing"
    );
    assert_eq!(
        as_if("Si Nell vous doit une traversée", "Si"),
        "si Nell vous doit une traversée"
    );
    assert_eq!(
        and_list(&["a".into(), "b".into(), "c".into()]),
        "a, b and c"
    );
}

#[test]
fn a_french_edition_turns_to_in_french_and_marks_the_view_s_english_words() {
    let studio = sample_studio();
    let mut book = book_of(&studio);
    let fr = studio
        .editions
        .iter()
        .find(|e| e.language == "fr")
        .expect("the sample's French edition");
    crate::bind::edition::translate(&mut book, fr, &[]);
    assert_eq!(book.language, "fr");
    let fonts = Fonts::load().expect("fonts");
    let print = Print::new(Paper::default(), 0, &book);
    let c = compose(&book, &print, None, &fonts).expect("laid out");
    let all = page_texts(&c).join("\n");
    assert!(all.contains("rendez-vous au "), "the book's own 'turn to'");
    assert!(all.contains("Fin."), "the book's own 'The end.'");
    assert!(
        !all.contains("\u{2014} turn to ") && !all.contains(", turn to "),
        "no choice says 'turn to' in English"
    );
    // The view's English phrasing is marked as the view's own words (tagged `en`), the
    // book's text is not.
    let own_of = |needle: &str| {
        c.pages
            .iter()
            .flat_map(|p| &p.items)
            .find_map(|i| match i {
                Item::Text {
                    mark: Mark::Leaf(_),
                    own,
                    runs,
                    ..
                } if runs.iter().any(|r| r.text.contains(needle)) => Some(*own),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{needle:?} is on a page"))
    };
    assert!(own_of("How to play"));
    assert!(own_of("Tick on your sheet"));
    assert!(!own_of("Fin."));
    assert!(!own_of("rendez-vous au"));
    // Same story, same numbers as the source.
    assert_eq!(print.numbering, Numbering::for_book(&sample_book(), 0));
    render(&book, &print, 0, None).expect("the French book passes PDF/UA-1 validation");
}
