//! `showrunner lsp` driven as an editor drives it: a JSON-RPC client speaking the
//! Language Server Protocol's framing over the server's standard input and output.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::*;

/// A language client on a running `showrunner lsp`.
struct Client {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications received while waiting for something else.
    held: Vec<Value>,
    next: u64,
    root: std::path::PathBuf,
}

/// How long anything may take before the test gives up.
const PATIENCE: Duration = Duration::from_secs(30);

impl Client {
    /// Starts the server in the sandbox folder `cwd` and initializes it with `root` (a
    /// sandbox folder) as the client's root.
    fn start(s: &Sandbox, cwd: &str, root: &str) -> (Client, Value) {
        Client::start_with(s, cwd, root, json!({}))
    }

    /// [`Client::start`] with the client's capabilities.
    fn start_with(s: &Sandbox, cwd: &str, root: &str, capabilities: Value) -> (Client, Value) {
        let mut child = s.spawn_in(cwd, &["lsp"]);
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut header = String::new();
                    if r.read_line(&mut header).unwrap_or(0) == 0 {
                        return;
                    }
                    let h = header.trim_end();
                    if h.is_empty() {
                        break;
                    }
                    if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("a JSON message");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        // As the editor names it: a link stays a link.
        let root = s.join(root);
        let mut c = Client {
            child,
            stdin,
            incoming,
            held: Vec::new(),
            next: 0,
            root,
        };
        let init = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": format!("file://{}", c.root.display()),
                "capabilities": capabilities,
            }),
        );
        c.notify("initialized", json!({}));
        (c, init)
    }

    fn send(&mut self, v: Value) {
        let body = serde_json::to_vec(&v).expect("json");
        let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        framed.extend(body);
        self.stdin.write_all(&framed).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (the whole response object).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let until = Instant::now() + PATIENCE;
        loop {
            let m = self
                .receive(until)
                .unwrap_or_else(|| panic!("no answer to {method}"));
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
            self.held.push(m);
        }
    }

    /// The result of a request that must succeed.
    fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    fn receive(&mut self, until: Instant) -> Option<Value> {
        let wait = until.saturating_duration_since(Instant::now());
        self.incoming.recv_timeout(wait).ok()
    }

    fn uri(&self, path: &str) -> String {
        format!("file://{}/{path}", self.root.display())
    }

    /// The next diagnostics published for `path` that satisfy `want` (those held
    /// first), and every diagnostics notification before them is dropped.
    fn diagnostics(&mut self, path: &str, want: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let uri = self.uri(path);
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
        };
        let held = std::mem::take(&mut self.held);
        let mut last = None;
        for m in held {
            if matches(&m) {
                let d = m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if want(&d) {
                    last = Some(d);
                }
            }
        }
        if let Some(d) = last {
            return d;
        }
        let until = Instant::now() + PATIENCE;
        loop {
            let m = self
                .receive(until)
                .unwrap_or_else(|| panic!("no diagnostics as wanted for {path}"));
            if matches(&m) {
                let d = m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if want(&d) {
                    return d;
                }
            }
        }
    }

    fn open(&mut self, path: &str) -> String {
        let text = std::fs::read_to_string(self.root.join(path)).expect("file");
        let uri = self.uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
        text
    }

    fn change(&mut self, path: &str, version: u32, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `{textDocument, position}` at the first `needle` on the file's text (the cursor
    /// `offset` characters into it).
    fn at(&self, path: &str, text: &str, needle: &str, offset: usize) -> Value {
        let (line, l) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} in {path}"));
        let col = l[..l.find(needle).expect("needle")].encode_utf16().count() + offset;
        json!({"textDocument": {"uri": self.uri(path)}, "position": {"line": line, "character": col}})
    }

    fn stop(mut self) -> std::process::ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let until = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < until, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The sample studio, in a git repository, at `book`.
fn sample() -> Sandbox {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    s
}

/// The `key` of each object in an array.
fn strings<'a>(v: &'a Value, key: &str) -> Vec<&'a str> {
    v.as_array()
        .map(|a| a.iter().filter_map(|x| x[key].as_str()).collect())
        .unwrap_or_default()
}

/// The first line of `text` holding `needle`, 0-based.
fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle") as u64
}

