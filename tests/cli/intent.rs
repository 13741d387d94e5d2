//! `intent`: a production run driven by protocol envelopes, and the error envelopes.

use std::io::Write as _;

use crate::harness::{BIN, Sandbox, ok};

/// Sends envelopes on standard input; returns the reply envelopes and the exit code.
fn send(s: &Sandbox, envelopes: &[serde_json::Value]) -> (Vec<serde_json::Value>, i32) {
    let mut cmd = std::process::Command::new(BIN);
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", s.join("home"))
        .env("GIT_AUTHOR_NAME", "Agent")
        .env("GIT_AUTHOR_EMAIL", "agent@example.invalid")
        .env("GIT_AUTHOR_DATE", "2026-11-26T12:00:00Z")
        .env("GIT_COMMITTER_NAME", "Agent")
        .env("GIT_COMMITTER_EMAIL", "agent@example.invalid")
        .env("GIT_COMMITTER_DATE", "2026-11-26T12:00:00Z")
        .arg("intent")
        .current_dir(s.join("book"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("intent");
    let mut input = String::new();
    for e in envelopes {
        input.push_str(&e.to_string());
        input.push('\n');
    }
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    let replies = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each reply line is JSON"))
        .collect();
    (replies, out.status.code().unwrap_or(-1))
}

fn env(id: &str, kind: &str, payload: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"protocol": "showrunner/1", "id": id, "type": kind, "from": "SR", "payload": payload})
}

fn one(s: &Sandbox, id: &str, kind: &str, payload: serde_json::Value) -> serde_json::Value {
    let (mut r, _) = send(s, &[env(id, kind, payload)]);
    assert_eq!(r.len(), 1);
    let reply = r.remove(0);
    assert_eq!(reply["in_reply_to"], id, "{reply}");
    reply
}

fn acked(reply: serde_json::Value) -> serde_json::Value {
    assert_eq!(reply["type"], "ack", "{reply}");
    reply["payload"]["result"].clone()
}

#[test]
fn a_production_run_driven_by_envelopes() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));

    let d = acked(one(
        &s,
        "m1",
        "customer.intent.dispatch",
        serde_json::json!({"request": "Write the Mudbank scene properly, with a real choice to follow the humming", "open": true}),
    ));
    assert_eq!(d["loop"], "scene_forge", "{d}");
    let tu = d["opened"][0]
        .as_str()
        .or_else(|| d["opened"][0]["id"].as_str())
        .unwrap_or_else(|| panic!("dispatch --open names the TU: {d}"))
        .to_string();

    // An optional role woken for the TU, a checkpoint per step.
    acked(one(
        &s,
        "m2",
        "role.wake",
        serde_json::json!({"role": "PN", "tu": tu, "reason": "narrate the new choice"}),
    ));
    let mudbank = s.join("book/sections/mudbank.md");
    let text = std::fs::read_to_string(&mudbank).expect("mudbank");
    let choice = "  - label: \"Leave her to her digging\"\n    to: canal-market\n";
    std::fs::write(
        &mudbank,
        text.replacen(
            choice,
            &format!("{choice}  - label: \"Follow the humming\"\n    to: marsh-chanel\n"),
            1,
        ),
    )
    .expect("edit");
    let cp = acked(one(
        &s,
        "m3",
        "tu.checkpoint",
        serde_json::json!({"tu": tu, "message": "Draft the choice", "steps": ["scope_scenes", "shape_choices", "draft_prose", "check_canon"], "all": true}),
    ));
    assert_eq!(cp["state"], "stabilizing", "{cp}");

    // A question asked and answered.
    let q = acked(one(
        &s,
        "m4",
        "human.question",
        serde_json::json!({"tu": tu, "questions": [{
        "id": "humming", "context": "The humming could be the lamp or the marsh",
        "question": "What hums?", "recommendation": "lamp",
        "options": [
            {"key": "lamp", "label": "The lamp", "impact": "Ties the marsh to the keystone"},
            {"key": "marsh", "label": "The marsh", "impact": "A new mystery to resolve later"}
        ]}]}),
    ));
    let batch = q["id"].as_str().expect("batch").to_string();
    let a = acked(one(
        &s,
        "m5",
        "human.response",
        serde_json::json!({"batch": batch, "question": "humming", "answer": "lamp"}),
    ));
    assert_eq!(a["status"], "answered");

    // Submit: the typo blocks; remediation; resubmit passes; ready for merge.
    let g = one(&s, "m6", "gate.submit", serde_json::json!({"tu": tu}));
    assert_eq!(
        g["type"], "ack",
        "a blocked gate is an answer, not a protocol error: {g}"
    );
    assert_eq!(g["payload"]["exit_code"], 1);
    assert_eq!(g["payload"]["result"]["decision"], "block", "{g}");
    let text = std::fs::read_to_string(&mudbank).expect("mudbank");
    std::fs::write(&mudbank, text.replace("marsh-chanel", "marsh-channel")).expect("fix");
    acked(one(
        &s,
        "m7",
        "tu.checkpoint",
        serde_json::json!({"tu": tu, "message": "Fix the target", "all": true}),
    ));
    let g = acked(one(&s, "m8", "gate.submit", serde_json::json!({"tu": tu})));
    assert_eq!(g["decision"], "pass", "{g}");
    let shown = ok(s.run_in("book", &["--format", "json", "tu", "show", &tu])).json();
    assert_eq!(shown["state"], "gatecheck");
    ok(s.run_in("book", &["merge", "--dry-run"]));
}

