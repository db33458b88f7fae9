//! `story.md` → story JSON in the browser, as a module of its own.
//!
//! The player downloads this module only when a reader opens a `story.md`
//! directly (`?story=…/story.md`), e.g. an author previewing a file on a web
//! server without running `twinstory build`. Compiled stories (`story.json`)
//! never need it, so the YAML and Markdown parsers stay out of the bundle
//! every reader downloads.

use serde::Serialize;
use twinstory_story::{has_errors, parse_story, render_diagnostics, Diagnostic};
use wasm_bindgen::prelude::wasm_bindgen;

/// What [`compile_story`] returns, as JSON.
#[derive(Debug, Serialize)]
struct Compiled<'a> {
    /// The story model, or `null` when it has errors.
    story: Option<&'a twinstory_model::Story>,
    /// Every diagnostic, as `twinstory validate --format json` prints them.
    diagnostics: &'a [Diagnostic],
    /// The diagnostics rendered like the CLI does, without colour.
    text: String,
}

/// Compiles `story.md` source; `file` names it in diagnostics. Returns JSON
/// `{"story": …|null, "diagnostics": […], "text": "…"}`.
#[wasm_bindgen]
pub fn compile_story(file: &str, source: &[u8]) -> String {
    let parsed = parse_story(file, source);
    let errors = has_errors(&parsed.diagnostics);
    let text = render_diagnostics(&String::from_utf8_lossy(source), &parsed.diagnostics, false);
    let out = Compiled {
        story: parsed.story.as_ref().filter(|_| !errors),
        diagnostics: &parsed.diagnostics,
        text,
    };
    serde_json::to_string(&out)
        .unwrap_or_else(|e| format!("{{\"story\":null,\"diagnostics\":[],\"text\":\"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_story_compiles_and_a_bad_one_explains_why() {
        let good = "---\ntitle: T\n---\n\n## One\n\n```step\nview: { center: [10, 53.5], zoom: 11 }\n```\n\nText.\n";
        let v: serde_json::Value =
            serde_json::from_str(&compile_story("story.md", good.as_bytes())).unwrap();
        assert_eq!(v["story"]["title"], "T");
        assert_eq!(v["story"]["steps"][0]["id"], "one");
        let bad = good.replace("zoom: 11", "zoom: 99");
        let v: serde_json::Value =
            serde_json::from_str(&compile_story("story.md", bad.as_bytes())).unwrap();
        assert!(v["story"].is_null());
        assert!(
            v["text"].as_str().unwrap().contains("story.md:8:"),
            "{}",
            v["text"]
        );
    }
}
