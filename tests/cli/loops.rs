//! `loop list | show | run | status`, and a whole production run driven from the CLI:
//! dispatch → TU open → roles woken → checkpoints per step → a question asked and
//! answered → gate submit → remediation → resubmit → ready for merge.

use crate::harness::{Run, Sandbox, ok, refused_suggesting};

fn sr(s: &Sandbox, args: &[&str]) -> Run {
    s.run_in("book", args)
}

fn status(s: &Sandbox, tu: &str) -> serde_json::Value {
    ok(sr(s, &["--format", "json", "loop", "status", tu])).json()
}

#[test]
fn loops_are_listed_and_shown_and_unknown_ones_are_named() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let list = ok(sr(&s, &["--format", "json", "loop", "list"])).json();
    let ids: Vec<&str> = list
        .as_array()
        .expect("loops")
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 17, "{ids:?}");
    for want in [
        "story_spark",
        "full_production_run",
        "world_genesis",
        "post_mortem",
    ] {
        assert!(ids.contains(&want), "{want}");
    }
    let show = ok(sr(&s, &["--format", "json", "loop", "show", "scene_forge"])).json();
    assert_eq!(
        show["raci"]["responsible"],
        serde_json::json!(["scene_smith"])
    );
    assert_eq!(show["steps"][0]["id"], "scope_scenes");
    assert_eq!(show["steps"][4]["optional"], true);
    let text = ok(sr(&s, &["loop", "show", "lore_deepening"])).stdout;
    assert!(text.contains("RACI: accountable showrunner"), "{text}");
    let r = sr(&s, &["loop", "show", "scene_forj"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("did you mean `scene_forge`?"),
        "{}",
        r.stderr
    );
    let r = sr(
        &s,
        &["loop", "run", "art_touch_up", "--param", "colour=red"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("takes no parameter `colour`; it takes: sections, count, brief"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_full_production_run_through_the_cli() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));

    // The request names art for a section: the art loop, with its dormant roles woken.
    let d = ok(sr(
        &s,
        &[
            "--format",
            "json",
            "dispatch",
            "Add an illustration for the mudbank scene",
            "--open",
        ],
    ))
    .json();
    assert_eq!(d["loop"], "art_touch_up", "{d}");
    assert_eq!(
        d["woken"],
        serde_json::json!(["art_director", "illustrator"]),
        "{d}"
    );
    let tu = d["opened"][0].as_str().expect("opened").to_string();
    let roster = ok(sr(&s, &["--format", "json", "role", "list"])).json();
    let ad = roster
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["role"] == "art_director")
        .expect("AD");
    assert_eq!(ad["state"], "awake");
    assert_eq!(ad["open_tus"], serde_json::json!([tu]));
    let brief = s.git("book", &["show", &format!("hot:tus/{tu}.yaml")]);
    assert!(brief.contains("inputs: [\"sections: mudbank\"]"), "{brief}");

    let st = status(&s, &tu);
    assert_eq!(
        st["next"]["what"]
            .as_str()
            .map(|w| w.starts_with("plan_art")),
        Some(true),
        "{st}"
    );

    // Step 1: the plan — with alt text missing, which the gate will catch.
    ok(sr(&s, &["tu", "start", &tu]));
    std::fs::write(
        s.join("book/art/mudbank-humming.yaml"),
        "id: mudbank-humming\nsection: mudbank\nstatus: planned\ncaption: The mudbank at dusk, where something hums.\n",
    )
    .expect("art");
    s.git("book", &["add", "art/mudbank-humming.yaml"]);
    // A step the loop does not have is refused, with the nearest, and nothing is
    // committed.
    let tip = s.git("book", &["rev-parse", "HEAD"]);
    for (given, near) in [("not_a_step", None), ("plan_arts", Some("plan_art"))] {
        let r = sr(
            &s,
            &["tu", "checkpoint", &tu, "-m", "Plan", "--step", given],
        );
        refused_suggesting(&r, &format!("has no step `{given}`"), near);
        assert!(r.stderr.contains("its steps: plan_art"), "{}", r.stderr);
    }
    assert_eq!(
        s.git("book", &["rev-parse", "HEAD"]),
        tip,
        "nothing committed"
    );
    ok(sr(
        &s,
        &[
            "tu",
            "checkpoint",
            &tu,
            "-m",
            "Plan the mudbank art",
            "--step",
            "plan_art",
        ],
    ));
    let st = status(&s, &tu);
    assert_eq!(st["steps"][0]["done"], true);
    assert_eq!(
        st["deliverables"][0]["files"],
        serde_json::json!(["art/mudbank-humming.yaml"])
    );
    assert_eq!(
        st["next"]["what"]
            .as_str()
            .map(|w| w.starts_with("check_spoilers")),
        Some(true),
        "{st}"
    );

    // A question for the customer, answered.
    let q = ok(sr(
        &s,
        &[
            "--format",
            "json",
            "ask",
            "--tu",
            &tu,
            "--question",
            "Should the picture show the source of the humming?",
            "--context",
            "Showing it would settle a mystery the text keeps open",
            "--option",
            "hide|Keep it hidden|The mystery stays",
            "--option",
            "show|Show the lamp|Ties the marsh to the keystone early",
            "--recommend",
            "hide",
        ],
    ))
    .json();
    let batch = q["id"].as_str().expect("batch").to_string();
    ok(sr(&s, &["answer", &batch, "q1", "hide"]));

    for step in ["check_spoilers", "render_assets"] {
        ok(sr(
            &s,
            &[
                "tu",
                "checkpoint",
                &tu,
                "-m",
                &format!("Step {step}"),
                "--step",
                step,
            ],
        ));
    }

    // The gate blocks (no alt text); remediation; resubmit passes.
    s.record_steps(&tu);
    let g = sr(&s, &["--format", "json", "gate", "submit", "--tu", &tu]);
    assert_eq!(g.code, 1, "{g:?}");
    let codes: Vec<String> = g.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect();
    assert!(
        codes
            .iter()
            .any(|c| c.starts_with("schema/") || c.starts_with("accessibility/")),
        "{codes:?}"
    );
    std::fs::write(
        s.join("book/art/mudbank-humming.yaml"),
        "id: mudbank-humming\nsection: mudbank\nstatus: planned\ncaption: The mudbank at dusk, where something hums.\nalt: A wide bank of grey mud under a low sky, a lone figure kneeling by a channel of dark water.\n",
    )
    .expect("fix");
    ok(sr(
        &s,
        &[
            "tu",
            "checkpoint",
            &tu,
            "-a",
            "-m",
            "Add the alt text",
            "--step",
            "review_art",
        ],
    ));
    let st = status(&s, &tu);
    assert_eq!(
        st["next"]["command"],
        format!("showrunner gate submit --tu {tu}"),
        "{st}"
    );
    s.record_steps(&tu);
    ok(sr(&s, &["gate", "submit", "--tu", &tu]));
    let st = status(&s, &tu);
    assert_eq!(st["state"], "gatecheck");
    assert_eq!(st["next"]["command"], "showrunner merge");
    ok(sr(&s, &["merge", "--dry-run"]));

    // The TU's story shows the question next to it.
    let shown = ok(sr(&s, &["tu", "show", &tu])).stdout;
    assert!(shown.contains("Keep it hidden"), "{shown}");
}

