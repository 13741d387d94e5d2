//! Artifacts: the kinds of file a studio holds, where each lives, and how each is parsed.
//!
//! This module turns bytes at a path into an [`Artifact`] (a line-carrying tree plus the
//! Markdown body) or a [`Rejected`] file with the line that stopped it; [`de`] reads a
//! parsed tree into `Deserialize` types, keeping lines. It knows nothing about git or the
//! file system; sources hand it bytes.

pub mod de;
pub mod markdown;
pub mod node;
pub mod toml;
pub mod yaml;

use std::fmt;

use node::Node;

/// Every kind of artifact in DESIGN §2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `sections/<id>.md`
    Section,
    /// `codex/<id>.md`
    Codex,
    /// `canon/<id>.md`
    Canon,
    /// `hooks/<HK-ID>.yaml`
    Hook,
    /// `tus/<TU-ID>.yaml`
    Tu,
    /// `gate/<GK-ID>.yaml`
    GateReport,
    /// `questions/<Q-ID>.yaml`
    Question,
    /// `art/<id>.yaml`
    Art,
    /// `audio/<id>.yaml`
    Audio,
    /// `style/style.yaml`
    Style,
    /// `codewords.yaml`
    Codewords,
    /// `counters.yaml`
    Counters,
    /// `roles.yaml`
    Roster,
    /// `waivers.yaml`
    Waivers,
    /// `studio.toml`
    Studio,
    /// `playbooks/<id>.yaml`
    Playbook,
    /// `playtests/<PT-ID>.yaml`: a playtest's notes for the Narration Dry-Run
    PlaytestNotes,
    /// `editions/<lang>/edition.yaml`: a language edition's own title and translators
    Edition,
}

/// How a kind's file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Markdown with YAML front matter.
    Markdown,
    /// A YAML document.
    Yaml,
    /// TOML (only `studio.toml`).
    Toml,
}

impl Kind {
    /// All kinds, in a fixed order.
    pub const ALL: [Kind; 18] = [
        Kind::Section,
        Kind::Codex,
        Kind::Canon,
        Kind::Hook,
        Kind::Tu,
        Kind::GateReport,
        Kind::Question,
        Kind::Art,
        Kind::Audio,
        Kind::Style,
        Kind::Codewords,
        Kind::Counters,
        Kind::Roster,
        Kind::Waivers,
        Kind::Studio,
        Kind::Playbook,
        Kind::PlaytestNotes,
        Kind::Edition,
    ];

