//! The PDF view: the book as a numbered paper gamebook. A cover, a title page, a "How to
//! play" page with a sheet (each counter with its start, its range and a box to write
//! in; each codeword's phrase with a box to tick) and the content notes; then every
//! section under its print number (see [`numbering`](super::numbering)), its pictures,
//! prose and what happens there, its choices as "turn to N" lines that are also links;
//! the codex as an appendix. Readers see phrases and names, never a codeword or counter
//! id.
//!
//! Pure: a [`Book`] and the [`Print`] settings in, bytes out — tagged PDF (PDF/UA-1, as
//! krilla validates it) in reading order, with the title, language and outline, and
//! the same bytes for the same book and settings (the snapshot's time, never the clock).

mod emit;
mod fonts;
mod layout;
pub mod paper;
mod prose;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use self::emit::{Bookmark, Drawable, Meta};
use self::fonts::{Fonts, Style};
use self::layout::{Flow, Geometry, Kind, Languages, Setting, Span, Target};
use self::prose::Linked;
use super::book::Book;
use super::numbering::Numbering;
use super::words::{Clauses, Words, fill};
use crate::error::{BindError, Error};
use crate::story::Choice;
use crate::story::counters::{Change, Delta, Need};
use crate::studio::config::PrintTable;

pub use self::paper::Paper;

/// The print settings of a binding: the paper and every section's number.
#[derive(Clone, Debug)]
pub struct Print {
    /// The page size.
    pub paper: Paper,
    /// The numbering seed.
    pub seed: u64,
    /// Each section's number.
    pub numbering: Numbering,
}

impl Print {
    /// The settings `studio.toml`'s `[print]` table asks for, for this book; a paper
    /// that is not a size, or a seed that is not a whole number, is an error naming the
    /// line.
    pub fn from_config(table: &PrintTable, book: &Book) -> Result<Print, Error> {
        let (paper, seed) = Print::settings(table)?;
        Ok(Print::new(paper, seed, book))
    }

    /// The paper and seed `studio.toml`'s `[print]` table asks for (A5 and 0 where it is
    /// silent); a paper that is not a size, or a seed that is not a whole number, is an
    /// error naming the line.
    pub fn settings(table: &PrintTable) -> Result<(Paper, u64), Error> {
        let paper = match &table.paper {
            None => Paper::default(),
            Some(w) => match &w.value {
                Some(text) => Paper::parse(text).map_err(|why| BindError::Paper {
                    path: "studio.toml".into(),
                    line: w.line,
                    value: format!("{text:?}"),
                    why,
                })?,
                None => {
                    return Err(BindError::Paper {
                        path: "studio.toml".into(),
                        line: w.line,
                        value: "…".into(),
                        why: "it must be a string".into(),
                    }
                    .into());
                }
            },
        };
        let seed = match &table.seed {
            None => 0,
            Some(w) => match w.value {
                // Any whole number is a seed; a negative one is read as its bits.
                Some(n) => n as u64,
                None => {
                    return Err(BindError::Seed {
                        path: "studio.toml".into(),
                        line: w.line,
                    }
                    .into());
                }
            },
        };
        Ok((paper, seed))
    }

    /// Settings with a paper and a seed.
    pub fn new(paper: Paper, seed: u64, book: &Book) -> Print {
        Print {
            numbering: Numbering::for_book(book, seed),
            paper,
            seed,
        }
    }

    /// Number → the section's file, for the view log.
    pub fn numbers(&self, book: &Book) -> Vec<(u32, String)> {
        self.numbering
            .in_order()
            .iter()
            .enumerate()
            .filter_map(|(k, &pos)| {
                let s = book.sections.get(pos)?;
                Some((k as u32 + 1, format!("sections/{}.md", s.story.id)))
            })
            .collect()
    }
}

/// The named destination of a section's number.
fn section_dest(number: u32) -> String {
    format!("section-{number}")
}

/// The named destination of a codex entry.
fn codex_dest(id: &str) -> String {
    format!("codex-{id}")
}

/// A link to a numbered section; `word` is the book's "Turn to".
fn turn_to(number: u32, word: &str) -> Target {
    Target {
        dest: section_dest(number),
        alt: format!("{word} {number}"),
    }
}

