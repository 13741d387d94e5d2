//! Splitting a Markdown artifact into its YAML front matter and its prose body.

/// The two parts of a Markdown artifact, borrowed from the normalised text.
#[derive(Debug, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    /// The YAML between the `---` fences.
    pub yaml: &'a str,
    /// The file line the YAML's first line is on.
    pub yaml_line: u32,
    /// Everything after the closing fence.
    pub body: &'a str,
    /// The file line the body starts on.
    pub body_line: u32,
}

fn is_fence(line: &str, closing: bool) -> bool {
    let t = line.trim_end();
    t == "---" || (closing && t == "...")
}

/// Splits normalised text (LF line endings, no BOM). Errors carry a line and message.
pub fn split(text: &str) -> Result<FrontMatter<'_>, (u32, String)> {
    let first = text.lines().next().unwrap_or("");
    if !is_fence(first, false) {
        return Err((
            1,
            "no front matter: the file must start with a `---` line, then YAML fields, then `---`"
                .into(),
        ));
    }
    let yaml_start = first.len() + 1;
    let mut offset = yaml_start.min(text.len());
    for (line_no, line) in (2u32..).zip(text[offset..].split_inclusive('\n')) {
        if is_fence(line.trim_end_matches('\n'), true) {
            let yaml = &text[yaml_start.min(text.len())..offset];
            let body_start = offset + line.len();
            return Ok(FrontMatter {
                yaml,
                yaml_line: 2,
                body: &text[body_start.min(text.len())..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err((
        1,
        "front matter opened on line 1 is never closed with a `---` line".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body_with_lines() {
        let fm = split("---\nid: a\n---\nBody\n").expect("splits");
        assert_eq!(fm.yaml, "id: a\n");
        assert_eq!(fm.yaml_line, 2);
        assert_eq!(fm.body, "Body\n");
        assert_eq!(fm.body_line, 4);
    }

    #[test]
    fn missing_and_unclosed_front_matter_are_errors_on_line_one() {
        assert_eq!(split("id: a\n").map_err(|e| e.0), Err(1));
        assert_eq!(split("---\nid: a\n").map_err(|e| e.0), Err(1));
    }

    #[test]
    fn empty_body_is_fine() {
        let fm = split("---\nid: a\n---").expect("splits");
        assert_eq!(fm.body, "");
    }
}
