//! A deterministic, seeded synthetic studio for benchmarks: N sections with proportional
//! codex entries, canon packs, codewords, gates and hubs, written as a real git repository.

#![allow(dead_code)]

use std::path::Path;

use showrunner::git::Repo;

/// SplitMix64: small, seeded, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const WORDS: [&str; 24] = [
    "tide", "lantern", "harbour", "gull", "rope", "salt", "ferry", "cliff", "lamp", "tar", "net",
    "bell", "mist", "quay", "storm", "reef", "oar", "sail", "chart", "keel", "pier", "shoal",
    "wharf", "brine",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s: Vec<&str> = (0..words).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    s[0] = "The";
    format!("{}.", s.join(" "))
}

/// How a generated studio is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// The project's first generator: short bodies over 24 words, a codex entry per 20
    /// sections, a canon pack per 100.
    Synthetic,
    /// Unlike the tool's own data: 120–200-word bodies in several paragraphs over a
    /// vocabulary of thousands of words with typographic punctuation and accents (no
    /// ASCII fast path), a codex entry per 5 sections with several cross-links, a canon
    /// pack per 10 sections each declaring its own spoiler term.
    Dense,
    /// The dense book kept the way a Fighting-Fantasy gamebook is: gold (0..=50) found
    /// and spent on costs, stamina (0..=20) lost and restored, tested with `>` and
    /// `==`, renown (0..=1000) that only rises and opens doors with `>=`, and fame
    /// (0..=100000), too wide to follow, gating one choice in a thousand.
    Counted,
}

impl Profile {
    /// `synthetic` or `dense`.
    pub fn parse(name: &str) -> Option<Profile> {
        match name {
            "synthetic" => Some(Profile::Synthetic),
            "dense" => Some(Profile::Dense),
            "counted" => Some(Profile::Counted),
            _ => None,
        }
    }
}

/// A vocabulary of `n` made-up words from syllables, some with accents.
fn vocabulary(rng: &mut Rng, n: usize) -> Vec<String> {
    const ONSETS: [&str; 16] = [
        "b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br",
    ];
    const NUCLEI: [&str; 10] = ["a", "e", "i", "o", "u", "ai", "ou", "é", "ö", "ea"];
    const CODAS: [&str; 8] = ["", "n", "r", "st", "ll", "th", "ck", "s"];
    let mut words = std::collections::BTreeSet::new();
    while words.len() < n {
        let syllables = 1 + rng.below(3);
        let mut w = String::new();
        for _ in 0..syllables {
            w.push_str(ONSETS[rng.below(ONSETS.len())]);
            w.push_str(NUCLEI[rng.below(NUCLEI.len())]);
        }
        w.push_str(CODAS[rng.below(CODAS.len())]);
        words.insert(w);
    }
    let mut words: Vec<String> = words.into_iter().collect();
    // Seeded order, not alphabetical.
    for i in (1..words.len()).rev() {
        words.swap(i, rng.below(i + 1));
    }
    words
}

/// A paragraph of `words` words from `vocab`, with commas, curly quotes and em dashes.
fn prose(rng: &mut Rng, vocab: &[String], words: usize) -> String {
    let mut out = String::new();
    let mut in_sentence = 0;
    for w in 0..words {
        let word = &vocab[rng.below(vocab.len())];
        if in_sentence == 0 {
            let mut chars = word.chars();
            let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
            out.push_str(&first.unwrap_or_default());
            out.push_str(chars.as_str());
        } else {
            out.push_str(word);
        }
        in_sentence += 1;
        let last = w + 1 == words;
        if last || (in_sentence > 6 && rng.below(8) == 0) {
            out.push_str(if rng.below(6) == 0 { "?" } else { "." });
            in_sentence = 0;
        } else if rng.below(12) == 0 {
            out.push(',');
        } else if rng.below(40) == 0 {
            out.push_str(" —");
        }
        if !last {
            out.push(' ');
        }
        if in_sentence == 0 && !last && rng.below(10) == 0 {
            let said = &vocab[rng.below(vocab.len())];
            out.push_str(&format!("“{said}, {said},” she says. "));
        }
    }
    out
}

