//! Hermetic sandboxes: a temp dir, no global git config, fixed identities and dates.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_showrunner");
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");

/// The run, when it succeeded (exit 0); otherwise the test fails showing it.
pub fn ok(r: Run) -> Run {
    assert_eq!(r.code, 0, "{r:?}");
    r
}

/// A refusal with exit 2 whose message says `says` and suggests `near` (`did you mean
/// `…`?`), or suggests nothing when `near` is `None`.
pub fn refused_suggesting(r: &Run, says: &str, near: Option<&str>) {
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains(says), "{}", r.stderr);
    match near {
        Some(n) => assert!(
            r.stderr.contains(&format!("did you mean `{n}`?")),
            "{}",
            r.stderr
        ),
        None => assert!(!r.stderr.contains("did you mean"), "{}", r.stderr),
    }
}

/// A finished command.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The codes of the findings a `--format json` gate check printed, in order.
    pub fn finding_codes(&self) -> Vec<String> {
        self.json()["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["code"].as_str().expect("code").to_string())
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

pub struct Sandbox {
    dir: tempfile::TempDir,
}

fn hermetic(cmd: &mut Command, home: &Path) {
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_AUTHOR_NAME", "Ada Author")
        .env("GIT_AUTHOR_EMAIL", "ada@example.invalid")
        .env("GIT_AUTHOR_DATE", "2026-11-26T12:00:00Z")
        .env("GIT_COMMITTER_NAME", "Ada Author")
        .env("GIT_COMMITTER_EMAIL", "ada@example.invalid")
        .env("GIT_COMMITTER_DATE", "2026-11-26T12:00:00Z")
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("showrunner-test")
            .tempdir()
            .expect("tempdir");
        std::fs::create_dir_all(dir.path().join("home")).expect("home");
        Sandbox { dir }
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Runs `program` in `cwd` (relative to the sandbox), hermetically, with extra
    /// environment variables.
    fn exec(&self, program: &str, cwd: &str, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = Command::new(program);
        hermetic(&mut cmd, &self.join("home"));
        let out = cmd
            .envs(env.iter().copied())
            .args(args)
            .current_dir(self.join(cwd))
            .output()
            .unwrap_or_else(|e| panic!("run {program}: {e}"));
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs any program in `cwd` with extra environment (a moved binary, a narrowed PATH).
    pub fn exec_env(&self, program: &str, cwd: &str, env: &[(&str, &str)], args: &[&str]) -> Run {
        self.exec(program, cwd, env, args)
    }

    /// Starts showrunner in `cwd`, hermetically, without waiting (its output piped): for
    /// tests that race or kill it.
    pub fn spawn_in(&self, cwd: &str, args: &[&str]) -> std::process::Child {
        let mut cmd = Command::new(BIN);
        hermetic(&mut cmd, &self.join("home"));
        cmd.args(args)
            .current_dir(self.join(cwd))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start showrunner: {e}"))
    }

    /// Runs showrunner in `cwd`, hermetically, with `input` on its standard input.
    pub fn run_with_stdin(&self, cwd: &str, args: &[&str], input: &[u8]) -> Run {
        use std::io::Write as _;
        let mut child = self.spawn_in(cwd, args);
        // A command may stop reading early; what it did is in its output.
        let _ = child.stdin.take().expect("stdin").write_all(input);
        let out = child.wait_with_output().expect("wait");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Moves `cold` of the studio at `rel` to `to` with plain git, its hooks bypassed
    /// (a test's set-up, not the guarded move).
    pub fn move_cold(&self, rel: &str, to: &str) {
        self.git(
            rel,
            &[
                "-c",
                "core.hooksPath=/dev/null",
                "update-ref",
                "refs/heads/cold",
                to,
            ],
        );
    }

    /// Runs showrunner in `cwd` (relative to the sandbox).
    pub fn run_in(&self, cwd: &str, args: &[&str]) -> Run {
        self.exec(BIN, cwd, &[], args)
    }

    /// Opens a TU of `loop_id` titled `title` in the studio at `cwd` (with `extra`
    /// arguments) and returns its id.
    pub fn open_tu_in(&self, cwd: &str, loop_id: &str, title: &str, extra: &[&str]) -> String {
        let mut args = vec![
            "tu", "open", "--loop", loop_id, "--title", title, "--format", "json",
        ];
        args.extend_from_slice(extra);
        ok(self.run_in(cwd, &args)).json()["id"]
            .as_str()
            .expect("id")
            .to_string()
    }

    /// [`Sandbox::open_tu_in`] for a scene_forge TU in the studio `book`.
    pub fn open_tu_with(&self, title: &str, extra: &[&str]) -> String {
        self.open_tu_in("book", "scene_forge", title, extra)
    }

    /// Opens a scene_forge TU titled `title` in the studio `book` and returns its id.
    pub fn open_tu(&self, title: &str) -> String {
        self.open_tu_with(title, &[])
    }

    /// The `tu checkpoint` arguments that record every required step of the TU's loop
    /// done before the gate and not recorded yet (`tu` empty: the active TU), as the roles
    /// would before submitting; `None` when all are recorded.
    pub fn steps_checkpoint(&self, cwd: &str, tu: &str) -> Option<Vec<String>> {
        let mut args = vec!["loop", "status", "--format", "json"];
        if !tu.is_empty() {
            args.insert(2, tu);
        }
        let st = ok(self.run_in(cwd, &args)).json();
        let missing: Vec<String> = st["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter(|s| s["done"] == false && s["optional"] == false && s["when"] == "work")
            .map(|s| s["id"].as_str().expect("id").to_string())
            .collect();
        if missing.is_empty() {
            return None;
        }
        let id = st["tu"].as_str().expect("tu").to_string();
        let mut out: Vec<String> = ["tu", "checkpoint", &id, "-m", "Steps of the loop done"]
            .map(str::to_string)
            .to_vec();
        for m in missing {
            out.push("--step".into());
            out.push(m);
        }
        Some(out)
    }

    /// Records the steps [`Sandbox::steps_checkpoint`] names, in `cwd`.
    pub fn record_steps_in(&self, cwd: &str, tu: &str) {
        if let Some(args) = self.steps_checkpoint(cwd, tu) {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            ok(self.run_in(cwd, &args));
        }
    }

    /// [`Sandbox::record_steps_in`] in the studio `book`.
    pub fn record_steps(&self, tu: &str) {
        self.record_steps_in("book", tu)
    }

    /// Runs showrunner in `cwd` as if at `date` (ISO 8601): commits, tags and reflog
    /// entries carry that time (a scripted history).
    pub fn run_at(&self, cwd: &str, date: &str, args: &[&str]) -> Run {
        self.exec(
            BIN,
            cwd,
            &[("GIT_AUTHOR_DATE", date), ("GIT_COMMITTER_DATE", date)],
            args,
        )
    }

    /// Runs showrunner in `cwd` with extra environment variables.
    pub fn run_env(&self, cwd: &str, env: &[(&str, &str)], args: &[&str]) -> Run {
        self.exec(BIN, cwd, env, args)
    }

    /// Runs showrunner at the sandbox root.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in("", args)
    }

    /// Runs git in `cwd` and returns its stdout; panics when git fails.
    pub fn git(&self, cwd: &str, args: &[&str]) -> String {
        let r = self.git_status(cwd, args);
        assert_eq!(r.code, 0, "git {args:?} failed: {}", r.stderr);
        r.stdout.trim_end().to_string()
    }

    /// Runs git in `cwd` and returns whatever happened (for commands expected to fail).
    pub fn git_status(&self, cwd: &str, args: &[&str]) -> Run {
        self.exec("git", cwd, &[], args)
    }

    /// Copies a fixture folder into the sandbox at `to`.
    pub fn copy_fixture(&self, fixture: &str, to: &str) {
        copy_dir(&Path::new(FIXTURES).join(fixture), &self.join(to));
    }

    /// Makes `rel` a git repository whose `hot` branch (checked out) commits every file.
    pub fn commit_all(&self, rel: &str) -> String {
        if !self.join(rel).join(".git").exists() {
            self.git(rel, &["init", "-q", "-b", "hot"]);
        }
        self.git(rel, &["add", "-A"]);
        self.git(rel, &["commit", "-q", "--allow-empty", "-m", "fixture"]);
        self.git(rel, &["rev-parse", "HEAD"])
    }

    /// Every file under `rel` with its bytes (for nothing-changed assertions), `.git` included.
    pub fn snapshot(&self, rel: &str) -> Vec<(String, Vec<u8>)> {
        let root = self.join(rel);
        let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&root)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&root)
                    .expect("under root")
                    .to_string_lossy()
                    .into_owned();
                (rel, std::fs::read(e.path()).expect("read"))
            })
            .collect();
        out.sort();
        out
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).expect("under");
        let target = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// Every file under `root` but git's, by path with `/`.
pub fn files_under(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).expect("under");
            (
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

/// Runs a client script of the second tier (`tests/<script>`) on the sample studio made
/// by `init --from-sample`, as `python3 <script> <showrunner> <studio>`, and returns what
/// it printed; the test fails loudly when Python or the package (`module`, installed by
/// `pip`) is missing, and when the script fails.
pub fn python_client(script: &str, modules: &[&str], pip: &str) -> String {
    let s = Sandbox::new();
    ok(s.run(&["init", "book", "--from-sample"]));
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(script);
    let out = Command::new("python3")
        .arg(&script)
        .arg(BIN)
        .arg(s.join("book"))
        .env("HOME", s.join("home"))
        .output()
        .unwrap_or_else(|e| {
            panic!("python3 ({e}): this test needs Python 3 with `{pip}`; .ci/run installs it")
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for m in modules {
        assert!(
            !text.contains(&format!("No module named '{m}'")),
            "{m} is not installed ({pip}; .ci/run installs it):\n{text}"
        );
    }
    assert!(out.status.success(), "{text}");
    text
}