#[test]
fn the_server_publishes_check_s_findings_as_the_writer_types_and_clears_them() {
    let s = sample();
    let (mut c, init) = Client::start(&s, "book", "book");
    assert_eq!(init["result"]["serverInfo"]["name"], "showrunner", "{init}");
    let text = c.open("sections/mudbank.md");
    // An unsaved edit: a choice now leads nowhere.
    let bad = text.replace("to: pip-pole", "to: pip-polr");
    c.change("sections/mudbank.md", 2, &bad);
    let d = c.diagnostics("sections/mudbank.md", |d| !d.is_empty());
    assert_eq!(d.len(), 1, "{d:?}");
    let line = line_of(&bad, "to: pip-polr");
    assert_eq!(d[0]["code"], "integrity/dangling-choice");
    assert_eq!(d[0]["severity"], 1);
    assert_eq!(d[0]["source"], "showrunner");
    assert_eq!(
        d[0]["range"]["start"],
        json!({"line": line, "character": 8})
    );
    assert_eq!(d[0]["range"]["end"], json!({"line": line, "character": 16}));
    let message = d[0]["message"].as_str().expect("message");
    assert!(message.contains("did you mean `pip-pole`?"), "{message}");
    assert!(message.contains("owner: plotwright"), "{message}");
    // The same findings `check` prints for the same files.
    std::fs::write(s.join("book/sections/mudbank.md"), &bad).expect("write");
    let check = s.run_in("book", &["check", "--format", "json"]);
    let json = check.json();
    let on_disk: Vec<(String, u64)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["path"] == "sections/mudbank.md")
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        on_disk,
        vec![("integrity/dangling-choice".to_string(), line + 1)],
        "{}",
        check.stdout
    );
    std::fs::write(s.join("book/sections/mudbank.md"), &text).expect("write back");
    // Mended in the buffer: the file's diagnostics are cleared.
    c.change("sections/mudbank.md", 3, &text);
    let d = c.diagnostics("sections/mudbank.md", |d| d.is_empty());
    assert!(d.is_empty());
    // A finding another file causes: the codeword a gate in marsh-channel tests is set
    // nowhere once records-drawer, the only section setting it, stops setting it.
    let drawer = c.open("sections/records-drawer.md");
    assert!(drawer.contains("sets: [records-map]"));
    c.change(
        "sections/records-drawer.md",
        2,
        &drawer.replace("sets: [records-map]", "sets: []"),
    );
    let d = c.diagnostics("sections/marsh-channel.md", |d| !d.is_empty());
    assert!(
        d.iter().any(|x| x["message"]
            .as_str()
            .is_some_and(|m| m.contains("records-map"))),
        "{d:?}"
    );
    c.change("sections/records-drawer.md", 3, &drawer);
    c.diagnostics("sections/marsh-channel.md", |d| d.is_empty());
    assert!(c.stop().success());
}

