//! Charts in a step: a ```` ```chart ```` block becomes a bar chart, a
//! histogram of the legend's classes or a line over time, computed from
//! the layer's data when the story is built and written into the step's
//! HTML as SVG with a title, a description and the numbers as a table
//! (docs/story-format.md, "Charts").
//!
//! Reading a block ([`read`]) needs no data, so `validate`, the docs test
//! and the author module report a block that cannot be read; [`compute`]
//! takes the layer's features as the build packs them (joined, computed)
//! and its styling (`twinstory_scene::style_layer`: the map's colours and
//! the legend's classes); `chart_svg` draws the result. The `where`
//! condition is the filters' ([`twinstory_data::Condition`]); numbers and
//! fields are read as figures read them ([`crate::figure`]).

use crate::diagnostic::Pos;
use crate::figure::{check_fields, number_of, value_help, FigureError, Part};
use crate::walk::Walker;
use crate::yaml::Node;
use twinstory_data::{Condition, Feature};
use twinstory_model::strings::{format_number, Lang};
use twinstory_model::{Color, Layer};
use twinstory_scene::{LayerStyling, LegendKind};

/// Settings of a ```chart block.
pub(crate) const CHART_FIELDS: &[&str] = &[
    "type",
    "layer",
    "title",
    "description",
    "value",
    "label",
    "top",
    "order",
    "where",
    "time",
    "period",
    "aggregate",
    "unit",
    "decimals",
];
const TYPES: &[&str] = &["bar", "histogram", "line"];
const ORDERS: &[&str] = &["descending", "ascending", "data"];
const AGGREGATES: &[&str] = &["count", "sum", "mean"];
const PERIODS: &[&str] = &["year", "month"];
/// The most bars a chart draws; more are cut off with a warning (W0025).
pub(crate) const MAX_BARS: usize = 40;

/// What a chart draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// One bar per feature (`value` by `label`).
    Bar,
    /// One bar per class of the layer's legend: how many features it has.
    Histogram,
    /// A value per period of a date or year field.
    Line,
}

/// In which order a bar chart lists its bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Descending,
    Ascending,
    Data,
}

/// What a line chart computes per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aggregate {
    Count,
    Sum,
    Mean,
}

/// A ```chart block, read.
#[derive(Debug, Clone)]
pub(crate) struct ChartSpec {
    pub kind: ChartKind,
    pub layer: (String, Pos),
    pub title: String,
    pub description: Option<String>,
    pub value: Option<(String, Pos)>,
    pub label: Option<(String, Pos)>,
    pub time: Option<(String, Pos)>,
    pub top: Option<usize>,
    pub order: Order,
    pub filter: Option<(Condition, Pos)>,
    pub monthly: bool,
    pub aggregate: Option<Aggregate>,
    pub unit: Option<String>,
    pub decimals: Option<usize>,
    /// The block's fence.
    pub at: Pos,
}

impl ChartSpec {
    /// Every position the spec holds (moved when invisible characters
    /// were taken out of the file).
    pub(crate) fn positions_mut(&mut self) -> Vec<&mut Pos> {
        let mut out = vec![&mut self.layer.1, &mut self.at];
        for f in [&mut self.value, &mut self.label, &mut self.time]
            .into_iter()
            .flatten()
        {
            out.push(&mut f.1);
        }
        if let Some((_, p)) = &mut self.filter {
            out.push(p);
        }
        out
    }
}

