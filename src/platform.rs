//! The few browser services the player uses, behind small functions so that
//! components read like a description of the UI.

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData, Window};

/// The page's language (`<html lang>`; German when it has none), for
/// what the page says before a story is there.
pub fn page_lang() -> twinstory_model::strings::Lang {
    let lang = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .unwrap_or_default();
    twinstory_model::strings::Lang::of(&lang)
}

/// The browser window. Only called in the browser, where it always exists.
#[allow(
    clippy::expect_used,
    reason = "wasm32 in a page always has a window; without one there is no page to report in"
)]
pub fn window() -> Window {
    web_sys::window().expect("the player runs in a browser window")
}

/// Milliseconds since navigation start (monotonic).
pub fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// Device pixels per CSS pixel.
pub fn device_pixel_ratio() -> f64 {
    let r = window().device_pixel_ratio();
    if r.is_finite() && r > 0.0 {
        r
    } else {
        1.0
    }
}

/// Whether the reader asked the system for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .map(|m| m.matches())
        .unwrap_or(false)
}

/// Height of the layout viewport in CSS px.
pub fn viewport_height() -> f64 {
    window()
        .inner_height()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(800.0)
}

/// Width of the layout viewport in CSS px.
pub fn viewport_width() -> f64 {
    window()
        .inner_width()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(1280.0)
}

/// Shows RGBA pixels on a canvas, resizing its backing store to match.
pub fn put_pixels(
    canvas: &HtmlCanvasElement,
    bytes: &[u8],
    width: u32,
    height: u32,
) -> Result<(), String> {
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
    let ctx = canvas
        .get_context("2d")
        .map_err(|_| "this browser cannot draw on a canvas".to_string())?
        .ok_or("this browser cannot draw on a canvas")?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| "this browser cannot draw on a canvas".to_string())?;
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(bytes), width, height)
        .map_err(|_| "the map image could not be created".to_string())?;
    ctx.put_image_data(&image, 0.0, 0.0)
        .map_err(|_| "the map image could not be shown".to_string())
}

/// The current URL fragment without `#`, percent-decoded.
pub fn location_hash() -> Option<String> {
    let hash = window().location().hash().ok()?;
    let raw = hash.strip_prefix('#')?;
    if raw.is_empty() {
        return None;
    }
    Some(
        js_sys::decode_uri_component(raw)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| raw.to_string()),
    )
}

/// Replaces the URL fragment without scrolling or adding a history entry.
pub fn replace_hash(id: &str) {
    let w = window();
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{id}")),
        );
    }
}

/// The value of a query parameter of the page URL.
pub fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// Resolves a possibly relative URL against a base URL.
pub fn resolve_url(relative: &str, base: &str) -> Result<String, String> {
    web_sys::Url::new_with_base(relative, base)
        .map(|u| u.href())
        .map_err(|_| format!("`{relative}` is not a valid address"))
}

/// The page's own URL.
pub fn page_url() -> String {
    window().location().href().unwrap_or_default()
}

/// The `content` of `<meta name="{name}">` in the page, if present and not empty.
pub fn meta_content(name: &str) -> Option<String> {
    let doc = window().document()?;
    let el = doc
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()??;
    el.get_attribute("content").filter(|c| !c.is_empty())
}
