//! Settings against the data: what the files hold says more than the
//! reader's error (an Overpass export declared GeoJSON), or shows a mistake
//! the reader cannot see (swapped CSV coordinates, a fit box decided by one
//! far-away feature).

use serde_json::Value;

/// True for Overpass API JSON: an object with an `elements` list and the
/// Overpass marks (`osm3s`, a `generator` naming Overpass) or no GeoJSON `type`.
pub(crate) fn is_overpass_export(bytes: &[u8]) -> bool {
    let Ok(Value::Object(top)) = serde_json::from_slice::<Value>(bytes) else {
        return false;
    };
    let elements = matches!(top.get("elements"), Some(Value::Array(_)));
    let marked = top.contains_key("osm3s")
        || top
            .get("generator")
            .and_then(Value::as_str)
            .is_some_and(|g| g.contains("Overpass"));
    elements && (marked || !top.contains_key("type"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overpass_exports_are_told_from_geojson() {
        assert!(is_overpass_export(
            br#"{"version":0.6,"osm3s":{},"elements":[]}"#
        ));
        assert!(is_overpass_export(br#"{"elements":[{"type":"node"}]}"#));
        assert!(!is_overpass_export(
            br#"{"type":"FeatureCollection","features":[]}"#
        ));
        assert!(!is_overpass_export(b"not json"));
    }
}
