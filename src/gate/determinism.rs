//! The determinism bar: assets promised reproducible record how they were made, asset
//! files exist, and they match the hashes their plans recorded.

use super::Finding;
use super::context::{Context, finding};
use crate::artifact::Kind;
use crate::artifact::node::Value;

/// Runs the bar.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in cx.of(Kind::Art).chain(cx.of(Kind::Audio)) {
        let d = &a.data;
        let owner = a.kind.owner();
        let line = |key: &str| d.entry(key).map(|e| e.key_line).unwrap_or(d.line);
        let done = d.str_at("status") == Some("done");
        let deterministic = matches!(
            d.get("deterministic").map(|n| &n.value),
            Some(Value::Bool(true))
        );
        let has_params =
            matches!(d.get("params").map(|n| &n.value), Some(Value::Map(m)) if !m.is_empty());
        if deterministic && done && !has_params {
            out.push(finding(
                "determinism/missing-params",
                &a.path,
                line("deterministic"),
                owner,
                "a finished reproducible asset records no `params`".into(),
                "add `params:` with everything needed to make it again (tool, version, settings)"
                    .into(),
            ));
        }
        match d.str_at("asset") {
            Some(asset) => match cx.studio.assets.get(asset) {
                Some(Some(actual)) => {
                    if let Some(recorded) = d.str_at("sha256")
                        && !recorded.eq_ignore_ascii_case(actual)
                    {
                        out.push(finding(
                            "determinism/hash-mismatch",
                            &a.path,
                            line("sha256"),
                            owner,
                            format!("{asset} has SHA-256 {actual}, not the recorded {recorded}"),
                            "re-record `sha256` if the change is intended, or restore the file"
                                .into(),
                        ));
                    }
                }
                _ => out.push(finding(
                    "determinism/missing-asset",
                    &a.path,
                    line("asset"),
                    owner,
                    format!("asset {asset} is not in the tree"),
                    "commit the file under assets/, or fix the path".into(),
                )),
            },
            None if done => {
                out.push(finding(
                    "determinism/missing-asset",
                    &a.path,
                    line("status"),
                    owner,
                    "the plan is done but names no `asset`".into(),
                    "add `asset: assets/<file>` (and its `sha256`), or set the status back".into(),
                ));
            }
            None => {}
        }
    }
    for a in cx.of(Kind::Section).chain(cx.of(Kind::Codex)) {
        let (Some(body), Some(prose)) = (&a.body, cx.prose.get(a.path.as_str())) else {
            continue;
        };
        for img in prose
            .images
            .iter()
            .filter(|i| i.dest.starts_with("assets/"))
        {
            if !matches!(cx.studio.assets.get(&img.dest), Some(Some(_))) {
                out.push(finding(
                    "determinism/missing-asset",
                    &a.path,
                    super::text::line_at(&body.text, body.line, img.offset),
                    "art_director",
                    format!("image {} is not in the tree", img.dest),
                    "commit the file under assets/, or fix the path".into(),
                ));
            }
        }
    }
    if let Some(cfg) = cx.of(Kind::Studio).next()
        && let Some(cover) = cfg.data.get("studio").and_then(|s| s.str_at("cover"))
        && !matches!(cx.studio.assets.get(cover), Some(Some(_)))
    {
        out.push(finding(
            "determinism/missing-asset",
            &cfg.path,
            cfg.data.locate("/studio/cover"),
            "book_binder",
            format!("the cover {cover} is not in the tree"),
            "commit the cover under assets/, or fix `cover`".into(),
        ));
    }
    out
}
