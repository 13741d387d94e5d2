//! `showrunner completions` and `showrunner man`: shell completions and a man page,
//! generated from the command-line definition itself so they never drift from it.

use clap::{Args, CommandFactory, ValueEnum};
use clap_complete::Shell;

use super::{Cli, Ctx, Output};
use crate::error::Error;

/// Shells that completions can be generated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    /// Bourne Again SHell.
    Bash,
    /// Elvish.
    Elvish,
    /// Friendly Interactive SHell.
    Fish,
    /// PowerShell.
    Powershell,
    /// Z SHell.
    Zsh,
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// Arguments of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The page of one command (`tu`, `gate`, …) instead of the whole program's.
    pub command: Option<String>,
}

pub(super) fn completions(_ctx: &Ctx, args: CompletionsArgs) -> Result<Output, Error> {
    let shell = match args.shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Elvish => Shell::Elvish,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Powershell => Shell::PowerShell,
        CompletionShell::Zsh => Shell::Zsh,
    };
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "showrunner", &mut buf);
    text(buf)
}

pub(super) fn man(_ctx: &Ctx, args: ManArgs) -> Result<Output, Error> {
    let mut cmd = Cli::command();
    cmd.build();
    let page = match &args.command {
        None => cmd,
        Some(name) => {
            let Some(sub) = cmd.find_subcommand(name).filter(|s| !s.is_hide_set()) else {
                let names: Vec<&str> = cmd
                    .get_subcommands()
                    .filter(|s| !s.is_hide_set() && s.get_name() != "help")
                    .map(|s| s.get_name())
                    .collect();
                return Err(Error::Usage(format!(
                    "`{name}` is not a showrunner command (commands: {})",
                    names.join(", ")
                )));
            };
            // Built, so its display name is `showrunner-<command>`.
            sub.clone()
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut buf)
        .map_err(|e| Error::Usage(format!("cannot render the man page: {e}")))?;
    // roff is ASCII: anything else is written as a groff/mandoc named glyph `\[uXXXX]`.
    let page = String::from_utf8_lossy(&buf);
    let mut out = String::with_capacity(page.len());
    for c in page.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", c as u32));
        }
    }
    text(out.into_bytes())
}

/// Generated text as standard output.
fn text(buf: Vec<u8>) -> Result<Output, Error> {
    Ok(Output {
        stdout: String::from_utf8_lossy(&buf).into_owned(),
        stderr: String::new(),
        code: 0,
    })
}
