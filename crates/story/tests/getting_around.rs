//! The example stories `stories/unterwegs-ohne-auto` (German) and
//! `stories/getting-around-without-a-car` (English): both parse and check
//! with zero diagnostics, tell the same story (steps, layers, figures in the
//! same order), and every figure shows what a count done here from the
//! source files gives. The data is read without the data crate — plain text
//! and `serde_json` — so a figure is checked against a count that does not
//! share the code that computed it.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a source file that cannot be read stops the test"
)]

use common::{check_figures, median, parsed, same_story, story_dir, Want};
use std::collections::HashMap;
use twinstory_model::Source;

mod common;

const STORIES: [(&str, &str); 2] = [
    ("unterwegs-ohne-auto", "de"),
    ("getting-around-without-a-car", "en"),
];

/// The DB Rad+ weeks the stories show: the busiest, and the week after Christmas.
const BUSIEST: &str = "2025-09-12";
const CHRISTMAS: &str = "2025-12-26";
/// The week with hardly any segments, which the line chart leaves out.
const GAP: &str = "2025-09-05";

/// One Stadtteil of the statistics with its quarters' counts added up.
struct Stadtteil {
    name: String,
    residents: f64,
    density: f64,
    cars_per_1000: f64,
    bus_stops: f64,
}

/// The stories' data files, read here.
struct Sources {
    stadtteile: Vec<Stadtteil>,
    /// The quarters (`quarters.geojson`).
    quarters: usize,
    /// Quarters without a row in `bicycle-rentals-per-quarter.csv`, or with 0.
    quarters_without_rental: usize,
    bus_stops: usize,
    ubahn: usize,
    sbahn: usize,
    rentals: usize,
    /// DB Rad+ segments: (`von`, `anzahl`).
    segments: Vec<(String, f64)>,
    /// DB Rad+ weeks: (`von`, `anzahl`, `abschnitte`).
    weeks: Vec<(String, f64, f64)>,
}

fn sources(slug: &str) -> Sources {
    let data = story_dir(slug).join("data");
    let lines = |name: &str| -> Vec<String> {
        // The statistics are Latin-1: every byte is its own character.
        let bytes = std::fs::read(data.join(name)).unwrap();
        let text: String = bytes.iter().map(|&b| b as char).collect();
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    };
    let rows = |name: &str| lines(name).len() - 1;
    let per_quarter = |name: &str| -> HashMap<String, f64> {
        lines(name)
            .iter()
            .skip(1)
            .map(|l| {
                let (id, n) = l.split_once(',').unwrap();
                (id.to_owned(), n.trim().parse().unwrap())
            })
            .collect()
    };
    let bus = per_quarter("bus-stops-per-quarter.csv");
    let rent = per_quarter("bicycle-rentals-per-quarter.csv");
    let geojson = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(data.join(name)).unwrap()).unwrap()
    };
    let quarters: Vec<(String, String)> = geojson("quarters.geojson")["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["id"].as_str().unwrap().to_owned(),
                p["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let profile = lines("stadtteilprofile-2018.csv");
    let header: Vec<&str> = profile[0].split(';').collect();
    let column = |name: &str| header.iter().position(|c| *c == name).unwrap();
    let (bev, dichte, pkw) = (
        column("B_Bev"),
        column("F_BevDichte"),
        column("P_PKWDichte"),
    );
    let stadtteile = profile
        .iter()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(';').collect();
            let name = cells[0].to_owned();
            // "Waltershof und Finkenwerder" covers both quarters.
            let names: Vec<&str> = name.split(" und ").collect();
            let ids: Vec<&String> = quarters
                .iter()
                .filter(|q| q.1 == name || names.contains(&q.1.as_str()))
                .map(|q| &q.0)
                .collect();
            assert!(!ids.is_empty(), "{name} has no quarter");
            let sum = |counts: &HashMap<String, f64>| {
                ids.iter()
                    .map(|id| counts.get(*id).copied().unwrap_or(0.0))
                    .sum()
            };
            Stadtteil {
                residents: cells[bev].parse().unwrap(),
                density: cells[dichte].parse().unwrap(),
                cars_per_1000: cells[pkw].parse().unwrap(),
                bus_stops: sum(&bus),
                name,
            }
        })
        .collect();
    let quarters_without_rental = quarters
        .iter()
        .filter(|q| rent.get(&q.0).copied().unwrap_or(0.0) == 0.0)
        .count();
    let segments = geojson("dbrad-segments.geojson")["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["von"].as_str().unwrap().to_owned(),
                p["anzahl"].as_f64().unwrap(),
            )
        })
        .collect();
    let weeks = geojson("dbrad-weeks.geojson")["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["von"].as_str().unwrap().to_owned(),
                p["anzahl"].as_f64().unwrap(),
                p["abschnitte"].as_f64().unwrap(),
            )
        })
        .collect();
    Sources {
        stadtteile,
        quarters: quarters.len(),
        quarters_without_rental,
        bus_stops: rows("bus-stops.csv"),
        ubahn: rows("ubahn-stops.csv"),
        sbahn: rows("sbahn-stops.csv"),
        rentals: rows("bicycle-rentals.csv"),
        segments,
        weeks,
    }
}

