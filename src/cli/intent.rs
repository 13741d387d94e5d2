//! `showrunner intent`: protocol envelopes for AI agents. Each request line is validated
//! against the envelope schema, carried out by the very command a person would run, and
//! answered with one `ack` (the command's JSON) or `error` envelope line.

use std::io::Read as _;
use std::path::PathBuf;
use std::sync::LazyLock;

use clap::{Args, Parser};
use serde_json::{Value, json};

use super::{Cli, Ctx, Output, Terminal};
use crate::error::Error;

/// The protocol version this binary speaks.
pub const PROTOCOL: &str = "showrunner/1";

const SCHEMA: &str = include_str!("../../schemas/protocol/envelope.schema.json");

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

fn error_envelope(in_reply_to: Option<&str>, code: &str, message: &str) -> Value {
    json!({
        "protocol": PROTOCOL,
        "type": "error",
        "in_reply_to": in_reply_to,
        "payload": {"code": code, "message": message},
    })
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A `human.question` payload as the batch `ask --file -` reads.
#[derive(serde::Serialize)]
struct AskBatch<'a> {
    questions: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    tu: Option<String>,
}

/// The command line an envelope stands for, and standard input for it (a question batch).
fn command_line(kind: &str, p: &Value) -> (Vec<String>, Option<String>) {
    let s = |k: &str| p[k].as_str().map(str::to_string);
    let mut a: Vec<String> = Vec::new();
    let mut push = |items: &[&str]| a.extend(items.iter().map(|i| i.to_string()));
    let mut stdin = None;
    match kind {
        "customer.intent.dispatch" => {
            push(&["dispatch", &s("request").unwrap_or_default()]);
            if p["open"].as_bool() == Some(true) {
                push(&["--open"]);
            }
        }
        "tu.open" => {
            push(&["tu", "open", "--loop", &s("loop").unwrap_or_default()]);
            push(&["--title", &s("title").unwrap_or_default()]);
            if let Some(r) = s("role") {
                push(&["--role", &r]);
            }
        }
        "tu.checkpoint" => {
            push(&["tu", "checkpoint", "-m", &s("message").unwrap_or_default()]);
            for step in strings(p, "steps") {
                push(&["--step", &step]);
            }
            for b in strings(p, "blockers") {
                push(&["--blocker", &b]);
            }
            for n in strings(p, "next") {
                push(&["--next", &n]);
            }
            if p["all"].as_bool() == Some(true) {
                push(&["-a"]);
            }
            if let Some(t) = s("tu") {
                push(&["--", &t]);
            }
        }
        "tu.close" | "gate.submit" => {
            if kind == "tu.close" {
                push(&["tu", "close"]);
                if let Some(t) = s("tu") {
                    push(&[&t]);
                }
            } else {
                push(&["gate", "submit"]);
                if let Some(t) = s("tu") {
                    push(&["--tu", &t]);
                }
            }
        }
        "role.wake" => push(&[
            "role",
            "wake",
            &s("role").unwrap_or_default(),
            "--tu",
            &s("tu").unwrap_or_default(),
            "--reason",
            &s("reason").unwrap_or_default(),
        ]),
        "role.dormant" => {
            push(&[
                "role",
                "dormant",
                &s("role").unwrap_or_default(),
                "--reason",
                &s("reason").unwrap_or_default(),
            ]);
            if let Some(w) = s("rewake") {
                push(&["--rewake", &w]);
            }
            if p["force"].as_bool() == Some(true) {
                push(&["--force"]);
            }
        }
        "human.question" => {
            // The batch travels as JSON, which is YAML: the same reader as `ask --file`.
            let batch = AskBatch {
                questions: &p["questions"],
                tu: s("tu"),
            };
            stdin = Some(serde_json::to_string(&batch).unwrap_or_default());
            push(&["ask", "--file", "-"]);
        }
        "human.response" => {
            push(&[
                "answer",
                &s("batch").unwrap_or_default(),
                &s("question").unwrap_or_default(),
                &s("answer").unwrap_or_default(),
            ]);
            if let Some(n) = s("note") {
                push(&["--note", &n]);
            }
        }
        _ => {}
    }
    (a, stdin)
}

