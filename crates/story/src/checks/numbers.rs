//! Numbers written with a German thousands dot in an expression or a
//! condition: `* 1.000` is read as 1 (a decimal point), so every value
//! would be a thousand times too small, without any other sign.

use crate::walk::Walker;
use crate::yaml::Node;

/// The numbers of `text` written as `d.ddd` (one to three digits, a dot,
/// exactly three digits, not `0.ddd`), outside quotes and backticks: their
/// character offset and text.
pub(crate) fn thousands_dots(text: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if matches!(c, '"' | '\'' | '`') {
            quote = Some(c);
            i += 1;
            continue;
        }
        let starts_word =
            i == 0 || !(chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '_' | '.'));
        if !(c.is_ascii_digit() && starts_word) {
            i += 1;
            continue;
        }
        let end = |from: usize| {
            (from..chars.len())
                .find(|&j| !chars[j].is_ascii_digit())
                .unwrap_or(chars.len())
        };
        let int_end = end(i);
        let mut j = int_end;
        if chars.get(j) == Some(&'.') {
            let frac_end = end(j + 1);
            let int: String = chars[i..int_end].iter().collect();
            let next = chars.get(frac_end);
            if (1..=3).contains(&(int_end - i))
                && frac_end - (j + 1) == 3
                && int != "0"
                && !next.is_some_and(|n| n.is_alphanumeric() || matches!(n, '_' | '.'))
            {
                out.push((i, chars[i..frac_end].iter().collect()));
            }
            j = frac_end;
        }
        i = j.max(i + 1);
    }
    out
}

/// Warns (W0061) about each such number in the text value `v` of
/// `setting`.
pub(crate) fn check(w: &mut Walker<'_, '_>, v: &Node, setting: &str, text: &str) {
    let found = thousands_dots(text);
    if found.is_empty() {
        return;
    }
    let at = super::TextPos::of(w, v, text);
    for (offset, number) in found {
        let pos = at.at(offset, number.chars().count());
        let read = number.trim_end_matches('0').trim_end_matches('.');
        w.sink.warning(
            "W0061",
            pos,
            format!("`{number}` in `{setting}` is read as {read}, with a decimal point"),
            Some(format!(
                "if you mean {}, write `{}`: numbers take no thousands separator",
                number.replace('.', ""),
                number.replace('.', "")
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::thousands_dots;

    #[test]
    fn only_a_dot_before_three_digits_counts() {
        let found =
            |t: &str| -> Vec<String> { thousands_dots(t).into_iter().map(|f| f.1).collect() };
        assert_eq!(found("a / b * 1.000"), ["1.000"]);
        assert_eq!(found("x > 10.500 and y < 2.5"), ["10.500"]);
        assert_eq!(
            found("x * 0.125 + 1.25 + 1234.567 + 1.0000"),
            Vec::<String>::new()
        );
        assert_eq!(
            found("name == \"1.000\" or `a 1.000` > 2"),
            Vec::<String>::new()
        );
        assert_eq!(found("v2.000 + b_1.000"), Vec::<String>::new());
    }
}
