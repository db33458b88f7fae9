//! Any bytes as one page of an OGC API – Features `items` answer (a GeoJSON
//! FeatureCollection with `links` and `numberMatched`): the player reads it
//! once with `read_geojson_page` (features, links, count), and remote paging
//! resolves each link against the page's address and compares origins
//! (`twinstory_model::url`). None of it may panic or hang.
//! Seeds: `fuzz/seeds.sh` (recorded pages of Hamburg's OGC API).
#![no_main]

use libfuzzer_sys::fuzz_target;
use twinstory_data::{read_geojson, read_geojson_page, write_geojson};
use twinstory_model::url;

fuzz_target!(|data: &[u8]| {
    let base = "https://api.example/collections/x/items?limit=10";
    let Ok(page) = read_geojson_page(base, data) else {
        return;
    };
    for link in &page.links {
        if let Some(next) = url::resolve(&link.href, base) {
            let _ = url::origin(&next) == url::origin(base);
        }
    }
    let page = page.dataset;
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
