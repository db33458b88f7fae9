//! Geometry projected once into world units, ready to be drawn at any camera.
//!
//! Projection (the expensive trigonometry) happens here, once per layer; per
//! frame only a scale, rotation and translation remain. Polygon rings are
//! re-oriented so that holes wind against their exterior, which the
//! rasteriser's non-zero rule relies on whatever order the source file used.

use crate::camera::LonLatBounds;
use crate::geometry::bbox::{extend, EMPTY};
use crate::geometry::distance::{dist2, segment_dist2};
use crate::geometry::winding::signed_area;
use crate::projection::lonlat_to_world;
use crate::solid::Solids;
use geo::{Coord, Geometry, LineString, Polygon};

/// One drawable part of a feature: a polygon (with holes) or a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// Index of the feature this shape belongs to.
    pub feature: u32,
    /// True for polygons (filled), false for lines.
    pub closed: bool,
    /// First ring of this shape in [`PreparedLayer::rings`].
    pub first_ring: u32,
    /// Number of rings (exterior first, then holes).
    pub ring_count: u32,
    /// World-unit bounding box `[min_x, min_y, max_x, max_y]`.
    pub bbox: [f64; 4],
}

/// A layer's geometry in world units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PreparedLayer {
    /// Polygons and lines.
    pub shapes: Vec<Shape>,
    /// Ranges `start..end` into [`Self::coords`], one per ring or line.
    pub rings: Vec<(u32, u32)>,
    /// Vertices of all rings and lines, in world units.
    pub coords: Vec<[f64; 2]>,
    /// Per vertex of `coords`: the simplification tolerance (world units)
    /// up to which Douglas–Peucker keeps it; ring ends and anchors are
    /// infinite. Keeping the vertices whose value is at least the tolerance
    /// of the current zoom gives that zoom's simplified shape in one pass.
    pub importance: Vec<f32>,
    /// Point positions in world units.
    pub points: Vec<[f64; 2]>,
    /// Feature index of each point.
    pub point_feature: Vec<u32>,
    /// Number of features the layer was built from (including empty ones).
    pub feature_count: usize,
    /// Bounds of everything in longitude/latitude, `None` when empty.
    pub lonlat_bounds: Option<LonLatBounds>,
    /// Features' real shapes in 3D (`extrude: model`); drawn instead of a
    /// block for the features that have them.
    pub solids: Solids,
}

