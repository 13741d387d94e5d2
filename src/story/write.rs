//! Writing a section's front matter: the one writer of `sections/<id>.md` YAML from the
//! story model, in the house style (flow lists, values quoted only where YAML needs it).
//! It returns text; writing files is the caller's.

use super::{Mention, Section};
use crate::artifact::yaml::quote;

/// The front matter's YAML lines (without the `---` fences): `id`, `title`, then
/// `flags`, `sets`, `content_notes` and `choices` when not empty; a choice's `requires`,
/// `forbids` and `condition` likewise.
pub fn front_matter(s: &Section) -> String {
    let mut o = format!("id: {}\ntitle: {}\n", s.id, quote(&s.title));
    if !s.flag_names.is_empty() {
        o.push_str(&format!("flags: [{}]\n", s.flag_names.join(", ")));
    }
    if !s.sets.is_empty() {
        o.push_str(&format!("sets: [{}]\n", list(&s.sets)));
    }
    if !s.content_notes.is_empty() {
        let notes: Vec<String> = s.content_notes.iter().map(|n| quote(n)).collect();
        o.push_str(&format!("content_notes: [{}]\n", notes.join(", ")));
    }
    if !s.choices.is_empty() {
        o.push_str("choices:\n");
        for c in &s.choices {
            o.push_str(&format!(
                "  - label: {}\n    to: {}\n",
                quote(&c.label),
                quote(&c.to)
            ));
            if !c.requires.is_empty() {
                o.push_str(&format!("    requires: [{}]\n", list(&c.requires)));
            }
            if !c.forbids.is_empty() {
                o.push_str(&format!("    forbids: [{}]\n", list(&c.forbids)));
            }
            if let Some(cond) = &c.condition {
                o.push_str(&format!("    condition: {}\n", quote(cond)));
            }
        }
    }
    o
}

/// Codeword ids as a flow list's items.
fn list(ids: &[Mention]) -> String {
    ids.iter()
        .map(|m| quote(&m.id))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::{Choice, Mention, Section, section};
    use super::*;
    use crate::artifact::{self, Kind};

    /// What a section says, without the lines it was read from.
    fn said(s: &Section) -> String {
        let cw = |ms: &[Mention]| ms.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
        let choices: Vec<String> = s
            .choices
            .iter()
            .map(|c| {
                format!(
                    "{} {} {:?} {:?} {:?} {}",
                    c.label,
                    c.to,
                    cw(&c.requires),
                    cw(&c.forbids),
                    c.condition,
                    c.index
                )
            })
            .collect();
        format!(
            "{} {} {:?} {:?} {:?} {:?} {:?} {choices:?}",
            s.id,
            s.title,
            s.flags,
            s.flag_names,
            cw(&s.sets),
            s.content_notes,
            s.path
        )
    }

    #[test]
    fn written_front_matter_reads_back_as_the_same_section() {
        let made = |ids: &[&str]| ids.iter().map(|i| Mention::made(i)).collect::<Vec<_>>();
        let mut s = Section::made(
            "porch".into(),
            "The Porch: \"rain\"".into(),
            vec!["keystone".into(), "hub".into()],
            made(&["has-key", "true"]),
            vec![
                Choice::made(0, "Open".into(), "hall".into(), vec![], vec![], None),
                Choice::made(
                    1,
                    "Cross: now".into(),
                    "ferry".into(),
                    made(&["ferry-token"]),
                    made(&["pell-wary"]),
                    Some("If you hold a token".into()),
                ),
            ],
        );
        s.content_notes = vec!["storm".into(), "drowning, implied".into()];
        let text = format!("---\n{}---\nRain.\n", front_matter(&s));
        let a = artifact::parse(Kind::Section, &s.path, text.as_bytes()).expect("parses");
        assert_eq!(said(&section(&a, 0)), said(&s), "{text}");
    }
}
