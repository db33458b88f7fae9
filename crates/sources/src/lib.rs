//! The data readers as a wasm module of their own: GeoJSON, CSV, Overpass,
//! and the services read page by page (OGC API – Features, WFS,
//! SensorThings, through `twinstory_data::remote::Paging`).
//!
//! `twinstory build` packs every local layer, and the player's base module
//! decodes only that packed format. Layers that are read while the story
//! plays (remote files, services, and every layer of a story played from
//! its `story.md`) need the text readers: the player imports this module
//! for them only (`src/modules.rs`), so readers of stories with local data
//! never download it.
//!
//! The module fetches nothing. The player fetches the bytes and hands them
//! over; what comes back is a packed layer (`twinstory_data::write_packed`,
//! coordinates to 1e-7°, about 1 cm), which the base decodes as it decodes
//! built layers. Paging state lives here between calls, under a number the
//! player holds (`paging_new` … `paging_finish`).

#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use std::cell::RefCell;
use twinstory_data::remote::{Failure, Outcome, Paging};
use twinstory_data::{read_overpass, write_packed, Dataset, FileFormat};
use twinstory_model::Source;
use wasm_bindgen::prelude::wasm_bindgen;

/// Coordinates of the packed answer: 1e-7 degrees (≈ 1 cm), finer than the
/// readers' input ever matters on a map (the build packs at 1e-6).
pub const SCALE: u32 = 10_000_000;

/// Reads a layer file (`source`: the layer's source as story JSON; `name`
/// names the file in messages) and packs it. The error is the reader's
/// message for the story's author (file, position, what to fix).
pub fn read_file_packed(source: &str, name: &str, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let source: Source =
        serde_json::from_str(source).map_err(|e| format!("{name}: unknown source ({e})"))?;
    let format = FileFormat::of(&source)
        .ok_or_else(|| format!("{name} is a service, not a file: it is read page by page"))?;
    let data = format
        .read(name, bytes, Some(read_overpass))
        .map_err(|e| e.to_string())?;
    Ok(pack(&data))
}

fn pack(data: &Dataset) -> Vec<u8> {
    write_packed(data, SCALE)
}

/// [`read_file_packed`] for the player; the error is thrown as a string.
#[wasm_bindgen]
pub fn read_file(source: &str, name: &str, bytes: &[u8]) -> Result<Vec<u8>, String> {
    read_file_packed(source, name, bytes)
}

/// A service layer being read, and after `paging_finish` what it gave.
enum Slot {
    Reading(Box<Paging>),
    Done(Outcome),
}

thread_local! {
    /// The service layers being read, by the number `paging_new` gave.
    static PAGINGS: RefCell<Vec<Option<Slot>>> = const { RefCell::new(Vec::new()) };
}

/// Starts reading a service (`source` as story JSON, `url` absolute) and
/// returns its number; throws when the source is not a service.
#[wasm_bindgen]
pub fn paging_new(source: &str, url: &str) -> Result<u32, String> {
    let source: Source =
        serde_json::from_str(source).map_err(|e| format!("{url}: unknown source ({e})"))?;
    let paging = Paging::new(&source, url)
        .ok_or_else(|| format!("{url} is neither a file nor a service"))?;
    PAGINGS.with(|p| {
        let mut p = p.borrow_mut();
        let free = p.iter().position(Option::is_none);
        let slot = Some(Slot::Reading(Box::new(paging)));
        Ok(match free {
            Some(i) => {
                p[i] = slot;
                i as u32
            }
            None => {
                p.push(slot);
                (p.len() - 1) as u32
            }
        })
    })
}

fn with_paging<T>(id: u32, f: impl FnOnce(&mut Paging) -> T) -> Option<T> {
    PAGINGS.with(|p| match p.borrow_mut().get_mut(id as usize) {
        Some(Some(Slot::Reading(paging))) => Some(f(paging)),
        _ => None,
    })
}

/// The next request of service `id` as two lines, `Accept` header and
/// address; `None` when reading is over.
#[wasm_bindgen]
pub fn paging_next(id: u32) -> Option<String> {
    with_paging(id, |p| p.next_request())
        .flatten()
        .map(|r| format!("{}\n{}", r.accept, r.url))
}

/// The answer to the current request of service `id`.
#[wasm_bindgen]
pub fn paging_accept(id: u32, bytes: &[u8]) {
    with_paging(id, |p| p.accept(bytes));
}

/// The current request of service `id` brought no answer: `kind` 0 = HTTP
/// status `number`, 1 = unreachable, 2 = no answer within `number` seconds,
/// 3 = not sent (`why`, in the story's language).
#[wasm_bindgen]
pub fn paging_fail(id: u32, kind: u32, number: u32, why: String) {
    let failure = match kind {
        0 => Failure::Status(u16::try_from(number).unwrap_or(u16::MAX)),
        2 => Failure::TimedOut(number),
        3 => Failure::Refused(why),
        _ => Failure::Unreachable,
    };
    with_paging(id, |p| p.fail(failure));
}

