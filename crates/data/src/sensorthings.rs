//! OGC SensorThings API: Things with their Locations and the latest
//! Observation of each Datastream, as point features with values.
//!
//! The player asks for one page of
//! `Things?$filter=…&$expand=Locations,Datastreams($expand=Observations($orderby=phenomenonTime desc;$top=1))`
//! (the `$filter` only when the story chooses Things) and follows `@iot.nextLink`. Each Thing becomes one feature at its first
//! Location; each Datastream adds `<name>` (the latest result),
//! `<name> unit` and `<name> time`, and the first Datastream's values are
//! also `value`, `unit` and `time`, so a story can style by `value`.

use crate::{read_geojson, DataError, DataWarning, Dataset, Feature, Position};
use geo::Geometry;
use serde_json::{Map, Value};
use twinstory_model::url::encode_component;

/// One page of Things: the features and the next page's address.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorThingsPage {
    /// One point feature per Thing with a location.
    pub dataset: Dataset,
    /// `@iot.nextLink`, when the server has more.
    pub next: Option<String>,
}

/// The query (path and parameters) below the service root that
/// [`read_sensorthings`] understands; `things` is an OData `$filter` on the
/// Things (e.g. `startswith(name,'StadtRad-Station')`), `datastreams` one on
/// the Datastreams expanded in each Thing (e.g. `name eq 'PM10'`), `top`
/// the page size.
pub fn sensorthings_query(things: Option<&str>, datastreams: Option<&str>, top: u32) -> String {
    let things = things
        .map(|f| format!("&$filter={}", encode_component(f)))
        .unwrap_or_default();
    let streams = datastreams
        .map(|f| format!("$filter={};", encode_component(f)))
        .unwrap_or_default();
    format!(
        "Things?$top={top}{things}&$expand=Locations($select=location),Datastreams({streams}$expand=Observations($orderby=phenomenonTime%20desc;$top=1))"
    )
}

/// A GeoJSON geometry object through the GeoJSON reader (same checks).
fn geometry_from_value(g: &Value) -> Option<Geometry<f64>> {
    let fc = serde_json::json!({
        "type": "FeatureCollection",
        "features": [{ "type": "Feature", "properties": {}, "geometry": g }]
    });
    let d = read_geojson("location", fc.to_string().as_bytes()).ok()?;
    d.features.into_iter().next()?.geometry
}

