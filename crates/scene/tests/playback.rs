//! Playback is deterministic: a step looks the same however the reader got there.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use geo::{Geometry, Point, Polygon};
use twinstory_data::{Dataset, Feature};
use twinstory_map::{DrawList, Framebuffer, Padding, Viewport};
use twinstory_model::{Story, Transition};
use twinstory_scene::{Playback, PlaybackOptions, Scene};

fn story() -> Story {
    serde_json::from_str(
        r##"{
        "title": "Test",
        "layers": [
            {"id": "areas", "source": {"type": "geojson", "url": "a.geojson"}, "style": {"fill": "#d5dde6"}},
            {"id": "dots", "source": {"type": "csv", "url": "b.csv"}, "style": {"fill": "#e4572e", "radius": 4}}
        ],
        "steps": [
            {"id": "one", "title": "One", "view": {"fit": "areas"}, "show": ["areas"]},
            {"id": "two", "title": "Two", "show": ["areas", "dots"]},
            {"id": "three", "title": "Three", "view": {"center": [10.0, 53.55], "zoom": 13}, "show": ["dots"]},
            {"id": "four", "title": "Four", "view": {"center": [10.2, 53.45], "zoom": 12, "bearing": 20, "pitch": 40}, "show": ["areas", {"layer": "dots", "opacity": 0.5}], "transition": "ease"},
            {"id": "five", "title": "Five", "view": {"fit": [9.9, 53.5, 10.1, 53.6]}, "show": ["areas"], "transition": "jump"},
            {"id": "six", "title": "Six", "view": {"fit": "areas"}, "show": ["dots", "areas"]},
            {"id": "seven", "title": "Seven", "view": {"center": [10.0, 53.5], "zoom": 12.5, "bearing": -30, "pitch": 60}, "show": ["areas", "dots"]}
        ]
    }"##,
    )
    .unwrap()
}

fn scene() -> Scene {
    let mut scene = Scene::new(story());
    let square = |x: f64, y: f64| {
        Geometry::Polygon(Polygon::new(
            vec![(x, y), (x + 0.05, y), (x + 0.05, y + 0.04), (x, y + 0.04)].into(),
            vec![],
        ))
    };
    let areas = Dataset {
        features: (0..20)
            .map(|i| Feature {
                id: None,
                geometry: Some(square(
                    9.8 + (i % 5) as f64 * 0.1,
                    53.4 + (i / 5) as f64 * 0.08,
                )),
                properties: Default::default(),
                solid: None,
            })
            .collect(),
        warnings: vec![],
    };
    let dots = Dataset {
        features: (0..300)
            .map(|i| Feature {
                id: None,
                geometry: Some(Geometry::Point(Point::new(
                    9.8 + (i % 17) as f64 * 0.03,
                    53.4 + (i / 17) as f64 * 0.02,
                ))),
                properties: Default::default(),
                solid: None,
            })
            .collect(),
        warnings: vec![],
    };
    scene.set_layer_data(0, &areas);
    scene.set_layer_data(1, &dots);
    scene
}

const VP: Viewport = Viewport {
    width: 640.0,
    height: 400.0,
    dpr: 1.0,
};
const PAD: Padding = Padding {
    top: 20.0,
    right: 20.0,
    bottom: 20.0,
    left: 260.0,
};

fn frame(scene: &Scene, p: &Playback) -> Vec<u8> {
    let mut list = DrawList::new();
    let mut fb = Framebuffer::new(1, 1);
    p.render(scene, &VP, &mut list, &mut fb);
    fb.as_bytes().to_vec()
}

/// Runs all animations to their end.
fn settle(p: &mut Playback, now: &mut f64) {
    for _ in 0..10_000 {
        *now += 16.0;
        if !p.tick(*now) {
            return;
        }
    }
    panic!("animation never ended");
}

#[test]
fn the_map_crate_draws_the_pitch_the_format_allows() {
    assert_eq!(twinstory_model::MAX_PITCH, twinstory_map::camera::MAX_PITCH);
}

