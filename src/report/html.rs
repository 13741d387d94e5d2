//! The HTML dashboard: one self-contained page, charts drawn as inline SVG (no network,
//! no script), every chart also given as a table-like caption for screen readers. This
//! module computes what the page shows, the chart geometry included; the template
//! `templates/report/dashboard.html` lays it out.

use serde::Serialize;

use super::{Report, hours};
use crate::error::Error;
use crate::ids::CommitId;

/// The dashboard's template, under `templates/`; a studio may have its own on hot.
pub const TEMPLATE: &str = "report/dashboard.html";

const PASS: &str = "#2e7d32";
const CONDITIONAL: &str = "#b26a00";
const BLOCK: &str = "#c62828";
const OPENED: &str = "#1565c0";
const FINISHED: &str = "#6a1b9a";

/// A figure on a card.
#[derive(Serialize)]
struct Card {
    label: &'static str,
    value: String,
}

/// An entry of a chart's key.
#[derive(Serialize)]
struct Key {
    label: &'static str,
    colour: &'static str,
}

fn key(items: &[(&'static str, &'static str)]) -> Vec<Key> {
    items
        .iter()
        .map(|&(label, colour)| Key { label, colour })
        .collect()
}

/// A rectangle of a bar chart, with what it stands for (`label: name value`).
#[derive(Serialize)]
struct Rect<'a> {
    x: usize,
    y: usize,
    width: usize,
    height: usize,
    fill: &'a str,
    label: &'a str,
    name: &'a str,
    value: usize,
}

/// A horizontal rule of a chart's scale and its number.
#[derive(Serialize)]
struct Tick {
    y: String,
    text_y: String,
    value: usize,
}

/// One group of a grouped bar chart: its bars and its slanted label.
#[derive(Serialize)]
struct Group<'a> {
    label: &'a str,
    bars: Vec<Rect<'a>>,
    x: usize,
    y: usize,
}

/// Grouped vertical bars: one group per label, one bar per series.
#[derive(Serialize)]
struct GroupedBars<'a> {
    title: &'static str,
    width: usize,
    height: usize,
    left: usize,
    right: usize,
    label_x: usize,
    ticks: Vec<Tick>,
    groups: Vec<Group<'a>>,
}

/// A series of a chart: name, colour, one value per label.
type Series<'a> = (&'a str, &'a str, Vec<usize>);

fn grouped_bars<'a>(
    title: &'static str,
    labels: &'a [String],
    series: &'a [Series<'a>],
) -> GroupedBars<'a> {
    let max = series
        .iter()
        .flat_map(|s| s.2.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let group = 18 * series.len() + 14;
    let (left, top, height) = (40, 20, 160);
    let width = left + group * labels.len().max(1) + 10;
    let ticks = [0, max / 2, max]
        .into_iter()
        .map(|tick| {
            let y = top + height - tick * height / max;
            Tick {
                y: y.to_string(),
                text_y: (y + 4).to_string(),
                value: tick,
            }
        })
        .collect();
    let groups = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let x0 = left + i * group + 7;
            let bars = series
                .iter()
                .enumerate()
                .map(|(j, (name, colour, values))| {
                    let v = values.get(i).copied().unwrap_or(0);
                    let h = v * height / max;
                    Rect {
                        x: x0 + j * 18,
                        y: top + height - h,
                        width: 16,
                        height: h,
                        fill: colour,
                        label,
                        name,
                        value: v,
                    }
                })
                .collect();
            Group {
                label,
                bars,
                x: x0 + 9 * series.len(),
                y: top + height + 14,
            }
        })
        .collect();
    GroupedBars {
        title,
        width,
        height: top + height + 70,
        left,
        right: width - 5,
        label_x: left - 4,
        ticks,
        groups,
    }
}

/// A chart segment: value, series name, colour.
type Segment<'a> = (usize, &'a str, &'a str);

/// A chart row: its label and segments.
type Row<'a> = (String, Vec<Segment<'a>>);

/// One row of a stacked chart: label, segments, total.
#[derive(Serialize)]
struct StackedRow<'a> {
    label: &'a str,
    y: usize,
    text_y: usize,
    segments: Vec<Rect<'a>>,
    total: usize,
    total_x: usize,
}

