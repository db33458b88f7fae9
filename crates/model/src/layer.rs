//! Data layers: where the data comes from and how it is drawn.

use crate::Color;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// Source and licence line for this layer: in the map's corner while
    /// the layer is shown, and in the sources at the end of the story.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// Link for the attribution, e.g. the licence or the provider's page
    /// (http or https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution_url: Option<String>,
    /// Names of fields for readers (legend titles, table headers), e.g.
    /// `je_1000_kinder: Spielplätze je 1.000 Kinder`. Fields without one
    /// are shown with `_` as spaces.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// Names of values for readers (legend entries, tables, tooltips),
    /// e.g. `yes: ja`, `limited: eingeschränkt`; other values as they are.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub categories: BTreeMap<String, String>,
    /// Tooltip template, e.g. `{name}: {value}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tooltip: Option<String>,
    /// Tables whose columns are attached to the features, in order.
    /// `twinstory build` carries them out, so the player gets joined data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub join: Vec<Join>,
    /// Fields computed from the (joined) properties, in order, e.g.
    /// `per_1000_children: playgrounds / children * 1000`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compute: Vec<ComputedField>,
}

impl Layer {
    /// What readers call a field: the author's name from `fields`, else
    /// the field itself with underscores as spaces.
    ///
    /// # Examples
    /// ```
    /// let layer: twinstory_model::Layer = serde_json::from_str(
    ///     r#"{"id": "q", "source": {"type": "geojson", "url": "q.geojson"},
    ///         "fields": {"je_1000_kinder": "Spielplätze je 1.000 Kinder"}}"#,
    /// ).unwrap();
    /// assert_eq!(layer.field_name("je_1000_kinder"), "Spielplätze je 1.000 Kinder");
    /// assert_eq!(layer.field_name("district_name"), "district name");
    /// assert_eq!(layer.field_name("Unter 18-Jährige"), "Unter 18-Jährige");
    /// ```
    pub fn field_name(&self, field: &str) -> String {
        match self.fields.get(field) {
            Some(name) => name.clone(),
            None => field.replace('_', " ").trim().to_owned(),
        }
    }

    /// What readers call a value: the author's name from `categories`,
    /// else the value as it is.
    pub fn category_name<'a>(&'a self, value: &'a str) -> &'a str {
        self.categories.get(value).map_or(value, String::as_str)
    }

    /// The layer's name for readers: its `title`, else its id.
    pub fn reader_title(&self) -> String {
        self.title
            .clone()
            .unwrap_or_else(|| self.field_name(&self.id))
    }
}

/// A table (CSV) joined onto a layer's features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Join {
    /// The CSV table: a path relative to `story.md`.
    pub table: String,
    /// How rows find their features: by a key column (`key`, the default) or,
    /// for Hamburg's Stadtteil statistics, by Stadtteil name (`stadtteil`).
    #[serde(default)]
    pub by: JoinBy,
    /// The feature property that holds the key (`id` for `by: key`,
    /// the Stadtteil name `name` for `by: stadtteil`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_key: Option<String>,
    /// The table column that holds the key (the same name as `feature-key`
    /// for `by: key`; the first column for `by: stadtteil`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_key: Option<String>,
    /// `by: stadtteil` only: `dissolve` merges the quarters of a Stadtteil
    /// into one shape per row; `attach` keeps every quarter and gives it its
    /// Stadtteil's values, marked `stadtteil_wide`.
    #[serde(default)]
    pub mode: JoinMode,
    /// The columns to attach; all when left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// `by: stadtteil` only: feature properties that are counts, summed per
    /// Stadtteil (e.g. playgrounds per quarter → per Stadtteil).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sum: Vec<String>,
    /// `by: key` only: the value features without a row get (e.g. `0` when
    /// the table lists only places with at least one); left out, they get none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<f64>,
    /// Text encoding of the table; detected (UTF-8, UTF-8 with BOM, Latin-1) when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<TableEncoding>,
    /// How numbers are written; detected when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numbers: Option<NumberStyle>,
    /// Field separator; detected (`,` or `;`) when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
}

/// How a joined table's rows find their features.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum JoinBy {
    /// A key column equals a feature property (e.g. quarter id).
    #[default]
    Key,
    /// A Stadtteil name (Hamburg's Stadtteil-Profile), matching the
    /// quarters named like it; combined rows ("A und B") match both.
    Stadtteil,
}

