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
    /// The time the step shows of layers with a `time`: one value (a
    /// moment, e.g. `2023-02-05`) or two (a period, first and last),
    /// as [`crate::time::span`] reads them; only features whose time
    /// overlaps it are drawn. Empty: no time filter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time: Vec<String>,
    /// Plays through time while the step is active: the moments shown one
    /// after another. The step's own state (reached by scrolling or by a
    /// link) is its last moment; see [`Play`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub play: Option<Play>,
}

/// A step's playback through time, as the build writes it from the
/// author's `from`, `to` and `step`: the moments in order and how long the
/// whole run takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Play {
    /// The moments, first to last (at least one), each a time as
    /// [`crate::time::span`] reads it.
    pub moments: Vec<String>,
    /// Seconds from the first moment to the last.
    pub duration: f64,
}

impl Step {
    /// The time the step shows at playback position `at` (an index into
    /// the play's moments, clamped; `None`: the step's own state, the
    /// last moment), or the step's `time`; `None` without either.
    pub fn time_at(&self, at: Option<usize>) -> Option<crate::time::Span> {
        let texts: &[String] = match &self.play {
            Some(p) => {
                let last = p.moments.len().checked_sub(1)?;
                let i = at.unwrap_or(last).min(last);
                std::slice::from_ref(p.moments.get(i)?)
            }
            None => &self.time,
        };
        let first = crate::time::span(texts.first()?)?;
        let last = crate::time::span(texts.last()?)?;
        Some((first.0, last.1))
    }
}

/// Maps at most this wide (CSS pixels) take a step's `view-narrow`: phones,
/// and narrow columns of an embedding page (the width where the player's
/// stylesheet stacks the map over the cards).
pub const NARROW_MAP_WIDTH: f64 = 720.0;

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
