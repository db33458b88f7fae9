//! The docs are the contract: every example in `docs/*.md` is checked the
//! way doctests are, and the table of diagnostic codes in
//! `docs/story-format.md` must match what the code emits, both ways.
//!
//! # Which blocks are checked, and how
//!
//! A fenced block is checked by its info string (the word after the
//! backticks); blocks without one, and other languages (`nginx`, `text` …),
//! are not stories and are left alone.
//!
//! - ```` ```markdown ```` — a whole `story.md`.
//! - ```` ```yaml ```` — front matter settings (`layers:`, `basemap:` …),
//!   read as the front matter of a story with one step.
//! - ```` ```step ```` — a step block, read in a story whose layers are
//!   `quarters` (GeoJSON) and `playgrounds` (CSV).
//! - ```` ```chart ```` — a chart block, read in a step that shows those
//!   and `versorgung` (the example story's layer); its values against the
//!   example story's data are checked by `crates/story/tests/charts.rs`.
//!
//! Each must read without errors and warnings, except W0006 ("layer never
//! shown") for front-matter fragments. A block that shows a mistake names
//! the code it must produce after the language: ```` ```yaml expect=E0026 ````
//! (several: `expect=E0025,W0008`); it must produce that code and no other.
//! The snippets are read as `twinstory validate` reads story.md, without
//! their data files (which the docs do not ship); data checks are covered by
//! `crates/story/tests/cases`.
//!
//! # The code table
//!
//! Every `E…`/`W…` code the story crate's source writes must be a row of the
//! table, and every row must be produced, with the table's severity, by the
//! case corpus (`crates/story/tests/cases`), the doc examples, or the
//! generated inputs below.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a failed setup stops the test with its message"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use twinstory_story::{check_assets, parse_story, Diagnostic, Severity};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fenced block of a doc: file, line of the opening fence, info, text.
struct Block {
    file: String,
    line: usize,
    info: String,
    text: String,
}

