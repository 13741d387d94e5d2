//! `showrunner mcp`: a Model Context Protocol server on standard input and output
//! (JSON-RPC 2.0, one message per line). Its tools are the protocol's actions — the
//! same envelopes `intent` answers, with their JSON Schemas as input schemas and the
//! seed's authorities — and its resources are the studio's status, the team's standup,
//! the open questions and the playbooks.

use std::sync::LazyLock;

use clap::Args;
use serde_json::{Value, json};

use super::{Ctx, Output, json_line};
use crate::error::Error;

/// Protocol versions this server speaks, newest first.
const VERSIONS: [&str; 4] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

/// Arguments of `mcp`.
#[derive(Debug, Args)]
pub struct McpArgs {
    /// The role the agent acts as, for tool calls that do not say (`from`): id or code.
    #[arg(long = "as", value_name = "ROLE")]
    pub act_as: Option<String>,
}

/// One tool: its name, the protocol action it sends, and what it does.
struct Tool {
    name: &'static str,
    action: &'static str,
}

const TOOLS: [Tool; 21] = [
    Tool {
        name: "dispatch",
        action: "customer.intent.dispatch",
    },
    Tool {
        name: "tu_open",
        action: "tu.open",
    },
    Tool {
        name: "tu_start",
        action: "tu.start",
    },
    Tool {
        name: "tu_checkpoint",
        action: "tu.checkpoint",
    },
    Tool {
        name: "tu_defer",
        action: "tu.defer",
    },
    Tool {
        name: "tu_reactivate",
        action: "tu.reactivate",
    },
    Tool {
        name: "tu_reject",
        action: "tu.reject",
    },
    Tool {
        name: "tu_close",
        action: "tu.close",
    },
    Tool {
        name: "gate_submit",
        action: "gate.submit",
    },
    Tool {
        name: "merge",
        action: "merge",
    },
    Tool {
        name: "snapshot",
        action: "snapshot",
    },
    Tool {
        name: "bind",
        action: "bind",
    },
    Tool {
        name: "playtest",
        action: "playtest",
    },
    Tool {
        name: "role_wake",
        action: "role.wake",
    },
    Tool {
        name: "role_dormant",
        action: "role.dormant",
    },
    Tool {
        name: "ask",
        action: "human.question",
    },
    Tool {
        name: "answer",
        action: "human.response",
    },
    Tool {
        name: "hook_new",
        action: "hook.new",
    },
    Tool {
        name: "hook_triage",
        action: "hook.triage",
    },
    Tool {
        name: "status",
        action: "status",
    },
    Tool {
        name: "standup",
        action: "standup",
    },
];

/// Each tool as `tools/list` gives it: the envelope schema's payload schema for its
/// action, with `from` (the role the call is made as) added.
static LISTED: LazyLock<Vec<Value>> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(super::intent::SCHEMA).unwrap_or(Value::Null);
    let payload_of = |action: &str| -> Value {
        schema["allOf"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|rule| rule["if"]["properties"]["type"]["const"] == action)
            .map(|rule| rule["then"]["properties"]["payload"].clone())
            .unwrap_or_else(|| json!({"type": "object"}))
    };
    TOOLS
        .iter()
        .map(|t| {
            let mut input = payload_of(t.action);
            let description = input["description"].as_str().unwrap_or("").to_string();
            if let Some(obj) = input.as_object_mut() {
                obj.remove("description");
                obj.entry("properties").or_insert_with(|| json!({}));
            }
            input["properties"]["from"] = json!({
                "type": "string",
                "description": "The role the call is made as (id or code, or `customer`); default the server's `--as`."
            });
            let who = match super::intent::authority(t.action) {
                super::intent::May::Anyone => "Anyone may call it.".to_string(),
                super::intent::May::AnyRole => "Any role of the studio may call it.".to_string(),
                super::intent::May::Only(roles) => format!("Only {} may call it.", roles.join(" or ")),
            };
            json!({
                "name": t.name,
                "title": description.trim_end_matches('.'),
                "description": format!("{description} {who} (protocol action `{}`)", t.action),
                "inputSchema": input,
            })
        })
        .collect()
});

/// The resources: a URI, a name, what it holds, and the command line that reads it.
const RESOURCES: [(&str, &str, &str, &[&str]); 4] = [
    (
        "showrunner://status",
        "status",
        "The studio at a glance: branches, open TUs, last gate, roles, questions, blockers, timeboxes, next step.",
        &["--format", "json", "status"],
    ),
    (
        "showrunner://standup",
        "standup",
        "Each role's blockers, waiting questions, idle TUs and what is due; the Showrunner's escalations.",
        &["--format", "json", "standup"],
    ),
    (
        "showrunner://questions",
        "questions",
        "The open question batches waiting on the customer.",
        &["--format", "json", "questions"],
    ),
    (
        "showrunner://playbooks",
        "playbooks",
        "The loops (playbooks) in force: purpose, parameters, steps, deliverables.",
        &["--format", "json", "loop", "list"],
    ),
];

/// A JSON-RPC error object.
fn rpc_error(id: &Value, code: i64, message: &str) -> String {
    json_line(&json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}))
}

fn rpc_result(id: &Value, result: Value) -> String {
    json_line(&json!({"jsonrpc": "2.0", "id": id, "result": result}))
}

