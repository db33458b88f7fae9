//! Tooltips as a reader meets them: hovering over features in a played
//! step, layers without a tooltip, filters, hidden layers, the top layer,
//! and stepping through features with the keyboard.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use geo::{Geometry, Point, Polygon};
use serde_json::json;
use twinstory_data::{Dataset, Feature};
use twinstory_map::projection::lonlat_to_world;
use twinstory_map::{Padding, Transform, Viewport};
use twinstory_model::Story;
use twinstory_scene::{Direction, Playback, PlaybackOptions, Scene};

fn story() -> Story {
    serde_json::from_value(json!({
        "title": "Test",
        "lang": "de",
        "layers": [
            {
                "id": "areas", "title": "Stadtteile",
                "source": {"type": "geojson", "url": "a.geojson"},
                "style": {"fill": "#d5dde6", "stroke": "#ffffff"},
                "tooltip": "{name}: {kids} Kinder"
            },
            {
                "id": "dots", "title": "Spielplätze",
                "source": {"type": "csv", "url": "d.csv"},
                "style": {"fill": "#e4572e", "radius": 6}
            },
            {
                "id": "labels", "title": "Orte",
                "source": {"type": "csv", "url": "l.csv"},
                "style": {"fill": "#2a6f97", "radius": 5},
                "tooltip": "{label}"
            }
        ],
        "steps": [
            {"id": "all", "title": "All", "view": {"fit": "areas"}, "show": ["areas", "dots"]},
            {"id": "few", "title": "Filter", "show": [{"layer": "areas", "filter": "kids >= 100"}]},
            {"id": "top", "title": "Top", "show": ["areas", "labels"]},
            {"id": "none", "title": "Hidden", "show": ["dots"]}
        ]
    }))
    .unwrap()
}

const NAMES: [&str; 6] = [
    "Altona",
    "Bahrenfeld",
    "Cranz",
    "Dulsberg",
    "Eilbek",
    "Finkenwerder",
];
const KIDS: [f64; 6] = [1.0, 2.0, 1234.5, 50.0, 100.0, 2500.0];

/// Centre of square `i` in longitude/latitude.
fn centre(i: usize) -> [f64; 2] {
    [9.9 + i as f64 * 0.03 + 0.0125, 53.515]
}

fn features(geoms: Vec<Geometry<f64>>, props: Vec<serde_json::Value>) -> Dataset {
    Dataset {
        features: geoms
            .into_iter()
            .zip(props)
            .map(|(g, p)| Feature {
                id: None,
                geometry: Some(g),
                properties: p.as_object().cloned().unwrap_or_default(),
                solid: None,
            })
            .collect(),
        warnings: vec![],
    }
}

/// Six squares in a row with a 0.005° gap; a dot on square 1 and a label
/// on square 3.
fn scene() -> Scene {
    let squares = (0..6)
        .map(|i| {
            let x = 9.9 + i as f64 * 0.03;
            Geometry::Polygon(Polygon::new(
                vec![(x, 53.5), (x + 0.025, 53.5), (x + 0.025, 53.53), (x, 53.53)].into(),
                vec![],
            ))
        })
        .collect();
    let props = (0..6)
        .map(|i| json!({"name": NAMES[i], "kids": KIDS[i]}))
        .collect();
    let mut scene = Scene::new(story());
    scene.set_layer_data(0, &features(squares, props));
    let dot = |i: usize| Geometry::Point(Point::new(centre(i)[0], centre(i)[1]));
    scene.set_layer_data(1, &features(vec![dot(1)], vec![json!({})]));
    scene.set_layer_data(
        2,
        &features(vec![dot(3)], vec![json!({"label": "Schule am Park"})]),
    );
    scene
}

const VP: Viewport = Viewport {
    width: 900.0,
    height: 300.0,
    dpr: 2.0,
};

fn play(scene: &Scene, step: usize) -> Playback {
    let mut p = Playback::new(scene);
    let opts = PlaybackOptions::default();
    p.go_to(scene, 0, &VP, &Padding::uniform(10.0), 0.0, &opts);
    p.go_to(scene, step, &VP, &Padding::uniform(10.0), 100.0, &opts);
    p.tick(100_000.0);
    p
}

/// CSS px of a longitude/latitude in the playback's current frame.
fn css(p: &Playback, lonlat: [f64; 2]) -> [f64; 2] {
    let [x, y] = Transform::new(&p.camera(), &VP).to_screen(lonlat_to_world(lonlat));
    [x / VP.dpr, y / VP.dpr]
}

