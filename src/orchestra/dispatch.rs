//! Intent dispatch: a customer's freeform request mapped to loops, deterministically and
//! explainably. A request is read for what it asks (its words and word pairs, the verbs
//! of work) and what it names that the studio holds (sections, codex entries, hooks,
//! snapshots, formats, a language to translate into, a new version name); a classifier
//! trained on the labelled requests in `dispatch/train.yaml` and the playbooks' own
//! trigger phrases weighs those against every loop and gives each a probability. A
//! request that fits no loop, or two about equally, or leaves out a parameter its loop
//! requires, is not guessed: it becomes a question.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use super::model::{Example, Model, Training};
use crate::artifact::node::{Node, Value};
use crate::studio::playbook::Playbook;

/// What the studio offers to resolve parameters against.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    /// Section ids with their titles.
    pub sections: Vec<(String, String)>,
    /// Codex ids with their titles.
    pub codex: Vec<(String, String)>,
    /// Hook ids.
    pub hooks: Vec<String>,
    /// Snapshot tags.
    pub snapshots: Vec<String>,
    /// Triaged (accepted, in-progress) hook ids with the loop their card says picks them
    /// up next (`next_loop`).
    pub hook_loops: Vec<(String, String)>,
}

impl Catalogue {
    /// The catalogue of a studio's files (sections, codex entries and hook cards; the
    /// snapshots are the repository's and are added by the caller).
    pub fn from_files(files: &[(String, Vec<u8>)]) -> Catalogue {
        use crate::artifact::{self, Kind};
        let mut cat = Catalogue::default();
        for (path, bytes) in files {
            let kind = if path.starts_with("sections/") {
                Kind::Section
            } else if path.starts_with("codex/") {
                Kind::Codex
            } else if path.starts_with("hooks/") {
                Kind::Hook
            } else {
                continue;
            };
            let id = artifact::stem(path).to_string();
            let parsed = artifact::parse(kind, path, bytes).ok();
            let field = |k: &str| {
                parsed
                    .as_ref()
                    .and_then(|a| a.data.str_at(k))
                    .map(str::to_string)
            };
            match kind {
                Kind::Section => cat.sections.push((id, field("title").unwrap_or_default())),
                Kind::Codex => cat.codex.push((id, field("title").unwrap_or_default())),
                _ => {
                    // A triaged hook waits for the loop its card names; a proposed one's
                    // `next_loop` is only a suggestion.
                    if matches!(field("status").as_deref(), Some("accepted" | "in-progress"))
                        && let Some(next) = field("next_loop")
                    {
                        cat.hook_loops.push((id.clone(), next));
                    }
                    cat.hooks.push(id);
                }
            }
        }
        cat
    }
}

/// One loop a request maps to.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Pick {
    /// Loop id.
    #[serde(rename = "loop")]
    pub loop_id: String,
    /// How sure the dispatcher is, from 0 to 1.
    pub score: f64,
    /// What in the request pointed to it (the explanation).
    pub because: Vec<String>,
}

/// A parameter a chosen loop requires that the request did not give.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Missing {
    /// The loop.
    #[serde(rename = "loop")]
    pub loop_id: String,
    /// The parameter's name.
    pub param: String,
    /// What it is (from the playbook).
    pub description: String,
    /// What the request said that could not be used, if anything (`Klingon`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unusable: Option<String>,
}

/// The dispatcher's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Dispatch {
    /// The loops, in dependency order (one for a simple request).
    pub loops: Vec<Pick>,
    /// Extracted parameters: kind → values.
    pub params: BTreeMap<String, Vec<String>>,
    /// Whether the request is ambiguous (asked, not guessed).
    pub ambiguous: bool,
    /// The candidates a question would offer, best first.
    pub candidates: Vec<Pick>,
    /// Loops grouped into lanes: a loop shares a lane with the loops it follows or hands
    /// off to (and runs after them); separate lanes can run side by side.
    pub lanes: Vec<Vec<String>>,
    /// Required parameters the request left out (the question asks for them).
    pub missing: Vec<Missing>,
}

const STOP: [&str; 60] = [
    "a", "an", "the", "and", "or", "but", "to", "of", "in", "on", "for", "with", "about", "at",
    "by", "from", "it", "its", "is", "are", "was", "be", "this", "that", "these", "those", "my",
    "our", "your", "we", "i", "you", "me", "us", "can", "could", "would", "should", "please",
    "some", "any", "all", "so", "just", "do", "does", "make", "get", "there", "here", "what",
    "how", "why", "when", "where", "them", "they", "up", "out", "into",
];