/// What a figure of the stories must show, counted from the source files.
fn want(src: &Sources, figure: &str) -> Want {
    let st = &src.stadtteile;
    let rate = |s: &Stadtteil| s.bus_stops / s.residents * 1000.0;
    let by = |key: &dyn Fn(&Stadtteil) -> f64, max: bool| -> &Stadtteil {
        let cmp = |a: &&Stadtteil, b: &&Stadtteil| key(a).total_cmp(&key(b));
        if max {
            st.iter().max_by(cmp).unwrap()
        } else {
            st.iter().min_by(cmp).unwrap()
        }
    };
    let named = |name: &str| st.iter().find(|s| s.name == name).unwrap();
    let n = |v: f64| Want::Number(v);
    let cars = |s: &Stadtteil| s.cars_per_1000;
    let density = |s: &Stadtteil| s.density;
    match figure {
        "{= median autos.P_PKWDichte}" => n(median(st.iter().map(cars).collect())),
        "{= autos.name with min P_PKWDichte}" => Want::Text(by(&cars, false).name.clone()),
        "{= min autos.P_PKWDichte}" => n(by(&cars, false).cars_per_1000),
        "{= autos.name with max P_PKWDichte}" => Want::Text(by(&cars, true).name.clone()),
        "{= max autos.P_PKWDichte}" => n(by(&cars, true).cars_per_1000),
        "{= count ubahn}" => n(src.ubahn as f64),
        "{= count sbahn}" => n(src.sbahn as f64),
        "{= count bus}" => n(src.bus_stops as f64),
        "{= sum haltestellen.B_Bev}" => n(st.iter().map(|s| s.residents).sum()),
        "{= median haltestellen.je_1000}" => n(median(st.iter().map(rate).collect())),
        "{= haltestellen.name with max je_1000}" => Want::Text(by(&rate, true).name.clone()),
        "{= max haltestellen.je_1000}" => n(rate(by(&rate, true))),
        "{= haltestellen.name with min je_1000}" => Want::Text(by(&rate, false).name.clone()),
        "{= min haltestellen.je_1000}" => n(rate(by(&rate, false))),
        // Residents per stop: the same Stadtteil as the fewest stops per
        // resident (Stadtteile without a stop have no value).
        "{= max haltestellen.je_haltestelle, 0 decimals}" => {
            let per_stop = |s: &Stadtteil| {
                if s.bus_stops > 0.0 {
                    s.residents / s.bus_stops
                } else {
                    f64::NEG_INFINITY
                }
            };
            let most = by(&per_stop, true);
            assert_eq!(most.name, by(&rate, false).name);
            n(per_stop(most).round())
        }
        "{= haltestellen.F_BevDichte of \"Moorburg und Altenwerder\"}" => {
            n(named("Moorburg und Altenwerder").density)
        }
        "{= haltestellen.F_BevDichte of \"Hoheluft-Ost\"}" => n(named("Hoheluft-Ost").density),
        "{= median haltestellen.F_BevDichte}" => n(median(st.iter().map(density).collect())),
        "{= count haltestellen where B_Bev > 0}" => n(st.len() as f64),
        "{= count stationen}" => n(src.rentals as f64),
        "{= count quarters}" => n(src.quarters as f64),
        "{= count quarters where points_of_interest == 0}" => n(src.quarters_without_rental as f64),
        "{= share quarters where points_of_interest == 0, 0 decimals}" => {
            n((src.quarters_without_rental as f64 / src.quarters as f64 * 100.0).round())
        }
        "{= count wochen}" => n(src.weeks.len() as f64),
        "{= mean wochen.anzahl where abschnitte >= 50, 0 decimals}" => {
            let kept: Vec<f64> = src
                .weeks
                .iter()
                .filter(|w| w.2 >= 50.0)
                .map(|w| w.1)
                .collect();
            n((kept.iter().sum::<f64>() / kept.len() as f64).round())
        }
        f if f.starts_with("{= sum wochen.") => {
            let w = src.weeks.iter().find(|w| f.contains(&w.0)).unwrap();
            n(if f.contains(".abschnitte") { w.2 } else { w.1 })
        }
        f => {
            let von = [BUSIEST, CHRISTMAS]
                .into_iter()
                .find(|v| f.contains(&format!("where von == \"{v}\"")))
                .unwrap_or_else(|| panic!("the test does not count `{f}` yet: add it here"));
            let values: Vec<f64> = src
                .segments
                .iter()
                .filter(|s| s.0 == von)
                .map(|s| s.1)
                .collect();
            if f.starts_with("{= count radverkehr") {
                n(values.len() as f64)
            } else if f.starts_with("{= sum radverkehr.anzahl") {
                n(values.iter().sum())
            } else if f.starts_with("{= max radverkehr.anzahl") {
                n(values.iter().copied().fold(f64::MIN, f64::max))
            } else if f.starts_with("{= median radverkehr.anzahl") {
                n(median(values))
            } else {
                panic!("the test does not count `{f}` yet: add it here")
            }
        }
    }
}

