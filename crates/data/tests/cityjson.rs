//! The CityJSON reader over real files (Hamburg's LoD3 Neustadt and the
//! Großneumarkt building in LoD0–3, the Dutch LoD2 samples) and over
//! malformed inputs, each refused with its JSON path.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a failed setup stops the test with its message"
)]

use geo::{Contains, Geometry, Point};
use serde_json::{json, Value};
use twinstory_data::{
    read_cityjson, read_cityjson_file, CityJsonOptions, CityJsonProblem, Dataset, Feature,
};

const NEUSTADT: &str = "../../stories/neustadt-3d/data/neustadt-lod3-buildings.city.json";
const GROSSNEUMARKT: &str = "../../stories/neustadt-3d/data/grossneumarkt-1-building.city.json";

fn read(path: &str, lod: Option<&str>) -> Dataset {
    let bytes = std::fs::read(path).unwrap();
    let opts = CityJsonOptions {
        lod: lod.map(str::to_string),
    };
    read_cityjson(path, &bytes, &opts).unwrap()
}

fn num(f: &Feature, key: &str) -> f64 {
    f.properties[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key}"))
}

fn by_id<'a>(d: &'a Dataset, id: &str) -> &'a Feature {
    d.features
        .iter()
        .find(|f| f.id.as_deref() == Some(id))
        .unwrap()
}

/// pyproj's answer for a corner, from `tests/data/crs-pyproj.csv`.
fn pyproj(e: &str, n: &str) -> (f64, f64) {
    let row = include_str!("data/crs-pyproj.csv")
        .lines()
        .find(|l| l.starts_with(&format!("25832,{e},{n},")))
        .unwrap();
    let v: Vec<f64> = row.split(',').map(|x| x.parse().unwrap()).collect();
    (v[3], v[4])
}

fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let m = 111_320.0;
    ((a.0 - b.0) * m * b.1.to_radians().cos()).hypot((a.1 - b.1) * m)
}

#[test]
fn the_neustadt_has_24_buildings_as_lod3_blocks() {
    let d = read(NEUSTADT, None);
    assert_eq!(d.features.len(), 24);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    for f in &d.features {
        assert_eq!(f.properties["lod"], 3.0, "{:?}", f.id);
        assert_eq!(f.properties["type"], "Building");
        assert_eq!(f.properties["id"].as_str(), f.id.as_deref());
        // The reader's ground is the attribute LGV gives, to the millimetre.
        assert!(
            (num(f, "ground") - num(f, "Grundhöhe NN")).abs() < 0.0015,
            "{:?}",
            f.id
        );
        let h = num(f, "height");
        assert!((6.8..29.2).contains(&h), "{:?}: {h}", f.id);
        assert!(matches!(
            f.geometry,
            Some(Geometry::Polygon(_) | Geometry::MultiPolygon(_))
        ));
    }
    let f = by_id(&d, "DEHHALKAJ0000p7l");
    // max z 26.654 − min z 6.671 of its own solid (dormers and chimneys,
    // BuildingInstallations, do not count).
    assert_eq!(num(f, "height"), 19.983);
    assert_eq!(f.properties["Grundfläche 2D"], 184.405938);
}

#[test]
fn a_footprint_corner_is_within_a_centimetre_of_pyproj() {
    let d = read(NEUSTADT, None);
    let Some(Geometry::Polygon(p)) = &by_id(&d, "DEHHALKAJ0000p7l").geometry else {
        panic!("not one polygon");
    };
    let want = pyproj("564992.853", "5933572.809");
    let nearest = p
        .exterior()
        .coords()
        .map(|c| metres((c.x, c.y), want))
        .fold(f64::INFINITY, f64::min);
    assert!(nearest < 0.01, "{nearest} m");
    // The ground plan is the GroundSurface: its area is LGV's
    // `Grundfläche 2D` (184.4 m²), to the square metre.
    let area = area_m2(p);
    assert!((area - 184.406).abs() < 1.0, "{area}");
}

