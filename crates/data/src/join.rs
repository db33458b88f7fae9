//! Attaching the columns of a table to features by a key.

use crate::csv::Table;
use crate::suggestion::closest;
use crate::{DataError, Dataset, Position};
use serde_json::Value;
use std::collections::HashMap;

/// How to join a table onto features.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinOptions {
    /// The feature property holding the key.
    pub feature_key: String,
    /// The table column holding the key.
    pub table_key: String,
    /// The columns to attach (all but the key when `None`).
    pub columns: Option<Vec<String>>,
    /// The value given to the attached columns of features without a row
    /// (e.g. `0` for counts that list only non-zero places); `None` leaves them out.
    pub fill_unmatched: Option<Value>,
}

/// What a join matched, for `validate --verbose` and the author.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JoinReport {
    /// Data rows in the table.
    pub rows_total: usize,
    /// Rows whose key matched at least one feature.
    pub rows_matched: usize,
    /// Features joined onto.
    pub features_total: usize,
    /// Features that received a row.
    pub features_matched: usize,
    /// Rows whose key matched no feature.
    pub unmatched_rows: Vec<UnmatchedRow>,
    /// Keys of the features that received no row (each key once).
    pub unmatched_features: Vec<String>,
    /// The columns that were attached.
    pub columns: Vec<String>,
}

/// A table row that found no feature.
#[derive(Debug, Clone, PartialEq)]
pub struct UnmatchedRow {
    /// The row's key as text.
    pub key: String,
    /// Where the row is in the table.
    pub position: Position,
    /// Why it probably did not match, when that can be told.
    pub hint: Option<String>,
}

impl std::fmt::Display for JoinReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} of {} rows matched, {} of {} features received values",
            self.rows_matched, self.rows_total, self.features_matched, self.features_total
        )?;
        for r in &self.unmatched_rows {
            write!(f, "  unmatched row {:?} at {}", r.key, r.position)?;
            if let Some(h) = &r.hint {
                write!(f, " ({h})")?;
            }
            writeln!(f)?;
        }
        if !self.unmatched_features.is_empty() {
            writeln!(
                f,
                "  features without a row: {}",
                self.unmatched_features.join(", ")
            )?;
        }
        Ok(())
    }
}

/// A key as text: strings trimmed, numbers in their decimal form.
pub(crate) fn key_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Digits-only keys also match without their leading zeros ("01101101" = 1101101).
fn loose(key: &str) -> Option<&str> {
    (!key.is_empty() && key.bytes().all(|b| b.is_ascii_digit())).then(|| {
        let t = key.trim_start_matches('0');
        if t.is_empty() {
            "0"
        } else {
            t
        }
    })
}

/// The column index of `name`, or an error naming the table and a suggestion.
pub(crate) fn table_column(
    table: &Table,
    file: &str,
    name: &str,
    role: &str,
) -> Result<usize, DataError> {
    table.column(name).ok_or_else(|| {
        let hint = match closest(name, table.columns.iter().map(String::as_str)) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("the columns are: {}", table.columns.join(", ")),
        };
        DataError::new(
            file,
            Some(Position::LineColumn { line: 1, column: 1 }),
            format!("the table has no column `{name}` ({role})"),
            Some(hint),
        )
    })
}

