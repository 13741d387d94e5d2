//! `conflict open | list | resolve`: the authority table settles what it can; the rest
//! becomes a question for the customer; everything is in history and in `tu show`.

use crate::harness::{Run, Sandbox, ok};

fn sr(s: &Sandbox, args: &[&str]) -> Run {
    s.run_in("book", args)
}

fn studio_with_tu() -> (Sandbox, String) {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let tu = s.open_tu("The vault scene");
    (s, tu)
}

#[test]
fn the_authority_table_gives_the_lore_weaver_the_word_on_world_rules() {
    let (s, tu) = studio_with_tu();
    let v = ok(sr(
        &s,
        &[
            "--format",
            "json",
            "conflict",
            "open",
            "--roles",
            "PW,lore_weaver",
            "--topic",
            "whether the guild's oil can burn under water",
            "--tu",
            &tu,
        ],
    ))
    .json();
    let id = v["id"].as_str().expect("id").to_string();
    assert_eq!(id, "C-2026-11-26-01");
    assert_eq!(v["about"], "world_rules");
    assert_eq!(v["decides"], "lore_weaver");
    assert_eq!(v["status"], "open");
    assert_eq!(v["roles"], serde_json::json!(["plotwright", "lore_weaver"]));
    let msg = s.git("book", &["log", "-1", "--format=%B", "hot"]);
    assert!(msg.contains("Conflict-Event: open"), "{msg}");
    assert!(msg.contains("Decides: lore_weaver"), "{msg}");

    // Only the role with the word (or the mediator) settles it.
    let before = s.git("book", &["rev-parse", "hot"]);
    let r = sr(
        &s,
        &[
            "conflict",
            "resolve",
            &id,
            "--by",
            "PW",
            "--decision",
            "it burns",
        ],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr
            .contains("plotwright cannot settle C-2026-11-26-01: the authority table gives lore_weaver the word on world_rules"),
        "{}",
        r.stderr
    );
    assert_eq!(s.git("book", &["rev-parse", "hot"]), before);
    ok(sr(
        &s,
        &[
            "conflict",
            "resolve",
            &id,
            "--by",
            "LW",
            "--decision",
            "Guild oil smothers under water; canon stays",
        ],
    ));
    let all = ok(sr(&s, &["--format", "json", "conflict", "list", "--all"])).json();
    assert_eq!(all[0]["status"], "resolved");
    assert_eq!(all[0]["resolved_by"], "lore_weaver");
    assert_eq!(
        ok(sr(&s, &["conflict", "list"])).stdout,
        "no open conflicts\n"
    );
    let shown = ok(sr(&s, &["tu", "show", &tu])).stdout;
    assert!(shown.contains("conflicts:"), "{shown}");
    assert!(
        shown.contains("settled by lore_weaver: Guild oil smothers under water; canon stays"),
        "{shown}"
    );
    let again = sr(
        &s,
        &["conflict", "resolve", &id, "--by", "LW", "--decision", "x"],
    );
    assert_eq!(again.code, 3, "{again:?}");
    assert!(
        again.stderr.contains("already resolved"),
        "{}",
        again.stderr
    );
}

