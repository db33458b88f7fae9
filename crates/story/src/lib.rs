//! Parses `story.md` (YAML front matter + Markdown with ```` ```step ```` blocks)
//! into the story model plus every diagnostic, renders the diagnostics
//! compiler-style, checks images and data files, and provides the JSON Schema
//! and the `twinstory new` template.
//!
//! Code map:
//! - `parse`: the whole file → [`ParsedStory`] (encoding, front matter split, steps).
//! - `yaml`, `walk`: YAML → a tree with positions → typed values with diagnostics.
//! - `front_matter`, `step_block`: the settings of the story and of each step.
//! - `markdown`: headings → steps, Markdown → safe HTML, images.
//! - `figure`: figures from the data (`{= count playgrounds}`), read and
//!   computed; `checks/figures` reports and fills them in.
//! - `chart`, `chart_svg`: ```chart blocks read, computed and drawn as SVG;
//!   `checks/charts` reports and fills them in.
//! - `invisible`: bidirectional controls and zero-width characters (W0010),
//!   taken out before the text is read.
//! - `assets`: files on disk, data errors, views against the data's bounds.
//! - `layer_data`: a layer's data as the build writes it (source read, tables
//!   joined, fields computed) with the join reports and a data sheet.
//! - `edit`: one step's `view` written into story.md, every other byte
//!   kept (the preview's view picker).
//! - `diagnostic`, `render`, `suggest`: the diagnostics and how they are shown.
//! - `schema`, `scaffold`: JSON Schema for editors, the new-story scaffold.
//!
//! Host only: this crate is never compiled into the browser player.

#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod assets;
pub mod chart;
mod chart_svg;
mod checks;
mod cover;
pub mod days;
mod diagnostic;
pub mod edit;
pub mod figure;
mod front_matter;
mod invisible;
mod layer_data;
mod markdown;
mod media;
mod parse;
mod reader_names;
mod render;
mod scaffold;
mod schema;
mod slug;
mod source;
mod step_block;
mod suggest;
pub mod time;
mod walk;
mod yaml;

pub use assets::{check_assets, local_file, LocalFile, PathProblem};
pub use cover::{reading_minutes, WORDS_PER_MINUTE};
pub use diagnostic::{has_errors, Diagnostic, Severity};
pub use front_matter::FONT_FORMATS;
pub use layer_data::{load_layer_data, DataSheet, FieldSheet, LayerData, LayerPart, LayerProblem};
pub use parse::{parse_story, MAX_FILE_BYTES};

pub use render::render_diagnostics;
pub use scaffold::{new_story_template, TemplateLanguage, SAMPLE_DATA, SAMPLE_DATA_PATH};
pub use schema::schema_json;
pub use slug::slugify;

use serde::Serialize;

/// A story as parsed: the model (when the file could be read at all), every
/// problem found, and the files it refers to.
#[derive(Debug, Clone)]
pub struct ParsedStory {
    /// The story; `None` when the file could not be read as a story at all.
    pub story: Option<twinstory_model::Story>,
    /// Every problem found, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Images and local data files the story uses, with their positions.
    pub assets: Vec<Asset>,
    /// Per step (story order): the author's `map-description-extra`, which
    /// the build adds to the step's text alternative (not part of the
    /// model: the player never reads it).
    pub map_description_extra: Vec<Option<String>>,
    /// The story's versions in other languages (`translations`), for the
    /// page's `<link rel="alternate">` and the site index (not part of
    /// the model: the cover's links are in its HTML already).
    pub translations: Vec<Translation>,
    /// Positions that later checks ([`check_assets`]) point at.
    spans: Spans,
    /// Per layer (story order): its data as [`check_assets`] read it, so
    /// that the build and `validate --verbose` do not read it again.
    layer_data: Vec<Option<LayerData>>,
}

impl ParsedStory {
    /// Layer `i`'s data as [`check_assets`] read it (local files only;
    /// `None` before the check, for servers and for data with errors).
    pub fn layer_data(&self, i: usize) -> Option<&LayerData> {
        self.layer_data.get(i).and_then(Option::as_ref)
    }

    /// Every figure of the text (`{= count playgrounds}`) that reads, in
    /// text order, with its value once [`check_assets`] computed it.
    pub fn figures(&self) -> Vec<FigureValue> {
        let steps = self.story.as_ref().map(|s| &s.steps);
        self.spans
            .figures
            .iter()
            .map(|f| FigureValue {
                text: f.figure.text.clone(),
                step: f
                    .step
                    .and_then(|n| steps.and_then(|s| s.get(n)).map(|s| s.id.clone())),
                value: f.value.clone(),
            })
            .collect()
    }

    /// Gives the features of layer `i`'s data their day keys when the layer
    /// has a `time` ([`time::add_keys`]; [`check_assets`] did so for the data
    /// it read), so that steps' times, written as filters, find them.
    pub fn add_time_keys(&self, i: usize, data: &mut twinstory_data::Dataset) {
        if let Some(Some(t)) = self.spans.layer_times.get(i) {
            time::add_keys(t, data);
        }
    }

    /// Takes the data [`check_assets`] read, one entry per layer.
    pub fn take_layer_data(&mut self) -> Vec<Option<LayerData>> {
        std::mem::take(&mut self.layer_data)
    }
}

