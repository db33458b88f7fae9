//! The `twinstory` binary, run as an author would: exact output and exit codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn twinstory(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twinstory"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("cli", name)
}

/// Builds `dir/story` into `dir/site` with a stand-in player, which must
/// succeed; the site's folder.
fn build_with_stand_in_player(dir: &Path) -> PathBuf {
    common::stand_in_player(dir);
    let out = twinstory(
        &["build", "story", "--out", "site", "--player", "player"],
        dir,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("site")
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
    // (No "`quarters` is never shown": `quater` was meant to be it.)
    let expected = "\
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

story.md: 2 error(s), 0 warning(s)
(the contrast of the map's colours, W0014–W0017, is measured once there are no errors)
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
    assert_eq!(codes, ["E0021", "E0101"]);
    let unknown = &diags[1];
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
    // Its last step names the folder it is in (`--dir .`), not `stories/`.
    let story = std::fs::read_to_string(dir.join("radwege/story.md")).unwrap();
    assert!(
        story.contains("`twinstory validate ./radwege`") && story.ends_with("`.\n"),
        "{story}"
    );
    let out = twinstory(&["validate", "radwege", "--deny-warnings"], &dir);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "radwege/story.md: ok (3 steps, 1 layer)\n"
    );
    assert_eq!(out.status.code(), Some(0));
    let again = twinstory(&["new", "radwege", "--dir", "."], &dir);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn new_story_in_german_validates_without_warnings_and_speaks_german() {
    let dir = temp_dir("new-de");
    let out = twinstory(&["new", "radwege", "--lang", "de", "--dir", "."], &dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let story = std::fs::read_to_string(dir.join("radwege/story.md")).unwrap();
    assert!(story.contains("\nlang: de\n"), "{story}");
    assert!(story.contains("## Das Rathaus"), "{story}");
    let out = twinstory(&["validate", "radwege", "--deny-warnings"], &dir);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "radwege/story.md: ok (3 steps, 1 layer)\n"
    );
    let wrong = twinstory(&["new", "velo", "--lang", "fr", "--dir", "."], &dir);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(!dir.join("velo").exists());
}

#[test]
fn build_writes_a_self_contained_site_that_works_below_any_path() {
    let dir = temp_dir("build");
    assert_eq!(
        twinstory(&["new", "radwege", "--dir", "stories"], &dir)
            .status
            .code(),
        Some(0)
    );
    common::stand_in_player(&dir);
    let out = twinstory(
        &["build", "stories", "--out", "site", "--player", "player"],
        &dir,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let site = dir.join("site");
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("href=\"radwege/\""), "{index}");
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("story.schema.json")).unwrap()).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");

    let story = site.join("radwege");
    let page = std::fs::read_to_string(story.join("index.html")).unwrap();
    let story_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(story.join("story.json")).unwrap()).unwrap();
    assert_eq!(story_json["steps"].as_array().unwrap().len(), 3);
    // Every file the page, its boot module and the story name exists, by a relative URL.
    let boot_name = page
        .split("<script type=\"module\" src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the page starts the player from a module file");
    let boot = std::fs::read_to_string(story.join(boot_name)).unwrap();
    let mut names = Vec::new();
    // The head's links and every `src` (the static maps of the page
    // without JavaScript too); links in the story's text may go anywhere.
    let head = page.split("</head>").next().unwrap();
    for (text, attr) in [(head, "href=\""), (page.as_str(), "src=\"")] {
        for part in text.split(attr).skip(1) {
            names.push(part.split('"').next().unwrap().to_string());
        }
    }
    // The modules it imports (the embed's frame script), the player with 3D
    // it falls back to (glue and wasm), and the base the page names.
    for part in boot.split("import(\"./").skip(1) {
        names.push(part.split('"').next().unwrap().to_string());
    }
    let fallback = boot
        .split(": [\"")
        .nth(1)
        .and_then(|s| s.split("\"]").next())
        .unwrap_or_else(|| panic!("the boot module names the player: {boot}"));
    names.extend(fallback.split("\", \"").map(String::from));
    let base = page
        .split("<meta name=\"twinstory-base\" content=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the page names its base");
    names.extend(base.split(' ').map(String::from));
    assert!(
        base.starts_with("twinstory_flat-") && base.contains(" twinstory_flat_bg-"),
        "a story without extrude plays on the flat base: {base}"
    );
    for layer in story_json["layers"].as_array().unwrap() {
        names.push(layer["source"]["url"].as_str().unwrap().to_string());
    }
    let local: Vec<&String> = names
        .iter()
        .filter(|n| !n.starts_with("data:") && !n.is_empty())
        .collect();
    assert!(local.len() >= 4, "{local:?}");
    for name in local {
        assert!(
            !name.starts_with('/') && !name.contains("://"),
            "{name} is not relative"
        );
        assert!(story.join(name).is_file(), "{name} is missing");
    }
    // Player files carry a content hash, so they can be cached forever.
    let js = std::fs::read_dir(&story)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("twinstory_player-") && n.ends_with(".js"));
    assert!(js.is_some(), "no hashed player script");
}

