//! CityJSON 1.1 and 2.0 (3D city models) as building footprints in WGS 84,
//! with their surfaces in 3D.
//!
//! Each building becomes a polygon feature the map can fill and the 3D
//! renderer can raise: its footprint, with its attributes and computed
//! `height`, `ground` and `lod`. Its real shape travels along as
//! [`Feature::solid`]: every surface of the chosen LoD's outer shell but
//! the ground (roofs, walls, the rest; rings in WGS 84 with z in metres
//! above `ground`), for layers drawn with `extrude: model`; a layer raised
//! by `extrude: height` draws a flat-topped block instead.
//!
//! The rules (also in `docs/story-format.md`, "3D buildings"):
//! - Features: every `Building` whose `BuildingPart`s (children, at any
//!   depth) have no geometry is one feature; a building whose parts have
//!   geometry is one feature per part, with the building's attributes
//!   under the part's own and `building` naming the building's id (parts
//!   can differ in height). Other children (`BuildingInstallation`:
//!   balconies, dormers, chimneys; rooms, furniture) are not drawn and do
//!   not count to the height. Other top-level objects (bridges, terrain,
//!   trees …) are left out with a warning.
//! - LoD: the highest a building has, or the one the source's `lod`
//!   setting asks for (`2` takes `2`, `2.0`, `2.2` …; `2.2` only `2.2`).
//! - Footprint: the geometry's `GroundSurface` surfaces (semantics); without
//!   them its lowest horizontal surfaces (every vertex within 5 cm of its
//!   lowest point); without those the convex hull of all its vertices.
//! - `ground`: the lowest z of the geometry; `height`: its highest z minus
//!   `ground` (metres, rounded to millimetres).
//! - Surfaces: the outer shell's (a solid's cavities are not seen), tagged
//!   by semantics (`RoofSurface`, `WallSurface`, else other); the
//!   `GroundSurface`s are left out (the footprint is the ground), as are
//!   surfaces with fewer than 3 distinct vertices or no area. Holes are
//!   turned to wind against their outer ring (Newell's normal), so a
//!   renderer's non-zero rule leaves them open whatever the file wrote. A
//!   hole stays open only when a surface touching it leads down (a light
//!   well's walls); under a dormer, tower or chimney (or where one stood,
//!   an installation left out of the file) the surface is drawn whole.
//! - Geometry types Solid, MultiSolid, CompositeSolid (outer shells),
//!   MultiSurface, CompositeSurface and GeometryInstance (a template placed
//!   by its matrix); MultiPoint and MultiLineString are not buildings.
//!   `appearance` (textures, materials) is ignored.
//! - Attributes become properties; nested objects flatten to dotted names
//!   (`owner.name`). `id` and `type` are the object's, as are the computed
//!   names, which win over attributes of the same name (with a warning).
//!
//! Features come in the order of their ids (CityJSON's `CityObjects` is an
//! object, whose order JSON does not keep).

use crate::crs::{ReferenceSystem, SUPPORTED};
use crate::json_text::parse_json;
use crate::{
    DataError, DataWarning, Dataset, Feature, Position, Solid, Surface as Surface3d, SurfaceKind,
};
use geo::{
    ConvexHull, Coord, Geometry, LineString, MultiPoint, MultiPolygon, Orient, Point, Polygon,
};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use twinstory_model::decimal::parse_f64;

/// Settings of a `cityjson` source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CityJsonOptions {
    /// The level of detail to use (`"2"`, `"2.2"`); the highest when `None`.
    pub lod: Option<String>,
}

/// How far above the lowest vertex a surface may lie and still count as
/// the ground (metres).
const GROUND_TOLERANCE: f64 = 0.05;

/// Kinds of CityJSON problems a story reports with diagnostics of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CityJsonProblem {
    /// Any other problem.
    Other,
    /// The file names no reference system, or one the reader cannot convert.
    ReferenceSystem,
    /// The file has no CityObjects, or no buildings among them.
    NoObjects,
    /// No building has the level of detail the source asks for.
    Lod,
}

/// Why a CityJSON file could not be read, and what kind of problem it is.
#[derive(Debug, Clone, PartialEq)]
pub struct CityJsonError {
    /// The error, with file, JSON path and hint.
    pub error: DataError,
    /// Its kind.
    pub problem: CityJsonProblem,
}

impl From<DataError> for CityJsonError {
    fn from(error: DataError) -> Self {
        CityJsonError {
            error,
            problem: CityJsonProblem::Other,
        }
    }
}

trait WithKind {
    fn with_kind(self, problem: CityJsonProblem) -> CityJsonError;
}

impl WithKind for DataError {
    fn with_kind(self, problem: CityJsonProblem) -> CityJsonError {
        CityJsonError {
            error: self,
            problem,
        }
    }
}

/// Reads a CityJSON file into one polygon feature per building (or part).
pub fn read_cityjson(
    file: &str,
    bytes: &[u8],
    options: &CityJsonOptions,
) -> Result<Dataset, DataError> {
    read_cityjson_file(file, bytes, options).map_err(|e| e.error)
}

/// [`read_cityjson`], with the kind of problem when it fails (the story
/// crate reports some kinds with diagnostics of their own).
pub fn read_cityjson_file(
    file: &str,
    bytes: &[u8],
    options: &CityJsonOptions,
) -> Result<Dataset, CityJsonError> {
    let root = parse_json(file, bytes)?;
    let model = Model::read(file, &root)?;
    model.features(options)
}

