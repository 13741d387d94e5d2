//! `showrunner hooks install` and the hidden `showrunner hook <name>` the stubs call.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Ctx, Output};
use crate::error::Error;
use crate::git::Repo;
use crate::hooks::{self, Stamp};

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
    /// Install showrunner's git hooks (a commit-msg hook that stamps `TU:` trailers),
    /// chaining to any hook already there.
    Install,
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
}

pub(super) fn install(ctx: &Ctx, _args: HooksArgs) -> Result<Output, Error> {
    let repo = Repo::discover(&ctx.base)?;
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("showrunner"));
    let done = hooks::install(&repo, &exe)?;
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

pub(super) fn run(ctx: &Ctx, args: HookArgs) -> Result<Output, Error> {
    let repo = Repo::discover(&ctx.base)?;
    match args.hook {
        HookName::CommitMsg { file } => {
            let stderr = match hooks::commit_msg(&repo, &ctx.base.join(&file))? {
                Stamp::Untraced { warn: true, why } => {
                    format!(
                        "showrunner: warning: this commit names no TU ({why}); merge to cold will refuse it\n"
                    )
                }
                _ => String::new(),
            };
            Ok(Output {
                stdout: String::new(),
                stderr,
                code: 0,
            })
        }
    }
}
