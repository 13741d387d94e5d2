//! Drawing laid-out pages with krilla: text as glyphs of the embedded faces, pictures
//! (SVG through krilla-svg, raster images as they are), boxes and rules as artifacts,
//! links as tagged annotations to named destinations, then the structure tree, the
//! outline and the metadata, validated as PDF/UA-1 by krilla before a byte is returned.

use std::collections::BTreeMap;
use std::num::NonZeroU16;

use krilla::annotation::{Annotation, LinkAnnotation, Target as LinkTarget};
use krilla::configure::{Accessibility, ConfigurationBuilder, ValidationError};
use krilla::destination::{Destination, NamedDestination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, SpanTag, Tag, TagGroup, TagKind,
    TagTree,
};
use krilla::text::{GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use krilla_svg::{SurfaceExt as _, SvgSettings};

use super::fonts::Fonts;
use super::layout::{Dest, Geometry, Item, Kind, Mark, Node, Page, Run};
use crate::error::{BindError, Error};

/// A picture ready to draw.
pub(crate) enum Drawable {
    /// An SVG, parsed.
    Svg(Box<usvg::Tree>),
    /// A PNG, JPEG, GIF or WebP image.
    Raster(krilla::image::Image),
}

impl Drawable {
    /// Its natural size in points.
    pub(crate) fn size(&self) -> (f32, f32) {
        match self {
            Drawable::Svg(t) => (t.size().width(), t.size().height()),
            Drawable::Raster(i) => {
                let (w, h) = i.size();
                (w.max(1) as f32 * 0.75, h.max(1) as f32 * 0.75)
            }
        }
    }
}

/// An entry of the document outline (bookmarks).
#[derive(Clone, Debug)]
pub(crate) struct Bookmark {
    /// What it says.
    pub title: String,
    /// The named destination it opens.
    pub dest: String,
    /// Entries under it.
    pub children: Vec<Bookmark>,
}

/// The document's metadata.
pub(crate) struct Meta<'a> {
    /// Title.
    pub title: &'a str,
    /// Author.
    pub author: &'a str,
    /// BCP 47 language.
    pub language: &'a str,
    /// A line about it.
    pub description: String,
    /// The snapshot's time (seconds since the epoch), when known.
    pub time: Option<i64>,
    /// A stable identifier of this edition.
    pub id: String,
}

/// What krilla said, for the error.
fn krilla_error(e: &krilla::error::KrillaError) -> Error {
    use krilla::error::KrillaError;
    let message = match e {
        KrillaError::Validation(errors) => {
            let list: Vec<String> = errors.iter().map(|(v, _)| describe(v)).collect();
            format!("it does not pass PDF/UA-1: {}", list.join("; "))
        }
        other => format!("{other:?}"),
    };
    BindError::Pdf { message }.into()
}

fn describe(v: &ValidationError) -> String {
    match v {
        ValidationError::ContainsNotDefGlyph(_, _, text) => {
            format!("no glyph for {text:?}")
        }
        ValidationError::MissingAltText(_) => "a figure without alternate text".into(),
        ValidationError::MissingAnnotationAltText(_) => "a link without alternate text".into(),
        ValidationError::MissingHeadingTitle => "a heading without a title".into(),
        ValidationError::NoDocumentTitle => "no document title".into(),
        ValidationError::NoDocumentLanguage => "no document language".into(),
        ValidationError::MissingDocumentOutline => "no outline".into(),
        other => format!("{other:?}"),
    }
}

