//! Human questions: the Showrunner's batched escalations to the customer
//! (`questions/Q-YYYY-MM-DD-NN.yaml`), within the studio's attention budget.

use super::dispatch::Pick;
use super::playbook::Playbook;
use crate::artifact::{self, Kind};
use crate::date;
use crate::error::Error;
use crate::git::Repo;
use crate::trace::tu::Workspace;
use crate::trace::{brief, trailers};
use crate::yaml::quote;

/// Open question batches on hot.
pub fn open_batches(repo: &Repo, ws: &Workspace<'_>) -> Result<Vec<String>, Error> {
    let Some(tip) = repo.ref_target(&format!("refs/heads/{}", ws.config.hot))? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (path, bytes) in repo.tree_files(&tip, &|p| {
        p.starts_with("questions/") && p.ends_with(".yaml")
    })? {
        if let Ok(a) = artifact::parse(Kind::Question, &path, &bytes)
            && a.data.str_at("status") == Some("open")
        {
            out.push(artifact::stem(&path).to_string());
        }
    }
    Ok(out)
}

/// Asks which loop an ambiguous request meant: writes and commits a question batch on
/// hot. Returns its id, or `None` when the attention budget (`questions_max_open`) is spent.
pub fn ask_which_loop(
    repo: &Repo,
    request: &str,
    candidates: &[Pick],
    playbooks: &std::collections::BTreeMap<String, Playbook>,
) -> Result<Option<String>, Error> {
    let ws = Workspace::new(repo);
    let open = open_batches(repo, &ws)?;
    if open.len() as u32 >= ws.config.questions_max_open {
        return Ok(None);
    }
    let hot = format!("refs/heads/{}", ws.config.hot);
    let tip = repo.ref_target(&hot)?.ok_or_else(|| {
        Error::Git(crate::git::GitError::RevNotFound {
            rev: ws.config.hot.clone(),
        })
    })?;
    let who = repo.identity();
    let today = date::ymd(who.time, who.offset);
    let existing: Vec<String> = repo
        .tree_files(&tip, &|p| p.starts_with("questions/"))?
        .into_iter()
        .map(|(p, _)| artifact::stem(&p).to_string())
        .collect();
    let prefix = format!("Q-{today}-");
    let n = existing
        .iter()
        .filter_map(|i| i.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let id = format!("{prefix}{n:02}");
    let mut options: Vec<&str> = candidates.iter().map(|c| c.loop_id.as_str()).collect();
    for fallback in ["scene_forge", "story_spark", "remediation"] {
        if options.len() >= 3 {
            break;
        }
        if !options.contains(&fallback) && playbooks.contains_key(fallback) {
            options.push(fallback);
        }
    }
    options.truncate(4);
    let mut text = format!(
        "# A question for the customer, asked by `showrunner dispatch`.\nid: {id}\nasked: \"{today}\"\nasked_by: showrunner\nstatus: open\nquestions:\n  - id: which-loop\n    context: {}\n    question: Which kind of work did you mean?\n    options:\n",
        quote(&format!(
            "The request \"{}\" could mean more than one kind of work.",
            request.trim()
        ))
    );
    let keys = ["a", "b", "c", "d"];
    for (k, loop_id) in keys.iter().zip(&options) {
        let (name, purpose) = playbooks
            .get(*loop_id)
            .map(|p| {
                (
                    p.name.clone(),
                    p.purpose
                        .split(". ")
                        .next()
                        .unwrap_or("")
                        .trim_end_matches('.')
                        .to_string(),
                )
            })
            .unwrap_or_else(|| (loop_id.to_string(), String::new()));
        text.push_str(&format!(
            "      - key: {k}\n        label: {}\n        impact: {}\n",
            quote(&name),
            quote(&format!("Opens a {loop_id} TU. {purpose}."))
        ));
    }
    text.push_str("    recommendation: a\n");
    let path = format!("questions/{id}.yaml");
    let problems = brief::validate_as(Kind::Question, &path, &text);
    if !problems.is_empty() {
        return Err(Error::Usage(format!(
            "internal: the question batch would not be valid:\n{}",
            problems.join("\n")
        )));
    }
    let message = trailers::append(
        &format!("Ask {id}: which loop?\n"),
        &[("Question", &id), ("Role", "SR")],
    );
    repo.commit_tool_files(&hot, &tip, &[(path, text.into_bytes())], &message, &who)?;
    Ok(Some(id))
}
