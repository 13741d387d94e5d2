//! `check` (work tree) and `gate check` (a commit's tree): sources, paths, exit codes.

use crate::harness::Sandbox;

fn minimal(s: &Sandbox) {
    s.copy_fixture("minimal", "studio");
    s.commit_all("studio");
}

#[test]
fn check_outside_a_studio_is_unusable_input() {
    let s = Sandbox::new();
    let r = s.run(&["check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no studio found"), "{}", r.stderr);
    assert!(
        r.stderr.contains("help: run `showrunner init"),
        "{}",
        r.stderr
    );
}

#[test]
fn gate_check_of_a_missing_branch_is_refused_by_git_state() {
    let s = Sandbox::new();
    minimal(&s);
    let r = s.run_in("studio", &["gate", "check", "--rev", "nope"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("no commit named `nope`"), "{}", r.stderr);
}

#[test]
fn gate_check_reads_the_commit_not_the_work_tree() {
    let s = Sandbox::new();
    minimal(&s);
    std::fs::write(s.join("studio/sections/quay.md"), "not front matter\n").expect("write");
    let tree = s.run_in("studio", &["gate", "check"]);
    assert_eq!(tree.code, 0, "committed tree is clean: {tree:?}");
    let work = s.run_in("studio", &["check"]);
    assert_eq!(work.code, 1, "work tree is broken: {work:?}");
    assert!(
        work.stdout.contains("sections/quay.md:1"),
        "{}",
        work.stdout
    );
    s.commit_all("studio");
    let head = s.run_in("studio", &["gate", "check", "--rev", "HEAD"]);
    assert_eq!(head.code, 1, "{head:?}");
    let before = s.run_in("studio", &["gate", "check", "--rev", "HEAD~1"]);
    assert_eq!(before.code, 0, "{before:?}");
}

#[test]
fn gate_check_works_in_a_bare_repository() {
    let s = Sandbox::new();
    minimal(&s);
    s.git("", &["clone", "-q", "--bare", "studio", "bare.git"]);
    let r = s.run_in(
        "bare.git",
        &["gate", "check", "--rev", "hot", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.json()["decision"], "pass");
    let default_rev = s.run_in("bare.git", &["gate", "check"]);
    assert_eq!(default_rev.code, 0, "default rev is hot: {default_rev:?}");
}

#[test]
fn gate_check_of_a_tree_without_studio_toml_is_unusable_input() {
    let s = Sandbox::new();
    std::fs::create_dir_all(s.join("repo")).expect("mkdir");
    std::fs::write(s.join("repo/a.txt"), "a\n").expect("write");
    s.git("repo", &["init", "-q", "-b", "hot"]);
    s.commit_all("repo");
    let r = s.run_in("repo", &["gate", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no studio.toml"), "{}", r.stderr);
}

#[test]
fn check_paths_limit_the_report_but_not_what_is_loaded() {
    let s = Sandbox::new();
    minimal(&s);
    std::fs::write(s.join("studio/sections/quay.md"), "---\nid: quay\n---\n").expect("write");
    std::fs::write(
        s.join("studio/codex/extra.md"),
        "---\nid: other\ntitle: X\n---\nText.\n",
    )
    .expect("write");
    let all = s.run_in("studio", &["check", "--format", "json"]);
    let codes: Vec<String> = all.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap_or(""),
                f["path"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        codes.contains(&"schema/invalid sections/quay.md".to_string()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"schema/id-mismatch codex/extra.md".to_string()),
        "{codes:?}"
    );

    let one = s.run_in("studio", &["check", "codex/extra.md", "--format", "json"]);
    assert_eq!(one.code, 1);
    let json = one.json();
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(
        !paths.is_empty() && paths.iter().all(|p| *p == "codex/extra.md"),
        "{}",
        one.stdout
    );

    let sub = s.run_in("studio/sections", &["check", "."]);
    assert_eq!(sub.code, 1, "{sub:?}");
    assert!(
        sub.stdout.contains("sections/quay.md") && !sub.stdout.contains("codex/extra.md"),
        "{}",
        sub.stdout
    );

    let clean = s.run_in("studio", &["check", "hooks"]);
    assert_eq!(clean.code, 0, "{clean:?}");

    let missing = s.run_in("studio", &["check", "nowhere.md"]);
    assert_eq!(missing.code, 2, "{missing:?}");
}

#[test]
fn oversized_artifact_is_a_parse_error_not_a_hang() {
    let s = Sandbox::new();
    minimal(&s);
    let big = format!(
        "id: HK-20261101-09\ntitle: big\nsummary: \"{}\"\n",
        "x".repeat(3 * 1024 * 1024)
    );
    std::fs::write(s.join("studio/hooks/HK-20261101-09.yaml"), big).expect("write");
    let r = s.run_in("studio", &["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = &r.json()["findings"][0];
    assert_eq!(f["code"], "schema/parse-error");
    assert_eq!(f["path"], "hooks/HK-20261101-09.yaml");
    assert_eq!(f["line"], 1);
}

#[test]
fn bad_usage_exits_2() {
    let s = Sandbox::new();
    let r = s.run(&["gate", "check", "--format", "xml"]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = s.run(&["-C", "no/such/dir", "check"]);
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn symlinks_are_reported_alike_in_the_tree_and_the_work_tree() {
    let s = Sandbox::new();
    minimal(&s);
    std::os::unix::fs::symlink("quay.md", s.join("studio/sections/alias.md")).expect("symlink");
    s.commit_all("studio");
    let tree = s.run_in("studio", &["gate", "check", "--format", "json"]);
    let work = s.run_in("studio", &["check", "--format", "json"]);
    assert_eq!(tree.code, 1, "{}", tree.stdout);
    assert_eq!(tree.json()["findings"][0]["code"], "schema/not-a-file");
    assert_eq!(tree.json()["findings"], work.json()["findings"]);
}

#[test]
fn a_file_name_with_an_escape_sequence_reaches_the_terminal_escaped() {
    let s = Sandbox::new();
    s.copy_fixture("minimal", "book");
    std::fs::write(
        s.join("book/sections/\u{1b}[2Jtrap.md"),
        "no front matter\n",
    )
    .expect("write");
    let r = s.run_in("book", &["check"]);
    assert!(!r.stdout.contains('\u{1b}'), "{:?}", r.stdout);
    assert!(r.stdout.contains("\\u{1b}[2Jtrap.md"), "{}", r.stdout);
}

#[test]
fn a_symbolic_link_where_artifacts_are_read_is_a_finding_not_silence() {
    let s = Sandbox::new();
    s.copy_fixture("minimal", "book");
    std::os::unix::fs::symlink("/etc/hostname", s.join("book/sections/elsewhere.md"))
        .expect("link");
    let codes = |r: &crate::harness::Run| -> Vec<String> {
        r.json()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["path"] == "sections/elsewhere.md")
            .filter_map(|f| f["code"].as_str().map(str::to_string))
            .collect()
    };
    let r = s.run_in("book", &["check", "--format", "json"]);
    assert_eq!(codes(&r), ["schema/not-a-file"], "{r:?}");
    s.commit_all("book");
    let r = s.run_in(
        "book",
        &["gate", "check", "--rev", "HEAD", "--format", "json"],
    );
    assert_eq!(codes(&r), ["schema/not-a-file"], "{r:?}");
}

#[test]
fn an_oversized_section_is_refused_at_line_one_without_being_copied() {
    let s = Sandbox::new();
    s.copy_fixture("minimal", "book");
    let path = s.join("book/sections/far-shore.md");
    let head = std::fs::read_to_string(&path).expect("read");
    let body = "The tide comes in. ".repeat(9 * 1024 * 1024 / 19 + 1);
    std::fs::write(&path, format!("{head}\n{body}\n")).expect("write");
    let r = s.run_in("book", &["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = &r.json()["findings"][0];
    assert_eq!(f["code"], "schema/parse-error");
    assert_eq!(f["path"], "sections/far-shore.md");
    assert_eq!(f["line"], 1);
    assert!(
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("artifacts larger than")),
        "{f}"
    );
}
