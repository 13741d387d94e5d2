//! `demo`: the README's main job, end to end; its books checked by outside tools in the
//! second tier.

use crate::bind::{epubcheck, play};
use crate::harness::Sandbox;

/// Runs the demo in a fresh sandbox; the sandbox, when it succeeded.
fn demo() -> (Sandbox, String) {
    let s = Sandbox::new();
    let r = s.run(&["demo", "--dir", "studio"]);
    assert_eq!(r.code, 0, "{r:?}");
    let out = r.stdout.clone();
    (s, out)
}

#[test]
#[ignore = "second tier: needs EPUBCheck, Chromium, chromedriver and selenium (.ci/run installs them and runs `cargo test -- --ignored`)"]
fn the_demos_books_pass_epubcheck_and_play_in_chromium() {
    let (s, _) = demo();
    let dist = s.join("studio/dist");
    epubcheck(&s, &dist.join("book.epub"));
    let v = play(&s, &dist.join("book.html"));
    assert_eq!(v["ending"], true, "{v}");
    assert_eq!(v["console"], serde_json::json!([]), "{v}");
}

#[test]
fn the_demo_runs_end_to_end() {
    let s = Sandbox::new();
    let r = s.run(&["demo", "--dir", "studio"]);
    assert_eq!(r.code, 0, "{r:?}");
    let out = &r.stdout;
    // The real commands ran, in order, with the outcomes the narration claims.
    let mut at = 0;
    for needle in [
        "$ showrunner init",
        "$ showrunner dispatch",
        "opened TU-2026-11-26-SS01",
        "$ showrunner tu start TU-2026-11-26-SS01",
        "gatecheck block",
        "integrity/dangling-choice",
        "did you mean `marsh-channel`?",
        "gatecheck pass",
        "cold fast-forwarded",
        "\"tag\": \"cold-2026-11-26\"",
        "bound cold-2026-11-26",
        "book.epub",
        "last gate  pass for TU-2026-11-26-SS01",
        "$ showrunner --format html report -o dist/report.html",
        "report.html",
    ] {
        let found = out[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` after byte {at} in:\n{out}"));
        at += found + needle.len();
    }
    // The history says the same: cold is hot but for the customer's feedback, the TU
    // is cold-merged.
    let since_cold = s.git("studio", &["log", "--format=%s", "cold..hot"]);
    assert_eq!(since_cold, "Feedback 5/5 on cold-2026-11-26");
    let list = s.run_in("studio", &["tu", "list", "--state", "cold-merged"]);
    assert!(list.stdout.contains("TU-2026-11-26-SS01"), "{list:?}");
    assert!(
        std::fs::read_to_string(s.join("studio/sections/mudbank.md"))
            .expect("mudbank")
            .contains("to: marsh-channel")
    );

    let dist = s.join("studio/dist");
    for f in [
        "book.html",
        "book.epub",
        "book.twee",
        "book.md",
        "map.svg",
        "view-log.yaml",
        "report.html",
    ] {
        assert!(dist.join(f).is_file(), "{f} in {}", dist.display());
    }
    let report = std::fs::read_to_string(dist.join("report.html")).expect("report");
    assert!(report.contains("5 / 5"), "the score is in the report");
    assert!(
        report.contains("TU-2026-11-26-SS01"),
        "the cycle time table names the TU"
    );
    // A second run refuses to touch the existing studio.
    let again = s.run(&["demo", "--dir", "studio"]);
    assert_eq!(again.code, 2, "{again:?}");
    assert!(again.stderr.contains("already exists"), "{again:?}");
}
