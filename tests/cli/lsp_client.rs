//! `lsp` through a real editor's language client: pygls's `LanguageClient` (the second
//! tier; `tests/lsp/client.py` is the session).

use crate::harness::{BIN, Sandbox, ok};

#[test]
#[ignore = "second tier: needs pygls, a real LSP client (pip install pygls==2.1.1) (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn a_writer_edits_navigates_completes_and_renames_through_a_real_lsp_client() {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsp/client.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(BIN)
        .arg(s.join("book"))
        .env("HOME", s.join("home"))
        .output()
        .expect(
            "python3 (the LSP client test needs Python 3 with `pip install pygls==2.1.1`; .ci/run installs it)",
        );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("No module named 'pygls'") && !text.contains("No module named 'lsprotocol'"),
        "pygls is not installed (pip install pygls==2.1.1; .ci/run installs it):\n{text}"
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("lsp session ok"), "{text}");
}
