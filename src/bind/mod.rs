//! Binding: a snapshot tag's tree, player-facing kinds only, rendered to reader views,
//! with a view log. Output is byte-identical for the same snapshot and options.
//!
//! Reads only the tag's tree objects — never the work tree, never hot — and refuses
//! anything that is not a snapshot tag on cold.

pub mod book;
pub mod epub;
pub mod html;
pub mod markdown;
pub mod templates;
pub mod twee;
pub mod xhtml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::app::Session;
use crate::date;
use crate::error::Error;
use crate::gate;
use crate::git::Repo;
use crate::snapshot;
use crate::studio::{Studio, sha256_hex};
use book::Book;

/// A view binding can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum View {
    /// One self-contained HTML file.
    Html,
    /// EPUB 3.
    Epub,
    /// Twee 3 (SugarCube 2).
    Twee,
    /// One Markdown file.
    Md,
}

impl View {
    /// Parses `html,epub,twee,md`.
    pub fn parse_list(s: &str) -> Result<Vec<View>, Error> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let v = match part {
                "html" => View::Html,
                "epub" => View::Epub,
                "twee" => View::Twee,
                "md" | "markdown" => View::Md,
                other => {
                    return Err(Error::Usage(format!(
                        "`{other}` is not a view (html, epub, twee, md)"
                    )));
                }
            };
            if !out.contains(&v) {
                out.push(v);
            }
        }
        if out.is_empty() {
            return Err(Error::Usage(
                "name at least one view: --format html,epub,twee,md".into(),
            ));
        }
        out.sort();
        Ok(out)
    }

    fn name(self) -> &'static str {
        match self {
            View::Html => "html",
            View::Epub => "epub",
            View::Twee => "twee",
            View::Md => "md",
        }
    }

    fn file(self) -> &'static str {
        match self {
            View::Html => "book.html",
            View::Epub => "book.epub",
            View::Twee => "book.twee",
            View::Md => "book.md",
        }
    }
}

/// Options of a binding run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Views to write.
    pub views: Vec<View>,
    /// Include finished art.
    pub art: bool,
    /// Include the codex as a glossary.
    pub codex: bool,
}

/// One written file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// File name inside the output folder.
    pub file: String,
    /// SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub size: usize,
}

/// What a binding run wrote.
#[derive(Clone, Debug)]
pub struct Bound {
    /// The snapshot.
    pub tag: String,
    /// Its commit.
    pub commit: String,
    /// The view files, then the view log.
    pub outputs: Vec<Output>,
}

/// The media type of an asset, by file extension.
pub(crate) fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// Writes `bytes` to `dir/file` atomically (a temporary file, then a rename).
fn write(dir: &Path, file: &str, bytes: &[u8]) -> Result<Output, Error> {
    let target = dir.join(file);
    let tmp = dir.join(format!(".{file}.{}.tmp", std::process::id()));
    let io = |p: &PathBuf, e: std::io::Error| Error::Io {
        path: p.clone(),
        message: e.to_string(),
    };
    std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
    std::fs::rename(&tmp, &target).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(&target, e)
    })?;
    Ok(Output {
        file: file.to_string(),
        sha256: sha256_hex(bytes),
        size: bytes.len(),
    })
}

/// The snapshot a tag names, refused unless it is a snapshot tag on cold (binding and
/// playing read only what has been checked and merged).
pub fn snapshot_on_cold(ws: &Session, tag: &str) -> Result<snapshot::Snapshot, Error> {
    let repo = &ws.repo;
    let cold_ref = format!("refs/heads/{}", ws.config.cold);
    let not_snapshot = |why: String| {
        Error::State {
        message: why,
        hint: Some("use a snapshot of cold: `showrunner snapshot list`, or make one with `showrunner snapshot`".into()),
    }
    };
    let snap = snapshot::list(repo)?
        .into_iter()
        .find(|s| s.name == tag)
        .ok_or_else(|| not_snapshot(format!("`{tag}` is not a snapshot tag")))?;
    let cold = repo
        .ref_target(&cold_ref)?
        .ok_or_else(|| not_snapshot(format!("there is no `{}` branch", ws.config.cold)))?;
    if !repo.is_ancestor(&snap.commit, &cold)? {
        return Err(not_snapshot(format!("snapshot `{tag}` is not on cold")));
    }
    Ok(snap)
}

/// The book of a snapshot as readers get it (player-facing files only, no codex or
/// art): what the Player-Narrator plays.
pub fn book_of(ws: &Session, tag: &str) -> Result<Book, Error> {
    let repo = &ws.repo;
    let snap = snapshot_on_cold(ws, tag)?;
    let files = repo.tree_files(&snap.commit, &snapshot::player_facing)?;
    let studio = Studio::from_files(files);
    let date = match repo.tag_time(tag)? {
        Some((secs, offset)) => date::ymd(secs, offset),
        None => String::new(),
    };
    Ok(Book::build(
        &studio,
        tag,
        &snap.commit,
        &date,
        false,
        &BTreeMap::new(),
        false,
    ))
}

/// Where `bind` notes the views it made of a snapshot's commit: `view <date> <format>
/// <file> <sha256>` lines.
pub const VIEWS_NOTES: &str = "refs/notes/showrunner-views";

