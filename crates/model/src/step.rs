//! Steps: a block of text and the complete map state that goes with it.

use serde::{Deserialize, Deserializer, Serialize};

/// One narrative step. Its map state is complete: the player applies it as a
/// whole, so arriving at a step by any path shows the same map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Step {
    /// Id used in links (`#playgrounds`); made from the heading when not given.
    pub id: String,
    /// The step's heading.
    pub title: String,
    /// The step's text as safe HTML (rendered from Markdown by the build).
    #[serde(default)]
    pub html: String,
    /// Where the camera goes; the previous step's view is kept when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<View>,
    /// Where the camera goes on narrow maps (phones: the map at most
    /// [`NARROW_MAP_WIDTH`] CSS pixels wide); `view` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_narrow: Option<View>,
    /// Layers visible in this step, bottom to top; every other layer is hidden.
    #[serde(default)]
    pub show: Vec<LayerState>,
    /// How the camera moves to this step's view.
    #[serde(default)]
    pub transition: Transition,
    /// Lets readers move the map in this step (`true`) or not (`false`),
    /// whatever the story's `interactive` says; left out, the story's holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive: Option<bool>,
    /// The map in words at this step, for readers who cannot see it: the
    /// map's accessible description, announced when the step begins. In
    /// `story.md` (`map-description`) it replaces the text `twinstory build`
    /// generates from the story and its data; in `story.json` it is the
    /// text the player shows (`map-description-extra` added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_description: Option<String>,
    /// Where the step's text stands against the map: the step's own
    /// `layout`, else the story's; left out for `left`, the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
    /// The title of the chapter this step begins (a `#` heading above its
    /// `##` heading in `story.md`), shown before the step and listed in the
    /// cover's table of contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    /// Plays through time while the step is active (a step's `play` in
    /// `story.md`, expanded by the story compiler): a [`Play`] as JSON. The
    /// step's own `show` is its last moment's, so reaching the step by
    /// scrolling, by a link or without JavaScript shows where the playback
    /// ends. Kept as JSON, unchecked, because the player's base module only
    /// takes a moment's `show` from it ([`Step::moment_show`]) when the play
    /// module asks; reading it into types there cost 1.2 KB gzip of the base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub play: Option<std::sync::Arc<serde_json::Value>>,
    /// Two states of the map side by side: `compare.before` left of a
    /// divider the reader moves, the step's `show` (the "after" state)
    /// right of it, both under the same camera.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<Compare>,
}

/// A step's playback through time (its `play` in `story.json`), as the
/// story compiler writes it from the author's `from`, `to` and `step`: how
/// long the whole run takes and, per moment, its label and the step's
/// `show` at that moment (the step's time is a `filter` on the layers' day
/// keys, so the player only swaps `show` lists and parses no dates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Play {
    /// Seconds from the first moment to the last.
    pub duration: f64,
    /// The moments, first to last (at least one).
    pub moments: Vec<Moment>,
}

/// One moment of a [`Play`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Moment {
    /// The moment in words, in the story's language (`5. Februar 2023`):
    /// the slider's `aria-valuetext` and the date shown beside it.
    pub label: String,
    /// The step's layers at this moment.
    pub show: Vec<LayerState>,
}

/// A before/after comparison in a step: the "before" side's layers and the
/// names of both sides. The "after" side is the step's own `show`, so the
/// legend, the data table and the jump target read it as any step's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Compare {
    /// Layers shown left of the divider, bottom to top (as `show`).
    pub before: Vec<LayerState>,
    /// The name of the left side, e.g. `2014`.
    pub before_label: String,
    /// The name of the right side (the step's `show`), e.g. `2018`.
    pub after_label: String,
}

/// Where a step's text stands against the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// Cards on the left over the map, its data framed to their right.
    #[default]
    Left,
    /// Cards on the right, the data framed to their left.
    Right,
    /// Cards in the middle over the full map.
    Overlay,
}

impl Layout {
    /// Every layout, by the name authors write.
    pub const ALL: [Layout; 3] = [Layout::Left, Layout::Right, Layout::Overlay];
    /// The name authors write (and the player's `data-layout`).
    pub fn name(self) -> &'static str {
        match self {
            Layout::Left => "left",
            Layout::Right => "right",
            Layout::Overlay => "overlay",
        }
    }
    /// The layout an author's name means, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// Maps at most this wide (CSS pixels) take a step's `view-narrow`: phones,
