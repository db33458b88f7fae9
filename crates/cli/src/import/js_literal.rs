//! A tolerant reader of one JavaScript object literal, as the Mapbox
//! storytelling template's `config.js` holds it (`var config = { … };`).
//!
//! It never evaluates anything. It reads what JSON reads plus what people
//! write in such files: unquoted keys, single-quoted and backtick strings
//! (without `${}`), trailing commas, `//` and `/* */` comments, `undefined`,
//! hexadecimal numbers, a leading `+`/`-`. A value it cannot read (a
//! function, a variable, an expression) is skipped to the next `,` and
//! listed in [`Literal::skipped`] with its key path and position, so the
//! importer can report it; a broken literal (an unclosed string or
//! bracket) is an error with its line and column.

use serde_json::{Map, Value};
use std::fmt;

/// What was read: the value and what had to be left out.
#[derive(Debug)]
pub struct Literal {
    /// The object (or other value) the file assigns.
    pub value: Value,
    /// Values that are code, not data: (key path such as
    /// `chapters[2].callback`, line, column, the first characters).
    pub skipped: Vec<Skipped>,
}

/// A value that was not read.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// Where in the object: `chapters[2].callback`.
    pub path: String,
    /// 1-based line of the value.
    pub line: usize,
    /// 1-based column (in characters) of the value.
    pub column: usize,
    /// The value's first characters, as written.
    pub text: String,
}

/// A literal that cannot be read, with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct LiteralError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, for the author.
    pub message: String,
}

impl fmt::Display for LiteralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for LiteralError {}

/// Deepest nesting read (a config is a few levels deep).
const MAX_DEPTH: usize = 64;

/// Reads the first object literal of `src`: after an optional
/// `var|let|const|window.<name> =`, or the first `{` of the file.
pub fn read(src: &str) -> Result<Literal, LiteralError> {
    let mut r = Reader {
        chars: src.chars().collect(),
        pos: 0,
        skipped: Vec::new(),
    };
    r.skip_space()?;
    // Find the value: the first `{` that is not in a comment or string,
    // after whatever statement introduces it.
    loop {
        match r.peek() {
            None => return Err(r.error("no object literal (`{ … }`) found in the file")),
            Some('{') | Some('[') => break,
            Some('\'') | Some('"') | Some('`') => {
                r.string()?;
            }
            Some(_) => r.pos += 1,
        }
        r.skip_space()?;
    }
    let value = r.value("", 0)?;
    Ok(Literal {
        value,
        skipped: r.skipped,
    })
}

