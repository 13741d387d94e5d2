//! Trace Units: ids, trailers, the event ledger replayed from history, the lifecycle,
//! and lineage. A TU's state is derived from `TU-Event:` trailers, never stored.

pub mod trailers;
