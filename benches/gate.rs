//! Benchmarks of the gatecheck on a generated 10,000-section studio read from git objects.
//! Run: `cargo bench --bench gate`. Figures go in BENCHMARKS.md.

#[path = "synth.rs"]
mod synth;

use criterion::{Criterion, criterion_group, criterion_main};
use showrunner::git::Repo;
use showrunner::studio::{Studio, Tree, WorkDir};

fn gatecheck(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    synth::write_repo(dir.path(), 10_000, 1);
    let repo = Repo::discover(dir.path()).expect("repo");
    let mut group = c.benchmark_group("studio-10k");
    group.sample_size(10);
    load_and_check(&mut group, &repo);
    group.bench_function("check (all bars) from the work tree", |b| {
        b.iter(|| {
            let studio = Studio::load(&WorkDir::new(dir.path())).expect("load");
            showrunner::gate::check(&studio)
        })
    });
    // A hook's decision: one section changed on hot, checked as a move of cold.
    let section = dir.path().join("sections/s05000.md");
    let text = std::fs::read_to_string(&section).expect("section");
    std::fs::write(&section, text.replace("Place 5000", "Place five thousand")).expect("write");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Bench")
            .env("GIT_AUTHOR_EMAIL", "bench@example.invalid")
            .env("GIT_COMMITTER_NAME", "Bench")
            .env("GIT_COMMITTER_EMAIL", "bench@example.invalid")
            .status()
            .expect("git")
            .success();
        assert!(ok);
    };
    git(&["commit", "-q", "-am", "One section"]);
    let old = repo.resolve_commit("cold").expect("cold");
    let new = repo.resolve_commit("hot").expect("hot");
    // Nothing remembered at all: a full gatecheck of the new tree.
    let remembered = repo.git_dir().join("showrunner");
    group.bench_function(
        "hook decision: cold move by a one-section change (nothing judged before)",
        |b| {
            b.iter_batched(
                || {
                    let _ = std::fs::remove_dir_all(&remembered);
                },
                |()| {
                    showrunner::app::cold::check_update(&repo, Some(&old), &new, &hot(&repo))
                        .expect("verdict")
                },
                criterion::BatchSize::PerIteration,
            )
        },
    );
    // Cold's own tree judged (as it was when cold moved there), the new tree never: the
    // incremental gatecheck from cold's memo.
    let _ = std::fs::remove_dir_all(&remembered);
    showrunner::app::cold::check_update(&repo, None, &old, &[]).expect("verdict");
    let verdicts = remembered.join("verdicts");
    // Each iteration forgets the verdicts (not the memos; untimed) and judges the move.
    let forget = || {
        let _ = std::fs::remove_dir_all(&verdicts);
    };
    let judge = |target: &str| {
        let v = showrunner::app::cold::check_update(&repo, Some(&old), target, &hot(&repo))
            .expect("verdict");
        // The bench commits are untraced; every bar of the gatecheck passes.
        assert!(
            v.report
                .findings
                .iter()
                .all(|f| f.code.starts_with("traceability/")),
            "{:?}",
            v.report.findings.first()
        );
    };
    group.bench_function(
        "hook decision: cold move by a one-section change (cold's tree judged, the new tree not)",
        |b| b.iter_batched(forget, |()| judge(&new), criterion::BatchSize::PerIteration),
    );
    // A writing TU's usual push: a new section, and a choice leading to it.
    std::fs::write(
        dir.path().join("sections/s05000b.md"),
        "---\nid: s05000b\ntitle: \"A side room\"\nchoices:\n  - label: \"Back\"\n    to: s05001\n---\nA side room.\n",
    )
    .expect("write");
    let text = std::fs::read_to_string(&section).expect("section");
    std::fs::write(
        &section,
        text.replacen(
            "choices:\n",
            "choices:\n  - label: \"Try the side room\"\n    to: s05000b\n",
            1,
        ),
    )
    .expect("write");
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "A new section"]);
    let added = repo.resolve_commit("hot").expect("hot");
    group.bench_function(
        "hook decision: cold move by a new section and a choice to it (cold's tree judged)",
        |b| {
            b.iter_batched(
                forget,
                |()| judge(&added),
                criterion::BatchSize::PerIteration,
            )
        },
    );
    showrunner::app::cold::check_update(&repo, Some(&old), &new, &hot(&repo)).expect("verdict");
    group.bench_function(
        "hook decision: the same move again (a merge's own reference-transaction hook, a pre-push after it)",
        |b| b.iter(|| showrunner::app::cold::check_update(&repo, Some(&old), &new, &hot(&repo)).expect("verdict")),
    );
    group.finish();
}

/// The same on a dense studio (long prose over thousands of words, a codex entry per 5
/// sections, a canon pack with a spoiler term per 10): the load and the full gatecheck.
fn dense(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    synth::write_repo_with(dir.path(), 10_000, 1, synth::Profile::Dense);
    let repo = Repo::discover(dir.path()).expect("repo");
    let mut group = c.benchmark_group("studio-10k-dense");
    group.sample_size(10);
    load_and_check(&mut group, &repo);
    group.finish();
}

/// The load of hot's tree from git objects, and the full gatecheck of it (which passes).
fn load_and_check(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    repo: &Repo,
) {
    group.bench_function("load from git objects", |b| {
        b.iter(|| {
            let tree = Tree::new(repo, "hot").expect("rev");
            Studio::load(&tree).expect("load")
        })
    });
    group.bench_function("gate check (all bars) from git objects", |b| {
        b.iter(|| {
            let tree = Tree::new(repo, "hot").expect("rev");
            let studio = Studio::load(&tree).expect("load");
            let report = showrunner::gate::check(&studio);
            assert_eq!(
                report.decision,
                showrunner::gate::Decision::Pass,
                "{:?}",
                report.findings.first()
            );
            report
        })
    });
}

/// Hot's tip, which a hook's decision also reads (the ledger of a promotion's TU).
fn hot(repo: &showrunner::git::Repo) -> Vec<showrunner::ids::CommitId> {
    vec![repo.resolve_commit("hot").expect("hot")]
}

criterion_group!(benches, gatecheck, dense);
criterion_main!(benches);
