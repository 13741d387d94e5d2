//! A synthetic TU history for ledger benchmarks: N commits written with `git fast-import`
//! onto `hot` (cold a little behind), most carrying TU trailers in valid lifecycles.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Writes `commits` commits into a new repository at `dir`. Returns the number of TUs.
pub fn write(dir: &Path, commits: usize) -> usize {
    write_with(dir, commits, false)
}

/// [`write`], or with `dense` a history shaped unlike the first: each TU works on its
/// own branch and is merged into hot with a merge commit when it closes (a forge's
/// review flow), messages carry paragraphs of description and other trailers
/// (`Co-authored-by`, `Signed-off-by`, `Refs`), and every commit touches several files.
pub fn write_with(dir: &Path, commits: usize, dense: bool) -> usize {
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
    let mut heads: std::collections::HashMap<usize, usize> = Default::default();
    let mut hot_head = 1usize;
    // Dense: cold sits at the last merge into hot about 1,000 commits from the end.
    let mut cold_at: Option<usize> = None;
    for n in 0..commits {
        if dense && n + 1000 >= commits && cold_at.is_none() && n > 0 {
            cold_at = Some(hot_head);
        }
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
        let mut msg = if dense {
            format!(
                "Rework the approach to the {} in {id}\n\n{}\n\n{}\n\nRefs: #{}\nTU: {id}\n",
                ["harbour", "lighthouse", "ferry", "market", "chapel"][n % 5],
                "The scene now opens on the quay and the choices lead somewhere; the old \
                 ending was folded into the keystone so that both routes meet there.",
                "Checked against the canon pack and the style sheet; nothing in the prose \
                 names a codeword or a spoiler term, and the labels stay short.",
                n % 997
            )
        } else {
            format!("Work {n} on {id}\n\nA line of description for commit {n}.\n\nTU: {id}\n")
        };
        if let Some(e) = event {
            msg.push_str(&format!(
                "TU-Event: {e}\nLoop: scene_forge\nRole: {}\n",
                &id[14..16]
            ));
        }
        if step == per_tu - 2 {
            msg.push_str("Gate: pass\n");
        }
        if dense {
            msg.push_str(&format!(
                "Co-authored-by: Writer {} <w{}@example.invalid>\nSigned-off-by: Bench <bench@example.invalid>\n",
                tu % 7,
                tu % 7
            ));
        }
        if n % 7 == 0 {
            // Some untraced commits too.
            msg = format!("Housekeeping {n}\n\nNo trailer here.\n");
        }
        let time = first_time + n as i64 * 60;
        // Dense: a TU's work goes on its own branch (marks of the last commit on hot and
        // on each branch), merged into hot by a merge commit when it closes.
        let branch = if dense && n > 0 && step < per_tu - 1 {
            format!("refs/work/{slot}")
        } else {
            "refs/heads/hot".to_string()
        };
        writeln!(out, "commit {branch}").expect("w");
        writeln!(out, "mark :{}", n + 1).expect("w");
        writeln!(out, "committer Bench <bench@example.invalid> {time} +0000").expect("w");
        writeln!(out, "data {}\n{msg}", msg.len()).expect("w");
        if dense && n > 0 {
            let on_branch = heads.get(&slot).copied();
            if step < per_tu - 1 {
                // On the TU's branch: from its last commit, or from hot when it opens.
                writeln!(
                    out,
                    "from :{}",
                    on_branch.filter(|_| step > 0).unwrap_or(hot_head)
                )
                .expect("w");
                heads.insert(slot, n + 1);
            } else {
                // The close merges the branch into hot.
                writeln!(out, "from :{hot_head}").expect("w");
                if let Some(b) = on_branch {
                    writeln!(out, "merge :{b}").expect("w");
                }
                heads.remove(&slot);
                hot_head = n + 1;
            }
        } else if n > 0 {
            writeln!(out, "from :{n}").expect("w");
        } else {
            writeln!(
                out,
                "M 100644 inline studio.toml\ndata {}\n{studio}",
                studio.len()
            )
            .expect("w");
        }
        for k in 0..if dense { 3 } else { 1 } {
            let file = (n * 7 + k * 131) % 500;
            let file = if dense { file } else { n % 500 };
            let body =
                format!("---\nid: s{file}\ntitle: S\nflags: [terminal]\n---\nRevision {n}.\n");
            writeln!(
                out,
                "M 100644 inline sections/s{file}.md\ndata {}\n{body}",
                body.len()
            )
            .expect("w");
        }
        writeln!(out).expect("w");
    }
    let cold_mark = if dense {
        cold_at.unwrap_or(1)
    } else {
        commits.saturating_sub(1000).max(1)
    };
    writeln!(out, "reset refs/heads/cold\nfrom :{cold_mark}\n").expect("w");
    writeln!(out, "done").expect("w");
    drop(out);
    assert!(child.wait().expect("wait").success(), "fast-import failed");
    if dense {
        // The work branches of TUs still open stay as review branches.
        let out = Command::new("git")
            .args(["for-each-ref", "--format=%(refname)", "refs/work/"])
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("for-each-ref");
        for (k, name) in String::from_utf8_lossy(&out.stdout).lines().enumerate() {
            git(&["update-ref", &format!("refs/heads/tu/open-{k}"), name]);
            git(&["update-ref", "-d", name]);
        }
    }
    git(&["symbolic-ref", "HEAD", "refs/heads/hot"]);
    git(&["reset", "-q", "--hard"]);
    tus
}
