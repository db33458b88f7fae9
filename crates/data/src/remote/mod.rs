//! Layers read from feature services while the story plays (OGC API –
//! Features, WFS 2.0, SensorThings): the paging as a state machine without
//! I/O, the origin rule for `next` links, caps, and what the reader is told
//! when a service stops answering. The player's shell only fetches.
//!
//! - `paging`: [`Paging`] plans each request and reads each page once.
//! - links are resolved and origins compared with `twinstory_model::url`.

mod paging;
use twinstory_model::url;

pub use paging::{Paging, MAX_PAGES};

use crate::{DataError, Dataset};
use twinstory_model::strings::{format_number, Lang, Strings};

/// One request the shell makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The absolute address to GET; already on the origin the story named.
    pub url: String,
    /// The `Accept` header to send (GeoJSON or JSON, by service type).
    pub accept: &'static str,
}

/// Why a request brought no page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with this HTTP status (not 2xx).
    Status(u16),
    /// No answer: the server is down, unknown, or refuses the browser (CORS).
    Unreachable,
    /// No answer within this many seconds.
    TimedOut(u32),
    /// The request was not made; the shell says why in the story's words.
    Refused(String),
}

/// Why reading stopped before the service said it was done.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// A request failed.
    Failed {
        /// The address asked.
        url: String,
        /// What went wrong.
        failure: Failure,
    },
    /// A page was not JSON, or not GeoJSON / SensorThings.
    Unreadable {
        /// The address asked.
        url: String,
        /// What the reader found.
        error: DataError,
    },
    /// A page was XML (a WFS exception, or a format the server does not offer).
    NotJson {
        /// The address asked.
        url: String,
    },
    /// A `next` link pointed to another server; it was not followed, to
    /// keep readers' data private.
    ForeignLink {
        /// The link, resolved.
        href: String,
    },
    /// A `next` link named a page already read.
    RepeatedLink {
        /// The link, resolved.
        href: String,
    },
    /// A page held only features already read.
    RepeatedFeatures {
        /// The address asked.
        url: String,
    },
    /// `max-features` were read and the server has more (the author's cap).
    MaxFeatures,
    /// [`MAX_PAGES`] pages were read and the server offered more.
    TooManyPages,
}

/// What reading a service layer gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Every feature read (each once), up to `max-features`.
    pub dataset: Dataset,
    /// How many features the server says match (`numberMatched`), if it says.
    pub matched: Option<u64>,
    /// How many pages the service answered (a request that failed is not
    /// counted); at most [`MAX_PAGES`].
    pub pages: u32,
    /// Why reading stopped early; `None` when the service had no more.
    pub stopped: Option<Stop>,
}

impl Outcome {
    /// How many features the reader sees: those read, each once.
    pub fn shown(&self) -> usize {
        self.dataset.features.len()
    }

    /// True when reading stopped because of the service (not the author's
    /// `max-features`): the reader should be told.
    pub fn is_incomplete(&self) -> bool {
        !matches!(self.stopped, None | Some(Stop::MaxFeatures))
    }

    /// True when nothing could be read at all: the layer failed.
    pub fn is_failure(&self) -> bool {
        self.is_incomplete() && self.dataset.features.is_empty()
    }

    /// A short message for readers in the story's language (`lang`, a BCP 47
    /// tag; German for `de…`, English otherwise), without addresses:
    /// for a failed layer why it is missing, for an incomplete one how many
    /// features are shown; `None` when all is well. `title` names the layer.
    pub fn reader_message(&self, lang: &str, title: &str) -> Option<String> {
        let lang = Lang::of(lang);
        let t = lang.strings();
        let stop = self.stopped.as_ref().filter(|_| self.is_incomplete())?;
        if self.is_failure() {
            return Some(failed_message(stop, lang.tag(), title));
        }
        let shown = number(self.shown() as u64, lang);
        let why = reason_partial(stop, t);
        Some(match self.matched {
            Some(m) if m > self.shown() as u64 => {
                (t.layer_shown_of)(title, &shown, &number(m, lang), why)
            }
            _ => (t.layer_shown_only)(title, &shown, why),
        })
    }

    /// The details for the story's author (console): addresses, status
    /// codes, reader errors. English, like the CLI.
    pub fn author_detail(&self) -> Option<String> {
        let stop = self.stopped.as_ref()?;
        let read = format!("{} features read from {} pages", self.shown(), self.pages);
        Some(match stop {
            Stop::Failed { url, failure } => {
                let f = match failure {
                    Failure::Status(s) => format!("HTTP {s}"),
                    Failure::Unreachable => "no answer (server down, or CORS not allowed)".into(),
                    Failure::TimedOut(s) => format!("no answer within {s} s"),
                    Failure::Refused(why) => why.clone(),
                };
                format!("{url}: {f}; {read}")
            }
            Stop::Unreadable { error, .. } => format!("{error}; {read}"),
            Stop::NotJson { url } => format!(
                "{url} answered with XML instead of GeoJSON (an exception, or `format` is not one the server offers; its GetCapabilities lists the output formats); {read}"
            ),
            Stop::ForeignLink { href } => format!(
                "the server sent a link to another server ({href}); it was not followed, to keep readers' data private; {read}"
            ),
            Stop::RepeatedLink { href } => {
                format!("the server sent a `next` link to a page already read ({href}); {read}")
            }
            Stop::RepeatedFeatures { url } => {
                format!("{url} held only features already read; {read}")
            }
            Stop::MaxFeatures => format!("stopped at `max-features`; {read}"),
            Stop::TooManyPages => format!("stopped after {MAX_PAGES} pages; {read}"),
        })
    }
}

/// The reader's message for a layer that could not be loaded at all
/// (a service, or a file fetched with the same failures): short, in the
/// story's language, naming the server but no address.
pub fn failed_message(stop: &Stop, lang: &str, title: &str) -> String {
    let t = Lang::of(lang).strings();
    (t.layer_failed)(title, &reason_failed(stop, t))
}

/// The host (and port) of `url`, for messages that name the server.
fn host(url: &str, t: &Strings) -> String {
    url::origin(url)
        .and_then(|o| o.split_once("://").map(|(_, h)| h.to_owned()))
        .unwrap_or_else(|| t.the_service.into())
}

fn reason_failed(stop: &Stop, t: &Strings) -> String {
    match stop {
        Stop::Failed { url, failure } => {
            let h = host(url, t);
            match failure {
                Failure::Status(s) => (t.server_error)(&h, *s),
                Failure::Unreachable => (t.server_unreachable)(&h),
                Failure::TimedOut(s) => (t.server_timed_out)(&h, *s),
                Failure::Refused(why) => why.clone(),
            }
        }
        Stop::Unreadable { .. } | Stop::NotJson { .. } => t.answer_unreadable.into(),
        // Links and repeats need a first page: they cannot leave nothing.
        _ => t.no_data_sent.into(),
    }
}

fn reason_partial(stop: &Stop, t: &Strings) -> &'static str {
    match stop {
        Stop::Failed { .. } => t.cut_stopped,
        Stop::Unreadable { .. } | Stop::NotJson { .. } => t.cut_unreadable,
        Stop::ForeignLink { .. } => t.cut_foreign,
        Stop::RepeatedLink { .. } | Stop::RepeatedFeatures { .. } => t.cut_repeated,
        Stop::MaxFeatures | Stop::TooManyPages => t.cut_too_many_pages,
    }
}

/// A count with thousands separators (`.` in German, `,` in English).
fn number(n: u64, lang: Lang) -> String {
    format_number(n as f64, 0, lang.tag())
}

#[cfg(test)]
mod tests;
