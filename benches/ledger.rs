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
    group.bench_function("Session::list in-process (warm)", |b| {
        b.iter(|| {
            let session = Session::discover(dir.path()).expect("repo");
            let list = session.list(None).expect("list");
            assert_eq!(list.len(), tus);
            list
        })
    });
    group.finish();
}

criterion_group!(benches, ledger);
criterion_main!(benches);
