//! Settings against the data: what the files hold says more than the
//! reader's error (an Overpass export declared GeoJSON), or shows a mistake
//! the reader cannot see (swapped CSV coordinates, a fit box decided by one
//! far-away feature, `extrude` on points or lines).

use serde_json::Value;

/// True for Overpass API JSON: an object with an `elements` list and the
/// Overpass marks (`osm3s`, a `generator` naming Overpass) or no GeoJSON `type`.
pub(crate) fn is_overpass_export(bytes: &[u8]) -> bool {
    let Ok(Value::Object(top)) = serde_json::from_slice::<Value>(bytes) else {
        return false;
    };
    let elements = matches!(top.get("elements"), Some(Value::Array(_)));
    let marked = top.contains_key("osm3s")
        || top
            .get("generator")
            .and_then(Value::as_str)
            .is_some_and(|g| g.contains("Overpass"));
    elements && (marked || !top.contains_key("type"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overpass_exports_are_told_from_geojson() {
        assert!(is_overpass_export(
            br#"{"version":0.6,"osm3s":{},"elements":[]}"#
        ));
        assert!(is_overpass_export(br#"{"elements":[{"type":"node"}]}"#));
        assert!(!is_overpass_export(
            br#"{"type":"FeatureCollection","features":[]}"#
        ));
        assert!(!is_overpass_export(b"not json"));
    }
}

/// A box `[west, south, east, north]` in degrees.
pub(crate) type Bbox = [f64; 4];

fn union(a: Option<Bbox>, b: Bbox) -> Bbox {
    match a {
        Some(a) => [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ],
        None => b,
    }
}

fn area(b: &Bbox) -> f64 {
    (b[2] - b[0]).max(1e-9) * (b[3] - b[1]).max(1e-9)
}

fn contains(b: &Bbox, x: f64, y: f64) -> bool {
    x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]
}

/// Each feature's box, with its name for messages.
pub(crate) fn feature_boxes(data: &twinstory_data::Dataset) -> Vec<(String, Bbox)> {
    use geo::BoundingRect;
    data.features
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let r = f.geometry.as_ref()?.bounding_rect()?;
            let name = ["name", "title", "id"]
                .iter()
                .find_map(|k| match f.properties.get(*k) {
                    Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
                .unwrap_or_else(|| format!("feature {}", i + 1));
            Some((name, [r.min().x, r.min().y, r.max().x, r.max().y]))
        })
        .collect()
}

/// The box of all `boxes`.
pub(crate) fn total(boxes: &[(String, Bbox)]) -> Option<Bbox> {
    boxes.iter().fold(None, |acc, (_, b)| Some(union(acc, *b)))
}

/// One far-away feature that decides a fit box: the feature whose removal
/// shrinks the box to less than a third of its area, with the box of the
/// rest. Layers of fewer than five features are left alone.
pub(crate) fn fit_outlier(boxes: &[(String, Bbox)]) -> Option<(String, Bbox)> {
    if boxes.len() < 5 {
        return None;
    }
    let all = total(boxes)?;
    // Only the features on the box's edges can decide it.
    let on_edge = |b: &Bbox| b[0] == all[0] || b[1] == all[1] || b[2] == all[2] || b[3] == all[3];
    boxes
        .iter()
        .enumerate()
        .filter(|(_, (_, b))| on_edge(b))
        .filter_map(|(i, (name, _))| {
            let rest = boxes
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .fold(None, |acc, (_, (_, b))| Some(union(acc, *b)))?;
            (area(&rest) * 3.0 < area(&all)).then(|| (name.clone(), rest))
        })
        .min_by(|a, b| area(&a.1).total_cmp(&area(&b.1)))
}

/// Whether a CSV layer's points lie in the story's area only with latitude
/// and longitude exchanged: most points outside `area`, most swapped inside.
pub(crate) fn looks_swapped(points: &[(f64, f64)], area: &Bbox) -> bool {
    if points.is_empty() {
        return false;
    }
    let grown = {
        let (mx, my) = ((area[2] - area[0]).max(0.5), (area[3] - area[1]).max(0.5));
        [area[0] - mx, area[1] - my, area[2] + mx, area[3] + my]
    };
    let inside = points
        .iter()
        .filter(|(x, y)| contains(&grown, *x, *y))
        .count();
    let swapped = points
        .iter()
        .filter(|(x, y)| contains(&grown, *y, *x))
        .count();
    inside * 2 < points.len() && swapped * 2 > points.len()
}

#[cfg(test)]
mod geo_tests {
    use super::*;

    fn quarter(name: &str, x: f64, y: f64) -> (String, Bbox) {
        (name.into(), [x, y, x + 0.05, y + 0.05])
    }

    #[test]
    fn one_far_feature_is_named_with_the_box_of_the_rest() {
        let mut q: Vec<_> = (0..10)
            .map(|i| quarter(&format!("Q{i}"), 9.8 + 0.05 * f64::from(i), 53.5))
            .collect();
        assert_eq!(fit_outlier(&q), None);
        q.push(quarter("Neuwerk", 8.42, 53.91));
        let (name, rest) = fit_outlier(&q).unwrap();
        assert_eq!(name, "Neuwerk");
        assert!(
            (rest[0] - 9.8).abs() < 1e-9 && (rest[2] - 10.3).abs() < 1e-9,
            "{rest:?}"
        );
    }

    #[test]
    fn swapped_points_are_told_from_points_beside_the_area() {
        let hamburg = [9.7, 53.4, 10.3, 53.7];
        let right = vec![(9.99, 53.55), (10.0, 53.6)];
        let swapped: Vec<_> = right.iter().map(|(x, y)| (*y, *x)).collect();
        assert!(!looks_swapped(&right, &hamburg));
        assert!(looks_swapped(&swapped, &hamburg));
        // Points far away but not swapped (Munich) are not called swapped.
        assert!(!looks_swapped(&[(11.57, 48.14)], &hamburg));
    }
}

/// The checks of this file over a story whose layers were read (`loaded`,
/// one entry per layer, `None` for layers not read).
pub(crate) fn check(
    sink: &mut crate::diagnostic::Sink,
    story: &twinstory_model::Story,
    loaded: &[Option<crate::LayerData>],
    spans: &crate::Spans,
) {
    use twinstory_model::{FitTarget, Source};
    let boxes: Vec<Option<Vec<(String, Bbox)>>> = loaded
        .iter()
        .map(|l| l.as_ref().map(|d| feature_boxes(&d.dataset)))
        .collect();
    // Swapped CSV coordinates: against the other layers and the views.
    for (i, layer) in story.layers.iter().enumerate() {
        let Source::Csv { lat, lon, .. } = &layer.source else {
            continue;
        };
        let Some(data) = loaded.get(i).and_then(Option::as_ref) else {
            continue;
        };
        let mut area: Option<Bbox> = None;
        for (j, b) in boxes.iter().enumerate() {
            if j == i || matches!(story.layers[j].source, Source::Csv { .. }) {
                continue;
            }
            if let Some(t) = b.as_deref().and_then(total) {
                area = Some(union(area, t));
            }
        }
        for s in &story.steps {
            if let Some([x, y]) = s.view.as_ref().and_then(|v| v.center) {
                area = Some(union(area, [x, y, x, y]));
            }
        }
        let Some(area) = area else { continue };
        let points: Vec<(f64, f64)> = data
            .dataset
            .features
            .iter()
            .filter_map(|f| match &f.geometry {
                Some(geo::Geometry::Point(p)) => Some((p.x(), p.y())),
                _ => None,
            })
            .collect();
        if !looks_swapped(&points, &area) {
            continue;
        }
        let columns: Vec<String> = data
            .dataset
            .features
            .first()
            .map(|f| f.properties.keys().cloned().collect())
            .unwrap_or_default();
        let detected = twinstory_data::detect_coordinate_columns(&columns);
        let name = |given: &Option<String>, k: usize| {
            given
                .clone()
                .or_else(|| detected.map(|d| columns[if k == 0 { d.0 } else { d.1 }].clone()))
                .unwrap_or_else(|| if k == 0 { "lat" } else { "lon" }.to_owned())
        };
        let (lat_col, lon_col) = (name(lat, 0), name(lon, 1));
        let pos = spans.layer_url.get(i).copied().unwrap_or_default();
        sink.warning(
            "W0011",
            pos,
            format!(
                "the points of layer `{}` lie far from the story's other data, but where they belong with latitude and longitude exchanged: the column `{lat_col}` seems to hold longitudes and `{lon_col}` latitudes",
                layer.id
            ),
            Some(format!(
                "write `lat: {lon_col}, lon: {lat_col}` in the layer's `source` (or rename the columns in the file)"
            )),
        );
    }
    // `extrude` on points or lines: only polygons are raised.
    for (i, layer) in story.layers.iter().enumerate() {
        if let Some(data) = loaded.get(i).and_then(Option::as_ref) {
            extrude_on_points_or_lines(sink, layer, &data.dataset, spans, i);
        }
    }
    // A fit box decided by one far-away feature.
    for (s, step) in story.steps.iter().enumerate() {
        let Some(FitTarget::Layer(id)) = step.view.as_ref().and_then(|v| v.fit.as_ref()) else {
            continue;
        };
        let Some(i) = story.layers.iter().position(|l| l.id == *id) else {
            continue;
        };
        let Some((name, rest)) = boxes
            .get(i)
            .and_then(Option::as_deref)
            .and_then(fit_outlier)
        else {
            continue;
        };
        let Some(pos) = spans.step_view.get(s).copied().flatten() else {
            continue;
        };
        let r = |v: f64, up: bool| {
            let scaled = v * 100.0;
            let v = if up { scaled.ceil() } else { scaled.floor() } / 100.0;
            crate::assets::deg(v)
        };
        sink.warning(
            "W0013",
            pos,
            format!(
                "`fit: {id}` in step `{}` shows a mostly empty map: one far-away feature, `{name}`, decides the box",
                step.id
            ),
            Some(format!(
                "to show the rest of the layer, fit its box instead: `view: {{ fit: [{}, {}, {}, {}] }}` (see docs/story-format.md, section `view`)",
                r(rest[0], false),
                r(rest[1], false),
                r(rest[2], true),
                r(rest[3], true)
            )),
        );
    }
}

/// Features of a layer by what the map can draw of them: areas (polygons),
/// points and lines (a feature of several parts counts once, by its kind;
/// collections and features without a geometry are none of them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Shapes {
    pub areas: usize,
    pub points: usize,
    pub lines: usize,
}

impl Shapes {
    pub(crate) fn of(data: &twinstory_data::Dataset) -> Self {
        use geo::Geometry as G;
        let mut out = Shapes::default();
        for f in &data.features {
            match &f.geometry {
                Some(G::Polygon(_) | G::MultiPolygon(_) | G::Rect(_) | G::Triangle(_)) => {
                    out.areas += 1;
                }
                Some(G::Point(_) | G::MultiPoint(_)) => out.points += 1,
                Some(G::Line(_) | G::LineString(_) | G::MultiLineString(_)) => out.lines += 1,
                _ => {}
            }
        }
        out
    }

    /// The points and lines in words: "2 points", "1 point and 4 lines".
    fn flat(self) -> String {
        let count = |n: usize, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        [
            count(self.points, "point", "points"),
            count(self.lines, "line", "lines"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" and ")
    }
}

/// Warns (W0066) when a layer's `extrude` meets features that are points
/// or lines: the player raises polygons only and draws the rest flat,
/// without a word. `extrude: model` is left to its own checks (E0151).
fn extrude_on_points_or_lines(
    sink: &mut crate::diagnostic::Sink,
    layer: &twinstory_model::Layer,
    data: &twinstory_data::Dataset,
    spans: &crate::Spans,
    i: usize,
) {
    use twinstory_model::Height;
    if matches!(layer.style.extrude, None | Some(Height::Model(_))) {
        return;
    }
    let shapes = Shapes::of(data);
    if shapes.points + shapes.lines == 0 {
        return;
    }
    let pos = spans
        .layer_extrude
        .get(i)
        .copied()
        .flatten()
        .or_else(|| spans.layer_url.get(i).copied())
        .unwrap_or_default();
    let id = &layer.id;
    let flat = shapes.flat();
    let (message, help) = if shapes.areas == 0 {
        let mut help = "the map draws them flat, as without `extrude`: delete the setting, or raise a layer of areas (e.g. building footprints)".to_owned();
        if shapes.points > 0 {
            help.push_str(
                "; to show a number at points, size them by it with `circles` (docs/styling.md)",
            );
        }
        (
            format!(
                "`extrude` raises nothing on layer `{id}`: its features are {flat}, and only polygons (areas) are raised into blocks"
            ),
            help,
        )
    } else {
        let areas = match shapes.areas {
            1 => "the 1 polygon".to_owned(),
            n => format!("the {n} polygons"),
        };
        (
            format!(
                "`extrude` raises only {areas} of layer `{id}`: its {flat} stay flat (only polygons, areas, are raised into blocks)"
            ),
            format!(
                "put the {} in a layer of their own, without `extrude`",
                match (shapes.points, shapes.lines) {
                    (0, _) => "lines",
                    (_, 0) => "points",
                    _ => "points and lines",
                }
            ),
        )
    };
    sink.warning("W0066", pos, message, Some(help));
}
