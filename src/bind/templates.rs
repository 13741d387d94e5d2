//! The binder's templates (tera 2, autoescaping on for `.html`, `.xhtml` and `.xml`):
//! embedded from `templates/bind/`, each overridable by a file of the same name under
//! `templates/bind/` in the snapshot being bound. Compiling and rendering is the shared
//! loader's, [`crate::templates`].

use std::collections::BTreeMap;

use crate::error::Error;

/// The embedded templates by name.
pub const EMBEDDED: [(&str, &str); 6] = [
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
    (
        "epub-nav.xhtml",
        include_str!("../../templates/bind/epub-nav.xhtml"),
    ),
];

/// The binder's compiled templates: [`crate::templates::Templates`] over
/// `templates/bind/`, with tera's HTML escaping.
pub struct Templates(crate::templates::Templates);

impl Templates {
    /// Compiles the embedded templates, replaced by `overrides` (name → text) where given.
    pub fn load(overrides: &BTreeMap<String, String>) -> Result<Templates, Error> {
        crate::templates::Templates::load(
            "templates/bind/",
            &EMBEDDED,
            overrides,
            "the snapshot's",
            crate::templates::Escape::Html,
        )
        .map(Templates)
    }

    /// Renders one template.
    pub fn render(&self, name: &str, cx: &tera::Context) -> Result<String, Error> {
        self.0.render(name, cx)
    }

    /// Renders one template into `out` as it goes.
    pub fn render_to(
        &self,
        name: &str,
        cx: &tera::Context,
        out: &mut dyn std::io::Write,
    ) -> Result<(), Error> {
        self.0.render_to(name, cx, out)
    }
}
