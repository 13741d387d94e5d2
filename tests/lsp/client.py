"""A session with `showrunner lsp` through pygls's LanguageClient, as an editor holds one.

Usage: python3 client.py <showrunner binary> <studio folder>

Starts the server outside the studio and opens the studio as the workspace; opens
sections/mudbank.md and then, as a writer would: breaks a choice's `to:` (the dangling
choice is published as it is typed) and takes the quick fix; goes from a `to:` value to
its section; completes a `to:` value; hovers it; lists its references; renames the
section, checks the edit against every place the studio names it, applies it as VS Code
does (in buffers, the file moved, then saved), and follows the new name; `check` on the
saved files must agree with the last diagnostics. Exits non-zero, naming what failed, on
any surprise.
"""

import asyncio
import glob
import json
import os
import re
import subprocess
import sys

from lsprotocol import types as t
from pygls import uris
from pygls.lsp.client import LanguageClient

# How long any one answer or notification may take.
TIMEOUT = 30


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def utf16_offset(line, units):
    """The index in `line` of a UTF-16 column."""
    n = 0
    for i, c in enumerate(line):
        if n >= units:
            return i
        n += 2 if ord(c) > 0xFFFF else 1
    return len(line)


def apply_edits(text, edits):
    """`text` with text edits applied, as an editor applies them (last first)."""
    lines = text.split("\n")

    def offset(pos):
        before = sum(len(l) + 1 for l in lines[: pos.line])
        return before + utf16_offset(lines[pos.line], pos.character)

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def span(e):
    r = e.range
    return (r.start.line, r.start.character, r.end.line, r.end.character)


class Editor(LanguageClient):
    """The client with what the server told it: diagnostics by file, messages shown."""

    def __init__(self, studio):
        super().__init__("showrunner-lsp-e2e", "1")
        # As the editor names it: a URI the server sends back must name the same path,
        # character for character, or the editor would not match it to its buffer.
        self.studio = os.path.abspath(studio)
        self.diagnostics = {}
        self.published = asyncio.Event()
        self.shown = []
        self.broken = []
        self.exit_code = None

        @self.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: t.PublishDiagnosticsParams):
            self.diagnostics[self.rel(params.uri)] = list(params.diagnostics)
            self.published.set()

        @self.feature(t.WINDOW_SHOW_MESSAGE)
        def on_message(params: t.ShowMessageParams):
            self.shown.append((params.type, params.message))

    def report_server_error(self, error, source):
        self.broken.append(f"{source.__name__}: {error}")

    async def server_exit(self, server):
        self.exit_code = server.returncode

    def uri(self, rel):
        return uris.from_fs_path(os.path.join(self.studio, rel))

    def rel(self, uri):
        """The studio path a URI names (the URI itself when it is not under the studio's
        path as the editor opened it)."""
        path = uris.to_fs_path(uri)
        if path is None:
            return uri
        if not path.startswith(self.studio + os.sep):
            return uri
        return os.path.relpath(path, self.studio).replace(os.sep, "/")

    async def ask(self, what, request):
        try:
            return await asyncio.wait_for(request, TIMEOUT)
        except asyncio.TimeoutError:
            check(False, f"{what}: no answer in {TIMEOUT}s")

    async def diagnostics_until(self, what, path, pred):
        """Waits for the diagnostics published for `path` to satisfy `pred`; returns them."""

        async def wait():
            while not pred(self.diagnostics.get(path, [])):
                self.published.clear()
                await self.published.wait()
            return self.diagnostics.get(path, [])

        try:
            return await asyncio.wait_for(wait(), TIMEOUT)
        except asyncio.TimeoutError:
            check(
                False,
                f"{what}: not published in {TIMEOUT}s; {path} has {self.diagnostics.get(path)}"
                f" (diagnostics came for {sorted(self.diagnostics)})",
            )

    def open(self, rel, text, version=1):
        lang = "markdown" if rel.endswith(".md") else "yaml"
        item = t.TextDocumentItem(uri=self.uri(rel), language_id=lang, version=version, text=text)
        self.text_document_did_open(t.DidOpenTextDocumentParams(text_document=item))

    def close(self, rel):
        self.text_document_did_close(
            t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=self.uri(rel)))
        )

    def save(self, rel):
        self.text_document_did_save(
            t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=self.uri(rel)))
        )

    def change(self, rel, text, version):
        self.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=self.uri(rel), version=version),
                content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )


