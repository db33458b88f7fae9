//! Reading a layer from a feature service page by page, as a state machine
//! without I/O: the shell asks for the next request, fetches it and hands
//! back the bytes ([`Paging::accept`]) or the failure ([`Paging::fail`]);
//! [`Paging::finish`] gives what was read and why reading stopped.

use super::{Failure, Outcome, Request, Stop};
use crate::{read_geojson_page, read_sensorthings, sensorthings_query, Dataset};
use std::collections::HashSet;
use twinstory_model::url::{
    encode_component, origin, query_has, resolve, split_query, without_fragment,
};
use twinstory_model::Source;

/// The most pages one layer may take, whatever the server says.
pub const MAX_PAGES: u32 = 10_000;

/// Things per SensorThings page.
const STA_PAGE: u32 = 200;

const ACCEPT_GEOJSON: &str = "application/geo+json, application/json";
const ACCEPT_JSON: &str = "application/json";

/// Which paging protocol a service speaks.
#[derive(Debug, Clone, PartialEq)]
enum Protocol {
    /// OGC API – Features: `rel: next` links.
    OgcApi,
    /// WFS 2.0 GetFeature: `COUNT` + `STARTINDEX` on this query.
    Wfs { query: String, limit: u32 },
    /// SensorThings: `@iot.nextLink`.
    SensorThings,
}

/// The paging of one service layer.
#[derive(Debug, Clone)]
pub struct Paging {
    protocol: Protocol,
    /// The origin of the address the story named: `next` links must stay on it.
    origin: Option<String>,
    /// The request to make next, if any.
    next: Option<String>,
    /// The request made and not answered yet.
    current: Option<String>,
    /// Every address asked, to notice a link that repeats.
    asked: HashSet<String>,
    /// Ids of the features read, to notice pages that repeat.
    ids: HashSet<String>,
    dataset: Dataset,
    matched: Option<u64>,
    max_features: u64,
    pages: u32,
    /// WFS: features the server has sent so far (the next `STARTINDEX`).
    start: u64,
    stopped: Option<Stop>,
}

impl Paging {
    /// The paging for a service source at the absolute address `url` (the
    /// source's `url` resolved against the story); `None` for files.
    ///
    /// A query written into the layer's address (e.g. `?filter=…`) is kept:
    /// the paging parameters are added to it, and those it names itself
    /// (`limit`, `bbox`, `f`; for WFS any of its keys) are not added again.
    pub fn new(source: &Source, url: &str) -> Option<Paging> {
        let url = without_fragment(url.trim());
        let (protocol, first, max_features) = match source {
            Source::OgcApiFeatures {
                bbox,
                limit,
                max_features,
                ..
            } => {
                let (path, query) = split_query(url);
                let path = path.trim_end_matches('/');
                let mut first = if path.ends_with("/items") {
                    path.to_owned()
                } else {
                    format!("{path}/items")
                };
                let mut params: Vec<String> = Vec::new();
                let has = |k: &str| query.is_some_and(|q| query_has(q, k));
                if !has("limit") {
                    params.push(format!("limit={limit}"));
                }
                if let (Some([w, s, e, n]), false) = (bbox, has("bbox")) {
                    params.push(format!("bbox={w},{s},{e},{n}"));
                }
                if !has("f") {
                    params.push("f=json".into());
                }
                if let Some(q) = query.filter(|q| !q.is_empty()) {
                    params.push(q.to_owned());
                }
                if !params.is_empty() {
                    first.push('?');
                    first.push_str(&params.join("&"));
                }
                (Protocol::OgcApi, first, *max_features)
            }
            Source::Wfs {
                type_name,
                format,
                bbox,
                limit,
                max_features,
                ..
            } => {
                let sep = if url.contains('?') { '&' } else { '?' };
                let mut query = format!(
                    "{url}{sep}SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES={}&OUTPUTFORMAT={}&SRSNAME=EPSG:4326",
                    encode_component(type_name),
                    encode_component(format)
                );
                if let Some([w, s, e, n]) = bbox {
                    // WFS 2.0 with EPSG:4326 reads a bbox as latitude first.
                    query.push_str(&format!("&BBOX={s},{w},{n},{e},urn:ogc:def:crs:EPSG::4326"));
                }
                let first = wfs_page(&query, *limit, *max_features, 0);
                (
                    Protocol::Wfs {
                        query,
                        limit: *limit,
                    },
                    first,
                    *max_features,
                )
            }
            Source::Sensorthings {
                things,
                datastreams,
                max_features,
                ..
            } => {
                // `validate` rejects a query in a SensorThings root.
                let (root, _) = split_query(url);
                let root = root.trim_end_matches('/');
                let first = format!(
                    "{root}/{}",
                    sensorthings_query(things.as_deref(), datastreams.as_deref(), STA_PAGE)
                );
                (Protocol::SensorThings, first, *max_features)
            }
            Source::Geojson { .. }
            | Source::Csv { .. }
            | Source::Overpass { .. }
            | Source::Cityjson { .. }
            | Source::Packed { .. } => return None,
        };
        Some(Paging {
            protocol,
            origin: origin(url),
            next: Some(first),
            current: None,
            asked: HashSet::new(),
            ids: HashSet::new(),
            dataset: Dataset::default(),
            matched: None,
            max_features: u64::from(max_features),
            pages: 0,
            start: 0,
            stopped: None,
        })
    }

