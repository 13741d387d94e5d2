//! `showrunner hooks install` and the hidden `showrunner hook <name>` the stubs call.

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

/// Arguments of the hidden `hook` command that installed stubs call.
#[derive(Debug, Args)]
pub struct HookArgs {
    /// Which hook is running.
    #[command(subcommand)]
    pub hook: HookName,
}

/// Hooks showrunner implements.
#[derive(Debug, Subcommand)]
pub enum HookName {
    /// Stamp `TU: <id>` on the commit message in FILE.
    CommitMsg {
        /// The message file git passes to the hook.
        file: PathBuf,
    },
    /// Guard pushed updates of cold (stdin as git gives it).
    PrePush {
        /// Remote name and URL, as git passes them.
        args: Vec<String>,
    },
    /// Guard updates of cold made through git (stdin as git gives it).
    ReferenceTransaction {
        /// The transaction state.
        state: String,
    },
    /// Guard pushes received by a shared bare repository.
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

pub(super) fn run(ctx: &Ctx, args: HookArgs) -> Result<Output, Error> {
    match args.hook {
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
