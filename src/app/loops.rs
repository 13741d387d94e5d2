//! Loop runs: a run of a playbook is a TU. Opening one writes its brief (RACI,
//! deliverables, bars, inputs from parameters) and wakes the roles it needs; its status
//! is read back from checkpoint `Step:` trailers and the files its commits touched.

use std::collections::BTreeMap;

use super::roster;
use crate::app::{OpenRequest, Opened, Session};
use crate::artifact::{self, Kind};
use crate::error::{Error, LoopError};
use crate::ids::CommitId;
use crate::studio::playbook::{Deliverable, Playbook, Step};
use crate::trace::lifecycle::State;

/// A loop run opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The TU.
    pub opened: Opened,
    /// Roles woken for it (they were dormant), and the roster commit.
    pub woken: Option<(Vec<&'static str>, CommitId)>,
}

/// Looks a loop up, with a suggestion when it is misspelled.
pub fn find<'a>(
    playbooks: &'a BTreeMap<String, Playbook>,
    id: &str,
) -> Result<&'a Playbook, Error> {
    playbooks.get(id).ok_or_else(|| {
        let ids: Vec<String> = playbooks.keys().cloned().collect();
        LoopError::Unknown {
            id: id.to_string(),
            did_you_mean: crate::schema::suggest(id, &ids).map(|s| s.to_string()),
        }
        .into()
    })
}

/// The roles a run needs awake: the responsible ones and those the playbook wakes.
pub fn needed(p: &Playbook) -> Vec<String> {
    let mut out: Vec<String> = p.raci.responsible.clone();
    for w in &p.wakes {
        if !out.contains(w) {
            out.push(w.clone());
        }
    }
    out
}

