//! The Showrunner's desk: requests dispatched to loops, ambiguity asked as a question,
//! multi-part requests ordered by dependencies, and the request corpus.

use crate::harness::{Sandbox, ok};

fn sample() -> Sandbox {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    s
}

fn dispatch(s: &Sandbox, request: &str) -> serde_json::Value {
    ok(s.run_in("book", &["dispatch", request, "--format", "json"])).json()
}

#[test]
fn a_clear_request_maps_to_a_loop_with_roles_and_parameters() {
    let s = sample();
    let v = dispatch(
        &s,
        "Can you flesh out why the Wick Guild boils marsh mud into oil?",
    );
    assert_eq!(v["loop"], "lore_deepening");
    assert_eq!(v["ambiguous"], false);
    assert_eq!(v["question"], serde_json::Value::Null);
    assert!(
        v["roles"]
            .as_array()
            .expect("roles")
            .iter()
            .any(|r| r == "lore_weaver")
    );
    assert_eq!(v["params"]["codex"], serde_json::json!(["wick-guild"]));
    // The TU it would open, brief and all, without opening it.
    assert_eq!(v["would_open"][0]["id"], "TU-2026-11-26-LW01");
    let brief = v["would_open"][0]["brief"].as_str().expect("brief");
    assert!(brief.contains("loop: lore_deepening"), "{brief}");
    assert!(brief.contains("inputs: [\"codex: wick-guild\"]"), "{brief}");
    assert!(
        !s.join("book/tus/TU-2026-11-26-LW01.yaml").exists(),
        "nothing is opened without --open"
    );
    let b = dispatch(&s, "bind the latest snapshot to epub for my French readers");
    assert_eq!(b["loop"], "binding_run");
    assert_eq!(b["params"]["formats"], serde_json::json!(["epub"]));
    assert_eq!(b["params"]["language"], serde_json::json!(["fr"]));
}

#[test]
fn a_multi_part_request_is_ordered_by_dependencies() {
    let s = sample();
    let v = dispatch(
        &s,
        "write the scenes that use it, but first deepen the lore of the drowned town",
    );
    let loops: Vec<&str> = v["loops"]
        .as_array()
        .expect("loops")
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    assert_eq!(
        loops,
        ["lore_deepening", "scene_forge"],
        "lore before scene whatever the wording order: {v}"
    );
}

fn dispatch_open(s: &Sandbox, request: &str) -> serde_json::Value {
    ok(s.run_in("book", &["dispatch", request, "--open", "--format", "json"])).json()
}

#[test]
fn a_dry_run_of_an_ambiguous_request_writes_nothing_and_shows_its_question() {
    let s = sample();
    let hot = s.git("book", &["rev-parse", "hot"]);
    let status = s.git("book", &["status", "--porcelain", "--untracked-files=all"]);
    let batches = || {
        std::fs::read_dir(s.join("book/questions"))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    let before = batches();
    let v = dispatch(&s, "make it better");
    assert_eq!(v["ambiguous"], true);
    let q = &v["question"];
    assert_eq!(q["text"], "Which kind of work did you mean?", "{v}");
    assert!(
        q["context"]
            .as_str()
            .is_some_and(|c| c.contains("make it better")),
        "{v}"
    );
    assert!(q["options"].as_array().is_some_and(|o| o.len() >= 2), "{v}");
    assert_eq!(q["recommendation"], "a");
    // Twice, and nothing is written either time: no commit, no file, no question id.
    dispatch(&s, "make it better");
    assert_eq!(s.git("book", &["rev-parse", "hot"]), hot, "no commit");
    assert_eq!(
        s.git("book", &["status", "--porcelain", "--untracked-files=all"]),
        status,
        "no file"
    );
    assert_eq!(batches(), before, "no batch");
    let human = ok(s.run_in("book", &["dispatch", "make it better"])).stdout;
    assert!(
        human.contains("not asked: a dry run") && human.contains("a) "),
        "{human}"
    );
}

#[test]
fn an_ambiguous_request_becomes_a_committed_question_not_a_guess() {
    let s = sample();
    let hot = s.git("book", &["rev-parse", "hot"]);
    let v = dispatch_open(&s, "make it better");
    assert_eq!(v["ambiguous"], true);
    assert_eq!(v["loop"], serde_json::Value::Null);
    let q = v["question"].as_str().expect("question id");
    assert_eq!(q, "Q-2026-11-26-01");
    assert_eq!(
        s.git("book", &["rev-parse", "hot^"]),
        hot,
        "one commit on hot"
    );
    // The same request again: the open batch is reused, nothing more is written.
    let asked = s.git("book", &["rev-parse", "hot"]);
    let again = dispatch_open(&s, "make it better");
    assert_eq!(again["question"], q, "{again}");
    assert_eq!(
        s.git("book", &["rev-parse", "hot"]),
        asked,
        "no second batch"
    );
    let batch = std::fs::read_to_string(s.join(&format!("book/questions/{q}.yaml")))
        .expect("batch in the work tree");
    assert!(
        batch.contains("status: open") && batch.contains("recommendation: a"),
        "{batch}"
    );
    assert_eq!(
        ok(s.run_in("book", &["gate", "check"])).code,
        0,
        "the batch is a valid artifact"
    );
    // A question batch commit is a traced process record: merge does not flag it.
    let merge = s
        .run_in(
            "book",
            &["merge", "--to", "hot", "--dry-run", "--format", "json"],
        )
        .json();
    let untraced = merge["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["code"] == "traceability/untraced-commit");
    assert!(!untraced, "{merge}");
}

#[test]
fn the_attention_budget_caps_open_questions() {
    let s = sample();
    let toml = std::fs::read_to_string(s.join("book/studio.toml"))
        .expect("toml")
        .replace("questions_max_open = 5", "questions_max_open = 1");
    std::fs::write(s.join("book/studio.toml"), toml).expect("w");
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-am",
            "one question at a time\n\nTU: TU-2026-11-01-SR01",
        ],
    );
    assert!(dispatch_open(&s, "make it better")["question"].is_string());
    let second = dispatch_open(&s, "do the next thing");
    assert_eq!(second["ambiguous"], true);
    assert_eq!(
        second["question"],
        serde_json::Value::Null,
        "budget spent: not asked"
    );
}

