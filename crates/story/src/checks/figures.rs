//! Figures in the text (`{= count playgrounds}`): against the layers when
//! the story is read, then computed from the data that `check_assets` read
//! and written into the steps' HTML, so readers (and the page without
//! JavaScript) see plain text.

use crate::diagnostic::Sink;
use crate::figure::FigureError;
use crate::markdown::{escape, FoundFigure, FIGURE_CLOSE, FIGURE_OPEN};
use crate::suggest::did_you_mean;
use crate::ParsedStory;
use twinstory_model::{url::is_absolute, Layer, Source};

/// Whether a layer's data is read while playing (a server, a remote
/// file), so that the build cannot compute from it.
fn read_while_playing(layer: &Layer) -> bool {
    is_absolute(layer.source.url()) || matches!(layer.source, Source::OgcApiFeatures { .. })
}

/// Each figure's layer must exist (E0110) and be a file beside story.md
/// (E0115); the figures that pass are marked to be computed.
pub(crate) fn check_layers(sink: &mut Sink, figures: &mut [FoundFigure], layers: &[Layer]) {
    let ids: Vec<&str> = layers.iter().map(|l| l.id.as_str()).collect();
    for f in figures {
        let name = &f.figure.layer.name;
        let at = f.part(f.figure.layer.at);
        match layers.iter().find(|l| &l.id == name) {
            None => {
                let help = did_you_mean(name, &ids, "the layers are")
                    .or_else(|| Some("add the layer under `layers:` in the front matter".into()));
                sink.error(
                    "E0110",
                    at,
                    format!("the figure names an unknown layer `{name}`"),
                    help,
                );
            }
            Some(l) if read_while_playing(l) => sink.error(
                "E0115",
                at,
                format!(
                    "the figure cannot be computed: layer `{name}` is read from `{}` while the story plays, not when it is built",
                    l.source.url()
                ),
                Some("figures are computed once, by `twinstory build`, from files beside story.md; download the data into the story folder and name that file, or write the number by hand".into()),
            ),
            Some(_) => f.checked = true,
        }
    }
}

/// Computes every figure from its layer's data (as the build packs it:
/// joined, computed), reports what cannot be computed (E0111–E0114) and
/// writes the values into the introduction's and the steps' HTML.
pub(crate) fn evaluate(sink: &mut Sink, parsed: &mut ParsedStory) {
    let Some(story) = parsed.story.as_mut() else {
        return;
    };
    for f in parsed.spans.figures.iter_mut().filter(|f| f.checked) {
        let Some(i) = story
            .layers
            .iter()
            .position(|l| l.id == f.figure.layer.name)
        else {
            continue;
        };
        // A layer that could not be read has had its problem reported.
        let Some(data) = parsed.layer_data.get(i).and_then(Option::as_ref) else {
            continue;
        };
        let layer = &story.layers[i];
        match f
            .figure
            .evaluate(&data.dataset.features, &story.lang, &layer.categories)
        {
            Ok(v) => f.value = Some(v),
            Err(FigureError::UnknownField { field, help }) => sink.error(
                "E0111",
                f.part(field.at),
                format!(
                    "no feature of layer `{}` has a field `{}`",
                    layer.id, field.name
                ),
                help,
            ),
            Err(FigureError::Empty { message, help }) => sink.error(
                "E0112",
                f.at,
                format!("the figure has nothing to compute from: {message}"),
                help,
            ),
            Err(FigureError::Name { message, help }) => {
                let at = match &f.figure.measure {
                    crate::figure::Measure::Named(p) => f.part(p.at),
                    _ => f.at,
                };
                sink.error("E0113", at, message, help)
            }
            Err(FigureError::NotNumeric { field, example }) => {
                let at = f
                    .figure
                    .fields()
                    .iter()
                    .find(|p| p.name == field)
                    .map_or(f.at, |p| f.part(p.at));
                sink.error(
                    "E0114",
                    at,
                    format!(
                        "the field `{field}` of layer `{}` holds text (e.g. \"{example}\"), not numbers",
                        layer.id
                    ),
                    Some("`sum`, `min`, `max`, `mean`, `median` and `with max`/`with min` need a field of numbers; `count` counts features, `… of \"name\"` shows a text".into()),
                )
            }
        }
    }
    let figures = &parsed.spans.figures;
    let values = |step: Option<usize>| -> Vec<Option<&str>> {
        figures
            .iter()
            .filter(|f| f.step == step)
            .map(|f| f.value.as_deref())
            .collect()
    };
    story.intro = fill(&story.intro, &values(None));
    for (n, s) in story.steps.iter_mut().enumerate() {
        s.html = fill(&s.html, &values(Some(n)));
    }
}

/// The HTML with each figure's place holding its value (escaped), in
/// order; a figure without a value keeps the text as written. The marks
/// go either way.
fn fill(html: &str, values: &[Option<&str>]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut n = 0;
    while let Some(open) = rest.find(FIGURE_OPEN) {
        out.push_str(&rest[..open]);
        let inner_start = open + FIGURE_OPEN.len();
        let Some(close) = rest[inner_start..].find(FIGURE_CLOSE) else {
            rest = &rest[inner_start..];
            continue;
        };
        match values.get(n).copied().flatten() {
            Some(v) => out.push_str(&escape(v)),
            None => out.push_str(&rest[inner_start..inner_start + close]),
        }
        n += 1;
        rest = &rest[inner_start + close + FIGURE_CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn values_replace_the_figures_in_order_and_the_marks_go() {
        let html = "<p>a <!--figure-->{= count x}<!--/figure--> b <!--figure-->{= sum x.y}<!--/figure--></p>";
        assert_eq!(
            fill(html, &[Some("1.234"), Some("<5>")]),
            "<p>a 1.234 b &lt;5&gt;</p>"
        );
        assert_eq!(fill(html, &[Some("1")]), "<p>a 1 b {= sum x.y}</p>");
    }
}
