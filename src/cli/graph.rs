//! `showrunner graph`: the story map of a commit's tree.

use std::path::PathBuf;

use clap::Args;

use super::{Ctx, Output};
use crate::error::Error;
use crate::story::{Story, map, reach};

/// Arguments of `graph` (its `--format` is mermaid, dot or svg; default mermaid).
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The commit to map (default: the hot branch).
    #[arg(long)]
    pub rev: Option<String>,
    /// Write to a file instead of standard output.
    #[arg(short = 'o', long = "out")]
    pub out: Option<PathBuf>,
}

pub(super) fn run(ctx: &Ctx, args: GraphArgs) -> Result<Output, Error> {
    let (studio, _) = crate::app::read::studio_at(ctx.session()?, args.rev.as_deref())?;
    let story = Story::build(&studio);
    let found = reach::search(&story);
    let mut stderr = String::new();
    let text = match ctx.exports.as_deref().unwrap_or("mermaid") {
        "mermaid" => map::mermaid(&story, &found),
        "dot" => map::dot(&story, &found),
        "svg" => {
            let drawn = map::svg(
                &story,
                &found,
                &format!("Story map of {}", studio.config.title),
            )?;
            if let Some(note) = drawn.note {
                stderr = format!("note: {note}\n");
            }
            drawn.svg
        }
        other => {
            return Err(Error::Usage(format!(
                "`--format {other}`: the story map is mermaid, dot or svg"
            )));
        }
    };
    Ok(Output {
        stdout: super::emit(ctx, args.out.as_deref(), text)?,
        stderr,
        code: 0,
    })
}
