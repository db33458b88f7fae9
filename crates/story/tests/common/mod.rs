//! What the example stories' tests share: reading a story folder with zero
//! diagnostics, checking every figure against a count done by the test, and
//! that the German and the English version tell the same story.
#![allow(dead_code, reason = "each test binary uses the helpers it needs")]
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a story that cannot be read stops the test"
)]

use std::path::{Path, PathBuf};
use twinstory_story::{check_assets, parse_story, render_diagnostics, ParsedStory};

/// The folder of the example story `slug` in `stories/`.
pub fn story_dir(slug: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../stories")
        .join(slug)
}

/// The example story `slug`, parsed and its files checked, with no diagnostic.
pub fn parsed(slug: &str) -> ParsedStory {
    let dir = story_dir(slug);
    let source = std::fs::read(dir.join("story.md")).unwrap();
    let text = String::from_utf8_lossy(&source).into_owned();
    let mut parsed = parse_story("story.md", &source);
    check_assets(&mut parsed, &dir);
    assert!(
        parsed.diagnostics.is_empty(),
        "{slug}: {}",
        render_diagnostics(&text, &parsed.diagnostics, false)
    );
    parsed
}

/// The median of the values.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// What a figure must show, as the test counted it.
pub enum Want {
    /// A number (compared after reading the shown text back).
    Number(f64),
    /// A text, shown as it is.
    Text(String),
}

/// Reads a figure as the story's language writes it: `1.234,5` or
/// `1,234.5`, a share with its percent sign (`17 %`).
pub fn read_number(shown: &str, lang: &str) -> f64 {
    let shown = shown
        .trim_end_matches('%')
        .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{202f}');
    let plain = if lang == "de" {
        shown.replace('.', "").replace(',', ".")
    } else {
        shown.replace(',', "")
    };
    plain
        .parse()
        .unwrap_or_else(|_| panic!("`{shown}` is not a number"))
}

/// Every figure of the story `slug` (at least `at_least` of them) shows
/// what `want` counted for its text, and stands in its step's text (or
/// the introduction's).
/// Whole numbers as they are, others with one decimal (two below 1).
pub fn check_figures(slug: &str, lang: &str, at_least: usize, want: impl Fn(&str) -> Want) {
    let parsed = parsed(slug);
    let story = parsed.story.as_ref().unwrap();
    assert_eq!(story.lang, lang);
    let figures = parsed.figures();
    assert!(
        figures.len() >= at_least,
        "{slug}: {} figures",
        figures.len()
    );
    for f in &figures {
        let shown = f
            .value
            .as_deref()
            .unwrap_or_else(|| panic!("{slug}: {} has no value", f.text));
        match want(&f.text) {
            Want::Text(t) => assert_eq!(shown, t, "{slug}: {}", f.text),
            Want::Number(v) => {
                let read = read_number(shown, lang);
                let step = if v.abs() < 1.0 { 0.005 } else { 0.05 };
                assert!(
                    (read - v).abs() <= step + 1e-9,
                    "{slug}: {} shows {shown}, counted {v}",
                    f.text
                );
            }
        }
        // In its step's text, or in the introduction before the steps.
        let html = match &f.step {
            Some(id) => {
                &story
                    .steps
                    .iter()
                    .find(|s| &s.id == id)
                    .unwrap_or_else(|| panic!("{slug}: {} is in no step", f.text))
                    .html
            }
            None => &story.intro,
        };
        assert!(html.contains(shown), "{slug}: {}", f.text);
        assert!(!html.contains("{="), "{slug}: {html}");
    }
}

/// The German and the English version are the same story: at least seven
/// steps, the same steps (layouts, views, layers, chapters), layers (ids,
/// styles, sources), as many credits and charts, the same figures in the
/// same order. Returns both for the checks a pair adds.
pub fn same_story(de: &str, en: &str) -> [ParsedStory; 2] {
    let [pd, pe] = [de, en].map(parsed);
    let (d, e) = (pd.story.as_ref().unwrap(), pe.story.as_ref().unwrap());
    assert!(d.steps.len() >= 7, "{} steps", d.steps.len());
    assert_eq!(d.steps.len(), e.steps.len());
    for (a, b) in d.steps.iter().zip(&e.steps) {
        assert_eq!(a.layout, b.layout, "{} / {}", a.id, b.id);
        assert_eq!(a.view, b.view, "{} / {}", a.id, b.id);
        assert_eq!(a.view_narrow, b.view_narrow, "{} / {}", a.id, b.id);
        assert_eq!(a.show, b.show, "{} / {}", a.id, b.id);
        assert_eq!(a.interactive, b.interactive, "{} / {}", a.id, b.id);
        assert_eq!(a.chapter.is_some(), b.chapter.is_some(), "{}", a.id);
    }
    let ids = |s: &twinstory_model::Story| -> Vec<String> {
        s.layers.iter().map(|l| l.id.clone()).collect()
    };
    assert_eq!(ids(d), ids(e));
    for (a, b) in d.layers.iter().zip(&e.layers) {
        assert_eq!(a.style, b.style, "{}", a.id);
        assert_eq!(a.source, b.source, "{}", a.id);
    }
    assert_eq!(d.credits.len(), e.credits.len());
    let texts =
        |p: &ParsedStory| -> Vec<String> { p.figures().into_iter().map(|f| f.text).collect() };
    assert_eq!(texts(&pd), texts(&pe));
    assert_eq!(pd.charts().len(), pe.charts().len());
    [pd, pe]
}
