//! Any bytes as one page of an OGC API – Features `items` answer (a GeoJSON
//! FeatureCollection with `links`): the player reads it with the GeoJSON
//! reader, which must return features or an error, never panic or hang.
//!
//! The `next`-link lookup (`next_link` in `src/loader.rs`) lives in the
//! browser shell and cannot be built here; it is a plain serde_json read of
//! `links[].rel/href/type`, which this target does not reach.
//! Seeds: `fuzz/seeds.sh` (recorded pages of Hamburg's OGC API).
#![no_main]

use libfuzzer_sys::fuzz_target;
use twinstory_data::{read_geojson, write_geojson};

fuzz_target!(|data: &[u8]| {
    let Ok(page) = read_geojson("https://api.example/collections/x/items?limit=10", data) else {
        return;
    };
    // What the reader accepts, `write_geojson` must write as GeoJSON that
    // reads again (the in-browser story compiler hands converted Overpass
    // layers to the player this way).
    let written = write_geojson(&page, 7);
    let again = read_geojson("again.geojson", written.as_bytes());
    assert!(
        again.is_ok(),
        "a page that read does not write back: {again:?}"
    );
});
