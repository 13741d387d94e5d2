//! Waivers (`waivers.yaml`): explicit, time-boxed downgrades of findings. An active
//! waiver moves matching findings out of the verdict into the report's waived list;
//! an expired or malformed waiver is itself a finding.

use globset::{Glob, GlobMatcher};
use serde::Serialize;

use super::context::finding;
use super::{Finding, codes};
use crate::artifact::Artifact;
use crate::artifact::de::{self, Lenient, Spanned};
use crate::studio::Studio;

/// One waiver as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Waiver {
    /// Finding code, or `bar/*`.
    pub code: String,
    /// Path glob.
    pub path: String,
    /// Why.
    pub rationale: String,
    /// Last day it applies (`YYYY-MM-DD`).
    pub expires: String,
    /// Who granted it.
    pub granted_by: String,
    /// Line in waivers.yaml.
    pub line: u32,
}

/// A finding a waiver took out of the verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Waived {
    /// The finding.
    pub finding: Finding,
    /// The waiver that covers it.
    pub waiver: Waiver,
}

/// `waivers.yaml` as written: each item with its line, a mistyped field read as empty
/// (the schema bar reports it; such a waiver is not applied).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct WaiversFile {
    #[serde(deserialize_with = "de::lenient")]
    waivers: Vec<Spanned<Lenient<WaiverFile>>>,
}

/// One waiver as written.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct WaiverFile {
    #[serde(deserialize_with = "de::lenient")]
    code: String,
    #[serde(deserialize_with = "de::lenient")]
    path: String,
    #[serde(deserialize_with = "de::lenient")]
    rationale: String,
    #[serde(deserialize_with = "de::lenient")]
    expires: String,
    #[serde(deserialize_with = "de::lenient")]
    granted_by: String,
}

struct Active {
    waiver: Waiver,
    matcher: GlobMatcher,
}

fn matches_code(pattern: &str, code: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(bar) => code.split('/').next() == Some(bar),
        None => pattern == code,
    }
}

fn known_code(pattern: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(bar) => codes::CODES
            .iter()
            .any(|c| c.code.split('/').next() == Some(bar)),
        None => codes::lookup(pattern).is_some(),
    }
}

