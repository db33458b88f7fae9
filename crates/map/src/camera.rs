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

/// Where the map looks: centre, zoom and rotation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    /// Centre of the viewport as `[longitude, latitude]` in degrees.
    pub center: [f64; 2],
    /// Zoom level (fractional); the world is `512 · 2^zoom` CSS px wide.
    pub zoom: f64,
    /// Rotation in degrees clockwise from north (90 puts east at the top).
    pub bearing: f64,
}

impl Camera {
    /// A camera without rotation.
    pub fn new(center: [f64; 2], zoom: f64) -> Self {
        Self {
            center,
            zoom: zoom.clamp(MIN_ZOOM, MAX_ZOOM),
            bearing: 0.0,
        }
    }

    /// The centre in world units.
    pub fn center_world(&self) -> [f64; 2] {
        lonlat_to_world(self.center)
    }

    /// A camera looking at a point given in world units.
    pub fn from_world(center: [f64; 2], zoom: f64, bearing: f64) -> Self {
        Self {
            center: world_to_lonlat(center),
            zoom,
            bearing,
        }
    }
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
}

impl Transform {
    /// Builds the transform for a camera looking through a viewport.
    pub fn new(camera: &Camera, viewport: &Viewport) -> Self {
        let theta = -camera.bearing.to_radians();
        Self {
            center: camera.center_world(),
            scale: WORLD_SIZE * camera.zoom.exp2() * viewport.dpr,
            cos: theta.cos(),
            sin: theta.sin(),
            half: [
                viewport.device_width() as f64 / 2.0,
                viewport.device_height() as f64 / 2.0,
            ],
        }
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
    #[inline]
    pub fn to_screen(&self, [x, y]: [f64; 2]) -> [f64; 2] {
        let dx = (x - self.center[0]) * self.scale;
        let dy = (y - self.center[1]) * self.scale;
        [
            dx * self.cos - dy * self.sin + self.half[0],
            dx * self.sin + dy * self.cos + self.half[1],
        ]
    }

    /// Device pixels back to world units.
    pub fn to_world(&self, [sx, sy]: [f64; 2]) -> [f64; 2] {
        let x = sx - self.half[0];
        let y = sy - self.half[1];
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
}
