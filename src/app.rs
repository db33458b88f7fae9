//! The root component: loads the story and shows it, or says what went wrong.

use crate::loader::{load_story, LoadError, LoadedStory};
use crate::story_page::StoryPage;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use twinstory_model::strings::Strings;
use twinstory_model::trust::Refusal;

#[derive(Debug)]
enum LoadState {
    Loading,
    // Boxed: the story is large beside the other states (clippy's large_enum_variant).
    Ready(Box<LoadedStory>),
    Failed(LoadError),
}

/// Loads `story.json` (or `?story=<url>`) and plays it.
#[component]
pub fn App() -> impl IntoView {
    let (state, set_state) = signal(LoadState::Loading);
    leptos::task::spawn_local(async move {
        let mut loaded = load_story().await;
        if let Ok(l) = &mut loaded {
            crate::loader::read_first(l).await;
        }
        set_state.set(match loaded {
            Ok(s) => LoadState::Ready(Box::new(s)),
            Err(e) => LoadState::Failed(e),
        });
    });
    // Before the story is there, the page's `<html lang>` speaks.
    let t = crate::platform::page_lang().strings();
    // `EitherOf3`, not `into_any`: the type-erased view's machinery is
    // code of its own in the size-budgeted base (4.2 KB gzip).
    //
    // The state is taken out of the signal, not copied (`get`): the story
    // moves into the page, and no code to copy a `Story` is in the base.
    // The signal is set once, so this runs for `Loading` and then once more.
    move || {
        state.track();
        let taken = std::mem::replace(&mut *set_state.write_untracked(), LoadState::Loading);
        app_view(taken, t)
    }
}

/// What the root shows in each state.
fn app_view(state: LoadState, t: &'static Strings) -> impl IntoView {
    match state {
        LoadState::Loading => {
            EitherOf3::A(view! { <p class="ts-loading" role="status">{t.loading_story}</p> })
        }
        LoadState::Failed(error) => {
            let (title, message) = match error {
                LoadError::Failed(message) => (t.story_failed, message),
                LoadError::Refused(refusal) => refusal_text(&refusal, t),
            };
            EitherOf3::B(view! { <ErrorPanel title message/> })
        }
        LoadState::Ready(loaded) => {
            let loaded = *loaded;
            EitherOf3::C(view! { <StoryPage loaded/> })
        }
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

/// What the reader reads when `?story=` names an address the page does not
/// allow: short, naming only the refused origin or scheme.
fn refusal_text(r: &Refusal, t: &'static Strings) -> (&'static str, String) {
    let message = match r {
        Refusal::Origin(o) => (t.story_refused_origin)(o),
        Refusal::Scheme(s) => (t.story_refused_scheme)(s),
        Refusal::Invalid => t.story_refused_invalid.to_string(),
    };
    (t.story_refused, message)
}
