//! What the server answers about a place in a file: what the word under the cursor is
//! (a section, a codeword, a codex entry, a TU, a role, a loop), where it is defined and
//! used, what can be written there, what it is, and how to rename it everywhere.
//!
//! Pure: a [`Workspace`] and a position in, protocol values out. Front matter is read
//! by its keys (`to:`, `requires:`, a list item under `sets:` …), bodies by their links
//! (`(#id)`); every other fact comes from the last judgement's story graph.

use std::collections::{BTreeMap, BTreeSet};

use lsp_types::{
    CodeAction, CodeActionKind, CompletionItem, CompletionItemKind, DocumentChangeOperation,
    DocumentChanges, DocumentSymbol, Hover, HoverContents, Location, MarkupContent, MarkupKind,
    OneOf, OptionalVersionedTextDocumentIdentifier, Position, Range, RenameFile, ResourceOp,
    SymbolInformation, SymbolKind, TextDocumentEdit, TextEdit, WorkspaceEdit,
};

use super::text::{self, id_char, line, range, whole_words, word_at};
use super::workspace::Workspace;
use crate::story::Section;

/// What a word in a file names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Site {
    /// A section id.
    Section(String),
    /// A codeword id.
    Codeword(String),
    /// A codex entry id.
    Codex(String),
    /// A TU id.
    Tu(String),
    /// A role id.
    Role(String),
    /// A loop (playbook) id.
    Loop(String),
}

/// Keys whose values name sections.
const SECTION_KEYS: [&str; 3] = ["to", "start", "section"];
/// Keys whose values name codewords.
const CODEWORD_KEYS: [&str; 3] = ["sets", "requires", "forbids"];
/// Keys whose values name roles.
const ROLE_KEYS: [&str; 6] = ["owner", "role", "roles", "raised_by", "from", "assignee"];
/// Keys whose values name loops.
const LOOP_KEYS: [&str; 3] = ["loop", "next_loop", "playbook"];
/// The section flags.
const FLAGS: [(&str, &str); 4] = [
    ("hub", "many ways in and out"),
    (
        "loop",
        "meant to be revisited; must return with a difference",
    ),
    ("keystone", "must be reachable under the gates"),
    ("terminal", "an ending"),
];

/// The YAML key a line's value belongs to: its own (`key: value`, `- key: value`), or
/// for a list item or a continuation, the nearest key above it that is less indented.
/// `None` in a Markdown body.
pub fn key_of(text: &str, line_no: u32) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let markdown = is_markdown_body(&lines, line_no as usize);
    if markdown {
        return None;
    }
    let own = |l: &str| -> Option<String> {
        let t = l.trim_start();
        let t = t.strip_prefix("- ").unwrap_or(t).trim_start();
        let (k, _) = t.split_once(':')?;
        let k = k.trim().trim_matches('"');
        (!k.is_empty() && k.chars().all(|c| id_char(c) || c == '.')).then(|| k.to_string())
    };
    let this = *lines.get(line_no as usize)?;
    if let Some(k) = own(this) {
        return Some(k);
    }
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut want = indent(this);
    for l in lines[..line_no as usize].iter().rev() {
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        if indent(l) < want || (indent(l) == want && !l.trim_start().starts_with("- ")) {
            if let Some(k) = own(l) {
                return Some(k);
            }
            want = indent(l);
        }
    }
    None
}

/// Whether line `n` of a Markdown file lies in its body (after the front matter).
fn is_markdown_body(lines: &[&str], n: usize) -> bool {
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return false;
    }
    match lines
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, l)| l.trim_end() == "---")
    {
        Some((end, _)) => n > end,
        None => false,
    }
}

/// The file a studio path's artifact belongs to, with an edition's prefix taken off
/// (`editions/fr/sections/x.md` → `sections/x.md`).
fn source_path(path: &str) -> &str {
    match path.strip_prefix("editions/") {
        Some(rest) => rest.split_once('/').map_or(path, |(_, p)| p),
        None => path,
    }
}

/// What the word at `pos` in `path` names, and its range.
pub fn site_at(ws: &Workspace, path: &str, pos: Position) -> Option<(Site, Range)> {
    let text = ws.text(path)?;
    let l = line(text, pos.line);
    let col = text::byte_col(l, pos.character);
    let (start, end) = word_at(l, col)?;
    let word = l[start..end].to_string();
    let r = range(text, pos.line, start, end);
    let story = ws.story();
    // A body link: `(#id)`.
    if l[..start].ends_with("(#") {
        return Some(if story.by_id.contains_key(&word) {
            (Site::Section(word), r)
        } else {
            (Site::Codex(word), r)
        });
    }
    let key = key_of(text, pos.line)?;
    // The key itself is not a value.
    if l[..start].trim_start().trim_start_matches("- ").is_empty() && l[end..].starts_with(':') {
        // Except a codeword's own entry in codewords.yaml.
        if source_path(path) == "codewords.yaml" && l.starts_with("  ") && !l.starts_with("   ") {
            return Some((Site::Codeword(word), r));
        }
        if path == "roles.yaml" && l.starts_with("  ") && !l.starts_with("   ") {
            return Some((Site::Role(word), r));
        }
        return None;
    }
    let src = source_path(path);
    let site = match key.as_str() {
        "id" if src.starts_with("sections/") => Site::Section(word),
        "id" if src.starts_with("codex/") => Site::Codex(word),
        "id" if src.starts_with("tus/") => Site::Tu(word),
        "id" if src.starts_with("playbooks/") => Site::Loop(word),
        k if SECTION_KEYS.contains(&k) => Site::Section(word),
        k if CODEWORD_KEYS.contains(&k) => Site::Codeword(word),
        "see_also" => Site::Codex(word),
        "tu" => Site::Tu(word),
        k if ROLE_KEYS.contains(&k) => Site::Role(word),
        k if LOOP_KEYS.contains(&k) => Site::Loop(word),
        _ => return None,
    };
    Some((site, r))
}

