//! Figures from the data: `{= count playgrounds}` in the text of a step
//! becomes the number of playgrounds, computed once when the story is built
//! and written into the step's HTML as plain text.
//!
//! The syntax (docs/story-format.md, "Figures from the data"):
//!
//! ```text
//! {= count playgrounds}
//! {= count quarters where district_name == "Bergedorf"}
//! {= sum versorgung.points_of_interest}
//! {= mean versorgung.je_1000_kinder where `Unter 18-Jährige` > 1000, 2 decimals}
//! {= share quarters where district_name == "Altona"}
//! {= quarters.district_name of "Eimsbüttel"}
//! {= versorgung.name with max je_1000_kinder}
//! ```
//!
//! A figure starts with `{=` and ends at the first `}` outside quotes or
//! backticks; `{{=` writes `{=` as text. `where` takes a condition as a
//! step's `filter` does, read by the same parser
//! ([`twinstory_data::Condition`]). Field names are written as in
//! conditions: bare (`letters, digits, _`) or in backticks.
//!
//! Reading ([`Figure::parse`]) needs no data, so `validate`, the docs test
//! and the in-browser compiler report a figure that cannot be read;
//! [`Figure::evaluate`] computes it from a layer's features.

use std::collections::BTreeMap;
use twinstory_data::{Condition, Feature};
use twinstory_model::strings::format_number;
use twinstory_model::suggest::did_you_mean;

/// The measures a figure can start with, as written.
pub const MEASURES: [&str; 7] = ["count", "sum", "min", "max", "mean", "median", "share"];

/// A name in a figure and where it is: character offset from the `{` of
/// the figure, and its length in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The name (a field name without its backticks).
    pub name: String,
    /// Character offset from the figure's `{`.
    pub at: usize,
    /// Length in characters, as written.
    pub len: usize,
}

/// What a figure computes.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// How many features (match).
    Count,
    /// The total of a field.
    Sum,
    /// The smallest value of a field.
    Min,
    /// The largest value of a field.
    Max,
    /// The arithmetic mean of a field.
    Mean,
    /// The median of a field.
    Median,
    /// The matching features as a percentage of all the layer's features.
    Share,
    /// A field of the feature whose `name` is this text (`… of "Altona"`).
    Named(Part),
    /// A field of the feature with the highest (or lowest) value of another
    /// field (`… with max je_1000_kinder`).
    Extreme {
        /// `max` (true) or `min`.
        highest: bool,
        /// The field compared.
        by: Part,
    },
}

impl Measure {
    /// The word a figure starts with for this measure (`count` …); empty
    /// for a named feature and `with max`/`with min`.
    pub fn word(&self) -> &'static str {
        match self {
            Measure::Count => "count",
            Measure::Sum => "sum",
            Measure::Min => "min",
            Measure::Max => "max",
            Measure::Mean => "mean",
            Measure::Median => "median",
            Measure::Share => "share",
            Measure::Named(_) | Measure::Extreme { .. } => "",
        }
    }
}

/// A figure, read.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The figure as written, from `{=` to `}`.
    pub text: String,
    /// What it computes.
    pub measure: Measure,
    /// The layer.
    pub layer: Part,
    /// The field (`layer.field`), when the measure takes one.
    pub field: Option<Part>,
    /// The `where` condition and the character offset of its text.
    pub filter: Option<(Condition, usize)>,
    /// Decimals the author asked for (`, 2 decimals`).
    pub decimals: Option<usize>,
}

/// Why a figure cannot be read: where (characters from its `{`), how many
/// characters to mark, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureSyntaxError {
    /// Character offset from the figure's `{`.
    pub at: usize,
    /// Characters to mark.
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// What to write instead, when there is something specific to say.
    pub help: Option<String>,
}