fn stem(w: &str) -> String {
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    for suffix in [
        "ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s", "ly",
    ] {
        if w.len() > suffix.len() + 3
            && let Some(base) = w.strip_suffix(suffix)
        {
            return base.to_string();
        }
    }
    w.to_string()
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_matches('\'').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

fn folded(text: &str) -> String {
    format!(" {} ", words(text).join(" "))
}

/// Language names and their tags. A name counts as a language to translate into only
/// where the request says so ("into Welsh", "a Welsh edition"), never as an adjective
/// of a place ("a Welsh island").
const LANGUAGES: [(&str, &str); 94] = [
    ("brazilian portuguese", "pt-BR"),
    ("brazilian", "pt-BR"),
    ("portuguese", "pt"),
    ("mexican spanish", "es-MX"),
    ("spanish", "es"),
    ("french", "fr"),
    ("german", "de"),
    ("italian", "it"),
    ("dutch", "nl"),
    ("flemish", "nl-BE"),
    ("japanese", "ja"),
    ("simplified chinese", "zh-Hans"),
    ("traditional chinese", "zh-Hant"),
    ("chinese", "zh"),
    ("mandarin", "zh"),
    ("cantonese", "yue"),
    ("korean", "ko"),
    ("polish", "pl"),
    ("swedish", "sv"),
    ("norwegian", "nb"),
    ("bokmal", "nb"),
    ("nynorsk", "nn"),
    ("danish", "da"),
    ("finnish", "fi"),
    ("icelandic", "is"),
    ("estonian", "et"),
    ("latvian", "lv"),
    ("lithuanian", "lt"),
    ("welsh", "cy"),
    ("irish", "ga"),
    ("scottish gaelic", "gd"),
    ("gaelic", "gd"),
    ("breton", "br"),
    ("english", "en"),
    ("russian", "ru"),
    ("ukrainian", "uk"),
    ("belarusian", "be"),
    ("czech", "cs"),
    ("slovak", "sk"),
    ("slovenian", "sl"),
    ("croatian", "hr"),
    ("serbian", "sr"),
    ("bosnian", "bs"),
    ("bulgarian", "bg"),
    ("macedonian", "mk"),
    ("albanian", "sq"),
    ("greek", "el"),
    ("turkish", "tr"),
    ("arabic", "ar"),
    ("hebrew", "he"),
    ("persian", "fa"),
    ("farsi", "fa"),
    ("urdu", "ur"),
    ("hindi", "hi"),
    ("bengali", "bn"),
    ("punjabi", "pa"),
    ("tamil", "ta"),
    ("telugu", "te"),
    ("marathi", "mr"),
    ("thai", "th"),
    ("vietnamese", "vi"),
    ("indonesian", "id"),
    ("malay", "ms"),
    ("tagalog", "tl"),
    ("filipino", "fil"),
    ("swahili", "sw"),
    ("amharic", "am"),
    ("yoruba", "yo"),
    ("zulu", "zu"),
    ("afrikaans", "af"),
    ("latin", "la"),
    ("catalan", "ca"),
    ("basque", "eu"),
    ("galician", "gl"),
    ("hungarian", "hu"),
    ("romanian", "ro"),
    ("esperanto", "eo"),
    ("maori", "mi"),
    ("hawaiian", "haw"),
    ("armenian", "hy"),
    ("georgian", "ka"),
    ("mongolian", "mn"),
    ("kazakh", "kk"),
    ("uzbek", "uz"),
    ("nepali", "ne"),
    ("sinhala", "si"),
    ("khmer", "km"),
    ("lao", "lo"),
    ("burmese", "my"),
    ("luxembourgish", "lb"),
    ("maltese", "mt"),
    ("faroese", "fo"),
    ("frisian", "fy"),
    ("yiddish", "yi"),
];

/// Countries whose readers a translation may be for, and their language.
const COUNTRIES: [(&str, &str); 20] = [
    ("norway", "nb"),
    ("denmark", "da"),
    ("finland", "fi"),
    ("estonia", "et"),
    ("hungary", "hu"),
    ("vietnam", "vi"),
    ("brazil", "pt-BR"),
    ("brasil", "pt-BR"),
    ("portugal", "pt"),
    ("mexico", "es-MX"),
    ("spain", "es"),
    ("france", "fr"),
    ("germany", "de"),
    ("austria", "de"),
    ("italy", "it"),
    ("japan", "ja"),
    ("sweden", "sv"),
    ("netherlands", "nl"),
    ("poland", "pl"),
    ("wales", "cy"),
];

/// Words that follow a language name when the request wants that language's edition.
const EDITION_WORDS: [&str; 9] = [
    "version",
    "edition",
    "translation",
    "translators",
    "translator",
    "readers",
    "text",
    "copy",
    "book",
];

/// Words of translating: with one of them, "in German" is a target language.
const TRANSLATING: [&str; 9] = [
    "translate",
    "translated",
    "translating",
    "translation",
    "localise",
    "localize",
    "localisation",
    "localization",
    "translator",
];

/// The languages a request asks to translate into (tags, in order of mention), and a word
/// it offers as one that is no language the dispatcher knows (`into Klingon`).
fn target_languages(text: &str) -> (Vec<String>, Option<String>) {
    let w = words(text);
    let translating = w.iter().any(|x| TRANSLATING.contains(&x.as_str()));
    let mut out: Vec<String> = Vec::new();
    let mut unknown = None;
    let mut i = 0;
    while i < w.len() {
        let two = w.get(i + 1).map(|n| format!("{} {n}", w[i]));
        let hit = LANGUAGES.iter().find_map(|(name, code)| {
            if two.as_deref() == Some(*name) {
                Some((2, *code))
            } else if w[i] == *name {
                Some((1, *code))
            } else {
                None
            }
        });
        let before = if i > 0 { w[i - 1].as_str() } else { "" };
        match hit {
            Some((len, code)) => {
                let after = w.get(i + len).map(String::as_str).unwrap_or("");
                // "into Welsh", "in Welsh", "a Welsh edition", "Welsh, please": a
                // language; "a Welsh island", "a French sailor": an adjective.
                let target = matches!(before, "into" | "to" | "in")
                    || EDITION_WORDS.contains(&after) && after != "book"
                    || after.is_empty()
                    || STOP.contains(&after)
                    || matches!(
                        after,
                        "first" | "too" | "only" | "next" | "now" | "as" | "then"
                    );
                if target && !out.iter().any(|o| o == code) {
                    out.push(code.to_string());
                }
                i += len;
            }
            None => {
                // "translate it into Klingon": a word where the language should be.
                if translating
                    && matches!(before, "into" | "to")
                    && !STOP.contains(&w[i].as_str())
                    && unknown.is_none()
                    && !matches!(w[i].as_str(), "the" | "a" | "another" | "other" | "every")
                {
                    unknown = Some(w[i].clone());
                }
                i += 1;
            }
        }
    }
    // A tag given outright: "target ja", "language=ar", "language: pt-BR".
    if out.is_empty() {
        let lower = text.to_lowercase();
        for key in ["target ", "language=", "language: ", "lang="] {
            if let Some(at) = lower.find(key) {
                let rest = &text[at + key.len()..];
                let tag: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                let known = LANGUAGES
                    .iter()
                    .any(|(_, code)| code.eq_ignore_ascii_case(&tag));
                if known {
                    out.push(tag);
                    break;
                }
            }
        }
    }
    // "for readers in Mexico": a country names its language when the request is a
    // translation.
    if out.is_empty() && translating {
        for (country, code) in COUNTRIES {
            if w.iter().any(|x| x == country) && !out.iter().any(|o| o == code) {
                out.push(code.to_string());
            }
        }
    }
    let unknown = if out.is_empty() { unknown } else { None };
    (out, unknown)
}

/// Whether a word looks like a version or release name (`v1.0`, `1.2`, `rc-2`).
fn version_like(token: &str) -> bool {
    let t = token.trim_matches(|c: char| !c.is_alphanumeric());
    let t = t
        .strip_prefix('v')
        .or_else(|| t.strip_prefix('V'))
        .unwrap_or(t);
    let dotted = t.contains('.')
        && t.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let rc = {
        let l = t.to_lowercase();
        (l.starts_with("rc") || l.starts_with("beta") || l.starts_with("alpha"))
            && l.chars().any(|c| c.is_ascii_digit())
    };
    dotted || rc
}

/// The features a classifier reads from a piece of a request: its words and word pairs
/// (stemmed), the loops whose trigger phrases and keywords it contains, what it names
/// that the studio holds, and a few shapes (a question, a format, a version name, a
/// language to translate into).
fn features(text: &str, cat: &Catalogue, cues: &Cues) -> Vec<String> {
    let w = words(text);
    let mut f: Vec<String> = Vec::new();
    let content: Vec<(usize, String)> = w
        .iter()
        .enumerate()
        .filter(|(_, x)| x.len() > 1 && !STOP.contains(&x.as_str()))
        .map(|(i, x)| (i, stem(x)))
        .collect();
    for (_, s) in &content {
        f.push(format!("w:{s}"));
    }
    // Pieces of words, which survive a typo ("illustation", "soundtrak").
    for (i, _) in &content {
        let chars: Vec<char> = format!("<{}>", w[*i]).chars().collect();
        if chars.len() >= 6 {
            for g in chars.windows(4) {
                f.push(format!("g:{}", g.iter().collect::<String>()));
            }
        }
    }
    for pair in w.windows(2) {
        if STOP.contains(&pair[0].as_str()) && STOP.contains(&pair[1].as_str()) {
            continue;
        }
        f.push(format!("b:{}_{}", stem(&pair[0]), stem(&pair[1])));
    }
    if let Some(first) = w.first() {
        f.push(format!("first:{}", stem(first)));
    }
    // What the words mean: the kinds of work and things a studio deals in.
    static MEANS: std::sync::LazyLock<std::collections::HashMap<&'static str, Vec<&'static str>>> =
        std::sync::LazyLock::new(|| {
            let mut m: std::collections::HashMap<&'static str, Vec<&'static str>> =
                std::collections::HashMap::new();
            for (concept, members) in CONCEPTS {
                for w in members {
                    m.entry(*w).or_default().push(concept);
                }
            }
            m
        });
    for x in &w {
        let st = stem(x);
        let mut found: Vec<&str> = MEANS.get(x.as_str()).cloned().unwrap_or_default();
        found.extend(MEANS.get(st.as_str()).into_iter().flatten());
        found.sort_unstable();
        found.dedup();
        for concept in found {
            f.push(format!("s:{concept}"));
        }
    }
    if text.trim_end().ends_with('?') {
        f.push("c:asks".into());
    }
    let (langs, unknown) = target_languages(text);
    if !langs.is_empty() || unknown.is_some() {
        f.push("c:target-language".into());
    }
    let padded = folded(text);
    // Any language's name as a word of its own, found in one pass.
    static NAMES: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::new(LANGUAGES.iter().map(|(name, _)| format!(" {name} ")))
                .ok()
        });
    let named_language = match NAMES.as_ref() {
        Some(names) => names.is_match(padded.as_str()),
        None => LANGUAGES
            .iter()
            .any(|(name, _)| padded.contains(&format!(" {name} "))),
    };
    if named_language {
        f.push("c:language-name".into());
    }
    for (word, _) in FORMATS {
        if padded.contains(&format!(" {word} ")) {
            f.push("c:format".into());
            break;
        }
    }
    if text.split_whitespace().any(version_like) {
        f.push("c:version".into());
    }
    if w.iter().any(|x| x.chars().all(|c| c.is_ascii_digit())) {
        f.push("c:number".into());
    }
    let stems: BTreeSet<String> = content.iter().map(|(_, s)| s.clone()).collect();
    for loop_id in cues.found(&padded, &stems) {
        f.push(format!("k:{loop_id}"));
    }
    let named = named(text, cat);
    for kind in ["sections", "codex", "hooks", "snapshot"] {
        if named.contains_key(kind) {
            f.push(format!("o:{kind}"));
        }
    }
    // Nothing of a book or a studio in it: likely a request for something else.
    if named.is_empty() && !w.iter().any(|x| STUDIO_WORDS.contains(&stem(x).as_str())) {
        f.push("c:outside".into());
    }
    f
}

