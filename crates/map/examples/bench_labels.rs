//! Prints how long label placement takes for 1,000 to 50,000 labelled
//! points on a 1280×800 map (first frame, and a following frame that
//! remembers the first), and how many labels find a place.
//!
//! Run with `cargo run --release -p twinstory-map --example bench_labels`.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "a host benchmark: times with the clock, reports on the terminal, stops on a bad setup"
)]

use std::time::Instant;
use twinstory_map::labels::{LabelPlacer, LabelRequest};

#[path = "../src/test_rng.rs"]
mod test_rng;
use test_rng::Rng;

fn main() {
    let area = [300.0, 8.0, 1272.0, 792.0];
    for n in [1_000usize, 5_000, 20_000, 50_000] {
        let mut rng = Rng(7);
        let requests: Vec<LabelRequest> = (0..n)
            .map(|i| LabelRequest {
                key: i as u64,
                anchor: [rng.next() * 1280.0, rng.next() * 800.0],
                size: [40.0 + rng.next() * 120.0, 20.0],
                symbol_radius: 4.0,
                priority: (rng.next() * 10.0).floor(),
            })
            .collect();
        let mut placer = LabelPlacer::default();
        let t = Instant::now();
        let first = placer.place(&requests, area, &[]);
        let t1 = t.elapsed();
        placer.keep_shown = true;
        let t = Instant::now();
        let rounds = 20;
        for _ in 0..rounds {
            placer.place(&requests, area, &[]);
        }
        let t2 = t.elapsed() / rounds;
        println!(
            "{n:>6} points: {:>4} labels placed; first frame {:>7.2} ms, next frames {:>7.2} ms",
            first.len(),
            t1.as_secs_f64() * 1e3,
            t2.as_secs_f64() * 1e3
        );
    }
}
