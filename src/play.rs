//! Playback through time (a step's `play`): a play/pause button and a
//! range slider in the step's card, and one interval timer. The position
//! is the only state here; what it shows is the scene's
//! (`Scene::set_play_position`). A step starts at its first moment when it
//! becomes active and stops at its last, which is the step's own state;
//! with reduced motion nothing plays by itself and the step shows its last
//! moment. Moving the slider pauses.

use crate::map_view::{request_frame, MapHandle};
use crate::platform::{find_all, prefers_reduced_motion, window};
use leptos::prelude::document;
use std::cell::RefCell;
use std::rc::Rc;
use twinstory_model::strings::{format_date, Strings};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

/// The playing step, its position and the running timer.
#[derive(Default)]
struct State {
    step: Option<usize>,
    pos: usize,
    timer: Option<i32>,
}

/// Playback controls of a page; cheap to clone.
#[derive(Clone)]
pub struct Player {
    map: MapHandle,
    state: Rc<RefCell<State>>,
    t: &'static Strings,
    lang: String,
    /// Called after every position change (the legend, open tables).
    changed: Rc<dyn Fn(usize)>,
    /// Per step, the box of its controls (steps with `play`).
    boxes: Rc<Vec<Option<Element>>>,
}

impl Player {
    /// Adds the controls to the cards of steps with `play` and listens to
    /// them (one listener for all, on `steps`).
    pub fn new(
        map: MapHandle,
        steps: &Element,
        t: &'static Strings,
        lang: String,
        changed: Rc<dyn Fn(usize)>,
    ) -> Self {
        let counts: Vec<usize> = map
            .borrow()
            .scene
            .story
            .steps
            .iter()
            .map(|s| s.play.as_ref().map_or(0, |p| p.moments.len()))
            .collect();
        let cards = find_all(".ts-card");
        let mut boxes = Vec::new();
        for (i, n) in counts.into_iter().enumerate() {
            let card = cards.as_ref().and_then(|c| c.item(i as u32));
            let card = card.and_then(|c| c.dyn_into::<Element>().ok());
            let div = document().create_element("div").ok();
            let (Some(card), Some(div), true) = (card, div, n > 0) else {
                boxes.push(None);
                continue;
            };
            div.set_class_name("ts-play");
            let max = (n - 1).to_string();
            let add = crate::story_page::el;
            add(
                &div,
                "button",
                &[("type", "button"), ("data-play", "")],
                t.play,
            );
            let label = add(&div, "label", &[], "");
            if let Some(label) = label {
                let _ = label.append_with_str_1(t.play_moment);
                add(
                    &label,
                    "input",
                    &[
                        ("type", "range"),
                        ("min", "0"),
                        ("max", &max),
                        ("step", "1"),
                        ("value", &max),
                    ],
                    "",
                );
            }
            add(
                &div,
                "span",
                &[("class", "ts-play-time"), ("aria-hidden", "true")],
                "",
            );
            let details = card.query_selector("details").ok().flatten();
            let _ = card.insert_before(&div, details.as_ref().map(|d| d.unchecked_ref()));
            boxes.push(Some(div));
        }
        let this = Self {
            map,
            state: Rc::default(),
            t,
            lang,
            changed,
            boxes: Rc::new(boxes),
        };
        let p = this.clone();
        let on = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let Some(el) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            let step = p.state.borrow().step;
            let inside = |s: &usize| p.controls(*s).is_some_and(|c| c.contains(Some(&el)));
            let Some(step) = step.filter(inside) else {
                return;
            };
            if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
                p.stop();
                p.show(step, input.value().parse().unwrap_or(0));
            } else if el.has_attribute("data-play") {
                if p.state.borrow().timer.is_some() {
                    p.stop();
                } else {
                    p.play(step);
                }
                let pos = p.state.borrow().pos;
                p.show(step, pos);
            }
        });
        for kind in ["input", "click"] {
            let _ = steps.add_event_listener_with_callback(kind, on.as_ref().unchecked_ref());
        }
        // The listener lives as long as the page.
        on.forget();
        this
    }

    /// A step became active: the one before stops, this one starts at its
    /// first moment (at its last with reduced motion).
    pub fn activate(&self, step: usize) {
        self.stop();
        let old = self.state.borrow_mut().step.replace(step);
        if let Some(old) = old.filter(|o| *o != step) {
            self.map.borrow_mut().scene.set_play_position(old, None);
        }
        let n = self.count(step);
        if n == 0 {
            return;
        }
        if prefers_reduced_motion() {
            self.show(step, n - 1);
        } else {
            self.state.borrow_mut().pos = 0;
            self.play(step);
            self.show(step, 0);
        }
    }

    /// The box of a step's controls.
    fn controls(&self, step: usize) -> Option<&Element> {
        self.boxes.get(step)?.as_ref()
    }

    fn count(&self, step: usize) -> usize {
        let m = self.map.borrow();
        let play = m.scene.story.steps.get(step).and_then(|s| s.play.as_ref());
        play.map_or(0, |p| p.moments.len())
    }

    /// Starts the timer from the current position (from the first moment
    /// when it is at the last).
    fn play(&self, step: usize) {
        let n = self.count(step);
        let seconds = {
            let m = self.map.borrow();
            let play = m.scene.story.steps.get(step).and_then(|s| s.play.as_ref());
            play.map_or(1.0, |p| p.duration)
        };
        if self.state.borrow().pos + 1 >= n {
            self.show(step, 0);
        }
        let p = self.clone();
        let tick = Closure::<dyn FnMut()>::new(move || {
            let pos = p.state.borrow().pos + 1;
            if pos + 1 >= n {
                p.stop();
            }
            p.show(step, pos);
        });
        let ms = seconds * 1000.0 / (n.max(2) - 1) as f64;
        let id = window().set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            ms.clamp(16.0, 60_000.0) as i32,
        );
        // Dropped with the page; one per start, ended by `stop`.
        tick.forget();
        self.state.borrow_mut().timer = id.ok();
    }

    fn stop(&self) {
        if let Some(id) = self.state.borrow_mut().timer.take() {
            window().clear_interval_with_handle(id);
        }
    }

    /// Shows position `pos` of `step`: the scene, the map, the controls.
    fn show(&self, step: usize, pos: usize) {
        let n = self.count(step);
        let pos = pos.min(n.saturating_sub(1));
        self.state.borrow_mut().pos = pos;
        let moment = {
            let mut m = self.map.borrow_mut();
            let last = pos + 1 >= n;
            m.scene.set_play_position(step, (!last).then_some(pos));
            m.data_changed();
            let play = m.scene.story.steps.get(step).and_then(|s| s.play.as_ref());
            play.and_then(|p| p.moments.get(pos).cloned())
                .unwrap_or_default()
        };
        request_frame(&self.map);
        (self.changed)(step);
        let Some(c) = self.controls(step) else {
            return;
        };
        let text = format_date(&moment, &self.lang).unwrap_or(moment);
        let playing = self.state.borrow().timer.is_some();
        if let Ok(Some(b)) = c.query_selector("button") {
            b.set_text_content(Some(if playing { self.t.pause } else { self.t.play }));
        }
        if let Some(input) = c
            .query_selector("input")
            .ok()
            .flatten()
            .and_then(|i| i.dyn_into::<HtmlInputElement>().ok())
        {
            input.set_value(&pos.to_string());
            let _ = input.set_attribute("aria-valuetext", &text);
        }
        if let Ok(Some(s)) = c.query_selector(".ts-play-time") {
            s.set_text_content(Some(&text));
        }
    }
}
