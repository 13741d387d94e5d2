//! `standup [--role r]`: the team-facing digest the seed escalates through. For each
//! role, what blocks the TUs it owns or does, its questions waiting on the customer, its
//! TUs gone quiet, and what is due (timeboxes, revisit dates); for the Showrunner, the
//! escalations besides. Everything is read from the branches and history.

use std::collections::BTreeMap;

use crate::app::Session;
use crate::artifact::{self, Kind};
use crate::date;
use crate::error::{Error, RosterError};
use crate::trace::brief::{self, Brief};
use crate::trace::ledger::TuRecord;
use crate::trace::lifecycle::{Event, State};

/// A TU with no commit for this long is idle.
pub const IDLE_DAYS: i64 = 3;
/// A question open this long has aged.
pub const AGED_DAYS: i64 = 2;
/// A timebox ending within this long is due.
const DUE_SOON_SECS: i64 = 86_400;

/// One line of a digest.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Item {
    /// The TU it is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tu: Option<String>,
    /// What it is.
    pub what: String,
    /// Since when, or by when (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// One role's digest.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Digest {
    /// The role.
    pub role: String,
    /// What blocks its TUs (their latest checkpoint's `Blocker:` trailers).
    pub blockers: Vec<Item>,
    /// Its questions waiting on the customer for [`AGED_DAYS`] or more.
    pub questions: Vec<Item>,
    /// Its TUs with no commit for [`IDLE_DAYS`] or more.
    pub idle: Vec<Item>,
    /// What is due: timeboxes ending within a day or over, revisit dates reached.
    pub due: Vec<Item>,
}

impl Digest {
    fn is_empty(&self) -> bool {
        self.blockers.is_empty()
            && self.questions.is_empty()
            && self.idle.is_empty()
            && self.due.is_empty()
    }
}

/// The standup.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Standup {
    /// Today (`YYYY-MM-DD`).
    pub date: String,
    /// One digest per role with something to say (or the one asked for).
    pub roles: Vec<Digest>,
    /// What the Showrunner takes to the customer or the team: escalated conflicts,
    /// aged questions, TUs past their timebox, blocked work.
    pub escalations: Vec<Item>,
}

/// A TU's timebox: the text, and when it ends (from its start, else its opening).
pub fn timebox(rec: &TuRecord, brief: &Brief) -> Option<(String, i64)> {
    let text = brief.timebox.clone()?;
    let secs = brief::timebox_seconds(&text)?;
    let from = rec
        .events
        .iter()
        .find(|e| e.event == Event::Start && e.refused.is_none())
        .or_else(|| rec.events.iter().find(|e| e.event == Event::Open))
        .map(|e| e.time)
        .or_else(|| rec.commits.first().map(|c| c.time))?;
    Some((text, from + secs))
}

