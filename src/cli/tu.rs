//! `showrunner tu …`: Trace Units.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{Ctx, Format, Output, json_pretty};
use crate::app::conflict::Conflict;
use crate::app::{ActiveFrom, Checkpoint, OpenRequest, Recorded, Session, Shown};
use crate::date;
use crate::error::Error;
use crate::trace::brief::Change;
use crate::trace::ledger::TuRecord;
use crate::trace::lifecycle::{Event, State};
use crate::trace::trailers::Trailer;

/// Arguments of `tu`.
#[derive(Debug, Args)]
pub struct TuArgs {
    /// Which TU command.
    #[command(subcommand)]
    pub command: TuCommand,
}

/// TU commands. Those taking `[ID]` act on the active TU when it is left out.
#[derive(Debug, Subcommand)]
pub enum TuCommand {
    /// Open a TU: write its brief on hot (RACI and deliverables from the loop's playbook).
    Open {
        /// The loop (playbook id), e.g. `lore_deepening`.
        #[arg(long = "loop", value_name = "LOOP")]
        loop_id: String,
        /// What the TU is for.
        #[arg(long)]
        title: String,
        /// The role opening it (id or code); it appears in the TU id.
        #[arg(long)]
        role: Option<String>,
        /// Also create `tu/<id>` from hot, for review as a pull request.
        #[arg(long)]
        branch: bool,
    },
    /// Start work on a TU (hot-proposed → stabilizing).
    Start {
        /// The TU (default: the active one).
        id: Option<String>,
    },
    /// Record progress: commit what is staged (or `-a`) with step and blocker trailers.
    Checkpoint {
        /// The TU (default: the active one).
        id: Option<String>,
        /// One-line summary.
        #[arg(short = 'm', long = "message")]
        message: Option<String>,
        /// A playbook step done (repeatable).
        #[arg(long = "step")]
        steps: Vec<String>,
        /// Something blocking progress (repeatable).
        #[arg(long = "blocker")]
        blockers: Vec<String>,
        /// A next action (repeatable).
        #[arg(long = "next")]
        next: Vec<String>,
        /// Stage every tracked change first, like `git commit -a`.
        #[arg(short = 'a', long = "all")]
        all: bool,
    },
    /// Edit brief fields, keeping the file's order and comments.
    Update {
        /// The TU (default: the active one).
        id: Option<String>,
        /// New title.
        #[arg(long)]
        title: Option<String>,
        /// Set a field: `--set timebox=2d` (repeatable).
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// Add an item to a list field: `--add risks="late art"` (repeatable).
        #[arg(long = "add", value_name = "FIELD=VALUE")]
        add: Vec<String>,
        /// Remove an item from a list field (repeatable).
        #[arg(long = "remove", value_name = "FIELD=VALUE")]
        remove: Vec<String>,
    },
    /// Park a TU with a reason and a time to revisit.
    Defer {
        /// The TU (default: the active one).
        id: Option<String>,
        /// Why.
        #[arg(long)]
        reason: String,
        /// When to look again (a date or an event).
        #[arg(long)]
        revisit: String,
    },
    /// Resume a deferred TU where it was.
    Reactivate {
        /// The TU (default: the active one).
        id: Option<String>,
    },
    /// Abandon a TU for good.
    Reject {
        /// The TU (default: the active one).
        id: Option<String>,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Finish a TU.
    Close {
        /// The TU (default: the active one).
        id: Option<String>,
    },
    /// List TUs with their states.
    List {
        /// Only TUs in this state (hot-proposed, stabilizing, gatecheck, cold-merged, deferred, rejected, closed).
        #[arg(long)]
        state: Option<String>,
    },
    /// Brief, event timeline, commits, files, blockers, gate reports and cold status.
    Show {
        /// The TU.
        id: String,
    },
    /// The active TU.
    Current,
    /// Make a TU the active one.
    Switch {
        /// The TU.
        id: String,
    },
    /// Markdown for a pull-request description.
    PrBody {
        /// The TU.
        id: String,
    },
}

fn pairs(raw: &[String], make: fn(String, String) -> Change) -> Result<Vec<Change>, Error> {
    raw.iter()
        .map(|r| match r.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok(make(k.trim().to_string(), v.to_string())),
            _ => Err(Error::Usage(format!("`{r}` is not FIELD=VALUE"))),
        })
        .collect()
}

