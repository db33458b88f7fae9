//! Which reader reads a layer's source: the one mapping from the story's
//! `Source` to a reader, shared by the CLI (validate, build) and the player.
//! Services are not files: they are read page by page ([`crate::remote`]).

use crate::{
    read_cityjson, read_csv_points, read_geojson, read_packed, CityJsonOptions, CsvOptions,
    DataError, Dataset,
};
use twinstory_model::Source;

/// A reader: file name (for messages) and bytes to features.
pub type Reader = fn(&str, &[u8]) -> Result<Dataset, DataError>;

/// How a layer's file is read.
#[derive(Debug, Clone, PartialEq)]
pub enum FileFormat {
    /// GeoJSON.
    Geojson,
    /// Overpass API JSON. The player gets it packed (built stories) or
    /// read by its sources module (`crates/sources`, unbuilt ones).
    Overpass,
    /// A CSV table of points.
    Csv(CsvOptions),
    /// twinstory's packed layer format.
    Packed,
    /// CityJSON buildings as footprints ([`crate::read_cityjson`]).
    Cityjson(CityJsonOptions),
}

impl FileFormat {
    /// The format of a file source; `None` for services.
    pub fn of(source: &Source) -> Option<FileFormat> {
        Some(match source {
            Source::Geojson { .. } => FileFormat::Geojson,
            Source::Overpass { .. } => FileFormat::Overpass,
            Source::Csv {
                lat,
                lon,
                delimiter,
                ..
            } => FileFormat::Csv(CsvOptions {
                lat: lat.clone(),
                lon: lon.clone(),
                delimiter: *delimiter,
            }),
            Source::Packed { .. } => FileFormat::Packed,
            Source::Cityjson { lod, .. } => {
                FileFormat::Cityjson(CityJsonOptions { lod: lod.clone() })
            }
            Source::OgcApiFeatures { .. } | Source::Wfs { .. } | Source::Sensorthings { .. } => {
                return None
            }
        })
    }

    /// Reads `bytes` (named `name` in messages) in this format.
    ///
    /// `overpass` reads Overpass JSON ([`crate::read_overpass`]); without
    /// it Overpass files are read as GeoJSON. A caller that never meets
    /// Overpass passes none and leaves the Overpass reader out of its wasm.
    pub fn read(
        &self,
        name: &str,
        bytes: &[u8],
        overpass: Option<Reader>,
    ) -> Result<Dataset, DataError> {
        match self {
            FileFormat::Geojson => read_geojson(name, bytes),
            FileFormat::Overpass => match overpass {
                Some(read) => read(name, bytes),
                None => read_geojson(name, bytes),
            },
            FileFormat::Csv(opts) => read_csv_points(name, bytes, opts),
            FileFormat::Packed => read_packed(name, bytes),
            FileFormat::Cityjson(opts) => read_cityjson(name, bytes, opts),
        }
    }
}
