//! Joining statistics per Stadtteil onto Hamburg's quarters by name.
//!
//! The Stadtteil-Profile tables have one row per Stadtteil, but
//! `quarters.geojson` has one feature per quarter (Ortsteil), and a Stadtteil
//! covers one to ten quarters (Eimsbüttel: ten). Small Stadtteile are
//! published together ("Waltershof und Finkenwerder"), and the tables end with
//! district (Bezirk) and city rows whose names partly repeat Stadtteil names.
//! Copying a count such as the population onto every quarter would multiply
//! it, so the author chooses: dissolve the quarters into one shape per row, or
//! attach the value to each quarter marked as describing the whole Stadtteil.

use crate::csv::Table;
use crate::join::{key_text, table_column, JoinReport, UnmatchedRow};
use crate::suggestion::closest;
use crate::{DataError, Dataset, Feature};
use geo::{unary_union, Geometry, MultiPolygon};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// What to do with the several quarters of one Stadtteil.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StadtteilMode {
    /// One feature per table row: the union of its quarters' shapes.
    Dissolve,
    /// Every quarter keeps its shape and receives its Stadtteil's values,
    /// marked with `stadtteil_wide: true`.
    Attach,
}

/// How to join a Stadtteil table onto quarters.
#[derive(Debug, Clone, PartialEq)]
pub struct StadtteilJoin {
    /// The quarter property with the Stadtteil name (`name` in quarters.geojson).
    pub name_property: String,
    /// The quarter property with the quarter id, listed per Stadtteil (`id`).
    pub id_property: String,
    /// The table column with the Stadtteil name (the first column when `None`).
    pub table_key: Option<String>,
    /// Dissolve or attach.
    pub mode: StadtteilMode,
    /// Quarter properties that are counts: summed per Stadtteil (into the
    /// property itself when dissolving, into `<name>_stadtteil` when attaching).
    pub sum_properties: Vec<String>,
}

impl Default for StadtteilJoin {
    fn default() -> Self {
        StadtteilJoin {
            name_property: "name".into(),
            id_property: "id".into(),
            table_key: None,
            mode: StadtteilMode::Dissolve,
            sum_properties: Vec::new(),
        }
    }
}

