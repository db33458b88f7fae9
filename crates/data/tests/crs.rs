//! The projection against PROJ: `tests/data/crs-pyproj.csv` holds points
//! that pyproj converted (the command is in `crs-pyproj.py`); each must
//! come out within 1 cm, and go back to where it started.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a failed setup stops the test with its message"
)]

use twinstory_data::crs::{ReferenceSystem, TransverseMercator};

/// Metres per degree of latitude, and of longitude at `lat`, near enough to
/// turn a difference of a few 1e-9 degrees into metres.
fn metres(dlon: f64, dlat: f64, lat: f64) -> f64 {
    let m = 111_320.0;
    ((dlon * m * lat.to_radians().cos()).powi(2) + (dlat * m).powi(2)).sqrt()
}

fn reference_points() -> Vec<(u32, f64, f64, f64, f64)> {
    let text = include_str!("data/crs-pyproj.csv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("epsg"))
        .map(|l| {
            let v: Vec<f64> = l.split(',').map(|x| x.parse().unwrap()).collect();
            (v[0] as u32, v[1], v[2], v[3], v[4])
        })
        .collect()
}

#[test]
fn utm_32n_and_33n_match_pyproj_within_a_centimetre() {
    let points = reference_points();
    assert!(points.len() > 150, "{}", points.len());
    let mut worst: f64 = 0.0;
    for (epsg, e, n, lon, lat) in points {
        let rs = ReferenceSystem::parse(&format!("EPSG:{epsg}")).unwrap();
        let (x, y) = rs.to_wgs84(e, n).unwrap();
        let d = metres(x - lon, y - lat, lat);
        assert!(d < 0.01, "EPSG:{epsg} {e} {n}: {d} m from pyproj");
        worst = worst.max(d);
    }
    // The series holds far better than the centimetre asked for.
    assert!(worst < 0.001, "worst {worst} m");
}

#[test]
fn a_round_trip_returns_to_the_same_millimetre() {
    for zone in [32, 33] {
        let t = TransverseMercator::utm_north(zone).unwrap();
        for (e, n) in [
            (565_000.0, 5_933_500.0),
            (300_000.0, 5_300_000.0),
            (820_000.0, 6_100_000.0),
            (500_000.0, 10.0),
        ] {
            let (lon, lat) = t.to_wgs84(e, n).unwrap();
            let (e2, n2) = t.from_wgs84(lon, lat).unwrap();
            assert!(
                (e - e2).abs() < 1e-3 && (n - n2).abs() < 1e-3,
                "zone {zone}: {e} {n} → {e2} {n2}"
            );
        }
    }
}
