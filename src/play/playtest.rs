//! Seeded random playtests: N playthroughs choosing uniformly among the open choices,
//! reported as coverage (sections and choices reached, endings and their frequency),
//! runs that got stuck with the route that led there, and notes for the Narration
//! Dry-Run TU (`nav-bug`, `gate-friction`, `choice-ambiguity`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::Playable;
use crate::error::Error;

/// How to playtest.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Playthroughs.
    pub runs: usize,
    /// The seed: the same seed gives the same runs.
    pub seed: u64,
    /// Steps after which a run is cut short (a loop it never leaves).
    pub max_steps: usize,
    /// Pick among the open choices no run has taken yet, while there are any (coverage
    /// before frequency); uniformly among all open ones otherwise.
    pub prefer_new: bool,
}

/// SplitMix64: a tiny, fixed generator, so a seed means the same runs in every version
/// of showrunner (library generators do not promise that across releases).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A section and how many runs reached it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reached {
    /// Section id.
    pub section: String,
    /// Runs that reached it.
    pub runs: usize,
}

/// Runs that stopped where a reader could not go on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stuck {
    /// The section with no open way on (and not an ending).
    pub section: String,
    /// How many runs got stuck there.
    pub runs: usize,
    /// The first such run's route: (section, label of the choice taken).
    pub route: Vec<(String, String)>,
}

/// A note for the Narration Dry-Run TU.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// `nav-bug`, `gate-friction` or `choice-ambiguity`.
    pub tag: &'static str,
    /// Where.
    pub section: String,
    /// What a reader meets.
    pub message: String,
}

/// What the playtest found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The snapshot.
    pub tag: String,
    /// Playthroughs.
    pub runs: usize,
    /// The seed.
    pub seed: u64,
    /// The step limit.
    pub max_steps: usize,
    /// Whether runs preferred the choices no run had taken yet.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub prefer_new: bool,
    /// Sections in the book.
    pub sections: usize,
    /// Sections some run reached.
    pub sections_reached: usize,
    /// Choices in the book.
    pub choices: usize,
    /// Choices some run took.
    pub choices_taken: usize,
    /// Every section with the runs that reached it, in reading order.
    pub coverage: Vec<Reached>,
    /// Sections no run reached, in reading order.
    pub never_reached: Vec<String>,
    /// Endings reached, most frequent first.
    pub endings: Vec<Reached>,
    /// Where runs got stuck, most frequent first.
    pub stuck: Vec<Stuck>,
    /// Runs cut short at the step limit.
    pub cut_short: usize,
    /// Mean steps of a run (two decimals).
    pub mean_steps: f64,
    /// Notes for the Narration Dry-Run.
    pub notes: Vec<Note>,
}

