//! The role roster (`roles.yaml` on hot): who is awake or dormant and why, changed only
//! by commits carrying `Role-Event:` trailers. The Showrunner and the Gatekeeper never
//! sleep; an optional role put to sleep leaves its deferral tag on the open TUs that
//! name it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::app::Session;
use crate::artifact::de::{self, Lenient};
use crate::artifact::yaml::{self, YamlError};
use crate::artifact::{self, Kind};
use crate::date;
use crate::error::{Error, RosterError, TuError};
use crate::git::Repo;
use crate::ids::CommitId;
use crate::roles::{self, NEVER_DORMANT, ROLES};
use crate::trace::brief::{self, Brief, Change, Named};
use crate::trace::lifecycle::State;
use crate::trace::trailers;

/// One role's line in the roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// `awake` or `dormant`.
    pub state: String,
    /// The date it entered that state (empty when the roster does not say).
    pub since: String,
    /// Why.
    pub reason: String,
    /// The TU that changed it, if any.
    pub tu: Option<String>,
    /// What would wake it again.
    pub rewake_when: Option<String>,
}

/// A role as `role list` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    /// Role id.
    pub role: &'static str,
    /// Role code.
    pub code: &'static str,
    /// Its roster entry (the default state when the roster does not list it).
    pub entry: Entry,
    /// Open TUs whose brief names it (owner, responsible, consulted, informed, awake).
    pub open_tus: Vec<String>,
    /// Open TUs where it is responsible.
    pub responsible_in: Vec<String>,
    /// TU commits attributed to it (its own `Role:` trailer, else its TU opener's).
    pub commits: usize,
    /// Its share of all TU commits, 0–1.
    pub share: f64,
}

/// What a wake or dormant commit did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Changed {
    /// Role id.
    pub role: &'static str,
    /// The new state.
    pub state: &'static str,
    /// The commit on hot.
    pub commit: CommitId,
    /// Open TUs whose brief got the role's deferral tag: (TU, tag), as `{"tu", "tag"}`.
    #[serde(serialize_with = "deferred_json")]
    pub deferred: Vec<(String, String)>,
}

fn deferred_json<S: serde::Serializer>(
    deferred: &[(String, String)],
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    struct Deferred<'a> {
        tu: &'a str,
        tag: &'a str,
    }
    s.collect_seq(deferred.iter().map(|(tu, tag)| Deferred { tu, tag }))
}

/// The deferral tag an optional role's sleep leaves on open TUs that need it.
pub fn deferral_tag(role: &str) -> Option<&'static str> {
    match role {
        "art_director" | "illustrator" => Some("deferred:art"),
        "audio_director" | "audio_producer" => Some("deferred:audio"),
        "translator" => Some("deferred:translation"),
        "researcher" => Some("deferred:research"),
        _ => None,
    }
}

fn role_arg(name: &str) -> Result<&'static str, Error> {
    roles::canonical(name.trim()).ok_or_else(|| {
        RosterError::UnknownRole {
            name: name.to_string(),
        }
        .into()
    })
}

/// Reads `roles.yaml` at a commit: entries by role id. A missing file is an empty
/// roster; a broken one is an error naming the file and line.
fn read(repo: &Repo, tip: &str) -> Result<BTreeMap<&'static str, Entry>, Error> {
    let mut out = BTreeMap::new();
    let Some(bytes) = repo.blob_at(tip, "roles.yaml")? else {
        return Ok(out);
    };
    let a =
        artifact::parse(Kind::Roster, "roles.yaml", &bytes).map_err(|e| RosterError::Broken {
            path: e.path,
            line: e.line,
            message: e.message,
        })?;
    let file: RosterFile = de::from_node(&a.data).unwrap_or_default();
    for (name, Lenient(v)) in file.roles {
        let Some(role) = roles::canonical(&name) else {
            continue;
        };
        out.insert(
            role,
            Entry {
                state: v.state.unwrap_or_else(|| "awake".into()),
                since: v.since,
                reason: v.reason,
                tu: v.tu,
                rewake_when: v.rewake_when,
            },
        );
    }
    Ok(out)
}

/// `roles.yaml` as written: role entries in document order (of two keys naming the same
/// role, the later wins); a mistyped field reads as absent.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RosterFile {
    #[serde(deserialize_with = "de::entries")]
    roles: Vec<(String, Lenient<EntryFile>)>,
}

/// One role's entry as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EntryFile {
    #[serde(deserialize_with = "de::lenient")]
    state: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    since: String,
    #[serde(deserialize_with = "de::lenient")]
    reason: String,
    #[serde(deserialize_with = "de::lenient")]
    tu: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    rewake_when: Option<String>,
}

