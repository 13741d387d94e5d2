//! `showrunner lsp`: the language server (see [`crate::lsp`]) on standard input and
//! output, for the studio the client opens (else the one around `-C`).

use clap::Args;

use super::{Ctx, Output};
use crate::error::Error;

/// Arguments of `lsp`.
#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted for clients that pass it; the server always talks over standard input
    /// and output.
    #[arg(long)]
    pub stdio: bool,
}

pub(super) fn run(ctx: &Ctx, _args: LspArgs) -> Result<Output, Error> {
    crate::lsp::serve(&ctx.base)?;
    Ok(Output::default())
}
