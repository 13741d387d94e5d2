//! The user-visible surface of every command, pinned with snapshots: human text, JSON,
//! the files people read (view log, Markdown view) and the refusals on stderr with their
//! exit codes. A change to any of them shows up as a snapshot diff to review.

use crate::harness::{Run, Sandbox, ok};

/// The gate's "today" (`SOURCE_DATE_EPOCH`): 2026-11-26T12:00:00Z, the harness's git date,
/// so waiver expiry and report dates never follow the real clock.
const TODAY: &str = "1795694400";

/// Runs showrunner in `cwd` with the gate's clock fixed.
fn sr(s: &Sandbox, cwd: &str, args: &[&str]) -> Run {
    s.run_env(cwd, &[("SOURCE_DATE_EPOCH", TODAY)], args)
}

/// Runs showrunner in the studio `book`.
fn book(s: &Sandbox, args: &[&str]) -> Run {
    sr(s, "book", args)
}

/// What a run shows, once its exit code is the expected one: stdout alone for a quiet
/// success; otherwise `exit: N` and both streams.
fn shows(s: &Sandbox, r: &Run, code: i32) -> String {
    assert_eq!(r.code, code, "{r:?}");
    if r.code == 0 && r.stderr.is_empty() {
        return stable(s, &r.stdout);
    }
    let mut text = format!("exit: {}\n--- stdout\n{}", r.code, r.stdout);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("--- stderr\n");
    text.push_str(&r.stderr);
    stable(s, &text)
}

/// Text with what is not stable across machines and versions replaced: the sandbox's
/// path by `[SANDBOX]`, the tool's version by `[VERSION]`, commit and tree ids by `[ID]`.
///
/// An id is a whole word of 7 to 40 lowercase hex digits holding at least one digit (so
/// words like `faded` stay); all-decimal words shorter than 10 are kept, since those
/// are dates in hook ids (`HK-20261101-01`) or counts, never the tool's ids (10 or 40).
fn stable(s: &Sandbox, text: &str) -> String {
    let root = s.join("home").parent().expect("sandbox root").to_path_buf();
    let mut out = text.to_string();
    let real = root.canonicalize().unwrap_or_else(|_| root.clone());
    for path in [real, root] {
        out = out.replace(path.to_string_lossy().as_ref(), "[SANDBOX]");
    }
    out = out.replace(
        &format!("showrunner {}", env!("CARGO_PKG_VERSION")),
        "showrunner [VERSION]",
    );
    let is_id = |w: &str| {
        let hex = w
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let digits = w.bytes().filter(u8::is_ascii_digit).count();
        (7..=40).contains(&w.len()) && hex && digits > 0 && (digits < w.len() || w.len() >= 10)
    };
    let mut masked = String::with_capacity(out.len());
    let mut word = String::new();
    for c in out.chars().chain(std::iter::once('\n')) {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        masked.push_str(if is_id(&word) { "[ID]" } else { &word });
        word.clear();
        masked.push(c);
    }
    masked.pop();
    masked
}

/// The sample studio in `book`.
fn sample() -> Sandbox {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    s
}

/// Appends a line to a section of `book` (a change for a TU to carry).
fn touch_bell(s: &Sandbox, line: &str) {
    let bell = s.join("book/sections/dusk-bell.md");
    let text = std::fs::read_to_string(&bell).expect("dusk bell");
    std::fs::write(&bell, format!("{text}\n{line}\n")).expect("write");
}

/// The sample with TU-2026-11-26-SS01 opened, started, checkpointed, submitted and
/// merged onto cold.
fn merged() -> Sandbox {
    let s = sample();
    ok(book(
        &s,
        &[
            "tu",
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Polish the dusk bell",
        ],
    ));
    ok(book(&s, &["tu", "start"]));
    touch_bell(&s, "The bell is quiet.");
    ok(book(
        &s,
        &[
            "tu",
            "checkpoint",
            "-a",
            "-m",
            "Quiet the bell",
            "--blocker",
            "waiting on style",
        ],
    ));
    s.record_steps("");
    ok(book(&s, &["gate", "submit"]));
    ok(book(&s, &["merge"]));
    s
}

/// The `minimal` fixture in `book`, with `cold` and one snapshot, `cold-2026-11-26`.
fn minimal_snapshot() -> Sandbox {
    let s = Sandbox::new();
    s.copy_fixture("minimal", "book");
    s.commit_all("book");
    s.git("book", &["branch", "cold"]);
    ok(book(&s, &["snapshot"]));
    s
}

