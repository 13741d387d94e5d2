//! Story formats other than SugarCube's plain macros, rewritten line by line into the
//! forms the Twee reader already maps (links `[[…]]`, `<<set>>`, `<<if …>>[[…]]<</if>>`),
//! so one reader decides what becomes a choice, a gate, a codeword or a counter — and
//! what is kept out and listed. Only constructs whose meaning is certain are rewritten;
//! anything else is left as written for the reader to keep out of the prose.
//!
//! - SugarCube: `<<link "Label" "Passage">>…<</link>>` (and `<<button>>`, and a body of
//!   `<<set>>`s and a `<<goto>>`) is a link with a setter.
//! - Harlowe: `(link-goto: "Label", "Passage")`, `(set: $x to …)` (with `it`), and
//!   `(if: …)[ [[link]] ]` with an optional `(else:)[text]`.
//! - Chapbook: the vars section above `--` (see [`chapbook_var`]) and
//!   `{link to: 'Passage', label: 'Label'}`.

/// A quoted string at the start of `s` (`"…"` or `'…'`, no escapes): its text and the
/// rest.
fn quoted(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    let q = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let end = s[1..].find(q)? + 1;
    Some((&s[1..end], &s[end + 1..]))
}

/// Rewrites SugarCube's `<<link>>`/`<<button>>` macros into `[[Label|Passage][setters]]`
/// when the link's passage is named (as its second argument or by a `<<goto>>` in its
/// body) and its body holds nothing but `<<set>>`s and that `<<goto>>`.
pub fn sugarcube_links(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        let found = ["<<link ", "<<button "]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, *m)))
            .min();
        let Some((i, open)) = found else { break };
        let close = if open == "<<link " {
            "<</link>>"
        } else {
            "<</button>>"
        };
        let rewritten = (|| {
            let head_end = i + rest[i..].find(">>")?;
            let args = &rest[i + open.len()..head_end];
            let body_end = head_end + 2 + rest[head_end + 2..].find(close)?;
            let body = &rest[head_end + 2..body_end];
            let (label, mut target) = if let Some(inner) = args
                .trim()
                .strip_prefix("[[")
                .and_then(|a| a.strip_suffix("]]"))
            {
                // `<<link [[Label|Passage]]>>`: the link as Twine writes it.
                (None, Some(inner.to_string()))
            } else {
                let (label, after) = quoted(args)?;
                let target = match quoted(after) {
                    Some((t, tail)) if tail.trim().is_empty() => Some(t.to_string()),
                    None if after.trim().is_empty() => None,
                    _ => return None,
                };
                (Some(label.to_string()), target)
            };
            let mut setters = Vec::new();
            let mut b = body.trim();
            while !b.is_empty() {
                let inner_end = b.find(">>")?;
                let m = &b[..inner_end];
                if let Some(set) = m.strip_prefix("<<set ") {
                    setters.push(set.trim().to_string());
                } else if let Some(goto) = m.strip_prefix("<<goto ") {
                    let (t, tail) = quoted(goto)?;
                    if !tail.trim().is_empty() || target.is_some() {
                        return None;
                    }
                    target = Some(t.to_string());
                } else {
                    return None;
                }
                b = b[inner_end + 2..].trim_start();
            }
            let target = target?;
            let link = match label {
                Some(l) => format!("{}|{target}", l.replace(['[', ']', '|'], "")),
                None => target,
            };
            let setter = if setters.is_empty() {
                String::new()
            } else {
                format!("][{}", setters.join("; "))
            };
            Some((format!("[[{link}{setter}]]"), body_end + close.len()))
        })();
        match rewritten {
            Some((link, end)) => {
                out.push_str(&rest[..i]);
                out.push_str(&link);
                rest = &rest[end..];
            }
            None => {
                out.push_str(&rest[..i + open.len()]);
                rest = &rest[i + open.len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The end of a Harlowe hook `[…]` starting at `at` (the `[`), brackets balanced.
fn hook_end(s: &str, at: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, c) in s[at..].char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + k + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// A Harlowe condition in SugarCube's words: `is not` → `neq`, `is` → `is`,
/// comparisons as they are; `None` when it uses what the reader does not map.
fn harlowe_condition(cond: &str) -> Option<String> {
    let c = cond.trim();
    if c.contains(" or ") || c.contains(" contains ") || c.contains('(') {
        return None;
    }
    Some(c.replace(" is not ", " neq "))
}

/// Rewrites Harlowe's link, set and single-link conditional macros (see the module).
pub fn harlowe(line: &str) -> String {
    let mut s = line.to_string();
    // (link-goto: "Label", "Passage") / (link-goto: "Passage")
    while let Some(i) = s.find("(link-goto:") {
        let Some(end) = s[i..].find(')').map(|e| i + e) else {
            break;
        };
        let args = &s[i + "(link-goto:".len()..end];
        let link = quoted(args).and_then(|(a, rest)| {
            let rest = rest.trim_start();
            match rest.strip_prefix(',') {
                Some(r) => quoted(r)
                    .filter(|(_, tail)| tail.trim().is_empty())
                    .map(|(b, _)| format!("[[{}->{b}]]", a.replace(['[', ']'], ""))),
                None if rest.is_empty() => Some(format!("[[{a}]]")),
                None => None,
            }
        });
        match link {
            Some(l) => s.replace_range(i..=end, &l),
            None => break,
        }
    }
    // (set: $x to …), with `it` meaning the variable.
    let mut from = 0;
    while let Some(k) = s[from..].find("(set:") {
        let i = from + k;
        let Some(end) = s[i..].find(')').map(|e| i + e) else {
            break;
        };
        let inner = s[i + "(set:".len()..end].trim().to_string();
        let rewritten = inner.split_once(" to ").map(|(var, value)| {
            let var = var.trim();
            let value: Vec<&str> = value
                .split_whitespace()
                .map(|w| if w == "it" { var } else { w })
                .collect();
            format!("<<set {var} to {}>>", value.join(" "))
        });
        match rewritten {
            Some(r) => {
                s.replace_range(i..=end, &r);
                from = i + r.len();
            }
            None => from = end,
        }
    }
    // (if: COND)[ [[link]] ] (else:)[text]
    if let Some(i) = s.find("(if:")
        && let Some(close) = s[i..].find(")[").map(|e| i + e)
        && let Some(cond) = harlowe_condition(&s[i + "(if:".len()..close])
        && let Some(hook) = hook_end(&s, close + 1)
    {
        let body = s[close + 2..hook - 1].trim().to_string();
        let single_link =
            body.starts_with("[[") && body.ends_with("]]") && body.matches("[[").count() == 1;
        let mut end = hook;
        let mut closed = None;
        if let Some(else_at) = s[hook..].strip_prefix("(else:)[").map(|_| hook + 7)
            && let Some(else_end) = hook_end(&s, else_at)
        {
            closed = Some(s[else_at + 1..else_end - 1].to_string());
            end = else_end;
        }
        // Only a line that is the gated link (as a choice line is): elsewhere the
        // condition stays as written, to be kept out and listed as the author wrote it.
        let whole = s[..i]
            .trim()
            .trim_start_matches(['*', '-'])
            .trim()
            .is_empty()
            && s[end..].trim().is_empty();
        if single_link && whole {
            let mut rewritten = format!("<<if {cond}>>{body}");
            if let Some(c) = closed {
                rewritten.push_str(&format!("<<else>>{c}"));
            }
            rewritten.push_str("<</if>>");
            s.replace_range(i..end, &rewritten);
        }
    }
    s
}

/// Rewrites a passage's Harlowe hooks written across lines — `(if: COND)[` on a line of
/// its own, then the hook's lines, `](else-if: COND)[`, `](else:)[` and a closing `]` —
/// into SugarCube's block (`<<if>>`, `<<elseif>>`, `<<else>>`, `<</if>>`), line for
/// line, so the block reader gates the links inside (or keeps the block out, listed,
/// when a condition is one it cannot map). Lines keep their numbers.
pub fn harlowe_blocks(lines: &[&str]) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    // The open hooks this rewrote: `true` for `(unless:)`.
    let mut open: Vec<bool> = Vec::new();
    let cond = |c: &str| harlowe_condition(c).unwrap_or_else(|| c.trim().to_string());
    for line in lines {
        let t = line.trim();
        let rewritten = if let Some(c) = t.strip_prefix("(if:").and_then(|r| r.strip_suffix(")[")) {
            open.push(false);
            Some(format!("<<if {}>>", cond(c)))
        } else if let Some(c) = t
            .strip_prefix("(unless:")
            .and_then(|r| r.strip_suffix(")["))
        {
            open.push(true);
            Some(format!("<<unless {}>>", cond(c)))
        } else if open.is_empty() {
            None
        } else if t == "]" {
            Some(if open.pop() == Some(true) {
                "<</unless>>".to_string()
            } else {
                "<</if>>".to_string()
            })
        } else if t == "](else:)[" {
            Some("<<else>>".to_string())
        } else {
            t.strip_prefix("](else-if:")
                .and_then(|r| r.strip_suffix(")["))
                .map(|c| format!("<<elseif {}>>", cond(c)))
        };
        out.push(rewritten.unwrap_or_else(|| line.to_string()));
    }
    out
}

/// Rewrites Chapbook's `{link to: 'Passage', label: 'Label'}` inserts as links.
pub fn chapbook_inserts(line: &str) -> String {
    let mut s = line.to_string();
    let mut from = 0;
    while let Some(k) = s[from..].find("{link to:") {
        let i = from + k;
        let Some(end) = s[i..].find('}').map(|e| i + e) else {
            break;
        };
        let args = &s[i + "{link to:".len()..end];
        let link = quoted(args).and_then(|(to, rest)| {
            let rest = rest.trim_start();
            if rest.is_empty() {
                return Some(format!("[[{to}]]"));
            }
            let label = rest
                .strip_prefix(',')?
                .trim_start()
                .strip_prefix("label:")?;
            let (label, tail) = quoted(label)?;
            tail.trim()
                .is_empty()
                .then(|| format!("[[{}->{to}]]", label.replace(['[', ']'], "")))
        });
        match link {
            Some(l) => {
                s.replace_range(i..=end, &l);
                from = i + l.len();
            }
            None => from = end,
        }
    }
    s
}

/// One line of a Chapbook vars section (`gold: 5`, `hasKey: true`, `gold: gold + 2`):
/// `Some(the SugarCube <<set>> it means)`, or `None` when it is not that shape (a
/// condition in parentheses, an expression of other variables) and must be kept out.
pub fn chapbook_var(line: &str) -> Option<String> {
    let (name, value) = line.split_once(':')?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let value = value.trim();
    let value = match value.strip_prefix(name) {
        Some(rest) => format!("${name}{rest}"),
        None => value.to_string(),
    };
    Some(format!("<<set ${name} to {value}>>"))
}

/// Whether a passage opens with a Chapbook vars section: some lines of `name: value`
/// (or `name (condition): value`) and then a line `--`. Returns how many lines it has.
pub fn chapbook_vars_section(lines: &[&str]) -> Option<usize> {
    let sep = lines.iter().position(|l| l.trim() == "--")?;
    let var = |l: &&str| {
        let t = l.trim();
        t.is_empty()
            || t.split_once(':').is_some_and(|(n, _)| {
                let n = n.split(" (").next().unwrap_or(n).trim();
                !n.is_empty()
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            })
    };
    (sep > 0 && lines[..sep].iter().all(var)).then_some(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sugarcube_link_macros_become_links_with_setters() {
        assert_eq!(
            sugarcube_links("<<link \"Take a crystal\" \"Ending Rich\">><</link>>"),
            "[[Take a crystal|Ending Rich]]"
        );
        assert_eq!(
            sugarcube_links("A <<link \"Pay\">><<set $gold -= 3>><<goto \"Hall\">><</link>> b"),
            "A [[Pay|Hall][$gold -= 3]] b"
        );
        assert_eq!(
            sugarcube_links("<<button [[Go|Yard]]>><</button>>"),
            "[[Go|Yard]]"
        );
        // A body that does more is left for the reader to keep out.
        let odd = "<<link \"Look\">><<run alert(1)>><</link>>";
        assert_eq!(sugarcube_links(odd), odd);
        let no_target = "<<link \"Look\">><</link>>";
        assert_eq!(sugarcube_links(no_target), no_target);
    }

    #[test]
    fn harlowe_links_sets_and_single_link_conditions() {
        assert_eq!(
            harlowe("(link-goto: \"Pay the toll\", \"Crystal Hall\")"),
            "[[Pay the toll->Crystal Hall]]"
        );
        assert_eq!(harlowe("(link-goto: \"Hall\")"), "[[Hall]]");
        assert_eq!(
            harlowe("(set: $gold to it + 2)(set: $met to true)"),
            "<<set $gold to $gold + 2>><<set $met to true>>"
        );
        assert_eq!(
            harlowe("(if: $gold >= 5)[[[Pay->Hall]]](else:)[You cannot pay.]"),
            "<<if $gold >= 5>>[[Pay->Hall]]<<else>>You cannot pay.<</if>>"
        );
        assert_eq!(
            harlowe("(if: $met is not true)[[[Hide->Cellar]]]"),
            "<<if $met neq true>>[[Hide->Cellar]]<</if>>",
            "which the reader takes as forbidding `met`"
        );
        // `or` is not mapped: left as written.
        let or = "(if: $a or $b)[[[Go->Hall]]]";
        assert_eq!(harlowe(or), or);
    }

    #[test]
    fn harlowe_hooks_across_lines_become_a_block_line_for_line() {
        let lines = [
            "(if: $coins >= 4)[",
            "[[Bribe->Gate]]",
            "](else-if: $metRiva)[",
            "[[Ask Riva->Stall]]",
            "](else:)[",
            "The guard looks through you.",
            "]",
            "(unless: $seen)[",
            "[[Look->Yard]]",
            "]",
            "]",
        ];
        assert_eq!(
            harlowe_blocks(&lines),
            vec![
                "<<if $coins >= 4>>",
                "[[Bribe->Gate]]",
                "<<elseif $metRiva>>",
                "[[Ask Riva->Stall]]",
                "<<else>>",
                "The guard looks through you.",
                "<</if>>",
                "<<unless $seen>>",
                "[[Look->Yard]]",
                "<</unless>>",
                "]",
            ]
        );
    }

    #[test]
    fn chapbook_vars_and_link_inserts() {
        let lines = ["gold: 5", "hasKey: true", "gold: gold + 2", "--", "Text"];
        assert_eq!(chapbook_vars_section(&lines), Some(3));
        assert_eq!(
            chapbook_var("gold: 5").as_deref(),
            Some("<<set $gold to 5>>")
        );
        assert_eq!(
            chapbook_var("gold: gold + 2").as_deref(),
            Some("<<set $gold to $gold + 2>>")
        );
        assert_eq!(chapbook_var("gold (hasKey): 5"), None);
        assert_eq!(chapbook_vars_section(&["Plain text.", "--"]), None);
        assert_eq!(
            chapbook_inserts("Go {link to: 'Crystal Hall', label: 'Pay'} now"),
            "Go [[Pay->Crystal Hall]] now"
        );
        assert_eq!(chapbook_inserts("{link to: 'Hall'}"), "[[Hall]]");
    }
}
