//! The player's `story.json` reader (`Story::from_json`, a walk over a JSON
//! value, for the player's size) reads exactly what the derived
//! `Deserialize` reads: every story this crate parses, a story with every
//! setting, and a list of mistakes both must refuse.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use std::path::{Path, PathBuf};
use twinstory_model::Story;
use twinstory_story::parse_story;

fn both(json: &str) -> (Result<Story, String>, Result<Story, String>) {
    (
        serde_json::from_str::<Story>(json).map_err(|e| e.to_string()),
        Story::from_json(json).map_err(|e| e.to_string()),
    )
}

fn story_files() -> Vec<PathBuf> {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for entry in std::fs::read_dir(crate_dir.join("tests/cases")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "md") {
            files.push(p);
        }
    }
    for dir in [
        crate_dir.join("tests/authored"),
        crate_dir.join("../../stories"),
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path().join("story.md");
            if p.is_file() {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_parsed_story_reads_the_same_both_ways() {
    let mut seen = 0;
    for file in story_files() {
        let source = std::fs::read(&file).unwrap();
        let Some(story) = parse_story("story.md", &source).story else {
            continue;
        };
        let json = serde_json::to_string(&story).unwrap();
        let (derived, walked) = both(&json);
        let derived = derived.unwrap_or_else(|e| panic!("{}: derive: {e}", file.display()));
        let walked = walked.unwrap_or_else(|e| panic!("{}: walk: {e}", file.display()));
        assert_eq!(walked, derived, "{}", file.display());
        assert_eq!(walked, story, "{}: read back", file.display());
        seen += 1;
    }
    assert!(seen >= 40, "only {seen} stories parsed");
}

/// Every setting of every type, none at its default.
const EVERYTHING: &str = r##"{
  "format": 2, "title": "Alles", "lang": "en-GB", "summary": "S", "authors": ["A", "B"],
  "credits": ["C"], "theme": {"accent": "#112233", "map-background": "#445566", "text": "#010203", "page": "#fefefe", "card": "#fafafa", "card-radius": 0, "card-style": "flat", "font": "Probe Sans", "font-regular": "f/r.woff2", "font-bold": "f/b.woff2", "font-italic": "f/i.woff2", "font-bold-italic": "f/bi.woff2"},
  "interactive": true, "heading": "H", "intro": "<p>I</p>",
  "basemap": {
    "url": [{"text": "https://{s}.t.example/"}, "zoom", {"text": "/"}, "column", {"text": "/"},
            "tms-row", "retina", {"subdomain": null}, {"text": ".png"}],
    "attribution": "© T", "attribution-url": "https://t.example/c", "subdomains": ["a", "b"],
    "tile-size": 512, "min-zoom": 3, "max-zoom": 17, "opacity": 0.5
  },
  "layers": [
    {"id": "a", "title": "A", "source": {"type": "geojson", "url": "a.geojson"},
     "style": {"fill": null, "stroke": "#000000", "stroke-width": 2, "radius": 4.5,
               "choropleth": {"property": "p", "method": "jenks", "classes": 7, "scheme": "yl-gn-bu",
                              "colors": ["#010101", "#020202"], "no-data": "#030303"},
               "label": "{name}", "label-min-zoom": 11, "label-priority": "n"},
     "attribution": "a", "attribution-url": "https://a.example/", "fields": {"p": "P"},
     "categories": {"yes": "ja"}, "tooltip": "{p}",
     "join": [{"table": "t.csv", "by": "stadtteil", "feature-key": "k", "table-key": "tk",
               "mode": "attach", "columns": ["x"], "sum": ["y"], "missing": 0, "encoding": "cp1252",
               "numbers": "decimal-comma", "delimiter": ";"}],
     "compute": [{"name": "z", "expression": "x / y"}]},
    {"id": "b", "source": {"type": "csv", "url": "b.csv", "lat": "la", "lon": "lo", "delimiter": "\t"},
     "style": {"categories": {"property": "k", "scheme": "dark2", "colors": {"x": "#0000ff"}, "other": "#eeeeee"}}},
    {"id": "c", "source": {"type": "overpass", "url": "c.json"},
     "style": {"circles": {"property": "n", "max-radius": 30, "max-value": 100}}},
    {"id": "d", "source": {"type": "packed", "url": "d.bin"}},
    {"id": "e", "source": {"type": "ogc-api-features", "url": "https://e.example/collections/e",
                           "bbox": [9, 53, 10.5, 54], "limit": 10, "max-features": 20}},
    {"id": "f", "source": {"type": "wfs", "url": "https://f.example/wfs", "type-name": "app:f",
                           "format": "text/xml", "bbox": [9, 53, 10, 54], "limit": 5, "max-features": 6}},
    {"id": "g", "source": {"type": "sensorthings", "url": "https://g.example/v1.1",
                           "things": "startswith(name,'x')", "datastreams": "name eq 'x'",
                           "refresh": 60, "max-features": 7}}
  ],
  "steps": [
    {"id": "one", "title": "One", "html": "<p>1</p>",
     "view": {"center": [10, 53.5], "zoom": 11.5, "bearing": 20, "fit": "a"},
     "show": ["a", {"layer": "b", "opacity": 0.3, "filter": "k == 1", "highlight": "k == 2"}],
     "transition": "ease", "interactive": false, "map-description": "Die Karte zeigt Altona."},
    {"id": "two", "title": "Two", "view": {"fit": [9, 53, 10, 54]}, "view-narrow": {"center": [9.5, 53.5], "zoom": 9}, "transition": "jump"},
    {"id": "three", "title": "Three"},
    {"id": "four", "title": "Four", "show": [{"layer": "d", "filter": "`~start` <= 19951231 and `~end` >= 19950101"}],
     "play": {"duration": 2.5, "moments": [
       {"label": "1990", "show": [{"layer": "d", "filter": "`~start` <= 19901231 and `~end` >= 19900101"}]},
       {"label": "1995", "show": [{"layer": "d", "filter": "`~start` <= 19951231 and `~end` >= 19950101"}]}]}}
  ]
}"##;

#[test]
fn a_story_with_every_setting_reads_the_same_both_ways() {
    let (derived, walked) = both(EVERYTHING);
    let derived = derived.unwrap();
    assert_eq!(walked.unwrap(), derived);
    // And what the build writes from it reads back the same.
    let again = serde_json::to_string(&derived).unwrap();
    assert_eq!(Story::from_json(&again).unwrap(), derived);
    assert!(derived.layers[0].style.fill.is_none(), "`null` is no fill");
}

#[test]
fn defaults_are_the_derives() {
    let json = r#"{"title": "T", "layers": [
        {"id": "a", "source": {"type": "ogc-api-features", "url": "u"}, "style": {"choropleth": {"property": "p"}}},
        {"id": "b", "source": {"type": "wfs", "url": "u", "type-name": "t"}, "style": {"categories": {"property": "p"}}},
        {"id": "c", "source": {"type": "sensorthings", "url": "u"}, "style": {"circles": {"property": "p"}},
         "join": [{"table": "t"}]}],
      "steps": [{"id": "s", "title": "S", "view": {}, "show": [{"layer": "a"}]}],
      "basemap": {"url": ["zoom", "column", "row"], "attribution": "x"}}"#;
    let (derived, walked) = both(json);
    assert_eq!(walked.unwrap(), derived.unwrap());
}

