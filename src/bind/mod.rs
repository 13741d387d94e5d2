//! Binding: a snapshot tag's tree, player-facing kinds only, rendered to reader views,
//! with a view log. Output is byte-identical for the same snapshot and options.
//!
//! Pure: a [`Book`] in, view bytes and the view log out. Reading the tag's tree
//! objects (never the work tree, never hot) and writing the files is `app::bind`'s.

pub mod book;
pub mod edition;
pub mod epub;
pub mod html;
pub mod markdown;
pub mod numbering;
pub mod pdf;
pub mod templates;
pub mod twee;
pub mod words;
pub mod xhtml;

/// HTML comments in prose, as a writer uses them: notes to themselves that no reader
/// sees. Fed the raw HTML events of one piece of prose in order (a block comment comes
/// one line at a time), it says which of them belong to a comment.
#[derive(Default)]
pub(crate) struct Comments {
    open: bool,
}

impl Comments {
    /// Whether this raw HTML is (part of) a comment, to leave out of a view.
    pub(crate) fn hides(&mut self, html: &str) -> bool {
        if self.open {
            self.open = !html.contains("-->");
            return true;
        }
        let t = html.trim_start();
        if let Some(rest) = t.strip_prefix("<!--") {
            self.open = !rest.contains("-->");
            return true;
        }
        false
    }
}

use crate::artifact::yaml::Flow;
use crate::error::{BindError, Error};
use crate::gate::Decision;
use crate::ids::CommitId;
use crate::trace::snapshot::Snapshot;
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
    /// A numbered paper gamebook (tagged PDF).
    Pdf,
}

impl View {
    /// Parses `html,epub,twee,md,pdf`.
    pub fn parse_list(s: &str) -> Result<Vec<View>, Error> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let v = match part {
                "html" => View::Html,
                "epub" => View::Epub,
                "twee" => View::Twee,
                "md" | "markdown" => View::Md,
                "pdf" => View::Pdf,
                other => {
                    return Err(BindError::UnknownView {
                        name: other.to_string(),
                    }
                    .into());
                }
            };
            if !out.contains(&v) {
                out.push(v);
            }
        }
        if out.is_empty() {
            return Err(BindError::NoView.into());
        }
        out.sort();
        Ok(out)
    }

    /// The view's name on the command line (`html`, …).
    pub fn name(self) -> &'static str {
        match self {
            View::Html => "html",
            View::Epub => "epub",
            View::Twee => "twee",
            View::Md => "md",
            View::Pdf => "pdf",
        }
    }

    /// The file the view is written to.
    pub fn file(self) -> &'static str {
        match self {
            View::Html => "book.html",
            View::Epub => "book.epub",
            View::Twee => "book.twee",
            View::Md => "book.md",
            View::Pdf => "book.pdf",
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
    /// Include finished audio cues (the sound where a view can play it, the transcript
    /// in every view).
    pub audio: bool,
    /// Include the codex as a glossary.
    pub codex: bool,
    /// The language edition to bind (`all`: the source and every edition), instead of
    /// the source.
    pub edition: Option<String>,
}

/// One written file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
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
    pub commit: CommitId,
    /// The view files, then the view log.
    pub outputs: Vec<Output>,
    /// Each language edition bound: its language, the source's language, and what it
    /// left to the source or translates behind it.
    pub editions: Vec<(String, String, edition::Coverage)>,
}

/// The media type of an asset, by file extension (pictures and sound).
pub(crate) fn mime(path: &str) -> &'static str {
    match path
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .as_str()
    {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "mp3" => "audio/mpeg",
        "m4a" | "mp4" => "audio/mp4",
        "ogg" | "oga" | "opus" => "audio/ogg",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        _ => "application/octet-stream",
    }
}

/// One view written into `out` (the EPUB and the HTML as they are made, the others
/// whole); `print` is the PDF's paper and numbers (A5 and seed 0 when not given).
pub fn render_view_into(
    book: &Book,
    view: View,
    time: i64,
    cover: Option<(&str, &[u8])>,
    templates: &templates::Templates,
    print: Option<&pdf::Print>,
    out: &mut dyn std::io::Write,
) -> Result<(), Error> {
    match view {
        View::Epub => epub::render_into(book, time, cover, templates, out),
        View::Html => html::render_into(book, templates, out),
        other => {
            let bytes = render_view(book, other, time, cover, templates, print)?;
            out.write_all(&bytes).map_err(|e| Error::Io {
                path: other.file().into(),
                source: e,
            })
        }
    }
}

