//! An anti-aliased software rasteriser for draw lists.
//!
//! Why software: in the Chromium these stories are tested in (no GPU), the
//! default Canvas 2D path rendering takes seconds per frame and WebGL runs on
//! a software GPU; a rasteriser in wasm writing one RGBA buffer, shown with a
//! single `putImageData`, reaches ~16 ms frames (see
//! `shared/docs/rendering-facts.md`). It also makes frames deterministic and
//! testable on the host, pixel for pixel.
//!
//! Polygons use signed-area accumulation (as in font rasterisers such as
//! font-rs): every edge adds its exact coverage to a float buffer, a running
//! sum along each row gives the coverage of every pixel, and the non-zero rule
//! is `min(|sum|, 1)`. Strokes are quads of the line width run through the
//! same path; points are pre-computed anti-aliased disc stamps.

use crate::draw_list::{DrawCommand, DrawList};

/// A non-premultiplied sRGB colour with alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rgba {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Alpha (255 = opaque).
    pub a: u8,
}

impl Rgba {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b, a: 255 }
    }

    /// The colour with its alpha multiplied by `opacity` (0–1).
    pub fn with_opacity(self, opacity: f64) -> Self {
        Self {
            a: (self.a as f64 * opacity.clamp(0.0, 1.0)).round() as u8,
            ..self
        }
    }

    #[inline]
    fn pack(self) -> u32 {
        u32::from_le_bytes([self.r, self.g, self.b, self.a])
    }
}

/// An RGBA framebuffer in the byte order `ImageData` expects.
#[derive(Debug, Clone, Default)]
pub struct Framebuffer {
    width: u32,
    height: u32,
    pixels: Vec<u32>,
    acc: Vec<f32>,
    spans: Vec<(u32, u32)>,
    stamp: Stamp,
}

#[derive(Debug, Clone, Default)]
struct Stamp {
    key: (u32, u32, u32, u32, u32),
    size: i32,
    /// Per pixel: premultiplied colour (0–255) and alpha (0–256), row-major over `size²`.
    cells: Vec<[u16; 4]>,
}

const EMPTY_SPAN: (u32, u32) = (u32::MAX, 0);

impl Framebuffer {
    /// A framebuffer of the given size in device pixels.
    pub fn new(width: u32, height: u32) -> Self {
        let mut fb = Self::default();
        fb.resize(width, height);
        fb
    }

    /// Changes the size; contents become undefined until the next paint.
    pub fn resize(&mut self, width: u32, height: u32) {
        if width == self.width && height == self.height {
            return;
        }
        self.width = width;
        self.height = height;
        self.pixels = vec![0; width as usize * height as usize];
        self.acc = vec![0.0; (width as usize + 2) * height as usize];
        self.spans = vec![EMPTY_SPAN; height as usize];
    }

    /// Width in device pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in device pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixels as RGBA bytes, row-major, ready for `ImageData`.
    pub fn as_bytes(&self) -> &[u8] {
        bytemuck::cast_slice(&self.pixels)
    }

    /// The colour of one pixel.
    pub fn pixel(&self, x: u32, y: u32) -> Rgba {
        let [r, g, b, a] = self.pixels[(y * self.width + x) as usize].to_le_bytes();
        Rgba { r, g, b, a }
    }

    /// Paints a whole draw list (resizing to its size first).
    pub fn paint(&mut self, list: &DrawList) {
        self.resize(list.width, list.height);
        self.pixels.fill(list.background.pack());
        for cmd in &list.commands {
            match cmd {
                DrawCommand::Fill { color, paths } => {
                    for p in &list.paths[paths.clone()] {
                        self.accumulate_ring(list.path_verts(p));
                    }
                    self.resolve(*color);
                }
                DrawCommand::Stroke {
                    color,
                    width,
                    paths,
                } => {
                    // Hairlines are drawn one pixel wide with reduced alpha.
                    let (w, color) = if *width < 1.0 {
                        (1.0, color.with_opacity(*width as f64))
                    } else {
                        (*width, *color)
                    };
                    for p in &list.paths[paths.clone()] {
                        self.accumulate_stroke(list.path_verts(p), p.closed, w * 0.5);
                    }
                    self.resolve(color);
                }
                DrawCommand::Points {
                    fill,
                    stroke,
                    radius,
                    stroke_width,
                    points,
                } => {
                    self.prepare_stamp(*fill, *stroke, *radius, *stroke_width);
                    for p in &list.points[points.clone()] {
                        self.stamp_at(*p);
                    }
                }
            }
        }
    }

