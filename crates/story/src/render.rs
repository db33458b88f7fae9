//! Diagnostics as text, in the style of rustc: header, location, source line, carets, help.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::LineIndex;
use std::fmt::Write;

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const CYAN: &str = "\x1b[1;36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Renders diagnostics compiler-style against the story's text, with ANSI colour when `colour`.
///
/// ```text
/// error[E0101]: unknown layer `quater`
///   --> story.md:15:8
///    |
/// 15 | show: [quater]
///    |        ^^^^^^
///    |
///    = help: did you mean `quarters`?
/// ```
pub fn render_diagnostics(source_text: &str, diags: &[Diagnostic], colour: bool) -> String {
    let text = source_text.strip_prefix('\u{feff}').unwrap_or(source_text);
    let lines = LineIndex::new(text);
    let paint = |code: &'static str, s: &str| -> String {
        if colour {
            format!("{code}{s}{RESET}")
        } else {
            s.to_owned()
        }
    };
    let mut out = String::new();
    for d in diags {
        let (word, col) = match d.severity {
            Severity::Error => ("error", RED),
            Severity::Warning => ("warning", YELLOW),
        };
        let width = d.line.to_string().len();
        let pad = " ".repeat(width);
        let bar = paint(BLUE, "|");
        let _ = writeln!(
            out,
            "{}{}",
            paint(col, &format!("{word}[{}]", d.code)),
            paint(BOLD, &format!(": {}", one_line(&d.message)))
        );
        let _ = writeln!(
            out,
            "{pad}{} {}:{}:{}",
            paint(BLUE, "-->"),
            d.file,
            d.line,
            d.column
        );
        if d.line >= 1 && d.line <= lines.line_count() {
            let raw = lines.line_text(d.line);
            let shown = clean(raw);
            // Column and caret count in display characters (tabs are shown as 4 spaces).
            let before: String = raw.chars().take(d.column.saturating_sub(1)).collect();
            let start = clean(&before).chars().count();
            let span = match (d.end_line, d.end_column) {
                (Some(l), Some(c)) if l == d.line && c > d.column => {
                    let marked: String = raw
                        .chars()
                        .skip(d.column.saturating_sub(1))
                        .take(c - d.column)
                        .collect();
                    clean(&marked).chars().count()
                }
                _ => 1,
            }
            .max(1);
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(
                out,
                "{} {bar} {}",
                paint(BLUE, &d.line.to_string()),
                shown.trim_end()
            );
            let _ = writeln!(
                out,
                "{pad} {bar} {}{}",
                " ".repeat(start),
                paint(col, &"^".repeat(span))
            );
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "{pad} {bar}");
            let mut help_lines = help.lines();
            let first = help_lines.next().unwrap_or("");
            let _ = writeln!(
                out,
                "{pad} {} {}: {}",
                paint(BLUE, "="),
                paint(CYAN, "help"),
                clean(first)
            );
            for l in help_lines {
                let _ = writeln!(out, "{pad}         {}", clean(l));
            }
        }
        out.push('\n');
    }
    out
}

/// Tabs as four spaces, other control characters and invisible ones (bidirectional
/// controls, zero-width characters) as `�`, so the terminal shows what the file has.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("    "),
            '\r' | '\n' => {}
            c if c.is_control() || crate::invisible::name(c).is_some() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn one_line(s: &str) -> String {
    clean(&s.replace('\n', " "))
}
