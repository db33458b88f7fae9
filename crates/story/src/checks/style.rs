//! A layer's `choropleth`, `categories` and `circles`: checked before the
//! model reads them, so that each mistake is marked where it is written.

use crate::diagnostic::Pos;
use crate::suggest::did_you_mean;
use crate::walk::Walker;
use crate::yaml::{Kind, Node};
use serde_json::Value;

/// The colour scheme names, as the model reads them (from its schema, so a
/// new scheme is known here as soon as the model has it).
pub(crate) fn scheme_names() -> Vec<String> {
    let schema = schemars::schema_for!(twinstory_model::SchemeName);
    let mut names: Vec<String> = Vec::new();
    collect_enum(
        &serde_json::to_value(&schema).unwrap_or(Value::Null),
        &mut names,
    );
    names
}

fn collect_enum(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "enum" || k == "const" {
                    match x {
                        Value::Array(items) => {
                            out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)))
                        }
                        Value::String(s) => out.push(s.clone()),
                        _ => {}
                    }
                } else {
                    collect_enum(x, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_enum(i, out)),
        _ => {}
    }
}

/// A category value a layer names (a `colors` key of its `categories`
/// style, or a key of its reader names' `categories`), checked against the
/// data once it is read (W0060).
#[derive(Debug, Clone)]
pub(crate) struct ValueKey {
    /// The field the value is a value of; `None`: any field.
    pub property: Option<String>,
    pub value: String,
    pub pos: Pos,
}

/// Reads `choropleth`, `categories` or `circles` (`key`) into the JSON the
/// model reads; `None` after reporting a problem. Properties the style names
/// go to `property_pos`, the values its `colors` name to `values`, for the
/// checks against the data.
pub(crate) fn sub_style(
    w: &mut Walker<'_, '_>,
    layer: &str,
    key: &str,
    v: &Node,
    property_pos: &mut Vec<(String, Pos)>,
    values: &mut Vec<ValueKey>,
) -> Option<Value> {
    let Kind::Map(entries) = &v.kind else {
        return Some(v.to_json());
    };
    let mut ok = true;
    let mut obj = serde_json::Map::new();
    let mut keys = Vec::new();
    for (k, x) in entries {
        let name = match &k.kind {
            Kind::Str(s) => s.as_str(),
            _ => {
                obj.insert(w.raw(k), x.to_json());
                continue;
            }
        };
        match name {
            "property" => {
                if let Kind::Str(p) = &x.kind {
                    property_pos.push((p.clone(), w.pos(x)));
                }
                obj.insert(name.to_owned(), x.to_json());
            }
            "scheme" => {
                // `none` (no scheme: the rest in `other`) means something
                // only for categories; a choropleth needs colours.
                let names: Vec<String> = scheme_names()
                    .into_iter()
                    .filter(|n| key == "categories" || n != "none")
                    .collect();
                if let Kind::Str(s) = &x.kind {
                    if !names.iter().any(|n| n == s) {
                        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                        let list = refs.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>();
                        let guess = if s == "none" {
                            "`none` (no scheme) is only for `categories`: a choropleth takes its own `colors` or a scheme; ".to_owned()
                        } else {
                            did_you_mean(s, &refs, "")
                                .filter(|h| h.starts_with("did you mean"))
                                .map(|h| format!("{h} "))
                                .unwrap_or_default()
                        };
                        let pos = w.pos(x);
                        w.sink.error(
                            "E0023",
                            pos,
                            format!("`{s}` is not a colour scheme (in the `{key}` of layer `{layer}`)"),
                            Some(format!(
                                "{guess}the schemes are {}; see docs/styling.md, section \"Colour schemes\", for which suits what",
                                list.join(", ")
                            )),
                        );
                        ok = false;
                        continue;
                    }
                }
                obj.insert(name.to_owned(), x.to_json());
            }
            "colors" if key == "choropleth" => {
                if let Kind::Seq(items) = &x.kind {
                    for item in items {
                        ok &= colour_ok(w, layer, (key, "colors"), "- ", item);
                    }
                }
                obj.insert(name.to_owned(), x.to_json());
            }
            "other" | "no-data" => {
                ok &= colour_ok(w, layer, (key, name), name, x);
                obj.insert(name.to_owned(), x.to_json());
            }
            "colors" if key == "categories" => match colors(w, layer, x, &mut keys) {
                Some(c) => {
                    obj.insert(name.to_owned(), c);
                }
                None => ok = false,
            },
            _ => {
                obj.insert(name.to_owned(), x.to_json());
            }
        }
    }
    let property = obj.get("property").and_then(Value::as_str);
    values.extend(keys.into_iter().map(|(value, pos)| ValueKey {
        property: property.map(str::to_owned),
        value,
        pos,
    }));
    ok.then_some(Value::Object(obj))
}