/// Builds the standup (for one role, with `role`).
pub fn standup(ws: &Session, role: Option<&str>) -> Result<Standup, Error> {
    let only = match role {
        Some(r) => Some(
            crate::roles::canonical(r)
                .ok_or_else(|| RosterError::UnknownRole {
                    name: r.to_string(),
                })?
                .to_string(),
        ),
        None => None,
    };
    let who = ws.repo.identity();
    let now = who.time;
    let today = date::ymd(now, who.offset);
    let ledger = ws.ledger()?;
    let mut digests: BTreeMap<String, Digest> = BTreeMap::new();
    let mut escalations = Vec::new();
    let day = |t: i64| date::ymd(t, 0);
    for s in ws.list(None)? {
        if s.state.is_terminal() {
            continue;
        }
        let Some(rec) = ledger.tus.get(&s.id) else {
            continue;
        };
        let brief = ws
            .brief_on(&ws.branch_for(&s.id)?, &s.id)?
            .and_then(|(p, t)| artifact::parse(Kind::Tu, &p, t.as_bytes()).ok())
            .map(|a| Brief::from_node(&a.data))
            .unwrap_or_default();
        let mut involved = brief.owner_a.roles();
        for r in brief.responsible_r.roles() {
            if !involved.contains(&r) {
                involved.push(r);
            }
        }
        if involved.is_empty() {
            involved.push("showrunner".into());
        }
        let mut add = |pick: fn(&mut Digest) -> &mut Vec<Item>, item: Item| {
            for r in &involved {
                let d = digests.entry(r.clone()).or_insert_with(|| Digest {
                    role: r.clone(),
                    ..Digest::default()
                });
                pick(d).push(item.clone());
            }
        };
        if let Some(cp) = rec.last_applied(Event::Checkpoint) {
            for b in cp.values("Blocker") {
                let item = Item {
                    tu: Some(s.id.clone()),
                    what: format!("blocked: {b}"),
                    date: Some(day(cp.time)),
                };
                if now - cp.time >= AGED_DAYS * 86_400 {
                    escalations.push(Item {
                        what: format!("blocked since {}: {b}", day(cp.time)),
                        ..item.clone()
                    });
                }
                add(|d| &mut d.blockers, item);
            }
        }
        if s.state == State::Deferred {
            if let Some(d) = rec.last_applied(Event::Defer)
                && let Some(when) = d.values("Revisit").first().map(|w| w.trim().to_string())
                && date::parse_day(&when).is_some()
                && when <= today
            {
                add(
                    |d| &mut d.due,
                    Item {
                        tu: Some(s.id.clone()),
                        what: format!("revisit (deferred until {when}): reactivate or reject"),
                        date: Some(when),
                    },
                );
            }
            continue;
        }
        if let Some((_, last_commit)) = rec.span()
            && now - last_commit >= IDLE_DAYS * 86_400
        {
            add(
                |d| &mut d.idle,
                Item {
                    tu: Some(s.id.clone()),
                    what: format!(
                        "{} ({}) has had no commit for {} days",
                        s.title,
                        s.state,
                        (now - last_commit) / 86_400
                    ),
                    date: Some(day(last_commit)),
                },
            );
        }
        if let Some((text, ends)) = timebox(rec, &brief) {
            if ends <= now {
                let item = Item {
                    tu: Some(s.id.clone()),
                    what: format!("timebox {text} ran out"),
                    date: Some(day(ends)),
                };
                escalations.push(item.clone());
                add(|d| &mut d.due, item);
            } else if ends - now <= DUE_SOON_SECS {
                add(
                    |d| &mut d.due,
                    Item {
                        tu: Some(s.id.clone()),
                        what: format!("timebox {text} ends within a day"),
                        date: Some(day(ends)),
                    },
                );
            }
        }
    }
    // Questions waiting on the customer, by the role that asked.
    for b in crate::app::questions::batches(ws)?
        .into_iter()
        .filter(|b| b.is_open())
    {
        let Some(asked) = date::parse_day(&b.asked) else {
            continue;
        };
        if now - asked < AGED_DAYS * 86_400 {
            continue;
        }
        let waiting: Vec<&str> = b
            .questions
            .iter()
            .filter(|q| q.answer.is_none())
            .map(|q| q.question.as_str())
            .collect();
        let item = Item {
            tu: b.tu.clone(),
            what: format!("{}: {}", b.id, waiting.join(" / ")),
            date: Some(b.asked.clone()),
        };
        let r = crate::roles::canonical(&b.asked_by)
            .unwrap_or("showrunner")
            .to_string();
        digests
            .entry(r.clone())
            .or_insert_with(|| Digest {
                role: r,
                ..Digest::default()
            })
            .questions
            .push(item.clone());
        escalations.push(Item {
            what: format!("unanswered since {}: {}", b.asked, item.what),
            ..item
        });
    }
    for c in crate::app::conflict::list(ws)? {
        if c.status == "escalated" {
            escalations.push(Item {
                tu: c.tu.clone(),
                what: format!(
                    "conflict {} ({}) is with the customer: {}",
                    c.id,
                    c.roles.join(" vs "),
                    c.topic
                ),
                date: Some(c.opened.clone()),
            });
        }
    }
    let mut roles: Vec<Digest> = match &only {
        Some(r) => vec![digests.remove(r).unwrap_or_else(|| Digest {
            role: r.clone(),
            ..Digest::default()
        })],
        None => digests.into_values().filter(|d| !d.is_empty()).collect(),
    };
    // The studio's order of roles, not the alphabet's.
    let rank = |r: &str| {
        crate::roles::ROLES
            .iter()
            .position(|(id, _, _)| *id == r)
            .unwrap_or(usize::MAX)
    };
    roles.sort_by_key(|d| rank(&d.role));
    for d in &mut roles {
        for list in [&mut d.blockers, &mut d.questions, &mut d.idle, &mut d.due] {
            list.sort_by(|a, b| (&a.date, &a.tu, &a.what).cmp(&(&b.date, &b.tu, &b.what)));
        }
    }
    escalations.sort_by(|a, b| (&a.date, &a.tu, &a.what).cmp(&(&b.date, &b.tu, &b.what)));
    escalations.dedup();
    let escalations = match &only {
        Some(r) if r != "showrunner" => Vec::new(),
        _ => escalations,
    };
    Ok(Standup {
        date: today,
        roles,
        escalations,
    })
}