#[test]
fn bad_envelopes_get_classified_error_envelopes_and_change_nothing() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let before = s.git("book", &["rev-parse", "hot"]);
    let (replies, code) = send(
        &s,
        &[
            env("e1", "tu.open", serde_json::json!({"title": "no loop"})),
            env("e2", "tu.teleport", serde_json::json!({})),
            serde_json::json!({"protocol": "showrunner/0", "id": "e3", "type": "tu.close", "payload": {}}),
            env(
                "e4",
                "role.dormant",
                serde_json::json!({"role": "GK", "reason": "a rest"}),
            ),
            env(
                "e5",
                "tu.close",
                serde_json::json!({"tu": "TU-2026-11-26-SS09"}),
            ),
            env(
                "e6",
                "human.response",
                serde_json::json!({"batch": "Q-2026-11-26-07", "question": "x", "answer": "a"}),
            ),
            env(
                "e7",
                "tu.open",
                serde_json::json!({"loop": "scene_forge", "title": "t", "colour": "red"}),
            ),
        ],
    );
    assert_eq!(code, 1, "an error envelope makes the exit code 1");
    let codes: Vec<(&str, &str)> = replies
        .iter()
        .map(|r| {
            (
                r["in_reply_to"].as_str().unwrap_or(""),
                r["payload"]["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            ("e1", "validation_error"),
            ("e2", "validation_error"),
            ("e3", "validation_error"),
            ("e4", "business_rule_violation"),
            ("e5", "not_found"),
            ("e6", "not_found"),
            ("e7", "validation_error"),
        ],
        "{replies:#?}"
    );
    assert!(
        replies[0]["payload"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("\"loop\" is a required property")),
        "{}",
        replies[0]
    );
    assert_eq!(s.git("book", &["rev-parse", "hot"]), before);

    // A file of envelopes that does not exist is a plain usage error.
    let r = s.run_in("book", &["intent", "missing.jsonl"]);
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn an_agent_can_converse_reply_by_reply() {
    use std::io::BufRead as _;
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let mut child = std::process::Command::new(BIN)
        .arg("intent")
        .current_dir(s.join("book"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", s.join("home"))
        .env("GIT_AUTHOR_NAME", "Agent")
        .env("GIT_AUTHOR_EMAIL", "agent@example.invalid")
        .env("GIT_COMMITTER_NAME", "Agent")
        .env("GIT_COMMITTER_EMAIL", "agent@example.invalid")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("intent");
    let mut input = child.stdin.take().expect("stdin");
    let mut output = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut say = |e: serde_json::Value| {
        input.write_all(format!("{e}\n").as_bytes()).expect("send");
        input.flush().expect("flush");
        let mut line = String::new();
        output.read_line(&mut line).expect("reply");
        serde_json::from_str::<serde_json::Value>(&line).expect("a JSON reply line")
    };
    // The reply to the first envelope arrives before the second is sent.
    let opened = say(env(
        "c1",
        "tu.open",
        serde_json::json!({"loop": "scene_forge", "title": "Talk it through"}),
    ));
    assert_eq!(opened["type"], "ack", "{opened}");
    let tu = opened["payload"]["result"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    // A refused move is answered, and the conversation goes on.
    let early = say(env("c2", "tu.close", serde_json::json!({"tu": tu})));
    assert_eq!(early["in_reply_to"], "c2");
    assert_eq!(
        early["payload"]["code"], "business_rule_violation",
        "{early}"
    );
    let cp = say(env(
        "c3",
        "tu.checkpoint",
        serde_json::json!({"tu": tu, "message": "Talked it through"}),
    ));
    assert_eq!(cp["type"], "ack", "{cp}");
    let closed = say(env("c4", "tu.close", serde_json::json!({"tu": tu})));
    assert_eq!(closed["type"], "ack", "{closed}");
    drop(input);
    assert_eq!(
        child.wait().expect("exit").code(),
        Some(1),
        "one error envelope"
    );
}

#[test]
fn payload_values_are_data_never_options() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(s.run(&["init", "other", "--from-sample"]));
    // The other studio has an active TU that `tu close` could finish.
    ok(s.run_in(
        "other",
        &[
            "tu",
            "open",
            "--loop",
            "scene_forge",
            "--title",
            "Not yours",
        ],
    ));
    ok(s.run_in("other", &["tu", "checkpoint", "-m", "Work in progress"]));
    let other_hot = s.git("other", &["rev-parse", "hot"]);
    let other_refs = s.git("other", &["for-each-ref"]);

    let elsewhere = format!("-C{}", s.join("other").display());
    let (replies, code) = send(
        &s,
        &[
            env("d1", "tu.close", serde_json::json!({"tu": elsewhere})),
            env(
                "d2",
                "tu.open",
                serde_json::json!({"loop": "scene_forge", "title": "-x"}),
            ),
            env("d3", "gate.submit", serde_json::json!({"tu": "--help"})),
        ],
    );
    assert_eq!(code, 1, "{replies:#?}");
    assert_eq!(replies.len(), 3, "{replies:#?}");
    assert_eq!(replies[0]["type"], "error", "{}", replies[0]);
    assert_eq!(replies[0]["payload"]["code"], "not_found", "{}", replies[0]);
    assert!(
        replies[0]["payload"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("no TU named `{elsewhere}`"))),
        "the id is named as given: {}",
        replies[0]
    );
    assert_eq!(replies[1]["type"], "ack", "{}", replies[1]);
    let opened = replies[1]["payload"]["result"]["id"]
        .as_str()
        .expect("the TU's id")
        .to_string();
    let shown = ok(s.run_in("book", &["--format", "json", "tu", "show", &opened])).json();
    assert_eq!(shown["title"], "-x", "{shown}");
    assert_eq!(replies[2]["payload"]["code"], "not_found", "{}", replies[2]);

    assert_eq!(s.git("other", &["rev-parse", "hot"]), other_hot);
    assert_eq!(s.git("other", &["for-each-ref"]), other_refs);
}

#[test]
fn an_ack_carries_what_the_command_prints_with_format_json() {
    // The same steps in two identical studios: by command in one, by envelopes of one
    // batch in the other (fixed dates and author, so the commits are the same).
    let (cli, agent) = (Sandbox::new(), Sandbox::new());
    for s in [&cli, &agent] {
        ok(s.run(&["init", "book", "--from-sample"]));
    }
    let tu = "TU-2026-11-26-SS01";
    let batch = r#"{"questions": [{"id": "hum", "context": "The lamp or the marsh?", "question": "What hums?", "options": [{"key": "lamp", "label": "The lamp", "impact": "Ties in the keystone"}, {"key": "marsh", "label": "The marsh", "impact": "A new mystery"}], "recommendation": "lamp"}]}"#;
    std::fs::write(cli.join("book/batch.yaml"), batch).expect("batch");
    let steps: Vec<(Vec<&str>, &str, serde_json::Value)> = vec![
        (
            vec![
                "dispatch",
                "Can you flesh out why the Wick Guild boils marsh mud into oil?",
            ],
            "customer.intent.dispatch",
            serde_json::json!({"request": "Can you flesh out why the Wick Guild boils marsh mud into oil?"}),
        ),
        (
            vec![
                "tu",
                "open",
                "--loop",
                "scene_forge",
                "--title",
                "The vault",
            ],
            "tu.open",
            serde_json::json!({"loop": "scene_forge", "title": "The vault"}),
        ),
        (
            vec![
                "tu",
                "checkpoint",
                "-m",
                "Draft",
                "--step",
                "draft_prose",
                "--next",
                "ask",
            ],
            "tu.checkpoint",
            serde_json::json!({"message": "Draft", "steps": ["draft_prose"], "next": ["ask"]}),
        ),
        (
            vec!["role", "wake", "PN", "--tu", tu, "--reason", "narrate it"],
            "role.wake",
            serde_json::json!({"role": "PN", "tu": tu, "reason": "narrate it"}),
        ),
        (
            vec![
                "role",
                "dormant",
                "PN",
                "--reason",
                "read",
                "--rewake",
                "a new scene",
                "--force",
            ],
            "role.dormant",
            serde_json::json!({"role": "PN", "reason": "read", "rewake": "a new scene", "force": true}),
        ),
        (
            vec!["ask", "--file", "batch.yaml"],
            "human.question",
            serde_json::from_str(batch).expect("batch JSON"),
        ),
        (
            vec![
                "answer",
                "Q-2026-11-26-01",
                "hum",
                "lamp",
                "--note",
                "the keystone",
            ],
            "human.response",
            serde_json::json!({"batch": "Q-2026-11-26-01", "question": "hum", "answer": "lamp", "note": "the keystone"}),
        ),
        (
            vec!["gate", "submit", "--tu", tu],
            "gate.submit",
            serde_json::json!({"tu": tu}),
        ),
        (
            vec!["tu", "close", tu],
            "tu.close",
            serde_json::json!({"tu": tu}),
        ),
    ];
    let mut envelopes = String::new();
    for (i, (_, kind, payload)) in steps.iter().enumerate() {
        envelopes.push_str(&env(&format!("m{i}"), kind, payload.clone()).to_string());
        envelopes.push('\n');
    }
    std::fs::write(agent.join("book/run.jsonl"), envelopes).expect("envelopes");
    let replies = agent.run_in("book", &["intent", "run.jsonl"]);
    let replies: Vec<serde_json::Value> = replies
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON reply line"))
        .collect();
    assert_eq!(replies.len(), steps.len(), "{replies:#?}");
    for ((args, kind, _), reply) in steps.iter().zip(&replies) {
        let mut argv = vec!["--format", "json"];
        argv.extend(args);
        let r = cli.run_in("book", &argv);
        assert!(r.code <= 1, "{args:?}: {r:?}");
        assert_eq!(reply["type"], "ack", "{kind}: {reply}");
        assert_eq!(reply["payload"]["exit_code"], r.code, "{kind}: {reply}");
        assert_eq!(
            reply["payload"]["result"].to_string(),
            r.json().to_string(),
            "{kind}: the reply's result is the command's JSON, field for field in order"
        );
    }
}

#[test]
fn an_envelope_value_beginning_with_a_dash_is_data_never_an_option() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(s.run(&["init", "other", "--from-sample"]));
    ok(s.run_in(
        "other",
        &["tu", "open", "--loop", "scene_forge", "--title", "Theirs"],
    ));
    let other_hot = s.git("other", &["rev-parse", "hot"]);
    let elsewhere = format!("-C{}", s.join("other").display());
    let reply = one(&s, "x1", "tu.close", serde_json::json!({"tu": elsewhere}));
    assert_eq!(reply["type"], "error", "{reply}");
    assert_eq!(
        s.git("other", &["rev-parse", "hot"]),
        other_hot,
        "the other studio is untouched"
    );
}

#[test]
fn a_line_that_is_not_utf8_gets_an_error_line_and_the_stream_goes_on() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let status = env("a", "status", serde_json::json!({})).to_string();
    let mut input = Vec::new();
    input.extend_from_slice(status.as_bytes());
    input.extend_from_slice(b"\n{\"id\": \"b\", \xff\xfe}\n");
    input.extend_from_slice(status.replace("\"a\"", "\"c\"").as_bytes());
    input.push(b'\n');
    let out = s.run_with_stdin("book", &["intent"], &input);
    let replies: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(replies.len(), 3, "{replies:?}");
    assert_eq!(replies[1]["type"], "error", "{replies:?}");
    assert!(
        replies[1]["payload"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("line 2 is not UTF-8")),
        "{replies:?}"
    );
    assert_eq!(
        replies[2]["in_reply_to"], "c",
        "the stream went on: {replies:?}"
    );
    assert_eq!(out.code, 1);
}

fn from(who: &str, id: &str, kind: &str, payload: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"protocol": "showrunner/1", "id": id, "type": kind, "from": who, "payload": payload})
}

