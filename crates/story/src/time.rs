//! Time settings: a layer's `time` (which fields hold its features' time),
//! a step's `time` (a moment or a period) and `play` (moments from `from`
//! to `to`, `step` apart, in `duration`), and the check of a layer's time
//! fields against its data. The meaning is [`crate::days`]'.
//!
//! Everything about time is done here, at build time: each feature of a
//! layer with a `time` gets two numbers, its first and last day as keys
//! ([`KEY_START`], [`KEY_END`], added by [`add_keys`]), and a step's time
//! becomes an ordinary `filter` condition on them ([`bake`]), which the
//! scene evaluates as it does every step's filter. A `play` becomes one
//! `show` list per moment, with its label written in the story's language
//! ([`twinstory_model::Play`]). The player parses no dates.

use crate::days::{moments, span, span_of, Span, Stride};
use crate::diagnostic::{Pos, Sink};
use crate::walk::Walker;
use crate::yaml::{Kind, Node};
use serde_json::{Map, Value};
use twinstory_model::strings::{format_date, Lang};
use twinstory_model::{LayerState, Moment, Play, Step};

/// The property with a feature's first day as a key (`20230122`), added
/// to the data of layers with a `time`; the player's tables leave
/// properties that begin with `~` out.
pub const KEY_START: &str = "~start";
/// The property with a feature's last day as a key.
pub const KEY_END: &str = "~end";

/// Where a layer's features keep their time: one field (`start` alone, a
/// moment or the span its precision covers) or a period from `start` to
/// `end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerTime {
    /// The field with the time, or the period's first day.
    pub start: String,
    /// The field with the period's last day; `start` alone when left out.
    pub end: Option<String>,
}

impl LayerTime {
    /// The days a feature with these properties covers; `None` when its
    /// time is missing or no time.
    pub fn span(&self, properties: &Map<String, Value>) -> Option<Span> {
        let start = span_of(properties.get(&self.start)?)?;
        let end = match &self.end {
            Some(e) => span_of(properties.get(e)?)?,
            None => start,
        };
        Some((start.0, end.1))
    }
}

/// A step's `play` as read: its moments as written, and the seconds the run takes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlayRead {
    /// The moments, first to last, each a time [`span`] reads.
    pub moments: Vec<String>,
    /// Seconds from the first moment to the last.
    pub duration: f64,
}

/// Gives every feature of `data` with a time its day keys ([`KEY_START`],
/// [`KEY_END`]); a feature without a time gets none, so no time filter
/// matches it.
pub fn add_keys(time: &LayerTime, data: &mut twinstory_data::Dataset) {
    for f in &mut data.features {
        if let Some((a, b)) = time.span(&f.properties) {
            f.properties.insert(KEY_START.into(), a.into());
            f.properties.insert(KEY_END.into(), b.into());
        }
    }
}

/// The condition "the feature's time overlaps `at`" on the day keys.
fn overlap_condition(at: Span) -> String {
    format!("`{KEY_START}` <= {} and `{KEY_END}` >= {}", at.1, at.0)
}

/// `show` with the layers that have a time filtered to `at` (on top of
/// their own `filter`).
fn filtered(show: &[LayerState], timed: &dyn Fn(&str) -> bool, at: Span) -> Vec<LayerState> {
    show.iter()
        .map(|s| {
            let mut s = s.clone();
            if timed(&s.layer) {
                let time = overlap_condition(at);
                s.filter = Some(match s.filter.take() {
                    Some(f) => format!("({f}) and {time}"),
                    None => time,
                });
            }
            s
        })
        .collect()
}

/// A moment in words in the story's language: a date as `format_date`
/// writes it, a month as its name and year, a year as itself.
pub fn label(moment: &str, lang: &str) -> String {
    if let Some(d) = format_date(moment, lang) {
        return d;
    }
    let t = Lang::of(lang).strings();
    let month = moment
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| t.months.get(m.wrapping_sub(1)));
    match (moment.len(), month) {
        (7, Some(name)) => format!("{name} {}", &moment[..4]),
        _ => moment.to_owned(),
    }
}

