//! The story model: what a story *is*, independent of how it was written.
//!
//! `twinstory-story` parses `story.md` into these types; `twinstory build`
//! writes them as `story.json`; the browser player deserialises that JSON.
//! Field names are kebab-case in both YAML and JSON, and unknown fields are
//! rejected so that a typo never silently does nothing.

mod color;
pub mod decimal;
mod json;
pub mod json_syntax;
pub mod keys;
mod layer;
mod step;
pub mod strings;
pub mod suggest;
pub mod template;
pub mod tile_template;
pub mod trust;
pub mod url;

pub use color::{Color, ColorParseError};
pub use json::JsonError;
pub use layer::{
    Categories, Choropleth, Circles, Classification, ComputedField, Height, Join, JoinBy, JoinMode,
    Layer, LayerStyle, ModelShape, NumberStyle, SchemeName, Source, SourceType, TableEncoding,
};
pub use step::{
    Compare, FitTarget, LayerState, Layout, Moment, Play, Step, Transition, View, MAX_PITCH,
    NARROW_MAP_WIDTH,
};

use serde::{Deserialize, Serialize};
use tile_template::TileTemplate;

/// Version of the JSON form; the player refuses files it does not understand.
/// 2: a basemap's `url` is the list of its parts ([`TileTemplate`]), not text.
/// 3: a step may carry `map-description`, the map in words.
/// 4: `theme` has the page's text, page and card colours, the cards' radius
/// and style, and a font family; a step may carry `view-narrow`.
/// 5: `intro` is the whole cover under the heading (summary, authors, date,
/// reading time, cover image, introduction, contents); a step may carry
/// `layout` and `chapter`.
pub const FORMAT_VERSION: u32 = 5;

/// A complete story: metadata, data layers and the ordered steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Story {
    /// Version of the compiled JSON form (see [`FORMAT_VERSION`]).
    #[serde(default = "default_format")]
    pub format: u32,
    /// Title shown at the top of the story and in the browser tab.
    pub title: String,
    /// Language of the story text as a BCP 47 tag, e.g. `de` or `en`.
    #[serde(default = "default_lang")]
    pub lang: String,
    /// One or two sentences that say what the story is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Names of the people or teams who wrote the story.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Source and licence lines shown at the end of the story and under the map.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits: Vec<String>,
    /// Colours of the story page.
    #[serde(default)]
    pub theme: Theme,
    /// Lets readers move the map themselves: drag with the mouse, zoom with
    /// Ctrl + scroll wheel, two fingers on touch screens, `+` / `−` buttons
    /// and keys, and a button back to the step's view. Off by default, so
    /// scrolling the page is never taken over by the map; a step's own
    /// `interactive` overrides it. Scrolling to the next step always takes
    /// the camera back to that step's view.
    #[serde(default, skip_serializing_if = "is_false")]
    pub interactive: bool,
    /// Raster tiles under the data (none by default, so a story makes no
    /// third-party requests unless its author asks for a basemap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basemap: Option<Basemap>,
    /// The text's `#` heading, when it differs from `title`: the page shows
    /// it as its heading (the browser tab keeps `title`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// The cover under the heading, as safe HTML the story compiler writes:
    /// the summary, a line with the authors, date and reading time, the
    /// cover image, the text before the first step (everything between the
    /// title and the first `##`) and, when the story has chapters, their
    /// table of contents.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub intro: String,
    /// Data layers, drawn in this order (the first is at the bottom).
    #[serde(default)]
    pub layers: Vec<Layer>,
    /// The narrative steps in reading order.
    #[serde(default)]
    pub steps: Vec<Step>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn default_format() -> u32 {
    FORMAT_VERSION
}

fn default_lang() -> String {
    "de".to_owned()
}

