//! The studio's roles: ids, codes, and which may never sleep.

/// Every role as `(id, code, awake by default)`.
pub const ROLES: [(&str, &str, bool); 15] = [
    ("showrunner", "SR", true),
    ("gatekeeper", "GK", true),
    ("plotwright", "PW", true),
    ("scene_smith", "SS", true),
    ("style_lead", "ST", true),
    ("lore_weaver", "LW", true),
    ("codex_curator", "CC", true),
    ("researcher", "RS", false),
    ("art_director", "AD", false),
    ("illustrator", "IL", false),
    ("audio_director", "AuD", false),
    ("audio_producer", "AuP", false),
    ("translator", "TR", false),
    ("book_binder", "BB", false),
    ("player_narrator", "PN", false),
];

/// Roles that can never be dormant.
pub const NEVER_DORMANT: [&str; 2] = ["showrunner", "gatekeeper"];

/// The role id for an id or a code (`LW` → `lore_weaver`).
pub fn canonical(name: &str) -> Option<&'static str> {
    ROLES
        .iter()
        .find(|(id, code, _)| *id == name || *code == name)
        .map(|(id, _, _)| *id)
}

/// The code of a role given by id or code (`lore_weaver` → `LW`).
pub fn code(name: &str) -> Option<&'static str> {
    ROLES
        .iter()
        .find(|(id, code, _)| *id == name || *code == name)
        .map(|(_, code, _)| *code)
}
