//! The embedded JSON Schemas against `fixtures/schemas/<kind>/`: every valid example
//! passes, every invalid one fails at the instance path its `# expect:` line names.

use std::path::Path;

use showrunner::artifact::{self, Kind};
use showrunner::schema::{self, Schemas};

use crate::harness::FIXTURES;

fn expectation(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("# expect:"))
        .unwrap_or_else(|| panic!("no `# expect:` line in:\n{text}"));
    line.trim_start()
        .trim_start_matches("# expect:")
        .trim()
        .trim_matches('"')
        .to_string()
}

#[test]
fn every_kind_has_examples_that_behave_as_expected() {
    let schemas = Schemas::default();
    let mut failures = Vec::new();
    for kind in Kind::ALL {
        let dir = Path::new(FIXTURES).join("schemas").join(kind.name());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        let (mut valid, mut invalid) = (0, 0);
        for file in files {
            let name = file
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&file).expect("read");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let expect = expectation(&text);
            let art = match artifact::parse(kind, &format!("{}/{name}", kind.name()), &bytes) {
                Ok(a) => a,
                Err(r) => {
                    failures.push(format!(
                        "{kind}/{name}: does not parse: {} (line {})",
                        r.message, r.line
                    ));
                    continue;
                }
            };
            let violations = schemas.validate(&art).expect("schema compiles");
            if expect == "valid" {
                valid += 1;
                if !violations.is_empty() {
                    failures.push(format!("{kind}/{name}: expected valid, got {violations:?}"));
                }
            } else {
                invalid += 1;
                if !violations.iter().any(|v| v.pointer == expect) {
                    failures.push(format!(
                        "{kind}/{name}: expected a violation at {expect:?}, got {violations:?}"
                    ));
                }
                if let Some(v) = violations.iter().find(|v| v.pointer == expect)
                    && v.line == 0
                {
                    failures.push(format!("{kind}/{name}: violation has no line"));
                }
            }
        }
        if valid < 1 || invalid < 2 {
            failures.push(format!(
                "{kind}: needs at least 1 valid and 2 invalid examples ({valid}/{invalid})"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const APPLICATORS: [&str; 7] = ["if", "then", "else", "anyOf", "oneOf", "allOf", "not"];

fn walk_properties(kind: Kind, at: &str, v: &serde_json::Value, missing: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::Object(props)) = m.get("properties") {
                for (name, p) in props {
                    let has = p
                        .get("description")
                        .and_then(|d| d.as_str())
                        .is_some_and(|d| d.len() > 10);
                    if !has {
                        missing.push(format!("{kind}: {at}/properties/{name}"));
                    }
                }
            }
            // Applicators (`if`, `anyOf`, …) only constrain properties declared elsewhere.
            for (k, child) in m.iter().filter(|(k, _)| !APPLICATORS.contains(&k.as_str())) {
                walk_properties(kind, &format!("{at}/{k}"), child, missing);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk_properties(kind, &format!("{at}/{i}"), child, missing);
            }
        }
        _ => {}
    }
}

#[test]
fn every_schema_property_has_hover_help_and_a_stable_id() {
    let mut missing = Vec::new();
    for kind in Kind::ALL {
        let doc: serde_json::Value =
            serde_json::from_str(schema::embedded_source(kind)).expect("json");
        assert_eq!(
            doc["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{kind}"
        );
        assert_eq!(
            doc["$id"],
            format!(
                "https://showrunner.dev/schemas/v1/{}.schema.json",
                kind.name()
            )
        );
        assert!(
            doc["title"].is_string() && doc["description"].is_string(),
            "{kind}"
        );
        walk_properties(kind, "", &doc, &mut missing);
    }
    assert!(
        missing.is_empty(),
        "properties without a description:\n{}",
        missing.join("\n")
    );
}

#[test]
fn repository_schemas_folder_is_what_the_binary_embeds() {
    for kind in Kind::ALL {
        let on_disk = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("schemas")
                .join(format!("{}.schema.json", kind.name())),
        )
        .expect("schema file");
        assert_eq!(on_disk, schema::embedded_source(kind), "{kind}");
    }
}
