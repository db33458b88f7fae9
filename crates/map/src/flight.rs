//! Camera transitions between two views: `fly` (van Wijk & Nuij's optimal
//! zoom-and-pan path, as d3's `interpolateZoom` and MapLibre's `flyTo`),
//! `ease` (straight interpolation) and `jump` (a cut).
//!
//! All maths is in world units (the Mercator square is 1 × 1), where the
//! visible width at zoom `z` is `max(width, height) / (512 · 2^z)`. Flights
//! take the short way across the antimeridian.

use crate::camera::{Camera, Viewport, WORLD_SIZE};
use crate::easing::EASE;
use crate::projection::wrap_longitude;

/// How the camera moves to its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionKind {
    /// Zoom out, pan and zoom back in along the smoothest path.
    Fly,
    /// Interpolate centre, zoom and bearing directly.
    Ease,
    /// Cut to the target at once.
    Jump,
}

/// Settings of camera transitions.
#[derive(Debug, Clone, PartialEq)]
pub struct FlightOptions {
    /// Average speed of a flight in "screenfuls" per second (MapLibre's `speed`, 1.2).
    pub speed: f64,
    /// The zoom-out curvature ρ of a flight (MapLibre's `curve`, 1.42).
    pub curve: f64,
    /// Shortest duration of a flight or ease, in ms.
    pub min_duration_ms: f64,
    /// Duration of an `ease`, in ms.
    pub ease_duration_ms: f64,
    /// Longest a flight may take; a longer one becomes a cross-fade (readers
    /// lose orientation on long flights and tiles cannot keep up).
    pub max_duration_ms: f64,
    /// The reader asked for reduced motion: every move becomes a cross-fade.
    pub reduced_motion: bool,
}

impl Default for FlightOptions {
    fn default() -> Self {
        Self {
            speed: 1.2,
            curve: 1.42,
            min_duration_ms: 300.0,
            ease_duration_ms: 1000.0,
            max_duration_ms: 4000.0,
            reduced_motion: false,
        }
    }
}

/// Parameters of the van Wijk–Nuij path.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Path {
    rho: f64,
    w0: f64,
    u1: f64,
    r0: f64,
    /// Length of the path in its own parameter `s`.
    length: f64,
    /// +1 when zooming out (pure zoom), -1 when zooming in.
    zoom_sign: f64,
}

impl Path {
    fn new(w0: f64, w1: f64, u1: f64, rho: f64) -> Self {
        let rho2 = rho * rho;
        if u1 < 1e-12 * w0.max(w1) {
            // Pure zoom: w(s) = w0 · e^(±ρs).
            let length = (w1 / w0).ln().abs() / rho;
            return Self {
                rho,
                w0,
                u1: 0.0,
                r0: 0.0,
                length,
                zoom_sign: (w1 / w0).ln().signum(),
            };
        }
        let b = |wi: f64, sign: f64| {
            (w1 * w1 - w0 * w0 + sign * rho2 * rho2 * u1 * u1) / (2.0 * wi * rho2 * u1)
        };
        let r0 = -b(w0, 1.0).asinh();
        let r1 = -b(w1, -1.0).asinh();
        Self {
            rho,
            w0,
            u1,
            r0,
            length: (r1 - r0) / rho,
            zoom_sign: 0.0,
        }
    }

    /// Distance travelled along the ground (0..=u1) and visible width at `s`.
    fn at(&self, s: f64) -> (f64, f64) {
        if self.u1 == 0.0 {
            return (0.0, self.w0 * (self.zoom_sign * self.rho * s).exp());
        }
        let (rho, r0) = (self.rho, self.r0);
        let u = self.w0 / (rho * rho) * (r0.cosh() * (rho * s + r0).tanh() - r0.sinh());
        let w = self.w0 * r0.cosh() / (rho * s + r0).cosh();
        (u, w)
    }
}

/// One camera transition, evaluated at any time since it started.
#[derive(Debug, Clone, PartialEq)]
pub struct Flight {
    from: Camera,
    to: Camera,
    from_world: [f64; 2],
    /// Target centre in world units, unwrapped so the path is the short way round.
    to_world: [f64; 2],
    kind: TransitionKind,
    path: Option<Path>,
    screen: f64,
    duration_ms: f64,
    crossfade: bool,
}

