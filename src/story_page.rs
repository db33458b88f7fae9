//! The story page: title, sticky map, scrolling steps and credits.

use crate::loader::{load_layer, LayerJob, LoadedStory};
use crate::map_view::{
    attach_basemap, listen_for_navigation, listen_for_tooltips, request_frame, MapHandle, MapState,
};
use crate::platform::{
    active_element, find_all, find_id, in_element, location_hash, replace_hash, window,
};
use crate::scroll::watch_active_step;
use leptos::html::{Canvas, Div};
use leptos::prelude::*;
use std::rc::Rc;
use twinstory_map::Rgba;
use twinstory_model::decimal::{Fixed, Shortest};
use twinstory_model::strings::{Lang, Strings};
use twinstory_scene::{Credit, DataTable, LegendEntry, LegendKind, Scene, TableQuery};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Plays a loaded story.
#[component]
pub fn StoryPage(
    /// The story and where it came from.
    loaded: LoadedStory,
) -> impl IntoView {
    // The story moves into the scene; the page is made from it there (a
    // borrow held until the view is made: nothing below changes the map
    // before then, only the effects and tasks that run later). No copy of
    // the story: `Story`'s and `Layer`'s clone code stays out of the base.
    let map: MapHandle = MapState::new(Scene::new(loaded.story));
    // The opening step's layers read before the page (`read_first`).
    for (i, data) in &loaded.first {
        map.borrow_mut().scene.set_layer_data(*i, data);
    }
    let read = |i: usize| loaded.first.iter().any(|(f, _)| *f == i);
    let held = map.borrow();
    let story = &held.scene.story;
    let (active, set_active) = signal::<Option<usize>>(None);
    let (layer_errors, set_layer_errors) = signal::<Vec<LayerMessage>>(Vec::new());
    let (loading, set_loading) = signal(story.layers.len() - loaded.first.len());
    let (legend, set_legend) = signal::<Vec<LegendEntry>>(Vec::new());
    // The credits of the layers the active step shows (the map's corner).
    let credits_ref = NodeRef::<leptos::html::P>::new();
    let sources_ref = NodeRef::<leptos::html::Ul>::new();
    let canvas_ref = NodeRef::<Canvas>::new();
    let legend_ref = NodeRef::<Div>::new();
    let steps_ref = NodeRef::<Div>::new();
    let intro_ref = NodeRef::<Div>::new();
    // The interface's language, decided once for the whole page.
    let lang = Lang::of(&story.lang);
    let t = lang.strings();
    let interactive = story.any_interactive();
    // The sources: the author's credits, every layer's credit (linked to
    // its licence when given) and the basemap's (the map corner shows the
    // shown layers' and the basemap's too).
    let mut credits: Vec<Credit> = held.scene.sources();
    if let Some(b) = &story.basemap {
        credits.push(Credit {
            text: format!("{}: {}", t.basemap, b.attribution),
            url: b.attribution_url.clone(),
        });
    }
    let has_basemap = story.basemap.is_some();
    // What the messages below ask: which layers each step draws (as the
    // story was loaded; a step's `play` does not change it).
    let draws: Vec<Vec<bool>> = (0..story.steps.len())
        .map(|s| {
            (0..story.layers.len())
                .map(|l| story.step_draws(s, l))
                .collect()
        })
        .collect();

    // The layers of the step the page opens at (the first, or the one the
    // URL fragment names) load first, in parallel; the others once those
    // are drawn (or after LATER_LAYERS_MS), so their reading does not hold
    // the first view back. Each arrival re-targets and redraws.
    let opening = crate::loader::opening_step(story);
    let first = (0..story.layers.len())
        .filter(|&l| story.step_draws(opening, l) && !read(l))
        .count();
    // What the other layers wait for: a promise the opening step's last
    // layer resolves, or a timer (at once when that step draws none).
    let mut open = None;
    let later = js_sys::Promise::new(&mut |resolve, _| {
        let wait = if first == 0 { 0 } else { LATER_LAYERS_MS };
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, wait);
        open = Some(resolve);
    });
    let loads = LayerLoads {
        map: map.clone(),
        story_url: loaded.url.clone(),
        lang: story.lang.clone(),
        set_layer_errors,
        set_loading,
        active,
        set_legend,
        opening_left: Rc::new(std::cell::Cell::new(first)),
        later,
        start_later: open,
    };
    for i in (0..story.layers.len()).filter(|&i| !read(i)) {
        loads.start(i, story.step_draws(opening, i));
    }
    // "Try again" buttons ask through a signal (view code must be Send).
    let (retry_request, retry) = signal::<Option<usize>>(None);
    {
        let loads = loads.clone();
        Effect::new(move |_| {
            if let Some(i) = retry_request.get() {
                set_layer_errors.update(|v| v.retain(|m| m.layer != i));
                set_loading.update(|n| *n += 1);
                loads.start(i, false);
            }
        });
    }

    // Data tables (made further below).
    let (table_request, request_table) = signal::<Option<usize>>(None);
    let (queries, set_queries) = signal(vec![Vec::<TableQuery>::new(); story.steps.len()]);
    let (tables, set_tables) = signal::<(usize, Vec<DataTable>)>((usize::MAX, Vec::new()));
    let plays = story.steps.iter().any(|s| s.play.is_some());
    // Attach the canvas and the step observer once the DOM exists.
    {
        let map = map.clone();
        let texts: Vec<String> = story.steps.iter().map(|s| s.html.clone()).collect();
        // Each step's layout and chapter heading, and whether it shows no
        // layers (then it offers no data table: `data-empty`, see the
        // stylesheet), set with the DOM directly (far smaller in the wasm
        // than views).
        let parts: Vec<_> = story
            .steps
            .iter()
            .map(|s| {
                (
                    s.layout.map(twinstory_model::Layout::name),
                    s.chapter.clone(),
                    s.show.is_empty(),
                )
            })
            .collect();
        let intro = story.intro.clone();
        let story_url = loaded.url.clone();
        Effect::new(move |_| {
            let (Some(canvas), Some(steps)) = (canvas_ref.get(), steps_ref.get()) else {
                return;
            };
            // The introduction, from the same allow-list as the steps.
            if let Some(slot) = intro_ref.get_untracked() {
                if slot.child_element_count() == 0 {
                    crate::step_html::fill(&slot, &intro, &story_url);
                }
            }
            // The step texts, rebuilt from the allow-list before anything
            // measures the page.
            if let Ok(slots) = steps.query_selector_all(".ts-text") {
                for (i, html) in texts.iter().enumerate() {
                    let slot = slots
                        .item(i as u32)
                        .and_then(|n| n.dyn_into::<web_sys::Element>().ok());
                    if let Some(slot) = slot.filter(|s| {
                        s.child_element_count() == 0
                            && s.text_content().unwrap_or_default().is_empty()
                    }) {
                        crate::step_html::fill(&slot, html, &story_url);
                    }
                }
            }
            let sections = steps.query_selector_all(".ts-step").ok();
            for (i, (layout, chapter, empty)) in parts.iter().enumerate() {
                let Some(section) = sections
                    .as_ref()
                    .and_then(|l| l.item(i as u32))
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                if let Some(l) = layout {
                    let _ = section.set_attribute("data-layout", l);
                }
                if *empty {
                    let _ = section.set_attribute("data-empty", "");
                }
                if let Some(c) = chapter
                    .as_deref()
                    .filter(|_| section.child_element_count() == 1)
                {
                    if let Ok(h) = document().create_element("h2") {
                        h.set_class_name("ts-chapter");
                        h.set_text_content(Some(c));
                        let _ = section.prepend_with_node_1(&h);
                    }
                }
            }
            if let Some(ul) = sources_ref.get_untracked() {
                if ul.child_element_count() == 0 {
                    for c in &credits {
                        if let Some(li) = el(&ul, "li", &[], "") {
                            add_credit(&li, c);
                        }
                    }
                }
            }
            crate::media::pause_when_hidden();
            map.borrow_mut().attach(canvas.clone());
            attach_basemap(&map, &canvas);
            listen_for_tooltips(&map, &canvas, lang);
            crate::map_view::listen_for_compare(&map, &canvas);
            if texts.iter().any(|h| h.contains("data-feature=")) {
                crate::map_view::listen_for_chart_marks(&map, &steps);
            }
            if interactive {
                listen_for_navigation(&map, &canvas, lang);
            }
            let card = steps.query_selector(".ts-card").ok().flatten();
            map.borrow_mut().measure(card);
            // Open at the step named in the URL fragment, if any.
            if let Some(id) = location_hash() {
                if let Ok(Some(el)) =
                    steps.query_selector(&format!("[id=\"{}\"]", id.replace('"', "")))
                {
                    // At the reading line: the stylesheet's scroll margin
                    // of a `:target` step, which the fragment, matched
                    // before the steps were made, does not give; so the
                    // class for the moment of the scroll.
                    let c = el.class_list();
                    let _ = c.add_1("is-target");
                    el.scroll_into_view();
                    let _ = c.remove_1("is-target");
                }
            }
            if plays {
                start_play(&map, &steps, set_legend, request_table);
            }
            watch_active_step(steps.clone().into(), set_active);
            watch_resize(map.clone(), steps.into());
        });
    }

    // The legend and the map's credit line follow the active step and
    // arriving data (a layer that could not be loaded is not credited).
    {
        let lang = story.lang.clone();
        let map = map.clone();
        Effect::new(move |_| {
            // Read in place (`with`), not copied (`get`).
            let root = legend_ref.get();
            legend.with(|entries| {
                if let Some(root) = &root {
                    render_legend(root, entries, &lang, t);
                }
            });
            // The shown layers' credits in the map's corner (with the DOM
            // directly: far smaller in the wasm than views).
            if let (Some(p), Some(i)) = (credits_ref.get_untracked(), active.get_untracked()) {
                let list = map.borrow().scene.step_credits(i);
                if let Some(span) = p.first_element_child() {
                    span.set_text_content(None);
                    for c in &list {
                        add_credit(&span, c);
                    }
                }
                let _ = p
                    .class_list()
                    .toggle_with_force("is-empty", !has_basemap && list.is_empty());
            }
        });
    }

    // Apply the active step's complete state whenever it changes.
    {
        let map = map.clone();
        let ids: Vec<String> = story.steps.iter().map(|s| s.id.clone()).collect();
        Effect::new(move |_| {
            if let Some(i) = active.get() {
                // The step's own card frames its map (its layout may put it
                // on another side than the step before's).
                let card = ids
                    .get(i)
                    .and_then(|id| find_id(id))
                    .and_then(|s| s.query_selector(".ts-card").ok().flatten());
                map.borrow_mut().frame_by(card);
                crate::media::step_changed(i);
                map.borrow_mut().go_to(i);
                set_legend.set(map.borrow().scene.legend(i));
                request_frame(&map);
                // The step's map in words (`map-description`, written by the build).
                if let Some(p) = find_id("ts-map-description") {
                    let m = map.borrow();
                    p.set_text_content(
                        m.scene
                            .story
                            .steps
                            .get(i)
                            .and_then(|s| s.map_description.as_deref()),
                    );
                }
                // In a `<twin-story>` element the host page's fragment
                // follows the step only while it names none of its own, and
                // not for the first step, which is active as soon as the
                // story starts, wherever the reader is on the host page (a
                // reload would then open the page at the story).
                if let Some(id) = ids.get(i).filter(|_| {
                    !in_element() || location_hash().map_or(i > 0, |h| ids.contains(&h))
                }) {
                    replace_hash(id);
                }
            }
        });
    }

    // Theme colours through the CSS object model (`style:` directives), which
    // a strict Content-Security-Policy allows, unlike `style` attributes.
    let theme = &story.theme;
    let accent = theme.accent.to_hex();
    let map_bg = theme.map_background.to_hex();
    let (text, page, card) = (
        theme.text.to_hex(),
        theme.page.to_hex(),
        theme.card.to_hex(),
    );
    let radius = format!("{}px", Shortest(theme.card_radius));
    // No font: the page's (in an embed, the host's). `initial` makes
    // `var(--ts-font, inherit)` fall back, whatever an outer element sets.
    let font = theme.font.as_ref().map_or_else(
        || "initial".to_owned(),
        |f| format!("\"{f}\", system-ui, sans-serif"),
    );
    let cards = match theme.card_style {
        twinstory_model::CardStyle::Shadow => "ts-story",
        twinstory_model::CardStyle::Border => "ts-story ts-cards-border",
        twinstory_model::CardStyle::Flat => "ts-story ts-cards-flat",
    };
    // Data tables: one open at a time, made when a reader opens one (and
    // again when data arrives, or the reader sorts, pages or narrows it to
    // the view), for that step only. Each step keeps how its tables were
    // asked for, so a table opened again shows what it showed.
    {
        let map = map.clone();
        let ids: Vec<String> = story.steps.iter().map(|s| s.id.clone()).collect();
        Effect::new(move |_| {
            let _ = loading.get();
            if let Some(i) = table_request.get() {
                let q = queries.with(|q| q.get(i).cloned().unwrap_or_default());
                let m = map.borrow();
                let view = m.step_view(i);
                let list = m.scene.data_tables(i, Some(view), &q);
                // Made with the DOM directly: far smaller than views.
                if let Some(root) = ids
                    .get(i)
                    .and_then(|id| find_id(id))
                    .and_then(|e| e.query_selector(".ts-tables").ok().flatten())
                {
                    // The control that had the focus keeps it (sorting,
                    // paging and arriving data make the tables anew).
                    let focus = active_element()
                        .filter(|a| root.contains(Some(a)))
                        .and_then(|a| {
                            Some((a.get_attribute("data-k")?, a.get_attribute("data-act")?))
                        });
                    render_tables(&root, &list, t);
                    if let Some((k, act)) = focus {
                        refocus(&root, &k, &act);
                    }
                }
                set_tables.set((i, list));
            }
        });
    }
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
                        <div class="ts-text"></div>
                        <details
                            class="ts-table"
                            on:toggle=move |ev| {
                                let open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                                if open {
                                    close_other_tables(&ev);
                                    request_table.set(Some(i));
                                }
                            }
                        >
                            <summary>{t.table_summary}</summary>
                            <div
                                class="ts-tables"
                                on:click=move |ev| table_action(&ev, i, &tables, set_queries)
                                on:change=move |ev| table_action(&ev, i, &tables, set_queries)
                            ></div>
                        </details>
                    </div>
                </section>
            }
        })
        .collect_view();

    // The skip link goes past the header and the map's controls to the
    // first step (a fragment link: no script needed, and the focus moves).
    let skip = story.steps.first().map(|s| {
        view! { <a class="ts-skip" href=format!("#{}", s.id)>{t.skip_to_story}</a> }
    });
    let page = view! {
        <div class=cards lang=story.lang.clone() style:--ts-accent=accent style:--ts-map-bg=map_bg
            style:--ts-text=text style:--ts-page=page style:--ts-card=card
            style:--ts-card-radius=radius style:--ts-font=font>
            {skip}
            // In a `<twin-story>` element the host page has its own
            // `main`: the story's is then a plain box (one `main` per page).
            {leptos::html::custom(if in_element() { "div" } else { "main" }).class("ts-main").child(view! {
            <header class="ts-header">
                // The text's own `#` heading when it differs from `title`.
                <h1>{story.heading.clone().unwrap_or_else(|| story.title.clone())}</h1>
                // The cover: summary, authors, date, reading time, image,
                // introduction and contents, written by the story compiler.
                <div class="ts-intro" node_ref=intro_ref></div>
            </header>
            <div class="ts-scrolly">
                <div class="ts-map" role="region" aria-label=t.map_role>
                    // Focusable, so keyboard users can step through the
                    // features with the arrow keys; map_view adds the
                    // tooltip box, the live region and the key help.
                    <canvas
                        node_ref=canvas_ref
                        class="ts-canvas"
                        tabindex="0"
                        role="application"
                        aria-roledescription=t.map_role
                        aria-label=(t.map_label)(&story.title)
                        aria-describedby="ts-map-description ts-map-help"
                        data-loading=move || loading.get().to_string()
                    ></canvas>
                    <div class="ts-map-status" role="status" aria-live="polite">
                        // The active step's map in words (set with the step
                        // above): the canvas' description, read out when
                        // the step changes. A span: the box's `> p` style
                        // would make the empty box scroll, and so take a
                        // Tab stop of its own.
                        <span id="ts-map-description" class="ts-sr-only"></span>
                        {move || (loading.get() > 0).then(|| view! { <p class="ts-map-loading">{t.loading_data}</p> })}
                        // Failed layers (red) and layers a service sent only
                        // in part, of those the active step (before the
                        // first, the first) shows; the box scrolls when they
                        // are many. The addresses are for the author, folded
                        // away.
                        {move || {
                            let (mut list, step) = (layer_errors.get(), active.get().unwrap_or(0));
                            list.retain(|m| draws.get(step).and_then(|d| d.get(m.layer)) == Some(&true));
                            list
                        }.into_iter().map(|m| {
                            let i = m.layer;
                            view! {
                                <div class=if m.failed { "ts-map-error" } else { "ts-map-notice" }>
                                    <p>{m.text}</p>
                                    {m.detail.map(|d| view! {
                                        <details class="ts-map-detail"><summary>{t.details}</summary>{d}</details>
                                    })}
                                    <button type="button" class="ts-retry" on:click=move |_| retry.set(Some(i))>
                                        {t.try_again}
                                    </button>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                    // Legend above credits in the map's lower corner: the
                    // legend stands on the credit line however many lines
                    // the credits take.
                    <div class="ts-map-corner">
                        // On phones the legend folds away behind its button;
                        // it stays as the reader left it from step to step.
                        <div class="ts-legend-box">
                            <button
                                type="button"
                                class="ts-legend-toggle"
                                aria-controls="ts-legend"
                                aria-expanded="true"
                                on:click=fold_legend
                            >
                                {t.legend}
                            </button>
                            <div id="ts-legend" node_ref=legend_ref></div>
                        </div>
                        // Credit near the work (CC BY, ODbL): the shown layers'
                        // credits, then the basemap's (filled by map_view).
                        <p class=if has_basemap { "ts-attribution" } else { "ts-attribution is-empty" } node_ref=credits_ref>
                            <span class="ts-credit-layers"></span>
                            <span class="ts-credit-basemap"></span>
                        </p>
                    </div>
                </div>
                <div class="ts-steps" node_ref=steps_ref>{step_views}</div>
            </div>
            })}
            <footer class="ts-footer">
                <h2>{t.sources}</h2>
                <ul class="ts-sources" node_ref=sources_ref></ul>
                <p class="ts-made-with">{t.made_with}</p>
            </footer>
        </div>
    };
    drop(held);
    page
}

/// Folds the legend away or opens it again (its button, shown on phones):
/// the button's `aria-expanded` is the state, which the stylesheet follows
/// and which stays from step to step (the legend is made anew below it).
fn fold_legend(ev: web_sys::MouseEvent) {
    if let Some(b) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    {
        let open = b.get_attribute("aria-expanded").as_deref() == Some("true");
        let _ = b.set_attribute("aria-expanded", if open { "false" } else { "true" });
    }
}

/// A credit into `parent`, a link when it has a web address (checked
/// again: story JSON may be edited after the build); without one an `<a>`
/// without `href`, which is plain text.
fn add_credit(parent: &web_sys::Element, c: &Credit) {
    let mut attrs = vec![("class", "ts-credit")];
    if let Some(u) = c
        .url
        .as_deref()
        .filter(|u| twinstory_model::url::is_http(u))
    {
        attrs.extend([
            ("href", u),
            ("rel", "noopener noreferrer"),
            ("target", "_blank"),
        ]);
    }
    el(parent, "a", &attrs, &c.text);
}

/// Imports the play module for a story with a step's `play` and hands it
/// the steps: it adds the controls, and to show a moment it names it in
/// the steps' `data-play-step` and `data-play-moment` and sends them a
/// `ts-moment` event (a DOM event, not a callback: the listener's type is
/// one the base has anyway). The moment's `show` (`Step::moment_show`)
/// becomes the step's; the legend and the step's tables follow.
fn start_play(
    map: &MapHandle,
    steps: &web_sys::HtmlDivElement,
    set_legend: WriteSignal<Vec<LegendEntry>>,
    request_table: WriteSignal<Option<usize>>,
) {
    let map = map.clone();
    let el = steps.clone();
    let on = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        let num = |k: &str| el.get_attribute(k).and_then(|v| v.parse::<usize>().ok());
        let (Some(step), Some(pos)) = (num("data-play-step"), num("data-play-moment")) else {
            return;
        };
        let active = {
            let mut m = map.borrow_mut();
            let Some(s) = m.scene.story.steps.get_mut(step) else {
                return;
            };
            if let Some(show) = s.moment_show(pos) {
                s.show = show;
            }
            m.data_changed();
            m.active() == Some(step)
        };
        request_frame(&map);
        if active {
            set_legend.set(map.borrow().scene.legend(step));
            // Its tables too (made, open or not: cheaper in the wasm than asking).
            request_table.set(Some(step));
        }
    });
    let _ = steps.add_event_listener_with_callback("ts-moment", on.as_ref().unchecked_ref());
    // Listens as long as the page lives.
    on.forget();
    let args = [JsValue::from(steps.clone()), crate::loader::story_json()];
    leptos::task::spawn_local(async move {
        let _ = crate::modules::call(crate::modules::PLAY, "play_start", &args).await;
    });
}

/// Adds an element to `parent`: its attributes, and its text (as text)
/// unless empty. The legend and the tables are made with the DOM directly:
/// far smaller in the wasm than views.
pub(crate) fn el(
    parent: &web_sys::Element,
    tag: &str,
    attrs: &[(&str, &str)],
    text: &str,
) -> Option<web_sys::Element> {
    let e = document().create_element(tag).ok()?;
    for (name, value) in attrs {
        let _ = e.set_attribute(name, value);
    }
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    parent.append_child(&e).ok()?;
    Some(e)
}

/// The legend of the active step into `root` (made anew): for every
/// visible layer its classes, categories or circle sizes, as a list with
/// text (never colour alone). Named as the map's legend (it comes before the
/// steps in reading order) and focusable, so keyboards can scroll a long one.
fn render_legend(root: &web_sys::Element, entries: &[LegendEntry], lang: &str, t: &Strings) {
    root.set_text_content(None);
    if entries.is_empty() {
        return;
    }
    let attrs = [
        ("class", "ts-legend"),
        ("aria-label", t.map_legend),
        ("tabindex", "0"),
    ];
    let Some(section) = el(root, "section", &attrs, "") else {
        return;
    };
    for e in entries {
        let kind = match e.kind {
            LegendKind::Single => "single",
            LegendKind::Classes => "classes",
            LegendKind::Categories => "categories",
            LegendKind::Circles => "circles",
        };
        let shape = if e.point { "point" } else { "area" };
        let class = format!("ts-legend-entry ts-legend-{kind} ts-legend-{shape}");
        let Some(div) = el(&section, "div", &[("class", &class)], "") else {
            continue;
        };
        let single = e.kind == LegendKind::Single;
        if !single {
            if let Some(p) = el(&div, "p", &[("class", "ts-legend-title")], &e.title) {
                if let Some(prop) = &e.property {
                    el(&p, "span", &[("class", "ts-legend-property")], prop);
                }
            }
        }
        let max_radius = e.items.iter().filter_map(|i| i.radius).fold(0.0, f64::max);
        if let Some(ul) = el(&div, "ul", &[("class", "ts-legend-items")], "") {
            for item in &e.items {
                let Some(li) = el(&ul, "li", &[("class", "ts-legend-item")], "") else {
                    continue;
                };
                let swatch = el(
                    &li,
                    "span",
                    &[("class", "ts-swatch"), ("aria-hidden", "true")],
                    "",
                );
                // The CSS object model, which a strict CSP allows.
                if let Some(sw) = swatch.and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let style = sw.style();
                    for (name, value) in
                        swatch_style(item.color, item.stroke, item.radius, max_radius)
                    {
                        let _ = style.set_property(name, &value);
                    }
                }
                el(
                    &li,
                    "span",
                    &[("class", "ts-legend-label")],
                    &item.text(lang),
                );
                // Counts only make sense for classes and categories.
                if !single && e.kind != LegendKind::Circles {
                    let count = format!("({})", item.count);
                    el(&li, "span", &[("class", "ts-legend-count")], &count);
                }
            }
        }
        // In words, never the condition the author wrote.
        if let Some(note) = e.note(lang) {
            el(&div, "p", &[("class", "ts-legend-note")], &note);
        }
        for p in &e.problems {
            el(&div, "p", &[("class", "ts-legend-problem")], p);
        }
        for note in &e.author_notes {
            // For the author (English, with the expression); readers see
            // the short sentence in `problems`.
            web_sys::console::warn_1(&format!("layer `{}`: {note}", e.layer).into());
        }
    }
}

