//! The Gatekeeper: findings, bars, decisions and the gatecheck itself.
//!
//! A gatecheck is one pure function over a loaded [`Studio`]: artifacts in, findings out.
//! Each bar lives in its own module and only adds findings; this module aggregates them
//! into bar statuses and a decision. Only bars that really ran are reported — a bar that
//! was not evaluated is never shown green.

pub mod accessibility;
pub mod codes;
pub mod context;
pub mod determinism;
pub mod editions;
pub mod gateways;
pub mod integrity;
pub mod nonlinearity;
pub mod presentation;
pub mod prose;
pub mod reachability;
pub mod render;
pub mod report_file;
pub mod schema;
pub mod style;
pub mod text;
pub mod waivers;

use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use crate::story::Story;
use crate::studio::Studio;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks: the bar is red.
    Error,
    /// Does not block: the bar is yellow.
    Warning,
}

/// The quality bars (DESIGN §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl Finding {
    /// The bar a finding belongs to (from its code).
    pub fn bar(&self) -> &str {
        self.code.split('/').next().unwrap_or("")
    }
}

/// Green, yellow or red.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BarResult {
    /// The bar.
    pub bar: Bar,
    /// Its status.
    pub status: Status,
}

/// The gatecheck's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Pass, conditional or block.
    pub decision: Decision,
    /// The bars that were evaluated, in bar order.
    pub bars: Vec<BarResult>,
    /// Every finding that counts, sorted by path, line and code.
    pub findings: Vec<Finding>,
    /// Findings taken out of the verdict by an active waiver.
    pub waived: Vec<waivers::Waived>,
    /// Witness routes to the keystones (with `--explain`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witnesses: Option<Vec<WitnessOut>>,
    /// How far each language edition has got (what it translates, what not yet).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub editions: Vec<editions::Progress>,
}

/// A verdict inside another command's JSON (`gate submit`, `merge`): the decision, the
/// bars, the findings and the waived ones (no witness routes).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct VerdictView<'a> {
    /// Pass, conditional or block.
    pub decision: Decision,
    /// The bars evaluated.
    pub bars: &'a [BarResult],
    /// The findings that count.
    pub findings: &'a [Finding],
    /// The findings waived.
    pub waived: &'a [waivers::Waived],
}

impl<'a> From<&'a Report> for VerdictView<'a> {
    fn from(r: &'a Report) -> Self {
        VerdictView {
            decision: r.decision,
            bars: &r.bars,
            findings: &r.findings,
            waived: &r.waived,
        }
    }
}

/// A witness route as reported: the keystone and the choices taken from the start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessOut {
    /// The keystone's id.
    pub keystone: String,
    /// Each step: the section left and the label of the choice taken.
    pub path: Vec<WitnessStep>,
}

/// One step of a witness route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessStep {
    /// The section.
    pub section: String,
    /// The choice taken there.
    pub choice: String,
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
            waived: Vec::new(),
            witnesses: None,
            editions: Vec::new(),
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
        let waived = self
            .waived
            .into_iter()
            .filter(|w| keep(&w.finding.path))
            .collect();
        let mut r = Report::new(
            &ran,
            self.findings
                .into_iter()
                .filter(|f| keep(&f.path))
                .collect(),
        );
        r.waived = waived;
        r.witnesses = self.witnesses;
        r
    }

    /// Findings grouped by the role that owns the remediation, roles in order of id.
    pub fn remediation(&self) -> Vec<(&str, Vec<&Finding>)> {
        let mut by: std::collections::BTreeMap<&str, Vec<&Finding>> = Default::default();
        for f in &self.findings {
            by.entry(f.owner.as_str()).or_default().push(f);
        }
        by.into_iter().collect()
    }
}

/// The bars `gate check` evaluates, in order (traceability runs at merge time).
pub const BARS: [Bar; 9] = [
    Bar::Schema,
    Bar::Integrity,
    Bar::Reachability,
    Bar::Nonlinearity,
    Bar::Gateways,
    Bar::Style,
    Bar::Determinism,
    Bar::Presentation,
    Bar::Accessibility,
];

impl Bar {
    /// The bar a name denotes.
    pub fn parse(name: &str) -> Option<Bar> {
        BARS.into_iter()
            .chain([Bar::Traceability])
            .find(|b| b.name() == name.trim())
    }
}

/// A bar that works on the shared model.
type BarFn = fn(&context::Context<'_>) -> Vec<Finding>;

/// How to run a gatecheck.
#[derive(Clone, Debug)]
pub struct Options {
    /// The bars to evaluate (default: all of [`BARS`]).
    pub bars: Vec<Bar>,
    /// Today, `YYYY-MM-DD` (waiver expiry).
    pub today: String,
    /// Add witness routes to the keystones.
    pub explain: bool,
    /// The base's rules to judge under (a guard's, a promotion's): `None` judges a
    /// studio by its own.
    pub rules: Option<std::sync::Arc<crate::studio::rules::Rules>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bars: BARS.to_vec(),
            today: today(),
            explain: false,
            rules: None,
        }
    }
}