pub(super) fn run(ctx: &Ctx, args: TuArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let out = match args.command {
        TuCommand::Open {
            loop_id,
            title,
            role,
            branch,
        } => open(ctx, ws, &loop_id, &title, role.as_deref(), branch)?,
        TuCommand::Start { id } => {
            let r = ws.record(id.as_deref(), Event::Start, &[])?;
            // The roles the TU's loop needs wake with its work.
            let woken = crate::app::loops::wake_for_tu(ws, &r.id)?;
            let roles: &[&str] = woken.as_ref().map(|(w, _)| w.as_slice()).unwrap_or(&[]);
            if ctx.format == Format::Json {
                /// `tu start --format json`: the move recorded and the roles woken.
                #[derive(serde::Serialize)]
                struct StartJson<'a> {
                    #[serde(flatten)]
                    recorded: &'a Recorded,
                    woken: &'a [&'a str],
                }
                json_pretty(&StartJson {
                    recorded: &r,
                    woken: roles,
                })
            } else {
                let mut out = recorded(ctx, r);
                if !roles.is_empty() {
                    out.push_str(&format!(
                        "woke {} (the loop needs them)\n",
                        roles.join(", ")
                    ));
                }
                out
            }
        }
        TuCommand::Checkpoint {
            id,
            message,
            steps,
            blockers,
            next,
            all,
        } => {
            let cp = Checkpoint {
                summary: message,
                steps,
                blockers,
                next,
                all,
            };
            recorded(ctx, ws.checkpoint(id.as_deref(), &cp)?)
        }
        TuCommand::Update {
            id,
            title,
            set,
            add,
            remove,
        } => {
            let changes = changes(title, &set, &add, &remove)?;
            recorded(ctx, ws.update(id.as_deref(), &changes)?)
        }
        TuCommand::Defer {
            id,
            reason,
            revisit,
        } => {
            ws.check_revisit(&revisit)?;
            recorded(
                ctx,
                ws.record(
                    id.as_deref(),
                    Event::Defer,
                    &[("Reason", reason), ("Revisit", revisit)],
                )?,
            )
        }
        TuCommand::Reactivate { id } => {
            recorded(ctx, ws.record(id.as_deref(), Event::Reactivate, &[])?)
        }
        TuCommand::Reject { id, reason } => recorded(
            ctx,
            ws.record(id.as_deref(), Event::Reject, &[("Reason", reason)])?,
        ),
        TuCommand::Close { id } => recorded(ctx, ws.record(id.as_deref(), Event::Close, &[])?),
        TuCommand::List { state } => list(ctx, ws, state)?,
        TuCommand::Show { id } => show(ctx, ws, &id)?,
        TuCommand::Current => return current(ctx, ws),
        TuCommand::Switch { id } => switch(ctx, ws, &id)?,
        TuCommand::PrBody { id } => pr_body(ctx, ws, &id)?,
    };
    Ok(Output {
        stdout: out,
        stderr: String::new(),
        code: 0,
    })
}

/// The brief edits of `tu update`: `--title`, then `--set`, `--add` and `--remove`.
fn changes(
    title: Option<String>,
    set: &[String],
    add: &[String],
    remove: &[String],
) -> Result<Vec<Change>, Error> {
    let mut changes = Vec::new();
    if let Some(t) = title {
        changes.push(Change::Set("title".into(), t));
    }
    changes.extend(pairs(set, Change::Set)?);
    changes.extend(pairs(add, Change::Add)?);
    changes.extend(pairs(remove, Change::Remove)?);
    Ok(changes)
}

/// `tu switch <id>`.
fn switch(ctx: &Ctx, ws: &Session, id: &str) -> Result<String, Error> {
    let id = ws.switch(id)?;
    Ok(match ctx.format {
        Format::Json => json_pretty(&IdJson {
            id: Some(id.as_str()),
            from: None,
            body: None,
        }),
        _ => format!("{id} is now the active TU\n"),
    })
}

