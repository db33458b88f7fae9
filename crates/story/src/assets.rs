//! Checks against the disk: images and data files exist and stay inside the
//! story folder, data reads, views are near the data.

use crate::diagnostic::{Pos, Severity, Sink};
use crate::layer_data::{read_layer, LayerData, LayerPart};
use crate::{AssetKind, ParsedStory};
use geo::{BoundingRect, Rect};
use std::path::{Component, Path, PathBuf};
use twinstory_model::url::is_absolute;
use twinstory_model::FitTarget;

/// A file of the story folder named by a relative path in story.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// The path inside the story folder: percent escapes decoded, `?`/`#`
    /// parts dropped, `.` and `..` resolved, `/` between the parts. A
    /// browser resolving the URL as written reaches the same place, so the
    /// build writes the file here.
    pub rel: String,
    /// `rel` below the story folder.
    pub path: PathBuf,
}

/// Why a path of story.md cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathProblem {
    /// Absolute (`/…`), or more `..` than folders: the path names a file
    /// outside the story folder (E0066).
    LeavesFolder,
    /// The path exists inside the folder, but a symbolic link on the way
    /// leads outside it (E0067).
    SymlinkOutside(PathBuf),
}

/// Resolves a relative path of story.md to a file inside `base_dir`.
///
/// The path is normalised without touching the disk, then, when it exists,
/// followed through symbolic links: links inside the story folder are fine,
/// links that lead out of it are refused, so a build never reads (and
/// publishes) a file the author did not put into the story folder.
pub fn local_file(base_dir: &Path, url: &str) -> Result<LocalFile, PathProblem> {
    // Browsers read `\\` as `/` in http(s) URLs, so the file system does too here.
    let decoded = percent_decode(url.split(['#', '?']).next().unwrap_or("")).replace('\\', "/");
    let mut parts: Vec<String> = Vec::new();
    for c in Path::new(&decoded).components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return Err(PathProblem::LeavesFolder);
                }
            }
            Component::RootDir | Component::Prefix(_) => return Err(PathProblem::LeavesFolder),
        }
    }
    let rel = parts.join("/");
    let path = base_dir.join(&rel);
    if let (Ok(real), Ok(root)) = (path.canonicalize(), base_dir.canonicalize()) {
        if !real.starts_with(&root) {
            return Err(PathProblem::SymlinkOutside(real));
        }
    }
    Ok(LocalFile { rel, path })
}

/// The diagnostic for a path that [`local_file`] refused.
fn path_problem(sink: &mut Sink, pos: Pos, what: &str, url: &str, problem: &PathProblem) {
    match problem {
        PathProblem::LeavesFolder => sink.error(
            "E0066",
            pos,
            format!("{what} `{url}` lies outside the story folder"),
            Some("copy the file into the story folder (e.g. `img/` or `data/`) and name it by a path relative to story.md, without `..` or a leading `/`".into()),
        ),
        PathProblem::SymlinkOutside(real) => sink.error(
            "E0067",
            pos,
            format!(
                "{what} `{url}` is a symbolic link that leads outside the story folder"
            ),
            Some(format!(
                "it points to {}; copy that file into the story folder instead of linking it, so the build cannot publish files from elsewhere",
                real.display()
            )),
        ),
    }
}

