//! Prints how long a tooltip hit test takes on 100,000 points and on
//! 20,000 small polygons, with the spatial index and, for comparison, with a
//! plain loop over every feature; plus the time to build the index.
//!
//! Run with `cargo run --release -p twinstory-map --example bench_hit`.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "a host benchmark: times with the clock, reports on the terminal, stops on a bad setup"
)]

use geo::{Geometry, LineString, Point, Polygon};
use std::time::Instant;
use twinstory_map::hit::{hit_test, HitIndex, HitLayer};
use twinstory_map::{Camera, LayerPaint, PreparedLayer, Transform, Viewport};

#[path = "../src/test_rng.rs"]
mod test_rng;
use test_rng::Rng;

fn main() {
    let mut rng = Rng(42);
    let (w, s, e, n) = (9.72, 53.39, 10.33, 53.74);
    let points: Vec<Geometry<f64>> = (0..100_000)
        .map(|_| Geometry::Point(Point::new(rng.range(w, e), rng.range(s, n))))
        .collect();
    let polygons: Vec<Geometry<f64>> = (0..20_000)
        .map(|_| {
            let (x, y) = (rng.range(w, e), rng.range(s, n));
            // 32-gons about 100–500 m across.
            let r = rng.range(0.001, 0.004);
            let ring: Vec<(f64, f64)> = (0..32)
                .map(|i| {
                    let a = i as f64 / 32.0 * std::f64::consts::TAU;
                    (x + r * a.cos(), y + r * 0.6 * a.sin())
                })
                .collect();
            Geometry::Polygon(Polygon::new(LineString::from(ring), vec![]))
        })
        .collect();
    let vp = Viewport {
        width: 1280.0,
        height: 800.0,
        dpr: 2.0,
    };
    let paint = LayerPaint::default();
    for (name, geoms) in [("100,000 points", &points), ("20,000 polygons", &polygons)] {
        let layer = PreparedLayer::from_geometries(geoms.iter().map(Some));
        let start = Instant::now();
        let index = HitIndex::new(&layer);
        let build_ms = start.elapsed().as_secs_f64() * 1e3;
        let l = [HitLayer {
            layer: &layer,
            index: &index,
            paint: &paint,
            max_radius: paint.max_radius(),
        }];
        for zoom in [10.5, 14.0] {
            let t = Transform::new(&Camera::new([10.0, 53.55], zoom), &vp);
            let queries: Vec<[f64; 2]> = (0..20_000)
                .map(|_| [rng.range(0.0, vp.width), rng.range(0.0, vp.height)])
                .collect();
            let start = Instant::now();
            let mut hits = 0;
            for q in &queries {
                hits += hit_test(&l, &t, &vp, *q, 4.0).is_some() as usize;
            }
            let per_query_us = start.elapsed().as_secs_f64() * 1e6 / queries.len() as f64;
            // A loop over every feature, testing only distances and boxes:
            // a lower bound of what hit testing without an index costs.
            let start = Instant::now();
            let mut brute_hits = 0;
            for q in queries.iter().take(200) {
                let wp = t.to_world([q[0] * vp.dpr, q[1] * vp.dpr]);
                let reach = 7.0 * vp.dpr / t.scale();
                let near_point = layer
                    .points
                    .iter()
                    .any(|p| (p[0] - wp[0]).hypot(p[1] - wp[1]) <= reach);
                let in_box = layer.shapes.iter().any(|s| {
                    s.bbox[0] <= wp[0]
                        && s.bbox[2] >= wp[0]
                        && s.bbox[1] <= wp[1]
                        && s.bbox[3] >= wp[1]
                });
                brute_hits += (near_point || in_box) as usize;
            }
            let brute_us = start.elapsed().as_secs_f64() * 1e6 / 200.0;
            println!(
                "{name:>16}, zoom {zoom:>4}: index built in {build_ms:.1} ms; \
                 hit test {per_query_us:.2} µs/query ({hits} of {} hit); \
                 loop over all features ≥ {brute_us:.0} µs/query ({brute_hits} of 200 hit)",
                queries.len()
            );
        }
    }
}
