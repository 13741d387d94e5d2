//! Writes a synthetic TU history with `git fast-import`:
//! `cargo run --release --example gen-history -- <dir> [commits=200000] [synthetic|dense]`.

#[path = "history.rs"]
mod history;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen-history <dir> [commits] [synthetic|dense]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let dense = match args.next().as_deref() {
        None | Some("synthetic") => false,
        Some("dense") => true,
        Some(other) => {
            eprintln!("unknown profile {other:?}: synthetic or dense");
            std::process::exit(2);
        }
    };
    let dir = std::path::PathBuf::from(dir);
    if dir.exists() {
        eprintln!("{} already exists", dir.display());
        std::process::exit(2);
    }
    let tus = history::write_with(&dir, n, dense);
    println!("wrote {n} commits ({tus} TUs) to {}", dir.display());
}
