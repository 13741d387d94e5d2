//! Loop playbooks: embedded defaults from this repository's `playbooks/`, overridable
//! (or extended) by a studio's own `playbooks/<id>.yaml`.

use std::collections::BTreeMap;

use crate::artifact::node::{Node, Value};
use crate::artifact::{self, Kind};

include!(concat!(env!("OUT_DIR"), "/playbooks.rs"));

/// A playbook's RACI.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Raci {
    /// Accountable role id.
    pub accountable: String,
    /// Responsible role ids.
    pub responsible: Vec<String>,
    /// Consulted role ids.
    pub consulted: Vec<String>,
    /// Informed role ids.
    pub informed: Vec<String>,
}

/// One deliverable of a loop.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Deliverable {
    /// Artifact kind (`section`, `canon`, …).
    pub kind: String,
    /// How many at least.
    pub min: Option<i64>,
    /// What it is.
    pub description: Option<String>,
}

/// One step of a loop.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    /// Step id (`draft_canon`).
    pub id: String,
    /// The role that does it.
    pub role: String,
    /// What it produces.
    pub produces: String,
    /// A step a run may skip.
    pub optional: bool,
}

/// A parameter a run takes (`loop run --param name=value`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// How dispatch extracts it from a request (section, codex, hook, text, …).
    pub extractor: String,
    /// Whether a run needs it.
    pub required: bool,
    /// What it is.
    pub description: String,
}

/// A loop playbook, as far as the TU ledger needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Playbook {
    /// Loop id (`lore_deepening`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Who is accountable, responsible, consulted, informed.
    pub raci: Raci,
    /// Ordered steps.
    pub steps: Vec<Step>,
    /// What a run must produce.
    pub deliverables: Vec<Deliverable>,
    /// Quality bars the loop presses.
    pub bars: Vec<String>,
    /// Optional roles it needs awake.
    pub wakes: Vec<String>,
    /// Loops that naturally come next.
    pub hands_off_to: Vec<String>,
    /// Loops that must come first when both are requested together.
    pub follows: Vec<String>,
    /// Phrases customers use for this loop.
    pub triggers: Vec<String>,
    /// What the loop is for.
    pub purpose: String,
    /// Words pointing to this loop (weighed less than a whole trigger).
    pub keywords: Vec<String>,
    /// discovery, production, quality or export.
    pub category: String,
    /// What must be true when a run is done.
    pub exit_criteria: Vec<String>,
    /// What a run takes.
    pub parameters: Vec<Parameter>,
}

fn strings(n: Option<&Node>) -> Vec<String> {
    match n.map(|n| &n.value) {
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Some(Value::Str(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

impl Playbook {
    /// Reads a playbook from its parsed YAML (lenient: the schema bar judges validity).
    pub fn from_node(node: &Node) -> Option<Playbook> {
        let raci = node.get("raci");
        Some(Playbook {
            id: node.str_at("id")?.to_string(),
            name: node.str_at("name").unwrap_or_default().to_string(),
            raci: Raci {
                accountable: raci
                    .and_then(|r| r.str_at("accountable"))
                    .unwrap_or("showrunner")
                    .to_string(),
                responsible: strings(raci.and_then(|r| r.get("responsible"))),
                consulted: strings(raci.and_then(|r| r.get("consulted"))),
                informed: strings(raci.and_then(|r| r.get("informed"))),
            },
            steps: node
                .get("steps")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(|s| {
                    Some(Step {
                        id: s.str_at("id")?.to_string(),
                        role: s.str_at("role").unwrap_or_default().to_string(),
                        produces: s.str_at("produces").unwrap_or_default().to_string(),
                        optional: matches!(
                            s.get("optional").map(|o| &o.value),
                            Some(Value::Bool(true))
                        ),
                    })
                })
                .collect(),
            deliverables: node
                .get("deliverables")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(|d| {
                    Some(Deliverable {
                        kind: d.str_at("kind")?.to_string(),
                        min: match d.get("min").map(|m| &m.value) {
                            Some(Value::Int(i)) => Some(*i),
                            _ => None,
                        },
                        description: d.str_at("description").map(str::to_string),
                    })
                })
                .collect(),
            bars: strings(node.get("bars")),
            wakes: strings(node.get("wakes")),
            hands_off_to: strings(node.get("hands_off_to")),
            follows: strings(node.get("follows")),
            triggers: strings(node.get("triggers")),
            purpose: node.str_at("purpose").unwrap_or_default().to_string(),
            keywords: strings(node.get("keywords")),
            category: node.str_at("category").unwrap_or_default().to_string(),
            exit_criteria: strings(node.get("exit_criteria")),
            parameters: node
                .get("parameters")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(|p| {
                    Some(Parameter {
                        name: p.str_at("name")?.to_string(),
                        extractor: p.str_at("extractor").unwrap_or("text").to_string(),
                        required: matches!(
                            p.get("required").map(|r| &r.value),
                            Some(Value::Bool(true))
                        ),
                        description: p.str_at("description").unwrap_or_default().to_string(),
                    })
                })
                .collect(),
        })
    }
}

/// The embedded playbooks by id.
pub fn embedded() -> BTreeMap<String, Playbook> {
    EMBEDDED
        .iter()
        .filter_map(|(path, bytes)| artifact::parse(Kind::Playbook, path, bytes).ok())
        .filter_map(|a| Playbook::from_node(&a.data))
        .map(|p| (p.id.clone(), p))
        .collect()
}

/// The playbooks in force: embedded ones, replaced or extended by the studio's.
pub fn in_force(studio_playbooks: &[(String, Vec<u8>)]) -> BTreeMap<String, Playbook> {
    let mut all = embedded();
    for (path, bytes) in studio_playbooks {
        if let Some(p) = artifact::parse(Kind::Playbook, path, bytes)
            .ok()
            .and_then(|a| Playbook::from_node(&a.data))
        {
            all.insert(p.id.clone(), p);
        }
    }
    all
}
