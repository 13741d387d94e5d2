//! Writes a synthetic studio as a git repository:
//! `cargo run --release --example gen-studio -- <dir> [sections=10000] [seed=1]`.

#[path = "synth.rs"]
mod synth;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen-studio <dir> [sections] [seed]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let dir = std::path::PathBuf::from(dir);
    if dir.join("studio.toml").exists() {
        eprintln!("{} already holds a studio", dir.display());
        std::process::exit(2);
    }
    let commit = synth::write_repo(&dir, n, seed);
    println!(
        "wrote {n} sections to {} (hot = cold = {commit})",
        dir.display()
    );
}
