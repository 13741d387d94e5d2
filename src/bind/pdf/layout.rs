//! Setting type for the print view: words measured with the embedded faces and filled
//! greedily into ragged-right lines, lines stacked into pages (no orphan or widow line
//! left alone at a page's foot or head, headings kept with what follows), and the
//! structure tree built in reading order as the content is placed.
//!
//! Pure: spans and pictures' sizes in, pages of positioned items and a tree of leaves
//! out. Drawing them is `emit`'s.

use super::fonts::{Fonts, Style};

/// Line height as a multiple of the type size.
pub(crate) const LEADING: f32 = 1.38;

/// A piece of inline text in one face, perhaps a link.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Span {
    /// The text (a `\n` is a forced line break).
    pub text: String,
    /// Its face.
    pub style: Style,
    /// Where it leads, when it is a link.
    pub link: Option<Target>,
    /// Whose words these are, and so in which language.
    pub voice: Voice,
}

/// Whose words a span holds; each voice has its language, and a span is tagged with its
/// own where that is not its scope's (the book's, or an untranslated section's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Voice {
    /// The text of the scope it is in: the book's, or an untranslated section's.
    #[default]
    Content,
    /// The view's own words ("turn to", "How to play"), in the words table's language.
    View,
    /// The book's text wherever it stands (a codeword's phrase in an untranslated
    /// section).
    Book,
}

impl Span {
    /// The book's text in a face.
    pub(crate) fn new(text: impl Into<String>, style: Style) -> Span {
        Span {
            text: text.into(),
            style,
            link: None,
            voice: Voice::Content,
        }
    }

    /// The view's own words in a face.
    pub(crate) fn own(text: impl Into<String>, style: Style) -> Span {
        Span {
            voice: Voice::View,
            ..Span::new(text, style)
        }
    }

    /// The book's text in a face, in the book's language even inside a section in
    /// another.
    pub(crate) fn book(text: impl Into<String>, style: Style) -> Span {
        Span {
            voice: Voice::Book,
            ..Span::new(text, style)
        }
    }

    /// The same text, leading to a destination.
    pub(crate) fn to(self, target: &Target) -> Span {
        Span {
            link: Some(target.clone()),
            ..self
        }
    }

    /// The book's text that leads to a destination.
    pub(crate) fn link(text: impl Into<String>, style: Style, target: &Target) -> Span {
        Span::new(text, style).to(target)
    }
}

/// A link's destination (a named destination of the document) and what a screen reader
/// says of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    /// The named destination.
    pub dest: String,
    /// The annotation's alternate text.
    pub alt: String,
}

/// How a paragraph's lines sit between its margins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    /// Ragged right.
    Left,
    /// Centred.
    Center,
}

/// How a paragraph is set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Setting {
    /// Type size, points.
    pub size: f32,
    /// Alignment.
    pub align: Align,
    /// Indent from the left margin.
    pub left: f32,
    /// Indent from the right margin.
    pub right: f32,
    /// Space above (dropped at the head of a page).
    pub before: f32,
    /// Space below.
    pub after: f32,
    /// Lines of what follows to keep on the same page (headings).
    pub keep: usize,
}

impl Setting {
    /// Body text at `size`.
    pub(crate) fn body(size: f32) -> Setting {
        Setting {
            size,
            align: Align::Left,
            left: 0.0,
            right: 0.0,
            before: 0.0,
            after: size * 0.55,
            keep: 0,
        }
    }

    /// The same, centred.
    pub(crate) fn centred(self) -> Setting {
        Setting {
            align: Align::Center,
            ..self
        }
    }

    /// The same, indented on both sides.
    pub(crate) fn indented(self, left: f32, right: f32) -> Setting {
        Setting {
            left: self.left + left,
            right: self.right + right,
            ..self
        }
    }

    fn leading(&self) -> f32 {
        self.size * LEADING
    }
}

/// A structure element of the tagged PDF.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    /// A section of the book, with its language when it is not the book's (an
    /// untranslated section of an edition).
    Sect(Option<String>),
    /// A heading of a level, with its text as its title.
    H(u16, String),
    /// A paragraph.
    P,
    /// A figure's caption.
    Caption,
    /// A list (ordered or not).
    L(bool),
    /// A list item.
    LI,
    /// A list item's label.
    Lbl,
    /// A list item's body.
    LBody,
    /// A block quotation.
    Quote,
    /// A figure with its alternate text.
    Figure(String),
    /// A link: its annotations first, then its text.
    Link,
}

