//! Hook cards by command (`hook new`, `hook triage`): `hooks/HK-YYYYMMDD-NN.yaml` written
//! through the hook schema, inside a TU (its branch, its `TU:` trailer, the card's `tu:`
//! field), so a card reaches cold the way any of the TU's work does.

use crate::app::{Session, short};
use crate::artifact::{self, Kind};
use crate::date;
use crate::error::{CardError, Error, InputError};
use crate::ids::CommitId;
use crate::trace::brief::{self, Change};
use crate::trace::lifecycle::Event;
use crate::trace::trailers;

/// A new card.
#[derive(Clone, Debug, Default)]
pub struct NewCard<'a> {
    /// Its title.
    pub title: &'a str,
    /// Its player-safe summary.
    pub summary: &'a str,
    /// Its kind (`narrative`, `scene`, `structure`…).
    pub kind: &'a str,
    /// The role raising it (default: the TU's role).
    pub raised_by: Option<&'a str>,
    /// Bars it touches.
    pub bars: &'a [String],
    /// Whether it blocks a gate pass until resolved.
    pub blocking: bool,
    /// The loop expected to pick it up.
    pub next_loop: Option<&'a str>,
    /// The TU (default: the active one).
    pub tu: Option<&'a str>,
}

/// A triage decision.
#[derive(Clone, Debug, Default)]
pub struct Triage<'a> {
    /// The new status.
    pub status: Option<&'a str>,
    /// The loop to pick it up next.
    pub next_loop: Option<&'a str>,
    /// How it was resolved, deferred or rejected.
    pub resolution: Option<&'a str>,
    /// Whether it blocks.
    pub blocking: Option<bool>,
    /// The TU (default: the active one).
    pub tu: Option<&'a str>,
}

/// A card written.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    /// The hook id.
    pub id: String,
    /// Its file.
    pub path: String,
    /// Its status now.
    pub status: String,
    /// The TU it was written in.
    pub tu: String,
    /// The commit.
    pub commit: CommitId,
    /// The branch (short name).
    pub branch: String,
}

/// The TU a card is written in, refused when it takes no more work (ended or parked).
fn working_tu(ws: &Session, tu: Option<&str>) -> Result<String, Error> {
    let ledger = ws.ledger()?;
    let id = match tu {
        Some(t) => ws.resolve(Some(t), &ledger)?,
        None => ws.active().map(|(id, _)| id).ok_or(CardError::NeedsTu)?,
    };
    ws.check_move(&ledger, &id, Event::Checkpoint, None)?;
    Ok(id)
}

/// The role a TU's id names (`TU-2026-11-26-PW01` → `plotwright`).
fn role_of_tu(tu: &str) -> &'static str {
    crate::trace::id::TuId::parse(tu)
        .and_then(|id| crate::roles::canonical(&id.role))
        .unwrap_or("showrunner")
}

fn check_loop(ws: &Session, next_loop: Option<&str>) -> Result<(), Error> {
    if let Some(l) = next_loop {
        crate::app::loops::find(&ws.playbooks()?, l)?;
    }
    Ok(())
}

/// Commits one card file on the TU's branch, validated first.
fn commit_card(
    ws: &Session,
    tu: &str,
    id: &str,
    text: String,
    subject: &str,
) -> Result<Written, Error> {
    let path = format!("hooks/{id}.yaml");
    let problems = brief::validate_as(Kind::Hook, &path, &text);
    if !problems.is_empty() {
        return Err(CardError::Invalid { problems }.into());
    }
    let status = crate::artifact::yaml::parse(&text)
        .ok()
        .and_then(|n| n.str_at("status").map(str::to_string))
        .unwrap_or_default();
    let branch = ws.branch_for(tu)?;
    let tip = ws.tip(&branch)?;
    let message = trailers::append(&format!("{subject}\n"), &[("TU", tu), ("Hook", id)]);
    let commit = ws.repo.commit_tool_files(
        &branch,
        &tip,
        &[(path.clone(), text.into_bytes())],
        &message,
        &ws.repo.identity(),
    )?;
    Ok(Written {
        id: id.to_string(),
        path,
        status,
        tu: tu.to_string(),
        commit,
        branch: short(&branch),
    })
}

