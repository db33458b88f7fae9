//! JSON text to a `serde_json::Value`, as `serde_json::from_slice::<Value>`
//! reads it: the same grammar (RFC 8259, nothing more: no comments, no
//! trailing commas, no `NaN`), the same values (`u64`, then `i64`, then
//! `f64` numbers, `-0` as a float, later keys replacing earlier ones), the
//! same depth limit (127 nested lists or objects) and the same kind of
//! message at the same place (`expected value at line 1 column 5`; only
//! "number out of range" is placed at the number's end, where serde_json
//! may place it inside a long exponent).
//!
//! **Why it exists:** the player's base module reads every JSON (story.json,
//! the packed layers' property tables, the story compiler's answer) into a
//! `Value`. serde_json's parser is generic code built for its `Deserializer`
//! (about 9 KB of code in the base) and reads numbers with its own float
//! algorithm, whose table of 309 powers of ten (2.5 KB) gzip cannot shrink.
//! This reader is a few hundred lines with [`crate::decimal::parse_f64`] for
//! numbers, so a number's value is the correctly rounded one (serde_json's
//! default may be one unit in the last place off for numbers of more than 15
//! digits; its `float_roundtrip` feature agrees with this reader). The
//! crate's tests compare it with serde_json on every JSON file of the
//! repository, on generated documents and on malformed texts
//! (`tests/json_syntax.rs`). The `Value` type itself stays serde_json's.

use std::fmt;

use serde_json::{Map, Number, Value};

/// A text that is not JSON: what is wrong and where (1-based line and
/// column, in bytes, as serde_json counts them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong, in serde_json's words (`"expected value"`).
    pub message: &'static str,
    /// The line of the byte where reading stopped (from 1).
    pub line: usize,
    /// The column of that byte (from 1; 0 when it is a line's end).
    pub column: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for SyntaxError {}

/// Reads one JSON value from `text` (whitespace around it allowed).
///
/// # Examples
/// ```
/// use twinstory_model::json_syntax::parse;
/// let v = parse(br#"{"a": [1, -2, 2.5, "x\u00e9"], "b": null}"#).unwrap();
/// assert_eq!(v["a"][0].as_u64(), Some(1));
/// assert_eq!(v["a"][1].as_i64(), Some(-2));
/// assert_eq!(v["a"][2].as_f64(), Some(2.5));
/// assert_eq!(v["a"][3], "xé");
/// assert_eq!(
///     parse(b"[1,]").unwrap_err().to_string(),
///     "trailing comma at line 1 column 4"
/// );
/// assert!(parse(b"01").is_err());
/// ```
pub fn parse(text: &[u8]) -> Result<Value, SyntaxError> {
    let mut p = Parser { b: text, i: 0 };
    let value = p.value(DEPTH).and_then(|v| {
        p.space();
        match p.peek() {
            None => Ok(v),
            Some(_) => p.fail("trailing characters"),
        }
    });
    value.map_err(|message| p.error(message))
}

/// serde_json's depth budget: the 128th nested list or object is refused.
const DEPTH: u32 = 127;

/// A reader's place in the text; every method returns serde_json's message
/// for what it found wrong, and [`Parser::error`] adds the place.
struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

