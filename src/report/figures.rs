//! The report's figures, one function per section, computed from the loaded
//! [`Inputs`]: pure functions of values (the reading is `app::report`'s).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::inputs::{HookCard, Inputs, Signals, Since, Tagged};
use super::*;
use crate::date;
use crate::ids::CommitId;
use crate::trace::ledger::{EventRecord, Ledger, TuRecord};
use crate::trace::lifecycle::{Event, State};
use crate::trace::trailers;

/// The period counted: all history, or from a day's midnight on.
#[derive(Clone, Copy)]
struct Window(Option<i64>);

impl Window {
    /// Whether something that happened at `t` counts.
    fn counts(self, t: i64) -> bool {
        self.0.is_none_or(|f| t >= f)
    }

    /// Where a stretch of time that began at `t` starts to count.
    fn start(self, t: i64) -> i64 {
        self.0.map_or(t, |f| t.max(f))
    }
}

/// Computes the report from what `app::report` read. `since` limits what happened to
/// that day and after; the state of files on hot (hooks, questions) is always the
/// current one.
pub fn compute(inputs: &Inputs<'_>, since: Option<&Since>) -> Report {
    let w = Window(since.map(|s| s.from));
    let (tus, finish_of) = throughput(inputs, w);
    let (hooks, blocking_hooks) = hooks(&inputs.hooks);
    let snaps = oldest_first(&inputs.snapshots);
    Report {
        since: since.map(|s| s.day.clone()),
        hot: inputs.hot.clone(),
        cold: inputs.cold.clone(),
        tus,
        gates: gates(inputs, w),
        rework: rework(inputs.ledger, w),
        roles: roles(inputs, w, &finish_of),
        blockers: blockers(inputs.ledger, w, blocking_hooks),
        hooks,
        questions: questions(inputs, w),
        snapshots: snapshots(&snaps, w),
        feedback: feedback(&inputs.signals, &snaps, w),
    }
}

