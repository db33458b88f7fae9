//! A story with its layers' data and the target state of every step.

use crate::labels::LayerLabels;
use crate::legend::{LegendEntry, LegendKind, LegendLabel};
use crate::style::{
    is_point_layer, paint_for, step_paint, style_layer, LayerStyling, StepConditions,
};
use twinstory_data::Dataset;
use twinstory_map::camera::WORLD_SIZE;
use twinstory_map::fit::fit_bounds;
use twinstory_map::hit::HitIndex;
use twinstory_map::navigate::NavLimits;
use twinstory_map::projection::{lonlat_to_world, world_to_lonlat};
use twinstory_map::{Camera, LayerPaint, LonLatBounds, Padding, PreparedLayer, Viewport};
use twinstory_model::strings::Lang;
use twinstory_model::{FitTarget, Height, LayerState, Story, View, NARROW_MAP_WIDTH};

/// Highest zoom a `fit` may produce (a single point would otherwise zoom in forever).
const FIT_MAX_ZOOM: f64 = 17.0;
/// How many highlighted features the legend names (the rest are counted).
const HIGHLIGHT_NAMES: usize = 5;
/// Highest zoom a reader may zoom in to (unless a step goes deeper).
const NAV_MAX_ZOOM: f64 = 19.0;

/// Where a layer's data is.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerStatus {
    /// Still being fetched or parsed.
    Loading,
    /// Ready to draw.
    Ready,
    /// Could not be loaded (the shell shows the reader why, over the map;
    /// the legend says it is missing).
    Failed,
}

/// A layer of the scene: its data once loaded.
#[derive(Debug, Clone)]
pub struct SceneLayer {
    /// The layer's id in the story.
    pub id: String,
    /// Loading state.
    pub status: LayerStatus,
    /// Geometry in world units (empty until ready).
    pub prepared: PreparedLayer,
    /// Colours, sizes and legend items from the data (empty until ready).
    pub styling: LayerStyling,
    /// Spatial index for tooltips and labels; built only for layers with
    /// a `tooltip` or a `label`.
    pub hit: HitIndex,
    /// Label texts and priorities (empty without a `label`).
    pub labels: LayerLabels,
    /// The largest point radius (CSS px) the layer's style gives a feature.
    pub max_radius: f64,
    /// True when the layer's features are points (legend symbols are circles).
    pub points: bool,
}

/// What a step shows: the camera and every layer's opacity.
#[derive(Debug, Clone, PartialEq)]
pub struct StepTarget {
    /// Where the camera should be.
    pub camera: Camera,
    /// Target opacity of each layer, in story order.
    pub opacity: Vec<f64>,
    /// Story layer indices bottom to top: the layers the step does not
    /// show (story order, so those fading out stay beneath), then the
    /// step's `show` list in the author's order.
    pub order: Vec<usize>,
}

/// The left side of a compare step, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareSide {
    /// Every layer's paint (story order), at its final opacity.
    pub paints: Vec<LayerPaint>,
    /// Story layer indices bottom to top.
    pub order: Vec<usize>,
}

/// A story and its layers.
#[derive(Debug, Clone)]
pub struct Scene {
    /// The story being played.
    pub story: Story,
    /// One entry per story layer, same order.
    pub layers: Vec<SceneLayer>,
}

impl Scene {
    /// A scene whose layers are all still loading.
    pub fn new(story: Story) -> Self {
        let layers = story
            .layers
            .iter()
            .map(|l| SceneLayer {
                id: l.id.clone(),
                status: LayerStatus::Loading,
                prepared: PreparedLayer::default(),
                styling: LayerStyling::default(),
                hit: HitIndex::default(),
                labels: LayerLabels::default(),
                max_radius: 0.0,
                points: is_point_layer(l, None),
            })
            .collect();
        Self { story, layers }
    }