/// Reads a ```chart block's tree; `None` when it cannot be drawn (every
/// problem reported).
pub(crate) fn read(w: &mut Walker<'_, '_>, root: &Node, at: Pos) -> Option<ChartSpec> {
    let example = "type: bar\nlayer: quarters\nvalue: kids\ntitle: Children per quarter";
    let fields = w.fields(root, CHART_FIELDS, "the ```chart block", example)?;
    let errors = w.sink.diags.len();
    let mut kind = ChartKind::Bar;
    let mut spec = ChartSpec {
        kind,
        layer: (String::new(), at),
        title: String::new(),
        description: None,
        value: None,
        label: None,
        time: None,
        top: None,
        order: Order::Descending,
        filter: None,
        monthly: false,
        aggregate: None,
        unit: None,
        decimals: None,
        at,
    };
    let mut layer = None;
    let mut title = None;
    // Settings only some types take, to check once the type is known.
    let mut only: Vec<(&str, Pos)> = Vec::new();
    for (key, k, v) in &fields {
        let field = |w: &mut Walker<'_, '_>, example: &str| {
            w.text(v, key, example)
                .map(|t| (t.trim().to_owned(), w.pos(v)))
        };
        match *key {
            "type" => {
                if let Some(t) = w.text(v, key, "type: bar") {
                    match t.as_str() {
                        "bar" => kind = ChartKind::Bar,
                        "histogram" => kind = ChartKind::Histogram,
                        "line" => kind = ChartKind::Line,
                        _ => {
                            w.not_one_of(v, key, &t, TYPES);
                            return None;
                        }
                    }
                }
            }
            "layer" => layer = field(w, "layer: quarters"),
            "title" => title = w.text(v, key, "title: Children per quarter"),
            "description" => {
                spec.description = w.text(v, key, "description: Most children live in Billstedt.")
            }
            "value" => spec.value = field(w, "value: kids"),
            "label" => spec.label = field(w, "label: name"),
            "time" => spec.time = field(w, "time: year"),
            "unit" => spec.unit = w.text(v, key, "unit: km²"),
            "top" => {
                let example = "top: 10";
                spec.top = w
                    .number_in(
                        v,
                        key,
                        example,
                        1.0,
                        MAX_BARS as f64,
                        "the number of bars to show, counted from the top of the order",
                    )
                    .map(|n| n as usize);
            }
            "decimals" => {
                spec.decimals = w
                    .number_in(v, key, "decimals: 1", 0.0, 6.0, "decimals to show, 0 to 6")
                    .map(|n| n as usize);
            }
            "order" => {
                if let Some(t) = w.text(v, key, "order: descending") {
                    match t.as_str() {
                        "descending" => spec.order = Order::Descending,
                        "ascending" => spec.order = Order::Ascending,
                        "data" => spec.order = Order::Data,
                        _ => w.not_one_of(v, key, &t, ORDERS),
                    }
                }
            }
            "aggregate" => {
                if let Some(t) = w.text(v, key, "aggregate: sum") {
                    match t.as_str() {
                        "count" => spec.aggregate = Some(Aggregate::Count),
                        "sum" => spec.aggregate = Some(Aggregate::Sum),
                        "mean" => spec.aggregate = Some(Aggregate::Mean),
                        _ => w.not_one_of(v, key, &t, AGGREGATES),
                    }
                }
            }
            "period" => {
                if let Some(t) = w.text(v, key, "period: year") {
                    match t.as_str() {
                        "year" => spec.monthly = false,
                        "month" => spec.monthly = true,
                        _ => w.not_one_of(v, key, &t, PERIODS),
                    }
                }
            }
            "where" => {
                if let Some(t) = w.text(v, key, "where: 'kids > 100'") {
                    let pos = w.pos(v);
                    match Condition::parse(&t) {
                        Ok(c) => spec.filter = Some((c, pos)),
                        Err(e) => w.sink.error(
                            "E0138",
                            pos,
                            format!("the chart's `where` condition cannot be read: {}", e.message),
                            Some("conditions are written as a step's `filter`, e.g. `where: 'district_name == \"Altona\"'` or `where: 'kids >= 100'`".into()),
                        ),
                    }
                }
            }
            _ => {}
        }
        if matches!(
            *key,
            "top" | "order" | "label" | "time" | "period" | "aggregate"
        ) {
            only.push((key, w.pos(k)));
        }
    }
    spec.kind = kind;
    for (key, pos) in only {
        let fits = match key {
            "top" | "order" | "label" => kind == ChartKind::Bar,
            _ => kind == ChartKind::Line,
        };
        if !fits {
            let takes = match key {
                "top" | "order" | "label" => "only bar charts (`type: bar`) take it",
                _ => "only line charts (`type: line`) take it",
            };
            w.sink.error(
                "E0130",
                pos,
                format!("a {} chart has no setting `{key}`", kind_word(kind)),
                Some(format!("{takes}; delete the line or change `type`")),
            );
        }
    }
    match title.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
        Some(t) => spec.title = t,
        None => w.sink.error(
            "E0131",
            at,
            "this chart has no `title`",
            Some("add `title: …` saying what the chart shows: it is the chart's caption and its name for screen readers".into()),
        ),
    }
    match layer {
        Some(l) => spec.layer = l,
        None => w.missing(root, "layer", "the ```chart block", "layer: quarters"),
    }
    if kind == ChartKind::Bar && spec.value.is_none() {
        w.missing(root, "value", "a bar chart", "value: kids");
    }
    if kind == ChartKind::Line && spec.time.is_none() {
        w.missing(root, "time", "a line chart", "time: year");
    }
    (!has_new_errors(w, errors)).then_some(spec)
}

