//! The incremental gatecheck against the full one: random series of edits to the sample
//! studio, each committed and judged both ways; the reports must be identical.

use std::path::Path;

use showrunner::app::incremental;
use showrunner::gate::{self, Options};
use showrunner::git::Repo;
use showrunner::studio::{Studio, Tree};

use crate::harness::Sandbox;

/// SplitMix64: the test's own seeded dice.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Words that trip a bar somewhere (or nowhere), for titles, labels and prose.
const WORDS: [&str; 13] = [
    "brand-new-mark",
    "again",
    "TODO",
    "Lamplight Oath",
    "click here",
    "odile-note",
    "TU-2026-11-01-SR01",
    "seeded",
    "blood",
    "reeds",
    "the quiet water",
    "Placeholder text",
    "a very long label that keeps going on and on well past any sensible number of words",
];

const PROSE: [&str; 15] = [
    "[the ferries](#blackwater-ferries)",
    "[nowhere](#no-such-place)",
    "![](assets/ninth-lamp.svg)",
    "![lamp](assets/missing.png)",
    "![The ninth lamp, burning grey](assets/ninth-lamp.svg)",
    "#### A heading too deep",
    "Blood on the stones.",
    "[click here](#canal-market)",
    "[the new entry](#new-entry)",
    "The fog says odile-note twice.",
    "Nothing happens here.",
    "[the hush](#the-hush)",
    "A brand-new-mark burns on the door.",
    "[the new tale](#brand-new)",
    "They speak of the quiet water among the reeds.",
];

