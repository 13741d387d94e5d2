//! The one door to YAML: parsing with YAML 1.2 typing, budgets and duplicate-key errors.
//!
//! Everything in showrunner that reads YAML comes through [`parse`], which returns a
//! line-carrying [`Node`] tree or a [`YamlError`] with a line. Nothing here panics or
//! hangs on hostile input: alias bombs, deep nesting and oversized files hit a budget.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;
use serde_saphyr::options::{AliasLimits, DuplicateKeyPolicy};
use serde_saphyr::{Budget, Spanned};

use crate::artifact::node::{Entry, Node, Value};

/// The largest YAML text showrunner will parse (bytes).
pub const MAX_YAML_BYTES: usize = 2 * 1024 * 1024;

/// A YAML text that could not be read, with the line it went wrong on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// 1-based line within the parsed text (0 when unknown).
    pub line: u32,
    /// What went wrong, in a sentence.
    pub message: String,
}

fn options() -> serde_saphyr::Options {
    let mut budget = Budget::default();
    budget.max_depth = 64;
    budget.max_nodes = 250_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_total_scalar_bytes = MAX_YAML_BYTES * 2;
    budget.max_documents = 1;
    let mut alias_limits = AliasLimits::default();
    alias_limits.max_total_replayed_events = 100_000;
    alias_limits.max_replay_stack_depth = 32;
    serde_saphyr::options! {
        budget: Some(budget),
        alias_limits: alias_limits,
        duplicate_keys: DuplicateKeyPolicy::Error,
        strict_booleans: true,
        with_snippet: false,
    }
}

/// Parses one YAML document into a line-carrying tree.
///
/// An empty document is `Null`. Lines are relative to `text` (the first line is 1).
pub fn parse(text: &str) -> Result<Node, YamlError> {
    if text.len() > MAX_YAML_BYTES {
        return Err(YamlError {
            line: 1,
            message: format!(
                "file is {} bytes; YAML larger than {} bytes is refused",
                text.len(),
                MAX_YAML_BYTES
            ),
        });
    }
    if text.trim().is_empty()
        || text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(Node::new(1, Value::Null));
    }
    match serde_saphyr::from_str_with_options::<Node>(text, options()) {
        Ok(node) => Ok(node),
        Err(err) => {
            let line = err.location().map(|l| l.line() as u32).unwrap_or(0);
            Err(YamlError {
                line,
                message: clean_message(&err.to_string()),
            })
        }
    }
}

/// A YAML scalar for `s`: plain when that reads back as the same string under YAML 1.2,
/// double-quoted (JSON escaping) otherwise.
pub fn quote(s: &str) -> String {
    let plain_safe = !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_alphanumeric())
        && s.chars()
            .all(|c| c.is_alphanumeric() || " _-./()'".contains(c))
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off"
        )
        && s.parse::<f64>().is_err()
        && !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ':');
    if plain_safe {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
    }
}

/// Writes a value as block-style YAML, the way showrunner writes its files: a mapping one
/// key a line in field order, a list one `- ` item a line (a mapping item starting on the
/// dash's line), nested values indented by two, strings through [`quote`], empty lists and
/// mappings as `[]` and `{}`; a value wrapped in [`Flow`] on one line.
pub fn to_string<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, YamlError> {
    let value = serde_json::to_value(value).map_err(|e| YamlError {
        line: 0,
        message: format!("cannot be written as YAML: {e}"),
    })?;
    let mut out = String::new();
    match &value {
        Json::Object(map) if flowed(map).is_some() => {
            out.push_str(&flow(&value));
            out.push('\n');
        }
        Json::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Json::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    Ok(out)
}

/// The key that marks a [`Flow`] value on its way through `serde_json` (a key no
/// document has: it starts with NUL).
const FLOW: &str = "\u{0}flow";

/// A value [`to_string`] writes in flow style on its key's (or dash's) line:
/// `[a, b]`, `{file: x, size: 3}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flow<T>(pub T);

impl<T: serde::Serialize> serde::Serialize for Flow<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(FLOW, &self.0)?;
        map.end()
    }
}

