//! The Mapbox storytelling template (github.com/mapbox/storytelling):
//! `config.js` with `var config = { title, subtitle, byline, footer,
//! chapters: [{ id, title, image, description, location: { center, zoom,
//! pitch, bearing }, alignment, mapAnimation, onChapterEnter, … }] }`.
//!
//! Mapbox GL zoom levels are MapLibre's, which are twinstory's: zoom,
//! centre and bearing are taken as they are. Pitch is written as a
//! comment (the format has none yet). The layers a chapter fades in live
//! in the Mapbox style, not in the file: their ids go into the step
//! blocks as comments and into the report.

use super::html;
use super::js_literal;
use super::{Draft, DraftStep, DraftView, Report};
use anyhow::{anyhow, Result};
use serde_json::Value;

/// Converts a `config.js`.
pub fn convert(text: &str, report: &mut Report) -> Result<Draft> {
    let lit = js_literal::read(text).map_err(|e| anyhow!("config.js, {e}"))?;
    for s in &lit.skipped {
        report.lost(format!(
            "`{}` (line {}, column {}) is code, not data, and was not read: {}",
            s.path, s.line, s.column, s.text
        ));
    }
    let config = &lit.value;
    let Some(chapters) = config.get("chapters").and_then(Value::as_array) else {
        return Err(anyhow!("config.js has no `chapters` list"));
    };
    let mut draft = Draft {
        title: plain(str_of(config, "title")),
        ..Draft::default()
    };
    let subtitle = plain(str_of(config, "subtitle"));
    if !subtitle.is_empty() {
        draft.summary = Some(subtitle.clone());
        report.carried.push("`subtitle` as `summary`".to_owned());
    }
    let mut intro = Vec::new();
    if !subtitle.is_empty() {
        intro.push(html::escape_inline(&subtitle));
    }
    let byline = str_of(config, "byline");
    if !byline.trim().is_empty() {
        let c = html::to_markdown(byline, report.lang);
        report.html("byline", &c);
        intro.push(format!("*{}*", c.markdown.trim()));
        report
            .carried
            .push("`byline` in the introduction".to_owned());
    }
    draft.intro = intro.join("\n\n");
    let footer = str_of(config, "footer");
    if !footer.trim().is_empty() {
        draft.credits.push(plain_with_links(footer));
        report
            .carried
            .push("`footer` as a `credits` line".to_owned());
    }
    global_settings(config, report);

    let mut views = 0;
    let mut with_classes = 0;
    for (i, ch) in chapters.iter().enumerate() {
        let id = str_of(ch, "id").to_owned();
        let place = format!("chapter {} `{id}`", i + 1);
        let title = plain(str_of(ch, "title"));
        let mut step = DraftStep {
            title: if title.is_empty() {
                report.lost(format!(
                    "{place}: no title; the heading is the chapter's id"
                ));
                if id.is_empty() {
                    format!("Chapter {}", i + 1)
                } else {
                    id.clone()
                }
            } else {
                title
            },
            id,
            ..DraftStep::default()
        };
        if let Some(loc) = ch.get("location") {
            step.view = view(loc, &place, report);
            views += usize::from(step.view.is_some());
            for key in ["speed", "curve", "duration", "padding", "essential"] {
                if loc.get(key).is_some_and(|v| !v.is_null()) {
                    report.lost(format!(
                        "{place}: `location.{key}` (twinstory times its flights itself)"
                    ));
                }
            }
        }
        step.transition = match str_of(ch, "mapAnimation") {
            "" | "flyTo" => None,
            "easeTo" => Some("ease"),
            "jumpTo" => Some("jump"),
            other => {
                report.lost(format!(
                    "{place}: `mapAnimation: {other}` is not known; the step flies"
                ));
                None
            }
        };
        if ch.get("rotateAnimation").and_then(Value::as_bool) == Some(true) {
            report.lost(format!(
                "{place}: `rotateAnimation` (the slow turn of the map) is not supported"
            ));
        }
        if ch.get("hidden").and_then(Value::as_bool) == Some(true) {
            report.lost(format!("{place}: `hidden: true` (a map move without a text card); it is a normal step here"));
        }
        let callback = str_of(ch, "callback");
        if !callback.trim().is_empty() {
            report.lost(format!("{place}: `callback: {callback}` names a JavaScript function, which stories do not run"));
        }
        match str_of(ch, "alignment") {
            "" | "left" | "right" | "center" | "centered" | "full" | "fully" => {}
            other => report.lost(format!("{place}: `alignment: {other}` is not known")),
        }
        if ch.get("classes").is_some_and(|c| !c.is_null()) {
            with_classes += 1;
        }
        // Settings the template does not have: the story's own code read them.
        if let Some(obj) = ch.as_object() {
            for key in obj.keys().filter(|k| !CHAPTER_KEYS.contains(&k.as_str())) {
                report.lost(format!(
                    "{place}: `{key}`, a setting of this story's own code, not of the template"
                ));
            }
        }
        for key in ["legend", "chapterLegend"] {
            if ch.get(key).is_some_and(|v| !v.is_null()) {
                report.lost(format!(
                    "{place}: `{key}` (a legend made for the Mapbox style)"
                ));
            }
        }
        let step_id = step.id.clone();
        layer_changes(ch, &step_id, &place, &mut step, report);

        let mut text = Vec::new();
        let image = str_of(ch, "image").trim();
        if !image.is_empty() {
            report.image(image, "");
            text.push(html::image_markdown(image, &step.title, None, report.lang));
        }
        let description = str_of(ch, "description");
        if !description.trim().is_empty() {
            let c = html::to_markdown(description, report.lang);
            report.html(&place, &c);
            text.push(c.markdown);
        }
        step.text = text.join("\n\n");
        draft.steps.push(step);
    }
    if draft.steps.is_empty() {
        return Err(anyhow!("config.js has no chapters"));
    }
    if with_classes > 0 {
        report.lost(format!(
            "CSS `classes` of {with_classes} chapters (the page's style is the story's `theme`)"
        ));
    }
    report.carried.push(format!(
        "{} chapters as steps: `title` as heading, `id`, `description` (HTML to Markdown), `image`; {views} `location`s as views (centre, zoom, bearing, pitch)",
        draft.steps.len()
    ));
    report.carried.push(
        "`mapAnimation` as `transition` (flyTo → fly, easeTo → ease, jumpTo → jump)".to_owned(),
    );
    let alignments: Vec<&str> = chapters
        .iter()
        .map(|c| str_of(c, "alignment"))
        .filter(|a| !a.is_empty())
        .collect();
    if !alignments.is_empty() {
        report.lost(format!(
            "`alignment` of {} chapters: twinstory places the text cards by its own layout",
            alignments.len()
        ));
    }
    Ok(draft)
}

