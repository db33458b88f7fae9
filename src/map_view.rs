//! The map: a canvas showing frames painted by the pure core.

mod nav;
pub use nav::listen_for_navigation;

use crate::labels::LabelOverlay;
use crate::platform::{device_pixel_ratio, now_ms, prefers_reduced_motion, put_pixels};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use twinstory_map::{DrawList, Framebuffer, Padding, Viewport};
use twinstory_model::decimal::{Fixed, Shortest};
use twinstory_model::strings::Lang;
use twinstory_scene::{
    on_the_way_to_tooltip, Direction, MotionResolution, Playback, PlaybackOptions, Scene, Tooltip,
};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlCanvasElement, HtmlElement, KeyboardEvent, PointerEvent};

/// Everything the map needs between frames.
pub struct MapState {
    /// The story and its loaded layers.
    pub scene: Scene,
    playback: Playback,
    list: DrawList,
    fb: Framebuffer,
    viewport: Viewport,
    padding: Padding,
    opts: PlaybackOptions,
    canvas: Option<HtmlCanvasElement>,
    frame_pending: bool,
    frames: u32,
    tips: TooltipState,
    /// Free pan and zoom (`interactive` stories; see `nav.rs`).
    nav: nav::NavState,
    /// The feature labels over the canvas (made when it is attached).
    labels: Option<LabelOverlay>,
    /// Raster tiles under the canvas, when the story has a basemap: the
    /// basemap module's number for this map and its update function,
    /// once the module is loaded.
    basemap: Option<(JsValue, js_sys::Function)>,
    /// The device pixel ratio of frames drawn while the camera moves.
    resolution: MotionResolution,
    /// The second picture of a compare step (empty in other steps).
    scratch: Framebuffer,
    /// A compare step's divider (`<input type=range>`) in its box, made
    /// only for stories with a compare step (`listen_for_compare`).
    compare: Option<(HtmlElement, HtmlElement)>,
}

/// Tooltip state of the map: the pointer, the keyboard focus and the two
/// elements that show them.
#[derive(Default)]
struct TooltipState {
    /// The mouse position over the map (CSS px), while it hovers.
    pointer: Option<[f64; 2]>,
    hit_pending: bool,
    /// Where and when a finger touched the map: a tap if it lifts soon,
    /// close by, and the browser did not take the touch for scrolling.
    tap: Option<([f64; 2], f64)>,
    /// The feature keyboard navigation is on: (layer, feature).
    focused: Option<(usize, u32)>,
    /// The hover tooltip shown: (layer, feature, anchor), so a pointer on
    /// its way to the box keeps it and Escape knows what it dismissed.
    hovered: Cell<Option<(usize, u32, [f64; 2])>>,
    /// The hover tooltip Escape closed: it stays closed while the pointer
    /// stays on that feature.
    dismissed: Option<(usize, u32)>,
    /// The box near the pointer (text only, hidden from screen readers).
    tooltip: Option<HtmlElement>,
    /// The polite live region that reads keyboard steps aloud.
    live: Option<HtmlElement>,
    /// The language of its messages.
    lang: Lang,
}

/// Hit tolerance around points and lines for a mouse, in CSS px.
const MOUSE_TOLERANCE: f64 = 3.0;
/// Hit tolerance for a finger, in CSS px (also how far a tap may move).
const TOUCH_TOLERANCE: f64 = 10.0;
/// Longest touch that still counts as a tap, in ms.
const TAP_MS: f64 = 600.0;

/// Shared handle to the map state.
pub type MapHandle = Rc<RefCell<MapState>>;

impl MapState {
    /// A map for this scene, not yet attached to a canvas.
    pub fn new(scene: Scene) -> MapHandle {
        let mut opts = PlaybackOptions::default();
        opts.flight.reduced_motion = prefers_reduced_motion();
        let playback = Playback::new(&scene);
        Rc::new(RefCell::new(Self {
            scene,
            playback,
            list: DrawList::new(),
            fb: Framebuffer::new(1, 1),
            viewport: Viewport {
                width: 1.0,
                height: 1.0,
                dpr: 1.0,
            },
            padding: Padding::default(),
            opts,
            canvas: None,
            frame_pending: false,
            frames: 0,
            tips: TooltipState::default(),
            nav: nav::NavState::default(),
            labels: None,
            basemap: None,
            resolution: MotionResolution::default(),
            scratch: Framebuffer::default(),
            compare: None,
        }))
    }