/// Words grouped by what they mean to a studio (a word or its stem): a request is
/// matched on these as well as on its words, so a synonym the training requests never
/// used still points to the work.
const CONCEPTS: [(&str, &[&str]); 18] = [
    (
        "sound",
        &[
            "sound",
            "sounds",
            "hear",
            "heard",
            "hearing",
            "audio",
            "music",
            "musical",
            "soundtrack",
            "ambience",
            "ambient",
            "noise",
            "noises",
            "sfx",
            "cue",
            "cues",
            "melody",
            "song",
            "songs",
            "listen",
            "listening",
            "loud",
            "quiet",
            "soundscape",
            "foley",
            "drone",
            "chime",
            "chimes",
            "whisper",
            "voiceover",
            "narrated",
            "mix",
        ],
    ),
    (
        "picture",
        &[
            "picture",
            "pictures",
            "pic",
            "pics",
            "image",
            "images",
            "illustration",
            "illustrations",
            "illustrate",
            "illustrated",
            "illustrator",
            "drawing",
            "draw",
            "drawn",
            "art",
            "artwork",
            "painting",
            "paint",
            "cover",
            "alt",
            "caption",
            "captions",
            "svg",
            "png",
            "visual",
            "visuals",
            "splash",
            "portrait",
            "map",
        ],
    ),
    (
        "translate",
        &[
            "translate",
            "translated",
            "translating",
            "translation",
            "translations",
            "translator",
            "localise",
            "localize",
            "localisation",
            "localization",
            "l10n",
            "language",
            "languages",
            "bilingual",
        ],
    ),
    (
        "export",
        &[
            "bind",
            "binding",
            "bound",
            "export",
            "exports",
            "epub",
            "ebook",
            "html",
            "pdf",
            "kindle",
            "kobo",
            "twee",
            "twine",
            "download",
            "downloadable",
            "file",
            "files",
            "format",
            "formats",
            "render",
            "print",
            "website",
            "web",
            "markdown",
            "e-reader",
            "reader's",
            "offline",
            "copy",
            "copies",
        ],
    ),
    (
        "release",
        &[
            "snapshot",
            "snapshots",
            "tag",
            "tagged",
            "release",
            "released",
            "freeze",
            "frozen",
            "version",
            "milestone",
            "archive",
            "lock",
            "promote",
            "cold",
            "official",
            "baseline",
            "rc",
            "ship",
            "shipped",
        ],
    ),
    (
        "check",
        &[
            "check",
            "checks",
            "checked",
            "validate",
            "validation",
            "verify",
            "gate",
            "gatecheck",
            "lint",
            "qa",
            "red",
            "green",
            "reachable",
            "reachability",
            "orphan",
            "orphans",
            "dead",
            "audit",
            "bars",
            "verdict",
            "sanity",
            "pass",
            "passes",
            "fail",
            "fails",
            "broken",
        ],
    ),
    (
        "fix",
        &[
            "fix", "fixes", "fixed", "repair", "patch", "bug", "bugs", "error", "errors",
            "findings", "finding", "blocked", "block", "resolve", "remedy", "waive", "waiver",
            "yellow", "yellows", "unblock", "mend", "correct",
        ],
    ),
    (
        "playtest",
        &[
            "play",
            "playthrough",
            "playtest",
            "playtester",
            "playtesters",
            "walkthrough",
            "first-time",
            "blind",
            "experience",
            "try",
            "tryout",
            "reading",
            "aloud",
            "route",
            "routes",
            "player",
            "narrate",
            "narration",
            "impressions",
        ],
    ),
    (
        "lookback",
        &[
            "retro",
            "retrospective",
            "post-mortem",
            "postmortem",
            "lessons",
            "look",
            "went",
            "wrong",
            "worked",
            "process",
            "cycle",
            "slowed",
            "idle",
            "swamped",
            "bottleneck",
            "metrics",
            "review",
            "learned",
            "learnt",
            "again",
        ],
    ),
    (
        "hooks",
        &[
            "hooks",
            "hook",
            "ideas",
            "backlog",
            "loose",
            "threads",
            "thread",
            "triage",
            "parked",
            "proposals",
            "proposal",
            "pile",
            "list",
            "deferred",
            "accepted",
            "rejected",
        ],
    ),
    (
        "lore",
        &[
            "lore",
            "canon",
            "history",
            "backstory",
            "origin",
            "origins",
            "why",
            "truth",
            "secret",
            "secrets",
            "really",
            "myth",
            "myths",
            "legend",
            "past",
            "bible",
            "motive",
            "motives",
            "happened",
            "explain",
        ],
    ),
    (
        "codex",
        &[
            "codex",
            "glossary",
            "entry",
            "entries",
            "reference",
            "explainer",
            "definition",
            "page",
            "pages",
            "wiki",
            "encyclopedia",
            "term",
            "terms",
            "who's",
            "appendix",
            "lookup",
        ],
    ),
    (
        "style",
        &[
            "style",
            "tone",
            "voice",
            "register",
            "wording",
            "flowery",
            "consistent",
            "consistency",
            "copyedit",
            "copyediting",
            "polish",
            "banned",
            "words",
            "phrasing",
            "prose",
            "jokey",
            "modern",
            "sentences",
            "tense",
            "grammar",
            "rein",
            "smooth",
        ],
    ),
    (
        "scene",
        &[
            "scene", "scenes", "section", "sections", "passage", "passages", "write", "rewrite",
            "draft", "chapter", "moment", "choice", "choices", "ending", "endings", "node",
            "nodes", "storylet", "expand", "longer", "short", "abrupt", "flesh",
        ],
    ),
    (
        "spark",
        &[
            "outline",
            "skeleton",
            "structure",
            "branch",
            "branching",
            "premise",
            "storyline",
            "plot",
            "beat",
            "beats",
            "sketch",
            "shape",
            "spin-off",
            "side",
            "sequel",
        ],
    ),
    (
        "world",
        &[
            "world",
            "setting",
            "worldbuilding",
            "world-building",
            "factions",
            "faction",
            "places",
            "rules",
            "geography",
            "culture",
            "magic",
            "society",
            "city",
            "kingdom",
            "founding",
        ],
    ),
    (
        "whole",
        &[
            "whole",
            "everything",
            "complete",
            "entire",
            "start",
            "finish",
            "end-to-end",
            "full",
            "all",
            "finished",
        ],
    ),
    (
        "outside",
        &[
            "weather", "recipe", "joke", "poem", "birthday", "email", "python", "code", "git",
            "homework", "dinner", "holiday", "movie", "film", "taxes",
        ],
    ),
];