fn has_new_errors(w: &Walker<'_, '_>, from: usize) -> bool {
    w.sink.diags[from..]
        .iter()
        .any(|d| d.severity == crate::Severity::Error)
}

fn kind_word(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::Bar => "bar",
        ChartKind::Histogram => "histogram",
        ChartKind::Line => "line",
    }
}

/// One bar, class or period of a computed chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartRow {
    /// What it is: the feature's label, the class, the period.
    pub label: String,
    /// Its number.
    pub value: f64,
    /// The feature's index in its layer (bar charts): hovering the bar
    /// marks it on the map.
    pub feature: Option<u32>,
    /// Its colour on the map (bars and classes); `None` for a line.
    pub color: Option<Color>,
}

/// A chart computed from its layer's data.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    /// What kind of chart.
    pub kind: ChartKind,
    /// The layer's id.
    pub layer: String,
    /// The author's title.
    pub title: String,
    /// The author's description, or one generated in words.
    pub description: String,
    /// Heading of the table's first column.
    pub label_heading: String,
    /// Heading of the table's number column.
    pub value_heading: String,
    /// The bars, classes or periods in drawing order.
    pub rows: Vec<ChartRow>,
    /// The numbers as readers see them, one per row.
    pub shown: Vec<String>,
    /// The layer's colour, which a line is drawn in (darkened where it
    /// does not stand out from `background`, see `chart_svg`).
    pub line_color: Color,
    /// What the chart is drawn on: the step cards' colour (`theme.card`)
    /// as readers see it (one with transparency over the page), opaque.
    pub background: Color,
}

/// Why a chart cannot be computed from the data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ChartError {
    /// A field no feature has (E0133), with where it is named.
    UnknownField(String, Pos, Option<String>),
    /// A field of text where numbers are needed (E0134).
    NotNumeric(String, Pos, String),
    /// Nothing to draw (E0135).
    Empty(String, Option<String>),
    /// A histogram over a layer without classes (E0137).
    NoClasses(String),
}

/// What a computation noticed but could still draw.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ChartNotes {
    /// Bars left out beyond [`MAX_BARS`] (W0025): how many there were.
    pub cut_bars: Option<usize>,
    /// Features left out of a line for an unreadable time (W0026): how
    /// many, and an example value.
    pub no_time: Option<(usize, String)>,
}

