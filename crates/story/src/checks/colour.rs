//! What to write instead of a colour that cannot be read: the help names
//! the mistake (digits missing, a letter that is no hex digit, the `#`
//! left out, CSS's `rgb(…)`, a colour's name) and, where it can, the
//! colour written as a story reads it.

/// Colour names authors write, English (CSS) and German, as `#rrggbb`.
const NAMES: [(&str, &str); 26] = [
    ("black", "#000000"),
    ("white", "#ffffff"),
    ("red", "#ff0000"),
    ("green", "#008000"),
    ("blue", "#0000ff"),
    ("yellow", "#ffff00"),
    ("orange", "#ffa500"),
    ("purple", "#800080"),
    ("gray", "#808080"),
    ("grey", "#808080"),
    ("lightgray", "#d3d3d3"),
    ("lightgrey", "#d3d3d3"),
    ("darkgray", "#a9a9a9"),
    ("darkgrey", "#a9a9a9"),
    ("brown", "#a52a2a"),
    ("pink", "#ffc0cb"),
    ("schwarz", "#000000"),
    ("weiß", "#ffffff"),
    ("weiss", "#ffffff"),
    ("rot", "#ff0000"),
    ("grün", "#008000"),
    ("blau", "#0000ff"),
    ("gelb", "#ffff00"),
    ("grau", "#808080"),
    ("lila", "#800080"),
    ("braun", "#a52a2a"),
];

/// The help for `text`, which is not a colour, written as the value of
/// `setting` (for the example; `- ` for an item of a list).
///
/// # Examples (crate-internal; see the tests)
/// `#e4572` → "`#e4572` has 5 hex digits; a colour has 6 …".
pub(crate) fn help(text: &str, setting: &str) -> String {
    let t = text.trim();
    let example = |c: &str| match setting {
        "- " => format!("`\"{c}\"`"),
        _ => format!("`{setting}: \"{c}\"`"),
    };
    let rules = "a colour is `#` and 6 hex digits (`#rrggbb`), or 3 (`#rgb`), or 8 with opacity (`#rrggbbaa`)";
    // „#19649c“ from a word processor: YAML's quotes are the straight ones.
    const CURLY: [char; 8] = ['„', '“', '”', '‚', '‘', '’', '«', '»'];
    let bare = t.trim_matches(&CURLY[..]);
    if bare != t {
        return format!(
            "the colour is in typographic quotes; YAML takes straight ones: {}",
            example(bare)
        );
    }
    if let Some(hex) = t.strip_prefix('#') {
        if let Some(bad) = hex.chars().find(|c| !c.is_ascii_hexdigit()) {
            return format!(
                "`{bad}` is not a hex digit (0–9, a–f); {rules}, e.g. {}",
                example("#e4572e")
            );
        }
        return format!(
            "`{t}` has {} hex digits; {rules}, e.g. {}",
            hex.len(),
            example("#e4572e")
        );
    }
    if matches!(t.len(), 3 | 6 | 8) && t.chars().all(|c| c.is_ascii_hexdigit()) {
        return format!(
            "a colour starts with `#`, in quotes (YAML reads `#` outside quotes as a comment): {}",
            example(&format!("#{t}"))
        );
    }
    if let Some(hex) = rgb(t) {
        return format!("write `{t}` as {}", example(&hex));
    }
    let lower = t.to_lowercase();
    if let Some((_, hex)) = NAMES.iter().find(|(n, _)| *n == lower) {
        return format!(
            "colour names are not read; for `{t}` write e.g. {}, or your city's own shade",
            example(hex)
        );
    }
    format!("{rules}, in quotes, e.g. {}", example("#e4572e"))
}

/// `rgb(r, g, b)` or `rgba(r, g, b, a)` (numbers 0–255, `a` 0–1) as
/// `#rrggbb` or `#rrggbbaa`.
fn rgb(t: &str) -> Option<String> {
    let lower = t.to_ascii_lowercase();
    let inner = lower
        .strip_prefix("rgba(")
        .or_else(|| lower.strip_prefix("rgb("))?
        .strip_suffix(')')?;
    let parts: Vec<&str> = inner
        .split([',', ' ', '/'])
        .filter(|p| !p.is_empty())
        .collect();
    let channel = |p: &str| {
        p.parse::<f64>()
            .ok()
            .filter(|v| (0.0..=255.0).contains(v))
            .map(|v| v.round() as u8)
    };
    let [r, g, b] = [
        channel(parts.first()?)?,
        channel(parts.get(1)?)?,
        channel(parts.get(2)?)?,
    ];
    match parts.get(3) {
        None => Some(format!("#{r:02x}{g:02x}{b:02x}")),
        Some(a) => {
            let a = a.parse::<f64>().ok().filter(|v| (0.0..=1.0).contains(v))?;
            let a = (a * 255.0).round() as u8;
            Some(format!("#{r:02x}{g:02x}{b:02x}{a:02x}"))
        }
    }
    .filter(|_| parts.len() <= 4)
}

#[cfg(test)]
mod tests {
    use super::help;

    #[test]
    fn each_mistake_gets_its_own_help() {
        assert!(help("#e4572", "fill").starts_with("`#e4572` has 5 hex digits;"));
        assert!(help("#e4572g", "fill").starts_with("`g` is not a hex digit"));
        assert!(help("e4572e", "fill").ends_with("`fill: \"#e4572e\"`"));
        assert_eq!(
            help("rgb(1, 2, 255)", "stroke"),
            "write `rgb(1, 2, 255)` as `stroke: \"#0102ff\"`"
        );
        assert!(help("rgba(0,0,0,0.5)", "fill").contains("\"#00000080\""));
        assert!(help("Rot", "fill").contains("for `Rot` write e.g. `fill: \"#ff0000\"`"));
        assert!(help("rgb(300, 0, 0)", "fill").starts_with("a colour is `#`"));
        assert!(help("bunt", "fill").starts_with("a colour is `#`"));
        assert_eq!(
            help("„#19649c“", "stroke"),
            "the colour is in typographic quotes; YAML takes straight ones: `stroke: \"#19649c\"`"
        );
    }
}
