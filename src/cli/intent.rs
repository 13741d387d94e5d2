//! `showrunner intent`: protocol envelopes for AI agents. Each request line is validated
//! against the envelope schema, its payload read into typed arguments, and carried out
//! by the `app` workflow the matching command calls, on one session for the whole batch
//! (or conversation); answered with one `ack` (the command's JSON result) or `error`
//! envelope line.

use std::path::PathBuf;
use std::sync::LazyLock;

use clap::Args;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Ctx, Output, json_line, read_stdin};
use crate::app::questions::{self, Asking, Choice, Question};
use crate::app::{Checkpoint, OpenRequest, Session, dispatch, roster, submit};
use crate::error::Error;
use crate::gate::Decision;
use crate::trace::lifecycle::Event;

/// The protocol version this binary speaks.
pub const PROTOCOL: &str = "showrunner/1";

pub(super) const SCHEMA: &str = include_str!("../../schemas/protocol/envelope.schema.json");

static VALIDATOR: LazyLock<Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    let doc: Value = serde_json::from_str(SCHEMA).map_err(|e| e.to_string())?;
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&doc)
        .map_err(|e| e.to_string())
});

/// Arguments of `intent`.
#[derive(Debug, Args)]
pub struct IntentArgs {
    /// A file of envelopes, one JSON object per line (default, or `-`: standard input).
    pub file: Option<PathBuf>,
}

/// A request's action and its arguments: the envelope's `type` and `payload`, read into
/// the typed arguments of the `app` workflow that answers it. Payload values are data:
/// a title or an id beginning with `-` is a title or an id.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", content = "payload")]
enum Action {
    /// `dispatch "<request>" [--open]`.
    #[serde(rename = "customer.intent.dispatch")]
    Dispatch(DispatchPayload),
    /// `tu open`.
    #[serde(rename = "tu.open")]
    TuOpen(TuOpenPayload),
    /// `tu checkpoint`.
    #[serde(rename = "tu.checkpoint")]
    TuCheckpoint(TuCheckpointPayload),
    /// `tu close`.
    #[serde(rename = "tu.close")]
    TuClose(TuPayload),
    /// `gate submit`.
    #[serde(rename = "gate.submit")]
    GateSubmit(TuPayload),
    /// `role wake`.
    #[serde(rename = "role.wake")]
    RoleWake(RoleWakePayload),
    /// `role dormant`.
    #[serde(rename = "role.dormant")]
    RoleDormant(RoleDormantPayload),
    /// `ask` with a batch.
    #[serde(rename = "human.question")]
    HumanQuestion(QuestionPayload),
    /// `answer`.
    #[serde(rename = "human.response")]
    HumanResponse(ResponsePayload),
    /// `tu start`.
    #[serde(rename = "tu.start")]
    TuStart(TuPayload),
    /// `tu defer`.
    #[serde(rename = "tu.defer")]
    TuDefer(DeferPayload),
    /// `tu reactivate`.
    #[serde(rename = "tu.reactivate")]
    TuReactivate(TuPayload),
    /// `tu reject`.
    #[serde(rename = "tu.reject")]
    TuReject(RejectPayload),
    /// `merge`.
    #[serde(rename = "merge")]
    Merge(MergePayload),
    /// `snapshot`.
    #[serde(rename = "snapshot")]
    Snapshot(SnapshotPayload),
    /// `bind`.
    #[serde(rename = "bind")]
    Bind(BindPayload),
    /// `playtest`.
    #[serde(rename = "playtest")]
    Playtest(PlaytestPayload),
    /// `hook new`.
    #[serde(rename = "hook.new")]
    HookNew(HookNewPayload),
    /// `hook triage`.
    #[serde(rename = "hook.triage")]
    HookTriage(HookTriagePayload),
    /// `status`.
    #[serde(rename = "status")]
    Status(Empty),
    /// `standup`.
    #[serde(rename = "standup")]
    Standup(StandupPayload),
}

/// No arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

/// `tu.defer`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeferPayload {
    tu: Option<String>,
    reason: String,
    revisit: String,
}

