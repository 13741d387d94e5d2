//! The Showrunner's judgement, pure: dispatch maps a customer's freeform request to
//! loops (playbooks) with their parameters, roles and lanes, or to a question. The
//! desk's workflows that read and write the studio (roster, questions, conflicts,
//! loops, feedback, status) are `app`'s.

pub mod dispatch;
pub mod model;