/// Stems of words that place a request in the studio's world.
const STUDIO_WORDS: [&str; 40] = [
    "book",
    "story",
    "scene",
    "section",
    "chapter",
    "reader",
    "player",
    "codex",
    "entry",
    "glossary",
    "canon",
    "lore",
    "hook",
    "gate",
    "check",
    "snapshot",
    "tag",
    "release",
    "epub",
    "html",
    "twine",
    "translate",
    "translation",
    "edition",
    "illustration",
    "picture",
    "art",
    "audio",
    "sound",
    "music",
    "style",
    "voice",
    "tone",
    "playtest",
    "retro",
    "gamebook",
    "ending",
    "choice",
    "hot",
    "cold",
];

/// Whether a part of a request is a statement about how things stand ("Hot is green
/// now", "the gate passed yesterday") rather than a piece of work it asks for.
fn is_statement(part: &str) -> bool {
    let t = folded(part);
    let first = words(part)
        .into_iter()
        .find(|x| {
            !matches!(
                x.as_str(),
                "and" | "then" | "please" | "also" | "now" | "so"
            )
        })
        .unwrap_or_default();
    if REQUEST_VERBS.contains(&first.as_str()) {
        return false;
    }
    let conditional = ["once ", "after ", "when ", "before ", "as soon as "]
        .iter()
        .any(|c| t.trim_start().starts_with(c));
    let asks = [
        " please ",
        " can you ",
        " could you ",
        " would you ",
        " let's ",
        " lets ",
        " need ",
        " want ",
        " i'd like ",
        " make ",
        " get ",
        " have ",
    ]
    .iter()
    .any(|c| t.contains(c));
    let states = [
        " is ",
        " are ",
        " was ",
        " were ",
        "'s ",
        " passed ",
        " came back ",
        " been ",
        " checked ",
        " done ",
        " green ",
        " clean ",
    ]
    .iter()
    .any(|c| t.contains(c));
    states && !asks && !conditional
}

/// Words of sequence: a request using one names pieces of work in an order.
const SEQUENCE: [&str; 8] = [
    " then ",
    " after that ",
    " also ",
    " first ",
    " before ",
    " afterwards ",
    " once ",
    " when ",
];

/// The features that say whether a request names one piece of work or several: its
/// words and pairs, plus how it is put together — words of sequence, how many parts
/// and how many of them begin with a verb of work.
fn shape(text: &str, cat: &Catalogue, cues: &Cues) -> Vec<String> {
    let mut f: Vec<String> = features(text, cat, cues)
        .into_iter()
        .filter(|x| x.starts_with("w:") || x.starts_with("b:") || x.starts_with("k:"))
        .collect();
    let padded = format!(" {} ", folded(text));
    for w in SEQUENCE.iter().chain(&[" and ", " plus "]) {
        if padded.contains(w) {
            f.push(format!("m:{}", w.trim()));
        }
    }
    let parts = clauses(text).iter().flat_map(|c| items(c)).count();
    f.push(format!("m:parts={}", parts.min(5)));
    let verbs = clauses(text)
        .iter()
        .flat_map(|c| items(c))
        .filter(|p| {
            words(p)
                .into_iter()
                .find(|x| {
                    !matches!(
                        x.as_str(),
                        "and" | "then" | "also" | "now" | "so" | "please"
                    )
                })
                .is_some_and(|x| REQUEST_VERBS.contains(&x.as_str()))
        })
        .count();
    f.push(format!("m:verbs={}", verbs.min(4)));
    let kinds: BTreeSet<&str> = f.iter().filter_map(|x| x.strip_prefix("k:")).collect();
    f.push(format!("m:loops-named={}", kinds.len().min(4)));
    f
}

