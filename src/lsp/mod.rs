//! `showrunner lsp`: a Language Server Protocol server for a studio's work tree, over
//! standard input and output.
//!
//! The server holds the studio's files with the editor's buffers over them
//! ([`workspace::Workspace`]), judges them in full once and then incrementally after
//! each edit (debounced), and publishes the findings per file as diagnostics — the same
//! codes, severities, owners and fixes as `check`. Navigation, completion, hover, quick
//! fixes and rename ([`features`]) read the last judgement's story graph and the texts.

pub mod features;
pub mod text;
pub mod workspace;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest,
    PrepareRenameRequest, References, Rename, Request as _, WorkspaceSymbolRequest,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions, Diagnostic,
    DiagnosticSeverity, FileChangeType, GotoDefinitionResponse, InitializeParams, NumberOrString,
    OneOf, Position, PrepareRenameResponse, PublishDiagnosticsParams, RenameOptions, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri, WorkspaceSymbolResponse,
};
use serde_json::Value;

use self::features::Site;
use self::workspace::Workspace;
use crate::error::Error;
use crate::gate::{Finding, Severity};

/// How long the server waits after an edit for the next one before judging.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// A finding as a diagnostic on `text` (the file it is about): on the word the message
/// quotes when it stands on the finding's line, else on the line (the file's first line
/// when the finding is about the whole file).
pub fn diagnostic(text: &str, f: &Finding) -> Diagnostic {
    let l0 = f.line.saturating_sub(1);
    let l = text::line(text, l0);
    let quoted = features::quoted_on(&f.message, l).map(|(w, c)| (c, c + w.len()));
    let range = match (f.line, quoted) {
        (0, _) => text::line_range(text, 0),
        (_, Some((a, b))) => text::range(text, l0, a, b),
        _ => text::line_range(text, l0),
    };
    let mut message = f.message.clone();
    if !f.fix.is_empty() {
        message.push_str(&format!("\nfix: {}", f.fix));
    }
    message.push_str(&format!("\nowner: {}", f.owner));
    Diagnostic {
        range,
        severity: Some(match f.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(f.code.clone())),
        source: Some("showrunner".into()),
        message,
        data: Some(serde_json::json!({
            "owner": f.owner,
            "fix": f.fix,
            "pointer": f.pointer,
        })),
        ..Diagnostic::default()
    }
}

/// What the server says it can do.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["#".into(), ":".into(), " ".into(), "[".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        ..ServerCapabilities::default()
    }
}

/// The folder the client opened (`rootUri`, the first workspace folder, `rootPath`),
/// else `fallback`.
fn client_root(params: &InitializeParams, fallback: &Path) -> PathBuf {
    #[allow(deprecated)] // `rootUri` and `rootPath` are what older clients send.
    let uri = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or_else(|| params.root_uri.clone());
    #[allow(deprecated)]
    let path = uri
        .and_then(|u| text::local_path(&u))
        .or_else(|| params.root_path.as_ref().map(PathBuf::from));
    path.unwrap_or_else(|| fallback.to_path_buf())
}

/// The studio folder at or above `asked`, as the client names it: symbolic links are
/// not resolved, so every URI the server sends is under the root the editor opened.
fn studio_root(asked: &Path) -> Result<PathBuf, Error> {
    let abs = match asked.is_absolute() {
        true => asked.to_path_buf(),
        false => std::env::current_dir()
            .map_err(|e| Error::Io {
                path: asked.to_path_buf(),
                source: e,
            })?
            .join(asked),
    };
    let mut dir = Some(abs.as_path());
    while let Some(d) = dir {
        if d.join("studio.toml").is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    crate::studio::find_root(asked)
}

/// Runs the server on standard input and output until the client says `exit`.
pub fn serve(fallback_root: &Path) -> Result<(), Error> {
    let (conn, io) = Connection::stdio();
    let outcome = serve_on(&conn, fallback_root);
    drop(conn);
    let _ = io.join();
    outcome
}

fn protocol(e: impl std::fmt::Display) -> Error {
    Error::Usage(format!("the language client broke the protocol: {e}"))
}

/// Runs the server over a connection.
pub fn serve_on(conn: &Connection, fallback_root: &Path) -> Result<(), Error> {
    let (id, params) = conn.initialize_start().map_err(protocol)?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let asked = client_root(&params, fallback_root);
    let root = match studio_root(&asked) {
        Ok(r) => r,
        Err(e) => {
            let _ = conn.sender.send(Message::Response(Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("{e}: showrunner's language server works in a studio"),
            )));
            return Err(e);
        }
    };
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "showrunner".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    conn.initialize_finish(id, result).map_err(protocol)?;
    // Files made, moved or deleted outside the editor's buffers (a checkout, a rename,
    // another program) are told to the server only when it asks to be told.
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    if watch {
        let _ = conn.sender.send(Message::Request(Request::new(
            RequestId::from("showrunner/watch".to_string()),
            "client/registerCapability".into(),
            serde_json::json!({"registrations": [{
                "id": "showrunner-files",
                "method": DidChangeWatchedFiles::METHOD,
                "registerOptions": {"watchers": [
                    {"globPattern": "**/*.{md,yaml,yml,toml,json}"},
                    {"globPattern": "**/assets/**"},
                ]},
            }]}),
        )));
    }
    let mut server = Server {
        conn,
        ws: Workspace::open(&root)?,
        published: BTreeMap::new(),
        due: None,
    };
    server.publish();
    server.run()
}

