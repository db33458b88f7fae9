//! Credits: what the map must name while it shows a layer (CC BY and ODbL
//! ask for credit near the work), and the story's closing sources.

use crate::scene::{LayerStatus, Scene};

/// One credit line, linked when its author gave an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    /// The text, e.g. `© OpenStreetMap-Mitwirkende (ODbL)`.
    pub text: String,
    /// Where it links to (licence or provider page), if anywhere.
    pub url: Option<String>,
}

impl Scene {
    /// The credits of the layers `step` shows (top layer first, then a
    /// compare step's `before` side), each once; the basemap's credit is
    /// not among them (the shell adds it, always). A layer that could not
    /// be loaded shows nothing, so the map does not credit it (the closing
    /// sources still list it).
    pub fn step_credits(&self, step: usize) -> Vec<Credit> {
        let Some(s) = self.story.steps.get(step) else {
            return Vec::new();
        };
        let before = s.compare.iter().flat_map(|c| c.before.iter().rev());
        let layers = s
            .show
            .iter()
            .rev()
            .chain(before)
            .filter(|st| st.opacity > 0.0)
            .filter(|st| {
                self.layer_index(&st.layer)
                    .is_none_or(|i| self.layers[i].status != LayerStatus::Failed)
            })
            .filter_map(|st| self.story.layer(&st.layer));
        let mut out: Vec<Credit> = Vec::new();
        for layer in layers {
            let Some(text) = layer.attribution.as_deref().map(str::trim) else {
                continue;
            };
            if text.is_empty() || out.iter().any(|c| c.text == text) {
                continue;
            }
            out.push(Credit {
                text: text.to_owned(),
                url: layer.attribution_url.clone(),
            });
        }
        out
    }

    /// The closing sources: the author's `credits`, then every layer's
    /// (`layer_sources`). The player adds the basemap's.
    pub fn sources(&self) -> Vec<Credit> {
        let mut out: Vec<Credit> = self
            .story
            .credits
            .iter()
            .map(|c| Credit {
                text: c.clone(),
                url: None,
            })
            .collect();
        out.extend(self.layer_sources());
        out
    }

    /// The closing sources' lines for the layers: each layer with a
    /// credit, as `title: credit`, in story order; layers with the same
    /// credit share one line (`Stadtteile, Bezirke: © FHH …`).
    pub fn layer_sources(&self) -> Vec<Credit> {
        let mut out: Vec<(Vec<String>, Credit)> = Vec::new();
        for layer in &self.story.layers {
            let Some(text) = layer.attribution.as_deref().map(str::trim) else {
                continue;
            };
            if text.is_empty() {
                continue;
            }
            let credit = Credit {
                text: text.to_owned(),
                url: layer.attribution_url.clone(),
            };
            match out.iter_mut().find(|(_, c)| *c == credit) {
                Some((titles, _)) => titles.push(layer.reader_title()),
                None => out.push((vec![layer.reader_title()], credit)),
            }
        }
        out.into_iter()
            .map(|(titles, c)| Credit {
                text: format!("{}: {}", titles.join(", "), c.text),
                url: c.url,
            })
            .collect()
    }
}
