//! Snapshot records: what a snapshot tag's message says — the manifest of the
//! player-facing files (path, SHA-256, size), the TUs merged since the previous
//! snapshot — and how it reads back. Making and verifying tags is `app::snapshot`'s.

use crate::ids::CommitId;
use crate::trace::trailers;

/// The trailer that marks a tag as a showrunner snapshot.
pub const MARK: &str = "Showrunner-Snapshot";

/// One manifest line.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// Studio-relative path.
    pub path: String,
    /// Lowercase hex SHA-256 of the file.
    pub sha256: String,
    /// Size in bytes.
    pub size: usize,
}

/// A snapshot as its tag records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The tag name.
    pub name: String,
    /// The cold commit it tags.
    pub commit: CommitId,
    /// The player-facing files.
    pub files: Vec<Entry>,
    /// TUs merged since the previous snapshot: (id, title).
    pub tus: Vec<(String, String)>,
    /// The previous snapshot, if any.
    pub previous: Option<String>,
}

/// Parses a snapshot tag's message back into its manifest and TU list.
pub fn parse(name: &str, commit: &str, message: &str) -> Snapshot {
    let found = trailers::parse(message);
    let mut files = Vec::new();
    let mut tus = Vec::new();
    let mut section = "";
    for line in message.lines() {
        if line.starts_with("Player-facing files") {
            section = "files";
            continue;
        }
        if line.starts_with("TUs merged") {
            section = "tus";
            continue;
        }
        if line.trim().is_empty() {
            section = "";
            continue;
        }
        match section {
            "files" => {
                let mut p = line.split_whitespace();
                if let (Some(sha), Some(size), Some(path)) = (p.next(), p.next(), p.next()) {
                    files.push(Entry {
                        sha256: sha.to_string(),
                        size: size.parse().unwrap_or(0),
                        path: path.to_string(),
                    });
                }
            }
            "tus" => {
                let (id, title) = line.split_once("  ").unwrap_or((line, ""));
                tus.push((id.trim().to_string(), title.trim().to_string()));
            }
            _ => {}
        }
    }
    Snapshot {
        name: name.to_string(),
        commit: CommitId::new(commit),
        files,
        tus,
        previous: trailers::first(&found, "Previous").map(str::to_string),
    }
}
