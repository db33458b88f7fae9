//! Loading a story and its layers over HTTP.

use crate::platform::{meta_content, page_url, query_param, resolve_url, window};
use gloo_net::http::Request;
use std::cell::RefCell;
use twinstory_data::{CsvOptions, Dataset};
use twinstory_model::trust::{OriginPolicy, Refusal};
use twinstory_model::{Layer, Source, Story, FORMAT_VERSION};
use wasm_bindgen::JsCast;
use web_sys::ReferrerPolicy;

/// A story with the absolute URL it was loaded from.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedStory {
    /// The story.
    pub story: Story,
    /// Absolute URL of `story.json`; layer paths are relative to it.
    pub url: String,
}

/// Why a story is not shown.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// `?story=` names an address this page does not allow.
    Refused(Refusal),
    /// It could not be loaded or read (the text says why).
    Failed(String),
}

impl From<String> for LoadError {
    fn from(message: String) -> Self {
        LoadError::Failed(message)
    }
}

/// The deployer's list of other origins `?story=` may load from.
pub const STORY_ORIGINS_META: &str = "twinstory-story-origins";

thread_local! {
    /// Set when the story came through `?story=`: then every address the
    /// player makes the browser request must pass it.
    static POLICY: RefCell<Option<OriginPolicy>> = const { RefCell::new(None) };
}

/// Whether the page may request `url` (absolute) for the story: always for
/// a built story beside the page, which names its sources as its author
/// did; for a `?story=` story only from the allowed origins. This is the
/// one check every fetch, tile and image goes through.
pub fn request_allowed(url: &str) -> Result<(), Refusal> {
    POLICY.with(|p| p.borrow().as_ref().map_or(Ok(()), |p| p.check(url)))
}

/// Where the story comes from: `?story=<url>` (checked against the page's
/// origin and `<meta name="twinstory-story-origins">`; then the same policy
/// holds for all the story loads) or `story.json` beside the page.
pub fn story_url() -> Result<String, LoadError> {
    let Some(rel) = query_param("story") else {
        return Ok(resolve_url("story.json", &page_url())?);
    };
    let url = resolve_url(&rel, &page_url()).map_err(|_| LoadError::Refused(Refusal::Invalid))?;
    let page_origin = window().location().origin().unwrap_or_default();
    let listed = meta_content(STORY_ORIGINS_META).unwrap_or_default();
    let policy = OriginPolicy::new(&page_origin, &listed);
    policy.check(&url).map_err(LoadError::Refused)?;
    POLICY.with(|p| *p.borrow_mut() = Some(policy));
    Ok(url)
}

/// Fetches and decodes the story.
pub async fn load_story() -> Result<LoadedStory, LoadError> {
    let url = story_url()?;
    if crate::author::is_markdown(&url) {
        let source = fetch_bytes(&url).await?;
        let story = crate::author::compile_markdown(&url, &source).await?;
        return Ok(LoadedStory { story, url });
    }
    let text = fetch_text(&url).await?;
    let story: Story = serde_json::from_str(&text).map_err(|e| {
        format!("The story file {url} could not be read: {e}. Rebuild it with `twinstory build`.")
    })?;
    if story.format > FORMAT_VERSION {
        return Err(LoadError::Failed(format!(
            "The story file {url} was written by a newer twinstory (format {}); this player reads format {FORMAT_VERSION}.",
            story.format
        )));
    }
    Ok(LoadedStory { story, url })
}

/// How long one request may take before the layer counts as failed.
const TIMEOUT_MS: i32 = 30_000;

/// Fetches and parses one layer's data.
pub async fn load_layer(layer: &Layer, story_url: &str) -> Result<Dataset, String> {
    let url = resolve_url(layer.source.url(), story_url)?;
    let name = layer.source.url();
    let parsed = match &layer.source {
        // Services: read page by page.
        Source::OgcApiFeatures {
            bbox,
            limit,
            max_features,
            ..
        } => return load_ogc_api_features(&url, *bbox, *limit, *max_features).await,
        Source::Wfs {
            type_name,
            format,
            bbox,
            limit,
            max_features,
            ..
        } => return load_wfs(&url, type_name, format, *bbox, *limit, *max_features).await,
        Source::Sensorthings {
            datastreams,
            max_features,
            ..
        } => return load_sensorthings(&url, datastreams.as_deref(), *max_features).await,
        // Files: read whole.
        Source::Geojson { .. } => twinstory_data::read_geojson(name, &fetch_bytes(&url).await?),
        // Built stories have it packed; unbuilt ones convert it with the
        // author module, so the Overpass reader stays out of the player.
        Source::Overpass { .. } => {
            let geojson =
                crate::author::overpass_to_geojson(&url, &fetch_bytes(&url).await?).await?;
            twinstory_data::read_geojson(name, geojson.as_bytes())
        }
        Source::Csv {
            lat,
            lon,
            delimiter,
            ..
        } => {
            let opts = CsvOptions {
                lat: lat.clone(),
                lon: lon.clone(),
                delimiter: *delimiter,
            };
            twinstory_data::read_csv_points(name, &fetch_bytes(&url).await?, &opts)
        }
        Source::Packed { .. } => twinstory_data::read_packed(name, &fetch_bytes(&url).await?),
    };
    parsed.map_err(|e| e.to_string())
}

