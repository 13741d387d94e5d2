//! `showrunner play` and `showrunner playtest`: the Player-Narrator at the terminal, and
//! seeded random playthroughs.

use std::path::PathBuf;

use clap::Args;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Ctx, Output};
use crate::app;
use crate::error::Error;
use crate::play::{Playable, Save, State, playtest};

/// Arguments of `play`.
#[derive(Debug, Args)]
pub struct PlayArgs {
    /// The snapshot tag to play.
    pub tag: String,
    /// Replay choices from a file (`-`: standard input), one per line: a number or a
    /// choice's label; `#` starts a comment.
    #[arg(long, value_name = "FILE")]
    pub script: Option<String>,
    /// Hide the choices the codewords held keep closed (default: shown, with why).
    #[arg(long)]
    pub hide_closed: bool,
    /// Start from a saved game.
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
    /// Where `save` writes (and, with `--script`, the state at the end).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

/// Random runs when `--random` is not given.
const DEFAULT_RUNS: usize = 100;

/// The most states the default walk visits before it gives way to random runs.
const DEFAULT_EXHAUSTIVE_BOUND: usize = 200_000;

/// Arguments of `playtest` (its `--format` is human, json or html).
#[derive(Debug, Args)]
pub struct PlaytestArgs {
    /// The snapshot tag to play.
    pub tag: String,
    /// Random playthroughs, this many. Without `--random` or `--exhaustive`, a book
    /// whose every reader state fits in 200,000 is walked exhaustively, a larger one
    /// gets 100 random runs.
    #[arg(long = "random", value_name = "N")]
    pub runs: Option<usize>,
    /// The seed (the same seed gives the same runs).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Cut a run short after this many choices.
    #[arg(long, default_value_t = 10_000)]
    pub max_steps: usize,
    /// Random runs prefer the open choices no run has taken yet (coverage first).
    #[arg(long)]
    pub prefer_new: bool,
    /// Visit every state a reader can be in (a section and the codewords held that some
    /// gate tests) instead of random runs: every section and choice some way of reading
    /// reaches, and what none does.
    #[arg(long, conflicts_with_all = ["runs", "record", "prefer_new"])]
    pub exhaustive: bool,
    /// With `--exhaustive`: stop after this many states (the report then says it is not
    /// exhausted).
    #[arg(long, default_value_t = 1_000_000, requires = "exhaustive")]
    pub bound: usize,
    /// Write to a file instead of standard output.
    #[arg(short = 'o', long = "out")]
    pub out: Option<PathBuf>,
    /// Also commit the notes (`playtests/<PT-ID>.yaml`) to the Narration Dry-Run TU.
    #[arg(long)]
    pub record: bool,
    /// The TU for `--record` (default: the active one).
    #[arg(long, requires = "record")]
    pub tu: Option<String>,
}

/// Markdown prose as terminal text: paragraphs wrapped at 78 columns, emphasis and link
/// targets dropped (readers see link text).
pub fn terminal_text(markdown: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prefix = "";
    for ev in Parser::new(markdown) {
        match ev {
            Event::Text(t) | Event::Code(t) => cur.push_str(&t),
            Event::SoftBreak | Event::HardBreak => cur.push(' '),
            Event::Start(Tag::Item) => prefix = "  - ",
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                if !cur.trim().is_empty() {
                    paragraphs.push(wrap(cur.trim(), prefix));
                }
                cur.clear();
                if matches!(ev, Event::End(TagEnd::Item)) {
                    prefix = "";
                }
            }
            _ => {}
        }
    }
    if !cur.trim().is_empty() {
        paragraphs.push(wrap(cur.trim(), prefix));
    }
    paragraphs.join("\n\n")
}

fn wrap(text: &str, prefix: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(prefix);
    let indent = " ".repeat(prefix.chars().count());
    for word in text.split_whitespace() {
        if !line.trim().is_empty() && line.chars().count() + 1 + word.chars().count() > 78 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.clone();
        }
        if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out
}

/// One screen: the section and its choices, numbered as written.
fn screen(book: &Playable, st: &State, hide_closed: bool) -> String {
    let s = &book.sections[st.at];
    let mut o = format!("\n== {} ==\n\n{}\n", s.title, terminal_text(&s.prose));
    if s.terminal {
        o.push_str("\n   — THE END —\n");
        return o;
    }
    o.push('\n');
    for (i, c) in s.choices.iter().enumerate() {
        if book.open(c, &st.held, &st.values) {
            o.push_str(&format!("  {}. {}\n", i + 1, c.label));
        } else if !hide_closed {
            o.push_str(&format!(
                "  {}. {}  (closed: {})\n",
                i + 1,
                c.label,
                c.condition.as_deref().unwrap_or("not yet")
            ));
        }
    }
    o
}

