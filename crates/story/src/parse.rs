//! The whole file: encoding, front matter, body, steps, cross-checks.

use crate::diagnostic::{Pos, Sink};
use crate::markdown::{Block, FenceEnd};
use crate::source::LineIndex;
use crate::suggest::{closest, did_you_mean};
use crate::walk::Walker;
use crate::yaml::{self, YamlError, YamlErrorKind};
use crate::{
    front_matter, invisible, markdown, slugify, step_block, Asset, AssetKind, ParsedStory, Spans,
};
use std::collections::HashMap;
use twinstory_model::{Layout, Step, Story, FORMAT_VERSION};

/// The largest story.md read (10 MB); data belongs in data files.
pub const MAX_FILE_BYTES: usize = 10 * 1000 * 1000;

/// Parses story.md into the model plus every diagnostic; never panics, never stops at the first problem.
pub fn parse_story(file_display: &str, source: &[u8]) -> ParsedStory {
    let mut sink = Sink::new(file_display);
    let story = parse_into(&mut sink, source);
    let (story, assets, spans) = match story {
        Some((s, a, sp)) => (Some(s), a, sp),
        None => (None, Vec::new(), Spans::default()),
    };
    let spans = Spans {
        file: file_display.to_owned(),
        ..spans
    };
    let mut diagnostics = sink.diags;
    diagnostics.sort_by_key(|d| (d.line, d.column));
    ParsedStory {
        story,
        diagnostics,
        assets,
        map_description_extra: spans.step_description_extra.clone(),
        translations: spans.translations.clone(),
        spans,
        layer_data: Vec::new(),
    }
}

fn at(line: usize, column: usize) -> Pos {
    Pos {
        line,
        column,
        len: 0,
    }
}

fn parse_into(sink: &mut Sink, source: &[u8]) -> Option<(Story, Vec<Asset>, Spans)> {
    if source.len() > MAX_FILE_BYTES {
        sink.error(
            "E0003",
            at(1, 1),
            format!(
                "this file is {:.1} MB; a story.md can be at most {} MB",
                source.len() as f64 / 1e6,
                MAX_FILE_BYTES / 1_000_000
            ),
            Some("keep the text in story.md and put data into files under data/ that layers refer to".into()),
        );
        return None;
    }
    let head = &source[..source.len().min(8192)];
    if head.contains(&0) {
        let nul = head.iter().position(|&b| b == 0).unwrap_or(0);
        let line = 1 + head[..nul].iter().filter(|&&b| b == b'\n').count();
        sink.error(
            "E0002",
            at(line, 1),
            "this file is not text (it contains binary data)",
            Some("a story must be a plain text file in Markdown; check that you opened the right file".into()),
        );
        return None;
    }
    let text: std::borrow::Cow<'_, str> = match std::str::from_utf8(source) {
        Ok(t) => t.into(),
        Err(e) => {
            let bad = e.valid_up_to();
            let line = 1 + source[..bad].iter().filter(|&&b| b == b'\n').count();
            let line_start = source[..bad]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = 1 + String::from_utf8_lossy(&source[line_start..bad])
                .chars()
                .count();
            sink.error(
                "E0001",
                at(line, column),
                format!("this file is not UTF-8 text: byte 0x{:02X} cannot be read", source[bad]),
                Some("save the file with the encoding UTF-8 (in most editors: Save as… → Encoding: UTF-8)".into()),
            );
            String::from_utf8_lossy(source)
        }
    };
    // A byte-order mark is invisible to authors; reading past it keeps line 1 intact.
    let text: &str = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // Bidirectional controls and zero-width characters are read as if they
    // were not there (W0010); positions are moved back to the file's.
    let Some(cleaned) = invisible::clean(text) else {
        return parse_text(sink, text);
    };
    let first = sink.diags.len();
    let mut result = parse_text(sink, &cleaned.text);
    for d in &mut sink.diags[first..] {
        if let (Some(line), Some(end)) = (d.end_line, d.end_column) {
            d.end_column = Some(cleaned.original_column(line, end));
        }
        d.column = cleaned.original_column(d.line, d.column);
    }
    if let Some((_, assets, spans)) = &mut result {
        for a in assets.iter_mut() {
            a.column = cleaned.original_column(a.line, a.column);
        }
        let positions =
            spans
                .layer_url
                .iter_mut()
                .chain(spans.layer_join.iter_mut().flatten())
                .chain(spans.layer_join_key.iter_mut().flatten())
                .chain(spans.layer_join_columns.iter_mut().flatten().flatten())
                .chain(spans.layer_compute.iter_mut().flatten())
                .chain(spans.layer_extrude.iter_mut().flatten())
                .chain(spans.layer_properties.iter_mut().flatten().map(|(_, p)| p))
                .chain(spans.layer_values.iter_mut().flatten().map(|v| &mut v.pos))
                .chain(spans.condition_fields.iter_mut().map(|(_, _, p)| p))
                .chain(spans.conditions.iter_mut().map(|(_, _, _, p)| p))
                .chain(spans.step_view.iter_mut().flatten())
                .chain(spans.step_time_spans.iter_mut().flatten().map(|(p, _)| p))
                .chain(spans.step_show.iter_mut().flatten().map(|(_, p)| p))
                .chain(spans.figures.iter_mut().flat_map(|f| {
                    std::iter::once(&mut f.at).chain(f.parts.iter_mut().map(|(_, p)| p))
                }))
                .chain(spans.charts.iter_mut().flat_map(|c| c.spec.positions_mut()));
        for p in positions {
            cleaned.map_pos(p);
        }
    }
    cleaned.report(text, sink);
    result
}

