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
        and_list(&["a".into(), "b".into(), "c".into()], "and"),
        "a, b and c"
    );
}

/// The language the first leaf on a page holding `needle` is tagged with, when it is
/// not its scope's.
fn lang_of(c: &Composed, needle: &str) -> Option<String> {
    c.pages
        .iter()
        .flat_map(|p| &p.items)
        .find_map(|i| match i {
            Item::Text {
                mark: Mark::Leaf(_),
                lang,
                runs,
                ..
            } if runs.iter().any(|r| r.text.contains(needle)) => Some(lang.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{needle:?} is on a page"))
}

/// The fixed parts (between `{slot}`s) of the print view's English words, long enough
/// not to occur by chance in other text.
fn english_fragments() -> Vec<String> {
    let en = crate::bind::words::for_language("en");
    let mut texts = crate::bind::words::strings(&en.paper);
    texts.extend(crate::bind::words::strings(&en.clauses));
    texts
        .iter()
        .flat_map(|t| t.split(['{', '}']).step_by(2).map(str::trim))
        .filter(|f| f.len() > 6)
        .map(str::to_string)
        .collect()
}

/// The sample's French edition as a book.
fn french_book() -> Book {
    let studio = sample_studio();
    let mut book = book_of(&studio);
    let fr = studio
        .editions
        .iter()
        .find(|e| e.language == "fr")
        .expect("the sample's French edition");
    crate::bind::edition::translate(&mut book, fr, &[]);
    assert_eq!(book.language, "fr");
    book
}

#[test]
fn a_french_edition_s_pdf_is_in_french_throughout() {
    let mut book = french_book();
    // Only what is translated: every word left is the edition's or the view's.
    book.sections.retain(|s| s.language.is_none());
    book.codex.retain(|e| e.language.is_none());
    let fonts = Fonts::load().expect("fonts");
    let print = Print::new(Paper::default(), 0, &book);
    let c = compose(&book, &print, None, &fonts).expect("laid out");
    let all = page_texts(&c).join("\n");
    for needle in [
        "Comment jouer",
        "commencez au paragraphe 1",
        "Votre feuille d’aventure",
        "Pièces dans votre bourse : vous commencez avec 3 ; de 0 à 12.",
        "Mots de code",
        "Cochez sur votre feuille : ",
        "rendez-vous au ",
        "Fin.",
        "Annexe : le codex",
        "Voir aussi : ",
    ] {
        assert!(all.contains(needle), "{needle:?} in:\n{all}");
    }
    for english in english_fragments() {
        assert!(!all.contains(&english), "{english:?} is English in:\n{all}");
    }
    // Every word is in the book's language: nothing is tagged apart.
    assert!(
        c.pages
            .iter()
            .flat_map(|p| &p.items)
            .all(|i| !matches!(i, Item::Text { lang: Some(_), .. }))
    );
}

#[test]
fn a_french_edition_s_untranslated_sections_are_english_and_its_view_words_french() {
    let book = french_book();
    let fonts = Fonts::load().expect("fonts");
    let print = Print::new(Paper::default(), 0, &book);
    let c = compose(&book, &print, None, &fonts).expect("laid out");
    let all = page_texts(&c).join("\n");
    assert_eq!(lang_of(&c, "Comment jouer"), None);
    // An untranslated section is a section in English ...
    let mut kinds = Vec::new();
    walk(&c.tree, &mut kinds);
    let langs: Vec<Option<String>> = kinds
        .into_iter()
        .filter_map(|k| match k {
            Kind::Sect(lang) => Some(lang.clone()),
            _ => None,
        })
        .collect();
    assert!(langs.contains(&Some("en".to_string())), "{langs:?}");
    assert!(langs.contains(&None), "{langs:?}");
    // ... whose own words need no tag, whose conditions open with its own "if" ...
    assert_eq!(lang_of(&c, "Read on through the silent hour"), None);
    assert!(
        all.contains("if you wedged the hammer of the tide clock"),
        "{all}"
    );
    assert!(!all.contains("si If"), "{all}");
    // ... and where the view's French words are tagged French.
    let tagged: Vec<&str> = c
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            Item::Text {
                lang: Some(l),
                runs,
                ..
            } if l == "fr" => Some(runs.iter().map(|r| r.text.as_str())),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(
        tagged.iter().any(|t| t.contains("rendez-vous au")),
        "{tagged:?}"
    );
    assert!(tagged.iter().all(|t| !t.contains("Read on")), "{tagged:?}");
    // Same story, same numbers as the source.
    assert_eq!(print.numbering, Numbering::for_book(&sample_book(), 0));
    render(&book, &print, 0, None).expect("the French book passes PDF/UA-1 validation");
}

#[test]
fn a_book_in_a_language_without_words_tags_the_view_s_english_ones() {
    let mut book = sample_book();
    book.language = "pt".into();
    let fonts = Fonts::load().expect("fonts");
    let print = Print::new(Paper::default(), 0, &book);
    let c = compose(&book, &print, None, &fonts).expect("laid out");
    assert_eq!(lang_of(&c, "How to play").as_deref(), Some("en"));
    assert_eq!(lang_of(&c, "Tick on your sheet").as_deref(), Some("en"));
    assert_eq!(lang_of(&c, "The end.").as_deref(), Some("en"));
    assert_eq!(lang_of(&c, "The Ninth Lamp"), None);
    render(&book, &print, 0, None).expect("passes PDF/UA-1 validation with two languages");
}
