//! JSON Schema (draft-07) of what an author writes: the front matter and a ```step block.

use schemars::{generate::SchemaSettings, JsonSchema};
use std::collections::BTreeMap;
use twinstory_model::{Basemap, Join, LayerStyle, Source, Theme, Transition, View};

/// The settings between the `---` lines at the top of story.md.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[schemars(title = "twinstory story.md front matter")]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
struct FrontMatter {
    /// Title shown at the top of the story and in the browser tab (required).
    title: String,
    /// Language of the story text as a BCP 47 tag, e.g. `de` or `en`.
    #[schemars(default = "default_lang")]
    lang: Option<String>,
    /// One or two sentences that say what the story is about.
    summary: Option<String>,
    /// Names of the people or teams who wrote the story.
    #[serde(default)]
    authors: Vec<String>,
    /// Source and licence lines shown at the end of the story and under the map.
    #[serde(default)]
    credits: Vec<String>,
    /// Colours of the story page.
    #[serde(default)]
    theme: Option<Theme>,
    /// Lets readers move the map themselves (drag, Ctrl + scroll wheel, two fingers, `+` / `−` buttons and keys). Off by default, so scrolling the page is never taken over by the map; the next step's view always takes over again.
    #[serde(default)]
    interactive: bool,
    /// Raster tiles under the data from an XYZ or WMTS server (Web-Mercator grid only); none by default.
    basemap: Option<Basemap>,
    /// Where the steps' text stands against the map: `left` (default), `right` or `overlay`.
    layout: Option<String>,
    /// The story's date, written year-month-day (`2026-05-04`); the cover shows it in the story's language.
    date: Option<String>,
    /// The reading time the cover shows, in whole minutes (1–600); computed from the text when left out.
    reading_time: Option<u32>,
    /// The cover image and its alt text.
    cover: Option<CoverSettings>,
    /// The story's versions in other languages: a language tag and the story folder beside this one, e.g. `en: ../where-children-play`.
    #[serde(default)]
    translations: BTreeMap<String, String>,
    /// Data layers under their ids (letters, digits, `-`, `_`), drawn in this order: the first is at the bottom.
    #[serde(default)]
    layers: BTreeMap<String, LayerSettings>,
}

/// The cover image: a file of the story (or an `https://` address) and what it shows.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
struct CoverSettings {
    /// The image, e.g. `img/cover.jpg` (required).
    image: String,
    /// What the image shows, for people who cannot see it (required).
    alt: String,
}

fn default_lang() -> &'static str {
    "de"
}

/// One data layer; its id is the key it is written under.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
struct LayerSettings {
    /// Human-readable name, shown in legends.
    title: Option<String>,
    /// Where the features come from (required).
    source: Source,
    /// How the features are drawn.
    #[serde(default)]
    style: Option<LayerStyle>,
    /// Source and licence line for this layer, shown with the map while it is visible.
    attribution: Option<String>,
    /// Link for the attribution, e.g. the licence or the provider's page (http or https).
    attribution_url: Option<String>,
    /// Names of fields for readers (legend titles, table headers, tooltips),
    /// e.g. `je_1000_kinder: Spielplätze je 1.000 Kinder`.
    #[serde(default)]
    fields: BTreeMap<String, String>,
    /// Names of values for readers (legend entries, table cells, tooltips),
    /// e.g. `"yes": ja`, `limited: eingeschränkt`.
    #[serde(default)]
    categories: BTreeMap<String, String>,
    /// Tooltip template, e.g. `{name}: {value}`.
    tooltip: Option<String>,
    /// A table (CSV) to join onto the features, or a list of them.
    join: Option<JoinSettings>,
    /// New fields, `name: expression`, e.g. `per_1000: playgrounds / children * 1000`.
    #[serde(default)]
    compute: BTreeMap<String, String>,
    /// The field(s) with each feature's time, for steps' `time` and `play`: a field name, `{ field: f }` or `{ start: von, end: bis }`.
    time: Option<TimeSettings>,
}

/// Where a layer's features keep their time.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
enum TimeSettings {
    /// One field: a date, month, year or whole number (a year).
    Field(String),
    /// One field, written as a group.
    One {
        /// The field with the time.
        field: String,
    },
    /// A period from one field to another.
    Period {
        /// The field with the first day.
        start: String,
        /// The field with the last day.
        end: Option<String>,
    },
}

