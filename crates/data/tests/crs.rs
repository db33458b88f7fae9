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

/// Published points with both RD New and WGS 84 (or ETRS89, the same to
/// under a metre) coordinates: name, x, y, longitude, latitude.
const RD_CONTROL_POINTS: [(&str, f64, f64, f64, f64); 4] = [
    // The grid's origin, the Onze Lieve Vrouwetoren in Amersfoort, in
    // WGS 84 as F. H. Schreutelkamp and G. L. Strang van Hees give it
    // ("Benaderingsformules voor de transformatie tussen RD- en
    // WGS84-kaartcoördinaten", 2001).
    (
        "Amersfoort",
        155_000.0,
        463_000.0,
        5.387_206_21,
        52.155_174_40,
    ),
    // The first point of RDNAPTRANS™2018's self-validation file
    // (NSGI, Z001_ETRS89andRDNAP.txt, id 30010000), near Dordrecht.
    (
        "RDNAPTRANS 30010000",
        108_360.879_0,
        415_757.274_5,
        4.712_120_126,
        51.728_601_274,
    ),
    // The example of the RD transformation in the EPSG dataset (v12.054,
    // as announced on geoforum.nl, "Nieuwe EPSG-codes voor Nederland"),
    // near Winschoten.
    (
        "EPSG v12.054",
        275_000.0,
        575_000.0,
        7.180_899_528,
        53.148_288_321,
    ),
    // The test point of an RDNAPTRANS™2018 implementation published by
    // the province of Fryslân's F. Vellinga (gm_rdnaptrans2018), near
    // Leeuwarden.
    (
        "gm_rdnaptrans2018",
        199_920.042_533,
        579_403.423_305,
        6.059_397_47,
        53.199_392_33,
    ),
];

#[test]
fn rd_new_control_points_come_out_within_a_metre() {
    let rd = ReferenceSystem::parse("https://www.opengis.net/def/crs/EPSG/0/28992").unwrap();
    let mut errors = Vec::new();
    let mut worst: f64 = 0.0;
    for (name, x, y, lon, lat) in RD_CONTROL_POINTS {
        let (x2, y2) = rd.to_wgs84(x, y).unwrap();
        let d = metres(x2 - lon, y2 - lat, lat);
        // The seven-parameter shift without RDNAPTRANS™'s grid: a few
        // decimetres.
        assert!(d < 1.0, "{name}: {d} m from the published position");
        errors.push(format!("{name}: {d:.3} m"));
        worst = worst.max(d);
    }
    // What the doc comment of `rd_new_to_wgs84` promises (measured:
    // 0.30, 0.05, 0.21 and 0.04 m).
    assert!(worst < 0.5, "{errors:?}");
}

#[test]
fn the_rd_projection_matches_the_epsg_example() {
    // EPSG Guidance Note 7-2, Oblique Stereographic (method 9809): 53° N,
    // 6° E on the Amersfoort datum is E 196105.283 m, N 557057.739 m.
    let (x, y) = twinstory_data::crs::rd_new_from_bessel(53.0, 6.0);
    assert!(
        (x - 196_105.283).abs() < 1e-3 && (y - 557_057.739).abs() < 1e-3,
        "{x} {y}"
    );
    // The origin is the origin.
    let (x, y) = twinstory_data::crs::rd_new_from_bessel(
        52.0 + 9.0 / 60.0 + 22.178 / 3600.0,
        5.0 + 23.0 / 60.0 + 15.5 / 3600.0,
    );
    assert!(
        (x - 155_000.0).abs() < 1e-6 && (y - 463_000.0).abs() < 1e-6,
        "{x} {y}"
    );
}

#[test]
fn rd_new_refuses_what_is_not_in_the_netherlands() {
    let rd = ReferenceSystem::parse("EPSG:7415").unwrap();
    // UTM 32N coordinates of Hamburg, swapped axes, far out at sea, not
    // numbers.
    for (x, y) in [
        (564_900.0, 5_933_500.0),
        (463_000.0, 155_000.0),
        (155_000.0, 1_300_000.0),
        (-400_000.0, 463_000.0),
        (f64::NAN, 463_000.0),
        (155_000.0, f64::INFINITY),
    ] {
        assert_eq!(rd.to_wgs84(x, y), None, "{x} {y}");
    }
    // The corners of the land: Cadzand (south-west), Rottumeroog (north),
    // Vaals (south-east) are positions.
    for (x, y) in [
        (13_000.0, 378_000.0),
        (235_000.0, 620_000.0),
        (205_000.0, 307_000.0),
    ] {
        assert!(rd.to_wgs84(x, y).is_some(), "{x} {y}");
    }
}
