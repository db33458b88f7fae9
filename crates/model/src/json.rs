//! Reading `story.json` in the browser: a hand-written walk over a parsed
//! [`serde_json::Value`], for the size of the player.
//!
//! The types derive `Deserialize` too (the CLI, the story compiler and the
//! tests use it), but in the player serde's derived code for these ~25 types
//! was its largest part: the derive is instantiated per type for the JSON
//! reader, with an identifier visitor per struct, sequence forms nobody
//! writes and, for the internally tagged `Source`, a buffering pass (about
//! 187 KB of unoptimised wasm, measured with `twiggy dominators`). Parsing to
//! a `Value` once and walking it is a few lines per type.
//!
//! Each value is read by a plain function (`fn(&Value, &Path) -> Option<T>`,
//! one per type, no closure types), and where a value is ([`Path`]) becomes
//! text only when it is wrong: the first reader that fails writes the error
//! into the document's root and returns `None`, which every caller passes on
//! with `?`. Written with `Result`s, a path string made for every setting
//! and a generic function per setting and closure, this reader was about
//! 49 KB of the base's optimised code; this way it is 34 KB, and the base
//! 4.9 KB gzip smaller (measured 2026-12-05, `docs/facts.md`).
//!
//! **Invariant:** for every text the derived `Deserialize` reads, this reads
//! the equal [`Story`], and it refuses what the derive refuses (unknown
//! settings, wrong types, missing required values).
//! `crates/story/tests/story_json.rs` checks both ways over every compiled
//! story of the story crate's cases and a story with every setting, and
//! the `story_json` fuzz target compares the
//! two on arbitrary input. A new field goes into its type *and* here.

use crate::layer::{
    Categories, Choropleth, Circles, Classification, ComputedField, Height, Join, JoinBy, JoinMode,
    Layer, LayerStyle, ModelShape, NumberStyle, SchemeName, Source, TableEncoding,
};
use crate::step::{Compare, FitTarget, LayerState, Layout, Step, Transition, View};
use crate::tile_template::{TilePart, TileTemplate};
use crate::{keys, Basemap, CardStyle, Color, Story, Theme};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;

/// Why a `story.json` could not be read: where (a JSON path such as
/// `layers[2].style.fill`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Where in the document, `$` for the top.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for JsonError {}

