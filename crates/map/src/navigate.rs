//! The reader moving the map: pan by a screen distance, zoom about a screen
//! point, and the limits that keep the story's data in reach.
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

    #[test]
    fn wheel_notches_are_half_levels_and_bounded() {
        assert_eq!(wheel_zoom_delta(-100.0), 0.5);
        assert_eq!(wheel_zoom_delta(100.0), -0.5);
        assert_eq!(wheel_zoom_delta(-5000.0), 1.0);
    }
}
