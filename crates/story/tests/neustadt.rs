//! The example stories `stories/neustadt-3d` (German) and
//! `stories/neustadt-in-3d` (English): both parse and check with zero
//! diagnostics, tell the same story (steps, views, layers, figures and
//! media in the same order), and every figure shows what a count done here
//! from the source files gives. The CityJSON files and the trees are read
//! with `serde_json` alone — heights are the highest minus the lowest
//! vertex of a building's geometry at its level of detail — so a figure is
//! checked against a count that does not share the code that computed it.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a source file that cannot be read stops the test"
)]

use common::{check_figures, median, same_story, story_dir, Want};
use serde_json::Value;
use std::path::Path;

mod common;

const STORIES: [(&str, &str); 2] = [("neustadt-3d", "de"), ("neustadt-in-3d", "en")];

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The vertex indices of a geometry's boundaries, however deeply nested.
fn indices(v: &Value, out: &mut Vec<usize>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| indices(x, out)),
        Value::Number(n) => out.push(usize::try_from(n.as_u64().unwrap()).unwrap()),
        _ => {}
    }
}

/// A building: its ground (lowest z) and height (highest minus lowest z),
/// of its geometry at `lod` (or its highest), and its attributes.
struct Building {
    ground: f64,
    height: f64,
    footprint: f64,
}

fn buildings(file: &Path, lod: Option<&str>) -> Vec<Building> {
    let d = json(file);
    let scale = d["transform"]["scale"][2].as_f64().unwrap();
    let translate = d["transform"]["translate"][2].as_f64().unwrap();
    let z: Vec<f64> = d["vertices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[2].as_f64().unwrap() * scale + translate)
        .collect();
    let mut out = Vec::new();
    for o in d["CityObjects"].as_object().unwrap().values() {
        assert_eq!(o["type"], "Building");
        let geometries = o["geometry"].as_array().unwrap();
        let g = match lod {
            Some(l) => geometries.iter().find(|g| g["lod"] == l).unwrap(),
            None => geometries
                .iter()
                .max_by(|a, b| a["lod"].as_str().cmp(&b["lod"].as_str()))
                .unwrap(),
        };
        let mut idx = Vec::new();
        indices(&g["boundaries"], &mut idx);
        let lo = idx.iter().map(|&i| z[i]).fold(f64::MAX, f64::min);
        let hi = idx.iter().map(|&i| z[i]).fold(f64::MIN, f64::max);
        out.push(Building {
            ground: lo,
            height: hi - lo,
            footprint: o["attributes"]["Grundfläche 2D"].as_f64().unwrap(),
        });
    }
    out
}

struct Tree {
    height: f64,
    year: f64,
    planted: String,
    genus: String,
}

fn trees(file: &Path) -> Vec<Tree> {
    json(file)["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            Tree {
                height: p["height"].as_f64().unwrap(),
                year: p["year"].as_f64().unwrap(),
                planted: p["planted"].as_str().unwrap().to_string(),
                genus: p["genus"].as_str().unwrap_or("").to_string(),
            }
        })
        .collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn max(v: impl Iterator<Item = f64>) -> f64 {
    v.fold(f64::MIN, f64::max)
}

fn min(v: impl Iterator<Item = f64>) -> f64 {
    v.fold(f64::MAX, f64::min)
}

/// What a figure of the stories must show, counted from the source files.
fn want(dir: &Path, figure: &str) -> Want {
    let data = dir.join("data");
    let b = buildings(&data.join("neustadt-lod3-buildings.city.json"), None);
    let one = buildings(&data.join("grossneumarkt-1-building.city.json"), Some("1"));
    let t = trees(&data.join("street-trees.geojson"));
    let heights: Vec<f64> = b.iter().map(|b| b.height).collect();
    let tree_heights: Vec<f64> = t.iter().map(|t| t.height).collect();
    let n = Want::Number;
    match figure {
        "{= count gebaeude}" => n(b.len() as f64),
        "{= sum gebaeude.grundflaeche, 0 decimals}" => {
            n(b.iter().map(|b| b.footprint).sum::<f64>().round())
        }
        "{= max gebaeude.height, 1 decimal}" => n(max(heights.iter().copied())),
        "{= min gebaeude.height, 1 decimal}" => n(min(heights.iter().copied())),
        "{= mean gebaeude.height, 1 decimal}" => n(mean(&heights)),
        "{= median gebaeude.height, 1 decimal}" => n(median(heights.clone())),
        "{= min gebaeude.ground, 1 decimal}" => n(min(b.iter().map(|b| b.ground))),
        "{= max gebaeude.ground, 1 decimal}" => n(max(b.iter().map(|b| b.ground))),
        "{= count gebaeude where height > 24}" => {
            n(heights.iter().filter(|h| **h > 24.0).count() as f64)
        }
        "{= max grossneumarkt.height, 1 decimal}" => n(one[0].height),
        "{= count baeume}" => n(t.len() as f64),
        "{= max baeume.height, 1 decimal}" => n(max(tree_heights.iter().copied())),
        "{= mean baeume.height, 1 decimal}" => n(mean(&tree_heights)),
        "{= min baeume.height, 1 decimal}" => n(min(tree_heights.iter().copied())),
        f if f.starts_with("{= count baeume where genus == \"") => {
            let genus = &f["{= count baeume where genus == \"".len()..f.len() - "\"}".len()];
            n(t.iter().filter(|t| t.genus == genus).count() as f64)
        }
        "{= baeume.planted with min year}" => Want::Text(
            t.iter()
                .min_by(|a, b| a.year.total_cmp(&b.year))
                .unwrap()
                .planted
                .clone(),
        ),
        "{= baeume.planted with max year}" => Want::Text(
            t.iter()
                .max_by(|a, b| a.year.total_cmp(&b.year))
                .unwrap()
                .planted
                .clone(),
        ),
        "{= count baeume where year < 1960}" => {
            n(t.iter().filter(|t| t.year < 1960.0).count() as f64)
        }
        f => panic!("the test does not count `{f}` yet: add it here"),
    }
}