/// A colour in a `choropleth` or `categories` (`at`: the style and its
/// setting), reported where it is written (E0023) when it cannot be read;
/// other kinds of value are left to the model's message.
/// `example`: the key the help's example writes the colour under.
fn colour_ok(
    w: &mut Walker<'_, '_>,
    layer: &str,
    at: (&str, &str),
    example: &str,
    x: &Node,
) -> bool {
    let Kind::Str(text) = &x.kind else {
        return true;
    };
    if text.parse::<twinstory_model::Color>().is_ok() {
        return true;
    }
    let pos = w.pos(x);
    w.sink.error(
        "E0023",
        pos,
        format!(
            "`{text}` is not a colour (in the `{}` of the `{}` of layer `{layer}`)",
            at.1, at.0
        ),
        Some(super::colour::help(text, example)),
    );
    false
}

/// `categories.colors`: value → colour. Keys are category values, so a
/// number key is its text as written; `yes`, `no`, `on`, `off` (which YAML
/// 1.1 reads as `true`/`false`) must be quoted to mean the word.
/// The keys, with their positions, go to `keys`.
fn colors(
    w: &mut Walker<'_, '_>,
    layer: &str,
    n: &Node,
    keys: &mut Vec<(String, Pos)>,
) -> Option<Value> {
    let Kind::Map(entries) = &n.kind else {
        return Some(n.to_json());
    };
    let mut ok = true;
    let mut obj = serde_json::Map::new();
    for (k, x) in entries {
        let key = match &k.kind {
            Kind::Str(s) => s.clone(),
            Kind::Bool(_) => {
                let written = w.raw(k);
                let pos = w.pos(k);
                w.sink.error(
                    "E0026",
                    pos,
                    format!(
                        "`{written}` in the `colors` of layer `{layer}` is read by YAML as `{}`, not as the word `{written}`",
                        matches!(k.kind, Kind::Bool(true))
                    ),
                    Some(format!(
                        "put the value in quotes: `\"{written}\": …`; YAML reads unquoted yes, no, on, off, true and false as true/false"
                    )),
                );
                ok = false;
                continue;
            }
            Kind::Int(_) | Kind::Float(_) => w.raw(k),
            _ => {
                obj.insert(w.raw(k), x.to_json());
                continue;
            }
        };
        keys.push((key.clone(), w.pos(k)));
        ok &= colour_ok(w, layer, ("categories", "colors"), &key, x);
        obj.insert(key, x.to_json());
    }
    ok.then_some(Value::Object(obj))
}

/// W0060: a value the layer names in `colors` or in its reader names'
/// `categories` that no feature has (a misspelt or outdated value: its
/// colour or name would never show). Not when no feature has the field at
/// all (W0008 says so), nor for a field a failed join would have added
/// (`lost`).
pub(crate) fn check_values(
    sink: &mut crate::diagnostic::Sink,
    data: &twinstory_data::Dataset,
    layer: &str,
    keys: &[ValueKey],
    lost: impl Fn(&str) -> bool,
) {
    use twinstory_scene::category_text;
    if data.features.is_empty() {
        return;
    }
    for key in keys {
        let mut texts: Vec<String> = match &key.property {
            Some(p) => {
                if lost(p) || !data.features.iter().any(|f| f.properties.contains_key(p)) {
                    continue;
                }
                let values = data.features.iter().map(|f| f.properties.get(p));
                values.filter_map(category_text).collect()
            }
            None => data
                .features
                .iter()
                .flat_map(|f| f.properties.values())
                .filter_map(|v| category_text(Some(v)))
                .collect(),
        };
        if texts.contains(&key.value) {
            continue;
        }
        texts.sort_unstable();
        texts.dedup();
        let (message, listed) = match &key.property {
            Some(p) => (
                format!(
                    "no feature of layer `{layer}` has the value `{}` in `{p}`: its colour in `colors` is never used",
                    key.value
                ),
                format!("the values of `{p}` are"),
            ),
            None => (
                format!(
                    "no feature of layer `{layer}` has the value `{}` in any field: its name in `categories` is never used",
                    key.value
                ),
                String::new(),
            ),
        };
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        // One or two characters are close to any short value: no guess.
        let guess = (key.value.chars().count() > 2)
            .then(|| {
                crate::suggest::closest(&key.value, refs.iter().copied())
                    .or_else(|| crate::suggest::near(&key.value, &refs))
            })
            .flatten();
        let help = match guess {
            Some(close) if close.to_lowercase() == key.value.to_lowercase() => Some(format!(
                "write `{close}`: values are compared as written, capitals included"
            )),
            Some(close) => Some(format!("did you mean `{close}`?")),
            None if key.property.is_some() => crate::suggest::listed(&refs, &listed),
            None => None,
        };
        sink.warning("W0060", key.pos, message, help);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn scheme_names_come_from_the_model() {
        let names = super::scheme_names();
        assert!(names.contains(&"yl-gn-bu".to_owned()), "{names:?}");
        assert!(names.contains(&"okabe-ito".to_owned()), "{names:?}");
        for n in &names {
            let s: twinstory_model::SchemeName =
                serde_json::from_value(serde_json::Value::String(n.clone())).unwrap();
            assert_eq!(s.name(), n);
        }
    }
}
