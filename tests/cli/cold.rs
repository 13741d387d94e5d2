//! Protecting cold: `merge`, `rollback`, and the hooks, driven through the real git CLI.

use crate::harness::{Run, Sandbox, ok};

fn sample(s: &Sandbox) {
    ok(s.run(&["init", "book", "--from-sample"]));
}

fn sr(s: &Sandbox, args: &[&str]) -> Run {
    s.run_in("book", args)
}

/// A traced, submitted change on hot: open a TU, edit, commit (stamped), submit.
fn submitted_change(s: &Sandbox, file: &str, append: &str) -> String {
    let id = s.open_tu(&format!("Edit {file}"));
    append_to(s, file, append);
    s.git("book", &["commit", "-q", "-am", &format!("Edit {file}")]);
    s.record_steps(&id);
    ok(sr(s, &["gate", "submit", "--tu", &id]));
    id
}

/// Sets `[policy] require_tu = "error"` in the studio, committed on hot.
fn require_tus_on_hot(s: &Sandbox) {
    let toml = std::fs::read_to_string(s.join("book/studio.toml"))
        .expect("toml")
        .replace("require_tu = true", "require_tu = \"error\"");
    std::fs::write(s.join("book/studio.toml"), toml).expect("w");
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-am",
            "Require TUs\n\nTU: TU-2026-11-01-SR01",
        ],
    );
}

/// A shared bare clone of the studio with the server hook, as the studio's remote
/// `shared`.
fn guarded_server(s: &Sandbox) {
    s.git("", &["clone", "-q", "--bare", "book", "shared.git"]);
    ok(s.run_in("shared.git", &["hooks", "install", "--server"]));
    s.git("book", &["remote", "add", "shared", "../shared.git"]);
}

fn rev(s: &Sandbox, r: &str) -> String {
    s.git("book", &["rev-parse", r])
}

#[test]
fn merge_fast_forwards_cold_after_traceability_and_the_gate() {
    let s = Sandbox::new();
    sample(&s);
    let id = submitted_change(
        &s,
        "sections/dusk-bell.md",
        "\nThe bell is still ringing.\n",
    );
    let before = rev(&s, "cold");
    let dry = ok(sr(&s, &["merge", "--dry-run", "--format", "json"])).json();
    assert_eq!(
        (dry["merged"].as_bool(), dry["dry_run"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(rev(&s, "cold"), before, "a dry run moves nothing");
    let r = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(r["merged"], true);
    assert_eq!(r["cold_merged"], serde_json::json!([id]));
    assert!(r["next_loops"].as_array().is_some_and(|l| !l.is_empty()));
    assert_eq!(rev(&s, "cold"), rev(&s, "hot"));
    let reflog = s.git("book", &["reflog", "show", "-1", "--format=%gs", "cold"]);
    assert!(
        reflog.starts_with("showrunner merge: fast-forward cold to")
            && reflog.ends_with("(gate pass)"),
        "{reflog}"
    );
    let list = ok(sr(
        &s,
        &["tu", "list", "--state", "cold-merged", "--format", "json"],
    ))
    .json();
    assert_eq!(list[0]["id"], id.as_str());
    let again = ok(sr(&s, &["merge"]));
    assert!(again.stdout.contains("already at"), "{}", again.stdout);
    s.git("book", &["fsck", "--strict"]);
}

#[test]
fn merge_refuses_untraced_unsubmitted_rejected_and_deferred_work() {
    let s = Sandbox::new();
    sample(&s);
    // An untraced commit (no active TU: the hook only warns).
    let notes = s.join("book/notes.txt");
    std::fs::write(&notes, "n\n").expect("write");
    s.git("book", &["add", "notes.txt"]);
    s.git("book", &["commit", "-q", "-m", "untraced"]);
    // A TU that never went to the gate, one rejected, one deferred.
    ok(sr(
        &s,
        &[
            "tu",
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Unsubmitted",
            "--role",
            "SS",
        ],
    ));
    ok(sr(
        &s,
        &[
            "tu",
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Rejected",
            "--role",
            "PW",
        ],
    ));
    ok(sr(&s, &["tu", "reject", "--reason", "no"]));
    ok(sr(
        &s,
        &[
            "tu",
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Deferred",
            "--role",
            "ST",
        ],
    ));
    ok(sr(
        &s,
        &["tu", "defer", "--reason", "later", "--revisit", "spring"],
    ));
    // A commit naming a TU with no brief.
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            "ghost\n\nTU: TU-2026-11-26-LW09",
        ],
    );
    let before = rev(&s, "cold");
    // The queue has nothing to promote: none of it is submitted, and it blocks nobody.
    let q = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(q["promoted"], serde_json::json!([]), "{q}");
    assert_eq!(q["waiting"].as_array().map(Vec::len), Some(4), "{q}");
    assert_eq!(q["untraced"].as_array().map(Vec::len), Some(1), "{q}");
    // Moving cold to hot as a whole is refused, naming each.
    let r = sr(&s, &["merge", "--to", "hot", "--format", "json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("merge refused"), "{}", r.stderr);
    let v = r.json();
    let codes: std::collections::BTreeSet<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect();
    for code in [
        "traceability/untraced-commit",
        "traceability/not-submitted",
        "traceability/rejected-tu",
        "traceability/deferred-tu",
        "traceability/unknown-tu",
    ] {
        assert!(codes.contains(code), "{code} in {codes:?}");
    }
    assert!(
        v["bars"]
            .as_array()
            .expect("bars")
            .iter()
            .any(|b| b["bar"] == "traceability" && b["status"] == "red")
    );
    assert_eq!(rev(&s, "cold"), before, "cold did not move");
}

#[test]
fn a_commit_after_a_tu_closed_is_a_traceability_finding() {
    let s = Sandbox::new();
    sample(&s);
    let id = submitted_change(&s, "sections/dusk-bell.md", "\nOne more line.\n");
    ok(sr(&s, &["tu", "close", &id]));
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            &format!("late\n\nTU: {id}"),
        ],
    );
    let v = sr(&s, &["merge", "--to", "hot", "--format", "json"]).json();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"traceability/after-close"), "{codes:?}");
}

#[test]
fn forge_merges_and_squashes_of_tu_branches_count_as_traced() {
    let s = Sandbox::new();
    sample(&s);
    let id = s.open_tu_with("Review", &["--branch"]);
    std::fs::write(
        s.join("book/sections/dusk-bell.md"),
        std::fs::read_to_string(s.join("book/sections/dusk-bell.md")).expect("r") + "\nA gull.\n",
    )
    .expect("w");
    s.git("book", &["commit", "-q", "-am", "gull"]);
    s.record_steps("");
    ok(sr(&s, &["gate", "submit"]));
    // The forge merges the pull request into hot with a merge commit (no trailer of its own).
    s.git("book", &["switch", "-q", "hot"]);
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "Unrelated traced work\n\nTU: TU-2026-11-26-SS01",
        ],
    );
    s.git(
        "book",
        &[
            "merge",
            "-q",
            "--no-ff",
            "--no-verify",
            "-m",
            &format!("Merge pull request #7 from studio/tu/{id}"),
            &format!("tu/{id}"),
        ],
    );
    let v = sr(
        &s,
        &["merge", "--to", "hot", "--dry-run", "--format", "json"],
    )
    .json();
    let untraced: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "traceability/untraced-commit")
        .collect();
    assert!(
        untraced.is_empty(),
        "the forge's merge commit counts as traced: {untraced:?}"
    );
    // The queue promotes the pull request's TU through its merge commit; the unrelated
    // TU (no brief, never submitted) waits.
    let q = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(q["promoted"], serde_json::json!([id]), "{q}");
    assert!(
        s.git("book", &["show", "cold:sections/dusk-bell.md"])
            .contains("A gull.")
    );
    let shown = ok(sr(&s, &["tu", "show", &id, "--format", "json"])).json();
    assert_eq!(shown["state"], "cold-merged", "{shown}");
}