/// Adds diagnostics for missing images and data files, paths that leave the
/// story folder, unreadable data, and views far from the data.
///
/// Relative paths are relative to `base_dir` (the story folder); `http(s)://` URLs are not checked.
pub fn check_assets(parsed: &mut ParsedStory, base_dir: &Path) {
    let mut sink = Sink::new(&parsed.spans.file);
    for a in &parsed.assets {
        let what = match a.kind {
            AssetKind::Image => "the image",
            AssetKind::Font => "the font file",
            AssetKind::Video => "the video",
            AssetKind::Audio => "the audio",
            AssetKind::Captions => "the captions file",
            AssetKind::Poster => "the poster image",
            AssetKind::Transcript => "the transcript",
            AssetKind::Link => "the linked file",
            AssetKind::Data => continue,
        };
        if is_absolute(&a.url) || a.url.starts_with('#') {
            continue;
        }
        let pos = Pos {
            line: a.line,
            column: a.column,
            len: 0,
        };
        let path = match local_file(base_dir, &a.url) {
            // A link that leaves the folder (`../other-story/`) is a page of
            // the site, not a file of the story: it is left as written.
            Err(PathProblem::LeavesFolder) if a.kind == AssetKind::Link => continue,
            Ok(f) => f.path,
            Err(problem) => {
                path_problem(&mut sink, pos, what, &a.url, &problem);
                continue;
            }
        };
        // A link to the folder itself or one inside it (`./`, `docs/`).
        if a.kind == AssetKind::Link && (path.is_dir() || a.url.ends_with('/')) {
            continue;
        }
        if !path.is_file() {
            sink.error(
                "E0060",
                pos,
                format!("{what} `{}` does not exist", a.url),
                Some(format!(
                    "the path is relative to the story folder; no file was found at {}",
                    path.display()
                )),
            );
        } else {
            crate::media::check_file(&mut sink, pos, a.kind, &a.url, &path);
            crate::media::check_published(&mut sink, pos, a.kind, &a.url, &path);
        }
    }

    let Some(story) = &parsed.story else {
        parsed.diagnostics.extend(sink.diags);
        return;
    };
    let mut bounds: Option<Rect<f64>> = None;
    let mut all_read = true;
    let mut loaded: Vec<Option<LayerData>> = vec![None; story.layers.len()];
    for (i, layer) in story.layers.iter().enumerate() {
        let url = layer.source.url();
        let pos = parsed.spans.layer_url.get(i).copied().unwrap_or_default();
        if is_absolute(url)
            || matches!(layer.source, twinstory_model::Source::OgcApiFeatures { .. })
        {
            all_read = false;
            if !layer.join.is_empty() || !layer.compute.is_empty() {
                sink.error(
                    "E0063",
                    pos,
                    format!(
                        "layer `{}` joins tables or computes fields, so its data must be a file beside story.md",
                        layer.id
                    ),
                    Some("`twinstory build` does joins once, when it builds; download the data into the story folder and name that file".into()),
                );
            }
            continue;
        }
        let join_pos = parsed.spans.layer_join.get(i);
        let join_key_pos = parsed.spans.layer_join_key.get(i);
        let join_column_pos = parsed.spans.layer_join_columns.get(i);
        let compute_pos = parsed.spans.layer_compute.get(i);
        let part_pos = |part: LayerPart| match part {
            LayerPart::Source => pos,
            LayerPart::Join(j) => join_pos.and_then(|p| p.get(j)).copied().unwrap_or(pos),
            LayerPart::JoinKey(j) => join_key_pos
                .and_then(|p| p.get(j))
                .or_else(|| join_pos.and_then(|p| p.get(j)))
                .copied()
                .unwrap_or(pos),
            LayerPart::JoinColumn(j, k) => join_column_pos
                .and_then(|p| p.get(j))
                .and_then(|p| p.get(k))
                .or_else(|| join_pos.and_then(|p| p.get(j)))
                .copied()
                .unwrap_or(pos),
            LayerPart::Compute(c) => compute_pos.and_then(|p| p.get(c)).copied().unwrap_or(pos),
        };
        // Files outside the story folder are never read: the build would
        // publish what it read.
        let mut outside = false;
        let files = std::iter::once((LayerPart::Source, url)).chain(
            layer
                .join
                .iter()
                .enumerate()
                .map(|(j, t)| (LayerPart::Join(j), t.table.as_str())),
        );
        for (part, file) in files {
            if is_absolute(file) {
                continue;
            }
            if let Err(problem) = local_file(base_dir, file) {
                let what = match part {
                    LayerPart::Join(_) => "the table",
                    _ => "the data file",
                };
                path_problem(&mut sink, part_pos(part), what, file, &problem);
                outside = true;
            }
        }
        if outside || parsed.spans.layer_join_failed.get(i) == Some(&true) {
            all_read = false;
            continue;
        }
        match read_layer(layer, base_dir) {
            Ok(layer_read) => {
                // A failed join or computed field is reported, and the checks
                // that do not need what it would have added go on.
                for problem in &layer_read.problems {
                    sink.error(
                        problem.code,
                        part_pos(problem.part),
                        problem.message.clone(),
                        problem.hint.clone(),
                    );
                }
                let complete = layer_read.problems.is_empty();
                all_read &= complete;
                let read = &layer_read.data;
                let (data, joins) = (&read.dataset, &read.joins);
                for w in data
                    .warnings
                    .iter()
                    .filter(|w| !is_silent_repair(&w.message))
                {
                    sink.warning(
                        "W0004",
                        pos,
                        format!(
                            "data file `{url}`: {}",
                            with_position(&w.message, w.position.as_ref())
                        ),
                        // `encoding` is a setting of a `join` only.
                        if w.message.contains("read as Windows-1252/Latin-1") {
                            Some("save the file as UTF-8 (in most editors: Save as… → Encoding: UTF-8)".to_owned())
                        } else {
                            w.hint.clone()
                        },
                    );
                }
                for (j, w) in &read.table_warnings {
                    let table = layer.join.get(*j).map_or("", |t| t.table.as_str());
                    // The reader's hint is for any file; in a join the fix has a name.
                    let hint = if w.message.contains("read as Windows-1252/Latin-1") {
                        Some("add `encoding: latin-1` to this `join` to read it so without a warning, or save the table as UTF-8".to_owned())
                    } else {
                        w.hint.clone()
                    };
                    sink.warning(
                        "W0004",
                        part_pos(LayerPart::Join(*j)),
                        format!(
                            "table `{table}`: {}",
                            with_position(&w.message, w.position.as_ref())
                        ),
                        hint,
                    );
                }
                for (&j, (table, report)) in layer_read.joined.iter().zip(joins) {
                    if report.rows_matched == 0 && report.rows_total > 0 {
                        let sample = |v: &[String]| {
                            v.iter()
                                .take(3)
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        let rows: Vec<String> = report
                            .unmatched_rows
                            .iter()
                            .map(|r| r.key.clone())
                            .collect();
                        sink.warning(
                            "W0007",
                            part_pos(LayerPart::Join(j)),
                            format!(
                                "no row of the table `{table}` matched a feature of layer `{}`",
                                layer.id
                            ),
                            Some(format!(
                                "the table has keys like {}, the features like {}; check `feature-key` and `table-key`",
                                sample(&rows),
                                sample(&report.unmatched_features)
                            )),
                        );
                    }
                }
                let named = parsed.spans.layer_properties.get(i);
                for (name, at) in named.into_iter().flatten() {
                    if !layer_read.lost(name) {
                        check_property(&mut sink, data, &layer.id, name, *at);
                    }
                }
                if let Some(fields) = parsed.spans.layer_time.get(i) {
                    let fields: Vec<(String, Pos)> = fields
                        .iter()
                        .filter(|(name, _)| !layer_read.lost(name))
                        .cloned()
                        .collect();
                    crate::time::check_data(&mut sink, data, &layer.id, &fields);
                }
                let in_steps = parsed.spans.condition_fields.iter();
                // Conditions told to write a name in backticks: once each.
                let mut told: Vec<(Pos, String)> = Vec::new();
                for (_, name, at) in in_steps.filter(|(l, _, _)| *l == layer.id) {
                    if layer_read.lost(name) {
                        continue;
                    }
                    // The condition the name is in (same line, around it).
                    let condition = parsed.spans.conditions.iter().find(|(l, _, _, p)| {
                        *l == layer.id
                            && p.line == at.line
                            && (p.column..p.column + p.len.max(1)).contains(&at.column)
                    });
                    match condition.and_then(|(_, _, text, p)| {
                        unquoted_name(data, name, text).map(|(field, fixed)| (*p, field, fixed))
                    }) {
                        Some((p, field, _)) if told.contains(&(p, field.clone())) => {}
                        Some((p, field, fixed)) => {
                            sink.warning(
                                "W0008",
                                *at,
                                format!(
                                    "no feature of layer `{}` has a property `{name}`",
                                    layer.id
                                ),
                                Some(format!("write the name in backticks: `` {fixed} ``")),
                            );
                            told.push((p, field));
                        }
                        None => check_property(&mut sink, data, &layer.id, name, *at),
                    }
                }
                // A computed field with no value anywhere: its fields are
                // text (a table read with the wrong `numbers:`), or empty.
                for (c, field) in layer.compute.iter().enumerate() {
                    let name = field.name.as_str();
                    if name.starts_with("extrude") || layer_read.lost(name) {
                        continue;
                    }
                    check_computed(
                        &mut sink,
                        data,
                        (&layer.id, name, &field.expression),
                        part_pos(LayerPart::Compute(c)),
                    );
                }
                if !complete {
                    // Half-made data is neither measured nor built.
                    continue;
                }
                let conditions = parsed.spans.conditions.iter();
                for (_, key, text, at) in conditions.filter(|c| c.0 == layer.id) {
                    check_matches(&mut sink, data, &layer.id, (key, text), *at);
                }
                if let Some(values) = parsed.spans.layer_values.get(i) {
                    let lost = |name: &str| layer_read.lost(name);
                    crate::checks::style::check_values(&mut sink, data, &layer.id, values, lost);
                }
                for f in &data.features {
                    if let Some(r) = f.geometry.as_ref().and_then(|g| g.bounding_rect()) {
                        bounds = Some(match bounds {
                            Some(b) => Rect::new(
                                (b.min().x.min(r.min().x), b.min().y.min(r.min().y)),
                                (b.max().x.max(r.max().x), b.max().y.max(r.max().y)),
                            ),
                            None => r,
                        });
                    }
                }
                let mut read = layer_read.data;
                if let Some(Some(t)) = parsed.spans.layer_times.get(i) {
                    crate::time::add_keys(t, &mut read.dataset);
                }
                loaded[i] = Some(read);
            }
            Err(problem) => {
                all_read = false;
                sink.error(
                    problem.code,
                    part_pos(problem.part),
                    problem.message,
                    problem.hint,
                );
            }
        }
    }
    // Views are compared with the data only when every layer could be read,
    // so a missing file does not also make every view "outside".
    if let (Some(b), true) = (bounds, all_read) {
        let (w, h) = (b.width(), b.height());
        // Generous: the data's box grown by its own size (at least half a degree) on each side.
        let mx = w.max(0.5);
        let my = h.max(0.5);
        let (x0, y0, x1, y1) = (
            b.min().x - mx,
            b.min().y - my,
            b.max().x + mx,
            b.max().y + my,
        );
        let inside = |x: f64, y: f64| x >= x0 && x <= x1 && y >= y0 && y <= y1;
        for (i, step) in story.steps.iter().enumerate() {
            let Some(view) = &step.view else { continue };
            let Some(pos) = parsed.spans.step_view.get(i).copied().flatten() else {
                continue;
            };
            let (x, y, bbox) = match (&view.center, &view.fit) {
                (Some([x, y]), _) => (*x, *y, None),
                (None, Some(FitTarget::Bbox([w, s, e, n]))) => {
                    ((w + e) / 2.0, (s + n) / 2.0, Some([*w, *s, *e, *n]))
                }
                _ => continue,
            };
            if !inside(x, y) {
                let swapped = inside(y, x);
                let help = if let (true, Some([w, s, e, n])) = (swapped, bbox) {
                    format!("the numbers look swapped: a `fit` box is [west, south, east, north], so write [{}, {}, {}, {}]", deg(s), deg(w), deg(n), deg(e))
                } else if swapped {
                    format!("the numbers look swapped: `center` is [longitude, latitude], so write [{}, {}]", deg(y), deg(x))
                } else {
                    format!(
                        "the data lies between longitude {:.3} and {:.3}, latitude {:.3} and {:.3}; check the numbers, or use `fit: <layer>`",
                        b.min().x, b.max().x, b.min().y, b.max().y
                    )
                };
                sink.warning(
                    "W0005",
                    pos,
                    format!(
                        "the view of step `{}` is outside the data's bounds ({}, {})",
                        step.id,
                        deg(x),
                        deg(y)
                    ),
                    Some(help),
                );
            }
        }
    }
    // Steps' times against the layers they show.
    for (step, at) in story.steps.iter().zip(&parsed.spans.step_time_spans) {
        let Some((pos, spans)) = at else { continue };
        for shown in &step.show {
            let Some(i) = story.layers.iter().position(|l| l.id == shown.layer) else {
                continue;
            };
            if let (Some(Some(_)), Some(Some(read))) =
                (parsed.spans.layer_times.get(i), loaded.get(i))
            {
                crate::time::check_step(
                    &mut sink,
                    (&step.id, *pos),
                    spans,
                    (&shown.layer, &read.dataset),
                );
            }
        }
    }
    crate::checks::data::check(&mut sink, story, &loaded, &parsed.spans);
    // Colours are measured once the story reads without errors: a style
    // that could not be read would be measured as the default.
    if !crate::has_errors(&parsed.diagnostics) && !crate::has_errors(&sink.diags) {
        crate::checks::contrast::check(&mut sink, story, &loaded, &parsed.spans);
    }
    parsed.layer_data = loaded;
    crate::checks::figures::evaluate(&mut sink, parsed);
    crate::checks::charts::evaluate(&mut sink, parsed);
    crate::checks::translations::check(&mut sink, parsed, base_dir);
    parsed.diagnostics.extend(sink.diags);
    parsed
        .diagnostics
        .sort_by_key(|d| (d.line, d.column, d.severity == Severity::Warning));
}

/// The property names of a layer's first 1000 features, sorted: what a
/// "did you mean" picks from.
pub(crate) fn property_names(data: &twinstory_data::Dataset) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for f in data.features.iter().take(1000) {
        for k in f.properties.keys() {
            if !names.contains(&k.as_str()) {
                names.push(k);
            }
        }
    }
    names.sort_unstable();
    names
}