/// Parses the decoded text of story.md.
fn parse_text(sink: &mut Sink, text: &str) -> Option<(Story, Vec<Asset>, Spans)> {
    let lines = LineIndex::new(text);

    // Front matter: a first line `---`, YAML, a line `---` (or `...`).
    let mut fm = front_matter::FrontMatter::default();
    let mut fm_ok = false;
    let body_start;
    if lines.line_text(1).trim_end() == "---" {
        let close = (2..=lines.line_count())
            .find(|&l| matches!(lines.line_text(l).trim_end(), "---" | "..."));
        let Some(close) = close else {
            sink.error(
                "E0011",
                Pos { line: 1, column: 1, len: 3 },
                "the front matter that starts here is never closed",
                Some("add a line with only `---` after the settings (title, layers …) and before the text".into()),
            );
            return None;
        };
        let yaml_text = &text[lines.line_start(2)..lines.line_start(close)];
        let mut w = Walker::new(sink, yaml_text, 2, 0);
        match yaml::parse(yaml_text) {
            Ok((root, twice)) => {
                for e in &twice {
                    yaml_error(&mut w, e, "front matter", yaml_text);
                }
                fm = front_matter::read(&mut w, &root);
                fm_ok = true;
            }
            Err(e) => yaml_error(&mut w, &e, "front matter", yaml_text),
        }
        if fm_ok && fm.title.is_none() {
            sink.error(
                "E0040",
                Pos { line: 1, column: 1, len: 3 },
                "the story has no title",
                Some("add a line `title: …` to the front matter, e.g. `title: Playgrounds in Hamburg`".into()),
            );
        }
        body_start = lines.line_start(close + 1);
    } else {
        sink.error(
            "E0010",
            at(1, 1),
            "story.md must start with front matter: a line `---`, the settings, and another `---`",
            Some("put this at the very top:\n---\ntitle: My story\n---".into()),
        );
        body_start = 0;
    }

    let lang = fm.lang.clone().unwrap_or_else(|| "de".to_owned());
    let body = markdown::read(&text[body_start..], body_start, &lines, &lang, sink);
    let layer_ids: Vec<&str> = fm.layers.iter().map(|l| l.id.as_str()).collect();
    let mut steps = Vec::new();
    let mut step_view = Vec::new();
    let mut step_show = Vec::new();
    let mut step_description_extra = Vec::new();
    let mut step_time = Vec::new();
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    let mut shown: Vec<&str> = Vec::new();
    let mut fitted: Vec<String> = Vec::new();
    let mut condition_fields = Vec::new();
    let mut conditions = Vec::new();
    // The text of each step block with an error: a layer it names is not
    // also reported as never shown (W0006), which would send the author
    // to the wrong place.
    let mut failed_blocks: Vec<&str> = Vec::new();
    // The layers an unknown layer id was probably meant to be: not also
    // reported as never shown.
    let mut meant: Vec<String> = Vec::new();
    for (n, raw) in body.steps.iter().enumerate() {
        let mut settings = step_block::StepSettings::default();
        match &raw.block {
            Some(b) => {
                let before = sink.diags.len();
                let mut w = Walker::new(sink, &b.yaml, b.first_line, b.col_offset);
                let read = yaml::parse(&b.yaml);
                // A block without its closing fence: what YAML says of the
                // text it swallowed would send the author to the wrong line.
                let unclosed = unclosed_block(&mut w, b, "step", &read);
                // Its settings are not read either: the text it swallowed
                // would be unknown settings.
                match read {
                    _ if unclosed => {}
                    Ok((root, twice)) => {
                        for e in &twice {
                            yaml_error(&mut w, e, "```step block", &b.yaml);
                        }
                        settings = step_block::read(&mut w, &root);
                    }
                    Err(e) => yaml_error(&mut w, &e, "```step block", &b.yaml),
                }
                if sink.diags[before..]
                    .iter()
                    .any(|d| d.severity == crate::diagnostic::Severity::Error)
                {
                    failed_blocks.push(&b.yaml);
                }
            }
            None => {
                let previous: Option<&Step> = steps.last();
                let help = if previous.is_some() {
                    "the map stays as the step before left it; add a ```step block (e.g. `show: [layer-id]`) to change it"
                } else {
                    "the map shows no layers here; add a ```step block below the heading, e.g.\n```step\nview: { fit: layer-id }\nshow: [layer-id]\n```"
                };
                sink.warning(
                    "W0001",
                    raw.heading,
                    if raw.title.trim().is_empty() {
                        // E0042 names the missing title; `` would say nothing.
                        "this step has no ```step block".to_owned()
                    } else {
                        format!("the step `{}` has no ```step block", raw.title)
                    },
                    Some(help.into()),
                );
                if let Some(p) = previous {
                    settings.view = p.view.clone();
                    settings.view_narrow = p.view_narrow.clone();
                    settings.show = p.show.clone();
                    settings.transition = p.transition;
                }
            }
        }
        if fm_ok {
            for (id, p) in &settings.layer_refs {
                if !layer_ids.contains(&id.as_str()) && !fm.unread_layers.contains(id) {
                    // `show: a, b` is one text, not a list.
                    let parts: Vec<&str> = id.split(',').map(str::trim).collect();
                    let help = if parts.len() > 1 && parts.iter().all(|l| layer_ids.contains(l)) {
                        meant.extend(parts.iter().map(|l| l.to_string()));
                        Some(format!(
                            "several layers are a list in brackets: `[{}]`",
                            parts.join(", ")
                        ))
                    } else {
                        meant.extend(closest(id, layer_ids.iter().copied()).map(str::to_owned));
                        did_you_mean(id, &layer_ids, "the layers are")
                    };
                    let help = help.or_else(|| {
                        Some("add the layer under `layers:` in the front matter".into())
                    });
                    sink.error("E0101", *p, format!("unknown layer `{id}`"), help);
                }
            }
        }
        let (id, id_pos) = match settings.id.clone() {
            Some((id, p)) => (id, p),
            None => {
                let s = slugify(&raw.title);
                (
                    if s.is_empty() {
                        format!("step-{}", n + 1)
                    } else {
                        s
                    },
                    raw.heading,
                )
            }
        };
        if let Some(first) = first_line_of.get(&id) {
            sink.error(
                "E0043",
                id_pos,
                format!("two steps have the id `{id}`; the first is on line {first}"),
                Some("step ids must be unique, because they are the steps' links; give this step another `id:` in its ```step block".into()),
            );
        } else {
            first_line_of.insert(id.clone(), id_pos.line);
        }
        let tilted = [&settings.view, &settings.view_narrow]
            .into_iter()
            .flatten()
            .any(|v| v.pitch > 0.0);
        if tilted && fm.basemap.is_some() {
            sink.warning(
                "W0035",
                settings.view_pos.unwrap_or(id_pos),
                format!("the step `{id}` is tilted (`pitch`), and tilted steps show no basemap"),
                Some("the basemap's tiles are drawn flat only: the map shows the layers on the background colour while this step is tilted; use `pitch: 0` if the step needs the basemap".into()),
            );
        }
        fitted.extend(settings.layer_refs.iter().map(|(id, _)| id.clone()));
        condition_fields.extend(settings.condition_fields);
        conditions.extend(settings.conditions);
        step_view.push(settings.view_pos);
        step_show.push(settings.show_refs.clone());
        step_description_extra.push(settings.map_description_extra.clone());
        steps.push(Step {
            id,
            title: raw.title.clone(),
            html: raw.html.clone(),
            view: settings.view,
            view_narrow: settings.view_narrow,
            show: settings.show,
            transition: settings.transition,
            interactive: settings.interactive,
            map_description: settings.map_description,
            layout: Some(settings.layout.unwrap_or(fm.layout)).filter(|l| *l != Layout::Left),
            chapter: raw.chapter.clone(),
            play: None,
            compare: settings.compare,
        });
        step_time.push((settings.time_pos, settings.time, settings.play));
    }
    // A step's time filters only layers with a `time`: written into its
    // `show` as filters on the day keys (and a `play` into its moments).
    let timed = |id: &str| {
        let i = fm.layers.iter().position(|l| l.id == id);
        i.is_some_and(|i| fm.times.get(i).is_some_and(Option::is_some))
    };
    // Day keys are added when the build reads a layer's file; a layer read
    // while the story plays (a service, an `https://` file) has none.
    for ((l, t), fields) in fm.layers.iter().zip(&fm.times).zip(&fm.time_pos) {
        let remote = twinstory_model::url::is_absolute(l.source.url()) || l.source.is_service();
        if let (Some(_), true, Some((_, pos))) = (t, remote, fields.first()) {
            sink.error(
                "E0176",
                *pos,
                format!(
                    "layer `{}` has a `time`, but it is read while the story plays, so the build cannot give its features their days",
                    l.id
                ),
                Some("save the data as a file beside story.md (`url: data/….geojson`) to filter it by time".into()),
            );
        }
    }
    let mut step_time_spans = Vec::new();
    for (s, (pos, time, play)) in steps.iter_mut().zip(&step_time) {
        let has_time = !time.is_empty() || play.is_some();
        // Not when the layers could not all be read: a layer with a
        // `time` may be among those.
        let all_read = fm_ok && fm.unread_layers.is_empty();
        if let Some(pos) =
            pos.filter(|_| all_read && has_time && !s.show.iter().any(|l| timed(&l.layer)))
        {
            sink.warning(
                "W0045",
                pos,
                format!(
                    "step `{}` has a time, but no layer it shows has a `time` setting, so the time changes nothing",
                    s.id
                ),
                Some("give the layer the field(s) with its features' time, e.g. `time: { start: von, end: bis }` in its settings".into()),
            );
        }
        step_time_spans.push(pos.map(|p| (p, crate::time::step_spans(time, play.as_ref()))));
        crate::time::bake(s, time, play.as_ref(), &timed, &lang);
    }
    for s in &steps {
        shown.extend(s.show.iter().map(|l| l.layer.as_str()));
    }
    let step_ids: Vec<&str> = steps.iter().map(|s| s.id.as_str()).collect();
    crate::checks::links::check(sink, &body.fragment_links, &step_ids);
    crate::checks::theme::check(sink, &fm.theme, &fm.theme_pos);
    if steps.is_empty() {
        let line = lines.line_col(body_start).0;
        sink.error(
            "E0041",
            at(line, 1),
            "the story has no steps",
            Some(
                "start each step with a `##` heading, followed by a ```step block and its text"
                    .into(),
            ),
        );
    } else if fm_ok {
        let named_in_failed = |id: &str| {
            failed_blocks.iter().any(|b| {
                b.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                    .any(|word| word == id)
            })
        };
        for (layer, p) in fm.layers.iter().zip(&fm.url_pos) {
            if !shown.contains(&layer.id.as_str())
                && !fitted.contains(&layer.id)
                && !named_in_failed(&layer.id)
                && !meant.contains(&layer.id)
            {
                sink.warning(
                    "W0006",
                    *p,
                    format!("the layer `{}` is never shown", layer.id),
                    Some(format!(
                        "add it to the `show` list of a step (`show: [{}]`), or delete the layer",
                        layer.id
                    )),
                );
            }
        }
    }

    let mut figures = body.figures;
    if fm_ok {
        crate::checks::figures::check_layers(sink, &mut figures, &fm.layers);
    }
    let charts = crate::checks::charts::read(sink, &body.charts, fm_ok.then_some(&fm.layers[..]));

    let mut assets: Vec<Asset> = fm
        .layers
        .iter()
        .zip(&fm.url_pos)
        .filter(|(l, _)| !twinstory_model::url::is_absolute(l.source.url()))
        .map(|(l, p)| Asset {
            kind: AssetKind::Data,
            url: l.source.url().to_owned(),
            line: p.line,
            column: p.column,
        })
        .collect();
    for (l, positions) in fm.layers.iter().zip(&fm.join_pos) {
        for (j, p) in l.join.iter().zip(positions) {
            assets.push(Asset {
                kind: AssetKind::Data,
                url: j.table.clone(),
                line: p.line,
                column: p.column,
            });
        }
    }
    assets.extend(fm.font_pos.iter().map(|(file, p)| Asset {
        kind: AssetKind::Font,
        url: file.clone(),
        line: p.line,
        column: p.column,
    }));
    assets.extend(body.images);
    // The cover image: a file of the story (or an `https://` address), like
    // the images in the text.
    let mut cover_image = None;
    if let Some(c) = &fm.cover {
        if let Some(host) = markdown::other_host(&c.url) {
            markdown::other_host_warning(sink, c.pos, "image", &host);
        } else if !twinstory_model::trust::image_allowed(&c.url) || c.url.is_empty() {
            sink.warning(
                "W0002",
                c.pos,
                format!("the cover image address `{}` is left out", c.url),
                Some("images must be files next to story.md (e.g. `img/cover.jpg`) or `https://` addresses".into()),
            );
        } else {
            assets.push(Asset {
                kind: AssetKind::Image,
                url: c.url.clone(),
                line: c.pos.line,
                column: c.pos.column,
            });
            cover_image = Some((c.url.as_str(), c.alt.as_str()));
        }
    }
    let lang = fm.lang.unwrap_or_else(|| "de".to_owned());
    // A version in the story's own language is no other version.
    let mut translations = std::mem::take(&mut fm.translations);
    translations.retain(|t| {
        let same = twinstory_model::strings::Lang::of(&t.lang)
            == twinstory_model::strings::Lang::of(&lang)
            && t.lang.eq_ignore_ascii_case(&lang);
        if same {
            sink.error(
                "E0195",
                t.lang_pos,
                format!(
                    "`translations` names `{}`, the story's own language",
                    t.lang
                ),
                Some(
                    "list the versions in other languages; this story is the one in its `lang`"
                        .into(),
                ),
            );
        }
        !same
    });
    let intro = crate::cover::Cover {
        lang: &lang,
        summary: fm.summary.as_deref(),
        authors: &fm.authors,
        date: fm.date.as_deref(),
        reading_time: fm.reading_time,
        image: cover_image,
        translations: &translations,
    }
    .html(&body.intro, &steps);
    let title = fm.title.unwrap_or_default();
    // The `#` heading is the page's heading; kept only when it says more
    // than `title` (most stories repeat the title there).
    let heading = body
        .h1
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty() && *h != title.trim());
    let story = Story {
        format: FORMAT_VERSION,
        title,
        heading,
        lang,
        summary: fm.summary,
        authors: fm.authors,
        credits: fm.credits,
        theme: fm.theme,
        interactive: fm.interactive,
        basemap: fm.basemap,
        intro,
        layers: fm.layers,
        steps,
    };
    Some((
        story,
        assets,
        Spans {
            file: String::new(),
            layer_url: fm.url_pos,
            layer_join: fm.join_pos,
            layer_join_key: fm.join_key_pos,
            layer_join_columns: fm.join_column_pos,
            step_time_spans,
            layer_compute: fm.compute_pos,
            layer_properties: fm.property_pos,
            layer_values: fm.value_pos,
            layer_time: fm.time_pos,
            layer_times: fm.times,
            layer_join_failed: fm.join_failed,
            layer_extrude: fm.extrude_pos,
            condition_fields,
            conditions,
            step_view,
            step_show,
            step_description_extra,
            figures,
            charts,
            translations,
        },
    ))
}

