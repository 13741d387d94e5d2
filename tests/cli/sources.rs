//! Loading a studio from a commit's tree and from the work tree gives the same result.

use proptest::prelude::*;
use showrunner::git::Repo;
use showrunner::studio::{Studio, Tree, WorkDir};

use crate::harness::Sandbox;

/// One generated file: a path and its bytes, good or broken.
fn file() -> impl Strategy<Value = (String, Vec<u8>)> {
    let id = "[a-z][a-z0-9-]{0,8}";
    let text = "[A-Za-z ,.']{0,40}";
    prop_oneof![
        // a section, sometimes with a mismatched id, CRLF endings or a BOM
        (
            id,
            id,
            text,
            any::<bool>(),
            any::<bool>(),
            proptest::collection::vec(id, 0..3)
        )
            .prop_map(|(stem, id, title, crlf, bom, targets)| {
                let mut s = format!("---\nid: {id}\ntitle: \"{title}\"\n");
                if targets.is_empty() {
                    s.push_str("flags: [terminal]\n");
                } else {
                    s.push_str("choices:\n");
                    for t in targets {
                        s.push_str(&format!("  - label: Go to {t}\n    to: {t}\n"));
                    }
                }
                s.push_str(&format!("---\n{title}\n"));
                if crlf {
                    s = s.replace('\n', "\r\n");
                }
                if bom {
                    s.insert(0, '\u{feff}');
                }
                (format!("sections/{stem}.md"), s.into_bytes())
            }),
        // a codex entry
        (id, text).prop_map(|(id, body)| (
            format!("codex/{id}.md"),
            format!("---\nid: {id}\ntitle: T\n---\n{body}\n").into_bytes()
        )),
        // broken YAML in a hook card
        (1u8..99, text).prop_map(|(n, junk)| (
            format!("hooks/HK-20261126-{n:02}.yaml"),
            format!("id: HK-20261126-{n:02}\ntitle: [{junk}\n").into_bytes()
        )),
        // a file that is not an artifact
        id.prop_map(|id| (format!("art/{id}.txt"), b"notes".to_vec())),
        // something showrunner ignores
        id.prop_map(|id| (format!("assets/{id}.bin"), vec![0, 159, 146, 150])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn tree_and_work_tree_load_the_same_studio(files in proptest::collection::btree_map("[a-z]{1,6}", file(), 1..12)) {
        let s = Sandbox::new();
        let root = s.join("studio");
        std::fs::create_dir_all(&root).expect("mkdir");
        std::fs::write(root.join("studio.toml"), "[studio]\ntitle = \"P\"\nauthor = \"A\"\nlanguage = \"en\"\nlicense = \"x\"\nstart = \"a\"\n").expect("write");
        for (path, bytes) in files.values() {
            let target = root.join(path);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::write(&target, bytes).expect("write");
        }
        s.git("studio", &["init", "-q", "-b", "hot"]);
        s.git("studio", &["-c", "core.autocrlf=false", "add", "-A"]);
        s.git("studio", &["commit", "-q", "-m", "generated"]);

        let repo = Repo::discover(&root).expect("repo");
        let from_tree = Studio::load(&Tree::new(&repo, "hot").expect("rev")).expect("tree load");
        let from_disk = Studio::load(&WorkDir::new(&root)).expect("disk load");
        prop_assert_eq!(&from_tree.artifacts, &from_disk.artifacts);
        prop_assert_eq!(&from_tree.rejected, &from_disk.rejected);
        prop_assert_eq!(&from_tree.unknown, &from_disk.unknown);
        prop_assert_eq!(&from_tree.config, &from_disk.config);
        let gate_tree = showrunner::gate::check(&from_tree);
        let gate_disk = showrunner::gate::check(&from_disk);
        prop_assert_eq!(gate_tree, gate_disk);
    }
}
