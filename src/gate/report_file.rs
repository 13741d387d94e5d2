//! Gate reports as committed files (`gate/<GK-ID>.yaml`): rendering and ids.

use serde::Serialize;

use super::waivers::Waived;
use super::{Decision, Finding, Report, Status};
use crate::artifact::yaml;

/// What the report file records besides the verdict.
pub struct Meta<'a> {
    /// `GK-YYYY-MM-DD-NN`.
    pub id: &'a str,
    /// The checked commit.
    pub rev: &'a str,
    /// Its tree.
    pub tree: &'a str,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// The TU submitted.
    pub tu: Option<&'a str>,
    /// The cold commit the checked candidate was built on.
    pub base: Option<&'a str>,
    /// Findings that already stood on the base.
    pub pre_existing: &'a [Finding],
    /// The tool and version writing it ([`crate::TOOL`]).
    pub tool: &'a str,
}

/// The file as written: the meta, the verdict, then the findings and what was waived,
/// in the order the schema lists them.
#[derive(Serialize)]
struct File<'a> {
    id: &'a str,
    rev: &'a str,
    tree: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    base: Option<&'a str>,
    date: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tu: Option<&'a str>,
    gatekeeper: &'a str,
    tool: &'a str,
    decision: Decision,
    bars: Vec<BarLine<'a>>,
    findings: &'a [Finding],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    waived: &'a [Waived],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pre_existing: &'a [Finding],
}

#[derive(Serialize)]
struct BarLine<'a> {
    bar: &'a str,
    status: Status,
}

/// Renders a report as YAML (block style, through [`yaml::to_string`]), byte-identical
/// for the same inputs.
pub fn render(report: &Report, meta: &Meta<'_>) -> String {
    let file = File {
        id: meta.id,
        rev: meta.rev,
        tree: meta.tree,
        base: meta.base,
        date: meta.date,
        tu: meta.tu,
        gatekeeper: "gatekeeper",
        tool: meta.tool,
        decision: report.decision,
        bars: report
            .bars
            .iter()
            .map(|b| BarLine {
                bar: b.bar.name(),
                status: b.status,
            })
            .collect(),
        findings: &report.findings,
        waived: &report.waived,
        pre_existing: meta.pre_existing,
    };
    let mut out = String::from("# Gatecheck report, written by `showrunner gate submit`.\n");
    // Strings, numbers and enums only: nothing here can fail to serialise (and `gate
    // submit` validates the text against the schema before committing it).
    out.push_str(&yaml::to_string(&file).unwrap_or_default());
    out
}

/// The next free `GK-<date>-NN` among existing report ids.
pub fn next_id<'a>(date: &str, existing: impl Iterator<Item = &'a str>) -> String {
    crate::date::next_dated_id("GK", date, existing)
}
