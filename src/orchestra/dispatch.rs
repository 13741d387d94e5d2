//! Intent dispatch: a customer's freeform request mapped to loops, deterministically and
//! explainably. Each clause of the request is scored against every playbook's trigger
//! phrases (whole phrases count most, shared content words less); parameters are
//! extracted against what the studio really has. A request that matches nothing, or
//! two loops almost equally, is not guessed: it becomes a question.

use std::collections::{BTreeMap, BTreeSet};

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

/// One loop a request maps to.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Pick {
    /// Loop id.
    #[serde(rename = "loop")]
    pub loop_id: String,
    /// Its score.
    pub score: f64,
    /// The words or phrases that matched (the explanation).
    pub because: Vec<String>,
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
    /// Loops grouped into lanes that can run in parallel (no shared responsible role).
    pub lanes: Vec<Vec<String>>,
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
        .collect()
}

fn content(text: &str) -> BTreeSet<String> {
    words(text)
        .into_iter()
        .filter(|w| w.len() > 2 && !STOP.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

fn folded(text: &str) -> String {
    format!(" {} ", words(text).join(" "))
}

/// Scores one clause against every playbook; best first, ties by id.
fn score(clause: &str, playbooks: &BTreeMap<String, Playbook>) -> Vec<Pick> {
    let text = folded(clause);
    let mine = content(clause);
    let mut picks: Vec<Pick> = playbooks
        .values()
        .map(|p| {
            let mut s = 0.0;
            let mut because = Vec::new();
            for t in &p.triggers {
                let phrase = folded(t);
                if phrase.trim().is_empty() {
                    continue;
                }
                if text.contains(&phrase) {
                    s += 3.0 + phrase.split_whitespace().count() as f64;
                    because.push(t.clone());
                } else {
                    let theirs = content(t);
                    let shared = theirs.intersection(&mine).count();
                    if shared > 0 && !theirs.is_empty() {
                        s += 2.0 * shared as f64 / theirs.len() as f64;
                        because.extend(theirs.intersection(&mine).cloned());
                    }
                }
            }
            for k in &p.keywords {
                let phrase = folded(k);
                let hit = if phrase.split_whitespace().count() > 1 {
                    text.contains(&phrase)
                } else {
                    mine.contains(&stem(&k.to_lowercase()))
                };
                if hit {
                    s += 1.5 + 0.5 * phrase.split_whitespace().count() as f64;
                    because.push(k.clone());
                }
            }
            let name = content(&p.name);
            let shared = name.intersection(&mine).count();
            if shared > 0 {
                s += 1.5 * shared as f64;
                because.extend(name.intersection(&mine).cloned());
            }
            because.sort();
            because.dedup();
            Pick {
                loop_id: p.id.clone(),
                score: (s * 100.0).round() / 100.0,
                because,
            }
        })
        .filter(|p| p.score > 0.0)
        .collect();
    picks.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.loop_id.cmp(&b.loop_id))
    });
    picks
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

fn lanes(loops: &[Pick], playbooks: &BTreeMap<String, Playbook>) -> Vec<Vec<String>> {
    let mut lanes: Vec<(BTreeSet<String>, Vec<String>)> = Vec::new();
    for p in loops {
        let roles: BTreeSet<String> = playbooks
            .get(&p.loop_id)
            .map(|pb| pb.raci.responsible.iter().cloned().collect())
            .unwrap_or_default();
        // A loop joins the lane of any loop it shares a responsible role with (then runs after it).
        match lanes.iter_mut().find(|(r, _)| !r.is_disjoint(&roles)) {
            Some((r, l)) => {
                r.extend(roles);
                l.push(p.loop_id.clone());
            }
            None => lanes.push((roles, vec![p.loop_id.clone()])),
        }
    }
    lanes.into_iter().map(|(_, l)| l).collect()
}

const LANGUAGES: [(&str, &str); 14] = [
    ("french", "fr"),
    ("german", "de"),
    ("spanish", "es"),
    ("italian", "it"),
    ("portuguese", "pt"),
    ("dutch", "nl"),
    ("japanese", "ja"),
    ("chinese", "zh"),
    ("korean", "ko"),
    ("polish", "pl"),
    ("swedish", "sv"),
    ("welsh", "cy"),
    ("irish", "ga"),
    ("english", "en"),
];

