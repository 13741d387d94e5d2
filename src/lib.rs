//! showrunner: an interactive-fiction studio inside a git repository.
//!
//! The library does the work and returns values; it never prints and never exits.
//! `src/main.rs` and [`cli`] turn its results into output and exit codes.

/// The tool and version that writes reports and books (`showrunner 0.1.0`).
pub const TOOL: &str = concat!("showrunner ", env!("CARGO_PKG_VERSION"));

pub mod app;
pub mod artifact;
pub mod bind;
pub mod cli;
pub mod date;
pub mod error;
pub mod gate;
pub mod git;
pub mod ids;
pub mod import;
pub mod lsp;
pub mod orchestra;
pub mod play;
pub mod progress;
pub mod report;
pub mod roles;
pub mod schema;
pub mod story;
pub mod studio;
pub mod templates;
pub mod trace;

pub use error::Error;
