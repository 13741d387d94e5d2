//! The Gatekeeper through the CLI: the sample passes clean, waivers, bar selection,
//! witness routes, explain, submit and show.

use crate::harness::{Sandbox, ok};

fn sample(s: &Sandbox) {
    ok(s.run(&["init", "book", "--from-sample"]));
}

#[test]
fn the_sample_passes_every_bar_with_zero_findings() {
    let s = Sandbox::new();
    sample(&s);
    let v = ok(s.run_in("book", &["gate", "check", "--format", "json"])).json();
    assert_eq!(v["decision"], "pass");
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["bars"].as_array().map(Vec::len), Some(9));
    assert!(
        v["bars"]
            .as_array()
            .expect("bars")
            .iter()
            .all(|b| b["status"] == "green")
    );
}

#[test]
fn explain_gives_a_witness_route_for_every_keystone() {
    let s = Sandbox::new();
    sample(&s);
    let v = ok(s.run_in("book", &["gate", "check", "--explain", "--format", "json"])).json();
    let witnesses = v["witnesses"].as_array().expect("witnesses");
    let keystones: Vec<&str> = witnesses
        .iter()
        .filter_map(|w| w["keystone"].as_str())
        .collect();
    assert_eq!(keystones, ["guild-vault", "sea-gate"]);
    for w in witnesses {
        let path = w["path"].as_array().expect("path");
        assert_eq!(
            path[0]["section"], "dusk-bell",
            "routes start at the start section"
        );
        assert!(
            path.iter()
                .all(|p| p["choice"].as_str().is_some_and(|c| !c.is_empty()))
        );
    }
    let human = ok(s.run_in("book", &["gate", "check", "--explain"])).stdout;
    assert!(
        human.contains("witness routes:") && human.contains("sea-gate: dusk-bell —["),
        "{human}"
    );
    let plain = ok(s.run_in("book", &["gate", "check", "--format", "json"])).json();
    assert!(
        plain.get("witnesses").is_none(),
        "witnesses only on request"
    );
}

fn broken(s: &Sandbox) {
    s.copy_fixture("minimal", "studio");
    let quay = std::fs::read_to_string(s.join("studio/sections/quay.md")).expect("quay");
    std::fs::write(
        s.join("studio/sections/quay.md"),
        quay.replace("Rain drums", "TODO: rain drums"),
    )
    .expect("write");
    s.commit_all("studio");
}

#[test]
fn bars_can_be_chosen_and_unknown_bars_are_refused() {
    let s = Sandbox::new();
    broken(&s);
    let all = s.run_in("studio", &["gate", "check", "--format", "json"]);
    assert_eq!(all.code, 1);
    let only = ok(s.run_in(
        "studio",
        &[
            "gate",
            "check",
            "--bars",
            "schema,integrity",
            "--format",
            "json",
        ],
    ))
    .json();
    assert_eq!(only["decision"], "pass");
    assert_eq!(only["bars"].as_array().map(Vec::len), Some(2));
    let r = s.run_in("studio", &["gate", "check", "--bars", "vibes"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("`vibes` is not a bar"), "{}", r.stderr);
}

#[test]
fn waivers_downgrade_matching_findings_until_they_expire() {
    let s = Sandbox::new();
    broken(&s);
    let waivers = "waivers:\n  - code: presentation/draft-marker\n    path: \"sections/*.md\"\n    rationale: the opening is being rewritten this week\n    expires: \"2099-01-01\"\n    granted_by: gatekeeper\n";
    std::fs::write(s.join("studio/waivers.yaml"), waivers).expect("write");
    s.commit_all("studio");
    let v = ok(s.run_in("studio", &["gate", "check", "--format", "json"])).json();
    assert_eq!(v["decision"], "pass", "{v}");
    assert_eq!(
        v["waived"][0]["finding"]["code"],
        "presentation/draft-marker"
    );
    assert_eq!(v["waived"][0]["waiver"]["line"], 2);
    let human = ok(s.run_in("studio", &["gate", "check"])).stdout;
    assert!(
        human.contains("waived (1):") && human.contains("until 2099-01-01"),
        "{human}"
    );

    let bar_wide = waivers.replace("presentation/draft-marker", "presentation/*");
    std::fs::write(s.join("studio/waivers.yaml"), bar_wide).expect("write");
    s.commit_all("studio");
    assert_eq!(
        ok(s.run_in("studio", &["gate", "check", "--format", "json"])).json()["decision"],
        "pass"
    );

    let expired = waivers.replace("2099-01-01", "2020-01-01");
    std::fs::write(s.join("studio/waivers.yaml"), expired).expect("write");
    s.commit_all("studio");
    let v = s
        .run_in("studio", &["gate", "check", "--format", "json"])
        .json();
    assert_eq!(v["decision"], "block");
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"integrity/expired-waiver") && codes.contains(&"presentation/draft-marker"),
        "{codes:?}"
    );
    assert_eq!(v["waived"], serde_json::json!([]));

    let elsewhere = waivers.replace("sections/*.md", "codex/*.md");
    std::fs::write(s.join("studio/waivers.yaml"), elsewhere).expect("write");
    s.commit_all("studio");
    assert_eq!(
        s.run_in("studio", &["gate", "check"]).code,
        1,
        "a waiver for other paths does not apply"
    );
}

