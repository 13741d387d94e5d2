//! TU briefs (`tus/<TU-ID>.yaml`): writing a new one from a playbook, and editing fields
//! of an existing one while keeping its order and comments.

use serde::{Deserialize, Serialize};

use crate::artifact::de::{self, Lenient};
use crate::artifact::node::{Node, Value};
use crate::artifact::yaml::{self, Flow};
use crate::artifact::{self, Kind};
use crate::studio::playbook::Playbook;

/// A brief as the workflows read it: every field optional, a mistyped one read as absent
/// (the schema bar reports it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Brief {
    /// Title.
    #[serde(deserialize_with = "de::lenient")]
    pub title: Option<String>,
    /// Loop id.
    #[serde(rename = "loop", deserialize_with = "de::lenient")]
    pub loop_id: Option<String>,
    /// The accountable role.
    #[serde(deserialize_with = "de::lenient")]
    pub owner_a: Named,
    /// The responsible roles.
    #[serde(deserialize_with = "de::lenient")]
    pub responsible_r: Named,
    /// The consulted roles.
    #[serde(deserialize_with = "de::lenient")]
    pub consulted_c: Named,
    /// The informed roles.
    #[serde(deserialize_with = "de::lenient")]
    pub informed_i: Named,
    /// Optional roles woken for it.
    #[serde(deserialize_with = "de::lenient")]
    pub awake: Named,
    /// Deferral tags (`deferred:art`, …), when written as a list.
    #[serde(deserialize_with = "de::items")]
    pub deferrals: Vec<String>,
    /// What it must produce, when written as a list.
    #[serde(deserialize_with = "de::lenient")]
    pub deliverables: Option<Vec<Lenient<BriefDeliverable>>>,
    /// Time allowed (`90m`, `2d`).
    #[serde(deserialize_with = "de::lenient")]
    pub timebox: Option<String>,
}

impl Named {
    /// The roles named, canonical where known.
    pub fn roles(&self) -> Vec<String> {
        let one = |r: &str| crate::roles::canonical(r).unwrap_or(r).to_string();
        match self {
            Named::Nobody => Vec::new(),
            Named::One(r) => vec![one(r)],
            Named::Many(rs) => rs.iter().map(|r| one(r)).collect(),
        }
    }
}

/// A timebox's length in seconds (`90m`, `1.5h`, `2d`, `1w`); `None` when it is not one.
pub fn timebox_seconds(text: &str) -> Option<i64> {
    let t = text.trim();
    let unit = t.chars().last()?;
    let n: f64 = t[..t.len() - unit.len_utf8()].parse().ok()?;
    let per = match unit {
        'm' => 60.0,
        'h' => 3600.0,
        'd' => 86_400.0,
        'w' => 604_800.0,
        _ => return None,
    };
    (n.is_finite() && n >= 0.0).then(|| (n * per).round() as i64)
}

impl Brief {
    /// Reads a parsed brief; a document that is not a mapping reads as an empty brief.
    pub fn from_node(node: &Node) -> Brief {
        de::from_node(node).unwrap_or_default()
    }
}

/// A role field as written: one role, or a list of them (items that are not text are
/// left out).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Named {
    /// Absent, or neither text nor a list.
    #[default]
    Nobody,
    /// `owner_a: lore_weaver`.
    One(String),
    /// `responsible_r: [lore_weaver, codex_curator]`.
    Many(Vec<String>),
}

impl Named {
    /// Every name, however it was written.
    pub fn all(&self) -> &[String] {
        match self {
            Named::Nobody => &[],
            Named::One(one) => std::slice::from_ref(one),
            Named::Many(many) => many,
        }
    }
}

impl<'de> Deserialize<'de> for Named {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamedVisitor;

        impl<'de> serde::de::Visitor<'de> for NamedVisitor {
            type Value = Named;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a role or a list of roles")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Named, E> {
                Ok(Named::One(v.to_string()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Named, A::Error> {
                let mut names = Vec::new();
                while let Some(Lenient(item)) = seq.next_element::<Lenient<Option<String>>>()? {
                    names.extend(item);
                }
                Ok(Named::Many(names))
            }
        }

        deserializer.deserialize_any(NamedVisitor)
    }
}

/// One deliverable of a brief: a line of text, or a kind with a description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BriefDeliverable {
    /// `- two sections`.
    Text(String),
    /// `- {kind: section, description: …}`; an item that is neither reads as this, empty.
    Spec {
        /// The artifact kind.
        kind: Option<String>,
        /// What it is.
        description: Option<String>,
    },
}

