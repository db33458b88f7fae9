//! Tooltips: which feature the pointer or the keyboard points at, and the
//! text its layer's `tooltip` template gives it.
//!
//! Only layers with a `tooltip` take part: a layer without one (say,
//! playground dots over the quarters) does not hide the quarter's tooltip
//! beneath it. Among those, the topmost layer drawn in the current frame
//! wins ([`twinstory_map::hit::hit_test`]). The text is plain text; the shell
//! inserts it as text, never as HTML.

use crate::legend::format_number;
use crate::scene::{LayerStatus, Scene};
use crate::Playback;
use serde_json::{Map, Value};
use twinstory_map::hit::{hit_test, nearest_in_direction, visible_features, Direction, HitLayer};
use twinstory_map::{LayerPaint, Transform, Viewport};
use twinstory_model::strings::format_date;
use twinstory_model::strings::Lang;
use twinstory_model::template::Template;

/// A tooltip to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Tooltip {
    /// Index of the layer in the story.
    pub layer: usize,
    /// Index of the feature in its layer.
    pub feature: u32,
    /// The rendered template (plain text).
    pub text: String,
    /// Where it belongs in CSS px from the map's top-left corner: the
    /// pointer for hover and tap, the feature's anchor for keyboard focus.
    pub anchor: [f64; 2],
}

impl Scene {
    /// The tooltip for the feature drawn at `point` (CSS px), if any.
    ///
    /// `playback` gives the current frame (paints, drawing order, camera);
    /// `tolerance` widens points and lines by that many CSS px (more for
    /// touch than for a mouse).
    pub fn tooltip_at(
        &self,
        playback: &Playback,
        viewport: &Viewport,
        point: [f64; 2],
        tolerance: f64,
    ) -> Option<Tooltip> {
        let (ids, layers) = self.tooltip_layers(playback.paints(), playback.order());
        let t = Transform::new(&playback.camera(), viewport);
        let hit = hit_test(&layers, &t, viewport, point, tolerance)?;
        let layer = ids[hit.layer];
        Some(Tooltip {
            layer,
            feature: hit.feature,
            text: self.tooltip_text(layer, hit.feature)?,
            anchor: point,
        })
    }

    /// [`tooltip_at`](Self::tooltip_at) for the frame on screen, whose
    /// draw list `list` is: raised polygons (`extrude`) answer where their
    /// drawn walls and roofs are, the nearest one under the point winning,
    /// and a block hides what lies behind it.
    pub fn tooltip_at_drawn(
        &self,
        playback: &Playback,
        viewport: &Viewport,
        list: &twinstory_map::DrawList,
        point: [f64; 2],
        tolerance: f64,
    ) -> Option<Tooltip> {
        // The list's own device pixels per CSS pixel: a frame drawn while
        // moving may have fewer than the screen (`MotionResolution`).
        let dpr = if list.width > 0 && viewport.width > 0.0 {
            f64::from(list.width) / viewport.width
        } else {
            viewport.dpr
        };
        let at = [(point[0] * dpr) as f32, (point[1] * dpr) as f32];
        if let Some((drawn, feature)) = list.face_at(at) {
            // The draw list numbers the layers the playback passed it.
            let paints = playback.paints();
            let layer = playback
                .order()
                .iter()
                .copied()
                .filter(|&i| self.layers.get(i).is_some() && paints.get(i).is_some())
                .nth(drawn as usize)?;
            return Some(Tooltip {
                layer,
                feature,
                text: self.tooltip_text(layer, feature)?,
                anchor: point,
            });
        }
        self.tooltip_at(playback, viewport, point, tolerance)
    }

    /// Keyboard navigation: the tooltip of the feature next to `from` in
    /// `direction`, among the features of tooltip layers drawn on screen.
    /// Without `from` (or when it left the screen), the feature nearest to
    /// `start` (CSS px, e.g. the middle of the free part of the map).
    /// `None` when there is nothing (further) that way.
    pub fn tooltip_step(
        &self,
        playback: &Playback,
        viewport: &Viewport,
        from: Option<(usize, u32)>,
        start: [f64; 2],
        direction: Direction,
    ) -> Option<Tooltip> {
        let (ids, layers) = self.tooltip_layers(playback.paints(), playback.order());
        let t = Transform::new(&playback.camera(), viewport);
        let mut candidates: Vec<(usize, u32)> = Vec::new();
        let mut anchors: Vec<[f64; 2]> = Vec::new();
        let mut origin = None;
        for (l, hl) in ids.iter().zip(&layers) {
            visible_features(hl, &t, viewport, |f, at| {
                if from == Some((*l, f)) {
                    origin = Some(at);
                } else {
                    candidates.push((*l, f));
                    anchors.push(at);
                }
            });
        }
        let pick = match origin {
            Some(o) => nearest_in_direction(o, &anchors, direction)?,
            None => {
                anchors
                    .iter()
                    .enumerate()
                    .min_by(|(_, a), (_, b)| {
                        let da = (a[0] - start[0]).hypot(a[1] - start[1]);
                        let db = (b[0] - start[0]).hypot(b[1] - start[1]);
                        da.total_cmp(&db)
                    })?
                    .0
            }
        };
        let (layer, feature) = candidates[pick];
        Some(Tooltip {
            layer,
            feature,
            text: self.tooltip_text(layer, feature)?,
            anchor: anchors[pick],
        })
    }

