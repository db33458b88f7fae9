//! Computed fields: small arithmetic over feature properties, such as
//! ``points_of_interest / `Unter 18-Jährige` * 1000`` or a share of the total,
//! `value / sum(value) * 100`.
//!
//! Field names are bare identifiers (`letters, digits, _`) or written in
//! backticks when they contain spaces or other characters. `sum(field)` is
//! the total of that field over all features. A missing or non-numeric
//! operand, or a division by zero, gives `null` rather than a wrong number.

use crate::number::number_value;
use crate::{Dataset, Feature};
use serde_json::{Map, Value};
use twinstory_model::decimal::parse_f64;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Number(f64),
    Field(String),
    Sum(String),
    Neg(Box<Expr>),
    Binary(Box<Expr>, char, Box<Expr>),
}

/// Why an expression could not be read, with the character offset.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpressionError {
    /// 1-based character column in the expression.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ExpressionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn err<T>(&self, message: impl Into<String>) -> Result<T, ExpressionError> {
        Err(ExpressionError {
            column: self.pos + 1,
            message: message.into(),
        })
    }
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }
    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).copied()
    }
    fn expr(&mut self) -> Result<Expr, ExpressionError> {
        let mut left = self.term()?;
        while let Some(op @ ('+' | '-')) = self.peek() {
            self.pos += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.term()?));
        }
        Ok(left)
    }
    fn term(&mut self) -> Result<Expr, ExpressionError> {
        let mut left = self.factor()?;
        while let Some(op @ ('*' | '/')) = self.peek() {
            self.pos += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.factor()?));
        }
        Ok(left)
    }
    fn factor(&mut self) -> Result<Expr, ExpressionError> {
        match self.peek() {
            Some('-') => {
                self.pos += 1;
                Ok(Expr::Neg(Box::new(self.factor()?)))
            }
            Some('(') => {
                self.pos += 1;
                let e = self.expr()?;
                if self.peek() != Some(')') {
                    return self.err("expected `)`");
                }
                self.pos += 1;
                Ok(e)
            }
            Some('`') => Ok(Expr::Field(self.quoted()?)),
            Some(c) if c.is_ascii_digit() => {
                let start = self.pos;
                while self
                    .chars
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_digit() || *c == '.')
                {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                match parse_f64(&text) {
                    Some(v) => Ok(Expr::Number(v)),
                    None => {
                        self.pos = start;
                        self.err(format!("`{text}` is not a number"))
                    }
                }
            }
            Some(c) if c.is_alphabetic() || c == '_' => {
                let name = self.identifier();
                if name == "sum" && self.peek() == Some('(') {
                    self.pos += 1;
                    let field = match self.peek() {
                        Some('`') => self.quoted()?,
                        Some(c) if c.is_alphabetic() || c == '_' => self.identifier(),
                        _ => return self.err("`sum(…)` takes a field name"),
                    };
                    if self.peek() != Some(')') {
                        return self.err("expected `)` after the field name");
                    }
                    self.pos += 1;
                    return Ok(Expr::Sum(field));
                }
                Ok(Expr::Field(name))
            }
            Some(c) => self.err(format!(
                "unexpected `{c}`; write a number, a field name or `(`"
            )),
            None => self.err("the expression ends too early"),
        }
    }
    fn identifier(&mut self) -> String {
        let start = self.pos;
        while self
            .chars
            .get(self.pos)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }
    fn quoted(&mut self) -> Result<String, ExpressionError> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        while self.chars.get(self.pos).is_some_and(|c| *c != '`') {
            self.pos += 1;
        }
        if self.pos >= self.chars.len() {
            self.pos = open;
            return self.err("this field name's backtick is never closed");
        }
        let name = self.chars[start..self.pos].iter().collect();
        self.pos += 1;
        Ok(name)
    }
}

/// A condition on a feature's properties, such as `playgrounds >= 10`,
/// `name == "Altona-Altstadt"` or `a > 1 and (b < 3 or not c == 0)`.
///
/// Comparisons are `==`, `!=`, `<`, `<=`, `>`, `>=` between field names,
/// numbers, arithmetic (`kids / area > 100`) and text in double or single
/// quotes; they combine with `and`, `or`, `not` and parentheses. A field a
/// feature does not have (or that is `null`) makes every comparison with it
/// false, so a missing value is never "highlighted" by accident. Text that
/// looks like a number compares as a number with numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    source: String,
    node: Cond,
}