/// Why a figure cannot be computed from the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureError {
    /// No feature of the layer has this field (E0111).
    UnknownField {
        /// The field as named in the figure, with its place.
        field: Part,
        /// "did you mean …?" among the fields the features have.
        help: Option<String>,
    },
    /// Nothing to compute from: the condition matches no feature, no
    /// feature has a number in the field, or the feature has no value (E0112).
    Empty {
        /// What is empty.
        message: String,
        /// What to check.
        help: Option<String>,
    },
    /// `… of "name"`: no feature has that name, or several do with different
    /// values (E0113).
    Name {
        /// What is wrong.
        message: String,
        /// The closest name, or what to write instead.
        help: Option<String>,
    },
    /// A measure that needs numbers over a field that holds text (E0114).
    NotNumeric {
        /// The field.
        field: String,
        /// A text value found in it.
        example: String,
    },
}

const HELP: &str = "write e.g. `{= count playgrounds}`, `{= sum quarters.kids where district_name == \"Altona\"}` or `{= quarters.kids of \"Altona\"}`; see docs/story-format.md, \"Figures from the data\"";

struct Reader<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Reader<'_> {
    fn err<T>(
        &self,
        at: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Result<T, FigureSyntaxError> {
        Err(FigureSyntaxError {
            at,
            len: len.max(1),
            message: message.into(),
            help: Some(HELP.to_owned()),
        })
    }
    fn skip_ws(&mut self) -> usize {
        let start = self.pos;
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
        self.pos - start
    }
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    /// A word of letters, digits, `_` and (for layer ids) `-`.
    fn word(&mut self, dash: bool) -> Part {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || (dash && c == '-'))
        {
            self.pos += 1;
        }
        Part {
            name: self.chars[start..self.pos].iter().collect(),
            at: start,
            len: self.pos - start,
        }
    }
    /// A field name: a word, or anything in backticks.
    fn field(&mut self) -> Result<Part, FigureSyntaxError> {
        if self.peek() == Some('`') {
            let open = self.pos;
            self.pos += 1;
            while self.peek().is_some_and(|c| c != '`') {
                self.pos += 1;
            }
            if self.peek().is_none() {
                return self.err(open, 1, "this field name's backtick is never closed");
            }
            self.pos += 1;
            let name: String = self.chars[open + 1..self.pos - 1].iter().collect();
            if name.trim().is_empty() {
                return self.err(open, self.pos - open, "the backticks hold no field name");
            }
            return Ok(Part {
                name,
                at: open,
                len: self.pos - open,
            });
        }
        let p = self.word(false);
        if p.name.is_empty() {
            let at = self.pos;
            return match self.peek() {
                Some(c) if !c.is_whitespace() => {
                    self.err(at, 1, format!("a field name is missing before `{c}`"))
                }
                _ => self.err(at, 1, "a field name is missing here"),
            };
        }
        Ok(p)
    }
    /// `keyword` followed by a space or the end, after optional spaces.
    fn keyword(&mut self, word: &str) -> bool {
        let save = self.pos;
        self.skip_ws();
        let p = self.word(false);
        if p.name == word {
            return true;
        }
        self.pos = save;
        false
    }
}

/// Where the figure's options start: the first `,` outside quotes and
/// backticks from `from` (conditions have no commas of their own).
fn options_start(chars: &[char], from: usize, end: usize) -> usize {
    let mut quote: Option<char> = None;
    for (i, &c) in chars.iter().enumerate().take(end).skip(from) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if c == ',' => return i,
            None => {}
        }
    }
    end
}

/// The offset of the `}` that closes a figure starting at `chars[0..2] ==
/// "{="`: the first outside quotes and backticks.
pub fn closing_brace(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices().skip(2) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if c == '}' => return Some(i),
            None => {}
        }
    }
    None
}

