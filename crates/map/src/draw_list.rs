//! From prepared layers and a camera to drawing commands in device pixels.
//!
//! The draw list is the seam between map logic and painting: the software
//! rasteriser and the SVG writer both consume it, and tests can inspect it.
//! Building it culls shapes outside the view, keeps the vertices whose
//! Douglas–Peucker importance (from [`crate::prepare`]) reaches 0.3 device
//! px at this zoom and drops those closer than half a device pixel to the
//! last one kept. That is the level-of-detail step: a ring of 1,000
//! vertices about 1 km across keeps fewer than 40 at zoom 6 and all of them
//! at zoom 22 (see the tests).

use crate::camera::{Transform, Viewport};
use crate::color::Rgba;
use crate::geometry::bbox::intersects;
use crate::geometry::winding::signed_area;
use crate::prepare::PreparedLayer;
use crate::solid::{Solid, Solids};
use std::borrow::Borrow;
use std::ops::Range;

/// Vertices closer than this (in device px) to the previous kept one are dropped.
const THIN_PX: f32 = 0.5;

/// Douglas–Peucker tolerance of the per-frame level of detail, in device px:
/// a simplified outline is never further than this from the full one.
const SIMPLIFY_PX: f64 = 0.3;

/// How much a sloped roof is lightened (facing the north-west light) or
/// darkened (facing away), times the sine of its slope: a 45° roof differs
/// by ±11 % from the fill, a flat roof not at all.
const ROOF_LIGHT: f64 = 0.15;

/// Where the one light comes from: the north-west (a unit vector east,
/// north).
const LIGHT: [f64; 2] = [
    -std::f64::consts::FRAC_1_SQRT_2,
    -std::f64::consts::FRAC_1_SQRT_2,
];

/// How light a wall is (times its fill) by `facing`, the cosine between its
/// outward normal and the light: 0.92 towards it, 0.52 away from it.
fn wall_shade(facing: f64) -> f64 {
    0.72 + 0.2 * facing
}

/// Point radii are grouped in quarter device pixels, up to this many.
const MAX_QUARTER_PX: u64 = 0xffff;

/// How one layer is painted in the current step.
///
/// The per-feature vectors are indexed by feature (as in
/// [`PreparedLayer::from_geometries`]) and computed once per layer and step,
/// never per frame; a missing entry means "not drawn" for colours and
/// "the layer's value" for radii.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerPaint {
    /// Fill colour of polygons and points (per feature when `feature_fill` is set).
    pub fill: Option<Rgba>,
    /// Per-feature fill colours (choropleths, highlights); `None` entries are not filled.
    pub feature_fill: Option<Vec<Option<Rgba>>>,
    /// Outline colour.
    pub stroke: Option<Rgba>,
    /// Per-feature outline colours (dimmed features); `None` entries get no outline.
    pub feature_stroke: Option<Vec<Option<Rgba>>>,
    /// Lines take their feature's fill (its class or category colour in
    /// `feature_fill`) instead of `stroke`: a choropleth or categories on
    /// lines colour the lines, as the legend says.
    pub class_lines: bool,
    /// Outline width in CSS px.
    pub stroke_width: f64,
    /// Point radius in CSS px.
    pub radius: f64,
    /// Per-feature point radius in CSS px (proportional circles).
    pub feature_radius: Option<Vec<f32>>,
    /// Which features are drawn at all (a step's filter); `None` draws all.
    pub feature_visible: Option<Vec<bool>>,
    /// An extra outline around some polygons and points (a step's highlight).
    pub emphasis: Option<Emphasis>,
    /// Layer opacity, 0–1 (multiplies every colour's alpha).
    pub opacity: f64,
    /// Polygons raised into blocks (walls and roofs drawn with depth).
    pub extrude: Option<Extrusion>,
}

/// Heights of a layer's raised polygons, per feature, in metres above the
/// ground; computed once per layer and step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extrusion {
    /// Top of each feature; not a number (or not above `base`) draws it flat.
    pub top: Vec<f32>,
    /// Bottom of each feature (0 where missing).
    pub base: Vec<f32>,
}

impl Extrusion {
    /// `(base, top)` of a feature when it is raised.
    pub fn of(&self, feature: u32) -> Option<(f32, f32)> {
        let top = *self.top.get(feature as usize)?;
        let base = self.base.get(feature as usize).copied().unwrap_or(0.0);
        let base = if base.is_finite() { base.max(0.0) } else { 0.0 };
        (top.is_finite() && top > base).then_some((base, top))
    }

    /// The highest top, in metres (0 when nothing is raised).
    pub fn max_top(&self) -> f32 {
        self.top
            .iter()
            .filter(|t| t.is_finite())
            .fold(0.0, |m, t| m.max(*t))
    }
}

/// One flat face of a raised polygon (a wall or a roof), in device px.
#[derive(Debug, Clone, PartialEq)]
pub struct Face {
    /// Colour including opacity (walls shaded by the direction they face).
    pub color: Rgba,
    /// Range into [`DrawList::paths`] (a roof's holes are further paths).
    pub paths: Range<usize>,
    /// The perspective factor over the face: `w = a·x + b·y + c` at a
    /// device pixel (larger is nearer; see [`Transform::project`]).
    pub plane: [f32; 3],
    /// Index of the layer among those passed to [`DrawList::build`].
    pub layer: u32,
    /// Feature index in the layer.
    pub feature: u32,
}

impl Face {
    /// The perspective factor at a device pixel position.
    #[inline]
    pub fn w_at(&self, x: f32, y: f32) -> f32 {
        self.plane[0] * x + self.plane[1] * y + self.plane[2]
    }
}

/// A strong outline drawn on top of the features it marks.
#[derive(Debug, Clone, PartialEq)]
pub struct Emphasis {
    /// Outline colour.
    pub color: Rgba,
    /// Outline width in CSS px.
    pub width: f64,
    /// Per feature: whether it gets the outline.
    pub features: Vec<bool>,
}

impl Default for LayerPaint {
    fn default() -> Self {
        Self {
            fill: Some(Rgba::rgb(0x9d, 0xb8, 0xd2)),
            feature_fill: None,
            stroke: Some(Rgba::rgb(255, 255, 255)),
            feature_stroke: None,
            class_lines: false,
            stroke_width: 1.0,
            radius: 3.0,
            feature_radius: None,
            feature_visible: None,
            emphasis: None,
            opacity: 1.0,
            extrude: None,
        }
    }
}

impl LayerPaint {
    pub(crate) fn fill_of(&self, feature: u32) -> Option<Rgba> {
        match &self.feature_fill {
            Some(v) => v.get(feature as usize).copied().flatten(),
            None => self.fill,
        }
    }

    /// Outline colour of a feature; lines without one fall back to the fill
    /// colour, so a line layer styled only with `fill` is still visible;
    /// lines of a layer coloured by its data take their class colour.
    // Not inlined into its three callers: one copy is 54 B less of the
    // player's base module (gzip), and a call per shape costs nothing
    // beside drawing it.
    #[inline(never)]
    pub(crate) fn stroke_of(&self, feature: u32, closed: bool) -> Option<Rgba> {
        if !closed && self.class_lines {
            return self.fill_of(feature);
        }
        let own = match &self.feature_stroke {
            Some(v) => v.get(feature as usize).copied().flatten(),
            None => self.stroke,
        };
        match own {
            Some(c) => Some(c),
            None if !closed && self.stroke.is_none() => self.fill_of(feature),
            None => None,
        }
    }

