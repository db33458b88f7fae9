//! Writing a draw list as an SVG document.
//!
//! The same draw list that the rasteriser paints, so a step's SVG (static
//! fallback, print, social preview) shows exactly what the canvas shows.

use crate::color::Rgba;
use crate::draw_list::{DrawCommand, DrawList};
use std::fmt::Write;

/// Writes the draw list as a standalone SVG document (size in device px).
///
/// # Examples
/// ```
/// use twinstory_map::{DrawList, svg::to_svg};
/// let svg = to_svg(&DrawList::new());
/// assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
/// ```
pub fn to_svg(list: &DrawList) -> String {
    let (w, h) = (list.width, list.height);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="{w}" height="{h}" fill="{}"{}/>"#,
        hex(list.background),
        opacity_attr("fill", list.background)
    );
    for cmd in &list.commands {
        match cmd {
            DrawCommand::Faces { .. } if !crate::SOLID => {}
            DrawCommand::Faces { faces } => {
                // SVG has no depth test: far faces first (painter's order by
                // each face's depth at its middle), near ones over them.
                let mut order: Vec<(f32, usize)> = list.faces[faces.clone()]
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let (mut n, mut sx, mut sy) = (0.0f32, 0.0f32, 0.0f32);
                        for p in &list.paths[f.paths.clone()] {
                            for v in list.path_verts(p) {
                                n += 1.0;
                                sx += v[0];
                                sy += v[1];
                            }
                        }
                        let n = n.max(1.0);
                        (f.w_at(sx / n, sy / n), faces.start + i)
                    })
                    .collect();
                order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                for (_, i) in order {
                    let f = &list.faces[i];
                    let d = path_data(list, f.paths.clone());
                    // An opaque face is outlined in its own colour by half a
                    // pixel, so the anti-aliased edges of neighbouring faces
                    // leave no hairline of background between them (the
                    // rasteriser doubles a face's coverage for the same
                    // reason); a translucent one would darken its edges.
                    let seal = if f.color.a == 255 {
                        format!(
                            r#" stroke="{}" stroke-width="0.5" stroke-linejoin="round""#,
                            hex(f.color)
                        )
                    } else {
                        String::new()
                    };
                    let _ = writeln!(
                        out,
                        r#"<path fill="{}"{}{seal} fill-rule="nonzero" d="{d}"/>"#,
                        hex(f.color),
                        opacity_attr("fill", f.color)
                    );
                }
            }
            DrawCommand::Fill { color, paths } => {
                let d = path_data(list, paths.clone());
                let _ = writeln!(
                    out,
                    r#"<path fill="{}"{} fill-rule="nonzero" d="{d}"/>"#,
                    hex(*color),
                    opacity_attr("fill", *color)
                );
            }
            DrawCommand::Stroke {
                color,
                width,
                paths,
            } => {
                let d = path_data(list, paths.clone());
                let _ = writeln!(
                    out,
                    r#"<path fill="none" stroke="{}"{} stroke-width="{width}" stroke-linejoin="round" d="{d}"/>"#,
                    hex(*color),
                    opacity_attr("stroke", *color)
                );
            }
            DrawCommand::Points {
                fill,
                stroke,
                radius,
                stroke_width,
                points,
            } => {
                let stroke_attrs = match stroke {
                    Some(s) => format!(
                        r#" stroke="{}"{} stroke-width="{stroke_width}""#,
                        hex(*s),
                        opacity_attr("stroke", *s)
                    ),
                    None => String::new(),
                };
                let _ = writeln!(
                    out,
                    r#"<g fill="{}"{}{stroke_attrs}>"#,
                    hex(*fill),
                    opacity_attr("fill", *fill)
                );
                // The outline sits inside the radius, as in the rasteriser.
                let r = radius - stroke_width / 2.0;
                for [x, y] in &list.points[points.clone()] {
                    let _ = writeln!(out, r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.2}"/>"#);
                }
                out.push_str("</g>\n");
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

/// A placed label for [`to_svg_with_labels`].
#[derive(Debug, Clone, PartialEq)]
pub struct SvgLabel<'a> {
    /// The text (plain text; escaped here).
    pub text: &'a str,
    /// Its box in CSS px ([`crate::labels::PlacedLabel::rect`]).
    pub rect: crate::labels::LabelBox,
    /// 0–1, the layer's opacity.
    pub opacity: f64,
}

