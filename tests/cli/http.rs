//! A real server: the shared repository served over git's smart HTTP protocol by
//! `git http-backend` under lighttpd on a loopback port, its `pre-receive` hook guarding
//! cold. Second tier: they need lighttpd, so `cargo test` leaves them out and `.ci/run`
//! installs it and runs them (`cargo test -- --ignored`); without it they fail, loudly.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{BIN, Sandbox, ok};

/// lighttpd serving `<sandbox>/srv` at `http://127.0.0.1:<port>/git/`; stopped on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const BACKEND: &str = "/usr/lib/git-core/git-http-backend";

fn lighttpd() -> String {
    ["/usr/sbin/lighttpd", "/usr/bin/lighttpd"]
        .iter()
        .find(|p| Path::new(p).is_file())
        .map(|p| p.to_string())
        .unwrap_or_else(|| {
            panic!("lighttpd is not installed: the HTTP server tests need it (apt-get install lighttpd; .ci/run does)")
        })
}

impl Server {
    fn start(s: &Sandbox) -> Server {
        assert!(
            Path::new(BACKEND).is_file(),
            "git http-backend is missing at {BACKEND}"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let root = s.join("srv");
        let conf = s.join("lighttpd.conf");
        std::fs::write(
            &conf,
            format!(
                "server.document-root = \"{root}\"\n\
                 server.bind = \"127.0.0.1\"\n\
                 server.port = {port}\n\
                 server.errorlog = \"{log}\"\n\
                 server.modules = (\"mod_alias\", \"mod_cgi\", \"mod_setenv\")\n\
                 alias.url = (\"/git/\" => \"{BACKEND}/\")\n\
                 $HTTP[\"url\"] =~ \"^/git/\" {{\n\
                   cgi.assign = (\"\" => \"\")\n\
                   setenv.add-environment = (\"GIT_PROJECT_ROOT\" => \"{root}\", \"GIT_HTTP_EXPORT_ALL\" => \"1\", \"REMOTE_USER\" => \"studio\", \"PATH\" => \"{path}\")\n\
                 }}\n",
                root = root.display(),
                log = s.join("lighttpd.log").display(),
                path = std::env::var("PATH").unwrap_or_default(),
            ),
        )
        .expect("config");
        let child = Command::new(lighttpd())
            .args(["-D", "-f"])
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start lighttpd");
        let server = Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "lighttpd did not listen on {port}: {}",
                std::fs::read_to_string(s.join("lighttpd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn url(&self, repo: &str) -> String {
        format!("http://127.0.0.1:{}/git/{repo}", self.port)
    }
}

/// The sample studio, its bare copy under `srv/` guarded by the server hook (which runs
/// this build's binary), served over HTTP.
fn shared(s: &Sandbox) -> Server {
    ok(s.run(&["init", "book", "--from-sample"]));
    std::fs::create_dir_all(s.join("srv")).expect("srv");
    s.git("", &["clone", "-q", "--bare", "book", "srv/shared.git"]);
    ok(s.run_in("srv/shared.git", &["hooks", "install", "--server"]));
    s.git("srv/shared.git", &["config", "showrunner.path", BIN]);
    s.git("srv/shared.git", &["config", "http.receivepack", "true"]);
    Server::start(s)
}

/// Opens a TU in a clone, appends to a section, commits and submits.
fn submitted(s: &Sandbox, clone: &str, file: &str, line: &str) -> String {
    let id = s.open_tu_in(clone, "scene_forge", line, &[]);
    let path = s.join(clone).join(file);
    std::fs::write(&path, std::fs::read_to_string(&path).expect("read") + line).expect("write");
    ok(s.run_in(clone, &["tu", "checkpoint", &id, "-a", "-m", line.trim()]));
    s.record_steps_in(clone, &id);
    ok(s.run_in(clone, &["gate", "submit", "--tu", &id]));
    id
}

#[test]
#[ignore = "second tier: needs lighttpd (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn pushes_over_http_are_judged_by_the_servers_hook() {
    let s = Sandbox::new();
    let server = shared(&s);
    let url = server.url("shared.git");
    s.git("", &["clone", "-q", &url, "a"]);
    s.git("a", &["switch", "-q", "-c", "cold", "origin/cold"]);
    s.git("a", &["switch", "-q", "hot"]);
    // A failing tree pushed to cold over HTTP: refused, the findings in the push output.
    let bell = s.join("a/sections/dusk-bell.md");
    std::fs::write(
        &bell,
        std::fs::read_to_string(&bell).expect("r") + "\nTODO: finish\n",
    )
    .expect("w");
    s.git("a", &["commit", "-q", "--no-verify", "-am", "broken"]);
    let r = s.git_status("a", &["push", "--no-verify", "origin", "hot", "hot:cold"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains("remote: error: push to refs/heads/cold refused")
            && r.stderr.contains("presentation/draft-marker"),
        "{}",
        r.stderr
    );
    let server_cold = s.git("srv/shared.git", &["rev-parse", "cold"]);
    assert_ne!(server_cold, s.git("a", &["rev-parse", "hot"]));
    // A promoted TU and a snapshot of it: cold, hot and the annotated tag all arrive.
    s.git("a", &["reset", "-q", "--hard", "origin/hot"]);
    submitted(&s, "a", "sections/dusk-bell.md", "\nThe bell rings once.\n");
    ok(s.run_in("a", &["merge"]));
    ok(s.run_in("a", &["snapshot", "--name", "cold-http-1"]));
    let r = s.git_status("a", &["push", "origin", "hot", "cold", "cold-http-1"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        s.git("srv/shared.git", &["rev-parse", "cold"]),
        s.git("a", &["rev-parse", "cold"])
    );
    assert_eq!(
        s.git("srv/shared.git", &["rev-parse", "cold-http-1^{commit}"]),
        s.git("a", &["rev-parse", "cold"])
    );
    // A tag dressed as a snapshot of a commit cold does not hold: refused.
    s.git(
        "a",
        &[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            "off cold",
        ],
    );
    let message = "Snapshot cold-http-2\n\nShowrunner-Snapshot: 1\n";
    s.git("a", &["tag", "-a", "cold-http-2", "-m", message, "hot"]);
    let r = s.git_status("a", &["push", "--no-verify", "origin", "cold-http-2"]);
    assert_ne!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("cold-http-2"), "{}", r.stderr);
    s.git("srv/shared.git", &["fsck", "--strict"]);
}

#[test]
#[ignore = "second tier: needs lighttpd (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn two_clones_pushing_at_once_leave_one_green_cold() {
    let s = Sandbox::new();
    let server = shared(&s);
    let url = server.url("shared.git");
    for (clone, file, line) in [
        ("a", "sections/dusk-bell.md", "\nThe bell rings once.\n"),
        (
            "b",
            "sections/canal-market.md",
            "\nGulls over the stalls.\n",
        ),
    ] {
        s.git("", &["clone", "-q", &url, clone]);
        submitted(&s, clone, file, line);
        ok(s.run_in(clone, &["merge"]));
    }
    // Both push hot and cold at the same moment, each all or nothing.
    let push = |clone: &str| {
        let mut cmd = Command::new("git");
        cmd.args(["push", "--atomic", "origin", "hot", "cold"])
            .current_dir(s.join(clone))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", s.join("home"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd.spawn().expect("push")
    };
    let (a, b) = (push("a"), push("b"));
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    let won: Vec<&str> = [("a", &a), ("b", &b)]
        .iter()
        .filter(|(_, o)| o.status.success())
        .map(|(c, _)| *c)
        .collect();
    assert_eq!(
        won.len(),
        1,
        "exactly one push wins: a {:?} / b {:?}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    let winner = won[0];
    assert_eq!(
        s.git("srv/shared.git", &["rev-parse", "cold"]),
        s.git(winner, &["rev-parse", "cold"])
    );
    assert_eq!(
        s.git("srv/shared.git", &["rev-parse", "hot"]),
        s.git(winner, &["rev-parse", "hot"])
    );
    s.git(
        "srv/shared.git",
        &["merge-base", "--is-ancestor", "cold", "hot"],
    );
    ok(s.run_in("srv/shared.git", &["gate", "check", "--rev", "cold"]));
    s.git("srv/shared.git", &["fsck", "--strict"]);
}
