//! A layer's data as `twinstory build` writes it: the source read, the
//! tables of `join` attached, the `compute` fields added, plus what an
//! author needs to check it (join reports, a data sheet).
//!
//! `check_assets` turns the problems into diagnostics at the right line;
//! the CLI's build writes the result, `validate --verbose` prints the reports.

use crate::suggest::did_you_mean;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use twinstory_data::{
    compute_field, join_stadtteile, join_table, read_csv_table, CityJsonProblem, CsvDialect,
    DataError, DataWarning, Dataset, FileFormat, JoinOptions, JoinReport, NumberFormat,
    StadtteilJoin, StadtteilMode, TextEncoding,
};
use twinstory_model::{JoinBy, JoinMode, Layer, NumberStyle, TableEncoding};

/// A layer's features after joins and computed fields.
#[derive(Debug, Clone)]
pub struct LayerData {
    /// The features, ready to be drawn.
    pub dataset: Dataset,
    /// Per `join`, in order: the table and what matched.
    pub joins: Vec<(String, JoinReport)>,
    /// Problems in joined tables that did not stop reading (e.g. a Latin-1
    /// file read without `encoding`), with the index of their `join`.
    pub table_warnings: Vec<(usize, DataWarning)>,
}

/// Which part of a layer's settings a problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerPart {
    /// The `source`.
    Source,
    /// The `join` with this index.
    Join(usize),
    /// The key column of the `join` with this index (`table-key`, else
    /// `feature-key`, else its `table`).
    JoinKey(usize),
    /// The computed field with this index.
    Compute(usize),
}

/// Why a layer's data could not be made.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerProblem {
    /// Where in the layer's settings.
    pub part: LayerPart,
    /// Diagnostic code.
    pub code: &'static str,
    /// What is wrong, naming the file.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Reads a layer's source (a local file below `base_dir`), joins its tables
