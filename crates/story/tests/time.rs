//! Time in a story, from `story.md` to the map: a layer's `time`, a step's
//! `time` and `play` over the DB Rad+ weekly bicycle volumes (segments cut
//! anew every week, so only the window tells the weeks apart). The story
//! is compiled and its data read as `twinstory build` does (day keys
//! added), then drawn by the scene as the player draws it; a `play`'s
//! moment is shown as the player shows it (the step's `show` replaced by
//! the moment's). The counts are checked against a count of the file made
//! here, without the story compiler or the scene.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use serde_json::Value;
use std::path::Path;
use twinstory_map::{DrawList, Framebuffer, Padding, Viewport};
use twinstory_scene::{Playback, PlaybackOptions, Scene};
use twinstory_story::{check_assets, has_errors, parse_story};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/time/radverkehr"
);

fn file() -> Value {
    let bytes = std::fs::read(Path::new(DIR).join("data/radverkehr.geojson")).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// The weeks the file names (`windows`: `von/bis`), first days.
fn weeks(file: &Value) -> Vec<String> {
    file["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().split_once('/').unwrap().0.to_owned())
        .collect()
}

/// Features of the file whose window holds `day` (ISO dates compare as text).
fn count_on(file: &Value, day: &str) -> usize {
    features(file, |p| {
        p["von"].as_str().unwrap() <= day && day <= p["bis"].as_str().unwrap()
    })
}

fn features(file: &Value, keep: impl Fn(&Value) -> bool) -> usize {
    let all = file["features"].as_array().unwrap();
    all.iter().filter(|f| keep(&f["properties"])).count()
}

/// A story over the fixture with these steps, compiled, its data read and
/// handed to a scene.
fn scene(steps: &str) -> Scene {
    let text = format!(
        "---\ntitle: Radverkehr\nlang: de\nlayers:\n  rad:\n    title: Segmente\n    source: {{ type: geojson, url: data/radverkehr.geojson }}\n    style: {{ stroke: \"#19649c\", stroke-width: 2 }}\n    time: {{ start: von, end: bis }}\n---\n\n{steps}"
    );
    scene_of(&text, Path::new(DIR))
}

/// `story.md` text in folder `dir`, compiled, its first layer's data read
/// and handed to a scene.
fn scene_of(text: &str, dir: &Path) -> Scene {
    let mut parsed = parse_story("story.md", text.as_bytes());
    check_assets(&mut parsed, dir);
    let errors: Vec<_> = parsed.diagnostics.iter().map(|d| &d.message).collect();
    assert!(!has_errors(&parsed.diagnostics), "{errors:?}");
    let data = parsed.layer_data(0).unwrap().dataset.clone();
    let mut scene = Scene::new(parsed.story.unwrap());
    scene.set_layer_data(0, &data);
    scene
}

fn step(id: &str, settings: &str) -> String {
    format!("## {id}\n\n```step\nid: {id}\n{settings}\n```\n\nText.\n\n")
}

fn shown(scene: &Scene, step: usize) -> usize {
    scene.legend(step)[0].shown
}

/// What the player does when the play module shows moment `pos`.
fn show_moment(scene: &mut Scene, step: usize, pos: usize) {
    let show = scene.story.steps[step].moment_show(pos).unwrap();
    scene.story.steps[step].show = show;
}

#[test]
fn a_moment_shows_the_segments_of_its_week_only() {
    let file = file();
    let weeks = weeks(&file);
    assert_eq!(weeks.len(), 8);
    // Each week's first and last day, and one in the middle.
    let windows: Vec<(String, String)> = file["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let (a, b) = w.as_str().unwrap().split_once('/').unwrap();
            (a.to_owned(), b.to_owned())
        })
        .collect();
    let mut days: Vec<String> = windows
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    days.push("2023-02-08".into());
    let steps: String = days
        .iter()
        .enumerate()
        .map(|(i, d)| step(&format!("s{i}"), &format!("show: [rad]\ntime: {d}")))
        .collect();
    let s = scene(&steps);
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
    // The table follows the same filter, and leaves the day keys out.
    let table = &s.data_tables(0, None, &[])[0];
    assert_eq!(table.count, count_on(&file, &days[0]));
    assert!(
        table.columns.iter().all(|c| !c.starts_with('~')),
        "{:?}",
        table.columns
    );
}

#[test]
fn a_period_shows_every_week_it_overlaps_and_other_filters_still_apply() {
    let file = file();
    let steps = [
        step("p", "show: [rad]\ntime: [2023-01-25, 2023-02-06]"),
        step(
            "q",
            "show: [{ layer: rad, filter: \"anzahl >= 20\" }]\ntime: 2023-02",
        ),
        step("r", "show: [rad]"),
        step("y", "show: [rad]\ntime: 2022"),
    ]
    .concat();
    let s = scene(&steps);
    // 2023-01-25 … 2023-02-06 touches the weeks from 01-22, 01-29 and 02-05.
    let three: usize = ["2023-01-22", "2023-01-29", "2023-02-05"]
        .iter()
        .map(|d| count_on(&file, d))
        .sum();
    assert_eq!(shown(&s, 0), three);
    // February: the weeks from 01-29 (to 02-04) up to the one from 02-26.
    let feb = features(&file, |p| {
        p["von"].as_str().unwrap() <= "2023-02-28"
            && p["bis"].as_str().unwrap() >= "2023-02-01"
            && p["anzahl"].as_f64().unwrap() >= 20.0
    });
    assert!(feb > 0);
    assert_eq!(shown(&s, 1), feb);
    assert_eq!(shown(&s, 2), 366, "no time: every segment");
    assert_eq!(shown(&s, 3), 0, "no week of 2022");
    let note = s.legend(0)[0].note("de").unwrap();
    assert!(note.contains(&three.to_string()), "{note}");
}

#[test]
fn each_moment_of_a_play_shows_its_week_and_the_step_itself_the_last() {
    let file = file();
    let starts = weeks(&file);
    let mut s = scene(&step(
        "play",
        "show: [rad]\nplay: { from: 2023-01-22, to: 2023-03-12, step: 1 week, duration: 8s }",
    ));
    let play = s.story.steps[0].play.clone().unwrap();
    let labels: Vec<&str> = play["moments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.len(), 8);
    assert_eq!(labels[0], "22. Januar 2023");
    assert_eq!(labels[7], "12. März 2023");
    assert_eq!(play["duration"], 8.0);
    // Without playback: the last week, as the build and jumps see it.
    assert_eq!(shown(&s, 0), count_on(&file, starts.last().unwrap()));
    for (i, day) in starts.iter().enumerate() {
        show_moment(&mut s, 0, i);
        assert_eq!(shown(&s, 0), count_on(&file, day), "position {i}");
        assert_eq!(
            s.data_tables(0, None, &[])[0].count,
            count_on(&file, day),
            "the table at position {i}"
        );
    }
    assert!(s.story.steps[0].moment_show(8).is_none(), "past the end");
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

/// What the player does when the play module moves: the moment's `show`,
/// then the paints again (`MapState::data_changed`).
fn move_to(s: &mut Scene, p: &mut Playback, pos: usize, now: f64) {
    let step = p.active().unwrap();
    show_moment(s, step, pos);
    p.refresh(s, &VP, &PAD, now, &PlaybackOptions::default());
}

#[test]
fn jumping_to_a_playing_step_looks_like_reading_to_it_at_every_position() {
    let file = file();
    assert_eq!(weeks(&file).len(), 8);
    let steps = [
        step(
            "a",
            "view: { center: [9.99, 53.54], zoom: 13 }\nshow: [rad]\ntime: 2023-01-22",
        ),
        step(
            "b",
            "view: { fit: rad }\nshow: [rad]\nplay: { from: 2023-01-22, to: 2023-03-12, step: 1 week }",
        ),
    ]
    .concat();
    let opts = PlaybackOptions::default();
    let mut frames = Vec::new();
    for at in [0, 3, 7] {
        // Read: step a, then b, whose playback starts at 0 and moves on to `at`.
        let mut s = scene(&steps);
        let mut read = Playback::new(&s);
        let mut now = 0.0;
        read.go_to(&s, 0, &VP, &PAD, now, &opts);
        settle(&mut read, &mut now);
        read.go_to(&s, 1, &VP, &PAD, now, &opts);
        for i in 0..=at {
            now += 100.0;
            read.tick(now);
            move_to(&mut s, &mut read, i, now);
        }
        settle(&mut read, &mut now);
        // Jump: straight to b, which starts at 0 too, then to `at`.
        let mut s2 = scene(&steps);
        let mut jump = Playback::new(&s2);
        jump.go_to(&s2, 1, &VP, &PAD, 0.0, &opts);
        move_to(&mut s2, &mut jump, 0, 0.0);
        move_to(&mut s2, &mut jump, at, 0.0);
        let mut t = 0.0;
        settle(&mut jump, &mut t);
        assert_eq!(read.camera(), jump.camera(), "{at}: camera");
        let f = frame(&s, &read);
        assert!(f == frame(&s2, &jump), "{at}: pixels");
        frames.push(f);
    }
    // The positions show different weeks.
    assert!(frames[0] != frames[1] && frames[1] != frames[2]);
    // The step's own state (no playback, as without JavaScript) is the last week.
    let s3 = scene(&steps);
    let mut own = Playback::new(&s3);
    own.go_to(&s3, 1, &VP, &PAD, 0.0, &opts);
    let mut t = 0.0;
    settle(&mut own, &mut t);
    assert!(
        frame(&s3, &own) == frames[2],
        "the step's own state is its last moment"
    );
}

/// The Neustadt story's street trees (`year`: the planting year, a whole
/// number) as a layer with `time: year`, compiled and drawn as above.
fn trees_scene(steps: &str) -> (Scene, Vec<i64>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../stories/neustadt-3d");
    let bytes = std::fs::read(dir.join("data/street-trees.geojson")).unwrap();
    let file: Value = serde_json::from_slice(&bytes).unwrap();
    let years: Vec<i64> = file["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["properties"]["year"].as_i64())
        .collect();
    let text = format!(
        "---\ntitle: Bäume\nlang: de\nlayers:\n  baeume:\n    title: Straßenbäume\n    source: {{ type: geojson, url: data/street-trees.geojson }}\n    style: {{ fill: \"#2e7d32\", stroke: none }}\n    time: year\n---\n\n{steps}"
    );
    (scene_of(&text, &dir), years)
}

#[test]
fn planting_years_as_time_a_period_and_a_play_by_decades() {
    let steps = [
        step("alle", "show: [baeume]"),
        step("neunziger", "show: [baeume]\ntime: [1990, 1999]"),
        step("jahr", "show: [baeume]\ntime: 2000"),
        step(
            "jahrzehnte",
            "show: [baeume]\nplay: { from: 1960, to: 2020, step: 10 years }",
        ),
    ]
    .concat();
    let (mut s, years) = trees_scene(&steps);
    let planted = |keep: &dyn Fn(i64) -> bool| years.iter().filter(|y| keep(**y)).count();
    assert!(years.len() > 300, "{} trees with a year", years.len());
    assert_eq!(shown(&s, 0), years.len());
    // A period of years: every tree planted in it, counted from the file.
    let nineties = planted(&|y| (1990..=1999).contains(&y));
    assert!(nineties > 0);
    assert_eq!(shown(&s, 1), nineties);
    // A year as a moment: the trees of that year.
    assert_eq!(shown(&s, 2), planted(&|y| y == 2000));
    // A play by decades: each moment the trees of its year; the step itself
    // (what readers without the controls see) is the last moment, 2020.
    assert_eq!(shown(&s, 3), planted(&|y| y == 2020));
    for (pos, year) in (1960..=2020).step_by(10).enumerate() {
        show_moment(&mut s, 3, pos);
        assert_eq!(shown(&s, 3), planted(&|y| y == year), "{year}");
    }
}
