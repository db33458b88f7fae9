//! The map in words: a step's text alternative, generated from the story
//! and the layers' data.
//!
//! [`Scene::describe`] says which area a step shows (named by the features
//! in view of its lowest layer of named areas), each visible layer (how
//! many features, how many in view, what colour or size means, the classes
//! or categories with their counts, the highest and lowest features by
//! name and value) and what is highlighted or filtered. `twinstory build`
//! writes it into `story.json` per step; the player only shows it as the
//! map's accessible description and announces it. Layers whose data is
//! not there (read from a service while the story plays) are described by
//! their title and style alone.
//!
//! The view is the step's camera for a map of [`DESCRIBE_VIEWPORT`]: a
//! reader's window may show a little more or less at the edges.

use crate::legend::{format_number, LegendEntry, LegendKind, LegendLabel};
use crate::palette::luminance;
use crate::scene::{LayerStatus, Scene};
use crate::style::{number, StepConditions};
use twinstory_map::{Padding, Transform, Viewport};
use twinstory_model::strings::Lang;

/// The map size the text alternative describes a step's view for (CSS px):
/// a desktop window's map.
pub const DESCRIBE_VIEWPORT: Viewport = Viewport {
    width: 1280.0,
    height: 800.0,
    dpr: 1.0,
};

/// How many areas the first sentence names before counting the rest.
const AREA_NAMES: usize = 3;
/// How many features the highest and lowest lists name.
const EXTREMES: usize = 3;

impl Scene {
    /// The text alternative of `step` in the story's language: plain
    /// sentences, without the author's `map-description-extra` (the build
    /// adds it). Empty for a step that does not exist.
    pub fn describe(&self, step: usize) -> String {
        let Some(s) = self.story.steps.get(step) else {
            return String::new();
        };
        let lang = Lang::of(&self.story.lang);
        let (words, t) = (lang.describe_words(), lang.strings());
        let tag = self.story.lang.as_str();
        let target = self.target(step, &DESCRIBE_VIEWPORT, &Padding::uniform(40.0));
        let view = Transform::new(&target.camera, &DESCRIBE_VIEWPORT).visible_world_bounds();
        let mut out: Vec<String> = Vec::new();
        let tilt = target.camera.pitch.round();
        if tilt >= 1.0 {
            // The camera stands opposite to where the map's top points.
            let from = (target.camera.bearing + 180.0).rem_euclid(360.0);
            let sector = ((from + 22.5) / 45.0).floor() as usize % 8;
            out.push((words.tilted)(words.compass[sector], tilt as usize));
        }
        if let Some(c) = &s.compare {
            out.push((words.compared)(&c.before_label, &c.after_label));
        }

        // The area: the lowest visible layer of named areas.
        for state in s.show.iter().filter(|st| st.opacity > 0.0) {
            let Some(i) = self.layer_index(&state.layer) else {
                continue;
            };
            let layer = &self.layers[i];
            if layer.status != LayerStatus::Ready || layer.points {
                continue;
            }
            let visible = StepConditions::of(state).visible(&layer.styling);
            let shown = |f: usize| visible.as_ref().is_none_or(|v| v[f]);
            let in_view = self.in_view(i, view, &shown);
            let names = self.feature_names(i, &in_view);
            if names.is_empty() {
                continue;
            }
            let all = (0..layer.prepared.feature_count)
                .filter(|f| shown(*f))
                .count();
            if in_view.len() == all {
                let title = self.story.layers[i].reader_title();
                out.push((words.shows_all)(all, &title));
            } else if in_view.len() * 10 >= all * 9 {
                // Nearly everything: name what is left out instead.
                let title = self.story.layers[i].reader_title();
                let outside: Vec<usize> = (0..layer.prepared.feature_count)
                    .filter(|f| shown(*f) && !in_view.contains(f))
                    .collect();
                let left_out = self.feature_names(i, &outside);
                if left_out.is_empty() {
                    out.push((words.shows_most)(in_view.len(), all, &title));
                } else {
                    let first = left_out[..left_out.len().min(AREA_NAMES)].join(", ");
                    let list = match left_out.len().saturating_sub(AREA_NAMES) {
                        0 => first,
                        more => (t.and_more)(&first, more),
                    };
                    out.push((words.shows_all_but)(all, &title, &list));
                }
            } else {
                let first = names[..names.len().min(AREA_NAMES)].join(", ");
                let list = match names.len().saturating_sub(AREA_NAMES) {
                    0 => first,
                    more => (t.and_more)(&first, more),
                };
                out.push((words.shows)(&list));
            }
            break;
        }

        // Each layer, top first as in the legend.
        for entry in self.legend(step) {
            let Some(i) = self.layer_index(&entry.layer) else {
                continue;
            };
            let layer = &self.story.layers[i];
            if self.layers[i].status != LayerStatus::Ready {
                out.push((words.remote)(&entry.title));
                if let Some(p) = style_property(layer) {
                    out.push((words.color_shows)(&layer.field_name(p)));
                }
                continue;
            }
            // A compare step's left side is in the legend after the right.
            let before = s.compare.iter().flat_map(|c| &c.before);
            let state = s
                .show
                .iter()
                .chain(before)
                .find(|st| st.layer == entry.layer);
            let visible =
                state.and_then(|st| StepConditions::of(st).visible(&self.layers[i].styling));
            let shown = |f: usize| visible.as_ref().is_none_or(|v| v[f]);
            let in_view = self.in_view(i, view, &shown).len();
            let count = if entry.point {
                words.points
            } else {
                words.areas
            };
            out.push(count(&entry.title, entry.shown, in_view));
            out.extend(self.describe_style(i, &entry, &shown, tag));
            // A height read from a property the author named (not one the
            // story compiler computed from an expression).
            let named = |h: Option<&twinstory_model::Height>| match h {
                Some(twinstory_model::Height::Property(p))
                    if !p.ends_with("-height") || !layer.compute.iter().any(|c| &c.name == p) =>
                {
                    Some(layer.field_name(p))
                }
                _ => None,
            };
            let top = named(layer.style.extrude.as_ref());
            match (top, named(layer.style.extrude_base.as_ref())) {
                (Some(top), Some(base)) => out.push((words.heights_between)(&base, &top)),
                (Some(top), None) => out.push((words.heights_show)(&top)),
                (None, _) => {
                    if let Some(twinstory_model::Height::Model(_)) = &layer.style.extrude {
                        out.push(words.real_shapes.to_string());
                    }
                }
            }
            if let Some(note) = entry.note(tag) {
                if entry.highlight.is_some() {
                    out.push(format!("{note}; {}.", words.rest_faded));
                } else {
                    out.push(format!("{note}."));
                }
            }
        }
        out.join(" ")
    }

