//! The story without JavaScript and in print: every step's text with its
//! map drawn as a static SVG (the same draw list the player paints), the
//! map's legend and credits, then the sources. `twinstory build` puts it in
//! the page's `<noscript>`; the SVG files are written beside `story.json`
//! with content-hashed names, so browsers with JavaScript never fetch them.

use anyhow::Result;
use std::fmt::Write;
use std::fs;
use std::path::Path;
use twinstory_data::read_packed;
use twinstory_map::svg::to_svg;
use twinstory_map::{DrawList, Padding, Viewport};
use twinstory_model::strings::Lang;
use twinstory_model::{url, Compare, Source, Story};
use twinstory_scene::{Credit, Playback, PlaybackOptions, Scene};

use crate::build::{escape, hashed_name};

/// Size of a step's picture, in CSS px.
const WIDTH: f64 = 800.0;
const HEIGHT: f64 = 500.0;
/// Size of the story's preview picture on the site index (the first
/// step's map, drawn smaller: coarser lines, fewer bytes), in CSS px.
pub const PREVIEW_WIDTH: f64 = 480.0;
/// See [`PREVIEW_WIDTH`].
pub const PREVIEW_HEIGHT: f64 = 300.0;

/// The page's HTML and the story's preview picture (its path in the
/// story's folder, when the story has a step).
pub struct StaticPage {
    /// The page with its `{{static}}` slot filled.
    pub html: String,
    /// `img/preview-<hash>.svg`: the first step's map, for the site index.
    pub preview: Option<String>,
}

/// Puts the static story into the page's `{{static}}` slot (the last one:
/// the author's title and summary, filled before, may contain the same
/// characters).
pub fn fill_page(page: &str, story: &Story, out: &Path) -> Result<StaticPage> {
    let Some(at) = page.rfind("{{static}}") else {
        return Ok(StaticPage {
            html: page.to_owned(),
            preview: None,
        });
    };
    let (html, preview) = static_story(story, out)?;
    Ok(StaticPage {
        html: format!("{}{html}{}", &page[..at], &page[at + "{{static}}".len()..]),
        preview,
    })
}

