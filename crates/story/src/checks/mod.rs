//! Checks that catch what authors get wrong and readers would see: each in
//! its own file, called from the parser (settings) or from `check_assets`
//! (settings against the data).
//!
//! - `colour`: the help for a colour that cannot be read.
//! - `encoding`: the spellings of a join's `encoding`.
//! - `style`: `choropleth`, `categories` and `circles` (scheme names, the
//!   properties they name, `colors` keys that YAML reads as `true`/`false`).
//! - `conditions`: `filter` and `highlight` read as the player reads them.
//! - `figures`: figures in the text against the layers (parser) and
//!   computed from their data (`check_assets`), which fills them in.
//! - `charts`: ```chart blocks read (parser), checked against their layer
//!   and computed from its data (`check_assets`), which draws them in.
//! - `links`: links to step ids that do not exist.
//! - `numbers`: a German thousands dot in an expression or a condition.
//! - `tabs`: where a tab is that YAML refuses.
//! - `theme`: the contrast of the page's text colours (W0019).
//! - `translations`: the other versions are stories in their language
//!   beside this one, naming it back.
//! - `data`: settings against the data (swapped CSV coordinates, a fit
//!   decided by one far-away feature, `extrude` on points or lines).

pub(crate) mod charts;
pub(crate) mod colour;
pub(crate) mod conditions;
pub(crate) mod contrast;
pub(crate) mod data;
pub(crate) mod encoding;
pub(crate) mod figures;
pub(crate) mod links;
pub(crate) mod numbers;
pub(crate) mod style;
pub(crate) mod tabs;
pub(crate) mod theme;
pub(crate) mod translations;

use crate::diagnostic::Pos;
use crate::walk::Walker;
use crate::yaml::Node;

/// The position of characters `start..start + len` of the text value `v`
/// (whose text is `text`): exact when the value is written on its line as
/// it reads (plain, or in quotes without escapes), else the value's start.
pub(crate) fn pos_in_text(
    w: &Walker<'_, '_>,
    v: &Node,
    text: &str,
    start: usize,
    len: usize,
) -> Pos {
    TextPos::of(w, v, text).at(start, len)
}

/// Where a text value sits on its line, to place characters inside it
/// (see [`pos_in_text`]); taken once, then used while the walker reports.
pub(crate) struct TextPos {
    pos: Pos,
    quoted: bool,
    exact: bool,
}

impl TextPos {
    /// The text value `v`, whose text is `text`.
    pub(crate) fn of(w: &Walker<'_, '_>, v: &Node, text: &str) -> Self {
        let line = w.line_of(v);
        let quoted = line
            .chars()
            .nth(v.column.saturating_sub(1))
            .is_some_and(|c| c == '"' || c == '\'');
        TextPos {
            pos: w.pos(v),
            quoted,
            exact: !text.contains('\n') && line.contains(text),
        }
    }

    /// Characters `start..start + len` of the text.
    pub(crate) fn at(&self, start: usize, len: usize) -> Pos {
        if self.exact {
            Pos {
                column: self.pos.column + usize::from(self.quoted) + start,
                len,
                ..self.pos
            }
        } else {
            self.pos
        }
    }
}
