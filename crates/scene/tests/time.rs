//! Time in a story: a step's `time` and `play` filter the layers with a
//! `time`, over the DB Rad+ weekly bicycle volumes (segments cut anew
//! every week, so only the window tells the weeks apart). The counts are
//! checked against a count of the file made here, without the scene.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use serde_json::{json, Value};
use twinstory_map::{DrawList, Framebuffer, Padding, Viewport};
use twinstory_model::Story;
use twinstory_scene::{Playback, PlaybackOptions, Scene};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/time/radverkehr/data/radverkehr.geojson"
);

fn fixture() -> (Vec<u8>, Value) {
    let bytes = std::fs::read(FIXTURE).expect("the DB Rad+ fixture");
    let value = serde_json::from_slice(&bytes).unwrap();
    (bytes, value)
}

/// The week starts the file names (`windows`: `von/bis`).
fn weeks(file: &Value) -> Vec<(String, String)> {
    file["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let (a, b) = w.as_str().unwrap().split_once('/').unwrap();
            (a.to_owned(), b.to_owned())
        })
        .collect()
}

/// Features of the file whose window holds `day` (ISO dates compare as text).
fn count_on(file: &Value, day: &str) -> usize {
    file["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let p = &f["properties"];
            p["von"].as_str().unwrap() <= day && day <= p["bis"].as_str().unwrap()
        })
        .count()
}

fn scene(steps: Value) -> Scene {
    let story: Story = serde_json::from_value(json!({
        "title": "Radverkehr", "lang": "en",
        "layers": [{"id": "rad", "title": "Segments",
                    "source": {"type": "geojson", "url": "radverkehr.geojson"},
                    "style": {"stroke": "#1b6ca8", "stroke-width": 2},
                    "time": {"start": "von", "end": "bis"}}],
        "steps": steps
    }))
    .unwrap();
    let (bytes, _) = fixture();
    let data = twinstory_data::read_geojson("radverkehr.geojson", &bytes).unwrap();
    let mut scene = Scene::new(story);
    scene.set_layer_data(0, &data);
    scene
}

fn shown(scene: &Scene, step: usize) -> usize {
    scene.legend(step)[0].shown
}

#[test]
fn a_moment_shows_the_segments_of_its_week_only() {
    let (_, file) = fixture();
    let weeks = weeks(&file);
    assert_eq!(weeks.len(), 8);
    // Each week's first, a middle and its last day.
    let mut days = Vec::new();
    for (a, b) in &weeks {
        days.push(a.clone());
        days.push(b.clone());
    }
    days.push("2023-02-08".to_owned());
    let steps: Vec<Value> = days
        .iter()
        .map(|d| json!({"id": d, "title": d, "show": ["rad"], "time": [d]}))
        .collect();
    let s = scene(Value::Array(steps));
    let mut total = 0;
    for (i, day) in days.iter().enumerate() {
        let expected = count_on(&file, day);
        assert!(expected > 0, "{day}: the fixture has segments that week");
        assert_eq!(shown(&s, i), expected, "{day}");
        if i % 2 == 0 && i < 16 {
            total += expected;
        }
    }
    // The weeks do not overlap: together they are the whole file.
    assert_eq!(total, file["features"].as_array().unwrap().len());
    // The table follows the same filter.
    assert_eq!(
        s.data_tables(0, None, &[])[0].count,
        count_on(&file, &days[0])
    );
}

#[test]
fn a_period_shows_every_week_it_overlaps_and_other_filters_still_apply() {
    let (_, file) = fixture();
    let s = scene(json!([
        {"id": "p", "title": "P", "show": ["rad"], "time": ["2023-01-25", "2023-02-06"]},
        {"id": "q", "title": "Q", "show": [{"layer": "rad", "filter": "anzahl >= 20"}], "time": ["2023-02"]},
        {"id": "r", "title": "R", "show": ["rad"]},
        {"id": "y", "title": "Y", "show": ["rad"], "time": ["2022"]}
    ]));
    // 2023-01-25 … 2023-02-06 touches the weeks from 01-22, 01-29 and 02-05.
    let three: usize = ["2023-01-22", "2023-01-29", "2023-02-05"]
        .iter()
        .map(|d| count_on(&file, d))
        .sum();
    assert_eq!(shown(&s, 0), three);
    // February: the weeks from 01-29 (to 02-04) up to the one from 02-26.
    let feb = file["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let p = &f["properties"];
            p["von"].as_str().unwrap() <= "2023-02-28"
                && p["bis"].as_str().unwrap() >= "2023-02-01"
                && p["anzahl"].as_f64().unwrap() >= 20.0
        })
        .count();
    assert!(feb > 0);
    assert_eq!(shown(&s, 1), feb);
    assert_eq!(shown(&s, 2), 366, "no time: every segment");
    assert_eq!(shown(&s, 3), 0, "no week of 2022");
    let note = s.legend(0)[0].note("en").unwrap();
    assert!(note.contains(&three.to_string()), "{note}");
}

