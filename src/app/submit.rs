//! `gate submit` (the protocol's `gate.submit`): gatecheck the tip of the TU's branch,
//! commit the report with `Gate:` and `Gate-Report:` trailers, and move the TU.

use crate::app::{Session, short};
use crate::artifact;
use crate::date;
use crate::error::{Error, GateError};
use crate::gate::report_file::{self, Meta};
use crate::gate::{Decision, Report};
use crate::ids::CommitId;
use crate::studio::{Studio, Tree};
use crate::trace::lifecycle::{Event, State};
use crate::trace::trailers;

/// What a submission did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    /// The TU.
    pub tu: String,
    /// The report id.
    pub report_id: String,
    /// The report's path.
    pub report_path: String,
    /// The checked commit.
    pub checked: CommitId,
    /// The commit that records the report.
    pub commit: CommitId,
    /// The branch (short name).
    pub branch: String,
    /// The verdict.
    pub report: Report,
    /// The cold commit the judged candidate was built on.
    pub base: Option<CommitId>,
    /// Findings that already stood on cold: listed apart, not charged to the TU.
    pub pre_existing: Vec<crate::gate::Finding>,
    /// State before.
    pub from: State,
    /// State after.
    pub to: State,
    /// Roles woken because the gate blocked on findings they own (their remediation).
    pub woken: Vec<&'static str>,
}

/// `gate submit --format json` (and the `gate.submit` reply): the recorded report, the
/// TU's move and the verdict.
impl serde::Serialize for Submitted {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct View<'a> {
            tu: &'a str,
            report: &'a str,
            path: &'a str,
            checked: &'a str,
            commit: &'a str,
            branch: &'a str,
            from: State,
            state: State,
            #[serde(flatten)]
            verdict: crate::gate::VerdictView<'a>,
            #[serde(skip_serializing_if = "Option::is_none")]
            base: Option<&'a str>,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            pre_existing: &'a [crate::gate::Finding],
            woken: &'a [&'static str],
        }
        View {
            tu: &self.tu,
            report: &self.report_id,
            path: &self.report_path,
            checked: &self.checked,
            commit: &self.commit,
            branch: &self.branch,
            from: self.from,
            state: self.to,
            verdict: (&self.report).into(),
            base: self.base.as_deref(),
            pre_existing: &self.pre_existing,
            woken: &self.woken,
        }
        .serialize(s)
    }
}

