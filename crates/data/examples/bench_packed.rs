//! Size and decode time of the packed layer format against raw GeoJSON, on
//! the real quarters of Hamburg (the player decodes the same way in wasm).
//!
//!     cargo run --release -p twinstory-data --example bench_packed
//!
//! Prints bytes (raw and gzip-free) and decode times; `twinstory build`
//! additionally drops unused properties and simplifies, which its output reports.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "a host benchmark: times with the clock, reports on the terminal, stops on a bad setup"
)]
use std::time::Instant;
use twinstory_data::{read_geojson, read_packed, write_packed};

fn time<T>(runs: u32, mut f: impl FnMut() -> T) -> (T, f64) {
    let mut out = f();
    let start = Instant::now();
    for _ in 0..runs {
        out = f();
    }
    (
        out,
        start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs),
    )
}

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/quarters.geojson");
    let raw = std::fs::read(path).expect("quarters.geojson");
    let (data, geojson_ms) = time(20, || read_geojson("quarters.geojson", &raw).unwrap());
    let packed = write_packed(&data, 1_000_000);
    let (back, packed_ms) = time(20, || read_packed("quarters.tsp", &packed).unwrap());
    assert_eq!(back.features.len(), data.features.len());
    println!("quarters.geojson: {} features", data.features.len());
    println!(
        "  GeoJSON  {:>9} bytes, decode {:>7.2} ms",
        raw.len(),
        geojson_ms
    );
    println!(
        "  packed   {:>9} bytes, decode {:>7.2} ms  (all properties, no simplification)",
        packed.len(),
        packed_ms
    );
    println!(
        "  ratio    size {:.1}x smaller, decode {:.1}x faster",
        raw.len() as f64 / packed.len() as f64,
        geojson_ms / packed_ms
    );
}