/// `tu.reject`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RejectPayload {
    tu: Option<String>,
    reason: String,
}

/// `merge`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MergePayload {
    tu: Option<String>,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    accept_conditional: bool,
}

/// `snapshot`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotPayload {
    name: Option<String>,
    message: Option<String>,
}

/// `bind`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BindPayload {
    snapshot: String,
    out: String,
    #[serde(default)]
    formats: Vec<String>,
}

/// `playtest`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaytestPayload {
    snapshot: String,
    runs: Option<u32>,
    seed: Option<u64>,
}

/// `hook.new`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HookNewPayload {
    title: String,
    summary: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    raised_by: Option<String>,
    #[serde(default)]
    bars: Vec<String>,
    #[serde(default)]
    blocking: bool,
    next_loop: Option<String>,
    tu: Option<String>,
}

/// `hook.triage`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HookTriagePayload {
    hook: String,
    status: Option<String>,
    next_loop: Option<String>,
    resolution: Option<String>,
    blocking: Option<bool>,
    tu: Option<String>,
}

/// `standup`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StandupPayload {
    role: Option<String>,
}

/// Who may send an action, by the seed's authorities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum May {
    /// Anyone (reading the studio).
    Anyone,
    /// Any role of the studio.
    AnyRole,
    /// These roles (or `customer`) only.
    Only(&'static [&'static str]),
}

/// The authority an action needs: the Showrunner opens, parks and ends work, wakes and
/// puts roles to sleep, asks the customer and tags snapshots; the customer (or the
/// Showrunner relaying them) answers and makes requests; the Gatekeeper may promote;
/// the Book Binder binds and the Player-Narrator playtests; the roles of hook harvest
/// triage hooks; any role starts, checkpoints and submits work or raises a hook.
pub(super) fn authority(action: &str) -> May {
    match action {
        "status" | "standup" => May::Anyone,
        "customer.intent.dispatch" => May::Only(&["showrunner", "customer"]),
        "human.response" => May::Only(&["customer", "showrunner"]),
        "tu.open" | "tu.close" | "tu.defer" | "tu.reactivate" | "tu.reject" | "role.wake"
        | "role.dormant" | "human.question" | "snapshot" => May::Only(&["showrunner"]),
        "merge" => May::Only(&["showrunner", "gatekeeper"]),
        "bind" => May::Only(&["book_binder", "showrunner"]),
        "playtest" => May::Only(&["player_narrator", "showrunner"]),
        "hook.triage" => May::Only(&["showrunner", "plotwright", "lore_weaver"]),
        _ => May::AnyRole,
    }
}

/// Checks the sender against the action's authority; the refusal's message otherwise.
pub(super) fn authorized(action: &str, from: Option<&str>) -> Result<(), String> {
    let who = from.map(|f| {
        crate::roles::canonical(f)
            .map(str::to_string)
            .unwrap_or_else(|| f.to_lowercase())
    });
    let is_role = from.and_then(crate::roles::canonical).is_some();
    match (authority(action), who.as_deref()) {
        (May::Anyone, _) => Ok(()),
        (May::AnyRole, Some(_)) if is_role => Ok(()),
        (May::AnyRole, w) => Err(format!(
            "{action} is sent by a role of the studio; `from` is {}",
            w.map_or("missing".to_string(), |w| format!("`{w}`"))
        )),
        (May::Only(roles), Some(w)) if roles.contains(&w) => Ok(()),
        (May::Only(roles), w) => Err(format!(
            "{action} may be sent only by {}; `from` is {}",
            roles.join(" or "),
            w.map_or("missing".to_string(), |w| format!("`{w}`"))
        )),
    }
}

/// `customer.intent.dispatch`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DispatchPayload {
    request: String,
    #[serde(default)]
    open: bool,
}

/// `tu.open`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TuOpenPayload {
    #[serde(rename = "loop")]
    loop_id: String,
    title: String,
    role: Option<String>,
}

