//! Reading a Twee 3 story (as Twine 2 and Tweego write it) into sections: passages
//! become sections, `[[links]]` in their three forms become choices, StoryTitle and
//! StoryData give the title and the start. What has no meaning for showrunner — story
//! format macros, script and stylesheet passages, unknown tags — is kept (in the prose,
//! or in the report) and listed, never dropped.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::yaml::quote;

/// A passage as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Passage {
    /// Its name, unescaped.
    pub name: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its text.
    pub text: String,
    /// The line of its `::` header.
    pub line: usize,
}

/// A choice read from a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    /// What the reader sees.
    pub label: String,
    /// The target passage's name.
    pub target: String,
}

/// A section ready to write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Its id (the slug of the passage name).
    pub id: String,
    /// The passage it came from.
    pub passage: String,
    /// Its title.
    pub title: String,
    /// Flags from tags (and `terminal` for a passage without links).
    pub flags: Vec<String>,
    /// Choices: label and target section id.
    pub choices: Vec<(String, String)>,
    /// Tags with no showrunner meaning, kept as `x-twee-tags`.
    pub other_tags: Vec<String>,
    /// The prose (Markdown), links on lines of their own removed, inline ones kept as text.
    pub prose: String,
}

impl Section {
    /// The section file (`sections/<id>.md`).
    pub fn render(&self) -> String {
        let mut o = format!("---\nid: {}\ntitle: {}\n", self.id, quote(&self.title));
        if !self.flags.is_empty() {
            o.push_str(&format!("flags: [{}]\n", self.flags.join(", ")));
        }
        if !self.choices.is_empty() {
            o.push_str("choices:\n");
            for (label, to) in &self.choices {
                o.push_str(&format!(
                    "  - label: {}\n    to: {}\n",
                    quote(label),
                    quote(to)
                ));
            }
        }
        if !self.other_tags.is_empty() {
            let tags: Vec<String> = self.other_tags.iter().map(|t| quote(t)).collect();
            o.push_str(&format!("x-twee-tags: [{}]\n", tags.join(", ")));
        }
        o.push_str("---\n");
        if !self.prose.is_empty() {
            o.push_str(&self.prose);
            o.push('\n');
        }
        o
    }
}

/// Something kept but not mapped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// The passage.
    pub passage: String,
    /// Line in the Twee file.
    pub line: usize,
    /// What it is.
    pub what: String,
    /// The text.
    pub text: String,
}

/// The whole import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Story {
    /// StoryTitle.
    pub title: Option<String>,
    /// The start section id (StoryData `start`, else a passage named `Start`, else the first).
    pub start: Option<String>,
    /// StoryData's IFID.
    pub ifid: Option<String>,
    /// StoryData's story format and version.
    pub format: Option<String>,
    /// The sections.
    pub sections: Vec<Section>,
    /// Passages renamed because their slugs collided: (passage, id).
    pub renamed: Vec<(String, String)>,
    /// Story-format macros left in the prose.
    pub macros: Vec<Kept>,
    /// Passages that are not sections (scripts, stylesheets, special passages), whole.
    pub not_sections: Vec<Kept>,
}

/// A Twee problem that stops the import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TweeError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// `The Old Sea-Gate!` → `the-old-sea-gate`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let s = out.trim_end_matches('-').to_string();
    if s.is_empty() { "passage".into() } else { s }
}

/// Splits a passage header (`Name [tags] {metadata}`) into the name and tags.
fn header(rest: &str, line: usize) -> Result<(String, Vec<String>), TweeError> {
    let mut name = String::new();
    let mut chars = rest.trim().chars().peekable();
    let mut tags_text = None;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    name.push(n);
                }
            }
            '[' => {
                let mut t = String::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                t.push(n);
                            }
                        }
                        ']' => {
                            closed = true;
                            break;
                        }
                        c => t.push(c),
                    }
                }
                if !closed {
                    return Err(TweeError {
                        line,
                        message: "the passage's tag list has no closing `]`".into(),
                    });
                }
                tags_text = Some(t);
                break;
            }
            '{' => break,
            c => name.push(c),
        }
    }
    let name = name.trim().to_string();
    if name.is_empty() {
        return Err(TweeError {
            line,
            message: "a passage header needs a name after `::`".into(),
        });
    }
    let tags = tags_text
        .map(|t| t.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    Ok((name, tags))
}

/// Reads the passages of a Twee 3 file.
pub fn passages(text: &str) -> Result<Vec<Passage>, TweeError> {
    let mut out: Vec<Passage> = Vec::new();
    let mut body: Vec<&str> = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let flush = |out: &mut Vec<Passage>, body: &mut Vec<&str>| {
        if let Some(p) = out.last_mut() {
            p.text = body.join("\n").trim_end().to_string();
        }
        body.clear();
    };
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if let Some(rest) = line.strip_prefix("::") {
            flush(&mut out, &mut body);
            let (name, tags) = header(rest, i + 1)?;
            out.push(Passage {
                name,
                tags,
                text: String::new(),
                line: i + 1,
            });
        } else if out.is_empty() {
            if !line.trim().is_empty() {
                return Err(TweeError {
                    line: i + 1,
                    message: "text before the first passage (`:: Name`)".into(),
                });
            }
        } else {
            body.push(line);
        }
    }
    flush(&mut out, &mut body);
    if out.is_empty() {
        return Err(TweeError {
            line: 1,
            message: "no passages (a Twee passage starts with `:: Name`)".into(),
        });
    }
    Ok(out)
}