/// A location in the workspace.
fn at(ws: &Workspace, path: &str, line_1: u32) -> Location {
    let l = line_1.saturating_sub(1);
    let r = ws
        .text(path)
        .map(|t| text::line_range(t, l))
        .unwrap_or_default();
    Location::new(text::uri_of(ws.root(), path), r)
}

/// The ranges where `word` stands as a whole id on line `line_1` (1-based) of `path`.
fn word_locations(ws: &Workspace, path: &str, line_1: u32, word: &str) -> Vec<Location> {
    let Some(t) = ws.text(path) else {
        return Vec::new();
    };
    let l0 = line_1.saturating_sub(1);
    whole_words(line(t, l0), word)
        .map(|c| {
            Location::new(
                text::uri_of(ws.root(), path),
                range(t, l0, c, c + word.len()),
            )
        })
        .collect()
}

/// The line (1-based) of a top-level entry `id:` under a file's top key (`codewords:`,
/// `roles:`), if any.
fn entry_line(text: &str, id: &str) -> Option<u32> {
    text.split('\n')
        .position(|l| {
            l.strip_prefix("  ")
                .filter(|r| !r.starts_with(' '))
                .and_then(|r| r.strip_prefix(id))
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| i as u32 + 1)
}

/// The first file whose path starts with `folder/<id>.`.
fn file_for(ws: &Workspace, folder: &str, id: &str) -> Option<String> {
    let prefix = format!("{folder}/{id}.");
    ws.texts()
        .map(|(p, _)| p)
        .find(|p| p.starts_with(&prefix))
        .map(str::to_string)
}

/// Where a site is defined (for a codeword: where it is set, else its entry).
pub fn definition(ws: &Workspace, site: &Site) -> Vec<Location> {
    let story = ws.story();
    match site {
        Site::Section(id) => match story.by_id.get(id) {
            Some(&i) => vec![at(ws, &story.sections[i].path, story.sections[i].id_line)],
            None => file_for(ws, "codex", id)
                .map(|p| vec![at(ws, &p, 1)])
                .unwrap_or_default(),
        },
        Site::Codeword(id) => {
            let mut out: Vec<Location> = story
                .sections
                .iter()
                .flat_map(|s| s.sets.iter().filter(|m| &m.id == id).map(move |m| (s, m)))
                .flat_map(|(s, m)| word_locations(ws, &s.path, m.line, id))
                .collect();
            if out.is_empty()
                && let Some(n) = ws.text("codewords.yaml").and_then(|t| entry_line(t, id))
            {
                out.extend(word_locations(ws, "codewords.yaml", n, id));
            }
            out
        }
        Site::Codex(id) => file_for(ws, "codex", id)
            .map(|p| vec![at(ws, &p, 1)])
            .unwrap_or_default(),
        Site::Tu(id) => file_for(ws, "tus", id)
            .map(|p| vec![at(ws, &p, 1)])
            .unwrap_or_default(),
        Site::Role(id) => ws
            .text("roles.yaml")
            .and_then(|t| entry_line(t, id))
            .map(|n| word_locations(ws, "roles.yaml", n, id))
            .unwrap_or_default(),
        Site::Loop(id) => file_for(ws, "playbooks", id)
            .map(|p| vec![at(ws, &p, 1)])
            .unwrap_or_default(),
    }
}

/// Every body link `(#id)` to `id` in the studio's sections and codex (and their
/// editions'), as `(path, line 0-based, byte column of the id)`.
fn links_to(ws: &Workspace, id: &str) -> Vec<(String, u32, usize)> {
    let needle = format!("(#{id})");
    let mut out = Vec::new();
    for (p, t) in ws.texts() {
        let src = source_path(p);
        if !(src.starts_with("sections/") || src.starts_with("codex/")) || !t.contains(&needle) {
            continue;
        }
        for (n, l) in t.split('\n').enumerate() {
            for (c, _) in l.match_indices(&needle) {
                out.push((p.to_string(), n as u32, c + 2));
            }
        }
    }
    out
}

/// Every use of a site (with its definition when `declaration`).
pub fn references(ws: &Workspace, site: &Site, declaration: bool) -> Vec<Location> {
    let story = ws.story();
    let mut out = Vec::new();
    match site {
        Site::Section(id) => {
            if declaration && let Some(&i) = story.by_id.get(id) {
                let s = &story.sections[i];
                out.extend(word_locations(ws, &s.path, s.id_line, id));
            }
            for s in &story.sections {
                for c in s.choices.iter().filter(|c| &c.to == id) {
                    out.extend(word_locations(ws, &s.path, c.to_line, id));
                }
            }
            for (p, n, c) in links_to(ws, id) {
                if let Some(t) = ws.text(&p) {
                    out.push(Location::new(
                        text::uri_of(ws.root(), &p),
                        range(t, n, c, c + id.len()),
                    ));
                }
            }
            if let Some(t) = ws.text("studio.toml") {
                for (n, l) in t.split('\n').enumerate() {
                    if l.trim_start().starts_with("start") {
                        out.extend(word_locations(ws, "studio.toml", n as u32 + 1, id));
                    }
                }
            }
        }
        Site::Codeword(id) => {
            if declaration
                && let Some(n) = ws.text("codewords.yaml").and_then(|t| entry_line(t, id))
            {
                out.extend(word_locations(ws, "codewords.yaml", n, id));
            }
            for s in &story.sections {
                let mut lines: BTreeSet<u32> = s
                    .sets
                    .iter()
                    .filter(|m| &m.id == id)
                    .map(|m| m.line)
                    .collect();
                for c in &s.choices {
                    lines.extend(
                        c.requires
                            .iter()
                            .chain(&c.forbids)
                            .filter(|m| &m.id == id)
                            .map(|m| m.line),
                    );
                }
                for n in lines {
                    out.extend(word_locations(ws, &s.path, n, id));
                }
            }
        }
        Site::Codex(id) => {
            for (p, n, c) in links_to(ws, id) {
                if let Some(t) = ws.text(&p) {
                    out.push(Location::new(
                        text::uri_of(ws.root(), &p),
                        range(t, n, c, c + id.len()),
                    ));
                }
            }
            for (p, t) in ws.texts().filter(|(p, _)| p.starts_with("codex/")) {
                for n in 0..t.split('\n').count() {
                    if key_of(t, n as u32).as_deref() == Some("see_also") {
                        out.extend(word_locations(ws, p, n as u32 + 1, id));
                    }
                }
            }
        }
        Site::Tu(_) | Site::Role(_) | Site::Loop(_) => {
            out.extend(definition(ws, site));
        }
    }
    out.sort_by(|a, b| {
        (a.uri.as_str(), a.range.start.line, a.range.start.character).cmp(&(
            b.uri.as_str(),
            b.range.start.line,
            b.range.start.character,
        ))
    });
    out.dedup();
    out
}

/// Codeword phrases from `codewords.yaml`, by id.
fn phrases(ws: &Workspace) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(t) = ws.text("codewords.yaml") else {
        return out;
    };
    let mut current: Option<String> = None;
    for l in t.split('\n') {
        if let Some(rest) = l.strip_prefix("  ").filter(|r| !r.starts_with(' '))
            && let Some((k, _)) = rest.split_once(':')
        {
            current = Some(k.trim().to_string());
        } else if let Some(v) = l.trim_start().strip_prefix("phrase:")
            && let Some(id) = &current
        {
            out.insert(id.clone(), v.trim().trim_matches('"').to_string());
        }
    }
    out
}