#[test]
fn stable_masks_ids_and_paths_but_not_words_dates_or_hashes() {
    let s = Sandbox::new();
    let root = s.join("home").parent().expect("root").display().to_string();
    let sha = "cd3e4a8fcf4dd23a49d9c0ac434de0c9a3e2dcc30bb5ffcffe0cd3c71bc0c997";
    let text = format!(
        "{root}/book at bc154165a1 (bc154165a1461603f52dd917bca05abbce39f604) faded \
         decade HK-20261101-01 TU-2026-11-26-SS01 {sha} showrunner {}",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(
        stable(&s, &text),
        format!(
            "[SANDBOX]/book at [ID] ([ID]) faded decade HK-20261101-01 \
             TU-2026-11-26-SS01 {sha} showrunner [VERSION]"
        )
    );
}

#[test]
fn init_tells_what_it_created_and_refuses_to_overwrite_a_studio() {
    let s = Sandbox::new();
    let r = sr(&s, "", &["init", "plain"]);
    insta::assert_snapshot!("init_human", shows(&s, &r, 0));
    assert!(s.join("plain/studio.toml").is_file());
    let r = sr(&s, "", &["init", "other", "--format", "json"]);
    insta::assert_snapshot!("init_json", shows(&s, &r, 0));
    assert_eq!(r.json()["created_repo"], true);
    let r = sr(&s, "", &["init", "book", "--from-sample"]);
    insta::assert_snapshot!("init_sample_human", shows(&s, &r, 0));
    let r = sr(&s, "", &["init", "plain"]);
    insta::assert_snapshot!("init_refused_existing_studio", shows(&s, &r, 2));
}

#[test]
fn check_passes_a_clean_tree_and_locates_a_defect_in_the_work_tree() {
    let s = sample();
    let r = book(&s, &["check"]);
    insta::assert_snapshot!("check_clean_human", shows(&s, &r, 0));
    let r = book(&s, &["check", "--format", "json"]);
    insta::assert_snapshot!("check_clean_json", shows(&s, &r, 0));
    assert_eq!(r.json()["decision"], "pass");
    touch_bell(&s, "TODO: a better bell.");
    let r = book(&s, &["check"]);
    insta::assert_snapshot!("check_defect_human", shows(&s, &r, 1));
    let r = book(&s, &["check", "sections/dusk-bell.md", "--format", "json"]);
    insta::assert_snapshot!("check_defect_json", shows(&s, &r, 1));
    assert_eq!(r.json()["decision"], "block");
}

#[test]
fn gate_explain_describes_codes_and_suggests_a_near_miss() {
    let s = Sandbox::new();
    let r = sr(&s, "", &["gate", "explain", "gateways/unobtainable"]);
    insta::assert_snapshot!("gate_explain_human", shows(&s, &r, 0));
    let r = sr(
        &s,
        "",
        &[
            "gate",
            "explain",
            "gateways/unobtainable",
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("gate_explain_json", shows(&s, &r, 0));
    let r = sr(&s, "", &["gate", "explain", "--format", "json"]);
    insta::assert_snapshot!("gate_explain_all_json", shows(&s, &r, 0));
    assert!(r.json().as_array().is_some_and(|codes| codes.len() > 20));
    let r = sr(&s, "", &["gate", "explain", "gateways/unobtainabel"]);
    insta::assert_snapshot!("gate_explain_did_you_mean", shows(&s, &r, 2));
}

#[test]
fn a_tu_taken_to_cold_reads_the_same_at_every_step() {
    let s = sample();
    let r = book(
        &s,
        &[
            "tu",
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Polish the dusk bell",
        ],
    );
    insta::assert_snapshot!("tu_open_human", shows(&s, &r, 0));
    let id = "TU-2026-11-26-SS01";
    let r = book(&s, &["tu", "start"]);
    insta::assert_snapshot!("tu_start_human", shows(&s, &r, 0));
    touch_bell(&s, "The bell is quiet.");
    let r = book(
        &s,
        &[
            "tu",
            "checkpoint",
            "-a",
            "-m",
            "Quiet the bell",
            "--step",
            "draft_prose",
            "--blocker",
            "waiting on style",
            "--next",
            "ask the style lead",
        ],
    );
    insta::assert_snapshot!("tu_checkpoint_human", shows(&s, &r, 0));
    let r = book(&s, &["merge", "--to", "hot"]);
    insta::assert_snapshot!("merge_refused_not_submitted", shows(&s, &r, 1));
    let r = book(&s, &["merge"]);
    insta::assert_snapshot!("merge_queue_waiting", shows(&s, &r, 0));
    let r = book(&s, &["loop", "status"]);
    insta::assert_snapshot!("loop_status_human", shows(&s, &r, 0));
    let r = book(&s, &["loop", "status", id, "--format", "json"]);
    insta::assert_snapshot!("loop_status_json", shows(&s, &r, 0));
    assert_eq!(r.json()["steps"][2]["done"], true, "draft_prose is done");

    s.record_steps("");
    let r = book(&s, &["gate", "submit"]);
    insta::assert_snapshot!("gate_submit_human", shows(&s, &r, 0));
    let r = book(&s, &["gate", "show", "GK-2026-11-26-01"]);
    insta::assert_snapshot!("gate_show_human", shows(&s, &r, 0));
    let r = book(
        &s,
        &["gate", "show", "GK-2026-11-26-01", "--format", "json"],
    );
    insta::assert_snapshot!("gate_show_json", shows(&s, &r, 0));
    assert_eq!(r.json()["tu"], id);
    let r = book(&s, &["gate", "show", "GK-2026-11-26-09"]);
    insta::assert_snapshot!("gate_show_unknown_report", shows(&s, &r, 2));

    let cold = s.git("book", &["rev-parse", "cold"]);
    let r = book(&s, &["merge", "--dry-run"]);
    insta::assert_snapshot!("merge_dry_run_human", shows(&s, &r, 0));
    let r = book(&s, &["merge", "--dry-run", "--format", "json"]);
    insta::assert_snapshot!("merge_dry_run_json", shows(&s, &r, 0));
    assert_eq!(s.git("book", &["rev-parse", "cold"]), cold, "a dry run");
    let r = book(&s, &["merge", "--format", "json"]);
    insta::assert_snapshot!("merge_json", shows(&s, &r, 0));
    assert_eq!(r.json()["cold_merged"], serde_json::json!([id]));
    assert_eq!(
        s.git("book", &["rev-parse", "cold"]),
        s.git("book", &["rev-parse", "hot"])
    );
    let r = book(&s, &["merge"]);
    insta::assert_snapshot!("merge_nothing_to_do", shows(&s, &r, 0));

    let r = book(&s, &["tu", "close", id]);
    insta::assert_snapshot!("tu_close_refused_after_merge", shows(&s, &r, 3));
    let r = book(&s, &["tu", "show", id]);
    insta::assert_snapshot!("tu_show_human", shows(&s, &r, 0));
    let r = book(&s, &["tu", "show", id, "--format", "json"]);
    insta::assert_snapshot!("tu_show_json", shows(&s, &r, 0));
    assert_eq!(r.json()["state"], "cold-merged");
    let r = book(&s, &["tu", "pr-body", id]);
    insta::assert_snapshot!("tu_pr_body", shows(&s, &r, 0));
}

/// Commits `text` as the studio's own `templates/<name>` on hot (the book's branch).
fn commit_template(s: &Sandbox, name: &str, text: &str) {
    let own = s.join(&format!("book/templates/{name}"));
    std::fs::create_dir_all(own.parent().expect("folder")).expect("mkdir");
    std::fs::write(&own, text).expect("write");
    s.git("book", &["add", "templates"]);
    s.git(
        "book",
        &["commit", "-q", "--no-verify", "-m", &format!("Own {name}")],
    );
}

#[test]
fn a_studio_words_its_pull_requests_with_its_own_template_on_hot() {
    let s = merged();
    let id = "TU-2026-11-26-SS01";
    commit_template(
        &s,
        "tu/pr-body.md",
        "{{ id }} <{{ state }}>{% for f in files %} {{ f }}{% endfor %}\n",
    );
    let r = ok(book(&s, &["tu", "pr-body", id]));
    assert_eq!(
        r.stdout,
        format!(
            "{id} <cold-merged> gate/GK-2026-11-26-01.yaml sections/dusk-bell.md tus/{id}.yaml\n"
        ),
        "hot's template, and no HTML escaping in Markdown"
    );
    commit_template(&s, "tu/pr-body.md", "{{ id ");
    let r = book(&s, &["tu", "pr-body", id]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("hot's template templates/tu/pr-body.md does not compile"),
        "{r:?}"
    );
}

#[test]
fn a_side_tu_is_updated_deferred_submitted_and_rejected_with_clear_output() {
    let s = sample();
    let r = book(
        &s,
        &[
            "tu",
            "open",
            "--loop",
            "lore_deepening",
            "--title",
            "The guild's oil",
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("tu_open_json", shows(&s, &r, 0));
    let id = "TU-2026-11-26-LW01";
    assert_eq!(r.json()["id"], id);
    let r = book(
        &s,
        &[
            "tu",
            "update",
            "--set",
            "timebox=2d",
            "--add",
            "risks=a timeline clash",
        ],
    );
    insta::assert_snapshot!("tu_update_human", shows(&s, &r, 0));
    let r = book(
        &s,
        &[
            "tu",
            "update",
            "--title",
            "The guild's grey oil",
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("tu_update_json", shows(&s, &r, 0));
    let r = book(&s, &["tu", "reactivate"]);
    insta::assert_snapshot!("tu_reactivate_refused_not_deferred", shows(&s, &r, 3));
    let r = book(&s, &["tu", "start", id, "--format", "json"]);
    insta::assert_snapshot!("tu_start_json", shows(&s, &r, 0));
    let r = book(
        &s,
        &[
            "tu",
            "defer",
            "--reason",
            "art comes first",
            "--revisit",
            "2026-12-01",
        ],
    );
    insta::assert_snapshot!("tu_defer_human", shows(&s, &r, 0));
    let r = book(&s, &["tu", "reactivate", "--format", "json"]);
    insta::assert_snapshot!("tu_reactivate_json", shows(&s, &r, 0));
    assert_eq!(r.json()["state"], "stabilizing");
    std::fs::write(
        s.join("book/canon/grey-oil-depths.md"),
        "---\nid: grey-oil-depths\ntitle: How deep the oil goes\n---\nDeeper than the sea gate.\n",
    )
    .expect("canon");
    s.git("book", &["add", "canon"]);
    let r = book(
        &s,
        &[
            "tu",
            "checkpoint",
            "-m",
            "Draft the canon",
            "--step",
            "draft_canon",
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("tu_checkpoint_json", shows(&s, &r, 0));

    // A second TU, to list, switch and read the active one.
    ok(book(
        &s,
        &[
            "tu",
            "open",
            "--loop",
            "codex_expansion",
            "--title",
            "A codex entry for the oil",
        ],
    ));
    let r = book(&s, &["tu", "current"]);
    insta::assert_snapshot!("tu_current_human", shows(&s, &r, 0));
    let r = book(&s, &["tu", "switch", id]);
    insta::assert_snapshot!("tu_switch_human", shows(&s, &r, 0));
    let r = book(&s, &["tu", "switch", id, "--format", "json"]);
    insta::assert_snapshot!("tu_switch_json", shows(&s, &r, 0));
    let r = book(&s, &["tu", "current", "--format", "json"]);
    insta::assert_snapshot!("tu_current_json", shows(&s, &r, 0));
    assert_eq!(r.json()["id"], id);

    s.record_steps("");
    let r = book(&s, &["gate", "submit", "--format", "json"]);
    insta::assert_snapshot!("gate_submit_json", shows(&s, &r, 0));
    assert_eq!(r.json()["state"], "gatecheck");
    let r = book(
        &s,
        &["tu", "reject", id, "--reason", "not needed after all"],
    );
    insta::assert_snapshot!("tu_reject_human", shows(&s, &r, 0));
    let r = book(&s, &["tu", "reactivate", id]);
    insta::assert_snapshot!("tu_reactivate_refused_rejected", shows(&s, &r, 3));
    let r = book(&s, &["tu", "list"]);
    insta::assert_snapshot!("tu_list_human", shows(&s, &r, 0));
    let r = book(&s, &["tu", "list", "--format", "json"]);
    insta::assert_snapshot!("tu_list_json", shows(&s, &r, 0));
    assert_eq!(r.json().as_array().map(Vec::len), Some(3));
}

#[test]
fn after_a_merge_snapshots_trace_status_feedback_reports_and_rollback_read_the_same() {
    let s = merged();
    let r = book(&s, &["snapshot"]);
    insta::assert_snapshot!("snapshot_human", shows(&s, &r, 0));
    let r = book(
        &s,
        &["snapshot", "--name", "first-edition", "--format", "json"],
    );
    insta::assert_snapshot!("snapshot_json", shows(&s, &r, 0));
    assert_eq!(r.json()["previous"], "cold-2026-11-26");
    let r = book(&s, &["snapshot", "--name", "first-edition"]);
    insta::assert_snapshot!("snapshot_refused_existing_tag", shows(&s, &r, 3));
    let r = book(&s, &["snapshot", "list"]);
    insta::assert_snapshot!("snapshot_list_human", shows(&s, &r, 0));
    let r = book(&s, &["snapshot", "list", "--format", "json"]);
    insta::assert_snapshot!("snapshot_list_json", shows(&s, &r, 0));
    let r = book(&s, &["snapshot", "show", "cold-2026-11-26"]);
    insta::assert_snapshot!("snapshot_show_human", shows(&s, &r, 0));
    let r = book(
        &s,
        &["snapshot", "show", "cold-2026-11-26", "--format", "json"],
    );
    insta::assert_snapshot!("snapshot_show_json", shows(&s, &r, 0));
    assert_eq!(r.json()["verified"], true);

    let r = book(&s, &["trace", "sections/dusk-bell.md"]);
    insta::assert_snapshot!("trace_human", shows(&s, &r, 0));
    let r = book(&s, &["trace", "sections/dusk-bell.md", "--format", "json"]);
    insta::assert_snapshot!("trace_json", shows(&s, &r, 0));

    let r = book(&s, &["feedback", "4", "--note", "More bell, please"]);
    insta::assert_snapshot!("feedback_human", shows(&s, &r, 0));
    let r = book(&s, &["feedback", "5", "--format", "json"]);
    insta::assert_snapshot!("feedback_json", shows(&s, &r, 0));
    assert_eq!(r.json()["score"], 5);
    let r = book(&s, &["feedback", "6"]);
    insta::assert_snapshot!("feedback_refused_out_of_range", shows(&s, &r, 2));

    let r = book(&s, &["status"]);
    insta::assert_snapshot!("status_human", shows(&s, &r, 0));
    let r = book(&s, &["status", "--format", "json"]);
    insta::assert_snapshot!("status_json", shows(&s, &r, 0));
    assert_eq!(r.json()["ahead"], 2, "the two feedback commits");

    let r = book(&s, &["report"]);
    insta::assert_snapshot!("report_human", shows(&s, &r, 0));
    let r = book(&s, &["report", "--format", "json"]);
    insta::assert_snapshot!("report_json", shows(&s, &r, 0));
    assert_eq!(r.json()["tus"]["finished"], 1);
    let r = ok(book(&s, &["report", "--format", "html"]));
    let main = r
        .stdout
        .split_once("<main>")
        .and_then(|(_, rest)| rest.split_once("</main>"))
        .map(|(main, _)| main)
        .expect("the report's <main>");
    // The story map (the sample's, laid out) is pinned apart from the dashboard's text.
    let map = main
        .split_once("<figure class=\"map\">")
        .and_then(|(_, rest)| rest.split_once("</figure>"))
        .map(|(map, _)| map)
        .expect("the report's story map");
    insta::assert_snapshot!("report_html_story_map", stable(&s, map));
    insta::assert_snapshot!(
        "report_html_main",
        stable(&s, &main.replace(map, "\n[STORY MAP]\n"))
    );
    // The page around `<main>` (head, style, closing tags), pinned apart so the
    // dashboard's frame is held byte for byte too.
    let frame = r.stdout.replace(main, "\n[MAIN]\n");
    insta::assert_snapshot!("report_html_frame", stable(&s, &frame));

    let r = book(
        &s,
        &[
            "rollback",
            "cold-2026-11-26",
            "--reason",
            "the new line reads badly",
        ],
    );
    insta::assert_snapshot!("rollback_human", shows(&s, &r, 0));
    assert_eq!(
        s.git("book", &["show", "hot:sections/dusk-bell.md"]),
        s.git("book", &["show", "cold-2026-11-26:sections/dusk-bell.md"])
    );
    let r = book(&s, &["rollback", "no-such-tag", "--reason", "x"]);
    insta::assert_snapshot!("rollback_refused_unknown_tag", shows(&s, &r, 3));
}

#[test]
fn rollback_json_names_its_tu_and_commit() {
    let s = merged();
    ok(book(&s, &["snapshot"]));
    let r = book(
        &s,
        &[
            "rollback",
            "cold-2026-11-26",
            "--reason",
            "undo",
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("rollback_json", shows(&s, &r, 0));
    let tu = r.json()["tu"].as_str().expect("tu").to_string();
    assert!(s.join(&format!("book/tus/{tu}.yaml")).is_file());
}

#[test]
fn dispatch_maps_requests_to_loops_and_asks_when_ambiguous() {
    let s = sample();
    let clear = "Can you flesh out why the Wick Guild boils marsh mud into oil?";
    let hot = s.git("book", &["rev-parse", "hot"]);
    let r = book(&s, &["dispatch", clear]);
    insta::assert_snapshot!("dispatch_dry_run_human", shows(&s, &r, 0));
    let r = book(&s, &["dispatch", clear, "--format", "json"]);
    insta::assert_snapshot!("dispatch_dry_run_json", shows(&s, &r, 0));
    assert_eq!(r.json()["loop"], "lore_deepening");
    assert_eq!(s.git("book", &["rev-parse", "hot"]), hot, "a dry run");
    let r = book(&s, &["dispatch", "make it better", "--format", "json"]);
    insta::assert_snapshot!("dispatch_ambiguous_json", shows(&s, &r, 0));
    assert_eq!(r.json()["ambiguous"], true);
    let r = book(&s, &["dispatch", "do the next thing"]);
    insta::assert_snapshot!("dispatch_ambiguous_human", shows(&s, &r, 0));
    let r = book(
        &s,
        &["dispatch", "Write the Mudbank scene properly", "--open"],
    );
    insta::assert_snapshot!("dispatch_open_human", shows(&s, &r, 0));
    assert!(s.join("book/tus/TU-2026-11-26-SS01.yaml").is_file());
}

#[test]
fn loops_are_listed_shown_and_run_and_bad_names_are_refused() {
    let s = sample();
    let r = book(&s, &["loop", "list"]);
    insta::assert_snapshot!("loop_list_human", shows(&s, &r, 0));
    let r = book(&s, &["loop", "list", "--format", "json"]);
    insta::assert_snapshot!("loop_list_json", shows(&s, &r, 0));
    assert!(r.json().as_array().is_some_and(|l| l.len() >= 10));
    let r = book(&s, &["loop", "show", "scene_forge"]);
    insta::assert_snapshot!("loop_show_human", shows(&s, &r, 0));
    let r = book(&s, &["loop", "show", "scene_forge", "--format", "json"]);
    insta::assert_snapshot!("loop_show_json", shows(&s, &r, 0));
    let r = book(&s, &["loop", "show", "scene_forj"]);
    insta::assert_snapshot!("loop_show_did_you_mean", shows(&s, &r, 2));
    let r = book(
        &s,
        &[
            "loop",
            "run",
            "codex_expansion",
            "--param",
            "codex=wick-guild",
        ],
    );
    insta::assert_snapshot!("loop_run_refused_unknown_param", shows(&s, &r, 2));
    let r = book(
        &s,
        &["loop", "run", "art_touch_up", "--param", "sections=mudbank"],
    );
    insta::assert_snapshot!("loop_run_human", shows(&s, &r, 0));
    let r = book(
        &s,
        &[
            "loop",
            "run",
            "codex_expansion",
            "--param",
            "entries=wick-guild",
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("loop_run_json", shows(&s, &r, 0));
}

#[test]
fn roles_are_listed_woken_and_put_to_sleep_and_the_gatekeeper_never_sleeps() {
    let s = sample();
    ok(book(
        &s,
        &["tu", "open", "--loop", "scene_forge", "--title", "A scene"],
    ));
    let tu = "TU-2026-11-26-SS01";
    let r = book(
        &s,
        &["role", "wake", "PN", "--tu", tu, "--reason", "narrate it"],
    );
    insta::assert_snapshot!("role_wake_human", shows(&s, &r, 0));
    let r = book(
        &s,
        &[
            "role",
            "wake",
            "translator",
            "--tu",
            tu,
            "--reason",
            "French",
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("role_wake_json", shows(&s, &r, 0));
    let r = book(
        &s,
        &["role", "dormant", "PN", "--reason", "the reading is done"],
    );
    insta::assert_snapshot!("role_dormant_human", shows(&s, &r, 0));
    let r = book(
        &s,
        &[
            "role", "dormant", "TR", "--reason", "later", "--format", "json",
        ],
    );
    insta::assert_snapshot!("role_dormant_json", shows(&s, &r, 0));
    assert_eq!(r.json()["state"], "dormant");
    let r = book(&s, &["role", "dormant", "gatekeeper", "--reason", "a rest"]);
    insta::assert_snapshot!("role_dormant_refused_gatekeeper", shows(&s, &r, 3));
    let r = book(&s, &["role", "dormant", "bard", "--reason", "x"]);
    insta::assert_snapshot!("role_unknown", shows(&s, &r, 2));
    let r = book(&s, &["role", "list"]);
    insta::assert_snapshot!("role_list_human", shows(&s, &r, 0));
    let r = book(&s, &["role", "list", "--format", "json"]);
    insta::assert_snapshot!("role_list_json", shows(&s, &r, 0));
}

#[test]
fn questions_are_asked_listed_and_answered_once() {
    let s = sample();
    let ask = |id: &str, format: &[&str]| {
        let mut args = vec![
            "ask",
            "--question",
            "Does the keeper survive the storm?",
            "--context",
            "Canon drowns him in 1893, but act 3 needs him",
            "--option",
            "a|He lives|Act 3 keeps its confrontation",
            "--option",
            "b|He drowns|Canon stays as it is",
            "--recommend",
            "b",
            "--id",
            id,
        ];
        args.extend_from_slice(format);
        book(&s, &args)
    };
    let r = ask("keeper-fate", &[]);
    insta::assert_snapshot!("ask_human", shows(&s, &r, 0));
    let r = ask("keeper-again", &["--format", "json"]);
    insta::assert_snapshot!("ask_json", shows(&s, &r, 0));
    assert_eq!(r.json()["id"], "Q-2026-11-26-02");
    let r = book(&s, &["questions"]);
    insta::assert_snapshot!("questions_human", shows(&s, &r, 0));
    let r = book(&s, &["questions", "--format", "json"]);
    insta::assert_snapshot!("questions_json", shows(&s, &r, 0));
    let r = book(&s, &["answer", "Q-2026-11-26-01", "keeper-fate", "c"]);
    insta::assert_snapshot!("answer_refused_unknown_option", shows(&s, &r, 2));
    let r = book(&s, &["answer", "Q-2026-11-26-01", "keeper-fate", "b"]);
    insta::assert_snapshot!("answer_human", shows(&s, &r, 0));
    let r = book(
        &s,
        &[
            "answer",
            "Q-2026-11-26-02",
            "keeper-again",
            "a",
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("answer_json", shows(&s, &r, 0));
    let r = book(&s, &["answer", "Q-2026-11-26-01", "keeper-fate", "a"]);
    insta::assert_snapshot!("answer_refused_already_answered", shows(&s, &r, 3));
    let r = book(&s, &["questions"]);
    insta::assert_snapshot!("questions_none_open", shows(&s, &r, 0));
    let r = book(&s, &["questions", "--all"]);
    insta::assert_snapshot!("questions_all_human", shows(&s, &r, 0));
}

#[test]
fn conflicts_are_settled_by_the_authority_table_or_escalated() {
    let s = sample();
    ok(book(
        &s,
        &[
            "tu",
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "The vault",
        ],
    ));
    let tu = "TU-2026-11-26-SS01";
    let r = book(
        &s,
        &[
            "conflict",
            "open",
            "--roles",
            "PW,lore_weaver",
            "--topic",
            "whether the guild's oil can burn under water",
            "--tu",
            tu,
        ],
    );
    insta::assert_snapshot!("conflict_open_human", shows(&s, &r, 0));
    let r = book(
        &s,
        &[
            "conflict",
            "open",
            "--roles",
            "PW,SS",
            "--topic",
            "who names the ferry",
            "--tu",
            tu,
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("conflict_open_escalated_json", shows(&s, &r, 0));
    assert_eq!(r.json()["status"], "escalated");
    let r = book(&s, &["conflict", "list"]);
    insta::assert_snapshot!("conflict_list_human", shows(&s, &r, 0));
    let r = book(&s, &["conflict", "list", "--format", "json"]);
    insta::assert_snapshot!("conflict_list_json", shows(&s, &r, 0));
    let r = book(
        &s,
        &[
            "conflict",
            "resolve",
            "C-2026-11-26-01",
            "--by",
            "SS",
            "--decision",
            "it burns",
        ],
    );
    insta::assert_snapshot!("conflict_resolve_refused_wrong_role", shows(&s, &r, 3));
    let r = book(
        &s,
        &[
            "conflict",
            "resolve",
            "C-2026-11-26-01",
            "--by",
            "LW",
            "--decision",
            "it cannot",
        ],
    );
    insta::assert_snapshot!("conflict_resolve_human", shows(&s, &r, 0));
    let r = book(&s, &["conflict", "list", "--all", "--format", "json"]);
    insta::assert_snapshot!("conflict_list_all_json", shows(&s, &r, 0));
}

#[test]
fn intent_answers_every_envelope_with_an_ack_or_a_classified_error() {
    let s = sample();
    let envelope = |id: &str, kind: &str, payload: serde_json::Value| {
        serde_json::json!({"protocol": "showrunner/1", "id": id, "type": kind, "from": "SR", "payload": payload})
            .to_string()
    };
    let lines = [
        envelope(
            "m1",
            "customer.intent.dispatch",
            serde_json::json!({"request": "Can you flesh out why the Wick Guild boils marsh mud into oil?"}),
        ),
        envelope(
            "m2",
            "tu.open",
            serde_json::json!({"loop": "scene_forge", "title": "The vault"}),
        ),
        envelope("e1", "tu.open", serde_json::json!({"title": "no loop"})),
        envelope("e2", "tu.teleport", serde_json::json!({})),
        envelope(
            "e3",
            "role.dormant",
            serde_json::json!({"role": "GK", "reason": "a rest"}),
        ),
        envelope(
            "e4",
            "tu.close",
            serde_json::json!({"tu": "TU-2026-11-26-SS09"}),
        ),
        serde_json::json!({"protocol": "showrunner/1", "id": "e5", "type": "role.wake", "from": "SS", "payload": {"role": "IL", "tu": "TU-2026-11-26-SS01", "reason": "pictures"}}).to_string(),
        "not json".to_string(),
    ];
    std::fs::write(s.join("book/envelopes.jsonl"), lines.join("\n") + "\n").expect("write");
    let r = book(&s, &["intent", "envelopes.jsonl"]);
    insta::assert_snapshot!("intent_replies", shows(&s, &r, 1));
    assert_eq!(r.stdout.lines().count(), lines.len(), "one reply a line");
    let r = book(&s, &["intent", "missing.jsonl"]);
    insta::assert_snapshot!("intent_missing_file", shows(&s, &r, 2));
}

#[test]
fn bind_graph_play_and_playtest_render_a_snapshot() {
    let s = minimal_snapshot();
    let tag = "cold-2026-11-26";
    let r = book(&s, &["bind", tag, "--format", "md", "-o", "../out"]);
    insta::assert_snapshot!("bind_md_human", shows(&s, &r, 0));
    let read = |rel: &str| std::fs::read_to_string(s.join(rel)).expect("bound file");
    insta::assert_snapshot!("bind_view_log", stable(&s, &read("out/view-log.yaml")));
    insta::assert_snapshot!("bind_md_view", stable(&s, &read("out/book.md")));
    let r = book(&s, &["bind", "hot", "--format", "md", "-o", "../elsewhere"]);
    insta::assert_snapshot!("bind_refused_not_a_snapshot", shows(&s, &r, 3));
    assert!(
        !s.join("elsewhere").exists(),
        "a refused bind writes nothing"
    );

    let r = book(&s, &["graph"]);
    insta::assert_snapshot!("graph_mermaid", shows(&s, &r, 0));
    let r = book(&s, &["graph", "--format", "dot"]);
    insta::assert_snapshot!("graph_dot", shows(&s, &r, 0));
    let r = book(&s, &["graph", "--format", "svg"]);
    insta::assert_snapshot!("graph_svg", shows(&s, &r, 0));

    std::fs::write(s.join("book/route.txt"), "1\n1\n2\n1\n").expect("script");
    let r = book(&s, &["play", tag, "--script", "route.txt"]);
    insta::assert_snapshot!("play_script", shows(&s, &r, 0));
    assert!(r.stdout.contains("The Far Shore"), "{}", r.stdout);
    let r = book(&s, &["playtest", tag, "--random", "20", "--seed", "7"]);
    insta::assert_snapshot!("playtest_human", shows(&s, &r, 0));
    let r = book(
        &s,
        &[
            "playtest", tag, "--random", "20", "--seed", "7", "--format", "json",
        ],
    );
    insta::assert_snapshot!("playtest_json", shows(&s, &r, 0));
    assert_eq!(r.json()["sections_reached"], 5);
    let r = book(
        &s,
        &[
            "playtest", tag, "--random", "20", "--seed", "7", "--format", "html",
        ],
    );
    insta::assert_snapshot!("playtest_html", shows(&s, &r, 0));
}

#[test]
fn import_twee_reports_what_it_kept_and_what_it_set_aside() {
    let s = Sandbox::new();
    s.copy_fixture("twee", "twee");
    let r = sr(
        &s,
        "",
        &["import", "twee", "twee/lighthouse.twee", "--into", "story"],
    );
    insta::assert_snapshot!("import_twee_human", shows(&s, &r, 0));
    let r = sr(
        &s,
        "",
        &[
            "import",
            "twee",
            "twee/lighthouse.twee",
            "--into",
            "again",
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("import_twee_json", shows(&s, &r, 0));
    assert_eq!(r.json()["start"], "cliff-path");
}

#[test]
fn hooks_install_names_each_hook_it_wrote() {
    let s = sample();
    let r = book(&s, &["hooks", "install"]);
    insta::assert_snapshot!("hooks_install_human", shows(&s, &r, 0));
    assert!(s.join("book/.git/hooks/reference-transaction").is_file());
}

#[test]
fn refusals_name_the_problem_on_stderr_with_their_exit_code() {
    let s = sample();
    std::fs::create_dir_all(s.join("empty")).expect("mkdir");
    let r = sr(&s, "empty", &["status"]);
    insta::assert_snapshot!("error_not_a_git_repository", shows(&s, &r, 2));
    s.git("", &["init", "-q", "plain"]);
    let r = sr(&s, "plain", &["check"]);
    insta::assert_snapshot!("error_not_a_studio", shows(&s, &r, 2));
    let r = book(&s, &["tu", "show", "TU-2026-11-01-SR02"]);
    insta::assert_snapshot!("error_unknown_tu_did_you_mean", shows(&s, &r, 2));
    let r = book(&s, &["tu", "reactivate", "TU-2026-11-01-SR01"]);
    insta::assert_snapshot!("error_illegal_tu_transition", shows(&s, &r, 3));
    let r = book(&s, &["status", "--format", "yaml"]);
    insta::assert_snapshot!("error_unknown_output_format", shows(&s, &r, 2));
    let r = book(&s, &["-C", "nowhere", "status"]);
    insta::assert_snapshot!("error_no_such_folder", shows(&s, &r, 2));
}

#[test]
fn a_studio_lays_out_its_dashboard_with_its_own_template_on_hot() {
    let s = merged();
    commit_template(
        &s,
        "report/dashboard.html",
        "<p>{{ studio }} & hot {{ hot }}</p>\n",
    );
    let r = ok(book(&s, &["report", "--format", "html"]));
    assert_eq!(
        stable(&s, &r.stdout),
        "<p>The Ninth Lamp & hot [ID]</p>\n",
        "hot's template replaces the embedded one"
    );
    commit_template(&s, "report/dashboard.html", "{{ studio ");
    let r = book(&s, &["report", "--format", "html"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("hot's template templates/report/dashboard.html does not compile"),
        "{r:?}"
    );
}
