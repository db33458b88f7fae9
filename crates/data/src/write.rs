//! Features as values of the `geojson` crate, and written back out as
//! GeoJSON text (RFC 7946), e.g. after a join or for Overpass data.
//!
//! The conversions use the `geojson` crate's own `geo-types` conversions
//! (the same `geo-types` 0.7 the `geo` crate uses, so no second copy of the
//! geometry types). Reading the other way goes through the strict reader
//! ([`crate::read_geojson_value`]), so a `geojson` value gets the same
//! checks, repairs and JSON-path messages as a file.
//!
//! The player never calls anything here; the linker leaves it out of the
//! player's wasm (`scripts/build-player.sh` measures it).

use crate::{Dataset, Feature};
use geojson::{GeometryValue, Position};

impl From<&Feature> for geojson::Feature {
    /// The feature as it is: coordinates unrounded, rings as read, the `id`
    /// as a string (the readers keep numeric ids as their decimal text).
    fn from(f: &Feature) -> Self {
        geojson::Feature {
            bbox: None,
            geometry: f.geometry.as_ref().map(geojson::Geometry::from),
            id: f.id.clone().map(geojson::feature::Id::String),
            properties: Some(f.properties.clone()),
            foreign_members: None,
        }
    }
}

impl From<&Dataset> for geojson::FeatureCollection {
    /// The features in order (warnings are not part of GeoJSON).
    fn from(d: &Dataset) -> Self {
        // Not `collect()`: geojson 1.0's `FromIterator` gives an empty
        // collection `"bbox": []`, which RFC 7946 5 (and the reader) reject.
        geojson::FeatureCollection {
            bbox: None,
            features: d.features.iter().map(geojson::Feature::from).collect(),
            foreign_members: None,
        }
    }
}

/// The features as a GeoJSON FeatureCollection. Coordinates are rounded to
/// `decimals` places (at most 15; 7 ≈ 1 cm, the precision of the city's own
/// data); exterior rings are written counter-clockwise and holes clockwise,
/// as RFC 7946 asks (the orientation is decided on the unrounded ring; a
/// ring without area keeps its order). A polygon without positions is
/// written as `[]`, which the reader accepts, never as `[[]]`. `Rect`,
/// `Triangle` and `Line` geometries are written as polygons and lines.
pub fn write_geojson(data: &Dataset, decimals: u32) -> String {
    let scale = 10f64.powi(decimals.min(15) as i32);
    let mut collection = geojson::FeatureCollection::from(data);
    for g in collection
        .features
        .iter_mut()
        .filter_map(|f| f.geometry.as_mut())
    {
        rfc7946(&mut g.value, scale);
    }
    // Serialising these values cannot fail: every map key is a string and
    // serde_json writes a non-finite number as `null`.
    serde_json::to_string(&collection).unwrap_or_default()
}

/// Rounds every position and orients every polygon ring.
fn rfc7946(v: &mut GeometryValue, scale: f64) {
    match v {
        GeometryValue::Point { coordinates } => round(coordinates, scale),
        GeometryValue::MultiPoint { coordinates } | GeometryValue::LineString { coordinates } => {
            coordinates.iter_mut().for_each(|p| round(p, scale));
        }
        GeometryValue::MultiLineString { coordinates } => coordinates
            .iter_mut()
            .flatten()
            .for_each(|p| round(p, scale)),
        GeometryValue::Polygon { coordinates } => polygon(coordinates, scale),
        GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter_mut().for_each(|p| polygon(p, scale));
        }
        GeometryValue::GeometryCollection { geometries } => {
            for g in geometries {
                rfc7946(&mut g.value, scale);
            }
        }
    }
}

fn round(p: &mut Position, scale: f64) {
    for v in p.as_slice_mut() {
        *v = (*v * scale).round() / scale;
    }
}

/// Twice the signed area of a ring (positive when counter-clockwise).
fn signed_area(ring: &[Position]) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum()
}

