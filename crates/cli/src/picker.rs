//! The view picker of `twinstory serve`'s preview: the author moves the map
//! and takes its view as YAML, or has it written into the step's block.
//!
//! Nothing here reaches a published build or the player: `serve` adds the
//! panel's script (`/_twinstory/picker.js`) and stylesheet to the pages it
//! serves while it watches, and serves `story.json` with every step
//! `interactive` (so the map can be moved in each). The page sends the
//! camera the player shows (its canvas' `data-camera`), the map's size and
//! the free part beside the text; this module turns that into the view an
//! author writes ([`picked_view`]: the player puts a step's `center` in the
//! middle of the free part, not of the canvas) and writes it with
//! [`twinstory_story::edit::set_step_view`].

use std::path::{Path, PathBuf};
use twinstory_map::{Camera, Padding, Transform, Viewport};
use twinstory_model::strings::Lang;
use twinstory_model::{FitTarget, View};
use twinstory_story::edit::{rounded_view, set_step_view, view_yaml, ViewKey};

/// Where the panel's script is served.
pub const PICKER_JS: &str = "/_twinstory/picker.js";
/// Where the panel's stylesheet is served.
pub const PICKER_CSS: &str = "/_twinstory/picker.css";
/// The view of the map as YAML (GET).
pub const PICKER_VIEW: &str = "/_twinstory/picker/view";
/// Writes the view into story.md (POST, with the session's token).
pub const PICKER_WRITE: &str = "/_twinstory/picker/write";
/// The request header that carries the session's token.
pub const TOKEN_HEADER: &str = "x-twinstory-token";

/// What the page reports about its map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapReport {
    /// The canvas' camera (`data-camera`).
    pub camera: Camera,
    /// The map's size in CSS pixels.
    pub viewport: Viewport,
    /// The free part beside the text, in CSS pixels from each edge.
    pub padding: Padding,
    /// The map is at most 720 CSS pixels wide: the step's `view-narrow`.
    pub narrow: bool,
}

/// Reads the report from a query string (`cam=lon,lat,zoom,bearing,pitch`,
/// `size=w,h`, `pad=top,right,bottom,left`, `narrow=1`).
pub fn read_report(query: &str) -> Option<MapReport> {
    let numbers = |name: &str, n: usize| -> Option<Vec<f64>> {
        let v: Vec<f64> = query_value(query, name)?
            .split(',')
            .map(|x| x.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .ok()?;
        (v.len() == n && v.iter().all(|x| x.is_finite())).then_some(v)
    };
    let cam = numbers("cam", 5)?;
    let size = numbers("size", 2)?;
    let pad = numbers("pad", 4)?;
    if size.iter().any(|&x| x <= 0.0) {
        return None;
    }
    Some(MapReport {
        camera: Camera {
            center: [cam[0], cam[1]],
            zoom: cam[2],
            bearing: cam[3],
            pitch: cam[4],
        },
        viewport: Viewport {
            width: size[0],
            height: size[1],
            dpr: 1.0,
        },
        padding: Padding {
            top: pad[0],
            right: pad[1],
            bottom: pad[2],
            left: pad[3],
        },
        narrow: query_value(query, "narrow").as_deref() == Some("1"),
    })
}

/// The value of `name` in a query string, percent-decoded.
pub fn query_value(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| crate::serve::percent_decode(&v.replace('+', " ")))
}

/// The flat (untilted) transform of the report's camera: the player puts
/// a step's view into the free part before it tilts.
fn flat(report: &MapReport) -> Transform {
    let cam = Camera {
        pitch: 0.0,
        ..report.camera
    };
    Transform::new(&cam, &report.viewport)
}

fn lonlat(world: [f64; 2]) -> [f64; 2] {
    twinstory_map::projection::world_to_lonlat(world)
}

