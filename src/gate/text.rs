//! Finding words and phrases on player-facing text: case-insensitive, whitespace-folded
//! (a phrase may wrap across lines), on word boundaries, many patterns in one pass.

use aho_corasick::{AhoCorasick, MatchKind};

/// Text lowercased with whitespace runs folded to one space, mapped back to the original.
pub struct Normalized {
    /// The folded text.
    pub text: String,
    map: Vec<usize>,
    len: usize,
}

impl Normalized {
    /// Folds `s`.
    pub fn new(s: &str) -> Normalized {
        let mut text = String::with_capacity(s.len());
        let mut map = Vec::with_capacity(s.len() + 1);
        let mut in_space = false;
        for (i, c) in s.char_indices() {
            if c.is_ascii() {
                if c.is_ascii_whitespace() {
                    if !in_space {
                        text.push(' ');
                        map.push(i);
                    }
                    in_space = true;
                } else {
                    in_space = false;
                    text.push(c.to_ascii_lowercase());
                    map.push(i);
                }
                continue;
            }
            if c.is_whitespace() {
                if !in_space {
                    text.push(' ');
                    map.push(i);
                }
                in_space = true;
                continue;
            }
            in_space = false;
            // Typographic apostrophes, quotes and dashes match their ASCII forms.
            let c = match c {
                '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
                '\u{201C}' | '\u{201D}' => '"',
                '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => '-',
                other => other,
            };
            for l in c.to_lowercase() {
                let before = text.len();
                text.push(l);
                for _ in before..text.len() {
                    map.push(i);
                }
            }
        }
        map.push(s.len());
        Normalized {
            text,
            map,
            len: s.len(),
        }
    }

    /// The original byte offset of a folded offset.
    pub fn original(&self, offset: usize) -> usize {
        self.map.get(offset).copied().unwrap_or(self.len)
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// A set of patterns matched together.
pub struct Patterns {
    ac: Option<AhoCorasick>,
    /// Whether a pattern must match on word boundaries.
    whole: Vec<bool>,
}

/// One match: pattern index and the original byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// Which pattern.
    pub pattern: usize,
    /// Start in the original text.
    pub start: usize,
    /// End in the original text.
    pub end: usize,
}

impl Patterns {
    /// Builds a matcher; each pattern is folded like the text, and matched on word
    /// boundaries when its flag says so.
    pub fn new(patterns: &[(String, bool)]) -> Patterns {
        let folded: Vec<String> = patterns
            .iter()
            .map(|(p, _)| Normalized::new(p.trim()).text)
            .collect();
        let ac = if folded.iter().all(|p| p.is_empty()) {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&folded)
                .ok()
        };
        Patterns {
            ac,
            whole: patterns.iter().map(|(_, w)| *w).collect(),
        }
    }

    /// Every match in `n` (overlapping matches included).
    pub fn find(&self, n: &Normalized) -> Vec<Hit> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in ac.find_overlapping_iter(&n.text) {
            if m.start() == m.end() {
                continue;
            }
            let p = m.pattern().as_usize();
            if self.whole[p] {
                let before = n.text[..m.start()].chars().next_back();
                let after = n.text[m.end()..].chars().next();
                if before.is_some_and(is_word) || after.is_some_and(is_word) {
                    continue;
                }
            }
            out.push(Hit {
                pattern: p,
                start: n.original(m.start()),
                end: n.original(m.end()),
            });
        }
        out
    }
}

/// The file line of a byte offset in a text that starts on `first_line`.
pub fn line_at(text: &str, first_line: u32, offset: usize) -> u32 {
    first_line
        + text.as_bytes()[..offset.min(text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_across_line_breaks_and_case() {
        let p = Patterns::new(&[("the drowned king".into(), true), ("seed".into(), true)]);
        let text = "He is The Drowned\n   King, and no seedling.";
        let n = Normalized::new(text);
        let hits = p.find(&n);
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(&text[hits[0].start..hits[0].end], "The Drowned\n   King");
        assert_eq!(line_at(text, 10, hits[0].end), 11);
    }

    #[test]
    fn word_boundaries_respect_hyphenated_ids() {
        let p = Patterns::new(&[("ferry-token".into(), true)]);
        assert_eq!(p.find(&Normalized::new("a ferry-token.")).len(), 1);
        assert_eq!(p.find(&Normalized::new("a ferry-tokens")).len(), 0);
        assert_eq!(p.find(&Normalized::new("a ferry token")).len(), 0);
    }
}
