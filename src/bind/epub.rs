//! The EPUB 3 view, through `epub-builder` 0.8.2 (zip entries with fixed times): a nav
//! with `toc` and `landmarks`, `toc.ncx` for older readers, reading that starts at the
//! start section, an inline anchor at the top of every section besides its id (Kobo
//! follows links to those), a cover page, accessibility metadata, and alt text on
//! every image. Dates come from the snapshot tag and the identifier is a UUID v5, so
//! the same snapshot gives the same bytes.

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

/// [`render`] written into `out` as it is made (a large book's EPUB is not held twice).
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
    let mut access = vec![
        ("schema:accessMode", "textual".to_string()),
        ("schema:accessModeSufficient", "textual".to_string()),
        ("schema:accessibilityFeature", "structuralNavigation".to_string()),
        ("schema:accessibilityFeature", "tableOfContents".to_string()),
        ("schema:accessibilityFeature", "readingOrder".to_string()),
        ("schema:accessibilityHazard", "none".to_string()),
        (
            "schema:accessibilitySummary",
            "An interactive gamebook: each section ends with links to the sections a reader may choose next; choices that depend on earlier events say so in words. Every image has a text alternative."
                .to_string(),
        ),
    ];
    if has_images {
        access.push(("schema:accessMode", "visual".to_string()));
        access.push(("schema:accessibilityFeature", "alternativeText".to_string()));
    }
    for (k, v) in access {
        b.add_metadata_opf(Box::new(MetadataOpfV3::new(k.to_string(), v)));
    }
    b.stylesheet(CSS.as_bytes()).map_err(err)?;
    let mut base = tera::Context::new();
    base.insert("lang", lang);
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
                .title("Cover")
                .reftype(ReferenceType::Cover),
        )
        .map_err(err)?;
    }
    for p in &book.pictures {
        if let Some(href) = image(&p.asset) {
            b.add_resource(href, p.bytes.as_slice(), super::mime(&p.asset))
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
            .title("Title page")
            .reftype(ReferenceType::TitlePage),
    )
    .map_err(err)?;
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
                "prose": prose(&s.prose, &anchor, &image), "choices": choices,
            }),
        );
        let xhtml = templates.render("epub-section.xhtml", &cx)?;
        let mut content =
            EpubContent::new(file_of(&s.story.id), xhtml.as_bytes()).title(s.story.title.clone());
        if i == 0 {
            content = content.reftype(ReferenceType::Text);
        }
        b.add_content(content).map_err(err)?;
    }
    if !book.codex.is_empty() {
        let entries: Vec<serde_json::Value> = book
            .codex
            .iter()
            .map(|e| serde_json::json!({"id": e.id, "title": e.title, "body": prose(&e.body, &anchor, &image)}))
            .collect();
        let mut cx = base.clone();
        cx.insert("codex", &entries);
        let xhtml = templates.render("epub-glossary.xhtml", &cx)?;
        b.add_content(
            EpubContent::new("glossary.xhtml", xhtml.as_bytes())
                .title("Glossary")
                .reftype(ReferenceType::Glossary),
        )
        .map_err(err)?;
    }
    b.generate(out).map_err(err)?;
    Ok(())
}