/// The view that shows what the map shows: the point in the middle of the
/// free part as `center`, with the camera's zoom, bearing and pitch.
///
pub fn picked_view(report: &MapReport) -> View {
    let (vp, p) = (&report.viewport, &report.padding);
    let free = [
        (p.left + vp.width - p.right) / 2.0,
        (p.top + vp.height - p.bottom) / 2.0,
    ];
    let center = lonlat(flat(report).to_world(free));
    View {
        center: Some(center),
        zoom: Some(report.camera.zoom),
        bearing: report.camera.bearing,
        pitch: report.camera.pitch,
        fit: None,
    }
}

/// The same view as a `fit` box: the box around the free part of the map
/// (seen from straight above), with the camera's bearing and pitch.
pub fn picked_fit(report: &MapReport) -> View {
    let (vp, p) = (&report.viewport, &report.padding);
    let t = flat(report);
    let (l, r) = (p.left, (vp.width - p.right).max(p.left + 1.0));
    let (top, b) = (p.top, (vp.height - p.bottom).max(p.top + 1.0));
    let corners = [[l, top], [r, top], [r, b], [l, b]].map(|c| t.to_world(c));
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for [x, y] in corners {
        // The world wraps east–west; the box stays within one world.
        let x = x.clamp(0.0, 1.0);
        let y = y.clamp(0.0, 1.0);
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let [west, north] = lonlat([x0, y0]);
    let [east, south] = lonlat([x1, y1]);
    View {
        center: None,
        zoom: None,
        bearing: report.camera.bearing,
        pitch: report.camera.pitch,
        fit: Some(FitTarget::Bbox([west, south, east, north])),
    }
}

/// The setting the report's map takes: `view`, or `view-narrow` on a
/// narrow map.
pub fn key_of(report: &MapReport) -> ViewKey {
    if report.narrow {
        ViewKey::ViewNarrow
    } else {
        ViewKey::View
    }
}

/// The answer to [`PICKER_VIEW`]: both forms as the lines to copy.
pub fn view_answer(report: &MapReport) -> serde_json::Value {
    let key = key_of(report).name();
    serde_json::json!({
        "key": key,
        "view": format!("{key}: {}", view_yaml(&picked_view(report))),
        "fit": format!("{key}: {}", view_yaml(&picked_fit(report))),
    })
}

/// Which form a write asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `center` and `zoom`.
    Center,
    /// A `fit` box.
    Fit,
}

/// Writes the report's view into step `index` of the story in `dir`, after
/// checking that the step there still has the id the page shows (the file
/// may have changed since the page loaded). Returns the line written.
pub fn write_view(
    dir: &Path,
    index: usize,
    id: &str,
    form: Form,
    report: &MapReport,
) -> Result<String, String> {
    let path = dir.join("story.md");
    let source =
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read story.md: {e}"))?;
    let parsed = twinstory_story::parse_story("story.md", source.as_bytes());
    let found = parsed
        .story
        .as_ref()
        .and_then(|s| s.steps.get(index))
        .map(|s| s.id.as_str());
    if found != Some(id) {
        return Err(format!(
            "story.md changed since the page loaded: step {} is not `{id}` any more; save, wait for the reload and try again",
            index + 1
        ));
    }
    let view = match form {
        Form::Center => picked_view(report),
        Form::Fit => picked_fit(report),
    };
    let key = key_of(report);
    let edited = set_step_view(&source, index, key, &view).map_err(|e| e.to_string())?;
    check_edit(&parsed, &edited, index, key, &view)?;
    std::fs::write(&path, edited).map_err(|e| format!("cannot write story.md: {e}"))?;
    Ok(format!("{}: {}", key.name(), view_yaml(&view)))
}

