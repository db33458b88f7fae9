//! The twinstory browser player: a thin shell around the pure crates.
//!
//! `app` loads the story, `story_page` lays it out, `scroll` derives the
//! active step, `map_view` shows frames painted by `twinstory-scene` over the optional
//! basemap tiles of the basemap module (`labels`: the feature labels over them), and
//! `loader` fetches the story and its layers (`fetch_with` is the one fetch
//! point), `platform` wraps the other browser services used (time, canvas,
//! URL, media queries; `math`: the browser's `Math` in place of libm);
//! `modules` imports the modules only some stories need (the
//! story compiler for `?story=…/story.md`, used by `author`; the data
//! readers for layers the build did not pack, used by `loader`; time
//! playback, used by `story_page`; basemap tiles, used by `map_view`); `embed` plays the story inside another site's iframe (`platform::root` is where the player looks its elements up: the page, or a `<twin-story>` element's shadow root). Nothing here decides what the map shows; that is the scene's job.

pub mod app;
pub mod author;
pub mod embed;
pub mod labels;
pub mod loader;
pub mod map_view;
#[cfg(target_arch = "wasm32")]
pub mod math;
pub mod media;
pub mod modules;
pub mod platform;
pub mod scroll;
pub mod step_html;
pub mod story_page;

/// Mounts the player into `<body>`, or, in element mode, into the element
/// `element.js` made in a `<twin-story>`'s shadow root.
pub fn start() {
    // Runs in the wasm tests and in a player built with
    // TWINSTORY_PANIC_MESSAGES=1; the release player's panics stop it
    // without a message (immediate-abort, docs/facts.md).
    console_error_panic_hook::set_once();
    match platform::take_element_mount() {
        Some(el) => leptos::mount::mount_to(el, app::App).forget(),
        None => leptos::mount::mount_to_body(app::App),
    }
}
