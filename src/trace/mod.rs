//! Trace Units: ids, trailers, the event ledger replayed from history, the lifecycle,
//! and lineage. A TU's state is derived from `TU-Event:` trailers, never stored.

pub mod brief;
pub mod id;
pub mod ledger;
pub mod lifecycle;
pub mod trailers;