#[test]
fn a_tu_of_a_loop_no_playbook_describes_still_has_a_status() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    // A TU opened by hand under a loop of the studio's own that no playbook describes
    // (its playbook gone since, or never written).
    let tu = "TU-2026-11-26-SS07".to_string();
    std::fs::write(
        s.join(&format!("book/tus/{tu}.yaml")),
        format!("id: {tu}\ntitle: Sweep\nloop: house_cleaning\nopened: \"2026-11-26\"\nowner_a: showrunner\nresponsible_r: [scene_smith]\n"),
    )
    .expect("brief");
    s.git("book", &["add", "-A"]);
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            &format!("A loop of our own\n\nTU: {tu}\nTU-Event: open\nLoop: house_cleaning"),
        ],
    );
    let st = ok(sr(&s, &["--format", "json", "loop", "status", &tu])).json();
    assert_eq!(st["loop"], "house_cleaning");
    assert_eq!(st["steps"], serde_json::json!([]));
    assert_eq!(
        st["next"]["command"],
        format!("showrunner gate submit --tu {tu}")
    );
}

#[test]
fn loop_parameters_must_name_what_exists_on_hot() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let hot = s.git("book", &["rev-parse", "hot"]);
    for (param, says, near) in [
        ("sections=quay", "is not a section on hot", None),
        (
            "sections=mudbank,mudbnk",
            "is not a section on hot",
            Some("mudbank"),
        ),
        ("count=three", "is not a whole number", None),
    ] {
        let r = sr(&s, &["loop", "run", "art_touch_up", "--param", param]);
        refused_suggesting(&r, says, near);
    }
    assert_eq!(s.git("book", &["rev-parse", "hot"]), hot, "nothing opened");
    ok(sr(
        &s,
        &[
            "loop",
            "run",
            "art_touch_up",
            "--param",
            "sections=mudbank",
            "--param",
            "count=2",
        ],
    ));
}

