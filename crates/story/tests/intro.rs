//! The introduction and the `#` heading reach the model (the player shows them),
//! the introduction in the cover after its line with the reading time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a failed setup stops the test with its message"
)]

use twinstory_story::{parse_story, render_diagnostics};

fn parse(md: &str) -> twinstory_model::Story {
    let parsed = parse_story("story.md", md.as_bytes());
    let errors: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == twinstory_story::Severity::Error)
        .cloned()
        .collect();
    assert!(
        errors.is_empty(),
        "{}",
        render_diagnostics(md, &errors, false)
    );
    parsed.story.expect("a story")
}

const FRONT: &str = "---\ntitle: Parks in Hamburg\nlayers:\n  parks:\n    source: { type: geojson, url: parks.geojson }\n---\n";

#[test]
fn text_before_the_first_step_is_the_introduction_and_a_different_heading_is_kept() {
    let story = parse(&format!(
        "{FRONT}\n# Wo Hamburg grün ist\n\nEine **kurze** Einleitung.\n\nNoch ein Absatz.\n\n## Erster Schritt\n\n```step\nshow: [parks]\n```\n\nText.\n"
    ));
    assert_eq!(story.heading.as_deref(), Some("Wo Hamburg grün ist"));
    assert_eq!(
        story.intro,
        "<p class=\"ts-byline\">1 Minute Lesezeit</p>\n<p>Eine <strong>kurze</strong> Einleitung.</p>\n<p>Noch ein Absatz.</p>\n"
    );
    assert!(!story.steps[0].html.contains("Einleitung"));
}

#[test]
fn a_heading_that_repeats_the_title_is_not_kept_twice() {
    let story = parse(&format!(
        "{FRONT}\n# Parks in Hamburg\n\n## Erster Schritt\n\n```step\nshow: [parks]\n```\n"
    ));
    assert_eq!(story.heading, None);
    assert_eq!(
        story.intro,
        "<p class=\"ts-byline\">1 Minute Lesezeit</p>\n"
    );
    let json = serde_json::to_string(&story).unwrap();
    assert!(!json.contains("\"heading\""), "{json}");
}

#[test]
fn an_introduction_without_a_heading() {
    let story = parse(&format!(
        "{FRONT}\nNur eine Einleitung.\n\n## Erster Schritt\n\n```step\nshow: [parks]\n```\n"
    ));
    assert_eq!(story.heading, None);
    assert_eq!(
        story.intro,
        "<p class=\"ts-byline\">1 Minute Lesezeit</p>\n<p>Nur eine Einleitung.</p>\n"
    );
}