    /// Stores a loaded layer's features.
    pub fn set_layer_data(&mut self, index: usize, data: &Dataset) {
        if let Some(l) = self.layers.get_mut(index) {
            l.prepared =
                PreparedLayer::from_geometries(data.features.iter().map(|f| f.geometry.as_ref()));
            if let Some(layer) = self.story.layers.get(index) {
                if twinstory_map::SOLID
                    && layer.style.extrude.as_ref().is_some_and(Height::is_model)
                {
                    for (i, f) in data.features.iter().enumerate() {
                        if let Some(solid) = &f.solid {
                            let surfaces = solid.surfaces.iter().map(|s| {
                                (s.kind == twinstory_data::SurfaceKind::Roof, &s.rings[..])
                            });
                            l.prepared.solids.add(i as u32, surfaces);
                        }
                    }
                }
                // Classes are computed over the whole layer once, so a colour
                // means the same in every step whatever the step filters.
                l.styling = style_layer(layer, data);
                l.points = is_point_layer(layer, Some(data));
                l.max_radius = step_paint(layer, &l.styling, None, None).max_radius();
                // Built once here, so a hover costs a few box tests.
                l.hit = if layer.tooltip.is_some() || layer.style.label.is_some() {
                    HitIndex::new(&l.prepared)
                } else {
                    HitIndex::default()
                };
                l.labels = LayerLabels::new(
                    layer,
                    &l.styling.properties,
                    &l.prepared.point_feature,
                    &self.story.lang,
                );
            }
            l.status = LayerStatus::Ready;
        }
    }

    /// Marks a layer as failed.
    pub fn set_layer_failed(&mut self, index: usize) {
        if let Some(l) = self.layers.get_mut(index) {
            l.status = LayerStatus::Failed;
        }
    }

    /// How many of the layers step `step` draws are still loading (the
    /// map's `data-step-loading`: 0 when the step is drawn complete).
    pub fn step_loading(&self, step: usize) -> usize {
        self.layers
            .iter()
            .enumerate()
            .filter(|(i, l)| l.status == LayerStatus::Loading && self.story.step_draws(step, *i))
            .count()
    }

    /// Index of a layer by id.
    pub fn layer_index(&self, id: &str) -> Option<usize> {
        self.layers.iter().position(|l| l.id == id)
    }

    /// Bounds of all loaded layers together.
    pub fn all_bounds(&self) -> Option<LonLatBounds> {
        self.layers
            .iter()
            .filter_map(|l| l.prepared.lonlat_bounds)
            .reduce(union)
    }

    /// How far a reader may move the map: out to one level below the
    /// zoom that shows all the story's data and step views, in to zoom 19,
    /// and the centre no further than half a screen (at the lowest zoom)
    /// beyond that extent, so the data can never be lost off screen.
    pub fn nav_limits(&self, viewport: &Viewport, padding: &Padding) -> NavLimits {
        let cameras: Vec<Camera> = (0..self.story.steps.len())
            .map(|i| self.target(i, viewport, padding).camera)
            .collect();
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut add = |[x, y]: [f64; 2]| {
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        };
        if let Some(d) = self.all_bounds() {
            add(lonlat_to_world([d.west, d.north]));
            add(lonlat_to_world([d.east, d.south]));
        }
        cameras.iter().for_each(|c| add(c.center_world()));
        if !b[0].is_finite() {
            return NavLimits::default();
        }
        let step_min = cameras.iter().map(|c| c.zoom).fold(f64::INFINITY, f64::min);
        let step_max = cameras.iter().map(|c| c.zoom).fold(NAV_MAX_ZOOM, f64::max);
        let [west, north] = world_to_lonlat([b[0], b[1]]);
        let [east, south] = world_to_lonlat([b[2], b[3]]);
        let all = fit_bounds(
            &LonLatBounds {
                west,
                south,
                east,
                north,
            },
            viewport,
            &Padding::default(),
            0.0,
            FIT_MAX_ZOOM,
        );
        let min_zoom = (all.zoom - 1.0).min(step_min).max(0.0);
        let screen = WORLD_SIZE * min_zoom.exp2();
        let (mx, my) = (
            viewport.width / screen / 2.0,
            viewport.height / screen / 2.0,
        );
        NavLimits {
            min_zoom,
            max_zoom: step_max,
            center_bounds: Some([b[0] - mx, b[1] - my, b[2] + mx, b[3] + my]),
        }
    }

