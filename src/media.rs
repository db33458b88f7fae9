//! Videos and audios in the text play only while their step is read.
//!
//! Everything else about media is HTML the build wrote and `step_html`
//! rebuilt: `controls`, captions, posters, `srcset`, and images that open
//! larger in a `<dialog>` through `command="show-modal"` (no script).

use crate::platform::{find_all, prefers_reduced_motion, window};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlMediaElement;

/// Each element `selector` finds, as a media element.
fn each(selector: &str, f: impl Fn(&HtmlMediaElement)) {
    let Some(all) = find_all(selector) else {
        return;
    };
    for n in 0..all.length() {
        if let Some(m) = all
            .item(n)
            .and_then(|m| m.dyn_into::<HtmlMediaElement>().ok())
        {
            f(&m);
        }
    }
}

/// Pauses every video and audio outside step `active` (the introduction's
/// too); mutes the step's `muted` videos (the attribute, set after the
/// element was made, mutes nothing) and starts its `autoplay` ones (always
/// muted: the story crate allows `autoplay` only with `muted`), never for
/// readers who asked for reduced motion.
pub fn step_changed(active: usize) {
    each(
        &format!(
            ".ts-intro :is(video,audio), .ts-step:not([data-step=\"{active}\"]) :is(video,audio)"
        ),
        |m| m.pause().unwrap_or(()),
    );
    let motion = !prefers_reduced_motion();
    each(&format!("[data-step=\"{active}\"] video[muted]"), |m| {
        m.set_muted(true);
        if motion && m.class_name() == "autoplay" {
            // A video that cannot play (the host page's `media-src` blocks
            // it, a format the browser lacks) rejects the promise: caught
            // here, not left as an uncaught error in the console; the
            // element shows its poster and controls as it is.
            if let Ok(p) = m.play() {
                let ignore = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(|_| {});
                let _ = p.catch(&ignore);
                ignore.forget();
            }
        }
    });
}

/// Pauses every video and audio while the page is hidden.
pub fn pause_when_hidden() {
    let hidden = Closure::<dyn FnMut()>::new(|| {
        if window().document().is_some_and(|d| d.hidden()) {
            each("video, audio", |m| m.pause().unwrap_or(()));
        }
    });
    if let Some(doc) = window().document() {
        let _ = doc
            .add_event_listener_with_callback("visibilitychange", hidden.as_ref().unchecked_ref());
    }
    hidden.forget();
}
