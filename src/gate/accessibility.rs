//! The accessibility bar: alt text on every image, informative link text, headings
//! without skipped levels, and content notes for what readers may want warning of.

use super::Finding;
use super::context::{Context, finding};
use super::prose::Prose;
use crate::artifact::{Artifact, Kind};
use crate::studio::plan::Plan;

const WEAK_ALT_PREFIXES: [&str; 7] = [
    "image of",
    "picture of",
    "photo of",
    "photograph of",
    "graphic of",
    "illustration of",
    "an image of",
];

const VAGUE_LINKS: [&str; 9] = [
    "here",
    "click here",
    "this",
    "link",
    "this link",
    "more",
    "read more",
    "go",
    "click",
];

/// Words whose presence in prose calls for a declared content note.
pub const SENSITIVE: [&str; 34] = [
    "blood",
    "bloody",
    "bleeding",
    "bleeds",
    "corpse",
    "corpses",
    "dead body",
    "kill",
    "kills",
    "killed",
    "killing",
    "murder",
    "murdered",
    "murders",
    "drown",
    "drowned",
    "drowning",
    "drowns",
    "suicide",
    "torture",
    "tortured",
    "stab",
    "stabbed",
    "strangle",
    "strangled",
    "hanged",
    "gore",
    "gunshot",
    "massacre",
    "slaughter",
    "executed",
    "execution",
    "self-harm",
    "abuse",
];

fn weak_alt(alt: &str) -> Option<&'static str> {
    let lower = alt.trim().to_lowercase();
    if let Some(p) = WEAK_ALT_PREFIXES.iter().find(|p| lower.starts_with(*p)) {
        return Some(p);
    }
    let exts = [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"];
    exts.iter()
        .any(|e| lower.ends_with(e))
        .then_some("a file name")
}

/// Runs the bar.
pub fn run(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    art_findings(cx, &mut out);
    prose_findings(cx, &mut out);
    out
}

/// Art plans: alt text present, not empty, not a file name or "image of …".
fn art_findings(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for a in cx.of(Kind::Art) {
        let plan = Plan::from_node(&a.data);
        let decorative = plan.decorative;
        let line = |key_line: u32| if key_line > 0 { key_line } else { a.data.line };
        match plan.alt.value.0.as_deref() {
            None if !decorative => out.push(finding(
                "accessibility/missing-alt",
                &a.path,
                line(plan.id.line),
                a.kind.owner(),
                "the art plan has no alt text".into(),
                "add `alt:` describing what the picture shows, or `decorative: true` for pure ornament".into(),
            )),
            Some(alt) if alt.trim().is_empty() && !decorative => out.push(finding(
                "accessibility/missing-alt",
                &a.path,
                line(plan.alt.line),
                a.kind.owner(),
                "the alt text is empty".into(),
                "describe what the picture shows".into(),
            )),
            Some(alt) => {
                if let Some(why) = weak_alt(alt) {
                    out.push(finding(
                        "accessibility/weak-alt",
                        &a.path,
                        line(plan.alt.line),
                        a.kind.owner(),
                        format!("the alt text {why}"),
                        "describe what matters in the picture directly".into(),
                    ));
                }
            }
            None => {}
        }
    }
}

/// A body's images (alt text present and meaningful) and links (text that says where it
/// leads).
fn image_and_link_findings(
    a: &Artifact,
    p: &Prose,
    at: &dyn Fn(usize) -> u32,
    out: &mut Vec<Finding>,
) {
    for img in &p.images {
        if img.alt.trim().is_empty() {
            out.push(finding(
                "accessibility/missing-alt",
                &a.path,
                at(img.offset),
                a.kind.owner(),
                format!("image {} has no alt text", img.dest),
                "write it as `![what the picture shows](path)`".into(),
            ));
        } else if let Some(why) = weak_alt(&img.alt) {
            out.push(finding(
                "accessibility/weak-alt",
                &a.path,
                at(img.offset),
                a.kind.owner(),
                format!("the alt text of {} {why}", img.dest),
                "describe what matters in the picture directly".into(),
            ));
        }
    }
    for link in &p.links {
        let text = link
            .text
            .trim()
            .trim_end_matches(['.', '!', ':'])
            .to_lowercase();
        if VAGUE_LINKS.contains(&text.as_str()) || text.is_empty() {
            out.push(finding(
                "accessibility/vague-link-text",
                &a.path,
                at(link.offset),
                a.kind.owner(),
                format!("link text \"{}\" does not say where it leads", link.text),
                "name the destination in the link text, e.g. [the Gannet](#gannet)".into(),
            ));
        }
    }
}

/// The bar's word list: sensitive material that wants a content note.
pub fn words() -> Vec<(String, bool)> {
    SENSITIVE.iter().map(|w| (w.to_string(), true)).collect()
}

/// Section and codex bodies: images' alt text, link text, heading levels, and content
/// notes for sensitive material.
fn prose_findings(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let notes: std::collections::BTreeMap<&str, bool> = cx
        .story
        .sections
        .iter()
        .map(|s| (s.path.as_str(), !s.content_notes.is_empty()))
        .collect();
    // The first sensitive word in each section's prose.
    let sensitive: std::collections::HashMap<&str, super::text::Hit> = cx
        .surfaces
        .iter()
        .enumerate()
        .filter(|(_, s)| s.field == super::context::Field::Prose && !s.edition)
        .filter_map(|(n, s)| {
            Some((
                s.path,
                cx.hits(super::context::List::Accessibility, n).next()?,
            ))
        })
        .collect();
    for a in cx.of(Kind::Section).chain(cx.of(Kind::Codex)) {
        let Some(body) = &a.body else { continue };
        let Some(p) = cx.prose.get(a.path.as_str()) else {
            continue;
        };
        let at = |offset: usize| super::text::line_at(&body.text, body.line, offset);
        image_and_link_findings(a, p, &at, out);
        let mut prev = 2u8;
        for h in &p.headings {
            if h.level > prev + 1 {
                out.push(finding(
                    "accessibility/heading-skip",
                    &a.path,
                    at(h.offset),
                    a.kind.owner(),
                    format!("a level-{} heading follows level {prev}", h.level),
                    format!(
                        "use a level-{} heading here ({})",
                        prev + 1,
                        "#".repeat(usize::from(prev + 1))
                    ),
                ));
            }
            prev = h.level;
        }
        if a.kind == Kind::Section
            && !notes.get(a.path.as_str()).copied().unwrap_or(false)
            && let Some(hit) = sensitive.get(a.path.as_str())
        {
            out.push(finding(
                "accessibility/undeclared-content-note",
                &a.path,
                at(hit.start),
                "scene_smith",
                format!(
                    "the prose mentions \"{}\" but the section declares no content notes",
                    &body.text[hit.start..hit.end]
                ),
                "add `content_notes:` (e.g. [violence], [death], [drowning]) to the front matter"
                    .into(),
            ));
        }
    }
}
