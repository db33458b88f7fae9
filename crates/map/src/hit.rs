//! What is under the pointer: hit tests at a screen point, and keyboard
//! stepping between features.
//!
//! Each layer gets a [`SpatialIndex`] over its shapes and points once, when
//! its data arrives ([`HitIndex::new`]); a hit test then visits only the few
//! entries whose bounding box is near the pointer, so hovering over 100,000
//! points costs microseconds, not a loop over every feature. Hits follow
//! what the draw list paints: a layer with opacity 0 or a feature hidden by
//! a step's filter is never hit, points are hit within their drawn radius,
//! lines within their stroke, and polygons by the rasteriser's non-zero rule
//! (holes wind against their exterior, see [`crate::prepare`]).

use crate::camera::{Transform, Viewport};
use crate::draw_list::LayerPaint;
use crate::geometry::distance::{distance, polyline_distance, polyline_length};
use crate::geometry::interior_point::interior_point;
use crate::geometry::winding::{signed_area, winding_number};
use crate::prepare::{PreparedLayer, Shape};
use crate::spatial_index::SpatialIndex;

/// A layer's geometry ready for hit tests: a [`SpatialIndex`] over its
/// shapes and points, and one anchor per feature (where keyboard focus puts
/// the tooltip).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HitIndex {
    tree: SpatialIndex,
    /// Items below this are shapes, the rest points (item − shape_count).
    shape_count: u32,
    anchors: Vec<Option<[f64; 2]>>,
    /// Per feature, the height (metres) of its real shape's surface over
    /// its anchor (NaN where there is none); empty without solids.
    roofs: Vec<f32>,
}

impl HitIndex {
    /// Indexes a prepared layer (once, when its data arrives).
    ///
    /// # Examples
    /// ```
    /// use geo::{Geometry, Point};
    /// use twinstory_map::{hit::HitIndex, PreparedLayer};
    /// let g = Geometry::Point(Point::new(10.0, 53.5));
    /// let layer = PreparedLayer::from_geometries([Some(&g), None]);
    /// let index = HitIndex::new(&layer);
    /// assert!(index.anchor(0).is_some());
    /// assert_eq!(index.anchor(1), None, "a feature without geometry has no anchor");
    /// ```
    pub fn new(layer: &PreparedLayer) -> Self {
        let boxes: Vec<[f64; 4]> = layer
            .shapes
            .iter()
            .map(|s| s.bbox)
            .chain(layer.points.iter().map(|p| [p[0], p[1], p[0], p[1]]))
            .collect();
        let anchors = anchors(layer);
        let roofs = if !crate::SOLID || layer.solids.is_empty() {
            Vec::new()
        } else {
            let at = |(f, a): (usize, &Option<[f64; 2]>)| {
                a.and_then(|a| layer.solids.height_at(f as u32, a))
                    .map_or(f32::NAN, |h| h as f32)
            };
            anchors.iter().enumerate().map(at).collect()
        };
        Self {
            tree: SpatialIndex::new(&boxes),
            shape_count: layer.shapes.len() as u32,
            anchors,
            roofs,
        }
    }

    /// The point (world units) that stands for a feature: inside its largest
    /// polygon, on its longest line, or its first point.
    pub fn anchor(&self, feature: u32) -> Option<[f64; 2]> {
        self.anchors.get(feature as usize).copied().flatten()
    }

    /// Number of indexed shapes and points.
    pub fn len(&self) -> usize {
        self.tree.len()
    }

    /// True when nothing is indexed (no data, or a layer without tooltips).
    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }

    /// The feature an index item belongs to, and the part of it the item is.
    fn decode<'a>(&self, layer: &'a PreparedLayer, item: u32) -> (u32, Part<'a>) {
        match item.checked_sub(self.shape_count) {
            None => {
                let shape = &layer.shapes[item as usize];
                (shape.feature, Part::Shape(shape))
            }
            Some(i) => (layer.point_feature[i as usize], Part::Point(i as usize)),
        }
    }
}

/// What an item of a [`HitIndex`] stands for: items below the shape count
/// are shapes, the rest points.
#[derive(Debug, Clone, Copy)]
enum Part<'a> {
    /// A polygon or line.
    Shape(&'a Shape),
    /// A point: its index in [`PreparedLayer::points`].
    Point(usize),
}

