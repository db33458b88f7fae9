//! The example story in `stories/spielplaetze` parses cleanly and into the right model.

use std::path::Path;
use twinstory_model::{FitTarget, Source, Transition};
use twinstory_story::{check_assets, parse_story, render_diagnostics};

fn story_dir() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../stories/spielplaetze"
    ))
}

#[test]
fn spielplaetze_parses_with_zero_diagnostics_and_the_right_model() {
    let source = std::fs::read(story_dir().join("story.md")).unwrap();
    let mut parsed = parse_story("story.md", &source);
    let text = String::from_utf8_lossy(&source);
    assert!(
        parsed.diagnostics.is_empty(),
        "{}",
        render_diagnostics(&text, &parsed.diagnostics, false)
    );
    check_assets(&mut parsed, story_dir());
    assert!(
        parsed.diagnostics.is_empty(),
        "{}",
        render_diagnostics(&text, &parsed.diagnostics, false)
    );
    let story = parsed.story.unwrap();
    assert_eq!(story.title, "Spielplätze in Hamburg");
    assert_eq!(story.lang, "de");
    assert_eq!(story.authors, ["Redaktion twinstory"]);
    assert_eq!(story.credits.len(), 3);
    assert_eq!(story.theme.map_background.to_hex(), "#eef1f4");
    let ids: Vec<&str> = story.layers.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "quarters",
            "districts",
            "versorgung",
            "playgrounds",
            "parks",
            "schools"
        ]
    );
    assert!(matches!(&story.layers[3].source, Source::Csv { lat: Some(l), .. } if l == "lat"));
    assert_eq!(story.layers[3].style.radius, 3.5);
    assert_eq!(story.layers[0].tooltip.as_deref(), Some("{name}"));
    let steps: Vec<&str> = story.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        steps,
        [
            "stadt",
            "spielplaetze",
            "eimsbuettel",
            "marschlanden",
            "parks",
            "schulen",
            "bezirke",
            "versorgung"
        ]
    );
    assert_eq!(story.steps[0].title, "Eine Stadt aus 181 Quartieren");
    assert_eq!(story.steps[0].transition, Transition::Jump);
    assert_eq!(story.steps[1].transition, Transition::Fly);
    assert_eq!(story.steps[5].transition, Transition::Ease);
    assert_eq!(
        story.steps[0].view.as_ref().unwrap().fit,
        Some(FitTarget::Bbox([9.72, 53.39, 10.33, 53.74]))
    );
    let v = story.steps[2].view.as_ref().unwrap();
    assert_eq!((v.center, v.zoom), (Some([9.955, 53.572]), Some(13.6)));
    let show: Vec<(&str, f64)> = story.steps[5]
        .show
        .iter()
        .map(|l| (l.layer.as_str(), l.opacity))
        .collect();
    assert_eq!(
        show,
        [("quarters", 1.0), ("playgrounds", 1.0), ("schools", 1.0)]
    );
    assert!(story.steps[1]
        .html
        .contains("<strong>608 Spielplätze</strong>"));
    assert!(!story.steps[0].html.contains("```"));
    assert!(!story.steps[0].html.contains("transition"));
    // Six data layers (three share a file) and two joined tables, no images.
    assert_eq!(parsed.assets.len(), 8);
    let v = &story.layers[2];
    assert_eq!(v.join.len(), 2);
    assert_eq!(v.join[1].by, twinstory_model::JoinBy::Stadtteil);
    assert_eq!(v.compute[0].name, "je_1000_kinder");
}

/// The data files of the example story, read here without the data crate:
/// plain text and `serde_json`, so a figure is checked against a count
/// that does not share the code that computed it.
struct Sources {
    /// Per quarter (quarters.geojson): `id`, `name`, `district_name`.
    quarters: Vec<(String, String, String)>,
    /// Rows of playgrounds.csv.
    playgrounds: usize,
    /// playgrounds-per-quarter.csv: quarter id → playgrounds.
    per_quarter: std::collections::HashMap<String, f64>,
    /// stadtteilprofile-2014.csv: Stadtteil name → children under 18.
    kids: Vec<(String, Option<f64>)>,
}