/// Verbs a request for work begins with ("fix whatever's red", "work out what it is").
const REQUEST_VERBS: [&str; 72] = [
    "work",
    "write",
    "make",
    "fix",
    "check",
    "run",
    "tag",
    "bind",
    "translate",
    "draft",
    "settle",
    "outline",
    "sketch",
    "spark",
    "deepen",
    "rewrite",
    "add",
    "play",
    "give",
    "tighten",
    "illustrate",
    "draw",
    "do",
    "get",
    "build",
    "create",
    "export",
    "render",
    "freeze",
    "snapshot",
    "triage",
    "sort",
    "harvest",
    "review",
    "validate",
    "plan",
    "record",
    "compose",
    "score",
    "localise",
    "localize",
    "polish",
    "tidy",
    "smooth",
    "expand",
    "flesh",
    "figure",
    "decide",
    "pin",
    "lay",
    "start",
    "take",
    "put",
    "split",
    "gather",
    "look",
    "hold",
    "have",
    "generate",
    "produce",
    "publish",
    "package",
    "merge",
    "promote",
    "lock",
    "call",
    "name",
    "cut",
    "redo",
    "finish",
    "clean",
    "update",
];

/// Whether a part of a request only qualifies another ("with a real choice…", "from
/// the latest snapshot", "according to the playtest"): it names no work of its own.
fn is_modifier(part: &str) -> bool {
    const OPENERS: [&str; 40] = [
        "with",
        "without",
        "for",
        "so",
        "because",
        "as",
        "like",
        "in",
        "on",
        "at",
        "to",
        "from",
        "by",
        "but",
        "which",
        "that",
        "where",
        "who",
        "if",
        "since",
        "the",
        "a",
        "an",
        "it",
        "this",
        "i",
        "we",
        "you",
        "they",
        "he",
        "she",
        "my",
        "our",
        "their",
        "just",
        "according",
        "only",
        "all",
        "each",
        "every",
    ];
    let w = words(part);
    let first = w
        .iter()
        .find(|x| !matches!(x.as_str(), "and" | "please" | "also" | "now"))
        .map(String::as_str)
        .unwrap_or("");
    OPENERS.contains(&first)
}

/// Words that say nothing about what a new story or world should be.
const GENERIC: [&str; 34] = [
    "want",
    "start",
    "new",
    "story",
    "book",
    "world",
    "build",
    "make",
    "write",
    "create",
    "begin",
    "brand",
    "idea",
    "gamebook",
    "setting",
    "something",
    "like",
    "need",
    "one",
    "another",
    "spark",
    "outline",
    "lore",
    "deepen",
    "deepening",
    "canon",
    "bit",
    "more",
    "stuff",
    "thing",
    "things",
    "let",
    "please",
    "us",
];

/// Whether the request says what a premise or topic would need: at least two words
/// beyond the generic ones.
fn says_enough(request: &str) -> bool {
    words(request)
        .iter()
        .filter(|w| w.len() > 2 && !STOP.contains(&w.as_str()) && !GENERIC.contains(&w.as_str()))
        .count()
        >= 2
}

/// The playbooks' trigger phrases and keywords: `(loop, phrase, whole)`, a phrase of
/// several words matched whole (folded), a single word by its stem.
#[derive(Clone, Debug, Default)]
struct Cues {
    /// `(loop, phrase, whole)`: a whole phrase is found in the folded text, a single
    /// word by its stem.
    list: Vec<(String, String, bool)>,
    /// The whole phrases, found in one pass (pattern `i` is `phrases[i]`, an index into
    /// `list`).
    finder: Option<aho_corasick::AhoCorasick>,
    phrases: Vec<usize>,
}

impl Cues {
    fn of(playbooks: &BTreeMap<String, Playbook>) -> Cues {
        let mut out = Vec::new();
        for p in playbooks.values() {
            for t in p.triggers.iter().chain(&p.keywords) {
                let f = folded(t);
                if f.trim().is_empty() {
                    continue;
                }
                if f.trim().contains(' ') {
                    out.push((p.id.clone(), f, true));
                } else {
                    out.push((p.id.clone(), stem(f.trim()), false));
                }
            }
        }
        out.sort();
        out.dedup();
        let phrases: Vec<usize> = (0..out.len()).filter(|i| out[*i].2).collect();
        let finder =
            aho_corasick::AhoCorasick::new(phrases.iter().map(|i| out[*i].1.as_str())).ok();
        Cues {
            list: out,
            finder,
            phrases,
        }
    }

    /// The loops whose cues the folded text holds, in the list's order (a loop once for
    /// each of its cues found).
    fn found(&self, padded: &str, stems: &BTreeSet<String>) -> Vec<&str> {
        let mut hit = vec![false; self.list.len()];
        match &self.finder {
            Some(finder) => {
                for m in finder.find_overlapping_iter(padded) {
                    hit[self.phrases[m.pattern().as_usize()]] = true;
                }
            }
            None => {
                for i in &self.phrases {
                    hit[*i] = padded.contains(self.list[*i].1.as_str());
                }
            }
        }
        self.list
            .iter()
            .zip(hit)
            .filter(|((_, phrase, whole), hit)| if *whole { *hit } else { stems.contains(phrase) })
            .map(|((loop_id, _, _), _)| loop_id.as_str())
            .collect()
    }
}

const FORMATS: [(&str, &str); 12] = [
    ("epub", "epub"),
    ("e book", "epub"),
    ("ebook", "epub"),
    ("e reader", "epub"),
    ("kindle", "epub"),
    ("html", "html"),
    ("web page", "html"),
    ("website", "html"),
    ("twine", "twee"),
    ("twee", "twee"),
    ("markdown", "md"),
    ("md", "md"),
];

/// What the request names that the studio has: sections, codex entries, hooks and
/// snapshots, by id or title.
fn named(request: &str, cat: &Catalogue) -> BTreeMap<String, Vec<String>> {
    let text = folded(request);
    let lower = request.to_lowercase();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut add = |k: &str, v: String| {
        let e = out.entry(k.to_string()).or_default();
        if !e.contains(&v) {
            e.push(v);
        }
    };
    let is_named = |id: &str, title: &str| {
        lower.contains(id) && id.contains('-')
            || text.contains(&folded(id))
            || (!title.is_empty()
                && text.contains(&folded(
                    title.trim_start_matches("The ").trim_start_matches("the "),
                )))
    };
    for (id, title) in &cat.sections {
        if is_named(id, title) {
            add("sections", id.clone());
        }
    }
    for (id, title) in &cat.codex {
        if is_named(id, title) {
            add("codex", id.clone());
        }
    }
    for h in &cat.hooks {
        // By id, or by its number as people say it ("hook 02", "hook 2").
        let number = h.rsplit('-').next().unwrap_or("");
        let short = number.trim_start_matches('0');
        let by_number = !number.is_empty()
            && [number, short]
                .iter()
                .any(|n| !n.is_empty() && text.contains(&format!(" hook {n} ")));
        if request.contains(h.as_str()) || by_number {
            add("hooks", h.clone());
        }
    }
    for t in &cat.snapshots {
        if request.contains(t.as_str()) {
            add("snapshot", t.clone());
        }
    }
    out
}

