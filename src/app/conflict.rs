//! Conflicts between roles: settled by the studio's authority table (`authority.yaml`,
//! embedded default below), or — when the table cannot settle them (a structural
//! impossibility, a dispute over a bar itself) — escalated to the customer as a question
//! batch. Recorded as commits on hot with `Conflict:` trailers and replayed from history.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::questions::{self, Asking, Choice, Question};
use crate::app::Session;
use crate::artifact::de::{self, Lenient, Spanned};
use crate::date;
use crate::error::{ConflictError, Error, InputError, TuError};
use crate::ids::CommitId;
use crate::roles;
use crate::trace::trailers;

/// The table a studio gets unless it commits its own `authority.yaml`.
pub const DEFAULT_TABLE: &str = include_str!("../../templates/authority.yaml");

/// One rule of the authority table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// What the disagreement is about (`world_rules`).
    pub topic: String,
    /// Words in a conflict's topic that point to this rule.
    pub words: Vec<String>,
    /// The role whose word settles it; `None`: the customer decides (escalate).
    pub decides: Option<String>,
    /// Which rule wins when a topic's words point to several (higher first; ties go
    /// to the rule matching more of its words, then to the earlier rule).
    pub priority: i64,
}

/// `authority.yaml` as written; a mistyped field reads as absent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TableFile {
    #[serde(deserialize_with = "de::lenient")]
    rules: Vec<Spanned<Lenient<RuleFile>>>,
    #[serde(deserialize_with = "de::lenient")]
    mediator: Option<String>,
}

/// One rule as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RuleFile {
    #[serde(deserialize_with = "de::lenient")]
    topic: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    decides: Option<String>,
    #[serde(deserialize_with = "de::items")]
    words: Vec<String>,
    #[serde(deserialize_with = "de::lenient")]
    priority: Option<i64>,
}

/// The authority table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Rules, in order (the first whose words match wins).
    pub rules: Vec<Rule>,
    /// The role that mediates and asks the customer.
    pub mediator: String,
}

impl Table {
    /// Parses a table; errors name the file and line.
    pub fn parse(name: &str, text: &str) -> Result<Table, Error> {
        let doc = crate::artifact::yaml::parse(text).map_err(|source| InputError::Yaml {
            path: name.to_string(),
            source,
        })?;
        let bad = |line: u32, what: &str| InputError::Line {
            path: name.to_string(),
            line,
            message: what.to_string(),
        };
        let file: TableFile = de::from_node(&doc).unwrap_or_default();
        let mut rules = Vec::new();
        for Spanned {
            line,
            value: Lenient(r),
        } in file.rules
        {
            let topic = r.topic.ok_or_else(|| bad(line, "a rule needs `topic`"))?;
            let decides = match r.decides.as_deref() {
                None | Some("customer") => None,
                Some(role) => Some(
                    roles::canonical(role)
                        .ok_or_else(|| bad(line, &format!("`{role}` is not a role")))?
                        .to_string(),
                ),
            };
            rules.push(Rule {
                topic,
                words: r.words.iter().map(|w| w.to_lowercase()).collect(),
                decides,
                priority: r.priority.unwrap_or(0),
            });
        }
        if rules.is_empty() {
            return Err(bad(doc.line, "the table needs `rules:`").into());
        }
        let mediator = file
            .mediator
            .as_deref()
            .and_then(roles::canonical)
            .unwrap_or("showrunner")
            .to_string();
        Ok(Table { rules, mediator })
    }

    /// The rule for a conflict: the named topic, else the rule its words point to most
    /// strongly ([`Table::ranked`]).
    pub fn rule_for(&self, kind: Option<&str>, topic: &str) -> Option<&Rule> {
        if let Some(k) = kind {
            return self.rules.iter().find(|r| r.topic == k);
        }
        self.ranked(topic).into_iter().next().map(|(r, _)| r)
    }