#[test]
fn a_tilted_step_draws_a_different_picture() {
    let scene = scene();
    let opts = PlaybackOptions::default();
    let mut now = 0.0;
    let tilted = at_step(&scene, 6, &mut now, &opts);
    let mut flat_scene = scene.clone();
    if let Some(v) = flat_scene.story.steps[6].view.as_mut() {
        v.pitch = 0.0;
    }
    let flat = at_step(&flat_scene, 6, &mut now, &opts);
    assert_eq!(tilted.camera().pitch, 60.0);
    assert!(frame(&scene, &tilted) != frame(&flat_scene, &flat));
}

#[test]
fn jumping_to_a_step_looks_exactly_like_reading_to_it() {
    let scene = scene();
    let opts = PlaybackOptions::default();
    for target in 0..scene.story.steps.len() {
        let mut read = Playback::new(&scene);
        let mut now = 0.0;
        for step in 0..=target {
            read.go_to(&scene, step, &VP, &PAD, now, &opts);
            // A reader who scrolls fast interrupts flights half-way.
            now += 137.0;
            read.tick(now);
        }
        settle(&mut read, &mut now);

        let mut jump = Playback::new(&scene);
        jump.go_to(&scene, target, &VP, &PAD, 0.0, &opts);
        let mut t = 0.0;
        settle(&mut jump, &mut t);

        assert_eq!(read.camera(), jump.camera(), "step {target}: camera");
        let pitch = scene.story.steps[target]
            .view
            .as_ref()
            .map_or(0.0, |v| v.pitch);
        assert_eq!(read.camera().pitch, pitch, "step {target}: pitch");
        assert_eq!(read.opacity(), jump.opacity(), "step {target}: opacities");
        assert!(
            frame(&scene, &read) == frame(&scene, &jump),
            "step {target}: pixels"
        );
    }
}

/// Pixels of the frame close to the dots' colour (#e4572e).
fn dot_pixels(frame: &[u8]) -> usize {
    frame
        .chunks_exact(4)
        .filter(|p| p[0] > 200 && (70..110).contains(&p[1]) && p[2] < 70)
        .count()
}

#[test]
fn a_steps_show_list_is_its_drawing_order_bottom_to_top() {
    let scene = scene();
    // "two" shows [areas, dots], "six" [dots, areas]: same camera, same layers.
    assert_eq!(scene.draw_order(Some(1)), vec![0, 1]);
    assert_eq!(scene.draw_order(Some(5)), vec![1, 0]);
    // Layers a step does not show stay beneath (they only fade out there).
    assert_eq!(scene.draw_order(Some(2)), vec![0, 1]);
    assert_eq!(scene.draw_order(Some(4)), vec![1, 0]);
    assert_eq!(scene.draw_order(None), vec![0, 1]);
    let opts = PlaybackOptions::default();
    let shown = |step: usize| {
        let mut p = Playback::new(&scene);
        p.go_to(&scene, step, &VP, &PAD, 0.0, &opts);
        assert_eq!(p.order(), scene.draw_order(Some(step)).as_slice());
        frame(&scene, &p)
    };
    let (over, under) = (shown(1), shown(5));
    assert_eq!(
        scene.target(1, &VP, &PAD).camera,
        scene.target(5, &VP, &PAD).camera
    );
    let (on_top, beneath) = (dot_pixels(&over), dot_pixels(&under));
    assert!(on_top > 1000, "dots drawn over the areas: {on_top} pixels");
    // Beneath the opaque areas only the dots in the gaps between the
    // squares show (about two thirds; the same count if order were ignored).
    assert!(
        beneath * 4 < on_top * 3,
        "dots listed first are drawn beneath: {beneath} of {on_top} pixels"
    );
}

#[test]
fn scrolling_back_restores_the_earlier_map() {
    let scene = scene();
    let opts = PlaybackOptions::default();
    let mut p = Playback::new(&scene);
    let mut now = 0.0;
    p.go_to(&scene, 0, &VP, &PAD, now, &opts);
    settle(&mut p, &mut now);
    let first = frame(&scene, &p);
    for step in [1, 2, 3, 2, 1, 0] {
        p.go_to(&scene, step, &VP, &PAD, now, &opts);
        settle(&mut p, &mut now);
    }
    assert!(frame(&scene, &p) == first);
}

