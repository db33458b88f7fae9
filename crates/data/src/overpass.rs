//! Reading Overpass API JSON (`out geom`, `out center` or plain `out` with
//! the nodes included) into features.
//!
//! Tagged nodes become points, ways become lines or (closed and area-like)
//! polygons, and multipolygon relations are assembled from their member ways
//! into polygons with holes. Untagged nodes and ways that only serve as parts
//! of other elements are not features of their own, as in osmtogeojson.
//! Unlike osmtogeojson, nothing is dropped silently: a server `remark` and
//! elements without geometry are reported.

use crate::json_text::parse_json;
use crate::{DataError, DataWarning, Dataset, Feature, Position};
use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPolygon, Point, Polygon,
};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// Reads an Overpass API JSON answer.
pub fn read_overpass(file: &str, bytes: &[u8]) -> Result<Dataset, DataError> {
    let root = parse_json(file, bytes)?;
    let Some(obj) = root.as_object() else {
        return Err(DataError::new(
            file,
            Some(Position::JsonPath("the top-level object".into())),
            "this is not an Overpass answer: the file is not a JSON object",
            Some("save the answer of the query with `[out:json]`".into()),
        ));
    };
    let mut warnings = Vec::new();
    if let Some(remark) = obj.get("remark").and_then(Value::as_str) {
        if remark.contains("runtime error") {
            return Err(DataError::new(
                file,
                Some(Position::JsonPath("remark".into())),
                format!("the Overpass server reported an error, so the answer is incomplete: \"{remark}\""),
                Some("run the query again with a larger `[timeout:…]`, a smaller area or fewer tags".into()),
            ));
        }
        warnings.push(DataWarning::new(
            Some(Position::JsonPath("remark".into())),
            format!("the Overpass server added a remark: \"{remark}\""),
            Some("check that the answer is complete".into()),
        ));
    }
    let elements = match obj.get("elements") {
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(DataError::new(
                file,
                Some(Position::JsonPath("elements".into())),
                format!("\"elements\" is {}, not an array", kind(other)),
                Some("this does not look like an Overpass answer".into()),
            ))
        }
        None => {
            let hint = if obj.contains_key("features") {
                "this looks like GeoJSON; load it as GeoJSON instead"
            } else {
                "an Overpass answer has \"elements\"; save the query result with `[out:json]`"
            };
            return Err(DataError::new(
                file,
                Some(Position::JsonPath("the top-level object".into())),
                "there is no \"elements\" member",
                Some(hint.into()),
            ));
        }
    };
    let mut reader = Elements::index(elements);
    let mut features = Vec::new();
    for (i, e) in elements.iter().enumerate() {
        if let Some(f) = reader.feature(e, i) {
            features.push(f);
        }
    }
    warnings.append(&mut reader.warnings);
    if !reader.without_geometry.is_empty() {
        let shown: Vec<&str> = reader
            .without_geometry
            .iter()
            .take(5)
            .map(String::as_str)
            .collect();
        warnings.push(DataWarning::new(
            None,
            format!(
                "{} element(s) have no geometry and were left out: {}{}",
                reader.without_geometry.len(),
                shown.join(", "),
                if reader.without_geometry.len() > 5 { ", …" } else { "" }
            ),
            Some("end the Overpass query with `out geom;` so that every element carries its coordinates".into()),
        ));
    }
    Ok(Dataset { features, warnings })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What is known about all elements before features are made.
struct Elements {
    nodes: HashMap<i64, Coord<f64>>,
    ways: HashMap<i64, Vec<Coord<f64>>>,
    /// Nodes used as way vertices or relation members.
    used_nodes: HashSet<i64>,
    /// Ways used as relation members.
    used_ways: HashSet<i64>,
    /// Tags of outer ways that old-style multipolygons take over, by way id.
    absorbed: HashMap<i64, Map<String, Value>>,
    without_geometry: Vec<String>,
    warnings: Vec<DataWarning>,
}

fn coord_of(v: &Value) -> Option<Coord<f64>> {
    let lat = v.get("lat")?.as_f64()?;
    let lon = v.get("lon")?.as_f64()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        .then_some(Coord { x: lon, y: lat })
}

fn id_of(v: &Value) -> Option<i64> {
    v.get("id").and_then(Value::as_i64)
}

fn tags_of(v: &Value) -> Option<&Map<String, Value>> {
    v.get("tags")
        .and_then(Value::as_object)
        .filter(|t| !t.is_empty())
}

