//! The EPUB 3 view, through `epub-builder` 0.8.2 (zip entries with fixed times): a nav
//! with `toc` and `landmarks`, `toc.ncx` for older readers, reading that starts at the
//! start section, an inline anchor at the top of every section besides its id (Kobo
//! follows links to those), a cover page, accessibility metadata, alt text on every
//! image, and every sound (an EPUB core audio type) behind `<audio controls>` with its
//! transcript beside it. Dates come from the snapshot tag and the identifier is a UUID
//! v5, so the same snapshot gives the same bytes.
//!
//! epub-builder 0.8.2 writes its package document without the book's language and its
//! navigation document from a fixed template (no language, no ARIA roles, landmarks
//! without names), and offers no way to replace either. So the EPUB it makes is
//! finished here, entry by entry: every other entry is copied as it was compressed,
//! `content.opf` gains `xml:lang` on its `package` element, and `nav.xhtml` is replaced
//! by the binder's own (`epub-nav.xhtml`, from the same list of documents) — each
//! written with the options and time of the entry it replaces.

use epub_builder::{
    EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, ZipLibrary,
};

use super::book::{Book, uuid_for};
use super::templates::Templates;
use super::xhtml::prose;
use crate::error::{BindError, Error};

const CSS: &str = "body { font-family: serif; line-height: 1.5; margin: 0 5%; }\n\
h1, h2, h3 { font-family: serif; line-height: 1.2; }\n\
.meta, .condition, figcaption { color: #555; }\n\
ul.choices { padding-left: 1.2em; }\n\
ul.choices li { margin: 0.4em 0; }\n\
.ending { font-style: italic; }\n\
figure { margin: 1em 0; }\n\
img { max-width: 100%; }\n\
.notes { border-left: 3px solid #7a3b0c; padding-left: 0.6em; }\n";

fn file_of(id: &str) -> String {
    format!("s-{id}.xhtml")
}

/// The EPUB 3 core media type a sound travels as, by its file's extension: MP3, AAC
/// in MP4, or Opus in Ogg. Any other file cannot be played in an EPUB without a
/// fallback resource; such a cue is given as its transcript alone.
fn core_audio(asset: &str) -> Option<&'static str> {
    match asset
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .as_str()
    {
        "mp3" => Some("audio/mpeg"),
        "m4a" | "mp4" => Some("audio/mp4"),
        "opus" => Some("audio/ogg; codecs=opus"),
        _ => None,
    }
}

/// An entry of the navigation document: where it goes and what it is called.
#[derive(serde::Serialize)]
struct NavEntry {
    href: String,
    title: String,
    /// Its landmark (`epub:type`), for the documents listed as landmarks.
    #[serde(skip_serializing_if = "Option::is_none")]
    landmark: Option<&'static str>,
}

fn err(e: epub_builder::Error) -> Error {
    BindError::Epub(e).into()
}

/// Renders the book; `time` is the snapshot tag's time (seconds since the epoch).
///
/// Long by design (one of the few): the package's parts in the order they are listed
/// (metadata, cover, navigation, chapters, codex), each added to the one builder.
pub fn render(
    book: &Book,
    time: i64,
    cover: Option<(&str, &[u8])>,
    templates: &Templates,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    render_into(book, time, cover, templates, &mut out)?;
    Ok(out)
}