fn default_entry(role: &str) -> Entry {
    let awake = ROLES.iter().any(|(id, _, a)| *id == role && *a);
    Entry {
        state: if awake { "awake" } else { "dormant" }.into(),
        since: String::new(),
        reason: "the studio's default".into(),
        tu: None,
        rewake_when: None,
    }
}

/// Renders the roster: every role listed, in the order of DESIGN §2.
fn render(entries: &BTreeMap<&'static str, Entry>) -> Result<String, YamlError> {
    let roles: Vec<(&str, Entry)> = ROLES
        .iter()
        .map(|(role, _, _)| {
            let e = entries
                .get(role)
                .cloned()
                .unwrap_or_else(|| default_entry(role));
            (*role, e)
        })
        .collect();
    let file = RosterOut {
        roles: roles
            .iter()
            .map(|(role, e)| {
                (
                    *role,
                    EntryOut {
                        state: &e.state,
                        since: Some(e.since.as_str()).filter(|s| !s.is_empty()),
                        reason: &e.reason,
                        tu: e.tu.as_deref(),
                        rewake_when: e.rewake_when.as_deref(),
                    },
                )
            })
            .collect(),
    };
    Ok(format!(
        "# Who is awake in this studio, and why. Changed by `showrunner role wake/dormant`.\n{}",
        yaml::to_string(&file)?
    ))
}

/// `roles.yaml` as written: every role, in the order of DESIGN §2.
#[derive(Serialize)]
struct RosterOut<'a> {
    #[serde(serialize_with = "in_order")]
    roles: Vec<(&'a str, EntryOut<'a>)>,
}

/// One role's entry as written.
#[derive(Serialize)]
struct EntryOut<'a> {
    state: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    since: Option<&'a str>,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tu: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rewake_when: Option<&'a str>,
}

