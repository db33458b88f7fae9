//! The reader moving the map: pan by a screen distance, zoom and turn about
//! a screen point, what a move of two fingers means, and the limits that
//! keep the story's data in reach.
//!
//! Screen positions and distances are CSS pixels of the viewport (what
//! pointer events report); the device pixel ratio and the bearing are taken
//! into account here, so the shell never converts.

use crate::camera::{Camera, Transform, Viewport, MAX_ZOOM, MIN_ZOOM};
use crate::projection::world_to_lonlat;

/// How far the reader may move the camera.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NavLimits {
    /// Lowest zoom the reader can zoom out to (zoom as in
    /// [`Camera::zoom`]: the world is `512 · 2^zoom` CSS px wide).
    pub min_zoom: f64,
    /// Highest zoom the reader can zoom in to (below `min_zoom` it counts as
    /// `min_zoom`).
    pub max_zoom: f64,
    /// `[min_x, min_y, max_x, max_y]` in world units that the camera's
    /// centre stays inside; `None` leaves the centre free.
    pub center_bounds: Option<[f64; 4]>,
}

impl Default for NavLimits {
    fn default() -> Self {
        Self {
            min_zoom: MIN_ZOOM,
            max_zoom: MAX_ZOOM,
            center_bounds: None,
        }
    }
}

impl NavLimits {
    /// The camera moved inside the limits: zoom first, then the centre.
    pub fn clamp(&self, camera: Camera) -> Camera {
        let zoom = self.clamp_zoom(camera.zoom);
        let Some([x0, y0, x1, y1]) = self.center_bounds else {
            return Camera { zoom, ..camera };
        };
        let c = camera.center_world();
        let inside = [c[0].clamp(x0, x1.max(x0)), c[1].clamp(y0, y1.max(y0))];
        if inside == c {
            // No round trip through the projection: a camera inside stays exact.
            return Camera { zoom, ..camera };
        }
        Camera::from_world(inside, zoom, camera.bearing).with_pitch(camera.pitch)
    }

    /// A zoom level inside the limits.
    pub fn clamp_zoom(&self, zoom: f64) -> f64 {
        zoom.clamp(self.min_zoom, self.max_zoom.max(self.min_zoom))
    }
}

/// The device-pixel position of a CSS-pixel position in the viewport.
fn device(viewport: &Viewport, [x, y]: [f64; 2]) -> [f64; 2] {
    [x * viewport.dpr, y * viewport.dpr]
}

/// The camera after the reader dragged the map by `delta` CSS px: the
/// world point that was under the pointer is under it again after the move.
///
/// # Examples
/// ```
/// use twinstory_map::navigate::pan;
/// use twinstory_map::{Camera, Transform, Viewport};
/// let vp = Viewport { width: 800.0, height: 600.0, dpr: 2.0 };
/// let cam = Camera::new([10.0, 53.55], 12.0);
/// let moved = pan(&cam, &vp, [100.0, -40.0]);
/// // What was in the middle is now 100 px right and 40 px up (device px ×2).
/// let [x, y] = Transform::new(&moved, &vp).to_screen(cam.center_world());
/// assert!((x - 1000.0).abs() < 1e-6 && (y - 520.0).abs() < 1e-6);
/// ```
#[inline(never)]
pub fn pan(camera: &Camera, viewport: &Viewport, delta: [f64; 2]) -> Camera {
    let t = Transform::new(camera, viewport);
    let mid = [
        viewport.device_width() as f64 / 2.0,
        viewport.device_height() as f64 / 2.0,
    ];
    let [dx, dy] = device(viewport, delta);
    // The point that comes to the middle is the one `delta` away from it.
    let centre = t.to_world([mid[0] - dx, mid[1] - dy]);
    Camera {
        center: world_to_lonlat(centre),
        ..*camera
    }
}

