//! Fitting the camera to bounds inside the free (padded) part of the map.

use crate::camera::{
    Camera, LonLatBounds, Padding, Transform, Viewport, MAX_ZOOM, MIN_ZOOM, WORLD_SIZE,
};
use crate::projection::{lonlat_to_world, wrap_longitude};

/// The camera that shows `bounds` as large as possible inside the viewport
/// less `padding` (CSS px), rotated by `bearing`, at most at `max_zoom`.
///
/// Edge cases: bounds whose `west` is greater than `east` cross the
/// antimeridian; a single point (zero size) is shown at `max_zoom`; a padding
/// that leaves less than one pixel free is ignored on that axis; latitudes
/// beyond Mercator's ±85.05° are clamped.
///
/// # Examples
/// ```
/// use twinstory_map::fit::fit_bounds;
/// use twinstory_map::{LonLatBounds, Padding, Viewport};
/// let hamburg = LonLatBounds { west: 9.73, south: 53.39, east: 10.33, north: 53.74 };
/// let vp = Viewport { width: 1000.0, height: 800.0, dpr: 1.0 };
/// let cam = fit_bounds(&hamburg, &vp, &Padding::uniform(20.0), 0.0, 17.0);
/// assert!(cam.zoom > 9.5 && cam.zoom < 10.5);
/// ```
pub fn fit_bounds(
    bounds: &LonLatBounds,
    viewport: &Viewport,
    padding: &Padding,
    bearing: f64,
    max_zoom: f64,
) -> Camera {
    let east = if bounds.west > bounds.east {
        bounds.east + 360.0
    } else {
        bounds.east
    };
    let nw = lonlat_to_world([bounds.west, bounds.north]);
    let se = lonlat_to_world([east, bounds.south]);
    let centre = [(nw[0] + se[0]) / 2.0, (nw[1] + se[1]) / 2.0];
    // Size of the bounds seen through a rotated camera: the box around the
    // rotated corners.
    let theta = -bearing.to_radians();
    let (cos, sin) = (theta.cos(), theta.sin());
    let half = [(se[0] - nw[0]) / 2.0, (se[1] - nw[1]) / 2.0];
    let w = 2.0 * (half[0] * cos).abs() + 2.0 * (half[1] * sin).abs();
    let h = 2.0 * (half[0] * sin).abs() + 2.0 * (half[1] * cos).abs();

    let free = |size: f64, a: f64, b: f64| {
        if size - a - b >= 1.0 {
            (size - a - b, a, b)
        } else {
            (size, 0.0, 0.0)
        }
    };
    let (free_w, left, right) = free(viewport.width, padding.left, padding.right);
    let (free_h, top, bottom) = free(viewport.height, padding.top, padding.bottom);
    let max_zoom = max_zoom.clamp(MIN_ZOOM, MAX_ZOOM);
    let zoom = if w <= 0.0 && h <= 0.0 {
        max_zoom
    } else {
        let sx = if w > 0.0 {
            free_w / (w * WORLD_SIZE)
        } else {
            f64::INFINITY
        };
        let sy = if h > 0.0 {
            free_h / (h * WORLD_SIZE)
        } else {
            f64::INFINITY
        };
        sx.min(sy).log2().clamp(MIN_ZOOM, max_zoom)
    };
    // Put the centre of the bounds in the middle of the free area rather than
    // the middle of the canvas.
    let cam = Camera::from_world(centre, zoom, bearing);
    let t = Transform::new(&cam, viewport);
    let dpr = viewport.dpr;
    let offset = [(left - right) / 2.0 * dpr, (top - bottom) / 2.0 * dpr];
    let mid = [
        viewport.device_width() as f64 / 2.0,
        viewport.device_height() as f64 / 2.0,
    ];
    let shifted = t.to_world([mid[0] - offset[0], mid[1] - offset[1]]);
    let mut out = Camera::from_world(shifted, zoom, bearing);
    out.center[0] = wrap_longitude(out.center[0]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const VP: Viewport = Viewport {
        width: 1200.0,
        height: 800.0,
        dpr: 2.0,
    };
    const HH: LonLatBounds = LonLatBounds {
        west: 9.73,
        south: 53.39,
        east: 10.33,
        north: 53.74,
    };

    fn screen_box(cam: &Camera, b: &LonLatBounds) -> [f64; 4] {
        let t = Transform::new(cam, &VP);
        let corners = [
            [b.west, b.north],
            [b.east, b.north],
            [b.west, b.south],
            [b.east, b.south],
        ];
        let mut r = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for c in corners {
            let [x, y] = t.to_screen(lonlat_to_world(c));
            let (x, y) = (x / VP.dpr, y / VP.dpr);
            r = [r[0].min(x), r[1].min(y), r[2].max(x), r[3].max(y)];
        }
        r
    }

    #[test]
    fn fitted_bounds_fill_the_free_area_and_stay_inside_it() {
        let pad = Padding {
            top: 40.0,
            right: 30.0,
            bottom: 40.0,
            left: 480.0,
        };
        for bearing in [0.0, 25.0, -60.0] {
            let cam = fit_bounds(&HH, &VP, &pad, bearing, 17.0);
            let [x0, y0, x1, y1] = screen_box(&cam, &HH);
            assert!(
                x0 >= pad.left - 1e-6 && x1 <= VP.width - pad.right + 1e-6,
                "{bearing}: x {x0}..{x1}"
            );
            assert!(
                y0 >= pad.top - 1e-6 && y1 <= VP.height - pad.bottom + 1e-6,
                "{bearing}: y {y0}..{y1}"
            );
            // One side touches the padding: the fit is as large as it can be.
            let fills_w = (x1 - x0) - (VP.width - pad.left - pad.right);
            let fills_h = (y1 - y0) - (VP.height - pad.top - pad.bottom);
            assert!(
                fills_w.abs() < 1e-6 || fills_h.abs() < 1e-6,
                "{bearing}: {fills_w} {fills_h}"
            );
        }
    }

    #[test]
    fn a_single_point_is_shown_at_the_maximum_zoom() {
        let p = LonLatBounds {
            west: 10.0,
            south: 53.5,
            east: 10.0,
            north: 53.5,
        };
        let cam = fit_bounds(&p, &VP, &Padding::uniform(20.0), 0.0, 16.0);
        assert_eq!(cam.zoom, 16.0);
        assert!((cam.center[0] - 10.0).abs() < 1e-9 && (cam.center[1] - 53.5).abs() < 1e-9);
    }

    #[test]
    fn bounds_across_the_antimeridian_fit_around_it() {
        let fiji = LonLatBounds {
            west: 177.0,
            south: -19.0,
            east: -178.0,
            north: -16.0,
        };
        let cam = fit_bounds(&fiji, &VP, &Padding::default(), 0.0, 17.0);
        assert!(
            cam.center[0] > 179.0 || cam.center[0] < -179.0,
            "{:?}",
            cam.center
        );
        assert!(cam.zoom > 6.0, "{}", cam.zoom);
    }

    #[test]
    fn padding_larger_than_the_map_is_ignored() {
        let pad = Padding {
            top: 0.0,
            right: 0.0,
            bottom: 0.0,
            left: 5000.0,
        };
        let cam = fit_bounds(&HH, &VP, &pad, 0.0, 17.0);
        let plain = fit_bounds(&HH, &VP, &Padding::default(), 0.0, 17.0);
        assert!((cam.zoom - plain.zoom).abs() < 1e-9);
    }

    #[test]
    fn the_whole_world_and_the_poles_stay_finite() {
        let world = LonLatBounds {
            west: -180.0,
            south: -90.0,
            east: 180.0,
            north: 90.0,
        };
        let cam = fit_bounds(&world, &VP, &Padding::default(), 0.0, 17.0);
        assert!(cam.zoom >= 0.0 && cam.zoom < 2.0 && cam.center[1].is_finite());
    }
}
