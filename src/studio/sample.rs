//! The embedded sample studio (`fixtures/sample/`), used by `init --from-sample` and `demo`.

include!(concat!(env!("OUT_DIR"), "/sample.rs"));

/// The sample's files as owned `(path, bytes)` pairs, sorted by path.
pub fn files() -> Vec<(String, Vec<u8>)> {
    FILES
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect()
}
