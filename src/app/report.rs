//! The report's reading: everything [`crate::report::compute`] needs, read from git
//! into a [`report::Inputs`] — the ledger and the signals of the cached history,
//! snapshot tags with their times and views, when commits reached cold (its reflog,
//! then snapshots), the bars of committed gate reports, hook cards and question
//! batches on hot, the roster. The figures are computed there, from values.

use std::collections::BTreeSet;
use std::collections::hash_map::Entry;

use serde::Deserialize;

use super::Session;
use super::history;
use super::snapshot;
use crate::artifact::de;
use crate::artifact::{self, Kind};
use crate::error::{Error, ReportError};
use crate::git::Repo;
use crate::report::{
    self, GateBars, HookCard, Inputs, QuestionBatch, Report, Signals, Since, Tagged,
};
use crate::trace::ledger::Ledger;
use crate::trace::lifecycle::Event;
use crate::trace::trailers;

/// Computes the report. `since` (`YYYY-MM-DD`) limits what happened to that day and
/// after; the state of files on hot (hooks, questions) is always the current one.
pub fn compute(ws: &Session, since: Option<&str>) -> Result<Report, Error> {
    let since = match since {
        None => None,
        Some(s) => Some(Since::parse(s).ok_or_else(|| ReportError::BadSince {
            value: s.to_string(),
        })?),
    };
    let repo = &ws.repo;
    let cold_ref = ws.cold_ref();
    let hot = repo.ref_target(&ws.hot_ref())?;
    let cold = repo.ref_target(&cold_ref)?;
    if hot.is_none() {
        // Not a studio (or not yet): say so rather than report an empty history.
        ws.hot_tip()?;
    }
    let ledger = ws.ledger()?;
    let snapshots = tagged(repo)?;
    let by_time: Vec<(&str, i64)> = report::oldest_first(&snapshots)
        .into_iter()
        .map(|t| (t.snapshot.commit.as_str(), t.time))
        .collect();
    let arrivals = history::arrivals(repo, &cold_ref, &by_time)?;
    let gate_bars = gate_bars(repo, &ledger)?;
    let history = ws.history()?;
    let signals = Signals::fold(
        history.span,
        history
            .commits
            .iter()
            .map(|c| (c.time, c.trailers.as_slice())),
    );
    let awake_now: BTreeSet<String> = crate::app::roster::awake(ws)?
        .into_iter()
        .filter_map(crate::roles::code)
        .map(str::to_string)
        .collect();
    let (hooks, questions) = match &hot {
        Some(tip) => on_hot(repo, tip)?,
        None => (Vec::new(), Vec::new()),
    };
    let inputs = Inputs {
        hot,
        cold,
        ledger: &ledger,
        signals,
        snapshots,
        arrivals,
        gate_bars,
        hooks,
        questions,
        awake_now,
    };
    Ok(report::compute(&inputs, since.as_ref()))
}

/// The story map of hot's studio, as SVG, for the dashboard.
pub fn story_map(ws: &Session) -> Result<crate::story::map::Map, Error> {
    let (studio, _) = super::read::studio_at(ws, None)?;
    let story = crate::story::Story::build(&studio);
    let found = crate::story::reach::search(&story);
    crate::story::map::svg(
        &story,
        &found,
        &format!("Story map of {}", studio.config.title),
    )
}

/// Every snapshot tag, with its time and the views bound from it.
fn tagged(repo: &Repo) -> Result<Vec<Tagged>, Error> {
    let mut out = Vec::new();
    for snapshot in snapshot::list(repo)? {
        let time = repo.tag_time(&snapshot.name)?.map_or(0, |w| w.time);
        let views = crate::app::bind::views_of(repo, &snapshot.commit)?
            .into_iter()
            .map(|(_, format)| format)
            .collect();
        out.push(Tagged {
            snapshot,
            time,
            views,
        });
    }
    Ok(out)
}

/// The bars of every gate report a submit names (`Gate-Report:`), as committed with it.
fn gate_bars(repo: &Repo, ledger: &Ledger) -> Result<GateBars, Error> {
    let mut out = GateBars::new();
    for r in ledger.tus.values() {
        for e in r.events.iter().filter(|e| e.event == Event::Submit) {
            if let Some(id) = trailers::first(&e.trailers, "Gate-Report") {
                let key = (e.commit.clone(), id.trim().to_string());
                if let Entry::Vacant(slot) = out.entry(key) {
                    let bars = report_bars(repo, &slot.key().0, &slot.key().1)?;
                    slot.insert(bars);
                }
            }
        }
    }
    Ok(out)
}

/// Hook cards and question batches on hot, in path order (files that do not parse are
/// left out).
fn on_hot(repo: &Repo, tip: &str) -> Result<(Vec<HookCard>, Vec<QuestionBatch>), Error> {
    let files = repo.tree_files(tip, &|p| {
        (p.starts_with("hooks/") || p.starts_with("questions/")) && p.ends_with(".yaml")
    })?;
    let (mut hooks, mut questions) = (Vec::new(), Vec::new());
    for (path, bytes) in files {
        let kind = if path.starts_with("hooks/") {
            Kind::Hook
        } else {
            Kind::Question
        };
        let Ok(a) = artifact::parse(kind, &path, &bytes) else {
            continue;
        };
        let card: Card = de::from_node(&a.data).unwrap_or_default();
        let status = card.status.unwrap_or_else(|| "unknown".into());
        let id = artifact::stem(&path).to_string();
        if kind == Kind::Hook {
            let blocking = card.blocking;
            hooks.push(HookCard {
                id,
                status,
                blocking,
            });
        } else {
            questions.push(QuestionBatch { id, status });
        }
    }
    Ok((hooks, questions))
}

/// The bars of the committed gate report `gate/<id>.yaml` at a commit: (bar, status).
fn report_bars(repo: &Repo, commit: &str, id: &str) -> Result<Vec<(String, String)>, Error> {
    let path = format!("gate/{id}.yaml");
    let Some(bytes) = repo.blob_at(commit, &path)? else {
        return Ok(Vec::new());
    };
    let Ok(a) = artifact::parse(Kind::GateReport, &path, &bytes) else {
        return Ok(Vec::new());
    };
    let written: ReportFile = de::from_node(&a.data).unwrap_or_default();
    Ok(written
        .bars
        .into_iter()
        .map(|b| (b.bar, b.status))
        .collect())
}

/// What the report reads of a hook card or a question batch: its status and whether it
/// blocks; a mistyped field reads as absent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Card {
    #[serde(deserialize_with = "de::lenient")]
    status: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    blocking: bool,
}

/// A committed gate report, as far as its bars go (a bar without a name or a status is
/// left out).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReportFile {
    #[serde(deserialize_with = "de::items")]
    bars: Vec<BarLine>,
}

/// One bar of a committed gate report.
#[derive(Debug, Deserialize)]
struct BarLine {
    bar: String,
    status: String,
}