/// Pairs written as a mapping, in their order.
fn in_order<S: serde::Serializer>(
    pairs: &[(&str, EntryOut<'_>)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

/// Whether a brief names a role in one of its role fields; `responsible` limits it to
/// `responsible_r`.
fn names(brief: &Brief, role: &str, responsible: bool) -> bool {
    let fields: &[&Named] = if responsible {
        &[&brief.responsible_r]
    } else {
        &[
            &brief.owner_a,
            &brief.responsible_r,
            &brief.consulted_c,
            &brief.informed_i,
            &brief.awake,
        ]
    };
    fields
        .iter()
        .flat_map(|f| f.all())
        .any(|n| roles::canonical(n) == Some(role))
}

const OPEN: [State; 4] = [
    State::HotProposed,
    State::Stabilizing,
    State::Gatecheck,
    State::Deferred,
];

/// Open TUs with their brief on hot: (id, path, text, read).
fn open_briefs(
    repo: &Repo,
    ws: &Session,
    tip: &str,
) -> Result<Vec<(String, String, String, Brief)>, Error> {
    let mut out = Vec::new();
    for s in ws.list(None)? {
        if !OPEN.contains(&s.state) {
            continue;
        }
        let path = format!("tus/{}.yaml", s.id);
        let Some(bytes) = repo.blob_at(tip, &path)? else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Ok(a) = artifact::parse(Kind::Tu, &path, &bytes) {
            out.push((s.id, path, text, Brief::from_node(&a.data)));
        }
    }
    Ok(out)
}

/// Every role with its state, open TUs and utilisation.
pub fn list(ws: &Session) -> Result<Vec<Listed>, Error> {
    let repo = &ws.repo;
    let (_, tip) = ws.hot_tip()?;
    let entries = read(repo, &tip)?;
    let briefs = open_briefs(repo, ws, &tip)?;
    let usage = crate::report::commits_per_role(&*ws.ledger()?);
    let total: usize = usage.values().sum();
    Ok(ROLES
        .iter()
        .map(|(role, code, _)| {
            let commits: usize = usage
                .iter()
                .filter(|(r, _)| roles::canonical(r) == Some(role))
                .map(|(_, n)| n)
                .sum();
            Listed {
                role,
                code,
                entry: entries
                    .get(role)
                    .cloned()
                    .unwrap_or_else(|| default_entry(role)),
                open_tus: briefs
                    .iter()
                    .filter(|b| names(&b.3, role, false))
                    .map(|b| b.0.clone())
                    .collect(),
                responsible_in: briefs
                    .iter()
                    .filter(|b| names(&b.3, role, true))
                    .map(|b| b.0.clone())
                    .collect(),
                commits,
                share: if total == 0 {
                    0.0
                } else {
                    (commits as f64 / total as f64 * 1000.0).round() / 1000.0
                },
            }
        })
        .collect())
}

/// Wakes a role for a TU: commits the roster on hot with `Role-Event: wake`.
pub fn wake(ws: &Session, role: &str, tu: &str, reason: &str) -> Result<Changed, Error> {
    let repo = &ws.repo;
    let role = role_arg(role)?;
    let reason = one_line(reason, "reason")?;
    let ledger = ws.ledger()?;
    let state = ledger
        .get(tu)
        .map(|r| r.state())
        .ok_or_else(|| TuError::UnknownSeeList { id: tu.to_string() })?;
    if state.is_terminal() {
        return Err(RosterError::TuFinished {
            tu: tu.to_string(),
            state: state.to_string(),
        }
        .into());
    }
    let (_, tip) = ws.hot_tip()?;
    let entries = read(repo, &tip)?;
    let current = entries
        .get(role)
        .cloned()
        .unwrap_or_else(|| default_entry(role));
    if current.state == "awake" {
        return Err(RosterError::Already {
            role: role.to_string(),
            state: "awake",
            entry: Some((current.since, current.reason)),
        }
        .into());
    }
    let (_, commit) =
        wake_for(ws, tu, &[role.to_string()], &reason)?.ok_or_else(|| RosterError::Already {
            role: role.to_string(),
            state: "awake",
            entry: None,
        })?;
    Ok(Changed {
        role,
        state: "awake",
        commit,
        deferred: Vec::new(),
    })
}

fn one_line(text: &str, what: &'static str) -> Result<String, Error> {
    let t = text.trim();
    if t.is_empty() || t.contains('\n') {
        return Err(RosterError::NotOneLine { what }.into());
    }
    Ok(t.to_string())
}

/// Puts a role to sleep: commits the roster on hot with `Role-Event: dormant`, and the
/// role's deferral tag on the open TUs whose briefs name it. Refused for the Showrunner
/// and the Gatekeeper, and (without `force`) for a role responsible in an open TU.
pub fn dormant(
    ws: &Session,
    role: &str,
    reason: &str,
    rewake: Option<&str>,
    force: bool,
) -> Result<Changed, Error> {
    let repo = &ws.repo;
    let role = role_arg(role)?;
    let reason = one_line(reason, "reason")?;
    let rewake = rewake
        .map(|r| one_line(r, "re-wake condition"))
        .transpose()?;
    if NEVER_DORMANT.contains(&role) {
        return Err(RosterError::NeverDormant {
            role: role.to_string(),
        }
        .into());
    }
    let (hot, tip) = ws.hot_tip()?;
    let mut entries = read(repo, &tip)?;
    let current = entries
        .get(role)
        .cloned()
        .unwrap_or_else(|| default_entry(role));
    if current.state == "dormant" {
        return Err(RosterError::Already {
            role: role.to_string(),
            state: "dormant",
            entry: Some((current.since, current.reason)),
        }
        .into());
    }
    let briefs = open_briefs(repo, ws, &tip)?;
    let responsible: Vec<&str> = briefs
        .iter()
        .filter(|b| names(&b.3, role, true))
        .map(|b| b.0.as_str())
        .collect();
    if !responsible.is_empty() && !force {
        return Err(RosterError::Responsible {
            role: role.to_string(),
            tus: responsible.iter().map(|t| t.to_string()).collect(),
        }
        .into());
    }
    let who = repo.identity();
    entries.insert(
        role,
        Entry {
            state: "dormant".into(),
            since: date::ymd(who.time, who.offset),
            reason: reason.clone(),
            tu: None,
            rewake_when: rewake.clone(),
        },
    );
    let roster = render(&entries).map_err(|e| Error::Io {
        path: "roles.yaml".into(),
        source: std::io::Error::other(e),
    })?;
    let mut files = vec![("roles.yaml".to_string(), roster.into_bytes())];
    let mut deferred = Vec::new();
    if let Some(tag) = deferral_tag(role) {
        for (id, path, text, read) in &briefs {
            if !names(read, role, false) {
                continue;
            }
            if read.deferrals.iter().any(|d| d == tag) {
                continue;
            }
            let edited = brief::edit(text, &[Change::Add("deferrals".into(), tag.into())])
                .map_err(|reason| TuError::BadEdit {
                    path: path.clone(),
                    reason,
                })?;
            files.push((path.clone(), edited.into_bytes()));
            deferred.push((id.clone(), tag.to_string()));
        }
    }
    let code = roles::code(role).unwrap_or(role);
    let mut t: Vec<(&str, &str)> = vec![("Role-Event", "dormant"), ("Role", code)];
    if let Some(w) = &rewake {
        t.push(("Rewake-When", w));
    }
    let message = trailers::append(&format!("Put {role} to sleep: {reason}\n"), &t);
    let commit = repo.commit_tool_files(&hot, &tip, &files, &message, &who)?;
    Ok(Changed {
        role,
        state: "dormant",
        commit,
        deferred,
    })
}

/// Wakes, in one commit on hot, every role of `needed` that is dormant, for a TU that
/// needs them (a loop run opening). Returns the roles woken and the commit, or `None`
/// when all were awake already.
pub fn wake_for(
    ws: &Session,
    tu: &str,
    needed: &[String],
    reason: &str,
) -> Result<Option<(Vec<&'static str>, CommitId)>, Error> {
    let repo = &ws.repo;
    let (hot, tip) = ws.hot_tip()?;
    let mut entries = read(repo, &tip)?;
    let who = repo.identity();
    let today = date::ymd(who.time, who.offset);
    let mut woken: Vec<&'static str> = Vec::new();
    for name in needed {
        let Some(role) = roles::canonical(name) else {
            continue;
        };
        let current = entries
            .get(role)
            .cloned()
            .unwrap_or_else(|| default_entry(role));
        if current.state == "awake" || woken.contains(&role) {
            continue;
        }
        entries.insert(
            role,
            Entry {
                state: "awake".into(),
                since: today.clone(),
                reason: reason.to_string(),
                tu: Some(tu.to_string()),
                rewake_when: None,
            },
        );
        woken.push(role);
    }
    if woken.is_empty() {
        return Ok(None);
    }
    let codes: Vec<&str> = woken.iter().map(|r| roles::code(r).unwrap_or(r)).collect();
    let mut t: Vec<(&str, &str)> = vec![("TU", tu), ("Role-Event", "wake")];
    t.extend(codes.iter().map(|c| ("Role", *c)));
    let message = trailers::append(
        &format!("Wake {} for {tu}: {reason}\n", woken.join(", ")),
        &t,
    );
    let roster = render(&entries).map_err(|e| Error::Io {
        path: "roles.yaml".into(),
        source: std::io::Error::other(e),
    })?;
    let files = vec![("roles.yaml".to_string(), roster.into_bytes())];
    let commit = repo.commit_tool_files(&hot, &tip, &files, &message, &who)?;
    Ok(Some((woken, commit)))
}

/// The roles awake now, in roster order (from `roles.yaml` on hot, defaults where it is
/// silent).
pub fn awake(ws: &Session) -> Result<Vec<&'static str>, Error> {
    let repo = &ws.repo;
    let Some(tip) = repo.ref_target(&ws.hot_ref())? else {
        return Ok(Vec::new());
    };
    let entries = read(repo, &tip)?;
    Ok(ROLES
        .iter()
        .map(|(id, _, _)| *id)
        .filter(|id| {
            entries
                .get(id)
                .cloned()
                .unwrap_or_else(|| default_entry(id))
                .state
                == "awake"
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roster_is_written_as_it_always_was_and_reads_back_the_same() {
        let mut entries = BTreeMap::new();
        entries.insert(
            "researcher",
            Entry {
                state: "awake".into(),
                since: "2026-11-26".into(),
                reason: "the guild's dates: check them".into(),
                tu: Some("TU-2026-11-26-SR01".into()),
                rewake_when: Some("a hook needs facts".into()),
            },
        );
        let text = render(&entries).expect("writes");
        let expected_head =
            "# Who is awake in this studio, and why. Changed by `showrunner role wake/dormant`.
roles:
  showrunner:
    state: awake
    reason: the studio's default
  gatekeeper:
";
        assert!(text.starts_with(expected_head), "{text}");
        assert!(
            text.contains(
                "  researcher:
    state: awake
    since: \"2026-11-26\"
    reason: \"the guild's dates: check them\"
    tu: TU-2026-11-26-SR01
    rewake_when: a hook needs facts
  art_director:
    state: dormant
"
            ),
            "{text}"
        );
        let role_lines = text
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("   "));
        assert_eq!(role_lines.count(), ROLES.len());
        let node = crate::artifact::yaml::parse(&text).expect("parses");
        let file: RosterFile = de::from_node(&node).expect("reads");
        assert_eq!(file.roles.len(), ROLES.len());
        assert_eq!(file.roles[7].0, "researcher");
        assert_eq!(file.roles[7].1.0.tu.as_deref(), Some("TU-2026-11-26-SR01"));
    }
}