fn error(file: &str, path: impl Into<String>, message: impl Into<String>) -> DataError {
    DataError::new(file, Some(Position::JsonPath(path.into())), message, None)
}

fn error_hint(
    file: &str,
    path: impl Into<String>,
    message: impl Into<String>,
    hint: &str,
) -> DataError {
    DataError::new(
        file,
        Some(Position::JsonPath(path.into())),
        message,
        Some(hint.into()),
    )
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

/// A CityObject's member path, as the brief's messages write it.
fn object_path(id: &str) -> String {
    format!("CityObjects.{}", serde_json::Value::from(id))
}

/// What is read once from the whole file.
struct Model<'a> {
    file: &'a str,
    crs: ReferenceSystem,
    crs_name: String,
    vertices: Vec<[f64; 3]>,
    templates: Vec<&'a Value>,
    template_vertices: Vec<[f64; 3]>,
    objects: &'a Map<String, Value>,
    /// Template vertices placed so far (bounded, so that many instances
    /// of a large template cannot exhaust memory or time).
    placed: std::cell::Cell<usize>,
}

/// The most template vertices all GeometryInstances together may place.
const MAX_PLACED: usize = 5_000_000;

impl<'a> Model<'a> {
    fn read(file: &'a str, root: &'a Value) -> Result<Model<'a>, CityJsonError> {
        let Some(obj) = root.as_object() else {
            return Err(CityJsonError::from(error_hint(
                file,
                "the top-level object",
                "this is not CityJSON: the file is not a JSON object",
                "a CityJSON file starts with {\"type\": \"CityJSON\", \"version\": \"2.0\", …",
            )));
        };
        match obj.get("type").and_then(Value::as_str) {
            Some("CityJSON") => {}
            Some("CityJSONFeature") => {
                return Err(CityJsonError::from(error_hint(
                    file,
                    "type",
                    "this is one CityJSONFeature (a line of a CityJSON Text Sequence), not a CityJSON file",
                    "convert the sequence to one file, e.g. with `cjseq collect`",
                )))
            }
            Some("FeatureCollection" | "Feature") => {
                return Err(CityJsonError::from(error_hint(
                    file,
                    "type",
                    "this is GeoJSON, not CityJSON",
                    "write `type: geojson` in the layer's `source`",
                )))
            }
            _ => {
                return Err(CityJsonError::from(error_hint(
                    file,
                    "type",
                    "this is not CityJSON: `type` is not \"CityJSON\"",
                    "a CityJSON file starts with {\"type\": \"CityJSON\", \"version\": \"2.0\", …",
                )))
            }
        }
        match obj.get("version") {
            Some(Value::String(v))
                if v == "1.1" || v == "2.0" || v.starts_with("1.1.") || v.starts_with("2.0.") => {}
            Some(Value::String(v)) => {
                return Err(CityJsonError::from(error_hint(
                    file,
                    "version",
                    format!("CityJSON version {v} is not supported, only 1.1 and 2.0"),
                    "upgrade the file, e.g. with `cjio <file> upgrade save <new file>`",
                )))
            }
            other => {
                return Err(CityJsonError::from(error(
                    file,
                    "version",
                    format!(
                        "`version` must be \"1.1\" or \"2.0\", but it is {}",
                        other.map_or("missing", kind)
                    ),
                )))
            }
        }
        let transform = read_transform(file, obj.get("transform"))?;
        let crs_name = obj
            .get("metadata")
            .and_then(|m| m.get("referenceSystem"))
            .and_then(Value::as_str);
        let Some(crs_name) = crs_name else {
            let example = if looks_like_rd(obj.get("vertices"), transform) {
                "the coordinates look like the Dutch grid (Amersfoort / RD New with NAP heights); if they are, add \"metadata\": {\"referenceSystem\": \"https://www.opengis.net/def/crs/EPSG/0/7415\"}"
            } else {
                "add it, e.g. \"metadata\": {\"referenceSystem\": \"https://www.opengis.net/def/crs/EPSG/0/25832\"}"
            };
            return Err(DataError::new(
                file,
                Some(Position::JsonPath("metadata.referenceSystem".into())),
                "the file does not name its reference system (`metadata.referenceSystem`)",
                Some(format!("{example}; supported are {SUPPORTED}")),
            )
            .with_kind(CityJsonProblem::ReferenceSystem));
        };
        let crs = ReferenceSystem::parse(crs_name).map_err(|_| {
            DataError::new(
                file,
                Some(Position::JsonPath("metadata.referenceSystem".into())),
                format!("the reference system `{crs_name}` is not supported"),
                Some(format!(
                    "supported are {SUPPORTED}; convert the file to one of them, e.g. with `cjio <file> crs_reproject 25832 save <new file>`"
                )),
            )
            .with_kind(CityJsonProblem::ReferenceSystem)
        })?;
        let objects = match obj.get("CityObjects") {
            Some(Value::Object(o)) if !o.is_empty() => o,
            Some(Value::Object(_)) => {
                return Err(DataError::new(
                    file,
                    Some(Position::JsonPath("CityObjects".into())),
                    "the file has no CityObjects",
                    Some("export the buildings into the file".into()),
                )
                .with_kind(CityJsonProblem::NoObjects))
            }
            Some(other) => {
                return Err(CityJsonError::from(error(
                    file,
                    "CityObjects",
                    format!("`CityObjects` must be an object, but it is {}", kind(other)),
                )))
            }
            None => {
                return Err(DataError::new(
                    file,
                    Some(Position::JsonPath("CityObjects".into())),
                    "the file has no `CityObjects`",
                    None,
                )
                .with_kind(CityJsonProblem::NoObjects))
            }
        };
        let vertices = read_vertices(file, obj.get("vertices"), "vertices", transform)?;
        let (templates, template_vertices) = match obj.get("geometry-templates") {
            None => (Vec::new(), Vec::new()),
            Some(t) => {
                let list = match t.get("templates") {
                    Some(Value::Array(a)) => a.iter().collect(),
                    _ => {
                        return Err(CityJsonError::from(error(
                            file,
                            "geometry-templates.templates",
                            "`geometry-templates` needs a `templates` array",
                        )))
                    }
                };
                let v = read_vertices(
                    file,
                    t.get("vertices-templates"),
                    "geometry-templates.vertices-templates",
                    None,
                )?;
                (list, v)
            }
        };
        Ok(Model {
            file,
            crs,
            crs_name: crs_name.to_string(),
            vertices,
            templates,
            template_vertices,
            objects,
            placed: std::cell::Cell::new(0),
        })
    }

    fn object(&self, id: &str) -> Result<&'a Map<String, Value>, DataError> {
        let path = object_path(id);
        let Some(v) = self.objects.get(id) else {
            return Err(error(
                self.file,
                path,
                format!("there is no CityObject `{id}`"),
            ));
        };
        v.as_object().ok_or_else(|| {
            error(
                self.file,
                path,
                format!("a CityObject must be an object, but it is {}", kind(v)),
            )
        })
    }

    fn type_of(&self, id: &str) -> Result<&'a str, DataError> {
        let o = self.object(id)?;
        o.get("type").and_then(Value::as_str).ok_or_else(|| {
            error(
                self.file,
                format!("{}.type", object_path(id)),
                "a CityObject needs a `type` such as \"Building\"",
            )
        })
    }

    fn children(&self, id: &str) -> Result<Vec<&'a str>, DataError> {
        let o = self.object(id)?;
        match o.get("children") {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let path = format!("{}.children[{i}]", object_path(id));
                    let c = c.as_str().ok_or_else(|| {
                        error(self.file, &path, "a child must be the id of a CityObject")
                    })?;
                    if !self.objects.contains_key(c) {
                        return Err(error(
                            self.file,
                            path,
                            format!("the child `{c}` is not among the CityObjects"),
                        ));
                    }
                    Ok(c)
                })
                .collect(),
            Some(other) => Err(error(
                self.file,
                format!("{}.children", object_path(id)),
                format!("`children` must be an array, but it is {}", kind(other)),
            )),
        }
    }

    /// The BuildingParts below `id`, at any depth (each once).
    fn parts(&self, id: &str) -> Result<Vec<&'a str>, DataError> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        seen.insert(id.to_string());
        let mut todo = self.children(id)?;
        while let Some(c) = todo.pop() {
            if !seen.insert(c.to_string()) {
                continue;
            }
            if self.type_of(c)? == "BuildingPart" {
                out.push(c);
                todo.extend(self.children(c)?);
            }
        }
        out.sort_unstable();
        Ok(out)
    }

    fn features(&self, options: &CityJsonOptions) -> Result<Dataset, CityJsonError> {
        let mut warnings = Vec::new();
        let mut features = Vec::new();
        let mut available: BTreeSet<String> = BTreeSet::new();
        let mut without_lod: Vec<&str> = Vec::new();
        let mut without_geometry: Vec<&str> = Vec::new();
        let mut other_types: BTreeMap<&str, usize> = BTreeMap::new();
        let mut overwritten: BTreeSet<String> = BTreeSet::new();
        let mut buildings = 0;
        for (id, _) in self.objects.iter() {
            let t = self.type_of(id)?;
            let o = self.object(id)?;
            let has_parent = match o.get("parents") {
                Some(Value::Array(p)) => !p.is_empty(),
                _ => false,
            };
            if has_parent {
                continue;
            }
            if t != "Building" {
                *other_types.entry(t).or_default() += 1;
                continue;
            }
            buildings += 1;
            let parts = self.parts(id)?;
            let mut with_geometry = Vec::new();
            for p in &parts {
                if has_geometry(self.object(p)?) {
                    with_geometry.push(*p);
                }
            }
            let shapes: Vec<(&str, Option<&str>)> = if with_geometry.is_empty() {
                vec![(id.as_str(), None)]
            } else {
                with_geometry
                    .iter()
                    .map(|p| (*p, Some(id.as_str())))
                    .collect()
            };
            for (shape_id, building) in shapes {
                let shape = self.object(shape_id)?;
                if !has_geometry(shape) {
                    without_geometry.push(shape_id);
                    continue;
                }
                let geoms = self.geometries(shape_id, shape)?;
                for g in &geoms {
                    available.insert(g.lod.clone());
                }
                let Some(chosen) = choose(&geoms, options.lod.as_deref()) else {
                    if geoms.is_empty() {
                        without_geometry.push(shape_id);
                    } else {
                        without_lod.push(shape_id);
                    }
                    continue;
                };
                let mut props = Map::new();
                if let Some(b) = building {
                    flatten_into(&mut props, "", self.object(b)?.get("attributes"));
                }
                flatten_into(&mut props, "", shape.get("attributes"));
                let t = self.type_of(shape_id)?;
                let lod_number = parse_f64(&chosen.lod);
                let computed = [
                    ("id", Value::from(shape_id)),
                    ("type", Value::from(t)),
                    (
                        "lod",
                        lod_number
                            .and_then(serde_json::Number::from_f64)
                            .map_or_else(|| Value::from(chosen.lod.as_str()), Value::Number),
                    ),
                    ("ground", number(round_mm(chosen.ground))),
                    ("height", number(round_mm(chosen.top - chosen.ground))),
                ];
                for (k, v) in computed {
                    if props.insert(k.to_string(), v).is_some() {
                        overwritten.insert(k.to_string());
                    }
                }
                if let Some(b) = building {
                    if props.insert("building".into(), Value::from(b)).is_some() {
                        overwritten.insert("building".into());
                    }
                }
                let geometry = self.footprint(chosen)?;
                let solid = self.solid(chosen)?;
                features.push(Feature {
                    id: Some(shape_id.to_string()),
                    geometry: Some(geometry),
                    properties: props,
                    solid: (!solid.surfaces.is_empty()).then(|| Box::new(solid)),
                });
            }
        }
        if buildings == 0 {
            let found: Vec<String> = other_types.keys().map(|t| format!("`{t}`")).collect();
            return Err(DataError::new(
                self.file,
                Some(Position::JsonPath("CityObjects".into())),
                format!(
                    "the file has no buildings (CityObjects of type `Building`){}",
                    if found.is_empty() {
                        String::new()
                    } else {
                        format!(", only {}", found.join(", "))
                    }
                ),
                None,
            )
            .with_kind(CityJsonProblem::NoObjects));
        }
        if let (Some(lod), true) = (&options.lod, features.is_empty() && !available.is_empty()) {
            let list: Vec<&str> = available.iter().map(String::as_str).collect();
            return Err(DataError::new(
                self.file,
                None,
                format!(
                    "no building has LoD {lod}; the file has LoD {}",
                    list.join(", ")
                ),
                Some(format!(
                    "write e.g. `lod: {}`, or leave `lod` out to take each building's highest",
                    list.last().copied().unwrap_or("2")
                )),
            )
            .with_kind(CityJsonProblem::Lod));
        }
        let few = |ids: &[&str]| {
            let shown: Vec<String> = ids.iter().take(3).map(|i| format!("`{i}`")).collect();
            format!(
                "{}{}",
                shown.join(", "),
                if ids.len() > 3 { ", …" } else { "" }
            )
        };
        if !without_lod.is_empty() {
            let list: Vec<&str> = available.iter().map(String::as_str).collect();
            warnings.push(DataWarning::new(
                None,
                format!(
                    "{} building(s) have no LoD {} geometry and are left out: {}",
                    without_lod.len(),
                    options.lod.as_deref().unwrap_or("?"),
                    few(&without_lod)
                ),
                Some(format!(
                    "the file has LoD {}; leave `lod` out to take each building's highest",
                    list.join(", ")
                )),
            ));
        }
        if !without_geometry.is_empty() {
            warnings.push(DataWarning::new(
                None,
                format!(
                    "{} building(s) have no surfaces and are left out: {}",
                    without_geometry.len(),
                    few(&without_geometry)
                ),
                None,
            ));
        }
        if !other_types.is_empty() {
            let list: Vec<String> = other_types
                .iter()
                .map(|(t, n)| format!("{n} `{t}`"))
                .collect();
            warnings.push(DataWarning::new(
                None,
                format!(
                    "CityObjects that are not buildings are left out: {}",
                    list.join(", ")
                ),
                None,
            ));
        }
        if !overwritten.is_empty() {
            let list: Vec<String> = overwritten.iter().map(|k| format!("`{k}`")).collect();
            warnings.push(DataWarning::new(
                None,
                format!(
                    "attributes named {} are replaced by the values the reader computes",
                    list.join(", ")
                ),
                Some("rename the attributes to keep them".into()),
            ));
        }
        Ok(Dataset { features, warnings })
    }

    /// The object's usable geometries (not points or lines), read and checked.
    fn geometries(&self, id: &str, o: &Map<String, Value>) -> Result<Vec<Shape>, DataError> {
        let path = format!("{}.geometry", object_path(id));
        let list = match o.get("geometry") {
            Some(Value::Array(a)) => a,
            Some(other) => {
                return Err(error(
                    self.file,
                    path,
                    format!("`geometry` must be an array, but it is {}", kind(other)),
                ))
            }
            None => return Ok(Vec::new()),
        };
        let mut out = Vec::new();
        for (i, g) in list.iter().enumerate() {
            let gpath = format!("{path}[{i}]");
            if let Some(s) = self.shape(g, &gpath)? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// One geometry object as surfaces with their semantic types.
    fn shape(&self, g: &Value, path: &str) -> Result<Option<Shape>, DataError> {
        let file = self.file;
        let Some(g) = g.as_object() else {
            return Err(error(file, path, "a geometry must be an object"));
        };
        let t = g.get("type").and_then(Value::as_str).unwrap_or("");
        if t == "GeometryInstance" {
            return self.instance(g, path);
        }
        let depth = match t {
            "MultiSurface" | "CompositeSurface" => 1,
            "Solid" => 2,
            "MultiSolid" | "CompositeSolid" => 3,
            "MultiPoint" | "MultiLineString" => return Ok(None),
            other => {
                return Err(error_hint(
                    file,
                    format!("{path}.type"),
                    format!("unknown geometry type `{other}`"),
                    "CityJSON geometries are MultiSurface, CompositeSurface, Solid, MultiSolid, CompositeSolid, MultiPoint, MultiLineString or GeometryInstance",
                ))
            }
        };
        let lod = read_lod(file, g.get("lod"), &format!("{path}.lod"))?;
        let mut surfaces = Vec::new();
        let boundaries = g.get("boundaries").unwrap_or(&Value::Null);
        let bpath = format!("{path}.boundaries");
        collect_surfaces(
            file,
            boundaries,
            &bpath,
            depth,
            true,
            &mut Vec::new(),
            &mut surfaces,
        )?;
        // Semantics: the same nesting, one level less (values per surface).
        let semantics = g.get("semantics");
        let surface_types: Vec<Option<&str>> = match semantics.and_then(|s| s.get("surfaces")) {
            Some(Value::Array(a)) => a
                .iter()
                .map(|s| s.get("type").and_then(Value::as_str))
                .collect(),
            _ => Vec::new(),
        };
        let mut values: Vec<(Vec<usize>, Option<usize>)> = Vec::new();
        if let Some(v) = semantics.and_then(|s| s.get("values")) {
            let vpath = format!("{path}.semantics.values");
            collect_values(file, v, &vpath, depth - 1, &mut Vec::new(), &mut values)?;
        }
        let value_of: BTreeMap<Vec<usize>, usize> = values
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        let mut out = Vec::with_capacity(surfaces.len());
        for raw in surfaces {
            let semantic = match value_of.get(&raw.index) {
                Some(&i) => match surface_types.get(i) {
                    Some(t) => t.map(str::to_string),
                    None => {
                        return Err(error(
                            file,
                            format!("{path}.semantics.values{}", index_path(&raw.index)),
                            format!(
                                "semantic surface {i} is out of range (there are {})",
                                surface_types.len()
                            ),
                        ))
                    }
                },
                None => None,
            };
            let mut rings = Vec::with_capacity(raw.rings.len());
            for (r, ring) in raw.rings.iter().enumerate() {
                let mut pts = Vec::with_capacity(ring.len());
                for (k, &ix) in ring.iter().enumerate() {
                    let Some(v) = self.vertices.get(ix) else {
                        return Err(error(
                            file,
                            format!("{bpath}{}[{r}][{k}]", index_path(&raw.index)),
                            format!(
                                "vertex index {ix} is out of range (the file has {} vertices)",
                                self.vertices.len()
                            ),
                        ));
                    };
                    pts.push(*v);
                }
                rings.push(pts);
            }
            out.push(Surface {
                rings,
                semantic,
                outer_shell: raw.outer_shell,
            });
        }
        Ok(Some(Shape::new(lod, out, path.to_string())))
    }

    /// A template placed by its reference point and transformation matrix.
    fn instance(&self, g: &Map<String, Value>, path: &str) -> Result<Option<Shape>, DataError> {
        let file = self.file;
        let t = g.get("template").and_then(Value::as_u64);
        let Some(template) = t.and_then(|t| self.templates.get(t as usize)) else {
            return Err(error(
                file,
                format!("{path}.template"),
                format!(
                    "`template` must be the number of one of the file's {} geometry templates",
                    self.templates.len()
                ),
            ));
        };
        let reference = g
            .get("boundaries")
            .and_then(Value::as_array)
            .and_then(|b| b.first())
            .and_then(Value::as_u64)
            .and_then(|i| self.vertices.get(i as usize));
        let Some(reference) = reference else {
            return Err(error(
                file,
                format!("{path}.boundaries"),
                "a GeometryInstance's `boundaries` must hold the index of its reference point",
            ));
        };
        let matrix: Vec<f64> = g
            .get("transformationMatrix")
            .and_then(Value::as_array)
            .map(|m| m.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        if matrix.len() != 16 {
            return Err(error(
                file,
                format!("{path}.transformationMatrix"),
                "`transformationMatrix` must hold 16 numbers",
            ));
        }
        if template.get("type").and_then(Value::as_str) == Some("GeometryInstance") {
            return Err(error(
                file,
                format!("{path}.template"),
                "a geometry template cannot be a GeometryInstance itself",
            ));
        }
        let placed = self.placed.get() + self.template_vertices.len();
        if placed > MAX_PLACED {
            return Err(error(
                file,
                path,
                format!("the GeometryInstances place more than {MAX_PLACED} template vertices"),
            ));
        }
        self.placed.set(placed);
        // The template's vertices, placed: a reader of its own over them.
        let placed: Vec<[f64; 3]> = self
            .template_vertices
            .iter()
            .map(|v| {
                let m = |r: usize| {
                    matrix[r * 4] * v[0]
                        + matrix[r * 4 + 1] * v[1]
                        + matrix[r * 4 + 2] * v[2]
                        + matrix[r * 4 + 3]
                };
                [
                    m(0) + reference[0],
                    m(1) + reference[1],
                    m(2) + reference[2],
                ]
            })
            .collect();
        let inner = Model {
            file,
            crs: self.crs,
            crs_name: self.crs_name.clone(),
            vertices: placed,
            templates: Vec::new(),
            template_vertices: Vec::new(),
            objects: self.objects,
            placed: std::cell::Cell::new(0),
        };
        inner.shape(template, path)
    }

    /// The footprint of a shape in WGS 84.
    fn footprint(&self, shape: &Shape) -> Result<Geometry<f64>, DataError> {
        let mut polygons: Vec<&Surface> = shape
            .surfaces
            .iter()
            .filter(|s| s.outer_shell && s.semantic.as_deref() == Some("GroundSurface"))
            .collect();
        if polygons.is_empty() {
            polygons = shape
                .surfaces
                .iter()
                .filter(|s| {
                    s.outer_shell
                        && s.rings
                            .iter()
                            .flatten()
                            .all(|v| v[2] <= shape.ground + GROUND_TOLERANCE)
                        && s.rings.first().is_some_and(|r| area_2d(r).abs() > 1e-4)
                })
                .collect();
        }
        let mut out = Vec::new();
        for s in polygons {
            let mut rings = Vec::new();
            for ring in &s.rings {
                if ring.len() < 3 {
                    continue;
                }
                rings.push(self.ring(ring, &shape.path)?);
            }
            if rings.is_empty() {
                continue;
            }
            let exterior = rings.remove(0);
            out.push(Polygon::new(exterior, rings).orient(geo::orient::Direction::Default));
        }
        if out.is_empty() {
            let points: Vec<Point<f64>> = shape
                .surfaces
                .iter()
                .flat_map(|s| s.rings.iter().flatten())
                .map(|v| Point::new(v[0], v[1]))
                .collect();
            let hull = MultiPoint::new(points).convex_hull();
            let ring: Vec<[f64; 3]> = hull
                .exterior()
                .points()
                .map(|p| [p.x(), p.y(), 0.0])
                .collect();
            if ring.len() < 4 {
                return Err(error(
                    self.file,
                    &shape.path,
                    "the building's surfaces have no area seen from above",
                ));
            }
            out.push(Polygon::new(self.ring(&ring, &shape.path)?, Vec::new()));
        }
        Ok(if out.len() == 1 {
            Geometry::Polygon(out.remove(0))
        } else {
            Geometry::MultiPolygon(MultiPolygon::new(out))
        })
    }

    /// The shape's outer surfaces but the ground in WGS 84, z in metres
    /// above its lowest point; degenerate ones (fewer than 3 distinct
    /// vertices, no area) left out, holes turned to wind against their
    /// outer ring.
    fn solid(&self, shape: &Shape) -> Result<Solid, DataError> {
        let mut surfaces = Vec::new();
        for (i, s) in shape.surfaces.iter().enumerate() {
            if !s.outer_shell || s.semantic.as_deref() == Some("GroundSurface") {
                continue;
            }
            let mut rings: Vec<Vec<[f64; 3]>> = Vec::with_capacity(s.rings.len());
            let mut normal = [0.0; 3];
            for (r, ring) in s.rings.iter().enumerate() {
                if r > 0 && !goes_down(ring, &shape.surfaces, i) {
                    // Nothing of this shell leads down from the hole: a
                    // dormer, tower or chimney stands on it (or stood, as
                    // an installation the file left out), so the surface
                    // is drawn whole and what stands there covers it.
                    continue;
                }
                let mut ring = distinct(ring);
                let n = newell(&ring);
                if ring.len() < 3 || n.iter().map(|c| c * c).sum::<f64>() < 1e-8 {
                    if rings.is_empty() {
                        // Without its outer ring a surface has nothing to draw.
                        break;
                    }
                    continue;
                }
                if rings.is_empty() {
                    normal = n;
                } else if n[0] * normal[0] + n[1] * normal[1] + n[2] * normal[2] > 0.0 {
                    ring.reverse();
                }
                rings.push(ring);
            }
            if rings.is_empty() {
                continue;
            }
            let mut out = Vec::with_capacity(rings.len());
            for ring in rings {
                let line = self.ring(&ring, &shape.path)?;
                out.push(
                    line.0
                        .iter()
                        .zip(&ring)
                        .map(|(c, v)| [c.x, c.y, v[2] - shape.ground])
                        .collect(),
                );
            }
            surfaces.push(Surface3d {
                kind: SurfaceKind::of(s.semantic.as_deref()),
                rings: out,
            });
        }
        Ok(Solid { surfaces })
    }

    fn ring(&self, ring: &[[f64; 3]], path: &str) -> Result<LineString<f64>, DataError> {
        let mut coords = Vec::with_capacity(ring.len() + 1);
        for v in ring {
            let Some((lon, lat)) = self.crs.to_wgs84(v[0], v[1]) else {
                return Err(error_hint(
                    self.file,
                    path,
                    format!(
                        "the point ({}, {}) is not a position in {}",
                        v[0], v[1], self.crs_name
                    ),
                    if self.crs == ReferenceSystem::RdNew {
                        "RD New is the Netherlands' grid (x about 0 to 300 km, y 300 to 625 km): check `metadata.referenceSystem` and `transform`"
                    } else {
                        "check `metadata.referenceSystem` and `transform`"
                    },
                ));
            };
            coords.push(Coord { x: lon, y: lat });
        }
        Ok(LineString::new(coords))
    }
}

/// Whether a hole leads down into the building: another surface of the
/// shape that shares a vertex with it reaches more than 5 cm below it (a
/// light well's walls, a courtyard's).
fn goes_down(ring: &[[f64; 3]], surfaces: &[Surface], own: usize) -> bool {
    let low = ring.iter().fold(f64::INFINITY, |m, v| m.min(v[2])) - GROUND_TOLERANCE;
    surfaces.iter().enumerate().any(|(j, s)| {
        let mut vs = s.rings.iter().flatten();
        j != own && vs.clone().any(|v| ring.contains(v)) && vs.any(|v| v[2] < low)
    })
}

/// A ring without repeated vertices (neither in a row nor the first again
/// at the end).
fn distinct(ring: &[[f64; 3]]) -> Vec<[f64; 3]> {
    let mut out: Vec<[f64; 3]> = Vec::with_capacity(ring.len());
    for v in ring {
        if out.last() != Some(v) {
            out.push(*v);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// Newell's normal of a ring: twice its area times its unit normal (the
/// right-hand rule over the vertex order), robust for rings that are not
/// quite planar.
fn newell(ring: &[[f64; 3]]) -> [f64; 3] {
    let mut n = [0.0; 3];
    for (i, a) in ring.iter().enumerate() {
        let b = ring[(i + 1) % ring.len()];
        n[0] += (a[1] - b[1]) * (a[2] + b[2]);
        n[1] += (a[2] - b[2]) * (a[0] + b[0]);
        n[2] += (a[0] - b[0]) * (a[1] + b[1]);
    }
    n
}

fn has_geometry(o: &Map<String, Value>) -> bool {
    matches!(o.get("geometry"), Some(Value::Array(a)) if !a.is_empty())
}

/// One geometry's surfaces, with its LoD and vertical extent.
struct Shape {
    lod: String,
    surfaces: Vec<Surface>,
    ground: f64,
    top: f64,
    path: String,
}

impl Shape {
    fn new(lod: String, surfaces: Vec<Surface>, path: String) -> Shape {
        let zs = surfaces
            .iter()
            .flat_map(|s| s.rings.iter().flatten())
            .map(|v| v[2]);
        let (ground, top) = zs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), z| {
            (lo.min(z), hi.max(z))
        });
        let (ground, top) = if ground.is_finite() {
            (ground, top)
        } else {
            (0.0, 0.0)
        };
        Shape {
            lod,
            surfaces,
            ground,
            top,
            path,
        }
    }
}

struct Surface {
    rings: Vec<Vec<[f64; 3]>>,
    semantic: Option<String>,
    /// False for the inner shells (cavities) of solids.
    outer_shell: bool,
}

/// A surface as indices, with its position in the nesting (for semantics).
struct RawSurface {
    index: Vec<usize>,
    rings: Vec<Vec<usize>>,
    outer_shell: bool,
}

fn index_path(index: &[usize]) -> String {
    index.iter().map(|i| format!("[{i}]")).collect()
}

/// Walks `depth` levels of arrays down to surfaces (arrays of rings).
fn collect_surfaces(
    file: &str,
    v: &Value,
    path: &str,
    depth: usize,
    outer: bool,
    index: &mut Vec<usize>,
    out: &mut Vec<RawSurface>,
) -> Result<(), DataError> {
    let here = || format!("{path}{}", index_path(index));
    let Some(items) = v.as_array() else {
        return Err(error(
            file,
            here(),
            format!("expected an array of boundaries, found {}", kind(v)),
        ));
    };
    if depth == 0 {
        // A surface: rings of vertex indices.
        let mut rings = Vec::with_capacity(items.len());
        for (r, ring) in items.iter().enumerate() {
            let Some(ring) = ring.as_array() else {
                return Err(error(
                    file,
                    format!("{}[{r}]", here()),
                    format!(
                        "a ring must be an array of vertex indices, found {}",
                        kind(ring)
                    ),
                ));
            };
            let mut idx = Vec::with_capacity(ring.len());
            for (k, x) in ring.iter().enumerate() {
                let Some(i) = x.as_u64() else {
                    return Err(error(
                        file,
                        format!("{}[{r}][{k}]", here()),
                        format!("a vertex index must be a whole number ≥ 0, found {x}"),
                    ));
                };
                idx.push(usize::try_from(i).unwrap_or(usize::MAX));
            }
            rings.push(idx);
        }
        if rings.is_empty() {
            return Err(error(
                file,
                here(),
                "a surface needs at least its outer ring",
            ));
        }
        out.push(RawSurface {
            index: index.clone(),
            rings,
            outer_shell: outer,
        });
        return Ok(());
    }
    for (i, item) in items.iter().enumerate() {
        index.push(i);
        // Depth 2 lists a solid's shells: the first is its outside.
        let outer_here = if depth == 2 { outer && i == 0 } else { outer };
        collect_surfaces(file, item, path, depth - 1, outer_here, index, out)?;
        index.pop();
    }
    Ok(())
}

/// Walks semantic values: `depth` levels of arrays, then a number or null
/// per surface.
fn collect_values(
    file: &str,
    v: &Value,
    path: &str,
    depth: usize,
    index: &mut Vec<usize>,
    out: &mut Vec<(Vec<usize>, Option<usize>)>,
) -> Result<(), DataError> {
    match v {
        Value::Null => Ok(()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                index.push(i);
                if depth == 0 {
                    match item {
                        Value::Null => {}
                        x => {
                            let Some(n) = x.as_u64() else {
                                return Err(error(
                                    file,
                                    format!("{path}{}", index_path(index)),
                                    format!("a semantic value must be a whole number or null, found {x}"),
                                ));
                            };
                            out.push((
                                index.clone(),
                                Some(usize::try_from(n).unwrap_or(usize::MAX)),
                            ));
                        }
                    }
                } else {
                    collect_values(file, item, path, depth - 1, index, out)?;
                }
                index.pop();
            }
            Ok(())
        }
        other => Err(error(
            file,
            format!("{path}{}", index_path(index)),
            format!("semantic values must be arrays, found {}", kind(other)),
        )),
    }
}

fn read_lod(file: &str, v: Option<&Value>, path: &str) -> Result<String, DataError> {
    match v {
        Some(Value::String(s)) if parse_f64(s).is_some_and(|x| x >= 0.0) => Ok(s.clone()),
        // CityJSON 1.0 wrote numbers; read them the same.
        Some(Value::Number(n)) if n.as_f64().is_some_and(|x| x >= 0.0) => Ok(n.to_string()),
        Some(other) => Err(error(
            file,
            path,
            format!("`lod` must be a level such as \"2\" or \"2.2\", found {other}"),
        )),
        None => Err(error(file, path, "a geometry needs its `lod`")),
    }
}

/// The geometry of the chosen LoD: the requested one (`2` takes `2.x`), or
/// the highest.
fn choose<'s>(shapes: &'s [Shape], lod: Option<&str>) -> Option<&'s Shape> {
    let level = |s: &Shape| parse_f64(&s.lod).unwrap_or(0.0);
    let wanted = lod.and_then(parse_f64);
    shapes
        .iter()
        .filter(|s| match lod {
            None => true,
            Some(want) => {
                s.lod == want
                    || s.lod.strip_prefix(want).is_some_and(|r| r.starts_with('.'))
                    || (wanted.is_some() && wanted == parse_f64(&s.lod))
            }
        })
        .max_by(|a, b| level(a).total_cmp(&level(b)))
}

