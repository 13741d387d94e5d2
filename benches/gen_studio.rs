//! Writes a synthetic studio as a git repository:
//! `cargo run --release --example gen-studio -- <dir> [sections=10000] [seed=1] [synthetic|dense|counted]`.

#[path = "synth.rs"]
mod synth;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen-studio <dir> [sections] [seed] [synthetic|dense|counted]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let profile = match args.next() {
        None => synth::Profile::Synthetic,
        Some(name) => synth::Profile::parse(&name).unwrap_or_else(|| {
            eprintln!("unknown profile {name:?}: synthetic, dense or counted");
            std::process::exit(2);
        }),
    };
    let dir = std::path::PathBuf::from(dir);
    if dir.join("studio.toml").exists() {
        eprintln!("{} already holds a studio", dir.display());
        std::process::exit(2);
    }
    let commit = synth::write_repo_with(&dir, n, seed, profile);
    println!(
        "wrote {n} {profile:?} sections to {} (hot = cold = {commit})",
        dir.display()
    );
}
