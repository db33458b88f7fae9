//! The example story in `stories/spielplaetze` parses cleanly and into the right model.

use std::path::Path;
use twinstory_model::{FitTarget, Source, Transition};
use twinstory_story::{check_assets, parse_story, render_diagnostics};

fn story_dir() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../stories/spielplaetze"
    ))
}

#[test]
fn spielplaetze_parses_with_zero_diagnostics_and_the_right_model() {
    let source = std::fs::read(story_dir().join("story.md")).unwrap();
    let mut parsed = parse_story("story.md", &source);
    let text = String::from_utf8_lossy(&source);
    assert!(
        parsed.diagnostics.is_empty(),
        "{}",
        render_diagnostics(&text, &parsed.diagnostics, false)
    );
    check_assets(&mut parsed, story_dir());
    assert!(
        parsed.diagnostics.is_empty(),
        "{}",
        render_diagnostics(&text, &parsed.diagnostics, false)
    );
    let story = parsed.story.unwrap();
    assert_eq!(story.title, "Spielplätze in Hamburg");
    assert_eq!(story.lang, "de");
    assert_eq!(story.authors, ["Redaktion twinstory"]);
    assert_eq!(story.credits.len(), 3);
    assert_eq!(story.theme.map_background.to_hex(), "#eef1f4");
    let ids: Vec<&str> = story.layers.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "quarters",
            "districts",
            "versorgung",
            "playgrounds",
            "parks",
            "schools"
        ]
    );
    assert!(matches!(&story.layers[3].source, Source::Csv { lat: Some(l), .. } if l == "lat"));
    assert_eq!(story.layers[3].style.radius, 3.5);
    assert_eq!(story.layers[0].tooltip.as_deref(), Some("{name}"));
    let steps: Vec<&str> = story.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        steps,
        [
            "stadt",
            "spielplaetze",
            "eimsbuettel",
            "marschlanden",
            "parks",
            "schulen",
            "bezirke",
            "versorgung"
        ]
    );
    assert_eq!(story.steps[0].title, "Eine Stadt aus 181 Quartieren");
    assert_eq!(story.steps[0].transition, Transition::Jump);
    assert_eq!(story.steps[1].transition, Transition::Fly);
    assert_eq!(story.steps[5].transition, Transition::Ease);
    assert_eq!(
        story.steps[0].view.as_ref().unwrap().fit,
        Some(FitTarget::Bbox([9.72, 53.39, 10.33, 53.74]))
    );
    let v = story.steps[2].view.as_ref().unwrap();
    assert_eq!((v.center, v.zoom), (Some([9.955, 53.572]), Some(13.6)));
    let show: Vec<(&str, f64)> = story.steps[5]
        .show
        .iter()
        .map(|l| (l.layer.as_str(), l.opacity))
        .collect();
    assert_eq!(
        show,
        [("quarters", 1.0), ("playgrounds", 1.0), ("schools", 1.0)]
    );
    assert!(story.steps[1]
        .html
        .contains("<strong>608 Spielplätze</strong>"));
    assert!(!story.steps[0].html.contains("```"));
    assert!(!story.steps[0].html.contains("transition"));
    // Six data layers (three share a file) and two joined tables, no images.
    assert_eq!(parsed.assets.len(), 8);
    let v = &story.layers[2];
    assert_eq!(v.join.len(), 2);
    assert_eq!(v.join[1].by, twinstory_model::JoinBy::Stadtteil);
    assert_eq!(v.compute[0].name, "je_1000_kinder");
}