impl PreparedLayer {
    /// Projects a sequence of feature geometries (`None` = feature without geometry).
    ///
    /// # Examples
    /// ```
    /// use geo::{Geometry, Point};
    /// use twinstory_map::PreparedLayer;
    /// let layer = PreparedLayer::from_geometries([Some(&Geometry::Point(Point::new(10.0, 53.5))), None]);
    /// assert_eq!(layer.points.len(), 1);
    /// assert_eq!(layer.feature_count, 2);
    /// ```
    pub fn from_geometries<'a>(
        geometries: impl IntoIterator<Item = Option<&'a Geometry<f64>>>,
    ) -> Self {
        let mut layer = PreparedLayer::default();
        let mut bounds = Bounds::default();
        for (i, g) in geometries.into_iter().enumerate() {
            layer.feature_count += 1;
            if let Some(g) = g {
                layer.add_geometry(i as u32, g, &mut bounds);
            }
        }
        layer.lonlat_bounds = bounds.finish();
        layer.importance = vec![0.0; layer.coords.len()];
        let mut stack = Vec::new();
        for &(s, e) in &layer.rings {
            let (s, e) = (s as usize, e as usize);
            vertex_importance(&layer.coords[s..e], &mut layer.importance[s..e], &mut stack);
        }
        layer
    }

    /// The rings of a shape with the per-vertex simplification tolerances.
    pub fn shape_rings_with_importance(
        &self,
        shape: &Shape,
    ) -> impl Iterator<Item = (&[[f64; 2]], &[f32])> {
        let first = shape.first_ring as usize;
        self.rings[first..first + shape.ring_count as usize]
            .iter()
            .map(|&(s, e)| {
                let r = s as usize..e as usize;
                (&self.coords[r.clone()], &self.importance[r])
            })
    }

    /// True when the layer has nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty() && self.points.is_empty()
    }

    /// The rings of a shape as slices of world coordinates.
    pub fn shape_rings(&self, shape: &Shape) -> impl Iterator<Item = &[[f64; 2]]> + Clone {
        let first = shape.first_ring as usize;
        self.rings[first..first + shape.ring_count as usize]
            .iter()
            .map(|&(s, e)| &self.coords[s as usize..e as usize])
    }

    fn add_geometry(&mut self, feature: u32, g: &Geometry<f64>, bounds: &mut Bounds) {
        match g {
            Geometry::Point(p) => self.add_point(feature, p.0, bounds),
            Geometry::MultiPoint(mp) => {
                for p in &mp.0 {
                    self.add_point(feature, p.0, bounds);
                }
            }
            Geometry::Line(l) => {
                self.add_line(feature, &LineString::new(vec![l.start, l.end]), bounds)
            }
            Geometry::LineString(ls) => self.add_line(feature, ls, bounds),
            Geometry::MultiLineString(mls) => {
                for ls in &mls.0 {
                    self.add_line(feature, ls, bounds);
                }
            }
            Geometry::Polygon(p) => self.add_polygon(feature, p, bounds),
            Geometry::MultiPolygon(mp) => {
                for p in &mp.0 {
                    self.add_polygon(feature, p, bounds);
                }
            }
            Geometry::Rect(r) => self.add_polygon(feature, &r.to_polygon(), bounds),
            Geometry::Triangle(t) => self.add_polygon(feature, &t.to_polygon(), bounds),
            Geometry::GeometryCollection(gc) => {
                for g in &gc.0 {
                    self.add_geometry(feature, g, bounds);
                }
            }
        }
    }

    fn add_point(&mut self, feature: u32, c: Coord<f64>, bounds: &mut Bounds) {
        if !(c.x.is_finite() && c.y.is_finite()) {
            return;
        }
        bounds.add(c);
        self.points.push(lonlat_to_world([c.x, c.y]));
        self.point_feature.push(feature);
    }

    fn push_ring(&mut self, coords: &[Coord<f64>], bounds: &mut Bounds, bbox: &mut [f64; 4]) {
        let start = self.coords.len() as u32;
        for c in coords.iter().filter(|c| c.x.is_finite() && c.y.is_finite()) {
            bounds.add(*c);
            let w = lonlat_to_world([c.x, c.y]);
            extend(bbox, w);
            self.coords.push(w);
        }
        self.rings.push((start, self.coords.len() as u32));
    }

    fn add_line(&mut self, feature: u32, ls: &LineString<f64>, bounds: &mut Bounds) {
        if ls.0.len() < 2 {
            return;
        }
        let mut bbox = EMPTY;
        let first_ring = self.rings.len() as u32;
        self.push_ring(&ls.0, bounds, &mut bbox);
        self.shapes.push(Shape {
            feature,
            closed: false,
            first_ring,
            ring_count: 1,
            bbox,
        });
    }

    fn add_polygon(&mut self, feature: u32, p: &Polygon<f64>, bounds: &mut Bounds) {
        if p.exterior().0.len() < 3 {
            return;
        }
        let mut bbox = EMPTY;
        let first_ring = self.rings.len() as u32;
        let rings = std::iter::once(p.exterior()).chain(p.interiors());
        for (i, ring) in rings.enumerate() {
            if ring.0.len() < 3 {
                continue;
            }
            self.push_ring(&ring.0, bounds, &mut bbox);
            // Exterior rings positive, holes negative (in world units, y down).
            let &(s, e) = self.rings.last().unwrap_or(&(0, 0));
            let slice = &mut self.coords[s as usize..e as usize];
            let area = signed_area(slice);
            if (i == 0 && area < 0.0) || (i > 0 && area > 0.0) {
                slice.reverse();
            }
        }
        let ring_count = self.rings.len() as u32 - first_ring;
        if ring_count > 0 {
            self.shapes.push(Shape {
                feature,
                closed: true,
                first_ring,
                ring_count,
                bbox,
            });
        }
    }
}

/// Douglas–Peucker importance of each vertex of a line or ring: the largest
/// tolerance at which the vertex survives. A vertex's value never exceeds
/// that of the vertex that split its range, so filtering by one tolerance
/// gives exactly the Douglas–Peucker result for it. The first and last
/// vertices (and, for rings, the vertex farthest from the first, so that a
/// ring keeps an area) are always kept.
fn vertex_importance(coords: &[[f64; 2]], out: &mut [f32], stack: &mut Vec<(usize, usize, f32)>) {
    let n = coords.len();
    if n == 0 {
        return;
    }
    out[0] = f32::INFINITY;
    out[n - 1] = f32::INFINITY;
    if n < 3 {
        return;
    }
    // Second anchor: the vertex farthest from the first.
    let a = coords[0];
    let far = (1..n - 1)
        .max_by(|&i, &j| dist2(coords[i], a).total_cmp(&dist2(coords[j], a)))
        .unwrap_or(1);
    out[far] = f32::INFINITY;
    stack.clear();
    stack.push((0, far, f32::INFINITY));
    stack.push((far, n - 1, f32::INFINITY));
    while let Some((i, j, cap)) = stack.pop() {
        if j <= i + 1 {
            continue;
        }
        let (mut best, mut best_d) = (i + 1, -1.0f64);
        for (k, c) in coords.iter().enumerate().take(j).skip(i + 1) {
            let d = segment_dist2(*c, coords[i], coords[j]);
            if d > best_d {
                best = k;
                best_d = d;
            }
        }
        let v = (best_d.sqrt() as f32).min(cap);
        out[best] = v;
        stack.push((i, best, v));
        stack.push((best, j, v));
    }
}