/// The draw list as SVG with labels on top as `<text>` with a white halo,
/// as the player shows them. `dpr` converts the labels' CSS px to the draw
/// list's device px; `font_px` is the label font size in CSS px.
///
/// # Examples
/// ```
/// use twinstory_map::{DrawList, svg::{to_svg_with_labels, SvgLabel}};
/// let label = SvgLabel { text: "Kita <Süd>", rect: [10.0, 10.0, 80.0, 30.0], opacity: 1.0 };
/// let svg = to_svg_with_labels(&DrawList::new(), &[label], 2.0, 13.0);
/// assert!(svg.contains(">Kita &lt;Süd&gt;</text>") && svg.ends_with("</svg>\n"));
/// ```
pub fn to_svg_with_labels(
    list: &DrawList,
    labels: &[SvgLabel<'_>],
    dpr: f64,
    font_px: f64,
) -> String {
    let mut out = to_svg(list);
    out.truncate(out.len() - "</svg>\n".len());
    let size = font_px * dpr;
    for l in labels {
        let text = l
            .text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        // The box is centred on the text: the middle, with a central baseline.
        let x = (l.rect[0] + l.rect[2]) / 2.0 * dpr;
        let y = (l.rect[1] + l.rect[3]) / 2.0 * dpr;
        let _ = writeln!(
            out,
            r##"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" dominant-baseline="central" font-family="system-ui, sans-serif" font-weight="600" font-size="{size:.1}" fill="#1d2330" stroke="#ffffff" stroke-width="{:.1}" stroke-linejoin="round" paint-order="stroke" opacity="{:.2}">{text}</text>"##,
            2.0 * dpr,
            l.opacity.clamp(0.0, 1.0)
        );
    }
    out.push_str("</svg>\n");
    out
}

fn path_data(list: &DrawList, paths: std::ops::Range<usize>) -> String {
    let mut d = String::new();
    for p in &list.paths[paths] {
        for (i, [x, y]) in list.path_verts(p).iter().enumerate() {
            let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
        }
        if p.closed {
            d.push('Z');
        }
    }
    d
}

fn hex(c: Rgba) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

fn opacity_attr(what: &str, c: Rgba) -> String {
    if c.a == 255 {
        String::new()
    } else {
        format!(r#" {what}-opacity="{:.3}""#, c.a as f64 / 255.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw_list::Path;

    #[test]
    fn writes_fills_strokes_and_points() {
        let mut l = DrawList::new();
        l.width = 100;
        l.height = 50;
        l.background = Rgba::rgb(255, 255, 255);
        l.verts = vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]];
        l.paths = vec![Path {
            start: 0,
            end: 3,
            closed: true,
        }];
        l.points = vec![[5.0, 5.0]];
        l.commands = vec![
            DrawCommand::Fill {
                color: Rgba::rgb(255, 0, 0).with_opacity(0.5),
                paths: 0..1,
            },
            DrawCommand::Stroke {
                color: Rgba::rgb(0, 0, 0),
                width: 2.0,
                paths: 0..1,
            },
            DrawCommand::Points {
                fill: Rgba::rgb(0, 0, 255),
                stroke: None,
                radius: 3.0,
                stroke_width: 0.0,
                points: 0..1,
            },
        ];
        let svg = to_svg(&l);
        assert!(svg.contains(r##"fill="#ff0000" fill-opacity="0.502""##));
        assert!(svg.contains("M0.0 0.0L10.0 0.0L10.0 10.0Z"));
        assert!(svg.contains(r#"stroke-width="2""#));
        assert!(svg.contains(r#"<circle cx="5.0" cy="5.0" r="3.00"/>"#));
    }

    #[test]
    fn raised_blocks_are_written_far_to_near() {
        use crate::draw_list::{Extrusion, LayerPaint};
        use crate::{Camera, PreparedLayer, Transform, Viewport};
        use geo::{polygon, Geometry};
        let block = |lat: f64| {
            Geometry::Polygon(polygon![
                (x: 10.0, y: lat), (x: 10.0004, y: lat),
                (x: 10.0004, y: lat + 0.0003), (x: 10.0, y: lat + 0.0003)
            ])
        };
        // Feature 0 in front (south), feature 1 behind it.
        let (front, back) = (block(53.55), block(53.5508));
        let layer = PreparedLayer::from_geometries([Some(&front), Some(&back)]);
        let paint = LayerPaint {
            stroke: None,
            feature_fill: Some(vec![Some(Rgba::rgb(255, 0, 0)), Some(Rgba::rgb(0, 0, 255))]),
            extrude: Some(Extrusion {
                top: vec![50.0, 50.0],
                base: vec![],
            }),
            ..LayerPaint::default()
        };
        let vp = Viewport {
            width: 400.0,
            height: 300.0,
            dpr: 1.0,
        };
        let cam = Camera::new([10.0002, 53.5505], 16.5).with_pitch(60.0);
        let mut l = DrawList::new();
        l.build(
            [(&layer, &paint)],
            &Transform::new(&cam, &vp),
            &vp,
            Rgba::rgb(255, 255, 255),
        );
        let svg = to_svg(&l);
        let is_back = |line: &str| line.contains("fill=\"#0000") || line.contains("fill=\"#0000ff");
        let lines: Vec<&str> = svg.lines().filter(|l| l.starts_with("<path")).collect();
        let last_back = lines.iter().rposition(|l| is_back(l));
        let first_front = lines.iter().position(|l| !is_back(l));
        assert!(lines.len() >= 4, "{svg}");
        assert!(last_back < first_front, "{svg}");
    }
}
