//! `twinstory validate`: every problem of a story, compiler-style or as JSON.

use anyhow::{Context, Result};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use twinstory_story::{
    check_assets, load_layer_data, parse_story, render_diagnostics, DataSheet, ParsedStory,
    Severity,
};

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source lines with carets, in colour on a terminal.
    Human,
    /// One JSON array of diagnostics (file, line, column, end_line,
    /// end_column, severity, code, message, help).
    Json,
}

/// Finds story.md for a folder or file argument.
pub fn story_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("story.md")
    } else {
        path.to_path_buf()
    }
}

/// Runs `validate`.
pub fn run(path: &Path, format: Format, deny_warnings: bool, verbose: bool) -> Result<ExitCode> {
    let file = story_file(path);
    let source = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let display = file.display().to_string();
    let mut parsed = parse_story(&display, &source);
    let base = file.parent().unwrap_or(Path::new("."));
    check_assets(&mut parsed, base);
    let errors = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = parsed.diagnostics.len() - errors;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&parsed.diagnostics)?),
        Format::Human => {
            let text = String::from_utf8_lossy(&source);
            eprint!(
                "{}",
                render_diagnostics(&text, &parsed.diagnostics, std::io::stderr().is_terminal())
            );
            if verbose {
                if let Some(story) = &parsed.story {
                    print_data_sheets(story, &parsed, base);
                }
            }
            if errors == 0 && warnings == 0 {
                let steps = parsed.story.as_ref().map(|s| s.steps.len()).unwrap_or(0);
                let layers = parsed.story.as_ref().map(|s| s.layers.len()).unwrap_or(0);
                let plural =
                    |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
                eprintln!(
                    "{display}: ok ({}, {})",
                    plural(steps, "step"),
                    plural(layers, "layer")
                );
            } else {
                eprintln!("{display}: {errors} error(s), {warnings} warning(s)");
                if errors > 0 {
                    // crates/story's check_assets measures colours only
                    // without errors: a style it could not read would be
                    // measured as the default.
                    eprintln!("(the contrast of the map's colours, W0014–W0017, is measured once there are no errors)");
                }
            }
        }
    }
    Ok(if errors > 0 || (deny_warnings && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Per layer: where the data comes from, its licence, what it holds, and
/// what each join matched (rows and features on both sides).
fn print_data_sheets(story: &twinstory_model::Story, parsed: &ParsedStory, base: &Path) {
    for (i, layer) in story.layers.iter().enumerate() {
        let title = layer.title.as_deref().unwrap_or(&layer.id);
        eprintln!("\nlayer `{}` ({title})", layer.id);
        eprintln!("  source: {}", layer.source.url());
        match &layer.attribution {
            Some(a) => eprintln!("  licence: {a}"),
            None => eprintln!("  licence: not stated (add `attribution` to the layer)"),
        }
        if twinstory_model::url::is_absolute(layer.source.url()) {
            eprintln!("  (read by the player when the story plays; not checked here)");
            continue;
        }
        // Read by `check_assets` already; read again only to say why not.
        let owned;
        let data = match parsed.layer_data(i) {
            Some(d) => d,
            None => match load_layer_data(layer, base) {
                Ok(d) => {
                    owned = d;
                    &owned
                }
                Err(p) => {
                    eprintln!("  cannot be read: {}", p.message);
                    continue;
                }
            },
        };
        for (table, report) in &data.joins {
            let join = layer.join.iter().find(|j| &j.table == table);
            let how = match join.map(|j| j.by) {
                Some(twinstory_model::JoinBy::Stadtteil) => format!(
                    "by Stadtteil name, {}",
                    match join.map(|j| j.mode) {
                        Some(twinstory_model::JoinMode::Attach) => "attached to every quarter",
                        _ => "quarters dissolved",
                    }
                ),
                _ => "by key".to_owned(),
            };
            eprintln!("  join {table} ({how}):");
            for line in report.to_string().lines() {
                eprintln!("    {line}");
            }
        }
        for c in &layer.compute {
            eprintln!("  computed: {} = {}", c.name, c.expression);
        }
        let sheet = DataSheet::of(&data.dataset);
        let mut lines = sheet.to_string();
        if lines.ends_with('\n') {
            lines.pop();
        }
        let mut it = lines.lines();
        if let Some(first) = it.next() {
            eprintln!("  {first}");
        }
        for l in it {
            eprintln!("  {l}");
        }
    }
}
