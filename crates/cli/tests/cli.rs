//! The `twinstory` binary, run as an author would: exact output and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn twinstory(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twinstory"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A fresh, empty folder under the system's temp folder.
fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "twinstory-cli-{name}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const BAD_STORY: &str = "---
title: Kaputt
layers:
  quarters: { source: { type: geojson, url: data/quarters.geojson } }
---

## Eins

```step
view: { center: [10, 53.5], zoom: thirteen }
show: [quater]
```
";

fn bad_story_dir() -> PathBuf {
    let dir = temp_dir("bad");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("story.md"), BAD_STORY).unwrap();
    std::fs::write(
        dir.join("data/quarters.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[10,53.5]}}]}"#,
    )
    .unwrap();
    dir
}

#[test]
fn validate_good_story_says_ok() {
    let dir = bad_story_dir();
    let good = BAD_STORY
        .replace("thirteen", "13")
        .replace("[quater]", "[quarters]");
    std::fs::write(dir.join("story.md"), good).unwrap();
    let out = twinstory(&["validate", "."], &dir);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "./story.md: ok (1 step, 1 layer)\n"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn every_example_story_validates_without_warnings() {
    for entry in std::fs::read_dir(repo().join("stories")).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("story.md").is_file() {
            let out = twinstory(
                &["validate", "--deny-warnings", dir.to_str().unwrap()],
                &repo(),
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.trim_end().contains(": ok ("), "{stderr}");
            assert_eq!(out.status.code(), Some(0), "{stderr}");
        }
    }
}

#[test]
fn validate_bad_story_lists_every_problem() {
    let dir = bad_story_dir();
    let out = twinstory(&["validate", "story.md"], &dir);
    let expected = "\
warning[W0006]: the layer `quarters` is never shown
 --> story.md:4:45
  |
4 |   quarters: { source: { type: geojson, url: data/quarters.geojson } }
  |                                             ^^^^^^^^^^^^^^^^^^^^^
  |
  = help: add it to the `show` list of a step (`show: [quarters]`), or delete the layer

error[E0021]: `zoom` must be a number, but it is the text `thirteen`
  --> story.md:10:35
   |
10 | view: { center: [10, 53.5], zoom: thirteen }
   |                                   ^^^^^^^^
   |
   = help: write it like this: `zoom: 12`

error[E0101]: unknown layer `quater`
  --> story.md:11:8
   |
11 | show: [quater]
   |        ^^^^^^
   |
   = help: did you mean `quarters`?

story.md: 2 error(s), 1 warning(s)
";
    let got = String::from_utf8_lossy(&out.stderr);
    assert_eq!(got, expected, "{got}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn validate_json_is_an_array_of_diagnostics() {
    let dir = bad_story_dir();
    let out = twinstory(&["validate", ".", "--format", "json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = v.as_array().unwrap();
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["W0006", "E0021", "E0101"]);
    let unknown = &diags[2];
    assert_eq!(unknown["file"], "./story.md");
    assert_eq!(
        (unknown["line"].as_u64(), unknown["column"].as_u64()),
        (Some(11), Some(8))
    );
    assert_eq!(unknown["end_column"].as_u64(), Some(14));
    assert_eq!(unknown["severity"], "error");
    assert_eq!(unknown["message"], "unknown layer `quater`");
    assert_eq!(unknown["help"], "did you mean `quarters`?");
}

#[test]
fn schema_is_draft_07_json() {
    let out = twinstory(&["schema"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#");
    assert!(v["properties"]["title"]["description"].is_string());
    assert!(v["definitions"]["StepBlock"].is_object());
}

#[test]
fn new_story_validates_without_warnings() {
    let dir = temp_dir("new");
    let out = twinstory(
        &[
            "new",
            "radwege",
            "--title",
            "Radwege: \"Hamburg\"",
            "--dir",
            ".",
        ],
        &dir,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("radwege/data/places.geojson").is_file());
    let out = twinstory(&["validate", "radwege", "--deny-warnings"], &dir);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "radwege/story.md: ok (3 steps, 1 layer)\n"
    );
    assert_eq!(out.status.code(), Some(0));
    let again = twinstory(&["new", "radwege", "--dir", "."], &dir);
    assert_eq!(again.status.code(), Some(2));
}
