//! Loading a story and its layers over HTTP.

use crate::platform::{page_url, query_param, resolve_url};
use gloo_net::http::Request;
use twinstory_data::{CsvOptions, Dataset};
use twinstory_model::{Layer, Source, Story, FORMAT_VERSION};

/// A story with the absolute URL it was loaded from.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedStory {
    /// The story.
    pub story: Story,
    /// Absolute URL of `story.json`; layer paths are relative to it.
    pub url: String,
}

/// Where the story comes from: `?story=<url>` or `story.json` beside the page.
pub fn story_url() -> Result<String, String> {
    let rel = query_param("story").unwrap_or_else(|| "story.json".to_string());
    resolve_url(&rel, &page_url())
}

/// Fetches and decodes the story.
pub async fn load_story() -> Result<LoadedStory, String> {
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
        return Err(format!(
            "The story file {url} was written by a newer twinstory (format {}); this player reads format {FORMAT_VERSION}.",
            story.format
        ));
    }
    Ok(LoadedStory { story, url })
}

/// Fetches and parses one layer's data.
pub async fn load_layer(layer: &Layer, story_url: &str) -> Result<Dataset, String> {
    let url = resolve_url(layer.source.url(), story_url)?;
    let bytes = fetch_bytes(&url).await?;
    let name = layer.source.url();
    let parsed = match &layer.source {
        Source::Geojson { .. } => twinstory_data::read_geojson(name, &bytes),
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
            twinstory_data::read_csv_points(name, &bytes, &opts)
        }
    };
    parsed.map_err(|e| e.to_string())
}

async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let resp = Request::get(url)
        .send()
        .await
        .map_err(|e| format!("{url} could not be loaded ({e})"))?;
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

async fn fetch_text(url: &str) -> Result<String, String> {
    let bytes = fetch_bytes(url).await?;
    String::from_utf8(bytes).map_err(|_| format!("{url} is not UTF-8 text"))
}
