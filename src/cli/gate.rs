//! `showrunner gate …`: the Gatekeeper's commands.

use clap::{Args, Subcommand};

use super::{Ctx, Output, report_output};
use crate::error::Error;
use crate::gate;
use crate::git::Repo;
use crate::studio::{self, Source, Studio, Tree};

/// Arguments of `gate`.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// Which gate command.
    #[command(subcommand)]
    pub command: GateCommand,
}

/// Gate commands.
#[derive(Debug, Subcommand)]
pub enum GateCommand {
    /// Gatecheck the tree of a commit, read from git objects (works in a bare repository).
    Check {
        /// The commit to check (branch, tag or id). Default: the studio's hot branch.
        #[arg(long)]
        rev: Option<String>,
    },
}

pub(super) fn run(ctx: &Ctx, args: GateArgs) -> Result<Output, Error> {
    match args.command {
        GateCommand::Check { rev } => {
            let repo = Repo::discover(&ctx.base)?;
            let rev = match rev {
                Some(r) => r,
                None => default_hot(&repo),
            };
            let tree = Tree::new(&repo, &rev)?;
            let loaded = Studio::load(&tree)?;
            let report = gate::check(&loaded);
            Ok(report_output(
                ctx,
                &report,
                &loaded,
                &format!("gate check {}", tree.describe()),
            ))
        }
    }
}

/// The hot branch as configured in the work tree's studio.toml, else `hot`.
fn default_hot(repo: &Repo) -> String {
    repo.workdir()
        .and_then(|w| studio::find_root(w).ok())
        .and_then(|root| std::fs::read(root.join("studio.toml")).ok())
        .and_then(|bytes| {
            crate::artifact::parse(crate::artifact::Kind::Studio, "studio.toml", &bytes).ok()
        })
        .map(|a| studio::Config::from_node(&a.data).hot)
        .unwrap_or_else(|| "hot".to_string())
}
