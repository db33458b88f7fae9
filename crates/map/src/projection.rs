//! Web Mercator (EPSG:3857) in normalised world units.
//!
//! World units run from 0 to 1 in both axes: x from the antimeridian at 180° W
//! eastwards, y from the northern edge (85.0511° N) southwards, as in web map
//! tiles. Latitudes beyond ±[`MAX_LATITUDE`] are clamped, since Mercator
//! sends the poles to infinity.

use std::f64::consts::PI;

/// The latitude at which Web Mercator's square world ends, in degrees.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// Projects longitude/latitude in degrees to world units.
///
/// # Examples
/// ```
/// use twinstory_map::projection::{lonlat_to_world, world_to_lonlat};
/// let w = lonlat_to_world([0.0, 0.0]);
/// assert!((w[0] - 0.5).abs() < 1e-12 && (w[1] - 0.5).abs() < 1e-12);
/// let back = world_to_lonlat(lonlat_to_world([9.99, 53.55]));
/// assert!((back[0] - 9.99).abs() < 1e-9 && (back[1] - 53.55).abs() < 1e-9);
/// ```
///
/// Edge cases: latitudes beyond ±85.0511° (including the poles) are clamped
/// to the world's edge; longitudes outside ±180° are not wrapped, so a line
/// across the antimeridian stays continuous when its longitudes are.
pub fn lonlat_to_world([lon, lat]: [f64; 2]) -> [f64; 2] {
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE);
    let x = (lon + 180.0) / 360.0;
    let sin = (lat * PI / 180.0).sin();
    let y = 0.5 - ((1.0 + sin) / (1.0 - sin)).ln() / (4.0 * PI);
    [x, y]
}

/// Inverse of [`lonlat_to_world`].
///
/// # Examples
/// ```
/// use twinstory_map::projection::world_to_lonlat;
/// let [lon, lat] = world_to_lonlat([0.5, 0.0]);
/// assert!(lon.abs() < 1e-12 && (lat - 85.0511287798).abs() < 1e-9);
/// ```
pub fn world_to_lonlat([x, y]: [f64; 2]) -> [f64; 2] {
    let lon = x * 360.0 - 180.0;
    let n = PI - 2.0 * PI * y;
    let lat = (n.sinh()).atan() * 180.0 / PI;
    [lon, lat]
}

/// Wraps a longitude into [-180, 180).
///
/// # Examples
/// ```
/// use twinstory_map::projection::wrap_longitude;
/// assert_eq!(wrap_longitude(190.0), -170.0);
/// assert_eq!(wrap_longitude(-180.0), -180.0);
/// ```
pub fn wrap_longitude(lon: f64) -> f64 {
    (lon + 180.0).rem_euclid(360.0) - 180.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_across_the_world() {
        for lon in [-180.0, -120.5, -0.1, 0.0, 9.993, 179.999] {
            for lat in [-85.0, -45.0, 0.0, 1e-9, 53.55, 85.0] {
                let [l2, b2] = world_to_lonlat(lonlat_to_world([lon, lat]));
                assert!((l2 - lon).abs() < 1e-9, "lon {lon}");
                assert!((b2 - lat).abs() < 1e-9, "lat {lat}");
            }
        }
    }

    #[test]
    fn poles_clamp_to_world_edges() {
        assert!((lonlat_to_world([0.0, 90.0])[1]).abs() < 1e-12);
        assert!((lonlat_to_world([0.0, -90.0])[1] - 1.0).abs() < 1e-12);
        assert!(lonlat_to_world([0.0, 90.0])[1].is_finite());
    }

    #[test]
    fn y_grows_southwards_and_x_eastwards() {
        let hamburg = lonlat_to_world([9.99, 53.55]);
        let munich = lonlat_to_world([11.58, 48.14]);
        assert!(munich[1] > hamburg[1]);
        assert!(munich[0] > hamburg[0]);
    }

    #[test]
    fn antimeridian_is_continuous_for_unwrapped_longitudes() {
        let a = lonlat_to_world([179.9, 0.0]);
        let b = lonlat_to_world([180.1, 0.0]);
        assert!(b[0] > a[0] && b[0] - a[0] < 1e-3);
        assert_eq!(wrap_longitude(180.1).round(), -180.0);
    }
}
