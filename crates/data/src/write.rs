//! Writing features back out as GeoJSON (RFC 7946), e.g. after a join.

use crate::Dataset;
use geo::{Coord, Geometry, LineString, Polygon};
use serde_json::{json, Map, Value};

/// The features as a GeoJSON FeatureCollection. Coordinates are rounded to
/// `decimals` places (7 ≈ 1 cm, the precision of the city's own data);
/// exterior rings are written counter-clockwise and holes clockwise, as
/// RFC 7946 asks.
pub fn write_geojson(data: &Dataset, decimals: u32) -> String {
    let scale = 10f64.powi(decimals.min(15) as i32);
    let features: Vec<Value> = data
        .features
        .iter()
        .map(|f| {
            let mut obj = Map::new();
            obj.insert("type".into(), json!("Feature"));
            if let Some(id) = &f.id {
                obj.insert("id".into(), json!(id));
            }
            obj.insert("properties".into(), Value::Object(f.properties.clone()));
            obj.insert(
                "geometry".into(),
                f.geometry
                    .as_ref()
                    .map_or(Value::Null, |g| geometry(g, scale)),
            );
            Value::Object(obj)
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features }).to_string()
}

fn round(v: f64, scale: f64) -> Value {
    let r = (v * scale).round() / scale;
    serde_json::Number::from_f64(r).map_or(Value::Null, Value::Number)
}

fn position(c: Coord<f64>, scale: f64) -> Value {
    Value::Array(vec![round(c.x, scale), round(c.y, scale)])
}

fn line(l: &LineString<f64>, scale: f64) -> Value {
    Value::Array(l.coords().map(|c| position(*c, scale)).collect())
}

/// Twice the signed area of a ring (positive when counter-clockwise).
fn signed_area(l: &LineString<f64>) -> f64 {
    l.lines()
        .map(|s| s.start.x * s.end.y - s.end.x * s.start.y)
        .sum()
}

fn ring(l: &LineString<f64>, ccw: bool, scale: f64) -> Value {
    let a = signed_area(l);
    if (a > 0.0) == ccw || a == 0.0 {
        line(l, scale)
    } else {
        Value::Array(l.coords().rev().map(|c| position(*c, scale)).collect())
    }
}

fn polygon(p: &Polygon<f64>, scale: f64) -> Value {
    // An empty polygon (`[]`, which the reader accepts) stays empty: a ring
    // without positions would not be a linear ring.
    if p.exterior().0.is_empty() && p.interiors().is_empty() {
        return Value::Array(Vec::new());
    }
    let mut rings = vec![ring(p.exterior(), true, scale)];
    rings.extend(p.interiors().iter().map(|h| ring(h, false, scale)));
    Value::Array(rings)
}

fn geometry(g: &Geometry<f64>, scale: f64) -> Value {
    match g {
        Geometry::Point(p) => json!({"type": "Point", "coordinates": position(p.0, scale)}),
        Geometry::MultiPoint(m) => json!({"type": "MultiPoint",
            "coordinates": m.iter().map(|p| position(p.0, scale)).collect::<Vec<_>>()}),
        Geometry::Line(l) => json!({"type": "LineString",
            "coordinates": [position(l.start, scale), position(l.end, scale)]}),
        Geometry::LineString(l) => json!({"type": "LineString", "coordinates": line(l, scale)}),
        Geometry::MultiLineString(m) => json!({"type": "MultiLineString",
            "coordinates": m.iter().map(|l| line(l, scale)).collect::<Vec<_>>()}),
        Geometry::Polygon(p) => json!({"type": "Polygon", "coordinates": polygon(p, scale)}),
        Geometry::MultiPolygon(m) => json!({"type": "MultiPolygon",
            "coordinates": m.iter().map(|p| polygon(p, scale)).collect::<Vec<_>>()}),
        Geometry::Rect(r) => {
            json!({"type": "Polygon", "coordinates": polygon(&r.to_polygon(), scale)})
        }
        Geometry::Triangle(t) => {
            json!({"type": "Polygon", "coordinates": polygon(&t.to_polygon(), scale)})
        }
        Geometry::GeometryCollection(c) => json!({"type": "GeometryCollection",
            "geometries": c.iter().map(|g| geometry(g, scale)).collect::<Vec<_>>()}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_geojson;

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
}