/// Reads the edited text back: the same steps, but step `index` with the
/// new view; anything else means the edit went wrong, and nothing is written.
fn check_edit(
    before: &twinstory_story::ParsedStory,
    edited: &str,
    index: usize,
    key: ViewKey,
    view: &View,
) -> Result<(), String> {
    let after = twinstory_story::parse_story("story.md", edited.as_bytes());
    let (Some(a), Some(b)) = (&before.story, &after.story) else {
        return Err("the edited story.md does not read; nothing was written".into());
    };
    let mut expected = a.steps.clone();
    if let Some(step) = expected.get_mut(index) {
        let slot = match key {
            ViewKey::View => &mut step.view,
            ViewKey::ViewNarrow => &mut step.view_narrow,
        };
        *slot = Some(rounded_view(view));
    }
    if b.steps != expected {
        return Err("the edit would change more than the step's view; nothing was written. Please paste the copied line by hand".into());
    }
    Ok(())
}

/// The story folder a page of the preview belongs to: the folder served
/// itself when it is one story, else the one named by the path's first part.
pub fn story_dir_for(source: &Path, page_path: &str) -> Option<PathBuf> {
    let (single, dirs) = crate::build::story_dirs(source).ok()?;
    if single {
        return dirs.into_iter().next();
    }
    let first = page_path.trim_start_matches('/').split('/').next()?;
    dirs.into_iter()
        .find(|d| d.file_name().and_then(|n| n.to_str()) == Some(first))
}

/// A fresh token for this server's session: 128 bits from the system's
/// random source (a page of another site cannot know it).
pub fn new_token() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        // No /dev/urandom: the std hasher's randomly seeded keys.
        use std::hash::{BuildHasher, Hasher};
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_usize(i);
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The words of the panel; the author's language is the story's `lang`.
struct Words {
    title: &'static str,
    step: &'static str,
    form: &'static str,
    form_center: &'static str,
    form_fit: &'static str,
    yaml: &'static str,
    copy: &'static str,
    copy_failed: &'static str,
    write: &'static str,
    copied: &'static str,
    written: &'static str,
    failed: &'static str,
    hide: &'static str,
    show: &'static str,
    hint: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::De => Words {
            title: "Ansicht wählen",
            step: "Schritt",
            form: "Form:",
            form_center: "Mitte und Zoomstufe",
            form_fit: "fit-Rahmen",
            yaml: "Die Ansicht als YAML",
            copy: "Als YAML kopieren",
            copy_failed: "Kopieren ging nicht; markieren Sie die Zeile:",
            write: "In story.md schreiben",
            copied: "Kopiert.",
            written: "In story.md geschrieben:",
            failed: "Nicht geschrieben:",
            hide: "Ausblenden",
            show: "Ansicht wählen",
            hint: "Karte ziehen, mit Strg + Mausrad zoomen, mit Strg + Ziehen drehen und neigen.",
        },
        Lang::En => Words {
            title: "View picker",
            step: "Step",
            form: "Form:",
            form_center: "centre and zoom",
            form_fit: "fit box",
            yaml: "The view as YAML",
            copy: "Copy as YAML",
            copy_failed: "Could not copy; select the line:",
            write: "Write into story.md",
            copied: "Copied.",
            written: "Written into story.md:",
            failed: "Not written:",
            hide: "Hide",
            show: "View picker",
            hint: "Drag the map, zoom with Ctrl + wheel, turn and tilt with Ctrl + drag.",
        },
    }
}

fn words_json(lang: Lang) -> serde_json::Value {
    let w = words(lang);
    serde_json::json!({
        "title": w.title, "step": w.step, "form": w.form, "formCenter": w.form_center,
        "formFit": w.form_fit, "yaml": w.yaml, "copy": w.copy, "copyFailed": w.copy_failed,
        "write": w.write, "copied": w.copied, "written": w.written,
        "failed": w.failed, "hide": w.hide, "show": w.show, "hint": w.hint,
    })
}

/// The panel's script with the words of both languages; it picks them by
/// the page's `<html lang>` as [`Lang::of`] does.
pub fn picker_script() -> String {
    let table = serde_json::json!({ "de": words_json(Lang::De), "en": words_json(Lang::En) });
    PICKER_SCRIPT.replacen("__WORDS__", &table.to_string(), 1)
}

/// The tags added to a preview page: the panel's script, with the token.
pub fn picker_tags(token: &str) -> String {
    format!("<script src=\"{PICKER_JS}\" data-token=\"{token}\"></script>")
}