/// Answers one envelope line.
fn answer(ctx: &Ctx, line: &str) -> Value {
    let request: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return error_envelope(None, "validation_error", &format!("not JSON: {e}")),
    };
    let id = request["id"].as_str().map(str::to_string);
    let validator = match &*VALIDATOR {
        Ok(v) => v,
        Err(e) => return error_envelope(id.as_deref(), "validation_error", e),
    };
    let problems: Vec<String> = validator
        .iter_errors(&request)
        .map(|e| {
            let at = e.instance_path().as_str().to_string();
            format!("{}: {e}", if at.is_empty() { "/" } else { at.as_str() })
        })
        .collect();
    if !problems.is_empty() {
        return error_envelope(id.as_deref(), "validation_error", &problems.join("; "));
    }
    let kind = request["type"].as_str().unwrap_or_default();
    let (args, stdin) = command_line(kind, &request["payload"]);
    let mut argv: Vec<String> = vec!["showrunner".into(), "--format".into(), "json".into()];
    argv.push("-C".into());
    argv.push(ctx.base.display().to_string());
    argv.extend(args);
    let cli = match Cli::try_parse_from(&argv) {
        Ok(c) => c,
        Err(e) => {
            let first = e.to_string();
            let first = first
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            return error_envelope(id.as_deref(), "validation_error", first);
        }
    };
    let ran = match stdin {
        Some(text) => with_stdin(&text, || super::execute(cli, Terminal::default(), None)),
        None => super::execute(cli, Terminal::default(), None),
    };
    match ran {
        Ok(out) => {
            let body: Value = serde_json::from_str(out.stdout.trim())
                .unwrap_or_else(|_| json!({"text": out.stdout}));
            json!({
                "protocol": PROTOCOL,
                "type": "ack",
                "in_reply_to": id,
                "payload": {"action": kind, "exit_code": out.code, "result": body},
            })
        }
        Err(e) => {
            let mut msg = e.to_string();
            if let Some(h) = e.hint() {
                msg.push_str(&format!(" ({h})"));
            }
            error_envelope(id.as_deref(), e.class().protocol_code(), &msg)
        }
    }
}

thread_local! {
    static STDIN: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with `text` as what `ask --file -` reads instead of the process's stdin
/// (which is the envelope stream itself).
fn with_stdin<T>(text: &str, f: impl FnOnce() -> T) -> T {
    STDIN.with(|s| *s.borrow_mut() = Some(text.to_string()));
    let out = f();
    STDIN.with(|s| *s.borrow_mut() = None);
    out
}

/// Standard input for a command: the envelope's batch inside `intent`, else the process's.
pub(super) fn read_stdin() -> Result<String, Error> {
    if let Some(text) = STDIN.with(|s| s.borrow().clone()) {
        return Ok(text);
    }
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| Error::Usage(format!("standard input: {e}")))?;
    Ok(s)
}

pub(super) fn run(ctx: &Ctx, args: IntentArgs) -> Result<Output, Error> {
    // From standard input with a console: answer each line as it comes, so an agent
    // can hold a conversation (send, read the reply, send the next).
    if args.file.as_ref().is_none_or(|p| p.as_os_str() == "-")
        && let Some(console) = &ctx.console
    {
        let mut failed = false;
        loop {
            let line = console.borrow_mut().read_line();
            let Some(line) = line else { break };
            if line.trim().is_empty() {
                continue;
            }
            let reply = answer(ctx, &line);
            failed |= reply["type"] == "error";
            console.borrow_mut().write(&format!("{reply}\n"));
        }
        return Ok(Output {
            code: i32::from(failed),
            ..Output::default()
        });
    }
    let text = match &args.file {
        Some(p) if p.as_os_str() != "-" => {
            let path = ctx.base.join(p);
            std::fs::read_to_string(&path).map_err(|e| Error::Io { path, source: e })?
        }
        _ => read_stdin()?,
    };
    let mut stdout = String::new();
    let mut failed = false;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let reply = answer(ctx, line);
        failed |= reply["type"] == "error";
        stdout.push_str(&reply.to_string());
        stdout.push('\n');
    }
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: i32::from(failed),
    })
}
