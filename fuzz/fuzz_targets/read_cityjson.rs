//! Any bytes as a CityJSON file (a `cityjson` layer): the reader must return
//! building footprints in degrees or an error, never panic, hang or run out
//! of memory. Seeds: `fuzz/seeds.sh` (the story's Hamburg buildings, the
//! Dutch test samples and the story cases' files, whole and cut).
#![no_main]

use libfuzzer_sys::fuzz_target;
use twinstory_data::{read_cityjson, CityJsonOptions};

fuzz_target!(|data: &[u8]| {
    for lod in [None, Some("2".to_string())] {
        let opts = CityJsonOptions { lod };
        if let Ok(d) = read_cityjson("input.city.json", data, &opts) {
            for f in &d.features {
                let h = f.properties.get("height").and_then(|h| h.as_f64());
                assert!(h.is_some_and(|h| h >= 0.0), "a building without a height");
            }
        }
    }
});
