//! Any bytes as `story.json` (what the player downloads first): the player's
//! JSON parser must read them as serde_json does, decoding must return a
//! story or an error, the player's reader and serde's derive must agree on
//! what both accept, and for a story that decodes, every
//! step's playback must work without a panic or hang — as the player does
//! it, with the same small data set in every layer: the step's target
//! (camera, opacities), its paints (filters, highlights, classes), the
//! legend with its texts, the data tables, navigation limits, a tooltip,
//! the labels, and a few frames of the flight and fades rendered.
//! Seeds: `fuzz/seeds.sh` (the example stories built, and the story cases).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::sync::OnceLock;
use twinstory_data::Dataset;
use twinstory_map::labels::LabelPlacer;
use twinstory_map::{DrawList, Framebuffer, Padding, Viewport};
use twinstory_model::{json_syntax, Story};
use twinstory_scene::{LabelSpace, Playback, PlaybackOptions, Scene};

/// Points, a line and areas around Hamburg with numbers, text and missing
/// values, so styles, filters, tooltips and labels have something to read.
const DATA: &str = r#"{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"a","properties":{"name":"Altona","value":3.5,"count":12,"kind":"park","n":"7"},
  "geometry":{"type":"Polygon","coordinates":[[[9.9,53.54],[9.95,53.54],[9.95,53.57],[9.9,53.57],[9.9,53.54]]]}},
 {"type":"Feature","properties":{"name":"Eimsbüttel","value":-1,"count":0,"kind":"school","n":null},
  "geometry":{"type":"MultiPolygon","coordinates":[[[[9.95,53.57],[10.0,53.57],[10.0,53.6],[9.95,53.57]]]]}},
 {"type":"Feature","properties":{"name":"Elbe","value":1e9},
  "geometry":{"type":"LineString","coordinates":[[9.8,53.53],[10.1,53.55]]}},
 {"type":"Feature","properties":{"name":"Spielplatz","value":0.25,"kind":"park"},
  "geometry":{"type":"Point","coordinates":[10.0,53.55]}},
 {"type":"Feature","properties":{"name":"","value":"n/a","kind":true},
  "geometry":{"type":"MultiPoint","coordinates":[[10.01,53.56],[10.02,53.56]]}},
 {"type":"Feature","properties":{},"geometry":null}
]}"#;

fn data() -> &'static Dataset {
    static DATA_SET: OnceLock<Dataset> = OnceLock::new();
    DATA_SET.get_or_init(
        || match twinstory_data::read_geojson("data.geojson", DATA.as_bytes()) {
            Ok(d) => d,
            Err(e) => panic!("the fuzz target's own data does not read: {e}"),
        },
    )
}

/// The same JSON value, where two floats may differ in their last digits:
/// serde_json's own float algorithm is not always correctly rounded.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
            let (p, q) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            p == q || (p - q).abs() <= p.abs() * 1e-15
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k, p), (l, q))| k == l && same(p, q))
        }
        _ => a == b,
    }
}

fuzz_target!(|bytes: &[u8]| {
    // The player reads JSON with `json_syntax::parse`, not serde_json's
    // parser: the same texts accepted, the same values, the same messages.
    let value = json_syntax::parse(bytes);
    match (&value, serde_json::from_slice::<Value>(bytes)) {
        (Ok(ours), Ok(theirs)) => assert!(same(ours, &theirs), "json_syntax reads another value"),
        (Err(ours), Err(theirs)) if ours.message != "number out of range" => {
            assert_eq!(ours.to_string(), theirs.to_string(), "json_syntax's message differs");
        }
        (Err(_), Err(_)) => {}
        (ours, theirs) => panic!(
            "json_syntax {} what serde_json {}",
            if ours.is_ok() { "accepts" } else { "refuses" },
            if theirs.is_ok() { "accepts" } else { "refuses" }
        ),
    }
    // It reads story.json with `Story::from_json` (a walk over that value,
    // for its size); whatever serde's derive also accepts, both read alike.
    let Ok(value) = value else {
        return;
    };
    let walked = Story::from_json_value(&value).ok();
    let derived = serde_json::from_value::<Story>(value);
    if let (Ok(d), Some(w)) = (&derived, &walked) {
        assert_eq!(d, w, "the two story.json readers disagree");
    }
    let Ok(story) = derived else {
        return;
    };
    let mut scene = Scene::new(story);
    // One layer stays loading and one fails, as on a slow or broken server.
    let n = scene.layers.len();
    for i in 0..n {
        match i % 4 {
            2 => {}
            3 => scene.set_layer_failed(i),
            _ => scene.set_layer_data(i, data()),
        }
    }
    let viewport = Viewport {
        width: 64.0,
        height: 48.0,
        dpr: 1.5,
    };
    let padding = Padding {
        top: 4.0,
        right: 4.0,
        bottom: 4.0,
        left: 24.0,
    };
    let opts = PlaybackOptions::default();
    let lang = scene.story.lang.clone();
    let limits = scene.nav_limits(&viewport, &padding);
    let mut playback = Playback::new(&scene);
    let (mut list, mut fb) = (DrawList::new(), Framebuffer::new(1, 1));
    let mut placer = LabelPlacer::default();
    let mut now = 0.0;
    for step in 0..scene.story.steps.len().min(64) {
        for entry in scene.legend(step) {
            for item in &entry.items {
                let _ = item.text(&lang);
            }
        }
        let _ = scene.data_tables(step, None, &[]);
        playback.go_to(&scene, step, &viewport, &padding, now, &opts);
        // A few frames of the flight and fades, and the end state.
        for dt in [0.0, 16.0, 300.0, 100_000.0] {
            now += dt;
            playback.tick(now);
            playback.render(&scene, &viewport, &mut list, &mut fb);
        }
        let _ = scene.tooltip_at(&playback, &viewport, [32.0, 24.0], 8.0);
        let _ = scene.labels(
            &mut placer,
            &playback,
            &viewport,
            LabelSpace {
                area: [0.0, 0.0, 64.0, 48.0],
                obstacles: &[],
            },
            |_, _, text| [text.chars().count() as f64 * 6.0, 12.0],
        );
        playback.pan_by([5.0, -3.0], &viewport, &limits, now);
        playback.tick(now);
    }
});
