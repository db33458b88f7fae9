//! "Did you mean …?" for misspelt field names and layer ids: the one rule of
//! [`twinstory_model::suggest`], shared with the data readers.

pub(crate) use twinstory_model::suggest::closest;

/// How many candidates a help text lists at most: a table of 69 columns
/// listed whole made one line of 3,000 characters. (Here, not in the model:
/// the player's base module carries the model's.)
const LISTED: usize = 30;

/// [`twinstory_model::suggest::did_you_mean`], listing at most [`LISTED`]
/// candidates and how many more there are.
pub(crate) fn did_you_mean(word: &str, candidates: &[&str], what: &str) -> Option<String> {
    match closest(word, candidates.iter().copied()).or_else(|| near(word, candidates)) {
        Some(c) => Some(format!("did you mean `{c}`?")),
        None => listed(candidates, what),
    }
}

/// A candidate that `word` is the start of (`PKW-Dichte` for `PKW-Dichte
/// (Jan 2014)`, when only one starts so), or that is `word` with `ä`, `ö`,
/// `ü`, `ß` written `ae`, `oe`, `ue`, `ss` (`hoehe` for `Höhe`), capitals
/// aside.
pub(crate) fn near<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    if lower.chars().count() >= 4 {
        let mut starting = candidates
            .iter()
            .filter(|c| c.to_lowercase().starts_with(&lower));
        if let (Some(c), None) = (starting.next(), starting.next()) {
            return Some(c);
        }
    }
    let fold = |s: &str| {
        s.to_lowercase()
            .replace('ä', "ae")
            .replace('ö', "oe")
            .replace('ü', "ue")
            .replace('ß', "ss")
    };
    let folded = fold(word);
    candidates.iter().copied().find(|c| fold(c) == folded)
}

/// "`what`: `a`, `b`", at most [`LISTED`] of the candidates and how many
/// more there are; `None` without candidates.
pub(crate) fn listed(candidates: &[&str], what: &str) -> Option<String> {
    if candidates.is_empty() {
        return None;
    }
    let shown: Vec<String> = candidates
        .iter()
        .take(LISTED)
        .map(|c| format!("`{c}`"))
        .collect();
    let more = candidates.len().saturating_sub(LISTED);
    let tail = if more > 0 {
        format!(", and {more} more")
    } else {
        String::new()
    };
    Some(format!("{what}: {}{tail}", shown.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_or_umlauts_written_out_are_near() {
        let columns = [
            "PKW-Dichte (Jan 2014)",
            "Fläche",
            "hoehe",
            "Preise (2013)",
            "Preise (2014)",
        ];
        assert_eq!(
            did_you_mean("PKW-Dichte", &columns, "").as_deref(),
            Some("did you mean `PKW-Dichte (Jan 2014)`?")
        );
        assert_eq!(
            did_you_mean("Höhe", &columns, "").as_deref(),
            Some("did you mean `hoehe`?")
        );
        assert_eq!(
            did_you_mean("flaeche", &columns, "").as_deref(),
            Some("did you mean `Fläche`?")
        );
        // Two start so: no guess.
        assert!(did_you_mean("Preise", &columns, "x")
            .unwrap()
            .starts_with("x: "));
    }

    #[test]
    fn a_long_list_is_cut_and_counted() {
        let columns: Vec<String> = (1..=69).map(|i| format!("c{i}")).collect();
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        let help = did_you_mean("x", &columns, "its columns are").unwrap_or_default();
        assert!(help.starts_with("its columns are: `c1`, `c2`"), "{help}");
        assert!(help.ends_with("`c30`, and 39 more"), "{help}");
        assert_eq!(
            did_you_mean("c69x", &columns, "its columns are").as_deref(),
            Some("did you mean `c69`?")
        );
        assert_eq!(
            did_you_mean("x", &columns[..2], "its columns are").as_deref(),
            Some("its columns are: `c1`, `c2`")
        );
    }
}
