//! The studio at a glance: how far hot is ahead of cold, open TUs by state, the last
//! gate decision, roles at work, open questions, and the next thing to do.

use std::collections::{BTreeMap, BTreeSet};

use super::questions;
use crate::app::{Session, Summary};
use crate::artifact::{self, Kind};
use crate::date;
use crate::error::Error;
use crate::git::Repo;
use crate::ids::CommitId;
use crate::ids::RefName;
use crate::trace::brief::{Brief, Named};
use crate::trace::ledger::Ledger;
use crate::trace::lifecycle::{Event, State};
use crate::trace::trailers;

/// The last `Gate:` decision recorded in history.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GateDecision {
    /// pass, conditional or block.
    pub decision: String,
    /// The TU it judged.
    pub tu: String,
    /// The committed report's id, when there is one.
    pub report: Option<String>,
    /// Its date (UTC).
    pub date: String,
    /// The commit that recorded it.
    pub commit: CommitId,
}

/// What `status` shows.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Status {
    /// The hot and cold branch names.
    pub hot: String,
    /// See `hot`.
    pub cold: String,
    /// Commits on hot that cold does not have.
    pub ahead: usize,
    /// Commits on cold that hot does not have (cold can no longer fast-forward).
    pub behind: usize,
    /// TUs with commits on hot not yet on cold.
    pub tus_ahead: Vec<String>,
    /// TUs that are not finished (proposed, stabilizing, gatecheck, deferred), by state
    /// (each as `{id, title, loop}`).
    #[serde(serialize_with = "open_json")]
    pub open: BTreeMap<State, Vec<Summary>>,
    /// The most recent gate decision.
    pub last_gate: Option<GateDecision>,
    /// Roles at work: the owner and responsible roles of TUs being worked on or judged.
    pub roles: BTreeMap<String, Vec<String>>,
    /// Roles awake in the roster (`roles.yaml` on hot).
    pub awake: Vec<String>,
    /// Open question batches on hot.
    pub questions: Vec<String>,
    /// What blocks open TUs: the `Blocker:` trailers of each one's latest checkpoint
    /// (`{tu, blocker}`).
    #[serde(serialize_with = "pairs_json::<_, 'b'>")]
    pub blockers: Vec<(String, String)>,
    /// Deferred TUs whose revisit date has come or passed (`{tu, revisit}`).
    #[serde(serialize_with = "pairs_json::<_, 'r'>")]
    pub overdue: Vec<(String, String)>,
    /// Timeboxes of TUs being worked on: `{tu, timebox, ends, over}`.
    pub timeboxes: Vec<Timebox>,
    /// The newest snapshot tag and whether it is cold's tip (`{name, at_cold_tip}`).
    #[serde(serialize_with = "snapshot_json")]
    pub snapshot: Option<(String, bool)>,
    /// The suggested next step: what, and the command that does it (`{what, command}`).
    #[serde(serialize_with = "next_json")]
    pub next: (String, String),
}

/// A TU's timebox in `status`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Timebox {
    /// The TU.
    pub tu: String,
    /// The brief's timebox (`2d`).
    pub timebox: String,
    /// When it ends (`YYYY-MM-DD`).
    pub ends: String,
    /// Whether it has run out.
    pub over: bool,
}

/// `(tu, text)` pairs as `{tu, blocker}` (`B = 'b'`) or `{tu, revisit}` (`'r'`).
fn pairs_json<S: serde::Serializer, const B: char>(
    pairs: &[(String, String)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq as _;
    let mut seq = s.serialize_seq(Some(pairs.len()))?;
    for (tu, text) in pairs {
        let key = if B == 'b' { "blocker" } else { "revisit" };
        let mut m = serde_json::Map::new();
        m.insert("tu".into(), tu.as_str().into());
        m.insert(key.into(), text.as_str().into());
        seq.serialize_element(&m)?;
    }
    seq.end()
}

fn open_json<S: serde::Serializer>(
    open: &BTreeMap<State, Vec<Summary>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    struct Open<'a> {
        id: &'a str,
        title: &'a str,
        #[serde(rename = "loop")]
        loop_id: &'a str,
    }
    s.collect_map(open.iter().map(|(state, tus)| {
        let tus: Vec<Open> = tus
            .iter()
            .map(|t| Open {
                id: &t.id,
                title: &t.title,
                loop_id: &t.loop_id,
            })
            .collect();
        (state, tus)
    }))
}

fn snapshot_json<S: serde::Serializer>(
    snapshot: &Option<(String, bool)>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    struct Snapshot<'a> {
        name: &'a str,
        at_cold_tip: bool,
    }
    serde::Serialize::serialize(
        &snapshot.as_ref().map(|(name, at_cold_tip)| Snapshot {
            name,
            at_cold_tip: *at_cold_tip,
        }),
        s,
    )
}

