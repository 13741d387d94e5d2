//! `status`: the studio on one screen, followed through a whole traced change.

use crate::harness::{Sandbox, ok};

fn status(s: &Sandbox) -> serde_json::Value {
    ok(s.run_in("book", &["status", "--format", "json"])).json()
}

#[test]
fn status_follows_a_change_from_proposal_to_snapshot() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let sample_tu = "TU-2026-11-01-SR01";

    // The sample ships one proposed TU; nothing is ahead, nothing is judged yet.
    let st = status(&s);
    assert_eq!(
        (st["ahead"].as_u64(), st["behind"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(st["open"]["hot-proposed"][0]["id"], sample_tu);
    assert_eq!(st["last_gate"], serde_json::Value::Null);
    assert_eq!(st["snapshot"], serde_json::Value::Null);
    assert_eq!(st["roles"], serde_json::json!({}));
    // The sample's roster: the seven core roles awake, the optional ones asleep.
    assert_eq!(
        st["awake"],
        serde_json::json!([
            "showrunner",
            "gatekeeper",
            "plotwright",
            "scene_smith",
            "style_lead",
            "lore_weaver",
            "codex_curator"
        ])
    );
    assert_eq!(
        st["next"]["command"],
        format!("showrunner tu start {sample_tu}")
    );

    // Started: its owner and responsible roles are at work, one commit is ahead.
    ok(s.run_in("book", &["tu", "start", sample_tu]));
    let st = status(&s);
    assert_eq!(st["open"]["stabilizing"][0]["id"], sample_tu);
    assert_eq!(st["ahead"], 1);
    assert_eq!(st["tus_ahead"], serde_json::json!([sample_tu]));
    assert_eq!(
        st["roles"],
        serde_json::json!({"plotwright": [sample_tu], "scene_smith": [sample_tu], "showrunner": [sample_tu]})
    );
    // Next is the loop's first step not recorded, not a submission the gate would block.
    assert_eq!(
        st["next"]["command"],
        format!("showrunner tu checkpoint {sample_tu} -a -m \"…\" --step frame_premise")
    );

    // An edit under the TU, submitted: the gate's decision is the last one, merge is next.
    // (A story spark delivers at least three sections and a hook card.)
    for section in ["dusk-bell", "mudbank", "canal-market"] {
        let path = s.join(&format!("book/sections/{section}.md"));
        let mut text = std::fs::read_to_string(&path).expect("read");
        text.push_str("\nThe bell is still ringing.\n");
        std::fs::write(&path, text).expect("write");
    }
    let hook = s.join("book/hooks/HK-20261101-01.yaml");
    let text = std::fs::read_to_string(&hook).expect("read");
    std::fs::write(
        &hook,
        text.replace("needs a settled history", "needs a settled past"),
    )
    .expect("write");
    ok(s.run_in("book", &["tu", "switch", sample_tu]));
    s.git("book", &["commit", "-q", "-am", "Edit the dusk bell"]);
    s.record_steps(sample_tu);
    ok(s.run_in("book", &["gate", "submit", "--tu", sample_tu]));
    let st = status(&s);
    assert_eq!(st["open"]["gatecheck"][0]["id"], sample_tu);
    assert_eq!(st["last_gate"]["decision"], "pass");
    assert_eq!(st["last_gate"]["tu"], sample_tu);
    assert!(
        st["last_gate"]["report"]
            .as_str()
            .is_some_and(|r| r.starts_with("GK-")),
        "{st}"
    );
    // start, the edit, the steps, the submit
    assert_eq!(st["ahead"], 4, "{st}");
    assert_eq!(st["next"]["command"], "showrunner merge");

    // Merged: nothing ahead, no TU open, and cold wants a snapshot.
    ok(s.run_in("book", &["merge"]));
    let st = status(&s);
    assert_eq!(
        (
            st["ahead"].as_u64(),
            st["tus_ahead"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
    assert_eq!(st["open"], serde_json::json!({}));
    assert_eq!(st["roles"], serde_json::json!({}));
    assert_eq!(st["next"]["command"], "showrunner snapshot");

    ok(s.run_in("book", &["snapshot"]));
    let st = status(&s);
    assert_eq!(st["snapshot"]["at_cold_tip"], true);
    assert!(
        st["next"]["command"]
            .as_str()
            .is_some_and(|c| c.starts_with("showrunner dispatch"))
    );

    // The human screen says the same, and output is stable.
    let human = ok(s.run_in("book", &["status"])).stdout;
    assert!(
        human.contains("branches   hot: 0 commits ahead of cold"),
        "{human}"
    );
    assert!(
        human.contains("last gate  pass for TU-2026-11-01-SR01"),
        "{human}"
    );
    assert!(human.contains("(cold's tip)"), "{human}");
    assert_eq!(human, ok(s.run_in("book", &["status"])).stdout);
}

#[test]
fn status_reports_open_questions_and_a_cold_that_moved_away_from_hot() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    // An ambiguous request becomes a question batch: answering it comes first.
    let d = ok(s.run_in(
        "book",
        &["dispatch", "make it better", "--open", "--format", "json"],
    ))
    .json();
    let q = d["question"]
        .as_str()
        .expect("a question batch")
        .to_string();
    let st = status(&s);
    assert_eq!(st["questions"], serde_json::json!([q]));
    assert!(
        st["next"]["what"].as_str().is_some_and(|w| w.contains(&q)),
        "{st}"
    );
    assert!(
        st["next"]["command"]
            .as_str()
            .is_some_and(|c| c.starts_with("showrunner questions")),
        "{st}"
    );

    // A commit on cold that hot lacks (made past the hooks, as a forge's web editor
    // would): cold cannot fast-forward any more, and that comes first.
    s.git("book", &["checkout", "-q", "cold"]);
    s.git(
        "book",
        &[
            "-c",
            "core.hooksPath=/dev/null",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "Hotfix on cold",
        ],
    );
    s.git("book", &["checkout", "-q", "hot"]);
    let st = status(&s);
    assert_eq!(st["behind"], 1);
    assert_eq!(st["next"]["command"], "git merge cold");
    let human = ok(s.run_in("book", &["status"])).stdout;
    assert!(
        human.contains("1 commit behind (cold cannot fast-forward)"),
        "{human}"
    );
}

#[test]
fn status_outside_a_repository_is_a_clear_error() {
    let s = Sandbox::new();
    std::fs::create_dir_all(s.join("empty")).expect("mkdir");
    let r = s.run_in("empty", &["status"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.starts_with("error: "), "{r:?}");
    assert!(r.stdout.is_empty());
}

#[test]
fn status_shows_blockers_and_revisits_that_are_due() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let tu = s.open_tu("The bell tower");
    ok(s.run_in("book", &["tu", "start", &tu]));
    ok(s.run_in(
        "book",
        &[
            "tu",
            "checkpoint",
            &tu,
            "-m",
            "Stuck",
            "--blocker",
            "waiting on PW for the tower's height",
        ],
    ));
    let st = status(&s);
    assert_eq!(
        st["blockers"],
        serde_json::json!([{"tu": tu, "blocker": "waiting on PW for the tower's height"}]),
        "{st}"
    );
    assert_eq!(st["overdue"], serde_json::json!([]), "{st}");
    // A later day is not due; today is.
    let defer = |until: &str| {
        ok(s.run_in(
            "book",
            &["tu", "defer", &tu, "--reason", "later", "--revisit", until],
        ))
    };
    defer("2026-12-24");
    assert_eq!(status(&s)["overdue"], serde_json::json!([]));
    ok(s.run_in("book", &["tu", "reactivate", &tu]));
    defer("2026-11-26");
    let st = status(&s);
    assert_eq!(
        st["overdue"],
        serde_json::json!([{"tu": tu, "revisit": "2026-11-26"}]),
        "{st}"
    );
    let human = ok(s.run_in("book", &["status"])).stdout;
    assert!(
        human.contains(&format!("blocked    {tu}: waiting on PW"))
            && human.contains(&format!(
                "overdue    {tu} was to be revisited by 2026-11-26"
            )),
        "{human}"
    );
}

#[test]
fn standup_gives_each_role_its_blockers_questions_idle_work_and_what_is_due() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let at = |day: &str, args: &[&str]| ok(s.run_at("book", &format!("2026-11-{day}Z"), args));
    let tu = at(
        "20T09:00:00",
        &[
            "tu",
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "The bell tower",
            "--format",
            "json",
        ],
    )
    .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    at("20T09:30:00", &["tu", "update", &tu, "--set", "timebox=2d"]);
    at("20T10:00:00", &["tu", "start", &tu]);
    at(
        "21T10:00:00",
        &[
            "tu",
            "checkpoint",
            &tu,
            "-m",
            "Stuck",
            "--blocker",
            "waiting on PW for the tower's height",
        ],
    );
    at(
        "22T10:00:00",
        &[
            "ask",
            "--question",
            "Does the bell ring at noon?",
            "--context",
            "The tower scene",
            "--option",
            "a|Yes|It rings",
            "--option",
            "b|No|It is silent",
            "--recommend",
            "a",
        ],
    );
    // Today, two days before: the timebox runs out tomorrow.
    let early = s
        .run_at(
            "book",
            "2026-11-21T12:00:00Z",
            &["standup", "--format", "json"],
        )
        .json();
    let ss = early["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|d| d["role"] == "scene_smith")
        .cloned()
        .expect("scene smith");
    assert!(
        ss["due"][0]["what"]
            .as_str()
            .is_some_and(|w| w.contains("ends within a day")),
        "{early}"
    );

    let v = at("26T09:00:00", &["standup", "--format", "json"]).json();
    let role = |name: &str| {
        v["roles"]
            .as_array()
            .expect("roles")
            .iter()
            .find(|d| d["role"] == name)
            .cloned()
            .unwrap_or_default()
    };
    let ss = role("scene_smith");
    assert_eq!(ss["blockers"][0]["tu"], tu.as_str(), "{v}");
    assert!(
        ss["idle"][0]["what"]
            .as_str()
            .is_some_and(|w| w.contains("no commit for 4 days")),
        "{v}"
    );
    assert!(
        ss["due"][0]["what"]
            .as_str()
            .is_some_and(|w| w.contains("timebox 2d ran out")),
        "{v}"
    );
    let sr = role("showrunner");
    assert!(
        sr["questions"][0]["what"]
            .as_str()
            .is_some_and(|w| w.contains("Does the bell ring")),
        "{v}"
    );
    let escalations: Vec<&str> = v["escalations"]
        .as_array()
        .expect("escalations")
        .iter()
        .filter_map(|e| e["what"].as_str())
        .collect();
    assert!(
        escalations.iter().any(|e| e.contains("timebox 2d ran out")),
        "{escalations:?}"
    );
    assert!(
        escalations
            .iter()
            .any(|e| e.contains("blocked since 2026-11-21")),
        "{escalations:?}"
    );
    assert!(
        escalations
            .iter()
            .any(|e| e.contains("unanswered since 2026-11-22")),
        "{escalations:?}"
    );

    // One role's digest; the escalations are the Showrunner's.
    let one = at(
        "26T09:00:00",
        &["standup", "--role", "SS", "--format", "json"],
    )
    .json();
    assert_eq!(one["roles"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["escalations"], serde_json::json!([]));
    let r = s.run_in("book", &["standup", "--role", "wizard"]);
    assert_eq!(r.code, 2, "{r:?}");
    let human = at("26T09:00:00", &["standup"]).stdout;
    assert!(
        human.contains("scene_smith") && human.contains("escalations (showrunner)"),
        "{human}"
    );

    // status shows the timebox too.
    let st = at("26T09:00:00", &["status", "--format", "json"]).json();
    assert_eq!(
        st["timeboxes"],
        serde_json::json!([{"tu": tu, "timebox": "2d", "ends": "2026-11-22", "over": true}]),
        "{st}"
    );
}
