//! Writing a step's `view` into story.md for the preview's view picker.
//!
//! The author's file is edited as text, not parsed and written back: only
//! the bytes of one step's `view` (or `view-narrow`) change, so comments,
//! key order, quoting, blank lines and line endings stay exactly as they
//! were. Steps are found as [`crate::parse_story`] finds them: every `##`
//! heading at the top level of the Markdown starts one, a `#` heading ends
//! it, and its ```` ```step ```` block is the first one below its heading.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag};
use std::fmt;
use std::ops::Range;
use twinstory_model::{FitTarget, View};

/// Which of a step's views to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKey {
    /// `view`: the view of every map wider than a phone's.
    View,
    /// `view-narrow`: the view of maps at most 720 CSS pixels wide.
    ViewNarrow,
}

impl ViewKey {
    /// The setting's name in a step block.
    pub fn name(self) -> &'static str {
        match self {
            ViewKey::View => "view",
            ViewKey::ViewNarrow => "view-narrow",
        }
    }
}

/// Why a view could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// The file has fewer steps than the one asked for.
    NoSuchStep {
        /// The step asked for (0-based).
        index: usize,
        /// How many steps the file has.
        count: usize,
    },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::NoSuchStep { index, count } => write!(
                f,
                "story.md has {count} steps, so there is no step {}",
                index + 1
            ),
        }
    }
}

impl std::error::Error for EditError {}

/// A number rounded to `decimals`, written without trailing zeros (`13.2`,
/// `30`, never `-0`).
///
/// # Examples
/// ```
/// use twinstory_story::edit::format_number;
/// assert_eq!(format_number(13.2049, 2), "13.2");
/// assert_eq!(format_number(-0.0001, 1), "0");
/// assert_eq!(format_number(9.987_204, 5), "9.9872");
/// ```
pub fn format_number(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "0".to_owned();
    }
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s.as_str()
    };
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// A view rounded as authors write it: degrees to 5 decimals (about a
/// metre), zoom to 2, bearing and pitch to 1; the bearing within
/// −180…180.
pub fn rounded_view(view: &View) -> View {
    let deg = |x: f64| round_to(x, 5);
    let mut bearing = round_to(view.bearing, 1) % 360.0;
    if bearing > 180.0 {
        bearing -= 360.0;
    } else if bearing <= -180.0 {
        bearing += 360.0;
    }
    View {
        center: view.center.map(|[x, y]| [deg(x), deg(y)]),
        zoom: view.zoom.map(|z| round_to(z, 2)),
        bearing: bearing + 0.0,
        pitch: round_to(view.pitch, 1) + 0.0,
        fit: view.fit.clone().map(|f| match f {
            FitTarget::Bbox(b) => FitTarget::Bbox(b.map(deg)),
            layer => layer,
        }),
    }
}

