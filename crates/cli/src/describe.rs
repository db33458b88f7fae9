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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authors_text_replaces_and_the_extra_follows() {
        let mut story: Story = serde_json::from_str(
            r#"{"title": "T", "steps": [
                {"id": "a", "title": "A"},
                {"id": "b", "title": "B", "map-description": "Eigener Text."},
                {"id": "c", "title": "C", "map-description": "Eigener Text."}
            ]}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let extra = [
            Some("Nur Zusatz.".to_owned()),
            None,
            Some("Und mehr.".to_owned()),
        ];
        add_descriptions(&mut story, &[], &extra);
        let texts: Vec<Option<&str>> = story
            .steps
            .iter()
            .map(|s| s.map_description.as_deref())
            .collect();
        // Step a has no layers to describe: the addition stands alone.
        assert_eq!(
            texts,
            [
                Some("Nur Zusatz."),
                Some("Eigener Text."),
                Some("Eigener Text. Und mehr.")
            ]
        );
    }
}
