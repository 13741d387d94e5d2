//! The JSON Schemas (draft 2020-12) of every artifact kind: embedded, compiled once, and
//! overridable per studio; validation results mapped back to `path:line`.
//!
//! This module says whether an artifact's structure is right. It does not decide
//! severities or routes; the schema bar in `gate` turns [`Violation`]s into findings.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use jsonschema::{Draft, Validator, error::ValidationErrorKind};
use serde_json::Value as Json;

use crate::artifact::{Artifact, Kind};

/// The embedded schema text of a kind (`schemas/<kind>.schema.json` in this repository).
pub fn embedded_source(kind: Kind) -> &'static str {
    match kind {
        Kind::Section => include_str!("../../schemas/section.schema.json"),
        Kind::Codex => include_str!("../../schemas/codex.schema.json"),
        Kind::Canon => include_str!("../../schemas/canon.schema.json"),
        Kind::Hook => include_str!("../../schemas/hook.schema.json"),
        Kind::Tu => include_str!("../../schemas/tu.schema.json"),
        Kind::GateReport => include_str!("../../schemas/gate_report.schema.json"),
        Kind::Question => include_str!("../../schemas/question.schema.json"),
        Kind::Art => include_str!("../../schemas/art.schema.json"),
        Kind::Audio => include_str!("../../schemas/audio.schema.json"),
        Kind::Style => include_str!("../../schemas/style.schema.json"),
        Kind::Codewords => include_str!("../../schemas/codewords.schema.json"),
        Kind::Counters => include_str!("../../schemas/counters.schema.json"),
        Kind::Roster => include_str!("../../schemas/roster.schema.json"),
        Kind::Waivers => include_str!("../../schemas/waivers.schema.json"),
        Kind::Studio => include_str!("../../schemas/studio.schema.json"),
        Kind::Playbook => include_str!("../../schemas/playbook.schema.json"),
        Kind::PlaytestNotes => include_str!("../../schemas/playtest_notes.schema.json"),
        Kind::Edition => include_str!("../../schemas/edition.schema.json"),
    }
}

/// A compiled schema together with its document (for help texts).
pub struct Compiled {
    validator: Validator,
    doc: Json,
}

/// Compiles schema text; the error says what is wrong with it.
pub fn compile(text: &str) -> Result<Compiled, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let validator = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .build(&doc)
        .map_err(|e| format!("not a valid JSON Schema: {e}"))?;
    Ok(Compiled { validator, doc })
}

static EMBEDDED: LazyLock<BTreeMap<Kind, Result<Compiled, String>>> = LazyLock::new(|| {
    Kind::ALL
        .into_iter()
        .map(|k| (k, compile(embedded_source(k))))
        .collect()
});

/// The schemas in force for one studio: its overrides first, then the embedded ones.
#[derive(Default)]
pub struct Schemas {
    overrides: BTreeMap<Kind, Compiled>,
}

/// One way an artifact breaks its schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer of the offending value (`""` for the whole document).
    pub pointer: String,
    /// File line it points at.
    pub line: u32,
    /// One-line message.
    pub message: String,
    /// The smallest fix, from the schema's own descriptions.
    pub help: String,
    /// An unknown field (reported as a warning: it may be a typo, or a newer field).
    pub unknown_field: bool,
}

impl Schemas {
    /// Adds a studio override for `kind`.
    pub fn add_override(&mut self, kind: Kind, compiled: Compiled) {
        self.overrides.insert(kind, compiled);
    }

    /// Validates an artifact against its kind's schema.
    pub fn validate(&self, artifact: &Artifact) -> Result<Vec<Violation>, String> {
        let compiled = match self.overrides.get(&artifact.kind) {
            Some(c) => c,
            None => match EMBEDDED.get(&artifact.kind) {
                Some(Ok(c)) => c,
                Some(Err(e)) => return Err(format!("embedded {} schema: {e}", artifact.kind)),
                None => return Err(format!("no schema for {}", artifact.kind)),
            },
        };
        let instance = artifact.data.to_json();
        let mut out = Vec::new();
        for err in compiled.validator.iter_errors(&instance) {
            let pointer = err.instance_path().as_str().to_string();
            let schema_path = err.schema_path().as_str().to_string();
            let parent = schema_path.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
            let field = display_field(artifact.kind, &pointer);
            match err.kind() {
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    out.extend(unknown_fields(
                        compiled, artifact, parent, &pointer, &field, unexpected,
                    ));
                }
                ValidationErrorKind::Required { property } => {
                    out.push(missing_field(
                        compiled,
                        artifact,
                        &schema_path,
                        parent,
                        pointer,
                        &field,
                        property,
                    ));
                }
                _ => out.push(invalid_value(
                    compiled,
                    artifact,
                    &err,
                    &schema_path,
                    parent,
                    pointer,
                    &field,
                )),
            }
        }
        Ok(out)
    }
}

