//! Contrast of the map graphics that carry meaning (WCAG 2.1 SC 1.4.11,
//! non-text contrast: 3:1 against what they sit on).
//!
//! [`Scene::contrast_problems`] measures, for one step, every colour the
//! step draws with the layer's opacity applied: area fills against what
//! is under them (the map background or the area layer below), the classes
//! or categories of a layer against each other, points against the layer
//! under them, and outlines against their fill (also the highlight's).
//! `twinstory validate` turns each problem into a warning at the step.
//! A basemap's tiles are unknown before the story plays: fills are then
//! measured against the story's `map-background`, as without a basemap.

use crate::legend::{LegendItem, LegendKind, LegendLabel};
use crate::palette::{contrast, luminance, mix};
use crate::scene::{LayerStatus, Scene};
use crate::style::{to_rgba, StepConditions, EMPHASIS_COLOR};
use twinstory_map::Rgba;

/// The contrast graphics that carry meaning need (WCAG 2.1 SC 1.4.11).
pub const MIN_CONTRAST: f64 = 3.0;
/// Area layers shown fainter than this opacity are a backdrop: what sits on
/// them is measured against them, their own fills are not.
pub const BACKDROP: f64 = 0.5;
/// Outlines thinner than this (CSS px) do not count as what makes a shape visible.
const MIN_OUTLINE: f64 = 1.0;

/// Which comparison fell short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContrastCheck {
    /// An area's fill against what it sits on, with no outline that makes up for it.
    Background,
    /// Two classes or categories of one layer, without a tooltip or label
    /// that gives readers the value another way.
    Classes,
    /// Points against the layer (or background) under them.
    Points,
    /// An outline (the layer's, or the highlight's) against its fill.
    Outline,
}

/// One comparison below [`MIN_CONTRAST`] in one step.
#[derive(Debug, Clone, PartialEq)]
pub struct ContrastProblem {
    /// What was compared.
    pub check: ContrastCheck,
    /// The layer's id.
    pub layer: String,
    /// The measured ratio (1 to 21).
    pub ratio: f64,
    /// What was measured, e.g. "the fill #d5dde6".
    pub what: String,
    /// What it was measured against, e.g. "the map background #eef1f4".
    pub against: String,
    /// A change that reaches 3:1, in the story's settings.
    pub suggestion: String,
}

/// `c` drawn at `opacity` over `under`.
///
/// # Examples
/// ```
/// use twinstory_map::Rgba;
/// use twinstory_scene::contrast::over;
/// let half = over(Rgba::rgb(0, 0, 0), 0.5, Rgba::rgb(255, 255, 255));
/// assert_eq!(half, Rgba::rgb(128, 128, 128));
/// ```
pub fn over(c: Rgba, opacity: f64, under: Rgba) -> Rgba {
    let a = (c.a as f64 / 255.0) * opacity.clamp(0.0, 1.0);
    let mut out = mix(under, c, a);
    out.a = 255;
    out
}

/// The colour nearest to `c` (mixed towards black, or towards white on a
/// dark `against`) that reaches `target` against `against`.
///
/// # Examples
/// ```
/// use twinstory_map::Rgba;
/// use twinstory_scene::contrast::reaching;
/// use twinstory_scene::palette::contrast;
/// let bg = Rgba::rgb(0xee, 0xf1, 0xf4);
/// let darker = reaching(Rgba::rgb(0xd5, 0xdd, 0xe6), bg, 3.0);
/// assert!(contrast(darker, bg) >= 3.0);
/// ```
pub fn reaching(c: Rgba, against: Rgba, target: f64) -> Rgba {
    reaching_at(c, 1.0, against, target).unwrap_or(Rgba::rgb(0, 0, 0))
}

/// Like [`reaching`], for a colour drawn at `opacity` over `against`;
/// `None` when no colour reaches `target` at that opacity.
pub fn reaching_at(c: Rgba, opacity: f64, against: Rgba, target: f64) -> Option<Rgba> {
    let toward = if luminance(against) > 0.18 {
        Rgba::rgb(0, 0, 0)
    } else {
        Rgba::rgb(255, 255, 255)
    };
    (0..=100)
        .map(|i| mix(Rgba { a: 255, ..c }, toward, i as f64 / 100.0))
        .find(|m| contrast(over(*m, opacity, against), against) >= target)
}

/// A colour as `#rrggbb`.
pub fn hex(c: Rgba) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

