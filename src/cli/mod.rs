//! The command line: clap definitions and argument plumbing, one file per command group.
//!
//! Commands return an [`Output`] (text for stdout and stderr, and an exit code); only
//! `main.rs` writes it out. No domain logic lives here.

mod bind;
mod check;
mod conflict;
mod demo;
mod dispatch;
mod docs;
mod feedback;
mod gate;
mod graph;
mod hooks;
mod import;
mod init;
mod intent;
mod loops;
mod lsp;
mod mcp;
mod merge;
mod play;
mod questions;
mod report;
mod role;
mod rollback;
mod snapshot;
mod standup;
mod status;
mod trace;
mod tu;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::app::Session;
use crate::error::Error;

/// showrunner — an interactive-fiction studio inside a git repository.
///
/// Hot and cold branches of Markdown/YAML artifacts, trace units recorded in commit
/// trailers, a Gatekeeper that validates everything before cold moves, and binding of
/// tagged snapshots into books.
#[derive(Debug, Parser)]
#[command(
    name = "showrunner",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Run as if showrunner was started in <DIR> (like `git -C`).
    #[arg(short = 'C', global = true, value_name = "DIR", id = "chdir")]
    pub chdir: Option<PathBuf>,
    /// Output format where the output is data: human, json or github. `bind` takes export
    /// formats (html, epub, twee, md, pdf, comma-separated), `graph` mermaid, dot or svg, and
    /// `report` and `playtest` human, json or html.
    #[arg(long, global = true, value_name = "FORMAT")]
    pub format: Option<String>,
    /// When to colour human output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people (rustc-style diagnostics).
    Human,
    /// Stable JSON for scripts.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

/// Colour choice for human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The command groups.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a studio: studio.toml, roles, style, folders; `hot` and `cold` at the first commit.
    Init(init::InitArgs),
    /// Check the work tree's artifacts (for editors and pre-commit hooks).
    Check(check::CheckArgs),
    /// The Gatekeeper: check a commit's tree.
    Gate(gate::GateArgs),
    /// Trace Units: open, record progress, show their history.
    Tu(tu::TuArgs),
    /// Fast-forward cold to hot (or `--to`) after traceability and a full gatecheck.
    Merge(merge::MergeArgs),
    /// Restore an earlier snapshot's tree as a new commit on hot, inside a TU.
    Rollback(rollback::RollbackArgs),
    /// The studio on one screen: branches, open TUs, last gate, questions, what next.
    Status(status::StatusArgs),
    /// Map a customer's request to loops (playbooks); ask when it is ambiguous.
    Dispatch(dispatch::DispatchArgs),
    /// Loops (playbooks): `loop list`, `loop show <id>`, `loop run <id> [--param k=v]`, `loop status [<tu>]`.
    Loop(loops::LoopArgs),
    /// The role roster: `role list`, `role wake <role> --tu <id>`, `role dormant <role>`.
    Role(role::RoleArgs),
    /// Ask the customer: one question from flags, or a batch from a YAML file.
    Ask(questions::AskArgs),
    /// Open question batches (`--all`: answered ones too).
    Questions(questions::QuestionsArgs),
    /// Answer a question of a batch with one of its option keys.
    Answer(questions::AnswerArgs),
    /// Disagreements between roles: `conflict open --roles a,b --topic …`, `conflict list`, `conflict resolve`.
    Conflict(conflict::ConflictArgs),
    /// Protocol envelopes for AI agents: one JSON request per line in, one `ack` or `error` per line out.
    Intent(intent::IntentArgs),
    /// A Model Context Protocol server on stdio: the protocol's actions as tools, the studio as resources.
    Mcp(mcp::McpArgs),
    /// A Language Server Protocol server on stdio: the gatecheck's findings as you type, navigation, completion, hover, quick fixes, rename.
    Lsp(lsp::LspArgs),
    /// Record the customer's satisfaction (1–5) with the newest snapshot.
    Feedback(feedback::FeedbackArgs),
    /// Metrics from history: TU throughput, cycle time, gates, roles, feedback (`--format human|json|html`).
    Report(report::ReportArgs),
    /// Tag cold as a snapshot with a verifiable manifest; list and show snapshots.
    Snapshot(snapshot::SnapshotArgs),
    /// Render a snapshot to reader views (`--format html,epub,twee,md,pdf`) with a view log.
    Bind(bind::BindArgs),
    /// The story map: sections, choices and gates (`--format mermaid|dot|svg`).
    Graph(graph::GraphArgs),
    /// Play a snapshot in the terminal as a reader would (`--script` replays a list of choices).
    Play(play::PlayArgs),
    /// Seeded random playthroughs of a snapshot: coverage, endings, stuck runs (`--format human|json|html`).
    Playtest(play::PlaytestArgs),
    /// Bring a story from another tool into a studio (`import twee <file> [--into <dir>]`).
    Import(import::ImportArgs),
    /// Which TUs touched a file, newest first (lineage).
    Trace(trace::TraceArgs),
    /// Each role's blockers, waiting questions, idle TUs and what is due; the escalations.
    Standup(standup::StandupArgs),
    /// Git hooks that keep the ledger honest.
    Hooks(hooks::HooksArgs),
    /// The whole studio at work on the sample, in a fresh folder: every step a real command.
    Demo(demo::DemoArgs),
    /// Shell completions (`bash`, `zsh`, `fish`, `elvish`, `powershell`) on standard output.
    Completions(docs::CompletionsArgs),
    /// The man page (roff) on standard output: `showrunner man | man -l -`.
    Man(docs::ManArgs),
    /// Hook cards: `hook new` raises one in a TU, `hook triage` decides what becomes of it.
    Hook(hooks::HookArgs),
}

