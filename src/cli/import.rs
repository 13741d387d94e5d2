//! `showrunner import twee`: a Twine story into a studio, recorded by a TU.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Ctx, Format, Output, json_line};
use crate::error::Error;

/// Arguments of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What to import.
    #[command(subcommand)]
    pub command: ImportCommand,
}

/// `import` subcommands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A Twee 3 story (Twine 2, Tweego): passages → sections, links → choices.
    Twee {
        /// The `.twee` file (`-`: standard input).
        file: String,
        /// The studio to import into (created when the folder has none); default: here.
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
    },
}

pub(super) fn run(ctx: &Ctx, args: ImportArgs) -> Result<Output, Error> {
    let ImportCommand::Twee { file, into } = args.command;
    let text = if file == "-" {
        super::read_stdin()?
    } else {
        let path = ctx.base.join(&file);
        std::fs::read_to_string(&path).map_err(|e| Error::Io { path, source: e })?
    };
    let dir = ctx.base.join(into.unwrap_or_else(|| PathBuf::from(".")));
    let exe = std::env::current_exe().ok();
    let name = std::path::Path::new(&file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(file.clone());
    let r = crate::app::import::twee(&name, &text, &dir, exe.as_deref())?;
    let s = &r.story;
    let stdout = if ctx.format == Format::Json {
        json_line(&r)
    } else {
        let mut o = format!(
            "imported {} section(s), {} choice(s) from {name} into {}{} — {} ({})\n",
            s.sections.len(),
            s.sections
                .iter()
                .map(|x| x.story.choices.len())
                .sum::<usize>(),
            r.dir.display(),
            if r.created { " (a new studio)" } else { "" },
            r.tu,
            crate::ids::short(&r.commit)
        );
        match (&s.start, r.created) {
            (Some(start), true) => o.push_str(&format!("start: {start}\n")),
            (Some(start), false) => o.push_str(&format!(
                "the studio keeps its own start; the story begins at section {start} (link it from the book)\n"
            )),
            (None, _) => {}
        }
        if !s.codex.is_empty() {
            let ids: Vec<&str> = s.codex.iter().map(|e| e.id.as_str()).collect();
            o.push_str(&format!(
                "codex entries from passages tagged codex: {}\n",
                ids.join(", ")
            ));
        }
        for (p, id) in &s.renamed {
            o.push_str(&format!("renamed: \"{p}\" → {id}\n"));
        }
        for x in s.sections.iter().filter(|x| !x.other_tags.is_empty()) {
            o.push_str(&format!(
                "tags kept as x-twee-tags in {}: {}\n",
                x.story.id,
                x.other_tags.join(", ")
            ));
        }
        let gated: Vec<&crate::story::Choice> = s
            .sections
            .iter()
            .flat_map(|x| &x.story.choices)
            .filter(|c| c.gated())
            .collect();
        let codewords = s.codewords();
        if !codewords.is_empty() {
            o.push_str(&format!(
                "codewords from SugarCube macros: {} ({} gated choice(s))\n",
                codewords.join(", "),
                gated.len()
            ));
        }
        let silent = gated.iter().filter(|c| c.condition.is_none()).count();
        if silent > 0 {
            o.push_str(&format!(
                "{silent} gated choice(s) have no reader-facing condition yet: add `condition:` (the gateways bar asks for it)\n"
            ));
        }
        if !s.macros.is_empty() {
            o.push_str(
                "story-format code showrunner does not run, kept out of the reader's text:\n",
            );
            for m in &s.macros {
                o.push_str(&format!(
                    "  {name}:{} {} — {} ({})\n",
                    m.line, m.passage, m.text, m.what
                ));
            }
        }
        for k in &s.not_sections {
            o.push_str(&format!(
                "not a section: \"{}\" ({}, {name}:{}) — kept in the commit message\n",
                k.passage, k.what, k.line
            ));
        }
        o.push_str("next: showrunner gate check\n");
        o
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}