impl Figure {
    /// Reads a figure written `{= … }` (braces included).
    ///
    /// # Examples
    /// ```
    /// use twinstory_story::figure::{Figure, Measure};
    /// let f = Figure::parse(r#"{= count quarters where district_name == "Altona"}"#).unwrap();
    /// assert_eq!(f.measure, Measure::Count);
    /// assert_eq!(f.layer.name, "quarters");
    /// let e = Figure::parse("{= average quarters.kids}").unwrap_err();
    /// assert!(e.message.contains("`average`"));
    /// assert_eq!(e.help.as_deref().map(|h| h.contains("`mean`")), Some(true));
    /// ```
    pub fn parse(text: &str) -> Result<Self, FigureSyntaxError> {
        let chars: Vec<char> = text.chars().collect();
        let end = chars.len().saturating_sub(1);
        if chars.len() < 3 || chars[0] != '{' || chars[1] != '=' || chars[end] != '}' {
            return Err(FigureSyntaxError {
                at: 0,
                len: chars.len(),
                message: "a figure is written `{= … }`".into(),
                help: Some(HELP.into()),
            });
        }
        let body = &chars[..end];
        let mut r = Reader {
            chars: body,
            pos: 2,
        };
        r.skip_ws();
        if r.peek().is_none() {
            return r.err(0, chars.len(), "the figure is empty");
        }
        let first = r.word(true);
        if first.name.is_empty() {
            let c = r.peek().unwrap_or(' ');
            return r.err(r.pos, 1, format!("unexpected `{c}`; a figure starts with what to compute (`count`, `sum` …) or a layer"));
        }
        // `count playgrounds` or `playgrounds.name of …`: a measure is
        // followed by a space and a name, a layer by `.` or a keyword.
        let measure_word = r.peek() != Some('.') && {
            let save = r.pos;
            let spaced = r.skip_ws() > 0;
            let next = r.peek();
            let after = r.word(true);
            r.pos = save;
            spaced
                && next.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && !["of", "with", "where"].contains(&after.name.as_str())
        };
        let (measure, layer) = if measure_word {
            let measure = match first.name.as_str() {
                "count" => Measure::Count,
                "sum" => Measure::Sum,
                "min" => Measure::Min,
                "max" => Measure::Max,
                "mean" => Measure::Mean,
                "median" => Measure::Median,
                "share" => Measure::Share,
                _ => {
                    let mut help = did_you_mean(&first.name, &MEASURES, "a figure starts with");
                    // The measure's name in other words, English and German
                    // (authors write in their language; the names are English).
                    const GERMAN: &str = " (the measures have English names)";
                    let meant = match first.name.to_lowercase().as_str() {
                        "average" | "avg" => Some(("mean", "")),
                        "total" => Some(("sum", "")),
                        "minimum" => Some(("min", "")),
                        "maximum" => Some(("max", "")),
                        "durchschnitt" | "mittelwert" | "mittel" => Some(("mean", GERMAN)),
                        "summe" | "gesamt" => Some(("sum", GERMAN)),
                        "anzahl" | "zahl" => Some(("count", GERMAN)),
                        "kleinster" | "kleinste" => Some(("min", GERMAN)),
                        "größter" | "größte" | "groesster" | "groesste" => {
                            Some(("max", GERMAN))
                        }
                        "anteil" => Some(("share", GERMAN)),
                        _ => None,
                    };
                    if let Some((m, note)) = meant {
                        help = Some(format!("did you mean `{m}`?{note}"));
                    }
                    return Err(FigureSyntaxError {
                        at: first.at,
                        len: first.len,
                        message: format!("unknown measure `{}`", first.name),
                        help,
                    });
                }
            };
            r.skip_ws();
            (Some(measure), r.word(true))
        } else {
            (None, first)
        };
        let mut field = None;
        if r.peek() == Some('.') {
            r.pos += 1;
            field = Some(r.field()?);
        }
        let measure_name = measure.as_ref().map_or("", Measure::word);
        let measure = match measure {
            Some(m @ (Measure::Count | Measure::Share)) => {
                if let Some(f) = &field {
                    return Err(FigureSyntaxError {
                        at: f.at - 1,
                        len: f.len + 1,
                        message: format!("`{measure_name}` counts features and takes no field"),
                        help: Some(format!(
                            "write `{{= {measure_name} {}}}`, with `where …` to count only some",
                            layer.name
                        )),
                    });
                }
                m
            }
            Some(m) => {
                if field.is_none() {
                    return Err(FigureSyntaxError {
                        at: layer.at,
                        len: layer.len,
                        message: format!("`{measure_name}` needs a field of the layer"),
                        help: Some(format!("write the layer and the field with a dot: `{{= {measure_name} {}.population}}`", layer.name)),
                    });
                }
                m
            }
            None => {
                let Some(f) = &field else {
                    return r.err(
                        layer.at,
                        layer.len,
                        format!(
                            "say what to compute from `{}`: e.g. `{{= count {}}}`",
                            layer.name, layer.name
                        ),
                    );
                };
                if r.keyword("of") {
                    r.skip_ws();
                    let q = r.peek();
                    if !matches!(q, Some('"' | '\'')) {
                        return r.err(
                            r.pos,
                            1,
                            "`of` takes a feature's name in quotes, e.g. `of \"Altona\"`",
                        );
                    }
                    let open = r.pos;
                    r.pos += 1;
                    while r.peek().is_some_and(|c| Some(c) != q) {
                        r.pos += 1;
                    }
                    if r.peek().is_none() {
                        return r.err(open, 1, "this name's quote is never closed");
                    }
                    r.pos += 1;
                    Measure::Named(Part {
                        name: body[open + 1..r.pos - 1].iter().collect(),
                        at: open,
                        len: r.pos - open,
                    })
                } else if r.keyword("with") {
                    r.skip_ws();
                    let which = r.word(false);
                    let highest = match which.name.as_str() {
                        "max" => true,
                        "min" => false,
                        _ => return r.err(which.at, which.len, "`with` is followed by `max` or `min` and a field, e.g. `with max population`"),
                    };
                    r.skip_ws();
                    let by = r.field()?;
                    Measure::Extreme { highest, by }
                } else {
                    return r.err(f.at, f.len, format!("say which feature's `{}` to show: `of \"name\"` or `with max field`; or start with what to compute, e.g. `{{= sum {}.{}}}`", f.name, layer.name, f.name));
                }
            }
        };
        let mut filter = None;
        if r.keyword("where") {
            if matches!(measure, Measure::Named(_)) {
                return r.err(r.pos - 5, 5, "a named feature takes no `where`");
            }
            let start = r.pos;
            let stop = options_start(body, start, body.len());
            let cond: String = body[start..stop].iter().collect();
            match Condition::parse(&cond) {
                Ok(c) => filter = Some((c, start)),
                Err(e) => {
                    let at = start + e.column.saturating_sub(1);
                    return Err(FigureSyntaxError {
                        at: at.min(end),
                        len: 1,
                        message: format!("the `where` condition cannot be read: {}", e.message),
                        help: Some("conditions are written as a step's `filter`, e.g. `where district_name == \"Altona\"` or `where kids >= 100`".into()),
                    });
                }
            }
            r.pos = stop;
        } else if measure == Measure::Share {
            return r.err(
                layer.at,
                layer.len,
                format!(
                    "`share` needs a condition: e.g. `{{= share {} where kind == \"water\"}}`",
                    layer.name
                ),
            );
        }
        r.skip_ws();
        let mut decimals = None;
        if r.peek() == Some(',') {
            r.pos += 1;
            r.skip_ws();
            let n = r.word(false);
            r.skip_ws();
            let unit = r.word(false);
            match (n.name.parse::<usize>(), unit.name.as_str()) {
                (Ok(n @ 0..=6), "decimal" | "decimals") => decimals = Some(n),
                _ => return r.err(
                    n.at,
                    (unit.at + unit.len).saturating_sub(n.at),
                    "after the comma, write how many decimals to show (0 to 6), e.g. `, 1 decimal`",
                ),
            }
            r.skip_ws();
        }
        if let Some(c) = r.peek() {
            return r.err(
                r.pos,
                1,
                format!("unexpected `{c}`; a figure ends with `where …` or `, 1 decimal`"),
            );
        }
        Ok(Figure {
            text: text.to_owned(),
            measure,
            layer,
            field,
            filter,
            decimals,
        })
    }