/// A property that a tooltip, label or label priority names but no feature
/// has: a warning at the name, with the closest property as a suggestion.
fn check_property(
    sink: &mut Sink,
    data: &twinstory_data::Dataset,
    layer: &str,
    name: &str,
    at: Pos,
) {
    if data.features.is_empty()
        || data
            .features
            .iter()
            .any(|f| f.properties.contains_key(name))
    {
        return;
    }
    let names = property_names(data);
    // A value written without quotes in a condition (`gattung == Linde`)
    // is read as a field's name.
    let value_of = data.features.iter().find_map(|f| {
        f.properties
            .iter()
            .find(|(_, v)| v.as_str().is_some_and(|t| t.trim() == name))
            .map(|(k, _)| k.clone())
    });
    let help = match value_of {
        Some(field) => Some(format!(
            "`{name}` is a value of `{field}`, not a field: in a condition, text is written in quotes, e.g. `{field} == \"{name}\"`"
        )),
        None => crate::suggest::did_you_mean(name, &names, "the features have"),
    };
    sink.warning(
        "W0008",
        at,
        format!("no feature of layer `{layer}` has a property `{name}`"),
        help,
    );
}

/// A property of `data` whose name needs backticks (it holds a space, `-`
/// or another character that is not a letter, digit or `_`), that holds
/// `name` (a part of it read as a field's name) and is written bare in the
/// condition `text`: the property and the condition with it in backticks.
fn unquoted_name(
    data: &twinstory_data::Dataset,
    name: &str,
    text: &str,
) -> Option<(String, String)> {
    if data
        .features
        .iter()
        .any(|f| f.properties.contains_key(name))
    {
        return None;
    }
    property_names(data)
        .into_iter()
        .filter(|p| p.contains(name) && !p.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .filter(|p| !text.contains(&format!("`{p}`")))
        .max_by_key(|p| p.len())
        .and_then(|p| {
            let at = text.find(p)?;
            let fixed = format!("{}`{p}`{}", &text[..at], &text[at + p.len()..]);
            Some((p.to_owned(), fixed.trim().to_owned()))
        })
}

/// W0065: a computed field that no feature has a number in (the fields it
/// reads are text, e.g. a German table read with `numbers: decimal-point`,
/// or have no values): the map, tooltips and figures would show nothing.
fn check_computed(
    sink: &mut Sink,
    data: &twinstory_data::Dataset,
    (layer, name, expression): (&str, &str, &str),
    at: Pos,
) {
    let number = |v: Option<&serde_json::Value>| v.is_some_and(serde_json::Value::is_number);
    if data.features.is_empty() || data.features.iter().any(|f| number(f.properties.get(name))) {
        return;
    }
    // A field the expression names whose values are text.
    let mut names = property_names(data);
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let text = names
        .into_iter()
        .filter(|n| *n != name && expression.contains(n))
        .find_map(|n| {
            let sample = data
                .features
                .iter()
                .find_map(|f| f.properties.get(n)?.as_str().map(|t| t.trim().to_owned()))?;
            (!data.features.iter().any(|f| number(f.properties.get(n))))
                .then(|| (n.to_owned(), sample))
        });
    let help = match text {
        Some((field, sample)) => format!(
            "`{field}` is text in this layer (e.g. `{sample}`), not a number: check its table's `numbers:` setting (`decimal-comma` for German exports) or the column"
        ),
        None => "check that the fields it reads have numbers".to_owned(),
    };
    sink.warning(
        "W0065",
        at,
        format!(
            "the computed field `{name}` of layer `{layer}` has a value for none of its {} features",
            data.features.len()
        ),
        Some(help),
    );
}

/// A step's `filter` or `highlight` that no feature of the layer matches (a
/// misspelt name, a threshold beyond the data): the step would show none of
/// the layer, or dim all of it. A warning at the condition, with the value
/// closest to a quoted one, or the range of the numbers it compares. Not
/// for a property no feature has (W0008 says so).
fn check_matches(
    sink: &mut Sink,
    data: &twinstory_data::Dataset,
    layer: &str,
    (key, text): (&str, &str),
    at: Pos,
) {
    let Ok(condition) = twinstory_data::Condition::parse(text) else {
        return;
    };
    let fields = condition.fields();
    let has = |name: &str| {
        data.features
            .iter()
            .any(|f| f.properties.contains_key(name))
    };
    if data.features.is_empty()
        || !fields.iter().all(|f| has(f))
        || data
            .features
            .iter()
            .any(|f| condition.matches(&f.properties))
    {
        return;
    }
    // The quoted values of the condition, each against the texts the
    // fields it reads have; else the numbers' range.
    let quoted: Vec<&str> = text.split(['"', '\'']).skip(1).step_by(2).collect();
    let mut help = None;
    for field in &fields {
        let values = data.features.iter().filter_map(|f| f.properties.get(field));
        let texts: Vec<&str> = values.clone().filter_map(|v| v.as_str()).collect();
        if let Some(close) = quoted
            .iter()
            .find_map(|q| crate::suggest::closest(q, texts.iter().copied()).filter(|c| c != q))
        {
            help = Some(format!("did you mean `{close}`?"));
            break;
        }
        let numbers = values.filter_map(serde_json::Value::as_f64);
        if let Some((lo, hi)) = numbers.fold(None, |r: Option<(f64, f64)>, x| {
            Some(r.map_or((x, x), |(a, b)| (a.min(x), b.max(x))))
        }) {
            help = Some(format!(
                "`{field}` lies between {} and {} in this layer",
                twinstory_model::decimal::Shortest(lo),
                twinstory_model::decimal::Shortest(hi)
            ));
            break;
        }
    }
    // `von == 2023-02-05` is arithmetic (2023 − 2 − 5): a date is text.
    if let Some(date) = unquoted_date(text) {
        help = Some(format!(
            "`{date}` without quotes is read as a subtraction; a date is text: `\"{date}\"`"
        ));
    }
    sink.warning(
        "W0059",
        at,
        format!(
            "the `{key}` condition `{text}` matches none of the {} features of layer `{layer}`",
            data.features.len()
        ),
        help,
    );
}

/// A date `yyyy-mm-dd` written outside quotes in a condition.
fn unquoted_date(text: &str) -> Option<&str> {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        if c == '"' || c == '\'' {
            quoted = !quoted;
        }
        let rest = &text[i..];
        let b = rest.as_bytes();
        let digits =
            |r: std::ops::Range<usize>| r.clone().all(|j| b.get(j).is_some_and(u8::is_ascii_digit));
        let starts = i == 0 || !text[..i].ends_with(|p: char| p.is_ascii_alphanumeric());
        if !quoted
            && starts
            && digits(0..4)
            && b.get(4) == Some(&b'-')
            && digits(5..7)
            && b.get(7) == Some(&b'-')
            && digits(8..10)
        {
            return Some(&rest[..10]);
        }
    }
    None
}

/// Winding repairs are not the author's problem: RFC 7946 asks readers to accept
/// either winding and the map re-orients rings anyway, so they are not reported.
/// (twinstory-data has no warning kinds, so this matches its wording.)
fn is_silent_repair(message: &str) -> bool {
    message.contains("were reversed")
        && (message.contains("ran clockwise") || message.contains("ran counterclockwise"))
}

/// Degrees with at most six decimals, without trailing zeros.
pub(crate) fn deg(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

fn with_position(message: &str, position: Option<&twinstory_data::Position>) -> String {
    match position {
        // A message that lists its rows names the first one already.
        Some(p) if !message.contains(&p.to_string()) => format!("at {p}: {message}"),
        _ => message.to_owned(),
    }
}

/// Decodes `%20`-style escapes in a relative path (Markdown links often have them).
pub(crate) use twinstory_model::url::percent_decode_lossy as percent_decode;
