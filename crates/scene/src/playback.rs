//! The playback state machine: active step, camera flight and layer fades.

use crate::scene::{CompareSide, Scene, StepTarget};
use crate::style::to_rgba;
use twinstory_map::easing::EASE;
use twinstory_map::flight::{Flight, FlightOptions, TransitionKind};
use twinstory_map::navigate::{pan, turn_about, zoom_about, NavLimits, TwoFingerMove};
use twinstory_map::{Camera, DrawList, Framebuffer, LayerPaint, Padding, Transform, Viewport};
use twinstory_model::{Transition, NARROW_MAP_WIDTH};

/// Timing of transitions.
#[derive(Debug, Clone)]
pub struct PlaybackOptions {
    /// How long a layer takes to fade in or out, in ms.
    pub fade_ms: f64,
    /// Camera flight settings (speed, curve, maximum duration, reduced motion).
    pub flight: FlightOptions,
    /// How long a reader's zoom (wheel, buttons, keys) is eased over, in
    /// ms; reduced motion zooms at once.
    pub zoom_ms: f64,
}

impl Default for PlaybackOptions {
    fn default() -> Self {
        Self {
            fade_ms: 450.0,
            flight: FlightOptions::default(),
            zoom_ms: 200.0,
        }
    }
}

/// Where the reader is and what the map shows right now.
#[derive(Debug, Clone)]
pub struct Playback {
    active: Option<usize>,
    target: Option<StepTarget>,
    camera: Camera,
    flight: Option<(Flight, f64)>,
    opacity: Vec<f64>,
    fade_from: Vec<f64>,
    fade_start: f64,
    fade_ms: f64,
    /// The active step's paint per layer (colours, sizes, filter, highlight),
    /// computed when the step or the data changes; frames only set opacity.
    paints: Vec<LayerPaint>,
    /// The reader moved the camera away from the step's view: it stays
    /// where the reader left it until the next step or [`Playback::hand_back`].
    user: bool,
    /// A reader's zoom being eased about a screen point.
    zoom_ease: Option<ZoomEase>,
    /// Story layer indices bottom to top (the active step's `show` order).
    order: Vec<usize>,
    /// The active step's left side when it compares two states.
    before: Option<CompareSide>,
    /// Where the divider of a compare step stands, as a share of the
    /// map's width (0 left edge, 1 right edge).
    divider: f64,
}

/// A zoom the reader asked for, eased over a few frames about a fixed point.
#[derive(Debug, Clone, Copy)]
struct ZoomEase {
    from: f64,
    to: f64,
    /// CSS px in the viewport that keeps its world point.
    at: [f64; 2],
    start: f64,
    ms: f64,
    viewport: Viewport,
    limits: NavLimits,
}

impl Playback {
    /// Playback before any step is active.
    pub fn new(scene: &Scene) -> Self {
        let n = scene.layers.len();
        Self {
            active: None,
            target: None,
            camera: Camera::new([10.0, 53.55], 10.0),
            flight: None,
            opacity: vec![0.0; n],
            fade_from: vec![0.0; n],
            fade_start: 0.0,
            fade_ms: 0.0,
            paints: scene.paints(None),
            user: false,
            zoom_ease: None,
            order: scene.draw_order(None),
            before: None,
            divider: 0.5,
        }
    }

    /// The active step (an index into the story's steps); `None` until the
    /// first [`go_to`](Self::go_to).
    pub fn active(&self) -> Option<usize> {
        self.active
    }

    /// The camera as of the last [`tick`](Self::tick).
    pub fn camera(&self) -> Camera {
        self.camera
    }

    /// Each layer's opacity as of the last [`tick`](Self::tick), 0–1, in
    /// the story's layer order (values in between while a fade runs; all 0
    /// before the first step).
    pub fn opacity(&self) -> &[f64] {
        &self.opacity
    }