/// A picture ready to draw, or what is wrong with it.
fn drawable(
    path: &str,
    bytes: &[u8],
    fonts: &Fonts,
    db: &mut Option<Arc<usvg::fontdb::Database>>,
) -> Result<Drawable, Error> {
    let art = |why: String| -> Error {
        BindError::Art {
            asset: path.to_string(),
            why,
        }
        .into()
    };
    let data = || krilla::Data::from(bytes.to_vec());
    match super::mime(path) {
        "image/svg+xml" => {
            let db = db
                .get_or_insert_with(|| {
                    let mut d = usvg::fontdb::Database::new();
                    for face in fonts.data() {
                        d.load_font_source(usvg::fontdb::Source::Binary(Arc::new(face)));
                    }
                    // Every generic family is the one face the book has.
                    let family = "Libertinus Serif";
                    d.set_serif_family(family);
                    d.set_sans_serif_family(family);
                    d.set_monospace_family(family);
                    d.set_cursive_family(family);
                    d.set_fantasy_family(family);
                    Arc::new(d)
                })
                .clone();
            let options = usvg::Options {
                font_family: "Libertinus Serif".into(),
                fontdb: db,
                // Nothing outside the snapshot: an SVG may not pull in files by path.
                image_href_resolver: usvg::ImageHrefResolver {
                    resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
                    resolve_string: Box::new(|_, _| None),
                },
                ..usvg::Options::default()
            };
            usvg::Tree::from_data(bytes, &options)
                .map(|t| Drawable::Svg(Box::new(t)))
                .map_err(|e| art(format!("it is not an SVG that can be read ({e})")))
        }
        "image/png" => krilla::image::Image::from_png(data(), false)
            .map(Drawable::Raster)
            .map_err(|e| art(format!("it is not a PNG that can be read ({e})"))),
        "image/jpeg" => krilla::image::Image::from_jpeg(data(), false)
            .map(Drawable::Raster)
            .map_err(|e| art(format!("it is not a JPEG that can be read ({e})"))),
        "image/gif" => krilla::image::Image::from_gif(data(), false)
            .map(Drawable::Raster)
            .map_err(|e| art(format!("it is not a GIF that can be read ({e})"))),
        "image/webp" => krilla::image::Image::from_webp(data(), false)
            .map(Drawable::Raster)
            .map_err(|e| art(format!("it is not a WebP image that can be read ({e})"))),
        _ => Err(art(
            "the PDF holds SVG, PNG, JPEG, GIF and WebP pictures".into()
        )),
    }
}

/// The first letter in lower case ("Turn to" → "turn to").
fn decap(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A reader-facing condition as a clause after a dash, opened by the book's word for
/// "if" ("if you carry the key", "si Nell vous doit…"): a condition that already opens
/// with it (or, in English, with "unless", "when" …) keeps its own opening in lower case;
/// an English one that opens with "You" reads "if you …"; any other is kept as written
/// after the word (a name stays capitalised).
fn as_if(text: &str, if_word: &str) -> String {
    let t = text.trim().trim_end_matches(['.', ',', ';', ':']).trim();
    let if_word = decap(if_word);
    let first = t.split_whitespace().next().unwrap_or("").to_lowercase();
    let english = if_word == "if";
    let opens = first == if_word
        || (english
            && matches!(
                first.as_str(),
                "unless" | "only" | "when" | "once" | "while"
            ));
    if opens {
        decap(t)
    } else if english && matches!(first.as_str(), "you" | "your") {
        format!("{if_word} {}", decap(t))
    } else {
        format!("{if_word} {t}")
    }
}

/// A counter test in the reader's words, as a clause.
fn need_clause(book: &Book, n: &Need, clauses: &Clauses) -> Option<String> {
    let k = book.counters.iter().find(|k| k.id == n.counter)?;
    Some(fill(
        clauses.have.of(n.op),
        &[("n", &n.value), ("name", &k.name)],
    ))
}

/// The condition of a gated choice, for paper, as spans: its `condition` (through
/// [`Book::condition_of`]) in the book's words, else its codewords' phrases, counter
/// tests and cost in readers' words; never an id. `content_if` is "if" in the
/// language of the section the choice is in (an untranslated one's is the source's).
fn paper_condition(book: &Book, c: &Choice, words: &Words, content_if: &str) -> Vec<Span> {
    let if_word = words.if_;
    if c.condition.as_ref().is_some_and(|t| !t.trim().is_empty()) {
        return book
            .condition_of(c)
            .map(|t| {
                vec![Span::new(
                    fonts::clean(&as_if(&t, content_if)),
                    Style::Regular,
                )]
            })
            .unwrap_or_default();
    }
    let mut parts: Vec<Span> = c
        .requires
        .iter()
        .filter_map(|w| book.phrases.get(&w.id))
        .map(|p| {
            let clause = as_if(p, if_word);
            let bare = clause
                .strip_prefix(&format!("{} ", decap(if_word)))
                .map(str::to_string)
                .unwrap_or(clause);
            Span::book(fonts::clean(&bare), Style::Regular)
        })
        .collect();
    parts.extend(
        c.needs
            .iter()
            .filter_map(|n| need_clause(book, n, &words.clauses))
            .map(|t| Span::own(fonts::clean(&t), Style::Regular)),
    );
    for ch in &c.change {
        if let (Some(cost), Some(k)) =
            (ch.cost(), book.counters.iter().find(|k| k.id == ch.counter))
        {
            parts.push(Span::own(
                fonts::clean(&fill(
                    words.clauses.can_pay,
                    &[("n", &cost), ("name", &k.name)],
                )),
                Style::Regular,
            ));
        }
    }
    if parts.is_empty() {
        return parts;
    }
    let mut out = vec![Span::own(format!("{} ", decap(if_word)), Style::Regular)];
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(Span::own(
                format!(" {} ", words.clauses.and),
                Style::Regular,
            ));
        }
        out.push(p);
    }
    out
}

