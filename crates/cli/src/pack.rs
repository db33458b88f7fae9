//! Preparing a layer's data for the player: only the properties the story
//! uses, lines and outlines simplified below what the story's deepest view
//! can show, coordinates packed as integers (twinstory-data's packed format).
//!
//! The story's meaning does not change: every feature is kept (simplified
//! shapes keep at least their corners), and the properties that colour,
//! filter, highlight or label features keep their exact values, so classes
//! and legends come out the same.

use geo::{Geometry, Simplify};
use std::collections::BTreeSet;
use twinstory_data::{used_properties, Dataset};
use twinstory_model::{FitTarget, Layer, Story};

/// What packing did to one layer, for the build's report.
#[derive(Debug, Clone, PartialEq)]
pub struct PackReport {
    /// Properties kept.
    pub kept: Vec<String>,
    /// Properties dropped because no `fields`, style, tooltip or step uses them.
    pub dropped: usize,
    /// Vertices before and after simplification.
    pub vertices: (usize, usize),
    /// Simplification tolerance in degrees (0: none).
    pub tolerance: f64,
}

/// The deepest zoom at which the story shows `layer`: explicit step zooms,
/// and for `fit` views the zoom that fits that box into a 2560 px wide map.
pub fn deepest_zoom(story: &Story, layer: &Layer, data: &Dataset) -> f64 {
    let fit_zoom = |w: f64, h: f64| {
        let span = w.max(h * 1.6).max(1e-9);
        (2560.0 * 360.0 / (512.0 * span)).log2()
    };
    let mut deepest: f64 = 0.0;
    for step in &story.steps {
        if !step.show.iter().any(|s| s.layer == layer.id) {
            continue;
        }
        // A step without a view keeps the camera of an earlier step: covered below.
        let Some(view) = &step.view else { continue };
        if let Some(z) = view.zoom {
            deepest = deepest.max(z);
        }
        match &view.fit {
            Some(FitTarget::Bbox([w, s, e, n])) => deepest = deepest.max(fit_zoom(e - w, n - s)),
            Some(FitTarget::Layer(_)) => {
                if let Some((w, h)) = extent(data) {
                    deepest = deepest.max(fit_zoom(w, h));
                }
            }
            None => {}
        }
    }
    // Every zoom any step uses (a step without view keeps the previous one).
    let any = story
        .steps
        .iter()
        .filter_map(|s| s.view.as_ref().and_then(|v| v.zoom))
        .fold(0.0_f64, f64::max);
    deepest.max(any).clamp(0.0, 22.0)
}

fn extent(data: &Dataset) -> Option<(f64, f64)> {
    use geo::BoundingRect;
    let mut b: Option<geo::Rect<f64>> = None;
    for f in &data.features {
        if let Some(r) = f.geometry.as_ref().and_then(|g| g.bounding_rect()) {
            b = Some(match b {
                Some(a) => geo::Rect::new(
                    (a.min().x.min(r.min().x), a.min().y.min(r.min().y)),
                    (a.max().x.max(r.max().x), a.max().y.max(r.max().y)),
                ),
                None => r,
            });
        }
    }
    b.map(|r| (r.width(), r.height()))
}

/// Drops unused properties and simplifies shapes in place.
pub fn prepare(story: &Story, layer: &Layer, data: &mut Dataset) -> PackReport {
    let used = used_properties(layer, story.steps.iter().flat_map(|s| &s.show));
    let mut kept = BTreeSet::new();
    let mut dropped = BTreeSet::new();
    for f in &mut data.features {
        f.properties.retain(|k, _| {
            let keep = used.iter().any(|u| u == k);
            if keep {
                kept.insert(k.clone());
            } else {
                dropped.insert(k.clone());
            }
            keep
        });
    }
    // A quarter of a device pixel at twice the deepest zoom (retina screens,
    // a little closer than planned): invisible, and it removes the survey
    // detail city boundaries carry.
    let zoom = deepest_zoom(story, layer, data) + 1.0;
    let lat = 53.5_f64.to_radians();
    let tolerance = 0.25 * 360.0 / (512.0 * zoom.exp2()) * lat.cos();
    let mut before = 0;
    let mut after = 0;
    // A building's surfaces travel only to layers that draw them.
    let model = layer
        .style
        .extrude
        .as_ref()
        .is_some_and(twinstory_model::Height::is_model);
    for f in &mut data.features {
        if !model {
            f.solid = None;
        }
        if let Some(g) = &mut f.geometry {
            before += vertices(g);
            *g = simplify(g, tolerance);
            after += vertices(g);
        }
    }
    PackReport {
        kept: kept.into_iter().collect(),
        dropped: dropped.len(),
        vertices: (before, after),
        tolerance,
    }
}

fn simplify(g: &Geometry<f64>, eps: f64) -> Geometry<f64> {
    match g {
        Geometry::LineString(l) => Geometry::LineString(l.simplify(eps)),
        Geometry::MultiLineString(m) => Geometry::MultiLineString(m.simplify(eps)),
        Geometry::Polygon(p) => Geometry::Polygon(keep_rings(p, p.simplify(eps))),
        Geometry::MultiPolygon(m) => Geometry::MultiPolygon(geo::MultiPolygon(
            m.0.iter().map(|p| keep_rings(p, p.simplify(eps))).collect(),
        )),
        Geometry::GeometryCollection(c) => Geometry::GeometryCollection(geo::GeometryCollection(
            c.0.iter().map(|g| simplify(g, eps)).collect(),
        )),
        other => other.clone(),
    }
}

/// A ring simplified below four positions would vanish: keep the original then.
fn keep_rings(original: &geo::Polygon<f64>, simple: geo::Polygon<f64>) -> geo::Polygon<f64> {
    let ok = simple.exterior().0.len() >= 4
        && simple.interiors().len() == original.interiors().len()
        && simple.interiors().iter().all(|r| r.0.len() >= 4);
    if ok {
        simple
    } else {
        original.clone()
    }
}

fn vertices(g: &Geometry<f64>) -> usize {
    use geo::CoordsIter;
    g.coords_count()
}
