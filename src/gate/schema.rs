//! The schema bar: every artifact parses and validates against its kind's JSON Schema,
//! ids equal file stems and are unique, and artifact folders hold only artifacts.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Finding, Severity};
use crate::artifact::de::{self, Lenient};
use crate::artifact::node::Node;
use crate::artifact::{self, Artifact, Kind};
use crate::schema::{self, Schemas};
use crate::studio::Studio;

fn finding(
    code: &str,
    severity: Severity,
    path: &str,
    line: u32,
    owner: &str,
    message: String,
    fix: String,
) -> Finding {
    Finding {
        code: format!("schema/{code}"),
        severity,
        path: path.to_string(),
        line,
        message,
        owner: owner.to_string(),
        fix,
        pointer: None,
    }
}

/// An id as the duplicate check sees it: kind, path, id and the line of `id:`.
pub type IdEntry<'a> = (Kind, &'a str, &'a str, u32);

/// Runs the schema bar.
pub fn run(studio: &Studio) -> Vec<Finding> {
    run_with(studio, &[])
}

/// Runs the schema bar over `studio`, with the ids of artifacts it does not hold
/// (`others`) taking part in the duplicate check: the incremental gatecheck passes the
/// sections it did not re-read.
pub fn run_with(studio: &Studio, others: &[IdEntry<'_>]) -> Vec<Finding> {
    let mut out = Vec::new();
    let schemas = overrides(studio, &mut out);

    for r in &studio.rejected {
        let fix = if r.message.contains("aliases") {
            "write the values out in full, or nest fewer aliases".to_string()
        } else if r.message.to_lowercase().contains("duplicate") {
            "keep one of the repeated keys; YAML keys must be unique".to_string()
        } else if r.message.contains("front matter") {
            "start the file with a `---` line, then the YAML fields, then `---`, then the prose"
                .to_string()
        } else {
            format!("correct the {} at this line", syntax_name(r.kind))
        };
        out.push(finding(
            "parse-error",
            Severity::Error,
            &r.path,
            r.line,
            r.kind.owner(),
            r.message.clone(),
            fix,
        ));
    }

    for (path, why) in &studio.unknown {
        out.push(finding(
            "unknown-file",
            Severity::Warning,
            path,
            0,
            "showrunner",
            "file is not an artifact and will be ignored".into(),
            why.clone(),
        ));
    }

    for path in &studio.not_files {
        out.push(finding(
            "not-a-file",
            Severity::Error,
            path,
            0,
            "showrunner",
            "a symbolic link or submodule where artifacts are read: its content is never read"
                .into(),
            "commit the file itself in its place".into(),
        ));
    }

    // Each artifact is judged alone: spread over the cores, gathered in path order.
    use rayon::prelude::*;
    let per_artifact: Vec<Vec<Finding>> = studio
        .artifacts
        .par_iter()
        .chain(
            studio
                .editions
                .par_iter()
                .flat_map(|e| e.artifacts.par_iter()),
        )
        .map(|a| {
            let mut out = Vec::new();
            artifact_findings(&schemas, a, &mut out);
            out
        })
        .collect();
    out.extend(per_artifact.into_iter().flatten());
    duplicate_ids(studio, others, &mut out);
    out
}

/// The findings of one artifact on its own: its schema, its id, its characters.
fn artifact_findings(schemas: &Schemas, a: &artifact::Artifact, out: &mut Vec<Finding>) {
    match schemas.validate(a) {
        Ok(violations) => {
            for v in violations {
                let (code, severity) = if v.unknown_field {
                    ("unknown-field", Severity::Warning)
                } else {
                    ("invalid", Severity::Error)
                };
                let mut f = finding(
                    code,
                    severity,
                    &a.path,
                    v.line,
                    a.kind.owner(),
                    v.message,
                    v.help,
                );
                f.pointer = Some(v.pointer);
                out.push(f);
            }
        }
        Err(e) => out.push(finding(
            "bad-override",
            Severity::Error,
            &a.path,
            0,
            "gatekeeper",
            e,
            String::new(),
        )),
    }
    stem_matches_id(a, out);
    control_characters(a, out);
    match a.kind {
        Kind::Question => question_refs(a, out),
        Kind::Roster => roster_duplicates(a, out),
        Kind::Studio => branch_names(a, out),
        _ => {}
    }
}

/// Control characters (other than tab and line breaks) in a file: invisible in an
/// editor, fatal in the EPUB's XML, and a way to move a terminal's cursor. One finding
/// per line, for the first few lines that hold one.
fn control_characters(a: &artifact::Artifact, out: &mut Vec<Finding>) {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    // Control characters are C0 bytes, DEL, or C1 (U+0080–U+009F, led by 0xC2): a byte
    // scan rules most files out before any character is decoded.
    let suspect =
        |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) | (b == 0x7F) | (b == 0xC2);
    // Whole blocks at a time, without an early exit, so the scan vectorises.
    let maybe = a
        .text
        .as_bytes()
        .chunks(64)
        .any(|block| block.iter().fold(false, |seen, &b| seen | suspect(b)));
    if !maybe || !a.text.contains(bad) {
        return;
    }
    for (i, line) in a
        .text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(bad))
        .take(5)
    {
        let c = line.chars().find(|c| bad(*c)).unwrap_or('\0');
        out.push(finding(
            "control-character",
            Severity::Error,
            &a.path,
            i as u32 + 1,
            a.kind.owner(),
            format!("control character U+{:04X} in the text", c as u32),
            "delete it: only tabs and line breaks belong in a studio's text".into(),
        ));
    }
}

