//! `twinstory import`: stories made with other tools to a story folder.
//!
//! Each tool has its reader (`mapbox`, `storymapjs`), which turns the
//! tool's file into a [`Draft`] and notes in a [`Report`] what it could not
//! carry over. [`write`] writes the draft as `story.md` (and its data
//! files), runs the story parser on it as `validate` does, and adds the
//! parser's diagnostics to the report, which is printed and saved as
//! `import-report.md` beside `story.md`.

pub mod hamburg;
pub mod html;
pub mod js_literal;
pub mod mapbox;
pub mod storymapjs;

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use twinstory_story::{check_assets, parse_story, Severity};

/// The tools `import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Tool {
    /// The Mapbox storytelling template's `config.js`.
    Mapbox,
    /// A StoryMapJS story (JSON with `storymap.slides`).
    Storymapjs,
    /// Hamburg's storytelling tool / Data Narrator (Masterportal
    /// storyTellingTool): a folder with story.json, the steps' HTML files
    /// and optionally portal-config.json.
    Hamburg,
}

/// A story about to be written.
#[derive(Debug, Default)]
pub struct Draft {
    /// `title` of the front matter.
    pub title: String,
    /// `lang` of the front matter.
    pub lang: String,
    /// `summary`, when the tool has a subtitle.
    pub summary: Option<String>,
    /// `authors`.
    pub authors: Vec<String>,
    /// `credits` lines.
    pub credits: Vec<String>,
    /// The `layers:` block as YAML lines (indented two spaces), if any.
    pub layers_yaml: Vec<String>,
    /// Markdown of the introduction (before the first step).
    pub intro: String,
    /// The steps.
    pub steps: Vec<DraftStep>,
    /// Files written beside story.md: (relative path, content).
    pub files: Vec<(String, Vec<u8>)>,
}

/// One step of a draft.
#[derive(Debug, Default)]
pub struct DraftStep {
    /// A `#` chapter heading written above the step (plain text; escaped
    /// when written): the step starts that chapter.
    pub chapter: Option<String>,
    /// The `##` heading (plain text; escaped when written).
    pub title: String,
    /// The step's `id`, made unique by the writer.
    pub id: String,
    /// Where the map looks.
    pub view: Option<DraftView>,
    /// The `show:` value as YAML (`[places]`), when the step sets it.
    pub show: Option<String>,
    /// `fly`, `ease` or `jump`.
    pub transition: Option<&'static str>,
    /// YAML comments in the step block (without `# `).
    pub comments: Vec<String>,
    /// The step's text, Markdown.
    pub text: String,
}

// The steepest `pitch` a story's view takes (`docs/story-format.md`, "Tilted views").
use twinstory_model::MAX_PITCH;

/// A step's view.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftView {
    /// Centre (lon, lat), zoom, bearing and pitch.
    Center {
        /// Longitude, degrees.
        lon: f64,
        /// Latitude, degrees.
        lat: f64,
        /// MapLibre zoom.
        zoom: f64,
        /// Degrees clockwise from north.
        bearing: f64,
        /// Degrees of tilt; written as `pitch`, at most [`MAX_PITCH`]
        /// (a steeper one is named in a comment).
        pitch: f64,
    },
    /// A box `[west, south, east, north]`.
    Fit([f64; 4]),
}

/// What the import carried over and what not.
#[derive(Debug, Default)]
pub struct Report {
    /// The source file or folder.
    pub source: String,
    /// The tool's name.
    pub tool: &'static str,
    /// The story's language: notes written into its text are in it.
    pub lang: twinstory_model::strings::Lang,
    /// Short lines of what was carried over.
    pub carried: Vec<String>,
    /// What was not carried over, one line each (where: what).
    pub not_carried: Vec<String>,
    /// Layers of the tool that the story cannot show without their data:
    /// id → what the tool did with them (chapters and opacities).
    pub layers_to_attach: BTreeMap<String, Vec<String>>,
    /// Images on other servers: (address, credit).
    pub remote_images: Vec<(String, String)>,
    /// Images whose files are not in the story folder (noted in the text).
    pub missing_images: Vec<String>,
    /// `<h4>`–`<h6>` written as paragraphs (editors use them for text size).
    pub small_headings: usize,
    /// The story parser's diagnostics on the written story.md.
    pub diagnostics: Vec<String>,
    /// Errors among them.
    pub errors: usize,
}

impl Report {
    /// Notes something the import left out.
    pub fn lost(&mut self, line: impl Into<String>) {
        self.not_carried.push(line.into());
    }

