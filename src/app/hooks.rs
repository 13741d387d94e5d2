//! Git hooks: installing showrunner's small stubs (chaining to hooks that were there
//! before) and the logic the stubs call back into, starting with `commit-msg`.

use std::path::{Path, PathBuf};

use crate::app::Session;
use crate::error::{Blocking, Error, HookError, SetupError, TuError};
use crate::git::Repo;
use crate::ids::CommitId;
use crate::ids::RefName;
use crate::studio::RequireTu;
use crate::trace::trailers;

/// The line that marks a hook file as showrunner's own.
const MARK: &str = "# showrunner-managed hook";

/// Hooks `hooks install` writes in a working repository.
pub const HOOKS: [&str; 3] = ["commit-msg", "pre-push", "reference-transaction"];

/// Hooks `hooks install --server` writes in a shared bare repository.
pub const SERVER_HOOKS: [&str; 1] = ["pre-receive"];

/// What installing did for one hook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installed {
    /// The hook's path.
    pub path: PathBuf,
    /// A pre-existing hook it now chains to (renamed beside it).
    pub chained: Option<PathBuf>,
}

/// A hook's script. It finds the binary the way a person would expect: the path in
/// `git config showrunner.path` when set, else `showrunner` on `PATH`, else the binary
/// that installed it; when none is there it says so in one line, with the fix, and
/// refuses (a guard that cannot run does not pass).
fn stub(hook: &str, exe: &Path, cold: &str) -> String {
    let exe = exe.display().to_string().replace('\'', "'\\''");
    let head = format!("#!/bin/sh\n{MARK}: {hook} (reinstall with `showrunner hooks install`).\n");
    let find = format!(
        "sr=$(git config --get showrunner.path 2>/dev/null)\n\
         if [ -z \"$sr\" ]; then sr=$(command -v showrunner 2>/dev/null); fi\n\
         if [ -z \"$sr\" ] && [ -x '{exe}' ]; then sr='{exe}'; fi\n\
         if [ -z \"$sr\" ] || [ ! -x \"$sr\" ]; then\n  \
         echo \"showrunner's {hook} hook cannot run showrunner${{sr:+ at $sr}}: put it on PATH, or \\`git config showrunner.path <path-to-showrunner>\\`\" >&2\n  \
         exit 1\n\
         fi\n"
    );
    let chain_args =
        "if [ -x \"$0.pre-showrunner\" ]; then exec \"$0.pre-showrunner\" \"$@\"; fi\n";
    let chain_stdin = "if [ -x \"$0.pre-showrunner\" ]; then printf '%s\\n' \"$input\" | \"$0.pre-showrunner\" \"$@\"; exit $?; fi\n";
    match hook {
        "commit-msg" => format!("{head}{find}\"$sr\" hook {hook} \"$@\" || exit $?\n{chain_args}"),
        // Called for every ref update git makes: only cold's, in `prepared`, costs a process.
        "reference-transaction" => format!(
            "{head}input=$(cat)\nif [ \"$1\" = prepared ]; then\n  case \"$input\" in\n    *\" refs/heads/{cold}\"*)\n{find}    printf '%s\\n' \"$input\" | \"$sr\" hook {hook} \"$1\" || exit $? ;;\n  esac\nfi\n{chain_stdin}exit 0\n"
        ),
        _ => format!(
            "{head}input=$(cat)\n{find}printf '%s\\n' \"$input\" | \"$sr\" hook {hook} \"$@\" || exit $?\n{chain_stdin}exit 0\n"
        ),
    }
}