type Step<T> = Result<T, &'static str>;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// The place of the byte before `self.i` (the last one read), as
    /// serde_json reports it.
    fn error(&self, message: &'static str) -> SyntaxError {
        let read = &self.b[..self.i.min(self.b.len())];
        let line = 1 + read.iter().filter(|&&c| c == b'\n').count();
        let column = read.len() - read.iter().rposition(|&c| c == b'\n').map_or(0, |n| n + 1);
        SyntaxError {
            message,
            line,
            column,
        }
    }

    /// Reads the next byte and fails with `message`: serde_json places
    /// such errors after the byte it found (or at the text's end).
    fn fail<T>(&mut self, message: &'static str) -> Step<T> {
        self.i += 1;
        Err(message)
    }

    fn value(&mut self, depth: u32) -> Step<Value> {
        self.space();
        let Some(c) = self.peek() else {
            return Err("EOF while parsing a value");
        };
        self.i += 1;
        Ok(match c {
            b'"' => Value::String(self.string()?),
            b'[' | b'{' => {
                if depth == 0 {
                    return Err("recursion limit exceeded");
                }
                if c == b'[' {
                    self.list(depth - 1)?
                } else {
                    self.object(depth - 1)?
                }
            }
            b't' => self.word(b"rue", Value::Bool(true))?,
            b'f' => self.word(b"alse", Value::Bool(false))?,
            b'n' => self.word(b"ull", Value::Null)?,
            b'-' | b'0'..=b'9' => {
                self.i -= 1;
                Value::Number(self.number()?)
            }
            _ => return Err("expected value"),
        })
    }

    /// The rest of `true`, `false` or `null`.
    fn word(&mut self, rest: &[u8], v: Value) -> Step<Value> {
        for &want in rest {
            match self.peek() {
                Some(c) if c == want => self.i += 1,
                Some(_) => return self.fail("expected ident"),
                None => return Err("EOF while parsing a value"),
            }
        }
        Ok(v)
    }

    /// The items after `[`, up to and with `]`.
    fn list(&mut self, depth: u32) -> Step<Value> {
        let mut items = Vec::new();
        while self.next_item(
            b']',
            "EOF while parsing a list",
            "expected `,` or `]`",
            items.is_empty(),
        )? {
            items.push(self.value(depth)?);
        }
        Ok(Value::Array(items))
    }

    /// The members after `{`, up to and with `}`.
    fn object(&mut self, depth: u32) -> Step<Value> {
        let mut map = Map::new();
        let mut first = true;
        while self.next_item(
            b'}',
            "EOF while parsing an object",
            "expected `,` or `}`",
            first,
        )? {
            first = false;
            if self.peek() != Some(b'"') {
                return self.fail("key must be a string");
            }
            self.i += 1;
            let key = self.string()?;
            self.space();
            match self.peek() {
                Some(b':') => self.i += 1,
                Some(_) => return self.fail("expected `:`"),
                None => return Err("EOF while parsing an object"),
            }
            let value = self.value(depth)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }

    /// Whether another item follows in a list or object (`close` ends it):
    /// the first needs nothing before it, every other a `,`; a `,` before
    /// `close` is refused. Stops at the item's first byte.
    fn next_item(
        &mut self,
        close: u8,
        eof: &'static str,
        other: &'static str,
        first: bool,
    ) -> Step<bool> {
        self.space();
        match self.peek() {
            None => Err(eof),
            Some(c) if c == close => {
                self.i += 1;
                Ok(false)
            }
            Some(_) if first => Ok(true),
            Some(b',') => {
                self.i += 1;
                self.space();
                match self.peek() {
                    Some(c) if c == close => self.fail("trailing comma"),
                    Some(_) => Ok(true),
                    None => Err("EOF while parsing a value"),
                }
            }
            Some(_) => self.fail(other),
        }
    }

    /// A string's text after its `"`, up to and with the closing `"`.
    fn string(&mut self) -> Step<String> {
        let mut out = Vec::new();
        loop {
            let start = self.i;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.extend_from_slice(&self.b[start..self.i]);
            let Some(c) = self.peek() else {
                return Err("EOF while parsing a string");
            };
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err("EOF while parsing a string");
                    };
                    self.i += 1;
                    let simple = match e {
                        b'"' | b'\\' | b'/' => e,
                        b'b' => 8,
                        b'f' => 12,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            let c = self.escaped_char()?;
                            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                            continue;
                        }
                        _ => return Err("invalid escape"),
                    };
                    out.push(simple);
                }
                _ => {
                    return Err("control character (\\u0000-\\u001F) found while parsing a string")
                }
            }
        }
        String::from_utf8(out).map_err(|e| {
            // serde_json points back from the closing quote by the bytes
            // from the first bad one on (of the text read, escapes decoded).
            let bytes = e.as_bytes();
            self.i -= bytes.len() - e.utf8_error().valid_up_to();
            "invalid unicode code point"
        })
    }

    /// The character of a `\u` escape (after the `u`), with the second half
    /// of a surrogate pair.
    fn escaped_char(&mut self) -> Step<char> {
        let high = self.hex4()?;
        let code = match high {
            0xDC00..=0xDFFF => return Err("lone leading surrogate in hex escape"),
            0xD800..=0xDBFF => {
                for want in *b"\\u" {
                    match self.peek() {
                        Some(c) if c == want => self.i += 1,
                        Some(_) => return self.fail("unexpected end of hex escape"),
                        None => return Err("EOF while parsing a string"),
                    }
                }
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err("lone leading surrogate in hex escape");
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            _ => high,
        };
        char::from_u32(code).ok_or("invalid unicode code point")
    }

    /// Four hexadecimal digits (all four are read before one is checked).
    fn hex4(&mut self) -> Step<u32> {
        let Some(digits) = self.b.get(self.i..self.i + 4) else {
            self.i = self.b.len();
            return Err("EOF while parsing a string");
        };
        self.i += 4;
        let mut n = 0;
        for &c in digits {
            n = n * 16 + (c as char).to_digit(16).ok_or("invalid escape")?;
        }
        Ok(n)
    }

    /// A number: `-`, then `0` or digits not starting with `0`, then
    /// optional `.digits` and `e±digits`. Integers become `u64` or
    /// (negative) `i64` when they fit, every other number an `f64`.
    fn number(&mut self) -> Step<Number> {
        let start = self.i;
        let negative = self.peek() == Some(b'-');
        self.i += usize::from(negative);
        let int = self.digits()?;
        if int > 1 && self.b[self.i - int] == b'0' {
            // serde_json reads the `0`, then fails at the next digit.
            self.i -= int - 1;
            return self.fail("invalid number");
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.digits()?;
            integer = false;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.digits()?;
            integer = false;
        }
        // The digits, the point, the exponent: ASCII only, so this is text.
        let text = std::str::from_utf8(&self.b[start..self.i]).unwrap_or_default();
        if integer {
            let magnitude = text.trim_start_matches('-').parse::<u64>().ok();
            match (negative, magnitude) {
                (false, Some(m)) => return Ok(m.into()),
                (true, Some(m)) if m != 0 && m <= 1 << 63 => {
                    return Ok((m as i64).wrapping_neg().into());
                }
                _ => {}
            }
        }
        // `from_f64` refuses an infinite value: a number too large.
        crate::decimal::parse_f64(text)
            .and_then(Number::from_f64)
            .ok_or("number out of range")
    }

    /// One or more digits; the count.
    fn digits(&mut self) -> Step<usize> {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        match self.peek() {
            _ if self.i > start => Ok(self.i - start),
            None => Err("EOF while parsing a value"),
            Some(_) => self.fail("invalid number"),
        }
    }
}
