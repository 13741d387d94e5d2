//! Binding a snapshot: read the tag's tree objects (never the work tree, never hot),
//! refuse anything that is not a snapshot tag on cold, render through [`crate::bind`],
//! write the files atomically and note the views beside history.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Session;
use super::snapshot;
use crate::bind::book::{Book, Stamp};
use crate::bind::templates::Templates;
use crate::bind::{self, Bound, Options, Output};
use crate::date;
use crate::error::{BindError, Error, InputError, SnapshotError};
use crate::git::Repo;
use crate::story::Story;
use crate::studio::{Studio, player_facing, sha256_hex};
use crate::trace::snapshot::Snapshot;

/// Writes `bytes` to `dir/file` atomically (a temporary file, then a rename).
fn write(dir: &Path, file: &str, bytes: &[u8]) -> Result<Output, Error> {
    let target = dir.join(file);
    let tmp = dir.join(format!(".{file}.{}.tmp", std::process::id()));
    let io = |p: &PathBuf, e: std::io::Error| Error::Io {
        path: p.clone(),
        source: e,
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

/// A file `make` writes into `dir`, through a temporary file renamed into place, hashed
/// and counted on the way.
fn write_with(
    dir: &Path,
    file: &str,
    make: impl FnOnce(&mut dyn std::io::Write) -> Result<(), Error>,
) -> Result<Output, Error> {
    use sha2::Digest as _;
    use std::io::Write as _;
    struct Hashing<W> {
        inner: W,
        hash: sha2::Sha256,
        size: usize,
    }
    impl<W: std::io::Write> std::io::Write for Hashing<W> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = self.inner.write(buf)?;
            self.hash.update(&buf[..n]);
            self.size += n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.inner.flush()
        }
    }
    let target = dir.join(file);
    let tmp = dir.join(format!(".{file}.{}.tmp", std::process::id()));
    let io = |p: &PathBuf, e: std::io::Error| Error::Io {
        path: p.clone(),
        source: e,
    };
    let made = std::fs::File::create(&tmp)
        .map_err(|e| io(&tmp, e))
        .and_then(|f| {
            let mut out = Hashing {
                inner: std::io::BufWriter::with_capacity(1 << 16, f),
                hash: sha2::Sha256::new(),
                size: 0,
            };
            make(&mut out)?;
            out.flush().map_err(|e| io(&tmp, e))?;
            Ok(out)
        })
        .and_then(|out| {
            std::fs::rename(&tmp, &target).map_err(|e| io(&target, e))?;
            Ok(out)
        });
    match made {
        Ok(out) => Ok(Output {
            file: file.to_string(),
            sha256: out
                .hash
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            size: out.size,
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The snapshot a tag names, refused unless it is a snapshot tag on cold (binding and
/// playing read only what has been checked and merged).
pub fn snapshot_on_cold(ws: &Session, tag: &str) -> Result<Snapshot, Error> {
    let repo = &ws.repo;
    let cold_ref = ws.cold_ref();
    let snap = snapshot::list(repo)?
        .into_iter()
        .find(|s| s.name == tag)
        .ok_or_else(|| SnapshotError::NotASnapshot {
            tag: tag.to_string(),
        })?;
    let cold = repo
        .ref_target(&cold_ref)?
        .ok_or_else(|| SnapshotError::NoCold {
            branch: ws.config.cold.clone(),
        })?;
    if !repo.is_ancestor(&snap.commit, &cold)? {
        return Err(SnapshotError::OffCold {
            tag: tag.to_string(),
        }
        .into());
    }
    Ok(snap)
}

/// The book of a snapshot as readers get it (player-facing files only, no codex or
/// art): what the Player-Narrator plays.
pub fn book_of(ws: &Session, tag: &str) -> Result<Book, Error> {
    let repo = &ws.repo;
    let snap = snapshot_on_cold(ws, tag)?;
    let files = repo.tree_files(&snap.commit, &player_facing)?;
    let studio = Studio::from_files(files);
    let date = match repo.tag_time(tag)? {
        Some(when) => date::ymd(when.time, when.offset),
        None => String::new(),
    };
    let story = Story::build(&studio);
    let stamp = Stamp {
        tag,
        commit: &snap.commit,
        date: &date,
    };
    Ok(Book::build(
        &studio,
        story,
        stamp,
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

/// Writes one book's views and its view log (made by `log` from the views' outputs)
/// into `out_dir`: the old log goes first and the new one last, so a bind cut short
/// leaves no log that disagrees with the files beside it.
#[allow(clippy::too_many_arguments)]
fn write_book(
    book: &Book,
    out_dir: &Path,
    time: i64,
    cover: Option<(&str, &[u8])>,
    templates: &Templates,
    opts: &Options,
    print: Option<&bind::pdf::Print>,
    log: impl FnOnce(&[Output]) -> String,
) -> Result<Vec<Output>, Error> {
    std::fs::create_dir_all(out_dir).map_err(|e| Error::Io {
        path: out_dir.to_path_buf(),
        source: e,
    })?;
    let log_path = out_dir.join("view-log.yaml");
    match std::fs::remove_file(&log_path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(Error::Io {
                path: log_path,
                source: e,
            });
        }
    }
    // One view at a time, written as it is made (the EPUB straight into its file).
    let mut outputs = Vec::new();
    for v in &opts.views {
        outputs.push(write_with(out_dir, v.file(), |out| {
            bind::render_view_into(book, *v, time, cover, templates, print, out)
        })?);
    }
    let text = log(&outputs);
    outputs.push(write(out_dir, "view-log.yaml", text.as_bytes())?);
    Ok(outputs)
}

/// Binds a snapshot.
pub fn bind(ws: &Session, tag: &str, opts: &Options, out_dir: &Path) -> Result<Bound, Error> {
    let repo = &ws.repo;
    let snap = snapshot_on_cold(ws, tag)?;
    // The snapshot's tree is parsed once: the gate decision is about all of it, the
    // book reads its player-facing kinds, and both use the one story graph.
    let mut studio = Studio::load(&crate::studio::Tree::new(repo, &snap.commit)?)?;
    let assets: BTreeMap<String, Vec<u8>> = repo
        .tree_files(&snap.commit, &|p| p.starts_with("assets/"))?
        .into_iter()
        .collect();
    // Read back when the snapshot (or a merge) judged this tree today.
    let report = super::verdicts::full_check_of(repo, &snap.commit, &studio)?;
    let decision = report.decision;
    if decision == crate::gate::Decision::Block {
        return Err(SnapshotError::Failing {
            tag: tag.to_string(),
            errors: report.count(crate::gate::Severity::Error),
        }
        .into());
    }
    let story = Story::build(&studio);
    let (time, date) = match repo.tag_time(tag)? {
        Some(when) => (when.time, date::ymd(when.time, when.offset)),
        None => (0, String::new()),
    };
    let cover: Option<(String, Vec<u8>)> = studio
        .config
        .cover
        .as_ref()
        .and_then(|c| assets.get(c).map(|b| (c.clone(), b.clone())));
    let stamp = Stamp {
        tag,
        commit: &snap.commit,
        date: &date,
    };
    // Translations that no longer keep their source's story show the source instead.
    let broken: Vec<String> = crate::gate::editions::mismatches(&studio, &story)
        .into_iter()
        .map(|f| f.path)
        .collect();
    let mut book = Book::build(&studio, story, stamp, opts.codex, &assets, opts.art);
    if opts.audio {
        book = book.with_sounds(&studio, &assets);
    }
    // The PDF's paper and seed, from `[print]`: a bad setting stops the bind before
    // anything is written (each book's numbers follow from them).
    let print = if opts.views.contains(&bind::View::Pdf) {
        Some(bind::pdf::Print::settings(&studio.config.print)?)
    } else {
        None
    };
    // Which books: the source's, one edition's, or the source's and every edition's
    // (each in a folder named by its language).
    let editions = std::mem::take(&mut studio.editions);
    let mut books: Vec<(PathBuf, Option<&crate::studio::Edition>)> = Vec::new();
    match opts.edition.as_deref() {
        None => books.push((out_dir.to_path_buf(), None)),
        Some("all") => {
            books.push((out_dir.join(&book.language), None));
            for e in &editions {
                books.push((out_dir.join(&e.language), Some(e)));
            }
        }
        Some(lang) => match editions.iter().find(|e| e.language == lang) {
            Some(e) => books.push((out_dir.to_path_buf(), Some(e))),
            None => {
                return Err(BindError::UnknownEdition {
                    tag: tag.to_string(),
                    name: lang.to_string(),
                    known: editions.iter().map(|e| e.language.clone()).collect(),
                }
                .into());
            }
        },
    }
    // The book holds what the views need: the parsed studio can go (a large one is most
    // of the memory), freed beside the rendering.
    super::release(studio);

    // A studio may restyle the views with its own templates, read from the snapshot.
    let mut overrides = BTreeMap::new();
    for (path, bytes) in repo.tree_files(&snap.commit, &|p| p.starts_with("templates/bind/"))? {
        let text = String::from_utf8(bytes).map_err(|_| InputError::NotUtf8 {
            path: path.clone(),
            on: None,
        })?;
        overrides.insert(path.trim_start_matches("templates/bind/").to_string(), text);
    }
    let templates = Templates::load(&overrides)?;
    let cover = cover.as_ref().map(|(p, b)| (p.as_str(), b.as_slice()));
    let mut outputs = Vec::new();
    let mut bound_editions = Vec::new();
    let source_language = book.language.clone();
    let mut noted = String::new();
    let who = repo.identity();
    let last = books.len() - 1;
    let mut book = Some(book);
    for (i, (dir, edition)) in books.into_iter().enumerate() {
        // The last book takes the source's; the others a copy.
        let Some(mut this) = (if i == last { book.take() } else { book.clone() }) else {
            break;
        };
        let coverage = edition.map(|e| {
            (
                e.language.as_str(),
                bind::edition::translate(&mut this, e, &broken),
            )
        });
        let prefix = match opts.edition.as_deref() {
            Some("all") => format!("{}/", this.language),
            _ => String::new(),
        };
        // Each book's print numbers (an edition keeps its source's story, so the same).
        let book_print = print
            .as_ref()
            .map(|(paper, seed)| bind::pdf::Print::new(paper.clone(), *seed, &this));
        let numbers = book_print
            .as_ref()
            .map(|p| p.numbers(&this))
            .unwrap_or_default();
        let written = write_book(
            &this,
            &dir,
            time,
            cover,
            &templates,
            opts,
            book_print.as_ref(),
            |outputs| {
                bind::view_log(
                    &snap,
                    &date,
                    &this.title,
                    opts,
                    decision,
                    outputs,
                    bind::LogBook {
                        edition: coverage.as_ref().map(|(l, c)| (*l, c)),
                        print_numbers: &numbers,
                    },
                )
            },
        )?;
        for (o, v) in written.iter().zip(&opts.views) {
            noted.push_str(&format!(
                "view {} {} {prefix}{} {}\n",
                date::ymd(who.time, who.offset),
                v.name(),
                o.file,
                o.sha256
            ));
        }
        if let Some((lang, cov)) = coverage {
            bound_editions.push((lang.to_string(), source_language.clone(), cov));
        }
        outputs.extend(written.into_iter().map(|o| Output {
            file: format!("{prefix}{}", o.file),
            ..o
        }));
    }
    // The views bound from a snapshot are noted beside history (the report counts them).
    repo.append_note(VIEWS_NOTES, &snap.commit, &noted, &who)?;
    Ok(Bound {
        tag: tag.to_string(),
        commit: snap.commit,
        outputs,
        editions: bound_editions,
    })
}
