//! The interface's words: one table per language, chosen once from the
//! story's `lang`.
//!
//! Every text the player writes around the author's story (loading and
//! error messages, ARIA labels and key help, legend, tables, layer
//! messages) is a field of [`Strings`]; [`Lang::strings`] hands out the
//! German or English table. A missing entry in one language does not
//! compile, and the tests check that none is empty. Numbers are formatted
//! by [`format_number`], the one place that knows separators.

/// The language of the interface: German or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// German (`de`, `de-DE`, `de-CH`, …), the default like the story's.
    #[default]
    De,
    /// English: every other tag.
    En,
}

impl Lang {
    /// The interface language for a BCP 47 tag: German for `de` and its
    /// regional forms (and for no tag, as the story's default is `de`),
    /// English for every other language.
    ///
    /// # Examples
    /// ```
    /// use twinstory_model::strings::Lang;
    /// assert_eq!(Lang::of("de-AT"), Lang::De);
    /// assert_eq!(Lang::of("DE"), Lang::De);
    /// assert_eq!(Lang::of(""), Lang::De);
    /// assert_eq!(Lang::of("en-GB"), Lang::En);
    /// assert_eq!(Lang::of("fr"), Lang::En);
    /// ```
    pub fn of(tag: &str) -> Self {
        if tag.is_empty() || tag.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("de")) {
            Lang::De
        } else {
            Lang::En
        }
    }

    /// The table of interface texts in this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::De => &DE,
            Lang::En => &EN,
        }
    }

    /// The language's own tag, for [`format_number`].
    pub fn tag(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }
}

/// The interface texts of one language. Texts with parts to fill in are
/// functions; their arguments are already formatted.
#[derive(Debug)]
pub struct Strings {
    /// The language of this table.
    pub lang: Lang,

    // The page before the story is there.
    /// While `story.json` loads.
    pub loading_story: &'static str,
    /// Heading when the story cannot be read.
    pub story_failed: &'static str,
    /// Heading when `?story=` names an address the page does not allow.
    pub story_refused: &'static str,
    /// The story's origin is not allowed (origin).
    pub story_refused_origin: fn(&str) -> String,
    /// The story's address has a refused scheme (scheme without `:`).
    pub story_refused_scheme: fn(&str) -> String,
    /// The story's address is not an address.
    pub story_refused_invalid: &'static str,
    /// The story file cannot be read (address, why).
    pub story_unreadable: fn(&str, &str) -> String,
    /// The story file is of a newer format (address, its format, the
    /// player's).
    pub story_too_new: fn(&str, u64, u32) -> String,
    /// A file is not UTF-8 text (address).
    pub not_text: fn(&str) -> String,

    // The map.
    /// `aria-roledescription` of the map canvas.
    pub map_role: &'static str,
    /// `aria-label` of the map canvas (story title).
    pub map_label: fn(&str) -> String,
    /// Key help for the tooltips (screen readers).
    pub map_help: &'static str,
    /// Read aloud when the arrow keys find nothing to select.
    pub map_nothing_to_select: &'static str,
    /// While layers load.
    pub loading_data: &'static str,
    /// Summary of the author's details under a layer message.
    pub details: &'static str,
    /// The button that loads a failed layer again.
    pub try_again: &'static str,
    /// Key help for pan and zoom (screen readers).
    pub nav_help: &'static str,
    /// Label of the pan and zoom button group.
    pub nav_group: &'static str,
    /// The `+` button.
    pub zoom_in: &'static str,
    /// The `−` button.
    pub zoom_out: &'static str,
    /// The button back to the step's view.
    pub nav_reset: &'static str,
    /// Hint when the wheel scrolls over the map (Ctrl).
    pub wheel_hint: &'static str,
    /// Hint when the wheel scrolls over the map (⌘, on a Mac).
    pub wheel_hint_mac: &'static str,
    /// Hint when one finger drags over the map.
    pub touch_hint: &'static str,

    // Legend, tables, credits.
    /// Label of the legend.
    pub legend: &'static str,
    /// Legend note for a highlight without names (highlighted, shown).
    pub legend_highlighted: fn(usize, usize) -> String,
    /// Legend note for a highlight (highlighted, shown, the features' names).
    pub legend_highlighted_names: fn(usize, usize, &str) -> String,
    /// Legend note for a filter (shown, total).
    pub legend_shown: fn(usize, usize) -> String,
    /// Name of a compare step's divider (left side's label, right side's).
    pub compare_divider: fn(&str, &str) -> String,
    /// The end of a shortened list (the list, how many more).
    pub and_more: fn(&str, usize) -> String,
    /// Legend class of values without their own colour.
    pub legend_other: &'static str,
    /// Legend class of features without a value.
    pub legend_no_data: &'static str,
    /// Between the bounds of a class: `1 bis 2`.
    pub range_to: &'static str,
    /// Before the lower bound it excludes: `über 1 bis 2`.
    pub range_over: &'static str,
    /// A true property value.
    pub yes: &'static str,
    /// A false property value.
    pub no: &'static str,
    /// The summary that opens a step's data tables.
    pub table_summary: &'static str,
    /// Caption of a cut table (title, shown, total).
    pub table_first: fn(&str, usize, usize) -> String,
    /// Caption of a complete table (title, total).
    pub table_all: fn(&str, usize) -> String,
    /// Heading of the credits.
    pub sources: &'static str,
    /// Label of the basemap's credit line.
    pub basemap: &'static str,
    /// The footer's last line.
    pub made_with: &'static str,

