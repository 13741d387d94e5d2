//! The presentation bar: nothing internal reaches a player-facing surface — codeword
//! ids, process ids, canon spoilers, production technique, meta talk, draft markers.

use super::Finding;
use super::context::{Context, Field, List, Surface, finding};
use crate::artifact::Kind;
use crate::artifact::node::Node;

/// Words that tell how an asset was made rather than what the story is.
pub const TECHNIQUE: [&str; 14] = [
    "seed",
    "seeds",
    "seeded",
    "model",
    "models",
    "prompt",
    "prompts",
    "prompted",
    "llm",
    "gpt",
    "midjourney",
    "stable diffusion",
    "dall-e",
    "ai-generated",
];

/// Phrases that talk about the book instead of telling the story.
pub const META: [&str; 12] = [
    "click here",
    "click on",
    "click the link",
    "tap here",
    "turn to section",
    "turn to page",
    "turn to paragraph",
    "go to section",
    "go to page",
    "go to paragraph",
    "proceed to section",
    "flip to page",
];

/// Draft markers matched exactly (case-sensitive).
pub const DRAFT_EXACT: [&str; 6] = ["TODO", "TBD", "FIXME", "XXX", "Hub:", "PLACEHOLDER"];

/// Draft markers matched in any case.
pub const DRAFT_ANY: [&str; 3] = ["lorem ipsum", "[placeholder]", "placeholder text"];

/// What `showrunner init` writes into its opening section for the writer to replace
/// (`templates/init/sections/opening.md`).
pub const SCAFFOLDING: [&str; 1] = ["replace this paragraph with your opening scene"];

/// Literals that start story-format code: a text with none of them has none ([`story_code`]
/// then finds each construct exactly). Harlowe macros are found by their common names; a
/// text with any trigger is scanned for every macro.
const CODE_TRIGGERS: [&str; 11] = [
    "<<", "[[", "{", "$", "->", "==", "~", "(if:", "(set:", "(link", "<%",
];
const HARLOWE_TRIGGERS: [&str; 40] = [
    "put",
    "move",
    "unless",
    "else-if",
    "elseif",
    "else",
    "goto",
    "go-to",
    "print",
    "display",
    "either",
    "a",
    "dm",
    "datamap",
    "ds",
    "for",
    "live",
    "event",
    "after",
    "click",
    "replace",
    "append",
    "prepend",
    "show",
    "hide",
    "text-colour",
    "text-color",
    "text-style",
    "font",
    "transition",
    "t8n",
    "history",
    "visited",
    "random",
    "cond",
    "undo",
    "redirect",
    "alert",
    "prompt",
    "enchant",
];

/// Which story format a piece of code is from, as a finding names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// `<<macro …>>`.
    SugarCube,
    /// `(name: …)`.
    Harlowe,
    /// `[[text->Passage]]`.
    TwineLink,
    /// `$name`.
    Variable,
    /// `{{name}}`, `${name}`, or a template's `<% code %>` / `<%= value %>` (Snowman).
    Placeholder,
    /// `{insert}` (Chapbook) or `{cond: a|b}` (ink).
    Braces,
    /// `-> knot`.
    InkDivert,
    /// `== knot ==`.
    InkKnot,
    /// `~ x = 1`.
    InkLogic,
}

