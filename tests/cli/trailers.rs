//! Our trailer parser agrees with git: every message in `fixtures/trailers/` parses to
//! exactly what `git interpret-trailers --parse --no-divider` prints, and (for messages
//! stored as commits) what `git log --format=%(trailers:unfold,only)` prints.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use showrunner::trace::trailers;

use crate::harness::{FIXTURES, Sandbox};

fn ours(message: &str) -> String {
    trailers::parse(message)
        .iter()
        .map(|t| format!("{}: {}\n", t.key, t.value))
        .collect()
}

fn git_interpret(message: &str) -> String {
    let mut child = Command::new("git")
        .args(["interpret-trailers", "--parse", "--no-divider"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git interpret-trailers");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(message.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf8")
}

fn corpus() -> Vec<(String, String)> {
    let dir = Path::new(FIXTURES).join("trailers");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read"))
        })
        .collect()
}

#[test]
fn parser_agrees_with_git_interpret_trailers_on_the_corpus() {
    let corpus = corpus();
    assert!(corpus.len() >= 30, "at least 30 messages");
    let mut disagreements = Vec::new();
    let mut with_trailers = 0;
    for (name, message) in &corpus {
        // `git interpret-trailers` takes a leading blank line as an empty title, while
        // `git log` (what the ledger must match) skips it; such messages are checked
        // against `git log` below.
        if message.starts_with('\n') {
            continue;
        }
        let git = git_interpret(message);
        if !git.is_empty() {
            with_trailers += 1;
        }
        let mine = ours(message);
        if git != mine {
            disagreements.push(format!("{name}:\n  git:  {git:?}\n  ours: {mine:?}"));
        }
    }
    assert!(
        with_trailers >= 20 && with_trailers < corpus.len(),
        "corpus mixes messages with and without trailers"
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn parser_agrees_with_git_log_for_stored_commits() {
    let s = Sandbox::new();
    std::fs::create_dir_all(s.join("repo")).expect("mkdir");
    s.git("repo", &["init", "-q"]);
    let tree = s.git("repo", &["hash-object", "-t", "tree", "-w", "/dev/null"]);
    let mut disagreements = Vec::new();
    for (name, message) in corpus() {
        // git stores the message verbatim with commit-tree (no cleanup).
        let msg_file = s.join(&format!("{name}.msg"));
        std::fs::write(&msg_file, &message).expect("write");
        let commit = s.git(
            "repo",
            &[
                "commit-tree",
                &tree,
                "-F",
                msg_file.to_str().expect("utf8 path"),
            ],
        );
        let mut log = s.git(
            "repo",
            &["log", "-1", "--format=%(trailers:unfold,only)", &commit],
        );
        // `git log` ends the block with the format's own newline; compare line sets exactly.
        log = log.lines().map(|l| format!("{l}\n")).collect();
        let mine: String = ours(&message)
            .lines()
            .map(|l| format!("{}\n", l.trim_end()))
            .collect();
        let log_trimmed: String = log.lines().map(|l| format!("{}\n", l.trim_end())).collect();
        if mine != log_trimmed {
            disagreements.push(format!(
                "{name}:\n  git log: {log_trimmed:?}\n  ours:    {mine:?}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn appended_trailers_are_read_back_by_git() {
    for (name, message) in corpus().into_iter().filter(|(_, m)| !m.trim().is_empty()) {
        let appended = trailers::append(
            &message,
            &[("TU", "TU-2026-11-26-SS01"), ("TU-Event", "checkpoint")],
        );
        let git = git_interpret(&appended);
        assert!(
            git.ends_with("TU: TU-2026-11-26-SS01\nTU-Event: checkpoint\n"),
            "{name}: git reads {git:?} from {appended:?}"
        );
        assert_eq!(ours(&appended), git, "{name}");
    }
    assert_eq!(
        trailers::append("\n# only a comment\n", &[("TU", "x")]),
        "\n# only a comment\n"
    );
}
