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
//! the card (WCAG 1.4.11); a line and its points in the layer's colour,
//! or the nearest shade of it that reaches 3:1 against the card. The time
//! axis names as many periods as fit without overlapping, always the
//! first and the last; the plot starts where the value axis' widest number
//! (`25.000.000`) leaves room. The `viewBox` scales with the card's width.

use crate::chart::{ChartData, ChartKind};
use crate::markdown::escape;
use std::fmt::Write;
use twinstory_model::strings::{format_number, Lang};
use twinstory_model::Color;
use twinstory_scene::contrast::{reaching, MIN_CONTRAST};
use twinstory_scene::to_rgba;

/// Width of the drawing in SVG units (it scales to the card).
const WIDTH: f64 = 400.0;
/// Height of one bar's row: its name above, the bar below.
const ROW: f64 = 38.0;
/// Font size of the time axis' labels.
const TICK_SIZE: f64 = 12.0;
/// The least space between two of them, in em.
const TICK_GAP: f64 = 0.5;
/// Font size of the value axis' numbers.
const VALUE_SIZE: f64 = 12.0;
/// Space between the value axis' numbers and the plot.
const VALUE_GAP: f64 = 6.0;
/// The least space left of the widest of them.
const VALUE_EDGE: f64 = 2.0;

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
    let (height, right, top, bottom) = (220.0, 14.0, 12.0, 30.0);
    let values: Vec<f64> = chart.rows.iter().map(|r| r.value).collect();
    let lo = values.iter().copied().fold(0.0_f64, f64::min);
    let hi = nice_ceiling(values.iter().copied().fold(f64::MIN_POSITIVE, f64::max));
    // The value axis: three numbers, right-aligned a little left of the
    // plot, which starts where the widest of them leaves room (at 52 at
    // least, room for `10.000`).
    let decimals = if hi - lo >= 10.0 { 0 } else { 1 };
    let ticks: Vec<(f64, String)> = (0..=2)
        .map(|k| {
            let v = lo + (hi - lo) * k as f64 / 2.0;
            (v, format_number(v, decimals, lang))
        })
        .collect();
    let widest = ticks
        .iter()
        .map(|(_, t)| text_width(t, VALUE_SIZE))
        .fold(0.0, f64::max);
    let left = (VALUE_EDGE + widest + VALUE_GAP).ceil().max(52.0);
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
    // The value axis: its numbers and faint lines.
    for (v, t) in &ticks {
        let _ = write!(
            out,
            "<line x1=\"{l}\" y1=\"{y}\" x2=\"{r}\" y2=\"{y}\" stroke=\"currentColor\" stroke-opacity=\"0.3\" stroke-width=\"1\"/><text x=\"{tx}\" y=\"{ty}\" font-size=\"{size}\" text-anchor=\"end\" fill=\"currentColor\">{t}</text>",
            l = n(left),
            r = n(WIDTH - right),
            y = n(y(*v)),
            tx = n(left - VALUE_GAP),
            ty = n(y(*v) + 4.0),
            size = n(VALUE_SIZE),
            t = escape(t),
        );
    }
    // The time axis: the first, the last and as many periods between as
    // have room.
    let labels: Vec<&str> = chart.rows.iter().map(|r| r.label.as_str()).collect();
    for i in time_ticks(&labels, x, TICK_SIZE) {
        let anchor = if i == 0 && count > 1 {
            "start"
        } else if i + 1 == count && count > 1 {
            "end"
        } else {
            "middle"
        };
        let _ = write!(
            out,
            "<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\" text-anchor=\"{anchor}\" fill=\"currentColor\">{t}</text>",
            x = n(x(i)),
            size = n(TICK_SIZE),
            y = n(height - 10.0),
            t = escape(&chart.rows[i].label),
        );
    }
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{},{}", n(x(i)), n(y(*v))))
        .collect();
    let color = hex(line_colour(chart));
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

/// The colour of a line and its points: the layer's when it reaches 3:1
/// against the card the chart is drawn on (WCAG 2.1 SC 1.4.11, non-text
/// contrast), else the nearest shade of it that does — darker on a light
/// card, lighter on a dark one (mixed towards black or white, so its hue
/// stays). A line in a pale `fill` (the default one, `#9db8d2`, is 2:1 on
/// white) would otherwise fade into the card.
fn line_colour(chart: &ChartData) -> Color {
    // `reaching` keeps a colour that already reaches it (made opaque).
    let card = to_rgba(Color {
        a: 255,
        ..chart.background
    });
    let c = reaching(to_rgba(chart.line_color), card, MIN_CONTRAST);
    Color::rgb(c.r, c.g, c.b)
}

