//! Runs the readers over every input of the conformance corpus.
//!
//! The corpus (`tests/conformance/`, see its README.md) lists each file in
//! `manifest.json` with what a correct reader must do: `accept`, `warn` or
//! `reject` (plus tolerated alternatives in `also_ok`), and for some files the
//! exact header, record count, points, bounding box or feature types. The list
//! is read at test time, so a file added to the manifest is tested without any
//! change here.
//!
//! The messages of all rejected inputs are kept in `tests/snapshots/rejects.txt`;
//! run with `UPDATE_SNAPSHOTS=1` to rewrite it after an intended change.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use geo::{BoundingRect, Geometry};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use twinstory_data::{
    detect_coordinate_columns, read_csv_points_with, read_csv_table, read_geojson, read_overpass,
    CsvDialect, CsvOptions, DataError, DataWarning, Dataset, Table,
};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

fn manifest() -> Vec<Value> {
    let text = std::fs::read_to_string(corpus().join("manifest.json")).expect("manifest.json");
    let v: Value = serde_json::from_str(&text).expect("manifest.json is JSON");
    v.as_array().expect("manifest.json is an array").clone()
}

/// What a reader made of one input.
struct Loaded {
    result: Result<(), DataError>,
    warnings: Vec<DataWarning>,
    table: Option<Table>,
    dataset: Option<Dataset>,
}

impl Loaded {
    fn outcome(&self) -> &'static str {
        match (&self.result, self.warnings.is_empty()) {
            (Err(_), _) => "reject",
            (Ok(()), true) => "accept",
            (Ok(()), false) => "warn",
        }
    }
}

fn dialect(options: Option<&Value>) -> CsvDialect {
    let mut d = CsvDialect::default();
    let Some(o) = options else { return d };
    let ch = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .and_then(|s| s.chars().next())
    };
    d.delimiter = ch("delimiter");
    d.escape = ch("escape");
    d.comment = ch("comment");
    if let Some(b) = o.get("has_headers").and_then(Value::as_bool) {
        d.has_headers = b;
    }
    if let Some(b) = o.get("double_quote").and_then(Value::as_bool) {
        d.double_quote = b;
    }
    if let Some(b) = o.get("flexible").and_then(Value::as_bool) {
        d.flexible = b;
    }
    d
}

/// Runs the reader for `format`; a CSV with coordinate columns is also read as points.
fn load(entry: &Value, file: &str, bytes: &[u8]) -> Loaded {
    match entry["format"].as_str() {
        Some("geojson") | Some("overpass-json") => {
            let r = if entry["format"] == "geojson" {
                read_geojson(file, bytes)
            } else {
                read_overpass(file, bytes)
            };
            match r {
                Ok(d) => Loaded {
                    result: Ok(()),
                    warnings: d.warnings.clone(),
                    table: None,
                    dataset: Some(d),
                },
                Err(e) => Loaded {
                    result: Err(e),
                    warnings: Vec::new(),
                    table: None,
                    dataset: None,
                },
            }
        }
        Some("csv") => {
            let d = dialect(entry.get("options"));
            let table = match read_csv_table(file, bytes, &d) {
                Ok(t) => t,
                Err(e) => {
                    return Loaded {
                        result: Err(e),
                        warnings: Vec::new(),
                        table: None,
                        dataset: None,
                    }
                }
            };
            let mut warnings = table.warnings.clone();
            let mut dataset = None;
            if detect_coordinate_columns(&table.columns).is_some() {
                match read_csv_points_with(file, bytes, &CsvOptions::default(), &d) {
                    Ok(ds) => {
                        for w in &ds.warnings {
                            if !warnings.contains(w) {
                                warnings.push(w.clone());
                            }
                        }
                        dataset = Some(ds);
                    }
                    Err(e) => {
                        return Loaded {
                            result: Err(e),
                            warnings,
                            table: Some(table),
                            dataset: None,
                        }
                    }
                }
            }
            Loaded {
                result: Ok(()),
                warnings,
                table: Some(table),
                dataset,
            }
        }
        other => panic!("{file}: unknown format {other:?}"),
    }
}

fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether a typed cell stands for the expected text.
fn cell_matches(ours: Option<&Value>, expected: &str) -> bool {
    match ours {
        None | Some(Value::Null) => expected.trim().is_empty(),
        Some(Value::Number(n)) => expected.trim().parse::<f64>().ok() == n.as_f64(),
        Some(v) => cell_text(v) == expected,
    }
}