/// Parameters the request gives: what it names that the studio has, the languages it
/// asks to translate into, the formats it wants, and a new version name.
fn params(request: &str, cat: &Catalogue) -> BTreeMap<String, Vec<String>> {
    let mut out = named(request, cat);
    let (langs, _) = target_languages(request);
    if !langs.is_empty() {
        out.insert("language".into(), langs);
    }
    let text = folded(request);
    for (word, format) in FORMATS {
        if text.contains(&format!(" {word} ")) {
            let e = out.entry("formats".into()).or_default();
            if !e.iter().any(|x| x == format) {
                e.push(format.to_string());
            }
        }
    }
    let snapshots: BTreeSet<&str> = cat.snapshots.iter().map(String::as_str).collect();
    for token in request.split_whitespace() {
        let t = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '-');
        let t = t.trim_end_matches('.');
        if version_like(t) && !snapshots.contains(t) {
            out.entry("name".into()).or_default().push(t.to_string());
            break;
        }
    }
    out
}
/// Splits a request into the clauses that may name separate pieces of work.
fn clauses(request: &str) -> Vec<String> {
    split_on(
        request,
        &[
            " and then ",
            ", then ",
            " then ",
            "; ",
            " after that ",
            " and also ",
            ". also ",
            " also ",
            ", but first ",
            " but first ",
            ", first ",
            " before that ",
            " and afterwards ",
            ", and ",
            ". ",
        ],
    )
}

/// Splits a request into the items of a list of commands.
fn items(request: &str) -> Vec<String> {
    split_on(request, &[", and ", ", ", " and "])
}

/// Splits `text` on each separator in turn, dropping empty pieces.
fn split_on(text: &str, separators: &[&str]) -> Vec<String> {
    let mut parts = vec![text.to_string()];
    for sep in separators {
        parts = parts
            .into_iter()
            .flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>())
            .filter(|p| !p.trim().is_empty())
            .collect();
    }
    parts
}

/// Orders loops so every loop comes after the ones it `follows` (stable otherwise).
fn order(loops: Vec<Pick>, playbooks: &BTreeMap<String, Playbook>) -> Vec<Pick> {
    let mut out: Vec<Pick> = Vec::new();
    let mut rest = loops;
    while !rest.is_empty() {
        let names: BTreeSet<String> = rest.iter().map(|p| p.loop_id.clone()).collect();
        let i = rest
            .iter()
            .position(|p| {
                playbooks.get(&p.loop_id).is_none_or(|pb| {
                    !pb.follows
                        .iter()
                        .any(|f| f != &p.loop_id && names.contains(f))
                })
            })
            .unwrap_or(0);
        out.push(rest.remove(i));
    }
    out
}

/// The labelled requests the dispatcher learns from.
const TRAIN: &str = include_str!("../../dispatch/train.yaml");

/// When the dispatcher acts rather than asks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// How sure it must be of a loop to act on a whole request…
    pub sure: f32,
    /// …and by how much the best loop must lead the next.
    pub lead: f32,
    /// How sure it must be of each part of a request naming several pieces of work…
    pub sure_of_part: f32,
    /// …and how much weight that part's loop must have in the request as a whole…
    pub part_in_whole: f32,
    /// …and how likely the request is, by how it is put, to name several pieces of work.
    pub several: f32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            sure: 0.25,
            lead: 0.05,
            sure_of_part: 0.35,
            part_in_whole: 0.03,
            several: 0.15,
        }
    }
}

/// A labelled request: its text and the loops it wants (none: it must be asked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labelled {
    /// The customer's words.
    pub request: String,
    /// The loops, in dependency order; empty when a question must be asked.
    pub loops: Vec<String>,
}

/// Reads a corpus file (`dispatch/*.yaml`): a list of `{request, loops, ambiguous}`.
pub fn read_corpus(text: &str) -> Result<Vec<Labelled>, String> {
    let doc = crate::artifact::yaml::parse(text).map_err(|e| e.to_string())?;
    let entries = doc.as_seq().ok_or("the corpus is not a list")?;
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let request = e
            .str_at("request")
            .ok_or_else(|| format!("entry {} has no request", i + 1))?;
        let ambiguous = matches!(
            e.get("ambiguous").map(|n| &n.value),
            Some(Value::Bool(true))
        );
        let loops: Vec<String> = if ambiguous {
            Vec::new()
        } else {
            e.get("loops")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(|l| l.as_str().map(str::to_string))
                .collect()
        };
        out.push(Labelled {
            request: request.to_string(),
            loops,
        });
    }
    Ok(out)
}

/// The training corpus, read once.
fn training() -> &'static [Labelled] {
    static CORPUS: std::sync::LazyLock<Vec<Labelled>> =
        std::sync::LazyLock::new(|| read_corpus(TRAIN).unwrap_or_default());
    &CORPUS
}

/// The studio the corpus talks about (the embedded sample), as a catalogue.
fn sample_catalogue() -> &'static Catalogue {
    static CAT: std::sync::LazyLock<Catalogue> = std::sync::LazyLock::new(|| {
        let mut cat = Catalogue::from_files(&crate::studio::sample::files());
        cat.snapshots = vec!["cold-2026-11-26".into()];
        cat
    });
    &CAT
}

/// How many of the most alike training requests [`Dispatcher`] consults, and how much
/// their loops count beside the model's (chosen on cross-validation: 87.0 → 89.0 %).
const NEIGHBOURS: usize = 10;
const LIKENESS: f32 = 0.3;

/// A dispatcher trained for one set of playbooks.
#[derive(Debug)]
pub struct Dispatcher {
    loops: Vec<String>,
    model: Model,
    /// Whether a request names one piece of work or several (classes 0 and 1).
    several: Model,
    cues: Cues,
    /// When it acts rather than asks.
    pub thresholds: Thresholds,
}

impl Dispatcher {
    /// Trains on `corpus` (requests about the sample studio) and the playbooks' own
    /// trigger phrases, keywords, names and purposes (so a studio's own loop is known by
    /// what its playbook says, before any request about it was labelled).
    pub fn train(playbooks: &BTreeMap<String, Playbook>, corpus: &[Labelled]) -> Dispatcher {
        let loops: Vec<String> = playbooks.keys().cloned().collect();
        let ask = loops.len();
        let index = |id: &str| loops.iter().position(|l| l == id);
        let cat = sample_catalogue();
        let cues = Cues::of(playbooks);
        let mut examples = Vec::new();
        for l in corpus {
            let targets: Vec<(usize, f32)> = if l.loops.is_empty() {
                vec![(ask, 1.0)]
            } else {
                let known: Vec<usize> = l.loops.iter().filter_map(|x| index(x)).collect();
                let share = 1.0 / known.len().max(1) as f32;
                known.into_iter().map(|c| (c, share)).collect()
            };
            if targets.is_empty() {
                continue;
            }
            examples.push(Example {
                features: features(&l.request, cat, &cues),
                targets,
                weight: 1.0,
            });
        }
        let none = Catalogue::default();
        for p in playbooks.values() {
            let Some(c) = index(&p.id) else { continue };
            let mut add = |text: &str, weight: f32| {
                examples.push(Example {
                    features: features(text, &none, &cues),
                    targets: vec![(c, 1.0)],
                    weight,
                });
            };
            for t in &p.triggers {
                add(t, 0.6);
            }
            for k in &p.keywords {
                add(k, 0.3);
            }
            add(&format!("{} {}", p.name, p.purpose), 0.4);
        }
        let model = Model::train(ask + 1, &examples, Training::default());
        let shapes: Vec<Example> = corpus
            .iter()
            .map(|l| Example {
                features: shape(&l.request, cat, &cues),
                targets: vec![(usize::from(l.loops.len() > 1), 1.0)],
                weight: 1.0,
            })
            .collect();
        let several = Model::train(2, &shapes, Training::default());
        Dispatcher {
            loops,
            model,
            several,
            cues,
            thresholds: Thresholds::default(),
        }
    }