impl Flight {
    /// Plans a transition from one camera to another through a viewport.
    ///
    /// A `Fly` lasts `1000 · S / speed` ms, where `S` is the path length in
    /// screenfuls; when that exceeds `max_duration_ms`, or the reader prefers
    /// reduced motion, [`crossfade`](Self::crossfade) is true and the shell
    /// should cut the camera and fade the layers instead.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::flight::{Flight, FlightOptions, TransitionKind};
    /// use twinstory_map::{Camera, Viewport};
    /// let vp = Viewport { width: 800.0, height: 600.0, dpr: 1.0 };
    /// let a = Camera::new([9.9, 53.55], 11.0);
    /// let b = Camera::new([10.1, 53.50], 14.0);
    /// let f = Flight::new(a, b, &vp, TransitionKind::Fly, &FlightOptions::default());
    /// assert_eq!(f.camera_at(0.0), a);
    /// assert_eq!(f.camera_at(f.duration_ms()), b);
    /// assert!(f.camera_at(f.duration_ms() / 2.0).zoom < 14.0);
    /// ```
    pub fn new(
        from: Camera,
        to: Camera,
        viewport: &Viewport,
        kind: TransitionKind,
        opts: &FlightOptions,
    ) -> Self {
        let from_world = from.center_world();
        let mut to_world = to.center_world();
        // The short way round: never more than half the world in x.
        let dx = to_world[0] - from_world[0];
        if dx > 0.5 {
            to_world[0] -= 1.0;
        } else if dx < -0.5 {
            to_world[0] += 1.0;
        }
        let screen = viewport.width.max(viewport.height).max(1.0) / WORLD_SIZE;
        let same = from == to;
        let mut flight = Self {
            from,
            to,
            from_world,
            to_world,
            kind,
            path: None,
            screen,
            duration_ms: 0.0,
            crossfade: false,
        };
        if same || kind == TransitionKind::Jump {
            return flight;
        }
        if opts.reduced_motion {
            flight.crossfade = true;
            return flight;
        }
        match kind {
            TransitionKind::Fly => {
                let w0 = screen / from.zoom.exp2();
                let w1 = screen / to.zoom.exp2();
                let u1 = (to_world[0] - from_world[0]).hypot(to_world[1] - from_world[1]);
                let path = Path::new(w0, w1, u1, opts.curve.max(0.01));
                let ms = 1000.0 * path.length / opts.speed.max(0.01);
                flight.path = Some(path);
                if ms > opts.max_duration_ms {
                    flight.crossfade = true;
                } else {
                    flight.duration_ms = ms.max(opts.min_duration_ms);
                }
            }
            TransitionKind::Ease => {
                flight.duration_ms = opts.ease_duration_ms.max(opts.min_duration_ms)
            }
            TransitionKind::Jump => {}
        }
        flight
    }

    /// True when the camera should cut to the target while the layers cross-fade.
    pub fn crossfade(&self) -> bool {
        self.crossfade
    }

    /// How long the transition takes, in ms (0 for jumps and cross-fades).
    pub fn duration_ms(&self) -> f64 {
        if self.crossfade {
            0.0
        } else {
            self.duration_ms
        }
    }

    /// The camera the transition ends at.
    pub fn target(&self) -> Camera {
        self.to
    }

    /// True once `elapsed_ms` has reached the end.
    pub fn is_done(&self, elapsed_ms: f64) -> bool {
        elapsed_ms >= self.duration_ms()
    }

    /// Progress along the transition (0..=1) after `elapsed_ms`, eased.
    pub fn progress(&self, elapsed_ms: f64) -> f64 {
        let d = self.duration_ms();
        if d <= 0.0 {
            1.0
        } else {
            EASE.at(elapsed_ms / d)
        }
    }

    /// The camera `elapsed_ms` after the start. Exactly the start camera at 0
    /// and exactly the target at (or after) the end.
    pub fn camera_at(&self, elapsed_ms: f64) -> Camera {
        let d = self.duration_ms();
        if d <= 0.0 || elapsed_ms >= d {
            return self.to;
        }
        if elapsed_ms <= 0.0 {
            return self.from;
        }
        let k = EASE.at(elapsed_ms / d);
        let bearing = lerp_angle(self.from.bearing, self.to.bearing, k);
        // The tilt follows the same eased progress as the bearing (the
        // ground path stays van Wijk's).
        let pitch = self.from.pitch + (self.to.pitch - self.from.pitch) * k;
        let (center, zoom) = match (&self.kind, &self.path) {
            (TransitionKind::Fly, Some(path)) => {
                let (u, w) = path.at(k * path.length);
                let f = if path.u1 > 0.0 { u / path.u1 } else { 0.0 };
                (self.center_at(f), (self.screen / w).log2())
            }
            _ => (
                self.center_at(k),
                self.from.zoom + (self.to.zoom - self.from.zoom) * k,
            ),
        };
        Camera::from_world(center, zoom, bearing)
            .with_pitch(pitch)
            .with_wrapped_longitude()
    }