#[test]
fn a_step_without_view_keeps_the_previous_one_and_shows_only_its_layers() {
    let scene = scene();
    let one = scene.target(0, &VP, &PAD);
    let two = scene.target(1, &VP, &PAD);
    assert_eq!(one.camera, two.camera);
    assert_eq!(one.opacity, vec![1.0, 0.0]);
    assert_eq!(two.opacity, vec![1.0, 1.0]);
    assert_eq!(scene.target(3, &VP, &PAD).opacity, vec![1.0, 0.5]);
    assert_eq!(scene.story.steps[3].transition, Transition::Ease);
}

#[test]
fn centre_views_put_the_centre_in_the_free_part_of_the_map() {
    let scene = scene();
    let t = scene.target(2, &VP, &PAD);
    let transform = twinstory_map::Transform::new(&t.camera, &VP);
    let [x, y] = transform.to_screen(twinstory_map::projection::lonlat_to_world([10.0, 53.55]));
    // Free area: x from 260 to 620, y from 20 to 380 → middle (440, 200).
    assert!(
        (x - 440.0).abs() < 1e-6 && (y - 200.0).abs() < 1e-6,
        "({x}, {y})"
    );
}

#[test]
fn the_next_step_flies_and_ends_on_its_target() {
    let scene = scene();
    let opts = PlaybackOptions::default();
    let mut p = Playback::new(&scene);
    p.go_to(&scene, 1, &VP, &PAD, 0.0, &opts);
    p.go_to(&scene, 2, &VP, &PAD, 1000.0, &opts);
    assert!(p.tick(1100.0), "a flight is under way");
    let mid = p.camera();
    let mut now = 1100.0;
    settle(&mut p, &mut now);
    let end = p.camera();
    assert_ne!(mid, end);
    assert_eq!(end, scene.target(2, &VP, &PAD).camera);
}

// --- The reader moving the map (`interactive` stories) ---

use twinstory_map::navigate::NavLimits;
use twinstory_map::Transform;

/// A playback settled on `step`.
fn at_step(scene: &Scene, step: usize, now: &mut f64, opts: &PlaybackOptions) -> Playback {
    let mut p = Playback::new(scene);
    p.go_to(scene, 0, &VP, &PAD, *now, opts);
    if step > 0 {
        p.go_to(scene, step, &VP, &PAD, *now, opts);
    }
    settle(&mut p, now);
    p
}

fn near(a: [f64; 2], b: [f64; 2], tol: f64) -> bool {
    (a[0] - b[0]).abs() < tol && (a[1] - b[1]).abs() < tol
}

#[test]
fn turning_and_tilting_stay_within_the_limits_and_hand_back() {
    let scene = scene();
    let opts = PlaybackOptions::default();
    let mut now = 0.0;
    let mut p = at_step(&scene, 2, &mut now, &opts);
    let limits = scene.nav_limits(&VP, &PAD);
    let before = p.camera();
    p.turn_by(30.0, 20.0, &limits, now);
    assert!(p.user_moved());
    assert_eq!((p.camera().bearing, p.camera().pitch), (30.0, 20.0));
    assert_eq!(p.camera().center, before.center);
    p.turn_by(170.0, 100.0, &limits, now);
    assert_eq!((p.camera().bearing, p.camera().pitch), (-160.0, 60.0));
    p.turn_by(0.0, -500.0, &limits, now);
    assert_eq!(p.camera().pitch, 0.0);
    // Back to the step's view: flat and north up again.
    p.hand_back(&VP, now, &opts);
    settle(&mut p, &mut now);
    assert_eq!(p.camera(), before);
}

