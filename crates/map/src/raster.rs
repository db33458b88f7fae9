//! An anti-aliased software rasteriser for draw lists.
//!
//! Why software: in the Chromium without GPU that the stories are tested
//! in, Canvas 2D paths take seconds per frame and WebGL runs on a software
//! GPU, while a rasteriser in wasm writing one RGBA buffer, shown with a
//! single `putImageData`, reaches about 16 ms frames (the measurements are
//! in `ARCHITECTURE.md`, section `crates/map`). It also makes frames
//! deterministic and testable on the host, pixel for pixel.
//!
//! Polygons use signed-area accumulation (as in font rasterisers such as
//! font-rs): every edge adds its exact coverage to a float buffer, a running
//! sum along each row gives the coverage of every pixel, and the non-zero rule
//! is `min(|sum|, 1)`; resolving skips or block-fills the 16-px blocks no
//! edge touched. Strokes do not go through that path: each segment covers
//! the pixels within half the line width of it (round joins and caps), and
//! a stroke's segments are united by maximum coverage, so joins are not
//! painted twice. Points are pre-computed anti-aliased disc stamps.

use crate::color::Rgba;
use crate::draw_list::{DrawCommand, DrawList, Face};

/// The largest point radius drawn, in device pixels (larger ones are drawn
/// at this size).
const MAX_STAMP_RADIUS: f32 = 1024.0;

/// An RGBA framebuffer in the byte order `ImageData` expects.
#[derive(Debug, Clone, Default)]
pub struct Framebuffer {
    width: u32,
    height: u32,
    pixels: Vec<u32>,
    acc: Vec<f32>,
    /// Per row: the first and last accumulation column an edge touched.
    spans: Vec<(u32, u32)>,
    /// Per row: one bit per [`BLOCK`] columns an edge touched. Columns of
    /// untouched blocks hold no coverage change, so resolving skips them
    /// or fills them with one colour (polygon interiors).
    blocks: Vec<u64>,
    /// `u64` words of `blocks` per row.
    block_words: usize,
    /// Stroke coverage per pixel (0–255), the union of a stroke's segments.
    line_cov: Vec<u8>,
    /// Pixels with non-zero `line_cov`, in the order they were first touched.
    line_touched: Vec<u32>,
    /// One bit per pixel: positions a dense point command already stamped.
    seen: Vec<u64>,
    /// Per pixel: the perspective factor of the nearest raised face drawn
    /// there (0: none yet), the depth test of [`DrawCommand::Faces`].
    depth: Vec<f32>,
    stamp: Stamp,
}

/// Columns per entry of the touched-block bitmask.
const BLOCK_SHIFT: u32 = 4;
const BLOCK: usize = 1 << BLOCK_SHIFT;