#[allow(
    clippy::unwrap_used,
    reason = "test helper: a source file that cannot be read stops the test"
)]
fn sources() -> Sources {
    let data = story_dir().join("data");
    let geojson: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("quarters.geojson")).unwrap()).unwrap();
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let quarters = geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (text(&p["id"]), text(&p["name"]), text(&p["district_name"]))
        })
        .collect();
    let lines = |name: &str| -> Vec<String> {
        std::fs::read_to_string(data.join(name))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    };
    let playgrounds = lines("playgrounds.csv").len() - 1;
    let per_quarter = lines("playgrounds-per-quarter.csv")
        .iter()
        .skip(1)
        .map(|l| {
            let (id, n) = l.split_once(',').unwrap();
            (id.to_owned(), n.trim().parse().unwrap())
        })
        .collect();
    let profile = lines("stadtteilprofile-2014.csv");
    let column = profile[0]
        .split(';')
        .position(|c| c.trim() == "Unter 18-Jährige")
        .unwrap();
    let kids = profile
        .iter()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(';').collect();
            // "1 675" with spaces between thousands; "." or "-": no value.
            let n: String = cells[column]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            (cells[0].trim().to_owned(), n.parse().ok())
        })
        .collect();
    Sources {
        quarters,
        playgrounds,
        per_quarter,
        kids,
    }
}

/// Playgrounds per 1,000 children for every Stadtteil row that matches a
/// quarter: the quarters' playgrounds added up per Stadtteil, rows such as
/// "Waltershof und Finkenwerder" covering both.
fn rates(src: &Sources) -> Vec<(String, f64)> {
    let mut rates: Vec<(String, f64)> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (name, kids) in &src.kids {
        // The district totals at the end repeat some names (Eimsbüttel,
        // Bergedorf …): a Stadtteil is its first row.
        if seen.contains(&name.as_str()) {
            continue;
        }
        seen.push(name);
        let names: Vec<&str> = name.split(" und ").collect();
        let quarters: Vec<_> = src
            .quarters
            .iter()
            .filter(|q| q.1 == *name || names.contains(&q.1.as_str()))
            .collect();
        let (Some(kids), false) = (kids, quarters.is_empty()) else {
            continue;
        };
        let playgrounds: f64 = quarters
            .iter()
            .map(|q| src.per_quarter.get(&q.0).copied().unwrap_or(0.0))
            .sum();
        if *kids > 0.0 {
            rates.push((name.clone(), playgrounds / kids * 1000.0));
        }
    }
    rates
}

