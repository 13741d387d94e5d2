//! The Markdown view: one file, readable on a forge. Raw HTML in prose is escaped;
//! a writer's HTML comments are left out; a sound cue is its transcript, on a line of
//! its own.

use pulldown_cmark::{Event, Parser};

use super::book::Book;
use super::words::fill;

/// A link a reader may follow from the Markdown view: an in-book anchor, the web, mail.
fn safe_link(dest: &str) -> bool {
    let d = dest.trim().to_ascii_lowercase();
    d.starts_with('#')
        || d.starts_with("https://")
        || d.starts_with("http://")
        || d.starts_with("mailto:")
}

/// An image the Markdown view may show: a path inside the book (no scheme, not absolute,
/// no `..`), or one on the web.
fn safe_image(dest: &str) -> bool {
    let d = dest.trim();
    let lower = d.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return true;
    }
    let before_path = d.split(['/', '?', '#']).next().unwrap_or("");
    !d.is_empty()
        && !before_path.contains(':')
        && !d.starts_with(['/', '\\'])
        && !d.split(['/', '\\']).any(|part| part == "..")
}

/// Prose made inert for the Markdown view: raw HTML escaped so a forge shows it as
/// text, a writer's HTML comments left out, links that are not in-book anchors or
/// web/mail addresses (`javascript:`, `data:`, `file:`, relative paths) reduced to their
/// text, and images outside the book (`file:`, `data:`, absolute, `../`) to their alt
/// text.
pub fn escape_html(markdown: &str) -> String {
    use pulldown_cmark::{Tag, TagEnd};
    // (range, replacement)
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut comments = super::Comments::default();
    // A link or image being reduced to its text: its range and the text so far.
    let mut reducing: Option<(std::ops::Range<usize>, String)> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        if let Some((_, text_so_far)) = &mut reducing {
            match &event {
                Event::Text(t) | Event::Code(t) => text_so_far.push_str(t),
                Event::End(TagEnd::Link | TagEnd::Image) => {
                    if let Some((r, t)) = reducing.take() {
                        edits.push((r, text(&t)));
                    }
                }
                _ => {}
            }
            continue;
        }
        match &event {
            Event::Html(h) | Event::InlineHtml(h) => {
                let shown = if comments.hides(h) {
                    String::new()
                } else {
                    let mut out = String::new();
                    // Writing to a String cannot fail.
                    let _ = pulldown_cmark_escape::escape_html_body_text(
                        &mut out,
                        &markdown[range.clone()],
                    );
                    out
                };
                edits.push((range, shown));
            }
            Event::Start(Tag::Link { dest_url, .. }) if !safe_link(dest_url) => {
                reducing = Some((range, String::new()));
            }
            Event::Start(Tag::Image { dest_url, .. }) if !safe_image(dest_url) => {
                reducing = Some((range, String::new()));
            }
            _ => {}
        }
    }
    if edits.is_empty() {
        return markdown.to_string();
    }
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut at = 0;
    for (r, replacement) in edits {
        if r.start < at {
            continue;
        }
        out.push_str(&markdown[at..r.start]);
        out.push_str(&replacement);
        at = r.end;
    }
    out.push_str(&markdown[at..]);
    out
}

