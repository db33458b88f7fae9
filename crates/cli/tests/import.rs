//! `twinstory import` on the real stories in ../shared/data/imports: each
//! one is imported by the binary, its story.md validates, has the source's
//! number of steps and a view known from the source.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    reason = "tests: a failed setup stops the test with its message; a skip says why"
)]

#[allow(
    dead_code,
    reason = "the shared helpers include the stand-in player, which this file does not need"
)]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use twinstory_story::{check_assets, parse_story, Severity};

fn imports() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/imports");
    let dir = if dir.is_dir() {
        dir
    } else {
        PathBuf::from("/work/shared/data/imports")
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: the real inputs (../shared/data/imports) are not on this machine");
        None
    }
}

fn import(input: &Path, from: &str, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twinstory"))
        .args(["import"])
        .arg(input)
        .args(["--from", from, "--out"])
        .arg(out)
        .output()
        .unwrap()
}

/// Imports `input`, checks it validates without errors, returns the story
/// and the report.
fn imported(input: &Path, from: &str, name: &str) -> (twinstory_model::Story, String) {
    let out = common::temp_dir("import", name).join("story");
    let o = import(input, from, &out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{name}: {stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let source = std::fs::read(out.join("story.md")).unwrap();
    let mut parsed = parse_story("story.md", &source);
    check_assets(&mut parsed, &out);
    let errors: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}");
    let report = std::fs::read_to_string(out.join("import-report.md")).unwrap();
    assert!(stdout.contains("# Import report"), "{stdout}");
    (parsed.story.unwrap(), report)
}

fn center_zoom(story: &twinstory_model::Story, id: &str) -> ([f64; 2], f64, f64) {
    let step = story.steps.iter().find(|s| s.id == id).unwrap_or_else(|| {
        panic!(
            "no step `{id}` in {:?}",
            story.steps.iter().map(|s| &s.id).collect::<Vec<_>>()
        )
    });
    let v = step.view.as_ref().unwrap();
    (v.center.unwrap(), v.zoom.unwrap(), v.bearing)
}

/// Chapters counted in the source text (each has one `id:` at the
/// chapter's indentation), independently of the importer's reader.
fn chapters_in(config: &str) -> usize {
    let mut in_comment = false;
    config
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            if t.starts_with("/*") {
                in_comment = !t.contains("*/");
            }
            !in_comment && !t.starts_with("//") && t.starts_with("id:")
        })
        .count()
}

#[test]
fn mapbox_stories_import_validate_and_keep_their_views() {
    let Some(dir) = imports() else { return };
    let dir = dir.join("mapbox-storytelling");
    // (file, a chapter id, its centre, zoom, bearing as in the file)
    let known = [
        (
            "glacier.config.js",
            "blackfoot1998",
            [-113.66573, 48.59181],
            12.92,
            -26.4,
        ),
        (
            "template-2024.config.js",
            "second-identifier",
            [-77.020636, 38.8869],
            8.5,
            -43.2,
        ),
        (
            "ais-scrolly.config.js",
            "3-energie",
            [4.0572, 52.12677],
            8.0,
            0.0,
        ),
    ];
    for (file, id, center, zoom, bearing) in known {
        let input = dir.join(file);
        let (story, report) = imported(&input, "mapbox", file);
        let source = std::fs::read_to_string(&input).unwrap();
        assert_eq!(story.steps.len(), chapters_in(&source), "{file}");
        assert_eq!(
            center_zoom(&story, id),
            (center, zoom, bearing),
            "{file} `{id}`"
        );
        assert!(
            !report.contains("REDACTED"),
            "{file}: the token is never copied"
        );
    }
    // What the glacier story loses is named: its Mapbox layers and pitch.
    let (_, report) = imported(&dir.join("glacier.config.js"), "mapbox", "glacier-report");
    assert!(
        report.contains("- `gnpglaciers-2015`: `harrison2015` on enter: opacity 0.25"),
        "{report}"
    );
    // Pitch is part of the story format (0–60°): the glacier's 39.5° is
    // its view's, not a loss.
    let (story, _) = imported(&dir.join("glacier.config.js"), "mapbox", "glacier-pitch");
    assert!(
        story
            .steps
            .iter()
            .any(|s| s.view.as_ref().is_some_and(|v| v.pitch == 39.5)),
        "a step of the glacier story tilts 39.5°"
    );
    assert!(!report.contains("pitch 39.5°"), "{report}");
    assert!(report.contains("`use3dTerrain`"), "{report}");
    assert!(report.contains("upload.wikimedia.org"), "{report}");
    // The template's local images are noted, not linked to missing files.
    let (story, report) = imported(
        &dir.join("template-2024.config.js"),
        "mapbox",
        "template-report",
    );
    assert!(report.contains("- ./assets/geneva.jpg"), "{report}");
    assert!(
        story.steps[2].html.contains("Image not imported"),
        "{}",
        story.steps[2].html
    );
    assert!(report.contains("`rotateAnimation`"), "{report}");
}

