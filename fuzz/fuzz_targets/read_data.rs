//! Any bytes as a data file: every reader must return features or an error,
//! never panic, hang or run out of memory. Seeds: `fuzz/seeds.sh` writes the
//! conformance corpus whole and cut at every 97th byte into `corpus/read_data`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use twinstory_data::{
    read_csv_points, read_csv_table, read_geojson, read_overpass, CsvDialect, CsvOptions,
};

fuzz_target!(|data: &[u8]| {
    let _ = read_geojson("input.geojson", data);
    let _ = read_overpass("input.json", data);
    let _ = read_csv_points("input.csv", data, &CsvOptions::default());
    let _ = read_csv_table("input.csv", data, &CsvDialect::default());
});