/// The first ring counter-clockwise, the others (holes) clockwise.
fn polygon(rings: &mut [Vec<Position>], scale: f64) {
    for (i, ring) in rings.iter_mut().enumerate() {
        let a = signed_area(ring);
        if a != 0.0 && (a > 0.0) != (i == 0) {
            ring.reverse();
        }
        ring.iter_mut().for_each(|p| round(p, scale));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_geojson, read_geojson_value};
    use geo::{polygon, Geometry, LineString, Point, Polygon, Rect};
    use serde_json::{json, Map, Value};

    #[test]
    fn round_trips_through_the_reader() {
        let src = br#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"q1","properties":{"name":"A","n":3},"geometry":{"type":"Polygon","coordinates":[
            [[0,0],[0,1],[1,1],[1,0],[0,0]],
            [[0.2,0.2],[0.4,0.2],[0.4,0.4],[0.2,0.4],[0.2,0.2]]]}},
          {"type":"Feature","properties":{"name":"B"},"geometry":{"type":"Point","coordinates":[10.123456789,53.5]}},
          {"type":"Feature","properties":{},"geometry":null}]}"#;
        let d = read_geojson("in.geojson", src).unwrap();
        let out = write_geojson(&d, 7);
        let back = read_geojson("out.geojson", out.as_bytes()).unwrap();
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
        assert_eq!(back.features.len(), 3);
        assert_eq!(back.features[0].id.as_deref(), Some("q1"));
        assert_eq!(back.features[0].properties, d.features[0].properties);
        assert_eq!(back.features[0].geometry, d.features[0].geometry);
        assert!(out.contains("10.1234568"), "{out}");
        assert!(back.features[2].geometry.is_none());
    }

    #[test]
    fn an_empty_polygon_in_a_multipolygon_writes_as_it_was_read() {
        // Found by fuzz/fuzz_targets/read_ogc_page.rs: the second polygon
        // `[]` was written as `[[]]`, which the reader rejects.
        let src = b"{\n    \"type\": \"MultiPolygon\",\n    \"coordinates\": [\n        [\n            [\n                [180.0, 40.0], [180.0, 50.0], [170.0, 50.0],\n                [170.0, 40.0], [180.0, 40.0]\n            ]\n        ],\n        [\n     \n        ]\n    ]\n}\n";
        let d = read_geojson("in.geojson", src).unwrap();
        let out = write_geojson(&d, 7);
        let back = read_geojson("out.geojson", out.as_bytes());
        assert!(back.is_ok(), "{out}: {back:?}");
        assert_eq!(back.unwrap().features[0].geometry, d.features[0].geometry);
    }

    #[test]
    fn an_empty_dataset_writes_a_collection_the_reader_accepts() {
        let out = write_geojson(&Dataset::default(), 7);
        assert_eq!(out, r#"{"type":"FeatureCollection","features":[]}"#);
        let back = read_geojson("out.geojson", out.as_bytes()).unwrap();
        assert!(back.features.is_empty() && back.warnings.is_empty());
    }

    fn dataset(geometry: Geometry<f64>) -> Dataset {
        Dataset {
            features: vec![Feature {
                id: Some("7".into()),
                geometry: Some(geometry),
                properties: Map::new(),
                solid: None,
            }],
            warnings: Vec::new(),
        }
    }

    fn written(geometry: Geometry<f64>) -> Value {
        serde_json::from_str(&write_geojson(&dataset(geometry), 7)).unwrap()
    }

    #[test]
    fn rings_are_written_in_rfc_7946_order_whatever_order_they_came_in() {
        // A clockwise exterior with a counter-clockwise hole, as a reader of
        // another format (Overpass) may assemble them.
        let p = Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (0.0, 4.0),
                (4.0, 4.0),
                (4.0, 0.0),
                (0.0, 0.0),
            ]),
            vec![LineString::from(vec![
                (1.0, 1.0),
                (2.0, 1.0),
                (2.0, 2.0),
                (1.0, 2.0),
                (1.0, 1.0),
            ])],
        );
        let v = written(Geometry::Polygon(p));
        let g = &v["features"][0]["geometry"];
        assert_eq!(g["type"], "Polygon");
        assert_eq!(
            g["coordinates"][0],
            json!([[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]])
        );
        assert_eq!(
            g["coordinates"][1],
            json!([[1.0, 1.0], [1.0, 2.0], [2.0, 2.0], [2.0, 1.0], [1.0, 1.0]])
        );
        // The strict reader finds nothing to repair.
        let text = v.to_string();
        let back = read_geojson("out.geojson", text.as_bytes()).unwrap();
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    }

    #[test]
    fn a_rect_is_written_as_a_closed_counter_clockwise_polygon() {
        let v = written(Geometry::Rect(Rect::new((10.0, 53.0), (10.5, 53.5))));
        let g = &v["features"][0]["geometry"];
        assert_eq!(g["type"], "Polygon");
        let ring = g["coordinates"][0].as_array().unwrap();
        assert_eq!(ring.len(), 5);
        assert_eq!(ring[0], ring[4]);
        let back = read_geojson("out.geojson", v.to_string().as_bytes()).unwrap();
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
        assert_eq!(v["features"][0]["id"], "7");
    }

    #[test]
    fn a_feature_converts_to_a_geojson_feature_unchanged() {
        let mut props = Map::new();
        props.insert("name".into(), json!("Rathaus"));
        let f = Feature {
            id: Some("42".into()),
            geometry: Some(Geometry::Point(Point::new(9.99214, 53.55048))),
            properties: props.clone(),
            solid: None,
        };
        let g = geojson::Feature::from(&f);
        assert_eq!(g.id, Some(geojson::feature::Id::String("42".into())));
        assert_eq!(g.properties, Some(props));
        assert_eq!(
            g.geometry,
            Some(geojson::Geometry::new_point([9.99214, 53.55048]))
        );
        // And back through the strict reader.
        let back = read_geojson_value("value", &geojson::GeoJson::Feature(g)).unwrap();
        assert_eq!(back.features, vec![f]);
    }

    #[test]
    fn a_dataset_converts_to_a_feature_collection_and_back() {
        let d = dataset(Geometry::Polygon(polygon![
            (x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)
        ]));
        let fc = geojson::FeatureCollection::from(&d);
        assert_eq!(fc.features.len(), 1);
        let back = read_geojson_value("value", &geojson::GeoJson::FeatureCollection(fc)).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn decimals_round_to_the_nearest_and_stop_at_15() {
        let v = written(Geometry::Point(Point::new(10.123456789, -53.00000006)));
        assert_eq!(
            v["features"][0]["geometry"]["coordinates"],
            json!([10.1234568, -53.0000001])
        );
        let d = dataset(Geometry::Point(Point::new(0.1 + 0.2, 1.0)));
        let out = write_geojson(&d, 99);
        assert!(out.contains("[0.3,1.0]"), "{out}");
    }
}