    /// The tooltip of a feature named from outside the map (a chart's bar
    /// or table row), at the feature's anchor on screen: `None` when its
    /// layer has no tooltip, is not drawn in this frame, or the anchor is
    /// out of view.
    pub fn feature_tooltip(
        &self,
        playback: &Playback,
        viewport: &Viewport,
        layer: usize,
        feature: u32,
    ) -> Option<Tooltip> {
        let drawn = playback.paints().get(layer)?.opacity > 0.0;
        let anchor = self
            .layers
            .get(layer)?
            .hit
            .anchor(feature)
            .filter(|_| drawn)?;
        let [x, y] = Transform::new(&playback.camera(), viewport).to_screen(anchor);
        let (x, y) = (x / viewport.dpr, y / viewport.dpr);
        let inside = x >= 0.0 && y >= 0.0 && x <= viewport.width && y <= viewport.height;
        Some(Tooltip {
            layer,
            feature,
            text: self.tooltip_text(layer, feature).filter(|_| inside)?,
            anchor: [x, y],
        })
    }

    /// A feature's tooltip text, `None` when its layer has no tooltip.
    pub fn tooltip_text(&self, layer: usize, feature: u32) -> Option<String> {
        let story_layer = self.story.layers.get(layer)?;
        let template = story_layer.tooltip.as_deref()?;
        let empty = Map::new();
        let props = self
            .layers
            .get(layer)?
            .styling
            .properties
            .get(feature as usize)
            .unwrap_or(&empty);
        let named = reader_values(story_layer, props);
        Some(render_template(template, &named, &self.story.lang))
    }

    /// The loaded layers with a tooltip, in drawing order, as the hit test
    /// sees them this frame, with their story indices.
    fn tooltip_layers<'a>(
        &'a self,
        paints: &'a [LayerPaint],
        order: &[usize],
    ) -> (Vec<usize>, Vec<HitLayer<'a>>) {
        let mut ids = Vec::new();
        let mut layers = Vec::new();
        for &i in order {
            let (Some(l), Some(paint)) = (self.layers.get(i), paints.get(i)) else {
                continue;
            };
            let has_tooltip = self
                .story
                .layers
                .get(i)
                .is_some_and(|s| s.tooltip.is_some());
            if has_tooltip && l.status == LayerStatus::Ready && !l.hit.is_empty() {
                ids.push(i);
                layers.push(HitLayer {
                    layer: &l.prepared,
                    index: &l.hit,
                    paint,
                    max_radius: l.max_radius,
                });
            }
        }
        (ids, layers)
    }
}