    pub(crate) fn visible(&self, feature: u32) -> bool {
        match &self.feature_visible {
            Some(v) => v.get(feature as usize).copied().unwrap_or(false),
            None => true,
        }
    }

    /// Whether a feature is drawn raised (walls and roof) rather than flat.
    pub fn raised(&self, feature: u32) -> bool {
        crate::SOLID
            && self
                .extrude
                .as_ref()
                .is_some_and(|e| e.of(feature).is_some())
    }

    fn emphasised(&self, feature: u32) -> bool {
        self.emphasis
            .as_ref()
            .is_some_and(|e| e.features.get(feature as usize).copied().unwrap_or(false))
    }

    /// Point radius of a feature in CSS px.
    pub fn radius_of(&self, feature: u32) -> f64 {
        match &self.feature_radius {
            Some(v) => v.get(feature as usize).map_or(self.radius, |r| *r as f64),
            None => self.radius,
        }
    }

    /// The largest point radius in CSS px any feature gets (one pass over
    /// the per-feature radii; compute it once per step, not per query).
    pub fn max_radius(&self) -> f64 {
        match &self.feature_radius {
            Some(v) => v.iter().fold(self.radius, |m, r| m.max(*r as f64)),
            None => self.radius,
        }
    }
}

/// One drawing operation.
#[derive(Debug, Clone, PartialEq)]
pub enum DrawCommand {
    /// Fill closed paths with the non-zero rule.
    Fill {
        /// Colour including opacity.
        color: Rgba,
        /// Range into [`DrawList::paths`].
        paths: Range<usize>,
    },
    /// Stroke paths (closed ones include the closing segment).
    Stroke {
        /// Colour including opacity.
        color: Rgba,
        /// Line width in device px.
        width: f32,
        /// Range into [`DrawList::paths`].
        paths: Range<usize>,
    },
    /// Faces of raised polygons ([`DrawList::faces`]), painted with a
    /// depth test: the nearest face wins each pixel, whatever the order.
    Faces {
        /// Range into [`DrawList::faces`].
        faces: Range<usize>,
    },
    /// Circles at points.
    Points {
        /// Fill colour including opacity.
        fill: Rgba,
        /// Outline colour including opacity.
        stroke: Option<Rgba>,
        /// Radius in device px.
        radius: f32,
        /// Outline width in device px.
        stroke_width: f32,
        /// Range into [`DrawList::points`].
        points: Range<usize>,
    },
}

/// A path in device pixels: a range of [`DrawList::verts`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Path {
    /// Start index in `verts`.
    pub start: u32,
    /// End index (exclusive) in `verts`.
    pub end: u32,
    /// Whether the path is a closed ring.
    pub closed: bool,
}

/// Everything needed to paint one frame. Buffers are reused between frames.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DrawList {
    /// Width of the frame in device px (CSS px × DPR, rounded).
    pub width: u32,
    /// Height of the frame in device px (CSS px × DPR, rounded).
    pub height: u32,
    /// The colour every pixel starts from before the commands paint.
    pub background: Rgba,
    /// The commands in painting order.
    pub commands: Vec<DrawCommand>,
    /// Paths referenced by fill and stroke commands.
    pub paths: Vec<Path>,
    /// Path vertices in device px.
    pub verts: Vec<[f32; 2]>,
    /// Point positions in device px.
    pub points: Vec<[f32; 2]>,
    /// Walls and roofs of raised polygons.
    pub faces: Vec<Face>,
    scratch: Vec<(u64, u32)>,
    point_scratch: Vec<(u64, u32)>,
    sort_scratch: Vec<(u64, u32)>,
}