struct Server<'c> {
    conn: &'c Connection,
    ws: Workspace,
    /// What each file's diagnostics were when last published.
    published: BTreeMap<String, Vec<Diagnostic>>,
    /// When to judge the edits made so far.
    due: Option<Instant>,
}

impl Server<'_> {
    fn run(&mut self) -> Result<(), Error> {
        loop {
            let msg = match self.due {
                Some(due) => {
                    let wait = due.saturating_duration_since(Instant::now());
                    match self.conn.receiver.recv_timeout(wait) {
                        Ok(m) => m,
                        Err(RecvTimeoutError::Timeout) => {
                            self.judge();
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => return Ok(()),
                    }
                }
                None => match self.conn.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                },
            };
            match msg {
                Message::Request(req) => {
                    if self.conn.handle_shutdown(&req).map_err(protocol)? {
                        return Ok(());
                    }
                    // Answers read the studio as it is now.
                    if self.due.is_some() {
                        self.judge();
                    }
                    let reply = self.answer(req);
                    self.send(Message::Response(reply));
                }
                Message::Notification(n) => self.notified(n),
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, m: Message) {
        let _ = self.conn.sender.send(m);
    }

    /// Judges the edits made so far and publishes what changed.
    fn judge(&mut self) {
        self.due = None;
        if let Err(e) = self.ws.judge() {
            self.send(Message::Notification(Notification::new(
                "window/showMessage".into(),
                serde_json::json!({"type": 1, "message": format!("showrunner: {e}")}),
            )));
            return;
        }
        self.publish();
    }

    /// Publishes each file's diagnostics where they differ from the last published.
    fn publish(&mut self) {
        let mut now: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
        for (path, findings) in self.ws.findings_by_path() {
            let text = self.ws.text(path).unwrap_or("");
            now.insert(
                path.to_string(),
                findings.iter().map(|f| diagnostic(text, f)).collect(),
            );
        }
        let paths: std::collections::BTreeSet<String> =
            now.keys().chain(self.published.keys()).cloned().collect();
        for path in paths {
            let new = now.get(&path).cloned().unwrap_or_default();
            if self.published.get(&path) == now.get(&path) {
                continue;
            }
            self.send(Message::Notification(Notification::new(
                PublishDiagnostics::METHOD.into(),
                PublishDiagnosticsParams {
                    uri: text::uri_of(self.ws.root(), &path),
                    diagnostics: new,
                    version: None,
                },
            )));
        }
        self.published = now;
    }

    fn path(&self, uri: &Uri) -> Option<String> {
        text::studio_path(self.ws.root(), uri)
    }

    fn edited(&mut self) {
        if self.ws.dirty() {
            self.due = Some(Instant::now() + DEBOUNCE);
        }
    }

    fn notified(&mut self, n: Notification) {
        let p = n.params;
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(p)
                    && let Some(path) = self.path(&p.text_document.uri)
                {
                    self.ws.set(&path, Some(p.text_document.text.into_bytes()));
                    self.edited();
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(p)
                    && let Some(path) = self.path(&p.text_document.uri)
                {
                    // The server asks for whole texts; a ranged change is applied all
                    // the same, in order.
                    let mut text = self.ws.text(&path).unwrap_or("").to_string();
                    for c in p.content_changes {
                        text = match c.range {
                            Some(r) => text::splice(&text, r, &c.text),
                            None => c.text,
                        };
                    }
                    self.ws.set(&path, Some(text.into_bytes()));
                    self.edited();
                }
            }
            DidCloseTextDocument::METHOD | DidSaveTextDocument::METHOD => {
                let uri = p
                    .get("textDocument")
                    .and_then(|d| d.get("uri"))
                    .and_then(Value::as_str)
                    .and_then(|u| u.parse::<Uri>().ok());
                if let Some(path) = uri.and_then(|u| self.path(&u)) {
                    let _ = self.ws.reload(&path);
                    self.edited();
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(p) {
                    for c in p.changes {
                        if let Some(path) = self.path(&c.uri) {
                            if c.typ == FileChangeType::DELETED {
                                self.ws.set(&path, None);
                            } else {
                                let _ = self.ws.reload(&path);
                            }
                        }
                    }
                    self.edited();
                }
            }
            _ => {}
        }
    }

    /// The site under a position of a document.
    fn site(&self, params: &Value) -> Option<(String, Position, Option<Found>)> {
        let doc = params.get("textDocument")?.get("uri")?.as_str()?;
        let uri: Uri = doc.parse().ok()?;
        let path = self.path(&uri)?;
        let pos: Position = serde_json::from_value(params.get("position")?.clone()).ok()?;
        let site = features::site_at(&self.ws, &path, pos);
        Some((path, pos, site))
    }

    fn answer(&mut self, req: Request) -> Response {
        let Request { id, method, params } = req;
        let ok = |v: Value| Response::new_ok(id.clone(), v);
        match method.as_str() {
            GotoDefinition::METHOD => {
                let found = self.site(&params).and_then(|(_, _, s)| s);
                ok(match found {
                    Some((site, _)) => json(&GotoDefinitionResponse::Array(features::definition(
                        &self.ws, &site,
                    ))),
                    None => Value::Null,
                })
            }
            References::METHOD => {
                let declaration = params
                    .pointer("/context/includeDeclaration")
                    .and_then(Value::as_bool)
                    .unwrap_or(true);
                let found = self.site(&params).and_then(|(_, _, s)| s);
                ok(match found {
                    Some((site, _)) => json(&features::references(&self.ws, &site, declaration)),
                    None => Value::Null,
                })
            }
            HoverRequest::METHOD => {
                let found = self.site(&params).and_then(|(_, _, s)| s);
                ok(match found {
                    Some((site, r)) => json(&features::hover(&mut self.ws, &site, r)),
                    None => Value::Null,
                })
            }
            Completion::METHOD => match self.site(&params) {
                Some((path, pos, _)) => ok(json(&features::completion(&self.ws, &path, pos))),
                None => ok(Value::Null),
            },
            DocumentSymbolRequest::METHOD => {
                let path = params
                    .pointer("/textDocument/uri")
                    .and_then(Value::as_str)
                    .and_then(|u| u.parse::<Uri>().ok())
                    .and_then(|u| self.path(&u));
                ok(match path {
                    Some(p) => json(&lsp_types::DocumentSymbolResponse::Nested(
                        features::document_symbols(&self.ws, &p),
                    )),
                    None => Value::Null,
                })
            }
            WorkspaceSymbolRequest::METHOD => {
                let q = params.get("query").and_then(Value::as_str).unwrap_or("");
                ok(json(&WorkspaceSymbolResponse::Flat(
                    features::workspace_symbols(&self.ws, q),
                )))
            }
            CodeActionRequest::METHOD => {
                let path = params
                    .pointer("/textDocument/uri")
                    .and_then(Value::as_str)
                    .and_then(|u| u.parse::<Uri>().ok())
                    .and_then(|u| self.path(&u));
                let range: Option<lsp_types::Range> = params
                    .get("range")
                    .and_then(|r| serde_json::from_value(r.clone()).ok());
                ok(match (path, range) {
                    (Some(p), Some(r)) => json(&features::code_actions(&self.ws, &p, r)),
                    _ => Value::Null,
                })
            }
            PrepareRenameRequest::METHOD => {
                let found = self.site(&params).and_then(|(_, _, s)| s);
                match found {
                    Some((site @ (Site::Section(_) | Site::Codeword(_)), r))
                        if self.known(&site) =>
                    {
                        ok(json(&PrepareRenameResponse::Range(r)))
                    }
                    _ => ok(Value::Null),
                }
            }
            Rename::METHOD => {
                let new = params
                    .get("newName")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let found = self.site(&params).and_then(|(_, _, s)| s);
                match found {
                    Some((site, _)) if self.known(&site) => {
                        if let Some(why) = features::refuse_name(&self.ws, &site, &new) {
                            return refuse(id, why);
                        }
                        match features::rename(&self.ws, &site, &new) {
                            Some(edit) => ok(json(&edit)),
                            None => refuse(id, "nothing to rename here".into()),
                        }
                    }
                    _ => refuse(
                        id,
                        "only a section or a codeword the studio has can be renamed".into(),
                    ),
                }
            }
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("showrunner's language server does not answer `{method}`"),
            ),
        }
    }

    /// Whether a section or codeword is one the studio has.
    fn known(&self, site: &Site) -> bool {
        let story = self.ws.story();
        match site {
            Site::Section(id) => story.by_id.contains_key(id),
            Site::Codeword(id) => story.sections.iter().any(|s| {
                s.sets.iter().any(|m| &m.id == id)
                    || s.choices
                        .iter()
                        .any(|c| c.requires.iter().chain(&c.forbids).any(|m| &m.id == id))
            }),
            _ => false,
        }
    }
}

/// A site and the range of its word.
type Found = (Site, lsp_types::Range);

fn refuse(id: RequestId, why: String) -> Response {
    Response::new_err(id, ErrorCode::InvalidRequest as i32, why)
}

/// An answer as JSON.
fn json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}