fn geometry_type(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::LineString(_) | Geometry::Line(_) => "LineString",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

/// Compares what `expected` pins; returns the differences.
fn compare(entry: &Value, loaded: &Loaded) -> Vec<String> {
    let mut diffs = Vec::new();
    let Some(exp) = entry.get("expected").and_then(Value::as_object) else {
        return diffs;
    };
    if loaded.result.is_err() {
        return diffs;
    }
    if let Some(t) = &loaded.table {
        if let Some(h) = exp.get("header").and_then(Value::as_array) {
            let h: Vec<&str> = h.iter().filter_map(Value::as_str).collect();
            if t.columns != h {
                diffs.push(format!("header {:?}, expected {h:?}", t.columns));
            }
        }
        if let Some(n) = exp.get("records").and_then(Value::as_u64) {
            if t.rows.len() as u64 != n {
                diffs.push(format!("{} records, expected {n}", t.rows.len()));
            }
        }
        if let Some(n) = exp.get("fields").and_then(Value::as_u64) {
            if t.columns.len() as u64 != n {
                diffs.push(format!("{} fields, expected {n}", t.columns.len()));
            }
        }
        for (key, index) in [("first", 0), ("third", 2)] {
            if let Some(want) = exp.get(key).and_then(Value::as_array) {
                let got: Vec<String> = t
                    .rows
                    .get(index)
                    .map(|r| r.values.iter().map(cell_text).collect())
                    .unwrap_or_default();
                let want: Vec<String> = want.iter().map(cell_text).collect();
                if got != want {
                    diffs.push(format!("{key} record {got:?}, expected {want:?}"));
                }
            }
        }
        if let Some(city) = exp.get("line4_city").and_then(Value::as_str) {
            let got = t
                .rows
                .iter()
                .find(|r| r.line == 4)
                .and_then(|r| r.values.first())
                .map(cell_text);
            if got.as_deref() != Some(city) {
                diffs.push(format!("line 4 city {got:?}, expected {city:?}"));
            }
        }
        if let Some(rel) = exp.get("records_json").and_then(Value::as_str) {
            let text = std::fs::read_to_string(corpus().join(rel)).expect("records_json file");
            let want: Vec<BTreeMap<String, String>> =
                serde_json::from_str(&text).expect("records_json");
            for (i, w) in want.iter().enumerate() {
                let Some(row) = t.rows.get(i) else {
                    diffs.push(format!("record {i} missing"));
                    continue;
                };
                for (k, v) in w {
                    let ours = t.column(k).and_then(|c| row.values.get(c));
                    if !cell_matches(ours, v) {
                        diffs.push(format!("record {i} {k}: {ours:?}, expected {v:?}"));
                    }
                }
            }
        }
        for (key, pick) in [("lat", 0usize), ("lon", 1)] {
            if let Some(want) = exp.get(key).and_then(Value::as_str) {
                let got = detect_coordinate_columns(&t.columns)
                    .map(|(a, b)| t.columns[[a, b][pick]].clone());
                if got.as_deref() != Some(want) {
                    diffs.push(format!("{key} column {got:?}, expected {want:?}"));
                }
            }
        }
    }
    let d = loaded.dataset.as_ref();
    let count = |d: &Dataset| d.features.iter().filter(|f| f.geometry.is_some()).count() as u64;
    for key in ["points", "features"] {
        if let Some(n) = exp.get(key).and_then(Value::as_u64) {
            let got = d.map(count);
            if got != Some(n) {
                diffs.push(format!("{got:?} {key}, expected {n}"));
            }
        }
    }
    if let Some(types) = exp.get("types").and_then(Value::as_object) {
        let mut got: BTreeMap<String, u64> = BTreeMap::new();
        for f in d.map(|d| d.features.as_slice()).unwrap_or_default() {
            if let Some(g) = &f.geometry {
                *got.entry(geometry_type(g).to_string()).or_default() += 1;
            }
        }
        let want: BTreeMap<String, u64> = types
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
            .collect();
        if got != want {
            diffs.push(format!("geometry types {got:?}, expected {want:?}"));
        }
    }
    if let Some(bbox) = exp.get("bbox").and_then(Value::as_array) {
        let want: Vec<f64> = bbox.iter().filter_map(Value::as_f64).collect();
        let collection: geo::GeometryCollection<f64> = d
            .map(|d| {
                d.features
                    .iter()
                    .filter_map(|f| f.geometry.clone())
                    .collect()
            })
            .unwrap_or_default();
        let got = collection
            .bounding_rect()
            .map(|r| vec![r.min().x, r.min().y, r.max().x, r.max().y]);
        let close = got
            .as_ref()
            .is_some_and(|g| g.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-9));
        if !close {
            diffs.push(format!("bbox {got:?}, expected {want:?}"));
        }
    }
    diffs
}

