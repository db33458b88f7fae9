//! What is under the pointer: a spatial index over a layer's shapes and
//! points, hit tests at a screen point, and keyboard stepping between
//! features.
//!
//! The index is built once per layer when its data arrives ([`HitIndex::new`]);
//! a hit test then visits only the few entries whose bounding box is near the
//! pointer, so hovering over 100,000 points costs microseconds, not a loop
//! over every feature. Hits follow what the draw list paints: a layer with
//! opacity 0 or a feature hidden by a step's filter is never hit, points are
//! hit within their drawn radius, lines within their stroke, and polygons by
//! the rasteriser's non-zero rule (holes wind against their exterior, see
//! [`crate::prepare`]).

use crate::camera::{Transform, Viewport};
use crate::draw_list::LayerPaint;
use crate::prepare::{signed_area, PreparedLayer};

/// Children per node of the packed R-tree (16 is flatbush's default and a
/// good balance between tree depth and boxes tested per node).
const NODE_SIZE: usize = 16;

/// A static packed R-tree over axis-aligned boxes `[min_x, min_y, max_x, max_y]`.
///
/// Entries are sorted along a Z-order curve of their centres and packed
/// bottom-up into full nodes, as flatbush does; the tree cannot change after
/// it is built, which is all a loaded layer needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpatialIndex {
    num_items: usize,
    /// Leaves (sorted items) first, then each upper level, the root last.
    boxes: Vec<[f64; 4]>,
    /// For leaves: the item's index; for nodes: the position of the first child.
    indices: Vec<u32>,
    /// End position (exclusive) of each level in `boxes`.
    level_bounds: Vec<usize>,
}

impl SpatialIndex {
    /// Builds the index over `boxes`; item `i` is `boxes[i]`.
    ///
    /// Boxes with NaN or inverted extents (e.g. a shape without finite
    /// vertices) are kept but never found.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::hit::SpatialIndex;
    /// let index = SpatialIndex::new(&[[0.0, 0.0, 1.0, 1.0], [5.0, 5.0, 6.0, 6.0]]);
    /// let mut found = Vec::new();
    /// index.search(&[0.5, 0.5, 2.0, 2.0], |i| found.push(i));
    /// assert_eq!(found, [0]);
    /// ```
    pub fn new(boxes: &[[f64; 4]]) -> Self {
        let n = boxes.len();
        if n == 0 {
            return Self::default();
        }
        let mut level_bounds = vec![n];
        let (mut count, mut total) = (n, n);
        loop {
            count = count.div_ceil(NODE_SIZE);
            total += count;
            level_bounds.push(total);
            if count == 1 {
                break;
            }
        }
        // Sort the items along a Z-order curve of their centres in the total
        // bounds, so that neighbours in space end up in the same nodes.
        let mut ext = EMPTY;
        for b in boxes.iter().filter(|b| is_valid(b)) {
            ext = union(&ext, b);
        }
        let (w, h) = (
            (ext[2] - ext[0]).max(f64::MIN_POSITIVE),
            (ext[3] - ext[1]).max(f64::MIN_POSITIVE),
        );
        let keys: Vec<u32> = boxes
            .iter()
            .map(|b| {
                // NaN casts to 0; out-of-range values saturate.
                let x = (((b[0] + b[2]) / 2.0 - ext[0]) / w * 65535.0) as u32;
                let y = (((b[1] + b[3]) / 2.0 - ext[1]) / h * 65535.0) as u32;
                morton(x.min(65535), y.min(65535))
            })
            .collect();
        let order = radix_order(&keys);
        let mut tree = Self {
            num_items: n,
            boxes: Vec::with_capacity(total),
            indices: Vec::with_capacity(total),
            level_bounds,
        };
        for &i in &order {
            tree.boxes.push(boxes[i as usize]);
            tree.indices.push(i);
        }
        let mut start = 0;
        for l in 0..tree.level_bounds.len() - 1 {
            let end = tree.level_bounds[l];
            let mut pos = start;
            while pos < end {
                let stop = (pos + NODE_SIZE).min(end);
                let b = tree.boxes[pos..stop]
                    .iter()
                    .fold(EMPTY, |acc, b| union(&acc, b));
                tree.boxes.push(b);
                tree.indices.push(pos as u32);
                pos = stop;
            }
            start = end;
        }
        tree
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.num_items
    }