fn files_in(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Splits a section into front matter lines and the rest.
fn split(text: &str) -> (Vec<String>, String) {
    let mut parts = text.splitn(3, "---\n");
    let _ = parts.next();
    let fm = parts.next().unwrap_or("");
    let body = parts.next().unwrap_or("");
    (fm.lines().map(str::to_string).collect(), body.to_string())
}

fn join(fm: &[String], body: &str) -> String {
    format!("---\n{}\n---\n{body}", fm.join("\n"))
}

/// Sets a front matter field (`value` empty: removes it).
fn field(fm: &mut Vec<String>, at: usize, key: &str, value: &str) {
    fm.retain(|l| !l.starts_with(&format!("{key}:")));
    if !value.is_empty() {
        fm.insert(at.min(fm.len()), format!("{key}: {value}"));
    }
}

/// One random edit of one section's text.
fn edit_section(d: &mut Dice, text: &str, sections: &[String]) -> String {
    let (mut fm, mut body) = split(text);
    let target = |d: &mut Dice| {
        if d.below(6) == 0 {
            "no-such-section".to_string()
        } else {
            sections[d.below(sections.len())]
                .trim_end_matches(".md")
                .to_string()
        }
    };
    let after_title = fm
        .iter()
        .position(|l| l.starts_with("title:"))
        .map(|i| i + 1)
        .unwrap_or(1.min(fm.len()));
    match d.below(16) {
        0 => {
            if let Some(l) = fm.iter_mut().find(|l| l.starts_with("title:")) {
                *l = format!("title: \"Changed {}\"", d.pick(&WORDS));
            }
        }
        1 | 2 => body.push_str(&format!("\n{}\n", d.pick(&PROSE))),
        3 => {
            let tos: Vec<usize> = (0..fm.len())
                .filter(|&i| fm[i].trim_start().starts_with("to:"))
                .collect();
            if !tos.is_empty() {
                let i = tos[d.below(tos.len())];
                fm[i] = format!("    to: {}", target(d));
            }
        }
        4 => {
            // Drop every choice: a dead end, unless it is an ending.
            if let Some(c) = fm.iter().position(|l| l.starts_with("choices:")) {
                let end = (c + 1..fm.len())
                    .find(|&i| !fm[i].starts_with(' '))
                    .unwrap_or(fm.len());
                fm.drain(c..end);
            }
        }
        5 | 6 => {
            let mut choice = vec![
                format!("  - label: \"{}\"", d.pick(&WORDS)),
                format!("    to: {}", target(d)),
            ];
            match d.below(4) {
                0 => choice.push("    requires: [odile-note]".into()),
                1 => {
                    choice.push("    requires: [greaves-jar]".into());
                    choice.push("    condition: \"If you carry the honest oil\"".into());
                }
                2 => choice.push("    forbids: [brand-new-mark]".into()),
                _ => {}
            }
            match fm.iter().position(|l| l.starts_with("choices:")) {
                Some(c) => {
                    for (k, line) in choice.into_iter().enumerate() {
                        fm.insert(c + 1 + k, line);
                    }
                }
                None => {
                    fm.push("choices:".into());
                    fm.extend(choice);
                }
            }
        }
        7 => {
            let flags = ["[terminal]", "[keystone]", "[hub]", "[loop]", "[]"];
            field(&mut fm, after_title, "flags", d.pick(&flags));
        }
        8 => fm.insert(1.min(fm.len()), "# a comment that moves every line".into()),
        9 => {
            if let Some(l) = fm.iter_mut().find(|l| l.starts_with("id:")) {
                *l = format!("id: {}", target(d));
            }
        }
        10 => fm.insert(after_title, "choices: [unclosed".into()),
        11 => {
            let sets = [
                "[odile-note]",
                "[pell-wary, pip-tune]",
                "[brand-new-mark]",
                "",
            ];
            field(&mut fm, after_title, "sets", d.pick(&sets));
        }
        12 => {
            let tus = [
                "TU-2026-11-01-SR01",
                "TU-2099-01-01-XX01",
                "TU-2026-12-01-NEW1",
                "",
            ];
            field(&mut fm, after_title, "tu", d.pick(&tus));
        }
        13 => field(&mut fm, after_title, "content_notes", "[violence]"),
        14 => {
            // A second choice reading like the first.
            if let Some(l) = fm.iter().find(|l| l.trim_start().starts_with("- label:")) {
                let l = l.clone();
                if let Some(c) = fm.iter().position(|l| l.starts_with("choices:")) {
                    fm.insert(c + 1, format!("    to: {}", target(d)));
                    fm.insert(c + 1, l);
                }
            }
        }
        _ => {
            body = format!("{}\n", d.pick(&WORDS));
        }
    }
    join(&fm, &body)
}

/// One random edit of the studio (usually a section, sometimes anything else). A section
/// made unparseable is returned with its text before, to be repaired after one commit.
fn edit(d: &mut Dice, root: &Path) -> Option<(String, String)> {
    let sections = files_in(&root.join("sections"));
    let write = |rel: &str, text: String| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(p, text).expect("write");
    };
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap_or_default();
    let roll = d.below(41);
    if roll < 24 && !sections.is_empty() {
        let name = sections[d.below(sections.len())].clone();
        let rel = format!("sections/{name}");
        let before = read(&rel);
        let text = edit_section(d, &before, &sections);
        let broken = text.contains("choices: [unclosed");
        write(&rel, text);
        return broken.then_some((rel, before));
    }
    let toggle = |rel: &str, text: String| {
        if root.join(rel).exists() {
            std::fs::remove_file(root.join(rel)).expect("remove");
        } else {
            write(rel, text);
        }
    };
    match roll {
        26 => toggle(
            "tus/TU-2026-12-01-NEW1.yaml",
            read("tus/TU-2026-11-01-SR01.yaml").replace("TU-2026-11-01-SR01", "TU-2026-12-01-NEW1"),
        ),
        27 => toggle(
            "codex/new-entry.md",
            read("codex/the-hush.md").replacen("id: the-hush", "id: new-entry", 1),
        ),
        28 | 29 => {
            // A codex entry whose id collides with a section's.
            let victim = sections
                .first()
                .map(|s| s.trim_end_matches(".md").to_string())
                .unwrap_or_default();
            write(
                &format!("codex/{victim}.md"),
                read("codex/the-hush.md").replacen("id: the-hush", &format!("id: {victim}"), 1),
            );
        }
        30 => {
            // Ban a word some prose holds, or stop banning it.
            let entry = "  - term: reeds\n    prefer: rushes\n";
            let t = read("style/style.yaml");
            match t.contains(entry) {
                true => write("style/style.yaml", t.replace(entry, "")),
                false => write(
                    "style/style.yaml",
                    t.replacen("banned:\n", &format!("banned:\n{entry}"), 1),
                ),
            }
        }
        31 => {
            let t = read("canon/grey-oil.md");
            write(
                "canon/grey-oil.md",
                if d.below(2) == 0 {
                    // Declare a spoiler some text holds, or take it back.
                    let term = "  - \"the quiet water\"\n";
                    match t.contains(term) {
                        true => t.replace(term, ""),
                        false => {
                            t.replacen("spoiler_terms:\n", &format!("spoiler_terms:\n{term}"), 1)
                        }
                    }
                } else {
                    format!("{t}\nMore lore.\n")
                },
            );
        }
        32 => {
            let entry = "  brand-new-mark:\n    phrase: \"You bear a new mark\"\n";
            let t = read("codewords.yaml");
            match t.contains(entry) {
                true => write("codewords.yaml", t.replace(entry, "")),
                false => write("codewords.yaml", format!("{t}{entry}")),
            }
        }
        33 => {
            // Waive the presentation bar on sections, or stop waiving it.
            let waiver = "waivers:\n  - code: presentation/*\n    path: \"sections/*\"\n    rationale: A fuzzed waiver.\n    expires: 2026-12-20\n    granted_by: gatekeeper\n";
            match read("waivers.yaml").contains("presentation/*") {
                true => write("waivers.yaml", "waivers: []\n".into()),
                false => write("waivers.yaml", waiver.into()),
            }
        }
        34 => {
            // A new section, now and then one that others already name.
            let id = d.pick(&["brand-new", "no-such-section", "new-entry", "aa-first"]);
            let n = d.next() % 1000;
            let id = if id == "brand-new" {
                format!("brand-new-{n}")
            } else {
                id.to_string()
            };
            write(
                &format!("sections/{id}.md"),
                format!("---\nid: {id}\ntitle: New\nflags: [terminal]\n---\nA new end.\n"),
            );
        }
        35 if !sections.is_empty() => {
            let victim = &sections[d.below(sections.len())];
            let _ = std::fs::remove_file(root.join("sections").join(victim));
        }
        24 | 25 | 36 => write("README.md", format!("notes {}\n", d.next())),
        37 => write(
            "assets/ninth-lamp.svg",
            format!("<svg>{}</svg>\n", d.next()),
        ),
        38 => write("sections/notes.txt", "not a section\n".into()),
        39 => toggle(
            "schemas/section.schema.json",
            r#"{"type": "object", "required": ["content_notes"]}"#.into(),
        ),
        _ => {
            let hooks = files_in(&root.join("hooks"));
            if let Some(h) = hooks.first() {
                let rel = format!("hooks/{h}");
                let mut t = read(&rel);
                t.push_str("# seen again\n");
                write(&rel, t);
            }
        }
    }
    None
}