/// What a change does, in the reader's words ("lose 3 coins", "add 1 to renown");
/// `None` for a counter the book does not declare.
fn change_text(book: &Book, ch: &Change, clauses: &Clauses) -> Option<String> {
    let k = book.counters.iter().find(|k| k.id == ch.counter)?;
    let name: &dyn std::fmt::Display = &k.name;
    Some(match ch.delta {
        Delta::Add(n) if n < 0 => fill(clauses.lose, &[("n", &n.unsigned_abs()), ("name", name)]),
        Delta::Add(n) => fill(clauses.add, &[("n", &n), ("name", name)]),
        Delta::Set(n) => fill(clauses.set, &[("n", &n), ("name", name)]),
    })
}

/// The first letter in upper case.
fn capital(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Joins clauses with the book's "and": "a", "a and b", "a, b and c".
fn and_list(items: &[String], and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {and} {last}", rest.join(", ")),
    }
}

/// The book laid out: pages, destinations, the structure tree, the outline and the
/// pictures they draw.
struct Composed {
    geo: Geometry,
    pages: Vec<layout::Page>,
    dests: Vec<layout::Dest>,
    tree: Vec<layout::Node>,
    outline: Vec<Bookmark>,
    pictures: Vec<Drawable>,
}

/// Renders the book.
pub fn render(
    book: &Book,
    print: &Print,
    time: i64,
    cover: Option<(&str, &[u8])>,
) -> Result<Vec<u8>, Error> {
    let fonts = Fonts::load()?;
    let c = compose(book, print, cover, &fonts)?;
    let words = super::words::for_language(&book.language);
    let meta = Meta {
        title: &book.title,
        author: &book.author,
        language: &book.language,
        description: fill(
            words.paper.description,
            &[("tag", &book.tag), ("date", &book.date)],
        ),
        time: (time != 0).then_some(time),
        id: super::book::uuid_for(&format!(
            "showrunner-pdf:{}\u{1f}{}\u{1f}{}\u{1f}{}",
            book.commit, book.tag, print.seed, print.paper.name
        )),
    };
    emit::emit(
        &fonts,
        &c.geo,
        &c.pages,
        &c.dests,
        c.tree,
        &c.outline,
        &c.pictures,
        &meta,
    )
}

