//! `showrunner trace <path>`: which TUs touched a file (lineage).

use clap::Args;
use serde_json::json;

use super::{Ctx, Format, Output};
use crate::error::Error;

/// Arguments of `trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// A studio-relative path, e.g. `sections/harbour.md`.
    pub path: String,
}

pub(super) fn run(ctx: &Ctx, args: TraceArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let path = args.path.trim_start_matches("./").to_string();
    let lineage = ws.lineage(&path)?;
    let stdout = match ctx.format {
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&json!({
                "path": path,
                "tus": lineage.iter().map(|l| json!({"id": l.id, "state": l.state.name(), "commit": l.commit,
                                                     "date": l.date, "summary": l.summary})).collect::<Vec<_>>(),
            }))
            .unwrap_or_default()
        ),
        _ if lineage.is_empty() => format!("no TU has touched {path}\n"),
        _ => lineage
            .iter()
            .map(|l| format!("{}  {}  {:<12}  {}  {}\n", l.date, l.id, l.state.name(), &l.commit[..10], l.summary))
            .collect(),
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}