impl Elements {
    fn index(elements: &[Value]) -> Self {
        let mut nodes = HashMap::new();
        let mut used_nodes = HashSet::new();
        let mut used_ways = HashSet::new();
        for e in elements {
            if e.get("type").and_then(Value::as_str) == Some("node") {
                if let (Some(id), Some(c)) = (id_of(e), coord_of(e)) {
                    nodes.insert(id, c);
                }
            }
            if let Some(refs) = e.get("nodes").and_then(Value::as_array) {
                used_nodes.extend(refs.iter().filter_map(Value::as_i64));
            }
            if let Some(members) = e.get("members").and_then(Value::as_array) {
                for m in members {
                    let r = m.get("ref").and_then(Value::as_i64);
                    match (m.get("type").and_then(Value::as_str), r) {
                        (Some("way"), Some(r)) => {
                            used_ways.insert(r);
                        }
                        (Some("node"), Some(r)) => {
                            used_nodes.insert(r);
                        }
                        _ => {}
                    }
                }
            }
        }
        let mut this = Elements {
            nodes,
            ways: HashMap::new(),
            used_nodes,
            used_ways,
            absorbed: HashMap::new(),
            without_geometry: Vec::new(),
            warnings: Vec::new(),
        };
        let mut way_tags = HashMap::new();
        for e in elements {
            if e.get("type").and_then(Value::as_str) == Some("way") {
                if let Some(id) = id_of(e) {
                    let coords = this.way_coords(e);
                    if coords.len() >= 2 {
                        this.ways.insert(id, coords);
                    }
                    if let Some(t) = tags_of(e) {
                        way_tags.insert(id, t.clone());
                    }
                }
            }
        }
        // An old-style multipolygon keeps its tags on its single outer way;
        // the relation then stands for that way, which is not drawn twice.
        for e in elements {
            let Some(tags) = tags_of(e) else { continue };
            let only_type =
                tags.len() == 1 && tags.get("type").and_then(Value::as_str) == Some("multipolygon");
            if e.get("type").and_then(Value::as_str) != Some("relation") || !only_type {
                continue;
            }
            let outers: Vec<i64> = e
                .get("members")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|m| m.get("role").and_then(Value::as_str) == Some("outer"))
                .filter_map(|m| m.get("ref").and_then(Value::as_i64))
                .collect();
            if let [outer] = outers[..] {
                if let Some(t) = way_tags.get(&outer) {
                    this.absorbed.insert(outer, t.clone());
                }
            }
        }
        this
    }

    /// A way's coordinates from `geometry` (out geom) or its node references.
    fn way_coords(&self, e: &Value) -> Vec<Coord<f64>> {
        if let Some(g) = e.get("geometry").and_then(Value::as_array) {
            // Positions outside a clipped query come as null; they are skipped.
            return g.iter().filter_map(coord_of).collect();
        }
        // A way whose nodes are not all in the answer (cut off at the edge of
        // the query area) is left out rather than drawn with shortcuts.
        match e.get("nodes").and_then(Value::as_array) {
            Some(refs) => refs
                .iter()
                .map(|r| r.as_i64().and_then(|id| self.nodes.get(&id).copied()))
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }

    fn feature(&mut self, e: &Value, index: usize) -> Option<Feature> {
        let t = e.get("type").and_then(Value::as_str).unwrap_or("");
        let id = id_of(e);
        let name = format!(
            "{t}/{}",
            id.map_or_else(|| format!("#{index}"), |i| i.to_string())
        );
        let tags = tags_of(e);
        let geometry = match t {
            "node" => {
                let untagged_part =
                    tags.is_none() && id.is_some_and(|i| self.used_nodes.contains(&i));
                if untagged_part {
                    return None;
                }
                coord_of(e).map(|c| Geometry::Point(Point(c)))
            }
            "way" => {
                let part = tags.is_none() && id.is_some_and(|i| self.used_ways.contains(&i));
                if part || id.is_some_and(|i| self.absorbed.contains_key(&i)) {
                    return None;
                }
                let coords = self.way_coords(e);
                if coords.len() >= 2 {
                    let closed = coords.len() >= 4 && coords.first() == coords.last();
                    Some(if closed && is_area(tags) {
                        Geometry::Polygon(oriented(LineString(coords), Vec::new()))
                    } else {
                        Geometry::LineString(LineString(coords))
                    })
                } else {
                    None
                }
            }
            "relation" => self.relation(e, tags, &name),
            _ => None,
        };
        let geometry = geometry.or_else(|| {
            e.get("center")
                .and_then(coord_of)
                .map(|c| Geometry::Point(Point(c)))
        });
        let Some(geometry) = geometry else {
            self.without_geometry.push(name);
            return None;
        };
        let mut properties = tags.cloned().unwrap_or_default();
        if t == "relation" {
            let outer = e
                .get("members")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|m| m.get("ref").and_then(Value::as_i64))
                .find_map(|r| self.absorbed.get(&r));
            if let Some(way_tags) = outer {
                for (k, v) in way_tags {
                    properties.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        Some(Feature {
            id: Some(name),
            geometry: Some(geometry),
            properties,
            solid: None,
        })
    }

    fn relation(
        &mut self,
        e: &Value,
        tags: Option<&Map<String, Value>>,
        name: &str,
    ) -> Option<Geometry<f64>> {
        let members = e.get("members").and_then(Value::as_array)?;
        let rel_type = tags
            .and_then(|t| t.get("type"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut outer = Vec::new();
        let mut inner = Vec::new();
        let mut parts: Vec<Geometry<f64>> = Vec::new();
        for m in members {
            let mtype = m.get("type").and_then(Value::as_str).unwrap_or("");
            let r = m.get("ref").and_then(Value::as_i64);
            match mtype {
                "way" => {
                    let coords = match m.get("geometry").and_then(Value::as_array) {
                        Some(g) => g.iter().filter_map(coord_of).collect(),
                        None => r
                            .and_then(|r| self.ways.get(&r).cloned())
                            .unwrap_or_default(),
                    };
                    if coords.len() < 2 {
                        continue;
                    }
                    if m.get("role").and_then(Value::as_str) == Some("inner") {
                        inner.push(coords);
                    } else {
                        outer.push(coords.clone());
                        parts.push(Geometry::LineString(LineString(coords)));
                    }
                }
                "node" => {
                    let c = coord_of(m).or_else(|| r.and_then(|r| self.nodes.get(&r).copied()));
                    if let Some(c) = c {
                        parts.push(Geometry::Point(Point(c)));
                    }
                }
                _ => {}
            }
        }
        if rel_type == "multipolygon" || rel_type == "boundary" {
            if outer.is_empty() {
                return None;
            }
            let (outer_rings, open_outer) = close_rings(outer);
            let (inner_rings, open_inner) = close_rings(inner);
            if open_outer + open_inner > 0 {
                self.warnings.push(DataWarning::new(
                    None,
                    format!(
                        "multipolygon {name}: {} member way chain(s) do not form closed rings and were left out",
                        open_outer + open_inner
                    ),
                    Some("the relation is broken in OpenStreetMap or the query did not return all member ways".into()),
                ));
            }
            return assemble(outer_rings, inner_rings);
        }
        // Other relations (routes, sites …): their members' lines and points.
        let lines: Vec<LineString<f64>> = parts
            .iter()
            .filter_map(|g| match g {
                Geometry::LineString(l) => Some(l.clone()),
                _ => None,
            })
            .collect();
        match (lines.len(), parts.len()) {
            (_, 0) => None,
            (n, m) if n == m => Some(Geometry::MultiLineString(MultiLineString(lines))),
            _ => Some(Geometry::GeometryCollection(GeometryCollection(parts))),
        }
    }
}

/// Joins way chains end to end into closed rings; returns the rings and the
/// number of chains that could not be closed.
fn close_rings(mut chains: Vec<Vec<Coord<f64>>>) -> (Vec<LineString<f64>>, usize) {
    let mut rings = Vec::new();
    let mut open = 0;
    while let Some(mut ring) = chains.pop() {
        loop {
            if ring.len() >= 4 && ring.first() == ring.last() {
                rings.push(LineString(ring));
                break;
            }
            let Some(&end) = ring.last() else { break };
            let next = chains
                .iter()
                .position(|c| c.first() == Some(&end) || c.last() == Some(&end));
            match next {
                Some(i) => {
                    let mut c = chains.swap_remove(i);
                    if c.first() != Some(&end) {
                        c.reverse();
                    }
                    ring.extend(c.into_iter().skip(1));
                }
                None => {
                    open += 1;
                    break;
                }
            }
        }
    }
    (rings, open)
}

/// Twice the signed area; positive when counterclockwise.
fn area2(ring: &LineString<f64>) -> f64 {
    ring.0
        .windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

/// A polygon with a counterclockwise exterior and clockwise holes (RFC 7946).
fn oriented(mut exterior: LineString<f64>, mut holes: Vec<LineString<f64>>) -> Polygon<f64> {
    if area2(&exterior) < 0.0 {
        exterior.0.reverse();
    }
    for h in &mut holes {
        if area2(h) > 0.0 {
            h.0.reverse();
        }
    }
    Polygon::new(exterior, holes)
}

/// Whether `p` lies inside `ring` (even-odd rule).
fn inside(p: Coord<f64>, ring: &LineString<f64>) -> bool {
    let mut c = false;
    for w in ring.0.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            c = !c;
        }
    }
    c
}

/// Puts every hole into the smallest outer ring that contains it.
fn assemble(outer: Vec<LineString<f64>>, inner: Vec<LineString<f64>>) -> Option<Geometry<f64>> {
    if outer.is_empty() {
        return None;
    }
    let mut holes: Vec<Vec<LineString<f64>>> = vec![Vec::new(); outer.len()];
    for h in inner {
        let Some(&p) = h.0.first() else { continue };
        let host = outer
            .iter()
            .enumerate()
            .filter(|(_, o)| inside(p, o))
            .min_by(|a, b| area2(a.1).abs().total_cmp(&area2(b.1).abs()))
            .map(|(i, _)| i);
        if let Some(i) = host {
            holes[i].push(h);
        }
    }
    let mut polygons: Vec<Polygon<f64>> = outer
        .into_iter()
        .zip(holes)
        .map(|(o, h)| oriented(o, h))
        .collect();
    if polygons.len() == 1 {
        polygons.pop().map(Geometry::Polygon)
    } else {
        Some(Geometry::MultiPolygon(MultiPolygon(polygons)))
    }
}

/// Whether a closed way with these tags is an area (after osmtogeojson's rules, simplified).
fn is_area(tags: Option<&Map<String, Value>>) -> bool {
    let Some(tags) = tags else { return false };
    let get = |k: &str| tags.get(k).and_then(Value::as_str);
    match get("area") {
        Some("no") => return false,
        Some(_) => return true,
        None => {}
    }
    const ANY_VALUE: [&str; 24] = [
        "building",
        "building:part",
        "landuse",
        "leisure",
        "amenity",
        "shop",
        "tourism",
        "historic",
        "place",
        "military",
        "office",
        "craft",
        "ruins",
        "boundary",
        "public_transport",
        "area:highway",
        "indoor",
        "golf",
        "water",
        "wetland",
        "landcover",
        "parking",
        "club",
        "emergency",
    ];
    if ANY_VALUE.iter().any(|k| get(k).is_some_and(|v| v != "no")) {
        return true;
    }
    let natural = get("natural")
        .is_some_and(|v| !matches!(v, "coastline" | "cliff" | "ridge" | "arete" | "tree_row"));
    let man_made =
        get("man_made").is_some_and(|v| !matches!(v, "cutline" | "embankment" | "pipeline"));
    let aeroway = get("aeroway").is_some_and(|v| v != "taxiway");
    let waterway =
        get("waterway").is_some_and(|v| matches!(v, "riverbank" | "dock" | "boatyard" | "dam"));
    let railway = get("railway")
        .is_some_and(|v| matches!(v, "station" | "turntable" | "roundhouse" | "platform"));
    let power = get("power")
        .is_some_and(|v| matches!(v, "plant" | "substation" | "generator" | "transformer"));
    let highway =
        get("highway").is_some_and(|v| matches!(v, "services" | "rest_area" | "platform"));
    natural || man_made || aeroway || waterway || railway || power || highway
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipolygon_rings_are_joined_from_split_ways() {
        let text = br#"{"elements":[{"type":"relation","id":1,"tags":{"type":"multipolygon","leisure":"park"},"members":[
          {"type":"way","ref":2,"role":"outer","geometry":[{"lat":0,"lon":0},{"lat":0,"lon":10}]},
          {"type":"way","ref":3,"role":"outer","geometry":[{"lat":10,"lon":0},{"lat":10,"lon":10},{"lat":0,"lon":10}]},
          {"type":"way","ref":4,"role":"outer","geometry":[{"lat":10,"lon":0},{"lat":0,"lon":0}]},
          {"type":"way","ref":5,"role":"inner","geometry":[{"lat":4,"lon":4},{"lat":6,"lon":4},{"lat":6,"lon":6},{"lat":4,"lon":4}]}]}]}"#;
        let d = read_overpass("o.json", text).unwrap();
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        let Some(Geometry::Polygon(p)) = &d.features[0].geometry else {
            panic!("{:?}", d.features)
        };
        assert_eq!(p.exterior().0.len(), 5);
        assert_eq!(p.interiors().len(), 1);
        assert!(area2(p.exterior()) > 0.0 && area2(&p.interiors()[0]) < 0.0);
        assert_eq!(d.features[0].id.as_deref(), Some("relation/1"));
    }

    #[test]
    fn runtime_error_remark_is_an_error() {
        let e = read_overpass(
            "o.json",
            br#"{"elements":[],"remark":"runtime error: Query timed out"}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("incomplete"), "{e}");
    }

    #[test]
    fn elements_without_geometry_are_reported() {
        let d = read_overpass(
            "o.json",
            br#"{"elements":[{"type":"area","id":7,"tags":{"name":"x"}}]}"#,
        )
        .unwrap();
        assert!(d.features.is_empty());
        assert!(d.warnings[0].message.contains("area/7"), "{:?}", d.warnings);
    }
}
