//! Commit-message trailers, read the way `git interpret-trailers --parse --no-divider`
//! and `git log --format=%(trailers)` read them, and written the way git appends them.
//!
//! libgit2's trailer parser disagrees with git on dividers and empty values, so this is
//! our own, following git's rules: the trailer block is the last paragraph (never the
//! title), made of `Key: value` lines with folded continuation lines; a paragraph with a
//! git-generated line (`Signed-off-by: `, `(cherry picked from commit `) counts when at
//! least a quarter of its lines are trailers; trailing comment and blank lines are ignored.

/// One trailer, key and value as git prints them with `--parse` (value unfolded).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Trailer {
    /// The key, as written (case kept; compare with [`Trailer::is`]).
    pub key: String,
    /// The value, continuation lines folded into single spaces.
    pub value: String,
}

impl Trailer {
    /// Whether the key is `key`, ignoring ASCII case (as git does).
    pub fn is(&self, key: &str) -> bool {
        self.key.eq_ignore_ascii_case(key)
    }
}

const GIT_GENERATED: [&str; 2] = ["Signed-off-by: ", "(cherry picked from commit "];

fn is_blank(line: &str) -> bool {
    line.chars().all(char::is_whitespace)
}

fn is_comment(line: &str) -> bool {
    line.starts_with('#')
}

/// Byte position of the `:` that makes `line` a trailer, as git's `find_separator`:
/// a token of letters, digits and `-`, then optional blanks, then `:`.
fn separator(line: &str) -> Option<usize> {
    let mut whitespace_found = false;
    for (i, c) in line.char_indices() {
        if c == ':' {
            return if i >= 1 { Some(i) } else { None };
        }
        if !whitespace_found && (c.is_ascii_alphanumeric() || c == '-') {
            continue;
        }
        if i != 0 && (c == ' ' || c == '\t') {
            whitespace_found = true;
            continue;
        }
        break;
    }
    None
}

/// Splits text into lines with their byte offsets (a final line may lack `\n`).
fn lines_with_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        out.push((offset, raw.strip_suffix('\n').unwrap_or(raw)));
        offset += raw.len();
    }
    out
}

/// The byte range `[start, end)` of the trailer block in `message`, if there is one.
fn block_range(message: &str) -> Option<(usize, usize)> {
    let lines = lines_with_offsets(message);
    // Trailing comment and blank lines are not part of the message proper.
    let mut end_line = lines.len();
    while end_line > 0 && (is_blank(lines[end_line - 1].1) || is_comment(lines[end_line - 1].1)) {
        end_line -= 1;
    }
    let end = if end_line == lines.len() {
        message.len()
    } else {
        lines[end_line].0
    };
    // The first paragraph is the title and cannot hold trailers. Like `git log`, blank
    // lines before the title are skipped (git never stores them; `git commit-tree` can).
    let title_start = lines[..end_line]
        .iter()
        .position(|(_, l)| !is_blank(l))
        .unwrap_or(end_line);
    let title_end = lines[title_start..end_line]
        .iter()
        .position(|(_, l)| !is_comment(l) && is_blank(l))
        .map(|i| i + title_start)
        .unwrap_or(end_line);

    let mut only_spaces = true;
    let mut recognized_prefix = false;
    let (mut trailer_lines, mut non_trailer_lines, mut possible_continuation) =
        (0usize, 0usize, 0usize);
    for idx in (title_end..end_line).rev() {
        let line = lines[idx].1;
        if is_comment(line) {
            non_trailer_lines += possible_continuation;
            possible_continuation = 0;
            continue;
        }
        if is_blank(line) {
            if only_spaces {
                continue;
            }
            non_trailer_lines += possible_continuation;
            let start = lines.get(idx + 1).map(|l| l.0).unwrap_or(end);
            if (recognized_prefix && trailer_lines * 3 >= non_trailer_lines)
                || (trailer_lines > 0 && non_trailer_lines == 0)
            {
                return Some((start, end));
            }
            return None;
        }
        only_spaces = false;
        if GIT_GENERATED.iter().any(|p| line.starts_with(p)) {
            trailer_lines += 1;
            possible_continuation = 0;
            recognized_prefix = true;
            continue;
        }
        let starts_blank = line.starts_with([' ', '\t']);
        if separator(line).is_some() && !starts_blank {
            trailer_lines += 1;
            possible_continuation = 0;
        } else if starts_blank {
            possible_continuation += 1;
        } else {
            non_trailer_lines += 1 + possible_continuation;
            possible_continuation = 0;
        }
    }
    None
}

