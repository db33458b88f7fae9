//! Buildings drawn in their real shape (`extrude: model`): a gabled house
//! whose ridge rises above its eaves from every side, hidden surfaces
//! against a block, picking under a roof, and the roofs' and walls' shades.

#![allow(
    clippy::unwrap_used,
    reason = "test: a failed setup stops the test with its message"
)]

use geo::{polygon, Geometry};
use twinstory_map::draw_list::{Extrusion, Face};
use twinstory_map::{
    Camera, DrawList, Framebuffer, LayerPaint, PreparedLayer, Rgba, Transform, Viewport,
};

const LON: f64 = 10.0;
const LAT: f64 = 53.55;
const WHITE: Rgba = Rgba::rgb(255, 255, 255);
const RED: Rgba = Rgba::rgb(220, 0, 0);
const BLUE: Rgba = Rgba::rgb(0, 0, 220);

/// Metres east and north of (LON, LAT), and metres up.
fn at(e: f64, n: f64, z: f64) -> [f64; 3] {
    [
        LON + e / (111_320.0 * LAT.to_radians().cos()),
        LAT + n / 111_320.0,
        z,
    ]
}

/// A house 40 m east–west by 20 m north–south from (`e`, `n`), eaves at
/// 6 m and an east–west ridge at 20 m: (is roof, rings) per surface.
fn house(e: f64, n: f64) -> Vec<(bool, Vec<Vec<[f64; 3]>>)> {
    let (x0, x1, y0, y1, ym) = (e, e + 40.0, n, n + 20.0, n + 10.0);
    let q = |pts: &[(f64, f64, f64)]| vec![pts.iter().map(|&(x, y, z)| at(x, y, z)).collect()];
    vec![
        (
            false,
            q(&[(x0, y0, 0.0), (x1, y0, 0.0), (x1, y0, 6.0), (x0, y0, 6.0)]),
        ),
        (
            false,
            q(&[(x1, y1, 0.0), (x0, y1, 0.0), (x0, y1, 6.0), (x1, y1, 6.0)]),
        ),
        (
            false,
            q(&[
                (x0, y1, 0.0),
                (x0, y0, 0.0),
                (x0, y0, 6.0),
                (x0, ym, 20.0),
                (x0, y1, 6.0),
            ]),
        ),
        (
            false,
            q(&[
                (x1, y0, 0.0),
                (x1, y1, 0.0),
                (x1, y1, 6.0),
                (x1, ym, 20.0),
                (x1, y0, 6.0),
            ]),
        ),
        (
            true,
            q(&[(x0, y0, 6.0), (x1, y0, 6.0), (x1, ym, 20.0), (x0, ym, 20.0)]),
        ),
        (
            true,
            q(&[(x1, y1, 6.0), (x0, y1, 6.0), (x0, ym, 20.0), (x1, ym, 20.0)]),
        ),
    ]
}

/// The footprint of a box from (`e`, `n`), `w` by `d` metres.
fn footprint(e: f64, n: f64, w: f64, d: f64) -> Geometry<f64> {
    let [a, b, _] = at(e, n, 0.0);
    let [c, d, _] = at(e + w, n + d, 0.0);
    Geometry::Polygon(polygon![(x: a, y: b), (x: c, y: b), (x: c, y: d), (x: a, y: d)])
}

/// A layer of the house (feature 0, with its surfaces unless `block`)
/// and, optionally, a 40 m block of 20 × 20 m (feature 1) at (`e`, `n`).
fn layer(block: bool, tower: Option<(f64, f64)>) -> (PreparedLayer, LayerPaint) {
    let mut geoms = vec![footprint(0.0, 0.0, 40.0, 20.0)];
    if let Some((e, n)) = tower {
        geoms.push(footprint(e, n, 20.0, 20.0));
    }
    let mut prepared = PreparedLayer::from_geometries(geoms.iter().map(Some));
    let surfaces = house(0.0, 0.0);
    if !block {
        prepared
            .solids
            .add(0, surfaces.iter().map(|(roof, rings)| (*roof, &rings[..])));
    }
    let n = geoms.len();
    let paint = LayerPaint {
        stroke: None,
        feature_fill: Some(vec![Some(RED), Some(BLUE)][..n].to_vec()),
        extrude: Some(Extrusion {
            // The house's highest point (a block: its eaves), the tower's top.
            top: vec![if block { 6.0 } else { 20.0 }, 40.0][..n].to_vec(),
            base: Vec::new(),
        }),
        ..LayerPaint::default()
    };
    (prepared, paint)
}

