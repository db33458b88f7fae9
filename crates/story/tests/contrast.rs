//! Contrast checks: the WCAG ratio on a table of colour pairs, the
//! built-in schemes, and stories (beside the example story's data) that
//! must warn and must not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a failed setup stops the test with its message"
)]

use std::path::Path;
use twinstory_map::Rgba;
use twinstory_scene::contrast::{over, reaching};
use twinstory_scene::palette::{contrast, scheme};
use twinstory_story::{check_assets, parse_story, Diagnostic};

fn rgb(hex: &str) -> Rgba {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
    Rgba::rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

#[test]
fn ratios_follow_the_wcag_formula() {
    // Pairs with their ratio as the WCAG 2.1 formula gives it (two decimals).
    let table = [
        ("#000000", "#ffffff", 21.0),
        ("#767676", "#ffffff", 4.54),
        ("#949494", "#ffffff", 3.03),
        ("#ffffff", "#ffffff", 1.0),
        ("#d5dde6", "#eef1f4", 1.21), // the audit's quarter fill on the page
        ("#ffffff", "#d5dde6", 1.37), // white borders on that fill
        ("#e4572e", "#d5dde6", 2.69), // playground dots on the quarters
        ("#1d2330", "#d5dde6", 11.47), // the highlight's outline
    ];
    for (a, b, want) in table {
        let got = contrast(rgb(a), rgb(b));
        assert!(
            (got - want).abs() < 0.006,
            "{a} on {b}: {got:.3}, want {want}"
        );
        assert_eq!(contrast(rgb(b), rgb(a)), got, "symmetric");
    }
    // At opacity 0.35 the dots fade into the quarters (1.45:1 in the audit).
    let faded = over(rgb("#e4572e"), 0.35, rgb("#d5dde6"));
    assert!((contrast(faded, rgb("#d5dde6")) - 1.45).abs() < 0.01);
}

#[test]
fn suggestions_reach_three_to_one() {
    for (c, bg) in [
        ("#d5dde6", "#eef1f4"),
        ("#e4572e", "#0072b2"),
        ("#333333", "#202020"),
    ] {
        let s = reaching(rgb(c), rgb(bg), 3.0);
        assert!(contrast(s, rgb(bg)) >= 3.0, "{c} on {bg} → {s:?}");
    }
}

#[test]
fn sequential_schemes_span_three_to_one_end_to_end() {
    // Lightest against darkest class: every sequential scheme spans 3:1,
    // so a legend can show it and the darkest class stands out on white.
    for name in [
        "blues", "greens", "greys", "oranges", "purples", "reds", "yl-gn-bu", "yl-or-rd", "pu-bu",
    ] {
        let s = scheme(name).unwrap();
        for n in 3..=9 {
            let c = s.colors(n);
            let r = contrast(c[0], c[n - 1]);
            assert!(r >= 3.0, "{name} with {n} classes spans only {r:.2}:1");
        }
    }
}

fn warnings(front: &str, steps: &str) -> Vec<Diagnostic> {
    let text = format!("---\ntitle: T\ntheme: {{ map-background: \"#eef1f4\" }}\nlayers:\n{front}---\n\n# T\n\n{steps}");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../stories/spielplaetze");
    let mut parsed = parse_story("story.md", text.as_bytes());
    check_assets(&mut parsed, &dir);
    assert!(parsed.story.is_some(), "{:?}", parsed.diagnostics);
    parsed.diagnostics
}

fn codes(d: &[Diagnostic]) -> Vec<&str> {
    let mut c: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
    c.sort();
    c
}

const STEP: &str = "## A\n\n```step\nview: { center: [9.95, 53.57], zoom: 12 }\nshow: [quarters, playgrounds]\n```\n\nText.\n";

#[test]
fn pale_areas_white_borders_and_pale_dots_warn() {
    let front = "  quarters:\n    source: { type: geojson, url: data/quarters.geojson }\n    style: { fill: \"#d5dde6\", stroke: \"#ffffff\", stroke-width: 1 }\n  playgrounds:\n    source: { type: csv, url: data/playgrounds.csv }\n    style: { fill: \"#e4572e\", stroke: \"#ffffff\", stroke-width: 1 }\n";
    let d = warnings(front, STEP);
    assert_eq!(codes(&d), ["W0014", "W0016", "W0017"], "{d:#?}");
    let w14 = d.iter().find(|d| d.code == "W0014").unwrap();
    assert_eq!(
        w14.message,
        "in step `a`: the fill #d5dde6 of layer `quarters` has a contrast of 1.21:1 against the map background #eef1f4 (3:1 needed)"
    );
    // Marked at the layer in the step's `show`.
    assert_eq!((w14.line, w14.column), (19, 8));
    let help = w14.help.as_deref().unwrap();
    assert!(
        help.starts_with("a fill of #") && help.contains("`stroke: \"#"),
        "{help}"
    );
    let w16 = d.iter().find(|d| d.code == "W0016").unwrap();
    assert!(
        w16.message
            .contains("2.69:1 against layer `quarters` below (#d5dde6)"),
        "{}",
        w16.message
    );
}

#[test]
fn close_classes_warn_unless_readers_get_the_value_another_way() {
    let layer = |extra: &str| {
        format!("  quarters:\n    source: {{ type: geojson, url: data/quarters.geojson }}\n    style: {{ stroke: \"#4d4d4d\", stroke-width: 1, categories: {{ property: district_name }} }}\n{extra}")
    };
    let step = STEP.replace("show: [quarters, playgrounds]", "show: [quarters]");
    let d = warnings(&layer(""), &step);
    assert_eq!(codes(&d), ["W0015"], "{d:#?}");
    assert!(d[0].help.as_deref().unwrap().contains("`tooltip`"));
    let d = warnings(&layer("    tooltip: \"{name}\"\n"), &step);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn outlined_areas_and_outlined_dots_pass() {
    let front = "  quarters:\n    source: { type: geojson, url: data/quarters.geojson }\n    style: { fill: \"#d5dde6\", stroke: \"#6e7781\", stroke-width: 1 }\n  playgrounds:\n    source: { type: csv, url: data/playgrounds.csv }\n    style: { fill: \"#e4572e\", stroke: \"#000000\", stroke-width: 1 }\n";
    let d = warnings(front, STEP);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn the_example_story_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../stories/spielplaetze");
    let mut parsed = parse_story("story.md", &std::fs::read(dir.join("story.md")).unwrap());
    check_assets(&mut parsed, &dir);
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
}

#[test]
fn pale_lines_warn_and_dark_lines_pass() {
    let front = |stroke: &str| {
        format!("  quarters:\n    source: {{ type: geojson, url: data/quarters.geojson }}\n    style: {{ fill: none, stroke: \"{stroke}\", stroke-width: 2 }}\n")
    };
    let step = STEP.replace("show: [quarters, playgrounds]", "show: [quarters]");
    let d = warnings(&front("#dddddd"), &step);
    assert_eq!(codes(&d), ["W0014"], "{d:#?}");
    assert!(
        d[0].message.contains("the line colour #dddddd"),
        "{}",
        d[0].message
    );
    assert!(warnings(&front("#555555"), &step).is_empty());
}

/// The theme's W0019 warnings of a story with `theme` settings `theme`.
fn theme_warnings(theme: &str) -> Vec<Diagnostic> {
    let md = format!(
        "---\ntitle: T\ntheme:\n{theme}---\n\n## A\n\n```step\nview: {{ center: [10, 53.5], zoom: 11 }}\n```\n\nText.\n"
    );
    parse_story("t.md", md.as_bytes())
        .diagnostics
        .into_iter()
        .filter(|d| d.code == "W0019")
        .collect()
}

#[test]
fn theme_text_colours_are_measured_and_the_suggestion_reaches_4_5() {
    // The defaults, written out, and dark themes that reach 4.5:1 pass.
    for good in [
        "  accent: \"#005ca9\"\n  text: \"#1d2330\"\n  page: \"#f7f8fa\"\n  card: \"#ffffff\"\n",
        "  text: \"#f2f2f2\"\n  page: \"#101820\"\n  card: \"#1d2b36\"\n  accent: \"#8cc8ff\"\n",
    ] {
        assert_eq!(theme_warnings(good), vec![], "{good}");
    }
    // Each failing theme warns; writing the suggested colour silences the pair.
    for bad in [
        "  text: \"#9a9a9a\"\n",
        "  accent: \"#f0c000\"\n",
        "  card: \"#1d2b36\"\n  page: \"#1d2b36\"\n",
        "  text: \"#6a6a6a\"\n", // passes alone, its muted mix does not
        "  text: \"#eeeeee\"\n  card: \"#333333\"\n  page: \"#cccccc\"\n",
        // Colours with transparency, measured as they show.
        "  text: \"#f2f2f2\"\n  card: \"#1d2b3640\"\n  page: \"#10182033\"\n",
        "  text: \"#1d233040\"\n",
        "  accent: \"#005ca94d\"\n",
    ] {
        let found = theme_warnings(bad);
        assert!(!found.is_empty(), "{bad} must warn");
        for d in &found {
            let help = d.help.as_deref().unwrap();
            let key = help
                .split("write `")
                .nth(1)
                .and_then(|s| s.split(':').next())
                .unwrap();
            let colour = help
                .split(&format!("`{key}: \""))
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_else(|| panic!("no colour in {help}"));
            let fixed = bad
                .lines()
                .filter(|l| !l.trim_start().starts_with(&format!("{key}:")))
                .map(|l| format!("{l}\n"))
                .collect::<String>()
                + &format!("  {key}: \"{colour}\"\n");
            let against = against(&d.message);
            let again = theme_warnings(&fixed);
            assert!(
                !again
                    .iter()
                    .any(|a| a.message.contains(&format!("against the `{against}`"))
                        && a.message.split(" (").next() == d.message.split(" (").next()),
                "{bad} with {key} {colour}: {again:?}"
            );
        }
    }
}

/// `(what is measured, against which setting)` of each W0019 warning of
/// a story with `theme` settings `theme`.
fn theme_pairs(theme: &str) -> Vec<(String, String)> {
    theme_warnings(theme)
        .into_iter()
        .map(|d| {
            let what = d.message.split(" (").next().unwrap().to_owned();
            (what, against(&d.message).to_owned())
        })
        .collect()
}

/// The setting a W0019 message measures against (`card`, `page`).
fn against(message: &str) -> &str {
    message
        .split("against the `")
        .nth(1)
        .and_then(|s| s.split('`').next())
        .unwrap_or_else(|| panic!("no `against the` in {message}"))
}

/// Colours with transparency are measured as readers see them: a card over
/// the page, the page over the browser's white canvas, text over what it
/// sits on.
#[test]
fn translucent_theme_colours_are_measured_as_readers_see_them() {
    let step_text = |against: &str| {
        (
            "the contrast of the step text".to_owned(),
            against.to_owned(),
        )
    };
    // A dark card at a quarter of its strength over the light (default)
    // page is light: light text on it fails, as it would not on the card
    // alone (13:1, below).
    let light = "  text: \"#f2f2f2\"\n  card: \"#1d2b3640\"\n";
    assert!(
        theme_pairs(light).contains(&step_text("card")),
        "light text on a faint dark card over a light page must warn: {:#?}",
        theme_warnings(light)
    );
    let opaque =
        "  text: \"#f2f2f2\"\n  card: \"#1d2b36\"\n  page: \"#1d2b36\"\n  accent: \"#8cc8ff\"\n";
    assert_eq!(theme_pairs(opaque), vec![], "{:#?}", theme_warnings(opaque));
    // A faint white card over a dark page is dark: light text passes on it,
    // as it would not on white.
    let faint =
        "  text: \"#f2f2f2\"\n  card: \"#ffffff1a\"\n  page: \"#101820\"\n  accent: \"#8cc8ff\"\n";
    assert_eq!(
        theme_pairs(faint),
        vec![],
        "light text on a faint white card over a dark page must pass: {:#?}",
        theme_warnings(faint)
    );
    // A page of 10 % black over white is light grey: the default text
    // passes on it, as it would not on black.
    let grey = "  page: \"#0000001a\"\n";
    assert_eq!(
        theme_pairs(grey),
        vec![],
        "dark text on a page of 10 % black must pass: {:#?}",
        theme_warnings(grey)
    );
    assert!(theme_pairs("  page: \"#000000\"\n").contains(&(
        "the contrast of the title and the sources".to_owned(),
        "page".to_owned()
    )));
    // Text at a quarter of its strength is light grey on the white card.
    let pale = "  text: \"#1d233040\"\n";
    let found = theme_warnings(pale);
    assert!(
        theme_pairs(pale).contains(&step_text("card")),
        "text at a quarter of its strength on white must warn: {found:#?}"
    );
    assert!(
        found[0].message.contains("`text` #1d233040, seen as #"),
        "the colour as written and as seen: {}",
        found[0].message
    );
}
