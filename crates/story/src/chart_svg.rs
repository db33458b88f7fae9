//! A computed chart ([`crate::chart::ChartData`]) as HTML: a `<figure>`
//! with the title as `<figcaption>`, the drawing as inline SVG (`role="img"`,
//! named by its `<title>`, described by its `<desc>`) and the numbers as a
//! table in a `<details>` ("Show the numbers").
//!
//! Only what a strict Content-Security-Policy allows and the player's
//! allow-list (`twinstory_model::trust::svg_element_rule`,
//! `svg_attribute_value`) keeps: presentation attributes (`fill=`,
//! `stroke=`), never `style=`; no links, no script, no event attributes.
//! Text and axes are drawn in `currentColor`, the card's text colour, whose
//! contrast the theme check measures; bars and classes in the map's
//! colours, outlined in `currentColor` so that light ones stand out from
//! the card (WCAG 1.4.11). The `viewBox` scales with the card's width.

use crate::chart::{ChartData, ChartKind};
use crate::markdown::escape;
use std::fmt::Write;
use twinstory_model::strings::{format_number, Lang};
use twinstory_model::Color;

/// Width of the drawing in SVG units (it scales to the card).
const WIDTH: f64 = 400.0;
/// Height of one bar's row: its name above, the bar below.
const ROW: f64 = 38.0;

fn hex(c: Color) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

/// A number for an SVG attribute: at most one decimal, no `-0`.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

/// The chart's HTML for readers of `lang`.
pub(crate) fn chart_html(chart: &ChartData, lang: &str) -> String {
    let words = Lang::of(lang).describe_words();
    let (height, body) = match chart.kind {
        ChartKind::Bar | ChartKind::Histogram => bars(chart),
        ChartKind::Line => line(chart, lang),
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<figure class=\"ts-chart\"><figcaption>{title}</figcaption><svg viewBox=\"0 0 {w} {h}\" role=\"img\"><title>{title}</title><desc>{desc}</desc>{body}</svg>",
        title = escape(&chart.title),
        w = n(WIDTH),
        h = n(height),
        desc = escape(&chart.description),
    );
    let _ = write!(
        out,
        "<details class=\"ts-chart-numbers\"><summary>{}</summary><table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>",
        escape(words.chart_numbers),
        escape(&chart.label_heading),
        escape(&chart.value_heading),
    );
    for (row, shown) in chart.rows.iter().zip(&chart.shown) {
        match row.feature {
            Some(f) => {
                let _ = write!(
                    out,
                    "<tr tabindex=\"0\" data-layer=\"{}\" data-feature=\"{f}\">",
                    escape(&chart.layer)
                );
            }
            None => out.push_str("<tr>"),
        }
        let _ = write!(
            out,
            "<td>{}</td><td>{}</td></tr>",
            escape(&row.label),
            escape(shown)
        );
    }
    out.push_str("</tbody></table></details></figure>\n");
    out
}

/// Horizontal bars, largest value the full width: the name above each bar,
/// its number after it (names of any length fit a phone).
fn bars(chart: &ChartData) -> (f64, String) {
    let max = chart
        .rows
        .iter()
        .map(|r| r.value)
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    // Room for the number after the longest bar.
    let widest = chart
        .shown
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0) as f64;
    let span = (WIDTH - 8.0 - widest * 7.5).max(WIDTH / 3.0);
    let mut out = String::new();
    for (i, (row, shown)) in chart.rows.iter().zip(&chart.shown).enumerate() {
        let y = i as f64 * ROW;
        let w = (row.value.max(0.0) / max * span).max(if row.value > 0.0 { 1.0 } else { 0.0 });
        let fill = row.color.map_or_else(|| hex(chart.line_color), hex);
        match row.feature {
            Some(f) => {
                let _ = write!(
                    out,
                    "<g data-layer=\"{}\" data-feature=\"{f}\">",
                    escape(&chart.layer)
                );
            }
            None => out.push_str("<g>"),
        }
        // The whole row answers the pointer, not only the bar.
        let _ = write!(
            out,
            "<rect x=\"0\" y=\"{y0}\" width=\"{wid}\" height=\"{h}\" fill=\"#000000\" fill-opacity=\"0\"/><text x=\"0\" y=\"{ty}\" font-size=\"14\" fill=\"currentColor\">{label}</text><rect x=\"0.5\" y=\"{by}\" width=\"{bw}\" height=\"14\" fill=\"{fill}\" stroke=\"currentColor\" stroke-width=\"1\"/><text x=\"{vx}\" y=\"{vy}\" font-size=\"13\" fill=\"currentColor\">{value}</text></g>",
            y0 = n(y),
            wid = n(WIDTH),
            h = n(ROW),
            ty = n(y + 14.0),
            label = escape(&row.label),
            by = n(y + 19.5),
            bw = n(w),
            vx = n(w + 6.0),
            vy = n(y + 31.0),
            value = escape(shown),
        );
    }
    (chart.rows.len() as f64 * ROW + 4.0, out)
}

