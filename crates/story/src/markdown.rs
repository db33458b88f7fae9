//! The Markdown body: title, intro, steps and their safe HTML.
//!
//! Safety is decided here, on pulldown-cmark's events: raw HTML becomes text,
//! links and images keep only harmless URL schemes, and every HTML string we
//! emit ourselves is escaped.

use crate::diagnostic::{Pos, Sink};
use crate::figure::{closing_brace, Figure};
use crate::media;
use crate::source::LineIndex;
use crate::walk::Walker;
use crate::{Asset, AssetKind};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;
use twinstory_model::url;

/// The YAML of a fenced block twinstory reads (```step, ```chart,
/// ```video, ```audio) and where it is.
#[derive(Debug)]
pub(crate) struct Block {
    /// The YAML text.
    pub yaml: String,
    /// File line of the YAML's first line.
    pub first_line: usize,
    /// Columns the fence is indented by.
    pub col_offset: usize,
    /// Its opening fence (the line, as far as it goes).
    pub fence: Pos,
    /// How the block ends.
    pub end: FenceEnd,
}

/// How a fenced block ends. CommonMark ends it at a line of at least as
/// many of its fence's characters and nothing else, or at the end of the
/// file: a forgotten closing fence makes the rest of the file the block,
/// or the next block's closing fence ends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FenceEnd {
    /// At its own closing fence.
    Closed,
    /// Nowhere: it runs to the end of the file.
    Open,
    /// At a closing fence after another block's opening fence inside it
    /// (`inner`, on file line `fence`): most likely that block's, on file
    /// line `closing`, while this block's own was forgotten.
    RunsOn {
        inner: String,
        fence: usize,
        closing: usize,
    },
}

impl FenceEnd {
    /// How the fenced block `src` (from its opening fence to its end, as
    /// the Markdown parser found it), whose opening fence is on file line
    /// `line`, ends.
    fn of(src: &str, line: usize) -> Self {
        let lines: Vec<&str> = src.trim_end_matches(['\n', '\r']).lines().collect();
        let opening = lines.first().map_or("", |l| l.trim_start());
        let Some(c) = opening.chars().next().filter(|c| *c == '`' || *c == '~') else {
            return FenceEnd::Closed;
        };
        let n = opening.chars().take_while(|x| *x == c).count();
        let closes = |l: &str| {
            let l = l.trim();
            l.chars().count() >= n && l.chars().all(|x| x == c)
        };
        match lines.split_last() {
            Some((last, rest)) if !rest.is_empty() && closes(last) => {
                let inner = rest[1..].iter().enumerate().find(|(_, l)| {
                    let l = l.trim_start();
                    l.starts_with("```") || l.starts_with("~~~")
                });
                match inner {
                    Some((k, l)) => FenceEnd::RunsOn {
                        inner: l.trim().to_owned(),
                        fence: line + 1 + k,
                        closing: line + rest.len(),
                    },
                    None => FenceEnd::Closed,
                }
            }
            _ => FenceEnd::Open,
        }
    }
}

/// One `##` section before its step block is read.
#[derive(Debug)]
pub(crate) struct RawStep {
    /// Heading text.
    pub title: String,
    /// Where the heading is.
    pub heading: Pos,
    /// The section's text as safe HTML (without the heading and the step block).
    pub html: String,
    /// The first ```step block, if any.
    pub block: Option<Block>,
    /// The chapter this step begins: the `#` heading above it.
    pub chapter: Option<String>,
}

/// What the body holds.
#[derive(Debug, Default)]
pub(crate) struct Body {
    /// Text of the first `#` heading before any step.
    pub h1: Option<String>,
    /// Safe HTML of everything before the first `##`.
    pub intro: String,
    /// The steps in order.
    pub steps: Vec<RawStep>,
    /// Images, videos, audios and their files, with their positions.
    pub images: Vec<Asset>,
    /// Links within the page (`#step-id`): the id and the link's position.
    pub fragment_links: Vec<(String, Pos)>,
    /// Figures (`{= count playgrounds}`) that read, in text order.
    pub figures: Vec<FoundFigure>,
    /// ```chart blocks in steps, in text order: the step and the block.
    pub charts: Vec<(usize, Block, Pos)>,
}

/// A figure in the text, read, with the places later checks point at.
#[derive(Debug, Clone)]
pub(crate) struct FoundFigure {
    /// The step it is in (`None`: the introduction).
    pub step: Option<usize>,
    /// The figure.
    pub figure: Figure,
    /// The whole figure, `{=` to `}`.
    pub at: Pos,
    /// Places of its parts, by their character offset from the `{`.
    pub parts: Vec<(usize, Pos)>,
    /// Whether its layer exists and is read at build time (set by the parser).
    pub checked: bool,
    /// The value, once computed from the data.
    pub value: Option<String>,
}