    /// True when the index holds no items.
    pub fn is_empty(&self) -> bool {
        self.num_items == 0
    }

    /// Calls `visit` with every item whose box intersects `query` (edges
    /// touching count), in no particular order.
    pub fn search(&self, query: &[f64; 4], mut visit: impl FnMut(u32)) {
        let Some(mut node) = self.boxes.len().checked_sub(1) else {
            return;
        };
        let mut stack: Vec<usize> = Vec::new();
        loop {
            let level_end = self
                .level_bounds
                .iter()
                .copied()
                .find(|&b| b > node)
                .unwrap_or(self.boxes.len());
            let end = (node + NODE_SIZE).min(level_end);
            for pos in node..end {
                if !intersects(&self.boxes[pos], query) {
                    continue;
                }
                let index = self.indices[pos];
                if node < self.num_items {
                    visit(index);
                } else {
                    stack.push(index as usize);
                }
            }
            match stack.pop() {
                Some(n) => node = n,
                None => break,
            }
        }
    }
}

/// A layer's geometry ready for hit tests: a [`SpatialIndex`] over its
/// shapes and points, and one anchor per feature (where keyboard focus puts
/// the tooltip).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HitIndex {
    tree: SpatialIndex,
    /// Items below this are shapes, the rest points (item − shape_count).
    shape_count: u32,
    anchors: Vec<Option<[f64; 2]>>,
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
        Self {
            tree: SpatialIndex::new(&boxes),
            shape_count: layer.shapes.len() as u32,
            anchors: anchors(layer),
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
    let mut point: Option<(f64, u32)> = None;
    let mut line: Option<(f64, u32)> = None;
    let mut polygon: Option<u32> = None;
    let nearer = |best: &mut Option<(f64, u32)>, d: f64, item: u32| {
        // Ties go to the later item, which is drawn on top.
        if best.is_none_or(|(bd, bi)| d < bd || (d == bd && item > bi)) {
            *best = Some((d, item));
        }
    };
    l.index.tree.search(&query, |item| {
        if item < l.index.shape_count {
            let shape = &layer.shapes[item as usize];
            let f = shape.feature;
            if !paint.visible(f) {
                return;
            }
            if shape.closed && paint.fill_of(f).is_some() {
                if winding(layer.shape_rings(shape), world) != 0 {
                    polygon = polygon.max(Some(item));
                }
            } else if paint.stroke_of(f, shape.closed).is_some() {
                let d = layer
                    .shape_rings(shape)
                    .map(|ring| ring_distance(ring, shape.closed, world))
                    .fold(f64::INFINITY, f64::min);
                if d <= line_reach {
                    nearer(&mut line, d, item);
                }
            }
        } else {
            let i = (item - l.index.shape_count) as usize;
            let f = layer.point_feature[i];
            if !paint.visible(f) || paint.fill_of(f).is_none() {
                return;
            }
            let p = layer.points[i];
            let d = (p[0] - world[0]).hypot(p[1] - world[1]);
            let radius = (paint.radius_of(f) * dpr).max(0.5);
            if d * scale <= radius + tolerance {
                nearer(&mut point, d, item);
            }
        }
    });
    let feature_of = |item: u32| {
        if item < l.index.shape_count {
            layer.shapes[item as usize].feature
        } else {
            layer.point_feature[(item - l.index.shape_count) as usize]
        }
    };
    point
        .or(line)
        .map(|(_, item)| item)
        .or(polygon)
        .map(feature_of)
}

/// Features of a layer that a reader can step to: drawn in this frame and
/// with their anchor on screen. Calls `visit(feature, anchor in CSS px)`
/// once per feature. Layers with opacity 0 give nothing.
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
        let (f, drawn) = if item < l.index.shape_count {
            let s = &layer.shapes[item as usize];
            let fill = s.closed && paint.fill_of(s.feature).is_some();
            (
                s.feature,
                fill || paint.stroke_of(s.feature, s.closed).is_some(),
            )
        } else {
            let f = layer.point_feature[(item - l.index.shape_count) as usize];
            (f, paint.fill_of(f).is_some())
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
        let [x, y] = transform.to_screen(anchor);
        let (x, y) = (x / viewport.dpr, y / viewport.dpr);
        if x >= 0.0 && y >= 0.0 && x <= viewport.width && y <= viewport.height {
            visit(f, [x, y]);
        }
    });
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

