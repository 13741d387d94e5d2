//! Trace Units, pure: ids, trailers, briefs, the lifecycle, the ledger folded from
//! commits (the walk is `app::history`'s) and snapshot records. A TU's state is
//! derived from `TU-Event:` trailers, never stored.

pub mod brief;
pub mod id;
pub mod ledger;
pub mod lifecycle;
pub mod snapshot;
pub mod trailers;
