//! The setting names of the parts of a story that read the same in
//! `story.md` and `story.json` (kebab-case in both): one list each, for the
//! story parser's "unknown setting" checks and the player's `story.json`
//! reader (`json.rs`).

/// Settings of `basemap`.
pub const BASEMAP: &[&str] = &[
    "url",
    "attribution",
    "attribution-url",
    "subdomains",
    "tile-size",
    "min-zoom",
    "max-zoom",
    "opacity",
];

/// Settings of `theme`.
pub const THEME: &[&str] = &[
    "accent",
    "map-background",
    "text",
    "page",
    "card",
    "card-radius",
    "card-style",
    "font",
    "font-regular",
    "font-bold",
    "font-italic",
    "font-bold-italic",
];

/// Settings of one `join` of a layer.
pub const JOIN: &[&str] = &[
    "table",
    "by",
    "feature-key",
    "table-key",
    "mode",
    "columns",
    "sum",
    "missing",
    "encoding",
    "numbers",
    "delimiter",
];

/// Settings of a step's `view`.
pub const VIEW: &[&str] = &["center", "zoom", "bearing", "pitch", "fit"];

/// Settings of one entry of a step's `show`.
pub const SHOW: &[&str] = &["layer", "opacity", "filter", "highlight"];