/// What a Stadtteil join does with the several quarters of one Stadtteil.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum JoinMode {
    /// One shape per Stadtteil: the quarters are merged.
    #[default]
    Dissolve,
    /// Every quarter keeps its shape and carries its Stadtteil's values.
    Attach,
}

/// Text encoding of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum TableEncoding {
    /// UTF-8, with or without byte order mark.
    #[serde(alias = "utf8")]
    Utf8,
    /// ISO-8859-1 / Windows-1252, as older spreadsheet exports write.
    #[serde(alias = "iso-8859-1", alias = "windows-1252", alias = "cp1252")]
    Latin1,
}

/// How numbers are written in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum NumberStyle {
    /// `1.234,5` (German): decimal comma, `.` or space between thousands.
    DecimalComma,
    /// `1,234.5`: decimal point.
    DecimalPoint,
}

/// A field computed from other properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ComputedField {
    /// The new property's name.
    pub name: String,
    /// Arithmetic over properties: `+ - * /`, parentheses, numbers,
    /// `sum(field)` for the total over all features; names with spaces in backticks.
    pub expression: String,
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
    /// Overpass API JSON (`out geom`), as OpenStreetMap extracts come:
    /// nodes as points, ways as lines or areas, multipolygon relations assembled.
    #[serde(rename_all = "kebab-case")]
    Overpass {
        /// A path relative to `story.md`, or an `https://` URL.
        url: String,
    },
    /// A CityJSON 1.1/2.0 file of 3D buildings: each building (or
    /// building part) as its footprint in WGS 84 with its attributes and
    /// `height`, `ground` and `lod` (docs/story-format.md, "3D buildings").
    #[serde(rename_all = "kebab-case")]
    Cityjson {
        /// A path relative to `story.md`, or an `https://` URL.
        url: String,
        /// The level of detail to read (`"2"`, `"2.2"`); each building's
        /// highest when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lod: Option<String>,
    },
    /// A layer `twinstory build` prepared for the player (twinstory-data's
    /// packed format: only the properties the story uses, coordinates as
    /// integers, lines simplified below what the story's deepest zoom shows).
    /// Written by the build, not by authors.
    #[serde(rename_all = "kebab-case")]
    Packed {
        /// Path relative to `story.json`.
        url: String,
    },
    /// A collection of an OGC API – Features server (city data platforms,
    /// pygeoapi, ldproxy, GeoServer): read page by page while the story loads.
    #[serde(rename_all = "kebab-case")]
    OgcApiFeatures {
        /// The collection, e.g. `https://api.example.org/collections/playgrounds`
        /// (its `/items` are read).
        url: String,
        /// Only features inside `[west, south, east, north]` (degrees).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bbox: Option<[f64; 4]>,
        /// Features per request (the server may send fewer).
        #[serde(default = "default_page_size")]
        limit: u32,
        /// Stop after this many features, so a huge collection cannot stall the story.
        #[serde(default = "default_max_features")]
        max_features: u32,
    },
    /// A feature type of a WFS 2.0 service, read with GetFeature in GeoJSON
    /// (`outputFormat`), page by page (`count`, `startIndex`).
    #[serde(rename_all = "kebab-case")]
    Wfs {
        /// The service address, e.g. `https://geodienste.hamburg.de/HH_WFS_Spielplaetze`.
        url: String,
        /// The feature type (`typeNames`), e.g. `de.hh.up:spielplaetze`.
        type_name: String,
        /// The GeoJSON output format the server names in its capabilities.
        #[serde(default = "default_wfs_format")]
        format: String,
        /// Only features inside `[west, south, east, north]` (degrees).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bbox: Option<[f64; 4]>,
        /// Features per request.
        #[serde(default = "default_page_size")]
        limit: u32,
        /// Stop after this many features.
        #[serde(default = "default_max_features")]
        max_features: u32,
    },
    /// Live sensors from an OGC SensorThings API service: every Thing at its
    /// Location with the latest Observation of its Datastreams (`value`,
    /// `unit`, `time`, and per Datastream `<name>`), re-read every `refresh` seconds.
    #[serde(rename_all = "kebab-case")]
    Sensorthings {
        /// The service root, e.g. `https://iot.hamburg.de/v1.1`.
        url: String,
        /// Only these Things (an OData filter such as
        /// `startswith(name,'StadtRad-Station')`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        things: Option<String>,
        /// Only these Datastreams (an OData filter such as `name eq 'PM10'`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        datastreams: Option<String>,
        /// Seconds between updates while the story is open; none: read once.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        refresh: Option<u32>,
        /// Stop after this many Things.
        #[serde(default = "default_max_features")]
        max_features: u32,
    },
}

