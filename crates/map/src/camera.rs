//! The camera, the viewport it looks through, and the transform from world
//! units to device pixels.

use crate::projection::{lonlat_to_world, world_to_lonlat};

/// Size in CSS pixels of the whole world at zoom 0 (as MapLibre GL uses), so
/// zoom levels in stories mean the same as in common web maps.
pub const WORLD_SIZE: f64 = 512.0;

/// Lowest zoom a camera may have.
pub const MIN_ZOOM: f64 = 0.0;
/// Highest zoom a camera may have.
pub const MAX_ZOOM: f64 = 22.0;

/// The steepest tilt a camera may have, in degrees from straight down. At
/// this pitch and [`FIELD_OF_VIEW`] the horizon stays above the top edge of
/// the map (it is at 0.87 of the half height above the centre), so every
/// pixel shows ground and no sky has to be drawn.
pub const MAX_PITCH: f64 = 60.0;

/// The vertical field of view of a tilted camera, in degrees: the one
/// MapLibre GL uses (`2·atan(1/3)` ≈ 36.87°), so the camera stands 1.5
/// viewport heights above the centre and a story's pitch looks as it would
/// in MapLibre. A flat camera (pitch 0) sees the same picture as without
/// perspective: the centre's scale is the zoom's.
pub const FIELD_OF_VIEW: f64 = 36.869_897_645_844_02;

/// Where the map looks: centre, zoom, rotation and tilt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    /// Centre of the viewport as `[longitude, latitude]` in degrees.
    pub center: [f64; 2],
    /// Zoom level (fractional); the world is `512 · 2^zoom` CSS px wide.
    pub zoom: f64,
    /// Rotation in degrees clockwise from north (90 puts east at the top).
    pub bearing: f64,
    /// Tilt in degrees from straight down (0) towards the horizon, at most
    /// [`MAX_PITCH`]; the camera leans back, so what is ahead (the top of
    /// the map) is further away.
    pub pitch: f64,
}

impl Camera {
    /// A camera without rotation.
    pub fn new(center: [f64; 2], zoom: f64) -> Self {
        Self {
            center,
            zoom: zoom.clamp(MIN_ZOOM, MAX_ZOOM),
            bearing: 0.0,
            pitch: 0.0,
        }
    }

    /// The centre in world units.
    pub fn center_world(&self) -> [f64; 2] {
        lonlat_to_world(self.center)
    }

    /// A camera looking straight down at a point given in world units.
    pub fn from_world(center: [f64; 2], zoom: f64, bearing: f64) -> Self {
        Self {
            center: world_to_lonlat(center),
            zoom,
            bearing,
            pitch: 0.0,
        }
    }

    /// The same camera tilted by `pitch` degrees (clamped to 0..=[`MAX_PITCH`]).
    pub fn with_pitch(mut self, pitch: f64) -> Self {
        self.pitch = clamp_pitch(pitch);
        self
    }
}

/// A pitch brought into 0..=[`MAX_PITCH`] (not a number counts as 0).
pub fn clamp_pitch(pitch: f64) -> f64 {
    if pitch.is_nan() {
        0.0
    } else {
        pitch.clamp(0.0, MAX_PITCH)
    }
}

/// Metres on the ground per world unit at a latitude (Web Mercator's scale:
/// the equator's length shrunk by the cosine of the latitude).
pub fn metres_per_world_unit(latitude: f64) -> f64 {
    const EQUATOR_M: f64 = 40_075_016.685_578_5;
    EQUATOR_M * latitude.to_radians().cos().max(1e-9)
}

/// The part of the page the map is drawn into.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// Width in CSS pixels.
    pub width: f64,
    /// Height in CSS pixels.
    pub height: f64,
    /// Device pixels per CSS pixel (2 on most phones).
    pub dpr: f64,
}

impl Viewport {
    /// Width in device pixels, rounded as the canvas backing store is.
    pub fn device_width(&self) -> u32 {
        (self.width * self.dpr).round().max(1.0) as u32
    }

    /// Height in device pixels, rounded as the canvas backing store is.
    pub fn device_height(&self) -> u32 {
        (self.height * self.dpr).round().max(1.0) as u32
    }
}