/// Opens a run of a loop: parameters checked against the playbook (`name=value`), the
/// TU opened with them as inputs, and the dormant roles it needs woken.
pub fn run(
    ws: &Session,
    loop_id: &str,
    title: Option<&str>,
    params: &[(String, String)],
) -> Result<Run, Error> {
    let playbooks = ws.playbooks()?;
    let p = find(&playbooks, loop_id)?;
    for (k, _) in params {
        if !p.parameters.iter().any(|q| &q.name == k) {
            return Err(LoopError::UnknownParam {
                loop_id: loop_id.to_string(),
                param: k.clone(),
                takes: p.parameters.iter().map(|q| q.name.clone()).collect(),
            }
            .into());
        }
    }
    for q in p.parameters.iter().filter(|q| q.required) {
        if !params.iter().any(|(k, _)| k == &q.name) {
            return Err(LoopError::MissingParam {
                loop_id: loop_id.to_string(),
                param: q.name.clone(),
                description: q.description.clone(),
            }
            .into());
        }
    }
    check_values(ws, p, params)?;
    let inputs: Vec<String> = params.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    let default_title = if params.is_empty() {
        p.name.clone()
    } else {
        format!(
            "{}: {}",
            p.name,
            params
                .iter()
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    open_run(
        ws,
        &playbooks,
        loop_id,
        title.unwrap_or(&default_title),
        &inputs,
    )
}

/// Checks each parameter's value against what its extractor says it names: section,
/// codex and hook ids that exist on hot (by file stem, as references find them), whole
/// numbers, and the formats `bind` writes. A value may be a comma-separated list; each
/// item is checked. Free text, languages and snapshot names (a new one may be meant)
/// are taken as given.
fn check_values(ws: &Session, p: &Playbook, params: &[(String, String)]) -> Result<(), Error> {
    let hot = ws.repo.ref_target(&ws.hot_ref())?;
    // The ids of one folder on hot, listed once and only when a parameter needs them.
    let mut listed: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (name, value) in params {
        let Some(q) = p.parameters.iter().find(|q| &q.name == name) else {
            continue;
        };
        let (what, folder, ext) = match q.extractor.as_str() {
            "section" => ("a section on hot", "sections/", ".md"),
            "codex" => ("a codex entry on hot", "codex/", ".md"),
            "hook" => ("a hook card on hot", "hooks/", ".yaml"),
            "number" => ("a whole number", "", ""),
            "format" => ("a format bind writes (html, epub, twee, md, pdf)", "", ""),
            _ => continue,
        };
        for item in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
            let (ok, known) = match q.extractor.as_str() {
                "number" => (item.parse::<u64>().is_ok(), Vec::new()),
                "format" => {
                    let known: Vec<String> = ["html", "epub", "twee", "md", "pdf"]
                        .map(String::from)
                        .to_vec();
                    (known.iter().any(|k| k == item), known)
                }
                _ => {
                    if !listed.contains_key(folder) {
                        let ids = match &hot {
                            Some(tip) => ws
                                .repo
                                .tree_paths(tip, &|path| {
                                    path.strip_prefix(folder).is_some_and(|rest| {
                                        rest.ends_with(ext) && !rest.contains('/')
                                    })
                                })?
                                .iter()
                                .map(|path| artifact::stem(path).to_string())
                                .collect(),
                            None => Vec::new(),
                        };
                        listed.insert(folder, ids);
                    }
                    let known = listed.get(folder).cloned().unwrap_or_default();
                    (known.iter().any(|k| k == item), known)
                }
            };
            if !ok {
                return Err(LoopError::BadParamValue {
                    loop_id: p.id.clone(),
                    param: name.clone(),
                    value: item.to_string(),
                    what: what.to_string(),
                    did_you_mean: crate::schema::suggest(item, &known).map(str::to_string),
                }
                .into());
            }
        }
    }
    Ok(())
}

/// Opens a run's TU and wakes, in one roster commit, the dormant roles its playbook
/// needs (what `loop run` and `dispatch --open` both do).
pub fn open_run(
    ws: &Session,
    playbooks: &BTreeMap<String, Playbook>,
    loop_id: &str,
    title: &str,
    inputs: &[String],
) -> Result<Run, Error> {
    open_waking(
        ws,
        playbooks,
        &OpenRequest {
            loop_id,
            title,
            role: None,
            branch: false,
            inputs,
        },
    )
}

/// Opens a TU and wakes the dormant roles its loop needs, in one roster commit on hot
/// (`tu open`, `loop run`, `dispatch --open`). With a review branch nothing is written
/// on hot at opening; the roles wake when the TU starts ([`wake_for_tu`]).
pub fn open_waking(
    ws: &Session,
    playbooks: &BTreeMap<String, Playbook>,
    req: &OpenRequest<'_>,
) -> Result<Run, Error> {
    let opened = ws.open(req)?;
    let woken = match playbooks.get(req.loop_id) {
        Some(p) if !req.branch => roster::wake_for(
            ws,
            &opened.id,
            &needed(p),
            &format!("needed by the {} run {}", p.name, opened.id),
        )?,
        _ => None,
    };
    Ok(Run { opened, woken })
}

/// Wakes the dormant roles a TU's loop needs (`tu start`): its playbook's responsible
/// roles and those it wakes. `None` when they are all awake, or no playbook describes
/// the loop.
pub fn wake_for_tu(ws: &Session, tu: &str) -> Result<Option<(Vec<&'static str>, CommitId)>, Error> {
    let loop_id = ws.show(tu)?.summary.loop_id;
    let playbooks = ws.playbooks()?;
    match playbooks.get(&loop_id) {
        Some(p) => roster::wake_for(
            ws,
            tu,
            &needed(p),
            &format!("needed by the {} run {tu}, started", p.name),
        ),
        None => Ok(None),
    }
}

/// Where a loop run stands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Status {
    /// The TU.
    pub tu: String,
    /// Its title.
    pub title: String,
    /// The loop.
    #[serde(rename = "loop")]
    pub loop_id: String,
    /// The TU's state.
    pub state: State,
    /// Each playbook step and whether a checkpoint recorded it (`{id, role, optional, when,
    /// done}`).
    #[serde(serialize_with = "steps_json")]
    pub steps: Vec<(Step, bool)>,
    /// Steps recorded that the playbook does not name.
    pub extra_steps: Vec<String>,
    /// Each deliverable and the files of its kind the TU's commits touched
    /// (`{kind, min, files, tracked}`; `tracked`: whether files count for it).
    #[serde(serialize_with = "deliverables_json")]
    pub deliverables: Vec<(Deliverable, Vec<String>)>,
    /// Blockers of the latest checkpoint (open until the TU ends).
    pub blockers: Vec<String>,
    /// What to do next, and the command that does it (`{what, command}`).
    #[serde(serialize_with = "super::status::next_json")]
    pub next: (String, String),
}

