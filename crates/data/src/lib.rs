//! Readers that turn the files city portals publish into features.
//!
//! Every reader returns a [`Dataset`] (features plus warnings) or a
//! [`DataError`] that names the file, the position and what to fix. The same
//! code runs in the CLI (validate, build) and in the browser player.

mod dataset;

pub use dataset::{DataError, DataWarning, Dataset, Feature, Position};

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