impl Story {
    /// Finds a layer by its id.
    pub fn layer(&self, id: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.id == id)
    }

    /// Whether readers may move the map in this step (the step's
    /// `interactive`, else the story's).
    pub fn interactive_at(&self, step: usize) -> bool {
        self.steps
            .get(step)
            .and_then(|s| s.interactive)
            .unwrap_or(self.interactive)
    }

    /// Whether readers may move the map in any step.
    pub fn any_interactive(&self) -> bool {
        (0..self.steps.len()).any(|i| self.interactive_at(i))
    }

    /// Index of the step with this id, if any.
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    /// Whether step `step` draws layer number `layer`: in its `show`, or on
    /// the other side of its comparison. (The player tells a layer's
    /// failure while a step draws it.)
    ///
    /// ```
    /// let story: twinstory_model::Story = serde_json::from_str(r#"{
    ///   "title": "T", "lang": "de",
    ///   "layers": [{"id": "a", "title": "A", "source": {"type": "geojson", "url": "a.geojson"}},
    ///              {"id": "b", "title": "B", "source": {"type": "geojson", "url": "b.geojson"}}],
    ///   "steps": [{"id": "s", "title": "S", "html": "", "view": {"center": [10, 53.5], "zoom": 10},
    ///              "show": [{"layer": "b", "opacity": 1}]}]
    /// }"#).unwrap();
    /// assert!(story.step_draws(0, 1));
    /// assert!(!story.step_draws(0, 0));
    /// assert!(!story.step_draws(1, 1), "no such step");
    /// ```
    pub fn step_draws(&self, step: usize, layer: usize) -> bool {
        let (Some(s), Some(l)) = (self.steps.get(step), self.layers.get(layer)) else {
            return false;
        };
        let before = s.compare.iter().flat_map(|c| &c.before);
        s.show.iter().chain(before).any(|st| st.layer == l.id)
    }

    /// Whether the story draws anything in 3D: a layer with `extrude`
    /// (raised polygons or buildings in their real shape). `twinstory
    /// build` ships the flat base of the player (without the 3D code) to a
    /// story for which this is false.
    ///
    /// ```
    /// let mut story: twinstory_model::Story = serde_json::from_str(r#"{
    ///   "title": "T", "lang": "de",
    ///   "layers": [{"id": "a", "title": "A", "source": {"type": "geojson", "url": "a.geojson"}}],
    ///   "steps": []
    /// }"#).unwrap();
    /// assert!(!story.draws_in_3d());
    /// story.layers[0].style.extrude = Some(twinstory_model::Height::Metres(12.0));
    /// assert!(story.draws_in_3d());
    /// ```
    pub fn draws_in_3d(&self) -> bool {
        self.layers.iter().any(|l| l.style.extrude.is_some())
    }
}

/// The look of the story page: colours, cards and font. Every value has a
/// default that reaches WCAG 2.1 AA contrast; `twinstory validate` measures
/// the author's (W0019).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Theme {
    /// Accent colour for links, the active step marker and highlights.
    #[serde(default = "Theme::default_accent")]
    pub accent: Color,
    /// Background colour of the map area.
    #[serde(default = "Theme::default_map_background")]
    pub map_background: Color,
    /// Colour of the text.
    #[serde(default = "Theme::default_text")]
    pub text: Color,
    /// Background of the page around the cards (title, introduction, sources).
    #[serde(default = "Theme::default_page")]
    pub page: Color,
    /// Background of the step cards, the legend and the tooltips.
    #[serde(default = "Theme::default_card")]
    pub card: Color,
    /// Corner radius of the cards in CSS pixels (0 to 32).
    #[serde(default = "Theme::default_card_radius")]
    pub card_radius: f64,
    /// How cards stand out from the map.
    #[serde(default)]
    pub card_style: CardStyle,
    /// Font family of the whole story, e.g. `"Hamburg Sans"`: the family of
    /// `font-regular` and its siblings when they are given, else a font the
    /// reader's system has. None: the system's font (in an embed, the host
    /// page's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<String>,
    /// Font file of `font` in the story folder, upright and of normal
    /// weight (400): woff2, woff, ttf or otf, served with the story, never
    /// from a font service. The build turns the files into `@font-face`
    /// rules and leaves them out of story.json.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_regular: Option<String>,
    /// Font file of `font`, upright and bold (700): headings and `**bold**`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_bold: Option<String>,
    /// Font file of `font`, italic: `*emphasis*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_italic: Option<String>,
    /// Font file of `font`, bold and italic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font_bold_italic: Option<String>,
}

