//! The Web-Mercator tile grid: tile coordinates, the level for a camera
//! zoom, the tiles that cover a (rotated) view and where each one goes.

use crate::camera::{Camera, Transform, Viewport};
use crate::geometry::bbox::{extend, EMPTY};

/// The most tiles shown at once; a view that needs more (a server whose
/// `min-zoom` is far above the camera's zoom) shows none.
pub const MAX_TILES: usize = 200;

/// A tile position; `x` is not wrapped, so the world copies east and west
/// of the antimeridian have tiles of their own (`x < 0` or `x ≥ 2^z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileCoord {
    /// Zoom level of the tile grid.
    pub z: u8,
    /// Column, counted eastwards from 180° W (unwrapped).
    pub x: i64,
    /// Row, counted southwards from the northern edge of the world.
    pub y: u32,
}

impl TileCoord {
    /// The column inside `0..2^z` that the server knows the tile by.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::tiles::TileCoord;
    /// assert_eq!(TileCoord { z: 2, x: -1, y: 0 }.wrapped_x(), 3);
    /// assert_eq!(TileCoord { z: 2, x: 5, y: 0 }.wrapped_x(), 1);
    /// ```
    pub fn wrapped_x(&self) -> u32 {
        self.x.rem_euclid(1i64 << self.z) as u32
    }

    /// The tile one level up that contains this one (none at zoom 0).
    pub fn parent(&self) -> Option<TileCoord> {
        (self.z > 0).then(|| TileCoord {
            z: self.z - 1,
            x: self.x.div_euclid(2),
            y: self.y / 2,
        })
    }

    /// The four tiles one level down.
    pub fn children(&self) -> [TileCoord; 4] {
        let (z, x, y) = (self.z + 1, self.x * 2, self.y * 2);
        [
            TileCoord { z, x, y },
            TileCoord { z, x: x + 1, y },
            TileCoord { z, x, y: y + 1 },
            TileCoord {
                z,
                x: x + 1,
                y: y + 1,
            },
        ]
    }
}

/// The tile grid of a server: tile size and the zoom levels it has.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileGrid {
    /// Edge of a tile in CSS px at its own zoom (256 or 512).
    pub tile_size: u32,
    /// Lowest zoom level the server has.
    pub min_zoom: u8,
    /// Highest zoom level the server has; closer views scale its tiles up.
    pub max_zoom: u8,
}

impl TileGrid {
    /// The tile zoom level for a camera zoom: the level whose image pixels
    /// come closest to device pixels. The world is `512·2^zoom` CSS px, so
    /// for 256-px tiles that is camera zoom + 1, one more on a screen with
    /// two device pixels per CSS pixel unless the images are `@2x` ones
    /// (`retina_images`), which carry twice the pixels already. Clamped to
    /// the server's levels.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::tiles::TileGrid;
    /// let g = TileGrid { tile_size: 256, min_zoom: 0, max_zoom: 19 };
    /// assert_eq!(g.zoom_for(11.0, 1.0, false), 12);
    /// assert_eq!(g.zoom_for(11.0, 2.0, false), 13);
    /// assert_eq!(g.zoom_for(11.0, 2.0, true), 12);
    /// assert_eq!(g.zoom_for(19.0, 1.0, false), 19);
    /// ```
    pub fn zoom_for(&self, camera_zoom: f64, dpr: f64, retina_images: bool) -> u8 {
        let image_px = self.tile_size as f64 * if retina_images && dpr > 1.0 { 2.0 } else { 1.0 };
        let ideal = camera_zoom + (512.0 * dpr.max(0.1) / image_px).ln() / std::f64::consts::LN_2;
        // A small bias to the coarser level: images a little blurred beat
        // four times the requests.
        let z = (ideal - 0.1).round();
        z.clamp(self.min_zoom as f64, self.max_zoom.min(30) as f64) as u8
    }

