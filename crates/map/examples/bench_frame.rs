//! Prints how long building the draw list and painting it take per frame
//! for Hamburg's 181 quarters plus N synthetic points, during a 60-frame
//! flight from the whole city to Altona and back (1280×800 CSS px).
//!
//! Run with `cargo run --release -p twinstory-map --example bench_frame [N] [DPR]`.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "a host benchmark: times with the clock, reports on the terminal, stops on a bad setup"
)]

use geo::{Geometry, Point};
use std::time::Instant;
use twinstory_map::{
    Camera, DrawList, Framebuffer, LayerPaint, PreparedLayer, Rgba, Transform, Viewport,
};

#[path = "../src/test_rng.rs"]
mod test_rng;
use test_rng::Rng;

fn pct(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    s[((p / 100.0) * s.len() as f64).min(s.len() as f64 - 1.0) as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dpr: f64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1.0);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../stories/spielplaetze/data/quarters.geojson"
    );
    let bytes = std::fs::read(path).expect("quarters.geojson");
    let quarters = twinstory_data::read_geojson("quarters.geojson", &bytes).expect("read");
    let q = PreparedLayer::from_geometries(quarters.features.iter().map(|f| f.geometry.as_ref()));
    let mut rng = Rng(42);
    let pts: Vec<Geometry<f64>> = (0..n)
        .map(|_| {
            Geometry::Point(Point::new(
                9.7301 + rng.next() * 0.5952,
                53.395 + rng.next() * 0.3444,
            ))
        })
        .collect();
    let p = PreparedLayer::from_geometries(pts.iter().map(Some));
    let mode = std::env::var("MODE").unwrap_or_default();
    let qpaint = LayerPaint {
        fill: (mode != "stroke").then_some(Rgba::rgb(0xd5, 0xdd, 0xe6)),
        stroke: (mode != "fill").then_some(Rgba::rgb(255, 255, 255)),
        ..LayerPaint::default()
    };
    let ppaint = LayerPaint {
        fill: Some(Rgba::rgb(0xe4, 0x57, 0x2e)),
        stroke: None,
        stroke_width: 0.0,
        radius: 1.5,
        ..LayerPaint::default()
    };
    let vp = Viewport {
        width: 1280.0,
        height: 800.0,
        dpr,
    };
    let (a, b) = (
        Camera::new([10.03, 53.56], 9.9),
        Camera::new([9.93, 53.55], 12.5),
    );
    let mut list = DrawList::new();
    let mut fb = Framebuffer::new(1, 1);
    let (mut tb, mut tp) = (Vec::new(), Vec::new());
    // QUICK=1: one pass over every 5th frame (for instruction counts under valgrind).
    let quick = std::env::var("QUICK").is_ok();
    let (rounds, every) = if quick { (1, 5) } else { (2, 1) };
    for round in 0..rounds {
        tb.clear();
        tp.clear();
        for i in (0..120).step_by(every) {
            let t = if i < 60 {
                i as f64 / 59.0
            } else {
                (119 - i) as f64 / 59.0
            };
            let e = 0.5 - 0.5 * (t * std::f64::consts::PI).cos();
            let cam = Camera::new(
                [
                    a.center[0] + (b.center[0] - a.center[0]) * e,
                    a.center[1] + (b.center[1] - a.center[1]) * e,
                ],
                a.zoom + (b.zoom - a.zoom) * e,
            );
            let tr = Transform::new(&cam, &vp);
            let t0 = Instant::now();
            list.build(
                [(&q, &qpaint), (&p, &ppaint)],
                &tr,
                &vp,
                Rgba::rgb(0xf4, 0xf1, 0xea),
            );
            let t1 = Instant::now();
            paint(&mut fb, &list);
            let t2 = Instant::now();
            tb.push((t1 - t0).as_secs_f64() * 1e3);
            tp.push((t2 - t1).as_secs_f64() * 1e3);
        }
        if round == rounds - 1 {
            let tot: Vec<f64> = tb.iter().zip(&tp).map(|(a, b)| a + b).collect();
            println!("{n} points + 181 quarters, 1280x800 @ DPR {dpr}, 120 frames");
            for (name, v) in [("build", &tb), ("paint", &tp), ("total", &tot)] {
                println!(
                    "  {name:6} p50 {:6.2}  p95 {:6.2}  max {:6.2} ms",
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