/// Submits a TU to the Gatekeeper.
pub fn submit(ws: &Session, tu: Option<&str>) -> Result<Submitted, Error> {
    let repo = &ws.repo;
    let ledger = ws.ledger()?;
    let id = ws.resolve(tu, &ledger)?;
    // Refuse early when the TU cannot be submitted at all (any verdict).
    ws.check_move(&ledger, &id, Event::Submit, None)?;
    let branch = ws.branch_for(&id)?;
    let tip = ws.tip(&branch)?;
    let studio = Studio::load(&Tree::new(repo, &tip)?)?;
    // The TU is judged as the queue would promote it: cold plus its changes. Findings
    // that already stand on cold are set apart, not charged to it.
    let (report, tree, base, pre_existing, judged) = match super::promote::candidate(ws, &id, &tip)?
    {
        Ok(c) => {
            let judged = Some(c.commit.clone());
            // Under cold's rules, as the queue will judge it.
            let report = match &c.base {
                Some(base) => super::verdicts::full_check_under(
                    repo,
                    &c.commit,
                    super::cold::rules_of(repo, base)?,
                )?,
                None => super::verdicts::full_check_of(repo, &tip, &studio)?,
            };
            let tree = repo.tree_id(&c.commit)?;
            match c.base {
                Some(base) if report.decision == Decision::Block => {
                    let before = super::verdicts::full_check(repo, &base)?;
                    let ran: Vec<_> = report.bars.iter().map(|b| b.bar).collect();
                    let (stood, rest) = super::cold::set_apart(report.findings, &before);
                    let mut kept = Report::new(&ran, rest);
                    kept.waived = report.waived;
                    (kept, tree, Some(base), stood, judged)
                }
                base => (report, tree, base, Vec::new(), judged),
            }
        }
        Err(reason) => {
            let mut ran = crate::gate::BARS.to_vec();
            ran.push(crate::gate::Bar::Traceability);
            let finding = crate::gate::context::finding(
                "traceability/does-not-apply",
                &format!("tus/{id}.yaml"),
                0,
                "showrunner",
                format!("{id} cannot be judged on cold: {reason}"),
                "bring the work it builds on through the gate first, or redo the change on top of cold".into(),
            );
            let base = repo.ref_target(&ws.cold_ref())?;
            (
                Report::new(&ran, vec![finding]),
                repo.tree_id(&tip)?,
                base,
                Vec::new(),
                None,
            )
        }
    };
    // The loop's exit criteria, under the playbooks on cold (a TU cannot relax its own).
    let report = match judged {
        Some(judged) => {
            let exit = exit_criteria(ws, &ledger, &id, base.as_ref(), &judged)?;
            with_findings(report, exit)
        }
        None => report,
    };
    let decision = match report.decision {
        Decision::Pass => "pass",
        Decision::Conditional => "conditional",
        Decision::Block => "block",
    };
    let (from, next) = ws.check_move(&ledger, &id, Event::Submit, Some(decision))?;
    let who = repo.identity();
    let today = date::ymd(who.time, who.offset);
    let existing: Vec<String> = studio
        .artifacts
        .iter()
        .filter(|a| a.kind == artifact::Kind::GateReport)
        .map(|a| artifact::stem(&a.path).to_string())
        .collect();
    let report_id = report_file::next_id(&today, existing.iter().map(String::as_str));
    let report_path = format!("gate/{report_id}.yaml");
    let text = report_file::render(
        &report,
        &Meta {
            id: &report_id,
            rev: &tip,
            tree: &tree,
            date: &today,
            tu: Some(&id),
            base: base.as_deref(),
            pre_existing: &pre_existing,
            tool: crate::TOOL,
        },
    );
    let problems =
        crate::trace::brief::validate_as(artifact::Kind::GateReport, &report_path, &text);
    if !problems.is_empty() {
        return Err(GateError::InvalidReport { problems }.into());
    }
    let mut t = ws.trailers_for(&ledger, &id, Event::Submit);
    // The steps the gate submission itself does are recorded by it.
    for s in gate_steps(ws, &ledger, &id, base.as_ref(), &tip)? {
        t.push(("Step".into(), s));
    }
    t.push(("Gate".into(), decision.into()));
    t.push(("Gate-Report".into(), report_id.clone()));
    let refs: Vec<(&str, &str)> = t.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let message = trailers::append(
        &format!("Gatecheck {id}: {decision} ({report_id})\n"),
        &refs,
    );
    let commit = repo.commit_tool_files(
        &branch,
        &tip,
        &[(report_path.clone(), text.into_bytes())],
        &message,
        &who,
    )?;
    // A block wakes the dormant roles that own what must be remediated.
    let woken = if report.decision == Decision::Block {
        let mut owners: Vec<String> = Vec::new();
        for f in &report.findings {
            if f.severity == crate::gate::Severity::Error && !owners.contains(&f.owner) {
                owners.push(f.owner.clone());
            }
        }
        super::roster::wake_for(
            ws,
            &id,
            &owners,
            &format!("owns findings that block {id} ({report_id})"),
        )?
        .map(|(w, _)| w)
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(Submitted {
        woken,
        tu: id,
        report_id,
        report_path,
        checked: tip,
        commit,
        branch: short(&branch),
        report,
        base,
        pre_existing,
        from,
        to: next.state,
    })
}

/// The playbooks in force on cold (`base`), or on the TU's tip while there is no cold.
fn playbooks_on(
    ws: &Session,
    base: Option<&CommitId>,
    tip: &CommitId,
) -> Result<std::collections::BTreeMap<String, crate::studio::playbook::Playbook>, Error> {
    let at = base.unwrap_or(tip);
    let files = ws
        .repo
        .tree_files(at, &|p| p.starts_with("playbooks/") && p.ends_with(".yaml"))?;
    Ok(crate::studio::playbook::in_force(&files))
}

/// The exit criteria of the TU's loop that the submission of `judged` (cold plus the
/// TU's changes) does not meet, as blocking findings.
fn exit_criteria(
    ws: &Session,
    ledger: &crate::trace::ledger::Ledger,
    id: &str,
    base: Option<&CommitId>,
    judged: &CommitId,
) -> Result<Vec<crate::gate::Finding>, Error> {
    let Some(rec) = ledger.get(id) else {
        return Ok(Vec::new());
    };
    let playbooks = playbooks_on(ws, base, judged)?;
    let loop_id = loop_of(ws, rec, base, judged)?;
    let loop_id = loop_id.as_str();
    let Some(p) = playbooks.get(loop_id) else {
        return Ok(vec![crate::gate::context::finding(
            "traceability/unknown-loop",
            &format!("tus/{id}.yaml"),
            0,
            "showrunner",
            format!("{id} is a run of `{loop_id}`, which no playbook on cold describes"),
            "reject the TU and open one under an existing loop (showrunner loop list)".into(),
        )]);
    };
    let files: Vec<String> = match base {
        Some(base) => ws
            .repo
            .tree_changes(base, judged)?
            .into_iter()
            .filter(|c| c.new.is_some())
            .filter_map(|c| c.path)
            .collect(),
        None => ws.repo.tree_paths(judged, &|_| true)?,
    };
    let recorded = super::loops::recorded_steps(rec);
    Ok(super::loops::exit_findings(id, p, &recorded, &files))
}

/// The loop a TU is a run of: its `open` event's `Loop:` (fixed when it opened), else,
/// for a TU opened by hand, its brief's `loop:` as cold has it, else as the TU has it.
fn loop_of(
    ws: &Session,
    rec: &crate::trace::ledger::TuRecord,
    base: Option<&CommitId>,
    tip: &CommitId,
) -> Result<String, Error> {
    if let Some(l) = rec.opened_with("Loop") {
        return Ok(l.to_string());
    }
    let path = format!("tus/{}.yaml", rec.id);
    for at in base.into_iter().chain(Some(tip)) {
        if let Some(bytes) = ws.repo.blob_at(at, &path)?
            && let Ok(a) = artifact::parse(artifact::Kind::Tu, &path, &bytes)
            && let Some(l) = crate::trace::brief::Brief::from_node(&a.data).loop_id
        {
            return Ok(l);
        }
    }
    Ok(String::new())
}

/// The steps of the TU's loop the gate submission does (`when: gate`).
fn gate_steps(
    ws: &Session,
    ledger: &crate::trace::ledger::Ledger,
    id: &str,
    base: Option<&CommitId>,
    tip: &CommitId,
) -> Result<Vec<String>, Error> {
    let playbooks = playbooks_on(ws, base, tip)?;
    let Some(rec) = ledger.get(id) else {
        return Ok(Vec::new());
    };
    let loop_id = loop_of(ws, rec, base, tip)?;
    Ok(playbooks
        .get(&loop_id)
        .map(|p| {
            p.steps
                .iter()
                .filter(|s| s.when == crate::studio::playbook::When::Gate)
                .map(|s| s.id.clone())
                .collect()
        })
        .unwrap_or_default())
}

/// The report with more findings (and the traceability bar, which they belong to).
fn with_findings(report: Report, extra: Vec<crate::gate::Finding>) -> Report {
    if extra.is_empty() {
        return report;
    }
    let mut ran: Vec<crate::gate::Bar> = report.bars.iter().map(|b| b.bar).collect();
    if !ran.contains(&crate::gate::Bar::Traceability) {
        ran.push(crate::gate::Bar::Traceability);
    }
    let mut findings = report.findings;
    findings.extend(extra);
    let mut out = Report::new(&ran, findings);
    out.waived = report.waived;
    out.witnesses = report.witnesses;
    out
}
