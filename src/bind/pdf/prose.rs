//! Prose for paper: a section's or codex entry's Markdown (pulldown-cmark) as blocks of
//! styled spans — paragraphs, headings, lists, block quotes, rules — and those blocks set
//! into the flow as tagged structure. A link becomes whatever the caller makes of its
//! destination (a section's "turn to N", a codex entry's page, or plain text); raw HTML
//! is shown as the text it is, a writer's HTML comments are left out.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::fonts::{Style, clean};
use super::layout::{Flow, Kind, Setting, Span, Target, Voice};

/// A block of prose.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Block {
    /// A paragraph.
    Para(Vec<Span>),
    /// A heading of a level (1–6 as written).
    Heading(u8, Vec<Span>),
    /// A list: its first number when ordered, and its items.
    List(Option<u64>, Vec<Vec<Block>>),
    /// A block quotation.
    Quote(Vec<Block>),
    /// A thematic break.
    Rule,
}

/// What a link in prose becomes.
pub(crate) enum Linked {
    /// A link to follow, with words added after its text (" (turn to 12)").
    To(Target, String),
    /// Its text only.
    Plain,
}

/// A container being read.
enum Open {
    Quote(Vec<Block>),
    List(Option<u64>, Vec<Vec<Block>>),
    Item(Vec<Block>),
}

struct Reader<'l> {
    out: Vec<Block>,
    open: Vec<Open>,
    /// The paragraph or heading being read: its level (0 for a paragraph) and spans.
    inline: Option<(u8, Vec<Span>)>,
    italic: usize,
    bold: usize,
    link: Option<(Option<Target>, String)>,
    links: &'l dyn Fn(&str) -> Linked,
    code: bool,
}

impl Reader<'_> {
    fn push(&mut self, block: Block) {
        match self.open.last_mut() {
            Some(Open::Quote(b) | Open::Item(b)) => b.push(block),
            Some(Open::List(_, items)) => items.push(vec![block]),
            None => self.out.push(block),
        }
    }

    fn end_inline(&mut self) {
        if let Some((level, spans)) = self.inline.take()
            && spans.iter().any(|s| !s.text.trim().is_empty())
        {
            self.push(if level == 0 {
                Block::Para(spans)
            } else {
                Block::Heading(level, spans)
            });
        }
    }

    fn style(&self) -> Style {
        Style::Regular.with(self.italic > 0, self.bold > 0)
    }

    fn text(&mut self, text: &str) {
        let style = self.style();
        let link = self.link.as_ref().and_then(|(t, _)| t.clone());
        let text = if self.code {
            text.split('\n').map(clean).collect::<Vec<_>>().join("\n")
        } else {
            clean(text)
        };
        let (_, spans) = self.inline.get_or_insert_with(|| (0, Vec::new()));
        spans.push(Span {
            text,
            style,
            link,
            voice: Voice::Content,
        });
    }

    fn raw(&mut self, text: &str) {
        let style = self.style();
        let (_, spans) = self.inline.get_or_insert_with(|| (0, Vec::new()));
        spans.push(Span::new(clean(text), style));
    }

    fn event(&mut self, event: Event<'_>, comments: &mut crate::bind::Comments) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => self.text(&t),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => {
                let style = self.style();
                let (_, spans) = self.inline.get_or_insert_with(|| (0, Vec::new()));
                spans.push(Span::new("\n", style));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if !comments.hides(&h) {
                    self.raw(&h);
                }
            }
            Event::Rule => {
                self.end_inline();
                self.push(Block::Rule);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
            Event::FootnoteReference(t) => self.text(&format!("[{t}]")),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.end_inline();
                self.inline = Some((0, Vec::new()));
            }
            Tag::Heading { level, .. } => {
                self.end_inline();
                let n = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                };
                self.inline = Some((n, Vec::new()));
            }
            Tag::BlockQuote(_) => {
                self.end_inline();
                self.open.push(Open::Quote(Vec::new()));
            }
            Tag::CodeBlock(_) => {
                self.end_inline();
                self.code = true;
                self.inline = Some((0, Vec::new()));
            }
            Tag::List(first) => {
                self.end_inline();
                self.open.push(Open::List(first, Vec::new()));
            }
            Tag::Item => {
                self.end_inline();
                self.open.push(Open::Item(Vec::new()));
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Link { dest_url, .. } => {
                self.link = Some(match (self.links)(&dest_url) {
                    Linked::To(target, after) => (Some(target), after),
                    Linked::Plain => (None, String::new()),
                });
            }
            // An image in prose is read as its alternate text (its events are text).
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) => self.end_inline(),
            TagEnd::CodeBlock => {
                if let Some((_, spans)) = &mut self.inline
                    && let Some(last) = spans.last_mut()
                {
                    let trimmed = last.text.trim_end_matches('\n').len();
                    last.text.truncate(trimmed);
                }
                self.end_inline();
                self.code = false;
            }
            TagEnd::BlockQuote(_) => {
                self.end_inline();
                if let Some(Open::Quote(blocks)) = self.open.pop() {
                    self.push(Block::Quote(blocks));
                }
            }
            TagEnd::List(_) => {
                self.end_inline();
                if let Some(Open::List(first, items)) = self.open.pop() {
                    self.push(Block::List(first, items));
                }
            }
            TagEnd::Item => {
                self.end_inline();
                if let Some(Open::Item(blocks)) = self.open.pop()
                    && let Some(Open::List(_, items)) = self.open.last_mut()
                {
                    items.push(blocks);
                }
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Link => {
                if let Some((target, after)) = self.link.take()
                    && !after.is_empty()
                {
                    let style = self.style();
                    let (_, spans) = self.inline.get_or_insert_with(|| (0, Vec::new()));
                    spans.push(Span {
                        text: after,
                        style,
                        link: target,
                        voice: Voice::Content,
                    });
                }
            }
            _ => {}
        }
    }
}

