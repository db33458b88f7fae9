//! Helpers shared by the CLI's integration tests.
#![allow(
    clippy::disallowed_methods,
    reason = "host-only test helpers: the clock names temporary folders"
)]

use std::path::PathBuf;

/// A fresh, empty folder under the system's temp folder, named after the
/// test file (`what`) and the test (`name`).
pub fn temp_dir(what: &str, name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "twinstory-{what}-{name}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A stand-in for the built player in `dir/player` (the build only copies
/// and renames its files), for tests of what the build writes.
pub fn stand_in_player(dir: &std::path::Path) -> PathBuf {
    let player = dir.join("player");
    std::fs::create_dir_all(&player).unwrap();
    for (name, body) in [
        ("twinstory_player.js", "export default function init() {}"),
        ("twinstory_player_bg.wasm", "\0asm"),
        // The flat base (a different file: its hashed names differ).
        (
            "twinstory_flat.js",
            "export default function init() { /* flat */ }",
        ),
        ("twinstory_flat_bg.wasm", "\0asm flat"),
        ("twinstory.css", "body{}"),
    ] {
        std::fs::write(player.join(name), body).unwrap();
    }
    player
}
