//! Data-driven styling as a reader sees it: colours in rendered frames,
//! highlights, filters and the legend of each step.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use geo::{Geometry, Polygon};
use serde_json::json;
use twinstory_data::{Dataset, Feature};
use twinstory_map::{DrawList, Framebuffer, Padding, Rgba, Transform, Viewport};
use twinstory_model::Story;
use twinstory_scene::palette::scheme;
use twinstory_scene::{dim, LegendKind, Playback, PlaybackOptions, Scene};

fn story() -> Story {
    serde_json::from_value(json!({
        "title": "Test",
        "lang": "de",
        "theme": {"map-background": "#ffffff"},
        "layers": [{
            "id": "areas", "title": "Stadtteile",
            "source": {"type": "geojson", "url": "a.geojson"},
            "style": {"stroke": "#ffffff", "choropleth": {"property": "kids", "classes": 4, "method": "natural-breaks", "scheme": "blues"}}
        }],
        "steps": [
            {"id": "all", "title": "All", "view": {"fit": "areas"}, "show": ["areas"]},
            {"id": "hl", "title": "Highlight", "show": [{"layer": "areas", "highlight": "district == \"Nord\""}]},
            {"id": "many", "title": "Filter", "show": [{"layer": "areas", "filter": "kids >= 100"}]},
            {"id": "bad", "title": "Bad", "show": [{"layer": "areas", "highlight": "kids = 3"}]}
        ]
    }))
    .unwrap()
}

/// Eight squares in a row; kids 1, 2, 3, 50, 60, 100, 110, 500.
fn scene() -> Scene {
    let kids = [1, 2, 3, 50, 60, 100, 110, 500];
    let features = kids
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let x = 9.9 + i as f64 * 0.03;
            let geometry = Geometry::Polygon(Polygon::new(
                vec![(x, 53.5), (x + 0.025, 53.5), (x + 0.025, 53.53), (x, 53.53)].into(),
                vec![],
            ));
            let district = if i < 4 { "Nord" } else { "Süd" };
            Feature {
                id: None,
                geometry: Some(geometry),
                properties: json!({"kids": k, "district": district})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                solid: None,
            }
        })
        .collect();
    let mut scene = Scene::new(story());
    scene.set_layer_data(
        0,
        &Dataset {
            features,
            warnings: vec![],
        },
    );
    scene
}

const VP: Viewport = Viewport {
    width: 600.0,
    height: 200.0,
    dpr: 1.0,
};

fn settled(scene: &Scene, step: usize) -> (Playback, Framebuffer) {
    let opts = PlaybackOptions::default();
    let mut p = Playback::new(scene);
    p.go_to(scene, step, &VP, &Padding::uniform(10.0), 0.0, &opts);
    p.tick(10_000.0);
    let mut list = DrawList::new();
    let mut fb = Framebuffer::new(1, 1);
    p.render(scene, &VP, &mut list, &mut fb);
    (p, fb)
}

/// The pixel in the middle of square `i`.
fn centre(p: &Playback, fb: &Framebuffer, i: usize) -> Rgba {
    let t = Transform::new(&p.camera(), &VP);
    let x = 9.9 + i as f64 * 0.03 + 0.0125;
    let [sx, sy] = t.to_screen(twinstory_map::projection::lonlat_to_world([x, 53.515]));
    fb.pixel(sx as u32, sy as u32)
}

#[test]
fn each_area_is_painted_in_its_class_colour() {
    let scene = scene();
    let (p, fb) = settled(&scene, 0);
    let blues = scheme("blues").unwrap().colors(4);
    // Natural breaks for 1 2 3 50 60 100 110 500 into 4: {1 2 3} {50 60} {100 110} {500}.
    let expected = [0, 0, 0, 1, 1, 2, 2, 3];
    for (i, class) in expected.iter().enumerate() {
        assert_eq!(centre(&p, &fb, i), blues[*class], "square {i}");
    }
}

#[test]
fn a_highlight_keeps_matching_colours_and_dims_the_rest() {
    let scene = scene();
    let (p, fb) = settled(&scene, 1);
    let blues = scheme("blues").unwrap().colors(4);
    // Square 3 (Nord, class 1) keeps its colour; square 4 (Süd, class 1) is
    // the same class but dimmed: over the white map it is much lighter.
    assert_eq!(centre(&p, &fb, 3), blues[1]);
    let dimmed = centre(&p, &fb, 4);
    let d = dim(blues[1]);
    let a = d.a as f64 / 255.0;
    let expect = |c: u8| (c as f64 * a + 255.0 * (1.0 - a)).round() as i32;
    assert!((dimmed.r as i32 - expect(d.r)).abs() <= 1, "{dimmed:?}");
    assert!(
        dimmed.r > blues[1].r + 60,
        "dimmed {dimmed:?} vs {:?}",
        blues[1]
    );
}