#[test]
fn explain_describes_codes_and_suggests_near_misses() {
    let s = Sandbox::new();
    let r = ok(s.run(&["gate", "explain", "gateways/unobtainable"]));
    assert!(
        r.stdout.starts_with("gateways/unobtainable (error)\n"),
        "{}",
        r.stdout
    );
    let list = ok(s.run(&["gate", "explain", "--format", "json"])).json();
    assert!(list.as_array().expect("codes").len() >= 45);
    let r = s.run(&["gate", "explain", "gateways/unobtainabel"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean `gateways/unobtainable`"),
        "{}",
        r.stderr
    );
}

#[test]
fn submit_records_the_report_and_moves_the_tu() {
    let s = Sandbox::new();
    sample(&s);
    ok(s.run_in(
        "book",
        &[
            "tu",
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Polish the bell",
        ],
    ));
    ok(s.run_in("book", &["tu", "start"]));
    let bell = s.join("book/sections/dusk-bell.md");
    let text = std::fs::read_to_string(&bell).expect("read") + "\nThe bell is polished.\n";
    std::fs::write(&bell, text).expect("write");
    s.git("book", &["commit", "-q", "-am", "Polish the bell"]);
    s.record_steps("");
    let v = ok(s.run_in("book", &["gate", "submit", "--format", "json"])).json();
    assert_eq!(
        (v["decision"].as_str(), v["state"].as_str()),
        (Some("pass"), Some("gatecheck"))
    );
    assert_eq!(v["report"], "GK-2026-11-26-01");
    let checked = v["checked"].as_str().expect("checked").to_string();
    assert_eq!(
        s.git("book", &["rev-parse", "hot^"]),
        checked,
        "the report commit sits on the checked commit"
    );
    let report = std::fs::read_to_string(s.join("book/gate/GK-2026-11-26-01.yaml"))
        .expect("report in work tree");
    assert!(
        report.contains(&format!("rev: {checked}")) && report.contains("decision: pass"),
        "{report}"
    );
    let trailers = s.git("book", &["log", "-1", "--format=%(trailers:only,unfold)"]);
    assert!(
        trailers.contains("TU-Event: submit")
            && trailers.contains("Gate: pass")
            && trailers.contains("Gate-Report: GK-2026-11-26-01"),
        "{trailers}"
    );
    let shown = ok(s.run_in(
        "book",
        &["gate", "show", "GK-2026-11-26-01", "--format", "json"],
    ))
    .json();
    assert_eq!(shown["decision"], "pass");
    assert_eq!(
        ok(s.run_in("book", &["gate", "check"])).code,
        0,
        "the committed report itself passes the schema bar"
    );
    let tu = ok(s.run_in(
        "book",
        &["tu", "show", "TU-2026-11-26-SS01", "--format", "json"],
    ))
    .json();
    assert_eq!(tu["gates"][0]["report"], "GK-2026-11-26-01");

    // Break the book: a block sends the TU back to stabilizing with a remediation list.
    let bell = std::fs::read_to_string(s.join("book/sections/dusk-bell.md")).expect("bell");
    std::fs::write(
        s.join("book/sections/dusk-bell.md"),
        bell.replace("to: guild-yard", "to: guild-yrad"),
    )
    .expect("write");
    s.git("book", &["commit", "-q", "-am", "typo"]);
    s.record_steps("");
    let r = s.run_in("book", &["gate", "submit"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("gatecheck block") && r.stdout.contains("gatecheck → stabilizing"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("remediation:")
            && r.stdout.contains("plotwright")
            && r.stdout.contains("did you mean `guild-yard`?"),
        "{}",
        r.stdout
    );
    assert!(s.join("book/gate/GK-2026-11-26-02.yaml").exists());
    let r = s.run_in("book", &["gate", "show", "GK-2026-11-26-09"]);
    assert_eq!(r.code, 2);
}

#[test]
fn submit_refuses_a_tu_that_cannot_be_submitted() {
    let s = Sandbox::new();
    sample(&s);
    ok(s.run_in(
        "book",
        &["tu", "open", "--loop", "scene_forge", "--title", "Parked"],
    ));
    ok(s.run_in(
        "book",
        &["tu", "defer", "--reason", "later", "--revisit", "spring"],
    ));
    let hot = s.git("book", &["rev-parse", "hot"]);
    let r = s.run_in("book", &["gate", "submit"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr.contains("cannot submit a TU that is deferred"),
        "{}",
        r.stderr
    );
    assert_eq!(s.git("book", &["rev-parse", "hot"]), hot);
    assert!(!s.join("book/gate/GK-2026-11-26-01.yaml").exists());
}

#[test]
fn every_registered_code_has_a_defect_fixture_or_a_test() {
    let list = Sandbox::new()
        .run(&["gate", "explain", "--format", "json"])
        .json();
    let defects = std::path::Path::new(crate::harness::FIXTURES).join("defects");
    let mut expected = String::new();
    for e in std::fs::read_dir(&defects).expect("defects").flatten() {
        expected
            .push_str(&std::fs::read_to_string(e.path().join("expect.yaml")).unwrap_or_default());
    }
    // Codes proven elsewhere: the budget in tests/cli/reach.rs; traceability runs at merge
    // time, over history, and each of its codes is asserted in tests/cli/cold.rs.
    let elsewhere = [
        "reachability/undecided",
        "traceability/untraced-commit",
        "traceability/unknown-tu",
        "traceability/not-submitted",
        "traceability/rejected-tu",
        "traceability/deferred-tu",
        "traceability/after-close",
        "traceability/does-not-apply",
        "traceability/unsigned-rule-change",
        "traceability/unsigned-promotion",
        // A loop's exit criteria are a submission's, asserted in tests/cli/loops.rs.
        "traceability/step-not-recorded",
        "traceability/deliverable-missing",
        "traceability/unknown-loop",
        // A symbolic link cannot live in a fixture folder copied by the tests: tested in
        // tests/cli/check.rs.
        "schema/not-a-file",
    ];
    let missing: Vec<&str> = list
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(|c| c["code"].as_str())
        .filter(|c| !elsewhere.contains(c) && !expected.contains(&format!("code: {c}\n")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes with no defect fixture: {missing:?}"
    );
}

#[test]
fn the_story_map_marks_gates_kinds_and_unreachable_sections() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let mermaid = ok(s.run_in("book", &["graph"])).stdout;
    assert!(mermaid.starts_with("flowchart TD\n"), "{mermaid}");
    assert!(
        mermaid.contains("[\"The Dusk Bell\"]") && mermaid.contains("([\"The Guild Yard\"])"),
        "start and hub shapes"
    );
    assert!(
        mermaid.contains("-.->|\"round-walked\"|"),
        "gated edges carry their codeword"
    );
    let marks_unreachable = |m: &str| {
        m.lines()
            .any(|l| l.starts_with("  class ") && l.ends_with(" unreachable"))
    };
    assert!(
        !marks_unreachable(&mermaid),
        "nothing unreachable in the sample"
    );
    let dot = ok(s.run_in("book", &["graph", "--format", "dot"])).stdout;
    assert!(
        dot.starts_with("digraph story {")
            && dot.contains("\"sea-gate\" [label=\"The Sea Gate\", shape=hexagon"),
        "{dot}"
    );
    ok(s.run_in("book", &["graph", "--format", "svg", "-o", "map.svg"]));
    let svg = std::fs::read_to_string(s.join("book/map.svg")).expect("svg");
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"")
            && svg.trim_end().ends_with("</svg>")
    );
    assert_eq!(svg.matches("<g><title>").count(), 45, "one box per section");
    assert!(
        svg.contains("aria-labelledby=\"story-map-title story-map-desc\"")
            && svg.contains(
                "<desc id=\"story-map-desc\">45 sections (3 hubs, 2 keystones, 6 endings)"
            ),
        "a title and a text alternative"
    );
    assert!(
        svg.contains("markerUnits=\"userSpaceOnUse\"") && svg.contains("markerWidth=\"12\""),
        "arrowheads 12 units long whatever the stroke"
    );
    assert_eq!(
        svg.matches("<g class=\"gate\">").count(),
        mermaid.matches("-.->").count(),
        "a label per gated choice"
    );
    assert_eq!(s.run_in("book", &["graph", "--format", "png"]).code, 2);

    // A keystone that no route can open is drawn as unreachable.
    let k = Sandbox::new();
    k.copy_fixture("minimal", "studio");
    crate::harness::copy_dir(
        &std::path::Path::new(crate::harness::FIXTURES)
            .join("defects/reachability-keystone-unreachable"),
        &k.join("studio"),
    );
    std::fs::remove_file(k.join("studio/expect.yaml")).expect("rm");
    k.commit_all("studio");
    let svg = ok(k.run_in("studio", &["graph", "--format", "svg"])).stdout;
    assert!(svg.contains("stroke=\"#c00\""), "unreachable highlighted");
    let mermaid = ok(k.run_in("studio", &["graph"])).stdout;
    assert!(marks_unreachable(&mermaid), "{mermaid}");
}

#[test]
fn a_submit_with_a_waived_finding_writes_a_report_its_schema_accepts() {
    let s = Sandbox::new();
    sample(&s);
    // The gate's clock: 2026-11-26.
    let at = |args: &[&str]| s.run_env("book", &[("SOURCE_DATE_EPOCH", "1795694400")], args);
    // A waiver counts once it is on cold: its own TU brings it there first.
    ok(at(&[
        "tu",
        "open",
        "--loop",
        "remediation",
        "--title",
        "Waive the bell",
    ]));
    std::fs::write(
        s.join("book/waivers.yaml"),
        "waivers:\n  - code: \"presentation/draft-marker\"\n    path: \"sections/dusk-bell.md\"\n    rationale: \"the bell scene is rewritten next week\"\n    expires: \"2026-12-20\"\n    granted_by: gatekeeper\n",
    )
    .expect("waivers");
    s.git("book", &["commit", "-q", "-am", "Waive the bell draft"]);
    s.record_steps("");
    ok(at(&["gate", "submit"]));
    ok(at(&["merge"]));
    ok(at(&[
        "tu",
        "open",
        "--loop",
        "scene_forge",
        "--title",
        "Waived",
    ]));
    ok(at(&["tu", "start"]));
    let bell = s.join("book/sections/dusk-bell.md");
    let text = std::fs::read_to_string(&bell).expect("read") + "\nTODO: finish\n";
    std::fs::write(&bell, text).expect("write");
    s.git("book", &["commit", "-q", "-am", "A draft, waived"]);
    s.record_steps("");
    let v = ok(at(&["gate", "submit", "--format", "json"])).json();
    let report = v["report"].as_str().expect("report id").to_string();
    let shown = ok(s.run_in("book", &["gate", "show", &report, "--format", "json"])).json();
    assert_eq!(
        shown["waived"][0]["finding"]["code"],
        "presentation/draft-marker"
    );
    assert_eq!(shown["waived"][0]["waiver"]["granted_by"], "gatekeeper");
    // The committed report passes its own schema: the gate says so of hot.
    let check = ok(s.run_in(
        "book",
        &["gate", "check", "--bars", "schema", "--format", "json"],
    ))
    .json();
    assert_eq!(check["findings"], serde_json::json!([]), "{check}");
}

#[test]
fn values_are_checked_as_what_they_are() {
    let s = Sandbox::new();
    sample(&s);
    let edit = |rel: &str, from: &str, to: &str| {
        let p = s.join("book").join(rel);
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(text.contains(from), "{rel} holds {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).expect("write");
    };
    edit("studio.toml", "cold = \"cold\"", "cold = \"hot\"");
    edit(
        "roles.yaml",
        "  showrunner:\n    state: awake",
        "  showrunner:\n    state: dormant",
    );
    std::fs::write(
        s.join("book/waivers.yaml"),
        "waivers:\n  - code: presentation/draft-marker\n    path: sections/dusk-bell.md\n    rationale: soon\n    expires: \"2026-13-01\"\n    granted_by: gatekeeper\n",
    )
    .expect("waivers");
    let v = s.run_in("book", &["check", "--format", "json"]).json();
    let messages: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{} {} {}", f["code"], f["path"], f["message"]))
        .collect();
    for want in [
        "hot and cold are the same branch",
        "`showrunner` is dormant",
        "is not a day of the calendar",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(want)),
            "{want} in {messages:#?}"
        );
    }
    edit("studio.toml", "cold = \"hot\"", "cold = \"co..ld\"");
    let v = s.run_in("book", &["check", "--format", "json"]).json();
    assert!(
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["message"]
                .as_str()
                .is_some_and(|m| m.contains("is not a name git accepts"))),
        "{v}"
    );
}