    /// The tooltip of what is drawn at `at` (CSS px of the map).
    fn tooltip_at(&self, at: [f64; 2], tolerance: f64) -> Option<Tooltip> {
        self.scene
            .tooltip_at_drawn(&self.playback, &self.viewport, &self.list, at, tolerance)
    }

    /// Shows a tooltip beside its anchor, on the side that keeps it inside
    /// the map, or hides it. The text goes in as text, never as HTML.
    /// `marked` draws a ring on the anchor: keyboard focus has no pointer
    /// to show which feature the text belongs to.
    fn show(&self, tooltip: Option<&Tooltip>, marked: bool) {
        let Some(el) = &self.tips.tooltip else { return };
        let Some(t) = tooltip else {
            el.set_hidden(true);
            self.tips.hovered.set(None);
            return;
        };
        self.tips
            .hovered
            .set((!marked).then_some((t.layer, t.feature, t.anchor)));
        let [x, y] = t.anchor;
        // The box sits 12 px beside the anchor; the ring goes on the anchor.
        let (tx, ax) = if x > self.viewport.width - 260.0 {
            ("calc(-100% - 12px)", "calc(100% + 12px)")
        } else {
            ("12px", "-12px")
        };
        let (ty, ay) = if y < 90.0 {
            ("16px", "-16px")
        } else {
            ("calc(-100% - 12px)", "calc(100% + 12px)")
        };
        if el.text_content().as_deref() != Some(t.text.as_str()) {
            el.set_text_content(Some(&t.text));
        }
        el.set_class_name(if marked {
            "ts-tooltip is-marked"
        } else {
            "ts-tooltip"
        });
        // The CSS object model, not a `style` attribute: a strict
        // Content-Security-Policy allows it.
        let style = el.style();
        for (name, value) in [
            ("left", format!("{}px", Fixed(x, 1))),
            ("top", format!("{}px", Fixed(y, 1))),
            ("transform", format!("translate({tx},{ty})")),
            ("--ts-ax", ax.to_string()),
            ("--ts-ay", ay.to_string()),
        ] {
            let _ = style.set_property(name, &value);
        }
        el.set_hidden(false);
    }

    fn announce(&self, text: &str) {
        if let Some(el) = &self.tips.live {
            el.set_text_content(Some(text));
        }
    }

    /// An arrow key or Escape on the focused map. Returns whether the key
    /// was used (then the page must not scroll with it).
    fn key(&mut self, key: &str) -> bool {
        let direction = match key {
            "ArrowLeft" => Direction::Left,
            "ArrowRight" => Direction::Right,
            "ArrowUp" => Direction::Up,
            "ArrowDown" => Direction::Down,
            "Escape" => {
                self.tips.focused = None;
                self.show(None, false);
                self.announce("");
                return false;
            }
            _ => return false,
        };
        let (p, vp) = (&self.padding, &self.viewport);
        // Start in the middle of the part of the map the text leaves free.
        let start = [
            (p.left + vp.width - p.right) / 2.0,
            (p.top + vp.height - p.bottom) / 2.0,
        ];
        let next = self
            .scene
            .tooltip_step(&self.playback, vp, self.tips.focused, start, direction);
        match next {
            Some(t) => {
                self.tips.focused = Some((t.layer, t.feature));
                self.show(Some(&t), true);
                self.announce(&t.text);
                true
            }
            // Nothing further that way: stay on the current feature.
            None if self.tips.focused.is_some() => true,
            None => {
                self.announce(self.tips.lang.strings().map_nothing_to_select);
                false
            }
        }
    }

    /// Marks the feature a chart's bar or table row stands for (pointer
    /// on it, or keyboard focus; `None`: it left): the ring and tooltip
    /// that keyboard focus on the map shows, and `data-marked`
    /// (`layer:feature`) on the canvas. Nothing when the step does not
    /// draw the feature.
    fn mark(&mut self, item: Option<(String, u32)>) {
        let tip = item.as_ref().and_then(|(layer, f)| {
            let i = self.scene.layer_index(layer)?;
            self.scene
                .feature_tooltip(&self.playback, &self.viewport, i, *f)
        });
        self.tips.focused = tip.as_ref().map(|t| (t.layer, t.feature));
        self.show(tip.as_ref(), true);
        if let (Some(c), Some((layer, f))) = (&self.canvas, item.filter(|_| tip.is_some())) {
            let _ = c.set_attribute("data-marked", &format!("{layer}:{f}"));
        } else if let Some(c) = &self.canvas {
            let _ = c.remove_attribute("data-marked");
        }
    }