#[derive(Debug, Clone, PartialEq)]
enum Cond {
    Compare(Operand, Cmp, Operand),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Text(String),
    Expr(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Parser {
    fn keyword(&mut self, word: &str) -> bool {
        self.skip_ws();
        let n = word.chars().count();
        let matches = self
            .chars
            .get(self.pos..self.pos + n)
            .is_some_and(|w| w.iter().copied().eq(word.chars()));
        let boundary = !self
            .chars
            .get(self.pos + n)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_');
        if matches && boundary {
            self.pos += n;
        }
        matches && boundary
    }
    fn cond(&mut self) -> Result<Cond, ExpressionError> {
        let mut left = self.cond_and()?;
        while self.keyword("or") {
            left = Cond::Or(Box::new(left), Box::new(self.cond_and()?));
        }
        Ok(left)
    }
    fn cond_and(&mut self) -> Result<Cond, ExpressionError> {
        let mut left = self.cond_not()?;
        while self.keyword("and") {
            left = Cond::And(Box::new(left), Box::new(self.cond_not()?));
        }
        Ok(left)
    }
    fn cond_not(&mut self) -> Result<Cond, ExpressionError> {
        if self.keyword("not") {
            return Ok(Cond::Not(Box::new(self.cond_not()?)));
        }
        if self.peek() == Some('(') {
            // `(a > 1 or b)` groups conditions, `(a + b) > 1` arithmetic:
            // try the first and fall back to the second.
            let start = self.pos;
            self.pos += 1;
            if let Ok(c) = self.cond() {
                if self.peek() == Some(')') {
                    self.pos += 1;
                    return Ok(c);
                }
            }
            self.pos = start;
        }
        self.comparison()
    }
    fn comparison(&mut self) -> Result<Cond, ExpressionError> {
        let left = self.operand()?;
        let op_start = {
            self.skip_ws();
            self.pos
        };
        let next = |p: &Parser, i: usize| p.chars.get(p.pos + i).copied();
        let (op, len) = match (next(self, 0), next(self, 1)) {
            (Some('='), Some('=')) => (Cmp::Eq, 2),
            (Some('!'), Some('=')) => (Cmp::Ne, 2),
            (Some('<'), Some('=')) => (Cmp::Le, 2),
            (Some('>'), Some('=')) => (Cmp::Ge, 2),
            (Some('<'), _) => (Cmp::Lt, 1),
            (Some('>'), _) => (Cmp::Gt, 1),
            (Some('='), _) => {
                return self.err("write `==` to compare (a single `=` is not a comparison)")
            }
            (None, _) => return self.err(
                "a comparison is missing here: add `==`, `!=`, `<`, `<=`, `>` or `>=` and a value",
            ),
            (Some(c), _) => {
                return self.err(format!(
                    "unexpected `{c}`; expected a comparison such as `==` or `>=`"
                ))
            }
        };
        self.pos = op_start + len;
        let right = self.operand()?;
        Ok(Cond::Compare(left, op, right))
    }
    fn operand(&mut self) -> Result<Operand, ExpressionError> {
        match self.peek() {
            Some(q @ ('"' | '\'')) => {
                let open = self.pos;
                self.pos += 1;
                let start = self.pos;
                while self.chars.get(self.pos).is_some_and(|c| *c != q) {
                    self.pos += 1;
                }
                if self.pos >= self.chars.len() {
                    self.pos = open;
                    return self.err(format!("this text's `{q}` is never closed"));
                }
                let text = self.chars[start..self.pos].iter().collect();
                self.pos += 1;
                Ok(Operand::Text(text))
            }
            _ => {
                let start = self.pos;
                let e = self.expr()?;
                if matches!(&e, Expr::Field(f) if ["and", "or", "not"].contains(&f.as_str())) {
                    self.pos = start;
                    self.skip_ws();
                    return self.err("a field name or value is missing here");
                }
                if contains_sum(&e) {
                    self.pos = start;
                    self.skip_ws();
                    return self.err("`sum(…)` is not available in conditions");
                }
                Ok(Operand::Expr(e))
            }
        }
    }
}

fn contains_sum(e: &Expr) -> bool {
    match e {
        Expr::Sum(_) => true,
        Expr::Neg(x) => contains_sum(x),
        Expr::Binary(a, _, b) => contains_sum(a) || contains_sum(b),
        _ => false,
    }
}

/// A comparable value: a number or a text.
enum Val<'a> {
    Num(f64),
    Text(&'a str),
}

impl Condition {
    /// Parses a condition; the error names the column and what is wrong.
    ///
    /// # Examples
    /// ```
    /// use twinstory_data::Condition;
    /// use serde_json::json;
    /// let c = Condition::parse(r#"playgrounds >= 10 and district == "Altona""#).unwrap();
    /// let props = json!({"playgrounds": 12, "district": "Altona"});
    /// assert!(c.matches(props.as_object().unwrap()));
    /// // A missing field never matches, not even with `!=`.
    /// let c = Condition::parse("kids != 0").unwrap();
    /// assert!(!c.matches(json!({}).as_object().unwrap()));
    /// let e = Condition::parse("playgrounds = 10").unwrap_err();
    /// assert_eq!(e.column, 13);
    /// ```
    pub fn parse(source: &str) -> Result<Self, ExpressionError> {
        let mut p = Parser {
            chars: source.chars().collect(),
            pos: 0,
        };
        if p.peek().is_none() {
            return p.err("the condition is empty; write e.g. `playgrounds >= 10`");
        }
        let node = p.cond()?;
        if let Some(c) = p.peek() {
            return p.err(format!(
                "unexpected `{c}` after a complete condition; join conditions with `and` or `or`"
            ));
        }
        Ok(Self {
            source: source.to_string(),
            node,
        })
    }

    /// The condition as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether a feature with these properties matches.
    pub fn matches(&self, properties: &Map<String, Value>) -> bool {
        eval_cond(&self.node, properties)
    }

    /// The field names the condition reads, in order of appearance.
    pub fn fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        cond_fields(&self.node, &mut out);
        out.dedup();
        out
    }
}

impl std::str::FromStr for Condition {
    type Err = ExpressionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Condition::parse(s)
    }
}