fn area_m2(p: &geo::Polygon<f64>) -> f64 {
    use geo::Area;
    let lat = p.exterior().0[0].y.to_radians();
    p.unsigned_area() * 111_320.0 * 111_320.0 * lat.cos()
}

#[test]
fn grossneumarkt_in_each_lod() {
    let highest = read(GROSSNEUMARKT, None);
    assert_eq!(highest.features.len(), 1);
    let f = &highest.features[0];
    assert_eq!(f.properties["lod"], 3.0);
    assert_eq!(num(f, "ground"), 20.351);
    assert_eq!(num(f, "ground"), num(f, "Grundhöhe NN"));
    let mut heights = Vec::new();
    for lod in ["0", "1", "2", "3"] {
        let d = read(GROSSNEUMARKT, Some(lod));
        let f = &d.features[0];
        assert_eq!(f.properties["lod"], lod.parse::<f64>().unwrap());
        let Some(Geometry::Polygon(p)) = &f.geometry else {
            panic!("LoD {lod}: not one polygon");
        };
        // Every LoD's footprint is the same ground plan (LGV: 155.3 m²).
        let area = area_m2(p);
        assert!((area - 155.3).abs() < 2.0, "LoD {lod}: {area}");
        heights.push(num(f, "height"));
    }
    // LoD0 is a flat footprint; LoD1 a block below the ridge; LoD2 and 3
    // reach the ridge (23.4 m above the ground, LoD3's roof 1 cm lower).
    assert_eq!(heights[0], 0.0);
    assert!(heights[1] > 10.0 && heights[1] < heights[2], "{heights:?}");
    assert!((heights[2] - heights[3]).abs() < 0.02, "{heights:?}");
}

#[test]
fn an_lod_no_building_has_is_refused_with_the_ones_there_are() {
    let bytes = std::fs::read(GROSSNEUMARKT).unwrap();
    let opts = CityJsonOptions {
        lod: Some("4".into()),
    };
    let e = read_cityjson_file("g.city.json", &bytes, &opts).unwrap_err();
    assert_eq!(e.problem, CityJsonProblem::Lod);
    assert!(e.error.message.contains("LoD 0, 1, 2, 3"), "{}", e.error);
}

/// A Dutch sample, its reference system named as `name`.
fn dutch(file: &str, name: Option<&str>) -> Result<Dataset, twinstory_data::CityJsonError> {
    let mut v: Value =
        serde_json::from_slice(&std::fs::read(format!("tests/data/{file}")).unwrap()).unwrap();
    if let Some(name) = name {
        v["metadata"]["referenceSystem"] = json!(name);
    }
    read_cityjson_file(file, v.to_string().as_bytes(), &CityJsonOptions::default())
}

