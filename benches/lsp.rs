//! Benchmarks of the language server's work on a generated 10,000-section studio (and
//! a dense one): the first full judgement, then what one keystroke costs — the edit
//! judged incrementally — and the answers that read the whole studio.
//! Run: `cargo bench --bench lsp`. Figures go in BENCHMARKS.md.

#[path = "synth.rs"]
mod synth;

use criterion::{Criterion, criterion_group, criterion_main};
use lsp_types::Position;
use showrunner::lsp::features::{self, Site};
use showrunner::lsp::workspace::{Judgement, Workspace};

fn studio(c: &mut Criterion, name: &str, profile: synth::Profile) {
    let dir = tempfile::tempdir().expect("tempdir");
    synth::write_repo_with(dir.path(), 10_000, 1, profile);
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.bench_function("open: read the work tree, judge it in full", |b| {
        b.iter(|| Workspace::open(dir.path()).expect("open"))
    });
    let mut ws = Workspace::open(dir.path()).expect("open");
    assert!(
        ws.report().findings.is_empty(),
        "{:?}",
        ws.report().findings.first()
    );
    let path = "sections/s05000.md";
    let text = ws.text(path).expect("section").to_string();
    // A keystroke in the prose: two texts in turn, each judged.
    let typed = text.replacen("\n---\n", "\n---\nA\n", 1);
    let mut flip = false;
    group.sample_size(50);
    group.bench_function(
        "keystroke in a section's prose, judged incrementally",
        |b| {
            b.iter(|| {
                flip = !flip;
                ws.set(
                    path,
                    Some(if flip { &typed } else { &text }.clone().into_bytes()),
                );
                ws.judge().expect("judge");
                assert_eq!(ws.last, Judgement::Incremental);
            })
        },
    );
    // A keystroke that breaks a choice and the next that mends it: a finding appears
    // and goes.
    let to = text
        .lines()
        .find(|l| l.trim_start().starts_with("to:"))
        .expect("a choice")
        .to_string();
    let broken = text.replacen(&to, &format!("{to}x"), 1);
    group.bench_function("keystroke that breaks or mends a choice's target", |b| {
        b.iter(|| {
            flip = !flip;
            ws.set(
                path,
                Some(if flip { &broken } else { &text }.clone().into_bytes()),
            );
            let r = ws.judge().expect("judge");
            assert_eq!(!r.findings.is_empty(), flip);
            assert_eq!(ws.last, Judgement::Incremental);
        })
    });
    ws.set(path, Some(text.clone().into_bytes()));
    ws.judge().expect("judge");
    group.sample_size(10);
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("to:"))
        .expect("to") as u32;
    let at = Position::new(line, 9);
    group.bench_function("definition from a choice's target", |b| {
        b.iter(|| {
            let (site, _) = features::site_at(&ws, path, at).expect("a site");
            features::definition(&ws, &site)
        })
    });
    group.bench_function("references to a section (every choice and link)", |b| {
        b.iter(|| features::references(&ws, &Site::Section("s05000".into()), true))
    });
    group.bench_function("completion of a section id", |b| {
        b.iter(|| features::completion(&ws, path, at))
    });
    group.bench_function("hover after an edit (the gated search run again)", |b| {
        b.iter_custom(|iters| {
            let mut spent = std::time::Duration::ZERO;
            for _ in 0..iters {
                flip = !flip;
                ws.set(
                    path,
                    Some(if flip { &typed } else { &text }.clone().into_bytes()),
                );
                ws.judge().expect("judge");
                let t = std::time::Instant::now();
                let (site, r) = features::site_at(&ws, path, at).expect("a site");
                std::hint::black_box(features::hover(&mut ws, &site, r).expect("hover"));
                spent += t.elapsed();
            }
            spent
        })
    });
    group.bench_function("rename a section (one workspace edit)", |b| {
        b.iter(|| features::rename(&ws, &Site::Section("s05000".into()), "renamed").expect("edit"))
    });
    group.finish();
}

fn synthetic(c: &mut Criterion) {
    studio(c, "lsp-10k", synth::Profile::Synthetic);
}

fn dense(c: &mut Criterion) {
    studio(c, "lsp-10k-dense", synth::Profile::Dense);
}

criterion_group!(benches, synthetic, dense);
criterion_main!(benches);