/// Draws the pages and writes the document.
#[allow(clippy::too_many_arguments)]
pub(crate) fn emit(
    fonts: &Fonts,
    geo: &Geometry,
    pages: &[Page],
    dests: &[Dest],
    tree: Vec<Node>,
    outline: &[Bookmark],
    pictures: &[Drawable],
    meta: &Meta<'_>,
) -> Result<Vec<u8>, Error> {
    let configuration = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| BindError::Pdf {
            message: format!("{e:?}"),
        })?;
    let settings = SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    let mut doc = Document::new_with(settings);
    // Destinations only point at pages that exist.
    let named: BTreeMap<&str, XyzDestination> = dests
        .iter()
        .filter(|d| d.page < pages.len())
        .map(|d| {
            (
                d.name.as_str(),
                XyzDestination::new(d.page, Point::from_xy(d.x, d.y)),
            )
        })
        .collect();
    let mut ids: BTreeMap<usize, Identifier> = BTreeMap::new();
    let page_settings =
        PageSettings::from_wh(geo.width, geo.height).ok_or_else(|| BindError::Pdf {
            message: format!("a page of {} × {} points", geo.width, geo.height),
        })?;
    for page in pages {
        let mut p = doc.start_page_with(page_settings.clone());
        {
            let mut s = p.surface();
            for item in &page.items {
                draw(&mut s, fonts, item, pictures, &mut ids);
            }
            s.finish();
        }
        for link in &page.links {
            let Some(xyz) = named.get(link.target.dest.as_str()) else {
                continue;
            };
            let (x, y, w, h) = link.rect;
            let Some(rect) = Rect::from_xywh(x, y, w, h) else {
                continue;
            };
            let target = LinkTarget::Destination(Destination::Named(NamedDestination::new(
                link.target.dest.clone(),
                xyz.clone(),
            )));
            let annotation = Annotation::new_link(
                LinkAnnotation::new(rect, target),
                Some(link.target.alt.clone()),
            );
            ids.insert(link.leaf, p.add_tagged_annotation(annotation));
        }
        p.finish();
    }
    for (name, xyz) in &named {
        // Same name, same place: registering twice is harmless.
        let _ =
            doc.register_named_destination(NamedDestination::new((*name).to_string(), xyz.clone()));
    }
    let mut out = Outline::new();
    for b in outline {
        if let Some(node) = bookmark(b, &named) {
            out.push_child(node);
        }
    }
    doc.set_outline(out);
    let mut tags = TagTree::new().with_lang(Some(meta.language.to_string()));
    for node in tree {
        if let Some(n) = tag_node(node, &mut ids) {
            tags.push(n);
        }
    }
    doc.set_tag_tree(tags);
    let mut metadata = Metadata::new()
        .title(meta.title.to_string())
        .authors(vec![meta.author.to_string()])
        .language(meta.language.to_string())
        .description(meta.description.clone())
        .creator(format!("showrunner {}", env!("CARGO_PKG_VERSION")))
        .document_id(meta.id.clone());
    if let Some(when) = meta.time.and_then(date_time) {
        metadata = metadata.creation_date(when);
    }
    doc.set_metadata(metadata);
    doc.finish().map_err(|e| krilla_error(&e))
}

/// The snapshot's time as a PDF date (UTC).
fn date_time(time: i64) -> Option<DateTime> {
    use chrono::{Datelike as _, Timelike as _};
    let t = chrono::DateTime::from_timestamp(time, 0)?;
    let year = u16::try_from(t.year()).ok()?;
    Some(
        DateTime::new(year)
            .month(t.month() as u8)
            .day(t.day() as u8)
            .hour(t.hour() as u8)
            .minute(t.minute() as u8)
            .second(t.second() as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0),
    )
}

fn bookmark(b: &Bookmark, named: &BTreeMap<&str, XyzDestination>) -> Option<OutlineNode> {
    let xyz = named.get(b.dest.as_str())?;
    let mut node = OutlineNode::new(b.title.clone(), xyz.clone());
    for c in &b.children {
        if let Some(child) = bookmark(c, named) {
            node.push_child(child);
        }
    }
    Some(node)
}

fn tag_of(kind: Kind) -> TagKind {
    match kind {
        Kind::Sect(lang) => TagKind::from(Tag::Section).with_lang(lang),
        Kind::H(level, title) => Tag::Hn(
            NonZeroU16::new(level.max(1)).unwrap_or(NonZeroU16::MIN),
            Some(title),
        )
        .into(),
        Kind::P => Tag::P.into(),
        Kind::Caption => Tag::Caption.into(),
        Kind::L(true) => Tag::L(ListNumbering::Decimal).into(),
        Kind::L(false) => Tag::L(ListNumbering::Disc).into(),
        Kind::LI => Tag::LI.into(),
        Kind::Lbl => Tag::Lbl.into(),
        Kind::LBody => Tag::LBody.into(),
        Kind::Quote => Tag::BlockQuote.into(),
        Kind::Figure(alt) => Tag::Figure(Some(alt)).into(),
        Kind::Link => Tag::Link.into(),
    }
}

