//! The HTML dashboard: one self-contained page, charts drawn as inline SVG (no network,
//! no script), every chart also given as a table-like caption for screen readers.

use std::fmt::Write as _;

use super::Report;
use crate::bind::xhtml::escape;

const PASS: &str = "#2e7d32";
const CONDITIONAL: &str = "#b26a00";
const BLOCK: &str = "#c62828";
const OPENED: &str = "#1565c0";
const FINISHED: &str = "#6a1b9a";

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;\
padding:1rem 1.5rem;color:#1b1b1b;background:#fff}h1{font-size:1.6rem;margin-bottom:0}\
h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}\
.meta{color:#555;margin-top:.2rem}.cards{display:flex;flex-wrap:wrap;gap:.8rem}\
.card{border:1px solid #ccc;border-radius:6px;padding:.5rem .9rem;min-width:9rem}\
.card b{display:block;font-size:1.5rem}table{border-collapse:collapse;margin:.5rem 0}\
th,td{border-bottom:1px solid #ddd;padding:.2rem .7rem;text-align:left}\
td.n{text-align:right}svg{max-width:100%;height:auto}.none{color:#555}\
.key span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 .8em}";

fn card(out: &mut String, label: &str, value: &str) {
    let _ = write!(
        out,
        "<div class=\"card\"><b>{}</b>{}</div>",
        escape(value),
        escape(label)
    );
}

fn key(out: &mut String, items: &[(&str, &str)]) {
    out.push_str("<p class=\"key\">");
    for (label, colour) in items {
        let _ = write!(
            out,
            "<span style=\"background:{colour}\"></span>{}",
            escape(label)
        );
    }
    out.push_str("</p>\n");
}

fn hours(h: Option<f64>) -> String {
    h.map_or("–".into(), |h| format!("{h} h"))
}

/// Grouped vertical bars: one group per label, one bar per series.
fn grouped_bars(title: &str, labels: &[String], series: &[(&str, &str, Vec<usize>)]) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.2.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let group = 18 * series.len() + 14;
    let (left, top, height) = (40, 20, 160);
    let width = left + group * labels.len().max(1) + 10;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {width} {}\" width=\"{width}\" height=\"{}\"><title>{}</title>",
        top + height + 70,
        top + height + 70,
        escape(title)
    );
    for tick in [0, max / 2, max] {
        let y = top + height - tick * height / max;
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{tick}</text>",
            width - 5,
            left - 4,
            y + 4
        );
    }
    for (i, label) in labels.iter().enumerate() {
        let x0 = left + i * group + 7;
        for (j, (name, colour, values)) in series.iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0);
            let h = v * height / max;
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"{h}\" fill=\"{colour}\"><title>{}: {} {v}</title></rect>",
                x0 + j * 18,
                top + height - h,
                escape(label),
                escape(name)
            );
        }
        let _ = write!(
            svg,
            "<text font-size=\"10\" transform=\"translate({},{}) rotate(-45)\" text-anchor=\"end\">{}</text>",
            x0 + 9 * series.len(),
            top + height + 14,
            escape(label)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// A chart segment: value, series name, colour.
type Segment<'a> = (usize, &'a str, &'a str);

/// A chart row: its label and segments.
type Row<'a> = (String, Vec<Segment<'a>>);