    fn center_at(&self, f: f64) -> [f64; 2] {
        [
            self.from_world[0] + (self.to_world[0] - self.from_world[0]) * f,
            self.from_world[1] + (self.to_world[1] - self.from_world[1]) * f,
        ]
    }
}

impl Camera {
    /// The same camera with its longitude brought into -180..180.
    fn with_wrapped_longitude(mut self) -> Self {
        self.center[0] = wrap_longitude(self.center[0]);
        self
    }
}

/// Interpolates an angle in degrees the short way round.
fn lerp_angle(a: f64, b: f64, k: f64) -> f64 {
    let mut d = (b - a).rem_euclid(360.0);
    if d > 180.0 {
        d -= 360.0;
    }
    a + d * k
}

#[cfg(test)]
mod tests {
    use super::*;

    const VP: Viewport = Viewport {
        width: 1000.0,
        height: 700.0,
        dpr: 2.0,
    };

    fn close(a: Camera, b: Camera) -> bool {
        (a.center[0] - b.center[0]).abs() < 1e-9
            && (a.center[1] - b.center[1]).abs() < 1e-9
            && (a.zoom - b.zoom).abs() < 1e-9
            && (a.bearing - b.bearing).abs() < 1e-9
    }

    fn sample(f: &Flight, n: usize) -> Vec<Camera> {
        (0..=n)
            .map(|i| f.camera_at(f.duration_ms() * i as f64 / n as f64))
            .collect()
    }

    #[test]
    fn every_kind_starts_and_ends_exactly() {
        let a = Camera {
            center: [9.95, 53.57],
            zoom: 13.6,
            bearing: 0.0,
            pitch: 0.0,
        };
        let b = Camera {
            center: [10.17, 53.43],
            zoom: 11.6,
            bearing: 30.0,
            pitch: 0.0,
        };
        for kind in [
            TransitionKind::Fly,
            TransitionKind::Ease,
            TransitionKind::Jump,
        ] {
            let f = Flight::new(a, b, &VP, kind, &FlightOptions::default());
            if kind != TransitionKind::Jump {
                assert!(close(f.camera_at(0.0), a), "{kind:?}");
            }
            assert!(close(f.camera_at(f.duration_ms()), b), "{kind:?}");
            assert!(close(f.camera_at(1e9), b));
            assert!(f.is_done(f.duration_ms()));
        }
    }

    #[test]
    fn a_flight_zooms_out_between_distant_views_and_back_in() {
        let a = Camera::new([9.95, 53.57], 14.0);
        let b = Camera::new([10.17, 53.43], 14.0);
        let f = Flight::new(a, b, &VP, TransitionKind::Fly, &FlightOptions::default());
        let mid = f.camera_at(f.duration_ms() / 2.0);
        assert!(
            mid.zoom < 13.0,
            "the middle of the flight is zoomed out: {}",
            mid.zoom
        );
        // Duration follows MapLibre: 1000 · S / speed.
        assert!(
            f.duration_ms() > 1000.0 && f.duration_ms() < 4000.0,
            "{}",
            f.duration_ms()
        );
    }

    #[test]
    fn ground_progress_is_monotonic() {
        let a = Camera::new([9.8, 53.6], 10.5);
        let b = Camera::new([10.2, 53.45], 15.0);
        let f = Flight::new(a, b, &VP, TransitionKind::Fly, &FlightOptions::default());
        let target = b.center_world();
        let mut last = f64::INFINITY;
        for cam in sample(&f, 400) {
            let w = cam.center_world();
            let d = (w[0] - target[0]).hypot(w[1] - target[1]);
            assert!(d <= last + 1e-12, "moved away from the target");
            last = d;
        }
    }

    #[test]
    fn pure_zoom_keeps_the_centre_and_changes_zoom_monotonically() {
        let a = Camera::new([10.0, 53.55], 10.0);
        let b = Camera::new([10.0, 53.55], 15.0);
        let f = Flight::new(a, b, &VP, TransitionKind::Fly, &FlightOptions::default());
        assert!(f.duration_ms() > 0.0);
        let mut last = 10.0;
        for cam in sample(&f, 100) {
            assert!((cam.center[0] - 10.0).abs() < 1e-9 && (cam.center[1] - 53.55).abs() < 1e-9);
            assert!(cam.zoom + 1e-9 >= last);
            last = cam.zoom;
        }
    }

