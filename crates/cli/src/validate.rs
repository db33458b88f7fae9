//! `twinstory validate`: every problem of a story, compiler-style or as JSON.

use anyhow::{Context, Result};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use twinstory_story::{check_assets, parse_story, render_diagnostics, Severity};

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source lines with carets, in colour on a terminal.
    Human,
    /// One JSON array of diagnostics (file, line, column, severity, message, help).
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
pub fn run(path: &Path, format: Format, deny_warnings: bool) -> Result<ExitCode> {
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
            }
        }
    }
    Ok(if errors > 0 || (deny_warnings && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
