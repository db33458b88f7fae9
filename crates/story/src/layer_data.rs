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
    /// The column of the `join` (first index) that its `columns` lists
    /// at the second index.
    JoinColumn(usize, usize),
    /// The computed field with this index.
    Compute(usize),
}

/// The help for a `by: key` join whose table has no key column: the
/// column that holds the features' names, if one does (a Stadtteil table
/// joined without `by: stadtteil`, or a key that is not named), else the
/// columns to choose from.
fn key_help(j: &twinstory_model::Join, table: &twinstory_data::Table, data: &Dataset) -> String {
    let feature_key = j.feature_key.as_deref().unwrap_or("id");
    let names: std::collections::BTreeSet<&str> = data
        .features
        .iter()
        .filter_map(|f| f.properties.get("name").and_then(|v| v.as_str()))
        .collect();
    // The column whose texts are most often a feature's `name`, if at
    // least half of the table's rows are.
    let named_by = (0..table.columns.len())
        .map(|c| {
            let hits = table
                .rows
                .iter()
                .filter(|r| {
                    r.values
                        .get(c)
                        .and_then(|v| v.as_str())
                        .is_some_and(|t| names.contains(t.trim()))
                })
                .count();
            (hits, c)
        })
        .max()
        .filter(|(hits, _)| *hits > 0 && hits * 2 >= table.rows.len());
    if let Some((_, c)) = named_by {
        let column = &table.columns[c];
        let stadtteil = if j.feature_key.is_none() && j.table_key.is_none() {
            "for Hamburg's Stadtteil statistics (Statistikamt Nord) write `by: stadtteil`, which matches each Stadtteil to its quarters (`mode: dissolve` or `attach`); for another table "
        } else {
            ""
        };
        return format!(
            "the column `{column}` holds the names of the layer's features: {stadtteil}write `table-key: \"{column}\"` and `feature-key: name` (docs/story-format.md, \"Joining tables\")"
        );
    }
    let columns: Vec<&str> = table.columns.iter().map(String::as_str).collect();
    let listed = crate::suggest::listed(&columns, "the table's columns are").unwrap_or_default();
    format!(
        "name the table's column that holds the features' `{feature_key}` with `table-key:`, and the features' field with `feature-key:`; {listed}"
    )
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
/// and computes its fields; the first problem stops it.
pub fn load_layer_data(layer: &Layer, base_dir: &Path) -> Result<LayerData, LayerProblem> {
    let read = read_layer(layer, base_dir)?;
    match read.problems.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(read.data),
    }
}

/// A layer's data read as far as it could be: a failed `join` or `compute`
/// does not stop the others, so an author sees every problem in one run.
#[derive(Debug)]
pub(crate) struct LayerRead {
    /// The source with the joins and computed fields that succeeded.
    pub data: LayerData,
    /// The index in `layer.join` of each of `data.joins`.
    pub joined: Vec<usize>,
    /// The failed joins and computed fields, in order.
    pub problems: Vec<LayerProblem>,
    /// Fields a failed join or computed field would have added: checks of
    /// these names are skipped, not reported as missing.
    lost: Vec<String>,
    /// A failed join whose columns are not known (its table could not be
    /// read): any field the data lacks may be one of them.
    lost_unknown: bool,
}

impl LayerRead {
    /// Whether `name` is missing only because a join or computed field failed.
    pub fn lost(&self, name: &str) -> bool {
        is_lost(&self.lost, self.lost_unknown, &self.data.dataset, name)
    }
}

/// Whether `name` is one of the fields that failed joins or computed fields
/// would have added (`lost`, or any field `data` lacks when `unknown`).
fn is_lost(lost: &[String], unknown: bool, data: &Dataset, name: &str) -> bool {
    lost.iter().any(|l| l == name)
        || (unknown
            && !data
                .features
                .iter()
                .any(|f| f.properties.contains_key(name)))
}