    #[test]
    fn flights_cross_the_antimeridian_the_short_way() {
        let a = Camera::new([179.0, 10.0], 6.0);
        let b = Camera::new([-179.0, 12.0], 6.0);
        let f = Flight::new(a, b, &VP, TransitionKind::Fly, &FlightOptions::default());
        for cam in sample(&f, 50) {
            assert!(
                cam.center[0].abs() >= 178.9,
                "went the long way: {:?}",
                cam.center
            );
            assert!((-180.0..=180.0).contains(&cam.center[0]));
        }
    }

    #[test]
    fn flights_near_the_poles_stay_finite() {
        let a = Camera::new([0.0, 85.0], 3.0);
        let b = Camera::new([120.0, -85.0], 5.0);
        let opts = FlightOptions {
            max_duration_ms: f64::INFINITY,
            ..Default::default()
        };
        let f = Flight::new(a, b, &VP, TransitionKind::Fly, &opts);
        for cam in sample(&f, 50) {
            assert!(cam.center[0].is_finite() && cam.center[1].is_finite() && cam.zoom.is_finite());
        }
    }

    #[test]
    fn long_flights_and_reduced_motion_become_cross_fades() {
        let a = Camera::new([10.0, 53.55], 16.0);
        let b = Camera::new([-74.0, 40.7], 16.0);
        let far = Flight::new(a, b, &VP, TransitionKind::Fly, &FlightOptions::default());
        assert!(far.crossfade());
        assert!(close(far.camera_at(0.0), b));
        let near = Camera::new([10.01, 53.55], 16.0);
        let calm = FlightOptions {
            reduced_motion: true,
            ..Default::default()
        };
        let f = Flight::new(a, near, &VP, TransitionKind::Ease, &calm);
        assert!(f.crossfade() && f.duration_ms() == 0.0);
    }

    #[test]
    fn bearing_turns_the_short_way() {
        let a = Camera {
            center: [10.0, 53.5],
            zoom: 12.0,
            bearing: 350.0,
            pitch: 0.0,
        };
        let b = Camera {
            center: [10.0, 53.5],
            zoom: 12.0,
            bearing: 10.0,
            pitch: 0.0,
        };
        let f = Flight::new(a, b, &VP, TransitionKind::Ease, &FlightOptions::default());
        let mid = f.camera_at(f.duration_ms() / 2.0);
        let bearing = mid.bearing.rem_euclid(360.0);
        assert!(!(20.0..=340.0).contains(&bearing), "{bearing}");
    }

    #[test]
    fn identical_views_need_no_time() {
        let a = Camera::new([10.0, 53.5], 12.0);
        let f = Flight::new(a, a, &VP, TransitionKind::Fly, &FlightOptions::default());
        assert_eq!(f.duration_ms(), 0.0);
        assert!(!f.crossfade());
    }

    #[test]
    fn pitch_is_eased_along_the_flight_and_cut_under_reduced_motion() {
        let a = Camera::new([9.95, 53.57], 13.0);
        let b = Camera::new([10.05, 53.52], 14.0).with_pitch(60.0);
        let f = Flight::new(a, b, &VP, TransitionKind::Fly, &FlightOptions::default());
        let d = f.duration_ms();
        assert!(d > 0.0);
        let mut last = 0.0;
        for i in 1..20 {
            let p = f.camera_at(d * i as f64 / 20.0).pitch;
            assert!(p > last && p < 60.0, "pitch {p} after {last}");
            last = p;
        }
        assert_eq!(f.camera_at(d).pitch, 60.0);
        // The same eased progress as the bearing: half way in time is half way in pitch.
        let mid = f.camera_at(d / 2.0).pitch;
        assert!((mid - 60.0 * f.progress(d / 2.0)).abs() < 1e-9, "{mid}");
        // Only the tilt changes: still a flight, not a jump.
        let tilt = Flight::new(
            a,
            a.with_pitch(45.0),
            &VP,
            TransitionKind::Fly,
            &FlightOptions::default(),
        );
        assert!(tilt.duration_ms() > 0.0 && !tilt.crossfade());
        let reduced = FlightOptions {
            reduced_motion: true,
            ..FlightOptions::default()
        };
        let cut = Flight::new(a, b, &VP, TransitionKind::Fly, &reduced);
        assert!(cut.crossfade());
        assert_eq!(cut.camera_at(0.0), b);
    }
}
