//! Data layers: where the data comes from and how it is drawn.

use crate::Color;
use serde::{Deserialize, Serialize};

/// One data layer of a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Layer {
    /// Short id used by steps (`show: [quarters]`); letters, digits, `-` and `_`.
    pub id: String,
    /// Human-readable name, shown in legends and the data table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where the features come from.
    pub source: Source,
    /// How the features are drawn.
    #[serde(default)]
    pub style: LayerStyle,
    /// Source and licence line for this layer, shown under the map while it is visible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// Tooltip template, e.g. `{name}: {value}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tooltip: Option<String>,
}

/// Where a layer's features come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Source {
    /// A GeoJSON file (RFC 7946, WGS 84 longitude/latitude).
    #[serde(rename_all = "kebab-case")]
    Geojson {
        /// A path relative to `story.md`, or an `https://` URL.
        url: String,
    },
    /// A CSV table with one point per row.
    #[serde(rename_all = "kebab-case")]
    Csv {
        /// A path relative to `story.md`, or an `https://` URL.
        url: String,
        /// Column with the latitude; found by name (`lat`, `latitude`, `y`, …) when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lat: Option<String>,
        /// Column with the longitude; found by name (`lon`, `lng`, `longitude`, `x`, …) when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lon: Option<String>,
        /// Field separator; detected (`,` or `;`) when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delimiter: Option<char>,
    },
}

impl Source {
    /// The file or URL the data is read from.
    pub fn url(&self) -> &str {
        match self {
            Source::Geojson { url } | Source::Csv { url, .. } => url,
        }
    }

    /// Replaces the file or URL (used by the build when it copies data).
    pub fn set_url(&mut self, new: String) {
        match self {
            Source::Geojson { url } | Source::Csv { url, .. } => *url = new,
        }
    }
}

/// How a layer's features are drawn. Polygons use `fill` and `stroke`, lines
/// use `stroke`, points are circles of `radius` filled with `fill`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LayerStyle {
    /// Fill colour of polygons and point circles; none leaves them unfilled.
    #[serde(
        default = "LayerStyle::default_fill",
        skip_serializing_if = "Option::is_none"
    )]
    pub fill: Option<Color>,
    /// Outline colour; none draws no outline.
    #[serde(
        default = "LayerStyle::default_stroke",
        skip_serializing_if = "Option::is_none"
    )]
    pub stroke: Option<Color>,
    /// Outline width in CSS pixels.
    #[serde(default = "LayerStyle::default_stroke_width")]
    pub stroke_width: f64,
    /// Radius of point circles in CSS pixels.
    #[serde(default = "LayerStyle::default_radius")]
    pub radius: f64,
}

impl LayerStyle {
    fn default_fill() -> Option<Color> {
        Some(Color::rgb(0x9d, 0xb8, 0xd2))
    }
    fn default_stroke() -> Option<Color> {
        Some(Color::rgb(0xff, 0xff, 0xff))
    }
    fn default_stroke_width() -> f64 {
        1.0
    }
    fn default_radius() -> f64 {
        3.0
    }
}

impl Default for LayerStyle {
    fn default() -> Self {
        Self {
            fill: Self::default_fill(),
            stroke: Self::default_stroke(),
            stroke_width: Self::default_stroke_width(),
            radius: Self::default_radius(),
        }
    }
}