    /// Attaches the canvas and measures it.
    pub fn attach(&mut self, canvas: HtmlCanvasElement) {
        self.canvas = Some(canvas);
    }

    /// Places and shows this frame's feature labels.
    fn draw_labels(&mut self, moving: bool) {
        // The overlay is made for the first frame whose step draws a layer
        // with labels: stories without them never pay for its per-frame
        // layout reads, and a first step without them is not held up by
        // the style it reads (its font) while the page is still being made.
        if self.labels.is_none() {
            let story = &self.scene.story;
            let labelled = self.playback.active().is_some_and(|s| {
                (0..story.layers.len())
                    .any(|l| story.layers[l].style.label.is_some() && story.step_draws(s, l))
            });
            if labelled {
                self.labels = self.canvas.as_ref().and_then(LabelOverlay::new);
            }
        }
        if let Some(labels) = &mut self.labels {
            labels.update(
                moving,
                &self.scene,
                &self.playback,
                &self.viewport,
                &self.padding,
            );
        }
    }

    /// Re-measures the canvas and the text column (after resize or zoom).
    pub fn measure(&mut self, card: Option<Element>) {
        self.frame_by(card);
        let now = now_ms();
        self.playback
            .refresh(&self.scene, &self.viewport, &self.padding, now, &self.opts);
        self.sync_compare();
    }

    /// Measures the map and the free part beside `card` (the active step's:
    /// the layouts put cards on either side or in the middle), for the
    /// next step's target; what is shown now is left as it is.
    pub fn frame_by(&mut self, card: Option<Element>) {
        let Some(canvas) = &self.canvas else { return };
        let rect = canvas.get_bounding_client_rect();
        let (w, h) = (rect.width().max(1.0), rect.height().max(1.0));
        self.viewport = Viewport {
            width: w,
            height: h,
            dpr: device_pixel_ratio(),
        };
        // On narrow or low windows the map takes the upper part of the
        // window and the cards scroll below it (the stylesheet's stacked
        // layout): nothing covers the map.
        let stacked = crate::platform::window()
            .inner_height()
            .ok()
            .and_then(|v| v.as_f64())
            .is_some_and(|wh| h < wh * 0.8);
        self.padding = if stacked {
            Padding::uniform(16.0)
        } else {
            padding_for(w, h, card, rect.left())
        };
    }

    /// The world-unit box the map shows at `step`'s view (for its tables).
    pub fn step_view(&self, step: usize) -> [f64; 4] {
        let target = self.scene.target(step, &self.viewport, &self.padding);
        twinstory_scene::view_bounds(&target.camera, &self.viewport)
    }

    /// Makes a step active.
    pub fn go_to(&mut self, step: usize) {
        if self.tips.pointer.is_none() && self.playback.active() != Some(step) {
            // A tapped or keyboard tooltip belongs to the old step's map.
            self.show(None, false);
        }
        let now = now_ms();
        self.playback.go_to(
            &self.scene,
            step,
            &self.viewport,
            &self.padding,
            now,
            &self.opts,
        );
        self.sync_compare();
    }

    /// Shows the divider and the sides' labels in a compare step (hides
    /// them in others) and puts the divider where the playback has it.
    fn sync_compare(&self) {
        let Some((boxed, input)) = &self.compare else {
            return;
        };
        let c = self
            .playback
            .active()
            .and_then(|i| self.scene.story.steps.get(i)?.compare.as_ref())
            .filter(|_| self.playback.comparing());
        boxed.set_hidden(c.is_none());
        let Some(c) = c else { return };
        let narrow = self.viewport.width <= twinstory_model::NARROW_MAP_WIDTH;
        let share = if narrow {
            50.0
        } else {
            (self.playback.divider() * 100.0).round()
        };
        let _ = boxed.set_attribute("data-before", &c.before_label);
        let _ = boxed.set_attribute("data-after", &c.after_label);
        let _ = boxed.class_list().toggle_with_force("is-narrow", narrow);
        let _ = boxed
            .style()
            .set_property("--ts-divider", &format!("{}%", Shortest(share)));
        let _ = input.set_attribute(
            "aria-label",
            &(self.tips.lang.strings().compare_divider)(&c.before_label, &c.after_label),
        );
        let _ = js_sys::Reflect::set(
            input,
            &JsValue::from_str("valueAsNumber"),
            &JsValue::from_f64(share),
        );
    }