    /// Every field the figure reads, with its place (the condition's fields
    /// at their first occurrence in the condition).
    pub fn fields(&self) -> Vec<Part> {
        let mut out: Vec<Part> = self.field.iter().cloned().collect();
        if let Measure::Extreme { by, .. } = &self.measure {
            out.push(by.clone());
        }
        if let Some((c, start)) = &self.filter {
            let cond = c.source();
            for f in c.fields() {
                let at = cond
                    .find(f.as_str())
                    .map_or(0, |b| cond[..b].chars().count());
                out.push(Part {
                    len: f.chars().count(),
                    name: f,
                    at: start + at,
                });
            }
        }
        out
    }

    /// Computes the figure from the layer's features and writes it for
    /// readers of `lang` (`format_number`: `1.234,5` in German);
    /// `categories` are the layer's names for values.
    ///
    /// # Examples
    /// ```
    /// use twinstory_story::figure::Figure;
    /// use twinstory_data::Feature;
    /// use serde_json::json;
    /// let features: Vec<Feature> = [1500, 2500, 1000]
    ///     .iter()
    ///     .map(|kids| Feature {
    ///         id: None,
    ///         geometry: None,
    ///         properties: json!({"kids": kids}).as_object().unwrap().clone(),
    ///         solid: None,
    ///     })
    ///     .collect();
    /// let none = Default::default();
    /// let sum = Figure::parse("{= sum quarters.kids}").unwrap();
    /// assert_eq!(sum.evaluate(&features, "de", &none).unwrap(), "5.000");
    /// let share = Figure::parse("{= share quarters where kids > 1200}").unwrap();
    /// assert_eq!(share.evaluate(&features, "de", &none).unwrap(), "66,7\u{a0}%");
    /// assert_eq!(share.evaluate(&features, "en", &none).unwrap(), "66.7%");
    /// ```
    pub fn evaluate(
        &self,
        features: &[Feature],
        lang: &str,
        categories: &BTreeMap<String, String>,
    ) -> Result<String, FigureError> {
        let mut used = self.fields();
        if let Measure::Named(p) = &self.measure {
            used.push(Part {
                name: "name".into(),
                at: p.at,
                len: p.len,
            });
        }
        check_fields(features, used)?;
        let layer = &self.layer.name;
        let matched: Vec<&Feature> = match &self.filter {
            Some((c, _)) => features
                .iter()
                .filter(|f| c.matches(&f.properties))
                .collect(),
            None => features.iter().collect(),
        };
        if let Some((c, _)) = &self.filter {
            if matched.is_empty() {
                return Err(FigureError::Empty {
                    message: format!(
                        "the condition `{}` matches no feature of layer `{layer}`",
                        c.source().trim()
                    ),
                    help: Some(value_help(c, features)),
                });
            }
        }
        let number = |v: f64, whole: bool| {
            let decimals = self.decimals.unwrap_or(if whole || v.fract() == 0.0 {
                0
            } else if v.abs() >= 1.0 {
                1
            } else {
                2
            });
            format_number(v, decimals, lang)
        };
        let field = self.field.as_ref().map_or("", |p| p.name.as_str());
        match &self.measure {
            Measure::Count => Ok(number(matched.len() as f64, true)),
            Measure::Share => {
                let v = matched.len() as f64 / features.len().max(1) as f64 * 100.0;
                Ok(percent(&number(v, false), lang))
            }
            Measure::Sum | Measure::Min | Measure::Max | Measure::Mean | Measure::Median => {
                let values = numbers(&matched, field)?;
                if values.is_empty() {
                    return Err(FigureError::Empty {
                        message: format!(
                            "no feature of layer `{layer}`{} has a number in `{field}`",
                            if self.filter.is_some() {
                                " that matches the condition"
                            } else {
                                ""
                            }
                        ),
                        help: Some("check the field, or the condition".into()),
                    });
                }
                let v = match self.measure {
                    Measure::Sum => values.iter().sum(),
                    Measure::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
                    Measure::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    Measure::Mean => values.iter().sum::<f64>() / values.len() as f64,
                    _ => median(values),
                };
                Ok(number(v, false))
            }
            Measure::Named(name) => {
                let named: Vec<&Feature> = features
                    .iter()
                    .filter(|f| {
                        f.properties.get("name").and_then(|v| v.as_str())
                            == Some(name.name.as_str())
                    })
                    .collect();
                let Some(first) = named.first() else {
                    let all: Vec<&str> = features
                        .iter()
                        .filter_map(|f| f.properties.get("name").and_then(|v| v.as_str()))
                        .collect();
                    return Err(FigureError::Name {
                        message: format!(
                            "no feature of layer `{layer}` is named \"{}\"",
                            name.name
                        ),
                        help: did_you_mean(&name.name, &all, "names are, e.g.").map(|h| {
                            if h.starts_with("did") {
                                h
                            } else {
                                h.split(", ").take(6).collect::<Vec<_>>().join(", ") + " …"
                            }
                        }),
                    });
                };
                let shown = |f: &Feature| show_value(f, field, categories, &number);
                let value = shown(first)?;
                if named.len() > 1 && named.iter().any(|f| shown(f).ok().as_ref() != Some(&value)) {
                    return Err(FigureError::Name {
                        message: format!("{} features of layer `{layer}` are named \"{}\", with different values of `{field}`", named.len(), name.name),
                        help: Some(format!("compute one number from them, e.g. `{{= sum {layer}.{field} where name == \"{}\"}}`", name.name)),
                    });
                }
                Ok(value)
            }
            Measure::Extreme { highest, by } => {
                let mut best: Option<(f64, &Feature)> = None;
                for f in &matched {
                    let Some(v) = number_of(f, &by.name)? else {
                        continue;
                    };
                    let better = best.is_none_or(|(b, _)| if *highest { v > b } else { v < b });
                    if better {
                        best = Some((v, f));
                    }
                }
                let Some((_, f)) = best else {
                    return Err(FigureError::Empty {
                        message: format!(
                            "no feature of layer `{layer}` has a number in `{}`",
                            by.name
                        ),
                        help: Some("check the field, or the condition".into()),
                    });
                };
                show_value(f, field, categories, &number)
            }
        }
    }
}