    // Layers that could not be read (messages for readers).
    /// A layer failed (title, why).
    pub layer_failed: fn(&str, &str) -> String,
    /// A failed layer's line in the legend (title; the message over the
    /// map says why).
    pub layer_not_loaded: fn(&str) -> String,
    /// A layer's style or the step's filter/highlight cannot be applied
    /// (title); what exactly is for the author and goes to the console.
    pub layer_style_problem: fn(&str) -> String,
    /// Part of a layer is shown (title, shown, matched, why).
    pub layer_shown_of: fn(&str, &str, &str, &str) -> String,
    /// Part of a layer is shown, total unknown (title, shown, why).
    pub layer_shown_only: fn(&str, &str, &str) -> String,
    /// A server that has no readable name.
    pub the_service: &'static str,
    /// The server answered with an error (host, status).
    pub server_error: fn(&str, u16) -> String,
    /// The server cannot be reached (host).
    pub server_unreachable: fn(&str) -> String,
    /// The server did not answer in time (host, seconds).
    pub server_timed_out: fn(&str, u32) -> String,
    /// The answer cannot be read.
    pub answer_unreadable: &'static str,
    /// The service sent nothing.
    pub no_data_sent: &'static str,
    /// Why a layer is cut: the service stopped answering.
    pub cut_stopped: &'static str,
    /// Why a layer is cut: a page could not be read.
    pub cut_unreadable: &'static str,
    /// Why a layer is cut: the rest is on another server.
    pub cut_foreign: &'static str,
    /// Why a layer is cut: the same data came again.
    pub cut_repeated: &'static str,
    /// Why a layer is cut: too many pages.
    pub cut_too_many_pages: &'static str,
    /// A layer's request went to an origin the page does not allow (origin).
    pub request_refused_origin: fn(&str) -> String,
    /// A layer's request has a refused scheme (scheme without `:`).
    pub request_refused_scheme: fn(&str) -> String,
    /// A layer's address is not an address (address).
    pub request_invalid: fn(&str) -> String,
    /// Details of a request without an answer: the server cannot be
    /// reached or does not allow the request (host, address).
    pub fetch_unreachable: fn(&str, &str) -> String,
    /// Details of a request with an error status (address, status, its text).
    pub fetch_status: fn(&str, u16, &str) -> String,
    /// Details of an answer that broke off (address, why).
    pub fetch_unreadable: fn(&str, &str) -> String,
    /// Details: the data readers module gave no answer.
    pub readers_no_answer: &'static str,
    /// Details: the page names no data readers module (address of the layer).
    pub readers_missing: fn(&str) -> String,
    /// Details: the data readers module could not be loaded (its address, why).
    pub readers_unavailable: fn(&str, &str) -> String,
    // tables, tooltips, structure (issue 14)
    /// The skip link at the top of the page, to the first step.
    pub skip_to_story: &'static str,
    // media (issue 16)
    /// The link to an audio's transcript.
    pub transcript: &'static str,
    /// The button that closes the enlarged image.
    pub image_close: &'static str,
    /// Name of the legend: the map's, wherever it stands in reading order.
    pub map_legend: &'static str,
    /// Table caption: rows `from`–`to` of `total` (title, from, to, total).
    pub table_rows: fn(&str, usize, usize, usize) -> String,
    /// Table caption: how many of the rows the step's map shows in its view.
    pub table_in_view_count: fn(usize) -> String,
    /// The switch that shows only the features in the map's view.
    pub table_only_in_view: &'static str,
    /// The page buttons' group: page `n` of `of`.
    pub table_page: fn(usize, usize) -> String,
    /// The button to the previous page.
    pub table_previous: &'static str,
    /// The button to the next page.
    pub table_next: &'static str,
    /// Header of the column that marks highlighted rows.
    pub table_highlighted: &'static str,
    /// The mark in that column.
    pub table_yes: &'static str,

    // Pages `twinstory build` and `serve` write around the player.
    /// The page without JavaScript: what it shows instead of the player.
    pub noscript: &'static str,
    /// The picture of a step's map on that page, its `alt` (step title).
    pub step_map: fn(&str) -> String,
    /// The site index (a folder of stories): the browser tab's title.
    pub site_title: &'static str,
    /// The site index: its heading.
    pub site_heading: &'static str,
    /// `twinstory serve`: title and heading of a page whose story did not
    /// build (the author's diagnostics follow).
    pub preview_errors: &'static str,
    /// `twinstory serve`: the first line of the box over the last good
    /// version when a change has errors.
    pub preview_overlay: &'static str,
    /// `twinstory serve`: the button that hides that box.
    pub preview_hide: &'static str,
    /// `twinstory serve`: an address with nothing behind it.
    pub not_found: &'static str,

