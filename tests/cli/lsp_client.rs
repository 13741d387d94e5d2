//! `lsp` through a real editor's language client: pygls's `LanguageClient` (the second
//! tier; `tests/lsp/client.py` is the session).

#[test]
#[ignore = "second tier: needs pygls, a real LSP client (pip install pygls==2.1.1) (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn a_writer_edits_navigates_completes_and_renames_through_a_real_lsp_client() {
    let text = crate::harness::python_client(
        "lsp/client.py",
        &["pygls", "lsprotocol"],
        "pip install pygls==2.1.1",
    );
    assert!(text.contains("lsp session ok"), "{text}");
}
