//! Prints how fast the readers parse the large Hamburg files, in MB/s.
//!
//! Run with `cargo run --release -p twinstory-data --example bench_readers`.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "a host benchmark: times with the clock, reports on the terminal, stops on a bad setup"
)]

use std::time::Instant;
use twinstory_data::{
    read_csv_points, read_geojson, read_overpass, CsvOptions, DataError, Dataset,
};

type Reader = fn(&str, &[u8]) -> Result<Dataset, DataError>;

fn points(file: &str, bytes: &[u8]) -> Result<Dataset, DataError> {
    read_csv_points(file, bytes, &CsvOptions::default())
}

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let cases: [(&str, Reader); 3] = [
        ("quarters.geojson", read_geojson),
        ("parks-overpass.json", read_overpass),
        ("playgrounds.csv", points),
    ];
    for (name, read) in cases {
        let bytes = match std::fs::read(format!("{dir}/{name}")) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{name}: {e}");
                continue;
            }
        };
        // One warm-up run, then the best of ten.
        let mut best = f64::INFINITY;
        let mut features = 0;
        for _ in 0..11 {
            let start = Instant::now();
            match read(name, &bytes) {
                Ok(d) => features = d.features.len(),
                Err(e) => {
                    eprintln!("{e}");
                    return;
                }
            }
            best = best.min(start.elapsed().as_secs_f64());
        }
        let mb = bytes.len() as f64 / 1e6;
        println!(
            "{name:<22} {mb:6.2} MB  {features:5} features  {:7.2} ms  {:7.1} MB/s",
            best * 1e3,
            mb / best
        );
    }
}