/// A feature's properties as readers know them: string values the layer's
/// `categories` names replaced by their names (borrowed unchanged when the
/// layer names none). Tooltips and labels render templates from these.
///
/// # Examples
/// ```
/// use serde_json::json;
/// use twinstory_scene::reader_values;
/// let mut layer: twinstory_model::Layer = serde_json::from_value(json!({
///     "id": "t", "source": { "type": "geojson", "url": "t.geojson" }
/// })).unwrap();
/// layer.categories.insert("limited".into(), "eingeschränkt".into());
/// let props = json!({ "wheelchair": "limited", "n": 2 });
/// let named = reader_values(&layer, props.as_object().unwrap());
/// assert_eq!(named["wheelchair"], "eingeschränkt");
/// assert_eq!(named["n"], 2);
/// ```
pub fn reader_values<'a>(
    layer: &twinstory_model::Layer,
    props: &'a Map<String, Value>,
) -> std::borrow::Cow<'a, Map<String, Value>> {
    if layer.categories.is_empty() {
        return std::borrow::Cow::Borrowed(props);
    }
    // Inserted one by one: collecting into the map would sort the entries
    // with another copy of the standard sort (see `twinstory_map::order`).
    let mut out = Map::new();
    for (k, v) in props {
        let v = match v {
            Value::String(s) => Value::String(layer.category_name(s).to_owned()),
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    std::borrow::Cow::Owned(out)
}

/// Fills a tooltip template: `{field}` becomes the feature's property
/// (numbers written for `lang`, whole numbers without decimals), a missing
/// or empty property `–`; `{{` and `}}` are literal braces. An unclosed `{`
/// is kept as text, with what follows it (the rules of
/// [`twinstory_model::template`]).
///
/// # Examples
/// ```
/// use serde_json::json;
/// use twinstory_scene::render_template;
/// let props = json!({"name": "Altona", "rate": 1234.5, "n": 42.0}).as_object().unwrap().clone();
/// assert_eq!(render_template("{name}: {rate}", &props, "de"), "Altona: 1.234,5");
/// assert_eq!(render_template("{n} in {{{name}}}", &props, "en"), "42 in {Altona}");
/// assert_eq!(render_template("{nope}", &props, "de"), "–");
/// ```
pub fn render_template(template: &str, properties: &Map<String, Value>, lang: &str) -> String {
    Template::parse(template).render(|field| property_text(properties.get(field), lang))
}

/// A property value as a reader should see it.
pub(crate) fn property_text(value: Option<&Value>, lang: &str) -> String {
    let t = Lang::of(lang).strings();
    match value {
        None | Some(Value::Null) => "–".to_string(),
        Some(Value::String(s)) if s.trim().is_empty() => "–".to_string(),
        // ISO dates and times (a sensor's `time`) read in the language.
        Some(Value::String(s)) => format_date(s, lang).unwrap_or_else(|| s.clone()),
        Some(Value::Number(n)) => n
            .as_f64()
            .map_or_else(|| n.to_string(), |v| number_text(v, lang)),
        Some(Value::Bool(b)) => (if *b { t.yes } else { t.no }).to_string(),
        // Lists read as lists; nested objects have no sensible short text.
        Some(Value::Array(items)) if !items.is_empty() => {
            // "1; 2,5" where a comma is the decimal separator.
            let sep = if format_number(0.5, 1, lang).contains(',') {
                "; "
            } else {
                ", "
            };
            items
                .iter()
                .map(|v| property_text(Some(v), lang))
                .collect::<Vec<_>>()
                .join(sep)
        }
        Some(_) => "–".to_string(),
    }
}

/// Whole numbers without decimals; others with up to two decimals (three
/// significant digits below 1), trailing zeros dropped.
fn number_text(v: f64, lang: &str) -> String {
    if v.fract() == 0.0 || !v.is_finite() {
        return format_number(v, 0, lang);
    }
    let decimals = if v.abs() >= 1.0 {
        2
    } else {
        // 0.01234 → 0.0123: three significant digits, at most six decimals.
        ((2.0 - v.abs().log10().floor()) as usize).min(6)
    };
    // Drop trailing zeros: 2.50 reads as 2.5.
    let text = twinstory_model::decimal::Fixed(v, decimals).to_string();
    let d = text
        .trim_end_matches('0')
        .split_once('.')
        .map_or(0, |(_, f)| f.len());
    format_number(v, d, lang)
}

/// Whether a pointer at `p` is on its way from where a tooltip belongs
/// (`anchor`) to the tooltip's box (`[left, top, right, bottom]`, all in the
/// same px): inside the convex hull of the anchor and the box. While it is,
/// the tooltip stays as it is, so a reader can move onto it (WCAG 1.4.13)
/// without crossing other areas that would swap it.
///
/// # Examples
/// ```
/// use twinstory_scene::on_the_way_to_tooltip;
/// // A box up and to the right of the anchor.
/// let (anchor, rect) = ([100.0, 100.0], [112.0, 40.0, 212.0, 88.0]);
/// assert!(on_the_way_to_tooltip(anchor, rect, [108.0, 94.0]));
/// assert!(!on_the_way_to_tooltip(anchor, rect, [90.0, 100.0]));
/// ```
pub fn on_the_way_to_tooltip(anchor: [f64; 2], rect: [f64; 4], p: [f64; 2]) -> bool {
    let [l, t, r, b] = rect;
    if p[0] >= l && p[0] <= r && p[1] >= t && p[1] <= b {
        return true;
    }
    // The hull of a point and a convex box is the box and the triangles
    // from the point to each of the box's edges.
    let corners = [[l, t], [r, t], [r, b], [l, b]];
    let cross = |o: [f64; 2], a: [f64; 2], q: [f64; 2]| {
        (a[0] - o[0]) * (q[1] - o[1]) - (a[1] - o[1]) * (q[0] - o[0])
    };
    (0..4).any(|i| {
        let (a, c) = (corners[i], corners[(i + 1) % 4]);
        let d = [cross(anchor, a, p), cross(a, c, p), cross(c, anchor, p)];
        d.iter().all(|x| *x >= 0.0) || d.iter().all(|x| *x <= 0.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn numbers_follow_the_language_and_drop_needless_decimals() {
        let p = props(json!({
            "a": 1234.5, "b": 1234567, "c": 2.50, "d": 0.012345, "e": -3.0,
            "f": 12.345678, "g": 0.5, "h": 1e-9
        }));
        let de = render_template("{a}|{b}|{c}|{d}|{e}|{f}|{g}|{h}", &p, "de-DE");
        assert_eq!(de, "1.234,5|1.234.567|2,5|0,0123|-3|12,35|0,5|0");
        let en = render_template("{a}|{b}|{c}", &p, "en");
        assert_eq!(en, "1,234.5|1,234,567|2.5");
    }

    #[test]
    fn dates_and_times_follow_the_language() {
        // A SensorThings layer's `time`, and a date column of a table.
        let p =
            props(json!({"time": "2026-11-28T23:00:00Z", "day": "2026-12-03", "code": "2026-99"}));
        assert_eq!(
            render_template("{time} | {day} | {code}", &p, "de"),
            "28. November 2026, 23:00 UTC | 3. Dezember 2026 | 2026-99"
        );
        assert_eq!(
            render_template("{time} | {day}", &p, "en"),
            "28 November 2026, 23:00 UTC | 3 December 2026"
        );
    }

    #[test]
    fn missing_empty_and_other_values() {
        let p = props(json!({
            "s": "  ", "n": null, "t": true, "arr": [1, 2.5, "x"], "obj": {"a": 1}, "empty": [],
            "name": "St. Pauli"
        }));
        assert_eq!(render_template("{s}/{n}/{x}", &p, "de"), "–/–/–");
        assert_eq!(render_template("{t}: {arr}", &p, "de"), "ja: 1; 2,5; x");
        assert_eq!(render_template("{obj} {empty}", &p, "de"), "– –");
        assert_eq!(render_template("{t}: {arr}", &p, "en"), "yes: 1, 2.5, x");
        assert_eq!(
            render_template("{ name }", &p, "de"),
            "St. Pauli",
            "spaces around the field"
        );
    }

    #[test]
    fn braces_escape_and_broken_templates_stay_readable() {
        let p = props(json!({"name": "<b>Altona</b>"}));
        assert_eq!(
            render_template("{{name}} = {name}", &p, "de"),
            "{name} = <b>Altona</b>"
        );
        assert_eq!(render_template("a }} b } c", &p, "de"), "a } b } c");
        assert_eq!(render_template("open {name", &p, "de"), "open {name");
        assert_eq!(render_template("", &p, "de"), "");
        assert_eq!(
            render_template("Fläche: {name} ✓", &p, "de"),
            "Fläche: <b>Altona</b> ✓"
        );
    }

    #[test]
    fn the_way_to_a_tooltip_is_the_hull_of_anchor_and_box() {
        // Box above and right of the anchor, 12 px away (as the player puts it).
        let (a, r) = ([100.0, 100.0], [112.0, 40.0, 212.0, 88.0]);
        for p in [
            [100.0, 100.0],
            [106.0, 94.0],
            [150.0, 80.0],
            [112.0, 88.0],
            [200.0, 60.0],
        ] {
            assert!(on_the_way_to_tooltip(a, r, p), "{p:?} is on the way");
        }
        // Straight right, straight up, down, left and beyond the box: not.
        for p in [
            [110.0, 100.0],
            [100.0, 90.0],
            [100.0, 110.0],
            [90.0, 100.0],
            [220.0, 60.0],
            [150.0, 30.0],
        ] {
            assert!(!on_the_way_to_tooltip(a, r, p), "{p:?} is not on the way");
        }
        // A box below and left of the anchor.
        let r = [-12.0, 112.0, 88.0, 160.0];
        assert!(on_the_way_to_tooltip(a, r, [95.0, 105.0]));
        assert!(!on_the_way_to_tooltip(a, r, [105.0, 105.0]));
    }
}
