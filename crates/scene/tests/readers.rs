//! What readers see of a layer is in their words: field and value names,
//! highlights by name, credits while a layer is shown and in the sources.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a failed setup stops the test with its message"
)]

use geo::{Geometry, Point};
use serde_json::json;
use twinstory_data::{Dataset, Feature};
use twinstory_model::Story;
use twinstory_scene::{Credit, LegendLabel, Scene};

fn story() -> Story {
    serde_json::from_value(json!({
        "title": "Test",
        "lang": "de",
        "layers": [
            {"id": "district_areas", "source": {"type": "geojson", "url": "a.geojson"},
             "attribution": "© FHH, LGV (dl-de/by-2-0)",
             "style": {"choropleth": {"property": "je_1000_kinder", "classes": 2}},
             "fields": {"je_1000_kinder": "Plätze je 1.000 Kinder"},
             "tooltip": "{name} ({district_name})"},
            {"id": "toilets", "title": "Toiletten", "source": {"type": "geojson", "url": "t.geojson"},
             "attribution": "© OpenStreetMap-Mitwirkende (ODbL)",
             "attribution-url": "https://www.openstreetmap.org/copyright",
             "tooltip": "{name}: rollstuhlgerecht {wheelchair}",
             "style": {"categories": {"property": "wheelchair"}},
             "categories": {"yes": "ja", "limited": "eingeschränkt"}},
            {"id": "shops", "title": "Läden", "source": {"type": "geojson", "url": "s.geojson"},
             "attribution": "© OpenStreetMap-Mitwirkende (ODbL)",
             "attribution-url": "https://www.openstreetmap.org/copyright"}
        ],
        "steps": [
            {"id": "one", "title": "One", "show": ["district_areas", "toilets"]},
            {"id": "two", "title": "Two", "show": [{"layer": "toilets", "highlight": "wheelchair == \"yes\""}]},
            {"id": "three", "title": "Three", "show": [{"layer": "toilets", "highlight": "wheelchair != \"no\""}, "shops"]},
            {"id": "four", "title": "Four", "show": [{"layer": "toilets", "filter": "wheelchair == \"no\""}]}
        ]
    }))
    .unwrap()
}

fn point(i: usize, props: serde_json::Value) -> Feature {
    Feature {
        id: None,
        geometry: Some(Geometry::Point(Point::new(10.0 + i as f64 * 0.01, 53.5))),
        properties: props.as_object().unwrap().clone(),
        solid: None,
    }
}

fn scene() -> Scene {
    let mut scene = Scene::new(story());
    let areas = Dataset {
        features: (0..4)
            .map(|i| point(i, json!({"name": format!("Gebiet {i}"), "je_1000_kinder": i as f64, "district_name": "Altona"})))
            .collect(),
        warnings: vec![],
    };
    let wheel = [
        "yes", "no", "limited", "yes", "yes", "yes", "yes", "yes", "no",
    ];
    let toilets = Dataset {
        features: wheel
            .iter()
            .enumerate()
            .map(|(i, w)| point(i, json!({"name": format!("WC {i}"), "wheelchair": w})))
            .collect(),
        warnings: vec![],
    };
    scene.set_layer_data(0, &areas);
    scene.set_layer_data(1, &toilets);
    scene.set_layer_data(
        2,
        &Dataset {
            features: vec![point(0, json!({}))],
            warnings: vec![],
        },
    );
    scene
}

