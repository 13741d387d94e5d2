//! Gate reports as committed files (`gate/<GK-ID>.yaml`): rendering and ids.

use super::{Report, Status};
use crate::artifact::yaml::quote;

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
    /// The tool and version writing it ([`crate::TOOL`]).
    pub tool: &'a str,
}

/// Renders a report as YAML, byte-identical for the same inputs.
pub fn render(report: &Report, meta: &Meta<'_>) -> String {
    let mut out = String::from("# Gatecheck report, written by `showrunner gate submit`.\n");
    out.push_str(&format!("id: {}\n", meta.id));
    out.push_str(&format!("rev: {}\n", meta.rev));
    out.push_str(&format!("tree: {}\n", meta.tree));
    out.push_str(&format!("date: \"{}\"\n", meta.date));
    if let Some(tu) = meta.tu {
        out.push_str(&format!("tu: {tu}\n"));
    }
    out.push_str("gatekeeper: gatekeeper\n");
    out.push_str(&format!("tool: {}\n", quote(meta.tool)));
    let decision = serde_json::to_value(report.decision)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    out.push_str(&format!("decision: {decision}\n"));
    out.push_str("bars:\n");
    for b in &report.bars {
        let status = match b.status {
            Status::Green => "green",
            Status::Yellow => "yellow",
            Status::Red => "red",
        };
        out.push_str(&format!(
            "  - {{bar: {}, status: {status}}}\n",
            b.bar.name()
        ));
    }
    let finding = |out: &mut String, f: &super::Finding, indent: &str| {
        out.push_str(&format!("{indent}- code: {}\n", f.code));
        let pad = format!("{indent}  ");
        let sev = if f.severity == super::Severity::Error {
            "error"
        } else {
            "warning"
        };
        out.push_str(&format!("{pad}severity: {sev}\n"));
        out.push_str(&format!("{pad}path: {}\n", quote(&f.path)));
        out.push_str(&format!("{pad}line: {}\n", f.line));
        out.push_str(&format!("{pad}message: {}\n", quote(&f.message)));
        out.push_str(&format!("{pad}owner: {}\n", f.owner));
        out.push_str(&format!("{pad}fix: {}\n", quote(&f.fix)));
        if let Some(p) = &f.pointer {
            out.push_str(&format!("{pad}pointer: {}\n", quote(p)));
        }
    };
    if report.findings.is_empty() {
        out.push_str("findings: []\n");
    } else {
        out.push_str("findings:\n");
        for f in &report.findings {
            finding(&mut out, f, "  ");
        }
    }
    if !report.waived.is_empty() {
        out.push_str("waived:\n");
        for w in &report.waived {
            out.push_str("  - finding:\n");
            finding(&mut out, &w.finding, "      ");
            out.push_str("    waiver:\n");
            out.push_str(&format!("      code: {}\n", quote(&w.waiver.code)));
            out.push_str(&format!("      path: {}\n", quote(&w.waiver.path)));
            out.push_str(&format!(
                "      rationale: {}\n",
                quote(&w.waiver.rationale)
            ));
            out.push_str(&format!("      expires: \"{}\"\n", w.waiver.expires));
            out.push_str(&format!(
                "      granted_by: {}\n",
                quote(&w.waiver.granted_by)
            ));
            out.push_str(&format!("      line: {}\n", w.waiver.line));
        }
    }
    out
}

/// The next free `GK-<date>-NN` among existing report ids.
pub fn next_id<'a>(date: &str, existing: impl Iterator<Item = &'a str>) -> String {
    crate::date::next_dated_id("GK", date, existing)
}
