//! A synthetic TU history for ledger benchmarks: N commits written with `git fast-import`
//! onto `hot` (cold a little behind), most carrying TU trailers in valid lifecycles.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Writes `commits` commits into a new repository at `dir`. Returns the number of TUs.
pub fn write(dir: &Path, commits: usize) -> usize {
    std::fs::create_dir_all(dir).expect("mkdir");
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .expect("git")
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q", "-b", "hot"]);
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet", "--done"])
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::piped())
        .spawn()
        .expect("fast-import");
    let mut out = std::io::BufWriter::new(child.stdin.take().expect("stdin"));
    let roles = ["LW", "SS", "PW", "CC", "ST"];
    let per_tu = 100;
    let tus = commits.div_ceil(per_tu);
    let first_time = 1_700_000_000i64;
    let studio = "[studio]\ntitle = \"History\"\nauthor = \"Bench\"\nlanguage = \"en\"\nlicense = \"CC0-1.0\"\nstart = \"s0\"\n";
    for n in 0..commits {
        // 25 TUs interleave at any time; each runs a full lifecycle over its commits.
        let slot = n % 25;
        let round = n / (25 * per_tu);
        let tu = round * 25 + slot;
        let step = (n / 25) % per_tu;
        let day = 1 + (tu % 28);
        let id = format!(
            "TU-2026-{:02}-{day:02}-{}{:02}",
            1 + (tu / 28 / 90) % 12,
            roles[tu % roles.len()],
            1 + (tu / 28) % 90
        );
        let event = match step {
            0 => Some("open"),
            1 => Some("start"),
            s if s == per_tu - 2 => Some("submit"),
            s if s == per_tu - 1 => Some("close"),
            s if s % 10 == 0 => Some("checkpoint"),
            _ => None,
        };
        let mut msg =
            format!("Work {n} on {id}\n\nA line of description for commit {n}.\n\nTU: {id}\n");
        if let Some(e) = event {
            msg.push_str(&format!(
                "TU-Event: {e}\nLoop: scene_forge\nRole: {}\n",
                &id[14..16]
            ));
        }
        if step == per_tu - 2 {
            msg.push_str("Gate: pass\n");
        }
        if n % 7 == 0 {
            // Some untraced commits too.
            msg = format!("Housekeeping {n}\n\nNo trailer here.\n");
        }
        let time = first_time + n as i64 * 60;
        writeln!(out, "commit refs/heads/hot").expect("w");
        writeln!(out, "mark :{}", n + 1).expect("w");
        writeln!(out, "committer Bench <bench@example.invalid> {time} +0000").expect("w");
        writeln!(out, "data {}\n{msg}", msg.len()).expect("w");
        if n > 0 {
            writeln!(out, "from :{n}").expect("w");
        } else {
            writeln!(
                out,
                "M 100644 inline studio.toml\ndata {}\n{studio}",
                studio.len()
            )
            .expect("w");
        }
        let body = format!(
            "---\nid: s{}\ntitle: S\nflags: [terminal]\n---\nRevision {n}.\n",
            n % 500
        );
        writeln!(
            out,
            "M 100644 inline sections/s{}.md\ndata {}\n{body}",
            n % 500,
            body.len()
        )
        .expect("w");
        writeln!(out).expect("w");
    }
    let cold_mark = commits.saturating_sub(1000).max(1);
    writeln!(out, "reset refs/heads/cold\nfrom :{cold_mark}\n").expect("w");
    writeln!(out, "done").expect("w");
    drop(out);
    assert!(child.wait().expect("wait").success(), "fast-import failed");
    git(&["symbolic-ref", "HEAD", "refs/heads/hot"]);
    git(&["reset", "-q", "--hard"]);
    tus
}
