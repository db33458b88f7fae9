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
use serde_json::Value;

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
                match text.parse() {
                    Ok(v) => Ok(Expr::Number(v)),
                    Err(_) => {
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
///     d.features.push(Feature { id: None, geometry: None, properties });
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
}
