//! Renderers for gatecheck reports: rustc-style text, the stable JSON contract, and
//! GitHub workflow annotations. Renderers return strings; printing is the CLI's job.

use super::{Decision, Report, Severity, Status};

/// Lines of the files a report points at, for quoting in human output.
pub trait Lines {
    /// The text of line `line` (1-based) of `path`, if known.
    fn line(&self, path: &str, line: u32) -> Option<String>;
}

impl Lines for crate::studio::Studio {
    fn line(&self, path: &str, line: u32) -> Option<String> {
        if line == 0 {
            return None;
        }
        self.text_of(path)?
            .lines()
            .nth(line as usize - 1)
            .map(str::to_string)
    }
}

/// For reports whose files are not at hand (merge, hooks): no quoted lines.
pub struct NoSource;

impl Lines for NoSource {
    fn line(&self, _: &str, _: u32) -> Option<String> {
        None
    }
}

use anstyle::{AnsiColor, Style};

const BOLD: Style = Style::new().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const BLUE: Style = AnsiColor::Blue.on_default().bold();

/// Whether to paint: rustc's colours when the terminal wants them, plain text otherwise.
struct Paint(bool);

impl Paint {
    fn wrap(&self, style: Style, s: &str) -> String {
        if self.0 {
            format!("{style}{s}{style:#}")
        } else {
            s.to_string()
        }
    }
}