fn text_at(scene: &Scene, p: &Playback, lonlat: [f64; 2]) -> Option<String> {
    scene
        .tooltip_at(p, &VP, css(p, lonlat), 4.0)
        .map(|t| t.text)
}

#[test]
fn hovering_a_feature_shows_its_filled_template() {
    let scene = scene();
    let p = play(&scene, 0);
    assert_eq!(
        text_at(&scene, &p, centre(0)).as_deref(),
        Some("Altona: 1 Kinder")
    );
    assert_eq!(
        text_at(&scene, &p, centre(2)).as_deref(),
        Some("Cranz: 1.234,5 Kinder"),
        "numbers are written the German way"
    );
    // The dot layer has no tooltip, so the quarter beneath it answers.
    assert_eq!(
        text_at(&scene, &p, centre(1)).as_deref(),
        Some("Bahrenfeld: 2 Kinder")
    );
    let gap = [9.9 + 0.0275, 53.515];
    assert_eq!(text_at(&scene, &p, gap), None, "between two squares");
    assert_eq!(text_at(&scene, &p, [9.8, 53.515]), None, "beside the data");
    let t = scene.tooltip_at(&p, &VP, css(&p, centre(4)), 4.0).unwrap();
    assert_eq!((t.layer, t.feature), (0, 4));
    assert_eq!(
        t.anchor,
        css(&p, centre(4)),
        "hover tooltips follow the pointer"
    );
}

#[test]
fn filtered_and_hidden_features_have_no_tooltip() {
    let scene = scene();
    let few = play(&scene, 1);
    assert_eq!(
        text_at(&scene, &few, centre(0)),
        None,
        "kids < 100: filtered out"
    );
    assert_eq!(
        text_at(&scene, &few, centre(5)).as_deref(),
        Some("Finkenwerder: 2.500 Kinder")
    );
    let hidden = play(&scene, 3);
    assert_eq!(
        text_at(&scene, &hidden, centre(5)),
        None,
        "the areas are not shown"
    );
}

#[test]
fn the_topmost_tooltip_layer_wins() {
    let scene = scene();
    let p = play(&scene, 2);
    assert_eq!(
        text_at(&scene, &p, centre(3)).as_deref(),
        Some("Schule am Park")
    );
    // Five CSS px off the label's centre is still the label (radius 5 + 4).
    let [x, y] = css(&p, centre(3));
    let t = scene.tooltip_at(&p, &VP, [x + 7.0, y], 4.0);
    assert_eq!(t.map(|t| t.text).as_deref(), Some("Schule am Park"));
    let t = scene.tooltip_at(&p, &VP, [x + 11.0, y], 4.0);
    assert_eq!(t.map(|t| t.text).as_deref(), Some("Dulsberg: 50 Kinder"));
}

#[test]
fn the_keyboard_steps_through_the_features_on_screen() {
    let scene = scene();
    let p = play(&scene, 0);
    let step = |from, dir| scene.tooltip_step(&p, &VP, from, [0.0, 150.0], dir);
    // The first key press picks the feature nearest the start point.
    let first = step(None, Direction::Right).expect("a feature to start with");
    assert_eq!((first.layer, first.feature), (0, 0));
    assert_eq!(first.text, "Altona: 1 Kinder");
    let mut at = (first.layer, first.feature);
    let mut texts = vec![first.text];
    while let Some(t) = step(Some(at), Direction::Right) {
        at = (t.layer, t.feature);
        // The tooltip sits on the feature, inside the map.
        assert!(t.anchor[0] > 0.0 && t.anchor[0] < VP.width && t.anchor[1] > 0.0);
        texts.push(t.text);
    }
    assert_eq!(texts.len(), 6, "every square once, west to east: {texts:?}");
    assert_eq!(texts[5], "Finkenwerder: 2.500 Kinder");
    assert_eq!(step(Some(at), Direction::Up), None, "nothing above");
    let back = step(Some(at), Direction::Left).unwrap();
    assert_eq!(back.feature, 4);
    // With the areas filtered (kids >= 100), only the three left are reachable.
    let few = play(&scene, 1);
    let first = scene
        .tooltip_step(&few, &VP, None, [0.0, 150.0], Direction::Right)
        .unwrap();
    assert_eq!(first.feature, 2);
    let next = scene
        .tooltip_step(&few, &VP, Some((0, 2)), [0.0, 0.0], Direction::Right)
        .unwrap();
    assert_eq!(next.feature, 4, "square 3 is filtered out and skipped");
    // Nothing to step to when no tooltip layer is shown.
    let hidden = play(&scene, 3);
    let none = scene.tooltip_step(&hidden, &VP, None, [0.0, 0.0], Direction::Down);
    assert_eq!(none, None);
}
