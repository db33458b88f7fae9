//! Wasm modules the player imports only when a story needs them, so that
//! the base module every reader downloads stays within its size budget
//! (`scripts/size-budget`, ARCHITECTURE.md "Size budget").
//!
//! Each module is a crate built to its own wasm file with its JS glue;
//! `twinstory build` copies both with content-hashed names and names them
//! in two `<meta>` tags of the page. The player imports the glue with a
//! dynamic `import()` (no `eval`: this works under the strict CSP
//! `script-src 'self' 'wasm-unsafe-eval'`) and initialises it once.

use crate::platform::{meta_content, page_url, resolve_url};
use js_sys::{Array, Function, Promise, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

// The base's one JS snippet (each `inline_js` is a file and a request of its
// own): the module import, and `%` for `math.rs`.
#[wasm_bindgen(
    inline_js = "export function import_module(url, wasm) { return import(url).then((m) => m.default({ module_or_path: wasm }).then(() => m)); }\nexport function fmod(a, b) { return a % b; }"
)]
extern "C" {
    /// JavaScript's `%` on numbers: C's `fmod` (exact; the sign of `a`).
    #[wasm_bindgen(js_name = fmod)]
    pub(crate) fn js_fmod(a: f64, b: f64) -> f64;
    /// `import(url)`, a dynamic ES module import (no `eval`, so it works
    /// under a strict CSP), then its initialisation with the wasm at `wasm`.
    #[wasm_bindgen(catch)]
    fn import_module(url: &str, wasm: &str) -> Result<Promise, JsValue>;
}

/// A separately loaded module: the `<meta>` names of its JS glue and wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Module {
    /// `<meta name>` of the JS glue's address.
    pub js_meta: &'static str,
    /// `<meta name>` of the wasm file's address.
    pub wasm_meta: &'static str,
}

/// The story compiler (`crates/author`): YAML and Markdown, for
/// `?story=…/story.md`.
pub const AUTHOR: Module = Module {
    js_meta: "twinstory-author-js",
    wasm_meta: "twinstory-author-wasm",
};

/// The data readers (`crates/sources`): GeoJSON, CSV, Overpass and the
/// services, for layers that are not packed by `twinstory build`.
pub const SOURCES: Module = Module {
    js_meta: "twinstory-sources-js",
    wasm_meta: "twinstory-sources-wasm",
};

/// Playback through time (`crates/play`): the controls of steps with a
/// `play`, for stories that have one.
pub const PLAY: Module = Module {
    js_meta: "twinstory-play-js",
    wasm_meta: "twinstory-play-wasm",
};

/// Basemap tiles (`crates/basemap`): the tile images under the map, for
/// stories with a `basemap`.
pub const BASEMAP: Module = Module {
    js_meta: "twinstory-basemap-js",
    wasm_meta: "twinstory-basemap-wasm",
};

/// Why a module gave no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ModuleError {
    /// The page names no such module (a player built without it).
    Missing,
    /// The module's files could not be loaded (`url`: the JS glue's
    /// address, `detail`: what the browser said).
    Unavailable {
        /// The JS glue's address.
        url: String,
        /// What the browser said.
        detail: String,
    },
    /// The module was loaded, and the call threw this (for the sources
    /// module: the reader's message).
    Failed(String),
}

thread_local! {
    /// The modules being loaded or loaded, by their JS `<meta>` name: one
    /// promise each, which every caller awaits, so that tasks that start
    /// together share one instance (and its state).
    static LOADING: RefCell<Vec<(&'static str, Promise)>> = const { RefCell::new(Vec::new()) };
}

/// Imports and initialises `m` (once per page; again after a failure).
async fn load(m: Module) -> Result<JsValue, ModuleError> {
    let known = LOADING.with(|l| {
        l.borrow()
            .iter()
            .find(|(name, _)| *name == m.js_meta)
            .map(|(_, p)| p.clone())
    });
    let (promise, js) = match known {
        Some(p) => (p, String::new()),
        None => {
            let js = meta_content(m.js_meta)
                .filter(|s| !s.is_empty())
                .ok_or(ModuleError::Missing)?;
            let wasm = meta_content(m.wasm_meta)
                .filter(|s| !s.is_empty())
                .ok_or(ModuleError::Missing)?;
            let page = page_url();
            let js = resolve_url(&js, &page).map_err(|_| ModuleError::Missing)?;
            let wasm = resolve_url(&wasm, &page).map_err(|_| ModuleError::Missing)?;
            let p = import_module(&js, &wasm).map_err(|e| ModuleError::Unavailable {
                url: js.clone(),
                detail: describe(&e),
            })?;
            LOADING.with(|l| l.borrow_mut().push((m.js_meta, p.clone())));
            (p, js)
        }
    };
    let failed = JsValue::from(promise.clone());
    JsFuture::from(promise).await.map_err(|e| {
        // Forget the failure, so that "try again" tries again.
        LOADING.with(|l| {
            l.borrow_mut()
                .retain(|(name, p)| *name != m.js_meta || JsValue::from(p.clone()) != failed)
        });
        ModuleError::Unavailable {
            url: if js.is_empty() {
                meta_content(m.js_meta)
                    .and_then(|j| resolve_url(&j, &page_url()).ok())
                    .unwrap_or_default()
            } else {
                js
            },
            detail: describe(&e),
        }
    })
}

/// Calls the function `name` of module `m` with `args` (loading the module
/// first if need be) and returns what it returns.
pub async fn call(m: Module, name: &str, args: &[JsValue]) -> Result<JsValue, ModuleError> {
    let f = function(m, name).await?;
    let args: Array = args.iter().collect();
    f.apply(&JsValue::NULL, &args)
        .map_err(|e| ModuleError::Failed(describe(&e)))
}

/// The function `name` of module `m` (loading the module first if need
/// be), for callers that call it often.
pub async fn function(m: Module, name: &str) -> Result<Function, ModuleError> {
    let module = load(m).await?;
    Reflect::get(&module, &name.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| ModuleError::Failed(format!("the module has no function {name}")))
}

/// The text of a thrown value (an `Error`'s message, or a thrown string).
pub fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