/// How a TU finished, as far as history says.
struct Finish {
    /// When cold first held all its commits, and where that moment comes from.
    merged: Option<(i64, &'static str)>,
    /// Entirely on cold, but some commit's arrival is unrecorded.
    unmeasured: bool,
    /// Finished: merged or closed, whichever came first.
    at: Option<i64>,
}

fn finish(r: &TuRecord, arrivals: &HashMap<CommitId, (i64, &'static str)>) -> Finish {
    let mut unmeasured = false;
    let merged = if r.all_on_cold() {
        let times: Option<Vec<(i64, &'static str)>> = r
            .commits
            .iter()
            .map(|c| arrivals.get(&c.id).copied())
            .collect();
        match times {
            Some(ts) => ts.into_iter().max_by_key(|(t, _)| *t),
            None => {
                unmeasured = true;
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
    let at = match (merged.map(|m| m.0), closed) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Finish {
        merged,
        unmeasured,
        at,
    }
}

/// TUs opened, finished and rejected, per week and by state, and cycle times; with
/// when each TU finished (for the roles' hours).
fn throughput<'a>(inputs: &Inputs<'a>, w: Window) -> (Tus, BTreeMap<&'a str, i64>) {
    let mut by_state: BTreeMap<String, usize> = BTreeMap::new();
    let (mut opened, mut finished, mut rejected) = (0, 0, 0);
    let mut week_counts: BTreeMap<i64, (usize, usize)> = BTreeMap::new();
    let mut cycles: Vec<CycleTu> = Vec::new();
    let mut unmeasured: Vec<String> = Vec::new();
    let mut finish_of: BTreeMap<&'a str, i64> = BTreeMap::new();
    for r in inputs.ledger.tus.values() {
        *by_state.entry(r.state().name().to_string()).or_default() += 1;
        let open_t = opened_at(r);
        if let Some(t) = open_t
            && w.counts(t)
        {
            opened += 1;
            week_counts.entry(monday(t)).or_default().0 += 1;
        }
        let f = finish(r, &inputs.arrivals);
        if f.unmeasured {
            unmeasured.push(r.id.clone());
        }
        if let Some(t) = f.at {
            finish_of.insert(r.id.as_str(), t);
            if w.counts(t) {
                finished += 1;
                week_counts.entry(monday(t)).or_default().1 += 1;
            }
        }
        if r.state() == State::Rejected
            && let Some(e) = r.events.iter().rev().find(|e| e.event == Event::Reject)
            && w.counts(e.time)
        {
            rejected += 1;
        }
        if let (Some(o), Some((m, source))) = (open_t, f.merged)
            && w.counts(m)
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
    let tus = Tus {
        opened,
        finished,
        rejected,
        by_state,
        weeks: weeks(&week_counts),
        cycle: cycle(cycles, unmeasured),
    };
    (tus, finish_of)
}

/// Every week from the first to the last counted, from (opened, finished) per Monday.
fn weeks(counts: &BTreeMap<i64, (usize, usize)>) -> Vec<Week> {
    let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().last()) else {
        return Vec::new();
    };
    (0..=(last - first) / 7)
        .map(|i| {
            let day = first + i * 7;
            let (opened, finished) = counts.get(&day).copied().unwrap_or_default();
            Week {
                week: date::ymd(day * 86_400, 0),
                opened,
                finished,
            }
        })
        .collect()
}

/// Median, mean and longest of the measured cycles.
fn cycle(tus: Vec<CycleTu>, unmeasured: Vec<String>) -> Cycle {
    let mut hours: Vec<f64> = tus.iter().map(|c| c.hours).collect();
    hours.sort_by(f64::total_cmp);
    let n = hours.len();
    let median = (n > 0).then(|| {
        if n % 2 == 1 {
            hours[n / 2]
        } else {
            round((hours[n / 2 - 1] + hours[n / 2]) / 2.0, 1)
        }
    });
    Cycle {
        count: tus.len(),
        median_hours: median,
        mean_hours: (n > 0).then(|| round(hours.iter().sum::<f64>() / n as f64, 1)),
        max_hours: hours.last().copied(),
        tus,
        unmeasured,
    }
}

/// A TU's events that the replay applied.
fn live(r: &TuRecord) -> impl Iterator<Item = &EventRecord> {
    r.events.iter().filter(|e| e.refused.is_none())
}

/// Gate decisions overall and per loop, and the bars of committed gate reports.
fn gates(inputs: &Inputs<'_>, w: Window) -> Gates {
    let mut decisions = Decisions::default();
    let mut by_loop: BTreeMap<String, Decisions> = BTreeMap::new();
    let mut bars: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in inputs.ledger.tus.values() {
        let loop_id = r.opened_with("Loop").unwrap_or("(no loop)");
        for e in live(r).filter(|e| e.event == Event::Submit && w.counts(e.time)) {
            let Some(decision) = trailers::first(&e.trailers, "Gate") else {
                continue;
            };
            let decision = decision.trim().to_lowercase();
            decisions.add(&decision);
            by_loop
                .entry(loop_id.to_string())
                .or_default()
                .add(&decision);
            let Some(id) = trailers::first(&e.trailers, "Gate-Report") else {
                continue;
            };
            let key = (e.commit.clone(), id.trim().to_string());
            for (bar, status) in inputs.gate_bars.get(&key).into_iter().flatten() {
                let slot = bars.entry(bar.clone()).or_default();
                match status.as_str() {
                    "red" => slot.0 += 1,
                    "yellow" => slot.1 += 1,
                    _ => {}
                }
            }
        }
    }
    let mut by_bar: Vec<BarCount> = bars
        .into_iter()
        .map(|(bar, (red, yellow))| BarCount { bar, red, yellow })
        .filter(|b| b.red + b.yellow > 0)
        .collect();
    by_bar.sort_by(|a, b| (b.red, b.yellow, &a.bar).cmp(&(a.red, a.yellow, &b.bar)));
    Gates {
        total: decisions.total(),
        decisions,
        by_loop,
        by_bar,
    }
}

/// Rework: a trip back from the gate (a blocked submit or a `rework` event) that the
/// TU came back from with another submit.
fn rework(ledger: &Ledger, w: Window) -> Rework {
    let returned = |e: &EventRecord| {
        e.event == Event::Rework
            || (e.event == Event::Submit
                && trailers::first(&e.trailers, "Gate")
                    .is_some_and(|g| g.trim().eq_ignore_ascii_case("block")))
    };
    let mut by_tu: BTreeMap<String, usize> = BTreeMap::new();
    for r in ledger.tus.values() {
        let live: Vec<_> = live(r).collect();
        for (i, e) in live.iter().enumerate() {
            if returned(e)
                && w.counts(e.time)
                && live[i + 1..].iter().any(|l| l.event == Event::Submit)
            {
                *by_tu.entry(r.id.clone()).or_default() += 1;
            }
        }
    }
    Rework {
        cycles: by_tu.values().sum(),
        by_tu,
    }
}

/// Checkpoints and the blockers they named, oldest first; with the blocking hooks.
fn blockers(ledger: &Ledger, w: Window, blocking_hooks: Vec<String>) -> Blockers {
    let (mut checkpoints, mut with_blockers) = (0, 0);
    let mut named: Vec<(i64, usize, String, String)> = Vec::new();
    for r in ledger.tus.values() {
        for e in live(r).filter(|e| e.event == Event::Checkpoint && w.counts(e.time)) {
            checkpoints += 1;
            let b: Vec<&str> = trailers::values(&e.trailers, "Blocker")
                .filter(|b| !b.trim().is_empty())
                .collect();
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
    }
    named.sort();
    Blockers {
        checkpoints,
        with_blockers,
        named: named.into_iter().map(|(_, _, tu, t)| (tu, t)).collect(),
        blocking_hooks,
    }
}

/// Seconds each opening role's TUs were open in the period (open → finished, or → the
/// TU's latest commit).
fn tu_seconds(
    ledger: &Ledger,
    w: Window,
    finish_of: &BTreeMap<&str, i64>,
) -> BTreeMap<String, i64> {
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    for r in ledger.tus.values() {
        let (Some(role), Some(o)) = (r.opened_with("Role"), opened_at(r)) else {
            continue;
        };
        let end = finish_of
            .get(r.id.as_str())
            .copied()
            .or_else(|| r.commits.last().map(|c| c.time))
            .unwrap_or(o);
        let start = w.start(o);
        *out.entry(role.to_string()).or_default() += (end - start).max(0);
    }
    out
}

/// Seconds each role (by code) was awake in the period, from the roster's history: a
/// role's `Role-Event` commits switch it; before its first one it was in the other
/// state (a role first woken was asleep), and a role with none has been as the roster
/// says now, all along. The period ends at the last commit.
fn awake_seconds(sig: &Signals, awake_now: &BTreeSet<String>, w: Window) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    let Some((first, last)) = sig.span else {
        return out;
    };
    let start = w.start(first);
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
            out.insert(code.to_string(), total);
        }
    }
    out
}

/// Each role's share of the TU commits, its hours on TUs and awake, and how often it
/// was woken and put to sleep.
fn roles(inputs: &Inputs<'_>, w: Window, finish_of: &BTreeMap<&str, i64>) -> Vec<RoleUse> {
    let sig = &inputs.signals;
    let mut role_commits: BTreeMap<String, usize> = BTreeMap::new();
    for r in inputs.ledger.tus.values() {
        commits_by_role(r, &|t| w.counts(t), &mut role_commits);
    }
    let total_commits: usize = role_commits.values().sum();
    let role_secs = tu_seconds(inputs.ledger, w, finish_of);
    let awake_secs = awake_seconds(sig, &inputs.awake_now, w);
    let mut names: BTreeSet<String> = role_commits.keys().cloned().collect();
    names.extend(awake_secs.keys().cloned());
    names.extend(role_secs.keys().cloned());
    names.extend(sig.role_events.iter().map(|(r, _)| r.clone()));
    let hours = |secs: &BTreeMap<String, i64>, role: &str| {
        round(secs.get(role).copied().unwrap_or(0) as f64 / 3600.0, 1)
    };
    let events = |role: &str, kind: &str| {
        sig.role_events
            .iter()
            .filter(|(r, e)| r == role && e == kind)
            .count()
    };
    names
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
                tu_hours: hours(&role_secs, &role),
                awake_hours: hours(&awake_secs, &role),
                woken: events(&role, "wake"),
                put_to_sleep: events(&role, "dormant"),
                role,
            }
        })
        .collect()
}

