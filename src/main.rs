//! The `showrunner` binary: parse arguments, run, print, exit with the classified code.

use std::io::{IsTerminal, Write};

use clap::Parser;
use showrunner::cli::{self, Cli, Terminal};

fn main() {
    let cli = Cli::parse();
    let term = Terminal {
        color_ok: std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let out = cli::run(cli, term);
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    std::process::exit(out.code);
}
