//! Every value of the charts in `cases/charts.md` equals a count done here,
//! from the case's CSV files read as plain text (not by the data crate),
//! and is what the reader sees in the chart's table.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a failed setup stops the test with its message"
)]

use std::collections::BTreeMap;
use std::path::Path;
use twinstory_story::chart::{ChartData, ChartKind};
use twinstory_story::{check_assets, parse_story, render_diagnostics};

fn cases() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases"))
}

/// The rows of a CSV file as maps from the header's names; quotes as
/// RFC 4180 writes them (a comma inside quotes, `""` for a quote).
fn csv(name: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(cases().join("data").join(name)).unwrap();
    let split = |line: &str| -> Vec<String> {
        let mut cells = vec![String::new()];
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    chars.next();
                    cells.last_mut().unwrap().push('"');
                }
                '"' => quoted = !quoted,
                ',' if !quoted => cells.push(String::new()),
                c => cells.last_mut().unwrap().push(c),
            }
        }
        cells
    };
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split(lines.next().unwrap());
    lines
        .map(|l| header.iter().cloned().zip(split(l)).collect())
        .collect()
}

fn charts() -> (Vec<(String, Option<ChartData>)>, twinstory_model::Story) {
    let source = std::fs::read(cases().join("charts.md")).unwrap();
    let mut parsed = parse_story("charts.md", &source);
    check_assets(&mut parsed, cases());
    let text = String::from_utf8_lossy(&source);
    assert!(
        parsed.diagnostics.is_empty(),
        "{}",
        render_diagnostics(&text, &parsed.diagnostics, false)
    );
    (parsed.charts(), parsed.story.unwrap())
}

/// A number as the German table writes it (`1.250,5`), read back.
fn read_de(shown: &str) -> f64 {
    let n: String = shown
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',' || *c == '-')
        .collect();
    n.replace('.', "").replace(',', ".").parse().unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn every_chart_value_equals_a_count_from_the_source_files() {
    let (charts, story) = charts();
    assert_eq!(charts.len(), 4);
    let quarters = csv("quarters-figures.csv");
    let trees = csv("street-trees.csv");
    let num = |r: &BTreeMap<String, String>, k: &str| r[k].trim().parse::<f64>().ok();

    // The bar chart: the three quarters with the most children.
    let mut kids: Vec<(String, f64, usize)> = quarters
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((r["name"].clone(), num(r, "kids")?, i)))
        .collect();
    kids.sort_by(|a, b| b.1.total_cmp(&a.1));
    let bar = charts[0].1.as_ref().unwrap();
    assert_eq!(bar.kind, ChartKind::Bar);
    let got: Vec<(&str, f64, Option<u32>)> = bar
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.value, r.feature))
        .collect();
    let want: Vec<(&str, f64, Option<u32>)> = kids
        .iter()
        .take(3)
        .map(|(n, v, i)| (n.as_str(), *v, Some(*i as u32)))
        .collect();
    assert_eq!(got, want);

    // The histogram: the legend's three equal classes of `kids`.
    let values: Vec<f64> = kids.iter().map(|k| k.1).collect();
    let (lo, hi) = (
        values.iter().copied().fold(f64::INFINITY, f64::min),
        values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    );
    let step = (hi - lo) / 3.0;
    let mut counts = [0.0; 3];
    for v in &values {
        let k = (0..3).find(|k| *v <= lo + step * (*k + 1) as f64).unwrap();
        counts[k] += 1.0;
    }
    let hist = charts[1].1.as_ref().unwrap();
    assert_eq!(hist.kind, ChartKind::Histogram);
    let got: Vec<f64> = hist.rows.iter().map(|r| r.value).collect();
    assert_eq!(got, counts);
    assert_eq!(
        hist.description,
        "Die meisten Stadtteile haben wenige Kinder."
    );

    // The lines: trees planted per year (every year from the first to the
    // last, 0 where none), and their mean height where the genus is known.
    let mut per_year: BTreeMap<i64, (usize, f64, usize)> = BTreeMap::new();
    for r in &trees {
        let year: i64 = r["year"].parse().unwrap();
        let e = per_year.entry(year).or_default();
        e.0 += 1;
        if !r["genus"].is_empty() {
            e.1 += r["height"].parse::<f64>().unwrap();
            e.2 += 1;
        }
    }
    let (first, last) = (
        *per_year.keys().next().unwrap(),
        *per_year.keys().next_back().unwrap(),
    );
    let count = charts[2].1.as_ref().unwrap();
    let got: Vec<(String, f64)> = count
        .rows
        .iter()
        .map(|r| (r.label.clone(), r.value))
        .collect();
    let want: Vec<(String, f64)> = (first..=last)
        .map(|y| (y.to_string(), per_year.get(&y).map_or(0, |e| e.0) as f64))
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        got.iter().map(|r| r.1).sum::<f64>(),
        trees.len() as f64,
        "every tree is counted once"
    );
    let mean = charts[3].1.as_ref().unwrap();
    let want: Vec<(String, f64)> = per_year
        .iter()
        .filter(|(_, e)| e.2 > 0)
        .map(|(y, e)| (y.to_string(), e.1 / e.2 as f64))
        .collect();
    assert_eq!(mean.rows.len(), want.len());
    for (r, (y, v)) in mean.rows.iter().zip(&want) {
        assert_eq!(&r.label, y);
        assert!(close(r.value, *v), "{y}: {} vs {v}", r.value);
    }

    // What readers see: every value in its chart's table, in the step's
    // HTML, as the story's language writes it, in the drawing's order.
    for (step, chart) in &charts {
        let chart = chart.as_ref().unwrap();
        let html = &story.steps.iter().find(|s| &s.id == step).unwrap().html;
        let table = html
            .split("<figcaption>")
            .find(|f| f.starts_with(&chart.title.replace('&', "&amp;")))
            .unwrap();
        let cells: Vec<&str> = table
            .split("<td>")
            .skip(1)
            .map(|c| c.split("</td>").next().unwrap())
            .collect();
        assert_eq!(cells.len(), chart.rows.len() * 2, "{}", chart.title);
        for (pair, row) in cells.chunks(2).zip(&chart.rows) {
            assert_eq!(pair[0], row.label);
            // Whole numbers without decimals, others with one (as documented).
            let decimals = if chart.rows.iter().all(|r| r.value.fract() == 0.0) {
                0
            } else {
                1
            };
            let scale = 10f64.powi(decimals);
            assert!(
                close(read_de(pair[1]), (row.value * scale).round() / scale),
                "{}: {} shows {}",
                chart.title,
                row.value,
                pair[1]
            );
        }
    }
}