/// A line over the periods, with the axes' numbers in the story's language.
fn line(chart: &ChartData, lang: &str) -> (f64, String) {
    let (height, left, right, top, bottom) = (220.0, 52.0, 14.0, 12.0, 30.0);
    let values: Vec<f64> = chart.rows.iter().map(|r| r.value).collect();
    let lo = values.iter().copied().fold(0.0_f64, f64::min);
    let hi = nice_ceiling(values.iter().copied().fold(f64::MIN_POSITIVE, f64::max));
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom;
    let count = chart.rows.len();
    let x = |i: usize| {
        if count < 2 {
            left + plot_w / 2.0
        } else {
            left + i as f64 * plot_w / (count - 1) as f64
        }
    };
    let y = |v: f64| top + plot_h - (v - lo) / (hi - lo).max(f64::MIN_POSITIVE) * plot_h;
    let mut out = String::new();
    // The value axis: three numbers and faint lines.
    let decimals = if hi - lo >= 10.0 { 0 } else { 1 };
    for k in 0..=2 {
        let v = lo + (hi - lo) * k as f64 / 2.0;
        let _ = write!(
            out,
            "<line x1=\"{l}\" y1=\"{y}\" x2=\"{r}\" y2=\"{y}\" stroke=\"currentColor\" stroke-opacity=\"0.3\" stroke-width=\"1\"/><text x=\"{tx}\" y=\"{ty}\" font-size=\"12\" text-anchor=\"end\" fill=\"currentColor\">{t}</text>",
            l = n(left),
            r = n(WIDTH - right),
            y = n(y(v)),
            tx = n(left - 6.0),
            ty = n(y(v) + 4.0),
            t = escape(&format_number(v, decimals, lang)),
        );
    }
    // The time axis: the first, the last and up to three periods between.
    let mut ticks: Vec<usize> = (0..5).map(|k| k * (count.saturating_sub(1)) / 4).collect();
    ticks.dedup();
    for i in ticks {
        let anchor = if i == 0 && count > 1 {
            "start"
        } else if i + 1 == count && count > 1 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            out,
            "<text x=\"{x}\" y=\"{y}\" font-size=\"12\" text-anchor=\"{anchor}\" fill=\"currentColor\">{t}</text>",
            x = n(x(i)),
            y = n(height - 10.0),
            t = escape(&chart.rows[i].label),
        );
    }
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{},{}", n(x(i)), n(y(*v))))
        .collect();
    let color = hex(chart.line_color);
    let _ = write!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\"/>",
        points.join(" ")
    );
    if count <= 60 {
        for (i, v) in values.iter().enumerate() {
            let _ = write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{color}\"/>",
                n(x(i)),
                n(y(*v))
            );
        }
    }
    (height, out)
}

/// The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `v` (the axis' top).
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::ChartRow;

    fn chart(kind: ChartKind) -> ChartData {
        ChartData {
            kind,
            layer: "q".into(),
            title: "Kinder <je> Stadtteil".into(),
            description: "Beschreibung".into(),
            label_heading: "Stadtteil".into(),
            value_heading: "Kinder".into(),
            rows: vec![
                ChartRow {
                    label: "Altona".into(),
                    value: 20.0,
                    feature: Some(3),
                    color: Some(Color::rgb(0, 92, 169)),
                },
                ChartRow {
                    label: "Bergedorf".into(),
                    value: 10.0,
                    feature: Some(0),
                    color: Some(Color::rgb(255, 255, 255)),
                },
            ],
            shown: vec!["20".into(), "10".into()],
            line_color: Color::rgb(1, 2, 3),
        }
    }

    #[test]
    fn bars_are_as_long_as_their_values_and_escaped() {
        let html = chart_html(&chart(ChartKind::Bar), "de");
        assert!(html.contains("<figcaption>Kinder &lt;je&gt; Stadtteil</figcaption>"));
        assert!(html.contains("<svg viewBox=\"0 0 400 80\" role=\"img\"><title>Kinder &lt;je&gt;"));
        assert!(html.contains("<summary>Zahlen anzeigen</summary>"));
        assert!(html.contains("<tr tabindex=\"0\" data-layer=\"q\" data-feature=\"3\"><td>Altona</td><td>20</td></tr>"));
        let widths: Vec<f64> = html
            .split("<rect x=\"0.5\" ")
            .skip(1)
            .map(|r| {
                let w = r.split("width=\"").nth(1).unwrap();
                w.split('"').next().unwrap().parse().unwrap()
            })
            .collect();
        assert_eq!(widths.len(), 2);
        assert!((widths[0] / widths[1] - 2.0).abs() < 0.01, "{widths:?}");
        assert!(!html.contains("style="));
        assert!(html.contains("fill=\"#005ca9\""));
    }

    #[test]
    fn a_line_has_its_axes_in_the_language() {
        let mut c = chart(ChartKind::Line);
        c.rows[0].value = 1500.0;
        let de = chart_html(&c, "de");
        assert!(de.contains(">2.000</text>"), "{de}");
        assert!(chart_html(&c, "en").contains(">2,000</text>"));
        assert!(de.contains("<polyline points=\"52,"));
        assert_eq!(nice_ceiling(1500.0), 2000.0);
        assert_eq!(nice_ceiling(0.3), 0.5);
        assert_eq!(nice_ceiling(7.0), 10.0);
    }
}
