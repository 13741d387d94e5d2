//! The Twee 3 view, for Twine 2 and Tweego, in the **SugarCube 2** story format:
//! codewords become `$cw_…` variables set with `<<set>>` on arrival, counters become
//! number variables (`$gold`) kept inside their range with `Math.clamp`, and gated
//! choices become `<<if>>` blocks that show the reader-facing condition when closed; a
//! choice that costs or grants is a link with a setter. Prose
//! Markdown is turned into SugarCube markup; text that SugarCube would read as markup
//! is wrapped in `"""verbatim"""`.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::book::Book;
use crate::story::counters::{Change, Counter, Delta, Need, Op};

/// The story format the export targets.
pub const FORMAT: &str = "SugarCube";
/// Its version.
pub const FORMAT_VERSION: &str = "2.37.3";

/// `ferry-token` → `$cw_ferry_token`.
pub fn variable(codeword: &str) -> String {
    let body: String = codeword
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("$cw_{body}")
}

/// `gold` → `$gold`, `lamps-lit` → `$lamps_lit`; an id that would read as a codeword's
/// variable (`cw-…`) gets `n_` in front.
pub fn counter_variable(counter: &str) -> String {
    let body: String = counter
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if body.starts_with("cw_") || body.starts_with("n_") {
        format!("$n_{body}")
    } else {
        format!("${body}")
    }
}

/// A change as a SugarCube assignment's right-hand side, kept in the counter's range.
fn assignment(c: &Counter, ch: &Change) -> String {
    let v = counter_variable(&c.id);
    match ch.delta {
        Delta::Set(n) => format!("{v} to {}", n.clamp(c.min, c.max)),
        Delta::Add(n) if n < 0 => format!("{v} to Math.clamp({v} - {}, {}, {})", -n, c.min, c.max),
        Delta::Add(n) => format!("{v} to Math.clamp({v} + {n}, {}, {})", c.min, c.max),
    }
}

/// A need as a SugarCube test: `$gold gte 5`.
fn test_of(n: &Need) -> String {
    let op = match n.op {
        Op::Ge => "gte",
        Op::Gt => "gt",
        Op::Le => "lte",
        Op::Lt => "lt",
        Op::Eq => "eq",
        Op::Ne => "neq",
    };
    format!("{} {op} {}", counter_variable(&n.counter), n.value)
}

/// Text SugarCube shows as it is: a run holding anything it could read as markup is
/// wrapped in `"""…"""` (SugarCube's verbatim markup), after any `"""` of its own is
/// broken up so the run cannot close the wrapping early.
fn verbatim(s: &str) -> String {
    let risky = [
        "$", "_", "[[", "]]", "<<", ">>", "//", "''", "@@", "{{{", "<", "/*", "==", "^^", "~~",
    ];
    let s = s.replace("\"\"\"", "\" \" \"");
    if risky.iter().any(|r| s.contains(r)) {
        format!("\"\"\"{s}\"\"\"")
    } else {
        s
    }
}

