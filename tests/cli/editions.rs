//! Language editions: locked to their source's story, stale when the source moves on
//! (read from git, nothing recorded by hand), bound in their own language.

use crate::harness::{Sandbox, ok};

fn edition(json: &serde_json::Value) -> &serde_json::Value {
    let e = &json["editions"][0];
    assert_eq!(e["language"], "fr", "{json:#}");
    e
}

fn commit(s: &Sandbox, message: &str) -> String {
    s.git("book", &["commit", "-q", "--no-verify", "-am", message]);
    s.git("book", &["rev-parse", "HEAD"])
}

fn edit(s: &Sandbox, path: &str, from: &str, to: &str) {
    let file = s.join("book").join(path);
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.contains(from), "{path} holds {from:?}");
    std::fs::write(&file, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn an_edition_is_locked_to_its_source_and_goes_stale_when_the_source_moves_on() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let check = |s: &Sandbox| s.run_in("book", &["check", "--format", "json"]);

    // The sample's French edition: part of the book, every translation current.
    let r = ok(check(&s));
    let json = r.json();
    assert_eq!(json["decision"], "pass", "{json:#}");
    let e = edition(&json);
    assert_eq!(e["sections"], serde_json::json!([12, 45]));
    assert_eq!(e["codex"], serde_json::json!([10, 10]));
    assert!(
        e["untranslated"]
            .as_array()
            .expect("list")
            .contains(&serde_json::json!("sections/mudbank.md"))
    );
    assert_eq!(e["stale"], serde_json::json!([]));

    // The writer edits a translated section: stale at once, from the work tree, and
    // nothing blocks the writer.
    edit(
        &s,
        "sections/nell-ferry.md",
        "Leave her to her pipe",
        "Leave her be",
    );
    let json = ok(check(&s)).json();
    assert_eq!(json["decision"], "pass", "{json:#}");
    assert_eq!(
        edition(&json)["stale"],
        serde_json::json!([{
            "path": "editions/fr/sections/nell-ferry.md",
            "source": "sections/nell-ferry.md",
            "changed_in": null
        }])
    );
    // Committed: the commit that moved the source is named.
    let moved = commit(&s, "Nell: a shorter farewell");
    let r = ok(check(&s));
    let json = r.json();
    assert_eq!(edition(&json)["stale"][0]["changed_in"], moved.as_str());
    let human = ok(s.run_in("book", &["check"]));
    assert!(
        human.stdout.contains(&format!(
            "editions/fr/sections/nell-ferry.md — its source sections/nell-ferry.md changed in {}",
            &moved[..10]
        )),
        "{}",
        human.stdout
    );
    // An unrelated commit later changes nothing; the translator catching up clears it.
    edit(&s, "sections/mudbank.md", "---\n", "---\n# note\n");
    commit(&s, "Mudbank: a note");
    assert_eq!(
        edition(&ok(check(&s)).json())["stale"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    edit(
        &s,
        "editions/fr/sections/nell-ferry.md",
        "to: canal-market",
        "to: canal-market\n",
    );
    commit(&s, "Nell in French: caught up");
    assert_eq!(
        edition(&ok(check(&s)).json())["stale"],
        serde_json::json!([])
    );

    // The translator may not change the story: a target that is not the source's blocks,
    // at its line.
    edit(
        &s,
        "editions/fr/sections/dusk-bell.md",
        "to: warden-office",
        "to: mudbank",
    );
    let r = check(&s);
    assert_eq!(r.code, 1, "{r:?}");
    let json = r.json();
    let f = &json["findings"][0];
    assert_eq!(f["code"], "integrity/edition-structure");
    assert_eq!(f["path"], "editions/fr/sections/dusk-bell.md");
    assert_eq!(f["owner"], "translator");
    assert!(f["line"].as_u64().is_some_and(|l| l > 0), "{f}");
    assert!(
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("`mudbank`") && m.contains("`warden-office`")),
        "{f}"
    );
    s.git("book", &["checkout", "--", "editions"]);

    // The writer reorders a translated section's choices: the translation no longer
    // keeps the story, but the source moved, so it is stale, not a translator's error.
    edit(
        &s,
        "sections/nell-ferry.md",
        "  - label: \"Relight her landing lantern\"\n    to: nell-bargain\n  - label: \"Ask why she fears tonight\"\n    to: nell-story\n",
        "  - label: \"Ask why she fears tonight\"\n    to: nell-story\n  - label: \"Relight her landing lantern\"\n    to: nell-bargain\n",
    );
    let moved = commit(&s, "Nell: questions first");
    let json = ok(check(&s)).json();
    assert_eq!(json["decision"], "pass", "{json:#}");
    assert_eq!(edition(&json)["stale"][0]["changed_in"], moved.as_str());

    // Binding shows that section in the source's words until it is caught up.
    s.move_cold("book", "HEAD");
    ok(s.run_in("book", &["snapshot", "--name", "v2"]));
    ok(s.run_in(
        "book",
        &[
            "bind",
            "v2",
            "--format",
            "html",
            "--edition",
            "fr",
            "-o",
            "../fr",
        ],
    ));
    let log = std::fs::read_to_string(s.join("fr/view-log.yaml")).expect("log");
    assert!(log.contains("    - sections/nell-ferry.md\n"), "{log}");
    assert!(
        log.contains("  stale:\n    - editions/fr/sections/nell-ferry.md\n"),
        "{log}"
    );
    let html = std::fs::read_to_string(s.join("fr/book.html")).expect("html");
    assert!(
        html.contains("Ask why she fears tonight"),
        "the source's labels, in order"
    );
}

#[test]
fn an_edition_binds_in_its_language_alone_or_with_every_other() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(s.run_in("book", &["snapshot", "--name", "v1"]));
    let bind = |args: &[&str]| {
        let mut all = vec!["bind", "v1"];
        all.extend_from_slice(args);
        s.run_in("book", &all)
    };
    let r = ok(bind(&[
        "--format",
        "html,epub,md",
        "--edition",
        "fr",
        "-o",
        "../fr",
    ]));
    assert!(
        r.stderr
            .contains("note: edition fr: 33 files not translated yet (shown in en), 0 stale"),
        "{}",
        r.stderr
    );
    let html = std::fs::read_to_string(s.join("fr/book.html")).expect("html");
    assert!(html.contains("<html lang=\"fr\""), "the page's language");
    assert!(html.contains("La Neuvième Lanterne"), "the edition's title");
    assert!(html.contains("La Cloche du soir"), "a translated section");
    assert!(
        html.contains("pièces dans votre bourse"),
        "a counter's name"
    );
    assert!(
        !html.contains("Report to the Warden"),
        "no source label of a translated section"
    );
    let md = std::fs::read_to_string(s.join("fr/book.md")).expect("md");
    assert!(md.contains("La Cloche du soir"));
    let log = std::fs::read_to_string(s.join("fr/view-log.yaml")).expect("log");
    assert!(log.contains("title: La Neuvième Lanterne\n"), "{log}");
    assert!(
        log.contains("edition:\n  language: fr\n  untranslated:\n"),
        "{log}"
    );

    // The same snapshot, edition and options: the same bytes.
    ok(bind(&[
        "--format",
        "html,epub,md",
        "--edition",
        "fr",
        "-o",
        "../fr2",
    ]));
    for f in ["book.html", "book.epub", "book.md", "view-log.yaml"] {
        assert_eq!(
            std::fs::read(s.join("fr").join(f)).expect("a"),
            std::fs::read(s.join("fr2").join(f)).expect("b"),
            "{f}"
        );
    }

    // Every edition at once, each in a folder named by its language.
    let r = ok(bind(&[
        "--format",
        "html",
        "--edition",
        "all",
        "-o",
        "../all",
    ]));
    assert!(r.stdout.contains("  en/book.html"), "{}", r.stdout);
    assert!(r.stdout.contains("  fr/book.html"), "{}", r.stdout);
    let en = std::fs::read_to_string(s.join("all/en/book.html")).expect("en");
    assert!(en.contains("<html lang=\"en\"") && en.contains("The Ninth Lamp"));
    assert_eq!(
        std::fs::read(s.join("all/fr/book.html")).expect("fr"),
        std::fs::read(s.join("fr/book.html")).expect("fr alone"),
    );

    // An edition the snapshot does not have is refused, naming those it has; nothing is
    // written.
    let r = bind(&["--format", "html", "--edition", "de", "-o", "../de"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("v1 has no edition in `de` (its editions: fr, or `all`)"),
        "{}",
        r.stderr
    );
    assert!(!s.join("de/book.html").exists());
}

#[test]
fn a_translation_request_opens_a_translation_pass_into_that_language() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let r = ok(s.run_in(
        "book",
        &[
            "dispatch",
            "Translate the opening into French",
            "--format",
            "json",
        ],
    ));
    let json = r.json();
    assert_eq!(json["loop"], "translation_pass", "{json:#}");
    assert_eq!(json["params"]["language"], serde_json::json!(["fr"]));
    let r = ok(s.run_in("book", &["loop", "show", "translation_pass"]));
    assert!(
        r.stdout.contains("editions/<language>/sections/"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_remembered_staleness_answer_is_the_answer_a_whole_walk_gives() {
    use showrunner::studio::edition::stale_in_history;
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let repo = showrunner::git::Repo::discover(&s.join("book")).expect("repo");
    let cache = s.join("book/.git/showrunner/stale");
    let pairs: Vec<(String, String)> = [
        "sections/dusk-bell.md",
        "sections/guild-yard.md",
        "codewords.yaml",
        "codex/wick-guild.md",
    ]
    .iter()
    .map(|p| (format!("editions/fr/{p}"), p.to_string()))
    .collect();
    // Answers at each commit, remembered (walks that stop at an earlier answer) and
    // not (whole walks), must agree.
    let agree = |head: &str, what: &str| {
        let remembered = stale_in_history(&repo, head, &pairs).expect("walk");
        let _ = std::fs::remove_dir_all(&cache);
        let whole = stale_in_history(&repo, head, &pairs).expect("walk");
        assert_eq!(remembered, whole, "{what}");
        whole
    };
    let mut heads = vec![s.git("book", &["rev-parse", "HEAD"])];
    agree(&heads[0], "the sample");
    // The source moves on: stale at that commit.
    edit(
        &s,
        "sections/dusk-bell.md",
        "The dusk bell",
        "The evening bell",
    );
    heads.push(commit(&s, "Source moves"));
    let a = agree(heads.last().expect("head"), "source moved");
    assert_eq!(
        a[0].as_ref().and_then(|x| x.changed_in.as_deref()),
        heads.last().map(String::as_str)
    );
    // Unrelated commits on top: the walk stops at the remembered answer.
    stale_in_history(&repo, heads.last().expect("head"), &pairs).expect("remember");
    edit(&s, "sections/mudbank.md", "The mudlark", "The mud-lark");
    heads.push(commit(&s, "Unrelated"));
    let b = agree(heads.last().expect("head"), "unrelated");
    assert_eq!(a, b);
    // The translation catches up; then the codewords' source moves.
    stale_in_history(&repo, heads.last().expect("head"), &pairs).expect("remember");
    let t =
        std::fs::read_to_string(s.join("book/editions/fr/sections/dusk-bell.md")).expect("read");
    std::fs::write(
        s.join("book/editions/fr/sections/dusk-bell.md"),
        format!("{t}\n"),
    )
    .expect("write");
    heads.push(commit(&s, "Caught up"));
    let c = agree(heads.last().expect("head"), "caught up");
    assert_eq!(c[0], None);
    stale_in_history(&repo, heads.last().expect("head"), &pairs).expect("remember");
    let cw = std::fs::read_to_string(s.join("book/codewords.yaml")).expect("read");
    std::fs::write(s.join("book/codewords.yaml"), format!("{cw}\n")).expect("write");
    heads.push(commit(&s, "Codewords move"));
    let d = agree(heads.last().expect("head"), "codewords moved");
    assert!(d[2].is_some() && d[0].is_none(), "{d:?}");
    // A pair the remembered answer does not hold is walked for, past it.
    stale_in_history(&repo, heads.last().expect("head"), &pairs[..2]).expect("remember two");
    agree(heads.last().expect("head"), "more pairs than remembered");
    // A damaged answer is not read.
    stale_in_history(&repo, heads.last().expect("head"), &pairs).expect("remember");
    for e in std::fs::read_dir(&cache).expect("cache").flatten() {
        std::fs::write(e.path(), b"not json").expect("damage");
    }
    agree(heads.last().expect("head"), "damaged");
}