#[test]
fn storymapjs_stories_import_validate_and_keep_their_views() {
    let Some(dir) = imports() else { return };
    let dir = dir.join("storymapjs");
    // (file, step index, lon, lat, StoryMapJS zoom): twinstory's is one less.
    let known = [
        ("marktwain.json", 2, [-91.94326, 39.501711], 12.0),
        ("population.json", 1, [-76.18667, 39.275], 10.0),
        ("president.json", 1, [-76.866361, 38.815477], 10.0),
    ];
    for (file, index, center, smjs_zoom) in known {
        let input = dir.join(file);
        let (story, report) = imported(&input, "storymapjs", file);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap();
        let slides = json["storymap"]["slides"].as_array().unwrap();
        assert_eq!(story.steps.len(), slides.len(), "{file}");
        let v = story.steps[index].view.as_ref().unwrap();
        assert_eq!(v.center.unwrap(), center, "{file}");
        assert_eq!(v.zoom.unwrap(), smjs_zoom - 1.0, "{file}");
        // The overview shows every place.
        assert!(
            story.steps[0].view.as_ref().unwrap().fit.is_some(),
            "{file}"
        );
        assert_eq!(story.layers.len(), 1, "{file}: the places layer");
        assert!(report.contains("(credit: "), "{file}: {report}");
    }
}