impl Theme {
    /// The font files given, with their setting name and CSS `font-weight`
    /// and `font-style`.
    pub fn font_files(&self) -> impl Iterator<Item = (&'static str, &str, u16, &'static str)> {
        [
            ("font-regular", &self.font_regular, 400, "normal"),
            ("font-bold", &self.font_bold, 700, "normal"),
            ("font-italic", &self.font_italic, 400, "italic"),
            ("font-bold-italic", &self.font_bold_italic, 700, "italic"),
        ]
        .into_iter()
        .filter_map(|(k, f, w, s)| f.as_deref().map(|f| (k, f, w, s)))
    }
}

/// How the step cards stand out from the map.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CardStyle {
    /// A soft shadow (the default).
    #[default]
    Shadow,
    /// A thin line in the text colour, no shadow.
    Border,
    /// Neither: the card's colour alone.
    Flat,
}

impl CardStyle {
    /// The name authors write.
    pub fn name(self) -> &'static str {
        match self {
            CardStyle::Shadow => "shadow",
            CardStyle::Border => "border",
            CardStyle::Flat => "flat",
        }
    }
    /// Every style, by the name authors write.
    pub const ALL: [CardStyle; 3] = [CardStyle::Shadow, CardStyle::Border, CardStyle::Flat];
    /// The style an author's name means, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl Theme {
    fn default_accent() -> Color {
        Color::rgb(0x00, 0x5c, 0xa9)
    }
    fn default_map_background() -> Color {
        Color::rgb(0xf4, 0xf1, 0xea)
    }
    fn default_text() -> Color {
        Color::rgb(0x1d, 0x23, 0x30)
    }
    fn default_page() -> Color {
        Color::rgb(0xf7, 0xf8, 0xfa)
    }
    fn default_card() -> Color {
        Color::rgb(0xff, 0xff, 0xff)
    }
    fn default_card_radius() -> f64 {
        6.0
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            accent: Self::default_accent(),
            map_background: Self::default_map_background(),
            text: Self::default_text(),
            page: Self::default_page(),
            card: Self::default_card(),
            card_radius: Self::default_card_radius(),
            card_style: CardStyle::default(),
            font: None,
            font_regular: None,
            font_bold: None,
            font_italic: None,
            font_bold_italic: None,
        }
    }
}

/// Raster map tiles shown under the data layers, from an XYZ or WMTS server
/// with a Web-Mercator (WebMercatorQuad / GoogleMapsCompatible) tile grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Basemap {
    /// Tile address template: `{z}`, `{x}`, `{y}` (XYZ, also `{-y}` for TMS
    /// rows) or `{TileMatrix}`, `{TileRow}`, `{TileCol}` (WMTS), optionally
    /// `{s}` (one of `subdomains`) and `{r}` (`@2x` on high-density screens).
    /// Read once by the story parser; `story.json` carries its parts.
    pub url: TileTemplate,
    /// Who made the map; shown in the map corner and in the credits (required).
    pub attribution: String,
    /// Link for the attribution, e.g. the provider's copyright page (http or https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution_url: Option<String>,
    /// Values of `{s}` in `url`, e.g. `[a, b, c]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subdomains: Vec<String>,
    /// Edge length of one tile image in pixels: 256 or 512.
    #[serde(default = "Basemap::default_tile_size")]
    pub tile_size: u32,
    /// Lowest zoom level the server has.
    #[serde(default)]
    pub min_zoom: u8,
    /// Highest zoom level the server has; closer views scale its tiles up.
    #[serde(default = "Basemap::default_max_zoom")]
    pub max_zoom: u8,
    /// Opacity of the tiles, 0–1.
    #[serde(default = "Basemap::default_opacity")]
    pub opacity: f64,
}

impl Basemap {
    fn default_tile_size() -> u32 {
        256
    }
    /// The highest zoom level assumed when a story does not say.
    pub fn default_max_zoom() -> u8 {
        18
    }
    fn default_opacity() -> f64 {
        1.0
    }

    /// The address of tile `x`, `y` (column inside the world) at zoom `z`,
    /// with this basemap's `subdomains` ([`TileTemplate::url`]).
    pub fn tile_url(&self, z: u8, x: u32, y: u32, retina: bool) -> String {
        self.url.url(z, x, y, retina, &self.subdomains)
    }
}
