//! Labels in a playing story: which features get one, where, and when not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use geo::{Geometry, Point, Polygon};
use twinstory_data::{Dataset, Feature};
use twinstory_map::labels::{overlaps, LabelPlacer};
use twinstory_map::{Padding, Viewport};
use twinstory_model::Story;
use twinstory_scene::{FrameLabel, LabelSpace, Playback, PlaybackOptions, Scene};

fn story() -> Story {
    serde_json::from_str(
        r##"{
        "title": "Labels", "lang": "de",
        "layers": [
            {"id": "areas", "source": {"type": "geojson", "url": "a.geojson"},
             "style": {"fill": "#d5dde6", "label": "{name}"}},
            {"id": "schools", "source": {"type": "geojson", "url": "s.geojson"},
             "style": {"fill": "#e4572e", "radius": 4, "label": "{name}", "label-priority": "pupils", "label-min-zoom": 11}}
        ],
        "steps": [
            {"id": "one", "title": "One", "view": {"center": [10.0, 53.55], "zoom": 12}, "show": ["areas", "schools"]},
            {"id": "two", "title": "Two", "view": {"center": [10.0, 53.55], "zoom": 12}, "show": ["areas"]},
            {"id": "three", "title": "Three", "view": {"center": [10.0, 53.55], "zoom": 10}, "show": ["schools"]},
            {"id": "four", "title": "Four", "view": {"center": [10.0, 53.55], "zoom": 12},
             "show": [{"layer": "schools", "highlight": "pupils < 2"}]}
        ]
    }"##,
    )
    .unwrap()
}

fn scene() -> Scene {
    let mut scene = Scene::new(story());
    let square = Geometry::Polygon(Polygon::new(
        vec![(9.95, 53.53), (10.05, 53.53), (10.05, 53.57), (9.95, 53.57)].into(),
        vec![],
    ));
    let areas = Dataset {
        features: vec![Feature {
            id: None,
            geometry: Some(square),
            properties: serde_json::json!({"name": "Mitte"})
                .as_object()
                .unwrap()
                .clone(),
            solid: None,
        }],
        warnings: vec![],
    };
    // A tight grid of schools: far more than fit with labels.
    let schools = Dataset {
        features: (0..400)
            .map(|i| Feature {
                id: None,
                geometry: Some(Geometry::Point(Point::new(
                    9.9 + (i % 20) as f64 * 0.01,
                    53.5 + (i / 20) as f64 * 0.005,
                ))),
                properties: serde_json::json!({"name": format!("Schule {i}"), "pupils": i % 7})
                    .as_object()
                    .unwrap()
                    .clone(),
                solid: None,
            })
            .collect(),
        warnings: vec![],
    };
    scene.set_layer_data(0, &areas);
    scene.set_layer_data(1, &schools);
    scene
}

const VP: Viewport = Viewport {
    width: 800.0,
    height: 600.0,
    dpr: 2.0,
};
const PAD: Padding = Padding {
    top: 20.0,
    right: 20.0,
    bottom: 20.0,
    left: 300.0,
};
const AREA: [f64; 4] = [280.0, 4.0, 796.0, 596.0];

fn labels_at<'a>(scene: &'a Scene, step: usize, placer: &mut LabelPlacer) -> Vec<FrameLabel<'a>> {
    let mut p = Playback::new(scene);
    p.go_to(scene, step, &VP, &PAD, 0.0, &PlaybackOptions::default());
    p.tick(10_000.0);
    let space = LabelSpace {
        area: AREA,
        obstacles: &[],
    };
    let measure = |_, _, t: &str| [t.chars().count() as f64 * 7.0, 16.0];
    scene.labels(placer, &p, &VP, space, measure)
}

#[test]
fn shown_layers_get_labels_that_never_overlap() {
    let scene = scene();
    let labels = labels_at(&scene, 0, &mut LabelPlacer::default());
    assert!(labels.iter().any(|l| l.layer == 1), "schools are labelled");
    assert!(
        labels.len() < 400,
        "not every school fits: {}",
        labels.len()
    );
    for (i, a) in labels.iter().enumerate() {
        assert!(a.rect[0] >= AREA[0] && a.rect[2] <= AREA[2], "{a:?}");
        assert!(a.text.starts_with("Schule") || a.text == "Mitte");
        assert_eq!(a.opacity, 1.0);
        for b in &labels[i + 1..] {
            assert!(!overlaps(&a.rect, &b.rect), "{a:?} / {b:?}");
        }
    }
}

#[test]
fn larger_priorities_and_highlights_come_first() {
    let scene = scene();
    let labels = labels_at(&scene, 0, &mut LabelPlacer::default());
    let pupils = |l: &FrameLabel<'_>| l.feature % 7;
    let schools: Vec<_> = labels.iter().filter(|l| l.layer == 1).collect();
    // Placement order is priority order.
    assert!(schools.windows(2).all(|w| pupils(w[0]) >= pupils(w[1])));
    assert_eq!(pupils(schools[0]), 6);
    let highlighted = labels_at(&scene, 3, &mut LabelPlacer::default());
    assert!(pupils(&highlighted[0]) < 2, "highlighted features first");
}

#[test]
fn hidden_layers_and_zooms_below_label_min_zoom_have_no_labels() {
    let scene = scene();
    let two = labels_at(&scene, 1, &mut LabelPlacer::default());
    assert_eq!(two.len(), 1);
    assert_eq!(two[0].text, "Mitte", "areas are labelled at their middle");
    assert!(labels_at(&scene, 2, &mut LabelPlacer::default()).is_empty());
}

#[test]
fn the_same_frame_gives_the_same_labels() {
    let scene = scene();
    let mut placer = LabelPlacer::default();
    let a = labels_at(&scene, 0, &mut placer);
    let b = labels_at(&scene, 0, &mut placer);
    assert_eq!(a, b);
}

#[test]
fn labels_name_values_as_the_layer_categories_do() {
    let story: Story = serde_json::from_str(
        r##"{
        "title": "Toiletten", "lang": "de",
        "layers": [
            {"id": "wc", "source": {"type": "geojson", "url": "wc.geojson"},
             "style": {"fill": "#1b9e77", "radius": 4, "label": "{name}: {wheelchair}"},
             "categories": {"limited": "eingeschränkt", "yes": "ja"}}
        ],
        "steps": [{"id": "one", "title": "One", "view": {"center": [10.0, 53.55], "zoom": 12}, "show": ["wc"]}]
    }"##,
    )
    .unwrap();
    let mut scene = Scene::new(story);
    let point = |name: &str, wheelchair: &str| Feature {
        id: None,
        geometry: Some(Geometry::Point(Point::new(10.0, 53.55))),
        properties: serde_json::json!({"name": name, "wheelchair": wheelchair})
            .as_object()
            .unwrap()
            .clone(),
        solid: None,
    };
    let data = Dataset {
        features: vec![point("Rathaus", "limited"), point("Bahnhof", "no")],
        warnings: vec![],
    };
    scene.set_layer_data(0, &data);
    assert_eq!(
        scene.layers[0].labels.text,
        ["Rathaus: eingeschränkt", "Bahnhof: no"],
        "a named value reads as named, an unnamed one as it is"
    );
}
