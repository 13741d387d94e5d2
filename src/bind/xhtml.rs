//! Markdown prose to well-formed XHTML for EPUB, sanitised by construction: only the
//! elements below are ever written, raw HTML becomes text, and links go only to book
//! anchors (rewritten by the caller) or to `http(s)` addresses.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// Text XML can hold: control characters other than tab and line breaks are dropped
/// (the gate refuses them; a snapshot made before it did must still bind to valid XML).
fn xml_chars(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if s.contains(bad) {
        std::borrow::Cow::Owned(s.chars().filter(|c| !bad(*c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Escapes text for an XML text node (`&`, `<`, `>`).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, &xml_chars(s));
    out
}

/// Escapes text for a quoted XML attribute (`&`, `<`, `>`, `"` and `'`).
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, &xml_chars(s));
    out
}

fn level(l: HeadingLevel) -> u8 {
    // Section titles are h2; prose headings start at h3.
    let n = match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    };
    n.max(3)
}

/// Renders prose. `anchor` maps `#id` destinations to hrefs (None: not a book anchor);
/// `image` maps image paths to hrefs of embedded resources.
pub fn prose(
    md: &str,
    anchor: &dyn Fn(&str) -> Option<String>,
    image: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::new();
    // Whether each open link wrote an <a>.
    let mut links: Vec<bool> = Vec::new();
    // An open image: (src, alt so far).
    let mut img: Option<(Option<String>, String)> = None;
    let mut comments = super::Comments::default();
    for event in Parser::new(md) {
        if let Some((_, alt)) = &mut img {
            match event {
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                Event::End(TagEnd::Image) => {
                    let Some((src, alt)) = img.take() else {
                        continue;
                    };
                    match src {
                        Some(src) => out.push_str(&format!(
                            "<img src=\"{}\" alt=\"{}\"/>",
                            escape_attr(&src),
                            escape_attr(&alt)
                        )),
                        None => out.push_str(&escape(&alt)),
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Paragraph) => out.push_str("<p>"),
            Event::End(TagEnd::Paragraph) => out.push_str("</p>\n"),
            Event::Start(Tag::Heading { level: l, .. }) => {
                out.push_str(&format!("<h{}>", level(l)))
            }
            Event::End(TagEnd::Heading(l)) => out.push_str(&format!("</h{}>\n", level(l))),
            Event::Start(Tag::Emphasis) => out.push_str("<em>"),
            Event::End(TagEnd::Emphasis) => out.push_str("</em>"),
            Event::Start(Tag::Strong) => out.push_str("<strong>"),
            Event::End(TagEnd::Strong) => out.push_str("</strong>"),
            Event::Start(Tag::Strikethrough) => out.push_str("<del>"),
            Event::End(TagEnd::Strikethrough) => out.push_str("</del>"),
            Event::Start(Tag::BlockQuote(_)) => out.push_str("<blockquote>\n"),
            Event::End(TagEnd::BlockQuote(_)) => out.push_str("</blockquote>\n"),
            Event::Start(Tag::List(None)) => out.push_str("<ul>\n"),
            Event::End(TagEnd::List(false)) => out.push_str("</ul>\n"),
            Event::Start(Tag::List(Some(_))) => out.push_str("<ol>\n"),
            Event::End(TagEnd::List(true)) => out.push_str("</ol>\n"),
            Event::Start(Tag::Item) => out.push_str("<li>"),
            Event::End(TagEnd::Item) => out.push_str("</li>\n"),
            Event::Start(Tag::CodeBlock(_)) => out.push_str("<pre><code>"),
            Event::End(TagEnd::CodeBlock) => out.push_str("</code></pre>\n"),
            Event::Code(t) => out.push_str(&format!("<code>{}</code>", escape(&t))),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let href = match dest_url.strip_prefix('#') {
                    Some(id) => anchor(id),
                    None if dest_url.starts_with("https://") || dest_url.starts_with("http://") => {
                        Some(dest_url.to_string())
                    }
                    None => None,
                };
                match href {
                    Some(h) => {
                        out.push_str(&format!("<a href=\"{}\">", escape_attr(&h)));
                        links.push(true);
                    }
                    None => links.push(false),
                }
            }
            Event::End(TagEnd::Link) if links.pop() == Some(true) => out.push_str("</a>"),
            Event::Start(Tag::Image { dest_url, .. }) => {
                img = Some((image(&dest_url), String::new()))
            }
            Event::Text(t) => out.push_str(&escape(&t)),
            Event::Html(t) | Event::InlineHtml(t) if !comments.hides(&t) => {
                out.push_str(&escape(&t))
            }
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br/>\n"),
            Event::Rule => out.push_str("<hr/>\n"),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writers_html_comments_stay_out_of_the_book() {
        let none = |_: &str| None;
        let out = prose(
            "Seen <!-- note to self --> text.\n\n<!--\nlonger\nnote\n-->\n\nMore.\n",
            &none,
            &none,
        );
        assert!(!out.contains("note") && !out.contains("longer"), "{out}");
        assert!(out.contains("Seen") && out.contains("More."), "{out}");
    }

    #[test]
    fn control_characters_never_reach_the_xml() {
        assert_eq!(escape("a\u{0}b\u{1b}[2J\u{b}c\td"), "ab[2Jc\td");
        assert_eq!(escape_attr("x\u{7f}\"y"), "x&quot;y");
    }

    #[test]
    fn output_is_escaped_and_links_only_go_where_allowed() {
        let out = prose(
            "Hi <script>x</script> [in](#a) [out](https://example.org) [bad](javascript:alert(1)) ![pic](assets/p.png)\n",
            &|id| (id == "a").then(|| "s-a.xhtml#a".to_string()),
            &|p| (p == "assets/p.png").then(|| "images/p.png".to_string()),
        );
        assert!(
            out.contains("&lt;script&gt;") && !out.contains("javascript"),
            "{out}"
        );
        assert!(
            out.contains("<a href=\"s-a.xhtml#a\">in</a>")
                && out.contains("<a href=\"https://example.org\">out</a>")
        );
        assert!(
            out.contains("<img src=\"images/p.png\" alt=\"pic\"/>"),
            "{out}"
        );
    }
}