struct Reader {
    chars: Vec<char>,
    pos: usize,
    skipped: Vec<Skipped>,
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn position(&self, at: usize) -> (usize, usize) {
        let mut line = 1;
        let mut column = 1;
        for c in self.chars.iter().take(at) {
            if *c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        (line, column)
    }

    fn error_at(&self, at: usize, message: impl Into<String>) -> LiteralError {
        let (line, column) = self.position(at);
        LiteralError {
            line,
            column,
            message: message.into(),
        }
    }

    fn error(&self, message: impl Into<String>) -> LiteralError {
        self.error_at(self.pos, message)
    }

    /// Skips white space and comments.
    fn skip_space(&mut self) -> Result<(), LiteralError> {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_whitespace() => self.pos += 1,
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                (Some('/'), Some('*')) => {
                    let start = self.pos;
                    self.pos += 2;
                    loop {
                        match (self.peek(), self.peek_at(1)) {
                            (Some('*'), Some('/')) => {
                                self.pos += 2;
                                break;
                            }
                            (Some(_), _) => self.pos += 1,
                            (None, _) => {
                                return Err(self.error_at(
                                    start,
                                    "this `/*` comment is never closed with `*/`",
                                ))
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self, path: &str, depth: usize) -> Result<Value, LiteralError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested more than 64 levels deep"));
        }
        self.skip_space()?;
        match self.peek() {
            Some('{') => self.object(path, depth),
            Some('[') => self.array(path, depth),
            Some('\'') | Some('"') | Some('`') => Ok(Value::String(self.string()?)),
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => {
                let start = self.pos;
                match self.number() {
                    Some(n) if self.at_value_end()? => Ok(n),
                    _ => {
                        self.pos = start;
                        self.skip_code(path)
                    }
                }
            }
            Some(c) if is_ident_start(c) => {
                let start = self.pos;
                let word = self.ident();
                let v = match word.as_str() {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    "null" | "undefined" => Some(Value::Null),
                    _ => None,
                };
                match v {
                    Some(v) if self.at_value_end()? => Ok(v),
                    _ => {
                        self.pos = start;
                        self.skip_code(path)
                    }
                }
            }
            Some(c) => Err(self.error(format!("`{c}` cannot start a value"))),
            None => Err(self.error("the file ends where a value should be")),
        }
    }

    /// Whether the value just read ends here (`,`, `}`, `]`, `;` or the end).
    fn at_value_end(&mut self) -> Result<bool, LiteralError> {
        self.skip_space()?;
        Ok(matches!(
            self.peek(),
            None | Some(',') | Some('}') | Some(']') | Some(';')
        ))
    }

    /// Skips a value that is code (a function, a variable, an expression)
    /// up to the `,`, `}` or `]` that ends it, and records it.
    fn skip_code(&mut self, path: &str) -> Result<Value, LiteralError> {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            self.skip_space()?;
            match self.peek() {
                None => return Err(self.error_at(start, "this value is never ended")),
                Some('\'') | Some('"') | Some('`') => {
                    self.string()?;
                }
                Some('{') | Some('[') | Some('(') => {
                    depth += 1;
                    self.pos += 1;
                }
                Some('}') | Some(']') | Some(')') if depth > 0 => {
                    depth -= 1;
                    self.pos += 1;
                }
                Some(',') | Some('}') | Some(']') if depth == 0 => break,
                Some(_) => self.pos += 1,
            }
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let short: String = text.chars().take(40).collect();
        let (line, column) = self.position(start);
        self.skipped.push(Skipped {
            path: path.to_owned(),
            line,
            column,
            text: if short.len() < text.len() {
                format!("{short}…")
            } else {
                short
            },
        });
        Ok(Value::Null)
    }

    fn object(&mut self, path: &str, depth: usize) -> Result<Value, LiteralError> {
        let open = self.pos;
        self.pos += 1;
        let mut map = Map::new();
        loop {
            self.skip_space()?;
            let key_at = self.pos;
            let key = match self.peek() {
                Some('}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                None => return Err(self.error_at(open, "this `{` is never closed with `}`")),
                Some('\'') | Some('"') | Some('`') => self.string()?,
                Some(c) if is_ident_start(c) => self.ident(),
                Some(c) if c.is_ascii_digit() => {
                    let start = self.pos;
                    while self
                        .peek()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
                    {
                        self.pos += 1;
                    }
                    self.chars[start..self.pos].iter().collect()
                }
                Some(c) => return Err(self.error(format!("expected a key or `}}`, found `{c}`"))),
            };
            self.skip_space()?;
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            match self.peek() {
                Some(':') => {
                    self.pos += 1;
                    let v = self.value(&child, depth + 1)?;
                    map.insert(key.clone(), v);
                }
                // `{ a, b }` (shorthand) or a method `f() { … }`: code.
                Some('(') | Some(',') | Some('}') => {
                    self.pos = key_at;
                    self.skip_code(&child)?;
                }
                Some(c) => {
                    return Err(
                        self.error(format!("expected `:` after the key `{key}`, found `{c}`"))
                    )
                }
                None => return Err(self.error_at(open, "this `{` is never closed with `}`")),
            }
            self.skip_space()?;
            match self.peek() {
                Some(',') => self.pos += 1,
                Some('}') => {}
                Some(c) => {
                    return Err(self.error(format!(
                        "expected `,` or `}}` after the value of `{key}`, found `{c}`"
                    )))
                }
                None => return Err(self.error_at(open, "this `{` is never closed with `}`")),
            }
        }
    }

    fn array(&mut self, path: &str, depth: usize) -> Result<Value, LiteralError> {
        let open = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_space()?;
            match self.peek() {
                Some(']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.error_at(open, "this `[` is never closed with `]`")),
                _ => {}
            }
            let v = self.value(&format!("{path}[{}]", items.len()), depth + 1)?;
            items.push(v);
            self.skip_space()?;
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {}
                Some(c) => {
                    return Err(self.error(format!("expected `,` or `]` in a list, found `{c}`")))
                }
                None => return Err(self.error_at(open, "this `[` is never closed with `]`")),
            }
        }
    }

    fn ident(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| is_ident_start(c) || c.is_ascii_digit())
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.pos;
        let mut negative = false;
        if let Some(sign @ ('-' | '+')) = self.peek() {
            negative = sign == '-';
            self.pos += 1;
        }
        if self.peek() == Some('0') && matches!(self.peek_at(1), Some('x') | Some('X')) {
            self.pos += 2;
            let digits_at = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                self.pos += 1;
            }
            let digits: String = self.chars[digits_at..self.pos].iter().collect();
            let n = i64::from_str_radix(&digits, 16).ok()?;
            return Some(Value::from(if negative { -n } else { n }));
        }
        let body_at = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '_'))
            || (matches!(self.peek(), Some('-') | Some('+'))
                && matches!(
                    self.chars.get(self.pos.wrapping_sub(1)),
                    Some('e') | Some('E')
                ))
        {
            self.pos += 1;
        }
        let body: String = self.chars[body_at..self.pos]
            .iter()
            .filter(|c| **c != '_')
            .collect();
        if body.is_empty() || start == self.pos {
            return None;
        }
        let n: f64 = body.parse().ok()?;
        let n = if negative { -n } else { n };
        if n.fract() == 0.0 && n.abs() < 9.0e15 && !body.contains(['.', 'e', 'E']) {
            #[allow(clippy::cast_possible_truncation, reason = "whole number below 2^53")]
            return Some(Value::from(n as i64));
        }
        serde_json::Number::from_f64(n).map(Value::Number)
    }

    fn string(&mut self) -> Result<String, LiteralError> {
        let start = self.pos;
        let quote = self.peek().unwrap_or('"');
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(
                    self.error_at(start, format!("this string is never closed with {quote}"))
                );
            };
            self.pos += 1;
            match c {
                c if c == quote => return Ok(out),
                '\n' if quote != '`' => {
                    return Err(self.error_at(
                        start,
                        format!("this string is never closed with {quote} on its line"),
                    ))
                }
                '$' if quote == '`' && self.peek() == Some('{') => {
                    return Err(self.error_at(
                        self.pos - 1,
                        "a template string with `${…}` is code, not text; write the text itself",
                    ))
                }
                '\\' => {
                    let Some(e) = self.peek() else { continue };
                    self.pos += 1;
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'v' => out.push('\u{b}'),
                        '0' => out.push('\0'),
                        '\n' => {}
                        '\r' => {
                            if self.peek() == Some('\n') {
                                self.pos += 1;
                            }
                        }
                        'x' => {
                            let hex: String = self.chars.iter().skip(self.pos).take(2).collect();
                            match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                                Some(ch) if hex.len() == 2 => {
                                    out.push(ch);
                                    self.pos += 2;
                                }
                                _ => {
                                    return Err(self.error_at(
                                        self.pos - 2,
                                        "`\\x` needs two hexadecimal digits",
                                    ))
                                }
                            }
                        }
                        'u' => out.push(self.unicode_escape()?),
                        other => out.push(other),
                    }
                }
                c => out.push(c),
            }
        }
    }

    /// After `\u`: `XXXX` (pairs of surrogates joined) or `{X…}`.
    fn unicode_escape(&mut self) -> Result<char, LiteralError> {
        let at = self.pos.saturating_sub(2);
        let read4 = |r: &mut Self| -> Option<u32> {
            let hex: String = r.chars.iter().skip(r.pos).take(4).collect();
            if hex.len() != 4 {
                return None;
            }
            let n = u32::from_str_radix(&hex, 16).ok()?;
            r.pos += 4;
            Some(n)
        };
        let bad = |r: &Self| r.error_at(at, "a `\\u` escape that is not a character");
        if self.peek() == Some('{') {
            let close = self.chars[self.pos..]
                .iter()
                .position(|c| *c == '}')
                .ok_or_else(|| bad(self))?;
            let hex: String = self.chars[self.pos + 1..self.pos + close].iter().collect();
            self.pos += close + 1;
            return u32::from_str_radix(&hex, 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| bad(self));
        }
        let hi = read4(self).ok_or_else(|| bad(self))?;
        if (0xD800..0xDC00).contains(&hi)
            && self.peek() == Some('\\')
            && self.peek_at(1) == Some('u')
        {
            self.pos += 2;
            let lo = read4(self).ok_or_else(|| bad(self))?;
            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF);
            return char::from_u32(c).ok_or_else(|| bad(self));
        }
        char::from_u32(hi).ok_or_else(|| bad(self))
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_what_config_js_files_write() {
        let src = "// settings\nvar config = {\n  style: 'mapbox://styles/x', // a comment\n  \"quoted\": \"a \\\"b\\\"\",\n  /* block\n comment */ n: -12.5, hex: 0x1F, ok: true, none: undefined,\n  list: [1, 2, 3,],\n  `tpl`: `multi\nline`,\n  nested: { a: [ { b: 'c' }, ], },\n};\n";
        let lit = read(src).unwrap();
        assert_eq!(
            lit.value,
            json!({"style": "mapbox://styles/x", "quoted": "a \"b\"", "n": -12.5, "hex": 31,
                   "ok": true, "none": null, "list": [1, 2, 3], "tpl": "multi\nline",
                   "nested": {"a": [{"b": "c"}]}})
        );
        assert!(lit.skipped.is_empty());
    }

    #[test]
    fn code_is_skipped_and_listed_with_its_place() {
        let src = "var config = {\n  chapters: [{ id: 'a',\n    callback: function () { map.setPaintProperty('x', 'y', 1); },\n    color: theme.accent, after: 'still read' }]\n};";
        let lit = read(src).unwrap();
        assert_eq!(lit.value["chapters"][0]["after"], json!("still read"));
        assert_eq!(lit.value["chapters"][0]["callback"], Value::Null);
        assert_eq!(lit.skipped.len(), 2);
        assert_eq!(lit.skipped[0].path, "chapters[0].callback");
        assert_eq!((lit.skipped[0].line, lit.skipped[0].column), (3, 15));
        assert!(lit.skipped[0].text.starts_with("function () {"));
        assert_eq!(lit.skipped[1].path, "chapters[0].color");
        assert_eq!(lit.skipped[1].text, "theme.accent");
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = read("var config = {\n  title: 'open\n};").unwrap_err();
        assert_eq!((e.line, e.column), (2, 10));
        assert!(e.message.contains("never closed"), "{e}");
        let e = read("var config = {\n  a: 1,\n  b: [1, 2\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 6));
        assert!(e.message.contains("`[` is never closed"), "{e}");
        let e = read("config = { a 1 }").unwrap_err();
        assert_eq!((e.line, e.column), (1, 14));
        assert!(e.message.contains("expected `:` after the key `a`"), "{e}");
        let e = read("/* never closed").unwrap_err();
        assert!(e.message.contains("`/*` comment"), "{e}");
        let e = read("const x = 5;").unwrap_err();
        assert!(e.message.contains("no object literal"), "{e}");
        let e = read("x = { t: `a ${b}` }").unwrap_err();
        assert_eq!((e.line, e.column), (1, 13));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = format!("x = {}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(read(&src).unwrap_err().message.contains("nested"));
    }

    #[test]
    fn any_text_reads_or_fails_without_a_panic() {
        let parts = [
            "{",
            "}",
            "[",
            "]",
            "'",
            "\"",
            "`",
            "${",
            ":",
            ",",
            "//",
            "/*",
            "*/",
            "\\u",
            "\\u{",
            "\\x",
            "ä",
            "a",
            "1",
            "-",
            "0x",
            "e",
            ".",
            "function(",
            ")",
            "\n",
            " ",
            "var x = ",
        ];
        let mut seed = 0x9e37_79b9_u64;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(seed % 30) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(parts[(seed % parts.len() as u64) as usize]);
            }
            if let Err(e) = read(&s) {
                assert!(e.line >= 1 && e.column >= 1, "{s:?}: {e}");
            }
            seed = seed.wrapping_add(1);
        }
    }

    #[test]
    fn escapes() {
        let lit = read(
            r"x = { a: '\u00e4\x41\u{1F600}\uD83D\uDE00\'', b: 'l\
ine' }",
        )
        .unwrap();
        assert_eq!(lit.value["a"], json!("äA😀😀'"));
        assert_eq!(lit.value["b"], json!("line"));
    }
}
