//! The incremental gatecheck: a tree that differs from a tree already judged only in a
//! few files is judged by re-reading those files and everything outside `sections/`,
//! re-running the story graph in full, and keeping the judged tree's per-file findings
//! for the sections that did not change.
//!
//! What a full gatecheck of a tree leaves behind (a [`Memo`], under
//! `.git/showrunner/memo/`) is the story graph, every finding before waivers, and the
//! inputs a section's own findings read from other files (codeword ids, TU and codex
//! ids, the studio settings, the style sheet, canon spoiler terms, schema overrides,
//! asset hashes). A change that could alter an unchanged section's own findings — a
//! section deleted, an asset, a changed style sheet, a codeword newly mentioned, an id
//! that disappeared, an id added where a link dangles — is judged in full instead. The tests hold the
//! result to the full gatecheck's, byte for byte, over random series of edits.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::app::verdicts::BUILD_ID;
use crate::artifact::{self, Kind, Place};
use crate::error::Error;
use crate::gate::{BARS, Finding, Options, Report, run_bars, schema, verdict};
use crate::git::Repo;
use crate::ids::TreeId;
use crate::story::{self, Story};
use crate::studio::{Studio, Tree, sha256_hex};

/// How many memos a repository keeps (the oldest go first); each holds a story graph.
const KEEP: usize = 8;

/// More changed sections than this and a full gatecheck is as quick.
const MAX_CHANGED: usize = 512;

/// What a gatecheck of one tree leaves for judging the next one, on disk.
#[derive(Serialize, Deserialize)]
struct Memo {
    /// The build that judged it (bars change with the build).
    build: String,
    /// The tree judged.
    tree: TreeId,
    /// What was judged.
    model: Model,
}

/// What a gatecheck of a studio leaves for judging the next state of it: a tree in git
/// (kept as a [`Memo`]), or an editor's buffers (kept in memory by the language server).
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Model {
    /// Every finding of every bar before waivers, as JSON (findings leave absent fields
    /// out, which a compact encoding could not read back).
    findings: String,
    /// The whole story graph.
    story: Story,
    /// Every codeword id the studio mentions.
    codewords: BTreeSet<String>,
    /// The `id:` value and its line of each section file that has one, by path.
    section_ids: BTreeMap<String, (String, u32)>,
    /// TU brief ids (what a section's `tu` names).
    tus: BTreeSet<String>,
    /// Codex entry ids (what a section's links name besides sections).
    codex: BTreeSet<String>,
    /// Digest of the rest a section's own findings read: studio settings, style sheet,
    /// canon spoiler terms and schema overrides.
    context: String,
    /// Asset hashes by path.
    assets: BTreeMap<String, Option<String>>,
}

impl Model {
    /// The whole story graph of the studio judged.
    pub(crate) fn story(&self) -> &Story {
        &self.story
    }

    /// Whether the studio judged had a section at `path`.
    pub(crate) fn has_section(&self, path: &str) -> bool {
        self.story.sections.iter().any(|s| s.path == path)
    }
}

/// A full gatecheck of a loaded studio, and the model for judging its next state
/// incrementally (`None` when the run cannot serve as one: some bars only, an
/// explanation, a section that did not parse).
pub(crate) fn whole(studio: &Studio, opts: &Options) -> (Report, Option<Model>) {
    let run = run_bars(studio, None, &[], opts);
    let findings = run.findings.clone();
    let report = verdict(studio, opts, run.findings, run.witnesses, run.editions);
    let eligible = opts.bars == BARS && !opts.explain;
    let sections_parsed = !studio.rejected.iter().any(|r| r.kind == Kind::Section);
    let model = match (eligible && sections_parsed, run.story) {
        (true, Some(story)) => serde_json::to_string(&findings).ok().map(|findings| Model {
            findings,
            story,
            codewords: run.codewords,
            section_ids: section_ids(studio),
            tus: stems(studio, Kind::Tu),
            codex: stems(studio, Kind::Codex),
            context: context_digest(studio),
            assets: studio.assets.clone(),
        }),
        _ => None,
    };
    (report, model)
}

