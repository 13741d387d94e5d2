//! What the bars need from Markdown prose: links, images and headings with offsets.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// A link in prose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The destination as written.
    pub dest: String,
    /// The visible text.
    pub text: String,
    /// Byte offset in the prose.
    pub offset: usize,
}

/// An image in prose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// The source path.
    pub dest: String,
    /// The alt text.
    pub alt: String,
    /// Byte offset in the prose.
    pub offset: usize,
}

/// A heading in prose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// Byte offset in the prose.
    pub offset: usize,
}

/// Links, images and headings of one Markdown text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prose {
    /// Links.
    pub links: Vec<Link>,
    /// Images.
    pub images: Vec<Image>,
    /// Headings.
    pub headings: Vec<Heading>,
}

fn level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The prose with link and image destinations (`](…)`, `<…>` autolinks) blanked out,
/// byte for byte, so offsets and lines stay where they were. Borrowed when there is
/// nothing to blank.
pub fn mask_destinations(markdown: &str) -> std::borrow::Cow<'_, str> {
    let bytes = markdown.as_bytes();
    let mut out = String::new();
    // The end of what has been copied into `out`.
    let mut copied = 0;
    let mut i = 0;
    while let Some(found) = bytes[i..].iter().position(|b| matches!(b, b']' | b'<')) {
        i += found;
        let close = match (bytes[i], bytes.get(i + 1)) {
            (b']', Some(b'(')) => Some(b')'),
            (b'<', Some(c)) if c.is_ascii_alphabetic() && markdown[i + 1..].starts_with("http") => {
                Some(b'>')
            }
            _ => None,
        };
        let start = if close == Some(b')') { i + 2 } else { i + 1 };
        let len = close.and_then(|close| {
            bytes[start..]
                .iter()
                .position(|b| *b == close || *b == b'\n')
        });
        match len {
            Some(len) => {
                // Both ends sit next to ASCII bytes, so they are character boundaries
                // and every character between is blanked whole.
                out.reserve(markdown.len() - copied);
                out.push_str(&markdown[copied..start]);
                out.extend(std::iter::repeat_n(' ', len));
                copied = start + len;
                i = copied;
            }
            None => i += 1,
        }
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(markdown);
    }
    out.push_str(&markdown[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Parses prose once.
pub fn scan(markdown: &str) -> Prose {
    let mut out = Prose::default();
    // Open link or image being collected: (is_image, dest, text, offset).
    let mut open: Option<(bool, String, String, usize)> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                open = Some((false, dest_url.to_string(), String::new(), range.start))
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                open = Some((true, dest_url.to_string(), String::new(), range.start))
            }
            Event::Start(Tag::Heading { level: l, .. }) => out.headings.push(Heading {
                level: level(l),
                offset: range.start,
            }),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text, _)) = &mut open {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if let Some((image, dest, text, offset)) = open.take() {
                    if image {
                        out.images.push(Image {
                            dest,
                            alt: text,
                            offset,
                        });
                    } else {
                        out.links.push(Link { dest, text, offset });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_blanked_in_place() {
        let text = "A ![brass token](assets/chandler-favour.png) and [the Gannet](#gannet).";
        let masked = mask_destinations(text);
        assert_eq!(masked.len(), text.len());
        assert!(!masked.contains("chandler-favour") && !masked.contains("gannet)"));
        assert!(masked.contains("[the Gannet]("), "{masked}");
    }

    #[test]
    fn finds_links_images_and_headings_with_offsets() {
        let p = scan("Intro.\n\n### Deep\n\nSee [the Gannet](#gannet) and ![](assets/x.png).\n");
        assert_eq!(
            p.headings,
            vec![Heading {
                level: 3,
                offset: 8
            }]
        );
        assert_eq!(p.links[0].dest, "#gannet");
        assert_eq!(p.links[0].text, "the Gannet");
        assert_eq!(p.images[0].alt, "");
        assert_eq!(
            &"Intro.\n\n### Deep\n\nSee [the Gannet](#gannet) and ![](assets/x.png).\n"
                [p.links[0].offset..p.links[0].offset + 1],
            "["
        );
    }
}