/// Computes a chart from its layer's features and styling, for readers of
/// `lang`, to be drawn on a card of colour `card`.
pub(crate) fn compute(
    spec: &ChartSpec,
    layer: &Layer,
    features: &[Feature],
    styling: &LayerStyling,
    accent: Color,
    card: Color,
    lang: &str,
) -> Result<(ChartData, ChartNotes), ChartError> {
    let words = Lang::of(lang).describe_words();
    let mut used: Vec<(String, Pos)> = Vec::new();
    used.extend(spec.value.clone());
    used.extend(spec.time.clone());
    if spec.kind == ChartKind::Bar {
        used.push(
            spec.label
                .clone()
                .unwrap_or_else(|| ("name".to_owned(), spec.at)),
        );
    }
    if let Some((c, p)) = &spec.filter {
        used.extend(c.fields().into_iter().map(|f| (f, *p)));
    }
    let parts: Vec<Part> = used
        .iter()
        .map(|(name, _)| Part {
            name: name.clone(),
            at: 0,
            len: 0,
        })
        .collect();
    if let Err(FigureError::UnknownField { field, help }) = check_fields(features, parts) {
        let pos = used
            .iter()
            .find(|(n, _)| *n == field.name)
            .map_or(spec.at, |(_, p)| *p);
        return Err(ChartError::UnknownField(field.name, pos, help));
    }
    let matched: Vec<(usize, &Feature)> = features
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            spec.filter
                .as_ref()
                .is_none_or(|(c, _)| c.matches(&f.properties))
        })
        .collect();
    if matched.is_empty() {
        let (message, help) = match &spec.filter {
            Some((c, _)) => (
                format!(
                    "the condition `{}` matches no feature of layer `{}`",
                    c.source().trim(),
                    layer.id
                ),
                Some(value_help(c, features)),
            ),
            None => (format!("layer `{}` has no features", layer.id), None),
        };
        return Err(ChartError::Empty(message, help));
    }
    let number = |f: &Feature, (field, pos): &(String, Pos)| -> Result<Option<f64>, ChartError> {
        number_of(f, field).map_err(|e| match e {
            FigureError::NotNumeric { example, .. } => {
                ChartError::NotNumeric(field.clone(), *pos, example)
            }
            _ => ChartError::Empty(format!("`{field}` cannot be read"), None),
        })
    };
    let decimals_of = |values: &[f64]| {
        spec.decimals.unwrap_or_else(|| {
            if values.iter().all(|v| v.fract() == 0.0) {
                0
            } else if values.iter().any(|v| v.abs() < 1.0 && *v != 0.0)
                && values.iter().all(|v| v.abs() < 10.0)
            {
                2
            } else {
                1
            }
        })
    };
    let with_unit = |s: String| match &spec.unit {
        Some(u) => format!("{s}\u{a0}{u}"),
        None => s,
    };
    let single = layer.style.fill.unwrap_or(accent);
    let mut notes = ChartNotes::default();
    // A histogram's rows that are classes (its last may be "no data").
    let mut class_rows = None;
    let (rows, label_heading, value_heading) = match spec.kind {
        ChartKind::Bar => {
            let value = spec.value.clone().unwrap_or_default();
            let label = spec
                .label
                .as_ref()
                .map_or("name", |(l, _)| l.as_str())
                .to_owned();
            let mut rows = Vec::new();
            for (i, f) in &matched {
                let Some(v) = number(f, &value)? else {
                    continue;
                };
                let color = styling
                    .fill
                    .as_ref()
                    .and_then(|fill| fill.get(*i).copied().flatten())
                    .map_or(single, |c| Color::rgb(c.r, c.g, c.b));
                rows.push(ChartRow {
                    label: label_text(f, &label, layer, lang),
                    value: v,
                    feature: Some(*i as u32),
                    color: Some(color),
                });
            }
            match spec.order {
                Order::Descending => rows.sort_by(|a, b| b.value.total_cmp(&a.value)),
                Order::Ascending => rows.sort_by(|a, b| a.value.total_cmp(&b.value)),
                Order::Data => {}
            }
            let keep = spec.top.unwrap_or(MAX_BARS);
            if spec.top.is_none() && rows.len() > MAX_BARS {
                notes.cut_bars = Some(rows.len());
            }
            rows.truncate(keep);
            (rows, layer.field_name(&label), layer.field_name(&value.0))
        }
        ChartKind::Histogram => {
            if styling.kind != Some(LegendKind::Classes) {
                return Err(ChartError::NoClasses(format!(
                    "layer `{}` has no classes: a histogram counts the features in each class of the layer's `choropleth`",
                    layer.id
                )));
            }
            let property = styling.property.clone().unwrap_or_default();
            if let Some((v, _)) = &spec.value {
                if *v != property {
                    return Err(ChartError::NoClasses(format!(
                        "the histogram's `value` is `{v}`, but the classes of layer `{}` are of `{property}`",
                        layer.id
                    )));
                }
            }
            let mut rows: Vec<ChartRow> = styling
                .items
                .iter()
                .map(|item| ChartRow {
                    label: item.text(lang),
                    value: 0.0,
                    feature: None,
                    color: item.color.map(|c| Color::rgb(c.r, c.g, c.b)),
                })
                .collect();
            class_rows = Some(
                styling
                    .items
                    .iter()
                    .take_while(|i| matches!(i.label, twinstory_scene::LegendLabel::Range { .. }))
                    .count(),
            );
            // A misspelt `property`: every feature is in "no data".
            if class_rows == Some(0) {
                let mut numeric: Vec<&str> = Vec::new();
                for f in features {
                    for k in f.properties.keys() {
                        if !numeric.contains(&k.as_str()) && matches!(number_of(f, k), Ok(Some(_)))
                        {
                            numeric.push(k);
                        }
                    }
                }
                return Err(ChartError::Empty(
                    format!(
                        "no feature of layer `{}` has a number in `{property}`, the property of its `choropleth`",
                        layer.id
                    ),
                    crate::suggest::did_you_mean(&property, &numeric, "the fields with numbers are"),
                ));
            }
            for (i, _) in &matched {
                if let Some(Some(k)) = styling.item_of.get(*i) {
                    if let Some(r) = rows.get_mut(*k as usize) {
                        r.value += 1.0;
                    }
                }
            }
            (
                rows,
                layer.field_name(&property),
                words.chart_count.to_owned(),
            )
        }
        ChartKind::Line => {
            let time = spec.time.clone().unwrap_or_default();
            let aggregate = spec.aggregate.unwrap_or(if spec.value.is_some() {
                Aggregate::Sum
            } else {
                Aggregate::Count
            });
            if aggregate != Aggregate::Count && spec.value.is_none() {
                return Err(ChartError::Empty(
                    format!(
                        "a line with `aggregate: {}` needs a `value` field to compute from",
                        if aggregate == Aggregate::Sum { "sum" } else { "mean" }
                    ),
                    Some("add `value: <field>`, or write `aggregate: count` to count features per period".into()),
                ));
            }
            // Per period: (sum, count of values, features).
            let mut periods: std::collections::BTreeMap<i64, (f64, usize, usize)> =
                Default::default();
            let mut skipped = 0;
            let mut example = String::new();
            for (_, f) in &matched {
                let Some(p) = period_of(f.properties.get(&time.0), spec.monthly) else {
                    skipped += 1;
                    if example.is_empty() {
                        example = f
                            .properties
                            .get(&time.0)
                            .map_or_else(|| "null".into(), |v| v.to_string());
                    }
                    continue;
                };
                let e = periods.entry(p).or_default();
                e.2 += 1;
                if let Some(value) = &spec.value {
                    if let Some(v) = number(f, value)? {
                        e.0 += v;
                        e.1 += 1;
                    }
                }
            }
            if skipped > 0 {
                notes.no_time = Some((skipped, example));
            }
            let (Some(&first), Some(&last)) = (periods.keys().next(), periods.keys().next_back())
            else {
                return Err(ChartError::Empty(
                    format!(
                        "no feature of layer `{}` has a year or date in `{}`",
                        layer.id, time.0
                    ),
                    Some(
                        "`time` names a field of years (`2019`) or ISO dates (`2019-04-30`)".into(),
                    ),
                ));
            };
            let mut rows = Vec::new();
            // Counts and totals are 0 in a period without features; a
            // mean there has no value and the line skips it.
            let all: Vec<i64> = if aggregate == Aggregate::Mean {
                periods.keys().copied().collect()
            } else {
                (first..=last)
                    .filter(|p| !spec.monthly || (1..=12).contains(&(p.rem_euclid(100))))
                    .collect()
            };
            for p in all {
                let (sum, n, count) = periods.get(&p).copied().unwrap_or_default();
                let value = match aggregate {
                    Aggregate::Count => count as f64,
                    Aggregate::Sum => sum,
                    Aggregate::Mean if n > 0 => sum / n as f64,
                    Aggregate::Mean => continue,
                };
                rows.push(ChartRow {
                    label: period_text(p, spec.monthly, lang),
                    value,
                    feature: None,
                    color: None,
                });
            }
            let heading = match (aggregate, &spec.value) {
                (Aggregate::Sum, Some((v, _))) => (words.chart_sum_of)(&layer.field_name(v)),
                (Aggregate::Mean, Some((v, _))) => (words.chart_mean_of)(&layer.field_name(v)),
                _ => words.chart_count.to_owned(),
            };
            (rows, layer.field_name(&time.0), heading)
        }
    };
    if rows.is_empty() || (spec.kind == ChartKind::Histogram && rows.iter().all(|r| r.value == 0.0))
    {
        let field = spec.value.as_ref().map_or("", |(v, _)| v.as_str());
        return Err(ChartError::Empty(
            format!(
                "no feature of layer `{}` has a number in `{field}`",
                layer.id
            ),
            Some("check the field, or the condition".into()),
        ));
    }
    let values: Vec<f64> = rows.iter().map(|r| r.value).collect();
    let decimals = decimals_of(&values);
    let shown: Vec<String> = values
        .iter()
        .map(|v| with_unit(format_number(*v, decimals, lang)))
        .collect();
    let description = spec.description.clone().unwrap_or_else(|| {
        let n = rows.len();
        match spec.kind {
            ChartKind::Bar => (words.chart_bars)(
                n,
                &rows[0].label,
                &shown[0],
                &rows[n - 1].label,
                &shown[n - 1],
            ),
            ChartKind::Histogram => {
                // Classes only: features without a value are in no class.
                let classes = &rows[..class_rows.unwrap_or(n).min(n)];
                let most = classes
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.value.total_cmp(&b.1.value).then(b.0.cmp(&a.0)))
                    .map_or(&rows[0], |(_, r)| r);
                (words.chart_classes)(
                    classes.iter().map(|r| r.value).sum::<f64>() as usize,
                    classes.len(),
                    &most.label,
                    most.value as usize,
                )
            }
            ChartKind::Line => {
                let high = (0..n)
                    .max_by(|a, b| values[*a].total_cmp(&values[*b]).then(b.cmp(a)))
                    .unwrap_or(0);
                (words.chart_line)(
                    &rows[0].label,
                    &shown[0],
                    &rows[n - 1].label,
                    &shown[n - 1],
                    &rows[high].label,
                    &shown[high],
                )
            }
        }
    });
    Ok((
        ChartData {
            kind: spec.kind,
            layer: layer.id.clone(),
            title: spec.title.clone(),
            description,
            label_heading,
            value_heading,
            rows,
            shown,
            line_color: layer.style.fill.unwrap_or(accent),
            background: card,
        },
        notes,
    ))
}