/// and computes its fields.
pub fn load_layer_data(layer: &Layer, base_dir: &Path) -> Result<LayerData, LayerProblem> {
    let url = layer.source.url();
    let Some(format) = FileFormat::of(&layer.source) else {
        return Err(read_by_player(layer));
    };
    let bytes = read_file(base_dir, url).map_err(|hint| LayerProblem {
        part: LayerPart::Source,
        code: "E0061",
        message: format!(
            "the data file `{url}` of layer `{}` does not exist",
            layer.id
        ),
        hint: Some(hint),
    })?;
    // CityJSON problems an author meets often have codes of their own.
    let read = match &format {
        FileFormat::Cityjson(opts) => twinstory_data::read_cityjson_file(url, &bytes, opts)
            .map_err(|e| {
                let code = match e.problem {
                    CityJsonProblem::ReferenceSystem => "E0160",
                    CityJsonProblem::NoObjects => "E0161",
                    CityJsonProblem::Lod => "E0162",
                    CityJsonProblem::Other => "E0062",
                };
                (e.error, code)
            }),
        _ => format
            .read(url, &bytes, Some(twinstory_data::read_overpass))
            .map_err(|e| (e, "E0062")),
    };
    let mut dataset = read.map_err(|(e, code)| {
        if matches!(layer.source, twinstory_model::Source::Geojson { .. })
            && crate::checks::data::is_overpass_export(&bytes)
        {
            return LayerProblem {
                part: LayerPart::Source,
                code: "E0062",
                message: format!(
                    "the data file `{url}` of layer `{}` is an Overpass export, not GeoJSON",
                    layer.id
                ),
                hint: Some("write `type: overpass` in the layer's `source`".into()),
            };
        }
        if matches!(layer.source, twinstory_model::Source::Geojson { .. })
            && e.message.contains("\"CityJSON\" is not a GeoJSON type")
        {
            return LayerProblem {
                part: LayerPart::Source,
                code: "E0062",
                message: format!(
                    "the data file `{url}` of layer `{}` is CityJSON (3D buildings), not GeoJSON",
                    layer.id
                ),
                hint: Some("write `type: cityjson` in the layer's `source`".into()),
            };
        }
        LayerProblem {
            part: LayerPart::Source,
            code,
            message: format!(
                "the data file `{url}` of layer `{}` cannot be read: {}",
                layer.id,
                with_position(&e)
            ),
            hint: e.hint.clone(),
        }
    })?;
    let mut joins = Vec::new();
    let mut table_warnings = Vec::new();
    for (i, j) in layer.join.iter().enumerate() {
        let part = LayerPart::Join(i);
        let bytes = read_file(base_dir, &j.table).map_err(|hint| LayerProblem {
            part,
            code: "E0061",
            message: format!(
                "the table `{}` of layer `{}` does not exist",
                j.table, layer.id
            ),
            hint: Some(hint),
        })?;
        let dialect = CsvDialect {
            delimiter: j.delimiter,
            encoding: j.encoding.map(|e| match e {
                TableEncoding::Utf8 => TextEncoding::Utf8,
                TableEncoding::Latin1 => TextEncoding::Windows1252,
            }),
            number_format: j.numbers.map(|n| match n {
                NumberStyle::DecimalComma => NumberFormat::DecimalComma,
                NumberStyle::DecimalPoint => NumberFormat::DecimalPoint,
            }),
            ..CsvDialect::default()
        };
        let table = read_csv_table(&j.table, &bytes, &dialect).map_err(|e| LayerProblem {
            part,
            code: "E0062",
            message: format!(
                "the table `{}` of layer `{}` cannot be read: {}",
                j.table,
                layer.id,
                with_position(&e)
            ),
            hint: e.hint.clone(),
        })?;
        table_warnings.extend(table.warnings.iter().map(|w| (i, w.clone())));
        let join_failed = |e: DataError| LayerProblem {
            // A missing key column is marked where the key is named.
            part: if e.message.ends_with("(the join key)")
                || e.message.ends_with("(the Stadtteil name)")
            {
                LayerPart::JoinKey(i)
            } else {
                part
            },
            code: "E0064",
            message: format!(
                "the table `{}` cannot be joined onto layer `{}`: {}",
                j.table, layer.id, e.message
            ),
            hint: e.hint,
        };
        for c in &j.columns {
            if !table.columns.iter().any(|t| t == c) {
                let names: Vec<&str> = table.columns.iter().map(String::as_str).collect();
                return Err(LayerProblem {
                    part,
                    code: "E0064",
                    message: format!("the table `{}` has no column `{c}`", j.table),
                    hint: did_you_mean(c, &names, "its columns are"),
                });
            }
        }
        let report = match j.by {
            JoinBy::Key => {
                let feature_key = j.feature_key.clone().unwrap_or_else(|| "id".into());
                let opts = JoinOptions {
                    table_key: j.table_key.clone().unwrap_or_else(|| feature_key.clone()),
                    feature_key,
                    columns: (!j.columns.is_empty()).then(|| j.columns.clone()),
                    fill_unmatched: j.missing.map(number),
                };
                join_table(&mut dataset, &table, &j.table, &opts).map_err(join_failed)?
            }
            JoinBy::Stadtteil => {
                let opts = StadtteilJoin {
                    name_property: j.feature_key.clone().unwrap_or_else(|| "name".into()),
                    table_key: j.table_key.clone(),
                    mode: match j.mode {
                        JoinMode::Dissolve => StadtteilMode::Dissolve,
                        JoinMode::Attach => StadtteilMode::Attach,
                    },
                    sum_properties: j.sum.clone(),
                    ..StadtteilJoin::default()
                };
                let (joined, mut report) =
                    join_stadtteile(&dataset, &table, &j.table, &opts).map_err(join_failed)?;
                // The source's own warnings stay; the table's are reported at its `join`.
                dataset = Dataset {
                    warnings: std::mem::take(&mut dataset.warnings),
                    ..joined
                };
                if !j.columns.is_empty() {
                    let drop: Vec<String> = report
                        .columns
                        .iter()
                        .filter(|c| !j.columns.contains(c))
                        .cloned()
                        .collect();
                    for f in &mut dataset.features {
                        for c in &drop {
                            f.properties.remove(c);
                        }
                    }
                    report.columns.retain(|c| j.columns.contains(c));
                }
                report
            }
        };
        joins.push((j.table.clone(), report));
    }
    for (i, c) in layer.compute.iter().enumerate() {
        let part = LayerPart::Compute(i);
        // An `extrude` expression is computed as the field `extrude-height`
        // (`extrude-base`: `extrude-base-height`); name the setting the
        // author wrote.
        let what = match c.name.strip_suffix("-height") {
            Some(key @ ("extrude" | "extrude-base")) => key,
            _ => c.name.as_str(),
        };
        let unknown =
            compute_field(&mut dataset, &c.name, &c.expression).map_err(|e| LayerProblem {
                part,
                code: "E0023",
                message: format!("the expression for `{what}` cannot be read: {}", e.message),
                hint: None,
            })?;
        if let Some(field) = unknown.first() {
            let sheet = DataSheet::of(&dataset);
            let names: Vec<&str> = sheet
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .filter(|n| *n != c.name && !matches!(*n, "extrude-height" | "extrude-base-height"))
                .collect();
            let help = did_you_mean(field, &names, "the fields are");
            return Err(LayerProblem {
                part,
                code: "E0065",
                message: format!(
                    "the expression for `{what}` uses `{field}`, but no feature of layer `{}` has that field",
                    layer.id
                ),
                hint: help,
            });
        }
    }
    Ok(LayerData {
        dataset,
        joins,
        table_warnings,
    })
}

/// A service is read by the player while the story plays, never here.
fn read_by_player(layer: &Layer) -> LayerProblem {
    LayerProblem {
        part: LayerPart::Source,
        code: "E0063",
        message: format!(
            "layer `{}` is read from a server while the story plays, not from a file",
            layer.id
        ),
        hint: Some("joins and computed fields need a file beside story.md".into()),
    }
}

fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

fn read_file(base_dir: &Path, url: &str) -> Result<Vec<u8>, String> {
    let path = base_dir.join(crate::assets::percent_decode(url));
    std::fs::read(&path).map_err(|_| {
        format!(
            "the path is relative to the story folder; no file was found at {}",
            path.display()
        )
    })
}

fn with_position(e: &DataError) -> String {
    match &e.position {
        Some(p) => format!("at {p}: {}", e.message),
        None => e.message.clone(),
    }
}

/// What a layer's data holds: printed by `validate --verbose`.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSheet {
    /// Number of features.
    pub features: usize,
    /// Features per geometry type (`Point`, `MultiPolygon`, … and `none`).
    pub geometries: BTreeMap<String, usize>,
    /// Every property, by name.
    pub fields: Vec<FieldSheet>,
}

/// One property of a layer's features.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSheet {
    /// Property name.
    pub name: String,
    /// `number`, `text`, `yes/no`, `mixed` or `empty`.
    pub kind: &'static str,
    /// Features without a value (missing or null).
    pub missing: usize,
}

impl DataSheet {
    /// Describes `data`.
    pub fn of(data: &Dataset) -> Self {
        let mut geometries = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut kinds: BTreeMap<String, (usize, usize, usize, usize)> = BTreeMap::new();
        for f in &data.features {
            let g = f.geometry.as_ref().map_or("none", geometry_name);
            *geometries.entry(g.to_owned()).or_insert(0) += 1;
            for (k, v) in &f.properties {
                let e = kinds.entry(k.clone()).or_insert_with(|| {
                    order.push(k.clone());
                    (0, 0, 0, 0)
                });
                match v {
                    Value::Number(_) => e.0 += 1,
                    Value::String(_) => e.1 += 1,
                    Value::Bool(_) => e.2 += 1,
                    Value::Null => {}
                    _ => e.3 += 1,
                }
            }
        }
        let n = data.features.len();
        let fields = order
            .into_iter()
            .map(|name| {
                let (num, text, yes, other) = kinds.get(&name).copied().unwrap_or_default();
                let present = num + text + yes + other;
                let kind = match (num, text, yes, other) {
                    (0, 0, 0, 0) => "empty",
                    (_, 0, 0, 0) => "number",
                    (0, _, 0, 0) => "text",
                    (0, 0, _, 0) => "yes/no",
                    _ => "mixed",
                };
                FieldSheet {
                    name,
                    kind,
                    missing: n - present,
                }
            })
            .collect();
        DataSheet {
            features: n,
            geometries,
            fields,
        }
    }
}

fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::Line(_) | geo::Geometry::LineString(_) => "LineString",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::Polygon(_) | geo::Geometry::Rect(_) | geo::Geometry::Triangle(_) => {
            "Polygon"
        }
        geo::Geometry::MultiPolygon(_) => "MultiPolygon",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

impl std::fmt::Display for DataSheet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let geoms: Vec<String> = self
            .geometries
            .iter()
            .map(|(g, n)| format!("{n} {g}"))
            .collect();
        writeln!(f, "{} features ({})", self.features, geoms.join(", "))?;
        for field in &self.fields {
            if field.missing > 0 {
                writeln!(
                    f,
                    "  {}: {} ({} without a value)",
                    field.name, field.kind, field.missing
                )?;
            } else {
                writeln!(f, "  {}: {}", field.name, field.kind)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_story;

    fn cases() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases"))
    }

    #[test]
    fn joins_and_computes_with_german_numbers() {
        let src = std::fs::read(cases().join("join_good.md")).unwrap();
        let story = parse_story("join_good.md", &src).story.unwrap();
        let data = load_layer_data(&story.layers[0], cases()).unwrap();
        let (table, report) = &data.joins[0];
        assert_eq!(table, "data/counts.csv");
        assert_eq!((report.rows_matched, report.rows_total), (2, 3));
        assert_eq!(report.unmatched_rows[0].key, "C");
        let p = |i: usize, k: &str| data.dataset.features[i].properties[k].as_f64().unwrap();
        assert_eq!(p(0, "Anzahl"), 3.0);
        assert_eq!(p(1, "Fläche in km²"), 2.25);
        assert!((p(0, "dichte") - 2.0).abs() < 1e-12);
        assert!((p(1, "dichte") - 7.0 / 2.25).abs() < 1e-12);
        let sheet = DataSheet::of(&data.dataset);
        assert_eq!(sheet.features, 2);
        assert_eq!(sheet.geometries.get("Point"), Some(&2));
        let kinds: Vec<(&str, &str)> = sheet
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("Anzahl", "number"),
                ("Fläche in km²", "number"),
                ("dichte", "number"),
                ("name", "text")
            ]
        );
    }
}