/// Commits the work tree of `book` and judges it from `base`'s memo and in full; the two
/// reports must be the same bytes. Returns the commit, whether the judgement was
/// incremental, and the full report.
fn commit_and_judge(
    s: &Sandbox,
    repo: &Repo,
    base: &str,
    opts: &Options,
    what: &str,
) -> (String, bool, gate::Report) {
    s.git("book", &["add", "-A"]);
    s.git("book", &["commit", "-q", "--allow-empty", "-m", what]);
    let new = s.git("book", &["rev-parse", "HEAD"]);
    let judged = incremental::judge(repo, Some(base), &new, opts).expect("judge");
    let full = gate::check_with(
        &Studio::load(&Tree::new(repo, &new).expect("tree")).expect("load"),
        opts,
    );
    assert_eq!(
        serde_json::to_string_pretty(&judged.report).expect("json"),
        serde_json::to_string_pretty(&full).expect("json"),
        "{what}: incremental = {}",
        judged.incremental
    );
    (new, judged.incremental, full)
}

#[test]
fn incremental_gatechecks_match_full_ones_over_random_edits() {
    let s = Sandbox::new();
    s.copy_fixture("sample", "book");
    let mut prev = s.commit_all("book");
    let repo = Repo::discover(&s.join("book")).expect("repo");
    let opts = Options {
        today: "2026-11-26".into(),
        ..Options::default()
    };
    let first = incremental::judge(&repo, None, &prev, &opts).expect("judge");
    assert!(!first.incremental);
    let (mut fast, mut slow) = (0, 0);
    for seed in 0..6u64 {
        let mut d = Dice(seed);
        let mut repair: Vec<(String, String)> = Vec::new();
        for step in 0..60 {
            for (rel, text) in repair.drain(..) {
                std::fs::write(s.join("book").join(rel), text).expect("repair");
            }
            for _ in 0..[1, 1, 1, 2, 3][d.below(5)] {
                repair.extend(edit(&mut d, &s.join("book")));
            }
            let (new, incremental, _) = commit_and_judge(
                &s,
                &repo,
                &prev,
                &opts,
                &format!("seed {seed}, step {step}"),
            );
            if incremental {
                fast += 1;
            } else {
                slow += 1;
            }
            prev = new;
        }
        // Back to the sample (a change to many files at once) before the next series.
        let _ = std::fs::remove_dir_all(s.join("book/sections"));
        crate::harness::copy_dir(
            &Path::new(crate::harness::FIXTURES).join("sample"),
            &s.join("book"),
        );
    }
    // A damaged memo is not read: the next judgement is a full one, and still right.
    let memo = s.join("book/.git/showrunner/memo");
    for e in std::fs::read_dir(&memo).expect("memo dir").flatten() {
        std::fs::write(e.path(), b"not a memo").expect("damage");
    }
    let mut d = Dice(99);
    edit(&mut d, &s.join("book"));
    let (_, incremental, _) = commit_and_judge(&s, &repo, &prev, &opts, "after damage");
    assert!(!incremental);
    // Both ways were exercised, the incremental one most.
    assert!(
        fast >= 180,
        "only {fast} of {} judged incrementally",
        fast + slow
    );
    assert!(slow >= 40, "only {slow} judged in full");
}

