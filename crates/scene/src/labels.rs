//! Feature labels: the text a layer's `label` template gives each feature,
//! and which of them the current frame shows where.
//!
//! The texts are rendered once when a layer's data arrives; per frame only
//! the features drawn on screen are looked at (through the layer's R-tree),
//! and [`twinstory_map::labels::LabelPlacer`] picks collision-free places.
//! The shell measures the text (it has the fonts) and shows the result.

use crate::scene::{LayerStatus, Scene};
use crate::tooltip::{reader_values, render_template};
use crate::Playback;
use serde_json::{Map, Value};
use twinstory_map::hit::{visible_features, HitLayer};
use twinstory_map::labels::{LabelBox, LabelPlacer, LabelRequest};
use twinstory_map::{Transform, Viewport};
use twinstory_model::decimal::parse_f64;
use twinstory_model::Layer;

/// Per layer: each feature's label text and priority, made once per data.
#[derive(Debug, Clone, Default)]
pub struct LayerLabels {
    /// Rendered `label` template per feature; empty: no label.
    pub text: Vec<String>,
    /// `label-priority` per feature (larger first); 0 without one.
    pub priority: Vec<f64>,
    /// Whether the feature is a point (its label goes beside its circle).
    pub point: Vec<bool>,
}

impl LayerLabels {
    /// The labels of `layer` for these feature properties; empty when the
    /// layer has no `label`. `point_feature` lists the point features.
    pub fn new(
        layer: &Layer,
        properties: &[Map<String, Value>],
        point_feature: &[u32],
        lang: &str,
    ) -> Self {
        let Some(template) = layer.style.label.as_deref() else {
            return Self::default();
        };
        let text = properties
            .iter()
            .map(|p| {
                let t = render_template(template, &reader_values(layer, p), lang);
                // A template of missing values only ("–") labels nothing.
                if t.trim().is_empty() || t.trim() == "–" {
                    String::new()
                } else {
                    t
                }
            })
            .collect();
        let priority = properties
            .iter()
            .map(|p| {
                layer
                    .style
                    .label_priority
                    .as_deref()
                    .and_then(|k| p.get(k))
                    .and_then(number)
                    .unwrap_or(0.0)
            })
            .collect();
        let mut point = vec![false; properties.len()];
        for &f in point_feature {
            if let Some(p) = point.get_mut(f as usize) {
                *p = true;
            }
        }
        Self {
            text,
            priority,
            point,
        }
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_f64(s.trim()),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

/// A label the frame shows.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameLabel<'a> {
    /// Index of the layer in the story.
    pub layer: usize,
    /// Index of the feature in its layer.
    pub feature: u32,
    /// The text (plain text).
    pub text: &'a str,
    /// The text box in CSS px from the map's top-left corner.
    pub rect: LabelBox,
    /// The layer's opacity in this frame (labels fade with their layer).
    pub opacity: f64,
}

/// Where labels may go in a frame, in CSS px from the map's top-left corner.
#[derive(Debug, Clone, Copy)]
pub struct LabelSpace<'o> {
    /// The part of the map labels stay inside (without the text column).
    pub area: LabelBox,
    /// Boxes over the map that labels keep clear of (the legend).
    pub obstacles: &'o [LabelBox],
}

/// Highlighted features are labelled before all others.
const HIGHLIGHT_BONUS: f64 = 1e15;

impl Scene {
    /// The labels to show in this frame and where: labelled layers drawn
    /// with some opacity at or above their `label-min-zoom`, features on
    /// screen, placed by `placer` inside `space`. `measure(layer, feature,
    /// text)` gives the text's box size in CSS px.
    ///
    /// Order of precedence: a step's highlighted features, then larger
    /// `label-priority`, then the upper layer, then the data's order.
    pub fn labels<'a>(
        &'a self,
        placer: &mut LabelPlacer,
        playback: &Playback,
        viewport: &Viewport,
        space: LabelSpace<'_>,
        mut measure: impl FnMut(usize, u32, &str) -> [f64; 2],
    ) -> Vec<FrameLabel<'a>> {
        let (paints, order, camera) = (playback.paints(), playback.order(), playback.camera());
        let t = Transform::new(&camera, viewport);
        // (layer, feature, anchor); the placer's keys order the ties.
        let mut found: Vec<(usize, u32, [f64; 2])> = Vec::new();
        // How high each layer is drawn (its place in `order`, bottom 0).
        let mut height = vec![0usize; self.layers.len()];
        for (h, &i) in order.iter().enumerate() {
            if let Some(slot) = height.get_mut(i) {
                *slot = h;
            }
        }
        for &i in order {
            let (Some(l), Some(paint)) = (self.layers.get(i), paints.get(i)) else {
                continue;
            };
            let Some(style) = self.story.layers.get(i).map(|s| &s.style) else {
                continue;
            };
            let shown = l.status == LayerStatus::Ready
                && !l.labels.text.is_empty()
                && paint.opacity > 0.01
                && style.label_min_zoom.is_none_or(|z| camera.zoom >= z);
            if !shown {
                continue;
            }
            let hl = HitLayer {
                layer: &l.prepared,
                index: &l.hit,
                paint,
                max_radius: l.max_radius,
            };
            visible_features(&hl, &t, viewport, |f, at| found.push((i, f, at)));
        }
        let mut requests = Vec::with_capacity(found.len());
        for &(i, f, anchor) in &found {
            let (l, paint) = (&self.layers[i], &paints[i]);
            let fi = f as usize;
            let text = l.labels.text.get(fi).map_or("", String::as_str);
            let size = if text.is_empty() {
                [0.0, 0.0]
            } else {
                measure(i, f, text)
            };
            let symbol_radius = if l.labels.point.get(fi).copied().unwrap_or(false) {
                let r = paint.radius_of(f);
                let stroke = if paint.stroke.is_some() || paint.feature_stroke.is_some() {
                    paint.stroke_width / 2.0
                } else {
                    0.0
                };
                (r + stroke).max(0.5)
            } else {
                0.0
            };
            let mut priority = l
                .labels
                .priority
                .get(fi)
                .copied()
                .unwrap_or(0.0)
                .clamp(-1e14, 1e14);
            if paint
                .emphasis
                .as_ref()
                .is_some_and(|e| e.features.get(fi).copied().unwrap_or(false))
            {
                priority += HIGHLIGHT_BONUS;
            }
            requests.push(LabelRequest {
                // Ties: the upper layer first, then the data's order.
                key: (((self.layers.len() - height[i]) as u64) << 32) | f as u64,
                anchor,
                size,
                symbol_radius,
                priority,
            });
        }
        placer
            .place(&requests, space.area, space.obstacles)
            .into_iter()
            .map(|p| {
                let (i, f, _) = found[p.request];
                FrameLabel {
                    layer: i,
                    feature: f,
                    text: self.layers[i].labels.text[f as usize].as_str(),
                    rect: p.rect,
                    opacity: paints[i].opacity.clamp(0.0, 1.0),
                }
            })
            .collect()
    }
}