    /// Every rule whose words the topic uses, with how many: the highest priority first
    /// (a structural impossibility outranks the world rules it mentions; a bar outranks
    /// the prose it is about), then the most words, then the table's order.
    pub fn ranked(&self, topic: &str) -> Vec<(&Rule, usize)> {
        let tokens: Vec<String> = topic
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .map(|w| w.trim_end_matches("'s").trim_matches('\'').to_string())
            .filter(|w| !w.is_empty())
            .collect();
        let text = format!(" {} ", tokens.join(" "));
        let mut hits: Vec<(usize, &Rule, usize)> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let n = r
                    .words
                    .iter()
                    .filter(|w| {
                        if w.contains(' ') {
                            text.contains(&format!(" {w} "))
                        } else {
                            tokens
                                .iter()
                                .any(|t| t == *w || t.strip_suffix('s') == Some(w.as_str()))
                        }
                    })
                    .count();
                (i, r, n)
            })
            .filter(|(_, _, n)| *n > 0)
            .collect();
        hits.sort_by(|a, b| {
            b.1.priority
                .cmp(&a.1.priority)
                .then(b.2.cmp(&a.2))
                .then(a.0.cmp(&b.0))
        });
        hits.into_iter().map(|(_, r, n)| (r, n)).collect()
    }
}

/// The table in force: the studio's `authority.yaml` on hot, else the default.
pub fn table(ws: &Session) -> Result<Table, Error> {
    let repo = &ws.repo;
    let tip = repo.ref_target(&ws.hot_ref())?;
    match tip
        .map(|t| repo.blob_at(&t, "authority.yaml"))
        .transpose()?
        .flatten()
    {
        Some(bytes) => Table::parse("authority.yaml", &String::from_utf8_lossy(&bytes)),
        None => Table::parse("(default authority table)", DEFAULT_TABLE),
    }
}

/// A conflict as history tells it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Conflict {
    /// `C-YYYY-MM-DD-NN`.
    pub id: String,
    /// The roles in disagreement.
    pub roles: Vec<String>,
    /// What it is about, in words.
    pub topic: String,
    /// The table's topic it fell under (`world_rules`), if any.
    #[serde(rename = "about")]
    pub kind: Option<String>,
    /// The TU it concerns.
    pub tu: Option<String>,
    /// Opened on (`YYYY-MM-DD`).
    pub opened: String,
    /// The role whose word settles it, when the table names one.
    pub decides: Option<String>,
    /// The question batch it was escalated to.
    pub question: Option<String>,
    /// `open`, `escalated` or `resolved`.
    pub status: String,
    /// How it was settled.
    pub resolution: Option<String>,
    /// Who settled it (a role, or `customer`).
    pub resolved_by: Option<String>,
}

/// Every conflict recorded on hot, oldest first; an escalated one is resolved once its
/// question is answered.
pub fn list(ws: &Session) -> Result<Vec<Conflict>, Error> {
    if ws.repo.ref_target(&ws.hot_ref())?.is_none() {
        return Ok(Vec::new());
    }
    let history = ws.history()?;
    let mut by_id: BTreeMap<String, Conflict> = BTreeMap::new();
    for c in history.commits.iter().filter(|c| history.on_hot(c)) {
        let t = &c.trailers;
        let (Some(id), Some(event)) = (
            trailers::first(t, "Conflict"),
            trailers::first(t, "Conflict-Event"),
        ) else {
            continue;
        };
        let get = |k: &str| trailers::first(t, k).map(str::to_string);
        match event {
            "open" => {
                by_id.insert(
                    id.to_string(),
                    Conflict {
                        id: id.to_string(),
                        roles: trailers::values(t, "Conflict-Role")
                            .map(str::to_string)
                            .collect(),
                        topic: get("Topic").unwrap_or_default(),
                        kind: get("Conflict-Topic"),
                        tu: get("TU"),
                        opened: date::ymd(c.time, 0),
                        decides: get("Decides"),
                        question: get("Question"),
                        status: if get("Question").is_some() {
                            "escalated".into()
                        } else {
                            "open".into()
                        },
                        resolution: None,
                        resolved_by: None,
                    },
                );
            }
            "resolve" => {
                if let Some(x) = by_id.get_mut(id) {
                    x.status = "resolved".into();
                    x.resolution = get("Resolution");
                    x.resolved_by = get("Resolved-By");
                }
            }
            _ => {}
        }
    }
    let answered: BTreeMap<String, questions::Batch> = questions::batches(ws)?
        .into_iter()
        .map(|b| (b.id.clone(), b))
        .collect();
    let mut out: Vec<Conflict> = by_id.into_values().collect();
    for c in &mut out {
        if c.status == "escalated"
            && let Some(b) = c.question.as_ref().and_then(|q| answered.get(q))
            && !b.is_open()
        {
            let q = &b.questions[0];
            let label = q
                .options
                .iter()
                .find(|o| Some(&o.key) == q.answer.as_ref())
                .map(|o| o.label.clone())
                .unwrap_or_default();
            c.status = "resolved".into();
            c.resolution = Some(label);
            c.resolved_by = Some("customer".into());
        }
    }
    Ok(out)
}