fn steps_json<S: serde::Serializer>(steps: &[(Step, bool)], s: S) -> Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    struct Done<'a> {
        id: &'a str,
        role: &'a str,
        optional: bool,
        when: crate::studio::playbook::When,
        done: bool,
    }
    s.collect_seq(steps.iter().map(|(step, done)| Done {
        id: &step.id,
        role: &step.role,
        optional: step.optional,
        when: step.when,
        done: *done,
    }))
}

fn deliverables_json<S: serde::Serializer>(
    deliverables: &[(Deliverable, Vec<String>)],
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    struct Made<'a> {
        kind: &'a str,
        min: Option<i64>,
        files: &'a [String],
        tracked: bool,
    }
    s.collect_seq(deliverables.iter().map(|(d, files)| Made {
        kind: &d.kind,
        min: d.min,
        files,
        tracked: is_file_kind(&d.kind),
    }))
}

/// Reads a loop run's status (default: the active TU).
pub fn status(ws: &Session, tu: Option<&str>) -> Result<Status, Error> {
    let id = match tu {
        Some(t) => t.to_string(),
        None => ws.active().map(|(id, _)| id).ok_or(LoopError::NoActiveTu)?,
    };
    let d = ws.show(&id)?;
    let playbooks = ws.playbooks()?;
    // A TU of a loop no playbook describes still has a status: no steps to tick off.
    let unknown = Playbook::default();
    let p = playbooks.get(&d.summary.loop_id).unwrap_or(&unknown);
    let recorded: Vec<String> = d
        .record
        .iter()
        .flat_map(|r| r.events.iter())
        .filter(|e| e.refused.is_none())
        .flat_map(|e| e.values("Step").into_iter().map(str::to_string))
        .collect();
    let steps: Vec<(Step, bool)> = p
        .steps
        .iter()
        .map(|s| (s.clone(), recorded.contains(&s.id)))
        .collect();
    let mut extra_steps: Vec<String> = recorded
        .iter()
        .filter(|r| !p.steps.iter().any(|s| &s.id == *r))
        .cloned()
        .collect();
    extra_steps.dedup();
    let deliverables = p
        .deliverables
        .iter()
        .map(|del| {
            let files: Vec<String> = d.files.iter().filter(|f| del.counts(f)).cloned().collect();
            (del.clone(), files)
        })
        .collect::<Vec<_>>();
    let blockers: Vec<String> = d
        .blockers
        .iter()
        .filter(|b| b.2)
        .map(|b| b.1.clone())
        .collect();
    let state = d.summary.state;
    let next = next_of(&id, state, &steps, &deliverables, &blockers);
    Ok(Status {
        tu: id,
        title: d.summary.title.clone(),
        loop_id: d.summary.loop_id.clone(),
        state,
        steps,
        extra_steps,
        deliverables,
        blockers,
        next,
    })
}