    /// The next request to make; `None` when reading is over. Each request
    /// must be answered with [`Paging::accept`] or [`Paging::fail`].
    pub fn next_request(&mut self) -> Option<Request> {
        if self.current.is_some() || self.stopped.is_some() {
            return None;
        }
        let url = self.next.take()?;
        self.asked.insert(url.clone());
        self.current = Some(url.clone());
        let accept = match self.protocol {
            Protocol::SensorThings => ACCEPT_JSON,
            Protocol::OgcApi | Protocol::Wfs { .. } => ACCEPT_GEOJSON,
        };
        Some(Request { url, accept })
    }

    /// The features read so far.
    pub fn features_read(&self) -> usize {
        self.dataset.features.len()
    }

    /// The answer to the current request: parsed once, its new features
    /// kept, and the next request planned (or a reason to stop).
    pub fn accept(&mut self, bytes: &[u8]) {
        let Some(url) = self.current.take() else {
            return;
        };
        self.pages += 1;
        let (page, next, matched, sent) = match &self.protocol {
            Protocol::OgcApi | Protocol::Wfs { .. } => {
                if bytes.trim_ascii_start().starts_with(b"<") {
                    self.stopped = Some(Stop::NotJson { url });
                    return;
                }
                match read_geojson_page(&url, bytes) {
                    Ok(p) => {
                        let next = p.next_link().map(str::to_owned);
                        let sent = p.dataset.features.len() as u64;
                        (p.dataset, next, p.number_matched, sent)
                    }
                    Err(error) => {
                        self.stopped = Some(Stop::Unreadable { url, error });
                        return;
                    }
                }
            }
            Protocol::SensorThings => match read_sensorthings(&url, bytes) {
                Ok(p) => {
                    let sent = p.dataset.features.len() as u64;
                    (p.dataset, p.next, None, sent)
                }
                Err(error) => {
                    self.stopped = Some(Stop::Unreadable { url, error });
                    return;
                }
            },
        };
        if matched.is_some() {
            self.matched = matched;
        }
        // Keep the features not read before; a page of nothing but
        // features already read means the server is going round in circles.
        let mut new = 0;
        for f in page.features {
            if let Some(id) = &f.id {
                if !self.ids.insert(id.clone()) {
                    continue;
                }
            }
            new += 1;
            self.dataset.features.push(f);
        }
        self.dataset.warnings.extend(page.warnings);
        if sent > 0 && new == 0 {
            self.stopped = Some(Stop::RepeatedFeatures { url });
            return;
        }
        let read = self.dataset.features.len() as u64;
        if read >= self.max_features {
            let more = read > self.max_features
                || next.is_some()
                || self.matched.is_some_and(|m| m > self.max_features);
            self.dataset.features.truncate(self.max_features as usize);
            if more {
                self.stopped = Some(Stop::MaxFeatures);
            }
            return;
        }
        if sent == 0 {
            return;
        }
        let next = match &self.protocol {
            Protocol::Wfs { query, limit } => {
                let asked = u64::from(page_size(*limit, self.max_features as u32, self.start));
                self.start += sent;
                if sent < asked {
                    return;
                }
                wfs_page(query, *limit, self.max_features as u32, self.start)
            }
            Protocol::OgcApi | Protocol::SensorThings => {
                let Some(href) = next else {
                    return;
                };
                let Some(abs) = resolve(&href, &url) else {
                    self.stopped = Some(Stop::ForeignLink { href });
                    return;
                };
                if self.origin.is_none() || origin(&abs) != self.origin {
                    self.stopped = Some(Stop::ForeignLink { href: abs });
                    return;
                }
                abs
            }
        };
        if self.asked.contains(&next) {
            self.stopped = Some(Stop::RepeatedLink { href: next });
        } else if self.pages >= MAX_PAGES {
            self.stopped = Some(Stop::TooManyPages);
        } else {
            self.next = Some(next);
        }
    }

    /// The current request failed (HTTP status, network, time-out): reading
    /// stops and keeps what was read.
    pub fn fail(&mut self, failure: Failure) {
        if let Some(url) = self.current.take() {
            self.stopped = Some(Stop::Failed { url, failure });
        }
    }

    /// What was read, how much the server has, and why reading stopped early.
    pub fn finish(self) -> Outcome {
        Outcome {
            dataset: self.dataset,
            matched: self.matched,
            pages: self.pages,
            stopped: self.stopped,
        }
    }
}

/// Features asked for in one WFS request.
fn page_size(limit: u32, max_features: u32, start: u64) -> u32 {
    let left = u64::from(max_features).saturating_sub(start);
    (u64::from(limit).min(left).max(1)) as u32
}

fn wfs_page(query: &str, limit: u32, max_features: u32, start: u64) -> String {
    format!(
        "{query}&COUNT={}&STARTINDEX={start}",
        page_size(limit, max_features, start)
    )
}
