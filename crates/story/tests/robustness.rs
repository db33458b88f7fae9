//! Hostile input gives a diagnostic, never a panic or a hang.
#![allow(
    clippy::disallowed_methods,
    reason = "host-only test: the clock bounds the parser's time"
)]

use std::time::Instant;
use twinstory_story::{parse_story, render_diagnostics, MAX_FILE_BYTES};

fn codes(source: &[u8]) -> Vec<String> {
    let parsed = parse_story("story.md", source);
    let text = String::from_utf8_lossy(source);
    // Rendering must cope with whatever positions parsing produced.
    let _ = render_diagnostics(&text, &parsed.diagnostics, true);
    parsed.diagnostics.into_iter().map(|d| d.code).collect()
}

#[test]
fn empty_file_asks_for_front_matter_and_steps() {
    assert_eq!(codes(b""), ["E0010", "E0041"]);
}

#[test]
fn binary_data_is_one_error() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..4096).map(|i| (i * 7 % 256) as u8));
    assert_eq!(codes(&png), ["E0002"]);
}

#[test]
fn invalid_utf8_names_the_line_and_parsing_goes_on() {
    let src = b"---\ntitle: x\n---\n\n## Eins\n\n```step\n```\n\nSpielpl\xe4tze\n";
    let parsed = parse_story("story.md", src);
    let d = parsed
        .diagnostics
        .iter()
        .find(|d| d.code == "E0001")
        .unwrap();
    assert_eq!((d.code.as_str(), d.line, d.column), ("E0001", 10, 8));
    assert_eq!(parsed.story.unwrap().steps.len(), 1);
}

#[test]
fn a_file_over_the_limit_is_refused_quickly() {
    let mut big = b"---\ntitle: big\n---\n\n## Eins\n\n".to_vec();
    while big.len() <= 50 * 1000 * 1000 {
        big.extend_from_slice(b"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n");
    }
    let start = Instant::now();
    assert_eq!(codes(&big), ["E0003"]);
    assert!(start.elapsed().as_secs() < 5);
}

#[test]
fn a_file_just_under_the_limit_parses() {
    // Many steps and long text near the size limit: must parse completely.
    let mut src = String::from(
        "---\ntitle: big\nlayers:\n  a: { source: { type: geojson, url: a.geojson } }\n---\n",
    );
    let mut n = 0;
    while src.len() < MAX_FILE_BYTES - 2000 {
        n += 1;
        src.push_str(&format!(
            "\n## Schritt {n}\n\n```step\nview: {{ center: [10, 53.5], zoom: 11 }}\nshow: [a]\n```\n\n{}\n",
            "Text mit *Betonung* und [Links](https://example.org). ".repeat(20)
        ));
    }
    let parsed = parse_story("story.md", src.as_bytes());
    assert!(
        parsed.diagnostics.is_empty(),
        "{:?}",
        &parsed.diagnostics[..1]
    );
    assert_eq!(parsed.story.unwrap().steps.len(), n);
}

#[test]
fn billion_laughs_is_refused() {
    let mut src = String::from("---\ntitle: lol\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        src.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    src.push_str("---\n\n## Eins\n\n```step\nshow: []\n```\n");
    let start = Instant::now();
    assert_eq!(codes(src.as_bytes()), ["E0014"]);
    assert!(start.elapsed().as_secs() < 5);
}

#[test]
fn deep_nesting_is_refused_in_front_matter_and_steps() {
    for depth in [100, 100_000] {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let src = format!(
            "---\ntitle: x\nlayers: {deep}\n---\n\n## Eins\n\n```step\nshow: {deep}\n```\n"
        );
        assert_eq!(codes(src.as_bytes()), ["E0014", "E0014"], "{depth}");
        let mut block = String::from("---\ntitle: x\nlayers:\n");
        for i in 1..500 {
            block.push_str(&format!("{}a{i}:\n", " ".repeat(i)));
        }
        block.push_str("---\n\n## Eins\n\n```step\nshow: []\n```\n");
        assert_eq!(codes(block.as_bytes()), ["E0014"]);
    }
}

#[test]
fn every_prefix_of_the_example_parses_without_panic() {
    let src = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../stories/spielplaetze/story.md"
    ))
    .unwrap();
    for cut in (0..src.len()).step_by(7) {
        let _ = codes(&src[..cut]);
    }
}

#[test]
fn a_byte_order_mark_at_the_start_is_no_invisible_character() {
    let src = "\u{feff}---\ntitle: x\nlayers:\n  a: { source: { type: geojson, url: a.geojson } }\n---\n\n## Eins\n\n```step\nshow: [a]\n```\n";
    assert_eq!(codes(src.as_bytes()), Vec::<String>::new());
    // Elsewhere it is one (W0010), at its column in the file.
    let src = src.replace("## Eins", "## Ei\u{feff}ns");
    let parsed = parse_story("story.md", src.as_bytes());
    let d: Vec<_> = parsed
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.line, d.column))
        .collect();
    assert_eq!(d, [("W0010", 7, 6)]);
    assert_eq!(parsed.story.unwrap().steps[0].title, "Eins");
}

#[test]
fn no_bidirectional_control_reaches_the_story() {
    // Trojan Source: every control, everywhere the text goes.
    let mut src = String::from("---\ntitle: \"T\u{202e}1\"\nlayers:\n  a: { source: { type: geojson, url: a.geojson }, tooltip: \"{name}\u{2067}x\" }\n---\n\nIntro \u{202d}x\n\n## S\u{202b}1\n\n```step\nshow: [a]\n```\n\n[l\u{2066}](https://x.org/\u{202a}y) ![a\u{200f}](i\u{061c}.png \"c\u{2069}\")\n");
    src.push_str("\u{202c}\u{2068}\u{200e}\u{200b}\u{2060}\n");
    let parsed = parse_story("story.md", src.as_bytes());
    let json = serde_json::to_string(&parsed.story.unwrap()).unwrap();
    for c in json.chars() {
        assert!(
            !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{061c}' | '\u{2060}'),
            "U+{:04X} in {json}",
            c as u32
        );
    }
    assert!(
        parsed
            .diagnostics
            .iter()
            .filter(|d| d.code == "W0010")
            .count()
            >= 14
    );
}
