//! Customer satisfaction signals: `feedback <1-5>` recorded on hot as a commit with
//! `Feedback:` trailers, tied to the newest snapshot (the milestone it judges).

use crate::app::Session;
use crate::error::{Error, FeedbackError};
use crate::ids::CommitId;
use crate::trace::trailers;

/// A recorded signal.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Recorded {
    /// The score, 1 to 5.
    pub score: u8,
    /// The snapshot it is about, when there is one.
    pub milestone: Option<String>,
    /// The commit on hot.
    pub commit: CommitId,
    /// The hot branch.
    pub branch: String,
}

/// Records a score (1–5) and an optional note on hot. Nothing is written when the
/// score is out of range or the note would not fit on one trailer line.
pub fn record(ws: &Session, score: u8, note: Option<&str>) -> Result<Recorded, Error> {
    let repo = &ws.repo;
    if !(1..=5).contains(&score) {
        return Err(FeedbackError::BadScore { score }.into());
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.contains('\n')) {
        return Err(FeedbackError::NoteNotOneLine.into());
    }
    let (hot, tip) = ws.hot_tip()?;
    let milestone = crate::app::snapshot::newest(repo)?.map(|s| s.name);
    let score_text = score.to_string();
    let mut t: Vec<(&str, &str)> = vec![("Feedback", score_text.as_str())];
    if let Some(n) = note {
        t.push(("Feedback-Note", n));
    }
    if let Some(m) = &milestone {
        t.push(("Snapshot", m.as_str()));
    }
    let title = match &milestone {
        Some(m) => format!("Feedback {score}/5 on {m}"),
        None => format!("Feedback {score}/5"),
    };
    let message = trailers::append(&format!("{title}\n"), &t);
    let commit = repo.commit_tool_files(&hot, &tip, &[], &message, &repo.identity())?;
    Ok(Recorded {
        score,
        milestone,
        commit,
        branch: ws.config.hot.clone(),
    })
}
