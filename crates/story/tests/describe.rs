//! The text alternative of every step, on the example story's real data
//! (`stories/spielplaetze`): concrete sentences in German and English, a
//! different text per step, and the author's own text read from a step.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a failed setup stops the test with its message"
)]

use std::path::{Path, PathBuf};
use twinstory_scene::Scene;
use twinstory_story::{check_assets, parse_story};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../stories/spielplaetze")
}

/// The example story (or `text` read beside its data), with its data loaded.
fn scene(text: Option<&str>, lang: &str) -> Scene {
    let dir = example();
    let source = match text {
        Some(t) => t.as_bytes().to_vec(),
        None => std::fs::read(dir.join("story.md")).unwrap(),
    };
    let mut parsed = parse_story("story.md", &source);
    check_assets(&mut parsed, &dir);
    let data = parsed.take_layer_data();
    let mut story = parsed.story.unwrap();
    story.lang = lang.into();
    let mut scene = Scene::new(story);
    for (i, d) in data.iter().enumerate() {
        scene.set_layer_data(i, &d.as_ref().expect("every layer is local").dataset);
    }
    scene
}

fn step(scene: &Scene, id: &str) -> String {
    scene.describe(scene.story.step_index(id).unwrap())
}

#[test]
fn german_names_the_area_the_layers_and_the_highlight() {
    let s = scene(None, "de");
    let eims = step(&s, "eimsbuettel");
    assert!(
        eims.starts_with("Die Karte zeigt Eimsbüttel, "),
        "the quarter at the view's centre comes first: {eims}"
    );
    assert!(eims.contains("„Spielplätze“: 608 Punkte, "), "{eims}");
    assert!(
        eims.ends_with("Hervorgehoben: Eimsbüttel (10 von 181); die übrigen sind blass."),
        "{eims}"
    );
    let versorgung = step(&s, "versorgung");
    for part in [
        "Je dunkler die Farbe, desto höher „Spielplätze je 1.000 Kinder“.",
        "5 Stufen: 0 (24), über 0 bis 0,90 (16), über 0,90 bis 1,94 (19), über 1,94 bis 3,51 (20), über 3,51 bis 16,60 (20), keine Angabe (1).",
        "Am höchsten: HafenCity (16,6), Hamburg-Altstadt (12,3), ",
    ] {
        assert!(versorgung.contains(part), "{part} missing in: {versorgung}");
    }
    let bezirke = step(&s, "bezirke");
    assert!(
        bezirke.contains("Die Farbe zeigt „Bezirk“. 7 Werte: Altona (27), Bergedorf (15), "),
        "{bezirke}"
    );
    // The whole city: what is left out is named, not 100 names in view
    // (the story's own text says Neuwerk lies outside the view).
    assert!(
        step(&s, "stadt")
            .starts_with("Die Karte zeigt alle 181 Flächen der Ebene „Stadtteile“ außer Neuwerk."),
        "{}",
        step(&s, "stadt")
    );
}

#[test]
fn english_uses_the_english_words_and_numbers() {
    let s = scene(None, "en");
    let eims = step(&s, "eimsbuettel");
    assert!(eims.starts_with("The map shows Eimsbüttel, "), "{eims}");
    assert!(eims.contains("“Spielplätze”: 608 points, "), "{eims}");
    assert!(
        eims.ends_with("Highlighted: Eimsbüttel (10 of 181); the others are faded."),
        "{eims}"
    );
    let versorgung = step(&s, "versorgung");
    assert!(
        versorgung.contains("The darker the colour, the higher “Spielplätze je 1.000 Kinder”."),
        "{versorgung}"
    );
    assert!(versorgung.contains("HafenCity (16.6)"), "{versorgung}");
}

/// Raised areas say what their height shows; stacked on a base
/// (`extrude-base`), where they start and how far they reach (the
/// children's part of each Stadtteil's column in step `einwohner`).
#[test]
fn heights_and_stacked_heights_are_named() {
    let de = scene(None, "de");
    let kinder = step(&de, "kinder");
    assert!(
        kinder.contains("Die Höhe der Flächen zeigt „Kinder unter 18 Jahren“."),
        "{kinder}"
    );
    let columns = step(&de, "einwohner");
    for part in [
        "„Einwohner ab 18 (Sockel)“: 100 Flächen, 99 davon im Ausschnitt. Die Höhe der Flächen zeigt „Einwohner ab 18 Jahren“.",
        "„Kinder unter 18 (oberer Teil jeder Säule)“: 100 Flächen, 99 davon im Ausschnitt. Die Flächen beginnen in der Höhe „Einwohner ab 18 Jahren“ und reichen bis zur Höhe „Einwohner“.",
    ] {
        assert!(columns.contains(part), "{part} missing in: {columns}");
    }
    let en = step(&scene(None, "en"), "einwohner");
    assert!(
        en.contains("The areas start at the height of “Einwohner ab 18 Jahren” and reach up to the height of “Einwohner”."),
        "{en}"
    );
}

#[test]
fn every_step_reads_differently() {
    let s = scene(None, "de");
    let texts: Vec<String> = (0..s.story.steps.len()).map(|i| s.describe(i)).collect();
    for (i, a) in texts.iter().enumerate() {
        assert!(!a.is_empty());
        for b in &texts[..i] {
            assert_ne!(a, b, "two steps read the same");
        }
    }
}

#[test]
fn authors_replace_or_add_to_the_text() {
    let text = std::fs::read_to_string(example().join("story.md")).unwrap();
    let own = text.replacen(
        "id: eimsbuettel\n",
        "id: eimsbuettel\nmap-description: \"  Eimsbüttel,\n  umrandet. \"\nmap-description-extra: Kurze Wege.\n",
        1,
    );
    let parsed = parse_story("story.md", own.as_bytes());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let story = parsed.story.unwrap();
    let i = story.step_index("eimsbuettel").unwrap();
    assert_eq!(
        story.steps[i].map_description.as_deref(),
        Some("Eimsbüttel, umrandet.")
    );
    assert_eq!(
        parsed.map_description_extra[i].as_deref(),
        Some("Kurze Wege.")
    );
    assert_eq!(parsed.map_description_extra[0], None);

    let empty = text.replacen(
        "id: eimsbuettel\n",
        "id: eimsbuettel\nmap-description: \" \"\n",
        1,
    );
    let parsed = parse_story("story.md", empty.as_bytes());
    let codes: Vec<(&str, &str)> = parsed
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(codes, [("E0022", "`map-description` is empty")]);
}
