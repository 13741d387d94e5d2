//! Notes beside history (`refs/notes/*`): read and append.

use git2::{ErrorCode, Oid, Signature, Time};

use super::write::is_lock_error;
use super::*;

impl Repo {
    /// The text of the note on `commit` under `notes_ref`, if any.
    pub fn note(&self, notes_ref: &str, commit: &str) -> Result<Option<String>> {
        match self
            .inner
            .find_note(Some(notes_ref), Oid::from_str(commit)?)
        {
            Ok(n) => Ok(n.message().ok().map(str::to_string)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Appends lines to the note on `commit` under `notes_ref` (a record beside history,
    /// like git's own notes; history itself is not touched). A race with another writer
    /// is retried from the note it left.
    pub fn append_note(
        &self,
        notes_ref: &str,
        commit: &str,
        lines: &str,
        who: &Identity,
    ) -> Result<()> {
        let oid = Oid::from_str(commit)?;
        let sig = Signature::new(&who.name, &who.email, &Time::new(who.time, who.offset))?;
        for _ in 0..5 {
            let old = self.note(notes_ref, commit)?.unwrap_or_default();
            let text = format!("{old}{lines}");
            match self
                .inner
                .note(&sig, &sig, Some(notes_ref), oid, &text, true)
            {
                Ok(_) => return Ok(()),
                Err(e) if is_lock_error(&e) || e.code() == ErrorCode::Modified => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(GitError::RefLocked {
            name: notes_ref.to_string(),
        })
    }
}
