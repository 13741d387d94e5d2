//! Git hooks: installing showrunner's small stubs (chaining to hooks that were there
//! before) and the logic the stubs call back into, starting with `commit-msg`.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::git::Repo;
use crate::studio::RequireTu;
use crate::trace::trailers;
use crate::trace::tu::Workspace;

/// The line that marks a hook file as showrunner's own.
const MARK: &str = "# showrunner-managed hook";

/// Hooks `hooks install` writes.
pub const HOOKS: [&str; 1] = ["commit-msg"];

/// What installing did for one hook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installed {
    /// The hook's path.
    pub path: PathBuf,
    /// A pre-existing hook it now chains to (renamed beside it).
    pub chained: Option<PathBuf>,
}

fn stub(hook: &str, exe: &Path) -> String {
    let exe = exe.display().to_string().replace('\'', "'\\''");
    format!(
        "#!/bin/sh\n{MARK}: {hook} (reinstall with `showrunner hooks install`).\n\
         '{exe}' hook {hook} \"$@\" || exit $?\n\
         if [ -x \"$0.pre-showrunner\" ]; then exec \"$0.pre-showrunner\" \"$@\"; fi\n"
    )
}

/// Installs the hook stubs, pointing them at `exe`. A hook that is not showrunner's is
/// kept as `<hook>.pre-showrunner` and called after ours; reinstalling is idempotent.
pub fn install(repo: &Repo, exe: &Path) -> Result<Vec<Installed>, Error> {
    let dir = repo.hooks_dir();
    let io = |p: &Path, e: std::io::Error| Error::Io {
        path: p.to_path_buf(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    let mut out = Vec::new();
    for hook in HOOKS {
        let path = dir.join(hook);
        let chained_path = dir.join(format!("{hook}.pre-showrunner"));
        let mut chained = chained_path.exists().then(|| chained_path.clone());
        if let Ok(existing) = std::fs::read_to_string(&path)
            && !existing.contains(MARK)
        {
            if chained_path.exists() {
                return Err(Error::Refused(format!(
                    "{} exists and so does {}; move one of them away first",
                    path.display(),
                    chained_path.display()
                )));
            }
            std::fs::rename(&path, &chained_path).map_err(|e| io(&path, e))?;
            chained = Some(chained_path);
        } else if path.exists() && std::fs::read(&path).is_err() {
            return Err(Error::Refused(format!(
                "{} exists and cannot be read",
                path.display()
            )));
        }
        let tmp = dir.join(format!(".{hook}.showrunner-tmp"));
        std::fs::write(&tmp, stub(hook, exe)).map_err(|e| io(&tmp, e))?;
        set_executable(&tmp).map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))?;
        out.push(Installed { path, chained });
    }
    Ok(out)
}

#[cfg(unix)]
fn set_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// What the commit-msg hook decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stamp {
    /// The message already names a TU.
    AlreadyTraced,
    /// `TU: <id>` was added.
    Stamped(String),
    /// The commit is not on hot or a `tu/` branch: nothing to do.
    NotOnHot,
    /// No TU to stamp; allowed (with a warning to show when the policy says warn).
    Untraced {
        /// Show a warning.
        warn: bool,
        /// Why there is no TU.
        why: String,
    },
}

/// The `commit-msg` hook: stamps `TU: <id>` from the `tu/<id>` branch or the active TU.
/// Refuses (an error) a commit on hot without a TU when `require_tu = "error"`.
pub fn commit_msg(repo: &Repo, message_file: &Path) -> Result<Stamp, Error> {
    let io = |e: std::io::Error| Error::Io {
        path: message_file.to_path_buf(),
        message: e.to_string(),
    };
    let message = std::fs::read_to_string(message_file).map_err(io)?;
    if trailers::first(&trailers::parse(&message), "TU").is_some() {
        return Ok(Stamp::AlreadyTraced);
    }
    let ws = Workspace::new(repo);
    let hot = format!("refs/heads/{}", ws.config.hot);
    let head = repo.head_branch().unwrap_or_default();
    if head != hot && !head.starts_with("refs/heads/tu/") {
        return Ok(Stamp::NotOnHot);
    }
    let why = match ws.active() {
        Some((id, _)) => match ws.open_for_commits(&id)? {
            Ok(()) => {
                let stamped = trailers::append(&message, &[("TU", &id)]);
                if stamped != message {
                    std::fs::write(message_file, stamped).map_err(io)?;
                    return Ok(Stamp::Stamped(id));
                }
                return Ok(Stamp::Untraced {
                    warn: false,
                    why: "empty message".into(),
                });
            }
            Err(why) => why,
        },
        None => "no active TU".to_string(),
    };
    match ws.config.require_tu {
        RequireTu::Error => Err(Error::State {
            message: format!("commit refused: {why}, and this studio requires every commit on hot to name a TU"),
            hint: Some(
                "open one with `showrunner tu open --loop <loop> --title <title>`, or pick one with `showrunner tu switch <id>`"
                    .into(),
            ),
        }),
        RequireTu::Warn => Ok(Stamp::Untraced { warn: true, why }),
        RequireTu::Off => Ok(Stamp::Untraced { warn: false, why }),
    }
}
