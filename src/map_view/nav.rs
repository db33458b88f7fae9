//! The reader moving the map, in stories with `interactive: true`:
//! cooperative gestures as embedded web maps have them. A mouse drag pans,
//! Ctrl/⌘ + wheel zooms about the cursor (a plain wheel keeps scrolling the
//! page), double-click zooms in, two fingers pan, pinch and twist (one finger
//! keeps scrolling) or, side by side, slide up and down to tilt, Ctrl or
//! Shift + drag turns and tilts, `+` / `−`, Shift +
//! arrow keys, `,` / `.` (turn) and Page Up / Page Down (tilt) on the focused map, and
//! buttons: zoom in, zoom out, back to the step's view.
//!
//! The maths is in the pure core (`twinstory_map::navigate`, `Playback::
//! pan_by` / `zoom_by` / `hand_back`); this file only reads events. Nothing
//! here is installed when no step is interactive.

use super::{request_frame, MapHandle, MapState};
use crate::platform::{now_ms, window};
use std::time::Duration;
use twinstory_map::navigate::{
    wheel_zoom_delta, NavLimits, TwoFingerMove, TwoFingers, TURN_PER_PX,
};
use twinstory_model::decimal::Fixed;
use twinstory_model::strings::Lang;
use twinstory_scene::PlaybackOptions;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{
    AddEventListenerOptions, Element, HtmlCanvasElement, HtmlElement, KeyboardEvent, PointerEvent,
    TouchEvent, WheelEvent,
};

/// How long a hint stays, in ms.
const HINT_MS: f64 = 1800.0;
/// A wheel or one-finger scroll this soon after the reader used the map
/// (ms) shows the hint again; otherwise it shows once per page.
const ENGAGED_MS: f64 = 4000.0;
/// Pan step of Shift + arrow keys, in CSS px.
const KEY_PAN: f64 = 100.0;
/// Turn step of `,` and `.`, in degrees.
const KEY_TURN: f64 = 15.0;
/// Tilt step of Page Up and Page Down, in degrees.
const KEY_TILT: f64 = 10.0;

/// What the navigation needs between events.
#[derive(Default)]
pub(super) struct NavState {
    /// Listeners are installed (some step is interactive).
    installed: bool,
    /// A mouse drag: pointer id and last position (client px).
    drag: Option<(i32, [f64; 2])>,
    /// The drag turns and tilts (Ctrl or Shift held) instead of panning.
    turning: bool,
    /// A two-finger gesture (the pure core tells a tilt from a move).
    fingers: Option<TwoFingers>,
    /// Where a one-finger touch started (client px), for the hint.
    touch_start: Option<[f64; 2]>,
    /// The map element (`.ts-map`), which gets `is-interactive`.
    map_el: Option<Element>,
    controls: Option<HtmlElement>,
    reset: Option<HtmlElement>,
    hint: Option<HtmlElement>,
    /// When the hint goes away (ms).
    hint_until: f64,
    /// The hint has been shown on this page.
    hinted: bool,
    /// When the reader last used the map (ms).
    engaged_at: f64,
    /// (controls shown, reset shown) as last written to the page.
    shown: Option<(bool, bool)>,
    lang: Lang,
    mac: bool,
}

impl MapState {
    /// Whether the active step lets the reader move the map.
    fn nav_enabled(&self) -> bool {
        self.nav.installed
            && self
                .playback
                .active()
                .is_some_and(|i| self.scene.story.interactive_at(i))
    }

    fn nav_limits(&self) -> NavLimits {
        self.scene.nav_limits(&self.viewport, &self.padding)
    }

    /// The middle of the part of the map the text leaves free (CSS px):
    /// buttons and keys zoom about it, the hint sits there.
    fn free_middle(&self) -> [f64; 2] {
        let (p, vp) = (&self.padding, &self.viewport);
        [
            (p.left + vp.width - p.right) / 2.0,
            (p.top + vp.height - p.bottom) / 2.0,
        ]
    }

