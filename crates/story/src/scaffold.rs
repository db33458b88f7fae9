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

/// The language of the template `twinstory new` writes (its `lang`, its
/// texts and the sample layer's title).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TemplateLanguage {
    /// English.
    #[default]
    English,
    /// German, for authors who write in German (Hamburg's stories are).
    German,
}

/// A complete story.md for a new story that validates without warnings (with [`SAMPLE_DATA`] beside it).
pub fn new_story_template(slug: &str, title: &str, lang: TemplateLanguage) -> String {
    let yaml_title = title.replace('\\', "\\\\").replace('"', "\\\"");
    match lang {
        TemplateLanguage::English => english(slug, title, &yaml_title),
        TemplateLanguage::German => german(slug, title, &yaml_title),
    }
}

fn english(slug: &str, title: &str, yaml_title: &str) -> String {
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

fn german(slug: &str, title: &str, yaml_title: &str) -> String {
    format!(
        r##"---
# Einstellungen der Geschichte. Jede ist in docs/story-format.md erklärt.
title: "{yaml_title}"
lang: de
summary: Eine kurze Geschichte in drei Schritten. Ersetzen Sie diesen Satz durch einen über Ihre.
authors: [Ihr Name]
credits:
  - "Beispielorte: für twinstory geschrieben, CC0"
layers:
  orte:
    title: Orte
    source: {{ type: geojson, url: {SAMPLE_DATA_PATH} }}
    style: {{ fill: "#e4572e", stroke: "#1d2330", radius: 6 }}
    tooltip: "{{name}}"
---

# {title}

Text hier, vor der ersten `##`-Überschrift, ist die Einleitung. Jede
`##`-Überschrift darunter beginnt einen Schritt: Die Karte ändert sich,
wenn die Leserin oder der Leser dorthin scrollt.

## Drei Orte

```step
view: {{ fit: orte }}
show: [orte]
transition: jump
```

Der Block ```` ```step ```` sagt, was die Karte in diesem Schritt zeigt.
Hier passt sie sich der Ebene `orte` an und zeigt sie.

## Das Rathaus

```step
id: rathaus
view: {{ center: [9.9925, 53.5503], zoom: 15 }}
show: [orte]
```

`center` ist `[Längengrad, Breitengrad]`, `zoom` reicht von 0 (die ganze
Welt) bis 22. Dieser Schritt hat die ID `rathaus`, so lässt er sich als
[#rathaus](#rathaus) verlinken.

## Jetzt Sie

```step
view: {{ fit: orte }}
show: [{{ layer: orte, opacity: 0.5 }}]
transition: ease
```

Ersetzen Sie `{SAMPLE_DATA_PATH}` durch Ihre eigenen Daten, schreiben Sie
Ihre Schritte und prüfen Sie die Geschichte mit
`twinstory validate stories/{slug}`.
"##
    )
}