fn cond_fields(c: &Cond, out: &mut Vec<String>) {
    match c {
        Cond::Compare(a, _, b) => {
            for o in [a, b] {
                if let Operand::Expr(e) = o {
                    fields(e, out);
                }
            }
        }
        Cond::And(a, b) | Cond::Or(a, b) => {
            cond_fields(a, out);
            cond_fields(b, out);
        }
        Cond::Not(a) => cond_fields(a, out),
    }
}

fn eval_cond(c: &Cond, props: &Map<String, Value>) -> bool {
    match c {
        Cond::And(a, b) => eval_cond(a, props) && eval_cond(b, props),
        Cond::Or(a, b) => eval_cond(a, props) || eval_cond(b, props),
        Cond::Not(a) => !eval_cond(a, props),
        Cond::Compare(a, op, b) => {
            let (Some(a), Some(b)) = (operand_value(a, props), operand_value(b, props)) else {
                return false;
            };
            let ord = match (&a, &b) {
                (Val::Num(x), Val::Num(y)) => x.partial_cmp(y),
                (Val::Text(x), Val::Text(y)) => Some(x.cmp(y)),
                (Val::Num(x), Val::Text(t)) => text_number(t).and_then(|y| x.partial_cmp(&y)),
                (Val::Text(t), Val::Num(y)) => text_number(t).and_then(|x| x.partial_cmp(y)),
            };
            match (ord, op) {
                (None, Cmp::Ne) => true,
                (None, _) => false,
                (Some(o), Cmp::Eq) => o.is_eq(),
                (Some(o), Cmp::Ne) => o.is_ne(),
                (Some(o), Cmp::Lt) => o.is_lt(),
                (Some(o), Cmp::Le) => o.is_le(),
                (Some(o), Cmp::Gt) => o.is_gt(),
                (Some(o), Cmp::Ge) => o.is_ge(),
            }
        }
    }
}

fn text_number(t: &str) -> Option<f64> {
    parse_f64(t.trim()).filter(|v| v.is_finite())
}

