//! The map: a canvas showing frames painted by the pure core.

use crate::platform::{device_pixel_ratio, now_ms, prefers_reduced_motion, put_pixels};
use std::cell::RefCell;
use std::rc::Rc;
use twinstory_map::{DrawList, Framebuffer, Padding, Viewport};
use twinstory_scene::{Playback, PlaybackOptions, Scene};
use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlCanvasElement};

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
}

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
        }))
    }

    /// Attaches the canvas and measures it.
    pub fn attach(&mut self, canvas: HtmlCanvasElement) {
        self.canvas = Some(canvas);
    }

    /// Re-measures the canvas and the text column (after resize or zoom).
    pub fn measure(&mut self, card: Option<Element>) {
        let Some(canvas) = &self.canvas else { return };
        let rect = canvas.get_bounding_client_rect();
        let (w, h) = (rect.width().max(1.0), rect.height().max(1.0));
        self.viewport = Viewport {
            width: w,
            height: h,
            dpr: device_pixel_ratio(),
        };
        self.padding = padding_for(w, h, card, rect.left());
        let now = now_ms();
        self.playback
            .refresh(&self.scene, &self.viewport, &self.padding, now, &self.opts);
    }

    /// Makes a step active.
    pub fn go_to(&mut self, step: usize) {
        let now = now_ms();
        self.playback.go_to(
            &self.scene,
            step,
            &self.viewport,
            &self.padding,
            now,
            &self.opts,
        );
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

    /// Paints one frame; returns true while an animation is running.
    fn draw(&mut self) -> bool {
        let Some(canvas) = self.canvas.clone() else {
            return false;
        };
        let moving = self.playback.tick(now_ms());
        self.playback
            .render(&self.scene, &self.viewport, &mut self.list, &mut self.fb);
        if let Err(e) = put_pixels(
            &canvas,
            self.fb.as_bytes(),
            self.fb.width(),
            self.fb.height(),
        ) {
            web_sys::console::warn_1(&JsValue::from_str(&e));
        }
        self.frames += 1;
        let cam = self.playback.camera();
        let _ = canvas.set_attribute(
            "data-camera",
            &format!(
                "{:.6},{:.6},{:.4},{:.2}",
                cam.center[0], cam.center[1], cam.zoom, cam.bearing
            ),
        );
        let _ = canvas.set_attribute("data-frames", &self.frames.to_string());
        let _ = canvas.set_attribute("data-moving", if moving { "true" } else { "false" });
        // The step this frame shows, written with the camera so that tests
        // and tools never see a new step beside an old frame.
        let step = self.playback.active().map(|i| i.to_string());
        let _ = canvas.set_attribute("data-active-step", step.as_deref().unwrap_or(""));
        moving
    }
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
            s.draw()
        };
        record_frame_time(now_ms() - start);
        if again {
            request_frame(&st);
        }
    });
}

/// Keeps the last frame durations on `window.__twinstory.frameMs` for the
/// browser benchmark (a plain array; costs nothing when nobody reads it).
fn record_frame_time(ms: f64) {
    let w = crate::platform::window();
    let key = JsValue::from_str("__twinstory");
    let obj = match js_sys::Reflect::get(&w, &key) {
        Ok(v) if v.is_object() => v,
        _ => {
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str("frameMs"), &js_sys::Array::new());
            let _ = js_sys::Reflect::set(
                &o,
                &JsValue::from_str("firstFrameAt"),
                &JsValue::from_f64(now_ms()),
            );
            let _ = js_sys::Reflect::set(&w, &key, &o);
            o.into()
        }
    };
    if let Ok(arr) = js_sys::Reflect::get(&obj, &JsValue::from_str("frameMs")) {
        let arr: js_sys::Array = arr.into();
        if arr.length() > 10_000 {
            arr.shift();
        }
        arr.push(&JsValue::from_f64(ms));
    }
}

/// Space the text column takes from the map, so fits and centres land in
/// the part of the map the reader can see.
fn padding_for(width: f64, height: f64, card: Option<Element>, map_left: f64) -> Padding {
    let margin = 32.0;
    match card.map(|c| c.get_bounding_client_rect()) {
        // Cards beside the map (wide screens): keep the data right of them.
        Some(r) if r.width() < width * 0.6 => Padding {
            top: margin,
            right: margin,
            bottom: margin,
            left: (r.right() - map_left + margin).clamp(margin, width * 0.6),
        },
        // Cards across the map (phones): keep the upper part free.
        Some(_) => Padding {
            top: margin * 0.5,
            right: 16.0,
            bottom: height * 0.5,
            left: 16.0,
        },
        None => Padding::uniform(margin),
    }
}