    // Dates, written by [`format_date`].
    /// The months' names, January first.
    pub months: [&'static str; 12],
    /// A date (day, month's name, year).
    pub date: fn(u32, &str, i32) -> String,
}

/// German.
pub static DE: Strings = Strings {
    lang: Lang::De,
    loading_story: "Die Geschichte wird geladen …",
    story_failed: "Diese Geschichte kann nicht angezeigt werden.",
    story_refused: "Diese Geschichte wird hier nicht gezeigt.",
    story_refused_origin: |o| format!("Geschichten von {o} sind für diese Seite nicht freigegeben."),
    story_refused_scheme: |s| format!(
        "Adressen mit „{s}:“ werden nicht geladen; eine Geschichte muss von einer freigegebenen Web-Adresse kommen."
    ),
    story_refused_invalid: "Die Adresse der Geschichte ist ungültig.",
    story_unreadable: |u, why| format!(
        "Die Datei {u} der Geschichte ist nicht lesbar: {why}. Bauen Sie die Geschichte mit `twinstory build` neu."
    ),
    story_too_new: |u, f, reads| format!(
        "Die Datei {u} der Geschichte stammt aus einem neueren twinstory (Format {f}); dieser Player liest Format {reads}."
    ),
    not_text: |u| format!("{u} ist keine Textdatei in UTF-8"),
    map_role: "Karte",
    map_label: |t| format!("Karte zur Geschichte „{t}“"),
    map_help: "Pfeiltasten: von Gebiet zu Gebiet gehen und seine Angaben hören. Escape: schließen.",
    map_nothing_to_select: "Hier gibt es auf der Karte nichts zum Auswählen.",
    loading_data: "Daten werden geladen …",
    details: "Details",
    try_again: "Erneut versuchen",
    nav_help: "Plus und Minus: Karte vergrößern und verkleinern. Umschalt und Pfeiltasten: Karte verschieben. Komma und Punkt: Karte drehen. Bild auf und Bild ab: Karte neigen.",
    nav_group: "Kartenansicht",
    zoom_in: "Vergrößern",
    zoom_out: "Verkleinern",
    nav_reset: "Zurück zur Ansicht",
    wheel_hint: "Strg + Scrollen zum Zoomen",
    wheel_hint_mac: "⌘ + Scrollen zum Zoomen",
    touch_hint: "Zum Bewegen der Karte zwei Finger benutzen",
    legend: "Legende",
    legend_highlighted: |n, of| format!("Hervorgehoben: {n} von {of}"),
    legend_highlighted_names: |n, of, names| format!("Hervorgehoben: {names} ({n} von {of})"),
    legend_shown: |n, of| format!("Gezeigt: {n} von {of}"),
    compare_divider: |a, b| format!("Vergleich – Trennlinie: links {a}, rechts {b}"),
    and_more: |list, n| format!("{list} und {n} weitere"),
    legend_other: "Sonstige",
    legend_no_data: "keine Angabe",
    range_to: "bis",
    range_over: "über",
    yes: "ja",
    no: "nein",
    table_summary: "Die Daten dieses Schritts als Tabelle",
    table_first: |t, n, of| format!("{t}: die ersten {n} von {of}"),
    table_all: |t, of| format!("{t} ({of} Einträge)"),
    sources: "Quellen",
    basemap: "Kartengrundlage",
    made_with: "Erstellt mit twinstory",
    layer_failed: |t, why| format!("Die Ebene „{t}“ konnte nicht geladen werden: {why}."),
    layer_not_loaded: |t| format!("{t}: nicht geladen"),
    layer_style_problem: |t| format!("„{t}“ kann in diesem Schritt nicht wie vorgesehen gezeigt werden."),
    layer_shown_of: |t, n, of, why| format!("„{t}“: Es werden {n} von {of} Einträgen gezeigt; {why}."),
    layer_shown_only: |t, n, why| format!("„{t}“: Es werden nur {n} Einträge gezeigt; {why}."),
    the_service: "der Dienst",
    server_error: |h, s| format!("{h} meldet einen Fehler ({s})"),
    server_unreachable: |h| format!("{h} ist nicht erreichbar"),
    server_timed_out: |h, s| format!("{h} hat nicht innerhalb von {s} Sekunden geantwortet"),
    answer_unreadable: "die Antwort des Dienstes ist nicht lesbar",
    no_data_sent: "der Dienst hat keine Daten geschickt",
    cut_stopped: "der Dienst hat nicht weiter geantwortet",
    cut_unreadable: "der Dienst hat eine unlesbare Seite geschickt",
    cut_foreign: "der Rest liegt auf einem anderen Server und wird zum Schutz der Lesenden nicht abgerufen",
    cut_repeated: "der Dienst hat dieselben Daten noch einmal geschickt",
    cut_too_many_pages: "der Dienst hat zu viele Seiten",
    request_refused_origin: |o| format!(
        "{o} ist für Geschichten, die diese Seite über ?story= lädt, nicht freigegeben; nichts wurde abgerufen"
    ),
    request_refused_scheme: |s| format!("Adressen mit „{s}:“ werden nicht geladen"),
    request_invalid: |u| format!("`{u}` ist keine gültige Adresse"),
    fetch_unreachable: |h, u| format!("{h} ist nicht erreichbar oder erlaubt den Abruf nicht ({u})"),
    fetch_status: |u, s, text| format!("{u} konnte nicht geladen werden (HTTP {s} {text})"),
    fetch_unreadable: |u, why| format!("{u} konnte nicht vollständig gelesen werden ({why})"),
    readers_no_answer: "das Lesemodul für Daten hat keine Antwort gegeben",
    readers_missing: |u| format!(
        "{u} braucht das Lesemodul für Daten, und diese Seite nennt keines; bauen Sie die Geschichte mit `twinstory build` und einem Player aus scripts/build-player.sh"
    ),
    readers_unavailable: |js, why| format!("das Lesemodul für Daten ({js}) konnte nicht geladen werden: {why}"),
    // tables, tooltips, structure (issue 14)
    skip_to_story: "Zur Geschichte springen",
    transcript: "Transkript",
    image_close: "Schließen",
    map_legend: "Legende der Karte",
    table_rows: |t, a, b, n| format!("{t}: Einträge {a}–{b} von {n}"),
    table_in_view_count: |n| format!("{n} davon im Kartenausschnitt"),
    table_only_in_view: "Nur Einträge im Kartenausschnitt",
    table_page: |n, of| format!("Seite {n} von {of}"),
    table_previous: "Vorherige Seite",
    table_next: "Nächste Seite",
    table_highlighted: "Hervorgehoben",
    table_yes: "hervorgehoben",
    // pages of build and serve
    noscript: "Ohne JavaScript steht hier jeder Schritt mit seiner Karte als Bild; mit JavaScript folgt die Karte beim Lesen dem Text.",
    step_map: |t| format!("Karte: {t}"),
    site_title: "twinstory – Geschichten",
    site_heading: "Geschichten",
    preview_errors: "Diese Geschichte hat Fehler",
    preview_overlay: "twinstory: Die Geschichte hat Fehler. Die letzte fehlerfreie Fassung läuft weiter, bis sie behoben sind.",
    preview_hide: "Ausblenden",
    not_found: "Nicht gefunden",
    // dates
    months: [
        "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
        "Oktober", "November", "Dezember",
    ],
    date: |d, m, y| format!("{d}. {m} {y}"),
};

/// English.
pub static EN: Strings = Strings {
    lang: Lang::En,
    loading_story: "Loading the story …",
    story_failed: "This story cannot be shown.",
    story_refused: "This story is not shown here.",
    story_refused_origin: |o| format!("Stories from {o} are not allowed on this page."),
    story_refused_scheme: |s| {
        format!(
        "Addresses starting with “{s}:” are not loaded; a story must come from an allowed web address."
    )
    },
    story_refused_invalid: "The story's address is not valid.",
    story_unreadable: |u, why| {
        format!("The story file {u} could not be read: {why}. Rebuild it with `twinstory build`.")
    },
    story_too_new: |u, f, reads| format!(
        "The story file {u} was written by a newer twinstory (format {f}); this player reads format {reads}."
    ),
    not_text: |u| format!("{u} is not UTF-8 text"),
    map_role: "map",
    map_label: |t| format!("Map for the story “{t}”"),
    map_help: "Arrow keys: go from feature to feature and hear its details. Escape: close.",
    map_nothing_to_select: "There is nothing to select on the map here.",
    loading_data: "Loading data …",
    details: "Details",
    try_again: "Try again",
    nav_help: "Plus and minus: zoom the map in and out. Shift and arrow keys: move the map. Comma and full stop: turn the map. Page up and page down: tilt the map.",
    nav_group: "Map view",
    zoom_in: "Zoom in",
    zoom_out: "Zoom out",
    nav_reset: "Back to the story's view",
    wheel_hint: "Use Ctrl + scroll to zoom the map",
    wheel_hint_mac: "Use ⌘ + scroll to zoom the map",
    touch_hint: "Use two fingers to move the map",
    legend: "Legend",
    legend_highlighted: |n, of| format!("Highlighted: {n} of {of}"),
    legend_highlighted_names: |n, of, names| format!("Highlighted: {names} ({n} of {of})"),
    legend_shown: |n, of| format!("Shown: {n} of {of}"),
    compare_divider: |a, b| format!("Comparison divider: {a} on the left, {b} on the right"),
    and_more: |list, n| format!("{list} and {n} more"),
    legend_other: "Other",
    legend_no_data: "No data",
    range_to: "to",
    range_over: "over",
    yes: "yes",
    no: "no",
    table_summary: "This step's data as a table",
    table_first: |t, n, of| format!("{t}: the first {n} of {of}"),
    table_all: |t, of| format!("{t} ({of} entries)"),
    sources: "Sources",
    basemap: "Basemap",
    made_with: "Made with twinstory",
    layer_failed: |t, why| format!("The layer “{t}” could not be loaded: {why}."),
    layer_not_loaded: |t| format!("{t}: not loaded"),
    layer_style_problem: |t| format!("“{t}” cannot be shown as intended in this step."),
    layer_shown_of: |t, n, of, why| format!("“{t}”: {n} of {of} entries are shown; {why}."),
    layer_shown_only: |t, n, why| format!("“{t}”: only {n} entries are shown; {why}."),
    the_service: "the service",
    server_error: |h, s| format!("{h} reports an error ({s})"),
    server_unreachable: |h| format!("{h} cannot be reached"),
    server_timed_out: |h, s| format!("{h} did not answer within {s} seconds"),
    answer_unreadable: "the service's answer cannot be read",
    no_data_sent: "the service sent no data",
    cut_stopped: "the service stopped answering",
    cut_unreadable: "the service sent a page that cannot be read",
    cut_foreign: "the rest is on another server and is not fetched, to protect readers' privacy",
    cut_repeated: "the service sent the same data again",
    cut_too_many_pages: "the service has too many pages",
    request_refused_origin: |o| {
        format!("{o} is not allowed for stories this page loads with ?story=; nothing was fetched")
    },
    request_refused_scheme: |s| format!("addresses starting with “{s}:” are not loaded"),
    request_invalid: |u| format!("`{u}` is not a valid address"),
    fetch_unreachable: |h, u| format!("{h} cannot be reached or does not allow the request ({u})"),
    fetch_status: |u, s, text| format!("{u} could not be loaded (HTTP {s} {text})"),
    fetch_unreadable: |u, why| format!("{u} could not be read ({why})"),
    readers_no_answer: "the data reader gave no answer",
    readers_missing: |u| format!(
        "{u} needs the data readers (the sources module), and this page names none; build the story with `twinstory build` and a player built by scripts/build-player.sh"
    ),
    readers_unavailable: |js, why| format!("the data readers ({js}) could not be loaded: {why}"),
    // tables, tooltips, structure (issue 14)
    skip_to_story: "Skip to the story",
    transcript: "Transcript",
    image_close: "Close",
    map_legend: "Map legend",
    table_rows: |t, a, b, n| format!("{t}: rows {a}–{b} of {n}"),
    table_in_view_count: |n| format!("{n} of them in the map's view"),
    table_only_in_view: "Only rows in the map's view",
    table_page: |n, of| format!("Page {n} of {of}"),
    table_previous: "Previous page",
    table_next: "Next page",
    table_highlighted: "Highlighted",
    table_yes: "highlighted",
    // pages of build and serve
    noscript: "Without JavaScript, each step is shown here with its map as a picture; with JavaScript, the map follows the text as you read.",
    step_map: |t| format!("Map: {t}"),
    site_title: "twinstory – Stories",
    site_heading: "Stories",
    preview_errors: "This story has errors",
    preview_overlay: "twinstory: the story has errors. The last good version keeps playing until you fix them.",
    preview_hide: "Hide",
    not_found: "Not found",
    // dates
    months: [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    ],
    date: |d, m, y| format!("{d} {m} {y}"),
};

/// Formats a number for a language: `de` (and most of continental Europe)
/// writes `1.234,5`, `en` writes `1,234.5`, `fr` writes `1 234,5` (with a
/// narrow no-break space).
///
/// # Examples
/// ```
/// use twinstory_model::strings::format_number;
/// assert_eq!(format_number(1234.5, 1, "de"), "1.234,5");
/// assert_eq!(format_number(1234.5, 1, "en-GB"), "1,234.5");
/// assert_eq!(format_number(-0.04, 1, "de"), "0,0");
/// assert_eq!(format_number(1234567.0, 0, "de"), "1.234.567");
/// assert_eq!(format_number(f64::NAN, 0, "de"), "–");
/// ```
pub fn format_number(value: f64, decimals: usize, lang: &str) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let prefix = lang.get(..2).unwrap_or("").to_ascii_lowercase();
    let (group, point) = match prefix.as_str() {
        "en" | "ja" | "zh" | "ko" | "he" | "th" => (",", "."),
        "fr" | "sv" | "fi" | "nb" | "no" | "cs" | "pl" | "ru" | "uk" => ("\u{202f}", ","),
        _ => (".", ","),
    };
    let text = crate::decimal::Fixed(value.abs(), decimals).to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    // "-0,0" reads wrong: a value that rounds to zero has no sign.
    if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    let digits: Vec<char> = int.chars().collect();
    // Groups of three from the right: the first group holds the remainder.
    let first = match digits.len() % 3 {
        0 => 3,
        r => r,
    };
    for (i, d) in digits.iter().enumerate() {
        if i >= first && (i - first) % 3 == 0 {
            out.push_str(group);
        }
        out.push(*d);
    }
    if let Some(f) = frac {
        out.push_str(point);
        out.push_str(f);
    }
    out
}