/// Every codeword the studio knows: its entries and every mention.
fn codewords(ws: &Workspace) -> BTreeSet<String> {
    let mut all: BTreeSet<String> = phrases(ws).into_keys().collect();
    for s in &ws.story().sections {
        all.extend(s.sets.iter().map(|m| m.id.clone()));
        for c in &s.choices {
            all.extend(c.requires.iter().chain(&c.forbids).map(|m| m.id.clone()));
        }
    }
    all
}

/// Ids of the files in a folder (their stems).
fn stems(ws: &Workspace, folder: &str) -> Vec<String> {
    let prefix = format!("{folder}/");
    ws.texts()
        .filter_map(|(p, _)| p.strip_prefix(&prefix))
        .filter(|p| !p.contains('/'))
        .filter_map(|p| p.rsplit_once('.').map(|(s, _)| s.to_string()))
        .collect()
}

/// What may be written at `pos`: section ids where a section is named, codewords in
/// gates, codex ids, roles, loops, flags.
pub fn completion(ws: &Workspace, path: &str, pos: Position) -> Vec<CompletionItem> {
    let Some(text) = ws.text(path) else {
        return Vec::new();
    };
    let l = line(text, pos.line);
    let col = text::byte_col(l, pos.character);
    let typed_from = l[..col]
        .char_indices()
        .rev()
        .take_while(|(_, c)| id_char(*c))
        .last()
        .map_or(col, |(i, _)| i);
    let item = |label: String, detail: String, kind: CompletionItemKind| CompletionItem {
        label,
        detail: (!detail.is_empty()).then_some(detail),
        kind: Some(kind),
        ..CompletionItem::default()
    };
    let sections = || {
        ws.story()
            .sections
            .iter()
            .map(|s| item(s.id.clone(), s.title.clone(), CompletionItemKind::REFERENCE))
            .collect::<Vec<_>>()
    };
    if l[..typed_from].ends_with("(#") {
        let mut out = sections();
        out.extend(
            stems(ws, "codex")
                .into_iter()
                .map(|id| item(id, "codex entry".into(), CompletionItemKind::CONSTANT)),
        );
        return out;
    }
    let Some(key) = key_of(text, pos.line) else {
        return Vec::new();
    };
    // Only after the key's colon (or in a list item under it).
    let before = l[..typed_from].trim_start();
    if before.ends_with(key.as_str()) {
        return Vec::new();
    }
    match key.as_str() {
        k if SECTION_KEYS.contains(&k) => sections(),
        k if CODEWORD_KEYS.contains(&k) => {
            let phrases = phrases(ws);
            codewords(ws)
                .into_iter()
                .map(|id| {
                    let p = phrases.get(&id).cloned().unwrap_or_default();
                    item(id, p, CompletionItemKind::CONSTANT)
                })
                .collect()
        }
        "see_also" => stems(ws, "codex")
            .into_iter()
            .map(|id| item(id, "codex entry".into(), CompletionItemKind::CONSTANT))
            .collect(),
        "flags" => FLAGS
            .iter()
            .map(|(f, d)| item((*f).into(), (*d).into(), CompletionItemKind::ENUM_MEMBER))
            .collect(),
        "tu" => stems(ws, "tus")
            .into_iter()
            .map(|id| item(id, "TU".into(), CompletionItemKind::REFERENCE))
            .collect(),
        k if ROLE_KEYS.contains(&k) => crate::roles::ROLES
            .iter()
            .map(|(id, code, _)| item((*id).into(), (*code).into(), CompletionItemKind::VALUE))
            .collect(),
        k if LOOP_KEYS.contains(&k) => {
            let own: Vec<(String, Vec<u8>)> = ws
                .texts()
                .filter(|(p, _)| p.starts_with("playbooks/"))
                .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
                .collect();
            crate::studio::playbook::in_force(&own)
                .into_values()
                .map(|p| item(p.id, p.name, CompletionItemKind::MODULE))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// A section in words, for hover: its title and file, flags, the choices out and in,
/// what it sets, and whether (and how) a reader reaches it under the gates.
fn hover_section(ws: &mut Workspace, i: usize) -> String {
    let phrases = phrases(ws);
    let story = ws.story();
    let s: &Section = &story.sections[i];
    let mut md = format!("**{}** · `{}` · {}\n", s.title, s.id, s.path);
    if !s.flag_names.is_empty() {
        md.push_str(&format!("\nflags: {}\n", s.flag_names.join(", ")));
    }
    let gate = |c: &crate::story::Choice| {
        let mut g: Vec<String> = c.requires.iter().map(|m| format!("`{}`", m.id)).collect();
        g.extend(c.forbids.iter().map(|m| format!("not `{}`", m.id)));
        g.extend(
            c.needs
                .iter()
                .map(|n| format!("`{}` {} {}", n.counter, n.op.symbol(), n.value)),
        );
        if g.is_empty() {
            String::new()
        } else {
            format!(" — if {}", g.join(", "))
        }
    };
    if !s.sets.is_empty() {
        let sets: Vec<String> = s
            .sets
            .iter()
            .map(|m| match phrases.get(&m.id) {
                Some(p) => format!("`{}` ({p})", m.id),
                None => format!("`{}`", m.id),
            })
            .collect();
        md.push_str(&format!("\nsets: {}\n", sets.join(", ")));
    }
    if s.choices.is_empty() {
        md.push_str("\nno choices out (an ending)\n");
    } else {
        md.push_str(&format!("\n{} choices out:\n", s.choices.len()));
        for c in &s.choices {
            md.push_str(&format!("- {} → `{}`{}\n", c.label, c.to, gate(c)));
        }
    }
    let ins: Vec<String> = story
        .sections
        .iter()
        .flat_map(|o| {
            o.choices
                .iter()
                .filter(|c| c.to == s.id)
                .map(move |c| format!("- `{}`: {}{}", o.id, c.label, gate(c)))
        })
        .collect();
    if ins.is_empty() {
        md.push_str("\nno choices in\n");
    } else {
        md.push_str(&format!(
            "\n{} choices in:\n{}\n",
            ins.len(),
            ins.join("\n")
        ));
    }
    let start = story.start;
    let ids: Vec<String> = story.sections.iter().map(|x| x.id.clone()).collect();
    let sets_of: Vec<Vec<String>> = story
        .sections
        .iter()
        .map(|x| x.sets.iter().map(|m| m.id.clone()).collect())
        .collect();
    let reach = ws.reach();
    let line = if start.is_none() {
        "reachability: the story has no start section".to_string()
    } else if !reach.reached.get(i).copied().unwrap_or(false) {
        if reach.complete {
            "**not reachable** under the gates".to_string()
        } else {
            "not found reachable under the gates (the search ran out of its budget)".to_string()
        }
    } else {
        let route = reach.witness(i).unwrap_or_default();
        let mut held: Vec<String> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for step in &route {
            names.push(format!("`{}`", ids[step.section]));
            for w in &sets_of[step.section] {
                if !held.contains(w) {
                    held.push(w.clone());
                }
            }
        }
        names.push(format!("`{}`", ids[i]));
        let under = if held.is_empty() {
            "holding no codeword".to_string()
        } else {
            format!(
                "holding {}",
                held.iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!("reachable under the gates: {} ({under})", names.join(" → "))
    };
    md.push_str(&format!("\n{line}\n"));
    md
}

/// A file's top-level `title:` (empty when it has none).
fn title_of(text: &str) -> String {
    text.split('\n')
        .find_map(|l| l.strip_prefix("title:"))
        .map(|v| v.trim().trim_matches('"').to_string())
        .unwrap_or_default()
}

/// The first id a finding's message quotes (in backticks, a link's `#` dropped) that
/// stands as a whole word on `line`, with its byte column.
pub fn quoted_on<'m>(message: &'m str, line: &str) -> Option<(&'m str, usize)> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|w| w.trim_start_matches('#'))
        .filter(|w| !w.is_empty())
        .find_map(|w| whole_words(line, w).next().map(|c| (w, c)))
}

/// What a site is, in Markdown.
pub fn hover(ws: &mut Workspace, site: &Site, r: Range) -> Option<Hover> {
    let md = match site {
        Site::Section(id) => {
            let i = *ws.story().by_id.get(id)?;
            hover_section(ws, i)
        }
        Site::Codeword(id) => {
            let phrase = phrases(ws).get(id).cloned();
            let story = ws.story();
            let set_in: Vec<String> = story
                .sections
                .iter()
                .filter(|s| s.sets.iter().any(|m| &m.id == id))
                .map(|s| format!("`{}`", s.id))
                .collect();
            let gates = story
                .sections
                .iter()
                .flat_map(|s| &s.choices)
                .filter(|c| c.requires.iter().chain(&c.forbids).any(|m| &m.id == id))
                .count();
            let mut md = format!("codeword `{id}`\n");
            match phrase {
                Some(p) => md.push_str(&format!("\nthe reader reads: “{p}”\n")),
                None => md.push_str("\nno phrase in codewords.yaml\n"),
            }
            if set_in.is_empty() {
                md.push_str("\nset nowhere\n");
            } else {
                md.push_str(&format!("\nset in {}\n", set_in.join(", ")));
            }
            md.push_str(&format!("\n{gates} gate(s) test it\n"));
            md
        }
        Site::Codex(id) => {
            let p = file_for(ws, "codex", id)?;
            let t = ws.text(&p)?;
            let title = title_of(t);
            format!("codex entry **{title}** · `{id}` · {p}\n")
        }
        Site::Tu(id) => {
            let p = file_for(ws, "tus", id)?;
            let t = ws.text(&p)?;
            let title = title_of(t);
            format!("TU `{id}`: {title} · {p}\n")
        }
        Site::Role(id) => match crate::roles::ROLES.iter().find(|(r, _, _)| r == id) {
            Some((r, code, _)) => format!("role `{r}` ({code})\n"),
            None => format!("`{id}` is not a role\n"),
        },
        Site::Loop(id) => format!("loop `{id}`\n"),
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: md,
        }),
        range: Some(r),
    })
}

/// A file's symbols: a section with its choices, a codewords file's entries, a codex
/// entry.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
pub fn document_symbols(ws: &Workspace, path: &str) -> Vec<DocumentSymbol> {
    let Some(text) = ws.text(path) else {
        return Vec::new();
    };
    let symbol = |name: String, detail: Option<String>, kind, line_1: u32, children| {
        let r = text::line_range(text, line_1.saturating_sub(1));
        DocumentSymbol {
            name,
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: r,
            selection_range: r,
            children,
        }
    };
    let story = ws.story();
    if let Some(s) = story.sections.iter().find(|s| s.path == path) {
        let choices: Vec<DocumentSymbol> = s
            .choices
            .iter()
            .map(|c| {
                symbol(
                    format!("→ {}", c.to),
                    Some(c.label.clone()),
                    SymbolKind::EVENT,
                    c.line,
                    None,
                )
            })
            .collect();
        return vec![symbol(
            s.id.clone(),
            Some(s.title.clone()),
            SymbolKind::CLASS,
            s.id_line.max(1),
            Some(choices),
        )];
    }
    if matches!(path, "codewords.yaml" | "roles.yaml" | "counters.yaml") {
        return text
            .split('\n')
            .enumerate()
            .filter_map(|(n, l)| {
                let rest = l.strip_prefix("  ").filter(|r| !r.starts_with(' '))?;
                let (k, _) = rest.split_once(':')?;
                Some(symbol(
                    k.trim().to_string(),
                    None,
                    SymbolKind::CONSTANT,
                    n as u32 + 1,
                    None,
                ))
            })
            .collect();
    }
    text.split('\n')
        .enumerate()
        .find_map(|(n, l)| {
            let v = l.strip_prefix("title:")?;
            Some(vec![symbol(
                v.trim().trim_matches('"').to_string(),
                None,
                SymbolKind::FILE,
                n as u32 + 1,
                None,
            )])
        })
        .unwrap_or_default()
}

/// Sections, codex entries and codewords whose id or title holds `query` (any case).
#[allow(deprecated)] // `SymbolInformation::deprecated` must still be written.
pub fn workspace_symbols(ws: &Workspace, query: &str) -> Vec<SymbolInformation> {
    const MOST: usize = 256;
    let q = query.to_lowercase();
    let hit = |a: &str, b: &str| a.to_lowercase().contains(&q) || b.to_lowercase().contains(&q);
    let info = |name: String, kind, loc: Location, container: Option<String>| SymbolInformation {
        name,
        kind,
        tags: None,
        deprecated: None,
        location: loc,
        container_name: container,
    };
    let mut out = Vec::new();
    for s in ws.story().sections.iter().filter(|s| hit(&s.id, &s.title)) {
        out.push(info(
            s.id.clone(),
            SymbolKind::CLASS,
            at(ws, &s.path, s.id_line.max(1)),
            Some(s.title.clone()),
        ));
        if out.len() >= MOST {
            return out;
        }
    }
    for id in stems(ws, "codex").into_iter().filter(|id| hit(id, "")) {
        if let Some(p) = file_for(ws, "codex", &id) {
            out.push(info(
                id,
                SymbolKind::STRUCT,
                at(ws, &p, 1),
                Some("codex".into()),
            ));
        }
        if out.len() >= MOST {
            return out;
        }
    }
    let phrases = phrases(ws);
    for id in codewords(ws) {
        let phrase = phrases.get(&id).cloned().unwrap_or_default();
        if !hit(&id, &phrase) {
            continue;
        }
        let loc = definition(ws, &Site::Codeword(id.clone()))
            .into_iter()
            .next()
            .unwrap_or_else(|| at(ws, "codewords.yaml", 1));
        out.push(info(
            id,
            SymbolKind::CONSTANT,
            loc,
            Some("codewords".into()),
        ));
        if out.len() >= MOST {
            break;
        }
    }
    out
}

/// The `did you mean` fixes of the findings on `range` of `path`, as quick fixes.
pub fn code_actions(ws: &Workspace, path: &str, want: Range) -> Vec<CodeAction> {
    let Some(text) = ws.text(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in ws.report().findings.iter().filter(|f| f.path == path) {
        let l0 = f.line.saturating_sub(1);
        if f.line == 0 || l0 < want.start.line || l0 > want.end.line {
            continue;
        }
        let Some(near) = f
            .fix
            .split("did you mean `")
            .nth(1)
            .and_then(|r| r.split('`').next())
        else {
            continue;
        };
        let near = near.trim_start_matches('#');
        let l = line(text, l0);
        // The wrong word: the first id quoted in the message that stands on the line.
        let wrong = quoted_on(&f.message, l);
        let Some((w, c)) = wrong.filter(|(w, _)| *w != near) else {
            continue;
        };
        let edit = TextEdit::new(range(text, l0, c, c + w.len()), near.to_string());
        let diagnostic = super::diagnostic(text, f);
        out.push(CodeAction {
            title: format!("Change `{w}` to `{near}`"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic]),
            edit: Some(WorkspaceEdit {
                changes: Some(
                    [(text::uri_of(ws.root(), path), vec![edit])]
                        .into_iter()
                        .collect(),
                ),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(true),
            ..CodeAction::default()
        });
    }
    out
}

/// Why a new name cannot be taken.
pub fn refuse_name(ws: &Workspace, site: &Site, new: &str) -> Option<String> {
    let valid = !new.is_empty()
        && new
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && new
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if !valid {
        return Some(format!(
            "`{new}` is not an id: use lower-case letters, digits, `-` and `_`"
        ));
    }
    match site {
        Site::Section(_) if ws.story().by_id.contains_key(new) => {
            Some(format!("there is already a section `{new}`"))
        }
        Site::Section(_) if ws.text(&format!("sections/{new}.md")).is_some() => {
            Some(format!("sections/{new}.md already exists"))
        }
        Site::Codeword(_) if codewords(ws).contains(new) => {
            Some(format!("there is already a codeword `{new}`"))
        }
        Site::Section(_) | Site::Codeword(_) => None,
        _ => Some("only sections and codewords can be renamed".into()),
    }
}

/// Renames a section (every choice, link and `start` naming it, its `id:`, its file and
/// its editions' files) or a codeword (every gate and `sets`, its entries in
/// `codewords.yaml` and the editions'), as one workspace edit.
pub fn rename(ws: &Workspace, site: &Site, new: &str) -> Option<WorkspaceEdit> {
    let mut edits: BTreeMap<String, Vec<TextEdit>> = BTreeMap::new();
    let mut moves: Vec<(String, String)> = Vec::new();
    let mut push = |path: &str, text: &str, l0: u32, c: usize, old: &str| {
        edits
            .entry(path.to_string())
            .or_default()
            .push(TextEdit::new(range(text, l0, c, c + old.len()), new.into()));
    };
    match site {
        Site::Section(old) => {
            let file = ws.story().sections[*ws.story().by_id.get(old)?]
                .path
                .clone();
            for (p, t) in ws.texts() {
                let src = source_path(p);
                let own = src == file;
                let section_like = src.starts_with("sections/") || src.starts_with("codex/");
                if !(own || section_like || p == "studio.toml" || src.ends_with(".yaml")) {
                    continue;
                }
                let lines: Vec<&str> = t.split('\n').collect();
                let body_from = if t.starts_with("---") {
                    lines
                        .iter()
                        .skip(1)
                        .position(|l| l.trim_end() == "---")
                        .map_or(usize::MAX, |i| i + 1)
                } else {
                    usize::MAX
                };
                for (n, l) in lines.iter().enumerate() {
                    let l0 = n as u32;
                    if n > body_from {
                        let needle = format!("(#{old})");
                        for (c, _) in l.match_indices(&needle) {
                            push(p, t, l0, c + 2, old);
                        }
                        continue;
                    }
                    if !l.contains(old.as_str()) {
                        continue;
                    }
                    let key = if p == "studio.toml" {
                        l.trim_start().split(['=', ' ']).next().map(str::to_string)
                    } else {
                        key_of(t, l0)
                    };
                    let hit = match key.as_deref() {
                        Some("id") => own,
                        Some(k) => SECTION_KEYS.contains(&k),
                        None => false,
                    };
                    if hit {
                        let cols: Vec<usize> = whole_words(l, old).collect();
                        for c in cols {
                            push(p, t, l0, c, old);
                        }
                    }
                }
                if own {
                    let to = match p.rsplit_once('/') {
                        Some((dir, name)) => {
                            let ext = name.rsplit_once('.').map_or("md", |(_, e)| e);
                            format!("{dir}/{new}.{ext}")
                        }
                        None => continue,
                    };
                    moves.push((p.to_string(), to));
                }
            }
        }
        Site::Codeword(old) => {
            for (p, t) in ws.texts() {
                let src = source_path(p);
                let entries = src == "codewords.yaml";
                if !(src.starts_with("sections/") || entries) || !t.contains(old.as_str()) {
                    continue;
                }
                for (n, l) in t.split('\n').enumerate() {
                    let l0 = n as u32;
                    if entries {
                        if entry_line(l, old).is_some() {
                            push(p, t, l0, 2, old);
                        }
                        continue;
                    }
                    if key_of(t, l0).is_some_and(|k| CODEWORD_KEYS.contains(&k.as_str())) {
                        let cols: Vec<usize> = whole_words(l, old).collect();
                        for c in cols {
                            push(p, t, l0, c, old);
                        }
                    }
                }
            }
        }
        _ => return None,
    }
    let mut ops: Vec<DocumentChangeOperation> = edits
        .into_iter()
        .map(|(p, e)| {
            DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: text::uri_of(ws.root(), &p),
                    version: None,
                },
                edits: e.into_iter().map(OneOf::Left).collect(),
            })
        })
        .collect();
    ops.extend(moves.into_iter().map(|(from, to)| {
        DocumentChangeOperation::Op(ResourceOp::Rename(RenameFile {
            old_uri: text::uri_of(ws.root(), &from),
            new_uri: text::uri_of(ws.root(), &to),
            options: None,
            annotation_id: None,
        }))
    }));
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(ops)),
        ..WorkspaceEdit::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample studio in a folder of its own, with `extra` files written over it.
    fn sample(extra: &[(&str, &str)]) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().expect("tempdir");
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample");
        for e in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let rel = e.path().strip_prefix(&from).expect("under");
            let to = dir.path().join(rel);
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("dir");
            } else {
                std::fs::copy(e.path(), &to).expect("copy");
            }
        }
        for (p, t) in extra {
            std::fs::write(dir.path().join(p), t).expect("write");
        }
        let ws = Workspace::open(dir.path()).expect("open");
        (dir, ws)
    }

    /// The position of the first `needle` in `path`, `offset` characters into it.
    fn at(ws: &Workspace, path: &str, needle: &str, offset: u32) -> Position {
        let t = ws.text(path).expect("text");
        let (n, l) = t
            .split('\n')
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .expect("needle");
        let col = text::utf16_col(l, l.find(needle).expect("needle"));
        Position::new(n as u32, col + offset)
    }

    #[test]
    fn keys_are_read_from_the_line_or_the_list_above_and_never_in_a_body() {
        let t = "---\nid: a\nchoices:\n  - label: \"x\"\n    to: b\n    requires:\n      - c\n      - d\nsets: [e]\n---\nto: f (#g)\n";
        assert_eq!(key_of(t, 1).as_deref(), Some("id"));
        assert_eq!(key_of(t, 3).as_deref(), Some("label"));
        assert_eq!(key_of(t, 4).as_deref(), Some("to"));
        assert_eq!(key_of(t, 6).as_deref(), Some("requires"));
        assert_eq!(key_of(t, 7).as_deref(), Some("requires"));
        assert_eq!(key_of(t, 8).as_deref(), Some("sets"));
        assert_eq!(key_of(t, 10), None);
        assert_eq!(source_path("editions/fr/sections/x.md"), "sections/x.md");
        assert_eq!(source_path("sections/x.md"), "sections/x.md");
    }

    #[test]
    fn a_hook_s_tu_leads_to_the_brief_and_roles_loops_and_flags_complete() {
        let hook = "id: HK-20261201-01\ntitle: A hook\nstatus: proposed\ntype: narrative\nraised_by: lore_weaver\nsummary: x\nbars: [integrity]\nblocking: false\nnext_loop: lore_deepening\ntu: TU-2026-11-01-SR01\n";
        let (_dir, ws) = sample(&[("hooks/HK-20261201-01.yaml", hook)]);
        let path = "hooks/HK-20261201-01.yaml";
        let (site, _) = site_at(&ws, path, at(&ws, path, "TU-2026", 3)).expect("a site");
        assert_eq!(site, Site::Tu("TU-2026-11-01-SR01".into()));
        let def = definition(&ws, &site);
        assert!(
            def[0]
                .uri
                .as_str()
                .ends_with("/tus/TU-2026-11-01-SR01.yaml"),
            "{def:?}"
        );
        let labels = |items: Vec<CompletionItem>| -> Vec<String> {
            items.into_iter().map(|i| i.label).collect()
        };
        let roles = labels(completion(&ws, path, at(&ws, path, "lore_weaver", 0)));
        assert!(roles.contains(&"plotwright".to_string()), "{roles:?}");
        let loops = labels(completion(&ws, path, at(&ws, path, "lore_deepening", 0)));
        assert!(loops.contains(&"lore_deepening".to_string()), "{loops:?}");
        let s = "sections/mudbank.md";
        let (_dir2, ws2) = sample(&[(
            s,
            "---\nid: mudbank\ntitle: The Mudbank\nflags: [h]\nchoices:\n  - label: \"Go\"\n    to: pip-pole\n---\nBody.\n",
        )]);
        let flags = labels(completion(&ws2, s, at(&ws2, s, "[h]", 2)));
        assert_eq!(flags, vec!["hub", "loop", "keystone", "terminal"]);
        // A body link offers sections and codex entries, and leads to either.
        let (_dir3, ws3) = sample(&[(
            s,
            "---\nid: mudbank\ntitle: The Mudbank\nchoices:\n  - label: \"Go\"\n    to: pip-pole\n---\nSee [Pip](#pip-lesson) and [the Guild](#wick-guild).\n",
        )]);
        let offered = labels(completion(&ws3, s, at(&ws3, s, "pip-lesson)", 3)));
        assert!(
            offered.contains(&"pip-lesson".to_string())
                && offered.contains(&"wick-guild".to_string()),
            "{offered:?}"
        );
        let (site, _) = site_at(&ws3, s, at(&ws3, s, "pip-lesson)", 2)).expect("a link");
        assert_eq!(site, Site::Section("pip-lesson".into()));
        assert!(
            definition(&ws3, &site)[0]
                .uri
                .as_str()
                .ends_with("/sections/pip-lesson.md")
        );
        let (site, _) = site_at(&ws3, s, at(&ws3, s, "wick-guild)", 2)).expect("a link");
        assert_eq!(site, Site::Codex("wick-guild".into()));
        let refs = references(&ws3, &Site::Section("pip-lesson".into()), false);
        assert!(
            refs.iter().any(
                |l| l.uri.as_str().ends_with("/sections/mudbank.md") && l.range.start.line == 7
            ),
            "{refs:?}"
        );
        // Nothing is offered in prose, nor on a key itself.
        assert!(completion(&ws2, s, at(&ws2, s, "Body", 2)).is_empty());
        assert!(completion(&ws2, s, at(&ws2, s, "title:", 2)).is_empty());
    }

    #[test]
    fn a_rename_is_refused_onto_a_taken_or_malformed_name() {
        let (_dir, ws) = sample(&[]);
        let lesson = Site::Section("pip-lesson".into());
        assert!(refuse_name(&ws, &lesson, "mudbank").is_some());
        assert!(refuse_name(&ws, &lesson, "Pip").is_some());
        assert!(refuse_name(&ws, &lesson, "a/b").is_some());
        assert!(refuse_name(&ws, &lesson, "-x").is_some());
        assert_eq!(refuse_name(&ws, &lesson, "pip-teaching"), None);
        let cw = Site::Codeword("pip-tune".into());
        assert!(refuse_name(&ws, &cw, "records-map").is_some());
        assert!(refuse_name(&ws, &Site::Tu("TU-1".into()), "tu-2").is_some());
    }
}
