//! `role list | wake | dormant`: the roster on hot, changed only by `Role-Event:` commits,
//! with the refusals that keep the studio running.

use crate::harness::{Run, Sandbox, ok};

fn sr(s: &Sandbox, args: &[&str]) -> Run {
    s.run_in("book", args)
}

fn hot(s: &Sandbox) -> String {
    s.git("book", &["rev-parse", "hot"])
}

fn open(s: &Sandbox, lp: &str, title: &str) -> String {
    ok(sr(
        s,
        &[
            "--format", "json", "tu", "open", "--loop", lp, "--title", title,
        ],
    ))
    .json()["id"]
        .as_str()
        .expect("id")
        .to_string()
}

fn role<'a>(list: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    list.as_array()
        .expect("list")
        .iter()
        .find(|r| r["role"] == id)
        .expect("role listed")
}

#[test]
fn the_showrunner_and_the_gatekeeper_never_sleep_and_refusals_change_nothing() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let before = hot(&s);
    for who in ["SR", "showrunner", "GK", "gatekeeper"] {
        let r = sr(&s, &["role", "dormant", who, "--reason", "a rest"]);
        assert_eq!(r.code, 3, "{r:?}");
        assert!(r.stderr.contains("can never be dormant"), "{}", r.stderr);
    }
    let r = sr(&s, &["role", "dormant", "bard", "--reason", "x"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("`bard` is not a role"), "{}", r.stderr);
    let r = sr(
        &s,
        &[
            "role",
            "wake",
            "AD",
            "--tu",
            "TU-2026-11-26-AD07",
            "--reason",
            "x",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no TU named"), "{}", r.stderr);
    let r = sr(&s, &["role", "dormant", "researcher", "--reason", "again"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("already dormant"), "{}", r.stderr);
    assert_eq!(hot(&s), before, "no refusal moved hot");
}

#[test]
fn wake_and_dormant_commit_the_roster_and_tag_the_open_tus() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let art = open(&s, "art_touch_up", "Art for the quay");

    // Opening the TU woke the art director its loop needs: roles.yaml on hot, in a
    // commit of its own with Role-Event trailers.
    let msg = s.git("book", &["log", "-1", "--format=%B", "hot"]);
    assert!(msg.contains(&format!("TU: {art}")), "{msg}");
    assert!(msg.contains("Role-Event: wake"), "{msg}");
    assert!(msg.contains("Role: AD"), "{msg}");
    let files = s.git("book", &["show", "--format=", "--name-only", "hot"]);
    assert_eq!(files, "roles.yaml");
    let list = ok(sr(&s, &["--format", "json", "role", "list"])).json();
    let ad = role(&list, "art_director");
    assert_eq!(ad["state"], "awake");
    assert_eq!(
        ad["reason"],
        format!("needed by the Art Touch-up run {art}")
    );
    assert_eq!(ad["open_tus"], serde_json::json!([art]));
    assert_eq!(ad["responsible_in"], serde_json::json!([art]));
    // Woken already: waking again is refused and writes nothing.
    let before = hot(&s);
    let r = sr(
        &s,
        &["role", "wake", "AD", "--tu", &art, "--reason", "again"],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("already awake"), "{}", r.stderr);
    assert_eq!(hot(&s), before);

    // Responsible in an open TU: refused without --force, nothing written.
    let before = hot(&s);
    let r = sr(&s, &["role", "dormant", "AD", "--reason", "later"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr
            .contains(&format!("responsible in open TU(s) {art}")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(hot(&s), before);

    // With --force: the roster and the brief's deferral tag in one commit.
    let v = ok(sr(
        &s,
        &[
            "--format",
            "json",
            "role",
            "dormant",
            "AD",
            "--reason",
            "art waits for the next pass",
            "--rewake",
            "the art pass is scheduled",
            "--force",
        ],
    ))
    .json();
    assert_eq!(
        v["deferred"],
        serde_json::json!([{"tu": art, "tag": "deferred:art"}])
    );
    let msg = s.git("book", &["log", "-1", "--format=%B", "hot"]);
    assert!(msg.contains("Role-Event: dormant"), "{msg}");
    assert!(
        msg.contains("Rewake-When: the art pass is scheduled"),
        "{msg}"
    );
    let files = s.git("book", &["show", "--format=", "--name-only", "hot"]);
    assert_eq!(files, format!("roles.yaml\ntus/{art}.yaml"));
    let brief = s.git("book", &["show", &format!("hot:tus/{art}.yaml")]);
    assert!(brief.contains("deferrals: [\"deferred:art\"]"), "{brief}");
    let roster = s.git("book", &["show", "hot:roles.yaml"]);
    assert!(
        roster.contains("rewake_when: the art pass is scheduled"),
        "{roster}"
    );
    // The roster still validates, and the whole studio still passes the gate.
    ok(sr(&s, &["gate", "check"]));

    // The dormant commit carries no TU and is still not untraced: it is a roster record.
    let dry = sr(
        &s,
        &["--format", "json", "merge", "--to", "hot", "--dry-run"],
    )
    .json();
    let codes: Vec<&str> = dry["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(
        !codes.contains(&"traceability/untraced-commit"),
        "{codes:?}"
    );

    // The report counts the roster's events per role.
    let rep = ok(sr(&s, &["--format", "json", "report"])).json();
    let ad = rep["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["role"] == "AD")
        .expect("AD in the report");
    assert_eq!(ad["woken"], 1);
    assert_eq!(ad["put_to_sleep"], 1);
}

#[test]
fn roles_wake_with_the_work_that_needs_them() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let state = |name: &str| {
        let list = ok(sr(&s, &["--format", "json", "role", "list"])).json();
        role(&list, name)["state"].clone()
    };
    assert_eq!(state("audio_director"), "dormant");
    // `tu open` of a loop that needs a dormant role wakes it, and says so.
    let r = ok(sr(
        &s,
        &[
            "tu",
            "open",
            "--loop",
            "audio_pass",
            "--title",
            "Sound the bell",
        ],
    ));
    assert!(r.stdout.contains("woke audio_director"), "{}", r.stdout);
    assert_eq!(state("audio_director"), "awake");
    let msg = s.git("book", &["log", "-1", "--format=%B", "hot"]);
    assert!(
        msg.contains("Role-Event: wake") && msg.contains("Role: AuD"),
        "{msg}"
    );

    // On a review branch nothing is written on hot at opening: the roles wake when the
    // TU starts.
    ok(sr(
        &s,
        &[
            "role",
            "dormant",
            "audio_director",
            "--reason",
            "later",
            "--force",
        ],
    ));
    assert_eq!(state("audio_director"), "dormant");
    let hot = s.git("book", &["rev-parse", "hot"]);
    let v = ok(sr(
        &s,
        &[
            "--format",
            "json",
            "tu",
            "open",
            "--loop",
            "audio_pass",
            "--title",
            "Bells",
            "--branch",
        ],
    ))
    .json();
    assert_eq!(v["woken"], serde_json::json!([]), "{v}");
    assert_eq!(s.git("book", &["rev-parse", "hot"]), hot, "hot untouched");
    let tu = v["id"].as_str().expect("id").to_string();
    let r = ok(sr(&s, &["tu", "start", &tu]));
    assert!(r.stdout.contains("woke audio_director"), "{}", r.stdout);
    assert_eq!(state("audio_director"), "awake");
}

#[test]
fn a_gate_block_wakes_the_roles_that_own_its_remediation() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(
        &s,
        &[
            "role",
            "dormant",
            "plotwright",
            "--reason",
            "no structure work now",
            "--force",
        ],
    ));
    let tu = open(&s, "scene_forge", "A door to nowhere");
    ok(sr(&s, &["tu", "start", &tu]));
    // A choice to a section that does not exist: integrity, owned by the plotwright.
    let path = s.join("book/sections/mudbank.md");
    let text = std::fs::read_to_string(&path).expect("section");
    std::fs::write(
        &path,
        text.replacen(
            "choices:\n",
            "choices:\n  - label: \"Through the hidden door\"\n    to: hidden-door\n",
            1,
        ),
    )
    .expect("write");
    ok(sr(&s, &["tu", "checkpoint", &tu, "-a", "-m", "A door"]));
    s.record_steps(&tu);
    let v = sr(&s, &["--format", "json", "gate", "submit", "--tu", &tu]).json();
    assert_eq!(v["decision"], "block", "{v}");
    assert_eq!(v["woken"], serde_json::json!(["plotwright"]), "{v}");
    let list = ok(sr(&s, &["--format", "json", "role", "list"])).json();
    let pw = role(&list, "plotwright");
    assert_eq!(pw["state"], "awake");
    assert_eq!(
        pw["reason"],
        format!(
            "owns findings that block {tu} ({})",
            v["report"].as_str().unwrap_or("")
        )
    );
}
