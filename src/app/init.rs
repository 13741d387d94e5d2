//! `showrunner init`: a new studio in a new or existing repository, with `hot` and `cold`
//! at the same first commit.

use std::path::{Path, PathBuf};

use crate::date;
use crate::error::{Error, SetupError};
use crate::git::Repo;
use crate::ids::CommitId;
use crate::ids::{Expect, RefName};

/// A CI system `init --ci` can write a workflow for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ci {
    /// GitHub Actions: `.github/workflows/showrunner.yml`.
    Github,
}

/// What `init` made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Initialized {
    /// The studio folder.
    pub dir: PathBuf,
    /// The first studio commit (where `hot` and `cold` point).
    pub commit: CommitId,
    /// The files written, sorted.
    pub files: Vec<String>,
    /// Whether a new git repository was created.
    pub created_repo: bool,
    /// Branch names.
    pub hot: String,
    /// Branch names.
    pub cold: String,
}

const EMPTY_FOLDERS: [&str; 10] = [
    "sections",
    "codex",
    "canon",
    "hooks",
    "tus",
    "gate",
    "questions",
    "art",
    "audio",
    "assets",
];

/// The files of a new, empty studio.
pub fn default_files(title: &str, author: &str, today: &str) -> Vec<(String, Vec<u8>)> {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "studio.toml".into(),
            include_str!("../../templates/init/studio.toml")
                .replace("{title}", &esc(title))
                .replace("{author}", &esc(author))
                .into_bytes(),
        ),
        (
            "roles.yaml".into(),
            include_str!("../../templates/init/roles.yaml")
                .replace("{date}", today)
                .into_bytes(),
        ),
        (
            "style/style.yaml".into(),
            include_str!("../../templates/init/style.yaml").into(),
        ),
        (
            "codewords.yaml".into(),
            include_str!("../../templates/init/codewords.yaml").into(),
        ),
        (
            "waivers.yaml".into(),
            include_str!("../../templates/init/waivers.yaml").into(),
        ),
        (
            "sections/opening.md".into(),
            include_str!("../../templates/init/sections/opening.md").into(),
        ),
    ];
    with_folder_keepers(&mut files);
    files
}