/// [`render`] written into `out`. The builder holds the zip it makes in memory; it is
/// finished (see above) into a second buffer, written whole: at the end the EPUB is
/// held twice, briefly.
pub fn render_into(
    book: &Book,
    time: i64,
    cover: Option<(&str, &[u8])>,
    templates: &Templates,
    out: &mut dyn std::io::Write,
) -> Result<(), Error> {
    let lang = if book.language.is_empty() {
        "en"
    } else {
        book.language.as_str()
    };
    let anchor = |id: &str| -> Option<String> {
        if book.is_section(id) {
            Some(format!("{}#{id}", file_of(id)))
        } else if book.codex.iter().any(|e| e.id == id) {
            Some(format!("glossary.xhtml#{id}"))
        } else {
            None
        }
    };
    let sound = |x: &super::book::Sound| {
        core_audio(&x.asset).map(|media_type| {
            (
                format!(
                    "audio/{}",
                    x.asset.trim_start_matches("assets/").replace('/', "-")
                ),
                media_type,
            )
        })
    };
    let image = |p: &str| {
        book.pictures.iter().find(|x| x.asset == p).map(|x| {
            format!(
                "images/{}",
                x.asset.trim_start_matches("assets/").replace('/', "-")
            )
        })
    };

    let mut b = EpubBuilder::new(ZipLibrary::new().map_err(err)?).map_err(err)?;
    b.epub_version(EpubVersion::V30);
    b.set_title(book.title.clone());
    b.add_author(book.author.clone());
    b.set_lang(lang);
    if !book.license.is_empty() {
        b.set_license(book.license.clone());
    }
    b.set_generator(crate::TOOL);
    let when = chrono::DateTime::from_timestamp(time, 0).unwrap_or_default();
    b.set_modified_date(when);
    b.set_publication_date(when);
    let id = uuid_for(&format!(
        "showrunner-epub:{}\u{1f}{}",
        book.tag, book.commit
    ));
    b.set_uuid(uuid::Uuid::parse_str(&id).unwrap_or_default());
    let has_images = !book.pictures.is_empty() || cover.is_some();
    let has_sound = book.sounds.iter().any(|x| sound(x).is_some());
    let words = super::words::for_language(&book.language);
    let mut summary = String::from(words.accessibility_summary);
    if !book.sounds.is_empty() {
        summary.push_str(words.sound_summary);
    }
    let mut access = vec![
        ("schema:accessMode", "textual".to_string()),
        ("schema:accessModeSufficient", "textual".to_string()),
        (
            "schema:accessibilityFeature",
            "structuralNavigation".to_string(),
        ),
        ("schema:accessibilityFeature", "tableOfContents".to_string()),
        ("schema:accessibilityFeature", "readingOrder".to_string()),
        ("schema:accessibilityHazard", "none".to_string()),
        ("schema:accessibilitySummary", summary),
    ];
    if has_images {
        access.push(("schema:accessMode", "visual".to_string()));
        access.push(("schema:accessibilityFeature", "alternativeText".to_string()));
    }
    if has_sound {
        access.push(("schema:accessMode", "auditory".to_string()));
    }
    if !book.sounds.is_empty() {
        access.push(("schema:accessibilityFeature", "transcript".to_string()));
    }
    for (k, v) in access {
        b.add_metadata_opf(Box::new(MetadataOpfV3::new(k.to_string(), v)));
    }
    b.set_toc_name(words.contents);
    b.stylesheet(CSS.as_bytes()).map_err(err)?;
    // What the navigation document lists, in reading order, as the builder is given it.
    let mut nav: Vec<NavEntry> = Vec::new();
    let mut base = tera::Context::new();
    base.insert("lang", lang);
    base.insert("words", words);
    base.insert(
        "book",
        &serde_json::json!({
            "title": book.title, "author": book.author, "license": book.license, "tag": book.tag,
            "date": book.date, "content_notes": book.content_notes,
        }),
    );
    if let Some((path, bytes)) = cover {
        let name = format!("images/cover.{}", path.rsplit('.').next().unwrap_or("png"));
        b.add_cover_image(name.clone(), bytes, super::mime(path))
            .map_err(err)?;
        let mut cx = base.clone();
        cx.insert("src", &name);
        let xhtml = templates.render("epub-cover.xhtml", &cx)?;
        b.add_content(
            EpubContent::new("cover.xhtml", xhtml.as_bytes())
                .title(words.cover)
                .reftype(ReferenceType::Cover),
        )
        .map_err(err)?;
        nav.push(NavEntry {
            href: "cover.xhtml".into(),
            title: words.cover.into(),
            landmark: Some("cover"),
        });
    }
    for p in &book.pictures {
        if let Some(href) = image(&p.asset) {
            b.add_resource(href, p.bytes.as_slice(), super::mime(&p.asset))
                .map_err(err)?;
        }
    }
    // One file per sound asset, however many cues play it.
    let mut added = std::collections::BTreeSet::new();
    for x in &book.sounds {
        if let Some((href, media_type)) = sound(x)
            && added.insert(href.clone())
        {
            b.add_resource(href, x.bytes.as_slice(), media_type)
                .map_err(err)?;
        }
    }
    let mut cx = base.clone();
    cx.insert(
        "begin",
        &book
            .sections
            .first()
            .map(|f| format!("{}#{}", file_of(&f.story.id), f.story.id)),
    );
    let xhtml = templates.render("epub-title.xhtml", &cx)?;
    b.add_content(
        EpubContent::new("title.xhtml", xhtml.as_bytes())
            .title(words.title_page)
            .reftype(ReferenceType::TitlePage),
    )
    .map_err(err)?;
    nav.push(NavEntry {
        href: "title.xhtml".into(),
        title: words.title_page.into(),
        landmark: Some("titlepage"),
    });
    let progress = crate::progress::Progress::new(
        "writing the EPUB",
        Some(book.sections.len() as u64),
        "sections",
    );
    for (i, s) in book.sections.iter().enumerate() {
        progress.inc(1);
        let pictures: Vec<serde_json::Value> = book
            .pictures
            .iter()
            .filter(|p| p.section == s.story.id)
            .filter_map(|p| Some(serde_json::json!({"src": image(&p.asset)?, "alt": p.alt, "caption": p.caption})))
            .collect();
        let sounds: Vec<serde_json::Value> = book
            .sounds_in(&s.story.id)
            .map(|x| serde_json::json!({"src": sound(x).map(|(href, _)| href), "caption": x.caption}))
            .collect();
        let choices: Vec<serde_json::Value> = s
            .story
            .choices
            .iter()
            .map(|c| {
                let gated = !c.requires.is_empty() || !c.forbids.is_empty();
                serde_json::json!({
                    "label": c.label,
                    "href": anchor(&c.to),
                    "condition": if gated { book.condition_of(c) } else { None },
                })
            })
            .collect();
        let mut cx = base.clone();
        cx.insert(
            "s",
            &serde_json::json!({
                "id": s.story.id, "title": s.story.title, "content_notes": s.story.content_notes, "pictures": pictures,
                "sounds": sounds, "prose": prose(&s.prose, &anchor, &image), "choices": choices,
                "lang": s.language,
            }),
        );
        let xhtml = templates.render("epub-section.xhtml", &cx)?;
        let mut content =
            EpubContent::new(file_of(&s.story.id), xhtml.as_bytes()).title(s.story.title.clone());
        if i == 0 {
            content = content.reftype(ReferenceType::Text);
        }
        b.add_content(content).map_err(err)?;
        nav.push(NavEntry {
            href: file_of(&s.story.id),
            title: s.story.title.clone(),
            landmark: (i == 0).then_some("bodymatter"),
        });
    }
    if !book.codex.is_empty() {
        let entries: Vec<serde_json::Value> = book
            .codex
            .iter()
            .map(|e| serde_json::json!({"id": e.id, "title": e.title, "body": prose(&e.body, &anchor, &image), "lang": e.language}))
            .collect();
        let mut cx = base.clone();
        cx.insert("codex", &entries);
        let xhtml = templates.render("epub-glossary.xhtml", &cx)?;
        b.add_content(
            EpubContent::new("glossary.xhtml", xhtml.as_bytes())
                .title(words.glossary)
                .reftype(ReferenceType::Glossary),
        )
        .map_err(err)?;
        nav.push(NavEntry {
            href: "glossary.xhtml".into(),
            title: words.glossary.into(),
            landmark: Some("glossary"),
        });
    }
    let mut cx = base;
    cx.insert("title", words.contents);
    cx.insert("tool", crate::TOOL);
    cx.insert("toc", &nav);
    cx.insert(
        "landmarks",
        &nav.iter()
            .filter(|e| e.landmark.is_some())
            .collect::<Vec<_>>(),
    );
    let nav = templates.render("epub-nav.xhtml", &cx)?;
    let mut built = Vec::new();
    b.generate(&mut built).map_err(err)?;
    finish(&built, lang, &nav, out)
}

