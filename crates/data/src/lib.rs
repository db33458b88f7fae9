//! Readers that turn the files city portals publish into features.
//!
//! Every reader returns a [`Dataset`] (features plus warnings) or a
//! [`DataError`] that names the file, the position and what to fix. The same
//! code runs in the CLI (validate, build) and in the browser player.
//!
//! Code map:
//! - `geojson`: RFC 7946 reader; validates a `serde_json::Value` tree and
//!   reports JSON paths. Out-of-range degrees and wrong winding are warnings
//!   (RFC 7946 sets no hard range and says parsers SHOULD NOT reject winding);
//!   projected coordinates (|value| > 1000) are errors. With the `geojson`
//!   feature it also checks values of the `geojson` crate
//!   (`read_geojson_value`); why reading is not left to that crate is
//!   measured at the top of `geojson.rs`.
//! - `json_text`: JSON syntax errors as line:column, duplicate members rejected.
//! - `csv`, `encoding`, `number`: own RFC 4180 reader, UTF-8/UTF-16/Windows-1252
//!   decoding and German number formats. Deliberately without `csv` (its
//!   line numbers are wrong after blank lines and CR-only line ends, it
//!   reads an unclosed quote silently, +5.6 KB gzip: measured at the top of
//!   `csv.rs`) and `encoding_rs` (its tables, to keep the player small).
//! - `csv_points`: point layers from latitude/longitude columns.
//! - `overpass`: Overpass API JSON, multipolygons assembled from member ways.
//! - `cityjson`: CityJSON 1.1/2.0 3D city models as building footprints with
//!   `height`, `ground` and `lod` (the rules atop `cityjson.rs`); `crs`:
//!   reference system names and UTM to WGS 84 in pure Rust (Krüger series,
//!   checked against pyproj in `tests/crs.rs`).
//! - `sensorthings`: OGC SensorThings Things with their latest observations.
//! - `remote`: service layers (OGC API – Features, WFS, SensorThings) page
//!   by page as a state machine without I/O; the player's shell only fetches.
//! - `source`: which reader reads a layer's file (one mapping for the CLI
//!   and the player).
//! - `packed`: the compact layer format `twinstory build` writes for the player.
//! - `write` (feature `geojson`, off in the player): features as `geojson`
//!   crate values (`From` conversions) and back out as GeoJSON text
//!   (`write_geojson`: RFC 7946 winding, rounded coordinates).
//! - `join`, `stadtteil`, `expression`: joining tables onto features (by key,
//!   or Stadtteil by name), the [`JoinReport`], computed fields.
//!
//! Invariant: no input makes a reader panic; `tests/conformance.rs` runs the
//! corpus in `tests/conformance/` whole and cut at every 97th byte.

#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cityjson;
pub mod crs;
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
mod packed;
pub mod remote;
mod sensorthings;
mod solid;
mod source;
mod stadtteil;
mod suggestion;
mod used;
#[cfg(feature = "geojson")]
mod write;

#[cfg(feature = "geojson")]
pub use self::geojson::read_geojson_value;
pub use self::geojson::{read_geojson, read_geojson_page, GeoJsonPage, Link};
pub use cityjson::{
    read_cityjson, read_cityjson_file, CityJsonError, CityJsonOptions, CityJsonProblem,
};
pub use csv::{read_csv_table, CsvDialect, Table, TableRow};
pub use csv_points::{detect_coordinate_columns, read_csv_points, read_csv_points_with};
pub use dataset::{DataError, DataWarning, Dataset, Feature, Position};
pub use encoding::TextEncoding;
pub use expression::{compute_field, Condition, ExpressionError};
pub use join::{join_table, JoinOptions, JoinReport, UnmatchedRow};
pub use number::{parse_number, NumberFormat};
pub use overpass::read_overpass;
pub use packed::{is_packed, read_packed, write_packed};
pub use sensorthings::{read_sensorthings, sensorthings_query, SensorThingsPage};
pub use solid::{Solid, Surface, SurfaceKind};
pub use source::{FileFormat, Reader};
pub use stadtteil::{join_stadtteile, StadtteilJoin, StadtteilMode};
pub use used::used_properties;
#[cfg(feature = "geojson")]
pub use write::write_geojson;

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