/// Horizontal stacked bars: one row per label, segments coloured per series.
#[derive(Serialize)]
struct Stacked<'a> {
    title: &'static str,
    width: usize,
    height: usize,
    label_x: usize,
    rows: Vec<StackedRow<'a>>,
}

fn stacked_rows<'a>(title: &'static str, rows: &'a [Row<'a>]) -> Stacked<'a> {
    let max = rows
        .iter()
        .map(|(_, segs)| segs.iter().map(|s| s.0).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (left, bar_w, row_h) = (170, 380, 26);
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, (label, segs))| {
            let y = 5 + i * row_h;
            let mut x = left;
            let mut total = 0;
            let mut segments = Vec::new();
            for &(v, name, colour) in segs {
                let w = v * bar_w / max;
                total += v;
                if v > 0 {
                    segments.push(Rect {
                        x,
                        y,
                        width: w.max(1),
                        height: row_h - 6,
                        fill: colour,
                        label,
                        name,
                        value: v,
                    });
                }
                x += w;
            }
            StackedRow {
                label,
                y,
                text_y: y + 15,
                segments,
                total,
                total_x: x + 5,
            }
        })
        .collect::<Vec<_>>();
    Stacked {
        title,
        width: left + bar_w + 60,
        height: row_h * rows.len().max(1) + 10,
        label_x: left - 6,
        rows,
    }
}

/// A point of the trend: where it is drawn, its label and value.
#[derive(Serialize)]
struct Point<'a> {
    x: usize,
    y: String,
    label: &'a str,
    value: String,
}

/// Points joined by a line on a 1–5 scale: the feedback trend.
#[derive(Serialize)]
struct Trend<'a> {
    title: &'static str,
    width: usize,
    height: usize,
    left: usize,
    right: usize,
    label_x: usize,
    label_y: usize,
    colour: &'static str,
    ticks: Vec<Tick>,
    /// The polyline's points (none with fewer than two points).
    line: Option<String>,
    points: Vec<Point<'a>>,
}

fn trend<'a>(title: &'static str, points: &'a [(String, f64)]) -> Trend<'a> {
    let (left, top, height, step) = (40, 15, 120, 140);
    let width = left + step * points.len().max(1) + 20;
    let y_of = |v: f64| top as f64 + (5.0 - v) / 4.0 * height as f64;
    let ticks = (1..=5)
        .map(|score| {
            let y = y_of(f64::from(score));
            Tick {
                y: format!("{y:.1}"),
                text_y: format!("{:.1}", y + 4.0),
                value: score as usize,
            }
        })
        .collect();
    let coords: Vec<(usize, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (left + step / 2 + i * step, y_of(*v)))
        .collect();
    let line = (coords.len() > 1).then(|| {
        coords
            .iter()
            .map(|(x, y)| format!("{x},{y:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    });
    Trend {
        title,
        width,
        height: top + height + 45,
        left,
        right: width - 10,
        label_x: left - 4,
        label_y: top + height + 18,
        colour: OPENED,
        ticks,
        line,
        points: coords
            .iter()
            .zip(points)
            .map(|((x, y), (label, v))| Point {
                x: *x,
                y: format!("{y:.1}"),
                label,
                value: v.to_string(),
            })
            .collect(),
    }
}

/// A chart with its key.
#[derive(Serialize)]
struct Keyed<T> {
    key: Vec<Key>,
    chart: T,
}

/// TUs per week.
#[derive(Serialize)]
struct Weeks<'a> {
    /// Only the last 26 weeks are drawn.
    cut: bool,
    #[serde(flatten)]
    chart: Keyed<GroupedBars<'a>>,
}

/// A name and a count, a table row.
#[derive(Serialize)]
struct Count<'a> {
    name: &'a str,
    n: usize,
}

/// A TU's cycle, as the table shows it.
#[derive(Serialize)]
struct CycleRow<'a> {
    tu: &'a str,
    loop_id: &'a str,
    opened: &'a str,
    merged: &'a str,
    hours: String,
}

/// Cycle times.
#[derive(Serialize)]
struct Cycle<'a> {
    count: usize,
    median: String,
    mean: String,
    longest: String,
    tus: Vec<CycleRow<'a>>,
}