#[test]
fn what_the_derive_refuses_is_refused() {
    let story = |layers: &str, steps: &str| {
        format!(r#"{{"title": "T", "layers": [{layers}], "steps": [{steps}]}}"#)
    };
    let layer = |extra: &str| {
        story(
            &format!(r#"{{"id": "a", "source": {{"type": "geojson", "url": "u"}}{extra}}}"#),
            "",
        )
    };
    let step = |extra: &str| story("", &format!(r#"{{"id": "s", "title": "S"{extra}}}"#));
    let cases = [
        r#"{"title": "T", "tilte": 1}"#.to_owned(),
        r#"{"lang": "de"}"#.to_owned(),
        r#"{"title": 3}"#.to_owned(),
        r#"{"title": "T", "format": -1}"#.to_owned(),
        r#"{"title": "T", "format": 2.5}"#.to_owned(),
        r#"{"title": "T", "theme": null}"#.to_owned(),
        r#"{"title": "T", "theme": {"accent": "blau"}}"#.to_owned(),
        r#"{"title": "T", "theme": {"card-style": "rounded"}}"#.to_owned(),
        r#"{"title": "T", "theme": {"card-radius": "6px"}}"#.to_owned(),
        r#"{"title": "T", "interactive": "yes"}"#.to_owned(),
        r#"{"title": "T", "basemap": {"url": ["zoom", "row"], "attribution": "x"}}"#.to_owned(),
        r#"{"title": "T", "basemap": {"url": "https://t/{z}/{x}/{y}", "attribution": "x"}}"#.to_owned(),
        r#"{"title": "T", "basemap": {"url": ["zoom", "column", "row"]}}"#.to_owned(),
        r#"{"title": "T", "basemap": {"url": ["zoom", "column", "row"], "attribution": "x", "max-zoom": 300}}"#.to_owned(),
        r#"{"title": "T", "layers": {}}"#.to_owned(),
        story(r#"{"id": "a"}"#, ""),
        story(r#"{"id": "a", "source": {"url": "u"}}"#, ""),
        story(r#"{"id": "a", "source": {"type": "shapefile", "url": "u"}}"#, ""),
        story(r#"{"id": "a", "source": {"type": "geojson", "url": "u", "lat": "y"}}"#, ""),
        story(r#"{"id": "a", "source": {"type": "csv", "url": "u", "delimiter": ";;"}}"#, ""),
        story(r#"{"id": "a", "source": {"type": "ogc-api-features", "url": "u", "bbox": [1, 2, 3]}}"#, ""),
        story(r#"{"id": "a", "source": {"type": "ogc-api-features", "url": "u", "limit": 1.5}}"#, ""),
        story(r#"{"id": "a", "source": {"type": "wfs", "url": "u"}}"#, ""),
        layer(r#", "style": {"fill": 3}"#),
        layer(r#", "style": {"radius": null}"#),
        layer(r#", "style": {"choropleth": {"property": "p", "classes": 256}}"#),
        layer(r#", "style": {"choropleth": {"property": "p", "scheme": "rainbow"}}"#),
        layer(r#", "style": {"choropleth": {"property": "p", "method": "kmeans"}}"#),
        layer(r#", "style": {"categories": {"scheme": "dark2"}}"#),
        layer(r#", "style": {"categories": {"property": "p", "colors": {"x": "nope"}}}"#),
        layer(r#", "style": {"circles": {"property": "p", "radius": 3}}"#),
        layer(r#", "fields": {"a": 1}"#),
        layer(r#", "join": [{"table": "t", "encoding": "latin-2"}]"#),
        layer(r#", "join": [{"table": "t", "by": "name"}]"#),
        layer(r#", "compute": [{"name": "x"}]"#),
        step(r#", "show": [{"layer": "q", "hilight": "a"}]"#),
        step(r#", "show": [3]"#),
        step(r#", "view": {"zooom": 3}"#),
        step(r#", "view": {"fit": [1, 2]}"#),
        step(r#", "view": {"center": [1, 2, 3]}"#),
        step(r#", "transition": "teleport""#),
        step(r#", "interactive": 1"#),
        story("", r#"{"id": "s"}"#),
        "[]".to_owned(),
        "{".to_owned(),
    ];
    for json in &cases {
        let (derived, walked) = both(json);
        assert!(derived.is_err(), "the derive reads {json}");
        assert!(
            walked.is_err(),
            "the walk reads what the derive refuses: {json}"
        );
    }
    // The walk says where.
    let e = Story::from_json(&layer(
        r#", "style": {"choropleth": {"property": "p", "classes": 256}}"#,
    ))
    .unwrap_err();
    assert_eq!(e.path, "$.layers[0].style.choropleth.classes");
}