/// The style of a legend symbol: its colours and, for circle sizes, its
/// diameter (in a box as wide as the largest circle, so labels line up).
fn swatch_style(
    fill: Option<Rgba>,
    stroke: Option<Rgba>,
    radius: Option<f64>,
    max_radius: f64,
) -> Vec<(&'static str, String)> {
    let mut out = vec![("background", css(fill))];
    if let Some(c) = stroke {
        out.push(("border-color", css(Some(c))));
    }
    if let Some(r) = radius {
        let d = (2.0 * r).max(2.0);
        let box_w = (2.0 * max_radius).max(d);
        out.push(("width", format!("{}px", Fixed(d, 1))));
        out.push(("height", format!("{}px", Fixed(d, 1))));
        out.push(("margin", format!("0 {}px", Fixed((box_w - d) / 2.0, 1))));
    }
    out
}

fn css(c: Option<Rgba>) -> String {
    match c {
        Some(c) if c.a == 255 => format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b),
        Some(c) => format!(
            "rgba({},{},{},{})",
            c.r,
            c.g,
            c.b,
            Fixed(f64::from(c.a) / 255.0, 3)
        ),
        None => "transparent".to_string(),
    }
}

/// Re-measures the map when the window or the map box changes size.
fn watch_resize(map: MapHandle, steps: web_sys::Element) {
    let steps = Rc::new(steps);
    let on_resize = Closure::<dyn FnMut()>::new(move || {
        let card = [".is-active .ts-card", ".ts-card"]
            .into_iter()
            .find_map(|q| steps.query_selector(q).ok().flatten());
        map.borrow_mut().measure(card);
        request_frame(&map);
    });
    let w = window();
    let _ = w.add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    on_resize.forget();
}