/// A suggested next step `(what, command)` as `{"what", "command"}`.
pub(crate) fn next_json<S: serde::Serializer>(
    next: &(String, String),
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    struct Next<'a> {
        what: &'a str,
        command: &'a str,
    }
    serde::Serialize::serialize(
        &Next {
            what: &next.0,
            command: &next.1,
        },
        s,
    )
}

const OPEN_STATES: [State; 4] = [
    State::HotProposed,
    State::Stabilizing,
    State::Gatecheck,
    State::Deferred,
];

/// Reads the studio's status from its branches and history.
pub fn status(ws: &Session) -> Result<Status, Error> {
    let repo = &ws.repo;
    let hot = ws.config.hot.clone();
    let cold = ws.config.cold.clone();
    let hot_tip = repo.ref_target(&RefName::branch(&hot))?;
    let cold_tip = repo.ref_target(&RefName::branch(&cold))?;
    let ahead_of = |a: &Option<CommitId>, b: &Option<CommitId>| -> Result<Vec<CommitId>, Error> {
        match a {
            None => Ok(Vec::new()),
            Some(a) => super::history::ids(repo, std::slice::from_ref(a), b.as_slice()),
        }
    };
    let ahead = ahead_of(&hot_tip, &cold_tip)?;
    let behind = ahead_of(&cold_tip, &hot_tip)?.len();

    let ledger = ws.ledger()?;
    let pending: BTreeSet<&str> = ahead.iter().map(CommitId::as_str).collect();
    let tus_ahead: Vec<String> = ledger
        .tus
        .values()
        .filter(|r| r.commits.iter().any(|c| pending.contains(c.id.as_str())))
        .map(|r| r.id.clone())
        .collect();

    let mut open: BTreeMap<State, Vec<Summary>> = BTreeMap::new();
    for s in ws.list(None)? {
        if OPEN_STATES.contains(&s.state) {
            open.entry(s.state).or_default().push(s);
        }
    }

    let last_gate = last_gate(&ledger);

    // Blockers stand until the TU's next checkpoint; a revisit date is due on the day.
    let who = repo.identity();
    let today = date::ymd(who.time, who.offset);
    let mut blockers = Vec::new();
    let mut overdue = Vec::new();
    let mut timeboxes = Vec::new();
    for s in open.values().flatten() {
        let Some(rec) = ledger.tus.get(&s.id) else {
            continue;
        };
        if let Some(cp) = rec.last_applied(Event::Checkpoint) {
            blockers.extend(
                cp.values("Blocker")
                    .into_iter()
                    .map(|b| (s.id.clone(), b.to_string())),
            );
        }
        if s.state != State::Deferred
            && let Some((_, text)) = ws.brief_on(&ws.branch_for(&s.id)?, &s.id)?
            && let Ok(a) = artifact::parse(Kind::Tu, &format!("tus/{}.yaml", s.id), text.as_bytes())
            && let Some((timebox, ends)) = super::standup::timebox(rec, &Brief::from_node(&a.data))
        {
            timeboxes.push(Timebox {
                tu: s.id.clone(),
                timebox,
                ends: date::ymd(ends, 0),
                over: ends <= who.time,
            });
        }
        if s.state == State::Deferred
            && let Some(d) = rec.last_applied(Event::Defer)
            && let Some(when) = d.values("Revisit").first().map(|w| w.trim())
            && date::parse_day(when).is_some()
            && *when <= *today
        {
            overdue.push((s.id.clone(), when.to_string()));
        }
    }

    let roles = working_roles(repo, hot_tip.as_deref(), &open)?;

    let questions = questions::open_batches(ws)?;
    let awake: Vec<String> = super::roster::awake(ws)?
        .into_iter()
        .map(str::to_string)
        .collect();
    // The snapshot at cold's tip, else the newest by tagger time.
    let at_tip = crate::app::snapshot::list(repo)?
        .into_iter()
        .find(|s| cold_tip.as_deref() == Some(s.commit.as_str()));
    let snapshot = match at_tip {
        Some(s) => Some((s.name, true)),
        None => crate::app::snapshot::newest(repo)?.map(|s| (s.name, false)),
    };

    let mut next = suggest(
        &open,
        &questions,
        &last_gate,
        ahead.len(),
        behind,
        &snapshot,
        cold_tip.is_some(),
    );
    // A TU being worked on is submitted once its loop's steps and deliverables are in
    // (the exit criteria `gate submit` holds it to); until then, its next step is next.
    if let Some(t) = open.get(&State::Stabilizing).and_then(|v| v.first())
        && next.1 == format!("showrunner gate submit --tu {}", t.id)
    {
        let run = super::loops::status(ws, Some(&t.id))?;
        next = (format!("{}: {}", t.id, run.next.0), run.next.1);
    }
    Ok(Status {
        hot,
        cold,
        ahead: ahead.len(),
        behind,
        tus_ahead,
        open,
        last_gate,
        roles,
        awake,
        questions,
        blockers,
        overdue,
        timeboxes,
        snapshot,
        next,
    })
}