/// Where a value is in the document (`$.layers[2].style.fill`); the root
/// keeps the first error.
enum Path<'a> {
    Root(&'a Cell<Option<JsonError>>),
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root(_) => f.write_str("$"),
            Path::Key(p, k) => write!(f, "{p}.{k}"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// A reader of one type: `None` when the value is wrong, after [`no`] has
/// written why into the root.
type Read<T> = fn(&Value, &Path<'_>) -> Option<T>;

/// Writes the error at `path` into the document's root; `None` to return.
fn no<T>(path: &Path<'_>, message: String) -> Option<T> {
    let mut root = path;
    while let Path::Key(p, _) | Path::Index(p, _) = root {
        root = p;
    }
    if let Path::Root(first) = root {
        first.set(Some(JsonError {
            path: path.to_string(),
            message,
        }));
    }
    None
}

/// Reads the whole document `v` with `read`.
fn read_document<T>(v: &Value, read: Read<T>) -> Result<T, JsonError> {
    let first = Cell::new(None);
    match read(v, &Path::Root(&first)) {
        Some(t) => Ok(t),
        None => Err(first.take().unwrap_or_else(|| JsonError {
            path: "$".into(),
            message: "cannot be read".into(),
        })),
    }
}

impl Story {
    /// Reads a `story.json` text.
    ///
    /// # Examples
    /// ```
    /// use twinstory_model::Story;
    /// let s = Story::from_json(r#"{"title": "T", "steps": [{"id": "a", "title": "A"}]}"#).unwrap();
    /// assert_eq!(s.lang, "de");
    /// let e = Story::from_json(r#"{"title": "T", "tilte": 1}"#).unwrap_err();
    /// assert_eq!(e.to_string(), "$: unknown setting `tilte`");
    /// ```
    pub fn from_json(text: &str) -> Result<Story, JsonError> {
        // Not serde_json's parser: see json_syntax.rs.
        let value = crate::json_syntax::parse(text.as_bytes()).map_err(|e| JsonError {
            path: "$".into(),
            message: e.to_string(),
        })?;
        Story::from_json_value(&value)
    }

    /// Reads a story from parsed JSON (see [`Story::from_json`]).
    pub fn from_json_value(v: &Value) -> Result<Story, JsonError> {
        read_document(v, story)
    }
}

impl Basemap {
    /// Reads a story's `basemap` as `story.json` has it (for the basemap
    /// module, which gets it from the player as JSON).
    ///
    /// # Examples
    /// ```
    /// use twinstory_model::{json_syntax, Basemap};
    /// let v = json_syntax::parse(br#"{"attribution": "T", "url": [{"text": "https://t.example/"},
    ///     "zoom", {"text": "/"}, "column", {"text": "/"}, "row", {"text": ".png"}]}"#).unwrap();
    /// let b = Basemap::from_json_value(&v).unwrap();
    /// assert_eq!(b.tile_url(3, 1, 2, false), "https://t.example/3/1/2.png");
    /// assert!(Basemap::from_json_value(&json_syntax::parse(b"{}").unwrap()).is_err());
    /// ```
    pub fn from_json_value(v: &Value) -> Result<Basemap, JsonError> {
        read_document(v, basemap)
    }
}

impl Step {
    /// The step's `show` at moment `pos` of its `play`; `None` without a
    /// play, or when that moment cannot be read.
    ///
    /// # Examples
    /// ```
    /// use twinstory_model::Story;
    /// let s = Story::from_json(r#"{"title": "T", "steps": [{"id": "a", "title": "A",
    ///     "play": {"duration": 8, "moments": [{"label": "2023", "show": [{"layer": "x"}]}]}}]}"#).unwrap();
    /// assert_eq!(s.steps[0].moment_show(0).unwrap()[0].layer, "x");
    /// assert!(s.steps[0].moment_show(1).is_none());
    /// ```
    pub fn moment_show(&self, pos: usize) -> Option<Vec<LayerState>> {
        let show = self.play.as_ref()?.get("moments")?.get(pos)?.get("show")?;
        // The one `list` of `layer_state` the step's `show` and
        // `compare.before` are read with (a loop of its own cost the
        // player's base more).
        read_document(show, |v, p| list(v, p, layer_state)).ok()
    }
}

/// An object whose keys are all known.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: &'a Path<'a>,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, path: &'a Path<'a>, known: &[&str]) -> Option<Self> {
        let Value::Object(map) = v else {
            return no(path, format!("expected an object, found {}", kind(v)));
        };
        if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return no(path, format!("unknown setting `{k}`"));
        }
        Some(Obj { map, path })
    }

    /// The value of `key`, absent or `null` as `Some(None)`.
    fn opt<T>(&self, key: &str, read: Read<T>) -> Option<Option<T>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(v) => read(v, &Path::Key(self.path, key)).map(Some),
        }
    }

    /// The value of `key`, or `default()` when absent (`null` is a wrong
    /// type).
    fn or<T>(&self, key: &str, default: fn() -> T, read: Read<T>) -> Option<T> {
        match self.map.get(key) {
            None => Some(default()),
            Some(v) => read(v, &Path::Key(self.path, key)),
        }
    }

    /// The value of `key`, which must be there.
    fn req<T>(&self, key: &str, read: Read<T>) -> Option<T> {
        match self.map.get(key) {
            None => no(self.path, format!("missing setting `{key}`")),
            Some(v) => read(v, &Path::Key(self.path, key)),
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn text(v: &Value, path: &Path<'_>) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        _ => no(path, format!("expected text, found {}", kind(v))),
    }
}

fn number(v: &Value, path: &Path<'_>) -> Option<f64> {
    match v.as_f64() {
        Some(n) => Some(n),
        None => no(path, format!("expected a number, found {}", kind(v))),
    }
}

/// A whole number from 0 to `max`.
fn whole(v: &Value, path: &Path<'_>, max: u64) -> Option<u64> {
    match v.as_u64() {
        Some(n) if n <= max => Some(n),
        _ => no(path, format!("expected a whole number from 0 to {max}")),
    }
}

fn uint(v: &Value, path: &Path<'_>) -> Option<u32> {
    whole(v, path, u64::from(u32::MAX)).map(|n| n as u32)
}

fn byte(v: &Value, path: &Path<'_>) -> Option<u8> {
    whole(v, path, 255).map(|n| n as u8)
}

fn boolean(v: &Value, path: &Path<'_>) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        _ => no(path, format!("expected true or false, found {}", kind(v))),
    }
}

