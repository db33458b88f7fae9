//! Playing a `story.md` straight from a URL: the story compiler
//! (`crates/author`, YAML and Markdown parsers) is a separate wasm module
//! that the player imports only then, so readers of compiled stories never
//! download it. The page names the module in `<meta name="twinstory-author-js">`
//! and `<meta name="twinstory-author-wasm">` (written by `twinstory build`).

use crate::platform::{meta_content, page_url, resolve_url};
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use serde::Deserialize;
use twinstory_model::Story;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = "export function import_module(url) { return import(url); }")]
extern "C" {
    /// `import(url)`: a dynamic ES module import (no `eval`, so it works under a strict CSP).
    #[wasm_bindgen(catch)]
    fn import_module(url: &str) -> Result<Promise, JsValue>;
}

/// What the author module answers.
#[derive(Debug, Deserialize)]
struct Compiled {
    story: Option<Story>,
    text: String,
}

/// True when `url` names a `story.md` (or any Markdown file) rather than compiled JSON.
pub fn is_markdown(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.ends_with(".md") || path.ends_with(".markdown")
}

thread_local! {
    /// The author module once loaded and initialised.
    static MODULE: std::cell::RefCell<Option<JsValue>> = const { std::cell::RefCell::new(None) };
}

/// Imports and initialises the author module (once per page).
async fn module(what: &str) -> Result<JsValue, String> {
    if let Some(m) = MODULE.with(|m| m.borrow().clone()) {
        return Ok(m);
    }
    let unavailable = || {
        format!(
            "{what} needs the story compiler, and this player was built without it. \
             Open the story that `twinstory build` writes instead."
        )
    };
    let js = meta_content("twinstory-author-js").ok_or_else(unavailable)?;
    let wasm = meta_content("twinstory-author-wasm").ok_or_else(unavailable)?;
    let js = resolve_url(&js, &page_url())?;
    let wasm = resolve_url(&wasm, &page_url())?;
    let failed = |e: JsValue| format!("the story compiler could not be loaded ({})", describe(&e));
    let module = JsFuture::from(import_module(&js).map_err(failed)?)
        .await
        .map_err(failed)?;
    if let Some(m) = MODULE.with(|m| m.borrow().clone()) {
        // Another task finished first.
        return Ok(m);
    }
    let init: Function = Reflect::get(&module, &"default".into())
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    let opts = Object::new();
    Reflect::set(&opts, &"module_or_path".into(), &wasm.into()).map_err(failed)?;
    let ready: Promise = init
        .call1(&JsValue::NULL, &opts)
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    JsFuture::from(ready).await.map_err(failed)?;
    MODULE.with(|m| *m.borrow_mut() = Some(module.clone()));
    Ok(module)
}

/// Calls `name(file, bytes)` of the author module; it returns a string.
async fn call(what: &str, name: &str, file: &str, bytes: &[u8]) -> Result<String, String> {
    let module = module(what).await?;
    let failed = |e: JsValue| format!("the story compiler failed ({})", describe(&e));
    let f: Function = Reflect::get(&module, &name.into())
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    let out = f
        .call2(&JsValue::NULL, &file.into(), &Uint8Array::from(bytes))
        .map_err(failed)?;
    out.as_string()
        .ok_or_else(|| "the story compiler gave no answer".to_string())
}

/// Compiles `source` (the text of `url`) with the author module.
pub async fn compile_markdown(url: &str, source: &[u8]) -> Result<Story, String> {
    let file = url.rsplit('/').next().unwrap_or(url);
    let json = call(
        &format!("{url} is a story.md and"),
        "compile_story",
        file,
        source,
    )
    .await?;
    let compiled: Compiled = serde_json::from_str(&json)
        .map_err(|e| format!("the story compiler gave an unreadable answer ({e})"))?;
    compiled
        .story
        .ok_or_else(|| format!("{url} has mistakes to fix:\n\n{}", compiled.text))
}

/// Converts Overpass JSON (only in stories played unbuilt) to GeoJSON text
/// with the author module, so the Overpass reader stays out of the player.
pub async fn overpass_to_geojson(url: &str, bytes: &[u8]) -> Result<String, String> {
    let json = call(
        &format!("{url} is Overpass JSON and"),
        "overpass_to_geojson",
        url,
        bytes,
    )
    .await?;
    #[derive(Deserialize)]
    struct Converted {
        geojson: Option<String>,
        error: Option<String>,
    }
    let c: Converted = serde_json::from_str(&json)
        .map_err(|e| format!("the story compiler gave an unreadable answer ({e})"))?;
    match (c.geojson, c.error) {
        (Some(g), _) => Ok(g),
        (None, e) => Err(e.unwrap_or_else(|| "unknown error".into())),
    }
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