/// Hook card triage, and the cards that block and are not settled.
fn hooks(cards: &[HookCard]) -> (Hooks, Vec<String>) {
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut blocking = Vec::new();
    for card in cards {
        let settled = matches!(card.status.as_str(), "resolved" | "canonized" | "rejected");
        if card.blocking && !settled {
            blocking.push(card.id.clone());
        }
        *by_status.entry(card.status.clone()).or_default() += 1;
    }
    let total: usize = by_status.values().sum();
    let triaged = total - by_status.get("proposed").copied().unwrap_or(0);
    let hooks = Hooks {
        total,
        triaged_rate: (total > 0).then(|| round(triaged as f64 / total as f64, 3)),
        by_status,
    };
    (hooks, blocking)
}

/// Question batches on hot, and the decisions recorded in the period.
fn questions(inputs: &Inputs<'_>, w: Window) -> Questions {
    let (open, answered) = inputs
        .questions
        .iter()
        .partition::<Vec<_>, _>(|q| q.status == "open");
    Questions {
        open: open.into_iter().map(|q| q.id.clone()).collect(),
        answered: answered.into_iter().map(|q| q.id.clone()).collect(),
        decisions: inputs
            .signals
            .decisions
            .iter()
            .filter(|t| w.counts(**t))
            .count(),
    }
}