#[test]
fn open_opens_the_tus_of_the_dispatched_loops() {
    let s = sample();
    let v = ok(s.run_in(
        "book",
        &[
            "dispatch",
            "deepen the lore of the drowned town, then write the scenes that use it",
            "--open",
            "--format",
            "json",
        ],
    ))
    .json();
    let opened: Vec<&str> = v["opened"]
        .as_array()
        .expect("opened")
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    assert_eq!(opened, ["TU-2026-11-26-LW01", "TU-2026-11-26-SS01"]);
    let list = ok(s.run_in("book", &["tu", "list", "--format", "json"])).json();
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(3),
        "the sample's TU and the two opened"
    );
}

/// The sample's catalogue, as dispatch sees it.
fn sample_catalogue() -> showrunner::orchestra::dispatch::Catalogue {
    use showrunner::artifact::{self, Kind};
    let root = std::path::Path::new(crate::harness::FIXTURES).join("sample");
    let mut cat = showrunner::orchestra::dispatch::Catalogue::default();
    for (folder, kind) in [("sections", Kind::Section), ("codex", Kind::Codex)] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(folder))
            .expect("dir")
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            let bytes = std::fs::read(&p).expect("read");
            let path = format!(
                "{folder}/{}",
                p.file_name().expect("name").to_string_lossy()
            );
            let a = artifact::parse(kind, &path, &bytes).expect("parses");
            let entry = (
                artifact::stem(&path).to_string(),
                a.data.str_at("title").unwrap_or("").to_string(),
            );
            match kind {
                Kind::Section => cat.sections.push(entry),
                _ => cat.codex.push(entry),
            }
        }
    }
    let mut hooks: Vec<String> = std::fs::read_dir(root.join("hooks"))
        .expect("hooks")
        .flatten()
        .map(|e| artifact::stem(&e.file_name().to_string_lossy()).to_string())
        .collect();
    hooks.sort();
    for h in &hooks {
        let path = format!("hooks/{h}.yaml");
        let bytes = std::fs::read(root.join(&path)).expect("hook");
        let a = artifact::parse(Kind::Hook, &path, &bytes).expect("hook parses");
        if matches!(a.data.str_at("status"), Some("accepted" | "in-progress"))
            && let Some(next) = a.data.str_at("next_loop")
        {
            cat.hook_loops.push((h.clone(), next.to_string()));
        }
    }
    cat.hooks = hooks;
    cat
}

