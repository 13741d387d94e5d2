//! `showrunner bind <tag> --format … -o <dir>`: the Binding Run.

use std::path::PathBuf;

use clap::Args;

use super::{Ctx, Output};
use crate::bind::{self, View};
use crate::error::Error;

/// Arguments of `bind` (its `--format` is the list of views: html, epub, twee, md, pdf).
#[derive(Debug, Args)]
pub struct BindArgs {
    /// The snapshot tag to bind.
    pub tag: String,
    /// Where to write the views and the view log.
    #[arg(short = 'o', long = "out")]
    pub out: PathBuf,
    /// Extras to include, comma-separated: art, audio, codex (default: all three).
    /// Audio is each finished sound cue: playable in the HTML and EPUB views, its
    /// transcript in every view.
    #[arg(long, value_delimiter = ',')]
    pub include: Option<Vec<String>>,
    /// Bind a language edition (`editions/<lang>/`) instead of the source; `all` binds
    /// the source and every edition, each into a folder named by its language.
    #[arg(long, value_name = "LANG")]
    pub edition: Option<String>,
}

pub(super) fn run(ctx: &Ctx, args: BindArgs) -> Result<Output, Error> {
    let views = View::parse_list(ctx.exports.as_deref().unwrap_or("html,epub,twee,md"))?;
    let include = args
        .include
        .unwrap_or_else(|| vec!["art".into(), "audio".into(), "codex".into()]);
    for i in &include {
        if !matches!(i.as_str(), "art" | "audio" | "codex") {
            return Err(Error::Usage(format!(
                "`--include {i}`: the extras are art, audio and codex"
            )));
        }
    }
    let opts = bind::Options {
        views,
        art: include.iter().any(|i| i == "art"),
        audio: include.iter().any(|i| i == "audio"),
        codex: include.iter().any(|i| i == "codex"),
        edition: args.edition,
    };
    let ws = ctx.session()?;
    let out = ctx.base.join(&args.out);
    let bound = crate::app::bind::bind(ws, &args.tag, &opts, &out)?;
    let mut stdout = format!(
        "bound {} ({}) into {}:\n",
        bound.tag,
        crate::ids::short(&bound.commit),
        args.out.display()
    );
    for o in &bound.outputs {
        stdout.push_str(&format!(
            "  {:<14} {:>9} bytes  sha256 {}\n",
            o.file, o.size, o.sha256
        ));
    }
    let mut stderr = String::new();
    for (lang, source, cov) in &bound.editions {
        if cov.untranslated.is_empty() && cov.stale.is_empty() {
            continue;
        }
        stderr.push_str(&format!(
            "note: edition {lang}: {} not translated yet (shown in {source}), {} stale; the view log lists them\n",
            match cov.untranslated.len() {
                1 => "1 file".to_string(),
                n => format!("{n} files"),
            },
            cov.stale.len()
        ));
    }
    Ok(Output {
        stdout,
        stderr,
        code: 0,
    })
}