/// One layer as a hit test sees it.
#[derive(Debug, Clone, Copy)]
pub struct HitLayer<'a> {
    /// The layer's geometry.
    pub layer: &'a PreparedLayer,
    /// Its index, built from the same geometry.
    pub index: &'a HitIndex,
    /// How it is painted in this frame (opacity, filter, radii, strokes).
    pub paint: &'a LayerPaint,
    /// The largest point radius in CSS px the paint gives any feature
    /// ([`LayerPaint::max_radius`], computed once per step).
    pub max_radius: f64,
}

/// A feature found at a screen point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Position of the layer in the slice given to [`hit_test`].
    pub layer: usize,
    /// The feature's index in its layer.
    pub feature: u32,
}

/// The feature drawn at `point` (CSS px from the map's top-left corner).
///
/// `layers` are in drawing order; the topmost (last) layer with a hit wins.
/// Within a layer points beat lines and lines beat polygons, as they are
/// painted on top; among points or lines the nearest wins. Points count
/// within their drawn radius plus `tolerance` CSS px, lines within half
/// their stroke plus `tolerance`; polygons contain the point by the non-zero
/// rule (outline-only polygons count near their outline). Layers with
/// opacity 0, filtered features and features without a colour are skipped.
///
/// # Examples
/// ```
/// use geo::{Geometry, Point};
/// use twinstory_map::hit::{hit_test, HitIndex, HitLayer};
/// use twinstory_map::{Camera, LayerPaint, PreparedLayer, Transform, Viewport};
/// let g = Geometry::Point(Point::new(10.0, 53.5));
/// let layer = PreparedLayer::from_geometries([Some(&g)]);
/// let index = HitIndex::new(&layer);
/// let paint = LayerPaint::default();
/// let vp = Viewport { width: 400.0, height: 300.0, dpr: 2.0 };
/// let t = Transform::new(&Camera::new([10.0, 53.5], 12.0), &vp);
/// let l = HitLayer { layer: &layer, index: &index, paint: &paint, max_radius: paint.max_radius() };
/// assert!(hit_test(&[l], &t, &vp, [202.0, 151.0], 4.0).is_some());
/// assert!(hit_test(&[l], &t, &vp, [230.0, 150.0], 4.0).is_none());
/// ```
pub fn hit_test(
    layers: &[HitLayer<'_>],
    transform: &Transform,
    viewport: &Viewport,
    point: [f64; 2],
    tolerance: f64,
) -> Option<Hit> {
    let dpr = viewport.dpr;
    let world = transform.to_world([point[0] * dpr, point[1] * dpr]);
    let tolerance = tolerance.max(0.0) * dpr;
    layers.iter().enumerate().rev().find_map(|(i, l)| {
        hit_layer(l, world, transform.scale(), dpr, tolerance)
            .map(|feature| Hit { layer: i, feature })
    })
}

/// The hit in one layer: `world` is the pointer in world units, `scale`
/// device px per world unit, `tolerance` in device px.
fn hit_layer(
    l: &HitLayer<'_>,
    world: [f64; 2],
    scale: f64,
    dpr: f64,
    tolerance: f64,
) -> Option<u32> {
    let paint = l.paint;
    if paint.opacity <= 0.0 || l.index.is_empty() || scale <= 0.0 {
        return None;
    }
    let half_stroke = paint.stroke_width.max(0.0) * dpr / 2.0;
    let emphasis = paint.emphasis.as_ref().map_or(0.0, |e| e.width * dpr / 2.0);
    let reach = (l.max_radius * dpr).max(0.5).max(half_stroke).max(emphasis) + tolerance;
    let r = reach / scale;
    let query = [world[0] - r, world[1] - r, world[0] + r, world[1] + r];
    let line_reach = (half_stroke + tolerance) / scale;
    let layer = l.layer;
    // The best candidates as (distance, item, feature); items break ties.
    let mut point: Option<(f64, u32, u32)> = None;
    let mut line: Option<(f64, u32, u32)> = None;
    let mut polygon: Option<(u32, u32)> = None;
    let nearer = |best: &mut Option<(f64, u32, u32)>, d: f64, item: u32, feature: u32| {
        // Ties go to the later item, which is drawn on top.
        if best.is_none_or(|(bd, bi, _)| d < bd || (d == bd && item > bi)) {
            *best = Some((d, item, feature));
        }
    };
    l.index.tree.search(&query, |item| {
        let (f, part) = l.index.decode(layer, item);
        // Raised polygons are picked against their drawn faces
        // (`DrawList::face_at`), not their footprints.
        if !paint.visible(f) || paint.raised(f) {
            return;
        }
        match part {
            Part::Shape(shape) => {
                if shape.closed && paint.fill_of(f).is_some() {
                    if winding_number(layer.shape_rings(shape), world) != 0 {
                        polygon = polygon.max(Some((item, f)));
                    }
                } else if paint.stroke_of(f, shape.closed).is_some() {
                    let d = layer
                        .shape_rings(shape)
                        .map(|ring| polyline_distance(ring, shape.closed, world))
                        .fold(f64::INFINITY, f64::min);
                    if d <= line_reach {
                        nearer(&mut line, d, item, f);
                    }
                }
            }
            Part::Point(i) => {
                if paint.fill_of(f).is_none() {
                    return;
                }
                let d = distance(world, layer.points[i]);
                let radius = (paint.radius_of(f) * dpr).max(0.5);
                if d * scale <= radius + tolerance {
                    nearer(&mut point, d, item, f);
                }
            }
        }
    });
    point
        .or(line)
        .map(|(_, _, feature)| feature)
        .or(polygon.map(|(_, feature)| feature))
}

/// Features of a layer that a reader can step to: drawn in this frame and
/// with their anchor on screen. Calls `visit(feature, anchor in CSS px)`
/// once per feature. Layers with opacity 0 give nothing. A raised polygon
/// (`extrude`) is anchored on its roof, where the reader sees it, so its
/// label and keyboard focus sit on the building, not at its foot.
pub fn visible_features(
    l: &HitLayer<'_>,
    transform: &Transform,
    viewport: &Viewport,
    mut visit: impl FnMut(u32, [f64; 2]),
) {
    let paint = l.paint;
    if paint.opacity <= 0.0 || l.index.is_empty() {
        return;
    }
    let view = transform.visible_world_bounds();
    let mut seen = vec![false; l.index.anchors.len()];
    let layer = l.layer;
    l.index.tree.search(&view, |item| {
        let (f, part) = l.index.decode(layer, item);
        let drawn = match part {
            Part::Shape(s) => {
                (s.closed && paint.fill_of(f).is_some()) || paint.stroke_of(f, s.closed).is_some()
            }
            Part::Point(_) => paint.fill_of(f).is_some(),
        };
        let Some(slot) = seen.get_mut(f as usize) else {
            return;
        };
        if *slot || !drawn || !paint.visible(f) {
            return;
        }
        *slot = true;
        let Some(anchor) = l.index.anchor(f) else {
            return;
        };
        let roof = l
            .index
            .roofs
            .get(f as usize)
            .copied()
            .filter(|h| !h.is_nan());
        let Some([x, y]) = seen_at(paint, transform, f, anchor, roof) else {
            return;
        };
        let (x, y) = (x / viewport.dpr, y / viewport.dpr);
        if x >= 0.0 && y >= 0.0 && x <= viewport.width && y <= viewport.height {
            visit(f, [x, y]);
        }
    });
}

/// Where the reader sees a feature's anchor, in device px: on the roof of a
/// raised polygon, else on the ground; `None` behind the eye. Not inlined:
/// `visible_features` is copied for each of its callers.
#[inline(never)]
fn seen_at(
    paint: &LayerPaint,
    t: &Transform,
    f: u32,
    anchor: [f64; 2],
    roof: Option<f32>,
) -> Option<[f64; 2]> {
    match paint
        .extrude
        .as_ref()
        .filter(|_| crate::SOLID)
        .and_then(|e| e.of(f))
    {
        // A real shape's surface over the anchor (a gabled roof is lower
        // there than at its ridge), else the top of the block.
        Some((_, top)) => t
            .project(anchor, f64::from(roof.unwrap_or(top)) * t.px_per_metre())
            .map(|[x, y, _]| [x, y]),
        None => Some(t.to_screen(anchor)),
    }
}

/// A direction of keyboard navigation on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards smaller x.
    Left,
    /// Towards larger x.
    Right,
    /// Towards smaller y (up on screen).
    Up,
    /// Towards larger y.
    Down,
}

