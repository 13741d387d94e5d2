//! The report's reading of history: one walk for the signals besides the ledger, cold's
//! reflog and snapshot tags for merge times, files on hot; the figures are
//! [`crate::report`]'s types.

use std::collections::{BTreeMap, BTreeSet};

use super::Session;
use super::history::{self, History};
use super::snapshot;
use crate::artifact::node::Value;
use crate::artifact::{self, Kind};
use crate::date;
use crate::error::Error;
use crate::git::Repo;
use crate::report::*;
use crate::trace::lifecycle::{Event, State};
use crate::trace::snapshot::Snapshot;
use crate::trace::trailers;

/// What one walk over history collects besides the ledger.
#[derive(Default)]
struct Signals {
    feedback: Vec<(i64, u8, Option<String>, Option<String>)>,
    decisions: Vec<i64>,
    role_events: Vec<(String, String)>,
    /// (time, role code, wake | dormant), in history order.
    role_times: Vec<(i64, String, String)>,
    /// The first and last commit times seen.
    span: Option<(i64, i64)>,
}

fn signals(history: &History) -> Signals {
    let mut out = Signals::default();
    for c in &history.commits {
        out.span = Some(match out.span {
            None => (c.time, c.time),
            Some((a, b)) => (a.min(c.time), b.max(c.time)),
        });
        if c.trailers.is_empty() {
            continue;
        }
        if let Some(score) = c.first("Feedback").and_then(|s| s.parse::<u8>().ok())
            && (1..=5).contains(&score)
        {
            out.feedback.push((
                c.time,
                score,
                c.first("Snapshot").map(str::to_string),
                c.first("Feedback-Note").map(str::to_string),
            ));
        }
        if c.first("Question").is_some() && c.first("Decision").is_some() {
            out.decisions.push(c.time);
        }
        if let Some(ev) = c.first("Role-Event") {
            for role in c.values("Role") {
                out.role_events
                    .push((role.to_string(), ev.trim().to_lowercase()));
                out.role_times.push((
                    c.time,
                    crate::roles::code(role).unwrap_or(role).to_string(),
                    ev.trim().to_lowercase(),
                ));
            }
        }
    }
    out
}