/// A bar's name: the label field's text (under the layer's `categories`
/// names) or number.
fn label_text(f: &Feature, field: &str, layer: &Layer, lang: &str) -> String {
    match f.properties.get(field) {
        Some(serde_json::Value::String(s)) => layer.category_name(s.trim()).to_owned(),
        Some(serde_json::Value::Number(n)) => n.as_f64().map_or_else(String::new, |v| {
            format_number(v, if v.fract() == 0.0 { 0 } else { 2 }, lang)
        }),
        Some(serde_json::Value::Bool(b)) => layer.category_name(&b.to_string()).to_owned(),
        _ => "–".to_owned(),
    }
}

/// The period of a time value: a year (`2019`, `"2019"`, `"2019-04-30…"`)
/// or, `monthly`, year × 100 + month (`201904`). `None` for anything else.
///
/// # Examples
/// ```ignore
/// assert_eq!(period_of(Some(&json!(2019)), false), Some(2019));
/// assert_eq!(period_of(Some(&json!("2019-04-30")), true), Some(201904));
/// ```
pub(crate) fn period_of(v: Option<&serde_json::Value>, monthly: bool) -> Option<i64> {
    let text = match v? {
        serde_json::Value::Number(n) => {
            let y = n.as_f64()?;
            return (!monthly && y.fract() == 0.0 && (1.0..=9999.0).contains(&y))
                .then_some(y as i64);
        }
        serde_json::Value::String(s) => s.trim(),
        _ => return None,
    };
    let year: i64 = text
        .get(..4)
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))?
        .parse()
        .ok()?;
    let rest = &text[4..];
    if !monthly {
        return (rest.is_empty() || rest.starts_with('-'))
            .then_some(year)
            .filter(|y| *y > 0);
    }
    let month: i64 = rest
        .strip_prefix('-')?
        .get(..2)
        .filter(|m| m.bytes().all(|b| b.is_ascii_digit()))?
        .parse()
        .ok()?;
    (1..=12).contains(&month).then_some(year * 100 + month)
}

