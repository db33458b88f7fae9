//! The page's side (built for the browser only): the tile box, the credit
//! in the map's corner, the `<img>` of each tile, and the one `load`/`error`
//! listener that updates the tiles when one arrives and again when it has
//! faded in (so that the parents standing in for it go).

use crate::{parse_tile, tile_name, transform};
use std::cell::RefCell;
use std::rc::Rc;
use twinstory_map::tiles::{placement, TileCache, TileCoord, TileGrid};
use twinstory_map::{Camera, Viewport};
use twinstory_model::decimal::Fixed;
use twinstory_model::trust::OriginPolicy;
use twinstory_model::Basemap;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlCanvasElement, HtmlElement};

/// Tiles kept besides those shown (a 256-px tile is 256 KB decoded).
const CACHE_TILES: usize = 150;
/// How long a tile fades in, in ms (as `.ts-tile` in the stylesheet).
const FADE_MS: f64 = 250.0;

/// The basemap of one map.
struct BasemapView {
    basemap: Basemap,
    grid: TileGrid,
    container: HtmlElement,
    /// The `<img>` of each tile.
    cache: TileCache<HtmlElement>,
    /// Only for a `?story=` story: the servers it may load from.
    policy: Option<OriginPolicy>,
    fade_ms: f64,
    /// The camera and viewport of the last frame the base drew.
    at: Option<(Camera, Viewport)>,
    /// An update is asked for the next animation frame.
    pending: bool,
}

type Shared = Rc<RefCell<BasemapView>>;

thread_local! {
    /// Every map's basemap on the page, by the number `basemap_start` gave
    /// (one module instance serves every `<twin-story>` element of a page).
    static MAPS: RefCell<Vec<Shared>> = const { RefCell::new(Vec::new()) };
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Starts the basemap of the map whose canvas is `canvas`: `basemap` is the
/// story's `basemap` as `story.json` has it (parsed), `origins` the
/// `?story=` page's allowed origins (`undefined` for a built story, which
/// may load from every server its author named). Returns the number to
/// pass to [`basemap_update`], or -1 (with a console warning) when the
/// basemap cannot be read or its server is not allowed.
#[wasm_bindgen]
pub fn basemap_start(canvas: HtmlCanvasElement, basemap: JsValue, origins: Option<String>) -> i32 {
    match start(&canvas, &basemap, origins) {
        Ok(n) => n,
        Err(why) => {
            web_sys::console::warn_1(&why.into());
            -1
        }
    }
}

fn start(
    canvas: &HtmlCanvasElement,
    basemap: &JsValue,
    origins: Option<String>,
) -> Result<i32, String> {
    let text = js_sys::JSON::stringify(basemap)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    let value = twinstory_model::json_syntax::parse(text.as_bytes()).map_err(|e| e.to_string())?;
    let basemap = Basemap::from_json_value(&value)
        .map_err(|e| format!("the story's basemap cannot be read: {e}"))?;
    let policy = origins.map(|listed| {
        let page = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        OriginPolicy::new(&page, &listed)
    });
    if let Some(p) = &policy {
        if p.check(&basemap.tile_url(0, 0, 0, false)).is_err() {
            return Err("the basemap server is not one this page allows for stories opened with ?story=; the map has no basemap".into());
        }
    }
    let _ = attribution(canvas, &basemap);
    let container = make_container(canvas, &basemap).ok_or("the map has no place for a basemap")?;
    let reduced = web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches());
    let view = Rc::new(RefCell::new(BasemapView {
        grid: TileGrid {
            tile_size: basemap.tile_size,
            min_zoom: basemap.min_zoom,
            max_zoom: basemap.max_zoom,
        },
        basemap,
        container,
        cache: TileCache::new(CACHE_TILES),
        policy,
        fade_ms: if reduced { 0.0 } else { FADE_MS },
        at: None,
        pending: false,
    }));
    listen(&view);
    Ok(MAPS.with(|m| {
        let mut m = m.borrow_mut();
        m.push(view);
        i32::try_from(m.len() - 1).unwrap_or(-1)
    }))
}

