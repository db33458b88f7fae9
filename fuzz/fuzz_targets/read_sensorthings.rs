//! Any bytes as one page of a SensorThings `Things` answer (what the player
//! downloads for a `sensorthings` layer): the reader must return features and
//! the next page's address, or an error, never panic or hang.
//! Seeds: `fuzz/seeds.sh` (recorded answers and the reader's test pages).
#![no_main]

use libfuzzer_sys::fuzz_target;
use twinstory_data::read_sensorthings;

fuzz_target!(|data: &[u8]| {
    if let Ok(page) = read_sensorthings("https://sensors.example/v1.1/Things", data) {
        for f in &page.dataset.features {
            assert!(
                f.geometry.is_some(),
                "a Thing without a location became a feature"
            );
        }
    }
});