/// The first of `used` that no feature has, as an error with the closest
/// field the features have; `Ok` for a layer without features. Figures and
/// charts ([`crate::chart`]) check their fields with it.
pub(crate) fn check_fields(features: &[Feature], used: Vec<Part>) -> Result<(), FigureError> {
    if features.is_empty() {
        return Ok(());
    }
    let mut names: Vec<&str> = Vec::new();
    for f in features.iter().take(1000) {
        for k in f.properties.keys() {
            if !names.contains(&k.as_str()) {
                names.push(k);
            }
        }
    }
    names.sort_unstable();
    for field in used {
        if !features
            .iter()
            .any(|f| f.properties.contains_key(&field.name))
        {
            let help = did_you_mean(&field.name, &names, "the features have");
            return Err(FigureError::UnknownField { field, help });
        }
    }
    Ok(())
}

/// "`district_name` has values such as …" or the closest value to a text
/// the condition compares with.
pub(crate) fn value_help(c: &Condition, features: &[Feature]) -> String {
    let source = c.source();
    for field in c.fields() {
        let mut values: Vec<&str> = Vec::new();
        for f in features {
            if let Some(v) = f.properties.get(&field).and_then(|v| v.as_str()) {
                if !values.contains(&v) {
                    values.push(v);
                }
            }
        }
        let quoted = source.split(['"', '\'']).skip(1).step_by(2);
        for q in quoted {
            if let Some(close) = twinstory_model::suggest::closest(q, values.iter().copied()) {
                if close != q {
                    return format!("did you mean `{close}`?");
                }
            }
        }
        if !values.is_empty() {
            let list: Vec<String> = values.iter().take(5).map(|v| format!("`{v}`")).collect();
            return format!("`{field}` has values such as {}", list.join(", "));
        }
    }
    "check the values the condition compares with".into()
}