/// Requests, places, hides and drops the tiles of map `map` for the camera
/// of the frame the base just drew (centre, zoom, bearing, pitch) on a map
/// of `width` × `height` CSS px with `dpr` device pixels each.
#[wasm_bindgen]
#[allow(
    clippy::too_many_arguments,
    reason = "numbers across the module boundary, as the base has them"
)]
pub fn basemap_update(
    map: i32,
    lon: f64,
    lat: f64,
    zoom: f64,
    bearing: f64,
    pitch: f64,
    width: f64,
    height: f64,
    dpr: f64,
) {
    let Some(view) = usize::try_from(map)
        .ok()
        .and_then(|i| MAPS.with(|m| m.borrow().get(i).cloned()))
    else {
        return;
    };
    let camera = Camera {
        center: [lon, lat],
        zoom,
        bearing,
        pitch,
    };
    let viewport = Viewport { width, height, dpr };
    let mut v = view.borrow_mut();
    v.at = Some((camera, viewport));
    v.update(now_ms());
}

impl BasemapView {
    /// Requests, places, hides and drops tiles for the last camera.
    fn update(&mut self, now: f64) {
        let Some((camera, viewport)) = self.at else {
            return;
        };
        // Tiles are placed flat only: a tilted map shows no basemap
        // (docs/story-format.md, "Tilted views"; `validate` warns, W0035).
        let tilted = camera.pitch > 0.0;
        if self.container.hidden() != tilted {
            self.container.set_hidden(tilted);
        }
        if tilted {
            return;
        }
        let retina_images = self.basemap.url.has_retina();
        let z = self.grid.zoom_for(camera.zoom, viewport.dpr, retina_images);
        let wanted = self.grid.covering(&camera, &viewport, z);
        let plan = self.cache.plan(&wanted, now, self.fade_ms);
        let retina = retina_images && viewport.dpr > 1.0;
        for tile in plan.request {
            if let Some(img) = self.image(tile, retina) {
                self.cache.insert(tile, img);
            }
        }
        for tile in plan.hide {
            if let Some(img) = self.cache.get(tile) {
                img.set_hidden(true);
            }
        }
        let size = self.grid.tile_size;
        // Half a CSS pixel of overlap hides seams between neighbours at
        // fractional zooms and bearings.
        let bleed = (f64::from(size) + 0.5) / f64::from(size);
        for s in plan.show {
            let Some(img) = self.cache.get(s.coord) else {
                continue;
            };
            let p = placement(&camera, &viewport, s.coord, size);
            let style = img.style();
            let _ = style.set_property("z-index", &s.coord.z.to_string());
            let _ = style.set_property("transform", &transform(&p, bleed));
            img.set_hidden(false);
        }
        for (_, img) in self.cache.evict() {
            // Removing the source stops a download that is still running.
            let _ = img.remove_attribute("src");
            img.remove();
        }
        let _ = self
            .container
            .set_attribute("data-tile-zoom", &z.to_string());
    }

    /// A new tile image, added to the box and loading.
    fn image(&self, tile: TileCoord, retina: bool) -> Option<HtmlElement> {
        let url = self
            .basemap
            .tile_url(tile.z, tile.wrapped_x(), tile.y, retina);
        // A `?story=` story's basemap comes only from an allowed server.
        if let Some(p) = &self.policy {
            p.check(&url).ok()?;
        }
        let img: HtmlElement = self
            .container
            .owner_document()?
            .create_element("img")
            .ok()?
            .dyn_into()
            .ok()?;
        let size = self.grid.tile_size.to_string();
        let name = tile_name(tile);
        for (attr, value) in [
            ("class", "ts-tile"),
            ("alt", ""),
            ("width", size.as_str()),
            ("height", size.as_str()),
            ("decoding", "async"),
            ("draggable", "false"),
            // The server sees which site asks (tile policies want that), not the page.
            ("referrerpolicy", "strict-origin-when-cross-origin"),
            ("data-tile", name.as_str()),
        ] {
            let _ = img.set_attribute(attr, value);
        }
        let _ = img.set_attribute("src", &url);
        self.container.append_child(&img).ok()?;
        Some(img)
    }