/// A role's row.
#[derive(Serialize)]
struct RoleRow<'a> {
    role: &'a str,
    commits: usize,
    share: String,
    tu_hours: String,
    awake_hours: String,
    woken: usize,
    put_to_sleep: usize,
}

/// Blockers and rework.
#[derive(Serialize)]
struct Blocked<'a> {
    with_blockers: usize,
    checkpoints: usize,
    rework: usize,
    blocking_hooks: usize,
    named: Vec<Named<'a>>,
}

/// A TU and what blocked it.
#[derive(Serialize)]
struct Named<'a> {
    tu: &'a str,
    text: &'a str,
}

/// Hooks and questions.
#[derive(Serialize)]
struct HooksLine<'a> {
    total: usize,
    /// Percent triaged (no decimals), when there are hooks to triage.
    triaged: Option<String>,
    open: usize,
    answered: usize,
    decisions: usize,
    by_status: Vec<Count<'a>>,
}

/// A snapshot's row.
#[derive(Serialize)]
struct SnapshotRow<'a> {
    name: &'a str,
    date: &'a str,
    tus: usize,
    files: usize,
    views: String,
}

/// A customer's note.
#[derive(Serialize)]
struct FeedbackNote<'a> {
    day: &'a str,
    score: u8,
    note: &'a str,
}

/// The satisfaction trend and notes.
#[derive(Serialize)]
struct Satisfaction<'a> {
    trend: Trend<'a>,
    notes: Vec<FeedbackNote<'a>>,
}

/// Everything the dashboard shows.
#[derive(Serialize)]
struct Dashboard<'a> {
    studio: &'a str,
    period: String,
    hot: String,
    cold: String,
    cards: Vec<Card>,
    /// None when no TU was opened or finished.
    weeks: Option<Weeks<'a>>,
    by_state: Vec<Count<'a>>,
    /// None when no TU reached cold.
    cycle: Option<Cycle<'a>>,
    /// None without a gate decision.
    gates: Option<Keyed<Stacked<'a>>>,
    /// None when no bar was red or yellow.
    bars: Option<Keyed<Stacked<'a>>>,
    /// None without TU work.
    roles: Option<Stacked<'a>>,
    role_rows: Vec<RoleRow<'a>>,
    blockers: Blocked<'a>,
    hooks: HooksLine<'a>,
    snapshots: Vec<SnapshotRow<'a>>,
    /// None without feedback.
    feedback: Option<Satisfaction<'a>>,
    /// The story map of hot.
    map: StoryMap<'a>,
}

/// The story map as the dashboard shows it: the SVG (inline, it carries its own title
/// and text alternative), what to say about it, or why there is none.
#[derive(Serialize)]
struct StoryMap<'a> {
    /// The SVG document, written into the page as it is.
    svg: Option<&'a str>,
    /// A note on how it is drawn (one box per cluster), or why it could not be.
    note: Option<String>,
}

/// A message as a sentence on the page: a capital first letter and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.trim_end_matches('.').chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.push_str(chars.as_str());
    out.push('.');
    out
}

/// What the dashboard is given of the story map: the drawn map, or why it is missing.
pub type MapView<'a> = Result<&'a crate::story::map::Map, String>;

/// The rows and series the charts draw, owned here while the page borrows them.
struct ChartData<'a> {
    /// The weeks drawn: the last half-year (the JSON report has every week).
    weeks: &'a [super::Week],
    week_labels: Vec<String>,
    week_series: [Series<'a>; 2],
    gate_rows: Vec<Row<'a>>,
    bar_rows: Vec<Row<'a>>,
    role_rows: Vec<Row<'a>>,
    /// Mean feedback per milestone.
    points: Vec<(String, f64)>,
}

fn decision_segments(d: &super::Decisions) -> Vec<Segment<'static>> {
    vec![
        (d.pass, "pass", PASS),
        (d.conditional, "conditional", CONDITIONAL),
        (d.block, "block", BLOCK),
    ]
}