/// Joins a Stadtteil table (`file`) onto `quarters` by name.
///
/// Combined rows ("A und B") match the quarters of every part. Rows after the
/// last Stadtteil (district and city totals) and a second row with a name
/// already used (a Bezirk named like its Stadtteil) are reported as unmatched
/// with a hint, never joined.
pub fn join_stadtteile(
    quarters: &Dataset,
    table: &Table,
    file: &str,
    opts: &StadtteilJoin,
) -> Result<(Dataset, JoinReport), DataError> {
    let key_col = match &opts.table_key {
        Some(k) => table_column(table, file, k, "the Stadtteil name")?,
        None => 0,
    };
    // Quarter indices by Stadtteil name, in file order.
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    for (i, q) in quarters.features.iter().enumerate() {
        if let Some(n) = q.properties.get(&opts.name_property).and_then(key_text) {
            if !by_name.contains_key(&n) {
                names.push(n.clone());
            }
            by_name.entry(n).or_default().push(i);
        }
    }
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<(usize, Vec<String>)> = Vec::new();
    let mut unmatched: Vec<(usize, String)> = Vec::new();
    for (r, row) in table.rows.iter().enumerate() {
        let Some(key) = row.values.get(key_col).and_then(key_text) else {
            continue;
        };
        let parts: Vec<String> = if by_name.contains_key(&key) {
            vec![key.clone()]
        } else {
            let split: Vec<String> = key.split(" und ").map(|p| p.trim().to_string()).collect();
            if split.len() > 1 && split.iter().all(|p| by_name.contains_key(p)) {
                split
            } else {
                Vec::new()
            }
        };
        if parts.is_empty() || parts.iter().any(|p| taken.contains_key(p)) {
            unmatched.push((r, key));
            continue;
        }
        for p in &parts {
            taken.insert(p.clone(), r);
        }
        groups.push((r, parts));
    }
    let last_matched = groups.iter().map(|(r, _)| *r).max();
    let mut report = JoinReport {
        rows_total: table.rows.len(),
        rows_matched: groups.len(),
        features_total: quarters.features.len(),
        columns: table.columns.clone(),
        ..JoinReport::default()
    };
    for (r, key) in unmatched {
        let row = &table.rows[r];
        let hint = if last_matched.is_some_and(|l| r > l) {
            Some("a district (Bezirk) or city total: it follows the last Stadtteil row, so it was not joined".to_string())
        } else if taken.contains_key(&key) {
            Some("this name already matched an earlier row".to_string())
        } else {
            closest(&key, names.iter().map(String::as_str))
                .map(|c| format!("no quarter has this name; did you mean {c:?}?"))
                .or_else(|| Some("no quarter has this name".to_string()))
        };
        report.unmatched_rows.push(UnmatchedRow {
            key,
            position: row.position(),
            hint,
        });
    }
    let matched_names: Vec<&String> = names.iter().filter(|n| taken.contains_key(*n)).collect();
    report.features_matched = matched_names.iter().map(|n| by_name[*n].len()).sum();
    report.unmatched_features = names
        .iter()
        .filter(|n| !taken.contains_key(*n))
        .cloned()
        .collect();

    let row_properties = |r: usize| -> Map<String, Value> {
        table
            .columns
            .iter()
            .zip(&table.rows[r].values)
            .map(|(c, v)| (c.clone(), v.clone()))
            .collect()
    };
    let sums = |members: &[usize]| -> Vec<(String, Value)> {
        opts.sum_properties
            .iter()
            .map(|p| {
                let values: Vec<f64> = members
                    .iter()
                    .filter_map(|&i| {
                        quarters.features[i]
                            .properties
                            .get(p)
                            .and_then(Value::as_f64)
                    })
                    .collect();
                let total = (!values.is_empty()).then(|| values.iter().sum::<f64>());
                (
                    p.clone(),
                    total.map_or(Value::Null, crate::number::number_value),
                )
            })
            .collect()
    };
    let ids = |members: &[usize]| -> Value {
        Value::Array(
            members
                .iter()
                .filter_map(|&i| {
                    quarters.features[i]
                        .properties
                        .get(&opts.id_property)
                        .cloned()
                })
                .collect(),
        )
    };
    let mut features = Vec::new();
    match opts.mode {
        StadtteilMode::Dissolve => {
            for (r, parts) in &groups {
                let members: Vec<usize> = parts
                    .iter()
                    .flat_map(|p| by_name[p].iter().copied())
                    .collect();
                let mut properties = row_properties(*r);
                for (k, v) in sums(&members) {
                    properties.insert(k, v);
                }
                properties.insert("quarters".into(), ids(&members));
                let id = table.rows[*r].values.get(key_col).and_then(key_text);
                // The Stadtteil's name where the quarters had theirs, so that
                // tooltips and filters written for quarters keep working.
                if let Some(name) = &id {
                    properties.insert(opts.name_property.clone(), Value::from(name.as_str()));
                }
                features.push(Feature {
                    id,
                    geometry: dissolve(quarters, &members),
                    properties,
                    solid: None,
                });
            }
            // Quarters without a row keep their place on the map, without values.
            for name in &report.unmatched_features {
                let members = &by_name[name];
                let mut properties = Map::new();
                properties.insert(opts.name_property.clone(), Value::from(name.as_str()));
                for (k, v) in sums(members) {
                    properties.insert(k, v);
                }
                properties.insert("quarters".into(), ids(members));
                features.push(Feature {
                    id: Some(name.clone()),
                    geometry: dissolve(quarters, members),
                    properties,
                    solid: None,
                });
            }
        }
        StadtteilMode::Attach => {
            let group_of: HashMap<&str, usize> = groups
                .iter()
                .enumerate()
                .flat_map(|(g, (_, parts))| parts.iter().map(move |p| (p.as_str(), g)))
                .collect();
            for q in &quarters.features {
                let mut f = q.clone();
                let name = q.properties.get(&opts.name_property).and_then(key_text);
                if let Some(&g) = name.as_deref().and_then(|n| group_of.get(n)) {
                    let (r, parts) = &groups[g];
                    let members: Vec<usize> = parts
                        .iter()
                        .flat_map(|p| by_name[p].iter().copied())
                        .collect();
                    for (k, v) in row_properties(*r) {
                        // The quarter's own name and id stay; the row's key is `stadtteil`.
                        f.properties.entry(k).or_insert(v);
                    }
                    for (k, v) in sums(&members) {
                        f.properties.insert(format!("{k}_stadtteil"), v);
                    }
                    let key = table.rows[*r]
                        .values
                        .get(key_col)
                        .cloned()
                        .unwrap_or(Value::Null);
                    f.properties.insert("stadtteil".into(), key);
                    f.properties
                        .insert("stadtteil_quarters".into(), Value::from(members.len()));
                    f.properties
                        .insert("stadtteil_wide".into(), Value::Bool(true));
                }
                features.push(f);
            }
        }
    }
    Ok((
        Dataset {
            features,
            warnings: table.warnings.clone(),
        },
        report,
    ))
}

/// The union of the member quarters' polygons.
fn dissolve(quarters: &Dataset, members: &[usize]) -> Option<Geometry<f64>> {
    let shapes: Vec<MultiPolygon<f64>> = members
        .iter()
        .filter_map(|&i| match &quarters.features[i].geometry {
            Some(Geometry::Polygon(p)) => Some(MultiPolygon(vec![p.clone()])),
            Some(Geometry::MultiPolygon(m)) => Some(m.clone()),
            _ => None,
        })
        .collect();
    match shapes.len() {
        0 => None,
        1 => shapes.into_iter().next().map(Geometry::MultiPolygon),
        _ => Some(Geometry::MultiPolygon(unary_union(&shapes))),
    }
}