/// A passage's text with every line that Twee would read as a passage header (`::`)
/// escaped as the Twee 3 specification says (`\::`).
fn no_headers(text: &str) -> String {
    if !text.contains("::") {
        return text.to_string();
    }
    text.split('\n')
        .map(|l| {
            if l.starts_with("::") {
                format!("\\{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escapes a passage name or tag for a Twee 3 header.
fn name(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '[' | ']' | '{' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Markdown prose to SugarCube markup.
fn prose(book: &Book, md: &str) -> String {
    let mut out = String::new();
    let mut link: Option<(String, String)> = None;
    // Adjacent text events (the parser splits at `<`, `[`, …) are one run of text,
    // made verbatim as a whole.
    let mut run = String::new();
    let mut comments = super::Comments::default();
    for event in Parser::new(md) {
        if (!matches!(event, Event::Text(_) | Event::Code(_)) || link.is_some()) && !run.is_empty()
        {
            out.push_str(&verbatim(&run));
            run.clear();
        }
        match event {
            Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => out.push_str("//"),
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => out.push_str("''"),
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((dest_url.to_string(), String::new()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((dest, text)) = link.take() {
                    let text = text.replace(['[', ']', '|'], "");
                    match dest.strip_prefix('#') {
                        Some(id) if book.is_section(id) => {
                            out.push_str(&format!("[[{text}|{id}]]"))
                        }
                        Some(id) if book.codex.iter().any(|e| e.id == id) => {
                            out.push_str(&format!("[[{text}|codex-{id}]]"))
                        }
                        _ => out.push_str(&verbatim(&text)),
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => match &mut link {
                Some((_, text)) => text.push_str(&t),
                None => run.push_str(&t),
            },
            Event::Html(h) | Event::InlineHtml(h) if !comments.hides(&h) => {
                out.push_str(&format!("\"\"\"{}\"\"\"", h.replace("\"\"\"", "")))
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::End(TagEnd::Paragraph) => out.push_str("\n\n"),
            Event::Start(Tag::Heading { level, .. }) => out.push_str(&"!".repeat(level as usize)),
            Event::End(TagEnd::Heading(_)) => out.push('\n'),
            Event::Start(Tag::Item) => out.push_str("* "),
            Event::End(TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    out.push_str(&verbatim(&run));
    no_headers(out.trim_end())
}

/// Renders the book as a Twee 3 story.
pub fn render(book: &Book) -> String {
    let mut o = format!(":: StoryTitle\n{}\n\n", book.title);
    let data = serde_json::json!({
        "ifid": book.ifid,
        "format": FORMAT,
        "format-version": FORMAT_VERSION,
        "start": book.start,
        "zoom": 1,
    });
    o.push_str(&format!(
        ":: StoryData\n{}\n\n",
        serde_json::to_string_pretty(&data).unwrap_or_default()
    ));
    let mut codewords: Vec<&str> = book
        .sections
        .iter()
        .flat_map(|s| {
            s.story.sets.iter().chain(
                s.story
                    .choices
                    .iter()
                    .flat_map(|c| c.requires.iter().chain(&c.forbids)),
            )
        })
        .map(|w| w.id.as_str())
        .collect();
    codewords.sort();
    codewords.dedup();
    o.push_str(":: StoryInit\n");
    for w in &codewords {
        o.push_str(&format!("<<set {} to false>>\n", variable(w)));
    }
    for c in &book.counters {
        // The declaration rides along as a comment, so an import gets the range and
        // the reader-facing name back.
        o.push_str(&format!(
            "/* counter {} {}..{}{}: {} */<<set {} to {}>>\n",
            c.id,
            c.min,
            c.max,
            if c.item { " item" } else { "" },
            c.name.replace("*/", "* /"),
            counter_variable(&c.id),
            c.start
        ));
    }
    o.push('\n');
    let counter = |id: &str| book.counters.iter().find(|c| c.id == id);
    for (i, s) in book.sections.iter().enumerate() {
        let tags = if s.story.flag_names.is_empty() {
            String::new()
        } else {
            format!(
                " [{}]",
                s.story
                    .flag_names
                    .iter()
                    .map(|f| name(f))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        let pos = format!(
            "{{\"position\":\"{},{}\",\"size\":\"100,100\"}}",
            100 + (i % 10) * 150,
            100 + (i / 10) * 150
        );
        o.push_str(&format!(":: {}{tags} {pos}\n", name(&s.story.id)));
        for w in &s.story.sets {
            o.push_str(&format!("<<set {} to true>>", variable(&w.id)));
        }
        let arrive: Vec<String> = s
            .story
            .change
            .iter()
            .filter_map(|ch| counter(&ch.counter).map(|c| format!("<<set {}>>", assignment(c, ch))))
            .collect();
        o.push_str(&arrive.concat());
        if !s.story.sets.is_empty() || !arrive.is_empty() {
            o.push('\n');
        }
        o.push_str(&format!("!! {}\n\n", verbatim(&s.story.title)));
        // A sound is given as its transcript (the story carries no media), in
        // SugarCube's styled-text markup with the class `sound`.
        for x in book.sounds_in(&s.story.id) {
            o.push_str(&format!(
                "@@.sound;//Sound: {}//@@\n\n",
                verbatim(&x.caption.replace("@@", "@ @"))
            ));
        }
        if !s.prose.is_empty() {
            o.push_str(&prose(book, &s.prose));
            o.push_str("\n\n");
        }
        if s.story.flags.terminal && s.story.choices.is_empty() {
            o.push_str("//The end.//\n");
        }
        for c in &s.story.choices {
            let label = c.label.replace(['[', ']', '|'], "");
            let setters: Vec<String> = c
                .change
                .iter()
                .filter_map(|ch| counter(&ch.counter).map(|k| assignment(k, ch)))
                .collect();
            let link = if setters.is_empty() {
                format!("[[{label}|{}]]", c.to)
            } else {
                format!("[[{label}|{}][{}]]", c.to, setters.join("; "))
            };
            if !c.gated() {
                o.push_str(&format!("* {link}\n"));
                continue;
            }
            let mut test: Vec<String> = c.requires.iter().map(|w| variable(&w.id)).collect();
            test.extend(c.forbids.iter().map(|w| format!("not {}", variable(&w.id))));
            test.extend(c.needs.iter().map(test_of));
            for ch in &c.change {
                if let (Some(cost), Some(k)) = (ch.cost(), counter(&ch.counter)) {
                    test.push(format!("{} gte {}", counter_variable(&k.id), k.min + cost));
                }
            }
            let cond = book.condition_of(c).unwrap_or_default();
            o.push_str(&format!(
                "* <<if {}>>{link}<<else>>//{}// — {}<</if>>\n",
                test.join(" and "),
                verbatim(&label),
                verbatim(&cond)
            ));
        }
        o.push('\n');
    }
    for e in &book.codex {
        o.push_str(&format!(
            ":: {} [codex]\n!! {}\n\n{}\n\n",
            name(&format!("codex-{}", e.id)),
            verbatim(&e.title),
            prose(book, &e.body)
        ));
        // Related entries as links on a line of their own (the import reads the line
        // back as `see_also`).
        let see: Vec<String> = e
            .see_also
            .iter()
            .filter_map(|id| book.codex.iter().find(|x| &x.id == id))
            .map(|x| {
                format!(
                    "[[{}|codex-{}]]",
                    x.title.replace(['[', ']', '|'], ""),
                    x.id
                )
            })
            .collect();
        if !see.is_empty() {
            o.truncate(o.trim_end().len());
            o.push_str(&format!("\n\nSee also: {}.\n\n", see.join(", ")));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codewords_become_sugarcube_variables() {
        assert_eq!(variable("ferry-token"), "$cw_ferry_token");
    }

    #[test]
    fn counters_become_number_variables_that_cannot_shadow_codewords() {
        assert_eq!(counter_variable("gold"), "$gold");
        assert_eq!(counter_variable("lamps-lit"), "$lamps_lit");
        assert_eq!(counter_variable("cw-x"), "$n_cw_x");
        let gold = Counter {
            id: "gold".into(),
            name: "gold".into(),
            min: 0,
            max: 9,
            start: 0,
            item: false,
            line: 1,
        };
        let ch = |delta| Change {
            counter: "gold".into(),
            delta,
            line: 1,
        };
        assert_eq!(
            assignment(&gold, &ch(Delta::Add(-3))),
            "$gold to Math.clamp($gold - 3, 0, 9)"
        );
        assert_eq!(assignment(&gold, &ch(Delta::Set(4))), "$gold to 4");
    }

    #[test]
    fn risky_text_is_verbatim() {
        assert_eq!(
            verbatim("costs $5 and <<more>>"),
            "\"\"\"costs $5 and <<more>>\"\"\""
        );
        assert_eq!(verbatim("plain words"), "plain words");
    }

    #[test]
    fn prose_cannot_close_its_verbatim_or_start_a_passage() {
        // Its own `"""` cannot end the wrapping before the macro.
        let v = verbatim("\"\"\"<<run alert(1)>>\"\"\"");
        assert!(v.starts_with("\"\"\"") && v.ends_with("\"\"\""), "{v}");
        assert_eq!(v.matches("\"\"\"").count(), 2, "{v}");
        // A line that would begin a new passage is escaped.
        assert_eq!(
            no_headers("Text.\n:: Evil [script]\n<<run x>>"),
            "Text.\n\\:: Evil [script]\n<<run x>>"
        );
    }
}
