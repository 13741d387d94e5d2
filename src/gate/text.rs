//! Finding words and phrases on player-facing text: case-insensitive, whitespace-folded
//! (a phrase may wrap across lines), on word boundaries, many patterns in one pass.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// Text lowercased with whitespace runs folded to one space, mapped back to the original.
///
/// Most of a text folds byte for byte (ASCII lowercases in place, a lone space or line
/// break stays one byte), so the way back is kept only where the offsets part: after a
/// run of whitespace, and around a character whose folded form has another length.
pub struct Normalized {
    /// The folded text.
    pub text: String,
    /// Where the mapping changes, in folded order.
    marks: Vec<Mark>,
    len: usize,
}

/// From `folded` on, folded offsets map to `original` (plus the distance, unless the
/// mark is a `clamp`: inside one character, every offset maps to its start).
#[derive(Clone, Copy, Debug)]
struct Mark {
    folded: usize,
    original: usize,
    clamp: bool,
}

impl Normalized {
    /// Folds `s`.
    pub fn new(s: &str) -> Normalized {
        let bytes = s.as_bytes();
        let mut text = String::with_capacity(s.len());
        let mut marks = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 && !b.is_ascii_whitespace() {
                // A run of ASCII, lone spaces between words included (a lone space folds
                // to itself): copied and lowercased whole.
                let start = i;
                while i < bytes.len() && bytes[i] < 0x80 {
                    if bytes[i].is_ascii_whitespace() {
                        let lone = bytes[i] == b' '
                            && bytes
                                .get(i + 1)
                                .is_some_and(|n| *n < 0x80 && !n.is_ascii_whitespace());
                        if !lone {
                            break;
                        }
                    }
                    i += 1;
                }
                let at = text.len();
                text.push_str(&s[start..i]);
                text[at..].make_ascii_lowercase();
                continue;
            }
            let c = s[i..].chars().next().unwrap_or(' ');
            if b.is_ascii_whitespace() || c.is_whitespace() {
                let start = i;
                i = skip_whitespace(s, i);
                text.push(' ');
                if i - start != 1 {
                    marks.push(Mark {
                        folded: text.len(),
                        original: i,
                        clamp: false,
                    });
                }
                continue;
            }
            // Typographic apostrophes, quotes and dashes match their ASCII forms.
            let folded = match c {
                '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
                '\u{201C}' | '\u{201D}' => '"',
                '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => '-',
                other => other,
            };
            let at = text.len();
            if folded.is_lowercase() {
                // Already lowercase (most accented letters in prose): no table search.
                text.push(folded);
            } else {
                text.extend(folded.to_lowercase());
            }
            let width = c.len_utf8();
            if text.len() - at != width {
                marks.push(Mark {
                    folded: at,
                    original: i,
                    clamp: true,
                });
                marks.push(Mark {
                    folded: text.len(),
                    original: i + width,
                    clamp: false,
                });
            }
            i += width;
        }
        Normalized {
            text,
            marks,
            len: s.len(),
        }
    }

    /// The original byte offset of a folded offset.
    pub fn original(&self, offset: usize) -> usize {
        let at = self.marks.partition_point(|m| m.folded <= offset);
        let mapped = match at.checked_sub(1).map(|k| self.marks[k]) {
            None => offset,
            Some(m) if m.clamp => m.original,
            Some(m) => m.original + (offset - m.folded),
        };
        mapped.min(self.len)
    }
}

/// The end of the run of whitespace starting at `i`.
fn skip_whitespace(s: &str, mut i: usize) -> usize {
    let bytes = s.as_bytes();
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            if !bytes[i].is_ascii_whitespace() {
                break;
            }
            i += 1;
        } else {
            match s[i..].chars().next() {
                Some(c) if c.is_whitespace() => i += c.len_utf8(),
                _ => break,
            }
        }
    }
    i
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

/// How much text (bytes) repays building a DFA.
const DFA_FROM: usize = 4 << 20;

impl Patterns {
    /// Builds a matcher; each pattern is folded like the text, and matched on word
    /// boundaries when its flag says so.
    pub fn new(patterns: &[(String, bool)]) -> Patterns {
        Patterns::for_text(patterns, usize::MAX)
    }

    /// [`Patterns::new`] for matching about `volume` bytes of text in all: a DFA when
    /// there is enough text to repay building one, else the NFA, which builds at once.
    pub fn for_text(patterns: &[(String, bool)], volume: usize) -> Patterns {
        let folded: Vec<String> = patterns
            .iter()
            .map(|(p, _)| Normalized::new(p.trim()).text)
            .collect();
        let ac = if folded.iter().all(|p| p.is_empty()) {
            None
        } else {
            // A DFA: overlapping search over every reader-facing byte is the bars' hot
            // loop, and a DFA takes one transition a byte where the NFA chases failure
            // links. Thousands of spoiler terms and codeword ids stay a few megabytes,
            // but building it costs milliseconds: worth it over a whole studio's text,
            // not over the few files an incremental check re-reads.
            let kind = (volume >= DFA_FROM).then_some(AhoCorasickKind::DFA);
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(kind)
                .build(&folded)
                .or_else(|_| {
                    AhoCorasick::builder()
                        .match_kind(MatchKind::Standard)
                        .build(&folded)
                })
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

    /// The folding of the first version, byte by byte with a full map: the reference
    /// the sparse map must agree with at every folded offset.
    fn reference(s: &str) -> (String, Vec<usize>) {
        let mut text = String::new();
        let mut map = Vec::new();
        let mut in_space = false;
        for (i, c) in s.char_indices() {
            let space = if c.is_ascii() {
                c.is_ascii_whitespace()
            } else {
                c.is_whitespace()
            };
            if space {
                if !in_space {
                    text.push(' ');
                    map.push(i);
                }
                in_space = true;
                continue;
            }
            in_space = false;
            let c = match c {
                '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
                '\u{201C}' | '\u{201D}' => '"',
                '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => '-',
                other => other,
            };
            for l in c.to_lowercase() {
                let before = text.len();
                text.push(l);
                map.extend(std::iter::repeat_n(i, text.len() - before));
            }
        }
        map.push(s.len());
        (text, map)
    }

    #[test]
    fn the_sparse_map_agrees_with_a_full_one() {
        for s in [
            "",
            "Plain ASCII, One space.",
            "  two\n\n  lines\t\tand\u{a0}\u{2003}odd  spaces ",
            "İstanbul — “Quoted” ‘single’ ÉCOLE ß ǅ x\u{0130}y",
            "a\u{2014}b\u{2014}\u{2014} \u{0130}\u{0130}  z",
            "\u{2028}lead and trail\u{2029}",
        ] {
            let (text, map) = reference(s);
            let n = Normalized::new(s);
            assert_eq!(n.text, text, "{s:?}");
            for (offset, want) in map.iter().enumerate() {
                if n.text.is_char_boundary(offset) {
                    assert_eq!(n.original(offset), *want, "{s:?} at {offset}");
                }
            }
        }
    }

    #[test]
    fn lowercase_letters_lowercase_to_themselves() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if c.is_lowercase() {
                assert!(c.to_lowercase().eq([c]), "{c:?}");
            }
        }
    }

    #[test]
    fn word_boundaries_respect_hyphenated_ids() {
        let p = Patterns::new(&[("ferry-token".into(), true)]);
        assert_eq!(p.find(&Normalized::new("a ferry-token.")).len(), 1);
        assert_eq!(p.find(&Normalized::new("a ferry-tokens")).len(), 0);
        assert_eq!(p.find(&Normalized::new("a ferry token")).len(), 0);
    }
}