    /// The step the map shows or flies to.
    pub fn active(&self) -> Option<usize> {
        self.playback.active()
    }

    /// Re-targets after layer data arrived.
    pub fn data_changed(&mut self) {
        self.playback.refresh(
            &self.scene,
            &self.viewport,
            &self.padding,
            now_ms(),
            &self.opts,
        );
    }

    /// Shows the tooltip of what is under the hovering mouse, if it hovers;
    /// keeps the shown one while the mouse is on its way to it, and one
    /// Escape closed while the mouse stays on its feature.
    fn hover_hit(&mut self) {
        let Some(p) = self.tips.pointer else { return };
        if let (Some((_, _, anchor)), Some(el), Some(canvas)) =
            (self.tips.hovered.get(), &self.tips.tooltip, &self.canvas)
        {
            let (b, c) = (
                el.get_bounding_client_rect(),
                canvas.get_bounding_client_rect(),
            );
            let (x, y) = (b.left() - c.left(), b.top() - c.top());
            if on_the_way_to_tooltip(anchor, [x, y, x + b.width(), y + b.height()], p) {
                return;
            }
        }
        let t = self.tooltip_at(p, MOUSE_TOLERANCE);
        let key = t.as_ref().map(|t| (t.layer, t.feature));
        if key.is_none() || key != self.tips.dismissed {
            self.tips.dismissed = None;
            self.show(t.as_ref(), false);
        }
    }

    /// Paints one frame; returns true while an animation is running.
    fn draw(&mut self) -> bool {
        let Some(canvas) = self.canvas.clone() else {
            return false;
        };
        let now = now_ms();
        let moving = self.playback.tick(now);
        // Before the first step the camera is a placeholder: no tiles yet.
        if let Some((map, update)) = self
            .basemap
            .as_ref()
            .filter(|_| self.playback.active().is_some())
        {
            let c = self.playback.camera();
            let v = self.viewport;
            let args: js_sys::Array = [
                map.clone(),
                c.center[0].into(),
                c.center[1].into(),
                c.zoom.into(),
                c.bearing.into(),
                c.pitch.into(),
                v.width.into(),
                v.height.into(),
                v.dpr.into(),
            ]
            .iter()
            .collect();
            let _ = update.apply(&JsValue::NULL, &args);
        }
        // Moving frames may use fewer pixels (see MotionResolution); the
        // canvas' CSS size stays, so the browser scales them up. Everything
        // else (hits, labels, tiles) keeps the screen's own viewport.
        let full = self.viewport.dpr;
        let dpr = if moving {
            self.resolution.moving_dpr(full)
        } else {
            self.resolution.resting_dpr(full)
        };
        let vp = Viewport {
            dpr,
            ..self.viewport
        };
        let started = now_ms();
        self.playback.render_compare(
            &self.scene,
            &vp,
            &mut self.list,
            &mut self.fb,
            &mut self.scratch,
        );
        if let Err(e) = put_pixels(
            &canvas,
            self.fb.as_bytes(),
            self.fb.width(),
            self.fb.height(),
        ) {
            web_sys::console::warn_1(&JsValue::from_str(&e));
        }
        if moving {
            self.resolution.record(dpr, now_ms() - started, full);
        }
        self.draw_labels(moving);
        self.frames += 1;
        let cam = self.playback.camera();
        let _ = canvas.set_attribute(
            "data-camera",
            &format!(
                "{},{},{},{},{}",
                Fixed(cam.center[0], 6),
                Fixed(cam.center[1], 6),
                Fixed(cam.zoom, 4),
                Fixed(cam.bearing, 2),
                Fixed(cam.pitch, 2)
            ),
        );
        let _ = canvas.set_attribute("data-frames", &self.frames.to_string());
        let _ = canvas.set_attribute("data-moving", if moving { "true" } else { "false" });
        // The step this frame shows, written with the camera so that tests
        // and tools never see a new step beside an old frame.
        let active = self.playback.active();
        let step = active.map(|i| i.to_string());
        let _ = canvas.set_attribute("data-active-step", step.as_deref().unwrap_or(""));
        // Whether this frame shows its step complete (layers still loading
        // are missing from it): what "first step drawn" waits for.
        let waiting = active.map_or(0, |s| self.scene.step_loading(s));
        let _ = canvas.set_attribute("data-step-loading", &waiting.to_string());
        self.sync_nav();
        moving
    }
}