impl Syntax {
    /// What it is, as a finding names it ("a SugarCube macro").
    pub fn name(self) -> &'static str {
        match self {
            Syntax::SugarCube => "a SugarCube macro",
            Syntax::Harlowe => "a Harlowe macro",
            Syntax::TwineLink => "a Twine link",
            Syntax::Variable => "a story variable",
            Syntax::Placeholder => "a template placeholder",
            Syntax::Braces => "a Chapbook insert or ink conditional",
            Syntax::InkDivert => "an ink divert",
            Syntax::InkKnot => "an ink knot header",
            Syntax::InkLogic => "an ink logic line",
        }
    }

    fn fix(self) -> &'static str {
        match self {
            Syntax::SugarCube | Syntax::Harlowe | Syntax::InkLogic => {
                "nothing runs it in a bound book: keep state in front matter (a codeword in `sets`, a gate in a choice's `requires`/`forbids` with a `condition`)"
            }
            Syntax::TwineLink | Syntax::InkDivert => {
                "make it a choice in the front matter (`label`, `to`), or a Markdown link `[text](#section-id)`"
            }
            Syntax::InkKnot => "a knot is a section: give it its own file in sections/",
            Syntax::Variable => {
                "readers would see the variable's name: say it in the story's words"
            }
            Syntax::Placeholder | Syntax::Braces => {
                "nothing fills it in: write the words readers should read"
            }
        }
    }
}

fn ident_len(bytes: &[u8], extra: &[u8]) -> usize {
    let mut n = 0;
    while n < bytes.len()
        && (bytes[n].is_ascii_alphanumeric() || bytes[n] == b'_' || extra.contains(&bytes[n]))
    {
        n += 1;
    }
    if n > 0 && !(bytes[0].is_ascii_alphabetic() || bytes[0] == b'_') {
        return 0;
    }
    n
}

/// At most the first `span` bytes of `text[from..]` (cut at a character boundary) and
/// not past the end of the line: how far a construct may reach, so a long line full of
/// openers costs time in proportion to its length.
fn window(text: &str, from: usize, span: usize) -> &str {
    let rest = &text[from..];
    let mut limit = span.min(rest.len());
    while !rest.is_char_boundary(limit) {
        limit -= 1;
    }
    let rest = &rest[..limit];
    &rest[..rest.find('\n').unwrap_or(rest.len())]
}

/// Where `close` ends, searching at most to the end of the line (or `span` bytes).
fn closing(text: &str, from: usize, close: &str, span: usize) -> Option<usize> {
    window(text, from, span)
        .find(close)
        .map(|i| from + i + close.len())
}