/// The chapter settings the template knows (the ones read or reported above).
const CHAPTER_KEYS: [&str; 15] = [
    "id",
    "title",
    "image",
    "description",
    "location",
    "alignment",
    "hidden",
    "mapAnimation",
    "rotateAnimation",
    "callback",
    "onChapterEnter",
    "onChapterExit",
    "classes",
    "legend",
    "chapterLegend",
];

/// Settings of the whole story that have no counterpart, reported.
fn global_settings(config: &Value, report: &mut Report) {
    let style = str_of(config, "style");
    if !style.is_empty() {
        report.lost(format!(
            "the map style `{style}`: its basemap and layers need Mapbox; give the story a `basemap` (see docs/story-format.md) and the data as `layers`"
        ));
    } else {
        report.lost("the map style (Mapbox Standard): give the story a `basemap` if it needs one");
    }
    if config.get("accessToken").is_some() {
        report.lost("`accessToken`: not copied (stories need no token)");
    }
    if config.get("showMarkers").and_then(Value::as_bool) == Some(true) {
        report.lost("`showMarkers`: markers at the chapters' centres are not drawn; add a point layer if they matter");
    }
    if config.get("use3dTerrain").and_then(Value::as_bool) == Some(true) {
        report.lost("`use3dTerrain`: twinstory draws no terrain");
    }
    if config.get("inset").and_then(Value::as_bool) == Some(true) {
        report.lost("`inset`: the small overview map is not supported");
    }
    let theme = str_of(config, "theme");
    if !theme.is_empty() {
        report.lost(format!(
            "`theme: {theme}`: set colours under `theme` in story.md if needed"
        ));
    }
    for key in [
        "projection",
        "auto",
        "markerColor",
        "insetOptions",
        "insetPosition",
        "toptitle",
        "logo",
    ] {
        if config
            .get(key)
            .is_some_and(|v| !v.is_null() && v != &Value::Bool(false))
        {
            report.lost(format!("`{key}`: not supported"));
        }
    }
}