/// Writes an ISO 8601 date (`2026-12-03`) or date and time
/// (`2026-12-03T14:05:00Z`, seconds and fractions dropped) for a language,
/// with the month's name: `3. Dezember 2026` in German, `3 December 2026`
/// in English (every tag but `de…`), a time as `, 14:05` and its zone as
/// written (`Z` reads `UTC`; the pure crates know no reader's time zone).
/// `None` for any other text, which then reads as it is.
///
/// # Examples
/// ```
/// use twinstory_model::strings::format_date;
/// assert_eq!(format_date("2026-12-03", "de").as_deref(), Some("3. Dezember 2026"));
/// assert_eq!(format_date("2026-12-03", "en-GB").as_deref(), Some("3 December 2026"));
/// assert_eq!(
///     format_date("2026-11-28T23:00:00Z", "de").as_deref(),
///     Some("28. November 2026, 23:00 UTC")
/// );
/// assert_eq!(
///     format_date("2026-11-28T08:30:15.5+01:00", "en").as_deref(),
///     Some("28 November 2026, 08:30 UTC+01:00")
/// );
/// assert_eq!(format_date("2026-02-30", "de"), None);
/// assert_eq!(format_date("Altona", "de"), None);
/// ```
pub fn format_date(text: &str, lang: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(r)?;
        if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if day == 0 || day > days {
        return None;
    }
    let t = Lang::of(lang).strings();
    let name = t.months.get(month as usize - 1)?;
    let date = (t.date)(day, name, year as i32);
    if b.len() == 10 {
        return Some(date);
    }
    // A time: `THH:MM`, optional `:SS` and `.fraction`, then the zone.
    if b[10] != b'T' || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (hour, minute) = (digits(11..13)?, digits(14..16)?);
    if hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = &text[16..];
    if let Some(r) = rest.strip_prefix(':') {
        let secs = r
            .get(..2)
            .filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?;
        if secs > "60" {
            return None;
        }
        rest = &r[2..];
        if let Some(r) = rest.strip_prefix('.') {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return None;
            }
            rest = &r[n..];
        }
    }
    let zone = match rest {
        "" => String::new(),
        "Z" | "z" => " UTC".to_owned(),
        z if z.len() == 6
            && (z.starts_with('+') || z.starts_with('-'))
            && z.as_bytes()[3] == b':'
            && z[1..3]
                .bytes()
                .chain(z[4..].bytes())
                .all(|c| c.is_ascii_digit()) =>
        {
            format!(" UTC{z}")
        }
        _ => return None,
    };
    Some(format!("{date}, {hour:02}:{minute:02}{zone}"))
}

// --- text alternative ---------------------------------------------------
// The words of the map's text alternative (`twinstory_scene::describe`).
// A table of their own, not fields of `Strings`: only the build writes these
// sentences (into story.json), so the player's bundle does not carry them.