/// A node of the structure tree.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    /// An element and its children.
    Group(Kind, Vec<Node>),
    /// Marked content on a page.
    Content(usize),
    /// A link annotation.
    Annot(usize),
}

/// What a drawn item is to assistive technology.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mark {
    /// Content, the leaf of this number in the tree.
    Leaf(usize),
    /// A running header.
    Header,
    /// A running footer (the page number).
    Footer,
    /// Decoration with no meaning of its own.
    Decoration,
}

/// Text in one face on a line.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Run {
    /// Face.
    pub style: Style,
    /// Size, points.
    pub size: f32,
    /// Left edge.
    pub x: f32,
    /// The text.
    pub text: String,
}

/// Something drawn on a page. Coordinates are points from the top left.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    /// Runs of text on one baseline.
    Text {
        /// What it is.
        mark: Mark,
        /// Its language, when it is not its scope's (see [`Voice`]).
        lang: Option<String>,
        /// Baseline.
        baseline: f32,
        /// The runs, left to right.
        runs: Vec<Run>,
    },
    /// A picture (by its index among the pictures given to the emitter).
    Picture {
        /// What it is.
        mark: Mark,
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Which picture.
        picture: usize,
    },
    /// A stroked rectangle (a box to write in, a box to tick).
    Frame {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
    },
    /// A thin horizontal rule.
    Rule {
        /// Left end.
        x: f32,
        /// Right end.
        x2: f32,
        /// Height on the page.
        y: f32,
    },
}

/// A link annotation on a page.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LinkArea {
    /// Its leaf in the tree.
    pub leaf: usize,
    /// Left, top, width, height.
    pub rect: (f32, f32, f32, f32),
    /// Where it leads.
    pub target: Target,
}

/// One laid-out page.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Page {
    /// What is drawn.
    pub items: Vec<Item>,
    /// Its link annotations, in reading order.
    pub links: Vec<LinkArea>,
    /// The page number printed at its foot, if any.
    pub folio: Option<usize>,
    /// The first and last section numbers whose headings are on it.
    pub sections: Option<(u32, u32)>,
}

/// A named destination: a page and a point on it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Dest {
    /// Its name.
    pub name: String,
    /// Page index.
    pub page: usize,
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
}

/// The page's size and the type area.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Geometry {
    /// Page width, points.
    pub width: f32,
    /// Page height, points.
    pub height: f32,
    /// Left margin.
    pub left: f32,
    /// Right edge of the type area.
    pub right: f32,
    /// Top of the type area.
    pub top: f32,
    /// Bottom of the type area.
    pub bottom: f32,
    /// Body type size.
    pub size: f32,
}

impl Geometry {
    /// Margins and type size in proportion to a page of `width` × `height` points.
    pub(crate) fn for_page(width: f32, height: f32) -> Geometry {
        let side = (width * 0.12).max(30.0);
        Geometry {
            width,
            height,
            left: side,
            right: width - side,
            top: (height * 0.085).max(36.0),
            bottom: height - (height * 0.1).max(40.0),
            size: (width / 40.0).clamp(9.5, 12.0),
        }
    }

    /// The type area's width.
    pub(crate) fn measure(&self) -> f32 {
        self.right - self.left
    }
}

/// A word: pieces of text in faces (a word may change face or link mid-way).
#[derive(Clone, Debug, Default)]
struct Word {
    pieces: Vec<(usize, String)>,
    width: f32,
    /// A forced break follows it.
    breaks: bool,
}

/// A line: words and its width.
#[derive(Clone, Debug)]
struct Line {
    words: std::ops::Range<usize>,
    width: f32,
    breaks: bool,
}

/// Lays out a document: pages, destinations and the structure tree.
pub(crate) struct Flow<'f> {
    fonts: &'f Fonts,
    /// The geometry.
    pub geo: Geometry,
    pages: Vec<Page>,
    y: f32,
    /// Nothing placed yet on the current page.
    fresh: bool,
    leaves: usize,
    root: Vec<Node>,
    stack: Vec<(Kind, Vec<Node>)>,
    dests: Vec<Dest>,
    /// A list label waiting for its item's first line.
    label: Option<(String, Style, f32)>,
    /// The languages of the view's words and of the book.
    languages: Languages,
    /// The languages of the untranslated sections open now, innermost last.
    scopes: Vec<String>,
}