    /// The tiles of level `z` that the viewport shows (rotated with the
    /// camera's bearing), north to south, west to east. Rows beyond the
    /// poles do not exist; columns continue into the world copies. Empty
    /// when more than [`MAX_TILES`] would be needed.
    pub fn covering(&self, camera: &Camera, viewport: &Viewport, z: u8) -> Vec<TileCoord> {
        let t = Transform::new(camera, viewport);
        let (w, h) = (
            viewport.device_width() as f64,
            viewport.device_height() as f64,
        );
        let n = (1u64 << z) as f64;
        let quad = [[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]].map(|c| {
            let [x, y] = t.to_world(c);
            [x * n, y * n]
        });
        let mut bounds = EMPTY;
        for c in quad {
            extend(&mut bounds, c);
        }
        let [x0, y0, x1, y1] = bounds;
        if !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite()) {
            return Vec::new();
        }
        let (tx0, tx1) = (x0.floor(), (x1.ceil() - 1.0).max(x0.floor()));
        let (ty0, ty1) = (y0.floor().max(0.0), (y1.ceil() - 1.0).min(n - 1.0));
        if ty1 < ty0 {
            return Vec::new();
        }
        // Rotated views cover at most twice their bounding box in tiles.
        if (tx1 - tx0 + 1.0) * (ty1 - ty0 + 1.0) > 2.0 * MAX_TILES as f64 {
            return Vec::new();
        }
        let axes = [edge_normal(quad[0], quad[1]), edge_normal(quad[1], quad[2])];
        let mut out = Vec::new();
        for ty in ty0 as i64..=ty1 as i64 {
            for tx in tx0 as i64..=tx1 as i64 {
                let (fx, fy) = (tx as f64, ty as f64);
                let square = [
                    [fx, fy],
                    [fx + 1.0, fy],
                    [fx + 1.0, fy + 1.0],
                    [fx, fy + 1.0],
                ];
                if axes.iter().all(|a| overlaps(a, &quad, &square)) {
                    out.push(TileCoord {
                        z,
                        x: tx,
                        y: ty as u32,
                    });
                }
            }
        }
        if out.len() > MAX_TILES {
            out.clear();
        }
        out
    }
}

fn edge_normal(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[1] - b[1], b[0] - a[0]]
}

/// Whether two convex shapes overlap along `axis` (by more than a sliver,
/// so tiles that only touch the viewport's edge are not loaded).
fn overlaps(axis: &[f64; 2], a: &[[f64; 2]; 4], b: &[[f64; 2]; 4]) -> bool {
    let len = (axis[0] * axis[0] + axis[1] * axis[1]).sqrt();
    if len == 0.0 {
        return true;
    }
    let range = |pts: &[[f64; 2]; 4]| {
        pts.iter()
            .map(|p| (p[0] * axis[0] + p[1] * axis[1]) / len)
            .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let (a0, a1) = range(a);
    let (b0, b1) = range(b);
    a0.max(b0) < a1.min(b1) - 1e-6
}

/// Where a tile goes: an element of `tile_size` CSS px square, with its
/// transform origin at its top-left corner, gets
/// `translate(left, top) rotate(rotate deg) scale(scale)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Left of the tile's north-west corner, in CSS px of the map.
    pub left: f64,
    /// Top of the tile's north-west corner, in CSS px of the map.
    pub top: f64,
    /// Scale of the `tile_size` box (1 when the camera zoom makes a tile exactly `tile_size` CSS px).
    pub scale: f64,
    /// Rotation in degrees clockwise (the negated camera bearing).
    pub rotate: f64,
}

