//! `{field}` templates: the text of a layer's `tooltip` and `label`, with
//! feature properties named in braces.
//!
//! One reader for every user: `twinstory validate` reports its errors at
//! their positions, the build keeps the properties it names, and the player
//! renders it. The rules (as `docs/story-format.md` and `docs/styling.md`
//! state them):
//! - `{name}` is the property `name`; spaces around the name do not count.
//! - `{{` and `}}` are a brace as text; a `}` on its own is text too.
//! - A `{` without its `}` (another `{` or the end comes first) is an error
//!   for the author; the player shows it, and everything after it, as text.
//! - An empty `{}` is an error for the author; the player renders it as a
//!   property that is missing.

use std::ops::Range;

/// One piece of a template, borrowed from its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text as shown (a `{{` or `}}` in the template is one brace here).
    Text(&'a str),
    /// `{name}`: the name without the spaces around it (empty for `{}`),
    /// and the bytes from `{` to `}` in the template.
    Field {
        /// The property's name.
        name: &'a str,
        /// Byte range of the braces and what is between them.
        span: Range<usize>,
    },
    /// A `{` without its `}`: the rest of the template from that brace,
    /// which is shown as text.
    Unclosed {
        /// The rest of the template, starting with the `{`.
        text: &'a str,
        /// Byte offset of the `{`.
        at: usize,
    },
}

/// What is wrong with a template, with byte positions in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// A `{` without its `}`.
    Unclosed {
        /// Byte offset of the `{`.
        at: usize,
    },
    /// `{}` (or braces with only spaces) names no property.
    Empty {
        /// Byte range of the braces.
        span: Range<usize>,
    },
}

/// A `{field}` template, read once.
///
/// # Examples
/// ```
/// use twinstory_model::template::Template;
/// let t = Template::parse("{name}: {{ {rate} }}");
/// assert_eq!(t.fields().collect::<Vec<_>>(), ["name", "rate"]);
/// assert_eq!(t.render(|f| f.to_uppercase()), "NAME: { RATE }");
/// assert!(t.errors().is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template<'a> {
    pieces: Vec<Piece<'a>>,
}

impl<'a> Template<'a> {
    /// Reads a template. It never fails: a broken template reads as the
    /// player shows it, and [`Template::errors`] says what is wrong.
    ///
    /// # Examples
    /// ```
    /// use twinstory_model::template::{Template, TemplateError};
    /// let t = Template::parse("a {} b {name");
    /// assert_eq!(
    ///     t.errors(),
    ///     [TemplateError::Empty { span: 2..4 }, TemplateError::Unclosed { at: 7 }]
    /// );
    /// assert_eq!(t.render(|_| "–".into()), "a – b {name");
    /// ```
    pub fn parse(text: &'a str) -> Self {
        let mut pieces = Vec::new();
        let bytes = text.as_bytes();
        let mut start = 0; // start of the text run not yet pushed
        let mut i = 0;
        while i < bytes.len() {
            let next = bytes.get(i + 1).copied();
            match bytes[i] {
                b'{' | b'}' if next == Some(bytes[i]) => {
                    // A doubled brace: one brace of text.
                    push_text(&mut pieces, &text[start..=i]);
                    i += 2;
                    start = i;
                }
                b'{' => {
                    push_text(&mut pieces, &text[start..i]);
                    let close = bytes[i + 1..]
                        .iter()
                        .position(|b| matches!(b, b'{' | b'}'))
                        .map(|e| i + 1 + e)
                        .filter(|e| bytes[*e] == b'}');
                    let Some(end) = close else {
                        pieces.push(Piece::Unclosed {
                            text: &text[i..],
                            at: i,
                        });
                        return Self { pieces };
                    };
                    pieces.push(Piece::Field {
                        name: text[i + 1..end].trim(),
                        span: i..end + 1,
                    });
                    i = end + 1;
                    start = i;
                }
                _ => i += 1,
            }
        }
        push_text(&mut pieces, &text[start..]);
        Self { pieces }
    }

    /// The pieces in order.
    pub fn pieces(&self) -> &[Piece<'a>] {
        &self.pieces
    }

    /// The property names the template uses, in order (repeats included,
    /// empty `{}` left out).
    pub fn fields(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.named_fields().map(|(name, _)| name)
    }

    /// The property names with the byte range of their `{…}`.
    pub fn named_fields(&self) -> impl Iterator<Item = (&'a str, Range<usize>)> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Field { name, span } if !name.is_empty() => Some((*name, span.clone())),
            _ => None,
        })
    }

    /// What the author must fix, in order; empty for a good template.
    pub fn errors(&self) -> Vec<TemplateError> {
        self.pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Field { name: "", span } => {
                    Some(TemplateError::Empty { span: span.clone() })
                }
                Piece::Unclosed { at, .. } => Some(TemplateError::Unclosed { at: *at }),
                _ => None,
            })
            .collect()
    }

    /// The text with each field replaced by `value(name)` (`""` for `{}`).
    pub fn render(&self, mut value: impl FnMut(&str) -> String) -> String {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) | Piece::Unclosed { text: t, .. } => out.push_str(t),
                Piece::Field { name, .. } => out.push_str(&value(name)),
            }
        }
        out
    }
}

fn push_text<'a>(pieces: &mut Vec<Piece<'a>>, t: &'a str) {
    if !t.is_empty() {
        pieces.push(Piece::Text(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(t: &str) -> Vec<&str> {
        Template::parse(t).fields().collect()
    }

    fn show(t: &str) -> String {
        Template::parse(t).render(|f| format!("<{f}>"))
    }

    #[test]
    fn fields_are_found_and_braces_escaped() {
        assert_eq!(
            fields("{name}: {Unter 18-Jährige} {{x}}"),
            ["name", "Unter 18-Jährige"]
        );
        assert_eq!(fields("{{{name}}}"), ["name"]);
        assert_eq!(fields("{ name }"), ["name"]);
        assert_eq!(show("{{{name}}}"), "{<name>}");
        assert_eq!(show("a }} b } c"), "a } b } c");
        assert_eq!(show(""), "");
        assert_eq!(show("Fläche: {name} ✓"), "Fläche: <name> ✓");
    }

    #[test]
    fn errors_have_positions_for_the_author() {
        // The `{` of an unclosed field; reading stops there.
        let t = Template::parse("Ort: {name");
        assert_eq!(t.errors(), [TemplateError::Unclosed { at: 5 }]);
        assert_eq!(t.fields().count(), 0);
        // Another `{` before the `}` leaves the first one unclosed.
        let t = Template::parse("{a {b}");
        assert_eq!(t.errors(), [TemplateError::Unclosed { at: 0 }]);
        assert_eq!(t.render(|_| "x".into()), "{a {b}");
        // Every empty field, with its braces; byte offsets after non-ASCII text.
        let t = Template::parse("ä {} {name} { }");
        assert_eq!(
            t.errors(),
            [
                TemplateError::Empty { span: 3..5 },
                TemplateError::Empty { span: 13..16 }
            ]
        );
        assert_eq!(t.named_fields().collect::<Vec<_>>(), [("name", 6..12)]);
        assert_eq!(t.render(|f| format!("[{f}]")), "ä [] [name] []");
    }
}
