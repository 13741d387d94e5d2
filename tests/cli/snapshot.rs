//! Snapshots: annotated tags on cold with a verifiable manifest and the TUs since the
//! previous snapshot.

use crate::harness::{Run, Sandbox, ok};

fn sr(s: &Sandbox, args: &[&str]) -> Run {
    s.run_in("book", args)
}

#[test]
fn snapshots_tag_cold_with_a_manifest_that_verifies() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let first = ok(sr(&s, &["snapshot", "--format", "json"])).json();
    assert_eq!(first["tag"], "cold-2026-11-26");
    assert_eq!(
        s.git("book", &["cat-file", "-t", "cold-2026-11-26"]),
        "tag",
        "annotated"
    );
    assert_eq!(
        s.git("book", &["rev-parse", "cold-2026-11-26^{commit}"]),
        s.git("book", &["rev-parse", "cold"])
    );
    let shown = ok(sr(
        &s,
        &["snapshot", "show", "cold-2026-11-26", "--format", "json"],
    ))
    .json();
    assert_eq!(shown["verified"], true);
    let files = shown["files"].as_array().expect("files");
    let bell = files
        .iter()
        .find(|f| f["path"] == "sections/dusk-bell.md")
        .expect("sections are player-facing");
    let bytes = s.git("book", &["cat-file", "blob", "cold:sections/dusk-bell.md"]);
    assert_eq!(
        bell["size"].as_u64(),
        Some(bytes.len() as u64 + 1),
        "size of the blob (git strips the final newline when printing)"
    );
    let blob = std::process::Command::new("git")
        .args(["cat-file", "blob", "cold:sections/dusk-bell.md"])
        .current_dir(s.join("book"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git cat-file");
    let sum = showrunner::studio::sha256_hex(&blob.stdout);
    assert_eq!(bell["sha256"].as_str(), Some(sum.as_str()));
    for never in ["canon/", "hooks/", "tus/", "gate/", "roles.yaml", "style/"] {
        assert!(
            !files
                .iter()
                .any(|f| f["path"].as_str().is_some_and(|p| p.starts_with(never))),
            "{never} is not player-facing"
        );
    }
    // A second snapshot the same day gets `.2` and names the first as previous.
    let second = ok(sr(
        &s,
        &["snapshot", "-m", "after polish", "--format", "json"],
    ))
    .json();
    assert_eq!(second["tag"], "cold-2026-11-26.2");
    assert_eq!(second["previous"], "cold-2026-11-26");
    let list = ok(sr(&s, &["snapshot", "list", "--format", "json"])).json();
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    let named = ok(sr(
        &s,
        &["snapshot", "--name", "first-edition", "--format", "json"],
    ))
    .json();
    assert_eq!(named["tag"], "first-edition");
    let again = sr(&s, &["snapshot", "--name", "first-edition"]);
    assert_eq!(again.code, 3, "a tag is never overwritten: {again:?}");
}

#[test]
fn a_snapshot_lists_the_tus_merged_since_the_previous_one() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    let id = ok(sr(
        &s,
        &[
            "tu",
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Polish",
            "--format",
            "json",
        ],
    ))
    .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let bell = s.join("book/sections/dusk-bell.md");
    std::fs::write(
        &bell,
        std::fs::read_to_string(&bell).expect("r") + "\nThe bell is quiet.\n",
    )
    .expect("w");
    s.git("book", &["commit", "-q", "-am", "polish"]);
    s.record_steps("");
    ok(sr(&s, &["gate", "submit"]));
    ok(sr(&s, &["merge"]));
    let snap = ok(sr(&s, &["snapshot", "--format", "json"])).json();
    assert_eq!(snap["tus"], serde_json::json!([id]));
    let shown = ok(sr(
        &s,
        &[
            "snapshot",
            "show",
            snap["tag"].as_str().expect("tag"),
            "--format",
            "json",
        ],
    ))
    .json();
    assert_eq!(shown["tus"][0]["title"], "Polish");
}

#[test]
fn a_tampered_manifest_fails_verification_and_a_failing_cold_cannot_be_snapshotted() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    let message = s.git("book", &["cat-file", "tag", "cold-2026-11-26"]);
    let body: String = message
        .split_once("\n\n")
        .map(|(_, b)| b.to_string())
        .expect("tag body");
    let forged = body.replacen(" sections/dusk-bell.md", " sections/dusk-bel.md", 1);
    std::fs::write(s.join("forged.txt"), forged).expect("w");
    s.git(
        "book",
        &["tag", "-a", "forged", "-F", "../forged.txt", "cold"],
    );
    let r = sr(&s, &["snapshot", "show", "forged", "--format", "json"]);
    assert_eq!(r.code, 1);
    let v = r.json();
    assert_eq!(v["verified"], false);
    assert_eq!(v["missing"], serde_json::json!(["sections/dusk-bel.md"]));
    assert_eq!(v["unlisted"], serde_json::json!(["sections/dusk-bell.md"]));
    // Move cold to a failing commit behind the hooks' back: snapshot refuses.
    let bell = s.join("book/sections/dusk-bell.md");
    std::fs::write(
        &bell,
        std::fs::read_to_string(&bell).expect("r") + "\nTODO\n",
    )
    .expect("w");
    s.git("book", &["commit", "-q", "-am", "broken"]);
    s.move_cold("book", "hot");
    let r = sr(&s, &["snapshot"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("does not pass the gatecheck")
            && r.stdout.contains("presentation/draft-marker"),
        "{r:?}"
    );
    // The original and the forged tag; the refused snapshot added none.
    assert_eq!(
        ok(sr(&s, &["snapshot", "list", "--format", "json"]))
            .json()
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}