/// The newest gate decision recorded in history (by time, then walk order).
fn last_gate(ledger: &Ledger) -> Option<GateDecision> {
    let mut last: Option<(i64, usize, GateDecision)> = None;
    for rec in ledger.tus.values() {
        for e in &rec.events {
            let Some(decision) = trailers::first(&e.trailers, "Gate") else {
                continue;
            };
            let seq = rec
                .commits
                .iter()
                .find(|c| c.id == e.commit)
                .map_or(0, |c| c.seq);
            if last
                .as_ref()
                .is_none_or(|(t, s, _)| (e.time, seq) > (*t, *s))
            {
                last = Some((
                    e.time,
                    seq,
                    GateDecision {
                        decision: decision.to_string(),
                        tu: rec.id.clone(),
                        report: trailers::first(&e.trailers, "Gate-Report").map(str::to_string),
                        date: date::ymd(e.time, 0),
                        commit: e.commit.clone(),
                    },
                ));
            }
        }
    }
    last.map(|(_, _, g)| g)
}

/// Roles are awake while a TU they own or do is being worked on or judged: the brief's
/// accountable owner and responsible roles, with the TUs that keep each awake.
fn working_roles(
    repo: &Repo,
    hot_tip: Option<&str>,
    open: &BTreeMap<State, Vec<Summary>>,
) -> Result<BTreeMap<String, Vec<String>>, Error> {
    let mut roles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for state in [State::Stabilizing, State::Gatecheck] {
        for s in open.get(&state).into_iter().flatten() {
            let path = format!("tus/{}.yaml", s.id);
            let Some(bytes) = hot_tip
                .map(|tip| repo.blob_at(tip, &path))
                .transpose()?
                .flatten()
            else {
                continue;
            };
            let Ok(brief) = artifact::parse(Kind::Tu, &path, &bytes) else {
                continue;
            };
            // The accountable role when written as one, the responsible ones when
            // written as a list.
            let read = Brief::from_node(&brief.data);
            let mut names: Vec<&str> = Vec::new();
            if let Named::One(owner) = &read.owner_a {
                names.push(owner);
            }
            if let Named::Many(responsible) = &read.responsible_r {
                names.extend(responsible.iter().map(String::as_str));
            }
            for name in names {
                let tus = roles.entry(name.to_string()).or_default();
                if !tus.contains(&s.id) {
                    tus.push(s.id.clone());
                }
            }
        }
    }

    Ok(roles)
}

/// The first thing that needs doing, most urgent first.
fn suggest(
    open: &BTreeMap<State, Vec<Summary>>,
    questions: &[String],
    last_gate: &Option<GateDecision>,
    ahead: usize,
    behind: usize,
    snapshot: &Option<(String, bool)>,
    has_cold: bool,
) -> (String, String) {
    let first = |state: State| open.get(&state).and_then(|v| v.first());
    if behind > 0 {
        return (
            "cold has commits hot lacks: bring them into hot before the next merge".into(),
            "git merge cold".into(),
        );
    }
    if let Some(q) = questions.first() {
        return (
            format!("answer the open questions of {q}"),
            "showrunner questions   (then: showrunner answer <Q-ID> <question> <key>)".to_string(),
        );
    }
    if let Some(t) = first(State::Gatecheck) {
        let passed = last_gate
            .as_ref()
            .is_some_and(|g| g.tu == t.id && g.decision != "block");
        if passed && ahead > 0 {
            return (
                format!("{} passed the gate: fast-forward cold", t.id),
                "showrunner merge".into(),
            );
        }
    }
    if let Some(t) = first(State::Stabilizing) {
        return (
            format!("finish {} and submit it to the Gatekeeper", t.id),
            format!("showrunner gate submit --tu {}", t.id),
        );
    }
    if let Some(t) = first(State::HotProposed) {
        return (
            format!("start {}", t.id),
            format!("showrunner tu start {}", t.id),
        );
    }
    if ahead > 0 {
        return (
            "hot is ahead of cold: merge it once the gate passes".into(),
            "showrunner merge --dry-run".into(),
        );
    }
    if has_cold && !snapshot.as_ref().is_some_and(|(_, current)| *current) {
        return (
            "cold has no snapshot at its tip: tag one to bind".into(),
            "showrunner snapshot".into(),
        );
    }
    (
        "everything is merged and snapshotted: take the next request".into(),
        "showrunner dispatch \"<request>\"".into(),
    )
}