/// `tu pr-body <id>`.
fn pr_body(ctx: &Ctx, ws: &Session, id: &str) -> Result<String, Error> {
    let body = ws.pr_body(id)?;
    Ok(match ctx.format {
        Format::Json => json_pretty(&IdJson {
            id: Some(id),
            from: None,
            body: Some(body.as_str()),
        }),
        _ => body,
    })
}

/// `tu open --format json` (and the `tu.open` reply): the TU opened and the roles
/// woken for it.
#[derive(serde::Serialize)]
pub(super) struct OpenJson<'a> {
    #[serde(flatten)]
    opened: &'a crate::app::Opened,
    woken: &'a [&'static str],
}

impl<'a> OpenJson<'a> {
    pub(super) fn of(run: &'a crate::app::loops::Run) -> OpenJson<'a> {
        OpenJson {
            opened: &run.opened,
            woken: run.woken.as_ref().map(|(w, _)| w.as_slice()).unwrap_or(&[]),
        }
    }
}

/// `tu open`.
fn open(
    ctx: &Ctx,
    ws: &Session,
    loop_id: &str,
    title: &str,
    role: Option<&str>,
    branch: bool,
) -> Result<String, Error> {
    let run = crate::app::loops::open_waking(
        ws,
        &ws.playbooks()?,
        &OpenRequest {
            loop_id,
            title,
            role,
            branch,
            inputs: &[],
        },
    )?;
    let o = &run.opened;
    let woken: &[&str] = run.woken.as_ref().map(|(w, _)| w.as_slice()).unwrap_or(&[]);
    Ok(match ctx.format {
        Format::Json => json_pretty(&OpenJson::of(&run)),
        _ => {
            let mut s = format!("{}\n", o.id);
            let mut note = format!(
                "opened: brief {} on {} ({})",
                o.path,
                ws.config.hot,
                crate::ids::short(&o.commit)
            );
            if let Some(b) = &o.branch {
                note.push_str(&format!(
                    "; review branch {b}{}",
                    if o.switched { " checked out" } else { "" }
                ));
            }
            s.push_str(&format!("{note}; now the active TU\n"));
            if !woken.is_empty() {
                s.push_str(&format!(
                    "woke {} (the loop needs them)\n",
                    woken.join(", ")
                ));
            }
            s
        }
    })
}

/// `tu list [--state <state>]`.
fn list(ctx: &Ctx, ws: &Session, state: Option<String>) -> Result<String, Error> {
    let state = match state {
        Some(s) => Some(State::parse(&s).ok_or_else(|| {
            Error::Usage(format!(
                "`{s}` is not a TU state ({})",
                State::ALL
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?),
        None => None,
    };
    let list = ws.list(state)?;
    Ok(match ctx.format {
        Format::Json => json_pretty(&list),
        _ if list.is_empty() => "no TUs\n".to_string(),
        _ => {
            let w = list.iter().map(|s| s.state.name().len()).max().unwrap_or(0);
            list.iter()
                .map(|s| {
                    format!(
                        "{}  {:<w$}  {:<18}  {}\n",
                        s.id,
                        s.state.name(),
                        s.loop_id,
                        s.title
                    )
                })
                .collect()
        }
    })
}

/// `tu current`: exit code 1 when no TU is active (human output).
fn current(ctx: &Ctx, ws: &Session) -> Result<Output, Error> {
    let out = match ws.active() {
        Some((id, from)) => {
            let from = match from {
                ActiveFrom::Branch => "branch",
                ActiveFrom::Recorded => "recorded",
            };
            match ctx.format {
                Format::Json => json_pretty(&IdJson {
                    id: Some(id.as_str()),
                    from: Some(from),
                    body: None,
                }),
                _ => format!("{id}\n"),
            }
        }
        None => match ctx.format {
            Format::Json => json_pretty(&IdJson {
                id: None,
                from: None,
                body: None,
            }),
            _ => {
                return Ok(Output {
                    stdout: String::new(),
                    stderr: "no active TU (`showrunner tu switch <id>` or `showrunner tu open`)\n"
                        .into(),
                    code: 1,
                });
            }
        },
    };
    Ok(Output {
        stdout: out,
        stderr: String::new(),
        code: 0,
    })
}

/// `tu show <id>`: the TU with the question batches and conflicts recorded about it.
fn show(ctx: &Ctx, ws: &Session, id: &str) -> Result<String, Error> {
    let shown = ws.show_with_desk(id)?;
    Ok(match ctx.format {
        Format::Json => show_json(&shown),
        _ => show_human(&shown),
    })
}

/// A TU id as JSON (`null`: no active TU), with where `tu current` found it or the body
/// `tu pr-body` wrote, when there is one.
#[derive(Serialize)]
struct IdJson<'a> {
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
}

/// `tu show --format json`: the TU, its history, and the questions and conflicts about it.
#[derive(Serialize)]
struct ShowJson<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(rename = "loop")]
    loop_id: &'a str,
    state: State,
    branch: &'a str,
    brief: Option<&'a str>,
    events: Vec<EventJson<'a>>,
    commits: Vec<CommitJson<'a>>,
    files: &'a [String],
    blockers: Vec<BlockerJson<'a>>,
    gates: Vec<GateJson<'a>>,
    cold: ColdJson,
    questions: Vec<AskedJson<'a>>,
    conflicts: &'a [Conflict],
}

/// A `TU-Event:` commit, dated.
#[derive(Serialize)]
struct EventJson<'a> {
    event: Event,
    date: String,
    commit: &'a str,
    summary: &'a str,
    author: &'a str,
    trailers: &'a [Trailer],
    refused: Option<&'a str>,
}

/// A commit carrying the TU's trailer, dated.
#[derive(Serialize)]
struct CommitJson<'a> {
    commit: &'a str,
    date: String,
    summary: &'a str,
    on_cold: bool,
}