/// The camera at `zoom`, moved so that the world point under `at` (CSS px
/// in the viewport) stays under it, whatever the bearing.
///
/// # Examples
/// ```
/// use twinstory_map::navigate::zoom_about;
/// use twinstory_map::{Camera, Transform, Viewport};
/// let vp = Viewport { width: 800.0, height: 600.0, dpr: 1.0 };
/// let cam = Camera { center: [10.0, 53.55], zoom: 11.0, bearing: 30.0, pitch: 0.0 };
/// let under = Transform::new(&cam, &vp).to_world([100.0, 500.0]);
/// let zoomed = zoom_about(&cam, &vp, [100.0, 500.0], 13.5);
/// let [x, y] = Transform::new(&zoomed, &vp).to_screen(under);
/// assert!((x - 100.0).abs() < 1e-6 && (y - 500.0).abs() < 1e-6);
/// ```
#[inline(never)]
pub fn zoom_about(camera: &Camera, viewport: &Viewport, at: [f64; 2], zoom: f64) -> Camera {
    let w = Transform::new(camera, viewport).to_world(device(viewport, at));
    let c = camera.center_world();
    // Rotation is unchanged, so the centre's offset from `w` in world units
    // shrinks by the scale factor.
    let k = (camera.zoom - zoom).exp2();
    let centre = [w[0] + (c[0] - w[0]) * k, w[1] + (c[1] - w[1]) * k];
    Camera {
        center: world_to_lonlat(centre),
        zoom,
        bearing: camera.bearing,
        pitch: camera.pitch,
    }
}

/// The camera turned to `bearing`, moved so that the world point under
/// `at` (CSS px in the viewport) stays under it: two fingers turn the map
/// about themselves, not about its centre.
///
/// # Examples
/// ```
/// use twinstory_map::navigate::turn_about;
/// use twinstory_map::{Camera, Transform, Viewport};
/// let vp = Viewport { width: 390.0, height: 800.0, dpr: 2.0 };
/// let cam = Camera::new([10.0, 53.55], 14.0);
/// let under = Transform::new(&cam, &vp).to_world([200.0, 300.0]);
/// let turned = turn_about(&cam, &vp, [100.0, 150.0], 40.0);
/// assert_eq!(turned.bearing, 40.0);
/// let [x, y] = Transform::new(&turned, &vp).to_screen(under);
/// assert!((x - 200.0).abs() < 1e-6 && (y - 300.0).abs() < 1e-6);
/// ```
#[inline(never)]
pub fn turn_about(camera: &Camera, viewport: &Viewport, at: [f64; 2], bearing: f64) -> Camera {
    let here = device(viewport, at);
    let w = Transform::new(camera, viewport).to_world(here);
    let turned = Camera { bearing, ..*camera };
    let [x, y] = Transform::new(&turned, viewport).to_screen(w);
    pan(
        &turned,
        viewport,
        [(here[0] - x) / viewport.dpr, (here[1] - y) / viewport.dpr],
    )
}

/// Degrees of turn or tilt per CSS px of a drag that turns (Ctrl or Shift
/// held) or of two fingers sliding up or down side by side.
pub const TURN_PER_PX: f64 = 0.4;

/// How far two fingers move (CSS px, summed over both) before the gesture
/// is taken as a tilt or as a move.
const DECIDE_PX: f64 = 8.0;

/// How far two fingers twist (degrees) before the map turns with them, so
/// that a pinch does not turn it by accident.
const TWIST_DEG: f64 = 12.0;

/// What one move of two fingers does to the map, applied in this order:
/// zoom by `zoom` levels and turn by `turn` degrees (added to the bearing)
/// about `at`, then pan by `pan`, then tilt by `tilt` degrees. For a move
/// the world points under both fingers stay under them (at pitch 0).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TwoFingerMove {
    /// Where the fingers' middle was (CSS px).
    pub at: [f64; 2],
    /// Zoom levels (the fingers' distance, as a power of two).
    pub zoom: f64,
    /// Degrees added to the bearing.
    pub turn: f64,
    /// How far the fingers' middle moved (CSS px).
    pub pan: [f64; 2],
    /// Degrees added to the pitch.
    pub tilt: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
enum Gesture {
    /// Not yet moved far enough to tell.
    #[default]
    Undecided,
    /// Side by side, sliding up or down: tilts, as in MapLibre and Google Maps.
    Tilt,
    /// Anything else: pans, pinches and (past [`TWIST_DEG`]) turns.
    Move,
}

/// Two fingers on the map, from touch to lift: tells a tilt (fingers side by
/// side sliding up or down together) from a move (pan, pinch, twist) once
/// they have moved a few pixels, and holds the twist back until it is
/// clearly meant.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TwoFingers {
    /// Where the fingers were when the gesture started.
    start: [[f64; 2]; 2],
    /// Where they were at the last move the map followed.
    last: [[f64; 2]; 2],
    gesture: Gesture,
    /// The map turns with the fingers.
    turning: bool,
}

impl TwoFingers {
    /// Fingers `a` and `b` touch down (CSS px).
    pub fn new(a: [f64; 2], b: [f64; 2]) -> Self {
        Self {
            start: [a, b],
            last: [a, b],
            gesture: Gesture::Undecided,
            turning: false,
        }
    }

