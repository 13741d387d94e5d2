//! `play`: a snapshot's story made playable, and a script of choices replayed through
//! it (`play --script`). Rendering the screens is the CLI's.

use crate::app::Session;
use crate::error::Error;
use crate::play::{Playable, State};

/// The story of a snapshot on cold, ready to play.
pub fn playable(ws: &Session, tag: &str) -> Result<Playable, Error> {
    Playable::new(&crate::app::bind::book_of(ws, tag)?)
}

/// The choice a typed line names: its number (1-based), or its label
/// (case-insensitive).
pub fn choice_at(book: &Playable, st: &State, text: &str) -> Option<usize> {
    let t = text.trim();
    if let Ok(n) = t.parse::<usize>() {
        return n.checked_sub(1);
    }
    book.sections[st.at]
        .choices
        .iter()
        .position(|c| c.label.trim().eq_ignore_ascii_case(t))
}

/// A choice a replay took: its label, and where the reader was after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    /// The choice's label.
    pub label: String,
    /// The reader after taking it.
    pub state: State,
}

/// Why a replay stopped before the end of its script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stopped {
    /// The script's line (1-based).
    pub line: usize,
    /// What was wrong with it.
    pub why: String,
}

/// A script replayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    /// The choices taken, in order.
    pub taken: Vec<Taken>,
    /// The line it stopped at, when one was not a choice there.
    pub stopped: Option<Stopped>,
}

/// Replays `script` from `start`: a choice a line (a number or a label), `#` starting a
/// comment. It stops at the first line that is not a choice there, or that comes after
/// the end of the story.
pub fn replay(book: &Playable, start: &State, script: &str) -> Replay {
    let mut st = start.clone();
    let mut taken = Vec::new();
    for (i, line) in script.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        match step(book, &mut st, line) {
            Ok(label) => taken.push(Taken {
                label,
                state: st.clone(),
            }),
            Err(why) => {
                return Replay {
                    taken,
                    stopped: Some(Stopped { line: i + 1, why }),
                };
            }
        }
    }
    Replay {
        taken,
        stopped: None,
    }
}

/// Takes the choice a script line names: its label, or why it cannot be taken.
fn step(book: &Playable, st: &mut State, line: &str) -> Result<String, String> {
    if book.sections[st.at].terminal {
        return Err(format!("`{line}`: the story has already ended"));
    }
    let n = choice_at(book, st, line).ok_or_else(|| format!("`{line}` is not a choice here"))?;
    let label = book.sections[st.at]
        .choices
        .get(n)
        .map(|c| c.label.clone())
        .unwrap_or_default();
    book.take(st, n).map_err(|e| format!("`{line}`: {e}"))?;
    Ok(label)
}