#[test]
fn bars_have_the_map_colour_of_their_feature_and_the_classes_the_legends() {
    let (charts, _) = charts();
    let bar = charts[0].1.as_ref().unwrap();
    let hist = charts[1].1.as_ref().unwrap();
    // Ottensen (2,500 children) is in the top class, Eimsbüttel (1,250.5)
    // in the lowest: their bars have those classes' colours.
    assert_eq!(bar.rows[0].color, hist.rows[2].color);
    assert_eq!(bar.rows[2].color, hist.rows[0].color);
    assert_ne!(hist.rows[0].color, hist.rows[2].color);
    // A line has the layer's `fill` when it has no `stroke`.
    let line = charts[2].1.as_ref().unwrap();
    assert_eq!(line.line_color.to_hex(), "#2f7d32");
}

/// A histogram's own description counts the classes and the features in
/// them; the "no data" bar beside them is neither a class nor a value.
#[test]
fn a_histogram_description_leaves_features_without_a_value_out() {
    let dir = std::env::temp_dir().join(format!("twinstory-histogram-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let square = |x: f64| {
        format!(
            "[[[{x},53.5],[{},53.5],[{},53.51],[{x},53.51],[{x},53.5]]]",
            x + 0.01,
            x + 0.01
        )
    };
    let features: Vec<String> = [Some(1), Some(2), Some(3), Some(4), Some(9), Some(10), None, None]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let v = v.map_or("null".to_owned(), |v| v.to_string());
            format!(
                r#"{{"type":"Feature","properties":{{"name":"Q{i}","v":{v}}},"geometry":{{"type":"Polygon","coordinates":{}}}}}"#,
                square(10.0 + i as f64 * 0.02)
            )
        })
        .collect();
    std::fs::write(
        dir.join("data/q.geojson"),
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        ),
    )
    .unwrap();
    let story = "---\ntitle: H\nlang: de\nlayers:\n  q:\n    source: { type: geojson, url: data/q.geojson }\n    style:\n      choropleth: { property: v, method: equal-interval, classes: 3, scheme: blues }\n---\n\n## Eins\n\n```step\nview: { fit: q }\nshow: [q]\n```\n\n```chart\ntype: histogram\nlayer: q\ntitle: Verteilung\n```\n";
    std::fs::write(dir.join("story.md"), story).unwrap();
    let mut parsed = parse_story("story.md", story.as_bytes());
    check_assets(&mut parsed, &dir);
    let charts = parsed.charts();
    let _ = std::fs::remove_dir_all(&dir);
    let chart = charts[0].1.as_ref().expect("the histogram is made");
    assert_eq!(
        chart.rows.len(),
        4,
        "three classes and no data: {:?}",
        chart.rows
    );
    assert_eq!(chart.rows[3].value, 2.0);
    assert!(
        chart.description.starts_with("6 Werte in 3 Stufen;"),
        "{}",
        chart.description
    );
}