/// Snapshots oldest first (by time, then name).
pub fn oldest_first(snapshots: &[Tagged]) -> Vec<&Tagged> {
    let mut out: Vec<&Tagged> = snapshots.iter().collect();
    out.sort_by(|a, b| (a.time, &a.snapshot.name).cmp(&(b.time, &b.snapshot.name)));
    out
}

/// The snapshots tagged in the period, with the views bound from each.
fn snapshots(snaps: &[&Tagged], w: Window) -> Vec<SnapshotLine> {
    snaps
        .iter()
        .filter(|s| w.counts(s.time))
        .map(|s| {
            let mut views: BTreeMap<String, usize> = BTreeMap::new();
            for format in &s.views {
                *views.entry(format.clone()).or_default() += 1;
            }
            SnapshotLine {
                name: s.snapshot.name.clone(),
                date: date::ymd(s.time, 0),
                tus: s.snapshot.tus.len(),
                files: s.snapshot.files.len(),
                views,
            }
        })
        .collect()
}

/// The scores given in the period, their mean, per milestone in the order the
/// snapshots were tagged (scores before any snapshot first), and the notes.
fn feedback(sig: &Signals, snaps: &[&Tagged], w: Window) -> Feedback {
    let mut fb: Vec<_> = sig.feedback.iter().filter(|f| w.counts(f.time)).collect();
    fb.sort_by_key(|f| (f.time, f.score));
    let order = |m: &Option<String>| -> (usize, String) {
        match m {
            None => (0, String::new()),
            Some(name) => (
                snaps
                    .iter()
                    .position(|s| &s.snapshot.name == name)
                    .map_or(usize::MAX, |i| i + 1),
                name.clone(),
            ),
        }
    };
    let mut per: BTreeMap<(usize, String), (Option<String>, usize, u32)> = BTreeMap::new();
    for f in &fb {
        let slot = per
            .entry(order(&f.milestone))
            .or_insert((f.milestone.clone(), 0, 0));
        slot.1 += 1;
        slot.2 += u32::from(f.score);
    }
    Feedback {
        count: fb.len(),
        mean: (!fb.is_empty()).then(|| {
            round(
                fb.iter().map(|f| f64::from(f.score)).sum::<f64>() / fb.len() as f64,
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
            .filter_map(|f| Some((date::ymd(f.time, 0), f.score, f.note.clone()?)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::ledger::Seen;
    use crate::trace::trailers::Trailer;

    const HOUR: i64 = 3600;

    fn trailers(pairs: &[(&str, &str)]) -> Vec<Trailer> {
        pairs
            .iter()
            .map(|(key, value)| Trailer {
                key: key.to_string(),
                value: value.to_string(),
            })
            .collect()
    }

    /// A commit: id, time, on cold, trailers.
    type Line<'a> = (&'a str, i64, bool, &'a [(&'a str, &'a str)]);

    /// A ledger from commits in history order.
    fn ledger(commits: &[Line<'_>]) -> Ledger {
        let mut ledger = Ledger::default();
        for (seq, (commit, time, on_cold, pairs)) in commits.iter().enumerate() {
            let found = trailers(pairs);
            ledger.add(&Seen {
                commit,
                time: *time,
                author: "A",
                summary: "s",
                trailers: &found,
                seq,
                on_cold: *on_cold,
                on_hot: true,
            });
        }
        ledger
    }

    fn inputs(ledger: &Ledger) -> Inputs<'_> {
        Inputs {
            hot: None,
            cold: None,
            ledger,
            signals: Signals::default(),
            snapshots: Vec::new(),
            arrivals: HashMap::new(),
            gate_bars: HashMap::new(),
            hooks: Vec::new(),
            questions: Vec::new(),
            awake_now: BTreeSet::new(),
        }
    }

    /// Cycle time runs from `open` to the moment cold held the TU's last commit, and a
    /// blocked submit followed by another submit is one rework cycle.
    #[test]
    fn cycle_time_and_rework_from_a_hand_built_ledger() {
        let t0 = parse_day("2026-03-02").expect("day");
        let l = ledger(&[
            (
                "c1",
                t0,
                true,
                &[("TU", "TU-1"), ("TU-Event", "open"), ("Role", "PW")],
            ),
            (
                "c2",
                t0 + HOUR,
                true,
                &[("TU", "TU-1"), ("TU-Event", "submit"), ("Gate", "block")],
            ),
            (
                "c3",
                t0 + 2 * HOUR,
                true,
                &[("TU", "TU-1"), ("TU-Event", "submit"), ("Gate", "pass")],
            ),
            (
                "c4",
                t0 + HOUR,
                false,
                &[("TU", "TU-2"), ("TU-Event", "open")],
            ),
        ]);
        let mut i = inputs(&l);
        for (c, h) in [("c1", 30), ("c2", 30), ("c3", 36)] {
            i.arrivals
                .insert(CommitId::new(c), (t0 + h * HOUR, "reflog"));
        }
        let r = compute(&i, None);
        assert_eq!((r.tus.opened, r.tus.finished), (2, 1));
        assert_eq!(r.tus.cycle.count, 1);
        assert_eq!(r.tus.cycle.tus[0].hours, 36.0);
        assert_eq!(r.tus.cycle.median_hours, Some(36.0));
        assert_eq!(r.tus.by_state.get("cold-merged"), Some(&1));
        assert_eq!(r.rework.cycles, 1);
        assert_eq!((r.gates.decisions.pass, r.gates.decisions.block), (1, 1));
        assert_eq!(r.roles[0].role, "PW");
        assert_eq!(r.roles[0].commits, 3);
        assert_eq!(r.roles[0].tu_hours, 36.0);

        // From the day after: nothing opened, the merge (day two) still counts.
        let since = Since::parse("2026-03-03").expect("day");
        let r = compute(&i, Some(&since));
        assert_eq!((r.tus.opened, r.tus.finished, r.tus.cycle.count), (0, 1, 1));
        assert_eq!(r.rework.cycles, 0);
        assert_eq!(r.since.as_deref(), Some("2026-03-03"));
    }

    /// A role counts as awake between its `wake` and `dormant` commits only, within
    /// history's first and last commit; woken and put to sleep are counted per role.
    #[test]
    fn awake_hours_follow_role_events() {
        let t0 = parse_day("2026-03-02").expect("day");
        let wake = trailers(&[("Role-Event", "wake"), ("Role", "RS")]);
        let sleep = trailers(&[("Role-Event", "dormant"), ("Role", "RS")]);
        let none: Vec<Trailer> = Vec::new();
        let l = Ledger::default();
        let mut i = inputs(&l);
        i.signals = Signals::fold(
            Some((t0, t0 + 9 * HOUR)),
            [
                (t0, none.as_slice()),
                (t0 + 2 * HOUR, wake.as_slice()),
                (t0 + 5 * HOUR, sleep.as_slice()),
                (t0 + 9 * HOUR, none.as_slice()),
            ],
        );
        i.awake_now.insert("SR".to_string());
        let r = compute(&i, None);
        let by: BTreeMap<&str, &RoleUse> = r.roles.iter().map(|u| (u.role.as_str(), u)).collect();
        assert_eq!(by["RS"].awake_hours, 3.0);
        assert_eq!(by["SR"].awake_hours, 9.0);
        assert_eq!((by["RS"].woken, by["RS"].put_to_sleep), (1, 1));
    }
}
