//! The playback state machine: active step, camera flight and layer fades.

use crate::scene::{Scene, StepTarget};
use crate::style::to_rgba;
use twinstory_map::flight::{Flight, FlightOptions, TransitionKind};
use twinstory_map::{Camera, DrawList, Framebuffer, LayerPaint, Padding, Transform, Viewport};
use twinstory_model::Transition;

/// Timing of transitions.
#[derive(Debug, Clone)]
pub struct PlaybackOptions {
    /// How long a layer takes to fade in or out, in ms.
    pub fade_ms: f64,
    /// Camera flight settings (speed, curve, maximum duration, reduced motion).
    pub flight: FlightOptions,
}

impl Default for PlaybackOptions {
    fn default() -> Self {
        Self {
            fade_ms: 450.0,
            flight: FlightOptions::default(),
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
        }
    }

    /// The active step, if any.
    pub fn active(&self) -> Option<usize> {
        self.active
    }

    /// The camera as of the last [`tick`](Self::tick).
    pub fn camera(&self) -> Camera {
        self.camera
    }

    /// Current opacity of each layer.
    pub fn opacity(&self) -> &[f64] {
        &self.opacity
    }

    /// The target of the active step.
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
        let first = self.active.is_none();
        self.active = Some(step);
        self.set_paints(scene.paints(Some(step)));
        let target = scene.target(step, viewport, padding);
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
        let target = scene.target(step, viewport, padding);
        if self.target.as_ref() == Some(&target) {
            return;
        }
        self.tick(now);
        if self.flight.is_some() {
            let f = Flight::new(
                self.camera,
                target.camera,
                viewport,
                TransitionKind::Ease,
                &opts.flight,
            );
            self.flight = Some((f, now));
            self.start_fade(&target, now, opts.fade_ms);
            self.target = Some(target);
        } else {
            self.snap_to(target);
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
        let transform = Transform::new(&self.camera, viewport);
        list.build(
            scene
                .layers
                .iter()
                .map(|l| &l.prepared)
                .zip(self.paints.iter()),
            &transform,
            viewport,
            map_background(scene),
        );
        fb.paint(list);
    }
}

/// The frame's background: the theme's map colour, or transparent when
/// basemap tiles lie under the data.
fn map_background(scene: &Scene) -> twinstory_map::Rgba {
    if scene.story.basemap.is_some() {
        twinstory_map::Rgba::default()
    } else {
        to_rgba(scene.story.theme.map_background)
    }
}