    /// What a layer's colours or sizes mean, its classes with their counts,
    /// and its highest and lowest features.
    fn describe_style(
        &self,
        i: usize,
        entry: &LegendEntry,
        shown: &dyn Fn(usize) -> bool,
        tag: &str,
    ) -> Vec<String> {
        let words = Lang::of(tag).describe_words();
        let Some(property) = entry.property.as_deref() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let counted = |items: &[crate::legend::LegendItem]| {
            items
                .iter()
                .filter(|i| i.count > 0)
                .map(|i| (words.counted)(&i.text(tag), i.count))
                .collect::<Vec<_>>()
        };
        match entry.kind {
            LegendKind::Classes => {
                let classes: Vec<f64> = entry
                    .items
                    .iter()
                    .filter(|i| matches!(i.label, LegendLabel::Range { .. }))
                    .filter_map(|i| i.color.map(luminance))
                    .collect();
                let sentence = if classes.windows(2).all(|w| w[0] > w[1]) {
                    words.darker_more
                } else if classes.windows(2).all(|w| w[0] < w[1]) {
                    words.lighter_more
                } else {
                    words.color_shows
                };
                out.push(sentence(property));
                let list = counted(&entry.items);
                out.push((words.classes)(classes.len(), &list.join(", ")));
            }
            LegendKind::Categories => {
                out.push((words.color_shows)(property));
                let list = counted(&entry.items);
                out.push((words.values)(list.len(), &list.join(", ")));
            }
            LegendKind::Circles => out.push((words.size_shows)(property)),
            LegendKind::Single => return out,
        }
        if entry.kind != LegendKind::Categories {
            out.extend(self.extremes(i, shown, tag));
        }
        out
    }

    /// The highest and lowest named features of a layer's styled number.
    fn extremes(&self, i: usize, shown: &dyn Fn(usize) -> bool, tag: &str) -> Vec<String> {
        let words = Lang::of(tag).describe_words();
        let styling = &self.layers[i].styling;
        let Some(property) = styling.property.as_deref() else {
            return Vec::new();
        };
        let mut valued: Vec<(f64, String)> = Vec::new();
        for (f, p) in styling.properties.iter().enumerate() {
            if !shown(f) {
                continue;
            }
            let Some(v) = number(p.get(property)) else {
                continue;
            };
            if let Some(name) = self.feature_names(i, &[f]).pop() {
                if !valued.iter().any(|(_, n)| *n == name) {
                    valued.push((v, name));
                }
            }
        }
        if valued.len() < 2 {
            return Vec::new();
        }
        valued.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let list = |items: &mut dyn Iterator<Item = &(f64, String)>| {
            items
                .map(|(v, name)| {
                    (words.valued)(name, &format_number(*v, usize::from(v.fract() != 0.0), tag))
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let n = EXTREMES.min(valued.len() / 2);
        vec![
            (words.highest)(&list(&mut valued.iter().take(n))),
            (words.lowest)(&list(&mut valued.iter().rev().take(n))),
        ]
    }

    /// The features of layer `i` that the step shows in the view, nearest
    /// to the view's centre first (areas by the centre of their box).
    fn in_view(&self, i: usize, view: [f64; 4], shown: &dyn Fn(usize) -> bool) -> Vec<usize> {
        let prepared = &self.layers[i].prepared;
        let centre = [(view[0] + view[2]) / 2.0, (view[1] + view[3]) / 2.0];
        let inside =
            |[x, y]: [f64; 2]| x >= view[0] && x <= view[2] && y >= view[1] && y <= view[3];
        let mut found: Vec<(f64, usize)> = Vec::new();
        let mut add = |f: usize, p: [f64; 2]| {
            if shown(f) && inside(p) {
                let d = (p[0] - centre[0]).hypot(p[1] - centre[1]);
                match found.iter_mut().find(|(_, g)| *g == f) {
                    Some(e) => e.0 = e.0.min(d),
                    None => found.push((d, f)),
                }
            }
        };
        for shape in &prepared.shapes {
            let b = shape.bbox;
            add(
                shape.feature as usize,
                [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0],
            );
        }
        for (p, f) in prepared.points.iter().zip(&prepared.point_feature) {
            add(*f as usize, *p);
        }
        found.sort_by(|a, b| a.0.total_cmp(&b.0));
        found.into_iter().map(|(_, f)| f).collect()
    }
}

/// The property a layer's style colours or sizes by, if any.
fn style_property(layer: &twinstory_model::Layer) -> Option<&str> {
    let s = &layer.style;
    s.choropleth
        .as_ref()
        .map(|c| c.property.as_str())
        .or(s.categories.as_ref().map(|c| c.property.as_str()))
        .or(s.circles.as_ref().map(|c| c.property.as_str()))
}