    fn accumulate_ring(&mut self, verts: &[[f32; 2]]) {
        let n = verts.len();
        for i in 0..n {
            self.line(verts[i], verts[(i + 1) % n]);
        }
    }

    fn accumulate_stroke(&mut self, verts: &[[f32; 2]], closed: bool, half: f32) {
        let n = verts.len();
        let segs = if closed { n } else { n - 1 };
        for i in 0..segs {
            let p = verts[i];
            let q = verts[(i + 1) % n];
            let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
            let len = (dx * dx + dy * dy).sqrt();
            if len < 1e-6 {
                continue;
            }
            // Extend each segment by half the width so joins have no notch.
            let (ux, uy) = (dx / len * half, dy / len * half);
            let (nx, ny) = (-uy, ux);
            let a = [p[0] - ux + nx, p[1] - uy + ny];
            let b = [q[0] + ux + nx, q[1] + uy + ny];
            let c = [q[0] + ux - nx, q[1] + uy - ny];
            let d = [p[0] - ux - nx, p[1] - uy - ny];
            self.line(a, b);
            self.line(b, c);
            self.line(c, d);
            self.line(d, a);
        }
    }

    /// Adds the signed coverage of one edge to the accumulation buffer.
    fn line(&mut self, p0: [f32; 2], p1: [f32; 2]) {
        let h = self.height as f32;
        if (p0[1] - p1[1]).abs() < 1e-6
            || !(p0[0].is_finite() && p0[1].is_finite() && p1[0].is_finite() && p1[1].is_finite())
        {
            return;
        }
        let (dir, p0, p1) = if p0[1] < p1[1] {
            (1.0f32, p0, p1)
        } else {
            (-1.0f32, p1, p0)
        };
        if p1[1] <= 0.0 || p0[1] >= h {
            return;
        }
        let stride = self.width as usize + 2;
        let wmax = self.width as f32;
        let dxdy = (p1[0] - p0[0]) / (p1[1] - p0[1]);
        let ystart = p0[1].max(0.0);
        let mut x = p0[0] + (ystart - p0[1]) * dxdy;
        let y0 = ystart as usize;
        let y1 = (p1[1].min(h).ceil() as usize).min(self.height as usize);
        for y in y0..y1 {
            let row = y * stride;
            let top = (y as f32).max(p0[1]);
            let bottom = ((y + 1) as f32).min(p1[1]);
            let dy = bottom - top;
            let xnext = x + dxdy * dy;
            let d = dy * dir;
            // Clamp horizontally per row: coverage left of the canvas piles up
            // at column 0, right of it in the spare column, keeping sums right.
            let xa = x.clamp(0.0, wmax);
            let xb = xnext.clamp(0.0, wmax);
            let (x0, x1) = if xa < xb { (xa, xb) } else { (xb, xa) };
            let x0floor = x0.floor();
            let x0i = x0floor as usize;
            let x1ceil = x1.ceil();
            let x1i = x1ceil as usize;
            let acc = &mut self.acc;
            if x1i <= x0i + 1 {
                let xmf = 0.5 * (xa + xb) - x0floor;
                acc[row + x0i] += d - d * xmf;
                acc[row + x0i + 1] += d * xmf;
                self.touch(y, x0i, x0i + 1);
            } else {
                let s = (x1 - x0).recip();
                let x0f = x0 - x0floor;
                let a0 = 0.5 * s * (1.0 - x0f) * (1.0 - x0f);
                let x1f = x1 - x1ceil + 1.0;
                let am = 0.5 * s * x1f * x1f;
                acc[row + x0i] += d * a0;
                if x1i == x0i + 2 {
                    acc[row + x0i + 1] += d * (1.0 - a0 - am);
                } else {
                    let a1 = s * (1.5 - x0f);
                    acc[row + x0i + 1] += d * (a1 - a0);
                    for cell in &mut acc[row + x0i + 2..row + x1i - 1] {
                        *cell += d * s;
                    }
                    let a2 = a1 + (x1i - x0i - 3) as f32 * s;
                    acc[row + x1i - 1] += d * (1.0 - a2 - am);
                }
                acc[row + x1i] += d * am;
                self.touch(y, x0i, x1i);
            }
            x = xnext;
        }
    }

