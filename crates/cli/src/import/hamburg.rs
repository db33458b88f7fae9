//! Hamburg's storytelling tool / Data Narrator (the Masterportal add-on
//! storyTellingTool, citysciencelab/cut-data-narrator): a folder with
//! `story.json` (`title`, `author`, `description`, `chapters`, `steps` with
//! `centerCoordinate` in EPSG:25832, the portal's `zoomLevel`, `layers` as
//! the portal's layer ids, `htmlFile`, and for 3D steps `navigation3D` with
//! the camera's position, heading and pitch), one HTML file per step, and
//! optionally the portal's `portal-config.json`.
//!
//! Coordinates go from UTM zone 32N (ETRS89) to WGS84 ([`utm32_to_wgs84`]).
//! A `zoomLevel` is an index into the portal's resolutions (metres per CSS
//! pixel): the config's `mapView.options` when it lists them, else the
//! Masterportal's default list; a resolution becomes the MapLibre zoom
//! that has it at the view's latitude. A 3D camera (Cesium) becomes the
//! point it looks at, a bearing (heading), a pitch (90° + Cesium's pitch)
//! and the zoom with the same ground scale there on a 1280-px-wide map.

use super::html;
use super::{Draft, DraftStep, DraftView, Report};
use anyhow::{anyhow, Context, Result};
use serde_json::Value;
use std::path::{Component, Path, PathBuf};

/// The Masterportal's default resolutions (its `mapView.options`, zoom
/// levels 0–9: the scales 1:250,000 … 1:500 at 96 dpi).
const DEFAULT_RESOLUTIONS: [f64; 10] = [
    66.145_797_614_602_63,
    26.458_319_045_841_044,
    15.874_991_427_504_629,
    10.583_327_618_336_419,
    5.291_663_809_168_209_6,
    2.645_831_904_584_104_8,
    1.322_915_952_292_052_4,
    0.661_457_976_146_026_2,
    0.264_583_190_458_410_5,
    0.132_291_595_229_205_22,
];

/// Earth's circumference at the equator in Web Mercator, metres.
const CIRCUMFERENCE: f64 = 40_075_016.686;