fn text(s: &str) -> String {
    // Inline text from front matter: no Markdown or HTML of its own.
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '*' | '_' | '[' | ']' | '`' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Renders the book.
pub fn render(book: &Book) -> String {
    let w = super::words::for_language(&book.language);
    let mut o = format!("# {}\n\n", text(&book.title));
    let mut meta = vec![format!("{} {}", w.by, text(&book.author))];
    if !book.license.is_empty() {
        meta.push(text(&book.license));
    }
    meta.push(fill(
        w.paper.snapshot_dated,
        &[("tag", &book.tag), ("date", &book.date)],
    ));
    o.push_str(&format!("*{}*\n\n", meta.join(" · ")));
    if !book.content_notes.is_empty() {
        o.push_str(&format!(
            "> {}{}{}\n\n",
            w.content_notes,
            w.colon,
            text(&book.content_notes.join(", "))
        ));
    }
    o.push_str(&format!(
        "{} [{}](#{}).\n\n",
        w.begin_at,
        text(
            &book
                .sections
                .first()
                .map(|s| s.story.title.clone())
                .unwrap_or_default()
        ),
        book.start
    ));
    for s in &book.sections {
        o.push_str("---\n\n");
        o.push_str(&format!(
            "<a id=\"{}\"></a>\n\n## {}\n\n",
            s.story.id,
            text(&s.story.title)
        ));
        if !s.story.content_notes.is_empty() {
            o.push_str(&format!(
                "> {}{}{}\n\n",
                w.content_notes,
                w.colon,
                text(&s.story.content_notes.join(", "))
            ));
        }
        for p in book.pictures.iter().filter(|p| p.section == s.story.id) {
            o.push_str(&format!(
                "![{}]({})\n\n*{}*\n\n",
                text(&p.alt),
                p.asset,
                text(&p.caption)
            ));
        }
        // A sound is given as its transcript: the Markdown view cannot play it.
        for x in book.sounds_in(&s.story.id) {
            o.push_str(&format!("*{}{}{}*\n\n", w.sound, w.colon, text(&x.caption)));
        }
        if !s.prose.is_empty() {
            o.push_str(&escape_html(&s.prose));
            o.push_str("\n\n");
        }
        if s.story.choices.is_empty() {
            o.push_str(&format!("*{}*\n\n", w.the_end));
        }
        for c in &s.story.choices {
            match book
                .condition_of(c)
                .filter(|_| !c.requires.is_empty() || !c.forbids.is_empty())
            {
                Some(cond) => o.push_str(&format!(
                    "- [{}](#{}) — *{}*\n",
                    text(&c.label),
                    c.to,
                    text(&cond)
                )),
                None => o.push_str(&format!("- [{}](#{})\n", text(&c.label), c.to)),
            }
        }
        if !s.story.choices.is_empty() {
            o.push('\n');
        }
    }
    if !book.codex.is_empty() {
        o.push_str(&format!("---\n\n## {}\n\n", w.glossary));
        for e in &book.codex {
            o.push_str(&format!(
                "<a id=\"{}\"></a>\n\n### {}\n\n{}\n\n",
                e.id,
                text(&e.title),
                escape_html(&e.body)
            ));
            if !e.see_also.is_empty() {
                let links: Vec<String> = e
                    .see_also
                    .iter()
                    .filter_map(|id| book.codex.iter().find(|x| &x.id == id))
                    .map(|x| format!("[{}](#{})", text(&x.title), x.id))
                    .collect();
                if !links.is_empty() {
                    o.push_str(&format!("{}: {}.\n\n", w.see_also, links.join(", ")));
                }
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_in_prose_is_escaped() {
        let out = escape_html("A <script>alert(1)</script> and <img src=x onerror=alert(1)> here.");
        let hidden = escape_html(
            "Seen <!-- a note to self --> text.\n\n<!--\nA longer note,\nover lines.\n-->\n\nMore.\n",
        );
        assert!(
            !hidden.contains("note") && !hidden.contains("over lines"),
            "{hidden}"
        );
        assert!(
            hidden.contains("Seen") && hidden.contains("More."),
            "{hidden}"
        );
        assert!(!out.contains("<script>") && !out.contains("<img"), "{out}");
        assert!(out.contains("&lt;script&gt;"));
    }

    #[test]
    fn links_and_images_that_leave_the_book_are_reduced_to_their_text() {
        let out = escape_html(
            "[Go](javascript:alert(1)) [data](data:text/html,x) [up](../secret.md) \
             [in](#quay) [web](https://example.org) ![file](file:///etc/passwd) \
             ![dots](../../x.png) ![ok](assets/map.png) <javascript:alert(2)>",
        );
        for gone in ["](javascript", "<javascript", "](data:", "](../", "](file:"] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        for kept in [
            "Go",
            "[in](#quay)",
            "[web](https://example.org)",
            "![ok](assets/map.png)",
            "file",
            "dots",
        ] {
            assert!(out.contains(kept), "{kept} in {out}");
        }
    }
}