/// What a run should do next, and the command that does it.
fn next_of(
    id: &str,
    state: State,
    steps: &[(Step, bool)],
    deliverables: &[(Deliverable, Vec<String>)],
    blockers: &[String],
) -> (String, String) {
    let missing = deliverables.iter().find(|(del, files)| {
        is_file_kind(&del.kind) && (files.len() as i64) < del.min.unwrap_or(0)
    });
    let next_step = steps
        .iter()
        .find(|(s, done)| !done && !s.optional && s.when == crate::studio::playbook::When::Work);
    match state {
        State::ColdMerged | State::Closed | State::Rejected => (
            format!("the run is {state}"),
            "showrunner report".to_string(),
        ),
        State::Deferred => (
            "the run is parked".into(),
            format!("showrunner tu reactivate {id}"),
        ),
        State::Gatecheck => (
            "the gate passed: merge to cold".into(),
            "showrunner merge".into(),
        ),
        _ if !blockers.is_empty() => (
            format!("clear the blocker: {}", blockers.join("; ")),
            format!("showrunner tu checkpoint {id} -m \"…\""),
        ),
        _ => match (next_step, missing) {
            (Some((s, _)), _) => (
                format!("{} ({}): {}", s.id, s.role, s.produces),
                format!("showrunner tu checkpoint {id} -a -m \"…\" --step {}", s.id),
            ),
            (None, Some((del, files))) => (
                format!(
                    "deliver {} more {} ({})",
                    del.min.unwrap_or(0) - files.len() as i64,
                    del.kind,
                    del.description.as_deref().unwrap_or("")
                ),
                format!("showrunner tu checkpoint {id} -a -m \"…\""),
            ),
            (None, None) => (
                "every step and deliverable is in: submit to the gate".into(),
                format!("showrunner gate submit --tu {id}"),
            ),
        },
    }
}

/// Whether a deliverable kind is a file a TU's commits can touch (snapshots, views and
/// playtest notes are made by other commands and are not counted from files).
pub fn is_file_kind(kind: &str) -> bool {
    Kind::ALL.into_iter().any(|k| k.name() == kind)
}

/// The steps a TU's record says were done: the `Step:` trailers of its events the
/// replay applied.
pub fn recorded_steps(rec: &crate::trace::ledger::TuRecord) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in rec.events.iter().filter(|e| e.refused.is_none()) {
        for s in e.values("Step") {
            if !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        }
    }
    out
}

/// The loop's exit criteria a gate submission must meet, as blocking findings (none when
/// all are met): every required step done before the gate recorded by a `Step:` trailer,
/// and every deliverable a TU's files can show present `min` times among `files` (the
/// artifacts the submission would bring to cold). Snapshots and views come after the gate,
/// gate reports from the submission itself, and the brief is the TU's own: those are
/// not counted here.
pub fn exit_findings(
    tu: &str,
    p: &Playbook,
    recorded: &[String],
    files: &[String],
) -> Vec<crate::gate::Finding> {
    use crate::studio::playbook::When;
    let brief = format!("tus/{tu}.yaml");
    let mut out = Vec::new();
    for s in &p.steps {
        if s.optional || s.when != When::Work || recorded.contains(&s.id) {
            continue;
        }
        out.push(crate::gate::context::finding(
            "traceability/step-not-recorded",
            &brief,
            0,
            &s.role,
            format!(
                "step `{}` of {} ({}) is not recorded: {}",
                s.id, p.id, s.role, s.produces
            ),
            format!(
                "do the step, then record it: showrunner tu checkpoint {tu} -m \"…\" --step {}",
                s.id
            ),
        ));
    }
    let owner = p
        .raci
        .responsible
        .first()
        .unwrap_or(&p.raci.accountable)
        .clone();
    for d in &p.deliverables {
        let min = d.min.unwrap_or(0);
        let counted = is_file_kind(&d.kind) && !matches!(d.kind.as_str(), "gate_report" | "tu");
        if !counted || min <= 0 {
            continue;
        }
        let have = files.iter().filter(|f| d.counts(f)).count() as i64;
        if have < min {
            out.push(crate::gate::context::finding(
                "traceability/deliverable-missing",
                &brief,
                0,
                &owner,
                format!(
                    "{} wants at least {min} {} file{} from this run; it brings {have}{}",
                    p.id,
                    d.kind,
                    if min == 1 { "" } else { "s" },
                    d.description
                        .as_deref()
                        .map(|x| format!(" ({x})"))
                        .unwrap_or_default()
                ),
                format!(
                    "commit the missing {} inside the TU, then submit again",
                    d.kind
                ),
            ));
        }
    }
    out
}
