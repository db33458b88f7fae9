//! The map's contrast checks on what a step highlights.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use geo::{Geometry, Polygon};
use serde_json::json;
use twinstory_data::{Dataset, Feature};
use twinstory_model::Story;
use twinstory_scene::contrast::ContrastCheck;
use twinstory_scene::Scene;

/// Four areas in four classes of `blues` (light to dark), one step per
/// highlight.
fn scene(highlights: &[&str]) -> Scene {
    let steps: Vec<_> = highlights
        .iter()
        .enumerate()
        .map(|(i, h)| {
            json!({"id": format!("s{i}"), "title": "S", "view": {"center": [1.5, 0.5], "zoom": 6},
                   "show": [{"layer": "areas", "highlight": h}]})
        })
        .collect();
    let story: Story = serde_json::from_value(json!({
        "title": "Test",
        "layers": [{"id": "areas", "source": {"type": "geojson", "url": "a.geojson"},
                    "style": {"choropleth": {"property": "v", "classes": 4, "method": "quantiles", "scheme": "blues"}}}],
        "steps": steps
    }))
    .unwrap();
    let mut scene = Scene::new(story);
    let square = |x: f64| {
        Geometry::Polygon(Polygon::new(
            vec![(x, 0.0), (x + 1.0, 0.0), (x + 1.0, 1.0), (x, 1.0)].into(),
            vec![],
        ))
    };
    let data = Dataset {
        features: (0..4)
            .map(|i| Feature {
                id: None,
                geometry: Some(square(i as f64)),
                properties: json!({"v": i + 1}).as_object().cloned().unwrap(),
                solid: None,
            })
            .collect(),
        warnings: vec![],
    };
    scene.set_layer_data(0, &data);
    scene
}

/// The highlight's dark outline is measured against the fills of the
/// areas it marks, not every class of the step: highlighting an area of the
/// lightest class is fine, one of the darkest is not (it was reported for
/// both, against the darkest class, whatever was highlighted).
#[test]
fn the_highlights_outline_is_measured_against_the_highlighted_areas() {
    let scene = scene(&["v == 1", "v == 4"]);
    let outline = |step| {
        scene
            .contrast_problems(step)
            .into_iter()
            .filter(|p| p.check == ContrastCheck::Outline)
            .collect::<Vec<_>>()
    };
    assert!(outline(0).is_empty(), "{:?}", outline(0));
    let dark = outline(1);
    assert_eq!(dark.len(), 1, "{dark:?}");
    assert!(dark[0].against.contains("highlighted"), "{dark:?}");
    assert!(dark[0].suggestion.contains("`colors`"), "{dark:?}");
}
