//! The determinism bar: assets promised reproducible record how they were made, asset
//! files exist, and they match the hashes their plans recorded.

use super::Finding;
use super::context::{Context, finding};
use crate::artifact::Kind;
use crate::studio::plan::Plan;

/// Runs the bar.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in cx.of(Kind::Art).chain(cx.of(Kind::Audio)) {
        let plan = Plan::from_node(&a.data);
        let owner = a.kind.owner();
        let line = |key_line: u32| if key_line > 0 { key_line } else { a.data.line };
        let done = plan.status.value.0.as_deref() == Some("done");
        let deterministic = plan.deterministic.value.0;
        let has_params = !plan.params.is_empty();
        if deterministic && done && !has_params {
            out.push(finding(
                "determinism/missing-params",
                &a.path,
                line(plan.deterministic.line),
                owner,
                "a finished reproducible asset records no `params`".into(),
                "add `params:` with everything needed to make it again (tool, version, settings)"
                    .into(),
            ));
        }
        match plan.asset.value.0.as_deref() {
            Some(asset) => match cx.studio.assets.get(asset) {
                Some(Some(actual)) => {
                    if let Some(recorded) = plan.sha256.value.0.as_deref()
                        && !recorded.eq_ignore_ascii_case(actual)
                    {
                        out.push(finding(
                            "determinism/hash-mismatch",
                            &a.path,
                            line(plan.sha256.line),
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
                    line(plan.asset.line),
                    owner,
                    format!("asset {asset} is not in the tree"),
                    "commit the file under assets/, or fix the path".into(),
                )),
            },
            None if done => {
                out.push(finding(
                    "determinism/missing-asset",
                    &a.path,
                    line(plan.status.line),
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
        && let Some(cover) = cx.studio.config.cover.as_deref()
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
