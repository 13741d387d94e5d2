//! `showrunner trace <path>`: which TUs touched a file (lineage).

use clap::Args;
use serde::Serialize;

use super::{Ctx, Format, Output, json_pretty};
use crate::app::Lineage;
use crate::error::Error;

/// Arguments of `trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// A studio-relative path, e.g. `sections/harbour.md`.
    pub path: String,
}

/// `trace --format json`: the path and the TUs that touched it.
#[derive(Serialize)]
struct TraceJson<'a> {
    path: &'a str,
    tus: &'a [Lineage],
}

pub(super) fn run(ctx: &Ctx, args: TraceArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let path = args.path.trim_start_matches("./").to_string();
    let lineage = ws.lineage(&path)?;
    let stdout = match ctx.format {
        Format::Json => json_pretty(&TraceJson {
            path: &path,
            tus: &lineage,
        }),
        _ if lineage.is_empty() => format!("no TU has touched {path}\n"),
        _ => lineage
            .iter()
            .map(|l| {
                format!(
                    "{}  {}  {:<12}  {}  {}\n",
                    l.date,
                    l.id,
                    l.state.name(),
                    crate::ids::short(&l.commit),
                    l.summary
                )
            })
            .collect(),
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}
