//! The studio as an editor holds it: every studio file of the work tree, with the open
//! buffers over them (an unsaved edit counts), judged once in full and then, edit by
//! edit, incrementally from the last judgement's model (see [`crate::app::incremental`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::app::incremental::{self, Model, Next};
use crate::error::Error;
use crate::gate::{Finding, Options, Report};
use crate::story::Story;
use crate::story::reach::{self, Reach};
use crate::studio::{Source, Stale, Studio, WorkDir, sha256_hex};

/// The studio's files in memory: the work tree's, with the editor's buffers over them.
pub struct Workspace {
    root: PathBuf,
    disk: WorkDir,
    /// Every studio file (what [`crate::studio::wanted`] keeps), by studio path.
    files: BTreeMap<String, Vec<u8>>,
    /// Paths changed since the last judgement.
    pending: BTreeSet<String>,
    /// Whether a change since the last judgement needs a full one (a section gone).
    full: bool,
    model: Option<Model>,
    /// The story graph of the last judgement when it left no model (a section that did
    /// not parse); else the model's is the story.
    story: Story,
    report: Report,
    /// The gated search of the last judgement's story, made when first asked for.
    reach: Option<Reach>,
    /// How the last judgement was made.
    pub last: Judgement,
    /// Whether the studio has been judged at all.
    judged: bool,
}

/// How a judgement was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Judgement {
    /// Nothing had changed.
    #[default]
    Unchanged,
    /// Every file read and every bar run.
    Full,
    /// From the last judgement's model: the changed sections and the files outside
    /// `sections/` read again, the story graph patched.
    Incremental,
}

/// The studio files in memory, as a source to load or date from.
struct Memory<'a> {
    files: &'a BTreeMap<String, Vec<u8>>,
    disk: &'a WorkDir,
}

impl Source for Memory<'_> {
    fn files(&self) -> Result<Vec<(String, Vec<u8>)>, Error> {
        Ok(self
            .files
            .iter()
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect())
    }
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Error> {
        match self.files.get(path) {
            Some(b) => Ok(Some(b.clone())),
            None => self.disk.read(path),
        }
    }
    fn describe(&self) -> String {
        "editor buffers over the work tree".into()
    }
    fn stale(&self, pairs: &[(String, String)]) -> Result<Option<Vec<Option<Stale>>>, Error> {
        self.disk.stale(pairs)
    }
}

impl Workspace {
    /// Reads the studio under `root` and judges it in full.
    pub fn open(root: &Path) -> Result<Workspace, Error> {
        let disk = WorkDir::new(root);
        let files: BTreeMap<String, Vec<u8>> = disk.files()?.into_iter().collect();
        let mut ws = Workspace {
            root: root.to_path_buf(),
            disk,
            files,
            pending: BTreeSet::new(),
            full: true,
            model: None,
            story: Story::default(),
            report: Report::new(&[], Vec::new()),
            reach: None,
            last: Judgement::Unchanged,
            judged: false,
        };
        ws.judge()?;
        Ok(ws)
    }

    /// The studio root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A studio file's text as the editor has it (`None` when there is none, or it is
    /// not UTF-8).
    pub fn text(&self, path: &str) -> Option<&str> {
        self.files
            .get(path)
            .and_then(|b| std::str::from_utf8(b).ok())
    }

    /// Every studio file's path and text.
    pub fn texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .filter_map(|(p, b)| std::str::from_utf8(b).ok().map(|t| (p.as_str(), t)))
    }

    /// Sets a file's content (an edit in a buffer, a save, a file made on disk), or
    /// removes it (`None`). A path that is neither a studio file nor an asset is
    /// ignored.
    pub fn set(&mut self, path: &str, bytes: Option<Vec<u8>>) {
        if !crate::studio::wanted(path) {
            // An asset is read from disk when judged, and its hash is remembered: a
            // change to one is judged in full.
            if path.starts_with("assets/") {
                self.full = true;
                self.pending.insert(path.to_string());
            }
            return;
        }
        match bytes {
            Some(b) => {
                if self.files.get(path) == Some(&b) {
                    return;
                }
                self.files.insert(path.to_string(), b);
            }
            None => {
                if self.files.remove(path).is_none() {
                    return;
                }
                self.full |= path.starts_with("sections/");
            }
        }
        self.pending.insert(path.to_string());
    }

    /// Reads a file from disk again (its buffer was closed, or it changed outside the
    /// editor).
    pub fn reload(&mut self, path: &str) -> Result<(), Error> {
        let bytes = self.disk.read(path)?;
        self.set(path, bytes);
        Ok(())
    }

    /// Whether something changed since the last judgement.
    pub fn dirty(&self) -> bool {
        !self.pending.is_empty() || !self.judged
    }

    /// Judges the studio as it is now: incrementally from the last judgement when it
    /// can, else in full. The report is exactly what `check` would print for these
    /// files.
    pub fn judge(&mut self) -> Result<&Report, Error> {
        let opts = Options::default();
        self.last = Judgement::Unchanged;
        if !self.dirty() {
            return Ok(&self.report);
        }
        if !self.full
            && let Some(model) = self.model.take()
        {
            let changed: BTreeMap<String, Vec<u8>> = self
                .pending
                .iter()
                .filter(|p| p.starts_with("sections/"))
                .filter_map(|p| Some((p.clone(), self.files.get(p)?.clone())))
                .collect();
            let added = changed.keys().any(|p| !model.has_section(p));
            let outside: Vec<(String, Vec<u8>)> = self
                .files
                .iter()
                .filter(|(p, _)| !p.starts_with("sections/"))
                .map(|(p, b)| (p.clone(), b.clone()))
                .collect();
            let source = Memory {
                files: &self.files,
                disk: &self.disk,
            };
            let asset = |r: &str| -> Result<Option<String>, Error> {
                Ok(source.read(r)?.map(|b| sha256_hex(&b)))
            };
            let next = Next {
                changed,
                added,
                outside,
                source: &source,
                asset: &asset,
            };
            if let Some((report, _thin, model)) = incremental::advance(model, next, &opts)? {
                self.story = Story::default();
                self.model = Some(model);
                self.report = report;
                self.settle(Judgement::Incremental);
                return Ok(&self.report);
            }
        }
        let studio = Studio::load(&Memory {
            files: &self.files,
            disk: &self.disk,
        })?;
        let (report, model) = incremental::whole(&studio, &opts);
        self.story = match &model {
            Some(_) => Story::default(),
            None => Story::build(&studio),
        };
        self.model = model;
        self.report = report;
        crate::app::release(studio);
        self.settle(Judgement::Full);
        Ok(&self.report)
    }

    fn settle(&mut self, how: Judgement) {
        self.pending.clear();
        self.judged = true;
        self.full = self.model.is_none();
        self.reach = None;
        self.last = how;
    }

    /// The last judgement's report.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The last judgement's findings, by path.
    pub fn findings_by_path(&self) -> BTreeMap<&str, Vec<&Finding>> {
        let mut out: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &self.report.findings {
            out.entry(f.path.as_str()).or_default().push(f);
        }
        out
    }

    /// The whole story graph of the last judgement.
    pub fn story(&self) -> &Story {
        self.model.as_ref().map_or(&self.story, Model::story)
    }

    /// The gated search over the last judgement's story (made once per judgement).
    pub fn reach(&mut self) -> &Reach {
        let story = self.model.as_ref().map_or(&self.story, Model::story);
        self.reach.get_or_insert_with(|| reach::search(story))
    }
}