/// What opening a conflict did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The conflict.
    pub conflict: Conflict,
    /// The commit on hot.
    pub commit: CommitId,
}

/// Opens a conflict: the table names who decides, or the customer is asked.
pub fn open(
    ws: &Session,
    parties: &[String],
    topic: &str,
    kind: Option<&str>,
    tu: Option<&str>,
) -> Result<Opened, Error> {
    let repo = &ws.repo;
    let topic = topic.trim();
    if topic.is_empty() || topic.contains('\n') {
        return Err(ConflictError::BadTopic.into());
    }
    let roles_in = parties_of(parties)?;
    refuse_ended_tu(ws, tu)?;
    let table = table(ws)?;
    if let Some(k) = kind
        && !table.rules.iter().any(|r| r.topic == k)
    {
        return Err(ConflictError::UnknownKind {
            kind: k.to_string(),
            topics: table.rules.iter().map(|r| r.topic.clone()).collect(),
        }
        .into());
    }
    let rule = table.rule_for(kind, topic);
    let decides = rule.and_then(|r| r.decides.clone());
    let existing = list(ws)?;
    let who = repo.identity();
    let today = date::ymd(who.time, who.offset);
    let id = date::next_dated_id("C", &today, existing.iter().map(|c| c.id.as_str()));
    // What the table cannot settle goes to the customer, with the mediator's framing.
    let question = match decides {
        None => Some(escalate(ws, &table, rule, &roles_in, topic, tu, &id)?),
        Some(_) => None,
    };
    let (ws_hot, tip) = ws.hot_tip()?;
    let t = open_trailers(&id, &roles_in, topic, rule, &decides, &question, tu);
    let refs: Vec<(&str, &str)> = t.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let title = match (&decides, &question) {
        (Some(d), _) => format!("Conflict {id}: {topic} — {d} decides"),
        (None, Some(q)) => format!("Conflict {id}: {topic} — asked in {q}"),
        _ => format!("Conflict {id}: {topic}"),
    };
    let message = trailers::append(&format!("{title}\n"), &refs);
    let commit = repo.commit_tool_files(&ws_hot, &tip, &[], &message, &who)?;
    let conflict = Conflict {
        status: if question.is_some() {
            "escalated"
        } else {
            "open"
        }
        .into(),
        id,
        roles: roles_in,
        topic: topic.to_string(),
        kind: rule.map(|r| r.topic.clone()),
        tu: tu.map(str::to_string),
        opened: date::ymd(who.time, 0),
        decides,
        question,
        resolution: None,
        resolved_by: None,
    };
    Ok(Opened { conflict, commit })
}

