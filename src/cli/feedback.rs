//! `showrunner feedback`: the customer's satisfaction with the newest milestone.

use clap::Args;

use super::{Ctx, Format, Output, json_line};
use crate::app::feedback;
use crate::error::Error;

/// Arguments of `feedback`.
#[derive(Debug, Args)]
pub struct FeedbackArgs {
    /// How satisfied, from 1 (not at all) to 5 (delighted).
    #[arg(value_parser = clap::value_parser!(u8).range(1..=5))]
    pub score: u8,
    /// One line on why.
    #[arg(long)]
    pub note: Option<String>,
}

pub(super) fn run(ctx: &Ctx, args: FeedbackArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let r = feedback::record(ws, args.score, args.note.as_deref())?;
    let stdout = match ctx.format {
        Format::Json => json_line(&r),
        Format::Human | Format::Github => format!(
            "feedback {}/5{} recorded — {} on {}\n",
            r.score,
            r.milestone
                .as_ref()
                .map(|m| format!(" on {m}"))
                .unwrap_or_default(),
            crate::ids::short(&r.commit),
            r.branch
        ),
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}
