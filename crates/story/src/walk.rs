//! Typed reading of a YAML tree, reporting every problem with its file position.

use crate::diagnostic::{Pos, Sink};
use crate::source::LineIndex;
use crate::suggest::did_you_mean;
use crate::yaml::{Kind, Node};

/// Reads one YAML block (front matter or a ```step block) of the story file.
pub(crate) struct Walker<'s, 't> {
    /// Where diagnostics go.
    pub sink: &'s mut Sink,
    /// The YAML text, for the raw text of scalars.
    yaml: LineIndex<'t>,
    /// File line of the YAML text's first line, minus one.
    line_offset: usize,
    /// Columns to add (for indented fences).
    col_offset: usize,
    /// How many unknown settings were reported (to skip follow-up "missing" errors).
    pub unknown: usize,
}

/// What a YAML node is, in words for authors.
pub(crate) fn kind_name(k: &Kind) -> String {
    match k {
        Kind::Null => "empty".into(),
        Kind::Bool(b) => format!("`{b}`"),
        Kind::Int(i) => format!("the number {i}"),
        Kind::Float(f) => format!("the number {f}"),
        Kind::Str(s) => {
            let short: String = s.chars().take(40).collect();
            format!("the text `{short}`")
        }
        Kind::Seq(_) => "a list".into(),
        Kind::Map(_) => "a group of settings".into(),
    }
}

impl<'s, 't> Walker<'s, 't> {
    /// A walker for YAML `text` that starts at file line `first_line`, indented by `col_offset`.
    pub fn new(sink: &'s mut Sink, text: &'t str, first_line: usize, col_offset: usize) -> Self {
        Walker {
            sink,
            yaml: LineIndex::new(text),
            line_offset: first_line.saturating_sub(1),
            col_offset,
            unknown: 0,
        }
    }

    /// The node's position in the story file.
    pub fn pos(&self, n: &Node) -> Pos {
        Pos {
            line: n.line + self.line_offset,
            column: n.column + self.col_offset,
            len: n.len,
        }
    }

    /// A position in the YAML text, moved into the story file.
    pub fn file_pos(&self, line: usize, column: usize) -> Pos {
        Pos {
            line: line + self.line_offset,
            column: column + self.col_offset,
            len: 0,
        }
    }

