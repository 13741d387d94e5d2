//! The binder's templates (tera 2, autoescaping on for `.html`, `.xhtml` and `.xml`):
//! embedded from `templates/bind/`, each overridable by a file of the same name under
//! `templates/bind/` in the snapshot being bound.

use std::collections::BTreeMap;

use crate::error::Error;

/// The embedded templates by name.
pub const EMBEDDED: [(&str, &str); 5] = [
    ("book.html", include_str!("../../templates/bind/book.html")),
    (
        "epub-section.xhtml",
        include_str!("../../templates/bind/epub-section.xhtml"),
    ),
    (
        "epub-title.xhtml",
        include_str!("../../templates/bind/epub-title.xhtml"),
    ),
    (
        "epub-cover.xhtml",
        include_str!("../../templates/bind/epub-cover.xhtml"),
    ),
    (
        "epub-glossary.xhtml",
        include_str!("../../templates/bind/epub-glossary.xhtml"),
    ),
];

/// A compiled set of templates.
pub struct Templates {
    tera: tera::Tera,
}

impl Templates {
    /// Compiles the embedded templates, replaced by `overrides` (name → text) where given.
    pub fn load(overrides: &BTreeMap<String, String>) -> Result<Templates, Error> {
        let mut tera = tera::Tera::new();
        tera.autoescape_on(vec![".html", ".xhtml", ".xml"]);
        for (name, text) in EMBEDDED {
            let (text, whose) = match overrides.get(name) {
                Some(own) => (own.as_str(), "the snapshot's"),
                None => (text, "the embedded"),
            };
            tera.add_raw_template(name, text).map_err(|e| {
                Error::Usage(format!(
                    "{whose} template templates/bind/{name} does not compile: {e}"
                ))
            })?;
        }
        Ok(Templates { tera })
    }

    /// Renders one template.
    pub fn render(&self, name: &str, cx: &tera::Context) -> Result<String, Error> {
        self.tera
            .render(name, cx)
            .map_err(|e| Error::Usage(format!("rendering templates/bind/{name} failed: {e}")))
    }
}
