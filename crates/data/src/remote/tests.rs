//! The paging fed with real recorded answers of api.hamburg.de (OGC API –
//! Features) and iot.hamburg.de (SensorThings), served by a stand-in that
//! pages them as those services do.

use super::*;
use serde_json::{json, Value};
use std::path::PathBuf;
use twinstory_model::strings::Lang;
use twinstory_model::Source;

/// `shared/data/hamburg/ogc-recorded` beside the repository (or a worktree
/// of it), or where `TWINSTORY_SHARED` points.
fn recorded(name: &str) -> Value {
    let dir = std::env::var_os("TWINSTORY_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .map(|a| a.join("shared")),
        )
        .map(|s| s.join("data/hamburg/ogc-recorded"))
        .find(|d| d.is_dir())
        .expect(
            "the recorded answers: ../shared/data/hamburg/ogc-recorded (or set TWINSTORY_SHARED)",
        );
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn query_param(url: &str, key: &str) -> Option<String> {
    let (_, q) = url::split_query(url);
    q?.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == key).then(|| v.to_owned())
    })
}

/// An OGC API stand-in for one recorded collection: pages of 10 by
/// `offset`, up to the recorded `numberMatched`, links like the real ones.
/// Features after the recorded ten are the recorded ones again under new ids.
struct OgcStandIn {
    recorded: Value,
}

impl OgcStandIn {
    fn new(file: &str) -> Self {
        OgcStandIn {
            recorded: recorded(file),
        }
    }

    fn matched(&self) -> u64 {
        self.recorded["numberMatched"].as_u64().unwrap()
    }

    /// The page at `offset`, with its next link as `next` makes it.
    fn page_with(&self, offset: u64, next: impl Fn(u64) -> String) -> Vec<u8> {
        let features = self.recorded["features"].as_array().unwrap();
        let end = (offset + 10).min(self.matched());
        let page: Vec<Value> = (offset..end)
            .map(|i| {
                let mut f = features[(i % 10) as usize].clone();
                if i >= 10 {
                    f["id"] = json!(f["id"].as_u64().unwrap() * 1000 + i);
                }
                f
            })
            .collect();
        let mut links: Vec<Value> = self.recorded["links"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["rel"] != "next")
            .cloned()
            .collect();
        if end < self.matched() {
            links.push(json!({"href": next(end), "rel": "next", "type": "application/geo+json", "title": "Next page"}));
        }
        let mut doc = self.recorded.clone();
        doc["numberReturned"] = json!(page.len());
        doc["features"] = json!(page);
        doc["links"] = json!(links);
        serde_json::to_vec(&doc).unwrap()
    }

    /// The recorded next link with another offset (it keeps `filter`).
    fn next_href(&self, offset: u64) -> String {
        let links = self.recorded["links"].as_array().unwrap();
        let next = links.iter().find(|l| l["rel"] == "next").unwrap();
        next["href"]
            .as_str()
            .unwrap()
            .replace("offset=10", &format!("offset={offset}"))
    }

    fn page(&self, url: &str) -> Vec<u8> {
        let offset = query_param(url, "offset").map_or(0, |o| o.parse().unwrap());
        self.page_with(offset, |o| self.next_href(o))
    }
}

fn ogc(url: &str, limit: u32, max_features: u32) -> Paging {
    let source = Source::OgcApiFeatures {
        url: url.into(),
        bbox: None,
        limit,
        max_features,
    };
    Paging::new(&source, url).unwrap()
}

/// Runs the paging against `serve` and returns the outcome and the requests.
fn run(
    mut paging: Paging,
    mut serve: impl FnMut(usize, &str) -> Result<Vec<u8>, Failure>,
) -> (Outcome, Vec<String>) {
    let mut asked = Vec::new();
    while let Some(req) = paging.next_request() {
        assert!(asked.len() < 100, "the paging does not end");
        match serve(asked.len(), &req.url) {
            Ok(bytes) => paging.accept(&bytes),
            Err(f) => paging.fail(f),
        }
        asked.push(req.url);
    }
    (paging.finish(), asked)
}

const GARAGES: &str =
    "https://api.hamburg.de/datasets/v1/parkhaeuser/collections/verkehr_parkhaeuser";

#[test]
fn pages_to_the_end_reading_each_page_once() {
    let api = OgcStandIn::new("oaf-garages-items.json");
    let (out, asked) = run(ogc(GARAGES, 10, 50_000), |_, u| Ok(api.page(u)));
    assert_eq!(asked[0], format!("{GARAGES}/items?limit=10&f=json"));
    assert_eq!(asked.len(), 13, "{asked:#?}");
    assert_eq!(asked[12], format!("{GARAGES}/items?offset=120"));
    assert_eq!(out.shown(), 125);
    assert_eq!(out.matched, Some(125));
    assert_eq!(out.stopped, None);
    assert_eq!(out.reader_message("de", "Parkhäuser"), None);
    assert_eq!(out.dataset.features[0].properties["name"], "Suerhop");
}

