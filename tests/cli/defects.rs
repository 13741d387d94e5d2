//! Every `fixtures/defects/<case>/` studio yields exactly the findings its `expect.yaml`
//! lists (code, path, line) — nothing missing and nothing else — from git objects and
//! from the work tree alike.

use std::path::Path;

use showrunner::artifact::node::Node;

use crate::harness::{FIXTURES, Sandbox, copy_dir};

struct Expected {
    decision: String,
    remove: Vec<String>,
    findings: Vec<(String, String, u64)>,
}

fn expected(case: &Path) -> Expected {
    let text = std::fs::read_to_string(case.join("expect.yaml")).expect("expect.yaml");
    let doc = showrunner::artifact::yaml::parse(&text)
        .unwrap_or_else(|e| panic!("{}: {e:?}", case.display()));
    let strs = |n: Option<&Node>| -> Vec<String> {
        n.and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect()
    };
    let findings = doc
        .get("findings")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|f| {
            let line = match f.get("line").map(|l| &l.value) {
                Some(showrunner::artifact::node::Value::Int(i)) => *i as u64,
                _ => panic!("{}: finding without line", case.display()),
            };
            (
                f.str_at("code").expect("code").to_string(),
                f.str_at("path").expect("path").to_string(),
                line,
            )
        })
        .collect();
    Expected {
        decision: doc.str_at("decision").expect("decision").to_string(),
        remove: strs(doc.get("remove")),
        findings,
    }
}

fn found(json: &serde_json::Value) -> Vec<(String, String, u64)> {
    json["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect()
}

#[test]
fn minimal_fixture_passes() {
    let s = Sandbox::new();
    s.copy_fixture("minimal", "studio");
    s.commit_all("studio");
    let r = s.run_in("studio", &["gate", "check", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["decision"], "pass");
    assert_eq!(r.json()["findings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn every_defect_fixture_reports_its_expected_findings() {
    let root = Path::new(FIXTURES).join("defects");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("defects")
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "defect corpus present");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let exp = expected(case);
        assert!(
            !exp.findings.is_empty() || exp.decision == "pass",
            "{name}: names what it must find"
        );
        let s = Sandbox::new();
        s.copy_fixture("minimal", "studio");
        for r in &exp.remove {
            std::fs::remove_file(s.join("studio").join(r))
                .unwrap_or_else(|e| panic!("{name}: remove {r}: {e}"));
        }
        copy_dir(case, &s.join("studio"));
        std::fs::remove_file(s.join("studio/expect.yaml")).expect("drop expect.yaml");
        s.commit_all("studio");
        for (how, args) in [
            ("gate check", vec!["gate", "check", "--format", "json"]),
            ("check", vec!["check", "--format", "json"]),
        ] {
            let r = s.run_in("studio", &args);
            let json = r.json();
            let want_code = if exp.decision == "block" { 1 } else { 0 };
            if json["decision"] != exp.decision.as_str() || r.code != want_code {
                failures.push(format!(
                    "{name} ({how}): decision {} exit {}, expected {}",
                    json["decision"], r.code, exp.decision
                ));
            }
            let mut got = found(&json);
            got.sort();
            let mut want = exp.findings.clone();
            want.sort();
            if got != want {
                failures.push(format!(
                    "{name} ({how}): expected exactly {want:?}\n      got {got:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