fn round_to(x: f64, decimals: i32) -> f64 {
    if !x.is_finite() {
        return 0.0;
    }
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// The view in the flow form docs/story-format.md documents, rounded
/// (see [`rounded_view`]); `bearing` and `pitch` only when not 0.
///
/// # Examples
/// ```
/// use twinstory_model::View;
/// use twinstory_story::edit::view_yaml;
/// let v = View { center: Some([9.987_204, 53.550_31]), zoom: Some(13.204), bearing: 30.0, pitch: 45.0, fit: None };
/// assert_eq!(view_yaml(&v), "{ center: [9.9872, 53.55031], zoom: 13.2, bearing: 30, pitch: 45 }");
/// ```
pub fn view_yaml(view: &View) -> String {
    format!("{{ {} }}", view_entries(view).join(", "))
}

/// The view's settings as `name: value` texts, in the documented order.
fn view_entries(view: &View) -> Vec<String> {
    let v = rounded_view(view);
    let deg = |x: f64| format_number(x, 5);
    let mut out = Vec::new();
    match &v.fit {
        Some(FitTarget::Bbox(b)) => {
            let b: Vec<String> = b.iter().map(|&x| deg(x)).collect();
            out.push(format!("fit: [{}]", b.join(", ")));
        }
        Some(FitTarget::Layer(id)) => {
            let plain = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            let id = if plain {
                id.clone()
            } else {
                serde_json::Value::String(id.clone()).to_string()
            };
            out.push(format!("fit: {id}"));
        }
        None => {
            if let Some([x, y]) = v.center {
                out.push(format!("center: [{}, {}]", deg(x), deg(y)));
            }
            if let Some(z) = v.zoom {
                out.push(format!("zoom: {}", format_number(z, 2)));
            }
        }
    }
    if v.bearing != 0.0 {
        out.push(format!("bearing: {}", format_number(v.bearing, 1)));
    }
    if v.pitch != 0.0 {
        out.push(format!("pitch: {}", format_number(v.pitch, 1)));
    }
    out
}

/// Where a step is in the file (byte ranges).
#[derive(Debug, Clone, PartialEq, Eq)]
struct StepPlace {
    /// The heading.
    heading: Range<usize>,
    /// Its ```` ```step ```` block, fences included.
    block: Option<Range<usize>>,
}

/// Byte offset where the Markdown body starts (after the front matter).
fn body_start(text: &str) -> usize {
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else { return 0 };
    if first.trim_start_matches('\u{feff}').trim_end() != "---" {
        return 0;
    }
    let mut at = first.len();
    for line in lines {
        at += line.len();
        if matches!(line.trim_end(), "---" | "...") {
            return at;
        }
    }
    0
}

/// The steps of the text, in order.
fn steps(text: &str) -> Vec<StepPlace> {
    let start = body_start(text);
    let body = &text[start..];
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out: Vec<StepPlace> = Vec::new();
    // The step whose block may still come (none after a `#` heading).
    let mut open: Option<usize> = None;
    let mut depth = 0usize;
    for (ev, r) in Parser::new_ext(body, opts).into_offset_iter() {
        let r = r.start + start..r.end + start;
        match ev {
            Event::Start(Tag::Heading { level, .. }) if depth == 0 => {
                if level == HeadingLevel::H2 {
                    open = Some(out.len());
                    out.push(StepPlace {
                        heading: r,
                        block: None,
                    });
                } else if level == HeadingLevel::H1 {
                    open = None;
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info)))
                if depth == 0 && info.split_whitespace().next() == Some("step") =>
            {
                if let Some(step) = open.and_then(|i| out.get_mut(i)) {
                    if step.block.is_none() {
                        step.block = Some(r);
                    }
                }
            }
            _ => {}
        }
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    out
}

/// The line break a line ends with (`\r\n`, `\n` or none).
fn line_break(line: &str) -> &str {
    if line.ends_with("\r\n") {
        "\r\n"
    } else if line.ends_with('\n') {
        "\n"
    } else {
        ""
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Whether a line holds nothing but blanks or a comment.
fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// If `line` (its indentation cut off) is the setting `key`, the byte
/// offset just after its `:`.
fn key_colon(line: &str, key: &str) -> Option<usize> {
    let (name, rest_at) = if let Some(q) = line.strip_prefix(['"', '\'']) {
        let quote = &line[..1];
        let end = q.find(quote)?;
        (&q[..end], end + 2)
    } else {
        let end = line.find(':')?;
        (line[..end].trim_end_matches([' ', '\t']), end)
    };
    if name != key {
        return None;
    }
    let after = line[rest_at..].trim_start_matches([' ', '\t']);
    let colon = line.len() - after.len();
    let rest = after.strip_prefix(':')?;
    if rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']) {
        Some(colon + 1)
    } else {
        None
    }
}

/// Scans flow YAML from the start of `text` and returns where its value
/// ends: the byte after the bracket that closes the first one opened, or,
/// for a plain value, where a comment or the line starts. `None` while a
/// bracket is still open at the end of `text`.
fn value_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut prev_blank = true;
    let mut last_solid = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if let Some(q) = quote {
            if c == q {
                // '' inside single quotes is an escaped quote.
                if q == '\'' && iter.peek().map(|&(_, n)| n) == Some('\'') {
                    iter.next();
                    continue;
                }
                quote = None;
                last_solid = i + 1;
            } else if c == '\\' && q == '"' {
                iter.next();
            }
            continue;
        }
        match c {
            '#' if prev_blank => {
                if depth == 0 {
                    return Some(last_solid);
                }
                // A comment inside a flow collection runs to the line's end.
                while iter.peek().is_some_and(|&(_, n)| n != '\n') {
                    iter.next();
                }
                prev_blank = true;
                continue;
            }
            '"' | '\'' if prev_blank || depth > 0 => quote = Some(c),
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            '\n' | '\r' if depth == 0 => return Some(last_solid),
            _ => {}
        }
        prev_blank = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
        if !c.is_whitespace() {
            last_solid = i + c.len_utf8();
        }
    }
    (depth == 0).then_some(last_solid)
}

