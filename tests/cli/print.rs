//! The PDF view (`bind --format pdf`): a numbered paper gamebook, the same bytes for the
//! same snapshot, its number map in the view log, `[print]` read and refused clearly, and
//! (second tier) qpdf and poppler reading it as a clean, tagged A5 book with "turn to"
//! lines and no codeword or counter id.

use crate::harness::{Run, Sandbox, ok};

fn sr(s: &Sandbox, args: &[&str]) -> Run {
    s.run_in("book", args)
}

/// The sample, with `extra` appended to its `studio.toml` on cold, snapshotted as
/// `cold-2026-11-26`.
fn sample_with(extra: &str) -> Sandbox {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    if !extra.is_empty() {
        let toml = s.join("book/studio.toml");
        let text = std::fs::read_to_string(&toml).expect("studio.toml") + extra;
        std::fs::write(&toml, text).expect("write studio.toml");
        s.git(
            "book",
            &[
                "commit",
                "-q",
                "--no-verify",
                "-am",
                "print settings\n\nTU: TU-2026-11-01-SR01",
            ],
        );
        s.move_cold("book", "hot");
    }
    ok(sr(&s, &["snapshot"]));
    s
}

fn bind_pdf(s: &Sandbox, out: &str) -> Run {
    sr(
        s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "pdf",
            "-o",
            &format!("../{out}"),
        ],
    )
}

/// The sample's section ids, from its files.
fn sample_sections() -> Vec<String> {
    let dir = std::path::Path::new(crate::harness::FIXTURES).join("sample/sections");
    let mut ids: Vec<String> = std::fs::read_dir(dir)
        .expect("sections")
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".md")
                .map(str::to_string)
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_sample_binds_to_the_same_pdf_twice_with_its_number_map_in_the_view_log() {
    let s = sample_with("");
    // krilla refuses to finish a document that fails its PDF/UA-1 validation, so a
    // bind that succeeds is one that passed it.
    ok(bind_pdf(&s, "a"));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(bind_pdf(&s, "b"));
    let a = std::fs::read(s.join("a/book.pdf")).expect("book.pdf");
    let b = std::fs::read(s.join("b/book.pdf")).expect("book.pdf");
    assert!(a.starts_with(b"%PDF-1.7"), "a PDF 1.7 file");
    assert!(a.len() > 50_000, "{} bytes", a.len());
    assert_eq!(a, b, "same snapshot, same bytes, a second later");
    let raw = String::from_utf8_lossy(&a);
    assert!(
        raw.contains("pdfuaid"),
        "it claims PDF/UA-1 in its XMP metadata"
    );
    let log = std::fs::read_to_string(s.join("a/view-log.yaml")).expect("view log");
    assert_eq!(
        log,
        std::fs::read_to_string(s.join("b/view-log.yaml")).expect("view log")
    );
    assert!(log.contains("formats: [pdf]"), "{log}");
    let sha = showrunner::studio::sha256_hex(&a);
    assert!(
        log.contains(&format!(
            "{{file: book.pdf, sha256: {sha}, size: {}}}",
            a.len()
        )),
        "{log}"
    );
    // Every section once, by number; the start is 1.
    let map = log
        .split("print_numbers:\n")
        .nth(1)
        .expect("a print_numbers map");
    let entries: Vec<(u32, String)> = map
        .lines()
        .map(|l| {
            let (n, file) = l.trim().split_once(": ").expect("number: file");
            (n.parse().expect("a number"), file.to_string())
        })
        .collect();
    let ids = sample_sections();
    assert_eq!(entries.len(), ids.len());
    assert_eq!(entries[0], (1, "sections/dusk-bell.md".to_string()));
    assert!(
        entries
            .iter()
            .enumerate()
            .all(|(i, (n, _))| *n as usize == i + 1)
    );
    let mut files: Vec<String> = entries.into_iter().map(|(_, f)| f).collect();
    files.sort();
    let mut expected: Vec<String> = ids.iter().map(|id| format!("sections/{id}.md")).collect();
    expected.sort();
    assert_eq!(files, expected, "each section's file once");
}