const VP: Viewport = Viewport {
    width: 400.0,
    height: 300.0,
    dpr: 1.0,
};

fn camera(bearing: f64, pitch: f64) -> Camera {
    let [lon, lat, _] = at(20.0, 10.0, 0.0);
    Camera {
        center: [lon, lat],
        zoom: 17.5,
        bearing,
        pitch,
    }
}

fn frame(l: &(PreparedLayer, LayerPaint), cam: &Camera) -> (Framebuffer, DrawList) {
    let t = Transform::new(cam, &VP);
    let mut dl = DrawList::new();
    dl.build([(&l.0, &l.1)], &t, &VP, WHITE);
    let mut fb = Framebuffer::new(1, 1);
    fb.paint(&dl);
    (fb, dl)
}

/// The pixel a point of the house falls on, when inside the frame.
fn pixel_of(cam: &Camera, p: [f64; 3]) -> Option<(u32, u32)> {
    let t = Transform::new(cam, &VP);
    let [x, y, _] = t.project(
        twinstory_map::projection::lonlat_to_world([p[0], p[1]]),
        p[2] * t.px_per_metre(),
    )?;
    (x >= 0.0 && y >= 0.0 && x < 400.0 && y < 300.0).then_some((x as u32, y as u32))
}

#[test]
fn the_ridge_rises_above_the_eaves_from_every_bearing() {
    let real = layer(false, None);
    let block = layer(true, None);
    for bearing in [0.0, 45.0, 90.0, 135.0, 180.0, 240.0, 300.0] {
        let cam = camera(bearing, 60.0);
        let (fb, _) = frame(&real, &cam);
        let (flat_top, _) = frame(&block, &cam);
        // Points 1.5 m below the ridge on both roofs (17.9 m up) and on
        // the gables' middles (8 to 18 m up): all are the house's.
        let mut points = Vec::new();
        for x in (2..40).step_by(4) {
            points.push(at(x as f64, 8.5, 17.9));
            points.push(at(x as f64, 11.5, 17.9));
        }
        for z in [8.0, 12.0, 16.0, 18.0] {
            points.push(at(0.0, 10.0, z));
            points.push(at(40.0, 10.0, z));
        }
        let mut above_block = 0;
        for p in points {
            let (x, y) = pixel_of(&cam, p).unwrap();
            let c = fb.pixel(x, y);
            assert!(
                c != WHITE && c.g < 60 && c.r > 60,
                "bearing {bearing}: {p:?} at ({x}, {y}) is {c:?}"
            );
            if flat_top.pixel(x, y) == WHITE {
                above_block += 1;
            }
        }
        // A block at the eaves leaves the map there: the roof is what shows.
        assert!(above_block >= 3, "bearing {bearing}: {above_block}");
    }
}

/// Red is the house (feature 0), blue the tower (feature 1), white neither.
fn which(c: Rgba) -> Option<u32> {
    match (c.r > 60, c.b > 60, c.g > 60) {
        (true, false, false) => Some(0),
        (false, true, false) => Some(1),
        _ => None,
    }
}