    /// The dispatcher for these playbooks, trained on the embedded corpus (once per set
    /// of playbooks in a process).
    pub fn for_playbooks(playbooks: &BTreeMap<String, Playbook>) -> Arc<Dispatcher> {
        static CACHE: Mutex<Option<(String, Arc<Dispatcher>)>> = Mutex::new(None);
        let key = playbooks
            .values()
            .map(|p| {
                format!(
                    "{}\u{1}{}\u{1}{}",
                    p.id,
                    p.triggers.join("\u{2}"),
                    p.keywords.join("\u{2}")
                )
            })
            .collect::<Vec<_>>()
            .join("\u{0}");
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((k, d)) = cache.as_ref()
            && *k == key
        {
            return d.clone();
        }
        let d = Arc::new(Dispatcher::train(playbooks, training()));
        *cache = Some((key, d.clone()));
        d
    }

    /// Every loop with its probability, best first; the probability that the text
    /// should be asked about; and the loop most likely among the loops alone, with its
    /// share of their probability (the question class left out).
    fn rank(&self, text: &str, cat: &Catalogue) -> (Vec<Pick>, f32, Option<(String, f32)>) {
        let f = features(text, cat, &self.cues);
        let mut p = self.model.probabilities(&f);
        // Blended with the loops of the training requests most like it: a phrasing
        // the linear model weighs badly is often close to one it has seen.
        let near = self.model.neighbours(&f, NEIGHBOURS);
        for (v, n) in p.iter_mut().zip(near) {
            *v = (1.0 - LIKENESS) * *v + LIKENESS * n;
        }
        let mut hints: Vec<(usize, String)> = Vec::new();
        // A triaged hook the request names waits for the loop its card says.
        for h in named(text, cat).get("hooks").into_iter().flatten() {
            if let Some((_, next)) = cat.hook_loops.iter().find(|(id, _)| id == h)
                && let Some(c) = self.loops.iter().position(|l| l == next)
            {
                p[c] += 1.0;
                hints.push((c, format!("{h} is next for {next}")));
            }
        }
        let sum: f32 = p.iter().sum();
        for v in &mut p {
            *v /= sum;
        }
        let ask = p[self.loops.len()];
        let loops_only: f32 = p[..self.loops.len()].iter().sum();
        let leader = (0..self.loops.len())
            .max_by(|a, b| p[*a].total_cmp(&p[*b]).then_with(|| b.cmp(a)))
            .filter(|_| loops_only > 0.0)
            .map(|c| (self.loops[c].clone(), p[c] / loops_only));
        let mut picks: Vec<Pick> = self
            .loops
            .iter()
            .enumerate()
            .map(|(c, id)| {
                let mut because: Vec<String> = self
                    .model
                    .evidence(&f, c, 3)
                    .into_iter()
                    .map(explain)
                    .collect();
                because.extend(
                    hints
                        .iter()
                        .filter(|(h, _)| *h == c)
                        .map(|(_, w)| w.clone()),
                );
                Pick {
                    loop_id: id.clone(),
                    score: (f64::from(p[c]) * 100.0).round() / 100.0,
                    because,
                }
            })
            .collect();
        picks.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.loop_id.cmp(&b.loop_id))
        });
        (picks, ask, leader)
    }

    /// Dispatches a request.
    pub fn dispatch(
        &self,
        request: &str,
        playbooks: &BTreeMap<String, Playbook>,
        cat: &Catalogue,
    ) -> Dispatch {
        let t = self.thresholds;
        let (whole, ask, leader) = self.rank(request, cat);
        let lower = folded(request);
        let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        // Words of sequence name separate pieces of work outright; a plain "and" or a
        // list may, when each part is clearly a loop of its own.
        let sequenced = has(&SEQUENCE);
        let parts: Vec<String> = if sequenced {
            clauses(request).iter().flat_map(|c| items(c)).collect()
        } else {
            items(request)
        };
        let listed = !sequenced
            && parts.len() > 1
            && parts.iter().all(|i| i.split_whitespace().count() <= 6);
        let mut chosen: Vec<Pick> = Vec::new();
        if parts.len() > 1 {
            for part in &parts {
                let (ranked, ask, _) = self.rank(part, cat);
                if let Some(best) = ranked.first()
                    && best.score as f32 >= t.sure_of_part
                    && ask < best.score as f32
                    && ranked
                        .get(1)
                        .is_none_or(|s| (best.score - s.score) as f32 >= t.lead)
                    && !chosen.iter().any(|c| c.loop_id == best.loop_id)
                    && !is_statement(part)
                    && (sequenced || !is_modifier(part))
                    // A part's loop must have some weight in the request as a whole:
                    // "Everything's checked. Lock it in" asks for one snapshot.
                    && whole
                        .iter()
                        .find(|w| w.loop_id == best.loop_id)
                        .is_some_and(|w| w.score as f32 >= t.part_in_whole)
                {
                    chosen.push(best.clone());
                }
            }
        }
        let related = |a: &str, b: &str| linked(playbooks, a, b);
        // Whether the request names several pieces of work at all, learnt from how the
        // corpus's multi-part requests are put (their joins, verbs and parts).
        let p_several = self.several.probabilities(&shape(request, cat, &self.cues))[1];
        let several = chosen.len() > 1
            && p_several >= t.several
            && (sequenced
                || listed
                || chosen.iter().all(|c| {
                    chosen
                        .iter()
                        .any(|d| d.loop_id != c.loop_id && related(&c.loop_id, &d.loop_id))
                }));
        let joined = sequenced || has(&[" and ", " n ", " once ", " if "]) || request.contains(',');
        // Two (or three) loops sharing a request almost evenly, each following the
        // other in the playbooks, joined by the request's words: all were asked for.
        let shared: Vec<Pick> = whole.iter().filter(|p| p.score >= 0.2).cloned().collect();
        let split = !several
            && p_several >= t.several
            && joined
            && shared.len() >= 2
            && shared[1].score >= 0.3
            && shared.iter().all(|c| {
                shared
                    .iter()
                    .any(|d| d.loop_id != c.loop_id && related(&c.loop_id, &d.loop_id))
            });
        let (loops, ambiguous) = if several {
            (order(chosen, playbooks), false)
        } else if split {
            (order(shared, playbooks), false)
        } else {
            match (whole.first(), whole.get(1)) {
                (Some(best), second)
                    if best.score as f32 >= t.sure
                        && ask < best.score as f32
                        && second.is_none_or(|s| (best.score - s.score) as f32 >= t.lead) =>
                {
                    (vec![best.clone()], false)
                }
                _ => (Vec::new(), true),
            }
        };
        let params = params(request, cat);
        let (_, unusable) = target_languages(request);
        // Asked because of what it leaves out rather than what it wants: a request that
        // clearly names one loop but gives it no usable language ("into Elvish") asks
        // for the language, not for the loop. The loop's own probability may be small
        // (the corpus asks about such requests, so the question class takes most of
        // it): among the loops alone it must hold at least half.
        let leading = leader
            .filter(|(_, share)| *share >= 0.5)
            .and_then(|(id, _)| whole.iter().find(|w| w.loop_id == id));
        let (loops, ambiguous) = match (ambiguous, leading) {
            (true, Some(best))
                if !params.contains_key("language")
                    && (unusable.is_some()
                        || words(request)
                            .iter()
                            .any(|w| TRANSLATING.contains(&w.as_str())))
                    && playbooks.get(&best.loop_id).is_some_and(|pb| {
                        pb.parameters
                            .iter()
                            .any(|q| q.required && q.extractor == "language")
                    }) =>
            {
                (vec![best.clone()], false)
            }
            _ => (loops, ambiguous),
        };
        let mut missing = Vec::new();
        for p in &loops {
            let Some(pb) = playbooks.get(&p.loop_id) else {
                continue;
            };
            for q in pb.parameters.iter().filter(|q| q.required) {
                let absent = match q.extractor.as_str() {
                    "language" => !params.contains_key("language"),
                    "text" => !says_enough(request),
                    _ => false,
                };
                if absent {
                    missing.push(Missing {
                        loop_id: p.loop_id.clone(),
                        param: q.name.clone(),
                        description: q.description.clone(),
                        unusable: unusable.clone(),
                    });
                }
            }
        }
        let lanes = lanes(&loops, playbooks);
        Dispatch {
            params,
            ambiguous,
            // Only loops with some weight are worth offering.
            candidates: whole
                .into_iter()
                .filter(|c| c.score >= 0.05)
                .take(4)
                .collect(),
            lanes,
            loops,
            missing,
        }
    }
}