/// The SVG of the only chart of a story written to a temporary folder
/// with `data/t.csv` and `story` as story.md, and the story's model.
fn built_chart(name: &str, csv: &str, story: &str) -> (String, twinstory_model::Story) {
    built_chart_allowing(name, csv, story, &[])
}

/// [`built_chart`], allowing the diagnostics of codes `allowed`.
fn built_chart_allowing(
    name: &str,
    csv: &str,
    story: &str,
    allowed: &[&str],
) -> (String, twinstory_model::Story) {
    let dir = std::env::temp_dir().join(format!("twinstory-{name}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/t.csv"), csv).unwrap();
    std::fs::write(dir.join("story.md"), story).unwrap();
    let mut parsed = parse_story("story.md", story.as_bytes());
    check_assets(&mut parsed, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    parsed
        .diagnostics
        .retain(|d| !allowed.contains(&d.code.as_str()));
    assert!(
        parsed.diagnostics.is_empty(),
        "{}",
        render_diagnostics(story, &parsed.diagnostics, false)
    );
    let model = parsed.story.unwrap();
    let html = model.steps[0].html.clone();
    let svg = html
        .split("<svg")
        .nth(1)
        .and_then(|s| s.split("</svg>").next())
        .expect("the step has a chart")
        .to_owned();
    (svg, model)
}

/// The values of attribute `name` in `svg`, in order.
fn attributes<'a>(svg: &'a str, element: &str, name: &str) -> Vec<&'a str> {
    svg.split(&format!("<{element} "))
        .skip(1)
        .filter_map(|e| {
            let e = e.split('>').next()?;
            e.split(&format!(" {name}=\""))
                .nth(1)
                .or_else(|| e.strip_prefix(&format!("{name}=\"")))
                .and_then(|v| v.split('"').next())
        })
        .collect()
}