#[test]
fn without_pdf_the_view_log_has_no_number_map_and_with_it_the_others_are_unchanged() {
    let s = sample_with("");
    ok(sr(
        &s,
        &["bind", "cold-2026-11-26", "--format", "md", "-o", "../md"],
    ));
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--format",
            "md,pdf",
            "-o",
            "../both",
        ],
    ));
    let md_only = std::fs::read_to_string(s.join("md/view-log.yaml")).expect("log");
    assert!(!md_only.contains("print_numbers"), "{md_only}");
    assert_eq!(
        std::fs::read(s.join("md/book.md")).expect("md"),
        std::fs::read(s.join("both/book.md")).expect("md"),
        "binding a PDF beside it changes no other view"
    );
    let both = std::fs::read_to_string(s.join("both/view-log.yaml")).expect("log");
    assert!(
        both.contains("formats: [md, pdf]")
            && both.contains("print_numbers:\n  1: sections/dusk-bell.md\n"),
        "{both}"
    );
}

#[test]
fn print_settings_change_the_paper_and_the_numbers() {
    let default = sample_with("");
    ok(bind_pdf(&default, "out"));
    let s = sample_with("\n[print]\npaper = \"a4\"\nseed = 7\n");
    ok(bind_pdf(&s, "out"));
    let a5 = std::fs::read(default.join("out/book.pdf")).expect("pdf");
    let a4 = std::fs::read(s.join("out/book.pdf")).expect("pdf");
    assert_ne!(a5, a4);
    let numbers = |s: &Sandbox| {
        std::fs::read_to_string(s.join("out/view-log.yaml"))
            .expect("log")
            .split("print_numbers:\n")
            .nth(1)
            .expect("map")
            .to_string()
    };
    assert_ne!(
        numbers(&default),
        numbers(&s),
        "another seed, other numbers"
    );
    assert!(numbers(&s).starts_with("  1: sections/dusk-bell.md\n"));
}

#[test]
fn a_bad_paper_size_is_refused_naming_studio_toml_and_its_line() {
    // A name the schema does not know: the gatecheck points at the line.
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let toml = s.join("book/studio.toml");
    let text = std::fs::read_to_string(&toml).expect("studio.toml") + "\n[print]\npaper = \"a7\"\n";
    std::fs::write(&toml, &text).expect("write");
    let line = text
        .lines()
        .position(|l| l.starts_with("paper"))
        .expect("the paper line")
        + 1;
    let check = sr(&s, &["check", "studio.toml"]);
    assert_ne!(check.code, 0, "{check:?}");
    let said = format!("{}{}", check.stdout, check.stderr);
    assert!(
        said.contains(&format!("--> studio.toml:{line}")) && said.contains("`print.paper`: \"a7\""),
        "{said}"
    );
    // A size the schema admits but no page can have: the bind refuses, before writing
    // anything, naming the file, the line and what is wrong.
    let s = sample_with("\n[print]\npaper = \"20x300mm\"\n");
    let toml = std::fs::read_to_string(s.join("book/studio.toml")).expect("toml");
    let line = toml
        .lines()
        .position(|l| l.starts_with("paper"))
        .expect("the paper line")
        + 1;
    let r = bind_pdf(&s, "out");
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        r.stderr.contains(&format!(
            "studio.toml:{line}: `[print] paper = \"20x300mm\"` is not a paper size: each side must be between 70 and 1000 mm, not 20"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("150x230mm"), "a hint: {}", r.stderr);
    assert!(!s.join("out/book.pdf").exists() && !s.join("out/view-log.yaml").exists());
    // Other views do not read [print].
    ok(sr(
        &s,
        &["bind", "cold-2026-11-26", "--format", "md", "-o", "../md"],
    ));
}

/// Runs a tool of the second tier; fails loudly when it is not installed.
fn tool(program: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed (apt-get install qpdf poppler-utils; .ci/run installs them): {e}")
        })
}

