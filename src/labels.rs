//! Feature labels over the map canvas: a pool of `<span>`s moved with CSS
//! transforms. The core chooses which labels to show and where
//! ([`Scene::labels`]); this module measures text and touches only the
//! spans whose text, place or opacity changed.
//!
//! The labels are `aria-hidden`: the step's data table is their accessible
//! form, and they take no pointer events, so the map's tooltips still work.

use twinstory_map::labels::{LabelBox, LabelPlacer};
use twinstory_map::{Padding, Viewport};
use twinstory_model::decimal::{parse_f64, Fixed};
use twinstory_scene::{LabelSpace, Playback, Scene};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlElement};

/// One span of the pool and what it shows now.
struct Slot {
    el: HtmlElement,
    /// The label it shows (layer << 32 | feature), `None` when hidden.
    key: Option<u64>,
    text: String,
    at: (i32, i32),
    opacity: u8,
}

/// What the overlay remembers about one feature's label.
#[derive(Clone, Copy)]
struct Known {
    width: f32,
    len: u32,
    slot: u32,
}

/// The label layer of one map.
pub struct LabelOverlay {
    root: HtmlElement,
    slots: Vec<Slot>,
    placer: LabelPlacer,
    /// Per layer and feature: the text's width in CSS px and its length in
    /// bytes, measured once (again when a refreshed layer's text changes
    /// length), and the slot that showed it last. Plain vectors keep the
    /// player small (no hash map, no sort).
    known: Vec<Vec<Known>>,
    ctx: Option<CanvasRenderingContext2d>,
    /// Height of a label box in CSS px (the line height).
    line: f64,
    /// Elements over the map that labels keep clear of (the legend).
    avoid: Vec<Element>,
}

/// Room around the text for its halo, in CSS px on each side.
const HALO: f64 = 2.0;