/// The trailers of a commit message, in order.
pub fn parse(message: &str) -> Vec<Trailer> {
    let Some((start, end)) = block_range(message) else {
        return Vec::new();
    };
    let mut out: Vec<Trailer> = Vec::new();
    // Whether the last line seen started a trailer (continuations attach only then).
    let mut in_trailer = false;
    for (_, line) in lines_with_offsets(&message[start..end]) {
        if is_comment(line) {
            continue;
        }
        if line.starts_with([' ', '\t']) && in_trailer {
            if let Some(last) = out.last_mut() {
                let more = line.trim();
                if !more.is_empty() {
                    if !last.value.is_empty() {
                        last.value.push(' ');
                    }
                    last.value.push_str(more);
                }
            }
            continue;
        }
        let sep = GIT_GENERATED
            .iter()
            .find(|p| line.starts_with(*p))
            .and_then(|_| line.find(':'))
            .or_else(|| separator(line));
        match sep {
            Some(i) => {
                out.push(Trailer {
                    key: line[..i].trim().to_string(),
                    value: line[i + 1..].trim().to_string(),
                });
                in_trailer = true;
            }
            None => in_trailer = false,
        }
    }
    out
}

/// A message cut to what [`parse`] and a summary read, appended to `out`: its first
/// line, a blank line and its trailer block, giving the same trailers and the same
/// first line as the whole message (kept this way, a walk over a long history holds a
/// few lines a commit, not paragraphs). Appends nothing and returns false when the
/// message has no trailer block; appends the whole message when its first line is
/// blank (a title after blank lines, which only plumbing can write).
pub fn push_essentials(message: &str, out: &mut String) -> bool {
    let Some((start, end)) = block_range(message) else {
        return false;
    };
    let first = message.lines().next().unwrap_or("");
    if is_blank(first) {
        out.push_str(message);
    } else {
        out.push_str(first);
        out.push_str("\n\n");
        out.push_str(&message[start..end]);
    }
    true
}

/// The values of every trailer named `key` (case-insensitive), in order.
pub fn values<'a>(trailers: &'a [Trailer], key: &str) -> impl Iterator<Item = &'a str> {
    let key = key.to_string();
    trailers
        .iter()
        .filter(move |t| t.is(&key))
        .map(|t| t.value.as_str())
}

/// The first value of `key`, if any.
pub fn first<'a>(trailers: &'a [Trailer], key: &str) -> Option<&'a str> {
    values(trailers, key).next()
}

/// One line of text for a trailer value or a title: every run of whitespace (line
/// breaks included) becomes one space and control characters go, so no text can start a
/// line of its own.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Appends the tool's trailers to a message it writes: always as a paragraph of their own
/// at the end (the only paragraph a trailer reader looks at), each value on one line
/// ([`one_line`]). So nothing in the message above — a title, a reason, a note someone
/// typed, even a paragraph of `Key: value` lines — can add or change a trailer. Trailing
/// comment lines stay at the end; a message with no text is returned unchanged.
pub fn append(message: &str, new: &[(&str, &str)]) -> String {
    write(message, new, false)
}

/// Appends trailers the way `git interpret-trailers` does, into the message's own
/// trailer block when it ends with one (a person's commit, stamped by the `commit-msg`
/// hook: their `Signed-off-by:` and the TU stay one block).
pub fn append_to_block(message: &str, new: &[(&str, &str)]) -> String {
    write(message, new, true)
}

