//! "Did you mean …?" for misspelt names: settings, layer ids, placeholders,
//! properties, columns, GeoJSON members. One rule for every message an
//! author reads, in the story parser and in the data readers alike.

/// The candidate closest to `word` (edit distance, case-insensitive), if it
/// is close enough to be a typo: about one typo per three characters of the
/// longer of the two, at least one and at most three. Ties go to the
/// earlier candidate.
///
/// # Examples
/// ```
/// use twinstory_model::suggest::closest;
/// assert_eq!(closest("quater", ["quarters", "schools"]), Some("quarters"));
/// assert_eq!(closest("tilte", ["title", "lang"]), Some("title"));
/// assert_eq!(closest("banana", ["title", "lang"]), None);
/// assert_eq!(closest("x", []), None);
/// ```
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = distance(&lower, &c.to_lowercase());
        let limit = (c.chars().count().max(word.chars().count()) / 3).clamp(1, 3);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// A help text: "did you mean `x`?", else "`what`: `a`, `b`" listing the
/// candidates; `None` without candidates.
///
/// # Examples
/// ```
/// use twinstory_model::suggest::did_you_mean;
/// assert_eq!(did_you_mean("zoon", &["zoom", "fit"], "the settings are").as_deref(), Some("did you mean `zoom`?"));
/// assert_eq!(did_you_mean("x", &["zoom", "fit"], "the settings are").as_deref(), Some("the settings are: `zoom`, `fit`"));
/// assert_eq!(did_you_mean("x", &[], "the settings are"), None);
/// ```
pub fn did_you_mean(word: &str, candidates: &[&str], what: &str) -> Option<String> {
    if let Some(c) = closest(word, candidates.iter().copied()) {
        return Some(format!("did you mean `{c}`?"));
    }
    if candidates.is_empty() {
        return None;
    }
    let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
    Some(format!("{what}: {}", list.join(", ")))
}

/// Optimal-string-alignment distance (Levenshtein plus swapped neighbours),
/// by characters; each word counts up to its first 256 characters.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(256).collect();
    let b: Vec<char> = b.chars().take(256).collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_ignores_strangers() {
        assert_eq!(closest("quater", ["quarters", "schools"]), Some("quarters"));
        assert_eq!(
            closest("zooom", ["center", "zoom", "bearing", "fit"]),
            Some("zoom")
        );
        assert_eq!(closest("tilte", ["title", "lang"]), Some("title"));
        assert_eq!(closest("banana", ["title", "lang"]), None);
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("Polgon", ["Point", "Polygon"]), Some("Polygon"));
        assert_eq!(
            closest("featurecollection", ["FeatureCollection"]),
            Some("FeatureCollection")
        );
        assert_eq!(closest("FooBar", ["Point", "Polygon"]), None);
    }

    #[test]
    fn swapped_letters_count_once_and_long_words_allow_three() {
        assert_eq!(distance("tpye", "type"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(
            closest("Einwohnerzahl 2O23", ["Einwohnerzahl 2023", "Einwohner"]),
            Some("Einwohnerzahl 2023")
        );
        // Nine characters allow three edits, not four.
        assert_eq!(closest("abcdefghi", ["abcdwxyzi"]), None);
        assert_eq!(closest("abcdefghi", ["abcdexyzi"]), Some("abcdexyzi"));
    }
}