#[test]
fn a_filter_draws_only_matching_features_but_keeps_the_classes() {
    let scene = scene();
    let (p, fb) = settled(&scene, 2);
    let blues = scheme("blues").unwrap().colors(4);
    assert_eq!(
        centre(&p, &fb, 0),
        Rgba::rgb(255, 255, 255),
        "kids 1 is filtered out"
    );
    assert_eq!(
        centre(&p, &fb, 7),
        blues[3],
        "500 keeps the colour of step 1"
    );
    let legend = scene.legend(2);
    assert_eq!(legend[0].shown, 3);
    let counts: Vec<usize> = legend[0].items.iter().map(|i| i.count).collect();
    assert_eq!(counts, [0, 0, 2, 1]);
}

#[test]
fn the_legend_lists_class_ranges_and_updates_per_step() {
    let scene = scene();
    let legend = scene.legend(0);
    assert_eq!(legend.len(), 1);
    let e = &legend[0];
    assert_eq!(e.kind, LegendKind::Classes);
    assert_eq!(e.title, "Stadtteile");
    let labels: Vec<String> = e.items.iter().map(|i| i.text("de")).collect();
    assert_eq!(labels, ["1 bis 3", "4 bis 60", "61 bis 110", "111 bis 500"]);
    assert_eq!(scene.legend(1)[0].highlighted, 4);
    assert_eq!(
        scene.legend(1)[0].highlight.as_deref(),
        Some("district == \"Nord\"")
    );
    assert_eq!(scene.legend(0)[0].highlighted, 0);
}

#[test]
fn a_broken_condition_tells_the_author_its_column_and_the_reader_one_short_sentence() {
    let scene = scene();
    let legend = scene.legend(3);
    assert!(
        legend[0]
            .author_notes
            .iter()
            .any(|p| p.contains("column 6")),
        "{:?}",
        legend[0].author_notes
    );
    // Readers (here a German story) see no expression, field or English.
    assert_eq!(
        legend[0].problems,
        ["„Stadtteile“ kann in diesem Schritt nicht wie vorgesehen gezeigt werden."]
    );
    // A step with readable conditions has neither.
    assert!(scene.legend(1)[0].problems.is_empty() && scene.legend(1)[0].author_notes.is_empty());
}

#[test]
fn highlighted_steps_look_the_same_however_the_reader_arrives() {
    let scene = scene();
    let opts = PlaybackOptions::default();
    let pad = Padding::uniform(10.0);
    let mut read = Playback::new(&scene);
    let mut now = 0.0;
    for step in [0, 1, 2, 1] {
        read.go_to(&scene, step, &VP, &pad, now, &opts);
        now += 97.0;
        read.tick(now);
    }
    read.tick(now + 10_000.0);
    let (jump, fb_jump) = settled(&scene, 1);
    let mut list = DrawList::new();
    let mut fb = Framebuffer::new(1, 1);
    read.render(&scene, &VP, &mut list, &mut fb);
    assert_eq!(read.camera(), jump.camera());
    assert!(fb.as_bytes() == fb_jump.as_bytes());
}

#[test]
fn a_steps_data_tables_follow_its_filter_and_format_numbers() {
    use twinstory_model::Story;
    let story: Story = serde_json::from_value(serde_json::json!({
        "format": 1, "title": "T", "lang": "de",
        "layers": [{"id": "q", "title": "Quartiere", "source": {"type": "geojson", "url": "q.geojson"},
                    "style": {"choropleth": {"property": "rate"}}, "attribution": "© Test"}],
        "steps": [{"id": "a", "title": "A", "html": "", "show": [{"layer": "q", "opacity": 1.0, "filter": "rate > 1"}]}]
    }))
    .unwrap();
    let mut scene = twinstory_scene::Scene::new(story);
    let mut d = twinstory_data::Dataset::default();
    for (name, rate) in [("Altona", 1234.5), ("Bahrenfeld", 0.5), ("Ottensen", 2.0)] {
        let props = serde_json::json!({"name": name, "rate": rate, "extra": "x"});
        d.features.push(twinstory_data::Feature {
            id: None,
            geometry: Some(geo::Geometry::Point(geo::Point::new(10.0, 53.5))),
            properties: props.as_object().unwrap().clone(),
            solid: None,
        });
    }
    scene.set_layer_data(0, &d);
    let t = &scene.data_tables(0, None, &[])[0];
    assert_eq!(t.title, "Quartiere");
    assert_eq!(t.columns, ["name", "rate"], "`extra` is used by nothing");
    assert_eq!(t.total, 2, "Bahrenfeld is filtered out");
    assert_eq!(
        t.rows,
        [["Altona", "1.234,5"], ["Ottensen", "2"]],
        "German numbers"
    );
    assert_eq!(t.attribution.as_deref(), Some("© Test"));
}