def read(studio, rel):
    with open(os.path.join(studio, rel), encoding="utf-8") as f:
        return f.read()


def write(studio, rel, text):
    with open(os.path.join(studio, rel), "w", encoding="utf-8") as f:
        f.write(text)


def line_of(text, needle):
    """The 0-based line holding `needle`, and its column."""
    for n, l in enumerate(text.split("\n")):
        if needle in l:
            return n, l.index(needle)
    check(False, f"`{needle}` in the text")


def titles(studio):
    """Each section's id and title, read from the files."""
    out = {}
    for p in glob.glob(os.path.join(studio, "sections", "*.md")):
        with open(p, encoding="utf-8") as f:
            front = f.read().split("\n---", 1)[0]
        sid = re.search(r"^id:\s*(\S+)", front, re.M)
        title = re.search(r"^title:\s*(.+)$", front, re.M)
        if sid and title:
            out[sid.group(1)] = title.group(1).strip().strip('"')
    return out


def places_naming(studio, sid):
    """Every (path, line) that names section `sid`: its `id:`, choices' `to:`, body links
    `(#sid)` and `start`, found by reading the files, not by asking the server."""
    out = set()
    files = glob.glob(os.path.join(studio, "**", "*.md"), recursive=True)
    for p in files + [os.path.join(studio, "studio.toml")]:
        rel = os.path.relpath(p, studio).replace(os.sep, "/")
        with open(p, encoding="utf-8") as f:
            lines = f.read().split("\n")
        own = re.sub(r"^editions/[^/]+/", "", rel) == f"sections/{sid}.md"
        for n, l in enumerate(lines):
            word = rf"(?<![\w-]){re.escape(sid)}(?![\w-])"
            if re.match(rf"\s*(-\s+)?(to|start|section)\s*[:=]\s*\"?{word}", l):
                out.add((rel, n))
            elif own and re.match(rf"id:\s*{word}", l):
                out.add((rel, n))
            elif f"(#{sid})" in l:
                out.add((rel, n))
    return out


