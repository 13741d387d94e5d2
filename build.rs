//! Embeds the sample studio (`fixtures/sample/`) and the default playbooks (`playbooks/`)
//! into the binary, as sorted tables of `(path, bytes)`, and names the build: a hash of
//! everything that decides a gatecheck (sources, schemas, playbooks, templates, the
//! lock file), so cached verdicts never outlive the code that reached them.

use std::fmt::Write as _;
use std::path::Path;

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let path = e.path();
        if path.is_dir() {
            collect(&path, &rel, out);
        } else {
            out.push((rel, path.display().to_string()));
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, "", &mut files);
    for (_, abs) in &files {
        println!("cargo:rerun-if-changed={abs}");
    }
    let mut src = String::from(
        "/// The sample studio, embedded at build time.\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (rel, abs) in &files {
        let _ = writeln!(src, "    ({rel:?}, include_bytes!({abs:?})),");
    }
    src.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("sample.rs"), src).expect("write sample table");

    let playbooks = Path::new(env!("CARGO_MANIFEST_DIR")).join("playbooks");
    println!("cargo:rerun-if-changed={}", playbooks.display());
    let mut files = Vec::new();
    collect(&playbooks, "playbooks", &mut files);
    files.retain(|(rel, _)| rel.ends_with(".yaml"));
    let mut src = String::from(
        "/// The embedded playbooks, as `(path, bytes)`.\npub static EMBEDDED: &[(&str, &[u8])] = &[\n",
    );
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={abs}");
        let _ = writeln!(src, "    ({rel:?}, include_bytes!({abs:?})),");
    }
    src.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("playbooks.rs"), src).expect("write playbook table");

    // FNV-1a over every path and byte that can change a verdict.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for dir in [
        "src",
        "schemas",
        "playbooks",
        "templates",
        "fixtures/sample",
    ] {
        println!("cargo:rerun-if-changed={}", manifest.join(dir).display());
        let mut files = Vec::new();
        collect(&manifest.join(dir), dir, &mut files);
        for (rel, abs) in &files {
            println!("cargo:rerun-if-changed={abs}");
            feed(rel.as_bytes());
            feed(&std::fs::read(abs).unwrap_or_default());
        }
    }
    println!(
        "cargo:rerun-if-changed={}",
        manifest.join("Cargo.lock").display()
    );
    feed(&std::fs::read(manifest.join("Cargo.lock")).unwrap_or_default());
    std::fs::write(
        Path::new(&out_dir).join("build_id.rs"),
        format!(
            "/// What this build's verdicts depend on (sources, schemas, playbooks, templates, lock file).\npub const BUILD_ID: &str = \"{}-{hash:016x}\";\n",
            env!("CARGO_PKG_VERSION")
        ),
    )
    .expect("write build id");
}
