//! The templates of the documents people read (tera 2): embedded from `templates/`,
//! compiled once, each replaceable by a studio's own file of the same path, and
//! autoescaped when the name ends in `.html`, `.xhtml`, `.xml` or `.svg` (Markdown is
//! not escaped). The documents compute their context; the templates only lay it out.
//! Depends on nothing of the crate but `error`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Serialize;

use crate::error::{Error, TemplateError};

/// The names whose values are escaped for markup.
const AUTOESCAPED: [&str; 4] = [".html", ".xhtml", ".xml", ".svg"];

/// The documents other than the bound views, by their path under `templates/`.
pub const DOCUMENTS: [(&str, &str); 4] = [
    (
        "report/dashboard.html",
        include_str!("../templates/report/dashboard.html"),
    ),
    (
        "play/playtest.html",
        include_str!("../templates/play/playtest.html"),
    ),
    ("graph/map.svg", include_str!("../templates/graph/map.svg")),
    ("tu/pr-body.md", include_str!("../templates/tu/pr-body.md")),
];

/// How values are escaped in the markup templates of a set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// tera's HTML escaping: `&`, `<`, `>`, `"` and `'`.
    Html,
    /// `&`, `<`, `>`, `"` and `'`, with `/` kept as it is (paths and addresses stay
    /// readable in the reports).
    Markup,
}

/// `&`, `<`, `>`, `"` and `'` as entities; every other character (`/` too) as it is.
fn escape_markup(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    pulldown_cmark_escape::escape_html(pulldown_cmark_escape::IoWriter(out), input)
}

/// A compiled set of templates from one folder of `templates/`.
pub struct Templates {
    tera: tera::Tera,
    /// Where the names live, for messages: `templates/bind/`, `templates/`.
    folder: &'static str,
}

impl Templates {
    /// Compiles `embedded` (name → text, names relative to `folder`), each replaced by
    /// the text `overrides` gives for its name; `whose` names where overrides come
    /// from in messages ("the snapshot's").
    pub fn load(
        folder: &'static str,
        embedded: &[(&str, &str)],
        overrides: &BTreeMap<String, String>,
        whose: &str,
        escape: Escape,
    ) -> Result<Templates, Error> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on(AUTOESCAPED);
        if escape == Escape::Markup {
            tera.set_escape_fn(escape_markup);
        }
        for &(name, text) in embedded {
            let (text, whose) = match overrides.get(name) {
                Some(own) => (own.as_str(), whose),
                None => (text, "the embedded"),
            };
            tera.add_raw_template(name, text)
                .map_err(|source| TemplateError::Compile {
                    whose: whose.to_string(),
                    folder,
                    name: name.to_string(),
                    source: Box::new(source),
                })?;
        }
        Ok(Templates { tera, folder })
    }

    /// Renders one template.
    pub fn render(&self, name: &str, cx: &tera::Context) -> Result<String, Error> {
        self.tera
            .render(name, cx)
            .map_err(|source| self.failed(name, source))
    }

    /// Renders one template into `out` as it goes (a large page is never held whole).
    pub fn render_to(
        &self,
        name: &str,
        cx: &tera::Context,
        out: &mut dyn std::io::Write,
    ) -> Result<(), Error> {
        self.tera
            .render_to(name, cx, out)
            .map_err(|source| self.failed(name, source))
    }

    /// A template that failed to render, named with its folder.
    fn failed(&self, name: &str, source: tera::Error) -> Error {
        TemplateError::Render {
            folder: self.folder,
            name: name.to_string(),
            source: Box::new(source),
        }
        .into()
    }

    /// Renders one template with a serialisable value as its context (its fields
    /// become the template's variables).
    pub fn render_value<T: Serialize>(&self, name: &str, value: &T) -> Result<String, Error> {
        let cx = tera::Context::from_serialize(value).map_err(|source| TemplateError::Context {
            folder: self.folder,
            name: name.to_string(),
            source: Box::new(source),
        })?;
        self.render(name, &cx)
    }
}

/// The embedded documents, compiled on first use.
static EMBEDDED: LazyLock<Result<Templates, String>> = LazyLock::new(|| {
    Templates::load(
        "templates/",
        &DOCUMENTS,
        &BTreeMap::new(),
        "the embedded",
        Escape::Markup,
    )
    .map_err(|e| e.to_string())
});

/// Renders the document `name` (a path under `templates/`, one of [`DOCUMENTS`]) from
/// `value`, with `own` (a studio's own text for that path) in place of the embedded
/// template when given; `whose` names where `own` comes from in messages ("hot's").
pub fn document<T: Serialize>(
    name: &str,
    value: &T,
    own: Option<(&str, &str)>,
) -> Result<String, Error> {
    match own {
        Some((whose, text)) => {
            let overrides = BTreeMap::from([(name.to_string(), text.to_string())]);
            let embedded: Vec<(&str, &str)> = DOCUMENTS
                .iter()
                .copied()
                .filter(|(n, _)| *n == name)
                .collect();
            Templates::load("templates/", &embedded, &overrides, whose, Escape::Markup)?
                .render_value(name, value)
        }
        None => match &*EMBEDDED {
            Ok(t) => t.render_value(name, value),
            Err(e) => Err(TemplateError::Embedded { message: e.clone() }.into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_document_compiles() {
        assert!(EMBEDDED.is_ok(), "{:?}", EMBEDDED.as_ref().err());
    }

    #[test]
    fn markup_escaping_keeps_slashes_and_escapes_the_rest() {
        let mut out = Vec::new();
        escape_markup("Tom's <b>&\"x\"</b>", &mut out).expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "Tom&#39;s &lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"
        );
    }
}