impl<'de> Deserialize<'de> for BriefDeliverable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Spec {
            #[serde(default, deserialize_with = "de::lenient")]
            kind: Option<String>,
            #[serde(default, deserialize_with = "de::lenient")]
            description: Option<String>,
        }

        struct DeliverableVisitor;

        impl<'de> serde::de::Visitor<'de> for DeliverableVisitor {
            type Value = BriefDeliverable;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a line of text or a mapping with `kind`")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<BriefDeliverable, E> {
                Ok(BriefDeliverable::Text(v.to_string()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<BriefDeliverable, A::Error> {
                let spec = Spec::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(BriefDeliverable::Spec {
                    kind: spec.kind,
                    description: spec.description,
                })
            }
        }

        deserializer.deserialize_any(DeliverableVisitor)
    }
}

impl Default for BriefDeliverable {
    fn default() -> Self {
        BriefDeliverable::Spec {
            kind: None,
            description: None,
        }
    }
}

/// What a new brief says.
pub struct NewBrief<'a> {
    /// The TU id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Loop id.
    pub loop_id: &'a str,
    /// `YYYY-MM-DD`.
    pub opened: &'a str,
    /// The role opening it (id).
    pub role: &'a str,
    /// The loop's playbook, when one exists.
    pub playbook: Option<&'a Playbook>,
    /// What the TU starts from.
    pub inputs: &'a [String],
}

/// A new brief as written: the fields in the schema's order, lists on one line.
#[derive(Serialize)]
struct File<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(rename = "loop")]
    loop_id: &'a str,
    opened: &'a str,
    owner_a: &'a str,
    responsible_r: Flow<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Flow::is_empty")]
    consulted_c: Flow<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Flow::is_empty")]
    informed_i: Flow<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Flow::is_empty")]
    awake: Flow<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    deliverables: Vec<DeliverableLine<'a>>,
    #[serde(skip_serializing_if = "Flow::is_empty")]
    bars: Flow<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Flow::is_empty")]
    inputs: Flow<Vec<&'a str>>,
}

#[derive(Serialize)]
struct DeliverableLine<'a> {
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Renders a new brief, RACI and deliverables taken from the playbook when there is one.
pub fn render(b: &NewBrief<'_>) -> String {
    let mut file = File {
        id: b.id,
        title: b.title,
        loop_id: b.loop_id,
        opened: b.opened,
        owner_a: "showrunner",
        responsible_r: Flow(vec![b.role]),
        consulted_c: Flow(Vec::new()),
        informed_i: Flow(Vec::new()),
        awake: Flow(Vec::new()),
        deliverables: Vec::new(),
        bars: Flow(Vec::new()),
        inputs: Flow(strs(b.inputs)),
    };
    if let Some(p) = b.playbook {
        file.owner_a = &p.raci.accountable;
        if !p.raci.responsible.is_empty() {
            file.responsible_r = Flow(strs(&p.raci.responsible));
        }
        file.consulted_c = Flow(strs(&p.raci.consulted));
        file.informed_i = Flow(strs(&p.raci.informed));
        file.awake = Flow(strs(&p.wakes));
        file.deliverables = p
            .deliverables
            .iter()
            .map(|d| DeliverableLine {
                kind: &d.kind,
                count: d.min,
                description: d.description.as_deref(),
            })
            .collect();
        file.bars = Flow(strs(&p.bars));
    }
    let mut out = String::from(
        "# Trace Unit brief. The TU's state is derived from git history\n# (`showrunner tu show`), never written here.\n",
    );
    // Strings and numbers only: nothing here can fail to serialise (and the brief is
    // validated against its schema before it is committed).
    out.push_str(&yaml::to_string(&file).unwrap_or_default());
    out
}

/// One edit to a brief.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Set a field to a text value (replacing whatever it held).
    Set(String, String),
    /// Append an item to a list field (creating it, or turning a single value into a list).
    Add(String, String),
    /// Remove an item from a list field.
    Remove(String, String),
}

impl Change {
    fn field(&self) -> &str {
        match self {
            Change::Set(k, _) | Change::Add(k, _) | Change::Remove(k, _) => k,
        }
    }
}

/// Fields that never change after opening.
const FIXED: [&str; 3] = ["id", "opened", "loop"];

