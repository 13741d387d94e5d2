//! Every finding code the Gatekeeper can emit: its severity, a one-line summary and an
//! explanation with the fix (`showrunner gate explain <code>`). Findings take their
//! severity from here, so one code always means one severity.

use super::Severity;

/// What a code means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CodeInfo {
    /// `<bar>/<name>`.
    pub code: &'static str,
    /// Error (blocks) or warning.
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// Why it matters and how to fix it.
    pub explain: &'static str,
}

use Severity::{Error as E, Warning as W};

macro_rules! codes {
    ($( $code:literal, $sev:expr, $summary:literal, $explain:literal; )*) => {
        /// The registry, in bar order.
        pub const CODES: &[CodeInfo] = &[ $( CodeInfo { code: $code, severity: $sev, summary: $summary, explain: $explain } ),* ];
    };
}

codes! {
    "schema/parse-error", E, "a file could not be parsed",
        "The file is not valid YAML/TOML, its front matter is missing or unclosed, a key repeats, or it is too large or too deeply nested to read safely. Fix the syntax at the line shown.";
    "schema/invalid", E, "an artifact breaks its kind's JSON Schema",
        "A required field is missing, a value has the wrong type, or it is not one of the allowed values. The help line quotes the schema's description of the field.";
    "schema/unknown-field", W, "a field the schema does not know",
        "Usually a typo (`choises` for `choices`), in which case the data is silently ignored. Rename it, or prefix extension fields with `x-`.";
    "schema/id-mismatch", E, "an id differs from its file name",
        "Artifacts stored one per file are found by file name; `id` must equal the file stem. Rename the file or change the id.";
    "schema/duplicate-id", E, "an id is used twice",
        "Ids must be unique within a kind; sections and codex entries also share link anchors. Give one of them another id.";
    "schema/bad-option", E, "a question names an option that does not exist",
        "`recommendation`, `default` and `answer` must be one of the question's option keys.";
    "schema/bad-override", E, "a studio schema override is not a valid JSON Schema",
        "Files in `schemas/` replace the built-in schema of their kind and must be valid draft 2020-12 JSON Schemas. Fix or delete the file.";
    "schema/control-character", E, "a control character in a file's text",
        "NUL, ESC, vertical tab and their kind are invisible in an editor, make an EPUB's XML unreadable and can drive a terminal. Only tabs and line breaks belong in a studio's text: delete the character at the line shown.";
    "schema/not-a-file", E, "a symbolic link or submodule where artifacts are read",
        "showrunner reads regular files only, from git's objects or the work tree alike; a link or submodule under an artifact folder would be skipped and its content silently missing. Commit the file itself.";
    "schema/unknown-file", W, "a file in an artifact folder is not an artifact",
        "It will be ignored by every command. Rename it to the kind's convention or move it out of the folder.";
    "integrity/edition-structure", E, "a translation differs from its source in more than its words",
        "A language edition (`editions/<lang>/`) is locked to its source's story: ids, flags, codewords set, choices in order with their targets, gates, counter tests and costs, codex see-also links, art and audio plans' assets, codeword and counter entries. Only what readers see is translated (titles, prose, choice labels and conditions, phrases, counter names, captions, alt text). Copy the structure from the source file. (A translation whose source changed after it is stale rather than broken: the gate lists it among the edition's stale entries and binding shows the source's text until it is brought up to date.)";
    "integrity/edition-orphan", E, "a translation of a file that does not exist",
        "An edition's files keep their sources' paths (`editions/fr/sections/harbour.md` translates `sections/harbour.md`). The source was renamed or removed, or the translation is misnamed: move or delete it.";
    "integrity/edition-language", E, "an edition folder that names no other language",
        "`editions/<lang>/` is named by the BCP 47 tag of the language it translates into (`fr`, `de`, `pt-BR`), which is not the studio's own language.";
    "integrity/dangling-choice", E, "a choice leads to a section that does not exist",
        "The reader would follow a link to nowhere. Point `to:` at an existing section id, or write the missing section.";
    "integrity/dangling-link", E, "a link in the prose points at no section or codex entry",
        "Body links `[text](#id)` must name a section or a codex entry. Fix the id or remove the link.";
    "integrity/dead-end", E, "a section has no choices and is not an ending",
        "A reader arriving here is stuck. Add choices, or mark the section `terminal` if it is an ending.";
    "integrity/trap", E, "a reader can reach a section but never leave it for an ending",
        "Every choice from here leads back into the same loop, even ignoring the gates: the reader is stuck for ever. Give the loop a choice that leads on toward an ending.";
    "integrity/missing-start", E, "the start section does not exist",
        "`[studio] start` in studio.toml must name an existing section.";
    "integrity/orphan-section", E, "a section cannot be reached from the start, even ignoring gates",
        "No chain of choices leads here. Link it from another section, or delete it.";
    "integrity/dangling-ref", E, "a reference to another artifact does not resolve",
        "A hook's or section's `tu`, a canon pack's `hooks`, an art or audio plan's `section`, a codex entry's `see_also` or `from_canon` names something that does not exist.";
    "integrity/terminal-with-choices", W, "an ending offers choices",
        "A `terminal` section is an ending; its choices will never be offered as a continuation by tools that stop at endings. Drop the flag or the choices.";
    "integrity/expired-waiver", W, "a waiver has expired",
        "The findings it covered count again. Fix them, or renew the waiver with a new `expires` date and rationale.";
    "integrity/bad-waiver", E, "a waiver is malformed",
        "Each waiver needs a finding code (`bar/name` or `bar/*`), a path glob, a rationale, an `expires` date (YYYY-MM-DD) and who granted it.";
    "reachability/keystone-unreachable", E, "a keystone cannot be reached under the codeword gates",
        "Every route to the keystone is closed by a gate the reader cannot pass. Open a route, or let the reader gain the codeword earlier. `gate check --explain` shows the routes found for the others.";
    "reachability/no-ending", E, "no ending can be reached under the codeword gates",
        "Every reader would be stuck forever. Make at least one `terminal` section reachable.";
    "reachability/single-route-keystone", W, "a keystone has a single way in",
        "A reader who misses that one choice misses the keystone. Add a second route.";
    "reachability/undecided", W, "the gated search ran out of budget",
        "The book's gates allow so many codeword combinations that the search stopped before deciding. The sections listed were not proven reachable; simplify the gates or check them by hand.";
    "reachability/unproven", W, "a keystone or every ending lies behind a gate the search could not decide",
        "The route passes a gate on a counter whose declared range is wider than the gatecheck follows value by value (1,024 values), so the gate was taken as open without proof. Narrow the counter's `min`/`max` in counters.yaml, or check the route by hand.";
    "nonlinearity/thin-hub", E, "a hub offers fewer than two destinations",
        "A `hub` is a place of many ways out. Give it at least two distinct choice targets, or drop the flag.";
    "nonlinearity/cosmetic-loop", W, "a loop changes nothing a choice tests",
        "A `loop` section should return the reader to familiar ground with a difference: set a codeword on the cycle that some choice requires or forbids.";
    "nonlinearity/first-choice-funnel", W, "the first choice is a funnel",
        "Every option of the opening section leads to the same place, so the reader's first decision does not matter. Offer at least two destinations.";
    "gateways/never-set", E, "a required codeword is never set",
        "No section lists it in `sets`, so the gated choice can never open. Set it somewhere before the gate, or remove the requirement.";
    "gateways/unobtainable", E, "a required codeword is never held at its gate",
        "Some section sets it, but no route reaches the gate holding it. Move the `sets` earlier, or add a route through the section that sets it.";
    "gateways/contradiction", E, "a choice requires and forbids the same codeword",
        "It can never open. Keep one of the two.";
    "gateways/undiegetic-condition", E, "a gated choice has no reader-facing condition, or it names a codeword",
        "Readers never see codeword ids. Write `condition:` in the story's voice (\"If the harbourmaster gave you a brass token\").";
    "gateways/undeclared-counter", E, "a choice or section names a counter counters.yaml does not declare",
        "Counters are declared once in counters.yaml with a range and the name readers see. Declare it, or fix the id (the message suggests the nearest declared one).";
    "gateways/impossible-need", E, "a counter test no value in the counter's range passes",
        "`gold >= 30` on a counter whose `max` is 20 never opens. Change the number, or widen the range in counters.yaml.";
    "gateways/unmet-need", E, "a counter test is never passed at its gate",
        "Some value in range would pass, but no route reaches the choice with one. Let the reader gain (or keep) enough before this gate, or loosen the test.";
    "gateways/counter-range", E, "a counter's range, start or assigned value does not fit",
        "A counter's `min` must not exceed its `max`, and its `start` and every `=N` assignment must lie inside the range.";
    "gateways/always-closed", W, "a gated choice is never open on any route",
        "The reader always holds a codeword it forbids (or never holds one it requires) when standing here.";
    "style/banned-term", E, "a banned term appears on a player-facing surface",
        "style/style.yaml bans it; use the preferred term it names.";
    "style/duplicate-choice-label", E, "two choices of one section read the same",
        "The reader cannot tell them apart. Reword one.";
    "style/long-choice-label", W, "a choice label is too long",
        "Keep labels within `max_choice_label_words` (style/style.yaml, default 12).";
    "determinism/missing-params", E, "a finished reproducible asset does not record its parameters",
        "A plan marked `deterministic: true` and `done` must record `params` so the asset can be made again.";
    "determinism/missing-asset", E, "an asset file is missing",
        "The plan names an asset (or is done) but the file is not in the tree. Commit it under assets/ or fix the path.";
    "determinism/hash-mismatch", E, "an asset does not match its recorded hash",
        "The file changed since the plan recorded its SHA-256. Re-record the hash if the change is intended.";
    "presentation/codeword-leak", E, "a codeword id appears on a player-facing surface",
        "Readers never see codeword ids; the binder shows `condition` or the phrase from codewords.yaml. Reword the text.";
    "presentation/internal-id-leak", E, "an internal id (TU-, HK-, GK-, Q-) appears on a player-facing surface",
        "Process ids belong in briefs and trailers, not in the book.";
    "presentation/spoiler-leak", E, "a canon spoiler term appears on a player-facing surface",
        "Canon packs declare `spoiler_terms` that must never reach readers. Reword the text.";
    "presentation/technique-leak", E, "a production technique word appears on a player-facing surface",
        "Words like seed, model and prompt describe how assets were made and break the fiction. Reword the text.";
    "presentation/meta-directive", E, "the text talks about the book instead of the story",
        "\"Click\", \"turn to section 12\" and the like are the binder's job. Let choices do the navigating.";
    "presentation/draft-marker", E, "a draft marker is left in player-facing text",
        "TODO, TBD, FIXME, XXX, \"Hub:\" and placeholder text must be resolved before cold.";
    "presentation/story-format-code", E, "story-format code (Twine, ink, Chapbook) or a template placeholder is in player-facing text",
        "Nothing runs macros, variables, diverts or placeholders in a bound book: readers would see the code. State lives in front matter (codewords in `sets`, gates in a choice's `requires`/`forbids` with a `condition`), links are choices, and placeholders need the words they stand for. `showrunner import` converts a Twine story.";
    "presentation/scaffolding", E, "the text `showrunner init` scaffolds is still in the book",
        "The opening section's placeholder paragraph says what to do, not what happens. Write the opening scene.";
    "traceability/untraced-commit", E, "a commit bound for cold names no TU",
        "Every commit between cold and the merge target must carry a `TU:` trailer (the commit-msg hook adds it), or be a forge merge of a `tu/<id>` branch. Amend it, or record the work in a TU and squash.";
    "traceability/unknown-tu", E, "a commit names a TU that has no brief",
        "The `TU:` trailer must name a brief in tus/. Open the TU (`showrunner tu open`) or fix the trailer.";
    "traceability/not-submitted", E, "a TU in the merge range has not passed a gate submission",
        "Every TU whose commits go to cold must be in `gatecheck` (submitted and not reworked since). Run `showrunner gate submit --tu <id>`.";
    "traceability/rejected-tu", E, "commits of a rejected TU are bound for cold",
        "Rejected work must not reach cold. Revert those commits on hot.";
    "traceability/deferred-tu", E, "commits of a deferred TU are bound for cold",
        "Reactivate and submit the TU first, or revert its commits on hot.";
    "traceability/after-close", E, "a commit carries the trailer of a TU that had already ended",
        "A closed or rejected TU takes no new commits. Open a new TU for the follow-up work and re-trailer the commit.";
    "traceability/does-not-apply", E, "a TU's changes do not apply to cold on their own",
        "A TU is judged and promoted as cold plus its own changes. Its commits conflict with cold without other work that is not promoted yet: bring that work through the gate first, or redo the change on top of cold.";
    "traceability/step-not-recorded", E, "a required step of the TU's loop is not recorded",
        "A loop's exit criteria are its required steps and deliverables. Every step the playbook does not mark `optional:` (and does not do at or after the gate, `when:`) must be recorded before submitting, by a `Step:` trailer: `showrunner tu checkpoint <id> -m \"…\" --step <step>`. `showrunner loop status` lists what is done. The playbook in force on cold decides.";
    "traceability/deliverable-missing", E, "the TU brings fewer deliverables than its loop asks for",
        "The playbook on cold names what a run delivers (`deliverables:`, each with a `min`). The files a submission would bring to cold must include at least that many of each kind (snapshots and views are made after the gate and are not counted). Commit them inside the TU, or open the TU under the loop that fits the work.";
    "traceability/unknown-loop", E, "the TU names a loop no playbook on cold describes",
        "A TU is a run of a loop, and the loop's exit criteria decide whether it may be submitted. The `Loop:` of its `open` event must name a playbook in force on cold (embedded, or the studio's `playbooks/<id>.yaml` on cold). Reject the TU and open one under an existing loop.";
    "traceability/unsigned-promotion", E, "a TU's submit is not signed by a role that may promote",
        "The studio lists role keys (`allowed_signers`): a TU reaches cold only on a `gate submit` commit signed by a key of a `promote:` role (default the gatekeeper). Submit it again from a clone that signs its commits (`commit.gpgsign = true`, `gpg.format = ssh`, `user.signingkey`).";
    "traceability/unsigned-rule-change", E, "a rule change is not signed by a role with that authority",
        "The studio lists role keys (`allowed_signers`): a change to waivers, policy, the authority table, schema overrides or the keys themselves counts only when the commit that brings it is signed (`git commit -S`, SSH) by a key of a role allowed to make it — `waive:` roles for waivers, `policy:` roles (default showrunner) for the rest.";
    "accessibility/missing-alt", E, "an image has no alt text",
        "Screen-reader users get nothing. Write `alt:` (or `decorative: true` for pure ornament); in prose, `![alt](path)`.";
    "accessibility/weak-alt", W, "alt text says little",
        "Do not start with \"image of\" or repeat a file name; describe what matters in the picture.";
    "accessibility/vague-link-text", W, "link text does not say where it goes",
        "\"here\", \"this\", \"click here\" and \"link\" mean nothing out of context. Name the destination.";
    "accessibility/heading-skip", W, "a heading skips a level",
        "Section titles are level 2 in every export; headings in prose go down one level at a time (### after the title, then ####).";
    "accessibility/undeclared-content-note", W, "the prose depicts something sensitive without a content note",
        "Declare `content_notes:` on the section (violence, death, drowning, …) so readers can choose.";
}

/// What a code means, if it is one of ours.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|c| c.code == code)
}

/// The severity of a registered code (error for anything unregistered: never a pass).
pub fn severity(code: &str) -> Severity {
    lookup(code).map(|c| c.severity).unwrap_or(Severity::Error)
}
