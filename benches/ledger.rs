//! `tu list` on a 200,000-commit history made with `git fast-import`, beside
//! `git log --format=%(trailers:key=TU,valueonly)` in the same run: cold (no cache) and
//! warm (cache keyed by the branch tips). Run: `cargo bench --bench ledger`.

#[path = "history.rs"]
mod history;

use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};
use showrunner::app::Session;

fn ledger(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let tus = history::write(dir.path(), 200_000);
    let cache = dir.path().join(".git/showrunner/cache/history.bin");
    let run = |args: &[&str], program: &str| {
        let out = Command::new(program)
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("spawn");
        assert!(out.status.success(), "{program} {args:?}");
        out.stdout.len()
    };
    let bin = env!("CARGO_BIN_EXE_showrunner");
    let mut group = c.benchmark_group("history-200k");
    group.sample_size(10);
    group.bench_function("git log --format=%(trailers:key=TU,valueonly) hot", |b| {
        b.iter(|| {
            run(
                &["log", "--format=%(trailers:key=TU,valueonly)", "hot"],
                "git",
            )
        })
    });
    group.bench_function("showrunner tu list (cold: no cache)", |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(&cache);
            run(&["tu", "list"], bin)
        })
    });
    run(&["tu", "list"], bin);
    group.bench_function("showrunner tu list (warm: cache keyed by tips)", |b| {
        b.iter(|| run(&["tu", "list"], bin))
    });
    // One new commit on hot since the cache was written: carried forward, not walked.
    let mut n = 0usize;
    group.bench_function(
        "showrunner tu list after one new commit (carried forward)",
        |b| {
            b.iter_batched(
                || {
                    n += 1;
                    let tree = git(dir.path(), &["rev-parse", "hot^{tree}"]);
                    let message =
                        format!("Step {n}\n\nTU: TU-2026-12-05-LW01\nTU-Event: checkpoint\n");
                    let commit = git(
                        dir.path(),
                        &["commit-tree", &tree, "-p", "hot", "-m", &message],
                    );
                    git(dir.path(), &["update-ref", "refs/heads/hot", &commit]);
                },
                |()| run(&["tu", "list"], bin),
                criterion::BatchSize::PerIteration,
            )
        },
    );
    group.bench_function("Session::list in-process (warm)", |b| {
        b.iter(|| {
            let session = Session::discover(dir.path()).expect("repo");
            let list = session.list(None).expect("list");
            assert_eq!(
                list.len(),
                tus + 1,
                "the generated TUs and the one the steps name"
            );
            list
        })
    });
    group.finish();
}

/// A git command's trimmed standard output (hermetic identity and config).
fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.invalid")
        .env("GIT_COMMITTER_NAME", "Bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.invalid")
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

criterion_group!(benches, ledger);
criterion_main!(benches);
