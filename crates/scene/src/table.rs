//! A step's data as tables: what the map shows, for readers who cannot see
//! it (screen readers, keyboard users) and for anyone who wants the numbers.
//!
//! Every row is there, a page at a time ([`TABLE_PAGE_ROWS`]): nothing is
//! cut without saying so. Rows in the step's view come first (or alone, when
//! the reader asks), highlighted rows say so in a column of their own, and
//! any column sorts.

use crate::scene::Scene;
use crate::style::StepConditions;
use crate::tooltip::property_text;
use serde_json::{Map, Value};
use std::cmp::Ordering;
use twinstory_map::{Camera, PreparedLayer, Transform, Viewport};
use twinstory_model::strings::Lang;

/// Rows per page of a table.
pub const TABLE_PAGE_ROWS: usize = 50;

/// How a reader asked to see one table (the player keeps one per table).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableQuery {
    /// Only the rows whose feature is in the map's view.
    pub only_in_view: bool,
    /// Sorted by this column (an index into [`DataTable::columns`]),
    /// descending when the flag is true; `None`: rows in view first, then
    /// in the data's order.
    pub sort: Option<(usize, bool)>,
    /// The page, from 0 (past the last page means the last).
    pub page: usize,
}

/// One visible layer of a step as a table: one page of its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct DataTable {
    /// Layer id.
    pub layer: String,
    /// Layer title (caption).
    pub title: String,
    /// Source and licence line.
    pub attribution: Option<String>,
    /// Column headers as readers know them (the layer's `fields` names, or
    /// the fields with `_` as spaces): a "highlighted" column first when
    /// the step highlights features, then `name` when present, then the
    /// styled property, then the rest of the properties the story uses
    /// (`twinstory_data::used_properties`: its `fields`, style, tooltip and steps) —
    /// the same columns whether the build packed the layer or a service
    /// sent it.
    pub columns: Vec<String>,
    /// This page's formatted cells.
    pub rows: Vec<Vec<String>>,
    /// Features the step shows.
    pub total: usize,
    /// Of them, how many are in the map's view (`None` without a view).
    pub in_view: Option<usize>,
    /// Rows to page through: `total`, or `in_view` when only those.
    pub count: usize,
    /// Index (from 0) of this page's first row among the `count`.
    pub first: usize,
    /// This page (from 0) and the number of pages (at least 1).
    pub page: usize,
    /// The number of pages (at least 1).
    pub pages: usize,
    /// The query's sort, when its column exists.
    pub sort: Option<(usize, bool)>,
}

/// A cell's value for sorting: numbers by value, text without regard to
/// case, empty cells last in either direction.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Num(f64),
    Text(String),
    Missing,
}

fn compare(a: &Key, b: &Key, descending: bool) -> Ordering {
    let o = match (a, b) {
        (Key::Missing, Key::Missing) => return Ordering::Equal,
        (Key::Missing, _) => return Ordering::Greater,
        (_, Key::Missing) => return Ordering::Less,
        (Key::Num(x), Key::Num(y)) => x.total_cmp(y),
        (Key::Num(_), Key::Text(_)) => Ordering::Less,
        (Key::Text(_), Key::Num(_)) => Ordering::Greater,
        (Key::Text(x), Key::Text(y)) => x.cmp(y),
    };
    if descending {
        o.reverse()
    } else {
        o
    }
}

/// The world-unit box of every feature of a layer (`None` without geometry).
fn feature_boxes(p: &PreparedLayer) -> Vec<Option<[f64; 4]>> {
    let mut out: Vec<Option<[f64; 4]>> = vec![None; p.feature_count];
    let mut add = |f: u32, b: [f64; 4]| {
        if let Some(slot) = out.get_mut(f as usize) {
            *slot = Some(match *slot {
                Some(a) => [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ],
                None => b,
            });
        }
    };
    for s in &p.shapes {
        add(s.feature, s.bbox);
    }
    for (pt, f) in p.points.iter().zip(&p.point_feature) {
        add(*f, [pt[0], pt[1], pt[0], pt[1]]);
    }
    out
}

/// The world-unit box a camera shows in a viewport.
pub fn view_bounds(camera: &Camera, viewport: &Viewport) -> [f64; 4] {
    Transform::new(camera, viewport).visible_world_bounds()
}