/// One view's bytes; `print` as for [`render_view_into`].
pub fn render_view(
    book: &Book,
    view: View,
    time: i64,
    cover: Option<(&str, &[u8])>,
    templates: &templates::Templates,
    print: Option<&pdf::Print>,
) -> Result<Vec<u8>, Error> {
    Ok(match view {
        View::Md => markdown::render(book).into_bytes(),
        View::Html => html::render(book, templates)?.into_bytes(),
        View::Twee => twee::render(book).into_bytes(),
        View::Epub => epub::render(book, time, cover, templates)?,
        View::Pdf => match print {
            Some(print) => pdf::render(book, print, time, cover)?,
            None => pdf::render(
                book,
                &pdf::Print::new(pdf::Paper::default(), 0, book),
                time,
                cover,
            )?,
        },
    })
}

/// The view log as written.
#[derive(serde::Serialize)]
struct ViewLog<'a> {
    tag: &'a str,
    commit: &'a str,
    date: &'a str,
    title: &'a str,
    formats: Flow<Vec<&'a str>>,
    include: Flow<Vec<&'a str>>,
    gate: Decision,
    previous: Option<&'a str>,
    tus_since_previous: Flow<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    edition: Option<EditionLog<'a>>,
    tool: &'a str,
    outputs: Vec<Flow<&'a Output>>,
}

/// What the view log says of a language edition.
#[derive(serde::Serialize)]
struct EditionLog<'a> {
    language: &'a str,
    untranslated: &'a [String],
    stale: &'a [String],
}

/// What a view log says of one book beyond the run: which edition it is, and its print
/// numbers when a PDF was bound.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogBook<'a> {
    /// The language edition bound, with what it left to the source.
    pub edition: Option<(&'a str, &'a edition::Coverage)>,
    /// Each print number with its section's file (empty when no PDF was bound).
    pub print_numbers: &'a [(u32, String)],
}

/// The view log: the snapshot, the options, the gate's decision on the snapshot's
/// tree, the TUs since the previous snapshot and every output with its SHA-256; when a
/// PDF was bound, `print_numbers`, each print number with its section's file (so "a
/// mistake in 212" leads to the file).
pub fn view_log(
    snap: &Snapshot,
    date: &str,
    title: &str,
    opts: &Options,
    decision: Decision,
    outputs: &[Output],
    book: LogBook<'_>,
) -> String {
    let LogBook {
        edition,
        print_numbers,
    } = book;
    let mut include = Vec::new();
    if opts.art {
        include.push("art");
    }
    if opts.audio {
        include.push("audio");
    }
    if opts.codex {
        include.push("codex");
    }
    let log = ViewLog {
        tag: &snap.name,
        commit: &snap.commit,
        date,
        title,
        formats: Flow(opts.views.iter().map(|v| v.name()).collect()),
        include: Flow(include),
        gate: decision,
        previous: snap.previous.as_deref(),
        tus_since_previous: Flow(snap.tus.iter().map(|(id, _)| id.as_str()).collect()),
        edition: edition.map(|(language, cov)| EditionLog {
            language,
            untranslated: &cov.untranslated,
            stale: &cov.stale,
        }),
        tool: crate::TOOL,
        outputs: outputs.iter().map(Flow).collect(),
    };
    // Strings, numbers and enums only: nothing here can fail to serialise.
    let mut text = String::from("# View log, written by `showrunner bind`.\n");
    text.push_str(&crate::artifact::yaml::to_string(&log).unwrap_or_default());
    if !print_numbers.is_empty() {
        text.push_str("print_numbers:\n");
        for (n, file) in print_numbers {
            text.push_str(&format!("  {n}: {}\n", crate::artifact::yaml::quote(file)));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn sound_files_have_their_media_types() {
        for (path, media_type) in [
            ("assets/audio/bell.mp3", "audio/mpeg"),
            ("assets/audio/bell.m4a", "audio/mp4"),
            ("assets/audio/bell.mp4", "audio/mp4"),
            ("assets/audio/bell.ogg", "audio/ogg"),
            ("assets/audio/bell.opus", "audio/ogg"),
            ("assets/audio/bell.wav", "audio/wav"),
            ("assets/audio/bell.flac", "audio/flac"),
            ("assets/audio/BELL.MP3", "audio/mpeg"),
            ("assets/map.png", "image/png"),
            ("assets/notes.txt", "application/octet-stream"),
        ] {
            assert_eq!(super::mime(path), media_type, "{path}");
        }
    }
}