    /// The layers' drawing order, bottom to top, as story layer indices:
    /// the active step's `show` order (see [`Scene::draw_order`]). Tooltips
    /// and labels take it so the topmost layer drawn is the topmost hit.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Where the active step ends up (camera and opacities), which the
    /// current frame may still be moving towards; `None` before the first step.
    pub fn target(&self) -> Option<&StepTarget> {
        self.target.as_ref()
    }

    /// Makes `step` the active step at time `now` (ms). The first step
    /// shown appears at once; later changes fly and fade. Calling it again
    /// with the same step changes nothing.
    pub fn go_to(
        &mut self,
        scene: &Scene,
        step: usize,
        viewport: &Viewport,
        padding: &Padding,
        now: f64,
        opts: &PlaybackOptions,
    ) {
        if self.active == Some(step) {
            return;
        }
        // A camera the reader moved flies from where they left it.
        self.tick(now);
        self.user = false;
        self.zoom_ease = None;
        let first = self.active.is_none();
        self.active = Some(step);
        self.set_paints(scene.paints(Some(step)));
        self.before = scene.compare_before(step);
        self.divider = default_divider(viewport, padding);
        let target = scene.target(step, viewport, padding);
        self.order.clone_from(&target.order);
        let kind = match scene
            .story
            .steps
            .get(step)
            .map(|s| s.transition)
            .unwrap_or_default()
        {
            Transition::Fly => TransitionKind::Fly,
            Transition::Ease => TransitionKind::Ease,
            Transition::Jump => TransitionKind::Jump,
        };
        if first {
            self.snap_to(target);
            return;
        }
        self.tick(now);
        let flight = Flight::new(self.camera, target.camera, viewport, kind, &opts.flight);
        let crossfade = flight.crossfade();
        self.start_fade(&target, now, opts.fade_ms);
        if crossfade {
            // Reduced motion or a flight too long to follow: cut the camera
            // and let the layers fade in again instead.
            self.camera = target.camera;
            self.flight = None;
            self.fade_from.iter_mut().for_each(|o| *o = 0.0);
        } else {
            self.flight = Some((flight, now));
        }
        self.target = Some(target);
    }

    /// Recomputes the active step's target (after data arrived or the
    /// viewport changed) and moves there without animation unless a flight
    /// is under way, which is retargeted from where the camera is.
    pub fn refresh(
        &mut self,
        scene: &Scene,
        viewport: &Viewport,
        padding: &Padding,
        now: f64,
        opts: &PlaybackOptions,
    ) {
        let Some(step) = self.active else { return };
        // New data changes colours and classes even when the camera stays.
        self.set_paints(scene.paints(Some(step)));
        self.before = scene.compare_before(step);
        let target = scene.target(step, viewport, padding);
        if self.target.as_ref() == Some(&target) {
            return;
        }
        self.tick(now);
        if self.user {
            // The reader's camera stays; only the layers follow the data.
            let camera = self.camera;
            self.snap_to(target);
            self.camera = camera;
        } else if self.flight.is_some() {
            let f = Flight::new(
                self.camera,
                target.camera,
                viewport,
                TransitionKind::Ease,
                &opts.flight,
            );
            self.flight = Some((f, now));
            self.start_fade(&target, now, opts.fade_ms);
            self.order.clone_from(&target.order);
            self.target = Some(target);
        } else {
            self.snap_to(target);
        }
    }

    /// True while the camera is where the reader moved it rather than the
    /// step's view (the shell then offers a way back).
    pub fn user_moved(&self) -> bool {
        self.user
    }

    /// The reader takes the camera: a flight under way stops where it is.
    fn take_control(&mut self, now: f64) {
        self.tick(now);
        self.flight = None;
        self.user = true;
    }

    /// The reader dragged the map by `delta` CSS px (the camera follows the
    /// pointer exactly), kept inside `limits`.
    pub fn pan_by(&mut self, delta: [f64; 2], viewport: &Viewport, limits: &NavLimits, now: f64) {
        if active_nothing(self.active) {
            return;
        }
        self.take_control(now);
        self.camera = limits.clamp(pan(&self.camera, viewport, delta));
    }

