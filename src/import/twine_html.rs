//! Reading a Twine 2 story as most Twine users have it: a published story or a library
//! archive, HTML holding `<tw-storydata>` with one `<tw-passagedata>` per passage (the
//! Twine 2 HTML output specification). The passages come out as Twee passages would —
//! `StoryTitle` and `StoryData` made from the story's attributes, the user stylesheet and
//! script as passages tagged `stylesheet` and `script` — so one reader of passages
//! ([`super::twee::story`]) serves both. Lines are the HTML file's.

use super::twee::{MAX_PASSAGES, MAX_TWEE_BYTES, Passage, TweeError};

/// Whether a file's text is Twine 2 HTML rather than Twee.
pub fn is_twine_html(text: &str) -> bool {
    text.contains("<tw-storydata")
}

/// The 1-based line of byte offset `at`.
fn line_at(text: &str, at: usize) -> usize {
    1 + text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// The attributes of a start tag's inside (after the name, before `>`): names
/// lowercased, values with their character references decoded. Quoted with `"` or
/// `'`, or bare.
fn attributes(inside: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = inside.trim_start();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/' || c == '>')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            match r.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = r[1..].find(q).map_or(r.len(), |e| e + 1);
                    value = r[1..end].to_string();
                    rest = r.get(end + 1..).unwrap_or("");
                }
                _ => {
                    let end = r.find(char::is_whitespace).unwrap_or(r.len());
                    value = r[..end].to_string();
                    rest = &r[end..];
                }
            }
        } else if name.is_empty() {
            // A stray `/` or the like: skip one character.
            let skip = rest.chars().next().map_or(1, char::len_utf8);
            rest = &rest[skip..];
        }
        if !name.is_empty() {
            out.push((name, html_escape::decode_html_entities(&value).into_owned()));
        }
        rest = rest.trim_start();
    }
    out
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// An element `<name …>text</name>` found at or after `from`: the byte offset of its
/// start tag, its attributes, the byte offset of its text, its raw text, and where the
/// search goes on. Element names are matched without regard to case.
struct Element<'a> {
    at: usize,
    attrs: Vec<(String, String)>,
    text_at: usize,
    text: &'a str,
    next: usize,
}

fn element<'a>(html: &'a str, lower: &str, name: &str, from: usize) -> Option<Element<'a>> {
    let open = format!("<{name}");
    let mut search = from;
    loop {
        let at = search + lower[search..].find(&open)?;
        // `<tw-passagedata` must not match `<tw-passagedataX`.
        let after = lower.as_bytes().get(at + open.len()).copied();
        if !matches!(after, Some(b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/')) {
            search = at + open.len();
            continue;
        }
        let tag_end = at + lower[at..].find('>')?;
        let attrs = attributes(&html[at + open.len()..tag_end]);
        let text_at = tag_end + 1;
        let close = format!("</{name}>");
        let end = text_at + lower[text_at..].find(&close)?;
        return Some(Element {
            at,
            attrs,
            text_at,
            text: &html[text_at..end],
            next: end + close.len(),
        });
    }
}