#[test]
fn refuses_a_folder_that_is_not_empty_and_names_where_a_literal_breaks() {
    let dir = common::temp_dir("import", "errors");
    std::fs::write(
        dir.join("config.js"),
        "var config = {\n  title: 'x',\n  chapters: [\n",
    )
    .unwrap();
    let o = import(&dir.join("config.js"), "mapbox", &dir.join("out"));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("line 3, column 13: this `[` is never closed"),
        "{err}"
    );

    std::fs::write(
        dir.join("config.js"),
        "var config = { chapters: [{ title: 'A', location: { center: [10, 53.5], zoom: 11 } }] };",
    )
    .unwrap();
    let o = import(&dir.join("config.js"), "mapbox", &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not empty"));
    let o = import(&dir.join("config.js"), "mapbox", &dir.join("ok"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

#[test]
fn hamburg_stories_import_validate_and_keep_their_views() {
    let Some(dir) = imports() else { return };
    let dir = dir.join("cut-hamburg");

    // FairCare Verkehr: 2D steps in EPSG:25832 with the portal's zoom levels.
    let input = dir.join("mobility-data");
    let (story, report) = imported(&input, "hamburg", "faircare");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(input.join("story.json")).unwrap()).unwrap();
    assert_eq!(story.steps.len(), json["steps"].as_array().unwrap().len());
    assert_eq!(story.lang, "de");
    // Step 13 "Pro-Kopf-Einkommen Barmbek-Süd": E 567770.58, N 5936891.31
    // (PROJ: 10.0235390 E, 53.5764972 N), zoomLevel 4 = 5.29 m per pixel
    // (1:20,000), MapLibre zoom 13.10 at that latitude.
    let step = &story.steps[12];
    assert_eq!(step.title, "Pro-Kopf-Einkommen Barmbek-Süd");
    let v = step.view.as_ref().unwrap();
    let c = v.center.unwrap();
    assert!(
        (c[0] - 10.023_539).abs() < 2e-6 && (c[1] - 53.576_497).abs() < 2e-6,
        "{c:?}"
    );
    assert!((v.zoom.unwrap() - 13.10).abs() < 0.011, "{:?}", v.zoom);
    // Its chapters are chapters: the first step of each starts it, and no
    // step's text begins with a chapter's title any more.
    let starts: Vec<(usize, &str)> = story
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((i, s.chapter.as_deref()?)))
        .collect();
    assert_eq!(
        starts,
        [
            (0, "Unbezahlte Sorgearbeit"),
            (6, "Unbezahlte Sorgearbeit in Hamburg"),
            (11, "Ein Beispiel zur Vertiefung: Barmbek-Süd"),
            (17, "Mobilität in Barmbek-Süd"),
            (21, "Datenerhebung")
        ]
    );
    assert!(
        !story.steps[0].html.contains("<em>Unbezahlte"),
        "{}",
        story.steps[0].html
    );
    assert!(!report.contains("twinstory has no chapters"), "{report}");
    // The step's text came from its HTML file.
    assert!(story.steps[0]
        .html
        .contains("Faircare Verkehr ist Teil eines Forschungsprojekts"));
    // Layers are named with the portal's services.
    assert!(
        report.contains("`15213 \"Magistralen\", WMS https://geodienste.hamburg.de/HH_WMS_Magistralen_Bauforum_2019"),
        "{report}"
    );

    // 3D test: the camera steps become views with bearing and pitch.
    let input = dir.join("3d-test");
    let (story, report) = imported(&input, "hamburg", "3d");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(input.join("story-3d.json")).unwrap())
            .unwrap();
    assert_eq!(story.steps.len(), json["steps"].as_array().unwrap().len());
    // Step 5: camera at 9.952388 E, 53.55877 N, 138.7 m, heading 2.5814 rad
    // (147.9°), pitch −0.5925 rad (33.9° down): it looks at a point about
    // 206 m away at 147.9° (PROJ's geodesic: 9.954040 E, 53.557202 N).
    let v = story.steps[4].view.as_ref().unwrap();
    assert!((v.bearing - 147.9).abs() < 0.06, "{}", v.bearing);
    let c = v.center.unwrap();
    assert!(
        (c[0] - 9.954_040).abs() < 2e-5 && (c[1] - 53.557_202).abs() < 2e-5,
        "{c:?}"
    );
    assert!((v.pitch - 56.05).abs() < 1e-9, "{}", v.pitch);
    assert!(
        report.contains("pitch 56.05° as the view's `pitch`"),
        "{report}"
    );
}

/// An export from another tool is untrusted: the HTML files a Hamburg story
/// names are read only inside its folder, never through `..`, an absolute
/// path or a symbolic link leading out (their text would end up in the
/// story, and then on the city's website).
#[test]
fn hamburg_steps_read_no_file_outside_the_story_folder() {
    let dir = common::temp_dir("import", "hamburg-outside");
    let secret = dir.join("secret.html");
    std::fs::write(&secret, "<p>GEHEIM-1234</p>").unwrap();
    let input = dir.join("export");
    std::fs::create_dir_all(input.join("html")).unwrap();
    std::fs::write(input.join("html/ok.html"), "<p>Erlaubt</p>").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, input.join("html/link.html")).unwrap();
    let step = |title: &str, file: &str| {
        serde_json::json!({
            "title": title,
            "centerCoordinate": [565_000.0, 5_934_000.0],
            "zoomLevel": 4,
            "htmlFile": file,
        })
    };
    let story = serde_json::json!({
        "title": "Ausflug",
        "htmlFolder": "html",
        "steps": [
            step("Gut", "ok.html"),
            step("Absolut", secret.to_str().unwrap()),
            step("Hoch", "../../secret.html"),
            step("Verlinkt", "link.html"),
            step("Kodiert", "%2e%2e/%2e%2e/secret.html"),
        ],
    });
    std::fs::write(input.join("story.json"), story.to_string()).unwrap();
    let out = dir.join("story");
    let o = import(&input, "hamburg", &out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let md = std::fs::read_to_string(out.join("story.md")).unwrap_or_default();
    assert!(
        md.contains("Erlaubt"),
        "the step's own file is read: {md}\n{stdout}"
    );
    assert!(
        !md.contains("GEHEIM"),
        "a file outside the folder was read:\n{md}"
    );
    assert!(!stdout.contains("GEHEIM"), "{stdout}");
    assert!(
        stdout.contains("outside the story's folder"),
        "the report says why: {stdout}"
    );
}
