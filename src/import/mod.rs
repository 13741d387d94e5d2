//! Imports from other tools into a studio, each recorded by a TU: a Twee 3 story
//! (Twine 2, Tweego) becomes sections, in a new studio or an existing one.

pub mod twee;

use std::path::{Path, PathBuf};

use crate::app::init;
use crate::app::{OpenRequest, Session};
use crate::error::Error;
use crate::trace::trailers;

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The story as read, with everything kept but not mapped.
    pub story: twee::Story,
    /// The studio folder.
    pub dir: PathBuf,
    /// Whether the studio was created by the import.
    pub created: bool,
    /// The TU that records it.
    pub tu: String,
    /// The commit on hot with the sections.
    pub commit: String,
}

fn studio_toml(template: &str, title: &str, start: &str) -> String {
    template
        .lines()
        .map(|l| {
            let key = l.split('=').next().unwrap_or("").trim();
            match key {
                "title" => format!("title = {}", toml_string(title)),
                "start" => format!("start = {}", toml_string(start)),
                _ => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The commit message body: what was kept but not mapped, whole, so nothing is lost.
fn record(story: &twee::Story, file: &str) -> String {
    let mut o = format!(
        "Imported from {file}: {} passage(s) as sections, {} link(s) as choices.\n",
        story.sections.len(),
        story
            .sections
            .iter()
            .map(|s| s.choices.len())
            .sum::<usize>()
    );
    if let Some(f) = &story.format {
        o.push_str(&format!("Story format: {f}.\n"));
    }
    if let Some(i) = &story.ifid {
        o.push_str(&format!("IFID: {i}\n"));
    }
    let codewords = story.codewords();
    if !codewords.is_empty() {
        o.push_str(&format!(
            "Codewords read from SugarCube macros: {}.\n",
            codewords.join(", ")
        ));
    }
    for (p, id) in &story.renamed {
        o.push_str(&format!(
            "Renamed: passage \"{p}\" is section {id} (its name's id was taken).\n"
        ));
    }
    if !story.macros.is_empty() {
        o.push_str(
            "\nStory-format macros kept in the prose (they do nothing in showrunner's views):\n",
        );
        for m in &story.macros {
            o.push_str(&format!(
                "  {}:{} {} — {}\n",
                file, m.line, m.passage, m.text
            ));
        }
    }
    for k in &story.not_sections {
        o.push_str(&format!(
            "\nNot a section: \"{}\" ({}, {file}:{}), kept here whole:\n",
            k.passage, k.what, k.line
        ));
        for l in k.text.lines() {
            o.push_str(&format!("    {l}\n"));
        }
    }
    o
}

/// Imports a Twee 3 story into the studio at `into`, creating the studio when the
/// folder has none. Nothing is written when the Twee does not parse or a section
/// would overwrite one that exists.
pub fn twee(
    file: &str,
    text: &str,
    into: &Path,
    hooks_exe: Option<&Path>,
) -> Result<Imported, Error> {
    let bad = |e: twee::TweeError| Error::Usage(format!("{file}:{}: {}", e.line, e.message));
    let story = twee::story(&twee::passages(text).map_err(bad)?).map_err(bad)?;
    if story.sections.is_empty() {
        return Err(Error::Usage(format!("{file}: no story passages to import")));
    }
    let files: Vec<(String, Vec<u8>)> = story
        .sections
        .iter()
        .map(|s| (format!("sections/{}.md", s.id), s.render().into_bytes()))
        .collect();
    let created = !into.join("studio.toml").exists();
    if created {
        let start = story.start.clone().unwrap_or_default();
        let title = story.title.clone();
        let make = |dir_title: &str, author: &str, today: &str| {
            let mut f: Vec<(String, Vec<u8>)> =
                init::default_files(title.as_deref().unwrap_or(dir_title), author, today)
                    .into_iter()
                    .filter(|(p, _)| p != "sections/opening.md" && p != "sections/.gitkeep")
                    .collect();
            for (p, bytes) in f.iter_mut() {
                if p == "studio.toml" {
                    let t = String::from_utf8_lossy(bytes).into_owned();
                    *bytes =
                        studio_toml(&t, title.as_deref().unwrap_or(dir_title), &start).into_bytes();
                }
            }
            f
        };
        init::init_with(into, &make, hooks_exe)?;
    }
    let ws = Session::discover(into)?;
    let repo = &ws.repo;
    let hot = format!("refs/heads/{}", ws.config.hot);
    let tip = repo.ref_target(&hot)?.ok_or_else(|| {
        Error::Git(crate::git::GitError::RevNotFound {
            rev: ws.config.hot.clone(),
        })
    })?;
    if !created {
        let clashes: Vec<&str> = files
            .iter()
            .map(|(p, _)| p.as_str())
            .filter(|p| repo.blob_at(&tip, p).ok().flatten().is_some())
            .collect();
        if !clashes.is_empty() {
            return Err(Error::Refused(format!(
                "the studio already has {}; nothing was imported",
                clashes.join(", ")
            )));
        }
    }
    let title = story.title.clone().unwrap_or_else(|| file.to_string());
    let opened = ws.open(&OpenRequest {
        loop_id: "scene_forge",
        title: &format!("Import \"{title}\" from Twee"),
        role: None,
        branch: false,
        inputs: &[format!("twee: {file}")],
    })?;
    let tip = repo.ref_target(&hot)?.unwrap_or(tip);
    let message = trailers::append(
        &format!(
            "Import {} section(s) from {file}\n\n{}",
            story.sections.len(),
            record(&story, file)
        ),
        &[
            ("TU", opened.id.as_str()),
            ("TU-Event", "checkpoint"),
            ("Step", "import"),
        ],
    );
    let commit = repo.commit_tool_files(&hot, &tip, &files, &message, &repo.identity())?;
    Ok(Imported {
        story,
        dir: into.to_path_buf(),
        created,
        tu: opened.id,
        commit,
    })
}