/// Whether the fenced block `b` of twinstory's (```step, ```chart,
/// ```video, ```audio: `kind`), whose YAML reads as `read`, is not closed:
/// it runs to the end of the file, or to a later block's closing fence and
/// its YAML cannot be read. Then reports it (E0047) at its opening fence,
/// instead of what YAML says of the text it swallowed, which would send
/// the author to the wrong line; its settings are not read either (the
/// text it swallowed would be unknown settings).
pub(crate) fn unclosed_block(
    w: &mut Walker<'_, '_>,
    b: &Block,
    kind: &str,
    read: &Result<(yaml::Node, Vec<YamlError>), YamlError>,
) -> bool {
    let unclosed = matches!(
        (&b.end, read),
        (FenceEnd::Open, _) | (FenceEnd::RunsOn { .. }, Err(_))
    );
    if unclosed {
        report_unclosed(w, b, kind, read.as_ref().err());
    }
    unclosed
}

/// Reports (E0047) a block whose closing fence is missing, at its opening
/// fence, with the line after which its settings seem to end: the text it
/// swallowed begins with the paragraph YAML could not read (`error`; the
/// block's last paragraph when YAML read it all), so they end at the last
/// line with text above that paragraph (without a blank line between,
/// right above the line YAML could not read).
fn report_unclosed(w: &mut Walker<'_, '_>, b: &Block, kind: &str, error: Option<&YamlError>) {
    let lines: Vec<&str> = b.yaml.lines().collect();
    let text = |l: &&str| !l.trim().is_empty();
    let stop = error.map_or(lines.len(), |e| e.line.min(lines.len()));
    let settings_end = lines[..stop].iter().rposition(text).and_then(|last| {
        let start = lines[..last].iter().rposition(|l| !text(l)).map(|b| b + 1);
        match start {
            Some(s) if s > 0 => lines[..s].iter().rposition(text),
            _ if error.is_some() => last.checked_sub(1),
            _ => Some(last),
        }
    });
    let settings_end = settings_end.map(|k| b.first_line + k);
    let message = match &b.end {
        FenceEnd::RunsOn {
            inner,
            fence: at,
            closing,
        } => format!(
            "this ```{kind} block is not closed: it runs on to line {closing}, where the closing ``` of the {inner} on line {at} ends it, and everything between is read as its settings"
        ),
        _ => format!("this ```{kind} block is not closed: the rest of the file is read as its settings"),
    };
    let help = match settings_end {
        Some(line) => {
            format!("add ``` on a line of its own after the {kind}'s settings (after line {line})")
        }
        None => format!("add ``` on a line of its own after the {kind}'s settings"),
    };
    w.sink.error("E0047", b.fence, message, Some(help));
}