#[test]
fn a_failing_page_keeps_the_pages_before_and_says_how_many_are_shown() {
    let api = OgcStandIn::new("oaf-garages-items.json");
    let (out, asked) = run(ogc(GARAGES, 10, 50_000), |i, u| {
        if i == 2 {
            Err(Failure::Status(503))
        } else {
            Ok(api.page(u))
        }
    });
    assert_eq!(asked.len(), 3);
    assert_eq!(out.shown(), 20);
    assert!(!out.is_failure());
    assert_eq!(
        out.reader_message("de-DE", "Parkhäuser").unwrap(),
        "„Parkhäuser“: Es werden 20 von 125 Einträgen gezeigt; der Dienst hat nicht weiter geantwortet."
    );
    assert_eq!(
        out.reader_message("en", "Garages").unwrap(),
        "“Garages”: 20 of 125 entries are shown; the service stopped answering."
    );
    let detail = out.author_detail().unwrap();
    assert!(
        detail.contains("HTTP 503") && detail.contains("offset=20"),
        "{detail}"
    );
}

#[test]
fn a_failing_first_page_fails_the_layer_with_a_short_message() {
    let (out, _) = run(ogc(GARAGES, 10, 50_000), |_, _| Err(Failure::Status(503)));
    assert!(out.is_failure());
    let msg = out.reader_message("de", "Parkhäuser").unwrap();
    assert_eq!(
        msg,
        "Die Ebene „Parkhäuser“ konnte nicht geladen werden: api.hamburg.de meldet einen Fehler (503)."
    );
    assert!(!msg.contains("https://"));
    let (out, _) = run(ogc(GARAGES, 10, 50_000), |_, _| Err(Failure::TimedOut(30)));
    assert_eq!(
        out.reader_message("en", "Garages").unwrap(),
        "The layer “Garages” could not be loaded: api.hamburg.de did not answer within 30 seconds."
    );
}

#[test]
fn a_link_to_another_server_is_not_followed_and_what_was_read_stays() {
    let api = OgcStandIn::new("oaf-disabled_parking-items.json");
    let url = "https://api.hamburg.de/datasets/v1/behindertenstellplaetze/collections/verkehr_behindertenparkpl";
    let (out, asked) = run(ogc(url, 10, 50_000), |i, u| {
        Ok(if i == 1 {
            api.page_with(20, |o| format!("https://tracker.example/items?offset={o}"))
        } else {
            api.page(u)
        })
    });
    assert_eq!(asked.len(), 2);
    assert_eq!(out.shown(), 20);
    assert!(
        matches!(&out.stopped, Some(Stop::ForeignLink { href }) if href.starts_with("https://tracker.example/"))
    );
    assert!(out
        .reader_message("de", "Behindertenparkplätze")
        .unwrap()
        .starts_with("„Behindertenparkplätze“: Es werden 20 von 901 Einträgen gezeigt; der Rest liegt auf einem anderen Server"));
    // Another port or scheme is another server, too.
    let (out, _) = run(ogc(url, 10, 50_000), |_, _| {
        Ok(api.page_with(0, |o| format!("http://api.hamburg.de/items?offset={o}")))
    });
    assert!(matches!(out.stopped, Some(Stop::ForeignLink { .. })));
}

#[test]
fn a_next_link_that_repeats_stops_without_counting_again() {
    let api = OgcStandIn::new("oaf-park_and_ride-items.json");
    let url = "https://api.hamburg.de/datasets/v1/p_und_r/collections/p_und_r";
    // The server's next link always names the second page.
    let (out, asked) = run(ogc(url, 10, 50_000), |_, u| {
        let offset = query_param(u, "offset").map_or(0, |o| o.parse().unwrap());
        Ok(api.page_with(offset, |_| api.next_href(10)))
    });
    assert_eq!(asked.len(), 2, "{asked:#?}");
    assert_eq!(out.shown(), 20);
    assert!(matches!(out.stopped, Some(Stop::RepeatedLink { .. })));
    assert!(out
        .reader_message("de", "P+R")
        .unwrap()
        .ends_with("Es werden 20 von 33 Einträgen gezeigt; der Dienst hat dieselben Daten noch einmal geschickt."));
}

