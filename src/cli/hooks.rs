//! `showrunner hooks install`, the hidden `showrunner hook <git-hook>` the stubs call,
//! and hook cards by command: `showrunner hook new` and `hook triage`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Ctx, Output};
use crate::app::Session;
use crate::app::hooks::{self, Stamp};
use crate::error::Error;

/// Arguments of `hooks`.
#[derive(Debug, Args)]
pub struct HooksArgs {
    /// Which hooks command.
    #[command(subcommand)]
    pub command: HooksCommand,
}

/// Hook management.
#[derive(Debug, Subcommand)]
pub enum HooksCommand {
    /// Install showrunner's git hooks, chaining to any hook already there: commit-msg
    /// (stamps `TU:` trailers), pre-push and reference-transaction (guard cold).
    Install {
        /// For a shared bare repository: a pre-receive hook guarding pushes instead.
        #[arg(long)]
        server: bool,
    },
}

/// Arguments of `hook`: hook cards, and the git hooks installed stubs call.
#[derive(Debug, Args)]
pub struct HookArgs {
    /// What to do.
    #[command(subcommand)]
    pub hook: HookName,
}

/// Hook cards, and (hidden) the git hooks showrunner implements.
#[derive(Debug, Subcommand)]
pub enum HookName {
    /// Raise a hook card (`hooks/HK-….yaml`, status proposed) inside a TU.
    New {
        /// Short title.
        #[arg(long)]
        title: String,
        /// Player-safe summary (no spoilers).
        #[arg(long)]
        summary: String,
        /// Kind: narrative, scene, factual, taxonomy, structure, art, audio, style…
        #[arg(long = "type", default_value = "narrative")]
        kind: String,
        /// The role raising it (default: the TU's role).
        #[arg(long)]
        raised_by: Option<String>,
        /// Bars it touches (repeatable, or comma-separated).
        #[arg(long = "bar", value_delimiter = ',')]
        bars: Vec<String>,
        /// It blocks a gate pass until resolved.
        #[arg(long)]
        blocking: bool,
        /// The loop expected to pick it up.
        #[arg(long)]
        next_loop: Option<String>,
        /// The TU (default: the active one).
        #[arg(long)]
        tu: Option<String>,
    },
    /// Triage a hook card: its status, the loop that takes it next, how it was settled.
    Triage {
        /// The hook (`HK-20261101-02`).
        id: String,
        /// New status.
        #[arg(long, value_parser = ["proposed", "accepted", "in-progress", "resolved", "canonized", "deferred", "rejected"])]
        status: Option<String>,
        /// The loop that picks it up next.
        #[arg(long)]
        next_loop: Option<String>,
        /// How it was resolved, deferred or rejected, and where the answer lives.
        #[arg(long)]
        resolution: Option<String>,
        /// Whether it blocks a gate pass (`true` or `false`).
        #[arg(long)]
        blocking: Option<bool>,
        /// The TU (default: the active one).
        #[arg(long)]
        tu: Option<String>,
    },
    /// Stamp `TU: <id>` on the commit message in FILE.
    #[command(hide = true)]
    CommitMsg {
        /// The message file git passes to the hook.
        file: PathBuf,
    },
    /// Guard pushed updates of cold (stdin as git gives it).
    #[command(hide = true)]
    PrePush {
        /// Remote name and URL, as git passes them.
        args: Vec<String>,
    },
    /// Guard updates of cold made through git (stdin as git gives it).
    #[command(hide = true)]
    ReferenceTransaction {
        /// The transaction state.
        state: String,
    },
    /// Guard pushes received by a shared bare repository.
    #[command(hide = true)]
    PreReceive,
}

pub(super) fn install(ctx: &Ctx, args: HooksArgs) -> Result<Output, Error> {
    let HooksCommand::Install { server } = args.command;
    let ws = ctx.session()?;
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("showrunner"));
    let done = hooks::install(ws, &exe, server)?;
    let mut stdout = String::new();
    for h in done {
        stdout.push_str(&format!("installed {}", h.path.display()));
        if let Some(c) = h.chained {
            stdout.push_str(&format!(" (runs {} after it)", c.display()));
        }
        stdout.push('\n');
    }
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}

/// The session a local guard judges in (never the work tree's settings).
fn guard(ctx: &Ctx) -> Result<Session, Error> {
    Ok(Session::for_guard(crate::git::Repo::discover(&ctx.base)?))
}

fn stdin() -> Result<String, Error> {
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut input).map_err(|e| Error::Io {
        path: PathBuf::from("<stdin>"),
        source: e,
    })?;
    Ok(input)
}

impl HookName {
    /// Whether this is a git hook a stub calls (not a hook card command).
    pub fn is_git_hook(&self) -> bool {
        !matches!(self, HookName::New { .. } | HookName::Triage { .. })
    }
}

/// A card written, for people or as JSON.
fn written(ctx: &Ctx, w: &crate::app::cards::Written, verb: &str) -> Output {
    let stdout = match ctx.format {
        super::Format::Json => super::json_line(w),
        _ => format!(
            "{verb} {} ({}) in {} — {} on {}\n",
            w.id,
            w.status,
            w.tu,
            crate::ids::short(&w.commit),
            w.branch
        ),
    };
    Output {
        stdout,
        stderr: String::new(),
        code: 0,
    }
}

pub(super) fn run(ctx: &Ctx, args: HookArgs) -> Result<Output, Error> {
    use crate::app::cards;
    match args.hook {
        HookName::New {
            title,
            summary,
            kind,
            raised_by,
            bars,
            blocking,
            next_loop,
            tu,
        } => {
            let w = cards::new(
                ctx.session()?,
                &cards::NewCard {
                    title: &title,
                    summary: &summary,
                    kind: &kind,
                    raised_by: raised_by.as_deref(),
                    bars: &bars,
                    blocking,
                    next_loop: next_loop.as_deref(),
                    tu: tu.as_deref(),
                },
            )?;
            return Ok(written(ctx, &w, "raised"));
        }
        HookName::Triage {
            id,
            status,
            next_loop,
            resolution,
            blocking,
            tu,
        } => {
            let w = cards::triage(
                ctx.session()?,
                &id,
                &cards::Triage {
                    status: status.as_deref(),
                    next_loop: next_loop.as_deref(),
                    resolution: resolution.as_deref(),
                    blocking,
                    tu: tu.as_deref(),
                },
            )?;
            return Ok(written(ctx, &w, "triaged"));
        }
        HookName::PrePush { .. } => hooks::pre_push(&guard(ctx)?, &stdin()?)?,
        HookName::ReferenceTransaction { state } => {
            hooks::reference_transaction(&guard(ctx)?, &state, &stdin()?)?
        }
        HookName::PreReceive => {
            hooks::pre_receive(&Session::for_server_hook(&ctx.base)?, &stdin()?)?
        }
        HookName::CommitMsg { file } => {
            let ws = ctx.session()?;
            if let Stamp::Untraced { warn: true, why } =
                hooks::commit_msg(ws, &ctx.base.join(&file))?
            {
                return Ok(Output {
                    stdout: String::new(),
                    stderr: format!(
                        "showrunner: warning: this commit names no TU ({why}); merge to cold will refuse it\n"
                    ),
                    code: 0,
                });
            }
        }
    }
    Ok(Output::default())
}