/// The words of a step's text alternative in one language; arguments are
/// already formatted (numbers, names, lists).
#[derive(Debug)]
pub struct DescribeWords {
    /// The area shown, named by features in view (list of names).
    pub shows: fn(&str) -> String,
    /// The area shown is all of a layer's areas (count, layer title).
    pub shows_all: fn(usize, &str) -> String,
    /// Most of a layer's areas are in view (in view, all, layer title).
    pub shows_most: fn(usize, usize, &str) -> String,
    /// All of a layer's areas but a few are in view (all, layer title,
    /// the names of those outside).
    pub shows_all_but: fn(usize, &str, &str) -> String,
    /// The categories with their counts (how many, list).
    pub values: fn(usize, &str) -> String,
    /// A layer of points (title, count in the step, count in view).
    pub points: fn(&str, usize, usize) -> String,
    /// A layer of areas or lines (title, count in the step, count in view).
    pub areas: fn(&str, usize, usize) -> String,
    /// A layer whose data is read while the story plays (title).
    pub remote: fn(&str) -> String,
    /// The page without JavaScript: a legend line's note on such a layer,
    /// which its pictures cannot show.
    pub remote_not_drawn: &'static str,
    /// Colour classes, darker means more (what the colour shows).
    pub darker_more: fn(&str) -> String,
    /// Colour classes, lighter means more (what the colour shows).
    pub lighter_more: fn(&str) -> String,
    /// Colour classes without an order of lightness (what the colour shows).
    pub color_shows: fn(&str) -> String,
    /// The classes or categories with their counts (how many, list).
    pub classes: fn(usize, &str) -> String,
    /// One class or category and how many features it has (label, count).
    pub counted: fn(&str, usize) -> String,
    /// Circle sizes (what the size shows).
    pub size_shows: fn(&str) -> String,
    /// The features with the highest values (list).
    pub highest: fn(&str) -> String,
    /// The features with the lowest values (list).
    pub lowest: fn(&str) -> String,
    /// A feature and its value (name, value).
    pub valued: fn(&str, &str) -> String,
    /// The others are faded: after the highlight note.
    pub rest_faded: &'static str,
    /// A tilted map (where the camera stands, from `compass`; the tilt in degrees).
    pub tilted: fn(&str, usize) -> String,
    /// A compare step (the left side's label, the right side's).
    pub compared: fn(&str, &str) -> String,
    /// The eight directions a tilted map is seen from, clockwise from north,
    /// as `tilted` uses them.
    pub compass: [&'static str; 8],
    /// Raised areas: what their height shows (the property).
    pub heights_show: fn(&str) -> String,
    /// Raised areas standing on a base (`extrude-base`): the property
    /// where they start, then the one they reach up to.
    pub heights_between: fn(&str, &str) -> String,
    /// Buildings drawn in their real shape (`extrude: model`).
    pub real_shapes: &'static str,
    /// The summary of a chart's table of numbers (`<details>`).
    pub chart_numbers: &'static str,
    /// The column of a chart's table that counts features.
    pub chart_count: &'static str,
    /// A bar chart in words (bars, the first bar's name and value, the
    /// last bar's name and value).
    pub chart_bars: fn(usize, &str, &str, &str, &str) -> String,
    /// A histogram in words (features counted, classes, the fullest class
    /// and its count).
    pub chart_classes: fn(usize, usize, &str, usize) -> String,
    /// A line over time in words (first period and value, last period and
    /// value, the highest period and value).
    pub chart_line: fn(&str, &str, &str, &str, &str, &str) -> String,
    /// The total of a field per period (the field's name).
    pub chart_sum_of: fn(&str) -> String,
    /// The mean of a field per period (the field's name).
    pub chart_mean_of: fn(&str) -> String,
}

/// German words of the text alternative.
pub static DE_DESCRIBE: DescribeWords = DescribeWords {
    shows: |list| format!("Die Karte zeigt {list}."),
    shows_all: |n, t| format!("Die Karte zeigt alle {n} Flächen der Ebene „{t}“."),
    shows_most: |n, of, t| format!("Die Karte zeigt {n} der {of} Flächen der Ebene „{t}“."),
    shows_all_but: |of, t, list| {
        format!("Die Karte zeigt alle {of} Flächen der Ebene „{t}“ außer {list}.")
    },
    values: |n, list| format!("{n} Werte: {list}."),
    points: |t, n, v| format!("„{t}“: {n} Punkte, {v} davon im Ausschnitt."),
    areas: |t, n, v| format!("„{t}“: {n} Flächen, {v} davon im Ausschnitt."),
    remote: |t| format!("„{t}“ wird beim Lesen von einem Dienst geladen."),
    remote_not_drawn: "wird beim Lesen von einem Dienst geladen und fehlt in diesem Bild",
    darker_more: |p| format!("Je dunkler die Farbe, desto höher „{p}“."),
    lighter_more: |p| format!("Je heller die Farbe, desto höher „{p}“."),
    color_shows: |p| format!("Die Farbe zeigt „{p}“."),
    classes: |n, list| format!("{n} Stufen: {list}."),
    counted: |l, n| format!("{l} ({n})"),
    size_shows: |p| format!("Die Größe der Kreise zeigt „{p}“."),
    highest: |list| format!("Am höchsten: {list}."),
    lowest: |list| format!("Am niedrigsten: {list}."),
    valued: |name, v| format!("{name} ({v})"),
    rest_faded: "die übrigen sind blass",
    tilted: |from, deg| format!("Die Karte ist schräg von {from} gesehen, um {deg}° geneigt."),
    compared: |a, b| {
        format!("Die Karte vergleicht zwei Stände, geteilt durch eine verschiebbare Linie: links „{a}“, rechts „{b}“.")
    },
    compass: [
        "Norden",
        "Nordosten",
        "Osten",
        "Südosten",
        "Süden",
        "Südwesten",
        "Westen",
        "Nordwesten",
    ],
    heights_show: |p| format!("Die Höhe der Flächen zeigt „{p}“."),
    heights_between: |base, top| {
        format!("Die Flächen beginnen in der Höhe „{base}“ und reichen bis zur Höhe „{top}“.")
    },
    real_shapes: "Die Häuser stehen da, wie sie gebaut sind, mit ihren Dächern.",
    chart_numbers: "Zahlen anzeigen",
    chart_count: "Anzahl",
    chart_bars: |n, a, va, b, vb| format!("{n} Balken, von {a} mit {va} bis {b} mit {vb}."),
    chart_classes: |n, k, c, m| {
        format!("{n} Werte in {k} Stufen; die meisten liegen in der Stufe {c} ({m}).")
    },
    chart_line: |a, va, b, vb, h, vh| {
        format!("Von {a} bis {b}: von {va} auf {vb}; am höchsten {h} mit {vh}.")
    },
    chart_sum_of: |f| format!("Summe „{f}“"),
    chart_mean_of: |f| format!("Mittelwert „{f}“"),
};

/// English words of the text alternative.
pub static EN_DESCRIBE: DescribeWords = DescribeWords {
    shows: |list| format!("The map shows {list}."),
    shows_all: |n, t| format!("The map shows all {n} areas of the layer “{t}”."),
    shows_most: |n, of, t| format!("The map shows {n} of the {of} areas of the layer “{t}”."),
    shows_all_but: |of, t, list| {
        format!("The map shows all {of} areas of the layer “{t}” but {list}.")
    },
    values: |n, list| format!("{n} values: {list}."),
    points: |t, n, v| format!("“{t}”: {n} points, {v} of them in view."),
    areas: |t, n, v| format!("“{t}”: {n} areas, {v} of them in view."),
    remote: |t| format!("“{t}” is loaded from a service while the story plays."),
    remote_not_drawn: "loaded from a service while the story plays, not in this picture",
    darker_more: |p| format!("The darker the colour, the higher “{p}”."),
    lighter_more: |p| format!("The lighter the colour, the higher “{p}”."),
    color_shows: |p| format!("The colour shows “{p}”."),
    classes: |n, list| format!("{n} classes: {list}."),
    counted: |l, n| format!("{l} ({n})"),
    size_shows: |p| format!("The size of the circles shows “{p}”."),
    highest: |list| format!("Highest: {list}."),
    lowest: |list| format!("Lowest: {list}."),
    valued: |name, v| format!("{name} ({v})"),
    rest_faded: "the others are faded",
    tilted: |from, deg| format!("The map is seen from the {from}, tilted by {deg}°."),
    compared: |a, b| {
        format!("The map compares two states, split by a movable line: “{a}” on the left, “{b}” on the right.")
    },
    compass: [
        "north",
        "north-east",
        "east",
        "south-east",
        "south",
        "south-west",
        "west",
        "north-west",
    ],
    heights_show: |p| format!("The height of the areas shows “{p}”."),
    heights_between: |base, top| {
        format!("The areas start at the height of “{base}” and reach up to the height of “{top}”.")
    },
    real_shapes: "The buildings stand in their real shape, roofs and all.",
    chart_numbers: "Show the numbers",
    chart_count: "Count",
    chart_bars: |n, a, va, b, vb| format!("{n} bars, from {a} with {va} to {b} with {vb}."),
    chart_classes: |n, k, c, m| {
        format!("{n} values in {k} classes; most of them in the class {c} ({m}).")
    },
    chart_line: |a, va, b, vb, h, vh| {
        format!("From {a} to {b}: from {va} to {vb}; highest in {h} with {vh}.")
    },
    chart_sum_of: |f| format!("Total “{f}”"),
    chart_mean_of: |f| format!("Mean “{f}”"),
};

impl Lang {
    /// The words of the map's text alternative in this language.
    pub fn describe_words(self) -> &'static DescribeWords {
        match self {
            Lang::De => &DE_DESCRIBE,
            Lang::En => &EN_DESCRIBE,
        }
    }
}
// --- end of text alternative ---------------------------------------------

