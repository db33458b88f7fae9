//! `filter` and `highlight` conditions, read as the player reads them: a
//! condition the player could not read would show developer text in the
//! legend, so it is an error here, marked at the character it stops at.

use crate::diagnostic::Pos;
use crate::walk::Walker;
use crate::yaml::Node;
use twinstory_data::Condition;

/// Reads the condition `text` of setting `key` (value node `v`). Returns the
/// fields it reads with their positions, or `None` after reporting (E0025).
pub(crate) fn check(
    w: &mut Walker<'_, '_>,
    v: &Node,
    key: &str,
    text: &str,
) -> Option<Vec<(String, Pos)>> {
    match Condition::parse(text) {
        Ok(c) => Some({
            super::numbers::check(w, v, key, text);
            c.fields()
                .into_iter()
                .map(|f| {
                    let at = text
                        .find(f.as_str())
                        .map_or(0, |b| text[..b].chars().count());
                    let pos = crate::checks::pos_in_text(w, v, text, at, f.chars().count());
                    (f, pos)
                })
                .collect()
        }),
        Err(e) => {
            let pos = crate::checks::pos_in_text(w, v, text, e.column.saturating_sub(1), 1);
            // `< 0,5`: a German decimal comma, which the reader takes for
            // the end of the condition. (Said here, not by the reader: the
            // player's base module carries the reader.)
            let chars: Vec<char> = text.chars().collect();
            let at = e.column.saturating_sub(1);
            let digit = |i: Option<usize>| {
                i.and_then(|i| chars.get(i))
                    .is_some_and(char::is_ascii_digit)
            };
            if chars.get(at) == Some(&',') && digit(at.checked_sub(1)) && digit(Some(at + 1)) {
                w.sink.error(
                    "E0025",
                    pos,
                    format!("the `{key}` condition cannot be read: a decimal comma after a number"),
                    Some({
                        let int: String = chars[..at].iter().rev().take_while(|c| c.is_ascii_digit()).collect();
                        let int: String = int.chars().rev().collect();
                        let frac: String = chars[at + 1..].iter().take_while(|c| c.is_ascii_digit()).collect();
                        format!("numbers are written with a decimal point: `{int}.{frac}`, not `{int},{frac}`")
                    }),
                );
                return None;
            }
            // `Anteil in Prozent > 10`: a name with spaces, written bare.
            let name = text
                .find(['=', '!', '<', '>'])
                .map(|i| text[..i].trim())
                .filter(|n| n.contains(' ') && !n.contains(['"', '\'', '`', '(']));
            let help = if let (Some(name), true) = (name, e.message.contains("`==`")) {
                format!(
                    "a field name with spaces is written in backticks: `` {} ``",
                    text.replacen(name, &format!("`{name}`"), 1).trim()
                )
            } else if e.message.contains("`==`") {
                let fixed = single_equals_fixed(text);
                format!("write `{key}: '{fixed}'`; conditions compare with `==`, `!=`, `<`, `<=`, `>`, `>=` (see docs/styling.md, section \"Conditions\")")
            } else {
                "see docs/styling.md, section \"Conditions\", e.g. `playgrounds >= 10` or `name == \"Altona-Altstadt\"`".to_owned()
            };
            w.sink.error(
                "E0025",
                pos,
                format!("the `{key}` condition cannot be read: {}", e.message),
                Some(help),
            );
            None
        }
    }
}

/// The condition with each lone `=` (outside quotes) written `==`.
fn single_equals_fixed(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' || c == '`' => quote = Some(c),
            None if c == '=' => {
                let before = i.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + 1).copied();
                let lone = !matches!(before, Some('=' | '!' | '<' | '>')) && after != Some('=');
                if lone {
                    out.push('=');
                }
            }
            None => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::single_equals_fixed;

    #[test]
    fn a_lone_equals_sign_becomes_a_comparison() {
        assert_eq!(
            single_equals_fixed(r#"name = "Wilhelmsburg""#),
            r#"name == "Wilhelmsburg""#
        );
        assert_eq!(single_equals_fixed("a >= 1 and b = 2"), "a >= 1 and b == 2");
        assert_eq!(single_equals_fixed(r#"x == "a=b""#), r#"x == "a=b""#);
    }
}
