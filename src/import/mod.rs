//! Imports from other tools: a Twee 3 story (Twine 2, Tweego) read into the story
//! model's sections (written through `story::write`), and the record of what was kept
//! but not mapped. Writing them into a studio inside a TU is `app::import`'s.

pub mod formats;
pub mod numbers;
pub mod twee;
pub mod twine_html;

/// `counters.yaml` for the counters an import read.
pub fn counters_yaml(counters: &[crate::story::counters::Counter]) -> String {
    use crate::artifact::yaml::quote;
    let mut o = String::from(
        "# Counters and items a reader carries, read from the story's number variables.\ncounters:\n",
    );
    for c in counters {
        o.push_str(&format!(
            "  {}:\n    name: {}\n{}    min: {}\n    max: {}\n    start: {}\n",
            c.id,
            quote(&c.name),
            if c.item { "    kind: item\n" } else { "" },
            c.min,
            c.max,
            c.start
        ));
    }
    o
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A new studio's `studio.toml`: the template with the story's title and start.
pub fn studio_toml(template: &str, title: &str, start: &str) -> String {
    template
        .lines()
        .map(|l| {
            let key = l.split('=').next().unwrap_or("").trim();
            match key {
                "title" => format!("title = {}", toml_string(title)),
                "start" => format!("start = {}", toml_string(start)),
                _ => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The commit message body: what was kept but not mapped, whole, so nothing is lost.
pub fn record(story: &twee::Story, file: &str) -> String {
    let mut o = format!(
        "Imported from {file}: {} passage(s) as sections, {} link(s) as choices.\n",
        story.sections.len(),
        story
            .sections
            .iter()
            .map(|s| s.story.choices.len())
            .sum::<usize>()
    );
    if let Some(f) = &story.format {
        o.push_str(&format!("Story format: {f}.\n"));
    }
    if let Some(i) = &story.ifid {
        o.push_str(&format!("IFID: {i}\n"));
    }
    let codewords = story.codewords();
    if !codewords.is_empty() {
        o.push_str(&format!(
            "Codewords read from SugarCube macros: {}.\n",
            codewords.join(", ")
        ));
    }
    for c in &story.counters {
        let inferred = story.inferred.contains(&c.id);
        o.push_str(&format!(
            "Counter {} ({}): {}..={}, starting at {}{}.\n",
            c.id,
            c.name,
            c.min,
            c.max,
            c.start,
            if inferred {
                " — range inferred from the numbers the story uses (SugarCube does not bound numbers): check it in counters.yaml"
            } else {
                ""
            }
        ));
    }
    for (p, id) in &story.renamed {
        o.push_str(&format!(
            "Renamed: passage \"{p}\" is section {id} (its name's id was taken).\n"
        ));
    }
    if !story.macros.is_empty() {
        o.push_str("\nStory-format code showrunner does not run, kept out of the reader's text:\n");
        for m in &story.macros {
            o.push_str(&format!(
                "  {}:{} {} — {} ({})\n",
                file, m.line, m.passage, m.text, m.what
            ));
        }
    }
    for k in &story.not_sections {
        o.push_str(&format!(
            "\nNot a section: \"{}\" ({}, {file}:{}), kept here whole:\n",
            k.passage, k.what, k.line
        ));
        for l in k.text.lines() {
            o.push_str(&format!("    {l}\n"));
        }
    }
    o
}
