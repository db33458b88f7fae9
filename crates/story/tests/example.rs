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
    assert_eq!(story.credits.len(), 4);
    assert_eq!(story.theme.map_background.to_hex(), "#eef1f4");
    let ids: Vec<&str> = story.layers.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "quarters",
            "districts",
            "versorgung",
            "kinder_3d",
            "kinder_saeulen",
            "erwachsene_saeulen",
            "kita_versorgung",
            "playgrounds",
            "kitas",
            "parks",
            "schools"
        ]
    );
    assert!(matches!(&story.layers[7].source, Source::Csv { lat: Some(l), .. } if l == "lat"));
    assert_eq!(story.layers[7].style.radius, 3.5);
    assert_eq!(story.layers[0].tooltip.as_deref(), Some("{name}"));
    let steps: Vec<&str> = story.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        steps,
        [
            "stadt",
            "bezirke",
            "spielplaetze",
            "eimsbuettel",
            "marschlanden",
            "parks",
            "kitas",
            "schulen",
            "versorgung",
            "kinder",
            "einwohner",
            "kita-versorgung",
            "wenige",
            "neuwerk"
        ]
    );
    let chapters: Vec<&str> = story
        .steps
        .iter()
        .filter_map(|s| s.chapter.as_deref())
        .collect();
    assert_eq!(
        chapters,
        ["Die Stadt", "Spielplätze und Kitas", "Je 1.000 Kinder"]
    );
    // The cover links the English version, named in English.
    assert!(
        story.intro.contains(
            "<a href=\"../where-children-play/\" hreflang=\"en\" lang=\"en\">English version</a>"
        ),
        "{}",
        story.intro
    );
    assert_eq!(story.steps[0].title, "Eine Stadt aus 181 Quartieren");
    assert_eq!(story.steps[0].transition, Transition::Jump);
    assert_eq!(story.steps[2].transition, Transition::Fly);
    assert_eq!(story.steps[7].transition, Transition::Ease);
    assert_eq!(
        story.steps[0].view.as_ref().unwrap().fit,
        Some(FitTarget::Bbox([9.72, 53.39, 10.33, 53.74]))
    );
    let v = story.steps[3].view.as_ref().unwrap();
    assert_eq!((v.center, v.zoom), (Some([9.955, 53.572]), Some(13.6)));
    let show: Vec<(&str, f64)> = story.steps[7]
        .show
        .iter()
        .map(|l| (l.layer.as_str(), l.opacity))
        .collect();
    assert_eq!(
        show,
        [("quarters", 1.0), ("playgrounds", 1.0), ("schools", 1.0)]
    );
    assert!(story.steps[2]
        .html
        .contains("<strong>608 Spielplätze</strong>"));
    assert!(!story.steps[0].html.contains("```"));
    assert!(!story.steps[0].html.contains("transition"));
    // Eleven data layers (seven share a file), nine joined tables and the
    // picture of Neuwerk.
    assert_eq!(parsed.assets.len(), 21);
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
    /// Rows of kindergartens.csv and schools.csv.
    kitas: usize,
    schools: usize,
    /// Elements of parks.json.
    parks: usize,
    /// playgrounds-per-quarter.csv: quarter id → playgrounds.
    per_quarter: std::collections::HashMap<String, f64>,
    /// kindergartens-per-quarter.csv: quarter id → Kitas.
    kitas_per_quarter: std::collections::HashMap<String, f64>,
    /// stadtteilprofile-2014.csv: Stadtteil name → children under 18.
    kids: Vec<(String, Option<f64>)>,
    /// stadtteilprofile-2014.csv: Stadtteil name → share of residents
    /// under 18 in per cent (decimal comma).
    kid_share: Vec<(String, Option<f64>)>,
    /// stadtteilprofile-2014.csv: Stadtteil name → residents.
    residents: Vec<(String, Option<f64>)>,
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
    let counts = |name: &str| {
        lines(name)
            .iter()
            .skip(1)
            .map(|l| {
                let (id, n) = l.split_once(',').unwrap();
                (id.to_owned(), n.trim().parse().unwrap())
            })
            .collect()
    };
    let per_quarter = counts("playgrounds-per-quarter.csv");
    let kitas_per_quarter = counts("kindergartens-per-quarter.csv");
    let parks: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("parks.json")).unwrap()).unwrap();
    let profile = lines("stadtteilprofile-2014.csv");
    let column = profile[0]
        .split(';')
        .position(|c| c.trim() == "Unter 18-Jährige")
        .unwrap();
    let cells_of = |column: usize| -> Vec<(String, Option<f64>)> {
        profile
            .iter()
            .skip(1)
            .map(|l| {
                let cells: Vec<&str> = l.split(';').collect();
                // "1 675" with spaces between thousands, "9,7" with a
                // decimal comma; "." or "-": no value.
                let n: String = cells[column]
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .map(|c| if c == ',' { '.' } else { c })
                    .collect();
                (cells[0].trim().to_owned(), n.parse().ok())
            })
            .collect()
    };
    let kids = cells_of(column);
    let kid_share = cells_of(
        profile[0]
            .split(';')
            .position(|c| c.trim() == "Anteil der unter 18-Jährigen in %")
            .unwrap(),
    );
    let residents = cells_of(
        profile[0]
            .split(';')
            .position(|c| c.trim() == "Bevölkerung")
            .unwrap(),
    );
    Sources {
        quarters,
        playgrounds,
        kitas: lines("kindergartens.csv").len() - 1,
        schools: lines("schools.csv").len() - 1,
        parks: parks["elements"].as_array().unwrap().len(),
        per_quarter,
        kitas_per_quarter,
        kids,
        kid_share,
        residents,
    }
}