/// The builder's EPUB, finished into `out`: the package document with the book's
/// language, the binder's navigation document in place of the builder's, every other
/// entry copied as it was compressed.
fn finish(built: &[u8], lang: &str, nav: &str, out: &mut dyn std::io::Write) -> Result<(), Error> {
    use std::io::{Read as _, Write as _};
    let zipped = |msg: &str, cause: zip::result::ZipError| -> Error {
        err(epub_builder::Error::ZipErrorWithMessage {
            msg: format!("finishing the EPUB: {msg}"),
            cause,
        })
    };
    let io = |msg: &str, cause: std::io::Error| -> Error {
        err(epub_builder::Error::IoError {
            msg: format!("finishing the EPUB: {msg}"),
            cause,
        })
    };
    let mut from = zip::ZipArchive::new(std::io::Cursor::new(built))
        .map_err(|e| zipped("reading the built EPUB", e))?;
    let mut to = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(
        built.len() + nav.len(),
    )));
    to.set_comment("");
    for i in 0..from.len() {
        let name = from
            .name_for_index(i)
            .map(str::to_string)
            .unwrap_or_default();
        let replaced = match name.as_str() {
            "OEBPS/nav.xhtml" => Some(nav.as_bytes().to_vec()),
            "OEBPS/content.opf" => {
                let mut text = String::new();
                from.by_index(i)
                    .map_err(|e| zipped("reading content.opf", e))?
                    .read_to_string(&mut text)
                    .map_err(|e| io("reading content.opf", e))?;
                Some(with_package_lang(&text, lang).into_bytes())
            }
            _ => None,
        };
        match replaced {
            Some(bytes) => {
                let entry = from
                    .by_index_raw(i)
                    .map_err(|e| zipped("reading an entry", e))?;
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(entry.compression())
                    .last_modified_time(entry.last_modified().unwrap_or_default())
                    .unix_permissions(entry.unix_mode().unwrap_or(0o644));
                drop(entry);
                to.start_file(name.as_str(), options)
                    .map_err(|e| zipped("writing an entry", e))?;
                to.write_all(&bytes)
                    .map_err(|e| io("writing an entry", e))?;
            }
            None => {
                let entry = from
                    .by_index_raw(i)
                    .map_err(|e| zipped("reading an entry", e))?;
                to.raw_copy_file(entry)
                    .map_err(|e| zipped("copying an entry", e))?;
            }
        }
    }
    let done = to
        .finish()
        .map_err(|e| zipped("closing the zip", e))?
        .into_inner();
    out.write_all(&done).map_err(|e| io("writing the EPUB", e))
}

