//! The root component: loads the story and shows it, or says what went wrong.

use crate::loader::{load_story, LoadError, LoadedStory};
use crate::story_page::StoryPage;
use leptos::prelude::*;
use twinstory_model::trust::Refusal;

#[derive(Debug, Clone, PartialEq)]
enum LoadState {
    Loading,
    Ready(LoadedStory),
    Failed(LoadError),
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
        LoadState::Failed(LoadError::Failed(message)) => {
            view! { <ErrorPanel title="Diese Geschichte kann nicht angezeigt werden." message/> }
                .into_any()
        }
        LoadState::Failed(LoadError::Refused(refusal)) => {
            let (title, message) = refusal_text(&refusal, page_is_german());
            view! { <ErrorPanel title message/> }.into_any()
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

/// Whether the page (`<html lang>`) is German, the default.
fn page_is_german() -> bool {
    let lang = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .unwrap_or_default();
    lang.is_empty() || lang.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("de"))
}

/// What the reader reads when `?story=` names an address the page does not
/// allow: short, naming only the refused origin or scheme.
fn refusal_text(r: &Refusal, de: bool) -> (&'static str, String) {
    let title = if de {
        "Diese Geschichte wird hier nicht gezeigt."
    } else {
        "This story is not shown here."
    };
    let message = match (r, de) {
        (Refusal::Origin(o), true) => {
            format!("Geschichten von {o} sind für diese Seite nicht freigegeben.")
        }
        (Refusal::Origin(o), false) => format!("Stories from {o} are not allowed on this page."),
        (Refusal::Scheme(s), true) => format!(
            "Adressen mit „{s}:“ werden nicht geladen; eine Geschichte muss von einer freigegebenen Web-Adresse kommen."
        ),
        (Refusal::Scheme(s), false) => format!(
            "Addresses starting with “{s}:” are not loaded; a story must come from an allowed web address."
        ),
        (Refusal::Invalid, true) => "Die Adresse der Geschichte ist ungültig.".to_string(),
        (Refusal::Invalid, false) => "The story's address is not valid.".to_string(),
    };
    (title, message)
}
