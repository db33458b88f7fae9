//! Any bytes as a packed layer (`data/*.tsp`, as `twinstory build` writes
//! them and the player downloads them): the decoder must return features or
//! an error, never panic, hang or allocate without bound. A layer that
//! decodes must survive writing and reading again with the same features.
//! Seeds: `fuzz/seeds.sh` packs the conformance corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;
use twinstory_data::{read_packed, write_packed};

fuzz_target!(|data: &[u8]| {
    let Ok(layer) = read_packed("layer.tsp", data) else {
        return;
    };
    // What the decoder accepts, the encoder must be able to write back.
    let again = write_packed(&layer, 1_000_000);
    let back = read_packed("again.tsp", &again);
    assert!(back.is_ok(), "a decoded layer does not read back: {back:?}");
    if let Ok(back) = back {
        assert_eq!(back.features.len(), layer.features.len());
    }
});