/// Reads an OGC API – Features collection: `{collection}/items` page by page,
/// following `next` links, which must stay on the server the story named.
async fn load_ogc_api_features(
    collection: &str,
    bbox: Option<[f64; 4]>,
    limit: u32,
    max_features: u32,
) -> Result<Dataset, String> {
    let base = collection.split(['?', '#']).next().unwrap_or(collection);
    let base = base.trim_end_matches('/');
    let mut next = if base.ends_with("/items") {
        format!("{base}?limit={limit}")
    } else {
        format!("{base}/items?limit={limit}")
    };
    if let Some([w, s, e, n]) = bbox {
        next.push_str(&format!("&bbox={w},{s},{e},{n}"));
    }
    next.push_str("&f=json");
    let origin = origin_of(collection);
    let mut all = Dataset::default();
    let mut pages = 0;
    loop {
        pages += 1;
        let bytes = fetch_with(&next, Some("application/geo+json, application/json")).await?;
        let page = twinstory_data::read_geojson(&next, &bytes).map_err(|e| e.to_string())?;
        let got = page.features.len();
        all.features.extend(page.features);
        all.warnings.extend(page.warnings);
        let link = next_link(&bytes);
        match link {
            Some(href) if got > 0 && (all.features.len() as u64) < u64::from(max_features) => {
                let href = resolve_url(&href, &next)?;
                if origin_of(&href) != origin {
                    return Err(format!(
                        "{collection}: the server sent a link to another server ({href}); it was not followed, to keep readers' data private"
                    ));
                }
                if pages > 10_000 {
                    return Err(format!("{collection}: the server keeps sending more pages"));
                }
                next = href;
            }
            _ => break,
        }
    }
    all.features.truncate(max_features as usize);
    Ok(all)
}

/// Reads a WFS 2.0 feature type with GetFeature in GeoJSON, `limit`
/// features per request (`count` + `startIndex`), until a page comes back
/// short or `max_features` are read.
async fn load_wfs(
    service: &str,
    type_name: &str,
    format: &str,
    bbox: Option<[f64; 4]>,
    limit: u32,
    max_features: u32,
) -> Result<Dataset, String> {
    let base = service.split('#').next().unwrap_or(service);
    let sep = if base.contains('?') { '&' } else { '?' };
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    let mut query = format!(
        "{base}{sep}SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={}&OUTPUTFORMAT={}&SRSNAME=EPSG:4326",
        enc(type_name),
        enc(format)
    );
    if let Some([w, s, e, n]) = bbox {
        // WFS 2.0 with EPSG:4326 reads a bbox as latitude first.
        query.push_str(&format!("&BBOX={s},{w},{n},{e},urn:ogc:def:crs:EPSG::4326"));
    }
    let mut all = Dataset::default();
    let mut start = 0u64;
    loop {
        let page_size = limit.min(max_features.saturating_sub(start as u32)).max(1);
        let url = format!("{query}&COUNT={page_size}&STARTINDEX={start}");
        let bytes = fetch_with(&url, Some("application/geo+json, application/json")).await?;
        if bytes.trim_ascii_start().starts_with(b"<") {
            return Err(format!(
                "{service} answered with XML instead of GeoJSON (an exception, or `format` is not one the server offers; its GetCapabilities lists the output formats)"
            ));
        }
        let page = twinstory_data::read_geojson(&url, &bytes).map_err(|e| e.to_string())?;
        let got = page.features.len() as u64;
        all.features.extend(page.features);
        all.warnings.extend(page.warnings);
        start += got;
        if got < u64::from(page_size) || start >= u64::from(max_features) {
            break;
        }
    }
    Ok(all)
}

