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
    match closest(word, candidates.iter().copied()) {
        Some(c) => Some(format!("did you mean `{c}`?")),
        None => listed(candidates, what),
    }
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