/// The views bound from a snapshot's commit: (date, format), oldest first.
pub fn views_of(repo: &Repo, commit: &str) -> Result<Vec<(String, String)>, Error> {
    Ok(repo
        .note(VIEWS_NOTES, commit)?
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let mut p = l.split_whitespace();
            (p.next() == Some("view")).then_some(())?;
            Some((p.next()?.to_string(), p.next()?.to_string()))
        })
        .collect())
}

/// Binds a snapshot.
pub fn bind(ws: &Session, tag: &str, opts: &Options, out_dir: &Path) -> Result<Bound, Error> {
    let repo = &ws.repo;
    let snap = snapshot_on_cold(ws, tag)?;
    let files = repo.tree_files(&snap.commit, &snapshot::player_facing)?;
    let assets: BTreeMap<String, Vec<u8>> = files
        .iter()
        .filter(|(p, _)| p.starts_with("assets/"))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect();
    let studio = Studio::from_files(files);
    // The gate decision is about the whole snapshot tree, not just what readers see.
    let decision = gate::check(&Studio::load(&crate::studio::Tree::new(
        repo,
        &snap.commit,
    )?)?)
    .decision;
    let (time, date) = match repo.tag_time(tag)? {
        Some((secs, offset)) => (secs, date::ymd(secs, offset)),
        None => (0, String::new()),
    };
    let cover: Option<(String, Vec<u8>)> = studio
        .artifacts
        .iter()
        .find(|a| a.kind == crate::artifact::Kind::Studio)
        .and_then(|a| a.data.get("studio").and_then(|t| t.str_at("cover")))
        .and_then(|c| assets.get(c).map(|b| (c.to_string(), b.clone())));
    let book = Book::build(
        &studio,
        tag,
        &snap.commit,
        &date,
        opts.codex,
        &assets,
        opts.art,
    );

    // A studio may restyle the views with its own templates, read from the snapshot.
    let mut overrides = BTreeMap::new();
    for (path, bytes) in repo.tree_files(&snap.commit, &|p| p.starts_with("templates/bind/"))? {
        let text =
            String::from_utf8(bytes).map_err(|_| Error::Usage(format!("{path} is not UTF-8")))?;
        overrides.insert(path.trim_start_matches("templates/bind/").to_string(), text);
    }
    let templates = templates::Templates::load(&overrides)?;
    // Render every view first, so a failure leaves the folder as it was.
    let mut rendered: Vec<(View, Vec<u8>)> = Vec::new();
    for v in &opts.views {
        let bytes = match v {
            View::Md => markdown::render(&book).into_bytes(),
            View::Html => html::render(&book, &templates)?.into_bytes(),
            View::Twee => twee::render(&book).into_bytes(),
            View::Epub => epub::render(
                &book,
                time,
                cover.as_ref().map(|(p, b)| (p.as_str(), b.as_slice())),
                &templates,
            )?,
        };
        rendered.push((*v, bytes));
    }
    std::fs::create_dir_all(out_dir).map_err(|e| Error::Io {
        path: out_dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut outputs = Vec::new();
    for (v, bytes) in &rendered {
        outputs.push(write(out_dir, v.file(), bytes)?);
    }
    let mut log = format!(
        "# View log, written by `showrunner bind`.\ntag: {tag}\ncommit: {}\ndate: \"{date}\"\n",
        snap.commit
    );
    log.push_str(&format!("title: {}\n", crate::yaml::quote(&book.title)));
    log.push_str(&format!(
        "formats: [{}]\n",
        opts.views
            .iter()
            .map(|v| v.name())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let mut include = Vec::new();
    if opts.art {
        include.push("art");
    }
    if opts.codex {
        include.push("codex");
    }
    log.push_str(&format!("include: [{}]\n", include.join(", ")));
    log.push_str(&format!(
        "gate: {}\n",
        serde_json::to_value(decision)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    ));
    match &snap.previous {
        Some(p) => log.push_str(&format!("previous: {p}\n")),
        None => log.push_str("previous: null\n"),
    }
    log.push_str(&format!(
        "tus_since_previous: [{}]\n",
        snap.tus
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    log.push_str(&format!(
        "tool: {}\n",
        crate::yaml::quote(&gate::report_file::tool())
    ));
    log.push_str("outputs:\n");
    for o in &outputs {
        log.push_str(&format!(
            "  - {{file: {}, sha256: {}, size: {}}}\n",
            o.file, o.sha256, o.size
        ));
    }
    outputs.push(write(out_dir, "view-log.yaml", log.as_bytes())?);
    // The views bound from a snapshot are noted beside history (the report counts them).
    let who = repo.identity();
    let mut noted = String::new();
    for (o, (v, _)) in outputs.iter().zip(&rendered) {
        noted.push_str(&format!(
            "view {} {} {} {}\n",
            date::ymd(who.time, who.offset),
            v.name(),
            o.file,
            o.sha256
        ));
    }
    repo.append_note(VIEWS_NOTES, &snap.commit, &noted, &who)?;
    Ok(Bound {
        tag: tag.to_string(),
        commit: snap.commit,
        outputs,
    })
}
