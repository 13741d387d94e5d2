//! `showrunner init`.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::{Ctx, Format, Output, json_pretty};
use crate::app::init;
use crate::error::Error;

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the studio in (created if missing; may be an existing repository).
    pub dir: PathBuf,
    /// Fill the studio with the embedded sample gamebook.
    #[arg(long)]
    pub from_sample: bool,
    /// Also write a CI workflow that gatechecks every push and pull request.
    #[arg(long, value_enum)]
    pub ci: Option<CiArg>,
}

/// CI systems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CiArg {
    /// GitHub Actions.
    Github,
}

/// `init --format json`: the folder as given on the command line, and what was made.
#[derive(Serialize)]
struct InitJson<'a> {
    dir: String,
    commit: &'a str,
    hot: &'a str,
    cold: &'a str,
    created_repo: bool,
    files: &'a [String],
}

pub(super) fn run(ctx: &Ctx, args: InitArgs) -> Result<Output, Error> {
    let dir = ctx.base.join(&args.dir);
    let exe = std::env::current_exe().ok();
    let ci = args.ci.map(|CiArg::Github| init::Ci::Github);
    let made = init::init(&dir, args.from_sample, ci, exe.as_deref())?;
    let stdout = match ctx.format {
        Format::Json => json_pretty(&InitJson {
            dir: args.dir.display().to_string(),
            commit: &made.commit,
            hot: &made.hot,
            cold: &made.cold,
            created_repo: made.created_repo,
            files: &made.files,
        }),
        _ => {
            let what = if args.from_sample {
                "the sample studio"
            } else {
                "a new studio"
            };
            let n = made
                .files
                .iter()
                .filter(|f| !f.ends_with(".gitkeep"))
                .count();
            format!(
                "Created {what} in {} ({n} files{}).\n`{}` and `{}` point at {}; `{}` is checked out.\n\nNext: cd {} && showrunner gate check\n",
                args.dir.display(),
                if made.created_repo {
                    ", new git repository"
                } else {
                    ""
                },
                made.hot,
                made.cold,
                crate::ids::short(&made.commit),
                made.hot,
                args.dir.display(),
            )
        }
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}