#[derive(Default)]
struct Bounds(Option<LonLatBounds>);

impl Bounds {
    fn add(&mut self, c: Coord<f64>) {
        let b = self.0.get_or_insert(LonLatBounds {
            west: c.x,
            south: c.y,
            east: c.x,
            north: c.y,
        });
        b.west = b.west.min(c.x);
        b.east = b.east.max(c.x);
        b.south = b.south.min(c.y);
        b.north = b.north.max(c.y);
    }
    fn finish(self) -> Option<LonLatBounds> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    #[test]
    fn holes_wind_against_their_exterior_whatever_the_input() {
        // Both rings given in the same orientation, as some files do.
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
            interiors: [[(x: 0.2, y: 0.2), (x: 0.8, y: 0.2), (x: 0.8, y: 0.8), (x: 0.2, y: 0.8)]],
        );
        let g = Geometry::MultiPolygon(MultiPolygon(vec![p]));
        let layer = PreparedLayer::from_geometries([Some(&g)]);
        let rings: Vec<_> = layer.shape_rings(&layer.shapes[0]).collect();
        assert_eq!(rings.len(), 2);
        assert!(signed_area(rings[0]) > 0.0);
        assert!(signed_area(rings[1]) < 0.0);
    }

    #[test]
    fn bounds_cover_all_parts_and_skip_non_finite() {
        let a = Geometry::Point(geo::Point::new(9.7, 53.4));
        let b = Geometry::Point(geo::Point::new(10.3, 53.7));
        let nan = Geometry::Point(geo::Point::new(f64::NAN, 1.0));
        let layer = PreparedLayer::from_geometries([Some(&a), Some(&nan), Some(&b)]);
        let bb = layer.lonlat_bounds.unwrap();
        assert_eq!(
            (bb.west, bb.south, bb.east, bb.north),
            (9.7, 53.4, 10.3, 53.7)
        );
        assert_eq!(layer.points.len(), 2);
        assert_eq!(layer.point_feature, vec![0, 2]);
    }

    #[test]
    fn importance_filters_like_douglas_peucker() {
        // A line with a 1-unit bump and a 0.1-unit wiggle.
        let ls = LineString::from(vec![
            (0.0, 0.0),
            (1.0, 0.1),
            (2.0, 0.0),
            (3.0, 1.0),
            (4.0, 0.0),
        ]);
        let g = Geometry::LineString(ls);
        let layer = PreparedLayer::from_geometries([Some(&g)]);
        let imp = &layer.importance;
        assert_eq!(imp.len(), 5);
        assert!(imp[0].is_infinite() && imp[4].is_infinite());
        // The bump outlives the wiggle; nothing outlives the vertex that split its range.
        assert!(imp[3] > imp[1], "{imp:?}");
        assert!(imp[2] <= imp[3] || imp[2].is_infinite());
        // Filtering at a tolerance between the two keeps the bump, drops the wiggle.
        let tol = (imp[1] + imp[3]) / 2.0;
        let kept: Vec<_> = (0..5).filter(|&i| imp[i] >= tol).collect();
        assert!(kept.contains(&3) && !kept.contains(&1), "{kept:?}");
    }

    #[test]
    fn rings_keep_three_anchors_at_any_tolerance() {
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)],
            interiors: [],
        );
        let layer = PreparedLayer::from_geometries([Some(&Geometry::Polygon(p))]);
        let kept = layer.importance.iter().filter(|v| v.is_infinite()).count();
        assert!(kept >= 3, "{:?}", layer.importance);
    }

    #[test]
    fn empty_input_gives_empty_layer() {
        let layer = PreparedLayer::from_geometries(std::iter::empty());
        assert!(layer.is_empty());
        assert!(layer.lonlat_bounds.is_none());
    }
}