    /// The YAML line the node is on.
    pub fn line_of(&self, n: &Node) -> &'t str {
        self.yaml.line_text(n.line)
    }

    /// The node's text as written (for numbers and `true`/`false` used as text).
    pub(crate) fn raw(&self, n: &Node) -> String {
        self.yaml
            .line_text(n.line)
            .chars()
            .skip(n.column.saturating_sub(1))
            .take(n.len)
            .collect()
    }

    /// Reports a value of the wrong type.
    pub fn wrong_type(&mut self, n: &Node, name: &str, expected: &str, example: &str) {
        let pos = self.pos(n);
        // `radius: 3,5`: a German decimal comma.
        let help = match &n.kind {
            Kind::Str(s) if expected.contains("number") => decimal_point(s)
                .map(|d| format!("numbers are written with a decimal point: `{name}: {d}`")),
            _ => None,
        };
        self.sink.error(
            "E0021",
            pos,
            format!(
                "`{name}` must be {expected}, but it is {}",
                kind_name(&n.kind)
            ),
            Some(help.unwrap_or_else(|| format!("write it like this: `{example}`"))),
        );
    }

    /// The entries of a mapping whose keys are in `allowed`; reports other keys.
    ///
    /// `what` names the group in messages ("the front matter", "`view`").
    pub fn fields<'n>(
        &mut self,
        n: &'n Node,
        allowed: &[&str],
        what: &str,
        example: &str,
    ) -> Option<Vec<(&'n str, &'n Node, &'n Node)>> {
        self.fields_beside(n, allowed, what, example, None)
    }

    /// As [`Walker::fields`], for a group that holds another, `nested`
    /// (its setting names and its own name): a key of the nested group
    /// written one level too high is told where it belongs (`label:` beside
    /// `style:` instead of under it).
    pub fn fields_beside<'n>(
        &mut self,
        n: &'n Node,
        allowed: &[&str],
        what: &str,
        example: &str,
        nested: Option<(&[&str], &str)>,
    ) -> Option<Vec<(&'n str, &'n Node, &'n Node)>> {
        let Kind::Map(entries) = &n.kind else {
            if n.kind == Kind::Null {
                return Some(Vec::new());
            }
            self.wrong_type(
                n,
                what.trim_matches('`'),
                "a group of settings (`name: value` lines)",
                example,
            );
            return None;
        };
        let mut out = Vec::new();
        let mut before: Option<(&Node, &Node)> = None;
        for (k, v) in entries {
            let previous = before.replace((k, v));
            let Kind::Str(key) = &k.kind else {
                let pos = self.pos(k);
                // `{ zoom: 13,6 }`: inside braces the comma of a German
                // decimal number starts another setting, `6`.
                let comma = match (previous, &k.kind, &v.kind) {
                    (Some((pk, pv)), Kind::Int(_), Kind::Null)
                        if matches!(pv.kind, Kind::Int(_)) =>
                    {
                        Some(format!(
                            "a decimal comma? Inside `{{ }}` a comma starts the next setting; numbers are written with a decimal point: `{}: {}.{}`",
                            self.raw(pk),
                            self.raw(pv),
                            self.raw(k)
                        ))
                    }
                    _ => None,
                };
                self.sink.error(
                    "E0020",
                    pos,
                    format!("{} is not a setting name in {what}", kind_name(&k.kind)),
                    comma.or_else(|| did_you_mean("", allowed, "the settings here are")),
                );
                continue;
            };
            if allowed.contains(&key.as_str()) {
                out.push((key.as_str(), k, v));
            } else {
                let pos = self.pos(k);
                self.unknown += 1;
                let close = crate::suggest::closest(key, allowed.iter().copied());
                // `{ duration: 7,5s }`: a decimal comma before a unit.
                let digits_first = |t: &str| t.starts_with(|c: char| c.is_ascii_digit());
                let comma = match previous {
                    Some((pk, pv))
                        if v.kind == Kind::Null
                            && digits_first(key)
                            && key.chars().all(|c| c.is_ascii_alphanumeric())
                            && matches!(pv.kind, Kind::Int(_)) =>
                    {
                        Some(format!(
                            "a decimal comma? Inside `{{ }}` a comma starts the next setting; numbers are written with a decimal point: `{}: {}.{key}`",
                            self.raw(pk),
                            self.raw(pv)
                        ))
                    }
                    _ => None,
                };
                let help = match nested {
                    _ if comma.is_some() => comma,
                    Some((names, home)) if close.is_none() && names.contains(&key.as_str()) => {
                        Some(format!(
                            "`{key}` is a setting of `{home}`: indent it under `{home}:`"
                        ))
                    }
                    _ => did_you_mean(key, allowed, "the settings here are"),
                };
                self.sink.error(
                    "E0020",
                    pos,
                    format!("unknown setting `{key}` in {what}"),
                    help,
                );
            }
        }
        Some(out)
    }

    /// Text; numbers and `true`/`false` are taken as written.
    pub fn text(&mut self, n: &Node, name: &str, example: &str) -> Option<String> {
        match &n.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Int(_) | Kind::Float(_) | Kind::Bool(_) => Some(self.raw(n)),
            Kind::Null => {
                let pos = self.pos(n);
                self.sink.error(
                    "E0022",
                    pos,
                    format!("`{name}` is empty"),
                    Some(format!(
                        "write a value after the colon, e.g. `{example}`, or delete the line"
                    )),
                );
                None
            }
            _ => {
                self.wrong_type(n, name, "text", example);
                None
            }
        }
    }

    /// A list of texts; a single text counts as a list of one.
    pub fn text_list(&mut self, n: &Node, name: &str, example: &str) -> Vec<String> {
        match &n.kind {
            Kind::Seq(items) => items
                .iter()
                .filter_map(|i| self.text(i, name, example))
                .collect(),
            Kind::Null => Vec::new(),
            _ => self.text(n, name, example).into_iter().collect(),
        }
    }

    /// `true` or `false` (also written as `yes` / `no` or `on` / `off`,
    /// which YAML 1.1 habits suggest).
    pub fn boolean(&mut self, n: &Node, name: &str, example: &str) -> Option<bool> {
        match &n.kind {
            Kind::Bool(b) => Some(*b),
            Kind::Str(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" => Some(true),
                "false" | "no" | "off" => Some(false),
                _ => {
                    self.wrong_type(n, name, "`true` or `false`", example);
                    None
                }
            },
            _ => {
                self.wrong_type(n, name, "`true` or `false`", example);
                None
            }
        }
    }

    /// A number.
    pub fn number(&mut self, n: &Node, name: &str, example: &str) -> Option<f64> {
        match &n.kind {
            Kind::Int(i) => Some(*i as f64),
            Kind::Float(f) if f.is_finite() => Some(*f),
            _ => {
                self.wrong_type(n, name, "a number", example);
                None
            }
        }
    }

    /// A number within `min..=max`; reports values outside.
    pub fn number_in(
        &mut self,
        n: &Node,
        name: &str,
        example: &str,
        min: f64,
        max: f64,
        meaning: &str,
    ) -> Option<f64> {
        let v = self.number(n, name, example)?;
        if v < min || v > max {
            let pos = self.pos(n);
            self.sink.error(
                "E0030",
                pos,
                format!("`{name}` is {v}, but it must be between {min} and {max}"),
                Some(meaning.to_owned()),
            );
            return None;
        }
        Some(v)
    }

    /// Reports a required setting that is missing from a group.
    pub fn missing(&mut self, group: &Node, name: &str, what: &str, example: &str) {
        let pos = self.pos(group);
        self.sink.error(
            "E0022",
            pos,
            format!("{what} has no `{name}`"),
            Some(format!("add `{example}`")),
        );
    }

    /// Reports a value that is not one of the allowed words.
    pub fn not_one_of(&mut self, n: &Node, name: &str, value: &str, allowed: &[&str]) {
        let pos = self.pos(n);
        let help = did_you_mean(value, allowed, "it can be one of");
        self.sink.error(
            "E0023",
            pos,
            format!("`{value}` is not a valid `{name}`"),
            help,
        );
    }
}

/// True for ids made of letters, digits, `-` and `_`.
pub(crate) fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// `text` with its decimal comma made a point, when it is a number written
/// the German way (`3,5`, `-0,25`); else `None`.
pub(crate) fn decimal_point(text: &str) -> Option<String> {
    let t = text.trim();
    let (int, frac) = t.split_once(',')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(int.strip_prefix('-').unwrap_or(int)) && digits(frac)).then(|| format!("{int}.{frac}"))
}
