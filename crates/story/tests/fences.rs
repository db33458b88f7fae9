//! A fenced block that twinstory reads (```step, ```chart, ```video,
//! ```audio) without its closing fence swallows the text below it: one
//! error (E0047) at its opening fence, never a YAML error somewhere in the
//! text it swallowed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a failed setup stops the test with its message"
)]

use twinstory_story::{parse_story, render_diagnostics};

/// Lines 1–14: front matter and a first step whose block is closed.
const START: &str = "---\ntitle: Offene Blöcke\nlayers:\n  areas:\n    source: { type: geojson, url: data/areas.geojson }\n---\n\n## Eins\n\n```step\nview: { center: [10, 53.55], zoom: 11 }\nshow: [areas]\n```\n\n";

/// (code, line, column, message, help) of every diagnostic of `START` + `rest`.
fn diagnostics(rest: &str) -> Vec<(String, usize, usize, String, String)> {
    let source = format!("{START}{rest}");
    let parsed = parse_story("story.md", source.as_bytes());
    // Rendering copes with the positions.
    let _ = render_diagnostics(&source, &parsed.diagnostics, false);
    parsed
        .diagnostics
        .into_iter()
        .map(|d| {
            (
                d.code,
                d.line,
                d.column,
                d.message,
                d.help.unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn an_unclosed_block_of_every_kind_is_one_error_at_its_fence() {
    for kind in ["chart", "video", "audio"] {
        let settings = match kind {
            "chart" => "type: bar\nlayer: areas\ntitle: Fläche\n",
            "video" => "src: media/walk.mp4\nalt: Ein Gang durch den Park\ncaption: Im Park\n",
            _ => "src: media/talk.mp3\ntitle: Gespräch\ncaption: Im Park\n",
        };
        // Line 15 the fence, 16–18 the settings, then text with `: ` in it
        // (no YAML) and another step.
        let rest = format!(
            "```{kind}\n{settings}\nThe closing fence is missing, so Markdown reads the rest of the file as the block.\n\n## Zwei\n\nMore text.\n"
        );
        let found = diagnostics(&rest);
        assert_eq!(found.len(), 1, "```{kind}: {found:#?}");
        let (code, line, column, message, help) = &found[0];
        assert_eq!(
            (code.as_str(), *line, *column),
            ("E0047", 15, 1),
            "```{kind}: {found:#?}"
        );
        assert_eq!(
            message,
            &format!(
                "this ```{kind} block is not closed: the rest of the file is read as its settings"
            )
        );
        assert_eq!(
            help,
            &format!("add ``` on a line of its own after the {kind}'s settings (after line 18)")
        );
    }
}

#[test]
fn a_chart_block_closed_by_a_later_block_names_both_lines() {
    let rest = "```chart\ntype: bar\nlayer: areas\n\nThe closing fence is missing, so the next block's fence ends this one.\n\n## Zwei\n\n```step\nshow: [areas]\n```\n\nText.\n";
    let found = diagnostics(rest);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (code, line, _, message, help) = &found[0];
    assert_eq!((code.as_str(), *line), ("E0047", 15), "{found:#?}");
    assert_eq!(
        message,
        "this ```chart block is not closed: it runs on to line 25, where the closing ``` of the ```step on line 23 ends it, and everything between is read as its settings"
    );
    assert_eq!(
        help,
        "add ``` on a line of its own after the chart's settings (after line 17)"
    );
}

#[test]
fn a_closed_block_with_a_yaml_mistake_is_still_a_yaml_error() {
    let rest = "```chart\ntype: bar\nlayer: areas: quarters\n```\n\nText.\n";
    let found = diagnostics(rest);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1),
        ("E0012", 17),
        "{found:#?}"
    );
}
