//! Readers that turn the files city portals publish into features.
//!
//! Every reader returns a [`Dataset`] (features plus warnings) or a
//! [`DataError`] that names the file, the position and what to fix. The same
//! code runs in the CLI (validate, build) and in the browser player.

mod csv;
mod csv_points;
mod dataset;
mod encoding;
mod expression;
mod geojson;
mod join;
mod json_text;
mod number;
mod overpass;
mod stadtteil;
mod suggestion;

pub use csv::{read_csv_table, CsvDialect, Table, TableRow};
pub use csv_points::{detect_coordinate_columns, read_csv_points, read_csv_points_with};
pub use dataset::{DataError, DataWarning, Dataset, Feature, Position};
pub use encoding::TextEncoding;
pub use expression::{compute_field, ExpressionError};
pub use geojson::read_geojson;
pub use join::{join_table, JoinOptions, JoinReport, UnmatchedRow};
pub use number::{parse_number, NumberFormat};
pub use overpass::read_overpass;
pub use stadtteil::{join_stadtteile, StadtteilJoin, StadtteilMode};

/// Options for reading a CSV table of points.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CsvOptions {
    /// Column with the latitude (detected by name when `None`).
    pub lat: Option<String>,
    /// Column with the longitude (detected by name when `None`).
    pub lon: Option<String>,
    /// Field separator (detected when `None`).
    pub delimiter: Option<char>,
}