/// Listens to the pointer and the keyboard on the map canvas: mouse hover
/// (one hit test per animation frame), taps (shown on lifting), arrow keys and Escape. Nothing
/// calls `preventDefault` except used arrow keys, so wheel and touch keep
/// scrolling the story.
///
/// Adds the canvas' companions: the tooltip box (`.ts-tooltip`, hidden from
/// screen readers), the polite live region that reads keyboard steps
/// (`.ts-map-announce`) and the key help the canvas' `aria-describedby`
/// names (`#ts-map-help`). They are made here rather than in the view, which
/// keeps the wasm smaller; `lang` picks their language.
pub fn listen_for_tooltips(state: &MapHandle, canvas: &HtmlCanvasElement, lang: Lang) {
    let help = lang.strings().map_help;
    let add = |tag: &str, attrs: &[(&str, &str)]| -> Option<HtmlElement> {
        let parent = canvas.parent_element()?;
        let el: HtmlElement = parent
            .owner_document()?
            .create_element(tag)
            .ok()?
            .dyn_into()
            .ok()?;
        for (name, value) in attrs {
            let _ = el.set_attribute(name, value);
        }
        parent.append_child(&el).ok()?;
        Some(el)
    };
    if let Some(p) = add("p", &[("id", "ts-map-help"), ("class", "ts-sr-only")]) {
        p.set_text_content(Some(help));
    }
    let live = add(
        "div",
        &[
            ("class", "ts-sr-only ts-map-announce"),
            ("aria-live", "polite"),
        ],
    );
    let tooltip = add(
        "div",
        &[
            ("class", "ts-tooltip"),
            ("aria-hidden", "true"),
            ("hidden", ""),
        ],
    );
    {
        let mut s = state.borrow_mut();
        s.tips.tooltip = tooltip;
        s.tips.live = live;
        s.tips.lang = lang;
    }
    let st = state.clone();
    // One closure for all the events keeps the wasm small.
    let handler = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        if let Some(p) = ev.dyn_ref::<PointerEvent>() {
            let at = [p.offset_x() as f64, p.offset_y() as f64];
            let mouse = p.pointer_type() == "mouse";
            match (ev.type_().as_str(), mouse) {
                ("pointermove", true) => hover(&st, Some(at)),
                // Onto the tooltip: it stays (WCAG 1.4.13, hoverable);
                // its own `pointerleave` hides it.
                ("pointerleave", true) => {
                    let onto_tip = {
                        let s = st.borrow();
                        let target = p.related_target();
                        s.tips.tooltip.as_ref().is_some_and(|t| {
                            target
                                .as_ref()
                                .is_some_and(|r| JsValue::from(t) == JsValue::from(r))
                        })
                    };
                    if onto_tip {
                        st.borrow_mut().tips.pointer = None;
                    } else {
                        hover(&st, None);
                    }
                }
                // A tap shows what is under the finger, or hides the
                // tooltip. Only on lifting: a scroll that starts on the
                // map cancels the pointer and shows nothing.
                ("pointerdown", false) => st.borrow_mut().tips.tap = Some((at, now_ms())),
                ("pointercancel", false) => st.borrow_mut().tips.tap = None,
                ("pointerup", false) => {
                    let mut s = st.borrow_mut();
                    if let Some((start, t0)) = s.tips.tap.take() {
                        let moved = (at[0] - start[0]).hypot(at[1] - start[1]);
                        if moved <= TOUCH_TOLERANCE && now_ms() - t0 < TAP_MS {
                            s.show(s.tooltip_at(start, TOUCH_TOLERANCE).as_ref(), false);
                        }
                    }
                }
                _ => {}
            }
        } else if let Some(k) = ev.dyn_ref::<KeyboardEvent>() {
            if st.borrow_mut().key(&k.key()) {
                ev.prevent_default();
            }
        } else if ev.type_() == "blur" {
            let s = st.borrow();
            s.show(None, false);
            s.announce("");
        }
    });
    // The tooltip: hoverable until the pointer leaves it for anything but
    // the map; Escape anywhere closes a hover tooltip (WCAG 1.4.13).
    let tip_handler = {
        let st = state.clone();
        let canvas = JsValue::from(canvas.clone());
        Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let mut s = st.borrow_mut();
            if let Some(k) = ev.dyn_ref::<KeyboardEvent>() {
                if k.key() == "Escape" {
                    if let Some((layer, feature, _)) = s.tips.hovered.get() {
                        s.tips.dismissed = Some((layer, feature));
                        s.show(None, false);
                    }
                }
            } else if let Some(p) = ev.dyn_ref::<PointerEvent>() {
                // (A tooltip Escape hid is left by the pointer too.)
                if s.tips.hovered.get().is_some()
                    && p.related_target().map(JsValue::from).as_ref() != Some(&canvas)
                {
                    s.tips.dismissed = None;
                    s.show(None, false);
                }
            }
        })
    };
    if let Some(t) = &state.borrow().tips.tooltip {
        let _ = t
            .add_event_listener_with_callback("pointerleave", tip_handler.as_ref().unchecked_ref());
    }
    let _ = crate::platform::window()
        .add_event_listener_with_callback("keydown", tip_handler.as_ref().unchecked_ref());
    tip_handler.forget();
    for name in [
        "pointermove",
        "pointerleave",
        "pointerdown",
        "pointerup",
        "pointercancel",
        "keydown",
        "blur",
    ] {
        let _ = canvas.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
    }
    // The listeners live as long as the page.
    handler.forget();
}