/// Loads layers (again): on arrival the scene, legend and map update; a
/// failure becomes a message with a retry button; live layers (`refresh`)
/// are re-read on their interval while the page is open, keeping the last
/// good data when an update fails.
#[derive(Clone)]
struct LayerLoads {
    map: MapHandle,
    story_url: String,
    lang: String,
    set_layer_errors: WriteSignal<Vec<LayerMessage>>,
    set_loading: WriteSignal<usize>,
    active: ReadSignal<Option<usize>>,
    set_legend: WriteSignal<Vec<LegendEntry>>,
    /// How many of the opening step's layers are still loading.
    opening_left: Rc<std::cell::Cell<usize>>,
    /// What the other layers wait for: resolved by `start_later` once the
    /// opening step's layers are drawn, or after LATER_LAYERS_MS.
    later: js_sys::Promise,
    start_later: Option<js_sys::Function>,
}

/// How long the other layers wait at most for the opening step's (a slow
/// service there must not keep them from loading), in ms.
const LATER_LAYERS_MS: i32 = 1500;
/// A frame's time and then some, in ms.
const FRAME_MS: f64 = 20.0;

impl LayerLoads {
    /// Loads layer `i` of the scene's story (read when the task runs, after
    /// the page is made). The layers of the step the page opens at
    /// (`opening`) load first; the others wait until those are drawn, so
    /// reading them does not hold the first view back, or at most
    /// LATER_LAYERS_MS.
    fn start(&self, i: usize, opening: bool) {
        let this = self.clone();
        leptos::task::spawn_local(async move {
            if !opening {
                let _ = wasm_bindgen_futures::JsFuture::from(this.later.clone()).await;
            }
            let Some(job) = this
                .map
                .borrow()
                .scene
                .story
                .layers
                .get(i)
                .map(LayerJob::of)
            else {
                return;
            };
            let ok = this.load_once(i, &job, true).await;
            this.set_loading.update(|n| *n = n.saturating_sub(1));
            request_frame(&this.map);
            if opening {
                let left = this.opening_left.get().saturating_sub(1);
                this.opening_left.set(left);
                if left == 0 {
                    // Once the frame just requested has drawn them.
                    sleep_ms(FRAME_MS).await;
                    if let Some(f) = &this.start_later {
                        let _ = f.call0(&JsValue::NULL);
                    }
                }
            }
            let Some(seconds) = job.refresh.filter(|_| ok) else {
                return;
            };
            loop {
                sleep_ms(f64::from(seconds) * 1000.0).await;
                if this.load_once(i, &job, false).await {
                    request_frame(&this.map);
                }
            }
        });
    }