fn write_save(ctx: &Ctx, book: &Playable, st: &State, path: &PathBuf) -> Result<String, Error> {
    let path = ctx.base.join(path);
    let text = serde_json::to_string_pretty(&book.save(st)).unwrap_or_default() + "\n";
    super::write_atomically(&path, text.as_bytes())?;
    Ok(format!("saved to {}\n", path.display()))
}

pub(super) fn play(ctx: &Ctx, args: PlayArgs) -> Result<Output, Error> {
    let book = app::play::playable(ctx.session()?, &args.tag)?;
    let st = match &args.resume {
        Some(p) => resume(ctx, &book, p)?,
        None => book.begin(),
    };
    let header = format!("{} — snapshot {}\n", book.title, book.tag);
    match &args.script {
        Some(script) => scripted(ctx, &args, &book, st, header, script),
        None => interactive(ctx, &args, &book, st, &header),
    }
}

/// The state a saved game (`--resume <file>`) holds.
fn resume(ctx: &Ctx, book: &Playable, p: &std::path::Path) -> Result<State, Error> {
    let path = ctx.base.join(p);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
        path: path.clone(),
        source: e,
    })?;
    let save: Save = serde_json::from_str(&text)
        .map_err(|source| crate::error::PlayError::NotASave { path, source })?;
    book.resume(&save)
}

/// `play --script`: replay the choices, then print the whole transcript (exit 2 at the
/// first line that is not a choice there).
fn scripted(
    ctx: &Ctx,
    args: &PlayArgs,
    book: &Playable,
    start: State,
    header: String,
    script: &str,
) -> Result<Output, Error> {
    let (name, text) = if script == "-" {
        ("(standard input)".to_string(), super::read_stdin()?)
    } else {
        let path = ctx.base.join(script);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
            path: path.clone(),
            source: e,
        })?;
        (script.to_string(), text)
    };
    let replay = app::play::replay(book, &start, &text);
    let mut out = header;
    out.push_str(&screen(book, &start, args.hide_closed));
    for t in &replay.taken {
        out.push_str(&format!("\n> {}\n", t.label));
        out.push_str(&screen(book, &t.state, args.hide_closed));
    }
    if let Some(stop) = replay.stopped {
        return Ok(Output {
            stdout: out,
            stderr: format!("error: {name}:{}: {}\n", stop.line, stop.why),
            code: 2,
        });
    }
    if let Some(p) = &args.save {
        let end = replay.taken.last().map_or(&start, |t| &t.state);
        out.push_str(&write_save(ctx, book, end, p)?);
    }
    Ok(Output {
        stdout: out,
        stderr: String::new(),
        code: 0,
    })
}

/// What `help` says at the `play` prompt.
const HELP: &str = "
  1, 2, …       take that choice (or type its label, or enough of it to tell)
  back          undo the last choice
  restart       start again from the beginning (`back` returns)
  state         where you are, how far you have come, what you carry
  codewords     what you carry
  save [file]   save the game (`play --resume <file>` goes on from it)
  help          this list
  quit          stop playing
";

/// What the reader carries: the phrases of the codewords held, then counters and items
/// ("gold coins: 3").
fn carried(book: &Playable, st: &State) -> Vec<String> {
    let mut out: Vec<String> = book
        .held_phrases(&st.held)
        .into_iter()
        .map(str::to_string)
        .collect();
    out.extend(book.shown_counters(&st.values));
    out
}

/// Where the reader is, for `state`.
fn state_line(book: &Playable, st: &State, taken: usize) -> String {
    let held = carried(book, st);
    format!(
        "\nat \"{}\" after {taken} choice(s); {}\n",
        book.sections[st.at].title,
        if held.is_empty() {
            "nothing gained yet".to_string()
        } else {
            format!("you have: {}", held.join("; "))
        }
    )
}

