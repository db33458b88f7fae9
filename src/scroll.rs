//! Which step is active, derived from the scroll position.
//!
//! Scroll events (the browser sends at most one per frame, also after a
//! jump: a scrollbar drag, a search hit, `scrollTo`), resizes and an
//! IntersectionObserver (layout that moves without scrolling, e.g. an
//! image arriving) tell us *when* to look; *which* step is active is then
//! computed from the steps' positions, never from the order of events, so
//! fast scrolling or jumping cannot skip or reorder steps.
//!
//! The observer alone is not enough: Chromium does not report every target
//! that starts or stops crossing a thin band after a long jump (a jump from
//! the top to 83 % of the page reported nothing), so the map stayed on the
//! first step until the next crossing it did report.

use crate::platform::window;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, IntersectionObserver, IntersectionObserverInit};

/// The reading line, as a fraction of the viewport height from the top.
const READING_LINE: f64 = 0.5;

/// The index of the step under the reading line: the last step whose top
/// edge is above it (the first step before any has reached it).
pub fn active_step_index(steps_root: &Element) -> Option<usize> {
    let steps = steps_root.query_selector_all(".ts-step").ok()?;
    if steps.length() == 0 {
        return None;
    }
    // Of the host page's window when the story is embedded (`embed.rs`).
    let line = crate::embed::reading_line(READING_LINE);
    let mut active = 0;
    for i in 0..steps.length() {
        if let Some(el) = steps.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            if el.get_bounding_client_rect().top() <= line {
                active = i as usize;
            }
        }
    }
    Some(active)
}

/// Watches the steps below `steps_root` and keeps `active` up to date.
pub fn watch_active_step(steps_root: Element, active: WriteSignal<Option<usize>>) {
    let last = std::rc::Rc::new(std::cell::Cell::new(None::<usize>));
    let update = {
        let root = steps_root.clone();
        move || {
            let now = active_step_index(&root);
            if last.replace(now) != now {
                active.set(now);
            }
        }
    };
    update();
    let on_cross = {
        let update = update.clone();
        Closure::<dyn FnMut(js_sys::Array, IntersectionObserver)>::new(
            move |_: js_sys::Array, _: IntersectionObserver| update(),
        )
    };
    let opts = IntersectionObserverInit::new();
    // A thin band around the reading line: a step entering or leaving it
    // is exactly a change of the active step.
    opts.set_root_margin("-49% 0px -50% 0px");
    if let Ok(observer) =
        IntersectionObserver::new_with_options(on_cross.as_ref().unchecked_ref(), &opts)
    {
        if let Ok(steps) = steps_root.query_selector_all(".ts-step") {
            for i in 0..steps.length() {
                if let Some(el) = steps.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    observer.observe(&el);
                }
            }
        }
        // The observer lives as long as the page.
        std::mem::forget(observer);
    }
    on_cross.forget();
    // Every scroll, however far (one event per frame at most), and
    // resizing, which moves the steps without crossing events in some
    // browsers. Passive: the page never waits for us to scroll.
    let on_move = Closure::<dyn FnMut()>::new(update);
    let passive = web_sys::AddEventListenerOptions::new();
    passive.set_passive(true);
    for event in ["scroll", "resize"] {
        let _ = window().add_event_listener_with_callback_and_add_event_listener_options(
            event,
            on_move.as_ref().unchecked_ref(),
            &passive,
        );
    }
    on_move.forget();
}
