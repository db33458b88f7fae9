//! The YAML front matter: story settings and the layers.

use crate::checks::style::ValueKey;
use crate::diagnostic::Pos;
use crate::walk::{is_valid_id, Walker};
use crate::yaml::{Kind, Node};
use twinstory_model::template::{Template, TemplateError};
use twinstory_model::tile_template::{TileTemplate, TileTemplateError as TileError};
use twinstory_model::url;
use twinstory_model::{
    Basemap, CardStyle, Color, ComputedField, Height, Join, Layer, LayerStyle, Layout, Source,
    SourceType, Theme,
};

/// Settings allowed at the top of the front matter.
pub(crate) const STORY_FIELDS: &[&str] = &[
    "title",
    "lang",
    "summary",
    "authors",
    "credits",
    "theme",
    "interactive",
    "layers",
    "basemap",
    "layout",
    "date",
    "reading-time",
    "cover",
    "translations",
];
/// Settings of `cover`.
pub(crate) const COVER_FIELDS: &[&str] = &["image", "alt"];
/// Values of `layout`.
pub(crate) const LAYOUTS: &[&str] = &["left", "right", "overlay"];
/// Settings of `basemap`.
pub(crate) const BASEMAP_FIELDS: &[&str] = twinstory_model::keys::BASEMAP;
/// Settings of one layer.
pub(crate) const LAYER_FIELDS: &[&str] = &[
    "title",
    "source",
    "style",
    "attribution",
    "attribution-url",
    "tooltip",
    "fields",
    "categories",
    "join",
    "compute",
    "time",
];
/// Settings of one `join`.
pub(crate) const JOIN_FIELDS: &[&str] = twinstory_model::keys::JOIN;
/// Settings of a layer's `source`.
pub(crate) const SOURCE_FIELDS: &[&str] = &[
    "type",
    "url",
    "lat",
    "lon",
    "delimiter",
    "bbox",
    "limit",
    "max-features",
    "things",
    "datastreams",
    "refresh",
    "type-name",
    "format",
    "lod",
];
/// Settings of a layer's `style`.
pub(crate) const STYLE_FIELDS: &[&str] = &["fill", "stroke", "stroke-width", "radius"];
/// Settings of `theme`.
pub(crate) const THEME_FIELDS: &[&str] = twinstory_model::keys::THEME;

/// What the front matter says, with the positions later checks need.
#[derive(Debug, Default)]
pub(crate) struct FrontMatter {
    /// The title, if given and valid.
    pub title: Option<String>,
    /// Language tag.
    pub lang: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// Authors.
    pub authors: Vec<String>,
    /// Credits.
    pub credits: Vec<String>,
    /// Theme colours.
    pub theme: Theme,
    /// Readers may move the map.
    pub interactive: bool,
    /// Raster tiles under the data, if the author asked for them.
    pub basemap: Option<Basemap>,
    /// Where the steps' text stands against the map (a step may override it).
    pub layout: Layout,
    /// The date, `YYYY-MM-DD`, if given and valid.
    pub date: Option<String>,
    /// The reading time in minutes, if the author gave it.
    pub reading_time: Option<u32>,
    /// The cover image: its address, alt text and where it is named.
    pub cover: Option<CoverImage>,
    /// The story's versions in other languages.
    pub translations: Vec<crate::Translation>,
    /// Layers in file order.
    pub layers: Vec<Layer>,
    /// Position of each layer's `url` value (same order as `layers`).
    pub url_pos: Vec<Pos>,
    /// Per layer: the position of each `join` (its `table` value).
    pub join_pos: Vec<Vec<Pos>>,
    /// Per layer: where each `join` names its key (`table-key`, else
    /// `feature-key`, else its `table`).
    pub join_key_pos: Vec<Vec<Pos>>,
    /// Per layer, per join: the position of each of its `columns`.
    pub join_column_pos: Vec<Vec<Vec<Pos>>>,
    /// Per layer: the position of each computed field's expression.
    pub compute_pos: Vec<Vec<Pos>>,
    /// Per layer: the properties its tooltip, label, style and `fields`
    /// name, where they are named.
    pub property_pos: Vec<Vec<(String, Pos)>>,
    /// Per layer: the values its `colors` and `categories` name.
    pub value_pos: Vec<Vec<ValueKey>>,
    /// Per layer: its `time`, if any (the build turns it into the day
    /// keys steps' times filter by; it is not part of `story.json`).
    pub times: Vec<Option<crate::time::LayerTime>>,
    /// Per layer: the fields its `time` names, where they are named.
    pub time_pos: Vec<Vec<(String, Pos)>>,
    /// The ids of layers written in `layers` that could not be read (an
    /// error says why): steps that name them are not told the layer is
    /// unknown.
    pub unread_layers: Vec<String>,
    /// Per layer: a `join` had errors, so its data is not checked (the
    /// fields it would add are missing; reporting them again would mislead).
    pub join_failed: Vec<bool>,
    /// Per layer: where its style's `extrude` is named (the key), if it is.
    pub extrude_pos: Vec<Option<Pos>>,
    /// The theme's font files, where they are named.
    pub font_pos: Vec<(String, Pos)>,
    /// Where `theme` and its colours are written (`"theme"` for the key).
    pub theme_pos: Vec<(String, Pos)>,
}

/// The cover image as read.
#[derive(Debug)]
pub(crate) struct CoverImage {
    /// The address as written.
    pub url: String,
    /// The alt text.
    pub alt: String,
    /// Where `image` is written.
    pub pos: Pos,
}

/// A layer as read, with the positions later checks point at.
pub(crate) struct ReadLayer {
    layer: Layer,
    url_pos: Pos,
    join_pos: Vec<Pos>,
    join_key_pos: Vec<Pos>,
    join_column_pos: Vec<Vec<Pos>>,
    compute_pos: Vec<Pos>,
    property_pos: Vec<(String, Pos)>,
    value_pos: Vec<ValueKey>,
    time: Option<crate::time::LayerTime>,
    time_pos: Vec<(String, Pos)>,
    join_failed: bool,
    extrude_pos: Option<Pos>,
}

/// Reads the front matter tree; every problem goes to the walker's sink.
pub(crate) fn read(w: &mut Walker<'_, '_>, root: &Node) -> FrontMatter {
    let mut fm = FrontMatter::default();
    let Some(fields) = w.fields(root, STORY_FIELDS, "the front matter", "title: My story") else {
        return fm;
    };
    for (key, k, v) in fields {
        match key {
            "title" => {
                fm.title = w.text(v, "title", "title: Playgrounds in Hamburg");
                if fm.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
                    fm.title = None;
                }
            }
            "lang" => {
                if let Some(l) = w.text(v, "lang", "lang: de") {
                    if !is_language_tag(&l) {
                        let pos = w.pos(v);
                        w.sink.error(
                            "E0023",
                            pos,
                            format!("`{l}` is not a language tag"),
                            Some("use a short tag such as `de`, `en` or `de-CH`".into()),
                        );
                    } else {
                        fm.lang = Some(l);
                    }
                }
            }
            "summary" => {
                fm.summary = w.text(v, "summary", "summary: One sentence about the story.")
            }
            "authors" => fm.authors = w.text_list(v, "authors", "authors: [Jane Doe]"),
            "credits" => {
                fm.credits = w.text_list(
                    v,
                    "credits",
                    "credits: [\"Data: City of Hamburg, CC BY 4.0\"]",
                )
            }
            "theme" => {
                fm.theme_pos.push(("theme".into(), w.pos(k)));
                fm.theme = read_theme(w, v, &mut fm.font_pos, &mut fm.theme_pos)
            }
            "interactive" => {
                fm.interactive = w
                    .boolean(v, "interactive", "interactive: true")
                    .unwrap_or(false)
            }
            "basemap" => fm.basemap = read_basemap(w, k, v),
            "layers" => read_layers(w, v, &mut fm),
            "layout" => fm.layout = read_layout(w, v).unwrap_or_default(),
            "date" => {
                if let Some(d) = w.text(v, "date", "date: 2026-05-04") {
                    let d = d.trim().to_owned();
                    if is_date(&d) {
                        fm.date = Some(d);
                    } else {
                        let pos = w.pos(v);
                        w.sink.error(
                            "E0120",
                            pos,
                            format!("`{d}` is not a date"),
                            Some("write the date as year-month-day, e.g. `date: 2026-05-04`; the page shows it in the story's language".into()),
                        );
                    }
                }
            }
            "reading-time" => {
                fm.reading_time = w
                    .number_in(
                        v,
                        "reading-time",
                        "reading-time: 7",
                        1.0,
                        600.0,
                        "the reading time is in whole minutes; leave it out to have it computed from the text (200 words a minute)",
                    )
                    .map(|m| m.round() as u32)
            }
            "cover" => fm.cover = read_cover(w, k, v),
            "translations" => fm.translations = read_translations(w, v),
            _ => {}
        }
    }
    fm
}

