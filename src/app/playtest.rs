//! Playtest notes as an artifact (`playtests/<PT-ID>.yaml`), committed on hot inside the
//! Narration Dry-Run TU that asked for them.

use serde::Serialize;

use crate::app::Session;
use crate::artifact::Kind;
use crate::artifact::yaml::{self, Flow};
use crate::date;
use crate::error::{Error, PlaytestError};
use crate::ids::CommitId;
use crate::play::playtest::{Note, Reached, Report};
use crate::trace::{brief, trailers};

/// The notes as written.
#[derive(Serialize)]
struct Notes<'a> {
    id: &'a str,
    snapshot: &'a str,
    tu: &'a str,
    date: &'a str,
    runs: usize,
    seed: u64,
    max_steps: usize,
    sections: usize,
    sections_reached: usize,
    choices: usize,
    choices_taken: usize,
    cut_short: usize,
    endings: Vec<Flow<&'a Reached>>,
    never_reached: Flow<&'a [String]>,
    stuck: Vec<StuckLines<'a>>,
    notes: &'a [Note],
}

#[derive(Serialize)]
struct StuckLines<'a> {
    section: &'a str,
    runs: usize,
    route: Flow<Vec<String>>,
}

/// The notes as YAML, byte-identical for the same report, id, TU and date.
pub fn render(r: &Report, id: &str, tu: &str, day: &str) -> String {
    let notes = Notes {
        id,
        snapshot: &r.tag,
        tu,
        date: day,
        runs: r.runs,
        seed: r.seed,
        max_steps: r.max_steps,
        sections: r.sections,
        sections_reached: r.sections_reached,
        choices: r.choices,
        choices_taken: r.choices_taken,
        cut_short: r.cut_short,
        endings: r.endings.iter().map(Flow).collect(),
        never_reached: Flow(&r.never_reached),
        stuck: r
            .stuck
            .iter()
            .map(|s| StuckLines {
                section: &s.section,
                runs: s.runs,
                route: Flow(
                    s.route
                        .iter()
                        .map(|(sec, label)| format!("{sec} → {label}"))
                        .collect(),
                ),
            })
            .collect(),
        notes: &r.notes,
    };
    let mut o = String::from("# Playtest notes, written by `showrunner playtest --record`.\n");
    // Strings and numbers only: nothing here can fail to serialise (and the notes are
    // validated against their schema before they are committed).
    o.push_str(&yaml::to_string(&notes).unwrap_or_default());
    o
}

/// Records a playtest for a TU (default: the active one): the notes file on hot, in a
/// commit carrying the TU's trailer. Returns the notes' id and the commit.
pub fn record(ws: &Session, r: &Report, tu: Option<&str>) -> Result<(String, CommitId), Error> {
    let repo = &ws.repo;
    let tu = match tu {
        Some(t) => t.to_string(),
        None => ws
            .active()
            .map(|(id, _)| id)
            .ok_or_else(|| Error::from(PlaytestError::NoTu))?,
    };
    match ws.open_for_commits(&tu)? {
        Ok(()) => {}
        Err(why) => {
            return Err(PlaytestError::TuClosed { reason: why }.into());
        }
    }
    let (hot, tip) = ws.hot_tip()?;
    let who = repo.identity();
    let today = date::ymd(who.time, who.offset);
    let existing: Vec<String> = repo
        .tree_files(&tip, &|p| p.starts_with("playtests/"))?
        .iter()
        .map(|(p, _)| crate::artifact::stem(p).to_string())
        .collect();
    let id = date::next_dated_id("PT", &today, existing.iter().map(String::as_str));
    let path = format!("playtests/{id}.yaml");
    let text = render(r, &id, &tu, &today);
    let problems = brief::validate_as(Kind::PlaytestNotes, &path, &text);
    if !problems.is_empty() {
        return Err(PlaytestError::InvalidNotes { problems }.into());
    }
    let message = trailers::append(
        &format!(
            "Playtest {}: {} run(s), {} stuck, {} note(s)\n",
            r.tag,
            r.runs,
            r.stuck.iter().map(|s| s.runs).sum::<usize>(),
            r.notes.len()
        ),
        &[("TU", tu.as_str()), ("Role", "PN")],
    );
    let commit =
        repo.commit_tool_files(&hot, &tip, &[(path, text.into_bytes())], &message, &who)?;
    Ok((id, commit))
}