/// Adds a compare step's divider to the map, for stories with such a step:
/// an `<input type=range>` (dragged by mouse or finger, moved by the arrow
/// keys, Page Up/Down, Home and End) in a box whose `data-before` and
/// `data-after` the stylesheet shows as the sides' labels beside it.
pub fn listen_for_compare(state: &MapHandle, canvas: &HtmlCanvasElement) {
    if !state
        .borrow()
        .scene
        .story
        .steps
        .iter()
        .any(|s| s.compare.is_some())
    {
        return;
    }
    let el = crate::story_page::el;
    let Some(boxed) = canvas
        .parent_element()
        .and_then(|p| el(&p, "div", &[("class", "ts-compare"), ("hidden", "")], ""))
    else {
        return;
    };
    let Some(input) = el(
        &boxed,
        "input",
        &[("class", "ts-compare-divider"), ("type", "range")],
        "",
    ) else {
        return;
    };
    let st = state.clone();
    let on_input = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let value = ev
            .target()
            .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("valueAsNumber")).ok())
            .and_then(|v| v.as_f64());
        if let Some(v) = value {
            {
                let mut s = st.borrow_mut();
                s.playback.set_divider(v / 100.0);
                s.sync_compare();
            }
            request_frame(&st);
        }
    });
    let _ = input.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref());
    on_input.forget();
    let mut s = state.borrow_mut();
    s.compare = Some((boxed.unchecked_into(), input.unchecked_into()));
    s.sync_compare();
}

/// The mouse moved over the map to `at` (CSS px), or left it (`None`).
/// Hit tests run at most once per animation frame, on the latest position.
fn hover(state: &MapHandle, at: Option<[f64; 2]>) {
    {
        let mut s = state.borrow_mut();
        s.tips.pointer = at;
        if at.is_none() {
            s.tips.dismissed = None;
            s.show(None, false);
            return;
        }
        if s.tips.hit_pending {
            return;
        }
        s.tips.hit_pending = true;
    }
    let st = state.clone();
    leptos::prelude::request_animation_frame(move || {
        let mut s = st.borrow_mut();
        s.tips.hit_pending = false;
        s.hover_hit();
    });
}