    /// The fingers moved to `a` and `b` (the same order as at the start):
    /// what the map does, or `None` while the gesture is not yet clear.
    pub fn moved(&mut self, a: [f64; 2], b: [f64; 2]) -> Option<TwoFingerMove> {
        let [a0, b0] = self.start;
        if self.gesture == Gesture::Undecided {
            let (da, db) = (sub(a, a0), sub(b, b0));
            if da[0].hypot(da[1]) + db[0].hypot(db[1]) < DECIDE_PX {
                return None;
            }
            let apart = sub(b0, a0);
            let side_by_side = apart[1].abs() <= 0.58 * apart[0].abs();
            let upright = |d: [f64; 2]| d[1].abs() > 2.0 * d[0].abs();
            let together = da[1] * db[1] > 0.0;
            self.gesture = if side_by_side && together && upright(da) && upright(db) {
                Gesture::Tilt
            } else {
                Gesture::Move
            };
        }
        let [la, lb] = self.last;
        self.last = [a, b];
        let mid = |p: [f64; 2], q: [f64; 2]| [(p[0] + q[0]) / 2.0, (p[1] + q[1]) / 2.0];
        let (m0, m1) = (mid(la, lb), mid(a, b));
        if self.gesture == Gesture::Tilt {
            // Up tilts further, as a drag that turns does.
            return Some(TwoFingerMove {
                at: m0,
                tilt: (m0[1] - m1[1]) * TURN_PER_PX,
                ..TwoFingerMove::default()
            });
        }
        let (v0, v1) = (sub(lb, la), sub(b, a));
        let zoom = (v1[0].hypot(v1[1]).max(1.0) / v0[0].hypot(v0[1]).max(1.0)).log2();
        // The screen's y points down, so a positive angle is clockwise, and
        // the map turns the other way to follow (the bearing is the way the
        // top of the map faces).
        let twist = |from: [f64; 2], to: [f64; 2]| {
            let d = (to[1].atan2(to[0]) - from[1].atan2(from[0])).to_degrees();
            (d + 180.0).rem_euclid(360.0) - 180.0
        };
        if !self.turning && twist(sub(b0, a0), v1).abs() >= TWIST_DEG {
            self.turning = true;
        }
        Some(TwoFingerMove {
            at: m0,
            zoom,
            turn: if self.turning { -twist(v0, v1) } else { 0.0 },
            pan: sub(m1, m0),
            tilt: 0.0,
        })
    }
}

fn sub(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0] - b[0], a[1] - b[1]]
}

