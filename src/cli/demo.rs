//! `showrunner demo`: the whole studio at work on the embedded sample, in a fresh
//! folder, by running the real commands one after another and narrating them.

use std::path::{Path, PathBuf};

use clap::{Args, Parser};

use super::{Cli, Ctx, Output, Terminal};
use crate::error::Error;

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder to create the demo studio in (it must not exist yet).
    #[arg(long, default_value = "showrunner-demo")]
    pub dir: PathBuf,
}

/// The customer's request the demo starts from.
const REQUEST: &str = "Write the Mudbank scene properly, with a real choice to follow the humming";

/// One step: what it shows, the command line, and the exit code it must end with.
struct Step<'a> {
    say: &'a str,
    args: Vec<String>,
    expect: i32,
}

fn step<'a>(say: &'a str, args: &[&str], expect: i32) -> Step<'a> {
    Step {
        say,
        args: args.iter().map(|a| a.to_string()).collect(),
        expect,
    }
}

/// Runs one real command in the demo studio; its output is narrated into `log`.
fn perform(dir: &Path, s: &Step<'_>, log: &mut String) -> Result<Output, Error> {
    let mut argv: Vec<String> = vec!["showrunner".into(), "--color".into(), "never".into()];
    argv.push("-C".into());
    argv.push(dir.display().to_string());
    argv.extend(s.args.iter().cloned());
    let cli = Cli::try_parse_from(&argv)
        .map_err(|e| Error::Usage(format!("demo step `{}`: {e}", s.args.join(" "))))?;
    let out = super::run(cli, Terminal::default());
    log.push_str(&format!(
        "\n==> {}\n$ showrunner {}\n",
        s.say,
        shell_words(&s.args)
    ));
    for text in [&out.stdout, &out.stderr] {
        for line in text.lines() {
            log.push_str(&format!("    {line}\n"));
        }
    }
    if out.code != s.expect {
        return Err(Error::Demo {
            command: shell_words(&s.args),
            code: out.code,
            expected: s.expect,
            stdout: out.stdout,
            stderr: out.stderr,
            dir: dir.to_path_buf(),
        });
    }
    Ok(out)
}

fn shell_words(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_=./,:@".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn json(out: &Output, key: &str) -> Result<String, Error> {
    let v: serde_json::Value = serde_json::from_str(&out.stdout)
        .map_err(|e| Error::Usage(format!("demo: unexpected output ({e})")))?;
    let found = match &v[key] {
        serde_json::Value::Array(items) => items.first().and_then(|i| i.as_str()),
        other => other.as_str(),
    };
    found
        .map(str::to_string)
        .ok_or_else(|| Error::Usage(format!("demo: no `{key}` in the output")))
}

/// Rewrites a file of the demo studio (the writer's edit between commands).
fn edit(
    dir: &Path,
    rel: &str,
    from: &str,
    to: &str,
    log: &mut String,
    say: &str,
) -> Result<(), Error> {
    let path = dir.join(rel);
    let io = |e: std::io::Error| Error::Io {
        path: path.clone(),
        source: e,
    };
    let text = std::fs::read_to_string(&path).map_err(io)?;
    if !text.contains(from) {
        return Err(Error::Usage(format!(
            "demo: {rel} no longer contains the text to edit"
        )));
    }
    std::fs::write(&path, text.replacen(from, to, 1)).map_err(io)?;
    log.push_str(&format!("\n==> {say}\n    (edited {rel})\n"));
    Ok(())
}

pub(super) fn run(ctx: &Ctx, args: DemoArgs) -> Result<Output, Error> {
    let dir = ctx.base.join(&args.dir);
    if dir.exists() {
        return Err(Error::Usage(format!(
            "`{}` already exists; the demo makes a fresh studio (remove it or pass `--dir`)",
            dir.display()
        )));
    }
    let mut log = String::from(
        "showrunner demo: a studio at work on the sample gamebook \"The Ninth Lamp\".\n\
         Every step below is a real showrunner command run in the demo studio.\n",
    );
    let tu = open_tu(&dir, &mut log)?;
    draft_through_the_gate(&dir, &tu, &mut log)?;
    publish(&dir, &mut log)?;
    epilogue(&dir, &mut log)?;
    Ok(Output {
        stdout: log,
        stderr: String::new(),
        code: 0,
    })
}