/// Unknown fields, each with the nearest known one or the list of known fields.
fn unknown_fields(
    compiled: &Compiled,
    artifact: &Artifact,
    parent: &str,
    pointer: &str,
    field: &str,
    unexpected: &[String],
) -> Vec<Violation> {
    let mut out = Vec::new();
    let known = property_names(&compiled.doc, parent);
    for key in unexpected {
        let help = match suggest(key, &known) {
            Some(s) => {
                format!("did you mean `{s}`? (extension fields start with `x-`)")
            }
            None => format!(
                "known fields here: {}; extension fields start with `x-`",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push(Violation {
            pointer: pointer.to_string(),
            line: artifact.data.locate_key(pointer, key),
            message: format!("unknown field `{key}` in {field}"),
            help,
            unknown_field: true,
        });
    }
    out
}

/// A required field that is missing, located at what required it.
fn missing_field(
    compiled: &Compiled,
    artifact: &Artifact,
    schema_path: &str,
    parent: &str,
    pointer: String,
    field: &str,
    property: &serde_json::Value,
) -> Violation {
    let name = property.as_str().unwrap_or("?").to_string();
    let desc = describe(&compiled.doc, &format!("{parent}/properties/{name}"));
    // A requirement that comes from `if`/`then` points at the field that
    // triggered it (`deterministic: true`), not at the whole object.
    let trigger = trigger_line(
        &compiled.doc,
        schema_path,
        parent,
        &pointer,
        property,
        artifact,
    );
    Violation {
        line: trigger.unwrap_or_else(|| artifact.data.locate(&pointer)),
        pointer,
        message: format!("{field} is missing the required field `{name}`"),
        help: match desc {
            Some(d) => format!("add `{name}:` — {d}"),
            None => format!("add `{name}:`"),
        },
        unknown_field: false,
    }
}

/// Any other violation: the value and what the schema says the field is.
fn invalid_value(
    compiled: &Compiled,
    artifact: &Artifact,
    err: &jsonschema::ValidationError<'_>,
    schema_path: &str,
    parent: &str,
    pointer: String,
    field: &str,
) -> Violation {
    let detail = match err.kind() {
        ValidationErrorKind::Enum { options } => format!(
            "{} is not one of: {}",
            shorten(&err.instance().to_string()),
            options
                .as_array()
                .map(|o| o
                    .iter()
                    .map(|v| v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string()))
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default()
        ),
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            match alternatives(&compiled.doc, schema_path) {
                Some(alts) => format!("needs one of: {alts}"),
                None => "does not match any of the allowed forms".to_string(),
            }
        }
        _ => shorten(&err.to_string()),
    };
    let desc = describe(&compiled.doc, parent).or_else(|| {
        describe(
            &compiled.doc,
            parent.rsplit_once('/').map(|p| p.0).unwrap_or(""),
        )
    });
    Violation {
        line: artifact.data.locate(&pointer),
        pointer,
        message: format!("{field}: {detail}"),
        help: desc.unwrap_or_else(|| format!("see the {} schema", artifact.kind)),
        unknown_field: false,
    }
}

/// Where a conditional requirement was triggered: the present key of a
/// `dependentRequired` rule (`requires:`), or of an `if` that led to a `then`
/// (`deterministic: true`). `None` when the requirement is unconditional.
fn trigger_line(
    doc: &Json,
    schema_path: &str,
    parent: &str,
    pointer: &str,
    property: &Json,
    artifact: &Artifact,
) -> Option<u32> {
    let present = |key: &str| {
        let p = format!("{pointer}/{key}");
        artifact
            .data
            .get_pointer(&p)
            .map(|_| artifact.data.locate(&p))
    };
    if schema_path.ends_with("/dependentRequired") {
        let deps = resolve(doc, schema_path)?.as_object()?;
        return deps
            .iter()
            .filter(|(_, req)| req.as_array().is_some_and(|r| r.contains(property)))
            .find_map(|(k, _)| present(k));
    }
    let base = parent.strip_suffix("/then")?;
    let props = resolve(doc, &format!("{base}/if/properties"))?.as_object()?;
    props.keys().find_map(|k| present(k))
}

/// The alternatives of an `anyOf`/`oneOf` as readers think of them: the fields each
/// branch requires (`` `alt`, or `decorative` ``).
fn alternatives(doc: &Json, schema_path: &str) -> Option<String> {
    let branches = resolve(doc, schema_path)?.as_array()?;
    let mut out = Vec::new();
    for b in branches {
        let b = match b
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(target) => doc.pointer(target)?,
            None => b,
        };
        let req: Vec<String> = b
            .get("required")?
            .as_array()?
            .iter()
            .filter_map(|r| r.as_str())
            .map(|r| format!("`{r}`"))
            .collect();
        if req.is_empty() {
            return None;
        }
        out.push(req.join(" and "));
    }
    (!out.is_empty()).then(|| out.join(", or "))
}