    /// Adds what an HTML conversion dropped, at `place`.
    pub fn html(&mut self, place: &str, c: &html::Converted) {
        let mut list = Vec::new();
        for (name, n) in &c.dropped {
            if name.ends_with("(as a paragraph)") {
                self.small_headings += n;
            } else if *n > 1 {
                list.push(format!("<{name}> ×{n}"));
            } else {
                list.push(format!("<{name}>"));
            }
        }
        if !list.is_empty() {
            self.lost(format!(
                "{place}: HTML elements dropped (their text kept unless script/style/media): {}",
                list.join(", ")
            ));
        }
        for a in &c.bad_addresses {
            self.lost(format!(
                "{place}: link or image with an address that stories do not allow, left out: {a}"
            ));
        }
        for (src, _) in &c.images {
            self.image(src, "");
        }
    }

    /// Records an image address (remote, or a file that is not here).
    pub fn image(&mut self, src: &str, credit: &str) {
        if twinstory_model::url::is_http(src) {
            self.remote_images.push((src.to_owned(), credit.to_owned()));
        } else {
            self.missing_images.push(src.to_owned());
        }
    }

    /// The report as Markdown.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# Import report\n\nFrom {} ({}).\n",
            self.source, self.tool
        );
        let _ = writeln!(s, "## Carried over\n");
        for l in &self.carried {
            let _ = writeln!(s, "- {l}");
        }
        if self.small_headings > 0 {
            let _ = writeln!(
                s,
                "- {} `<h4>`–`<h6>` elements as paragraphs (used for text size; `##` starts a step)",
                self.small_headings
            );
        }
        let _ = writeln!(s, "\n## Not carried over\n");
        if self.not_carried.is_empty() {
            let _ = writeln!(s, "- nothing");
        }
        for l in &self.not_carried {
            let _ = writeln!(s, "- {l}");
        }
        if !self.layers_to_attach.is_empty() {
            let _ = writeln!(
                s,
                "\n## Layers to attach\n\nThese layers live in the tool's map style or portal, not in the story. \
                 Add each one's data to the story folder and describe it under `layers:` in story.md; \
                 the step blocks name them in comments where the original showed them.\n"
            );
            for (id, uses) in &self.layers_to_attach {
                let _ = writeln!(s, "- `{id}`: {}", uses.join("; "));
            }
        }
        if !self.remote_images.is_empty() {
            let _ = writeln!(
                s,
                "\n## Images on other servers\n\nKept as images: readers' browsers load them from these servers \
                 (they see the readers' addresses; `twinstory build` adds the hosts to the page's `img-src`). \
                 Download them into the story folder, with their licence, to avoid that.\n"
            );
            for (url, credit) in &self.remote_images {
                if credit.is_empty() {
                    let _ = writeln!(s, "- {url}");
                } else {
                    let _ = writeln!(s, "- {url} (credit: {credit})");
                }
            }
        }
        if !self.missing_images.is_empty() {
            let _ = writeln!(
                s,
                "\n## Images not imported\n\nTheir files are not in the story folder; a note in the step's text marks each place. \
                 Copy the file into the story folder (e.g. `img/`) and replace the note with \
                 `![what the image shows](img/file.jpg \"credit\")`.\n"
            );
            for i in &self.missing_images {
                let _ = writeln!(s, "- {i}");
            }
        }
        let _ = writeln!(s, "\n## Validation\n");
        if self.diagnostics.is_empty() {
            let _ = writeln!(s, "story.md validates without errors or warnings.");
        } else {
            let _ = writeln!(
                s,
                "{} error(s), {} warning(s):\n",
                self.errors,
                self.diagnostics.len() - self.errors
            );
            for d in &self.diagnostics {
                let _ = writeln!(s, "- {d}");
            }
        }
        s
    }
}

/// Runs `import`: reads `input` as `tool`'s, writes the story into `out`
/// (a new or empty folder), prints the report. Fails (exit 1) when the
/// written story does not validate.
pub fn run(
    input: &Path,
    tool: Tool,
    out: &Path,
    lang: Option<&str>,
) -> Result<std::process::ExitCode> {
    // The tools do not record the language: Hamburg's stories are German.
    let lang = lang.unwrap_or(if tool == Tool::Hamburg { "de" } else { "en" });
    if !lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || lang.is_empty() {
        bail!("`{lang}` is not a language tag; write e.g. `de`, `en` or `de-CH`");
    }
    let (draft, mut report) = import(input, tool, lang)?;
    if out.exists()
        && std::fs::read_dir(out)
            .with_context(|| format!("cannot read {}", out.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty; import writes into a new or empty folder",
            out.display()
        );
    }
    write(&draft, out, &mut report)?;
    let text = report.render();
    std::fs::write(out.join("import-report.md"), &text)
        .with_context(|| format!("cannot write {}", out.join("import-report.md").display()))?;
    println!("{text}");
    println!(
        "Wrote {} ({} steps); this report is saved as {}.",
        out.join("story.md").display(),
        draft.steps.len(),
        out.join("import-report.md").display()
    );
    Ok(if report.errors > 0 {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    })
}