fn one_char(v: &Value, path: &Path<'_>) -> Option<char> {
    let s = text(v, path)?;
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => no(path, "expected one character".into()),
    }
}

fn color(v: &Value, path: &Path<'_>) -> Option<Color> {
    match text(v, path)?.parse::<Color>() {
        Ok(c) => Some(c),
        Err(e) => no(path, e.to_string()),
    }
}

fn list<T>(v: &Value, path: &Path<'_>, read: Read<T>) -> Option<Vec<T>> {
    let Value::Array(items) = v else {
        return no(path, format!("expected a list, found {}", kind(v)));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(read(item, &Path::Index(path, i))?);
    }
    Some(out)
}

fn texts(v: &Value, path: &Path<'_>) -> Option<Vec<String>> {
    list(v, path, text)
}

fn numbers<const N: usize>(v: &Value, path: &Path<'_>) -> Option<[f64; N]> {
    match list(v, path, number)?.try_into() {
        Ok(n) => Some(n),
        Err(_) => no(path, format!("expected a list of {N} numbers")),
    }
}

/// An object of values read by `read`, inserted one by one: collecting into
/// a map sorts, which would be another copy of the sort in the player.
fn map_of<T>(v: &Value, path: &Path<'_>, read: Read<T>) -> Option<BTreeMap<String, T>> {
    let Value::Object(map) = v else {
        return no(path, format!("expected an object, found {}", kind(v)));
    };
    let mut out = BTreeMap::new();
    for (k, item) in map {
        out.insert(k.clone(), read(item, &Path::Key(path, k))?);
    }
    Some(out)
}

fn text_map(v: &Value, path: &Path<'_>) -> Option<BTreeMap<String, String>> {
    map_of(v, path, text)
}

/// One of `names` (each with its value), as a kebab-case enum is written.
fn name<T: Clone>(v: &Value, path: &Path<'_>, names: &[(&str, T)]) -> Option<T> {
    let s = text(v, path)?;
    match names.iter().find(|(n, _)| *n == s) {
        Some((_, t)) => Some(t.clone()),
        None => no(path, format!("unknown value `{s}`")),
    }
}

fn story(v: &Value, path: &Path<'_>) -> Option<Story> {
    let o = Obj::new(
        v,
        path,
        &[
            "format",
            "title",
            "lang",
            "summary",
            "authors",
            "credits",
            "theme",
            "interactive",
            "basemap",
            "heading",
            "intro",
            "layers",
            "steps",
        ],
    )?;
    Some(Story {
        format: o.or("format", || crate::FORMAT_VERSION, uint)?,
        title: o.req("title", text)?,
        lang: o.or("lang", || "de".to_owned(), text)?,
        summary: o.opt("summary", text)?,
        authors: o.or("authors", Vec::new, texts)?,
        credits: o.or("credits", Vec::new, texts)?,
        theme: o.or("theme", Theme::default, theme)?,
        interactive: o.or("interactive", || false, boolean)?,
        basemap: o.opt("basemap", basemap)?,
        heading: o.opt("heading", text)?,
        intro: o.or("intro", String::new, text)?,
        layers: o.or("layers", Vec::new, |v, p| list(v, p, layer))?,
        steps: o.or("steps", Vec::new, |v, p| list(v, p, step))?,
    })
}