    /// The view in force at a step on a map `width` CSS pixels wide: the
    /// step's own, or the nearest earlier step's. On narrow maps (at most
    /// [`NARROW_MAP_WIDTH`]) a step's `view-narrow` comes first, so that a
    /// step without one keeps the narrow view of the step before, as on
    /// wide maps.
    ///
    /// # Examples
    /// ```
    /// use twinstory_model::Story;
    /// use twinstory_scene::Scene;
    /// let story: Story = serde_json::from_str(r#"{"title": "T", "steps": [
    ///     {"id": "a", "title": "A", "view": {"center": [10, 53.5], "zoom": 12},
    ///      "view-narrow": {"center": [10, 53.5], "zoom": 10}},
    ///     {"id": "b", "title": "B"},
    ///     {"id": "c", "title": "C", "view": {"center": [10, 53.5], "zoom": 14}}
    /// ]}"#).unwrap();
    /// let scene = Scene::new(story);
    /// assert_eq!(scene.resolved_view(1, 1280.0).unwrap().zoom, Some(12.0));
    /// assert_eq!(scene.resolved_view(1, 390.0).unwrap().zoom, Some(10.0));
    /// // A step's own `view` counts on narrow maps too, when it has no `view-narrow`.
    /// assert_eq!(scene.resolved_view(2, 390.0).unwrap().zoom, Some(14.0));
    /// ```
    pub fn resolved_view(&self, step: usize, width: f64) -> Option<&View> {
        let narrow = width <= NARROW_MAP_WIDTH;
        self.story.steps.get(..=step)?.iter().rev().find_map(|s| {
            s.view_narrow
                .as_ref()
                .filter(|_| narrow)
                .or(s.view.as_ref())
        })
    }

    /// The complete target state of a step for this viewport and padding.
    ///
    /// Layers that are not loaded yet cannot be fitted; the scene then falls
    /// back to everything loaded so far, and the shell asks again once data
    /// arrives.
    pub fn target(&self, step: usize, viewport: &Viewport, padding: &Padding) -> StepTarget {
        let step = step.min(self.story.steps.len().saturating_sub(1));
        let show = self.story.steps.get(step).map(|s| s.show.as_slice());
        let opacity = self.opacity_of(show.unwrap_or_default());
        let camera = self.camera_for(self.resolved_view(step, viewport.width), viewport, padding);
        StepTarget {
            camera,
            opacity,
            order: self.draw_order(Some(step)),
        }
    }

    /// The order layers are drawn in at a step, bottom to top: the layers
    /// the step does not show in story order, then its `show` list as the
    /// author wrote it (the docs' "bottom to top"). `None` (before any
    /// step): story order.
    ///
    /// Decided by the step alone, so a jump draws what reading draws.
    pub fn draw_order(&self, step: Option<usize>) -> Vec<usize> {
        let show = step
            .and_then(|s| self.story.steps.get(s))
            .map(|s| s.show.as_slice());
        self.order_of(show.unwrap_or_default())
    }

    /// The draw order of a `show` list (see [`Self::draw_order`]).
    fn order_of(&self, show: &[LayerState]) -> Vec<usize> {
        let mut shown: Vec<usize> = Vec::new();
        for st in show {
            if let Some(i) = self.layer_index(&st.layer) {
                if !shown.contains(&i) {
                    shown.push(i);
                }
            }
        }
        (0..self.layers.len())
            .filter(|i| !shown.contains(i))
            .chain(shown.iter().copied())
            .collect()
    }

    /// Every layer's paint in a step (opacity 0: playback fades it), with
    /// the step's filters and highlights applied. `None` gives the plain
    /// data-driven style, as before any step is active.
    ///
    /// Computed once per step change or data arrival, never per frame.
    pub fn paints(&self, step: Option<usize>) -> Vec<LayerPaint> {
        let show = step
            .and_then(|s| self.story.steps.get(s))
            .map(|s| s.show.as_slice());
        self.paints_of(show.unwrap_or_default())
    }