    #[inline]
    fn touch(&mut self, y: usize, x0: usize, x1: usize) {
        let s = &mut self.spans[y];
        s.0 = s.0.min(x0 as u32);
        s.1 = s.1.max(x1 as u32);
    }

    /// Turns accumulated coverage into colour and clears the buffer.
    fn resolve(&mut self, color: Rgba) {
        let stride = self.width as usize + 2;
        let w = self.width as usize;
        let alpha = color.a as f32 / 255.0;
        let (cr, cg, cb) = (color.r as u32, color.g as u32, color.b as u32);
        for y in 0..self.height as usize {
            let (s0, s1) = self.spans[y];
            if s0 > s1 {
                continue;
            }
            self.spans[y] = EMPTY_SPAN;
            let row = y * stride;
            let mut sum = 0.0f32;
            for x in s0 as usize..=(s1 as usize).min(stride - 1) {
                sum += self.acc[row + x];
                self.acc[row + x] = 0.0;
                if x >= w {
                    continue;
                }
                let cov = sum.abs().min(1.0) * alpha;
                if cov < 1.0 / 512.0 {
                    continue;
                }
                let px = &mut self.pixels[y * w + x];
                if cov >= 0.998 {
                    *px = color.pack() | 0xff00_0000;
                } else {
                    *px = blend(*px, cr, cg, cb, (cov * 256.0) as u32);
                }
            }
        }
    }

    fn prepare_stamp(&mut self, fill: Rgba, stroke: Option<Rgba>, radius: f32, stroke_width: f32) {
        let stroke_c = stroke.unwrap_or(fill);
        let key = (
            fill.pack(),
            stroke_c.pack(),
            radius.to_bits(),
            stroke_width.to_bits(),
            stroke.is_some() as u32,
        );
        if self.stamp.key == key && !self.stamp.cells.is_empty() {
            return;
        }
        let size = (radius * 2.0).ceil() as i32 + 2;
        let c = size as f32 / 2.0;
        // Reuse the buffer: proportional circles prepare many stamps per frame.
        let mut cells = std::mem::take(&mut self.stamp.cells);
        cells.clear();
        let inner = radius - stroke_width;
        for j in 0..size {
            for i in 0..size {
                let dx = i as f32 + 0.5 - c;
                let dy = j as f32 + 0.5 - c;
                let dist = (dx * dx + dy * dy).sqrt();
                let total = (radius - dist + 0.5).clamp(0.0, 1.0);
                let fill_cov = if stroke.is_some() {
                    (inner - dist + 0.5).clamp(0.0, 1.0).min(total)
                } else {
                    total
                };
                let stroke_cov = total - fill_cov;
                let fa = fill_cov * fill.a as f32 / 255.0;
                let sa = stroke_cov * stroke_c.a as f32 / 255.0;
                let a = fa + sa;
                let pre = |f: u8, s: u8| (f as f32 * fa + s as f32 * sa).round().min(255.0) as u16;
                cells.push([
                    pre(fill.r, stroke_c.r),
                    pre(fill.g, stroke_c.g),
                    pre(fill.b, stroke_c.b),
                    (a * 256.0).round() as u16,
                ]);
            }
        }
        self.stamp = Stamp { key, size, cells };
    }

