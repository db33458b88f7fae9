//! Numbers as spreadsheets write them: `1234.5`, German `1 234,5` or `1.234,5`,
//! and the placeholders official statistics use for "no value".

use serde_json::{Number, Value};
use twinstory_model::decimal::parse_f64;

/// How decimals and thousands are written in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberFormat {
    /// `1234.5`: decimal point, no thousands separator.
    DecimalPoint,
    /// `1 234,5` or `1.234,5`: decimal comma, space or dot between thousands.
    DecimalComma,
}

/// Cells that stand for "no value" in a numeric column.
///
/// `.` is the German statistics sign for "unknown or confidential"; `NULL`,
/// `NA` and friends come from database and R exports.
const MISSING: [&str; 12] = [
    "", ".", "NULL", "null", "NA", "N/A", "n/a", "NONE", "None", "none", "NaN", "…",
];

/// Whether a cell is a "no value" placeholder.
pub(crate) fn is_missing(cell: &str) -> bool {
    MISSING.contains(&cell.trim())
}

/// Whether a cell is a dash, which German statistics use for "nothing" (zero).
pub(crate) fn is_dash(cell: &str) -> bool {
    matches!(cell.trim(), "-" | "–" | "—")
}

/// Parses a number; `None` for text, ids with leading zeros and huge integers.
///
/// `"08123"` stays text (a postcode or id), so does `"1,7"` in
/// [`NumberFormat::DecimalPoint`]; `"-  23"` (spaces after the minus, as
/// spreadsheets pad) is -23.
pub fn parse_number(cell: &str, format: NumberFormat) -> Option<f64> {
    parse(cell, format, true)
}

/// Parses a coordinate, allowing either decimal separator and leading zeros.
pub(crate) fn parse_coordinate(cell: &str, format: NumberFormat) -> Option<f64> {
    parse(cell, format, false).or_else(|| {
        let t = cell.trim();
        if t.matches(',').count() == 1 && !t.contains('.') {
            parse(&t.replace(',', "."), NumberFormat::DecimalPoint, false)
        } else {
            parse(t, NumberFormat::DecimalPoint, false)
        }
    })
}

fn parse(cell: &str, format: NumberFormat, ids_stay_text: bool) -> Option<f64> {
    let t = cell.trim_matches(|c: char| c.is_whitespace());
    let (negative, body) = match t.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    let (int_part, frac_part) = match format {
        NumberFormat::DecimalPoint => match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        },
        NumberFormat::DecimalComma => match body.split_once(',') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        },
    };
    let mut digits = String::with_capacity(int_part.len() + 8);
    match format {
        NumberFormat::DecimalPoint => {
            if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.push_str(int_part);
        }
        NumberFormat::DecimalComma => {
            // Groups after the first must have exactly three digits.
            let groups: Vec<&str> = int_part.split([' ', '.', '\u{A0}', '\u{202F}']).collect();
            let first = groups.first()?;
            if first.is_empty() || (first.len() > 3 && groups.len() > 1) {
                return None;
            }
            for (i, g) in groups.iter().enumerate() {
                if !g.bytes().all(|b| b.is_ascii_digit()) || g.is_empty() || (i > 0 && g.len() != 3)
                {
                    return None;
                }
                digits.push_str(g);
            }
            // A single dot group such as "2.5" is not a thousands group.
        }
    }
    if ids_stay_text && digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    if digits.len() > 15 {
        return None;
    }
    if let Some(f) = frac_part {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push('.');
        digits.push_str(f);
    }
    let v = parse_f64(&digits)?;
    Some(if negative { -v } else { v })
}

/// A JSON number for `v`: an integer when it has no fraction.
pub(crate) fn number_value(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        // The range check above makes the conversion exact.
        Value::Number(Number::from(v as i64))
    } else {
        Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

/// Guesses the number format from the cells of a table.
pub(crate) fn detect_format<'a>(
    delimiter: char,
    cells: impl Iterator<Item = &'a str>,
) -> NumberFormat {
    if delimiter == ',' {
        // A decimal comma would have to be quoted in every cell; files that do
        // that are rare, and reading "1,7" as 17 would be far worse than text.
        return NumberFormat::DecimalPoint;
    }
    let (mut comma, mut point) = (0usize, 0usize);
    for c in cells {
        let t = c.trim();
        if t.contains(',') && parse(t, NumberFormat::DecimalComma, true).is_some() {
            comma += 1;
        } else if t.contains('.') && parse(t, NumberFormat::DecimalPoint, true).is_some() {
            point += 1;
        } else if t.contains(' ') && parse(t, NumberFormat::DecimalComma, true).is_some() {
            comma += 1;
        }
    }
    if comma > point {
        NumberFormat::DecimalComma
    } else {
        NumberFormat::DecimalPoint
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NumberFormat::*;

    #[test]
    fn german_numbers() {
        assert_eq!(parse_number(" 1 675    ", DecimalComma), Some(1675.0));
        assert_eq!(parse_number("1 788 994", DecimalComma), Some(1_788_994.0));
        assert_eq!(
            parse_number("200.000.000", DecimalComma),
            Some(200_000_000.0)
        );
        assert_eq!(parse_number("9,7", DecimalComma), Some(9.7));
        assert_eq!(parse_number("-  23", DecimalComma), Some(-23.0));
        assert_eq!(parse_number("1,7", DecimalPoint), None);
        assert_eq!(parse_number("200.000.000", DecimalPoint), None);
        assert_eq!(parse_number("2.5", DecimalComma), None);
    }

    #[test]
    fn ids_with_leading_zeros_stay_text() {
        assert_eq!(parse_number("08123", DecimalPoint), None);
        assert_eq!(parse_number("01101101", DecimalPoint), None);
        assert_eq!(parse_number("0", DecimalPoint), Some(0.0));
        assert_eq!(parse_number("0.25", DecimalPoint), Some(0.25));
        assert_eq!(parse_number("1234567890123456789", DecimalPoint), None);
        assert_eq!(parse_number("1e5", DecimalPoint), None);
    }

    #[test]
    fn coordinates_take_either_separator() {
        assert_eq!(parse_coordinate("53,55", DecimalPoint), Some(53.55));
        assert_eq!(parse_coordinate("09.99", DecimalPoint), Some(9.99));
    }

    #[test]
    fn format_detection() {
        assert_eq!(
            detect_format(';', ["9,7", "1 675", "x"].into_iter()),
            DecimalComma
        );
        assert_eq!(
            detect_format(';', ["12.2", "3", "x"].into_iter()),
            DecimalPoint
        );
        assert_eq!(detect_format(',', ["9,7"].into_iter()), DecimalPoint);
    }
}