fn syntax_name(kind: Kind) -> &'static str {
    match kind.format() {
        artifact::Format::Toml => "TOML",
        _ => "YAML",
    }
}

fn overrides(studio: &Studio, out: &mut Vec<Finding>) -> Schemas {
    let mut schemas = Schemas::default();
    for (kind, path, bytes) in &studio.schema_overrides {
        let text = String::from_utf8_lossy(bytes);
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
            out.push(finding(
                "bad-override",
                Severity::Error,
                path,
                e.line() as u32,
                "gatekeeper",
                format!("schema override is not valid JSON: {e}"),
                "fix the JSON, or delete the file to use the built-in schema".into(),
            ));
            continue;
        }
        match schema::compile(&text) {
            Ok(c) => schemas.add_override(*kind, c),
            Err(e) => out.push(finding(
                "bad-override",
                Severity::Error,
                path,
                1,
                "gatekeeper",
                format!("schema override for {kind}: {e}"),
                "fix the schema, or delete the file to use the built-in one".into(),
            )),
        }
    }
    schemas
}

/// The line of an artifact's `id:` (its first line when there is none).
pub(crate) fn id_line(a: &Artifact) -> u32 {
    a.data
        .entry("id")
        .map(|e| e.key_line)
        .unwrap_or(a.data.line)
}

fn stem_matches_id(a: &Artifact, out: &mut Vec<Finding>) {
    if !a.kind.id_is_stem() {
        return;
    }
    let Some(id) = a.id() else { return };
    let stem = artifact::stem(&a.path);
    if id != stem {
        let ext = a.path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        let mut f = finding(
            "id-mismatch",
            Severity::Error,
            &a.path,
            id_line(a),
            a.kind.owner(),
            format!("id `{id}` does not match the file name `{stem}.{ext}`"),
            format!("set `id: {stem}`, or rename the file to `{id}.{ext}`"),
        );
        f.pointer = Some("/id".into());
        out.push(f);
    }
}

/// Ids must be unique within a kind; sections and codex entries also share one anchor
/// namespace (`#id` links and exported anchors), so they must not collide either.
fn duplicate_ids(studio: &Studio, others: &[IdEntry<'_>], out: &mut Vec<Finding>) {
    let mut entries: Vec<IdEntry<'_>> = studio
        .artifacts
        .iter()
        .filter_map(|a| Some((a.kind, a.path.as_str(), a.id()?, id_line(a))))
        .chain(others.iter().copied())
        .collect();
    // Sections come first, so a codex entry that collides with a section is the one flagged.
    entries.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut seen: BTreeMap<(&str, &str), (Kind, &str)> = BTreeMap::new();
    for (kind, path, id, line) in entries {
        let space = match kind {
            Kind::Section | Kind::Codex => "anchor",
            k => k.name(),
        };
        match seen.get(&(space, id)) {
            Some((first_kind, first_path)) => {
                let mut f = finding(
                    "duplicate-id",
                    Severity::Error,
                    path,
                    line,
                    kind.owner(),
                    format!("id `{id}` is already used by {first_path} ({first_kind})"),
                    if space == "anchor" {
                        "sections and codex entries share link anchors: give one of them another id"
                            .into()
                    } else {
                        "give one of them another id".into()
                    },
                );
                f.pointer = Some("/id".into());
                out.push(f);
            }
            None => {
                seen.insert((space, id), (kind, path));
            }
        }
    }
}

/// What [`question_refs`] reads of a batch: its questions in order (an item that is not
/// a mapping reads as an empty question, so indices match the file).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BatchRefs {
    #[serde(deserialize_with = "de::lenient")]
    questions: Option<Vec<Lenient<QuestionRefs>>>,
}

/// The ids and keys of one question.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct QuestionRefs {
    #[serde(deserialize_with = "de::lenient")]
    id: Option<String>,
    #[serde(deserialize_with = "de::items")]
    options: Vec<OptionKey>,
    #[serde(deserialize_with = "de::lenient")]
    recommendation: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    default: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    answer: Option<String>,
}

