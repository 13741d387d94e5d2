//! The one integration-test binary: hermetic studios driven through the real CLI.

mod harness;

mod bind;
mod check;
mod cold;
mod conflicts;
mod defects;
mod demo;
mod dispatch;
mod docs;
mod editions;
mod fuzz;
mod gate;
mod http;
mod import;
mod incremental;
mod init;
mod intent;
mod loops;
mod lsp_client;
mod mcp;
mod output;
mod play;
mod print;
mod questions;
mod reach;
mod report;
mod roles;
mod roundtrip;
mod schemas;
mod snapshot;
mod sources;
mod status;
mod surface;
mod trailers;
mod tu;