    /// One read; returns true when new data arrived. Only the first read
    /// reports failures in the page; a failed update keeps the last data.
    async fn load_once(&self, i: usize, job: &LayerJob, first: bool) -> bool {
        let result = load_layer(job, &self.story_url, &self.lang).await;
        let mut m = self.map.borrow_mut();
        let (ok, message) = match result {
            Ok(load) => {
                m.scene.set_layer_data(i, &load.dataset);
                let message = load.notice.map(|text| LayerMessage {
                    layer: i,
                    text,
                    detail: load.detail,
                    failed: false,
                });
                (true, message)
            }
            Err(e) => {
                if first {
                    m.scene.set_layer_failed(i);
                }
                let message = LayerMessage {
                    layer: i,
                    text: e.message,
                    detail: Some(e.detail),
                    failed: true,
                };
                (false, Some(message))
            }
        };
        if let Some(msg) = message {
            let text = match &msg.detail {
                Some(d) => format!("{} {d}", msg.text),
                None => msg.text.clone(),
            };
            web_sys::console::warn_1(&text.into());
            if first {
                self.set_layer_errors.update(|v| v.push(msg));
            }
        }
        m.data_changed();
        // Classes and counts come from the data: refresh the legend.
        if let Some(step) = self.active.get_untracked() {
            self.set_legend.set(m.scene.legend(step));
        }
        ok
    }
}

