//! Positions and addresses: the protocol counts lines from 0 and columns in UTF-16 code
//! units, and names files by `file:` URI; showrunner counts lines from 1 and names
//! files by their path in the studio.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

/// A file's `file:` URI.
pub fn uri_of(root: &Path, path: &str) -> Uri {
    let full = root.join(path);
    let mut out = String::from("file://");
    for (i, part) in full
        .to_string_lossy()
        .replace('\\', "/")
        .split('/')
        .enumerate()
    {
        if i == 0 && part.is_empty() {
            continue;
        }
        out.push('/');
        for b in part.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    out.push(b as char)
                }
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
    }
    Uri::from_str(&out).unwrap_or_else(|_| Uri::from_str("file:///").expect("a URI"))
}

/// The local path a `file:` URI names.
pub fn local_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file:///x` and `file://localhost/x`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?, 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// The studio path of a URI under `root` (`None` outside it).
pub fn studio_path(root: &Path, uri: &Uri) -> Option<String> {
    let local = local_path(uri)?;
    let rel: PathBuf = match local.strip_prefix(root) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => {
            let (canon, root) = (local.canonicalize().ok()?, root.canonicalize().ok()?);
            canon.strip_prefix(&root).ok()?.to_path_buf()
        }
    };
    // Only plain names below the root: no `..`, no root, no prefix.
    if !rel
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
    {
        return None;
    }
    let rel = rel.to_str()?.replace('\\', "/");
    (!rel.is_empty()).then_some(rel)
}

/// The text of line `line` (0-based), without its line break.
pub fn line(text: &str, line: u32) -> &str {
    text.split('\n')
        .nth(line as usize)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or("")
}

/// The UTF-16 column of byte `col` in `line`.
pub fn utf16_col(line: &str, col: usize) -> u32 {
    line[..col.min(line.len())]
        .chars()
        .map(char::len_utf16)
        .sum::<usize>() as u32
}

/// The byte column of UTF-16 column `col` in `line` (its end when past it).
pub fn byte_col(line: &str, col: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if units >= col {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    line.len()
}

/// The range of bytes `start..end` on line `line` (0-based) of `text`.
pub fn range(text: &str, line_no: u32, start: usize, end: usize) -> Range {
    let l = line(text, line_no);
    Range::new(
        Position::new(line_no, utf16_col(l, start)),
        Position::new(line_no, utf16_col(l, end)),
    )
}

/// The whole of line `line_no` (0-based), from its first non-blank character.
pub fn line_range(text: &str, line_no: u32) -> Range {
    let l = line(text, line_no);
    let start = l.len() - l.trim_start().len();
    range(text, line_no, start, l.trim_end().len().max(start))
}

/// `text` with `range` replaced by `new` (a client's incremental change).
pub fn splice(text: &str, range: Range, new: &str) -> String {
    let offset = |p: Position| -> usize {
        let mut start = 0usize;
        for (n, l) in text.split('\n').enumerate() {
            if n as u32 == p.line {
                let l = l.strip_suffix('\r').unwrap_or(l);
                return start + byte_col(l, p.character);
            }
            start += l.len() + 1;
        }
        text.len()
    };
    let (a, b) = (offset(range.start), offset(range.end));
    let (a, b) = (a.min(b), a.max(b));
    format!("{}{new}{}", &text[..a], &text[b..])
}

/// Whether a character belongs to an id (sections, codewords, codex entries, roles).
pub fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// The id-like word around byte `col` of `line`, as `(start, end)`.
pub fn word_at(line: &str, col: usize) -> Option<(usize, usize)> {
    let col = col.min(line.len());
    let start = line[..col]
        .char_indices()
        .rev()
        .take_while(|(_, c)| id_char(*c))
        .last()
        .map_or(col, |(i, _)| i);
    let end = line[col..]
        .char_indices()
        .find(|(_, c)| !id_char(*c))
        .map_or(line.len(), |(i, _)| col + i);
    (end > start).then_some((start, end))
}

/// Every place `word` stands as a whole id on `line`, as byte columns.
pub fn whole_words<'a>(line: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    line.match_indices(word).filter_map(move |(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + word.len()..].chars().next();
        (!before.is_some_and(id_char) && !after.is_some_and(id_char)).then_some(i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths_go_both_ways_with_spaces_and_accents() {
        let root = Path::new("/tmp/my studio");
        let uri = uri_of(root, "sections/café.md");
        assert_eq!(
            uri.as_str(),
            "file:///tmp/my%20studio/sections/caf%C3%A9.md"
        );
        assert_eq!(studio_path(root, &uri).as_deref(), Some("sections/café.md"));
        let outside = Uri::from_str("file:///elsewhere/x.md").expect("uri");
        assert_eq!(studio_path(root, &outside), None);
        let climbing =
            Uri::from_str("file:///tmp/my%20studio/assets/../../../etc/passwd").expect("uri");
        assert_eq!(studio_path(root, &climbing), None);
    }

    #[test]
    fn a_ranged_change_replaces_its_range() {
        let t = "ab\nc𝄞d\n";
        let r = Range::new(Position::new(1, 1), Position::new(1, 3));
        assert_eq!(splice(t, r, "X"), "ab\ncXd\n");
        let all = Range::new(Position::new(0, 0), Position::new(9, 0));
        assert_eq!(splice(t, all, ""), "");
    }

    #[test]
    fn columns_count_utf16_units() {
        let l = "to: “é” 𝄞 x";
        let x = l.find('x').expect("x");
        let units = utf16_col(l, x);
        assert_eq!(units, 11);
        assert_eq!(byte_col(l, units), x);
        assert_eq!(byte_col(l, 99), l.len());
    }

    #[test]
    fn a_word_is_an_id_around_the_cursor() {
        let l = "  to: sea-gate # comment";
        assert_eq!(word_at(l, 8).map(|(a, b)| &l[a..b]), Some("sea-gate"));
        assert_eq!(word_at(l, 14).map(|(a, b)| &l[a..b]), Some("sea-gate"));
        assert_eq!(word_at(l, 4).map(|(a, b)| &l[a..b]), Some("to"));
        assert_eq!(word_at(l, 5), None);
        assert_eq!(
            whole_words("a ab b-ab ab", "ab").collect::<Vec<_>>(),
            vec![2, 10]
        );
    }
}