impl<'a> ChartData<'a> {
    fn of(r: &'a Report) -> ChartData<'a> {
        let weeks = &r.tus.weeks[r.tus.weeks.len().saturating_sub(26)..];
        let mut gate_rows = vec![(
            "all loops".to_string(),
            decision_segments(&r.gates.decisions),
        )];
        gate_rows.extend(
            r.gates
                .by_loop
                .iter()
                .map(|(l, d)| (l.clone(), decision_segments(d))),
        );
        ChartData {
            weeks,
            week_labels: weeks.iter().map(|w| w.week.clone()).collect(),
            week_series: [
                ("opened", OPENED, weeks.iter().map(|w| w.opened).collect()),
                (
                    "finished",
                    FINISHED,
                    weeks.iter().map(|w| w.finished).collect(),
                ),
            ],
            gate_rows,
            bar_rows: r
                .gates
                .by_bar
                .iter()
                .map(|b| {
                    (
                        b.bar.clone(),
                        vec![(b.red, "red", BLOCK), (b.yellow, "yellow", CONDITIONAL)],
                    )
                })
                .collect(),
            role_rows: r
                .roles
                .iter()
                .map(|u| (u.role.clone(), vec![(u.commits, "TU commits", OPENED)]))
                .collect(),
            points: r
                .feedback
                .by_milestone
                .iter()
                .map(|m| {
                    let label = m.milestone.as_deref().unwrap_or("(before snapshots)");
                    (label.to_string(), m.mean)
                })
                .collect(),
        }
    }
}

fn card(label: &'static str, value: String) -> Card {
    Card { label, value }
}

/// The figures on the cards at the top.
fn cards(r: &Report) -> Vec<Card> {
    vec![
        card("TUs opened", r.tus.opened.to_string()),
        card("TUs finished", r.tus.finished.to_string()),
        card("median cycle time", hours(r.tus.cycle.median_hours)),
        card("gate decisions", r.gates.total.to_string()),
        card("rework cycles", r.rework.cycles.to_string()),
        card(
            "customer satisfaction",
            r.feedback.mean.map_or("–".into(), |m| format!("{m} / 5")),
        ),
    ]
}

fn counts(by: &std::collections::BTreeMap<String, usize>) -> Vec<Count<'_>> {
    by.iter().map(|(name, &n)| Count { name, n }).collect()
}

/// TUs per week, when any was opened or finished.
fn weeks<'a>(r: &Report, data: &'a ChartData<'a>) -> Option<Weeks<'a>> {
    (!r.tus.weeks.is_empty()).then(|| Weeks {
        cut: data.weeks.len() < r.tus.weeks.len(),
        chart: Keyed {
            key: key(&[("opened", OPENED), ("finished", FINISHED)]),
            chart: grouped_bars(
                "TUs opened and finished per week",
                &data.week_labels,
                &data.week_series,
            ),
        },
    })
}

/// Cycle times, when any TU reached cold.
fn cycle(r: &Report) -> Option<Cycle<'_>> {
    let c = &r.tus.cycle;
    (!c.tus.is_empty()).then(|| Cycle {
        count: c.count,
        median: hours(c.median_hours),
        mean: hours(c.mean_hours),
        longest: hours(c.max_hours),
        tus: c
            .tus
            .iter()
            .map(|c| CycleRow {
                tu: &c.tu,
                loop_id: c.loop_id.as_deref().unwrap_or("—"),
                opened: &c.opened,
                merged: &c.merged,
                hours: c.hours.to_string(),
            })
            .collect(),
    })
}

/// Gate decisions overall and per loop, when there are any.
fn gates<'a>(r: &Report, data: &'a ChartData<'a>) -> Option<Keyed<Stacked<'a>>> {
    (r.gates.total > 0).then(|| Keyed {
        key: key(&[
            ("pass", PASS),
            ("conditional", CONDITIONAL),
            ("block", BLOCK),
        ]),
        chart: stacked_rows("Gate decisions overall and per loop", &data.gate_rows),
    })
}

/// Bars red or yellow in committed gate reports, when any was.
fn bars<'a>(r: &Report, data: &'a ChartData<'a>) -> Option<Keyed<Stacked<'a>>> {
    (!r.gates.by_bar.is_empty()).then(|| Keyed {
        key: key(&[("red", BLOCK), ("yellow", CONDITIONAL)]),
        chart: stacked_rows("Gate reports with each bar red or yellow", &data.bar_rows),
    })
}