/// Dispatches every request of a corpus file: (scored, right, misses).
fn run_corpus(file: &str) -> (usize, usize, Vec<String>) {
    use showrunner::artifact::node::Node;
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .expect("corpus");
    let corpus = showrunner::artifact::yaml::parse(&text).expect("corpus parses");
    let entries = corpus.as_seq().expect("a list");
    let playbooks = showrunner::studio::playbook::embedded();
    let cat = sample_catalogue();
    let (mut scored, mut right, mut misses) = (0, 0, Vec::new());
    for e in entries {
        let request = e.str_at("request").expect("request");
        let want: Vec<String> = e
            .get("loops")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|l| l.as_str().map(str::to_string))
            .collect();
        let ambiguous = matches!(
            e.get("ambiguous").map(|n| &n.value),
            Some(showrunner::artifact::node::Value::Bool(true))
        );
        let got = showrunner::orchestra::dispatch::dispatch(request, &playbooks, &cat);
        let loops: Vec<String> = got.loops.iter().map(|p| p.loop_id.clone()).collect();
        if ambiguous {
            if !got.ambiguous {
                misses.push(format!("NOT ASKED {request:?} → {loops:?}"));
            }
            continue;
        }
        scored += 1;
        if loops == want {
            right += 1;
        } else {
            misses.push(format!(
                "{request:?}: want {want:?}, got {loops:?} (ambiguous {}; candidates {:?})",
                got.ambiguous,
                got.candidates
                    .iter()
                    .map(|c| format!("{}={}", c.loop_id, c.score))
                    .collect::<Vec<_>>()
            ));
        }
    }
    (scored, right, misses)
}

#[test]
fn the_request_corpus_is_dispatched_accurately_and_every_ambiguous_request_is_asked() {
    let (scored, right, misses) = run_corpus("tests/dispatch/corpus.yaml");
    assert!(scored >= 80, "at least 80 requests");
    let accuracy = right as f64 / scored as f64;
    let not_asked = misses.iter().filter(|m| m.starts_with("NOT ASKED")).count();
    assert!(
        accuracy >= 0.95 && not_asked == 0,
        "accuracy {right}/{scored} = {accuracy:.3}, {not_asked} not asked\n{}",
        misses.join("\n")
    );
}

/// Requests never used to tune the matcher: how it does on words it has not seen. A
/// ratchet (raise it as the matcher improves in general, never by fitting these).
#[test]
fn held_out_requests_measure_the_matcher_honestly() {
    let (scored, right, misses) = run_corpus("tests/dispatch/heldout.yaml");
    let accuracy = right as f64 / scored as f64;
    eprintln!(
        "held-out accuracy {right}/{scored} = {accuracy:.3}\n{}",
        misses.join("\n")
    );
    assert!(accuracy >= 0.72, "{}", misses.join("\n"));
}

#[test]
fn feedback_is_recorded_on_hot_against_the_newest_snapshot_and_merges_as_traced() {
    let s = sample();
    ok(s.run_in("book", &["snapshot"]));
    let hot = |s: &Sandbox| s.git("book", &["rev-parse", "hot"]);
    let before = hot(&s);
    for bad in [
        vec!["feedback", "6"],
        vec!["feedback", "0"],
        vec!["feedback", "3", "--note", "two\nlines"],
    ] {
        let r = s.run_in("book", &bad);
        assert_eq!(r.code, 2, "{bad:?}: {r:?}");
        assert_eq!(hot(&s), before, "{bad:?} wrote nothing");
    }
    let r = ok(s.run_in(
        "book",
        &[
            "feedback",
            "4",
            "--note",
            "loved the bells",
            "--format",
            "json",
        ],
    ))
    .json();
    assert_eq!(
        (r["score"].as_u64(), r["milestone"].as_str()),
        (Some(4), Some("cold-2026-11-26"))
    );
    let trailers = s.git(
        "book",
        &["log", "-1", "--format=%(trailers:only,unfold)", "hot"],
    );
    assert_eq!(
        trailers,
        "Feedback: 4\nFeedback-Note: loved the bells\nSnapshot: cold-2026-11-26"
    );
    assert_eq!(s.git("book", &["diff", "--name-only", "hot~1", "hot"]), "");
    // A process record, not untraced work: cold takes it.
    let m = ok(s.run_in("book", &["merge", "--format", "json"])).json();
    assert_eq!(m["merged"], true, "{m}");
    assert_eq!(s.git("book", &["rev-parse", "cold"]), hot(&s));

    // The trailer is no pass for real work: a change that carries it is still untraced.
    let path = s.join("book/sections/dusk-bell.md");
    let mut text = std::fs::read_to_string(&path).expect("read");
    text.push_str("\nThe bell is still ringing.\n");
    std::fs::write(&path, text).expect("write");
    s.git(
        "book",
        &["commit", "-q", "-am", "Sneak a change in\n\nFeedback: 5"],
    );
    let cold = s.git("book", &["rev-parse", "cold"]);
    let r = s.run_in("book", &["merge", "--to", "hot"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("traceability/untraced-commit"), "{r:?}");
    // The queue leaves it on hot and says so.
    let q = ok(s.run_in("book", &["merge", "--format", "json"])).json();
    assert_eq!(q["promoted"], serde_json::json!([]), "{q}");
    assert_eq!(q["untraced"].as_array().map(Vec::len), Some(1), "{q}");
    assert_eq!(s.git("book", &["rev-parse", "cold"]), cold);
}