#[test]
fn every_figure_of_both_stories_equals_a_count_from_the_source_files() {
    for (slug, lang) in STORIES {
        let src = sources(slug);
        assert_eq!(src.stadtteile.len(), 99, "{slug}");
        check_figures(slug, lang, 30, |text| want(&src, text));
    }
}

/// The German and the English story are the same story: the same steps
/// (with their layouts, views and layers), layers, charts and figures, in
/// the same order.
#[test]
fn the_two_language_versions_tell_the_same_story() {
    let [de, _] = same_story(STORIES[0].0, STORIES[1].0);
    assert_eq!(de.charts().len(), 3, "histogram, bars and a line");
}

/// The weeks the text names are what it says they are: the busiest week of
/// the DB Rad+ data, and each week's total in `dbrad-weeks.geojson` is the
/// sum of its segments in `dbrad-segments.geojson`.
#[test]
fn the_weeks_the_stories_name_are_the_busiest_and_the_gap() {
    for (slug, _) in STORIES {
        let src = sources(slug);
        let busiest = src.weeks.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        assert_eq!(busiest.0, BUSIEST, "{slug}");
        let sparsest = src.weeks.iter().min_by(|a, b| a.2.total_cmp(&b.2)).unwrap();
        assert_eq!(sparsest.0, GAP, "{slug}");
        // The line leaves out only that week.
        assert_eq!(src.weeks.iter().filter(|w| w.2 < 50.0).count(), 1);
        for von in [BUSIEST, CHRISTMAS] {
            let week = src.weeks.iter().find(|w| w.0 == von).unwrap();
            let segments: Vec<f64> = src
                .segments
                .iter()
                .filter(|s| s.0 == von)
                .map(|s| s.1)
                .collect();
            assert_eq!(week.1, segments.iter().sum::<f64>(), "{slug} {von}");
            assert_eq!(week.2, segments.len() as f64, "{slug} {von}");
        }
        // The windows the text writes out, as the data has them.
        let windows: Vec<(String, String)> = serde_json::from_slice::<serde_json::Value>(
            &std::fs::read(story_dir(slug).join("data/dbrad-weeks.geojson")).unwrap(),
        )
        .unwrap()["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    p["von"].as_str().unwrap().to_owned(),
                    p["bis"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        for (von, bis) in [
            (BUSIEST, "2025-09-18"),
            (CHRISTMAS, "2026-01-01"),
            (GAP, "2025-09-11"),
        ] {
            assert!(windows.contains(&(von.into(), bis.into())), "{von}–{bis}");
        }
        let (first, last) = (&windows[0].0, &windows[windows.len() - 1].1);
        assert_eq!(
            (first.as_str(), last.as_str()),
            ("2023-01-22", "2026-02-24")
        );
        assert_eq!(
            src.segments
                .iter()
                .filter(|s| s.0 != BUSIEST && s.0 != CHRISTMAS)
                .count(),
            0,
            "{slug}: the segments file keeps the two weeks shown"
        );
    }
}

/// The two layers read while the story plays ask for what the text says:
/// the StadtRad stations by their name (not every Thing of iot.hamburg.de)
/// with only the bikes standing at them, and the latest DB Rad+ week in a box around the segments the shipped
/// weeks show; each is shown by its one step, which names no figure of it.
#[test]
fn the_live_layers_ask_for_stadtrad_stations_and_the_latest_week() {
    for (slug, lang) in STORIES {
        let story = parsed(slug).story.unwrap();
        let layer = |id: &str| &story.layers.iter().find(|l| l.id == id).unwrap().source;
        assert_eq!(
            layer("stadtrad"),
            &Source::Sensorthings {
                url: "https://iot.hamburg.de/v1.1".into(),
                things: Some("startswith(name,'StadtRad-Station')".into()),
                datastreams: Some("properties/layerName eq 'Fahrraeder'".into()),
                refresh: Some(300),
                max_features: 1000,
            },
            "{slug}"
        );
        let Source::Wfs {
            url,
            type_name,
            format,
            bbox: Some([w, s, e, n]),
            ..
        } = layer("radverkehr_live")
        else {
            panic!("{slug}: radverkehr_live is a WFS layer with a bbox");
        };
        assert_eq!(url, "https://geodienste.hamburg.de/HH_WFS_DB_Rad_Plus");
        assert_eq!(type_name, "de.hh.up:letzte_woche");
        assert_eq!(format, "application/geo+json");
        // The box is the area of the shipped weeks (their rectangle) …
        let weeks: serde_json::Value = serde_json::from_slice(
            &std::fs::read(story_dir(slug).join("data/dbrad-weeks.geojson")).unwrap(),
        )
        .unwrap();
        let ring = weeks["features"][0]["geometry"]["coordinates"][0]
            .as_array()
            .unwrap();
        let corner = |i: usize, k: usize| ring[i][k].as_f64().unwrap();
        assert_eq!(
            [*w, *s, *e, *n],
            [corner(0, 0), corner(0, 1), corner(2, 0), corner(2, 1)],
            "{slug}"
        );
        // … and holds every shipped segment.
        let segments: serde_json::Value = serde_json::from_slice(
            &std::fs::read(story_dir(slug).join("data/dbrad-segments.geojson")).unwrap(),
        )
        .unwrap();
        for f in segments["features"].as_array().unwrap() {
            for p in f["geometry"]["coordinates"].as_array().unwrap() {
                let (x, y) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
                assert!(
                    (*w..=*e).contains(&x) && (*s..=*n).contains(&y),
                    "{slug}: ({x}, {y}) outside the live box"
                );
            }
        }
        let last_week = if lang == "de" {
            "letzte-woche"
        } else {
            "last-week"
        };
        for (live, step) in [("stadtrad", "stadtrad"), ("radverkehr_live", last_week)] {
            let showing: Vec<&str> = story
                .steps
                .iter()
                .filter(|s| s.show.iter().any(|l| l.layer == live))
                .map(|s| s.id.as_str())
                .collect();
            assert_eq!(showing, [step], "{slug}: {live}");
            let html = &story.steps.iter().find(|s| s.id == step).unwrap().html;
            assert!(
                html.contains("live"),
                "{slug}#{step} says the layer is read live"
            );
        }
    }
}

/// The winter audio's transcript says, tone by tone, the week and the trips
/// the tone stands for, as the data has them (the script that made the
/// audio writes it from the same weeks; this catches one edited by hand).
#[test]
fn the_winter_transcript_tells_each_tone_from_the_data() {
    for (slug, lang) in STORIES {
        let text = std::fs::read_to_string(story_dir(slug).join("media/winter-weeks.txt")).unwrap();
        let src = sources(slug);
        let winter: Vec<&(String, f64, f64)> = src
            .weeks
            .iter()
            .filter(|w| ("2023-01-22".."2023-03-13").contains(&w.0.as_str()))
            .collect();
        assert_eq!(winter.len(), 8, "{slug}");
        let (word, sep) = if lang == "de" {
            ("Ton", '.')
        } else {
            ("Tone", ',')
        };
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(&format!("{word} ")) && l.contains(':'))
            .collect();
        assert_eq!(lines.len(), 8, "{slug}: one line per tone\n{text}");
        for (i, (line, week)) in lines.iter().zip(&winter).enumerate() {
            let trips = week.1 as u64;
            let grouped = format!("{}{sep}{:03}", trips / 1000, trips % 1000);
            assert!(
                line.starts_with(&format!("{word} {}, ", i + 1)) && line.contains(&grouped),
                "{slug}: `{line}` should be tone {} with {grouped} trips",
                i + 1
            );
            let hz = week.1 * 0.11;
            let hz = format!("{hz:.1}");
            let hz = if lang == "de" {
                hz.replace('.', ",")
            } else {
                hz
            };
            assert!(line.contains(&hz), "{slug}: `{line}` should say {hz} Hz");
        }
    }
}