    fn stamp_at(&mut self, [x, y]: [f32; 2]) {
        let size = self.stamp.size;
        let x0 = (x - size as f32 / 2.0).round() as i32;
        let y0 = (y - size as f32 / 2.0).round() as i32;
        let (w, h) = (self.width as i32, self.height as i32);
        for j in 0..size {
            let py = y0 + j;
            if py < 0 || py >= h {
                continue;
            }
            for i in 0..size {
                let px = x0 + i;
                if px < 0 || px >= w {
                    continue;
                }
                let [r, g, b, a] = self.stamp.cells[(j * size + i) as usize];
                if a == 0 {
                    continue;
                }
                let dst = &mut self.pixels[(py * w + px) as usize];
                if a >= 256 {
                    *dst = u32::from_le_bytes([r as u8, g as u8, b as u8, 255]);
                } else if *dst >> 24 != 255 {
                    // Over a transparent background (a basemap shows through).
                    let pre = |c: u16| c as u32 * 256;
                    *dst = blend_translucent(*dst, pre(r), pre(g), pre(b), a as u32);
                } else {
                    let [dr, dg, db, _] = dst.to_le_bytes();
                    let inv = 256 - a as u32;
                    let mix = |s: u16, d: u8| ((s as u32 + ((d as u32 * inv) >> 8)).min(255)) as u8;
                    *dst = u32::from_le_bytes([mix(r, dr), mix(g, dg), mix(b, db), 255]);
                }
            }
        }
    }
}

/// Blends a colour over a packed pixel with coverage `a` in 0–256.
#[inline]
fn blend(dst: u32, r: u32, g: u32, b: u32, a: u32) -> u32 {
    let [dr, dg, db, da] = dst.to_le_bytes();
    if da != 255 {
        return blend_translucent(dst, r * a, g * a, b * a, a);
    }
    let inv = 256 - a;
    let mix = |s: u32, d: u8| ((s * a + d as u32 * inv) >> 8) as u8;
    u32::from_le_bytes([mix(r, dr), mix(g, dg), mix(b, db), 255])
}