#[test]
fn merge_refuses_a_target_that_is_not_a_fast_forward() {
    let s = Sandbox::new();
    sample(&s);
    submitted_change(&s, "sections/dusk-bell.md", "\nA.\n");
    ok(sr(&s, &["merge"]));
    // Rewrite hot so cold is no longer its ancestor.
    s.git("book", &["reset", "-q", "--hard", "hot~3"]);
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            "diverge\n\nTU: TU-2026-11-26-SS01",
        ],
    );
    let cold = rev(&s, "cold");
    let r = sr(&s, &["merge"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr.contains("is not an ancestor of")
            && r.stderr.contains("commit(s) on cold are not in the target"),
        "{}",
        r.stderr
    );
    assert_eq!(rev(&s, "cold"), cold);
}

#[test]
fn conditional_verdicts_need_acceptance_which_the_reflog_records() {
    let s = Sandbox::new();
    sample(&s);
    let style = s.join("book/style/style.yaml");
    let text = std::fs::read_to_string(&style)
        .expect("style")
        .replace("max_choice_label_words: 8", "max_choice_label_words: 3");
    std::fs::write(&style, text).expect("w");
    let id = s.open_tu_in("book", "style_tune_up", "Tighter labels", &[]);
    append_to(&s, "sections/dusk-bell.md", "\nThe bell is quiet.\n");
    s.git("book", &["commit", "-q", "-am", "tighter labels"]);
    s.record_steps(&id);
    let sub = ok(sr(&s, &["gate", "submit", "--tu", &id, "--format", "json"])).json();
    assert_eq!(sub["decision"], "conditional");
    let before = rev(&s, "cold");
    let r = sr(&s, &["merge"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--accept-conditional"), "{}", r.stderr);
    assert_eq!(rev(&s, "cold"), before);
    ok(sr(&s, &["merge", "--accept-conditional"]));
    let reflog = s.git("book", &["reflog", "show", "-1", "--format=%gs", "cold"]);
    assert!(reflog.ends_with("(gate conditional, accepted)"), "{reflog}");
}

#[test]
fn merge_refuses_while_cold_is_checked_out_in_a_work_tree() {
    let s = Sandbox::new();
    sample(&s);
    submitted_change(&s, "sections/dusk-bell.md", "\nB.\n");
    s.git("book", &["worktree", "add", "-q", "../cold-view", "cold"]);
    let r = sr(&s, &["merge"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr.contains("is checked out in") && r.stderr.contains("cold-view"),
        "{}",
        r.stderr
    );
}

#[test]
fn git_itself_cannot_move_cold_to_a_failing_commit() {
    let s = Sandbox::new();
    sample(&s);
    let cold = rev(&s, "cold");
    append_to(&s, "sections/dusk-bell.md", "\nTODO: finish\n");
    s.git("book", &["commit", "-q", "-am", "broken"]);
    for args in [
        vec!["branch", "-f", "cold", "hot"],
        vec!["update-ref", "refs/heads/cold", "hot"],
        vec!["push", "-q", ".", "hot:cold"],
    ] {
        let r = s.git_status("book", &args);
        assert_ne!(r.code, 0, "git {args:?} must be refused");
        assert!(
            r.stderr.contains("refused by the Gatekeeper")
                && r.stderr.contains("presentation/draft-marker"),
            "{}",
            r.stderr
        );
        assert_eq!(rev(&s, "cold"), cold, "git {args:?} left cold alone");
    }
    // A passing, traced, submitted commit may be moved to with plain git.
    s.git("book", &["reset", "-q", "--hard", "hot~1"]);
    submitted_change(&s, "sections/dusk-bell.md", "\nFine.\n");
    s.git("book", &["branch", "-f", "cold", "hot"]);
    assert_eq!(rev(&s, "cold"), rev(&s, "hot"));
}

#[test]
fn once_cold_has_moved_hooks_judge_the_next_tree_from_its_memo() {
    let s = Sandbox::new();
    sample(&s);
    submitted_change(
        &s,
        "sections/dusk-bell.md",
        "\nThe bell is still ringing.\n",
    );
    ok(sr(&s, &["merge"]));
    // The merge judged cold's new tree and left its memo.
    let memo = s.join("book/.git/showrunner/memo");
    let tree = s.git("book", &["rev-parse", "cold^{tree}"]);
    assert!(memo.join(format!("{tree}.bin")).is_file());
    // One section changed: a choice now leads nowhere. Judged from the memo, the
    // refusal names the finding in the changed file and the new orphan elsewhere.
    let gate = s.join("book/sections/causeway-gate.md");
    let text = std::fs::read_to_string(&gate).expect("read");
    std::fs::write(&gate, text.replacen("to: ", "to: nowhere-", 1)).expect("write");
    s.git("book", &["commit", "-q", "-am", "retarget"]);
    let cold = rev(&s, "cold");
    let r = s.git_status("book", &["branch", "-f", "cold", "hot"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("integrity/dangling-choice sections/causeway-gate.md"),
        "{}",
        r.stderr
    );
    assert_eq!(rev(&s, "cold"), cold);
    let full = sr(&s, &["gate", "check", "--rev", "hot", "--format", "json"]).json();
    let errors = full["findings"].as_array().expect("findings").iter();
    for f in errors.filter(|f| f["severity"] == "error") {
        let code = f["code"].as_str().expect("code");
        let path = f["path"].as_str().expect("path");
        assert!(
            r.stderr.contains(&format!("{code} {path}")),
            "the hook's refusal lacks {code} {path}:\n{}",
            r.stderr
        );
    }
}

#[test]
fn a_shared_bare_repository_rejects_failing_pushes_to_cold_with_the_findings() {
    let s = Sandbox::new();
    sample(&s);
    guarded_server(&s);
    // Plain git push, skipping the local pre-push hook, so the server decides.
    append_to(&s, "sections/dusk-bell.md", "\nTODO: finish\n");
    s.git("book", &["commit", "-q", "-am", "broken"]);
    let r = s.git_status("book", &["push", "--no-verify", "shared", "hot:cold"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains("remote: error: push to refs/heads/cold refused")
            && r.stderr.contains("presentation/draft-marker"),
        "{}",
        r.stderr
    );
    assert_eq!(
        s.git("shared.git", &["rev-parse", "cold"]),
        s.git("book", &["rev-parse", "cold"])
    );
    s.git("book", &["reset", "-q", "--hard", "hot~1"]);
    submitted_change(&s, "sections/dusk-bell.md", "\nFine.\n");
    // Cold alone cannot take what the server's hot lacks; with hot it can.
    let r = s.git_status("book", &["push", "--no-verify", "shared", "hot:cold"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("is not on hot"), "{}", r.stderr);
    let r = s.git_status(
        "book",
        &["push", "--no-verify", "shared", "hot", "hot:cold"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(s.git("shared.git", &["rev-parse", "cold"]), rev(&s, "hot"));
    s.git("shared.git", &["fsck", "--strict"]);
}

#[test]
fn the_local_pre_push_hook_refuses_a_failing_cold_before_it_leaves() {
    let s = Sandbox::new();
    sample(&s);
    s.git("", &["clone", "-q", "--bare", "book", "remote.git"]);
    s.git("book", &["remote", "add", "origin", "../remote.git"]);
    append_to(&s, "sections/dusk-bell.md", "\nTODO: finish\n");
    s.git("book", &["commit", "-q", "-am", "broken"]);
    let r = s.git_status("book", &["push", "origin", "hot:cold"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("push to refs/heads/cold refused by the Gatekeeper"),
        "{}",
        r.stderr
    );
    assert_eq!(s.git("remote.git", &["rev-parse", "cold"]), rev(&s, "cold"));
    let r = s.git_status("book", &["push", "origin", "hot"]);
    assert_eq!(r.code, 0, "pushing hot is not guarded: {r:?}");
}

#[test]
fn the_server_can_require_tus_on_hot() {
    let s = Sandbox::new();
    sample(&s);
    require_tus_on_hot(&s);
    guarded_server(&s);
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            "untraced",
        ],
    );
    let r = s.git_status("book", &["push", "--no-verify", "shared", "hot"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("name no TU") && r.stderr.contains("untraced"),
        "{}",
        r.stderr
    );
    // The desk's process records pass: feedback (a commit touching nothing) and a
    // question batch, each traced by its own trailer.
    s.git("book", &["reset", "-q", "--hard", "hot~1"]);
    ok(sr(&s, &["snapshot"]));
    ok(sr(&s, &["feedback", "5"]));
    let d = ok(sr(
        &s,
        &["dispatch", "make it better", "--open", "--format", "json"],
    ))
    .json();
    assert!(d["question"].is_string(), "{d}");
    let r = s.git_status("book", &["push", "--no-verify", "shared", "hot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn twenty_concurrent_merges_leave_cold_at_a_passing_commit() {
    let s = Sandbox::new();
    sample(&s);
    submitted_change(&s, "sections/dusk-bell.md", "\nRace.\n");
    let target = rev(&s, "hot");
    let children: Vec<std::process::Child> = (0..20)
        .map(|_| {
            std::process::Command::new(crate::harness::BIN)
                .args(["merge"])
                .current_dir(s.join("book"))
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut codes = Vec::new();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        let code = out.status.code().unwrap_or(-1);
        let lost_race =
            err.contains("moved from") || err.contains("being updated by another process");
        assert!(code == 0 || (code == 3 && lost_race), "exit {code}: {err}");
        codes.push(code);
    }
    assert!(codes.contains(&0));
    assert_eq!(rev(&s, "cold"), target);
    s.git("book", &["fsck", "--strict"]);
}

#[test]
fn a_merge_killed_at_any_point_never_leaves_cold_at_an_unchecked_commit() {
    let s = Sandbox::new();
    sample(&s);
    let start = rev(&s, "cold");
    submitted_change(&s, "sections/dusk-bell.md", "\nQuiet.\n");
    let target = rev(&s, "hot");
    let spawn = || {
        std::process::Command::new(crate::harness::BIN)
            .args(["merge"])
            .current_dir(s.join("book"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn")
    };
    // Moving cold back between rounds is exactly what the hooks forbid: bypass them here.
    let reset = || s.move_cold("book", &start);
    let timer = std::time::Instant::now();
    let first = sr(&s, &["merge"]);
    assert_eq!(first.code, 0, "{first:?}");
    let full = timer.elapsed();
    assert_eq!(rev(&s, "cold"), target);
    // Killed while holding cold's lock, a merge leaves the lock file, as git does: the
    // next one refuses, names it, and moves nothing; removing it is the remedy.
    let lock = s.join("book/.git/refs/heads/cold.lock");
    let stale = |cold: &str| {
        let r = sr(&s, &["merge"]);
        assert_eq!(r.code, 3, "{r:?}");
        assert!(r.stderr.contains("refs/heads/cold.lock"), "{}", r.stderr);
        assert_eq!(rev(&s, "cold"), cold);
        std::fs::remove_file(&lock).expect("remove the stale lock");
    };
    reset();
    std::fs::write(&lock, "").expect("plant a stale lock");
    stale(&start);
    let mut outcomes = std::collections::BTreeSet::new();
    for step in 0..=12u32 {
        reset();
        let mut child = spawn();
        std::thread::sleep(full * step / 10);
        let _ = child.kill();
        let _ = child.wait();
        let cold = rev(&s, "cold");
        assert!(
            cold == start || cold == target,
            "killed at {step}/10 of a merge, cold is at {cold}"
        );
        outcomes.insert(cold == target);
        s.git("book", &["fsck", "--strict"]);
        if lock.exists() {
            stale(&cold);
        }
    }
    assert!(
        outcomes.contains(&false),
        "some kills landed before the ref moved"
    );
}

#[test]
fn rollback_restores_a_snapshot_as_a_traced_commit_on_hot() {
    let s = Sandbox::new();
    sample(&s);
    s.git(
        "book",
        &["tag", "-a", "cold-2026-11-26", "-m", "snapshot", "cold"],
    );
    let snap_tree = s.git("book", &["rev-parse", "cold-2026-11-26^{tree}"]);
    submitted_change(&s, "sections/dusk-bell.md", "\nA regrettable line.\n");
    ok(sr(&s, &["merge"]));
    let cold = rev(&s, "cold");
    let r = ok(sr(
        &s,
        &[
            "rollback",
            "cold-2026-11-26",
            "--reason",
            "the new line reads badly",
            "--format",
            "json",
        ],
    ))
    .json();
    let tu = r["tu"].as_str().expect("tu");
    assert_eq!(rev(&s, "cold"), cold, "cold never moves backwards");
    let bell_now = s.git("book", &["show", "hot:sections/dusk-bell.md"]);
    let bell_then = s.git("book", &["show", "cold-2026-11-26:sections/dusk-bell.md"]);
    assert_eq!(bell_now, bell_then);
    assert_ne!(
        s.git("book", &["rev-parse", "hot^{tree}"]),
        snap_tree,
        "process records (briefs, reports) are kept"
    );
    assert!(
        s.git("book", &["ls-tree", "--name-only", "hot", "tus/"])
            .contains(tu)
    );
    let trailers = s.git(
        "book",
        &["log", "-1", "--format=%(trailers:only,unfold)", "hot"],
    );
    assert!(
        trailers.contains("Rollback: cold-2026-11-26") && trailers.contains(&format!("TU: {tu}")),
        "{trailers}"
    );
    assert_eq!(
        s.git("book", &["status", "--porcelain"]),
        "",
        "the work tree follows hot"
    );
    let r = sr(&s, &["rollback", "no-such-tag", "--reason", "x"]);
    assert_eq!(r.code, 3);
}

#[test]
fn gate_check_works_in_a_shallow_clone_and_init_can_write_a_ci_workflow() {
    let s = Sandbox::new();
    sample(&s);
    submitted_change(&s, "sections/dusk-bell.md", "\nShallow.\n");
    let url = format!("file://{}", s.join("book").display());
    s.git(
        "",
        &[
            "clone", "-q", "--depth", "1", "--branch", "hot", &url, "shallow",
        ],
    );
    let r = s.run_in(
        "shallow",
        &["gate", "check", "--rev", "HEAD", "--format", "github"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    ok(s.run(&["init", "ci-book", "--ci", "github"]));
    let wf = std::fs::read_to_string(s.join("ci-book/.github/workflows/showrunner.yml"))
        .expect("workflow");
    assert!(
        wf.contains("showrunner gate check --rev \"$GITHUB_SHA\" --format github"),
        "{wf}"
    );
    assert!(
        !wf.contains("paths:") && !wf.contains("if:"),
        "the check always reports a status"
    );
    let r = s.run_in("ci-book", &["--format", "json", "gate", "check"]);
    let codes: Vec<String> = r.finding_codes();
    assert_eq!(
        codes,
        vec!["presentation/scaffolding"],
        "the workflow file does not upset the gatecheck (only the opening's placeholder does)"
    );
}

/// A remembered verdict is keyed by everything that decides it: the same tree judged on
/// the day a waiver lapses must block, and a damaged cache is recomputed, never trusted.
#[test]
fn remembered_verdicts_never_outlive_a_waiver_or_a_damaged_cache() {
    let s = Sandbox::new();
    s.copy_fixture("minimal", "studio");
    // The waiver is on cold (the rules a move is judged by), the draft marker on hot.
    std::fs::write(
        s.join("studio/waivers.yaml"),
        "waivers:\n  - code: presentation/draft-marker\n    path: \"sections/*.md\"\n    rationale: the quay is being rewritten today\n    expires: \"2026-11-26\"\n    granted_by: gatekeeper\n",
    )
    .expect("waivers");
    s.commit_all("studio");
    s.git("studio", &["branch", "cold"]);
    let quay = std::fs::read_to_string(s.join("studio/sections/quay.md")).expect("quay");
    std::fs::write(
        s.join("studio/sections/quay.md"),
        quay.replace("Rain drums", "TODO: rain drums"),
    )
    .expect("write");
    s.commit_all("studio");
    let day = |secs: &str| {
        let r = s.run_env(
            "studio",
            &[("SOURCE_DATE_EPOCH", secs)],
            &["merge", "--to", "hot", "--dry-run", "--format", "json"],
        );
        (r.code, r.json())
    };
    // 2026-11-26 12:00 UTC: waived, the merge may go ahead.
    let (code, v) = day("1795694400");
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        v["waived"][0]["finding"]["code"],
        "presentation/draft-marker"
    );
    let verdicts = s.join("studio/.git/showrunner/verdicts");
    assert_eq!(
        std::fs::read_dir(&verdicts).expect("verdicts").count(),
        1,
        "the verdict on the tree is remembered"
    );
    // The next day, the same tree: the waiver has lapsed and the merge blocks.
    let (code, v) = day("1795780800");
    assert_eq!(code, 1, "{v:#}");
    assert!(
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["code"] == "presentation/draft-marker"),
        "{v:#}"
    );
    // Damaged cache files are not believed: the verdict is recomputed.
    for e in std::fs::read_dir(&verdicts).expect("verdicts").flatten() {
        std::fs::write(e.path(), "{\"key\": \"forged\", \"report\": 1}").expect("damage");
    }
    let (code, v) = day("1795780800");
    assert_eq!(code, 1, "{v:#}");
    let (code, _) = day("1795694400");
    assert_eq!(code, 0);
}

#[test]
fn git_housekeeping_passes_the_hooks_and_cold_still_cannot_be_deleted() {
    let s = Sandbox::new();
    sample(&s);
    let cold = rev(&s, "cold");
    // Packing refs rewrites cold into packed-refs and prunes its loose file: not a move.
    s.git("book", &["pack-refs", "--all"]);
    s.git("book", &["gc", "-q"]);
    assert_eq!(rev(&s, "cold"), cold, "housekeeping kept cold");
    // Deleting it for real is still refused, packed or loose, with or without its value.
    s.git("book", &["pack-refs", "--all", "--no-prune"]);
    for args in [
        vec!["branch", "-D", "cold"],
        vec!["update-ref", "-d", "refs/heads/cold", cold.as_str()],
        vec!["update-ref", "-d", "refs/heads/cold"],
    ] {
        let r = s.git_status("book", &args);
        assert_ne!(r.code, 0, "git {args:?} must be refused");
        assert_eq!(rev(&s, "cold"), cold, "git {args:?} left cold alone");
    }
    s.git("book", &["gc", "-q", "--prune=now"]);
    assert_eq!(rev(&s, "cold"), cold);
}

#[test]
fn hooks_find_showrunner_after_the_binary_that_installed_them_is_gone() {
    let s = Sandbox::new();
    sample(&s);
    // Install the hooks from a copy of the binary, then take the copy away.
    std::fs::create_dir_all(s.join("bin")).expect("bin");
    let copy = s.join("bin/showrunner");
    std::fs::copy(crate::harness::BIN, &copy).expect("copy");
    let copy = copy.display().to_string();
    ok(s.exec_env(&copy, "book", &[], &["hooks", "install"]));
    std::fs::remove_file(&copy).expect("remove");
    let no_showrunner = [("PATH", "/usr/bin:/bin")];
    let commit = |env: &[(&str, &str)]| {
        s.exec_env(
            "git",
            "book",
            env,
            &[
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                "Note\n\nTU: TU-2026-11-26-SS01",
            ],
        )
    };
    let r = commit(&no_showrunner);
    assert_ne!(r.code, 0, "a hook that cannot run its guard does not pass");
    assert!(
        r.stderr.contains("cannot run showrunner")
            && r.stderr.contains("git config showrunner.path"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.trim().lines().count(), 1, "one line: {}", r.stderr);
    // The binary on PATH is found.
    let dir = std::path::Path::new(crate::harness::BIN)
        .parent()
        .expect("dir")
        .display()
        .to_string();
    let path = format!("{dir}:/usr/bin:/bin");
    ok(commit(&[("PATH", path.as_str())]));
    // So is the one git config names.
    s.git("book", &["config", "showrunner.path", crate::harness::BIN]);
    ok(commit(&no_showrunner));
}

#[test]
fn a_fresh_clone_merges_taking_cold_from_origin_once() {
    let s = Sandbox::new();
    sample(&s);
    let cold = rev(&s, "cold");
    s.git("", &["clone", "-q", "book", "clone"]);
    let local =
        |s: &Sandbox| s.git_status("clone", &["rev-parse", "--verify", "-q", "refs/heads/cold"]);
    assert_ne!(local(&s).code, 0, "a clone has no local cold");
    // A dry run judges from origin/cold and creates nothing.
    let dry = ok(s.run_in("clone", &["merge", "--dry-run"]));
    assert!(
        dry.stderr.contains("from origin/cold") && dry.stderr.contains("dry run: not created"),
        "{}",
        dry.stderr
    );
    assert_ne!(local(&s).code, 0, "a dry run writes nothing");
    let r = ok(s.run_in("clone", &["merge"]));
    assert!(
        r.stderr.contains("created it from origin/cold"),
        "{}",
        r.stderr
    );
    assert_eq!(local(&s).stdout.trim(), cold, "cold is origin's");
    // Said once: the next merge has its own cold.
    let again = ok(s.run_in("clone", &["merge"]));
    assert!(!again.stderr.contains("origin/cold"), "{}", again.stderr);
}

#[test]
fn a_guarded_server_judges_a_push_by_its_own_rules_and_takes_annotated_tags() {
    let s = Sandbox::new();
    sample(&s);
    require_tus_on_hot(&s);
    guarded_server(&s);
    let server_cold = s.git("shared.git", &["rev-parse", "cold"]);
    // One commit renames cold, relaxes require_tu and breaks a section, untraced.
    let toml = std::fs::read_to_string(s.join("book/studio.toml"))
        .expect("toml")
        .replace("require_tu = \"error\"", "require_tu = \"off\"");
    let toml = if toml.contains("[branches]") {
        toml.replace("cold = \"cold\"", "cold = \"gold\"")
    } else {
        toml + "\n[branches]\ncold = \"gold\"\n"
    };
    std::fs::write(s.join("book/studio.toml"), toml).expect("w");
    append_to(&s, "sections/dusk-bell.md", "\nTODO: finish\n");
    s.git(
        "book",
        &["commit", "-q", "--no-verify", "-am", "relax the rules"],
    );
    let r = s.git_status("book", &["push", "--no-verify", "shared", "hot:cold"]);
    assert_ne!(
        r.code, 0,
        "a renamed cold is still cold on the server: {}",
        r.stderr
    );
    assert_eq!(s.git("shared.git", &["rev-parse", "cold"]), server_cold);
    let r = s.git_status("book", &["push", "--no-verify", "shared", "hot"]);
    assert_ne!(r.code, 0, "require_tu stays the server's: {}", r.stderr);
    assert!(r.stderr.contains("name no TU"), "{}", r.stderr);
    // An annotated tag on a commit the server has reaches it.
    s.git("book", &["tag", "-a", "-m", "a tag", "v1", "hot~1"]);
    let r = s.git_status("book", &["push", "--no-verify", "shared", "v1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_guarded_server_takes_snapshot_tags_only_on_cold() {
    let s = Sandbox::new();
    sample(&s);
    guarded_server(&s);
    let snap = ok(sr(&s, &["snapshot", "--format", "json"])).json();
    let tag = snap["tag"].as_str().expect("tag").to_string();
    let r = s.git_status("book", &["push", "--no-verify", "shared", &tag]);
    assert_eq!(
        r.code, 0,
        "a snapshot of cold reaches the server: {}",
        r.stderr
    );
    // A tag dressed as a snapshot on a commit cold does not hold is refused.
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            "Ahead\n\nTU: TU-2026-11-01-SR01",
        ],
    );
    s.git("book", &["push", "-q", "--no-verify", "shared", "hot"]);
    s.git(
        "book",
        &[
            "tag",
            "-a",
            "-m",
            "Fake\n\nShowrunner-Snapshot: 1",
            "fake-1",
            "hot",
        ],
    );
    let r = s.git_status("book", &["push", "--no-verify", "shared", "fake-1"]);
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("not on cold"), "{}", r.stderr);
}

/// Appends text to a studio file, uncommitted.
fn append_to(s: &Sandbox, file: &str, text: &str) {
    let path = s.join("book").join(file);
    let all = std::fs::read_to_string(&path).expect("read") + text;
    std::fs::write(&path, all).expect("write");
}

/// Appends a line to a studio file and commits it (the hook stamps the active TU).
fn edit(s: &Sandbox, file: &str, append: &str, message: &str) {
    append_to(s, file, append);
    s.git("book", &["commit", "-q", "-am", message]);
}

#[test]
fn the_queue_promotes_a_submitted_tu_past_an_unfinished_broken_one() {
    let s = Sandbox::new();
    sample(&s);
    let cold = rev(&s, "cold");
    // TU A breaks a section and is left unfinished on hot.
    let a = s.open_tu("Unfinished");
    edit(
        &s,
        "sections/dusk-bell.md",
        "\nTODO: finish the bell\n",
        "half done",
    );
    // TU B, opened after A on the same hot, changes another section and submits: it is
    // judged as cold plus B, so A's draft marker is not charged to it.
    let b = s.open_tu("Finished");
    edit(&s, "sections/chandlery.md", "\nA lamp gutters.\n", "lamp");
    s.record_steps(&b);
    let sub = ok(sr(&s, &["gate", "submit", "--tu", &b, "--format", "json"])).json();
    assert_eq!(sub["decision"], "pass", "{sub}");
    let report = std::fs::read_to_string(s.join("book").join(sub["path"].as_str().expect("path")))
        .expect("report");
    assert!(report.contains(&format!("base: {cold}")), "{report}");
    // The queue promotes B alone; A waits and blocks nobody.
    let dry = ok(sr(&s, &["merge", "--dry-run", "--format", "json"])).json();
    assert_eq!(dry["promoted"], serde_json::json!([b]), "{dry}");
    assert_eq!(rev(&s, "cold"), cold, "a dry run moves nothing");
    let m = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(m["promoted"], serde_json::json!([b]), "{m}");
    assert_eq!(m["skipped"], serde_json::json!([]));
    assert_eq!(m["waiting"], serde_json::json!([a]));
    assert_eq!(m["cold"].as_str(), Some(rev(&s, "cold").as_str()));
    // Cold holds B's change, not A's; it fast-forwarded; hot contains it.
    let on_cold = |path: &str| s.git("book", &["show", &format!("cold:{path}")]);
    assert!(on_cold("sections/chandlery.md").contains("A lamp gutters."));
    assert!(!on_cold("sections/dusk-bell.md").contains("TODO"));
    s.git("book", &["merge-base", "--is-ancestor", &cold, "cold"]);
    s.git("book", &["merge-base", "--is-ancestor", "cold", "hot"]);
    let promotion = s.git("book", &["log", "-1", "--format=%B", "cold"]);
    assert!(promotion.contains(&format!("TU: {b}")), "{promotion}");
    // Cold's new tree passes the gate, and the ledger agrees on both TUs.
    ok(sr(&s, &["gate", "check", "--rev", "cold"]));
    let state =
        |id: &str| ok(sr(&s, &["tu", "show", id, "--format", "json"])).json()["state"].clone();
    assert_eq!(state(&b), "cold-merged");
    assert_eq!(state(&a), "hot-proposed");
    // The work tree still holds A's unfinished edit (hot's tree did not change).
    let bell = std::fs::read_to_string(s.join("book/sections/dusk-bell.md")).expect("bell");
    assert!(bell.contains("TODO: finish the bell"));
    // A finishes later and is promoted on top of B.
    let fixed = bell.replace("TODO: finish the bell", "The bell is finished.");
    std::fs::write(s.join("book/sections/dusk-bell.md"), fixed).expect("w");
    s.git("book", &["switch", "-q", "hot"]);
    ok(sr(&s, &["tu", "switch", &a]));
    s.git("book", &["commit", "-q", "-am", "finished"]);
    s.record_steps(&a);
    ok(sr(&s, &["gate", "submit", "--tu", &a]));
    let m = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(m["promoted"], serde_json::json!([a]), "{m}");
    assert!(on_cold("sections/dusk-bell.md").contains("The bell is finished."));
    assert!(on_cold("sections/chandlery.md").contains("A lamp gutters."));
    assert_eq!(state(&a), "cold-merged");
    assert_eq!(state(&b), "cold-merged");
    s.git("book", &["merge-base", "--is-ancestor", "cold", "hot"]);
    s.git("book", &["fsck", "--strict"]);
}

#[test]
fn deferred_rejected_and_closed_unsubmitted_tus_block_no_promotion() {
    let s = Sandbox::new();
    sample(&s);
    // The README's tour: a TU deferred, reactivated and closed without a submit.
    let closed = s.open_tu("Closed early");
    ok(sr(&s, &["tu", "start", &closed]));
    edit(&s, "sections/dusk-bell.md", "\nA draft line.\n", "draft");
    ok(sr(
        &s,
        &["tu", "defer", "--reason", "later", "--revisit", "spring"],
    ));
    ok(sr(&s, &["tu", "reactivate", &closed]));
    ok(sr(&s, &["tu", "close", &closed]));
    let rejected = s.open_tu("Rejected");
    edit(&s, "sections/chandlery.md", "\nTODO: never\n", "never");
    ok(sr(&s, &["tu", "reject", "--reason", "no"]));
    let deferred = s.open_tu("Deferred");
    ok(sr(
        &s,
        &["tu", "defer", "--reason", "later", "--revisit", "spring"],
    ));
    // A TU submitted after all three is promoted; they stay on hot.
    let done = s.open_tu("Done");
    edit(
        &s,
        "sections/canal-market.md",
        "\nGulls over the stalls.\n",
        "gulls",
    );
    s.record_steps(&done);
    ok(sr(&s, &["gate", "submit", "--tu", &done]));
    let m = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(m["promoted"], serde_json::json!([done]), "{m}");
    let waiting: Vec<&str> = m["waiting"]
        .as_array()
        .expect("waiting")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for tu in [&closed, &rejected, &deferred] {
        assert!(waiting.contains(&tu.as_str()), "{tu} waits: {m}");
    }
    let on_cold = |p: &str| s.git("book", &["show", &format!("cold:{p}")]);
    assert!(on_cold("sections/canal-market.md").contains("Gulls over the stalls."));
    assert!(!on_cold("sections/chandlery.md").contains("TODO"));
    assert!(!on_cold("sections/dusk-bell.md").contains("A draft line."));
    ok(sr(&s, &["gate", "check", "--rev", "cold"]));
}

#[test]
fn a_tu_whose_candidate_fails_goes_back_to_stabilizing_and_the_others_go_on() {
    let s = Sandbox::new();
    sample(&s);
    // A passes its submit, then breaks a section after it (still in the gate).
    let a = s.open_tu("Breaks after submit");
    edit(&s, "sections/dusk-bell.md", "\nFine at first.\n", "fine");
    s.record_steps(&a);
    ok(sr(&s, &["gate", "submit", "--tu", &a]));
    edit(&s, "sections/dusk-bell.md", "\nTODO: oops\n", "oops");
    // B builds on a section A never touched and is submitted second.
    let b = s.open_tu("Independent");
    edit(
        &s,
        "sections/canal-market.md",
        "\nRain on the awnings.\n",
        "rain",
    );
    s.record_steps(&b);
    ok(sr(&s, &["gate", "submit", "--tu", &b]));
    let r = sr(&s, &["merge", "--format", "json"]);
    assert_eq!(r.code, 1, "a submitted TU was not promoted: {r:?}");
    assert!(
        r.stderr.contains(&format!("{a} not promoted")),
        "{}",
        r.stderr
    );
    let m = r.json();
    assert_eq!(m["promoted"], serde_json::json!([b]), "{m}");
    assert_eq!(m["skipped"][0]["tu"], a.as_str());
    assert_eq!(m["skipped"][0]["back_to"], "stabilizing");
    assert!(
        m["skipped"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["code"] == "presentation/draft-marker"),
        "{m}"
    );
    let shown = ok(sr(&s, &["tu", "show", &a, "--format", "json"])).json();
    assert_eq!(shown["state"], "stabilizing", "{shown}");
    let on_cold = |p: &str| s.git("book", &["show", &format!("cold:{p}")]);
    assert!(on_cold("sections/canal-market.md").contains("Rain on the awnings."));
    assert!(!on_cold("sections/dusk-bell.md").contains("oops"));
    s.git("book", &["merge-base", "--is-ancestor", "cold", "hot"]);
}

#[test]
fn a_tu_that_builds_on_unpromoted_work_is_told_so_at_submit_and_in_the_queue() {
    let s = Sandbox::new();
    sample(&s);
    let a = s.open_tu("First draft");
    edit(&s, "sections/dusk-bell.md", "\nLine one.\n", "one");
    // B edits the very lines A added: its change does not apply to cold without A.
    let b = s.open_tu("Second draft");
    let path = s.join("book/sections/dusk-bell.md");
    let text = std::fs::read_to_string(&path)
        .expect("r")
        .replace("Line one.", "Line one, revised.");
    std::fs::write(&path, text).expect("w");
    s.git("book", &["commit", "-q", "-am", "revise"]);
    s.record_steps(&b);
    let sub = sr(&s, &["gate", "submit", "--tu", &b, "--format", "json"]);
    let v = sub.json();
    assert_eq!(v["decision"], "block", "{v}");
    let f = &v["findings"][0];
    assert_eq!(f["code"], "traceability/does-not-apply");
    assert!(
        f["message"].as_str().is_some_and(|m| m.contains(&a)),
        "names the work it builds on: {f}"
    );
    // Once A is through, B applies.
    s.record_steps(&a);
    ok(sr(&s, &["gate", "submit", "--tu", &a]));
    ok(sr(&s, &["merge"]));
    ok(sr(&s, &["tu", "switch", &b]));
    s.record_steps(&b);
    ok(sr(&s, &["gate", "submit", "--tu", &b]));
    let m = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(m["promoted"], serde_json::json!([b]), "{m}");
    assert!(
        s.git("book", &["show", "cold:sections/dusk-bell.md"])
            .contains("Line one, revised.")
    );
}

#[test]
fn git_cannot_put_a_merge_commit_on_cold() {
    let s = Sandbox::new();
    sample(&s);
    let id = submitted_change(&s, "sections/dusk-bell.md", "\nA passing line.\n");
    let cold = rev(&s, "cold");
    // A merge commit made on cold itself, traced, its tree passing: cold would leave hot.
    let message = format!("Merge hot into cold\n\nTU: {id}");
    let merge = s.git(
        "book",
        &[
            "commit-tree",
            "hot^{tree}",
            "-p",
            "cold",
            "-p",
            "hot",
            "-m",
            &message,
        ],
    );
    let r = s.git_status("book", &["update-ref", "refs/heads/cold", &merge]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("is not on hot"), "{}", r.stderr);
    assert_eq!(rev(&s, "cold"), cold);
}

#[test]
fn a_self_granted_blanket_waiver_with_hand_written_submit_trailers_moves_nothing() {
    let s = Sandbox::new();
    sample(&s);
    let cold = rev(&s, "cold");
    let tu = s.open_tu("Sneak");
    // A broken choice, waived by the TU itself for every file until 2099 by a role that
    // may not waive, and a hand-written "submit" that claims the gate passed.
    let gate = s.join("book/sections/causeway-gate.md");
    let text =
        std::fs::read_to_string(&gate)
            .expect("read")
            .replacen("to: guild-yard", "to: nowhere", 1);
    std::fs::write(&gate, text).expect("write");
    std::fs::write(
        s.join("book/waivers.yaml"),
        "waivers:\n  - code: \"integrity/*\"\n    path: \"**\"\n    rationale: trust me\n    expires: \"2099-12-31\"\n    granted_by: scene_smith\n",
    )
    .expect("waivers");
    s.git("book", &["add", "-A"]);
    let message = format!(
        "Gatecheck {tu}: pass\n\nTU: {tu}\nTU-Event: submit\nGate: pass\nGate-Report: GK-2026-11-26-07"
    );
    s.git("book", &["commit", "-q", "--no-verify", "-m", &message]);
    // The queue judges it under cold's rules (no waivers there): refused, back to work.
    let r = sr(&s, &["merge", "--format", "json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let m = r.json();
    assert_eq!(m["promoted"], serde_json::json!([]), "{m}");
    assert!(
        m["skipped"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["code"] == "integrity/dangling-choice"),
        "{m}"
    );
    // Moving cold by hand or as a whole branch: refused too.
    let r = s.git_status("book", &["update-ref", "refs/heads/cold", "hot"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("integrity/dangling-choice"),
        "{}",
        r.stderr
    );
    let r = sr(&s, &["merge", "--to", "hot"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(rev(&s, "cold"), cold);
    // Judged by its own rules the waiver still counts for nothing, and says why.
    let v = sr(&s, &["gate", "check", "--rev", "hot", "--format", "json"]).json();
    let bad: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "integrity/bad-waiver")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        bad.iter().any(|m| m.contains("may not grant waivers")),
        "{bad:?}"
    );
    assert_eq!(v["decision"], "block");
}

#[test]
fn waivers_count_only_within_the_policy_and_name_their_files() {
    let s = Sandbox::new();
    sample(&s);
    let waiver = |path: &str, expires: &str, by: &str| {
        std::fs::write(
            s.join("book/waivers.yaml"),
            format!("waivers:\n  - code: presentation/draft-marker\n    path: \"{path}\"\n    rationale: rewriting today\n    expires: \"{expires}\"\n    granted_by: {by}\n"),
        )
        .expect("waivers");
    };
    append_to(&s, "sections/dusk-bell.md", "\nTODO: finish\n");
    let check = || {
        let r = s.run_env(
            "book",
            &[("SOURCE_DATE_EPOCH", "1795694400")],
            &["check", "--format", "json"],
        );
        r.json()
    };
    let bad = |v: &serde_json::Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["code"] == "integrity/bad-waiver")
            .filter_map(|f| f["message"].as_str().map(str::to_string))
            .collect()
    };
    // In force: the gatekeeper, one file, ten days.
    waiver("sections/dusk-bell.md", "2026-12-06", "gatekeeper");
    let v = check();
    assert!(bad(&v).is_empty(), "{v}");
    assert_eq!(v["waived"].as_array().map(Vec::len), Some(1), "{v}");
    // Too long for the default policy (30 days).
    waiver("sections/dusk-bell.md", "2027-06-01", "gatekeeper");
    assert!(bad(&check()).iter().any(|m| m.contains("max_waiver_days")));
    // Every file, for an error.
    waiver("**", "2026-12-06", "gatekeeper");
    assert!(bad(&check()).iter().any(|m| m.contains("names every file")));
    // A role the authority table does not let waive; then one it does.
    waiver("sections/dusk-bell.md", "2026-12-06", "style_lead");
    assert!(
        bad(&check())
            .iter()
            .any(|m| m.contains("may not grant waivers"))
    );
    std::fs::write(
        s.join("book/authority.yaml"),
        format!(
            "{}\nwaive: [gatekeeper, style_lead]\n",
            std::fs::read_to_string(s.join("book/authority.yaml")).unwrap_or_default()
        ),
    )
    .expect("w");
    assert!(bad(&check()).is_empty());
}

#[test]
fn an_uncommitted_or_committed_rename_of_cold_does_not_switch_the_local_guard_off() {
    let s = Sandbox::new();
    sample(&s);
    let cold = rev(&s, "cold");
    append_to(&s, "sections/dusk-bell.md", "\nTODO: finish\n");
    s.git("book", &["commit", "-q", "--no-verify", "-am", "broken"]);
    let toml = s.join("book/studio.toml");
    let renamed = std::fs::read_to_string(&toml)
        .expect("toml")
        .replace("cold = \"cold\"", "cold = \"frozen\"");
    assert!(renamed.contains("frozen"), "the sample names its branches");
    std::fs::write(&toml, &renamed).expect("w");
    // Uncommitted.
    let r = s.git_status("book", &["update-ref", "refs/heads/cold", "hot"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("presentation/draft-marker"),
        "{}",
        r.stderr
    );
    // Committed on hot.
    s.git(
        "book",
        &["commit", "-q", "--no-verify", "-am", "rename cold"],
    );
    let r = s.git_status("book", &["update-ref", "refs/heads/cold", "hot"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert_eq!(rev(&s, "cold"), cold);
}

#[test]
#[ignore = "second tier: needs ssh-keygen (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn with_role_keys_a_waiver_counts_only_when_its_role_signed_it() {
    let s = Sandbox::new();
    sample(&s);
    let at = |args: &[&str]| s.run_env("book", &[("SOURCE_DATE_EPOCH", "1795694400")], args);
    let key = |name: &str| {
        let path = s.join(name);
        let r = s.exec_env(
            "ssh-keygen",
            "",
            &[],
            &[
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                name,
                "-f",
                path.to_str().expect("utf-8"),
            ],
        );
        assert_eq!(r.code, 0, "ssh-keygen: {r:?}");
        let public = std::fs::read_to_string(path.with_extension("pub")).expect("public key");
        (path, public.trim().to_string())
    };
    let (gk, gk_pub) = key("gk");
    let (ss, ss_pub) = key("ss");
    let signed = |k: &std::path::Path, args: &[&str]| {
        let signing = format!("user.signingkey={}", k.display());
        let mut all = vec![
            "-c",
            "gpg.format=ssh",
            "-c",
            signing.as_str(),
            "commit",
            "-q",
            "-S",
        ];
        all.extend_from_slice(args);
        s.git("book", &all);
    };
    // The keys reach cold through a TU (cold lists none yet, so nothing needs a signature).
    ok(at(&[
        "tu",
        "open",
        "--loop",
        "remediation",
        "--title",
        "Role keys",
    ]));
    std::fs::write(
        s.join("book/allowed_signers"),
        format!("gatekeeper {gk_pub}\nscene_smith {ss_pub}\n"),
    )
    .expect("signers");
    s.git("book", &["add", "allowed_signers"]);
    s.git("book", &["commit", "-q", "-m", "Role keys"]);
    s.record_steps("");
    ok(at(&["gate", "submit"]));
    ok(at(&["merge"]));
    assert!(
        s.git("book", &["show", "cold:allowed_signers"])
            .contains("gatekeeper")
    );
    // An unsigned waiver: refused.
    let tu = ok(at(&[
        "tu",
        "open",
        "--loop",
        "remediation",
        "--role",
        "SS",
        "--title",
        "Waive",
        "--format",
        "json",
    ]))
    .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    std::fs::write(
        s.join("book/waivers.yaml"),
        "waivers:\n  - code: presentation/draft-marker\n    path: sections/dusk-bell.md\n    rationale: rewriting\n    expires: \"2026-12-20\"\n    granted_by: gatekeeper\n",
    )
    .expect("waivers");
    s.git("book", &["commit", "-q", "-am", "Waive the bell"]);
    s.record_steps(&tu);
    ok(at(&["gate", "submit", "--tu", &tu]));
    let cold = rev(&s, "cold");
    let codes = |r: &Run| -> Vec<String> {
        r.json()["skipped"][0]["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|f| f["code"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let r = at(&["merge", "--format", "json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        codes(&r).contains(&"traceability/unsigned-rule-change".to_string()),
        "{r:?}"
    );
    // Signed, but by a role that may not waive: still refused.
    signed(&ss, &["--allow-empty", "-m", "Signed by the scene smith"]);
    s.record_steps(&tu);
    ok(at(&["gate", "submit", "--tu", &tu]));
    let r = at(&["merge", "--format", "json"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        codes(&r).contains(&"traceability/unsigned-rule-change".to_string()),
        "{r:?}"
    );
    assert_eq!(rev(&s, "cold"), cold);
    // Nor is a submit that no promoting role signed.
    assert!(
        codes(&r).contains(&"traceability/unsigned-promotion".to_string()),
        "{r:?}"
    );
    // Signed by the gatekeeper's key, and submitted from a repository that signs its
    // commits with it (as git would): the waiver is promoted.
    signed(&gk, &["--allow-empty", "-m", "Signed by the gatekeeper"]);
    s.git("book", &["config", "gpg.format", "ssh"]);
    s.git(
        "book",
        &["config", "user.signingkey", gk.to_str().expect("utf-8")],
    );
    s.git("book", &["config", "commit.gpgsign", "true"]);
    s.record_steps(&tu);
    ok(at(&["gate", "submit", "--tu", &tu]));
    let submit = s.git("book", &["log", "-1", "--format=%H", "hot"]);
    let raw = s.git("book", &["cat-file", "commit", &submit]);
    assert!(
        raw.contains("-----BEGIN SSH SIGNATURE-----"),
        "the tool signed its submit: {raw}"
    );
    let r = ok(at(&["merge", "--format", "json"])).json();
    assert_eq!(r["promoted"], serde_json::json!([tu]), "{r}");
    assert!(
        s.git("book", &["show", "cold:waivers.yaml"])
            .contains("rewriting")
    );
}

#[test]
fn findings_that_already_stand_on_cold_are_listed_apart_and_charged_to_nobody() {
    let s = Sandbox::new();
    sample(&s);
    // Cold carries a draft marker already (put there around the hooks, as an older
    // build's rules might have let it through).
    append_to(&s, "sections/dusk-bell.md", "\nTODO: finish\n");
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-am",
            "Old draft\n\nTU: TU-2026-11-01-SR01",
        ],
    );
    s.git(
        "book",
        &[
            "-c",
            "core.hooksPath=/nonexistent",
            "update-ref",
            "refs/heads/cold",
            "hot",
        ],
    );
    let b = s.open_tu("Unrelated");
    edit(&s, "sections/chandlery.md", "\nA lamp gutters.\n", "lamp");
    s.record_steps(&b);
    let sub = ok(sr(&s, &["gate", "submit", "--tu", &b, "--format", "json"])).json();
    assert_eq!(sub["decision"], "pass", "{sub}");
    assert_eq!(
        sub["pre_existing"][0]["code"], "presentation/draft-marker",
        "{sub}"
    );
    let human = ok(sr(
        &s,
        &["gate", "show", sub["report"].as_str().expect("report")],
    ))
    .stdout;
    assert!(human.contains("pre_existing"), "{human}");
    let m = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(m["promoted"], serde_json::json!([b]), "{m}");
    assert_eq!(
        m["details"][0]["pre_existing"][0]["code"], "presentation/draft-marker",
        "{m}"
    );
}

#[test]
fn a_review_branch_writes_nothing_on_hot_and_a_squash_merge_reads_the_same_everywhere() {
    let s = Sandbox::new();
    sample(&s);
    let hot = rev(&s, "hot");
    let id = s.open_tu_with("Review me", &["--branch"]);
    assert_eq!(
        rev(&s, "hot"),
        hot,
        "nothing on hot until the branch is merged"
    );
    assert!(
        s.git("book", &["show", &format!("tu/{id}:tus/{id}.yaml")])
            .contains(&id)
    );
    edit(
        &s,
        "sections/dusk-bell.md",
        "\nA gull on the bell.\n",
        "gull",
    );
    s.record_steps("");
    ok(sr(&s, &["gate", "submit"]));
    // Nothing to promote while the work is only on the review branch.
    let q = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(q["promoted"], serde_json::json!([]), "{q}");
    // The forge squash-merges the pull request into hot, keeping the TU's trailer.
    s.git("book", &["switch", "-q", "hot"]);
    s.git("book", &["merge", "-q", "--squash", &format!("tu/{id}")]);
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            &format!("Review me (#12)\n\nTU: {id}"),
        ],
    );
    let q = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(q["promoted"], serde_json::json!([id]), "{q}");
    assert!(
        s.git("book", &["show", "cold:sections/dusk-bell.md"])
            .contains("A gull on the bell.")
    );
    // One state everywhere, though the branch's own commits never reached cold.
    let shown = ok(sr(&s, &["tu", "show", &id, "--format", "json"])).json();
    assert_eq!(shown["state"], "cold-merged", "{shown}");
    let listed = ok(sr(&s, &["tu", "list", "--format", "json"])).json();
    let mine = listed
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["id"] == id.as_str())
        .expect("listed");
    assert_eq!(mine["state"], "cold-merged", "{mine}");
    let again = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(again["promoted"], serde_json::json!([]), "{again}");
    assert!(
        again["waiting"].as_array().is_some_and(|w| w.is_empty()),
        "{again}"
    );
}

#[test]
fn a_pull_request_body_carries_the_candidates_verdict_and_its_story_changes() {
    let s = Sandbox::new();
    sample(&s);
    let id = s.open_tu_with("A side room", &["--branch"]);
    std::fs::write(
        s.join("book/sections/side-room.md"),
        "---\nid: side-room\ntitle: The Side Room\nflags: [terminal]\n---\nA quiet room where the story ends.\n",
    )
    .expect("side room");
    let gate = s.join("book/sections/causeway-gate.md");
    let text = std::fs::read_to_string(&gate).expect("read").replacen(
        "choices:\n",
        "choices:\n  - label: \"Slip into the side room\"\n    to: side-room\n    requires: [pell-wary]\n    condition: \"If the Warden already doubts you\"\n",
        1,
    );
    std::fs::write(&gate, text).expect("write");
    s.git("book", &["add", "-A"]);
    s.git("book", &["commit", "-q", "-m", "A side room"]);
    let body = ok(sr(&s, &["tu", "pr-body", &id])).stdout;
    for line in [
        "### Candidate (cold plus this TU)",
        "**Gate, if promoted now:** pass",
        "- section added: `side-room`",
        "- choice added: causeway-gate → side-room \"Slip into the side room\"",
        "- gate added: causeway-gate → side-room: requires pell-wary",
        "- now reachable: `side-room`",
    ] {
        assert!(body.contains(line), "{line:?} in:\n{body}");
    }
}

/// The shell of the generated workflow's judging step, as GitHub would run it.
fn workflow_judge_script(workflow: &str) -> String {
    let step = workflow
        .split("- name: Judge the exact commit")
        .nth(1)
        .expect("a judging step");
    let run = step.split("run: |\n").nth(1).expect("its script");
    run.lines()
        .take_while(|l| l.starts_with("          ") || l.is_empty())
        .map(|l| l.get(10..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_github_workflow_judges_a_push_to_cold_as_merge_does() {
    let s = Sandbox::new();
    sample(&s);
    // The workflow as `init --ci github` writes it for this studio's branch names.
    ok(s.run(&["init", "ci-book", "--ci", "github"]));
    let wf = std::fs::read_to_string(s.join("ci-book/.github/workflows/showrunner.yml"))
        .expect("workflow");
    let script = workflow_judge_script(&wf);
    assert!(script.contains("showrunner hook pre-receive"), "{script}");
    std::fs::write(s.join("judge.sh"), &script).expect("script");
    let bin = std::path::Path::new(crate::harness::BIN)
        .parent()
        .expect("bin dir");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let cold = rev(&s, "cold");
    // A runner's checkout of a push to cold: a clone, detached at the pushed commit.
    let judge = |new: &str| {
        let _ = std::fs::remove_dir_all(s.join("runner"));
        s.git("", &["clone", "-q", "book", "runner"]);
        s.git("runner", &["checkout", "-q", "--detach", new]);
        let script = s.join("judge.sh");
        s.exec_env(
            "bash",
            "runner",
            &[
                ("PATH", path.as_str()),
                ("GITHUB_EVENT_NAME", "push"),
                ("GITHUB_REF", "refs/heads/cold"),
                ("GITHUB_SHA", new),
                ("BEFORE", cold.as_str()),
            ],
            &[script.to_str().expect("utf-8")],
        )
    };
    // Untraced work, though its tree passes: refused, as merge --to would.
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            "untraced",
        ],
    );
    let r = judge(&rev(&s, "hot"));
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("traceability/untraced-commit"), "{r:?}");
    // A failing tree: refused with its findings.
    s.git("book", &["reset", "-q", "--hard", &cold]);
    append_to(&s, "sections/dusk-bell.md", "\nTODO: later\n");
    s.git("book", &["commit", "-q", "--no-verify", "-am", "draft"]);
    let r = judge(&rev(&s, "hot"));
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("presentation/draft-marker"), "{r:?}");
    // Traced, submitted and passing: accepted.
    s.git("book", &["reset", "-q", "--hard", &cold]);
    submitted_change(&s, "sections/dusk-bell.md", "\nA fine line.\n");
    let r = judge(&rev(&s, "hot"));
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn fetch_and_remote_prune_pass_the_hooks_and_install_upgrades_old_stubs() {
    let s = Sandbox::new();
    sample(&s);
    s.git("", &["clone", "-q", "book", "clone"]);
    ok(s.run_in("clone", &["hooks", "install"]));
    // The origin's cold moves, and a review branch comes and goes: fetching and pruning
    // move remote-tracking refs only, which no guard stops.
    s.git("book", &["branch", "tu/TU-2026-11-26-SS09", "hot"]);
    submitted_change(&s, "sections/dusk-bell.md", "\nFetched.\n");
    ok(sr(&s, &["merge"]));
    s.git("clone", &["fetch", "-q", "origin"]);
    assert_eq!(
        s.git("clone", &["rev-parse", "origin/cold"]),
        rev(&s, "cold")
    );
    s.git("book", &["branch", "-D", "tu/TU-2026-11-26-SS09"]);
    s.git("clone", &["remote", "prune", "origin"]);
    s.git("clone", &["fetch", "-q", "--prune", "origin"]);
    // An old stub (a hard-coded path to a binary long gone) is replaced on install.
    let hook = s.join("clone/.git/hooks/pre-push");
    let old = std::fs::read_to_string(&hook).expect("hook");
    let mark = old.lines().nth(1).expect("mark line").to_string();
    std::fs::write(
        &hook,
        format!("#!/bin/sh\n{mark}\nexec /nowhere/showrunner hook pre-push \"$@\"\n"),
    )
    .expect("w");
    ok(s.run_in("clone", &["hooks", "install"]));
    let new = std::fs::read_to_string(&hook).expect("hook");
    assert!(
        new.contains("showrunner.path") && !new.contains("/nowhere/"),
        "{new}"
    );
    assert!(
        !s.join("clone/.git/hooks/pre-push.pre-showrunner").exists(),
        "an old stub is ours, not chained"
    );
}

#[test]
fn a_rebase_merged_pull_request_is_promoted_and_reads_cold_merged() {
    let s = Sandbox::new();
    sample(&s);
    let id = s.open_tu_with("Rebased", &["--branch"]);
    edit(&s, "sections/dusk-bell.md", "\nA heron.\n", "heron");
    s.record_steps("");
    ok(sr(&s, &["gate", "submit"]));
    // Meanwhile hot moves on; the forge then rebases the branch's commits onto it.
    s.git("book", &["switch", "-q", "hot"]);
    let other = s.open_tu("Meanwhile");
    edit(&s, "sections/canal-market.md", "\nRain.\n", "rain");
    let _ = other;
    s.git(
        "book",
        &["cherry-pick", "--allow-empty", &format!("hot..tu/{id}")],
    );
    let m = ok(sr(&s, &["merge", "--format", "json"])).json();
    assert_eq!(m["promoted"], serde_json::json!([id]), "{m}");
    assert!(
        s.git("book", &["show", "cold:sections/dusk-bell.md"])
            .contains("A heron.")
    );
    assert!(
        !s.git("book", &["show", "cold:sections/canal-market.md"])
            .contains("Rain.")
    );
    let shown = ok(sr(&s, &["tu", "show", &id, "--format", "json"])).json();
    assert_eq!(shown["state"], "cold-merged", "{shown}");
}

#[test]
fn a_tag_named_like_a_branch_neither_confuses_the_tool_nor_reaches_the_server() {
    let s = Sandbox::new();
    sample(&s);
    guarded_server(&s);
    // A tag `cold` on a failing commit.
    append_to(&s, "sections/dusk-bell.md", "\nTODO: finish\n");
    s.git("book", &["commit", "-q", "--no-verify", "-am", "broken"]);
    s.git("book", &["tag", "cold", "hot"]);
    // `--rev cold` is the branch, which passes.
    let r = sr(&s, &["gate", "check", "--rev", "cold", "--format", "json"]);
    assert_eq!(r.json()["decision"], "pass", "{r:?}");
    // The server refuses the tag.
    let r = s.git_status("book", &["push", "--no-verify", "shared", "refs/tags/cold"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        r.stderr.contains("may not share its name with a branch"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_push_that_renames_cold_and_then_deletes_it_is_refused() {
    let s = Sandbox::new();
    sample(&s);
    guarded_server(&s);
    // First push: hot renames cold in its settings (the server's HEAD is hot).
    let toml = s.join("book/studio.toml");
    let text = std::fs::read_to_string(&toml)
        .expect("toml")
        .replace("cold = \"cold\"", "cold = \"frozen\"");
    std::fs::write(&toml, text).expect("w");
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-am",
            "Rename cold\n\nTU: TU-2026-11-01-SR01",
        ],
    );
    let r = s.git_status("book", &["push", "--no-verify", "shared", "hot"]);
    assert_eq!(r.code, 0, "{r:?}");
    // Second push: delete cold. The server still guards the cold it recorded.
    let r = s.git_status("book", &["push", "--no-verify", "shared", ":cold"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("cold is never deleted"), "{}", r.stderr);
    s.git("shared.git", &["rev-parse", "--verify", "cold"]);
}