    /// Shows or hides the buttons for the frame just drawn (only writes to
    /// the page when something changed).
    pub(super) fn sync_nav(&mut self) {
        if !self.nav.installed {
            return;
        }
        let enabled = self.nav_enabled();
        let state = (enabled, enabled && self.playback.user_moved());
        if self.nav.shown == Some(state) {
            return;
        }
        self.nav.shown = Some(state);
        // A button about to hide must not take the keyboard focus with it.
        let focused = crate::platform::active_element();
        let hides = |el: &Option<HtmlElement>, show: bool| {
            !show
                && el
                    .as_ref()
                    .zip(focused.as_ref())
                    .is_some_and(|(e, f)| e.contains(Some(f)))
        };
        if hides(&self.nav.controls, state.0) || hides(&self.nav.reset, state.1) {
            if let Some(c) = &self.canvas {
                let _ = c.focus();
            }
        }
        if let Some(c) = &self.nav.controls {
            c.set_hidden(!state.0);
        }
        if let Some(r) = &self.nav.reset {
            r.set_hidden(!state.1);
        }
        if let Some(m) = &self.nav.map_el {
            let _ = m.class_list().toggle_with_force("is-interactive", enabled);
        }
        if !enabled {
            self.nav.drag = None;
            self.nav.fingers = None;
            self.hide_hint();
        }
    }

    /// Turns by `bearing` and tilts by `pitch` degrees.
    fn turn(&mut self, bearing: f64, pitch: f64) {
        let limits = self.nav_limits();
        self.nav.engaged_at = now_ms();
        self.playback.turn_by(bearing, pitch, &limits, now_ms());
    }

    fn fingers(&mut self, m: &TwoFingerMove) {
        let limits = self.nav_limits();
        self.nav.engaged_at = now_ms();
        self.playback.fingers(m, &self.viewport, &limits, now_ms());
    }

    fn pan(&mut self, delta: [f64; 2]) {
        let limits = self.nav_limits();
        self.nav.engaged_at = now_ms();
        self.playback
            .pan_by(delta, &self.viewport, &limits, now_ms());
    }

    /// Zooms by `levels` about `at` (CSS px of the map); `eased` for wheel,
    /// buttons and keys, not for fingers (which the map must follow).
    fn zoom(&mut self, levels: f64, at: [f64; 2], eased: bool) {
        let limits = self.nav_limits();
        self.nav.engaged_at = now_ms();
        let opts = if eased {
            self.opts.clone()
        } else {
            PlaybackOptions {
                zoom_ms: 0.0,
                ..self.opts.clone()
            }
        };
        self.playback
            .zoom_by(levels, at, &self.viewport, &limits, now_ms(), &opts);
    }

    /// Shows a hint: `always`, or once per page, or again while the reader
    /// is using the map (a plain wheel right after a drag).
    fn hint(&mut self, text: &str, always: bool) -> bool {
        let now = now_ms();
        if !(always || !self.nav.hinted || now - self.nav.engaged_at < ENGAGED_MS) {
            return false;
        }
        let Some(el) = &self.nav.hint else {
            return false;
        };
        self.nav.hinted = true;
        self.nav.hint_until = now + HINT_MS;
        if el.text_content().as_deref() != Some(text) {
            el.set_text_content(Some(text));
        }
        let [x, y] = self.free_middle();
        let style = el.style();
        let _ = style.set_property("left", &format!("{}px", Fixed(x, 0)));
        let _ = style.set_property("top", &format!("{}px", Fixed(y, 0)));
        el.set_class_name("ts-nav-hint is-shown");
        true
    }

    fn hide_hint(&self) {
        if let Some(el) = &self.nav.hint {
            el.set_class_name("ts-nav-hint");
        }
    }