/// Source-over onto a pixel that is not opaque (a transparent background
/// under which a basemap shows). `ImageData` is not premultiplied, so the
/// result is divided by its alpha. The source comes premultiplied:
/// colour × alpha, with colour 0–255 and alpha `a` 0–256.
#[inline(never)]
fn blend_translucent(dst: u32, pr: u32, pg: u32, pb: u32, a: u32) -> u32 {
    let [dr, dg, db, da] = dst.to_le_bytes();
    let a = a.min(256);
    // Both in units of 1 / (255 · 256).
    let dw = da as u32 * (256 - a);
    let den = a * 255 + dw;
    if den == 0 {
        return 0;
    }
    let mix =
        |p: u32, d: u8| ((p.min(255 * 256) * 255 + d as u32 * dw + den / 2) / den).min(255) as u8;
    let out_a = ((den + 128) / 256).min(255) as u8;
    u32::from_le_bytes([mix(pr, dr), mix(pg, dg), mix(pb, db), out_a])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw_list::{DrawCommand, Path};

    fn list(w: u32, h: u32) -> DrawList {
        {
            let mut l = DrawList::new();
            l.width = w;
            l.height = h;
            l.background = Rgba::rgb(255, 255, 255);
            l
        }
    }

    fn add_path(l: &mut DrawList, verts: &[[f32; 2]], closed: bool) -> std::ops::Range<usize> {
        let start = l.verts.len() as u32;
        l.verts.extend_from_slice(verts);
        l.paths.push(Path {
            start,
            end: l.verts.len() as u32,
            closed,
        });
        l.paths.len() - 1..l.paths.len()
    }

    #[test]
    fn fills_a_square_exactly_with_soft_edges() {
        let mut l = list(20, 20);
        let paths = add_path(
            &mut l,
            &[[2.0, 2.0], [12.0, 2.0], [12.0, 12.5], [2.0, 12.5]],
            true,
        );
        l.commands.push(DrawCommand::Fill {
            color: Rgba::rgb(0, 0, 0),
            paths,
        });
        let mut fb = Framebuffer::new(1, 1);
        fb.paint(&l);
        assert_eq!(fb.pixel(5, 5), Rgba::rgb(0, 0, 0));
        assert_eq!(fb.pixel(1, 5), Rgba::rgb(255, 255, 255));
        assert_eq!(fb.pixel(12, 5), Rgba::rgb(255, 255, 255));
        // Row 12 is half covered: mid grey.
        let half = fb.pixel(5, 12);
        assert!((120..=136).contains(&half.r), "{half:?}");
    }

    #[test]
    fn holes_stay_empty_and_winding_does_not_matter_for_single_rings() {
        let mut l = list(20, 20);
        let outer = [[0.0, 0.0], [20.0, 0.0], [20.0, 20.0], [0.0, 20.0]];
        let hole = [[5.0, 5.0], [5.0, 15.0], [15.0, 15.0], [15.0, 5.0]];
        let a = add_path(&mut l, &outer, true);
        let b = add_path(&mut l, &hole, true);
        l.commands.push(DrawCommand::Fill {
            color: Rgba::rgb(0, 0, 200),
            paths: a.start..b.end,
        });
        let mut fb = Framebuffer::new(20, 20);
        fb.paint(&l);
        assert_eq!(fb.pixel(2, 2), Rgba::rgb(0, 0, 200));
        assert_eq!(fb.pixel(10, 10), Rgba::rgb(255, 255, 255));
    }

    #[test]
    fn shapes_partly_off_canvas_are_clipped_not_distorted() {
        let mut l = list(10, 10);
        // A big triangle mostly outside on the left and top.
        let paths = add_path(
            &mut l,
            &[[-100.0, -100.0], [8.0, -100.0], [8.0, 12.0]],
            true,
        );
        l.commands.push(DrawCommand::Fill {
            color: Rgba::rgb(0, 0, 0),
            paths,
        });
        let mut fb = Framebuffer::new(10, 10);
        fb.paint(&l);
        assert_eq!(fb.pixel(7, 1), Rgba::rgb(0, 0, 0));
        assert_eq!(fb.pixel(0, 1), Rgba::rgb(0, 0, 0));
        assert_eq!(fb.pixel(9, 5), Rgba::rgb(255, 255, 255));
        // The hypotenuse crosses row 9 at x ≈ 5.1: left of it is outside.
        assert_eq!(fb.pixel(2, 9), Rgba::rgb(255, 255, 255));
        assert_eq!(fb.pixel(7, 9), Rgba::rgb(0, 0, 0));
    }

    #[test]
    fn strokes_cover_their_width() {
        let mut l = list(20, 20);
        let paths = add_path(&mut l, &[[2.0, 10.0], [18.0, 10.0]], false);
        l.commands.push(DrawCommand::Stroke {
            color: Rgba::rgb(0, 0, 0),
            width: 2.0,
            paths,
        });
        let mut fb = Framebuffer::new(20, 20);
        fb.paint(&l);
        assert_eq!(fb.pixel(10, 9), Rgba::rgb(0, 0, 0));
        assert_eq!(fb.pixel(10, 10), Rgba::rgb(0, 0, 0));
        assert_eq!(fb.pixel(10, 12), Rgba::rgb(255, 255, 255));
    }

    #[test]
    fn points_are_round_with_an_outline() {
        let mut l = list(30, 30);
        l.points.push([15.0, 15.0]);
        l.commands.push(DrawCommand::Points {
            fill: Rgba::rgb(255, 0, 0),
            stroke: Some(Rgba::rgb(0, 0, 0)),
            radius: 6.0,
            stroke_width: 1.5,
            points: 0..1,
        });
        let mut fb = Framebuffer::new(30, 30);
        fb.paint(&l);
        assert_eq!(fb.pixel(15, 15), Rgba::rgb(255, 0, 0));
        let ring = fb.pixel(15, 9);
        assert!(ring.r < 16 && ring.g < 16, "outline is dark: {ring:?}");
        // Corners of the bounding square are outside the circle.
        assert_eq!(fb.pixel(9, 9), Rgba::rgb(255, 255, 255));
    }

    /// Source-over of a non-premultiplied pixel onto an opaque colour.
    fn over(p: Rgba, bg: Rgba) -> Rgba {
        let a = p.a as f64 / 255.0;
        let m = |s: u8, d: u8| (s as f64 * a + d as f64 * (1.0 - a)).round() as u8;
        Rgba::rgb(m(p.r, bg.r), m(p.g, bg.g), m(p.b, bg.b))
    }

    /// Fills, strokes, translucent shapes and point stamps over each other.
    fn busy_list(background: Rgba) -> DrawList {
        let mut l = list(40, 40);
        l.background = background;
        let a = add_path(&mut l, &[[3.3, 4.1], [30.7, 6.2], [18.2, 33.9]], true);
        l.commands.push(DrawCommand::Fill {
            color: Rgba::rgb(200, 40, 40).with_opacity(0.6),
            paths: a,
        });
        let b = add_path(&mut l, &[[0.5, 20.25], [39.5, 22.75]], false);
        l.commands.push(DrawCommand::Stroke {
            color: Rgba::rgb(20, 20, 160).with_opacity(0.7),
            width: 2.5,
            paths: b,
        });
        l.points.extend([[20.3, 20.6], [8.0, 30.0]]);
        l.commands.push(DrawCommand::Points {
            fill: Rgba::rgb(0, 160, 60).with_opacity(0.8),
            stroke: Some(Rgba::rgb(255, 255, 255)),
            radius: 5.5,
            stroke_width: 1.0,
            points: 0..2,
        });
        l
    }

    #[test]
    fn a_transparent_background_composites_like_an_opaque_one() {
        // Painting onto transparency and then over a basemap colour must
        // give what painting onto that colour gives directly.
        for bg in [
            Rgba::rgb(255, 255, 255),
            Rgba::rgb(30, 90, 20),
            Rgba::rgb(0, 0, 0),
        ] {
            let mut direct = Framebuffer::new(1, 1);
            direct.paint(&busy_list(bg));
            let mut layered = Framebuffer::new(1, 1);
            layered.paint(&busy_list(Rgba::default()));
            let mut worst = 0;
            for y in 0..40 {
                for x in 0..40 {
                    let (d, o) = (direct.pixel(x, y), over(layered.pixel(x, y), bg));
                    let diff =
                        d.r.abs_diff(o.r)
                            .max(d.g.abs_diff(o.g))
                            .max(d.b.abs_diff(o.b));
                    worst = worst.max(diff);
                }
            }
            assert!(worst <= 3, "off by {worst} over {bg:?}");
        }
    }

    #[test]
    fn untouched_pixels_stay_transparent_and_covered_ones_keep_their_colour() {
        let mut l = list(10, 10);
        l.background = Rgba::default();
        let paths = add_path(
            &mut l,
            &[[0.0, 0.0], [5.0, 0.0], [5.0, 10.0], [0.0, 10.0]],
            true,
        );
        l.commands.push(DrawCommand::Fill {
            color: Rgba::rgb(200, 100, 0).with_opacity(0.5),
            paths,
        });
        let mut fb = Framebuffer::new(10, 10);
        fb.paint(&l);
        assert_eq!(fb.pixel(8, 5), Rgba::default());
        // Not premultiplied: the colour stays, only alpha is halved.
        let p = fb.pixel(2, 5);
        assert_eq!((p.r, p.g, p.b), (200, 100, 0), "{p:?}");
        assert!((126..=129).contains(&p.a), "{p:?}");
        // Half red over half blue: alpha 3/4, two parts red to one part blue.
        let red = Rgba::rgb(255, 0, 0);
        let mixed = blend(blend(0, 0, 0, 255, 128), red.r as u32, 0, 0, 128);
        let [r, g, b, a] = mixed.to_le_bytes();
        assert!((189..=193).contains(&a), "{a}");
        assert!(
            (168..=172).contains(&r) && g == 0 && (83..=87).contains(&b),
            "{r} {b}"
        );
    }

    #[test]
    fn translucent_colours_blend_with_what_is_below() {
        let mut l = list(10, 10);
        let paths = add_path(
            &mut l,
            &[[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]],
            true,
        );
        l.commands.push(DrawCommand::Fill {
            color: Rgba::rgb(0, 0, 0).with_opacity(0.5),
            paths,
        });
        let mut fb = Framebuffer::new(10, 10);
        fb.paint(&l);
        let p = fb.pixel(5, 5);
        assert!((125..=130).contains(&p.r), "{p:?}");
        assert_eq!(p.a, 255);
    }
}
