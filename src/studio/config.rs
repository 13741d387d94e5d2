//! `studio.toml` as typed settings, with the documented defaults.

use crate::artifact::node::{Node, Value};

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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: String::new(),
            author: String::new(),
            language: "en".into(),
            license: String::new(),
            start: String::new(),
            hot: "hot".into(),
            cold: "cold".into(),
            require_tu: RequireTu::Warn,
            allow_conditional: false,
            questions_max_open: 5,
        }
    }
}

impl Config {
    /// Reads settings from a parsed `studio.toml`, leaving defaults where a value is
    /// missing or of the wrong type (the schema bar reports those).
    pub fn from_node(node: &Node) -> Config {
        let mut c = Config::default();
        let text = |table: &str, key: &str| {
            node.get(table)
                .and_then(|t| t.str_at(key))
                .map(str::to_string)
        };
        let flag = |table: &str, key: &str| match node
            .get(table)
            .and_then(|t| t.get(key))
            .map(|n| &n.value)
        {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        };
        if let Some(v) = text("studio", "title") {
            c.title = v;
        }
        if let Some(v) = text("studio", "author") {
            c.author = v;
        }
        if let Some(v) = text("studio", "language") {
            c.language = v;
        }
        if let Some(v) = text("studio", "license") {
            c.license = v;
        }
        if let Some(v) = text("studio", "start") {
            c.start = v;
        }
        if let Some(v) = text("branches", "hot").filter(|v| !v.is_empty()) {
            c.hot = v;
        }
        if let Some(v) = text("branches", "cold").filter(|v| !v.is_empty()) {
            c.cold = v;
        }
        match node
            .get("policy")
            .and_then(|t| t.get("require_tu"))
            .map(|n| &n.value)
        {
            Some(Value::Bool(false)) => c.require_tu = RequireTu::Off,
            Some(Value::Str(s)) if s == "off" => c.require_tu = RequireTu::Off,
            Some(Value::Str(s)) if s == "error" => c.require_tu = RequireTu::Error,
            _ => {}
        }
        if let Some(v) = flag("policy", "allow_conditional") {
            c.allow_conditional = v;
        }
        if let Some(Value::Int(n)) = node
            .get("policy")
            .and_then(|t| t.get("questions_max_open"))
            .map(|n| &n.value)
            && let Ok(n) = u32::try_from(*n)
            && n > 0
        {
            c.questions_max_open = n;
        }
        c
    }
}