/// Ends reading service `id`. Returns three lines: `failed`, `incomplete`
/// or `complete`; the reader's message (in `lang`, naming the layer
/// `title`; empty when all is well); the author's detail (one line, empty
/// when there is none). The features follow with [`paging_take`].
#[wasm_bindgen]
pub fn paging_finish(id: u32, lang: &str, title: &str) -> String {
    PAGINGS.with(|p| {
        let mut p = p.borrow_mut();
        let Some(slot) = p.get_mut(id as usize) else {
            return String::new();
        };
        let outcome = match slot.take() {
            Some(Slot::Reading(paging)) => paging.finish(),
            Some(Slot::Done(o)) => o,
            None => return String::new(),
        };
        let state = if outcome.is_failure() {
            "failed"
        } else if outcome.is_incomplete() {
            "incomplete"
        } else {
            "complete"
        };
        let one_line = |s: Option<String>| s.unwrap_or_default().replace('\n', " ");
        let answer = format!(
            "{state}\n{}\n{}",
            one_line(outcome.reader_message(lang, title)),
            one_line(outcome.author_detail())
        );
        *slot = Some(Slot::Done(outcome));
        answer
    })
}

/// The features of finished service `id`, packed; frees its number.
#[wasm_bindgen]
pub fn paging_take(id: u32) -> Vec<u8> {
    PAGINGS.with(|p| match p.borrow_mut().get_mut(id as usize) {
        Some(slot @ Some(Slot::Done(_))) => match slot.take() {
            Some(Slot::Done(o)) => pack(&o.dataset),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use twinstory_data::read_packed;

    #[test]
    fn a_geojson_file_comes_back_packed_with_its_properties() {
        let src = r#"{"type":"geojson","url":"a.geojson"}"#;
        let gj = br#"{"type":"FeatureCollection","features":[{"type":"Feature","id":7,"properties":{"n":"A","v":1.5},"geometry":{"type":"Point","coordinates":[9.9934567,53.5511234]}}]}"#;
        let packed = read_file_packed(src, "a.geojson", gj).unwrap();
        let d = read_packed("a.geojson", &packed).unwrap();
        assert_eq!(d.features.len(), 1);
        let f = &d.features[0];
        assert_eq!(f.id.as_deref(), Some("7"));
        assert_eq!(f.properties["n"], "A");
        assert_eq!(f.properties["v"], 1.5);
        let Some(geo::Geometry::Point(p)) = &f.geometry else {
            panic!("{:?}", f.geometry)
        };
        assert!((p.x() - 9.9934567).abs() < 1e-7 && (p.y() - 53.5511234).abs() < 1e-7);
    }

    #[test]
    fn an_unreadable_file_gives_the_readers_message() {
        let src = r#"{"type":"geojson","url":"a.geojson"}"#;
        let e = read_file_packed(src, "a.geojson", b"{\"type\": \"Feature\",").unwrap_err();
        assert!(e.starts_with("a.geojson at 1:"), "{e}");
        let csv = r#"{"type":"csv","url":"p.csv"}"#;
        let e = read_file_packed(csv, "p.csv", b"a;b\n1;2\n").unwrap_err();
        assert!(e.contains("p.csv"), "{e}");
    }

    #[test]
    fn a_service_is_read_page_by_page_and_a_failure_keeps_what_was_read() {
        let src = r#"{"type":"ogc-api-features","url":"https://x.example/collections/c/items"}"#;
        let id = paging_new(src, "https://x.example/collections/c/items").unwrap();
        let first = paging_next(id).unwrap();
        let (accept, url) = first.split_once('\n').unwrap();
        assert!(accept.contains("geo+json"), "{accept}");
        assert!(
            url.starts_with("https://x.example/collections/c/items"),
            "{url}"
        );
        let page = br#"{"type":"FeatureCollection","numberMatched":3,"features":[{"type":"Feature","id":1,"properties":{},"geometry":{"type":"Point","coordinates":[10,53.5]}}],"links":[{"rel":"next","href":"https://x.example/collections/c/items?offset=1"}]}"#;
        paging_accept(id, page);
        assert!(paging_next(id).unwrap().ends_with("offset=1"));
        paging_fail(id, 0, 503, String::new());
        assert_eq!(paging_next(id), None);
        let answer = paging_finish(id, "de", "Bäume");
        let lines: Vec<&str> = answer.split('\n').collect();
        assert_eq!(lines[0], "incomplete");
        assert!(lines[1].contains("1 von 3"), "{}", lines[1]);
        assert!(lines[2].contains("HTTP 503"), "{}", lines[2]);
        let d = read_packed("x", &paging_take(id)).unwrap();
        assert_eq!(d.features.len(), 1);
        // The number is free again.
        assert_eq!(paging_take(id), Vec::<u8>::new());
        assert_eq!(
            paging_new(src, "https://x.example/collections/c/items"),
            Ok(id)
        );
    }

    #[test]
    fn a_file_source_is_no_service() {
        let src = r#"{"type":"geojson","url":"a.geojson"}"#;
        assert!(paging_new(src, "https://x.example/a.geojson").is_err());
        assert_eq!(paging_next(99), None);
        assert_eq!(paging_finish(99, "en", "x"), "");
    }
}
