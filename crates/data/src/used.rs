//! Which properties of a layer the story uses: what the build keeps of a
//! layer's file, and what the sources module keeps of a layer read while
//! the story plays (a service, a remote or unbuilt file), so both hold the
//! same properties and show the same columns in a step's data table.

use crate::expression::Condition;
use twinstory_model::template::Template;
use twinstory_model::{Height, Layer, LayerState, Source};

/// The property names a layer's `fields` (the columns the author named for
/// readers), its style (labels too), tooltip and the steps' filters and
/// highlights of it (`shows`: every step's `show`) refer to, and `name`,
/// which labels features for keyboard and screen reader users; each once.
///
/// # Examples
/// ```
/// use twinstory_data::used_properties;
/// let layer: twinstory_model::Layer = serde_json::from_value(serde_json::json!({
///     "id": "pr", "source": {"type": "geojson", "url": "pr.geojson"},
///     "fields": {"frei": "Frei gemeldet"}, "tooltip": "{name}: {gesamt} Plätze"
/// })).unwrap();
/// let shows: Vec<twinstory_model::LayerState> = vec![];
/// let mut used = used_properties(&layer, &shows);
/// used.sort();
/// assert_eq!(used, ["frei", "gesamt", "name"]);
/// ```
pub fn used_properties<'a>(
    layer: &Layer,
    shows: impl IntoIterator<Item = &'a LayerState>,
) -> Vec<String> {
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
    for s in shows.into_iter().filter(|s| s.layer == layer.id) {
        for cond in [&s.filter, &s.highlight].into_iter().flatten() {
            if let Ok(c) = Condition::parse(cond) {
                c.fields().iter().for_each(|f| add(f));
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