/// A link's text in its three forms: `Target`, `Label|Target`, `Label->Target`,
/// `Target<-Label`. A SugarCube setter (`][$x to 1`) is returned apart.
fn link(inner: &str) -> (Link, Option<String>) {
    let (inner, setter) = match inner.split_once("][") {
        Some((l, s)) => (l, Some(s.to_string())),
        None => (inner, None),
    };
    let (label, target) = if let Some(i) = inner.rfind("->") {
        (&inner[..i], &inner[i + 2..])
    } else if let Some(i) = inner.find("<-") {
        (&inner[i + 2..], &inner[..i])
    } else if let Some(i) = inner.rfind('|') {
        (&inner[..i], &inner[i + 1..])
    } else {
        (inner, inner)
    };
    (
        Link {
            label: label.trim().to_string(),
            target: target.trim().to_string(),
        },
        setter,
    )
}

/// The `[[…]]` links of a line with their byte ranges.
fn links_in(line: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = line[from..].find("[[") {
        let start = from + i;
        let Some(j) = line[start + 2..].find("]]") else {
            break;
        };
        // `[[a][b]]`: the closing `]]` comes after the setter.
        let mut end = start + 2 + j;
        while line[end + 2..].starts_with(']') {
            end += 1;
        }
        out.push((start, end + 2, line[start + 2..end].to_string()));
        from = end + 2;
    }
    out
}