/// Reads Markdown into blocks; `links` says what each link destination becomes.
pub(crate) fn blocks(markdown: &str, links: &dyn Fn(&str) -> Linked) -> Vec<Block> {
    let mut reader = Reader {
        out: Vec::new(),
        open: Vec::new(),
        inline: None,
        italic: 0,
        bold: 0,
        link: None,
        links,
        code: false,
    };
    let mut comments = crate::bind::Comments::default();
    for event in Parser::new(markdown) {
        reader.event(event, &mut comments);
    }
    reader.end_inline();
    while let Some(open) = reader.open.pop() {
        match open {
            Open::Quote(b) => reader.push(Block::Quote(b)),
            Open::List(first, items) => reader.push(Block::List(first, items)),
            Open::Item(b) => reader.push(Block::List(None, vec![b])),
        }
    }
    reader.out
}

/// The plain text of spans (a heading's title).
pub(crate) fn plain(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| s.text.as_str())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sets blocks into the flow at a body setting; prose headings sit `shift` levels below
/// the heading that holds them.
pub(crate) fn set_blocks(flow: &mut Flow<'_>, blocks: &[Block], set: Setting, shift: u8) {
    for block in blocks {
        match block {
            Block::Para(spans) => {
                flow.open(Kind::P);
                flow.paragraph(spans, set);
                flow.close();
            }
            Block::Heading(level, spans) => {
                let level = (level + shift).min(6);
                let bold: Vec<Span> = spans
                    .iter()
                    .map(|s| Span {
                        style: s.style.with(false, true),
                        ..s.clone()
                    })
                    .collect();
                flow.open(Kind::H(u16::from(level), plain(spans)));
                flow.paragraph(
                    &bold,
                    Setting {
                        size: set.size * 1.08,
                        before: set.size * 0.5,
                        after: set.size * 0.35,
                        keep: 2,
                        ..set
                    },
                );
                flow.close();
            }
            Block::List(first, items) => {
                flow.open(Kind::L(first.is_some()));
                let indent = set.size * 1.6;
                for (i, item) in items.iter().enumerate() {
                    flow.open(Kind::LI);
                    let label = match first {
                        Some(n) => format!("{}.", n.saturating_add(i as u64)),
                        None => "\u{2022}".to_string(),
                    };
                    flow.hang_label(label, Style::Regular, set.size);
                    flow.open(Kind::LBody);
                    let inner = Setting {
                        after: set.size * 0.3,
                        ..set.indented(indent, 0.0)
                    };
                    set_blocks(flow, item, inner, shift);
                    flow.close();
                    flow.close();
                }
                flow.space(set.size * 0.3);
                flow.close();
            }
            Block::Quote(inner) => {
                flow.open(Kind::Quote);
                let quoted = Setting {
                    size: set.size * 0.95,
                    ..set.indented(set.size * 1.4, set.size * 1.4)
                };
                set_blocks(flow, inner, quoted, shift);
                flow.close();
            }
            Block::Rule => flow.rule(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(md: &str) -> Vec<Block> {
        blocks(md, &|dest| match dest.strip_prefix('#') {
            Some("quay") => Linked::To(
                Target {
                    dest: "section-7".into(),
                    alt: "Turn to 7".into(),
                },
                " (turn to 7)".into(),
            ),
            _ => Linked::Plain,
        })
    }

    #[test]
    fn paragraphs_emphasis_lists_quotes_and_headings_become_blocks() {
        let b = read(
            "# Night\n\nThe *fog* is **thick**.\n\n- one\n- two\n\n3. three\n\n> Quoted\n\n---\n",
        );
        assert!(matches!(&b[0], Block::Heading(1, s) if plain(s) == "Night"));
        let Block::Para(spans) = &b[1] else {
            panic!("{b:?}")
        };
        assert_eq!(spans[1], Span::new("fog", Style::Italic));
        assert_eq!(spans[3], Span::new("thick", Style::Bold));
        assert!(matches!(&b[2], Block::List(None, items) if items.len() == 2));
        assert!(matches!(&b[3], Block::List(Some(3), items) if items.len() == 1));
        assert!(matches!(&b[4], Block::Quote(q) if q.len() == 1));
        assert_eq!(b[5], Block::Rule);
    }

    #[test]
    fn a_link_to_a_section_reads_turn_to_and_other_links_read_as_text() {
        let b =
            read("Go to [the quay](#quay), see [the Gannet](#gannet) or [the web](https://x.org).");
        let Block::Para(spans) = &b[0] else {
            panic!("{b:?}")
        };
        let text: String = spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            text,
            "Go to the quay (turn to 7), see the Gannet or the web."
        );
        let linked: Vec<&str> = spans
            .iter()
            .filter(|s| s.link.is_some())
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(linked, ["the quay", " (turn to 7)"]);
    }

    #[test]
    fn comments_are_left_out_and_other_html_shows_as_text() {
        let b = read("Seen <!-- a note --> here <b>bold</b>.\n\n<!--\nlong\nnote\n-->\n\nMore.");
        let all: String = b
            .iter()
            .map(|b| match b {
                Block::Para(s) => plain(s),
                _ => String::new(),
            })
            .collect::<Vec<_>>()
            .join("|");
        assert!(!all.contains("note") && !all.contains("long"), "{all}");
        assert!(
            all.contains("<b>bold</b>") && all.contains("More."),
            "{all}"
        );
    }
}
