//! Stories written from the docs alone (`tests/authored/*/story.md`, see its
//! README): each must validate without errors or warnings, with every
//! layer's data read, so that what the docs describe is what `validate`
//! accepts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a failed setup stops the test with its message"
)]

use std::path::Path;
use twinstory_story::{check_assets, parse_story};

#[test]
fn stories_written_from_the_docs_validate_without_warnings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/authored");
    let mut stories = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let folder = e.unwrap().path();
        let file = folder.join("story.md");
        if !file.is_file() {
            continue;
        }
        stories += 1;
        let mut parsed = parse_story("story.md", &std::fs::read(&file).unwrap());
        check_assets(&mut parsed, &folder);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            parsed.diagnostics.is_empty(),
            "{}:\n{}",
            folder.display(),
            twinstory_story::render_diagnostics(&text, &parsed.diagnostics, false)
        );
        let story = parsed.story.as_ref().unwrap();
        assert!(story.steps.len() >= 3, "{}", folder.display());
        for (i, layer) in story.layers.iter().enumerate() {
            let data = parsed
                .layer_data(i)
                .unwrap_or_else(|| panic!("{} not read", layer.id));
            assert!(!data.dataset.features.is_empty(), "{}", layer.id);
        }
    }
    assert_eq!(stories, 2);
}

/// The authored stories' mistakes as an author first wrote them: each is
/// caught with the code the docs name.
#[test]
fn first_drafts_of_the_authored_stories_are_caught() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/authored/rad-und-ubahn");
    let text = std::fs::read_to_string(dir.join("story.md")).unwrap();
    for (right, wrong, code) in [
        (
            "name == \"Hauptbahnhof Süd\"",
            "name = \"Hauptbahnhof Süd\"",
            "E0025",
        ),
        ("(#bezirke)", "(#ueberblick)", "W0012"),
        ("property: anteil", "property: Anteil", "W0008"),
        ("scheme: yl-gn-bu", "scheme: viridis", "E0023"),
        ("label: \"{name}\"", "label: \"{Name}\"", "W0008"),
    ] {
        assert!(text.contains(right), "{right}");
        let draft = text.replace(right, wrong);
        let mut parsed = parse_story("story.md", draft.as_bytes());
        check_assets(&mut parsed, &dir);
        let codes: Vec<&str> = parsed.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, [code], "{wrong}");
    }
}