/// A `YYYY-MM-DD` that is a day of the calendar (not `2026-13-01`, not `9999-99-99`).
fn is_date(s: &str) -> bool {
    s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// Days from `today` to `expires` (both `YYYY-MM-DD`).
fn days_between(today: &str, expires: &str) -> Option<i64> {
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    Some((day(expires)? - day(today)?).num_days())
}

/// Whether a path glob covers every file (`**`, `*` at any depth, …): tried on paths of
/// every shape a studio has.
fn catch_all(glob: &str) -> bool {
    let Ok(g) = Glob::new(glob) else {
        return false;
    };
    let m = g.compile_matcher();
    [
        "studio.toml",
        "sections/a.md",
        "canon/x/y.yaml",
        "waivers.yaml",
    ]
    .iter()
    .all(|p| m.is_match(p))
}

/// Whether a waiver's code pattern covers a code whose findings are errors.
fn can_be_error(pattern: &str) -> bool {
    codes::CODES
        .iter()
        .any(|c| matches_code(pattern, c.code) && c.severity == super::Severity::Error)
}

/// Reads the waivers in force on `today`; returns them and the findings about waivers.
fn load(studio: &Studio, today: &str) -> (Vec<Active>, Vec<Finding>) {
    let mut active = Vec::new();
    let mut problems = Vec::new();
    let Some(file): Option<&Artifact> = studio.waivers_file() else {
        return (active, problems);
    };
    let may_waive: Vec<&str> = if studio.waive_roles.is_empty() {
        vec![crate::studio::rules::DEFAULT_WAIVE]
    } else {
        studio.waive_roles.iter().map(String::as_str).collect()
    };
    let max_days = i64::from(studio.config.max_waiver_days);
    let written: WaiversFile = de::from_node(&file.data).unwrap_or_default();
    for Spanned {
        line,
        value: Lenient(item),
    } in written.waivers
    {
        let w = Waiver {
            code: item.code,
            path: item.path,
            rationale: item.rationale,
            expires: item.expires,
            granted_by: item.granted_by,
            line,
        };
        let bad = |why: String| {
            finding(
                "integrity/bad-waiver",
                &file.path,
                line,
                "gatekeeper",
                why,
                "fix the waiver or remove it".into(),
            )
        };
        if !known_code(&w.code) {
            problems.push(bad(format!(
                "waiver names `{}`, which is not a finding code (`gate explain` lists them)",
                w.code
            )));
            continue;
        }
        // A date of the right shape that is no day of the calendar passes the schema's
        // pattern: it is said here, and the waiver is not applied.
        let shaped = w.expires.len() == 10
            && w.expires.bytes().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if shaped && !is_date(&w.expires) {
            problems.push(bad(format!(
                "waiver of `{}` expires on `{}`, which is not a day of the calendar",
                w.code, w.expires
            )));
            continue;
        }
        // A missing rationale or a bad date is the schema bar's finding; such a waiver
        // is simply not applied.
        if !is_date(&w.expires) || w.rationale.trim().is_empty() || w.granted_by.trim().is_empty() {
            continue;
        }
        if w.expires.as_str() < today {
            problems.push(finding(
                "integrity/expired-waiver",
                &file.path,
                line,
                "gatekeeper",
                format!(
                    "the waiver of `{}` on `{}` expired on {}",
                    w.code, w.path, w.expires
                ),
                "fix what it covered, or renew it with a new date and rationale".into(),
            ));
            continue;
        }
        let matcher = match Glob::new(&w.path) {
            Ok(g) => g.compile_matcher(),
            Err(e) => {
                problems.push(bad(format!(
                    "waiver path `{}` is not a valid glob: {e}",
                    w.path
                )));
                continue;
            }
        };
        // Authority: granted by a role the rules let waive, for no longer than they
        // allow, naming the files it covers (an error is never waived everywhere).
        let granter = crate::roles::canonical(w.granted_by.trim()).unwrap_or(w.granted_by.trim());
        if !may_waive
            .iter()
            .any(|r| crate::roles::canonical(r).unwrap_or(r) == granter)
        {
            problems.push(bad(format!(
                "waiver of `{}` is granted by `{}`, who may not grant waivers (allowed: {})",
                w.code,
                w.granted_by,
                may_waive.join(", ")
            )));
            continue;
        }
        if let Some(days) = days_between(today, &w.expires)
            && days > max_days
        {
            problems.push(bad(format!(
                "waiver of `{}` runs {days} days, to {}; the policy allows at most {max_days} (`[policy] max_waiver_days`)",
                w.code, w.expires
            )));
            continue;
        }
        if catch_all(&w.path) && can_be_error(&w.code) {
            problems.push(bad(format!(
                "waiver of `{}` names every file (`{}`); a waiver that can cover an error must name the files it covers",
                w.code, w.path
            )));
            continue;
        }
        active.push(Active { waiver: w, matcher });
    }
    (active, problems)
}

/// Applies the waivers in force: returns the findings that still count (plus findings
/// about the waivers themselves) and the waived ones.
pub fn apply(studio: &Studio, today: &str, findings: Vec<Finding>) -> (Vec<Finding>, Vec<Waived>) {
    let (active, mut kept) = load(studio, today);
    let mut waived = Vec::new();
    for f in findings {
        match active
            .iter()
            .find(|a| matches_code(&a.waiver.code, &f.code) && a.matcher.is_match(&f.path))
        {
            Some(a) => waived.push(Waived {
                finding: f,
                waiver: a.waiver.clone(),
            }),
            None => kept.push(f),
        }
    }
    (kept, waived)
}
