//! `showrunner init`: the first commit on hot, cold beside it, and refusal to overwrite.

use crate::harness::Sandbox;

#[test]
fn init_makes_hot_and_cold_at_one_commit_and_checks_out_hot() {
    let s = Sandbox::new();
    let r = s.run(&["init", "book"]);
    assert_eq!(r.code, 0, "{r:?}");
    let hot = s.git("book", &["rev-parse", "hot"]);
    let cold = s.git("book", &["rev-parse", "cold"]);
    assert_eq!(hot, cold);
    assert_eq!(s.git("book", &["symbolic-ref", "HEAD"]), "refs/heads/hot");
    assert_eq!(
        s.git("book", &["status", "--porcelain"]),
        "",
        "work tree and index match the commit"
    );
    s.git("book", &["fsck", "--strict"]);
    let files = s.git("book", &["ls-tree", "-r", "--name-only", "hot"]);
    for f in [
        "studio.toml",
        "roles.yaml",
        "style/style.yaml",
        "sections/opening.md",
        "tus/.gitkeep",
    ] {
        assert!(files.lines().any(|l| l == f), "{f} committed: {files}");
    }
    let roles = std::fs::read_to_string(s.join("book/roles.yaml")).expect("roles");
    assert!(
        roles.contains("showrunner: {state: awake, since: \"2026-11-26\""),
        "{roles}"
    );
    assert!(
        roles.contains("player_narrator: {state: dormant"),
        "{roles}"
    );
    let toml = std::fs::read_to_string(s.join("book/studio.toml")).expect("toml");
    assert!(
        toml.contains("title = \"Book\"") && toml.contains("author = \"Ada Author\""),
        "{toml}"
    );
    // The opening's placeholder paragraph is all that stands between it and the gate.
    let gate = s.run_in("book", &["--format", "json", "gate", "check"]);
    assert_eq!(gate.code, 1, "{gate:?}");
    let codes: Vec<String> = gate.finding_codes();
    assert_eq!(codes, vec!["presentation/scaffolding"], "{gate:?}");
}

#[test]
fn init_is_reproducible_with_fixed_dates() {
    let s = Sandbox::new();
    assert_eq!(s.run(&["init", "x/book", "--from-sample"]).code, 0);
    assert_eq!(s.run(&["init", "y/book", "--from-sample"]).code, 0);
    assert_eq!(
        s.git("x/book", &["rev-parse", "hot"]),
        s.git("y/book", &["rev-parse", "hot"])
    );
}

#[test]
fn init_refuses_an_existing_studio_and_changes_nothing() {
    let s = Sandbox::new();
    assert_eq!(s.run(&["init", "book"]).code, 0);
    let before = s.snapshot("book");
    let again = s.run(&["init", "book"]);
    assert_eq!(again.code, 2, "{again:?}");
    assert!(
        again.stderr.contains("already holds a studio"),
        "{}",
        again.stderr
    );
    assert_eq!(s.snapshot("book"), before, "nothing changed");
    let sample = s.run(&["init", "book", "--from-sample"]);
    assert_eq!(sample.code, 2);
    assert_eq!(s.snapshot("book"), before, "nothing changed");
}

#[test]
fn init_refuses_when_a_file_it_would_write_exists() {
    let s = Sandbox::new();
    std::fs::create_dir_all(s.join("book")).expect("mkdir");
    std::fs::write(s.join("book/roles.yaml"), "mine\n").expect("write");
    let r = s.run(&["init", "book"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("roles.yaml"), "{}", r.stderr);
    assert!(!s.join("book/.git").exists(), "no repository left behind");
    assert_eq!(
        std::fs::read_to_string(s.join("book/roles.yaml")).expect("read"),
        "mine\n"
    );
}

#[test]
fn init_in_an_existing_repository_keeps_history_and_the_users_staged_work() {
    let s = Sandbox::new();
    std::fs::create_dir_all(s.join("repo")).expect("mkdir");
    s.git("repo", &["init", "-q", "-b", "main"]);
    std::fs::write(s.join("repo/notes.txt"), "first\n").expect("write");
    s.commit_all("repo");
    let main = s.git("repo", &["rev-parse", "main"]);
    std::fs::write(s.join("repo/notes.txt"), "staged edit\n").expect("write");
    s.git("repo", &["add", "notes.txt"]);
    std::fs::write(s.join("repo/draft.txt"), "untracked\n").expect("write");

    let r = s.run(&["init", "repo"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        s.git("repo", &["rev-parse", "hot^"]),
        main,
        "hot builds on the existing history"
    );
    let tree_notes = s.git("repo", &["show", "hot:notes.txt"]);
    assert_eq!(
        tree_notes, "first",
        "the studio commit does not sweep in staged edits"
    );
    let status = s.git("repo", &["status", "--porcelain"]);
    assert!(
        status.contains("M  notes.txt"),
        "staged edit still staged: {status}"
    );
    assert!(
        status.contains("?? draft.txt"),
        "untracked file untouched: {status}"
    );
    s.git("repo", &["fsck", "--strict"]);
}

#[test]
fn init_refuses_a_repository_that_already_has_a_cold_branch() {
    let s = Sandbox::new();
    std::fs::create_dir_all(s.join("repo")).expect("mkdir");
    s.git("repo", &["init", "-q", "-b", "main"]);
    std::fs::write(s.join("repo/a.txt"), "a\n").expect("write");
    s.commit_all("repo");
    s.git("repo", &["branch", "cold"]);
    let before = s.snapshot("repo");
    let r = s.run(&["init", "repo"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("`cold` branch"), "{}", r.stderr);
    assert_eq!(s.snapshot("repo"), before);
}

#[test]
fn sample_studio_passes_the_gatecheck_from_git_and_from_the_work_tree() {
    let s = Sandbox::new();
    let r = s.run(&["init", "book", "--from-sample"]);
    assert_eq!(r.code, 0, "{r:?}");
    let gate = s.run(&["-C", "book", "gate", "check", "--format", "json"]);
    assert_eq!(gate.code, 0, "{}", gate.stdout);
    assert_eq!(gate.json()["decision"], "pass", "{}", gate.stdout);
    let check = s.run_in("book/sections", &["check"]);
    assert_eq!(check.code, 0, "{check:?}");
    let sections = s.git("book", &["ls-tree", "--name-only", "hot", "sections/"]);
    assert!(sections.lines().count() >= 40, "at least 40 sections");
}

#[test]
fn init_json_names_the_commit() {
    let s = Sandbox::new();
    let r = s.run(&["init", "book", "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = r.json();
    assert_eq!(
        v["commit"].as_str(),
        Some(s.git("book", &["rev-parse", "hot"]).as_str())
    );
    assert_eq!(v["created_repo"], true);
}