fn theme(v: &Value, path: &Path<'_>) -> Option<Theme> {
    let o = Obj::new(v, path, keys::THEME)?;
    // Defaults from `Theme::default()` in each reader: a `Read`'s default is
    // a plain function, which captures nothing.
    Some(Theme {
        accent: o.or("accent", || Theme::default().accent, color)?,
        map_background: o.or("map-background", || Theme::default().map_background, color)?,
        text: o.or("text", || Theme::default().text, color)?,
        page: o.or("page", || Theme::default().page, color)?,
        card: o.or("card", || Theme::default().card, color)?,
        card_radius: o.or("card-radius", || Theme::default().card_radius, number)?,
        card_style: o.or("card-style", || Theme::default().card_style, card_style)?,
        font: o.opt("font", text)?,
        font_regular: o.opt("font-regular", text)?,
        font_bold: o.opt("font-bold", text)?,
        font_italic: o.opt("font-italic", text)?,
        font_bold_italic: o.opt("font-bold-italic", text)?,
    })
}

fn card_style(v: &Value, path: &Path<'_>) -> Option<CardStyle> {
    let name = text(v, path)?;
    match CardStyle::from_name(&name) {
        Some(s) => Some(s),
        None => no(path, "expected shadow, border or flat".into()),
    }
}

fn basemap(v: &Value, path: &Path<'_>) -> Option<Basemap> {
    let o = Obj::new(v, path, keys::BASEMAP)?;
    Some(Basemap {
        url: o.req("url", tile_template)?,
        attribution: o.req("attribution", text)?,
        attribution_url: o.opt("attribution-url", text)?,
        subdomains: o.or("subdomains", Vec::new, texts)?,
        tile_size: o.or("tile-size", || 256, uint)?,
        min_zoom: o.or("min-zoom", || 0, byte)?,
        max_zoom: o.or("max-zoom", Basemap::default_max_zoom, byte)?,
        opacity: o.or("opacity", || 1.0, number)?,
    })
}

fn tile_part_name(v: &Value, path: &Path<'_>) -> Option<TilePart> {
    name(
        v,
        path,
        &[
            ("zoom", TilePart::Zoom),
            ("column", TilePart::Column),
            ("row", TilePart::Row),
            ("tms-row", TilePart::TmsRow),
            ("subdomain", TilePart::Subdomain),
            ("retina", TilePart::Retina),
        ],
    )
}

fn tile_template(v: &Value, path: &Path<'_>) -> Option<TileTemplate> {
    let parts = list(v, path, |v, p| match v {
        // `{"text": "…"}`, or a name written as `{"zoom": null}`.
        Value::Object(m) => match m.iter().next() {
            Some((k, t)) if m.len() == 1 && k == "text" => text(t, p).map(TilePart::Text),
            Some((k, Value::Null)) if m.len() == 1 => tile_part_name(&Value::String(k.clone()), p),
            _ => no(p, "expected {\"text\": …} or a part's name".into()),
        },
        _ => tile_part_name(v, p),
    })?;
    match TileTemplate::try_from(parts) {
        Ok(t) => Some(t),
        Err(e) => no(path, e.to_string()),
    }
}

fn layer(v: &Value, path: &Path<'_>) -> Option<Layer> {
    let o = Obj::new(
        v,
        path,
        &[
            "id",
            "title",
            "source",
            "style",
            "attribution",
            "attribution-url",
            "fields",
            "categories",
            "tooltip",
            "join",
            "compute",
        ],
    )?;
    Some(Layer {
        id: o.req("id", text)?,
        title: o.opt("title", text)?,
        source: o.req("source", source)?,
        style: o.or("style", LayerStyle::default, style)?,
        attribution: o.opt("attribution", text)?,
        attribution_url: o.opt("attribution-url", text)?,
        fields: o.or("fields", BTreeMap::new, text_map)?,
        categories: o.or("categories", BTreeMap::new, text_map)?,
        tooltip: o.opt("tooltip", text)?,
        join: o.or("join", Vec::new, |v, p| list(v, p, join))?,
        compute: o.or("compute", Vec::new, |v, p| list(v, p, computed))?,
    })
}