/// The files of a studio of `n` sections written in `profile` (sorted by path).
pub fn files_with(n: usize, seed: u64, profile: Profile) -> Vec<(String, Vec<u8>)> {
    match profile {
        Profile::Synthetic => files(n, seed),
        Profile::Dense => dense(n, seed),
        Profile::Counted => counted(n, seed),
    }
}

/// The counted profile: the dense book with counters (see [`Profile::Counted`]).
fn counted(n: usize, seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut out = dense(n, seed);
    let mut rng = Rng::new(seed ^ 0xC0_0E7E_D000);
    out.push((
        "counters.yaml".into(),
        b"counters:\n  gold:\n    name: gold pieces\n    max: 50\n    start: 5\n  stamina:\n    name: stamina\n    max: 20\n    start: 12\n  renown:\n    name: renown\n    max: 1000\n  fame:\n    name: fame\n    max: 100000\n"
            .to_vec(),
    ));
    for (path, bytes) in out.iter_mut() {
        if !path.starts_with("sections/") {
            continue;
        }
        let i: usize = path["sections/s".len()..path.len() - 3]
            .parse()
            .expect("index");
        let text = String::from_utf8(std::mem::take(bytes)).expect("utf-8");
        let mut arrive = Vec::new();
        if i.is_multiple_of(13) {
            arrive.push(format!("gold: +{}", 1 + rng.below(6)));
        }
        if i % 97 == 40 {
            arrive.push("stamina: =20".to_string());
        } else if i % 17 == 5 {
            arrive.push("stamina: -2".to_string());
        }
        if i % 11 == 3 {
            arrive.push("renown: +1".to_string());
        }
        if i % 500 == 7 {
            arrive.push("fame: +50".to_string());
        }
        let mut lines: Vec<String> = Vec::new();
        let mut k = 0;
        let source: Vec<&str> = text.lines().collect();
        for (at, line) in source.iter().enumerate() {
            lines.push(line.to_string());
            let gated = source
                .get(at + 1)
                .is_some_and(|next| next.starts_with("    requires:"));
            if line.starts_with("title: ") && !arrive.is_empty() {
                lines.push(format!("change: {{{}}}", arrive.join(", ")));
            }
            if line.starts_with("    to: ") {
                k += 1;
                // The first choice of each section stays open; others may be gated.
                if k > 1 && !gated {
                    let gate = match rng.below(40) {
                        _ if i % 1000 == 600 => Some(
                            "    needs: [\"fame >= 100\"]\n    condition: \"If your fame goes before you\""
                                .to_string(),
                        ),
                        0..=2 => Some(format!(
                            "    change: {{gold: -{}}}\n    condition: \"If you can pay\"",
                            2 + rng.below(5)
                        )),
                        3 => Some(
                            "    needs: [\"stamina > 4\"]\n    condition: \"If you are not too weary\""
                                .to_string(),
                        ),
                        4 => Some(format!(
                            "    needs: [\"renown >= {}\"]\n    condition: \"If you are known here\"",
                            (i / 11).saturating_sub(30 + rng.below(20))
                        )),
                        5 if rng.below(2) == 0 => Some(
                            "    needs: [\"stamina == 20\"]\n    condition: \"If you are fully rested\""
                                .to_string(),
                        ),
                        _ => None,
                    };
                    if let Some(g) = gate {
                        lines.push(g);
                    }
                }
            }
        }
        *bytes = (lines.join("\n") + "\n").into_bytes();
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The dense profile: the same story shape as [`files`], the text of a real book.
fn dense(n: usize, seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut out = files(n, seed);
    let mut rng = Rng::new(seed ^ 0xD3A5_E000);
    let vocab = vocabulary(&mut rng, 4_000);
    let codex = (n / 5).max(1);
    let canon = (n / 10).max(1);
    out.retain(|(p, _)| !p.starts_with("codex/") && !p.starts_with("canon/"));
    for (path, bytes) in out.iter_mut() {
        if !path.starts_with("sections/") {
            continue;
        }
        let text = String::from_utf8(std::mem::take(bytes)).expect("utf-8");
        let end = text[4..].find("---\n").expect("front matter") + 8;
        let mut body = text[..end].to_string();
        let i: usize = path["sections/s".len()..path.len() - 3]
            .parse()
            .expect("index");
        let paragraphs = 2 + rng.below(3);
        let total = 120 + rng.below(81);
        for p in 0..paragraphs {
            body.push_str(&prose(&mut rng, &vocab, total / paragraphs));
            if p == 0 {
                body.push_str(&format!(
                    " The *{}* lies past the [{} of {}](#c{:04}).",
                    vocab[i % vocab.len()],
                    vocab[(i * 7) % vocab.len()],
                    vocab[(i * 11 + 5) % vocab.len()],
                    (i * 13) % codex
                ));
            }
            body.push_str("\n\n");
        }
        *bytes = body.into_bytes();
    }
    for c in 0..codex {
        let id = format!("c{c:04}");
        let see: Vec<String> = (1..=3)
            .map(|k| format!("c{:04}", (c + k * 17) % codex))
            .collect();
        out.push((
            format!("codex/{id}.md"),
            format!(
                "---\nid: {id}\ntitle: \"{}\"\nsee_also: [{}]\n---\n{}\n\n{}\n",
                vocab[(c * 31) % vocab.len()],
                see.join(", "),
                prose(&mut rng, &vocab, 60),
                prose(&mut rng, &vocab, 40)
            )
            .into_bytes(),
        ));
    }
    for c in 0..canon {
        let id = format!("k{c:04}");
        // Spoiler terms are made of letters the prose never uses (x, z, q, y, j, k).
        let term = format!("zyx{} qajk{}", letters(c), letters(c * 7 + 3));
        out.push((
            format!("canon/{id}.md"),
            format!(
                "---\nid: {id}\ntitle: \"Truth {c}\"\nspoiler_terms: [\"{term}\"]\n---\n{}\n\n{}\n",
                prose(&mut rng, &vocab, 80),
                prose(&mut rng, &vocab, 60)
            )
            .into_bytes(),
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// `n` spelled in the letters j, k, q, x, y, z.
fn letters(mut n: usize) -> String {
    const L: [char; 6] = ['j', 'k', 'q', 'x', 'y', 'z'];
    let mut s = String::new();
    loop {
        s.push(L[n % 6]);
        n /= 6;
        if n == 0 {
            return s;
        }
    }
}

/// The files of a synthetic studio of `n` sections (sorted by path).
pub fn files(n: usize, seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut rng = Rng::new(seed);
    let n = n.max(10);
    let codewords = (n / 50).max(2);
    let codex = (n / 20).max(1);
    let canon = (n / 100).max(1);
    let endings = (n / 500).max(1);
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    out.push((
        "studio.toml".into(),
        format!(
            "[studio]\ntitle = \"Synthetic {n}\"\nauthor = \"Bench\"\nlanguage = \"en\"\nlicense = \"CC0-1.0\"\nstart = \"s00000\"\n\n[branches]\nhot = \"hot\"\ncold = \"cold\"\n"
        )
        .into_bytes(),
    ));
    out.push(("style/style.yaml".into(), b"register: plain\nmax_choice_label_words: 8\nbanned:\n  - term: okay\n    prefer: very well\n".to_vec()));
    let mut cw = String::from("codewords:\n");
    for c in 0..codewords {
        cw.push_str(&format!("  cw-{c}:\n    phrase: \"You hold mark {c}\"\n"));
    }
    out.push(("codewords.yaml".into(), cw.into_bytes()));
    // Codeword c is set by section c * (n / codewords) / 2 and tested only after it.
    let setter = |c: usize| c * (n / codewords) / 2 + 1;
    for i in 0..n {
        let id = format!("s{i:05}");
        let terminal = i >= n - endings;
        let hub = !terminal && i % 30 == 0;
        let mut fm = format!("---\nid: {id}\ntitle: \"Place {i}\"\n");
        let mut flags = Vec::new();
        if hub {
            flags.push("hub");
        }
        if terminal {
            flags.push("terminal");
        }
        if i % 1000 == 500 {
            flags.push("keystone");
        }
        if !flags.is_empty() {
            fm.push_str(&format!("flags: [{}]\n", flags.join(", ")));
        }
        if let Some(c) = (0..codewords).find(|&c| setter(c) == i) {
            fm.push_str(&format!("sets: [cw-{c}]\n"));
        }
        if !terminal {
            fm.push_str("choices:\n");
            let extra = if hub { 3 } else { rng.below(2) };
            let mut targets = vec![i + 1];
            if i + 1 == n - endings {
                // The last scene before the endings opens onto every one of them.
                targets.extend(i + 2..n);
            }
            if (i + 2) % 1000 == 500 {
                // Keystones get a second way in.
                targets.push(i + 2);
            }
            for _ in 0..extra {
                targets.push((i + 2 + rng.below(40)).min(n - 1));
            }
            for (k, t) in targets.iter().enumerate() {
                fm.push_str(&format!(
                    "  - label: \"Follow the {} path {k}\"\n    to: s{t:05}\n",
                    WORDS[rng.below(WORDS.len())]
                ));
                if k > 0 && rng.below(10) == 0 {
                    let c = rng.below(codewords);
                    if setter(c) < i {
                        fm.push_str(&format!(
                            "    requires: [cw-{c}]\n    condition: \"If you hold mark {c}\"\n"
                        ));
                    }
                }
            }
        }
        fm.push_str("---\n");
        for _ in 0..3 {
            fm.push_str(&sentence(&mut rng, 12));
            fm.push(' ');
        }
        if i % 7 == 0 {
            fm.push_str(&format!(
                "See [the chart of {}](#c{:04}).",
                WORDS[i % WORDS.len()],
                i % codex
            ));
        }
        fm.push('\n');
        out.push((format!("sections/{id}.md"), fm.into_bytes()));
    }
    for c in 0..codex {
        let id = format!("c{c:04}");
        out.push((
            format!("codex/{id}.md"),
            format!(
                "---\nid: {id}\ntitle: \"Entry {c}\"\nsee_also: [c{:04}]\n---\n{}\n",
                (c + 1) % codex,
                sentence(&mut rng, 20)
            )
            .into_bytes(),
        ));
    }
    for c in 0..canon {
        let id = format!("k{c:03}");
        out.push((
            format!("canon/{id}.md"),
            format!("---\nid: {id}\ntitle: \"Truth {c}\"\nspoiler_terms: [\"secret {c} revealed\"]\n---\n{}\n", sentence(&mut rng, 30))
                .into_bytes(),
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Writes the studio into `dir` as a git repository with `hot` and `cold` at one commit
/// and the files checked out. Returns the commit id.
pub fn write_repo(dir: &Path, n: usize, seed: u64) -> String {
    write_repo_with(dir, n, seed, Profile::Synthetic)
}

/// [`write_repo`] in the given profile.
pub fn write_repo_with(dir: &Path, n: usize, seed: u64, profile: Profile) -> String {
    let files = files_with(n, seed, profile);
    for (p, bytes) in &files {
        let target = dir.join(p);
        std::fs::create_dir_all(target.parent().expect("has parent")).expect("mkdir");
        std::fs::write(&target, bytes).expect("write");
    }
    let (repo, _) = Repo::open_or_init(dir, "hot").expect("init repo");
    let who = showrunner::git::Identity {
        name: "Bench".into(),
        email: "bench@example.invalid".into(),
        time: 1_764_158_400,
        offset: 0,
    };
    let commit = repo
        .commit_files(None, &files, "Synthetic studio\n", &who)
        .expect("commit");
    repo.cas_ref(
        "refs/heads/hot",
        &commit,
        showrunner::ids::Expect::Absent,
        "synthetic",
    )
    .expect("hot");
    repo.cas_ref(
        "refs/heads/cold",
        &commit,
        showrunner::ids::Expect::Absent,
        "synthetic",
    )
    .expect("cold");
    let paths: Vec<String> = files.into_iter().map(|(p, _)| p).collect();
    repo.checkout_branch_with("refs/heads/hot", &paths)
        .expect("checkout");
    commit.into()
}