/// Plays `opts.runs` seeded random playthroughs.
pub fn run(book: &Playable, opts: &Options) -> Report {
    let n = book.sections.len();
    let mut section_runs = vec![0usize; n];
    let mut last_seen = vec![usize::MAX; n];
    let mut choice_runs: Vec<Vec<usize>> = book
        .sections
        .iter()
        .map(|s| vec![0; s.choices.len()])
        .collect();
    let mut choice_offered: Vec<Vec<usize>> = choice_runs.clone();
    let mut endings: BTreeMap<usize, usize> = BTreeMap::new();
    let mut stuck: BTreeMap<usize, (usize, Vec<(usize, usize)>)> = BTreeMap::new();
    let mut cut_short = 0;
    let mut steps_total = 0usize;
    let mut open: Vec<usize> = Vec::new();
    let progress = crate::progress::Progress::new("playtesting", Some(opts.runs as u64), "runs");
    for r in 0..opts.runs {
        progress.inc(1);
        let mut rng = Rng(opts.seed ^ (r as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let mut st = book.begin();
        let mut steps = 0;
        loop {
            if last_seen[st.at] != r {
                last_seen[st.at] = r;
                section_runs[st.at] += 1;
            }
            let here = &book.sections[st.at];
            if here.terminal {
                *endings.entry(st.at).or_default() += 1;
                break;
            }
            if steps >= opts.max_steps {
                cut_short += 1;
                break;
            }
            open.clear();
            for (i, c) in here.choices.iter().enumerate() {
                if c.target.is_some() && book.open(c, &st.held, &st.values) {
                    open.push(i);
                    choice_offered[st.at][i] += 1;
                }
            }
            if open.is_empty() {
                let e = stuck.entry(st.at).or_insert((0, st.path.clone()));
                e.0 += 1;
                break;
            }
            let pick = if opts.prefer_new && open.iter().any(|&i| choice_runs[st.at][i] == 0) {
                open.retain(|&i| choice_runs[st.at][i] == 0);
                open[rng.below(open.len())]
            } else {
                open[rng.below(open.len())]
            };
            choice_runs[st.at][pick] += 1;
            // `pick` is open with a target, so the move cannot be refused.
            if book.take(&mut st, pick).is_err() {
                break;
            }
            steps += 1;
        }
        steps_total += steps;
    }

    let id = |i: usize| book.sections[i].id.clone();
    let coverage: Vec<Reached> = (0..n)
        .map(|i| Reached {
            section: id(i),
            runs: section_runs[i],
        })
        .collect();
    let never_reached: Vec<String> = (0..n).filter(|&i| section_runs[i] == 0).map(id).collect();
    let endings = endings_of(book, endings);
    let stuck = stuck_of(book, stuck);
    let notes = notes_of(book, &stuck, &section_runs, &choice_offered);
    let choices: usize = choice_runs.iter().map(Vec::len).sum();
    let choices_taken = choice_runs.iter().flatten().filter(|&&c| c > 0).count();
    Report {
        tag: book.tag.clone(),
        runs: opts.runs,
        seed: opts.seed,
        max_steps: opts.max_steps,
        prefer_new: opts.prefer_new,
        sections: n,
        sections_reached: n - never_reached.len(),
        choices,
        choices_taken,
        coverage,
        never_reached,
        endings,
        stuck,
        cut_short,
        mean_steps: if opts.runs == 0 {
            0.0
        } else {
            (steps_total as f64 / opts.runs as f64 * 100.0).round() / 100.0
        },
        notes,
    }
}

/// Endings reached, most often first.
fn endings_of(book: &Playable, endings: BTreeMap<usize, usize>) -> Vec<Reached> {
    let id = |i: usize| book.sections[i].id.clone();
    let mut endings: Vec<Reached> = endings
        .into_iter()
        .map(|(i, runs)| Reached {
            section: id(i),
            runs,
        })
        .collect();
    endings.sort_by(|a, b| b.runs.cmp(&a.runs).then_with(|| a.section.cmp(&b.section)));
    endings
}

/// Stuck places with the route of their first stuck run, most often first.
fn stuck_of(book: &Playable, stuck: BTreeMap<usize, (usize, Vec<(usize, usize)>)>) -> Vec<Stuck> {
    let id = |i: usize| book.sections[i].id.clone();
    let mut stuck: Vec<Stuck> = stuck
        .into_iter()
        .map(|(i, (runs, path))| Stuck {
            section: id(i),
            runs,
            route: path
                .iter()
                .map(|&(s, c)| (id(s), book.sections[s].choices[c].label.clone()))
                .collect(),
        })
        .collect();
    stuck.sort_by(|a, b| b.runs.cmp(&a.runs).then_with(|| a.section.cmp(&b.section)));

    stuck
}

/// Notes for the Narration Dry-Run: stuck runs and dangling choices (nav-bug), gates
/// never open where their section was visited (gate-friction), sibling choices that
/// read alike (choice-ambiguity).
fn notes_of(
    book: &Playable,
    stuck: &[Stuck],
    section_runs: &[usize],
    choice_offered: &[Vec<usize>],
) -> Vec<Note> {
    let mut notes = Vec::new();
    for s in stuck {
        notes.push(Note {
            tag: "nav-bug",
            section: s.section.clone(),
            message: format!(
                "{} run(s) stopped here: not an ending, and no way on is open",
                s.runs
            ),
        });
    }
    for (i, sec) in book.sections.iter().enumerate() {
        for (j, c) in sec.choices.iter().enumerate() {
            if c.target.is_none() {
                notes.push(Note {
                    tag: "nav-bug",
                    section: sec.id.clone(),
                    message: format!(
                        "choice {} \"{}\" leads to `{}`, not in the book",
                        j + 1,
                        c.label,
                        c.to
                    ),
                });
            } else if c.gated() && section_runs[i] > 0 && choice_offered[i][j] == 0 {
                notes.push(Note {
                    tag: "gate-friction",
                    section: sec.id.clone(),
                    message: format!(
                        "choice {} \"{}\" was never open in {} visit(s): {}",
                        j + 1,
                        c.label,
                        section_runs[i],
                        c.condition.as_deref().unwrap_or("its gate never opened")
                    ),
                });
            }
        }
        let mut labels: BTreeMap<String, usize> = BTreeMap::new();
        for c in &sec.choices {
            *labels.entry(c.label.trim().to_lowercase()).or_default() += 1;
        }
        for (label, count) in labels.into_iter().filter(|(_, n)| *n > 1) {
            notes.push(Note {
                tag: "choice-ambiguity",
                section: sec.id.clone(),
                message: format!("{count} choices read \"{label}\""),
            });
        }
    }
    notes
}

/// The report as text.
pub fn human(r: &Report) -> String {
    let mut o = String::new();
    let pct = |a: usize, b: usize| {
        if b == 0 {
            0.0
        } else {
            a as f64 * 100.0 / b as f64
        }
    };
    let _ = writeln!(
        o,
        "playtest of {}: {} run(s), seed {}, at most {} steps{}",
        r.tag,
        r.runs,
        r.seed,
        r.max_steps,
        if r.prefer_new {
            ", untaken choices first"
        } else {
            ""
        }
    );
    let _ = writeln!(
        o,
        "sections reached  {}/{} ({:.1} %)\nchoices taken     {}/{} ({:.1} %)\nmean steps        {}",
        r.sections_reached,
        r.sections,
        pct(r.sections_reached, r.sections),
        r.choices_taken,
        r.choices,
        pct(r.choices_taken, r.choices),
        r.mean_steps
    );
    let _ = writeln!(o, "\nendings reached:");
    for e in &r.endings {
        let _ = writeln!(
            o,
            "  {:<28} {:>6} ({:.1} %)",
            e.section,
            e.runs,
            pct(e.runs, r.runs)
        );
    }
    if !r.stuck.is_empty() {
        let _ = writeln!(o, "\nstuck (no way on, not an ending):");
        for s in &r.stuck {
            let route: Vec<String> = s
                .route
                .iter()
                .map(|(sec, label)| format!("{sec} → \"{label}\""))
                .collect();
            let _ = writeln!(
                o,
                "  {} ({} run(s)) via {}",
                s.section,
                s.runs,
                route.join(", ")
            );
        }
    }
    if r.cut_short > 0 {
        let _ = writeln!(
            o,
            "\n{} run(s) cut short at {} steps",
            r.cut_short, r.max_steps
        );
    }
    if !r.never_reached.is_empty() {
        let shown: Vec<&str> = r
            .never_reached
            .iter()
            .take(20)
            .map(String::as_str)
            .collect();
        let _ = writeln!(
            o,
            "\nnever reached ({}): {}{}",
            r.never_reached.len(),
            shown.join(", "),
            if r.never_reached.len() > 20 {
                ", …"
            } else {
                ""
            }
        );
    }
    if !r.notes.is_empty() {
        let _ = writeln!(o, "\nnotes:");
        for n in &r.notes {
            let _ = writeln!(o, "  [{}] {}: {}", n.tag, n.section, n.message);
        }
    }
    o
}

/// One bin of the coverage strip: sections in reading order, shaded by the share of
/// runs that reached the most visited of them.
#[derive(Serialize)]
struct Bin<'a> {
    x: usize,
    /// Lightness, percent (no decimals).
    light: String,
    /// The bin's first section.
    first: &'a str,
    /// Whether the bin holds more sections than its first.
    more: bool,
    /// Share of runs, percent (no decimals).
    share: String,
}

/// The coverage strip.
#[derive(Serialize)]
struct Coverage<'a> {
    width: usize,
    view_width: usize,
    height: usize,
    bins: Vec<Bin<'a>>,
}