/// `tu.checkpoint`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TuCheckpointPayload {
    tu: Option<String>,
    message: String,
    #[serde(default)]
    steps: Vec<String>,
    #[serde(default)]
    blockers: Vec<String>,
    #[serde(default)]
    next: Vec<String>,
    #[serde(default)]
    all: bool,
}

/// `tu.close` and `gate.submit`: a TU, or the active one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TuPayload {
    tu: Option<String>,
}

/// `role.wake`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleWakePayload {
    role: String,
    tu: String,
    reason: String,
}

/// `role.dormant`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleDormantPayload {
    role: String,
    reason: String,
    rewake: Option<String>,
    #[serde(default)]
    force: bool,
}

/// `human.question`: a batch as `ask --file` reads it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionPayload {
    tu: Option<String>,
    questions: Vec<QuestionIn>,
}

/// One question of a `human.question` batch. Like a batch file, a missing field is
/// empty (the question schema then says what is missing) and other fields are ignored.
#[derive(Debug, Deserialize)]
struct QuestionIn {
    #[serde(default)]
    id: String,
    #[serde(default)]
    context: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    options: Vec<OptionIn>,
    #[serde(default)]
    recommendation: String,
}

/// An option of a question.
#[derive(Debug, Deserialize)]
struct OptionIn {
    #[serde(default)]
    key: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    impact: String,
}

/// `human.response`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponsePayload {
    batch: String,
    question: String,
    answer: String,
    note: Option<String>,
}

impl QuestionPayload {
    /// The batch to ask.
    fn asking(self) -> Asking {
        Asking {
            asked_by: None,
            tu: self.tu,
            questions: self
                .questions
                .into_iter()
                .map(|q| Question {
                    id: q.id,
                    context: q.context,
                    question: q.question,
                    options: q
                        .options
                        .into_iter()
                        .map(|o| Choice {
                            key: o.key,
                            label: o.label,
                            impact: o.impact,
                            open: None,
                        })
                        .collect(),
                    recommendation: q.recommendation,
                    answer: None,
                    answered: None,
                    note: None,
                })
                .collect(),
        }
    }
}

/// A reply envelope.
#[derive(Serialize)]
struct Reply<'a, P> {
    protocol: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    in_reply_to: Option<&'a str>,
    payload: P,
}

/// An `ack`'s payload: the action, the exit code its command has, and its JSON result.
#[derive(Serialize)]
struct Ack<'a, T> {
    action: &'a str,
    exit_code: i32,
    result: T,
}

/// An `error`'s payload.
#[derive(Serialize)]
struct Refusal<'a> {
    code: &'a str,
    message: &'a str,
}

/// An `error` envelope line.
fn error_line(in_reply_to: Option<&str>, code: &str, message: &str) -> String {
    json_line(&Reply {
        protocol: PROTOCOL,
        kind: "error",
        in_reply_to,
        payload: Refusal { code, message },
    })
}

/// The request being answered: its id and action.
struct Request<'a> {
    id: Option<&'a str>,
    action: &'a str,
}

impl Request<'_> {
    /// The `ack` envelope line with a command's exit code and JSON result.
    fn ack<T: Serialize>(&self, exit_code: i32, result: &T) -> String {
        json_line(&Reply {
            protocol: PROTOCOL,
            kind: "ack",
            in_reply_to: self.id,
            payload: Ack {
                action: self.action,
                exit_code,
                result,
            },
        })
    }
}