/// A `source.type` authors write, with the settings it has besides `type`
/// and `url` (the story.md names of [`Source`]'s fields). `packed` is
/// written by the build, not by authors, and has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceType {
    /// [`Source::Geojson`].
    Geojson,
    /// [`Source::Csv`].
    Csv,
    /// [`Source::Overpass`].
    Overpass,
    /// [`Source::OgcApiFeatures`].
    OgcApiFeatures,
    /// [`Source::Wfs`].
    Wfs,
    /// [`Source::Sensorthings`].
    Sensorthings,
    /// [`Source::Cityjson`].
    Cityjson,
}

impl SourceType {
    /// Every type authors write, in the order messages list them.
    pub const ALL: [SourceType; 7] = [
        SourceType::Geojson,
        SourceType::Csv,
        SourceType::Overpass,
        SourceType::OgcApiFeatures,
        SourceType::Wfs,
        SourceType::Sensorthings,
        SourceType::Cityjson,
    ];

    /// The value of `type`.
    pub fn name(self) -> &'static str {
        match self {
            SourceType::Geojson => "geojson",
            SourceType::Csv => "csv",
            SourceType::Overpass => "overpass",
            SourceType::OgcApiFeatures => "ogc-api-features",
            SourceType::Wfs => "wfs",
            SourceType::Sensorthings => "sensorthings",
            SourceType::Cityjson => "cityjson",
        }
    }

    /// The type named `name`.
    pub fn from_name(name: &str) -> Option<SourceType> {
        SourceType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The settings this type has besides `type` and `url`.
    pub fn settings(self) -> &'static [&'static str] {
        match self {
            SourceType::Geojson | SourceType::Overpass => &[],
            SourceType::Csv => &["lat", "lon", "delimiter"],
            SourceType::OgcApiFeatures => &["bbox", "limit", "max-features"],
            SourceType::Wfs => &["type-name", "format", "bbox", "limit", "max-features"],
            SourceType::Sensorthings => &["things", "datastreams", "refresh", "max-features"],
            SourceType::Cityjson => &["lod"],
        }
    }

    /// True for types read from a server while the story plays.
    pub fn is_service(self) -> bool {
        matches!(
            self,
            SourceType::OgcApiFeatures | SourceType::Wfs | SourceType::Sensorthings
        )
    }
}

pub(crate) fn default_wfs_format() -> String {
    "application/json".into()
}

pub(crate) fn default_page_size() -> u32 {
    1000
}

pub(crate) fn default_max_features() -> u32 {
    50_000
}

impl Source {
    /// Seconds between re-reads for live sources, if any.
    pub fn refresh_seconds(&self) -> Option<u32> {
        match self {
            Source::Sensorthings { refresh, .. } => *refresh,
            _ => None,
        }
    }

    /// True for sources read from a server while the story plays.
    pub fn is_service(&self) -> bool {
        matches!(
            self,
            Source::OgcApiFeatures { .. } | Source::Sensorthings { .. } | Source::Wfs { .. }
        )
    }

    /// The file or URL the data is read from.
    pub fn url(&self) -> &str {
        match self {
            Source::Geojson { url }
            | Source::Overpass { url }
            | Source::Csv { url, .. }
            | Source::Packed { url }
            | Source::Cityjson { url, .. }
            | Source::Sensorthings { url, .. }
            | Source::Wfs { url, .. }
            | Source::OgcApiFeatures { url, .. } => url,
        }
    }

