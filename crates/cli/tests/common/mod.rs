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