/// The passages of a Twine 2 HTML story, in the order written.
pub fn passages(html: &str) -> Result<Vec<Passage>, TweeError> {
    if html.len() > MAX_TWEE_BYTES {
        return Err(TweeError {
            line: 1,
            message: format!(
                "file is {} bytes; a story larger than {MAX_TWEE_BYTES} bytes is refused",
                html.len()
            ),
        });
    }
    // Offsets in `lower` are offsets in `html`: ASCII lowercasing keeps every byte.
    let lower = html.to_ascii_lowercase();
    let story = element(html, &lower, "tw-storydata", 0).ok_or_else(|| TweeError {
        line: 1,
        message: "no `<tw-storydata>` element: not a Twine 2 story (published or archived)".into(),
    })?;
    let base = story.text_at;
    let inner_lower = &lower[base..base + story.text.len()];
    let mut out = Vec::new();
    let name = attr(&story.attrs, "name").unwrap_or("").trim().to_string();
    let tag_line = line_at(html, story.at);
    if !name.is_empty() {
        out.push(Passage {
            name: "StoryTitle".into(),
            tags: Vec::new(),
            text: name,
            line: tag_line,
        });
    }
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(p) = element(story.text, inner_lower, "tw-passagedata", from) {
        if found.len() == MAX_PASSAGES {
            return Err(TweeError {
                line: line_at(html, base + p.at),
                message: format!("more than {MAX_PASSAGES} passages; a larger story is refused"),
            });
        }
        from = p.next;
        found.push(p);
    }
    let start = attr(&story.attrs, "startnode").and_then(|pid| {
        found
            .iter()
            .find(|p| attr(&p.attrs, "pid") == Some(pid))
            .and_then(|p| attr(&p.attrs, "name"))
    });
    let mut data = serde_json::Map::new();
    for (key, from) in [
        ("ifid", "ifid"),
        ("format", "format"),
        ("format-version", "format-version"),
    ] {
        if let Some(v) = attr(&story.attrs, from).filter(|v| !v.is_empty()) {
            data.insert(key.into(), v.into());
        }
    }
    if let Some(s) = start {
        data.insert("start".into(), s.into());
    }
    out.push(Passage {
        name: "StoryData".into(),
        tags: Vec::new(),
        text: serde_json::Value::Object(data).to_string(),
        line: tag_line,
    });
    for (tag, element_name) in [("stylesheet", "style"), ("script", "script")] {
        if let Some(e) = element(story.text, inner_lower, element_name, 0)
            && !e.text.trim().is_empty()
        {
            out.push(Passage {
                name: format!("Story {tag}"),
                tags: vec![tag.to_string()],
                text: html_escape::decode_html_entities(e.text).into_owned(),
                line: line_at(html, base + e.text_at) - 1,
            });
        }
    }
    for p in &found {
        let name = attr(&p.attrs, "name").unwrap_or("").to_string();
        if name.trim().is_empty() {
            return Err(TweeError {
                line: line_at(html, base + p.at),
                message: "a `<tw-passagedata>` without a name".into(),
            });
        }
        out.push(Passage {
            name,
            tags: attr(&p.attrs, "tags")
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            text: html_escape::decode_html_entities(p.text)
                .trim_end()
                .to_string(),
            // The text begins on the tag's own line; a passage's lines are counted
            // from the line after its header.
            line: line_at(html, base + p.text_at) - 1,
        });
    }
    if found.is_empty() {
        return Err(TweeError {
            line: tag_line,
            message: "the story has no passages (`<tw-passagedata>`)".into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "<!DOCTYPE html>\n<html><body>\n\
        <tw-storydata name=\"The &quot;Toll&quot;\" startnode=\"2\" creator=\"Twine\" \
        ifid=\"D674C58C-DEFA-4F70-B7A2-27742230C0FC\" format=\"SugarCube\" format-version=\"2.36.1\" hidden>\
        <style role=\"stylesheet\" id=\"twine-user-stylesheet\" type=\"text/twine-css\">body { color: #333; }</style>\
        <script role=\"script\" id=\"twine-user-script\" type=\"text/twine-javascript\"></script>\n\
        <tw-passagedata pid=\"1\" name=\"Hall\" tags=\"ending\" position=\"100,100\" size=\"100,100\">You are in.</tw-passagedata>\n\
        <tw-passagedata pid=\"2\" name=\"Gate &amp; Toll\" tags=\"\" position=\"200,100\">The keeper waits.\n\
        &lt;&lt;if $gold gte 5&gt;&gt;[[Pay-&gt;Hall]]&lt;&lt;/if&gt;&gt;\n[[Leave|Hall]]</tw-passagedata>\n\
        </tw-storydata></body></html>\n";

    #[test]
    fn published_html_reads_as_passages_with_the_files_lines() {
        let ps = passages(STORY).expect("reads");
        let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "StoryTitle",
                "StoryData",
                "Story stylesheet",
                "Hall",
                "Gate & Toll"
            ]
        );
        assert_eq!(ps[0].text, "The \"Toll\"");
        let data: serde_json::Value = serde_json::from_str(&ps[1].text).expect("json");
        assert_eq!(data["start"], "Gate & Toll");
        assert_eq!(data["format"], "SugarCube");
        assert_eq!(ps[3].tags, vec!["ending"]);
        let gate = &ps[4];
        assert!(
            gate.text.contains("<<if $gold gte 5>>[[Pay->Hall]]<</if>>"),
            "{}",
            gate.text
        );
        // Its text begins on the file's fifth line, so its second line is the sixth
        // (a passage's lines count from the line after its header).
        assert_eq!(gate.line + 1 + 1, 6);
        let story = super::super::twee::story(&ps).expect("story");
        assert_eq!(story.start.as_deref(), Some("gate-toll"));
        let gate = &story.sections[1].story;
        assert_eq!(gate.choices[0].needs[0].to_string(), "gold >= 5");
        assert_eq!(story.sections[0].story.flag_names, vec!["terminal"]);
    }

    #[test]
    fn what_is_not_a_twine_story_is_refused_with_a_line() {
        assert!(!is_twine_html("<html><body>hello</body></html>"));
        let e = passages("<html>\n<tw-storydata name=\"x\"></tw-storydata>").expect_err("empty");
        assert_eq!(e.line, 2);
        assert!(passages("<html></html>").is_err());
        // Attribute values in either quote, or none; a look-alike element is not one.
        let a = attributes(" name='A b' pid=3 tags=\"x y\" hidden");
        assert_eq!(attr(&a, "name"), Some("A b"));
        assert_eq!(attr(&a, "pid"), Some("3"));
        assert_eq!(attr(&a, "hidden"), Some(""));
        let lower = "<tw-passagedatax>a</tw-passagedatax>";
        assert!(element(lower, lower, "tw-passagedata", 0).is_none());
    }
}
