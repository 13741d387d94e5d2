//! The Showrunner's desk: playbooks (loops), dispatch, the role roster, question batches,
//! feedback and status.

pub mod conflict;
pub mod dispatch;
pub mod feedback;
pub mod loops;
pub mod playbook;
pub mod questions;
pub mod roster;
pub mod status;
