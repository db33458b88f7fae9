//! StoryMapJS (Knight Lab): JSON with `storymap.slides`, each with `text`
//! (`headline`, `text` as HTML), `location` (`lat`, `lon`, `zoom`, `name`)
//! and `media` (`url`, `credit`, `caption`). A first slide of `type:
//! overview` is the introduction, and its map shows every place.
//!
//! StoryMapJS zoom levels are Leaflet's, with 256-pixel tiles: the world is
//! 256 px wide at zoom 0, while twinstory's (MapLibre's) world is 512 px
//! wide at zoom 0. The same map scale is therefore twinstory zoom =
//! StoryMapJS zoom − 1. The slides' places become a point layer
//! (`data/places.geojson`), as StoryMapJS marks them; each step
//! highlights its own.

use super::html;
use super::{num, Draft, DraftStep, DraftView, Report};
use anyhow::{anyhow, Result};
use serde_json::{json, Value};

/// Converts a StoryMapJS JSON file.
pub fn convert(text: &str, report: &mut Report) -> Result<Draft> {
    let root: Value = serde_json::from_str(text).map_err(|e| anyhow!("not JSON: {e}"))?;
    let map = root.get("storymap").unwrap_or(&root);
    let Some(slides) = map.get("slides").and_then(Value::as_array) else {
        return Err(anyhow!("no `storymap.slides` list"));
    };
    if let Some(obj) = map.as_object() {
        let others: Vec<&str> = obj
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "slides")
            .collect();
        if !others.is_empty() {
            report.lost(format!(
                "the story's settings {} (map type, calls, language of StoryMapJS)",
                others.join(", ")
            ));
        }
    }
    let mut draft = Draft::default();
    let mut places = Vec::new();
    let mut overview_step = None;
    for (i, slide) in slides.iter().enumerate() {
        let headline_html = slide
            .pointer("/text/headline")
            .and_then(Value::as_str)
            .unwrap_or("");
        let headline = super::mapbox::plain_with_links(headline_html);
        let body = slide
            .pointer("/text/text")
            .and_then(Value::as_str)
            .unwrap_or("");
        let place = format!("slide {} \"{}\"", i + 1, headline);
        let is_overview = slide.get("type").and_then(Value::as_str) == Some("overview");
        let mut text = Vec::new();
        if let Some(date) = slide
            .get("date")
            .and_then(Value::as_str)
            .filter(|d| !d.trim().is_empty())
        {
            text.push(format!("**{}**", html::escape_inline(date.trim())));
        }
        if let Some(media) = slide.get("media") {
            text.extend(media_markdown(media, &headline, &place, report));
        }
        if !body.trim().is_empty() {
            let c = html::to_markdown(body, report.lang);
            report.html(&place, &c);
            text.push(c.markdown);
        }
        if slide.get("background").is_some_and(|b| !b.is_null()) {
            report.lost(format!(
                "{place}: its `background` (colour or image behind the slide)"
            ));
        }
        let location = slide
            .get("location")
            .and_then(|l| read_location(l, &place, report));
        let mut step = DraftStep {
            title: if headline.is_empty() {
                location
                    .as_ref()
                    .map(|l| l.name.clone())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| format!("Slide {}", i + 1))
            } else {
                headline.clone()
            },
            text: text.join("\n\n"),
            ..DraftStep::default()
        };
        if let Some(loc) = &location {
            let zoom = (loc.zoom - 1.0).clamp(0.0, 22.0);
            step.view = Some(DraftView::Center {
                lon: loc.lon,
                lat: loc.lat,
                zoom,
                bearing: 0.0,
                pitch: 0.0,
            });
            places.push(json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [loc.lon, loc.lat] },
                "properties": { "name": if loc.name.is_empty() { &step.title } else { &loc.name }, "step": draft.steps.len() + 1 }
            }));
            step.show = Some(format!(
                "[{{ layer: places, highlight: \"step == {}\" }}]",
                draft.steps.len() + 1
            ));
        }
        if is_overview && i == 0 {
            overview_step = Some(draft.steps.len());
            if draft.title.is_empty() {
                draft.title = headline.clone();
            }
        }
        draft.steps.push(step);
    }
    if draft.steps.is_empty() {
        return Err(anyhow!("the story has no slides"));
    }
    // The overview shows all places: its view fits them (StoryMapJS does the same).
    if let Some(o) = overview_step {
        if let Some(bounds) = bounds(&places) {
            draft.steps[o].view = Some(DraftView::Fit(bounds));
            draft.steps[o].show = Some("[places]".to_owned());
        }
        report
            .carried
            .push("the overview slide as the first step, showing all places".to_owned());
    }
    let slides_with_places = places.len();
    if !places.is_empty() {
        let geojson = json!({ "type": "FeatureCollection", "features": places });
        draft.files.push((
            "data/places.geojson".to_owned(),
            geojson.to_string().into_bytes(),
        ));
        draft.layers_yaml = vec![
            "places:".to_owned(),
            // The legend's name, in the story's language like the rest.
            format!(
                "  title: {}",
                match report.lang {
                    twinstory_model::strings::Lang::De => "Orte",
                    _ => "Places",
                }
            ),
            "  source: { type: geojson, url: data/places.geojson }".to_owned(),
            "  style: { fill: \"#c0392b\", stroke: \"#ffffff\", stroke-width: 1.5, radius: 6 }"
                .to_owned(),
            "  tooltip: \"{name}\"".to_owned(),
        ];
        report.carried.push(format!(
            "{slides_with_places} slide locations as views (zoom − 1: Leaflet's 256-px zoom levels to MapLibre's) and as points of the layer `places` (data/places.geojson), each step highlighting its own"
        ));
        report.lost("the line StoryMapJS draws between the places, and their marker icons");
    }
    report.carried.push(format!(
        "{} slides as steps: headline as heading, date, text (HTML to Markdown), media (images as images with their credit, other media as links)",
        draft.steps.len()
    ));
    Ok(draft)
}

