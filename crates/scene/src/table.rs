//! A step's data as tables: what the map shows, for readers who cannot see
//! it (screen readers, keyboard users) and for anyone who wants the numbers.

use crate::scene::Scene;
use crate::style::StepConditions;
use crate::tooltip::property_text;
use serde_json::{Map, Value};

/// One visible layer of a step as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct DataTable {
    /// Layer id.
    pub layer: String,
    /// Layer title (caption).
    pub title: String,
    /// Source and licence line.
    pub attribution: Option<String>,
    /// Column headers as readers know them (the layer's `fields` names, or
    /// the fields with `_` as spaces): `name` first when present, then the
    /// styled property, then the rest.
    pub columns: Vec<String>,
    /// Formatted cells, at most `max_rows` rows.
    pub rows: Vec<Vec<String>>,
    /// Features the step shows (rows may be fewer).
    pub total: usize,
}

impl Scene {
    /// The tables of the layers `step` shows, top layer first, with the
    /// step's filter applied; values formatted in the story's language.
    pub fn data_tables(&self, step: usize, max_rows: usize) -> Vec<DataTable> {
        let Some(s) = self.story.steps.get(step) else {
            return Vec::new();
        };
        let lang = &self.story.lang;
        let mut out = Vec::new();
        for state in s.show.iter().rev().filter(|st| st.opacity > 0.0) {
            let Some(i) = self.layer_index(&state.layer) else {
                continue;
            };
            let (layer, styling) = (&self.story.layers[i], &self.layers[i].styling);
            let visible = StepConditions::of(state).visible(styling);
            let shown: Vec<&Map<String, Value>> = styling
                .properties
                .iter()
                .enumerate()
                .filter(|(f, _)| visible.as_ref().is_none_or(|v| v[*f]))
                .map(|(_, p)| p)
                .collect();
            let mut columns: Vec<String> = Vec::new();
            let mut add = |c: &str| {
                if !columns.iter().any(|x| x == c) {
                    columns.push(c.to_owned());
                }
            };
            if shown.iter().any(|p| p.contains_key("name")) {
                add("name");
            }
            if let Some(p) = &styling.property {
                add(p);
            }
            let mut rest: Vec<&String> = shown.iter().flat_map(|p| p.keys()).collect();
            rest.sort();
            rest.dedup();
            for c in rest {
                add(c);
            }
            let rows = shown
                .iter()
                .take(max_rows)
                .map(|p| {
                    columns
                        .iter()
                        .map(|c| match p.get(c) {
                            Some(Value::String(s)) => layer.category_name(s).to_owned(),
                            v => property_text(v, lang),
                        })
                        .collect()
                })
                .collect();
            out.push(DataTable {
                layer: layer.id.clone(),
                title: layer.reader_title(),
                attribution: layer.attribution.clone(),
                columns: columns.iter().map(|c| layer.field_name(c)).collect(),
                rows,
                total: shown.len(),
            });
        }
        out
    }
}
