//! The Showrunner's desk: playbooks (loops), and later dispatch, roles and questions.

pub mod dispatch;
pub mod playbook;
pub mod questions;