impl LabelOverlay {
    /// Adds the label layer right above `canvas`.
    pub fn new(canvas: &HtmlCanvasElement) -> Option<Self> {
        let doc = canvas.owner_document()?;
        let root: HtmlElement = doc.create_element("div").ok()?.dyn_into().ok()?;
        root.set_class_name("ts-labels");
        let _ = root.set_attribute("aria-hidden", "true");
        canvas.after_with_node_1(&root).ok()?;
        // The font comes from the stylesheet: a probe span tells it.
        let probe: HtmlElement = doc.create_element("span").ok()?.dyn_into().ok()?;
        probe.set_class_name("ts-label");
        root.append_child(&probe).ok()?;
        let style = crate::platform::window()
            .get_computed_style(&probe)
            .ok()
            .flatten();
        let prop = |name: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .unwrap_or_default()
        };
        let font = format!(
            "{} {} {}",
            prop("font-weight"),
            prop("font-size"),
            prop("font-family")
        );
        let size = parse_f64(prop("font-size").trim_end_matches("px")).unwrap_or(13.0);
        let line = parse_f64(prop("line-height").trim_end_matches("px")).unwrap_or(size * 1.25);
        let _ = root.remove_child(&probe);
        let ctx = doc
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
            .and_then(|c| c.get_context("2d").ok().flatten())
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
        if let Some(ctx) = &ctx {
            ctx.set_font(&font);
        }
        let avoid = canvas
            .parent_element()
            .and_then(|p| p.query_selector(".ts-legend-box").ok().flatten())
            .into_iter()
            .collect();
        Some(Self {
            root,
            slots: Vec::new(),
            placer: LabelPlacer::default(),
            known: Vec::new(),
            ctx,
            line: line + 2.0 * HALO,
            avoid,
        })
    }

    /// Places and shows the labels of this frame; `moving` while the
    /// camera or the opacities animate (labels then hold their places).
    pub fn update(
        &mut self,
        moving: bool,
        scene: &Scene,
        playback: &Playback,
        viewport: &Viewport,
        padding: &Padding,
    ) {
        // Reads first (layout), writes after.
        let origin = self.root.get_bounding_client_rect();
        let obstacles: Vec<LabelBox> = self
            .avoid
            .iter()
            .map(|e| e.get_bounding_client_rect())
            .filter(|r| r.width() > 0.0 && r.height() > 0.0)
            .map(|r| {
                [
                    r.left() - origin.left(),
                    r.top() - origin.top(),
                    r.right() - origin.left(),
                    r.bottom() - origin.top(),
                ]
            })
            .collect();
        let (known, ctx, line) = (&mut self.known, &self.ctx, self.line);
        let measure = |layer: usize, feature: u32, text: &str| {
            let k = known_mut(known, layer, feature);
            let w = if k.len == text.len() as u32 {
                k.width as f64
            } else {
                let w = ctx
                    .as_ref()
                    .and_then(|c| c.measure_text(text).ok())
                    .map_or(text.chars().count() as f64 * 7.0, |m| m.width());
                (k.width, k.len) = (w as f32, text.len() as u32);
                w
            };
            [w + 2.0 * HALO, line]
        };
        self.placer.keep_shown = moving;
        let labels = scene.labels(
            &mut self.placer,
            playback,
            viewport,
            LabelSpace {
                area: label_area(viewport, padding),
                obstacles: &obstacles,
            },
            measure,
        );
        // Labels keep the span they had, so a moving label only moves.
        let key = |layer: usize, feature: u32| ((layer as u64) << 32) | feature as u64;
        let mut used = vec![false; self.slots.len()];
        let mut assigned: Vec<Option<usize>> = labels
            .iter()
            .map(|l| {
                let slot = known_mut(&mut self.known, l.layer, l.feature).slot as usize;
                let k = Some(key(l.layer, l.feature));
                let s = self.slots.get(slot).filter(|s| s.key == k).map(|_| slot)?;
                used[s] = true;
                Some(s)
            })
            .collect();
        let mut free = (0..self.slots.len())
            .filter(|i| !used[*i])
            .collect::<Vec<_>>();
        free.reverse();
        for (a, l) in assigned.iter_mut().zip(&labels) {
            if a.is_none() {
                *a = free.pop().or_else(|| self.new_slot());
                if let Some(s) = *a {
                    known_mut(&mut self.known, l.layer, l.feature).slot = s as u32;
                }
            }
        }
        for (l, slot) in labels.iter().zip(&assigned) {
            let Some(s) = slot.and_then(|i| self.slots.get_mut(i)) else {
                continue;
            };
            if s.key.is_none() {
                s.el.set_hidden(false);
            }
            s.key = Some(key(l.layer, l.feature));
            if s.text != l.text {
                s.el.set_text_content(Some(l.text));
                s.text = l.text.to_owned();
            }
            let at = (
                (l.rect[0] + HALO).round() as i32,
                (l.rect[1] + HALO).round() as i32,
            );
            let style = s.el.style();
            if s.at != at {
                let _ =
                    style.set_property("transform", &format!("translate({}px,{}px)", at.0, at.1));
                s.at = at;
            }
            let opacity = (l.opacity * 100.0).round() as u8;
            if s.opacity != opacity {
                let _ = style.set_property("opacity", &Fixed(l.opacity, 2).to_string());
                s.opacity = opacity;
            }
        }
        let mut shown = vec![false; self.slots.len()];
        for i in assigned.into_iter().flatten() {
            shown[i] = true;
        }
        for (s, shown) in self.slots.iter_mut().zip(shown) {
            if s.key.is_some() && !shown {
                s.key = None;
                s.el.set_hidden(true);
            }
        }
        let _ = self
            .root
            .set_attribute("data-labels", &labels.len().to_string());
    }

    fn new_slot(&mut self) -> Option<usize> {
        let doc = self.root.owner_document()?;
        let el: HtmlElement = doc.create_element("span").ok()?.dyn_into().ok()?;
        el.set_class_name("ts-label");
        el.set_hidden(true);
        self.root.append_child(&el).ok()?;
        self.slots.push(Slot {
            el,
            key: None,
            text: String::new(),
            at: (i32::MIN, i32::MIN),
            opacity: 255,
        });
        Some(self.slots.len() - 1)
    }
}

/// The entry of a feature's label, made on first use.
fn known_mut(known: &mut Vec<Vec<Known>>, layer: usize, feature: u32) -> &mut Known {
    if known.len() <= layer {
        known.resize(layer + 1, Vec::new());
    }
    let of_layer = &mut known[layer];
    let f = feature as usize;
    if of_layer.len() <= f {
        let none = Known {
            width: 0.0,
            len: u32::MAX,
            slot: u32::MAX,
        };
        of_layer.resize(f + 1, none);
    }
    &mut of_layer[f]
}

/// Where labels may go: the map minus the text column. The padding keeps
/// a margin for fitting data; labels may use most of it, except where the
/// cards cross the map (the lower half on phones).
fn label_area(viewport: &Viewport, padding: &Padding) -> LabelBox {
    let edge = |p: f64| (p - 24.0).max(4.0);
    let bottom = if padding.bottom > viewport.height * 0.3 {
        padding.bottom
    } else {
        edge(padding.bottom)
    };
    [
        edge(padding.left),
        edge(padding.top),
        viewport.width - edge(padding.right),
        viewport.height - bottom,
    ]
}