// --- cover -----------------------------------------------------------------
// The cover's words (the reading time, the table of contents). A table of
// their own, like the text alternative's: the story compiler writes them
// into the cover's HTML, so the player's bundle does not carry them.

/// The words of a story's cover in one language.
#[derive(Debug)]
pub struct CoverWords {
    /// How long the story takes to read (whole minutes, at least 1).
    pub reading_time: fn(u32) -> String,
    /// The name of the table of contents (its heading and landmark).
    pub contents: &'static str,
    /// The link to a story's version in this language, written in this
    /// language (the cover of the other version shows it: „Deutsche
    /// Fassung“ on an English story).
    pub this_version: &'static str,
    /// The name of this language in itself, for the site index.
    pub language_name: &'static str,
    /// The site index's preview picture of a story: its first step's map.
    pub preview_alt: fn(&str) -> String,
    /// The site index's name for the links to a story's other versions.
    pub other_versions: &'static str,
}

/// German words of the cover.
pub static DE_COVER: CoverWords = CoverWords {
    reading_time: |n| match n {
        1 => "1 Minute Lesezeit".to_owned(),
        n => format!("{n} Minuten Lesezeit"),
    },
    contents: "Inhalt",
    this_version: "Deutsche Fassung",
    language_name: "Deutsch",
    preview_alt: |title| format!("Karte zum ersten Schritt: {title}"),
    other_versions: "Auch in",
};

/// English words of the cover.
pub static EN_COVER: CoverWords = CoverWords {
    reading_time: |n| format!("{n} min read"),
    contents: "Contents",
    this_version: "English version",
    language_name: "English",
    preview_alt: |title| format!("Map of the first step: {title}"),
    other_versions: "Also in",
};

impl Lang {
    /// The cover's words in this language.
    pub fn cover_words(self) -> &'static CoverWords {
        match self {
            Lang::De => &DE_COVER,
            Lang::En => &EN_COVER,
        }
    }
}
// --- end of cover ------------------------------------------------------------

// --- playback through time ---------------------------------------------------
// The words of a step's `play` controls. A table of their own, not fields of
// `Strings`: only the play module (`crates/play`) shows them, so the base
// module does not carry them.

/// The words of the controls of a step's `play` in one language.
#[derive(Debug)]
pub struct PlayWords {
    /// The button that plays a step through time.
    pub play: &'static str,
    /// The same button while it plays: it pauses.
    pub pause: &'static str,
    /// The name of the slider of a step's moment in time.
    pub moment: &'static str,
}

/// German.
pub static DE_PLAY: PlayWords = PlayWords {
    play: "Abspielen",
    pause: "Anhalten",
    moment: "Zeitpunkt",
};

/// English.
pub static EN_PLAY: PlayWords = PlayWords {
    play: "Play",
    pause: "Pause",
    moment: "Point in time",
};

