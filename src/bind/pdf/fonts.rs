//! The print view's type: Libertinus Serif (regular, italic, bold, bold italic; SIL Open
//! Font License) embedded in the binary from `typst-assets`, and the one measure of a
//! text's width that both line breaking and drawing use — a glyph per character at the
//! font's own advance, so a line is exactly as wide as it was measured.

use skrifa::MetadataProvider as _;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::types::NameId;

use crate::error::{BindError, Error};

/// One of the four faces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Style {
    /// Roman.
    Regular,
    /// Italic.
    Italic,
    /// Bold.
    Bold,
    /// Bold italic.
    BoldItalic,
}

impl Style {
    /// The face with emphasis and strong emphasis added as asked.
    pub(crate) fn with(self, italic: bool, bold: bool) -> Style {
        let italic = italic || matches!(self, Style::Italic | Style::BoldItalic);
        let bold = bold || matches!(self, Style::Bold | Style::BoldItalic);
        match (italic, bold) {
            (false, false) => Style::Regular,
            (true, false) => Style::Italic,
            (false, true) => Style::Bold,
            (true, true) => Style::BoldItalic,
        }
    }

    fn index(self) -> usize {
        match self {
            Style::Regular => 0,
            Style::Italic => 1,
            Style::Bold => 2,
            Style::BoldItalic => 3,
        }
    }
}

/// The PostScript names of the four faces, in [`Style`] order.
const NAMES: [&str; 4] = [
    "LibertinusSerif-Regular",
    "LibertinusSerif-Italic",
    "LibertinusSerif-Bold",
    "LibertinusSerif-BoldItalic",
];

/// One face: its bytes for krilla, its character map and advances for measuring.
struct Face {
    data: &'static [u8],
    font: krilla::text::Font,
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: skrifa::metrics::GlyphMetrics<'static>,
    units_per_em: f32,
    /// Glyph and advance (in ems) of the characters below U+0250, looked up once.
    latin: Vec<Option<(u32, f32)>>,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        let font = skrifa::FontRef::new(data).ok()?;
        let units_per_em = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        if units_per_em <= 0.0 {
            return None;
        }
        let mut face = Face {
            data,
            font: krilla::text::Font::new(data.into(), 0)?,
            charmap: font.charmap(),
            metrics: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
            latin: Vec::new(),
        };
        face.latin = (0u32..0x250)
            .map(|c| char::from_u32(c).and_then(|c| face.lookup(c)))
            .collect();
        Some(face)
    }

    fn lookup(&self, c: char) -> Option<(u32, f32)> {
        let gid = self.charmap.map(c)?;
        if gid.to_u32() == 0 {
            return None;
        }
        let advance = self.metrics.advance_width(gid).unwrap_or(0.0) / self.units_per_em;
        Some((gid.to_u32(), advance))
    }

    fn glyph(&self, c: char) -> Option<(u32, f32)> {
        match self.latin.get(c as usize) {
            Some(known) => *known,
            None => self.lookup(c),
        }
    }
}

/// The four faces.
pub(crate) struct Fonts {
    faces: Vec<Face>,
}

/// A character the faces have no glyph for, drawn as the nearest one they have (the
/// text behind it stays the original, for copying and for screen readers).
fn stand_in(c: char) -> char {
    match c {
        c if c.is_whitespace() => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' => '"',
        _ => '?',
    }
}

impl Fonts {
    /// Loads the four embedded faces.
    pub(crate) fn load() -> Result<Fonts, Error> {
        let mut found: [Option<Face>; 4] = [None, None, None, None];
        for data in typst_assets::fonts() {
            let Ok(font) = skrifa::FontRef::new(data) else {
                continue;
            };
            let name: Option<String> = font
                .localized_strings(NameId::POSTSCRIPT_NAME)
                .english_or_first()
                .map(|s| s.chars().collect());
            if let Some(i) = NAMES.iter().position(|n| Some(*n) == name.as_deref()) {
                found[i] = Face::load(data);
            }
        }
        let mut faces = Vec::with_capacity(4);
        for (face, name) in found.into_iter().zip(NAMES) {
            faces.push(face.ok_or(BindError::Font { name })?);
        }
        Ok(Fonts { faces })
    }

    fn face(&self, style: Style) -> &Face {
        // `load` made all four.
        &self.faces[style.index()]
    }

    /// The four faces' font files.
    pub(crate) fn data(&self) -> impl Iterator<Item = &'static [u8]> + '_ {
        self.faces.iter().map(|f| f.data)
    }

    /// The krilla font of a face.
    pub(crate) fn font(&self, style: Style) -> krilla::text::Font {
        self.face(style).font.clone()
    }

    /// The glyph and advance (in ems) drawn for `c`: its own, else a stand-in's.
    pub(crate) fn glyph(&self, style: Style, c: char) -> (u32, f32) {
        let face = self.face(style);
        face.glyph(c)
            .or_else(|| face.glyph(stand_in(c)))
            .or_else(|| face.glyph('?'))
            .unwrap_or((0, 0.5))
    }

    /// The width of `text` in `style` at `size` points.
    pub(crate) fn width(&self, style: Style, size: f32, text: &str) -> f32 {
        text.chars().map(|c| self.glyph(style, c).1).sum::<f32>() * size
    }
}

/// Text as the faces can take it: characters no reader sees and that no glyph may stand
/// for (controls other than whitespace, soft hyphens, zero-width marks, byte-order
/// marks, noncharacters) left out, every whitespace a plain space.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            c if c.is_whitespace() => Some(' '),
            c if c.is_control() => None,
            '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' => None,
            '\u{fffe}' | '\u{ffff}' => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_libertinus_faces_load_and_measure() {
        let fonts = Fonts::load().expect("the embedded fonts");
        let regular = fonts.width(Style::Regular, 10.0, "The ninth lamp");
        let bold = fonts.width(Style::Bold, 10.0, "The ninth lamp");
        assert!(regular > 40.0 && regular < 80.0, "{regular}");
        assert!(bold > regular, "{bold} > {regular}");
        assert_eq!(fonts.width(Style::Italic, 10.0, ""), 0.0);
        // Typographic quotes and dashes have glyphs of their own.
        for c in [
            '\u{201c}', '\u{2019}', '\u{2014}', '\u{2022}', '\u{2610}', 'é',
        ] {
            assert_ne!(fonts.glyph(Style::Regular, c).0, 0, "{c}");
        }
        // A character with no glyph is drawn as a stand-in, never the .notdef glyph.
        assert_ne!(fonts.glyph(Style::Regular, '\u{1f600}').0, 0);
    }

    #[test]
    fn cleaning_leaves_out_what_no_glyph_may_show() {
        assert_eq!(clean("a\tb\u{ad}c\u{feff}d\u{7}e\u{200b}"), "a bcde");
    }
}
