//! `ask`, `questions` and `answer`: batches on hot, the attention budget, decisions
//! recorded with trailers and shown next to their TU.

use crate::harness::{Run, Sandbox, ok};

fn sr(s: &Sandbox, args: &[&str]) -> Run {
    s.run_in("book", args)
}

fn hot(s: &Sandbox) -> String {
    s.git("book", &["rev-parse", "hot"])
}

const KEEPER: [&str; 12] = [
    "ask",
    "--question",
    "Does the keeper survive the storm?",
    "--context",
    "Canon drowns him in 1893, but act 3 needs him",
    "--option",
    "a|He lives|Act 3 keeps its confrontation",
    "--option",
    "b|He drowns|Canon stays as it is",
    "--recommend",
    "b",
    "--id",
];

fn ask_keeper(s: &Sandbox, tu: Option<&str>) -> Run {
    let mut args: Vec<&str> = vec!["--format", "json"];
    args.extend(KEEPER);
    args.push("keeper-fate");
    if let Some(t) = tu {
        args.extend(["--tu", t]);
    }
    sr(s, &args)
}

#[test]
fn a_question_is_asked_answered_and_shown_next_to_its_tu() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let tu = ok(sr(
        &s,
        &[
            "--format",
            "json",
            "tu",
            "open",
            "--loop",
            "lore_deepening",
            "--title",
            "The keeper's fate",
        ],
    ))
    .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let v = ok(ask_keeper(&s, Some(&tu))).json();
    let q = v["id"].as_str().expect("batch id").to_string();
    assert_eq!(q, "Q-2026-11-26-01");
    assert_eq!(v["status"], "open");
    let msg = s.git("book", &["log", "-1", "--format=%B", "hot"]);
    assert!(msg.contains(&format!("Question: {q}")), "{msg}");
    let open = ok(sr(&s, &["--format", "json", "questions"])).json();
    assert_eq!(open[0]["questions"][0]["recommendation"], "b");
    let text = ok(sr(&s, &["questions"])).stdout;
    assert!(
        text.contains("b) He drowns — Canon stays as it is  ← recommended"),
        "{text}"
    );

    // A key that is not an option, an unknown question: refused, nothing written.
    let before = hot(&s);
    let r = sr(&s, &["answer", &q, "keeper-fate", "c"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("options: a (He lives), b (He drowns)"),
        "{}",
        r.stderr
    );
    let r = sr(&s, &["answer", &q, "lamp", "a"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("it asks: keeper-fate"), "{}", r.stderr);
    assert_eq!(hot(&s), before);

    let v = ok(sr(
        &s,
        &[
            "--format",
            "json",
            "answer",
            &q,
            "keeper-fate",
            "a",
            "--note",
            "Act 3 matters more",
        ],
    ))
    .json();
    assert_eq!(v["status"], "answered");
    let msg = s.git("book", &["log", "-1", "--format=%B", "hot"]);
    assert!(msg.contains(&format!("Question: {q}")), "{msg}");
    assert!(msg.contains("Decision: keeper-fate=a"), "{msg}");
    assert!(msg.contains("Decision-Note: Act 3 matters more"), "{msg}");
    let file = s.git("book", &["show", &format!("hot:questions/{q}.yaml")]);
    assert!(file.contains("status: answered"), "{file}");
    assert!(file.contains("    answer: a\n"), "{file}");
    ok(sr(&s, &["check", &format!("questions/{q}.yaml")]));

    let again = sr(&s, &["answer", &q, "keeper-fate", "b"]);
    assert_eq!(again.code, 3, "{again:?}");
    assert!(
        again.stderr.contains("already answered `a`"),
        "{}",
        again.stderr
    );

    assert_eq!(ok(sr(&s, &["questions"])).stdout, "no open questions\n");
    let shown = ok(sr(&s, &["tu", "show", &tu])).stdout;
    assert!(shown.contains("questions:"), "{shown}");
    assert!(
        shown.contains("a) He lives — Act 3 keeps its confrontation  ← chosen"),
        "{shown}"
    );
    let shown = ok(sr(&s, &["--format", "json", "tu", "show", &tu])).json();
    assert_eq!(shown["questions"][0]["questions"][0]["answer"], "a");

    // Question commits are process records, not untraced work; the report counts them.
    let dry = sr(
        &s,
        &["--format", "json", "merge", "--to", "hot", "--dry-run"],
    )
    .json();
    let untraced = dry["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "traceability/untraced-commit")
        .count();
    assert_eq!(untraced, 0, "{dry:#}");
    let rep = ok(sr(&s, &["--format", "json", "report"])).json();
    assert_eq!(rep["questions"]["decisions"], 1);
    assert_eq!(rep["questions"]["answered"], serde_json::json!([q]));
}

#[test]
fn the_attention_budget_refuses_a_batch_beyond_it_and_names_the_open_ones() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let toml = s.join("book/studio.toml");
    let text = std::fs::read_to_string(&toml).expect("studio.toml");
    std::fs::write(
        &toml,
        text.replace("questions_max_open = 5", "questions_max_open = 1"),
    )
    .expect("write");
    ok(ask_keeper(&s, None));
    let before = hot(&s);
    let r = ask_keeper(&s, None);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr
            .contains("the attention budget is spent: 1 question batch(es) open (questions_max_open = 1): Q-2026-11-26-01"),
        "{}",
        r.stderr
    );
    assert_eq!(hot(&s), before, "nothing committed");
}

