//! `demo`: the README's main job, end to end, with its books checked by outside tools.

use crate::bind::{epubcheck, play};
use crate::harness::Sandbox;

#[test]
fn the_demo_runs_end_to_end_and_its_books_pass_epubcheck_and_chromium() {
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
    ] {
        let found = out[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` after byte {at} in:\n{out}"));
        at += found + needle.len();
    }
    // The history says the same: cold is at hot, the TU is cold-merged.
    let cold = s.git("studio", &["rev-parse", "cold"]);
    assert_eq!(cold, s.git("studio", &["rev-parse", "hot"]));
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
    ] {
        assert!(dist.join(f).is_file(), "{f} in {}", dist.display());
    }
    epubcheck(&s, &dist.join("book.epub"));
    let v = play(&s, &dist.join("book.html"));
    assert_eq!(v["ending"], true, "{v}");
    assert_eq!(v["console"], serde_json::json!([]), "{v}");

    // A second run refuses to touch the existing studio.
    let again = s.run(&["demo", "--dir", "studio"]);
    assert_eq!(again.code, 2, "{again:?}");
    assert!(again.stderr.contains("already exists"), "{again:?}");
}