#[test]
fn definition_references_symbols_completion_and_hover_follow_the_story() {
    let s = sample();
    let (mut c, _) = Client::start(&s, "book", "book");
    let text = c.open("sections/mudbank.md");
    // A choice's `to:` leads to the section's file, at its id.
    let def = c.result(
        "textDocument/definition",
        c.at("sections/mudbank.md", &text, "to: pip-lesson", 6),
    );
    assert_eq!(def[0]["uri"], c.uri("sections/pip-lesson.md"), "{def}");
    assert_eq!(def[0]["range"]["start"]["line"], 1, "{def}");
    // A codeword in a gate leads to where it is set.
    let marsh = c.open("sections/marsh-channel.md");
    let def = c.result(
        "textDocument/definition",
        c.at("sections/marsh-channel.md", &marsh, "records-map", 2),
    );
    let set_in = strings(&def, "uri");
    assert!(!set_in.is_empty(), "{def}");
    for uri in &set_in {
        let path = uri.rsplit_once("/book/").expect("in the studio").1;
        let t = std::fs::read_to_string(s.join(&format!("book/{path}"))).expect("file");
        assert!(t.contains("sets:") && t.contains("records-map"), "{path}");
    }
    // A body link to a codex entry and a codex `see_also` lead to the entry.
    let yard = c.open("sections/guild-yard.md");
    let def = c.result(
        "textDocument/definition",
        c.at("sections/guild-yard.md", &yard, "(#wick-guild)", 3),
    );
    assert_eq!(def[0]["uri"], c.uri("codex/wick-guild.md"), "{def}");
    let pole = c.open("codex/lamp-pole.md");
    let def = c.result(
        "textDocument/definition",
        c.at("codex/lamp-pole.md", &pole, "wicklights", 1),
    );
    assert_eq!(def[0]["uri"], c.uri("codex/wicklights.md"), "{def}");
    // References to a section: every choice into it, and its own id.
    let refs = c.result(
        "textDocument/references",
        json!({
            "textDocument": {"uri": c.uri("sections/mudbank.md")},
            "position": {"line": 1, "character": 5},
            "context": {"includeDeclaration": true},
        }),
    );
    let uris = strings(&refs, "uri");
    assert!(
        uris.contains(&c.uri("sections/mudbank.md").as_str()),
        "{refs}"
    );
    assert!(
        uris.contains(&c.uri("sections/canal-market.md").as_str()),
        "{refs}"
    );
    // Every gate on a codeword.
    let refs = c.result(
        "textDocument/references",
        json!({
            "textDocument": {"uri": c.uri("sections/marsh-channel.md")},
            "position": c.at("sections/marsh-channel.md", &marsh, "records-map", 0)["position"],
            "context": {"includeDeclaration": false},
        }),
    );
    assert!(refs.as_array().is_some_and(|r| r.len() >= 2), "{refs}");
    // Symbols: the section and its choices; sections, codex and codewords by name.
    let syms = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": c.uri("sections/mudbank.md")}}),
    );
    assert_eq!(syms[0]["name"], "mudbank", "{syms}");
    assert_eq!(
        syms[0]["children"].as_array().map(Vec::len),
        Some(3),
        "{syms}"
    );
    let ws = c.result("workspace/symbol", json!({"query": "pip"}));
    let names = strings(&ws, "name");
    assert!(
        names.contains(&"pip-lesson") && names.contains(&"pip-tune"),
        "{names:?}"
    );
    // Completion inside `to:` offers section ids with their titles.
    let items = c.result(
        "textDocument/completion",
        c.at("sections/mudbank.md", &text, "to: pip-lesson", 4),
    );
    let lesson = items
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["label"] == "pip-lesson")
        .unwrap_or_else(|| panic!("pip-lesson offered: {items}"));
    assert_eq!(lesson["detail"], "Four Down, Three Up");
    // ... and codewords with their phrases inside a gate.
    let items = c.result(
        "textDocument/completion",
        c.at("sections/marsh-channel.md", &marsh, "records-map", 0),
    );
    assert!(
        items
            .as_array()
            .is_some_and(|i| i.iter().any(|x| x["label"] == "pip-tune")),
        "{items}"
    );
    // Hover: the title, choices in and out, and the route that reaches it.
    let h = c.result(
        "textDocument/hover",
        c.at("sections/mudbank.md", &text, "to: pip-lesson", 6),
    );
    let md = h["contents"]["value"].as_str().expect("markdown");
    assert!(md.contains("Four Down, Three Up"), "{md}");
    assert!(
        md.contains("choices out") && md.contains("choices in"),
        "{md}"
    );
    assert!(
        md.contains("reachable under the gates: `dusk-bell`"),
        "{md}"
    );
    let h = c.result(
        "textDocument/hover",
        c.at("sections/marsh-channel.md", &marsh, "records-map", 0),
    );
    let md = h["contents"]["value"].as_str().expect("markdown");
    assert!(
        md.contains("the reader reads:") && md.contains("set in"),
        "{md}"
    );
    // Nothing under the cursor, a file outside the studio: nothing, and no error.
    let none = c.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": c.uri("sections/mudbank.md")}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(none, Value::Null);
    let outside = c.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": "file:///etc/passwd"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(outside, Value::Null);
    assert!(c.stop().success());
}

