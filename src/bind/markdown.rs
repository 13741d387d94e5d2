//! The Markdown view: one file, readable on a forge. Raw HTML in prose is escaped;
//! a writer's HTML comments are left out.

use pulldown_cmark::{Event, Parser};

use super::book::Book;

/// Prose with any raw HTML escaped, so a forge shows it as text.
pub fn escape_html(markdown: &str) -> String {
    // (range, whether it is a writer's comment, left out)
    let mut ranges: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    let mut comments = super::Comments::default();
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        if let Event::Html(h) | Event::InlineHtml(h) = &event {
            ranges.push((range, comments.hides(h)));
        }
    }
    if ranges.is_empty() {
        return markdown.to_string();
    }
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut at = 0;
    for (r, comment) in ranges {
        if r.start < at {
            continue;
        }
        out.push_str(&markdown[at..r.start]);
        if !comment {
            // Writing to a String cannot fail.
            let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, &markdown[r.clone()]);
        }
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
    let mut o = format!("# {}\n\n", text(&book.title));
    let mut meta = vec![format!("by {}", text(&book.author))];
    if !book.license.is_empty() {
        meta.push(text(&book.license));
    }
    meta.push(format!("snapshot {} ({})", book.tag, book.date));
    o.push_str(&format!("*{}*\n\n", meta.join(" · ")));
    if !book.content_notes.is_empty() {
        o.push_str(&format!(
            "> Content notes: {}\n\n",
            text(&book.content_notes.join(", "))
        ));
    }
    o.push_str(&format!(
        "Begin at [{}](#{}).\n\n",
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
                "> Content notes: {}\n\n",
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
        if !s.prose.is_empty() {
            o.push_str(&escape_html(&s.prose));
            o.push_str("\n\n");
        }
        if s.story.choices.is_empty() {
            o.push_str("*The end.*\n\n");
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
        o.push_str("---\n\n## Glossary\n\n");
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
                    o.push_str(&format!("See also: {}.\n\n", links.join(", ")));
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
}
