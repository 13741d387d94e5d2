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

impl Repo {
    /// The SSH key tool commits are signed with, exactly when git would sign a `git
    /// commit` here with one: `commit.gpgsign` true, `gpg.format` `ssh` and
    /// `user.signingkey` naming a key file (`~/` expanded).
    fn ssh_signing_key(&self) -> Option<std::path::PathBuf> {
        let config = self.inner.config().ok()?;
        if !config.get_bool("commit.gpgsign").unwrap_or(false)
            || config.get_string("gpg.format").ok()? != "ssh"
        {
            return None;
        }
        let key = config.get_string("user.signingkey").ok()?;
        let key = match key.strip_prefix("~/") {
            Some(rest) => Path::new(&std::env::var("HOME").ok()?).join(rest),
            None => std::path::PathBuf::from(key),
        };
        Some(key)
    }

    /// Writes a commit object (moving no ref), signed with the configured SSH key when
    /// the repository signs its commits ([`Repo::ssh_signing_key`]), by `ssh-keygen -Y
    /// sign` as git itself does.
    pub(super) fn write_commit(
        &self,
        author: &git2::Signature<'_>,
        committer: &git2::Signature<'_>,
        message: &str,
        tree: &git2::Tree<'_>,
        parents: &[&git2::Commit<'_>],
    ) -> Result<git2::Oid> {
        let repo = &self.inner;
        let Some(key) = self.ssh_signing_key() else {
            return Ok(repo.commit(None, author, committer, message, tree, parents)?);
        };
        let buffer = repo.commit_create_buffer(author, committer, message, tree, parents)?;
        let mut child = Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", "git", "-f"])
            .arg(&key)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| GitError::Other(format!("cannot run ssh-keygen to sign: {e}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write as _;
            stdin
                .write_all(&buffer)
                .map_err(|e| GitError::Other(format!("cannot sign with {}: {e}", key.display())))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| GitError::Other(format!("cannot sign with {}: {e}", key.display())))?;
        if !out.status.success() {
            return Err(GitError::Other(format!(
                "signing with {} failed: {}",
                key.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let text = std::str::from_utf8(&buffer)
            .map_err(|_| GitError::Other("a commit to sign is not UTF-8".into()))?;
        let signature = String::from_utf8_lossy(&out.stdout);
        Ok(repo.commit_signed(text, signature.trim_end(), None)?)
    }
}
