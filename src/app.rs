//! The root component: loads the story and shows it, or says what went wrong.

use crate::loader::{load_story, LoadedStory};
use crate::story_page::StoryPage;
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq)]
enum LoadState {
    Loading,
    Ready(LoadedStory),
    Failed(String),
}

/// Loads `story.json` (or `?story=<url>`) and plays it.
#[component]
pub fn App() -> impl IntoView {
    let (state, set_state) = signal(LoadState::Loading);
    leptos::task::spawn_local(async move {
        set_state.set(match load_story().await {
            Ok(s) => LoadState::Ready(s),
            Err(e) => LoadState::Failed(e),
        });
    });
    move || match state.get() {
        LoadState::Loading => {
            view! { <p class="ts-loading" role="status">"Die Geschichte wird geladen …"</p> }
                .into_any()
        }
        LoadState::Failed(message) => {
            view! { <ErrorPanel title="Diese Geschichte kann nicht angezeigt werden." message/> }
                .into_any()
        }
        LoadState::Ready(loaded) => view! { <StoryPage loaded/> }.into_any(),
    }
}

/// A readable error in place of the story.
#[component]
pub fn ErrorPanel(
    /// One sentence for the reader.
    title: &'static str,
    /// The details, for the author or the web team.
    message: String,
) -> impl IntoView {
    view! {
        <div class="ts-error" role="alert">
            <h1>{title}</h1>
            <p>{message}</p>
        </div>
    }
}