    /// The kind's name, which is also its schema's file stem (`section.schema.json`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Section => "section",
            Kind::Codex => "codex",
            Kind::Canon => "canon",
            Kind::Hook => "hook",
            Kind::Tu => "tu",
            Kind::GateReport => "gate_report",
            Kind::Question => "question",
            Kind::Art => "art",
            Kind::Audio => "audio",
            Kind::Style => "style",
            Kind::Codewords => "codewords",
            Kind::Counters => "counters",
            Kind::Roster => "roster",
            Kind::Waivers => "waivers",
            Kind::Studio => "studio",
            Kind::Playbook => "playbook",
            Kind::PlaytestNotes => "playtest_notes",
            Kind::Edition => "edition",
        }
    }

    /// The kind named `name` (the inverse of [`Kind::name`]).
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// How files of this kind are written.
    pub fn format(self) -> Format {
        match self {
            Kind::Section | Kind::Codex | Kind::Canon => Format::Markdown,
            Kind::Studio => Format::Toml,
            _ => Format::Yaml,
        }
    }

    /// The folder that holds one file per artifact, for kinds stored that way.
    pub fn folder(self) -> Option<&'static str> {
        match self {
            Kind::Section => Some("sections"),
            Kind::Codex => Some("codex"),
            Kind::Canon => Some("canon"),
            Kind::Hook => Some("hooks"),
            Kind::Tu => Some("tus"),
            Kind::GateReport => Some("gate"),
            Kind::Question => Some("questions"),
            Kind::Art => Some("art"),
            Kind::Audio => Some("audio"),
            Kind::Playbook => Some("playbooks"),
            Kind::PlaytestNotes => Some("playtests"),
            _ => None,
        }
    }

    /// Whether the artifact's `id` must equal its file stem.
    pub fn id_is_stem(self) -> bool {
        self.folder().is_some()
    }

    /// The role a finding on this kind is routed to (role id).
    pub fn owner(self) -> &'static str {
        match self {
            Kind::Section => "scene_smith",
            Kind::Codex => "codex_curator",
            Kind::Canon => "lore_weaver",
            Kind::Hook
            | Kind::Tu
            | Kind::Question
            | Kind::Roster
            | Kind::Studio
            | Kind::Playbook => "showrunner",
            Kind::GateReport | Kind::Waivers => "gatekeeper",
            Kind::Art => "art_director",
            Kind::Audio => "audio_director",
            Kind::Style => "style_lead",
            Kind::Codewords | Kind::Counters => "plotwright",
            Kind::PlaytestNotes => "player_narrator",
            Kind::Edition => "translator",
        }
    }

    /// Whether readers ever see this kind (it may reach an export).
    pub fn player_facing(self) -> bool {
        matches!(
            self,
            Kind::Section
                | Kind::Codex
                | Kind::Art
                | Kind::Audio
                | Kind::Codewords
                | Kind::Counters
                | Kind::Edition
        )
    }

    /// Whether a language edition holds its own file of this kind
    /// (`editions/<lang>/sections/<id>.md`, …): the kinds with reader-facing text.
    pub fn translatable(self) -> bool {
        matches!(
            self,
            Kind::Section
                | Kind::Codex
                | Kind::Art
                | Kind::Audio
                | Kind::Codewords
                | Kind::Counters
        )
    }

    fn extension(self) -> &'static str {
        match self.format() {
            Format::Markdown => "md",
            Format::Yaml => "yaml",
            Format::Toml => "toml",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a path in a studio is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// An artifact of this kind.
    Artifact(Kind),
    /// A studio override of an embedded schema (`schemas/<kind>.schema.json`).
    SchemaOverride(Kind),
    /// A file of a language edition (`editions/<lang>/…`): the edition's language and
    /// the kind of the source file it translates (or [`Kind::Edition`]).
    Edition(String, Kind),
    /// A file in an artifact folder that is not an artifact; the string says why.
    Unknown(String),
    /// Something showrunner does not manage (README, assets, templates, dotfiles…).
    Ignored,
}

