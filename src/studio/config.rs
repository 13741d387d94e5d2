//! `studio.toml` as typed settings, with the documented defaults.

use crate::artifact::de;
use crate::artifact::node::Node;

/// How strictly commits must name a TU (`[policy] require_tu`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequireTu {
    /// `false` / `"off"`: nothing is required.
    Off,
    /// `true` / `"warn"` (default): the commit hook warns; merge still refuses untraced commits.
    Warn,
    /// `"error"`: the commit hook refuses a commit on hot without a TU.
    Error,
}

/// The studio's settings. Every `[policy]` key is optional; defaults are documented here
/// and in the studio schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `[studio] title`.
    pub title: String,
    /// `[studio] author`.
    pub author: String,
    /// `[studio] language` (BCP 47), default `en`.
    pub language: String,
    /// `[studio] license`.
    pub license: String,
    /// `[studio] start`: the id of the first section.
    pub start: String,
    /// `[studio] cover`: the cover image under `assets/`, if the studio names one.
    pub cover: Option<String>,
    /// `[branches] hot`, default `hot`.
    pub hot: String,
    /// `[branches] cold`, default `cold`.
    pub cold: String,
    /// `[policy] require_tu`, default warn: every commit bound for cold carries a TU.
    pub require_tu: RequireTu,
    /// `[policy] allow_conditional`, default `false`: merge on a conditional gate.
    pub allow_conditional: bool,
    /// `[policy] questions_max_open`, default 5: the human's attention budget.
    pub questions_max_open: u32,
    /// `[policy] max_waiver_days`, default 30: the furthest ahead a waiver may expire.
    pub max_waiver_days: u32,
    /// `[print]`: the PDF view's settings as written, read when a PDF is bound.
    pub print: PrintTable,
}

/// A setting as written: its value (`None` when it is not of the type asked for) and
/// the line it is on, so a bad one can be pointed at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written<T> {
    /// The value, when it is of the right type.
    pub value: Option<T>,
    /// Its line in `studio.toml`.
    pub line: u32,
}

/// `[print]`: the paper and the numbering seed of the PDF view. Checked when a PDF is
/// bound (the schema bar reports a bad value too), so a studio that never prints is not
/// held up by it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrintTable {
    /// `paper`: `a5` (default), `a4`, `letter` or `<W>x<H>mm`.
    pub paper: Option<Written<String>>,
    /// `seed`: the section-number shuffle's seed (default 0).
    pub seed: Option<Written<i64>>,
}

impl PrintTable {
    /// Reads the `[print]` table of a parsed `studio.toml`.
    fn from_node(node: &Node) -> PrintTable {
        let Some(table) = node.get("print") else {
            return PrintTable::default();
        };
        let written = |key: &str| table.get(key).map(|n| (n, n.line));
        PrintTable {
            paper: written("paper").map(|(n, line)| Written {
                value: n.as_str().map(str::to_string),
                line,
            }),
            seed: written("seed").map(|(n, line)| Written {
                value: match &n.value {
                    crate::artifact::node::Value::Int(i) => Some(*i),
                    _ => None,
                },
                line,
            }),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: String::new(),
            author: String::new(),
            language: "en".into(),
            license: String::new(),
            start: String::new(),
            cover: None,
            hot: "hot".into(),
            cold: "cold".into(),
            require_tu: RequireTu::Warn,
            allow_conditional: false,
            questions_max_open: 5,
            max_waiver_days: 30,
            print: PrintTable::default(),
        }
    }
}

/// `studio.toml` as written: every table and key optional, a value of the wrong type
/// read as absent (the schema bar reports it).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct File {
    #[serde(deserialize_with = "de::lenient")]
    studio: StudioTable,
    #[serde(deserialize_with = "de::lenient")]
    branches: BranchesTable,
    #[serde(deserialize_with = "de::lenient")]
    policy: PolicyTable,
}

/// `[studio]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct StudioTable {
    #[serde(deserialize_with = "de::lenient")]
    title: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    author: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    language: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    license: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    start: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    cover: Option<String>,
}

/// `[branches]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct BranchesTable {
    #[serde(deserialize_with = "de::lenient")]
    hot: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    cold: Option<String>,
}

/// `[policy]`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct PolicyTable {
    #[serde(deserialize_with = "de::lenient")]
    require_tu: Option<RequireTuValue>,
    #[serde(deserialize_with = "de::lenient")]
    allow_conditional: Option<bool>,
    #[serde(deserialize_with = "de::lenient")]
    questions_max_open: Option<u32>,
    #[serde(deserialize_with = "de::lenient")]
    max_waiver_days: Option<u32>,
}

/// `require_tu` as written: a flag or one of the words `off`, `warn`, `error`.
#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum RequireTuValue {
    Flag(bool),
    Word(String),
}