    /// Records a tile's `load` or `error` event. Returns true when the
    /// tiles should update (now and after the fade).
    fn on_event(&mut self, ev: &web_sys::Event, now: f64) -> bool {
        let Some(img) = ev.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else {
            return false;
        };
        let Some(tile) = img.get_attribute("data-tile").and_then(|d| parse_tile(&d)) else {
            return false;
        };
        // An image this cache has dropped (or replaced) is not ours any more.
        if self.cache.get(tile) != Some(&img) {
            return false;
        }
        if ev.type_() == "load" {
            self.cache.set_loaded(tile, now);
            img.set_class_name("ts-tile is-loaded");
        } else {
            self.cache.set_failed(tile);
            img.set_hidden(true);
        }
        true
    }
}

/// The tiles' `load` and `error` events, caught on the box (they do not
/// bubble: a capturing listener sees them): the tiles update in the next
/// animation frame, and again when the new one has faded in.
fn listen(view: &Shared) {
    let v = view.clone();
    let handler = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let fade = {
            let mut s = v.borrow_mut();
            if !s.on_event(&ev, now_ms()) {
                return;
            }
            s.fade_ms
        };
        request_update(&v, 0);
        request_update(&v, fade as i32 + 30);
    });
    let container = view.borrow().container.clone();
    for event in ["load", "error"] {
        let _ = container.add_event_listener_with_callback_and_bool(
            event,
            handler.as_ref().unchecked_ref(),
            true,
        );
    }
    // The listener lives as long as the page.
    handler.forget();
}

/// Updates the tiles in the first animation frame after `delay_ms` (once
/// however often it is asked for that frame), without the base drawing.
fn request_update(view: &Shared, delay_ms: i32) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let v = view.clone();
    let frame = Closure::once_into_js(move || {
        let Some(w) = web_sys::window() else {
            return;
        };
        {
            let mut s = v.borrow_mut();
            if s.pending {
                return;
            }
            s.pending = true;
        }
        let v2 = v.clone();
        let update = Closure::once_into_js(move || {
            let mut s = v2.borrow_mut();
            s.pending = false;
            s.update(now_ms());
        });
        let _ = w.request_animation_frame(update.unchecked_ref());
    });
    let _ = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(frame.unchecked_ref(), delay_ms);
}

/// Makes the box the tiles go in, just before the canvas, hidden from
/// screen readers (the images say nothing the story does not).
fn make_container(canvas: &Element, basemap: &Basemap) -> Option<HtmlElement> {
    let parent = canvas.parent_element()?;
    let el: HtmlElement = parent
        .owner_document()?
        .create_element("div")
        .ok()?
        .dyn_into()
        .ok()?;
    el.set_class_name("ts-basemap");
    let _ = el.set_attribute("aria-hidden", "true");
    if basemap.opacity < 1.0 {
        let _ = el.style().set_property(
            "--ts-basemap-opacity",
            &Fixed(basemap.opacity.clamp(0.0, 1.0), 3).to_string(),
        );
    }
    parent.insert_before(&el, Some(canvas)).ok()?;
    Some(el)
}

/// Shows the basemap's credit in the corner of the map (as text, or a link
/// when it has a web address), which tile providers require.
fn attribution(canvas: &Element, basemap: &Basemap) -> Option<()> {
    let parent = canvas.parent_element()?;
    let doc = parent.owner_document()?;
    // The page's credit line (after the shown layers' credits), if it has one.
    let slot = parent.query_selector(".ts-credit-basemap").ok().flatten();
    let p = match &slot {
        Some(s) => s.clone(),
        None => {
            let p = doc.create_element("p").ok()?;
            p.set_class_name("ts-attribution");
            p
        }
    };
    let href = basemap
        .attribution_url
        .as_deref()
        // Only web links (the build checked it; story JSON may be edited).
        .filter(|u| twinstory_model::url::is_http(u));
    match href {
        Some(u) => {
            let a = doc.create_element("a").ok()?;
            for (name, value) in [
                ("href", u),
                ("rel", "noopener noreferrer"),
                ("target", "_blank"),
            ] {
                let _ = a.set_attribute(name, value);
            }
            a.set_text_content(Some(&basemap.attribution));
            p.append_child(&a).ok()?;
        }
        None => p.set_text_content(Some(&basemap.attribution)),
    }
    if slot.is_none() {
        parent.append_child(&p).ok()?;
    }
    Some(())
}
