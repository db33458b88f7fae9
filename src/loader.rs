//! Loading a story and its layers over HTTP.

use crate::modules::{self, ModuleError, SOURCES};
use crate::platform::{meta_content, page_lang, page_url, query_param, resolve_url, window};
use gloo_net::http::Request;
use js_sys::Uint8Array;
use std::cell::RefCell;
use twinstory_data::remote::{self, Failure, Stop};
use twinstory_data::{read_packed, DataError, Dataset, FileFormat};
use twinstory_model::strings::{Lang, Strings};
use twinstory_model::trust::{OriginPolicy, Refusal};
use twinstory_model::{json_syntax, Layer, Story, FORMAT_VERSION};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use web_sys::ReferrerPolicy;

/// A story with the absolute URL it was loaded from.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedStory {
    /// The story as decoded (from `story.json`, or compiled from a
    /// `story.md` by the author module).
    pub story: Story,
    /// Absolute URL of `story.json`; layer paths are relative to it.
    pub url: String,
    /// The opening step's packed layers, read before the page is made
    /// ([`read_first`]): story layer index and data.
    pub first: Vec<(usize, Dataset)>,
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

/// In element mode, the story's `story.json` (written by `element.js`).
pub const STORY_META: &str = "twinstory-story";

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

/// The origins a `?story=` page allows besides its own (as listed in its
/// `<meta>`), for the modules that check their requests themselves; `None`
/// for a built story, which may load from every server its author named.
pub fn allowed_origins() -> Option<String> {
    POLICY
        .with(|p| p.borrow().is_some())
        .then(|| meta_content(STORY_ORIGINS_META).unwrap_or_default())
}

/// Where the story comes from: the `<twin-story>` element's `src`, `?story=<url>` (checked against the page's
/// origin and `<meta name="twinstory-story-origins">`; then the same policy
/// holds for all the story loads) or `story.json` beside the page.
pub fn story_url() -> Result<String, LoadError> {
    // A `<twin-story>` element names its story (`element.js`); the host
    // page's `?story=` is not the story's.
    if crate::platform::in_element() {
        return meta_content(STORY_META)
            .ok_or_else(|| "the <twin-story> element names no story".to_string().into());
    }
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
        return Ok(LoadedStory {
            story,
            url,
            first: Vec::new(),
        });
    }
    let text = fetch_text(&url).await?;
    let t = page_lang().strings();
    let unreadable = |e: &dyn std::fmt::Display| (t.story_unreadable)(&url, &e.to_string());
    // Every JSON the player reads goes through `json_syntax`, not serde_json's
    // parser (see twinstory_model's json_syntax.rs).
    let value = json_syntax::parse(text.as_bytes()).map_err(|e| unreadable(&e))?;
    // The format first: a newer file may have settings this player does not know.
    let format = value.get("format").and_then(serde_json::Value::as_u64);
    if let Some(format) = format.filter(|f| *f > u64::from(FORMAT_VERSION)) {
        return Err(LoadError::Failed((t.story_too_new)(
            &url,
            format,
            FORMAT_VERSION,
        )));
    }
    // The hand-written reader, not serde's derive: see twinstory_model's json.rs.
    let story = Story::from_json_value(&value).map_err(|e| unreadable(&e))?;
    keep_story_json(&text, None);
    Ok(LoadedStory {
        story,
        url,
        first: Vec::new(),
    })
}

/// The step the page opens at: the one the URL fragment names, else the
/// first.
pub fn opening_step(story: &Story) -> usize {
    crate::platform::location_hash()
        .and_then(|h| story.steps.iter().position(|s| s.id == h))
        .unwrap_or(0)
}

/// How long the page waits at most for the opening step's packed layers
/// before it is made without them, in ms.
const FIRST_WAIT_MS: i32 = 250;