/// A `layout` value (front matter or ```step block); reports others.
pub(crate) fn read_layout(w: &mut Walker<'_, '_>, v: &Node) -> Option<Layout> {
    let name = w.text(v, "layout", "layout: right")?;
    let layout = Layout::from_name(name.trim());
    if layout.is_none() {
        w.not_one_of(v, "layout", &name, LAYOUTS);
    }
    layout
}

/// True for a valid calendar date written `YYYY-MM-DD`.
fn is_date(d: &str) -> bool {
    d.len() == 10 && twinstory_model::strings::format_date(d, "en").is_some()
}

const COVER_EXAMPLE: &str =
    "cover: { image: img/cover.jpg, alt: \"Children on a slide in Planten un Blomen\" }";

/// `cover`: the cover image (a file of the story, like images in the
/// text) and its alt text, which is required.
fn read_cover(w: &mut Walker<'_, '_>, key: &Node, n: &Node) -> Option<CoverImage> {
    if n.kind == Kind::Null {
        return None;
    }
    let fields = w.fields(n, COVER_FIELDS, "`cover`", COVER_EXAMPLE)?;
    let mut image = None;
    let mut alt = None;
    for (name, _k, v) in &fields {
        match *name {
            "image" => {
                image = w
                    .text(v, "image", "image: img/cover.jpg")
                    .map(|u| (u, w.pos(v)))
            }
            _ => alt = w.text(v, "alt", "alt: \"Children on a slide\""),
        }
    }
    let Some((url, pos)) = image else {
        w.missing(n, "image", "`cover`", "image: img/cover.jpg");
        return None;
    };
    let alt = alt.map(|a| a.trim().to_owned()).unwrap_or_default();
    if alt.is_empty() {
        let at = w.pos(key);
        w.sink.error(
            "E0050",
            at,
            "the cover image has no alt text",
            Some("describe what the image shows for people who cannot see it: `alt: \"Children on a slide in Planten un Blomen\"`".into()),
        );
        return None;
    }
    Some(CoverImage {
        url: url.trim().to_owned(),
        alt,
        pos,
    })
}

const TRANSLATIONS_EXAMPLE: &str = "translations: { en: ../where-children-play }";

/// `translations`: the story's versions in other languages, each a
/// language tag and a sibling story folder (`../name`). Whether that folder
/// holds a story in that language is checked with the files
/// ([`crate::check_assets`]).
fn read_translations(w: &mut Walker<'_, '_>, n: &Node) -> Vec<crate::Translation> {
    let mut out: Vec<crate::Translation> = Vec::new();
    let Kind::Map(entries) = &n.kind else {
        if n.kind != Kind::Null {
            w.wrong_type(
                n,
                "translations",
                "a language tag and a story folder per line",
                TRANSLATIONS_EXAMPLE,
            );
        }
        return out;
    };
    for (k, v) in entries {
        let key_pos = w.pos(k);
        let lang = match &k.kind {
            Kind::Str(l) if is_language_tag(l.trim()) => l.trim().to_owned(),
            _ => {
                let raw = w.raw(k);
                w.sink.error(
                    "E0195",
                    key_pos,
                    format!("`{raw}` in `translations` is not a language tag"),
                    Some(format!("name each version by its language, as its own `lang` says: `{TRANSLATIONS_EXAMPLE}`")),
                );
                continue;
            }
        };
        if out.iter().any(|t| t.lang.eq_ignore_ascii_case(&lang)) {
            w.sink.error(
                "E0195",
                key_pos,
                format!("`translations` names `{lang}` twice"),
                Some("name one story folder per language".into()),
            );
            continue;
        }
        let Some(target) = w.text(v, "translations", TRANSLATIONS_EXAMPLE) else {
            continue;
        };
        let pos = w.pos(v);
        match sibling_folder(target.trim()) {
            Some(folder) => out.push(crate::Translation {
                lang,
                folder: folder.to_owned(),
                pos,
                lang_pos: key_pos,
            }),
            None => w.sink.error(
                "E0196",
                pos,
                format!("`{}` is not a story folder beside this one", target.trim()),
                Some("write the other version's folder as `../` and its name, e.g. `en: ../where-children-play`; the site puts the stories of one folder side by side".into()),
            ),
        }
    }
    out
}

/// The folder name of `../name` (or `../name/`): one folder beside the
/// story's own, named with letters, digits, `-`, `_` and `.` (not `..`).
fn sibling_folder(target: &str) -> Option<&str> {
    let name = target.strip_prefix("../")?;
    let name = name.strip_suffix('/').unwrap_or(name);
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then_some(name)
}

const BASEMAP_EXAMPLE: &str = "basemap: { url: \"https://tile.openstreetmap.org/{z}/{x}/{y}.png\", attribution: \"© OpenStreetMap-Mitwirkende\" }";

/// Placeholders a tile `url` may have (for "did you mean").
const PLACEHOLDERS: &[&str] = &[
    "z",
    "x",
    "y",
    "-y",
    "s",
    "r",
    "TileMatrix",
    "TileRow",
    "TileCol",
];

/// `basemap`: raster tiles under the data. Attribution is required.
fn read_basemap(w: &mut Walker<'_, '_>, key: &Node, n: &Node) -> Option<Basemap> {
    if n.kind == Kind::Null {
        return None;
    }
    let fields = w.fields(n, BASEMAP_FIELDS, "`basemap`", BASEMAP_EXAMPLE)?;
    let unknown_before = w.unknown;
    let mut ok = true;
    let mut url = None;
    let mut attribution = None;
    let mut attribution_url = None;
    let mut subdomains: Vec<String> = Vec::new();
    let mut tile_size = 256;
    let (mut min_zoom, mut max_zoom) = (0u8, Basemap::default_max_zoom());
    let mut max_zoom_node = None;
    let mut opacity = 1.0;
    let mut seen_url = false;
    let mut seen_attribution = false;
    for (key, _k, v) in &fields {
        match *key {
            "url" => {
                seen_url = true;
                url = w
                    .text(
                        v,
                        "url",
                        "url: \"https://tile.openstreetmap.org/{z}/{x}/{y}.png\"",
                    )
                    .map(|u| (u, *v));
            }
            "attribution" => {
                seen_attribution = true;
                match w.text(
                    v,
                    "attribution",
                    "attribution: \"© OpenStreetMap-Mitwirkende\"",
                ) {
                    Some(a) if !a.trim().is_empty() => attribution = Some(a.trim().to_owned()),
                    Some(_) => {
                        let pos = w.pos(v);
                        w.sink.error(
                            "E0022",
                            pos,
                            "the `attribution` of `basemap` is empty",
                            Some("write the credit line the tile provider asks for, e.g. `attribution: \"© OpenStreetMap-Mitwirkende\"`".into()),
                        );
                    }
                    None => {}
                }
                ok &= attribution.is_some();
            }
            "attribution-url" => {
                match w.text(
                    v,
                    "attribution-url",
                    "attribution-url: \"https://www.openstreetmap.org/copyright\"",
                ) {
                    Some(u) if url::is_http(&u) => attribution_url = Some(u),
                    Some(u) => {
                        let pos = w.pos(v);
                        w.sink.error(
                            "E0023",
                            pos,
                            format!("`{u}` is not a web address"),
                            Some("write a full address that starts with `https://`, e.g. `attribution-url: \"https://www.openstreetmap.org/copyright\"`".into()),
                        );
                        ok = false;
                    }
                    None => ok = false,
                }
            }
            "subdomains" => subdomains = w.text_list(v, "subdomains", "subdomains: [a, b, c]"),
            "tile-size" => match w.number(v, "tile-size", "tile-size: 256") {
                Some(x) if x == 256.0 || x == 512.0 => tile_size = x as u32,
                Some(x) => {
                    let pos = w.pos(v);
                    w.sink.error(
                        "E0030",
                        pos,
                        format!("`tile-size` is {x}, but tiles are 256 or 512 pixels wide"),
                        Some("write `tile-size: 256` (most servers) or `tile-size: 512` (as the server's tiles are)".into()),
                    );
                    ok = false;
                }
                None => ok = false,
            },
            "min-zoom" | "max-zoom" => {
                let example = if *key == "min-zoom" {
                    "min-zoom: 0"
                } else {
                    "max-zoom: 19"
                };
                match w.number_in(
                    v,
                    key,
                    example,
                    0.0,
                    22.0,
                    "zoom levels are whole numbers from 0 (the whole world) to 22",
                ) {
                    Some(z) if z.fract() == 0.0 => {
                        if *key == "min-zoom" {
                            min_zoom = z as u8;
                        } else {
                            max_zoom = z as u8;
                            max_zoom_node = Some(*v);
                        }
                    }
                    Some(z) => {
                        let pos = w.pos(v);
                        w.sink.error(
                            "E0030",
                            pos,
                            format!("`{key}` is {z}, but tile servers have whole zoom levels"),
                            Some(format!("write a whole number, e.g. `{key}: {}`", z.round())),
                        );
                        ok = false;
                    }
                    None => ok = false,
                }
            }
            _ => match w.number_in(
                v,
                "opacity",
                "opacity: 0.6",
                0.0,
                1.0,
                "0 is invisible, 1 fully opaque, e.g. 0.6 for a paler map",
            ) {
                Some(o) => opacity = o,
                None => ok = false,
            },
        }
    }
    if !seen_url {
        w.missing(
            n,
            "url",
            "`basemap`",
            "url: \"https://tile.openstreetmap.org/{z}/{x}/{y}.png\"",
        );
    }
    if !seen_attribution {
        let pos = w.pos(key);
        w.sink.error(
            "E0022",
            pos,
            "the `basemap` has no `attribution`",
            Some("tile providers require credit on the map: add the line their terms ask for, e.g. `attribution: \"© OpenStreetMap-Mitwirkende\"` for OpenStreetMap or `attribution: \"© basemap.de / BKG\"` for basemap.de".into()),
        );
        ok = false;
    }
    if min_zoom > max_zoom {
        if let Some(v) = max_zoom_node {
            let pos = w.pos(v);
            w.sink.error(
                "E0030",
                pos,
                format!("`max-zoom` is {max_zoom}, below `min-zoom` ({min_zoom})"),
                Some(
                    "the server's levels go from `min-zoom` up to `max-zoom`; swap the two numbers"
                        .into(),
                ),
            );
            ok = false;
        }
    }
    let (url, url_node) = url?;
    let url = check_tile_url(w, &url, url_node, &subdomains);
    if !ok || w.unknown > unknown_before {
        return None;
    }
    Some(Basemap {
        url: url?,
        attribution: attribution?,
        attribution_url,
        subdomains,
        tile_size,
        min_zoom,
        max_zoom,
        opacity,
    })
}

