//! Typed reads of a parsed [`Node`]: a `serde` deserializer over the line-carrying tree.
//!
//! Settings, playbooks, briefs, question batches and plans are `#[derive(Deserialize)]`
//! types read with [`from_node`], straight from the tree (no copy into another value).
//! An error carries the line of the value it is about; [`Spanned`] keeps a value's line
//! for findings; [`lenient`] / [`Lenient`], [`items`], [`items_or_default`], [`strings`]
//! and [`entries`] keep the readers as forgiving as the hand-written walks they replace:
//! the schema bar reports what is wrong, the readers take what they can.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, U32Deserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, forward_to_deserialize_any};

use crate::artifact::node::{Entry, Node, Value};

/// A value that could not be read as the type asked for, with its line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DeError {
    /// 1-based line of the offending value (0 when unknown).
    pub line: u32,
    /// What was wrong, in a sentence.
    pub message: String,
}

impl DeError {
    /// The error with `line` filled in, unless a deeper value already set one.
    fn at(mut self, line: u32) -> Self {
        if self.line == 0 {
            self.line = line;
        }
        self
    }
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            line: 0,
            message: msg.to_string(),
        }
    }
}

/// Reads a `T` from a parsed tree; an error names the line of the value that failed.
pub fn from_node<'a, T: Deserialize<'a>>(node: &'a Node) -> Result<T, DeError> {
    T::deserialize(NodeDe {
        node,
        line: node.line,
    })
    .map_err(|e| e.at(node.line))
}

/// A value with the line it is written on: the key's line for a mapping's value, the
/// item's line for a sequence item (the lines `Node::locate` gives, which findings use).
///
/// Only the [`from_node`] deserializer knows lines; it is the only one that reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spanned<T> {
    /// 1-based line (0 when the value was absent and defaulted).
    pub line: u32,
    /// The value.
    pub value: T,
}

/// The struct name by which [`Spanned`] asks the deserializer for a line.
const SPANNED: &str = "$showrunner::Spanned";
const SPANNED_LINE: &str = "$line";
const SPANNED_VALUE: &str = "$value";

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpannedVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for SpannedVisitor<T> {
            type Value = Spanned<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value read from a parsed artifact")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Spanned<T>, A::Error> {
                let mut line = None;
                let mut value = None;
                while let Some(key) = map.next_key::<&str>()? {
                    match key {
                        SPANNED_LINE => line = Some(map.next_value::<u32>()?),
                        SPANNED_VALUE => value = Some(map.next_value::<T>()?),
                        other => return Err(de::Error::unknown_field(other, &[])),
                    }
                }
                match (line, value) {
                    (Some(line), Some(value)) => Ok(Spanned { line, value }),
                    _ => Err(de::Error::custom(
                        "a spanned value needs a line and a value",
                    )),
                }
            }
        }

        deserializer.deserialize_struct(
            SPANNED,
            &[SPANNED_LINE, SPANNED_VALUE],
            SpannedVisitor(PhantomData),
        )
    }
}

/// `deserialize_with` for a field that falls back to its default when the value is there
/// but of the wrong shape (the schema bar reports it; the reader goes on).
pub fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Lenient::deserialize(deserializer).map(|l| l.0)
}

/// A value read as [`lenient`] reads a field, for where a type rather than a
/// `deserialize_with` is wanted (a list's items, a map's values).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lenient<T>(pub T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Lenient(
            deserializer
                .deserialize_newtype_struct("Lenient", Attempt::<T>(PhantomData))?
                .unwrap_or_default(),
        ))
    }
}

/// `deserialize_with` for a mapping read as its entries in document order (so that of
/// two keys naming the same thing the later wins, as a walk would have it); a value that
/// is not a mapping reads as no entries.
pub fn entries<'de, D, T>(deserializer: D) -> Result<Vec<(String, T)>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct EntriesVisitor<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for EntriesVisitor<T> {
        type Value = Vec<(String, T)>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a mapping")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(entry) = map.next_entry::<String, T>()? {
                out.push(entry);
            }
            Ok(out)
        }
    }

    struct Entries<T>(Vec<(String, T)>);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer
                .deserialize_map(EntriesVisitor(PhantomData))
                .map(Entries)
        }
    }

    Ok(deserializer
        .deserialize_newtype_struct("Entries", Attempt::<Entries<T>>(PhantomData))?
        .map(|e| e.0)
        .unwrap_or_default())
}

/// `deserialize_with` for a list whose unreadable items are skipped (and which is empty
/// when the value is not a list at all).
pub fn items<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(deserializer
        .deserialize_newtype_struct("Items", Attempt::<Items<T>>(PhantomData))?
        .map(|i| i.0)
        .unwrap_or_default())
}

