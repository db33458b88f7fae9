//! Invisible characters that change what a text seems to say: bidirectional
//! controls, which reorder the text after them (`safe` U+202E `gnp.exe` shows as
//! "safeexe.png"), and zero-width characters, which hide inside words and
//! addresses.
//!
//! The parser reports each (W0010) and reads the file without them, so the
//! safety checks (link schemes, other hosts) and the built story see the
//! same text, and no control character reaches the page to flip what
//! readers see. Joiners between two non-ASCII characters are kept: emoji
//! sequences (👩‍💻) and Persian or Indic words need them.

use crate::diagnostic::{Pos, Sink};

/// The name of an invisible character the parser takes out, if `c` is one.
pub(crate) fn name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{2060}' => "WORD JOINER",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return None,
    })
}

/// True for the characters that change the direction of the text after them.
fn reorders(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// True when `c` at this place is taken out: every character [`name`]
/// knows, except a joiner or non-joiner between two non-ASCII characters.
fn suspicious(prev: Option<char>, c: char, next: Option<char>) -> bool {
    if name(c).is_none() {
        return false;
    }
    if matches!(c, '\u{200C}' | '\u{200D}') {
        let ascii = |o: Option<char>| o.is_none_or(|c| c.is_ascii());
        return ascii(prev) || ascii(next);
    }
    true
}

/// A text without its suspicious invisible characters, and where they were.
#[derive(Debug)]
pub(crate) struct Cleaned {
    /// The text without them (line breaks untouched, so lines stay the same).
    pub text: String,
    /// Each character taken out: 1-based line and column in the original.
    removed: Vec<(usize, usize, char)>,
}

/// Takes the suspicious invisible characters out of `text`; `None` when it has none.
pub(crate) fn clean(text: &str) -> Option<Cleaned> {
    if !text.chars().any(|c| name(c).is_some()) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut removed = Vec::new();
    let (mut line, mut column) = (1, 1);
    let mut prev = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if suspicious(prev, c, chars.peek().copied()) {
            removed.push((line, column, c));
        } else {
            out.push(c);
        }
        if c == '\n' {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
        prev = Some(c);
    }
    if removed.is_empty() {
        return None;
    }
    Some(Cleaned { text: out, removed })
}

impl Cleaned {
    /// The original column of `column` (1-based) of the cleaned `line`.
    pub fn original_column(&self, line: usize, column: usize) -> usize {
        let start = self.removed.partition_point(|r| r.0 < line);
        let mut col = column;
        for &(l, c, _) in &self.removed[start..] {
            if l != line || c > col {
                break;
            }
            col += 1;
        }
        col
    }

    /// Moves a position in the cleaned text to the original text.
    pub fn map_pos(&self, p: &mut Pos) {
        let end = self.original_column(p.line, p.column + p.len);
        p.column = self.original_column(p.line, p.column);
        if p.len > 0 {
            p.len = end.saturating_sub(p.column).max(1);
        }
    }

    /// Reports every character taken out (W0010), at its original position.
    /// `original` is the text [`clean`] was given.
    pub fn report(&self, original: &str, sink: &mut Sink) {
        let lines: Vec<&str> = original.split('\n').collect();
        let mut reported: Vec<(usize, char)> = Vec::new();
        for &(line, column, c) in &self.removed {
            // One warning per character and line is enough to find them all.
            if reported.contains(&(line, c)) {
                continue;
            }
            reported.push((line, c));
            let text = lines.get(line - 1).copied().unwrap_or("");
            let visible =
                |s: &str| -> String { s.chars().filter(|c| name(*c).is_none()).collect() };
            let before: String = visible(&text.chars().take(column - 1).collect::<String>());
            let after: String = visible(&text.chars().skip(column).collect::<String>());
            let before: String = {
                let b: Vec<char> = before.trim_end().chars().collect();
                let s: String = b[b.len().saturating_sub(12)..].iter().collect();
                s.trim_start().to_owned()
            };
            let after: String = after.trim_start().chars().take(12).collect();
            let place = match (before.is_empty(), after.is_empty()) {
                (false, false) => format!("between `{before}` and `{after}`"),
                (false, true) => format!("after `{before}`"),
                (true, false) => format!("before `{after}`"),
                (true, true) => "on an otherwise empty line".to_owned(),
            };
            let what = if reorders(c) {
                "it reverses or reorders the text after it, so readers see something else than what is written"
            } else if matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}') {
                "it is an invisible direction mark that can move the characters around it"
            } else {
                "it is invisible and can hide inside words and addresses"
            };
            let name = name(c).unwrap_or("");
            sink.warning(
                "W0010",
                Pos { line, column, len: 1 },
                format!(
                    "invisible character U+{:04X} {name}: {what}; it is left out of the story",
                    c as u32
                ),
                Some(format!(
                    "delete it ({place}); most editors do not show it, so delete the characters around it and type them again"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_zero_width_characters_are_taken_out() {
        let c = clean("a\n safe\u{202E}gnp.exe x\u{200B}y\n").unwrap();
        assert_eq!(c.text, "a\n safegnp.exe xy\n");
        assert_eq!(c.removed, vec![(2, 6, '\u{202E}'), (2, 16, '\u{200B}')]);
        // `g` is column 6 of the cleaned line 2 and column 7 of the original.
        assert_eq!(c.original_column(2, 6), 7);
        assert_eq!(c.original_column(2, 5), 5);
        // `y`: two characters were taken out before it.
        assert_eq!(c.original_column(2, 15), 17);
        assert_eq!(c.original_column(1, 2), 2);
    }

    #[test]
    fn joiners_in_emoji_and_words_of_other_scripts_stay() {
        for kept in ["👩\u{200D}💻", "می\u{200C}خواهم", "plain text"] {
            assert!(clean(kept).is_none(), "{kept:?}");
        }
        let c = clean("saf\u{200D}e \u{200C}x").unwrap();
        assert_eq!(c.text, "safe x");
    }
}