/// Reads a tile address template; reports at the placeholder that is wrong.
fn check_tile_url(
    w: &mut Walker<'_, '_>,
    url: &str,
    n: &Node,
    subdomains: &[String],
) -> Option<TileTemplate> {
    let pos = w.pos(n);
    if !url::is_http(url) {
        w.sink.error(
            "E0023",
            pos,
            format!("`{url}` is not the address of a tile server"),
            Some("write the server's full tile address with `{z}`, `{x}` and `{y}`, e.g. `url: \"https://tile.openstreetmap.org/{z}/{x}/{y}.png\"`".into()),
        );
        return None;
    }
    let err = match TileTemplate::parse(url, subdomains) {
        Ok(t) => return Some(t),
        Err(e) => e,
    };
    // Point at a placeholder inside the value (after an opening quote).
    let quoted = w
        .line_of(n)
        .chars()
        .nth(pos.column.saturating_sub(1))
        .is_some_and(|c| c == '"' || c == '\'');
    let at = |byte: usize, len: usize| crate::diagnostic::Pos {
        line: pos.line,
        column: pos.column + quoted as usize + url[..byte.min(url.len())].chars().count(),
        len,
    };
    let (p, message, help) = match err {
        TileError::Missing(names) => (
            pos,
            format!(
                "the basemap `url` has no place for the {}",
                names
                    .iter()
                    .map(|n| match *n {
                        "{z}" => "zoom level (`{z}`)",
                        "{x}" => "column (`{x}`)",
                        _ => "row (`{y}`)",
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "write where the zoom level, column and row go: `{z}/{x}/{y}` for XYZ servers, e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`, or `{TileMatrix}/{TileRow}/{TileCol}` in a WMTS address (its RESTful template from GetCapabilities, for the Web-Mercator tile matrix set)".to_owned(),
        ),
        TileError::Unknown { name, at: byte } => {
            let lower = name.to_ascii_lowercase();
            let help = if lower == "tilematrixset" {
                "write the name of the tile matrix set itself, e.g. `GLOBAL_WEBMERCATOR` or `WebMercatorQuad`; only Web-Mercator sets work".to_owned()
            } else if lower == "style" {
                "write the name of the style itself, usually `default`".to_owned()
            } else if let Some(p) = match lower.as_str() {
                "zoom" | "level" | "l" | "matrix" => Some("{z}"),
                "col" | "column" => Some("{x}"),
                "row" => Some("{y}"),
                _ => None,
            } {
                format!("did you mean `{p}`?")
            } else {
                let list: Vec<String> = PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect();
                let refs: Vec<&str> = list.iter().map(String::as_str).collect();
                crate::suggest::did_you_mean(&format!("{{{name}}}"), &refs, "the placeholders are")
                    .unwrap_or_default()
            };
            (
                at(byte, name.chars().count() + 2),
                format!("`{{{name}}}` is not a placeholder twinstory fills in"),
                help,
            )
        }
        TileError::Unclosed { at: byte } => (
            at(byte, 1),
            "this `{` in the basemap `url` is never closed".to_owned(),
            "close the placeholder, e.g. `{z}`".to_owned(),
        ),
        TileError::NoSubdomains => (
            at(url.find("{s}").unwrap_or(0), 3),
            "`{s}` in the basemap `url` needs `subdomains`".to_owned(),
            "add the server's subdomains, e.g. `subdomains: [a, b, c]`, or write one of them instead of `{s}`".to_owned(),
        ),
    };
    w.sink.error("E0023", p, message, Some(help));
    None
}

pub(crate) fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn read_theme(
    w: &mut Walker<'_, '_>,
    n: &Node,
    font_pos: &mut Vec<(String, Pos)>,
    theme_pos: &mut Vec<(String, Pos)>,
) -> Theme {
    let mut theme = Theme::default();
    let Some(fields) = w.fields(n, THEME_FIELDS, "`theme`", "theme: { accent: \"#005ca9\" }")
    else {
        return theme;
    };
    let mut files_at = None;
    for (key, k, v) in fields {
        match key {
            "card-radius" => {
                if let Some(r) = w.number_in(
                    v,
                    key,
                    "card-radius: 8",
                    0.0,
                    32.0,
                    "the corner radius of the cards in CSS pixels: 0 for square corners",
                ) {
                    theme.card_radius = r;
                }
            }
            "card-style" => {
                if let Some(t) = w.text(v, key, "card-style: border") {
                    match CardStyle::from_name(&t) {
                        Some(s) => theme.card_style = s,
                        None => {
                            let names: Vec<&str> =
                                CardStyle::ALL.iter().map(|s| s.name()).collect();
                            w.not_one_of(v, key, &t, &names);
                        }
                    }
                }
            }
            "font" => theme.font = font_family(w, v),
            "font-regular" | "font-bold" | "font-italic" | "font-bold-italic" => {
                files_at.get_or_insert(w.pos(k));
                if let Some(file) = font_file(w, v, key) {
                    font_pos.push((file.clone(), w.pos(v)));
                    let slot = match key {
                        "font-regular" => &mut theme.font_regular,
                        "font-bold" => &mut theme.font_bold,
                        "font-italic" => &mut theme.font_italic,
                        _ => &mut theme.font_bold_italic,
                    };
                    *slot = Some(file);
                }
            }
            _ => {
                theme_pos.push((key.to_owned(), w.pos(v)));
                if let Some(Some(c)) = colour(w, v, key) {
                    match key {
                        "accent" => theme.accent = c,
                        "text" => theme.text = c,
                        "page" => theme.page = c,
                        "card" => theme.card = c,
                        _ => theme.map_background = c,
                    }
                }
            }
        }
    }
    if let (Some(pos), None) = (files_at, &theme.font) {
        w.sink.error(
            "E0022",
            pos,
            "`theme` has font files but no `font` that names their family",
            Some("add the family's name, e.g. `font: \"Hamburg Sans\"`".into()),
        );
    }
    theme
}

/// A font family name: letters, digits, spaces, `-`, `_` and `.`, so that
/// it can be written into a style sheet as it is.
fn font_family(w: &mut Walker<'_, '_>, v: &Node) -> Option<String> {
    let name = w.text(v, "font", "font: \"Hamburg Sans\"")?;
    let name = name.trim().to_owned();
    let bad = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')));
    if name.is_empty() || bad.is_some() {
        let pos = w.pos(v);
        w.sink.error(
            "E0023",
            pos,
            match bad {
                Some(c) => format!("the font name `{name}` contains `{c}`"),
                None => "the font name is empty".to_owned(),
            },
            Some("write the family's name only, e.g. `font: \"Hamburg Sans\"`: letters, digits, spaces, `-`, `_` and `.`; the fallback fonts are added by the player".into()),
        );
        return None;
    }
    Some(name)
}

/// The font formats browsers read, by file extension.
pub const FONT_FORMATS: &[(&str, &str)] = &[
    ("woff2", "woff2"),
    ("woff", "woff"),
    ("ttf", "truetype"),
    ("otf", "opentype"),
];

/// A font file in the story folder: never a URL (the story would ask a
/// font service for it, which a reader's privacy and the CSP forbid).
fn font_file(w: &mut Walker<'_, '_>, v: &Node, key: &str) -> Option<String> {
    let file = w.text(v, key, &format!("{key}: fonts/HamburgSans-Regular.woff2"))?;
    let pos = w.pos(v);
    if url::is_absolute(&file) {
        w.sink.error(
            "E0023",
            pos,
            format!("`{key}` is an address on the web: `{file}`"),
            Some("download the font file into the story folder and name it there, e.g. `fonts/HamburgSans-Regular.woff2`: fonts are served with the story, so that readers' browsers ask no font service".into()),
        );
        return None;
    }
    let ext = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if !FONT_FORMATS.iter().any(|(e, _)| Some(*e) == ext.as_deref()) {
        w.sink.error(
            "E0023",
            pos,
            format!("`{file}` is not a font file that browsers read"),
            Some("name a `.woff2` file (or `.woff`, `.ttf`, `.otf`)".into()),
        );
        return None;
    }
    Some(file)
}

/// A colour; `Some(None)` for an explicit `none`/empty value, `None` after an error.
fn colour(w: &mut Walker<'_, '_>, n: &Node, name: &str) -> Option<Option<Color>> {
    if n.kind == Kind::Null {
        // `fill: #e4572e` without quotes is a YAML comment, so the value is empty.
        if w.line_of(n)
            .split_once(':')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('#'))
        {
            let pos = w.pos(n);
            w.sink.error(
                "E0023",
                pos,
                format!("`{name}` is empty, because YAML reads the `#` as the start of a comment"),
                Some(format!("put the colour in quotes: `{name}: \"#e4572e\"`")),
            );
            return None;
        }
        return Some(None);
    }
    let text = w.text(n, name, &format!("{name}: \"#e4572e\""))?;
    if text.trim().eq_ignore_ascii_case("none") {
        return Some(None);
    }
    match text.parse::<Color>() {
        Ok(c) => Some(Some(c)),
        Err(_) => {
            let pos = w.pos(n);
            w.sink.error(
                "E0023",
                pos,
                format!("`{text}` is not a colour"),
                Some(crate::checks::colour::help(&text, name)),
            );
            None
        }
    }
}

fn read_layers(w: &mut Walker<'_, '_>, n: &Node, fm: &mut FrontMatter) {
    let Kind::Map(entries) = &n.kind else {
        if n.kind != Kind::Null {
            w.wrong_type(
                n,
                "layers",
                "a group of layers, each under its id",
                "layers: { quarters: { source: { type: geojson, url: data/quarters.geojson } } }",
            );
        }
        return;
    };
    for (k, v) in entries {
        let id = match &k.kind {
            Kind::Str(s) => s.clone(),
            Kind::Int(i) => i.to_string(),
            other => {
                let pos = w.pos(k);
                w.sink.error(
                    "E0023",
                    pos,
                    format!(
                        "a layer id must be a name, but it is {}",
                        crate::walk::kind_name(other)
                    ),
                    Some("use letters, digits, `-` and `_`, e.g. `quarters`".into()),
                );
                continue;
            }
        };
        if !is_valid_id(&id) {
            let pos = w.pos(k);
            w.sink.error(
                "E0023",
                pos,
                format!("`{id}` cannot be a layer id"),
                Some("use only letters, digits, `-` and `_`, e.g. `play-areas`".into()),
            );
        }
        if let Some(read) = read_layer(w, &id, v) {
            fm.layers.push(read.layer);
            fm.url_pos.push(read.url_pos);
            fm.join_pos.push(read.join_pos);
            fm.join_key_pos.push(read.join_key_pos);
            fm.join_column_pos.push(read.join_column_pos);
            fm.compute_pos.push(read.compute_pos);
            fm.property_pos.push(read.property_pos);
            fm.value_pos.push(read.value_pos);
            fm.times.push(read.time);
            fm.time_pos.push(read.time_pos);
            fm.join_failed.push(read.join_failed);
            fm.extrude_pos.push(read.extrude_pos);
        } else {
            fm.unread_layers.push(id);
        }
    }
}

fn read_layer(w: &mut Walker<'_, '_>, id: &str, n: &Node) -> Option<ReadLayer> {
    let what = format!("layer `{id}`");
    let style_names = style_fields();
    let style_names: Vec<&str> = style_names.iter().map(String::as_str).collect();
    let fields = w.fields_beside(
        n,
        LAYER_FIELDS,
        &what,
        "source: { type: geojson, url: data/x.geojson }",
        Some((&style_names, "style")),
    )?;
    let mut title = None;
    let mut source = None;
    let mut style = LayerStyle::default();
    let mut attribution = None;
    let mut tooltip = None;
    let mut names = ReaderNames::default();
    let mut joins = ReadJoins {
        joins: Vec::new(),
        table_pos: Vec::new(),
        key_pos: Vec::new(),
        column_pos: Vec::new(),
        failed: false,
    };
    let (mut compute, mut compute_pos) = (Vec::new(), Vec::new());
    let mut has_source = false;
    let mut property_pos = Vec::new();
    let mut value_pos = Vec::new();
    let mut style_compute = Vec::new();
    let (mut time, mut time_pos) = (None, Vec::new());
    let mut style_node = None;
    let mut extrude_pos = None;
    for (key, _k, v) in fields {
        match key {
            "title" => title = w.text(v, "title", "title: Playgrounds"),
            "source" => {
                has_source = true;
                source = read_source(w, id, v);
            }
            "style" => {
                style = read_style(
                    w,
                    id,
                    v,
                    (&mut property_pos, &mut value_pos),
                    &mut style_compute,
                    &mut extrude_pos,
                );
                style_node = Some(v);
            }
            "attribution" => {
                attribution = w.text(
                    v,
                    "attribution",
                    "attribution: \"© OpenStreetMap contributors (ODbL)\"",
                )
            }
            "tooltip" => {
                tooltip = w.text(v, "tooltip", "tooltip: \"{name}\"");
                if let Some(t) = &tooltip {
                    property_pos.extend(read_template(w, v, id, "tooltip", t));
                }
            }
            "join" => joins = read_joins(w, id, v),
            "compute" => (compute, compute_pos) = read_compute(w, id, v),
            "time" => (time, time_pos) = crate::time::read_layer_time(w, id, v),
            other => names.read(w, other, v),
        }
    }
    if !has_source {
        w.missing(
            n,
            "source",
            &what,
            "source: { type: geojson, url: data/places.geojson }",
        );
    }
    // `extrude` expressions are computed fields of their own, after the
    // layer's `compute` (so they can use those).
    for (field, pos) in style_compute {
        compute.push(field);
        compute_pos.push(pos);
    }
    property_pos.append(&mut names.field_pos);
    value_pos.extend(names.category_pos.drain(..).map(|(value, pos)| ValueKey {
        property: None,
        value,
        pos,
    }));
    let (source, url_pos) = source?;
    if let (Some(Height::Model(_)), Some(n)) = (&style.extrude, style_node) {
        check_model(w, id, &source, &style, n);
    }
    Some(ReadLayer {
        layer: Layer {
            id: id.to_owned(),
            title,
            source,
            style,
            attribution,
            attribution_url: names.attribution_url,
            tooltip,
            fields: names.fields,
            categories: names.categories,
            join: joins.joins,
            compute,
        },
        time,
        url_pos,
        join_pos: joins.table_pos,
        join_key_pos: joins.key_pos,
        join_column_pos: joins.column_pos,
        compute_pos,
        property_pos,
        value_pos,
        time_pos,
        join_failed: joins.failed,
        extrude_pos,
    })
}

const JOIN_EXAMPLE: &str = "join: { table: data/stats.csv, by: stadtteil, mode: dissolve }";

/// `join`: one table, or a list of them.
/// A layer's joins as read: the joins, and per join where its table, its
/// key and each of its `columns` are named.
struct ReadJoins {
    joins: Vec<Join>,
    table_pos: Vec<Pos>,
    key_pos: Vec<Pos>,
    column_pos: Vec<Vec<Pos>>,
    failed: bool,
}

fn read_joins(w: &mut Walker<'_, '_>, id: &str, n: &Node) -> ReadJoins {
    let items: Vec<&Node> = match &n.kind {
        Kind::Seq(items) => items.iter().collect(),
        Kind::Null => Vec::new(),
        _ => vec![n],
    };
    let mut read = ReadJoins {
        joins: Vec::new(),
        table_pos: Vec::new(),
        key_pos: Vec::new(),
        column_pos: Vec::new(),
        failed: false,
    };
    for item in items {
        if let Some((j, pos, key_pos, column_pos)) = read_join(w, id, item) {
            read.joins.push(j);
            read.table_pos.push(pos);
            read.key_pos.push(key_pos);
            read.column_pos.push(column_pos);
        } else {
            read.failed = true;
        }
    }
    read
}

/// A join, where its table and its key are named, and where each of its
/// `columns` is.
fn read_join(w: &mut Walker<'_, '_>, id: &str, n: &Node) -> Option<(Join, Pos, Pos, Vec<Pos>)> {
    let what = format!("a `join` of layer `{id}`");
    let fields = w.fields(n, JOIN_FIELDS, &what, JOIN_EXAMPLE)?;
    let mut obj = serde_json::Map::new();
    let mut table_pos = None;
    let (mut table_key_pos, mut feature_key_pos) = (None, None);
    let mut column_pos = Vec::new();
    let mut ok = true;
    for (key, _k, v) in fields {
        match key {
            "table-key" => table_key_pos = Some(w.pos(v)),
            "feature-key" => feature_key_pos = Some(w.pos(v)),
            "columns" => {
                column_pos = match &v.kind {
                    Kind::Seq(items) => items.iter().map(|i| w.pos(i)).collect(),
                    _ => vec![w.pos(v)],
                }
            }
            _ => {}
        }
        let allowed: Option<&[&str]> = match key {
            "by" => Some(&["key", "stadtteil"]),
            "mode" => Some(&["dissolve", "attach"]),
            "encoding" => Some(&["utf-8", "latin-1"]),
            "numbers" => Some(&["decimal-comma", "decimal-point"]),
            _ => None,
        };
        let value = match key {
            "table" => {
                table_pos = Some(w.pos(v));
                match w.text(v, "table", "table: data/stats.csv") {
                    Some(t) => serde_json::Value::String(t),
                    None => {
                        ok = false;
                        continue;
                    }
                }
            }
            "columns" | "sum" => {
                serde_json::json!(w.text_list(v, key, &format!("{key}: [population]")))
            }
            "missing" => match w.number(v, "missing", "missing: 0") {
                Some(x) => serde_json::json!(x),
                None => {
                    ok = false;
                    continue;
                }
            },
            "delimiter" => {
                match w.text(v, "delimiter", "delimiter: \";\"") {
                    Some(d) if d.chars().count() == 1 => serde_json::Value::String(d),
                    Some(d) => {
                        let pos = w.pos(v);
                        w.sink.error(
                        "E0023",
                        pos,
                        format!("`delimiter` must be one character, but it is `{d}`"),
                        Some("write e.g. `delimiter: \";\"`, or leave it out to detect `,` or `;`".into()),
                    );
                        ok = false;
                        continue;
                    }
                    None => {
                        ok = false;
                        continue;
                    }
                }
            }
            _ => match (
                allowed,
                w.text(v, key, &format!("{key}: {}", allowed.map_or("…", |a| a[0]))),
            ) {
                (Some(allowed), Some(t)) => {
                    if key == "encoding" {
                        match crate::checks::encoding::model_name(&t) {
                            Some(name) => serde_json::Value::String(name.to_owned()),
                            None => {
                                crate::checks::encoding::unknown(w, v, &t);
                                ok = false;
                                continue;
                            }
                        }
                    } else if !allowed.contains(&t.as_str()) {
                        w.not_one_of(v, key, &t, allowed);
                        ok = false;
                        continue;
                    } else {
                        serde_json::Value::String(t)
                    }
                }
                (None, Some(t)) => serde_json::Value::String(t),
                (_, None) => {
                    ok = false;
                    continue;
                }
            },
        };
        obj.insert(key.to_owned(), value);
    }
    let Some(table_pos) = table_pos else {
        w.missing(n, "table", &what, "table: data/stats.csv");
        return None;
    };
    if !ok {
        return None;
    }
    match serde_json::from_value::<Join>(serde_json::Value::Object(obj)) {
        Ok(j) => {
            let key_only = [("missing", j.missing.is_some())];
            let stadtteil_only = [("mode", fields_has(n, "mode")), ("sum", !j.sum.is_empty())];
            let wrong: Vec<&str> = match j.by {
                twinstory_model::JoinBy::Key => stadtteil_only
                    .iter()
                    .filter(|(_, set)| *set)
                    .map(|(k, _)| *k)
                    .collect(),
                twinstory_model::JoinBy::Stadtteil => key_only
                    .iter()
                    .filter(|(_, set)| *set)
                    .map(|(k, _)| *k)
                    .collect(),
            };
            for key in wrong {
                let pos = w.pos(n);
                let help = if key == "missing" {
                    "`missing` fills features without a row in a `by: key` join; a Stadtteil join reports them instead"
                } else {
                    "`mode` and `sum` belong to `by: stadtteil`; add that line, or delete this setting"
                };
                w.sink.error(
                    "E0020",
                    pos,
                    format!("`{key}` does not work with this kind of join"),
                    Some(help.into()),
                );
            }
            // The table's key column is `table-key`, else `feature-key`.
            let key_pos = table_key_pos.or(feature_key_pos).unwrap_or(table_pos);
            Some((j, table_pos, key_pos, column_pos))
        }
        Err(e) => {
            let pos = w.pos(n);
            w.sink.error(
                "E0023",
                pos,
                format!("{what} cannot be used: {e}"),
                Some("see docs/story-format.md, section \"Joining tables\"".into()),
            );
            None
        }
    }
}

/// `compute`: `name: expression` lines, evaluated in order.
fn read_compute(w: &mut Walker<'_, '_>, id: &str, n: &Node) -> (Vec<ComputedField>, Vec<Pos>) {
    let Kind::Map(entries) = &n.kind else {
        if n.kind != Kind::Null {
            w.wrong_type(
                n,
                "compute",
                "`name: expression` lines",
                "compute: { per_1000: playgrounds / children * 1000 }",
            );
        }
        return (Vec::new(), Vec::new());
    };
    let mut out = Vec::new();
    let mut positions = Vec::new();
    for (k, v) in entries {
        let name = match &k.kind {
            Kind::Str(s) if is_valid_id(s) => s.clone(),
            _ => {
                let pos = w.pos(k);
                w.sink.error(
                    "E0023",
                    pos,
                    format!("a computed field of layer `{id}` needs a simple name"),
                    Some("use letters, digits and `_`, e.g. `per_1000_children`".into()),
                );
                continue;
            }
        };
        let Some(expression) = w.text(v, &name, "per_1000: playgrounds / children * 1000") else {
            continue;
        };
        let pos = w.pos(v);
        // Syntax now, with the column; unknown fields once the data is read.
        let mut probe = twinstory_data::Dataset::default();
        if let Err(e) = twinstory_data::compute_field(&mut probe, &name, &expression) {
            let quoted = usize::from(
                w.line_of(v)
                    .chars()
                    .nth(v.column.saturating_sub(1))
                    .is_some_and(|c| c == '"' || c == '\''),
            );
            let at = Pos {
                column: pos.column + quoted + e.column.saturating_sub(1),
                len: 1,
                ..pos
            };
            w.sink.error(
                "E0023",
                at,
                format!("the expression for `{name}` cannot be read: {}", e.message),
                Some("write arithmetic over fields, e.g. `playgrounds / children * 1000`; put names with spaces in backticks".into()),
            );
            continue;
        }
        crate::checks::numbers::check(w, v, &name, &expression);
        out.push(ComputedField { name, expression });
        positions.push(pos);
    }
    (out, positions)
}

fn read_source(w: &mut Walker<'_, '_>, id: &str, n: &Node) -> Option<(Source, Pos)> {
    let what = format!("the `source` of layer `{id}`");
    let fields = w.fields(
        n,
        SOURCE_FIELDS,
        &what,
        "source: { type: geojson, url: data/places.geojson }",
    )?;
    let mut kind: Option<(String, &Node)> = None;
    let mut url: Option<(String, Pos)> = None;
    let mut type_seen = false;
    // Every other setting is read whatever the type; the type then says
    // which of them it has (`SourceType::settings`).
    let mut settings = SourceSettings::default();
    let mut given: Vec<(&str, &Node)> = Vec::new();
    for (key, k, v) in fields {
        match key {
            "type" => {
                type_seen = true;
                if let Some(t) = w.text(v, "type", "type: geojson") {
                    kind = Some((t, v));
                }
            }
            "url" => {
                if let Some(u) = w.text(v, "url", "url: data/places.geojson") {
                    url = Some((u, w.pos(v)));
                }
            }
            setting => {
                given.push((setting, k));
                settings.read(w, setting, v);
            }
        }
    }
    if !type_seen {
        w.missing(n, "type", &what, "type: geojson");
    }
    if url.is_none() && !fields_has(n, "url") {
        w.missing(n, "url", &what, "url: data/places.geojson");
    }
    let (name, tnode) = kind?;
    let (url, url_pos) = url?;
    let Some(t) = SourceType::from_name(&name) else {
        let names: Vec<&str> = SourceType::ALL.iter().map(|t| t.name()).collect();
        w.not_one_of(tnode, "type", &name, &names);
        return None;
    };
    for (key, k) in given {
        if !t.settings().contains(&key) {
            let (message, help) = not_for_type(key, t);
            let pos = w.pos(k);
            w.sink.error("E0020", pos, message, Some(help));
        }
    }
    if t.is_service() && !url::is_http(&url) {
        let example = match t {
            SourceType::Wfs => "write the service's full address, e.g. `https://geodienste.hamburg.de/HH_WFS_Spielplaetze`",
            SourceType::Sensorthings => "write the service root, e.g. `https://iot.hamburg.de/v1.1`",
            _ => "write the collection's full address, e.g. `https://api.example.org/collections/playgrounds`",
        };
        w.sink.error(
            "E0023",
            url_pos,
            format!("`{url}` is not the address of a server"),
            Some(example.into()),
        );
        // Kept, so that steps showing the layer are not reported as well.
    } else if url::is_absolute(&url) && !url::is_http(&url) && !matches!(t, SourceType::Overpass) {
        // `data:`, `file:`, `javascript:` …: neither a file the build reads
        // nor a server the player asks.
        w.sink.error(
            "E0023",
            url_pos,
            format!("`{url}` is not a web address or a file of the story"),
            Some("name a file beside story.md, e.g. `url: data/places.geojson`, or a server's `https://` address".into()),
        );
    }
    let SourceSettings {
        lat,
        lon,
        delimiter,
        bbox,
        limit,
        max_features,
        things,
        datastreams,
        refresh,
        type_name,
        format,
        lod,
    } = settings;
    let limit = limit.unwrap_or(1000);
    let max_features = max_features.unwrap_or(50_000);
    let source = match t {
        SourceType::Geojson => Source::Geojson { url },
        SourceType::Csv => Source::Csv {
            url,
            lat,
            lon,
            delimiter,
        },
        SourceType::Overpass => {
            if twinstory_model::url::is_absolute(&url) {
                w.sink.error(
                    "E0023",
                    url_pos,
                    "Overpass JSON must be a file beside story.md",
                    Some("save the Overpass answer (`out geom`) in the story folder, e.g. `data/parks.json`; `twinstory build` converts it for the player".into()),
                );
            }
            Source::Overpass { url }
        }
        SourceType::OgcApiFeatures => Source::OgcApiFeatures {
            url,
            bbox,
            limit,
            max_features,
        },
        SourceType::Wfs => Source::Wfs {
            type_name: type_name.unwrap_or_else(|| {
                w.missing(n, "type-name", &what, "type-name: de.hh.up:spielplaetze");
                // Kept, so that steps showing the layer are not reported as well.
                String::new()
            }),
            url,
            format: format.unwrap_or_else(|| "application/json".into()),
            bbox,
            limit,
            max_features,
        },
        SourceType::Sensorthings => {
            if url.contains('?') {
                w.sink.error(
                    "E0023",
                    url_pos,
                    format!("`{url}` has a query, but a SensorThings `url` is the service root"),
                    Some("write the root alone, e.g. `https://iot.hamburg.de/v1.1`; choose the Things with `things` and their data with `datastreams`".into()),
                );
            }
            Source::Sensorthings {
                url,
                things,
                datastreams,
                refresh,
                max_features,
            }
        }
        SourceType::Cityjson => Source::Cityjson { url, lod },
    };
    Some((source, url_pos))
}

/// The settings of a `source` besides `type` and `url`, as written.
#[derive(Debug, Default)]
struct SourceSettings {
    lat: Option<String>,
    lon: Option<String>,
    delimiter: Option<char>,
    bbox: Option<[f64; 4]>,
    limit: Option<u32>,
    max_features: Option<u32>,
    things: Option<String>,
    datastreams: Option<String>,
    refresh: Option<u32>,
    type_name: Option<String>,
    format: Option<String>,
    lod: Option<String>,
}

impl SourceSettings {
    /// Reads the setting `key` (one of `SOURCE_FIELDS`).
    fn read(&mut self, w: &mut Walker<'_, '_>, key: &str, v: &Node) {
        match key {
            "lat" => self.lat = w.text(v, "lat", "lat: latitude"),
            "lon" => self.lon = w.text(v, "lon", "lon: longitude"),
            "delimiter" => {
                let Some(d) = w.text(v, "delimiter", "delimiter: \";\"") else {
                    return;
                };
                let mut chars = d.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => self.delimiter = Some(c),
                    _ => {
                        let pos = w.pos(v);
                        w.sink.error(
                            "E0023",
                            pos,
                            format!("`delimiter` must be one character, but it is `{d}`"),
                            Some("write e.g. `delimiter: \";\"`, or leave it out to detect `,` or `;`".into()),
                        );
                    }
                }
            }
            "type-name" => {
                self.type_name = w.text(v, "type-name", "type-name: de.hh.up:spielplaetze")
            }
            "format" => self.format = w.text(v, "format", "format: application/geo+json"),
            "lod" => {
                let Some(lod) = w.text(v, "lod", "lod: 2") else {
                    return;
                };
                // CityJSON levels: 0 to 3, optionally refined (`2.2`).
                if lod.parse::<f64>().is_ok_and(|x| (0.0..4.0).contains(&x)) {
                    self.lod = Some(lod);
                } else {
                    let pos = w.pos(v);
                    w.sink.error(
                        "E0163",
                        pos,
                        format!("`lod` must be a level of detail from 0 to 3, but it is `{lod}`"),
                        Some("write e.g. `lod: 2` (takes LoD 2, 2.1, 2.2 …) or `lod: 2.2`, or leave it out to take each building's highest".into()),
                    );
                }
            }
            "things" => {
                self.things = odata_filter(
                    w,
                    v,
                    "things",
                    "things: \"startswith(name,'StadtRad-Station')\"",
                )
            }
            "datastreams" => {
                self.datastreams =
                    odata_filter(w, v, "datastreams", "datastreams: \"name eq 'PM10'\"")
            }
            "refresh" => {
                self.refresh = w
                    .number_in(
                        v,
                        "refresh",
                        "refresh: 60",
                        10.0,
                        86_400.0,
                        "seconds between updates, at least 10, e.g. 60",
                    )
                    .map(|x| x as u32)
            }
            "bbox" => self.bbox = read_bbox(w, v),
            "limit" => {
                self.limit = w
                    .number_in(
                        v,
                        "limit",
                        "limit: 1000",
                        1.0,
                        100_000.0,
                        "features per request, e.g. 1000",
                    )
                    .map(|x| x as u32)
            }
            "max-features" => {
                self.max_features = w
                    .number_in(
                        v,
                        "max-features",
                        "max-features: 50000",
                        1.0,
                        10_000_000.0,
                        "the most features read from the server, e.g. 50000",
                    )
                    .map(|x| x as u32)
            }
            // `Walker::fields` let only `SOURCE_FIELDS` through.
            _ => {}
        }
    }
}

/// An OData `$filter` expression (`things`, `datastreams`): its syntax is
/// the server's business, but an empty one would send a bare `$filter=`
/// and a line break cannot be part of one.
fn odata_filter(w: &mut Walker<'_, '_>, v: &Node, name: &str, example: &str) -> Option<String> {
    let filter = w.text(v, name, example)?;
    let problem = if filter.trim().is_empty() {
        format!("`{name}` is empty")
    } else if filter.contains(['\n', '\r']) {
        format!("`{name}` has a line break, but an OData filter is one line")
    } else {
        return Some(filter);
    };
    let pos = w.pos(v);
    w.sink.error(
        "E0023",
        pos,
        problem,
        Some(format!(
            "write the filter on one line in quotes, e.g. `{example}`, or delete the line"
        )),
    );
    None
}

/// Why `key` does not belong in a source of type `t`, and what to do.
fn not_for_type(key: &str, t: SourceType) -> (String, String) {
    let delete = "delete this line".to_owned();
    match key {
        "lat" | "lon" | "delimiter" => (
            "`lat`, `lon` and `delimiter` only work with `type: csv`".into(),
            match t {
                SourceType::Geojson => "delete this line; a GeoJSON file has its own coordinates",
                SourceType::Overpass => "delete this line; Overpass JSON has its own coordinates",
                SourceType::Sensorthings => {
                    "delete this line; the sensors' Locations give the coordinates"
                }
                _ => "delete this line; the server sends GeoJSON with its own coordinates",
            }
            .into(),
        ),
        "things" | "datastreams" | "refresh" => (
            "`things`, `datastreams` and `refresh` only work with `type: sensorthings`".into(),
            delete,
        ),
        "type-name" | "format" => (
            "`type-name` and `format` only work with `type: wfs`".into(),
            delete,
        ),
        "bbox" | "limit" | "max-features" if t == SourceType::Sensorthings => (
            "`bbox` and `limit` only work with `type: ogc-api-features` or `wfs`".into(),
            "delete this line; use `things` to choose the sensors and `datastreams` what they report".into(),
        ),
        "bbox" | "limit" | "max-features" => (
            "`bbox`, `limit` and `max-features` only work with `type: ogc-api-features` or `wfs`"
                .into(),
            "delete this line; a file is always read whole".into(),
        ),
        // A setting added later: the types that have it say where it works.
        other => {
            let types: Vec<String> = SourceType::ALL
                .iter()
                .filter(|t| t.settings().contains(&other))
                .map(|t| format!("`type: {}`", t.name()))
                .collect();
            (
                format!("`{other}` only works with {}", types.join(" or ")),
                delete,
            )
        }
    }
}

fn read_bbox(w: &mut Walker<'_, '_>, n: &Node) -> Option<[f64; 4]> {
    let example = "bbox: [9.7, 53.4, 10.3, 53.7]";
    let Kind::Seq(items) = &n.kind else {
        w.wrong_type(n, "bbox", "four numbers: west, south, east, north", example);
        return None;
    };
    if items.len() != 4 {
        w.wrong_type(n, "bbox", "four numbers: west, south, east, north", example);
        return None;
    }
    let mut out = [0.0; 4];
    for (i, item) in items.iter().enumerate() {
        let (min, max) = if i % 2 == 0 {
            (-180.0, 180.0)
        } else {
            (-90.0, 90.0)
        };
        out[i] = w.number_in(
            item,
            "bbox",
            example,
            min,
            max,
            "longitudes are -180 to 180, latitudes -90 to 90",
        )?;
    }
    if out[0] > out[2] || out[1] > out[3] {
        let pos = w.pos(n);
        w.sink.error(
            "E0030",
            pos,
            "the `bbox` is upside down: west must be less than east, south less than north",
            Some(format!(
                "write [{}, {}, {}, {}]",
                out[0].min(out[2]),
                out[1].min(out[3]),
                out[0].max(out[2]),
                out[1].max(out[3])
            )),
        );
        return None;
    }
    Some(out)
}

fn fields_has(n: &Node, name: &str) -> bool {
    matches!(&n.kind, Kind::Map(e) if e.iter().any(|(k, _)| k.kind == Kind::Str(name.into())))
}

/// Setting names of a layer's `style`, taken from the model's schema so that
/// new style options are accepted as soon as the model has them.
pub(crate) fn style_fields() -> Vec<String> {
    let schema = schemars::schema_for!(LayerStyle);
    let mut names: Vec<String> = schema
        .get("properties")
        .and_then(|p| p.as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    if names.is_empty() {
        names = STYLE_FIELDS.iter().map(|s| (*s).to_owned()).collect();
    }
    names
}

fn read_style(
    w: &mut Walker<'_, '_>,
    id: &str,
    n: &Node,
    (property_pos, value_pos): (&mut Vec<(String, Pos)>, &mut Vec<ValueKey>),
    computed: &mut Vec<(ComputedField, Pos)>,
    extrude_pos: &mut Option<Pos>,
) -> LayerStyle {
    let names = style_fields();
    let allowed: Vec<&str> = names.iter().map(String::as_str).collect();
    let what = format!("the `style` of layer `{id}`");
    let Some(fields) = w.fields(
        n,
        &allowed,
        &what,
        "style: { fill: \"#e4572e\", radius: 4 }",
    ) else {
        return LayerStyle::default();
    };
    let mut obj = serde_json::Map::new();
    let mut ok = true;
    for (key, k, v) in fields {
        if key == "extrude" {
            *extrude_pos = Some(w.pos(k));
        }
        let value = match key {
            "fill" | "stroke" => match colour(w, v, key) {
                Some(c) => serde_json::to_value(c).unwrap_or(serde_json::Value::Null),
                None => {
                    ok = false;
                    continue;
                }
            },
            "stroke-width" => match w.number_in(
                v,
                "stroke-width",
                "stroke-width: 1",
                0.0,
                100.0,
                "the outline width is in pixels: 0 draws none, 1 is a thin line",
            ) {
                Some(x) => serde_json::json!(x),
                None => {
                    ok = false;
                    continue;
                }
            },
            "radius" => match w.number_in(
                v,
                "radius",
                "radius: 4",
                0.0,
                100.0,
                "the radius of point circles is in pixels, e.g. 3",
            ) {
                Some(x) => serde_json::json!(x),
                None => {
                    ok = false;
                    continue;
                }
            },
            "label" => match w.text(v, "label", "label: \"{name}\"") {
                Some(t) => {
                    property_pos.extend(read_template(w, v, id, "label", &t));
                    serde_json::Value::String(t)
                }
                None => {
                    ok = false;
                    continue;
                }
            },
            "label-priority" => match w.text(v, "label-priority", "label-priority: visitors") {
                Some(t) => {
                    property_pos.push((t.clone(), w.pos(v)));
                    serde_json::Value::String(t)
                }
                None => {
                    ok = false;
                    continue;
                }
            },
            "label-min-zoom" => match w.number_in(
                v,
                "label-min-zoom",
                "label-min-zoom: 13",
                0.0,
                24.0,
                "a zoom level from 0 (the world) to 24, e.g. 13 for a town",
            ) {
                Some(x) => serde_json::json!(x),
                None => {
                    ok = false;
                    continue;
                }
            },
            "extrude" | "extrude-base" => match read_height(w, id, key, v, property_pos) {
                Some((h, expression)) => {
                    if let Some(e) = expression {
                        computed.push((e, w.pos(v)));
                    }
                    h
                }
                None => {
                    ok = false;
                    continue;
                }
            },
            "extrude-scale" => match w.number_in(
                v,
                "extrude-scale",
                "extrude-scale: 0.5",
                0.0,
                1e6,
                "metres per unit of the `extrude` property, e.g. 0.5 draws 1,000 as 500 m",
            ) {
                Some(x) => serde_json::json!(x),
                None => {
                    ok = false;
                    continue;
                }
            },
            "choropleth" | "categories" | "circles" => {
                match crate::checks::style::sub_style(w, id, key, v, property_pos, value_pos) {
                    Some(j) => j,
                    None => {
                        ok = false;
                        continue;
                    }
                }
            }
            _ => v.to_json(),
        };
        obj.insert(key.to_owned(), value);
    }
    if !ok {
        return LayerStyle::default();
    }
    match serde_json::from_value::<LayerStyle>(serde_json::Value::Object(obj)) {
        Ok(style) => style,
        Err(e) => {
            let pos = w.pos(n);
            w.sink.error(
                "E0023",
                pos,
                format!("{what} cannot be used: {e}"),
                Some("see docs/styling.md for `choropleth`, `categories` and `circles`, docs/story-format.md (section `style`) for the other style settings".into()),
            );
            LayerStyle::default()
        }
    }
}

/// `extrude: model` draws a CityJSON file's surfaces: only on `cityjson`
/// layers, and without `extrude-base` or `extrude-scale` (the buildings
/// stand where the file puts them, at their own size).
fn check_model(w: &mut Walker<'_, '_>, id: &str, source: &Source, style: &LayerStyle, n: &Node) {
    let Kind::Map(entries) = &n.kind else {
        return;
    };
    let at = |key: &str| {
        entries
            .iter()
            .find(|(k, _)| matches!(&k.kind, Kind::Str(s) if s == key))
            .map(|(_, v)| v)
    };
    if !matches!(source, Source::Cityjson { .. }) {
        if let Some(v) = at("extrude") {
            let pos = w.pos(v);
            w.sink.error(
                "E0151",
                pos,
                format!("`extrude: model` draws the buildings of a CityJSON file in their real shape, but layer `{id}` does not read one"),
                Some("use `source: { type: cityjson, url: … }`, or raise the areas by a number: `extrude: height`".into()),
            );
        }
    }
    let given = [
        ("extrude-base", style.extrude_base.is_some()),
        ("extrude-scale", style.extrude_scale.is_some()),
    ];
    for (key, _) in given.into_iter().filter(|(_, set)| *set) {
        if let Some(v) = at(key) {
            let pos = w.pos(v);
            w.sink.error(
                "E0151",
                pos,
                format!("`{key}` cannot be used with `extrude: model` (layer `{id}`): the buildings stand where the file puts them, at their own size"),
                Some(format!("leave out `{key}`, or draw blocks instead: `extrude: height`")),
            );
        }
    }
}

/// `extrude` and `extrude-base`: metres (a number from 0), a property
/// name, or an expression over properties (any of `+ * / ( )`, a backtick
/// or ` - `), which becomes a computed field named after the setting.
fn read_height(
    w: &mut Walker<'_, '_>,
    id: &str,
    key: &str,
    v: &Node,
    property_pos: &mut Vec<(String, Pos)>,
) -> Option<(serde_json::Value, Option<ComputedField>)> {
    let example = format!("{key}: height");
    if let crate::yaml::Kind::Str(t) = &v.kind {
        let t = t.trim().to_owned();
        let is_expression = t.contains(['+', '*', '/', '(', ')', '`']) || t.contains(" - ");
        if t == "model" {
            if key == "extrude" {
                return Some((serde_json::Value::String(t), None));
            }
            let pos = w.pos(v);
            w.sink.error(
                "E0151",
                pos,
                format!("`{key}: model` is not a height: `model` is a value of `extrude` only (layer `{id}`)"),
                Some(format!("write a height in metres (`{key}: 3`) or a numeric property; a property named `model` is written in backticks: {key}: `model`")),
            );
            return None;
        }
        if !is_expression {
            property_pos.push((t.clone(), w.pos(v)));
            return Some((serde_json::Value::String(t), None));
        }
        let name = format!("{key}-height");
        let mut probe = twinstory_data::Dataset::default();
        if let Err(e) = twinstory_data::compute_field(&mut probe, &name, &t) {
            let pos = w.pos(v);
            w.sink.error(
                "E0150",
                pos,
                format!("the `{key}` expression of layer `{id}` cannot be read: {}", e.message),
                Some(format!("write a height in metres (`{key}: 20`), a numeric property (`{key}: height`) or arithmetic over properties (`{key}: floors * 3`)")),
            );
            return None;
        }
        let field = ComputedField {
            name: name.clone(),
            expression: t,
        };
        return Some((serde_json::Value::String(name), Some(field)));
    }
    let m = w.number_in(
        v,
        key,
        &example,
        0.0,
        10_000.0,
        "a height in metres above the ground, a numeric property or an expression",
    )?;
    Some((serde_json::json!(m), None))
}

/// Checks a `{property}` template (`tooltip`, `label`) and returns the
/// property names it uses with their positions, for the check against the
/// data. `{{` and `}}` are literal braces; a `{` without its `}` and an
/// empty `{}` are errors.
fn read_template(
    w: &mut Walker<'_, '_>,
    v: &Node,
    id: &str,
    setting: &str,
    text: &str,
) -> Vec<(String, Pos)> {
    // Columns inside the text are exact when the template sits on its own
    // line as written (plain or quoted without escapes); else the value's start.
    let place = crate::checks::TextPos::of(w, v, text);
    let at = |i: usize, len: usize| place.at(i, len);
    // Byte positions in the text → columns (characters) and lengths.
    let span_at = |r: std::ops::Range<usize>| {
        at(
            text[..r.start].chars().count(),
            text[r.start..r.end.min(text.len())].chars().count(),
        )
    };
    let template = Template::parse(text);
    for e in template.errors() {
        match e {
            TemplateError::Unclosed { at: b } => w.sink.error(
                "E0023",
                span_at(b..b + 1),
                format!("the `{setting}` of layer `{id}` has a `{{` without its `}}`"),
                Some(format!(
                    "write property names in braces, e.g. `{setting}: \"{{name}}\"`; write `{{{{` for a brace as text"
                )),
            ),
            TemplateError::Empty { span } => w.sink.error(
                "E0023",
                span_at(span),
                format!("the `{setting}` of layer `{id}` has an empty `{{}}`"),
                Some("name a property in the braces, e.g. `{name}`".into()),
            ),
        }
    }
    template
        .named_fields()
        .map(|(name, span)| (name.to_owned(), span_at(span)))
        .collect()
}

/// A layer's words for readers (see `reader_names`).
#[derive(Default)]
struct ReaderNames {
    attribution_url: Option<String>,
    fields: std::collections::BTreeMap<String, String>,
    categories: std::collections::BTreeMap<String, String>,
    /// Where `fields` names each field, for the check against the data.
    field_pos: Vec<(String, Pos)>,
    /// Where `categories` names each value, for the check against the data.
    category_pos: Vec<(String, Pos)>,
}

impl ReaderNames {
    fn read(&mut self, w: &mut Walker<'_, '_>, key: &str, v: &Node) {
        use crate::reader_names::*;
        match key {
            "attribution-url" => {
                self.attribution_url = read_web_address(w, v, key, ATTRIBUTION_URL_EXAMPLE)
            }
            "fields" => self.fields = read_names(w, v, (key, FIELDS_EXAMPLE), &mut self.field_pos),
            "categories" => {
                self.categories =
                    read_names(w, v, (key, CATEGORIES_EXAMPLE), &mut self.category_pos)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod source_tests {
    use crate::parse_story;
    use twinstory_model::Source;

    fn parse(layers: &str) -> (Vec<(String, String)>, Vec<Source>) {
        let md = format!(
            "---\ntitle: T\nlayers:\n{layers}---\n\n## Eins\n\n```step\nview: {{ center: [10, 53.5], zoom: 11 }}\n```\n\nText.\n"
        );
        let parsed = parse_story("s.md", md.as_bytes());
        let diags = parsed
            .diagnostics
            .iter()
            .filter(|d| d.code != "W0006")
            .map(|d| (d.code.clone(), d.message.clone()))
            .collect();
        let sources = parsed
            .story
            .map(|s| s.layers.into_iter().map(|l| l.source).collect())
            .unwrap_or_default();
        (diags, sources)
    }

    #[test]
    fn a_query_in_a_sensorthings_root_is_refused_and_one_in_an_ogc_collection_kept() {
        let (diags, _) = parse(
            "  s:\n    source: { type: sensorthings, url: \"https://iot.hamburg.de/v1.1?$top=5\" }\n",
        );
        assert!(
            diags
                .iter()
                .any(|(c, m)| c == "E0023" && m.contains("has a query")),
            "{diags:?}"
        );
        let (diags, sources) = parse(
            "  p:\n    source: { type: ogc-api-features, url: \"https://api.hamburg.de/datasets/v1/parkhaeuser/collections/verkehr_parkhaeuser?filter=frei%20%3E%3D%200\" }\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert!(sources[0].url().ends_with("?filter=frei%20%3E%3D%200"));
    }

    #[test]
    fn an_empty_or_broken_odata_filter_is_an_error_with_a_fix() {
        let (diags, sources) = parse(concat!(
            "  a:\n    source: { type: sensorthings, url: \"https://a.example/v1.1\", things: \"\" }\n",
            "  b:\n    source: { type: sensorthings, url: \"https://a.example/v1.1\", things: \"  \", datastreams: \"\" }\n",
            "  c:\n    source: { type: sensorthings, url: \"https://a.example/v1.1\", things: \"name eq 'a'\\nor name eq 'b'\" }\n",
            "  d:\n    source: { type: wfs, url: \"https://a.example/wfs\", type-name: t, things: x }\n",
        ));
        let messages: Vec<&str> = diags.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`things` is empty",
                "`things` is empty",
                "`datastreams` is empty",
                "`things` has a line break, but an OData filter is one line",
                "`things`, `datastreams` and `refresh` only work with `type: sensorthings`",
            ],
            "{diags:?}"
        );
        assert!(diags[..4].iter().all(|(c, _)| c == "E0023"), "{diags:?}");
        // The layer stays, reading every Thing, so its steps are not reported too.
        assert!(matches!(
            &sources[0],
            Source::Sensorthings { things: None, .. }
        ));
    }

    #[test]
    fn csv_settings_on_a_service_are_reported_not_ignored() {
        let (diags, _) = parse(
            "  s:\n    source: { type: sensorthings, url: \"https://iot.hamburg.de/v1.1\", lat: y }\n  w:\n    source: { type: wfs, url: \"https://a.example/wfs\", type-name: t, delimiter: \";\" }\n",
        );
        let only: Vec<&(String, String)> = diags
            .iter()
            .filter(|(_, m)| m.contains("only work with `type: csv`"))
            .collect();
        assert_eq!(only.len(), 2, "{diags:?}");
    }

    #[test]
    fn every_source_type_reads_with_its_settings() {
        let (diags, sources) = parse(concat!(
            "  a:\n    source: { type: geojson, url: a.geojson }\n",
            "  b:\n    source: { type: csv, url: b.csv, lat: y, lon: x, delimiter: \";\" }\n",
            "  c:\n    source: { type: overpass, url: c.json }\n",
            "  d:\n    source: { type: ogc-api-features, url: \"https://a.example/collections/d\", bbox: [9, 53, 10, 54], limit: 10, max-features: 20 }\n",
            "  e:\n    source: { type: wfs, url: \"https://a.example/wfs\", type-name: t, format: f, limit: 10 }\n",
            "  f:\n    source: { type: sensorthings, url: \"https://a.example/v1.1\", things: \"startswith(name,'S')\", datastreams: x, refresh: 60, max-features: 5 }\n",
            "  g:\n    source: { type: cityjson, url: g.city.json, lod: 2.2 }\n",
        ));
        let errors: Vec<_> = diags.iter().filter(|(c, _)| c != "E0061").collect();
        assert!(errors.is_empty(), "{diags:?}");
        assert_eq!(
            sources[1],
            Source::Csv {
                url: "b.csv".into(),
                lat: Some("y".into()),
                lon: Some("x".into()),
                delimiter: Some(';')
            }
        );
        assert_eq!(
            sources[4],
            Source::Wfs {
                url: "https://a.example/wfs".into(),
                type_name: "t".into(),
                format: "f".into(),
                bbox: None,
                limit: 10,
                max_features: 50_000
            }
        );
        assert_eq!(
            sources[5],
            Source::Sensorthings {
                url: "https://a.example/v1.1".into(),
                things: Some("startswith(name,'S')".into()),
                datastreams: Some("x".into()),
                refresh: Some(60),
                max_features: 5
            }
        );
        assert_eq!(
            sources[6],
            Source::Cityjson {
                url: "g.city.json".into(),
                lod: Some("2.2".into())
            }
        );
    }
}
