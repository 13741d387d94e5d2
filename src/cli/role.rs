//! `showrunner role`: the roster — list, wake, put to sleep.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{Ctx, Format, Output, json_line, json_pretty};
use crate::app::roster::{self, Changed, Listed};
use crate::error::Error;

/// Arguments of `role`.
#[derive(Debug, Args)]
pub struct RoleArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: RoleCommand,
}

/// `role` subcommands.
#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Every role: state, since, reason, open TUs naming it, share of TU commits.
    List,
    /// Wake a role for a TU (commits roles.yaml on hot with `Role-Event: wake`).
    Wake {
        /// The role, by id or code (`art_director`, `AD`).
        role: String,
        /// The TU that needs it.
        #[arg(long)]
        tu: String,
        /// Why it is needed.
        #[arg(long)]
        reason: String,
    },
    /// Put an optional role to sleep; open TUs naming it get its deferral tag.
    Dormant {
        /// The role, by id or code.
        role: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// What should wake it again.
        #[arg(long, value_name = "CONDITION")]
        rewake: Option<String>,
        /// Even though it is responsible in an open TU.
        #[arg(long)]
        force: bool,
    },
}

/// A role in `role list --format json`: its roster entry inlined, without the TU that
/// changed it.
#[derive(Serialize)]
struct RoleJson<'a> {
    role: &'a str,
    code: &'a str,
    state: &'a str,
    since: &'a str,
    reason: &'a str,
    rewake_when: Option<&'a str>,
    open_tus: &'a [String],
    responsible_in: &'a [String],
    commits: usize,
    share: f64,
}

impl<'a> From<&'a Listed> for RoleJson<'a> {
    fn from(r: &'a Listed) -> Self {
        RoleJson {
            role: r.role,
            code: r.code,
            state: &r.entry.state,
            since: &r.entry.since,
            reason: &r.entry.reason,
            rewake_when: r.entry.rewake_when.as_deref(),
            open_tus: &r.open_tus,
            responsible_in: &r.responsible_in,
            commits: r.commits,
            share: r.share,
        }
    }
}

pub(super) fn run(ctx: &Ctx, args: RoleArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let stdout = match args.command {
        RoleCommand::List => {
            let roles = roster::list(ws)?;
            match ctx.format {
                Format::Json => json_pretty(&roles.iter().map(RoleJson::from).collect::<Vec<_>>()),
                Format::Human | Format::Github => {
                    let mut s = String::new();
                    for r in &roles {
                        s.push_str(&format!(
                            "{:<16} {:<4} {:<7} {:<10} {:>5.1} %  {}\n",
                            r.role,
                            r.code,
                            r.entry.state,
                            if r.entry.since.is_empty() {
                                "—"
                            } else {
                                r.entry.since.as_str()
                            },
                            r.share * 100.0,
                            r.entry.reason
                        ));
                        if !r.open_tus.is_empty() {
                            s.push_str(&format!("{:<22}open TUs: {}\n", "", r.open_tus.join(", ")));
                        }
                        if let Some(w) = &r.entry.rewake_when {
                            s.push_str(&format!("{:<22}wake when: {w}\n", ""));
                        }
                    }
                    s
                }
            }
        }
        RoleCommand::Wake { role, tu, reason } => {
            changed(ctx, &roster::wake(ws, &role, &tu, &reason)?)
        }
        RoleCommand::Dormant {
            role,
            reason,
            rewake,
            force,
        } => changed(
            ctx,
            &roster::dormant(ws, &role, &reason, rewake.as_deref(), force)?,
        ),
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}

fn changed(ctx: &Ctx, c: &Changed) -> String {
    match ctx.format {
        Format::Json => json_line(c),
        Format::Human | Format::Github => {
            let mut s = format!(
                "{} is {} — {} on hot\n",
                c.role,
                c.state,
                crate::ids::short(&c.commit)
            );
            for (tu, tag) in &c.deferred {
                s.push_str(&format!("  {tu}: tagged {tag}\n"));
            }
            s
        }
    }
}
