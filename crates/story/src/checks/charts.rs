//! Charts in steps (```chart blocks): read when the story is parsed, with
//! their layer checked (E0132, E0136); computed from the data that
//! `check_assets` read (E0133–E0135, E0137, W0025–W0027) and drawn into
//! the steps' HTML as SVG and a table, so readers (and the page without
//! JavaScript) see them and the player computes nothing.

use crate::chart::{self, ChartData, ChartError, ChartSpec, MAX_BARS};
use crate::diagnostic::{Pos, Sink};
use crate::markdown::{Block, CHART_MARK};
use crate::suggest::did_you_mean;
use crate::walk::Walker;
use crate::ParsedStory;
use twinstory_model::{url::is_absolute, Layer, Source};

/// A chart block, read, with its data once computed.
#[derive(Debug, Clone)]
pub(crate) struct FoundChart {
    /// The step (index) it is in.
    pub step: usize,
    /// What it says.
    pub spec: ChartSpec,
    /// Whether its layer exists and is read at build time.
    pub checked: bool,
    /// The chart, once computed.
    pub data: Option<ChartData>,
}

/// Reads each ```chart block and checks its layer: it must exist (E0132)
/// and be a file beside story.md (E0136).
pub(crate) fn read(
    sink: &mut Sink,
    blocks: &[(usize, Block, Pos)],
    layers: Option<&[Layer]>,
) -> Vec<FoundChart> {
    let mut out = Vec::new();
    for (step, b, at) in blocks {
        let mut w = Walker::new(sink, &b.yaml, b.first_line, b.col_offset);
        let read = crate::yaml::parse(&b.yaml);
        // Without its closing fence: one error at the fence (E0047).
        if crate::parse::unclosed_block(&mut w, b, "chart", &read) {
            continue;
        }
        let spec = match read {
            Ok((root, twice)) => {
                for e in &twice {
                    crate::parse::yaml_error(&mut w, e, "```chart block", &b.yaml);
                }
                chart::read(&mut w, &root, *at)
            }
            Err(e) => {
                crate::parse::yaml_error(&mut w, &e, "```chart block", &b.yaml);
                None
            }
        };
        let Some(spec) = spec else { continue };
        let mut checked = false;
        if let Some(layers) = layers {
            let (name, pos) = &spec.layer;
            match layers.iter().find(|l| &l.id == name) {
                None => {
                    let ids: Vec<&str> = layers.iter().map(|l| l.id.as_str()).collect();
                    let help = did_you_mean(name, &ids, "the layers are")
                        .or_else(|| Some("add the layer under `layers:` in the front matter".into()));
                    sink.error("E0132", *pos, format!("the chart names an unknown layer `{name}`"), help);
                }
                Some(l) if is_absolute(l.source.url()) || matches!(l.source, Source::OgcApiFeatures { .. }) => sink.error(
                    "E0136",
                    *pos,
                    format!(
                        "the chart cannot be drawn: layer `{name}` is read from `{}` while the story plays, not when it is built",
                        l.source.url()
                    ),
                    Some("charts are drawn once, by `twinstory build`, from files beside story.md; download the data into the story folder and name that file".into()),
                ),
                Some(_) => checked = true,
            }
        }
        out.push(FoundChart {
            step: *step,
            spec,
            checked,
            data: None,
        });
    }
    out
}