/// Reads one page of a SensorThings `Things` response.
pub fn read_sensorthings(file: &str, bytes: &[u8]) -> Result<SensorThingsPage, DataError> {
    let root = twinstory_model::json_syntax::parse(bytes).map_err(|e| {
        DataError::new(
            file,
            Some(Position::LineColumn {
                line: e.line,
                column: e.column,
            }),
            format!("the SensorThings answer is not JSON: {e}"),
            Some("check that the address is a SensorThings service root (…/v1.1)".into()),
        )
    })?;
    let Some(things) = root.get("value").and_then(Value::as_array) else {
        return Err(DataError::new(
            file,
            None,
            "the SensorThings answer has no `value` list of Things",
            Some("the address must be the service root, e.g. https://iot.example.org/v1.1".into()),
        ));
    };
    let mut dataset = Dataset::default();
    for (i, thing) in things.iter().enumerate() {
        let name = thing.get("name").and_then(Value::as_str).unwrap_or("");
        let location = thing
            .get("Locations")
            .and_then(Value::as_array)
            .and_then(|l| l.first())
            .and_then(|l| l.get("location"));
        // `location` is a GeoJSON geometry or a Feature holding one.
        let geometry = location
            .map(|l| l.get("geometry").unwrap_or(l))
            .and_then(geometry_from_value);
        let Some(geometry) = geometry else {
            dataset.warnings.push(DataWarning::new(
                Some(Position::JsonPath(format!("value[{i}]"))),
                format!("the Thing `{name}` has no usable location and is not shown"),
                None,
            ));
            continue;
        };
        let mut props = Map::new();
        props.insert("name".into(), Value::from(name));
        if let Some(d) = thing.get("description").and_then(Value::as_str) {
            props.insert("description".into(), Value::from(d));
        }
        let streams = thing
            .get("Datastreams")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (k, ds) in streams.iter().enumerate() {
            let ds_name = ds
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("value")
                .to_string();
            let unit = ds
                .get("unitOfMeasurement")
                .and_then(|u| u.get("symbol"))
                .cloned()
                .unwrap_or(Value::Null);
            let latest = ds
                .get("Observations")
                .and_then(Value::as_array)
                .and_then(|o| o.first());
            let result = latest
                .and_then(|o| o.get("result"))
                .cloned()
                .unwrap_or(Value::Null);
            let time = latest
                .and_then(|o| o.get("phenomenonTime"))
                .cloned()
                .unwrap_or(Value::Null);
            if k == 0 {
                props.insert("value".into(), result.clone());
                props.insert("unit".into(), unit.clone());
                props.insert("time".into(), time.clone());
            }
            props.insert(format!("{ds_name} unit"), unit);
            props.insert(format!("{ds_name} time"), time);
            props.insert(ds_name, result);
        }
        dataset.features.push(Feature {
            id: thing.get("@iot.id").map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
            geometry: Some(geometry),
            properties: props,
            solid: None,
        });
    }
    let next = root
        .get("@iot.nextLink")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(SensorThingsPage { dataset, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn things_become_points_with_their_latest_values() {
        let page = r#"{"@iot.nextLink":"http://x/v1.1/Things?$skip=2","value":[
          {"@iot.id":1,"name":"Luftmessnetz Sternschanze","Locations":[{"location":{"type":"Point","coordinates":[9.9683,53.5642]}}],
           "Datastreams":[{"name":"PM10","unitOfMeasurement":{"symbol":"µg/m³"},
             "Observations":[{"phenomenonTime":"2026-11-28T23:00:00Z","result":17.5}]},
            {"name":"NO2","unitOfMeasurement":{"symbol":"µg/m³"},"Observations":[]}]},
          {"@iot.id":"b","name":"Feature location","Locations":[{"location":{"type":"Feature","geometry":{"type":"Point","coordinates":[10,53.5]}}}],"Datastreams":[]},
          {"@iot.id":3,"name":"Nowhere","Locations":[]}]}"#;
        let p = read_sensorthings("things.json", page.as_bytes()).unwrap();
        assert_eq!(p.next.as_deref(), Some("http://x/v1.1/Things?$skip=2"));
        assert_eq!(p.dataset.features.len(), 2);
        let f = &p.dataset.features[0];
        assert_eq!(f.id.as_deref(), Some("1"));
        assert_eq!(f.properties["value"], 17.5);
        assert_eq!(f.properties["PM10"], 17.5);
        assert_eq!(f.properties["unit"], "µg/m³");
        assert_eq!(f.properties["NO2"], Value::Null);
        assert_eq!(p.dataset.features[1].id.as_deref(), Some("b"));
        assert_eq!(p.dataset.warnings.len(), 1);
        assert!(read_sensorthings("x", b"{\"value\": 3}").is_err());
        assert!(read_sensorthings("x", b"<html>").is_err());
    }

    #[test]
    fn the_query_expands_locations_and_the_latest_observation() {
        let q = sensorthings_query(None, Some("name eq 'PM10'"), 100);
        assert_eq!(
            q,
            "Things?$top=100&$expand=Locations($select=location),Datastreams($filter=name%20eq%20'PM10';$expand=Observations($orderby=phenomenonTime%20desc;$top=1))"
        );
        // The Things' filter goes on the Things, the Datastreams' inside their expansion.
        let q = sensorthings_query(
            Some("startswith(name,'StadtRad-Station') and id gt 5"),
            Some("name eq 'Anzahl'"),
            200,
        );
        assert_eq!(
            q,
            "Things?$top=200&$filter=startswith(name%2C'StadtRad-Station')%20and%20id%20gt%205&$expand=Locations($select=location),Datastreams($filter=name%20eq%20'Anzahl';$expand=Observations($orderby=phenomenonTime%20desc;$top=1))"
        );
    }
}
