//! Importing into a studio, recorded by a TU: a Twee 3 story becomes sections, in a
//! new studio or an existing one.

use std::path::{Path, PathBuf};

use super::init;
use super::{OpenRequest, Session};
use crate::error::{Error, InputError, SetupError};
use crate::ids::CommitId;
use crate::import::{record, studio_toml, twee};
use crate::trace::trailers;

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Imported {
    /// The studio folder.
    #[serde(serialize_with = "display")]
    pub dir: PathBuf,
    /// Whether the studio was created by the import.
    pub created: bool,
    /// The TU that records it.
    pub tu: String,
    /// The commit on hot with the sections.
    pub commit: CommitId,
    /// The story as read, with everything kept but not mapped (its fields inlined).
    #[serde(flatten)]
    pub story: twee::Story,
}

fn display<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&path.display())
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
    let bad = |e: twee::TweeError| InputError::Twee {
        path: file.to_string(),
        line: e.line,
        message: e.message,
    };
    // Twee 3, or a Twine 2 story published or archived as HTML.
    let html =
        file.ends_with(".html") || file.ends_with(".htm") || text.trim_start().starts_with('<');
    let passages = if html || crate::import::twine_html::is_twine_html(text) {
        crate::import::twine_html::passages(text)
    } else {
        twee::passages(text)
    };
    let story = twee::story(&passages.map_err(bad)?).map_err(bad)?;
    if story.sections.is_empty() {
        return Err(SetupError::NothingToImport {
            file: file.to_string(),
        }
        .into());
    }
    let mut files: Vec<(String, Vec<u8>)> = story
        .sections
        .iter()
        .map(|s| (s.story.path.clone(), s.render().into_bytes()))
        .chain(
            story
                .codex
                .iter()
                .map(|e| (e.path(), e.render().into_bytes())),
        )
        .collect();
    // After the sections and entries, which `check_before_writing` pairs with passages.
    if !story.counters.is_empty() {
        files.push((
            "counters.yaml".into(),
            crate::import::counters_yaml(&story.counters).into_bytes(),
        ));
    }
    check_before_writing(file, text, &story, &files)?;
    let created = !into.join("studio.toml").exists();
    let dir_existed = into.exists();
    let result = write(file, &story, &files, into, created, hooks_exe);
    if result.is_err() && created && !dir_existed {
        // A studio the import began and could not finish is taken away again.
        let _ = std::fs::remove_dir_all(into);
    }
    let (tu, commit) = result?;
    Ok(Imported {
        story,
        dir: into.to_path_buf(),
        created,
        tu,
        commit,
    })
}

/// Everything that could stop the import once it has begun writing, checked before it
/// writes anything: each section's file name fits the file system, and each section
/// file reads back as a valid artifact. Errors name the Twee file and the passage.
fn check_before_writing(
    file: &str,
    text: &str,
    story: &twee::Story,
    files: &[(String, Vec<u8>)],
) -> Result<(), Error> {
    let line_of = |passage: &str| {
        text.lines()
            .position(|l| {
                l.strip_prefix("::")
                    .is_some_and(|h| h.trim_start().starts_with(passage))
            })
            .map(|i| i + 1)
            .unwrap_or(1)
    };
    let passages = story
        .sections
        .iter()
        .map(|s| (&s.passage, crate::artifact::Kind::Section))
        .chain(
            story
                .codex
                .iter()
                .map(|e| (&e.passage, crate::artifact::Kind::Codex)),
        );
    for ((passage, kind), (path, bytes)) in passages.zip(files) {
        let bad = |message: String| InputError::Twee {
            path: file.to_string(),
            line: line_of(passage),
            message,
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        if name.len() > 255 {
            return Err(bad(format!(
                "passage \"{}\" would be a file name of {} bytes (at most 255): rename the passage",
                crate::trace::trailers::one_line(passage),
                name.len()
            ))
            .into());
        }
        if let Err(e) = crate::artifact::parse(kind, path, bytes) {
            return Err(bad(format!(
                "passage \"{}\" does not make a valid {}: {}",
                crate::trace::trailers::one_line(passage),
                if kind == crate::artifact::Kind::Codex {
                    "codex entry"
                } else {
                    "section"
                },
                e.message
            ))
            .into());
        }
    }
    Ok(())
}

/// The writing half of the import: the studio (when new), the TU and the commit.
fn write(
    file: &str,
    story: &twee::Story,
    files: &[(String, Vec<u8>)],
    into: &Path,
    created: bool,
    hooks_exe: Option<&Path>,
) -> Result<(String, CommitId), Error> {
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
    let hot = ws.hot_ref();
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
            return Err(SetupError::ImportClash {
                files: clashes.iter().map(|c| c.to_string()).collect(),
            }
            .into());
        }
    }
    let title =
        crate::trace::trailers::one_line(&story.title.clone().unwrap_or_else(|| file.to_string()));
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
            record(story, file)
        ),
        &[
            ("TU", opened.id.as_str()),
            ("TU-Event", "checkpoint"),
            ("Step", "shape_choices"),
            ("Step", "draft_prose"),
        ],
    );
    let commit = repo.commit_tool_files(&hot, &tip, files, &message, &repo.identity())?;
    Ok((opened.id, commit))
}