#[test]
fn two_fingers_pinch_turn_and_tilt_within_the_limits_and_hand_back() {
    use twinstory_map::navigate::TwoFingers;
    let scene = scene();
    let opts = PlaybackOptions::default();
    let mut now = 0.0;
    let mut p = at_step(&scene, 2, &mut now, &opts);
    let limits = scene.nav_limits(&VP, &PAD);
    let before = p.camera();
    // Apart and twisted by 60° clockwise, about (300, 300).
    let mut f = TwoFingers::new([200.0, 300.0], [400.0, 300.0]);
    for i in 1..=12 {
        let (s, c) = (5.0 * i as f64).to_radians().sin_cos();
        let r = 100.0 + 10.0 * i as f64;
        if let Some(m) = f.moved(
            [300.0 - r * c, 300.0 - r * s],
            [300.0 + r * c, 300.0 + r * s],
        ) {
            p.fingers(&m, &VP, &limits, now);
        }
    }
    assert!(p.user_moved());
    let c = p.camera();
    assert!(c.zoom > before.zoom + 0.5, "{c:?}");
    // The map turns once the twist passes 12° (at 15°, in 5° moves): it
    // turned with the fingers for the last 50°, anticlockwise.
    assert!((c.bearing - (before.bearing - 50.0)).abs() < 1e-6, "{c:?}");
    // Side by side, sliding up by 200 px: tilted to the limit of 60°.
    let mut f = TwoFingers::new([200.0, 500.0], [400.0, 500.0]);
    for i in 1..=20 {
        let y = 500.0 - 10.0 * i as f64;
        if let Some(m) = f.moved([200.0, y], [400.0, y]) {
            p.fingers(&m, &VP, &limits, now);
        }
    }
    assert_eq!(p.camera().pitch, 60.0);
    assert_eq!(p.camera().zoom, c.zoom);
    p.hand_back(&VP, now, &opts);
    settle(&mut p, &mut now);
    assert_eq!(p.camera(), before);
}

#[test]
fn a_drag_moves_the_camera_by_the_dragged_distance() {
    // On a flat map (a tilted one moves the ground under the pointer in
    // perspective, so points at other heights on screen move less or more).
    let mut scene = scene();
    if let Some(v) = scene.story.steps[3].view.as_mut() {
        v.pitch = 0.0;
    }
    let opts = PlaybackOptions::default();
    let mut now = 0.0;
    let mut p = at_step(&scene, 3, &mut now, &opts);
    let limits = scene.nav_limits(&VP, &PAD);
    let before = p.camera();
    let under = Transform::new(&before, &VP).to_world([100.0, 100.0]);
    p.pan_by([40.0, -25.0], &VP, &limits, now);
    assert!(p.user_moved());
    let moved = Transform::new(&p.camera(), &VP).to_screen(under);
    assert!(near(moved, [140.0, 75.0], 1e-6), "{moved:?}");
    assert_eq!(p.camera().zoom, before.zoom);
    assert_eq!(p.camera().bearing, before.bearing);
    // Nothing else moves it: the camera stays where the reader left it.
    assert!(!p.tick(now + 1000.0));
    assert!(near(
        Transform::new(&p.camera(), &VP).to_screen(under),
        [140.0, 75.0],
        1e-6
    ));
}

#[test]
fn an_eased_zoom_keeps_the_point_under_the_cursor_in_every_frame() {
    let scene = scene();
    let opts = PlaybackOptions::default();
    let mut now = 0.0;
    let mut p = at_step(&scene, 3, &mut now, &opts);
    let limits = scene.nav_limits(&VP, &PAD);
    let at = [500.0, 120.0];
    let under = Transform::new(&p.camera(), &VP).to_world(at);
    let z0 = p.camera().zoom;
    p.zoom_by(0.5, at, &VP, &limits, now, &opts);
    p.zoom_by(0.5, at, &VP, &limits, now + 30.0, &opts);
    let mut frames = 0;
    while p.tick(now) {
        let back = Transform::new(&p.camera(), &VP).to_screen(under);
        assert!(near(back, at, 1e-6), "frame {frames}: {back:?}");
        now += 16.0;
        frames += 1;
    }
    assert!(frames >= 5, "eased over {frames} frames");
    assert!((p.camera().zoom - (z0 + 1.0)).abs() < 1e-9);
    assert!(near(
        Transform::new(&p.camera(), &VP).to_screen(under),
        at,
        1e-6
    ));

    // Reduced motion: at once, same place.
    let mut reduced = PlaybackOptions::default();
    reduced.flight.reduced_motion = true;
    let mut q = at_step(&scene, 3, &mut now, &reduced);
    q.zoom_by(1.0, at, &VP, &limits, now, &reduced);
    assert_eq!(q.camera().zoom, z0 + 1.0);
    assert!(!q.tick(now));
}