    fn wheel_hint(&self) -> &'static str {
        let t = self.nav.lang.strings();
        if self.nav.mac {
            t.wheel_hint_mac
        } else {
            t.wheel_hint
        }
    }

    fn touch_hint(&self) -> &'static str {
        self.nav.lang.strings().touch_hint
    }

    /// `+`, `-` and Shift + arrow keys on the focused map. Returns whether
    /// the key was used. Plain arrow keys stay with the tooltips.
    fn nav_key(&mut self, k: &KeyboardEvent) -> bool {
        if !self.nav_enabled() || k.ctrl_key() || k.meta_key() || k.alt_key() {
            return false;
        }
        let at = self.free_middle();
        let pan = match (k.key().as_str(), k.shift_key()) {
            ("+" | "=", _) => {
                self.zoom(1.0, at, true);
                return true;
            }
            ("-" | "_", _) => {
                self.zoom(-1.0, at, true);
                return true;
            }
            // Turn (`,` `.`) and tilt (Page Up / Page Down) by steps.
            ("," | "." | "PageUp" | "PageDown", _) => {
                let (b, p) = match k.key().as_str() {
                    "," => (-KEY_TURN, 0.0),
                    "." => (KEY_TURN, 0.0),
                    "PageUp" => (0.0, KEY_TILT),
                    _ => (0.0, -KEY_TILT),
                };
                self.turn(b, p);
                return true;
            }
            // Arrows say where to look: the map moves the other way.
            ("ArrowLeft", true) => [KEY_PAN, 0.0],
            ("ArrowRight", true) => [-KEY_PAN, 0.0],
            ("ArrowUp", true) => [0.0, KEY_PAN],
            ("ArrowDown", true) => [0.0, -KEY_PAN],
            _ => return false,
        };
        self.pan(pan);
        true
    }
}