/// Starts the basemap module for this map, when the story has a basemap:
/// it makes the tile box under the canvas and the credit in the map's
/// corner, then every frame hands it the camera (`draw`).
pub fn attach_basemap(state: &MapHandle, canvas: &HtmlCanvasElement) {
    if state.borrow().scene.story.basemap.is_none() {
        return;
    }
    let basemap = js_sys::Reflect::get(&crate::loader::story_json(), &"basemap".into())
        .unwrap_or(JsValue::UNDEFINED);
    let origins = crate::loader::allowed_origins().map_or(JsValue::UNDEFINED, JsValue::from);
    let args = [JsValue::from(canvas), basemap, origins];
    let st = state.clone();
    leptos::task::spawn_local(async move {
        use crate::modules::{call, function, BASEMAP};
        let started = match call(BASEMAP, "basemap_start", &args).await {
            Ok(map) if map.as_f64().is_some_and(|n| n >= 0.0) => {
                function(BASEMAP, "basemap_update").await.map(|f| (map, f))
            }
            // The module said why in the console.
            Ok(_) => return,
            Err(e) => Err(e),
        };
        match started {
            Ok(b) => {
                st.borrow_mut().basemap = Some(b);
                request_frame(&st);
            }
            Err(e) => {
                let why = match e {
                    crate::modules::ModuleError::Unavailable { detail, .. }
                    | crate::modules::ModuleError::Failed(detail) => detail,
                    crate::modules::ModuleError::Missing => {
                        "the page names no basemap module".into()
                    }
                };
                web_sys::console::warn_1(&format!("the map has no basemap: {why}").into());
            }
        }
    });
}

/// Asks for a frame; frames keep coming while something moves.
pub fn request_frame(state: &MapHandle) {
    {
        let mut s = state.borrow_mut();
        if s.frame_pending {
            return;
        }
        s.frame_pending = true;
    }
    let st = state.clone();
    leptos::prelude::request_animation_frame(move || {
        let start = now_ms();
        let again = {
            let mut s = st.borrow_mut();
            s.frame_pending = false;
            let again = s.draw();
            // The map moved under a resting mouse: what is under it now?
            s.hover_hit();
            // The frame's cost, for the browser benchmark and tests (an
            // attribute, as the camera: nothing global on the page).
            if let Some(c) = &s.canvas {
                let _ = c.set_attribute("data-frame-ms", &Fixed(now_ms() - start, 1).to_string());
            }
            again
        };
        if again {
            request_frame(&st);
        }
    });
}

/// Space the text column takes from the map, so fits and centres land in
/// the part of the map the reader can see.
fn padding_for(width: f64, height: f64, card: Option<Element>, map_left: f64) -> Padding {
    let margin = 32.0;
    match card.map(|c| c.get_bounding_client_rect()) {
        // Cards beside the map (wide screens): keep the data beside them,
        // right of cards on the left (`layout: left`), left of cards on
        // the right (`right`); cards in the middle (`overlay`) float over
        // the whole map.
        Some(r) if r.width() < width * 0.6 => {
            let (left, right) = (r.left() - map_left, map_left + width - r.right());
            // The card's far edge from the map's other side, plus a margin.
            let side = |gap: f64| (width - gap + margin).clamp(margin, width * 0.6);
            Padding {
                top: margin,
                right: if right < left * 0.5 {
                    side(left)
                } else {
                    margin
                },
                bottom: margin,
                left: if left < right * 0.5 {
                    side(right)
                } else {
                    margin
                },
            }
        }
        // Cards across the map (phones): keep the upper part free.
        Some(_) => Padding {
            top: margin * 0.5,
            right: 16.0,
            bottom: height * 0.5,
            left: 16.0,
        },
        // No card over the map (the stacked layout, or no steps).
        None => Padding::uniform(margin),
    }
}

/// Charts in the story's text: a pointer on a bar or a table row, or the
/// keyboard focus on a row (`[data-layer][data-feature]`, drawn by
/// `twinstory build`), marks that feature on the map; leaving takes the
/// mark off. One listener on `root` for all steps.
pub fn listen_for_chart_marks(state: &MapHandle, root: &Element) {
    let st = state.clone();
    let handler = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let Some(item) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest("[data-feature]").ok().flatten())
        else {
            return;
        };
        let on = matches!(ev.type_().as_str(), "pointerover" | "focusin");
        let layer = item.get_attribute("data-layer").unwrap_or_default();
        let feature = item
            .get_attribute("data-feature")
            .and_then(|f| f.parse().ok());
        st.borrow_mut()
            .mark(feature.filter(|_| on).map(|f| (layer, f)));
    });
    for name in ["pointerover", "pointerout", "focusin", "focusout"] {
        let _ = root.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
    }
    // The listeners live as long as the page.
    handler.forget();
}