/// Space in CSS pixels that a fit keeps free on each side (e.g. for the text column).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Padding {
    /// Free space at the top.
    pub top: f64,
    /// Free space on the right.
    pub right: f64,
    /// Free space at the bottom.
    pub bottom: f64,
    /// Free space on the left.
    pub left: f64,
}

impl Padding {
    /// The same padding on every side.
    pub fn uniform(px: f64) -> Self {
        Self {
            top: px,
            right: px,
            bottom: px,
            left: px,
        }
    }
}

/// A longitude/latitude box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLatBounds {
    /// Western edge.
    pub west: f64,
    /// Southern edge.
    pub south: f64,
    /// Eastern edge.
    pub east: f64,
    /// Northern edge.
    pub north: f64,
}

/// Maps world units to device pixels for one camera and viewport.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transform {
    center: [f64; 2],
    scale: f64,
    cos: f64,
    sin: f64,
    half: [f64; 2],
    /// Sine and cosine of the pitch (0 and 1 for a flat camera).
    pitch_sin: f64,
    pitch_cos: f64,
    /// Distance of the eye from the centre in device px (1.5 heights).
    eye: f64,
    /// Device px per metre of height at the centre's latitude.
    px_per_metre: f64,
}

/// Points nearer to the eye than this share of its distance from the centre
/// are behind the near plane: [`Transform::project`] refuses them and the
/// draw list clips shapes at it. (At pitch 60 the map's bottom edge is at
/// 0.63 of the eye distance, so the near plane is far outside the picture.)
pub const NEAR_PLANE: f64 = 0.05;

impl Transform {
    /// Builds the transform for a camera looking through a viewport.
    pub fn new(camera: &Camera, viewport: &Viewport) -> Self {
        let theta = -camera.bearing.to_radians();
        let pitch = clamp_pitch(camera.pitch).to_radians();
        let half_h = viewport.device_height() as f64 / 2.0;
        let scale = WORLD_SIZE * camera.zoom.exp2() * viewport.dpr;
        Self {
            center: camera.center_world(),
            scale,
            cos: theta.cos(),
            sin: theta.sin(),
            half: [viewport.device_width() as f64 / 2.0, half_h],
            pitch_sin: pitch.sin(),
            pitch_cos: pitch.cos(),
            eye: half_h / (FIELD_OF_VIEW.to_radians() / 2.0).tan(),
            px_per_metre: scale / metres_per_world_unit(camera.center[1]),
        }
    }

    /// True when the camera is tilted (pitch above 0).
    pub fn is_tilted(&self) -> bool {
        self.pitch_sin > 0.0
    }

    /// Device pixels per metre of height, at the centre (what an extrusion
    /// of `h` metres measures before perspective).
    pub fn px_per_metre(&self) -> f64 {
        self.px_per_metre
    }

    /// A world point `height` device px above the ground, as seen by the
    /// camera: `[x, y, w]` with screen position in device px and `w` the
    /// perspective factor (1 at the centre's distance, larger nearer the
    /// eye; 1/w is proportional to the depth, so the larger `w` wins a
    /// depth test). `None` behind the [`NEAR_PLANE`].
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::{Camera, Transform, Viewport};
    /// let vp = Viewport { width: 800.0, height: 600.0, dpr: 1.0 };
    /// let flat = Camera::new([10.0, 53.5], 14.0);
    /// let tilted = flat.with_pitch(45.0);
    /// let p = [flat.center_world()[0], flat.center_world()[1] + 1e-5];
    /// // Flat: exactly today's transform, heights drawn straight up (no shift).
    /// let [x, y, w] = Transform::new(&flat, &vp).project(p, 0.0).unwrap();
    /// assert_eq!([x, y], Transform::new(&flat, &vp).to_screen(p));
    /// assert_eq!(w, 1.0);
    /// // Tilted: a point south of the centre comes nearer (w > 1), and a
    /// // roof 10 px high is drawn above its footprint.
    /// let t = Transform::new(&tilted, &vp);
    /// let [_, ground_y, w] = t.project(p, 0.0).unwrap();
    /// let [_, roof_y, _] = t.project(p, 10.0).unwrap();
    /// assert!(w > 1.0 && roof_y < ground_y);
    /// ```
    #[inline]
    pub fn project(&self, [x, y]: [f64; 2], height: f64) -> Option<[f64; 3]> {
        let dx = (x - self.center[0]) * self.scale;
        let dy = (y - self.center[1]) * self.scale;
        let u = dx * self.cos - dy * self.sin;
        let v = dx * self.sin + dy * self.cos;
        if !self.is_tilted() && height == 0.0 {
            return Some([u + self.half[0], v + self.half[1], 1.0]);
        }
        let depth = self.eye - v * self.pitch_sin - height * self.pitch_cos;
        if depth < self.eye * NEAR_PLANE {
            return None;
        }
        let w = self.eye / depth;
        let up = v * self.pitch_cos - height * self.pitch_sin;
        Some([u * w + self.half[0], up * w + self.half[1], w])
    }