/// The Stadtteil rows that match a quarter (as in [`rates`]), with their
/// children under 18 and residents where the row gives them.
fn matched_rows(src: &Sources) -> Vec<(String, Option<f64>, Option<f64>)> {
    let mut rows = Vec::new();
    for ((name, kids), (_, residents)) in src.kids.iter().zip(&src.residents) {
        if rows.iter().any(|r: &(String, _, _)| r.0 == *name) {
            continue;
        }
        let names: Vec<&str> = name.split(" und ").collect();
        if src
            .quarters
            .iter()
            .any(|q| q.1 == *name || names.contains(&q.1.as_str()))
        {
            rows.push((name.clone(), *kids, *residents));
        }
    }
    rows
}

/// One Stadtteil row matched to its quarters: name, the places counted in
/// its quarters, its children under 18, places per 1,000 children.
struct Rate {
    name: String,
    places: f64,
    kids: f64,
    rate: f64,
}

/// Places (playgrounds or Kitas, counted per quarter in `per_quarter`)
/// per 1,000 children for every Stadtteil row that matches a quarter: the
/// quarters' places added up per Stadtteil, rows such as "Waltershof und
/// Finkenwerder" covering both.
fn rates(src: &Sources, per_quarter: &std::collections::HashMap<String, f64>) -> Vec<Rate> {
    let mut rates: Vec<Rate> = Vec::new();
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
        let places: f64 = quarters
            .iter()
            .map(|q| per_quarter.get(&q.0).copied().unwrap_or(0.0))
            .sum();
        if *kids > 0.0 {
            rates.push(Rate {
                name: name.clone(),
                places,
                kids: *kids,
                rate: places / kids * 1000.0,
            });
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
    let median = |rates: &[Rate]| {
        let mut sorted: Vec<f64> = rates.iter().map(|r| r.rate).collect();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        }
    };
    let best = |rates: &[Rate]| -> (String, f64, f64) {
        let b = rates
            .iter()
            .max_by(|a, b| a.rate.total_cmp(&b.rate))
            .unwrap();
        (b.name.clone(), b.rate, b.kids)
    };
    // The whole city: every counted place over every child of a matched row.
    let city = |rates: &[Rate], per_quarter: &std::collections::HashMap<String, f64>| {
        per_quarter.values().sum::<f64>() / rates.iter().map(|r| r.kids).sum::<f64>() * 1000.0
    };
    let play = rates(&src, &src.per_quarter);
    let kita = rates(&src, &src.kitas_per_quarter);
    assert!(play.len() > 90, "{} Stadtteile", play.len());
    let few: Vec<&Rate> = play
        .iter()
        .filter(|r| r.rate < 1.0 && r.kids >= 2000.0)
        .collect();
    let eimsbuettel: Vec<_> = src
        .quarters
        .iter()
        .filter(|q| q.1 == "Eimsbüttel")
        .collect();
    let kirchwerder = play.iter().find(|r| r.name == "Kirchwerder").unwrap();
    let eimsbuettel_kids = play.iter().find(|r| r.name == "Eimsbüttel").unwrap().kids;
    // The Stadtteil's share, attached to each of its quarters (its first
    // row: the district totals at the end repeat the name Eimsbüttel).
    let eimsbuettel_share = src
        .kid_share
        .iter()
        .find(|r| r.0 == "Eimsbüttel")
        .and_then(|r| r.1)
        .unwrap();
    let most_kids = play
        .iter()
        .max_by(|a, b| a.kids.total_cmp(&b.kids))
        .unwrap();
    // Quarters that no Stadtteil row names: areas of the rate maps without
    // children, "keine Angabe" (step `neuwerk` says it is Neuwerk alone).
    let row_names: Vec<&str> = src
        .kids
        .iter()
        .flat_map(|(name, _)| std::iter::once(name.as_str()).chain(name.split(" und ")))
        .collect();
    let mut unmatched: Vec<&str> = src
        .quarters
        .iter()
        .map(|q| q.1.as_str())
        .filter(|name| !row_names.contains(name))
        .collect();
    unmatched.dedup();
    assert_eq!(unmatched, ["Neuwerk"]);

    // The stacked columns (step `einwohner`): children's share of the
    // residents per Stadtteil, the city's from the sums, and the tallest
    // column.
    let rows = matched_rows(&src);
    let city_share = rows.iter().filter_map(|r| r.1).sum::<f64>()
        / rows.iter().filter_map(|r| r.2).sum::<f64>()
        * 100.0;
    let shares: Vec<(String, f64, f64)> = rows
        .iter()
        .filter_map(|r| match (r.1, r.2) {
            (Some(k), Some(n)) if n > 0.0 => Some((r.0.clone(), k / n * 100.0, n)),
            _ => None,
        })
        .collect();
    let most_share = shares.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
    let tallest = shares.iter().max_by(|a, b| a.2.total_cmp(&b.2)).unwrap();

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
            "{= median versorgung.je_1000_kinder}" => Want::Number(median(&play)),
            "{= max versorgung.je_1000_kinder}" => Want::Number(best(&play).1),
            "{= versorgung.name with max je_1000_kinder}" => Want::Text(best(&play).0),
            "{= versorgung.kinder with max je_1000_kinder}" => Want::Number(best(&play).2),
            "{= max versorgung.stadt_je_1000}" => Want::Number(city(&play, &src.per_quarter)),
            "{= count versorgung where kinder > 0}" => Want::Number(play.len() as f64),
            "{= count versorgung}" => Want::Number((play.len() + unmatched.len()) as f64),
            "{= count versorgung where points_of_interest == 0 and kinder > 0}" => {
                Want::Number(play.iter().filter(|r| r.places == 0.0).count() as f64)
            }
            "{= count versorgung where je_1000_kinder < 1 and kinder >= 2000}" => {
                Want::Number(few.len() as f64)
            }
            "{= sum versorgung.kinder where je_1000_kinder < 1 and kinder >= 2000}" => {
                Want::Number(few.iter().map(|r| r.kids).sum())
            }
            "{= median kita_versorgung.kitas_je_1000}" => Want::Number(median(&kita)),
            "{= max kita_versorgung.kitas_je_1000}" => Want::Number(best(&kita).1),
            "{= kita_versorgung.name with max kitas_je_1000}" => Want::Text(best(&kita).0),
            "{= kita_versorgung.kinder with max kitas_je_1000}" => Want::Number(best(&kita).2),
            "{= max kita_versorgung.stadt_je_1000}" => {
                Want::Number(city(&kita, &src.kitas_per_quarter))
            }
            "{= count kitas}" => Want::Number(src.kitas as f64),
            "{= count schools}" => Want::Number(src.schools as f64),
            "{= count parks}" => Want::Number(src.parks as f64),
            "{= count quarters where name == \"Eimsbüttel\"}" => {
                Want::Number(eimsbuettel.len() as f64)
            }
            "{= sum versorgung.points_of_interest where name == \"Eimsbüttel\"}" => Want::Number(
                eimsbuettel
                    .iter()
                    .map(|q| src.per_quarter.get(&q.0).copied().unwrap_or(0.0))
                    .sum(),
            ),
            "{= versorgung.kinder of \"Kirchwerder\"}" => Want::Number(kirchwerder.kids),
            "{= versorgung.kinder of \"Eimsbüttel\"}" => Want::Number(eimsbuettel_kids),
            "{= quarters.anteil_kinder of \"Eimsbüttel\"}" => Want::Number(eimsbuettel_share),
            "{= versorgung.name with max kinder}" => Want::Text(most_kids.name.clone()),
            "{= max versorgung.kinder}" => Want::Number(most_kids.kids),
            "{= versorgung.je_1000_kinder with max kinder}" => Want::Number(most_kids.rate),
            "{= versorgung.points_of_interest of \"Kirchwerder\"}" => {
                Want::Number(kirchwerder.places)
            }
            "{= max kinder_saeulen.stadt_anteil, 1 decimal}" => Want::Number(city_share),
            "{= kinder_saeulen.name with max anteil}" => Want::Text(most_share.0.clone()),
            "{= max kinder_saeulen.anteil, 1 decimal}" => Want::Number(most_share.1),
            "{= kinder_saeulen.einwohner with max anteil}" => Want::Number(most_share.2),
            "{= kinder_saeulen.name with max einwohner}" => Want::Text(tallest.0.clone()),
            "{= max kinder_saeulen.einwohner}" => Want::Number(tallest.2),
            other => panic!("the test does not count `{other}` yet: add it here"),
        }
    };

    let source = std::fs::read(story_dir().join("story.md")).unwrap();
    let mut parsed = parse_story("story.md", &source);
    check_assets(&mut parsed, story_dir());
    let figures = parsed.figures();
    assert!(figures.len() >= 25, "{} figures", figures.len());
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
    let mut rates: Vec<(String, f64)> = rates(&src, &src.per_quarter)
        .into_iter()
        .map(|r| (r.name, r.rate))
        .collect();
    rates.sort_by(|a, b| b.1.total_cmp(&a.1));
    let source = std::fs::read(story_dir().join("story.md")).unwrap();
    let mut parsed = parse_story("story.md", &source);
    check_assets(&mut parsed, story_dir());
    let charts = parsed.charts();
    assert_eq!(charts.len(), 2);
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
    let html = &story.steps[8].html;
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