/// Applies a workspace edit's text edits and file renames to the files on disk.
fn apply(root: &std::path::Path, edit: &Value) {
    let path_of =
        |uri: &str| std::path::PathBuf::from(uri.strip_prefix("file://").expect("a file URI"));
    for op in edit["documentChanges"].as_array().expect("documentChanges") {
        if op["kind"] == "rename" {
            let (from, to) = (
                path_of(op["oldUri"].as_str().expect("old")),
                path_of(op["newUri"].as_str().expect("new")),
            );
            assert!(!to.exists(), "{to:?} is not overwritten");
            std::fs::rename(from, to).expect("rename");
            continue;
        }
        let file = path_of(op["textDocument"]["uri"].as_str().expect("uri"));
        assert!(file.starts_with(root), "{file:?}");
        let text = std::fs::read_to_string(&file).expect("file");
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut edits: Vec<&Value> = op["edits"].as_array().expect("edits").iter().collect();
        // Last first, so earlier positions hold.
        edits.sort_by_key(|e| {
            std::cmp::Reverse((
                e["range"]["start"]["line"].as_u64(),
                e["range"]["start"]["character"].as_u64(),
            ))
        });
        for e in edits {
            let (l, a, b) = (
                e["range"]["start"]["line"].as_u64().expect("line") as usize,
                e["range"]["start"]["character"].as_u64().expect("a") as usize,
                e["range"]["end"]["character"].as_u64().expect("b") as usize,
            );
            assert_eq!(e["range"]["end"]["line"], e["range"]["start"]["line"]);
            let units: Vec<u16> = lines[l].encode_utf16().collect();
            let mut out: Vec<u16> = units[..a].to_vec();
            out.extend(e["newText"].as_str().expect("text").encode_utf16());
            out.extend(&units[b..]);
            lines[l] = String::from_utf16(&out).expect("utf16");
        }
        std::fs::write(&file, lines.join("\n")).expect("write");
    }
}

#[test]
fn quick_fixes_and_renames_leave_a_studio_check_passes() {
    let s = sample();
    let before = s.run_in("book", &["check", "--format", "json"]);
    let clean = before.json()["findings"].as_array().map(Vec::len);
    let (mut c, _) = Client::start(&s, "book", "book");
    let text = c.open("sections/mudbank.md");
    let bad = text.replace("to: pip-pole", "to: pip-polr");
    c.change("sections/mudbank.md", 2, &bad);
    let d = c.diagnostics("sections/mudbank.md", |d| !d.is_empty());
    let line = line_of(&bad, "to: pip-polr");
    let actions = c.result(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": c.uri("sections/mudbank.md")},
            "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
            "context": {"diagnostics": d},
        }),
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix", "{actions}");
    assert_eq!(fix["title"], "Change `pip-polr` to `pip-pole`", "{actions}");
    let edits = &fix["edit"]["changes"][c.uri("sections/mudbank.md")];
    assert_eq!(edits[0]["newText"], "pip-pole", "{fix}");
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": line, "character": 8})
    );
    c.change("sections/mudbank.md", 3, &text);
    c.diagnostics("sections/mudbank.md", |d| d.is_empty());

    // Rename a section: refused onto an id that exists or is no id ...
    let at_lesson = c.at("sections/mudbank.md", &text, "to: pip-lesson", 6);
    let prepared = c.result("textDocument/prepareRename", at_lesson.clone());
    assert_eq!(
        prepared["start"]["line"],
        line_of(&text, "to: pip-lesson"),
        "{prepared}"
    );
    for taken in ["mudbank", "Pip Lesson", "../x", ""] {
        let mut p = at_lesson.clone();
        p["newName"] = json!(taken);
        let r = c.request("textDocument/rename", p);
        assert!(r.get("error").is_some(), "{taken:?}: {r}");
    }
    // ... and done as one edit that a check passes once applied.
    let mut p = at_lesson;
    p["newName"] = json!("pip-teaching");
    let edit = c.result("textDocument/rename", p);
    let ops = edit["documentChanges"].as_array().expect("ops");
    assert!(
        ops.iter()
            .any(|o| o["kind"] == "rename" && o["newUri"] == c.uri("sections/pip-teaching.md")),
        "{edit}"
    );
    apply(&c.root.clone(), &edit);
    // A codeword too: every gate, every `sets`, its entry.
    let marsh = std::fs::read_to_string(s.join("book/sections/marsh-channel.md")).expect("file");
    c.open("sections/marsh-channel.md");
    let mut p = c.at("sections/marsh-channel.md", &marsh, "records-map", 1);
    p["newName"] = json!("archive-map");
    let edit = c.result("textDocument/rename", p);
    apply(&c.root.clone(), &edit);
    assert!(c.stop().success());
    let after = s.run_in("book", &["check", "--format", "json"]);
    assert_eq!(
        after.json()["findings"].as_array().map(Vec::len),
        clean,
        "{}",
        after.stdout
    );
    for (p, bytes) in files_under(&s.join("book")) {
        let t = String::from_utf8_lossy(&bytes);
        assert!(
            !t.contains("to: pip-lesson") && !t.contains("(#pip-lesson)"),
            "{p} still leads to pip-lesson"
        );
        if p.starts_with("sections/") || p == "codewords.yaml" {
            assert!(!t.contains("records-map"), "{p} still names records-map");
        }
    }
    assert!(s.join("book/sections/pip-teaching.md").is_file());
    assert!(!s.join("book/sections/pip-lesson.md").exists());
}

