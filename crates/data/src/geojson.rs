//! Reading RFC 7946 GeoJSON into features.
//!
//! The text is parsed into a `serde_json::Value` tree first and then checked
//! and converted in one walk, so every problem can be reported with its JSON
//! path (`features[3].geometry.coordinates[0]`). Reading is deliberately not
//! left to the `geojson` crate's deserialiser: of the 84 inputs of the
//! conformance corpus that RFC 7946 forbids, `geojson` 1.0 accepts 26
//! (unclosed rings, one-number positions, short lines, features without
//! `properties` or `geometry`, bad `bbox`es, members that change the
//! semantics), it has no warnings (wrong winding, out-of-range degrees, an
//! obsolete `crs`) and its messages are serde's, without a JSON path
//! (`tests/conformance/manifest.json`, peer `geojson crate 1.0.0`). The
//! crate's typed values are used on top of this reader: a `geojson::GeoJson`
//! value is checked by the same walk ([`read_geojson_value`]), and features
//! become `geojson` values in `write.rs`.

use crate::json_text::parse_json;
use crate::suggestion::closest;
use crate::{DataError, DataWarning, Dataset, Feature, Position};
use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};
use serde_json::{Map, Value};

/// The seven geometry type names of RFC 7946 3.1.
const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// All nine GeoJSON type names.
const ALL_TYPES: [&str; 9] = [
    "FeatureCollection",
    "Feature",
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// How many problems are collected before the walk stops looking for more.
const MAX_PROBLEMS: usize = 20;

/// Reads a GeoJSON FeatureCollection, Feature or bare Geometry.
///
/// Polygon rings that break the right-hand rule are reversed with a warning;
/// anything RFC 7946 forbids is an error naming the JSON path and the fix.
pub fn read_geojson(file: &str, bytes: &[u8]) -> Result<Dataset, DataError> {
    read_geojson_page(file, bytes).map(|p| p.dataset)
}

/// One page of a feature service (OGC API – Features, WFS in GeoJSON):
/// the features plus the top-level members the GeoJSON reader otherwise
/// skips, read in the same single parse.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeoJsonPage {
    /// The features, as [`read_geojson`] reads them.
    pub dataset: Dataset,
    /// The top-level `links` (OGC API), in order.
    pub links: Vec<Link>,
    /// `numberMatched` (or GeoServer's `totalFeatures`): how many features
    /// the query matches on the server, when it says.
    pub number_matched: Option<u64>,
}

/// A web link of an OGC API document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    /// The address, as the server wrote it (possibly relative).
    pub href: String,
    /// The relation (`next`, `self`, …).
    pub rel: String,
    /// The media type, when given.
    pub media_type: Option<String>,
}

impl GeoJsonPage {
    /// The `href` of the `rel: next` link; a JSON representation wins when
    /// the server offers several.
    pub fn next_link(&self) -> Option<&str> {
        let mut nexts = self.links.iter().filter(|l| l.rel == "next");
        let first = nexts.clone().next();
        nexts
            .find(|l| l.media_type.as_deref().is_some_and(|t| t.contains("json")))
            .or(first)
            .map(|l| l.href.as_str())
    }
}

/// Reads a GeoJSON document like [`read_geojson`] and hands back its
/// `links` and `numberMatched` as well.
pub fn read_geojson_page(file: &str, bytes: &[u8]) -> Result<GeoJsonPage, DataError> {
    read_tree(file, &parse_json(file, bytes)?)
}

/// Reads a value of the `geojson` crate with the checks and messages of
/// [`read_geojson`]: its JSON form is walked, so an invalid value (say an
/// unclosed ring built in code) is an error with the JSON path of the
/// problem, and rings are oriented as RFC 7946 asks, with a warning.
///
/// # Examples
///
/// ```
/// use twinstory_data::read_geojson_value;
///
/// let ring = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
/// let open = geojson::GeoJson::from(geojson::Geometry::new_polygon([ring]));
/// let e = read_geojson_value("built", &open).unwrap_err();
/// assert_eq!(e.position.unwrap().to_string(), "coordinates[0][3]");
/// assert!(e.message.contains("not closed"));
/// ```
#[cfg(feature = "geojson")]
pub fn read_geojson_value(file: &str, value: &::geojson::GeoJson) -> Result<Dataset, DataError> {
    let root = serde_json::to_value(value).map_err(|e| {
        DataError::new(
            file,
            None,
            format!("the GeoJSON value cannot be turned into JSON: {e}"),
            None,
        )
    })?;
    read_tree(file, &root).map(|p| p.dataset)
}