/// One planted case: the sample with `setup` applied is judged in full (leaving its
/// memo), then `change` is committed and judged from that memo and in full. The two
/// reports must be the same; `witness` must hold of the full one, so the case really
/// exercises what it names. Returns whether the judgement was incremental.
fn case(
    name: &str,
    setup: &dyn Fn(&Path),
    change: &dyn Fn(&Path),
    witness: &dyn Fn(&gate::Report) -> bool,
) -> bool {
    let s = Sandbox::new();
    s.copy_fixture("sample", "book");
    let root = s.join("book");
    setup(&root);
    let base = s.commit_all("book");
    let repo = Repo::discover(&root).expect("repo");
    let opts = Options {
        today: "2026-11-26".into(),
        ..Options::default()
    };
    incremental::judge(&repo, None, &base, &opts).expect("judge base");
    change(&root);
    let (_, incremental, full) = commit_and_judge(&s, &repo, &base, &opts, name);
    assert!(
        witness(&full),
        "{name}: the case does not show what it plants"
    );
    incremental
}

fn append(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    let old = std::fs::read_to_string(&p).unwrap_or_default();
    std::fs::write(p, old + text).expect("write");
}

fn front(root: &Path, rel: &str, line: &str) {
    let p = root.join(rel);
    let old = std::fs::read_to_string(&p).expect("read");
    std::fs::write(p, old.replacen("---\n", &format!("---\n{line}\n"), 1)).expect("write");
}

fn has(r: &gate::Report, code: &str, path: &str) -> bool {
    r.findings
        .iter()
        .chain(r.waived.iter().map(|w| &w.finding))
        .any(|f| f.code == code && f.path == path)
}

const NEW_TU: &str = "tus/TU-2026-12-01-NEW1.yaml";

fn new_tu(root: &Path) {
    let brief = std::fs::read_to_string(root.join("tus/TU-2026-11-01-SR01.yaml")).expect("brief");
    std::fs::write(
        root.join(NEW_TU),
        brief.replace("TU-2026-11-01-SR01", "TU-2026-12-01-NEW1"),
    )
    .expect("write");
}