/// `deserialize_with` for a list whose unreadable items read as their default (and which
/// is empty when the value is not a list at all).
pub fn items_or_default<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    let read: Vec<Maybe<T>> = items(deserializer)?;
    Ok(read
        .into_iter()
        .map(|Maybe(item)| item.unwrap_or_default())
        .collect())
}

/// `deserialize_with` for a list of strings that may also be written as one string;
/// items that are not strings are skipped, any other value reads as the empty list.
pub fn strings<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(deserializer
        .deserialize_newtype_struct("Strings", Attempt::<Strings>(PhantomData))?
        .map(|s| s.0)
        .unwrap_or_default())
}

/// Reads a `T` from the deserializer a newtype hands over, and turns its failure into
/// `None` instead of an error. It relies on the deserializer handing itself over as the
/// newtype's content, which [`from_node`]'s does (as serde_json's and most others do).
struct Attempt<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Attempt<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        Ok(T::deserialize(d).ok())
    }
}

/// One item of [`items`] or [`strings`]: the item, or `None` when it does not read.
struct Maybe<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Maybe<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_newtype_struct("Maybe", Attempt::<T>(PhantomData))
            .map(Maybe)
    }
}

/// The readable items of a sequence.
struct Items<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Items<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemsVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ItemsVisitor<T> {
            type Value = Items<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(Maybe(item)) = seq.next_element::<Maybe<T>>()? {
                    out.extend(item);
                }
                Ok(Items(out))
            }
        }

        deserializer.deserialize_seq(ItemsVisitor(PhantomData))
    }
}

/// A string or the string items of a sequence.
struct Strings(Vec<String>);

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringsVisitor;

        impl<'de> Visitor<'de> for StringsVisitor {
            type Value = Strings;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a sequence of strings")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Strings, E> {
                Ok(Strings(vec![v.to_string()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Strings, A::Error> {
                Items::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(|i| Strings(i.0))
            }
        }

        deserializer.deserialize_any(StringsVisitor)
    }
}

/// The deserializer over one node; `line` is the line a [`Spanned`] value reports.
#[derive(Clone, Copy)]
struct NodeDe<'a> {
    node: &'a Node,
    line: u32,
}

impl<'de> Deserializer<'de> for NodeDe<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(s) => visitor.visit_borrowed_str(s),
            Value::Seq(items) => visitor.visit_seq(Seq {
                items: items.iter(),
            }),
            Value::Map(entries) => visitor.visit_map(Map {
                entries: entries.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if name == SPANNED && fields == [SPANNED_LINE, SPANNED_VALUE] {
            return visitor.visit_map(SpannedAccess { de: self, step: 0 });
        }
        // A struct is read from a mapping only, never from a sequence by position.
        match self.node.value {
            Value::Seq(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &visitor)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            _ => self.deserialize_any(visitor),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// The items of a sequence node.
struct Seq<'a> {
    items: std::slice::Iter<'a, Node>,
}

impl<'de> SeqAccess<'de> for Seq<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        seed.deserialize(NodeDe {
            node,
            line: node.line,
        })
        .map(Some)
        .map_err(|e| e.at(node.line))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a mapping node, in document order.
struct Map<'a> {
    entries: std::slice::Iter<'a, Entry>,
    value: Option<&'a Entry>,
}

impl<'de> MapAccess<'de> for Map<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(entry);
        seed.deserialize(BorrowedStrDeserializer::<DeError>::new(&entry.key))
            .map(Some)
            .map_err(|e| e.at(entry.key_line))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some(entry) = self.value.take() else {
            return Err(de::Error::custom("a mapping value was read before its key"));
        };
        let line = if entry.key_line > 0 {
            entry.key_line
        } else {
            entry.value.line
        };
        seed.deserialize(NodeDe {
            node: &entry.value,
            line,
        })
        .map_err(|e| e.at(line))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// The two fields of a [`Spanned`]: its line, then its value.
struct SpannedAccess<'a> {
    de: NodeDe<'a>,
    step: u8,
}