/// The roles of a conflict, each once, canonical; at least two.
fn parties_of(parties: &[String]) -> Result<Vec<String>, Error> {
    let mut roles_in: Vec<String> = Vec::new();
    for p in parties {
        let r = roles::canonical(p.trim())
            .ok_or_else(|| ConflictError::UnknownParty { name: p.clone() })?;
        if !roles_in.iter().any(|x| x == r) {
            roles_in.push(r.to_string());
        }
    }
    if roles_in.len() < 2 {
        return Err(ConflictError::TooFewParties.into());
    }
    Ok(roles_in)
}

/// Refuses a conflict inside a TU that has ended.
fn refuse_ended_tu(ws: &Session, tu: Option<&str>) -> Result<(), Error> {
    if let Some(t) = tu {
        let state = ws
            .ledger()?
            .get(t)
            .map(|r| r.state())
            .ok_or_else(|| TuError::Unknown {
                id: t.to_string(),
                did_you_mean: None,
            })?;
        if state.is_terminal() {
            return Err(ConflictError::TuEnded {
                tu: t.to_string(),
                state: state.to_string(),
            }
            .into());
        }
    }
    Ok(())
}

/// Asks the customer to settle what the authority table cannot: one question, an
/// option per side; returns the batch's id.
fn escalate(
    ws: &Session,
    table: &Table,
    rule: Option<&Rule>,
    roles_in: &[String],
    topic: &str,
    tu: Option<&str>,
    id: &str,
) -> Result<String, Error> {
    let (recommended, why) = recommend(ws, table, rule, roles_in, topic, tu)?;
    let options: Vec<Choice> = roles_in
        .iter()
        .zip(["a", "b", "c", "d"])
        .map(|(r, k)| Choice {
            key: k.to_string(),
            label: format!("Side with the {}", r.replace('_', " ")),
            impact: format!(
                "The {} position stands; the others adapt their work",
                r.replace('_', " ")
            ),
            open: None,
        })
        .collect();
    let asked = questions::ask(
        ws,
        &Asking {
            asked_by: Some(table.mediator.clone()),
            tu: tu.map(str::to_string),
            questions: vec![Question {
                id: "settle".into(),
                context: format!(
                    "{} disagree about: {topic}. The authority table does not settle {}. Recommended: side with the {} — {why}.",
                    roles_in.join(" and "),
                    rule.map_or("this kind of dispute".to_string(), |r| format!(
                        "`{}` disputes",
                        r.topic
                    )),
                    roles_in[recommended].replace('_', " ")
                ),
                question: format!("How should {id} be settled?"),
                recommendation: options[recommended].key.clone(),
                options,
                answer: None,
                answered: None,
                note: None,
            }],
        },
    )?;
    Ok(asked.batch.id)
}

/// The trailers of a conflict's `open` commit.
fn open_trailers(
    id: &str,
    roles_in: &[String],
    topic: &str,
    rule: Option<&Rule>,
    decides: &Option<String>,
    question: &Option<String>,
    tu: Option<&str>,
) -> Vec<(String, String)> {
    let mut t: Vec<(String, String)> = vec![
        ("Conflict".into(), id.to_string()),
        ("Conflict-Event".into(), "open".into()),
    ];
    t.extend(roles_in.iter().map(|r| ("Conflict-Role".into(), r.clone())));
    t.push(("Topic".into(), topic.to_string()));
    if let Some(r) = rule {
        t.push(("Conflict-Topic".into(), r.topic.clone()));
    }
    if let Some(d) = decides {
        t.push(("Decides".into(), d.clone()));
    }
    if let Some(q) = question {
        t.push(("Question".into(), q.clone()));
    }
    if let Some(tu) = tu {
        t.push(("TU".into(), tu.to_string()));
    }
    t
}