#[test]
fn what_other_files_feed_an_unchanged_sections_findings_is_never_missed() {
    let none = |_: &Path| {};
    let mudbank = "sections/mudbank.md";
    // A codeword newly named by one section leaks in another's prose.
    case(
        "codeword named",
        &|r| append(r, mudbank, "\nA brand-new-mark burns on the door.\n"),
        &|r| front(r, "sections/dusk-bell.md", "sets: [brand-new-mark]"),
        &|f| has(f, "presentation/codeword-leak", mudbank),
    );
    // ... and stops leaking when no section names it any more.
    case(
        "codeword no longer named",
        &|r| {
            append(r, mudbank, "\nA brand-new-mark burns on the door.\n");
            front(r, "sections/dusk-bell.md", "sets: [brand-new-mark]");
        },
        &|r| {
            let p = r.join("sections/dusk-bell.md");
            let t = std::fs::read_to_string(&p).expect("read");
            std::fs::write(p, t.replace("sets: [brand-new-mark]\n", "")).expect("write");
        },
        &|f| !has(f, "presentation/codeword-leak", mudbank),
    );
    // A TU brief added that an unchanged section already names.
    case(
        "TU brief added",
        &|r| front(r, mudbank, "tu: TU-2026-12-01-NEW1"),
        &|r| new_tu(r),
        &|f| !has(f, "integrity/dangling-ref", mudbank),
    );
    // A TU brief removed that an unchanged section names.
    case(
        "TU brief removed",
        &|r| {
            new_tu(r);
            front(r, mudbank, "tu: TU-2026-12-01-NEW1");
        },
        &|r| std::fs::remove_file(r.join(NEW_TU)).expect("remove"),
        &|f| has(f, "integrity/dangling-ref", mudbank),
    );
    // A codex entry added that an unchanged section links to.
    case(
        "codex entry added",
        &|r| append(r, mudbank, "\nSee [the new entry](#new-entry).\n"),
        &|r| {
            let t = std::fs::read_to_string(r.join("codex/the-hush.md")).expect("read");
            std::fs::write(
                r.join("codex/new-entry.md"),
                t.replacen("id: the-hush", "id: new-entry", 1),
            )
            .expect("write");
        },
        &|f| !has(f, "integrity/dangling-link", mudbank),
    );
    // A section added that an unchanged section already links to, or leads to.
    case(
        "section added where a link dangled",
        &|r| append(r, mudbank, "\nSee [the steps](#mud-steps).\n"),
        &|r| {
            std::fs::write(
                r.join("sections/mud-steps.md"),
                "---\nid: mud-steps\ntitle: The Mud Steps\nflags: [terminal]\n---\nSteps.\n",
            )
            .expect("write");
        },
        &|f| !has(f, "integrity/dangling-link", mudbank),
    );
    case(
        "section added where a choice dangled",
        &|r| {
            let p = r.join(mudbank);
            let t = std::fs::read_to_string(&p).expect("read");
            std::fs::write(p, t.replacen("to: pip-pole", "to: mud-steps", 1)).expect("write");
        },
        &|r| {
            std::fs::write(
                r.join("sections/mud-steps.md"),
                "---\nid: mud-steps\ntitle: The Mud Steps\nflags: [terminal]\n---\nSteps.\n",
            )
            .expect("write");
        },
        &|f| !has(f, "integrity/dangling-choice", mudbank),
    );
    // A codex entry removed that an unchanged section links to.
    case(
        "codex entry removed",
        &none,
        &|r| std::fs::remove_file(r.join("codex/blackwater-ferries.md")).expect("remove"),
        &|f| has(f, "integrity/dangling-link", "sections/canal-market.md"),
    );
    // A banned word, a spoiler term and a schema override reach every section.
    case(
        "style ban",
        &none,
        &|r| {
            let p = r.join("style/style.yaml");
            let t = std::fs::read_to_string(&p).expect("read");
            std::fs::write(
                p,
                t.replacen("banned:\n", "banned:\n  - term: mudlark\n", 1),
            )
            .expect("write");
        },
        &|f| has(f, "style/banned-term", mudbank),
    );
    case(
        "spoiler term",
        &none,
        &|r| {
            let p = r.join("canon/grey-oil.md");
            let t = std::fs::read_to_string(&p).expect("read");
            std::fs::write(
                p,
                t.replacen(
                    "spoiler_terms:\n",
                    "spoiler_terms:\n  - \"bent spoon\"\n",
                    1,
                ),
            )
            .expect("write");
        },
        &|f| has(f, "presentation/spoiler-leak", mudbank),
    );
    case(
        "schema override",
        &none,
        &|r| {
            std::fs::create_dir_all(r.join("schemas")).expect("dir");
            std::fs::write(
                r.join("schemas/section.schema.json"),
                r#"{"type": "object", "required": ["content_notes"]}"#,
            )
            .expect("write");
        },
        &|f| has(f, "schema/invalid", mudbank),
    );
    // An asset an art plan recorded changes under it.
    case(
        "asset changed",
        &none,
        &|r| std::fs::write(r.join("assets/ninth-lamp.svg"), "<svg/>\n").expect("write"),
        &|f| has(f, "determinism/hash-mismatch", "art/ninth-lamp-dark.yaml"),
    );
}