/// Raises a new hook card (status `proposed`) in a TU.
pub fn new(ws: &Session, card: &NewCard<'_>) -> Result<Written, Error> {
    let tu = working_tu(ws, card.tu)?;
    check_loop(ws, card.next_loop)?;
    let branch = ws.branch_for(&tu)?;
    let tip = ws.tip(&branch)?;
    let who = ws.repo.identity();
    let today = date::ymd(who.time, who.offset).replace('-', "");
    let taken: Vec<String> = ws
        .repo
        .tree_paths(&tip, &|p| p.starts_with("hooks/") && p.ends_with(".yaml"))?
        .iter()
        .map(|p| artifact::stem(p).to_string())
        .collect();
    let id = (1..100)
        .map(|n| format!("HK-{today}-{n:02}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_else(|| format!("HK-{today}-99"));
    let raised_by = card.raised_by.unwrap_or_else(|| role_of_tu(&tu));
    let q = crate::artifact::yaml::quote;
    let mut text = format!(
        "# A hook card, written by showrunner.\nid: {id}\ntitle: {}\nstatus: proposed\ntype: {}\nraised_by: {}\nsummary: {}\n",
        q(crate::trace::trailers::one_line(card.title).trim()),
        q(card.kind),
        q(raised_by),
        q(crate::trace::trailers::one_line(card.summary).trim()),
    );
    if !card.bars.is_empty() {
        text.push_str(&format!(
            "bars: [{}]\n",
            card.bars
                .iter()
                .map(|b| q(b))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    text.push_str(&format!("blocking: {}\n", card.blocking));
    if let Some(l) = card.next_loop {
        text.push_str(&format!("next_loop: {}\n", q(l)));
    }
    text.push_str(&format!("tu: {tu}\n"));
    commit_card(
        ws,
        &tu,
        &id,
        text,
        &format!("Raise {id}: {}", card.title.trim()),
    )
}

/// Triages a hook card: its status, the loop to pick it up, how it was settled, whether
/// it blocks; the card's other lines and comments are kept as written.
pub fn triage(ws: &Session, id: &str, t: &Triage<'_>) -> Result<Written, Error> {
    if t.status.is_none() && t.next_loop.is_none() && t.resolution.is_none() && t.blocking.is_none()
    {
        return Err(CardError::NothingToTriage.into());
    }
    let tu = working_tu(ws, t.tu)?;
    check_loop(ws, t.next_loop)?;
    let branch = ws.branch_for(&tu)?;
    let tip = ws.tip(&branch)?;
    let path = format!("hooks/{id}.yaml");
    let Some(bytes) = ws.repo.blob_at(&tip, &path)? else {
        let ids: Vec<String> = ws
            .repo
            .tree_paths(&tip, &|p| p.starts_with("hooks/") && p.ends_with(".yaml"))?
            .iter()
            .map(|p| artifact::stem(p).to_string())
            .collect();
        return Err(CardError::Unknown {
            id: id.to_string(),
            branch: short(&branch),
            did_you_mean: crate::schema::suggest(id, &ids).map(str::to_string),
        }
        .into());
    };
    let text = String::from_utf8(bytes).map_err(|_| InputError::NotUtf8 {
        path: path.clone(),
        on: None,
    })?;
    let mut changes = Vec::new();
    if let Some(s) = t.status {
        changes.push(Change::Set("status".into(), s.into()));
    }
    if let Some(l) = t.next_loop {
        changes.push(Change::Set("next_loop".into(), l.into()));
    }
    if let Some(r) = t.resolution {
        changes.push(Change::Set(
            "resolution".into(),
            crate::trace::trailers::one_line(r).trim().to_string(),
        ));
    }
    if let Some(b) = t.blocking {
        changes.push(Change::Set("blocking".into(), b.to_string()));
    }
    changes.push(Change::Set("tu".into(), tu.clone()));
    let edited = brief::edit(&text, &changes).map_err(|reason| CardError::Invalid {
        problems: vec![format!("{path}: {reason}")],
    })?;
    let what = t
        .status
        .map(str::to_string)
        .or_else(|| t.next_loop.map(|l| format!("next {l}")))
        .unwrap_or_else(|| "updated".into());
    commit_card(ws, &tu, id, edited, &format!("Triage {id}: {what}"))
}