/// Writes `view` as the `key` of step `step` (0-based, story order) and
/// returns the new text; every byte outside that setting stays as it was.
///
/// - The setting written inline (`view: { … }`, also over several lines)
///   is replaced inline, keeping a comment after it.
/// - Written as a block (`view:` and indented lines), its lines are
///   replaced by the new settings at the same indentation.
/// - A step block without it gets a line after `id:` (or as its first
///   line); a step without a block gets one below its heading.
///
/// New lines take the line break of the block (or heading) they go into.
pub fn set_step_view(
    source: &str,
    step: usize,
    key: ViewKey,
    view: &View,
) -> Result<String, EditError> {
    let places = steps(source);
    let place = places.get(step).ok_or(EditError::NoSuchStep {
        index: step,
        count: places.len(),
    })?;
    let (at, remove, insert) = match &place.block {
        Some(block) => edit_block(source, block.clone(), key, view),
        None => new_block(source, place.heading.clone(), key, view),
    };
    let mut out = String::with_capacity(source.len() + insert.len());
    out.push_str(&source[..at]);
    out.push_str(&insert);
    out.push_str(&source[at + remove..]);
    Ok(out)
}

/// A new step block below the heading: (offset, bytes removed, insertion).
fn new_block(
    source: &str,
    heading: Range<usize>,
    key: ViewKey,
    view: &View,
) -> (usize, usize, String) {
    // The heading's last line (a `---` underline, or the `##` line).
    let end = heading.end.min(source.len());
    let start = heading.start.min(end);
    let end = start + source[start..end].trim_end_matches(['\r', '\n']).len();
    let line_start = source[..end].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[end..]
        .find('\n')
        .map_or(source.len(), |i| end + i + 1);
    let heading_line = &source[line_start.min(end)..line_end];
    let heading_line = if heading_line.is_empty() {
        &source[line_start..]
    } else {
        heading_line
    };
    let nl = match line_break(heading_line) {
        "" => "\n",
        b => b,
    };
    let lead = if source[..line_end].ends_with('\n') {
        nl.to_owned()
    } else {
        format!("{nl}{nl}")
    };
    let block = format!(
        "{lead}```step{nl}{}: {}{nl}```{nl}",
        key.name(),
        view_yaml(view)
    );
    (line_end, 0, block)
}