/// Serves `story.json` with every step `interactive`, so that the author
/// can move the map in each (the preview only; the file stays as built).
pub fn movable_story_json(body: &[u8]) -> Option<Vec<u8>> {
    let mut story: serde_json::Value = serde_json::from_slice(body).ok()?;
    let obj = story.as_object_mut()?;
    obj.insert("interactive".into(), serde_json::Value::Bool(true));
    if let Some(steps) = obj.get_mut("steps").and_then(|s| s.as_array_mut()) {
        for s in steps.iter_mut().filter_map(|s| s.as_object_mut()) {
            s.remove("interactive");
        }
    }
    serde_json::to_vec(&story).ok()
}

/// The panel: reads the canvas' camera and the active step from the page.
const PICKER_SCRIPT: &str = include_str!("picker.js");

/// The panel's look (`style-src 'self'` allows a stylesheet of this server).
pub const PICKER_STYLE: &str = include_str!("picker.css");

#[cfg(test)]
mod tests {
    use super::*;

    fn report(pad_left: f64) -> MapReport {
        MapReport {
            camera: Camera {
                center: [9.99, 53.55],
                zoom: 13.0,
                bearing: 0.0,
                pitch: 0.0,
            },
            viewport: Viewport {
                width: 1000.0,
                height: 600.0,
                dpr: 1.0,
            },
            padding: Padding {
                top: 32.0,
                right: 32.0,
                bottom: 32.0,
                left: pad_left,
            },
            narrow: false,
        }
    }

    /// The camera the player takes for a step with this `view:` line, as
    /// an author would paste it.
    fn camera_of(line: &serde_json::Value, r: &MapReport) -> Camera {
        let md = format!(
            "---\ntitle: T\nlayers:\n  q:\n    source: {{ type: geojson, url: q.geojson }}\n---\n\n## A\n\n```step\n{}\nshow: [q]\n```\n",
            line.as_str().unwrap()
        );
        let parsed = twinstory_story::parse_story("story.md", md.as_bytes());
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let scene = twinstory_scene::Scene::new(parsed.story.unwrap());
        scene.target(0, &r.viewport, &r.padding).camera
    }

    #[test]
    fn reads_the_report_of_the_page() {
        let r = read_report("cam=9.99,53.55,13,0,0&size=1000,600&pad=32,32,32,400").unwrap();
        assert_eq!(r, report(400.0));
        assert!(read_report("cam=9.99,53.55,13,0&size=1000,600&pad=32,32,32,400").is_none());
        assert!(read_report("cam=9.99,53.55,13,0,NaN&size=1000,600&pad=32,32,32,400").is_none());
        assert!(read_report("cam=9.99,53.55,13,0,0&size=0,600&pad=32,32,32,400").is_none());
        let narrow = read_report("cam=1,2,3,4,5&size=390,400&pad=1,2,3,4&narrow=1").unwrap();
        assert_eq!(key_of(&narrow), ViewKey::ViewNarrow);
    }

    #[test]
    fn the_centre_is_the_middle_of_the_free_part() {
        // With equal padding the canvas' middle is the centre.
        let even = picked_view(&report(32.0));
        let [x, y] = even.center.unwrap();
        assert!((x - 9.99).abs() < 1e-9 && (y - 53.55).abs() < 1e-9);
        // Text on the left: the free part's middle is further east.
        let v = picked_view(&report(400.0));
        let [x, y] = v.center.unwrap();
        assert!(x > 9.99 + 1e-4, "{x}");
        assert!((y - 53.55).abs() < 1e-9);
    }