#[test]
fn what_the_table_cannot_settle_becomes_a_question_and_its_answer_settles_it() {
    let (s, tu) = studio_with_tu();
    let v = ok(sr(
        &s,
        &[
            "--format",
            "json",
            "conflict",
            "open",
            "--roles",
            "plotwright,scene_smith",
            "--topic",
            "the vault cannot reach the third ending without a new route",
            "--tu",
            &tu,
        ],
    ))
    .json();
    assert_eq!(v["about"], "structure");
    assert_eq!(v["status"], "escalated");
    assert_eq!(v["decides"], serde_json::Value::Null);
    let q = v["question"].as_str().expect("question").to_string();
    let batch = ok(sr(&s, &["--format", "json", "questions"])).json();
    assert_eq!(batch[0]["id"], q);
    assert_eq!(batch[0]["asked_by"], "showrunner");
    assert_eq!(batch[0]["tu"], tu);
    assert_eq!(
        batch[0]["questions"][0]["options"][1]["label"],
        "Side with the scene smith"
    );
    let r = sr(
        &s,
        &[
            "conflict",
            "resolve",
            "C-2026-11-26-01",
            "--by",
            "SR",
            "--decision",
            "x",
        ],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("settled by answering"), "{}", r.stderr);
    ok(sr(&s, &["answer", &q, "settle", "a"]));
    let all = ok(sr(&s, &["--format", "json", "conflict", "list", "--all"])).json();
    assert_eq!(all[0]["status"], "resolved");
    assert_eq!(all[0]["resolved_by"], "customer");
    assert_eq!(all[0]["resolution"], "Side with the plotwright");

    // Conflict and question commits are process records: nothing untraced on hot.
    let dry = sr(
        &s,
        &["--format", "json", "merge", "--to", "hot", "--dry-run"],
    )
    .json();
    assert!(
        !dry["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["code"] == "traceability/untraced-commit"),
        "{dry:#}"
    );
}

#[test]
fn bad_conflicts_are_refused_and_a_studio_table_overrides_the_default() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let r = sr(&s, &["conflict", "open", "--roles", "PW", "--topic", "x"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("at least two different roles"),
        "{}",
        r.stderr
    );
    let r = sr(
        &s,
        &["conflict", "open", "--roles", "PW,bard", "--topic", "x"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    let r = sr(
        &s,
        &[
            "conflict", "open", "--roles", "PW,SS", "--topic", "x", "--about", "vibes",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("topics: world_rules, guidelines"),
        "{}",
        r.stderr
    );

    // The studio's own table: here the plotwright has the word on structure.
    std::fs::write(
        s.join("book/authority.yaml"),
        "mediator: showrunner\nrules:\n  - topic: structure\n    decides: plotwright\n    words: [route]\n",
    )
    .expect("table");
    s.git("book", &["add", "authority.yaml"]);
    s.git(
        "book",
        &[
            "-c",
            "core.hooksPath=/dev/null",
            "commit",
            "-qm",
            "Our authority table",
        ],
    );
    let v = ok(sr(
        &s,
        &[
            "--format",
            "json",
            "conflict",
            "open",
            "--roles",
            "PW,SS",
            "--topic",
            "a new route to the sea gate",
        ],
    ))
    .json();
    assert_eq!(v["decides"], "plotwright");

    // A broken table names its file and line.
    std::fs::write(
        s.join("book/authority.yaml"),
        "rules:\n  - topic: structure\n    decides: bard\n",
    )
    .expect("table");
    s.git("book", &["add", "authority.yaml"]);
    s.git(
        "book",
        &[
            "-c",
            "core.hooksPath=/dev/null",
            "commit",
            "-qm",
            "Broken table",
        ],
    );
    let r = sr(
        &s,
        &["conflict", "open", "--roles", "PW,SS", "--topic", "x"],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("authority.yaml:2"), "{}", r.stderr);
}

#[test]
fn conflicts_recorded_only_off_hot_are_not_listed_until_hot_has_them() {
    let (s, _tu) = studio_with_tu();
    // A conflict recorded on a review branch that hot does not reach yet.
    s.git("book", &["branch", "tu/TU-2026-11-26-XX01", "hot"]);
    s.git("book", &["checkout", "-q", "tu/TU-2026-11-26-XX01"]);
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            "Record a conflict\n\nConflict: C-2026-11-26-09\nConflict-Event: open\nConflict-Role: plotwright\nTopic: side branch",
        ],
    );
    s.git("book", &["checkout", "-q", "hot"]);
    let list = ok(sr(&s, &["--format", "json", "conflict", "list"])).json();
    assert_eq!(list, serde_json::json!([]), "off hot: {list}");
    s.git(
        "book",
        &["merge", "-q", "--ff-only", "tu/TU-2026-11-26-XX01"],
    );
    let list = ok(sr(&s, &["--format", "json", "conflict", "list"])).json();
    assert_eq!(list[0]["id"], "C-2026-11-26-09", "{list}");
}

fn opened(s: &Sandbox, roles: &str, topic: &str, tu: &str) -> serde_json::Value {
    ok(sr(
        s,
        &[
            "--format", "json", "conflict", "open", "--roles", roles, "--topic", topic, "--tu", tu,
        ],
    ))
    .json()
}

#[test]
fn conflicts_are_routed_by_the_seeds_rules_and_escalations_argue_their_recommendation() {
    let (s, tu) = studio_with_tu();
    // A structural impossibility is the customer's, though it names the guild (canon).
    let v = opened(
        &s,
        "lore_weaver,plotwright",
        "the guild key is impossible to get before the vault, so the vault is unreachable",
        &tu,
    );
    assert_eq!(
        (v["about"].as_str(), v["status"].as_str()),
        (Some("structure"), Some("escalated")),
        "{v}"
    );
    // A dispute about a bar goes to the Gatekeeper, never to the customer.
    let v = opened(
        &s,
        "scene_smith,style_lead",
        "whether the accessibility finding on the harbour scene is unfair",
        &tu,
    );
    assert_eq!(
        (v["about"].as_str(), v["decides"].as_str()),
        (Some("bars"), Some("gatekeeper")),
        "{v}"
    );
    // Register is the Style Lead's, even in a scene's dialogue.
    let v = opened(
        &s,
        "scene_smith,style_lead",
        "the register of Nell's dialogue in the ferry scene",
        &tu,
    );
    assert_eq!(
        (v["about"].as_str(), v["decides"].as_str()),
        (Some("guidelines"), Some("style_lead")),
        "{v}"
    );
    // The escalation recommends the side with a reason, not the first role listed:
    // the dispute also touches canon, where the lore weaver has the word.
    let v = opened(
        &s,
        "plotwright,lore_weaver",
        "the ninth lamp cannot both stay lit and keep the guild's canon about the fog",
        &tu,
    );
    let q = v["question"].as_str().expect("escalated").to_string();
    let batches = ok(sr(&s, &["--format", "json", "questions"])).json();
    let asked = batches
        .as_array()
        .expect("batches")
        .iter()
        .find(|b| b["id"] == q.as_str())
        .cloned()
        .expect("batch");
    let question = &asked["questions"][0];
    assert_eq!(question["recommendation"], "b", "{question}");
    let context = question["context"].as_str().expect("context");
    assert!(
        context.contains("Recommended: side with the lore weaver")
            && context.contains("world rules"),
        "{context}"
    );
}