/// `/choices/1/to` → `` `choices[1].to` ``; the root is named by its kind.
fn display_field(kind: Kind, pointer: &str) -> String {
    if pointer.is_empty() {
        return format!("the {kind}");
    }
    let mut s = String::new();
    for seg in pointer.trim_start_matches('/').split('/') {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.chars().all(|c| c.is_ascii_digit()) {
            s.push_str(&format!("[{seg}]"));
        } else {
            if !s.is_empty() {
                s.push('.');
            }
            s.push_str(&seg);
        }
    }
    format!("`{s}`")
}

fn shorten(msg: &str) -> String {
    let one_line: String = msg.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 160 {
        let cut: String = one_line.chars().take(157).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// Follows a JSON pointer into a schema document, then through local `$ref`s until it
/// reaches a schema that says something itself.
fn resolve<'a>(doc: &'a Json, pointer: &str) -> Option<&'a Json> {
    let mut node = doc.pointer(pointer)?;
    for _ in 0..8 {
        match node
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(target)
                if node.get("properties").is_none() && node.get("description").is_none() =>
            {
                node = doc.pointer(target)?;
            }
            _ => break,
        }
    }
    Some(node)
}

/// The first sentence of the description at a schema location.
fn describe(doc: &Json, pointer: &str) -> Option<String> {
    let node = resolve(doc, pointer)?;
    let text = node.get("description").and_then(Json::as_str).or_else(|| {
        let r = node.get("$ref")?.as_str()?.strip_prefix('#')?;
        doc.pointer(r)?.get("description")?.as_str()
    })?;
    let first = text
        .split(". ")
        .next()
        .unwrap_or(text)
        .trim_end_matches('.');
    Some(first.to_string())
}

fn property_names(doc: &Json, pointer: &str) -> Vec<String> {
    resolve(doc, pointer)
        .and_then(|n| n.get("properties"))
        .and_then(Json::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The closest candidate within a small edit distance ("did you mean …").
pub fn suggest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_compiles_and_has_an_id_and_title() {
        for kind in Kind::ALL {
            let compiled = compile(embedded_source(kind)).unwrap_or_else(|e| panic!("{kind}: {e}"));
            let id = compiled.doc.get("$id").and_then(Json::as_str).unwrap_or("");
            assert_eq!(
                id,
                format!(
                    "https://showrunner.dev/schemas/v1/{}.schema.json",
                    kind.name()
                )
            );
            assert!(compiled.doc.get("title").is_some(), "{kind} has a title");
        }
    }

    #[test]
    fn suggestions_use_edit_distance() {
        let known = vec!["choices".to_string(), "title".to_string()];
        assert_eq!(suggest("choises", &known), Some("choices"));
        assert_eq!(suggest("zzz", &known), None);
    }
}