fn join(v: &Value, path: &Path<'_>) -> Option<Join> {
    let o = Obj::new(v, path, keys::JOIN)?;
    Some(Join {
        table: o.req("table", text)?,
        by: o.or("by", JoinBy::default, |v, p| {
            name(
                v,
                p,
                &[("key", JoinBy::Key), ("stadtteil", JoinBy::Stadtteil)],
            )
        })?,
        feature_key: o.opt("feature-key", text)?,
        table_key: o.opt("table-key", text)?,
        mode: o.or("mode", JoinMode::default, |v, p| {
            name(
                v,
                p,
                &[
                    ("dissolve", JoinMode::Dissolve),
                    ("attach", JoinMode::Attach),
                ],
            )
        })?,
        columns: o.or("columns", Vec::new, texts)?,
        sum: o.or("sum", Vec::new, texts)?,
        missing: o.opt("missing", number)?,
        encoding: o.opt("encoding", |v, p| {
            name(
                v,
                p,
                &[
                    ("utf8", TableEncoding::Utf8),
                    ("latin1", TableEncoding::Latin1),
                    ("iso-8859-1", TableEncoding::Latin1),
                    ("windows-1252", TableEncoding::Latin1),
                    ("cp1252", TableEncoding::Latin1),
                ],
            )
        })?,
        numbers: o.opt("numbers", |v, p| {
            name(
                v,
                p,
                &[
                    ("decimal-comma", NumberStyle::DecimalComma),
                    ("decimal-point", NumberStyle::DecimalPoint),
                ],
            )
        })?,
        delimiter: o.opt("delimiter", one_char)?,
    })
}

fn computed(v: &Value, path: &Path<'_>) -> Option<ComputedField> {
    let o = Obj::new(v, path, &["name", "expression"])?;
    Some(ComputedField {
        name: o.req("name", text)?,
        expression: o.req("expression", text)?,
    })
}

fn source(v: &Value, path: &Path<'_>) -> Option<Source> {
    let kind = match v.get("type") {
        Some(t) => text(t, &Path::Key(path, "type"))?,
        None => return no(path, "missing setting `type`".into()),
    };
    let o = |known: &[&str]| {
        let mut all = vec!["type"];
        all.extend_from_slice(known);
        Obj::new(v, path, &all)
    };
    Some(match kind.as_str() {
        // One reading for the sources whose only other setting is `lod`
        // (smaller in the player than one arm each).
        "geojson" | "overpass" | "packed" | "cityjson" => {
            let city = kind == "cityjson";
            let o = o(if city { &["url", "lod"] } else { &["url"] })?;
            let url = o.req("url", text)?;
            match kind.as_str() {
                "geojson" => Source::Geojson { url },
                "overpass" => Source::Overpass { url },
                "packed" => Source::Packed { url },
                _ => Source::Cityjson {
                    url,
                    lod: o.opt("lod", text)?,
                },
            }
        }
        "csv" => {
            let o = o(&["url", "lat", "lon", "delimiter"])?;
            Source::Csv {
                url: o.req("url", text)?,
                lat: o.opt("lat", text)?,
                lon: o.opt("lon", text)?,
                delimiter: o.opt("delimiter", one_char)?,
            }
        }
        "ogc-api-features" => {
            let o = o(&["url", "bbox", "limit", "max-features"])?;
            Source::OgcApiFeatures {
                url: o.req("url", text)?,
                bbox: o.opt("bbox", numbers::<4>)?,
                limit: o.or("limit", crate::layer::default_page_size, uint)?,
                max_features: o.or("max-features", crate::layer::default_max_features, uint)?,
            }
        }
        "wfs" => {
            let o = o(&[
                "url",
                "type-name",
                "format",
                "bbox",
                "limit",
                "max-features",
            ])?;
            Source::Wfs {
                url: o.req("url", text)?,
                type_name: o.req("type-name", text)?,
                format: o.or("format", crate::layer::default_wfs_format, text)?,
                bbox: o.opt("bbox", numbers::<4>)?,
                limit: o.or("limit", crate::layer::default_page_size, uint)?,
                max_features: o.or("max-features", crate::layer::default_max_features, uint)?,
            }
        }
        "sensorthings" => {
            let o = o(&["url", "things", "datastreams", "refresh", "max-features"])?;
            Source::Sensorthings {
                url: o.req("url", text)?,
                things: o.opt("things", text)?,
                datastreams: o.opt("datastreams", text)?,
                refresh: o.opt("refresh", uint)?,
                max_features: o.or("max-features", crate::layer::default_max_features, uint)?,
            }
        }
        other => {
            return no(
                &Path::Key(path, "type"),
                format!("unknown source type `{other}`"),
            )
        }
    })
}