/// The codes of a submission's findings.
fn codes(r: &Run) -> Vec<String> {
    r.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn gate_submit_holds_a_tu_to_its_loops_exit_criteria_under_the_playbooks_on_cold() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let submit = |tu: &str| sr(&s, &["--format", "json", "gate", "submit", "--tu", tu]);

    // A scene forge with its prose written but no step recorded: four findings, one per
    // required step (the optional style read is not asked for), and the TU stays put.
    let tu = s.open_tu("Mudbank humming");
    let path = s.join("book/sections/mudbank.md");
    let text = std::fs::read_to_string(&path).expect("read") + "\nSomething hums.\n";
    std::fs::write(&path, text).expect("write");
    ok(sr(&s, &["tu", "checkpoint", &tu, "-a", "-m", "Hum"]));
    let g = submit(&tu);
    assert_eq!(g.code, 1, "{g:?}");
    let mut got = codes(&g);
    got.sort();
    assert_eq!(got, vec!["traceability/step-not-recorded"; 4], "{g:?}");
    assert!(g.stdout.contains("--step shape_choices"), "{}", g.stdout);
    assert_eq!(g.json()["state"], "stabilizing");

    // The TU cannot relax its own loop: a playbook on its branch marking every step
    // optional is not in force until it is on cold.
    let mut relaxed = String::from(
        "id: scene_forge\nname: Scene Forge\ncategory: production\npurpose: Write scenes.\n\
         raci: {accountable: showrunner, responsible: [scene_smith]}\nsteps:\n",
    );
    for step in [
        "scope_scenes",
        "shape_choices",
        "draft_prose",
        "check_canon",
    ] {
        relaxed.push_str(&format!(
            "  - {{id: {step}, role: scene_smith, produces: nothing, optional: true}}\n"
        ));
    }
    relaxed.push_str("deliverables: []\nbars: [integrity]\n");
    std::fs::create_dir_all(s.join("book/playbooks")).expect("dir");
    std::fs::write(s.join("book/playbooks/scene_forge.yaml"), relaxed).expect("write");
    s.git("book", &["add", "playbooks"]);
    ok(sr(
        &s,
        &["tu", "checkpoint", &tu, "-a", "-m", "Relax the loop"],
    ));
    let g = submit(&tu);
    assert_eq!(g.code, 1, "{g:?}");
    let unrecorded = codes(&g)
        .iter()
        .filter(|c| *c == "traceability/step-not-recorded")
        .count();
    assert_eq!(unrecorded, 4, "{g:?}");
    s.git("book", &["rm", "-q", "playbooks/scene_forge.yaml"]);
    ok(sr(
        &s,
        &["tu", "checkpoint", &tu, "-a", "-m", "Keep the loop"],
    ));

    // Neither can a hand-edited brief move the TU to a loop with nothing to do before
    // the gate: the loop is the one its `open` event named.
    let brief = s.join(&format!("book/tus/{tu}.yaml"));
    let text = std::fs::read_to_string(&brief).expect("read");
    std::fs::write(&brief, text.replace("loop: scene_forge", "loop: gatecheck")).expect("write");
    ok(sr(
        &s,
        &["tu", "checkpoint", &tu, "-a", "-m", "Call it a gatecheck"],
    ));
    assert_eq!(
        codes(&submit(&tu)),
        vec!["traceability/step-not-recorded"; 4]
    );

    // Steps recorded: it passes.
    s.record_steps(&tu);
    let g = submit(&tu);
    assert_eq!(g.code, 0, "{g:?}");
    assert_eq!(g.json()["state"], "gatecheck");

    // A scene forge that brings no section: its deliverable is missing.
    let tu = s.open_tu("Only the codex");
    let path = s.join("book/codex/mudlarks.md");
    let text = std::fs::read_to_string(&path).expect("read") + "\nThey sing, too.\n";
    std::fs::write(&path, text).expect("write");
    ok(sr(&s, &["tu", "checkpoint", &tu, "-a", "-m", "Mudlarks"]));
    s.record_steps(&tu);
    let g = submit(&tu);
    assert_eq!(g.code, 1, "{g:?}");
    assert_eq!(codes(&g), vec!["traceability/deliverable-missing"], "{g:?}");
    assert!(
        g.json()["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("at least 1 section")),
        "{g:?}"
    );

    // The steps the gate does itself are recorded by the submission (a remediation's
    // recheck), and `loop status` says so.
    let fix = s.open_tu_in("book", "remediation", "Recheck the bell", &[]);
    let path = s.join("book/sections/dusk-bell.md");
    let text = std::fs::read_to_string(&path).expect("read") + "\nThe bell rings true.\n";
    std::fs::write(&path, text).expect("write");
    ok(sr(&s, &["tu", "checkpoint", &fix, "-a", "-m", "Bell"]));
    s.record_steps(&fix);
    ok(submit(&fix));
    let msg = s.git("book", &["log", "-1", "--format=%B", "hot"]);
    assert!(msg.contains("Step: recheck"), "{msg}");
    let st = status(&s, &fix);
    let recheck = st["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|x| x["id"] == "recheck")
        .cloned()
        .expect("recheck");
    assert_eq!(
        (recheck["when"].clone(), recheck["done"].clone()),
        ("gate".into(), true.into())
    );

    // A TU opened by hand under a loop no playbook describes cannot pass.
    let id = "TU-2026-11-26-SS09";
    std::fs::write(
        s.join(&format!("book/tus/{id}.yaml")),
        format!("id: {id}\ntitle: Banana\nloop: banana\nopened: \"2026-11-26\"\nowner_a: showrunner\nresponsible_r: [scene_smith]\n"),
    )
    .expect("brief");
    let path = s.join("book/sections/pip-lesson.md");
    let text = std::fs::read_to_string(&path).expect("read") + "\nBananas.\n";
    std::fs::write(&path, text).expect("write");
    s.git("book", &["add", "-A"]);
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            &format!("Open {id}\n\nTU: {id}\nTU-Event: open\nLoop: banana"),
        ],
    );
    let g = submit(id);
    assert_eq!(g.code, 1, "{g:?}");
    assert!(
        codes(&g).contains(&"traceability/unknown-loop".to_string()),
        "{g:?}"
    );
}
