//! Playtest notes as an artifact (`playtests/<PT-ID>.yaml`), committed on hot inside the
//! Narration Dry-Run TU that asked for them.

use crate::app::Session;
use crate::artifact::Kind;
use crate::artifact::yaml::quote;
use crate::date;
use crate::error::{Error, PlaytestError};
use crate::ids::CommitId;
use crate::play::playtest::Report;
use crate::trace::{brief, trailers};

/// The notes as YAML, byte-identical for the same report, id, TU and date.
pub fn render(r: &Report, id: &str, tu: &str, day: &str) -> String {
    let mut o = String::from("# Playtest notes, written by `showrunner playtest --record`.\n");
    o.push_str(&format!(
        "id: {id}\nsnapshot: {}\ntu: {tu}\ndate: \"{day}\"\n",
        quote(&r.tag)
    ));
    o.push_str(&format!(
        "runs: {}\nseed: {}\nmax_steps: {}\nsections: {}\nsections_reached: {}\nchoices: {}\nchoices_taken: {}\ncut_short: {}\n",
        r.runs, r.seed, r.max_steps, r.sections, r.sections_reached, r.choices, r.choices_taken, r.cut_short
    ));
    if r.endings.is_empty() {
        o.push_str("endings: []\n");
    } else {
        o.push_str("endings:\n");
        for e in &r.endings {
            o.push_str(&format!(
                "  - {{section: {}, runs: {}}}\n",
                quote(&e.section),
                e.runs
            ));
        }
    }
    let never: Vec<String> = r.never_reached.iter().map(|s| quote(s)).collect();
    o.push_str(&format!("never_reached: [{}]\n", never.join(", ")));
    if r.stuck.is_empty() {
        o.push_str("stuck: []\n");
    } else {
        o.push_str("stuck:\n");
        for s in &r.stuck {
            let route: Vec<String> = s
                .route
                .iter()
                .map(|(sec, label)| quote(&format!("{sec} → {label}")))
                .collect();
            o.push_str(&format!(
                "  - section: {}\n    runs: {}\n    route: [{}]\n",
                quote(&s.section),
                s.runs,
                route.join(", ")
            ));
        }
    }
    if r.notes.is_empty() {
        o.push_str("notes: []\n");
    } else {
        o.push_str("notes:\n");
        for n in &r.notes {
            o.push_str(&format!(
                "  - tag: {}\n    section: {}\n    message: {}\n",
                n.tag,
                quote(&n.section),
                quote(&n.message)
            ));
        }
    }
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
