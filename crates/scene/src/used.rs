//! Which properties of a layer the story uses: what the build keeps of a
//! file and what a data table shows of any layer, so a layer read while
//! the story plays (a service, an unbuilt file) shows the same columns as
//! one the build packed.

use twinstory_data::Condition;
use twinstory_model::template::Template;
use twinstory_model::{Height, Layer, Source, Story};

/// The property names a layer's `fields` (the columns the author named for
/// readers), its style (labels too), tooltip and steps refer to, and
/// `name`, which labels features for keyboard and screen reader users;
/// each once, in no particular order. (A list, not a set: this is in the
/// player's base module, where a `BTreeSet<String>` would be code of its own.)
pub fn used_properties(story: &Story, layer: &Layer) -> Vec<String> {
    let mut used: Vec<String> = vec!["name".into()];
    let mut add = |p: &str| {
        if !used.iter().any(|u| u == p) {
            used.push(p.to_owned());
        }
    };
    layer.fields.keys().for_each(|k| add(k));
    let style = &layer.style;
    let styled = [
        style.choropleth.as_ref().map(|c| &c.property),
        style.categories.as_ref().map(|c| &c.property),
        style.circles.as_ref().map(|c| &c.property),
        style.label_priority.as_ref(),
    ];
    styled.into_iter().flatten().for_each(|p| add(p));
    for t in [&layer.tooltip, &style.label].into_iter().flatten() {
        Template::parse(t).fields().for_each(&mut add);
    }
    for h in [&style.extrude, &style.extrude_base].into_iter().flatten() {
        if let Height::Property(p) = h {
            add(p);
        }
    }
    for step in &story.steps {
        for s in step.show.iter().filter(|s| s.layer == layer.id) {
            for cond in [&s.filter, &s.highlight].into_iter().flatten() {
                if let Ok(c) = Condition::parse(cond) {
                    c.fields().iter().for_each(|f| add(f));
                }
            }
        }
    }
    // A building's height is what a 3D view raises its footprint by, so
    // CityJSON layers keep it whether or not the style names it.
    if matches!(layer.source, Source::Cityjson { .. }) {
        add("height");
    }
    used
}
