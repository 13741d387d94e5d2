//! `showrunner rollback <snapshot> --reason <text>`: restore a snapshot on hot, as a TU.

use clap::Args;

use super::{Ctx, Format, Output, json_pretty};
use crate::app::cold;
use crate::error::Error;

/// Arguments of `rollback`.
#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The snapshot tag to restore (e.g. `cold-2026-11-20`).
    pub snapshot: String,
    /// Why (recorded in the TU and the commit).
    #[arg(long)]
    pub reason: String,
}

pub(super) fn run(ctx: &Ctx, args: RollbackArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let r = cold::rollback(ws, &args.snapshot, &args.reason)?;
    let stdout = match ctx.format {
        Format::Json => json_pretty(&r),
        _ => format!(
            "{}: hot now holds the tree of {} ({}) — commit {}\nnext: `showrunner gate submit --tu {}`, then `showrunner merge`\n",
            r.tu,
            r.snapshot,
            crate::ids::short(&r.restored),
            crate::ids::short(&r.commit),
            r.tu
        ),
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}
