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
    group.bench_function("load from git objects", |b| {
        b.iter(|| {
            let tree = Tree::new(&repo, "hot").expect("rev");
            Studio::load(&tree).expect("load")
        })
    });
    group.bench_function("gate check (all bars) from git objects", |b| {
        b.iter(|| {
            let tree = Tree::new(&repo, "hot").expect("rev");
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
    group.bench_function("check (all bars) from the work tree", |b| {
        b.iter(|| {
            let studio = Studio::load(&WorkDir::new(dir.path())).expect("load");
            showrunner::gate::check(&studio)
        })
    });
    group.finish();
}

criterion_group!(benches, gatecheck);
criterion_main!(benches);