/// The next state of a judged studio, as an incremental step reads it.
pub(crate) struct Next<'a> {
    /// The sections that changed or were added, with their new bytes, by path.
    pub changed: BTreeMap<String, Vec<u8>>,
    /// Whether any of them is new.
    pub added: bool,
    /// Every file of the new state outside `sections/` (studio files only), with its
    /// bytes.
    pub outside: Vec<(String, Vec<u8>)>,
    /// Where the new state lives: for editions' staleness.
    pub source: &'a dyn crate::studio::Source,
    /// An asset's hash in the new state (`None` when it is not there).
    pub asset: &'a dyn Fn(&str) -> Result<Option<String>, Error>,
}

/// Codes whose findings the bars derive from the whole story graph or from every id,
/// which the incremental gatecheck recomputes everywhere. Every other code is about one
/// file's own content, read against the [`Memo`]'s inputs.
fn from_whole(code: &str) -> bool {
    matches!(
        code,
        "integrity/missing-start"
            | "integrity/dangling-choice"
            | "integrity/dead-end"
            | "integrity/terminal-with-choices"
            | "integrity/orphan-section"
            | "style/duplicate-choice-label"
            | "style/long-choice-label"
            | "schema/duplicate-id"
    ) || ["reachability/", "nonlinearity/", "gateways/"]
        .iter()
        .any(|p| code.starts_with(p))
}