    /// The reader turned the map by `bearing` degrees (clockwise) and tilted
    /// it by `pitch` degrees (0–[`MAX_PITCH`](twinstory_map::camera::MAX_PITCH)
    /// in all), about the map's centre.
    pub fn turn_by(&mut self, bearing: f64, pitch: f64, limits: &NavLimits, now: f64) {
        if active_nothing(self.active) {
            return;
        }
        self.take_control(now);
        let turned = Camera {
            bearing: turned(self.camera.bearing, bearing),
            ..self.camera
        }
        .with_pitch(self.camera.pitch + pitch);
        self.camera = limits.clamp(turned);
    }

    /// The reader moved two fingers on the map ([`TwoFingers`](twinstory_map::navigate::TwoFingers)):
    /// the map follows them at once (no easing), kept inside `limits`.
    pub fn fingers(
        &mut self,
        m: &TwoFingerMove,
        viewport: &Viewport,
        limits: &NavLimits,
        now: f64,
    ) {
        if active_nothing(self.active) {
            return;
        }
        self.take_control(now);
        self.zoom_ease = None;
        let mut c = self.camera;
        if m.zoom != 0.0 {
            c = zoom_about(&c, viewport, m.at, limits.clamp_zoom(c.zoom + m.zoom));
        }
        if m.turn != 0.0 {
            c = turn_about(&c, viewport, m.at, turned(c.bearing, m.turn));
        }
        if m.pan != [0.0, 0.0] {
            c = pan(&c, viewport, m.pan);
        }
        if m.tilt != 0.0 {
            c = c.with_pitch(c.pitch + m.tilt);
        }
        self.camera = limits.clamp(c);
    }

    /// The reader zoomed by `levels` about `at` (CSS px in the viewport),
    /// eased over `opts.zoom_ms` unless motion is reduced. Zooms that come
    /// while one is eased add up and end where the last one says.
    pub fn zoom_by(
        &mut self,
        levels: f64,
        at: [f64; 2],
        viewport: &Viewport,
        limits: &NavLimits,
        now: f64,
        opts: &PlaybackOptions,
    ) {
        if active_nothing(self.active) {
            return;
        }
        let goal = self.zoom_ease.map_or(self.camera.zoom, |e| e.to);
        self.take_control(now);
        let to = limits.clamp_zoom(goal + levels);
        if opts.flight.reduced_motion || opts.zoom_ms <= 0.0 {
            self.zoom_ease = None;
            self.camera = limits.clamp(zoom_about(&self.camera, viewport, at, to));
        } else {
            self.zoom_ease = Some(ZoomEase {
                from: self.camera.zoom,
                to,
                at,
                start: now,
                ms: opts.zoom_ms,
                viewport: *viewport,
                limits: *limits,
            });
        }
    }

    /// Gives the camera back to the story: eases from wherever the reader
    /// left it to the active step's view.
    pub fn hand_back(&mut self, viewport: &Viewport, now: f64, opts: &PlaybackOptions) {
        self.tick(now);
        self.user = false;
        self.zoom_ease = None;
        let Some(target) = &self.target else { return };
        let f = Flight::new(
            self.camera,
            target.camera,
            viewport,
            TransitionKind::Ease,
            &opts.flight,
        );
        if f.crossfade() {
            self.camera = target.camera;
            self.flight = None;
        } else {
            self.flight = Some((f, now));
        }
    }

    fn set_paints(&mut self, paints: Vec<LayerPaint>) {
        self.paints = paints;
        for (p, o) in self.paints.iter_mut().zip(&self.opacity) {
            p.opacity = *o;
        }
    }

    /// The paint of each layer as of the last [`tick`](Self::tick).
    pub fn paints(&self) -> &[LayerPaint] {
        &self.paints
    }

    fn snap_to(&mut self, target: StepTarget) {
        self.order.clone_from(&target.order);
        self.camera = target.camera;
        self.flight = None;
        self.opacity.clone_from(&target.opacity);
        for (p, o) in self.paints.iter_mut().zip(&self.opacity) {
            p.opacity = *o;
        }
        self.fade_from.clone_from(&target.opacity);
        self.fade_ms = 0.0;
        self.target = Some(target);
    }

