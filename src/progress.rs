//! How far long work has got, for the person at a terminal.
//!
//! Library code counts its work through [`Progress`]; nothing is drawn unless the
//! command line turned progress on ([`enable`]: a human on a terminal, standard error a
//! TTY, not CI, never for JSON, hooks or conversations) and the work has already taken
//! a second — short commands never flicker a bar. Bars are drawn on standard error by
//! `indicatif` and cleared when the work ends, before the command's own output.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static ENABLED: AtomicBool = AtomicBool::new(false);

/// How long work runs before its bar appears.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// Lets [`Progress`] draw on standard error from now on (the command line decides).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Counting one piece of long work: `inc` as it goes; dropped, it clears its bar.
pub struct Progress {
    bar: ProgressBar,
    start: Instant,
    shown: AtomicBool,
    count: AtomicU64,
}

impl Progress {
    /// Work of `total` steps (`None`: unknown), named `what`, counted in `unit`.
    pub fn new(what: &str, total: Option<u64>, unit: &str) -> Progress {
        let bar = match total {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::hidden())
                .with_style(
                    ProgressStyle::with_template(&format!(
                        "{{msg}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} ({{eta}} left)"
                    ))
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_style(
                ProgressStyle::with_template(&format!(
                    "{{spinner}} {{msg}}: {{human_pos}} {unit} ({{per_sec}})"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        bar.set_message(what.to_string());
        Progress {
            bar,
            start: Instant::now(),
            shown: AtomicBool::new(false),
            count: AtomicU64::new(0),
        }
    }

    /// One more step done (from any thread).
    pub fn inc(&self, n: u64) {
        let seen = self.count.fetch_add(n, Ordering::Relaxed);
        // The clock and the switch are looked at every 256 steps, not every step.
        if seen.is_multiple_of(256) && !self.shown.load(Ordering::Relaxed) && self.due() {
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.inc(n);
    }

    /// Whether the bar should be showing by now.
    fn due(&self) -> bool {
        ENABLED.load(Ordering::Relaxed) && self.start.elapsed() >= QUIET_FOR
    }

    /// Whether the bar has been drawn (for tests).
    pub fn is_shown(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_shows_unless_enabled_and_slow() {
        let p = Progress::new("reading", Some(10), "files");
        for _ in 0..1000 {
            p.inc(1);
        }
        assert!(!p.is_shown(), "a quick piece of work draws nothing");
    }
}