#[test]
fn the_dutch_samples_without_a_reference_system_are_told_to_name_rd_new() {
    for file in [
        "rotterdam-16-buildings-lod2.city.json",
        "denhaag-lod2-subset.city.json",
    ] {
        // Neither file names its system: no guess, but a hint.
        let e = dutch(file, None).unwrap_err();
        assert_eq!(e.problem, CityJsonProblem::ReferenceSystem);
        let e = e.error;
        assert!(e.message.contains("does not name its reference system"));
        let hint = e.hint.unwrap();
        assert!(
            hint.contains("look like the Dutch grid")
                && hint.contains(
                    "\"metadata\": {\"referenceSystem\": \"https://www.opengis.net/def/crs/EPSG/0/7415\"}"
                ),
            "{hint}"
        );
        assert!(hint.contains("EPSG:28992 and 7415") && hint.contains("EPSG:25832+7837"));
    }
    // A system the reader cannot convert (Belgian Lambert 72) is named.
    let e = dutch("denhaag-lod2-subset.city.json", Some("EPSG:31370")).unwrap_err();
    assert_eq!(e.problem, CityJsonProblem::ReferenceSystem);
    assert!(e.error.message.contains("`EPSG:31370` is not supported"));
    assert!(e.error.hint.unwrap().contains("EPSG:28992 and 7415"));
    // A Hamburg file without its system gets the UTM example.
    let mut v: Value = serde_json::from_slice(&std::fs::read(GROSSNEUMARKT).unwrap()).unwrap();
    v["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("referenceSystem");
    let e = read_cityjson_file(
        "g.city.json",
        v.to_string().as_bytes(),
        &CityJsonOptions::default(),
    )
    .unwrap_err();
    let hint = e.error.hint.unwrap();
    assert!(
        !hint.contains("Dutch") && hint.contains("EPSG/0/25832"),
        "{hint}"
    );
}

/// Every corner of every footprint of `d` inside `[west, south, east, north]`.
fn inside(d: &Dataset, bbox: [f64; 4]) -> bool {
    use geo::CoordsIter;
    d.features.iter().all(|f| {
        f.geometry
            .as_ref()
            .unwrap()
            .coords_iter()
            .all(|c| (bbox[0]..=bbox[2]).contains(&c.x) && (bbox[1]..=bbox[3]).contains(&c.y))
    })
}

#[test]
fn rotterdam_in_rd_new_lies_in_rotterdam_with_its_heights() {
    for name in [
        "https://www.opengis.net/def/crs/EPSG/0/7415",
        "https://www.opengis.net/def/crs/EPSG/0/28992",
        "EPSG:7415",
    ] {
        let d = dutch("rotterdam-16-buildings-lod2.city.json", Some(name)).unwrap();
        assert_eq!(d.features.len(), 16);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        // The city of Rotterdam without its port (OpenStreetMap's outline,
        // rounded outwards): 4.37–4.60° E, 51.86–51.99° N.
        assert!(inside(&d, [4.37, 51.86, 4.60, 51.99]), "{name}");
        for f in &d.features {
            assert_eq!(f.properties["lod"], 2.0);
            // This file's z starts at 0 on the ground (its `TerrainHeight`
            // attribute says where that is in NAP): the buildings are
            // 10–19 m high.
            assert_eq!(num(f, "ground"), 0.0);
            assert!((10.0..19.0).contains(&num(f, "height")), "{:?}", f.id);
            assert!((2.0..4.0).contains(&num(f, "TerrainHeight")), "{:?}", f.id);
            assert_eq!(f.properties["bron_geo"], "Lidar 15-30 punten - nov. 2008");
            assert!(matches!(f.geometry, Some(Geometry::Polygon(_))));
        }
    }
}

#[test]
fn den_haag_in_rd_new_lies_in_the_hague_with_its_parts() {
    let d = dutch(
        "denhaag-lod2-subset.city.json",
        Some("https://www.opengis.net/def/crs/EPSG/0/7415"),
    )
    .unwrap();
    // The municipality of The Hague (OpenStreetMap's outline, rounded
    // outwards): 4.18–4.43° E, 52.01–52.14° N.
    assert!(inside(&d, [4.18, 52.01, 4.43, 52.14]));
    // 4 buildings: 3 drawn by their 8 parts, one by its own solid.
    assert_eq!(d.features.len(), 9);
    let parts: Vec<&Feature> = d
        .features
        .iter()
        .filter(|f| f.properties["type"] == "BuildingPart")
        .collect();
    assert_eq!(parts.len(), 8);
    for f in &d.features {
        if let Some(building) = f.properties.get("building") {
            assert!(f
                .id
                .as_deref()
                .unwrap()
                .starts_with(building.as_str().unwrap()));
        }
        // The part's ridge is its top: ground + height (NAP metres).
        let ridge = num(f, "AbsoluteRidgeHeight");
        let top = num(f, "ground") + num(f, "height");
        assert!((ridge - top).abs() < 0.01, "{:?}: {ridge} vs {top}", f.id);
    }
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
}

#[test]
fn hamburg_coordinates_named_rd_new_are_refused_where_they_leave_the_netherlands() {
    let mut v: Value = serde_json::from_slice(&std::fs::read(GROSSNEUMARKT).unwrap()).unwrap();
    v["metadata"]["referenceSystem"] = json!("https://www.opengis.net/def/crs/EPSG/0/7415");
    let e = read_cityjson_file(
        "g.city.json",
        v.to_string().as_bytes(),
        &CityJsonOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.problem, CityJsonProblem::Other);
    assert!(
        e.error
            .message
            .contains("is not a position in https://www.opengis.net/def/crs/EPSG/0/7415"),
        "{}",
        e.error
    );
    assert!(e.error.hint.unwrap().contains("the Netherlands' grid"));
}

/// A minimal file: `objects` and `vertices` (no transform) in UTM 32N.
fn model(objects: Value, vertices: Value) -> Value {
    json!({
        "type": "CityJSON", "version": "2.0",
        "metadata": {"referenceSystem": "urn:ogc:def:crs:EPSG::25832"},
        "CityObjects": objects, "vertices": vertices
    })
}

/// A 10 m × 10 m box, 5 m high, at 565000/5933500 on ground 7 m: 8
/// vertices, and its solid with semantics (0 ground, 1 roof, 2 walls).
fn box_vertices() -> Value {
    let mut v = Vec::new();
    for z in [7.0, 12.0] {
        for (x, y) in [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)] {
            v.push(json!([565_000.0 + x, 5_933_500.0 + y, z]));
        }
    }
    Value::Array(v)
}

