//! The legend model: what a styled layer's colours and sizes mean, per step.
//!
//! The scene builds it (class ranges, categories, circle sizes, how many
//! features each stands for in the step); the player only renders it. Labels
//! are formatted here, for the story's language, so they are host-tested.

use twinstory_map::Rgba;
use twinstory_model::strings::Lang;

/// What a layer's legend explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegendKind {
    /// One colour for the whole layer.
    Single,
    /// Classes of a number (a choropleth).
    Classes,
    /// One colour per text value.
    Categories,
    /// Circle sizes for numbers (proportional circles).
    Circles,
}

/// The legend of one layer in one step.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// Id of the layer.
    pub layer: String,
    /// The layer's title (or id).
    pub title: String,
    /// What the items explain.
    pub kind: LegendKind,
    /// What readers call the property the colours or sizes come from
    /// (the layer's `fields` name, or the field with `_` as spaces).
    pub property: Option<String>,
    /// True for point layers (round symbols), false for areas and lines.
    pub point: bool,
    /// The symbols with their meaning.
    pub items: Vec<LegendItem>,
    /// The step's highlight condition on this layer, if any.
    pub highlight: Option<String>,
    /// The step's filter condition on this layer, if any.
    pub filter: Option<String>,
    /// How many features the step draws (after its filter).
    pub shown: usize,
    /// How many features the step highlights.
    pub highlighted: usize,
    /// The first names of the highlighted features (their `label`, else
    /// their `name`), distinct, in data order; empty when they have none.
    pub highlighted_names: Vec<String>,
    /// How many more distinct names the highlighted features have.
    pub highlighted_more: usize,
    /// How many features the layer has.
    pub total: usize,
    /// Messages for readers, in the story's language: the layer could not
    /// be loaded, or its style or the step's filter/highlight cannot be
    /// applied (details in `author_notes`).
    pub problems: Vec<String>,
    /// What exactly is wrong with the layer's style or the step's
    /// conditions, for the author (English, with the field and expression);
    /// the player writes it to the console, never onto the page.
    pub author_notes: Vec<String>,
}

impl LegendEntry {
    /// The note under the layer's legend, in words (never the condition):
    /// what is highlighted, by name when the features have names, or how
    /// many features a filter leaves.
    ///
    /// # Examples
    /// ```
    /// use twinstory_scene::{LegendEntry, LegendKind};
    /// let mut e = LegendEntry {
    ///     layer: "q".into(), title: "Stadtteile".into(), kind: LegendKind::Single,
    ///     property: None, point: false, items: vec![], filter: None,
    ///     highlight: Some("name == \"Eimsbüttel\"".into()),
    ///     shown: 181, highlighted: 10, highlighted_names: vec!["Eimsbüttel".into()],
    ///     highlighted_more: 0, total: 181, problems: vec![], author_notes: vec![],
    /// };
    /// // Ten quarters of one Stadtteil: named once.
    /// assert_eq!(e.note("de").unwrap(), "Hervorgehoben: Eimsbüttel (10 von 181)");
    /// e.highlighted = 7;
    /// e.highlighted_names = vec!["Altona".into(), "Eimsbüttel".into()];
    /// e.highlighted_more = 5;
    /// assert_eq!(e.note("en").unwrap(), "Highlighted: Altona, Eimsbüttel and 5 more (7 of 181)");
    /// e.highlighted_names.clear();
    /// assert_eq!(e.note("de").unwrap(), "Hervorgehoben: 7 von 181");
    /// ```
    pub fn note(&self, lang: &str) -> Option<String> {
        let t = Lang::of(lang).strings();
        if self.highlight.is_some() {
            let (n, of) = (self.highlighted, self.shown);
            if self.highlighted_names.is_empty() {
                return Some((t.legend_highlighted)(n, of));
            }
            let list = self.highlighted_names.join(", ");
            let names = if self.highlighted_more > 0 {
                (t.and_more)(&list, self.highlighted_more)
            } else {
                list
            };
            return Some((t.legend_highlighted_names)(n, of, &names));
        }
        self.filter
            .is_some()
            .then(|| (t.legend_shown)(self.shown, self.total))
    }
}

/// One symbol in a legend.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    /// Fill colour of the symbol.
    pub color: Option<Rgba>,
    /// Outline colour of the symbol.
    pub stroke: Option<Rgba>,
    /// Radius in CSS px for circle sizes.
    pub radius: Option<f64>,
    /// What the symbol stands for.
    pub label: LegendLabel,
    /// How many of the step's drawn features it stands for.
    pub count: usize,
}

/// What a legend symbol stands for, before formatting.
#[derive(Debug, Clone, PartialEq)]
pub enum LegendLabel {
    /// The layer itself (single colour).
    Layer(String),
    /// A class of values from `min` to `max`; `first` classes include `min`.
    Range {
        /// Lower bound of the class, in the data's units.
        min: f64,
        /// Upper bound of the class (included), in the data's units.
        max: f64,
        /// Whether `min` itself belongs to the class (only the first class).
        first: bool,
        /// Whether all values are whole numbers (ranges then read `3 – 4`).
        integers: bool,
        /// Decimal places that tell the class bounds apart.
        decimals: usize,
    },
    /// A category value.
    Category(String),
    /// Values without their own colour.
    Other,
    /// Features without a value.
    NoData,
    /// A circle size for this value.
    Value {
        /// The data value whose circle size the symbol shows, in the data's units.
        value: f64,
        /// Decimal places to show.
        decimals: usize,
    },
}