/// Today's date: `SOURCE_DATE_EPOCH` when set (reproducible runs), else the clock (UTC).
pub fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    crate::date::ymd(secs, 0)
}

/// Runs the gatecheck over a loaded studio with every bar.
pub fn check(studio: &Studio) -> Report {
    check_with(studio, &Options::default())
}

/// Runs the gatecheck: the schema bar on one thread, the model and the other bars on
/// another; then waivers, then the verdict.
pub fn check_with(studio: &Studio, opts: &Options) -> Report {
    let run = run_bars(studio, None, &[], opts);
    verdict(studio, opts, run.findings, run.witnesses, run.editions)
}

/// What the bars found, before waivers, and the model they found it in.
pub(crate) struct Run {
    /// Every finding of the bars asked for, unsorted, waivers not yet applied.
    pub findings: Vec<Finding>,
    /// Witness routes (with `explain`).
    pub witnesses: Option<Vec<WitnessOut>>,
    /// The story graph, when a bar needed it.
    pub story: Option<Story>,
    /// Every codeword id the studio mentions (empty when no bar needed the model).
    pub codewords: BTreeSet<String>,
    /// How far each language edition has got (when the model was built).
    pub editions: Vec<editions::Progress>,
}

/// Runs the bars. `story`, when given, is the whole story graph for a `studio` that holds
/// only some of the sections (the incremental gatecheck); `others` are the ids of the
/// artifacts `studio` does not hold, for the duplicate check.
pub(crate) fn run_bars(
    studio: &Studio,
    story: Option<Story>,
    others: &[schema::IdEntry<'_>],
    opts: &Options,
) -> Run {
    let wants = |b: Bar| opts.bars.contains(&b);
    let needs_model = story.is_some()
        || opts.explain
        || opts
            .bars
            .iter()
            .any(|b| !matches!(b, Bar::Schema | Bar::Traceability));
    let (schema_findings, rest) = rayon::join(
        || {
            if wants(Bar::Schema) {
                schema::run_with(studio, others)
            } else {
                Vec::new()
            }
        },
        || {
            needs_model.then(|| {
                let story = story.unwrap_or_else(|| Story::build(studio));
                let cx = context::Context::with_story(studio, story, &opts.today);
                let runs: [(Bar, BarFn); 8] = [
                    (Bar::Integrity, integrity::run),
                    (Bar::Reachability, reachability::run),
                    (Bar::Nonlinearity, nonlinearity::run),
                    (Bar::Gateways, gateways::run),
                    (Bar::Style, style::run),
                    (Bar::Determinism, determinism::run),
                    (Bar::Presentation, presentation::run),
                    (Bar::Accessibility, accessibility::run),
                ];
                // The bars read the model and nothing else: each on whichever core is
                // free, their findings gathered in the bars' order.
                use rayon::prelude::*;
                let out: Vec<Finding> = runs
                    .par_iter()
                    .filter(|(bar, _)| wants(*bar))
                    .map(|(_, run)| run(&cx))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .flatten()
                    .collect();
                let witnesses = opts.explain.then(|| {
                    reachability::witnesses(&cx)
                        .into_iter()
                        .map(|w| WitnessOut {
                            keystone: w.keystone,
                            path: w
                                .steps
                                .into_iter()
                                .map(|(section, choice)| WitnessStep { section, choice })
                                .collect(),
                        })
                        .collect()
                });
                let codewords = cx.codewords();
                let context::Context { story, .. } = cx;
                let progress = editions::progress(studio, &story);
                (out, witnesses, story, codewords, progress)
            })
        },
    );
    let mut findings = schema_findings;
    match rest {
        Some((model, witnesses, story, codewords, editions)) => {
            findings.extend(model);
            Run {
                findings,
                witnesses,
                story: Some(story),
                codewords,
                editions,
            }
        }
        None => Run {
            findings,
            witnesses: None,
            story: None,
            codewords: BTreeSet::new(),
            editions: Vec::new(),
        },
    }
}

/// Applies the waivers and aggregates what is left into the report.
pub(crate) fn verdict(
    studio: &Studio,
    opts: &Options,
    findings: Vec<Finding>,
    witnesses: Option<Vec<WitnessOut>>,
    editions: Vec<editions::Progress>,
) -> Report {
    let wants = |b: Bar| opts.bars.contains(&b);
    let (kept, waived) = waivers::apply(studio, &opts.today, findings);
    let ran: Vec<Bar> = BARS.into_iter().filter(|b| wants(*b)).collect();
    let kept = kept
        .into_iter()
        .filter(|f| ran.iter().any(|b| b.name() == f.bar()))
        .collect();
    let mut report = Report::new(&ran, kept);
    // Waived findings in the findings' order, whatever order the bars ran in.
    let mut waived = waived;
    waived.sort_by(|a, b| {
        let (a, b) = (&a.finding, &b.finding);
        (&a.path, a.line, &a.code, &a.message).cmp(&(&b.path, b.line, &b.code, &b.message))
    });
    report.waived = waived;
    report.witnesses = witnesses;
    report.editions = editions;
    report
}
