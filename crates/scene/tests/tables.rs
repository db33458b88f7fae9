//! Data tables that replace the map: every row a page at a time, sorted by
//! any column, the rows in the map's view first or alone, highlighted rows
//! marked in words.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use serde_json::json;
use twinstory_data::{Dataset, Feature};
use twinstory_map::projection::lonlat_to_world;
use twinstory_scene::{DataTable, Scene, TableQuery, TABLE_PAGE_ROWS};

/// 120 places along a line of longitudes 10.00 … 10.119 (one per 0.001°),
/// `n` = 0 … 119, `size` = 119 … 0, every third without a `size`; the step
/// highlights `n < 3`.
fn scene(lang: &str) -> Scene {
    let story = serde_json::from_value(json!({
        "format": 1, "title": "T", "lang": lang,
        "layers": [{"id": "p", "title": "Orte", "source": {"type": "geojson", "url": "p.geojson"},
                    "fields": {"size": "Größe"}}],
        "steps": [{"id": "a", "title": "A", "html": "",
                   "show": [{"layer": "p", "opacity": 1.0, "highlight": "n < 3"}]}]
    }))
    .unwrap();
    let mut scene = Scene::new(story);
    let mut d = Dataset::default();
    for n in 0..120 {
        let mut props = json!({"name": format!("Ort {n:03}"), "n": n});
        if n % 3 != 1 {
            props["size"] = json!(119 - n);
        }
        d.features.push(Feature {
            id: None,
            geometry: Some(geo::Geometry::Point(geo::Point::new(
                10.0 + f64::from(n) * 0.001,
                53.5,
            ))),
            properties: props.as_object().unwrap().clone(),
            solid: None,
        });
    }
    scene.set_layer_data(0, &d);
    scene
}

fn table(scene: &Scene, view: Option<[f64; 4]>, q: TableQuery) -> DataTable {
    scene.data_tables(0, view, &[q]).remove(0)
}

/// The world box from longitude `a` to `b` around latitude 53.5.
fn view(a: f64, b: f64) -> [f64; 4] {
    let [x0, y0] = lonlat_to_world([a, 53.6]);
    let [x1, y1] = lonlat_to_world([b, 53.4]);
    [x0, y0, x1, y1]
}

#[test]
fn every_row_is_there_a_page_at_a_time() {
    let s = scene("de");
    let first = table(&s, None, TableQuery::default());
    assert_eq!(first.columns, ["Hervorgehoben", "name", "n", "Größe"]);
    assert_eq!((first.total, first.count, first.pages), (120, 120, 3));
    assert_eq!(first.rows.len(), TABLE_PAGE_ROWS);
    assert_eq!(first.rows[0], ["hervorgehoben", "Ort 000", "0", "119"]);
    assert_eq!(first.rows[3][0], "", "only highlighted rows say so");
    assert_eq!(first.rows[1][3], "–", "a missing value reads as a dash");
    let last = table(
        &s,
        None,
        TableQuery {
            page: 2,
            ..TableQuery::default()
        },
    );
    assert_eq!((last.page, last.first, last.rows.len()), (2, 100, 20));
    assert_eq!(last.rows[19][1], "Ort 119", "the last row is there");
    let beyond = table(
        &s,
        None,
        TableQuery {
            page: 99,
            ..TableQuery::default()
        },
    );
    assert_eq!(beyond.page, 2, "a page past the end is the last");
}

#[test]
fn any_column_sorts_both_ways_with_empty_cells_last() {
    let s = scene("en");
    let by_size = table(
        &s,
        None,
        TableQuery {
            sort: Some((3, false)),
            ..TableQuery::default()
        },
    );
    assert_eq!(by_size.columns[3], "Größe");
    assert_eq!(by_size.rows[0][3], "0", "numbers by value, smallest first");
    assert_eq!(by_size.rows[1][3], "2", "1 has no size");
    let mut down = table(
        &s,
        None,
        TableQuery {
            sort: Some((3, true)),
            page: 0,
            ..TableQuery::default()
        },
    );
    assert_eq!(down.rows[0][3], "119");
    down = table(
        &s,
        None,
        TableQuery {
            sort: Some((3, true)),
            page: 2,
            ..TableQuery::default()
        },
    );
    assert_eq!(
        down.rows.last().unwrap()[3],
        "–",
        "empty cells last, descending too"
    );
    let by_name = table(
        &s,
        None,
        TableQuery {
            sort: Some((1, true)),
            ..TableQuery::default()
        },
    );
    assert_eq!(by_name.rows[0][1], "Ort 119");
    let marked = table(
        &s,
        None,
        TableQuery {
            sort: Some((0, false)),
            page: 0,
            ..TableQuery::default()
        },
    );
    assert_eq!(marked.rows[0][0], "highlighted");
    let unknown = table(
        &s,
        None,
        TableQuery {
            sort: Some((9, false)),
            ..TableQuery::default()
        },
    );
    assert_eq!(
        unknown.sort, None,
        "a column that is not there does not sort"
    );
}

