//! The rules a move is judged by, taken from the trusted side: the branch names and
//! `[policy]` of `studio.toml`, `waivers.yaml`, the schema overrides under `schemas/`
//! and who may grant waivers (`waive:` in `authority.yaml`). A guard reads them from
//! cold as it was before the move, never from the commit under review, so a change to
//! any of them takes effect once it is on cold (DESIGN §1, "Rules come from the base").

use std::sync::Arc;

use super::{Config, Studio};
use crate::artifact::{Artifact, Kind};

/// The file of role keys.
pub const ALLOWED_SIGNERS: &str = "allowed_signers";

/// Who may change policy when the authority table does not say.
pub const DEFAULT_POLICY: &str = "showrunner";

/// Who may grant waivers when the authority table does not say.
pub const DEFAULT_WAIVE: &str = "gatekeeper";

/// The rules read from one tree.
#[derive(Debug)]
pub struct Rules {
    /// Its settings (branch names and `[policy]` are what a judged studio takes).
    pub config: Config,
    /// Its `waivers.yaml`.
    pub waivers: Option<Artifact>,
    /// Its schema overrides: kind, path and raw text.
    pub schema_overrides: Vec<(Kind, String, Vec<u8>)>,
    /// Roles its authority table lets grant waivers.
    pub waive_roles: Vec<String>,
    /// Roles its authority table lets change policy, the table, schema overrides and
    /// the keys (`policy:`, default the showrunner).
    pub policy_roles: Vec<String>,
    /// Roles whose signed submit lets a TU be promoted when role keys are listed
    /// (`promote:`, default the gatekeeper).
    pub promote_roles: Vec<String>,
    /// Its `allowed_signers` (role keys, as git's `gpg.ssh.allowedSignersFile` reads
    /// them): when present, rule changes count only when signed.
    pub allowed_signers: Option<Vec<u8>>,
    /// A digest of every rule file (for the keys of remembered verdicts).
    pub digest: String,
}

/// Whether a studio path holds a rule.
pub fn is_rule_file(path: &str) -> bool {
    matches!(
        path,
        "studio.toml" | "waivers.yaml" | "authority.yaml" | ALLOWED_SIGNERS
    ) || path.starts_with("schemas/")
}

impl Rules {
    /// The rules in a tree's rule files (`path`, bytes), as [`is_rule_file`] picks them.
    pub fn from_files(mut files: Vec<(String, Vec<u8>)>) -> Arc<Rules> {
        files.retain(|(p, _)| is_rule_file(p));
        files.sort();
        let mut all = Vec::new();
        for (p, b) in &files {
            all.extend_from_slice(p.as_bytes());
            all.push(0);
            all.extend_from_slice(&(b.len() as u64).to_le_bytes());
            all.extend_from_slice(b);
        }
        let digest = super::sha256_hex(&all);
        let allowed_signers = files
            .iter()
            .find(|(p, _)| p == ALLOWED_SIGNERS)
            .map(|(_, b)| b.clone());
        let authority = files
            .iter()
            .find(|(p, _)| p == "authority.yaml")
            .map(|(_, b)| b.as_slice());
        let policy_roles = roles_for(authority, |a| a.policy, DEFAULT_POLICY);
        let promote_roles = roles_for(authority, |a| a.promote, DEFAULT_WAIVE);
        let studio = Studio::from_files(files);
        let waivers = studio.of_kind(Kind::Waivers).next().cloned();
        Arc::new(Rules {
            waivers,
            config: studio.config,
            schema_overrides: studio.schema_overrides,
            waive_roles: studio.waive_roles,
            policy_roles,
            promote_roles,
            allowed_signers,
            digest,
        })
    }
}

/// `authority.yaml`'s `waive:` and `policy:` lists (the rest of the table is the
/// conflicts' business).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct AuthorityRoles {
    #[serde(deserialize_with = "crate::artifact::de::lenient")]
    waive: Option<Vec<String>>,
    #[serde(deserialize_with = "crate::artifact::de::lenient")]
    policy: Option<Vec<String>>,
    #[serde(deserialize_with = "crate::artifact::de::lenient")]
    promote: Option<Vec<String>>,
}

/// One list of an `authority.yaml` (the default when it does not say, or cannot be
/// read).
fn roles_for(
    bytes: Option<&[u8]>,
    list: fn(AuthorityRoles) -> Option<Vec<String>>,
    default: &str,
) -> Vec<String> {
    bytes
        .and_then(|b| crate::artifact::yaml::parse(&String::from_utf8_lossy(b)).ok())
        .and_then(|node| crate::artifact::de::from_node::<AuthorityRoles>(&node).ok())
        .and_then(list)
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| vec![default.to_string()])
}

/// The roles an `authority.yaml` lets grant waivers.
pub fn waive_roles(bytes: Option<&[u8]>) -> Vec<String> {
    roles_for(bytes, |a| a.waive, DEFAULT_WAIVE)
}

impl Studio {
    /// Puts the studio under `rules` (the base's): its schema overrides, waivers, waiver
    /// authority, branch names and policy replace the studio's own, whose files stay
    /// artifacts to validate but no longer rule.
    pub fn under(&mut self, rules: Arc<Rules>) {
        self.schema_overrides = rules.schema_overrides.clone();
        self.waive_roles = rules.waive_roles.clone();
        let c = &rules.config;
        self.config.hot = c.hot.clone();
        self.config.cold = c.cold.clone();
        self.config.require_tu = c.require_tu;
        self.config.allow_conditional = c.allow_conditional;
        self.config.questions_max_open = c.questions_max_open;
        self.config.max_waiver_days = c.max_waiver_days;
        self.rules = Some(rules);
    }

    /// The waivers in force: the base's under [`Studio::under`], else the studio's own.
    pub fn waivers_file(&self) -> Option<&Artifact> {
        match &self.rules {
            Some(r) => r.waivers.as_ref(),
            None => self.of_kind(Kind::Waivers).next(),
        }
    }
}