fn style(v: &Value, path: &Path<'_>) -> Option<LayerStyle> {
    let o = Obj::new(
        v,
        path,
        &[
            "fill",
            "stroke",
            "stroke-width",
            "radius",
            "choropleth",
            "categories",
            "circles",
            "label",
            "label-min-zoom",
            "label-priority",
            "extrude",
            "extrude-base",
            "extrude-scale",
        ],
    )?;
    let d = LayerStyle::default();
    // `fill` and `stroke`: absent is the default colour, `null` is none.
    let paint = |key: &str, default: Option<Color>| match o.map.get(key) {
        None => Some(default),
        Some(_) => o.opt(key, color),
    };
    Some(LayerStyle {
        fill: paint("fill", d.fill)?,
        stroke: paint("stroke", d.stroke)?,
        stroke_width: o.or(
            "stroke-width",
            || LayerStyle::default().stroke_width,
            number,
        )?,
        radius: o.or("radius", || LayerStyle::default().radius, number)?,
        choropleth: o.opt("choropleth", choropleth)?,
        categories: o.opt("categories", categories)?,
        circles: o.opt("circles", circles)?,
        label: o.opt("label", text)?,
        label_min_zoom: o.opt("label-min-zoom", number)?,
        label_priority: o.opt("label-priority", text)?,
        extrude: o.opt("extrude", height)?,
        extrude_base: o.opt("extrude-base", height)?,
        extrude_scale: o.opt("extrude-scale", number)?,
    })
}

fn height(v: &Value, path: &Path<'_>) -> Option<Height> {
    match v {
        Value::String(s) if s == "model" => Some(Height::Model(ModelShape::Model)),
        Value::String(s) => Some(Height::Property(s.clone())),
        _ => number(v, path).map(Height::Metres),
    }
}

fn scheme(v: &Value, path: &Path<'_>) -> Option<SchemeName> {
    let s = text(v, path)?;
    match SchemeName::ALL
        .iter()
        .chain(&[SchemeName::None])
        .find(|n| n.name() == s)
    {
        Some(n) => Some(*n),
        None => no(path, format!("unknown colour scheme `{s}`")),
    }
}

fn choropleth(v: &Value, path: &Path<'_>) -> Option<Choropleth> {
    let o = Obj::new(
        v,
        path,
        &[
            "property", "method", "classes", "scheme", "colors", "no-data",
        ],
    )?;
    Some(Choropleth {
        property: o.req("property", text)?,
        method: o.or("method", Classification::default, |v, p| {
            name(
                v,
                p,
                &[
                    ("quantiles", Classification::Quantiles),
                    ("equal-interval", Classification::EqualInterval),
                    ("natural-breaks", Classification::NaturalBreaks),
                    ("jenks", Classification::NaturalBreaks),
                ],
            )
        })?,
        classes: o.or("classes", Choropleth::default_classes, byte)?,
        scheme: o.or("scheme", Choropleth::default_scheme, scheme)?,
        colors: o.or("colors", Vec::new, |v, p| list(v, p, color))?,
        no_data: o.or("no-data", crate::layer::default_no_data, color)?,
    })
}