/// Writes a step's time into its `show`: a `time` filters the layers with
/// a time; a `play` becomes its moments, each with its label and `show`,
/// and the step's own `show` is the last moment's.
pub(crate) fn bake(
    step: &mut Step,
    time: &[String],
    play: Option<&PlayRead>,
    timed: &dyn Fn(&str) -> bool,
    lang: &str,
) {
    if let Some(p) = play {
        let moments: Vec<Moment> = p
            .moments
            .iter()
            .filter_map(|m| {
                Some(Moment {
                    label: label(m, lang),
                    show: filtered(&step.show, timed, span(m)?),
                })
            })
            .collect();
        if let Some(last) = moments.last() {
            step.show = last.show.clone();
        }
        let play = Play {
            duration: p.duration,
            moments,
        };
        step.play = serde_json::to_value(play).ok().map(std::sync::Arc::new);
        return;
    }
    let (Some(first), Some(last)) = (
        time.first().and_then(|t| span(t)),
        time.last().and_then(|t| span(t)),
    ) else {
        return;
    };
    step.show = filtered(&step.show, timed, (first.0, last.1));
}

/// The spans a step's `time` or `play` shows: one for a time, one per
/// moment for a play (what [`bake`] filters the layers to).
pub(crate) fn step_spans(time: &[String], play: Option<&PlayRead>) -> Vec<Span> {
    if let Some(p) = play {
        return p.moments.iter().filter_map(|m| span(m)).collect();
    }
    match (
        time.first().and_then(|t| span(t)),
        time.last().and_then(|t| span(t)),
    ) {
        (Some(first), Some(last)) => vec![(first.0, last.1)],
        _ => Vec::new(),
    }
}

/// W0062: a step's `time` or `play` that no feature of a layer it shows
/// falls in (a year mistyped, a week in a gap of the data): the layer
/// would be empty for the whole step. `data` has its day keys
/// ([`add_keys`]).
pub(crate) fn check_step(
    sink: &mut Sink,
    (step, at): (&str, Pos),
    spans: &[Span],
    (layer, data): (&str, &twinstory_data::Dataset),
) {
    let day = |f: &twinstory_data::Feature, k: &str| {
        f.properties
            .get(k)
            .and_then(Value::as_u64)
            .map(|d| d as u32)
    };
    let times: Vec<Span> = data
        .features
        .iter()
        .filter_map(|f| Some((day(f, KEY_START)?, day(f, KEY_END)?)))
        .collect();
    if times.is_empty() || spans.is_empty() {
        return;
    }
    let meets = |t: &Span| spans.iter().any(|s| t.0 <= s.1 && t.1 >= s.0);
    if times.iter().any(meets) {
        return;
    }
    let first = times.iter().map(|t| t.0).min().unwrap_or(0);
    let last = times.iter().map(|t| t.1).max().unwrap_or(0);
    let date = |d: u32| format!("{:04}-{:02}-{:02}", d / 10000, d / 100 % 100, d % 100);
    sink.warning(
        "W0062",
        at,
        format!(
            "the time of step `{step}` matches none of the {} features of layer `{layer}`, which the step would show empty",
            data.features.len()
        ),
        Some(format!(
            "the layer's times run from {} to {}",
            date(first),
            date(last)
        )),
    );
}

/// The most moments a `play` may have.
pub(crate) const MAX_MOMENTS: usize = 1000;
const LAYER_EXAMPLE: &str = "time: { start: von, end: bis }";
const TIME_HELP: &str =
    "write a date `2023-02-05`, a month `2023-02`, a year `2023` or a period `[2023-01-22, 2023-02-18]`";
const PLAY_EXAMPLE: &str = "play: { from: 2023-01-22, to: 2023-03-12, step: 1 week, duration: 8s }";