/// The fenced blocks of a Markdown text (a fence of n backticks ends at a
/// line of at least n backticks and nothing else).
fn blocks(file: &str, text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize, String, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let ticks = line.chars().take_while(|c| *c == '`').count();
        match &mut open {
            None if ticks >= 3 => {
                open = Some((i + 1, ticks, line[ticks..].trim().to_owned(), String::new()))
            }
            None => {}
            Some((start, n, info, body)) => {
                if ticks >= *n && line.trim_end().len() == ticks {
                    out.push(Block {
                        file: file.to_owned(),
                        line: *start,
                        info: std::mem::take(info),
                        text: std::mem::take(body),
                    });
                    open = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "{file}: a fenced block is never closed");
    out
}

fn docs() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

const STEP_LAYERS: &str = "layers:\n  quarters:\n    source: { type: geojson, url: data/quarters.geojson }\n  playgrounds:\n    source: { type: csv, url: data/playgrounds.csv }\n";

/// The story a block stands for, or `None` for blocks that are no story.
fn as_story(b: &Block) -> Option<String> {
    let lang = b.info.split_whitespace().next().unwrap_or("");
    match lang {
        "markdown" => Some(b.text.clone()),
        "yaml" => {
            let title = if b.text.starts_with("title:") {
                ""
            } else {
                "title: Doc\n"
            };
            Some(format!(
                "---\n{title}{}---\n\n## Step\n\n```step\nview: {{ center: [10, 53.55], zoom: 11 }}\n```\n\nText.\n",
                b.text
            ))
        }
        "step" => Some(format!(
            "---\ntitle: Doc\n{STEP_LAYERS}---\n\n## Step\n\n```step\n{}```\n\nText.\n",
            b.text
        )),
        // A chart, read in a step of a story whose layers are those of the
        // example story (`versorgung`, `quarters`, `playgrounds`).
        "chart" => Some(format!(
            "---\ntitle: Doc\n{STEP_LAYERS}  versorgung:\n    source: {{ type: geojson, url: data/quarters.geojson }}\n---\n\n## Step\n\n```step\nview: {{ fit: quarters }}\nshow: [quarters, playgrounds, versorgung]\n```\n\n```chart\n{}```\n",
            b.text
        )),
        _ => None,
    }
}

fn expected_codes(b: &Block) -> BTreeSet<String> {
    b.info
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("expect="))
        .flat_map(|c| c.split(',').map(str::to_owned))
        .collect()
}

/// Every doc example reads as the docs say.
#[test]
fn every_example_in_the_docs_reads_as_the_text_says() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for (file, text) in docs() {
        for b in blocks(&file, &text) {
            let Some(story) = as_story(&b) else { continue };
            checked += 1;
            let parsed = parse_story("story.md", story.as_bytes());
            let fragment = !b.info.starts_with("markdown");
            let got: BTreeSet<String> = parsed
                .diagnostics
                .iter()
                .filter(|d| !(fragment && d.code == "W0006"))
                .map(|d| d.code.clone())
                .collect();
            let want = expected_codes(&b);
            if got != want {
                let list: Vec<String> = parsed
                    .diagnostics
                    .iter()
                    .map(|d| format!("{}:{} {} {}", d.line, d.column, d.code, d.message))
                    .collect();
                failures.push(format!(
                    "{}:{} (```{}): expected {want:?}, got {got:?}\n  {}",
                    b.file,
                    b.line,
                    b.info,
                    list.join("\n  ")
                ));
            }
        }
    }
    assert!(checked >= 12, "only {checked} examples found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The rows `| E0001 | error | … |` of the diagnostics table.
fn code_table() -> BTreeMap<String, Severity> {
    let text = std::fs::read_to_string(root().join("docs/story-format.md")).unwrap();
    let mut table = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 {
            continue;
        }
        let code = cells[1];
        let is_code = code.len() == 5
            && (code.starts_with('E') || code.starts_with('W'))
            && code[1..].chars().all(|c| c.is_ascii_digit());
        if !is_code {
            continue;
        }
        let severity = match cells[2] {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            other => panic!("{code}: severity `{other}`"),
        };
        assert!(
            table.insert(code.to_owned(), severity).is_none(),
            "{code} twice"
        );
    }
    table
}

/// Every code literal in the story crate's source.
fn codes_in_source() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut dirs = vec![root().join("crates/story/src")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let bytes = text.as_bytes();
                for i in 0..bytes.len().saturating_sub(6) {
                    let w = &bytes[i..i + 7];
                    if w[0] == b'"'
                        && (w[1] == b'E' || w[1] == b'W')
                        && w[2..6].iter().all(u8::is_ascii_digit)
                        && w[6] == b'"'
                    {
                        out.insert(text[i + 1..i + 6].to_owned());
                    }
                }
            }
        }
    }
    out
}