    #[test]
    fn the_picked_view_is_where_the_player_puts_the_camera() {
        // What the scene does with a step's view (centre into the free
        // part), run on the picked view, gives back the camera.
        let r = MapReport {
            camera: Camera {
                center: [9.99, 53.55],
                zoom: 13.3,
                bearing: 35.0,
                pitch: 40.0,
            },
            ..report(400.0)
        };
        let cam = camera_of(&view_answer(&r)["view"], &r);
        assert!((cam.center[0] - 9.99).abs() < 1e-4, "{:?}", cam.center);
        assert!((cam.center[1] - 53.55).abs() < 1e-4, "{:?}", cam.center);
        assert_eq!((cam.zoom, cam.bearing, cam.pitch), (13.3, 35.0, 40.0));
    }

    #[test]
    fn the_fit_box_frames_the_same_map() {
        let r = report(400.0);
        let cam = camera_of(&view_answer(&r)["fit"], &r);
        assert!((cam.zoom - 13.0).abs() < 0.01, "{}", cam.zoom);
        assert!((cam.center[0] - 9.99).abs() < 1e-4, "{:?}", cam.center);
        assert!((cam.center[1] - 53.55).abs() < 1e-4, "{:?}", cam.center);
    }

    #[test]
    fn the_answer_names_the_setting() {
        let a = view_answer(&report(32.0));
        assert_eq!(a["view"], "view: { center: [9.99, 53.55], zoom: 13 }");
        assert!(a["fit"].as_str().unwrap().starts_with("view: { fit: [9.9"));
    }

    #[test]
    fn the_preview_story_can_be_moved_in_every_step() {
        let json = br#"{"interactive":false,"steps":[{"id":"a","interactive":false},{"id":"b"}]}"#;
        let out: serde_json::Value =
            serde_json::from_slice(&movable_story_json(json).unwrap()).unwrap();
        assert_eq!(out["interactive"], true);
        assert!(out["steps"][0].get("interactive").is_none());
        assert!(movable_story_json(b"not json").is_none());
    }

    #[test]
    fn the_panel_has_the_words_of_both_languages() {
        let js = picker_script();
        assert!(!js.contains("__WORDS__"));
        for l in [Lang::De, Lang::En] {
            assert!(js.contains(words(l).write));
        }
        assert!(!PICKER_SCRIPT.contains("Copy") && !PICKER_SCRIPT.contains("story.md schreiben"));
    }

    #[test]
    fn an_edit_that_changes_more_than_the_view_is_not_written() {
        let md = "---\ntitle: T\nlayers:\n  q:\n    source: { type: geojson, url: q.geojson }\n---\n\n## A\n\n```step\nshow: [q]\n```\n\n## B\n\n```step\nshow: [q]\n```\n";
        let before = twinstory_story::parse_story("story.md", md.as_bytes());
        let view = picked_view(&report(32.0));
        let good = set_step_view(md, 1, ViewKey::View, &view).unwrap();
        assert_eq!(check_edit(&before, &good, 1, ViewKey::View, &view), Ok(()));
        // The right text for the wrong step, another step touched, a broken file.
        assert!(check_edit(&before, &good, 0, ViewKey::View, &view).is_err());
        assert!(check_edit(
            &before,
            &good.replacen("show: [q]", "show: []", 1),
            1,
            ViewKey::View,
            &view
        )
        .is_err());
        assert!(check_edit(&before, "no front matter", 1, ViewKey::View, &view).is_err());
    }

    #[test]
    fn each_page_writes_into_its_own_story() {
        let root = std::env::temp_dir().join(format!("ts-picker-dirs-{}", std::process::id()));
        for slug in ["a", "b"] {
            std::fs::create_dir_all(root.join(slug)).unwrap();
            std::fs::write(root.join(slug).join("story.md"), "---\ntitle: T\n---\n").unwrap();
        }
        assert_eq!(story_dir_for(&root, "/b/index.html"), Some(root.join("b")));
        assert_eq!(story_dir_for(&root, "/a/"), Some(root.join("a")));
        assert_eq!(story_dir_for(&root, "/"), None);
        assert_eq!(story_dir_for(&root, "/c/"), None);
        // One story served: every page is its.
        assert_eq!(story_dir_for(&root.join("a"), "/"), Some(root.join("a")));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn tokens_are_fresh() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