fn box_solid(semantics: bool) -> Value {
    let mut g = json!({
        "type": "Solid", "lod": "2",
        "boundaries": [[[[0, 3, 2, 1]], [[4, 5, 6, 7]], [[0, 1, 5, 4]], [[1, 2, 6, 5]], [[2, 3, 7, 6]], [[3, 0, 4, 7]]]]
    });
    if semantics {
        g["semantics"] = json!({
            "surfaces": [{"type": "GroundSurface"}, {"type": "RoofSurface"}, {"type": "WallSurface"}],
            "values": [[0, 1, 2, 2, 2, null]]
        });
    }
    g
}

fn read_value(v: &Value) -> Result<Dataset, twinstory_data::DataError> {
    read_cityjson(
        "t.city.json",
        v.to_string().as_bytes(),
        &CityJsonOptions::default(),
    )
}

#[test]
fn footprints_come_from_the_ground_then_the_lowest_surfaces_then_the_hull() {
    let centre = |d: &Dataset| {
        let (lon, lat) = twinstory_data::crs::ReferenceSystem::parse("EPSG:25832")
            .unwrap()
            .to_wgs84(565_005.0, 5_933_505.0)
            .unwrap();
        let outside = twinstory_data::crs::ReferenceSystem::parse("EPSG:25832")
            .unwrap()
            .to_wgs84(565_015.0, 5_933_505.0)
            .unwrap();
        let g = d.features[0].geometry.as_ref().unwrap();
        g.contains(&Point::new(lon, lat)) && !g.contains(&Point::new(outside.0, outside.1))
    };
    for semantics in [true, false] {
        let v = model(
            json!({"b": {"type": "Building", "attributes": {"owner": {"name": "Stadt"}, "floors": 2}, "geometry": [box_solid(semantics)]}}),
            box_vertices(),
        );
        let d = read_value(&v).unwrap();
        let f = &d.features[0];
        assert!(centre(&d), "semantics {semantics}");
        assert_eq!(num(f, "height"), 5.0);
        assert_eq!(num(f, "ground"), 7.0);
        assert_eq!(f.properties["owner.name"], "Stadt");
        assert_eq!(f.properties["floors"], 2);
    }
    // Only walls (no ground, no horizontal surface at the bottom): the hull.
    let walls = json!({"type": "MultiSurface", "lod": "1", "boundaries": [[[0, 1, 5, 4]], [[1, 2, 6, 5]], [[2, 3, 7, 6]], [[3, 0, 4, 7]]]});
    let v = model(
        json!({"b": {"type": "Building", "geometry": [walls]}}),
        box_vertices(),
    );
    let d = read_value(&v).unwrap();
    assert!(centre(&d));
    assert_eq!(d.features[0].properties["lod"], 1.0);
}

