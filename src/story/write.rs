//! Writing a section's front matter: the one writer of `sections/<id>.md` YAML from the
//! story model, in the house style (flow lists, values quoted only where YAML needs it).
//! It returns text; writing files is the caller's.

use serde::Serialize;

use super::counters::{Change, Delta};
use super::{Mention, Section};
use crate::artifact::yaml::{self, Flow};

/// The front matter as written: `id`, `title`, then what is not empty.
#[derive(Serialize)]
struct Front<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Flow::is_empty")]
    flags: Flow<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Flow::is_empty")]
    sets: Flow<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<Flow<Amounts>>,
    #[serde(skip_serializing_if = "Flow::is_empty")]
    content_notes: Flow<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    choices: Vec<ChoiceLines<'a>>,
}

#[derive(Serialize)]
struct ChoiceLines<'a> {
    label: &'a str,
    to: &'a str,
    #[serde(skip_serializing_if = "Flow::is_empty")]
    requires: Flow<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Flow::is_empty")]
    forbids: Flow<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Flow::is_empty")]
    needs: Flow<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<Flow<Amounts>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<&'a str>,
}

/// A `change:` map: counter id to an integer added, or `=N` assigned.
type Amounts = std::collections::BTreeMap<String, serde_json::Value>;

fn amounts(cs: &[Change]) -> Option<Flow<Amounts>> {
    (!cs.is_empty()).then(|| {
        Flow(
            cs.iter()
                .map(|c| {
                    let v = match c.delta {
                        Delta::Add(n) => serde_json::Value::from(n),
                        Delta::Set(_) => serde_json::Value::from(c.written()),
                    };
                    (c.counter.clone(), v)
                })
                .collect(),
        )
    })
}

fn ids(m: &[Mention]) -> Flow<Vec<&str>> {
    Flow(m.iter().map(|m| m.id.as_str()).collect())
}

fn words(w: &[String]) -> Flow<Vec<&str>> {
    Flow(w.iter().map(String::as_str).collect())
}

/// The front matter's YAML lines (without the `---` fences): `id`, `title`, then
/// `flags`, `sets`, `content_notes` and `choices` when not empty; a choice's `requires`,
/// `forbids` and `condition` likewise. Lists of words sit on their key's line.
pub fn front_matter(s: &Section) -> String {
    let front = Front {
        id: &s.id,
        title: &s.title,
        flags: words(&s.flag_names),
        sets: ids(&s.sets),
        change: amounts(&s.change),
        content_notes: words(&s.content_notes),
        choices: s
            .choices
            .iter()
            .map(|c| ChoiceLines {
                label: &c.label,
                to: &c.to,
                requires: ids(&c.requires),
                forbids: ids(&c.forbids),
                needs: Flow(c.needs.iter().map(ToString::to_string).collect()),
                change: amounts(&c.change),
                condition: c.condition.as_deref(),
            })
            .collect(),
    };
    // Strings only: nothing here can fail to serialise.
    yaml::to_string(&front).unwrap_or_default()
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
                let needs: Vec<String> = c.needs.iter().map(ToString::to_string).collect();
                let change: Vec<String> = c
                    .change
                    .iter()
                    .map(|c| format!("{}{}", c.counter, c.written()))
                    .collect();
                format!(
                    "{} {} {:?} {:?} {needs:?} {change:?} {:?} {}",
                    c.label,
                    c.to,
                    cw(&c.requires),
                    cw(&c.forbids),
                    c.condition,
                    c.index
                )
            })
            .collect();
        let change: Vec<String> = s
            .change
            .iter()
            .map(|c| format!("{}{}", c.counter, c.written()))
            .collect();
        format!(
            "{} {} {:?} {:?} {:?} {change:?} {:?} {:?} {choices:?}",
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
        let change = |counter: &str, delta| crate::story::counters::Change {
            counter: counter.into(),
            delta,
            line: 0,
        };
        s.change = vec![
            change("gold", Delta::Add(2)),
            change("lamps", Delta::Set(0)),
        ];
        s.choices[1].needs =
            vec![crate::story::counters::Need::parse("stamina > 2", 0).expect("need")];
        s.choices[1].change = vec![change("gold", Delta::Add(-5))];
        let text = format!("---\n{}---\nRain.\n", front_matter(&s));
        let a = artifact::parse(Kind::Section, &s.path, text.as_bytes()).expect("parses");
        assert_eq!(said(&section(&a, 0)), said(&s), "{text}");
    }
}