/// Converts the story folder `dir` whose story file is `file`.
pub fn convert(text: &str, dir: &Path, report: &mut Report) -> Result<Draft> {
    let story: Value = serde_json::from_str(text).map_err(|e| anyhow!("not JSON: {e}"))?;
    let Some(steps) = story.get("steps").and_then(Value::as_array) else {
        return Err(anyhow!("no `steps` list"));
    };
    let portal = read_portal(dir, report)?;
    let resolutions = portal
        .as_ref()
        .and_then(|p| p.pointer("/Portalconfig/mapView/options"))
        .and_then(Value::as_array)
        .map(|opts| {
            let mut levels: Vec<(i64, f64)> = opts
                .iter()
                .filter_map(|o| {
                    Some((
                        o.get("zoomLevel")?.as_i64()?,
                        o.get("resolution")?.as_f64()?,
                    ))
                })
                .collect();
            levels.sort_by_key(|l| l.0);
            levels.into_iter().map(|l| l.1).collect::<Vec<f64>>()
        })
        .filter(|r| !r.is_empty());
    let resolutions = match resolutions {
        Some(r) => {
            report.carried.push(format!("`zoomLevel` through the portal's {} resolutions (portal-config.json `mapView.options`)", r.len()));
            r
        }
        None => {
            report.carried.push(
                "`zoomLevel` through the Masterportal's default resolutions (66.1 m … 0.13 m per pixel; the portal config lists none)".to_owned(),
            );
            DEFAULT_RESOLUTIONS.to_vec()
        }
    };

    let mut draft = Draft {
        title: super::mapbox::plain_with_links(str_of(&story, "title")),
        ..Draft::default()
    };
    let author = str_of(&story, "author").trim();
    if !author.is_empty() {
        draft.authors.push(author.to_owned());
    }
    let description = str_of(&story, "description").trim();
    if !description.is_empty() {
        draft.summary = Some(description.to_owned());
        draft.intro = html::escape_inline(description);
    }
    let cover = str_of(&story, "coverImagePath").trim();
    if !cover.is_empty() {
        report.image(cover, "");
        draft.intro = format!(
            "{}\n\n{}",
            html::image_markdown(cover, &draft.title, None, report.lang),
            draft.intro
        );
    }
    let chapters: Vec<(i64, String)> = story
        .get("chapters")
        .and_then(Value::as_array)
        .map(|c| {
            c.iter()
                .filter_map(|c| {
                    Some((
                        c.get("chapterNumber")?.as_i64()?,
                        str_of(c, "chapterTitle").to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let html_folder = str_of(&story, "htmlFolder");
    let mut last_chapter = None;
    let mut services = 0;
    let mut views3d = 0;
    for (i, s) in steps.iter().enumerate() {
        let title = str_of(s, "title").trim().to_owned();
        let chapter = s.get("associatedChapter").and_then(Value::as_i64);
        let place = format!(
            "step {} \"{}\" (chapter {})",
            i + 1,
            title,
            chapter.unwrap_or(0)
        );
        if s.get("visible").and_then(Value::as_bool) == Some(false) {
            report.lost(format!(
                "{place}: hidden in the original (`visible: false`); imported as a normal step"
            ));
        }
        let mut step = DraftStep {
            title: if title.is_empty() {
                match report.lang {
                    twinstory_model::strings::Lang::De => format!("Schritt {}", i + 1),
                    _ => format!("Step {}", i + 1),
                }
            } else {
                title
            },
            ..DraftStep::default()
        };
        let mut text = Vec::new();
        // A step of another chapter than the one before starts it: a `#`
        // chapter heading, its title (or its number, when it has none).
        if chapter != last_chapter {
            if let Some(n) = chapter.filter(|_| !chapters.is_empty()) {
                let title = chapters
                    .iter()
                    .find(|(c, _)| *c == n)
                    .map(|(_, t)| t.trim())
                    .filter(|t| !t.is_empty());
                step.chapter = Some(match title {
                    Some(t) => t.to_owned(),
                    None => {
                        let named = match report.lang {
                            twinstory_model::strings::Lang::De => format!("Kapitel {n}"),
                            _ => format!("Chapter {n}"),
                        };
                        report.lost(format!(
                            "chapter {n}: no title in story.json; its heading is \"{named}\": write its title there"
                        ));
                        named
                    }
                });
            }
            last_chapter = chapter;
        }
        // The view: a 3D camera, else the 2D centre and zoom level.
        let nav = s
            .get("navigation3D")
            .filter(|n| n.get("cameraPosition").is_some());
        if s.get("is3D").and_then(Value::as_bool) == Some(true) && nav.is_some() {
            step.view = nav.and_then(|n| camera_view(n, &place, report));
            views3d += usize::from(step.view.is_some());
        } else if let Some(c) = s
            .get("centerCoordinate")
            .and_then(Value::as_array)
            .filter(|c| c.len() >= 2)
        {
            let (Some(e), Some(n)) = (c[0].as_f64(), c[1].as_f64()) else {
                report.lost(format!("{place}: `centerCoordinate` is not two numbers"));
                continue;
            };
            let Some((lon, lat)) = utm32_to_wgs84(e, n) else {
                report.lost(format!(
                    "{place}: `centerCoordinate` lies outside UTM zone 32N"
                ));
                continue;
            };
            let level = s.get("zoomLevel").and_then(Value::as_f64).unwrap_or(0.0);
            let zoom = zoom_of_level(level, &resolutions, lat);
            step.view = Some(DraftView::Center {
                lon,
                lat,
                zoom,
                bearing: 0.0,
                pitch: 0.0,
            });
        }
        // Layers: references to the portal's services.
        for id in s
            .get("layers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = match id {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let found = portal.as_ref().and_then(|p| find_layer(p, &id));
            let (name, service) = match found {
                Some(l) => {
                    services += 1;
                    let typ = str_of(l, "typ");
                    let url = str_of(l, "url");
                    let layers = str_of(l, "layers");
                    let service = if url.is_empty() {
                        String::new()
                    } else if layers.is_empty() {
                        format!(", {typ} {url}")
                    } else {
                        format!(", {typ} {url} (layers: {layers})")
                    };
                    (format!(" \"{}\"", str_of(l, "name")), service)
                }
                None => (String::new(), String::new()),
            };
            step.comments.push(format!(
                "portal layer {id}{name}{service}: attach its data as a layer and add it to `show` (see import-report.md)"
            ));
            report
                .layers_to_attach
                .entry(format!("{id}{name}{service}"))
                .or_default()
                .push(format!("step {}", i + 1));
        }
        if let Some(addons) = s
            .get("interactionAddons")
            .and_then(Value::as_array)
            .filter(|a| !a.is_empty())
        {
            report.lost(format!(
                "{place}: `interactionAddons` {}",
                Value::Array(addons.clone())
            ));
        }
        let file = str_of(s, "htmlFile").trim();
        if !file.is_empty() {
            let candidates = [
                inside(dir, Path::new(file)),
                inside(dir, &Path::new(html_folder).join(file)),
            ];
            let path = candidates
                .iter()
                .find_map(|c| c.as_ref().ok().filter(|p| p.is_file()));
            match path {
                None if candidates.iter().any(Result::is_err) => report.lost(format!(
                    "{place}: its text `{file}` lies outside the story's folder and was not read"
                )),
                Some(p) => {
                    let body = std::fs::read_to_string(p)
                        .with_context(|| format!("cannot read {}", p.display()))?;
                    let c = html::to_markdown(&body, report.lang);
                    report.html(&place, &c);
                    text.push(c.markdown);
                }
                None => report.lost(format!("{place}: its text `{file}` is not in the folder")),
            }
        }
        step.text = text.join("\n\n");
        draft.steps.push(step);
    }
    if draft.steps.is_empty() {
        return Err(anyhow!("the story has no steps"));
    }
    report.carried.push(format!(
        "{} steps: title as heading, HTML text as Markdown, chapters as `#` chapter headings; `centerCoordinate` from EPSG:25832 to WGS84",
        draft.steps.len()
    ));
    if views3d > 0 {
        report.carried.push(format!(
            "{views3d} 3D camera steps as views: the point the camera looks at, heading as bearing, pitch (90° + the camera's pitch, at most 60°), zoom with the same ground scale there"
        ));
    }

    if portal.is_some() {
        report.carried.push(format!("{services} layer references named with the portal's service addresses (portal-config.json)"));
    } else if !report.layers_to_attach.is_empty() {
        report.lost(
            "no portal-config.json beside story.json: the layers are named by their ids only",
        );
    }
    for key in ["isScrollytelling", "htmlFolder"] {
        if story.get(key).is_some() {
            report.carried.push(format!(
                "`{key}` (how the tool finds and shows the steps; twinstory always scrolls)"
            ));
        }
    }
    Ok(draft)
}

fn read_portal(dir: &Path, report: &mut Report) -> Result<Option<Value>> {
    let path = dir.join("portal-config.json");
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let v: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    report.source = format!("{} and {}", report.source, path.display());
    Ok(Some(v))
}

/// The layer entry with `id` anywhere under `Themenconfig` (ids may be a
/// list for grouped layers).
fn find_layer<'a>(v: &'a Value, id: &str) -> Option<&'a Value> {
    match v {
        Value::Object(o) => {
            let matches = match o.get("id") {
                Some(Value::String(s)) => s == id,
                Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(id)),
                _ => false,
            };
            if matches && o.contains_key("name") {
                return Some(v);
            }
            o.values().find_map(|c| find_layer(c, id))
        }
        Value::Array(a) => a.iter().find_map(|c| find_layer(c, id)),
        _ => None,
    }
}

/// The MapLibre zoom whose ground resolution at `lat` is `resolution`
/// metres per CSS pixel (the world is 512 px wide at zoom 0).
pub fn zoom_of_resolution(resolution: f64, lat: f64) -> f64 {
    (CIRCUMFERENCE * lat.to_radians().cos() / (512.0 * resolution)).log2()
}

/// A portal zoom level (an index, possibly fractional) as a MapLibre zoom.
fn zoom_of_level(level: f64, resolutions: &[f64], lat: f64) -> f64 {
    let last = resolutions.len().saturating_sub(1);
    let i = level.clamp(0.0, last as f64);
    let lo = i.floor() as usize;
    let hi = (lo + 1).min(last);
    let (r0, r1) = (resolutions[lo], resolutions[hi]);
    // Between levels: interpolate in log space, as zooming does.
    let r = r0 * (r1 / r0).powf(i - lo as f64);
    round2(zoom_of_resolution(r, lat).clamp(0.0, 22.0))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A Cesium camera (`cameraPosition` [lon, lat, height m], `heading` and
/// `pitch` in radians, pitch −π/2 looking straight down) as a view.
fn camera_view(nav: &Value, place: &str, report: &mut Report) -> Option<DraftView> {
    let pos = nav.get("cameraPosition")?.as_array()?;
    let (lon, lat, height) = (
        pos.first()?.as_f64()?,
        pos.get(1)?.as_f64()?,
        pos.get(2)?.as_f64()?,
    );
    let heading = nav.get("heading").and_then(Value::as_f64).unwrap_or(0.0);
    let pitch = nav
        .get("pitch")
        .and_then(Value::as_f64)
        .unwrap_or(-std::f64::consts::FRAC_PI_2);
    // The look-down angle below the horizon; at least 5° so the ray meets the ground.
    let down = (-pitch).clamp(5f64.to_radians(), std::f64::consts::FRAC_PI_2);
    if -pitch < 5f64.to_radians() {
        report.lost(format!(
            "{place}: the camera looks (nearly) at the horizon; the view looks 5° down instead"
        ));
    }
    let ground = height.max(1.0) / down.tan();
    let distance = height.max(1.0) / down.sin();
    // Move `ground` metres from the camera along the heading.
    let (dn, de) = (ground * heading.cos(), ground * heading.sin());
    let r = 6_371_008.8;
    let clat = lat + (dn / r).to_degrees();
    let clon = lon + (de / (r * lat.to_radians().cos())).to_degrees();
    // Cesium's default 60° field of view across a 1280-px-wide map.
    let resolution = 2.0 * distance * 30f64.to_radians().tan() / 1280.0;
    let zoom = round2(zoom_of_resolution(resolution, clat).clamp(0.0, 22.0));
    let bearing = round2((heading.to_degrees() + 180.0).rem_euclid(360.0) - 180.0);
    let pitch_deg = round2((90.0 - down.to_degrees()).clamp(0.0, 85.0));
    let tilt = if pitch_deg > super::MAX_PITCH {
        format!(
            "pitch {pitch_deg}°, steeper than twinstory tilts: the view tilts {}°",
            super::MAX_PITCH
        )
    } else {
        format!("pitch {pitch_deg}° as the view's `pitch`")
    };
    report.lost(format!(
        "{place}: 3D camera at {height:.0} m: the view looks at the same point with the same ground scale there, {tilt}"
    ));
    Some(DraftView::Center {
        lon: clon,
        lat: clat,
        zoom,
        bearing,
        pitch: pitch_deg,
    })
}

/// EPSG:25832 (ETRS89 / UTM zone 32N) easting and northing in metres to
/// longitude and latitude in degrees: the data crate's transverse Mercator,
/// which the `cityjson` reader uses too.
pub fn utm32_to_wgs84(easting: f64, northing: f64) -> Option<(f64, f64)> {
    twinstory_data::crs::TransverseMercator::utm_north(32)?.to_wgs84(easting, northing)
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `rel` below the export's folder `dir`, or `Err` when it leads outside:
/// an absolute path, `..`, or a symbolic link out of the folder. The
/// export is untrusted; the text of a file it names ends up in the story.
fn inside(dir: &Path, rel: &Path) -> Result<PathBuf, ()> {
    if !rel
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(());
    }
    let path = dir.join(rel);
    match (path.canonicalize(), dir.canonicalize()) {
        (Ok(real), Ok(root)) if !real.starts_with(&root) => Err(()),
        _ => Ok(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utm32_to_wgs84_matches_proj() {
        // Reference values from PROJ (pyproj 3, EPSG:25832 → EPSG:4326).
        for ((e, n), (lon, lat)) in REFERENCE {
            let (x, y) = utm32_to_wgs84(e, n).unwrap();
            assert!(
                (x - lon).abs() < 1e-8 && (y - lat).abs() < 1e-8,
                "{e} {n}: {x} {y} vs {lon} {lat}"
            );
        }
    }

    /// Near Hamburg's Rathaus; the first step of the FairCare story; the
    /// portal's extent's south-west corner (1° west of the zone's middle).
    const REFERENCE: [((f64, f64), (f64, f64)); 3] = [
        (
            (566_500.0, 5_934_000.0),
            (10.003_737_313_5, 53.550_675_039_4),
        ),
        (
            (555_894.687_234_331_5, 5_931_378.984_010_641),
            (9.843_215_528_0, 53.528_354_465_4),
        ),
        (
            (442_800.0, 5_809_000.0),
            (8.158_736_374_1, 52.428_214_240_0),
        ),
    ];

    #[test]
    fn zoom_levels_become_maplibre_zooms() {
        // 1:250,000 at 96 dpi in Hamburg: about MapLibre zoom 9.5.
        let z = zoom_of_level(0.0, &DEFAULT_RESOLUTIONS, 53.55);
        assert!((z - 9.46).abs() < 0.01, "{z}");
        // Each level down halves or so the resolution: zooms grow.
        let z4 = zoom_of_level(4.0, &DEFAULT_RESOLUTIONS, 53.55);
        assert!((z4 - 13.10).abs() < 0.01, "{z4}");
        assert_eq!(
            zoom_of_level(99.0, &DEFAULT_RESOLUTIONS, 53.55),
            zoom_of_level(9.0, &DEFAULT_RESOLUTIONS, 53.55)
        );
    }

    /// Chapters become `#` headings over their first steps; one without a
    /// title in story.json is named by its number, in the story's language.
    #[test]
    fn chapters_start_at_their_first_steps() {
        let mut report = Report {
            lang: twinstory_model::strings::Lang::De,
            ..Report::default()
        };
        let d = convert(
            r#"{"title":"T","chapters":[{"chapterNumber":1,"chapterTitle":"Eins"}],
               "steps":[{"title":"A","associatedChapter":1},{"title":"B","associatedChapter":1},
                        {"title":"C","associatedChapter":2},{"title":"","associatedChapter":2}]}"#,
            Path::new("/nonexistent-twinstory-import"),
            &mut report,
        )
        .unwrap();
        let chapters: Vec<Option<&str>> = d.steps.iter().map(|s| s.chapter.as_deref()).collect();
        assert_eq!(chapters, [Some("Eins"), None, Some("Kapitel 2"), None]);
        assert_eq!(d.steps[3].title, "Schritt 4");
        assert!(report
            .not_carried
            .iter()
            .any(|l| l.contains("chapter 2: no title")));
        let md = super::super::story_markdown(&d);
        assert!(md.contains("# Eins\n\n## A\n"), "{md}");
        assert!(md.contains("# Kapitel 2\n\n## C\n"), "{md}");
    }

    #[test]
    fn a_camera_looking_down_at_45_degrees() {
        let mut report = Report::default();
        let nav = serde_json::json!({ "cameraPosition": [10.0, 53.5, 100.0], "heading": 0.0, "pitch": -std::f64::consts::FRAC_PI_4 });
        let Some(DraftView::Center {
            lon,
            lat,
            pitch,
            bearing,
            ..
        }) = camera_view(&nav, "x", &mut report)
        else {
            panic!()
        };
        // 100 m up, 45° down, facing north: the point 100 m north.
        assert!(
            (lat - (53.5 + 100.0 / 6_371_008.8_f64 * 180.0 / std::f64::consts::PI)).abs() < 1e-9
        );
        assert_eq!((lon, pitch, bearing), (10.0, 45.0, 0.0));
    }
}