impl<T> Flow<Vec<T>> {
    /// Whether the list is empty (for `skip_serializing_if`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The value inside a [`Flow`] marker.
fn flowed(map: &serde_json::Map<String, Json>) -> Option<&Json> {
    (map.len() == 1).then(|| map.get(FLOW)).flatten()
}

/// A value in flow style.
fn flow(value: &Json) -> String {
    match value {
        Json::Object(map) => match flowed(map) {
            Some(inner) => flow(inner),
            None => {
                let entries: Vec<String> = map
                    .iter()
                    .map(|(k, v)| format!("{}: {}", quote(k), flow(v)))
                    .collect();
                format!("{{{}}}", entries.join(", "))
            }
        },
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        other => scalar(other),
    }
}

/// A value that fits on its key's (or dash's) line.
fn scalar(value: &Json) -> String {
    match value {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => quote(s),
        Json::Array(_) => "[]".into(),
        Json::Object(_) => "{}".into(),
    }
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Json>, indent: usize) {
    for (key, value) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(&quote(key));
        out.push(':');
        match value {
            Json::Object(m) if flowed(m).is_some() => {
                out.push(' ');
                out.push_str(&flow(value));
                out.push('\n');
            }
            Json::Object(m) if !m.is_empty() => {
                out.push('\n');
                write_map(out, m, indent + 2);
            }
            Json::Array(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(out, items, indent + 2);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn write_seq(out: &mut String, items: &[Json], indent: usize) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Json::Object(m) if flowed(m).is_some() => {
                out.push_str(&pad);
                out.push_str("- ");
                out.push_str(&flow(item));
                out.push('\n');
            }
            Json::Object(m) if !m.is_empty() => {
                let mut inner = String::new();
                write_map(&mut inner, m, indent + 2);
                out.push_str(&pad);
                out.push_str("- ");
                out.push_str(inner.get(indent + 2..).unwrap_or_default());
            }
            Json::Array(nested) if !nested.is_empty() => {
                out.push_str(&pad);
                out.push_str("-\n");
                write_seq(out, nested, indent + 2);
            }
            other => {
                out.push_str(&pad);
                out.push_str("- ");
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

/// Strips the location suffix serde-saphyr appends, since we report the line ourselves.
fn clean_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or(raw).trim();
    let cut = first
        .find(" at line ")
        .map(|i| &first[..i])
        .unwrap_or(first);
    let cut = cut
        .find(", set DuplicateKeyPolicy")
        .map(|i| &cut[..i])
        .unwrap_or(cut);
    cut.trim_end_matches('.').to_string()
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<ValueSeed>::deserialize(deserializer)?;
        Ok(Node::new(spanned.referenced.line() as u32, spanned.value.0))
    }
}

/// A [`Value`] wrapper whose deserialiser builds child [`Node`]s.
struct ValueSeed(Value);

impl<'de> Deserialize<'de> for ValueSeed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor).map(ValueSeed)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v)
            .map(Value::Int)
            .unwrap_or(Value::Float(v as f64)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v)
            .map(Value::Int)
            .unwrap_or(Value::Float(v as f64)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v)
            .map(Value::Int)
            .unwrap_or(Value::Float(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        String::from_utf8(v.to_vec())
            .map(Value::Str)
            .map_err(|_| E::custom("binary values are not allowed in artifacts"))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        ValueSeed::deserialize(d).map(|v| v.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries: Vec<Entry> = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let value = map.next_value::<Node>()?;
            entries.push(Entry {
                key: key.value.0,
                key_line: key.referenced.line() as u32,
                value,
            });
        }
        Ok(Value::Map(entries))
    }
}

/// A mapping key read as text (numbers and booleans keep their spelling).
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Err(E::custom("a mapping key is empty or null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<KeyText, A::Error> {
                Err(de::Error::custom(
                    "a mapping key must be a scalar, not a sequence",
                ))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<KeyText, A::Error> {
                Err(de::Error::custom(
                    "a mapping key must be a scalar, not a mapping",
                ))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn flow_values_sit_on_their_line_and_the_rest_is_block() {
        #[derive(serde::Serialize)]
        struct Item {
            file: &'static str,
            size: u32,
        }
        #[derive(serde::Serialize)]
        struct Doc {
            tags: Flow<Vec<&'static str>>,
            empty: Flow<Vec<&'static str>>,
            items: Vec<Flow<Item>>,
            nested: Vec<Item>,
        }
        let doc = Doc {
            tags: Flow(vec!["a", "on", "x y"]),
            empty: Flow(vec![]),
            items: vec![Flow(Item {
                file: "book.md",
                size: 3,
            })],
            nested: vec![Item {
                file: "b: c",
                size: 4,
            }],
        };
        assert_eq!(
            to_string(&doc).expect("yaml"),
            "tags: [a, \"on\", x y]\nempty: []\nitems:\n  - {file: book.md, size: 3}\nnested:\n  - file: \"b: c\"\n    size: 4\n"
        );
        let back = parse(&to_string(&doc).expect("yaml")).expect("parses");
        assert_eq!(
            back.get("tags").and_then(Node::as_seq).map(<[_]>::len),
            Some(3)
        );
    }

    use super::*;

    #[test]
    fn yaml_1_2_typing_keeps_dates_and_norway_as_strings() {
        let n =
            parse("a: 2026-11-26\nb: no\nc: on\nd: true\ne: 3\nf: 1.5\ng: ~\n").expect("parses");
        assert_eq!(n.get("a").and_then(Node::as_str), Some("2026-11-26"));
        assert_eq!(n.get("b").and_then(Node::as_str), Some("no"));
        assert_eq!(n.get("c").and_then(Node::as_str), Some("on"));
        assert_eq!(n.get("d").map(|n| &n.value), Some(&Value::Bool(true)));
        assert_eq!(n.get("e").map(|n| &n.value), Some(&Value::Int(3)));
        assert_eq!(n.get("f").map(|n| &n.value), Some(&Value::Float(1.5)));
        assert_eq!(n.get("g").map(|n| &n.value), Some(&Value::Null));
    }

    #[test]
    fn lines_are_recorded_for_keys_and_items() {
        let n = parse("id: x\nchoices:\n  - label: A\n    to: b\n  - label: C\n    to: d\n")
            .expect("parses");
        assert_eq!(n.entry("choices").map(|e| e.key_line), Some(2));
        let items = n.get("choices").and_then(Node::as_seq).expect("seq");
        assert_eq!(items[1].line, 5);
        assert_eq!(items[1].entry("to").map(|e| e.key_line), Some(6));
        assert_eq!(n.locate("/choices/1/to"), 6);
    }

    #[test]
    fn duplicate_keys_are_an_error_with_a_line() {
        let err = parse("id: a\ntitle: x\nid: b\n").expect_err("duplicate");
        assert_eq!(err.line, 3, "{err:?}");
        assert!(err.message.to_lowercase().contains("duplicate"), "{err:?}");
    }

    #[test]
    fn alias_bomb_is_refused_not_expanded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&text).expect_err("bomb refused");
        assert!(err.line > 0, "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(500), "]".repeat(500));
        assert!(parse(&text).is_err());
    }

    #[test]
    fn quoted_scalars_read_back_as_the_same_string() {
        for s in [
            "plain words",
            "New: title",
            "yes",
            "2026-11-26",
            "12",
            "#hash",
            "a \"q\"",
            "trailing ",
            "émigré",
            "x: y # z",
        ] {
            let doc = parse(&format!("v: {}\n", quote(s))).expect("parses");
            assert_eq!(doc.str_at("v"), Some(s), "{s} as {}", quote(s));
        }
    }

    #[test]
    fn written_yaml_reads_back_as_the_same_value() {
        #[derive(serde::Serialize)]
        struct Doc {
            id: &'static str,
            when: &'static str,
            count: u32,
            tags: Vec<&'static str>,
            empty: Vec<u8>,
            items: Vec<std::collections::BTreeMap<&'static str, &'static str>>,
            nested: std::collections::BTreeMap<&'static str, Vec<Vec<&'static str>>>,
        }
        let doc = Doc {
            id: "Q-2026-11-26-01",
            when: "2026-11-26",
            count: 3,
            tags: vec!["a b", "x: y"],
            empty: vec![],
            items: vec![[("k", "a"), ("label", "yes")].into_iter().collect()],
            nested: [("grid", vec![vec!["1"], vec![]])].into_iter().collect(),
        };
        let text = to_string(&doc).expect("writes");
        assert_eq!(
            text,
            "id: Q-2026-11-26-01\nwhen: \"2026-11-26\"\ncount: 3\ntags:\n  - a b\n  - \"x: y\"\nempty: []\nitems:\n  - k: a\n    label: \"yes\"\nnested:\n  grid:\n    -\n      - \"1\"\n    - []\n"
        );
        let back = parse(&text).expect("parses");
        assert_eq!(back.to_json(), serde_json::to_value(&doc).expect("json"));
    }

    #[test]
    fn oversized_text_is_refused() {
        let text = format!("a: \"{}\"\n", "x".repeat(MAX_YAML_BYTES));
        let err = parse(&text).expect_err("too big");
        assert_eq!(err.line, 1);
    }

    #[test]
    fn syntax_error_has_a_line() {
        let err = parse("id: a\ntitle: [unclosed\nnext: 1\n").expect_err("syntax");
        assert!(err.line >= 2, "{err:?}");
    }
}