/// Reports a YAML error at its position in the file.
pub(crate) fn yaml_error(w: &mut Walker<'_, '_>, e: &YamlError, what: &str, yaml_text: &str) {
    let pos = w.file_pos(e.line, e.column);
    let tab = if e.message.contains("tab") {
        crate::checks::tabs::find(yaml_text, e.line)
    } else {
        None
    };
    if let (YamlErrorKind::Syntax, Some((line, column))) = (e.kind, tab) {
        let pos = Pos {
            len: 1,
            ..w.file_pos(line, column)
        };
        w.sink.error(
            "E0012",
            pos,
            format!(
                "the {what} has a tab character at {}:{}; YAML indents and separates with spaces",
                pos.line, pos.column
            ),
            Some(
                "replace the tab with spaces (most editors can show tabs and convert them)".into(),
            ),
        );
        return;
    }
    match e.kind {
        YamlErrorKind::Syntax => {
            let help = if e.message.contains("bracket") || e.message.contains("flow") {
                "a `[` or `{` before this point is not closed, or a `,` is missing; a `#` outside quotes starts a comment, so write colours in quotes: \"#e4572e\""
            } else {
                "check the indentation and quotes near here; text with `: ` or ` #` in it must be in quotes"
            };
            w.sink.error(
                "E0012",
                pos,
                format!("the {what} is not valid YAML: {}", e.message),
                Some(help.into()),
            )
        }
        YamlErrorKind::DuplicateKey => {
            let first = e.twice.map(|(len, line, column)| (len, w.file_pos(line, column).line));
            let (message, len, help) = match first {
                Some((len, line)) if line == pos.line => (
                    format!(
                        "the {what} has the setting `{}` twice; the first one, earlier on line {line}, is used",
                        e.message
                    ),
                    len,
                    "keep only one of the two",
                ),
                Some((len, line)) => (
                    format!(
                        "the {what} has the setting `{}` twice; the first one, on line {line}, is used",
                        e.message
                    ),
                    len,
                    "keep only one of the two lines",
                ),
                None => (
                    format!("the {what} has a setting twice: {}", e.message),
                    pos.len,
                    "keep only one of the two lines",
                ),
            };
            w.sink
                .error("E0013", Pos { len, ..pos }, message, Some(help.into()));
        }
        YamlErrorKind::Limit => w.sink.error(
            "E0014",
            pos,
            format!("the {what} is too large or too deeply nested to read"),
            Some("story settings are short; anchors (`&`) and aliases (`*`) that repeat big parts are not needed".into()),
        ),
    }
}