/// A moment (`2023-02-05`, `2023-02`, `2023`) or a period `[first, last]`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
enum StepTime {
    /// A moment, as text.
    Moment(String),
    /// A year as a number.
    Year(u32),
    /// A period: its first and last time.
    Period(Vec<StepTime>),
}

/// Plays through time while the step is active.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
struct PlaySettings {
    /// The first moment.
    from: StepTime,
    /// The last moment.
    to: StepTime,
    /// How far apart the moments are: `1 week`, `2 days`, `1 month`, `5 years`.
    step: String,
    /// How long the run takes: `8s`, `8`, `500ms` (default 8 seconds).
    duration: Option<StepDuration>,
}

/// Seconds, as a number or text with `s` or `ms`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
enum StepDuration {
    /// Seconds.
    Seconds(f64),
    /// `8s` or `500ms`.
    Text(String),
}

/// One join, or several in order.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
enum JoinSettings {
    /// One table.
    One(Join),
    /// Several tables, joined in this order.
    Many(Vec<Join>),
}

/// The YAML inside a ```step block below a `##` heading.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
struct StepBlock {
    /// Id used in links (`#harbour`); made from the heading when left out. Letters, digits, `-`, `_`.
    id: Option<String>,
    /// Where the camera goes: `{center: [lon, lat], zoom}` or `{fit: layer-id}` / `{fit: [west, south, east, north]}`. Left out: the previous step's view stays.
    view: Option<View>,
    /// Layers visible in this step, bottom to top; every other layer is hidden.
    #[serde(default)]
    show: Vec<ShowEntry>,
    /// How the camera moves to this step's view (default `fly`).
    #[serde(default)]
    transition: Option<Transition>,
    /// Lets readers move the map in this step (`true`) or not (`false`), whatever the story's `interactive` says.
    interactive: Option<bool>,
    /// The map in words, replacing the text alternative `twinstory build` generates from the story and its data (the map's accessible description in this step, read out when the step begins).
    map_description: Option<String>,
    /// Sentences added after the generated text alternative, e.g. what the step's text asks readers to notice.
    map_description_extra: Option<String>,
    /// The time shown of layers with a `time`: a moment or a period `[first, last]`.
    time: Option<StepTime>,
    /// Plays through time while the step is active: `{ from, to, step, duration }`.
    play: Option<PlaySettings>,
    /// Where the map looks on phones (maps at most 720 CSS pixels wide), written like `view`.
    view_narrow: Option<View>,
    /// Where this step's text stands against the map: `left`, `right` or `overlay` (default: the story's `layout`).
    layout: Option<String>,
    /// Two states of the map, before and after, with a divider the reader moves; replaces `show`.
    compare: Option<CompareSettings>,
}

/// The two sides of a step's `compare`.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
struct CompareSettings {
    /// The state left of the divider (on phones: the left picture).
    before: CompareSide,
    /// The state right of the divider (on phones: the right picture).
    after: CompareSide,
}

/// One side of `compare`.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
struct CompareSide {
    /// What readers read on that side, e.g. `"2014"`: a year or a word or two.
    label: String,
    /// The layers of that side, bottom to top, written as a step's `show`.
    show: Vec<ShowEntry>,
}

/// A layer to show: its id, or `{layer, opacity, filter, highlight}`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "only derives the schema; never built or read")]
enum ShowEntry {
    /// Id of a layer, shown fully opaque.
    Id(String),
    /// A layer with an opacity, a filter or a highlight.
    WithOpacity {
        /// Id of the layer.
        layer: String,
        /// Opacity from 0 (invisible) to 1 (opaque); default 1.
        #[schemars(range(min = 0.0, max = 1.0))]
        opacity: Option<f64>,
        /// Only features matching this condition are drawn, e.g. `'playgrounds >= 10'`.
        filter: Option<String>,
        /// Matching features keep their colour and get an outline; the rest are dimmed.
        highlight: Option<String>,
    },
}

/// The JSON Schema (draft-07) of the front matter, with the ```step block under `definitions.StepBlock`.
pub fn schema_json() -> String {
    let mut generator = SchemaSettings::draft07().into_generator();
    generator.subschema_for::<StepBlock>();
    let schema = generator.into_root_schema_for::<FrontMatter>();
    serde_json::to_string_pretty(&schema).unwrap_or_else(|_| "{}".to_owned())
}