/// Installs free pan and zoom on the map canvas: the listeners, the
/// button group (`.ts-nav`), the hint (`.ts-nav-hint`) and a key help that
/// the canvas' `aria-describedby` gains. `lang` picks the language.
pub fn listen_for_navigation(state: &MapHandle, canvas: &HtmlCanvasElement, lang: Lang) {
    let Some(parent) = canvas.parent_element() else {
        return;
    };
    let Some(doc) = parent.owner_document() else {
        return;
    };
    let make = |tag: &str, class: &str, text: &str| -> Option<HtmlElement> {
        let el: HtmlElement = doc.create_element(tag).ok()?.dyn_into().ok()?;
        el.set_class_name(class);
        if !text.is_empty() {
            el.set_text_content(Some(text));
        }
        Some(el)
    };
    let t = lang.strings();
    // Keys: a second description next to the tooltips' one.
    if let Some(p) = make("p", "ts-sr-only", t.nav_help) {
        p.set_id("ts-map-nav-help");
        let _ = parent.append_child(&p);
        let described = canvas.get_attribute("aria-describedby").unwrap_or_default();
        let _ = canvas.set_attribute(
            "aria-describedby",
            format!("{described} ts-map-nav-help").trim(),
        );
    }
    let controls = make("div", "ts-nav", "");
    if let Some(c) = &controls {
        let _ = c.set_attribute("role", "group");
        let _ = c.set_attribute("aria-label", t.nav_group);
        c.set_hidden(true);
        for (action, glyph, label, key) in
            [("in", "+", t.zoom_in, "+"), ("out", "−", t.zoom_out, "−")]
        {
            if let Some(b) = make("button", "ts-nav-zoom", glyph) {
                let _ = b.set_attribute("type", "button");
                let _ = b.set_attribute("data-nav", action);
                let _ = b.set_attribute("aria-label", label);
                b.set_title(&format!("{label} ({key})"));
                let _ = c.append_child(&b);
            }
        }
        // Right after the map in the focus order, before the legend.
        let _ = parent.insert_before(c, canvas.next_sibling().as_ref());
    }
    let reset = make("button", "ts-nav-reset", t.nav_reset);
    if let (Some(c), Some(r)) = (&controls, &reset) {
        let _ = r.set_attribute("type", "button");
        let _ = r.set_attribute("data-nav", "reset");
        r.set_hidden(true);
        let _ = c.append_child(r);
    }
    let hint = make("div", "ts-nav-hint", "");
    if let Some(h) = &hint {
        let _ = h.set_attribute("aria-hidden", "true");
        let _ = parent.append_child(h);
    }
    let mac = window()
        .navigator()
        .platform()
        .is_ok_and(|p| p.starts_with("Mac"));
    {
        let mut s = state.borrow_mut();
        s.nav = NavState {
            installed: true,
            map_el: Some(parent.clone()),
            controls: controls.clone(),
            reset,
            hint,
            lang,
            mac,
            ..NavState::default()
        };
        s.sync_nav();
    }

    // The buttons: one listener on the group.
    if let Some(c) = &controls {
        let st = state.clone();
        let cv = canvas.clone();
        let click = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let Some(button) = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|e| e.closest("[data-nav]").ok().flatten())
            else {
                return;
            };
            {
                let mut s = st.borrow_mut();
                if !s.nav_enabled() {
                    return;
                }
                let at = s.free_middle();
                match button.get_attribute("data-nav").as_deref() {
                    Some("in") => s.zoom(1.0, at, true),
                    Some("out") => s.zoom(-1.0, at, true),
                    Some("reset") => {
                        // The button hides now: keep keyboard focus on the map.
                        let _ = cv.focus();
                        let (vp, opts) = (s.viewport, s.opts.clone());
                        s.playback.hand_back(&vp, now_ms(), &opts);
                    }
                    _ => return,
                }
            }
            request_frame(&st);
        });
        let _ = c.add_event_listener_with_callback("click", click.as_ref().unchecked_ref());
        click.forget();
    }

    // Keys: caught on the way down (capture on the map element), so that
    // Shift + arrows never reach the tooltips' arrow keys.
    {
        let st = state.clone();
        let cv = canvas.clone();
        let keys = Closure::<dyn FnMut(KeyboardEvent)>::new(move |k: KeyboardEvent| {
            let on_canvas = k
                .target()
                .and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok())
                .is_some_and(|t| t == cv);
            if on_canvas && st.borrow_mut().nav_key(&k) {
                k.prevent_default();
                k.stop_propagation();
                request_frame(&st);
            }
        });
        let _ = parent.add_event_listener_with_callback_and_bool(
            "keydown",
            keys.as_ref().unchecked_ref(),
            true,
        );
        keys.forget();
    }

    // Pointer, wheel and touch on the canvas: one closure. Wheel and
    // touchmove are not passive: Ctrl + wheel and two fingers must not zoom
    // or scroll the page. Everything else is left to the browser.
    let st = state.clone();
    let cv = canvas.clone();
    let handler = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let rect = cv.get_bounding_client_rect();
        let local = |x: f64, y: f64| [x - rect.left(), y - rect.top()];
        let hint_before = st.borrow().nav.hint_until;
        let redraw = {
            let mut s = st.borrow_mut();
            if !s.nav_enabled() {
                return;
            }
            let kind = ev.type_();
            if let Some(w) = ev.dyn_ref::<WheelEvent>() {
                if w.ctrl_key() || w.meta_key() {
                    ev.prevent_default();
                    s.hide_hint();
                    let scale = match w.delta_mode() {
                        1 => 40.0,  // lines
                        2 => 800.0, // pages
                        _ => 1.0,
                    };
                    let at = local(w.client_x() as f64, w.client_y() as f64);
                    s.zoom(wheel_zoom_delta(w.delta_y() * scale), at, true);
                    true
                } else {
                    let text = s.wheel_hint();
                    s.hint(text, false);
                    false
                }
            } else if let Some(p) = ev.dyn_ref::<PointerEvent>() {
                let at = [p.client_x() as f64, p.client_y() as f64];
                let mouse = p.pointer_type() != "touch";
                match kind.as_str() {
                    "pointerdown" if mouse && p.button() == 0 => {
                        let _ = cv.set_pointer_capture(p.pointer_id());
                        s.nav.drag = Some((p.pointer_id(), at));
                        s.nav.turning = p.ctrl_key() || p.shift_key();
                        s.nav.engaged_at = now_ms();
                        let _ = cv.class_list().add_1("is-dragging");
                        false
                    }
                    "pointerdown" => {
                        s.nav.engaged_at = now_ms();
                        false
                    }
                    "pointermove" => match s.nav.drag {
                        Some((id, last)) if id == p.pointer_id() => {
                            s.nav.drag = Some((id, at));
                            s.hide_hint();
                            let d = [at[0] - last[0], at[1] - last[1]];
                            if s.nav.turning {
                                // Sideways turns, upwards tilts further.
                                s.turn(d[0] * TURN_PER_PX, -d[1] * TURN_PER_PX);
                            } else {
                                s.pan(d);
                            }
                            true
                        }
                        _ => false,
                    },
                    _ => {
                        // pointerup, pointercancel
                        if s.nav.drag.is_some_and(|(id, _)| id == p.pointer_id()) {
                            s.nav.drag = None;
                            let _ = cv.release_pointer_capture(p.pointer_id());
                            let _ = cv.class_list().remove_1("is-dragging");
                        }
                        false
                    }
                }
            } else if let Some(m) = ev.dyn_ref::<web_sys::MouseEvent>() {
                // dblclick: in about the cursor, Shift: out.
                ev.prevent_default();
                let at = local(m.client_x() as f64, m.client_y() as f64);
                s.zoom(if m.shift_key() { -1.0 } else { 1.0 }, at, true);
                true
            } else if let Some(te) = ev.dyn_ref::<TouchEvent>() {
                let touches = te.touches();
                let point = |i: u32| {
                    touches
                        .get(i)
                        .map(|t| [t.client_x() as f64, t.client_y() as f64])
                };
                match (touches.length(), point(0), point(1)) {
                    (2.., Some(a), Some(b)) => {
                        if kind == "touchmove" && te.cancelable() {
                            ev.prevent_default();
                        }
                        s.hide_hint();
                        s.nav.touch_start = None;
                        let (a, b) = (local(a[0], a[1]), local(b[0], b[1]));
                        match s.nav.fingers.as_mut() {
                            Some(f) if kind == "touchmove" => match f.moved(a, b) {
                                Some(m) => {
                                    s.fingers(&m);
                                    true
                                }
                                None => false,
                            },
                            // Down, or a finger more or less: a new gesture.
                            _ => {
                                s.nav.fingers = Some(TwoFingers::new(a, b));
                                false
                            }
                        }
                    }
                    (1, Some(a), _) => {
                        s.nav.fingers = None;
                        match (kind.as_str(), s.nav.touch_start) {
                            ("touchstart", _) => {
                                s.nav.touch_start = Some(a);
                                false
                            }
                            ("touchmove", Some(start)) => {
                                let (dx, dy) = ((a[0] - start[0]).abs(), (a[1] - start[1]).abs());
                                let text = s.touch_hint();
                                // Sideways can only mean the map; up and
                                // down is reading on, so hint sparingly.
                                if dx > 24.0 && dx > 2.0 * dy {
                                    s.nav.touch_start = None;
                                    s.hint(text, true);
                                } else if dy > 24.0 {
                                    s.nav.touch_start = None;
                                    s.hint(text, false);
                                }
                                false
                            }
                            _ => false,
                        }
                    }
                    _ => {
                        s.nav.fingers = None;
                        s.nav.touch_start = None;
                        false
                    }
                }
            } else {
                false
            }
        };
        if redraw {
            request_frame(&st);
        }
        if st.borrow().nav.hint_until != hint_before {
            schedule_hint_end(&st);
        }
    });
    let active = AddEventListenerOptions::new();
    active.set_passive(false);
    for name in ["wheel", "touchmove"] {
        let _ = canvas.add_event_listener_with_callback_and_add_event_listener_options(
            name,
            handler.as_ref().unchecked_ref(),
            &active,
        );
    }
    // Never in the way of a one-finger scroll starting.
    let passive = AddEventListenerOptions::new();
    passive.set_passive(true);
    let _ = canvas.add_event_listener_with_callback_and_add_event_listener_options(
        "touchstart",
        handler.as_ref().unchecked_ref(),
        &passive,
    );
    for name in [
        "pointerdown",
        "pointermove",
        "pointerup",
        "pointercancel",
        "dblclick",
        "touchend",
        "touchcancel",
    ] {
        let _ = canvas.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
    }
    handler.forget();
}

/// Hides the hint when its time is up (checked again if it was extended).
fn schedule_hint_end(state: &MapHandle) {
    let until = state.borrow().nav.hint_until;
    let wait = until - now_ms();
    if wait <= 0.0 {
        return;
    }
    let st = state.clone();
    leptos::prelude::set_timeout(
        move || {
            let s = st.borrow();
            if now_ms() >= s.nav.hint_until - 1.0 {
                s.hide_hint();
            }
        },
        Duration::from_millis(wait.ceil() as u64 + 1),
    );
}