/// Zoom levels for one wheel event: `delta_y` in CSS px as
/// `WheelEvent.deltaY` reports it (negative = away from the reader = in).
/// A mouse wheel notch (100 px) is half a level; a trackpad pinch, which
/// Chromium reports as small Ctrl + wheel deltas, follows the fingers.
pub fn wheel_zoom_delta(delta_y: f64) -> f64 {
    (-delta_y / 200.0).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projection::lonlat_to_world;

    fn vps() -> [Viewport; 3] {
        [
            Viewport {
                width: 1280.0,
                height: 800.0,
                dpr: 1.0,
            },
            Viewport {
                width: 390.0,
                height: 800.0,
                dpr: 2.0,
            },
            Viewport {
                width: 1001.0,
                height: 333.0,
                dpr: 1.5,
            },
        ]
    }

    fn cams() -> Vec<Camera> {
        [0.0, 37.0, -90.0, 180.0]
            .into_iter()
            .map(|bearing| Camera {
                center: [9.99, 53.55],
                zoom: 11.3,
                bearing,
                pitch: 0.0,
            })
            .collect()
    }

    fn close(a: [f64; 2], b: [f64; 2], tol: f64) -> bool {
        (a[0] - b[0]).abs() < tol && (a[1] - b[1]).abs() < tol
    }

    #[test]
    fn the_point_under_the_cursor_stays_while_zooming() {
        for vp in vps() {
            for cam in cams() {
                for at in [
                    [0.0, 0.0],
                    [vp.width / 2.0, vp.height / 2.0],
                    [17.5, 310.25],
                ] {
                    for zoom in [3.0, 11.3, 12.0, 18.75] {
                        let under = Transform::new(&cam, &vp).to_world(device(&vp, at));
                        let z = zoom_about(&cam, &vp, at, zoom);
                        let back = Transform::new(&z, &vp).to_screen(under);
                        assert!(close(back, device(&vp, at), 1e-6), "{vp:?} {cam:?} {at:?}");
                        assert_eq!(z.zoom, zoom);
                        assert_eq!(z.bearing, cam.bearing);
                    }
                }
            }
        }
    }

    #[test]
    fn a_pan_moves_every_point_by_the_drag() {
        for vp in vps() {
            for cam in cams() {
                let t = Transform::new(&cam, &vp);
                let p = [123.0, 45.0];
                let under = t.to_world(device(&vp, p));
                let moved = pan(&cam, &vp, [30.5, -12.0]);
                let now = Transform::new(&moved, &vp).to_screen(under);
                assert!(
                    close(now, device(&vp, [153.5, 33.0]), 1e-6),
                    "{vp:?} {cam:?}"
                );
            }
        }
    }

    #[test]
    fn pans_and_zooms_undo() {
        let vp = vps()[1];
        for cam in cams() {
            let back = pan(&pan(&cam, &vp, [80.0, 25.0]), &vp, [-80.0, -25.0]);
            assert!(close(back.center, cam.center, 1e-9));
            let at = [50.0, 700.0];
            let back = zoom_about(&zoom_about(&cam, &vp, at, 15.0), &vp, at, cam.zoom);
            assert!(close(back.center, cam.center, 1e-9));
            assert!((back.zoom - cam.zoom).abs() < 1e-12);
        }
    }

    #[test]
    fn limits_clamp_zoom_and_centre() {
        let b = [lonlat_to_world([9.7, 53.7]), lonlat_to_world([10.3, 53.4])];
        let limits = NavLimits {
            min_zoom: 8.0,
            max_zoom: 19.0,
            center_bounds: Some([b[0][0], b[0][1], b[1][0], b[1][1]]),
        };
        let inside = Camera::new([10.0, 53.55], 12.0);
        assert!(close(limits.clamp(inside).center, inside.center, 1e-9));
        let far = limits.clamp(Camera::new([13.4, 52.5], 21.0));
        assert_eq!(far.zoom, 19.0);
        assert!(close(far.center, [10.3, 53.4], 1e-9));
        assert_eq!(limits.clamp(Camera::new([10.0, 53.55], 2.0)).zoom, 8.0);
        assert_eq!(NavLimits::default().clamp(inside), inside);
    }

    /// The camera after a two-finger move, as the shell applies it.
    fn apply(cam: &Camera, vp: &Viewport, m: &TwoFingerMove) -> Camera {
        let z = zoom_about(cam, vp, m.at, cam.zoom + m.zoom);
        let t = turn_about(&z, vp, m.at, z.bearing + m.turn);
        let p = pan(&t, vp, m.pan);
        p.with_pitch(p.pitch + m.tilt)
    }

    #[test]
    fn turning_about_a_point_keeps_the_point() {
        for vp in vps() {
            for cam in cams() {
                for at in [
                    [0.0, 0.0],
                    [vp.width / 2.0, vp.height / 3.0],
                    [17.5, 310.25],
                ] {
                    let under = Transform::new(&cam, &vp).to_world(device(&vp, at));
                    let t = turn_about(&cam, &vp, at, cam.bearing + 33.0);
                    let back = Transform::new(&t, &vp).to_screen(under);
                    assert!(close(back, device(&vp, at), 1e-6), "{vp:?} {cam:?} {at:?}");
                }
            }
        }
    }

    #[test]
    fn the_map_follows_two_fingers_that_pinch_twist_and_move() {
        for vp in vps() {
            for cam in cams() {
                let (a0, b0) = ([100.0, 300.0], [260.0, 380.0]);
                let t0 = Transform::new(&cam, &vp);
                let (wa, wb) = (t0.to_world(device(&vp, a0)), t0.to_world(device(&vp, b0)));
                let mut f = TwoFingers::new(a0, b0);
                let mut now = cam;
                let (mut a, mut b) = (a0, b0);
                for i in 1..=20 {
                    // Apart, turning clockwise by 3° a step, and down-left.
                    let angle = (3.0 * i as f64).to_radians();
                    let half = 90.0 * (1.0 + 0.02 * i as f64);
                    let base = (80.0f64).atan2(160.0);
                    let mid = [180.0 - i as f64, 340.0 + 2.0 * i as f64];
                    let dir = [(base + angle).cos() * half, (base + angle).sin() * half];
                    a = [mid[0] - dir[0], mid[1] - dir[1]];
                    b = [mid[0] + dir[0], mid[1] + dir[1]];
                    if let Some(m) = f.moved(a, b) {
                        assert_eq!(m.tilt, 0.0);
                        now = apply(&now, &vp, &m);
                    }
                }
                // Past the twist threshold the map turns with the fingers:
                // clockwise fingers, anticlockwise bearing.
                assert!(
                    now.bearing < cam.bearing - 40.0 || now.bearing > cam.bearing + 180.0,
                    "{now:?}"
                );
                let t = Transform::new(&now, &vp);
                // Before the turn began the fingers twisted 12° alone, so the
                // points are close, not exact.
                let near = |w: [f64; 2], p: [f64; 2]| {
                    let s = t.to_screen(w);
                    let d = device(&vp, p);
                    (s[0] - d[0]).hypot(s[1] - d[1]) / vp.dpr
                };
                assert!(
                    near(wa, a) < 45.0 && near(wb, b) < 45.0,
                    "{} {}",
                    near(wa, a),
                    near(wb, b)
                );
                assert!(now.zoom > cam.zoom + 0.4);
            }
        }
    }

    #[test]
    fn a_pinch_without_twist_keeps_both_fingers_points_exactly_and_never_turns() {
        let vp = vps()[1];
        for cam in cams() {
            let (a0, b0) = ([120.0, 400.0], [270.0, 330.0]);
            let t0 = Transform::new(&cam, &vp);
            let (wa, wb) = (t0.to_world(device(&vp, a0)), t0.to_world(device(&vp, b0)));
            let mut f = TwoFingers::new(a0, b0);
            let mut now = cam;
            let (mut a, mut b) = (a0, b0);
            for i in 1..=10 {
                // Apart along their line (5° of wobble at most), and up.
                let k = 1.0 + 0.05 * i as f64;
                let wobble = if i % 2 == 0 { 0.08 } else { -0.08 };
                a = [195.0 - 75.0 * k, 365.0 + 35.0 * k - 3.0 * i as f64 + wobble];
                b = [195.0 + 75.0 * k, 365.0 - 35.0 * k - 3.0 * i as f64 - wobble];
                if let Some(m) = f.moved(a, b) {
                    assert_eq!(m.turn, 0.0);
                    now = apply(&now, &vp, &m);
                }
            }
            assert_eq!(now.bearing, cam.bearing);
            let t = Transform::new(&now, &vp);
            for (w, p) in [(wa, a), (wb, b)] {
                // The few pixels before the gesture was clear are caught up.
                assert!(close(t.to_screen(w), device(&vp, p), 1.0), "{cam:?}");
            }
        }
    }

    #[test]
    fn two_fingers_side_by_side_sliding_up_tilt_and_do_nothing_else() {
        let vp = vps()[1];
        let cam = cams()[1];
        let mut f = TwoFingers::new([120.0, 500.0], [260.0, 510.0]);
        let mut now = cam;
        for i in 1..=10 {
            let y = -10.0 * i as f64;
            if let Some(m) = f.moved([120.0 + 0.5, 500.0 + y], [260.0, 510.0 + y]) {
                assert_eq!((m.zoom, m.turn, m.pan), (0.0, 0.0, [0.0, 0.0]));
                now = apply(&now, &vp, &m);
            }
        }
        // 100 px up at 0.4° a pixel, from the first: 40°.
        assert!((now.pitch - 40.0).abs() < 1e-9, "{now:?}");
        assert!(close(now.center, cam.center, 1e-9));
        assert_eq!((now.zoom, now.bearing), (cam.zoom, cam.bearing));
        // One above the other (not side by side), sliding up: a pan.
        let mut f = TwoFingers::new([200.0, 300.0], [210.0, 450.0]);
        let m = f.moved([200.0, 280.0], [210.0, 430.0]).unwrap();
        assert_eq!((m.tilt, m.pan), (0.0, [0.0, -20.0]));
        // Side by side, moving apart with a little lift: a pinch.
        let mut f = TwoFingers::new([150.0, 250.0], [250.0, 250.0]);
        let m = f.moved([144.0, 247.0], [256.0, 247.0]).unwrap();
        assert_eq!(m.tilt, 0.0);
        assert!(m.zoom > 0.0);
        // A tremor below the threshold does nothing yet.
        let mut f = TwoFingers::new([150.0, 250.0], [250.0, 250.0]);
        assert_eq!(f.moved([151.0, 251.0], [249.0, 252.0]), None);
    }

    #[test]
    fn wheel_notches_are_half_levels_and_bounded() {
        assert_eq!(wheel_zoom_delta(-100.0), 0.5);
        assert_eq!(wheel_zoom_delta(100.0), -0.5);
        assert_eq!(wheel_zoom_delta(-5000.0), 1.0);
    }
}