/// Non-zero winding number of `p` against the rings (the rasteriser's fill rule).
fn winding<'a>(rings: impl Iterator<Item = &'a [[f64; 2]]>, p: [f64; 2]) -> i32 {
    let mut wn = 0;
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let a = ring[i];
            let b = ring[(i + 1) % n];
            let cross = (b[0] - a[0]) * (p[1] - a[1]) - (p[0] - a[0]) * (b[1] - a[1]);
            if a[1] <= p[1] {
                if b[1] > p[1] && cross > 0.0 {
                    wn += 1;
                }
            } else if b[1] <= p[1] && cross < 0.0 {
                wn -= 1;
            }
        }
    }
    wn
}

/// Distance from `p` to a polyline (closed: including the closing segment).
fn ring_distance(ring: &[[f64; 2]], closed: bool, p: [f64; 2]) -> f64 {
    let n = ring.len();
    let segments = if closed { n } else { n.saturating_sub(1) };
    let mut best = f64::INFINITY;
    for i in 0..segments {
        best = best.min(segment_distance(ring[i], ring[(i + 1) % n], p));
    }
    if n == 1 {
        best = segment_distance(ring[0], ring[0], p);
    }
    best
}

fn segment_distance(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (a[0] + t * dx - p[0]).hypot(a[1] + t * dy - p[1])
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
            let len: f64 = first
                .windows(2)
                .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
                .sum();
            (1, len)
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
                interior_point(layer, s)
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

/// A point inside a polygon: the middle of the widest inside span of the
/// horizontal line through its exterior's centroid (the centroid itself may
/// lie outside a concave shape or in a hole).
fn interior_point(layer: &PreparedLayer, s: &crate::prepare::Shape) -> Option<[f64; 2]> {
    let exterior = layer.shape_rings(s).next()?;
    let centre_y = ring_centroid(exterior).map_or((s.bbox[1] + s.bbox[3]) / 2.0, |c| c[1]);
    let mut crossings: Vec<f64> = Vec::new();
    for ring in layer.shape_rings(s) {
        let n = ring.len();
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            if (a[1] > centre_y) != (b[1] > centre_y) {
                crossings.push(a[0] + (centre_y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
            }
        }
    }
    // Few crossings per line: an insertion sort is enough (and tiny in wasm).
    for i in 1..crossings.len() {
        let mut j = i;
        while j > 0 && crossings[j - 1] > crossings[j] {
            crossings.swap(j - 1, j);
            j -= 1;
        }
    }
    let widest = crossings
        .chunks_exact(2)
        .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])));
    Some(match widest {
        Some(span) => [(span[0] + span[1]) / 2.0, centre_y],
        None => [(s.bbox[0] + s.bbox[2]) / 2.0, (s.bbox[1] + s.bbox[3]) / 2.0],
    })
}

fn ring_centroid(ring: &[[f64; 2]]) -> Option<[f64; 2]> {
    let n = ring.len();
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    // Relative to the first vertex, for precision in world units.
    let o = *ring.first()?;
    for i in 0..n {
        let (p, q) = (ring[i], ring[(i + 1) % n]);
        let (px, py, qx, qy) = (p[0] - o[0], p[1] - o[1], q[0] - o[0], q[1] - o[1]);
        let cross = px * qy - qx * py;
        a += cross;
        cx += (px + qx) * cross;
        cy += (py + qy) * cross;
    }
    (a != 0.0).then(|| [cx / (3.0 * a) + o[0], cy / (3.0 * a) + o[1]])
}

const EMPTY: [f64; 4] = [
    f64::INFINITY,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
];

fn is_valid(b: &[f64; 4]) -> bool {
    b[0] <= b[2] && b[1] <= b[3]
}

fn union(a: &[f64; 4], b: &[f64; 4]) -> [f64; 4] {
    if !is_valid(b) {
        return *a;
    }
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

fn intersects(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1]
}