/// A feature as a reader understands it.
fn explain(feature: &str) -> String {
    let (kind, what) = feature.split_once(':').unwrap_or(("", feature));
    match (kind, what) {
        ("o", "sections") => "names a section".into(),
        ("o", "codex") => "names a codex entry".into(),
        ("o", "hooks") => "names a hook".into(),
        ("o", "snapshot") => "names a snapshot".into(),
        ("c", "target-language") => "a language to translate into".into(),
        ("c", "language-name") => "names a language".into(),
        ("c", "format") => "names a format".into(),
        ("c", "version") => "a version name".into(),
        ("c", "number") => "a number".into(),
        ("c", "asks") => "a question".into(),
        ("b", pair) => format!("\"{}\"", pair.replace('_', " ")),
        ("first", w) => format!("begins \"{w}\""),
        ("g", g) => format!("\"…{}…\"", g.trim_matches(|c| c == '<' || c == '>')),
        ("k", l) => format!("a phrase of {l}"),
        ("s", c) => format!("about {c}"),
        (_, w) => format!("\"{w}\""),
    }
}

/// Whether one loop follows or hands off to the other in the playbooks.
fn linked(playbooks: &BTreeMap<String, Playbook>, a: &str, b: &str) -> bool {
    let edge = |x: &str, y: &str| {
        playbooks.get(x).is_some_and(|p| {
            p.follows.iter().any(|f| f == y) || p.hands_off_to.iter().any(|f| f == y)
        })
    };
    edge(a, b) || edge(b, a)
}

/// Loops grouped into lanes by the playbooks' dependency graph: a loop joins the lane
/// of any chosen loop it follows or hands off to (and comes after it there); loops with
/// no such link run in lanes of their own, side by side.
fn lanes(loops: &[Pick], playbooks: &BTreeMap<String, Playbook>) -> Vec<Vec<String>> {
    let mut lanes: Vec<Vec<String>> = Vec::new();
    for p in loops {
        let joined: Vec<usize> = lanes
            .iter()
            .enumerate()
            .filter(|(_, l)| l.iter().any(|x| linked(playbooks, x, &p.loop_id)))
            .map(|(i, _)| i)
            .collect();
        match joined.first() {
            None => lanes.push(vec![p.loop_id.clone()]),
            Some(&first) => {
                // Lanes the loop links together become one.
                for &i in joined.iter().skip(1).rev() {
                    let merged = lanes.remove(i);
                    lanes[first].extend(merged);
                }
                lanes[first].push(p.loop_id.clone());
            }
        }
    }
    lanes
}

/// Dispatches a request with the dispatcher for these playbooks.
pub fn dispatch(
    request: &str,
    playbooks: &BTreeMap<String, Playbook>,
    cat: &Catalogue,
) -> Dispatch {
    Dispatcher::for_playbooks(playbooks).dispatch(request, playbooks, cat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_is_a_target_only_where_the_request_says_so() {
        assert_eq!(
            target_languages("Translate the book into Welsh").0,
            vec!["cy"]
        );
        assert_eq!(
            target_languages("a German edition for the fair").0,
            vec!["de"]
        );
        assert_eq!(
            target_languages("translate it in brazilian portuguese").0,
            vec!["pt-BR"]
        );
        assert!(
            target_languages("a ghost story set on a Welsh island")
                .0
                .is_empty()
        );
        assert_eq!(
            target_languages("translate it into Klingon"),
            (Vec::new(), Some("klingon".to_string()))
        );
    }

    #[test]
    fn version_names_are_found_and_plain_words_are_not() {
        for v in ["v1.0", "1.2", "rc-2", "V2.0.1", "beta-1"] {
            assert!(version_like(v), "{v}");
        }
        for v in ["version", "1", "cold", "v"] {
            assert!(!version_like(v), "{v}");
        }
        let p = params(
            "Tag what we have as v1.0, then make the EPUB",
            &Catalogue::default(),
        );
        assert_eq!(p.get("name"), Some(&vec!["v1.0".to_string()]));
        assert_eq!(p.get("formats"), Some(&vec!["epub".to_string()]));
    }

    #[test]
    fn the_training_corpus_reads() {
        let c = training();
        assert!(c.len() >= 300, "{}", c.len());
        assert!(c.iter().any(|l| l.loops.is_empty()));
    }
}
