//! The work tree and `HEAD`: cleanliness, checking out a branch's files, which work
//! trees have a branch checked out.

use std::path::{Path, PathBuf};

use git2::Repository;

use super::*;

impl Repo {
    /// Whether the work tree and index match `HEAD` (untracked files aside).
    pub fn is_clean(&self) -> Result<bool> {
        if self.inner.is_bare() {
            return Ok(true);
        }
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(false).include_ignored(false);
        Ok(self.inner.statuses(Some(&mut opts))?.is_empty())
    }

    /// Points `HEAD` at a branch and stages `paths` (already written to the work tree) in
    /// the index, leaving every other index entry as it was.
    pub fn checkout_branch_with(&self, branch_ref: &str, paths: &[String]) -> Result<()> {
        self.inner.set_head(branch_ref)?;
        if self.inner.workdir().is_some() {
            let mut index = self.inner.index()?;
            for p in paths {
                index.add_path(Path::new(p))?;
            }
            self.write_index(&mut index)?;
        }
        Ok(())
    }

    /// The work tree (this one or a linked one) that has `branch_ref` checked out.
    pub fn checked_out_in(&self, branch_ref: &str) -> Result<Option<PathBuf>> {
        if !self.inner.is_bare() && self.head_branch().as_deref() == Some(branch_ref) {
            return Ok(self.inner.workdir().map(Path::to_path_buf));
        }
        for name in self.inner.worktrees()?.iter().flatten().flatten() {
            let Ok(wt) = self.inner.find_worktree(name) else {
                continue;
            };
            let Ok(repo) = Repository::open_from_worktree(&wt) else {
                continue;
            };
            let head = repo
                .find_reference("HEAD")
                .ok()
                .and_then(|h| h.symbolic_target().ok().flatten().map(str::to_string));
            if head.as_deref() == Some(branch_ref) {
                return Ok(Some(wt.path().to_path_buf()));
            }
        }
        Ok(None)
    }

    /// Points `HEAD` at a branch without touching the index or work tree (the caller
    /// guarantees the branch has the same tree as the current `HEAD`).
    pub fn set_head(&self, branch_ref: &str) -> Result<()> {
        Ok(self.inner.set_head(branch_ref)?)
    }

    /// Whether `branch_ref` is checked out in this repository's work tree.
    pub(super) fn checked_out(&self, branch_ref: &str) -> bool {
        !self.inner.is_bare() && self.head_branch().as_deref() == Some(branch_ref)
    }
}
