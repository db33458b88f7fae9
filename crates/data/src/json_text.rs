//! Parsing JSON text into a `serde_json::Value` tree, strictly and with
//! author-facing syntax errors.
//!
//! Duplicate object members are an error here: RFC 8259 leaves their meaning
//! open, and a file with two `"type"` members means different things to
//! different tools (I-JSON, RFC 7493, forbids them).

use crate::{DataError, Position};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// A `Value` whose objects had no duplicate member names.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(StrictValue(x)) = seq.next_element()? {
            v.push(x);
        }
        Ok(Value::Array(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut m = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if m.contains_key(&key) {
                return Err(de::Error::custom(format_args!(
                    "the member \"{key}\" appears twice in the same object"
                )));
            }
            let StrictValue(v) = map.next_value()?;
            m.insert(key, v);
        }
        Ok(Value::Object(m))
    }
}

/// Parses JSON text, rejecting duplicate members; errors carry line:column.
pub(crate) fn parse_json(file: &str, bytes: &[u8]) -> Result<Value, DataError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DataError::new(
            file,
            None,
            "the file is empty",
            Some("a GeoJSON or Overpass file starts with `{`".into()),
        ));
    }
    match serde_json::from_slice::<StrictValue>(body) {
        Ok(StrictValue(v)) => Ok(v),
        Err(e) => Err(syntax_error(file, body, &e)),
    }
}

fn syntax_error(file: &str, body: &[u8], e: &serde_json::Error) -> DataError {
    let raw = e.to_string();
    // serde_json appends " at line L column C"; the position goes in its own field.
    let text = match raw.rfind(" at line ") {
        Some(i) => &raw[..i],
        None => raw.as_str(),
    };
    let (message, hint) = if e.is_eof() {
        (
            "the file ends in the middle of a JSON value".to_string(),
            "the file is probably cut off; download or export it again",
        )
    } else if text.starts_with("the member ") {
        (text.to_string(), "keep only one of them")
    } else if text == "expected value" {
        (
            "expected a JSON value here (a number, string, array, object, true, false or null)"
                .to_string(),
            "check for a stray or missing character just before this point",
        )
    } else if text.starts_with("expected `,`") {
        (
            format!("invalid JSON: {text}"),
            "a comma is probably missing between two members or array elements",
        )
    } else if text.starts_with("trailing") {
        (
            format!("invalid JSON: {text} after the end of the top-level value"),
            "a file must hold exactly one JSON value; remove what follows it",
        )
    } else if text.starts_with("recursion limit") {
        (
            "the JSON is nested too deeply (more than 128 levels)".to_string(),
            "no GeoJSON or Overpass file needs this much nesting; check how it was made",
        )
    } else {
        (
            format!("invalid JSON: {text}"),
            "fix the JSON syntax at this point",
        )
    };
    let line = e.line().max(1);
    let column = char_column(body, line, e.column());
    DataError::new(
        file,
        Some(Position::LineColumn { line, column }),
        message,
        Some(hint.to_string()),
    )
}

/// Converts serde_json's byte column into a 1-based character column.
fn char_column(body: &[u8], line: usize, byte_col: usize) -> usize {
    let mut start = 0;
    let mut seen = 1;
    for (i, b) in body.iter().enumerate() {
        if seen == line {
            break;
        }
        if *b == b'\n' {
            seen += 1;
            start = i + 1;
        }
    }
    let end = (start + byte_col).min(body.len());
    let chars = String::from_utf8_lossy(&body[start..end]).chars().count();
    chars.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_members_are_an_error_with_position() {
        let e = parse_json("a.json", b"{\n \"type\": 1,\n \"type\": 2}").unwrap_err();
        assert!(e.message.contains("\"type\" appears twice"), "{e}");
        assert!(
            matches!(e.position, Some(Position::LineColumn { line: 3, .. })),
            "{e}"
        );
    }

    #[test]
    fn truncated_file_says_so() {
        let e = parse_json("a.json", b"{\"type\": \"Fea").unwrap_err();
        assert!(e.message.contains("ends in the middle"), "{e}");
        assert!(!e.to_string().contains("EOF"), "{e}");
    }
}