/// A message about one layer under the map: it failed, or a service sent
/// only part of it.
#[derive(Debug, Clone, PartialEq)]
struct LayerMessage {
    /// The layer's index.
    layer: usize,
    /// Short, in the story's language.
    text: String,
    /// Addresses and status codes, for the author.
    detail: Option<String>,
    /// True when the layer has no data at all.
    failed: bool,
}

/// Resolves after `ms` milliseconds.
async fn sleep_ms(ms: f64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(
            &resolve,
            ms.min(f64::from(i32::MAX)) as i32,
        );
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Closes the tables open in other steps than the one `ev` opened: one
/// open table at a time.
fn close_other_tables(ev: &web_sys::Event) {
    let this = ev.target().map(JsValue::from);
    let Some(open) = find_all("details.ts-table[open]") else {
        return;
    };
    for n in 0..open.length() {
        if let Some(d) = open
            .item(n)
            .and_then(|d| d.dyn_into::<web_sys::HtmlDetailsElement>().ok())
        {
            if this.as_ref() != Some(&JsValue::from(&d)) {
                d.set_open(false);
            }
        }
    }
}

/// A reader sorted, paged or narrowed table `k` of step `step`: the
/// control says what (`data-act`: `s<column>`, `p`revious, `n`ext, `v`iew)
/// and which table (`data-k`).
fn table_action(
    ev: &web_sys::Event,
    step: usize,
    tables: &ReadSignal<(usize, Vec<DataTable>)>,
    set_queries: WriteSignal<Vec<Vec<TableQuery>>>,
) {
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("[data-act]").ok().flatten())
    else {
        return;
    };
    let is_box = el.tag_name() == "INPUT";
    if is_box != (ev.type_() == "change") {
        return;
    }
    let act = el.get_attribute("data-act").unwrap_or_default();
    let k: usize = el
        .get_attribute("data-k")
        .and_then(|k| k.parse().ok())
        .unwrap_or(0);
    let Some((page, sort)) = tables.with_untracked(|(at, list)| {
        list.get(k)
            .filter(|_| *at == step)
            .map(|t| (t.page, t.sort))
    }) else {
        return;
    };
    set_queries.update(|all| {
        let Some(qs) = all.get_mut(step) else { return };
        if qs.len() <= k {
            qs.resize(k + 1, TableQuery::default());
        }
        let q = &mut qs[k];
        match act.as_str() {
            "p" => q.page = page.saturating_sub(1),
            "n" => q.page = page + 1,
            "v" => {
                q.only_in_view = el
                    .dyn_ref::<web_sys::HtmlInputElement>()
                    .is_some_and(|i| i.checked());
                q.page = 0;
            }
            s => {
                if let Some(c) = s.strip_prefix('s').and_then(|c| c.parse().ok()) {
                    q.sort = Some((c, sort == Some((c, false))));
                    q.page = 0;
                }
            }
        }
    });
}

