//! Reading a Twee 3 story (as Twine 2 and Tweego write it) into sections: passages
//! become sections, `[[links]]` in their three forms become choices, StoryTitle and
//! StoryData give the title and the start. SugarCube's plain codeword macros become
//! codewords: `<<set $v to true>>` outside any condition is `sets`, and a link inside
//! `<<if $a and not $b>>` (inline, as showrunner's own Twee view writes it, or a block
//! around link lines; `<<unless>>` and `<<else>>` too) is a gated choice, the `<<else>>`
//! text its reader-facing condition. What has no meaning for showrunner — other story
//! format macros, script and stylesheet passages, unknown tags — is kept (in the prose,
//! or in the report) and listed, never dropped.
//!
//! Sections and choices are `story`'s values; the section files are written through
//! [`crate::story::write::front_matter`].

use std::collections::BTreeMap;

use serde::Serialize;

use crate::artifact::yaml::quote;
use crate::story::counters::{Change, Counter, Delta, Need, Op};
use crate::story::{self, Mention};

use super::{formats, numbers};

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

/// A section ready to write: the story model's section (id, title, flags, sets,
/// choices) with what only an import has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The section, as the story model holds it (lines 0: it is made, not read).
    pub story: story::Section,
    /// The passage it came from.
    pub passage: String,
    /// Tags with no showrunner meaning, kept as `x-twee-tags`.
    pub other_tags: Vec<String>,
    /// The prose (Markdown), links on lines of their own removed, inline ones kept as text
    /// (not in the import's JSON: it is in the section files).
    pub prose: String,
}