/// Reads a layer's source, joins its tables and computes its fields, going
/// on past a failed join or computed field; only a source that cannot be
/// read stops it.
pub(crate) fn read_layer(layer: &Layer, base_dir: &Path) -> Result<LayerRead, LayerProblem> {
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
    let mut joined = Vec::new();
    let mut table_warnings = Vec::new();
    let mut problems = Vec::new();
    let mut lost: Vec<String> = Vec::new();
    let mut lost_unknown = false;
    for (i, j) in layer.join.iter().enumerate() {
        let part = LayerPart::Join(i);
        let feature_key = j.feature_key.clone().unwrap_or_else(|| match j.by {
            JoinBy::Key => "id".into(),
            JoinBy::Stadtteil => "name".into(),
        });
        // What this join adds, as far as it is known before its table is read.
        let adds = j.columns.iter().chain(&j.sum).cloned();
        let bytes = match read_file(base_dir, &j.table) {
            Ok(bytes) => bytes,
            Err(hint) => {
                problems.push(LayerProblem {
                    part,
                    code: "E0061",
                    message: format!(
                        "the table `{}` of layer `{}` does not exist",
                        j.table, layer.id
                    ),
                    hint: Some(hint),
                });
                lost.extend(adds);
                lost_unknown |= j.columns.is_empty();
                continue;
            }
        };
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
        let table = match read_csv_table(&j.table, &bytes, &dialect) {
            Ok(table) => table,
            Err(e) => {
                problems.push(LayerProblem {
                    part,
                    code: "E0062",
                    message: format!(
                        "the table `{}` of layer `{}` cannot be read: {}",
                        j.table,
                        layer.id,
                        with_position(&e)
                    ),
                    hint: e.hint.clone(),
                });
                lost.extend(adds);
                lost_unknown |= j.columns.is_empty();
                continue;
            }
        };
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
        // If this join fails, the fields it would have added are its table's
        // columns and its sums.
        let table_columns = table.columns.iter().cloned().chain(adds);
        let missing_column = j
            .columns
            .iter()
            .enumerate()
            .find(|(_, c)| !table.columns.iter().any(|t| t == *c));
        if let Some((k, c)) = missing_column {
            let names: Vec<&str> = table.columns.iter().map(String::as_str).collect();
            problems.push(LayerProblem {
                part: LayerPart::JoinColumn(i, k),
                code: "E0064",
                message: format!("the table `{}` has no column `{c}`", j.table),
                hint: did_you_mean(c, &names, "its columns are"),
            });
            lost.extend(table_columns);
            continue;
        }
        // A key that an earlier failed join would have added: that failure
        // is reported already.
        if is_lost(&lost, lost_unknown, &dataset, &feature_key) {
            lost.extend(table_columns);
            continue;
        }
        let made = match j.by {
            JoinBy::Key => {
                let opts = JoinOptions {
                    table_key: j.table_key.clone().unwrap_or_else(|| feature_key.clone()),
                    feature_key,
                    columns: (!j.columns.is_empty()).then(|| j.columns.clone()),
                    fill_unmatched: j.missing.map(number),
                };
                join_table(&mut dataset, &table, &j.table, &opts)
            }
            JoinBy::Stadtteil => {
                let opts = StadtteilJoin {
                    name_property: feature_key,
                    table_key: j.table_key.clone(),
                    mode: match j.mode {
                        JoinMode::Dissolve => StadtteilMode::Dissolve,
                        JoinMode::Attach => StadtteilMode::Attach,
                    },
                    sum_properties: j.sum.clone(),
                    ..StadtteilJoin::default()
                };
                join_stadtteile(&dataset, &table, &j.table, &opts).map(|(made, mut report)| {
                    // The source's own warnings stay; the table's are reported at its `join`.
                    dataset = Dataset {
                        warnings: std::mem::take(&mut dataset.warnings),
                        ..made
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
                })
            }
        };
        match made {
            Ok(report) => {
                joins.push((j.table.clone(), report));
                joined.push(i);
            }
            Err(mut e) => {
                if e.message.ends_with("(the join key)") {
                    e.hint = Some(key_help(j, &table, &dataset));
                }
                problems.push(join_failed(e));
                lost.extend(table_columns);
            }
        }
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
        let unknown = match compute_field(&mut dataset, &c.name, &c.expression) {
            Ok(unknown) => unknown,
            Err(e) => {
                problems.push(LayerProblem {
                    part,
                    code: "E0023",
                    message: format!("the expression for `{what}` cannot be read: {}", e.message),
                    hint: None,
                });
                lost.push(c.name.clone());
                continue;
            }
        };
        if unknown.is_empty() {
            continue;
        }
        // Not a field of its own: one a failed join or computed field would
        // have added, whose failure is reported already.
        let own = unknown
            .iter()
            .find(|u| !is_lost(&lost, lost_unknown, &dataset, u));
        if let Some(field) = own {
            let sheet = DataSheet::of(&dataset);
            let names: Vec<&str> = sheet
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .filter(|n| *n != c.name && !matches!(*n, "extrude-height" | "extrude-base-height"))
                .collect();
            let help = did_you_mean(field, &names, "the fields are");
            problems.push(LayerProblem {
                part,
                code: "E0065",
                message: format!(
                    "the expression for `{what}` uses `{field}`, but no feature of layer `{}` has that field",
                    layer.id
                ),
                hint: help,
            });
        }
        for f in &mut dataset.features {
            f.properties.remove(&c.name);
        }
        lost.push(c.name.clone());
    }
    Ok(LayerRead {
        data: LayerData {
            dataset,
            joins,
            table_warnings,
        },
        joined,
        problems,
        lost,
        lost_unknown,
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