/// Carries out an action on the batch's session: its `ack` line (the command's JSON
/// result, and exit code 1 when the Gatekeeper blocks, as `gate submit` exits).
fn act(ctx: &Ctx, ws: &Session, to: &Request<'_>, action: Action) -> Result<String, Error> {
    let tu_or_active = |tu: Option<String>| tu.into_iter().collect::<Vec<String>>();
    Ok(match action {
        Action::Dispatch(p) => to.ack(0, &dispatch::dispatch(ws, &p.request, p.open)?),
        Action::TuOpen(p) => {
            let run = crate::app::loops::open_waking(
                ws,
                &ws.playbooks()?,
                &OpenRequest {
                    loop_id: &p.loop_id,
                    title: &p.title,
                    role: p.role.as_deref(),
                    branch: false,
                    inputs: &[],
                },
            )?;
            to.ack(0, &super::tu::OpenJson::of(&run))
        }
        Action::TuCheckpoint(p) => {
            let cp = Checkpoint {
                summary: Some(p.message),
                steps: p.steps,
                blockers: p.blockers,
                next: p.next,
                all: p.all,
            };
            to.ack(0, &ws.checkpoint(p.tu.as_deref(), &cp)?)
        }
        Action::TuClose(p) => to.ack(0, &ws.record(p.tu.as_deref(), Event::Close, &[])?),
        Action::GateSubmit(p) => {
            let s = submit::submit(ws, p.tu.as_deref())?;
            to.ack(i32::from(s.report.decision == Decision::Block), &s)
        }
        Action::RoleWake(p) => to.ack(0, &roster::wake(ws, &p.role, &p.tu, &p.reason)?),
        Action::RoleDormant(p) => to.ack(
            0,
            &roster::dormant(ws, &p.role, &p.reason, p.rewake.as_deref(), p.force)?,
        ),
        Action::HumanQuestion(p) => to.ack(0, &questions::ask(ws, &p.asking())?),
        Action::HumanResponse(p) => to.ack(
            0,
            &questions::answer(ws, &p.batch, &p.question, &p.answer, p.note.as_deref())?,
        ),
        Action::TuStart(p) => command(ctx, to, ["tu", "start"], &[], tu_or_active(p.tu))?,
        Action::TuReactivate(p) => command(ctx, to, ["tu", "reactivate"], &[], tu_or_active(p.tu))?,
        Action::TuDefer(p) => command(
            ctx,
            to,
            ["tu", "defer"],
            &[("reason", Some(p.reason)), ("revisit", Some(p.revisit))],
            tu_or_active(p.tu),
        )?,
        Action::TuReject(p) => command(
            ctx,
            to,
            ["tu", "reject"],
            &[("reason", Some(p.reason))],
            tu_or_active(p.tu),
        )?,
        Action::Merge(p) => {
            let mut flags = vec![("tu", p.tu)];
            if p.dry_run {
                flags.push(("dry-run", Some(SWITCH.into())));
            }
            if p.accept_conditional {
                flags.push(("accept-conditional", Some(SWITCH.into())));
            }
            command(ctx, to, ["merge", ""], &flags, Vec::new())?
        }
        Action::Snapshot(p) => command(
            ctx,
            to,
            ["snapshot", ""],
            &[("name", p.name), ("message", p.message)],
            Vec::new(),
        )?,
        Action::Bind(p) => {
            let formats = if p.formats.is_empty() {
                "html,epub,twee,md".to_string()
            } else {
                p.formats.join(",")
            };
            let mut argv: Vec<String> = vec![
                "--format".into(),
                formats,
                "bind".into(),
                format!("--out={}", p.out),
            ];
            argv.push("--".into());
            argv.push(p.snapshot);
            let out = super::run_inside(&ctx.base, &argv)?;
            let outputs: Vec<Value> = out
                .stdout
                .lines()
                .skip(1)
                .filter_map(|l| {
                    let f: Vec<&str> = l.split_whitespace().collect();
                    (f.len() >= 5).then(|| {
                        serde_json::json!({"file": f[0], "bytes": f[1].parse::<u64>().unwrap_or(0), "sha256": f[4]})
                    })
                })
                .collect();
            to.ack(out.code, &serde_json::json!({"bound": out.stdout.lines().next().unwrap_or(""), "outputs": outputs}))
        }
        Action::Playtest(p) => {
            let mut argv: Vec<String> = vec!["--format".into(), "json".into(), "playtest".into()];
            // The protocol's playtest is the random one (its schema says so), whatever
            // the command's own default.
            argv.push(format!("--random={}", p.runs.unwrap_or(100)));
            if let Some(seed) = p.seed {
                argv.push(format!("--seed={seed}"));
            }
            argv.push("--".into());
            argv.push(p.snapshot);
            relay(to, super::run_inside(&ctx.base, &argv)?)?
        }
        Action::HookNew(p) => {
            let mut flags = vec![
                ("title", Some(p.title)),
                ("summary", Some(p.summary)),
                ("type", p.kind),
                ("raised-by", p.raised_by),
                ("next-loop", p.next_loop),
                ("tu", p.tu),
            ];
            for b in p.bars {
                flags.push(("bar", Some(b)));
            }
            if p.blocking {
                flags.push(("blocking", Some(SWITCH.into())));
            }
            command(ctx, to, ["hook", "new"], &flags, Vec::new())?
        }
        Action::HookTriage(p) => command(
            ctx,
            to,
            ["hook", "triage"],
            &[
                ("status", p.status),
                ("next-loop", p.next_loop),
                ("resolution", p.resolution),
                ("blocking", p.blocking.map(|b| b.to_string())),
                ("tu", p.tu),
            ],
            vec![p.hook],
        )?,
        Action::Status(Empty {}) => command(ctx, to, ["status", ""], &[], Vec::new())?,
        Action::Standup(p) => command(ctx, to, ["standup", ""], &[("role", p.role)], Vec::new())?,
    })
}

