//! The build's text alternative: every step's map in words, written into
//! `story.json` (`map-description`), so the player only shows it.

use twinstory_model::Story;
use twinstory_scene::Scene;
use twinstory_story::LayerData;

/// Writes each step's `map_description`: the author's `map-description`,
/// else the text generated from the story and the local layers' `data`
/// (one entry per layer, `None` for layers read while the story plays),
/// followed by the author's `map-description-extra` (`extra`, per step).
pub fn add_descriptions(story: &mut Story, data: &[Option<LayerData>], extra: &[Option<String>]) {
    let mut scene = Scene::new(story.clone());
    for (i, d) in data.iter().enumerate() {
        if let Some(d) = d {
            scene.set_layer_data(i, &d.dataset);
        }
    }
    for (i, step) in story.steps.iter_mut().enumerate() {
        let text = match step.map_description.take() {
            Some(own) => own,
            None => scene.describe(i),
        };
        let text = match extra.get(i).cloned().flatten() {
            Some(extra) if text.is_empty() => extra,
            Some(extra) => format!("{text} {extra}"),
            None => text,
        };
        step.map_description = Some(text).filter(|t| !t.is_empty());
    }
}