impl DrawList {
    /// An empty draw list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds the list for these layers (bottom first) seen through a camera.
    ///
    /// Layers with opacity 0 are skipped entirely. Shapes whose bounding box
    /// misses the view are culled; points outside the view are dropped.
    /// Features hidden by `feature_visible` are neither filled nor outlined.
    ///
    /// `layers` is any sequence of `(layer, paint)` pairs or references to
    /// them, so callers can pass a slice or an iterator without collecting.
    pub fn build<'a, L>(
        &mut self,
        layers: impl IntoIterator<Item = L>,
        transform: &Transform,
        viewport: &Viewport,
        background: Rgba,
    ) where
        L: Borrow<(&'a PreparedLayer, &'a LayerPaint)>,
    {
        self.width = viewport.device_width();
        self.height = viewport.device_height();
        self.background = background;
        self.commands.clear();
        self.paths.clear();
        self.verts.clear();
        self.points.clear();
        self.faces.clear();
        let view = transform.visible_world_bounds();
        let dpr = viewport.dpr as f32;
        for (index, pair) in layers.into_iter().enumerate() {
            let (layer, paint) = *pair.borrow();
            let opacity = paint.opacity.clamp(0.0, 1.0);
            if opacity <= 0.0 {
                continue;
            }
            self.add_fills(layer, paint, opacity, transform, &view);
            self.add_strokes(layer, paint, opacity, transform, &view, dpr);
            if let Some(e) = paint.extrude.as_ref().filter(|_| crate::SOLID) {
                self.add_extrusion(index as u32, layer, paint, e, opacity, transform, &view);
            }
            self.add_emphasis(layer, paint, opacity, transform, &view, dpr);
            self.add_points(layer, paint, opacity, transform, dpr);
        }
    }

    /// Walls and roofs of a layer's raised polygons as one depth-tested
    /// command. Walls facing away from the eye are left out; each wall is
    /// shaded by the direction it faces (light from the north-west), roofs
    /// take the fill colour.
    #[allow(
        clippy::too_many_arguments,
        reason = "the per-layer context of the other `add_` steps plus the heights"
    )]
    fn add_extrusion(
        &mut self,
        index: u32,
        layer: &PreparedLayer,
        paint: &LayerPaint,
        e: &Extrusion,
        opacity: f64,
        t: &Transform,
        view: &[f64; 4],
    ) {
        let ppm = t.px_per_metre();
        // Blocks south of the view rise into it: widen the box by the
        // highest roof.
        let reach = e.max_top() as f64 * ppm / t.scale() * 2.0;
        let view = [
            view[0] - reach,
            view[1] - reach,
            view[2] + reach,
            view[3] + reach,
        ];
        let eye = t.eye_ground();
        let tolerance = (SIMPLIFY_PX / t.scale()) as f32;
        let first = self.faces.len();
        let mut ring_buf: Vec<[f64; 2]> = Vec::new();
        for s in &layer.shapes {
            if !s.closed || !intersects(&s.bbox, &view) || !paint.visible(s.feature) {
                continue;
            }
            let Some((base, top)) = e.of(s.feature) else {
                continue;
            };
            if layer.solids.has(s.feature) {
                continue;
            }
            let Some(fill) = paint.fill_of(s.feature) else {
                continue;
            };
            let fill = fill.with_opacity(opacity);
            let (hb, ht) = (base as f64 * ppm, top as f64 * ppm);
            // Walls.
            for (ring, importance) in layer.shape_rings_with_importance(s) {
                ring_buf.clear();
                ring_buf.extend(
                    ring.iter()
                        .zip(importance)
                        .filter(|(_, imp)| **imp >= tolerance)
                        .map(|(p, _)| *p),
                );
                let n = ring_buf.len();
                for i in 0..n {
                    let (p, q) = (ring_buf[i], ring_buf[(i + 1) % n]);
                    let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
                    // Outward normal (exteriors wind positive, holes negative).
                    let normal = [dy, -dx];
                    let to_eye = [eye[0] - p[0], eye[1] - p[1]];
                    if normal[0] * to_eye[0] + normal[1] * to_eye[1] <= 0.0 {
                        continue;
                    }
                    let quad = [
                        t.project(p, hb),
                        t.project(q, hb),
                        t.project(q, ht),
                        t.project(p, ht),
                    ];
                    let [Some(a), Some(b), Some(c), Some(d)] = quad else {
                        continue;
                    };
                    let len = dx.hypot(dy);
                    let facing = (normal[0] * LIGHT[0] + normal[1] * LIGHT[1]) / len;
                    let k = wall_shade(facing);
                    let start = self.verts.len() as u32;
                    self.verts
                        .extend([a, b, c, d].map(|v| [v[0] as f32, v[1] as f32]));
                    self.paths.push(Path {
                        start,
                        end: start + 4,
                        closed: true,
                    });
                    self.faces.push(Face {
                        color: shade(fill, k),
                        paths: self.paths.len() - 1..self.paths.len(),
                        plane: plane_through([a, b, c, d].iter()),
                        layer: index,
                        feature: s.feature,
                    });
                }
            }
            // The roof.
            let first_path = self.paths.len();
            let first_vert = self.verts.len();
            let mut plane_pts: Vec<[f64; 3]> = Vec::new();
            let mut ok = true;
            for (ring, importance) in layer.shape_rings_with_importance(s) {
                let start = self.verts.len() as u32;
                for (p, imp) in ring.iter().zip(importance) {
                    if *imp < tolerance {
                        continue;
                    }
                    match t.project(*p, ht) {
                        Some(v) => {
                            if plane_pts.len() < 64 {
                                plane_pts.push(v);
                            }
                            self.verts.push([v[0] as f32, v[1] as f32]);
                        }
                        None => ok = false,
                    }
                }
                let end = self.verts.len() as u32;
                if end - start >= 3 {
                    self.paths.push(Path {
                        start,
                        end,
                        closed: true,
                    });
                }
            }
            if !ok || self.paths.len() == first_path {
                self.paths.truncate(first_path);
                self.verts.truncate(first_vert);
                continue;
            }
            self.faces.push(Face {
                color: fill,
                paths: first_path..self.paths.len(),
                plane: plane_through(plane_pts.iter()),
                layer: index,
                feature: s.feature,
            });
        }
        for solid in &layer.solids.solids {
            let f = solid.feature;
            if !intersects(&solid.bbox, &view) || !paint.visible(f) || e.of(f).is_none() {
                continue;
            }
            let Some(fill) = paint.fill_of(f) else {
                continue;
            };
            self.add_solid(
                index,
                &layer.solids,
                solid,
                fill.with_opacity(opacity),
                t,
                eye,
            );
        }
        if self.faces.len() > first {
            self.commands.push(DrawCommand::Faces {
                faces: first..self.faces.len(),
            });
        }
    }

    /// A building's real surfaces as faces: every surface in front of the
    /// near plane and not seen edge-on, both sides (a file's orientation
    /// is not always right); roofs in the fill colour, a little lighter
    /// the more they slope towards the light in the north-west and darker
    /// away from it (flat roofs exactly the fill, as a block's), the rest
    /// shaded as a block's walls by the side that faces the eye.
    fn add_solid(
        &mut self,
        index: u32,
        solids: &Solids,
        solid: &Solid,
        fill: Rgba,
        t: &Transform,
        eye: [f64; 2],
    ) {
        let ppm = t.px_per_metre();
        let mut projected: Vec<[f64; 3]> = Vec::new();
        for surface in &solids.surfaces[solid.surfaces.start as usize..solid.surfaces.end as usize]
        {
            let first_path = self.paths.len();
            let first_vert = self.verts.len();
            let mut ok = true;
            projected.clear();
            for r in surface.rings.clone() {
                let start = self.verts.len() as u32;
                for v in solids.ring(r) {
                    let Some(p) = t.project([v[0], v[1]], v[2] * ppm) else {
                        ok = false;
                        break;
                    };
                    if r == surface.rings.start {
                        projected.push(p);
                    }
                    self.verts.push([p[0] as f32, p[1] as f32]);
                }
                if !ok {
                    break;
                }
                self.paths.push(Path {
                    start,
                    end: self.verts.len() as u32,
                    closed: true,
                });
            }
            // Behind the near plane, or edge-on (under a tenth of a pixel).
            if !ok || signed_area(&projected).abs() < 0.1 {
                self.paths.truncate(first_path);
                self.verts.truncate(first_vert);
                continue;
            }
            let [nx, ny, nz] = surface.normal;
            let k = if surface.roof || nz.abs() > 0.7 {
                // Up-facing: the horizontal part of the normal is the slope.
                let s = if nz < 0.0 { -1.0 } else { 1.0 };
                1.0 + ROOF_LIGHT * s * (nx * LIGHT[0] + ny * LIGHT[1])
            } else {
                let h = nx.hypot(ny);
                let p = solids.ring(surface.rings.start)[0];
                let towards = nx * (eye[0] - p[0]) + ny * (eye[1] - p[1]);
                let s = if towards < 0.0 { -1.0 } else { 1.0 };
                wall_shade(s * (nx * LIGHT[0] + ny * LIGHT[1]) / h)
            };
            self.faces.push(Face {
                color: shade(fill, k),
                paths: first_path..self.paths.len(),
                plane: plane_through(projected.iter()),
                layer: index,
                feature: solid.feature,
            });
        }
    }

    /// The topmost drawn face at a device pixel: `(layer, feature)` of the
    /// raised polygon the reader sees there (the nearest one).
    ///
    /// # Examples
    /// See the tests: two blocks one behind the other answer for the front one.
    pub fn face_at(&self, [x, y]: [f32; 2]) -> Option<(u32, u32)> {
        if !crate::SOLID {
            return None;
        }
        let mut best: Option<(f32, &Face)> = None;
        for f in &self.faces {
            let mut winding = 0;
            for p in &self.paths[f.paths.clone()] {
                winding += winding_f32(self.path_verts(p), [x, y]);
            }
            if winding == 0 {
                continue;
            }
            let w = f.w_at(x, y);
            if best.is_none_or(|(bw, _)| w >= bw) {
                best = Some((w, f));
            }
        }
        best.map(|(_, f)| (f.layer, f.feature))
    }

    fn add_fills(
        &mut self,
        layer: &PreparedLayer,
        paint: &LayerPaint,
        opacity: f64,
        t: &Transform,
        view: &[f64; 4],
    ) {
        // Group visible polygons by colour so each colour is one fill pass.
        let mut groups = std::mem::take(&mut self.scratch);
        groups.clear();
        for (i, s) in layer.shapes.iter().enumerate() {
            if s.closed
                && intersects(&s.bbox, view)
                && paint.visible(s.feature)
                && !paint.raised(s.feature)
            {
                if let Some(c) = paint.fill_of(s.feature) {
                    groups.push((colour_key(c), i as u32));
                }
            }
        }
        self.push_path_groups(layer, groups, t, |color, paths| DrawCommand::Fill {
            color: color.with_opacity(opacity),
            paths,
        });
    }

    fn add_strokes(
        &mut self,
        layer: &PreparedLayer,
        paint: &LayerPaint,
        opacity: f64,
        t: &Transform,
        view: &[f64; 4],
        dpr: f32,
    ) {
        if paint.stroke_width <= 0.0 {
            return;
        }
        let mut groups = std::mem::take(&mut self.scratch);
        groups.clear();
        for (i, s) in layer.shapes.iter().enumerate() {
            if intersects(&s.bbox, view) && paint.visible(s.feature) && !paint.raised(s.feature) {
                if let Some(c) = paint.stroke_of(s.feature, s.closed) {
                    groups.push((colour_key(c), i as u32));
                }
            }
        }
        let width = paint.stroke_width as f32 * dpr;
        self.push_path_groups(layer, groups, t, |color, paths| DrawCommand::Stroke {
            color: color.with_opacity(opacity),
            width,
            paths,
        });
    }

    /// Outlines emphasised polygons on top of the layer's own outlines.
    fn add_emphasis(
        &mut self,
        layer: &PreparedLayer,
        paint: &LayerPaint,
        opacity: f64,
        t: &Transform,
        view: &[f64; 4],
        dpr: f32,
    ) {
        let Some(e) = &paint.emphasis else { return };
        if e.width <= 0.0 {
            return;
        }
        let mut groups = std::mem::take(&mut self.scratch);
        groups.clear();
        for (i, s) in layer.shapes.iter().enumerate() {
            if s.closed
                && intersects(&s.bbox, view)
                && paint.visible(s.feature)
                && paint.emphasised(s.feature)
                && !paint.raised(s.feature)
            {
                groups.push((colour_key(e.color), i as u32));
            }
        }
        let width = e.width as f32 * dpr;
        self.push_path_groups(layer, groups, t, |color, paths| DrawCommand::Stroke {
            color: color.with_opacity(opacity),
            width,
            paths,
        });
    }

    /// Emits one command per colour for `(colour, shape)` pairs and gives
    /// the buffer back as scratch space.
    fn push_path_groups(
        &mut self,
        layer: &PreparedLayer,
        mut groups: Vec<(u64, u32)>,
        t: &Transform,
        command: impl Fn(Rgba, Range<usize>) -> DrawCommand,
    ) {
        // By colour, then by shape: the source order within a colour (the
        // shapes were pushed in that order; `order::sort_keyed` keeps it).
        crate::order::sort_keyed(&mut groups, &mut self.sort_scratch);
        let mut k = 0;
        while k < groups.len() {
            let key = groups[k].0;
            let color = colour_of(key);
            let first_path = self.paths.len();
            while k < groups.len() && groups[k].0 == key {
                let shape = &layer.shapes[groups[k].1 as usize];
                for (ring, importance) in layer.shape_rings_with_importance(shape) {
                    self.push_path(ring, importance, shape.closed, t);
                }
                k += 1;
            }
            if self.paths.len() > first_path {
                self.commands
                    .push(command(color, first_path..self.paths.len()));
            }
        }
        self.scratch = groups;
    }

    fn add_points(
        &mut self,
        layer: &PreparedLayer,
        paint: &LayerPaint,
        opacity: f64,
        t: &Transform,
        dpr: f32,
    ) {
        if layer.points.is_empty() {
            return;
        }
        let per_feature = paint.feature_fill.is_some()
            || paint.feature_radius.is_some()
            || paint.feature_visible.is_some()
            || paint.emphasis.is_some();
        if !per_feature {
            // One colour and one size: a single command, no sorting.
            let Some(fill) = paint.fill else { return };
            let radius = (paint.radius as f32 * dpr).max(0.5);
            let stroke_width = point_stroke_width(paint.stroke, paint.stroke_width, radius, dpr);
            let (w, h) = (self.width as f32 + radius, self.height as f32 + radius);
            let start = self.points.len();
            for p in &layer.points {
                let [x, y] = t.to_screen(*p);
                let (x, y) = (x as f32, y as f32);
                if x >= -radius && y >= -radius && x <= w && y <= h {
                    self.points.push([x, y]);
                }
            }
            self.push_points(fill, paint.stroke, opacity, radius, stroke_width, start);
            return;
        }
        // Group by (size, emphasis, colour); bigger circles are drawn first
        // so that small ones on top of them stay visible.
        let mut groups = std::mem::take(&mut self.point_scratch);
        groups.clear();
        for (i, f) in layer.point_feature.iter().enumerate() {
            if !paint.visible(*f) {
                continue;
            }
            let Some(c) = paint.fill_of(*f) else { continue };
            let quarter_px = ((paint.radius_of(*f) as f32 * dpr).max(0.5) * 4.0).round() as u64;
            let key = ((MAX_QUARTER_PX - quarter_px.min(MAX_QUARTER_PX)) << 33)
                | ((paint.emphasised(*f) as u64) << 32)
                | c.pack() as u64;
            groups.push((key, i as u32));
        }
        // Ties keep the source order: the points were pushed in it.
        crate::order::sort_keyed(&mut groups, &mut self.sort_scratch);
        let mut k = 0;
        while k < groups.len() {
            let key = groups[k].0;
            let radius = (MAX_QUARTER_PX - (key >> 33)) as f32 / 4.0;
            let emphasised = (key >> 32) & 1 == 1;
            let fill = Rgba::unpack(key as u32);
            let (stroke, stroke_width) = match (&paint.emphasis, emphasised) {
                (Some(e), true) => (Some(e.color), (e.width as f32 * dpr).min(radius)),
                _ => (
                    paint.stroke,
                    point_stroke_width(paint.stroke, paint.stroke_width, radius, dpr),
                ),
            };
            let (w, h) = (self.width as f32 + radius, self.height as f32 + radius);
            let start = self.points.len();
            while k < groups.len() && groups[k].0 == key {
                let [x, y] = t.to_screen(layer.points[groups[k].1 as usize]);
                let (x, y) = (x as f32, y as f32);
                if x >= -radius && y >= -radius && x <= w && y <= h {
                    self.points.push([x, y]);
                }
                k += 1;
            }
            self.push_points(fill, stroke, opacity, radius, stroke_width, start);
        }
        self.point_scratch = groups;
    }

    fn push_points(
        &mut self,
        fill: Rgba,
        stroke: Option<Rgba>,
        opacity: f64,
        radius: f32,
        stroke_width: f32,
        start: usize,
    ) {
        if self.points.len() > start {
            self.commands.push(DrawCommand::Points {
                fill: fill.with_opacity(opacity),
                stroke: stroke.map(|c| c.with_opacity(opacity)),
                radius,
                stroke_width,
                points: start..self.points.len(),
            });
        }
    }

    fn push_path(&mut self, ring: &[[f64; 2]], importance: &[f32], closed: bool, t: &Transform) {
        if let Some(plane) = t.near_ground_plane() {
            let behind = |p: &[f64; 2]| plane[0] * p[0] + plane[1] * p[1] > plane[2];
            if ring.iter().any(behind) {
                // A tilted camera: cut what lies behind the near plane (a
                // plane maps lines to lines, so the clipped ring projects
                // to a ring the rasteriser fills as usual).
                let clipped = clip_half_plane(ring, closed, plane);
                let all = vec![f32::INFINITY; clipped.len()];
                return self.push_path_projected(&clipped, &all, closed, t);
            }
        }
        self.push_path_projected(ring, importance, closed, t)
    }

    fn push_path_projected(
        &mut self,
        ring: &[[f64; 2]],
        importance: &[f32],
        closed: bool,
        t: &Transform,
    ) {
        let start = self.verts.len() as u32;
        let mut last: Option<[f32; 2]> = None;
        let n = ring.len();
        let tolerance = (SIMPLIFY_PX / t.scale()) as f32;
        for (i, (p, imp)) in ring.iter().zip(importance).enumerate() {
            if *imp < tolerance {
                continue;
            }
            let [x, y] = t.to_screen(*p);
            let v = [x as f32, y as f32];
            if let Some(l) = last {
                // Always keep the final vertex of an open line.
                let keep_last = !closed && i + 1 == n;
                if !keep_last && (v[0] - l[0]).abs() < THIN_PX && (v[1] - l[1]).abs() < THIN_PX {
                    continue;
                }
            }
            self.verts.push(v);
            last = Some(v);
        }
        let end = self.verts.len() as u32;
        let min = if closed { 3 } else { 2 };
        if end - start >= min {
            self.paths.push(Path { start, end, closed });
        } else {
            self.verts.truncate(start as usize);
        }
    }

    /// The vertices of a path.
    pub fn path_verts(&self, p: &Path) -> &[[f32; 2]] {
        &self.verts[p.start as usize..p.end as usize]
    }
}

