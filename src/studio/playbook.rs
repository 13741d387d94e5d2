//! Loop playbooks: embedded defaults from this repository's `playbooks/`, overridable
//! (or extended) by a studio's own `playbooks/<id>.yaml`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::artifact::de;
use crate::artifact::node::Node;
use crate::artifact::{self, Kind};

include!(concat!(env!("OUT_DIR"), "/playbooks.rs"));

/// A playbook's RACI.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Raci {
    /// Accountable role id (default `showrunner`).
    #[serde(default = "default_accountable", deserialize_with = "accountable")]
    pub accountable: String,
    /// Responsible role ids.
    #[serde(default, deserialize_with = "de::strings")]
    pub responsible: Vec<String>,
    /// Consulted role ids.
    #[serde(default, deserialize_with = "de::strings")]
    pub consulted: Vec<String>,
    /// Informed role ids.
    #[serde(default, deserialize_with = "de::strings")]
    pub informed: Vec<String>,
}

impl Default for Raci {
    fn default() -> Self {
        Raci {
            accountable: default_accountable(),
            responsible: Vec::new(),
            consulted: Vec::new(),
            informed: Vec::new(),
        }
    }
}

/// `raci.accountable`: a string, else the default.
fn accountable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v: Option<String> = de::lenient(d)?;
    Ok(v.unwrap_or_else(default_accountable))
}

/// One deliverable of a loop.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Deliverable {
    /// Artifact kind (`section`, `canon`, …).
    pub kind: String,
    /// How many at least.
    #[serde(default, deserialize_with = "de::lenient")]
    pub min: Option<i64>,
    /// What it is.
    #[serde(default, deserialize_with = "de::lenient")]
    pub description: Option<String>,
    /// Files of the kind in a language edition (`editions/<lang>/…`) rather than the
    /// studio's own.
    #[serde(
        default,
        deserialize_with = "de::lenient",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub edition: bool,
}

impl Deliverable {
    /// Whether a file at `path` is one of these deliverables.
    pub fn counts(&self, path: &str) -> bool {
        match crate::artifact::classify(path) {
            crate::artifact::Place::Artifact(k) => !self.edition && k.name() == self.kind,
            crate::artifact::Place::Edition(_, k) => self.edition && k.name() == self.kind,
            _ => false,
        }
    }
}

/// One step of a loop.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Step {
    /// Step id (`draft_canon`).
    pub id: String,
    /// The role that does it.
    #[serde(default, deserialize_with = "de::lenient")]
    pub role: String,
    /// What it produces.
    #[serde(default, deserialize_with = "de::lenient")]
    pub produces: String,
    /// A step a run may skip.
    #[serde(default, deserialize_with = "de::lenient")]
    pub optional: bool,
    /// When in the run the step is done: before the gate (recorded by `Step:` trailers
    /// and required at `gate submit`), by the gate submission itself, or after it.
    #[serde(default, deserialize_with = "de::lenient")]
    pub when: When,
}

/// When a step is done, relative to the TU's gate submission.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// Before the submission: a required step must be recorded first.
    #[default]
    Work,
    /// By the submission (the gatecheck itself): its commit records the step.
    Gate,
    /// After the gate passed (merging, tagging, routing the outcome).
    AfterGate,
}

/// A parameter a run takes (`loop run --param name=value`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// How dispatch extracts it from a request (section, codex, hook, text, …; default
    /// `text`).
    #[serde(default = "default_extractor", deserialize_with = "extractor")]
    pub extractor: String,
    /// Whether a run needs it.
    #[serde(default, deserialize_with = "de::lenient")]
    pub required: bool,
    /// What it is.
    #[serde(default, deserialize_with = "de::lenient")]
    pub description: String,
}

/// `parameters[].extractor`: a string, else the default.
fn extractor<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v: Option<String> = de::lenient(d)?;
    Ok(v.unwrap_or_else(default_extractor))
}

/// A loop playbook, as far as the TU ledger needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Playbook {
    /// Loop id (`lore_deepening`).
    pub id: String,
    /// Display name.
    #[serde(default, deserialize_with = "de::lenient")]
    pub name: String,
    /// Who is accountable, responsible, consulted, informed.
    #[serde(default, deserialize_with = "de::lenient")]
    pub raci: Raci,
    /// Ordered steps.
    #[serde(default, deserialize_with = "de::items")]
    pub steps: Vec<Step>,
    /// What a run must produce.
    #[serde(default, deserialize_with = "de::items")]
    pub deliverables: Vec<Deliverable>,
    /// Quality bars the loop presses.
    #[serde(default, deserialize_with = "de::strings")]
    pub bars: Vec<String>,
    /// Optional roles it needs awake.
    #[serde(default, deserialize_with = "de::strings")]
    pub wakes: Vec<String>,
    /// Loops that naturally come next.
    #[serde(default, deserialize_with = "de::strings")]
    pub hands_off_to: Vec<String>,
    /// Loops that must come first when both are requested together.
    #[serde(default, deserialize_with = "de::strings")]
    pub follows: Vec<String>,
    /// Phrases customers use for this loop.
    #[serde(default, deserialize_with = "de::strings")]
    pub triggers: Vec<String>,
    /// What the loop is for.
    #[serde(default, deserialize_with = "de::lenient")]
    pub purpose: String,
    /// Words pointing to this loop (weighed less than a whole trigger).
    #[serde(default, deserialize_with = "de::strings")]
    pub keywords: Vec<String>,
    /// discovery, production, quality or export.
    #[serde(default, deserialize_with = "de::lenient")]
    pub category: String,
    /// What must be true when a run is done.
    #[serde(default, deserialize_with = "de::strings")]
    pub exit_criteria: Vec<String>,
    /// What a run takes.
    #[serde(default, deserialize_with = "de::items")]
    pub parameters: Vec<Parameter>,
}

impl Playbook {
    /// Reads a playbook from its parsed YAML (lenient: the schema bar judges validity);
    /// `None` when it has no string `id`.
    pub fn from_node(node: &Node) -> Option<Playbook> {
        de::from_node(node).ok()
    }
}

fn default_accountable() -> String {
    "showrunner".into()
}

fn default_extractor() -> String {
    "text".into()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Option<Playbook> {
        Playbook::from_node(&crate::artifact::yaml::parse(yaml).expect("parses"))
    }

    #[test]
    fn a_playbook_reads_what_it_can_and_needs_only_an_id() {
        assert_eq!(read("name: No id\n"), None);
        let p = read(
            "id: x\nname: 3\nraci: {accountable: [a], responsible: lore_weaver}\nsteps:\n  - {id: s, optional: true}\n  - {role: r}\ndeliverables:\n  - {kind: canon, min: many}\nparameters:\n  - {name: topic}\nbars: [integrity, 4]\n",
        )
        .expect("has an id");
        assert_eq!(p.name, "");
        assert_eq!(p.raci.accountable, "showrunner");
        assert_eq!(p.raci.responsible, ["lore_weaver"]);
        assert_eq!(p.steps.len(), 1);
        assert!(p.steps[0].optional);
        assert_eq!(p.deliverables[0].min, None);
        assert_eq!(p.parameters[0].extractor, "text");
        assert_eq!(p.bars, ["integrity"]);
    }

    #[test]
    fn every_embedded_playbook_reads_with_its_steps() {
        let all = embedded();
        assert_eq!(all.len(), EMBEDDED.len());
        assert!(
            all.values()
                .all(|p| !p.steps.is_empty() && !p.name.is_empty())
        );
    }
}
