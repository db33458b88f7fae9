//! Basemap tiles: `<img>` elements in a box under the map canvas, placed
//! with CSS transforms (as Leaflet does), so the browser decodes, caches and
//! composites them and a frame only writes a few transforms. What to load,
//! show, keep and drop is decided by `twinstory_map::tiles`.

use twinstory_map::tiles::{placement, TileCache, TileCoord, TileGrid};
use twinstory_map::{Camera, Viewport};
use twinstory_model::decimal::Fixed;
use twinstory_model::Basemap;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Tiles kept besides those shown (a 256-px tile is 256 KB decoded).
const CACHE_TILES: usize = 150;
/// How long a tile fades in, in ms (as `.ts-tile` in the stylesheet).
pub const FADE_MS: f64 = 250.0;

/// The basemap of one map.
pub struct BasemapView {
    /// The addresses (the template comes read in story.json).
    basemap: Basemap,
    grid: TileGrid,
    container: HtmlElement,
    /// The `<img>` of each tile (as `HtmlElement`: attributes are all the
    /// shell sets, and fewer bindings keep the player small).
    cache: TileCache<HtmlElement>,
    /// The one `load`/`error` listener all tiles share.
    on_load: js_sys::Function,
    fade_ms: f64,
}

impl BasemapView {
    /// A basemap drawing into `container`, or `None` (with a console
    /// warning) when a `?story=` page does not allow its server.
    pub fn new(
        basemap: &Basemap,
        container: HtmlElement,
        on_load: js_sys::Function,
        reduced_motion: bool,
    ) -> Option<Self> {
        let first = basemap.tile_url(0, 0, 0, false);
        if crate::loader::request_allowed(&first).is_err() {
            web_sys::console::warn_1(
                &"the basemap server is not one this page allows for stories opened with ?story=; the map has no basemap".into(),
            );
            return None;
        }
        Some(Self {
            basemap: basemap.clone(),
            grid: TileGrid {
                tile_size: basemap.tile_size,
                min_zoom: basemap.min_zoom,
                max_zoom: basemap.max_zoom,
            },
            container,
            cache: TileCache::new(CACHE_TILES),
            on_load,
            fade_ms: if reduced_motion { 0.0 } else { FADE_MS },
        })
    }

    /// How long a newly loaded tile takes to fade in, in ms (0 when the
    /// reader prefers reduced motion).
    pub fn fade_ms(&self) -> f64 {
        self.fade_ms
    }

    /// Requests, places, hides and drops tiles for the camera at `now` (ms).
    pub fn update(&mut self, camera: &Camera, viewport: &Viewport, now: f64) {
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
        let wanted = self.grid.covering(camera, viewport, z);
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
        let bleed = (size as f64 + 0.5) / size as f64;
        for s in plan.show {
            let Some(img) = self.cache.get(s.coord) else {
                continue;
            };
            let p = placement(camera, viewport, s.coord, size);
            let style = img.style();
            let _ = style.set_property("z-index", &s.coord.z.to_string());
            let _ = style.set_property(
                "transform",
                &format!(
                    "translate({}px,{}px) rotate({}deg) scale({})",
                    Fixed(p.left, 2),
                    Fixed(p.top, 2),
                    Fixed(p.rotate, 3),
                    Fixed(p.scale * bleed, 6)
                ),
            );
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
        // A `?story=` story's basemap comes only from an allowed server.
        let url = self
            .basemap
            .tile_url(tile.z, tile.wrapped_x(), tile.y, retina);
        crate::loader::request_allowed(&url).ok()?;
        let img: HtmlElement = self
            .container
            .owner_document()?
            .create_element("img")
            .ok()?
            .dyn_into()
            .ok()?;
        let size = self.grid.tile_size.to_string();
        let data = format!("{}/{}/{}", tile.z, tile.x, tile.y);
        for (name, value) in [
            ("class", "ts-tile"),
            ("alt", ""),
            ("width", size.as_str()),
            ("height", size.as_str()),
            ("decoding", "async"),
            ("draggable", "false"),
            // The server sees which site asks (tile policies want that), not the page.
            ("referrerpolicy", "strict-origin-when-cross-origin"),
            ("data-tile", data.as_str()),
        ] {
            let _ = img.set_attribute(name, value);
        }
        for event in ["load", "error"] {
            let _ = img.add_event_listener_with_callback(event, &self.on_load);
        }
        let _ = img.set_attribute("src", &url);
        self.container.append_child(&img).ok()?;
        Some(img)
    }

    /// Records a tile's `load` or `error` event. Returns true when the map
    /// should update its tiles (now and after the fade).
    pub fn on_event(&mut self, ev: &web_sys::Event, now: f64) -> bool {
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

fn parse_tile(d: &str) -> Option<TileCoord> {
    let mut it = d.split('/');
    let z = it.next()?.parse().ok()?;
    let x = it.next()?.parse().ok()?;
    let y = it.next()?.parse().ok()?;
    Some(TileCoord { z, x, y })
}

/// Makes the box the tiles go in, just before the canvas, hidden from
/// screen readers (the images say nothing the story does not).
pub fn make_container(canvas: &Element, basemap: &Basemap) -> Option<HtmlElement> {
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
pub fn make_attribution(canvas: &Element, basemap: &Basemap) -> Option<()> {
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