impl ParsedStory {
    /// Every chart (```chart block) that reads, in text order: the id of its
    /// step and, once [`check_assets`] computed it, its data.
    pub fn charts(&self) -> Vec<(String, Option<chart::ChartData>)> {
        let steps = self.story.as_ref().map(|s| &s.steps);
        self.spans
            .charts
            .iter()
            .map(|c| {
                let id = steps
                    .and_then(|s| s.get(c.step))
                    .map(|s| s.id.clone())
                    .unwrap_or_default();
                (id, c.data.clone())
            })
            .collect()
    }
}

/// A figure of the text and its value (see [`ParsedStory::figures`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureValue {
    /// The figure as written, `{=` to `}`.
    pub text: String,
    /// The id of the step it is in; `None` in the introduction.
    pub step: Option<String>,
    /// What readers see in its place; `None` until computed, or when it
    /// could not be.
    pub value: Option<String>,
}

/// Positions kept from parsing for [`check_assets`].
#[derive(Debug, Clone, Default)]
struct Spans {
    /// The file name diagnostics carry.
    file: String,
    /// Per layer (same order as `story.layers`): position of its `url`.
    layer_url: Vec<diagnostic::Pos>,
    /// Per layer: position of each `join`'s `table`.
    layer_join: Vec<Vec<diagnostic::Pos>>,
    /// Per layer: where each `join` names its table's key column.
    layer_join_key: Vec<Vec<diagnostic::Pos>>,
    /// Per layer, per `join`: where each of its `columns` is named.
    layer_join_columns: Vec<Vec<Vec<diagnostic::Pos>>>,
    /// Per layer: position of each computed field's expression.
    layer_compute: Vec<Vec<diagnostic::Pos>>,
    /// Per layer: the properties its tooltip, label, label priority, style
    /// and `fields` name.
    layer_properties: Vec<Vec<(String, diagnostic::Pos)>>,
    /// Per layer: the values its `colors` and reader names' `categories` name.
    layer_values: Vec<Vec<checks::style::ValueKey>>,
    /// Per layer: the fields its `time` names, where they are named.
    layer_time: Vec<Vec<(String, diagnostic::Pos)>>,
    /// Per layer: its `time`, if any.
    layer_times: Vec<Option<time::LayerTime>>,
    /// Per layer: a `join` had errors, so the data is not checked against the settings.
    layer_join_failed: Vec<bool>,
    /// Per layer: where its style's `extrude` is named, if it is.
    layer_extrude: Vec<Option<diagnostic::Pos>>,
    /// The fields steps' `filter` and `highlight` read: layer id, field, position.
    condition_fields: Vec<(String, String, diagnostic::Pos)>,
    /// Steps' `filter` and `highlight`: layer id, setting, condition, position.
    conditions: Vec<(String, &'static str, String, diagnostic::Pos)>,
    /// Per step: where its `time` or `play` is and the spans it shows.
    step_time_spans: Vec<Option<(diagnostic::Pos, Vec<days::Span>)>>,
    /// Per step (same order as `story.steps`): position of its `center` or `fit`.
    step_view: Vec<Option<diagnostic::Pos>>,
    /// Per step: the layers its `show` names, with their positions.
    step_show: Vec<Vec<(String, diagnostic::Pos)>>,
    /// Per step: its `map-description-extra`.
    step_description_extra: Vec<Option<String>>,
    /// The figures of the text, in text order.
    figures: Vec<markdown::FoundFigure>,
    /// The charts of the steps, in text order.
    charts: Vec<checks::charts::FoundChart>,
    /// The story's versions in other languages, with their positions.
    translations: Vec<Translation>,
}

/// A version of the story in another language: `translations: { en:
/// ../where-children-play }` in the front matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Translation {
    /// Its language tag, e.g. `en`.
    pub lang: String,
    /// Its story folder, beside this story's (`where-children-play`).
    pub folder: String,
    /// Where the folder is named.
    #[serde(skip)]
    pub(crate) pos: diagnostic::Pos,
    /// Where the language is named.
    #[serde(skip)]
    pub(crate) lang_pos: diagnostic::Pos,
}

impl Translation {
    /// The address of its page from this story's page: the site puts the
    /// stories of a folder side by side (`../where-children-play/`).
    pub fn href(&self) -> String {
        format!("../{}/", self.folder)
    }
}

/// A file the story refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asset {
    /// Image or data file.
    pub kind: AssetKind,
    /// The path or URL as written in story.md.
    pub url: String,
    /// 1-based line where it is named.
    pub line: usize,
    /// 1-based column where it is named.
    pub column: usize,
}

/// What kind of file an [`Asset`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AssetKind {
    /// An image in the text.
    Image,
    /// A layer's data file.
    Data,
    /// A font file of the theme.
    Font,
    /// A video of a ```video block.
    Video,
    /// An audio of an ```audio block.
    Audio,
    /// A WebVTT captions file of a video.
    Captions,
    /// A video's poster image.
    Poster,
    /// An audio's transcript.
    Transcript,
    /// A file of the story folder that a link in the text goes to (a
    /// download such as `data/playgrounds.csv`): checked like an image and
    /// published at its path.
    Link,
}
