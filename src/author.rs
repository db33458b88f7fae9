//! Playing a `story.md` straight from a URL: the story compiler
//! (`crates/author`, YAML and Markdown parsers) is a separate wasm module
//! that the player imports only then, so readers of compiled stories never
//! download it. The page names the module in `<meta name="twinstory-author-js">`
//! and `<meta name="twinstory-author-wasm">` (written by `twinstory build`).

use crate::modules::{call, ModuleError, AUTHOR};
use js_sys::Uint8Array;
use twinstory_model::Story;
use wasm_bindgen::JsValue;

/// True when `url` names a `story.md` (or any Markdown file) rather than compiled JSON.
pub fn is_markdown(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.ends_with(".md") || path.ends_with(".markdown")
}

/// Calls `name(file, bytes)` of the author module; it returns a string.
async fn call_author(what: &str, name: &str, file: &str, bytes: &[u8]) -> Result<String, String> {
    let out = call(
        AUTHOR,
        name,
        &[JsValue::from(file), Uint8Array::from(bytes).into()],
    )
    .await
    .map_err(|e| match e {
        ModuleError::Missing => format!(
            "{what} needs the story compiler, and this player was built without it. \
             Open the story that `twinstory build` writes instead."
        ),
        ModuleError::Unavailable { detail, .. } => {
            format!("the story compiler could not be loaded ({detail})")
        }
        ModuleError::Failed(detail) => format!("the story compiler failed ({detail})"),
    })?;
    out.as_string()
        .ok_or_else(|| "the story compiler gave no answer".to_string())
}

/// Compiles `source` (the text of `url`) with the author module.
pub async fn compile_markdown(url: &str, source: &[u8]) -> Result<Story, String> {
    let file = url.rsplit('/').next().unwrap_or(url);
    let json = call_author(
        &format!("{url} is a story.md and"),
        "compile_story",
        file,
        source,
    )
    .await?;
    // `{"story": …, "text": "…"}`: read without serde's derive (its code
    // would join the base module, see twinstory_model's json.rs).
    let unreadable =
        |e: &dyn std::fmt::Display| format!("the story compiler gave an unreadable answer ({e})");
    // Every JSON the player reads goes through `json_syntax`, not serde_json's
    // parser (see twinstory_model's json_syntax.rs).
    let answer =
        twinstory_model::json_syntax::parse(json.as_bytes()).map_err(|e| unreadable(&e))?;
    match answer.get("story") {
        Some(story) if !story.is_null() => {
            let story = Story::from_json_value(story).map_err(|e| unreadable(&e))?;
            crate::loader::keep_story_json(&json, Some("story"));
            Ok(story)
        }
        _ => {
            let text = answer
                .get("text")
                .and_then(|t| t.as_str())
                .unwrap_or_default();
            Err(format!("{url} has mistakes to fix:\n\n{text}"))
        }
    }
}