impl Scene {
    /// The tables of the layers `step` shows, top layer first, with the
    /// step's filter applied; values formatted in the story's language.
    /// `view` is the world-unit box the map shows (see [`view_bounds`]);
    /// `queries[k]` is how the reader wants table `k` (missing: the default).
    pub fn data_tables(
        &self,
        step: usize,
        view: Option<[f64; 4]>,
        queries: &[TableQuery],
    ) -> Vec<DataTable> {
        let Some(s) = self.story.steps.get(step) else {
            return Vec::new();
        };
        let lang = &self.story.lang;
        let t = Lang::of(lang).strings();
        let mut out = Vec::new();
        for state in s.show.iter().rev().filter(|st| st.opacity > 0.0) {
            let Some(i) = self.layer_index(&state.layer) else {
                continue;
            };
            let query = queries.get(out.len()).copied().unwrap_or_default();
            let (layer, styling) = (&self.story.layers[i], &self.layers[i].styling);
            let conditions = StepConditions::of(state);
            let visible = conditions.visible(styling);
            let marked = conditions.highlighted(styling);
            let boxes = view.map(|_| feature_boxes(&self.layers[i].prepared));
            let in_view =
                |f: usize| match (view, &boxes) {
                    (Some(v), Some(b)) => b.get(f).copied().flatten().is_some_and(|b| {
                        b[0] <= v[2] && b[2] >= v[0] && b[1] <= v[3] && b[3] >= v[1]
                    }),
                    _ => false,
                };
            let shown: Vec<(usize, &Map<String, Value>)> = styling
                .properties
                .iter()
                .enumerate()
                .filter(|(f, _)| visible.as_ref().is_none_or(|v| v[*f]))
                .collect();
            // Column keys; `None` is the "highlighted" column.
            let mut keys: Vec<Option<String>> = Vec::new();
            if marked.as_ref().is_some_and(|m| m.iter().any(|x| *x)) {
                keys.push(None);
            }
            let mut add = |c: &str| {
                if !keys.iter().any(|x| x.as_deref() == Some(c)) {
                    keys.push(Some(c.to_owned()));
                }
            };
            if shown.iter().any(|(_, p)| p.contains_key("name")) {
                add("name");
            }
            if let Some(p) = &styling.property {
                add(p);
            }
            let mut rest: Vec<&String> = shown.iter().flat_map(|(_, p)| p.keys()).collect();
            twinstory_map::order::sort(&mut rest);
            rest.dedup();
            // The properties the story uses, as the build keeps them: a layer
            // read while the story plays (a service, an unbuilt file) brings
            // every property its source has. Those beginning with `~` are
            // the build's (the day keys a step's time filters by).
            let steps = self.story.steps.iter().flat_map(|s| &s.show);
            let used = twinstory_data::used_properties(layer, steps);
            for c in rest {
                if used.iter().any(|u| u == c) && !c.starts_with('~') {
                    add(c);
                }
            }
            let is_marked = |f: usize| marked.as_ref().is_some_and(|m| m.get(f) == Some(&true));
            let cell = |f: usize, p: &Map<String, Value>, k: &Option<String>| match k {
                None if is_marked(f) => t.table_yes.to_owned(),
                None => String::new(),
                // A category's reader name, else as tooltips show values
                // (dates in the story's language: "3. Dezember 2026").
                Some(c) => {
                    let v = p.get(c);
                    v.and_then(Value::as_str)
                        .and_then(|s| layer.categories.get(s))
                        .cloned()
                        .unwrap_or_else(|| property_text(v, lang))
                }
            };
            let total = shown.len();
            let rows: Vec<(usize, &Map<String, Value>, bool)> = shown
                .into_iter()
                .map(|(f, p)| (f, p, in_view(f)))
                .filter(|r| !(query.only_in_view && view.is_some()) || r.2)
                .collect();
            let in_view_count = view.map(|_| rows.iter().filter(|r| r.2).count());
            let sort = query.sort.filter(|(c, _)| *c < keys.len());
            // One stable sort: by the column, or rows in view first (then
            // the data's order either way).
            let key = |f: usize, p: &Map<String, Value>, in_view: bool| match sort {
                None => Key::Num(if in_view { 0.0 } else { 1.0 }),
                Some((c, _)) => match &keys[c] {
                    None => Key::Num(if is_marked(f) { 0.0 } else { 1.0 }),
                    Some(k) => match p.get(k) {
                        Some(Value::Number(n)) => n.as_f64().map_or(Key::Missing, Key::Num),
                        None | Some(Value::Null) => Key::Missing,
                        // By the value, not its text: dates in time order.
                        Some(Value::String(s)) => {
                            Key::Text(layer.category_name(s).to_ascii_lowercase())
                        }
                        Some(_) => Key::Text(cell(f, p, &keys[c]).to_ascii_lowercase()),
                    },
                },
            };
            let mut rows: Vec<(Key, usize, &Map<String, Value>)> = rows
                .into_iter()
                .map(|(f, p, v)| (key(f, p, v), f, p))
                .collect();
            let desc = sort.is_some_and(|(_, d)| d);
            twinstory_map::order::sort_by(&mut rows, |a, b| compare(&a.0, &b.0, desc));
            let count = rows.len();
            let pages = count.div_ceil(TABLE_PAGE_ROWS).max(1);
            let page = query.page.min(pages - 1);
            let first = page * TABLE_PAGE_ROWS;
            let page_rows = rows
                .iter()
                .skip(first)
                .take(TABLE_PAGE_ROWS)
                .map(|(_, f, p)| keys.iter().map(|k| cell(*f, p, k)).collect())
                .collect();
            out.push(DataTable {
                layer: layer.id.clone(),
                title: layer.reader_title(),
                attribution: layer.attribution.clone(),
                columns: keys
                    .iter()
                    .map(|k| match k {
                        None => t.table_highlighted.to_owned(),
                        Some(c) => layer.field_name(c),
                    })
                    .collect(),
                rows: page_rows,
                total,
                in_view: in_view_count,
                count,
                first,
                page,
                pages,
                sort,
            });
        }
        out
    }
}