/// The numbers in `field` of these features (missing and `null` values
/// left out; numeric text counts, as in conditions).
fn numbers(features: &[&Feature], field: &str) -> Result<Vec<f64>, FigureError> {
    let mut out = Vec::new();
    for f in features {
        if let Some(v) = number_of(f, field)? {
            out.push(v);
        }
    }
    Ok(out)
}

/// A feature's number in `field`: `None` when missing, `null` or empty
/// text; numeric text counts, as in conditions; other text is an error.
pub(crate) fn number_of(f: &Feature, field: &str) -> Result<Option<f64>, FigureError> {
    match f.properties.get(field) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => Ok(n.as_f64().filter(|v| v.is_finite())),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) => match s.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(FigureError::NotNumeric {
                field: field.into(),
                example: s.clone(),
            }),
        },
        Some(other) => Err(FigureError::NotNumeric {
            field: field.into(),
            example: other.to_string(),
        }),
    }
}

/// A feature's value as readers see it: numbers in their language, text
/// under the layer's name for it.
fn show_value(
    f: &Feature,
    field: &str,
    categories: &BTreeMap<String, String>,
    number: &dyn Fn(f64, bool) -> String,
) -> Result<String, FigureError> {
    match f.properties.get(field) {
        Some(serde_json::Value::Number(n)) => {
            Ok(n.as_f64().map_or_else(String::new, |v| number(v, false)))
        }
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
            Ok(categories.get(s).cloned().unwrap_or_else(|| s.clone()))
        }
        Some(serde_json::Value::Bool(b)) => {
            let s = b.to_string();
            Ok(categories.get(&s).cloned().unwrap_or(s))
        }
        _ => Err(FigureError::Empty {
            message: format!("the feature has no value in `{field}`"),
            help: None,
        }),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// A percentage in the reader's language: `12,3 %` (a space that does not
/// break, as German and French write it), `12.3%` in English.
fn percent(number: &str, lang: &str) -> String {
    if lang.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("en")) {
        format!("{number}%")
    } else {
        format!("{number}\u{a0}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn features(values: &[serde_json::Value]) -> Vec<Feature> {
        values
            .iter()
            .map(|v| Feature {
                id: None,
                geometry: None,
                properties: v.as_object().cloned().unwrap_or_default(),
                solid: None,
            })
            .collect()
    }

    fn quarters() -> Vec<Feature> {
        features(&[
            json!({"name": "Altona-Altstadt", "district": "Altona", "kids": 1500, "rate": 2.25}),
            json!({"name": "Ottensen", "district": "Altona", "kids": "2500", "rate": 4.5}),
            json!({"name": "Bergedorf", "district": "Bergedorf", "kids": 1000, "rate": null}),
            json!({"name": "Bergedorf", "district": "Bergedorf", "kids": 1000}),
        ])
    }

    fn eval(text: &str, lang: &str) -> Result<String, FigureError> {
        Figure::parse(text)
            .unwrap()
            .evaluate(&quarters(), lang, &BTreeMap::new())
    }

    #[test]
    fn every_measure_computes_and_formats_for_the_language() {
        let cases = [
            ("{= count quarters}", "4"),
            ("{= count quarters where district == \"Altona\"}", "2"),
            ("{= sum quarters.kids}", "6.000"),
            ("{= sum quarters.kids, 1 decimal}", "6.000,0"),
            ("{= min quarters.kids}", "1.000"),
            ("{= max quarters.kids}", "2.500"),
            ("{= mean quarters.rate}", "3,4"),
            ("{= mean quarters.rate, 3 decimals}", "3,375"),
            ("{= median quarters.kids}", "1.250"),
            ("{= median quarters.kids where kids > 1000}", "2.000"),
            ("{= share quarters where district == 'Altona'}", "50\u{a0}%"),
            ("{= quarters.district of \"Ottensen\"}", "Altona"),
            ("{= quarters.kids of \"Bergedorf\"}", "1.000"),
            ("{= quarters.name with max kids}", "Ottensen"),
            (
                "{= quarters.name with min rate where district == \"Altona\"}",
                "Altona-Altstadt",
            ),
            ("{=count   quarters  where kids>=1500 ,0 decimals }", "2"),
        ];
        for (text, want) in cases {
            assert_eq!(eval(text, "de").as_deref(), Ok(want), "{text}");
        }
        assert_eq!(eval("{= sum quarters.kids}", "en").as_deref(), Ok("6,000"));
        assert_eq!(eval("{= mean quarters.rate}", "en").as_deref(), Ok("3.4"));
    }

    #[test]
    fn categories_name_text_values() {
        let names = BTreeMap::from([("Altona".to_string(), "Bezirk Altona".to_string())]);
        let f = Figure::parse("{= quarters.district of \"Ottensen\"}").unwrap();
        assert_eq!(
            f.evaluate(&quarters(), "de", &names).unwrap(),
            "Bezirk Altona"
        );
    }

    #[test]
    fn data_problems_say_what_is_wrong() {
        let e = eval("{= sum quarters.kinds}", "de").unwrap_err();
        assert!(
            matches!(&e, FigureError::UnknownField { field, help } if field.name == "kinds" && field.at == 16 && help.as_deref() == Some("did you mean `kids`?")),
            "{e:?}"
        );
        let e = eval("{= count quarters where distict == 'x'}", "de").unwrap_err();
        assert!(
            matches!(&e, FigureError::UnknownField { field, .. } if field.at == 24),
            "{e:?}"
        );
        let e = eval("{= count quarters where district == \"Bergedorff\"}", "de").unwrap_err();
        assert!(
            matches!(&e, FigureError::Empty { help: Some(h), .. } if h == "did you mean `Bergedorf`?"),
            "{e:?}"
        );
        let e = eval(
            "{= median quarters.rate where district == \"Bergedorf\"}",
            "de",
        )
        .unwrap_err();
        assert!(
            matches!(&e, FigureError::Empty { message, .. } if message.contains("no feature")),
            "{e:?}"
        );
        let e = eval("{= quarters.kids of \"Otensen\"}", "de").unwrap_err();
        assert!(
            matches!(&e, FigureError::Name { help: Some(h), .. } if h == "did you mean `Ottensen`?"),
            "{e:?}"
        );
        let e = eval("{= quarters.rate of \"Bergedorf\"}", "de").unwrap_err();
        assert!(matches!(&e, FigureError::Empty { .. }), "{e:?}");
        let e = eval("{= sum quarters.name}", "de").unwrap_err();
        assert!(
            matches!(&e, FigureError::NotNumeric { field, .. } if field == "name"),
            "{e:?}"
        );
    }

    #[test]
    fn several_features_with_one_name_must_agree() {
        let mut q = quarters();
        q[3].properties.insert("kids".into(), json!(7));
        let f = Figure::parse("{= quarters.kids of \"Bergedorf\"}").unwrap();
        let e = f.evaluate(&q, "de", &BTreeMap::new()).unwrap_err();
        assert!(
            matches!(&e, FigureError::Name { message, .. } if message.starts_with("2 features")),
            "{e:?}"
        );
    }

    #[test]
    fn syntax_errors_point_at_the_place() {
        let cases = [
            ("{=}", 0, "empty"),
            ("{= average quarters.kids}", 3, "unknown measure `average`"),
            ("{= cont quarters}", 3, "unknown measure `cont`"),
            ("{= sum quarters}", 7, "needs a field"),
            ("{= count quarters.kids}", 17, "takes no field"),
            ("{= share quarters}", 9, "needs a condition"),
            ("{= quarters}", 3, "say what to compute"),
            ("{= quarters.kids}", 12, "say which feature"),
            ("{= quarters.kids of Altona}", 20, "in quotes"),
            ("{= quarters.kids with most rate}", 22, "`max` or `min`"),
            ("{= count quarters where kids = 1}", 29, "`==`"),
            ("{= count quarters where}", 23, "empty"),
            ("{= count quarters, two decimals}", 19, "decimals"),
            ("{= count quarters foo}", 18, "unexpected `f`"),
            ("{= sum quarters.`a b}", 16, "never closed"),
            ("{= quarters.kids of \"A\" where a > 1}", 24, "no `where`"),
        ];
        for (text, at, message) in cases {
            let e = Figure::parse(text).unwrap_err();
            assert!(e.message.contains(message), "{text}: {e:?}");
            assert_eq!(e.at, at, "{text}: {e:?}");
        }
    }

    #[test]
    fn fields_are_listed_with_their_places() {
        let f = Figure::parse("{= sum q.`Unter 18` where a > 1 and b == 'x'}").unwrap();
        let got: Vec<(String, usize)> = f.fields().into_iter().map(|p| (p.name, p.at)).collect();
        assert_eq!(
            got,
            [
                ("Unter 18".to_string(), 9),
                ("a".into(), 26),
                ("b".into(), 36)
            ]
        );
    }

    #[test]
    fn the_closing_brace_is_the_first_outside_quotes() {
        assert_eq!(closing_brace("{= count q where n == \"}\"} x"), Some(25));
        assert_eq!(closing_brace("{= count q"), None);
    }
}