/// An option's key (an option without a text key is left out).
#[derive(Debug, Deserialize)]
struct OptionKey {
    key: String,
}

fn question_refs(a: &Artifact, out: &mut Vec<Finding>) {
    let batch: BatchRefs = de::from_node(&a.data).unwrap_or_default();
    let Some(questions) = batch.questions else {
        return;
    };
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (qi, Lenient(q)) in questions.iter().enumerate() {
        if let Some(id) = q.id.as_deref()
            && let Some(prev) = ids.insert(id, qi)
        {
            let pointer = format!("/questions/{qi}/id");
            let mut f = finding(
                "duplicate-id",
                Severity::Error,
                &a.path,
                a.data.locate(&pointer),
                "showrunner",
                format!("question id `{id}` is used twice in this batch (also questions[{prev}])"),
                "give each question of a batch its own id".into(),
            );
            f.pointer = Some(pointer);
            out.push(f);
        }
        let keys: Vec<&str> = q.options.iter().map(|o| o.key.as_str()).collect();
        let mut seen_keys: Vec<&str> = Vec::new();
        for (oi, k) in keys.iter().enumerate() {
            if seen_keys.contains(k) {
                let pointer = format!("/questions/{qi}/options/{oi}/key");
                let mut f = finding(
                    "duplicate-id",
                    Severity::Error,
                    &a.path,
                    a.data.locate(&pointer),
                    "showrunner",
                    format!("option key `{k}` is used twice in questions[{qi}]"),
                    "give each option its own key".into(),
                );
                f.pointer = Some(pointer);
                out.push(f);
            }
            seen_keys.push(k);
        }
        if keys.is_empty() {
            continue;
        }
        for (field, v) in [
            ("recommendation", &q.recommendation),
            ("default", &q.default),
            ("answer", &q.answer),
        ] {
            if let Some(v) = v.as_deref()
                && !keys.contains(&v)
            {
                let pointer = format!("/questions/{qi}/{field}");
                let mut f = finding(
                    "bad-option",
                    Severity::Error,
                    &a.path,
                    a.data.locate(&pointer),
                    "showrunner",
                    format!("{field} `{v}` is not one of the options of questions[{qi}]"),
                    format!("use one of the option keys: {}", keys.join(", ")),
                );
                f.pointer = Some(pointer);
                out.push(f);
            }
        }
    }
}

/// A role named twice in the roster, once by id and once by code.
/// `[branches]`: names git accepts for branches, and two of them.
fn branch_names(a: &Artifact, out: &mut Vec<Finding>) {
    let Some(branches) = a.data.get("branches") else {
        return;
    };
    let name = |key: &str| {
        branches
            .entry(key)
            .and_then(|e| e.value.as_str().map(|v| (v.to_string(), e.key_line)))
    };
    let (hot, cold) = (name("hot"), name("cold"));
    for (key, found) in [("hot", &hot), ("cold", &cold)] {
        if let Some((value, line)) = found
            && !crate::studio::config::valid_branch_name(value)
        {
            out.push(finding(
                "invalid",
                Severity::Error,
                &a.path,
                *line,
                "showrunner",
                format!("`[branches] {key} = \"{value}\"` is not a name git accepts for a branch"),
                "use letters, digits, `-`, `_`, `.` and `/` (no spaces, `..`, `~^:?*[\\`, leading `-` or trailing `.lock`)".into(),
            ));
        }
    }
    if let (Some((h, _)), Some((c, line))) = (&hot, &cold)
        && h == c
    {
        out.push(finding(
            "invalid",
            Severity::Error,
            &a.path,
            *line,
            "showrunner",
            format!("hot and cold are the same branch, `{c}`"),
            "give cold a name of its own".into(),
        ));
    }
}

fn roster_duplicates(a: &Artifact, out: &mut Vec<Finding>) {
    let Some(entries) = a.data.get("roles").and_then(Node::as_map) else {
        return;
    };
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for e in entries {
        let Some(role) = crate::roles::canonical(&e.key) else {
            continue;
        };
        if crate::roles::NEVER_DORMANT.contains(&role)
            && e.value.get("state").and_then(Node::as_str) == Some("dormant")
        {
            out.push(finding(
                "invalid",
                Severity::Error,
                &a.path,
                e.key_line,
                "showrunner",
                format!("`{role}` is dormant, but the studio cannot run without it"),
                format!("set `{}` to `state: awake`", e.key),
            ));
        }
        if let Some(first) = seen.insert(role, &e.key) {
            out.push(finding(
                "duplicate-id",
                Severity::Error,
                &a.path,
                e.key_line,
                "showrunner",
                format!(
                    "role `{role}` is listed twice (as `{first}` and `{}`)",
                    e.key
                ),
                "keep one entry per role".into(),
            ));
        }
    }
}