    fn start_fade(&mut self, target: &StepTarget, now: f64, fade_ms: f64) {
        self.fade_from.clone_from(&self.opacity);
        self.fade_from.resize(target.opacity.len(), 0.0);
        self.opacity.resize(target.opacity.len(), 0.0);
        self.fade_start = now;
        self.fade_ms = fade_ms;
    }

    /// Advances animations to time `now` (ms). Returns true while something
    /// is still moving, so the shell knows to request another frame.
    pub fn tick(&mut self, now: f64) -> bool {
        let mut moving = false;
        if let Some(e) = self.zoom_ease {
            let p = ((now - e.start) / e.ms).clamp(0.0, 1.0);
            let zoom = e.from + (e.to - e.from) * EASE.at(p);
            self.camera = e
                .limits
                .clamp(zoom_about(&self.camera, &e.viewport, e.at, zoom));
            if p >= 1.0 {
                self.zoom_ease = None;
            } else {
                moving = true;
            }
        }
        if let Some((flight, start)) = &self.flight {
            let t = now - start;
            self.camera = flight.camera_at(t);
            if flight.is_done(t) {
                self.camera = flight.target();
                self.flight = None;
            } else {
                moving = true;
            }
        }
        if let Some(target) = &self.target {
            let p = if self.fade_ms <= 0.0 {
                1.0
            } else {
                ((now - self.fade_start) / self.fade_ms).clamp(0.0, 1.0)
            };
            for (i, o) in self.opacity.iter_mut().enumerate() {
                let to = target.opacity.get(i).copied().unwrap_or(0.0);
                let from = self.fade_from.get(i).copied().unwrap_or(0.0);
                // Land exactly on the target so arriving by any path is identical.
                *o = if p >= 1.0 { to } else { from + (to - from) * p };
            }
            for (paint, o) in self.paints.iter_mut().zip(&self.opacity) {
                paint.opacity = *o;
            }
            if p < 1.0 {
                moving = true;
            }
        }
        moving
    }

    /// Builds the draw list for the current state and paints it (onto
    /// transparency when the story has a basemap, which shows through).
    ///
    /// Allocation-free once the buffers have grown: paints are prepared per
    /// step, and the draw list and framebuffer reuse their memory.
    pub fn render(
        &self,
        scene: &Scene,
        viewport: &Viewport,
        list: &mut DrawList,
        fb: &mut Framebuffer,
    ) {
        self.render_list(scene, viewport, list);
        fb.paint(list);
    }

    /// Builds the draw list for the current state (what [`Self::render`]
    /// paints).
    pub fn render_list(&self, scene: &Scene, viewport: &Viewport, list: &mut DrawList) {
        self.build(
            scene,
            &self.camera,
            viewport,
            &self.order,
            &self.paints,
            list,
        );
    }

    fn build(
        &self,
        scene: &Scene,
        camera: &Camera,
        viewport: &Viewport,
        order: &[usize],
        paints: &[LayerPaint],
        list: &mut DrawList,
    ) {
        let transform = Transform::new(camera, viewport);
        list.build(
            order
                .iter()
                .filter_map(|&i| Some((&scene.layers.get(i)?.prepared, paints.get(i)?))),
            &transform,
            viewport,
            map_background(scene, camera.pitch > 0.0),
        );
    }

    /// The draw list of one side of a compare step (`before`: the left
    /// one) as it stands beside the other: half of `viewport`'s width, one
    /// zoom level further out, so it frames what the whole map would. The
    /// step's own state when it compares nothing.
    pub fn side_list(&self, scene: &Scene, viewport: &Viewport, before: bool, list: &mut DrawList) {
        let half = Viewport {
            width: viewport.width / 2.0,
            ..*viewport
        };
        // Half the size in each direction is one zoom level less.
        let camera = Camera {
            zoom: self.camera.zoom - 1.0,
            ..self.camera
        };
        let (order, paints) = match &self.before {
            Some(b) if before => (&b.order, &b.paints),
            _ => (&self.order, &self.paints),
        };
        self.build(scene, &camera, &half, order, paints, list);
    }