#[test]
fn rows_in_view_come_first_or_alone() {
    let s = scene("de");
    // 10.0595 … 10.0705: places 60 … 70.
    let v = Some(view(10.0595, 10.0705));
    let first = table(&s, v, TableQuery::default());
    assert_eq!(first.in_view, Some(11));
    assert_eq!(first.count, 120, "all rows, those in view first");
    assert_eq!(first.rows[0][1], "Ort 060");
    assert_eq!(first.rows[10][1], "Ort 070");
    assert_eq!(
        first.rows[11][1], "Ort 000",
        "then the rest in the data's order"
    );
    let only = table(
        &s,
        v,
        TableQuery {
            only_in_view: true,
            ..TableQuery::default()
        },
    );
    assert_eq!((only.count, only.pages, only.total), (11, 1, 120));
    assert!(
        only.rows.iter().all(|r| r[0].is_empty()),
        "no highlighted place in view"
    );
    let sorted = table(
        &s,
        v,
        TableQuery {
            only_in_view: true,
            sort: Some((2, true)),
            page: 0,
        },
    );
    assert_eq!(sorted.rows[0][2], "70");
    let none = table(
        &s,
        None,
        TableQuery {
            only_in_view: true,
            ..TableQuery::default()
        },
    );
    assert_eq!(
        (none.in_view, none.count),
        (None, 120),
        "without a view, every row"
    );
}

/// A layer's table for `fields` and `tooltip`, its source `source`, with
/// features that carry more properties than the story names (as a service
/// sends them).
fn live_table(source: serde_json::Value, fields: serde_json::Value) -> DataTable {
    let story = serde_json::from_value(json!({
        "format": 1, "title": "T", "lang": "de",
        "layers": [{"id": "pr", "title": "P+R", "source": source, "fields": fields,
                    "style": {"circles": {"property": "gesamt"}},
                    "tooltip": "{name}: {frei} frei"}],
        "steps": [{"id": "a", "title": "A", "html": "", "show": [{"layer": "pr", "opacity": 1.0}]}]
    }))
    .unwrap();
    let mut scene = Scene::new(story);
    let mut d = Dataset::default();
    let props = json!({"name": "Volksdorf", "gesamt": 240, "frei": 12, "adresse": "Eulenkrugstraße",
                       "gid": 7, "oid": "a1", "geom_hash": "ff00"});
    d.features.push(Feature {
        id: None,
        geometry: Some(geo::Geometry::Point(geo::Point::new(10.16, 53.65))),
        properties: props.as_object().unwrap().clone(),
        solid: None,
    });
    scene.set_layer_data(0, &d);
    scene.data_tables(0, None, &[]).remove(0)
}

#[test]
fn a_live_layer_lists_the_fields_the_story_names_as_a_built_layer_does() {
    let ogc = json!({"type": "ogc-api-features", "url": "https://api.example/collections/pr"});
    let file = json!({"type": "geojson", "url": "pr.geojson"});
    let fields = json!({"name": "Anlage", "gesamt": "Stellplätze", "frei": "Frei gemeldet", "adresse": "Adresse"});
    // The service's own keys (`gid`, `oid`, `geom_hash`) are not columns:
    // the named fields are, under their names (and whatever the style or
    // tooltip uses, which the build keeps too).
    let live = live_table(ogc.clone(), fields.clone());
    assert_eq!(
        live.columns,
        ["Anlage", "Stellplätze", "Adresse", "Frei gemeldet"]
    );
    assert_eq!(live.rows[0], ["Volksdorf", "240", "Eulenkrugstraße", "12"]);
    // The same data from a file gives the same table (a built layer's data
    // has nothing else left; an unbuilt one is read as it is).
    assert_eq!(live_table(file, fields).columns, live.columns);
    // Without `fields`: what the style and the tooltip use, as the build keeps it.
    let bare = live_table(ogc, json!({}));
    assert_eq!(bare.columns, ["name", "gesamt", "frei"]);
}

/// Dates in a table read as in tooltips, in the story's language (docs/
/// story-format.md: "3. Dezember 2026"), and sort in time order, not by
/// their words.
#[test]
fn dates_read_in_the_storys_language_and_sort_in_time_order() {
    let story = |lang: &str| {
        serde_json::from_value(json!({
            "format": 1, "title": "T", "lang": lang,
            "layers": [{"id": "p", "title": "Bäume", "source": {"type": "geojson", "url": "p.geojson"},
                        "fields": {"gepflanzt": "Gepflanzt"}}],
            "steps": [{"id": "a", "title": "A", "html": "",
                       "show": [{"layer": "p", "opacity": 1.0}]}]
        }))
        .unwrap()
    };
    let mut d = Dataset::default();
    for (i, day) in ["2026-12-03", "2019-04-30", "2021-01-15"]
        .iter()
        .enumerate()
    {
        d.features.push(Feature {
            id: None,
            geometry: Some(geo::Geometry::Point(geo::Point::new(
                10.0 + i as f64 * 0.01,
                53.5,
            ))),
            properties: json!({"name": format!("Baum {i}"), "gepflanzt": day})
                .as_object()
                .unwrap()
                .clone(),
            solid: None,
        });
    }
    let mut de = Scene::new(story("de"));
    de.set_layer_data(0, &d);
    let t = table(&de, None, TableQuery::default());
    let col = t.columns.iter().position(|c| c == "Gepflanzt").unwrap();
    assert_eq!(t.rows[0][col], "3. Dezember 2026");
    let sorted = table(
        &de,
        None,
        TableQuery {
            sort: Some((col, false)),
            ..TableQuery::default()
        },
    );
    let days: Vec<&str> = sorted.rows.iter().map(|r| r[col].as_str()).collect();
    assert_eq!(
        days,
        ["30. April 2019", "15. Januar 2021", "3. Dezember 2026"]
    );
    let mut en = Scene::new(story("en"));
    en.set_layer_data(0, &d);
    let t = table(&en, None, TableQuery::default());
    assert_eq!(t.rows[0][col], "3 December 2026");
}