/// Focuses control `act` of table `k` in `root`, or the other page button
/// when that one is now disabled (the first or last page).
fn refocus(root: &web_sys::Element, k: &str, act: &str) {
    let other = if act == "n" { "p" } else { "n" };
    for a in [act, other] {
        let e = root
            .query_selector(&format!(
                "[data-k=\"{k}\"][data-act=\"{a}\"]:not([disabled])"
            ))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(e) = e {
            let _ = e.focus();
            return;
        }
    }
}

/// The step's tables as HTML, into `root` (made anew): per layer a
/// caption that says which rows of how many, sortable column headers
/// (`aria-sort`), highlighted rows marked in words, the switch to the rows
/// in the map's view, and the page buttons. Text goes in as text.
fn render_tables(root: &web_sys::Element, list: &[DataTable], s: &Strings) {
    root.set_text_content(None);
    let add = el;
    for (k, t) in list.iter().enumerate() {
        let k = k.to_string();
        let shown = t.rows.len();
        let mut caption = if t.pages > 1 {
            (s.table_rows)(&t.title, t.first + 1, t.first + shown, t.count)
        } else {
            (s.table_all)(&t.title, t.count)
        };
        let only = t.in_view.is_some() && t.count < t.total;
        if let Some(n) = t.in_view.filter(|_| !only) {
            caption = format!("{caption}. {}", (s.table_in_view_count)(n));
        }
        let Some(scroll) = add(
            root,
            "div",
            &[
                ("class", "ts-table-scroll"),
                ("tabindex", "0"),
                ("role", "region"),
                ("aria-label", &t.title),
            ],
            "",
        ) else {
            return;
        };
        let Some(table) = add(&scroll, "table", &[], "") else {
            return;
        };
        add(&table, "caption", &[], &caption);
        if let Some(tr) = add(&table, "thead", &[], "").and_then(|h| add(&h, "tr", &[], "")) {
            for (c, name) in t.columns.iter().enumerate() {
                let mut attrs = vec![("scope", "col")];
                match t.sort {
                    Some((sc, desc)) if sc == c => {
                        attrs.push(("aria-sort", if desc { "descending" } else { "ascending" }))
                    }
                    _ => {}
                }
                let act = format!("s{c}");
                if let Some(th) = add(&tr, "th", &attrs, "") {
                    add(
                        &th,
                        "button",
                        &[("type", "button"), ("data-k", &k), ("data-act", &act)],
                        name,
                    );
                }
            }
        }
        if let Some(body) = add(&table, "tbody", &[], "") {
            for r in &t.rows {
                if let Some(tr) = add(&body, "tr", &[], "") {
                    for c in r {
                        add(&tr, "td", &[], c);
                    }
                }
            }
        }
        if t.in_view.is_some() {
            if let Some(label) = add(root, "label", &[("class", "ts-table-view")], "") {
                let mut attrs = vec![("type", "checkbox"), ("data-k", &k), ("data-act", "v")];
                if only {
                    attrs.push(("checked", ""));
                }
                add(&label, "input", &attrs, "");
                let _ = label.append_with_str_1(s.table_only_in_view);
            }
        }
        if t.pages > 1 {
            if let Some(pager) = add(root, "div", &[("class", "ts-table-pager")], "") {
                for (act, text, off) in [
                    ("p", s.table_previous, t.page == 0),
                    ("", "", false),
                    ("n", s.table_next, t.page + 1 >= t.pages),
                ] {
                    if act.is_empty() {
                        add(&pager, "span", &[], &(s.table_page)(t.page + 1, t.pages));
                        continue;
                    }
                    let mut attrs = vec![("type", "button"), ("data-k", &k), ("data-act", act)];
                    if off {
                        attrs.push(("disabled", ""));
                    }
                    add(&pager, "button", &attrs, text);
                }
            }
        }
        if let Some(a) = &t.attribution {
            add(root, "p", &[("class", "ts-table-source")], a);
        }
    }
}