fn role_rows(r: &Report) -> Vec<RoleRow<'_>> {
    r.roles
        .iter()
        .map(|u| RoleRow {
            role: &u.role,
            commits: u.commits,
            share: format!("{:.1}", u.share * 100.0),
            tu_hours: u.tu_hours.to_string(),
            awake_hours: u.awake_hours.to_string(),
            woken: u.woken,
            put_to_sleep: u.put_to_sleep,
        })
        .collect()
}

fn blocked(r: &Report) -> Blocked<'_> {
    let b = &r.blockers;
    Blocked {
        with_blockers: b.with_blockers,
        checkpoints: b.checkpoints,
        rework: r.rework.cycles,
        blocking_hooks: b.blocking_hooks.len(),
        named: b
            .named
            .iter()
            .map(|(tu, text)| Named { tu, text })
            .collect(),
    }
}

fn hooks_line(r: &Report) -> HooksLine<'_> {
    HooksLine {
        total: r.hooks.total,
        triaged: r
            .hooks
            .triaged_rate
            .map(|rate| format!("{:.0}", rate * 100.0)),
        open: r.questions.open.len(),
        answered: r.questions.answered.len(),
        decisions: r.questions.decisions,
        by_status: counts(&r.hooks.by_status),
    }
}

fn snapshot_rows(r: &Report) -> Vec<SnapshotRow<'_>> {
    r.snapshots
        .iter()
        .map(|s| SnapshotRow {
            name: &s.name,
            date: &s.date,
            tus: s.tus,
            files: s.files,
            views: s.views_text().unwrap_or_else(|| "—".to_string()),
        })
        .collect()
}

/// The satisfaction trend and notes, when there is feedback.
fn satisfaction<'a>(r: &'a Report, data: &'a ChartData<'a>) -> Option<Satisfaction<'a>> {
    (!r.feedback.by_milestone.is_empty()).then(|| Satisfaction {
        trend: trend("Mean feedback score per milestone (1–5)", &data.points),
        notes: r
            .feedback
            .notes
            .iter()
            .map(|(day, score, note)| FeedbackNote {
                day,
                score: *score,
                note,
            })
            .collect(),
    })
}

/// Renders the dashboard with the embedded template, or with `own` (a studio's own
/// `templates/report/dashboard.html`) when given.
pub fn render(
    r: &Report,
    studio: &str,
    map: MapView<'_>,
    own: Option<&str>,
) -> Result<String, Error> {
    let short = |c: &Option<CommitId>| c.as_ref().map_or("—", CommitId::short).to_string();
    let data = ChartData::of(r);
    let page = Dashboard {
        studio,
        period: r.period(),
        hot: short(&r.hot),
        cold: short(&r.cold),
        cards: cards(r),
        weeks: weeks(r, &data),
        by_state: counts(&r.tus.by_state),
        cycle: cycle(r),
        gates: gates(r, &data),
        bars: bars(r, &data),
        roles: (!r.roles.is_empty()).then(|| stacked_rows("TU commits per role", &data.role_rows)),
        role_rows: role_rows(r),
        blockers: blocked(r),
        hooks: hooks_line(r),
        snapshots: snapshot_rows(r),
        feedback: satisfaction(r, &data),
        map: match &map {
            Ok(m) => StoryMap {
                svg: Some(&m.svg),
                note: m.note.as_deref().map(sentence),
            },
            Err(why) => StoryMap {
                svg: None,
                note: Some(sentence(why)),
            },
        },
    };
    crate::templates::document(TEMPLATE, &page, own.map(|t| ("hot's", t)))
}

#[cfg(test)]
mod tests {
    use super::sentence;

    #[test]
    fn notes_on_the_story_map_read_as_sentences() {
        assert_eq!(
            sentence("the studio has 600 sections"),
            "The studio has 600 sections."
        );
        assert_eq!(sentence("Already one."), "Already one.");
        assert_eq!(sentence(""), ".");
    }
}