#[test]
fn the_playback_position_picks_the_moment_and_the_end_is_the_steps_state() {
    let (_, file) = fixture();
    let starts: Vec<String> = weeks(&file).into_iter().map(|w| w.0).collect();
    let mut s = scene(json!([
        {"id": "play", "title": "Play", "show": ["rad"],
         "play": {"moments": starts, "duration": 8}}
    ]));
    // Without a position: the last moment, as the build and jumps see it.
    assert_eq!(shown(&s, 0), count_on(&file, starts.last().unwrap()));
    for (i, day) in starts.iter().enumerate() {
        s.set_play_position(0, Some(i));
        assert_eq!(shown(&s, 0), count_on(&file, day), "position {i}");
    }
    // Past the end: the last moment.
    s.set_play_position(0, Some(99));
    assert_eq!(shown(&s, 0), count_on(&file, starts.last().unwrap()));
    s.set_play_position(0, None);
    assert_eq!(shown(&s, 0), count_on(&file, starts.last().unwrap()));
}

const VP: Viewport = Viewport {
    width: 480.0,
    height: 320.0,
    dpr: 1.0,
};
const PAD: Padding = Padding {
    top: 0.0,
    right: 0.0,
    bottom: 0.0,
    left: 0.0,
};

fn frame(scene: &Scene, p: &Playback) -> Vec<u8> {
    let mut list = DrawList::new();
    let mut fb = Framebuffer::new(1, 1);
    p.render(scene, &VP, &mut list, &mut fb);
    fb.as_bytes().to_vec()
}

fn settle(p: &mut Playback, now: &mut f64) {
    for _ in 0..10_000 {
        *now += 16.0;
        if !p.tick(*now) {
            return;
        }
    }
    panic!("animation never ended");
}

/// What the shell does when the position changes: the scene's position,
/// then the paints again.
fn move_to(s: &mut Scene, p: &mut Playback, at: Option<usize>, now: f64) {
    let step = p.active().unwrap();
    s.set_play_position(step, at);
    p.refresh(s, &VP, &PAD, now, &PlaybackOptions::default());
}

#[test]
fn jumping_to_a_playing_step_looks_like_reading_to_it_at_every_position() {
    let (_, file) = fixture();
    let starts: Vec<String> = weeks(&file).into_iter().map(|w| w.0).collect();
    let steps = json!([
        {"id": "a", "title": "A", "view": {"center": [9.99, 53.54], "zoom": 13}, "show": ["rad"], "time": ["2023-01-22"]},
        {"id": "b", "title": "B", "view": {"fit": "rad"}, "show": ["rad"],
         "play": {"moments": starts, "duration": 8}}
    ]);
    let opts = PlaybackOptions::default();
    let mut frames = Vec::new();
    for at in [Some(0), Some(3), Some(7), None] {
        // Read: step a, then b, and the playback moves on to `at`.
        let mut s = scene(steps.clone());
        let mut read = Playback::new(&s);
        let mut now = 0.0;
        read.go_to(&s, 0, &VP, &PAD, now, &opts);
        settle(&mut read, &mut now);
        read.go_to(&s, 1, &VP, &PAD, now, &opts);
        for i in 0..at.unwrap_or(7) {
            now += 100.0;
            read.tick(now);
            move_to(&mut s, &mut read, Some(i), now);
        }
        move_to(&mut s, &mut read, at, now);
        settle(&mut read, &mut now);
        // Jump: straight to b at the same position.
        let mut s2 = scene(steps.clone());
        let mut jump = Playback::new(&s2);
        jump.go_to(&s2, 1, &VP, &PAD, 0.0, &opts);
        move_to(&mut s2, &mut jump, at, 0.0);
        let mut t = 0.0;
        settle(&mut jump, &mut t);
        assert_eq!(read.camera(), jump.camera(), "{at:?}: camera");
        let f = frame(&s, &read);
        assert!(f == frame(&s2, &jump), "{at:?}: pixels");
        frames.push(f);
    }
    // The positions show different weeks; the end is the last week.
    assert!(frames[0] != frames[1] && frames[1] != frames[2]);
    assert!(
        frames[2] == frames[3],
        "the step's own state is its last moment"
    );
}