    /// The left side of a compare step (`compare.before`): every layer's
    /// paint at its final opacity, and the draw order. `None` for a step
    /// without `compare`.
    ///
    /// Decided by the step alone (as [`Self::target`]), so a jump shows
    /// what reading shows.
    pub fn compare_before(&self, step: usize) -> Option<CompareSide> {
        let c = self.story.steps.get(step)?.compare.as_ref()?;
        let mut paints = self.paints_of(&c.before);
        for (p, o) in paints.iter_mut().zip(self.opacity_of(&c.before)) {
            p.opacity = o;
        }
        Some(CompareSide {
            paints,
            order: self.order_of(&c.before),
        })
    }

    /// Every layer's opacity in a `show` list (0 for those it leaves out).
    fn opacity_of(&self, show: &[LayerState]) -> Vec<f64> {
        let mut opacity = vec![0.0; self.layers.len()];
        for st in show {
            if let Some(i) = self.layer_index(&st.layer) {
                opacity[i] = st.opacity.clamp(0.0, 1.0);
            }
        }
        opacity
    }

    fn paints_of(&self, show: &[LayerState]) -> Vec<LayerPaint> {
        self.story
            .layers
            .iter()
            .zip(&self.layers)
            .map(|(layer, scene_layer)| {
                let state = show.iter().find(|st| st.layer == layer.id);
                if scene_layer.status != LayerStatus::Ready {
                    return paint_for(layer, 0.0);
                }
                let styling = &scene_layer.styling;
                let (visible, highlighted) = match state {
                    Some(st) => {
                        let c = StepConditions::of(st);
                        (c.visible(styling), c.highlighted(styling))
                    }
                    None => (None, None),
                };
                step_paint(layer, styling, visible, highlighted)
            })
            .collect()
    }

    /// The legend of a step: one entry per layer the step shows (top layer
    /// first, as readers scan a legend), with its classes, categories or
    /// circle sizes and how many drawn features each stands for.
    pub fn legend(&self, step: usize) -> Vec<LegendEntry> {
        let Some(s) = self.story.steps.get(step) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // A compare step's left side follows the right side's layers (its
        // layers that are not on the right: the two sides' keys).
        let before = s.compare.iter().flat_map(|c| c.before.iter().rev());
        let before = before.filter(|b| !s.show.iter().any(|a| a.layer == b.layer));
        for state in s
            .show
            .iter()
            .rev()
            .chain(before)
            .filter(|st| st.opacity > 0.0)
        {
            let Some(i) = self.layer_index(&state.layer) else {
                continue;
            };
            let (layer, scene_layer) = (&self.story.layers[i], &self.layers[i]);
            let styling = &scene_layer.styling;
            let conditions = StepConditions::of(state);
            let visible = conditions.visible(styling);
            let highlighted = conditions.highlighted(styling);
            let total = styling.item_of.len();
            let shown_at = |f: usize| visible.as_ref().is_none_or(|v| v[f]);
            let mut items = styling.items.clone();
            // Values as readers know them (`categories`).
            for item in &mut items {
                if let LegendLabel::Category(v) = &mut item.label {
                    *v = layer.category_name(v).to_owned();
                }
            }
            if !items.is_empty() && styling.kind != Some(LegendKind::Circles) {
                for item in &mut items {
                    item.count = 0;
                }
                for (f, item) in styling.item_of.iter().enumerate() {
                    if let (true, Some(i)) = (shown_at(f), item) {
                        if let Some(it) = items.get_mut(*i as usize) {
                            it.count += 1;
                        }
                    }
                }
            }
            let mut author_notes = styling.problems.clone();
            author_notes.extend(conditions.problems);
            let mut problems = Vec::new();
            // A failed layer's whole message stands over the map; the
            // legend says only that it is missing.
            let strings = Lang::of(&self.story.lang).strings();
            if scene_layer.status == LayerStatus::Failed {
                problems.push((strings.layer_not_loaded)(&layer.reader_title()));
            } else if !author_notes.is_empty() {
                problems.push((strings.layer_style_problem)(&layer.reader_title()));
            }
            let lit: Vec<usize> = highlighted.as_ref().map_or_else(Vec::new, |h| {
                (0..total).filter(|f| h[*f] && shown_at(*f)).collect()
            });
            let names = self.feature_names(i, &lit);
            out.push(LegendEntry {
                layer: layer.id.clone(),
                title: layer.reader_title(),
                kind: styling.kind.unwrap_or(LegendKind::Single),
                property: styling.property.as_deref().map(|p| layer.field_name(p)),
                point: scene_layer.points,
                items,
                highlight: state.highlight.clone(),
                filter: state.filter.clone(),
                shown: (0..total).filter(|f| shown_at(*f)).count(),
                highlighted: lit.len(),
                highlighted_names: names.iter().take(HIGHLIGHT_NAMES).cloned().collect(),
                highlighted_more: names.len().saturating_sub(HIGHLIGHT_NAMES),
                total,
                problems,
                author_notes,
            });
        }
        out
    }