/// Says what the file at `path` (relative, `/`-separated) is.
pub fn classify(path: &str) -> Place {
    let single = [
        ("studio.toml", Kind::Studio),
        ("style/style.yaml", Kind::Style),
        ("codewords.yaml", Kind::Codewords),
        ("counters.yaml", Kind::Counters),
        ("roles.yaml", Kind::Roster),
        ("waivers.yaml", Kind::Waivers),
    ];
    if let Some((_, kind)) = single.iter().find(|(p, _)| *p == path) {
        return Place::Artifact(*kind);
    }
    let (dir, file) = match path.split_once('/') {
        Some(parts) => parts,
        None => {
            return match path {
                "codewords.yml" | "counters.yml" | "roles.yml" | "waivers.yml" => {
                    Place::Unknown("showrunner reads `.yaml`, not `.yml`; rename the file".into())
                }
                _ => Place::Ignored,
            };
        }
    };
    if file
        .rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with('.'))
    {
        return Place::Ignored;
    }
    if dir == "schemas" {
        if let Some(kind) = file.strip_suffix(".schema.json").and_then(Kind::from_name) {
            return Place::SchemaOverride(kind);
        }
        return Place::Unknown(format!(
            "schema overrides are named `<kind>.schema.json` with kind one of: {}",
            Kind::ALL
                .iter()
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if dir == "style" {
        return Place::Unknown("the style folder holds only `style/style.yaml`".into());
    }
    if dir == "editions" {
        return edition_place(file);
    }
    let Some(kind) = Kind::ALL.into_iter().find(|k| k.folder() == Some(dir)) else {
        return Place::Ignored;
    };
    if file.contains('/') {
        return Place::Unknown(format!(
            "`{dir}/` is flat: artifacts live directly in it, not in subfolders"
        ));
    }
    let ext = kind.extension();
    match file.rsplit_once('.') {
        Some((_, e)) if e == ext => Place::Artifact(kind),
        Some((_, "yml")) if ext == "yaml" => {
            Place::Unknown("showrunner reads `.yaml`, not `.yml`; rename the file".into())
        }
        _ => Place::Unknown(format!(
            "files in `{dir}/` are {} artifacts named `<id>.{ext}`",
            kind.name()
        )),
    }
}

/// Where a file under `editions/` is (`rest` is the path after `editions/`): each
/// language's folder mirrors the studio's layout for the kinds with reader-facing text,
/// plus its `edition.yaml`.
fn edition_place(rest: &str) -> Place {
    let Some((lang, inner)) = rest.split_once('/') else {
        return Place::Unknown(
            "`editions/` holds one folder per language (`editions/fr/…`), not files".into(),
        );
    };
    if inner.rsplit('/').next().is_some_and(|n| n.starts_with('.')) {
        return Place::Ignored;
    }
    if inner == "edition.yaml" {
        return Place::Edition(lang.to_string(), Kind::Edition);
    }
    match classify(inner) {
        Place::Artifact(kind) if kind.translatable() => Place::Edition(lang.to_string(), kind),
        Place::Unknown(why) => Place::Unknown(why),
        _ => Place::Unknown(format!(
            "an edition holds translations of sections, codex entries, art and audio plans, \
             `codewords.yaml` and `counters.yaml`, and its `edition.yaml`; \
             `editions/{lang}/{inner}` is none of these"
        )),
    }
}

/// The language and source path of an edition file (`editions/fr/sections/a.md` →
/// `("fr", "sections/a.md")`).
pub fn edition_source(path: &str) -> Option<(&str, &str)> {
    path.strip_prefix("editions/")?.split_once('/')
}

/// The stem of a path's file name (`sections/harbour.md` → `harbour`).
pub fn stem(path: &str) -> &str {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.rsplit_once('.').map(|(s, _)| s).unwrap_or(file)
}

/// A parsed artifact.
#[derive(Clone, Debug, PartialEq)]
pub struct Artifact {
    /// What it is.
    pub kind: Kind,
    /// Its path in the studio, `/`-separated.
    pub path: String,
    /// The structured part: front matter, the YAML document, or the TOML table.
    pub data: Node,
    /// The Markdown body after the front matter (Markdown kinds only).
    pub body: Option<Body>,
    /// The file's text (BOM removed, line endings normalised), for diagnostics.
    pub text: String,
}

/// The prose of a Markdown artifact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body {
    /// The Markdown text.
    pub text: String,
    /// The file line its first line is on.
    pub line: u32,
}

impl Artifact {
    /// The `id` field, when present and a string.
    pub fn id(&self) -> Option<&str> {
        self.data.str_at("id")
    }
}

/// A file that should have been an artifact but could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The kind it was meant to be.
    pub kind: Kind,
    /// Its path.
    pub path: String,
    /// The line that stopped the parser (1-based; 0 when unknown).
    pub line: u32,
    /// What went wrong.
    pub message: String,
    /// The file's text as far as it could be decoded, for diagnostics.
    pub text: String,
}

