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
use super::xhtml::{escape, prose};
use crate::error::Error;

const CSS: &str = "body { font-family: serif; line-height: 1.5; margin: 0 5%; }\n\
h1, h2, h3 { font-family: serif; line-height: 1.2; }\n\
.meta, .condition, figcaption { color: #555; }\n\
ul.choices { padding-left: 1.2em; }\n\
ul.choices li { margin: 0.4em 0; }\n\
.ending { font-style: italic; }\n\
figure { margin: 1em 0; }\n\
img { max-width: 100%; }\n\
.notes { border-left: 3px solid #7a3b0c; padding-left: 0.6em; }\n";

fn page(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{lang}\" lang=\"{lang}\">\n<head>\n<meta charset=\"UTF-8\"/>\n<title>{}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

fn file_of(id: &str) -> String {
    format!("s-{id}.xhtml")
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Usage(format!("internal: building the EPUB failed: {e}"))
}

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// Renders the book; `time` is the snapshot tag's time (seconds since the epoch).
pub fn render(book: &Book, time: i64, cover: Option<(&str, &[u8])>) -> Result<Vec<u8>, Error> {
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
    b.set_generator(crate::gate::report_file::tool());
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
    if let Some((path, bytes)) = cover {
        let name = format!("images/cover.{}", path.rsplit('.').next().unwrap_or("png"));
        b.add_cover_image(name.clone(), bytes, mime(path))
            .map_err(err)?;
        let body = format!(
            "<section epub:type=\"cover\" class=\"cover\">\n<img src=\"{}\" alt=\"{}\"/>\n</section>\n",
            escape(&name),
            escape(&format!("Cover of {} by {}", book.title, book.author))
        );
        b.add_content(
            EpubContent::new("cover.xhtml", page(lang, "Cover", &body).as_bytes())
                .title("Cover")
                .reftype(ReferenceType::Cover),
        )
        .map_err(err)?;
    }
    for p in &book.pictures {
        if let Some(href) = image(&p.asset) {
            b.add_resource(href, p.bytes.as_slice(), mime(&p.asset))
                .map_err(err)?;
        }
    }
    let mut title_body = format!(
        "<section epub:type=\"titlepage\">\n<h1>{}</h1>\n<p class=\"meta\">by {}</p>\n",
        escape(&book.title),
        escape(&book.author)
    );
    if !book.license.is_empty() {
        title_body.push_str(&format!(
            "<p class=\"meta\">Licence: {}</p>\n",
            escape(&book.license)
        ));
    }
    title_body.push_str(&format!(
        "<p class=\"meta\">Snapshot {} ({})</p>\n",
        escape(&book.tag),
        escape(&book.date)
    ));
    if !book.content_notes.is_empty() {
        title_body.push_str(&format!(
            "<p class=\"notes\">Content notes: {}</p>\n",
            escape(&book.content_notes.join(", "))
        ));
    }
    if let Some(first) = book.sections.first() {
        title_body.push_str(&format!(
            "<p><a href=\"{}#{}\">Begin the story</a></p>\n",
            file_of(&first.id),
            first.id
        ));
    }
    title_body.push_str("</section>\n");
    b.add_content(
        EpubContent::new(
            "title.xhtml",
            page(lang, &book.title, &title_body).as_bytes(),
        )
        .title("Title page")
        .reftype(ReferenceType::TitlePage),
    )
    .map_err(err)?;
    for (i, s) in book.sections.iter().enumerate() {
        let mut body = format!(
            "<a id=\"{id}\"></a>\n<section id=\"s-{id}\" epub:type=\"chapter\" aria-labelledby=\"h-{id}\">\n<h2 id=\"h-{id}\">{}</h2>\n",
            escape(&s.title),
            id = s.id
        );
        if !s.content_notes.is_empty() {
            body.push_str(&format!(
                "<p class=\"notes\">Content notes: {}</p>\n",
                escape(&s.content_notes.join(", "))
            ));
        }
        for p in book.pictures.iter().filter(|p| p.section == s.id) {
            if let Some(href) = image(&p.asset) {
                body.push_str(&format!(
                    "<figure>\n<img src=\"{}\" alt=\"{}\"/>\n<figcaption>{}</figcaption>\n</figure>\n",
                    escape(&href),
                    escape(&p.alt),
                    escape(&p.caption)
                ));
            }
        }
        body.push_str(&prose(&s.prose, &anchor, &image));
        if s.choices.is_empty() {
            body.push_str("<p class=\"ending\">The end.</p>\n");
        } else {
            body.push_str("<ul class=\"choices\">\n");
            for c in &s.choices {
                let gated = !c.requires.is_empty() || !c.forbids.is_empty();
                let link = match anchor(&c.to) {
                    Some(h) => format!("<a href=\"{}\">{}</a>", escape(&h), escape(&c.label)),
                    None => escape(&c.label),
                };
                match book.condition_of(c).filter(|_| gated) {
                    Some(cond) => body.push_str(&format!(
                        "<li>{link} <span class=\"condition\">({})</span></li>\n",
                        escape(&cond)
                    )),
                    None => body.push_str(&format!("<li>{link}</li>\n")),
                }
            }
            body.push_str("</ul>\n");
        }
        body.push_str("</section>\n");
        let xhtml = page(lang, &s.title, &body);
        let mut content = EpubContent::new(file_of(&s.id), xhtml.as_bytes()).title(s.title.clone());
        if i == 0 {
            content = content.reftype(ReferenceType::Text);
        }
        b.add_content(content).map_err(err)?;
    }
    if !book.codex.is_empty() {
        let mut body = String::from(
            "<section epub:type=\"glossary\" aria-labelledby=\"h-glossary\">\n<h2 id=\"h-glossary\">Glossary</h2>\n<dl>\n",
        );
        for e in &book.codex {
            body.push_str(&format!(
                "<dt id=\"{}\">{}</dt>\n<dd>{}</dd>\n",
                e.id,
                escape(&e.title),
                prose(&e.body, &anchor, &image)
            ));
        }
        body.push_str("</dl>\n</section>\n");
        b.add_content(
            EpubContent::new("glossary.xhtml", page(lang, "Glossary", &body).as_bytes())
                .title("Glossary")
                .reftype(ReferenceType::Glossary),
        )
        .map_err(err)?;
    }
    let mut out = Vec::new();
    b.generate(&mut out).map_err(err)?;
    Ok(out)
}
