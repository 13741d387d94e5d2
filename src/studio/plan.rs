//! Art and audio plans (`art/<id>.yaml`, `audio/<id>.yaml`) as the bars read them: typed,
//! each field with the line of its key so a finding points where a person looks.

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::artifact::de::{self, Lenient, Spanned};
use crate::artifact::node::Node;

/// A field with the line of its key (0 when absent); a mistyped value reads as its
/// default (the schema bar reports it).
pub type Field<T> = Spanned<Lenient<T>>;

/// A plan, as far as the determinism and accessibility bars read it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Plan {
    /// Where `id:` is written (its value is the schema bar's business).
    pub id: Spanned<IgnoredAny>,
    /// `status` (`done` once the asset is made).
    pub status: Field<Option<String>>,
    /// `deterministic: true`: the asset can be made again from its `params`.
    pub deterministic: Field<bool>,
    /// `params`: what it takes to make the asset again, by name.
    #[serde(deserialize_with = "de::entries")]
    pub params: Vec<(String, IgnoredAny)>,
    /// `asset`: the file under `assets/`.
    pub asset: Field<Option<String>>,
    /// `sha256` recorded for the asset.
    pub sha256: Field<Option<String>>,
    /// `alt` text (art).
    pub alt: Field<Option<String>>,
    /// `decorative: true`: pure ornament, no alt text needed (art).
    #[serde(deserialize_with = "de::lenient")]
    pub decorative: bool,
}

impl Plan {
    /// Reads a parsed plan; a document that is not a mapping reads as an empty plan.
    pub fn from_node(node: &Node) -> Plan {
        de::from_node(node).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_fields_carry_their_key_lines_and_mistyped_values_read_as_absent() {
        let node = crate::artifact::yaml::parse(
            "id: gull\nstatus: done\ndeterministic: yes\nparams: {tool: x}\nalt:\n  A gull\nsha256: 5\n",
        )
        .expect("parses");
        let p = Plan::from_node(&node);
        assert_eq!(p.id.line, 1);
        assert_eq!(p.status.value.0.as_deref(), Some("done"));
        assert_eq!(p.deterministic.line, 3);
        assert!(!p.deterministic.value.0, "`yes` is a string under YAML 1.2");
        assert_eq!(p.params.len(), 1);
        assert_eq!((p.alt.line, p.alt.value.0.as_deref()), (5, Some("A gull")));
        assert_eq!((p.sha256.line, p.sha256.value.0), (7, None));
        assert_eq!((p.asset.line, p.asset.value.0), (0, None));
    }
}