/// The languages of a document's voices.
#[derive(Clone, Debug, Default)]
pub(crate) struct Languages {
    /// The view's own words' (a words table's language).
    pub view: String,
    /// The book's.
    pub book: String,
}

impl<'f> Flow<'f> {
    /// An empty document of one blank page.
    pub(crate) fn new(fonts: &'f Fonts, geo: Geometry) -> Flow<'f> {
        Flow {
            fonts,
            geo,
            pages: vec![Page::default()],
            y: geo.top,
            fresh: true,
            leaves: 0,
            root: Vec::new(),
            stack: Vec::new(),
            dests: Vec::new(),
            label: None,
            languages: Languages::default(),
            scopes: Vec::new(),
        }
    }

    /// The languages of the view's words and of the book: a span whose voice's language
    /// is not its scope's is tagged with its own. Until this is said, every voice is in
    /// one language and nothing is tagged.
    pub(crate) fn languages(&mut self, languages: Languages) {
        self.languages = languages;
    }

    /// A voice's language, where it is not the scope's.
    fn lang_apart(&self, voice: Voice) -> Option<&str> {
        let scope = self
            .scopes
            .last()
            .map_or(self.languages.book.as_str(), String::as_str);
        let lang = match voice {
            Voice::Content => return None,
            Voice::View => self.languages.view.as_str(),
            Voice::Book => self.languages.book.as_str(),
        };
        (!same_language(lang, scope)).then_some(lang)
    }

    /// Opens a structure element.
    pub(crate) fn open(&mut self, kind: Kind) {
        if let Kind::Sect(Some(lang)) = &kind {
            self.scopes.push(lang.clone());
        }
        self.stack.push((kind, Vec::new()));
    }

    /// Closes the innermost element.
    pub(crate) fn close(&mut self) {
        if let Some((kind, mut children)) = self.stack.pop() {
            if let Kind::Sect(Some(_)) = &kind {
                self.scopes.pop();
            }
            if kind == Kind::Link {
                // Annotations first, then the text they cover.
                children.sort_by_key(|c| !matches!(c, Node::Annot(_)));
            }
            self.push_node(Node::Group(kind, children));
        }
    }

    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some((_, children)) => children.push(node),
            None => self.root.push(node),
        }
    }

    fn leaf(&mut self) -> usize {
        self.leaves += 1;
        self.leaves - 1
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// The index of the current page.
    pub(crate) fn page_index(&self) -> usize {
        self.pages.len().saturating_sub(1)
    }

    /// Starts a new page (unless the current one is still empty).
    pub(crate) fn new_page(&mut self) {
        if !self.fresh {
            self.pages.push(Page::default());
        }
        self.y = self.geo.top;
        self.fresh = true;
    }

    /// Starts a new page even when the current one is empty.
    pub(crate) fn blank_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.geo.top;
        self.fresh = true;
    }

    /// Moves down, unless at the head of a page.
    pub(crate) fn space(&mut self, h: f32) {
        if !self.fresh {
            self.y = (self.y + h).min(self.geo.bottom);
        }
    }

    /// Moves down to `y` on the current page (for a title page).
    pub(crate) fn down_to(&mut self, y: f32) {
        self.y = self.y.max(y);
        self.fresh = false;
    }

    /// Space left on the current page.
    fn room(&self) -> f32 {
        self.geo.bottom - self.y
    }

    /// Names the current position a destination.
    pub(crate) fn destination(&mut self, name: String) {
        let page = self.page_index();
        self.dests.push(Dest {
            name,
            page,
            x: self.geo.left,
            y: self.y,
        });
    }

    /// Notes that a section's heading is on the current page (for the running head).
    pub(crate) fn note_section(&mut self, number: u32) {
        let page = self.page();
        page.sections = Some(match page.sections {
            Some((a, b)) => (a.min(number), b.max(number)),
            None => (number, number),
        });
    }

    /// Makes sure `h` points fit on the current page, else starts a new one.
    pub(crate) fn need(&mut self, h: f32) {
        if !self.fresh && h > self.room() {
            self.new_page();
        }
    }

    /// Sets a label (a bullet, a number) to hang left of the next line placed, and puts
    /// it in the open list item.
    pub(crate) fn hang_label(&mut self, text: String, style: Style, size: f32) {
        self.label = Some((text, style, size));
    }

    /// Splits spans into words.
    fn words(&self, spans: &[Span], size: f32, links: &mut Vec<Option<Target>>) -> Vec<Word> {
        let mut words: Vec<Word> = Vec::new();
        let mut current = Word::default();
        let mut in_word = false;
        for span in spans {
            let link = match links.iter().position(|l| *l == span.link) {
                Some(i) => i,
                None => {
                    links.push(span.link.clone());
                    links.len() - 1
                }
            };
            let voice = match self.lang_apart(span.voice) {
                None => 0,
                Some(_) if span.voice == Voice::View => 1,
                Some(_) => 2,
            };
            let face = (link * 3 + voice) * 4
                + match span.style {
                    Style::Regular => 0,
                    Style::Italic => 1,
                    Style::Bold => 2,
                    Style::BoldItalic => 3,
                };
            for c in span.text.chars() {
                if c == '\n' {
                    current.breaks = true;
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                } else if c == ' ' {
                    if in_word {
                        words.push(std::mem::take(&mut current));
                        in_word = false;
                    }
                } else {
                    in_word = true;
                    current.width += self.fonts.glyph(span.style, c).1 * size;
                    match current.pieces.last_mut() {
                        Some((f, text)) if *f == face => text.push(c),
                        _ => current.pieces.push((face, c.to_string())),
                    }
                }
            }
        }
        if in_word || !current.pieces.is_empty() {
            words.push(current);
        }
        // A forced break at the very end breaks nothing.
        if let Some(last) = words.last_mut() {
            last.breaks = false;
        }
        words
    }

    /// Splits a word too wide for any line into pieces that fit.
    fn split_wide(&self, words: Vec<Word>, width: f32, size: f32) -> Vec<Word> {
        let mut out = Vec::with_capacity(words.len());
        for w in words {
            if w.width <= width {
                out.push(w);
                continue;
            }
            let mut part = Word::default();
            for (face, text) in &w.pieces {
                let style = style_of(*face);
                for c in text.chars() {
                    let cw = self.fonts.glyph(style, c).1 * size;
                    if part.width + cw > width && !part.pieces.is_empty() {
                        out.push(std::mem::take(&mut part));
                    }
                    part.width += cw;
                    match part.pieces.last_mut() {
                        Some((f, t)) if f == face => t.push(c),
                        _ => part.pieces.push((*face, c.to_string())),
                    }
                }
            }
            part.breaks = w.breaks;
            out.push(part);
        }
        out
    }

    /// Greedy filling, then a lone short last word pulled up with a companion.
    fn lines(&self, words: &[Word], width: f32, space: f32) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut start = 0;
        let mut w = 0.0f32;
        for (i, word) in words.iter().enumerate() {
            if i > start && w + space + word.width > width {
                lines.push(Line {
                    words: start..i,
                    width: w,
                    breaks: false,
                });
                start = i;
                w = 0.0;
            }
            w += if i > start { space } else { 0.0 } + word.width;
            if word.breaks {
                lines.push(Line {
                    words: start..i + 1,
                    width: w,
                    breaks: true,
                });
                start = i + 1;
                w = 0.0;
            }
        }
        if start < words.len() {
            lines.push(Line {
                words: start..words.len(),
                width: w,
                breaks: false,
            });
        }
        // A last line of one word under a full line takes that line's last word too.
        let n = lines.len();
        if n >= 2 {
            let (prev, last) = (&lines[n - 2], &lines[n - 1]);
            if last.words.len() == 1 && prev.words.len() >= 4 && !prev.breaks {
                let moved = prev.words.end - 1;
                let mw = words[moved].width;
                if last.width + space + mw <= width {
                    let prev_words = prev.words.start..moved;
                    let prev_width = prev.width - space - mw;
                    let last_width = last.width + space + mw;
                    let last_breaks = last.breaks;
                    lines[n - 2] = Line {
                        words: prev_words,
                        width: prev_width,
                        breaks: false,
                    };
                    lines[n - 1] = Line {
                        words: moved..lines[n - 1].words.end,
                        width: last_width,
                        breaks: last_breaks,
                    };
                }
            }
        }
        lines
    }

    /// Sets a paragraph of spans inside the open element, its text as marked content
    /// and its links as Link elements with annotations.
    pub(crate) fn paragraph(&mut self, spans: &[Span], set: Setting) {
        let width = (self.geo.measure() - set.left - set.right).max(20.0);
        let mut links: Vec<Option<Target>> = Vec::new();
        let words = self.words(spans, set.size, &mut links);
        if words.is_empty() {
            return;
        }
        let words = self.split_wide(words, width, set.size);
        let space = self.fonts.glyph(Style::Regular, ' ').1 * set.size;
        let lines = self.lines(&words, width, space);
        let leading = set.leading();
        self.space(set.before);
        // Keep a heading with the lines that follow it.
        let keep = (lines.len() + set.keep) as f32 * leading;
        if set.keep > 0 {
            self.need(keep);
        }
        let n = lines.len();
        let mut i = 0;
        let mut open_link: Option<usize> = None;
        while i < n {
            let fit = (self.room() / leading).floor().max(0.0) as usize;
            let rest = n - i;
            let take = if fit >= rest {
                rest
            } else if self.fresh {
                // A page of its own cannot hold it all: fill it.
                fit.max(1)
            } else if rest <= 3 || fit < 2 {
                0
            } else if rest - fit < 2 {
                // Leave two lines for the next page.
                if rest - 2 >= 2 { rest - 2 } else { 0 }
            } else {
                fit
            };
            if take == 0 {
                self.close_link(&mut open_link);
                self.new_page();
                continue;
            }
            for line in &lines[i..i + take] {
                let last = std::ptr::eq(line, &lines[n - 1]);
                self.place_line(
                    &words,
                    line,
                    last,
                    &links,
                    set,
                    width,
                    space,
                    &mut open_link,
                );
            }
            i += take;
            if i < n {
                self.close_link(&mut open_link);
                self.new_page();
            }
        }
        self.close_link(&mut open_link);
        self.y = (self.y + set.after).min(self.geo.bottom);
    }

    fn close_link(&mut self, open: &mut Option<usize>) {
        if open.take().is_some() {
            self.close();
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn place_line(
        &mut self,
        words: &[Word],
        line: &Line,
        last: bool,
        links: &[Option<Target>],
        set: Setting,
        width: f32,
        space: f32,
        open_link: &mut Option<usize>,
    ) {
        let leading = set.leading();
        let top = self.y;
        let baseline = top + set.size * 1.02;
        let x0 = self.geo.left
            + set.left
            + match set.align {
                Align::Left => 0.0,
                Align::Center => ((width - line.width) / 2.0).max(0.0),
            };
        if let Some((text, style, size)) = self.label.take() {
            let w = self.fonts.width(style, size, &text);
            let leaf = self.leaf();
            // The label goes first in the open list item (its body is still open).
            let li = self
                .stack
                .iter()
                .rposition(|(k, _)| *k == Kind::LI)
                .unwrap_or(0);
            match self.stack.get_mut(li) {
                Some((Kind::LI, children)) => {
                    children.push(Node::Group(Kind::Lbl, vec![Node::Content(leaf)]))
                }
                _ => self.push_node(Node::Group(Kind::Lbl, vec![Node::Content(leaf)])),
            }
            self.page().items.push(Item::Text {
                mark: Mark::Leaf(leaf),
                lang: None,
                baseline,
                runs: vec![Run {
                    style,
                    size,
                    x: x0 - w - size * 0.45,
                    text,
                }],
            });
        }
        // Segments: runs sharing a link and a language (key: link × 3 + voice apart).
        let mut segments: Vec<(usize, Vec<Run>, f32, f32)> = Vec::new(); // key, runs, x, w
        let mut x = x0;
        for (k, wi) in line.words.clone().enumerate() {
            let word = &words[wi];
            for (j, (face, text)) in word.pieces.iter().enumerate() {
                let key = face / 4;
                let style = style_of(*face);
                let mut text = text.clone();
                // The space before this word belongs to the run before it.
                if k > 0 && j == 0 {
                    if let Some((_, runs, _, w)) = segments.last_mut() {
                        if let Some(r) = runs.last_mut() {
                            r.text.push(' ');
                        }
                        *w += space;
                    }
                    x += space;
                }
                let tw = self.fonts.width(style, set.size, &text);
                match segments.last_mut() {
                    Some((l, runs, _, w)) if *l == key => {
                        match runs.last_mut() {
                            Some(r) if r.style == style => r.text.push_str(&text),
                            _ => runs.push(Run {
                                style,
                                size: set.size,
                                x,
                                text: std::mem::take(&mut text),
                            }),
                        }
                        *w += tw;
                    }
                    _ => segments.push((
                        key,
                        vec![Run {
                            style,
                            size: set.size,
                            x,
                            text: std::mem::take(&mut text),
                        }],
                        x,
                        tw,
                    )),
                }
                x += tw;
            }
        }
        // Lines of a paragraph are joined by a space in the text behind them.
        if !last
            && !line.breaks
            && let Some(r) = segments.last_mut().and_then(|s| s.1.last_mut())
        {
            r.text.push(' ');
        }
        for (key, runs, sx, sw) in segments {
            let (link, lang) = (
                key / 3,
                match key % 3 {
                    1 => self.lang_apart(Voice::View),
                    2 => self.lang_apart(Voice::Book),
                    _ => None,
                }
                .map(str::to_string),
            );
            let target = links.get(link).cloned().flatten();
            match target {
                Some(target) => {
                    if *open_link != Some(link) {
                        self.close_link(open_link);
                        self.open(Kind::Link);
                        *open_link = Some(link);
                    }
                    let leaf = self.leaf();
                    self.push_node(Node::Content(leaf));
                    self.page().items.push(Item::Text {
                        mark: Mark::Leaf(leaf),
                        lang,
                        baseline,
                        runs,
                    });
                    let annot = self.leaf();
                    self.push_node(Node::Annot(annot));
                    let rect = (sx, top, sw.max(1.0), leading);
                    self.page().links.push(LinkArea {
                        leaf: annot,
                        rect,
                        target,
                    });
                }
                None => {
                    self.close_link(open_link);
                    let leaf = self.leaf();
                    self.push_node(Node::Content(leaf));
                    self.page().items.push(Item::Text {
                        mark: Mark::Leaf(leaf),
                        lang,
                        baseline,
                        runs,
                    });
                }
            }
        }
        self.y = top + leading;
        self.fresh = false;
    }

    /// Places a picture `w` × `h` points (scaled down to fit), centred, as a figure with
    /// its alternate text, or as decoration when the text is empty; `below` points of
    /// caption are kept on the same page.
    pub(crate) fn picture(&mut self, picture: usize, w: f32, h: f32, alt: &str, below: f32) {
        let max_w = self.geo.measure();
        let (w, h) = self.fit(w, h);
        self.space(self.geo.size * 0.4);
        self.need(h + below);
        let x = self.geo.left + (max_w - w) / 2.0;
        let mark = if alt.trim().is_empty() {
            Mark::Decoration
        } else {
            let leaf = self.leaf();
            self.push_node(Node::Group(
                Kind::Figure(alt.trim().to_string()),
                vec![Node::Content(leaf)],
            ));
            Mark::Leaf(leaf)
        };
        let y = self.y;
        self.page().items.push(Item::Picture {
            mark,
            x,
            y,
            w,
            h,
            picture,
        });
        self.y += h + self.geo.size * 0.5;
        self.fresh = false;
    }

    /// A picture's size once scaled down to the type area's width and half its height.
    fn fit(&self, w: f32, h: f32) -> (f32, f32) {
        let max_w = self.geo.measure();
        let max_h = (self.geo.bottom - self.geo.top) * 0.5;
        let scale = (max_w / w).min(max_h / h).min(1.0);
        (w * scale, h * scale)
    }

    /// The height a picture of `w` × `h` points takes on the page, with its spacing.
    pub(crate) fn picture_height(&self, w: f32, h: f32) -> f32 {
        self.fit(w, h).1 + self.geo.size * 0.9
    }

    /// Places a picture filling the type area (a cover), as a figure.
    pub(crate) fn full_page_picture(&mut self, picture: usize, w: f32, h: f32, alt: &str) {
        let (aw, ah) = (self.geo.measure(), self.geo.bottom - self.geo.top);
        let scale = (aw / w).min(ah / h);
        let (w, h) = (w * scale, h * scale);
        let leaf = self.leaf();
        self.push_node(Node::Group(
            Kind::Figure(alt.to_string()),
            vec![Node::Content(leaf)],
        ));
        let (x, y) = (
            self.geo.left + (aw - w) / 2.0,
            self.geo.top + (ah - h) / 2.0,
        );
        self.page().items.push(Item::Picture {
            mark: Mark::Leaf(leaf),
            x,
            y,
            w,
            h,
            picture,
        });
        self.fresh = false;
    }

    /// A box `h` points high to write in, `w` wide at the right of the type area, level
    /// with the current position (decoration: the text beside it says what it is for).
    pub(crate) fn write_in_box(&mut self, top: f32, w: f32, h: f32) {
        let x = self.geo.right - w;
        self.page().items.push(Item::Frame { x, y: top, w, h });
    }

    /// A small square to tick, left of the next line at `indent` from the margin.
    pub(crate) fn tick_box(&mut self, indent: f32, size: f32) {
        let side = size * 0.8;
        let x = self.geo.left + indent - side - size * 0.6;
        let y = self.y + size * 0.3;
        self.page().items.push(Item::Frame {
            x,
            y,
            w: side,
            h: side,
        });
    }

    /// The current position.
    pub(crate) fn y(&self) -> f32 {
        self.y
    }

    /// Sets the current position (on the same page, below what is placed).
    pub(crate) fn set_y(&mut self, y: f32) {
        self.y = y.min(self.geo.bottom);
    }

    /// A short centred rule between parts (decoration).
    pub(crate) fn rule(&mut self) {
        self.space(self.geo.size * 0.6);
        self.need(self.geo.size * 2.0);
        let mid = (self.geo.left + self.geo.right) / 2.0;
        let (y, half) = (self.y, self.geo.measure() * 0.12);
        self.page().items.push(Item::Rule {
            x: mid - half,
            x2: mid + half,
            y,
        });
        self.y += self.geo.size * 1.2;
        self.fresh = false;
    }

    /// Ends the flow: the running heads and page numbers from `first_folio` on, then the
    /// pages, the destinations and the tree.
    pub(crate) fn finish(mut self, first_folio: usize) -> (Vec<Page>, Vec<Dest>, Vec<Node>) {
        while !self.stack.is_empty() {
            self.close();
        }
        if self.fresh && self.pages.len() > 1 && self.page().items.is_empty() {
            self.pages.pop();
        }
        let size = self.geo.size * 0.85;
        for (i, page) in self.pages.iter_mut().enumerate() {
            if i < first_folio {
                continue;
            }
            page.folio = Some(i + 1);
            let folio = (i + 1).to_string();
            let w = self.fonts.width(Style::Regular, size, &folio);
            page.items.push(Item::Text {
                mark: Mark::Footer,
                lang: None,
                baseline: self.geo.bottom + (self.geo.height - self.geo.bottom) * 0.5,
                runs: vec![Run {
                    style: Style::Regular,
                    size,
                    x: (self.geo.width - w) / 2.0,
                    text: folio,
                }],
            });
            if let Some((a, b)) = page.sections {
                let head = if a == b {
                    a.to_string()
                } else {
                    format!("{a}\u{2013}{b}")
                };
                let w = self.fonts.width(Style::Bold, size, &head);
                // Outer corner: right on odd pages, left on even.
                let x = if (i + 1) % 2 == 1 {
                    self.geo.right - w
                } else {
                    self.geo.left
                };
                page.items.push(Item::Text {
                    mark: Mark::Header,
                    lang: None,
                    baseline: self.geo.top * 0.6,
                    runs: vec![Run {
                        style: Style::Bold,
                        size,
                        x,
                        text: head,
                    }],
                });
            }
        }
        (self.pages, self.dests, self.root)
    }
}

/// Whether two BCP 47 tags share their primary language.
pub(crate) fn same_language(a: &str, b: &str) -> bool {
    let primary = |t: &str| {
        t.split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    primary(a) == primary(b)
}

/// The face of a piece (pieces are numbered (link × 3 + voice apart) × 4 + face).
fn style_of(face: usize) -> Style {
    match face % 4 {
        0 => Style::Regular,
        1 => Style::Italic,
        2 => Style::Bold,
        _ => Style::BoldItalic,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn flow(fonts: &Fonts) -> Flow<'_> {
        // A5.
        Flow::new(fonts, Geometry::for_page(419.53, 595.28))
    }

    /// Every line of content text, page by page (the PDF's tests read pages too).
    pub(in crate::bind::pdf) fn texts(pages: &[Page]) -> Vec<Vec<String>> {
        pages
            .iter()
            .map(|p| {
                p.items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Text {
                            mark: Mark::Leaf(_),
                            runs,
                            ..
                        } => Some(runs.iter().map(|r| r.text.as_str()).collect::<String>()),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn words_fill_lines_no_wider_than_the_measure() {
        let fonts = Fonts::load().expect("fonts");
        let mut f = flow(&fonts);
        let text = "The dusk bell rolls down from Tidewatch tower, and all over the Guild the lamplighters reach for their poles. ".repeat(6);
        f.open(Kind::P);
        f.paragraph(
            &[Span::new(text.clone(), Style::Regular)],
            Setting::body(f.geo.size),
        );
        f.close();
        let geo = f.geo;
        let (pages, _, tree) = f.finish(0);
        let lines = &texts(&pages)[0];
        assert!(lines.len() > 5, "{lines:?}");
        for line in lines {
            let w = fonts.width(Style::Regular, geo.size, line.trim_end());
            assert!(w <= geo.measure() + 0.01, "{w} > {}: {line}", geo.measure());
        }
        // Every word is there, once, in order, with a space between lines.
        let joined: String = lines.concat();
        assert_eq!(
            joined.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        assert!(matches!(&tree[0], Node::Group(Kind::P, c) if c.len() == lines.len()));
    }

    #[test]
    fn a_paragraph_leaves_no_single_line_at_a_page_foot_or_head() {
        let fonts = Fonts::load().expect("fonts");
        let mut f = flow(&fonts);
        let para = "Gulls wheel over the tar-black water while the fog stands close and silent. "
            .repeat(5);
        for _ in 0..40 {
            f.open(Kind::P);
            f.paragraph(
                &[Span::new(para.clone(), Style::Regular)],
                Setting::body(f.geo.size),
            );
            f.close();
        }
        let (pages, _, tree) = f.finish(0);
        assert!(pages.len() > 3);
        // Each paragraph's leaves per page: a split paragraph keeps two lines a side.
        let mut leaf_page = std::collections::HashMap::new();
        for (p, page) in pages.iter().enumerate() {
            for item in &page.items {
                if let Item::Text {
                    mark: Mark::Leaf(l),
                    ..
                } = item
                {
                    leaf_page.insert(*l, p);
                }
            }
        }
        for node in &tree {
            let Node::Group(Kind::P, children) = node else {
                panic!("a P")
            };
            let mut per_page: std::collections::BTreeMap<usize, usize> = Default::default();
            for c in children {
                if let Node::Content(l) = c {
                    *per_page.entry(leaf_page[l]).or_default() += 1;
                }
            }
            if per_page.len() > 1 {
                assert!(per_page.values().all(|&n| n >= 2), "{per_page:?}");
            }
        }
    }

    #[test]
    fn a_picture_with_alt_text_is_a_figure_and_one_without_is_decoration() {
        let fonts = Fonts::load().expect("fonts");
        let mut f = flow(&fonts);
        f.picture(0, 300.0, 200.0, "A lamp on a sea wall", 0.0);
        f.picture(1, 300.0, 200.0, "  ", 0.0);
        let (pages, _, tree) = f.finish(0);
        assert_eq!(tree.len(), 1, "{tree:?}");
        let Node::Group(Kind::Figure(alt), children) = &tree[0] else {
            panic!("{tree:?}")
        };
        assert_eq!(alt, "A lamp on a sea wall");
        let Node::Content(leaf) = children[0] else {
            panic!("{children:?}")
        };
        let marks: Vec<(usize, Mark)> = pages[0]
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Picture { mark, picture, .. } => Some((*picture, *mark)),
                _ => None,
            })
            .collect();
        assert_eq!(marks, [(0, Mark::Leaf(leaf)), (1, Mark::Decoration)]);
    }

    #[test]
    fn a_link_becomes_a_link_element_with_its_annotation_first() {
        let fonts = Fonts::load().expect("fonts");
        let mut f = flow(&fonts);
        let target = Target {
            dest: "section-12".into(),
            alt: "Turn to 12".into(),
        };
        f.open(Kind::P);
        f.paragraph(
            &[
                Span::new("Take the ferry: ", Style::Regular),
                Span::link("turn to 12", Style::Bold, &target),
                Span::new(".", Style::Regular),
            ],
            Setting::body(f.geo.size),
        );
        f.close();
        let (pages, _, tree) = f.finish(0);
        assert_eq!(pages[0].links.len(), 1);
        assert_eq!(pages[0].links[0].target, target);
        let Node::Group(Kind::P, children) = &tree[0] else {
            panic!("a P")
        };
        assert!(
            matches!(&children[1], Node::Group(Kind::Link, l) if matches!(l[..], [Node::Annot(_), Node::Content(_)])),
            "{children:?}"
        );
        assert_eq!(texts(&pages)[0], ["Take the ferry: ", "turn to 12", "."]);
    }
}