/// Author-facing: names the file, a position and a fix, in plain words.
fn message_problems(file: &str, e: &DataError) -> Vec<String> {
    let mut p = Vec::new();
    if e.file != file {
        p.push(format!("names {:?} instead of the file", e.file));
    }
    if e.position.is_none() && !e.message.contains("empty") {
        p.push("has no position".into());
    }
    if e.hint.as_deref().is_none_or(str::is_empty) {
        p.push("says nothing about what to fix".into());
    }
    let text = e.to_string();
    if text.contains("at line ") && text.contains(" column ") {
        p.push("repeats serde's \"at line … column …\"".into());
    }
    for serde_words in [
        "invalid type:",
        "expected a coordinate",
        "EOF",
        "untagged",
        "variant",
    ] {
        if text.contains(serde_words) {
            p.push(format!("uses parser wording {serde_words:?}"));
        }
    }
    p
}

#[test]
fn every_corpus_entry_has_the_expected_outcome() {
    let entries = manifest();
    assert!(
        entries.len() >= 248,
        "the manifest lists {} entries",
        entries.len()
    );
    let mut failures = Vec::new();
    let mut tally: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut snapshot = String::new();
    for entry in &entries {
        let file = entry["file"].as_str().expect("file");
        let expect = entry["expect"].as_str().expect("expect");
        let bytes = std::fs::read(corpus().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let loaded = load(entry, file, &bytes);
        let outcome = loaded.outcome();
        let also: Vec<&str> = entry
            .get("also_ok")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut problems = Vec::new();
        // `accept` allows warnings; `warn` requires one.
        let fits = outcome == expect || (expect == "accept" && outcome == "warn");
        if !fits && !also.contains(&outcome) {
            let detail = match &loaded.result {
                Err(e) => e.to_string(),
                Ok(()) => loaded
                    .warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" | "),
            };
            problems.push(format!("{outcome} instead of {expect}: {detail}"));
        }
        problems.extend(compare(entry, &loaded));
        if let Err(e) = &loaded.result {
            problems.extend(message_problems(file, e));
            snapshot.push_str(&format!("{e}\n"));
        }
        let format = entry["format"].as_str().unwrap_or("?").to_string();
        let t = tally.entry((format, expect.to_string())).or_default();
        if problems.is_empty() {
            t.0 += 1;
        } else {
            t.1 += 1;
            failures.push(format!(
                "{file} ({}): {}",
                entry["why"].as_str().unwrap_or(""),
                problems.join("; ")
            ));
        }
    }
    for ((format, expect), (pass, fail)) in &tally {
        println!("{format:>14} {expect:<7} pass {pass:>3} fail {fail:>3}");
    }
    check_snapshot("rejects.txt", &snapshot);
    assert!(
        failures.is_empty(),
        "{} of {} entries failed:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
}

/// Compares `actual` with the stored snapshot, or rewrites it with `UPDATE_SNAPSHOTS=1`.
fn check_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("snapshot folder"))
            .expect("create tests/snapshots");
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    if stored != actual {
        let first = stored
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(stored.lines().count().min(actual.lines().count()));
        panic!(
            "snapshot {} differs from line {}:\n  stored: {:?}\n  actual: {:?}\nrun with UPDATE_SNAPSHOTS=1 to accept the new messages",
            path.display(),
            first + 1,
            stored.lines().nth(first),
            actual.lines().nth(first)
        );
    }
}

#[test]
fn truncated_inputs_never_panic() {
    // Every corpus file cut at every 97th byte: the readers must return an
    // error or a dataset, never panic. (A hang would show as a stuck test.)
    for entry in manifest() {
        let file = entry["file"].as_str().expect("file");
        let bytes = std::fs::read(corpus().join(file)).expect("corpus file");
        for cut in (0..bytes.len()).step_by(97) {
            let part = &bytes[..cut];
            let run = std::panic::catch_unwind(|| {
                load(&entry, file, part);
            });
            assert!(run.is_ok(), "{file} cut at byte {cut} panicked");
        }
    }
}
