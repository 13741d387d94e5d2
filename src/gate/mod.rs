//! The Gatekeeper: findings, bars, decisions and the gatecheck itself.
//!
//! A gatecheck is one pure function over a loaded [`Studio`]: artifacts in, findings out.
//! Each bar lives in its own module and only adds findings; this module aggregates them
//! into bar statuses and a decision. Only bars that really ran are reported — a bar that
//! was not evaluated is never shown green.

pub mod render;
pub mod schema;

use serde::Serialize;

use crate::studio::Studio;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks: the bar is red.
    Error,
    /// Does not block: the bar is yellow.
    Warning,
}

/// The quality bars (DESIGN §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bar {
    /// Every artifact parses and validates against its schema.
    Schema,
    /// References resolve; no dead ends or orphans.
    Integrity,
    /// Keystones and an ending reachable under the gates.
    Reachability,
    /// Hubs, loops and first choices that matter.
    Nonlinearity,
    /// Codeword gates that can be passed and are explained to the reader.
    Gateways,
    /// The studio's style rules.
    Style,
    /// Reproducible assets.
    Determinism,
    /// Nothing internal reaches a player-facing surface.
    Presentation,
    /// Alt text, link text, headings, content notes.
    Accessibility,
    /// Every commit bound for cold is traced to a TU.
    Traceability,
}

impl Bar {
    /// The bar's name as used in finding codes.
    pub fn name(self) -> &'static str {
        match self {
            Bar::Schema => "schema",
            Bar::Integrity => "integrity",
            Bar::Reachability => "reachability",
            Bar::Nonlinearity => "nonlinearity",
            Bar::Gateways => "gateways",
            Bar::Style => "style",
            Bar::Determinism => "determinism",
            Bar::Presentation => "presentation",
            Bar::Accessibility => "accessibility",
            Bar::Traceability => "traceability",
        }
    }
}

/// One thing the Gatekeeper found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code `<bar>/<name>`.
    pub code: String,
    /// Error (red) or warning (yellow).
    pub severity: Severity,
    /// Studio-relative path.
    pub path: String,
    /// 1-based line (0 when the finding is about the file as a whole).
    pub line: u32,
    /// One-line message.
    pub message: String,
    /// The role the remediation goes to (role id).
    pub owner: String,
    /// The smallest fix.
    pub fix: String,
    /// JSON pointer into the artifact, when the finding is about one value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl Finding {
    /// The bar a finding belongs to (from its code).
    pub fn bar(&self) -> &str {
        self.code.split('/').next().unwrap_or("")
    }
}

/// Green, yellow or red.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// No findings.
    Green,
    /// Warnings only.
    Yellow,
    /// At least one error.
    Red,
}

/// A bar's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BarResult {
    /// The bar.
    pub bar: Bar,
    /// Its status.
    pub status: Status,
}

/// The gatecheck's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// All bars green.
    Pass,
    /// Yellow somewhere, red nowhere.
    Conditional,
    /// Something is red.
    Block,
}

/// A full gatecheck result, in the shape of the `--format json` contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Pass, conditional or block.
    pub decision: Decision,
    /// The bars that were evaluated, in bar order.
    pub bars: Vec<BarResult>,
    /// Every finding, sorted by path, line and code.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Aggregates findings from the bars that ran into statuses and a decision.
    pub fn new(ran: &[Bar], mut findings: Vec<Finding>) -> Report {
        findings.sort_by(|a, b| {
            (&a.path, a.line, &a.code, &a.message).cmp(&(&b.path, b.line, &b.code, &b.message))
        });
        findings.dedup();
        let bars: Vec<BarResult> = ran
            .iter()
            .map(|&bar| {
                let mine = findings.iter().filter(|f| f.bar() == bar.name());
                let status = mine.fold(Status::Green, |s, f| match (s, f.severity) {
                    (_, Severity::Error) | (Status::Red, _) => Status::Red,
                    _ => Status::Yellow,
                });
                BarResult { bar, status }
            })
            .collect();
        let decision = if bars.iter().any(|b| b.status == Status::Red) {
            Decision::Block
        } else if bars.iter().any(|b| b.status == Status::Yellow) {
            Decision::Conditional
        } else {
            Decision::Pass
        };
        Report {
            decision,
            bars,
            findings,
        }
    }

    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Keeps only findings on the given paths (files, or folders ending in `/`), for
    /// `check <paths>`; the decision is recomputed over what is kept.
    pub fn restricted_to(self, paths: &[String]) -> Report {
        let ran: Vec<Bar> = self.bars.iter().map(|b| b.bar).collect();
        let keep = |p: &str| {
            paths
                .iter()
                .any(|q| p == q || (q.ends_with('/') && p.starts_with(q.as_str())))
        };
        Report::new(
            &ran,
            self.findings
                .into_iter()
                .filter(|f| keep(&f.path))
                .collect(),
        )
    }
}

/// The bars this build evaluates. Bars not listed here are not reported at all.
pub const BARS: [Bar; 1] = [Bar::Schema];

/// Runs the gatecheck over a loaded studio.
pub fn check(studio: &Studio) -> Report {
    let findings = schema::run(studio);
    Report::new(&BARS, findings)
}