/// The part of a ring (or open line) where `a·x + b·y ≤ c`
/// (Sutherland–Hodgman against one line). An open line that leaves and
/// comes back is joined along the line, which a tilted camera draws far
/// below the map.
///
/// (Tested below.)
fn clip_half_plane(ring: &[[f64; 2]], closed: bool, [a, b, c]: [f64; 3]) -> Vec<[f64; 2]> {
    let side = |p: &[f64; 2]| a * p[0] + b * p[1] - c;
    let mut out = Vec::with_capacity(ring.len() + 2);
    let n = ring.len();
    let segs = if closed { n } else { n.saturating_sub(1) };
    if !closed {
        if let Some(p) = ring.first().filter(|p| side(p) <= 0.0) {
            out.push(*p);
        }
    }
    for i in 0..segs {
        let (p, q) = (ring[i], ring[(i + 1) % n]);
        let (sp, sq) = (side(&p), side(&q));
        if (sp <= 0.0) != (sq <= 0.0) {
            let k = sp / (sp - sq);
            out.push([p[0] + (q[0] - p[0]) * k, p[1] + (q[1] - p[1]) * k]);
        }
        if sq <= 0.0 {
            out.push(q);
        }
    }
    out
}

/// A colour with its red, green and blue scaled by `k` (walls in shade).
fn shade(c: Rgba, k: f64) -> Rgba {
    let f = |v: u8| (v as f64 * k).round().clamp(0.0, 255.0) as u8;
    Rgba {
        r: f(c.r),
        g: f(c.g),
        b: f(c.b),
        a: c.a,
    }
}

