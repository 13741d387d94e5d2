//! The `showrunner` binary: parse arguments, run, print, exit with the classified code.

use std::io::{BufRead, IsTerminal, Write};

use clap::Parser;
use showrunner::cli::{self, Cli, Command, Console, NotUtf8, Terminal};

/// mimalloc: a studio is hundreds of thousands of small allocations made and freed on
/// several threads; it keeps them faster and gives freed memory back, where the
/// system allocator's per-thread arenas kept a large bind's peak far above its use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The process's standard input and output, for `play` and `intent`.
struct Stdio;

impl Console for Stdio {
    fn read_line(&mut self) -> Option<Result<String, NotUtf8>> {
        let mut bytes = Vec::new();
        match std::io::stdin().lock().read_until(b'\n', &mut bytes) {
            Ok(0) | Err(_) => None,
            Ok(_) => {
                while bytes.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
                    bytes.pop();
                }
                Some(String::from_utf8(bytes).map_err(|_| NotUtf8))
            }
        }
    }

    fn write(&mut self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}

fn main() {
    let cli = Cli::parse();
    let term = Terminal {
        color_ok: std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        progress_ok: std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none_or(|v| v.is_empty())
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb"),
    };
    let out = match cli.command {
        Command::Play(_) | Command::Intent(_) | Command::Mcp(_) => {
            cli::run_interactive(cli, term, Box::new(Stdio))
        }
        _ => cli::run(cli, term),
    };
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    std::process::exit(out.code);
}