fn operand_value<'a>(o: &'a Operand, props: &'a Map<String, Value>) -> Option<Val<'a>> {
    match o {
        Operand::Text(t) => Some(Val::Text(t)),
        // A bare field keeps its type, so text properties compare as text.
        Operand::Expr(Expr::Field(name)) => match props.get(name)? {
            Value::Number(n) => n.as_f64().map(Val::Num),
            Value::String(s) => Some(Val::Text(s)),
            Value::Bool(b) => Some(Val::Text(if *b { "true" } else { "false" })),
            _ => None,
        },
        Operand::Expr(e) => eval_props(e, props).map(Val::Num),
    }
}

/// Evaluates `sum`-free arithmetic against a property map; numeric text
/// counts as a number (CSV columns are not always typed).
fn eval_props(e: &Expr, props: &Map<String, Value>) -> Option<f64> {
    match e {
        Expr::Number(v) => Some(*v),
        Expr::Field(name) => match props.get(name)? {
            Value::String(s) => text_number(s),
            v => v.as_f64(),
        },
        Expr::Sum(_) => None,
        Expr::Neg(x) => eval_props(x, props).map(|v| -v),
        Expr::Binary(a, op, b) => {
            let (a, b) = (eval_props(a, props)?, eval_props(b, props)?);
            match op {
                '+' => Some(a + b),
                '-' => Some(a - b),
                '*' => Some(a * b),
                _ if b == 0.0 => None,
                _ => Some(a / b),
            }
        }
    }
}

fn parse(src: &str) -> Result<Expr, ExpressionError> {
    let mut p = Parser {
        chars: src.chars().collect(),
        pos: 0,
    };
    let e = p.expr()?;
    if let Some(c) = p.peek() {
        return p.err(format!("unexpected `{c}` after a complete expression"));
    }
    Ok(e)
}

fn fields(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Number(_) => {}
        Expr::Field(f) | Expr::Sum(f) => out.push(f.clone()),
        Expr::Neg(x) => fields(x, out),
        Expr::Binary(a, _, b) => {
            fields(a, out);
            fields(b, out);
        }
    }
}

fn numeric(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
}

fn eval(e: &Expr, f: &Feature, sums: &dyn Fn(&str) -> Option<f64>) -> Option<f64> {
    match e {
        Expr::Number(v) => Some(*v),
        Expr::Field(name) => numeric(f.properties.get(name)),
        Expr::Sum(name) => sums(name),
        Expr::Neg(x) => eval(x, f, sums).map(|v| -v),
        Expr::Binary(a, op, b) => {
            let (a, b) = (eval(a, f, sums)?, eval(b, f, sums)?);
            match op {
                '+' => Some(a + b),
                '-' => Some(a - b),
                '*' => Some(a * b),
                _ if b == 0.0 => None,
                _ => Some(a / b),
            }
        }
    }
}

/// Adds the property `name` to every feature, computed from `expression`.
///
/// Returns the fields the expression uses that no feature has, so a caller
/// can point out a misspelt name.
///
/// # Examples
/// ```
/// use twinstory_data::{compute_field, Dataset, Feature};
/// use serde_json::json;
/// let mut d = Dataset::default();
/// for (kids, playgrounds) in [(162, 2), (0, 1)] {
///     let properties = json!({"kids": kids, "playgrounds": playgrounds});
///     let properties = properties.as_object().unwrap().clone();
///     d.features.push(Feature { id: None, geometry: None, properties, solid: None });
/// }
/// compute_field(&mut d, "per_1000", "playgrounds / kids * 1000").unwrap();
/// let v = d.features[0].properties["per_1000"].as_f64().unwrap();
/// assert!((v - 12.345679).abs() < 1e-6);
/// // Division by zero gives null, not infinity.
/// assert!(d.features[1].properties["per_1000"].is_null());
/// ```
pub fn compute_field(
    dataset: &mut Dataset,
    name: &str,
    expression: &str,
) -> Result<Vec<String>, ExpressionError> {
    let expr = parse(expression)?;
    let mut used = Vec::new();
    fields(&expr, &mut used);
    let unknown: Vec<String> = used
        .into_iter()
        .filter(|u| {
            !dataset
                .features
                .iter()
                .any(|f| f.properties.contains_key(u))
        })
        .collect();
    let mut totals: Vec<(String, Option<f64>)> = Vec::new();
    let mut sums = Vec::new();
    fields_of_sums(&expr, &mut sums);
    for s in sums {
        let values: Vec<f64> = dataset
            .features
            .iter()
            .filter_map(|f| numeric(f.properties.get(&s)))
            .collect();
        totals.push((s, (!values.is_empty()).then(|| values.iter().sum())));
    }
    let lookup = |n: &str| totals.iter().find(|(k, _)| k == n).and_then(|(_, v)| *v);
    let results: Vec<Value> = dataset
        .features
        .iter()
        .map(|f| {
            eval(&expr, f, &lookup)
                .filter(|v| v.is_finite())
                .map_or(Value::Null, number_value)
        })
        .collect();
    for (f, v) in dataset.features.iter_mut().zip(results) {
        f.properties.insert(name.to_string(), v);
    }
    Ok(unknown)
}