/// Creates the studio, shows it, and opens a TU for the customer's request; returns the
/// TU's id.
fn open_tu(dir: &Path, log: &mut String) -> Result<String, Error> {
    let d = dir.display().to_string();
    let parent = dir.parent().unwrap_or(Path::new("."));
    perform(
        parent,
        &step(
            "Create the studio from the embedded sample",
            &["init", &d, "--from-sample"],
            0,
        ),
        log,
    )?;
    perform(dir, &step("Where the studio stands", &["status"], 0), log)?;
    let opened = perform(
        dir,
        &step(
            "The customer asks for a change; the Showrunner maps it to a loop and opens a TU",
            &["dispatch", REQUEST, "--open"],
            0,
        ),
        log,
    )?;
    let tu = opened
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("opened "))
        .map(|id| id.trim().to_string())
        .ok_or_else(|| Error::Usage("demo: dispatch opened no TU".into()))?;
    perform(
        dir,
        &step("The TU starts; its roles wake", &["tu", "start", &tu], 0),
        log,
    )?;
    Ok(tu)
}

/// The writer's draft inside the TU: blocked by the Gatekeeper, fixed, then passed.
fn draft_through_the_gate(dir: &Path, tu: &str, log: &mut String) -> Result<(), Error> {
    // The scene smith adds the choice, with a slip of the keyboard in its target.
    let choice = "  - label: \"Leave her to her digging\"\n    to: canal-market\n";
    edit(
        dir,
        "sections/mudbank.md",
        choice,
        &format!(
            "{choice}  - label: \"Follow the humming along the bank\"\n    to: marsh-chanel\n"
        ),
        log,
        "The scene smith adds a choice (with a typo in its target)",
    )?;
    perform(
        dir,
        &step(
            "Commit the draft inside the TU",
            &[
                "tu",
                "checkpoint",
                "-a",
                "-m",
                "Mudbank: follow the humming",
                "--step",
                "scope_scenes",
                "--step",
                "shape_choices",
                "--step",
                "draft_prose",
                "--step",
                "check_canon",
            ],
            0,
        ),
        log,
    )?;
    perform(
        dir,
        &step(
            "Submit to the Gatekeeper: it blocks, and says how to fix it",
            &["gate", "submit", "--tu", tu],
            1,
        ),
        log,
    )?;
    edit(
        dir,
        "sections/mudbank.md",
        "to: marsh-chanel",
        "to: marsh-channel",
        log,
        "The remediation: point the choice at the section that exists",
    )?;
    perform(
        dir,
        &step(
            "Commit the fix",
            &[
                "tu",
                "checkpoint",
                "-a",
                "-m",
                "Mudbank: fix the choice's target",
            ],
            0,
        ),
        log,
    )?;
    perform(
        dir,
        &step(
            "Submit again: the gate passes",
            &["gate", "submit", "--tu", tu],
            0,
        ),
        log,
    )?;
    Ok(())
}

/// From the passed gate to the reader: merge, snapshot, bind, map, feedback, report.
fn publish(dir: &Path, log: &mut String) -> Result<(), Error> {
    perform(
        dir,
        &step("Fast-forward cold to the checked commit", &["merge"], 0),
        log,
    )?;
    let snap = perform(
        dir,
        &step(
            "Tag cold as a snapshot with a verifiable manifest",
            &["snapshot", "--format", "json"],
            0,
        ),
        log,
    )?;
    let tag = json(&snap, "tag")?;
    perform(
        dir,
        &step(
            "Bind the snapshot into books",
            &["--format", "html,epub,twee,md", "bind", &tag, "-o", "dist"],
            0,
        ),
        log,
    )?;
    perform(
        dir,
        &step(
            "The story map",
            &["--format", "svg", "graph", "-o", "dist/map.svg"],
            0,
        ),
        log,
    )?;
    perform(
        dir,
        &step(
            "The customer reads the book and scores the milestone",
            &[
                "feedback",
                "5",
                "--note",
                "The humming on the mudbank is a lovely new thread",
            ],
            0,
        ),
        log,
    )?;
    perform(
        dir,
        &step("Where the studio stands now", &["status"], 0),
        log,
    )?;
    perform(
        dir,
        &step(
            "The Showrunner's report: throughput, cycle time, gates, rework, feedback",
            &["--format", "html", "report", "-o", "dist/report.html"],
            0,
        ),
        log,
    )?;
    Ok(())
}

/// Lists the files made in `dist/` and says how to open them.
fn epilogue(dir: &Path, log: &mut String) -> Result<(), Error> {
    let d = dir.display().to_string();
    let mut made: Vec<String> = std::fs::read_dir(dir.join("dist"))
        .map_err(|e| Error::Io {
            path: dir.join("dist"),
            source: e,
        })?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    made.sort();
    log.push_str(&format!(
        "\nThe demo studio is in {d}. Files made in {d}/dist:\n"
    ));
    for f in &made {
        log.push_str(&format!("  {f}\n"));
    }
    log.push_str(&format!(
        "\nOpen the book: a browser on {d}/dist/*.html, an e-reader on the .epub,\n\
         Twine (Library > Import) on the .twee; `git -C {d} log --graph --all` shows the trace.\n"
    ));
    Ok(())
}
