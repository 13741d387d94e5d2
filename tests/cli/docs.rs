//! `completions` and `man`: generated from the command-line definition, and well-formed.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::harness::Sandbox;

/// The visible commands, as `showrunner --help` lists them.
fn commands(sb: &Sandbox) -> Vec<String> {
    let help = sb.run(&["--help"]);
    assert_eq!(help.code, 0, "{}", help.stderr);
    help.stdout
        .split("Commands:")
        .nth(1)
        .expect("a Commands section")
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect()
}

/// Feeds `input` to a program; its exit status, stdout and stderr.
fn pipe(program: &str, args: &[&str], input: &str) -> (bool, String, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program} (.ci/run installs it): {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[ignore = "second tier: needs groff (.ci/run installs it and runs `cargo test -- --ignored`)"]
fn the_man_page_is_well_formed_roff_listing_every_command() {
    let sb = Sandbox::new();
    let names = commands(&sb);
    assert!(names.len() >= 14, "{names:?}");
    let page = sb.run(&["man"]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(page.stdout.contains(".TH showrunner 1"), "{}", page.stdout);
    // groff in warning mode: any malformed request is reported on stderr.
    let (ok, text, warnings) = pipe("groff", &["-man", "-Tutf8", "-ww", "-z"], &page.stdout);
    assert!(ok && warnings.is_empty(), "groff: {warnings}");
    let (ok, text_out, _) = pipe("groff", &["-man", "-Tutf8"], &page.stdout);
    assert!(ok && text.is_empty());
    let plain: String = text_out.replace('\u{8}', "");
    for name in &names {
        assert!(
            plain.contains(&format!("showrunner-{name}(1)")),
            "{name} missing from the man page"
        );
    }
    // `hook` is documented for its cards; the git hooks it runs for installed stubs are
    // internal and stay out.
    assert!(plain.contains("showrunner-hook(1)"), "{plain}");
    assert!(
        !plain.contains("Guard pushes received by a shared bare repository"),
        "{plain}"
    );

    let tu = sb.run(&["man", "tu"]);
    assert_eq!(tu.code, 0, "{}", tu.stderr);
    assert!(tu.stdout.contains(".TH showrunner-tu 1"), "{}", tu.stdout);
    let unknown = sb.run(&["man", "nope"]);
    assert_eq!(unknown.code, 2, "{unknown:?}");
    assert!(
        unknown
            .stderr
            .contains("`nope` is not a showrunner command")
    );
    assert!(unknown.stdout.is_empty());
}

#[test]
fn the_man_page_names_every_command_and_refuses_an_unknown_one() {
    let sb = Sandbox::new();
    let page = sb.run(&["man"]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(page.stdout.contains(".TH showrunner 1"), "{}", page.stdout);
    for name in commands(&sb) {
        assert!(
            page.stdout.contains(&format!("showrunner\\-{name}"))
                || page.stdout.contains(&format!("showrunner-{name}")),
            "{name} missing from the man page"
        );
    }
    let unknown = sb.run(&["man", "nope"]);
    assert_eq!(unknown.code, 2, "{unknown:?}");
    assert!(unknown.stdout.is_empty());
}

#[test]
fn bash_completions_parse_and_complete_every_command() {
    let sb = Sandbox::new();
    let script = sb.run(&["completions", "bash"]);
    assert_eq!(script.code, 0, "{}", script.stderr);
    // Load the script into bash and ask it to complete `showrunner <TAB>` and
    // `showrunner tu <TAB>`, as the shell would.
    let driver = format!(
        "{}\n\
         COMP_WORDS=(showrunner ''); COMP_CWORD=1; COMP_LINE='showrunner '; COMP_POINT=11\n\
         _showrunner showrunner '' showrunner; echo \"TOP ${{COMPREPLY[*]}}\"\n\
         COMP_WORDS=(showrunner tu ''); COMP_CWORD=2; COMP_LINE='showrunner tu '; COMP_POINT=14\n\
         _showrunner showrunner '' tu; echo \"TU ${{COMPREPLY[*]}}\"\n",
        script.stdout
    );
    let (ok, out, err) = pipe("bash", &["--norc", "--noprofile", "-s"], &driver);
    assert!(ok, "bash: {err}");
    let top = out
        .lines()
        .find(|l| l.starts_with("TOP "))
        .expect("TOP line");
    let offered: Vec<&str> = top.split_whitespace().collect();
    for name in commands(&sb) {
        assert!(
            offered.contains(&name.as_str()),
            "{name} not offered: {top}"
        );
    }
    // (clap_complete's bash script also offers the hidden `hook` entry point; harmless.)
    let tu = out.lines().find(|l| l.starts_with("TU ")).expect("TU line");
    for sub in ["open", "checkpoint", "close", "list", "show"] {
        assert!(tu.split_whitespace().any(|w| w == sub), "{sub}: {tu}");
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let s = sb.run(&["completions", shell]);
        assert_eq!(s.code, 0, "{shell}: {}", s.stderr);
        assert!(s.stdout.contains("showrunner"), "{shell}");
    }
}