#[test]
fn installations_do_not_count_and_other_objects_are_reported() {
    let chimney = json!({"type": "MultiSurface", "lod": "2", "boundaries": [[[4, 5, 8]]]});
    let mut vertices = box_vertices();
    vertices
        .as_array_mut()
        .unwrap()
        .push(json!([565_001.0, 5_933_501.0, 40.0]));
    let v = model(
        json!({
            "b": {"type": "Building", "children": ["c"], "geometry": [box_solid(true)]},
            "c": {"type": "BuildingInstallation", "parents": ["b"], "geometry": [chimney]},
            "t": {"type": "SolitaryVegetationObject", "geometry": []}
        }),
        vertices,
    );
    let d = read_value(&v).unwrap();
    assert_eq!(d.features.len(), 1);
    assert_eq!(num(&d.features[0], "height"), 5.0);
    assert_eq!(d.warnings.len(), 1);
    assert!(d.warnings[0]
        .message
        .contains("1 `SolitaryVegetationObject`"));
}

#[test]
fn a_geometry_template_is_placed_by_its_matrix() {
    let mut v = model(
        json!({"b": {"type": "Building", "geometry": [{
            "type": "GeometryInstance", "template": 0, "boundaries": [0],
            "transformationMatrix": [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
        }]}}),
        json!([[565_000.0, 5_933_500.0, 7.0]]),
    );
    v["geometry-templates"] = json!({
        "templates": [box_solid(true)],
        "vertices-templates": [[0, 0, 0], [5, 0, 0], [5, 5, 0], [0, 5, 0], [0, 0, 5], [5, 0, 5], [5, 5, 5], [0, 5, 5]]
    });
    let d = read_value(&v).unwrap();
    let f = &d.features[0];
    assert_eq!(num(f, "ground"), 7.0);
    assert_eq!(num(f, "height"), 5.0);
    let Some(Geometry::Polygon(p)) = &f.geometry else {
        panic!()
    };
    // Scaled by 2: 10 m × 10 m.
    assert!((area_m2(p) - 100.0).abs() < 1.0, "{}", area_m2(p));
}

#[test]
fn malformed_files_are_refused_with_their_json_path() {
    let ok = || {
        json!({
            "type": "CityJSON", "version": "2.0",
            "transform": {"scale": [0.001, 0.001, 0.001], "translate": [565_000.0, 5_933_500.0, 0.0]},
            "metadata": {"referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/25832"},
            "CityObjects": {"DEHH_1": {"type": "Building", "geometry": [{"type": "MultiSurface", "lod": "1",
                "boundaries": [[[0, 1, 2]]], "semantics": {"surfaces": [{"type": "GroundSurface"}], "values": [0]}}]}},
            "vertices": [[0, 0, 0], [1000, 0, 0], [0, 1000, 0]]
        })
    };
    assert!(read_value(&ok()).is_ok());
    type Edit = fn(&mut Value);
    let cases: Vec<(Edit, &str, &str)> = vec![
        (
            |v| v["type"] = json!("FeatureCollection"),
            "type",
            "this is GeoJSON",
        ),
        (
            |v| v["version"] = json!("1.0"),
            "version",
            "version 1.0 is not supported",
        ),
        (
            |v| {
                v.as_object_mut().unwrap().remove("version");
            },
            "version",
            "but it is missing",
        ),
        (
            |v| v["transform"]["scale"] = json!([1, 1]),
            "transform.scale",
            "three numbers",
        ),
        (
            |v| v["vertices"][1] = json!([1.5, 0, 0]),
            "vertices[1]",
            "three whole numbers",
        ),
        (
            |v| v["vertices"][2] = json!([0, 0]),
            "vertices[2]",
            "a vertex must be",
        ),
        (
            |v| v["CityObjects"] = json!({}),
            "CityObjects",
            "no CityObjects",
        ),
        (
            |v| v["CityObjects"] = json!([]),
            "CityObjects",
            "must be an object",
        ),
        (
            |v| v["CityObjects"]["DEHH_1"]["geometry"][0]["boundaries"][0][0][2] = json!(1234),
            "CityObjects.\"DEHH_1\".geometry[0].boundaries[0][0][2]",
            "vertex index 1234 is out of range (the file has 3 vertices)",
        ),
        (
            |v| v["CityObjects"]["DEHH_1"]["geometry"][0]["boundaries"][0][0][1] = json!(-1),
            "CityObjects.\"DEHH_1\".geometry[0].boundaries[0][0][1]",
            "whole number",
        ),
        (
            |v| v["CityObjects"]["DEHH_1"]["geometry"][0]["boundaries"] = json!([[0, 1, 2]]),
            "CityObjects.\"DEHH_1\".geometry[0].boundaries[0][0]",
            "a ring must be an array",
        ),
        (
            |v| v["CityObjects"]["DEHH_1"]["geometry"][0]["type"] = json!("Polyhedron"),
            "CityObjects.\"DEHH_1\".geometry[0].type",
            "unknown geometry type `Polyhedron`",
        ),
        (
            |v| v["CityObjects"]["DEHH_1"]["geometry"][0]["lod"] = json!("high"),
            "CityObjects.\"DEHH_1\".geometry[0].lod",
            "`lod` must be a level",
        ),
        (
            |v| v["CityObjects"]["DEHH_1"]["geometry"][0]["semantics"]["values"] = json!([3]),
            "CityObjects.\"DEHH_1\".geometry[0].semantics.values[0]",
            "semantic surface 3 is out of range",
        ),
        (
            |v| v["CityObjects"]["DEHH_1"]["children"] = json!(["nobody"]),
            "CityObjects.\"DEHH_1\".children[0]",
            "the child `nobody` is not among the CityObjects",
        ),
        (
            |v| v["CityObjects"]["DEHH_1"]["type"] = json!("Bridge"),
            "CityObjects",
            "no buildings (CityObjects of type `Building`), only `Bridge`",
        ),
        (
            |v| v["transform"]["translate"] = json!([5_933_500.0, 565_000.0, 0.0]),
            "CityObjects.\"DEHH_1\".geometry[0]",
            "is not a position in https://www.opengis.net/def/crs/EPSG/0/25832",
        ),
        (
            |v| v["metadata"]["referenceSystem"] = json!("EPSG:2056"),
            "metadata.referenceSystem",
            "`EPSG:2056` is not supported",
        ),
    ];
    for (edit, path, message) in cases {
        let mut v = ok();
        edit(&mut v);
        let e = read_value(&v).unwrap_err();
        assert_eq!(
            e.position.as_ref().map(ToString::to_string).as_deref(),
            Some(path),
            "{e}"
        );
        assert!(e.message.contains(message), "{e}");
    }
    // Not JSON: line and column.
    let e = read_cityjson("t", b"{\"type\": ", &CityJsonOptions::default()).unwrap_err();
    assert!(e.position.is_some(), "{e}");
}

#[test]
fn no_cut_of_a_real_file_panics() {
    let bytes = std::fs::read(GROSSNEUMARKT).unwrap();
    for cut in (0..bytes.len()).step_by(97) {
        let _ = read_cityjson("g", &bytes[..cut], &CityJsonOptions::default());
    }
}

/// The unit normal of a surface's outer ring in local metres (east, north,
/// up): the cross product of the two edges from the corner that spans the
/// largest triangle with its neighbours (the rings here are convex enough).
fn normal(s: &twinstory_data::Surface) -> [f64; 3] {
    let r = &s.rings[0];
    let (lon0, lat0) = (r[0][0], r[0][1]);
    let m = |v: &[f64; 3]| {
        [
            (v[0] - lon0) * 111_320.0 * lat0.to_radians().cos(),
            (v[1] - lat0) * 111_320.0,
            v[2],
        ]
    };
    let k = r.len();
    let cross = |i: usize| {
        let (a, b, c) = (m(&r[(i + k - 1) % k]), m(&r[i]), m(&r[(i + 1) % k]));
        let (u, v) = (
            [c[0] - b[0], c[1] - b[1], c[2] - b[2]],
            [a[0] - b[0], a[1] - b[1], a[2] - b[2]],
        );
        [
            u[1] * v[2] - u[2] * v[1],
            u[2] * v[0] - u[0] * v[2],
            u[0] * v[1] - u[1] * v[0],
        ]
    };
    let len = |n: &[f64; 3]| (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
    let n = (0..k)
        .map(cross)
        .max_by(|a, b| len(a).total_cmp(&len(b)))
        .unwrap();
    n.map(|c| c / len(&n))
}

#[test]
fn the_neustadt_keeps_its_roofs_and_walls_as_surfaces() {
    use twinstory_data::SurfaceKind;
    let d = read(NEUSTADT, None);
    let (mut roofs, mut walls, mut other, mut sloped) = (0, 0, 0, 0);
    for f in &d.features {
        let solid = f.solid.as_ref().unwrap();
        // z is above the building's ground: from 0 to its height.
        let top = solid.top();
        assert!((top - num(f, "height")).abs() < 0.002, "{:?}", f.id);
        let low = solid
            .surfaces
            .iter()
            .flat_map(|s| s.rings.iter().flatten())
            .fold(f64::INFINITY, |m, v| m.min(v[2]));
        assert!(low.abs() < 0.002, "{:?}: {low}", f.id);
        let bbox = match &f.geometry {
            Some(g) => geo::BoundingRect::bounding_rect(g).unwrap(),
            None => panic!("no footprint"),
        };
        // Upper floors and eaves reach a little past the ground plan
        // (up to 42 cm in this file): 1e-5° is about 1.1 m north–south,
        // 0.7 m east–west.
        let slack = 1e-5;
        for s in &solid.surfaces {
            assert!(s.rings.iter().all(|r| r.len() >= 3));
            match s.kind {
                SurfaceKind::Roof => {
                    roofs += 1;
                    let n = normal(s);
                    if n[2].abs() < 0.99 && n[2].abs() > 0.2 {
                        sloped += 1;
                    }
                }
                SurfaceKind::Wall => {
                    walls += 1;
                    // Every wall stands on the ground plan.
                    for v in s.rings.iter().flatten() {
                        assert!(
                            v[0] >= bbox.min().x - slack
                                && v[0] <= bbox.max().x + slack
                                && v[1] >= bbox.min().y - slack
                                && v[1] <= bbox.max().y + slack,
                            "{:?}: {v:?} outside {bbox:?}",
                            f.id
                        );
                    }
                }
                SurfaceKind::Other => other += 1,
            }
        }
    }
    // 836 roof and 1,094 wall surfaces in the file, of which 18 roofs and
    // 2 walls have no area (slivers of the trimmed file); 26 outer ceilings
    // and floors; the 32 ground surfaces are the footprints, not surfaces here.
    assert_eq!((roofs, walls, other), (818, 1092, 26));
    // Gabled and hipped roofs: most roof faces slope.
    assert!(sloped > 400, "{sloped} of {roofs}");
}

#[test]
fn grossneumarkt_lod1_is_a_box_and_lod2_has_a_sloped_roof() {
    use twinstory_data::SurfaceKind;
    let slopes = |lod: &str| -> Vec<f64> {
        let d = read(GROSSNEUMARKT, Some(lod));
        let solid = d.features[0].solid.as_ref().unwrap().clone();
        solid
            .surfaces
            .iter()
            .filter(|s| s.kind == SurfaceKind::Roof)
            .map(|s| normal(s)[2].abs())
            .collect()
    };
    let lod1 = read(GROSSNEUMARKT, Some("1"));
    let box1 = lod1.features[0].solid.as_ref().unwrap();
    // LoD1 is a block: one flat roof at its height, walls upright.
    let roofs: Vec<_> = box1
        .surfaces
        .iter()
        .filter(|s| s.kind == SurfaceKind::Roof)
        .collect();
    assert_eq!(roofs.len(), 1);
    assert!(roofs[0].rings[0]
        .iter()
        .all(|v| (v[2] - box1.top()).abs() < 1e-6));
    assert!((box1.top() - num(&lod1.features[0], "height")).abs() < 0.002);
    assert!(box1
        .surfaces
        .iter()
        .filter(|s| s.kind == SurfaceKind::Wall)
        .all(|s| normal(s)[2].abs() < 1e-3));
    let lod2 = slopes("2");
    assert!(!lod2.is_empty());
    assert!(lod2.iter().any(|z| *z < 0.95), "{lod2:?}");
}

#[test]
fn degenerate_surfaces_are_left_out_and_holes_wind_against_their_ring() {
    let mut g = box_solid(true);
    // A sixth wall that is a line (two distinct vertices), and a roof with
    // two holes written the same way round as its outer ring: a light well
    // (8–11, a wall of it goes down from 8 and 9) and the place of a
    // chimney the file left out (14–17, nothing leads down from it).
    g["boundaries"][0][5] = json!([[3, 0, 0, 3]]);
    let mut v = box_vertices();
    let corners = [
        (2.0, 2.0, 12.0),
        (4.0, 2.0, 12.0),
        (4.0, 4.0, 12.0),
        (2.0, 4.0, 12.0),
        (2.0, 2.0, 7.0),
        (4.0, 2.0, 7.0),
        (6.0, 6.0, 12.0),
        (7.0, 6.0, 12.0),
        (7.0, 7.0, 12.0),
        (6.0, 7.0, 12.0),
    ];
    for (x, y, z) in corners {
        v.as_array_mut()
            .unwrap()
            .push(json!([565_000.0 + x, 5_933_500.0 + y, z]));
    }
    g["boundaries"][0][1] = json!([[4, 5, 6, 7], [8, 9, 10, 11], [14, 15, 16, 17]]);
    g["boundaries"][0]
        .as_array_mut()
        .unwrap()
        .push(json!([[9, 8, 12, 13]]));
    g["semantics"]["values"][0]
        .as_array_mut()
        .unwrap()
        .push(json!(2));
    let d = read_value(&model(
        json!({"b": {"type": "Building", "geometry": [g]}}),
        v,
    ))
    .unwrap();
    let solid = d.features[0].solid.as_ref().unwrap();
    // Ground left out, the line left out: the roof, three walls and the
    // light well's wall.
    assert_eq!(solid.surfaces.len(), 5);
    let roof = &solid.surfaces[0];
    assert_eq!(roof.kind, twinstory_data::SurfaceKind::Roof);
    // The chimney's hole is closed, the light well stays open.
    assert_eq!(roof.rings.len(), 2);
    assert_eq!(roof.rings[1].len(), 4);
    let hole = twinstory_data::Surface {
        kind: roof.kind,
        rings: vec![roof.rings[1].clone()],
    };
    assert!(normal(roof)[2] * normal(&hole)[2] < 0.0);
    assert!(solid.surfaces[0].rings[0].iter().all(|v| v[2] == 5.0));
    let well = [565_002.0, 5_933_502.0];
    let (lon, lat) = twinstory_data::crs::ReferenceSystem::parse("EPSG:25832")
        .unwrap()
        .to_wgs84(well[0], well[1])
        .unwrap();
    assert!(roof.rings[1]
        .iter()
        .any(|v| (v[0] - lon).abs() < 1e-9 && (v[1] - lat).abs() < 1e-9));
}