/// A period as readers see it, in the story's language, as a `play`'s
/// moments are written: `2019`, `April 2019` (`lang: de`: `März 2019`).
fn period_text(p: i64, monthly: bool, lang: &str) -> String {
    if monthly {
        crate::time::label(&format!("{:04}-{:02}", p / 100, p % 100), lang)
    } else {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn periods_are_years_or_months() {
        assert_eq!(period_of(Some(&json!(2019)), false), Some(2019));
        assert_eq!(period_of(Some(&json!("2019")), false), Some(2019));
        assert_eq!(period_of(Some(&json!("2019-04-30")), false), Some(2019));
        assert_eq!(
            period_of(Some(&json!("2019-04-30T10:00Z")), true),
            Some(201904)
        );
        assert_eq!(period_of(Some(&json!(2019.5)), false), None);
        assert_eq!(period_of(Some(&json!("19.04.2019")), false), None);
        assert_eq!(period_of(Some(&json!("2019-13-01")), true), None);
        assert_eq!(period_of(Some(&json!(2019)), true), None);
        assert_eq!(period_of(None, false), None);
        assert_eq!(period_text(201904, true, "en"), "April 2019");
        assert_eq!(period_text(201903, true, "de-DE"), "März 2019");
        assert_eq!(period_text(2019, false, "de"), "2019");
    }
}