#[test]
fn a_page_of_features_already_read_stops() {
    let api = OgcStandIn::new("oaf-park_and_ride-items.json");
    let url = "https://api.hamburg.de/datasets/v1/p_und_r/collections/p_und_r";
    // The server ignores `offset`: every page is the first one.
    let (out, asked) = run(ogc(url, 10, 50_000), |_, u| {
        let offset: u64 = query_param(u, "offset").map_or(0, |o| o.parse().unwrap());
        Ok(api.page_with(0, |_| api.next_href(offset + 10)))
    });
    assert_eq!(asked.len(), 2);
    assert_eq!(out.shown(), 10, "the repeated page is not counted");
    assert!(matches!(out.stopped, Some(Stop::RepeatedFeatures { .. })));
}

#[test]
fn max_features_caps_quietly() {
    let api = OgcStandIn::new("oaf-garages-items.json");
    let (out, asked) = run(ogc(GARAGES, 10, 25), |_, u| Ok(api.page(u)));
    assert_eq!(asked.len(), 3);
    assert_eq!(out.shown(), 25);
    assert_eq!(out.stopped, Some(Stop::MaxFeatures));
    assert!(!out.is_incomplete());
    assert_eq!(
        out.reader_message("de", "Parkhäuser"),
        None,
        "the author's cap"
    );
}

#[test]
fn a_query_in_the_layer_url_is_kept() {
    let api = OgcStandIn::new("oaf-garages_live-items.json");
    let url = format!("{GARAGES}?filter=frei%20%3E%3D%200");
    let (out, asked) = run(ogc(&url, 10, 50_000), |_, u| {
        assert!(u.contains("filter=frei%20%3E%3D%200"), "{u}");
        Ok(api.page(u))
    });
    assert_eq!(
        asked[0],
        format!("{GARAGES}/items?limit=10&f=json&filter=frei%20%3E%3D%200")
    );
    assert_eq!(out.shown(), 45);
    assert_eq!(out.matched, Some(45));
    assert_eq!(out.stopped, None);
    // Parameters the author wrote win over the layer's settings.
    let mut p = ogc(&format!("{GARAGES}/items/?limit=5&f=geojson#x"), 10, 50_000);
    assert_eq!(
        p.next_request().unwrap().url,
        format!("{GARAGES}/items?limit=5&f=geojson")
    );
}

#[test]
fn an_unreadable_page_keeps_what_was_read() {
    let api = OgcStandIn::new("oaf-garages-items.json");
    let (out, _) = run(ogc(GARAGES, 10, 50_000), |i, u| {
        Ok(if i == 1 {
            b"<html>Wartung</html>".to_vec()
        } else {
            api.page(u)
        })
    });
    assert_eq!(out.shown(), 10);
    assert!(out
        .reader_message("de", "P")
        .unwrap()
        .contains("unlesbare Seite"));
    let (out, _) = run(ogc(GARAGES, 10, 50_000), |_, _| {
        Ok(b"{\"type\": \"Feature\"".to_vec())
    });
    assert!(out.is_failure());
    assert!(
        out.author_detail().unwrap().contains(GARAGES),
        "names the page"
    );
}

#[test]
fn wfs_pages_by_count_and_start_index() {
    let api = OgcStandIn::new("oaf-garages-items.json");
    let source = Source::Wfs {
        url: "https://geodienste.hamburg.de/HH_WFS_Parkhaeuser".into(),
        type_name: "de.hh.up:parkhaeuser".into(),
        format: "application/geo+json".into(),
        bbox: Some([9.9, 53.5, 10.1, 53.6]),
        limit: 10,
        max_features: 50_000,
    };
    let paging = Paging::new(&source, source.url()).unwrap();
    let (out, asked) = run(paging, |_, u| {
        let start: u64 = query_param(u, "STARTINDEX").unwrap().parse().unwrap();
        let mut page: Value =
            serde_json::from_slice(&api.page_with(start, |_| String::new())).unwrap();
        page.as_object_mut().unwrap().remove("links");
        Ok(serde_json::to_vec(&page).unwrap())
    });
    assert_eq!(asked.len(), 13);
    assert_eq!(
        asked[0],
        "https://geodienste.hamburg.de/HH_WFS_Parkhaeuser?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=de.hh.up%3Aparkhaeuser&OUTPUTFORMAT=application%2Fgeo%2Bjson&SRSNAME=EPSG:4326&BBOX=53.5,9.9,53.6,10.1,urn:ogc:def:crs:EPSG::4326&COUNT=10&STARTINDEX=0"
    );
    assert!(asked[12].ends_with("&COUNT=10&STARTINDEX=120"));
    assert_eq!(out.shown(), 125);
    assert_eq!(out.stopped, None);
    // An exception report in XML.
    let paging = Paging::new(&source, source.url()).unwrap();
    let (out, _) = run(paging, |_, _| {
        Ok(b"<?xml version=\"1.0\"?><ows:ExceptionReport/>".to_vec())
    });
    assert!(out.is_failure());
    assert!(out
        .author_detail()
        .unwrap()
        .contains("XML instead of GeoJSON"));
}

