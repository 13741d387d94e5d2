//! `showrunner snapshot`: tag cold as a versioned, verifiable snapshot.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{Ctx, Format, Output, json_pretty, report_output};
use crate::app::Session;
use crate::app::snapshot::{self, Outcome, Verification};
use crate::error::Error;
use crate::trace::snapshot::{Entry, Snapshot};

/// Arguments of `snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// `list` or `show`; without one, make a snapshot of cold's tip.
    #[command(subcommand)]
    pub command: Option<SnapshotCommand>,
    /// The tag name (default `cold-YYYY-MM-DD`, then `.2`, `.3` the same day).
    #[arg(long)]
    pub name: Option<String>,
    /// A note for the tag message.
    #[arg(short = 'm', long = "message")]
    pub message: Option<String>,
}

/// Snapshot commands.
#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Every snapshot tag.
    List,
    /// A snapshot's manifest, verified against its tree (exit 1 when it does not match).
    Show {
        /// The tag.
        tag: String,
    },
}

/// A snapshot in a line of JSON: file count, and its TUs (`tus`: their ids, or how many).
#[derive(Serialize)]
struct SnapshotJson<'a, T> {
    tag: &'a str,
    commit: &'a str,
    files: usize,
    tus: T,
    previous: Option<&'a str>,
}

/// `snapshot show --format json`: the manifest and how the tree matches it.
#[derive(Serialize)]
struct ShowJson<'a> {
    tag: &'a str,
    commit: &'a str,
    previous: Option<&'a str>,
    verified: bool,
    files: &'a [Entry],
    tus: Vec<TuJson<'a>>,
    changed: Vec<ChangedJson<'a>>,
    missing: &'a [String],
    unlisted: &'a [String],
}

/// A TU merged since the previous snapshot.
#[derive(Serialize)]
struct TuJson<'a> {
    id: &'a str,
    title: &'a str,
}

/// A file whose hash or size differs from the manifest.
#[derive(Serialize)]
struct ChangedJson<'a> {
    path: &'a str,
    recorded: &'a str,
    actual: &'a str,
}

fn out(stdout: String, code: i32) -> Output {
    Output {
        stdout,
        stderr: String::new(),
        code,
    }
}

pub(super) fn run(ctx: &Ctx, args: SnapshotArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    match args.command {
        None => create(ctx, ws, args.name.as_deref(), args.message.as_deref()),
        Some(SnapshotCommand::List) => list(ctx, ws),
        Some(SnapshotCommand::Show { tag }) => show(ctx, ws, &tag),
    }
}

/// `snapshot`: tag cold's tip, or print the gate report that refused it.
fn create(
    ctx: &Ctx,
    ws: &Session,
    name: Option<&str>,
    message: Option<&str>,
) -> Result<Output, Error> {
    match snapshot::create(ws, name, message)? {
        Outcome::Refused(report) => {
            let mut o = report_output(ctx, &report, &crate::gate::render::NoSource, "snapshot");
            o.stderr = "error: snapshot refused: cold's tip does not pass the gatecheck\n".into();
            o.code = 1;
            Ok(o)
        }
        Outcome::Made(s) => Ok(out(
            match ctx.format {
                Format::Json => json_pretty(&SnapshotJson {
                    tag: &s.name,
                    commit: &s.commit,
                    files: s.files.len(),
                    tus: s.tus.iter().map(|(id, _)| id).collect::<Vec<_>>(),
                    previous: s.previous.as_deref(),
                }),
                _ => format!(
                    "{}: snapshot of cold at {} — {} player-facing files, {} TU(s) since {}\n",
                    s.name,
                    crate::ids::short(&s.commit),
                    s.files.len(),
                    s.tus.len(),
                    s.previous.as_deref().unwrap_or("the beginning")
                ),
            },
            0,
        )),
    }
}

/// `snapshot list`.
fn list(ctx: &Ctx, ws: &Session) -> Result<Output, Error> {
    let all = snapshot::list(&ws.repo)?;
    Ok(out(
        match ctx.format {
            Format::Json => json_pretty(
                &all.iter()
                    .map(|s| SnapshotJson {
                        tag: &s.name,
                        commit: &s.commit,
                        files: s.files.len(),
                        tus: s.tus.len(),
                        previous: s.previous.as_deref(),
                    })
                    .collect::<Vec<_>>(),
            ),
            _ if all.is_empty() => "no snapshots yet (`showrunner snapshot` makes one)\n".into(),
            _ => all
                .iter()
                .map(|s| {
                    format!(
                        "{}  {}  {} files  {} TU(s)\n",
                        s.name,
                        crate::ids::short(&s.commit),
                        s.files.len(),
                        s.tus.len()
                    )
                })
                .collect(),
        },
        0,
    ))
}

/// `snapshot show <tag>`: exit 1 when the tree does not match the manifest.
fn show(ctx: &Ctx, ws: &Session, tag: &str) -> Result<Output, Error> {
    let (s, v) = snapshot::show(&ws.repo, tag)?;
    let code = if v.ok() { 0 } else { 1 };
    let stdout = match ctx.format {
        Format::Json => show_json(&s, &v),
        _ => show_human(&s, &v),
    };
    Ok(out(stdout, code))
}

/// `snapshot show --format json`.
fn show_json(s: &Snapshot, v: &Verification) -> String {
    json_pretty(&ShowJson {
        tag: &s.name,
        commit: &s.commit,
        previous: s.previous.as_deref(),
        verified: v.ok(),
        files: &s.files,
        tus: s
            .tus
            .iter()
            .map(|(id, title)| TuJson { id, title })
            .collect(),
        changed: v
            .changed
            .iter()
            .map(|(path, recorded, actual)| ChangedJson {
                path,
                recorded,
                actual,
            })
            .collect(),
        missing: &v.missing,
        unlisted: &v.unlisted,
    })
}

/// `snapshot show` for people.
fn show_human(s: &Snapshot, v: &Verification) -> String {
    let mut o = format!("{} — cold at {}\n", s.name, crate::ids::short(&s.commit));
    if let Some(p) = &s.previous {
        o.push_str(&format!("previous: {p}\n"));
    }
    o.push_str(&format!(
        "{} player-facing files; TUs: {}\n",
        s.files.len(),
        if s.tus.is_empty() {
            "none".to_string()
        } else {
            s.tus
                .iter()
                .map(|(id, _)| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    if v.ok() {
        o.push_str("verified: every file matches its recorded SHA-256\n");
    } else {
        for (p, r, a) in &v.changed {
            o.push_str(&format!("changed: {p} (recorded {r}, actual {a})\n"));
        }
        for p in &v.missing {
            o.push_str(&format!("missing: {p}\n"));
        }
        for p in &v.unlisted {
            o.push_str(&format!("not in the manifest: {p}\n"));
        }
    }
    o
}