    /// The point on the ground under the eye, in world units (the centre
    /// for a flat camera): walls facing it are the ones the camera sees.
    pub fn eye_ground(&self) -> [f64; 2] {
        let v = self.eye * self.pitch_sin;
        let (dx, dy) = (v * self.sin, v * self.cos);
        [
            dx / self.scale + self.center[0],
            dy / self.scale + self.center[1],
        ]
    }

    /// The ground line where the [`NEAR_PLANE`] cuts it, as `(a, b, c)`
    /// with `a·x + b·y ≤ c` for world points in front of it; `None` for a
    /// flat camera (which has no near plane on the ground).
    pub fn near_ground_plane(&self) -> Option<[f64; 3]> {
        if !self.is_tilted() {
            return None;
        }
        // v = (x - cx)·s·sin + (y - cy)·s·cos must stay below v_max.
        let v_max = self.eye * (1.0 - NEAR_PLANE) / self.pitch_sin;
        let a = self.scale * self.sin;
        let b = self.scale * self.cos;
        Some([a, b, v_max + a * self.center[0] + b * self.center[1]])
    }

    /// Device pixels per world unit.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// World units to device pixels.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::{Camera, Transform, Viewport};
    /// let cam = Camera::new([10.0, 53.5], 11.0);
    /// let vp = Viewport { width: 800.0, height: 600.0, dpr: 2.0 };
    /// let t = Transform::new(&cam, &vp);
    /// let [x, y] = t.to_screen(cam.center_world());
    /// assert!((x - 800.0).abs() < 1e-6 && (y - 600.0).abs() < 1e-6);
    /// ```
    ///
    /// A tilted camera projects the ground in perspective; a point behind
    /// the near plane (never on the map at pitches up to [`MAX_PITCH`])
    /// lands far below the bottom edge.
    #[inline]
    pub fn to_screen(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let dx = (x - self.center[0]) * self.scale;
        let dy = (y - self.center[1]) * self.scale;
        let u = dx * self.cos - dy * self.sin;
        let v = dx * self.sin + dy * self.cos;
        if !self.is_tilted() {
            return [u + self.half[0], v + self.half[1]];
        }
        let depth = (self.eye - v * self.pitch_sin).max(self.eye * NEAR_PLANE);
        let w = self.eye / depth;
        [u * w + self.half[0], v * self.pitch_cos * w + self.half[1]]
    }

    /// Device pixels back to the world point on the ground under them.
    ///
    /// For a tilted camera, a pixel at or above the horizon (never on the
    /// map at pitches up to [`MAX_PITCH`]) gives the ground point just below it.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::{Camera, Transform, Viewport};
    /// let vp = Viewport { width: 800.0, height: 600.0, dpr: 1.0 };
    /// let cam = Camera { center: [10.0, 53.5], zoom: 13.0, bearing: 30.0, pitch: 60.0 };
    /// let t = Transform::new(&cam, &vp);
    /// for p in [[0.0, 0.0], [800.0, 0.0], [400.0, 300.0], [13.0, 600.0]] {
    ///     let back = t.to_screen(t.to_world(p));
    ///     assert!((back[0] - p[0]).abs() < 1e-6 && (back[1] - p[1]).abs() < 1e-6);
    /// }
    /// ```
    pub fn to_world(&self, [sx, sy]: [f64; 2]) -> [f64; 2] {
        let mut x = sx - self.half[0];
        let mut y = sy - self.half[1];
        if self.is_tilted() {
            // Invert y = v·cos·e/(e − v·sin) and x = u·e/(e − v·sin).
            let horizon = -self.eye * self.pitch_cos / self.pitch_sin;
            let b = y.max(horizon * 0.999);
            let v = b * self.eye / (self.eye * self.pitch_cos + b * self.pitch_sin);
            let depth = self.eye - v * self.pitch_sin;
            x *= depth / self.eye;
            y = v;
        }
        // Inverse rotation: rotate by +theta's negative.
        let dx = x * self.cos + y * self.sin;
        let dy = -x * self.sin + y * self.cos;
        [
            dx / self.scale + self.center[0],
            dy / self.scale + self.center[1],
        ]
    }