#[test]
fn each_action_answers_to_the_seeds_authority_and_every_verb_a_person_has_is_there() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let hot = |s: &Sandbox| s.git("book", &["rev-parse", "hot"]);
    let before = hot(&s);
    // A Scene Smith may not wake roles or open work; nobody unnamed may act; a customer
    // may not checkpoint. Nothing is written by a refused envelope, and the stream goes on.
    let (r, code) = send(
        &s,
        &[
            from(
                "SS",
                "a1",
                "role.wake",
                serde_json::json!({"role": "IL", "tu": "TU-2026-11-01-SR01", "reason": "pictures"}),
            ),
            from(
                "scene_smith",
                "a2",
                "tu.open",
                serde_json::json!({"loop": "scene_forge", "title": "Mine"}),
            ),
            serde_json::json!({"protocol": "showrunner/1", "id": "a3", "type": "tu.start", "payload": {}}),
            from(
                "customer",
                "a4",
                "tu.checkpoint",
                serde_json::json!({"message": "hi"}),
            ),
            from("SS", "a5", "merge", serde_json::json!({"dry_run": true})),
            from("customer", "a6", "status", serde_json::json!({})),
        ],
    );
    assert_eq!(code, 1);
    for (reply, id) in r.iter().zip(["a1", "a2", "a3", "a4", "a5"]) {
        assert_eq!(reply["in_reply_to"], id, "{reply}");
        assert_eq!(reply["payload"]["code"], "not_authorized", "{reply}");
    }
    assert_eq!(r[5]["type"], "ack", "anyone may read the status: {}", r[5]);
    assert_eq!(hot(&s), before, "refused envelopes write nothing");

    // The verbs a person has, each as its command would answer.
    let (r, _) = send(
        &s,
        &[
            from(
                "SR",
                "b1",
                "tu.open",
                serde_json::json!({"loop": "banana", "title": "Nope"}),
            ),
            from(
                "SR",
                "b2",
                "tu.open",
                serde_json::json!({"loop": "hook_harvest", "title": "Sort the hooks"}),
            ),
            from("PW", "b3", "tu.start", serde_json::json!({})),
            from(
                "PW",
                "b4",
                "hook.new",
                serde_json::json!({"title": "A ferry at night", "summary": "Nell could offer a night crossing.", "type": "scene"}),
            ),
            from(
                "LW",
                "b5",
                "hook.triage",
                serde_json::json!({"hook": "HK-20261101-02", "status": "accepted", "next_loop": "story_spark"}),
            ),
            from(
                "SS",
                "b6",
                "hook.triage",
                serde_json::json!({"hook": "HK-20261101-03", "status": "rejected"}),
            ),
            from(
                "SR",
                "b7",
                "tu.defer",
                serde_json::json!({"reason": "later", "revisit": "2026-12-24"}),
            ),
            from("SR", "b8", "tu.reactivate", serde_json::json!({})),
            from("GK", "b9", "merge", serde_json::json!({"dry_run": true})),
            from("SR", "b10", "standup", serde_json::json!({"role": "PW"})),
            from(
                "SR",
                "b11",
                "tu.reject",
                serde_json::json!({"reason": "done elsewhere"}),
            ),
        ],
    );
    let by = |id: &str| {
        r.iter()
            .find(|x| x["in_reply_to"] == id)
            .cloned()
            .expect(id)
    };
    assert_eq!(
        by("b1")["payload"]["code"],
        "not_found",
        "unknown loop: {}",
        by("b1")
    );
    assert!(
        by("b1")["payload"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("banana"))
    );
    let tu = by("b2")["payload"]["result"]["id"]
        .as_str()
        .expect("opened")
        .to_string();
    assert_eq!(
        by("b3")["payload"]["result"]["state"],
        "stabilizing",
        "{}",
        by("b3")
    );
    assert_eq!(
        by("b4")["payload"]["result"]["status"],
        "proposed",
        "{}",
        by("b4")
    );
    assert_eq!(by("b4")["payload"]["result"]["tu"], tu.as_str());
    assert_eq!(
        by("b5")["payload"]["result"]["status"],
        "accepted",
        "{}",
        by("b5")
    );
    assert_eq!(
        by("b6")["payload"]["code"],
        "not_authorized",
        "{}",
        by("b6")
    );
    assert_eq!(
        by("b7")["payload"]["result"]["state"],
        "deferred",
        "{}",
        by("b7")
    );
    assert_eq!(
        by("b8")["payload"]["result"]["state"],
        "stabilizing",
        "{}",
        by("b8")
    );
    assert_eq!(by("b9")["type"], "ack", "{}", by("b9"));
    assert_eq!(
        by("b10")["payload"]["result"]["roles"][0]["role"],
        "plotwright",
        "{}",
        by("b10")
    );
    assert_eq!(
        by("b11")["payload"]["result"]["state"],
        "rejected",
        "{}",
        by("b11")
    );
    let card = std::fs::read_to_string(s.join("book/hooks/HK-20261101-02.yaml")).expect("card");
    assert!(card.contains("status: accepted"), "{card}");

    // A line that is not UTF-8 gets an error line, and the next line is still answered.
    let mut input = b"\xff\xfe not text\n".to_vec();
    input.extend(
        from("SR", "c1", "status", serde_json::json!({}))
            .to_string()
            .as_bytes(),
    );
    input.push(b'\n');
    let out = s.run_with_stdin("book", &["intent"], &input);
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["payload"]["code"], "validation_error");
    assert_eq!(lines[1]["in_reply_to"], "c1");
    assert_eq!(out.code, 1);
}
