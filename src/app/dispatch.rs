//! `dispatch` (the protocol's `customer.intent.dispatch`): map a customer's request to
//! loops over hot's catalogue, ask when it is ambiguous, and open the TU(s) or preview
//! the brief each would get.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::app::{OpenRequest, Session, loops, questions};
use crate::error::{Error, LoopError};
use crate::orchestra::dispatch::{self, Dispatch};
use crate::studio::playbook::{self, Playbook};

/// What `dispatch` found and did.
#[derive(Clone, Debug, PartialEq)]
pub struct Dispatched {
    /// The dispatcher's answer: loops, parameters, lanes, candidates.
    pub dispatch: Dispatch,
    /// Every role the chosen loops involve: accountable, responsible and woken.
    pub roles: BTreeSet<String>,
    /// The question asked instead of guessing: the batch that asks it (`open`), or the
    /// question a dry run would ask; `None` when not ambiguous, or when the attention
    /// budget is spent.
    pub question: Option<questions::WhichLoop>,
    /// The TUs opened (`open`).
    pub opened: Vec<String>,
    /// The roles woken for them.
    pub woken: Vec<&'static str>,
    /// The id and brief each loop's TU would get (without `open`).
    pub would_open: Vec<(String, String)>,
}

/// Maps `request` to loops; with `open`, opens a TU per loop and wakes the roles its
/// playbook needs, else previews the briefs and writes nothing. Nothing is opened when
/// the request is ambiguous: a question batch asks which loop is meant (with `open`;
/// a dry run returns the question it would ask).
pub fn dispatch(ws: &Session, request: &str, open: bool) -> Result<Dispatched, Error> {
    if request.trim().is_empty() {
        return Err(LoopError::EmptyRequest.into());
    }
    let (cat, studio_playbooks) = crate::app::read::catalogue(ws)?;
    let playbooks = playbook::in_force(&studio_playbooks);
    let d = dispatch::dispatch(request, &playbooks, &cat);
    let roles = roles(&d, &playbooks);
    let inputs = inputs(&d.params);
    let question = if d.ambiguous {
        let q = questions::which_loop_question(request, &d.candidates, &playbooks, &inputs);
        questions::ask_once(ws, q, open)?
    } else if let Some(m) = d.missing.first() {
        let q = questions::which_parameter_question(request, m, &playbooks, &inputs);
        questions::ask_once(ws, q, open)?
    } else {
        None
    };
    let mut out = Dispatched {
        dispatch: d,
        roles,
        question,
        opened: Vec::new(),
        woken: Vec::new(),
        would_open: Vec::new(),
    };
    if !out.dispatch.ambiguous && out.dispatch.missing.is_empty() {
        open_or_preview(ws, &playbooks, request, open, &mut out)?;
    }
    Ok(out)
}

/// A brief's inputs from a request's parameters (`language: fr`).
fn inputs(params: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    params
        .iter()
        .map(|(k, v)| format!("{k}: {}", v.join(", ")))
        .collect()
}

/// Every role the chosen loops involve: accountable, responsible and woken.
fn roles(d: &Dispatch, playbooks: &BTreeMap<String, Playbook>) -> BTreeSet<String> {
    let mut roles: BTreeSet<String> = BTreeSet::new();
    for p in &d.loops {
        if let Some(pb) = playbooks.get(&p.loop_id) {
            roles.insert(pb.raci.accountable.clone());
            roles.extend(pb.raci.responsible.iter().cloned());
            roles.extend(pb.wakes.iter().cloned());
        }
    }
    roles
}

/// Opens a TU per chosen loop (`open`), or previews the brief each would get.
fn open_or_preview(
    ws: &Session,
    playbooks: &BTreeMap<String, Playbook>,
    request: &str,
    open: bool,
    out: &mut Dispatched,
) -> Result<(), Error> {
    let title = questions::title_of(request);
    let inputs = inputs(&out.dispatch.params);
    for p in &out.dispatch.loops {
        if open {
            let run = loops::open_run(ws, playbooks, &p.loop_id, &title, &inputs)?;
            out.woken
                .extend(run.woken.map(|(w, _)| w).unwrap_or_default());
            out.opened.push(run.opened.id);
        } else {
            let (id, _, _, text) = ws.preview(&OpenRequest {
                loop_id: &p.loop_id,
                title: &title,
                role: None,
                branch: false,
                inputs: &inputs,
            })?;
            out.would_open.push((id, text));
        }
    }
    Ok(())
}

/// `dispatch --format json` (and the `customer.intent.dispatch` reply): the loops, what
/// the request said, and what was (or would be) opened.
impl Serialize for Dispatched {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        /// A TU `dispatch --open` would open, with its brief.
        #[derive(Serialize)]
        struct WouldOpen<'a> {
            id: &'a str,
            brief: &'a str,
        }
        /// The question: the batch's id when asked, the question itself in a dry run.
        #[derive(Serialize)]
        #[serde(untagged)]
        enum QuestionView<'a> {
            Batch(&'a str),
            Would {
                text: &'a str,
                context: &'a str,
                options: &'a [questions::Choice],
                recommendation: &'a str,
            },
        }
        #[derive(Serialize)]
        struct View<'a> {
            #[serde(rename = "loop")]
            first: Option<&'a str>,
            loops: Vec<&'a str>,
            params: &'a BTreeMap<String, Vec<String>>,
            roles: &'a BTreeSet<String>,
            ambiguous: bool,
            question: Option<QuestionView<'a>>,
            lanes: &'a [Vec<String>],
            candidates: &'a [dispatch::Pick],
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            missing: &'a [dispatch::Missing],
            opened: &'a [String],
            woken: &'a [&'a str],
            would_open: Vec<WouldOpen<'a>>,
        }
        let d = &self.dispatch;
        View {
            first: d.loops.first().map(|p| p.loop_id.as_str()),
            loops: d.loops.iter().map(|p| p.loop_id.as_str()).collect(),
            params: &d.params,
            roles: &self.roles,
            ambiguous: d.ambiguous,
            question: self.question.as_ref().map(|q| match q {
                questions::WhichLoop::Batch(id) => QuestionView::Batch(id),
                questions::WhichLoop::Would(q) => QuestionView::Would {
                    text: &q.question,
                    context: &q.context,
                    options: &q.options,
                    recommendation: &q.recommendation,
                },
            }),
            lanes: &d.lanes,
            candidates: &d.candidates,
            missing: &d.missing,
            opened: &self.opened,
            woken: &self.woken,
            would_open: self
                .would_open
                .iter()
                .map(|(id, brief)| WouldOpen { id, brief })
                .collect(),
        }
        .serialize(s)
    }
}
