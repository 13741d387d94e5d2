//! Commit signatures, checked by git itself: `git log --format=%G?%GS` with an
//! allowed-signers file (SSH keys, as `gpg.ssh.allowedSignersFile` reads them), so a
//! signature counts exactly when git would say it is good, and names the principal
//! (the role) the file gives its key.

use std::path::Path;
use std::process::Command;

use super::*;

impl Repo {
    /// The principal whose key made a good signature on `commit`, by the allowed-signers
    /// file at `allowed`; `None` when the commit is unsigned, or its signature is bad or
    /// by a key the file does not list. Runs `git` (which runs `ssh-keygen`); objects of
    /// a push's quarantine are found through the environment git gives its hooks.
    pub fn signer(&self, commit: &str, allowed: &Path) -> Result<Option<String>> {
        let out = Command::new("git")
            .arg("--git-dir")
            .arg(self.inner.path())
            .arg("-c")
            .arg("gpg.format=ssh")
            .arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", allowed.display()))
            .args(["log", "-1", "--no-show-signature", "--format=%G?%x1f%GS"])
            .arg(commit)
            .output()
            .map_err(|e| GitError::Other(format!("cannot run git to check a signature: {e}")))?;
        if !out.status.success() {
            return Err(GitError::Other(format!(
                "git could not check the signature of {commit}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut parts = text.trim_end().splitn(2, '\u{1f}');
        let status = parts.next().unwrap_or("");
        let who = parts.next().unwrap_or("").trim();
        Ok((status == "G" && !who.is_empty()).then(|| who.to_string()))
    }
}