#[test]
fn sensorthings_follows_next_links_on_the_same_server() {
    let thing = recorded("sta-things-227-expanded.json");
    let source = Source::Sensorthings {
        url: "https://iot.hamburg.de/v1.1/".into(),
        things: None,
        datastreams: None,
        refresh: None,
        max_features: 50_000,
    };
    let paging = Paging::new(&source, source.url()).unwrap();
    let (out, asked) = run(paging, |i, _| {
        let mut page = thing.clone();
        page["value"][0]["@iot.id"] = json!(227 + i);
        if i == 0 {
            page["@iot.nextLink"] = json!("https://iot.hamburg.de/v1.1/Things?$skip=1&$top=1");
        }
        Ok(serde_json::to_vec(&page).unwrap())
    });
    assert_eq!(asked.len(), 2);
    assert!(asked[0].starts_with("https://iot.hamburg.de/v1.1/Things?$top=200&$expand=Locations"));
    assert_eq!(
        asked[1],
        "https://iot.hamburg.de/v1.1/Things?$skip=1&$top=1"
    );
    assert_eq!(out.shown(), 2);
    assert_eq!(out.stopped, None);
    let f = &out.dataset.features[0];
    assert_eq!(f.id.as_deref(), Some("227"));
    assert_eq!(
        f.properties["name"],
        "Hamburg University of Applied Sciences: Energie-Campus"
    );
    // A next link elsewhere stops; the Thing read stays.
    let paging = Paging::new(&source, source.url()).unwrap();
    let (out, _) = run(paging, |_, _| {
        let mut page = thing.clone();
        page["@iot.nextLink"] = json!("https://iot.example.org/v1.1/Things?$skip=1");
        Ok(serde_json::to_vec(&page).unwrap())
    });
    assert_eq!(out.shown(), 1);
    assert!(matches!(out.stopped, Some(Stop::ForeignLink { .. })));
}

#[test]
fn sensorthings_chooses_things_and_datastreams_in_the_first_request_only() {
    let thing = recorded("sta-things-227-expanded.json");
    let source = Source::Sensorthings {
        url: "https://iot.hamburg.de/v1.1".into(),
        things: Some("startswith(name,'StadtRad-Station')".into()),
        datastreams: Some("name eq 'Anzahl Fahrräder'".into()),
        refresh: Some(300),
        max_features: 1000,
    };
    let paging = Paging::new(&source, source.url()).unwrap();
    let (out, asked) = run(paging, |i, _| {
        let mut page = thing.clone();
        page["value"][0]["@iot.id"] = json!(227 + i);
        if i == 0 {
            // FROST writes the whole query, filters included, into its next link.
            page["@iot.nextLink"] = json!("https://iot.hamburg.de/v1.1/Things?$top=200&$skip=200&$filter=startswith(name,'StadtRad-Station')");
        }
        Ok(serde_json::to_vec(&page).unwrap())
    });
    assert_eq!(
        asked,
        [
            "https://iot.hamburg.de/v1.1/Things?$top=200&$filter=startswith(name%2C'StadtRad-Station')&$expand=Locations($select=location),Datastreams($filter=name%20eq%20'Anzahl%20Fahrr%C3%A4der';$expand=Observations($orderby=phenomenonTime%20desc;$top=1))",
            // The next link is followed as the server wrote it.
            "https://iot.hamburg.de/v1.1/Things?$top=200&$skip=200&$filter=startswith(name,'StadtRad-Station')",
        ]
    );
    assert_eq!(out.shown(), 2);
    assert_eq!(out.stopped, None);
}

#[test]
fn files_have_no_paging() {
    let source = Source::Geojson {
        url: "data/x.geojson".into(),
    };
    assert!(Paging::new(&source, "https://a.example/data/x.geojson").is_none());
}

#[test]
fn large_counts_have_separators() {
    assert_eq!(number(1_234_567, Lang::De), "1.234.567");
    assert_eq!(number(901, Lang::En), "901");
    assert_eq!(number(50_000, Lang::En), "50,000");
}

#[test]
fn a_server_without_a_name_is_called_the_service_in_the_storys_language() {
    let stop = Stop::Failed {
        url: "data/x.geojson".into(),
        failure: Failure::Unreachable,
    };
    assert_eq!(
        failed_message(&stop, "en", "Garages"),
        "The layer “Garages” could not be loaded: the service cannot be reached."
    );
    assert_eq!(
        failed_message(&stop, "de", "Parkhäuser"),
        "Die Ebene „Parkhäuser“ konnte nicht geladen werden: der Dienst ist nicht erreichbar."
    );
}