/// Parses the bytes of an artifact of a known kind.
pub fn parse(kind: Kind, path: &str, bytes: &[u8]) -> Result<Artifact, Rejected> {
    let reject = |line: u32, message: String, text: String| Rejected {
        kind,
        path: path.to_string(),
        line,
        message,
        text,
    };
    // The budget comes first, before any copy of the bytes is made: a huge file costs
    // its one read and no more.
    if bytes.len() > MAX_ARTIFACT_BYTES {
        return Err(reject(
            1,
            format!(
                "file is {} bytes; artifacts larger than {} bytes are refused",
                bytes.len(),
                MAX_ARTIFACT_BYTES
            ),
            String::new(),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let text = String::from_utf8_lossy(bytes).into_owned();
            return Err(reject(line, "file is not valid UTF-8".into(), text));
        }
    };
    let text = normalise(text);
    let parsed = match kind.format() {
        Format::Markdown => markdown::split(&text).and_then(|fm| {
            let mut data = yaml::parse(fm.yaml).map_err(|e| {
                let line = if e.line == 0 {
                    fm.yaml_line
                } else {
                    e.line + fm.yaml_line - 1
                };
                (line, e.message)
            })?;
            data.shift_lines(fm.yaml_line - 1);
            Ok((
                data,
                Some(Body {
                    text: fm.body.to_string(),
                    line: fm.body_line,
                }),
            ))
        }),
        Format::Yaml => yaml::parse(&text)
            .map(|d| (d, None))
            .map_err(|e| (e.line, e.message)),
        Format::Toml => toml::parse(&text).map(|d| (d, None)),
    };
    match parsed {
        Ok((data, body)) => Ok(Artifact {
            kind,
            path: path.to_string(),
            data,
            body,
            text,
        }),
        Err((line, message)) => Err(reject(line, message, text)),
    }
}

/// The largest artifact file showrunner parses (bytes): a whole novel's prose fits in a
/// fraction of it; YAML files have a smaller budget of their own
/// ([`yaml::MAX_YAML_BYTES`]).
pub const MAX_ARTIFACT_BYTES: usize = 8 * 1024 * 1024;

/// Removes a byte-order mark and turns CRLF and lone CR line endings into LF.
pub fn normalise(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_knows_every_artifact_location() {
        assert_eq!(
            classify("sections/harbour.md"),
            Place::Artifact(Kind::Section)
        );
        assert_eq!(
            classify("hooks/HK-20261126-01.yaml"),
            Place::Artifact(Kind::Hook)
        );
        assert_eq!(classify("studio.toml"), Place::Artifact(Kind::Studio));
        assert_eq!(classify("style/style.yaml"), Place::Artifact(Kind::Style));
        assert_eq!(
            classify("schemas/section.schema.json"),
            Place::SchemaOverride(Kind::Section)
        );
        assert_eq!(classify("README.md"), Place::Ignored);
        assert_eq!(classify("assets/cover.png"), Place::Ignored);
        assert_eq!(classify("sections/.gitkeep"), Place::Ignored);
        assert!(matches!(classify("sections/notes.txt"), Place::Unknown(_)));
        assert!(matches!(classify("hooks/HK-1.yml"), Place::Unknown(_)));
        assert!(matches!(classify("sections/act1/a.md"), Place::Unknown(_)));
        assert_eq!(
            classify("editions/fr/sections/harbour.md"),
            Place::Edition("fr".into(), Kind::Section)
        );
        assert_eq!(
            classify("editions/pt-BR/codewords.yaml"),
            Place::Edition("pt-BR".into(), Kind::Codewords)
        );
        assert_eq!(
            classify("editions/fr/edition.yaml"),
            Place::Edition("fr".into(), Kind::Edition)
        );
        assert!(matches!(
            classify("editions/fr/canon/x.md"),
            Place::Unknown(_)
        ));
        assert!(matches!(
            classify("editions/fr/studio.toml"),
            Place::Unknown(_)
        ));
        assert!(matches!(classify("editions/notes.md"), Place::Unknown(_)));
        assert!(matches!(
            classify("editions/fr/sections/a/b.md"),
            Place::Unknown(_)
        ));
        assert_eq!(classify("editions/fr/.gitkeep"), Place::Ignored);
    }

    #[test]
    fn crlf_and_bom_markdown_keeps_true_lines() {
        let src = "\u{feff}---\r\nid: a\r\ntitle: A\r\nchoices:\r\n  - label: Go\r\n    to: b\r\n---\r\nProse.\r\n";
        let art = parse(Kind::Section, "sections/a.md", src.as_bytes()).expect("parses");
        assert_eq!(art.data.locate("/choices/0/to"), 6);
        assert_eq!(art.body.as_ref().map(|b| b.line), Some(8));
        assert_eq!(art.body.map(|b| b.text), Some("Prose.\n".to_string()));
    }

    #[test]
    fn yaml_error_in_front_matter_points_at_the_file_line() {
        let src = "---\nid: a\ntitle: A\nid: b\n---\nx\n";
        let err = parse(Kind::Section, "sections/a.md", src.as_bytes()).expect_err("dup");
        assert_eq!(err.line, 4, "{err:?}");
    }

    #[test]
    fn invalid_utf8_is_rejected_with_its_line() {
        let err = parse(Kind::Hook, "hooks/x.yaml", b"id: a\ntitle: \xff\n").expect_err("utf8");
        assert_eq!(err.line, 2);
    }
}