/// The story-format code in a text: SugarCube `<<macros>>`, Harlowe `(macro:)` calls,
/// Twine `[[links]]`, `$variables`, `{{placeholders}}` and `${placeholders}`, Chapbook
/// `{inserts}`, ink diverts (`-> knot`), knot headers (`== knot`) and logic (`~ x = 1`).
/// Each construct once, in order; what lies inside one is not reported again.
pub fn story_code(text: &str) -> Vec<(usize, usize, Syntax)> {
    let b = text.as_bytes();
    let mut out: Vec<(usize, usize, Syntax)> = Vec::new();
    // Whether only white space precedes `i` on its line (kept as the scan goes, so the
    // scan stays linear).
    let mut blank = true;
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied().unwrap_or(0);
        let at_line_start = blank;
        if b[i] == b'\n' {
            blank = true;
        } else if !b[i].is_ascii_whitespace() {
            blank = false;
        }
        let found: Option<(usize, Syntax)> = match b[i] {
            b'<' if next == b'<' => {
                let after = b.get(i + 2).copied().unwrap_or(0);
                (after.is_ascii_alphabetic() || b"/=-$".contains(&after))
                    .then(|| closing(text, i + 2, ">>", 400).map(|e| (e, Syntax::SugarCube)))
                    .flatten()
            }
            b'[' if next == b'[' => closing(text, i + 2, "]]", 400).map(|e| (e, Syntax::TwineLink)),
            // Snowman's (and any EJS-style template's) `<% code %>` and `<%= value %>`.
            b'<' if next == b'%' => {
                closing(text, i + 2, "%>", 400).map(|e| (e, Syntax::Placeholder))
            }
            b'{' if next == b'{' => {
                closing(text, i + 2, "}}", 200).map(|e| (e, Syntax::Placeholder))
            }
            b'$' if next == b'{' => {
                closing(text, i + 2, "}", 200).map(|e| (e, Syntax::Placeholder))
            }
            b'$' => {
                let n = ident_len(&b[i + 1..], b".");
                let word_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
                (n > 0 && !word_before).then(|| (i + 1 + n, Syntax::Variable))
            }
            b'{' => closing(text, i + 1, "}", 200)
                .filter(|e| {
                    let inner = text[i + 1..e - 1].trim();
                    !inner.is_empty() && inner.as_bytes()[0].is_ascii_alphabetic()
                })
                .map(|e| (e, Syntax::Braces)),
            b'(' => {
                let n = ident_len(&b[i + 1..], b"-");
                (n > 0 && b.get(i + 1 + n) == Some(&b':'))
                    .then(|| {
                        // To the matching parenthesis on the same line (or the line's end).
                        let mut depth = 0usize;
                        let mut end = None;
                        for (k, c) in window(text, i, 400).char_indices() {
                            match c {
                                '(' => depth += 1,
                                ')' => {
                                    depth -= 1;
                                    if depth == 0 {
                                        end = Some(i + k + 1);
                                        break;
                                    }
                                }
                                _ => {}
                            }
                        }
                        end.map(|e| (e, Syntax::Harlowe))
                    })
                    .flatten()
            }
            b'-' if next == b'>' => {
                let rest = &b[i + 2..];
                let spaces = rest.iter().take(8).take_while(|c| **c == b' ').count();
                let n = ident_len(&rest[spaces..], b".");
                let before = i > 0 && b[i - 1] == b'-';
                (n > 0 && !before).then(|| (i + 2 + spaces + n, Syntax::InkDivert))
            }
            b'=' if next == b'=' && at_line_start => {
                let eq = b[i..].iter().take_while(|c| **c == b'=').count();
                let rest = &b[i + eq..];
                let spaces = rest.iter().take(8).take_while(|c| **c == b' ').count();
                let n = ident_len(&rest[spaces..], b"");
                (spaces > 0 && n > 0).then(|| (i + eq + spaces + n, Syntax::InkKnot))
            }
            b'~' if next == b' ' && at_line_start => {
                let n = ident_len(&b[i + 2..], b"");
                (n > 0).then(|| {
                    let e = text[i..].find('\n').map_or(text.len(), |k| i + k);
                    (e, Syntax::InkLogic)
                })
            }
            _ => None,
        };
        match found {
            Some((end, syntax)) => {
                out.push((i, end, syntax));
                i = end;
                blank = false;
            }
            None => i += 1,
        }
    }
    out
}

/// Whether a codeword id reads as an id rather than an ordinary word (`ferry-token`,
/// `cw_3`, `mark7`). Single plain words (`key`) are ordinary prose and are not flagged.
pub fn looks_like_id(id: &str) -> bool {
    id.contains(['-', '_']) || id.chars().any(|c| c.is_ascii_digit())
}