/// Which periods the time axis names: as many as fit side by side without
/// overlapping (their widths estimated, [`text_width`], at least half an
/// em apart), evenly spaced, and always the first and the last (periods
/// just before the last make way for it), as chart libraries skip tick
/// labels that would collide. `x` places period `i`; the first label
/// starts there, the last ends there, the others are centred.
fn time_ticks(labels: &[&str], x: impl Fn(usize) -> f64, size: f64) -> Vec<usize> {
    let count = labels.len();
    if count < 2 {
        return (0..count).collect();
    }
    let span = |i: usize| {
        let (w, at) = (text_width(labels[i], size), x(i));
        if i == 0 {
            (at, at + w)
        } else if i + 1 == count {
            (at - w, at)
        } else {
            (at - w / 2.0, at + w / 2.0)
        }
    };
    let apart = |a: usize, b: usize| span(a).1 + size * TICK_GAP <= span(b).0;
    let last = count - 1;
    for every in 1..count {
        let mut ticks: Vec<usize> = (0..count).step_by(every).collect();
        if ticks.last() != Some(&last) {
            ticks.push(last);
        }
        while ticks.len() > 2 && !apart(ticks[ticks.len() - 2], last) {
            ticks.remove(ticks.len() - 2);
        }
        if ticks.windows(2).all(|p| apart(p[0], p[1])) {
            return ticks;
        }
    }
    // Not even the first and the last fit beside each other: the first
    // alone (the table names every period).
    vec![0]
}