/// Reads the packed layers the opening step draws into `loaded.first`, for
/// at most FIRST_WAIT_MS (`boot.js` asked for them beside story.json, so
/// they are usually in memory). Read before the page is made, their data is
/// in its first frame: read after, the browser would hand over their bytes
/// only once it has made and laid out the page and drawn an empty map. A
/// layer not read in time (or not at all) loads as every other does.
pub async fn read_first(loaded: &mut LoadedStory) {
    let step = opening_step(&loaded.story);
    let jobs: Vec<(usize, LayerJob)> = loaded
        .story
        .layers
        .iter()
        .enumerate()
        .filter(|&(i, l)| {
            loaded.story.step_draws(step, i)
                && FileFormat::of(&l.source) == Some(FileFormat::Packed)
        })
        .map(|(i, l)| (i, LayerJob::of(l)))
        .collect();
    if jobs.is_empty() {
        return;
    }
    let got = std::rc::Rc::new(RefCell::new(Vec::new()));
    let mut open = None;
    let all = js_sys::Promise::new(&mut |resolve, _| {
        let _ =
            window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, FIRST_WAIT_MS);
        open = Some(resolve);
    });
    // One after the other (they are in memory or on their way already).
    let (url, lang, read) = (loaded.url.clone(), loaded.story.lang.clone(), got.clone());
    leptos::task::spawn_local(async move {
        for (i, job) in jobs {
            // After the wait the page loads the rest itself.
            if std::rc::Rc::strong_count(&read) == 1 {
                return;
            }
            if let Ok(load) = load_layer(&job, &url, &lang).await {
                read.borrow_mut().push((i, load.dataset));
            }
        }
        if let Some(f) = open {
            let _ = f.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(all).await;
    loaded.first = std::mem::take(&mut *got.borrow_mut());
}

/// How long one request may take before the layer counts as failed.
const TIMEOUT_MS: i32 = 30_000;

/// What loading a layer needs of it, taken from the story when the load
/// starts (the story itself stays in the scene; the load outlives a borrow).
pub struct LayerJob {
    /// The layer's id (its source's JSON is found by it).
    pub id: String,
    /// Its title, or its id, for messages.
    pub title: String,
    /// Its source's address, as written (resolved against the story's).
    pub url: String,
    /// `Some(true)` for a packed file, `Some(false)` for another file (read
    /// by the sources module), `None` for a service.
    pub packed: Option<bool>,
    /// Seconds between reads of a live layer.
    pub refresh: Option<u32>,
}

impl LayerJob {
    /// What loading `layer` needs.
    pub fn of(layer: &Layer) -> Self {
        LayerJob {
            id: layer.id.clone(),
            title: layer.title.clone().unwrap_or_else(|| layer.id.clone()),
            url: layer.source.url().to_owned(),
            packed: FileFormat::of(&layer.source).map(|f| f == FileFormat::Packed),
            refresh: layer.source.refresh_seconds(),
        }
    }
}

/// A layer's data and what its reader should know about it.
#[derive(Debug, Clone)]
pub struct LayerLoad {
    /// The features read.
    pub dataset: Dataset,
    /// For a service that stopped early: how much is shown, and why
    /// (short, in the story's language).
    pub notice: Option<String>,
    /// The same in detail for the story's author (addresses, status codes).
    pub detail: Option<String>,
}

/// Why a layer could not be loaded.
#[derive(Debug, Clone)]
pub struct LayerFailure {
    /// Short, in the story's language, without addresses.
    pub message: String,
    /// Addresses and status codes, for the story's author.
    pub detail: String,
}

/// Fetches and reads one layer's data: packed files (what `twinstory
/// build` writes for local layers) here; other files and services through
/// the sources module (`crates/sources`, imported only then), which reads
/// them page by page as `twinstory_data::remote::Paging` plans (this loop
/// only fetches) and hands back the features packed.
/// `lang` is the story's language, for the reader's messages.
pub fn load_layer<'a>(
    layer: &'a LayerJob,
    story_url: &'a str,
    lang: &'a str,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<LayerLoad, LayerFailure>> + 'a>> {
    // Boxed: its two callers (`read_first`, the page's loads) share one
    // copy of the reading in the size-budgeted base.
    Box::pin(read_layer(layer, story_url, lang))
}

async fn read_layer(
    layer: &LayerJob,
    story_url: &str,
    lang: &str,
) -> Result<LayerLoad, LayerFailure> {
    let title = &layer.title;
    let name = &layer.url;
    let url = resolve_url(name, story_url).map_err(|detail| LayerFailure {
        message: remote::failed_message(
            &Stop::Failed {
                url: name.to_owned(),
                failure: Failure::Refused(detail.clone()),
            },
            lang,
            title,
        ),
        detail,
    })?;
    let Some(packed) = layer.packed else {
        return load_service(&layer.id, &url, lang, title).await;
    };
    let failed = |stop: Stop, detail: String| LayerFailure {
        message: remote::failed_message(&stop, lang, title),
        detail,
    };
    let bytes = fetch_with(&url, None, Lang::of(lang)).await.map_err(|e| {
        let detail = e.detail.clone();
        failed(
            Stop::Failed {
                url: url.clone(),
                failure: e.failure,
            },
            detail,
        )
    })?;
    let unreadable = |detail: String| {
        let stop = Stop::Unreadable {
            url: url.clone(),
            error: DataError::new(name, None, detail.clone(), None),
        };
        failed(stop, detail)
    };
    let packed = if packed {
        bytes
    } else {
        let out = modules::call(
            SOURCES,
            "read_file",
            &[
                JsValue::from(source_json(&layer.id).as_str()),
                JsValue::from(name),
                Uint8Array::from(bytes.as_slice()).into(),
            ],
        )
        .await
        .map_err(|e| match e {
            ModuleError::Failed(detail) => unreadable(detail),
            other => module_failure(other, &url, lang, title),
        })?;
        out.dyn_into::<Uint8Array>()
            .map_err(|_| unreadable(Lang::of(lang).strings().readers_no_answer.into()))?
            .to_vec()
    };
    let dataset = read_packed(name, &packed).map_err(|error| {
        let detail = error.to_string();
        failed(
            Stop::Unreadable {
                url: url.clone(),
                error,
            },
            detail,
        )
    })?;
    Ok(LayerLoad {
        dataset,
        notice: None,
        detail: None,
    })
}

thread_local! {
    /// The story as the browser parsed it (`JSON.parse`), for the layer
    /// sources the sources module reads: handing it a source's original
    /// JSON keeps serde's serialiser out of the base module.
    static STORY_JSON: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
}

/// Keeps the story's JSON (the text of `story.json`, or the story of the
/// story compiler's answer) for [`source_json`].
pub fn keep_story_json(text: &str, key: Option<&str>) {
    let Ok(mut value) = js_sys::JSON::parse(text) else {
        return;
    };
    if let Some(key) = key {
        value = js_sys::Reflect::get(&value, &key.into()).unwrap_or(JsValue::UNDEFINED);
    }
    STORY_JSON.with(|s| *s.borrow_mut() = value);
}

/// The story's JSON as kept (for the play module, which reads its steps'
/// `play` from it).
pub fn story_json() -> JsValue {
    STORY_JSON.with(|s| s.borrow().clone())
}

/// The layer's source as story JSON (as written in `story.json`), for the
/// sources module.
fn source_json(id: &str) -> String {
    let get = |v: &JsValue, key: &str| js_sys::Reflect::get(v, &key.into()).ok();
    STORY_JSON
        .with(|s| {
            let layers: js_sys::Array = get(&s.borrow(), "layers")?.dyn_into().ok()?;
            let entry = layers
                .iter()
                .find(|l| get(l, "id").and_then(|l| l.as_string()).as_deref() == Some(id))?;
            js_sys::JSON::stringify(&get(&entry, "source")?)
                .ok()?
                .as_string()
        })
        .unwrap_or_default()
}

/// The reader's message when the sources module cannot be had: the layer
/// fails as when its server cannot be reached (the module's server: the
/// page's own), in the story's language.
fn module_failure(e: ModuleError, url: &str, lang: &str, title: &str) -> LayerFailure {
    let t = Lang::of(lang).strings();
    let (module, detail) = match e {
        ModuleError::Missing => (url.to_owned(), (t.readers_missing)(url)),
        ModuleError::Unavailable { url: js, detail } => {
            let why = (t.readers_unavailable)(&js, &detail);
            (js, why)
        }
        ModuleError::Failed(detail) => (url.to_owned(), detail),
    };
    LayerFailure {
        message: remote::failed_message(
            &Stop::Failed {
                url: module,
                failure: Failure::Unreachable,
            },
            lang,
            title,
        ),
        detail,
    }
}

/// Reads a service layer with the sources module's paging: asks it for
/// each request, fetches it and hands back the answer or the failure.
async fn load_service(
    id: &str,
    url: &str,
    lang: &str,
    title: &str,
) -> Result<LayerLoad, LayerFailure> {
    let refused = |detail: String| {
        let stop = Stop::Failed {
            url: url.to_owned(),
            failure: Failure::Refused(detail.clone()),
        };
        LayerFailure {
            message: remote::failed_message(&stop, lang, title),
            detail,
        }
    };
    let call = |name: &'static str, args: Vec<JsValue>| async move {
        modules::call(SOURCES, name, &args)
            .await
            .map_err(|e| match e {
                ModuleError::Failed(detail) => refused(detail),
                other => module_failure(other, url, lang, title),
            })
    };
    let id = call(
        "paging_new",
        vec![source_json(id).into(), JsValue::from(url)],
    )
    .await?;
    while let Some(next) = call("paging_next", vec![id.clone()]).await?.as_string() {
        let (accept, req) = next.split_once('\n').unwrap_or(("", next.as_str()));
        let accept = (!accept.is_empty()).then_some(accept);
        match fetch_with(req, accept, Lang::of(lang)).await {
            Ok(bytes) => {
                let page: JsValue = Uint8Array::from(bytes.as_slice()).into();
                call("paging_accept", vec![id.clone(), page]).await?;
            }
            Err(e) => {
                let (kind, number, why) = match e.failure {
                    Failure::Status(s) => (0, u32::from(s), String::new()),
                    Failure::Unreachable => (1, 0, String::new()),
                    Failure::TimedOut(s) => (2, s, String::new()),
                    Failure::Refused(why) => (3, 0, why),
                };
                let args = vec![id.clone(), kind.into(), number.into(), why.into()];
                call("paging_fail", args).await?;
            }
        }
    }
    let answer = call(
        "paging_finish",
        vec![id.clone(), JsValue::from(lang), JsValue::from(title)],
    )
    .await?
    .as_string()
    .unwrap_or_default();
    let mut lines = answer.splitn(3, '\n');
    let state = lines.next().unwrap_or_default();
    let message = lines.next().filter(|m| !m.is_empty()).map(str::to_owned);
    let detail = lines.next().filter(|d| !d.is_empty()).map(str::to_owned);
    let packed = call("paging_take", vec![id])
        .await?
        .dyn_into::<Uint8Array>()
        .map(|a| a.to_vec())
        .unwrap_or_default();
    if state == "failed" {
        return Err(LayerFailure {
            message: message.unwrap_or_default(),
            detail: detail.unwrap_or_default(),
        });
    }
    let dataset = read_packed(url, &packed).map_err(|e| refused(e.to_string()))?;
    Ok(LayerLoad {
        dataset,
        notice: message,
        detail: detail.filter(|_| state == "incomplete"),
    })
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    Ok(fetch_with(url, None, page_lang()).await?)
}

/// A request that brought no answer: what kind of failure (for the
/// reader's message) and the details (for the author).
#[derive(Debug, Clone)]
pub struct FetchError {
    /// What went wrong.
    pub failure: Failure,
    /// The address and what happened.
    pub detail: String,
}

impl From<FetchError> for String {
    fn from(e: FetchError) -> String {
        e.detail
    }
}

/// GET with a time-out; `accept` sets the Accept header. Only addresses
/// [`request_allowed`] lets through, and other servers never learn the page.
/// `lang` is the language of the reason for a refused request.
async fn fetch_with(url: &str, accept: Option<&str>, lang: Lang) -> Result<Vec<u8>, FetchError> {
    request_allowed(url).map_err(|r| {
        let why = refused_request(url, &r, lang.strings());
        FetchError {
            failure: Failure::Refused(why.clone()),
            detail: why,
        }
    })?;
    let controller = web_sys::AbortController::new().ok();
    let timer = controller.as_ref().and_then(|c| {
        let c = c.clone();
        let cb = wasm_bindgen::closure::Closure::once_into_js(move || c.abort());
        web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), TIMEOUT_MS)
            .ok()
    });
    #[allow(
        clippy::disallowed_methods,
        reason = "the one fetch point: `request_allowed` checked the address above"
    )]
    let mut req = Request::get(url)
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref())
        .referrer_policy(ReferrerPolicy::SameOrigin);
    if let Some(a) = accept {
        req = req.header("Accept", a);
    }
    // A `?story=` story's requests follow no redirect: one on an allowed
    // origin (an open redirect such as `/go?to=…`) could lead to any server
    // and bring in a story or data from there.
    if POLICY.with(|p| p.borrow().is_some()) {
        req = req.redirect(web_sys::RequestRedirect::Error);
    }
    let sent = req.send().await;
    if let (Some(t), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(t);
    }
    let resp = sent.map_err(|_| {
        let host = web_sys::Url::new(url)
            .map(|u| u.host())
            .unwrap_or_else(|_| url.to_string());
        let t = lang.strings();
        if controller.as_ref().is_some_and(|c| c.signal().aborted()) {
            let secs = (TIMEOUT_MS / 1000) as u32;
            FetchError {
                failure: Failure::TimedOut(secs),
                detail: format!("{} ({url})", (t.server_timed_out)(&host, secs)),
            }
        } else {
            FetchError {
                failure: Failure::Unreachable,
                detail: (t.fetch_unreachable)(&host, url),
            }
        }
    })?;
    if !resp.ok() {
        return Err(FetchError {
            failure: Failure::Status(resp.status()),
            detail: (lang.strings().fetch_status)(url, resp.status(), &resp.status_text()),
        });
    }
    resp.binary().await.map_err(|e| FetchError {
        failure: Failure::Unreachable,
        detail: (lang.strings().fetch_unreadable)(url, &e.to_string()),
    })
}

/// Why a request of a `?story=` story was not sent.
/// In the story's language: a layer's message reads it.
fn refused_request(url: &str, r: &Refusal, t: &Strings) -> String {
    match r {
        Refusal::Origin(origin) => (t.request_refused_origin)(origin),
        Refusal::Scheme(scheme) => (t.request_refused_scheme)(scheme),
        Refusal::Invalid => (t.request_invalid)(url),
    }
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let bytes = fetch_bytes(url).await?;
    String::from_utf8(bytes).map_err(|_| (page_lang().strings().not_text)(url))
}