/// `transform`: scale and translate.
type Transform = ([f64; 3], [f64; 3]);

fn read_transform(file: &str, v: Option<&Value>) -> Result<Option<Transform>, DataError> {
    let Some(v) = v else { return Ok(None) };
    let three = |key: &str| -> Result<[f64; 3], DataError> {
        let path = format!("transform.{key}");
        let a = v.get(key).and_then(Value::as_array);
        match a.map(|a| a.iter().filter_map(Value::as_f64).collect::<Vec<_>>()) {
            Some(n) if n.len() == 3 && a.is_some_and(|a| a.len() == 3) => Ok([n[0], n[1], n[2]]),
            _ => Err(error(
                file,
                path,
                format!("`transform.{key}` must be three numbers"),
            )),
        }
    };
    let scale = three("scale")?;
    if scale.contains(&0.0) {
        return Err(error(
            file,
            "transform.scale",
            "a scale of 0 puts every vertex on one point",
        ));
    }
    Ok(Some((scale, three("translate")?)))
}

fn read_vertices(
    file: &str,
    v: Option<&Value>,
    path: &str,
    transform: Option<Transform>,
) -> Result<Vec<[f64; 3]>, DataError> {
    let Some(Value::Array(list)) = v else {
        return Err(error(file, path, "the file needs a `vertices` array"));
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let xyz = p.as_array().filter(|a| a.len() == 3);
        let nums: Option<Vec<f64>> = xyz.map(|a| {
            a.iter()
                .filter_map(|x| match transform {
                    // With a transform, vertices are integers.
                    Some(_) => x.as_i64().map(|n| n as f64),
                    None => x.as_f64(),
                })
                .collect()
        });
        let Some(n) = nums.filter(|n| n.len() == 3) else {
            let want = if transform.is_some() {
                "three whole numbers (the file has a `transform`)"
            } else {
                "three numbers"
            };
            return Err(error(
                file,
                format!("{path}[{i}]"),
                format!("a vertex must be {want}, found {p}"),
            ));
        };
        out.push(match transform {
            Some((s, t)) => [n[0] * s[0] + t[0], n[1] * s[1] + t[1], n[2] * s[2] + t[2]],
            None => [n[0], n[1], n[2]],
        });
    }
    Ok(out)
}

