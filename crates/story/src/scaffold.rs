//! The story that `twinstory new` writes: short, valid, and a guide to the format.

/// Where the template's sample data lives, relative to story.md.
pub const SAMPLE_DATA_PATH: &str = "data/places.geojson";

/// Three points in Hamburg for the template (written for twinstory, CC0).
pub const SAMPLE_DATA: &str = r#"{
  "type": "FeatureCollection",
  "features": [
    { "type": "Feature", "properties": { "name": "Rathaus" },
      "geometry": { "type": "Point", "coordinates": [9.9925, 53.5503] } },
    { "type": "Feature", "properties": { "name": "Elbphilharmonie" },
      "geometry": { "type": "Point", "coordinates": [9.9841, 53.5413] } },
    { "type": "Feature", "properties": { "name": "Planten un Blomen" },
      "geometry": { "type": "Point", "coordinates": [9.9822, 53.5606] } }
  ]
}
"#;

/// A complete story.md for a new story that validates without warnings (with [`SAMPLE_DATA`] beside it).
pub fn new_story_template(slug: &str, title: &str) -> String {
    let yaml_title = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r##"---
# Settings of the story. Every setting is explained in docs/story-format.md.
title: "{yaml_title}"
lang: en
summary: A short story in three steps. Replace this with one sentence about yours.
authors: [Your Name]
credits:
  - "Sample places: written for twinstory, CC0"
layers:
  places:
    title: Places
    source: {{ type: geojson, url: {SAMPLE_DATA_PATH} }}
    style: {{ fill: "#e4572e", stroke: "#1d2330", radius: 6 }}
    tooltip: "{{name}}"
---

# {title}

Text here, before the first `##` heading, is the introduction. Each `##`
heading below starts a step: the map changes as the reader scrolls to it.

## Three places

```step
view: {{ fit: places }}
show: [places]
transition: jump
```

The ```` ```step ```` block says what the map shows in this step. Here it
fits the map to the layer `places` and shows it.

## The town hall

```step
id: town-hall
view: {{ center: [9.9925, 53.5503], zoom: 15 }}
show: [places]
```

`center` is `[longitude, latitude]`, `zoom` goes from 0 (the world) to 22.
This step has the id `town-hall`, so it can be linked as [#town-hall](#town-hall).

## Your turn

```step
view: {{ fit: places }}
show: [{{ layer: places, opacity: 0.5 }}]
transition: ease
```

Replace `{SAMPLE_DATA_PATH}` with your own data, write your steps, and
check the story with `twinstory validate stories/{slug}`.
"##
    )
}