/// Reads the Things of a SensorThings service with their latest
/// observations, following `@iot.nextLink` on the same server.
async fn load_sensorthings(
    root: &str,
    datastreams: Option<&str>,
    max_features: u32,
) -> Result<Dataset, String> {
    let root = root
        .split(['?', '#'])
        .next()
        .unwrap_or(root)
        .trim_end_matches('/');
    let origin = origin_of(root);
    let mut next = format!(
        "{root}/{}",
        twinstory_data::sensorthings_query(datastreams, 200)
    );
    let mut all = Dataset::default();
    for _ in 0..10_000 {
        let bytes = fetch_with(&next, Some("application/json")).await?;
        let page = twinstory_data::read_sensorthings(&next, &bytes).map_err(|e| e.to_string())?;
        let got = page.dataset.features.len();
        all.features.extend(page.dataset.features);
        all.warnings.extend(page.dataset.warnings);
        match page.next {
            Some(href) if got > 0 && (all.features.len() as u64) < u64::from(max_features) => {
                let href = resolve_url(&href, &next)?;
                if origin_of(&href) != origin {
                    return Err(format!(
                        "{root}: the server sent a link to another server ({href}); it was not followed, to keep readers' data private"
                    ));
                }
                next = href;
            }
            _ => break,
        }
    }
    all.features.truncate(max_features as usize);
    Ok(all)
}

/// The `href` of the `rel: next` link of an OGC API items page.
fn next_link(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Link {
        rel: Option<String>,
        href: Option<String>,
        #[serde(rename = "type")]
        media_type: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct Page {
        #[serde(default)]
        links: Vec<Link>,
    }
    let page: Page = serde_json::from_slice(bytes).ok()?;
    let nexts: Vec<&Link> = page
        .links
        .iter()
        .filter(|l| l.rel.as_deref() == Some("next"))
        .collect();
    // Prefer the GeoJSON representation when the server offers several.
    nexts
        .iter()
        .find(|l| {
            l.media_type
                .as_deref()
                .is_some_and(|t| t.contains("geo+json") || t.contains("json"))
        })
        .or(nexts.first())
        .and_then(|l| l.href.clone())
}

/// `scheme://host:port` of an absolute URL.
fn origin_of(url: &str) -> String {
    web_sys::Url::new(url)
        .map(|u| u.origin())
        .unwrap_or_default()
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    fetch_with(url, None).await
}

/// GET with a time-out; `accept` sets the Accept header. Only addresses
/// [`request_allowed`] lets through, and other servers never learn the page.
async fn fetch_with(url: &str, accept: Option<&str>) -> Result<Vec<u8>, String> {
    request_allowed(url).map_err(|r| refused_request(url, &r))?;
    let controller = web_sys::AbortController::new().ok();
    let timer = controller.as_ref().and_then(|c| {
        let c = c.clone();
        let cb = wasm_bindgen::closure::Closure::once_into_js(move || c.abort());
        web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), TIMEOUT_MS)
            .ok()
    });
    let mut req = Request::get(url)
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref())
        .referrer_policy(ReferrerPolicy::SameOrigin);
    if let Some(a) = accept {
        req = req.header("Accept", a);
    }
    let sent = req.send().await;
    if let (Some(t), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(t);
    }
    let resp = sent.map_err(|_| {
        let host = web_sys::Url::new(url)
            .map(|u| u.host())
            .unwrap_or_else(|_| url.to_string());
        if controller.as_ref().is_some_and(|c| c.signal().aborted()) {
            format!(
                "{host} hat nicht innerhalb von {} Sekunden geantwortet ({url})",
                TIMEOUT_MS / 1000
            )
        } else {
            format!("{host} ist nicht erreichbar oder erlaubt den Abruf nicht ({url})")
        }
    })?;
    if !resp.ok() {
        return Err(format!(
            "{url} could not be loaded (HTTP {} {})",
            resp.status(),
            resp.status_text()
        ));
    }
    resp.binary()
        .await
        .map_err(|e| format!("{url} could not be read ({e})"))
}

/// Why a request of a `?story=` story was not sent.
fn refused_request(url: &str, r: &Refusal) -> String {
    match r {
        Refusal::Origin(origin) => format!(
            "{origin} ist für Geschichten, die diese Seite über ?story= lädt, nicht freigegeben; nichts wurde abgerufen"
        ),
        Refusal::Scheme(scheme) => format!("Adressen mit „{scheme}:“ werden nicht geladen"),
        Refusal::Invalid => format!("`{url}` ist keine gültige Adresse"),
    }
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let bytes = fetch_bytes(url).await?;
    String::from_utf8(bytes).map_err(|_| format!("{url} is not UTF-8 text"))
}