/// The estimated width of `text` in a sans-serif font of `size`: the
/// reader's font is not known when the story is built, so each character
/// counts a little more than its advance in common sans-serif fonts
/// (Arial, Helvetica, Roboto: digits 0.56 em).
fn text_width(text: &str, size: f64) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 0.3,
            ' ' | 'f' | 't' | 'r' | '(' | ')' | '-' | '/' => 0.4,
            'm' | 'w' | 'M' | 'W' | '%' | '@' | '—' => 0.95,
            c if c.is_uppercase() => 0.75,
            c if (c as u32) >= 0x2e80 => 1.0,
            _ => 0.6,
        })
        .sum();
    em * size
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
    use twinstory_scene::palette::contrast;

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
            background: Color::rgb(255, 255, 255),
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

    /// Every `<text>` of `svg`: where it starts and ends (its width
    /// estimated as the writer does, its `text-anchor` taken into
    /// account) and its text.
    fn text_boxes(svg: &str) -> Vec<(f64, f64, String)> {
        svg.split("<text ")
            .skip(1)
            .map(|t| {
                let attr = |name: &str| {
                    t.split('>')
                        .next()
                        .unwrap()
                        .split(&format!("{name}=\""))
                        .nth(1)
                        .and_then(|v| v.split('"').next())
                };
                let x: f64 = attr("x").unwrap().parse().unwrap();
                let size: f64 = attr("font-size").unwrap().parse().unwrap();
                let text = t.split('>').nth(1).unwrap().split('<').next().unwrap();
                let w = text_width(text, size);
                let start = match attr("text-anchor").unwrap_or("start") {
                    "end" => x - w,
                    "middle" => x - w / 2.0,
                    _ => x,
                };
                (start, start + w, text.to_owned())
            })
            .collect()
    }

    #[test]
    fn large_values_on_the_value_axis_stay_inside_the_drawing() {
        for (values, lang, widest) in [
            ([1_234_567.0, 250_000.0], "de", "2.000.000"),
            ([25_000_000.0, 3.0], "de", "25.000.000"),
            ([-1_500_000.0, 2_400_000.0], "en", "-1,500,000"),
            ([1500.0, 20.0], "de", "2.000"),
        ] {
            let mut c = chart(ChartKind::Line);
            c.rows[0].value = values[0];
            c.rows[1].value = values[1];
            let svg = chart_html(&c, lang);
            let boxes = text_boxes(&svg);
            assert!(boxes.iter().any(|b| b.2 == widest), "{boxes:?}");
            for (start, end, text) in &boxes {
                assert!(
                    *start >= 0.0 && *end <= WIDTH,
                    "{values:?}: `{text}` runs from x {start:.1} to {end:.1}, outside 0 to {WIDTH}"
                );
            }
            // The plot fills the rest of the width: from the value axis'
            // lines (right of its numbers) to the right margin.
            let left: f64 = svg
                .split("<line x1=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let points = svg
                .split("<polyline points=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let xs: Vec<f64> = points
                .split(' ')
                .map(|p| p.split(',').next().unwrap().parse().unwrap())
                .collect();
            assert_eq!(xs, [left, WIDTH - 14.0], "{svg}");
            let numbers_end = boxes
                .iter()
                .filter(|b| b.1 <= left)
                .map(|b| b.1)
                .fold(0.0, f64::max);
            assert!(
                numbers_end > 0.0 && left - numbers_end <= 6.0,
                "{boxes:?}, plot from {left}"
            );
            let wide = boxes.iter().find(|b| b.2 == widest).unwrap();
            assert!(
                wide.0 < 10.0 || left == 52.0,
                "room to spare left of {wide:?}: plot from {left}"
            );
        }
    }

    #[test]
    fn a_pale_line_is_darkened_to_three_to_one_in_its_hue() {
        let mut c = chart(ChartKind::Line);
        // The default fill, 2.05:1 on a white card.
        c.line_color = Color::rgb(0x9d, 0xb8, 0xd2);
        let drawn = line_colour(&c);
        let ratio = contrast(to_rgba(drawn), to_rgba(c.background));
        assert!((3.0..3.3).contains(&ratio), "{drawn:?}: {ratio}");
        // Mixed towards black: the channels keep their proportions.
        let (r, b) = (f64::from(drawn.r), f64::from(drawn.b));
        assert!(
            (r / b - 0x9d as f64 / 0xd2 as f64).abs() < 0.02,
            "{drawn:?}"
        );
        let svg = chart_html(&c, "en");
        let stroke = format!("stroke=\"{}\"", hex(drawn));
        assert!(svg.contains(&stroke), "{svg}");
        assert!(svg.contains(&format!("r=\"3\" fill=\"{}\"", hex(drawn))));
        // A colour that reaches 3:1 is kept; on a dark card a dark line
        // is lightened.
        c.line_color = Color::rgb(0x2f, 0x7d, 0x32);
        assert_eq!(line_colour(&c), c.line_color);
        c.line_color = Color::rgb(0x1d, 0x35, 0x57);
        c.background = Color::rgb(0x20, 0x28, 0x33);
        let light = line_colour(&c);
        assert!(contrast(to_rgba(light), to_rgba(c.background)) >= 3.0);
        assert!(
            light.r > c.line_color.r && light.b > c.line_color.b,
            "{light:?}"
        );
    }

    #[test]
    fn time_labels_are_thinned_to_fit_keeping_the_first_and_the_last() {
        let at = |count: usize| move |i: usize| 52.0 + i as f64 * 334.0 / (count - 1).max(1) as f64;
        let years: Vec<String> = (2000..=2024).map(|y| y.to_string()).collect();
        let years: Vec<&str> = years.iter().map(String::as_str).collect();
        let ticks = time_ticks(&years, at(years.len()), 12.0);
        assert_eq!(ticks, [0, 4, 8, 12, 16, 20, 24]);
        // Few short labels: all of them.
        assert_eq!(time_ticks(&years[..4], at(4), 12.0), [0, 1, 2, 3]);
        // The last stays; the period just before it makes way.
        assert_eq!(
            time_ticks(&years[..24], at(24), 12.0),
            [0, 4, 8, 12, 16, 23]
        );
        // Labels too long for two side by side: the first alone.
        let long = [
            "Eine sehr lange Beschriftung",
            "Und noch eine sehr lange dazu",
        ];
        assert_eq!(time_ticks(&long, at(2), 12.0), [0]);
        assert_eq!(time_ticks(&["2019"], at(1), 12.0), [0]);
        assert!(time_ticks(&[], at(0), 12.0).is_empty());
        // Digits a little wider than Arial's 0.556 em.
        assert_eq!(text_width("2019", 10.0), 24.0);
        assert!(text_width("Mai", 12.0) < text_width("März", 12.0));
    }
}