/// Applies edits to a brief's text, rewriting only the lines of the fields it touches.
/// Returns the new text, or a sentence saying why an edit cannot be made.
pub fn edit(text: &str, changes: &[Change]) -> Result<String, String> {
    let mut text = text.to_string();
    for change in changes {
        let field = change.field();
        if FIXED.contains(&field) {
            return Err(format!(
                "`{field}` is fixed when a TU opens and cannot be changed"
            ));
        }
        if field.is_empty() || !field.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(format!("`{field}` is not a brief field name"));
        }
        text = edit_one(&text, change)?;
    }
    Ok(text)
}

fn edit_one(text: &str, change: &Change) -> Result<String, String> {
    let doc = yaml::parse(text)
        .map_err(|e| format!("the brief does not parse (line {}): {}", e.line, e.message))?;
    let entries = doc.as_map().ok_or("the brief is not a mapping")?;
    let lines: Vec<&str> = text.lines().collect();
    let field = change.field();
    let index = entries.iter().position(|e| e.key == field);
    // The lines a top-level field occupies: from its key to the line before the next
    // key, less trailing blank and comment lines (they introduce what follows).
    let span = index.map(|i| {
        let start = entries[i].key_line as usize - 1;
        let mut end = entries
            .get(i + 1)
            .map(|n| n.key_line as usize - 1)
            .unwrap_or(lines.len());
        while end > start + 1
            && (lines[end - 1].trim().is_empty() || lines[end - 1].trim_start().starts_with('#'))
        {
            end -= 1;
        }
        (start, end)
    });
    let current: Vec<String> = match index.map(|i| &entries[i].value.value) {
        Some(Value::Seq(items)) => items.iter().map(item_text).collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(Value::Map(_)) => return Err(format!("`{field}` is a mapping; edit it in the file")),
        Some(_) => vec![
            index
                .map(|i| item_text(&entries[i].value))
                .unwrap_or_default(),
        ],
    };
    let was_list = matches!(index.map(|i| &entries[i].value.value), Some(Value::Seq(_)));
    let has_objects = match index.map(|i| &entries[i].value.value) {
        Some(Value::Seq(items)) => items.iter().any(|n| matches!(n.value, Value::Map(_))),
        _ => false,
    };
    let replacement: Vec<String> = match change {
        Change::Set(_, v) => vec![format!("{field}: {}", yaml::quote(v))],
        Change::Add(_, v) => {
            if current.iter().any(|c| c == v) {
                return Ok(text.to_string());
            }
            if has_objects {
                // Keep structured items exactly; append a plain item after them.
                let (start, end) = span.ok_or("internal: span")?;
                let indent = lines[start + 1..end]
                    .iter()
                    .find(|l| l.trim_start().starts_with("- "))
                    .map(|l| &l[..l.len() - l.trim_start().len()])
                    .unwrap_or("  ");
                let mut out: Vec<String> =
                    lines[start..end].iter().map(|l| l.to_string()).collect();
                out.push(format!("{indent}- {}", yaml::quote(v)));
                out
            } else {
                let mut items = current.clone();
                items.push(v.clone());
                render_list(field, &items, span.map(|(s, _)| lines[s]))
            }
        }
        Change::Remove(_, v) => {
            if has_objects {
                return Err(format!(
                    "`{field}` holds structured items; edit it in the file"
                ));
            }
            if !current.iter().any(|c| c == v) {
                return Err(format!("`{field}` has no item `{v}`"));
            }
            let items: Vec<String> = current.iter().filter(|c| *c != v).cloned().collect();
            if !was_list && items.is_empty() {
                Vec::new()
            } else {
                render_list(field, &items, span.map(|(s, _)| lines[s]))
            }
        }
    };
    let mut out: Vec<String> = Vec::new();
    match span {
        Some((start, end)) => {
            out.extend(lines[..start].iter().map(|l| l.to_string()));
            out.extend(replacement);
            out.extend(lines[end..].iter().map(|l| l.to_string()));
        }
        None => {
            out.extend(lines.iter().map(|l| l.to_string()));
            out.extend(replacement);
        }
    }
    Ok(format!("{}\n", out.join("\n")))
}