/// The candidate to move to from `from` in `direction` (all in screen
/// units): the one with the smallest distance along the direction plus
/// twice the sideways offset, among those at least half a pixel ahead.
/// `None` when nothing lies that way.
///
/// # Examples
/// ```
/// use twinstory_map::hit::{nearest_in_direction, Direction};
/// let c = [[100.0, 0.0], [30.0, 10.0], [-50.0, 0.0]];
/// assert_eq!(nearest_in_direction([0.0, 0.0], &c, Direction::Right), Some(1));
/// assert_eq!(nearest_in_direction([0.0, 0.0], &c, Direction::Left), Some(2));
/// assert_eq!(nearest_in_direction([0.0, 0.0], &c, Direction::Up), None);
/// ```
pub fn nearest_in_direction(
    from: [f64; 2],
    candidates: &[[f64; 2]],
    direction: Direction,
) -> Option<usize> {
    let (ux, uy) = match direction {
        Direction::Left => (-1.0, 0.0),
        Direction::Right => (1.0, 0.0),
        Direction::Up => (0.0, -1.0),
        Direction::Down => (0.0, 1.0),
    };
    let mut best: Option<(f64, usize)> = None;
    for (i, c) in candidates.iter().enumerate() {
        let (dx, dy) = (c[0] - from[0], c[1] - from[1]);
        let along = dx * ux + dy * uy;
        if along < 0.5 {
            continue;
        }
        let side = (dx * uy - dy * ux).abs();
        let score = along + 2.0 * side;
        if best.is_none_or(|(b, _)| score < b) {
            best = Some((score, i));
        }
    }
    best.map(|(_, i)| i)
}