/// A blocker from a checkpoint.
#[derive(Serialize)]
struct BlockerJson<'a> {
    date: &'a str,
    text: &'a str,
    current: bool,
}

/// A gate decision on the TU.
#[derive(Serialize)]
struct GateJson<'a> {
    date: &'a str,
    decision: &'a str,
    report: Option<&'a str>,
}

/// How much of the TU is on cold.
#[derive(Serialize)]
struct ColdJson {
    merged: bool,
    commits_not_on_cold: usize,
}

/// A question batch about the TU, its questions in short.
#[derive(Serialize)]
struct AskedJson<'a> {
    id: &'a str,
    status: &'static str,
    questions: Vec<AskedQuestionJson<'a>>,
}

/// A question in short: what was asked, answered and recommended.
#[derive(Serialize)]
struct AskedQuestionJson<'a> {
    id: &'a str,
    question: &'a str,
    answer: Option<&'a str>,
    recommendation: &'a str,
}

fn recorded(ctx: &Ctx, r: Recorded) -> String {
    match ctx.format {
        Format::Json => json_pretty(&r),
        _ => {
            let change = if r.from == r.to {
                format!("still {}", r.to)
            } else {
                format!("{} → {}", r.from, r.to)
            };
            format!(
                "{}: {} ({change}) — {} on {}\n",
                r.id,
                r.event,
                crate::ids::short(&r.commit),
                r.branch
            )
        }
    }
}

/// `tu show --format json`.
fn show_json(shown: &Shown) -> String {
    let Shown {
        detail: d,
        questions: asked,
        conflicts,
    } = shown;
    let s = &d.summary;
    let events = d.record.iter().flat_map(|r| r.events.iter());
    let commits = d.record.iter().flat_map(|r| r.commits.iter());
    json_pretty(&ShowJson {
        id: &s.id,
        title: &s.title,
        loop_id: &s.loop_id,
        state: s.state,
        branch: &d.branch,
        brief: d.brief.as_ref().map(|(p, _)| p.as_str()),
        events: events
            .map(|e| EventJson {
                event: e.event,
                date: date::ymd(e.time, 0),
                commit: &e.commit,
                summary: &e.summary,
                author: &e.author,
                trailers: &e.trailers,
                refused: e.refused.as_deref(),
            })
            .collect(),
        commits: commits
            .map(|c| CommitJson {
                commit: &c.id,
                date: date::ymd(c.time, 0),
                summary: &c.summary,
                on_cold: c.on_cold,
            })
            .collect(),
        files: &d.files,
        blockers: d
            .blockers
            .iter()
            .map(|(date, text, current)| BlockerJson {
                date,
                text,
                current: *current,
            })
            .collect(),
        gates: d
            .gates
            .iter()
            .map(|(date, decision, report)| GateJson {
                date,
                decision,
                report: report.as_deref(),
            })
            .collect(),
        cold: ColdJson {
            merged: s.state == State::ColdMerged,
            commits_not_on_cold: d.not_on_cold,
        },
        questions: asked
            .iter()
            .map(|b| AskedJson {
                id: &b.id,
                status: if b.is_open() { "open" } else { "answered" },
                questions: b
                    .questions
                    .iter()
                    .map(|q| AskedQuestionJson {
                        id: &q.id,
                        question: &q.question,
                        answer: q.answer.as_deref(),
                        recommendation: &q.recommendation,
                    })
                    .collect(),
            })
            .collect(),
        conflicts,
    })
}

