//! The readers on the real Hamburg files the example stories use.

use geo::{Geometry, Point};
use serde_json::Value;
use twinstory_data::{read_csv_points, read_geojson, CsvOptions};

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn quarters_load_as_181_multipolygons_with_their_properties() {
    let d = read_geojson("quarters.geojson", &data("quarters.geojson")).unwrap();
    assert_eq!(d.features.len(), 181);
    assert!(d
        .features
        .iter()
        .all(|f| matches!(f.geometry, Some(Geometry::MultiPolygon(_)))));
    let altstadt = &d.features[0];
    assert_eq!(altstadt.id.as_deref(), Some("APP_ORTSTEILE_35658"));
    assert_eq!(altstadt.properties["name"], Value::from("Hamburg-Altstadt"));
    // The quarter id must stay text: its leading zero is part of the key.
    assert_eq!(altstadt.properties["id"], Value::from("01101101"));
    let names: std::collections::BTreeSet<_> = d
        .features
        .iter()
        .filter_map(|f| f.properties["name"].as_str())
        .collect();
    assert_eq!(names.len(), 104);
}

#[test]
fn playgrounds_load_as_722_points_in_hamburg() {
    let d = read_csv_points(
        "playgrounds.csv",
        &data("playgrounds.csv"),
        &CsvOptions::default(),
    )
    .unwrap();
    assert_eq!(d.features.len(), 722);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    let first = &d.features[0];
    assert_eq!(
        first.geometry,
        Some(Geometry::Point(Point::new(9.9992007, 53.6009574)))
    );
    assert_eq!(first.id.as_deref(), Some("33412746"));
    assert_eq!(
        first.properties["geojson_feature_id"],
        Value::from("04405408")
    );
    assert_eq!(first.properties["name"], Value::Null);
    for f in &d.features {
        let Some(Geometry::Point(p)) = f.geometry else {
            panic!("not a point")
        };
        assert!(
            (9.7..10.4).contains(&p.x()) && (53.3..53.8).contains(&p.y()),
            "{p:?} is not in Hamburg"
        );
    }
}

#[test]
fn parks_from_overpass_are_polygons_with_their_names() {
    let d =
        twinstory_data::read_overpass("parks-overpass.json", &data("parks-overpass.json")).unwrap();
    // 1244 ways and 226 multipolygon relations; untagged member ways are parts, not parks.
    assert!(d.features.len() > 1000, "{} features", d.features.len());
    let polygons = d
        .features
        .iter()
        .filter(|f| {
            matches!(
                f.geometry,
                Some(Geometry::Polygon(_)) | Some(Geometry::MultiPolygon(_))
            )
        })
        .count();
    assert!(
        polygons * 10 >= d.features.len() * 9,
        "{polygons} of {} are areas",
        d.features.len()
    );
    let relation = d
        .features
        .iter()
        .find(|f| f.id.as_deref() == Some("relation/14405"))
        .expect("relation/14405");
    let Some(Geometry::Polygon(p)) = &relation.geometry else {
        panic!("{:?}", relation.geometry)
    };
    assert!(!p.interiors().is_empty(), "the park's inner ring is a hole");
    assert!(d
        .features
        .iter()
        .any(|f| f.properties.get("name").and_then(Value::as_str) == Some("Hamburger Stadtpark")));
}