/// Inputs for codes that the case files do not hold (too large, binary, a
/// symbolic link), each with the folder its files are checked in.
fn generated() -> Vec<(Vec<u8>, PathBuf)> {
    let cases = root().join("crates/story/tests/cases");
    let dir = std::env::temp_dir().join(format!("twinstory-docs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.join("linked.geojson")).unwrap();
    let story = |layers: &str, body: &str| {
        format!("---\ntitle: T\nlayers:\n{layers}---\n{body}\n## A\n\n```step\nview: {{ center: [10, 53.5], zoom: 11 }}\nshow: [a]\n```\n").into_bytes()
    };
    // E0198, W0058: versions beside the story in the wrong language, and
    // one that does not name the story back.
    let versions = |lang: &str, translations: &str| {
        format!("---\ntitle: T\nlang: {lang}\ntranslations: {translations}\n---\n\n## A\n\n```step\nview: {{ center: [10, 53.5], zoom: 11 }}\n```\n")
    };
    for (name, lang, translations) in [("b", "de", "{ en: ../a }"), ("c", "fr", "{}")] {
        std::fs::create_dir_all(dir.join(name)).unwrap();
        std::fs::write(
            dir.join(name).join("story.md"),
            versions(lang, translations),
        )
        .unwrap();
    }
    std::fs::create_dir_all(dir.join("a")).unwrap();
    let mut big = b"---\ntitle: T\n---\n".to_vec();
    big.resize(twinstory_story::MAX_FILE_BYTES + 1, b'a');
    vec![
        (big, cases.clone()),
        (b"---\ntitle: T\n---\n\0\0".to_vec(), cases.clone()),
        // E0045: a step block before the first heading.
        (story("  a: { source: { type: geojson, url: data/points.geojson } }\n", "```step\nshow: [a]\n```\n"), cases.clone()),
        // E0063: a join on a server's data.
        (story("  a:\n    source: { type: ogc-api-features, url: \"https://example.org/collections/a\" }\n    join: { table: data/counts.csv }\n", ""), cases.clone()),
        // W0007: no row matches (the points have no `id`).
        (story("  a:\n    source: { type: geojson, url: data/points.geojson }\n    join: { table: data/counts.csv, feature-key: id, table-key: id, missing: 0 }\n", ""), cases.clone()),
        // E0067: a symbolic link out of the story folder.
        (story("  a: { source: { type: geojson, url: linked.geojson } }\n", ""), dir.clone()),
        (versions("de", "{ en: ../b, fr: ../c }").into_bytes(), dir.join("a")),
    ]
}

/// Every diagnostic the corpus, the doc examples and the generated inputs produce.
fn produced() -> Vec<Diagnostic> {
    let cases = root().join("crates/story/tests/cases");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&cases).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|e| e == "md") {
            let mut parsed = parse_story("story.md", &std::fs::read(&p).unwrap());
            check_assets(&mut parsed, &cases);
            out.extend(parsed.diagnostics);
        }
    }
    for (file, text) in docs() {
        for b in blocks(&file, &text) {
            if let Some(story) = as_story(&b) {
                out.extend(parse_story("story.md", story.as_bytes()).diagnostics);
            }
        }
    }
    for (input, dir) in generated() {
        let mut parsed = parse_story("story.md", &input);
        check_assets(&mut parsed, &dir);
        out.extend(parsed.diagnostics);
    }
    out
}

#[test]
fn the_code_table_matches_the_codes_the_code_emits_both_ways() {
    let table = code_table();
    assert!(table.len() >= 40, "only {} rows", table.len());
    let source = codes_in_source();
    let undocumented: Vec<_> = source.iter().filter(|c| !table.contains_key(*c)).collect();
    assert!(
        undocumented.is_empty(),
        "codes the story crate emits but docs/story-format.md does not list: {undocumented:?}"
    );
    let mut seen: BTreeMap<String, BTreeSet<Severity>> = BTreeMap::new();
    for d in produced() {
        seen.entry(d.code.clone()).or_default().insert(d.severity);
    }
    let mut problems = Vec::new();
    for (code, severity) in &table {
        match seen.get(code) {
            None => problems.push(format!("{code} is in the table but nothing produces it")),
            Some(s) if s.len() != 1 || !s.contains(severity) => problems.push(format!(
                "{code} is a {severity:?} in the table but produced as {s:?}"
            )),
            Some(_) => {}
        }
        let letter = if *severity == Severity::Error {
            'E'
        } else {
            'W'
        };
        if !code.starts_with(letter) {
            problems.push(format!("{code}: its letter does not match `{severity:?}`"));
        }
    }
    for code in seen.keys() {
        if !table.contains_key(code) {
            problems.push(format!("{code} is produced but not in the table"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `validate --help` names the same JSON fields as the docs.
#[test]
fn validate_help_lists_the_json_fields_the_docs_list() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_twinstory"))
        .args(["validate", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    let docs = std::fs::read_to_string(root().join("docs/story-format.md")).unwrap();
    let at = docs.find("`twinstory validate --format json`").unwrap();
    let sentence = &docs[at..at + docs[at..].find(')').unwrap()];
    let fields: Vec<&str> = sentence.split('`').skip(3).step_by(2).collect();
    assert!(fields.len() >= 9, "{fields:?}");
    let d = Diagnostic {
        file: "f".into(),
        line: 1,
        column: 1,
        end_line: Some(1),
        end_column: Some(2),
        severity: Severity::Error,
        code: "E0001".into(),
        message: "m".into(),
        help: Some("h".into()),
    };
    let json = serde_json::to_value(&d).unwrap();
    let keys: BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, fields.iter().copied().collect(), "docs vs. the JSON");
    for f in &fields {
        assert!(
            help.contains(f),
            "`validate --help` does not name `{f}`: {help}"
        );
    }
}
