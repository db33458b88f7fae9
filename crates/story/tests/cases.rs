//! Data-driven snapshots: every `cases/<name>.md` is parsed and checked against
//! the files in `cases/`, and the rendered diagnostics (plus the model for
//! stories without errors) must equal `cases/<name>.expected`.
//!
//! `UPDATE_SNAPSHOTS=1 cargo test -p twinstory-story --test cases` rewrites them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use std::fmt::Write;
use std::path::Path;
use twinstory_story::{check_assets, has_errors, parse_story, render_diagnostics};

fn cases_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases"))
}

fn snapshot(name: &str, source: &[u8]) -> String {
    let mut parsed = parse_story(name, source);
    check_assets(&mut parsed, cases_dir());
    let text = String::from_utf8_lossy(source);
    let mut out = render_diagnostics(&text, &parsed.diagnostics, false);
    let errors = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == twinstory_story::Severity::Error)
        .count();
    let _ = writeln!(
        out,
        "== {errors} error(s), {} warning(s)",
        parsed.diagnostics.len() - errors
    );
    if let Some(story) = parsed.story.filter(|_| !has_errors(&parsed.diagnostics)) {
        out.push_str("== model\n");
        out.push_str(&serde_json::to_string_pretty(&story).unwrap());
        out.push('\n');
    }
    // Snapshots hold no path of the machine they were written on.
    out.replace(&cases_dir().display().to_string(), "<cases>")
}

#[test]
fn cases_match_their_snapshots() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1");
    let mut names: Vec<_> = std::fs::read_dir(cases_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    names.sort();
    assert!(names.len() >= 15, "only {} cases", names.len());
    let mut failed = Vec::new();
    for path in &names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let got = snapshot(&name, &std::fs::read(path).unwrap());
        let expected_path = path.with_extension("expected");
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            if update {
                std::fs::write(&expected_path, &got).unwrap();
            } else {
                failed.push(format!("--- {name}: expected\n{expected}\n--- got\n{got}"));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} case(s) differ (UPDATE_SNAPSHOTS=1 rewrites them):\n{}",
        failed.len(),
        failed.join("\n")
    );
}