#[derive(Debug, Clone, Default)]
struct Stamp {
    key: (u32, u32, u32, u32, u32, u32),
    size: i32,
    /// Per pixel: premultiplied colour (0–255) and alpha (0–256), row-major over `size²`.
    cells: Vec<[u16; 4]>,
    /// The covered cells as (offset in the framebuffer from the stamp's
    /// top-left pixel, cell), for stamps wholly inside the canvas.
    spots: Vec<(u32, [u16; 4])>,
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
        let stride = width as usize + 2;
        self.acc = vec![0.0; stride * height as usize];
        self.spans = vec![EMPTY_SPAN; height as usize];
        self.block_words = stride.div_ceil(BLOCK).div_ceil(64);
        self.blocks = vec![0; self.block_words * height as usize];
        self.line_cov = vec![0; width as usize * height as usize];
        self.line_touched.clear();
        self.depth.clear();
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
        Rgba::unpack(self.pixels[(y * self.width + x) as usize])
    }

    /// Copies the columns `from..to` of every row of `src` into this
    /// buffer, starting at column `at` (a compare step: the left side's
    /// picture beside or under the right side's). Clipped to both buffers;
    /// rows past the shorter buffer are left alone.
    ///
    /// # Examples
    ///
    /// ```
    /// use twinstory_map::{Framebuffer, Rgba};
    /// let (mut a, mut b) = (Framebuffer::new(4, 2), Framebuffer::new(4, 2));
    /// a.fill_columns(0, 4, Rgba::rgb(255, 0, 0));
    /// b.fill_columns(0, 4, Rgba::rgb(0, 0, 255));
    /// a.copy_columns(&b, 0, 2, 1);
    /// assert_eq!(a.pixel(0, 1), Rgba::rgb(255, 0, 0));
    /// assert_eq!(a.pixel(2, 1), Rgba::rgb(0, 0, 255));
    /// assert_eq!(a.pixel(3, 0), Rgba::rgb(255, 0, 0));
    /// // Past either edge nothing is copied, and nothing panics.
    /// a.copy_columns(&b, 3, 9, 4);
    /// ```
    pub fn copy_columns(&mut self, src: &Framebuffer, from: u32, to: u32, at: u32) {
        let to = to.min(src.width);
        let n = to.saturating_sub(from).min(self.width.saturating_sub(at)) as usize;
        if n == 0 {
            return;
        }
        let (sw, dw) = (src.width as usize, self.width as usize);
        for y in 0..self.height.min(src.height) as usize {
            let s = y * sw + from as usize;
            let d = y * dw + at as usize;
            self.pixels[d..d + n].copy_from_slice(&src.pixels[s..s + n]);
        }
    }

    /// Paints the columns `from..to` (clipped) of every row in one colour:
    /// the line between a compare step's two sides.
    pub fn fill_columns(&mut self, from: u32, to: u32, color: Rgba) {
        let to = to.min(self.width) as usize;
        let from = (from as usize).min(to);
        let (w, c) = (self.width as usize, color.pack());
        for row in self.pixels.chunks_exact_mut(w.max(1)) {
            row[from..to].fill(c);
        }
    }

    /// Paints a whole draw list (resizing to its size first).
    pub fn paint(&mut self, list: &DrawList) {
        self.resize(list.width, list.height);
        self.pixels.fill(list.background.pack());
        if crate::SOLID && !list.faces.is_empty() {
            self.depth.clear();
            self.depth.resize(self.pixels.len(), 0.0);
        }
        for cmd in &list.commands {
            match cmd {
                DrawCommand::Faces { .. } if !crate::SOLID => {}
                DrawCommand::Faces { faces } => {
                    for f in &list.faces[faces.clone()] {
                        let (mut y0, mut y1) = (f32::INFINITY, f32::NEG_INFINITY);
                        for p in &list.paths[f.paths.clone()] {
                            let verts = list.path_verts(p);
                            for v in verts {
                                y0 = y0.min(v[1]);
                                y1 = y1.max(v[1]);
                            }
                            self.accumulate_ring(verts);
                        }
                        self.resolve_face(f, y0, y1);
                    }
                }
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
                        self.stroke_path(list.path_verts(p), p.closed, w * 0.5);
                    }
                    self.resolve_strokes(color);
                }
                DrawCommand::Points {
                    fill,
                    stroke,
                    radius,
                    stroke_width,
                    points,
                } => {
                    self.prepare_stamp(*fill, *stroke, *radius, *stroke_width);
                    let pts = &list.points[points.clone()];
                    let (w, h) = (self.width as usize, self.height as usize);
                    if pts.len() * 8 < w * h {
                        for p in pts {
                            self.stamp_at(*p);
                        }
                    } else {
                        // Dense layers: a stamp at a pixel position already
                        // stamped by this command would paint the same
                        // pixels again, so each position is stamped once.
                        let mut seen = std::mem::take(&mut self.seen);
                        seen.clear();
                        seen.resize((w * h).div_ceil(64), 0);
                        for p in pts {
                            // Keyed by the stamp's top-left pixel (which may
                            // lie off the canvas by up to the stamp's size).
                            let (x0, y0) = self.stamp_origin(*p);
                            let size = self.stamp.size;
                            let (x, y) = (x0 + size / 2, y0 + size / 2);
                            if x >= 0 && y >= 0 && (x as usize) < w && (y as usize) < h {
                                let i = y as usize * w + x as usize;
                                let bit = 1u64 << (i & 63);
                                if seen[i >> 6] & bit != 0 {
                                    continue;
                                }
                                seen[i >> 6] |= bit;
                            }
                            self.stamp_at(*p);
                        }
                        self.seen = seen;
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

    /// Adds a path's segments to the stroke coverage. Each segment covers
    /// the pixels within `half` of it (round caps and joins); overlapping
    /// segments take the larger coverage, so joins are not drawn twice.
    fn stroke_path(&mut self, verts: &[[f32; 2]], closed: bool, half: f32) {
        let n = verts.len();
        let segs = if closed { n } else { n.saturating_sub(1) };
        for i in 0..segs {
            self.stroke_segment(verts[i], verts[(i + 1) % n], half);
        }
    }

    fn stroke_segment(&mut self, a: [f32; 2], b: [f32; 2], half: f32) {
        if !(a[0].is_finite() && a[1].is_finite() && b[0].is_finite() && b[1].is_finite()) {
            return;
        }
        let (w, h) = (self.width as i32, self.height as i32);
        // Pixel centres further than this from the segment get no coverage.
        let reach = half + 0.5;
        // Cull segments whose box misses the canvas.
        if a[0].max(b[0]) + reach < 0.0
            || a[1].max(b[1]) + reach < 0.0
            || a[0].min(b[0]) - reach > w as f32
            || a[1].min(b[1]) - reach > h as f32
        {
            return;
        }
        // Walk the major axis; `(u, v)` are (x, y) or (y, x).
        let major_x = (b[0] - a[0]).abs() >= (b[1] - a[1]).abs();
        let (au, av, bu, bv, ulim, vlim) = if major_x {
            (a[0], a[1], b[0], b[1], w, h)
        } else {
            (a[1], a[0], b[1], b[0], h, w)
        };
        let (du, dv) = (bu - au, bv - av);
        let len2 = du * du + dv * dv;
        let inv_len2 = if len2 > 1e-12 { len2.recip() } else { 0.0 };
        let slope = if du.abs() > 1e-6 { dv / du } else { 0.0 };
        let u0 = ((au.min(bu) - reach - 0.5).floor() as i32).max(0);
        let u1 = ((au.max(bu) + reach - 0.5).ceil() as i32).min(ulim - 1);
        let (vmin, vmax) = (av.min(bv), av.max(bv));
        for u in u0..=u1 {
            let uc = u as f32 + 0.5;
            // The segment's centre line at this column, kept within its ends.
            let vc = (av + (uc - au) * slope).clamp(vmin, vmax);
            let v0 = ((vc - reach - 0.5).floor() as i32).max(0);
            let v1 = ((vc + reach - 0.5).ceil() as i32).min(vlim - 1);
            let pu = uc - au;
            let pudu = pu * du;
            for v in v0..=v1 {
                // Distance from the pixel centre to the segment.
                let pv = v as f32 + 0.5 - av;
                let t = ((pudu + pv * dv) * inv_len2).clamp(0.0, 1.0);
                let (eu, ev) = (pu - t * du, pv - t * dv);
                let dist = (eu * eu + ev * ev).sqrt();
                let cov = half + 0.5 - dist;
                if cov <= 0.0 {
                    continue;
                }
                let c = (cov.min(1.0) * 255.0) as u8;
                let idx = if major_x {
                    v as usize * w as usize + u as usize
                } else {
                    u as usize * w as usize + v as usize
                };
                let cell = &mut self.line_cov[idx];
                if *cell == 0 {
                    self.line_touched.push(idx as u32);
                }
                *cell = (*cell).max(c);
            }
        }
    }

    /// Paints the accumulated coverage of one raised face where it is
    /// nearer than what earlier faces drew, and clears the coverage of the
    /// rows `y0..=y1` (the face's). A pixel at least half covered keeps the
    /// face's depth, so the anti-aliased rim of a face does not hide what
    /// lies behind it.
    ///
    /// Coverage counts double (a half-covered pixel is painted solid): two
    /// faces that share an edge (a building's neighbouring walls, a wall
    /// and its roof) each cover part of the edge's pixels, and blending
    /// both by their part would let the background show through as a
    /// light seam. Doubled, one of them always paints the pixel solid; the
    /// outer edges stay anti-aliased, half a pixel fuller.
    fn resolve_face(&mut self, face: &Face, y0: f32, y1: f32) {
        let stride = self.width as usize + 2;
        let w = self.width as usize;
        let h = self.height as usize;
        if !(y0.is_finite() && y1.is_finite()) || y1 < 0.0 || y0 >= h as f32 {
            return;
        }
        let color = face.color;
        let alpha = color.a as f32 / 255.0;
        let (cr, cg, cb) = (color.r as u32, color.g as u32, color.b as u32);
        let solid = color.pack() | 0xff00_0000;
        let words = self.block_words;
        let (r0, r1) = (y0.max(0.0) as usize, (y1.ceil() as usize).min(h - 1));
        for y in r0..=r1 {
            let (s0, s1) = self.spans[y];
            if s0 > s1 {
                continue;
            }
            self.spans[y] = EMPTY_SPAN;
            self.blocks[y * words..(y + 1) * words].fill(0);
            let row = y * stride;
            let yc = y as f32 + 0.5;
            let mut sum = 0.0f32;
            for x in s0 as usize..=(s1 as usize).min(stride - 1) {
                sum += self.acc[row + x];
                self.acc[row + x] = 0.0;
                if x >= w {
                    continue;
                }
                let cov = sum.abs();
                if cov * alpha < 1.0 / 512.0 {
                    continue;
                }
                let i = y * w + x;
                let near = face.w_at(x as f32 + 0.5, yc);
                if near < self.depth[i] {
                    continue;
                }
                if cov >= 0.5 {
                    self.depth[i] = near;
                }
                let a = (cov * 2.0).min(1.0) * alpha;
                let px = &mut self.pixels[i];
                *px = if a >= 0.998 {
                    solid
                } else {
                    blend(*px, cr, cg, cb, (a * 256.0) as u32)
                };
            }
        }
    }

    /// Paints the accumulated stroke coverage in one colour and clears it.
    fn resolve_strokes(&mut self, color: Rgba) {
        let alpha = color.a as u32;
        let (cr, cg, cb) = (color.r as u32, color.g as u32, color.b as u32);
        let solid = color.pack() | 0xff00_0000;
        for &idx in &self.line_touched {
            let cell = &mut self.line_cov[idx as usize];
            // Coverage × alpha in 0–256.
            let a = (*cell as u32 * alpha + 127) / 254;
            *cell = 0;
            let px = &mut self.pixels[idx as usize];
            if a >= 256 {
                *px = solid;
            } else if a > 0 {
                *px = blend(*px, cr, cg, cb, a);
            }
        }
        self.line_touched.clear();
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
        let row = &mut self.blocks[y * self.block_words..(y + 1) * self.block_words];
        let (b0, b1) = (x0 >> BLOCK_SHIFT, x1 >> BLOCK_SHIFT);
        if b0 == b1 {
            row[b0 >> 6] |= 1 << (b0 & 63);
        } else {
            for b in b0..=b1 {
                row[b >> 6] |= 1 << (b & 63);
            }
        }
    }

    /// Turns accumulated coverage into colour and clears the buffer.
    ///
    /// Walks each touched row block by block: blocks an edge touched are
    /// resolved pixel by pixel; in the others the running coverage sum is
    /// constant, so they are skipped (outside) or filled in one go (inside).
    fn resolve(&mut self, color: Rgba) {
        let stride = self.width as usize + 2;
        let w = self.width as usize;
        let alpha = color.a as f32 / 255.0;
        let (cr, cg, cb) = (color.r as u32, color.g as u32, color.b as u32);
        let solid = color.pack() | 0xff00_0000;
        let words = self.block_words;
        for y in 0..self.height as usize {
            let (s0, s1) = self.spans[y];
            if s0 > s1 {
                continue;
            }
            self.spans[y] = EMPTY_SPAN;
            let row = y * stride;
            let pixels = &mut self.pixels[y * w..(y + 1) * w];
            let acc = &mut self.acc[row..row + stride];
            let bits = &mut self.blocks[y * words..(y + 1) * words];
            let mut sum = 0.0f32;
            let (b0, b1) = (
                s0 as usize >> BLOCK_SHIFT,
                (s1 as usize).min(stride - 1) >> BLOCK_SHIFT,
            );
            for b in b0..=b1 {
                let x0 = b << BLOCK_SHIFT;
                let word = &mut bits[b >> 6];
                let bit = 1u64 << (b & 63);
                if *word & bit != 0 {
                    *word &= !bit;
                    let x1 = (x0 + BLOCK).min(stride);
                    for x in x0..x1 {
                        sum += acc[x];
                        acc[x] = 0.0;
                        if x >= w {
                            continue;
                        }
                        let cov = sum.abs().min(1.0) * alpha;
                        if cov < 1.0 / 512.0 {
                            continue;
                        }
                        let px = &mut pixels[x];
                        *px = if cov >= 0.998 {
                            solid
                        } else {
                            blend(*px, cr, cg, cb, (cov * 256.0) as u32)
                        };
                    }
                } else {
                    let cov = sum.abs().min(1.0) * alpha;
                    if cov < 1.0 / 512.0 || x0 >= w {
                        continue;
                    }
                    let run = &mut pixels[x0..(x0 + BLOCK).min(w)];
                    if cov >= 0.998 {
                        run.fill(solid);
                    } else {
                        let a = (cov * 256.0) as u32;
                        for px in run {
                            *px = blend(*px, cr, cg, cb, a);
                        }
                    }
                }
            }
        }
    }

    fn prepare_stamp(&mut self, fill: Rgba, stroke: Option<Rgba>, radius: f32, stroke_width: f32) {
        // A story.json is untrusted: a radius of 1e300 must neither overflow
        // the stamp's size nor allocate a stamp larger than any screen.
        let radius = radius.min(MAX_STAMP_RADIUS);
        let stroke_c = stroke.unwrap_or(fill);
        let key = (
            fill.pack(),
            stroke_c.pack(),
            radius.to_bits(),
            stroke_width.to_bits(),
            stroke.is_some() as u32,
            self.width,
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
        let w = self.width as usize;
        let spots = cells
            .iter()
            .enumerate()
            .filter(|(_, c)| c[3] > 0)
            .map(|(k, c)| {
                let (j, i) = (k / size as usize, k % size as usize);
                ((j * w + i) as u32, *c)
            })
            .collect();
        self.stamp = Stamp {
            key,
            size,
            cells,
            spots,
        };
    }

    /// The top-left pixel of the stamp for a point.
    #[inline]
    fn stamp_origin(&self, [x, y]: [f32; 2]) -> (i32, i32) {
        let half = self.stamp.size as f32 / 2.0;
        // floor(v + 0.5) rounds without a library call in wasm.
        (
            (x - half + 0.5).floor() as i32,
            (y - half + 0.5).floor() as i32,
        )
    }

    fn stamp_at(&mut self, p: [f32; 2]) {
        let size = self.stamp.size;
        let (x0, y0) = self.stamp_origin(p);
        let (w, h) = (self.width as i32, self.height as i32);
        if x0 >= 0 && y0 >= 0 && x0 + size <= w && y0 + size <= h {
            // Wholly inside: every covered cell at its offset.
            let base = y0 as usize * w as usize + x0 as usize;
            let pixels = &mut self.pixels[base..];
            for &(offset, cell) in &self.stamp.spots {
                if let Some(d) = pixels.get_mut(offset as usize) {
                    *d = stamp_pixel(*d, cell);
                }
            }
            return;
        }
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
                let c = self.stamp.cells[(j * size + i) as usize];
                let dst = &mut self.pixels[(py * w + px) as usize];
                *dst = stamp_pixel(*dst, c);
            }
        }
    }
}

/// One stamp cell (premultiplied colour, alpha 0–256) over a pixel.
#[inline(always)]
fn stamp_pixel(dst: u32, [r, g, b, a]: [u16; 4]) -> u32 {
    if a == 0 {
        dst
    } else if a >= 256 {
        u32::from_le_bytes([r as u8, g as u8, b as u8, 255])
    } else if dst >> 24 != 255 {
        // Over a transparent background (a basemap shows through).
        let pre = |c: u16| c as u32 * 256;
        blend_translucent(dst, pre(r), pre(g), pre(b), a as u32)
    } else {
        let [dr, dg, db, _] = dst.to_le_bytes();
        let inv = 256 - a as u32;
        let mix = |s: u16, d: u8| ((s as u32 + ((d as u32 * inv) >> 8)).min(255)) as u8;
        u32::from_le_bytes([mix(r, dr), mix(g, dg), mix(b, db), 255])
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

    /// Found by the `story_json` fuzz target: a radius of 7.8e172 (f32::MAX as f32) in a
    /// story.json overflowed the stamp size. Huge radii are drawn bounded.
    #[test]
    fn a_huge_radius_is_drawn_bounded() {
        for radius in [f32::MAX, f32::INFINITY, 1e9] {
            let mut l = list(30, 30);
            l.points.push([15.0, 15.0]);
            l.commands.push(DrawCommand::Points {
                fill: Rgba::rgb(255, 0, 0),
                stroke: Some(Rgba::rgb(0, 0, 0)),
                radius,
                stroke_width: 1.0,
                points: 0..1,
            });
            let mut fb = Framebuffer::new(30, 30);
            fb.paint(&l);
            assert_eq!(fb.pixel(15, 15), Rgba::rgb(255, 0, 0), "radius {radius}");
        }
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
    fn dense_points_paint_like_sparse_ones() {
        // Many points on few pixel positions: stamping each position once
        // gives the same opaque picture as stamping every point.
        let mut l = list(40, 40);
        for i in 0..2000 {
            let k = i % 50;
            l.points.push([
                4.0 + (k % 10) as f32 * 3.3 + (i % 3) as f32 * 0.01,
                5.0 + (k / 10) as f32 * 6.1,
            ]);
        }
        l.commands.push(DrawCommand::Points {
            fill: Rgba::rgb(200, 30, 30),
            stroke: None,
            radius: 1.5,
            stroke_width: 0.0,
            points: 0..2000,
        });
        let mut dense = Framebuffer::new(40, 40);
        dense.paint(&l);
        let mut sparse = Framebuffer::new(40, 40);
        sparse.resize(40, 40);
        sparse.pixels.fill(l.background.pack());
        sparse.prepare_stamp(Rgba::rgb(200, 30, 30), None, 1.5, 0.0);
        for k in 0..50 {
            sparse.stamp_at(l.points[k]);
        }
        for y in 0..40 {
            for x in 0..40 {
                assert_eq!(dense.pixel(x, y), sparse.pixel(x, y), "at {x},{y}");
            }
        }
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