/// The screen placement of a tile for a camera (fractional zoom, bearing).
///
/// # Examples
/// ```
/// use twinstory_map::{Camera, Viewport};
/// use twinstory_map::tiles::{placement, TileCoord};
/// // At zoom 0 the world is 512 CSS px, so a zoom-1 tile of 256 px has scale 1.
/// let cam = Camera::new([0.0, 0.0], 0.0);
/// let vp = Viewport { width: 512.0, height: 512.0, dpr: 2.0 };
/// let p = placement(&cam, &vp, TileCoord { z: 1, x: 1, y: 1 }, 256);
/// assert!((p.left - 256.0).abs() < 1e-9 && (p.top - 256.0).abs() < 1e-9);
/// assert!((p.scale - 1.0).abs() < 1e-12);
/// ```
pub fn placement(
    camera: &Camera,
    viewport: &Viewport,
    tile: TileCoord,
    tile_size: u32,
) -> Placement {
    let t = Transform::new(camera, viewport);
    let n = (1u64 << tile.z) as f64;
    let [sx, sy] = t.to_screen([tile.x as f64 / n, tile.y as f64 / n]);
    let dpr = viewport.dpr.max(0.1);
    Placement {
        left: sx / dpr,
        top: sy / dpr,
        scale: t.scale() / dpr / n / tile_size as f64,
        rotate: -camera.bearing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projection::lonlat_to_world;

    fn grid() -> TileGrid {
        TileGrid {
            tile_size: 256,
            min_zoom: 0,
            max_zoom: 19,
        }
    }

    fn vp(w: f64, h: f64, dpr: f64) -> Viewport {
        Viewport {
            width: w,
            height: h,
            dpr,
        }
    }

    /// Every sampled device pixel of the viewport lies in one of the tiles.
    fn assert_covers(cam: &Camera, v: &Viewport, tiles: &[TileCoord]) {
        let t = Transform::new(cam, v);
        let z = tiles[0].z;
        let n = (1u64 << z) as f64;
        let (w, h) = (v.device_width() as f64, v.device_height() as f64);
        for i in 0..=20 {
            for j in 0..=20 {
                let p = [w * i as f64 / 20.0, h * j as f64 / 20.0];
                let [x, y] = t.to_world(p);
                if !(0.0..1.0).contains(&y) {
                    continue;
                }
                let (tx, ty) = ((x * n).floor() as i64, (y * n).floor() as u32);
                // A sample exactly on a tile edge may belong to the neighbour.
                let near = |c: &TileCoord| (c.x - tx).abs() <= 1 && c.y.abs_diff(ty) <= 1;
                assert!(
                    tiles.iter().any(|c| c.x == tx && c.y == ty)
                        || (tiles.iter().any(near)
                            && ((x * n).fract() < 1e-6 || (y * n).fract() < 1e-6)),
                    "pixel {p:?} (tile {tx}/{ty}) not covered by {tiles:?}"
                );
            }
        }
    }

    #[test]
    fn covers_the_viewport_without_extra_tiles() {
        let cam = Camera::new([9.99, 53.55], 11.0);
        let v = vp(1000.0, 600.0, 1.0);
        let z = grid().zoom_for(cam.zoom, v.dpr, false);
        assert_eq!(z, 12);
        let tiles = grid().covering(&cam, &v, z);
        assert_covers(&cam, &v, &tiles);
        // 1000×600 CSS px of 256-px tiles at scale 1: at most 5×4 (straddling).
        assert!(
            tiles.len() <= 5 * 4 && tiles.len() >= 4 * 3,
            "{}",
            tiles.len()
        );
        for t in &tiles {
            let p = placement(&cam, &v, *t, 256);
            assert!((p.scale - 1.0).abs() < 1e-9);
            // Each tile touches the viewport.
            assert!(
                p.left < 1000.0 && p.left + 256.0 > 0.0 && p.top < 600.0 && p.top + 256.0 > 0.0
            );
        }
    }

    #[test]
    fn rotated_views_skip_tiles_outside_the_turned_rectangle() {
        let v = vp(1200.0, 300.0, 1.0);
        let straight = Camera::new([9.99, 53.55], 12.3);
        let turned = Camera {
            bearing: 45.0,
            ..straight
        };
        let z = grid().zoom_for(turned.zoom, 1.0, false);
        let tiles = grid().covering(&turned, &v, z);
        assert_covers(&turned, &v, &tiles);
        // The bounding box of the turned view holds many tiles the view misses.
        let t = Transform::new(&turned, &v);
        let n = (1u64 << z) as f64;
        let b = t.visible_world_bounds();
        let bbox_tiles = (((b[2] * n).ceil() - (b[0] * n).floor())
            * ((b[3] * n).ceil() - (b[1] * n).floor())) as usize;
        assert!(
            tiles.len() < bbox_tiles * 3 / 4,
            "{} of {bbox_tiles}",
            tiles.len()
        );
        let p = placement(&turned, &v, tiles[0], 256);
        assert_eq!(p.rotate, -45.0);
    }

    #[test]
    fn placement_round_trips_with_the_camera_transform() {
        for bearing in [0.0, 30.0, -120.0] {
            let cam = Camera {
                center: [10.0, 53.5],
                zoom: 10.37,
                bearing,
                pitch: 0.0,
            };
            let v = vp(800.0, 600.0, 2.0);
            let z = grid().zoom_for(cam.zoom, v.dpr, false);
            let t = Transform::new(&cam, &v);
            for tile in grid().covering(&cam, &v, z) {
                let p = placement(&cam, &v, tile, 256);
                // The tile's south-east corner, placed by the CSS transform.
                let (s, r) = (p.scale * 256.0, p.rotate.to_radians());
                let se_css = [
                    p.left + s * r.cos() - s * r.sin(),
                    p.top + s * r.sin() + s * r.cos(),
                ];
                let n = (1u64 << z) as f64;
                let world = [(tile.x + 1) as f64 / n, (tile.y + 1) as f64 / n];
                let expect = t.to_screen(world);
                assert!((se_css[0] * 2.0 - expect[0]).abs() < 1e-6, "{bearing}");
                assert!((se_css[1] * 2.0 - expect[1]).abs() < 1e-6, "{bearing}");
            }
        }
    }

    #[test]
    fn retina_and_tile_size_pick_the_zoom() {
        let g512 = TileGrid {
            tile_size: 512,
            ..grid()
        };
        assert_eq!(g512.zoom_for(11.0, 1.0, false), 11);
        assert_eq!(grid().zoom_for(11.4, 1.0, false), 12);
        assert_eq!(grid().zoom_for(11.7, 1.0, false), 13);
        assert_eq!(grid().zoom_for(0.0, 1.0, false), 1);
        // Beyond the server's last level, its tiles are scaled up.
        let cam = Camera::new([10.0, 53.5], 20.0);
        let v = vp(400.0, 400.0, 1.0);
        let z = grid().zoom_for(cam.zoom, 1.0, false);
        assert_eq!(z, 19);
        let tiles = grid().covering(&cam, &v, z);
        assert!(tiles.len() <= 4);
        assert!((placement(&cam, &v, tiles[0], 256).scale - 4.0).abs() < 1e-9);
        // Below `min-zoom` far too many tiles would be needed: none.
        let high = TileGrid {
            min_zoom: 14,
            ..grid()
        };
        let cam = Camera::new([10.0, 53.5], 3.0);
        let z = high.zoom_for(3.0, 1.0, false);
        assert_eq!(z, 14);
        assert!(high.covering(&cam, &v, z).is_empty());
    }

    #[test]
    fn antimeridian_views_use_tiles_of_both_world_copies() {
        let cam = Camera::new([179.9, 0.0], 6.0);
        let v = vp(600.0, 400.0, 1.0);
        let z = grid().zoom_for(6.0, 1.0, false);
        let tiles = grid().covering(&cam, &v, z);
        assert_covers(&cam, &v, &tiles);
        let n = 1i64 << z;
        assert!(tiles.iter().any(|t| t.x >= n), "east of 180°: {tiles:?}");
        assert!(tiles.iter().any(|t| t.x < n));
        // The server knows the first tile east of 180° as column 0.
        let east = tiles.iter().find(|t| t.x == n).unwrap();
        assert_eq!(east.wrapped_x(), 0);
        // Centre the camera on x = 0.5 / n of the east copy and it lands in tile n.
        let w = lonlat_to_world([180.5, 0.0]);
        assert!(w[0] > 1.0);
    }

    #[test]
    fn poles_have_no_rows_beyond_the_world() {
        let cam = Camera::new([0.0, 85.0], 3.0);
        let v = vp(800.0, 800.0, 1.0);
        let z = grid().zoom_for(3.0, 1.0, false);
        let tiles = grid().covering(&cam, &v, z);
        assert!(!tiles.is_empty());
        assert!(tiles.iter().all(|t| t.y < (1 << z)));
        assert_eq!(tiles.iter().map(|t| t.y).min(), Some(0));
        // The whole world at zoom 0 in a wide viewport: copies side by side.
        let cam = Camera::new([0.0, 0.0], 0.0);
        let tiles = grid().covering(&cam, &vp(2000.0, 512.0, 1.0), 1);
        assert_eq!(tiles.len(), 2 * 8);
    }
}
