//! `showrunner conflict`: disagreements between roles, settled by the authority table
//! or escalated to the customer.

use clap::{Args, Subcommand};

use super::{Ctx, Format, Output, WithCommit, json_line};
use crate::app::conflict::{self, Conflict};
use crate::error::Error;

/// Arguments of `conflict`.
#[derive(Debug, Args)]
pub struct ConflictArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ConflictCommand,
}

/// `conflict` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConflictCommand {
    /// Record a disagreement; the authority table names who decides, or the customer is asked.
    Open {
        /// The roles in disagreement, comma-separated (`lore_weaver,plotwright`).
        #[arg(long, value_delimiter = ',', required = true)]
        roles: Vec<String>,
        /// What it is about, in a line.
        #[arg(long)]
        topic: String,
        /// The table's topic it falls under (default: found from the topic's words).
        #[arg(long, value_name = "TOPIC")]
        about: Option<String>,
        /// The TU it concerns.
        #[arg(long)]
        tu: Option<String>,
    },
    /// Conflicts not yet resolved (`--all`: every one).
    List {
        /// Resolved ones too.
        #[arg(long)]
        all: bool,
    },
    /// Record the decision of the role the table gives the word (or the mediator).
    Resolve {
        /// The conflict (`C-2026-11-26-01`).
        id: String,
        /// The role deciding.
        #[arg(long)]
        by: String,
        /// The decision, in a line.
        #[arg(long)]
        decision: String,
    },
}

/// A conflict in a line or two, for people.
pub(super) fn human(c: &Conflict) -> String {
    let mut s = format!(
        "{}  {}  {} — {}\n",
        c.id,
        c.status,
        c.roles.join(" vs "),
        c.topic
    );
    match (&c.decides, &c.question, &c.resolution) {
        (_, _, Some(r)) => s.push_str(&format!(
            "    settled by {}: {r}\n",
            c.resolved_by.as_deref().unwrap_or("?")
        )),
        (Some(d), _, None) => s.push_str(&format!(
            "    {d} decides ({})\n",
            c.kind.as_deref().unwrap_or("authority table")
        )),
        (None, Some(q), None) => s.push_str(&format!("    asked the customer: {q}\n")),
        _ => {}
    }
    s
}

pub(super) fn run(ctx: &Ctx, args: ConflictArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let json_out = ctx.format == Format::Json;
    let stdout = match args.command {
        ConflictCommand::Open {
            roles,
            topic,
            about,
            tu,
        } => {
            let o = conflict::open(ws, &roles, &topic, about.as_deref(), tu.as_deref())?;
            if json_out {
                json_line(&WithCommit {
                    value: &o.conflict,
                    commit: &o.commit,
                })
            } else {
                format!(
                    "opened {} — {} on hot\n{}",
                    o.conflict.id,
                    crate::ids::short(&o.commit),
                    human(&o.conflict)
                )
            }
        }
        ConflictCommand::List { all } => {
            let shown: Vec<Conflict> = conflict::list(ws)?
                .into_iter()
                .filter(|c| all || c.status != "resolved")
                .collect();
            if json_out {
                json_line(&shown)
            } else if shown.is_empty() {
                "no open conflicts\n".into()
            } else {
                shown.iter().map(human).collect()
            }
        }
        ConflictCommand::Resolve { id, by, decision } => {
            let o = conflict::resolve(ws, &id, &by, &decision)?;
            if json_out {
                json_line(&WithCommit {
                    value: &o.conflict,
                    commit: &o.commit,
                })
            } else {
                format!(
                    "settled {} — {} on hot\n{}",
                    id,
                    crate::ids::short(&o.commit),
                    human(&o.conflict)
                )
            }
        }
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}