/// Answers one message; `None` for a notification (no reply).
fn handle(ctx: &Ctx, act_as: Option<&str>, line: &str) -> Option<String> {
    let msg: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return Some(rpc_error(
                &Value::Null,
                -32700,
                &format!("parse error: {e}"),
            ));
        }
    };
    if !msg.is_object() || msg["jsonrpc"] != "2.0" {
        return Some(rpc_error(
            &msg["id"],
            -32600,
            "invalid request: one JSON-RPC 2.0 object per line",
        ));
    }
    let id = msg.get("id").cloned();
    let method = msg["method"].as_str().unwrap_or("");
    let params = msg.get("params").cloned().unwrap_or_else(|| json!({}));
    // Notifications (no id) are taken in and not answered.
    let id = id?;
    Some(match method {
        "initialize" => {
            let asked = params["protocolVersion"].as_str().unwrap_or("");
            let version = VERSIONS
                .iter()
                .find(|v| **v == asked)
                .copied()
                .unwrap_or(VERSIONS[0]);
            rpc_result(
                &id,
                json!({
                    "protocolVersion": version,
                    "capabilities": {"tools": {"listChanged": false}, "resources": {"listChanged": false, "subscribe": false}},
                    "serverInfo": {"name": "showrunner", "title": "showrunner", "version": env!("CARGO_PKG_VERSION")},
                    "instructions": "Run an interactive-fiction studio: map a customer's request to loops with `dispatch`, open and work TUs, submit them to the Gatekeeper, merge, snapshot and bind. Every call is made as a role (`from`, or the server's `--as`) and answers to the seed's authorities."
                }),
            )
        }
        "ping" => rpc_result(&id, json!({})),
        "tools/list" => rpc_result(&id, json!({"tools": *LISTED})),
        "tools/call" => call(ctx, act_as, &id, &params),
        "resources/list" => rpc_result(
            &id,
            json!({"resources": RESOURCES.iter().map(|(uri, name, description, _)| json!({
                "uri": uri, "name": name, "description": description, "mimeType": "application/json"
            })).collect::<Vec<_>>()}),
        ),
        "resources/templates/list" => rpc_result(&id, json!({"resourceTemplates": []})),
        "resources/read" => {
            let uri = params["uri"].as_str().unwrap_or("");
            match RESOURCES.iter().find(|(u, ..)| *u == uri) {
                None => rpc_error(&id, -32002, &format!("no resource `{uri}`")),
                Some((uri, _, _, argv)) => {
                    let argv: Vec<String> = argv.iter().map(|a| a.to_string()).collect();
                    match super::run_inside(&ctx.base, &argv) {
                        Ok(out) => rpc_result(
                            &id,
                            json!({"contents": [{"uri": uri, "mimeType": "application/json", "text": out.stdout}]}),
                        ),
                        Err(e) => rpc_error(&id, -32603, &e.to_string()),
                    }
                }
            }
        }
        "" => rpc_error(&id, -32600, "invalid request: no method"),
        other => rpc_error(&id, -32601, &format!("method not found: {other}")),
    })
}

/// `tools/call`: the tool's arguments sent as the payload of its protocol action.
fn call(ctx: &Ctx, act_as: Option<&str>, id: &Value, params: &Value) -> String {
    let name = params["name"].as_str().unwrap_or("");
    let Some(tool) = TOOLS.iter().find(|t| t.name == name) else {
        return rpc_error(id, -32602, &format!("unknown tool `{name}`"));
    };
    let mut args = params["arguments"].clone();
    if args.is_null() {
        args = json!({});
    }
    let from = args
        .as_object_mut()
        .and_then(|o| o.remove("from"))
        .and_then(|f| f.as_str().map(str::to_string))
        .or_else(|| act_as.map(str::to_string));
    let mut envelope = json!({
        "protocol": super::intent::PROTOCOL,
        "id": match id { Value::String(s) => s.clone(), other => other.to_string() },
        "type": tool.action,
        "payload": args,
    });
    if let Some(f) = from {
        envelope["from"] = Value::String(f);
    }
    let (reply, _) = super::intent::answer(ctx, &envelope.to_string());
    let reply: Value = serde_json::from_str(&reply).unwrap_or(Value::Null);
    let result = if reply["type"] == "ack" {
        let structured = json!({
            "exit_code": reply["payload"]["exit_code"],
            "result": reply["payload"]["result"],
        });
        json!({
            "content": [{"type": "text", "text": serde_json::to_string_pretty(&structured).unwrap_or_default()}],
            "structuredContent": structured,
            "isError": false,
        })
    } else {
        let code = reply["payload"]["code"].as_str().unwrap_or("error");
        let message = reply["payload"]["message"].as_str().unwrap_or("");
        json!({
            "content": [{"type": "text", "text": format!("{code}: {message}")}],
            "structuredContent": {"error": code, "message": message},
            "isError": true,
        })
    };
    rpc_result(id, result)
}

pub(super) fn run(ctx: &Ctx, args: McpArgs) -> Result<Output, Error> {
    let Some(console) = &ctx.console else {
        return Err(Error::Usage(
            "`mcp` talks over standard input and output; run it from an MCP client".into(),
        ));
    };
    loop {
        let line = console.borrow_mut().read_line();
        let Some(line) = line else { break };
        let reply = match line {
            Err(_) => Some(rpc_error(
                &Value::Null,
                -32700,
                "parse error: the line is not UTF-8",
            )),
            Ok(l) if l.trim().is_empty() => None,
            Ok(l) => handle(ctx, args.act_as.as_deref(), &l),
        };
        if let Some(r) = reply {
            console.borrow_mut().write(&r);
        }
    }
    Ok(Output::default())
}