/// Installs the hook stubs, pointing them at `exe`: the working-repository hooks, or with
/// `server` the bare-repository ones. A hook that is not showrunner's is kept as
/// `<hook>.pre-showrunner` and called after ours; reinstalling is idempotent.
pub fn install(ws: &Session, exe: &Path, server: bool) -> Result<Vec<Installed>, Error> {
    let repo = &ws.repo;
    let dir = repo.hooks_dir();
    // The branch names the guards watch: recorded at the first install (a later edit
    // of `studio.toml`, committed or not, cannot move them; `git config showrunner.cold`
    // can).
    let recorded = |key: &str, now: &str| -> Result<String, Error> {
        match repo.config_value(key).filter(|v| !v.is_empty()) {
            Some(v) => Ok(v),
            None => {
                repo.set_config(key, now)?;
                Ok(now.to_string())
            }
        }
    };
    recorded("showrunner.hot", &ws.config.hot)?;
    let cold = recorded("showrunner.cold", &ws.config.cold)?;
    let hooks: &[&str] = if server { &SERVER_HOOKS } else { &HOOKS };
    let io = |p: &Path, e: std::io::Error| Error::Io {
        path: p.to_path_buf(),
        source: e,
    };
    std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
    let mut out = Vec::new();
    for hook in hooks.iter().copied() {
        let path = dir.join(hook);
        let chained_path = dir.join(format!("{hook}.pre-showrunner"));
        let mut chained = chained_path.exists().then(|| chained_path.clone());
        if let Ok(existing) = std::fs::read_to_string(&path)
            && !existing.contains(MARK)
        {
            if chained_path.exists() {
                return Err(SetupError::HookAndChained {
                    hook: path,
                    chained: chained_path,
                }
                .into());
            }
            std::fs::rename(&path, &chained_path).map_err(|e| io(&path, e))?;
            chained = Some(chained_path);
        } else if path.exists() && std::fs::read(&path).is_err() {
            return Err(SetupError::HookUnreadable { hook: path }.into());
        }
        let tmp = dir.join(format!(".{hook}.showrunner-tmp"));
        std::fs::write(&tmp, stub(hook, exe, &cold)).map_err(|e| io(&tmp, e))?;
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
pub fn commit_msg(ws: &Session, message_file: &Path) -> Result<Stamp, Error> {
    let repo = &ws.repo;
    let io = |e: std::io::Error| Error::Io {
        path: message_file.to_path_buf(),
        source: e,
    };
    let message = std::fs::read_to_string(message_file).map_err(io)?;
    if trailers::first(&trailers::parse(&message), "TU").is_some() {
        return Ok(Stamp::AlreadyTraced);
    }
    let hot = ws.hot_ref();
    let head = repo.head_branch().unwrap_or_default();
    if head != hot && !head.starts_with(RefName::review("").as_str()) {
        return Ok(Stamp::NotOnHot);
    }
    let why = match ws.active() {
        Some((id, _)) => match ws.open_for_commits(&id)? {
            Ok(()) => {
                let stamped = trailers::append_to_block(&message, &[("TU", &id)]);
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
        RequireTu::Error => Err(TuError::Untraced { why }.into()),
        RequireTu::Warn => Ok(Stamp::Untraced { warn: true, why }),
        RequireTu::Off => Ok(Stamp::Untraced { warn: false, why }),
    }
}

const ZERO: &str = "0000000000000000000000000000000000000000";

fn is_zero(id: &str) -> bool {
    id.chars().all(|c| c == '0')
}

/// Why a hook refuses: the blocking findings of a verdict, as text for git to relay.
fn refusal(what: &str, report: &crate::gate::Report) -> Error {
    let blocking = |f: &crate::gate::Finding| Blocking {
        code: f.code.clone(),
        path: f.path.clone(),
        line: f.line,
        message: f.message.clone(),
    };
    HookError::GateRefused {
        what: what.to_string(),
        errors: report
            .findings
            .iter()
            .filter(|f| f.severity == crate::gate::Severity::Error)
            .map(blocking)
            .collect(),
        conditional: (report.decision == crate::gate::Decision::Conditional)
            .then(|| report.findings.iter().map(blocking).collect()),
    }
    .into()
}

/// Hot as the guard trusts it: its branch name, and its tip (after this push, on a
/// server), when it exists.
struct Hot<'a> {
    name: &'a str,
    tip: Option<CommitId>,
}

/// Checks one proposed move of cold (`old` None: cold is being created): never a
/// deletion, never to a commit hot does not hold (a merge commit made on cold), then
/// the checks of `merge`.
fn guard_cold(
    repo: &Repo,
    old: Option<&str>,
    new: &str,
    what: &str,
    hot: &Hot<'_>,
) -> Result<(), Error> {
    if is_zero(new) {
        return Err(HookError::ColdDeleted {
            what: what.to_string(),
        }
        .into());
    }
    let also: Vec<CommitId> = hot.tip.iter().cloned().collect();
    let verdict = crate::app::cold::check_update(repo, old, new, &also)?;
    match verdict.report.decision {
        crate::gate::Decision::Pass => {}
        crate::gate::Decision::Conditional if verdict.allow_conditional => {}
        _ => return Err(refusal(what, &verdict.report)),
    }
    if let Some(tip) = &hot.tip
        && !repo.is_ancestor(new, tip)?
    {
        return Err(HookError::OffHot {
            what: what.to_string(),
            new: new.to_string(),
            hot: hot.name.to_string(),
        }
        .into());
    }
    Ok(())
}

/// Lines of `<a> <b> <c>` (hook stdin), skipping blanks.
fn triples(input: &str) -> Vec<(&str, &str, &str)> {
    input
        .lines()
        .filter_map(|l| {
            let mut p = l.split_whitespace();
            Some((p.next()?, p.next()?, p.next()?))
        })
        .collect()
}

/// `reference-transaction` in state `prepared`: refuse an update of cold made through
/// git itself (branch -f, update-ref, merge on cold, push to this repository) whose new
/// commit fails the checks of `merge`. Every other state passes.
///
/// Git's housekeeping is not a move: `pack-refs` (and `gc`) first writes cold into
/// `packed-refs` with the value it has, then prunes the loose file (`<old> 0…0`) while
/// `packed-refs` already lists cold at that same `<old>`. A real deletion of a packed
/// cold is a `packed-refs` transaction too, reported first as `0…0 0…0` and refused.
pub fn reference_transaction(ws: &Session, state: &str, input: &str) -> Result<(), Error> {
    let repo = &ws.repo;
    if state != "prepared" {
        return Ok(());
    }
    let cold_ref = ws.cold_ref();
    for (old, new, name) in triples(input) {
        if name != cold_ref {
            continue;
        }
        // Git passes zeros as the old value when the caller did not state one
        // (`git branch -f`): the ref still holds its current value in `prepared`.
        let current = if is_zero(old) {
            repo.ref_target(&cold_ref)?
        } else {
            Some(CommitId::new(old))
        };
        if current.as_deref() == Some(new) {
            continue;
        }
        let pruned = !is_zero(old)
            && is_zero(new)
            && repo
                .packed_ref(&cold_ref)
                .is_some_and(|packed| packed == old);
        if pruned {
            continue;
        }
        let hot = Hot {
            name: &ws.config.hot,
            tip: repo.ref_target(&ws.hot_ref())?,
        };
        guard_cold(
            repo,
            current.as_deref(),
            new,
            &format!("update of {name}"),
            &hot,
        )?;
    }
    Ok(())
}

/// `pre-push`: for every pushed update of the remote's cold, the checks of `merge`.
pub fn pre_push(ws: &Session, input: &str) -> Result<(), Error> {
    let repo = &ws.repo;
    let cold_ref = ws.cold_ref();
    for line in input.lines() {
        let p: Vec<&str> = line.split_whitespace().collect();
        let [_local_ref, local, remote_ref, remote] = p[..] else {
            continue;
        };
        if remote_ref != cold_ref {
            continue;
        }
        let old = if is_zero(remote) {
            // A new remote cold: check from our own cold when it leads there.
            repo.ref_target(&cold_ref)?
                .filter(|c| !is_zero(local) && repo.is_ancestor(c, local).unwrap_or(false))
        } else if repo.has_commit(remote) {
            Some(CommitId::new(remote))
        } else {
            return Err(HookError::RemoteUnknown {
                target: remote_ref.to_string(),
                remote: remote.to_string(),
            }
            .into());
        };
        // The push's own hot when it carries one, else this repository's.
        let hot_ref = ws.hot_ref();
        let pushed_hot = input.lines().find_map(|l| {
            let p: Vec<&str> = l.split_whitespace().collect();
            (p.len() == 4 && p[2] == hot_ref && !is_zero(p[1])).then(|| CommitId::new(p[1]))
        });
        let hot = Hot {
            name: &ws.config.hot,
            tip: match pushed_hot {
                Some(t) => Some(t),
                None => repo.ref_target(&hot_ref)?,
            },
        };
        guard_cold(
            repo,
            old.as_deref(),
            local,
            &format!("push to {remote_ref}"),
            &hot,
        )?;
    }
    Ok(())
}

/// A pushed tag that is a snapshot (its annotation carries the snapshot trailer) must
/// name a commit cold holds: a snapshot is a state of cold, never anything else.
fn snapshot_on_cold(repo: &Repo, name: &str, new: &str, cold: Option<&str>) -> Result<(), Error> {
    let Some(message) = repo.tag_object_message(new)? else {
        return Ok(());
    };
    let parsed = trailers::parse(&message);
    if trailers::first(&parsed, crate::trace::snapshot::MARK).is_none() {
        return Ok(());
    }
    let commit = repo.resolve_commit(new)?;
    let on_cold = match cold {
        Some(c) => repo.is_ancestor(&commit, c)?,
        None => false,
    };
    if on_cold {
        Ok(())
    } else {
        Err(HookError::SnapshotOffCold {
            tag: name.trim_start_matches("refs/tags/").to_string(),
            commit,
        }
        .into())
    }
}

/// `pre-receive` on a shared bare repository: cold updates get the checks of `merge`
/// (objects read from the push's quarantine); with `require_tu = "error"`, every commit
/// pushed to hot must carry a TU trailer.
pub fn pre_receive(ws: &Session, input: &str) -> Result<(), Error> {
    let repo = &ws.repo;
    let lines = triples(input);
    // Cold as it will be if this push is accepted (its own update of cold, else as is).
    let cold_ref = RefName::branch(&ws.config.cold);
    let cold_after = match lines.iter().find(|(_, _, n)| *n == cold_ref) {
        Some((_, new, _)) if !is_zero(new) => Some(CommitId::new(*new)),
        Some(_) => None,
        None => repo.ref_target(&cold_ref)?,
    };
    // Hot likewise: what the push leaves it at.
    let hot_ref = RefName::branch(&ws.config.hot);
    let hot = Hot {
        name: &ws.config.hot,
        tip: match lines.iter().find(|(_, _, n)| *n == hot_ref) {
            Some((_, new, _)) if !is_zero(new) => Some(CommitId::new(*new)),
            Some(_) => None,
            None => repo.ref_target(&hot_ref)?,
        },
    };
    for &(old, new, name) in &lines {
        // A tag named like a branch of the studio would make `cold` ambiguous.
        if let Some(tag) = name.strip_prefix("refs/tags/")
            && !is_zero(new)
            && (tag == ws.config.cold || tag == ws.config.hot)
        {
            return Err(HookError::TagNamedLikeBranch {
                tag: tag.to_string(),
            }
            .into());
        }
        if name.starts_with("refs/tags/") && !is_zero(new) {
            snapshot_on_cold(repo, name, new, cold_after.as_deref())?;
            continue;
        }
        if is_zero(new) {
            // Deleting a branch: only cold is protected.
            let cold = ws.config.cold.clone();
            if name == RefName::branch(&cold) {
                return guard_cold(repo, None, ZERO, &format!("push to {name}"), &hot);
            }
            continue;
        }
        // The rules are the server's own (its `HEAD` before this push), never the pushed
        // commit's: a push cannot rename cold or relax `require_tu` for itself. Tags
        // and other refs are not branches the rules name.
        let config = &ws.config;
        let old = (!is_zero(old)).then_some(old);
        if name == RefName::branch(&config.cold) {
            guard_cold(repo, old, new, &format!("push to {name}"), &hot)?;
        } else if name == RefName::branch(&config.hot) && config.require_tu == RequireTu::Error {
            let hide: Vec<String> = old.map(|o| vec![o.to_string()]).unwrap_or_default();
            let mut untraced = Vec::new();
            for c in super::history::range(repo, &[new.to_string()], &hide)? {
                let named = c.first("TU").is_some();
                let forge = c.parents.len() > 1 && c.message.contains("tu/TU-");
                if named || forge {
                    continue;
                }
                let (id, message) = (&c.id, &c.message);
                if !crate::app::cold::process_record(repo, id, &c.trailers)? {
                    untraced.push(format!(
                        "{} {}",
                        crate::ids::short(id),
                        message.lines().next().unwrap_or("")
                    ));
                }
            }
            if !untraced.is_empty() {
                return Err(TuError::UntracedPush {
                    target: name.to_string(),
                    commits: untraced,
                }
                .into());
            }
        }
    }
    Ok(())
}