/// A layout node as a krilla tag node; leaves never drawn, and groups left empty, drop
/// out.
fn tag_node(node: Node, ids: &mut BTreeMap<usize, Identifier>) -> Option<krilla::tagging::Node> {
    match node {
        Node::Content(l) | Node::Annot(l) => ids.remove(&l).map(Into::into),
        Node::Group(kind, children) => {
            let children: Vec<krilla::tagging::Node> = children
                .into_iter()
                .filter_map(|c| tag_node(c, ids))
                .collect();
            if children.is_empty() {
                return None;
            }
            Some(TagGroup::with_children(tag_of(kind), children).into())
        }
    }
}

fn draw(
    s: &mut Surface<'_>,
    fonts: &Fonts,
    item: &Item,
    pictures: &[Drawable],
    ids: &mut BTreeMap<usize, Identifier>,
) {
    let artifact = |kind| ContentTag::Artifact(Artifact::with_kind(kind));
    match item {
        Item::Text {
            mark,
            lang,
            baseline,
            runs,
        } => {
            let tag = match mark {
                Mark::Leaf(_) => ContentTag::Span(SpanTag::empty().with_lang(lang.as_deref())),
                Mark::Header => artifact(ArtifactType::Header),
                Mark::Footer => artifact(ArtifactType::Footer),
                Mark::Decoration => artifact(ArtifactType::Layout),
            };
            let id = s.start_tagged(tag);
            for run in runs {
                text(s, fonts, run, *baseline);
            }
            s.end_tagged();
            if let Mark::Leaf(l) = mark {
                ids.insert(*l, id);
            }
        }
        Item::Picture {
            mark,
            x,
            y,
            w,
            h,
            picture,
        } => {
            let (Some(drawable), Some(size)) = (pictures.get(*picture), Size::from_wh(*w, *h))
            else {
                return;
            };
            let tag = match mark {
                Mark::Leaf(_) => ContentTag::Span(SpanTag::empty()),
                _ => artifact(ArtifactType::Other),
            };
            let id = s.start_tagged(tag);
            s.push_transform(&Transform::from_translate(*x, *y));
            match drawable {
                Drawable::Svg(tree) => {
                    let _ = s.draw_svg(tree, size, SvgSettings::default());
                }
                Drawable::Raster(image) => s.draw_image(image.clone(), size),
            }
            s.pop();
            s.end_tagged();
            if let Mark::Leaf(l) = mark {
                ids.insert(*l, id);
            }
        }
        Item::Frame { x, y, w, h } => {
            let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                return;
            };
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            stroke(s, pb);
        }
        Item::Rule { x, x2, y } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x, *y);
            pb.line_to(*x2, *y);
            stroke(s, pb);
        }
    }
}

/// Strokes a path thinly, as decoration.
fn stroke(s: &mut Surface<'_>, pb: PathBuilder) {
    let Some(path) = pb.finish() else {
        return;
    };
    s.start_tagged(ContentTag::Artifact(Artifact::with_kind(
        ArtifactType::Layout,
    )));
    s.set_fill(None);
    s.set_stroke(Some(Stroke {
        width: 0.7,
        ..Stroke::default()
    }));
    s.draw_path(&path);
    s.set_stroke(None);
    s.set_fill(Some(krilla::paint::Fill::default()));
    s.end_tagged();
}

/// Draws a run: one glyph a character, at the advances it was measured with.
fn text(s: &mut Surface<'_>, fonts: &Fonts, run: &Run, baseline: f32) {
    let glyphs: Vec<KrillaGlyph> = run
        .text
        .char_indices()
        .map(|(i, c)| {
            let (gid, advance) = fonts.glyph(run.style, c);
            KrillaGlyph::new(
                GlyphId::new(gid),
                advance,
                0.0,
                0.0,
                0.0,
                i..i + c.len_utf8(),
                None,
            )
        })
        .collect();
    if glyphs.is_empty() {
        return;
    }
    s.draw_glyphs(
        Point::from_xy(run.x, baseline),
        &glyphs,
        fonts.font(run.style),
        &run.text,
        run.size,
        false,
    );
}