fn categories(v: &Value, path: &Path<'_>) -> Option<Categories> {
    let o = Obj::new(
        v,
        path,
        &["property", "scheme", "colors", "other", "no-data"],
    )?;
    Some(Categories {
        property: o.req("property", text)?,
        scheme: o.or("scheme", Categories::default_scheme, scheme)?,
        colors: o.or("colors", BTreeMap::new, |v, p| map_of(v, p, color))?,
        other: o.or("other", crate::layer::default_other, color)?,
        no_data: o.or("no-data", crate::layer::default_no_data, color)?,
    })
}

fn circles(v: &Value, path: &Path<'_>) -> Option<Circles> {
    let o = Obj::new(v, path, &["property", "max-radius", "max-value"])?;
    Some(Circles {
        property: o.req("property", text)?,
        max_radius: o.or("max-radius", Circles::default_max_radius, number)?,
        max_value: o.opt("max-value", number)?,
    })
}

fn step(v: &Value, path: &Path<'_>) -> Option<Step> {
    let o = Obj::new(
        v,
        path,
        &[
            "id",
            "title",
            "html",
            "view",
            "view-narrow",
            "show",
            "transition",
            "interactive",
            "map-description",
            "layout",
            "chapter",
            "play",
            "compare",
        ],
    )?;
    Some(Step {
        id: o.req("id", text)?,
        title: o.req("title", text)?,
        html: o.or("html", String::new, text)?,
        view: o.opt("view", view)?,
        view_narrow: o.opt("view-narrow", view)?,
        show: o.or("show", Vec::new, |v, p| list(v, p, layer_state))?,
        transition: o.or("transition", Transition::default, |v, p| {
            name(
                v,
                p,
                &[
                    ("fly", Transition::Fly),
                    ("ease", Transition::Ease),
                    ("jump", Transition::Jump),
                ],
            )
        })?,
        interactive: o.opt("interactive", boolean)?,
        map_description: o.opt("map-description", text)?,
        layout: o.opt("layout", |v, p| match Layout::from_name(&text(v, p)?) {
            Some(l) => Some(l),
            None => no(p, "expected left, right or overlay".into()),
        })?,
        chapter: o.opt("chapter", text)?,
        play: o.opt("play", |v, _| Some(std::sync::Arc::new(v.clone())))?,
        compare: o.opt("compare", compare)?,
    })
}

fn compare(v: &Value, path: &Path<'_>) -> Option<Compare> {
    let o = Obj::new(v, path, &["before", "before-label", "after-label"])?;
    Some(Compare {
        before: o.req("before", |v, p| list(v, p, layer_state))?,
        before_label: o.req("before-label", text)?,
        after_label: o.req("after-label", text)?,
    })
}

fn view(v: &Value, path: &Path<'_>) -> Option<View> {
    let o = Obj::new(v, path, keys::VIEW)?;
    Some(View {
        center: o.opt("center", numbers::<2>)?,
        zoom: o.opt("zoom", number)?,
        bearing: o.or("bearing", || 0.0, number)?,
        pitch: o.or("pitch", || 0.0, number)?,
        fit: o.opt("fit", |v, p| match v {
            Value::String(s) => Some(FitTarget::Layer(s.clone())),
            // What `numbers::<4>` reads, without its error.
            Value::Array(a) if a.len() == 4 && a.iter().all(Value::is_number) => {
                let n = |i: usize| a[i].as_f64().unwrap_or_default();
                Some(FitTarget::Bbox([n(0), n(1), n(2), n(3)]))
            }
            _ => no(p, "expected a layer id or a box of 4 numbers".into()),
        })?,
    })
}

fn layer_state(v: &Value, path: &Path<'_>) -> Option<LayerState> {
    if let Value::String(id) = v {
        return Some(LayerState::new(id.clone()));
    }
    let o = Obj::new(v, path, keys::SHOW)?;
    Some(LayerState {
        layer: o.req("layer", text)?,
        opacity: o.or("opacity", || 1.0, number)?,
        filter: o.opt("filter", text)?,
        highlight: o.opt("highlight", text)?,
    })
}
