//! `translations`: the other versions a story names are checked against
//! the story folders beside it, and the cover links them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

use std::path::{Path, PathBuf};
use twinstory_story::{check_assets, parse_story};

/// A fresh folder of story folders, each `(name, story.md)`.
fn site(test: &str, stories: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!(
        "twinstory-translations-{test}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&root);
    for (name, md) in stories {
        std::fs::create_dir_all(root.join(name)).unwrap();
        std::fs::write(root.join(name).join("story.md"), md).unwrap();
    }
    root
}

fn story(lang: &str, translations: &str) -> String {
    format!(
        "---\ntitle: T\nlang: {lang}\ntranslations: {translations}\n---\n\n## Eins\n\n```step\nview: {{ center: [10, 53.55], zoom: 11 }}\n```\n\nText.\n"
    )
}

/// The codes `validate` reports for the story in `dir`.
fn codes(dir: &Path) -> (Vec<String>, String) {
    let md = std::fs::read(dir.join("story.md")).unwrap();
    let mut parsed = parse_story("story.md", &md);
    check_assets(&mut parsed, dir);
    let codes = parsed.diagnostics.iter().map(|d| d.code.clone()).collect();
    (codes, parsed.story.map(|s| s.intro).unwrap_or_default())
}

#[test]
fn versions_that_name_each_other_are_clean_and_linked_on_the_cover() {
    let root = site(
        "ok",
        &[
            (
                "spielplaetze",
                &story("de", "{ en: ../where-children-play }"),
            ),
            (
                "where-children-play",
                &story("en-GB", "{ de: ../spielplaetze/ }"),
            ),
        ],
    );
    let (de, intro) = codes(&root.join("spielplaetze"));
    assert_eq!(de, Vec::<String>::new());
    assert!(
        intro.contains(
            "<a href=\"../where-children-play/\" hreflang=\"en\" lang=\"en\">English version</a>"
        ),
        "{intro}"
    );
    let (en, intro) = codes(&root.join("where-children-play"));
    assert_eq!(en, Vec::<String>::new());
    assert!(
        intro.contains(
            "<a href=\"../spielplaetze/\" hreflang=\"de\" lang=\"de\">Deutsche Fassung</a>"
        ),
        "{intro}"
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_version_in_another_language_or_without_a_way_back_is_reported() {
    let root = site(
        "wrong",
        &[
            ("a", &story("de", "{ en: ../b, fr: ../c }")),
            // b is German too; c is French but does not name a.
            ("b", &story("de", "{ en: ../a }")),
            ("c", &story("fr", "{ de: ../b }")),
        ],
    );
    let (a, _) = codes(&root.join("a"));
    assert_eq!(a, ["E0198", "W0058"]);
    std::fs::remove_dir_all(root).unwrap();
}
