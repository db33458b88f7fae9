//! The page's side of playback (built for the browser only, so the host's
//! tests and the CLI's build need no DOM bindings): the controls in each
//! playing step's card, the timer, and the `ts-moment` events for the base.

use super::{interval_ms, plays, Runs, Show, StepPlay};
use std::cell::RefCell;
use std::rc::Rc;
use twinstory_model::strings::{Lang, PlayWords};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlInputElement};

/// The page's side: controls per step, the timer, the callback.
struct Page {
    runs: Runs,
    plays: Vec<Option<StepPlay>>,
    boxes: Vec<Option<Element>>,
    t: &'static PlayWords,
    /// The element holding the steps, where the base listens for moments.
    steps: Element,
    /// The running timer and the step it runs for.
    timer: Option<(i32, usize)>,
    tick: Option<Closure<dyn FnMut()>>,
}

type Shared = Rc<RefCell<Page>>;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn reduced_motion() -> bool {
    window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Adds an element with attributes and text to `parent`.
fn add(parent: &Element, tag: &str, attrs: &[(&str, &str)], text: &str) -> Option<Element> {
    let el = parent.owner_document()?.create_element(tag).ok()?;
    for (k, v) in attrs {
        el.set_attribute(k, v).ok()?;
    }
    if !text.is_empty() {
        el.set_text_content(Some(text));
    }
    parent.append_child(&el).ok()?;
    Some(el)
}

/// The controls of one step, in its card before its data tables.
fn controls(section: &Element, p: &StepPlay, t: &PlayWords) -> Option<Element> {
    let card = section.query_selector(".ts-card").ok()??;
    if let Some(old) = card.query_selector(".ts-play").ok()? {
        return Some(old);
    }
    let div = card.owner_document()?.create_element("div").ok()?;
    div.set_class_name("ts-play");
    let last = p.labels.len() - 1;
    let label = p.labels.last().map_or("", String::as_str);
    add(&div, "button", &[("type", "button")], t.play)?;
    let l = add(&div, "label", &[], t.moment)?;
    let max = last.to_string();
    add(
        &l,
        "input",
        &[
            ("type", "range"),
            ("min", "0"),
            ("max", &max),
            ("step", "1"),
            ("value", &max),
            ("aria-valuetext", label),
        ],
        "",
    )?;
    add(
        &div,
        "span",
        &[("class", "ts-play-time"), ("aria-hidden", "true")],
        label,
    )?;
    // The card's own data tables, not a `<details>` in the step's text (a
    // chart's numbers), which is no child of the card to insert before.
    let tables = card.query_selector(":scope > .ts-table").ok().flatten();
    card.insert_before(&div, tables.as_ref().map(|d| d.unchecked_ref()))
        .ok()?;
    Some(div)
}

/// Applies what [`Runs`] decided: the map (through the base's `ts-moment` listener),
/// the controls, the timer.
fn apply(page: &Shared, shows: &[Show]) {
    let mut p = page.borrow_mut();
    for &(step, pos) in shows {
        let _ = p.steps.set_attribute("data-play-step", &step.to_string());
        let _ = p.steps.set_attribute("data-play-moment", &pos.to_string());
        if let Ok(ev) = web_sys::Event::new("ts-moment") {
            let _ = p.steps.dispatch_event(&ev);
        }
        let Some(c) = p.boxes.get(step).cloned().flatten() else {
            continue;
        };
        let label = p.plays.get(step).and_then(Option::as_ref);
        let label = label
            .and_then(|s| s.labels.get(pos))
            .cloned()
            .unwrap_or_default();
        let input = c.query_selector("input").ok().flatten();
        if let Some(i) = input.and_then(|i| i.dyn_into::<HtmlInputElement>().ok()) {
            i.set_value(&pos.to_string());
            let _ = i.set_attribute("aria-valuetext", &label);
        }
        if let Ok(Some(s)) = c.query_selector(".ts-play-time") {
            s.set_text_content(Some(&label));
        }
    }
    // The button says what it does next; the timer runs while playing.
    let playing = p.runs.playing;
    for c in p.boxes.iter().flatten() {
        let active = p
            .runs
            .active
            .and_then(|a| p.boxes.get(a).cloned().flatten());
        let on = playing && active.as_ref() == Some(c);
        if let Ok(Some(b)) = c.query_selector("button") {
            b.set_text_content(Some(if on { p.t.pause } else { p.t.play }));
        }
    }
    let Some(w) = window() else { return };
    let want = p.runs.active.filter(|_| playing);
    if p.timer.map(|t| t.1) == want {
        return;
    }
    if let Some((id, _)) = p.timer.take() {
        w.clear_interval_with_handle(id);
    }
    let Some(step) = want else { return };
    let ms = p
        .plays
        .get(step)
        .and_then(Option::as_ref)
        .map_or(1000, |s| interval_ms(s.duration, s.labels.len()));
    let id = p.tick.as_ref().and_then(|tick| {
        w.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), ms)
            .ok()
    });
    p.timer = id.map(|id| (id, step));
}