/// The affine plane `w = a·x + b·y + c` through projected points `[x, y, w]`
/// of one flat face (the perspective factor is affine in screen space for
/// a plane): fitted through the three points spanning the largest triangle
/// among the first, the furthest from it and the one furthest from that line.
fn plane_through<'a>(pts: impl Iterator<Item = &'a [f64; 3]> + Clone) -> [f32; 3] {
    let Some(a) = pts.clone().next().copied() else {
        return [0.0, 0.0, 1.0];
    };
    let d2 = |p: &[f64; 3]| (p[0] - a[0]).powi(2) + (p[1] - a[1]).powi(2);
    let b = pts
        .clone()
        .fold(a, |m, p| if d2(p) > d2(&m) { *p } else { m });
    let area = |p: &[f64; 3]| ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])).abs();
    let c = pts.fold(a, |m, p| if area(p) > area(&m) { *p } else { m });
    let det = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    if det.abs() < 1e-9 {
        // Seen edge-on: one depth for all of it.
        let w = a[2].max(b[2]).max(c[2]) as f32;
        return [0.0, 0.0, w];
    }
    let (dw1, dw2) = (b[2] - a[2], c[2] - a[2]);
    let pa = (dw1 * (c[1] - a[1]) - dw2 * (b[1] - a[1])) / det;
    let pb = ((b[0] - a[0]) * dw2 - (c[0] - a[0]) * dw1) / det;
    let pc = a[2] - pa * a[0] - pb * a[1];
    [pa as f32, pb as f32, pc as f32]
}

/// Non-zero winding number of a closed ring around a point.
fn winding_f32(ring: &[[f32; 2]], [x, y]: [f32; 2]) -> i32 {
    let n = ring.len();
    let mut w = 0;
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        let cross = (b[0] - a[0]) * (y - a[1]) - (x - a[0]) * (b[1] - a[1]);
        if a[1] <= y {
            if b[1] > y && cross > 0.0 {
                w += 1;
            }
        } else if b[1] <= y && cross < 0.0 {
            w -= 1;
        }
    }
    w
}

/// Outline width of point circles in device px (never wider than the radius).
fn point_stroke_width(stroke: Option<Rgba>, width: f64, radius: f32, dpr: f32) -> f32 {
    if stroke.is_some() {
        (width as f32 * dpr).min(radius)
    } else {
        0.0
    }
}

/// A colour as a sort key: red, green, blue, alpha in that order.
fn colour_key(c: Rgba) -> u64 {
    u64::from(u32::from_be_bytes([c.r, c.g, c.b, c.a]))
}

