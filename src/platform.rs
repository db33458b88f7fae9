//! The few browser services the player uses, behind small functions so that
//! components read like a description of the UI.

use std::cell::RefCell;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{
    CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlElement, ImageData, Window,
};

thread_local! {
    /// In element mode, the element inside a `<twin-story>`'s shadow root
    /// that the player plays in (`element.js`); `None` on the story's own page.
    static ELEMENT: RefCell<Option<Element>> = const { RefCell::new(None) };
}

/// Takes the element that `element.js` hands over as `window.twinstoryMount`
/// (the `<twin-story>` element mode, docs/embed.md) before the player
/// starts; from then on `root` is that element. `None` on the story's own page.
pub fn take_element_mount() -> Option<HtmlElement> {
    let w = window();
    let key = JsValue::from_str("twinstoryMount");
    let el = js_sys::Reflect::get(&w, &key)
        .ok()?
        .dyn_into::<HtmlElement>()
        .ok()?;
    let _ = js_sys::Reflect::delete_property(&w, &key);
    ELEMENT.with(|e| *e.borrow_mut() = Some(el.clone().into()));
    Some(el)
}

/// Whether the player plays inside a `<twin-story>` element.
pub fn in_element() -> bool {
    ELEMENT.with(|e| e.borrow().is_some())
}

/// The part of the page the player owns, where it looks its elements up:
/// the whole document on the story's own page, the element in the shadow
/// root in element mode (where `document` finds none of them).
pub fn root() -> Option<Element> {
    ELEMENT
        .with(|e| e.borrow().clone())
        .or_else(|| window().document()?.document_element())
}

/// The first element below `root` that matches `selector`.
pub fn find(selector: &str) -> Option<Element> {
    root()?.query_selector(selector).ok()?
}

/// Every element below `root` that matches `selector`.
pub fn find_all(selector: &str) -> Option<web_sys::NodeList> {
    root()?.query_selector_all(selector).ok()
}

/// The element with this `id` below `root`.
pub fn find_id(id: &str) -> Option<Element> {
    find(&format!("[id=\"{}\"]", id.replace(['"', '\\'], "")))
}

/// The focused element, also when it is inside the shadow root (where the
/// document's `activeElement` is the `<twin-story>` element).
pub fn active_element() -> Option<Element> {
    let scope = root()?.get_root_node();
    js_sys::Reflect::get(&scope, &JsValue::from_str("activeElement"))
        .ok()?
        .dyn_into()
        .ok()
}

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

/// The `content` of `<meta name="{name}">` in the page (in element mode,
/// in the shadow root, where `element.js` writes them), if present and not empty.
pub fn meta_content(name: &str) -> Option<String> {
    find(&format!("meta[name=\"{name}\"]"))?
        .get_attribute("content")
        .filter(|c| !c.is_empty())
}