#[test]
#[ignore = "second tier: needs qpdf and poppler-utils (.ci/run installs them and runs `cargo test -- --ignored`)"]
fn qpdf_finds_the_pdf_clean_and_poppler_reads_a_tagged_a5_gamebook() {
    let s = sample_with("");
    ok(bind_pdf(&s, "out"));
    let pdf = s.join("out/book.pdf");
    let check = tool("qpdf", &["--check".as_ref(), pdf.as_os_str()]);
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success() && said.contains("No syntax or stream encoding errors found"),
        "qpdf --check: {said}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let info = tool("pdfinfo", &[pdf.as_os_str()]);
    assert!(info.status.success(), "{info:?}");
    let info = String::from_utf8_lossy(&info.stdout);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {name} in pdfinfo:\n{info}"))
    };
    assert_eq!(field("Title"), "The Ninth Lamp");
    assert_eq!(field("Author"), "Hesper Quayle");
    assert_eq!(field("Tagged"), "yes");
    assert_eq!(field("PDF version"), "1.7");
    let size = field("Page size");
    let dims: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(
        dims.len() == 2 && (dims[0] - 419.53).abs() < 0.01 && (dims[1] - 595.28).abs() < 0.01,
        "A5: {size}"
    );
    let pages: usize = field("Pages").parse().expect("a page count");
    assert!(pages > 20, "{pages} pages");

    let text = tool("pdftotext", &[pdf.as_os_str(), "-".as_ref()]);
    assert!(text.status.success(), "{text:?}");
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    // Lines wrap where the page does: words are compared with single spaces.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "How to play",
        "Your sheet",
        "Codewords",
        "You carry the green book of names",
        "Tick on your sheet:",
        "turn to",
        "if Mother Greaves gave you a jar of her oil, turn to",
        "The end.",
        "Appendix: the codex",
    ] {
        assert!(words.contains(needle), "{needle:?} in the text");
    }
    // Every number from 1 to the last is a heading line of its own.
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for n in 1..=sample_sections().len() {
        assert!(
            lines.contains(&n.to_string().as_str()),
            "section {n} as a line"
        );
    }
    // No codeword id and no counter id reaches the reader.
    let codewords = std::fs::read_to_string(
        std::path::Path::new(crate::harness::FIXTURES).join("sample/codewords.yaml"),
    )
    .expect("codewords.yaml");
    let counters = std::fs::read_to_string(
        std::path::Path::new(crate::harness::FIXTURES).join("sample/counters.yaml"),
    )
    .expect("counters.yaml");
    let ids: Vec<&str> = codewords
        .lines()
        .chain(counters.lines())
        .filter_map(|l| l.strip_prefix("  ")?.strip_suffix(':'))
        .filter(|id| !id.starts_with(' '))
        .collect();
    assert!(ids.len() >= 10, "{ids:?}");
    for id in ids.iter().filter(|id| id.contains('-')) {
        assert!(!text.contains(id), "the id {id} is in the PDF's text");
    }

    // The French edition's PDF gives its rules, sheet and appendix in French.
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--edition",
            "fr",
            "--format",
            "pdf",
            "-o",
            "../out-fr",
        ],
    ));
    let pdf = s.join("out-fr/book.pdf");
    let check = tool("qpdf", &["--check".as_ref(), pdf.as_os_str()]);
    assert!(
        check.status.success(),
        "qpdf --check on the French PDF: {check:?}"
    );
    let text = tool("pdftotext", &[pdf.as_os_str(), "-".as_ref()]);
    assert!(text.status.success(), "{text:?}");
    let words = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [
        "Comment jouer",
        "Votre feuille d’aventure",
        "Mots de code",
        "Cochez sur votre feuille :",
        "rendez-vous au",
        "Annexe : le codex",
    ] {
        assert!(words.contains(needle), "{needle:?} in the French text");
    }
    for english in [
        "How to play",
        "Your sheet",
        "Tick on your sheet",
        "Appendix: the codex",
        "Keep a pencil",
    ] {
        assert!(!words.contains(english), "{english:?} in the French text");
    }
}

#[test]
fn every_language_edition_binds_its_own_pdf_with_the_same_numbers() {
    let s = sample_with("");
    ok(sr(
        &s,
        &[
            "bind",
            "cold-2026-11-26",
            "--edition",
            "all",
            "--format",
            "pdf",
            "-o",
            "../out",
        ],
    ));
    let numbers = |lang: &str| {
        std::fs::read_to_string(s.join(&format!("out/{lang}/view-log.yaml")))
            .expect("log")
            .split("print_numbers:\n")
            .nth(1)
            .expect("a number map")
            .to_string()
    };
    assert_eq!(
        numbers("en"),
        numbers("fr"),
        "an edition keeps the story, so the numbers"
    );
    assert_ne!(
        std::fs::read(s.join("out/en/book.pdf")).expect("en"),
        std::fs::read(s.join("out/fr/book.pdf")).expect("fr"),
        "the French book is its own"
    );
}
