//! What goes wrong with files: input that does not parse (with its path and line),
//! templates, and writes that would overwrite what they must not (init, hooks, import).

use std::path::PathBuf;

use crate::artifact::Rejected;
use crate::artifact::yaml::YamlError;

/// A file (or a text handed in as one) that cannot be used, named with its line.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// YAML that does not parse.
    #[error("{path}:{}: {source}", source.line)]
    Yaml {
        /// The file.
        path: String,
        /// The parser's error, with its line.
        source: YamlError,
    },
    /// An artifact that does not parse as its kind.
    #[error("{}:{}: {}", .0.path, .0.line, .0.message)]
    Rejected(Rejected),
    /// A parsed file with a line that makes no sense.
    #[error("{path}:{line}: {message}")]
    Line {
        /// The file.
        path: String,
        /// The line.
        line: u32,
        /// What is wrong with it.
        message: String,
    },
    /// Twee that cannot be imported.
    #[error("{path}:{line}: {message}")]
    Twee {
        /// The file.
        path: String,
        /// The 1-based line the importer complains about.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A text file that is not UTF-8.
    #[error("{path}{} is not UTF-8", on.as_ref().map(|r| format!(" on {r}")).unwrap_or_default())]
    NotUtf8 {
        /// The file.
        path: String,
        /// The branch it was read from, when the message names one.
        on: Option<String>,
    },
}

/// A template that does not compile or render.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// A template (embedded or a studio's own) that does not compile.
    #[error("{whose} template {folder}{name} does not compile: {source}")]
    Compile {
        /// Where its text came from ("the embedded", "the snapshot's", "hot's").
        whose: String,
        /// The folder names are relative to.
        folder: &'static str,
        /// The template.
        name: String,
        /// Tera's error.
        source: Box<tera::Error>,
    },
    /// A template that fails while rendering.
    #[error("rendering {folder}{name} failed: {source}")]
    Render {
        /// The folder names are relative to.
        folder: &'static str,
        /// The template.
        name: String,
        /// Tera's error.
        source: Box<tera::Error>,
    },
    /// A value that cannot be a template's context.
    #[error("the context of {folder}{name} does not serialise: {source}")]
    Context {
        /// The folder names are relative to.
        folder: &'static str,
        /// The template.
        name: String,
        /// Tera's error.
        source: Box<tera::Error>,
    },
    /// The embedded documents did not compile (kept as text: it is computed once and shared).
    #[error("{message}")]
    Embedded {
        /// The compile error, as first reported.
        message: String,
    },
}

/// A command that would overwrite something it must not; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// `init` in a folder that already holds a studio.
    #[error("{} already holds a studio (studio.toml exists); nothing was changed", dir.display())]
    AlreadyAStudio {
        /// The folder.
        dir: PathBuf,
    },
    /// `init` on a path that is a file.
    #[error("{} exists and is not a folder", dir.display())]
    NotAFolder {
        /// The path.
        dir: PathBuf,
    },
    /// `init` in a repository that already has hot or cold.
    #[error("the repository already has a `{branch}` branch; nothing was changed")]
    BranchExists {
        /// The branch (short name).
        branch: String,
    },
    /// `init` over files of the same names.
    #[error("{} already has {}; nothing was changed", dir.display(), files.join(", "))]
    WouldOverwrite {
        /// The folder.
        dir: PathBuf,
        /// The files it already has.
        files: Vec<String>,
    },
    /// A hook to install where both a foreign hook and its chained copy exist.
    #[error("{} exists and so does {}; move one of them away first", hook.display(), chained.display())]
    HookAndChained {
        /// The hook's path.
        hook: PathBuf,
        /// Where the foreign hook would be kept.
        chained: PathBuf,
    },
    /// A hook to install over a file that cannot be read.
    #[error("{} exists and cannot be read", hook.display())]
    HookUnreadable {
        /// The hook's path.
        hook: PathBuf,
    },
    /// An import whose sections the studio already has.
    #[error("the studio already has {}; nothing was imported", files.join(", "))]
    ImportClash {
        /// The files it already has.
        files: Vec<String>,
    },
    /// An import of a story with no passages.
    #[error("{file}: no story passages to import")]
    NothingToImport {
        /// The file.
        file: String,
    },
}