/// Whether git accepts `name` as a branch name (`git check-ref-format --branch`'s
/// rules, without the `@{-N}` shorthands).
pub fn valid_branch_name(name: &str) -> bool {
    !name.is_empty()
        && name != "@"
        && !name.starts_with('-')
        && !name.starts_with('/')
        && !name.ends_with('/')
        && !name.ends_with('.')
        && !name.contains("..")
        && !name.contains("@{")
        && !name.contains("//")
        && !name.chars().any(|c| {
            c.is_control()
                || c.is_whitespace()
                || matches!(c, '~' | '^' | ':' | '?' | '*' | '[' | '\\')
        })
        && name
            .split('/')
            .all(|part| !part.starts_with('.') && !part.ends_with(".lock"))
}

impl Config {
    /// Reads settings from a parsed `studio.toml`, leaving defaults where a value is
    /// missing or of the wrong type (the schema bar reports those).
    pub fn from_node(node: &Node) -> Config {
        let file: File = de::from_node(node).unwrap_or_default();
        let defaults = Config::default();
        let s = file.studio;
        let non_empty = |v: Option<String>| v.filter(|v| !v.is_empty());
        Config {
            title: s.title.unwrap_or(defaults.title),
            author: s.author.unwrap_or(defaults.author),
            language: s.language.unwrap_or(defaults.language),
            license: s.license.unwrap_or(defaults.license),
            start: s.start.unwrap_or(defaults.start),
            cover: s.cover,
            hot: non_empty(file.branches.hot).unwrap_or(defaults.hot),
            cold: non_empty(file.branches.cold).unwrap_or(defaults.cold),
            require_tu: match file.policy.require_tu {
                Some(RequireTuValue::Flag(false)) => RequireTu::Off,
                Some(RequireTuValue::Word(w)) if w == "off" => RequireTu::Off,
                Some(RequireTuValue::Word(w)) if w == "error" => RequireTu::Error,
                _ => defaults.require_tu,
            },
            allow_conditional: file
                .policy
                .allow_conditional
                .unwrap_or(defaults.allow_conditional),
            questions_max_open: file
                .policy
                .questions_max_open
                .filter(|n| *n > 0)
                .unwrap_or(defaults.questions_max_open),
            max_waiver_days: file
                .policy
                .max_waiver_days
                .unwrap_or(defaults.max_waiver_days),
            print: PrintTable::from_node(node),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(toml: &str) -> Config {
        Config::from_node(&crate::artifact::toml::parse(toml).expect("parses"))
    }

    #[test]
    fn branch_names_follow_git() {
        for ok in ["hot", "cold", "team/cold", "v1.0", "cold-2"] {
            assert!(valid_branch_name(ok), "{ok}");
        }
        for bad in [
            "", "-x", "a..b", "a b", "a~1", "x.lock", "a/", ".x", "a/.b", "@", "a@{1}", "a\u{1b}b",
        ] {
            assert!(!valid_branch_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn settings_of_the_wrong_type_keep_their_defaults() {
        let c = read(
            "[studio]\ntitle = 3\nlanguage = \"fr\"\n[branches]\nhot = \"\"\ncold = \"frozen\"\n[policy]\nrequire_tu = \"error\"\nallow_conditional = \"yes\"\nquestions_max_open = -2\n",
        );
        assert_eq!(c.title, "");
        assert_eq!(c.language, "fr");
        assert_eq!(c.cover, None);
        assert_eq!((c.hot.as_str(), c.cold.as_str()), ("hot", "frozen"));
        assert_eq!(c.require_tu, RequireTu::Error);
        assert!(!c.allow_conditional);
        assert_eq!(c.questions_max_open, 5);
        assert_eq!(read("studio = 1\n"), Config::default());
    }

    #[test]
    fn the_print_table_keeps_what_is_written_and_where() {
        let c = read("[studio]\ntitle = \"T\"\n\n[print]\npaper = \"a4\"\nseed = 12\n");
        assert_eq!(
            c.print.paper,
            Some(Written {
                value: Some("a4".into()),
                line: 5
            })
        );
        assert_eq!(
            c.print.seed,
            Some(Written {
                value: Some(12),
                line: 6
            })
        );
        let wrong = read("[print]\npaper = 5\nseed = \"x\"\n");
        assert_eq!(wrong.print.paper.and_then(|p| p.value), None);
        assert_eq!(wrong.print.seed.map(|s| (s.value, s.line)), Some((None, 3)));
        assert_eq!(read("[studio]\n").print, PrintTable::default());
    }

    #[test]
    fn require_tu_reads_flags_and_words() {
        let policy = |v: &str| read(&format!("[policy]\nrequire_tu = {v}\n")).require_tu;
        assert_eq!(policy("false"), RequireTu::Off);
        assert_eq!(policy("\"off\""), RequireTu::Off);
        assert_eq!(policy("true"), RequireTu::Warn);
        assert_eq!(policy("\"warn\""), RequireTu::Warn);
        assert_eq!(policy("\"error\""), RequireTu::Error);
        assert_eq!(policy("7"), RequireTu::Warn);
    }
}