/// Every figure (`{= … }`) in the example story shows what a count done
/// here, from the source files, gives: the number of playgrounds and of
/// quarters, the quarters per district, and playgrounds per 1,000 children
/// per Stadtteil (the quarters' playgrounds added up per Stadtteil, rows
/// such as "Waltershof und Finkenwerder" covering both).
#[test]
fn every_figure_in_the_example_equals_a_count_from_the_source_files() {
    let src = sources();
    let district = |d: &str| src.quarters.iter().filter(|q| q.2 == d).count() as f64;
    let rates = rates(&src);
    let mut sorted: Vec<f64> = rates.iter().map(|r| r.1).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    let best = rates.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    assert!(rates.len() > 90, "{} Stadtteile", rates.len());

    enum Want {
        Number(f64),
        Text(String),
    }
    let want = |figure: &str| -> Want {
        match figure {
            "{= count playgrounds}" => Want::Number(src.playgrounds as f64),
            "{= count quarters}" => Want::Number(src.quarters.len() as f64),
            "{= count districts where district_name == \"Hamburg-Mitte\"}" => {
                Want::Number(district("Hamburg-Mitte"))
            }
            "{= count districts where district_name == \"Bergedorf\"}" => {
                Want::Number(district("Bergedorf"))
            }
            "{= median versorgung.je_1000_kinder}" => Want::Number(median),
            "{= max versorgung.je_1000_kinder}" => Want::Number(best.1),
            "{= versorgung.name with max je_1000_kinder}" => Want::Text(best.0.clone()),
            other => panic!("the test does not count `{other}` yet: add it here"),
        }
    };

    let source = std::fs::read(story_dir().join("story.md")).unwrap();
    let mut parsed = parse_story("story.md", &source);
    check_assets(&mut parsed, story_dir());
    let figures = parsed.figures();
    assert!(figures.len() >= 7, "{} figures", figures.len());
    let story = parsed.story.as_ref().unwrap();
    for f in &figures {
        let shown = f
            .value
            .as_deref()
            .unwrap_or_else(|| panic!("{} has no value", f.text));
        match want(&f.text) {
            Want::Text(t) => assert_eq!(shown, t, "{}", f.text),
            Want::Number(v) => {
                // German: `1.234,5`; the figure shows one decimal at most.
                let read: f64 = shown.replace('.', "").replace(',', ".").parse().unwrap();
                assert!(
                    (read - v).abs() <= 0.05 + 1e-9,
                    "{}: shows {shown}, counted {v}",
                    f.text
                );
            }
        }
        // The reader sees the value in the step's text, not the figure.
        let step = story
            .steps
            .iter()
            .find(|s| Some(&s.id) == f.step.as_ref())
            .unwrap();
        assert!(step.html.contains(shown), "{}: {}", f.text, step.html);
        assert!(!step.html.contains("{="), "{}", step.html);
        assert!(!step.html.contains("<!--"), "{}", step.html);
    }
    assert_eq!(district("Hamburg-Mitte"), 42.0, "the text's counts");
}

/// The example's bar chart shows the ten Stadtteile with the most
/// playgrounds per 1,000 children, counted here from the source files, in
/// that order, with one decimal, and each bar marks its Stadtteil.
#[test]
fn the_example_chart_shows_the_ten_highest_rates_from_the_source_files() {
    let src = sources();
    let mut rates = rates(&src);
    rates.sort_by(|a, b| b.1.total_cmp(&a.1));
    let source = std::fs::read(story_dir().join("story.md")).unwrap();
    let mut parsed = parse_story("story.md", &source);
    check_assets(&mut parsed, story_dir());
    let charts = parsed.charts();
    assert_eq!(charts.len(), 1);
    let (step, chart) = &charts[0];
    assert_eq!(step, "versorgung");
    let chart = chart.as_ref().unwrap();
    let got: Vec<(&str, f64)> = chart
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.value))
        .collect();
    assert_eq!(got.len(), 10);
    for ((name, v), (want_name, want)) in got.iter().zip(&rates) {
        assert_eq!(name, want_name);
        assert!((v - want).abs() < 1e-9, "{name}: {v} vs {want}");
    }
    let story = parsed.story.as_ref().unwrap();
    let html = &story.steps[7].html;
    for ((name, v), shown) in got.iter().zip(&chart.shown) {
        let want = format!("{:.1}", v).replace('.', ",");
        assert_eq!(shown, &want, "{name}");
        assert!(
            html.contains(&format!("<td>{name}</td><td>{want}</td>")),
            "{name}"
        );
    }
    // The docs show this chart: the example in docs/story-format.md is
    // the story's block, setting for setting.
    let docs = std::fs::read_to_string(story_dir().join("../../docs/story-format.md")).unwrap();
    let text = String::from_utf8_lossy(&source);
    let block = |t: &str| -> Vec<String> {
        let start = t.find("```chart\ntype: bar\nlayer: versorgung").unwrap();
        t[start + 9..]
            .lines()
            .take_while(|l| !l.starts_with("```"))
            .filter(|l| !l.starts_with("decimals"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(block(&docs), block(&text));
}
