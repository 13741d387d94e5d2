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
    if let Some(node) = simple::parse(text) {
        return Ok(node);
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

/// The fast reading of the documents nearly every file is — mappings, sequences and
/// scalars whose type no YAML reader could doubt — straight from the parser's events.
///
/// It answers only when it is sure to build the very tree the full reading would;
/// anything else (anchors, aliases, tags, duplicate or non-text keys, scalars that might
/// be numbers, booleans or null in some spelling, errors, budgets) is left to
/// `serde_saphyr`, which gives the answer and the error messages. A differential test
/// holds the two to the same trees.
mod simple {
    use granit_parser::{Event, Parser, ScalarStyle};

    use crate::artifact::node::{Entry, Node, Value};

    /// How deep the fast reading goes (the full reading's budget is 64).
    const MAX_DEPTH: usize = 32;

    /// A collection being built.
    enum Open {
        Seq(u32, Vec<Node>),
        /// Line, entries, and the key waiting for its value (with its line).
        Map(u32, Vec<Entry>, Option<(String, u32)>),
    }

    pub(super) fn parse(text: &str) -> Option<Node> {
        let mut stack: Vec<Open> = Vec::new();
        let mut root: Option<Node> = None;
        let mut documents = 0;
        let mut nodes = 0usize;
        for event in Parser::new_from_str(text) {
            nodes += 1;
            if nodes > 250_000 {
                return None;
            }
            let (event, span) = event.ok()?;
            let line = u32::try_from(span.start.line()).ok()?;
            let node = match event {
                Event::StreamStart | Event::DocumentEnd | Event::Comment(..) => continue,
                Event::StreamEnd => break,
                Event::DocumentStart(_, version) => {
                    documents += 1;
                    if documents > 1 || version.is_some() {
                        return None;
                    }
                    continue;
                }
                Event::Scalar(value, style, anchor, tag) => {
                    if anchor != 0 || tag.is_some() {
                        return None;
                    }
                    let in_key = matches!(stack.last(), Some(Open::Map(_, _, None)));
                    if in_key {
                        // Keys are text: plain words, or quoted.
                        if matches!(style, ScalarStyle::Plain) && !plain_is_text(&value) {
                            return None;
                        }
                        let Some(Open::Map(_, entries, key)) = stack.last_mut() else {
                            return None;
                        };
                        if value == "<<" || entries.iter().any(|e| e.key == *value) {
                            return None;
                        }
                        *key = Some((value.into_owned(), line));
                        continue;
                    }
                    let value = match style {
                        ScalarStyle::Plain => plain(&value)?,
                        _ => Value::Str(value.into_owned()),
                    };
                    Node::new(line, value)
                }
                Event::SequenceStart(_, anchor, ref tag)
                | Event::MappingStart(_, anchor, ref tag) => {
                    if anchor != 0 || tag.is_some() || stack.len() >= MAX_DEPTH {
                        return None;
                    }
                    // A collection as a key is the full reading's to refuse.
                    if matches!(stack.last(), Some(Open::Map(_, _, None))) {
                        return None;
                    }
                    stack.push(match event {
                        Event::SequenceStart(..) => Open::Seq(line, Vec::new()),
                        _ => Open::Map(line, Vec::new(), None),
                    });
                    continue;
                }
                Event::SequenceEnd => match stack.pop()? {
                    Open::Seq(line, items) => Node::new(line, Value::Seq(items)),
                    Open::Map(..) => return None,
                },
                Event::MappingEnd => match stack.pop()? {
                    Open::Map(line, entries, None) => Node::new(line, Value::Map(entries)),
                    _ => return None,
                },
                _ => return None,
            };
            match stack.last_mut() {
                None if root.is_none() => root = Some(node),
                None => return None,
                Some(Open::Seq(_, items)) => items.push(node),
                Some(Open::Map(_, entries, key)) => {
                    let (key, key_line) = key.take()?;
                    entries.push(Entry {
                        key,
                        key_line,
                        value: node,
                    });
                }
            }
        }
        if !stack.is_empty() {
            return None;
        }
        root
    }

    /// Whether a plain scalar is text under every reading: it starts with a letter and
    /// is not a spelling of null, a boolean, infinity or not-a-number.
    fn plain_is_text(s: &str) -> bool {
        let Some(first) = s.chars().next() else {
            return false;
        };
        if !first.is_alphabetic() {
            return false;
        }
        let lower = s.to_ascii_lowercase();
        !matches!(
            lower.as_str(),
            "null"
                | "true"
                | "false"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "y"
                | "n"
                | "inf"
                | "infinity"
                | "nan"
        )
    }

    /// A plain scalar's value, when its type is beyond doubt.
    fn plain(s: &str) -> Option<Value> {
        match s {
            "null" => return Some(Value::Null),
            "true" => return Some(Value::Bool(true)),
            "false" => return Some(Value::Bool(false)),
            _ => {}
        }
        if plain_is_text(s) {
            return Some(Value::Str(s.to_string()));
        }
        // Decimal integers without a sign's plus, leading zeros or separators.
        let digits = s.strip_prefix('-').unwrap_or(s);
        let decimal = !digits.is_empty()
            && digits.len() <= 18
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        if decimal && s != "-0" {
            return s.parse().ok().map(Value::Int);
        }
        None
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
    /// The full reading alone.
    fn full(text: &str) -> Result<super::Node, String> {
        serde_saphyr::from_str_with_options::<super::Node>(text, super::options())
            .map_err(|e| e.to_string())
    }

    /// Wherever the fast reading answers, it answers what the full reading does.
    fn agree(text: &str) -> bool {
        match super::simple::parse(text) {
            Some(fast) => {
                assert_eq!(Ok(&fast), full(text).as_ref(), "{text:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn the_fast_reading_builds_the_full_readings_tree() {
        let answered = [
            "id: s1\ntitle: \"A title\"\n",
            "a: 1\nb: -7\nc: 0\nd: true\ne: false\nf: null\n",
            "choices:\n  - label: 'Go on'\n    to: s2\n    requires: [cw-1, cw_2]\n  - {label: x, to: z}\n",
            "nested:\n  deep:\n    deeper:\n      - - a\n        - b\n",
            "text: |\n  line one\n  line two\nfolded: >\n  one\n  two\n",
            "title: Über café # a comment\nwho: Émile\n",
            "\"quoted key\": v\n'single': \"null\"\nnum: '12'\n",
            "list:\n- a\n- b\nafter: c\n",
            "spaced:   value with  spaces  \nurl: http://x.y/z?a=b\n",
            "---\nid: x\n",
            "[a, b, {c: d}]\n",
            "plain",
        ];
        for text in answered {
            assert!(
                agree(text),
                "the fast reading left {text:?} to the full one"
            );
        }
        // Left to the full reading (its answer or its error stands).
        let left = [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: 1\na: 2\n",
            "? [a]\n: b\n",
            "a: 1.5\n",
            "a: 0x1F\n",
            "a: 007\n",
            "a: +1\n",
            "a: True\n",
            "a: yes\n",
            "a: ~\n",
            "a:\n",
            "a: .inf\n",
            "1: a\n",
            "true: a\n",
            "<<: {a: 1}\n",
            "a: 99999999999999999999\n",
            "a: [1, 2\n",
            "a: b\n---\nc: d\n",
            "%YAML 1.2\n---\na: b\n",
            "a:\n  - b\n c: d\n",
        ];
        for text in left {
            assert!(!agree(text), "the fast reading answered {text:?}");
        }
    }

    proptest::proptest! {
        /// Documents made of YAML's own pieces: wherever the fast reading answers, the
        /// full one gives the same tree.
        #[test]
        fn the_fast_reading_never_differs(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "b: ", "- ", "  ", "\n", ": ", "[", "]", "{", "}", ", ", "'q'", "\"d\\n\"",
                "#c", "1", "-2", "0", "true", "null", "x y", "é", "|", ">", "&k ", "*k", "!!str ",
                "? ", "---", "\t", "key:", "Über", "'", "\"",
            ]),
            0..24,
        )) {
            let text: String = pieces.concat();
            agree(&text);
        }
    }

    #[test]
    fn the_fast_reading_agrees_on_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut answered = 0;
        for dir in ["fixtures", "playbooks", "tests"] {
            for entry in walkdir::WalkDir::new(root.join(dir)) {
                let entry = entry.expect("walk");
                let path = entry.path();
                let Ok(text) = std::fs::read_to_string(path) else {
                    continue;
                };
                let yaml = match path.extension().and_then(|e| e.to_str()) {
                    Some("yaml" | "yml") => text.as_str(),
                    Some("md") => match crate::artifact::markdown::split(&text) {
                        Ok(fm) => fm.yaml,
                        Err(_) => continue,
                    },
                    _ => continue,
                };
                if agree(yaml) {
                    answered += 1;
                }
            }
        }
        assert!(
            answered > 50,
            "only {answered} fixture files were read the fast way"
        );
    }
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