/// One anchor per feature: inside its largest polygon, else the middle
/// vertex of its longest line, else its first point.
fn anchors(layer: &PreparedLayer) -> Vec<Option<[f64; 2]>> {
    // (rank, weight, shape) of the best shape per feature so far.
    let mut best: Vec<Option<(u8, f64, usize)>> = vec![None; layer.feature_count];
    for (i, s) in layer.shapes.iter().enumerate() {
        let Some(first) = layer.shape_rings(s).next() else {
            continue;
        };
        let (rank, weight) = if s.closed {
            (2, signed_area(first).abs())
        } else {
            (1, polyline_length(first))
        };
        if let Some(slot) = best.get_mut(s.feature as usize) {
            if slot.is_none_or(|(r, w, _)| (rank, weight) > (r, w)) {
                *slot = Some((rank, weight, i));
            }
        }
    }
    let mut out: Vec<Option<[f64; 2]>> = best
        .iter()
        .map(|b| {
            let (_, _, i) = (*b)?;
            let s = &layer.shapes[i];
            if s.closed {
                interior_point(layer.shape_rings(s), &s.bbox)
            } else {
                let ring = layer.shape_rings(s).next()?;
                ring.get(ring.len() / 2).copied()
            }
        })
        .collect();
    for (p, f) in layer.points.iter().zip(&layer.point_feature) {
        if let Some(slot @ None) = out.get_mut(*f as usize) {
            *slot = Some(*p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::Camera;
    use crate::color::Rgba;
    use crate::draw_list::Emphasis;
    use crate::projection::lonlat_to_world;
    use crate::test_rng::Rng;
    use geo::{polygon, Contains, Geometry, LineString, Point};

    fn vp() -> Viewport {
        Viewport {
            width: 800.0,
            height: 600.0,
            dpr: 2.0,
        }
    }

    fn paint() -> LayerPaint {
        LayerPaint {
            fill: Some(Rgba::rgb(200, 0, 0)),
            ..LayerPaint::default()
        }
    }

    fn hit_layer<'a>(
        layer: &'a PreparedLayer,
        index: &'a HitIndex,
        paint: &'a LayerPaint,
    ) -> HitLayer<'a> {
        HitLayer {
            layer,
            index,
            paint,
            max_radius: paint.max_radius(),
        }
    }

    /// CSS px of a lon/lat position.
    fn css(t: &Transform, lonlat: [f64; 2]) -> [f64; 2] {
        let [x, y] = t.to_screen(lonlat_to_world(lonlat));
        [x / 2.0, y / 2.0]
    }

    fn square(x: f64, y: f64, d: f64) -> Geometry<f64> {
        Geometry::Polygon(
            polygon![(x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d)],
        )
    }

    /// The hit test with the index gives what checking every feature in
    /// screen space gives: the nearest point within radius + tolerance, else
    /// the last polygon containing the pointer.
    #[test]
    fn hit_test_matches_brute_force_on_random_data() {
        let mut rng = Rng(0x0dd_ba11_5eed);
        let (w, s, e, n) = (9.9, 53.5, 10.1, 53.6);
        let mut geoms: Vec<Geometry<f64>> = Vec::new();
        for _ in 0..400 {
            // Rectangles with a rectangular hole in about half of them.
            let (x, y) = (rng.range(w, e), rng.range(s, n));
            let (dx, dy) = (rng.range(0.001, 0.02), rng.range(0.001, 0.01));
            let ext = LineString::from(vec![
                (x, y),
                (x + dx, y),
                (x + dx, y + dy),
                (x, y + dy),
                (x, y),
            ]);
            let holes = if rng.next() < 0.5 {
                let (hx, hy) = (x + dx * 0.3, y + dy * 0.3);
                vec![LineString::from(vec![
                    (hx, hy),
                    (hx, hy + dy * 0.4),
                    (hx + dx * 0.4, hy + dy * 0.4),
                    (hx + dx * 0.4, hy),
                    (hx, hy),
                ])]
            } else {
                vec![]
            };
            geoms.push(Geometry::Polygon(geo::Polygon::new(ext, holes)));
        }
        let polys = PreparedLayer::from_geometries(geoms.iter().map(Some));
        let pts: Vec<Geometry<f64>> = (0..3000)
            .map(|_| Geometry::Point(Point::new(rng.range(w, e), rng.range(s, n))))
            .collect();
        let points = PreparedLayer::from_geometries(pts.iter().map(Some));
        let radii: Vec<f32> = (0..pts.len()).map(|_| rng.range(1.0, 8.0) as f32).collect();
        let point_paint = LayerPaint {
            feature_radius: Some(radii.clone()),
            ..paint()
        };
        let poly_paint = paint();
        let (pi, qi) = (HitIndex::new(&polys), HitIndex::new(&points));
        let layers = [
            hit_layer(&polys, &pi, &poly_paint),
            hit_layer(&points, &qi, &point_paint),
        ];
        let vp = vp();
        let tolerance = 3.0;
        for bearing in [0.0, 37.0] {
            let cam = Camera {
                center: [10.0, 53.55],
                zoom: 13.5,
                bearing,
                pitch: 0.0,
            };
            let t = Transform::new(&cam, &vp);
            // Polygons in world units, as the renderer fills them.
            let world_polys: Vec<geo::Polygon<f64>> = polys
                .shapes
                .iter()
                .map(|sh| {
                    let mut rings = polys.shape_rings(sh).map(|r| {
                        LineString::from(r.iter().map(|c| (c[0], c[1])).collect::<Vec<_>>())
                    });
                    let ext = rings.next().unwrap();
                    geo::Polygon::new(ext, rings.collect())
                })
                .collect();
            let mut hits = [0; 3];
            for _ in 0..2000 {
                let p = [rng.range(0.0, vp.width), rng.range(0.0, vp.height)];
                let got = hit_test(&layers, &t, &vp, p, tolerance);
                // Brute force: every point, in CSS px.
                let mut best: Option<(f64, usize)> = None;
                for (i, q) in points.points.iter().enumerate() {
                    let [x, y] = t.to_screen(*q);
                    let d = (x / 2.0 - p[0]).hypot(y / 2.0 - p[1]);
                    if d <= radii[i] as f64 + tolerance && best.is_none_or(|(b, _)| d <= b) {
                        best = Some((d, i));
                    }
                }
                let want = match best {
                    Some((_, i)) => Some(Hit {
                        layer: 1,
                        feature: i as u32,
                    }),
                    None => {
                        let wp = t.to_world([p[0] * 2.0, p[1] * 2.0]);
                        world_polys
                            .iter()
                            .rposition(|g| g.contains(&geo::Coord { x: wp[0], y: wp[1] }))
                            .map(|i| Hit {
                                layer: 0,
                                feature: i as u32,
                            })
                    }
                };
                assert_eq!(got, want, "at {p:?}, bearing {bearing}");
                hits[got.map_or(2, |h| h.layer)] += 1;
            }
            assert!(hits[0] > 50 && hits[1] > 50 && hits[2] > 50, "{hits:?}");
        }
    }

    #[test]
    fn holes_are_not_part_of_the_polygon_but_what_is_in_them_is() {
        let donut = Geometry::Polygon(polygon!(
            exterior: [(x: 10.0, y: 53.5), (x: 10.02, y: 53.5), (x: 10.02, y: 53.52), (x: 10.0, y: 53.52)],
            interiors: [[(x: 10.005, y: 53.505), (x: 10.015, y: 53.505), (x: 10.015, y: 53.515), (x: 10.005, y: 53.515)]],
        ));
        let island = square(10.008, 53.508, 0.004);
        let layer = PreparedLayer::from_geometries([Some(&donut), Some(&island)]);
        let index = HitIndex::new(&layer);
        let p = paint();
        let l = [hit_layer(&layer, &index, &p)];
        let vp = vp();
        let t = Transform::new(&Camera::new([10.01, 53.51], 14.0), &vp);
        let at = |lonlat| hit_test(&l, &t, &vp, css(&t, lonlat), 3.0).map(|h| h.feature);
        assert_eq!(at([10.002, 53.51]), Some(0), "in the ring");
        assert_eq!(at([10.0065, 53.51]), None, "in the hole, beside the island");
        assert_eq!(at([10.01, 53.51]), Some(1), "on the island");
        assert_eq!(at([10.03, 53.51]), None, "outside");
        // The donut's anchor is in its ring, not in the hole.
        let a = index.anchor(0).unwrap();
        let mut rings = layer.shape_rings(&layer.shapes[0]);
        assert_eq!(winding_number(&mut rings, a), 1);
    }

    #[test]
    fn points_count_within_radius_and_tolerance_only() {
        let g = Geometry::Point(Point::new(10.0, 53.5));
        let layer = PreparedLayer::from_geometries([Some(&g)]);
        let index = HitIndex::new(&layer);
        let p = LayerPaint {
            radius: 5.0,
            ..paint()
        };
        let l = [hit_layer(&layer, &index, &p)];
        let vp = vp();
        let t = Transform::new(&Camera::new([10.0, 53.5], 15.0), &vp);
        let [x, y] = css(&t, [10.0, 53.5]);
        // Radius 5 + tolerance 3 = 8 CSS px, whatever the device pixel ratio.
        assert!(hit_test(&l, &t, &vp, [x + 7.9, y], 3.0).is_some());
        assert!(hit_test(&l, &t, &vp, [x, y - 7.9], 3.0).is_some());
        assert!(hit_test(&l, &t, &vp, [x + 8.2, y], 3.0).is_none());
        assert!(
            hit_test(&l, &t, &vp, [x + 5.5, y + 5.5], 3.0).is_some(),
            "diagonal 7.8"
        );
        assert!(
            hit_test(&l, &t, &vp, [x + 5.8, y + 5.8], 3.0).is_none(),
            "diagonal 8.2"
        );
        assert!(hit_test(&l, &t, &vp, [x + 5.5, y], 0.0).is_none());
    }

    #[test]
    fn lines_count_within_half_their_stroke_and_tolerance() {
        let g = Geometry::LineString(LineString::from(vec![(9.99, 53.5), (10.01, 53.5)]));
        let layer = PreparedLayer::from_geometries([Some(&g)]);
        let index = HitIndex::new(&layer);
        let p = LayerPaint {
            stroke_width: 4.0,
            ..paint()
        };
        let l = [hit_layer(&layer, &index, &p)];
        let vp = vp();
        let t = Transform::new(&Camera::new([10.0, 53.5], 15.0), &vp);
        let [x, y] = css(&t, [10.0, 53.5]);
        assert!(hit_test(&l, &t, &vp, [x, y + 4.9], 3.0).is_some());
        assert!(hit_test(&l, &t, &vp, [x, y + 5.2], 3.0).is_none());
        let [ex, ey] = css(&t, [10.01, 53.5]);
        assert!(
            hit_test(&l, &t, &vp, [ex + 4.0, ey], 3.0).is_some(),
            "round end"
        );
        assert!(hit_test(&l, &t, &vp, [ex + 6.0, ey], 3.0).is_none());
    }

    #[test]
    fn the_top_visible_layer_wins_and_hidden_ones_are_skipped() {
        let below = PreparedLayer::from_geometries([Some(&square(9.99, 53.49, 0.02))]);
        let above = PreparedLayer::from_geometries([
            Some(&square(9.995, 53.495, 0.01)),
            Some(&square(10.02, 53.49, 0.01)),
        ]);
        let (bi, ai) = (HitIndex::new(&below), HitIndex::new(&above));
        let vp = vp();
        let t = Transform::new(&Camera::new([10.0, 53.5], 13.0), &vp);
        let centre = css(&t, [10.0, 53.5]);
        let p = paint();
        let hidden = LayerPaint {
            opacity: 0.0,
            ..paint()
        };
        let filtered = LayerPaint {
            feature_visible: Some(vec![false, true]),
            ..paint()
        };
        let unfilled = LayerPaint {
            fill: None,
            stroke: None,
            ..paint()
        };
        let test = |top: &LayerPaint| {
            let l = [hit_layer(&below, &bi, &p), hit_layer(&above, &ai, top)];
            hit_test(&l, &t, &vp, centre, 3.0)
        };
        assert_eq!(
            test(&p),
            Some(Hit {
                layer: 1,
                feature: 0
            })
        );
        assert_eq!(
            test(&hidden),
            Some(Hit {
                layer: 0,
                feature: 0
            })
        );
        assert_eq!(
            test(&filtered),
            Some(Hit {
                layer: 0,
                feature: 0
            })
        );
        assert_eq!(
            test(&unfilled),
            Some(Hit {
                layer: 0,
                feature: 0
            })
        );
    }

    #[test]
    fn points_beat_the_polygons_they_sit_on_and_emphasis_widens_the_query() {
        let sq = square(9.99, 53.49, 0.02);
        let pt = Geometry::Point(Point::new(10.0, 53.5));
        let layer = PreparedLayer::from_geometries([Some(&sq), Some(&pt)]);
        let index = HitIndex::new(&layer);
        let p = LayerPaint {
            emphasis: Some(Emphasis {
                color: Rgba::rgb(0, 0, 0),
                width: 40.0,
                features: vec![true, false],
            }),
            ..paint()
        };
        let l = [hit_layer(&layer, &index, &p)];
        let vp = vp();
        let t = Transform::new(&Camera::new([10.0, 53.5], 13.0), &vp);
        let c = css(&t, [10.0, 53.5]);
        assert_eq!(hit_test(&l, &t, &vp, c, 3.0).map(|h| h.feature), Some(1));
        assert_eq!(
            hit_test(&l, &t, &vp, [c[0] + 20.0, c[1]], 3.0).map(|h| h.feature),
            Some(0)
        );
    }

    #[test]
    fn anchors_lie_inside_concave_polygons() {
        // A U shape whose centroid is in the gap between its arms.
        let u = Geometry::Polygon(polygon![
            (x: 0.0, y: 0.0), (x: 3.0, y: 0.0), (x: 3.0, y: 3.0), (x: 2.0, y: 3.0),
            (x: 2.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 3.0), (x: 0.0, y: 3.0)
        ]);
        let line = Geometry::LineString(LineString::from(vec![(5.0, 5.0), (6.0, 5.0), (7.0, 5.0)]));
        let layer = PreparedLayer::from_geometries([Some(&u), Some(&line), None]);
        let index = HitIndex::new(&layer);
        let a = index.anchor(0).unwrap();
        assert_ne!(winding_number(layer.shape_rings(&layer.shapes[0]), a), 0);
        assert_eq!(index.anchor(1), Some(lonlat_to_world([6.0, 5.0])));
        assert_eq!(index.anchor(2), None);
    }

    #[test]
    fn keyboard_candidates_are_the_drawn_features_on_screen() {
        let gs = [
            square(9.999, 53.499, 0.002),
            square(10.003, 53.499, 0.002),
            square(11.0, 53.5, 0.002),
        ];
        let layer = PreparedLayer::from_geometries(gs.iter().map(Some));
        let index = HitIndex::new(&layer);
        let vp = vp();
        let t = Transform::new(&Camera::new([10.0, 53.5], 14.0), &vp);
        let p = LayerPaint {
            feature_visible: Some(vec![true, false, true]),
            ..paint()
        };
        let mut found = Vec::new();
        visible_features(&hit_layer(&layer, &index, &p), &t, &vp, |f, at| {
            found.push(f);
            assert!(at[0] >= 0.0 && at[0] <= 800.0 && at[1] >= 0.0 && at[1] <= 600.0);
        });
        assert_eq!(found, [0], "filtered and off-screen features are skipped");
        let hidden = LayerPaint {
            opacity: 0.0,
            ..paint()
        };
        let mut none = 0;
        visible_features(&hit_layer(&layer, &index, &hidden), &t, &vp, |_, _| {
            none += 1
        });
        assert_eq!(none, 0);
    }

    #[test]
    fn a_raised_polygon_is_anchored_on_its_roof() {
        use crate::draw_list::Extrusion;
        let gs = [
            square(9.9995, 53.4995, 0.001),
            square(10.0005, 53.4995, 0.001),
        ];
        let layer = PreparedLayer::from_geometries(gs.iter().map(Some));
        let index = HitIndex::new(&layer);
        let vp = vp();
        let mut cam = Camera::new([10.0, 53.5], 16.0);
        cam.pitch = 50.0;
        let t = Transform::new(&cam, &vp);
        let raised = LayerPaint {
            extrude: Some(Extrusion {
                top: vec![60.0, f32::NAN],
                base: vec![],
            }),
            ..paint()
        };
        let mut at = Vec::new();
        visible_features(&hit_layer(&layer, &index, &raised), &t, &vp, |f, a| {
            at.push((f, a))
        });
        let mut flat = Vec::new();
        visible_features(&hit_layer(&layer, &index, &paint()), &t, &vp, |f, a| {
            flat.push((f, a))
        });
        assert_eq!(at.len(), 2);
        // The raised block's anchor is its roof: higher on screen (the
        // camera looks north), where `project` puts the anchor 60 m up.
        let ground = index.anchor(0).unwrap();
        let roof = t.project(ground, 60.0 * t.px_per_metre()).unwrap();
        assert_eq!(at[0].1, [roof[0] / 2.0, roof[1] / 2.0]);
        assert!(at[0].1[1] < flat[0].1[1] - 20.0, "{at:?} {flat:?}");
        // The one without a height stays on the ground.
        assert_eq!(at[1], flat[1]);
    }

    #[test]
    fn a_real_shape_is_anchored_on_the_roof_under_its_anchor_not_its_ridge() {
        use crate::draw_list::Extrusion;
        // A footprint 100 m by 100 m-ish; a gabled roof from 10 m eaves in
        // the south to a 20 m ridge on the north edge (a lean-to), so the
        // anchor in the middle is under roof at about 15 m.
        let (w, s, e, n) = (9.9995, 53.4995, 10.0005, 53.5005);
        let gs = [square(w, s, 0.001)];
        let mut layer = PreparedLayer::from_geometries(gs.iter().map(Some));
        let roof = [vec![[w, s, 10.0], [e, s, 10.0], [e, n, 20.0], [w, n, 20.0]]];
        let wall = [vec![[w, s, 0.0], [e, s, 0.0], [e, s, 10.0], [w, s, 10.0]]];
        layer.solids.add(0, [(true, &roof[..]), (false, &wall[..])]);
        let index = HitIndex::new(&layer);
        let vp = vp();
        let mut cam = Camera::new([10.0, 53.5], 16.0);
        cam.pitch = 50.0;
        let t = Transform::new(&cam, &vp);
        let model = LayerPaint {
            extrude: Some(Extrusion {
                top: vec![20.0],
                base: vec![],
            }),
            ..paint()
        };
        let mut at = Vec::new();
        visible_features(&hit_layer(&layer, &index, &model), &t, &vp, |f, a| {
            at.push((f, a))
        });
        let ground = index.anchor(0).unwrap();
        let h = layer.solids.height_at(0, ground).unwrap();
        assert!((h - 15.0).abs() < 1.0, "the roof over the anchor is {h} m");
        let on_roof = t
            .project(ground, f64::from(h as f32) * t.px_per_metre())
            .unwrap();
        assert_eq!(at, [(0, [on_roof[0] / 2.0, on_roof[1] / 2.0])]);
        let ridge = t.project(ground, 20.0 * t.px_per_metre()).unwrap();
        assert!(
            at[0].1[1] > ridge[1] / 2.0 + 1.0,
            "below the ridge's height: {at:?} {ridge:?}"
        );
    }

    #[test]
    fn directional_steps_prefer_what_is_straight_ahead() {
        let c = [[10.0, 0.0], [8.0, 6.0], [0.0, 10.0], [0.2, 0.0]];
        assert_eq!(
            nearest_in_direction([0.0, 0.0], &c, Direction::Right),
            Some(0)
        );
        assert_eq!(
            nearest_in_direction([0.0, 0.0], &c, Direction::Down),
            Some(2)
        );
        assert_eq!(nearest_in_direction([0.0, 0.0], &c, Direction::Left), None);
        assert_eq!(nearest_in_direction([0.0, 0.0], &[], Direction::Up), None);
    }
}