/// Reads `input` as `tool`'s story (no files written).
pub fn import(input: &Path, tool: Tool, lang: &str) -> Result<(Draft, Report)> {
    let file = match tool {
        Tool::Mapbox => find_file(input, &["config.js"], "js")?,
        Tool::Storymapjs => find_file(input, &["published.json", "draft.json"], "json")?,
        Tool::Hamburg => find_file(input, &["story.json"], "json")?,
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let mut report = Report {
        source: file.display().to_string(),
        lang: twinstory_model::strings::Lang::of(lang),
        ..Report::default()
    };
    let mut draft = match tool {
        Tool::Mapbox => {
            report.tool = "Mapbox storytelling template";
            mapbox::convert(&text, &mut report)
                .with_context(|| format!("cannot read {}", file.display()))?
        }
        Tool::Storymapjs => {
            report.tool = "StoryMapJS";
            storymapjs::convert(&text, &mut report)
                .with_context(|| format!("cannot read {}", file.display()))?
        }
        Tool::Hamburg => {
            report.tool = "Hamburg storytelling tool (Masterportal storyTellingTool)";
            let dir = file.parent().unwrap_or(Path::new("."));
            hamburg::convert(&text, dir, &mut report)
                .with_context(|| format!("cannot read {}", file.display()))?
        }
    };
    draft.lang = lang.to_owned();
    if draft.title.trim().is_empty() {
        draft.title = file
            .file_stem()
            .and_then(|s| s.to_str())
            .map(|s| s.trim_end_matches(".config").replace(['-', '_'], " "))
            .unwrap_or_else(|| "Imported story".to_owned());
        report.lost(format!(
            "the story has no title; `title` is the file's name, \"{}\"",
            draft.title
        ));
    }
    unique_ids(&mut draft);
    Ok((draft, report))
}

/// The file to read: `input` itself, or in a folder the first of `names`,
/// else its only `*.ext` file.
fn find_file(input: &Path, names: &[&str], ext: &str) -> Result<PathBuf> {
    if !input.is_dir() {
        return Ok(input.to_path_buf());
    }
    for n in names {
        if input.join(n).is_file() {
            return Ok(input.join(n));
        }
    }
    let found: Vec<PathBuf> = std::fs::read_dir(input)
        .with_context(|| format!("cannot read {}", input.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("{} has no {} file", input.display(), names.join(" or ")),
        _ => bail!(
            "{} has several .{ext} files; name the one to import",
            input.display()
        ),
    }
}

/// Gives every step a valid, unique id (the tool's, else from its heading).
fn unique_ids(draft: &mut Draft) {
    let mut seen = std::collections::HashSet::new();
    for (i, step) in draft.steps.iter_mut().enumerate() {
        let valid = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        let mut base = if valid(&step.id) {
            step.id.clone()
        } else {
            twinstory_story::slugify(&step.title)
        };
        if !valid(&base) {
            base = format!("step-{}", i + 1);
        }
        let mut id = base.clone();
        let mut n = 2;
        while !seen.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        step.id = id;
    }
}

/// A YAML scalar in double quotes (JSON's escapes are YAML's).
pub fn yaml_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// A number for YAML: at most 6 decimals, no trailing zeros.
pub fn num(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// Writes `draft` as story.md into `out`.
pub fn story_markdown(draft: &Draft) -> String {
    let mut s = String::from("---\n");
    let _ = writeln!(s, "title: {}", yaml_string(&draft.title));
    let _ = writeln!(s, "lang: {}", draft.lang);
    if let Some(summary) = draft.summary.as_deref().filter(|x| !x.trim().is_empty()) {
        let _ = writeln!(s, "summary: {}", yaml_string(summary));
    }
    if !draft.authors.is_empty() {
        let list: Vec<String> = draft.authors.iter().map(|a| yaml_string(a)).collect();
        let _ = writeln!(s, "authors: [{}]", list.join(", "));
    }
    if !draft.credits.is_empty() {
        let _ = writeln!(s, "credits:");
        for c in &draft.credits {
            let _ = writeln!(s, "  - {}", yaml_string(c));
        }
    }
    if !draft.layers_yaml.is_empty() {
        let _ = writeln!(s, "layers:");
        for l in &draft.layers_yaml {
            let _ = writeln!(s, "  {l}");
        }
    }
    let _ = writeln!(
        s,
        "---\n\n# {}\n",
        html::escape_inline(&draft.title).replace('\n', " ")
    );
    if !draft.intro.trim().is_empty() {
        let _ = writeln!(s, "{}\n", draft.intro.trim());
    }
    for step in &draft.steps {
        if let Some(chapter) = step.chapter.as_deref().map(one_line) {
            let chapter = chapter.trim();
            if !chapter.is_empty() {
                let _ = writeln!(s, "# {}\n", html::escape_inline(chapter));
            }
        }
        let _ = writeln!(
            s,
            "## {}\n\n```step",
            html::escape_inline(one_line(&step.title).trim())
        );
        let _ = writeln!(s, "id: {}", step.id);
        match &step.view {
            Some(DraftView::Center {
                lon,
                lat,
                zoom,
                bearing,
                pitch,
            }) => {
                let bearing = if *bearing == 0.0 {
                    String::new()
                } else {
                    format!(", bearing: {}", num(*bearing))
                };
                // twinstory tilts 0–60° (MapLibre's camera up to its
                // default `maxPitch`); a steeper original tilts 60°.
                let tilt = pitch.clamp(0.0, MAX_PITCH);
                let pitch_field = if tilt == 0.0 {
                    String::new()
                } else {
                    format!(", pitch: {}", num(tilt))
                };
                let _ = writeln!(
                    s,
                    "view: {{ center: [{}, {}], zoom: {}{bearing}{pitch_field} }}",
                    num(*lon),
                    num(*lat),
                    num(*zoom)
                );
                if *pitch > MAX_PITCH {
                    let _ = writeln!(
                        s,
                        "# pitch: {} in the original; twinstory tilts at most {}°",
                        num(*pitch),
                        num(MAX_PITCH)
                    );
                }
            }
            Some(DraftView::Fit(b)) => {
                let _ = writeln!(
                    s,
                    "view: {{ fit: [{}, {}, {}, {}] }}",
                    num(b[0]),
                    num(b[1]),
                    num(b[2]),
                    num(b[3])
                );
            }
            None => {}
        }
        if let Some(show) = &step.show {
            let _ = writeln!(s, "show: {show}");
        }
        if let Some(t) = step.transition {
            let _ = writeln!(s, "transition: {t}");
        }
        for c in &step.comments {
            let _ = writeln!(s, "# {}", one_line(c));
        }
        let _ = writeln!(s, "```\n");
        if !step.text.trim().is_empty() {
            let _ = writeln!(s, "{}\n", step.text.trim());
        }
    }
    s.truncate(s.trim_end().len());
    s.push('\n');
    s
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes the draft into `out`, validates it and adds the diagnostics to `report`.
pub fn write(draft: &Draft, out: &Path, report: &mut Report) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for (rel, bytes) in &draft.files {
        let path = out.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let md = story_markdown(draft);
    let file = out.join("story.md");
    std::fs::write(&file, &md).with_context(|| format!("cannot write {}", file.display()))?;
    validate_into(&file, md.as_bytes(), out, report);
    Ok(())
}

/// Runs the story parser and the asset checks on `source`, as `validate` does.
pub fn validate_into(file: &Path, source: &[u8], base: &Path, report: &mut Report) {
    let mut parsed = parse_story(&file.display().to_string(), source);
    check_assets(&mut parsed, base);
    for d in &parsed.diagnostics {
        if d.severity == Severity::Error {
            report.errors += 1;
        }
        let sev = if d.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        report.diagnostics.push(format!(
            "{sev} {} at line {}, column {}: {}",
            d.code, d.line, d.column, d.message
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_view(pitch: f64) -> String {
        story_markdown(&Draft {
            title: "T".to_owned(),
            lang: "en".to_owned(),
            steps: vec![DraftStep {
                title: "One".to_owned(),
                id: "one".to_owned(),
                view: Some(DraftView::Center {
                    lon: 10.0,
                    lat: 53.5,
                    zoom: 12.0,
                    bearing: 36.0,
                    pitch,
                }),
                text: "Text.".to_owned(),
                ..DraftStep::default()
            }],
            ..Draft::default()
        })
    }

    /// The story format has `pitch` (0–60°): a tilted original keeps its
    /// tilt, a steeper one tilts 60° and is named in a comment.
    #[test]
    fn a_tilted_view_keeps_its_pitch() {
        for (pitch, want, comment) in [(39.5, 39.5, false), (0.0, 0.0, false), (75.0, 60.0, true)] {
            let md = with_view(pitch);
            let parsed = twinstory_story::parse_story("story.md", md.as_bytes());
            assert!(
                parsed.diagnostics.is_empty(),
                "{md}\n{:?}",
                parsed.diagnostics
            );
            let story = parsed.story.expect("the story parses");
            let view = story.steps[0].view.as_ref().expect("a view");
            assert_eq!(view.pitch, want, "{md}");
            assert_eq!(md.contains("# pitch: 75 in the original"), comment, "{md}");
            assert!(!md.contains("no pitch yet"), "{md}");
        }
    }
}
