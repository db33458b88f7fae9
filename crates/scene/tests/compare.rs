//! A compare step: the left side of the divider shows `compare.before`,
//! the right side the step's `show`; on narrow maps the two stand side by
//! side; and the picture does not depend on the way to the step.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use geo::{Geometry, Polygon};
use twinstory_data::{Dataset, Feature};
use twinstory_map::{DrawList, Framebuffer, Padding, Rgba, Viewport};
use twinstory_model::Story;
use twinstory_scene::{Playback, PlaybackOptions, Scene};

/// Red areas before, blue areas after, on a grey background; a first step
/// without comparison.
fn scene() -> Scene {
    let story: Story = serde_json::from_str(
        r##"{
        "title": "Test",
        "theme": {"map-background": "#808080", "card": "#ffffff"},
        "layers": [
            {"id": "old", "source": {"type": "geojson", "url": "a.geojson"}, "style": {"fill": "#ff0000"}},
            {"id": "new", "source": {"type": "geojson", "url": "a.geojson"}, "style": {"fill": "#0000ff"}}
        ],
        "steps": [
            {"id": "one", "title": "One", "view": {"center": [20.0, 40.0], "zoom": 8}, "show": ["new"]},
            {"id": "two", "title": "Two", "view": {"center": [10.0, 50.0], "zoom": 8},
             "show": ["new"], "compare": {"before": ["old"], "before-label": "2014", "after-label": "2018"}}
        ]
    }"##,
    )
    .unwrap();
    let mut scene = Scene::new(story);
    // One square far larger than the view: every pixel shows its fill.
    let big = Dataset {
        features: vec![Feature {
            id: None,
            geometry: Some(Geometry::Polygon(Polygon::new(
                vec![(0.0, 30.0), (30.0, 30.0), (30.0, 60.0), (0.0, 60.0)].into(),
                vec![],
            ))),
            properties: Default::default(),
            solid: None,
        }],
        warnings: vec![],
    };
    scene.set_layer_data(0, &big);
    scene.set_layer_data(1, &big);
    scene
}

const WIDE: Viewport = Viewport {
    width: 1000.0,
    height: 500.0,
    dpr: 1.0,
};
const NARROW: Viewport = Viewport {
    width: 400.0,
    height: 300.0,
    dpr: 1.0,
};
const RED: Rgba = Rgba::rgb(255, 0, 0);
const BLUE: Rgba = Rgba::rgb(0, 0, 255);
const WHITE: Rgba = Rgba::rgb(255, 255, 255);

fn paint(p: &Playback, scene: &Scene, vp: &Viewport) -> Framebuffer {
    let (mut list, mut fb, mut scratch) = (
        DrawList::new(),
        Framebuffer::new(1, 1),
        Framebuffer::new(1, 1),
    );
    p.render_compare(scene, vp, &mut list, &mut fb, &mut scratch);
    fb
}

fn at_step(scene: &Scene, path: &[usize], vp: &Viewport, pad: &Padding) -> Playback {
    let mut p = Playback::new(scene);
    let opts = PlaybackOptions::default();
    let mut now = 0.0;
    for &s in path {
        p.go_to(scene, s, vp, pad, now, &opts);
        now += 100_000.0;
        p.tick(now);
    }
    p
}

#[test]
fn before_is_left_of_the_divider_and_after_right_of_it() {
    let scene = scene();
    let mut p = at_step(&scene, &[1], &WIDE, &Padding::default());
    assert!(p.comparing());
    assert_eq!(p.divider(), 0.5);
    let fb = paint(&p, &scene, &WIDE);
    assert_eq!(fb.width(), 1000);
    assert_eq!(fb.pixel(10, 250), RED);
    assert_eq!(fb.pixel(497, 250), RED);
    assert_eq!(fb.pixel(500, 250), WHITE, "the line between the sides");
    assert_eq!(fb.pixel(503, 250), BLUE);
    assert_eq!(fb.pixel(990, 10), BLUE);
    // Moving the divider moves only the boundary: right of it stays blue.
    p.set_divider(0.8);
    let moved = paint(&p, &scene, &WIDE);
    assert_eq!(moved.pixel(700, 250), RED);
    assert_eq!(moved.pixel(850, 250), BLUE);
    for x in (810..1000).step_by(7) {
        assert_eq!(moved.pixel(x, 100), fb.pixel(x, 100), "column {x}");
    }
    p.set_divider(0.0);
    assert_eq!(paint(&p, &scene, &WIDE).pixel(5, 5), BLUE);
    p.set_divider(7.0);
    assert_eq!(p.divider(), 1.0);
    assert_eq!(paint(&p, &scene, &WIDE).pixel(990, 5), RED);
    p.set_divider(f64::NAN);
    assert_eq!(p.divider(), 0.5);
}

#[test]
fn the_divider_starts_in_the_middle_of_the_map_beside_the_cards() {
    let scene = scene();
    let pad = Padding {
        left: 400.0,
        ..Padding::default()
    };
    let p = at_step(&scene, &[1], &WIDE, &pad);
    assert_eq!(p.divider(), 0.7);
}

#[test]
fn a_step_without_compare_draws_no_second_picture() {
    let scene = scene();
    let p = at_step(&scene, &[0], &WIDE, &Padding::default());
    assert!(!p.comparing());
    let (mut list, mut fb, mut scratch) = (
        DrawList::new(),
        Framebuffer::new(1, 1),
        Framebuffer::new(1, 1),
    );
    p.render_compare(&scene, &WIDE, &mut list, &mut fb, &mut scratch);
    assert_eq!(fb.pixel(10, 10), BLUE);
    assert_eq!(fb.pixel(990, 10), BLUE);
    assert_eq!(scratch.width(), 1, "the scratch buffer is left alone");
}