#[test]
fn validate_verbose_prints_data_sheets_and_what_each_join_matched() {
    let out = twinstory(&["validate", "--verbose", "stories/spielplaetze"], &repo());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for expected in [
        "layer `versorgung` (Spielplätze je 1.000 Kinder)",
        "join data/stadtteilprofile-2014.csv (by Stadtteil name, quarters dissolved):",
        "99 of 107 rows matched, 180 of 181 features received values",
        "unmatched row \"Hamburg\" at row 108 (line 108)",
        "features without a row: Neuwerk",
        "computed: je_1000_kinder = points_of_interest / `Unter 18-Jährige` * 1000",
        "100 features (100 MultiPolygon)",
        "je_1000_kinder: number (1 without a value)",
        "608 features (608 Point)",
        "licence: © OpenStreetMap-Mitwirkende (ODbL)",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(
        stderr.trim_end().ends_with("ok (14 steps, 11 layers)"),
        "{stderr}"
    );
}

#[test]
fn build_writes_the_theme_with_its_self_hosted_font() {
    let dir = temp_dir("theme");
    std::fs::create_dir_all(dir.join("story/fonts")).unwrap();
    std::fs::write(dir.join("story/fonts/Probe-Bold.woff2"), b"wOF2 bold").unwrap();
    std::fs::write(
        dir.join("story/story.md"),
        "---\ntitle: Theme\ntheme:\n  accent: \"#8a0f2e\"\n  text: \"#222222\"\n  card-radius: 0\n  card-style: flat\n  font: \"Probe Sans\"\n  font-bold: fonts/Probe-Bold.woff2\n---\n\n## Eins\n\n```step\nview: { center: [10, 53.5], zoom: 11 }\n```\n\nText.\n",
    )
    .unwrap();
    let site = build_with_stand_in_player(&dir);
    let page = std::fs::read_to_string(site.join("index.html")).unwrap();
    // The theme's style sheet follows the player's, so its values win.
    let css_at = page.find("twinstory-").unwrap();
    let theme_name = page
        .split("href=\"theme-")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| format!("theme-{s}"))
        .expect("the page links the theme's style sheet");
    assert!(page.find(&theme_name).unwrap() > css_at, "{page}");
    let css = std::fs::read_to_string(site.join(&theme_name)).unwrap();
    assert!(css.contains("--ts-accent: #8a0f2e;"), "{css}");
    assert!(css.contains("--ts-text: #222222;"), "{css}");
    assert!(css.contains("--ts-card-radius: 0px;"), "{css}");
    // The faces' family is the story's own (`font` and a hash of the
    // files), so that on a host page they join no family of the page's.
    // The quoted value after `key` in the @font-face rule.
    let quoted = |key: &str| {
        css.split(&format!("{key}\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("an @font-face rule")
    };
    let family = quoted("font-family: ");
    assert!(
        family.starts_with("Probe Sans ") && family.len() == "Probe Sans ".len() + 8,
        "{family}"
    );
    assert!(
        css.contains(&format!("--ts-font: \"{family}\", system-ui, sans-serif;")),
        "{css}"
    );
    let font = quoted("src: url(");
    assert!(
        css.contains("font-weight: 700; font-style: normal;"),
        "{css}"
    );
    assert!(
        font.starts_with("fonts/Probe-Bold-") && font.ends_with(".woff2"),
        "{font}"
    );
    assert_eq!(std::fs::read(site.join(font)).unwrap(), b"wOF2 bold");
    // The <twin-story> element puts the font faces alone into the host document.
    let element = std::fs::read_to_string(site.join("element.js")).unwrap();
    let fonts = element
        .split("fonts: '")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap();
    let faces = std::fs::read_to_string(site.join(fonts)).unwrap();
    assert!(
        faces.starts_with("@font-face") && !faces.contains(":root"),
        "{faces}"
    );
    assert!(
        faces.contains(&format!("font-family: \"{family}\";")) && !faces.contains("\"Probe Sans\""),
        "{faces}"
    );
    // The player needs the family only; the files stay out of story.json.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("story.json")).unwrap()).unwrap();
    assert_eq!(json["theme"]["font"], family);
    assert_eq!(json["theme"]["card-style"], "flat");
    assert!(json["theme"].get("font-bold").is_none(), "{json}");
}

/// An image `w`×`h` px with a pattern that compresses like a photo.
fn test_image(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        let v = (x * 7 + y * 13 + (x * y) % 31) as u8;
        image::Rgb([v, (x % 256) as u8, (y % 256) as u8])
    })
}