/// and narrow columns of an embedding page (the width where the player's
/// stylesheet stacks the map over the cards).
pub const NARROW_MAP_WIDTH: f64 = 720.0;

/// The steepest `pitch` a view may have, in degrees (the map crate's
/// `camera::MAX_PITCH`, which draws it; a scene test keeps them equal).
pub const MAX_PITCH: f64 = 60.0;

/// Where the camera looks: either `center` with `zoom`, or `fit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct View {
    /// Centre as `[longitude, latitude]` in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center: Option<[f64; 2]>,
    /// Zoom level as in web maps: 0 shows the world, 11 a city, 15 a street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoom: Option<f64>,
    /// Rotation in degrees clockwise from north.
    #[serde(default)]
    pub bearing: f64,
    /// Tilt in degrees from straight down (0) towards the horizon, at most 60.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pitch: f64,
    /// Fit the view to a layer's features or a bounding box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<FitTarget>,
}

/// What a `fit` view frames.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum FitTarget {
    /// All features of the layer with this id.
    Layer(String),
    /// `[west, south, east, north]` in degrees.
    Bbox([f64; 4]),
}

/// A layer shown in a step, with its opacity and which of its features count.
///
/// Written as the layer id alone (`quarters`) or as a map
/// (`{ layer: quarters, highlight: 'district_name == "Altona"' }`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub struct LayerState {
    /// Id of the layer.
    pub layer: String,
    /// Opacity from 0 (invisible) to 1 (opaque).
    pub opacity: f64,
    /// Only features matching this condition are drawn, e.g. `playgrounds >= 10`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Features matching this condition keep their colour and get an outline; the rest are dimmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highlight: Option<String>,
}

impl LayerState {
    /// A layer shown fully opaque, unfiltered and without highlight.
    pub fn new(layer: impl Into<String>) -> Self {
        Self {
            layer: layer.into(),
            opacity: 1.0,
            filter: None,
            highlight: None,
        }
    }
}

impl<'de> Deserialize<'de> for LayerState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case", deny_unknown_fields)]
        struct Full {
            layer: String,
            #[serde(default = "one")]
            opacity: f64,
            #[serde(default)]
            filter: Option<String>,
            #[serde(default)]
            highlight: Option<String>,
        }
        fn one() -> f64 {
            1.0
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Id(String),
            Full(Full),
        }
        Ok(match Either::deserialize(d)? {
            Either::Id(layer) => LayerState::new(layer),
            Either::Full(f) => LayerState {
                layer: f.layer,
                opacity: f.opacity,
                filter: f.filter,
                highlight: f.highlight,
            },
        })
    }
}

/// How the camera travels to a step's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Transition {
    /// Zoom out, pan and zoom in along a smooth arc (van Wijk & Nuij).
    #[default]
    Fly,
    /// Move straight to the new view with an ease-in-out.
    Ease,
    /// Cut to the new view without animation.
    Jump,
}

/// Whether a number is zero (optional numbers that default to 0 are left
/// out of `story.json`).
fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_state_accepts_id_or_map() {
        let v: Vec<LayerState> =
            serde_json::from_str(r#"["quarters", {"layer": "parks", "opacity": 0.5}]"#).unwrap();
        assert_eq!(v[0], LayerState::new("quarters"));
        assert_eq!(v[1].opacity, 0.5);
    }

    #[test]
    fn layer_state_reads_filter_and_highlight() {
        let v: LayerState = serde_json::from_str(
            r#"{"layer": "quarters", "highlight": "district_name == \"Altona\"", "filter": "kids > 0"}"#,
        )
        .unwrap();
        assert_eq!(v.highlight.as_deref(), Some(r#"district_name == "Altona""#));
        assert_eq!(v.filter.as_deref(), Some("kids > 0"));
        assert!(serde_json::from_str::<LayerState>(r#"{"layer": "q", "hilight": "a"}"#).is_err());
    }

    #[test]
    fn fit_target_is_layer_or_bbox() {
        let v: View = serde_json::from_str(r#"{"fit": "quarters"}"#).unwrap();
        assert_eq!(v.fit, Some(FitTarget::Layer("quarters".into())));
        let v: View = serde_json::from_str(r#"{"fit": [9.7, 53.4, 10.3, 53.7]}"#).unwrap();
        assert!(matches!(v.fit, Some(FitTarget::Bbox(_))));
    }

    #[test]
    fn unknown_fields_are_errors() {
        assert!(serde_json::from_str::<View>(r#"{"zooom": 3}"#).is_err());
    }
}