fn rgb(hex: &str) -> twinstory_map::Rgba {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
    twinstory_map::Rgba::rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

/// WCAG 2.1 SC 1.4.11: the line and its points reach 3:1 against the card
/// they are drawn on, also for a layer with the default (pale) `fill`, and
/// keep the layer's colour when it reaches 3:1 itself.
#[test]
fn a_line_reaches_three_to_one_against_the_card() {
    use twinstory_scene::palette::contrast;
    let csv = "lat,lon,year\n53.5,10,2019\n53.5,10,2020\n53.5,10,2020\n53.51,10.01,2021\n";
    for (fill, card, kept) in [
        ("", "#ffffff", false), // the default fill, #9db8d2
        ("    style: { fill: \"#ffd966\" }\n", "#ffffff", false), // pale yellow
        ("    style: { fill: \"#2f7d32\" }\n", "#ffffff", true), // 5.1:1: kept
        ("    style: { fill: \"#1d3557\" }\n", "#202833", false), // dark on a dark card
    ] {
        let story = format!(
            "---\ntitle: L\nlang: de\ntheme: {{ card: \"{card}\", text: \"#{text}\", page: \"{card}\", accent: \"#{accent}\" }}\nlayers:\n  t:\n    source: {{ type: csv, url: data/t.csv }}\n{fill}---\n\n## Eins\n\n```step\nshow: [t]\nview: {{ center: [10, 53.5], zoom: 10 }}\n```\n\n```chart\ntype: line\nlayer: t\ntime: year\ntitle: Je Jahr\n```\n",
            text = if card == "#ffffff" { "1d2330" } else { "f0f0f0" },
            accent = if card == "#ffffff" { "005ca9" } else { "8ecbff" },
        );
        let (svg, model) = built_chart("line-colour", csv, &story);
        let layer_fill = model.layers[0].style.fill.unwrap().to_hex();
        let strokes = attributes(&svg, "polyline", "stroke");
        assert_eq!(strokes.len(), 1, "{svg}");
        let dots = attributes(&svg, "circle", "fill");
        assert_eq!(dots.len(), 3, "{svg}");
        for c in strokes.iter().chain(&dots) {
            let ratio = contrast(rgb(c), rgb(card));
            assert!(
                ratio >= 3.0,
                "fill {layer_fill} on {card}: the line is {c}, {ratio:.2}:1"
            );
            assert_eq!(*c == layer_fill, kept, "fill {layer_fill} on {card}: {c}");
        }
    }
}

/// A card with transparency is measured as readers see it: a faint white
/// card over a dark page is dark, so a dark line is lightened to 3:1
/// against it (against an opaque white card it would be kept).
#[test]
fn a_line_reaches_three_to_one_against_a_card_with_transparency() {
    use twinstory_scene::contrast::over;
    use twinstory_scene::palette::contrast;
    let csv = "lat,lon,year\n53.5,10,2019\n53.5,10,2020\n53.51,10.01,2021\n";
    let story = "---\ntitle: L\nlang: de\ntheme: { card: \"#ffffff1a\", page: \"#101820\", text: \"#f0f0f0\", accent: \"#8ecbff\" }\nlayers:\n  t:\n    source: { type: csv, url: data/t.csv }\n    style: { fill: \"#1d3557\" }\n---\n\n## Eins\n\n```step\nshow: [t]\nview: { center: [10, 53.5], zoom: 10 }\n```\n\n```chart\ntype: line\nlayer: t\ntime: year\ntitle: Je Jahr\n```\n";
    // (The old check measured the card as opaque white: W0019, allowed
    // here, as the line's colour is what this test is about.)
    let (svg, _) = built_chart_allowing("line-translucent-card", csv, story, &["W0019"]);
    let white = twinstory_map::Rgba::rgb(255, 255, 255);
    let card = over(
        twinstory_map::Rgba { a: 0x1a, ..white },
        1.0,
        rgb("#101820"),
    );
    let strokes = attributes(&svg, "polyline", "stroke");
    assert_eq!(strokes.len(), 1, "{svg}");
    let ratio = contrast(rgb(strokes[0]), card);
    assert!(
        ratio >= 3.0,
        "the line {} on the card as seen, {card:?}: {ratio:.2}:1",
        strokes[0]
    );
}

/// The time axis' labels never overlap: with many periods and long names
/// (months over four years) fewer are written, always the first and the
/// last. Boxes are estimated at 0.6 em per character.
#[test]
fn time_labels_do_not_overlap() {
    let mut csv = String::from("lat,lon,date\n");
    for y in 2019..=2022 {
        for m in 1..=12 {
            csv.push_str(&format!("53.5,10,{y}-{m:02}-15\n"));
        }
    }
    for (period, first, last) in [
        ("month", "Januar 2019", "Dezember 2022"),
        ("year", "2019", "2022"),
    ] {
        let story = format!(
            "---\ntitle: L\nlang: de\nlayers:\n  t:\n    source: {{ type: csv, url: data/t.csv }}\n---\n\n## Eins\n\n```step\nshow: [t]\nview: {{ center: [10, 53.5], zoom: 10 }}\n```\n\n```chart\ntype: line\nlayer: t\ntime: date\nperiod: {period}\ntitle: Je Monat\n```\n"
        );
        let (svg, _) = built_chart("time-labels", &csv, &story);
        // The time axis' labels are the texts that are not the value axis'
        // (those are anchored at their end, left of the plot).
        let labels: Vec<(f64, f64, &str)> = svg
            .split("<text ")
            .skip(1)
            .filter(|t| !t.contains("text-anchor=\"end\"") || !t.starts_with("x=\"46\""))
            .map(|t| {
                let attr = |name: &str| -> &str {
                    t.split(&format!("{name}=\""))
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap()
                };
                let x: f64 = attr("x").parse().unwrap();
                let size: f64 = attr("font-size").parse().unwrap();
                let text = t.split('>').nth(1).unwrap().split('<').next().unwrap();
                let w = text.chars().count() as f64 * 0.6 * size;
                let left = match attr("text-anchor") {
                    "start" => x,
                    "end" => x - w,
                    _ => x - w / 2.0,
                };
                (left, left + w, text)
            })
            .collect();
        assert!(labels.len() >= 2, "{svg}");
        assert_eq!(labels.first().unwrap().2, first, "{labels:?}");
        assert_eq!(labels.last().unwrap().2, last, "{labels:?}");
        for pair in labels.windows(2) {
            assert!(
                pair[0].1 <= pair[1].0,
                "{period}: {:?} overlaps {:?}",
                pair[0],
                pair[1]
            );
        }
        if period == "year" {
            assert_eq!(labels.len(), 4, "four years have room: {labels:?}");
        }
    }
}
