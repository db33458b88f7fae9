//! The story page: title, sticky map, scrolling steps and credits.

use crate::loader::{load_layer, LoadedStory};
use crate::map_view::{request_frame, MapHandle, MapState};
use crate::platform::{location_hash, replace_hash, window};
use crate::scroll::watch_active_step;
use leptos::html::{Canvas, Div};
use leptos::prelude::*;
use std::rc::Rc;
use twinstory_scene::Scene;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Plays a loaded story.
#[component]
pub fn StoryPage(
    /// The story and where it came from.
    loaded: LoadedStory,
) -> impl IntoView {
    let story = loaded.story.clone();
    let (active, set_active) = signal::<Option<usize>>(None);
    let (layer_errors, set_layer_errors) = signal::<Vec<String>>(Vec::new());
    let (loading, set_loading) = signal(story.layers.len());
    let canvas_ref = NodeRef::<Canvas>::new();
    let steps_ref = NodeRef::<Div>::new();
    let map: MapHandle = MapState::new(Scene::new(story.clone()));

    // Load every layer in parallel; each arrival re-targets and redraws.
    for (i, layer) in story.layers.iter().enumerate() {
        let (layer, url, map) = (layer.clone(), loaded.url.clone(), map.clone());
        leptos::task::spawn_local(async move {
            let result = load_layer(&layer, &url).await;
            {
                let mut m = map.borrow_mut();
                match result {
                    Ok(data) => m.scene.set_layer_data(i, &data),
                    Err(e) => {
                        let title = layer.title.clone().unwrap_or_else(|| layer.id.clone());
                        let msg = format!("Die Ebene „{title}“ konnte nicht geladen werden: {e}");
                        web_sys::console::warn_1(&msg.clone().into());
                        m.scene.set_layer_failed(i, msg.clone());
                        set_layer_errors.update(|v| v.push(msg));
                    }
                }
                m.data_changed();
            }
            set_loading.update(|n| *n = n.saturating_sub(1));
            request_frame(&map);
        });
    }

    // Attach the canvas and the step observer once the DOM exists.
    {
        let map = map.clone();
        Effect::new(move |_| {
            let (Some(canvas), Some(steps)) = (canvas_ref.get(), steps_ref.get()) else {
                return;
            };
            map.borrow_mut().attach(canvas.clone());
            let card = steps.query_selector(".ts-card").ok().flatten();
            map.borrow_mut().measure(card);
            // Open at the step named in the URL fragment, if any.
            if let Some(id) = location_hash() {
                if let Ok(Some(el)) =
                    steps.query_selector(&format!("[id=\"{}\"]", id.replace('"', "")))
                {
                    el.scroll_into_view();
                }
            }
            watch_active_step(steps.clone().into(), set_active);
            watch_resize(map.clone(), steps.into());
        });
    }

    // Apply the active step's complete state whenever it changes.
    {
        let map = map.clone();
        let ids: Vec<String> = story.steps.iter().map(|s| s.id.clone()).collect();
        Effect::new(move |_| {
            if let Some(i) = active.get() {
                map.borrow_mut().go_to(i);
                request_frame(&map);
                if let Some(id) = ids.get(i) {
                    replace_hash(id);
                }
            }
        });
    }

    let accent = story.theme.accent.to_hex();
    let style = format!("--ts-accent: {accent};");
    let legend = legend_rows(&story);
    let step_views = story
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let is_active = move || active.get() == Some(i);
            view! {
                <section
                    class="ts-step"
                    class:is-active=is_active
                    id=step.id.clone()
                    data-step=i.to_string()
                    aria-current=move || if is_active() { Some("step") } else { None }
                >
                    <div class="ts-card">
                        <h2>{step.title.clone()}</h2>
                        <div class="ts-text" inner_html=step.html.clone()></div>
                    </div>
                </section>
            }
        })
        .collect_view();

    view! {
        <article class="ts-story" lang=story.lang.clone() style=style>
            <header class="ts-header">
                <h1>{story.title.clone()}</h1>
                {story.summary.clone().map(|s| view! { <p class="ts-summary">{s}</p> })}
                {(!story.authors.is_empty()).then(|| view! { <p class="ts-authors">{story.authors.join(", ")}</p> })}
            </header>
            <div class="ts-scrolly">
                <div class="ts-map">
                    <canvas
                        node_ref=canvas_ref
                        class="ts-canvas"
                        role="img"
                        aria-label=format!("Karte zur Geschichte „{}“", story.title)
                        data-active-step=move || active.get().map(|i| i.to_string()).unwrap_or_default()
                        data-loading=move || loading.get().to_string()
                    ></canvas>
                    <div class="ts-map-status" role="status" aria-live="polite">
                        {move || (loading.get() > 0).then(|| view! { <p class="ts-map-loading">"Daten werden geladen …"</p> })}
                        {move || layer_errors.get().into_iter().map(|e| view! { <p class="ts-map-error">{e}</p> }).collect_view()}
                    </div>
                    <Legend rows=legend active=active/>
                </div>
                <div class="ts-steps" node_ref=steps_ref>{step_views}</div>
            </div>
            <footer class="ts-footer">
                <h2>"Quellen"</h2>
                <ul>{story.credits.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ul>
                <p class="ts-made-with">"Erstellt mit twinstory"</p>
            </footer>
        </article>
    }
}

/// One row of the legend.
#[derive(Debug, Clone, PartialEq)]
struct LegendRow {
    title: String,
    colour: String,
    point: bool,
}

/// The layers visible in the active step, with their symbol colour.
#[component]
fn Legend(
    /// Legend rows for each step.
    rows: Vec<Vec<LegendRow>>,
    /// The active step.
    active: ReadSignal<Option<usize>>,
) -> impl IntoView {
    let items = move || {
        let step_rows = rows.get(active.get()?)?.clone();
        let list = step_rows
            .into_iter()
            .map(|r| {
                let kind = if r.point { "ts-legend-item ts-legend-point" } else { "ts-legend-item ts-legend-area" };
                view! {
                    <li class=kind>
                        <span class="ts-swatch" style=format!("background:{}", r.colour) aria-hidden="true"></span>
                        {r.title}
                    </li>
                }
            })
            .collect_view();
        Some(view! { <ul class="ts-legend" aria-label="Legende">{list}</ul> })
    };
    view! { <div class="ts-legend-box">{items}</div> }
}

/// Legend rows of every step, from the story alone.
fn legend_rows(story: &twinstory_model::Story) -> Vec<Vec<LegendRow>> {
    story
        .steps
        .iter()
        .map(|s| {
            s.show
                .iter()
                .filter(|st| st.opacity > 0.0)
                .filter_map(|st| {
                    let l = story.layer(&st.layer)?;
                    Some(LegendRow {
                        title: l.title.clone().unwrap_or_else(|| l.id.clone()),
                        colour: l
                            .style
                            .fill
                            .or(l.style.stroke)
                            .map(|c| c.to_hex())
                            .unwrap_or_default(),
                        point: matches!(l.source, twinstory_model::Source::Csv { .. }),
                    })
                })
                .collect()
        })
        .collect()
}

/// Re-measures the map when the window or the map box changes size.
fn watch_resize(map: MapHandle, steps: web_sys::Element) {
    let steps = Rc::new(steps);
    let on_resize = Closure::<dyn FnMut()>::new(move || {
        let card = steps.query_selector(".ts-card").ok().flatten();
        map.borrow_mut().measure(card);
        request_frame(&map);
    });
    let w = window();
    let _ = w.add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    on_resize.forget();
}