fn fields_of_sums(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Sum(f) => out.push(f.clone()),
        Expr::Neg(x) => fields_of_sums(x, out),
        Expr::Binary(a, _, b) => {
            fields_of_sums(a, out);
            fields_of_sums(b, out);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dataset(values: &[Value]) -> Dataset {
        Dataset {
            features: values
                .iter()
                .map(|v| Feature {
                    id: None,
                    geometry: None,
                    properties: v.as_object().cloned().unwrap_or_default(),
                    solid: None,
                })
                .collect(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn precedence_quoted_names_and_share_of_total() {
        let mut d = dataset(&[json!({"a b": 1, "v": 30}), json!({"a b": 3, "v": 10})]);
        compute_field(&mut d, "x", "2 + `a b` * 3 - (1)").unwrap();
        assert_eq!(d.features[1].properties["x"], json!(10));
        compute_field(&mut d, "share", "v / sum(v) * 100").unwrap();
        assert_eq!(d.features[0].properties["share"], json!(75));
    }

    #[test]
    fn errors_point_at_the_column() {
        let e = parse("a * * b").unwrap_err();
        assert_eq!(e.column, 5);
        assert!(parse("`open").unwrap_err().message.contains("never closed"));
    }

    #[test]
    fn unknown_fields_are_reported_and_give_null() {
        let mut d = dataset(&[json!({"v": 1})]);
        let unknown = compute_field(&mut d, "x", "v / w").unwrap();
        assert_eq!(unknown, vec!["w".to_string()]);
        assert!(d.features[0].properties["x"].is_null());
    }

    fn props(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn conditions_compare_numbers_text_and_combine() {
        let p =
            props(json!({"playgrounds": 10, "name": "Altona-Altstadt", "kids": "162", "area": 2}));
        let yes = [
            "playgrounds >= 10",
            r#"name == "Altona-Altstadt""#,
            "name == 'Altona-Altstadt'",
            "playgrounds > 1 and kids < 200",
            "kids / area == 81",
            "(playgrounds + 1) > 10",
            "not (playgrounds < 10 or name == \"x\")",
            "kids == 162",
            "playgrounds < 5 or playgrounds == 10 and name != \"x\"",
        ];
        for c in yes {
            assert!(Condition::parse(c).unwrap().matches(&p), "{c}");
        }
        let no = [
            "playgrounds > 10",
            r#"name == "Altona""#,
            "missing == 0",
            "missing != 0",
            "not playgrounds >= 10",
        ];
        for c in no {
            assert!(!Condition::parse(c).unwrap().matches(&p), "{c}");
        }
    }

    #[test]
    fn condition_errors_say_where_and_what() {
        let cases = [
            ("playgrounds = 10", 13, "`==`"),
            ("playgrounds >=", 15, "ends too early"),
            ("a > 1 b < 3", 7, "`and` or `or`"),
            ("name == \"Altona", 9, "never closed"),
            ("playgrounds", 12, "comparison is missing"),
            ("", 1, "empty"),
            ("a > 1 and", 10, "ends too early"),
            ("sum(a) > 1", 1, "not available"),
        ];
        for (src, column, message) in cases {
            let e = Condition::parse(src).unwrap_err();
            assert_eq!(e.column, column, "{src}: {e}");
            assert!(e.message.contains(message), "{src}: {e}");
        }
    }

    #[test]
    fn condition_fields_are_listed_once() {
        let c = Condition::parse("a > 1 and (a < 5 or `b c` == 'x')").unwrap();
        assert_eq!(c.fields(), ["a", "b c"]);
    }
}