    /// Replaces the file or URL (used by the build when it copies data).
    pub fn set_url(&mut self, new: String) {
        match self {
            Source::Geojson { url }
            | Source::Overpass { url }
            | Source::Csv { url, .. }
            | Source::Packed { url }
            | Source::Cityjson { url, .. }
            | Source::Sensorthings { url, .. }
            | Source::Wfs { url, .. }
            | Source::OgcApiFeatures { url, .. } => *url = new,
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
    // Written even when none (as `null`): left out, it would read back as
    // the default colour.
    #[serde(default = "LayerStyle::default_fill")]
    pub fill: Option<Color>,
    /// Outline colour; none draws no outline.
    #[serde(default = "LayerStyle::default_stroke")]
    pub stroke: Option<Color>,
    /// Outline width in CSS pixels.
    #[serde(default = "LayerStyle::default_stroke_width")]
    pub stroke_width: f64,
    /// Radius of point circles in CSS pixels.
    #[serde(default = "LayerStyle::default_radius")]
    pub radius: f64,
    /// Colour features by a number, in classes (a choropleth map); replaces `fill`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choropleth: Option<Choropleth>,
    /// Colour features by a text property, one colour per value; replaces `fill`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Categories>,
    /// Size point circles by a number, their area proportional to it; replaces `radius`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circles: Option<Circles>,
    /// Label template, e.g. `{name}`: text beside each point (inside each
    /// area), placed so that labels never overlap; labels that find no
    /// free place are left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Labels only from this zoom level on (e.g. `13`); always when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_min_zoom: Option<f64>,
    /// A numeric property: features with larger values get their labels
    /// first where labels compete for room; otherwise the data's order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_priority: Option<String>,
    /// Raise polygons into blocks (3D): the height of each in metres, a
    /// number or a numeric property (features without a number stay flat),
    /// or `model` for a CityJSON layer's buildings in their real shape.
    /// Seen from above the blocks show as the flat map; a tilted view
    /// (`pitch`) shows their walls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extrude: Option<Height>,
    /// Where the blocks start above the ground, in metres: a number or a
    /// numeric property (e.g. a bridge's underside); 0 when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extrude_base: Option<Height>,
    /// Metres per unit of the `extrude` and `extrude-base` properties, e.g.
    /// `0.5` to draw 1,000 children as 500 m; 1 when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extrude_scale: Option<f64>,
}

/// A height for `extrude`: metres, the property that gives them, or a
/// CityJSON layer's real shapes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Height {
    /// The same height for every feature, in metres.
    Metres(f64),
    /// `model`: each building as its surfaces (roofs, walls) say, only for
    /// `cityjson` layers; tried before [`Height::Property`], so a property
    /// named `model` is written `` `model` ``.
    Model(ModelShape),
    /// A numeric property with each feature's height (times `extrude-scale`).
    Property(String),
}

/// The word `model` of [`Height::Model`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ModelShape {
    /// The building's own surfaces.
    #[serde(rename = "model")]
    Model,
}

impl Height {
    /// True for `extrude: model`.
    pub fn is_model(&self) -> bool {
        matches!(self, Height::Model(_))
    }
}

/// A choropleth: features coloured by which class their number falls into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Choropleth {
    /// The numeric property that decides the colour, e.g. `playgrounds`.
    pub property: String,
    /// How the values are divided into classes.
    #[serde(default)]
    pub method: Classification,
    /// Number of classes (2 to 9); fewer are shown when the data has fewer distinct values.
    #[serde(default = "Choropleth::default_classes")]
    pub classes: u8,
    /// Named colour scheme; sequential (`blues`, …) for "more is darker", diverging (`rd-bu`, …) around a middle.
    #[serde(default = "Choropleth::default_scheme")]
    pub scheme: SchemeName,
    /// Own colours, one per class from low to high; replaces `scheme` when given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub colors: Vec<Color>,
    /// Colour of features without a number in `property`.
    #[serde(default = "default_no_data")]
    pub no_data: Color,
}

impl Choropleth {
    pub(crate) fn default_classes() -> u8 {
        5
    }
    pub(crate) fn default_scheme() -> SchemeName {
        SchemeName::Blues
    }
}

/// Categories: one colour per distinct value of a text property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Categories {
    /// The property whose value decides the colour, e.g. `district_name`.
    pub property: String,
    /// Named qualitative colour scheme for values without an own colour;
    /// `none` leaves them to `other`.
    #[serde(default = "Categories::default_scheme")]
    pub scheme: SchemeName,
    /// Own colours for some or all values, e.g. `Altona: "#e69f00"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub colors: BTreeMap<String, Color>,
    /// Colour of values beyond the scheme's colours (all values without an
    /// own colour with `scheme: none`): "Sonstige" / "Other".
    #[serde(default = "default_other")]
    pub other: Color,
    /// Colour of features without a value: "keine Angabe" / "No data".
    #[serde(default = "default_no_data")]
    pub no_data: Color,
}

impl Categories {
    pub(crate) fn default_scheme() -> SchemeName {
        SchemeName::OkabeIto
    }
}