/// The value of a switch (`--dry-run`) among a command's options: a control character
/// no payload value can carry through the schema-checked path it is compared on.
const SWITCH: &str = "\u{0}switch";

/// Runs the command a verb names with `--format json`, as `showrunner` would: options as
/// `--name=value` (a value beginning with `-` stays a value), positionals after `--`.
fn command(
    ctx: &Ctx,
    to: &Request<'_>,
    words: [&str; 2],
    flags: &[(&str, Option<String>)],
    positionals: Vec<String>,
) -> Result<String, Error> {
    let mut argv: Vec<String> = vec!["--format".into(), "json".into()];
    argv.extend(
        words
            .iter()
            .filter(|w| !w.is_empty())
            .map(|w| w.to_string()),
    );
    for (name, value) in flags {
        match value {
            Some(v) if v == SWITCH => argv.push(format!("--{name}")),
            Some(v) => argv.push(format!("--{name}={v}")),
            None => {}
        }
    }
    if !positionals.is_empty() {
        argv.push("--".into());
        argv.extend(positionals);
    }
    relay(to, super::run_inside(&ctx.base, &argv)?)
}

/// A command's JSON output (and exit code) as the `ack`'s result.
fn relay(to: &Request<'_>, out: Output) -> Result<String, Error> {
    let result: Value = serde_json::from_str(out.stdout.trim())
        .unwrap_or_else(|_| Value::String(out.stdout.trim().to_string()));
    Ok(to.ack(out.code, &result))
}

/// Answers one envelope line: the reply line, and whether it is an `error`.
/// The error line for an input line that is not UTF-8 (the stream goes on).
fn not_utf8(number: usize) -> (String, bool) {
    (
        error_line(
            None,
            "validation_error",
            &format!("line {number} is not UTF-8 text; it was not read"),
        ),
        true,
    )
}

pub(super) fn answer(ctx: &Ctx, line: &str) -> (String, bool) {
    let request: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return (
                error_line(None, "validation_error", &format!("not JSON: {e}")),
                true,
            );
        }
    };
    let id = request["id"].as_str();
    let invalid = |message: &str| (error_line(id, "validation_error", message), true);
    let validator = match &*VALIDATOR {
        Ok(v) => v,
        Err(e) => return invalid(e),
    };
    let problems: Vec<String> = validator
        .iter_errors(&request)
        .map(|e| {
            let at = e.instance_path().as_str().to_string();
            format!("{}: {e}", if at.is_empty() { "/" } else { at.as_str() })
        })
        .collect();
    if !problems.is_empty() {
        return invalid(&problems.join("; "));
    }
    let to = Request {
        id,
        action: request["type"].as_str().unwrap_or_default(),
    };
    if let Err(why) = authorized(to.action, request["from"].as_str()) {
        return (error_line(id, "not_authorized", &why), true);
    }
    let action = match Action::deserialize(&request) {
        Ok(a) => a,
        Err(e) => return invalid(&format!("/payload: {e}")),
    };
    match ctx.session().and_then(|ws| act(ctx, ws, &to, action)) {
        Ok(reply) => (reply, false),
        Err(e) => {
            let mut msg = e.to_string();
            if let Some(h) = e.hint() {
                msg.push_str(&format!(" ({h})"));
            }
            (error_line(id, e.class().protocol_code(), &msg), true)
        }
    }
}

