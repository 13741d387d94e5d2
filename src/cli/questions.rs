//! `showrunner ask`, `questions` and `answer`: batched human questions.

use clap::Args;

use super::{Ctx, Format, Output, json_line};
use crate::app::questions::{self, Asking, Batch, Choice, Committed, Question};
use crate::error::Error;

/// Arguments of `ask`: one question from flags, or a whole batch from a YAML file.
#[derive(Debug, Args)]
pub struct AskArgs {
    /// A batch written as YAML (`questions:` list, optional `tu`), or `-` for stdin.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["question", "context", "options", "recommend", "id"])]
    pub file: Option<String>,
    /// The question.
    #[arg(long)]
    pub question: Option<String>,
    /// What the customer needs to know to answer.
    #[arg(long)]
    pub context: Option<String>,
    /// An option as `KEY|label|impact` (two to four).
    #[arg(long = "option", value_name = "KEY|LABEL|IMPACT")]
    pub options: Vec<String>,
    /// The recommended option's key.
    #[arg(long)]
    pub recommend: Option<String>,
    /// The question's id within the batch (a slug).
    #[arg(long, default_value = "q1")]
    pub id: String,
    /// The TU the answer affects.
    #[arg(long)]
    pub tu: Option<String>,
}

/// Arguments of `questions`.
#[derive(Debug, Args)]
pub struct QuestionsArgs {
    /// Answered batches too.
    #[arg(long)]
    pub all: bool,
}

/// Arguments of `answer`.
#[derive(Debug, Args)]
pub struct AnswerArgs {
    /// The batch (`Q-2026-11-26-01`).
    pub batch: String,
    /// The question's id in the batch.
    pub question: String,
    /// The chosen option's key.
    pub key: String,
    /// One line on why.
    #[arg(long)]
    pub note: Option<String>,
}

fn asking(ctx: &Ctx, args: AskArgs) -> Result<Asking, Error> {
    if let Some(file) = &args.file {
        let text = if file == "-" {
            super::read_stdin()?
        } else {
            let path = ctx.base.join(file);
            std::fs::read_to_string(&path).map_err(|e| Error::Io { path, source: e })?
        };
        let mut a = Asking::from_yaml(file, &text)?;
        if args.tu.is_some() {
            a.tu = args.tu;
        }
        return Ok(a);
    }
    let missing = |what: &str| Error::Usage(format!("`ask` needs `--{what}` (or `--file`)"));
    let question = args.question.ok_or_else(|| missing("question"))?;
    let context = args.context.ok_or_else(|| missing("context"))?;
    let recommendation = args.recommend.ok_or_else(|| missing("recommend"))?;
    let options = args
        .options
        .iter()
        .map(|o| {
            let mut p = o.splitn(3, '|').map(str::trim);
            match (p.next(), p.next(), p.next()) {
                (Some(k), Some(l), Some(i)) if !k.is_empty() && !l.is_empty() && !i.is_empty() => {
                    Ok(Choice {
                        key: k.into(),
                        label: l.into(),
                        impact: i.into(),
                        open: None,
                    })
                }
                _ => Err(Error::Usage(format!(
                    "`--option {o}`: write an option as `KEY|label|impact`"
                ))),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Asking {
        asked_by: None,
        tu: args.tu,
        questions: vec![Question {
            id: args.id,
            context,
            question,
            options,
            recommendation,
            answer: None,
            answered: None,
            note: None,
        }],
    })
}

/// A batch for people: each question, its options, the recommendation or the answer.
pub(super) fn batch_human(b: &Batch) -> String {
    let mut s = format!(
        "{}  asked {} by {}{}{}\n",
        b.id,
        b.asked,
        b.asked_by,
        b.tu.as_ref()
            .map(|t| format!(" for {t}"))
            .unwrap_or_default(),
        if b.is_open() { "" } else { " — answered" }
    );
    for q in &b.questions {
        s.push_str(&format!(
            "  [{}] {}\n      {}\n",
            q.id, q.question, q.context
        ));
        for o in &q.options {
            let mark = match (&q.answer, o.key == q.recommendation) {
                (Some(a), _) if *a == o.key => "  ← chosen",
                (None, true) => "  ← recommended",
                _ => "",
            };
            s.push_str(&format!(
                "      {}) {} — {}{mark}\n",
                o.key, o.label, o.impact
            ));
        }
        if let Some(n) = &q.note {
            s.push_str(&format!("      note: {n}\n"));
        }
    }
    s
}

fn committed(ctx: &Ctx, c: &Committed, verb: &str) -> String {
    match ctx.format {
        Format::Json => json_line(c),
        _ => {
            let mut s = format!(
                "{verb} {} — {} on hot\n{}",
                c.batch.id,
                crate::ids::short(&c.commit),
                batch_human(&c.batch)
            );
            for id in &c.opened {
                s.push_str(&format!("opened {id}\n"));
            }
            if !c.woken.is_empty() {
                s.push_str(&format!("woken: {}\n", c.woken.join(", ")));
            }
            s
        }
    }
}

pub(super) fn ask(ctx: &Ctx, args: AskArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let a = asking(ctx, args)?;
    let c = questions::ask(ws, &a)?;
    Ok(Output {
        stdout: committed(ctx, &c, "asked"),
        stderr: String::new(),
        code: 0,
    })
}

pub(super) fn list(ctx: &Ctx, args: QuestionsArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let shown: Vec<Batch> = questions::batches(ws)?
        .into_iter()
        .filter(|b| args.all || b.is_open())
        .collect();
    let stdout = match ctx.format {
        Format::Json => json_line(&shown),
        _ if shown.is_empty() => {
            if args.all {
                "no question batches\n".into()
            } else {
                "no open questions\n".into()
            }
        }
        _ => shown.iter().map(batch_human).collect::<Vec<_>>().join("\n"),
    };
    Ok(Output {
        stdout,
        stderr: String::new(),
        code: 0,
    })
}

pub(super) fn answer(ctx: &Ctx, args: AnswerArgs) -> Result<Output, Error> {
    let ws = ctx.session()?;
    let c = questions::answer(
        ws,
        &args.batch,
        &args.question,
        &args.key,
        args.note.as_deref(),
    )?;
    Ok(Output {
        stdout: committed(ctx, &c, "answered"),
        stderr: String::new(),
        code: 0,
    })
}
