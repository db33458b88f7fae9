//! Points from a CSV table with latitude and longitude columns.

use crate::csv::{show_delimiter, split_records, type_table, CsvDialect, Table};
use crate::number::parse_coordinate;
use crate::suggestion::closest;
use crate::{CsvOptions, DataError, DataWarning, Dataset, Feature, Position};
use geo::{Geometry, Point};
use serde_json::{Map, Value};

/// Column names taken as latitude, best first (compared case-insensitively).
const LAT_NAMES: [&str; 9] = [
    "lat",
    "latitude",
    "breite",
    "breitengrad",
    "lat_wgs84",
    "wgs84_lat",
    "geo_lat",
    "y_wgs84",
    "y",
];
/// Column names taken as longitude, best first (compared case-insensitively).
const LON_NAMES: [&str; 13] = [
    "lon",
    "lng",
    "long",
    "longitude",
    "länge",
    "laenge",
    "längengrad",
    "lon_wgs84",
    "wgs84_lon",
    "geo_lon",
    "geo_lng",
    "x_wgs84",
    "x",
];

/// Reads points from a CSV file with latitude/longitude columns.
///
/// Rows without usable coordinates are skipped and reported in one warning
/// with their row and line numbers.
pub fn read_csv_points(file: &str, bytes: &[u8], opts: &CsvOptions) -> Result<Dataset, DataError> {
    let dialect = CsvDialect {
        delimiter: opts.delimiter,
        ..CsvDialect::default()
    };
    read_csv_points_with(file, bytes, opts, &dialect)
}

/// Like [`read_csv_points`], with every dialect setting available.
pub fn read_csv_points_with(
    file: &str,
    bytes: &[u8],
    opts: &CsvOptions,
    dialect: &CsvDialect,
) -> Result<Dataset, DataError> {
    let dialect = CsvDialect {
        delimiter: opts.delimiter.or(dialect.delimiter),
        ..dialect.clone()
    };
    let raw = split_records(file, bytes, &dialect)?;
    let header_line = raw.header.as_ref().map_or(1, |h| h.line);
    let table = type_table(raw, &dialect);
    let lat = coordinate_column(
        file,
        &table,
        opts.lat.as_deref(),
        &LAT_NAMES,
        "latitude",
        "lat",
        header_line,
    )?;
    let lon = coordinate_column(
        file,
        &table,
        opts.lon.as_deref(),
        &LON_NAMES,
        "longitude",
        "lon",
        header_line,
    )?;
    points_from_table(file, table, lat, lon)
}

/// The columns a point reader would use, if the header has them.
pub fn detect_coordinate_columns(columns: &[String]) -> Option<(usize, usize)> {
    Some((
        find_by_names(columns, &LAT_NAMES)?,
        find_by_names(columns, &LON_NAMES)?,
    ))
}

fn find_by_names(columns: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| columns.iter().position(|c| c.trim().to_lowercase() == *n))
}

fn coordinate_column(
    file: &str,
    table: &Table,
    chosen: Option<&str>,
    names: &[&str],
    what: &str,
    option: &str,
    header_line: usize,
) -> Result<usize, DataError> {
    let position = Some(Position::LineColumn {
        line: header_line,
        column: 1,
    });
    if let Some(name) = chosen {
        return table.column(name).ok_or_else(|| {
            let hint = match closest(name, table.columns.iter().map(String::as_str)) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("the columns are: {}", list_columns(&table.columns)),
            };
            DataError::new(
                file,
                position.clone(),
                format!("there is no column `{name}` for the {what}"),
                Some(hint),
            )
        });
    }
    find_by_names(&table.columns, names).ok_or_else(|| {
        let one_column = table.columns.len() == 1 && table.columns[0].contains([';', ',', '\t']);
        let hint = if one_column {
            "the whole header is one column, so the separator was not recognised; set `delimiter`"
                .to_string()
        } else {
            format!(
                "name the column `{}` or set `{option}` to one of: {}",
                names[0],
                list_columns(&table.columns)
            )
        };
        DataError::new(
            file,
            position.clone(),
            format!("no {what} column found"),
            Some(hint),
        )
    })
}

fn list_columns(columns: &[String]) -> String {
    let mut shown: Vec<String> = columns.iter().take(12).map(|c| format!("`{c}`")).collect();
    if columns.len() > 12 {
        shown.push("…".into());
    }
    shown.join(", ")
}

/// Why a row did not become a point.
enum Skip {
    Missing,
    NotANumber,
    OutOfRange,
}