/// Attaches the columns of `table` (read from `file`) to the features of `dataset` by key.
///
/// Values keep the types the table reader gave them (numbers where the whole
/// column is numeric). A key that occurs in several rows uses the first row;
/// the later ones are reported as unmatched with a hint.
pub fn join_table(
    dataset: &mut Dataset,
    table: &Table,
    file: &str,
    opts: &JoinOptions,
) -> Result<JoinReport, DataError> {
    let key_col = table_column(table, file, &opts.table_key, "the join key")?;
    let columns: Vec<usize> = match &opts.columns {
        Some(names) => names
            .iter()
            .map(|n| table_column(table, file, n, "a column to join"))
            .collect::<Result<_, _>>()?,
        None => (0..table.columns.len()).filter(|c| *c != key_col).collect(),
    };
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut by_loose: HashMap<String, usize> = HashMap::new();
    let mut report = JoinReport {
        rows_total: table.rows.len(),
        features_total: dataset.features.len(),
        columns: columns.iter().map(|c| table.columns[*c].clone()).collect(),
        ..JoinReport::default()
    };
    let mut duplicates = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let Some(key) = row.values.get(key_col).and_then(key_text) else {
            continue;
        };
        if by_key.contains_key(&key) {
            duplicates.push(i);
            continue;
        }
        if let Some(l) = loose(&key) {
            by_loose.entry(l.to_string()).or_insert(i);
        }
        by_key.insert(key, i);
    }
    let mut row_used = vec![false; table.rows.len()];
    let mut unmatched_features = Vec::new();
    let feature_keys: Vec<String> = dataset
        .features
        .iter()
        .filter_map(|f| f.properties.get(&opts.feature_key).and_then(key_text))
        .collect();
    for feature in &mut dataset.features {
        let key = feature.properties.get(&opts.feature_key).and_then(key_text);
        let row = key.as_deref().and_then(|k| {
            by_key
                .get(k)
                .or_else(|| loose(k).and_then(|l| by_loose.get(l)))
                .copied()
        });
        match row {
            Some(r) => {
                row_used[r] = true;
                report.features_matched += 1;
                for &c in &columns {
                    let v = table.rows[r].values.get(c).cloned().unwrap_or(Value::Null);
                    feature.properties.insert(table.columns[c].clone(), v);
                }
            }
            None => {
                if let Some(fill) = &opts.fill_unmatched {
                    for &c in &columns {
                        feature
                            .properties
                            .insert(table.columns[c].clone(), fill.clone());
                    }
                }
                let k = key.unwrap_or_else(|| "(no key)".to_string());
                if !unmatched_features.contains(&k) {
                    unmatched_features.push(k);
                }
            }
        }
    }
    report.unmatched_features = unmatched_features;
    for (i, row) in table.rows.iter().enumerate() {
        if row_used[i] {
            report.rows_matched += 1;
            continue;
        }
        let key = row
            .values
            .get(key_col)
            .and_then(key_text)
            .unwrap_or_default();
        let hint = if duplicates.contains(&i) {
            Some("the same key appears in an earlier row, which was used".to_string())
        } else if key.is_empty() {
            Some("the row has no key".to_string())
        } else {
            closest(&key, feature_keys.iter().map(String::as_str))
                .map(|c| format!("no feature has this key; did you mean {c:?}?"))
        };
        report.unmatched_rows.push(UnmatchedRow {
            key,
            position: row.position(),
            hint,
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_csv_table, CsvDialect, Feature};
    use serde_json::json;

    #[test]
    fn joins_by_key_with_fill_and_reports_both_sides() {
        let table = read_csv_table(
            "t.csv",
            b"id,n\n01101101,1\n01101102,2\n09999999,3\n",
            &CsvDialect::default(),
        )
        .unwrap();
        let mut d = Dataset::default();
        for id in ["01101101", "01101102", "01101103"] {
            let properties = json!({ "id": id }).as_object().cloned().unwrap_or_default();
            d.features.push(Feature {
                id: None,
                geometry: None,
                properties,
                solid: None,
            });
        }
        let opts = JoinOptions {
            feature_key: "id".into(),
            table_key: "id".into(),
            columns: None,
            fill_unmatched: Some(json!(0)),
        };
        let r = join_table(&mut d, &table, "t.csv", &opts).unwrap();
        assert_eq!(d.features[1].properties["n"], json!(2));
        assert_eq!(d.features[2].properties["n"], json!(0));
        assert_eq!((r.rows_matched, r.features_matched), (2, 2));
        assert_eq!(r.unmatched_features, vec!["01101103".to_string()]);
        assert_eq!(r.unmatched_rows[0].key, "09999999");
        assert_eq!(
            r.unmatched_rows[0].position,
            Position::Row { row: 4, line: 4 }
        );
    }

    #[test]
    fn a_misspelt_key_column_is_an_error_with_a_suggestion() {
        let table = read_csv_table("t.csv", b"id,n\n1,2\n", &CsvDialect::default()).unwrap();
        let opts = JoinOptions {
            feature_key: "id".into(),
            table_key: "Id_".into(),
            columns: None,
            fill_unmatched: None,
        };
        let e = join_table(&mut Dataset::default(), &table, "t.csv", &opts).unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `id`?"));
    }
}