/// Computes the report. `since` (`YYYY-MM-DD`) limits what happened to that day and
/// after; the state of files on hot (hooks, questions) is always the current one.
pub fn compute(ws: &Session, since: Option<&str>) -> Result<Report, Error> {
    let repo = &ws.repo;
    let from = match since {
        None => None,
        Some(s) => Some(
            parse_day(s.trim())
                .ok_or_else(|| Error::Usage(format!("`--since {s}` is not a date (YYYY-MM-DD)")))?,
        ),
    };
    let counts = |t: i64| from.is_none_or(|f| t >= f);
    let hot_ref = ws.hot_ref();
    let cold_ref = ws.cold_ref();
    let hot = repo.ref_target(&hot_ref)?;
    let cold = repo.ref_target(&cold_ref)?;
    if hot.is_none() {
        // Not a studio (or not yet): say so rather than report an empty history.
        ws.hot_tip()?;
    }
    let ledger = ws.ledger()?;

    let mut snaps: Vec<(Snapshot, i64)> = Vec::new();
    for s in snapshot::list(repo)? {
        let t = repo.tag_time(&s.name)?.map_or(0, |(t, _)| t);
        snaps.push((s, t));
    }
    let mut by_time: Vec<(&str, i64, &str)> = snaps
        .iter()
        .map(|(s, t)| (s.commit.as_str(), *t, s.name.as_str()))
        .collect();
    by_time.sort_by(|a, b| (a.1, a.2).cmp(&(b.1, b.2)));
    let by_time: Vec<(&str, i64)> = by_time.into_iter().map(|(c, t, _)| (c, t)).collect();
    let merged_at = history::arrivals(repo, &cold_ref, &by_time)?;

    // Throughput and cycle time.
    let mut by_state: BTreeMap<String, usize> = BTreeMap::new();
    let (mut opened, mut finished, mut rejected) = (0, 0, 0);
    let mut week_counts: BTreeMap<i64, (usize, usize)> = BTreeMap::new();
    let mut cycles: Vec<CycleTu> = Vec::new();
    let mut unmeasured: Vec<String> = Vec::new();
    let mut finish_of: BTreeMap<&str, i64> = BTreeMap::new();
    for r in ledger.tus.values() {
        *by_state.entry(r.state().name().to_string()).or_default() += 1;
        let open_t = opened_at(r);
        if let Some(t) = open_t
            && counts(t)
        {
            opened += 1;
            week_counts.entry(monday(t)).or_default().0 += 1;
        }
        let merged = if r.all_on_cold() {
            let times: Option<Vec<(i64, &'static str)>> = r
                .commits
                .iter()
                .map(|c| merged_at.get(&c.id).copied())
                .collect();
            match times {
                Some(ts) => ts.into_iter().max_by_key(|(t, _)| *t),
                None => {
                    unmeasured.push(r.id.clone());
                    None
                }
            }
        } else {
            None
        };
        let closed = r
            .events
            .iter()
            .find(|e| e.event == Event::Close && e.refused.is_none())
            .map(|e| e.time);
        let finish = match (merged.map(|m| m.0), closed) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(t) = finish
            && (r.all_on_cold() || closed.is_some())
        {
            finish_of.insert(r.id.as_str(), t);
            if counts(t) {
                finished += 1;
                week_counts.entry(monday(t)).or_default().1 += 1;
            }
        }
        if r.state() == State::Rejected
            && let Some(e) = r.events.iter().rev().find(|e| e.event == Event::Reject)
            && counts(e.time)
        {
            rejected += 1;
        }
        if let (Some(o), Some((m, source))) = (open_t, merged)
            && counts(m)
        {
            cycles.push(CycleTu {
                tu: r.id.clone(),
                loop_id: r.opened_with("Loop").map(str::to_string),
                opened: date::ymd(o, 0),
                merged: date::ymd(m, 0),
                hours: round((m - o).max(0) as f64 / 3600.0, 1),
                source,
            });
        }
    }
    let weeks = match (
        week_counts.keys().next().copied(),
        week_counts.keys().last().copied(),
    ) {
        (Some(first), Some(last)) => (0..=(last - first) / 7)
            .map(|i| {
                let day = first + i * 7;
                let (o, f) = week_counts.get(&day).copied().unwrap_or_default();
                Week {
                    week: date::ymd(day * 86_400, 0),
                    opened: o,
                    finished: f,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut hours: Vec<f64> = cycles.iter().map(|c| c.hours).collect();
    hours.sort_by(f64::total_cmp);
    let median = (!hours.is_empty()).then(|| {
        let n = hours.len();
        if n % 2 == 1 {
            hours[n / 2]
        } else {
            round((hours[n / 2 - 1] + hours[n / 2]) / 2.0, 1)
        }
    });
    let mean =
        (!hours.is_empty()).then(|| round(hours.iter().sum::<f64>() / hours.len() as f64, 1));
    let cycle = Cycle {
        count: cycles.len(),
        median_hours: median,
        mean_hours: mean,
        max_hours: hours.last().copied(),
        tus: cycles,
        unmeasured,
    };

    // Gates, rework, blockers, roles.
    let mut decisions = Decisions::default();
    let mut by_loop: BTreeMap<String, Decisions> = BTreeMap::new();
    let mut bars: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut rework: BTreeMap<String, usize> = BTreeMap::new();
    let mut checkpoints = 0;
    let mut with_blockers = 0;
    let mut named: Vec<(i64, usize, String, String)> = Vec::new();
    let mut role_commits: BTreeMap<String, usize> = BTreeMap::new();
    let mut role_hours: BTreeMap<String, i64> = BTreeMap::new();
    for r in ledger.tus.values() {
        let opener = r.opened_with("Role").map(str::to_string);
        let loop_id = r.opened_with("Loop").unwrap_or("(no loop)").to_string();
        commits_by_role(r, &counts, &mut role_commits);
        if let (Some(role), Some(o)) = (&opener, opened_at(r)) {
            let end = finish_of
                .get(r.id.as_str())
                .copied()
                .or_else(|| r.commits.last().map(|c| c.time))
                .unwrap_or(o);
            let start = from.map_or(o, |f| o.max(f));
            if end > start {
                *role_hours.entry(role.clone()).or_default() += end - start;
            } else {
                role_hours.entry(role.clone()).or_default();
            }
        }
        // A rework cycle is a trip back from the gate (a blocked submit or a `rework`
        // event) that the TU came back from with another submit.
        let live: Vec<_> = r.events.iter().filter(|e| e.refused.is_none()).collect();
        let returned = |e: &crate::trace::ledger::EventRecord| {
            e.event == Event::Rework
                || (e.event == Event::Submit
                    && trailers::first(&e.trailers, "Gate")
                        .is_some_and(|g| g.trim().eq_ignore_ascii_case("block")))
        };
        for (i, e) in live.iter().enumerate() {
            if returned(e)
                && counts(e.time)
                && live[i + 1..].iter().any(|l| l.event == Event::Submit)
            {
                *rework.entry(r.id.clone()).or_default() += 1;
            }
        }
        for e in live.into_iter().filter(|e| counts(e.time)) {
            match e.event {
                Event::Submit => {
                    let Some(decision) = trailers::first(&e.trailers, "Gate") else {
                        continue;
                    };
                    let decision = decision.trim().to_lowercase();
                    decisions.add(&decision);
                    by_loop.entry(loop_id.clone()).or_default().add(&decision);
                    if let Some(gk) = trailers::first(&e.trailers, "Gate-Report") {
                        for (bar, status) in report_bars(repo, &e.commit, gk.trim())? {
                            let slot = bars.entry(bar).or_default();
                            match status.as_str() {
                                "red" => slot.0 += 1,
                                "yellow" => slot.1 += 1,
                                _ => {}
                            }
                        }
                    }
                }
                Event::Checkpoint => {
                    checkpoints += 1;
                    let b = trailers::values(&e.trailers, "Blocker")
                        .filter(|b| !b.trim().is_empty())
                        .collect::<Vec<_>>();
                    if !b.is_empty() {
                        with_blockers += 1;
                    }
                    let seq = r
                        .commits
                        .iter()
                        .find(|c| c.id == e.commit)
                        .map_or(0, |c| c.seq);
                    named.extend(
                        b.into_iter()
                            .map(|t| (e.time, seq, r.id.clone(), t.trim().to_string())),
                    );
                }
                _ => {}
            }
        }
    }
    named.sort();
    let mut by_bar: Vec<BarCount> = bars
        .into_iter()
        .map(|(bar, (red, yellow))| BarCount { bar, red, yellow })
        .filter(|b| b.red + b.yellow > 0)
        .collect();
    by_bar.sort_by(|a, b| (b.red, b.yellow, &a.bar).cmp(&(a.red, a.yellow, &b.bar)));

    let sig = signals(&*ws.history()?);
    let total_commits: usize = role_commits.values().sum();
    // Awake time from the roster's history: a role's `Role-Event` commits switch it;
    // before its first one it was in the other state (a role first woken was asleep),
    // and a role with none has been as the roster says now, all along.
    let awake_now: BTreeSet<&str> = crate::app::roster::awake(ws)?
        .into_iter()
        .filter_map(crate::roles::code)
        .collect();
    let mut awake_secs: BTreeMap<String, i64> = BTreeMap::new();
    if let Some((first, last)) = sig.span {
        let start = from.map_or(first, |f| f.max(first));
        for (_, code, _) in crate::roles::ROLES {
            let mut events: Vec<&(i64, String, String)> = sig
                .role_times
                .iter()
                .filter(|(_, r, _)| r == code)
                .collect();
            events.sort_by_key(|e| e.0);
            let mut awake = match events.first() {
                Some((_, _, e)) => e == "dormant",
                None => awake_now.contains(code),
            };
            let mut since = first;
            let mut total = 0i64;
            let mut add = |a: i64, b: i64| {
                let (a, b) = (a.max(start), b.min(last));
                if b > a {
                    total += b - a;
                }
            };
            for (t, _, e) in events {
                let wakes = e == "wake";
                if awake && !wakes {
                    add(since, *t);
                }
                if wakes != awake {
                    since = *t;
                }
                awake = wakes;
            }
            if awake {
                add(since, last);
            }
            if total > 0 {
                awake_secs.insert(code.to_string(), total);
            }
        }
    }
    let mut role_names: BTreeSet<String> = role_commits.keys().cloned().collect();
    role_names.extend(awake_secs.keys().cloned());
    role_names.extend(role_hours.keys().cloned());
    role_names.extend(sig.role_events.iter().map(|(r, _)| r.clone()));
    let roles = role_names
        .into_iter()
        .map(|role| {
            let commits = role_commits.get(&role).copied().unwrap_or(0);
            RoleUse {
                commits,
                share: if total_commits == 0 {
                    0.0
                } else {
                    round(commits as f64 / total_commits as f64, 3)
                },
                tu_hours: round(
                    role_hours.get(&role).copied().unwrap_or(0) as f64 / 3600.0,
                    1,
                ),
                awake_hours: round(
                    awake_secs.get(&role).copied().unwrap_or(0) as f64 / 3600.0,
                    1,
                ),
                woken: sig
                    .role_events
                    .iter()
                    .filter(|(r, e)| *r == role && e == "wake")
                    .count(),
                put_to_sleep: sig
                    .role_events
                    .iter()
                    .filter(|(r, e)| *r == role && e == "dormant")
                    .count(),
                role,
            }
        })
        .collect();

    // Files on hot: hook cards and question batches.
    let mut hook_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut blocking_hooks = Vec::new();
    let mut open_q = Vec::new();
    let mut answered_q = Vec::new();
    if let Some(tip) = &hot {
        let files = repo.tree_files(tip, &|p| {
            (p.starts_with("hooks/") || p.starts_with("questions/")) && p.ends_with(".yaml")
        })?;
        for (path, bytes) in files {
            let kind = if path.starts_with("hooks/") {
                Kind::Hook
            } else {
                Kind::Question
            };
            let Ok(a) = artifact::parse(kind, &path, &bytes) else {
                continue;
            };
            let status = a.data.str_at("status").unwrap_or("unknown").to_string();
            let id = artifact::stem(&path).to_string();
            if kind == Kind::Hook {
                let settled = matches!(status.as_str(), "resolved" | "canonized" | "rejected");
                if a.data
                    .get("blocking")
                    .is_some_and(|n| matches!(n.value, Value::Bool(true)))
                    && !settled
                {
                    blocking_hooks.push(id);
                }
                *hook_status.entry(status).or_default() += 1;
            } else if status == "open" {
                open_q.push(id);
            } else {
                answered_q.push(id);
            }
        }
    }
    let hook_total: usize = hook_status.values().sum();
    let triaged = hook_total - hook_status.get("proposed").copied().unwrap_or(0);
    let hooks = Hooks {
        total: hook_total,
        triaged_rate: (hook_total > 0).then(|| round(triaged as f64 / hook_total as f64, 3)),
        by_status: hook_status,
    };

    // Snapshots, oldest first, and feedback per milestone in that order.
    snaps.sort_by(|a, b| (a.1, &a.0.name).cmp(&(b.1, &b.0.name)));
    let mut snapshots: Vec<SnapshotLine> = Vec::new();
    for (s, t) in snaps.iter().filter(|(_, t)| counts(*t)) {
        let mut views: BTreeMap<String, usize> = BTreeMap::new();
        for (_, format) in crate::app::bind::views_of(repo, &s.commit)? {
            *views.entry(format).or_default() += 1;
        }
        snapshots.push(SnapshotLine {
            name: s.name.clone(),
            date: date::ymd(*t, 0),
            tus: s.tus.len(),
            files: s.files.len(),
            views,
        });
    }
    let mut fb: Vec<&(i64, u8, Option<String>, Option<String>)> =
        sig.feedback.iter().filter(|f| counts(f.0)).collect();
    fb.sort_by_key(|f| (f.0, f.1));
    let order = |m: &Option<String>| -> (usize, String) {
        match m {
            None => (0, String::new()),
            Some(name) => (
                snaps
                    .iter()
                    .position(|(s, _)| &s.name == name)
                    .map_or(usize::MAX, |i| i + 1),
                name.clone(),
            ),
        }
    };
    let mut per: BTreeMap<(usize, String), (Option<String>, usize, u32)> = BTreeMap::new();
    for (_, score, milestone, _) in &fb {
        let slot = per
            .entry(order(milestone))
            .or_insert((milestone.clone(), 0, 0));
        slot.1 += 1;
        slot.2 += u32::from(*score);
    }
    let feedback = Feedback {
        count: fb.len(),
        mean: (!fb.is_empty()).then(|| {
            round(
                fb.iter().map(|f| f64::from(f.1)).sum::<f64>() / fb.len() as f64,
                2,
            )
        }),
        by_milestone: per
            .into_values()
            .map(|(milestone, count, sum)| Milestone {
                milestone,
                count,
                mean: round(f64::from(sum) / count as f64, 2),
            })
            .collect(),
        notes: fb
            .iter()
            .filter_map(|(t, s, _, n)| Some((date::ymd(*t, 0), *s, n.clone()?)))
            .collect(),
    };

    Ok(Report {
        since: since.map(|s| s.trim().to_string()),
        hot,
        cold,
        tus: Tus {
            opened,
            finished,
            rejected,
            by_state,
            weeks,
            cycle,
        },
        gates: Gates {
            total: decisions.total(),
            decisions,
            by_loop,
            by_bar,
        },
        rework: Rework {
            cycles: rework.values().sum(),
            by_tu: rework,
        },
        roles,
        blockers: Blockers {
            checkpoints,
            with_blockers,
            named: named.into_iter().map(|(_, _, tu, t)| (tu, t)).collect(),
            blocking_hooks,
        },
        hooks,
        questions: Questions {
            open: open_q,
            answered: answered_q,
            decisions: sig.decisions.iter().filter(|t| counts(**t)).count(),
        },
        snapshots,
        feedback,
    })
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
    Ok(a.data
        .get("bars")
        .and_then(|n| n.as_seq())
        .unwrap_or(&[])
        .iter()
        .filter_map(|b| {
            Some((
                b.str_at("bar")?.to_string(),
                b.str_at("status")?.to_string(),
            ))
        })
        .collect())
}
