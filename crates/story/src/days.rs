//! Time in a story: the values a layer's `time` fields hold and a step's
//! `time` and `play` name, read as the days they cover. Only the story
//! compiler reads times: the player gets day keys in the data and filters
//! on them (see `time`), so none of this is in its wasm.
//!
//! A time is a date `YYYY-MM-DD` (a date and time `YYYY-MM-DDThh:mm…`
//! counts as its day), a month `YYYY-MM`, a year `YYYY` or a whole number
//! (a year, such as a planting year `1987`). Each covers a span of days,
//! written as the key `year * 10000 + month * 100 + day`: keys of
//! different days compare as the days do, so a month is the span from its
//! first to its 31st "day" and a year from `0101` to `1231`. Two spans
//! overlap when each starts before the other ends; that is the whole rule
//! of time filters (a moment is the span of its own precision).

use serde_json::Value;

/// The first and last day a time covers, as keys (see the module).
pub type Span = (u32, u32);

/// The days `text` covers, or `None` when it is not a time.
///
/// # Examples
/// ```
/// use twinstory_story::days::span;
/// assert_eq!(span("2023-02-05"), Some((20230205, 20230205)));
/// assert_eq!(span("2023-02-05T10:30:00Z"), Some((20230205, 20230205)));
/// assert_eq!(span("2023-02"), Some((20230201, 20230231)));
/// assert_eq!(span("1987"), Some((19870101, 19871231)));
/// assert_eq!(span("2023-13-01"), None);
/// assert_eq!(span("soon"), None);
/// ```
pub fn span(text: &str) -> Option<Span> {
    let t = text.trim();
    let b = t.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let p = t.get(r)?;
        (!p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let year = num(0..4)?;
    let base = year * 10000;
    if b.len() == 4 {
        return Some((base + 101, base + 1231));
    }
    if b.get(4) != Some(&b'-') {
        return None;
    }
    let month = num(5..7).filter(|m| (1..=12).contains(m))?;
    let base = base + month * 100;
    if b.len() == 7 {
        return Some((base + 1, base + 31));
    }
    let day = num(8..10).filter(|d| (1..=days_in_month(year, month)).contains(d))?;
    if b.get(7) != Some(&b'-') || (b.len() > 10 && b[10] != b'T' && b[10] != b' ') {
        return None;
    }
    Some((base + day, base + day))
}

/// The days a property value covers: a time as text, or a whole number
/// (a year).
pub fn span_of(value: &Value) -> Option<Span> {
    match value {
        Value::String(s) => span(s),
        Value::Number(n) => {
            let y = n.as_f64()?;
            let y = (y.fract() == 0.0 && (1.0..=9999.0).contains(&y)).then_some(y as u32)?;
            Some((y * 10000 + 101, y * 10000 + 1231))
        }
        _ => None,
    }
}

/// Whether two spans share a day.
pub fn overlaps(a: Span, b: Span) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

/// The number of days in a month of a year (Gregorian).
pub fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A step size of playback: so many days, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stride {
    /// Days (a week is 7).
    Days(u32),
    /// Calendar months.
    Months(u32),
    /// Calendar years.
    Years(u32),
}

impl Stride {
    /// Reads `1 week`, `2 days`, `1 month`, `5 years` (singular or plural;
    /// the number may be left out: `week`).
    ///
    /// # Examples
    /// ```
    /// use twinstory_story::days::Stride;
    /// assert_eq!(Stride::parse("1 week"), Some(Stride::Days(7)));
    /// assert_eq!(Stride::parse("year"), Some(Stride::Years(1)));
    /// assert_eq!(Stride::parse("3 months"), Some(Stride::Months(3)));
    /// assert_eq!(Stride::parse("0 days"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let n: u32 = match t[..split].trim() {
            "" => 1,
            digits => digits.parse().ok()?,
        };
        if n == 0 || n > 10_000 {
            return None;
        }
        Some(match t[split..].trim().trim_end_matches('s') {
            "day" => Stride::Days(n),
            "week" => Stride::Days(7 * n),
            "month" => Stride::Months(n),
            "year" => Stride::Years(n),
            _ => return None,
        })
    }
}