/// Writes every step's map under `out/img/` and returns the HTML of the
/// whole story for the page's `<noscript>` (intro, steps with text, map,
/// legend and credits, sources), and the path of the preview picture it
/// wrote for the site index (the first step's map at [`PREVIEW_WIDTH`]).
/// `story` is the built story: its local layers are packed files in `out`;
/// layers read while the story plays (services, remote files) are not
/// drawn.
pub fn static_story(story: &Story, out: &Path) -> Result<(String, Option<String>)> {
    let t = Lang::of(&story.lang).strings();
    let words = Lang::of(&story.lang).describe_words();
    let mut scene = Scene::new(story.clone());
    // Layers read while the story plays (services, remote files): these
    // pictures cannot draw them, and their legend lines say so.
    let mut remote = vec![true; story.layers.len()];
    for (i, layer) in story.layers.iter().enumerate() {
        if let Source::Packed { url } = &layer.source {
            if url::is_http(url) {
                continue;
            }
            remote[i] = false;
            let bytes = fs::read(out.join(url))?;
            if let Ok(data) = read_packed(url, &bytes) {
                scene.set_layer_data(i, &data);
            }
        }
    }
    let viewport = Viewport {
        width: WIDTH,
        height: HEIGHT,
        dpr: 1.0,
    };
    let padding = Padding::uniform(24.0);
    let mut opts = PlaybackOptions::default();
    opts.flight.reduced_motion = true;
    let mut playback = Playback::new(&scene);
    let mut list = DrawList::new();
    let mut html = String::new();
    if !story.intro.is_empty() {
        let _ = write!(html, "<div class=\"ts-intro\">{}</div>", story.intro);
    }
    fs::create_dir_all(out.join("img"))?;
    for (i, step) in story.steps.iter().enumerate() {
        playback.go_to(&scene, i, &viewport, &padding, 0.0, &opts);
        playback.tick(1e9);
        let svg = match &step.compare {
            Some(c) if playback.comparing() => {
                compare_svg(&playback, &scene, &viewport, c, &mut list)
            }
            _ => {
                playback.render_list(&scene, &viewport, &mut list);
                to_svg(&list)
            }
        };
        let name = format!(
            "img/{}",
            hashed_name(&format!("step-{}.svg", i + 1), svg.as_bytes())
        );
        fs::write(out.join(&name), svg.as_bytes())?;
        // A chapter's heading before its first step (listed in the cover's
        // contents, which the introduction ends with).
        if let Some(c) = &step.chapter {
            let _ = write!(html, "<h2 class=\"ts-static-chapter\">{}</h2>", escape(c));
        }
        let _ = write!(
            html,
            "<section class=\"ts-static-step\" id=\"{id}\"><h2>{title}</h2>{text}<figure class=\"ts-static-map\"><img src=\"{name}\" width=\"{w}\" height=\"{h}\" alt=\"{alt}\"><figcaption>",
            id = escape(&step.id),
            title = escape(&step.title),
            text = step.html,
            w = WIDTH,
            h = HEIGHT,
            alt = escape(&(t.step_map)(&step.title)),
        );
        if let Some(c) = &step.compare {
            let _ = write!(
                html,
                "<p>{}</p>",
                escape(&(words.compared)(&c.before_label, &c.after_label))
            );
        }
        // The legend: every visible layer's classes, categories or sizes.
        let legend = scene.legend(i);
        if !legend.is_empty() {
            let _ = write!(html, "<p>{}:</p><ul>", escape(t.map_legend));
            for e in &legend {
                let i = story.layers.iter().position(|l| l.id == e.layer);
                if i.is_some_and(|i| remote[i]) {
                    let line = format!("{}: {}", escape(&e.title), escape(words.remote_not_drawn));
                    let _ = write!(html, "<li>{line}</li>");
                    continue;
                }
                let items: Vec<String> = e.items.iter().map(|it| it.text(&story.lang)).collect();
                let mut line = escape(&e.title);
                if items.len() > 1 || e.property.is_some() {
                    let _ = write!(line, ": {}", escape(&items.join("; ")));
                }
                if let Some(note) = e.note(&story.lang) {
                    let _ = write!(line, " ({})", escape(&note));
                }
                let _ = write!(html, "<li>{line}</li>");
            }
            html.push_str("</ul>");
        }
        let credits = scene.step_credits(i);
        if !credits.is_empty() {
            let _ = write!(
                html,
                "<p class=\"ts-attribution-static\">{}</p>",
                credits_html(&credits)
            );
        }
        html.push_str("</figcaption></figure></section>");
    }
    let sources: Vec<Credit> = scene.sources();
    if !sources.is_empty() {
        let _ = write!(html, "<h2>{}</h2><ul>", escape(t.sources));
        for c in &sources {
            let _ = write!(html, "<li>{}</li>", credits_html(std::slice::from_ref(c)));
        }
        html.push_str("</ul>");
    }
    // The preview: the first step as a reader who jumps there sees it.
    let mut preview = None;
    if !story.steps.is_empty() {
        let small = Viewport {
            width: PREVIEW_WIDTH,
            height: PREVIEW_HEIGHT,
            dpr: 1.0,
        };
        playback.go_to(&scene, 0, &small, &Padding::uniform(12.0), 1e9, &opts);
        playback.tick(2e9);
        playback.render_list(&scene, &small, &mut list);
        let svg = to_svg(&list);
        let name = format!("img/{}", hashed_name("preview.svg", svg.as_bytes()));
        fs::write(out.join(&name), svg.as_bytes())?;
        preview = Some(name);
    }
    Ok((html, preview))
}

/// A compare step's picture: its two states side by side, each with its
/// label, as the player shows them on phones.
fn compare_svg(
    playback: &Playback,
    scene: &Scene,
    viewport: &Viewport,
    c: &Compare,
    list: &mut DrawList,
) -> String {
    let (w, h) = (viewport.width, viewport.height);
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#
    );
    for (before, label) in [(true, &c.before_label), (false, &c.after_label)] {
        playback.side_list(scene, viewport, before, list);
        let x = if before {
            0.0
        } else {
            w - f64::from(list.width)
        };
        let side = to_svg(list).replacen("<svg ", &format!(r#"<svg x="{x}" "#), 1);
        out.push_str(&side);
        let _ = write!(
            out,
            r##"<text x="{tx}" y="28" font-family="sans-serif" font-size="16" font-weight="bold" fill="#1d2330" stroke="#ffffff" stroke-width="4" paint-order="stroke">{}</text>"##,
            escape(label),
            tx = x + 12.0,
        );
    }
    let mid = w / 2.0;
    let _ = write!(
        out,
        r##"<rect x="{}" y="0" width="2" height="{h}" fill="#ffffff"/></svg>"##,
        mid - 1.0
    );
    out
}

/// Credits as text, linked when they have a web address.
fn credits_html(credits: &[Credit]) -> String {
    credits
        .iter()
        .map(|c| match c.url.as_deref().filter(|u| url::is_http(u)) {
            Some(u) => format!("<a href=\"{}\">{}</a>", escape(u), escape(&c.text)),
            None => escape(&c.text),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}