/// What a command produced.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// Text for standard output.
    pub stdout: String,
    /// Text for standard error.
    pub stderr: String,
    /// Process exit code.
    pub code: i32,
}

/// Facts about the terminal that only `main` can know.
#[derive(Clone, Copy, Debug, Default)]
pub struct Terminal {
    /// Standard output is a terminal and `NO_COLOR` is unset.
    pub color_ok: bool,
    /// Standard error is a terminal and this is not CI: long work may show progress.
    pub progress_ok: bool,
}

/// A conversation with the person at the terminal, for the commands that talk as they
/// go (`play`). The binary provides it; the library only asks and tells through it.
pub trait Console {
    /// The next line typed (without its newline), or `None` at the end of input; a line
    /// that is not UTF-8 is an `Err` (the conversation goes on).
    fn read_line(&mut self) -> Option<Result<String, NotUtf8>>;
    /// Shows text at once.
    fn write(&mut self, text: &str);
}

/// A line of input that is not UTF-8 (its bytes are not kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotUtf8;

/// Shared context for command implementations.
pub(crate) struct Ctx {
    pub base: PathBuf,
    pub format: Format,
    pub color: bool,
    /// `bind`'s `--format` list, as given.
    pub exports: Option<String>,
    /// The terminal, when the command runs interactively.
    pub console: Option<std::cell::RefCell<Box<dyn Console>>>,
    /// The command's session, opened on first use.
    session: std::cell::OnceCell<Session>,
}

impl Ctx {
    /// The studio repository containing `-C` (or the current folder), opened once per
    /// command (for `intent`, once for the whole batch or conversation).
    pub fn session(&self) -> Result<&Session, Error> {
        if let Some(s) = self.session.get() {
            return Ok(s);
        }
        let s = Session::discover(&self.base)?;
        Ok(self.session.get_or_init(|| s))
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli, term: Terminal) -> Output {
    execute(cli, term, None).unwrap_or_else(|e| failure(&e))
}

/// Runs a parsed command line with a console for the commands that converse (`play`).
pub fn run_interactive(cli: Cli, term: Terminal, console: Box<dyn Console>) -> Output {
    execute(cli, term, Some(console)).unwrap_or_else(|e| failure(&e))
}

/// Runs a parsed command line, keeping a failure as the typed error.
fn execute(cli: Cli, term: Terminal, console: Option<Box<dyn Console>>) -> Result<Output, Error> {
    let base = match &cli.chdir {
        Some(d) => d.clone(),
        None => PathBuf::from("."),
    };
    if !base.is_dir() {
        return Err(Error::Usage(format!(
            "cannot change to `{}`: no such folder",
            base.display()
        )));
    }
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => term.color_ok,
    };
    let (format, exports) = formats(&cli)?;
    let ctx = Ctx {
        base,
        format,
        color,
        exports,
        console: console.map(std::cell::RefCell::new),
        session: std::cell::OnceCell::new(),
    };
    // Text for people goes to a terminal: whatever a studio's files or history put into
    // it, no control character reaches the terminal raw (documents and data do not pass
    // through here: views, maps, reports, JSON, roff, shell scripts).
    let for_people = format == Format::Human
        && !matches!(
            cli.command,
            Command::Bind(_)
                | Command::Graph(_)
                | Command::Report(_)
                | Command::Playtest(_)
                | Command::Man(_)
                | Command::Completions(_)
        )
        && !matches!(&cli.command, Command::Hook(h) if h.hook.is_git_hook());
    // Long work shows how far it has got: for a person on a terminal, never in JSON,
    // hooks (git's output), or the commands that converse on the terminal.
    if term.progress_ok
        && format == Format::Human
        && !matches!(
            cli.command,
            Command::Intent(_) | Command::Play(_) | Command::Mcp(_) | Command::Lsp(_)
        )
        && !matches!(&cli.command, Command::Hook(h) if h.hook.is_git_hook())
    {
        crate::progress::enable();
    }
    let out = dispatch(&ctx, cli.command);
    match out {
        Ok(mut o) if for_people => {
            o.stdout = terminal_safe(&o.stdout, color);
            o.stderr = terminal_safe(&o.stderr, color);
            Ok(o)
        }
        other => other,
    }
}