#[test]
fn a_batch_from_a_yaml_file_is_validated_and_errors_name_the_line() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    std::fs::write(
        s.join("book/batch.yaml"),
        "questions:\n  - id: lamp-colour\n    context: The lamp is described as both green and gold\n    question: Which colour is the lamp?\n    options:\n      - {key: a, label: Green, impact: Two sections change}\n      - {key: b, label: Gold, impact: The cover changes}\n    recommendation: a\n  - id: ending-count\n    context: Six endings may be too many\n    question: Keep six endings?\n    options:\n      - {key: keep, label: Keep six, impact: No change}\n      - {key: cut, label: Cut to four, impact: Two endings merge}\n    recommendation: keep\n",
    )
    .expect("batch");
    let v = ok(sr(&s, &["--format", "json", "ask", "--file", "batch.yaml"])).json();
    assert_eq!(v["questions"].as_array().expect("questions").len(), 2);
    let msg = s.git("book", &["log", "-1", "--format=%s", "hot"]);
    assert_eq!(msg, "Ask Q-2026-11-26-01: 2 questions");
    // Answering one of two leaves the batch open.
    let v = ok(sr(
        &s,
        &[
            "--format",
            "json",
            "answer",
            "Q-2026-11-26-01",
            "ending-count",
            "keep",
        ],
    ))
    .json();
    assert_eq!(v["status"], "open");

    std::fs::write(
        s.join("book/broken.yaml"),
        "questions:\n  - id: x\n   context: bad indent\n",
    )
    .expect("broken");
    let r = sr(&s, &["ask", "--file", "broken.yaml"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("broken.yaml:3"), "{}", r.stderr);

    std::fs::write(
        s.join("book/one.yaml"),
        "questions:\n  - id: lonely\n    context: Only one option\n    question: Yes?\n    options:\n      - {key: a, label: Yes, impact: None}\n    recommendation: a\n",
    )
    .expect("one");
    let r = sr(&s, &["ask", "--file", "one.yaml"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("options"), "{}", r.stderr);

    let r = sr(
        &s,
        &[
            "ask",
            "--question",
            "Q?",
            "--context",
            "C",
            "--option",
            "a|A|x",
            "--option",
            "b|B|y",
            "--recommend",
            "z",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("`z` is not one of its options (a, b)"),
        "{}",
        r.stderr
    );
}