pub(super) fn run(ctx: &Ctx, args: IntentArgs) -> Result<Output, Error> {
    // From standard input with a console: answer each line as it comes, so an agent
    // can hold a conversation (send, read the reply, send the next).
    if args.file.as_ref().is_none_or(|p| p.as_os_str() == "-")
        && let Some(console) = &ctx.console
    {
        let mut failed = false;
        let mut number = 0;
        loop {
            let line = console.borrow_mut().read_line();
            let Some(line) = line else { break };
            number += 1;
            let (reply, refused) = match line {
                Err(_) => not_utf8(number),
                Ok(line) if line.trim().is_empty() => continue,
                Ok(line) => answer(ctx, &line),
            };
            failed |= refused;
            console.borrow_mut().write(&reply);
        }
        return Ok(Output {
            code: i32::from(failed),
            ..Output::default()
        });
    }
    let bytes = match &args.file {
        Some(p) if p.as_os_str() != "-" => {
            let path = ctx.base.join(p);
            std::fs::read(&path).map_err(|e| Error::Io { path, source: e })?
        }
        _ => read_stdin()?.into_bytes(),
    };
    let mut stdout = String::new();
    let mut failed = false;
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let (reply, refused) = match std::str::from_utf8(raw) {
            Err(_) => not_utf8(i + 1),
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => answer(ctx, line.trim_end_matches('\r')),
        };
        failed |= refused;
        stdout.push_str(&reply);
    }
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: i32::from(failed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The action of an envelope whose type is `kind` and payload the JSON `payload`.
    fn action(kind: &str, payload: &str) -> Result<Action, serde_json::Error> {
        let envelope = format!(
            r#"{{"protocol": "{PROTOCOL}", "id": "t1", "type": "{kind}", "payload": {payload}}}"#
        );
        Action::deserialize(&serde_json::from_str::<Value>(&envelope)?)
    }

    #[test]
    fn a_title_or_id_beginning_with_a_dash_is_read_as_data() {
        let a = action(
            "tu.open",
            r#"{"loop": "scene_forge", "title": "-x", "role": "--help"}"#,
        );
        assert!(
            matches!(&a, Ok(Action::TuOpen(p)) if p.title == "-x" && p.role.as_deref() == Some("--help")),
            "{a:?}"
        );
        let a = action("tu.close", r#"{"tu": "-C/elsewhere"}"#);
        assert!(
            matches!(&a, Ok(Action::TuClose(p)) if p.tu.as_deref() == Some("-C/elsewhere")),
            "{a:?}"
        );
    }

    #[test]
    fn a_question_item_reads_like_a_batch_file() {
        let a = action(
            "human.question",
            r#"{"tu": "TU-1", "questions": [
                {"id": "q", "question": "Which?", "options": [{"key": "a"}], "answer": "a"}
            ]}"#,
        );
        let Ok(Action::HumanQuestion(p)) = a else {
            panic!("{a:?}")
        };
        let asking = p.asking();
        assert_eq!(asking.tu.as_deref(), Some("TU-1"));
        let q = &asking.questions[0];
        assert_eq!((q.id.as_str(), q.context.as_str()), ("q", ""));
        assert_eq!(q.options[0].label, "", "missing fields are empty");
        assert_eq!(q.answer, None, "an answer in the request is not taken");
    }

    #[test]
    fn a_value_of_the_wrong_type_is_refused_by_name() {
        let e = action("human.question", r#"{"questions": [{"id": 3}]}"#)
            .expect_err("a number where the id goes");
        assert!(e.to_string().contains("invalid type: integer `3`"), "{e}");
    }
}