fn points_from_table(
    file: &str,
    table: Table,
    lat: usize,
    lon: usize,
) -> Result<Dataset, DataError> {
    let Table {
        columns,
        rows,
        mut warnings,
        number_format,
        delimiter,
        ..
    } = table;
    let id_col = columns.iter().position(|c| c == "id");
    let mut features = Vec::with_capacity(rows.len());
    let mut skipped: Vec<(Position, Skip)> = Vec::new();
    let mut swapped_looking = 0;
    let total = rows.len();
    for row in rows {
        let text = |i: usize| match row.values.get(i) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let (Some(lat_text), Some(lon_text)) = (text(lat), text(lon)) else {
            skipped.push((row.position(), Skip::Missing));
            continue;
        };
        let (Some(y), Some(x)) = (
            parse_coordinate(&lat_text, number_format),
            parse_coordinate(&lon_text, number_format),
        ) else {
            skipped.push((row.position(), Skip::NotANumber));
            continue;
        };
        if !(-90.0..=90.0).contains(&y) || !(-180.0..=180.0).contains(&x) {
            if (-90.0..=90.0).contains(&x) && (-180.0..=180.0).contains(&y) {
                swapped_looking += 1;
            }
            skipped.push((row.position(), Skip::OutOfRange));
            continue;
        }
        let id = id_col.and_then(text);
        let mut properties = Map::new();
        for (name, value) in columns.iter().zip(row.values) {
            properties.insert(name.clone(), value);
        }
        features.push(Feature {
            id,
            geometry: Some(Geometry::Point(Point::new(x, y))),
            properties,
            solid: None,
        });
    }
    if features.is_empty() && total > 0 {
        let hint = if swapped_looking == skipped.len() {
            format!(
                "the values look swapped: is `{}` the latitude and `{}` the longitude?",
                columns[lon], columns[lat]
            )
        } else if skipped.iter().all(|(_, s)| matches!(s, Skip::OutOfRange)) {
            "the coordinates look projected (metres); convert them to WGS 84 longitude/latitude (EPSG:4326)".into()
        } else {
            format!(
                "`{}` and `{}` must hold decimal degrees such as 53.55 and 9.99 (separator `{}`)",
                columns[lat],
                columns[lon],
                show_delimiter(delimiter)
            )
        };
        return Err(DataError::new(
            file,
            skipped.first().map(|(p, _)| p.clone()),
            format!(
                "none of the {total} rows has usable coordinates in `{}`/`{}`",
                columns[lat], columns[lon]
            ),
            Some(hint),
        ));
    }
    if !skipped.is_empty() {
        let shown: Vec<String> = skipped.iter().take(5).map(|(p, _)| p.to_string()).collect();
        let missing = skipped
            .iter()
            .filter(|(_, s)| matches!(s, Skip::Missing))
            .count();
        let bad = skipped.len() - missing;
        let mut why = Vec::new();
        if missing > 0 {
            why.push(format!("{missing} without coordinates"));
        }
        if bad > 0 {
            why.push(format!(
                "{bad} with coordinates that are not decimal degrees in range"
            ));
        }
        warnings.push(DataWarning::new(
            skipped.first().map(|(p, _)| p.clone()),
            format!(
                "{} of {total} rows were skipped ({}): {}{}",
                skipped.len(),
                why.join(", "),
                shown.join(", "),
                if skipped.len() > 5 { ", …" } else { "" }
            ),
            Some(format!(
                "fill in `{}` and `{}` for those rows",
                columns[lat], columns[lon]
            )),
        ));
    }
    if total == 0 {
        warnings.push(DataWarning::new(
            None,
            "the table has a header but no rows",
            None,
        ));
    }
    Ok(Dataset { features, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_and_decimal_comma_points() {
        let d = read_csv_points(
            "p.csv",
            b"Name;Breite;L\xe4nge;PLZ\nA;53,55;9,99;08123\nB;;;20095\n",
            &CsvOptions::default(),
        )
        .unwrap();
        assert_eq!(d.features.len(), 1);
        assert_eq!(
            d.features[0].geometry,
            Some(Geometry::Point(Point::new(9.99, 53.55)))
        );
        assert_eq!(d.features[0].properties["PLZ"], Value::from("08123"));
        let skipped = d
            .warnings
            .iter()
            .find(|w| w.message.contains("skipped"))
            .unwrap();
        assert!(skipped.message.contains("row 3 (line 3)"), "{skipped}");
    }

    #[test]
    fn missing_columns_are_named_with_a_suggestion() {
        let e = read_csv_points(
            "p.csv",
            b"name,Latitude,lon\nA,1,2\n",
            &CsvOptions {
                lat: Some("Lattitude".into()),
                ..CsvOptions::default()
            },
        )
        .unwrap_err();
        assert!(e.message.contains("no column `Lattitude`"), "{e}");
        assert_eq!(e.hint.as_deref(), Some("did you mean `Latitude`?"));
    }

    #[test]
    fn projected_coordinates_are_recognised() {
        let e =
            read_csv_points("p.csv", b"x,y\n565000,5933000\n", &CsvOptions::default()).unwrap_err();
        assert!(e.hint.unwrap().contains("projected"));
    }
}