async def session(binary, studio):
    env = dict(os.environ)
    env.update({"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1"})
    ed = Editor(studio)
    studio = ed.studio
    # Started outside the studio: the server must take the studio from the client.
    await ed.start_io(binary, "lsp", cwd=os.path.dirname(studio), env=env)

    root = ed.uri("")
    init = await ed.ask(
        "initialize",
        ed.initialize_async(
            t.InitializeParams(
                process_id=os.getpid(),
                root_uri=root,
                workspace_folders=[t.WorkspaceFolder(uri=root, name=os.path.basename(studio))],
                capabilities=t.ClientCapabilities(
                    workspace=t.WorkspaceClientCapabilities(
                        apply_edit=True,
                        workspace_edit=t.WorkspaceEditClientCapabilities(
                            document_changes=True,
                            resource_operations=[t.ResourceOperationKind.Rename],
                        ),
                        did_change_watched_files=t.DidChangeWatchedFilesClientCapabilities(
                            dynamic_registration=False
                        ),
                    ),
                    text_document=t.TextDocumentClientCapabilities(
                        publish_diagnostics=t.PublishDiagnosticsClientCapabilities(),
                        rename=t.RenameClientCapabilities(prepare_support=True),
                        completion=t.CompletionClientCapabilities(),
                        hover=t.HoverClientCapabilities(content_format=[t.MarkupKind.Markdown]),
                        code_action=t.CodeActionClientCapabilities(
                            code_action_literal_support=t.ClientCodeActionLiteralOptions(
                                code_action_kind=t.ClientCodeActionKindOptions(value_set=[t.CodeActionKind.QuickFix])
                            )
                        ),
                    ),
                ),
            )
        ),
    )
    check(init.server_info is not None and init.server_info.name == "showrunner", f"server info: {init.server_info}")
    caps = init.capabilities
    sync = caps.text_document_sync
    check(getattr(sync, "change", sync) == t.TextDocumentSyncKind.Full, f"full text sync: {sync}")
    check(getattr(caps.rename_provider, "prepare_provider", False), f"prepareRename offered: {caps.rename_provider}")
    ed.initialized(t.InitializedParams())

    mudbank = "sections/mudbank.md"
    text = read(studio, mudbank)
    ed.open(mudbank, text)
    version = 1

    # (a) A choice sent nowhere is published as it is typed, with its fix.
    broken = text.replace("to: pip-pole", "to: pip-polr")
    check(broken != text, "mudbank.md has a choice `to: pip-pole`")
    bad_line, col = line_of(broken, "pip-polr")
    version += 1
    ed.change(mudbank, broken, version)

    def dangling(ds):
        return [d for d in ds if d.code == "integrity/dangling-choice" and d.range.start.line == bad_line]

    diags = dangling(await ed.diagnostics_until("the dangling choice", mudbank, dangling))
    d = diags[0]
    check(d.severity == t.DiagnosticSeverity.Error, f"a dangling choice is an error: {d}")
    check(
        (d.range.start.character, d.range.end.character) == (col, col + len("pip-polr")),
        f"the diagnostic stands on `pip-polr` (columns {col}..{col + 8}): {d.range}",
    )
    check("fix: did you mean `pip-pole`?" in d.message, f"the fix in the message: {d.message!r}")
    check("owner: " in d.message, f"the owner in the message: {d.message!r}")
    check(d.source == "showrunner", f"source: {d.source}")

    actions = await ed.ask(
        "codeAction",
        ed.text_document_code_action_async(
            t.CodeActionParams(
                text_document=t.TextDocumentIdentifier(uri=ed.uri(mudbank)),
                range=d.range,
                context=t.CodeActionContext(diagnostics=[d], only=[t.CodeActionKind.QuickFix]),
            )
        ),
    )
    fixes = [a for a in actions or [] if isinstance(a, t.CodeAction) and a.kind == t.CodeActionKind.QuickFix]
    check(len(fixes) == 1, f"one quick fix for the dangling choice: {actions}")
    fix = fixes[0]
    check("pip-pole" in fix.title, f"the quick fix's title: {fix.title}")
    edits = (fix.edit.changes or {}).get(ed.uri(mudbank), []) if fix.edit else []
    if not edits and fix.edit and fix.edit.document_changes:
        edits = [e for dc in fix.edit.document_changes if isinstance(dc, t.TextDocumentEdit) for e in dc.edits]
    check(
        [(span(e), e.new_text) for e in edits] == [((bad_line, col, bad_line, col + 8), "pip-pole")],
        f"the quick fix replaces `pip-polr` with `pip-pole`: {fix.edit}",
    )
    fixed = apply_edits(broken, edits)
    check(fixed == text, "the quick fix gives back the file as it was")
    version += 1
    ed.change(mudbank, fixed, version)
    await ed.diagnostics_until("the dangling choice cleared", mudbank, lambda ds: not dangling(ds))

    # (b) From a choice's `to:` value to the section's file.
    to_line, to_col = line_of(fixed, "pip-pole")
    got = await ed.ask(
        "definition",
        ed.text_document_definition_async(
            t.DefinitionParams(
                text_document=t.TextDocumentIdentifier(uri=ed.uri(mudbank)),
                position=t.Position(line=to_line, character=to_col + 3),
            )
        ),
    )
    locs = got if isinstance(got, list) else [got] if got else []
    check(len(locs) == 1, f"one definition of `pip-pole`: {got}")
    loc = locs[0]
    uri = getattr(loc, "target_uri", None) or loc.uri
    rng = getattr(loc, "target_selection_range", None) or loc.range
    check(ed.rel(uri) == "sections/pip-pole.md", f"definition in sections/pip-pole.md: {uri}")
    target = read(studio, "sections/pip-pole.md").split("\n")
    check(target[rng.start.line].startswith("id: pip-pole"), f"definition on the `id:` line: {rng}")

    # (c) Completion inside a `to:` value: every section, with its title.
    want = titles(studio)
    lesson_line, lesson_col = line_of(fixed, "to: pip-lesson")
    lesson_col += len("to: ")
    got = await ed.ask(
        "completion",
        ed.text_document_completion_async(
            t.CompletionParams(
                text_document=t.TextDocumentIdentifier(uri=ed.uri(mudbank)),
                position=t.Position(line=lesson_line, character=lesson_col + len("pip")),
            )
        ),
    )
    items = got.items if isinstance(got, t.CompletionList) else got or []
    offered = {i.label: i.detail for i in items}
    check(offered == want, f"completion offers each section with its title:\n{offered}\nwanted\n{want}")

    # Hover on a `to:` value: the target's title.
    got = await ed.ask(
        "hover",
        ed.text_document_hover_async(
            t.HoverParams(
                text_document=t.TextDocumentIdentifier(uri=ed.uri(mudbank)),
                position=t.Position(line=lesson_line, character=lesson_col + 1),
            )
        ),
    )
    check(got is not None and isinstance(got.contents, t.MarkupContent), f"hover in Markdown: {got}")
    check(f"**{want['pip-lesson']}**" in got.contents.value, f"hover names the title: {got.contents.value!r}")
    check("reachable under the gates" in got.contents.value, f"hover says how it is reached: {got.contents.value!r}")

    # References: every place the studio names the section, as the files say.
    naming = places_naming(studio, "pip-lesson")
    check(len(naming) >= 3, f"the sample names pip-lesson in at least three places: {naming}")
    got = await ed.ask(
        "references",
        ed.text_document_references_async(
            t.ReferenceParams(
                text_document=t.TextDocumentIdentifier(uri=ed.uri(mudbank)),
                position=t.Position(line=lesson_line, character=lesson_col),
                context=t.ReferenceContext(include_declaration=True),
            )
        ),
    )
    refs = {(ed.rel(r.uri), r.range.start.line) for r in got or []}
    check(refs == naming, f"references:\n{sorted(refs)}\nwanted\n{sorted(naming)}")

    # (d) Rename the section: every choice, its `id:`, and its file.
    where = t.TextDocumentPositionParams(
        text_document=t.TextDocumentIdentifier(uri=ed.uri(mudbank)),
        position=t.Position(line=lesson_line, character=lesson_col + 2),
    )
    got = await ed.ask(
        "prepareRename",
        ed.text_document_prepare_rename_async(
            t.PrepareRenameParams(text_document=where.text_document, position=where.position)
        ),
    )
    rng = getattr(got, "range", got)
    check(
        isinstance(rng, t.Range)
        and (rng.start.line, rng.start.character, rng.end.character)
        == (lesson_line, lesson_col, lesson_col + len("pip-lesson")),
        f"prepareRename gives the id's range: {got}",
    )
    edit = await ed.ask(
        "rename",
        ed.text_document_rename_async(
            t.RenameParams(text_document=where.text_document, position=where.position, new_name="pip-teaching")
        ),
    )
    check(edit is not None and edit.document_changes, f"rename answers with document changes: {edit}")
    edited = set()
    renames = []
    for op in edit.document_changes:
        if isinstance(op, t.TextDocumentEdit):
            for e in op.edits:
                check(e.new_text == "pip-teaching", f"each edit writes the new id: {e}")
                edited.add((ed.rel(op.text_document.uri), e.range.start.line))
        elif isinstance(op, t.RenameFile):
            renames.append((ed.rel(op.old_uri), ed.rel(op.new_uri)))
        else:
            check(False, f"only edits and file renames: {op}")
    check(edited == naming, f"rename edits:\n{sorted(edited)}\nwanted\n{sorted(naming)}")
    check((mudbank, lesson_line) in edited, "the rename edits mudbank's choice")
    check(
        renames == [("sections/pip-lesson.md", "sections/pip-teaching.md")],
        f"the rename moves the section's file: {renames}",
    )

    # Apply it as VS Code does: each file the edit touches is opened in a buffer and
    # changed there, the section's buffer moves with its file (closed under the old
    # name, opened under the new), and the touched buffers are saved.
    buffers = {mudbank: [fixed, version]}
    for op in edit.document_changes:
        if isinstance(op, t.TextDocumentEdit):
            rel = ed.rel(op.text_document.uri)
            if rel not in buffers:
                buffers[rel] = [read(studio, rel), 1]
                ed.open(rel, buffers[rel][0])
            buffers[rel][0] = apply_edits(buffers[rel][0], op.edits)
            buffers[rel][1] += 1
            ed.change(rel, *buffers[rel])
        else:
            old, new = ed.rel(op.old_uri), ed.rel(op.new_uri)
            os.rename(os.path.join(studio, old), os.path.join(studio, new))
            if old in buffers:
                ed.close(old)
                buffers[new] = buffers.pop(old)
                ed.open(new, *buffers[new])
    for rel, (text, _) in buffers.items():
        write(studio, rel, text)
        ed.save(rel)
    got = await ed.ask(
        "definition after the rename",
        ed.text_document_definition_async(
            t.DefinitionParams(
                text_document=t.TextDocumentIdentifier(uri=ed.uri(mudbank)),
                position=t.Position(line=lesson_line, character=lesson_col + 2),
            )
        ),
    )
    locs = got if isinstance(got, list) else [got] if got else []
    check(
        [ed.rel(getattr(x, "target_uri", None) or x.uri) for x in locs] == ["sections/pip-teaching.md"],
        f"after the rename `pip-teaching` is defined in its new file: {got}",
    )
    check(not dangling(ed.diagnostics.get(mudbank, [])), f"no dangling choice after the rename: {ed.diagnostics}")
    left = {(p, x.code) for p, ds in ed.diagnostics.items() for x in ds}

    await ed.ask("shutdown", ed.shutdown_async(None))
    ed.exit(None)
    await asyncio.wait_for(ed.stop(), TIMEOUT)
    check(ed.exit_code == 0, f"the server exits with 0 after shutdown and exit: {ed.exit_code}")
    check(not ed.broken, f"the server spoke the protocol: {ed.broken}")
    check(not [m for m in ed.shown if m[0] == t.MessageType.Error], f"no error shown: {ed.shown}")

    # The saved studio: `check` finds what the server last published, and no dangling
    # choice.
    out = subprocess.run([binary, "-C", studio, "--format", "json", "check"], capture_output=True, text=True, env=env)
    found = {(f["path"], f["code"]) for f in json.loads(out.stdout)["findings"]}
    check(found == left, f"`check` on the saved files agrees with the diagnostics:\n{sorted(found)}\nvs\n{sorted(left)}")
    check(not [c for _, c in found if c == "integrity/dangling-choice"], f"no dangling choice: {sorted(found)}")
    print(
        f"lsp session ok: {len(want)} sections completed, {len(naming)} places renamed "
        f"(pip-lesson -> pip-teaching), the dangling choice fixed"
    )


if __name__ == "__main__":
    asyncio.run(session(sys.argv[1], sys.argv[2]))
