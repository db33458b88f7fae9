//! Plays a built story on the host, step after step, and prints how long
//! building the draw list and painting take per frame (1280×800 CSS px
//! unless given, frames every 16.7 ms of story time, fades and flights
//! included), and the painting split by command kind (the same lists with
//! only their fills, strokes, points or raised faces).
//!
//! Run after `twinstory build stories --out /tmp/site`:
//! `cargo run --release -p twinstory-scene --example bench_story /tmp/site/spielplaetze [DPR [WIDTH HEIGHT]]`
//! (a phone's map: `3 390 422`).
//! `QUICK=1` plays every 4th frame once (for instruction counts under valgrind).
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "a host benchmark: times with the clock, reports on the terminal, stops on a bad setup"
)]

use std::time::Instant;
use twinstory_map::{DrawCommand, DrawList, Framebuffer, Padding, Viewport};
use twinstory_model::{Source, Story};
use twinstory_scene::{Playback, PlaybackOptions, Scene};

fn pct(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    s[((p / 100.0) * s.len() as f64).min(s.len() as f64 - 1.0) as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).expect("a built story folder"));
    let dpr: f64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1.0);
    let quick = std::env::var("QUICK").is_ok();
    let json = std::fs::read(dir.join("story.json")).expect("story.json");
    let story: Story = serde_json::from_slice(&json).expect("a story");
    let mut scene = Scene::new(story.clone());
    for (i, layer) in story.layers.iter().enumerate() {
        let Source::Packed { url } = &layer.source else {
            eprintln!("skipping layer {} (not packed)", layer.id);
            continue;
        };
        let bytes = std::fs::read(dir.join(url)).expect("layer data");
        let data = twinstory_data::read_packed(url, &bytes).expect("packed data");
        scene.set_layer_data(i, &data);
    }
    let size = |i: usize, default: f64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let vp = Viewport {
        width: size(3, 1280.0),
        height: size(4, 800.0),
        dpr,
    };
    // Cards beside the map, as on a wide screen; a narrow map has the
    // cards below it.
    let pad = if vp.width > 720.0 {
        Padding {
            top: 32.0,
            right: 32.0,
            bottom: 32.0,
            left: 520.0,
        }
    } else {
        Padding::uniform(16.0)
    };
    let kind = |c: &DrawCommand| match c {
        DrawCommand::Fill { .. } => 0,
        DrawCommand::Stroke { .. } => 1,
        DrawCommand::Points { .. } => 2,
        DrawCommand::Faces { .. } => 3,
    };
    let opts = PlaybackOptions::default();
    let (mut list, mut fb) = (DrawList::new(), Framebuffer::new(1, 1));
    let rounds = if quick { 1 } else { 2 };
    for round in 0..rounds {
        let mut pb = Playback::new(&scene);
        let (mut now, mut frame) = (0.0, 0u64);
        let (mut tb, mut tp) = (Vec::new(), Vec::new());
        let mut kinds: [Vec<f64>; 4] = Default::default();
        for step in 0..scene.story.steps.len() {
            let first_frame = tp.len();
            pb.go_to(&scene, step, &vp, &pad, now, &opts);
            loop {
                let moving = pb.tick(now);
                if !quick || frame % 4 == 0 {
                    let t0 = Instant::now();
                    pb.render_list(&scene, &vp, &mut list);
                    let t1 = Instant::now();
                    paint(&mut fb, &list);
                    tb.push((t1 - t0).as_secs_f64() * 1e3);
                    tp.push(t1.elapsed().as_secs_f64() * 1e3);
                    if round == rounds - 1 && !quick {
                        for (k, times) in kinds.iter_mut().enumerate() {
                            let mut only = list.clone();
                            only.commands.retain(|c| kind(c) == k);
                            let t = Instant::now();
                            paint(&mut fb, &only);
                            times.push(t.elapsed().as_secs_f64() * 1e3);
                        }
                    }
                }
                frame += 1;
                now += 1000.0 / 60.0;
                if !moving {
                    break;
                }
            }
            if round == rounds - 1 && tp.len() > first_frame {
                let v = &tp[first_frame..];
                println!(
                    "  step {step} ({}): {} frames, paint p50 {:.2} max {:.2} ms, {} commands",
                    scene.story.steps[step].id,
                    v.len(),
                    pct(v, 50.0),
                    pct(v, 100.0),
                    list.commands.len()
                );
            }
        }
        if round == rounds - 1 {
            let tot: Vec<f64> = tb.iter().zip(&tp).map(|(a, b)| a + b).collect();
            println!(
                "{} steps, {} frames, {}x{} @ DPR {dpr}",
                scene.story.steps.len(),
                tb.len(),
                vp.width,
                vp.height
            );
            let parts = [
                ("build", &tb),
                ("paint", &tp),
                ("total", &tot),
                ("  fills", &kinds[0]),
                ("  strokes", &kinds[1]),
                ("  points", &kinds[2]),
                ("  faces", &kinds[3]),
            ];
            for (name, v) in parts.into_iter().filter(|(_, v)| !v.is_empty()) {
                println!(
                    "  {name:9} p50 {:6.2}  p95 {:6.2}  max {:6.2} ms",
                    pct(v, 50.0),
                    pct(v, 95.0),
                    pct(v, 100.0)
                );
            }
        }
    }
}

/// Out of line so that profilers can count it apart from the build.
#[inline(never)]
fn paint(fb: &mut Framebuffer, list: &DrawList) {
    fb.paint(list);
}