#[test]
fn common_changes_are_judged_incrementally_and_alike() {
    let none = |_: &Path| {};
    let mudbank = "sections/mudbank.md";
    // One section's prose, with a new TU brief beside it (what a TU's push carries).
    assert!(case(
        "prose and a brief",
        &none,
        &|r| {
            new_tu(r);
            append(r, mudbank, "\nTODO: the tune\n");
        },
        &|f| has(f, "presentation/draft-marker", mudbank),
    ));
    // A choice retargeted: the graph is recomputed whole.
    assert!(case(
        "retarget",
        &none,
        &|r| {
            let p = r.join("sections/causeway-gate.md");
            let t = std::fs::read_to_string(&p).expect("read");
            std::fs::write(p, t.replacen("to: causeway-lamps", "to: guild-yard", 1))
                .expect("write");
        },
        &|f| has(f, "integrity/orphan-section", "sections/causeway-lamps.md"),
    ));
    // A codex entry colliding with an unchanged section, a section taking another's id.
    assert!(case(
        "codex collides",
        &none,
        &|r| {
            let t = std::fs::read_to_string(r.join("codex/the-hush.md")).expect("read");
            std::fs::write(
                r.join("codex/canal-market.md"),
                t.replacen("id: the-hush", "id: canal-market", 1),
            )
            .expect("write");
        },
        &|f| has(f, "schema/duplicate-id", "codex/canal-market.md"),
    ));
    assert!(case(
        "section takes an id",
        &none,
        &|r| {
            let p = r.join("sections/dusk-bell.md");
            let t = std::fs::read_to_string(&p).expect("read");
            std::fs::write(p, t.replacen("id: dusk-bell", "id: canal-market", 1)).expect("write");
        },
        &|f| {
            has(f, "schema/duplicate-id", "sections/dusk-bell.md")
                && has(f, "schema/id-mismatch", "sections/dusk-bell.md")
        },
    ));
    // A new section, and a choice leading to it (what most writing TUs push).
    assert!(case(
        "section added",
        &none,
        &|r| {
            std::fs::write(
                r.join("sections/mud-steps.md"),
                "---\nid: mud-steps\ntitle: The Mud Steps\nchoices:\n  - label: \"Climb back up\"\n    to: mudbank\n---\nThe steps are slick. TODO: more\n",
            )
            .expect("write");
            let p = r.join(mudbank);
            let t = std::fs::read_to_string(&p).expect("read");
            std::fs::write(
                p,
                t.replacen(
                    "choices:\n",
                    "choices:\n  - label: \"Take the mud steps\"\n    to: mud-steps\n",
                    1,
                ),
            )
            .expect("write");
        },
        &|f| has(f, "presentation/draft-marker", "sections/mud-steps.md"),
    ));
    // A waiver granted.
    assert!(case(
        "waiver",
        &|r| append(r, mudbank, "\nTODO: the tune\n"),
        &|r| {
            std::fs::write(
                r.join("waivers.yaml"),
                "waivers:\n  - code: presentation/draft-marker\n    path: \"sections/*\"\n    rationale: Drafting.\n    expires: 2026-12-20\n    granted_by: gatekeeper\n",
            )
            .expect("write");
        },
        &|f| f.waived.len() == 1,
    ));
}

#[test]
fn the_language_server_s_judgements_match_full_ones_over_random_edits() {
    use showrunner::lsp::workspace::{Judgement, Workspace};
    let s = Sandbox::new();
    s.copy_fixture("sample", "book");
    s.commit_all("book");
    let root = s.join("book");
    let mut ws = Workspace::open(&root).expect("open");
    assert_eq!(ws.last, Judgement::Full);
    let (mut fast, mut slow) = (0, 0);
    for seed in 0..4u64 {
        let mut d = Dice(100 + seed);
        let mut repair: Vec<(String, String)> = Vec::new();
        for step in 0..40 {
            let before = crate::harness::files_under(&root);
            for (rel, text) in repair.drain(..) {
                std::fs::write(root.join(rel), text).expect("repair");
            }
            for _ in 0..[1, 1, 1, 2, 3][d.below(5)] {
                repair.extend(edit(&mut d, &root));
            }
            // What an editor tells the server: each file changed, made or deleted.
            let after = crate::harness::files_under(&root);
            for path in before.keys().chain(after.keys()) {
                if before.get(path) != after.get(path) {
                    ws.reload(path).expect("reload");
                }
            }
            let report = ws.judge().expect("judge").clone();
            let full = gate::check_with(
                &Studio::load(&showrunner::studio::WorkDir::new(&root)).expect("load"),
                &Options::default(),
            );
            assert_eq!(
                serde_json::to_string_pretty(&report).expect("json"),
                serde_json::to_string_pretty(&full).expect("json"),
                "seed {seed}, step {step}: judged {:?}",
                ws.last
            );
            match ws.last {
                Judgement::Incremental => fast += 1,
                Judgement::Full => slow += 1,
                Judgement::Unchanged => {}
            }
        }
    }
    eprintln!("{fast} judged incrementally, {slow} in full");
    assert!(fast > slow && slow > 0, "{fast} incremental, {slow} full");
}