impl FoundFigure {
    /// The place of the part at character offset `at` (the whole figure if unknown).
    pub(crate) fn part(&self, at: usize) -> Pos {
        self.parts
            .iter()
            .find(|(a, _)| *a == at)
            .map_or(self.at, |(_, p)| *p)
    }
}

/// Where the build puts a figure's value: the figure as written stands
/// between these comments until then (so a story that is never built, such
/// as `?story=…/story.md`, shows it as written). Author text cannot contain
/// them: the renderer escapes every `<` of the text.
pub(crate) const FIGURE_OPEN: &str = "<!--figure-->";
/// The end of a figure's place, see [`FIGURE_OPEN`].
pub(crate) const FIGURE_CLOSE: &str = "<!--/figure-->";
/// Where the build puts a chart (a ```chart block): a story that is never
/// built shows nothing there.
pub(crate) const CHART_MARK: &str = "<!--chart-->";

/// Output events: Markdown events, or an image we render ourselves.
enum Out {
    Ev(Event<'static>),
    Figure { block: String, inline: String },
}

struct Section {
    out: Vec<Out>,
}

/// Splits and renders the body. `offset` is the body's byte offset in `file_text`.
/// `lang` is the story's language tag (for the words of media blocks).
pub(crate) fn read(
    body: &str,
    offset: usize,
    lines: &LineIndex<'_>,
    lang: &str,
    sink: &mut Sink,
) -> Body {
    let pos = |r: &Range<usize>| -> Pos {
        let (line, column) = lines.line_col(offset + r.start);
        let end = if r.end > r.start { r.end } else { r.start + 1 };
        // Mark at most to the end of the first line.
        let line_end = body[r.start.min(body.len())..]
            .find('\n')
            .map_or(body.len(), |i| r.start + i);
        Pos {
            line,
            column,
            len: lines.char_len(
                offset + r.start,
                offset + end.min(line_end.max(r.start + 1)),
            ),
        }
    };
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(body, opts).into_offset_iter().collect();

    let mut result = Body::default();
    let mut intro = Section { out: Vec::new() };
    let mut steps: Vec<(RawStep, Section)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    // Per link: whether its start was kept (its end must match).
    let mut links: Vec<bool> = Vec::new();
    let mut html_lines: Vec<usize> = Vec::new();
    let mut in_code = false;
    // A `#` chapter heading waiting for its first step, and whether text
    // after it was reported (W0021).
    let mut chapter: Option<(String, Pos)> = None;
    let mut chapter_text_reported = false;
    // Images that open larger, numbered for their dialogs' ids.
    let mut enlarged = 0usize;
    // The last `###`-or-deeper heading since the last step began: its
    // `#`s, its text and where it is.
    let mut subheading: Option<(String, String, Pos)> = None;
    while i < events.len() {
        let (ev, range) = &events[i];
        let no_steps_yet = steps.is_empty();
        let heading_here = depth == 0
            && matches!(
                ev,
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1 | HeadingLevel::H2,
                    ..
                })
            );
        if chapter.is_some() && !heading_here {
            // Between a chapter heading and its first step: shown nowhere
            // (the player shows the chapter's heading, not text of its own).
            if !chapter_text_reported && !matches!(ev, Event::SoftBreak | Event::HardBreak) {
                chapter_text_reported = true;
                let title = chapter.as_ref().map_or("", |(t, _)| t.as_str());
                sink.warning(
                    "W0021",
                    pos(range),
                    format!("this text is between the chapter heading `{title}` and the chapter's first step, and is left out"),
                    Some("a chapter shows only its `#` heading; move the text below the `##` heading of its first step".into()),
                );
            }
            match ev {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
            continue;
        }
        // A `###` (or deeper) heading where a step block follows is most
        // likely meant to start a step (E0044, E0045 say so).
        if depth == 0 {
            if let Event::Start(Tag::Heading { level, .. }) = ev {
                if *level >= HeadingLevel::H3 {
                    let hashes = "#".repeat(*level as usize);
                    subheading = Some((hashes, plain_text(&events, i).0, pos(range)));
                }
            }
            // `##Zwei`: without a space after the `#`s, Markdown reads a
            // paragraph, shown as text in the step above (W0063); a step
            // block below it is then a second one (E0044 names this line).
            // ```steps, ```Step, ```chrat: a block meant for twinstory
            // would be published as code, its settings lost.
            if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = ev {
                let word = info.split_whitespace().next().unwrap_or("");
                if let Some(meant) = crate::suggest::closest(word, ["step", "chart"])
                    .filter(|m| *m != word && media::MediaKind::of_info(Some(word)).is_none())
                {
                    sink.error(
                        "E0046",
                        pos(range),
                        format!("```{word} is not a block that twinstory reads; it would be shown as code"),
                        Some(if word.to_lowercase() == meant {
                            format!("write ```{meant}, in small letters")
                        } else {
                            format!("did you mean ```{meant}?")
                        }),
                    );
                }
            }
            // One `#` is left alone: `#Hamburg` opens text as a hashtag.
            if let Event::Start(Tag::Paragraph) = ev {
                let text = plain_text(&events, i).0;
                let hashes = text.len() - text.trim_start_matches('#').len();
                let title = text[hashes..].lines().next().unwrap_or("").trim();
                if (2..=6).contains(&hashes)
                    && text[hashes..].starts_with(|c: char| !c.is_whitespace())
                    && !title.is_empty()
                {
                    let written = &text[..hashes + title.len()];
                    let fixed = format!("{} {title}", &text[..hashes]);
                    sink.warning(
                        "W0063",
                        pos(range),
                        format!("`{written}` is shown as text, not as a heading"),
                        Some(format!(
                            "a heading has a space after its `#`: write `{fixed}`"
                        )),
                    );
                    subheading = Some((text[..hashes].to_owned(), title.to_owned(), pos(range)));
                }
            }
        }
        let step_now = steps.len().checked_sub(1);
        let section = match steps.last_mut() {
            Some((_, s)) => s,
            None => &mut intro,
        };
        match ev {
            Event::Start(Tag::Heading { level, .. }) if heading_here => {
                let (text, next) = plain_text(&events, i);
                let p = pos(range);
                for (ev, r) in &events[i..next] {
                    if let Event::InlineHtml(_) | Event::Html(_) = ev {
                        html_warning(sink, &mut html_lines, pos(r), true);
                    }
                }
                if text.contains("{=") && !text.contains("{{=") {
                    sink.warning(
                        "W0018",
                        p,
                        "a figure in a heading is not computed; it is shown as written",
                        Some("figures (`{= … }`) are computed in the text only; write the number in the heading by hand, or move the figure into the text below it".into()),
                    );
                }
                if *level == HeadingLevel::H1 && no_steps_yet && result.h1.is_none() {
                    result.h1 = Some(text);
                } else if *level == HeadingLevel::H1 {
                    // Every other `#` heading starts a chapter.
                    let title = text.trim().to_owned();
                    if title.is_empty() {
                        sink.error(
                            "E0121",
                            p,
                            "this `#` heading has no text",
                            Some("a `#` heading between steps starts a chapter and names it; write the chapter's title after `# `".into()),
                        );
                    }
                    if let Some((old, at)) = chapter.replace((title, p)) {
                        chapter_without_steps(sink, &old, at);
                    }
                    chapter_text_reported = false;
                } else {
                    if text.trim().is_empty() {
                        sink.error(
                            "E0042",
                            p,
                            "this `##` heading has no text",
                            Some("every `##` heading starts a step and becomes its title; write the title after `## `".into()),
                        );
                    }
                    subheading = None;
                    steps.push((
                        RawStep {
                            title: text.trim().to_owned(),
                            heading: p,
                            html: String::new(),
                            block: None,
                            chapter: chapter.take().map(|(t, _)| t).filter(|t| !t.is_empty()),
                        },
                        Section { out: Vec::new() },
                    ));
                }
                i = next;
                continue;
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if depth == 0 && info.split_whitespace().next() == Some("step") =>
            {
                let (yaml, j) = fenced_text(&events, i);
                let p = pos(range);
                let end = FenceEnd::of(&body[range.clone()], p.line);
                // The help names a subheading above the block, which is
                // most likely meant as the step's heading.
                let meant = subheading.take().map(|(hashes, title, at)| {
                    let title = title.trim();
                    if hashes == "##" {
                        format!("`##{title}` (line {}) is no heading: write `## {title}`, with a space, to start a step", at.line)
                    } else {
                        format!("`{hashes} {title}` (line {}) is a subheading, not a step: a step starts with two `#`, so write `## {title}`", at.line)
                    }
                });
                match steps.last_mut() {
                    None => sink.error(
                        "E0045",
                        p,
                        "this ```step block comes before the first `##` heading",
                        Some(meant.unwrap_or_else(|| "a ```step block belongs to the step whose `##` heading is above it; move it below a heading".into())),
                    ),
                    Some((step, _)) if step.block.is_some() => sink.error(
                        "E0044",
                        p,
                        format!("the step `{}` already has a ```step block", step.title),
                        Some(meant.unwrap_or_else(|| "put all settings of a step into its first ```step block, or start a new step with a `##` heading above this block".into())),
                    ),
                    Some((step, _)) => {
                        step.block = Some(Block { yaml, first_line: p.line + 1, col_offset: p.column - 1, fence: p, end });
                    }
                }
                i = j + 1;
                continue;
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if depth == 0
                    && media::MediaKind::of_info(info.split_whitespace().next()).is_some() =>
            {
                let kind = media::MediaKind::of_info(info.split_whitespace().next());
                let (yaml, j) = fenced_text(&events, i);
                let p = pos(range);
                // Without its closing fence: one error at the fence (E0047),
                // not what YAML says of the text it swallowed.
                let end = FenceEnd::of(&body[range.clone()], p.line);
                let unclosed = match kind {
                    Some(k) if end != FenceEnd::Closed => {
                        let block = Block {
                            yaml: yaml.clone(),
                            first_line: p.line + 1,
                            col_offset: p.column - 1,
                            fence: p,
                            end,
                        };
                        let read = crate::yaml::parse(&block.yaml);
                        let mut w =
                            Walker::new(sink, &block.yaml, block.first_line, block.col_offset);
                        crate::parse::unclosed_block(&mut w, &block, k.name(), &read)
                    }
                    _ => false,
                };
                if let Some(kind) = kind.filter(|_| !unclosed) {
                    let html = media::read(
                        kind,
                        &yaml,
                        Pos {
                            len: 3 + info.len(),
                            ..p
                        },
                        lang,
                        sink,
                        &mut result.images,
                    );
                    if let Some(html) = html {
                        section.out.push(Out::Ev(Event::Html(CowStr::from(html))));
                    }
                }
                i = j + 1;
                continue;
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if depth == 0 && info.split_whitespace().next() == Some("chart") =>
            {
                let (yaml, j) = fenced_text(&events, i);
                let p = pos(range);
                match step_now {
                    None => sink.error(
                        "E0130",
                        p,
                        "this ```chart block comes before the first `##` heading",
                        Some("a chart belongs to a step: move it below the `##` heading of the step it illustrates".into()),
                    ),
                    Some(n) => {
                        let block = Block {
                            yaml,
                            first_line: p.line + 1,
                            col_offset: p.column - 1,
                            fence: p,
                            end: FenceEnd::of(&body[range.clone()], p.line),
                        };
                        result.charts.push((n, block, p));
                        section
                            .out
                            .push(Out::Ev(Event::Html(CowStr::from(format!("{CHART_MARK}\n")))));
                    }
                }
                i = j + 1;
                continue;
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let (alt, next) = plain_text(&events, i);
                let p = pos(range);
                let url = dest_url.trim().to_owned();
                if alt.trim().is_empty() {
                    sink.error(
                        "E0050",
                        p,
                        "this image has no alt text",
                        Some("describe what the image shows for people who cannot see it: `![Children on a slide in Planten un Blomen](img/slide.jpg)`".into()),
                    );
                } else if is_file_name(alt.trim(), &url) {
                    sink.warning(
                        "W0064",
                        p,
                        format!("the alt text `{}` is a file name", alt.trim()),
                        Some("screen readers read it out as the image: describe what the image shows, e.g. `![Children on a slide in Planten un Blomen](img/slide.jpg)`".into()),
                    );
                }
                if let Some(host) = other_host(&url) {
                    other_host_warning(sink, p, "image", &host);
                    section.out.push(Out::Ev(Event::Text(CowStr::from(alt))));
                } else if url_allowed(&url) {
                    result.images.push(Asset {
                        kind: AssetKind::Image,
                        url: url.clone(),
                        line: p.line,
                        column: p.column,
                    });
                    enlarged += 1;
                    section
                        .out
                        .push(figure(&url, alt.trim(), title.trim(), enlarged, lang));
                } else {
                    sink.warning(
                        "W0002",
                        p,
                        format!("the image address `{}` is left out", short(&url)),
                        Some("images must be files next to story.md (e.g. `img/photo.jpg`) or `https://` addresses".into()),
                    );
                    section.out.push(Out::Ev(Event::Text(CowStr::from(alt))));
                }
                i = next;
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let host = other_host(dest_url);
                let keep = host.is_none() && url_allowed(dest_url);
                if let Some(host) = host {
                    other_host_warning(sink, pos(range), "link", &host);
                } else if !keep {
                    sink.warning(
                        "W0002",
                        pos(range),
                        format!("the link address `{}` is left out; the link text stays as plain text", short(dest_url)),
                        Some("links can go to `https://`, `http://` and `mailto:` addresses, other files of the story and `#step-id`".into()),
                    );
                } else {
                    if let Some(id) = dest_url.strip_prefix('#') {
                        result
                            .fragment_links
                            .push((crate::assets::percent_decode(id), pos(range)));
                    } else if !twinstory_model::url::is_absolute(dest_url) {
                        // A file of the story (`data/playgrounds.csv`):
                        // checked and published with the story.
                        let p = pos(range);
                        result.images.push(Asset {
                            kind: AssetKind::Link,
                            url: dest_url.trim().to_owned(),
                            line: p.line,
                            column: p.column,
                        });
                    }
                    section.out.push(Out::Ev(ev.clone().into_static()));
                }
                links.push(keep);
                depth += 1;
            }
            Event::End(TagEnd::Link) => {
                if links.pop().unwrap_or(false) {
                    section.out.push(Out::Ev(ev.clone().into_static()));
                }
                depth = depth.saturating_sub(1);
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                html_warning(sink, &mut html_lines, pos(range), false);
                section
                    .out
                    .push(Out::Ev(Event::Text(CowStr::from(t.to_string()))));
            }
            Event::Start(Tag::HtmlBlock) => {
                section.out.push(Out::Ev(Event::Start(Tag::Paragraph)));
                depth += 1;
            }
            Event::End(TagEnd::HtmlBlock) => {
                section.out.push(Out::Ev(Event::End(TagEnd::Paragraph)));
                depth = depth.saturating_sub(1);
            }
            Event::Text(_) if !in_code => {
                // A run of text (pulldown-cmark splits it at characters that
                // might be Markdown) is read whole, so a figure is one piece.
                let mut j = i;
                let mut brace = false;
                let mut open = false;
                while let Some((e, _)) = events.get(j) {
                    match e {
                        Event::Text(t) => {
                            brace |= t.contains('{');
                            open = figure_left_open(open, t);
                        }
                        Event::SoftBreak => {}
                        // A field name in backticks inside a figure
                        // (``{= sum l.`Unter 18-Jährige`}``), which Markdown
                        // read as code: part of the figure's text.
                        Event::Code(_) if open => {}
                        _ => break,
                    }
                    j += 1;
                }
                let source = range.start..events[j - 1].1.end;
                for (at, image, address) in spaced_addresses(&body[source.clone()]) {
                    let what = if image { "image" } else { "link" };
                    let spaces = if address.matches(' ').count() > 1 {
                        "each space"
                    } else {
                        "the space"
                    };
                    sink.warning(
                        "W0067",
                        pos(&(source.start + at.start..source.start + at.end)),
                        format!(
                            "this {what} is shown as text: its address `{address}` has a space"
                        ),
                        Some(format!(
                            "an address ends at a space: write {spaces} as %20 (`{}`)",
                            address.replace(' ', "%20")
                        )),
                    );
                }
                // Most text has no brace: copied as it is, without a copy of the run.
                let run: String = if brace {
                    events[i..j]
                        .iter()
                        .map(|(e, r)| match e {
                            Event::Text(t) => t.as_ref(),
                            Event::Code(_) => body.get(r.clone()).unwrap_or_default(),
                            _ => "\n",
                        })
                        .collect()
                } else {
                    String::new()
                };
                if run.contains("{=") {
                    let place = Place {
                        body,
                        offset,
                        lines,
                        step: step_now,
                    };
                    text_with_figures(
                        &run,
                        source,
                        &place,
                        &mut section.out,
                        &mut result.figures,
                        sink,
                    );
                } else {
                    section.out.extend(
                        events[i..j]
                            .iter()
                            .map(|(e, _)| Out::Ev(e.clone().into_static())),
                    );
                }
                i = j;
                continue;
            }
            Event::Start(_) => {
                in_code |= matches!(ev, Event::Start(Tag::CodeBlock(_)));
                depth += 1;
                section.out.push(Out::Ev(ev.clone().into_static()));
            }
            Event::End(_) => {
                in_code &= !matches!(ev, Event::End(TagEnd::CodeBlock));
                depth = depth.saturating_sub(1);
                section.out.push(Out::Ev(ev.clone().into_static()));
            }
            _ => section.out.push(Out::Ev(ev.clone().into_static())),
        }
        i += 1;
    }
    if let Some((old, at)) = chapter {
        chapter_without_steps(sink, &old, at);
    }
    result.intro = to_html(intro.out);
    result.steps = steps
        .into_iter()
        .map(|(mut step, section)| {
            step.html = to_html(section.out);
            step
        })
        .collect();
    result
}

/// Where a run of text is: the body, its offset in the file, and the step.
struct Place<'a, 'b> {
    body: &'a str,
    offset: usize,
    lines: &'a LineIndex<'b>,
    step: Option<usize>,
}

/// Where `close` stands in `chars` at depth 0: each `open` on the way
/// (nested brackets) needs its own `close` first.
fn matching(chars: impl Iterator<Item = (usize, char)>, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in chars {
        if c == open {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
        }
    }
    None
}

/// What looks like an image or link in a run of text (`src`, as written)
/// that Markdown did not read as one because its address has a space
/// (`![Karte](img/Insel Neuwerk.png)`): where it is in `src`, whether it is
/// an image, and the address.
fn spaced_addresses(src: &str) -> Vec<(Range<usize>, bool, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(k) = src.get(from..).and_then(|r| r.find("](")).map(|k| from + k) {
        from = k + 2;
        // The `[` that opens the text, and the `)` that closes the address.
        let open = matching(src[..k].char_indices().rev(), ']', '[');
        let Some(open) = open.filter(|o| !src[..*o].ends_with('\\')) else {
            continue;
        };
        let Some(close) = matching(src[k + 2..].char_indices(), '(', ')') else {
            continue;
        };
        let close = k + 2 + close;
        let inside = src[k + 2..close].trim();
        // `<img/a b.png>` may hold spaces; a title follows a space in quotes.
        let address = inside
            .char_indices()
            .find(|(i, c)| {
                c.is_whitespace()
                    && inside[i + c.len_utf8()..]
                        .trim_start()
                        .starts_with(['"', '\''])
            })
            .map_or(inside, |(i, _)| inside[..i].trim());
        if !inside.starts_with('<') && address.contains(' ') {
            let image = src[..open].ends_with('!');
            found.push((
                open - usize::from(image)..close + 1,
                image,
                address.to_owned(),
            ));
        }
        from = close + 1;
    }
    found
}

/// Writes a run of text whose source is `source` (body bytes), with each
/// figure `{= … }` read and put between [`FIGURE_OPEN`] and
/// [`FIGURE_CLOSE`]; `{{=` is the text `{=`. A figure that cannot be read
/// stays text, reported (E0027).
fn text_with_figures(
    run: &str,
    source: Range<usize>,
    place: &Place<'_, '_>,
    out: &mut Vec<Out>,
    figures: &mut Vec<FoundFigure>,
    sink: &mut Sink,
) {
    let mut literal = String::new();
    let mut k = 0;
    let mut search = source.start;
    while let Some(rest) = run.get(k..).filter(|r| !r.is_empty()) {
        if rest.starts_with("{{=") {
            literal.push_str("{=");
            k += 3;
            continue;
        }
        if !rest.starts_with("{=") {
            let c = rest.chars().next().unwrap_or(' ');
            literal.push(c);
            k += c.len_utf8();
            continue;
        }
        let close = closing_brace(rest);
        let end = close.map_or(rest.len(), |c| c + 1);
        let text = &rest[..end];
        // Where it is in the file: its first line found in the source.
        let first_line = text.split('\n').next().unwrap_or(text);
        let at = place.body[search.min(source.end)..source.end]
            .find(first_line)
            .map_or(search, |p| search + p);
        search = (at + 2).min(source.end);
        let pos_at = |chars: usize, len: usize| -> Pos {
            let b = text
                .char_indices()
                .nth(chars)
                .map_or(text.len(), |(b, _)| b);
            let (line, column) = place.lines.line_col(place.offset + at + b);
            Pos { line, column, len }
        };
        push_text(out, &std::mem::take(&mut literal));
        k += end;
        if close.is_none() {
            sink.error(
                "E0027",
                pos_at(0, 2),
                "this figure has no closing `}`",
                Some("a figure is written `{= count playgrounds}`; to write `{=` as text, write `{{=`".into()),
            );
            push_text(out, text);
            continue;
        }
        match Figure::parse(text) {
            Ok(figure) => {
                let mut parts = vec![(figure.layer.at, pos_at(figure.layer.at, figure.layer.len))];
                let named = match &figure.measure {
                    crate::figure::Measure::Named(p) => Some(p.clone()),
                    _ => None,
                };
                for p in figure.fields().into_iter().chain(named) {
                    parts.push((p.at, pos_at(p.at, p.len)));
                }
                figures.push(FoundFigure {
                    step: place.step,
                    at: pos_at(0, text.chars().count().min(first_line.chars().count())),
                    parts,
                    figure,
                    checked: false,
                    value: None,
                });
                out.push(Out::Ev(Event::InlineHtml(CowStr::from(FIGURE_OPEN))));
                out.push(Out::Ev(Event::Text(CowStr::from(text.replace('\n', " ")))));
                out.push(Out::Ev(Event::InlineHtml(CowStr::from(FIGURE_CLOSE))));
            }
            Err(e) => {
                sink.error(
                    "E0027",
                    pos_at(e.at, e.len),
                    format!("this figure cannot be read: {}", e.message),
                    e.help,
                );
                push_text(out, text);
            }
        }
    }
    push_text(out, &literal);
}

/// Whether a figure `{= …` is still open after `text`, given whether one
/// was open before it (a `}` closes it).
fn figure_left_open(mut open: bool, text: &str) -> bool {
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("{{=") {
            // `{{=` is the text `{=`, no figure.
            rest = after;
            continue;
        }
        if rest.starts_with("{=") {
            open = true;
        } else if c == '}' {
            open = false;
        }
        rest = &rest[c.len_utf8()..];
    }
    open
}

/// Text, with each line end a soft break as Markdown read it.
fn push_text(out: &mut Vec<Out>, text: &str) {
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push(Out::Ev(Event::SoftBreak));
        }
        if !line.is_empty() {
            out.push(Out::Ev(Event::Text(CowStr::from(line.to_owned()))));
        }
    }
}

