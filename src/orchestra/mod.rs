//! The Showrunner's desk: playbooks (loops), and later dispatch, roles and questions.

pub mod playbook;