/// Internal ids: `TU-2026-…`, `HK-2026…`, `GK-2026-…`, `Q-2026-…` (prefix + digit).
fn internal_ids(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for prefix in SHAPE_LITERALS {
        for (i, _) in text.match_indices(prefix) {
            let before_ok = text[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let after = &text[i + prefix.len()..];
            if before_ok && after.starts_with(|c: char| c.is_ascii_digit()) {
                let end = i
                    + prefix.len()
                    + after
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                        .unwrap_or(after.len());
                out.push((i, end));
            }
        }
    }
    out.sort();
    out
}

fn exact_markers(text: &str) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    for m in DRAFT_EXACT {
        for (i, _) in text.match_indices(m) {
            let before = text[..i].chars().next_back();
            let after = text[i + m.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
            if !word(before) && (m.ends_with(':') || !word(after)) {
                out.push((i, m));
            }
        }
    }
    out
}

/// What the bar matches on reader-facing text: every pattern (folded, whole-word or
/// not) with the check it belongs to, the codeword ids and the spoiler terms (with the
/// canon file declaring each).
pub struct Words {
    /// Patterns for [`super::text::Patterns`].
    pub patterns: Vec<(String, bool)>,
    kinds: Vec<(&'static str, usize)>,
    codewords: Vec<String>,
    spoilers: Vec<(String, String)>,
}

/// The bar's word list for a studio and its story.
pub fn words(studio: &crate::studio::Studio, story: &crate::story::Story) -> Words {
    let codewords: Vec<String> = super::context::codewords_of(studio, story)
        .into_iter()
        .filter(|c| looks_like_id(c))
        .collect();
    let mut spoilers: Vec<(String, String)> = Vec::new();
    for a in studio.of_kind(Kind::Canon) {
        for t in a
            .data
            .get("spoiler_terms")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            if let Some(term) = t.as_str().filter(|t| !t.trim().is_empty()) {
                spoilers.push((term.to_string(), a.path.clone()));
            }
        }
    }
    // One automaton for every pattern; `kinds` says which check each pattern belongs to.
    let mut pats: Vec<(String, bool)> = Vec::new();
    let mut kinds: Vec<(&'static str, usize)> = Vec::new();
    for (i, c) in codewords.iter().enumerate() {
        pats.push((c.clone(), true));
        kinds.push(("codeword", i));
    }
    for (i, (t, _)) in spoilers.iter().enumerate() {
        pats.push((t.clone(), true));
        kinds.push(("spoiler", i));
    }
    for (i, t) in TECHNIQUE.iter().enumerate() {
        pats.push((t.to_string(), true));
        kinds.push(("technique", i));
    }
    for (i, t) in META.iter().enumerate() {
        pats.push((t.to_string(), true));
        kinds.push(("meta", i));
    }
    for (i, t) in DRAFT_ANY.iter().enumerate() {
        pats.push((t.to_string(), !t.starts_with('[')));
        kinds.push(("draft", i));
    }
    // The literals the shape checks start from (internal id prefixes, exact draft
    // markers), folded, ride the same pass: a text without any of them has no shape
    // finding (folding lowercases them in place, and blanking link destinations cannot
    // make one: a destination is closed by `)`, `>` or a line break, never a letter).
    for (i, t) in SHAPE_LITERALS.iter().chain(&DRAFT_EXACT).enumerate() {
        pats.push((t.to_string(), false));
        kinds.push(("shape", i));
    }
    for (i, t) in SCAFFOLDING.iter().enumerate() {
        pats.push((t.to_string(), true));
        kinds.push(("scaffolding", i));
    }
    // Story-format code is found exactly where any of its first characters are.
    for t in CODE_TRIGGERS
        .iter()
        .map(|t| t.to_string())
        .chain(HARLOWE_TRIGGERS.iter().map(|m| format!("({m}:")))
    {
        pats.push((t, false));
        kinds.push(("code", 0));
    }
    Words {
        patterns: pats,
        kinds,
        codewords,
        spoilers,
    }
}

/// Runs the bar.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let w = &cx.words.presentation;
    for (n, s) in cx.surfaces.iter().enumerate() {
        surface(s, cx.hits(List::Presentation, n), w, &mut out);
    }
    out
}

/// Internal id prefixes ([`internal_ids`]).
const SHAPE_LITERALS: [&str; 4] = ["TU-", "HK-", "GK-", "Q-"];

fn surface(
    s: &Surface<'_>,
    hits: impl Iterator<Item = super::text::Hit>,
    w: &Words,
    out: &mut Vec<Finding>,
) {
    let (kinds, codewords, spoilers) = (&w.kinds, &w.codewords, &w.spoilers);
    let mut meta_seen: Vec<(usize, usize)> = Vec::new();
    let mut shaped = false;
    let mut coded = false;
    for hit in hits {
        let (kind, i) = kinds[hit.pattern];
        if kind == "shape" {
            shaped = true;
            continue;
        }
        if kind == "code" {
            coded = true;
            continue;
        }
        // A condition naming a codeword is the gateways bar's finding.
        if kind == "codeword" && s.field == Field::Condition {
            continue;
        }
        if kind == "meta" {
            // "click here" also contains "click": report one per place.
            if meta_seen.iter().any(|&(a, b)| hit.start < b && a < hit.end) {
                continue;
            }
            meta_seen.push((hit.start, hit.end));
        }
        out.push(hit_finding(
            s,
            kind,
            i,
            (hit.start, hit.end),
            codewords,
            spoilers,
        ));
    }
    if shaped {
        exact_findings(s, out);
    }
    if coded {
        code_findings(s, out);
    }
}

/// A surface's text as readers see it: link destinations blanked (same offsets).
fn visible<'a>(s: &Surface<'a>) -> std::borrow::Cow<'a, str> {
    if matches!(s.field, Field::Prose | Field::CodexBody) {
        super::prose::mask_destinations(s.text)
    } else {
        std::borrow::Cow::Borrowed(s.text)
    }
}