/// One ending's bar.
#[derive(Serialize)]
struct Bar<'a> {
    section: &'a str,
    runs: usize,
    y: usize,
    text_y: usize,
    width: usize,
    count_x: usize,
}

/// The endings chart.
#[derive(Serialize)]
struct Endings<'a> {
    height: usize,
    bars: Vec<Bar<'a>>,
}

/// One step of a stuck run's route.
#[derive(Serialize)]
struct Step<'a> {
    section: &'a str,
    label: &'a str,
}

/// Where runs got stuck.
#[derive(Serialize)]
struct StuckAt<'a> {
    section: &'a str,
    runs: usize,
    route: Vec<Step<'a>>,
}

/// The page's context: `templates/play/playtest.html` lays it out.
#[derive(Serialize)]
struct Page<'a> {
    tag: &'a str,
    runs: usize,
    seed: u64,
    max_steps: usize,
    sections: usize,
    sections_reached: usize,
    choices: usize,
    choices_taken: usize,
    mean_steps: String,
    coverage: Coverage<'a>,
    endings: Endings<'a>,
    stuck: Vec<StuckAt<'a>>,
    notes: &'a [Note],
}

/// The report as one self-contained HTML page with a coverage chart (inline SVG), laid
/// out by `templates/play/playtest.html`.
pub fn html(r: &Report) -> Result<String, Error> {
    // Coverage strip: sections in reading order, binned, shaded by the share of runs.
    let bins = r.coverage.len().clamp(1, 200);
    let per = r.coverage.len().div_ceil(bins).max(1);
    let (w, h) = (4 * bins.div_ceil(1), 40);
    let coverage = Coverage {
        width: w.max(200),
        view_width: w,
        height: h,
        bins: r
            .coverage
            .chunks(per)
            .enumerate()
            .map(|(b, chunk)| {
                let share =
                    chunk.iter().map(|c| c.runs).max().unwrap_or(0) as f64 / r.runs.max(1) as f64;
                let light = 95.0 - 60.0 * share;
                Bin {
                    x: b * 4,
                    light: format!("{light:.0}"),
                    first: &chunk[0].section,
                    more: chunk.len() > 1,
                    share: format!("{:.0}", share * 100.0),
                }
            })
            .collect(),
    };
    let max = r.endings.iter().map(|e| e.runs).max().unwrap_or(1).max(1);
    let endings = Endings {
        height: r.endings.len() * 24 + 6,
        bars: r
            .endings
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let bw = e.runs * 340 / max;
                let y = 3 + i * 24;
                Bar {
                    section: &e.section,
                    runs: e.runs,
                    y,
                    text_y: y + 14,
                    width: bw.max(1),
                    count_x: 185 + bw,
                }
            })
            .collect(),
    };
    let page = Page {
        tag: &r.tag,
        runs: r.runs,
        seed: r.seed,
        max_steps: r.max_steps,
        sections: r.sections,
        sections_reached: r.sections_reached,
        choices: r.choices,
        choices_taken: r.choices_taken,
        mean_steps: r.mean_steps.to_string(),
        coverage,
        endings,
        stuck: r
            .stuck
            .iter()
            .map(|s| StuckAt {
                section: &s.section,
                runs: s.runs,
                route: s
                    .route
                    .iter()
                    .map(|(section, label)| Step { section, label })
                    .collect(),
            })
            .collect(),
        notes: &r.notes,
    };
    crate::templates::document("play/playtest.html", &page, None)
}