/// Story-format macros and variables in a line (SugarCube `<<…>>`, Harlowe `(name: …)`,
/// `$variables`).
fn macros_in(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("<<") {
        let end = rest[i..].find(">>").map_or(rest.len(), |j| i + j + 2);
        out.push(rest[i..end].to_string());
        rest = &rest[end..];
    }
    let b = line.as_bytes();
    for (i, _) in line.match_indices('(') {
        let name: String = line[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if !name.is_empty()
            && b.get(i + 1 + name.len()) == Some(&b':')
            && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        {
            let end = line[i..].find(')').map_or(line.len(), |j| i + j + 1);
            out.push(line[i..end].to_string());
        }
    }
    if out.is_empty()
        && line
            .split_whitespace()
            .any(|w| w.starts_with('$') && w.len() > 1 && w.as_bytes()[1].is_ascii_alphabetic())
    {
        out.push(line.trim().to_string());
    }
    out
}

const SPECIAL: [&str; 15] = [
    "StoryTitle",
    "StoryData",
    "StoryInit",
    "StoryCaption",
    "StoryMenu",
    "StoryBanner",
    "StorySubtitle",
    "StoryAuthor",
    "StoryInterface",
    "StoryShare",
    "PassageReady",
    "PassageDone",
    "PassageHeader",
    "PassageFooter",
    "StorySettings",
];

const NOT_STORY_TAGS: [&str; 5] = ["script", "stylesheet", "widget", "Twine.private", "codex"];

/// Turns passages into a story.
pub fn story(passages: &[Passage]) -> Result<Story, TweeError> {
    let mut title = None;
    let mut data: Option<serde_json::Value> = None;
    let mut not_sections = Vec::new();
    let mut story_passages: Vec<&Passage> = Vec::new();
    for p in passages {
        match p.name.as_str() {
            "StoryTitle" => title = Some(p.text.trim().to_string()),
            "StoryData" => {
                data = Some(serde_json::from_str(&p.text).map_err(|e| TweeError {
                    line: p.line + e.line(),
                    message: format!("StoryData is not JSON: {e}"),
                })?);
            }
            n if SPECIAL.contains(&n) => not_sections.push(Kept {
                passage: p.name.clone(),
                line: p.line,
                what: "special passage of the story format".into(),
                text: p.text.clone(),
            }),
            _ if p.tags.iter().any(|t| NOT_STORY_TAGS.contains(&t.as_str())) => {
                not_sections.push(Kept {
                    passage: p.name.clone(),
                    line: p.line,
                    what: format!("passage tagged {}", p.tags.join(" ")),
                    text: p.text.clone(),
                })
            }
            _ => story_passages.push(p),
        }
    }
    // Ids: slugs, made unique in file order.
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    let mut renamed = Vec::new();
    for p in &story_passages {
        let base = slug(&p.name);
        let n = used.entry(base.clone()).or_insert(0);
        *n += 1;
        let id = if *n == 1 {
            base
        } else {
            let id = format!("{base}-{n}");
            renamed.push((p.name.clone(), id.clone()));
            id
        };
        ids.insert(p.name.clone(), id);
    }
    let id_of = |name: &str| ids.get(name).cloned().unwrap_or_else(|| slug(name));
    let mut macros = Vec::new();
    let mut sections = Vec::new();
    for p in &story_passages {
        let mut lines: Vec<&str> = p.text.lines().collect();
        // Our own Twee view opens each passage with `!! Title`.
        let mut title_text = p.name.clone();
        if let Some(first) = lines.first()
            && let Some(h) = first
                .trim()
                .strip_prefix("!!")
                .or_else(|| first.trim().strip_prefix('!'))
        {
            title_text = h.trim().trim_matches('"').to_string();
            lines.remove(0);
        }
        let mut choices: Vec<(String, String)> = Vec::new();
        let mut prose: Vec<String> = Vec::new();
        for (k, line) in lines.iter().enumerate() {
            let at = p.line + 1 + k + usize::from(title_text != p.name);
            let found = links_in(line);
            for (_, _, inner) in &found {
                let (mut l, setter) = link(inner);
                if l.target.is_empty() {
                    return Err(TweeError {
                        line: at,
                        message: format!("the link `[[{inner}]]` names no passage"),
                    });
                }
                if l.label.is_empty() {
                    l.label = l.target.clone();
                }
                choices.push((l.label.clone(), id_of(&l.target)));
                if let Some(s) = setter {
                    macros.push(Kept {
                        passage: p.name.clone(),
                        line: at,
                        what: "link setter".into(),
                        text: format!("[{s}]"),
                    });
                }
            }
            let bare = line.trim().trim_start_matches(['*', '-']).trim();
            let only_link = found.len() == 1 && {
                let (s, e, _) = &found[0];
                line[..*s]
                    .trim()
                    .trim_start_matches(['*', '-'])
                    .trim()
                    .is_empty()
                    && line[*e..].trim().is_empty()
            };
            for m in macros_in(line) {
                macros.push(Kept {
                    passage: p.name.clone(),
                    line: at,
                    what: "story-format macro (kept in the prose)".into(),
                    text: m,
                });
            }
            if only_link && !bare.is_empty() {
                continue;
            }
            let mut text = line.to_string();
            for (s, e, inner) in found.iter().rev() {
                text.replace_range(*s..*e, &link(inner).0.label);
            }
            prose.push(text);
        }
        let prose = prose.join("\n").trim().to_string();
        let mut flags = Vec::new();
        let mut other_tags = Vec::new();
        for t in &p.tags {
            match t.to_lowercase().as_str() {
                f @ ("hub" | "loop" | "keystone" | "terminal") => {
                    if !flags.contains(&f.to_string()) {
                        flags.push(f.to_string())
                    }
                }
                "end" | "ending" => {
                    if !flags.contains(&"terminal".to_string()) {
                        flags.push("terminal".into())
                    }
                }
                _ => other_tags.push(t.clone()),
            }
        }
        if choices.is_empty() && !flags.iter().any(|f| f == "terminal") {
            flags.push("terminal".into());
        }
        sections.push(Section {
            id: id_of(&p.name),
            passage: p.name.clone(),
            title: title_text,
            flags,
            choices,
            other_tags,
            prose,
        });
    }
    let start_name = data
        .as_ref()
        .and_then(|d| d["start"].as_str().map(str::to_string))
        .or_else(|| {
            story_passages
                .iter()
                .find(|p| p.name == "Start")
                .map(|p| p.name.clone())
        })
        .or_else(|| story_passages.first().map(|p| p.name.clone()));
    let format = data.as_ref().and_then(|d| {
        d["format"]
            .as_str()
            .map(|f| match d["format-version"].as_str() {
                Some(v) => format!("{f} {v}"),
                None => f.to_string(),
            })
    });
    Ok(Story {
        title,
        start: start_name.map(|n| id_of(&n)),
        ifid: data
            .as_ref()
            .and_then(|d| d["ifid"].as_str().map(str::to_string)),
        format,
        sections,
        renamed,
        macros,
        not_sections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_in_their_three_forms() {
        assert_eq!(
            link("Go home").0,
            Link {
                label: "Go home".into(),
                target: "Go home".into()
            }
        );
        assert_eq!(
            link("Run|Hall").0,
            Link {
                label: "Run".into(),
                target: "Hall".into()
            }
        );
        assert_eq!(
            link("Run->Hall").0,
            Link {
                label: "Run".into(),
                target: "Hall".into()
            }
        );
        assert_eq!(
            link("Hall<-Run").0,
            Link {
                label: "Run".into(),
                target: "Hall".into()
            }
        );
        let (l, setter) = link("Take it|Vault][$key to true");
        assert_eq!(l.target, "Vault");
        assert_eq!(setter.as_deref(), Some("$key to true"));
    }

    #[test]
    fn headers_unescape_names_and_read_tags() {
        let (name, tags) =
            header(r#" The \[Old\] Gate [hub ending] {"position":"1,1"}"#, 1).expect("header");
        assert_eq!(name, "The [Old] Gate");
        assert_eq!(tags, vec!["hub", "ending"]);
        assert!(header(" Name [open", 3).is_err());
    }

    #[test]
    fn slugs_are_ids() {
        assert_eq!(slug("The Old Sea-Gate!"), "the-old-sea-gate");
        assert_eq!(slug("  "), "passage");
    }
}