struct Location {
    lon: f64,
    lat: f64,
    zoom: f64,
    name: String,
}

/// `lat`/`lon`/`zoom` as numbers or numeric text (both occur).
fn read_location(l: &Value, place: &str, report: &mut Report) -> Option<Location> {
    let number = |key: &str| -> Option<f64> {
        match l.get(key)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let (lat, lon) = (number("lat")?, number("lon")?);
    if !(-180.0..=180.0).contains(&lon) || !(-85.05..=85.05).contains(&lat) {
        report.lost(format!(
            "{place}: location [{lon}, {lat}] is out of range and was left out"
        ));
        return None;
    }
    let zoom = number("zoom").unwrap_or_else(|| {
        report.lost(format!(
            "{place}: no zoom; zoom 10 (StoryMapJS 11) was taken"
        ));
        11.0
    });
    Some(Location {
        lon,
        lat,
        zoom,
        name: l
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_owned(),
    })
}

const IMAGE_EXTENSIONS: [&str; 7] = [".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".avif"];

/// The slide's media: an image as an image with its credit, anything else
/// (a tweet, a video, a web page) as a link.
fn media_markdown(media: &Value, headline: &str, place: &str, report: &mut Report) -> Vec<String> {
    let url = media
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    if url.is_empty() {
        return Vec::new();
    }
    let credit =
        super::mapbox::plain_with_links(media.get("credit").and_then(Value::as_str).unwrap_or(""));
    let caption =
        super::mapbox::plain_with_links(media.get("caption").and_then(Value::as_str).unwrap_or(""));
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    let mut out = Vec::new();
    if IMAGE_EXTENSIONS.iter().any(|e| path.ends_with(e)) {
        report.image(url, &credit);
        let alt = if caption.is_empty() {
            headline
        } else {
            &caption
        };
        out.push(html::image_markdown(url, alt, Some(&credit), report.lang));
        if !caption.is_empty() {
            out.push(format!("*{}*", html::escape_inline(&caption)));
        }
    } else if twinstory_model::url::is_http(url) {
        let label = if caption.is_empty() {
            url.to_owned()
        } else {
            caption
        };
        let credit = if credit.is_empty() {
            String::new()
        } else {
            format!(" ({})", html::escape_inline(&credit))
        };
        out.push(format!(
            "[{}](<{}>){credit}",
            html::escape_inline(&label),
            url.replace(['<', '>'], "")
        ));
        report.lost(format!(
            "{place}: the embedded media {url} is a link (stories embed no players or posts)"
        ));
    } else {
        report.lost(format!(
            "{place}: media `{url}` left out (not a web address)"
        ));
    }
    out
}

/// `[west, south, east, north]` around the places, with a margin; `None`
/// for fewer than one place.
fn bounds(places: &[Value]) -> Option<[f64; 4]> {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in places {
        let c = p.pointer("/geometry/coordinates")?.as_array()?;
        let (x, y) = (c.first()?.as_f64()?, c.get(1)?.as_f64()?);
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    if !b[0].is_finite() {
        return None;
    }
    let mx = ((b[2] - b[0]) * 0.05).max(0.01);
    let my = ((b[3] - b[1]) * 0.05).max(0.01);
    let r = |x: f64| num(x).parse::<f64>().unwrap_or(x);
    Some([
        r((b[0] - mx).max(-180.0)),
        r((b[1] - my).max(-85.0)),
        r((b[2] + mx).min(180.0)),
        r((b[3] + my).min(85.0)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_is_one_less_and_strings_are_numbers() {
        let mut report = Report::default();
        let d = convert(
            r#"{"storymap":{"slides":[{"type":"overview","text":{"headline":"T <small>s</small>","text":"Intro"}},
               {"text":{"headline":"A","text":"x"},"location":{"lat":"53.5","lon":10,"zoom":12,"name":"P"},
                "media":{"url":"https://e.org/a.JPG","credit":"C","caption":"Cap"}}]}}"#,
            &mut report,
        )
        .unwrap();
        assert_eq!(d.title, "T s");
        assert_eq!(
            d.steps[1].view,
            Some(DraftView::Center {
                lon: 10.0,
                lat: 53.5,
                zoom: 11.0,
                bearing: 0.0,
                pitch: 0.0
            })
        );
        assert!(
            d.steps[1]
                .text
                .contains("![Cap](https://e.org/a.JPG \"C\")"),
            "{}",
            d.steps[1].text
        );
        assert_eq!(
            d.steps[0].view,
            Some(DraftView::Fit([9.99, 53.49, 10.01, 53.51]))
        );
        assert_eq!(
            report.remote_images,
            vec![("https://e.org/a.JPG".to_owned(), "C".to_owned())]
        );
    }

    /// The places layer is named in the story's `lang`, as the legend shows it.
    #[test]
    fn the_places_layer_is_named_in_the_story_language() {
        for (lang, title) in [
            (twinstory_model::strings::Lang::De, "  title: Orte"),
            (twinstory_model::strings::Lang::En, "  title: Places"),
        ] {
            let mut report = Report {
                lang,
                ..Report::default()
            };
            let d = convert(
                r#"{"storymap":{"slides":[{"text":{"headline":"A","text":"x"},"location":{"lat":53.5,"lon":10,"zoom":12}}]}}"#,
                &mut report,
            )
            .unwrap();
            assert!(
                d.layers_yaml.iter().any(|l| l == title),
                "{:?}",
                d.layers_yaml
            );
        }
    }
}