/// Parameters the request names that the studio has.
fn params(request: &str, cat: &Catalogue) -> BTreeMap<String, Vec<String>> {
    let text = folded(request);
    let lower = request.to_lowercase();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut add = |k: &str, v: String| {
        let e = out.entry(k.to_string()).or_default();
        if !e.contains(&v) {
            e.push(v);
        }
    };
    let named = |id: &str, title: &str| {
        lower.contains(id) && id.contains('-')
            || text.contains(&folded(id))
            || (!title.is_empty()
                && text.contains(&folded(
                    title.trim_start_matches("The ").trim_start_matches("the "),
                )))
    };
    for (id, title) in &cat.sections {
        if named(id, title) {
            add("sections", id.clone());
        }
    }
    for (id, title) in &cat.codex {
        if named(id, title) {
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
    for (name, code) in LANGUAGES {
        if text.contains(&format!(" {name} ")) {
            add("language", code.to_string());
        }
    }
    for (word, format) in [
        ("epub", "epub"),
        ("e-book", "epub"),
        ("ebook", "epub"),
        ("html", "html"),
        ("web page", "html"),
        ("twine", "twee"),
        ("twee", "twee"),
        ("markdown", "md"),
    ] {
        if text.contains(&format!(" {word} ")) || lower.contains(word) && word.contains('-') {
            add("formats", format.to_string());
        }
    }
    out
}

/// Weighs what the request names against what the studio knows: a named language
/// points to the loops that take one, and a named hook to the loop its card says
/// picks it up next.
fn adjust(
    mut picks: Vec<Pick>,
    clause: &str,
    cat: &Catalogue,
    playbooks: &BTreeMap<String, Playbook>,
) -> Vec<Pick> {
    let found = params(clause, cat);
    let mut extra: Vec<(String, f64, String)> = Vec::new();
    if let Some(langs) = found.get("language")
        && langs.iter().any(|l| l != "en")
    {
        for p in playbooks.values() {
            if p.parameters.iter().any(|q| q.extractor == "language") {
                extra.push((p.id.clone(), 5.0, format!("language {}", langs.join(", "))));
            }
        }
    }
    for h in found.get("hooks").into_iter().flatten() {
        if let Some((_, next)) = cat.hook_loops.iter().find(|(id, _)| id == h)
            && playbooks.contains_key(next)
        {
            extra.push((next.clone(), 6.0, format!("{h} is next for {next}")));
        }
    }
    for (id, add, why) in extra {
        match picks.iter_mut().find(|p| p.loop_id == id) {
            Some(p) => {
                p.score = ((p.score + add) * 100.0).round() / 100.0;
                p.because.push(why);
            }
            None => picks.push(Pick {
                loop_id: id,
                score: add,
                because: vec![why],
            }),
        }
    }
    picks.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.loop_id.cmp(&b.loop_id))
    });
    picks
}

/// Dispatches a request.
pub fn dispatch(
    request: &str,
    playbooks: &BTreeMap<String, Playbook>,
    cat: &Catalogue,
) -> Dispatch {
    let scored = |c: &str| adjust(score(c, playbooks), c, cat, playbooks);
    let whole = scored(request);
    let parts: Vec<Vec<Pick>> = clauses(request).iter().map(|c| scored(c)).collect();
    // Several clauses, each clearly naming a different loop: a multi-part request.
    let mut chosen: Vec<Pick> = Vec::new();
    // Words of sequence ("then", "after that") name separate pieces of work outright;
    // without them, further sentences elaborate one request ("it passed the checks
    // yesterday") rather than add to it.
    let lower = format!(" {} ", folded(request));
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let sequenced = has(&[
        " then ",
        " after that ",
        " also ",
        " first ",
        " before ",
        " afterwards ",
    ]);
    // Two loops tied in a single clause are both wanted only when the request joins them.
    let joined = sequenced || has(&[" and ", " once ", " when "]);
    // Without them, only a list of short commands ("check it, snapshot it and make me
    // an epub") names one piece of work per item.
    let items: Vec<Vec<Pick>> = if sequenced {
        parts
    } else {
        let list = items(request);
        if list.iter().all(|i| i.split_whitespace().count() <= 6) {
            list.iter().map(|c| scored(c)).collect()
        } else {
            Vec::new()
        }
    };
    if items.len() > 1 {
        for p in &items {
            if let Some(best) = p.first()
                && best.score >= 3.0
                && p.get(1)
                    .is_none_or(|second| second.score < best.score * 0.8)
                && !chosen.iter().any(|c| c.loop_id == best.loop_id)
            {
                chosen.push(best.clone());
            }
        }
    }
    let depends = |a: &str, b: &str| {
        playbooks
            .get(a)
            .is_some_and(|p| p.follows.iter().any(|f| f == b))
    };
    let (loops, ambiguous) = if chosen.len() > 1 {
        (order(chosen, playbooks), false)
    } else {
        match (whole.first(), whole.get(1)) {
            (None, _) => (Vec::new(), true),
            (Some(best), _) if best.score < 2.0 => (Vec::new(), true),
            // A short request whose only evidence is one word, when another loop also
            // fits ("fix the harbour"), says too little to act on: ask what is meant.
            (Some(best), Some(_))
                if words(request).len() <= 8
                    && best.because.len() == 1
                    && !best.because[0].contains(' ') =>
            {
                (Vec::new(), true)
            }
            // Two strong loops where one must follow the other, joined by the request's
            // words: both were asked for.
            (Some(best), Some(second))
                if second.score >= 6.0
                    && joined
                    && (depends(&best.loop_id, &second.loop_id)
                        || depends(&second.loop_id, &best.loop_id)) =>
            {
                (order(vec![best.clone(), second.clone()], playbooks), false)
            }
            (Some(best), Some(second)) if second.score >= best.score * 0.85 => (Vec::new(), true),
            (Some(best), _) => (vec![best.clone()], false),
        }
    };
    let lanes = lanes(&loops, playbooks);
    Dispatch {
        params: params(request, cat),
        ambiguous,
        candidates: whole.into_iter().take(4).collect(),
        lanes,
        loops,
    }
}
