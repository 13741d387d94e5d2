//! What goes wrong making the studio's outputs: bound views, the player, playtests and
//! reports.

/// A book that could not be bound.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    /// A view name the binder does not have.
    #[error("`{name}` is not a view (html, epub, twee, md, pdf)")]
    UnknownView {
        /// The name as given.
        name: String,
    },
    /// `--format` with no view.
    #[error("name at least one view: --format html,epub,twee,md,pdf")]
    NoView,
    /// `--edition` naming a language the snapshot has no edition in.
    #[error("{tag} has no edition in `{name}`{}", if known.is_empty() { " (it has no editions: they live in editions/<lang>/)".to_string() } else { format!(" (its editions: {}, or `all`)", known.join(", ")) })]
    UnknownEdition {
        /// The snapshot.
        tag: String,
        /// The language as given.
        name: String,
        /// The editions it has.
        known: Vec<String>,
    },
    /// The EPUB builder failed (a bug or a resource limit, not the book).
    #[error("internal: building the EPUB failed: {0}")]
    Epub(#[source] epub_builder::Error),
    /// `[print] paper` in `studio.toml` is not a paper size.
    #[error("{path}:{line}: `[print] paper = {value}` is not a paper size: {why}")]
    Paper {
        /// The file (`studio.toml`).
        path: String,
        /// Its line.
        line: u32,
        /// The value as written.
        value: String,
        /// What is wrong with it.
        why: String,
    },
    /// `[print] seed` in `studio.toml` is not a whole number.
    #[error("{path}:{line}: `[print] seed` must be a whole number")]
    Seed {
        /// The file (`studio.toml`).
        path: String,
        /// Its line.
        line: u32,
    },
    /// A picture the PDF view cannot draw.
    #[error("the picture `{asset}` cannot be drawn in the PDF: {why}")]
    Art {
        /// Its path in the snapshot.
        asset: String,
        /// What is wrong with it.
        why: String,
    },
    /// A face of the embedded type is missing (a build without its fonts).
    #[error("internal: the embedded font {name} is missing")]
    Font {
        /// Its PostScript name.
        name: &'static str,
    },
    /// Writing the PDF failed (a bug, not the book's fault).
    #[error("internal: writing the PDF failed: {message}")]
    Pdf {
        /// What krilla said.
        message: String,
    },
}

/// A book or a save the player cannot play.
#[derive(Debug, thiserror::Error)]
pub enum PlayError {
    /// The book's start section is not among its sections.
    #[error("{tag}: the start section `{start}` is not in the book")]
    NoStart {
        /// The snapshot.
        tag: String,
        /// The start section named.
        start: String,
    },
    /// A save made on another snapshot.
    #[error("the save is from snapshot `{saved}`, not `{tag}`")]
    OtherSnapshot {
        /// The save's snapshot.
        saved: String,
        /// The snapshot played.
        tag: String,
    },
    /// A save whose route leaves the book's sections.
    #[error("the save's step {step} is in `{saved}`, but the route is in `{actual}`")]
    OffRoute {
        /// The step (1-based).
        step: usize,
        /// The section the save has.
        saved: String,
        /// The section the route reached.
        actual: String,
    },
    /// A `--resume` file that is not a saved game.
    #[error("{}:{}: not a saved game: {source}", path.display(), source.line())]
    NotASave {
        /// The file.
        path: std::path::PathBuf,
        /// The JSON reader's error, with its line.
        source: serde_json::Error,
    },
    /// A save's choice the book refuses.
    #[error("the save's step {step}: {source}")]
    Refused {
        /// The step (1-based).
        step: usize,
        /// The player's refusal.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// A playtest that could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum PlaytestError {
    /// `--record` with no TU and none active.
    #[error("`--record` needs the Narration Dry-Run TU: `--tu <id>`, or make it the active one")]
    NoTu,
    /// The TU does not take commits.
    #[error("{reason}")]
    TuClosed {
        /// Why (the TU's state, or that it does not exist).
        reason: String,
    },
    /// The notes the tool wrote do not pass their schema (a bug).
    #[error("internal: the playtest notes would not be valid:\n{}", problems.join("\n"))]
    InvalidNotes {
        /// The schema's findings, one a line.
        problems: Vec<String>,
    },
}

/// A report that could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// `--since` that is not a date.
    #[error("`--since {value}` is not a date (YYYY-MM-DD)")]
    BadSince {
        /// The value as given.
        value: String,
    },
}

/// A story map that could not be drawn as SVG.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// Even one box per cluster would be more than a drawing can hold.
    #[error(
        "the story map has {sections} sections in {clusters} hub clusters: more than {limit} boxes, too many to draw as SVG"
    )]
    TooLarge {
        /// Sections in the studio.
        sections: usize,
        /// Clusters they fall into.
        clusters: usize,
        /// The most boxes a drawing holds.
        limit: usize,
    },
    /// The layout engine gave up on the graph.
    #[error("the layout engine could not lay out the story map ({sections} sections)")]
    Layout {
        /// Sections in the studio.
        sections: usize,
    },
}
