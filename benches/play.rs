//! Benchmark of what readers get: 10,000 seeded playthroughs of the generated
//! 10,000-section studio's snapshot, and its HTML and EPUB views rendered (into a sink:
//! rendering, not the disk). Run: `cargo bench --bench play`.

#[path = "synth.rs"]
mod synth;

use criterion::{Criterion, criterion_group, criterion_main};
use showrunner::app::Session;
use showrunner::play::{Playable, playtest};

fn playtests(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    synth::write_repo(dir.path(), 10_000, 1);
    let session = Session::discover(dir.path()).expect("repo");
    showrunner::app::snapshot::create(&session, Some("bench-1"), None).expect("snapshot");
    let mut group = c.benchmark_group("studio-10k");
    group.sample_size(10);
    group.bench_function("load the snapshot's book for play", |b| {
        b.iter(|| {
            Playable::new(&showrunner::app::bind::book_of(&session, "bench-1").expect("book"))
        })
    });
    let bound = showrunner::app::bind::book_of(&session, "bench-1").expect("book");
    let templates =
        showrunner::bind::templates::Templates::load(&Default::default()).expect("templates");
    group.bench_function("render the HTML view", |b| {
        b.iter(|| {
            showrunner::bind::html::render_into(&bound, &templates, &mut std::io::sink())
                .expect("html")
        })
    });
    group.bench_function("render the EPUB view", |b| {
        b.iter(|| {
            showrunner::bind::epub::render_into(&bound, 0, None, &templates, &mut std::io::sink())
                .expect("epub")
        })
    });
    let book = Playable::new(&bound).expect("playable");
    group.bench_function("10,000 random playthroughs (seeded)", |b| {
        b.iter(|| {
            let r = playtest::run(
                &book,
                &playtest::Options {
                    runs: 10_000,
                    seed: 1,
                    prefer_new: false,
                    max_steps: 10_000,
                },
            );
            assert!(r.stuck.is_empty());
            r
        })
    });
    group.finish();
}

criterion_group!(benches, playtests);
criterion_main!(benches);