/// The colour of a [`colour_key`].
fn colour_of(key: u64) -> Rgba {
    let [r, g, b, a] = (key as u32).to_be_bytes();
    Rgba { r, g, b, a }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::Camera;
    use geo::{line_string, polygon, Geometry, Point};

    fn paint() -> LayerPaint {
        LayerPaint {
            fill: Some(Rgba::rgb(200, 0, 0)),
            ..LayerPaint::default()
        }
    }

    fn square(x: f64, y: f64, d: f64) -> Geometry<f64> {
        Geometry::Polygon(
            polygon![(x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d)],
        )
    }

    #[test]
    fn culls_shapes_and_points_outside_the_view() {
        let near = square(10.0, 53.5, 0.01);
        let far = square(-70.0, -30.0, 0.01);
        let layer = PreparedLayer::from_geometries([Some(&near), Some(&far)]);
        let pts = [
            Geometry::Point(Point::new(10.005, 53.505)),
            Geometry::Point(Point::new(120.0, 10.0)),
        ];
        let points = PreparedLayer::from_geometries(pts.iter().map(Some));
        let vp = Viewport {
            width: 400.0,
            height: 300.0,
            dpr: 1.0,
        };
        let t = Transform::new(&Camera::new([10.005, 53.505], 13.0), &vp);
        let mut dl = DrawList::new();
        let p = paint();
        dl.build([(&layer, &p), (&points, &p)], &t, &vp, Rgba::rgb(0, 0, 0));
        assert_eq!(
            dl.paths.len(),
            2,
            "one ring filled and stroked; the far square culled"
        );
        assert_eq!(dl.points.len(), 1);
        assert!(matches!(dl.commands[0], DrawCommand::Fill { .. }));
        assert!(matches!(dl.commands[1], DrawCommand::Stroke { .. }));
        assert!(matches!(dl.commands[2], DrawCommand::Points { .. }));
    }

    #[test]
    fn lines_of_a_layer_coloured_by_its_data_take_their_class_colour() {
        let line = |x: f64| Geometry::LineString(line_string![(x: x, y: 53.5), (x: x, y: 53.51)]);
        let (a, b) = (line(10.0), line(10.005));
        let layer = PreparedLayer::from_geometries([Some(&a), Some(&b)]);
        let vp = Viewport {
            width: 400.0,
            height: 300.0,
            dpr: 1.0,
        };
        let t = Transform::new(&Camera::new([10.0025, 53.505], 13.0), &vp);
        let classes = vec![Some(Rgba::rgb(200, 0, 0)), Some(Rgba::rgb(0, 0, 200))];
        let strokes = |p: &LayerPaint| {
            let mut dl = DrawList::new();
            dl.build([(&layer, p)], &t, &vp, Rgba::rgb(0, 0, 0));
            let mut colours: Vec<Rgba> = dl
                .commands
                .iter()
                .filter_map(|c| match c {
                    DrawCommand::Stroke { color, .. } => Some(*color),
                    _ => None,
                })
                .collect();
            colours.sort_by_key(|c| (c.r, c.g, c.b));
            colours
        };
        let coloured = LayerPaint {
            feature_fill: Some(classes.clone()),
            class_lines: true,
            ..paint()
        };
        assert_eq!(
            strokes(&coloured),
            [Rgba::rgb(0, 0, 200), Rgba::rgb(200, 0, 0)]
        );
        // Without data-driven colours a line keeps the layer's stroke.
        let single = LayerPaint {
            feature_fill: Some(classes),
            ..paint()
        };
        assert_eq!(strokes(&single), [Rgba::rgb(255, 255, 255)]);
    }

    #[test]
    fn zero_opacity_layers_draw_nothing() {
        let layer = PreparedLayer::from_geometries([Some(&square(10.0, 53.5, 0.01))]);
        let vp = Viewport {
            width: 400.0,
            height: 300.0,
            dpr: 2.0,
        };
        let t = Transform::new(&Camera::new([10.005, 53.505], 13.0), &vp);
        let mut dl = DrawList::new();
        let p = LayerPaint {
            opacity: 0.0,
            ..paint()
        };
        dl.build([(&layer, &p)], &t, &vp, Rgba::rgb(0, 0, 0));
        assert!(dl.commands.is_empty());
        assert_eq!((dl.width, dl.height), (800, 600));
    }

    #[test]
    fn level_of_detail_keeps_what_the_zoom_can_show() {
        // A ring with 1,000 vertices on a tiny circle.
        let ring: Vec<(f64, f64)> = (0..1000)
            .map(|i| {
                let a = i as f64 / 1000.0 * std::f64::consts::TAU;
                (10.0 + 0.01 * a.cos(), 53.5 + 0.01 * a.sin())
            })
            .collect();
        let g = Geometry::Polygon(geo::Polygon::new(ring.into(), vec![]));
        let layer = PreparedLayer::from_geometries([Some(&g)]);
        let vp = Viewport {
            width: 400.0,
            height: 300.0,
            dpr: 1.0,
        };
        let mut dl = DrawList::new();
        let p = LayerPaint {
            stroke: None,
            ..paint()
        };
        dl.build(
            [(&layer, &p)],
            &Transform::new(&Camera::new([10.0, 53.5], 6.0), &vp),
            &vp,
            Rgba::rgb(0, 0, 0),
        );
        let low = dl.verts.len();
        dl.build(
            [(&layer, &p)],
            &Transform::new(&Camera::new([10.0, 53.5], 16.0), &vp),
            &vp,
            Rgba::rgb(0, 0, 0),
        );
        let high = dl.verts.len();
        dl.build(
            [(&layer, &p)],
            &Transform::new(&Camera::new([10.0, 53.5], 22.0), &vp),
            &vp,
            Rgba::rgb(0, 0, 0),
        );
        let highest = dl.verts.len();
        assert!(low < 40, "low zoom keeps {low} vertices");
        // Radius ≈ 931 px at zoom 16: about 125 vertices stay within 0.3 px
        // of the circle; at zoom 22 (≈ 60,000 px) all of them matter.
        assert!((100..400).contains(&high), "zoom 16 keeps {high} vertices");
        assert!(highest > 900, "zoom 22 keeps {highest} vertices");
    }

    #[test]
    fn per_feature_colours_make_one_fill_per_colour() {
        let a = square(10.0, 53.5, 0.01);
        let b = square(10.01, 53.5, 0.01);
        let c = square(10.02, 53.5, 0.01);
        let layer = PreparedLayer::from_geometries([Some(&a), Some(&b), Some(&c)]);
        let red = Rgba::rgb(255, 0, 0);
        let blue = Rgba::rgb(0, 0, 255);
        let p = LayerPaint {
            stroke: None,
            feature_fill: Some(vec![Some(red), Some(blue), Some(red)]),
            ..paint()
        };
        let vp = Viewport {
            width: 400.0,
            height: 300.0,
            dpr: 1.0,
        };
        let mut dl = DrawList::new();
        dl.build(
            [(&layer, &p)],
            &Transform::new(&Camera::new([10.015, 53.505], 12.0), &vp),
            &vp,
            Rgba::rgb(0, 0, 0),
        );
        let fills: Vec<_> = dl
            .commands
            .iter()
            .filter_map(|c| match c {
                DrawCommand::Fill { color, paths } => Some((*color, paths.len())),
                _ => None,
            })
            .collect();
        assert_eq!(fills.len(), 2);
        assert!(fills.contains(&(red, 2)) && fills.contains(&(blue, 1)));
    }

    #[test]
    fn filtered_features_are_neither_filled_nor_outlined() {
        let a = square(10.0, 53.5, 0.01);
        let b = square(10.01, 53.5, 0.01);
        let layer = PreparedLayer::from_geometries([Some(&a), Some(&b)]);
        let vp = Viewport {
            width: 400.0,
            height: 300.0,
            dpr: 1.0,
        };
        let t = Transform::new(&Camera::new([10.01, 53.505], 12.0), &vp);
        let mut dl = DrawList::new();
        let p = LayerPaint {
            feature_visible: Some(vec![false, true]),
            ..paint()
        };
        dl.build([(&layer, &p)], &t, &vp, Rgba::rgb(0, 0, 0));
        assert_eq!(dl.paths.len(), 2, "one fill ring and one outline ring");
    }

    #[test]
    fn proportional_circles_draw_big_ones_first_and_emphasis_outlines_on_top() {
        let pts = [
            Geometry::Point(Point::new(10.0, 53.5)),
            Geometry::Point(Point::new(10.001, 53.5)),
            Geometry::Point(Point::new(10.002, 53.5)),
        ];
        let layer = PreparedLayer::from_geometries(pts.iter().map(Some));
        let vp = Viewport {
            width: 400.0,
            height: 300.0,
            dpr: 2.0,
        };
        let t = Transform::new(&Camera::new([10.001, 53.5], 14.0), &vp);
        let black = Rgba::rgb(0, 0, 0);
        let p = LayerPaint {
            feature_radius: Some(vec![2.0, 10.0, 5.0]),
            emphasis: Some(Emphasis {
                color: black,
                width: 2.0,
                features: vec![false, false, true],
            }),
            ..paint()
        };
        let mut dl = DrawList::new();
        dl.build([(&layer, &p)], &t, &vp, Rgba::rgb(255, 255, 255));
        let circles: Vec<(f32, Option<Rgba>)> = dl
            .commands
            .iter()
            .filter_map(|c| match c {
                DrawCommand::Points { radius, stroke, .. } => Some((*radius, *stroke)),
                _ => None,
            })
            .collect();
        // Radii in device px (dpr 2), largest first; the emphasised one is outlined in black.
        assert_eq!(
            circles,
            [
                (20.0, Some(Rgba::rgb(255, 255, 255))),
                (10.0, Some(black)),
                (4.0, Some(Rgba::rgb(255, 255, 255)))
            ]
        );
    }

    #[test]
    fn clipping_keeps_the_near_side_of_rings_and_lines() {
        let square = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]];
        let half = clip_half_plane(&square, true, [1.0, 0.0, 1.0]);
        assert_eq!(half, [[1.0, 0.0], [1.0, 2.0], [0.0, 2.0], [0.0, 0.0]]);
        let line = [[0.0, 0.0], [2.0, 0.0], [0.0, 1.0]];
        let cut = clip_half_plane(&line, false, [1.0, 0.0, 1.0]);
        assert_eq!(cut, [[0.0, 0.0], [1.0, 0.0], [1.0, 0.5], [0.0, 1.0]]);
        assert!(clip_half_plane(&square, true, [1.0, 0.0, -1.0]).is_empty());
    }

    #[test]
    fn a_tilted_camera_clips_a_huge_polygon_at_the_near_plane() {
        // A polygon reaching far behind the camera still fills the map.
        let big = square(9.0, 53.0, 2.0);
        let layer = PreparedLayer::from_geometries([Some(&big)]);
        let vp = Viewport {
            width: 200.0,
            height: 100.0,
            dpr: 1.0,
        };
        let cam = Camera::new([10.0, 53.9], 9.0).with_pitch(60.0);
        let t = Transform::new(&cam, &vp);
        let mut dl = DrawList::new();
        let p = LayerPaint {
            stroke: None,
            ..paint()
        };
        dl.build([(&layer, &p)], &t, &vp, Rgba::rgb(0, 0, 0));
        assert_eq!(dl.paths.len(), 1);
        assert!(dl
            .verts
            .iter()
            .all(|v| v[0].is_finite() && v[1].is_finite()));
        let mut fb = crate::Framebuffer::new(200, 100);
        fb.paint(&dl);
        for (x, y) in [(0, 0), (199, 99), (100, 50), (0, 99)] {
            assert_eq!(fb.pixel(x, y), Rgba::rgb(200, 0, 0), "({x}, {y})");
        }
    }

    fn raised(top: Vec<f32>) -> LayerPaint {
        let n = top.len();
        LayerPaint {
            stroke: None,
            feature_fill: Some(
                (0..n)
                    .map(|i| {
                        Some(if i == 0 {
                            Rgba::rgb(220, 0, 0)
                        } else {
                            Rgba::rgb(0, 0, 220)
                        })
                    })
                    .collect(),
            ),
            extrude: Some(Extrusion {
                top,
                base: vec![0.0; n],
            }),
            ..paint()
        }
    }

    fn frame(
        layer: &PreparedLayer,
        p: &LayerPaint,
        cam: &Camera,
        vp: &Viewport,
    ) -> (crate::Framebuffer, DrawList) {
        let t = Transform::new(cam, vp);
        let mut dl = DrawList::new();
        dl.build([(layer, p)], &t, vp, Rgba::rgb(255, 255, 255));
        let mut fb = crate::Framebuffer::new(1, 1);
        fb.paint(&dl);
        (fb, dl)
    }

    /// Red blocks are feature 0, blue ones feature 1 (walls are shaded, so
    /// the hue tells them apart).
    fn which(c: Rgba) -> Option<u32> {
        match (c.r > 60, c.b > 60, c.g > 60) {
            (true, false, false) => Some(0),
            (false, true, false) => Some(1),
            _ => None,
        }
    }

    #[test]
    fn the_nearer_block_wins_every_pixel_from_every_bearing() {
        // Two 60 m blocks 100 m apart on a north–south line.
        let (lon, lat) = (10.0, 53.55);
        let d = 0.0004;
        let a = square(lon, lat, d);
        let b = square(lon, lat + 0.0009, d);
        let both = PreparedLayer::from_geometries([Some(&a), Some(&b)]);
        let vp = Viewport {
            width: 300.0,
            height: 200.0,
            dpr: 1.0,
        };
        let mid = [lon + d / 2.0, lat + 0.00065];
        for bearing in [0.0, 30.0, 90.0, 150.0, 180.0, 250.0, 330.0] {
            let cam = Camera {
                center: mid,
                zoom: 16.5,
                bearing,
                pitch: 60.0,
            };
            let p = raised(vec![60.0, 60.0]);
            let (fb, dl) = frame(&both, &p, &cam, &vp);
            let t = Transform::new(&cam, &vp);
            let eye = t.eye_ground();
            let dist = |lonlat: [f64; 2]| {
                let w = crate::projection::lonlat_to_world(lonlat);
                (w[0] - eye[0]).hypot(w[1] - eye[1])
            };
            let near = if dist([lon + d / 2.0, lat + d / 2.0])
                < dist([lon + d / 2.0, lat + 0.0009 + d / 2.0])
            {
                0
            } else {
                1
            };
            // Each block alone, and where both cover a pixel the pair must
            // show the nearer one.
            let only = |f: usize| {
                let mut q = p.clone();
                q.feature_visible = Some(vec![f == 0, f == 1]);
                frame(&both, &q, &cam, &vp).0
            };
            let (fa, fbb) = (only(0), only(1));
            let (mut overlap, mut wrong) = (0, 0);
            for y in 0..200 {
                for x in 0..300 {
                    if which(fa.pixel(x, y)) == Some(0) && which(fbb.pixel(x, y)) == Some(1) {
                        overlap += 1;
                        let single = if near == 0 { &fa } else { &fbb };
                        if fb.pixel(x, y) != single.pixel(x, y) {
                            wrong += 1;
                        }
                        if overlap % 7 == 0 {
                            let got = dl.face_at([x as f32 + 0.5, y as f32 + 0.5]);
                            assert_eq!(
                                got,
                                Some((0, near)),
                                "bearing {bearing}: pick at ({x}, {y})"
                            );
                        }
                    }
                }
            }
            // Seen along the line (0°, 180°) one hides much of the other;
            // from the side they may not overlap at all.
            if [0.0, 180.0].contains(&bearing) {
                assert!(overlap > 100, "bearing {bearing}: overlap {overlap}");
            }
            assert!(
                wrong * 50 <= overlap,
                "bearing {bearing}: {wrong} of {overlap} wrong"
            );
        }
    }

    #[test]
    fn crossing_blocks_show_the_taller_where_they_cross() {
        // A tall north–south bar through a low east–west bar.
        let (lon, lat) = (10.0, 53.55);
        let ns = Geometry::Polygon(polygon![
            (x: lon - 0.0001, y: lat - 0.001), (x: lon + 0.0001, y: lat - 0.001),
            (x: lon + 0.0001, y: lat + 0.001), (x: lon - 0.0001, y: lat + 0.001)
        ]);
        let ew = Geometry::Polygon(polygon![
            (x: lon - 0.0015, y: lat - 0.0001), (x: lon + 0.0015, y: lat - 0.0001),
            (x: lon + 0.0015, y: lat + 0.0001), (x: lon - 0.0015, y: lat + 0.0001)
        ]);
        let layer = PreparedLayer::from_geometries([Some(&ns), Some(&ew)]);
        let vp = Viewport {
            width: 300.0,
            height: 300.0,
            dpr: 1.0,
        };
        let p = raised(vec![80.0, 10.0]);
        for (bearing, pitch) in [(0.0, 0.0), (45.0, 40.0), (200.0, 60.0)] {
            let cam = Camera {
                center: [lon, lat],
                zoom: 16.0,
                bearing,
                pitch,
            };
            let (fb, dl) = frame(&layer, &p, &cam, &vp);
            let t = Transform::new(&cam, &vp);
            // The tall bar's roof over the crossing: the tall bar.
            let w = crate::projection::lonlat_to_world([lon, lat]);
            let [x, y, _] = t.project(w, 80.0 * t.px_per_metre()).unwrap_or([0.0; 3]);
            assert_eq!(
                which(fb.pixel(x as u32, y as u32)),
                Some(0),
                "{bearing}/{pitch}"
            );
            assert_eq!(dl.face_at([x as f32, y as f32]), Some((0, 0)));
            // The low bar's roof far out on its arm: the low bar.
            let arm = crate::projection::lonlat_to_world([lon + 0.0012, lat]);
            let [x, y, _] = t.project(arm, 10.0 * t.px_per_metre()).unwrap_or([0.0; 3]);
            assert_eq!(
                which(fb.pixel(x as u32, y as u32)),
                Some(1),
                "{bearing}/{pitch}"
            );
        }
        // Without `extrude`, the same blocks are two flat fills.
        let flat = LayerPaint {
            extrude: None,
            ..p.clone()
        };
        let cam = Camera::new([lon, lat], 16.0);
        let (fb, dl) = frame(&layer, &flat, &cam, &vp);
        assert!(dl.faces.is_empty());
        assert!(which(fb.pixel(150, 150)).is_some());
    }

    #[test]
    fn neighbouring_walls_leave_no_seam_of_background_between_them() {
        // A round tower: 24 walls, each sharing its edges with the next
        // wall and with the roof. Where one face's rim meets the next, no
        // white may show through inside the tower's outline.
        let (lon, lat) = (10.0, 53.55);
        let ring: Vec<(f64, f64)> = (0..24)
            .map(|k| {
                let a = k as f64 / 24.0 * std::f64::consts::TAU;
                (lon + 0.0004 * a.cos(), lat + 0.00025 * a.sin())
            })
            .collect();
        let tower = Geometry::Polygon(geo::Polygon::new(ring.into(), vec![]));
        let layer = PreparedLayer::from_geometries([Some(&tower)]);
        let vp = Viewport {
            width: 300.0,
            height: 300.0,
            dpr: 1.0,
        };
        let p = raised(vec![60.0]);
        for (bearing, pitch) in [(0.0, 50.0), (37.0, 60.0), (200.0, 35.0)] {
            let cam = Camera {
                center: [lon, lat],
                zoom: 17.0,
                bearing,
                pitch,
            };
            let (fb, _) = frame(&layer, &p, &cam, &vp);
            let red = |x: u32, y: u32| which(fb.pixel(x, y)) == Some(0);
            let (mut inside, mut seams) = (0, 0);
            for y in 2..298 {
                for x in 2..298 {
                    if red(x - 2, y) && red(x + 2, y) && red(x, y - 2) && red(x, y + 2) {
                        inside += 1;
                        // Red shades have no green; white mixed in has.
                        if fb.pixel(x, y).g > 24 {
                            seams += 1;
                        }
                    }
                }
            }
            assert!(inside > 2000, "{bearing}/{pitch}: {inside}");
            assert_eq!(seams, 0, "{bearing}/{pitch}: {seams} of {inside} pixels");
        }
    }

    #[test]
    fn walls_are_shaded_by_the_way_they_face_and_roofs_keep_the_fill() {
        let (lon, lat) = (10.0, 53.55);
        let layer = PreparedLayer::from_geometries([Some(&square(lon, lat, 0.0004))]);
        let vp = Viewport {
            width: 300.0,
            height: 300.0,
            dpr: 1.0,
        };
        let p = raised(vec![40.0]);
        // From the south-west: the south and west walls show.
        let cam = Camera {
            center: [lon + 0.0002, lat + 0.0002],
            zoom: 17.0,
            bearing: 45.0,
            pitch: 50.0,
        };
        let (_, dl) = frame(&layer, &p, &cam, &vp);
        let colours: Vec<Rgba> = dl.faces.iter().map(|f| f.color).collect();
        assert_eq!(colours.len(), 3, "two walls and a roof: {colours:?}");
        assert_eq!(colours[2], Rgba::rgb(220, 0, 0));
        // Light from the north-west: the west wall is lighter than the south wall.
        assert!(colours.iter().take(2).all(|c| c.r < 220));
        assert_ne!(colours[0], colours[1]);
    }
}