impl Lang {
    /// The words of the `play` controls in this language.
    pub fn play_words(self) -> &'static PlayWords {
        match self {
            Lang::De => &DE_PLAY,
            Lang::En => &EN_PLAY,
        }
    }
}
// --- end of playback through time ---------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text of a table with sample arguments, named. The pattern
    /// lists every field without `..`: a new field does not compile until
    /// it is checked here too.
    fn texts(s: &'static Strings) -> Vec<(&'static str, String)> {
        let Strings {
            lang: _,
            loading_story,
            story_failed,
            story_refused,
            story_refused_origin,
            story_refused_scheme,
            story_refused_invalid,
            story_unreadable,
            story_too_new,
            not_text,
            map_role,
            map_label,
            map_help,
            map_nothing_to_select,
            loading_data,
            details,
            try_again,
            nav_help,
            nav_group,
            zoom_in,
            zoom_out,
            nav_reset,
            wheel_hint,
            wheel_hint_mac,
            touch_hint,
            legend,
            legend_highlighted,
            legend_highlighted_names,
            legend_shown,
            compare_divider,
            and_more,
            legend_other,
            legend_no_data,
            range_to,
            range_over,
            yes,
            no,
            table_summary,
            table_first,
            table_all,
            sources,
            basemap,
            made_with,
            layer_failed,
            layer_not_loaded,
            layer_style_problem,
            layer_shown_of,
            layer_shown_only,
            the_service,
            server_error,
            server_unreachable,
            server_timed_out,
            answer_unreadable,
            no_data_sent,
            cut_stopped,
            cut_unreadable,
            cut_foreign,
            cut_repeated,
            cut_too_many_pages,
            request_refused_origin,
            request_refused_scheme,
            request_invalid,
            fetch_unreachable,
            fetch_status,
            fetch_unreadable,
            readers_no_answer,
            readers_missing,
            readers_unavailable,
            // tables, tooltips, structure
            skip_to_story,
            transcript,
            image_close,
            map_legend,
            table_rows,
            table_in_view_count,
            table_only_in_view,
            table_page,
            table_previous,
            table_next,
            table_highlighted,
            table_yes,
            // pages of build and serve
            noscript,
            step_map,
            site_title,
            site_heading,
            preview_errors,
            preview_overlay,
            preview_hide,
            not_found,
            // dates
            months,
            date,
        } = s;
        let plain = [
            ("loading_story", loading_story),
            ("story_failed", story_failed),
            ("story_refused", story_refused),
            ("story_refused_invalid", story_refused_invalid),
            ("map_role", map_role),
            ("map_help", map_help),
            ("map_nothing_to_select", map_nothing_to_select),
            ("loading_data", loading_data),
            ("details", details),
            ("try_again", try_again),
            ("nav_help", nav_help),
            ("nav_group", nav_group),
            ("zoom_in", zoom_in),
            ("zoom_out", zoom_out),
            ("nav_reset", nav_reset),
            ("wheel_hint", wheel_hint),
            ("wheel_hint_mac", wheel_hint_mac),
            ("touch_hint", touch_hint),
            ("legend", legend),
            ("legend_other", legend_other),
            ("legend_no_data", legend_no_data),
            ("range_to", range_to),
            ("range_over", range_over),
            ("yes", yes),
            ("no", no),
            ("table_summary", table_summary),
            ("sources", sources),
            ("basemap", basemap),
            ("made_with", made_with),
            ("the_service", the_service),
            ("answer_unreadable", answer_unreadable),
            ("no_data_sent", no_data_sent),
            ("cut_stopped", cut_stopped),
            ("cut_unreadable", cut_unreadable),
            ("cut_foreign", cut_foreign),
            ("cut_repeated", cut_repeated),
            ("cut_too_many_pages", cut_too_many_pages),
            ("skip_to_story", skip_to_story),
            ("transcript", transcript),
            ("image_close", image_close),
            ("map_legend", map_legend),
            ("table_only_in_view", table_only_in_view),
            ("table_previous", table_previous),
            ("table_next", table_next),
            ("table_highlighted", table_highlighted),
            ("table_yes", table_yes),
            ("readers_no_answer", readers_no_answer),
            ("noscript", noscript),
            ("site_title", site_title),
            ("site_heading", site_heading),
            ("preview_errors", preview_errors),
            ("preview_overlay", preview_overlay),
            ("preview_hide", preview_hide),
            ("not_found", not_found),
        ];
        let mut out: Vec<(&'static str, String)> =
            plain.iter().map(|(k, v)| (*k, v.to_string())).collect();
        out.extend([
            ("story_refused_origin", story_refused_origin("@1")),
            ("story_refused_scheme", story_refused_scheme("@1")),
            ("map_label", map_label("@1")),
            ("legend_highlighted", legend_highlighted(7001, 7002)),
            (
                "legend_highlighted_names",
                legend_highlighted_names(7001, 7002, "@3"),
            ),
            ("legend_shown", legend_shown(7001, 7002)),
            ("compare_divider", compare_divider("@1", "@2")),
            ("and_more", and_more("@1", 7002)),
            ("table_first", table_first("@1", 7002, 7003)),
            ("table_all", table_all("@1", 7002)),
            ("layer_failed", layer_failed("@1", "@2")),
            ("layer_not_loaded", layer_not_loaded("@1")),
            ("layer_style_problem", layer_style_problem("@1")),
            ("layer_shown_of", layer_shown_of("@1", "@2", "@3", "@4")),
            ("layer_shown_only", layer_shown_only("@1", "@2", "@3")),
            ("server_error", server_error("@1", 7002)),
            ("server_unreachable", server_unreachable("@1")),
            ("server_timed_out", server_timed_out("@1", 7002)),
            ("request_refused_origin", request_refused_origin("@1")),
            ("request_refused_scheme", request_refused_scheme("@1")),
            ("request_invalid", request_invalid("@1")),
            ("table_rows", table_rows("@1", 7001, 7002, 7003)),
            ("table_in_view_count", table_in_view_count(7001)),
            ("table_page", table_page(7001, 7002)),
            ("step_map", step_map("@1")),
            ("story_unreadable", story_unreadable("@1", "@2")),
            ("story_too_new", story_too_new("@1", 7002, 7003)),
            ("not_text", not_text("@1")),
            ("fetch_unreachable", fetch_unreachable("@1", "@2")),
            ("fetch_status", fetch_status("@1", 7002, "@3")),
            ("fetch_unreadable", fetch_unreadable("@1", "@2")),
            ("readers_missing", readers_missing("@1")),
            ("readers_unavailable", readers_unavailable("@1", "@2")),
            ("date", date(7001, "@2", 7003)),
        ]);
        const MONTHS: [&str; 12] = [
            "months[0]",
            "months[1]",
            "months[2]",
            "months[3]",
            "months[4]",
            "months[5]",
            "months[6]",
            "months[7]",
            "months[8]",
            "months[9]",
            "months[10]",
            "months[11]",
        ];
        out.extend(MONTHS.iter().zip(months).map(|(k, m)| (*k, m.to_string())));
        out
    }

    #[test]
    fn both_languages_fill_every_text_and_every_part() {
        for s in [&DE, &EN] {
            for (key, text) in texts(s) {
                assert!(!text.trim().is_empty(), "{:?}: `{key}` is empty", s.lang);
                // A function must use each of its arguments.
                for part in ["@1", "@2", "@3", "@4", "7001", "7002", "7003"] {
                    let given = texts(&DE)
                        .into_iter()
                        .chain(texts(&EN))
                        .any(|(k, t)| k == key && t.contains(part));
                    if given {
                        assert!(
                            text.contains(part),
                            "{:?}: `{key}` leaves out {part}: {text}",
                            s.lang
                        );
                    }
                }
            }
        }
    }

    /// Texts that read the same in German and English.
    const SAME_IN_BOTH: [&str; 5] = [
        "details",
        "months[3]",  // April
        "months[7]",  // August
        "months[8]",  // September
        "months[10]", // November
    ];

    /// Words that both tables may use: names (the tool and its command
    /// `twinstory build`, the player, JavaScript, HTTP, UTF-8, the keys
    /// Escape, Plus and Minus, the address parameter `?story=`), words
    /// that are the same in both languages, and month names.
    const WORDS_IN_BOTH: [&str; 22] = [
        "twinstory",
        "build", // `twinstory build`, scripts/build-player.sh
        "scripts",
        "player",
        "http",
        "utf",
        "format",
        "javascript",
        "escape",
        "plus",
        "minus",
        "story",
        "utc",
        "details",
        "rest",
        "server",
        "text",
        "web",
        "april",
        "august",
        "september",
        "november",
    ];

    /// The words of a text (letters only, lower case, three or more).
    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn no_table_has_a_word_of_the_other_language() {
        // Each language's vocabulary is every word of its table; a text
        // still in the other language (a key copied, not translated) uses
        // words only that language has.
        let all = |s: &'static Strings| {
            let mut t = texts(s);
            t.extend(describe_texts(s.lang.describe_words()));
            t.extend(cover_texts(s.lang.cover_words()));
            t.extend(play_texts(s.lang.play_words()));
            t
        };
        let vocabulary = |s: &'static Strings| -> std::collections::BTreeSet<String> {
            all(s).iter().flat_map(|(_, t)| words(t)).collect()
        };
        let (de_words, en_words) = (vocabulary(&DE), vocabulary(&EN));
        for (this, other, other_words) in [(&EN, &DE, &de_words), (&DE, &EN, &en_words)] {
            for (key, text) in all(this) {
                for w in words(&text) {
                    let foreign = other_words.contains(&w) && !WORDS_IN_BOTH.contains(&w.as_str());
                    assert!(
                        !foreign,
                        "{:?}: `{key}` has the {:?} word `{w}`: {text}",
                        this.lang, other.lang
                    );
                }
            }
        }
        // German letters and quotation marks never stand in English texts.
        for (key, text) in all(&EN) {
            assert!(
                !text.contains(['ä', 'ö', 'ü', 'Ä', 'Ö', 'Ü', 'ß', '„']),
                "En: `{key}` has German letters: {text}"
            );
        }
    }

    /// The cover's words with sample arguments, named.
    fn cover_texts(w: &'static CoverWords) -> Vec<(&'static str, String)> {
        let CoverWords {
            reading_time,
            contents,
            this_version,
            language_name,
            preview_alt,
            other_versions,
        } = w;
        vec![
            ("reading_time", reading_time(7001)),
            ("reading_time_1", reading_time(1)),
            ("contents", contents.to_string()),
            ("this_version", this_version.to_string()),
            ("language_name", language_name.to_string()),
            ("preview_alt", preview_alt("@1")),
            ("other_versions", other_versions.to_string()),
        ]
    }

    fn play_texts(w: &'static PlayWords) -> Vec<(&'static str, String)> {
        let PlayWords {
            play,
            pause,
            moment,
        } = w;
        vec![
            ("play", play.to_string()),
            ("pause", pause.to_string()),
            ("moment", moment.to_string()),
        ]
    }

    #[test]
    fn play_words_are_filled_and_differ() {
        let (de, en) = (play_texts(&DE_PLAY), play_texts(&EN_PLAY));
        for ((k, d), (_, e)) in de.iter().zip(&en) {
            assert!(!d.is_empty() && !e.is_empty() && d != e, "{k}");
        }
    }

    #[test]
    fn cover_words_say_the_minutes_and_differ() {
        for lang in [Lang::De, Lang::En] {
            let w = lang.cover_words();
            assert!((w.reading_time)(7001).contains("7001"));
            assert!((w.reading_time)(1).contains('1'));
            assert!(!w.contents.is_empty());
        }
        assert_ne!(DE_COVER.contents, EN_COVER.contents);
        assert_ne!((DE_COVER.reading_time)(3), (EN_COVER.reading_time)(3));
    }

    /// The text alternative's words with sample arguments, named.
    fn describe_texts(w: &'static DescribeWords) -> Vec<(&'static str, String)> {
        vec![
            ("shows", (w.shows)("@1")),
            ("shows_all", (w.shows_all)(7001, "@2")),
            ("shows_most", (w.shows_most)(7001, 7002, "@3")),
            ("shows_all_but", (w.shows_all_but)(7001, "@2", "@3")),
            ("values", (w.values)(7001, "@2")),
            ("points", (w.points)("@1", 7002, 7003)),
            ("areas", (w.areas)("@1", 7002, 7003)),
            ("remote", (w.remote)("@1")),
            ("remote_not_drawn", w.remote_not_drawn.to_string()),
            ("darker_more", (w.darker_more)("@1")),
            ("lighter_more", (w.lighter_more)("@1")),
            ("color_shows", (w.color_shows)("@1")),
            ("classes", (w.classes)(7001, "@2")),
            ("size_shows", (w.size_shows)("@1")),
            ("highest", (w.highest)("@1")),
            ("lowest", (w.lowest)("@1")),
            ("rest_faded", w.rest_faded.to_string()),
            ("tilted", (w.tilted)("@1", 7002)),
            ("compared", (w.compared)("@1", "@2")),
            ("compass", w.compass.join(" ")),
            ("heights_show", (w.heights_show)("@1")),
            ("heights_between", (w.heights_between)("@1", "@2")),
            ("real_shapes", w.real_shapes.to_string()),
            ("chart_numbers", w.chart_numbers.to_string()),
            ("chart_count", w.chart_count.to_string()),
            ("chart_bars", (w.chart_bars)(7001, "@2", "@3", "@4", "@5")),
            ("chart_classes", (w.chart_classes)(7001, 7002, "@3", 7004)),
            (
                "chart_line",
                (w.chart_line)("@1", "@2", "@3", "@4", "@5", "@6"),
            ),
            ("chart_sum_of", (w.chart_sum_of)("@1")),
            ("chart_mean_of", (w.chart_mean_of)("@1")),
        ]
    }

    #[test]
    fn dates_read_in_the_language() {
        assert_eq!(
            format_date("2026-12-03", "de").as_deref(),
            Some("3. Dezember 2026")
        );
        assert_eq!(
            format_date("2026-12-03", "en").as_deref(),
            Some("3 December 2026")
        );
        assert_eq!(
            format_date("2024-02-29", "de-CH").as_deref(),
            Some("29. Februar 2024")
        );
        assert_eq!(
            format_date("2026-03-01T07:05Z", "fr").as_deref(),
            Some("1 March 2026, 07:05 UTC")
        );
        assert_eq!(
            format_date("2026-03-01T07:05:59", "de").as_deref(),
            Some("1. März 2026, 07:05")
        );
        for not_a_date in [
            "",
            "2026",
            "2026-12",
            "2026-13-01",
            "2026-00-10",
            "2025-02-29",
            "2026-12-32",
            "2026-12-03 ",
            "2026-12-03T",
            "2026-12-03T24:00",
            "2026-12-03T10:60",
            "2026-12-03T10:00:61",
            "2026-12-03T10:00:00.",
            "2026-12-03T10:00+1",
            "2026-12-03T10:00+é:0",
            "+2026-12-03",
            "2026-1-03",
            "１２３４-12-03",
            "Altona 2026-12-03",
        ] {
            assert_eq!(format_date(not_a_date, "de"), None, "{not_a_date}");
        }
    }

    #[test]
    fn the_tables_differ_where_words_are_read() {
        let (de, en) = (texts(&DE), texts(&EN));
        let same: Vec<&str> = de
            .iter()
            .zip(&en)
            .filter(|(d, e)| d.1 == e.1)
            .map(|(d, _)| d.0)
            .collect();
        // The same word in both languages.
        assert_eq!(same, SAME_IN_BOTH);
        assert_eq!(Lang::De.strings().lang, Lang::De);
        assert_eq!(Lang::En.strings().lang, Lang::En);
        assert_eq!(Lang::of("de-CH").strings().legend, "Legende");
        assert_eq!(Lang::of("en-US").strings().legend, "Legend");
    }

    // text alternative
    #[test]
    fn the_text_alternative_has_words_in_both_languages_using_every_part() {
        for (lang, w) in [
            (Lang::De, Lang::De.describe_words()),
            (Lang::En, Lang::En.describe_words()),
        ] {
            let texts = [
                ((w.shows)("@1"), 1),
                ((w.shows_all)(7001, "@2"), 2),
                ((w.shows_most)(7001, 7002, "@3"), 3),
                ((w.shows_all_but)(7001, "@2", "@3"), 3),
                ((w.values)(7001, "@2"), 2),
                ((w.points)("@1", 7002, 7003), 3),
                ((w.areas)("@1", 7002, 7003), 3),
                ((w.remote)("@1"), 1),
                ((w.darker_more)("@1"), 1),
                ((w.lighter_more)("@1"), 1),
                ((w.color_shows)("@1"), 1),
                ((w.classes)(7001, "@2"), 2),
                ((w.counted)("@1", 7002), 2),
                ((w.size_shows)("@1"), 1),
                ((w.highest)("@1"), 1),
                ((w.lowest)("@1"), 1),
                ((w.valued)("@1", "@2"), 2),
                ((w.tilted)("@1", 7002), 2),
                ((w.compared)("@1", "@2"), 2),
                ((w.heights_show)("@1"), 1),
                ((w.heights_between)("@1", "@2"), 2),
            ];
            for (text, parts) in &texts {
                let marks = ["@1", "@2", "@3", "7001", "7002", "7003"];
                let used = marks.iter().filter(|m| text.contains(*m)).count();
                assert_eq!(used, *parts, "{lang:?}: {text}");
            }
            assert!(!w.rest_faded.is_empty());
        }
        assert_ne!(
            (DE_DESCRIBE.darker_more)("x"),
            (EN_DESCRIBE.darker_more)("x")
        );
    }
}