/// Plain text inside the element that starts at `start`, and the index after its end.
/// Whether an image's alt text is a file name: the image's own
/// (`radweg.png`) or any word with an image file's extension
/// (`IMG_2041.JPG`), as editors fill it in.
fn is_file_name(alt: &str, url: &str) -> bool {
    let own = url.rsplit('/').next().unwrap_or(url);
    let lower = alt.to_lowercase();
    alt == own
        || [".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif"]
            .iter()
            .any(|e| lower.ends_with(e) && !lower.contains(' '))
}

fn plain_text(events: &[(Event<'_>, Range<usize>)], start: usize) -> (String, usize) {
    let mut text = String::new();
    let mut depth = 0usize;
    let mut i = start;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (text, i + 1);
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t) => {
                text.push_str(t)
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
        i += 1;
    }
    (text, i)
}

/// W0003 for raw HTML, once per line.
fn html_warning(sink: &mut Sink, html_lines: &mut Vec<usize>, p: Pos, heading: bool) {
    if html_lines.contains(&p.line) {
        return;
    }
    html_lines.push(p.line);
    let (message, help) = if heading {
        (
            "HTML in a heading is shown as written, not run as HTML",
            "write the heading as plain text; headings are shown as they are, without bold or links",
        )
    } else {
        (
            "HTML in the text is shown as written, not run as HTML",
            "use Markdown instead: **bold**, *italic*, [link](https://example.org), ![description](image.jpg)",
        )
    };
    sink.warning("W0003", p, message, Some(help.into()));
}

/// W0020 for a chapter heading that no step follows before the next one.
fn chapter_without_steps(sink: &mut Sink, title: &str, at: Pos) {
    sink.warning(
        "W0020",
        at,
        format!("the chapter `{title}` has no steps"),
        Some("a `#` heading starts a chapter with the `##` steps below it; add a step, or delete the heading".into()),
    );
}

/// W0009 for a link or image to `//host/…`, which is left out.
pub(crate) fn other_host_warning(sink: &mut Sink, p: Pos, what: &str, host: &str) {
    let host = if host.is_empty() {
        "?".to_owned()
    } else {
        short(host)
    };
    sink.warning(
        "W0009",
        p,
        format!("this {what} goes to another website (`{host}`) and is left out"),
        Some(format!(
            "an address that starts with `//` means another website; write `https://{host}/…` if you mean it, or a path without the leading slashes for a file of the story"
        )),
    );
}

/// True for URLs that are safe in a link or image: http, https, mailto, relative, `#`.
/// Scheme-relative URLs (`//host/…`) pass here; [`other_host`] catches them.
pub(crate) fn url_allowed(url: &str) -> bool {
    twinstory_model::trust::link_scheme_allowed(&url::clean(url))
}

/// The host of a scheme-relative URL (`//evil.example/…`), which browsers
/// load from another website with the page's scheme. They read `\` as `/`
/// in web addresses and skip further slashes, so `\\host`, `/\host` and
/// `///host` count too.
pub(crate) fn other_host(url: &str) -> Option<String> {
    let cleaned = url::clean(url);
    if !url::is_scheme_relative(&cleaned) {
        return None;
    }
    let rest = cleaned.trim_start_matches(['/', '\\']);
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

fn short(s: &str) -> String {
    let mut t: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        t.push('…');
    }
    t
}

/// An image: standing alone in its paragraph, a button that opens it
/// larger in a modal dialog (`command="show-modal"`: no script needed, so
/// the page without JavaScript has it too; Escape or the close button
/// closes it and the focus goes back to the image); in a line of text,
/// the image alone. Number `n` makes the dialog's id, `ts-img-<n>`.
/// The large image writes `alt` first, so the build's `srcset` (put after
/// `<img src="…"`) goes to the image in the text only.
fn figure(url: &str, alt: &str, credit: &str, n: usize, lang: &str) -> Out {
    let close = twinstory_model::strings::Lang::of(lang)
        .strings()
        .image_close;
    let (url, alt) = (escape(url), escape(alt));
    let img = format!("<img src=\"{url}\" alt=\"{alt}\" loading=\"lazy\" decoding=\"async\">");
    let enlarge = format!(
        "<button type=\"button\" class=\"ts-enlarge\" commandfor=\"ts-img-{n}\" command=\"show-modal\" aria-haspopup=\"dialog\">{img}</button>\
         <dialog id=\"ts-img-{n}\" class=\"ts-lightbox\" aria-label=\"{alt}\" closedby=\"any\">\
         <button type=\"button\" class=\"ts-lightbox-close\" commandfor=\"ts-img-{n}\" command=\"close\">{}</button>\
         <img alt=\"{alt}\" src=\"{url}\" loading=\"lazy\"></dialog>",
        escape(close)
    );
    if credit.is_empty() {
        Out::Figure {
            block: format!("<figure>{enlarge}</figure>\n"),
            inline: img,
        }
    } else {
        let c = escape(credit);
        Out::Figure {
            block: format!("<figure>{enlarge}<figcaption>{c}</figcaption></figure>\n"),
            inline: format!("{img}<small class=\"credit\">{c}</small>"),
        }
    }
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn to_html(out: Vec<Out>) -> String {
    let mut events: Vec<Event<'static>> = Vec::with_capacity(out.len());
    let mut it = out.into_iter().peekable();
    let mut pending_para = false;
    while let Some(o) = it.next() {
        match o {
            Out::Ev(Event::Start(Tag::Paragraph)) => {
                if let Some(Out::Figure { .. }) = it.peek() {
                    pending_para = true;
                    continue;
                }
                events.push(Event::Start(Tag::Paragraph));
            }
            Out::Figure { block, inline } => {
                if pending_para && matches!(it.peek(), Some(Out::Ev(Event::End(TagEnd::Paragraph))))
                {
                    it.next();
                    events.push(Event::Html(CowStr::from(block)));
                } else {
                    if pending_para {
                        events.push(Event::Start(Tag::Paragraph));
                    }
                    events.push(Event::InlineHtml(CowStr::from(inline)));
                }
                pending_para = false;
            }
            Out::Ev(e) => {
                if pending_para {
                    events.push(Event::Start(Tag::Paragraph));
                    pending_para = false;
                }
                events.push(e);
            }
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// The text of the fenced code block that starts at event `start`, and the
/// index of the event that ends it (or the events' end).
fn fenced_text(events: &[(Event<'_>, Range<usize>)], start: usize) -> (String, usize) {
    let mut text = String::new();
    let mut j = start + 1;
    while j < events.len() {
        match &events[j].0 {
            Event::Text(t) => text.push_str(t),
            Event::End(TagEnd::CodeBlock) => break,
            _ => {}
        }
        j += 1;
    }
    (text, j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fence_without_its_closing_fence_is_told_apart() {
        let closed = "```step\nshow: [a]\n```\n";
        assert_eq!(FenceEnd::of(closed, 10), FenceEnd::Closed);
        assert_eq!(FenceEnd::of("```step\n```", 10), FenceEnd::Closed);
        assert_eq!(
            FenceEnd::of("~~~~step\nshow: [a]\n~~~~~\n", 1),
            FenceEnd::Closed
        );
        assert_eq!(FenceEnd::of("```step", 10), FenceEnd::Open);
        assert_eq!(
            FenceEnd::of("```step\nshow: [a]\n\nText.\n", 10),
            FenceEnd::Open
        );
        // A shorter fence or one of the other character does not close it.
        assert_eq!(
            FenceEnd::of("````step\nshow: [a]\n```\n", 1),
            FenceEnd::Open
        );
        assert_eq!(FenceEnd::of("```step\nshow: [a]\n~~~\n", 1), FenceEnd::Open);
        let runs_on = "```step\nshow: [a]\n\n## Zwei\n\n  ```chart\ntype: bar\n```\n";
        assert_eq!(
            FenceEnd::of(runs_on, 10),
            FenceEnd::RunsOn {
                inner: "```chart".into(),
                fence: 15,
                closing: 17
            }
        );
    }

    #[test]
    fn schemes() {
        for ok in [
            "https://x.org",
            "HTTP://x",
            "mailto:a@b.c",
            "images/a.png",
            "#step",
            "../a b.png",
            "a/b:c",
        ] {
            assert!(url_allowed(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            "java\tscript:x",
            " javascript:x",
            "data:image/png;base64,AA",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            assert!(!url_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn scheme_relative_urls_name_the_other_host() {
        for (url, host) in [
            ("//evil.example/a.png", "evil.example"),
            ("//evil.example", "evil.example"),
            (" //evil.example:8080?x", "evil.example:8080"),
            ("/\\evil.example/x", "evil.example"),
            ("\\\\evil.example", "evil.example"),
            ("///evil.example/x", "evil.example"),
            ("/\t/evil.example#x", "evil.example"),
            ("//user@evil.example/", "user@evil.example"),
        ] {
            assert_eq!(other_host(url).as_deref(), Some(host), "{url}");
        }
        for same in [
            "/a/b.png",
            "images/a.png",
            "https://x.org//y",
            "#step",
            "./a//b",
            "a//b",
        ] {
            assert_eq!(other_host(same), None, "{same}");
        }
    }
}