#[test]
fn a_folder_that_is_no_studio_is_refused_at_initialize_and_bad_requests_are_answered() {
    let s = Sandbox::new();
    std::fs::create_dir_all(s.join("empty")).expect("dir");
    let (c, init) = Client::start(&s, "empty", "empty");
    let err = init["error"]["message"].as_str().unwrap_or("");
    assert!(err.contains("studio"), "{init}");
    drop(c);

    let s = sample();
    let (mut c, _) = Client::start(&s, "book", "book");
    let r = c.request("textDocument/formatting", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    // Malformed parameters are answered with nothing, and the server goes on.
    for params in [
        json!(null),
        json!({"textDocument": 3}),
        json!({"position": "x"}),
    ] {
        let r = c.request("textDocument/definition", params);
        assert!(r.get("result").is_some() || r.get("error").is_some(), "{r}");
    }
    // A change to a file outside the studio is ignored, not read.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "file:///tmp/elsewhere.md", "languageId": "markdown", "version": 1, "text": "---\nid: x\n---\n"}}),
    );
    let syms = c.result("workspace/symbol", json!({"query": "elsewhere"}));
    assert_eq!(syms, json!([]));
    assert!(c.stop().success());
}

#[test]
fn files_changed_outside_the_editor_are_watched_under_the_root_as_the_editor_names_it() {
    let s = sample();
    std::os::unix::fs::symlink(s.join("book"), s.join("linked")).expect("symlink");
    let (mut c, _) = Client::start_with(
        &s,
        "book",
        "linked",
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    // The server asks to be told of studio files changed on disk; the client agrees.
    let until = Instant::now() + PATIENCE;
    let ask = loop {
        let m = c.receive(until).expect("a registration request");
        if m["method"] == "client/registerCapability" {
            break m;
        }
        c.held.push(m);
    };
    let reg = &ask["params"]["registrations"][0];
    assert_eq!(reg["method"], "workspace/didChangeWatchedFiles", "{ask}");
    assert!(
        reg["registerOptions"]["watchers"][0]["globPattern"]
            .as_str()
            .is_some_and(|g| g.contains("md"))
    );
    c.send(json!({"jsonrpc": "2.0", "id": ask["id"], "result": null}));
    // A section made by another program, its choice leading nowhere.
    std::fs::write(
        s.join("book/sections/side-room.md"),
        "---\nid: side-room\ntitle: \"A side room\"\ncontent_notes: []\nchoices:\n  - label: \"Back\"\n    to: nowhere-at-all\n---\nA side room.\n",
    )
    .expect("write");
    let uri = c.uri("sections/side-room.md");
    assert!(uri.contains("/linked/"), "{uri}");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri, "type": 1}]}),
    );
    let d = c.diagnostics("sections/side-room.md", |d| !d.is_empty());
    let codes: Vec<&str> = d.iter().filter_map(|x| x["code"].as_str()).collect();
    assert!(codes.contains(&"integrity/dangling-choice"), "{codes:?}");
    // The answers name files under the root as given, not where the link leads.
    let text = std::fs::read_to_string(s.join("book/sections/mudbank.md")).expect("file");
    let def = c.result(
        "textDocument/definition",
        c.at("sections/mudbank.md", &text, "to: pip-lesson", 6),
    );
    assert_eq!(def[0]["uri"], c.uri("sections/pip-lesson.md"), "{def}");
    // Deleted on disk: its diagnostics go with it.
    std::fs::remove_file(s.join("book/sections/side-room.md")).expect("remove");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c.uri("sections/side-room.md"), "type": 3}]}),
    );
    c.diagnostics("sections/side-room.md", |d| d.is_empty());
    assert!(c.stop().success());
}