/// The package document with `xml:lang` on its `package` element (the language of its
/// text: title, creator, summary), as EPUB accessibility checkers ask.
fn with_package_lang(opf: &str, lang: &str) -> String {
    match opf.find("<package ") {
        Some(at)
            if !opf[at..]
                .split('>')
                .next()
                .unwrap_or("")
                .contains("xml:lang") =>
        {
            let at = at + "<package ".len();
            format!(
                "{}xml:lang=\"{}\" {}",
                &opf[..at],
                super::xhtml::escape_attr(lang),
                &opf[at..]
            )
        }
        _ => opf.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_document_gets_the_book_s_language_once() {
        let opf = "<?xml version=\"1.0\"?>\n<package version=\"3.0\" unique-identifier=\"x\">\n<metadata/>";
        let done = with_package_lang(opf, "pt-BR");
        assert!(
            done.contains("<package xml:lang=\"pt-BR\" version=\"3.0\""),
            "{done}"
        );
        assert_eq!(with_package_lang(&done, "en"), done, "never twice");
        assert_eq!(
            with_package_lang("<package version=\"3.0\">", "a\"b"),
            "<package xml:lang=\"a&quot;b\" version=\"3.0\">"
        );
    }

    #[test]
    fn only_epub_core_audio_types_are_played_in_the_epub() {
        assert_eq!(core_audio("assets/a/bell.mp3"), Some("audio/mpeg"));
        assert_eq!(core_audio("assets/bell.M4A"), Some("audio/mp4"));
        assert_eq!(
            core_audio("assets/bell.opus"),
            Some("audio/ogg; codecs=opus")
        );
        for other in [
            "assets/bell.wav",
            "assets/bell.flac",
            "assets/bell.ogg",
            "assets/bell",
        ] {
            assert_eq!(core_audio(other), None, "{other}");
        }
    }
}