#[test]
fn every_figure_of_both_stories_equals_a_count_from_the_source_files() {
    for (slug, lang) in STORIES {
        let dir = story_dir(slug);
        check_figures(slug, lang, 24, |text| want(&dir, text));
    }
}

/// The German and the English story are the same story: the same steps
/// (views, layers, layouts), layers, figures, charts and media files.
#[test]
fn the_two_language_versions_tell_the_same_story() {
    let [de, en] = same_story(STORIES[0].0, STORIES[1].0);
    let (d, e) = (de.story.as_ref().unwrap(), en.story.as_ref().unwrap());
    for (a, b) in d.steps.iter().zip(&e.steps) {
        assert_eq!(a.id, b.id);
    }
    // The same video, poster and cover picture, byte for byte.
    for f in ["media/flug-neustadt.mp4", "media/flug-neustadt.jpg"] {
        let a = std::fs::read(story_dir(STORIES[0].0).join(f)).unwrap();
        let b = std::fs::read(story_dir(STORIES[1].0).join(f)).unwrap();
        assert!(a == b, "{f} differs between the versions");
    }
    let video = |slug: &str| {
        let md = std::fs::read_to_string(story_dir(slug).join("story.md")).unwrap();
        md.matches("```video").count()
    };
    assert_eq!(video(STORIES[0].0), 1);
    assert_eq!(video(STORIES[1].0), 1);
}

/// The four classes of `values` (sorted) with the least total squared
/// deviation from their class means, by trying every way to cut them: the
/// natural breaks, found without the player's Jenks code. Returns the
/// number of values in each class.
fn natural_break_sizes(values: &[f64]) -> Vec<usize> {
    let ssd = |c: &[f64]| {
        let m = mean(c);
        c.iter().map(|v| (v - m).powi(2)).sum::<f64>()
    };
    let n = values.len();
    let mut best = (f64::MAX, Vec::new());
    for a in 1..n {
        for b in a + 1..n {
            for c in b + 1..n {
                let cost =
                    ssd(&values[..a]) + ssd(&values[a..b]) + ssd(&values[b..c]) + ssd(&values[c..]);
                if cost < best.0 {
                    best = (cost, vec![a, b - a, c - b, n - c]);
                }
            }
        }
    }
    best.1
}

/// What the steps say about the classes and categories, checked on the
/// source files: the buildings' natural breaks leave the lowest building
/// alone in the lightest class (step `von-oben`), and the four genera with
/// their own colour are the four most common, each of the others ("Sonstige")
/// rarer than the fourth (step `gattungen`).
#[test]
fn the_classes_and_genera_the_text_describes_follow_the_data() {
    let data = story_dir(STORIES[0].0).join("data");
    let mut heights: Vec<f64> = buildings(&data.join("neustadt-lod3-buildings.city.json"), None)
        .iter()
        .map(|b| b.height)
        .collect();
    heights.sort_by(f64::total_cmp);
    assert_eq!(natural_break_sizes(&heights), [1, 4, 7, 12]);
    for (slug, _) in STORIES {
        let md = std::fs::read_to_string(story_dir(slug).join("story.md")).unwrap();
        assert!(md.contains("method: natural-breaks, classes: 4"), "{slug}");
    }
    let mut count: std::collections::BTreeMap<String, usize> = Default::default();
    for tree in trees(&data.join("street-trees.geojson")) {
        *count.entry(tree.genus).or_default() += 1;
    }
    let own = [
        "Tilia / Linde",
        "Acer / Ahorn",
        "Quercus / Eiche",
        "Robinia / Robinie, Scheinakazie",
    ];
    for pair in own.windows(2) {
        assert!(count[pair[0]] > count[pair[1]], "{pair:?}");
    }
    let fourth = count[own[3]];
    for (genus, n) in &count {
        if !own.contains(&genus.as_str()) {
            assert!(*n < fourth, "{genus}: {n} trees, not fewer than the fourth");
        }
    }
    // One tree without a genus: the legend's "keine Angabe".
    assert_eq!(count.get(""), Some(&1));
}
