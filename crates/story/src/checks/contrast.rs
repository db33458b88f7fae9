//! Contrast of what the map draws in each step (WCAG 2.1 SC 1.4.11, 3:1):
//! measured by `twinstory_scene`'s `contrast_problems` on the data the
//! check read, reported at the layer in the step's `show` list. A problem
//! that several steps share is reported once, at the first, naming the rest.

use crate::diagnostic::{Pos, Sink};
use crate::layer_data::LayerData;
use crate::Spans;
use twinstory_model::Story;
use twinstory_scene::contrast::ContrastCheck;
use twinstory_scene::Scene;

/// Warns (W0014 fill against background, W0015 class against class, W0016
/// points against what is under them, W0017 outline against fill) about
/// every comparison below 3:1.
pub(crate) fn check(sink: &mut Sink, story: &Story, loaded: &[Option<LayerData>], spans: &Spans) {
    let mut scene = Scene::new(story.clone());
    for (i, d) in loaded.iter().enumerate() {
        if let Some(d) = d {
            scene.set_layer_data(i, &d.dataset);
        }
    }
    // (code, message without the steps, help, position, step ids)
    let mut found: Vec<(&str, String, String, Pos, Vec<&str>)> = Vec::new();
    for (i, step) in story.steps.iter().enumerate() {
        for p in scene.contrast_problems(i) {
            let code = match p.check {
                ContrastCheck::Background => "W0014",
                ContrastCheck::Classes => "W0015",
                ContrastCheck::Points => "W0016",
                ContrastCheck::Outline => "W0017",
            };
            let message = format!(
                "{} of layer `{}` has a contrast of {:.2}:1 against {} (3:1 needed)",
                p.what, p.layer, p.ratio, p.against
            );
            match found.iter_mut().find(|f| f.0 == code && f.1 == message) {
                Some(f) => f.4.push(&step.id),
                None => {
                    let pos = spans
                        .step_show
                        .get(i)
                        .and_then(|refs| refs.iter().find(|(id, _)| *id == p.layer))
                        .map(|(_, pos)| *pos)
                        .or(spans.step_view.get(i).copied().flatten())
                        .unwrap_or_default();
                    found.push((code, message, p.suggestion, pos, vec![&step.id]));
                }
            }
        }
    }
    for (code, message, help, pos, steps) in found {
        let list: Vec<String> = steps.iter().map(|s| format!("`{s}`")).collect();
        let at = if steps.len() == 1 {
            format!("in step {}", list[0])
        } else {
            format!("in steps {}", list.join(", "))
        };
        sink.warning(code, pos, format!("{at}: {message}"), Some(help));
    }
}