/// A layer's `time`: `{ field: f }`, `{ start: a, end: b }` or the field
/// name alone; the fields with their positions for the data check.
pub(crate) fn read_layer_time(
    w: &mut Walker<'_, '_>,
    id: &str,
    n: &Node,
) -> (Option<LayerTime>, Vec<(String, Pos)>) {
    if let Kind::Str(field) = &n.kind {
        let pos = w.pos(n);
        let t = LayerTime {
            start: field.clone(),
            end: None,
        };
        return (Some(t), vec![(field.clone(), pos)]);
    }
    let what = format!("`time` of layer `{id}`");
    let Some(fields) = w.fields(n, &["field", "start", "end"], &what, LAYER_EXAMPLE) else {
        return (None, Vec::new());
    };
    let mut found: Vec<(&str, String, Pos)> = Vec::new();
    for (key, _k, v) in fields {
        if let Some(name) = w.text(v, key, LAYER_EXAMPLE) {
            found.push((key, name, w.pos(v)));
        }
    }
    let get = |k: &str| found.iter().find(|f| f.0 == k).map(|f| f.1.clone());
    let (field, start, end) = (get("field"), get("start"), get("end"));
    let time = match (field, start, end) {
        (Some(f), None, None) => Some(LayerTime {
            start: f,
            end: None,
        }),
        (None, Some(s), e) => Some(LayerTime { start: s, end: e }),
        _ => {
            let pos = w.pos(n);
            w.sink.error(
                "E0170",
                pos,
                format!("{what} needs either `field` or `start` (and `end`)"),
                Some(format!(
                    "name one field with the features' time, `time: {{ field: year }}`, or the first and last day of a period, `{LAYER_EXAMPLE}`"
                )),
            );
            None
        }
    };
    let positions = found
        .into_iter()
        .map(|(_, name, pos)| (name, pos))
        .collect();
    (time, positions)
}

/// One time value as written (`2023-02-05`, `2023`); an error E0171 and
/// `None` when it is no time.
fn time_text(w: &mut Walker<'_, '_>, n: &Node, name: &str) -> Option<String> {
    let text = w.text(n, name, "time: 2023-02-05")?;
    if span(&text).is_some() {
        return Some(text);
    }
    let pos = w.pos(n);
    w.sink.error(
        "E0171",
        pos,
        format!("`{text}` in `{name}` is not a time"),
        Some(TIME_HELP.into()),
    );
    None
}

/// A step's `time`: a moment or `[first, last]`; empty after an error.
pub(crate) fn read_step_time(w: &mut Walker<'_, '_>, n: &Node) -> Vec<String> {
    let values: Vec<&Node> = match &n.kind {
        Kind::Seq(items) => items.iter().collect(),
        _ => vec![n],
    };
    if values.is_empty() || values.len() > 2 {
        let pos = w.pos(n);
        w.sink.error(
            "E0171",
            pos,
            format!(
                "`time` is a moment or a period of two times, but this list has {}",
                values.len()
            ),
            Some(TIME_HELP.into()),
        );
        return Vec::new();
    }
    let read: Vec<String> = values
        .into_iter()
        .filter_map(|v| time_text(w, v, "time"))
        .collect();
    if let [a, b] = &read[..] {
        if let (Some(x), Some(y)) = (span(a), span(b)) {
            if y.1 < x.0 {
                let pos = w.pos(n);
                w.sink.error(
                    "E0171",
                    pos,
                    format!("the period `[{a}, {b}]` ends before it begins"),
                    Some(format!("write the earlier time first: `[{b}, {a}]`")),
                );
                return Vec::new();
            }
        }
    }
    read
}