#[test]
fn narrow_maps_show_both_states_side_by_side_at_half_size() {
    let scene = scene();
    let p = at_step(&scene, &[1], &NARROW, &Padding::default());
    let fb = paint(&p, &scene, &NARROW);
    assert_eq!((fb.width(), fb.height()), (400, 300));
    for y in [5, 150, 295] {
        assert_eq!(fb.pixel(5, y), RED);
        assert_eq!(fb.pixel(195, y), RED);
        assert_eq!(fb.pixel(200, y), WHITE);
        assert_eq!(fb.pixel(205, y), BLUE);
        assert_eq!(fb.pixel(395, y), BLUE);
    }
}

#[test]
fn narrow_halves_frame_what_the_whole_map_frames() {
    // A small square at the view's centre: half as wide in each half.
    let mut scene = scene();
    let small = Dataset {
        features: vec![Feature {
            id: None,
            geometry: Some(Geometry::Polygon(Polygon::new(
                vec![(9.9, 49.95), (10.1, 49.95), (10.1, 50.05), (9.9, 50.05)].into(),
                vec![],
            ))),
            properties: Default::default(),
            solid: None,
        }],
        warnings: vec![],
    };
    scene.set_layer_data(1, &small);
    let p = at_step(&scene, &[1], &NARROW, &Padding::default());
    let fb = paint(&p, &scene, &NARROW);
    let blue_run = |y: u32| (200..400).filter(|&x| fb.pixel(x, y) == BLUE).count();
    // At zoom 8 the square is 0.2° ≈ 73 px wide on the whole map, so about
    // 36 px in the half, centred at x = 300.
    let run = blue_run(150);
    assert!((33..=39).contains(&run), "{run} px");
    assert_eq!(fb.pixel(300, 150), BLUE);
    assert_ne!(fb.pixel(260, 150), BLUE);
}

#[test]
fn jumping_to_a_compare_step_shows_what_reading_to_it_shows() {
    let scene = scene();
    let pad = Padding::default();
    let read = at_step(&scene, &[0, 1], &WIDE, &pad);
    let jumped = at_step(&scene, &[1], &WIDE, &pad);
    assert_eq!(read.divider(), jumped.divider());
    assert_eq!(
        paint(&read, &scene, &WIDE).as_bytes(),
        paint(&jumped, &scene, &WIDE).as_bytes()
    );
}

#[test]
fn the_legend_has_the_keys_of_both_sides() {
    let scene = scene();
    let ids = |step: usize| -> Vec<String> {
        scene.legend(step).iter().map(|e| e.layer.clone()).collect()
    };
    assert_eq!(ids(1), ["new", "old"], "after (right) first, then before");
    assert_eq!(ids(0), ["new"]);
}

#[test]
fn the_text_alternative_names_both_sides() {
    let scene = scene();
    let text = scene.describe(1);
    assert!(text.contains("links „2014“, rechts „2018“"), "{text}");
    // Both sides' layers are described, the right side's first.
    let (new, old) = (text.find("new"), text.find("old"));
    assert!(new.is_some() && old.is_some() && new < old, "{text}");
    assert!(!scene.describe(0).contains("vergleicht"));
}

/// `step_loading` counts the layers a step draws, its `compare.before`
/// side included, that have not arrived; failed layers are not waited for.
#[test]
fn a_step_is_loading_until_every_layer_it_draws_has_arrived() {
    let full = scene();
    let mut scene = Scene::new(full.story.clone());
    assert_eq!((scene.step_loading(0), scene.step_loading(1)), (1, 2));
    scene.set_layer_failed(0);
    assert_eq!((scene.step_loading(0), scene.step_loading(1)), (1, 1));
    let empty = Dataset {
        features: vec![],
        warnings: vec![],
    };
    scene.set_layer_data(1, &empty);
    assert_eq!((scene.step_loading(0), scene.step_loading(1)), (0, 0));
    assert_eq!(
        scene.step_loading(7),
        0,
        "a step that does not exist draws nothing"
    );
}

/// The map credits what a compare step shows on both sides of the divider:
/// the `before` side's layers too (a licence's credit is owed while the
/// work is shown), after the step's own.
#[test]
fn a_compare_step_credits_the_layers_of_both_sides() {
    let story: Story = serde_json::from_str(
        r##"{
        "title": "Test",
        "layers": [
            {"id": "old", "source": {"type": "geojson", "url": "a.geojson"}, "attribution": "Statistikamt Nord 2014"},
            {"id": "new", "source": {"type": "geojson", "url": "b.geojson"}, "attribution": "Statistikamt Nord 2018"},
            {"id": "edge", "source": {"type": "geojson", "url": "c.geojson"}, "attribution": "© FHH, LGV"}
        ],
        "steps": [
            {"id": "one", "title": "One", "view": {"center": [10.0, 53.5], "zoom": 8}, "show": ["new"]},
            {"id": "two", "title": "Two", "view": {"center": [10.0, 53.5], "zoom": 8},
             "show": ["new", "edge"], "compare": {"before": ["old", "edge"], "before-label": "2014", "after-label": "2018"}}
        ]
    }"##,
    )
    .unwrap();
    let scene = Scene::new(story);
    let texts = |step| -> Vec<String> {
        scene
            .step_credits(step)
            .into_iter()
            .map(|c| c.text)
            .collect()
    };
    assert_eq!(texts(0), ["Statistikamt Nord 2018"]);
    assert_eq!(
        texts(1),
        [
            "© FHH, LGV",
            "Statistikamt Nord 2018",
            "Statistikamt Nord 2014"
        ]
    );
}