/// An edit inside an existing step block: (offset, bytes removed, insertion).
fn edit_block(
    source: &str,
    block: Range<usize>,
    key: ViewKey,
    view: &View,
) -> (usize, usize, String) {
    let text = &source[block.clone()];
    // Lines with their offsets in `source`.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = block.start;
    for l in text.split_inclusive('\n') {
        lines.push((at, l));
        at += l.len();
    }
    let fence = lines.first().map_or("", |&(_, l)| l);
    let fence_indent = &fence[..indent_of(fence)];
    let nl = match line_break(fence) {
        "" => "\n",
        b => b,
    };
    // The content: every line after the opening fence, but the closing one.
    let fence_chars = fence
        .trim_start()
        .chars()
        .take_while(|&c| c == '`' || c == '~');
    let fence_len = fence_chars.clone().count();
    let fence_char = fence.trim_start().chars().next().unwrap_or('`');
    let closed = lines.len() > 1
        && lines.last().is_some_and(|&(_, l)| {
            let t = l.trim();
            t.len() >= fence_len && t.chars().all(|c| c == fence_char)
        });
    let content_end = if closed { lines.len() - 1 } else { lines.len() };
    let content = lines.get(1..content_end).unwrap_or(&[]);
    // The block's top-level settings are at the indentation of its first one.
    let base = content
        .iter()
        .find(|(_, l)| !is_blank_or_comment(l))
        .map(|&(_, l)| indent_of(l));
    let name = key.name();
    let found = base.and_then(|base| {
        content.iter().enumerate().find_map(|(i, &(off, l))| {
            (indent_of(l) == base && !is_blank_or_comment(l))
                .then(|| key_colon(&l[base..], name).map(|c| (i, off, base + c)))
                .flatten()
        })
    });
    if let (Some((i, off, colon)), Some(base)) = (found, base) {
        let line = content[i].1;
        let rest = &line[colon..];
        let first_value = rest.trim_start_matches([' ', '\t']);
        let inline = !is_blank_or_comment(first_value);
        if inline {
            // From the value's first byte to its end, which may be lines on.
            let start = off + colon + (rest.len() - first_value.len());
            let until = block.start + text.len();
            let line_end = off + line.trim_end_matches(['\r', '\n']).len();
            let end = value_end(&source[start..until]).map_or(line_end, |e| start + e);
            let yaml = view_yaml(view);
            return (start, end - start, yaml);
        }
        // A block mapping: the deeper lines below, up to the last one that
        // holds a setting (comments after it stay with what follows).
        let mut last = None;
        for (j, &(_, l)) in content.iter().enumerate().skip(i + 1) {
            if is_blank_or_comment(l) {
                continue;
            }
            if indent_of(l) <= base {
                break;
            }
            last = Some(j);
        }
        let line_end = off + line.len();
        let Some(last) = last else {
            // `view:` with nothing below: write the value on its line.
            let colon_at = off + colon;
            let end = off + line.trim_end_matches(['\r', '\n']).len();
            let comment = &source[colon_at..end];
            let comment = comment.trim_start_matches([' ', '\t']);
            let tail = if comment.is_empty() {
                String::new()
            } else {
                format!(" {comment}")
            };
            return (
                colon_at,
                end - colon_at,
                format!(" {}{tail}", view_yaml(view)),
            );
        };
        // The new settings take the indentation of the first old one.
        let child_indent = content
            .get(i + 1..=last)
            .unwrap_or(&[])
            .iter()
            .find(|(_, l)| !is_blank_or_comment(l))
            .map_or_else(
                || " ".repeat(base + 2),
                |&(_, l)| l[..indent_of(l)].to_owned(),
            );
        let (last_off, last_line) = content[last];
        let last_nl = line_break(last_line);
        let mut new = String::new();
        let entries = view_entries(view);
        for (k, e) in entries.iter().enumerate() {
            new.push_str(&child_indent);
            new.push_str(e);
            new.push_str(if k + 1 < entries.len() { nl } else { last_nl });
        }
        let end = last_off + last_line.len();
        return (line_end, end - line_end, new);
    }
    // No such setting: a new line after `id:`, else first; `view-narrow`
    // goes after `view` when the block has one.
    let indent = base.map_or_else(
        || fence_indent.to_owned(),
        |b| {
            content
                .iter()
                .find(|(_, l)| !is_blank_or_comment(l))
                .map_or(String::new(), |&(_, l)| l[..b].to_owned())
        },
    );
    let after = |setting: &str| {
        base.and_then(|b| {
            content.iter().position(|&(_, l)| {
                indent_of(l) == b
                    && !is_blank_or_comment(l)
                    && key_colon(&l[b..], setting).is_some()
            })
        })
        .map(|i| {
            // The setting's end: its line and any deeper lines below it.
            let mut end = i;
            for (j, &(_, l)) in content.iter().enumerate().skip(i + 1) {
                if is_blank_or_comment(l) {
                    continue;
                }
                if base.is_some_and(|b| indent_of(l) <= b) {
                    break;
                }
                end = j;
            }
            end
        })
    };
    let anchor = match key {
        ViewKey::ViewNarrow => after("view").or_else(|| after("id")),
        ViewKey::View => after("id"),
    };
    let line = format!("{indent}{name}: {}", view_yaml(view));
    match anchor {
        Some(i) => {
            let (off, l) = content[i];
            let end = off + l.len();
            if line_break(l).is_empty() {
                (end, 0, format!("{nl}{line}"))
            } else {
                (end, 0, format!("{line}{nl}"))
            }
        }
        None => {
            let (off, l) = lines[0];
            (off + l.len(), 0, format!("{line}{nl}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_story;

    fn picked() -> View {
        View {
            center: Some([9.987_204_4, 53.550_312]),
            zoom: Some(13.2049),
            bearing: 30.04,
            pitch: 45.0,
            fit: None,
        }
    }

    const NEW: &str = "{ center: [9.9872, 53.55031], zoom: 13.2, bearing: 30, pitch: 45 }";

    fn story(body: &str) -> String {
        format!("---\ntitle: Test\nlayers:\n  quarters:\n    source: {{ type: geojson, url: q.geojson }}\n---\n\n# Test\n\n{body}")
    }

    /// Edits, checks that only `from` became `to`, and that the story reads
    /// the new view in that step.
    fn check(body: &str, step: usize, from: &str, to: &str) -> String {
        let src = story(body);
        let out = set_step_view(&src, step, ViewKey::View, &picked()).unwrap();
        assert_eq!(out, src.replacen(from, to, 1), "edited:\n{out}");
        let parsed = parse_story("story.md", out.as_bytes());
        let s = parsed.story.expect("reads");
        let v = s.steps[step].view.as_ref().expect("a view");
        assert_eq!(v.center, Some([9.9872, 53.55031]));
        assert_eq!((v.zoom, v.bearing, v.pitch), (Some(13.2), 30.0, 45.0));
        out
    }

    #[test]
    fn numbers_are_rounded_as_authors_write_them() {
        assert_eq!(format_number(13.0, 2), "13");
        assert_eq!(format_number(-0.04, 1), "0");
        assert_eq!(format_number(53.550_004, 5), "53.55");
        assert_eq!(format_number(f64::NAN, 2), "0");
        let v = View {
            center: Some([9.0, 53.5]),
            zoom: Some(12.0),
            bearing: 0.04,
            pitch: 0.0,
            fit: None,
        };
        assert_eq!(view_yaml(&v), "{ center: [9, 53.5], zoom: 12 }");
        let turned = View {
            bearing: 350.0,
            ..v.clone()
        };
        assert_eq!(
            view_yaml(&turned),
            "{ center: [9, 53.5], zoom: 12, bearing: -10 }"
        );
        let fit = View {
            center: None,
            zoom: None,
            bearing: 0.0,
            pitch: 20.0,
            fit: Some(FitTarget::Bbox([9.723_456, 53.39, 10.33, 53.741_111_1])),
        };
        assert_eq!(
            view_yaml(&fit),
            "{ fit: [9.72346, 53.39, 10.33, 53.74111], pitch: 20 }"
        );
        let layer = View {
            fit: Some(FitTarget::Layer("a b".into())),
            pitch: 0.0,
            ..fit
        };
        assert_eq!(view_yaml(&layer), "{ fit: \"a b\" }");
    }

    #[test]
    fn the_formatted_view_reads_back_as_the_same_view() {
        let yaml = view_yaml(&picked());
        let body = format!("## Eins\n\n```step\nview: {yaml}\nshow: [quarters]\n```\n");
        let parsed = parse_story("story.md", story(&body).as_bytes());
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let s = parsed.story.unwrap();
        assert_eq!(s.steps[0].view, Some(rounded_view(&picked())));
    }

    #[test]
    fn an_inline_view_is_replaced_and_its_comment_kept() {
        check(
            "## Eins\n\n```step\nid: eins   # the link\nview: { fit: quarters }    # all of it\nshow: [quarters]\n```\n\nText.\n",
            0,
            "view: { fit: quarters }    # all of it",
            &format!("view: {NEW}    # all of it"),
        );
    }

    #[test]
    fn only_the_asked_step_changes() {
        let body = "## Eins\n\n```step\nview: { center: [9, 53], zoom: 10 }\n```\n\n## Zwei\n\n```step\nview: { center: [9, 53], zoom: 10 }\n```\n";
        let src = story(body);
        let out = set_step_view(&src, 1, ViewKey::View, &picked()).unwrap();
        let first = src.find("view:").unwrap();
        let second = src.rfind("view:").unwrap();
        assert_eq!(&out[..second], &src[..second]);
        assert!(out[first..].starts_with("view: { center: [9, 53], zoom: 10 }"));
        assert!(out[second..].starts_with(&format!("view: {NEW}\n")));
    }

    #[test]
    fn a_block_view_is_replaced_at_its_indentation() {
        check(
            "## Eins\n\n```step\nview:   # where we look\n    center: [9.9, 53.5]   # Rathaus\n    # the zoom:\n    zoom: 12\n# about the layers\nshow: [quarters]\n```\n",
            0,
            "    center: [9.9, 53.5]   # Rathaus\n    # the zoom:\n    zoom: 12\n",
            "    center: [9.9872, 53.55031]\n    zoom: 13.2\n    bearing: 30\n    pitch: 45\n",
        );
    }

    #[test]
    fn a_flow_view_over_several_lines_is_replaced() {
        check(
            "## Eins\n\n```step\nview: {\n  center: [9.9, 53.5],  # comma, then a comment\n  zoom: 12 }  # end\nshow: [quarters]\n```\n",
            0,
            "{\n  center: [9.9, 53.5],  # comma, then a comment\n  zoom: 12 }",
            NEW,
        );
    }

    #[test]
    fn view_narrow_and_quoted_keys_are_told_apart() {
        let body = "## Eins\n\n```step\nview-narrow: { fit: quarters }\n\"view\": {center: [1, 2], zoom: 3}\n```\n";
        check(
            body,
            0,
            "\"view\": {center: [1, 2], zoom: 3}",
            &format!("\"view\": {NEW}"),
        );
        let src = story(body);
        let out = set_step_view(&src, 0, ViewKey::ViewNarrow, &picked()).unwrap();
        assert_eq!(
            out,
            src.replacen(
                "view-narrow: { fit: quarters }",
                &format!("view-narrow: {NEW}"),
                1
            )
        );
    }

    #[test]
    fn crlf_files_keep_their_line_breaks() {
        let body = "## Eins\r\n\r\n```step\r\nview:\r\n  fit: quarters\r\nshow: [quarters]\r\n```\r\n\r\n## Zwei\r\n\r\n```step\r\nshow: [quarters]\r\n```\r\n\r\n## Drei\r\n\r\nNur Text.\r\n";
        let src = story(body).replace("\r\n", "\n").replace('\n', "\r\n");
        let out = set_step_view(&src, 0, ViewKey::View, &picked()).unwrap();
        assert_eq!(
            out,
            src.replacen(
                "  fit: quarters\r\n",
                "  center: [9.9872, 53.55031]\r\n  zoom: 13.2\r\n  bearing: 30\r\n  pitch: 45\r\n",
                1
            )
        );
        let out = set_step_view(&src, 1, ViewKey::View, &picked()).unwrap();
        assert_eq!(
            out,
            src.replacen(
                "```step\r\nshow: [quarters]\r\n",
                &format!("```step\r\nview: {NEW}\r\nshow: [quarters]\r\n"),
                1
            )
        );
        let out = set_step_view(&src, 2, ViewKey::View, &picked()).unwrap();
        assert_eq!(
            out,
            src.replacen(
                "## Drei\r\n",
                &format!("## Drei\r\n\r\n```step\r\nview: {NEW}\r\n```\r\n"),
                1
            )
        );
        assert!(!out.replace("\r\n", "").contains('\n'), "no bare LF");
    }

    #[test]
    fn a_missing_view_goes_after_the_id() {
        check(
            "## Eins\n\n```step\n# Kommentar über den Schritt\nid: eins\nshow: [quarters]\n```\n",
            0,
            "id: eins\n",
            &format!("id: eins\nview: {NEW}\n"),
        );
        check(
            "## Eins\n\n```step\nshow: [quarters]\n```\n",
            0,
            "```step\n",
            &format!("```step\nview: {NEW}\n"),
        );
        check(
            "## Eins\n\n```step\n```\n",
            0,
            "```step\n",
            &format!("```step\nview: {NEW}\n"),
        );
    }

    #[test]
    fn view_narrow_goes_after_view() {
        let body = "## Eins\n\n```step\nid: eins\nview:\n  fit: quarters\nshow: [quarters]\n```\n";
        let src = story(body);
        let out = set_step_view(&src, 0, ViewKey::ViewNarrow, &picked()).unwrap();
        assert_eq!(
            out,
            src.replacen(
                "  fit: quarters\n",
                &format!("  fit: quarters\nview-narrow: {NEW}\n"),
                1
            )
        );
        let s = parse_story("story.md", out.as_bytes()).story.unwrap();
        assert!(s.steps[0].view_narrow.is_some());
    }

    #[test]
    fn a_step_without_a_block_gets_one_below_its_heading() {
        let out = check(
            "## Dicht an dicht in Eimsbüttel\nText über Spielplätze, ä ö ü ß.\n",
            0,
            "## Dicht an dicht in Eimsbüttel\n",
            &format!("## Dicht an dicht in Eimsbüttel\n\n```step\nview: {NEW}\n```\n"),
        );
        let parsed = parse_story("story.md", out.as_bytes());
        assert!(parsed.diagnostics.iter().all(|d| d.code != "W0001"));
        // A heading on the file's last line, without a line break.
        let src = story("## Ende");
        let out = set_step_view(&src, 0, ViewKey::View, &picked()).unwrap();
        assert_eq!(out, format!("{src}\n\n```step\nview: {NEW}\n```\n"));
        // An underlined heading.
        check(
            "Zwei Zeilen\n-----------\n\nText.\n",
            0,
            "-----------\n",
            &format!("-----------\n\n```step\nview: {NEW}\n```\n"),
        );
    }

    #[test]
    fn umlauts_and_indented_fences_stay_intact() {
        check(
            "## Über Öffnungszeiten\n\n  ```step\n  id: öffnung # Umlaute: äöü\n  view: { center: [9.9, 53.5], zoom: 12 } # Straße\n  ```\n",
            0,
            "{ center: [9.9, 53.5], zoom: 12 }",
            NEW,
        );
        check(
            "## Über Öffnungszeiten\n\n  ```step\n  id: öffnung # Umlaute: äöü\n  ```\n",
            0,
            "  id: öffnung # Umlaute: äöü\n",
            &format!("  id: öffnung # Umlaute: äöü\n  view: {NEW}\n"),
        );
    }

    #[test]
    fn a_view_with_fit_is_written_as_a_fit() {
        let src = story("## Eins\n\n```step\nview: { center: [9, 53], zoom: 10 } # old\n```\n");
        let fit = View {
            fit: Some(FitTarget::Bbox([9.7, 53.4, 10.3, 53.7])),
            ..View::default()
        };
        let out = set_step_view(&src, 0, ViewKey::View, &fit).unwrap();
        assert_eq!(
            out,
            src.replacen(
                "{ center: [9, 53], zoom: 10 }",
                "{ fit: [9.7, 53.4, 10.3, 53.7] }",
                1
            )
        );
        let s = parse_story("story.md", out.as_bytes()).story.unwrap();
        assert_eq!(s.steps[0].view, Some(fit));
    }

    #[test]
    fn steps_are_counted_as_the_parser_counts_them() {
        // A `##` in a code block, in a list or a block quote is no step; a
        // step block after a `#` chapter heading belongs to no step; a
        // second step block is not the step's.
        let body = "```text\n## not a step\n```\n\n- ## nor this\n\n> ## nor this\n\n## Eins\n\n```step\nid: eins\n```\n\n```step\nid: zweiter-block\n```\n\n# Kapitel\n\n```step\nid: verloren\n```\n\n## Zwei\n\nText.\n";
        let src = story(body);
        let parsed = parse_story("story.md", src.as_bytes());
        let n = parsed.story.as_ref().unwrap().steps.len();
        assert_eq!(n, 2);
        let out = set_step_view(&src, 0, ViewKey::View, &picked()).unwrap();
        assert_eq!(
            out,
            src.replacen("id: eins\n", &format!("id: eins\nview: {NEW}\n"), 1)
        );
        let out = set_step_view(&src, 1, ViewKey::View, &picked()).unwrap();
        assert_eq!(
            out,
            src.replacen(
                "## Zwei\n",
                &format!("## Zwei\n\n```step\nview: {NEW}\n```\n"),
                1
            )
        );
        assert_eq!(
            set_step_view(&src, 2, ViewKey::View, &picked()),
            Err(EditError::NoSuchStep { index: 2, count: 2 })
        );
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_front_matter() {
        let src = format!(
            "\u{feff}{}",
            story("## Eins\n\n```step\nshow: [quarters]\n```\n")
        );
        let out = set_step_view(&src, 0, ViewKey::View, &picked()).unwrap();
        assert_eq!(
            out,
            src.replacen("```step\n", &format!("```step\nview: {NEW}\n"), 1)
        );
    }

    #[test]
    fn every_step_of_the_example_stories_takes_a_view_and_nothing_else_changes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../stories");
        let mut stories = 0;
        for entry in std::fs::read_dir(root).unwrap().flatten() {
            let Ok(src) = std::fs::read_to_string(entry.path().join("story.md")) else {
                continue;
            };
            stories += 1;
            let before = parse_story("story.md", src.as_bytes()).story.unwrap();
            for key in [ViewKey::View, ViewKey::ViewNarrow] {
                for i in 0..before.steps.len() {
                    let out = set_step_view(&src, i, key, &picked()).unwrap();
                    let after = parse_story("story.md", out.as_bytes()).story.unwrap();
                    let mut expected = before.steps.clone();
                    match key {
                        ViewKey::View => expected[i].view = Some(rounded_view(&picked())),
                        ViewKey::ViewNarrow => {
                            expected[i].view_narrow = Some(rounded_view(&picked()))
                        }
                    }
                    assert_eq!(after.steps, expected, "{:?} step {i}", entry.path());
                    // Only lines of that step changed: the text before its
                    // heading is the same.
                    let heading = steps(&src)[i].heading.start;
                    assert_eq!(out[..heading], src[..heading]);
                }
            }
        }
        assert!(stories >= 2, "the example stories were read");
    }

    #[test]
    fn quotes_and_hashes_inside_values_do_not_end_them() {
        assert_eq!(value_end("{ a: '#x', b: \"}\" } # c"), Some(19));
        assert_eq!(value_end("plain value # c"), Some(11));
        assert_eq!(value_end("{ a: 1,\n b: 2"), None);
        assert_eq!(value_end("[1, [2, 3]] x"), Some(11));
    }

    #[test]
    fn a_longer_fence_and_a_tilde_fence_are_read() {
        check(
            "## Eins\n\n````step\nview: { zoom: 3, center: [1, 2] }\n````\n",
            0,
            "{ zoom: 3, center: [1, 2] }",
            NEW,
        );
        check(
            "## Eins\n\n~~~step\nshow: [quarters]\n~~~\n",
            0,
            "~~~step\n",
            &format!("~~~step\nview: {NEW}\n"),
        );
    }
}
