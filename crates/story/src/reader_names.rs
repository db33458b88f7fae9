//! A layer's words for readers: `fields` and `categories` (what readers
//! call a field or a value) and `attribution-url` (the credit's link).
//! Read here, apart from the rest of a layer's settings.

use crate::diagnostic::Pos;
use crate::walk::Walker;
use crate::yaml::{Kind, Node};
use std::collections::BTreeMap;
use twinstory_model::url;

/// Example lines for messages.
pub(crate) const FIELDS_EXAMPLE: &str = "fields: { je_1000_kinder: \"Plätze je 1.000 Kinder\" }";
pub(crate) const CATEGORIES_EXAMPLE: &str = "categories: { \"yes\": ja, limited: eingeschränkt }";
pub(crate) const ATTRIBUTION_URL_EXAMPLE: &str =
    "attribution-url: \"https://www.openstreetmap.org/copyright\"";

/// `fields` or `categories`: `key: name for readers` lines. Keys written
/// `yes`, `no`, `on`, `off`, `true` or numbers are taken as written; each
/// key goes to `keys` with its position, for the checks against the data.
pub(crate) fn read_names(
    w: &mut Walker<'_, '_>,
    n: &Node,
    (setting, example): (&str, &str),
    keys: &mut Vec<(String, Pos)>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Kind::Map(entries) = &n.kind else {
        if n.kind != Kind::Null {
            w.wrong_type(n, setting, "a group of `value: name` lines", example);
        }
        return out;
    };
    for (k, v) in entries {
        let Some(key) = w.text(k, setting, example) else {
            continue;
        };
        keys.push((key.clone(), w.pos(k)));
        let Some(name) = w.text(v, &key, example) else {
            continue;
        };
        let name = name.trim();
        if name.is_empty() {
            let pos = w.pos(v);
            w.sink.error(
                "E0022",
                pos,
                format!("the name of `{key}` in `{setting}` is empty"),
                Some(format!(
                    "write what readers should read instead of `{key}`, e.g. `{example}`, or delete the line"
                )),
            );
            continue;
        }
        out.insert(key, name.to_owned());
    }
    out
}

/// A web address (`http` or `https`), e.g. a credit's link.
pub(crate) fn read_web_address(
    w: &mut Walker<'_, '_>,
    n: &Node,
    setting: &str,
    example: &str,
) -> Option<String> {
    let u = w.text(n, setting, example)?;
    if url::is_http(&u) {
        return Some(u);
    }
    let pos = w.pos(n);
    w.sink.error(
        "E0023",
        pos,
        format!("`{u}` is not a web address"),
        Some(format!(
            "write a full address that starts with `https://`, e.g. `{example}`"
        )),
    );
    None
}