#[test]
fn legends_tables_and_tooltips_use_the_authors_names_for_fields_and_values() {
    let scene = scene();
    let legend = scene.legend(0);
    let areas = legend.iter().find(|e| e.layer == "district_areas").unwrap();
    // No title: the id with spaces; the field by the author's name.
    assert_eq!(areas.title, "district areas");
    assert_eq!(areas.property.as_deref(), Some("Plätze je 1.000 Kinder"));
    let toilets = legend.iter().find(|e| e.layer == "toilets").unwrap();
    let values: Vec<String> = toilets
        .items
        .iter()
        .filter_map(|i| match &i.label {
            LegendLabel::Category(v) => Some(v.clone()),
            _ => None,
        })
        .collect::<Vec<_>>();
    let mut values = values;
    values.sort();
    assert_eq!(
        values,
        ["eingeschränkt", "ja", "no"],
        "values without a name stay"
    );
    assert_eq!(toilets.property.as_deref(), Some("wheelchair"));

    let tables = scene.data_tables(0, None, &[]);
    let areas = tables.iter().find(|t| t.layer == "district_areas").unwrap();
    assert_eq!(
        areas.columns,
        ["name", "Plätze je 1.000 Kinder", "district name"]
    );
    let toilets = tables.iter().find(|t| t.layer == "toilets").unwrap();
    assert_eq!(toilets.columns, ["name", "wheelchair"]);
    assert_eq!(toilets.rows[2], ["WC 2", "eingeschränkt"]);

    assert_eq!(
        scene.tooltip_text(1, 0).as_deref(),
        Some("WC 0: rollstuhlgerecht ja")
    );
}

#[test]
fn highlights_and_filters_are_described_in_words_never_as_the_condition() {
    let scene = scene();
    let two = &scene.legend(1)[0];
    assert_eq!(
        two.note("de").as_deref(),
        Some("Hervorgehoben: WC 0, WC 3, WC 4, WC 5, WC 6 und 1 weitere (6 von 9)")
    );
    let three = scene.legend(2);
    let toilets = three.iter().find(|e| e.layer == "toilets").unwrap();
    assert_eq!(
        toilets.note("en").as_deref(),
        Some("Highlighted: WC 0, WC 2, WC 3, WC 4, WC 5 and 2 more (7 of 9)")
    );
    // Features that share a name are named once, and counted.
    let mut same = scene.clone();
    for p in &mut same.layers[1].styling.properties {
        p.insert("name".into(), json!("WC am Markt"));
    }
    assert_eq!(
        same.legend(1)[0].note("de").as_deref(),
        Some("Hervorgehoben: WC am Markt (6 von 9)")
    );
    let four = &scene.legend(3)[0];
    assert_eq!(four.note("de").as_deref(), Some("Gezeigt: 2 von 9"));
    for e in [two, toilets, four] {
        let note = e.note("de").unwrap();
        assert!(!note.contains("=="), "{note}");
        assert!(!note.contains("wheelchair"), "{note}");
    }
}

#[test]
fn the_map_credits_the_layers_a_step_shows_and_the_sources_list_every_layer() {
    let scene = scene();
    let osm = Credit {
        text: "© OpenStreetMap-Mitwirkende (ODbL)".into(),
        url: Some("https://www.openstreetmap.org/copyright".into()),
    };
    let fhh = Credit {
        text: "© FHH, LGV (dl-de/by-2-0)".into(),
        url: None,
    };
    assert_eq!(scene.step_credits(0), [osm.clone(), fhh]);
    assert_eq!(scene.step_credits(1), std::slice::from_ref(&osm));
    // Two layers with the same credit: named once.
    assert_eq!(scene.step_credits(2), std::slice::from_ref(&osm));
    // A layer that could not be loaded shows nothing and is not credited
    // on the map.
    let mut failed = scene.clone();
    let fhh_layer = failed.story.steps[0].show[0].layer.clone();
    let i = failed.layer_index(&fhh_layer).unwrap();
    failed.set_layer_failed(i);
    assert_eq!(failed.step_credits(0), [osm]);
    assert_eq!(
        scene.layer_sources(),
        [
            Credit {
                text: "district areas: © FHH, LGV (dl-de/by-2-0)".into(),
                url: None
            },
            Credit {
                text: "Toiletten, Läden: © OpenStreetMap-Mitwirkende (ODbL)".into(),
                url: Some("https://www.openstreetmap.org/copyright".into())
            },
        ]
    );
}