/// "Links may go to … other files of the story" (docs/story-format.md):
/// the build publishes them at their paths, so a download link works on
/// the published site; links out of the folder and to the build's own
/// files are left alone.
#[test]
fn build_publishes_the_files_the_text_links_to() {
    let dir = temp_dir("links");
    let story = dir.join("story");
    std::fs::create_dir_all(story.join("data")).unwrap();
    std::fs::create_dir_all(story.join("docs")).unwrap();
    std::fs::write(
        story.join("data/spielplaetze.csv"),
        "name,lat,lon\nA,53.5,10\n",
    )
    .unwrap();
    std::fs::write(story.join("docs/Methode 2024.pdf"), "%PDF-1.4\n").unwrap();
    std::fs::write(story.join("index.html"), "the author's own").unwrap();
    std::fs::write(
        story.join("story.md"),
        "---\ntitle: Links\n---\n\n## Eins\n\n```step\nview: { center: [10, 53.5], zoom: 11 }\n```\n\n[Die Tabelle](data/spielplaetze.csv), [die Methode](docs/Methode%202024.pdf#page=2), [eine andere Geschichte](../andere/), [hier](index.html).\n",
    )
    .unwrap();
    let site = build_with_stand_in_player(&dir);
    assert_eq!(
        std::fs::read_to_string(site.join("data/spielplaetze.csv")).unwrap(),
        "name,lat,lon\nA,53.5,10\n"
    );
    assert!(site.join("docs/Methode 2024.pdf").is_file());
    assert_ne!(
        std::fs::read_to_string(site.join("index.html")).unwrap(),
        "the author's own"
    );
    // A link to a file that is not there is an error, before anything is built.
    std::fs::remove_file(story.join("docs/Methode 2024.pdf")).unwrap();
    let out = twinstory(
        &["build", "story", "--out", "site", "--player", "player"],
        &dir,
    );
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("E0060")
            && stderr.contains("the linked file `docs/Methode%202024.pdf#page=2` does not exist"),
        "{stderr}"
    );
}

