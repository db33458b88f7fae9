//! The reader-independent result types.

use crate::solid::Solid;
use geo::Geometry;
use serde_json::{Map, Value};
use std::fmt;

/// One feature: an optional geometry (WGS 84 lon/lat) with its properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// The feature's `id` member (numbers are kept as their decimal text).
    pub id: Option<String>,
    /// The geometry; `None` for a feature with `"geometry": null`.
    pub geometry: Option<Geometry<f64>>,
    /// The feature's properties (for CSV: every column, typed where obvious).
    pub properties: Map<String, Value>,
    /// Its real shape in 3D, from CityJSON only (boxed: one pointer for
    /// every other feature).
    pub solid: Option<Box<Solid>>,
}

/// Everything a reader produced from one input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// The features in input order.
    pub features: Vec<Feature>,
    /// Problems that did not stop reading (repairs, skipped rows, …).
    pub warnings: Vec<DataWarning>,
}

/// Where in an input a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// 1-based line and column in the text.
    LineColumn {
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
    },
    /// A JSON path such as `features[3].geometry.coordinates[0]`.
    JsonPath(String),
    /// 1-based row of a table (the header is row 1), with the line it starts on.
    Row {
        /// 1-based record number counting the header.
        row: usize,
        /// 1-based line in the file.
        line: usize,
    },
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::LineColumn { line, column } => write!(f, "{line}:{column}"),
            Position::JsonPath(p) => write!(f, "{p}"),
            Position::Row { row, line } => write!(f, "row {row} (line {line})"),
        }
    }
}

/// A problem that did not stop reading.
#[derive(Debug, Clone, PartialEq)]
pub struct DataWarning {
    /// Where the problem is, when known.
    pub position: Option<Position>,
    /// What is wrong, in plain words.
    pub message: String,
    /// What the author can do about it.
    pub hint: Option<String>,
}

/// Why an input could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct DataError {
    /// The file name or URL as the story names it.
    pub file: String,
    /// Where the problem is, when known.
    pub position: Option<Position>,
    /// What is wrong, in plain words.
    pub message: String,
    /// What the author can do about it.
    pub hint: Option<String>,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(p) = &self.position {
            write!(f, " at {p}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DataError {}

impl DataError {
    /// An error in `file` at `position` with a message and an optional hint.
    pub fn new(
        file: &str,
        position: Option<Position>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Self {
        DataError {
            file: file.to_string(),
            position,
            message: message.into(),
            hint,
        }
    }
}

impl DataWarning {
    /// A warning at `position` with a message and an optional hint.
    pub fn new(
        position: Option<Position>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Self {
        DataWarning {
            position,
            message: message.into(),
            hint,
        }
    }
}

impl fmt::Display for DataWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.position {
            write!(f, "at {p}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}
