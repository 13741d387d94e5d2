//! The parsers under fuzzing (proptest): front matter and every YAML/TOML kind, Twee,
//! trailers and protocol envelopes. Whatever the input, nothing panics and every refusal
//! is an error value (with a line where the parser has one). `cargo test` runs 256 cases
//! each; longer, `PROPTEST_CASES=100000 cargo test --test cli fuzz::` (BENCHMARKS.md and
//! the README say so).

use proptest::prelude::*;
use showrunner::artifact::{self, Kind};
use showrunner::import::twee;
use showrunner::trace::trailers;

/// Text built from pieces the parsers care about, mixed with anything at all.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("---\n".to_string()),
        Just("id: x\n".to_string()),
        Just("choices:\n  - label: a\n    to: b\n".to_string()),
        Just("&a [*a, *a]\n".to_string()),
        Just(":: Passage [tag] {\"position\":\"1,1\"}\n".to_string()),
        Just("[[go->there]]".to_string()),
        Just("<<if $x gte 5>>".to_string()),
        Just("<</if>>".to_string()),
        Just("TU: TU-2026-11-26-SS01\n".to_string()),
        Just("\n\n".to_string()),
        Just("[studio]\nstart = \"".to_string()),
        "[a-z:\\-\\[\\]{}\"'#&*|>\\n ]{0,24}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn every_kind_parses_or_refuses_with_a_line(t in text(), raw in prop::collection::vec(any::<u8>(), 0..160)) {
        for kind in Kind::ALL {
            for bytes in [t.as_bytes(), raw.as_slice()] {
                if let Err(r) = artifact::parse(kind, "x", bytes) {
                    prop_assert!(!r.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn twee_reads_or_refuses_with_a_line(t in text()) {
        match twee::passages(&t) {
            Ok(passages) => {
                if let Err(e) = twee::story(&passages) {
                    prop_assert!(!e.message.is_empty());
                }
            }
            Err(e) => prop_assert!(e.line >= 1 && !e.message.is_empty()),
        }
    }

    #[test]
    fn the_tools_trailers_are_exactly_what_it_appended(body in text(), value in any::<String>()) {
        let _ = trailers::parse(&body);
        // A message always has a title here (one with no text but comments is left as it
        // is, so that git aborts the commit).
        let body = format!("Title {body}");
        let written = trailers::append(&body, &[("TU", "TU-2026-11-26-SS01"), ("Reason", &value)]);
        let read = trailers::parse(&written);
        let pairs: Vec<(String, String)> = read.into_iter().map(|t| (t.key, t.value)).collect();
        prop_assert_eq!(
            pairs,
            vec![
                ("TU".to_string(), "TU-2026-11-26-SS01".to_string()),
                ("Reason".to_string(), trailers::one_line(&value)),
            ]
        );
    }
}

#[test]
fn envelopes_of_any_shape_get_one_json_reply_each() {
    use proptest::strategy::ValueTree as _;
    use proptest::test_runner::TestRunner;
    let s = crate::harness::Sandbox::new();
    crate::harness::ok(s.run(&["init", "book", "--from-sample"]));
    let mut runner = TestRunner::deterministic();
    let line = prop_oneof![
        text().prop_map(|t| t.replace('\n', " ")),
        (text(), text()).prop_map(|(a, b)| serde_json::json!({
            "protocol": "showrunner/1", "id": a, "type": "tu.open", "from": "agent",
            "payload": {"loop": b, "title": a}
        })
        .to_string()),
        text().prop_map(|a| serde_json::json!({
            "protocol": "showrunner/1", "id": "x", "type": a, "from": "agent", "payload": {}
        })
        .to_string()),
    ];
    let mut input = String::new();
    let mut count = 0;
    for _ in 0..64 {
        let l = line.new_tree(&mut runner).expect("a line").current();
        if l.trim().is_empty() {
            continue;
        }
        input.push_str(&l);
        input.push('\n');
        count += 1;
    }
    let out = s.run_with_stdin("book", &["intent"], input.as_bytes());
    let replies: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every reply is one JSON line"))
        .collect();
    assert_eq!(replies.len(), count, "one reply per line");
    assert!(matches!(out.code, 0 | 1), "{:?}", out.code);
}