/// Lays the book out.
fn compose(
    book: &Book,
    print: &Print,
    cover: Option<(&str, &[u8])>,
    fonts: &Fonts,
) -> Result<Composed, Error> {
    let geo = Geometry::for_page(print.paper.width, print.paper.height);
    let size = geo.size;
    let mut db = None;
    let mut pictures: Vec<Drawable> = Vec::new();
    let cover_picture = match cover {
        Some((path, bytes)) => {
            pictures.push(drawable(path, bytes, fonts, &mut db)?);
            Some(pictures.len() - 1)
        }
        None => None,
    };
    // Each section's pictures, in the order the book lists them.
    let mut by_section: HashMap<&str, Vec<(usize, &super::book::Picture)>> = HashMap::new();
    for p in &book.pictures {
        pictures.push(drawable(&p.asset, &p.bytes, fonts, &mut db)?);
        by_section
            .entry(p.section.as_str())
            .or_default()
            .push((pictures.len() - 1, p));
    }
    let numbers: HashMap<&str, u32> = book
        .sections
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((s.story.id.as_str(), print.numbering.of(i)?)))
        .collect();
    let codex_ids: std::collections::HashSet<&str> =
        book.codex.iter().map(|e| e.id.as_str()).collect();

    // The view's own words, in the book's language when the words table has it, else
    // in English, marked as such.
    let words = super::words::for_language(&book.language);
    let paper = &words.paper;
    let the_end = Span::own(words.the_end, Style::Italic);
    let turn_to_word = decap(words.turn_to);

    let mut flow = Flow::new(fonts, geo);
    flow.languages(Languages {
        view: words.lang.to_string(),
        book: book.language.clone(),
    });
    let mut outline: Vec<Bookmark> = Vec::new();
    let body = Setting::body(size);
    let small = Setting::body(size * 0.88);

    // Cover.
    if let Some(i) = cover_picture {
        let (w, h) = pictures[i].size();
        flow.destination("cover".into());
        let alt = if book.author.trim().is_empty() {
            fill(paper.cover_of_untitled, &[("title", &book.title)])
        } else {
            fill(
                paper.cover_of,
                &[("title", &book.title), ("author", &book.author)],
            )
        };
        flow.full_page_picture(i, w, h, &alt);
        outline.push(Bookmark {
            title: words.cover.into(),
            dest: "cover".into(),
            children: Vec::new(),
        });
        flow.blank_page();
    }

    // Title page.
    flow.destination("title".into());
    outline.push(Bookmark {
        title: book.title.clone(),
        dest: "title".into(),
        children: Vec::new(),
    });
    flow.down_to(geo.top + (geo.bottom - geo.top) * 0.22);
    flow.open(Kind::H(1, book.title.clone()));
    flow.paragraph(
        &[Span::new(fonts::clean(&book.title), Style::Bold)],
        Setting {
            size: size * 2.3,
            after: size * 1.2,
            ..body.centred()
        },
    );
    flow.close();
    let mut lines: Vec<(Vec<Span>, Setting)> = Vec::new();
    if !book.author.trim().is_empty() {
        lines.push((
            vec![
                Span::own(format!("{} ", words.by), Style::Italic),
                Span::new(fonts::clean(&book.author), Style::Italic),
            ],
            Setting {
                size: size * 1.25,
                after: size * 3.0,
                ..body.centred()
            },
        ));
    }
    lines.push((
        vec![Span::own(
            fill(paper.gamebook_in, &[("n", &book.sections.len())]),
            Style::Regular,
        )],
        body.centred(),
    ));
    lines.push((
        vec![Span::own(
            if book.date.is_empty() {
                fill(paper.snapshot, &[("tag", &book.tag)])
            } else {
                fill(
                    paper.snapshot_dated,
                    &[("tag", &book.tag), ("date", &book.date)],
                )
            },
            Style::Regular,
        )],
        small.centred(),
    ));
    if !book.license.trim().is_empty() {
        lines.push((
            vec![
                Span::own(paper.licence, Style::Regular),
                Span::new(fonts::clean(&book.license), Style::Regular),
            ],
            small.centred(),
        ));
    }
    for (spans, set) in lines {
        flow.open(Kind::P);
        flow.paragraph(&spans, set);
        flow.close();
    }

    // How to play, the sheet, the content notes.
    flow.blank_page();
    let first_folio = flow.page_index();
    flow.destination("how-to-play".into());
    outline.push(Bookmark {
        title: paper.how_to_play.into(),
        dest: "how-to-play".into(),
        children: Vec::new(),
    });
    let h2 = Setting {
        size: size * 1.45,
        before: size * 0.8,
        after: size * 0.6,
        keep: 2,
        ..body
    };
    let h3 = Setting {
        size: size * 1.15,
        before: size * 0.9,
        after: size * 0.4,
        keep: 2,
        ..body
    };
    let heading = |flow: &mut Flow<'_>, level: u16, text: &str, set: Setting| {
        flow.open(Kind::H(level, text.to_string()));
        flow.paragraph(&[Span::own(text, Style::Bold)], set);
        flow.close();
    };
    let para = |flow: &mut Flow<'_>, spans: Vec<Span>, set: Setting| {
        flow.open(Kind::P);
        flow.paragraph(&spans, set);
        flow.close();
    };
    heading(&mut flow, 2, paper.how_to_play, h2);
    para(
        &mut flow,
        vec![
            Span::own(paper.rules_open, Style::Regular),
            Span::own(paper.rules_begin, Style::Bold).to(&turn_to(1, words.turn_to)),
            Span::own(paper.rules_choices, Style::Regular),
            the_end.clone(),
            Span::own(paper.rules_ending, Style::Regular),
        ],
        body,
    );
    // Codewords: phrased ones by phrase; any a section sets without a phrase as marks.
    let mut ticks: BTreeMap<String, String> = BTreeMap::new();
    for (id, phrase) in &book.phrases {
        ticks.insert(id.clone(), fonts::clean(phrase));
    }
    let mut unphrased: Vec<&str> = book
        .sections
        .iter()
        .flat_map(|s| s.story.sets.iter().map(|m| m.id.as_str()))
        .filter(|id| !book.phrases.contains_key(*id))
        .collect();
    unphrased.sort_unstable();
    unphrased.dedup();
    for (k, id) in unphrased.iter().enumerate() {
        ticks.insert((*id).to_string(), fill(paper.mark, &[("n", &(k + 1))]));
    }
    if !book.counters.is_empty() || !ticks.is_empty() {
        para(
            &mut flow,
            vec![Span::own(paper.pencil, Style::Regular)],
            body,
        );
    }
    if !book.counters.is_empty() {
        heading(&mut flow, 3, paper.your_sheet, h3);
        let box_w = geo.measure() * 0.34;
        let leading = size * layout::LEADING;
        for k in &book.counters {
            let h = leading * 2.4;
            flow.need(h + size * 0.6);
            let top = flow.y();
            flow.open(Kind::P);
            flow.paragraph(
                &[
                    Span::new(capital(&fonts::clean(&k.name)), Style::Bold),
                    Span::own(
                        fill(
                            paper.counter_range,
                            &[("start", &k.start), ("min", &k.min), ("max", &k.max)],
                        ),
                        Style::Regular,
                    ),
                ],
                Setting {
                    after: 0.0,
                    ..body.indented(0.0, box_w + size)
                },
            );
            flow.close();
            flow.write_in_box(top, box_w, h);
            flow.set_y(top + h + size * 0.6);
        }
    }
    if !ticks.is_empty() {
        heading(&mut flow, 3, paper.codewords, h3);
        para(
            &mut flow,
            vec![Span::own(paper.tick_help, Style::Regular)],
            body,
        );
        let mut listed: Vec<&String> = ticks.values().collect();
        listed.sort_by_key(|p| p.to_lowercase());
        listed.dedup();
        flow.open(Kind::L(false));
        let indent = size * 2.0;
        for phrase in listed {
            flow.open(Kind::LI);
            flow.open(Kind::LBody);
            flow.need(size * layout::LEADING);
            flow.tick_box(indent, size);
            flow.open(Kind::P);
            flow.paragraph(
                &[Span::new(phrase.clone(), Style::Regular)],
                Setting {
                    after: size * 0.35,
                    ..body.indented(indent, 0.0)
                },
            );
            flow.close();
            flow.close();
            flow.close();
        }
        flow.close();
    }
    if !book.content_notes.is_empty() {
        flow.open(Kind::H(3, words.content_notes.to_string()));
        flow.paragraph(&[Span::own(words.content_notes, Style::Bold)], h3);
        flow.close();
        para(
            &mut flow,
            vec![
                Span::own(paper.touches_on, Style::Regular),
                Span::new(fonts::clean(&book.content_notes.join(", ")), Style::Regular),
                Span::own(".", Style::Regular),
            ],
            body,
        );
    }

    // The sections, by number.
    flow.blank_page();
    let mut section_marks = Vec::new();
    let section_links = |dest: &str| -> Linked {
        match dest.trim().strip_prefix('#') {
            Some(id) if book.is_section(id) => match numbers.get(id) {
                Some(&n) => Linked::To(turn_to(n, words.turn_to), format!(" ({turn_to_word} {n})")),
                None => Linked::Plain,
            },
            _ => Linked::Plain,
        }
    };
    let number_heading = Setting {
        size: size * 1.9,
        before: 0.0,
        after: size * 0.45,
        ..body.centred()
    };
    for (k, &pos) in print.numbering.in_order().iter().enumerate() {
        let number = k as u32 + 1;
        let Some(s) = book.sections.get(pos) else {
            continue;
        };
        // An untranslated section's own conditions open with its language's "if".
        let content_if =
            super::words::for_language(s.language.as_deref().unwrap_or(&book.language)).if_;
        flow.space(size * 1.6);
        // The number stays with the first picture and caption, or two lines of prose.
        let pictures_here = by_section.get(s.story.id.as_str());
        let first_picture = pictures_here
            .and_then(|ps| ps.first())
            .map(|(i, _)| {
                let (w, h) = pictures[*i].size();
                flow.picture_height(w, h) + size * layout::LEADING * 3.0
            })
            .unwrap_or(size * layout::LEADING * 2.0);
        flow.need(number_heading.size * layout::LEADING + first_picture);
        flow.destination(section_dest(number));
        flow.note_section(number);
        section_marks.push(Bookmark {
            title: number.to_string(),
            dest: section_dest(number),
            children: Vec::new(),
        });
        flow.open(Kind::Sect(s.language.clone()));
        flow.open(Kind::H(2, number.to_string()));
        flow.paragraph(
            &[Span::new(number.to_string(), Style::Bold)],
            number_heading,
        );
        flow.close();
        if !s.story.content_notes.is_empty() {
            para(
                &mut flow,
                vec![
                    Span::own(
                        format!("{}{}", words.content_notes, words.colon),
                        Style::Italic,
                    ),
                    Span::new(
                        fonts::clean(&s.story.content_notes.join(", ")),
                        Style::Italic,
                    ),
                    Span::own(".", Style::Italic),
                ],
                small.centred(),
            );
        }
        for (i, p) in pictures_here.into_iter().flatten() {
            let (w, h) = pictures[*i].size();
            let caption = fonts::clean(&p.caption);
            let below = if caption.trim().is_empty() {
                0.0
            } else {
                size * layout::LEADING * 2.0
            };
            flow.picture(*i, w, h, &fonts::clean(&p.alt), below);
            if !caption.trim().is_empty() {
                flow.open(Kind::Caption);
                flow.paragraph(
                    &[Span::new(caption, Style::Italic)],
                    Setting {
                        after: size * 0.9,
                        ..small.centred()
                    },
                );
                flow.close();
            }
        }
        // A sound cue is given as its transcript: paper cannot play it.
        for x in book.sounds_in(&s.story.id) {
            para(
                &mut flow,
                vec![
                    Span::own(format!("{}{}", words.sound, words.colon), Style::Italic),
                    Span::new(fonts::clean(&x.caption), Style::Italic),
                ],
                body,
            );
        }
        let blocks = prose::blocks(&s.prose, &section_links);
        prose::set_blocks(&mut flow, &blocks, body, 2);
        // What happens here: codewords to tick, counters that change.
        let mut happens: Vec<Vec<Span>> = Vec::new();
        for m in &s.story.sets {
            if let Some(label) = ticks.get(&m.id) {
                happens.push(vec![
                    Span::own(paper.tick_on_sheet, Style::Italic),
                    Span::book(label.clone(), Style::Regular),
                    Span::own(".", Style::Regular),
                ]);
            }
        }
        for ch in &s.story.change {
            if let Some(t) = change_text(book, ch, &words.clauses) {
                happens.push(vec![Span::own(
                    fonts::clean(&format!("{}.", capital(&t))),
                    Style::Italic,
                )]);
            }
        }
        for spans in happens {
            para(&mut flow, spans, body);
        }
        if s.story.choices.is_empty() {
            para(
                &mut flow,
                vec![the_end.clone()],
                Setting {
                    before: size * 0.4,
                    ..body.centred()
                },
            );
        } else {
            flow.open(Kind::L(false));
            for c in &s.story.choices {
                let Some(&n) = numbers.get(c.to.as_str()) else {
                    continue;
                };
                let target = turn_to(n, words.turn_to);
                // "Label — if <condition>, lose 3 coins and turn to 12."
                let mut spans = vec![
                    Span::new(fonts::clean(c.label.trim()), Style::Regular),
                    Span::own(" \u{2014} ", Style::Regular),
                ];
                if c.gated() {
                    let cond = paper_condition(book, c, words, content_if);
                    if !cond.is_empty() {
                        spans.extend(cond);
                        spans.push(Span::own(", ", Style::Regular));
                    }
                }
                let changes: Vec<String> = c
                    .change
                    .iter()
                    .filter_map(|ch| change_text(book, ch, &words.clauses))
                    .collect();
                if !changes.is_empty() {
                    spans.push(Span::own(
                        fonts::clean(&format!(
                            "{} {} ",
                            and_list(&changes, words.clauses.and),
                            words.clauses.and
                        )),
                        Style::Regular,
                    ));
                }
                spans.push(Span::own(format!("{turn_to_word} {n}."), Style::Regular));
                let spans: Vec<Span> = spans.into_iter().map(|sp| sp.to(&target)).collect();
                flow.open(Kind::LI);
                flow.hang_label("\u{2023}".into(), Style::Regular, size);
                flow.open(Kind::LBody);
                flow.open(Kind::P);
                flow.paragraph(
                    &spans,
                    Setting {
                        after: size * 0.3,
                        ..body.indented(size * 1.3, 0.0)
                    },
                );
                flow.close();
                flow.close();
                flow.close();
            }
            flow.close();
        }
        flow.close();
    }
    if let Some(first) = section_marks.first().map(|b| b.dest.clone()) {
        outline.push(Bookmark {
            title: paper.sections.into(),
            dest: first,
            children: section_marks,
        });
    }

    // The codex, as an appendix.
    if !book.codex.is_empty() {
        flow.blank_page();
        flow.destination("codex".into());
        heading(&mut flow, 2, paper.codex, h2);
        para(
            &mut flow,
            vec![Span::own(paper.codex_intro, Style::Italic)],
            body,
        );
        let codex_links = |dest: &str| -> Linked {
            match dest.trim().strip_prefix('#') {
                Some(id) if codex_ids.contains(id) => Linked::To(
                    Target {
                        dest: codex_dest(id),
                        alt: paper.codex_entry.into(),
                    },
                    String::new(),
                ),
                _ => Linked::Plain,
            }
        };
        let mut entries = Vec::new();
        for e in &book.codex {
            flow.need(h3.size * layout::LEADING * 3.0);
            flow.space(h3.before);
            flow.destination(codex_dest(&e.id));
            entries.push(Bookmark {
                title: e.title.clone(),
                dest: codex_dest(&e.id),
                children: Vec::new(),
            });
            flow.open(Kind::Sect(e.language.clone()));
            let title = fonts::clean(&e.title);
            flow.open(Kind::H(3, title.clone()));
            flow.paragraph(
                &[Span::new(title, Style::Bold)],
                Setting { before: 0.0, ..h3 },
            );
            flow.close();
            let blocks = prose::blocks(&e.body, &codex_links);
            prose::set_blocks(&mut flow, &blocks, body, 3);
            let see: Vec<&super::book::Entry> = e
                .see_also
                .iter()
                .filter_map(|id| book.codex.iter().find(|x| &x.id == id))
                .collect();
            if !see.is_empty() {
                let mut spans = vec![Span::own(
                    format!("{}{}", words.see_also, words.colon),
                    Style::Italic,
                )];
                for (i, x) in see.iter().enumerate() {
                    if i > 0 {
                        spans.push(Span::new(", ", Style::Regular));
                    }
                    spans.push(Span::link(
                        fonts::clean(&x.title),
                        Style::Regular,
                        &Target {
                            dest: codex_dest(&x.id),
                            alt: fill(paper.codex_entry_named, &[("title", &x.title)]),
                        },
                    ));
                }
                spans.push(Span::new(".", Style::Regular));
                para(&mut flow, spans, body);
            }
            flow.close();
        }
        outline.push(Bookmark {
            title: paper.codex.into(),
            dest: "codex".into(),
            children: entries,
        });
    }

    let (pages, dests, tree) = flow.finish(first_folio);
    Ok(Composed {
        geo,
        pages,
        dests,
        tree,
        outline,
        pictures,
    })
}

#[cfg(test)]
mod tests;