#[test]
fn zoom_and_centre_stay_within_the_limits() {
    let scene = scene();
    let opts = PlaybackOptions::default();
    let mut now = 0.0;
    let limits = scene.nav_limits(&VP, &PAD);
    // Every step's own view is allowed.
    for step in 0..scene.story.steps.len() {
        let c = scene.target(step, &VP, &PAD).camera;
        assert!(near(limits.clamp(c).center, c.center, 1e-9), "step {step}");
        assert_eq!(limits.clamp(c).zoom, c.zoom);
    }
    assert!(limits.max_zoom >= 19.0 && limits.min_zoom < 9.0);
    let mut p = at_step(&scene, 2, &mut now, &opts);
    p.zoom_by(-30.0, [320.0, 200.0], &VP, &limits, now, &opts);
    settle(&mut p, &mut now);
    assert_eq!(p.camera().zoom, limits.min_zoom);
    p.zoom_by(40.0, [320.0, 200.0], &VP, &limits, now, &opts);
    settle(&mut p, &mut now);
    assert_eq!(p.camera().zoom, limits.max_zoom);
    for _ in 0..100 {
        p.pan_by([5e9, 5e9], &VP, &limits, now);
    }
    let [x0, y0, ..] = limits.center_bounds.unwrap();
    let c = p.camera().center_world();
    assert!(
        (c[0] - x0).abs() < 1e-9 && (c[1] - y0).abs() < 1e-9,
        "{c:?} {x0} {y0}"
    );
    // No limits to speak of before any data or step: nothing panics.
    let empty = Scene::new(serde_json::from_str(r#"{"title": "x"}"#).unwrap());
    assert_eq!(
        empty.nav_limits(&VP, &PAD).min_zoom,
        NavLimits::default().min_zoom
    );
}

#[test]
fn the_next_step_flies_from_where_the_reader_left_the_camera() {
    let scene = scene();
    let opts = PlaybackOptions::default();
    let mut now = 0.0;
    let mut p = at_step(&scene, 2, &mut now, &opts);
    let limits = scene.nav_limits(&VP, &PAD);
    p.pan_by([-120.0, 60.0], &VP, &limits, now);
    p.zoom_by(1.0, [200.0, 200.0], &VP, &limits, now, &opts);
    settle(&mut p, &mut now);
    let user = p.camera();
    p.go_to(&scene, 3, &VP, &PAD, now, &opts);
    assert!(!p.user_moved());
    // The flight starts at the reader's camera, not at step 2's view...
    assert!(p.tick(now + 1.0));
    let early = p.camera();
    assert!(
        near(early.center, user.center, 1e-4),
        "{early:?} vs {user:?}"
    );
    // ...and ends on step 3's target, exactly as if read there.
    settle(&mut p, &mut now);
    assert_eq!(p.camera(), scene.target(3, &VP, &PAD).camera);
}

#[test]
fn handing_back_eases_to_the_step_view_and_new_data_keeps_the_reader_camera() {
    let scene = scene();
    let opts = PlaybackOptions::default();
    let mut now = 0.0;
    let mut p = at_step(&scene, 3, &mut now, &opts);
    let limits = scene.nav_limits(&VP, &PAD);
    p.pan_by([80.0, 80.0], &VP, &limits, now);
    let user = p.camera();
    // A resize re-targets the step, but the reader's camera stays.
    let wider = Viewport { width: 700.0, ..VP };
    p.refresh(&scene, &wider, &PAD, now, &opts);
    assert_eq!(p.camera(), user);
    assert!(p.user_moved());
    p.hand_back(&wider, now, &opts);
    assert!(!p.user_moved());
    assert!(p.tick(now + 1.0), "an eased flight back");
    let target = scene.target(3, &wider, &PAD).camera;
    settle(&mut p, &mut now);
    assert_eq!(p.camera(), target);
}

#[test]
fn a_drag_during_a_flight_stops_it_where_it_is() {
    let scene = scene();
    let opts = PlaybackOptions::default();
    let mut now = 0.0;
    let mut p = at_step(&scene, 0, &mut now, &opts);
    let limits = scene.nav_limits(&VP, &PAD);
    p.go_to(&scene, 2, &VP, &PAD, now, &opts);
    now += 100.0;
    p.tick(now);
    let mid = p.camera();
    p.pan_by([0.0, 0.0], &VP, &limits, now);
    assert!(near(p.camera().center, mid.center, 1e-9));
    now += 1000.0;
    p.tick(now);
    assert!(near(p.camera().center, mid.center, 1e-9));
    // Before any step there is nothing to move.
    let mut fresh = Playback::new(&scene);
    fresh.pan_by([50.0, 0.0], &VP, &limits, 0.0);
    assert!(!fresh.user_moved());
}