#[test]
fn a_tall_block_behind_the_roof_is_hidden_where_the_house_is_nearer() {
    // A 40 m tower north of the house.
    let both = layer(false, Some((10.0, 35.0)));
    for (bearing, near) in [(0.0, 0), (20.0, 0), (180.0, 1), (200.0, 1)] {
        let cam = camera(bearing, 55.0);
        let (fb, dl) = frame(&both, &cam);
        let only = |f: usize| {
            let mut p = both.1.clone();
            p.feature_visible = Some(vec![f == 0, f == 1]);
            frame(&(both.0.clone(), p), &cam).0
        };
        let (house, tower) = (only(0), only(1));
        let (mut overlap, mut wrong) = (0, 0);
        for y in 0..300 {
            for x in 0..400 {
                if which(house.pixel(x, y)) == Some(0) && which(tower.pixel(x, y)) == Some(1) {
                    overlap += 1;
                    let single = if near == 0 { &house } else { &tower };
                    if fb.pixel(x, y) != single.pixel(x, y) {
                        wrong += 1;
                    }
                    // Picking is by pixel centres: inside both shapes
                    // (no anti-aliased edge) it must answer the nearer.
                    let full = |c: Rgba| c.g == 0 && (c.r == 0 || c.b == 0);
                    if overlap % 11 == 0 && full(house.pixel(x, y)) && full(tower.pixel(x, y)) {
                        let got = dl.face_at([x as f32 + 0.5, y as f32 + 0.5]);
                        assert_eq!(got, Some((0, near)), "bearing {bearing}: ({x}, {y})");
                    }
                }
            }
        }
        assert!(overlap > 500, "bearing {bearing}: overlap {overlap}");
        assert!(
            wrong * 50 <= overlap,
            "bearing {bearing}: {wrong} of {overlap} wrong"
        );
    }
}

#[test]
fn a_roof_pixel_picks_its_building() {
    let real = layer(false, None);
    let cam = camera(30.0, 50.0);
    let (fb, dl) = frame(&real, &cam);
    let (x, y) = pixel_of(&cam, at(20.0, 9.0, 18.6)).unwrap();
    assert_eq!(which(fb.pixel(x, y)), Some(0));
    assert_eq!(dl.face_at([x as f32 + 0.5, y as f32 + 0.5]), Some((0, 0)));
    // Above the ridge there is nothing to pick.
    let (x, y) = pixel_of(&cam, at(20.0, 10.0, 30.0)).unwrap();
    assert_eq!(dl.face_at([x as f32 + 0.5, y as f32 + 0.5]), None);
}

#[test]
fn roofs_are_shaded_by_their_slope_and_walls_as_a_blocks_walls() {
    // From the south-west. The roofs rise 14 m over 10 m: their normals'
    // horizontal part is 14/√296 = 0.814, due south and due north, so
    // against the north-west light they are 1 ∓ 0.15 · 0.814 · 0.707 =
    // 0.914 and 1.086 of the fill: 201 and 239 of its 220.
    let cam = camera(45.0, 50.0);
    let reds = |dl: &DrawList| {
        let mut v: Vec<u8> = dl.faces.iter().map(|f: &Face| f.color.r).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let (_, real) = frame(&layer(false, None), &cam);
    let (_, block) = frame(&layer(true, None), &cam);
    // The block: its two walls in sight and its flat roof in the fill.
    let mut want = reds(&block);
    assert_eq!(want.len(), 3, "{want:?}");
    assert_eq!(want.pop(), Some(220));
    // The house: the same walls (its far sides, seen from within, are
    // shaded as the side facing the eye), and the two roofs.
    want.extend([201, 239]);
    want.sort_unstable();
    assert_eq!(reds(&real), want);
    assert!(real.faces.iter().all(|f| f.color.g == 0 && f.color.b == 0));
}

#[test]
fn the_static_svg_paints_the_far_roof_before_the_near_one() {
    // From the south the south roof (201, facing away from the light) is
    // nearer than the north roof (239): SVG has no depth test, so it must
    // come later.
    let (_, dl) = frame(&layer(false, None), &camera(0.0, 50.0));
    let svg = twinstory_map::svg::to_svg(&dl);
    let at = |red: u8| {
        svg.find(&format!("fill=\"#{red:02x}0000\""))
            .unwrap_or_else(|| panic!("{red}: {svg}"))
    };
    assert!(at(239) < at(201));
    assert_eq!(svg.matches("<path").count(), dl.faces.len());
    // Opaque faces are sealed by half a pixel of their own colour, so
    // neighbouring faces leave no hairline of background between them.
    assert!(
        svg.contains(r##"fill="#ef0000" stroke="#ef0000" stroke-width="0.5""##),
        "{svg}"
    );
    let mut see_through = layer(false, None);
    see_through.1.opacity = 0.5;
    let (_, dl) = frame(&see_through, &camera(0.0, 50.0));
    let svg = twinstory_map::svg::to_svg(&dl);
    assert!(!svg.contains("stroke="), "{svg}");
}