/// Resolves an open conflict. Only the role the table names may settle it (the
/// mediator may record its decision for it); an escalated one is settled by answering
/// its question.
pub fn resolve(ws: &Session, id: &str, by: &str, decision: &str) -> Result<Opened, Error> {
    let repo = &ws.repo;
    let decision = decision.trim();
    if decision.is_empty() || decision.contains('\n') {
        return Err(ConflictError::BadDecision.into());
    }
    let by = roles::canonical(by.trim()).ok_or_else(|| ConflictError::UnknownDecider {
        name: by.to_string(),
    })?;
    let all = list(ws)?;
    let c = all
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ConflictError::Unknown { id: id.to_string() })?;
    match c.status.as_str() {
        "resolved" => {
            return Err(ConflictError::AlreadyResolved {
                id: id.to_string(),
                by: c.resolved_by.clone(),
                resolution: c.resolution.clone(),
            }
            .into());
        }
        "escalated" => {
            return Err(ConflictError::Escalated {
                id: id.to_string(),
                question: c.question.clone(),
            }
            .into());
        }
        _ => {}
    }
    let table = table(ws)?;
    let decider = c.decides.as_deref().unwrap_or(&table.mediator);
    if by != decider && by != table.mediator {
        return Err(ConflictError::NotTheDecider {
            by: by.to_string(),
            id: id.to_string(),
            decider: decider.to_string(),
            kind: c.kind.clone(),
        }
        .into());
    }
    let (hot, tip) = ws.hot_tip()?;
    let mut t: Vec<(&str, &str)> = vec![
        ("Conflict", id),
        ("Conflict-Event", "resolve"),
        ("Resolved-By", by),
        ("Resolution", decision),
    ];
    if let Some(tu) = &c.tu {
        t.push(("TU", tu));
    }
    let message = trailers::append(&format!("Settle {id}: {decision}\n"), &t);
    let commit = repo.commit_tool_files(&hot, &tip, &[], &message, &repo.identity())?;
    let conflict = Conflict {
        status: "resolved".into(),
        resolution: Some(decision.to_string()),
        resolved_by: Some(by.to_string()),
        ..c.clone()
    };
    Ok(Opened { conflict, commit })
}

/// Which side an escalation recommends, and why: a party whose word the table gives on
/// another subject the dispute touches; else the party the TU's loop makes responsible
/// for the work; else the party the studio ranks first (its roster order, which puts the
/// Showrunner and the Gatekeeper ahead of the writers).
fn recommend(
    ws: &Session,
    table: &Table,
    rule: Option<&Rule>,
    roles_in: &[String],
    topic: &str,
    tu: Option<&str>,
) -> Result<(usize, String), Error> {
    for (r, _) in table.ranked(topic) {
        if Some(&r.topic) == rule.map(|x| &x.topic) {
            continue;
        }
        if let Some(d) = &r.decides
            && let Some(i) = roles_in.iter().position(|p| p == d)
        {
            return Ok((
                i,
                format!(
                    "the dispute also touches {}, where the table gives the {} the word",
                    r.topic.replace('_', " "),
                    d.replace('_', " ")
                ),
            ));
        }
    }
    if let Some(t) = tu {
        let ledger = ws.ledger()?;
        let loop_id = ws.summary(t, &ledger)?.loop_id;
        if let Some(p) = ws.playbooks()?.get(&loop_id)
            && let Some(i) = roles_in
                .iter()
                .position(|r| p.raci.responsible.contains(r) || &p.raci.accountable == r)
        {
            return Ok((
                i,
                format!(
                    "{t} is a run of {loop_id}, whose work the {} is responsible for",
                    roles_in[i].replace('_', " ")
                ),
            ));
        }
    }
    let rank = |r: &String| {
        roles::ROLES
            .iter()
            .position(|(id, _, _)| id == r)
            .unwrap_or(usize::MAX)
    };
    let i = (0..roles_in.len())
        .min_by_key(|&i| rank(&roles_in[i]))
        .unwrap_or(0);
    Ok((
        i,
        format!(
            "no side holds authority here, and the {} comes first in the studio's order of roles",
            roles_in[i].replace('_', " ")
        ),
    ))
}