/// Indices `0..keys.len()` ordered by key (ties by index): a radix sort in
/// four byte passes, linear in n and much smaller in wasm than a generic sort.
fn radix_order(keys: &[u32]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..keys.len() as u32).collect();
    let mut next = vec![0u32; keys.len()];
    for shift in [0, 8, 16, 24] {
        let mut start = [0usize; 257];
        for &i in &order {
            start[((keys[i as usize] >> shift) & 0xff) as usize + 1] += 1;
        }
        for b in 0..256 {
            start[b + 1] += start[b];
        }
        for &i in &order {
            let b = ((keys[i as usize] >> shift) & 0xff) as usize;
            next[start[b]] = i;
            start[b] += 1;
        }
        std::mem::swap(&mut order, &mut next);
    }
    order
}

/// Interleaves the bits of two 16-bit coordinates (Z-order curve).
fn morton(x: u32, y: u32) -> u32 {
    fn spread(mut v: u32) -> u32 {
        v &= 0xffff;
        v = (v | (v << 8)) & 0x00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333;
        (v | (v << 1)) & 0x5555_5555
    }
    spread(x) | (spread(y) << 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::Camera;
    use crate::draw_list::Emphasis;
    use crate::projection::lonlat_to_world;
    use crate::raster::Rgba;
    use geo::{polygon, Contains, Geometry, LineString, Point};

    /// A small deterministic generator (xorshift64*), so tests need no crate.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
        }
        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * self.next()
        }
    }

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

    #[test]
    fn index_finds_what_brute_force_finds() {
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        // Sizes around node boundaries (1, 16, 17, 256, 257 items) and a big one.
        for n in [0, 1, 2, 15, 16, 17, 255, 256, 257, 5000] {
            let boxes: Vec<[f64; 4]> = (0..n)
                .map(|i| {
                    let (x, y) = (rng.next(), rng.next());
                    // Every third item a point, the rest boxes of varied size.
                    let (w, h) = if i % 3 == 0 {
                        (0.0, 0.0)
                    } else {
                        (rng.range(0.0, 0.05), rng.range(0.0, 0.2))
                    };
                    [x, y, x + w, y + h]
                })
                .collect();
            let index = SpatialIndex::new(&boxes);
            assert_eq!(index.len(), n);
            for _ in 0..300 {
                let (x, y) = (rng.range(-0.1, 1.1), rng.range(-0.1, 1.1));
                let r = rng.range(0.0, 0.1);
                let q = [x - r, y - r, x + r * 2.0, y + r];
                let mut got = Vec::new();
                index.search(&q, |i| got.push(i));
                got.sort_unstable();
                let want: Vec<u32> = (0..n as u32)
                    .filter(|i| intersects(&boxes[*i as usize], &q))
                    .collect();
                assert_eq!(got, want, "n = {n}, query {q:?}");
            }
        }
    }

    #[test]
    fn radix_order_sorts_by_key_and_keeps_ties_in_index_order() {
        let mut rng = Rng(7);
        let keys: Vec<u32> = (0..2000)
            .map(|i| {
                if i % 5 == 0 {
                    42
                } else {
                    (rng.next() * u32::MAX as f64) as u32
                }
            })
            .collect();
        let got = radix_order(&keys);
        let mut want: Vec<u32> = (0..keys.len() as u32).collect();
        want.sort_by_key(|i| keys[*i as usize]);
        assert_eq!(got, want);
        assert!(radix_order(&[]).is_empty());
    }

    #[test]
    fn invalid_boxes_are_never_found_and_do_not_spoil_the_rest() {
        let boxes = [
            [0.0, 0.0, 1.0, 1.0],
            EMPTY,
            [f64::NAN, 0.0, f64::NAN, 1.0],
            [2.0, 2.0, 3.0, 3.0],
        ];
        let index = SpatialIndex::new(&boxes);
        let mut got = Vec::new();
        index.search(&[-10.0, -10.0, 10.0, 10.0], |i| got.push(i));
        got.sort_unstable();
        assert_eq!(got, [0, 3]);
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
        assert_eq!(winding(&mut rings, a), 1);
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
        assert_ne!(winding(layer.shape_rings(&layer.shapes[0]), a), 0);
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