/// Proportional circles: each point's circle area is proportional to a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Circles {
    /// The numeric property that decides the size, e.g. `visitors`.
    pub property: String,
    /// Radius in CSS pixels of the circle for `max-value`.
    #[serde(default = "Circles::default_max_radius")]
    pub max_radius: f64,
    /// The value drawn with `max-radius`; the largest value in the data when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<f64>,
}

impl Circles {
    pub(crate) fn default_max_radius() -> f64 {
        20.0
    }
}

/// Features without a value: a mid grey, 3.5:1 against [`default_other`]
/// and 4.4:1 against the default map background (WCAG 1.4.11 asks 3:1 of
/// graphics), so "keine Angabe" and "Sonstige" never share a colour.
pub(crate) fn default_no_data() -> Color {
    Color::rgb(0x70, 0x70, 0x70)
}

/// Category values beyond the colours: a light grey that leaves the named
/// values in front.
pub(crate) fn default_other() -> Color {
    Color::rgb(0xd9, 0xd9, 0xd9)
}

/// How a choropleth divides values into classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Classification {
    /// Every class holds about the same number of features.
    #[default]
    Quantiles,
    /// Every class spans the same range of values.
    EqualInterval,
    /// Breaks where the data has gaps (Jenks natural breaks).
    #[serde(alias = "jenks")]
    NaturalBreaks,
}

/// A named colour scheme that people with colour vision deficiencies can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum SchemeName {
    /// Sequential, light to dark blue.
    Blues,
    /// Sequential, light to dark green.
    Greens,
    /// Sequential, light to dark grey.
    Greys,
    /// Sequential, light to dark orange.
    Oranges,
    /// Sequential, light to dark purple.
    Purples,
    /// Sequential, light to dark red.
    Reds,
    /// Sequential, yellow – green – blue.
    YlGnBu,
    /// Sequential, yellow – orange – red.
    YlOrRd,
    /// Sequential, light purple to blue.
    PuBu,
    /// Diverging, red – white – blue.
    RdBu,
    /// Diverging, orange – white – purple.
    PuOr,
    /// Diverging, brown – white – blue-green.
    BrBg,
    /// Diverging, pink – white – green.
    PiYg,
    /// Diverging, red – yellow – blue.
    RdYlBu,
    /// Qualitative, eight colours distinguishable with any colour vision (Okabe & Ito).
    OkabeIto,
    /// Qualitative, eight dark colours (colour-blind safe up to three).
    Dark2,
    /// Qualitative, eight soft colours (colour-blind safe up to three).
    Set2,
    /// Qualitative, twelve colours in light/dark pairs (colour-blind safe up to four).
    Paired,
    /// No scheme, for `categories` only: the values without an own colour
    /// are drawn in `other` ("these values, the rest other").
    None,
}

impl SchemeName {
    /// Every scheme, in the order of the docs (not `none`, which names no colours).
    pub const ALL: [SchemeName; 18] = [
        SchemeName::Blues,
        SchemeName::Greens,
        SchemeName::Greys,
        SchemeName::Oranges,
        SchemeName::Purples,
        SchemeName::Reds,
        SchemeName::YlGnBu,
        SchemeName::YlOrRd,
        SchemeName::PuBu,
        SchemeName::RdBu,
        SchemeName::PuOr,
        SchemeName::BrBg,
        SchemeName::PiYg,
        SchemeName::RdYlBu,
        SchemeName::OkabeIto,
        SchemeName::Dark2,
        SchemeName::Set2,
        SchemeName::Paired,
    ];

    /// The scheme's name as written in stories (`yl-gn-bu`).
    pub fn name(self) -> &'static str {
        match self {
            SchemeName::Blues => "blues",
            SchemeName::Greens => "greens",
            SchemeName::Greys => "greys",
            SchemeName::Oranges => "oranges",
            SchemeName::Purples => "purples",
            SchemeName::Reds => "reds",
            SchemeName::YlGnBu => "yl-gn-bu",
            SchemeName::YlOrRd => "yl-or-rd",
            SchemeName::PuBu => "pu-bu",
            SchemeName::RdBu => "rd-bu",
            SchemeName::PuOr => "pu-or",
            SchemeName::BrBg => "br-bg",
            SchemeName::PiYg => "pi-yg",
            SchemeName::RdYlBu => "rd-yl-bu",
            SchemeName::OkabeIto => "okabe-ito",
            SchemeName::Dark2 => "dark2",
            SchemeName::Set2 => "set2",
            SchemeName::Paired => "paired",
            SchemeName::None => "none",
        }
    }
}