impl<'de> MapAccess<'de> for SpannedAccess<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let key = match self.step {
            0 => SPANNED_LINE,
            1 => SPANNED_VALUE,
            _ => return Ok(None),
        };
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        self.step += 1;
        match self.step {
            1 => seed.deserialize(U32Deserializer::new(self.de.line)),
            _ => seed.deserialize(self.de),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::yaml;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(default)]
    struct Plan<'a> {
        id: &'a str,
        #[serde(deserialize_with = "lenient")]
        title: Option<String>,
        #[serde(deserialize_with = "lenient")]
        count: u32,
        #[serde(deserialize_with = "strings")]
        tags: Vec<String>,
        #[serde(deserialize_with = "items")]
        steps: Vec<Step>,
        alt: Option<Spanned<String>>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Step {
        id: String,
        #[serde(default)]
        optional: bool,
    }

    #[test]
    fn a_typed_read_takes_what_it_can_like_the_hand_walks_did() {
        let doc = yaml::parse(
            "id: a\ntitle: 5\ncount: many\ntags: [x, 3, y]\nsteps:\n  - id: s1\n  - role: r\n  - id: s3\n    optional: true\nextra: kept out\n",
        )
        .expect("parses");
        let plan: Plan<'_> = from_node(&doc).expect("reads");
        assert_eq!(plan.id, "a");
        assert_eq!(plan.title, None, "a number is not a title");
        assert_eq!(plan.count, 0, "a word is not a count");
        assert_eq!(plan.tags, ["x", "y"]);
        assert_eq!(
            plan.steps,
            [
                Step {
                    id: "s1".into(),
                    optional: false
                },
                Step {
                    id: "s3".into(),
                    optional: true
                }
            ]
        );
        let each: Vec<Vec<String>> = {
            #[derive(Deserialize)]
            struct Rows(#[serde(deserialize_with = "items_or_default")] Vec<Vec<String>>);
            let doc = yaml::parse("[[a], 3, [b]]\n").expect("parses");
            from_node::<Rows>(&doc).expect("reads").0
        };
        assert_eq!(each, [vec!["a".to_string()], vec![], vec!["b".to_string()]]);
        #[derive(Deserialize)]
        struct Roles {
            #[serde(deserialize_with = "entries")]
            roles: Vec<(String, Lenient<Option<String>>)>,
        }
        let doc = yaml::parse("roles: {b: x, a: [1], b: z}\n");
        assert!(doc.is_err(), "duplicate keys stop at the parser");
        let doc = yaml::parse("roles: {b: x, a: [1], c: z}\n").expect("parses");
        let roles = from_node::<Roles>(&doc).expect("reads").roles;
        assert_eq!(
            roles,
            [
                ("b".to_string(), Lenient(Some("x".to_string()))),
                ("a".to_string(), Lenient(None)),
                ("c".to_string(), Lenient(Some("z".to_string())))
            ]
        );
        let solo = yaml::parse("tags: solo\n").expect("parses");
        let one: Plan<'_> = from_node(&solo).expect("reads");
        assert_eq!(one.tags, ["solo"]);
    }

    #[test]
    fn spanned_values_carry_the_key_line_and_items_their_own() {
        let doc = yaml::parse("id: a\n\nalt: A gull\n").expect("parses");
        let plan: Plan<'_> = from_node(&doc).expect("reads");
        assert_eq!(
            plan.alt,
            Some(Spanned {
                line: 3,
                value: "A gull".into()
            })
        );
        let items: Vec<Spanned<String>> =
            from_node(&yaml::parse("- a\n- b\n").expect("parses")).expect("reads");
        assert_eq!(items.iter().map(|s| s.line).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn an_error_names_the_line_of_the_offending_value() {
        let doc = yaml::parse("steps:\n  - id: s1\n  - id: [no]\n").expect("parses");
        #[derive(Debug, Deserialize)]
        struct Strict {
            #[allow(dead_code)]
            steps: Vec<Step>,
        }
        let err = from_node::<Strict>(&doc).expect_err("a list is not an id");
        assert_eq!(err.line, 3, "{err:?}");
        let by_position = from_node::<Step>(&yaml::parse("[s1, true]\n").expect("parses"));
        assert!(by_position.is_err(), "a struct is not read from a list");
        let missing = from_node::<Step>(&yaml::parse("\n\noptional: true\n").expect("parses"))
            .expect_err("no id");
        assert!(
            missing.message.contains("missing field `id`"),
            "{missing:?}"
        );
    }

    #[test]
    fn enums_read_from_their_names_and_toml_reads_the_same_way() {
        #[derive(Debug, Deserialize, PartialEq)]
        #[serde(rename_all = "lowercase")]
        enum State {
            Open,
            Answered,
        }
        let doc = crate::artifact::toml::parse("[q]\nstate = \"answered\"\n").expect("parses");
        #[derive(Debug, Deserialize)]
        struct File {
            q: Inner,
        }
        #[derive(Debug, Deserialize)]
        struct Inner {
            state: Spanned<State>,
        }
        let f: File = from_node(&doc).expect("reads");
        assert_eq!(f.q.state.value, State::Answered);
        assert_eq!(f.q.state.line, 2);
        assert_ne!(State::Open, f.q.state.value);
    }
}