/// A step's `play`: `from`, `to`, `step` and `duration`, expanded into its
/// moments; `None` after an error.
pub(crate) fn read_play(w: &mut Walker<'_, '_>, n: &Node) -> Option<PlayRead> {
    let fields = w.fields(
        n,
        &["from", "to", "step", "duration"],
        "`play`",
        PLAY_EXAMPLE,
    )?;
    let fields_have_step = fields.iter().any(|(key, _, _)| *key == "step");
    let (mut from, mut to, mut stride, mut duration) = (None, None, None, Some(8.0));
    let mut ok = true;
    for (key, _k, v) in fields {
        match key {
            "from" => from = time_text(w, v, "from"),
            "to" => to = time_text(w, v, "to"),
            "step" => {
                let text = w.text(v, "step", "step: 1 week")?;
                stride = Stride::parse(&text);
                if stride.is_none() {
                    let pos = w.pos(v);
                    w.sink.error(
                        "E0174",
                        pos,
                        format!("`{text}` is not a step size of `play`"),
                        Some("write a number and `day`, `week`, `month` or `year`, e.g. `step: 1 week` or `step: 5 years`".into()),
                    );
                }
            }
            _ => {
                duration = w.text(v, "duration", "duration: 8s").and_then(|t| {
                    let t = t.trim();
                    let (num, scale) = match t.strip_suffix("ms") {
                        Some(ms) => (ms, 0.001),
                        None => (t.strip_suffix('s').unwrap_or(t), 1.0),
                    };
                    let secs = num.trim().parse::<f64>().ok().map(|s| s * scale);
                    let secs = secs.filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0);
                    if secs.is_none() {
                        let pos = w.pos(v);
                        w.sink.error(
                            "E0174",
                            pos,
                            format!("`{t}` is not a duration of `play`"),
                            Some("write the seconds the whole run takes, e.g. `duration: 8s` (more than 0, at most 3600)".into()),
                        );
                    }
                    secs
                });
            }
        }
        let absent = (key == "from" && from.is_none()) || (key == "to" && to.is_none());
        ok &= !absent;
    }
    for (name, absent) in [("from", from.is_none()), ("to", to.is_none())] {
        if absent && ok {
            w.missing(n, name, "`play`", PLAY_EXAMPLE);
        }
    }
    let (from, to, duration) = (from?, to?, duration?);
    let Some(stride) = stride else {
        // A `step` that is written but cannot be read has had its E0174.
        if !fields_have_step {
            w.missing(n, "step", "`play`", PLAY_EXAMPLE);
        }
        return None;
    };
    let list = moments(&from, &to, stride, MAX_MOMENTS);
    if list.is_none() {
        let pos = w.pos(n);
        let why = if span(&to).is_some_and(|t| span(&from).is_some_and(|f| t.1 < f.0)) {
            "`to` comes before `from`".to_owned()
        } else if matches!(stride, Stride::Days(_) | Stride::Months(_))
            && from.trim().len() < 10
            && (from.trim().len() == 4 || matches!(stride, Stride::Days(_)))
        {
            format!("`from: {from}` is coarser than the step size; write `from` as precisely as the step, e.g. a date for days and weeks")
        } else {
            format!("`play` would have more than {MAX_MOMENTS} moments; take a larger `step`")
        };
        w.sink.error(
            "E0174",
            pos,
            format!("`play` cannot go from `{from}` to `{to}`: {why}"),
            None,
        );
        return None;
    }
    list.map(|moments| PlayRead { moments, duration })
}

/// Checks a layer's time fields against its features: some feature has
/// each field (E0172, with the names it might mean), and its values are
/// times (E0173, with an example of one that is not).
pub(crate) fn check_data(
    sink: &mut Sink,
    data: &twinstory_data::Dataset,
    layer: &str,
    fields: &[(String, Pos)],
) {
    if data.features.is_empty() {
        return;
    }
    for (name, at) in fields {
        let values: Vec<&serde_json::Value> = data
            .features
            .iter()
            .filter_map(|f| f.properties.get(name))
            .filter(|v| !v.is_null())
            .collect();
        if values.is_empty() {
            let names = crate::assets::property_names(data);
            sink.error(
                "E0172",
                *at,
                format!("no feature of layer `{layer}` has a time field `{name}`"),
                crate::suggest::did_you_mean(name, &names, "the features have"),
            );
            continue;
        }
        let bad: Vec<&&serde_json::Value> =
            values.iter().filter(|v| span_of(v).is_none()).collect();
        if let Some(first) = bad.first() {
            sink.error(
                "E0173",
                *at,
                format!(
                    "{} of {} values of `{name}` in layer `{layer}` are not times, e.g. `{}`",
                    bad.len(),
                    values.len(),
                    first.as_str().map_or_else(|| first.to_string(), str::to_owned)
                ),
                Some("time fields hold dates `YYYY-MM-DD` (a time of day may follow), months `YYYY-MM`, years `YYYY` or whole numbers (years); compute such a field with `compute` or fix the data".into()),
            );
        }
    }
}