/// Text with every control character but line breaks and tabs shown as `\u{..}`; with
/// `colour`, the tool's own colour codes (SGR sequences, `ESC [ … m`) stay.
pub fn terminal_safe(text: &str, colour: bool) -> String {
    let risky = |c: char| c.is_control() && !matches!(c, '\n' | '\t');
    if !text.contains(risky) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' && colour {
            let sgr = rest[1..]
                .strip_prefix('[')
                .and_then(|r| {
                    r.find(|ch: char| !(ch.is_ascii_digit() || ch == ';'))
                        .map(|i| (r, i))
                })
                .filter(|(r, i)| r[*i..].starts_with('m'))
                .map(|(_, i)| i + 3);
            if let Some(len) = sgr {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if risky(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod terminal_tests {
    use super::terminal_safe;

    #[test]
    fn only_the_tools_own_colours_pass() {
        assert_eq!(terminal_safe("a\u{1b}[2Jb\n", false), "a\\u{1b}[2Jb\n");
        assert_eq!(
            terminal_safe("\u{1b}[1;31merror\u{1b}[0m", true),
            "\u{1b}[1;31merror\u{1b}[0m"
        );
        assert_eq!(terminal_safe("\u{1b}]0;x\u{7}", true), "\\u{1b}]0;x\\u{7}");
        assert_eq!(terminal_safe("tab\tok", false), "tab\tok");
    }
}

/// Runs the command.
/// The output format and, for the commands that write documents, their `--format` list:
/// `bind` reads `--format` as its export formats (so do `graph`, `report` and
/// `playtest`); everything else as the output format.
fn formats(cli: &Cli) -> Result<(Format, Option<String>), Error> {
    Ok(match &cli.command {
        Command::Bind(_) | Command::Graph(_) | Command::Report(_) | Command::Playtest(_) => {
            (Format::Human, cli.format.clone())
        }
        _ => match cli.format.as_deref().map(|f| Format::from_str(f, true)) {
            None => (Format::Human, None),
            Some(Ok(f)) => (f, None),
            Some(Err(_)) => {
                return Err(Error::Usage(format!(
                    "`--format {}` is not an output format (human, json, github)",
                    cli.format.as_deref().unwrap_or("")
                )));
            }
        },
    })
}

/// Runs a command line inside another command (an `intent` or an MCP tool call), in
/// the same studio, with its own session and no terminal: what the command prints and
/// its exit code.
pub(crate) fn run_inside(base: &std::path::Path, argv: &[String]) -> Result<Output, Error> {
    let mut full = vec![
        "showrunner".to_string(),
        "-C".to_string(),
        base.display().to_string(),
    ];
    full.extend(argv.iter().cloned());
    let cli =
        <Cli as clap::Parser>::try_parse_from(&full).map_err(|e| Error::Usage(e.to_string()))?;
    let (format, exports) = formats(&cli)?;
    let ctx = Ctx {
        base: base.to_path_buf(),
        format,
        color: false,
        exports,
        console: None,
        session: std::cell::OnceCell::new(),
    };
    dispatch(&ctx, cli.command)
}

fn dispatch(ctx: &Ctx, command: Command) -> Result<Output, Error> {
    match command {
        Command::Init(args) => init::run(ctx, args),
        Command::Check(args) => check::run(ctx, args),
        Command::Gate(args) => gate::run(ctx, args),
        Command::Tu(args) => tu::run(ctx, args),
        Command::Merge(args) => merge::run(ctx, args),
        Command::Rollback(args) => rollback::run(ctx, args),
        Command::Snapshot(args) => snapshot::run(ctx, args),
        Command::Status(args) => status::run(ctx, args),
        Command::Bind(args) => bind::run(ctx, args),
        Command::Graph(args) => graph::run(ctx, args),
        Command::Report(args) => report::run(ctx, args),
        Command::Import(args) => import::run(ctx, args),
        Command::Play(args) => play::play(ctx, args),
        Command::Playtest(args) => play::playtest(ctx, args),
        Command::Dispatch(args) => dispatch::run(ctx, args),
        Command::Role(args) => role::run(ctx, args),
        Command::Conflict(args) => conflict::run(ctx, args),
        Command::Loop(args) => loops::run(ctx, args),
        Command::Ask(args) => questions::ask(ctx, args),
        Command::Questions(args) => questions::list(ctx, args),
        Command::Answer(args) => questions::answer(ctx, args),
        Command::Feedback(args) => feedback::run(ctx, args),
        Command::Trace(args) => trace::run(ctx, args),
        Command::Hooks(args) => hooks::install(ctx, args),
        Command::Standup(args) => standup::run(ctx, args),
        Command::Mcp(args) => mcp::run(ctx, args),
        Command::Lsp(args) => lsp::run(ctx, args),
        Command::Hook(args) => hooks::run(ctx, args),
        Command::Demo(args) => demo::run(ctx, args),
        Command::Completions(args) => docs::completions(ctx, args),
        Command::Man(args) => docs::man(ctx, args),
        Command::Intent(args) => intent::run(ctx, args),
    }
}

/// A value as pretty-printed JSON and a newline: `--format json` of most commands.
pub(crate) fn json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

/// A value as JSON on one line and a newline: `--format json` of the commands an agent
/// reads line by line.
pub(crate) fn json_line<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut s = serde_json::to_string(value).unwrap_or_default();
    s.push('\n');
    s
}

/// A result and the commit on hot that records it: the value's fields, then `commit`.
#[derive(serde::Serialize)]
pub(crate) struct WithCommit<'a, T> {
    /// The result, its fields inlined.
    #[serde(flatten)]
    pub value: T,
    /// The commit.
    pub commit: &'a str,
}

/// The process's standard input, whole (`ask --file -`, `play --script -`, `import twee -`,
/// `intent`).
pub(crate) fn read_stdin() -> Result<String, Error> {
    use std::io::Read as _;
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| Error::Usage(format!("standard input: {e}")))?;
    Ok(s)
}