impl Section {
    /// The section file (`sections/<id>.md`): the story model's front matter, the kept
    /// tags, the prose.
    pub fn render(&self) -> String {
        let mut o = format!("---\n{}", story::write::front_matter(&self.story));
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

/// The import's JSON of a section: its id, passage, title, flags, sets, choices (label,
/// to, and the gate when there is one) and the tags kept.
impl Serialize for Section {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Choice<'a> {
            label: &'a str,
            to: &'a str,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            requires: Vec<&'a str>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            forbids: Vec<&'a str>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            needs: Vec<String>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            change: Vec<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            condition: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Out<'a> {
            id: &'a str,
            passage: &'a str,
            title: &'a str,
            flags: &'a [String],
            sets: Vec<&'a str>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            change: Vec<String>,
            choices: Vec<Choice<'a>>,
            tags_kept: &'a [String],
        }
        fn ids(ms: &[Mention]) -> Vec<&str> {
            ms.iter().map(|m| m.id.as_str()).collect()
        }
        fn moves(cs: &[Change]) -> Vec<String> {
            cs.iter()
                .map(|c| format!("{} {}", c.counter, c.written()))
                .collect()
        }
        let s = &self.story;
        Out {
            id: &s.id,
            passage: &self.passage,
            title: &s.title,
            flags: &s.flag_names,
            sets: ids(&s.sets),
            change: moves(&s.change),
            choices: s
                .choices
                .iter()
                .map(|c| Choice {
                    label: &c.label,
                    to: &c.to,
                    requires: ids(&c.requires),
                    forbids: ids(&c.forbids),
                    needs: c.needs.iter().map(ToString::to_string).collect(),
                    change: moves(&c.change),
                    condition: c.condition.as_deref(),
                })
                .collect(),
            tags_kept: &self.other_tags,
        }
        .serialize(ser)
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

/// A codex entry from a passage tagged `codex` (as showrunner's own Twee view writes
/// them): `codex/<id>.md`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The entry's id (the passage name without `codex-`, as a slug).
    pub id: String,
    /// The passage it came from.
    pub passage: String,
    /// Its title (the passage's `!! Title` line, else its name).
    pub title: String,
    /// The body (Markdown; not in the import's JSON: it is in the file).
    #[serde(skip)]
    pub body: String,
    /// Related entries (the view's closing `See also: [[…|codex-…]]` line).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub see_also: Vec<String>,
}

impl Entry {
    /// Where the entry is written.
    pub fn path(&self) -> String {
        format!("codex/{}.md", self.id)
    }

    /// The entry file.
    pub fn render(&self) -> String {
        let mut o = format!("---\nid: {}\ntitle: {}\n", self.id, quote(&self.title));
        if !self.see_also.is_empty() {
            o.push_str(&format!("see_also: [{}]\n", self.see_also.join(", ")));
        }
        o.push_str("---\n");
        if !self.body.is_empty() {
            o.push_str(&self.body);
            o.push('\n');
        }
        o
    }
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
    /// The codex entries.
    pub codex: Vec<Entry>,
    /// Counters read from number variables, declared (from the `StoryInit` comments
    /// showrunner's view writes) or inferred.
    pub counters: Vec<Counter>,
    /// Counters whose range was inferred from the numbers the story uses (SugarCube
    /// does not bound numbers): their ids.
    pub inferred: Vec<String>,
    /// Passages renamed because their slugs collided: (passage, id).
    pub renamed: Vec<(String, String)>,
    /// Story-format macros left in the prose.
    pub macros: Vec<Kept>,
    /// Passages that are not sections (scripts, stylesheets, special passages), whole.
    pub not_sections: Vec<Kept>,
}

impl Story {
    /// Every codeword the sections set or test, sorted, once each.
    pub fn codewords(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .sections
            .iter()
            .flat_map(|s| {
                let tests = s
                    .story
                    .choices
                    .iter()
                    .flat_map(|c| c.requires.iter().chain(&c.forbids));
                s.story.sets.iter().chain(tests)
            })
            .map(|m| m.id.as_str())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
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

/// The largest Twee file the importer reads (bytes): far beyond any story written by
/// hand, well short of what could exhaust memory.
pub const MAX_TWEE_BYTES: usize = 32 * 1024 * 1024;

/// The most passages one import makes sections of.
pub const MAX_PASSAGES: usize = 100_000;

/// Reads the passages of a Twee 3 file.
pub fn passages(text: &str) -> Result<Vec<Passage>, TweeError> {
    if text.len() > MAX_TWEE_BYTES {
        return Err(TweeError {
            line: 1,
            message: format!(
                "file is {} bytes; Twee larger than {MAX_TWEE_BYTES} bytes is refused",
                text.len()
            ),
        });
    }
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
            if out.len() == MAX_PASSAGES {
                return Err(TweeError {
                    line: i + 1,
                    message: format!(
                        "more than {MAX_PASSAGES} passages; a larger story is refused"
                    ),
                });
            }
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

/// Takes the story-format code out of a prose line, as the presentation bar finds it:
/// what is left, and each piece taken with what it was. A conditional span (`<<if …>>…
/// <</if>>` on one line, a Harlowe `(if: …)[hook]`) goes whole, its text with it: the
/// book has no text that shows only sometimes, and showing it always would change the
/// story.
fn without_code(line: &str) -> (String, Vec<(String, &'static str)>) {
    let spans = code_spans(line);
    let mut text = String::with_capacity(line.len());
    let mut taken = Vec::new();
    let mut at = 0;
    for (a, b, what) in spans {
        text.push_str(&line[at..a]);
        taken.push((line[a..b].to_string(), what));
        at = b;
    }
    text.push_str(&line[at..]);
    // The spaces either side of what was taken become one.
    let text = if taken.is_empty() {
        text
    } else {
        let lead: String = text.chars().take_while(|c| c.is_whitespace()).collect();
        let body = text.split_whitespace().collect::<Vec<_>>().join(" ");
        format!("{lead}{body}")
    };
    (text, taken)
}

/// What [`without_code`] takes from a line: byte ranges of story-format code and of
/// conditional spans, each with what it is.
const CONDITIONAL: &str = "conditional text, left out of the prose";

fn code_spans(line: &str) -> Vec<(usize, usize, &'static str)> {
    use crate::gate::presentation::{Syntax, story_code};
    let found = story_code(line);
    let mut spans: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut i = 0;
    while i < found.len() {
        let (a, b, syntax) = found[i];
        let code = &line[a..b];
        let opens = syntax == Syntax::SugarCube
            && (code.starts_with("<<if ") || code.starts_with("<<unless "));
        if opens {
            // To the matching close on this line, nested blocks included.
            let mut depth = 0usize;
            // (Within the next 64 constructs: a line of openers that never close costs
            // time in proportion to its length.)
            let close = found[i..].iter().take(64).position(|(x, y, s)| {
                let c = &line[*x..*y];
                if *s == Syntax::SugarCube && (c.starts_with("<<if ") || c.starts_with("<<unless "))
                {
                    depth += 1;
                } else if c == "<</if>>" || c == "<</unless>>" {
                    depth -= 1;
                }
                depth == 0
            });
            if let Some(k) = close {
                spans.push((a, found[i + k].1, CONDITIONAL));
                i += k + 1;
                continue;
            }
        }
        if syntax == Syntax::Harlowe && line[b..].starts_with('[') {
            // The hook the macro governs, to its matching bracket.
            let mut depth = 0usize;
            let end = line[b..].char_indices().find_map(|(k, c)| {
                match c {
                    '[' => depth += 1,
                    ']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(b + k + 1);
                        }
                    }
                    _ => {}
                }
                None
            });
            if let Some(end) = end {
                spans.push((a, end, CONDITIONAL));
                while i < found.len() && found[i].0 < end {
                    i += 1;
                }
                continue;
            }
        }
        spans.push((a, b, "story-format code, left out of the prose"));
        i += 1;
    }
    spans
}

/// Twine markup in a prose line, as Markdown: SugarCube's `//italic//` and `''bold''`
/// (Harlowe's too), `!` headings, and `"""verbatim"""` runs (showrunner's own Twee view
/// wraps text that SugarCube could misread in them) unwrapped. `//` after a `:` is a
/// web address, not emphasis.
fn markdown_of(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let trimmed = line.trim_start();
    let bangs = trimmed.chars().take_while(|c| *c == '!').count();
    let mut rest = line;
    if (1..=6).contains(&bangs) && trimmed[bangs..].starts_with(' ') {
        out.push_str(&"#".repeat(bangs));
        rest = &trimmed[bangs..];
    }
    let (mut italic, mut bold) = (false, false);
    for (n, part) in rest.split("\"\"\"").enumerate() {
        if n % 2 == 1 {
            out.push_str(part);
            continue;
        }
        let mut i = 0;
        let b = part.as_bytes();
        while i < b.len() {
            let pair = b.get(i + 1) == Some(&b[i]);
            if b[i] == b'/' && pair && !(i > 0 && b[i - 1] == b':') {
                out.push('*');
                italic = !italic;
                i += 2;
            } else if b[i] == b'\'' && pair {
                out.push_str("**");
                bold = !bold;
                i += 2;
            } else {
                let c = part[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    // An unclosed mark was not markup after all: put it back as it was.
    if italic || bold {
        return line.to_string();
    }
    out
}

/// A SugarCube variable as a codeword: `$cw_ferry_token` (showrunner's own Twee view)
/// → `ferry-token`, `$hasKey` → `has-key`. `None` for what is not a plain variable.
fn codeword_of(var: &str) -> Option<String> {
    let name = var.trim().strip_prefix('$')?;
    numbers::slug_of_name(name.strip_prefix("cw_").unwrap_or(name))
}

/// A gate as SugarCube tests it: codewords required and forbidden, counters compared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Gate {
    requires: Vec<String>,
    forbids: Vec<String>,
    needs: Vec<Need>,
}

impl Gate {
    /// Whether it tests exactly one codeword or one counter and nothing else (so
    /// `<<else>>` and `<<unless>>` can be read as its opposite).
    fn single(&self) -> bool {
        self.requires.len() + self.forbids.len() + self.needs.len() == 1
    }

    /// Both gates at once.
    fn extend(&mut self, other: Gate) {
        self.requires.extend(other.requires);
        self.forbids.extend(other.forbids);
        self.needs.extend(other.needs);
    }

    /// The opposite of a [`single`](Gate::single) gate: a codeword required becomes
    /// forbidden (and the other way), `gold >= 5` becomes `gold < 5`.
    fn negate(&mut self) {
        std::mem::swap(&mut self.requires, &mut self.forbids);
        for n in &mut self.needs {
            n.op = match n.op {
                Op::Ge => Op::Lt,
                Op::Gt => Op::Le,
                Op::Le => Op::Gt,
                Op::Lt => Op::Ge,
                Op::Eq => Op::Ne,
                Op::Ne => Op::Eq,
            };
        }
    }
}

/// `$a and not $b`, `$a is true`, `!$b`, `$b is false`, `$gold gte 5` → a gate; `None`
/// for any other expression (`or`, arithmetic, comparisons of two variables), which
/// stays a macro kept out of the prose.
fn gate_of(cond: &str) -> Option<Gate> {
    let mut gate = Gate::default();
    for term in cond.replace("&&", " and ").split(" and ") {
        let t = term.trim();
        if let Some(need) = numbers::comparison(t) {
            gate.needs.push(need);
            continue;
        }
        let (negated, t) = match t.strip_prefix("not ").or_else(|| t.strip_prefix('!')) {
            Some(rest) => (true, rest.trim()),
            None => (false, t),
        };
        let mut words = t.split_whitespace();
        let var = words.next()?;
        let rest: Vec<&str> = words.collect();
        let value = match rest.as_slice() {
            [] => true,
            ["is" | "==" | "===" | "eq", "true"] => true,
            ["is" | "==" | "===" | "eq", "false"] => false,
            ["neq" | "isnot" | "!=" | "!==", "true"] => false,
            ["neq" | "isnot" | "!=" | "!==", "false"] => true,
            _ => return None,
        };
        let id = codeword_of(var)?;
        if value != negated {
            gate.requires.push(id);
        } else {
            gate.forbids.push(id);
        }
    }
    Some(gate)
}

/// The `<<set>>` macros of a line that showrunner reads, taken out: codewords set
/// (`<<set $v to true>>`), counter assignments (`<<set $gold to $gold + 2>>`, several
/// separated by `;` in one macro), and what is left. Other `<<set>>`s stay.
fn take_sets(line: &str) -> (String, Vec<String>, Vec<numbers::Assignment>) {
    let mut rest = String::new();
    let mut sets = Vec::new();
    let mut moved = Vec::new();
    let mut text = line;
    while let Some(i) = text.find("<<set ") {
        let Some(len) = text[i..].find(">>") else {
            break;
        };
        let inner = &text[i + 6..i + len];
        let (var, value) = inner
            .split_once(" to ")
            .or_else(|| inner.split_once('='))
            .unwrap_or((inner, ""));
        rest.push_str(&text[..i]);
        let numbers: Option<Vec<numbers::Assignment>> =
            inner.split(';').map(numbers::assignment).collect();
        match (value.trim(), codeword_of(var), numbers) {
            ("true", Some(id), _) => sets.push(id),
            (_, _, Some(n)) => moved.extend(n),
            _ => rest.push_str(&text[i..i + len + 2]),
        }
        text = &text[i + len + 2..];
    }
    rest.push_str(text);
    (rest, sets, moved)
}

/// Reader-facing text SugarCube shows: `"""verbatim"""` and `//italics//` unwrapped.
fn plain(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_prefix("\"\"\"")
        .and_then(|x| x.strip_suffix("\"\"\""))
        .unwrap_or(s);
    s.replace("//", "").trim().to_string()
}

/// A choice line gated inline: `* <<if COND>>[[link]]<<else>>closed text<</if>>` (what
/// showrunner's Twee view writes; the `<<else>>` part optional). Returns the link's
/// inside, the gate, and the reader-facing text shown when closed.
fn gated_link(line: &str) -> Option<(String, Gate, Option<String>)> {
    let t = line.trim().trim_start_matches(['*', '-']).trim();
    let t = t.strip_prefix("<<if ")?;
    let (cond, t) = t.split_once(">>")?;
    let gate = gate_of(cond)?;
    let t = t.trim_start().strip_prefix("[[")?;
    let (inner, t) = t.split_once("]]")?;
    let t = t.trim_start();
    let closed = match t.strip_prefix("<<else>>") {
        Some(e) => {
            let (text, after) = e.split_once("<</if>>")?;
            if !after.trim().is_empty() {
                return None;
            }
            // Our own view writes `//label// — condition`.
            let text = match text.split_once(" — ") {
                Some((_, cond)) => cond,
                None => text,
            };
            Some(plain(text)).filter(|c| !c.is_empty())
        }
        None if t.strip_prefix("<</if>>")?.trim().is_empty() => None,
        None => return None,
    };
    Some((inner.to_string(), gate, closed))
}

/// The braces a line's template code (`<% … %>`, Snowman's JavaScript) opens, less those
/// it closes: a line that opens a block gives more than 0.
fn template_braces(line: &str) -> i64 {
    let mut depth = 0i64;
    let mut rest = line;
    while let Some(i) = rest.find("<%") {
        let Some(len) = rest[i..].find("%>") else {
            break;
        };
        let code = &rest[i + 2..i + len];
        depth += code.matches('{').count() as i64 - code.matches('}').count() as i64;
        rest = &rest[i + len + 2..];
    }
    depth
}

/// A line that is only `<<if COND>>` or `<<unless COND>>`: `Some(gate)` when the
/// condition is a plain codeword test (`<<unless>>` of one codeword), `Some(None)` for
/// another block, `None` for anything else.
fn block_open(line: &str) -> Option<Option<Gate>> {
    let (cond, unless) = match line.strip_prefix("<<if ") {
        Some(rest) => (rest, false),
        None => (line.strip_prefix("<<unless ")?, true),
    };
    let cond = cond.strip_suffix(">>")?;
    if cond.contains(">>") {
        return None;
    }
    Some(gate_of(cond).and_then(|mut g| {
        if unless {
            if !g.single() {
                return None;
            }
            g.negate();
        }
        Some(g)
    }))
}

/// Whether the block opened just above `rest`, testing `gate`, can be read as gates: it
/// closes, has no `<<elseif>>`, and has an `<<else>>` only when it tests one codeword
/// (the `<<else>>` branch then forbids what the block requires, or the other way).
fn block_convertible(gate: &Gate, rest: &[&str]) -> bool {
    // The test of the branch in force: an `<<elseif>>` or `<<else>>` must be able to
    // say it was not taken, so it must be a single test.
    let mut current = gate.clone();
    let mut level = 1usize;
    for line in rest {
        let t = line.trim();
        if level == 1
            && let Some(next) = branch(t)
        {
            if !current.single() {
                return false;
            }
            match next {
                Some(g) => current = g,
                None if t == "<<else>>" => current = Gate::default(),
                None => return false,
            }
            continue;
        }
        if t.contains("<<elseif") || t.contains("<<else if") {
            return false;
        }
        level += t.matches("<<if ").count() + t.matches("<<unless ").count();
        let closes = t.matches("<</if>>").count() + t.matches("<</unless>>").count();
        if closes >= level {
            // Closing ours: only when that is all the line does.
            return closes == level && t.starts_with("<</") && t.len() <= "<</unless>>".len();
        }
        level -= closes;
    }
    false
}

/// A line that is only `<<else>>` (`Some(None)`), or only `<<elseif COND>>` /
/// `<<else if COND>>` (`Some(Some(gate))` when the condition is a test the reader maps,
/// `Some(None)` when it is not); `None` for any other line.
fn branch(line: &str) -> Option<Option<Gate>> {
    if line == "<<else>>" {
        return Some(None);
    }
    let cond = line
        .strip_prefix("<<elseif ")
        .or_else(|| line.strip_prefix("<<else if "))?
        .strip_suffix(">>")?;
    if cond.contains(">>") {
        return None;
    }
    Some(gate_of(cond))
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

const NOT_STORY_TAGS: [&str; 4] = ["script", "stylesheet", "widget", "Twine.private"];

/// What the import learns about number variables: declarations (the view's
/// `StoryInit` comments), starts, and every number they are set to, moved by or
/// compared with, to infer a range for the undeclared.
#[derive(Default)]
struct Counters {
    declared: BTreeMap<String, Counter>,
    /// Declared ids in the order `StoryInit` declares them.
    declared_order: Vec<String>,
    starts: BTreeMap<String, i64>,
    /// Per counter: smallest and largest literal, and the sum of every gain.
    seen: BTreeMap<String, (i64, i64, i64)>,
    order: Vec<String>,
}

impl Counters {
    fn note(&mut self, id: &str, value: i64, gain: i64) {
        if !self.order.iter().any(|o| o == id) {
            self.order.push(id.to_string());
        }
        let e = self.seen.entry(id.to_string()).or_insert((value, value, 0));
        e.0 = e.0.min(value);
        e.1 = e.1.max(value);
        e.2 = e.2.saturating_add(gain.max(0));
    }

    /// Reads `StoryInit`: declarations and starts; returns what it did not read.
    fn init(&mut self, text: &str) -> String {
        let mut rest = Vec::new();
        for line in text.lines() {
            let mut l = line.trim().to_string();
            let mut declared = None;
            if l.starts_with("/*")
                && let Some(end) = l.find("*/")
                && let Some(c) = numbers::declaration(&l[..end + 2])
            {
                declared = Some(c);
                l = l[end + 2..].trim().to_string();
            }
            let (left, sets, moved) = take_sets(&l);
            // `<<set $cw_x to false>>`: a codeword's start, which is every codeword's.
            let left = drop_false_sets(&left);
            // A codeword held from the start has no place in a studio: kept, listed.
            let left = if sets.is_empty() {
                left
            } else {
                line.to_string()
            };
            for a in moved {
                let (Delta::Set(v) | Delta::Add(v)) = a.delta;
                self.starts.insert(a.counter.clone(), v);
                self.note(&a.counter, v, 0);
            }
            if let Some(mut c) = declared {
                c.start = self.starts.get(&c.id).copied().unwrap_or(c.min);
                if !self.declared_order.contains(&c.id) {
                    self.declared_order.push(c.id.clone());
                }
                self.declared.insert(c.id.clone(), c);
            }
            if !left.trim().is_empty() {
                rest.push(line.to_string());
            }
        }
        rest.join("\n")
    }

    /// An assignment met in a passage or a setter, as a change.
    fn seen(&mut self, a: numbers::Assignment) -> Change {
        match a.delta {
            Delta::Set(v) => self.note(&a.counter, v, 0),
            Delta::Add(n) => self.note(&a.counter, 0, n),
        }
        Change {
            counter: a.counter,
            delta: a.delta,
            line: 0,
        }
    }

    fn tested(&mut self, n: &Need) {
        self.note(&n.counter, n.value, 0);
    }

    fn min_of(&self, id: &str) -> i64 {
        self.declared.get(id).map_or(0, |c| c.min)
    }

    /// The view writes a cost `gold: -3` as the test `$gold gte <min + 3>` beside the
    /// setter: that test is the cost's own, not a need of its own.
    fn fold_costs(&self, c: &mut story::Choice) {
        let costs: Vec<(String, i64)> = c
            .change
            .iter()
            .filter_map(|ch| ch.cost().map(|k| (ch.counter.clone(), k)))
            .collect();
        c.needs.retain(|n| {
            !(n.op == Op::Ge
                && costs
                    .iter()
                    .any(|(id, k)| *id == n.counter && n.value == self.min_of(id) + k))
        });
    }

    /// The counters, declared ones as declared, the others with a range inferred from
    /// the numbers seen (from the least of 0 and every number, to the greatest number
    /// plus every gain), and the ids of those inferred.
    fn finish(self) -> (Vec<Counter>, Vec<String>) {
        let mut out = Vec::new();
        let mut inferred = Vec::new();
        let mut ids: Vec<&String> = self.declared_order.iter().collect();
        ids.extend(
            self.order
                .iter()
                .filter(|o| !self.declared.contains_key(*o)),
        );
        for id in ids {
            if let Some(c) = self.declared.get(id) {
                out.push(c.clone());
                continue;
            }
            let (lo, hi, gains) = self.seen.get(id).copied().unwrap_or((0, 0, 0));
            let min = lo.min(0);
            let max = hi.saturating_add(gains).max(min);
            out.push(Counter {
                id: id.clone(),
                name: id.replace('-', " "),
                min,
                max,
                start: self.starts.get(id).copied().unwrap_or(min).clamp(min, max),
                item: false,
                line: 0,
            });
            inferred.push(id.clone());
        }
        (out, inferred)
    }
}

/// A line with its `<<set $v to false>>` macros taken out.
fn drop_false_sets(line: &str) -> String {
    let mut out = String::new();
    let mut text = line;
    while let Some(i) = text.find("<<set ") {
        let Some(len) = text[i..].find(">>") else {
            break;
        };
        let inner = &text[i + 6..i + len];
        out.push_str(&text[..i]);
        let is_false = inner
            .split_once(" to ")
            .is_some_and(|(v, x)| x.trim() == "false" && codeword_of(v).is_some());
        if !is_false {
            out.push_str(&text[i..i + len + 2]);
        }
        text = &text[i + len + 2..];
    }
    out.push_str(text);
    out
}

/// Turns passages into a story.
///
/// Long by design (one of the few): a single pass over the passages in which ids, link
/// targets, codeword macros and tags are mapped together; its steps share that pass's
/// state, which a split would only thread through every call.
pub fn story(passages: &[Passage]) -> Result<Story, TweeError> {
    let mut counters = Counters::default();
    let mut title = None;
    let mut data: Option<serde_json::Value> = None;
    let mut not_sections = Vec::new();
    let mut story_passages: Vec<&Passage> = Vec::new();
    let mut codex_passages: Vec<&Passage> = Vec::new();
    let progress =
        crate::progress::Progress::new("reading passages", Some(passages.len() as u64), "passages");
    for p in passages {
        progress.inc(1);
        match p.name.as_str() {
            "StoryTitle" => title = Some(p.text.trim().to_string()),
            "StoryData" => {
                data = Some(serde_json::from_str(&p.text).map_err(|e| TweeError {
                    line: p.line + e.line(),
                    message: format!("StoryData is not JSON: {e}"),
                })?);
            }
            "StoryInit" => {
                let rest = counters.init(&p.text);
                if !rest.trim().is_empty() {
                    not_sections.push(Kept {
                        passage: p.name.clone(),
                        line: p.line,
                        what: "special passage of the story format (what showrunner did not read as codewords or counters)".into(),
                        text: rest,
                    });
                }
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
            _ if p.tags.iter().any(|t| t == "codex") => codex_passages.push(p),
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
    // Codex passages (as showrunner's own Twee view writes them): links to them are
    // links in the prose, `[text](#id)`, not choices.
    let codex: BTreeMap<&str, String> = codex_passages
        .iter()
        .map(|p| {
            let name = p.name.as_str();
            (name, slug(name.strip_prefix("codex-").unwrap_or(name)))
        })
        .collect();
    let mut macros = Vec::new();
    let mut sections = Vec::new();
    for p in &story_passages {
        // Harlowe hooks across lines read as SugarCube blocks, line for line.
        let rewritten = formats::harlowe_blocks(&p.text.lines().collect::<Vec<_>>());
        let lines: Vec<&str> = rewritten.iter().map(String::as_str).collect();
        let mut title_text = p.name.clone();
        let mut sets: Vec<String> = Vec::new();
        let mut change: Vec<Change> = Vec::new();
        let mut choices: Vec<story::Choice> = Vec::new();
        let mut prose: Vec<String> = Vec::new();
        // Open `<<if>>`/`<<unless>>` blocks on lines of their own: the gate each puts on
        // the links inside, `None` when it is kept as a macro instead.
        // Each as (the negations of the branches before this one, this branch's test).
        let mut blocks: Vec<Option<(Gate, Gate)>> = Vec::new();
        // How deep in a template's (Snowman's) `{ … }` blocks the line is.
        let mut template_depth: i64 = 0;
        let mut first_line = true;
        // A Chapbook vars section: its lines are `<<set>>`s (or kept out), `--` ends it.
        let vars = formats::chapbook_vars_section(&lines).unwrap_or(0);
        for (k, raw) in lines.iter().enumerate() {
            let at = p.line + 1 + k;
            let mut line = if k < vars {
                match formats::chapbook_var(raw) {
                    Some(set) => set,
                    None if raw.trim().is_empty() => continue,
                    None => {
                        macros.push(Kept {
                            passage: p.name.clone(),
                            line: at,
                            what: "a Chapbook variable showrunner cannot read, left out".into(),
                            text: raw.trim().to_string(),
                        });
                        continue;
                    }
                }
            } else if vars > 0 && k == vars {
                // The `--` closing the vars section.
                continue;
            } else {
                formats::chapbook_inserts(&formats::harlowe(&formats::sugarcube_links(raw)))
            };
            if blocks.is_empty() {
                let (rest, got, moved) = take_sets(&line);
                if !got.is_empty() || !moved.is_empty() {
                    for g in got {
                        if !sets.contains(&g) {
                            sets.push(g);
                        }
                    }
                    change.extend(moved.into_iter().map(|a| counters.seen(a)));
                    if rest.trim().is_empty() {
                        continue;
                    }
                    line = rest;
                }
            }
            let t = line.trim().to_string();
            // Our own Twee view opens each passage with `!! Title` (below its sets).
            if std::mem::take(&mut first_line)
                && let Some(h) = t.strip_prefix("!!").or_else(|| t.strip_prefix('!'))
            {
                title_text = h.trim().trim_matches('"').to_string();
                continue;
            }
            let mut unread = |what: &str, text: &str| {
                macros.push(Kept {
                    passage: p.name.clone(),
                    line: at,
                    what: what.into(),
                    text: text.to_string(),
                })
            };
            // Our own Twee view gives a sound cue as its transcript on a line of its own
            // (`@@.sound;//Sound: …//@@`): the cue is an audio plan, not prose.
            if t.starts_with("@@.sound;") && t.ends_with("@@") {
                unread(
                    "a sound cue's transcript from showrunner's Twee view: the sound's audio plan is not in the story, so it is left out of the prose",
                    &t,
                );
                continue;
            }
            // Snowman's `<% if (…) { %>` … `<% } %>`: JavaScript blocks, kept out whole
            // with their links.
            let braces = template_braces(&t);
            if template_depth > 0 || braces > 0 {
                let opening = template_depth == 0;
                template_depth = (template_depth + braces).max(0);
                if !t.is_empty() {
                    unread(
                        if opening {
                            "a template condition showrunner cannot read: what it governs is left out of the prose, and its links are not made choices"
                        } else {
                            "inside a template condition showrunner cannot read, left out"
                        },
                        &t,
                    );
                }
                continue;
            }
            if let Some(open) = block_open(&t) {
                let gate = open.filter(|g| block_convertible(g, &lines[k + 1..]));
                let converted = gate.is_some();
                blocks.push(gate.map(|g| (Gate::default(), g)));
                if !converted {
                    unread(
                        "a condition showrunner cannot read: what it governs is left out of the prose, and its links are not made choices",
                        &t,
                    );
                }
                continue;
            } else if let Some(next) = branch(&t) {
                // `<<elseif …>>` / `<<else>>`: the branches before are not taken (each a
                // single test, as `block_convertible` made sure), this one's test is.
                if let Some(Some((before, now))) = blocks.last_mut() {
                    let mut not = std::mem::take(now);
                    not.negate();
                    before.extend(not);
                    *now = next.unwrap_or_default();
                    continue;
                }
            } else if t == "<</if>>" || t == "<</unless>>" {
                match blocks.pop() {
                    Some(Some(_)) => continue,
                    Some(None) => {
                        unread("the end of a condition showrunner cannot read", &t);
                        continue;
                    }
                    None => {}
                }
            }
            if blocks.iter().any(Option::is_none) {
                if !t.is_empty() {
                    unread("inside a condition showrunner cannot read, left out", &t);
                }
                continue;
            }
            // The gate every enclosing block puts on a link here.
            let around: Option<Gate> = blocks.iter().try_fold(Gate::default(), |mut all, b| {
                let (before, now) = b.as_ref()?;
                all.extend(before.clone());
                all.extend(now.clone());
                Some(all)
            });
            let mut choice = |inner: &str, gate: Gate, condition: Option<String>| {
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
                let made = |ids: Vec<String>| -> Vec<Mention> {
                    ids.iter().map(|w| Mention::made(w)).collect()
                };
                let mut c = story::Choice::made(
                    choices.len(),
                    l.label,
                    id_of(&l.target),
                    made(gate.requires),
                    made(gate.forbids),
                    condition,
                );
                for n in &gate.needs {
                    counters.tested(n);
                }
                c.needs = gate.needs;
                if let Some(s) = setter {
                    // `$gold to $gold - 3; $seen to 1`: counters when every part is one.
                    let parts: Option<Vec<numbers::Assignment>> =
                        s.split(';').map(numbers::assignment).collect();
                    match parts {
                        Some(parts) => {
                            c.change = parts.into_iter().map(|a| counters.seen(a)).collect();
                        }
                        None => macros.push(Kept {
                            passage: p.name.clone(),
                            line: at,
                            what: "link setter".into(),
                            text: format!("[{s}]"),
                        }),
                    }
                }
                counters.fold_costs(&mut c);
                choices.push(c);
                Ok(())
            };
            if let Some((inner, gate, closed)) = gated_link(&line)
                && let Some(mut all) = around.clone()
            {
                all.requires.extend(gate.requires);
                all.forbids.extend(gate.forbids);
                all.needs.extend(gate.needs);
                choice(&inner, all, closed)?;
                continue;
            }
            let found = links_in(&line);
            let anchor = |inner: &str| codex.get(link(inner).0.target.as_str()).cloned();
            // A link inside a condition on this line that is not a gate showrunner
            // reads (`<<if $a or $b>>[[…]]<</if>>`, Harlowe's `(if: …)[[[…]]]`) is not
            // made an open choice: it goes out with its conditional text, listed.
            let conditional: Vec<(usize, usize)> = code_spans(&line)
                .into_iter()
                .filter(|(_, _, what)| *what == CONDITIONAL)
                .map(|(a, b, _)| (a, b))
                .collect();
            for (s, e, inner) in &found {
                if conditional.iter().any(|(a, b)| a <= s && e <= b) {
                    continue;
                }
                if anchor(inner).is_none() {
                    choice(inner, around.clone().unwrap_or_default(), None)?;
                }
            }
            let bare = t.trim_start_matches(['*', '-']).trim();
            let only_link = found.len() == 1 && {
                let (s, e, _) = &found[0];
                line[..*s]
                    .trim()
                    .trim_start_matches(['*', '-'])
                    .trim()
                    .is_empty()
                    && line[*e..].trim().is_empty()
            };
            if only_link && !bare.is_empty() && anchor(&found[0].2).is_none() {
                continue;
            }
            let mut text = line.clone();
            for (s, e, inner) in found.iter().rev() {
                if conditional.iter().any(|(a, b)| a <= s && e <= b) {
                    // Left as written, to go out whole with its condition.
                    continue;
                }
                let label = link(inner).0.label;
                match anchor(inner) {
                    Some(id) => text.replace_range(*s..*e, &format!("[{label}](#{id})")),
                    None => text.replace_range(*s..*e, &label),
                }
            }
            let (text, taken) = without_code(&text);
            for (code, what) in taken {
                macros.push(Kept {
                    passage: p.name.clone(),
                    line: at,
                    what: what.into(),
                    text: code,
                });
            }
            if text.trim().is_empty() && !line.trim().is_empty() {
                continue;
            }
            if !blocks.is_empty() {
                // Text inside a block whose links became gated choices shows only under
                // its condition: the book has no such text, so it goes out, listed.
                if !text.trim().is_empty() {
                    macros.push(Kept {
                        passage: p.name.clone(),
                        line: at,
                        what: CONDITIONAL.into(),
                        text: t.clone(),
                    });
                }
                continue;
            }
            prose.push(markdown_of(&text));
        }
        let mut prose = prose.join("\n").trim().to_string();
        // showrunner's own view ends a `terminal` passage with `//The end.//` (written
        // as `*The end.*` by now): its marker, not the author's prose.
        if p.tags.iter().any(|t| t == "terminal")
            && choices.is_empty()
            && let Some(rest) = prose.strip_suffix("*The end.*")
        {
            prose = rest.trim_end().to_string();
        }
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
        let sets = sets.iter().map(|w| Mention::made(w)).collect();
        let mut made = story::Section::made(id_of(&p.name), title_text, flags, sets, choices);
        made.change = change;
        sections.push(Section {
            story: made,
            passage: p.name.clone(),
            other_tags,
            prose,
        });
    }
    // Codex passages: a title line, then prose whose links are links (to a section or
    // another entry), never choices.
    let mut entries = Vec::new();
    for p in &codex_passages {
        let mut title = p.name.strip_prefix("codex-").unwrap_or(&p.name).to_string();
        let mut body: Vec<String> = Vec::new();
        let mut see_also = Vec::new();
        for (k, raw) in p.text.lines().enumerate() {
            let t = raw.trim();
            if body.is_empty()
                && let Some(h) = t.strip_prefix("!!").or_else(|| t.strip_prefix('!'))
            {
                title = h.trim().trim_matches('"').to_string();
                continue;
            }
            // `See also: [[A|codex-a]], [[B|codex-b]].` — every link to an entry.
            if let Some(list) = t.strip_prefix("See also: ") {
                let found = links_in(list);
                let ids: Vec<String> = found
                    .iter()
                    .filter_map(|(_, _, inner)| codex.get(link(inner).0.target.as_str()).cloned())
                    .collect();
                let mut rest = list.to_string();
                for (s, e, _) in found.iter().rev() {
                    rest.replace_range(*s..*e, "");
                }
                if !ids.is_empty()
                    && ids.len() == found.len()
                    && rest.chars().all(|c| matches!(c, ',' | '.' | ' '))
                {
                    see_also = ids;
                    continue;
                }
            }
            let mut text = raw.to_string();
            for (s, e, inner) in links_in(raw).iter().rev() {
                let l = link(inner).0;
                let to = codex
                    .get(l.target.as_str())
                    .cloned()
                    .or_else(|| ids.get(&l.target).cloned());
                match to {
                    Some(id) => text.replace_range(*s..*e, &format!("[{}](#{id})", l.label)),
                    None => text.replace_range(*s..*e, &l.label),
                }
            }
            let (text, taken) = without_code(&text);
            for (code, what) in taken {
                macros.push(Kept {
                    passage: p.name.clone(),
                    line: p.line + 1 + k,
                    what: what.into(),
                    text: code,
                });
            }
            if body.is_empty() && text.trim().is_empty() {
                continue;
            }
            body.push(markdown_of(&text));
        }
        entries.push(Entry {
            id: codex.get(p.name.as_str()).cloned().unwrap_or_default(),
            passage: p.name.clone(),
            title,
            body: body.join("\n").trim().to_string(),
            see_also,
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
    let (counters, inferred) = counters.finish();
    Ok(Story {
        title,
        counters,
        inferred,
        start: start_name.map(|n| id_of(&n)),
        ifid: data
            .as_ref()
            .and_then(|d| d["ifid"].as_str().map(str::to_string)),
        format,
        sections,
        codex: entries,
        renamed,
        macros,
        not_sections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_refuse_with_a_line() {
        let many: String = (0..=MAX_PASSAGES)
            .map(|i| format!(":: P{i}\nx\n"))
            .collect();
        let e = passages(&many).expect_err("too many passages");
        assert_eq!(e.line, 2 * MAX_PASSAGES + 1);
        let big = "x".repeat(MAX_TWEE_BYTES + 1);
        assert_eq!(passages(&big).expect_err("too big").line, 1);
    }

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
    fn code_leaves_the_prose_and_conditional_text_goes_with_its_condition() {
        let (text, taken) = without_code(
            "You pay. <<set $gold to 5>> <<if $lamp>>Light!<</if>> Then (if: $x)[maybe] on.",
        );
        assert_eq!(text, "You pay. Then on.");
        let what: Vec<(&str, &str)> = taken.iter().map(|(c, w)| (c.as_str(), *w)).collect();
        assert_eq!(
            what,
            vec![
                (
                    "<<set $gold to 5>>",
                    "story-format code, left out of the prose"
                ),
                (
                    "<<if $lamp>>Light!<</if>>",
                    "conditional text, left out of the prose"
                ),
                ("(if: $x)[maybe]", "conditional text, left out of the prose"),
            ]
        );
        let (text, taken) = without_code("  Plain text, $5 a night.");
        assert_eq!(
            (text.as_str(), taken.len()),
            ("  Plain text, $5 a night.", 0)
        );
        // An unclosed block takes only its own macro.
        let (text, _) = without_code("<<if $a>>Half");
        assert_eq!(text, "Half");
    }

    #[test]
    fn twine_markup_becomes_markdown() {
        assert_eq!(
            markdown_of("A //quiet// night and ''loud'' bells."),
            "A *quiet* night and **loud** bells."
        );
        assert_eq!(markdown_of("!! A heading"), "## A heading");
        assert_eq!(
            markdown_of("See \"\"\"https://example.org/$x\"\"\" or http://a.b"),
            "See https://example.org/$x or http://a.b"
        );
        assert_eq!(markdown_of("half //open"), "half //open");
        assert_eq!(markdown_of("It's Nell's boat."), "It's Nell's boat.");
    }

    #[test]
    fn codex_passages_become_entries_and_links_to_them_stay_links() {
        let story = story(
            &passages(
                ":: Start\nThe [[Hush|codex-the-hush]] rises.\n[[Go on|End]]\n\n\
                 :: End [end]\nDone.\n\n\
                 :: codex-the-hush [codex]\n!! The Hush\n\nA //fog// that [[hums|codex-the-hum]]; see [[the end|End]].\n\n\
                 :: codex-the-hum [codex]\nA sound.\n",
            )
            .expect("twee"),
        )
        .expect("story");
        assert_eq!(story.sections.len(), 2);
        assert!(story.not_sections.is_empty());
        let ids: Vec<(&str, &str)> = story
            .codex
            .iter()
            .map(|e| (e.id.as_str(), e.title.as_str()))
            .collect();
        assert_eq!(ids, vec![("the-hush", "The Hush"), ("the-hum", "the-hum")]);
        assert_eq!(
            story.codex[0].body,
            "A *fog* that [hums](#the-hum); see [the end](#end)."
        );
        assert!(
            story.sections[0]
                .prose
                .contains("The [Hush](#the-hush) rises.")
        );
        assert_eq!(
            story.codex[0].render(),
            "---\nid: the-hush\ntitle: The Hush\n---\nA *fog* that [hums](#the-hum); see [the end](#end).\n"
        );
    }

    #[test]
    fn headers_unescape_names_and_read_tags() {
        let (name, tags) =
            header(r#" The \[Old\] Gate [hub ending] {"position":"1,1"}"#, 1).expect("header");
        assert_eq!(name, "The [Old] Gate");
        assert_eq!(tags, vec!["hub", "ending"]);
        assert!(header(" Name [open", 3).is_err());
    }

    fn one(text: &str) -> Section {
        let story = story(&passages(text).expect("twee")).expect("story");
        story.sections.into_iter().next().expect("a section")
    }

    #[test]
    fn sugarcube_codeword_macros_become_sets_and_gates() {
        let s = one(
            ":: Start\n<<set $hasKey to true>>\n!! The Porch\nRain.<<set $count to 3>>\n\
             <<if $hasKey>>\n[[Open the door|Hall]]\n<<else>>\n[[Knock|Porch]]\n<</if>>\n\
             <<if $lamp or $torch>>\n[[Go dark|Cellar]]\n<</if>>\n\
             * <<if $cw_ferry_token and not $cw_pell_wary>>[[Cross|Ferry]]<<else>>//Cross// — \"\"\"If you hold a token\"\"\"<</if>>\n\
             <<unless $seen>>\n[[Look|Yard]]\n<</unless>>\n\n\
             :: Hall\nEnd.\n:: Porch\nEnd.\n:: Cellar\nEnd.\n:: Ferry\nEnd.\n:: Yard\nEnd.\n",
        );
        assert_eq!(s.story.title, "The Porch");
        assert_eq!(s.story.sets, vec![Mention::made("has-key")]);
        let v = |x: &[&str]| x.iter().map(|w| Mention::made(w)).collect::<Vec<_>>();
        let mut index = 0;
        let mut c =
            |label: &str, to: &str, requires: &[&str], forbids: &[&str], cond: Option<&str>| {
                index += 1;
                story::Choice::made(
                    index - 1,
                    label.into(),
                    to.into(),
                    v(requires),
                    v(forbids),
                    cond.map(str::to_string),
                )
            };
        assert_eq!(
            s.story.choices,
            vec![
                c("Open the door", "hall", &["has-key"], &[], None),
                c("Knock", "porch", &[], &["has-key"], None),
                // `or` is not a gate showrunner reads: "Go dark" is not made an open
                // choice (it is listed, below).
                c(
                    "Cross",
                    "ferry",
                    &["ferry-token"],
                    &["pell-wary"],
                    Some("If you hold a token")
                ),
                c("Look", "yard", &[], &["seen"], None),
            ]
        );
        // Code that is not a codeword is left out of the prose (the import lists it).
        assert!(!s.prose.contains("<<set $count to 3>>"), "{}", s.prose);
        assert!(!s.prose.contains("Go dark"), "{}", s.prose);
        assert!(!s.prose.contains("<<if $lamp or $torch>>"), "{}", s.prose);
        assert!(s.prose.contains("Rain."), "{}", s.prose);
        assert!(!s.prose.contains("hasKey"), "{}", s.prose);
    }

    #[test]
    fn sugarcube_number_variables_become_counters() {
        let story = story(
            &passages(
                ":: StoryInit\n<<set $gold to 3>>\n<<set $lamp to false>>\n\n\
                 :: Start\n<<set $gold += 2>>\nThe toll gate.\n\
                 <<if $gold gte 5>>[[Pay the toll->Crystal Hall]]<</if>>\n\
                 [[Buy a candle|Shop][$gold to $gold - 1]]\n\
                 [[Rest|Shop][$gold to $gold * 2]]\n\n\
                 :: Crystal Hall\nEnd.\n:: Shop\nEnd.\n",
            )
            .expect("twee"),
        )
        .expect("story");
        let s = &story.sections[0].story;
        assert_eq!(
            s.change
                .iter()
                .map(|c| format!("{} {}", c.counter, c.written()))
                .collect::<Vec<_>>(),
            vec!["gold +2"]
        );
        let toll = &s.choices[0];
        assert_eq!(
            (toll.label.as_str(), toll.to.as_str()),
            ("Pay the toll", "crystal-hall")
        );
        assert_eq!(
            toll.needs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            vec!["gold >= 5"],
            "the comparison is the choice's gate, not an open choice"
        );
        assert_eq!(s.choices[1].change[0].written(), "-1");
        assert!(s.choices[1].needs.is_empty());
        // A setter that is not a counter's is kept and listed, not guessed at.
        assert!(s.choices[2].change.is_empty());
        assert!(story.macros.iter().any(|m| m.text.contains("$gold * 2")));
        // The range is inferred from the numbers used, and said to be.
        assert_eq!(story.inferred, vec!["gold"]);
        let gold = &story.counters[0];
        assert_eq!((gold.min, gold.start), (0, 3));
        assert!(gold.max >= 5, "{gold:?}");
        assert!(story.not_sections.is_empty(), "StoryInit fully read");
    }

    #[test]
    fn links_under_a_condition_showrunner_cannot_read_are_listed_never_open_choices() {
        let story = story(
            &passages(
                ":: Start\nThe gate.\n\
                 <<if $gold gte 5>>\n[[Pay->Hall]]\n<<else>>\n[[Beg->Yard]]\n<</if>>\n\
                 <<if $lamp or $torch>>\nIn the light you see a door.\n[[Go dark|Cellar]]\n<</if>>\n\
                 Later <<if $a or $b>>[[Sneak|Cellar]]<</if>> and (if: $c)[[[Hide|Cellar]]] on.\n\
                 [[Leave|Yard]]\n\n\
                 :: Hall\nEnd.\n:: Yard\nEnd.\n:: Cellar\nEnd.\n",
            )
            .expect("twee"),
        )
        .expect("story");
        let s = &story.sections[0];
        let shape: Vec<(String, Vec<String>)> = s
            .story
            .choices
            .iter()
            .map(|c| {
                (
                    c.label.clone(),
                    c.needs.iter().map(ToString::to_string).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                ("Pay".to_string(), vec!["gold >= 5".to_string()]),
                ("Beg".to_string(), vec!["gold < 5".to_string()]),
                ("Leave".to_string(), vec![]),
            ],
            "a counter's <<else>> is its opposite; nothing under `or` is a choice"
        );
        assert!(
            !s.prose.contains("door"),
            "conditional text stays out: {}",
            s.prose
        );
        assert!(
            s.prose.contains("Later") && s.prose.contains("on."),
            "{}",
            s.prose
        );
        for listed in [
            "<<if $lamp or $torch>>",
            "[[Go dark|Cellar]]",
            "[[Sneak|Cellar]]",
            "[[[Hide|Cellar]]]",
        ] {
            assert!(
                story.macros.iter().any(|m| m.text.contains(listed)),
                "{listed} is listed: {:#?}",
                story.macros
            );
        }
        assert!(story.macros.iter().all(|m| m.line > 0));
    }

    #[test]
    fn sugarcube_links_harlowe_and_chapbook_map_to_choices_gates_and_counters() {
        let story = story(
            &passages(
                ":: Vault\nCrystals everywhere.\n\
                 <<link \"Take a crystal\" \"Ending Rich\">><<set $gold += 10>><</link>>\n\
                 <<link \"Leave\">><<goto \"Ending Poor\">><</link>>\n\n\
                 :: Toll\n(set: $gold to it - 1)(set: $met to true)The keeper nods.\n\
                 (if: $gold >= 5)[[[Pay the toll->Crystal Hall]]](else:)[You cannot pay.]\n\
                 (link-goto: \"Turn back\", \"Vault\")\n\n\
                 :: Crystal Hall\nstamina: 3\nseen: true\nluck (seen): 2\n--\n\
                 The hall. {link to: 'Vault', label: 'Go down'}\n\n\
                 :: Ending Rich\nRich.\n:: Ending Poor\nPoor.\n",
            )
            .expect("twee"),
        )
        .expect("story");
        let by = |id: &str| {
            story
                .sections
                .iter()
                .find(|s| s.story.id == id)
                .map(|s| &s.story)
                .expect(id)
        };
        let vault = by("vault");
        let labels: Vec<(&str, &str)> = vault
            .choices
            .iter()
            .map(|c| (c.label.as_str(), c.to.as_str()))
            .collect();
        assert_eq!(
            labels,
            vec![("Take a crystal", "ending-rich"), ("Leave", "ending-poor")]
        );
        assert_eq!(vault.choices[0].change[0].written(), "+10");
        let toll = by("toll");
        assert_eq!(toll.sets, vec![Mention::made("met")]);
        assert_eq!(toll.change[0].written(), "-1");
        assert_eq!(toll.choices[0].needs[0].to_string(), "gold >= 5");
        assert_eq!(
            toll.choices[0].condition.as_deref(),
            Some("You cannot pay.")
        );
        assert_eq!(
            (toll.choices[1].label.as_str(), toll.choices[1].to.as_str()),
            ("Turn back", "vault")
        );
        let hall = by("crystal-hall");
        assert_eq!(hall.sets, vec![Mention::made("seen")]);
        assert_eq!(hall.change[0].written(), "=3");
        assert_eq!(
            (hall.choices[0].label.as_str(), hall.choices[0].to.as_str()),
            ("Go down", "vault")
        );
        let prose = &story.sections[2].prose;
        assert!(
            !prose.contains("stamina") && !prose.contains("--"),
            "{prose}"
        );
        assert!(
            story
                .macros
                .iter()
                .any(|m| m.text == "luck (seen): 2" && m.line == 14),
            "{:#?}",
            story.macros
        );
    }

    #[test]
    fn elseif_branches_are_gated_by_their_test_and_the_tests_before_not_taken() {
        let s = one(":: Toll\nThe keeper waits.\n\
             <<if $gold gte 10>>\n[[Pay for the boat->Boat]]\n\
             <<elseif $hasPass>>\n[[Show the pass->Boat]]\n\
             <<else if $gold gte 2>>\n[[Pay for the stair->Stair]]\n\
             <<else>>\n[[Beg->Stair]]\n<</if>>\n\
             <<if $a and $b>>\n[[Both->Boat]]\n<<elseif $c>>\n[[C->Boat]]\n<</if>>\n\
             [[Leave->Stair]]\n\n:: Boat\nEnd.\n:: Stair\nEnd.\n");
        type Shape = (String, Vec<String>, Vec<String>, Vec<String>);
        let shape: Vec<Shape> = s
            .story
            .choices
            .iter()
            .map(|c| {
                let ids = |ms: &[Mention]| ms.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
                (
                    c.label.clone(),
                    ids(&c.requires),
                    ids(&c.forbids),
                    c.needs.iter().map(ToString::to_string).collect(),
                )
            })
            .collect();
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            shape,
            vec![
                (
                    "Pay for the boat".into(),
                    v(&[]),
                    v(&[]),
                    v(&["gold >= 10"])
                ),
                (
                    "Show the pass".into(),
                    v(&["has-pass"]),
                    v(&[]),
                    v(&["gold < 10"])
                ),
                (
                    "Pay for the stair".into(),
                    v(&[]),
                    v(&["has-pass"]),
                    v(&["gold < 10", "gold >= 2"])
                ),
                (
                    "Beg".into(),
                    v(&[]),
                    v(&["has-pass"]),
                    v(&["gold < 10", "gold < 2"])
                ),
                // `$a and $b` cannot say it was not taken: the block is kept out whole.
                ("Leave".into(), v(&[]), v(&[]), v(&[])),
            ]
        );
    }

    #[test]
    fn harlowe_hooks_across_lines_gate_their_links() {
        let s = one(
            ":: Gate\nThe guard waits.\n(if: $coins >= 4)[\n[[Bribe the guard->Inner]]\n\
             ](else-if: $metRiva)[\n[[Call for Riva->Inner]]\n](else:)[\n\
             The guard looks straight through you.\n[[Go home->Home]]\n]\n\
             (if: $a or $b)[\n[[Sneak->Inner]]\n]\n\n:: Inner\nEnd.\n:: Home\nEnd.\n",
        );
        let shape: Vec<(String, String)> = s
            .story
            .choices
            .iter()
            .map(|c| {
                let mut gate: Vec<String> = c.requires.iter().map(|m| m.id.clone()).collect();
                gate.extend(c.forbids.iter().map(|m| format!("not {}", m.id)));
                gate.extend(c.needs.iter().map(ToString::to_string));
                (c.label.clone(), gate.join(", "))
            })
            .collect();
        let v = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            shape,
            vec![
                v("Bribe the guard", "coins >= 4"),
                v("Call for Riva", "met-riva, coins < 4"),
                v("Go home", "not met-riva, coins < 4"),
            ],
            "`or` keeps its hook out: no Sneak"
        );
        assert!(s.prose.contains("guard waits") && !s.prose.contains("straight through"));
    }

    #[test]
    fn variables_read_as_codeword_ids() {
        assert_eq!(
            codeword_of("$cw_ferry_token").as_deref(),
            Some("ferry-token")
        );
        assert_eq!(codeword_of("$hasKey").as_deref(), Some("has-key"));
        assert_eq!(codeword_of("$lamp2").as_deref(), Some("lamp2"));
        assert_eq!(codeword_of("_temp"), None);
        assert_eq!(codeword_of("$a.b"), None);
    }

    #[test]
    fn slugs_are_ids() {
        assert_eq!(slug("The Old Sea-Gate!"), "the-old-sea-gate");
        assert_eq!(slug("  "), "passage");
    }
}