/// Checks and converts a parsed JSON tree (the walk behind every reader here).
fn read_tree(file: &str, root: &Value) -> Result<GeoJsonPage, DataError> {
    let mut walk = Walk::default();
    let features = walk.root(root);
    if let Some(first) = walk.problems.first() {
        let mut message = first.message.clone();
        let more = walk.problems.len() - 1;
        if more > 0 {
            let next: Vec<String> = walk.problems[1..]
                .iter()
                .take(3)
                .map(|p| format!("{}: {}", show_path(&p.path), p.message))
                .collect();
            let plus = if walk.problems.len() >= MAX_PROBLEMS {
                " or more"
            } else {
                ""
            };
            message.push_str(&format!(
                " [{more}{plus} further problem{} in this file: {}{}]",
                if more == 1 { "" } else { "s" },
                next.join("; "),
                if more > 3 { "; …" } else { "" }
            ));
        }
        return Err(DataError::new(
            file,
            Some(Position::JsonPath(show_path(&first.path))),
            message,
            first.hint.clone(),
        ));
    }
    let links = root
        .get("links")
        .and_then(Value::as_array)
        .map(|links| {
            links
                .iter()
                .filter_map(|l| {
                    Some(Link {
                        href: l.get("href")?.as_str()?.to_owned(),
                        rel: l.get("rel")?.as_str()?.to_owned(),
                        media_type: l.get("type").and_then(Value::as_str).map(str::to_owned),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let number_matched = ["numberMatched", "totalFeatures"]
        .iter()
        .find_map(|k| root.get(*k).and_then(Value::as_u64));
    Ok(GeoJsonPage {
        dataset: Dataset {
            features,
            warnings: walk.finish_warnings(),
        },
        links,
        number_matched,
    })
}

/// The path of the top-level value is empty; show it as words.
fn show_path(path: &str) -> String {
    if path.is_empty() {
        "the top-level object".to_string()
    } else {
        path.to_string()
    }
}

/// One problem found during the walk.
struct Problem {
    path: String,
    message: String,
    hint: Option<String>,
}

/// A problem inside a coordinates array; indices are collected innermost first.
struct CoordError {
    indices: Vec<usize>,
    message: String,
    hint: Option<String>,
}

impl CoordError {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CoordError {
            indices: Vec::new(),
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
    fn at(mut self, i: usize) -> Self {
        self.indices.push(i);
        self
    }
}

/// Counts of repairs and oddities that become one warning each.
#[derive(Default)]
struct Tally {
    count: usize,
    first: Option<String>,
}

/// The state of one walk over a GeoJSON tree.
#[derive(Default)]
struct Walk {
    problems: Vec<Problem>,
    warnings: Vec<DataWarning>,
    rewound_exterior: Tally,
    rewound_holes: Tally,
    extra_dimensions: Tally,
    out_of_range: Tally,
}

/// Counters used while converting one coordinates array.
#[derive(Default)]
struct CoordStats {
    rewound_exterior: Option<Vec<usize>>,
    rewound_exterior_count: usize,
    rewound_holes: Option<Vec<usize>>,
    rewound_holes_count: usize,
    extra_dimensions: Option<Vec<usize>>,
    extra_dimensions_count: usize,
    out_of_range_count: usize,
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_string()
    } else {
        format!("{path}.{member}")
    }
}

impl Walk {
    fn problem(&mut self, path: String, message: impl Into<String>, hint: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem {
                path,
                message: message.into(),
                hint: Some(hint.into()),
            });
        }
    }

    fn full(&self) -> bool {
        self.problems.len() >= MAX_PROBLEMS
    }

    fn finish_warnings(mut self) -> Vec<DataWarning> {
        let tallies = [
            (
                &self.rewound_exterior,
                "polygon exterior ring(s) ran clockwise and were reversed",
                "RFC 7946 3.1.6: exterior rings run counterclockwise; tools such as `geojson-rewind` fix the file",
            ),
            (
                &self.rewound_holes,
                "polygon hole(s) ran counterclockwise and were reversed",
                "RFC 7946 3.1.6: holes run clockwise; tools such as `geojson-rewind` fix the file",
            ),
            (
                &self.extra_dimensions,
                "position(s) have more than three numbers; the extra numbers were ignored",
                "RFC 7946 3.1.1: positions should have two or three elements",
            ),
            (
                &self.out_of_range,
                "position(s) lie outside longitude ±180° / latitude ±90° and will be misplaced on the map",
                "GeoJSON positions are [longitude, latitude] in WGS 84; check for swapped or shifted coordinates",
            ),
        ];
        let mut out = Vec::new();
        for (tally, what, hint) in tallies {
            if tally.count > 0 {
                out.push(DataWarning::new(
                    tally.first.clone().map(Position::JsonPath),
                    format!("{} {what} (the first is here)", tally.count),
                    Some(hint.to_string()),
                ));
            }
        }
        out.append(&mut self.warnings);
        out
    }

    fn root(&mut self, root: &Value) -> Vec<Feature> {
        let Some(obj) = root.as_object() else {
            self.problem(
                String::new(),
                format!("the file holds {} where a GeoJSON object was expected", describe(root)),
                "a GeoJSON file is one object such as {\"type\": \"FeatureCollection\", \"features\": [...]}",
            );
            return Vec::new();
        };
        self.check_crs(obj, "");
        let Some(kind) = self.type_of(obj, "", &ALL_TYPES) else {
            return Vec::new();
        };
        match kind {
            "FeatureCollection" => self.collection(obj),
            "Feature" => self.feature(obj, String::new()).into_iter().collect(),
            _ => {
                let geometry = self.geometry(root, String::new(), 0);
                vec![Feature {
                    id: None,
                    geometry,
                    properties: Map::new(),
                    solid: None,
                }]
            }
        }
    }

    /// Checks the `type` member against `allowed` and returns it.
    fn type_of<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        path: &str,
        allowed: &[&'static str],
    ) -> Option<&'v str> {
        let Some(t) = obj.get("type") else {
            let guess = if obj.contains_key("features") {
                " (it has \"features\", so probably \"FeatureCollection\")"
            } else if obj.contains_key("geometry") || obj.contains_key("properties") {
                " (it has \"geometry\", so probably \"Feature\")"
            } else if obj.contains_key("geometries") {
                " (it has \"geometries\", so probably \"GeometryCollection\")"
            } else {
                ""
            };
            let mut others: Vec<&str> = obj.keys().map(String::as_str).collect();
            others.truncate(6);
            let hint = match closest("type", others.iter().copied()) {
                Some(k) => format!("rename \"{k}\" to \"type\""),
                None => format!("add a \"type\" member{guess}"),
            };
            self.problem(path.to_string(), "this object has no \"type\" member", hint);
            return None;
        };
        let Some(s) = t.as_str() else {
            self.problem(
                join(path, "type"),
                format!("\"type\" is {}, not a string", describe(t)),
                format!("use one of {}", allowed.join(", ")),
            );
            return None;
        };
        if let Some(ok) = allowed.iter().find(|a| **a == s) {
            return Some(ok);
        }
        let hint = match closest(s, allowed.iter().copied()) {
            Some(c) => format!("did you mean \"{c}\"? Type names are case-sensitive"),
            None => format!("use one of {}", allowed.join(", ")),
        };
        let message = if ALL_TYPES.contains(&s) {
            format!("a \"{s}\" is not allowed here")
        } else {
            format!("\"{s}\" is not a GeoJSON type")
        };
        self.problem(join(path, "type"), message, hint);
        None
    }

    fn check_bbox(&mut self, obj: &Map<String, Value>, path: &str) {
        let Some(b) = obj.get("bbox") else { return };
        let ok = match b {
            Value::Array(a) => a.len() >= 4 && a.len() % 2 == 0 && a.iter().all(Value::is_number),
            _ => false,
        };
        if !ok {
            self.problem(
                join(path, "bbox"),
                format!(
                    "\"bbox\" must be an array of 4 (or 6) numbers, found {}",
                    match b {
                        Value::Array(a) if a.iter().all(Value::is_number) =>
                            format!("{} numbers", a.len()),
                        Value::Array(_) => "an array with non-numbers".to_string(),
                        other => describe(other).to_string(),
                    }
                ),
                "write [west, south, east, north] as plain numbers, or remove \"bbox\"",
            );
        }
    }

    fn check_crs(&mut self, obj: &Map<String, Value>, path: &str) {
        let Some(crs) = obj.get("crs") else { return };
        if crs.is_null() {
            return;
        }
        let name = crs
            .pointer("/properties/name")
            .and_then(Value::as_str)
            .or_else(|| crs.pointer("/properties/href").and_then(Value::as_str))
            .unwrap_or("");
        let wgs84 = ["CRS84", "crs84", "EPSG::4326", "EPSG:4326", "4326"];
        if wgs84.iter().any(|w| name.ends_with(w)) {
            self.warnings.push(DataWarning::new(
                Some(Position::JsonPath(join(path, "crs"))),
                format!("the \"crs\" member ({name}) is obsolete; the file is read as WGS 84 longitude/latitude"),
                Some("RFC 7946 removed \"crs\"; delete the member".into()),
            ));
        } else {
            let shown = if name.is_empty() {
                "an unknown coordinate system".to_string()
            } else {
                name.to_string()
            };
            self.problem(
                join(path, "crs"),
                format!("the file declares {shown}; GeoJSON must be WGS 84 longitude/latitude"),
                "reproject it, e.g. `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`",
            );
        }
    }

    fn forbid(&mut self, obj: &Map<String, Value>, path: &str, what: &str, members: &[&str]) {
        for m in members {
            if obj.contains_key(*m) {
                self.problem(
                    join(path, m),
                    format!("a {what} must not have a \"{m}\" member (RFC 7946 7.1)"),
                    format!("remove or rename \"{m}\"; a {what} cannot carry it"),
                );
            }
        }
    }

    fn collection(&mut self, obj: &Map<String, Value>) -> Vec<Feature> {
        self.check_bbox(obj, "");
        self.forbid(
            obj,
            "",
            "FeatureCollection",
            &["properties", "geometry", "coordinates", "geometries"],
        );
        let features = match obj.get("features") {
            None => {
                self.problem(
                    String::new(),
                    "a FeatureCollection needs a \"features\" member",
                    "add \"features\": [] with the features in it",
                );
                return Vec::new();
            }
            Some(Value::Array(a)) => a,
            Some(other) => {
                self.problem(
                    "features".to_string(),
                    format!("\"features\" is {}, not an array", describe(other)),
                    "write \"features\": [ {\"type\": \"Feature\", ...}, ... ]",
                );
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(features.len());
        for (i, f) in features.iter().enumerate() {
            if self.full() {
                break;
            }
            let path = format!("features[{i}]");
            match f.as_object() {
                Some(fo) => {
                    if let Some(feature) = self.feature(fo, path) {
                        out.push(feature);
                    }
                }
                None => self.problem(
                    path,
                    format!("a feature is {}, not an object", describe(f)),
                    "each element of \"features\" must be a {\"type\": \"Feature\", ...} object",
                ),
            }
        }
        out
    }

    fn feature(&mut self, obj: &Map<String, Value>, path: String) -> Option<Feature> {
        let kind = self.type_of(obj, &path, &["Feature"]);
        self.check_bbox(obj, &path);
        self.forbid(
            obj,
            &path,
            "Feature",
            &["features", "coordinates", "geometries"],
        );
        let id = match obj.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => {
                self.problem(
                    join(&path, "id"),
                    format!(
                        "a feature \"id\" must be a string or a number, found {}",
                        describe(other)
                    ),
                    "use a string or number, or remove \"id\"",
                );
                None
            }
        };
        let properties = match obj.get("properties") {
            None => {
                self.problem(
                    path.clone(),
                    "this Feature has no \"properties\" member",
                    "add \"properties\": {} (or null); RFC 7946 3.2 requires it",
                );
                Map::new()
            }
            Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(other) => {
                self.problem(
                    join(&path, "properties"),
                    format!("\"properties\" is {}, not an object", describe(other)),
                    "write \"properties\": { \"name\": value, ... } or null",
                );
                Map::new()
            }
        };
        let geometry = match obj.get("geometry") {
            None => {
                self.problem(
                    path.clone(),
                    "this Feature has no \"geometry\" member",
                    "add \"geometry\": null for a feature without a location; RFC 7946 3.2 requires the member",
                );
                None
            }
            Some(Value::Null) => None,
            Some(g) => self.geometry(g, join(&path, "geometry"), 0),
        };
        kind.map(|_| Feature {
            id,
            geometry,
            properties,
            solid: None,
        })
    }

    fn geometry(&mut self, v: &Value, path: String, depth: usize) -> Option<Geometry<f64>> {
        let Some(obj) = v.as_object() else {
            self.problem(
                path,
                format!("a geometry is {}, not an object", describe(v)),
                "write a geometry object such as {\"type\": \"Point\", \"coordinates\": [10.0, 53.5]}",
            );
            return None;
        };
        if obj.get("type").and_then(Value::as_str) == Some("Feature") {
            self.problem(
                join(&path, "type"),
                "a Feature cannot stand where a geometry is expected",
                "use the Feature's \"geometry\" object here instead of the whole Feature",
            );
            return None;
        }
        let kind = self.type_of(obj, &path, &GEOMETRY_TYPES)?;
        self.check_bbox(obj, &path);
        self.forbid(
            obj,
            &path,
            "geometry",
            &["features", "geometry", "properties"],
        );
        if kind == "GeometryCollection" {
            return self.geometry_collection(obj, path, depth);
        }
        let Some(coords) = obj.get("coordinates") else {
            let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
            let hint = match closest("coordinates", keys.iter().copied()) {
                Some(k) if k != "coordinates" => format!("rename \"{k}\" to \"coordinates\""),
                _ => "add \"coordinates\" with the positions as [longitude, latitude] arrays"
                    .to_string(),
            };
            self.problem(
                path,
                format!("this {kind} has no \"coordinates\" member"),
                hint,
            );
            return None;
        };
        // RFC 7946 3.1: an empty coordinates array may be read as a null geometry.
        if coords.as_array().is_some_and(Vec::is_empty) {
            return None;
        }
        let mut stats = CoordStats::default();
        let result = match kind {
            "Point" => position(coords, &mut stats).map(|c| Geometry::Point(Point(c))),
            "MultiPoint" => positions(coords, &mut stats)
                .map(|c| Geometry::MultiPoint(MultiPoint(c.into_iter().map(Point).collect()))),
            "LineString" => line(coords, &mut stats).map(Geometry::LineString),
            "MultiLineString" => list(
                coords,
                "lines",
                |v, i, s| line(v, s).map_err(|e| e.at(i)),
                &mut stats,
            )
            .map(|l| Geometry::MultiLineString(MultiLineString(l))),
            "Polygon" => polygon(coords, &mut stats, &[]).map(Geometry::Polygon),
            _ => list(
                coords,
                "polygons",
                |v, i, s| polygon(v, s, &[i]).map_err(|e| e.at(i)),
                &mut stats,
            )
            .map(|p| Geometry::MultiPolygon(MultiPolygon(p))),
        };
        let coords_path = join(&path, "coordinates");
        self.absorb(&coords_path, stats);
        match result {
            Ok(g) => Some(g),
            Err(e) => {
                let mut p = coords_path;
                for i in e.indices.iter().rev() {
                    p.push_str(&format!("[{i}]"));
                }
                let message = format!("{kind}: {}", e.message);
                if self.problems.len() < MAX_PROBLEMS {
                    self.problems.push(Problem {
                        path: p,
                        message,
                        hint: e.hint,
                    });
                }
                None
            }
        }
    }

    fn absorb(&mut self, coords_path: &str, stats: CoordStats) {
        let fmt = |idx: Vec<usize>| {
            let mut p = coords_path.to_string();
            for i in idx {
                p.push_str(&format!("[{i}]"));
            }
            p
        };
        for (tally, first, count) in [
            (
                &mut self.rewound_exterior,
                stats.rewound_exterior,
                stats.rewound_exterior_count,
            ),
            (
                &mut self.rewound_holes,
                stats.rewound_holes,
                stats.rewound_holes_count,
            ),
            (
                &mut self.extra_dimensions,
                stats.extra_dimensions,
                stats.extra_dimensions_count,
            ),
            (
                &mut self.out_of_range,
                Some(Vec::new()),
                stats.out_of_range_count,
            ),
        ] {
            if count > 0 {
                if tally.first.is_none() {
                    tally.first = first.map(fmt);
                }
                tally.count += count;
            }
        }
    }

    fn geometry_collection(
        &mut self,
        obj: &Map<String, Value>,
        path: String,
        depth: usize,
    ) -> Option<Geometry<f64>> {
        let members = match obj.get("geometries") {
            Some(Value::Array(a)) => a,
            Some(other) => {
                self.problem(
                    join(&path, "geometries"),
                    format!("\"geometries\" is {}, not an array", describe(other)),
                    "write \"geometries\": [ {\"type\": \"Point\", ...}, ... ]",
                );
                return None;
            }
            None => {
                let hint = if obj.contains_key("coordinates") {
                    "a GeometryCollection lists geometry objects in \"geometries\", not positions in \"coordinates\""
                } else {
                    "add \"geometries\": [ ... ] with the member geometries"
                };
                self.problem(
                    path,
                    "this GeometryCollection has no \"geometries\" member",
                    hint,
                );
                return None;
            }
        };
        if depth > 0 {
            self.warnings.push(DataWarning::new(
                Some(Position::JsonPath(path.clone())),
                "a GeometryCollection is nested inside another one",
                Some(
                    "RFC 7946 3.1.8: avoid nested GeometryCollections; list the members directly"
                        .into(),
                ),
            ));
        }
        if members.len() == 1 {
            self.warnings.push(DataWarning::new(
                Some(Position::JsonPath(path.clone())),
                "a GeometryCollection has a single member",
                Some("RFC 7946 3.1.8: use the member geometry directly".into()),
            ));
        }
        let mut out = Vec::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            if depth > 32 {
                self.problem(
                    path.clone(),
                    "GeometryCollections are nested too deeply",
                    "flatten the collection",
                );
                return None;
            }
            if let Some(g) = self.geometry(m, join(&path, &format!("geometries[{i}]")), depth + 1) {
                out.push(g);
            }
        }
        Some(Geometry::GeometryCollection(GeometryCollection(out)))
    }
}

/// Reads one position `[lon, lat]` or `[lon, lat, z]`.
fn position(v: &Value, stats: &mut CoordStats) -> Result<Coord<f64>, CoordError> {
    let Some(a) = v.as_array() else {
        return Err(CoordError::new(
            format!(
                "expected a position [longitude, latitude], found {}",
                describe(v)
            ),
            "wrap the two numbers in brackets: [10.0, 53.5]",
        ));
    };
    if a.len() < 2 {
        return Err(CoordError::new(
            format!(
                "a position needs two numbers (longitude, latitude), found {}",
                a.len()
            ),
            "write positions as [longitude, latitude]",
        ));
    }
    let mut xy = [0.0; 2];
    for (i, n) in a.iter().enumerate() {
        match n {
            Value::Number(num) => {
                if i < 2 {
                    xy[i] = num.as_f64().unwrap_or(f64::NAN);
                }
            }
            Value::String(s) => {
                return Err(CoordError::new(
                    format!("a position holds the string \"{s}\" where a number belongs"),
                    "write coordinates as numbers without quotes",
                )
                .at(i))
            }
            Value::Array(_) => {
                return Err(CoordError::new(
                    "a position holds an array: the coordinates are nested one level too deep",
                    "remove one level of brackets",
                )
                .at(i))
            }
            other => {
                return Err(CoordError::new(
                    format!(
                        "a position holds {} where a number belongs",
                        describe(other)
                    ),
                    "write coordinates as numbers",
                )
                .at(i))
            }
        }
    }
    if a.len() > 3 {
        stats.extra_dimensions_count += 1;
        if stats.extra_dimensions.is_none() {
            stats.extra_dimensions = Some(Vec::new());
        }
    }
    let [x, y] = xy;
    if !x.is_finite() || !y.is_finite() {
        return Err(CoordError::new(
            "a coordinate is not a finite number",
            "write ordinary decimal numbers",
        ));
    }
    if x.abs() > 1000.0 || y.abs() > 1000.0 {
        return Err(CoordError::new(
            format!("the position ({x}, {y}) is not in degrees"),
            "the coordinates look projected (metres); reproject the file to WGS 84 longitude/latitude (EPSG:4326)",
        ));
    }
    if !(-90.0..=90.0).contains(&y) || !(-180.0..=180.0).contains(&x) {
        // RFC 7946 sets no hard range, so this is a warning: the file loads,
        // but the author should know that the shape will be misplaced.
        stats.out_of_range_count += 1;
    }
    Ok(Coord { x, y })
}

fn array<'v>(v: &'v Value, what: &str, example: &str) -> Result<&'v Vec<Value>, CoordError> {
    match v {
        Value::Array(a) => Ok(a),
        other => Err(CoordError::new(
            format!("expected an array of {what}, found {}", describe(other)),
            format!("the coordinates are nested too shallowly; write {example}"),
        )),
    }
}

/// Reads an array of positions.
fn positions(v: &Value, stats: &mut CoordStats) -> Result<Vec<Coord<f64>>, CoordError> {
    let a = array(v, "positions", "[[lon, lat], [lon, lat], ...]")?;
    let mut out = Vec::with_capacity(a.len());
    for (i, p) in a.iter().enumerate() {
        if p.is_number() {
            return Err(CoordError::new(
                "expected a position [longitude, latitude], found a number",
                "the coordinates are nested too shallowly; write [[lon, lat], [lon, lat], ...]",
            )
            .at(i));
        }
        let c = position(p, stats).map_err(|e| e.at(i))?;
        out.push(c);
    }
    Ok(out)
}

fn line(v: &Value, stats: &mut CoordStats) -> Result<LineString<f64>, CoordError> {
    let pts = positions(v, stats)?;
    if pts.len() < 2 {
        return Err(CoordError::new(
            format!("a line needs at least two positions, found {}", pts.len()),
            "add the missing position or remove the line",
        ));
    }
    Ok(LineString(pts))
}

/// Reads an array whose elements are read by `each`.
fn list<T>(
    v: &Value,
    what: &str,
    mut each: impl FnMut(&Value, usize, &mut CoordStats) -> Result<T, CoordError>,
    stats: &mut CoordStats,
) -> Result<Vec<T>, CoordError> {
    let a = array(v, what, "one more level of brackets")?;
    let mut out = Vec::with_capacity(a.len());
    for (i, x) in a.iter().enumerate() {
        out.push(each(x, i, stats)?);
    }
    Ok(out)
}

/// Twice the signed area of a ring; positive when counterclockwise.
fn signed_area2(ring: &[Coord<f64>]) -> f64 {
    let mut s = 0.0;
    for w in ring.windows(2) {
        s += w[0].x * w[1].y - w[1].x * w[0].y;
    }
    s
}

/// Reads a polygon; `prefix` holds the indices above it (for warnings).
fn polygon(
    v: &Value,
    stats: &mut CoordStats,
    prefix: &[usize],
) -> Result<Polygon<f64>, CoordError> {
    let rings = array(v, "linear rings", "[[[lon, lat], ...]]")?;
    let mut out: Vec<LineString<f64>> = Vec::with_capacity(rings.len());
    for (i, r) in rings.iter().enumerate() {
        let raw = array(r, "positions", "[[[lon, lat], ...]]").map_err(|e| e.at(i))?;
        let mut pts = positions(r, stats).map_err(|e| e.at(i))?;
        if pts.len() < 4 {
            return Err(CoordError::new(
                format!("a linear ring needs at least four positions, found {}", pts.len()),
                "a closed ring repeats its first position at the end, so a triangle has four positions",
            )
            .at(i));
        }
        if !same_position(&raw[0], &raw[raw.len() - 1]) {
            let last = raw.len() - 1;
            return Err(CoordError::new(
                "the linear ring is not closed: its last position differs from its first",
                "repeat the first position, exactly, as the last one",
            )
            .at(last)
            .at(i));
        }
        let area = signed_area2(&pts);
        let wrong = if i == 0 { area < 0.0 } else { area > 0.0 };
        if wrong {
            pts.reverse();
            let mut idx = prefix.to_vec();
            idx.push(i);
            if i == 0 {
                stats.rewound_exterior_count += 1;
                stats.rewound_exterior.get_or_insert(idx);
            } else {
                stats.rewound_holes_count += 1;
                stats.rewound_holes.get_or_insert(idx);
            }
        }
        out.push(LineString(pts));
    }
    let mut it = out.into_iter();
    match it.next() {
        Some(exterior) => Ok(Polygon::new(exterior, it.collect())),
        None => Ok(Polygon::new(LineString(Vec::new()), Vec::new())),
    }
}

/// RFC 7946 3.1.6: the first and last positions must hold identical values.
fn same_position(a: &Value, b: &Value) -> bool {
    match (a.as_array(), b.as_array()) {
        (Some(a), Some(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.as_f64() == y.as_f64())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> DataError {
        match read_geojson("t.geojson", text.as_bytes()) {
            Ok(d) => panic!("accepted: {d:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn reads_a_feature_collection_with_ids_and_z() {
        let d = read_geojson(
            "t.geojson",
            br#"{"type":"FeatureCollection","features":[
              {"type":"Feature","id":7,"properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[10,53.5,12]}},
              {"type":"Feature","id":"x","properties":null,"geometry":null}]}"#,
        )
        .unwrap();
        assert_eq!(d.features.len(), 2);
        assert_eq!(d.features[0].id.as_deref(), Some("7"));
        assert_eq!(
            d.features[0].geometry,
            Some(Geometry::Point(Point::new(10.0, 53.5)))
        );
        assert_eq!(d.features[1].geometry, None);
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn unclosed_ring_names_the_path() {
        let e = err(
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}"#,
        );
        assert_eq!(
            e.position,
            Some(Position::JsonPath("geometry.coordinates[0][3]".into()))
        );
        assert!(e.message.contains("not closed"), "{e}");
    }

    #[test]
    fn clockwise_exterior_is_reversed_with_a_warning() {
        let d = read_geojson(
            "t.geojson",
            br#"{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}"#,
        )
        .unwrap();
        assert_eq!(d.warnings.len(), 1);
        assert!(d.warnings[0].message.contains("clockwise"));
        let Some(Geometry::Polygon(p)) = &d.features[0].geometry else {
            panic!()
        };
        assert!(signed_area2(&p.exterior().0) > 0.0);
    }

    #[test]
    fn out_of_range_positions_warn_and_projected_ones_are_errors() {
        let d = read_geojson(
            "t.geojson",
            br#"{"type":"Point","coordinates":[53.5,100.0]}"#,
        )
        .unwrap();
        assert!(
            d.warnings[0].message.contains("outside longitude"),
            "{:?}",
            d.warnings
        );
        let e = err(r#"{"type":"Point","coordinates":[565000,5933000]}"#);
        assert!(e.hint.unwrap_or_default().contains("projected"));
    }

    #[test]
    fn several_problems_are_counted_in_one_error() {
        let e = err(r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":{},"properties":{},"geometry":null},
            {"type":"Foo","properties":{},"geometry":null}]}"#);
        assert_eq!(
            e.position,
            Some(Position::JsonPath("features[0].id".into()))
        );
        assert!(e.message.contains("1 further problem"), "{e}");
        assert!(e.message.contains("features[1].type"), "{e}");
    }
}