/// `tu show` for people.
fn show_human(shown: &Shown) -> String {
    let Shown {
        detail: d,
        questions: asked,
        conflicts,
    } = shown;
    let s = &d.summary;
    let mut out = format!(
        "{} — {}\n",
        s.id,
        if s.title.is_empty() {
            "(no brief)"
        } else {
            &s.title
        }
    );
    out.push_str(&format!(
        "  state: {}   loop: {}   branch: {}\n",
        s.state, s.loop_id, d.branch
    ));
    match &d.brief {
        Some((path, _)) => out.push_str(&format!("  brief: {path}\n")),
        None => out.push_str("  brief: (missing)\n"),
    }
    out.push_str(&format!(
        "  cold: {}\n",
        if s.state == State::ColdMerged {
            "merged (every commit is on cold)".to_string()
        } else if d.not_on_cold == 0 && s.commits > 0 {
            "every commit is on cold".to_string()
        } else {
            format!("{} of {} commits not yet on cold", d.not_on_cold, s.commits)
        }
    ));
    if let Some(rec) = &d.record {
        timeline_human(rec, &mut out);
    }
    if !d.files.is_empty() {
        out.push_str("\nfiles touched:\n");
        for f in &d.files {
            out.push_str(&format!("  {f}\n"));
        }
    }
    if !d.blockers.is_empty() {
        out.push_str("\nblockers:\n");
        for (date, text, current) in &d.blockers {
            out.push_str(&format!(
                "  {date}  {text}{}\n",
                if *current { "  (open)" } else { "" }
            ));
        }
    }
    if !conflicts.is_empty() {
        out.push_str("\nconflicts:\n");
        for c in conflicts {
            for line in super::conflict::human(c).lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
    }
    if !asked.is_empty() {
        out.push_str("\nquestions:\n");
        for b in asked {
            for line in super::questions::batch_human(b).lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
    }
    if !d.gates.is_empty() {
        out.push_str("\ngate reports:\n");
        for (date, decision, report) in &d.gates {
            out.push_str(&format!(
                "  {date}  {decision}{}\n",
                report
                    .as_ref()
                    .map(|r| format!("  {r}"))
                    .unwrap_or_default()
            ));
        }
    }
    out
}

/// The timeline and commits of a TU's record, as `tu show` prints them.
fn timeline_human(rec: &TuRecord, out: &mut String) {
    out.push_str("\ntimeline:\n");
    for e in &rec.events {
        out.push_str(&format!(
            "  {}  {:<10}  {}  {}\n",
            date::ymd(e.time, 0),
            e.event.name(),
            crate::ids::short(&e.commit),
            e.summary
        ));
        for key in ["Step", "Blocker", "Next", "Reason", "Revisit", "Gate"] {
            for v in e.values(key) {
                out.push_str(&format!("  {:>30}{}: {v}\n", "", key.to_lowercase()));
            }
        }
        if let Some(why) = &e.refused {
            out.push_str(&format!("  {:>30}(not applied: {why})\n", ""));
        }
    }
    out.push_str(&format!("\ncommits ({}):\n", rec.commits.len()));
    for c in &rec.commits {
        out.push_str(&format!(
            "  {}  {}  {}{}\n",
            crate::ids::short(&c.id),
            date::ymd(c.time, 0),
            c.summary,
            if c.on_cold { "  [cold]" } else { "" }
        ));
    }
}
