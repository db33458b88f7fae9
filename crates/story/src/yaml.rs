//! A YAML tree with positions: serde-saphyr parses, we walk and check.
//!
//! Checking a generic tree (instead of deserialising straight into typed
//! structs) lets the parser report every unknown field and wrong type in one
//! run, not only the first one serde stops at.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A YAML node with its position in the YAML text (1-based, in characters).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// What the node holds.
    pub kind: Kind,
    /// 1-based line in the YAML text.
    pub line: usize,
    /// 1-based column (characters) in the YAML text.
    pub column: usize,
    /// Length in characters (at least 1).
    pub len: usize,
}

/// The value of a YAML node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// `~`, `null` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction (or too large for `i64`).
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, keys in file order.
    Map(Vec<(Node, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Kind>::deserialize(d)?;
        let loc = s.referenced;
        Ok(Node {
            kind: s.value,
            line: usize::try_from(loc.line()).unwrap_or(usize::MAX).max(1),
            column: usize::try_from(loc.column()).unwrap_or(usize::MAX).max(1),
            len: usize::try_from(loc.span().len()).unwrap_or(1).max(1),
        })
    }
}

impl Node {
    /// The node as JSON (for settings that the model's own serde code reads).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(i) => Value::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| {
                        let key = match &k.kind {
                            Kind::Str(s) => s.clone(),
                            other => format!("{other:?}"),
                        };
                        (key, v.to_json())
                    })
                    .collect(),
            ),
        }
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Kind, E> {
        Ok(Kind::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Kind, E> {
        Ok(Kind::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Kind, E> {
        Ok(i64::try_from(v).map_or(Kind::Float(v as f64), Kind::Int))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Kind, E> {
        Ok(i64::try_from(v).map_or(Kind::Float(v as f64), Kind::Int))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Kind, E> {
        Ok(i64::try_from(v).map_or(Kind::Float(v as f64), Kind::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Kind, E> {
        Ok(Kind::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Kind, E> {
        Ok(Kind::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Kind, E> {
        Ok(Kind::Str(v))
    }
    fn visit_char<E: de::Error>(self, v: char) -> Result<Kind, E> {
        Ok(Kind::Str(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Kind, D::Error> {
        d.deserialize_any(KindVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Kind::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(Kind::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KindVisitor)
    }
}

/// A YAML problem with its position in the YAML text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YamlError {
    /// What went wrong, in serde-saphyr's words.
    pub message: String,
    /// 1-based line, when known.
    pub line: usize,
    /// 1-based column, when known.
    pub column: usize,
    /// What kind of problem it is.
    pub kind: YamlErrorKind,
    /// For a key written twice: its length in characters, and where it is
    /// written first (line, column).
    pub twice: Option<(usize, usize, usize)>,
}

/// Broad classes of YAML problems, for the diagnostic code and help text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YamlErrorKind {
    /// The text is not valid YAML.
    Syntax,
    /// A key appears twice in one mapping.
    DuplicateKey,
    /// Too many nodes, aliases or nesting levels.
    Limit,
}

/// Parses YAML text into a tree; an empty text gives `Kind::Null`.
///
/// A key written twice in one mapping does not stop the reading: the first
/// one is kept, every later one is left out of the tree and returned as a
/// `DuplicateKey` problem, so the rest is still checked.
pub(crate) fn parse(text: &str) -> Result<(Node, Vec<YamlError>), YamlError> {
    let mut opts = serde_saphyr::Options::default();
    opts.with_snippet = false;
    opts.duplicate_keys = serde_saphyr::options::DuplicateKeyPolicy::PassThrough;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 16;
    // 25,000 values: thirty times the largest front matter of the example
    // stories (about 750). An alias bomb is refused after this many, and
    // the sooner the better: at 250,000 it took 0.9 s in the fuzz build,
    // which the fuzzer, on a loaded machine, took for a hang.
    budget.max_nodes = 25_000;
    opts.budget = Some(budget);
    match serde_saphyr::from_str_with_options::<Option<Node>>(text, opts) {
        Ok(Some(mut n)) => {
            let mut twice = Vec::new();
            keep_first_keys(&mut n, &mut twice);
            twice.sort_by_key(|e: &YamlError| (e.line, e.column));
            Ok((n, twice))
        }
        Ok(None) => Ok((
            Node {
                kind: Kind::Null,
                line: 1,
                column: 1,
                len: 1,
            },
            Vec::new(),
        )),
        Err(e) => Err(convert_error(&e)),
    }
}

/// Leaves every key that a mapping already has out of it, throughout the
/// tree, and says where each was written.
fn keep_first_keys(node: &mut Node, twice: &mut Vec<YamlError>) {
    match &mut node.kind {
        Kind::Seq(items) => items.iter_mut().for_each(|n| keep_first_keys(n, twice)),
        Kind::Map(entries) => {
            let mut kept: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
            for (k, mut v) in std::mem::take(entries) {
                if let Some((first, _)) = kept.iter().find(|(f, _)| f.kind == k.kind) {
                    let name = match &k.kind {
                        Kind::Str(s) => s.clone(),
                        Kind::Int(i) => i.to_string(),
                        Kind::Float(f) => f.to_string(),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Null => "~".to_owned(),
                        Kind::Seq(_) | Kind::Map(_) => "…".to_owned(),
                    };
                    twice.push(YamlError {
                        message: name,
                        line: k.line,
                        column: k.column,
                        kind: YamlErrorKind::DuplicateKey,
                        twice: Some((k.len, first.line, first.column)),
                    });
                    continue;
                }
                keep_first_keys(&mut v, twice);
                kept.push((k, v));
            }
            *entries = kept;
        }
        _ => {}
    }
}

fn convert_error(e: &serde_saphyr::Error) -> YamlError {
    use serde_saphyr::MessageFormatter;
    let message = serde_saphyr::UserMessageFormatter
        .format_message(e)
        .into_owned();
    let (line, column) = e
        .location()
        .map(|l| {
            (
                usize::try_from(l.line()).unwrap_or(1).max(1),
                usize::try_from(l.column()).unwrap_or(1).max(1),
            )
        })
        .unwrap_or((1, 1));
    let kind = match e {
        serde_saphyr::Error::DuplicateMappingKey { .. } => YamlErrorKind::DuplicateKey,
        serde_saphyr::Error::Budget { .. }
        | serde_saphyr::Error::AliasReplayLimitExceeded { .. }
        | serde_saphyr::Error::AliasExpansionLimitExceeded { .. }
        | serde_saphyr::Error::AliasReplayStackDepthExceeded { .. }
        | serde_saphyr::Error::AliasReplayCounterOverflow { .. } => YamlErrorKind::Limit,
        _ if message.contains("too large or too complex") || message.contains("limit") => {
            YamlErrorKind::Limit
        }
        _ if message.contains("duplicate mapping key") => YamlErrorKind::DuplicateKey,
        _ => YamlErrorKind::Syntax,
    };
    YamlError {
        message,
        line,
        column,
        kind,
        twice: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for depth in [17, 200, 100_000] {
            let flow = format!("a: {}{}\n", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(
                parse(&flow).unwrap_err().kind,
                YamlErrorKind::Limit,
                "{depth}"
            );
            let mut block = String::new();
            for i in 0..depth.min(2000) {
                block.push_str(&" ".repeat(i));
                block.push_str("- \n");
            }
            assert_eq!(
                parse(&block).unwrap_err().kind,
                YamlErrorKind::Limit,
                "{depth}"
            );
        }
        assert!(parse("a: [[[[[[1]]]]]]\n").is_ok());
    }

    #[test]
    fn keeps_positions_and_kinds() {
        let (n, twice) = parse("view: {zoom: thirteen}\n").unwrap();
        assert!(twice.is_empty());
        let Kind::Map(e) = &n.kind else { panic!() };
        let Kind::Map(v) = &e[0].1.kind else { panic!() };
        assert_eq!(v[0].1.kind, Kind::Str("thirteen".into()));
        assert_eq!((v[0].1.line, v[0].1.column, v[0].1.len), (1, 14, 8));
    }
}