    /// True while the active step compares two states (`compare`).
    pub fn comparing(&self) -> bool {
        self.before.is_some()
    }

    /// Where the divider of a compare step stands, as a share of the map's
    /// width; in the middle of the part of the map beside the cards when
    /// the step begins, however it was reached.
    pub fn divider(&self) -> f64 {
        self.divider
    }

    /// Moves the divider (a share of the map's width, clamped to 0–1).
    pub fn set_divider(&mut self, share: f64) {
        self.divider = if share.is_nan() {
            0.5
        } else {
            share.clamp(0.0, 1.0)
        };
    }

    /// Paints the current state as [`Self::render`] does; in a compare step
    /// the left side's state is drawn too: left of the divider on wide
    /// maps, and on narrow maps (at most [`NARROW_MAP_WIDTH`] CSS px: the
    /// divider would leave too little of either) both side by side at half
    /// the size, so each shows what the whole map would. `scratch` holds
    /// the second picture; it is not touched outside compare steps.
    pub fn render_compare(
        &self,
        scene: &Scene,
        viewport: &Viewport,
        list: &mut DrawList,
        fb: &mut Framebuffer,
        scratch: &mut Framebuffer,
    ) {
        let Some(before) = &self.before else {
            return self.render(scene, viewport, list, fb);
        };
        let line = to_rgba(scene.story.theme.card);
        let lw = (2.0 * viewport.dpr).round().max(1.0) as u32;
        if viewport.width <= NARROW_MAP_WIDTH {
            fb.resize(viewport.device_width(), viewport.device_height());
            self.side_list(scene, viewport, true, list);
            scratch.paint(list);
            fb.copy_columns(scratch, 0, scratch.width(), 0);
            let left = scratch.width();
            self.side_list(scene, viewport, false, list);
            scratch.paint(list);
            fb.copy_columns(
                scratch,
                0,
                scratch.width(),
                fb.width().saturating_sub(scratch.width()),
            );
            fb.fill_columns(left.saturating_sub(lw / 2), left + lw.div_ceil(2), line);
        } else {
            self.render(scene, viewport, list, fb);
            self.build(
                scene,
                &self.camera,
                viewport,
                &before.order,
                &before.paints,
                list,
            );
            scratch.paint(list);
            let split = (self.divider * f64::from(fb.width())).round() as u32;
            fb.copy_columns(scratch, 0, split, 0);
            fb.fill_columns(split.saturating_sub(lw / 2), split + lw.div_ceil(2), line);
        }
    }
}

/// The divider's place when a compare step begins: the middle of the map
/// beside the cards (the padding), as a share of the map's width.
fn default_divider(viewport: &Viewport, padding: &Padding) -> f64 {
    let w = viewport.width.max(1.0);
    let free = (w - padding.left - padding.right).max(0.0);
    ((padding.left + free / 2.0) / w).clamp(0.0, 1.0)
}

/// Before the first step the camera is a placeholder nobody should move.
fn active_nothing(active: Option<usize>) -> bool {
    active.is_none()
}

/// The frame's background: the theme's map colour, or transparent when
/// basemap tiles lie under the data (never under a tilted map, which
/// shows no basemap).
fn map_background(scene: &Scene, tilted: bool) -> twinstory_map::Rgba {
    if scene.story.basemap.is_some() && !tilted {
        twinstory_map::Rgba::default()
    } else {
        to_rgba(scene.story.theme.map_background)
    }
}

/// A bearing turned by `by` degrees, in (−180°, 180°].
fn turned(bearing: f64, by: f64) -> f64 {
    let b = (bearing + by).rem_euclid(360.0);
    if b > 180.0 {
        b - 360.0
    } else {
        b
    }
}
