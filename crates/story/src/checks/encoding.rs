//! A join's `encoding`: the spellings authors use for the two encodings.

use crate::walk::Walker;
use crate::yaml::Node;

/// Every accepted spelling (any capitalisation) and the model's name for it.
pub(crate) const SPELLINGS: &[(&str, &str)] = &[
    ("utf-8", "utf8"),
    ("utf8", "utf8"),
    ("latin-1", "latin1"),
    ("latin1", "latin1"),
    ("iso-8859-1", "latin1"),
    ("windows-1252", "latin1"),
    ("cp1252", "latin1"),
];

/// The model's name (`utf8`, `latin1`) for a spelling, or `None`.
pub(crate) fn model_name(written: &str) -> Option<&'static str> {
    let lower = written.trim().to_ascii_lowercase();
    SPELLINGS
        .iter()
        .find(|(s, _)| *s == lower)
        .map(|(_, model)| *model)
}

/// Reports an unknown spelling at the value, listing the accepted ones.
pub(crate) fn unknown(w: &mut Walker<'_, '_>, v: &Node, written: &str) {
    let pos = w.pos(v);
    let names: Vec<&str> = SPELLINGS.iter().map(|(s, _)| *s).collect();
    let list = names
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let closest = crate::suggest::closest(written, names.iter().copied())
        .map(|c| format!("did you mean `{c}`? "))
        .unwrap_or_default();
    let help =
        format!("{closest}the encodings are written {list}; leave `encoding` out to detect it");
    w.sink.error(
        "E0023",
        pos,
        format!("`{written}` is not a valid `encoding`"),
        Some(help),
    );
}

#[cfg(test)]
mod tests {
    use super::model_name;

    #[test]
    fn every_documented_spelling_names_an_encoding() {
        for s in [
            "latin-1",
            "latin1",
            "ISO-8859-1",
            "iso-8859-1",
            "Windows-1252",
            "cp1252",
        ] {
            assert_eq!(model_name(s), Some("latin1"), "{s}");
        }
        for s in ["utf-8", "UTF-8", "utf8"] {
            assert_eq!(model_name(s), Some("utf8"), "{s}");
        }
        assert_eq!(model_name("ebcdic"), None);
    }
}