fn item_text(n: &Node) -> String {
    match &n.value {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn render_list(field: &str, items: &[String], original_key_line: Option<&str>) -> Vec<String> {
    let block = original_key_line.is_some_and(|l| l.trim_end().ends_with(':'));
    if block && !items.is_empty() {
        let mut out = vec![format!("{field}:")];
        out.extend(items.iter().map(|i| format!("  - {}", yaml::quote(i))));
        out
    } else {
        vec![format!(
            "{field}: [{}]",
            items
                .iter()
                .map(|i| yaml::quote(i))
                .collect::<Vec<_>>()
                .join(", ")
        )]
    }
}

/// Checks a brief's text against the TU schema; the messages of any violations.
pub fn validate(path: &str, text: &str) -> Vec<String> {
    validate_as(Kind::Tu, path, text)
}

/// Checks a tool-written file against its kind's schema; the messages of any violations.
pub fn validate_as(kind: Kind, path: &str, text: &str) -> Vec<String> {
    match artifact::parse(kind, path, text.as_bytes()) {
        Err(r) => vec![format!("{}:{}: {}", path, r.line, r.message)],
        Ok(a) => match crate::schema::Schemas::default().validate(&a) {
            Ok(v) => v
                .into_iter()
                .map(|v| format!("{}:{}: {}", path, v.line, v.message))
                .collect(),
            Err(e) => vec![e],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_brief_reads_role_fields_as_one_or_many_and_deliverables_as_text_or_kind() {
        let node = yaml::parse(
            "title: T\nloop: 4\nowner_a: [lore_weaver]\nresponsible_r: codex_curator\ninformed_i: [a, 1, b]\ndeferrals: art\ndeliverables:\n  - two sections\n  - {kind: canon, description: the guild}\n  - 7\n",
        )
        .expect("parses");
        let b = Brief::from_node(&node);
        assert_eq!(b.title.as_deref(), Some("T"));
        assert_eq!(b.loop_id, None, "a number is not a loop id");
        assert_eq!(b.owner_a, Named::Many(vec!["lore_weaver".into()]));
        assert_eq!(b.responsible_r, Named::One("codex_curator".into()));
        assert_eq!(b.informed_i.all(), ["a", "b"]);
        assert!(b.deferrals.is_empty(), "deferrals are a list");
        let spec = |kind: Option<&str>, description: Option<&str>| {
            Lenient(BriefDeliverable::Spec {
                kind: kind.map(str::to_string),
                description: description.map(str::to_string),
            })
        };
        assert_eq!(
            b.deliverables,
            Some(vec![
                Lenient(BriefDeliverable::Text("two sections".into())),
                spec(Some("canon"), Some("the guild")),
                spec(None, None),
            ])
        );
    }

    const BRIEF: &str = "# a comment\nid: TU-2026-11-26-LW01\ntitle: Old\nloop: lore_deepening\nopened: \"2026-11-26\"\nowner_a: showrunner\n# who does it\nresponsible_r: [lore_weaver]\nrisks:\n  - guild timeline may clash\n# trailing comment\n";

    #[test]
    fn set_rewrites_only_that_field_and_keeps_comments() {
        let out = edit(BRIEF, &[Change::Set("title".into(), "New: title".into())]).expect("edit");
        assert!(out.contains("title: \"New: title\"\n"), "{out}");
        assert!(
            out.starts_with("# a comment\n")
                && out.contains("# who does it\n")
                && out.ends_with("# trailing comment\n"),
            "{out}"
        );
    }

    #[test]
    fn add_and_remove_keep_the_list_style() {
        let out = edit(
            BRIEF,
            &[Change::Add("responsible_r".into(), "plotwright".into())],
        )
        .expect("edit");
        assert!(
            out.contains("responsible_r: [lore_weaver, plotwright]\n"),
            "{out}"
        );
        let out = edit(&out, &[Change::Add("risks".into(), "late art".into())]).expect("edit");
        assert!(
            out.contains("risks:\n  - guild timeline may clash\n  - late art\n"),
            "{out}"
        );
        let out = edit(&out, &[Change::Remove("risks".into(), "late art".into())]).expect("edit");
        assert!(
            out.contains("risks:\n  - guild timeline may clash\n# trailing"),
            "{out}"
        );
        let out = edit(
            &out,
            &[Change::Add("inputs".into(), "canon/guild.md".into())],
        )
        .expect("edit");
        assert!(out.ends_with("inputs: [canon/guild.md]\n"), "{out}");
    }

    #[test]
    fn fixed_fields_and_missing_items_are_refused() {
        assert!(edit(BRIEF, &[Change::Set("id".into(), "x".into())]).is_err());
        assert!(edit(BRIEF, &[Change::Remove("risks".into(), "nope".into())]).is_err());
    }
}
