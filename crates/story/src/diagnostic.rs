//! Diagnostics: one problem in a story, with where it is and what to do.

use serde::{Deserialize, Serialize};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The story cannot be built until this is fixed.
    Error,
    /// The story builds, but probably not as the author meant.
    Warning,
}

/// One problem in a story file, with its position and a suggested fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The file as shown to the author (e.g. `stories/x/story.md`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// 1-based line where the marked text ends, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<usize>,
    /// 1-based column just after the marked text, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_column: Option<usize>,
    /// Error or warning.
    pub severity: Severity,
    /// Stable code such as `E0101`, listed in docs/story-format.md.
    pub code: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it, when there is something specific to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// A position in the story file: 1-based line, column and length in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// Number of characters marked (0 = just the position).
    pub len: usize,
}

/// Collects diagnostics for one file.
#[derive(Debug)]
pub(crate) struct Sink {
    file: String,
    /// Everything reported so far, in the order found.
    pub diags: Vec<Diagnostic>,
}

impl Sink {
    /// A sink for `file`.
    pub fn new(file: &str) -> Self {
        Sink {
            file: file.to_owned(),
            diags: Vec::new(),
        }
    }

    /// Reports an error.
    pub fn error(
        &mut self,
        code: &str,
        pos: Pos,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.push(Severity::Error, code, pos, message.into(), help);
    }

    /// Reports a warning.
    pub fn warning(
        &mut self,
        code: &str,
        pos: Pos,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.push(Severity::Warning, code, pos, message.into(), help);
    }

    fn push(
        &mut self,
        severity: Severity,
        code: &str,
        pos: Pos,
        message: String,
        help: Option<String>,
    ) {
        let (end_line, end_column) = if pos.len > 0 {
            (Some(pos.line), Some(pos.column + pos.len))
        } else {
            (None, None)
        };
        self.diags.push(Diagnostic {
            file: self.file.clone(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            end_line,
            end_column,
            severity,
            code: code.to_owned(),
            message,
            help,
        });
    }
}