    /// The distinct names of some of a layer's features, in data order:
    /// their `label` text when the layer has one, else their `name`
    /// (features without either have none).
    pub fn feature_names(&self, layer: usize, features: &[usize]) -> Vec<String> {
        let Some(l) = self.layers.get(layer) else {
            return Vec::new();
        };
        let mut names: Vec<String> = Vec::new();
        for &f in features {
            let name = match l.labels.text.get(f) {
                Some(t) if !t.trim().is_empty() => Some(t.trim().to_owned()),
                _ => l
                    .styling
                    .properties
                    .get(f)
                    .and_then(|p| p.get("name"))
                    .and_then(|v| v.as_str())
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
            };
            if let Some(n) = name.filter(|n| !names.contains(n)) {
                names.push(n);
            }
        }
        names
    }

    fn camera_for(&self, view: Option<&View>, viewport: &Viewport, padding: &Padding) -> Camera {
        let bearing = view.map(|v| v.bearing).unwrap_or(0.0);
        let pitch = view.map(|v| v.pitch).unwrap_or(0.0);
        // A fit frames the bounds as seen from straight above, then tilts.
        let fit = |b: LonLatBounds| {
            fit_bounds(&b, viewport, padding, bearing, FIT_MAX_ZOOM).with_pitch(pitch)
        };
        let fallback = || {
            self.all_bounds()
                .map(fit)
                .unwrap_or_else(|| Camera::new([10.0, 53.55], 10.0))
        };
        let Some(view) = view else { return fallback() };
        if let Some(target) = &view.fit {
            let bounds = match target {
                FitTarget::Layer(id) => self
                    .layer_index(id)
                    .and_then(|i| self.layers[i].prepared.lonlat_bounds),
                FitTarget::Bbox([w, s, e, n]) => Some(LonLatBounds {
                    west: *w,
                    south: *s,
                    east: *e,
                    north: *n,
                }),
            };
            return bounds.map(fit).unwrap_or_else(fallback);
        }
        match (view.center, view.zoom) {
            (Some(center), Some(zoom)) => {
                centered_in_padding(center, zoom, bearing, viewport, padding).with_pitch(pitch)
            }
            _ => fallback(),
        }
    }
}

/// A camera that shows `center` in the middle of the padded (free) area
/// rather than the middle of the canvas, so the text column never hides it.
fn centered_in_padding(
    center: [f64; 2],
    zoom: f64,
    bearing: f64,
    viewport: &Viewport,
    padding: &Padding,
) -> Camera {
    let cam = Camera {
        center,
        zoom,
        bearing,
        pitch: 0.0,
    };
    let t = twinstory_map::Transform::new(&cam, viewport);
    let dpr = viewport.dpr;
    let free_cx = (padding.left + (viewport.width - padding.right)) / 2.0 * dpr;
    let free_cy = (padding.top + (viewport.height - padding.bottom)) / 2.0 * dpr;
    let canvas_c = [
        viewport.device_width() as f64 / 2.0,
        viewport.device_height() as f64 / 2.0,
    ];
    // Move the camera so that `center` lands on the free area's middle.
    let shifted = t.to_world([
        canvas_c[0] - (free_cx - canvas_c[0]),
        canvas_c[1] - (free_cy - canvas_c[1]),
    ]);
    Camera::from_world(shifted, zoom, bearing)
}

fn union(a: LonLatBounds, b: LonLatBounds) -> LonLatBounds {
    LonLatBounds {
        west: a.west.min(b.west),
        south: a.south.min(b.south),
        east: a.east.max(b.east),
        north: a.north.max(b.north),
    }
}