fn stems(studio: &Studio, kind: Kind) -> BTreeSet<String> {
    crate::gate::context::stem_ids(studio, kind)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The digest of what, outside the sections, a section's own findings depend on.
fn context_digest(studio: &Studio) -> String {
    let mut text = String::new();
    for path in ["studio.toml", "style/style.yaml"] {
        let file = studio.text_of(path).unwrap_or("\u{0}absent");
        text.push_str(&format!("{path}\n{}\n{file}\n", file.len()));
    }
    for a in studio.artifacts.iter().filter(|a| a.kind == Kind::Canon) {
        for t in a
            .data
            .get("spoiler_terms")
            .and_then(crate::artifact::node::Node::as_seq)
            .unwrap_or(&[])
        {
            if let Some(term) = t.as_str() {
                text.push_str(&format!("spoiler {} {}\n{term}\n", a.path, term.len()));
            }
        }
    }
    for (kind, path, bytes) in &studio.schema_overrides {
        text.push_str(&format!("override {kind} {path} {}\n", sha256_hex(bytes)));
    }
    sha256_hex(text.as_bytes())
}

fn section_ids(studio: &Studio) -> BTreeMap<String, (String, u32)> {
    studio
        .artifacts
        .iter()
        .filter(|a| a.kind == Kind::Section)
        .filter_map(|a| Some((a.path.clone(), (a.id()?.to_string(), schema::id_line(a)))))
        .collect()
}

fn dir(repo: &Repo) -> PathBuf {
    repo.git_dir().join("showrunner").join("memo")
}

fn load(repo: &Repo, tree: &str) -> Option<Memo> {
    let bytes = std::fs::read(dir(repo).join(format!("{tree}.bin"))).ok()?;
    let memo: Memo = postcard::from_bytes(&bytes).ok()?;
    (memo.build == BUILD_ID && memo.tree == tree).then_some(memo)
}

/// Writes a memo (best effort: one that cannot be written only makes the next check
/// slower).
fn store(repo: &Repo, memo: &Memo) {
    let d = dir(repo);
    let Ok(bytes) = postcard::to_stdvec(memo) else {
        return;
    };
    if std::fs::create_dir_all(&d).is_err() {
        return;
    }
    let tmp = d.join(format!(".{}.{}.tmp", memo.tree, std::process::id()));
    if std::fs::write(&tmp, bytes).is_err()
        || std::fs::rename(&tmp, d.join(format!("{}.bin", memo.tree))).is_err()
    {
        let _ = std::fs::remove_file(&tmp);
        return;
    }
    crate::app::verdicts::prune(&d, "bin", KEEP);
}

/// Keeps the model of commit `new`'s tree as its memo.
fn remember(repo: &Repo, new: &str, model: Model) -> Result<(), Error> {
    store(
        repo,
        &Memo {
            build: BUILD_ID.to_string(),
            tree: repo.tree_id(new)?,
            model,
        },
    );
    Ok(())
}

/// A tree's judgement.
pub struct Judged {
    /// The gatecheck's report, exactly as a full gatecheck of the tree gives it.
    pub report: Report,
    /// The studio it was judged on: the whole studio after a full check, everything but
    /// the unchanged sections after an incremental one.
    pub studio: Studio,
    /// Whether it was judged incrementally.
    pub incremental: bool,
}

/// Judges the tree of commit `new`: incrementally from the memo of `base`'s tree when
/// there is one and the change allows it, else in full (leaving a memo either way).
pub fn judge(repo: &Repo, base: Option<&str>, new: &str, opts: &Options) -> Result<Judged, Error> {
    if let Some(base) = base
        && let Some((report, studio)) = incremental(repo, base, new, opts)?
    {
        return Ok(Judged {
            report,
            studio,
            incremental: true,
        });
    }
    let mut studio = Studio::load(&Tree::new(repo, new)?)?;
    if let Some(rules) = &opts.rules {
        studio.under(rules.clone());
    }
    let (report, model) = whole(&studio, opts);
    if let Some(model) = model {
        remember(repo, new, model)?;
    }
    Ok(Judged {
        report,
        studio,
        incremental: false,
    })
}

/// The incremental judgement of a tree in git, or `None` when the change needs a full
/// one.
fn incremental(
    repo: &Repo,
    base: &str,
    new: &str,
    opts: &Options,
) -> Result<Option<(Report, Studio)>, Error> {
    if opts.bars != BARS || opts.explain {
        return Ok(None);
    }
    let Some(memo) = load(repo, &repo.tree_id(base)?) else {
        return Ok(None);
    };
    // Which sections changed; anything else under sections/ or assets/ needs a full check.
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut added = false;
    for c in repo.tree_changes(base, new)? {
        let Some(path) = c.path.filter(|_| c.regular) else {
            return Ok(None);
        };
        let place = artifact::classify(&path);
        let section = matches!(place, Place::Artifact(Kind::Section));
        match (section, c.old, c.new) {
            (true, old, Some(id)) => {
                added |= old.is_none();
                ids.push((path, id));
            }
            // (Also the folders themselves, should one become a file or a link.)
            _ if section || path.starts_with("sections") || path.starts_with("assets") => {
                return Ok(None);
            }
            _ => {}
        }
    }
    if ids.len() > MAX_CHANGED {
        return Ok(None);
    }
    let mut changed: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (path, id) in ids {
        changed.insert(path, repo.blob(&id)?);
    }
    let wanted = |p: &str| crate::studio::wanted(p);
    let outside = repo.tree_files_outside(new, &wanted, &["sections"])?;
    let tree = Tree::new(repo, new)?;
    let asset = |r: &str| -> Result<Option<String>, Error> {
        Ok(repo.blob_at(new, r)?.map(|bytes| sha256_hex(&bytes)))
    };
    let next = Next {
        changed,
        added,
        outside,
        source: &tree,
        asset: &asset,
    };
    let Some((report, thin, model)) = advance(memo.model, next, opts)? else {
        return Ok(None);
    };
    remember(repo, new, model)?;
    Ok(Some((report, thin)))
}

/// Judges the next state of a judged studio from the model of the last: the changed
/// sections and every file outside `sections/` read again, the story graph patched and
/// run whole, the unchanged sections' own findings kept. `None` when the change needs a
/// full gatecheck (the guards below, in the order the model's inputs are compared).
///
/// Long by design (one of the few): a sequence of guards, each of which may fall back
/// to a full check, read top to bottom.
pub(crate) fn advance(
    memo: Model,
    next: Next<'_>,
    opts: &Options,
) -> Result<Option<(Report, Studio, Model)>, Error> {
    if opts.bars != BARS || opts.explain || next.changed.len() > MAX_CHANGED {
        return Ok(None);
    }
    let Next {
        changed,
        added,
        outside,
        source,
        asset,
    } = next;
    let changed_paths: BTreeSet<String> = changed.keys().cloned().collect();
    let mut files = outside;
    files.extend(changed);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    if !files.iter().any(|(p, _)| p == "studio.toml") {
        return Ok(None);
    }
    let mut thin = Studio::from_files(files);
    thin.date_editions(source)?;
    if thin.rejected.iter().any(|r| r.kind == Kind::Section) {
        return Ok(None);
    }
    if let Some(rules) = &opts.rules {
        thin.under(rules.clone());
    }
    // What an unchanged section's own findings read must be what they were read against.
    if context_digest(&thin) != memo.context {
        return Ok(None);
    }
    let unchanged_section = |p: &str| p.starts_with("sections/") && !changed_paths.contains(p);
    let memo_findings: Vec<Finding> = match serde_json::from_str(&memo.findings) {
        Ok(f) => f,
        Err(_) => return Ok(None),
    };
    let (tus, codex) = (stems(&thin, Kind::Tu), stems(&thin, Kind::Codex));
    // New ids can only resolve references that dangled; with none dangling in the
    // unchanged sections, ids added elsewhere leave their findings as they were.
    let dangling = |code: &str| {
        memo_findings
            .iter()
            .any(|f| f.code == code && unchanged_section(&f.path))
    };
    // A new section is a new anchor for links as well.
    if !tus.is_superset(&memo.tus)
        || (tus != memo.tus && dangling("integrity/dangling-ref"))
        || (added && dangling("integrity/dangling-link"))
        || !codex.is_superset(&memo.codex)
        || (codex != memo.codex && dangling("integrity/dangling-link"))
    {
        return Ok(None);
    }
    for r in thin.asset_refs() {
        let hash = match memo.assets.get(&r) {
            Some(h) => h.clone(),
            None if crate::studio::safe_asset_path(&r) => asset(&r)?,
            None => None,
        };
        thin.assets.insert(r, hash);
    }
    // The story graph: the memo's, with the changed sections read again and the new
    // ones in their places (sections are in path order, as `Story::build` makes them).
    let mut story = memo.story;
    story.declare_counters(&thin);
    let mut replaced = Vec::new();
    let mut fresh = Vec::new();
    for (ai, a) in thin.artifacts.iter().enumerate() {
        if a.kind != Kind::Section {
            continue;
        }
        let section = story::section(a, ai);
        match story.by_id.get(artifact::stem(&a.path)) {
            Some(&i) if story.sections[i].path == a.path => {
                story.sections[i] = section;
                replaced.push(i);
            }
            Some(_) => return Ok(None),
            None => fresh.push(section),
        }
    }
    if replaced.len() + fresh.len() != changed_paths.len() {
        return Ok(None);
    }
    // A new section goes where its path sorts; every index after it moves up one.
    for section in fresh {
        let pos = story.sections.partition_point(|s| s.path < section.path);
        let shift = |i: &mut usize| {
            if *i >= pos {
                *i += 1;
            }
        };
        story.by_id.values_mut().for_each(shift);
        for s in &mut story.sections {
            s.choices
                .iter_mut()
                .filter_map(|c| c.target.as_mut())
                .for_each(shift);
        }
        story.by_id.insert(section.id.clone(), pos);
        story.sections.insert(pos, section);
    }
    // Choice targets: the sections read again have none yet, and a new section may be
    // what a choice elsewhere was missing.
    let resolve: Vec<usize> = match added {
        true => (0..story.sections.len()).collect(),
        false => replaced,
    };
    for i in resolve {
        for c in &mut story.sections[i].choices {
            if c.target.is_none() {
                c.target = story.by_id.get(&c.to).copied();
            }
        }
    }
    if added {
        story.start = story.by_id.get(&thin.config.start).copied();
    }
    let others: Vec<schema::IdEntry<'_>> = memo
        .section_ids
        .iter()
        .filter(|(p, _)| !changed_paths.contains(p.as_str()))
        .map(|(p, (id, line))| (Kind::Section, p.as_str(), id.as_str(), *line))
        .collect();
    let run = run_bars(&thin, Some(story), &others, opts);
    if run.codewords != memo.codewords {
        return Ok(None);
    }
    let mut findings: Vec<Finding> = run
        .findings
        .into_iter()
        .filter(|f| from_whole(&f.code) || !unchanged_section(&f.path))
        .collect();
    findings.extend(
        memo_findings
            .into_iter()
            .filter(|f| !from_whole(&f.code) && unchanged_section(&f.path)),
    );
    let mut ids = memo.section_ids;
    for path in &changed_paths {
        ids.remove(path);
    }
    ids.extend(section_ids(&thin));
    let mut assets = memo.assets;
    assets.extend(thin.assets.iter().map(|(k, v)| (k.clone(), v.clone())));
    let editions = run.editions;
    let (Some(story), Ok(json)) = (run.story, serde_json::to_string(&findings)) else {
        return Ok(None);
    };
    let model = Model {
        findings: json,
        story,
        codewords: run.codewords,
        section_ids: ids,
        tus,
        codex,
        context: memo.context,
        assets,
    };
    let report = verdict(&thin, opts, findings, None, editions);
    Ok(Some((report, thin, model)))
}