/// `play` at a terminal: a screen, a prompt, until the end of input or `quit`; `back`
/// undoes a choice, `restart` begins again, `help` lists the commands.
fn interactive(
    ctx: &Ctx,
    args: &PlayArgs,
    book: &Playable,
    mut st: State,
    header: &str,
) -> Result<Output, Error> {
    let Some(console) = &ctx.console else {
        return Err(Error::Usage(
            "`play` needs a terminal, or `--script <file>` to replay choices".into(),
        ));
    };
    let mut con = console.borrow_mut();
    con.write(header);
    con.write("(a number or a label to choose; `help` for more)\n");
    // The states before each choice taken, for `back`.
    let mut before: Vec<State> = Vec::new();
    let mut show = true;
    loop {
        let ended = book.sections[st.at].terminal;
        if std::mem::take(&mut show) {
            con.write(&screen(book, &st, args.hide_closed));
            if ended {
                con.write("\n(`back`, `restart` or `quit`)\n");
            }
        }
        con.write("> ");
        let line = match con.read_line() {
            None => {
                con.write("\n");
                break;
            }
            Some(Err(_)) => {
                con.write("that line is not UTF-8 text; type a number or a label\n");
                continue;
            }
            Some(Ok(line)) => line,
        };
        let line = line.trim();
        match line {
            "" => continue,
            "q" | "quit" | "exit" => break,
            "help" | "h" | "?" => {
                con.write(HELP);
                continue;
            }
            "codewords" | "c" => {
                let held = carried(book, &st);
                con.write(&if held.is_empty() {
                    "\nnothing gained yet\n".to_string()
                } else {
                    format!("\nyou have: {}\n", held.join("; "))
                });
                continue;
            }
            "state" | "where" => {
                con.write(&state_line(book, &st, before.len()));
                continue;
            }
            "back" | "b" | "undo" => {
                match before.pop() {
                    Some(prev) => {
                        st = prev;
                        con.write("\n(back one choice)\n");
                        show = true;
                    }
                    None => con.write("\nnothing to go back to: this is where the story began\n"),
                }
                continue;
            }
            "restart" => {
                before.push(st.clone());
                st = book.begin();
                con.write("\n(from the beginning; `back` returns to where you were)\n");
                show = true;
                continue;
            }
            _ => {}
        }
        if let Some(rest) = line.strip_prefix("save") {
            let target = match rest.trim() {
                "" => args
                    .save
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(format!("{}.save.json", book.tag))),
                p => PathBuf::from(p),
            };
            match write_save(ctx, book, &st, &target) {
                Ok(msg) => con.write(&format!("\n{msg}")),
                Err(e) => con.write(&format!("\nerror: {e}\n")),
            }
            continue;
        }
        if ended {
            con.write("\nthe story has ended here: `back`, `restart` or `quit`\n");
            continue;
        }
        match app::play::choice_at(book, &st, line) {
            Some(n) => {
                let prev = st.clone();
                match book.take(&mut st, n) {
                    Ok(()) => {
                        before.push(prev);
                        show = true;
                    }
                    Err(e) => con.write(&format!("\n{e}\n")),
                }
            }
            None => con.write(&format!(
                "\n`{line}` is not a choice here (`help` for more)\n"
            )),
        }
    }
    Ok(Output::default())
}

pub(super) fn playtest(ctx: &Ctx, args: PlaytestArgs) -> Result<Output, Error> {
    let format = ctx.exports.as_deref().unwrap_or("human");
    if !matches!(format, "human" | "json" | "html") {
        return Err(Error::Usage(format!(
            "`--format {format}`: the playtest report is human, json or html"
        )));
    }
    if args.runs == Some(0) {
        return Err(Error::Usage("`--random` needs at least one run".into()));
    }
    if args.exhaustive && format == "html" {
        return Err(Error::Usage(
            "`--exhaustive` reports are human or json".into(),
        ));
    }
    let ws = ctx.session()?;
    let book = app::play::playable(ws, &args.tag)?;
    // Nothing asked for: the exhaustive walk when the book is small enough to finish
    // it, random runs otherwise (and the report they have is the random one's).
    let chosen = args.runs.is_none() && !args.record && !args.prefer_new && format != "html";
    let mut note = String::new();
    if args.exhaustive || chosen {
        let bound = if args.exhaustive {
            args.bound
        } else {
            DEFAULT_EXHAUSTIVE_BOUND
        };
        let r = crate::play::quicktest::run(&book, bound);
        if r.complete || args.exhaustive {
            let text = match format {
                "json" => serde_json::to_string_pretty(&r).unwrap_or_default() + "\n",
                _ => crate::play::quicktest::human(&r),
            };
            return Ok(Output {
                stdout: super::emit(ctx, args.out.as_deref(), text)?,
                stderr: String::new(),
                code: 0,
            });
        }
        note = format!(
            "note: more than {bound} reader states, too many to walk by default: {DEFAULT_RUNS} random runs instead (`--exhaustive --bound N` walks further)\n"
        );
    }
    let r = playtest::run(
        &book,
        &playtest::Options {
            runs: args.runs.unwrap_or(DEFAULT_RUNS),
            seed: args.seed,
            max_steps: args.max_steps,
            prefer_new: args.prefer_new,
        },
    );
    let text = match format {
        "json" => serde_json::to_string_pretty(&r).unwrap_or_default() + "\n",
        "html" => playtest::html(&r)?,
        _ => playtest::human(&r),
    };
    let mut stdout = super::emit(ctx, args.out.as_deref(), text)?;
    if !note.is_empty() {
        return Ok(Output {
            stdout,
            stderr: note,
            code: 0,
        });
    }
    if args.record {
        let (id, commit) = crate::app::playtest::record(ws, &r, args.tu.as_deref())?;
        // JSON and HTML stay one document on stdout; the record goes to stderr there.
        let line = format!(
            "recorded playtests/{id}.yaml — {} on hot\n",
            crate::ids::short(&commit)
        );
        if format == "human" || args.out.is_some() {
            stdout.push_str(&line);
        } else {
            return Ok(Output {
                stdout,
                stderr: line,
                code: 0,
            });
        }
    }
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}