/// Story-format code in a surface, outside link destinations.
fn code_findings(s: &Surface<'_>, out: &mut Vec<Finding>) {
    let field = s.field.name();
    for (a, b, syntax) in story_code(&visible(s)) {
        let code: String = s.text[a..b]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let shown: String = if code.chars().count() > 60 {
            format!("{}…", code.chars().take(59).collect::<String>())
        } else {
            code
        };
        out.push(finding(
            "presentation/story-format-code",
            s.path,
            s.line_at(a),
            s.owner,
            format!("{} `{shown}` in the {field}", syntax.name()),
            syntax.fix().into(),
        ));
    }
}

/// The finding for a word list's hit in a surface's text.
fn hit_finding(
    s: &Surface<'_>,
    kind: &str,
    i: usize,
    (a, b): (usize, usize),
    codewords: &[String],
    spoilers: &[(String, String)],
) -> Finding {
    let field = s.field.name();
    let line = s.line_at(a);
    let quote = |a: usize, b: usize| {
        s.text[a..b]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    match kind {
        "codeword" => finding(
            "presentation/codeword-leak",
            s.path,
            line,
            s.owner,
            format!("codeword id `{}` in the {field}", codewords[i]),
            if s.field == Field::Phrase {
                "write the phrase as the reader should read it".into()
            } else {
                "say it in the story's voice; codewords.yaml phrases are what readers see".into()
            },
        ),
        "spoiler" => finding(
            "presentation/spoiler-leak",
            s.path,
            line,
            s.owner,
            format!(
                "spoiler term \"{}\" (declared in {}) in the {field}",
                quote(a, b),
                spoilers[i].1
            ),
            "reword it; canon spoiler terms never reach readers".into(),
        ),
        "technique" => finding(
            "presentation/technique-leak",
            s.path,
            line,
            s.owner,
            format!("production word \"{}\" in the {field}", quote(a, b)),
            "describe the story, not how its assets were made".into(),
        ),
        "meta" => finding(
            "presentation/meta-directive",
            s.path,
            line,
            s.owner,
            format!(
                "\"{}\" talks about the book, not the story, in the {field}",
                quote(a, b)
            ),
            "let the choices do the navigating; the binder turns them into links".into(),
        ),
        "scaffolding" => finding(
            "presentation/scaffolding",
            s.path,
            line,
            s.owner,
            format!(
                "the placeholder `showrunner init` wrote (\"{}\") is still in the {field}",
                quote(a, b)
            ),
            "write the opening scene in its place".into(),
        ),
        _ => finding(
            "presentation/draft-marker",
            s.path,
            line,
            s.owner,
            format!("draft marker \"{}\" in the {field}", quote(a, b)),
            "finish the text".into(),
        ),
    }
}

/// What is found by shape rather than by word list: internal ids and exact draft
/// markers, outside link destinations.
fn exact_findings(s: &Surface<'_>, out: &mut Vec<Finding>) {
    let field = s.field.name();
    let visible = visible(s);
    for (a, b) in internal_ids(&visible) {
        out.push(finding(
            "presentation/internal-id-leak",
            s.path,
            s.line_at(a),
            s.owner,
            format!("internal id `{}` in the {field}", &s.text[a..b]),
            "process ids belong in briefs and trailers, not in the book".into(),
        ));
    }
    for (i, m) in exact_markers(&visible) {
        out.push(finding(
            "presentation/draft-marker",
            s.path,
            s.line_at(i),
            s.owner,
            format!("draft marker \"{m}\" in the {field}"),
            "finish the text".into(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_ids_need_a_digit_after_the_prefix() {
        assert_eq!(internal_ids("see TU-2026-11-26-LW01 now").len(), 1);
        assert!(internal_ids("a TU-ish thing, GK-").is_empty());
        assert!(internal_ids("XTU-2026").is_empty());
    }

    fn syntaxes(text: &str) -> Vec<(&str, Syntax)> {
        story_code(text)
            .into_iter()
            .map(|(a, b, s)| (&text[a..b], s))
            .collect()
    }

    #[test]
    fn story_format_code_is_found_construct_by_construct() {
        use Syntax::*;
        assert_eq!(
            syntaxes("You pay. <<set $gold to $gold - 5>> The gate opens."),
            vec![("<<set $gold to $gold - 5>>", SugarCube)]
        );
        assert_eq!(
            syntaxes("<<if $gold gte 5>>[[Pay the toll->Crystal Hall]]<</if>>"),
            vec![
                ("<<if $gold gte 5>>", SugarCube),
                ("[[Pay the toll->Crystal Hall]]", TwineLink),
                ("<</if>>", SugarCube)
            ]
        );
        // The hook after a Harlowe macro is prose the macro governs, not code of its own.
        assert_eq!(
            syntaxes("(if: $met is true)[She nods.] (set: $x to (a: 1, 2))"),
            vec![
                ("(if: $met is true)", Harlowe),
                ("(set: $x to (a: 1, 2))", Harlowe)
            ]
        );
        assert_eq!(
            syntaxes("Hello {{reader_name}}, you have $gold coins and ${count} lamps."),
            vec![
                ("{{reader_name}}", Placeholder),
                ("$gold", Variable),
                ("${count}", Placeholder)
            ]
        );
        assert_eq!(
            syntaxes("{back link} and {embed passage: 'Map'}"),
            vec![("{back link}", Braces), ("{embed passage: 'Map'}", Braces)]
        );
        assert_eq!(
            syntaxes("== harbour ==\nThe boat.\n~ gold = gold + 1\n-> market"),
            vec![
                ("== harbour", InkKnot),
                ("~ gold = gold + 1", InkLogic),
                ("-> market", InkDivert)
            ]
        );
    }

    #[test]
    fn long_lines_and_any_script_are_scanned_without_panic_in_linear_time() {
        // Openers that never close, across character boundaries, on one long line.
        let line = "<<é [[ü {{ł ${ж (set: ~ == -> ".repeat(20_000);
        let found = story_code(&line);
        assert!(
            found
                .iter()
                .all(|(a, b, _)| a < b && line.is_char_boundary(*b))
        );
        let lines = "== knot\n".repeat(20_000);
        assert_eq!(story_code(&lines).len(), 20_000);
        let ink = format!("~ x = {}", "é".repeat(300));
        assert_eq!(story_code(&ink).len(), 1);
    }

    #[test]
    fn ordinary_prose_is_not_code() {
        for prose in [
            "It costs $5, or US$3 at the quay.",
            "Heading\n=======\n\nShe said -- no --> not that.",
            "A [link](#mudbank) and (an aside: with a colon).",
            "Numbers like {3} and { } stay, and << alone is no macro.",
            "Temperature ~ 5 degrees, roughly.",
        ] {
            let found = syntaxes(prose);
            assert!(found.is_empty(), "{prose:?}: {found:?}");
        }
    }

    #[test]
    fn exact_markers_are_case_sensitive_words() {
        assert_eq!(exact_markers("TODO: write").len(), 1);
        assert!(exact_markers("todo list, TODOS").is_empty());
        assert_eq!(exact_markers("Hub: the market").len(), 1);
    }
}
