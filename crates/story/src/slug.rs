//! Step ids made from headings.

/// A link-friendly id from a heading: lowercase ASCII, German umlauts spelt out, other characters as `-`.
///
/// `slugify("Dicht an dicht in Eimsbüttel")` is `dicht-an-dicht-in-eimsbuettel`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            'ä' | 'Ä' => out.push_str("ae"),
            'ö' | 'Ö' => out.push_str("oe"),
            'ü' | 'Ü' => out.push_str("ue"),
            'ß' | 'ẞ' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_out_umlauts_and_collapses_the_rest() {
        assert_eq!(
            slugify("Dicht an dicht in Eimsbüttel"),
            "dicht-an-dicht-in-eimsbuettel"
        );
        assert_eq!(slugify("Straße & Öffis!"), "strasse-oeffis");
        assert_eq!(slugify("  722 Spielplätze  "), "722-spielplaetze");
        assert_eq!(slugify("Café"), "caf");
        assert_eq!(slugify("???"), "");
    }
}
