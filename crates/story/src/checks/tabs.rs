//! Tabs in YAML: the YAML reader's own words ("found a tab", "tabs
//! disallowed within this context") point near, not at, the tab.

/// The tab an error about tabs most likely means: 1-based line and column in
/// `text`. Among the tabs, the one on the error's line or the next lines
/// (the reader often reports the line before), else the last one before it.
pub(crate) fn find(text: &str, error_line: usize) -> Option<(usize, usize)> {
    let tabs: Vec<(usize, usize)> = text
        .lines()
        .enumerate()
        .flat_map(|(l, line)| {
            line.chars()
                .enumerate()
                .filter(|(_, c)| *c == '\t')
                .map(move |(c, _)| (l + 1, c + 1))
        })
        .collect();
    tabs.iter()
        .find(|(l, _)| *l >= error_line)
        .or_else(|| tabs.last())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn finds_the_tab_on_or_after_the_reported_line() {
        let text = "view: x\nshow:\n\t- a\nid: b\tc\n";
        assert_eq!(find(text, 2), Some((3, 1)));
        assert_eq!(find(text, 3), Some((3, 1)));
        assert_eq!(find(text, 4), Some((4, 6)));
        assert_eq!(find(text, 9), Some((4, 6)));
        assert_eq!(find("no tabs", 1), None);
    }
}