/// Horizontal stacked bars: one row per label, segments coloured per series.
fn stacked_rows(title: &str, rows: &[Row<'_>]) -> String {
    let max = rows
        .iter()
        .map(|(_, segs)| segs.iter().map(|s| s.0).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (left, bar_w, row_h) = (170, 380, 26);
    let width = left + bar_w + 60;
    let height = row_h * rows.len().max(1) + 10;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\"><title>{}</title>",
        escape(title)
    );
    for (i, (label, segs)) in rows.iter().enumerate() {
        let y = 5 + i * row_h;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>",
            left - 6,
            y + 15,
            escape(label)
        );
        let mut x = left;
        let mut total = 0;
        for (v, name, colour) in segs {
            let w = v * bar_w / max;
            total += v;
            if *v > 0 {
                let _ = write!(
                    svg,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"><title>{}: {} {v}</title></rect>",
                    w.max(1),
                    row_h - 6,
                    escape(label),
                    escape(name)
                );
            }
            x += w;
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\">{total}</text>",
            x + 5,
            y + 15
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Points joined by a line on a 1–5 scale: the feedback trend.
fn trend(title: &str, points: &[(String, f64)]) -> String {
    let (left, top, height, step) = (40, 15, 120, 140);
    let width = left + step * points.len().max(1) + 20;
    let y_of = |v: f64| top as f64 + (5.0 - v) / 4.0 * height as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {width} {}\" width=\"{width}\" height=\"{}\"><title>{}</title>",
        top + height + 45,
        top + height + 45,
        escape(title)
    );
    for score in 1..=5 {
        let y = y_of(f64::from(score));
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{score}</text>",
            width - 10,
            left - 4,
            y + 4.0
        );
    }
    let coords: Vec<(usize, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (left + step / 2 + i * step, y_of(*v)))
        .collect();
    if coords.len() > 1 {
        let path: Vec<String> = coords.iter().map(|(x, y)| format!("{x},{y:.1}")).collect();
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{OPENED}\" stroke-width=\"2\"/>",
            path.join(" ")
        );
    }
    for ((x, y), (label, v)) in coords.iter().zip(points) {
        let _ = write!(
            svg,
            "<circle cx=\"{x}\" cy=\"{y:.1}\" r=\"4\" fill=\"{OPENED}\"><title>{}: {v}</title></circle><text x=\"{x}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            escape(label),
            top + height + 18,
            escape(label)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn none(out: &mut String, what: &str) {
    let _ = writeln!(out, "<p class=\"none\">{}</p>", escape(what));
}

/// Renders the dashboard.
pub fn render(r: &Report, studio: &str) -> String {
    let mut o = String::new();
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(o, "<title>{} — studio report</title>", escape(studio));
    let _ = writeln!(o, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(o, "<h1>{} — studio report</h1>", escape(studio));
    let short = |c: &Option<String>| {
        c.as_deref()
            .map_or("—".to_string(), |c| c[..10].to_string())
    };
    let _ = writeln!(
        o,
        "<p class=\"meta\">{} · hot {} · cold {}</p>",
        escape(
            &r.since
                .as_ref()
                .map_or("all history".to_string(), |s| format!("since {s}"))
        ),
        short(&r.hot),
        short(&r.cold)
    );

    o.push_str("<div class=\"cards\">");
    card(&mut o, "TUs opened", &r.tus.opened.to_string());
    card(&mut o, "TUs finished", &r.tus.finished.to_string());
    card(
        &mut o,
        "median cycle time",
        &hours(r.tus.cycle.median_hours),
    );
    card(&mut o, "gate decisions", &r.gates.total.to_string());
    card(&mut o, "rework cycles", &r.rework.cycles.to_string());
    card(
        &mut o,
        "customer satisfaction",
        &r.feedback.mean.map_or("–".into(), |m| format!("{m} / 5")),
    );
    o.push_str("</div>\n");

    o.push_str("<h2>TUs per week</h2>\n");
    if r.tus.weeks.is_empty() {
        none(&mut o, "No TU opened or finished in this period.");
    } else {
        // The chart shows the last half-year; the JSON report has every week.
        let weeks = &r.tus.weeks[r.tus.weeks.len().saturating_sub(26)..];
        if weeks.len() < r.tus.weeks.len() {
            none(
                &mut o,
                "The last 26 weeks; `report --format json` lists every week.",
            );
        }
        let labels: Vec<String> = weeks.iter().map(|w| w.week.clone()).collect();
        key(&mut o, &[("opened", OPENED), ("finished", FINISHED)]);
        o.push_str(&grouped_bars(
            "TUs opened and finished per week",
            &labels,
            &[
                ("opened", OPENED, weeks.iter().map(|w| w.opened).collect()),
                (
                    "finished",
                    FINISHED,
                    weeks.iter().map(|w| w.finished).collect(),
                ),
            ],
        ));
    }
    o.push_str("<table><tr><th>state</th><th>TUs</th></tr>");
    for (state, n) in &r.tus.by_state {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"n\">{n}</td></tr>",
            escape(state)
        );
    }
    o.push_str("</table>\n");

    o.push_str("<h2>Cycle time (open → cold-merged)</h2>\n");
    if r.tus.cycle.tus.is_empty() {
        none(&mut o, "No TU reached cold in this period.");
    } else {
        let _ = writeln!(
            o,
            "<p>{} TU(s): median {}, mean {}, longest {}.</p>",
            r.tus.cycle.count,
            hours(r.tus.cycle.median_hours),
            hours(r.tus.cycle.mean_hours),
            hours(r.tus.cycle.max_hours)
        );
        o.push_str(
            "<table><tr><th>TU</th><th>loop</th><th>opened</th><th>on cold</th><th>hours</th></tr>",
        );
        for c in &r.tus.cycle.tus {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                escape(&c.tu),
                escape(c.loop_id.as_deref().unwrap_or("—")),
                c.opened,
                c.merged,
                c.hours
            );
        }
        o.push_str("</table>\n");
    }

    o.push_str("<h2>Gate decisions</h2>\n");
    if r.gates.total == 0 {
        none(&mut o, "No gate submit in this period.");
    } else {
        key(
            &mut o,
            &[
                ("pass", PASS),
                ("conditional", CONDITIONAL),
                ("block", BLOCK),
            ],
        );
        let seg = |d: &super::Decisions| {
            vec![
                (d.pass, "pass", PASS),
                (d.conditional, "conditional", CONDITIONAL),
                (d.block, "block", BLOCK),
            ]
        };
        let mut rows = vec![("all loops".to_string(), seg(&r.gates.decisions))];
        rows.extend(r.gates.by_loop.iter().map(|(l, d)| (l.clone(), seg(d))));
        o.push_str(&stacked_rows("Gate decisions overall and per loop", &rows));
    }
    if !r.gates.by_bar.is_empty() {
        o.push_str("<h2>Bars most often red or yellow</h2>\n");
        key(&mut o, &[("red", BLOCK), ("yellow", CONDITIONAL)]);
        let rows: Vec<Row<'_>> = r
            .gates
            .by_bar
            .iter()
            .map(|b| {
                (
                    b.bar.clone(),
                    vec![(b.red, "red", BLOCK), (b.yellow, "yellow", CONDITIONAL)],
                )
            })
            .collect();
        o.push_str(&stacked_rows(
            "Gate reports with each bar red or yellow",
            &rows,
        ));
    }

    o.push_str("<h2>Roles</h2>\n");
    if r.roles.is_empty() {
        none(&mut o, "No TU work recorded in this period.");
    } else {
        let rows: Vec<Row<'_>> = r
            .roles
            .iter()
            .map(|u| (u.role.clone(), vec![(u.commits, "TU commits", OPENED)]))
            .collect();
        o.push_str(&stacked_rows("TU commits per role", &rows));
        o.push_str("<table><tr><th>role</th><th>TU commits</th><th>share</th><th>hours on its TUs</th><th>hours awake</th><th>woken</th><th>put to sleep</th></tr>");
        for u in &r.roles {
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1} %</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&u.role),
                u.commits,
                u.share * 100.0,
                u.tu_hours,
                u.awake_hours,
                u.woken,
                u.put_to_sleep
            );
        }
        o.push_str("</table>\n");
    }

    o.push_str("<h2>Blockers and rework</h2>\n");
    let _ = writeln!(
        o,
        "<p>{} of {} checkpoint(s) named a blocker; {} rework cycle(s); {} blocking hook card(s) open.</p>",
        r.blockers.with_blockers,
        r.blockers.checkpoints,
        r.rework.cycles,
        r.blockers.blocking_hooks.len()
    );
    if !r.blockers.named.is_empty() {
        o.push_str("<ul>");
        for (tu, text) in &r.blockers.named {
            let _ = write!(o, "<li>{}: {}</li>", escape(tu), escape(text));
        }
        o.push_str("</ul>\n");
    }

    o.push_str("<h2>Hooks and questions</h2>\n");
    let _ = write!(o, "<p>{} hook card(s)", r.hooks.total);
    if let Some(rate) = r.hooks.triaged_rate {
        let _ = write!(o, ", {:.0} % triaged", rate * 100.0);
    }
    let _ = writeln!(
        o,
        "; {} open and {} answered question batch(es); {} decision(s) recorded.</p>",
        r.questions.open.len(),
        r.questions.answered.len(),
        r.questions.decisions
    );
    if r.hooks.total > 0 {
        o.push_str("<table><tr><th>hook status</th><th>cards</th></tr>");
        for (s, n) in &r.hooks.by_status {
            let _ = write!(o, "<tr><td>{}</td><td class=\"n\">{n}</td></tr>", escape(s));
        }
        o.push_str("</table>\n");
    }

    o.push_str("<h2>Snapshots</h2>\n");
    if r.snapshots.is_empty() {
        none(&mut o, "No snapshot in this period.");
    } else {
        o.push_str("<table><tr><th>snapshot</th><th>tagged</th><th>new TUs</th><th>player-facing files</th><th>views bound</th></tr>");
        for s in &r.snapshots {
            let views: Vec<String> = s.views.iter().map(|(f, n)| format!("{f} ×{n}")).collect();
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                escape(&s.name),
                s.date,
                s.tus,
                s.files,
                escape(&if views.is_empty() {
                    "—".to_string()
                } else {
                    views.join(", ")
                })
            );
        }
        o.push_str("</table>\n");
    }

    o.push_str("<h2>Customer satisfaction</h2>\n");
    if r.feedback.by_milestone.is_empty() {
        none(&mut o, "No feedback in this period.");
    } else {
        let points: Vec<(String, f64)> = r
            .feedback
            .by_milestone
            .iter()
            .map(|m| {
                (
                    m.milestone
                        .clone()
                        .unwrap_or_else(|| "(before snapshots)".into()),
                    m.mean,
                )
            })
            .collect();
        o.push_str(&trend("Mean feedback score per milestone (1–5)", &points));
        if !r.feedback.notes.is_empty() {
            o.push_str("<ul>");
            for (day, score, note) in &r.feedback.notes {
                let _ = write!(o, "<li>{day} · {score}/5 · {}</li>", escape(note));
            }
            o.push_str("</ul>\n");
        }
    }
    o.push_str("</main>\n</body>\n</html>\n");
    o
}