/// The moments from `from` to `to` (both included when reached), `stride`
/// apart, written in `from`'s precision; `None` when `from` or `to` is no
/// time, days are added to a month or a year, `to` comes before `from` or
/// there would be more than `max` moments.
///
/// # Examples
/// ```
/// use twinstory_story::days::{moments, Stride};
/// let m = moments("2023-01-22", "2023-02-12", Stride::Days(7), 100).unwrap();
/// assert_eq!(m, ["2023-01-22", "2023-01-29", "2023-02-05", "2023-02-12"]);
/// let y = moments("1990", "2000", Stride::Years(5), 100).unwrap();
/// assert_eq!(y, ["1990", "1995", "2000"]);
/// assert_eq!(moments("2023-01", "2023-03", Stride::Months(1), 100).unwrap().len(), 3);
/// assert!(moments("2023", "2024", Stride::Days(7), 100).is_none());
/// ```
pub fn moments(from: &str, to: &str, stride: Stride, max: usize) -> Option<Vec<String>> {
    let (start, _) = span(from)?;
    let (_, end) = span(to)?;
    let precision = match from.trim().len() {
        4 => 0,
        7 => 1,
        _ => 2,
    };
    let too_fine = match stride {
        Stride::Days(_) => precision < 2,
        Stride::Months(_) => precision < 1,
        Stride::Years(_) => false,
    };
    if too_fine {
        return None;
    }
    let (mut y, mut m, mut d) = (start / 10000, start / 100 % 100, start % 100);
    let mut out = Vec::new();
    while y * 10000 + m * 100 + d <= end {
        if out.len() >= max {
            return None;
        }
        out.push(match precision {
            0 => format!("{y:04}"),
            1 => format!("{y:04}-{m:02}"),
            _ => format!("{y:04}-{m:02}-{d:02}"),
        });
        match stride {
            Stride::Days(n) => {
                d += n;
                while d > days_in_month(y, m) {
                    d -= days_in_month(y, m);
                    m += 1;
                    if m > 12 {
                        m = 1;
                        y += 1;
                    }
                }
            }
            Stride::Months(n) => {
                m += n;
                y += (m - 1) / 12;
                m = (m - 1) % 12 + 1;
            }
            Stride::Years(n) => y += n,
        }
        d = d.min(days_in_month(y, m));
        if y > 9999 {
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_are_years_and_other_values_no_time() {
        assert_eq!(span_of(&json!(1987)), Some((19870101, 19871231)));
        assert_eq!(span_of(&json!(1987.5)), None);
        assert_eq!(span_of(&json!(null)), None);
        assert_eq!(span_of(&json!("2024-02-29")), Some((20240229, 20240229)));
        assert_eq!(span_of(&json!("2023-02-29")), None);
        assert_eq!(span("2023-02-05x"), None);
    }

    #[test]
    fn spans_overlap_by_day() {
        let week = (20230122, 20230128);
        assert!(overlaps(week, span("2023-01-28").unwrap()));
        assert!(!overlaps(week, span("2023-01-29").unwrap()));
        assert!(overlaps(week, span("2023-01").unwrap()));
        assert!(overlaps(span("2023").unwrap(), week));
    }

    #[test]
    fn days_cross_months_and_years() {
        let m = moments("2023-12-25", "2024-01-15", Stride::Days(7), 10).unwrap();
        assert_eq!(m, ["2023-12-25", "2024-01-01", "2024-01-08", "2024-01-15"]);
        assert!(moments("2023-01-01", "2022-01-01", Stride::Days(1), 10).is_none());
        assert!(moments("2000-01-01", "2023-01-01", Stride::Days(1), 10).is_none());
    }
}