/// Text for a terminal: control characters (an escape sequence in a file name, a line
/// break in a message) are shown as `\u{..}` instead of being acted on.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(|c: char| c.is_control()) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if c.is_control() {
                    format!("\\u{{{:x}}}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Human output: one rustc-like block per finding, then a summary line.
pub fn human(report: &Report, lines: &dyn Lines, what: &str, color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    for raw in &report.findings {
        // Paths and messages come from the studio: never raw control characters.
        let f = &crate::gate::Finding {
            path: visible(&raw.path).into_owned(),
            message: visible(&raw.message).into_owned(),
            ..raw.clone()
        };
        let (label, style) = match f.severity {
            Severity::Error => ("error", RED),
            Severity::Warning => ("warning", YELLOW),
        };
        out.push_str(&format!(
            "{}{}\n",
            p.wrap(style, &format!("{label}[{}]", f.code)),
            p.wrap(BOLD, &format!(": {}", f.message))
        ));
        let location = if f.line > 0 {
            format!("{}:{}", f.path, f.line)
        } else {
            f.path.clone()
        };
        let quoted = lines
            .line(&raw.path, f.line)
            .map(|t| visible(&t).into_owned());
        let width = if quoted.is_some() {
            f.line.to_string().len()
        } else {
            1
        };
        let pad = " ".repeat(width);
        out.push_str(&format!("{pad}{} {location}\n", p.wrap(BLUE, "-->")));
        if let Some(text) = quoted {
            let bar = p.wrap(BLUE, "|");
            out.push_str(&format!("{pad} {bar}\n"));
            out.push_str(&format!(
                "{} {bar} {}\n",
                p.wrap(BLUE, &f.line.to_string()),
                text.trim_end()
            ));
            out.push_str(&format!("{pad} {bar}\n"));
        }
        if !f.fix.is_empty() {
            out.push_str(&format!(
                "{pad} {} {}\n",
                p.wrap(BLUE, "="),
                p.wrap(BOLD, &format!("help: {}", f.fix))
            ));
        }
        out.push_str(&format!(
            "{pad} {} owner: {}\n\n",
            p.wrap(BLUE, "="),
            f.owner
        ));
    }
    if let Some(witnesses) = &report.witnesses {
        out.push_str(&p.wrap(BOLD, "witness routes:\n"));
        for w in witnesses {
            let steps: Vec<String> = w
                .path
                .iter()
                .map(|s| format!("{} —[{}]→", s.section, s.choice))
                .collect();
            out.push_str(&format!(
                "  {}: {} {}\n",
                w.keystone,
                steps.join(" "),
                w.keystone
            ));
        }
        out.push('\n');
    }
    if !report.waived.is_empty() {
        out.push_str(&format!("waived ({}):\n", report.waived.len()));
        for w in &report.waived {
            let f = &w.finding;
            out.push_str(&format!(
                "  {}:{} {} — waiver at waivers.yaml:{} until {} ({})\n",
                f.path, f.line, f.code, w.waiver.line, w.waiver.expires, w.waiver.granted_by
            ));
        }
        out.push('\n');
    }
    for e in &report.editions {
        let mut line = format!(
            "edition {}: {} of {} sections and {} of {} codex entries translated",
            e.language, e.sections.0, e.sections.1, e.codex.0, e.codex.1
        );
        if !e.untranslated.is_empty() {
            let shown: Vec<&str> = e.untranslated.iter().take(3).map(String::as_str).collect();
            let more = e.untranslated.len() - shown.len();
            line.push_str(&format!(
                "; {} file{} not yet: {}{}",
                e.untranslated.len(),
                if e.untranslated.len() == 1 { "" } else { "s" },
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ));
        }
        if !e.stale.is_empty() {
            line.push_str(&format!("; {} stale:", e.stale.len()));
        }
        out.push_str(&visible(&line));
        out.push('\n');
        for s in &e.stale {
            let when = match &s.changed_in {
                Some(c) => format!("changed in {}", crate::ids::short(c)),
                None => "edited in the work tree".to_string(),
            };
            out.push_str(&visible(&format!(
                "  {} — its source {} {when}, after the translation last did\n",
                s.path, s.source
            )));
        }
        out.push('\n');
    }
    let groups = report.remediation();
    if groups.len() > 1 || (groups.len() == 1 && report.findings.len() > 1) {
        out.push_str("remediation by owner:\n");
        for (owner, fs) in &groups {
            let errors = fs.iter().filter(|f| f.severity == Severity::Error).count();
            out.push_str(&format!(
                "  {owner}: {} finding(s), {errors} blocking\n",
                fs.len()
            ));
        }
        out.push('\n');
    }
    out.push_str(&summary(report, what, &p));
    out
}

fn summary(report: &Report, what: &str, p: &Paint) -> String {
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let files = {
        let mut paths: Vec<&str> = report.findings.iter().map(|f| f.path.as_str()).collect();
        paths.dedup();
        paths.len()
    };
    let decision = match report.decision {
        Decision::Pass => p.wrap(GREEN, "pass"),
        Decision::Conditional => p.wrap(YELLOW, "conditional"),
        Decision::Block => p.wrap(RED, "block"),
    };
    let bars: Vec<String> = report
        .bars
        .iter()
        .map(|b| {
            let s = match b.status {
                Status::Green => "green",
                Status::Yellow => "yellow",
                Status::Red => "red",
            };
            format!("{} {s}", b.bar.name())
        })
        .collect();
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    let counts = if errors + warnings == 0 {
        "no findings".to_string()
    } else {
        format!(
            "{}, {} in {}",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(files, "file")
        )
    };
    format!(
        "{what}: {decision} — {counts}, {} waived (bars evaluated: {})\n",
        report.waived.len(),
        bars.join(", ")
    )
}

/// The JSON contract: `decision`, `bars`, `findings` (pretty-printed, stable key order).
pub fn json(report: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands, one annotation per finding.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = format!("file={}", escape_property(&f.path));
        if f.line > 0 {
            props.push_str(&format!(",line={}", f.line));
        }
        props.push_str(&format!(",title={}", escape_property(&f.code)));
        let mut msg = f.message.clone();
        if !f.fix.is_empty() {
            msg.push_str(&format!("\nhelp: {}", f.fix));
        }
        out.push_str(&format!("::{level} {props}::{}\n", escape_data(&msg)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_only_when_asked_and_always_resets() {
        assert_eq!(Paint(false).wrap(RED, "block"), "block");
        let painted = Paint(true).wrap(RED, "block");
        assert!(
            painted.starts_with('\u{1b}') && painted.contains("31m"),
            "{painted:?}"
        );
        assert!(painted.ends_with("block\u{1b}[0m"), "{painted:?}");
    }
}