fn write(message: &str, new: &[(&str, &str)], join: bool) -> String {
    if new.is_empty() {
        return message.to_string();
    }
    let lines = lines_with_offsets(message);
    let mut end_line = lines.len();
    while end_line > 0 && (is_blank(lines[end_line - 1].1) || is_comment(lines[end_line - 1].1)) {
        end_line -= 1;
    }
    let body_end = if end_line == lines.len() {
        message.len()
    } else {
        lines[end_line].0
    };
    let tail = &message[body_end..];
    let comments: String = tail
        .lines()
        .filter(|l| is_comment(l))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut body = message[..body_end].trim_end_matches('\n').to_string();
    if body.trim().is_empty() {
        // An empty message stays empty, so that git still aborts the commit.
        return message.to_string();
    }
    let block: String = new
        .iter()
        .map(|(k, v)| format!("{}: {}\n", one_line(k), one_line(v)))
        .collect();
    if join && block_range(&format!("{body}\n")).is_some() {
        body.push('\n');
    } else {
        body.push_str("\n\n");
    }
    format!(
        "{body}{block}{}",
        if comments.is_empty() {
            String::new()
        } else {
            format!("\n{comments}")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(message: &str) -> Vec<(String, String)> {
        parse(message)
            .into_iter()
            .map(|t| (t.key, t.value))
            .collect()
    }

    #[test]
    fn last_paragraph_of_key_value_lines() {
        let m = "Draft the harbour\n\nBody text.\n\nTU: TU-2026-11-26-SS01\nTU-Event: checkpoint\n";
        assert_eq!(
            kv(m),
            vec![
                ("TU".into(), "TU-2026-11-26-SS01".into()),
                ("TU-Event".into(), "checkpoint".into())
            ]
        );
    }

    #[test]
    fn title_alone_is_never_a_trailer_block() {
        assert!(parse("TU: TU-2026-11-26-SS01\n").is_empty());
    }

    #[test]
    fn continuation_lines_fold() {
        let m = "t\n\nBlocker: waiting on PW\n  for the guild location\nTU: x\n";
        assert_eq!(
            kv(m)[0],
            (
                "Blocker".into(),
                "waiting on PW for the guild location".into()
            )
        );
    }

    #[test]
    fn prose_in_the_last_paragraph_disqualifies_it() {
        assert!(parse("t\n\nThis is prose.\nTU: x\n").is_empty());
    }

    #[test]
    fn signed_off_by_makes_a_mixed_paragraph_count() {
        let m = "t\n\nSome note\nSigned-off-by: A <a@b>\nTU: x\n";
        assert_eq!(kv(m).len(), 2);
    }

    #[test]
    fn append_joins_an_existing_block_or_starts_one() {
        assert_eq!(append("Title\n", &[("TU", "x")]), "Title\n\nTU: x\n");
        assert_eq!(
            append_to_block("Title\n\nTU: x\n", &[("Step", "a")]),
            "Title\n\nTU: x\nStep: a\n"
        );
        assert_eq!(
            append("Title\n\n# comment\n", &[("TU", "x")]),
            "Title\n\nTU: x\n\n# comment\n"
        );
    }

    #[test]
    fn text_the_tool_writes_cannot_add_a_trailer() {
        // A paragraph of trailer lines in the text stays out of the tool's block.
        let m = append(
            "Open x: a title\n\nTU: TU-2026-11-26-SS02\nTU-Event: submit\nGate: pass\n",
            &[("TU", "TU-2026-11-26-SS03"), ("TU-Event", "open")],
        );
        assert_eq!(
            kv(&m),
            [
                ("TU".into(), "TU-2026-11-26-SS03".into()),
                ("TU-Event".into(), "open".into())
            ]
        );
        // A value cannot break its line.
        let m = append(
            "Defer x\n",
            &[
                ("TU", "TU-2026-11-26-SS03"),
                (
                    "Reason",
                    "later\nTU: TU-2026-11-26-SS02\r\nTU-Event: reject",
                ),
            ],
        );
        let parsed = kv(&m);
        assert_eq!(parsed.len(), 2, "{m}");
        assert_eq!(parsed[1].1, "later TU: TU-2026-11-26-SS02 TU-Event: reject");
        assert_eq!(one_line("a\u{1b}[31m\tb\n\nc"), "a [31m b c");
    }

    #[test]
    fn essentials_keep_the_trailers_and_the_first_line() {
        let messages = [
            "Title\n\nTU: TU-2026-01-01-SR01\n",
            "Title\nmore title\n\nA paragraph of description\nover two lines.\n\nTU: TU-1\nCo-authored-by: A <a@b>\n  continued\n# a comment\nRefs: #4\n\n# trailing comment\n\n",
            "Title\n\nBody: that looks like a trailer\n\nnot a trailer block at all\n",
            "Title\n\nSigned-off-by: X <x@y>\nfree text\nmore free text\n",
            "\n\nTitle after blanks\n\nTU: TU-3\n",
            "Title only\n",
            "Title\n\n(cherry picked from commit abc)\nTU: TU-4\n",
        ];
        for m in messages {
            let mut e = String::new();
            match push_essentials(m, &mut e).then_some(e) {
                Some(e) => {
                    assert_eq!(parse(&e), parse(m), "{m:?} → {e:?}");
                    assert_eq!(e.lines().next(), m.lines().next(), "{m:?}");
                    assert!(e.len() <= m.len(), "{m:?}");
                }
                None => assert!(parse(m).is_empty(), "{m:?}"),
            }
        }
    }
}
