//! Trace Units through the CLI: a whole life, refusals, safety of the tool's commits,
//! bare repositories, the commit-msg hook and lineage.

use crate::harness::{Run, Sandbox, ok, refused_suggesting};

fn sample(s: &Sandbox) {
    let r = s.run(&["init", "book", "--from-sample"]);
    assert_eq!(r.code, 0, "{r:?}");
}

fn tu(s: &Sandbox, args: &[&str]) -> Run {
    let mut full = vec!["tu"];
    full.extend_from_slice(args);
    s.run_in("book", &full)
}

fn commit(s: &Sandbox, file: &str, text: &str, message: &str) {
    let path = s.join("book").join(file);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, text).expect("write");
    s.git("book", &["add", file]);
    s.git("book", &["commit", "-q", "-m", message]);
}

#[test]
fn a_tu_lives_its_whole_life_and_show_tells_the_story() {
    let s = Sandbox::new();
    sample(&s);
    let opened = ok(tu(
        &s,
        &[
            "open",
            "--loop",
            "lore_deepening",
            "--title",
            "Deepen the guild's history",
            "--format",
            "json",
        ],
    ));
    let id = opened.json()["id"].as_str().expect("id").to_string();
    assert_eq!(
        id, "TU-2026-11-26-LW01",
        "role from the playbook's first responsible role"
    );
    let brief = std::fs::read_to_string(s.join(&format!("book/tus/{id}.yaml")))
        .expect("brief in work tree");
    assert!(
        brief.contains("owner_a: showrunner") && brief.contains("responsible_r: [lore_weaver]"),
        "{brief}"
    );
    assert!(
        brief.contains("kind: canon"),
        "deliverables from the playbook: {brief}"
    );
    assert_eq!(
        s.git("book", &["status", "--porcelain"]),
        "",
        "index and work tree follow the tool's commit"
    );

    ok(tu(&s, &["start"]));
    commit(
        &s,
        "canon/guild-history.md",
        "---\nid: guild-history\ntitle: The Guild's History\n---\nOld.\n",
        "Draft the guild history",
    );
    let stamped = s.git(
        "book",
        &["log", "-1", "--format=%(trailers:key=TU,valueonly)"],
    );
    assert_eq!(
        stamped.trim(),
        id,
        "the commit-msg hook stamps ordinary commits"
    );
    std::fs::write(
        s.join("book/canon/guild-history.md"),
        "---\nid: guild-history\ntitle: The Guild's History\n---\nOlder.\n",
    )
    .expect("edit");
    ok(tu(
        &s,
        &[
            "checkpoint",
            "-a",
            "-m",
            "guild history drafted",
            "--step",
            "draft_canon",
            "--step",
            "check_topology_impact",
            "--blocker",
            "waiting on PW for the guild location",
            "--next",
            "ask the plotwright",
        ],
    ));
    ok(tu(
        &s,
        &[
            "update",
            "--add",
            "risks=timeline clash with the Pell line",
            "--set",
            "timebox=2d",
            "--title",
            "Deepen the guild",
        ],
    ));
    ok(tu(
        &s,
        &[
            "defer",
            "--reason",
            "art comes first",
            "--revisit",
            "2026-12-01",
        ],
    ));
    ok(tu(&s, &["reactivate"]));
    commit(
        &s,
        "codex/guild.md",
        "---\nid: guild\ntitle: The Guild\n---\nLamplighters.\n",
        "Codex: the guild",
    );
    ok(tu(&s, &["close"]));

    let show = ok(tu(&s, &["show", &id, "--format", "json"])).json();
    assert_eq!(show["state"], "closed");
    assert_eq!(show["title"], "Deepen the guild");
    let events: Vec<&str> = show["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["event"].as_str())
        .collect();
    assert_eq!(
        events,
        [
            "open",
            "start",
            "checkpoint",
            "update",
            "defer",
            "reactivate",
            "close"
        ]
    );
    assert_eq!(
        show["commits"].as_array().map(Vec::len),
        Some(9),
        "7 events + 2 stamped commits"
    );
    let files: Vec<&str> = show["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    assert_eq!(
        files,
        [
            "canon/guild-history.md",
            "codex/guild.md",
            &format!("tus/{id}.yaml")
        ]
    );
    assert_eq!(
        show["blockers"][0]["text"],
        "waiting on PW for the guild location"
    );
    assert_eq!(
        show["blockers"][0]["current"], false,
        "a closed TU has no open blockers"
    );
    let checkpoint = &show["events"][2]["trailers"];
    let steps: Vec<&str> = checkpoint
        .as_array()
        .expect("trailers")
        .iter()
        .filter(|t| t["key"] == "Step")
        .filter_map(|t| t["value"].as_str())
        .collect();
    assert_eq!(steps, ["draft_canon", "check_topology_impact"]);
    assert_eq!(show["cold"]["commits_not_on_cold"], 9);

    let human = ok(tu(&s, &["show", &id])).stdout;
    assert!(
        human.contains("state: closed") && human.contains("revisit: 2026-12-01"),
        "{human}"
    );
    let brief = std::fs::read_to_string(s.join(&format!("book/tus/{id}.yaml"))).expect("brief");
    assert!(
        brief.starts_with("# Trace Unit brief.") && brief.contains("timebox: 2d"),
        "{brief}"
    );
    let list = ok(tu(&s, &["list", "--state", "closed", "--format", "json"])).json();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let pr = ok(tu(&s, &["pr-body", &id])).stdout;
    assert!(
        pr.contains("## TU-2026-11-26-LW01 — Deepen the guild")
            && pr.contains("- `codex/guild.md`"),
        "{pr}"
    );
    s.git("book", &["fsck", "--strict"]);
}

#[test]
fn ids_count_up_per_day_and_role() {
    let s = Sandbox::new();
    sample(&s);
    let a = ok(tu(
        &s,
        &[
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "A",
            "--role",
            "SS",
        ],
    ))
    .stdout;
    let b = ok(tu(
        &s,
        &[
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "B",
            "--role",
            "scene_smith",
        ],
    ))
    .stdout;
    let c = ok(tu(
        &s,
        &[
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "C",
            "--role",
            "SR",
        ],
    ))
    .stdout;
    assert!(a.starts_with("TU-2026-11-26-SS01\n"), "{a}");
    assert!(b.starts_with("TU-2026-11-26-SS02\n"), "{b}");
    assert!(c.starts_with("TU-2026-11-26-SR01\n"), "{c}");
    let brief = std::fs::read_to_string(s.join("book/tus/TU-2026-11-26-SR01.yaml")).expect("brief");
    assert!(brief.contains("loop: scene_forge"), "{brief}");
}

#[test]
fn a_loop_no_playbook_describes_is_refused_with_the_nearest_and_nothing_written() {
    let s = Sandbox::new();
    sample(&s);
    let hot = s.git("book", &["rev-parse", "hot"]);
    for (given, near) in [("banana", None), ("scene_froge", Some("scene_forge"))] {
        let r = tu(&s, &["open", "--loop", given, "--title", "C"]);
        refused_suggesting(&r, &format!("no loop `{given}`"), near);
    }
    assert_eq!(
        s.git("book", &["rev-parse", "hot"]),
        hot,
        "nothing committed"
    );
}

#[test]
fn illegal_transitions_are_refused_with_the_allowed_moves_and_change_nothing() {
    let s = Sandbox::new();
    sample(&s);
    ok(tu(
        &s,
        &["open", "--loop", "scene_forge", "--title", "Harbour"],
    ));
    ok(tu(
        &s,
        &["defer", "--reason", "later", "--revisit", "spring"],
    ));
    let hot = s.git("book", &["rev-parse", "hot"]);
    let r = tu(&s, &["checkpoint", "-m", "more"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr.contains(
            "cannot checkpoint a TU that is deferred; allowed: update, reactivate, reject"
        ),
        "{}",
        r.stderr
    );
    let r = tu(&s, &["close"]);
    assert_eq!(r.code, 3);
    ok(tu(&s, &["reject", "--reason", "not needed"]));
    let r = tu(&s, &["reactivate"]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("rejected") && r.stderr.contains("takes no further events"),
        "{}",
        r.stderr
    );
    assert_ne!(
        s.git("book", &["rev-parse", "hot"]),
        hot,
        "reject was recorded"
    );
    let after_reject = s.git("book", &["rev-parse", "hot"]);
    let _ = tu(&s, &["start"]);
    assert_eq!(
        s.git("book", &["rev-parse", "hot"]),
        after_reject,
        "refusals leave hot where it was"
    );
}

#[test]
fn unknown_ids_are_bad_input_with_a_suggestion() {
    let s = Sandbox::new();
    sample(&s);
    ok(tu(
        &s,
        &["open", "--loop", "scene_forge", "--title", "Harbour"],
    ));
    let r = tu(&s, &["show", "TU-2026-11-26-SS10"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("no TU named `TU-2026-11-26-SS10`")
            && r.stderr.contains("did you mean `TU-2026-11-26-SS01`"),
        "{}",
        r.stderr
    );
    let r = tu(&s, &["start", "TU-nope"]);
    assert_eq!(r.code, 2);
    let r = tu(&s, &["open", "--loop", "Scene Forge", "--title", "x"]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = tu(
        &s,
        &[
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "x",
            "--role",
            "wizard",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn tool_commits_leave_the_users_staged_and_unstaged_edits_alone() {
    let s = Sandbox::new();
    sample(&s);
    std::fs::write(s.join("book/sections/dusk-bell.md"), "staged edit\n").expect("write");
    s.git("book", &["add", "sections/dusk-bell.md"]);
    std::fs::write(s.join("book/sections/dusk-bell.md"), "unstaged on top\n").expect("write");
    std::fs::write(s.join("book/scratch.txt"), "untracked\n").expect("write");
    let opened = ok(tu(
        &s,
        &[
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Harbour",
            "--format",
            "json",
        ],
    ))
    .json();
    let id = opened["id"].as_str().expect("id");
    let changed = s.git("book", &["show", "--name-only", "--format=", "hot"]);
    assert_eq!(
        changed,
        format!("tus/{id}.yaml"),
        "only the tool's file is in its commit"
    );
    let status = s.git("book", &["status", "--porcelain"]);
    assert!(
        status.contains("MM sections/dusk-bell.md"),
        "staged and unstaged edits survive: {status}"
    );
    assert!(status.contains("?? scratch.txt"), "{status}");
    assert_eq!(
        s.git("book", &["show", ":sections/dusk-bell.md"]),
        "staged edit"
    );
    assert_eq!(
        std::fs::read_to_string(s.join("book/sections/dusk-bell.md")).expect("read"),
        "unstaged on top\n"
    );
    ok(tu(&s, &["start"]));
    let status_after = s.git("book", &["status", "--porcelain"]);
    assert_eq!(status_after, status);
}

#[test]
fn a_tool_file_with_local_edits_is_refused_not_overwritten() {
    let s = Sandbox::new();
    sample(&s);
    let id = s.open_tu("Harbour");
    let path = s.join(&format!("book/tus/{id}.yaml"));
    let mine = format!(
        "{}# my own note\n",
        std::fs::read_to_string(&path).expect("brief")
    );
    std::fs::write(&path, &mine).expect("edit");
    let hot = s.git("book", &["rev-parse", "hot"]);
    let r = tu(&s, &["update", "--set", "timebox=2d"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("has local changes"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        mine,
        "the user's edit is intact"
    );
    assert_eq!(
        s.git("book", &["rev-parse", "hot"]),
        hot,
        "hot did not move"
    );
}

#[test]
fn a_moved_branch_tip_fails_the_compare_and_swap_and_nothing_is_written() {
    use showrunner::git::{GitError, Identity, Repo};
    let s = Sandbox::new();
    sample(&s);
    let repo = Repo::discover(&s.join("book")).expect("repo");
    let stale = repo.resolve_commit("hot").expect("hot");
    // Someone else commits on hot after we read it.
    s.git(
        "book",
        &["commit", "-q", "--allow-empty", "-m", "concurrent work"],
    );
    let moved = s.git("book", &["rev-parse", "hot"]);
    let who = Identity {
        name: "T".into(),
        email: "t@example.invalid".into(),
        time: 1_764_158_400,
        offset: 0,
    };
    let files = vec![(
        "tus/TU-2026-11-26-SR09.yaml".to_string(),
        b"id: x\n".to_vec(),
    )];
    let err = repo
        .commit_tool_files("refs/heads/hot", &stale, &files, "Open\n", &who)
        .expect_err("lost race");
    match &err {
        GitError::RefMoved {
            expected, actual, ..
        } => {
            assert_eq!(
                (expected.as_str(), actual.as_str()),
                (stale.as_str(), moved.as_str())
            );
        }
        other => panic!("expected RefMoved, got {other:?}"),
    }
    assert!(err.to_string().contains("moved from"), "{err}");
    assert_eq!(s.git("book", &["rev-parse", "hot"]), moved);
    assert!(
        !s.join("book/tus/TU-2026-11-26-SR09.yaml").exists(),
        "no file written"
    );
    assert_eq!(s.git("book", &["status", "--porcelain"]), "");

    std::fs::write(s.join("book/sections/dusk-bell.md"), "edit\n").expect("write");
    let err = repo
        .commit_index("refs/heads/hot", &stale, "Checkpoint\n", &who, true)
        .expect_err("lost race");
    assert!(matches!(err, GitError::RefMoved { .. }), "{err:?}");
    assert_eq!(
        s.git("book", &["status", "--porcelain"]),
        " M sections/dusk-bell.md",
        "-a staged nothing"
    );
}

#[test]
fn tus_work_in_a_bare_repository() {
    let s = Sandbox::new();
    sample(&s);
    s.git("", &["clone", "-q", "--bare", "book", "bare.git"]);
    let r = s.run_in(
        "bare.git",
        &[
            "tu",
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Bare",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let id = r.json()["id"].as_str().expect("id").to_string();
    assert_eq!(s.run_in("bare.git", &["tu", "start"]).code, 0);
    let cp = s.run_in(
        "bare.git",
        &["tu", "checkpoint", "-m", "remote", "--step", "draft_prose"],
    );
    assert_eq!(cp.code, 0, "{cp:?}");
    assert_eq!(
        s.run_in("bare.git", &["tu", "checkpoint", "-a"]).code,
        2,
        "-a needs a work tree"
    );
    let show = s
        .run_in("bare.git", &["tu", "show", &id, "--format", "json"])
        .json();
    assert_eq!(show["state"], "stabilizing");
    assert_eq!(
        s.git("bare.git", &["show", &format!("hot:tus/{id}.yaml")])
            .lines()
            .next(),
        Some("# Trace Unit brief. The TU's state is derived from git history")
    );
    s.git("bare.git", &["fsck", "--strict"]);
}

#[test]
fn require_tu_error_refuses_untraced_commits_on_hot() {
    let s = Sandbox::new();
    sample(&s);
    let toml = std::fs::read_to_string(s.join("book/studio.toml"))
        .expect("toml")
        .replace("require_tu = true", "require_tu = \"error\"");
    std::fs::write(s.join("book/studio.toml"), toml).expect("write");
    s.git(
        "book",
        &["commit", "-q", "--no-verify", "-am", "Require TUs"],
    );
    std::fs::write(s.join("book/notes.txt"), "x\n").expect("write");
    s.git("book", &["add", "notes.txt"]);
    let out = s.git_status("book", &["commit", "-q", "-m", "untraced"]);
    assert_ne!(out.code, 0, "the hook refuses");
    let err = out.stderr;
    assert!(
        err.contains("no active TU") && err.contains("showrunner tu open"),
        "{err}"
    );
    ok(tu(
        &s,
        &["open", "--loop", "scene_forge", "--title", "Notes"],
    ));
    s.git("book", &["commit", "-q", "-m", "traced now"]);
    assert!(
        s.git("book", &["log", "-1", "--format=%B"])
            .contains("TU: TU-2026-11-26-SS01")
    );
    assert_eq!(tu(&s, &["close"]).code, 3, "a hot-proposed TU cannot close");
}

#[test]
fn hooks_install_chains_to_an_existing_hook_and_is_idempotent() {
    let s = Sandbox::new();
    sample(&s);
    let hook = s.join("book/.git/hooks/commit-msg");
    std::fs::remove_file(&hook).expect("remove");
    std::fs::write(&hook, "#!/bin/sh\necho 'Reviewed-by: Old Hook' >> \"$1\"\n").expect("write");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let r = s.run_in("book", &["hooks", "install"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("commit-msg.pre-showrunner"),
        "{}",
        r.stdout
    );
    assert_eq!(
        s.run_in("book", &["hooks", "install"]).code,
        0,
        "reinstall is fine"
    );
    ok(tu(
        &s,
        &["open", "--loop", "scene_forge", "--title", "Chained"],
    ));
    commit(&s, "notes.txt", "n\n", "chained commit");
    let body = s.git("book", &["log", "-1", "--format=%B"]);
    assert!(
        body.contains("TU: TU-2026-11-26-SS01") && body.contains("Reviewed-by: Old Hook"),
        "{body}"
    );
}

#[test]
fn trace_lists_the_tus_that_touched_a_file_newest_first() {
    let s = Sandbox::new();
    sample(&s);
    ok(tu(
        &s,
        &[
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "First",
            "--role",
            "SS",
        ],
    ));
    commit(
        &s,
        "sections/dusk-bell.md",
        "---\nid: dusk-bell\ntitle: D\nflags: [terminal]\n---\nOne.\n",
        "first edit",
    );
    ok(tu(
        &s,
        &[
            "open",
            "--loop",
            "style_tune_up",
            "--title",
            "Second",
            "--role",
            "ST",
        ],
    ));
    commit(
        &s,
        "sections/dusk-bell.md",
        "---\nid: dusk-bell\ntitle: D\nflags: [terminal]\n---\nTwo.\n",
        "second edit",
    );
    commit(
        &s,
        "codex/other.md",
        "---\nid: other\ntitle: O\n---\nX.\n",
        "unrelated",
    );
    let r = s
        .run_in(
            "book",
            &["trace", "sections/dusk-bell.md", "--format", "json"],
        )
        .json();
    let ids: Vec<&str> = r["tus"]
        .as_array()
        .expect("tus")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert_eq!(ids, ["TU-2026-11-26-ST01", "TU-2026-11-26-SS01"]);
    let none = s.run_in("book", &["trace", "sections/nowhere.md"]);
    assert!(none.stdout.contains("no TU has touched"), "{}", none.stdout);
}

#[test]
fn open_with_branch_creates_and_checks_out_the_review_branch() {
    let s = Sandbox::new();
    sample(&s);
    let r = ok(tu(
        &s,
        &[
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Review me",
            "--branch",
            "--format",
            "json",
        ],
    ))
    .json();
    assert_eq!(r["branch"], "tu/TU-2026-11-26-SS01");
    assert_eq!(
        s.git("book", &["symbolic-ref", "HEAD"]),
        "refs/heads/tu/TU-2026-11-26-SS01"
    );
    // The brief is the branch's first commit; hot is untouched until the branch merges.
    assert_eq!(
        s.git("book", &["rev-parse", "hot"]),
        s.git("book", &["rev-parse", "tu/TU-2026-11-26-SS01~1"])
    );
    assert!(s.join("book/tus/TU-2026-11-26-SS01.yaml").is_file());
    assert_eq!(
        s.git("book", &["status", "--porcelain"]),
        "",
        "work tree and index agree"
    );
    ok(tu(&s, &["start"]));
    assert_ne!(
        s.git("book", &["rev-parse", "hot"]),
        s.git("book", &["rev-parse", "tu/TU-2026-11-26-SS01"]),
        "events go on the review branch"
    );
    let current = ok(tu(&s, &["current", "--format", "json"])).json();
    assert_eq!(current["from"], "branch");
}

#[test]
fn the_list_cache_follows_the_branch_tips_and_survives_corruption() {
    let s = Sandbox::new();
    sample(&s);
    ok(tu(
        &s,
        &["open", "--loop", "scene_forge", "--title", "Cached"],
    ));
    let first = ok(tu(&s, &["list", "--format", "json"])).json();
    assert_eq!(first[1]["state"], "hot-proposed");
    let cache = s.join("book/.git/showrunner/cache/history.bin");
    assert!(cache.exists(), "tu list leaves a cache");
    ok(tu(&s, &["start"]));
    let second = ok(tu(&s, &["list", "--format", "json"])).json();
    assert_eq!(
        second[1]["state"], "stabilizing",
        "a moved tip invalidates the cache"
    );
    std::fs::write(&cache, "{not postcard").expect("corrupt");
    let third = ok(tu(&s, &["list", "--format", "json"])).json();
    assert_eq!(third, second, "a corrupt cache is ignored and rebuilt");
    // A cache whose key matches but whose content was tampered with is only trusted by key:
    // moving a tip by hand (outside showrunner) still invalidates it.
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            "Close it by hand\n\nTU: TU-2026-11-26-SS01\nTU-Event: close",
        ],
    );
    let fourth = ok(tu(&s, &["list", "--format", "json"])).json();
    assert_eq!(fourth[1]["state"], "closed");
}

/// Sets a file's modification time to `secs.nanos` with touch(1).
fn set_mtime(path: &std::path::Path, stamp: &str) {
    let ok = std::process::Command::new("touch")
        .args(["-m", "-d", &format!("@{stamp}")])
        .arg(path)
        .status()
        .expect("touch")
        .success();
    assert!(ok, "touch {}", path.display());
}

#[test]
fn an_edit_in_the_same_second_as_the_index_stays_visible_after_a_tool_commit() {
    // git compares whole seconds: a file changed (same size) in the second its index
    // entry was recorded is "racily clean" only while the index file is from that
    // second too. A tool commit rewrites the index later; it must smudge such entries,
    // or `git commit -a` silently leaves the edit out.
    let s = Sandbox::new();
    sample(&s);
    let style = s.join("book/style/style.yaml");
    let text = std::fs::read_to_string(&style).expect("style");
    let edited = text.replace("max_choice_label_words: 8", "max_choice_label_words: 3");
    assert_eq!(text.len(), edited.len());
    // The index entry records the committed text at T.1; the edited file has the same
    // size and time; the index file itself is from later in the same second.
    let second = 1_795_000_000u64;
    std::fs::write(&style, &text).expect("restore");
    set_mtime(&style, &format!("{second}.100000000"));
    s.git("book", &["update-index", "--really-refresh"]);
    std::fs::write(&style, &edited).expect("write");
    set_mtime(&style, &format!("{second}.100000000"));
    set_mtime(&s.join("book/.git/index"), &format!("{second}.900000000"));

    let r = tu(
        &s,
        &[
            "open",
            "--loop",
            "style_tune_up",
            "--title",
            "Tighter labels",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let status = s.git("book", &["status", "--porcelain"]);
    assert!(
        status.contains("style/style.yaml"),
        "the edit vanished from git's view: {status:?}"
    );
}

#[test]
fn text_typed_into_titles_reasons_and_messages_never_becomes_a_record() {
    let s = Sandbox::new();
    sample(&s);
    let id_of = |r: crate::harness::Run| r.json()["id"].as_str().expect("id").to_string();
    let a = id_of(ok(tu(
        &s,
        &[
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Victim",
            "--format",
            "json",
        ],
    )));
    let state = |id: &str| ok(tu(&s, &["show", id, "--format", "json"])).json()["state"].clone();
    // A title with a paragraph of trailers naming the other TU.
    let forged =
        format!("x\n\nTU: {a}\nTU-Event: submit\nGate: pass\nGate-Report: GK-2026-11-26-09");
    let b = id_of(ok(tu(
        &s,
        &[
            "open",
            "--loop",
            "scene_forge",
            "--title",
            &forged,
            "--format",
            "json",
        ],
    )));
    assert_eq!(state(&a), "hot-proposed");
    let subject = s.git("book", &["log", "-1", "--format=%s", "hot"]);
    assert!(
        !subject.contains('\n') && subject.starts_with(&format!("Open {b}: x TU:")),
        "{subject}"
    );
    // A reason that tries to break out of its trailer line.
    ok(tu(&s, &["start", &b]));
    let reason = format!("later\nTU: {a}\nTU-Event: reject");
    ok(tu(
        &s,
        &["defer", &b, "--reason", &reason, "--revisit", "spring"],
    ));
    assert_eq!(state(&a), "hot-proposed");
    assert_eq!(state(&b), "deferred");
    // A checkpoint message ending in a paragraph of trailers.
    ok(tu(&s, &["reactivate", &b]));
    let message = format!("did a thing\n\nTU: {a}\nTU-Event: reject");
    ok(tu(&s, &["checkpoint", &b, "-m", &message]));
    assert_eq!(state(&a), "hot-proposed");
    let trailers = s.git(
        "book",
        &["log", "-1", "--format=%(trailers:key=TU,valueonly)", "hot"],
    );
    assert_eq!(trailers.trim(), b, "git reads only the tool's block");
}

#[test]
fn a_left_index_lock_is_named_with_its_fix_and_nothing_moves() {
    let s = Sandbox::new();
    sample(&s);
    let hot = s.git("book", &["rev-parse", "hot"]);
    std::fs::write(s.join("book/.git/index.lock"), "").expect("a lock a killed git left");
    let r = tu(&s, &["open", "--loop", "scene_forge", "--title", "Blocked"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains(".git/index.lock"), "{}", r.stderr);
    assert!(r.stderr.contains("rm "), "{}", r.stderr);
    assert_eq!(
        s.git("book", &["rev-parse", "hot"]),
        hot,
        "hot did not move"
    );
    std::fs::remove_file(s.join("book/.git/index.lock")).expect("rm");
    ok(tu(
        &s,
        &["open", "--loop", "scene_forge", "--title", "Unblocked"],
    ));
}

#[test]
fn concurrent_opens_lose_no_brief_from_hot_or_the_index() {
    let s = Sandbox::new();
    sample(&s);
    let titles: Vec<String> = (0..6).map(|i| format!("Racer {i}")).collect();
    let children: Vec<_> = titles
        .iter()
        .map(|t| {
            s.spawn_in(
                "book",
                &[
                    "tu",
                    "open",
                    "--loop",
                    "scene_forge",
                    "--title",
                    t,
                    "--format",
                    "json",
                ],
            )
        })
        .collect();
    let mut opened = Vec::new();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        if out.status.success() {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
            opened.push(v["id"].as_str().expect("id").to_string());
        } else {
            // A lost race is said, never hidden: exit 3, hot moved under it.
            assert_eq!(
                out.status.code(),
                Some(3),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    assert!(!opened.is_empty());
    let tree = s.git("book", &["ls-tree", "-r", "--name-only", "hot", "tus/"]);
    let index = s.git("book", &["ls-files", "tus/"]);
    for id in &opened {
        let brief = format!("tus/{id}.yaml");
        assert!(tree.lines().any(|l| l == brief), "{brief} on hot: {tree}");
        assert!(
            index.lines().any(|l| l == brief),
            "{brief} in the index: {index}"
        );
    }
    assert_eq!(
        s.git("book", &["status", "--porcelain"]),
        "",
        "index and work tree agree with hot"
    );
}

#[test]
fn a_lost_race_puts_the_work_tree_and_index_back() {
    let s = Sandbox::new();
    sample(&s);
    let hot = s.git("book", &["rev-parse", "hot"]);
    // Another process holds hot's lock: the compare-and-swap fails after the brief was
    // staged, and the brief is taken back out.
    std::fs::write(s.join("book/.git/refs/heads/hot.lock"), "").expect("lock");
    let r = tu(
        &s,
        &[
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Raced",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 3, "{r:?}");
    std::fs::remove_file(s.join("book/.git/refs/heads/hot.lock")).expect("unlock");
    assert_eq!(s.git("book", &["rev-parse", "hot"]), hot);
    assert_eq!(
        s.git("book", &["status", "--porcelain"]),
        "",
        "nothing left staged or on disk"
    );
}

#[test]
fn a_kill_at_any_moment_loses_no_file_hot_holds() {
    let s = Sandbox::new();
    sample(&s);
    for delay in [5u64, 15, 25, 35, 45, 60, 80, 110] {
        let title = format!("Killed at {delay} ms");
        let mut child = s.spawn_in(
            "book",
            &["tu", "open", "--loop", "scene_forge", "--title", &title],
        );
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever moment it died at: no file of hot is missing from the index or the
        // work tree (a staged brief whose commit never happened is kept, not lost).
        let _ = std::fs::remove_file(s.join("book/.git/showrunner/index.guard"));
        let _ = std::fs::remove_file(s.join("book/.git/index.lock"));
        let staged = s.git("book", &["diff", "--cached", "--name-status", "hot"]);
        assert!(
            !staged.lines().any(|l| l.starts_with('D')),
            "after {delay} ms: {staged}"
        );
        let unstaged = s.git("book", &["diff", "--name-status"]);
        assert!(
            !unstaged.lines().any(|l| l.starts_with('D')),
            "after {delay} ms: {unstaged}"
        );
    }
}

#[test]
fn a_title_with_an_escape_sequence_is_one_plain_line_everywhere() {
    let s = Sandbox::new();
    sample(&s);
    let id = s.open_tu("Red \u{1b}[31malert\nsecond line");
    let list = ok(tu(&s, &["list"])).stdout;
    assert!(!list.contains('\u{1b}'), "{list:?}");
    let brief = std::fs::read_to_string(s.join(&format!("book/tus/{id}.yaml"))).expect("brief");
    assert!(brief.contains("Red [31malert second line"), "{brief}");
}

#[test]
fn text_from_history_reaches_the_terminal_without_control_characters() {
    let s = Sandbox::new();
    sample(&s);
    let id = s.open_tu("Plain");
    ok(tu(
        &s,
        &[
            "checkpoint",
            &id,
            "-m",
            "wiped \u{1b}[2J\u{1b}]0;owned\u{7}",
            "--blocker",
            "x\u{1b}[1A",
        ],
    ));
    let shown = ok(tu(&s, &["show", &id])).stdout;
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    assert!(shown.contains("\\u{1b}[2J"), "{shown}");
}

#[test]
fn a_revisit_date_must_be_a_real_day_not_before_today() {
    let s = Sandbox::new();
    sample(&s);
    ok(tu(
        &s,
        &["open", "--loop", "scene_forge", "--title", "Later"],
    ));
    ok(tu(&s, &["start"]));
    let hot = s.git("book", &["rev-parse", "hot"]);
    for (given, says) in [
        ("2020-01-01", "is before today, 2026-11-26"),
        ("2026-02-30", "is not a date"),
    ] {
        let r = tu(&s, &["defer", "--reason", "later", "--revisit", given]);
        assert_eq!(r.code, 2, "{r:?}");
        assert!(
            r.stderr.contains(&format!("`--revisit {given}` {says}")),
            "{}",
            r.stderr
        );
    }
    assert_eq!(
        s.git("book", &["rev-parse", "hot"]),
        hot,
        "nothing recorded"
    );
    // Today, a later day and an event are all fine.
    ok(tu(
        &s,
        &["defer", "--reason", "later", "--revisit", "2026-11-26"],
    ));
    ok(tu(&s, &["reactivate"]));
    ok(tu(
        &s,
        &[
            "defer",
            "--reason",
            "later",
            "--revisit",
            "after the art pass",
        ],
    ));
}