/// The `location` as a view; out-of-range values are reported.
fn view(loc: &Value, place: &str, report: &mut Report) -> Option<DraftView> {
    let center = loc.get("center")?.as_array()?;
    let (Some(lon), Some(lat)) = (
        center.first().and_then(Value::as_f64),
        center.get(1).and_then(Value::as_f64),
    ) else {
        report.lost(format!(
            "{place}: `location.center` is not [longitude, latitude]"
        ));
        return None;
    };
    let zoom = loc.get("zoom").and_then(Value::as_f64).unwrap_or(0.0);
    let bearing = loc.get("bearing").and_then(Value::as_f64).unwrap_or(0.0);
    let pitch = loc.get("pitch").and_then(Value::as_f64).unwrap_or(0.0);
    if !(-180.0..=180.0).contains(&lon)
        || !(-85.05..=85.05).contains(&lat)
        || !(0.0..=22.0).contains(&zoom)
    {
        report.lost(format!(
            "{place}: the view [{lon}, {lat}] at zoom {zoom} is out of range and was left out"
        ));
        return None;
    }
    if pitch > super::MAX_PITCH {
        report.lost(format!(
            "{place}: pitch {pitch}° is steeper than twinstory tilts; the view tilts {}° (the original is named in a comment in the step block)",
            super::MAX_PITCH
        ));
    }
    // Mapbox bearings run −180…180 and beyond; keep them in −180…180.
    let bearing = (bearing + 180.0).rem_euclid(360.0) - 180.0;
    Some(DraftView::Center {
        lon,
        lat,
        zoom,
        bearing,
        pitch,
    })
}

/// `onChapterEnter`/`onChapterExit`: layer opacities of the Mapbox style.
fn layer_changes(ch: &Value, id: &str, place: &str, step: &mut DraftStep, report: &mut Report) {
    for (key, when) in [("onChapterEnter", "on enter"), ("onChapterExit", "on exit")] {
        let Some(list) = ch.get(key).and_then(Value::as_array) else {
            continue;
        };
        for change in list {
            let layer = str_of(change, "layer");
            if layer.is_empty() {
                continue;
            }
            let opacity = change.get("opacity").and_then(Value::as_f64);
            let what = match opacity {
                Some(o) => format!("opacity {}", super::num(o)),
                None => "changed".to_owned(),
            };
            step.comments.push(format!(
                "Mapbox layer \"{layer}\" {what} {when}: attach its data as a layer and add it to `show` (see import-report.md)"
            ));
            report
                .layers_to_attach
                .entry(layer.to_owned())
                .or_default()
                .push(format!("`{id}` {when}: {what}"));
            if change.get("duration").is_some() {
                report.lost(format!("{place}: the fade `duration` of layer `{layer}`"));
            }
        }
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// HTML to one line of plain text (for titles and headings).
fn plain(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    html::decode_entities(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// HTML to plain text with each link's address in parentheses (for a credits line).
pub fn plain_with_links(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("<a ") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let href = after
            .split("href=")
            .nth(1)
            .and_then(|h| {
                let q = h.chars().next()?;
                if q == '"' || q == '\'' {
                    h[1..].split(q).next()
                } else {
                    h.split([' ', '>']).next()
                }
            })
            .unwrap_or("");
        let Some(end) = after.find("</a>") else {
            out.push_str(after);
            rest = "";
            break;
        };
        let inner = &after[..end];
        let text = inner.split_once('>').map_or("", |(_, t)| t);
        out.push_str(text);
        if !href.is_empty() && !text.contains(href) {
            out.push_str(&format!(" ({href})"));
        }
        rest = &after[end + 4..];
    }
    out.push_str(rest);
    plain(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_config() {
        let mut report = Report {
            lang: twinstory_model::strings::Lang::En,
            ..Report::default()
        };
        let d = convert(
            "var config = { title: 'T', footer: 'By <a href=\"https://x.org\">X</a>', chapters: [
               { id: 'a b', title: 'One', image: './assets/x.jpg', description: 'Hi <b>there</b>',
                 location: { center: [10, 53.5], zoom: 12, pitch: 40, bearing: 200 }, mapAnimation: 'jumpTo',
                 callback: 'go', onChapterEnter: [{ layer: 'roads', opacity: 0.5 }] } ] };",
            &mut report,
        )
        .unwrap();
        assert_eq!(d.credits, vec!["By X (https://x.org)".to_owned()]);
        let s = &d.steps[0];
        assert_eq!(
            s.view,
            Some(DraftView::Center {
                lon: 10.0,
                lat: 53.5,
                zoom: 12.0,
                bearing: -160.0,
                pitch: 40.0
            })
        );
        assert_eq!(s.transition, Some("jump"));
        assert!(s.text.contains("Image not imported: `./assets/x.jpg`"));
        assert!(s.text.ends_with("Hi **there**"));
        assert!(s.comments[0].contains("\"roads\" opacity 0.5 on enter"));
        assert!(report.layers_to_attach.contains_key("roads"));
        assert!(report
            .not_carried
            .iter()
            .any(|l| l.contains("callback: go")));
        // A pitch of 40° is the view's own (the format tilts 0–60°).
        assert!(!report.not_carried.iter().any(|l| l.contains("pitch")));
    }
}
