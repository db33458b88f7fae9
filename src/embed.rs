//! The story inside another site's `<iframe>` (`twinstory embed`,
//! `docs/embed.md`).
//!
//! The frame is as tall as the story and never scrolls: the reader scrolls
//! the host page. The frame's half of the embedding is a small script,
//! `embed-frame.js` (in `crates/cli/src`), which the page's boot module
//! imports only when the page is inside a frame, so the player's own
//! bundle stays as small as before (the same logic in Rust added 3 KB
//! gzip). It lays the page out for the host's window, pins the map and
//! tells the player, as `window.twinstoryView` (`{top, height}` in frame
//! pixels), which part of the frame the reader sees; the player's one use
//! of it is the reading line below.

use crate::platform::{viewport_height, window};
use wasm_bindgen::JsValue;

/// The reading line in the page's coordinates at `fraction` of the
/// reader's window: the host page's window when the story is embedded,
/// else this one.
pub fn reading_line(fraction: f64) -> f64 {
    let view = js_sys::Reflect::get(&window(), &JsValue::from_str("twinstoryView")).ok();
    let get = |key: &str| {
        view.as_ref()
            .filter(|v| v.is_object())
            .and_then(|v| js_sys::Reflect::get(v, &JsValue::from_str(key)).ok())
            .and_then(|v| v.as_f64())
            .filter(|v| v.is_finite())
    };
    match (get("top"), get("height")) {
        (Some(top), Some(height)) => top + height * fraction,
        _ => viewport_height() * fraction,
    }
}