impl LayerStyle {
    fn default_fill() -> Option<Color> {
        Some(Color::rgb(0x9d, 0xb8, 0xd2))
    }
    fn default_stroke() -> Option<Color> {
        // Dark enough to reach 3:1 against the default fill and the default
        // map background (WCAG 1.4.11), so areas and points drawn with the
        // defaults are told apart from each other and from the page.
        Some(Color::rgb(0x3d, 0x5a, 0x73))
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
            choropleth: None,
            categories: None,
            circles: None,
            label: None,
            label_min_zoom: None,
            label_priority: None,
            extrude: None,
            extrude_base: None,
            extrude_scale: None,
        }
    }
}

#[cfg(test)]
mod style_round_trip {
    use super::*;

    #[test]
    fn no_fill_and_no_stroke_survive_the_json() {
        let style = LayerStyle {
            fill: None,
            stroke: None,
            ..serde_json::from_str("{}").unwrap()
        };
        let json = serde_json::to_string(&style).unwrap();
        let back: LayerStyle = serde_json::from_str(&json).unwrap();
        assert_eq!(back.fill, None, "{json}");
        assert_eq!(back.stroke, None, "{json}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_source_type_names_exactly_the_fields_of_its_variant() {
        let full = [
            r#"{"type": "geojson", "url": "a"}"#,
            r#"{"type": "csv", "url": "a", "lat": "y", "lon": "x", "delimiter": ";"}"#,
            r#"{"type": "overpass", "url": "a"}"#,
            r#"{"type": "ogc-api-features", "url": "a", "bbox": [1, 2, 3, 4], "limit": 5, "max-features": 6}"#,
            r#"{"type": "wfs", "url": "a", "type-name": "t", "format": "f", "bbox": [1, 2, 3, 4], "limit": 5, "max-features": 6}"#,
            r#"{"type": "sensorthings", "url": "a", "things": "t", "datastreams": "d", "refresh": 60, "max-features": 6}"#,
            r#"{"type": "cityjson", "url": "a", "lod": "2.2"}"#,
        ];
        for (t, json) in SourceType::ALL.into_iter().zip(full) {
            let source: Source = serde_json::from_str(json).unwrap();
            let back = serde_json::to_value(&source).unwrap();
            let mut keys: Vec<&str> = back
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort_unstable();
            let mut want = vec!["type", "url"];
            want.extend(t.settings());
            want.sort_unstable();
            assert_eq!(keys, want, "{}", t.name());
            assert_eq!(back["type"], t.name());
            assert_eq!(source.is_service(), t.is_service());
            assert_eq!(SourceType::from_name(t.name()), Some(t));
            // A setting of another type is refused.
            for other in ["lat", "bbox", "things", "datastreams", "type-name"] {
                if !t.settings().contains(&other) {
                    let mut v = back.clone();
                    v[other] = serde_json::json!("x");
                    assert!(
                        serde_json::from_value::<Source>(v).is_err(),
                        "{} {other}",
                        t.name()
                    );
                }
            }
        }
    }

    #[test]
    fn styles_without_the_new_fields_still_read() {
        let s: LayerStyle = serde_json::from_str(r##"{"fill": "#d5dde6", "radius": 4}"##).unwrap();
        assert!(s.choropleth.is_none() && s.categories.is_none() && s.circles.is_none());
    }

    #[test]
    fn a_choropleth_reads_with_defaults_and_scheme_names() {
        let s: LayerStyle = serde_json::from_str(
            r#"{"choropleth": {"property": "kids", "method": "jenks", "scheme": "yl-gn-bu"}}"#,
        )
        .unwrap();
        let c = s.choropleth.unwrap();
        assert_eq!(c.method, Classification::NaturalBreaks);
        assert_eq!(c.classes, 5);
        assert_eq!(c.scheme, SchemeName::YlGnBu);
        assert_eq!(c.scheme.name(), "yl-gn-bu");
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains(r#""method":"natural-breaks""#), "{json}");
    }

    #[test]
    fn unknown_schemes_and_fields_are_errors() {
        let e = serde_json::from_str::<Choropleth>(r#"{"property": "a", "scheme": "rainbow"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown variant `rainbow`"), "{e}");
        assert!(serde_json::from_str::<Circles>(r#"{"property": "a", "radius": 3}"#).is_err());
    }
}
