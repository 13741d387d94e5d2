//! Writes a synthetic TU history with `git fast-import`:
//! `cargo run --release --example gen-history -- <dir> [commits=200000]`.

#[path = "history.rs"]
mod history;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen-history <dir> [commits]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let dir = std::path::PathBuf::from(dir);
    if dir.exists() {
        eprintln!("{} already exists", dir.display());
        std::process::exit(2);
    }
    let tus = history::write(&dir, n);
    println!("wrote {n} commits ({tus} TUs) to {}", dir.display());
}