/// Adds a `.gitkeep` to every studio folder that would otherwise be empty.
fn with_folder_keepers(files: &mut Vec<(String, Vec<u8>)>) {
    for folder in EMPTY_FOLDERS {
        let prefix = format!("{folder}/");
        if !files.iter().any(|(p, _)| p.starts_with(&prefix)) {
            files.push((format!("{folder}/.gitkeep"), Vec::new()));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
}

fn title_from_dir(dir: &Path) -> String {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Untitled".into());
    name.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Creates a studio in `dir` (and the git repository, if there is none). Refuses, with
/// nothing changed, when `dir` already holds a studio, any file it would write, or a
/// `hot`/`cold` branch. With `hooks_exe`, installs the git hooks pointing at that binary.
pub fn init(
    dir: &Path,
    from_sample: bool,
    ci: Option<Ci>,
    hooks_exe: Option<&Path>,
) -> Result<Initialized, Error> {
    create(dir, from_sample, None, ci, hooks_exe)
}

/// The files of a new studio made by someone else (an import): given the title the
/// folder suggests, the author and today, the files to commit.
pub type Custom<'a> = &'a dyn Fn(&str, &str, &str) -> Vec<(String, Vec<u8>)>;

/// Like [`init`], with the first commit's files made by `custom` (an import that
/// brings its own sections and start).
pub fn init_with(
    dir: &Path,
    custom: Custom<'_>,
    hooks_exe: Option<&Path>,
) -> Result<Initialized, Error> {
    create(dir, false, Some(custom), None, hooks_exe)
}

fn create(
    dir: &Path,
    from_sample: bool,
    custom: Option<Custom<'_>>,
    ci: Option<Ci>,
    hooks_exe: Option<&Path>,
) -> Result<Initialized, Error> {
    refuse_to_overwrite(dir)?;
    let dir_existed = dir.exists();
    let mut files = if from_sample {
        let mut f = crate::studio::sample::files();
        with_folder_keepers(&mut f);
        f
    } else {
        Vec::new()
    };
    refuse_collisions(dir, &files)?;
    if !dir_existed {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io {
            path: dir.to_path_buf(),
            source: e,
        })?;
    }
    let undo_dir = |dir: &Path| {
        if !dir_existed {
            let _ = std::fs::remove_dir_all(dir);
        }
    };
    let (repo, created_repo) = match Repo::open_or_init(dir, "hot") {
        Ok(r) => r,
        Err(e) => {
            undo_dir(dir);
            return Err(e.into());
        }
    };
    let who = repo.identity();
    if !from_sample {
        let author = if who.name == "showrunner" {
            "Unknown author".to_string()
        } else {
            who.name.clone()
        };
        let today = date::ymd(who.time, who.offset);
        files = match custom {
            Some(make) => {
                let mut f = make(&title_from_dir(dir), &author, &today);
                with_folder_keepers(&mut f);
                f
            }
            None => default_files(&title_from_dir(dir), &author, &today),
        };
    }
    if let Some(Ci::Github) = ci {
        add_github_workflow(&mut files);
    }
    let result = write_studio(&repo, dir, &files, &who, created_repo, hooks_exe);
    if result.is_err() && created_repo {
        undo_dir(dir);
        if dir_existed {
            let _ = std::fs::remove_dir_all(dir.join(".git"));
        }
    }
    result
}

/// Refuses a folder that already holds a studio, is not a folder, or whose repository
/// already has `hot` or `cold`.
fn refuse_to_overwrite(dir: &Path) -> Result<(), Error> {
    if dir.join("studio.toml").exists() {
        return Err(SetupError::AlreadyAStudio {
            dir: dir.to_path_buf(),
        }
        .into());
    }
    if dir.exists() && !dir.is_dir() {
        return Err(SetupError::NotAFolder {
            dir: dir.to_path_buf(),
        }
        .into());
    }
    if let Ok(repo) = Repo::discover(dir)
        && repo.workdir().and_then(|w| std::fs::canonicalize(w).ok())
            == std::fs::canonicalize(dir).ok()
    {
        for b in [RefName::branch("hot"), RefName::branch("cold")] {
            if repo.ref_target(&b)?.is_some() {
                return Err(SetupError::BranchExists {
                    branch: b.short().to_string(),
                }
                .into());
            }
        }
    }
    Ok(())
}

/// Refuses files the new studio would overwrite.
fn refuse_collisions(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), Error> {
    let collisions: Vec<&str> = files
        .iter()
        .map(|(p, _)| p.as_str())
        .chain([
            "studio.toml",
            "roles.yaml",
            "style/style.yaml",
            "sections/opening.md",
        ])
        .filter(|p| dir.join(p).exists())
        .collect();
    if !collisions.is_empty() {
        return Err(SetupError::WouldOverwrite {
            dir: dir.to_path_buf(),
            files: collisions.iter().map(|c| c.to_string()).collect(),
        }
        .into());
    }

    Ok(())
}

/// Adds the GitHub Actions workflow: on pushes to cold the decision of `merge` and the
/// server hook, on everything else the gatecheck of the exact commit.
fn add_github_workflow(files: &mut Vec<(String, Vec<u8>)>) {
    let path = ".github/workflows/showrunner.yml".to_string();
    let config = files
        .iter()
        .find(|(p, _)| p == "studio.toml")
        .and_then(|(_, b)| {
            crate::artifact::parse(crate::artifact::Kind::Studio, "studio.toml", b).ok()
        })
        .map(|a| crate::studio::Config::from_node(&a.data))
        .unwrap_or_default();
    let text = include_str!("../../templates/ci/github.yml")
        .replace("{version}", env!("CARGO_PKG_VERSION"))
        .replace("{hot}", &config.hot)
        .replace("{cold}", &config.cold);
    files.push((path, text.into_bytes()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
}

/// Commits the studio's files, writes them, points `hot` and `cold` at the commit
/// (compare-and-swap: neither may exist) and checks `hot` out; undoes the files when a
/// step fails.
fn write_studio(
    repo: &Repo,
    dir: &Path,
    files: &[(String, Vec<u8>)],
    who: &crate::git::Identity,
    created_repo: bool,
    hooks_exe: Option<&Path>,
) -> Result<Initialized, Error> {
    let io = |path: &Path, e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let parent = repo.head_commit()?;
    let message = "Open the studio\n\nCreated by `showrunner init`: studio.toml, the role roster, the house\nstyle and the artifact folders. `hot` and `cold` start here.\n";
    let commit = repo.commit_files(parent.as_deref(), files, message, who)?;
    let mut written: Vec<PathBuf> = Vec::new();
    let write_all = |written: &mut Vec<PathBuf>| -> Result<(), Error> {
        for (p, bytes) in files {
            let target = dir.join(p);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            }
            std::fs::write(&target, bytes).map_err(|e| io(&target, e))?;
            written.push(target);
        }
        Ok(())
    };
    let undo_files = |written: &[PathBuf]| {
        for w in written {
            let _ = std::fs::remove_file(w);
        }
    };
    if let Err(e) = write_all(&mut written) {
        undo_files(&written);
        return Err(e);
    }
    let log = "showrunner init: open the studio";
    let hot = RefName::branch("hot");
    if let Err(e) = repo.cas_ref(&hot, &commit, Expect::Absent, log) {
        undo_files(&written);
        return Err(e.into());
    }
    if let Err(e) = repo.cas_ref(&RefName::branch("cold"), &commit, Expect::Absent, log) {
        let _ = repo.delete_ref_if(&hot, &commit);
        undo_files(&written);
        return Err(e.into());
    }
    let paths: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
    repo.checkout_branch_with(&hot, &paths)?;
    if let Some(exe) = hooks_exe {
        crate::app::hooks::install(&crate::app::Session::new(Repo::discover(dir)?), exe, false)?;
    }
    Ok(Initialized {
        dir: dir.to_path_buf(),
        commit,
        files: paths,
        created_repo,
        hot: "hot".into(),
        cold: "cold".into(),
    })
}