impl LegendItem {
    /// The item's text in the story's language (`de` and `en` wording;
    /// numbers formatted for `lang`).
    ///
    /// # Examples
    /// ```
    /// use twinstory_scene::{LegendItem, LegendLabel};
    /// let item = LegendItem {
    ///     color: None, stroke: None, radius: None, count: 3,
    ///     label: LegendLabel::Range { min: 1000.0, max: 2500.5, first: false, integers: false, decimals: 1 },
    /// };
    /// assert_eq!(item.text("de"), "über 1.000 bis 2.500,5");
    /// assert_eq!(item.text("en"), "over 1,000 to 2,500.5");
    /// ```
    pub fn text(&self, lang: &str) -> String {
        let t = Lang::of(lang).strings();
        let n = |v: f64, d: usize| format_number(v, d, lang);
        match &self.label {
            LegendLabel::Layer(t) | LegendLabel::Category(t) => t.clone(),
            LegendLabel::Other => t.legend_other.to_string(),
            LegendLabel::NoData => t.legend_no_data.to_string(),
            LegendLabel::Value { value, decimals } => n(*value, *decimals),
            LegendLabel::Range {
                min,
                max,
                first,
                integers,
                decimals,
            } => {
                let to = t.range_to;
                if *integers {
                    // Whole numbers: the class above 2 starts at 3.
                    let lo = if *first { *min } else { min.floor() + 1.0 };
                    if lo >= *max {
                        n(*max, 0)
                    } else {
                        format!("{} {to} {}", n(lo, 0), n(*max, 0))
                    }
                } else {
                    // A whole-number bound reads without decimals (`über 0
                    // bis 0,90`, not `über 0,00`).
                    let b = |x: f64| n(x, if x.fract() == 0.0 { 0 } else { *decimals });
                    if min == max {
                        // A class of one value, e.g. every feature with 0.
                        b(*max)
                    } else if *first {
                        format!("{} {to} {}", b(*min), b(*max))
                    } else {
                        format!("{} {} {to} {}", t.range_over, b(*min), b(*max))
                    }
                }
            }
        }
    }
}

/// Numbers are formatted in one place, with the language table.
pub use twinstory_model::strings::format_number;

/// The fewest decimal places (0–3) at which all `values` read differently
/// and none rounds to a misleading zero.
///
/// # Examples
/// ```
/// use twinstory_scene::legend_decimals;
/// assert_eq!(legend_decimals(&[1.0, 20.0, 300.0]), 0);
/// assert_eq!(legend_decimals(&[0.1, 0.12, 0.4]), 2);
/// assert_eq!(legend_decimals(&[]), 0);
/// assert_eq!(legend_decimals(&[0.0, 0.0, 0.896, 1.94, 3.509, 16.598]), 0);
/// ```
pub fn legend_decimals(values: &[f64]) -> usize {
    // Equal breaks (a class of one value, e.g. all zeros) stay equal at any precision.
    let mut values = values.to_vec();
    values.dedup();
    for d in 0..=3 {
        let shown: Vec<String> = values
            .iter()
            .map(|v| twinstory_model::decimal::Fixed(*v, d).to_string())
            .collect();
        let distinct = shown.windows(2).all(|w| w[0] != w[1]);
        let no_false_zero = values.iter().zip(&shown).all(|(v, s)| {
            *v == 0.0
                || s.trim_start_matches('-')
                    .chars()
                    .any(|c| c.is_ascii_digit() && c != '0')
        });
        if distinct && no_false_zero {
            return d;
        }
    }
    3
}

/// The decimal places (at least [`legend_decimals`] of `breaks`, at most 3)
/// at which class bounds read true for every one of `values`: a value
/// drawn in the class `(b, c]` must read as "over `b` up to `c`" with the
/// bounds as shown. With too few places a bound rounds past a value (a
/// break at 12.8 shown as 13 put 12.9 in "über 13 bis 15").
///
/// # Examples
/// ```
/// use twinstory_scene::range_decimals;
/// assert_eq!(range_decimals(&[6.1, 12.8, 15.3, 31.5], &[6.1, 12.8, 12.9, 15.3, 31.5]), 1);
/// assert_eq!(range_decimals(&[6.0, 13.0, 15.0, 32.0], &[6.0, 12.9, 13.0, 14.5, 15.0, 32.0]), 0);
/// ```
pub fn range_decimals(breaks: &[f64], values: &[f64]) -> usize {
    let fits = |d: usize| {
        let scale = 10f64.powi(d as i32);
        breaks.iter().all(|&b| {
            let shown = (b * scale).round() / scale;
            values.iter().all(|&v| (v <= b) == (v <= shown))
        })
    };
    (legend_decimals(breaks)..=3)
        .find(|&d| fits(d))
        .unwrap_or(3)
}

/// The largest "nice" number (1, 2 or 5 times a power of ten) not above `x`.
///
/// # Examples
/// ```
/// use twinstory_scene::nice_floor;
/// assert_eq!(nice_floor(734.0), 500.0);
/// assert_eq!(nice_floor(0.3), 0.2);
/// assert_eq!(nice_floor(0.0), 0.0);
/// ```
pub fn nice_floor(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 0.0;
    }
    // `powi`, not `powf`: the same power of ten (exact from 1e-22 to 1e22),
    // and `powf` alone brought libm's `pow` and its 4 KB table into the
    // player's base (docs/facts.md).
    let p = 10f64.powi(x.log10().floor() as i32);
    let m = x / p;
    let f = if m >= 5.0 {
        5.0
    } else if m >= 2.0 {
        2.0
    } else {
        1.0
    };
    // Powers of ten below 1 are inexact; round to the power's precision.
    let v = f * p;
    let digits = (-p.log10()).max(0.0) as i32;
    let scale = 10f64.powi(digits);
    (v * scale).round() / scale
}