#[test]
fn build_writes_resized_images_at_the_srcset_widths_and_never_upscales() {
    let dir = temp_dir("images");
    let story = dir.join("story");
    std::fs::create_dir_all(story.join("img")).unwrap();
    std::fs::create_dir_all(story.join("media")).unwrap();
    test_image(2000, 1000)
        .save(story.join("img/wide.jpg"))
        .unwrap();
    test_image(700, 300)
        .save(story.join("img/mid.png"))
        .unwrap();
    test_image(300, 200)
        .save(story.join("img/small.jpg"))
        .unwrap();
    let clip = repo().join("tests/fixtures/media");
    for f in ["clip.webm", "clip.vtt", "poster.jpg"] {
        std::fs::copy(clip.join(f), story.join("media").join(f)).unwrap();
    }
    std::fs::write(
        story.join("story.md"),
        "---\ntitle: Bilder\n---\n\n## Eins\n\n```step\nview: { center: [10, 53.5], zoom: 11 }\n```\n\n![Breit](img/wide.jpg)\n\n![Mittel](img/mid.png)\n\n![Klein](img/small.jpg)\n\n```video\nsrc: media/clip.webm\ncaptions: media/clip.vtt\nposter: media/poster.jpg\n```\n",
    )
    .unwrap();
    let site = build_with_stand_in_player(&dir);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("story.json")).unwrap()).unwrap();
    let html = json["steps"][0]["html"].as_str().unwrap().to_owned();
    // The srcset of each image: (file, width) per candidate, in order.
    let srcset = |src: &str| -> Vec<(String, u32)> {
        let at = html
            .find(&format!("<img src=\"{src}\" srcset=\""))
            .unwrap_or_else(|| panic!("{src}: {html}"));
        let rest = &html[at..];
        let value = rest
            .split("srcset=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        value
            .split(", ")
            .map(|c| {
                let (file, w) = c.split_once(' ').unwrap();
                (file.to_owned(), w.trim_end_matches('w').parse().unwrap())
            })
            .collect()
    };
    for (src, size, widths) in [
        ("img/wide.jpg", (2000, 1000), vec![480, 960, 1600, 2000]),
        ("img/mid.png", (700, 300), vec![480, 700]),
        ("img/small.jpg", (300, 200), vec![300]),
    ] {
        let set = srcset(src);
        assert_eq!(set.iter().map(|c| c.1).collect::<Vec<_>>(), widths, "{src}");
        for (file, w) in &set {
            // Each file is as wide as its candidate says, and keeps the format.
            let (fw, fh) = image::image_dimensions(site.join(file)).unwrap();
            assert_eq!(fw, *w, "{file}");
            assert_eq!(fh, size.1 * w / size.0, "{file}");
            assert_eq!(
                file.rsplit('.').next(),
                src.rsplit('.').next(),
                "{file} keeps the format"
            );
        }
        assert!(
            html.contains(&format!(
                "<img src=\"{src}\" srcset=\"{}\" sizes=\"(max-width: 46rem) 100vw, 46rem\" width=\"{}\" height=\"{}\"",
                set.iter().map(|(f, w)| format!("{f} {w}w")).collect::<Vec<_>>().join(", "),
                size.0,
                size.1
            )),
            "{html}"
        );
    }
    // The dialog's large image is the original, without a srcset.
    assert!(
        html.contains("<img alt=\"Breit\" src=\"img/wide.jpg\" loading=\"lazy\">"),
        "{html}"
    );
    // Media under content-hashed names, the same bytes; the HTML names them.
    let named = |attr: &str| -> String {
        html.split(&format!("{attr}=\"media/"))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|s| format!("media/{s}"))
            .unwrap_or_else(|| panic!("{attr}: {html}"))
    };
    for (attr, source, ext) in [
        ("<video src", "clip.webm", ".webm"),
        ("poster", "poster.jpg", ".jpg"),
        ("<track kind=\"captions\" src", "clip.vtt", ".vtt"),
    ] {
        let rel = named(attr);
        assert!(
            rel.ends_with(ext) && rel.len() == "media/".len() + source.len() + 17,
            "{rel}"
        );
        assert_eq!(
            std::fs::read(site.join(&rel)).unwrap(),
            std::fs::read(story.join("media").join(source)).unwrap()
        );
    }
}
