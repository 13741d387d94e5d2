//! A parsed document tree that remembers the line of every value and key.
//!
//! YAML front matter, YAML files and `studio.toml` all load into this one shape, so the
//! schema bar and every later bar can point a finding at `path:line` without re-reading
//! the file. Lines are 1-based and absolute within the file.

use serde_json::{Map as JsonMap, Number, Value as Json};

/// One value with the line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// 1-based line in the file (0 when unknown).
    pub line: u32,
    /// The value itself.
    pub value: Value,
}

/// The value of a [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` / `false` (YAML 1.2 spellings only).
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string; dates, `no`, `on` and friends stay strings.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<Entry>),
}

/// One key of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key, as text.
    pub key: String,
    /// The line the key is written on.
    pub key_line: u32,
    /// The value under the key.
    pub value: Node,
}

impl Node {
    /// A node on a given line.
    pub fn new(line: u32, value: Value) -> Self {
        Node { line, value }
    }

    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry (with its key line) under `key` when this node is a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The text when this node is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The items when this node is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The entries when this node is a mapping.
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The string under `key`, if there is one.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    /// Adds `offset` to every line in the tree (front matter starts below `---`).
    pub fn shift_lines(&mut self, offset: u32) {
        if self.line > 0 {
            self.line += offset;
        }
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.shift_lines(offset)),
            Value::Map(entries) => {
                for e in entries {
                    if e.key_line > 0 {
                        e.key_line += offset;
                    }
                    e.value.shift_lines(offset);
                }
            }
            _ => {}
        }
    }

    /// The node a JSON pointer names, if it exists.
    pub fn get_pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        if pointer.is_empty() {
            return Some(node);
        }
        for segment in segments(pointer) {
            node = match &node.value {
                Value::Map(entries) => &entries.iter().find(|e| e.key == segment)?.value,
                Value::Seq(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The line of the deepest node that a JSON pointer (`/choices/0/to`) reaches.
    ///
    /// A pointer to a mapping key points at the key's line, which is where a reader
    /// looks for it; a pointer that runs past the tree stops at the last node found.
    pub fn locate(&self, pointer: &str) -> u32 {
        let mut node = self;
        let mut line = self.line;
        if pointer.is_empty() {
            return line;
        }
        for segment in segments(pointer) {
            match &node.value {
                Value::Map(entries) => match entries.iter().find(|e| e.key == segment) {
                    Some(e) => {
                        line = e.key_line.max(1);
                        node = &e.value;
                    }
                    None => return line,
                },
                Value::Seq(items) => match segment.parse::<usize>().ok().and_then(|i| items.get(i))
                {
                    Some(item) => {
                        line = item.line.max(line);
                        node = item;
                    }
                    None => return line,
                },
                _ => return line,
            }
        }
        line
    }

    /// The line of the key `key` inside the mapping at `pointer` (for unknown fields).
    pub fn locate_key(&self, pointer: &str, key: &str) -> u32 {
        match self.get_pointer(pointer) {
            Some(node) => node.entry(key).map(|e| e.key_line).unwrap_or(node.line),
            None => self.locate(pointer),
        }
    }

    /// The same tree as JSON, for schema validation.
    pub fn to_json(&self) -> Json {
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::Number((*i).into()),
            Value::Float(f) => Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
            Value::Str(s) => Json::String(s.clone()),
            Value::Seq(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut map = JsonMap::new();
                for e in entries {
                    map.insert(e.key.clone(), e.value.to_json());
                }
                Json::Object(map)
            }
        }
    }
}

/// The unescaped segments of a non-empty JSON pointer (`/a~1b/0` → `a/b`, `0`).
fn segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|raw| raw.replace("~1", "/").replace("~0", "~"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(line: u32, entries: Vec<(&str, u32, Node)>) -> Node {
        Node::new(
            line,
            Value::Map(
                entries
                    .into_iter()
                    .map(|(k, l, v)| Entry {
                        key: k.into(),
                        key_line: l,
                        value: v,
                    })
                    .collect(),
            ),
        )
    }

    #[test]
    fn locate_follows_pointer_and_stops_at_deepest_existing_node() {
        let choice = map(5, vec![("label", 5, Node::new(5, Value::Str("Go".into())))]);
        let doc = map(
            1,
            vec![
                ("id", 1, Node::new(1, Value::Str("a".into()))),
                ("choices", 4, Node::new(5, Value::Seq(vec![choice]))),
            ],
        );
        assert_eq!(doc.locate("/choices/0/label"), 5);
        assert_eq!(doc.locate("/choices/0/to"), 5);
        assert_eq!(doc.locate("/choices/3"), 4);
        assert_eq!(doc.locate(""), 1);
        assert_eq!(doc.locate_key("/choices/0", "label"), 5);
    }
}