/// A document for standard output, or written whole to `out` (relative to `-C`) with a
/// `wrote <path>` line instead.
pub(crate) fn emit(
    ctx: &Ctx,
    out: Option<&std::path::Path>,
    text: String,
) -> Result<String, Error> {
    match out {
        Some(p) => {
            let path = ctx.base.join(p);
            write_atomically(&path, text.as_bytes())?;
            Ok(format!("wrote {}\n", path.display()))
        }
        None => Ok(text),
    }
}

/// Writes a file whole or not at all: a temporary file beside it, then a rename.
pub(crate) fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), Error> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp-showrunner");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(|e| Error::Io {
        path: tmp.clone(),
        source: e,
    })?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::Io {
            path: path.to_path_buf(),
            source: e,
        }
    })
}

/// An error as `error: …` / `help: …` on stderr with its classified exit code.
pub fn failure(e: &Error) -> Output {
    let mut stderr = format!("error: {e}\n");
    if let Some(h) = e.hint() {
        stderr.push_str(&format!("help: {h}\n"));
    }
    Output {
        stdout: String::new(),
        stderr: terminal_safe(&stderr, false),
        code: e.exit_code(),
    }
}

/// A gate verdict inside another command's JSON (`gate submit`, `merge`).
pub(crate) use crate::gate::VerdictView as VerdictJson;

/// Renders a gate report in the chosen format with the exit code of DESIGN §4.
pub(crate) fn report_output(
    ctx: &Ctx,
    report: &crate::gate::Report,
    lines: &dyn crate::gate::render::Lines,
    what: &str,
) -> Output {
    use crate::gate::{Decision, render};
    let stdout = match ctx.format {
        Format::Human => render::human(report, lines, what, ctx.color),
        Format::Json => render::json(report),
        Format::Github => render::github(report),
    };
    let code = if report.decision == Decision::Block {
        1
    } else {
        0
    };
    Output {
        stdout,
        stderr: String::new(),
        code,
    }
}
