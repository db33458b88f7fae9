//! Turning the bytes of a text file into a `String`.
//!
//! UTF-8 (with or without BOM) and UTF-16 with a BOM are decoded as such;
//! anything else that is not valid UTF-8 is read as Windows-1252, which is what
//! German spreadsheet exports ("CSV (Windows)") and WHATWG's `latin1` mean.
//! `encoding_rs` is deliberately not used: its tables would add over 100 KB to
//! the browser player for one 32-entry table.

use crate::{DataError, DataWarning, Position};

/// A text encoding the readers understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8, with or without byte order mark.
    Utf8,
    /// Windows-1252, a superset of ISO-8859-1 (Latin-1) for printable text.
    Windows1252,
    /// UTF-16 little-endian.
    Utf16Le,
    /// UTF-16 big-endian.
    Utf16Be,
}

/// The characters Windows-1252 puts at 0x80–0x9F (Latin-1 has C1 controls there).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// Decodes Windows-1252 bytes.
fn decode_cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

fn decode_utf16(bytes: &[u8], little: bool) -> (String, bool) {
    let units = bytes.chunks(2).map(|c| match (c, little) {
        ([a, b], true) => u16::from_le_bytes([*a, *b]),
        ([a, b], false) => u16::from_be_bytes([*a, *b]),
        _ => 0xFFFD,
    });
    let mut lossy = bytes.len() % 2 == 1;
    let text = char::decode_utf16(units)
        .map(|r| {
            r.unwrap_or_else(|_| {
                lossy = true;
                '\u{FFFD}'
            })
        })
        .collect();
    (text, lossy)
}

/// The 1-based line holding byte `offset`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
}

/// Decodes a text file, detecting the encoding unless `forced` names it.
///
/// Returns the text, the encoding used and a warning when a fallback was taken.
pub(crate) fn decode_text(
    file: &str,
    bytes: &[u8],
    forced: Option<TextEncoding>,
) -> Result<(String, TextEncoding, Option<DataWarning>), DataError> {
    let (enc, body) = match (forced, bytes) {
        (_, [0xEF, 0xBB, 0xBF, rest @ ..]) => (TextEncoding::Utf8, rest),
        (None | Some(TextEncoding::Utf16Le), [0xFF, 0xFE, rest @ ..]) => {
            (TextEncoding::Utf16Le, rest)
        }
        (None | Some(TextEncoding::Utf16Be), [0xFE, 0xFF, rest @ ..]) => {
            (TextEncoding::Utf16Be, rest)
        }
        (Some(e), _) => (e, bytes),
        (None, _) => (TextEncoding::Utf8, bytes),
    };
    match enc {
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            let (text, lossy) = decode_utf16(body, enc == TextEncoding::Utf16Le);
            let warning = lossy.then(|| {
                DataWarning::new(
                    None,
                    "the UTF-16 text has broken characters; they were replaced by �",
                    Some("save the file again as UTF-8".into()),
                )
            });
            Ok((text, enc, warning))
        }
        TextEncoding::Windows1252 => Ok((decode_cp1252(body), enc, None)),
        TextEncoding::Utf8 => match std::str::from_utf8(body) {
            Ok(s) => Ok((s.to_string(), enc, None)),
            Err(e) if forced == Some(TextEncoding::Utf8) => {
                let line = line_of(body, e.valid_up_to());
                Err(DataError::new(
                    file,
                    Some(Position::LineColumn { line, column: column_of(body, e.valid_up_to()) }),
                    format!("byte 0x{:02X} is not valid UTF-8", body[e.valid_up_to()]),
                    Some("the file was declared UTF-8; save it as UTF-8 or declare its real encoding".into()),
                ))
            }
            Err(e) => {
                let nuls = body.iter().filter(|b| **b == 0).count();
                if nuls * 10 > body.len() {
                    return Err(DataError::new(
                        file,
                        None,
                        "the file is not text: it is full of zero bytes (UTF-16 without a byte order mark, or binary)",
                        Some("save it as UTF-8 text (CSV UTF-8 in spreadsheet programs)".into()),
                    ));
                }
                let at = e.valid_up_to();
                let line = line_of(body, at);
                let warning = DataWarning::new(
                    Some(Position::LineColumn { line, column: column_of(body, at) }),
                    format!(
                        "the file is not UTF-8 (byte 0x{:02X} on line {line}); it was read as Windows-1252/Latin-1",
                        body[at]
                    ),
                    Some("save it as UTF-8, or declare the encoding to silence this warning".into()),
                );
                Ok((
                    decode_cp1252(body),
                    TextEncoding::Windows1252,
                    Some(warning),
                ))
            }
        },
    }
}

/// The 1-based character column of byte `offset` on its line.
fn column_of(bytes: &[u8], offset: usize) -> usize {
    let offset = offset.min(bytes.len());
    let start = bytes[..offset]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    1 + String::from_utf8_lossy(&bytes[start..offset])
        .chars()
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_falls_back_with_a_warning_naming_the_line() {
        let (text, enc, w) = decode_text("f.csv", b"a\nb\nR\xf6nneburg \x80\n", None).unwrap();
        assert_eq!(text, "a\nb\nRönneburg €\n");
        assert_eq!(enc, TextEncoding::Windows1252);
        let w = w.unwrap();
        assert_eq!(
            w.position,
            Some(Position::LineColumn { line: 3, column: 2 })
        );
    }

    #[test]
    fn boms_are_honoured_and_removed() {
        let (t, _, w) = decode_text("f", b"\xEF\xBB\xBFfoo", None).unwrap();
        assert_eq!((t.as_str(), w), ("foo", None));
        let (t, e, _) = decode_text("f", b"\xFF\xFEa\0,\0b\0", None).unwrap();
        assert_eq!((t.as_str(), e), ("a,b", TextEncoding::Utf16Le));
        let (t, _, _) = decode_text("f", b"\xFE\xFF\0a\0,\0b", None).unwrap();
        assert_eq!(t, "a,b");
    }

    #[test]
    fn forced_latin1_has_no_warning() {
        let (t, _, w) = decode_text("f", b"Gro\xdf", Some(TextEncoding::Windows1252)).unwrap();
        assert_eq!((t.as_str(), w), ("Groß", None));
    }
}