impl Scene {
    /// Every comparison below 3:1 that `step` draws (layers whose data is
    /// not loaded are left out). At most one problem per layer and check:
    /// the lowest ratio.
    pub fn contrast_problems(&self, step: usize) -> Vec<ContrastProblem> {
        let Some(s) = self.story.steps.get(step) else {
            return Vec::new();
        };
        let background = to_rgba(self.story.theme.map_background);
        let legend = self.legend(step);
        let mut out = Vec::new();
        // What the next layer sits on: the nearest area layer below, or the background.
        let mut under: (String, Vec<Rgba>) = (
            format!("the map background {}", hex(background)),
            vec![background],
        );
        for state in s.show.iter().filter(|st| st.opacity > 0.0) {
            let Some(i) = self.layer_index(&state.layer) else {
                continue;
            };
            let Some(entry) = legend.iter().find(|e| e.layer == state.layer) else {
                continue;
            };
            if self.layers[i].status != LayerStatus::Ready {
                continue;
            }
            let layer = &self.story.layers[i];
            let opacity = state.opacity.clamp(0.0, 1.0);
            let used: Vec<&LegendItem> = entry
                .items
                .iter()
                .filter(|it| {
                    it.color.is_some()
                        && (it.count > 0
                            || entry.kind == LegendKind::Circles
                            || entry.kind == LegendKind::Single)
                })
                .collect();
            let stroke = layer
                .style
                .stroke
                .map(to_rgba)
                .filter(|_| layer.style.stroke_width >= MIN_OUTLINE);
            let id = &layer.id;
            // A layer of lines only: no fill is drawn, and no outline is
            // drawn around one; its colours are line colours (its classes
            // or categories, else its stroke or, without one, its fill).
            let shapes = &self.layers[i].prepared.shapes;
            let lines =
                !self.layers[i].points && !shapes.is_empty() && shapes.iter().all(|s| !s.closed);
            let coloured_lines = lines && entry.kind != LegendKind::Single;
            // Per colour under it, the fill or else the outline must reach 3:1.
            let ratio = |c: Rgba, u: Rgba| contrast(over(c, opacity, u), u);
            let carried = |u: Rgba| !lines && stroke.is_some_and(|s| ratio(s, u) >= MIN_CONTRAST);
            // A faded area layer (below `BACKDROP`) is a backdrop: its own
            // fills are not measured, what sits on it is.
            let measured = self.layers[i].points || opacity >= BACKDROP;
            let mut lowest: Option<(f64, Rgba, Rgba, String)> = None;
            for item in used
                .iter()
                .filter(|_| measured && (!lines || coloured_lines))
            {
                let Some(c) = item.color else { continue };
                for u in &under.1 {
                    let r = ratio(c, *u);
                    if r < MIN_CONTRAST && !carried(*u) && lowest.as_ref().is_none_or(|l| r < l.0) {
                        lowest = Some((r, c, *u, label(item)));
                    }
                }
            }
            if let Some((ratio, c, u, name)) = lowest {
                let check = if self.layers[i].points {
                    ContrastCheck::Points
                } else {
                    ContrastCheck::Background
                };
                let mut fixes = Vec::new();
                if let Some(f) = reaching_at(c, opacity, u, MIN_CONTRAST) {
                    fixes.push(if lines {
                        format!("a line colour of {} reaches 3:1 (a darker scheme, or your own `colors`)", hex(f))
                    } else {
                        format!("a fill of {} reaches 3:1", hex(f))
                    });
                }
                let outline = stroke.unwrap_or(EMPHASIS_COLOR);
                if lines {
                    // A line has no outline to add.
                } else if let Some(o) = reaching_at(outline, opacity, u, MIN_CONTRAST) {
                    fixes.push(format!(
                        "keep the fill and add an outline that does: `stroke: \"{}\"` with `stroke-width: 1`",
                        hex(o)
                    ));
                }
                if opacity < 1.0 {
                    fixes.push(format!(
                        "show the layer more opaque than `opacity: {opacity}`, which fades its colours"
                    ));
                }
                let suggestion = fixes.join("; or ");
                out.push(ContrastProblem {
                    check,
                    layer: id.clone(),
                    ratio,
                    what: if lines {
                        format!("the line colour {}{name}", hex(c))
                    } else {
                        format!("the fill {}{name}", hex(c))
                    },
                    against: against(&under.0, u),
                    suggestion,
                });
            }
            // Lines (a layer drawn by its outline alone, or of lines only)
            // against what is under them.
            let line_colour = if lines {
                layer.style.stroke.or(layer.style.fill)
            } else {
                layer.style.stroke.filter(|_| layer.style.fill.is_none())
            };
            let line = line_colour.map(to_rgba).filter(|_| {
                measured
                    && !self.layers[i].points
                    && entry.kind == LegendKind::Single
                    && layer.style.stroke_width > 0.0
            });
            if let Some(l) = line {
                let low = under
                    .1
                    .iter()
                    .map(|u| (ratio(l, *u), *u))
                    .min_by(|a, b| a.0.total_cmp(&b.0));
                if let Some((r, u)) = low.filter(|x| x.0 < MIN_CONTRAST) {
                    let fix = reaching_at(l, opacity, u, MIN_CONTRAST)
                        .map(|c| format!("`stroke: \"{}\"` reaches 3:1", hex(c)))
                        .unwrap_or_else(|| {
                            format!("show the layer more opaque than `opacity: {opacity}`")
                        });
                    out.push(ContrastProblem {
                        check: ContrastCheck::Background,
                        layer: id.clone(),
                        ratio: r,
                        what: format!("the line colour {}", hex(l)),
                        against: against(&under.0, u),
                        suggestion: fix,
                    });
                }
            }
            // Classes and categories against each other.
            if measured
                && matches!(entry.kind, LegendKind::Classes | LegendKind::Categories)
                && layer.tooltip.is_none()
                && layer.style.label.is_none()
            {
                let colours: Vec<(&LegendItem, Rgba)> = used
                    .iter()
                    .filter(|it| !matches!(it.label, LegendLabel::NoData | LegendLabel::Other))
                    .filter_map(|it| it.color.map(|c| (*it, c)))
                    .collect();
                let pairs: Vec<(usize, usize)> = if entry.kind == LegendKind::Classes {
                    (1..colours.len()).map(|j| (j - 1, j)).collect()
                } else {
                    (0..colours.len())
                        .flat_map(|a| (a + 1..colours.len()).map(move |b| (a, b)))
                        .collect()
                };
                let low = pairs
                    .into_iter()
                    .map(|(a, b)| (contrast(colours[a].1, colours[b].1), a, b))
                    .min_by(|x, y| x.0.total_cmp(&y.0));
                if let Some((ratio, a, b)) = low.filter(|l| l.0 < MIN_CONTRAST) {
                    out.push(ContrastProblem {
                        check: ContrastCheck::Classes,
                        layer: id.clone(),
                        ratio,
                        what: format!("{}{}", hex(colours[a].1), label(colours[a].0)),
                        against: format!("{}{}", hex(colours[b].1), label(colours[b].0)),
                        suggestion: "give readers the value another way: a `tooltip` (by pointer and keyboard) or a `label` on the layer; or use fewer classes, whose colours then lie further apart".into(),
                    });
                }
            }
            // Outlines against their fill: the layer's own where one colour
            // fills every area (the outline is what tells them apart), and
            // the highlight's on every highlighted fill.
            if !self.layers[i].points && !lines && measured {
                if let (LegendKind::Single, Some(st), Some(f)) = (
                    entry.kind,
                    layer.style.stroke.map(to_rgba),
                    layer.style.fill.map(to_rgba),
                ) {
                    let ratio = contrast(st, f);
                    if layer.style.stroke_width > 0.0 && ratio < MIN_CONTRAST {
                        out.push(ContrastProblem {
                            check: ContrastCheck::Outline,
                            layer: id.clone(),
                            ratio,
                            what: format!("the outline {}", hex(st)),
                            against: format!("the fill {}", hex(f)),
                            suggestion: format!(
                                "`stroke: \"{}\"` reaches 3:1 and keeps the areas apart",
                                hex(reaching(st, f, MIN_CONTRAST))
                            ),
                        });
                    }
                }
                if state.highlight.is_some() {
                    // The fills of the features the highlight marks (and
                    // the filter shows); every fill of the step where the
                    // condition cannot be read.
                    let styling = &self.layers[i].styling;
                    let conditions = StepConditions::of(state);
                    let shown = conditions.visible(styling);
                    let marked: Option<Vec<&LegendItem>> =
                        conditions.highlighted(styling).map(|marks| {
                            marks
                                .iter()
                                .zip(&styling.item_of)
                                .enumerate()
                                .filter(|(f, (m, _))| **m && shown.as_ref().is_none_or(|v| v[*f]))
                                .filter_map(|(_, (_, k))| styling.items.get((*k)? as usize))
                                .collect()
                        });
                    let items = marked.filter(|m| !m.is_empty()).unwrap_or(used.clone());
                    let low = items
                        .iter()
                        .filter_map(|it| it.color.map(|c| (contrast(EMPHASIS_COLOR, c), c, *it)))
                        .min_by(|a, b| a.0.total_cmp(&b.0));
                    if let Some((ratio, c, item)) = low.filter(|l| l.0 < MIN_CONTRAST) {
                        let lighter = hex(reaching(c, EMPHASIS_COLOR, MIN_CONTRAST));
                        let suggestion = if entry.kind == LegendKind::Single {
                            format!("a lighter fill such as {lighter} for the highlighted areas, so the dark outline shows")
                        } else {
                            format!(
                                "a lighter colour for that class (your own `colors`, e.g. {lighter}, or a lighter `scheme`), so the dark outline shows"
                            )
                        };
                        out.push(ContrastProblem {
                            check: ContrastCheck::Outline,
                            layer: id.clone(),
                            ratio,
                            what: format!("the highlight's outline {}", hex(EMPHASIS_COLOR)),
                            against: format!(
                                "the fill {}{} of a highlighted area",
                                hex(c),
                                label(item)
                            ),
                            suggestion,
                        });
                    }
                }
                under = (
                    format!("layer `{id}` below"),
                    used.iter()
                        .filter_map(|it| it.color)
                        .map(|c| over(c, opacity, background))
                        .collect(),
                );
                if under.1.is_empty() {
                    under = (
                        format!("the map background {}", hex(background)),
                        vec![background],
                    );
                }
            }
        }
        out
    }
}

fn label(item: &LegendItem) -> String {
    match &item.label {
        LegendLabel::Layer(_) => String::new(),
        _ => format!(" (`{}`)", item.text("en")),
    }
}

fn against(what: &str, u: Rgba) -> String {
    if what.starts_with("the map background") {
        what.to_owned()
    } else {
        format!("{what} ({})", hex(u))
    }
}
