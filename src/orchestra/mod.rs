//! The Showrunner's desk: playbooks (loops), dispatch, question batches and status.

pub mod dispatch;
pub mod playbook;
pub mod questions;
pub mod status;