/// Whether every vertex (after `transform`) lies where the Dutch grid, RD
/// New, has the European Netherlands: x 0–300 km, y 300–625 km. Only for a
/// hint: never an error, and `false` when the vertices cannot be read.
fn looks_like_rd(v: Option<&Value>, transform: Option<Transform>) -> bool {
    let Some(Value::Array(list)) = v else {
        return false;
    };
    let (scale, translate) = transform.unwrap_or(([1.0; 3], [0.0; 3]));
    !list.is_empty()
        && list.iter().all(|p| {
            let xy = p
                .as_array()
                .and_then(|a| Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?)));
            xy.is_some_and(|(x, y)| {
                let (x, y) = (x * scale[0] + translate[0], y * scale[1] + translate[1]);
                (0.0..=300_000.0).contains(&x) && (300_000.0..=625_000.0).contains(&y)
            })
        })
}

fn flatten_into(props: &mut Map<String, Value>, prefix: &str, v: Option<&Value>) {
    let Some(Value::Object(o)) = v else { return };
    for (k, v) in o {
        let name = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(_) => flatten_into(props, &name, Some(v)),
            _ => {
                props.insert(name, v.clone());
            }
        }
    }
}

fn round_mm(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// Twice the signed area of a ring seen from above, halved.
fn area_2d(ring: &[[f64; 3]]) -> f64 {
    let n = ring.len();
    let mut a = 0.0;
    for i in 0..n {
        let p = ring[i];
        let q = ring[(i + 1) % n];
        a += p[0] * q[1] - q[0] * p[1];
    }
    a / 2.0
}