    /// The world-unit box that contains everything visible (larger than the
    /// viewport when the map is rotated).
    pub fn visible_world_bounds(&self) -> [f64; 4] {
        let w = self.half[0] * 2.0;
        let h = self.half[1] * 2.0;
        let corners = [[0.0, 0.0], [w, 0.0], [0.0, h], [w, h]].map(|c| self.to_world(c));
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for [x, y] in corners {
            b[0] = b[0].min(x);
            b[1] = b[1].min(y);
            b[2] = b[2].max(x);
            b[3] = b[3].max(y);
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vp() -> Viewport {
        Viewport {
            width: 1000.0,
            height: 500.0,
            dpr: 1.0,
        }
    }

    #[test]
    fn screen_and_world_round_trip_with_rotation() {
        for bearing in [0.0, 30.0, 90.0, -135.0] {
            let cam = Camera {
                center: [9.99, 53.55],
                zoom: 12.3,
                bearing,
                pitch: 0.0,
            };
            let t = Transform::new(&cam, &vp());
            for p in [[0.0, 0.0], [999.0, 10.0], [500.0, 250.0], [17.5, 480.25]] {
                let back = t.to_screen(t.to_world(p));
                assert!((back[0] - p[0]).abs() < 1e-6 && (back[1] - p[1]).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn one_zoom_level_doubles_distances() {
        let a = Transform::new(&Camera::new([10.0, 53.5], 10.0), &vp());
        let b = Transform::new(&Camera::new([10.0, 53.5], 11.0), &vp());
        let p = lonlat_to_world([10.1, 53.5]);
        let da = a.to_screen(p)[0] - 500.0;
        let db = b.to_screen(p)[0] - 500.0;
        assert!((db / da - 2.0).abs() < 1e-9);
    }

    #[test]
    fn bearing_90_puts_east_at_the_top() {
        let cam = Camera {
            center: [10.0, 53.5],
            zoom: 10.0,
            bearing: 90.0,
            pitch: 0.0,
        };
        let t = Transform::new(&cam, &vp());
        let [x, y] = t.to_screen(lonlat_to_world([10.1, 53.5]));
        assert!((x - 500.0).abs() < 1e-6 && y < 250.0);
    }

    #[test]
    fn world_size_at_zoom_zero_is_512_css_px() {
        let t = Transform::new(
            &Camera::new([0.0, 0.0], 0.0),
            &Viewport {
                width: 512.0,
                height: 512.0,
                dpr: 2.0,
            },
        );
        assert_eq!(t.scale(), 1024.0);
        let [x, _] = t.to_screen([1.0, 0.5]);
        assert!((x - 1024.0).abs() < 1e-9);
    }

    #[test]
    fn pitch_zero_is_exactly_the_flat_transform() {
        // The flat formula, written out: what every step drew before pitch.
        let cam = Camera {
            center: [9.99, 53.55],
            zoom: 12.3,
            bearing: 33.0,
            pitch: 0.0,
        };
        let t = Transform::new(&cam, &vp());
        let c = cam.center_world();
        let s = WORLD_SIZE * cam.zoom.exp2();
        let th = -cam.bearing.to_radians();
        for p in [[0.5, 0.3], [c[0] + 1e-3, c[1] - 2e-3], [0.0, 1.0]] {
            let (dx, dy) = ((p[0] - c[0]) * s, (p[1] - c[1]) * s);
            let flat = [
                dx * th.cos() - dy * th.sin() + 500.0,
                dx * th.sin() + dy * th.cos() + 250.0,
            ];
            assert_eq!(t.to_screen(p), flat);
            let [x, y, w] = t.project(p, 0.0).unwrap_or([0.0; 3]);
            assert_eq!(([x, y], w), (flat, 1.0));
        }
        assert!(t.near_ground_plane().is_none());
    }

    #[test]
    fn tilted_round_trips_and_far_is_smaller() {
        for pitch in [10.0, 45.0, 60.0] {
            for bearing in [0.0, 30.0, -135.0] {
                let cam = Camera {
                    center: [9.99, 53.55],
                    zoom: 12.3,
                    bearing,
                    pitch,
                };
                let t = Transform::new(&cam, &vp());
                for p in [[0.0, 0.0], [999.0, 10.0], [500.0, 250.0], [17.5, 499.0]] {
                    let back = t.to_screen(t.to_world(p));
                    assert!((back[0] - p[0]).abs() < 1e-6 && (back[1] - p[1]).abs() < 1e-6);
                }
                // A segment across the top of the map looks shorter than the
                // same segment across the bottom.
                let w = |p| t.to_world(p);
                let top = w([600.0, 0.0])[0] - w([400.0, 0.0])[0];
                let bottom = w([600.0, 500.0])[0] - w([400.0, 500.0])[0];
                let (top, bottom) = (
                    top.hypot(w([600.0, 0.0])[1] - w([400.0, 0.0])[1]),
                    bottom.hypot(w([600.0, 500.0])[1] - w([400.0, 500.0])[1]),
                );
                assert!(
                    top > bottom * (1.0 + pitch / 100.0),
                    "pitch {pitch}: {top} vs {bottom}"
                );
            }
        }
    }

    #[test]
    fn the_horizon_stays_above_the_map_and_the_near_plane_below_it() {
        let cam = Camera::new([9.99, 53.55], 12.0).with_pitch(MAX_PITCH);
        let t = Transform::new(&cam, &vp());
        // The ground far ahead approaches the horizon, still above the top edge.
        let ahead = [cam.center_world()[0], cam.center_world()[1] - 10.0];
        let [_, y] = t.to_screen(ahead);
        assert!(y < 0.0, "{y}");
        // Points behind the near plane are refused, with and without height.
        let behind = [cam.center_world()[0], cam.center_world()[1] + 1.0];
        assert!(t.project(behind, 0.0).is_none());
        assert!(t.project(behind, 100.0).is_none());
        let [a, b, c] = t.near_ground_plane().unwrap_or([0.0; 3]);
        assert!(a * behind[0] + b * behind[1] > c);
        // Every pixel of the map is in front of it.
        for p in [[0.0, 500.0], [1000.0, 500.0], [500.0, 0.0]] {
            let g = t.to_world(p);
            assert!(a * g[0] + b * g[1] < c);
        }
        // Pitches beyond the limit are drawn at the limit.
        assert_eq!(cam.with_pitch(85.0).pitch, MAX_PITCH);
        assert_eq!(cam.with_pitch(-5.0).pitch, 0.0);
        assert_eq!(cam.with_pitch(f64::NAN).pitch, 0.0);
    }

    #[test]
    fn heights_rise_towards_the_top_of_the_map() {
        let cam = Camera::new([9.99, 53.55], 16.0);
        let c = cam.center_world();
        let flat = Transform::new(&cam, &vp());
        let tilted = Transform::new(&cam.with_pitch(45.0), &vp());
        // 30 m at Hamburg's latitude (cos 53.55° = 0.594) at zoom 16:
        // 40,075 km · 0.594 / (512 · 2^16) = 0.71 m per px.
        let h = 30.0 * flat.px_per_metre();
        assert!((h - 30.0 / 0.7096).abs() < 0.1, "{h}");
        let ground = tilted.project(c, 0.0).unwrap_or([0.0; 3]);
        let roof = tilted.project(c, h).unwrap_or([0.0; 3]);
        assert!(roof[1] < ground[1] && roof[2] > ground[2]);
        // From straight above, a roof is drawn over its footprint, a little larger.
        let off = [c[0] + 1e-4, c[1]];
        let g = flat.project(off, 0.0).unwrap_or([0.0; 3]);
        let r = flat.project(off, h).unwrap_or([0.0; 3]);
        assert!(r[0] > g[0] && (r[1] - g[1]).abs() < 1e-9);
    }
}