/// Computes every chart from its layer's data (as the build packs it),
/// reports what cannot be drawn and writes the charts into the steps' HTML.
pub(crate) fn evaluate(sink: &mut Sink, parsed: &mut ParsedStory) {
    let Some(story) = parsed.story.as_mut() else {
        return;
    };
    for c in parsed.spans.charts.iter_mut().filter(|c| c.checked) {
        let Some(i) = story.layers.iter().position(|l| l.id == c.spec.layer.0) else {
            continue;
        };
        // A layer that could not be read has had its problem reported.
        let Some(data) = parsed.layer_data.get(i).and_then(Option::as_ref) else {
            continue;
        };
        let layer = &story.layers[i];
        let styling = twinstory_scene::style_layer(layer, &data.dataset);
        let computed = chart::compute(
            &c.spec,
            layer,
            &data.dataset.features,
            &styling,
            story.theme.accent,
            // The card as readers see it: one with transparency over the page.
            super::theme::card_seen(&story.theme),
            &story.lang,
        );
        match computed {
            Ok((chart, notes)) => {
                if let Some(n) = notes.cut_bars {
                    sink.warning(
                        "W0025",
                        c.spec.at,
                        format!("the chart would have {n} bars; it shows the first {MAX_BARS}"),
                        Some("readers compare a few bars at a glance: add `top: 10` for the ten largest, or a `where` condition".into()),
                    );
                }
                if let Some((n, example)) = notes.no_time {
                    let pos = c.spec.time.as_ref().map_or(c.spec.at, |(_, p)| *p);
                    sink.warning(
                        "W0026",
                        pos,
                        format!(
                            "{n} feature(s) of layer `{}` have no year or date in `{}` (e.g. {example}); the line leaves them out",
                            layer.id,
                            c.spec.time.as_ref().map_or("", |(t, _)| t.as_str())
                        ),
                        Some("`time` reads years (`2019`) and ISO dates (`2019-04-30`); add a `where` condition to leave such features out knowingly".into()),
                    );
                }
                if chart.kind == crate::chart::ChartKind::Bar && layer.tooltip.is_none() {
                    sink.warning(
                        "W0027",
                        c.spec.layer.1,
                        format!("the chart's bars cannot mark their features on the map: layer `{}` has no `tooltip`", layer.id),
                        Some("pointing at a bar shows the layer's tooltip on its feature; give the layer a `tooltip`, e.g. `tooltip: \"{name}\"`".into()),
                    );
                }
                c.data = Some(chart);
            }
            Err(ChartError::UnknownField(field, pos, help)) => sink.error(
                "E0133",
                pos,
                format!("no feature of layer `{}` has a field `{field}`", layer.id),
                help,
            ),
            Err(ChartError::NotNumeric(field, pos, example)) => sink.error(
                "E0134",
                pos,
                format!(
                    "the field `{field}` of layer `{}` holds text (e.g. \"{example}\"), not numbers",
                    layer.id
                ),
                Some("a chart's `value` must be a field of numbers; to count features, use `type: line` without `value`, or a histogram".into()),
            ),
            Err(ChartError::Empty(message, help)) => sink.error(
                "E0135",
                c.spec.at,
                format!("the chart has nothing to show: {message}"),
                help,
            ),
            Err(ChartError::NoClasses(message)) => sink.error(
                "E0137",
                c.spec.at,
                message,
                Some("give the layer a `choropleth` style (its classes are the histogram's bars), or draw a bar chart".into()),
            ),
        }
    }
    let lang = story.lang.clone();
    for (n, s) in story.steps.iter_mut().enumerate() {
        let charts: Vec<Option<String>> = parsed
            .spans
            .charts
            .iter()
            .filter(|c| c.step == n)
            .map(|c| {
                c.data
                    .as_ref()
                    .map(|d| crate::chart_svg::chart_html(d, &lang))
            })
            .collect();
        if !charts.is_empty() {
            s.html = fill(&s.html, &charts);
        }
    }
}

/// The HTML with each chart's mark replaced by the chart, in order; a
/// chart that could not be computed leaves nothing.
fn fill(html: &str, charts: &[Option<String>]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut n = 0;
    while let Some(at) = rest.find(CHART_MARK) {
        out.push_str(&rest[..at]);
        if let Some(Some(chart)) = charts.get(n) {
            out.push_str(chart);
        }
        n += 1;
        rest = rest[at + CHART_MARK.len()..]
            .strip_prefix('\n')
            .unwrap_or(&rest[at + CHART_MARK.len()..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn charts_replace_their_marks_in_order() {
        let html = "<p>a</p>\n<!--chart-->\n<p>b</p>\n<!--chart-->\n";
        assert_eq!(
            fill(html, &[Some("<figure>1</figure>\n".into()), None]),
            "<p>a</p>\n<figure>1</figure>\n<p>b</p>\n"
        );
    }
}