/// The active step, from the page: the index of the section with `aria-current`.
fn active_step(steps: &Element) -> Option<usize> {
    let s = steps.query_selector(".ts-step[aria-current]").ok()??;
    s.get_attribute("data-step")?.parse().ok()
}

/// Adds the controls to the cards of the steps with `play` (in `steps`,
/// the element holding the `.ts-step` sections) and follows the active
/// step; `story`: the story's JSON. A moment is shown by the base, which
/// listens for `ts-moment` on `steps`. Calling it again on the same page
/// adds nothing.
#[wasm_bindgen]
pub fn play_start(steps: Element, story: JsValue) {
    if steps.has_attribute("data-play-ready") {
        return;
    }
    let _ = steps.set_attribute("data-play-ready", "");
    let text = js_sys::JSON::stringify(&story)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let (lang, plays) = plays(&value);
    let t = Lang::of(&lang).play_words();
    let sections = steps.query_selector_all(".ts-step").ok();
    // The controls make their cards taller. The step the reader is at (the
    // first one that reaches below the window's middle: a step a link
    // opened, or where a reload put the reader) keeps its place on the
    // screen: when it lies below a playing card, the page scrolls by what
    // that card grew, as browsers' scroll anchoring would have done had
    // the reader scrolled.
    let window = web_sys::window();
    let middle = window
        .as_ref()
        .and_then(|w| w.inner_height().ok()?.as_f64())
        .unwrap_or(0.0)
        / 2.0;
    let anchor = sections.as_ref().and_then(|all| {
        (0..all.length())
            .filter_map(|i| all.item(i)?.dyn_into::<Element>().ok())
            .find(|s| s.get_bounding_client_rect().bottom() > middle)
    });
    let top = anchor.as_ref().map(|a| a.get_bounding_client_rect().top());
    let boxes: Vec<Option<Element>> = plays
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let section = sections
                .as_ref()?
                .item(i as u32)?
                .dyn_into::<Element>()
                .ok()?;
            controls(&section, p.as_ref()?, t)
        })
        .collect();
    if let (Some(w), Some(a), Some(top)) = (&window, &anchor, top) {
        let moved = a.get_bounding_client_rect().top() - top;
        if moved.abs() >= 1.0 {
            w.scroll_by_with_x_and_y(0.0, moved);
        }
    }
    let counts = plays
        .iter()
        .map(|p| p.as_ref().map_or(0, |p| p.labels.len()))
        .collect();
    let page: Shared = Rc::new(RefCell::new(Page {
        runs: Runs::new(counts),
        plays,
        boxes,
        t,
        steps: steps.clone(),
        timer: None,
        tick: None,
    }));
    let weak = Rc::downgrade(&page);
    let tick = Closure::<dyn FnMut()>::new(move || {
        let Some(page) = weak.upgrade() else { return };
        let show = page.borrow_mut().runs.tick();
        apply(&page, &show.into_iter().collect::<Vec<_>>());
    });
    page.borrow_mut().tick = Some(tick);
    // The button and the slider, one listener per step's controls.
    let boxes = page.borrow().boxes.clone();
    for (step, c) in boxes.into_iter().enumerate() {
        let Some(c) = c else { continue };
        let pg = page.clone();
        let on = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
            let Some(el) = target else { return };
            let show = if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
                // A click on the slider also moves it (an `input` event).
                if ev.type_() != "input" {
                    return;
                }
                let pos = input.value().parse().unwrap_or(0);
                pg.borrow_mut().runs.seek(step, pos)
            } else if el.tag_name() == "BUTTON" {
                pg.borrow_mut().runs.toggle()
            } else {
                return;
            };
            apply(&pg, &show.into_iter().collect::<Vec<_>>());
        });
        for kind in ["input", "click"] {
            let _ = c.add_event_listener_with_callback(kind, on.as_ref().unchecked_ref());
        }
        // Lives as long as the page.
        on.forget();
    }
    // The active step: now, and whenever `aria-current` moves.
    let follow = {
        let (page, steps) = (page.clone(), steps.clone());
        move || {
            let Some(i) = active_step(&steps) else { return };
            let shows = page.borrow_mut().runs.activate(i, reduced_motion());
            apply(&page, &shows);
        }
    };
    follow();
    let observer = Closure::<dyn FnMut()>::new(follow);
    if let Ok(o) = web_sys::MutationObserver::new(observer.as_ref().unchecked_ref()) {
        let init = web_sys::MutationObserverInit::new();
        init.set_subtree(true);
        init.set_attributes(true);
        init.set_attribute_filter(&js_sys::Array::of1(&"aria-current".into()));
        let _ = o.observe_with_options(&steps, &init);
    }
    // Observes as long as the page lives.
    observer.forget();
    // The page state lives as long as the page.
    std::mem::forget(page);
}
