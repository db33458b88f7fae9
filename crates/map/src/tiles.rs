//! Raster basemap tiles: which tiles of a Web-Mercator tile grid cover the
//! viewport, where each one goes on the screen, their addresses, and which
//! ones to keep while others load.
//!
//! Only the Web-Mercator grid that XYZ servers use (and WMTS calls
//! WebMercatorQuad or GoogleMapsCompatible, e.g. basemap.de's
//! `GLOBAL_WEBMERCATOR`) is supported: at zoom `z` the world is `2^z × 2^z`
//! tiles, row 0 at the north. The browser shell shows tiles as images and
//! does what [`TileCache::plan`] says; everything that decides is here.

use crate::camera::{Camera, Transform, Viewport};

/// The most tiles shown at once; a view that needs more (a server whose
/// `min-zoom` is far above the camera's zoom) shows none.
pub const MAX_TILES: usize = 200;

/// How many levels up a missing tile looks for a loaded parent to show.
const PARENT_LEVELS: u8 = 6;

/// A tile position; `x` is not wrapped, so the world copies east and west
/// of the antimeridian have tiles of their own (`x < 0` or `x ≥ 2^z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileCoord {
    /// Zoom level of the tile grid.
    pub z: u8,
    /// Column, counted eastwards from 180° W (unwrapped).
    pub x: i64,
    /// Row, counted southwards from the northern edge of the world.
    pub y: u32,
}

impl TileCoord {
    /// The column inside `0..2^z` that the server knows the tile by.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::tiles::TileCoord;
    /// assert_eq!(TileCoord { z: 2, x: -1, y: 0 }.wrapped_x(), 3);
    /// assert_eq!(TileCoord { z: 2, x: 5, y: 0 }.wrapped_x(), 1);
    /// ```
    pub fn wrapped_x(&self) -> u32 {
        self.x.rem_euclid(1i64 << self.z) as u32
    }

    /// The tile one level up that contains this one (none at zoom 0).
    pub fn parent(&self) -> Option<TileCoord> {
        (self.z > 0).then(|| TileCoord {
            z: self.z - 1,
            x: self.x.div_euclid(2),
            y: self.y / 2,
        })
    }

    /// The four tiles one level down.
    pub fn children(&self) -> [TileCoord; 4] {
        let (z, x, y) = (self.z + 1, self.x * 2, self.y * 2);
        [
            TileCoord { z, x, y },
            TileCoord { z, x: x + 1, y },
            TileCoord { z, x, y: y + 1 },
            TileCoord {
                z,
                x: x + 1,
                y: y + 1,
            },
        ]
    }
}

/// The tile grid of a server: tile size and the zoom levels it has.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileGrid {
    /// Edge of a tile in CSS px at its own zoom (256 or 512).
    pub tile_size: u32,
    /// Lowest zoom level the server has.
    pub min_zoom: u8,
    /// Highest zoom level the server has; closer views scale its tiles up.
    pub max_zoom: u8,
}

impl TileGrid {
    /// The tile zoom level for a camera zoom: the level whose image pixels
    /// come closest to device pixels. The world is `512·2^zoom` CSS px, so
    /// for 256-px tiles that is camera zoom + 1, one more on a screen with
    /// two device pixels per CSS pixel unless the images are `@2x` ones
    /// (`retina_images`), which carry twice the pixels already. Clamped to
    /// the server's levels.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::tiles::TileGrid;
    /// let g = TileGrid { tile_size: 256, min_zoom: 0, max_zoom: 19 };
    /// assert_eq!(g.zoom_for(11.0, 1.0, false), 12);
    /// assert_eq!(g.zoom_for(11.0, 2.0, false), 13);
    /// assert_eq!(g.zoom_for(11.0, 2.0, true), 12);
    /// assert_eq!(g.zoom_for(19.0, 1.0, false), 19);
    /// ```
    pub fn zoom_for(&self, camera_zoom: f64, dpr: f64, retina_images: bool) -> u8 {
        let image_px = self.tile_size as f64 * if retina_images && dpr > 1.0 { 2.0 } else { 1.0 };
        let ideal = camera_zoom + (512.0 * dpr.max(0.1) / image_px).ln() / std::f64::consts::LN_2;
        // A small bias to the coarser level: images a little blurred beat
        // four times the requests.
        let z = (ideal - 0.1).round();
        z.clamp(self.min_zoom as f64, self.max_zoom.min(30) as f64) as u8
    }

    /// The tiles of level `z` that the viewport shows (rotated with the
    /// camera's bearing), north to south, west to east. Rows beyond the
    /// poles do not exist; columns continue into the world copies. Empty
    /// when more than [`MAX_TILES`] would be needed.
    pub fn covering(&self, camera: &Camera, viewport: &Viewport, z: u8) -> Vec<TileCoord> {
        let t = Transform::new(camera, viewport);
        let (w, h) = (
            viewport.device_width() as f64,
            viewport.device_height() as f64,
        );
        let n = (1u64 << z) as f64;
        let quad = [[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]].map(|c| {
            let [x, y] = t.to_world(c);
            [x * n, y * n]
        });
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for [x, y] in quad {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        if !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite()) {
            return Vec::new();
        }
        let (tx0, tx1) = (x0.floor(), (x1.ceil() - 1.0).max(x0.floor()));
        let (ty0, ty1) = (y0.floor().max(0.0), (y1.ceil() - 1.0).min(n - 1.0));
        if ty1 < ty0 {
            return Vec::new();
        }
        // Rotated views cover at most twice their bounding box in tiles.
        if (tx1 - tx0 + 1.0) * (ty1 - ty0 + 1.0) > 2.0 * MAX_TILES as f64 {
            return Vec::new();
        }
        let axes = [edge_normal(quad[0], quad[1]), edge_normal(quad[1], quad[2])];
        let mut out = Vec::new();
        for ty in ty0 as i64..=ty1 as i64 {
            for tx in tx0 as i64..=tx1 as i64 {
                let (fx, fy) = (tx as f64, ty as f64);
                let square = [
                    [fx, fy],
                    [fx + 1.0, fy],
                    [fx + 1.0, fy + 1.0],
                    [fx, fy + 1.0],
                ];
                if axes.iter().all(|a| overlaps(a, &quad, &square)) {
                    out.push(TileCoord {
                        z,
                        x: tx,
                        y: ty as u32,
                    });
                }
            }
        }
        if out.len() > MAX_TILES {
            out.clear();
        }
        out
    }
}

fn edge_normal(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[1] - b[1], b[0] - a[0]]
}

/// Whether two convex shapes overlap along `axis` (by more than a sliver,
/// so tiles that only touch the viewport's edge are not loaded).
fn overlaps(axis: &[f64; 2], a: &[[f64; 2]; 4], b: &[[f64; 2]; 4]) -> bool {
    let len = (axis[0] * axis[0] + axis[1] * axis[1]).sqrt();
    if len == 0.0 {
        return true;
    }
    let range = |pts: &[[f64; 2]; 4]| {
        pts.iter()
            .map(|p| (p[0] * axis[0] + p[1] * axis[1]) / len)
            .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let (a0, a1) = range(a);
    let (b0, b1) = range(b);
    a0.max(b0) < a1.min(b1) - 1e-6
}

/// Where a tile goes: an element of `tile_size` CSS px square, with its
/// transform origin at its top-left corner, gets
/// `translate(left, top) rotate(rotate deg) scale(scale)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Left of the tile's north-west corner, in CSS px of the map.
    pub left: f64,
    /// Top of the tile's north-west corner, in CSS px of the map.
    pub top: f64,
    /// Scale of the `tile_size` box (1 when the camera zoom makes a tile exactly `tile_size` CSS px).
    pub scale: f64,
    /// Rotation in degrees clockwise (the negated camera bearing).
    pub rotate: f64,
}

/// The screen placement of a tile for a camera (fractional zoom, bearing).
///
/// # Examples
/// ```
/// use twinstory_map::{Camera, Viewport};
/// use twinstory_map::tiles::{placement, TileCoord};
/// // At zoom 0 the world is 512 CSS px, so a zoom-1 tile of 256 px has scale 1.
/// let cam = Camera::new([0.0, 0.0], 0.0);
/// let vp = Viewport { width: 512.0, height: 512.0, dpr: 2.0 };
/// let p = placement(&cam, &vp, TileCoord { z: 1, x: 1, y: 1 }, 256);
/// assert!((p.left - 256.0).abs() < 1e-9 && (p.top - 256.0).abs() < 1e-9);
/// assert!((p.scale - 1.0).abs() < 1e-12);
/// ```
pub fn placement(
    camera: &Camera,
    viewport: &Viewport,
    tile: TileCoord,
    tile_size: u32,
) -> Placement {
    let t = Transform::new(camera, viewport);
    let n = (1u64 << tile.z) as f64;
    let [sx, sy] = t.to_screen([tile.x as f64 / n, tile.y as f64 / n]);
    let dpr = viewport.dpr.max(0.1);
    Placement {
        left: sx / dpr,
        top: sy / dpr,
        scale: t.scale() / dpr / n / tile_size as f64,
        rotate: -camera.bearing,
    }
}

/// One piece of a URL template.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Zoom,
    Column,
    Row,
    /// TMS rows, counted from the south.
    FlippedRow,
    Subdomain,
    Retina,
}

/// A tile address template, checked once and expanded per tile.
#[derive(Debug, Clone, PartialEq)]
pub struct TileTemplate {
    parts: Vec<Part>,
    subdomains: Vec<String>,
}

/// What is wrong with a tile address template.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateError {
    /// A `{…}` that is not a placeholder twinstory knows; `at` is its byte offset.
    Unknown {
        /// The name between the braces.
        name: String,
        /// Byte offset of the `{`.
        at: usize,
    },
    /// A `{` without `}`.
    Unclosed {
        /// Byte offset of the `{`.
        at: usize,
    },
    /// A placeholder for the zoom, the column or the row is missing
    /// (the names of the missing ones, e.g. `["{z}", "{y}"]`).
    Missing(Vec<&'static str>),
    /// `{s}` is used but `subdomains` gives no values.
    NoSubdomains,
}

impl TileTemplate {
    /// Reads a template with `{z}`/`{x}`/`{y}` (or `{-y}`), or the WMTS names
    /// `{TileMatrix}`/`{TileCol}`/`{TileRow}`, and optional `{s}` and `{r}`;
    /// placeholder names are case-insensitive.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::tiles::{TileCoord, TileTemplate};
    /// let t = TileTemplate::parse("https://tile.example.org/{z}/{x}/{y}{r}.png", &[]).unwrap();
    /// let tile = TileCoord { z: 3, x: -1, y: 2 };
    /// assert_eq!(t.url(tile, true), "https://tile.example.org/3/7/2@2x.png");
    /// assert_eq!(t.url(tile, false), "https://tile.example.org/3/7/2.png");
    /// ```
    pub fn parse(url: &str, subdomains: &[String]) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = url;
        let mut offset = 0;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err(TemplateError::Unclosed { at: offset + open });
            };
            let name = &rest[open + 1..open + close];
            let part = match name.to_ascii_lowercase().as_str() {
                "z" | "tilematrix" => Part::Zoom,
                "x" | "tilecol" => Part::Column,
                "y" | "tilerow" => Part::Row,
                "-y" => Part::FlippedRow,
                "s" => Part::Subdomain,
                "r" => Part::Retina,
                _ => {
                    return Err(TemplateError::Unknown {
                        name: name.to_owned(),
                        at: offset + open,
                    })
                }
            };
            parts.push(part);
            offset += open + close + 1;
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        let has = |p: &[Part]| parts.iter().any(|q| p.contains(q));
        let mut missing = Vec::new();
        if !has(&[Part::Zoom]) {
            missing.push("{z}");
        }
        if !has(&[Part::Column]) {
            missing.push("{x}");
        }
        if !has(&[Part::Row, Part::FlippedRow]) {
            missing.push("{y}");
        }
        if !missing.is_empty() {
            return Err(TemplateError::Missing(missing));
        }
        if has(&[Part::Subdomain]) && subdomains.is_empty() {
            return Err(TemplateError::NoSubdomains);
        }
        Ok(Self {
            parts,
            subdomains: subdomains.to_vec(),
        })
    }

    /// Whether the template has `{r}`, i.e. the server has `@2x` images.
    pub fn has_retina(&self) -> bool {
        self.parts.contains(&Part::Retina)
    }

    /// The address of a tile; `retina` puts `@2x` where `{r}` is. Columns
    /// are wrapped into the world, so copies east and west of it load the
    /// same images.
    pub fn url(&self, tile: TileCoord, retina: bool) -> String {
        let x = tile.wrapped_x();
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Zoom => out.push_str(&tile.z.to_string()),
                Part::Column => out.push_str(&x.to_string()),
                Part::Row => out.push_str(&tile.y.to_string()),
                Part::FlippedRow => {
                    out.push_str(&(((1u64 << tile.z) - 1) - tile.y as u64).to_string())
                }
                Part::Subdomain => {
                    let i = (x as usize + tile.y as usize) % self.subdomains.len().max(1);
                    out.push_str(self.subdomains.get(i).map_or("", String::as_str));
                }
                Part::Retina => {
                    if retina {
                        out.push_str("@2x");
                    }
                }
            }
        }
        out
    }
}

/// How far a cached tile is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TileState {
    /// Requested, not yet arrived.
    Loading,
    /// Arrived at this time (ms); fully opaque once its fade is over.
    Loaded(f64),
    /// The server did not deliver it; not asked again while cached.
    Failed,
}

#[derive(Debug)]
struct Entry<T> {
    handle: T,
    state: TileState,
    used: u64,
    visible: bool,
}

/// The cache's tiles, sorted by coordinate (a few hundred at most: a
/// binary search is as quick as hashing and keeps the player small).
#[derive(Debug)]
struct Entries<T>(Vec<(TileCoord, Entry<T>)>);

impl<T> Entries<T> {
    fn find(&self, tile: &TileCoord) -> Result<usize, usize> {
        self.0.binary_search_by(|(c, _)| c.cmp(tile))
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn get(&self, tile: &TileCoord) -> Option<&Entry<T>> {
        self.find(tile).ok().map(|i| &self.0[i].1)
    }
    fn get_mut(&mut self, tile: &TileCoord) -> Option<&mut Entry<T>> {
        self.find(tile).ok().map(|i| &mut self.0[i].1)
    }
    fn insert(&mut self, tile: TileCoord, entry: Entry<T>) {
        match self.find(&tile) {
            Ok(i) => self.0[i].1 = entry,
            Err(i) => self.0.insert(i, (tile, entry)),
        }
    }
    fn remove(&mut self, tile: &TileCoord) -> Option<Entry<T>> {
        self.find(tile).ok().map(|i| self.0.remove(i).1)
    }
    fn iter(&self) -> impl Iterator<Item = (&TileCoord, &Entry<T>)> {
        self.0.iter().map(|(c, e)| (c, e))
    }
    fn iter_mut(&mut self) -> impl Iterator<Item = (&TileCoord, &mut Entry<T>)> {
        self.0.iter_mut().map(|(c, e)| (&*c, e))
    }
}

/// One tile to show this frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shown {
    /// Which tile.
    pub coord: TileCoord,
    /// True for a parent or child shown in place of a wanted tile that is
    /// not ready yet.
    pub fallback: bool,
}

/// What the shell has to do for one frame.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    /// Tiles to request now (wanted and not in the cache).
    pub request: Vec<TileCoord>,
    /// Tiles to show, coarsest first, each to be placed with [`placement`].
    pub show: Vec<Shown>,
    /// Tiles shown before that are not shown now.
    pub hide: Vec<TileCoord>,
}

/// The tiles a map holds (their image elements in the browser), with a
/// bounded, least-recently-used policy: tiles not shown are kept up to
/// `capacity`, so a reader scrolling back sees them at once.
#[derive(Debug)]
pub struct TileCache<T> {
    entries: Entries<T>,
    capacity: usize,
    clock: u64,
}

impl<T> TileCache<T> {
    /// An empty cache that keeps at most `capacity` tiles besides those shown.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Entries(Vec::new()),
            capacity,
            clock: 0,
        }
    }

    /// Number of tiles held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no tile is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The handle of a tile, if held.
    pub fn get(&self, tile: TileCoord) -> Option<&T> {
        self.entries.get(&tile).map(|e| &e.handle)
    }

    /// The state of a tile, if held.
    pub fn state(&self, tile: TileCoord) -> Option<TileState> {
        self.entries.get(&tile).map(|e| e.state)
    }

    /// Adds a tile the last plan requested (state [`TileState::Loading`]);
    /// that plan's `show` already lists it.
    pub fn insert(&mut self, tile: TileCoord, handle: T) {
        self.entries.insert(
            tile,
            Entry {
                handle,
                state: TileState::Loading,
                used: self.clock,
                visible: true,
            },
        );
    }

    /// Records that a tile arrived at `now` (ms).
    pub fn set_loaded(&mut self, tile: TileCoord, now: f64) {
        if let Some(e) = self.entries.get_mut(&tile) {
            e.state = TileState::Loaded(now);
        }
    }

    /// Records that a tile failed; it stays in the cache, so it is not asked for again.
    pub fn set_failed(&mut self, tile: TileCoord) {
        if let Some(e) = self.entries.get_mut(&tile) {
            e.state = TileState::Failed;
        }
    }

    fn ready(&self, tile: TileCoord, now: f64, fade_ms: f64) -> bool {
        matches!(self.state(tile), Some(TileState::Loaded(at)) if now >= at + fade_ms)
    }

    fn loaded(&self, tile: TileCoord) -> bool {
        matches!(self.state(tile), Some(TileState::Loaded(_)))
    }

    /// Plans a frame that wants `wanted` (from [`TileGrid::covering`]) at
    /// time `now`: requests what is missing; shows the wanted tiles and, for
    /// each one that is not yet fully faded in, its nearest loaded parent
    /// or else its loaded children, so the map never flashes empty while
    /// tiles load or the zoom level changes.
    pub fn plan(&mut self, wanted: &[TileCoord], now: f64, fade_ms: f64) -> Plan {
        self.clock += 1;
        let mut plan = Plan::default();
        let mut show: Vec<Shown> = Vec::new();
        for &tile in wanted {
            match self.state(tile) {
                Some(TileState::Failed) => {
                    // Kept (as used), so it is not evicted and asked for again.
                    if let Some(e) = self.entries.get_mut(&tile) {
                        e.used = self.clock;
                    }
                }
                state => {
                    if state.is_none() {
                        plan.request.push(tile);
                    }
                    show.push(Shown {
                        coord: tile,
                        fallback: false,
                    });
                }
            }
            if self.ready(tile, now, fade_ms) {
                continue;
            }
            let mut up = tile.parent();
            let mut found = false;
            for _ in 0..PARENT_LEVELS {
                let Some(p) = up else { break };
                if self.loaded(p) {
                    show.push(Shown {
                        coord: p,
                        fallback: true,
                    });
                    found = true;
                    break;
                }
                up = p.parent();
            }
            if !found && tile.z < 30 {
                for c in tile.children() {
                    if self.loaded(c) {
                        show.push(Shown {
                            coord: c,
                            fallback: true,
                        });
                    }
                }
            }
        }
        // Coarse tiles first, so finer ones are drawn over them; a tile
        // shown both as wanted and as fallback counts as wanted.
        show.sort_unstable_by_key(|s| (s.coord, s.fallback));
        show.dedup_by_key(|s| s.coord);
        show.sort_unstable_by_key(|s| s.coord.z);
        for s in &show {
            if let Some(e) = self.entries.get_mut(&s.coord) {
                e.used = self.clock;
            }
        }
        for (coord, e) in self.entries.iter_mut() {
            let now_visible = e.used == self.clock && e.state != TileState::Failed;
            if e.visible && !now_visible {
                plan.hide.push(*coord);
            }
            e.visible = now_visible;
        }
        plan.hide.sort_unstable();
        plan.show = show;
        plan
    }

    /// Removes the tiles the last plan did not show that are still loading
    /// (obsolete requests, dropped so that they do not delay the tiles that
    /// matter during a flight) and, beyond `capacity`, the least recently shown
    /// loaded or failed ones. Returns their handles, for the shell to drop.
    pub fn evict(&mut self) -> Vec<(TileCoord, T)> {
        let clock = self.clock;
        let mut out: Vec<TileCoord> = self
            .entries
            .iter()
            .filter(|(_, e)| e.state == TileState::Loading && e.used < clock)
            .map(|(c, _)| *c)
            .collect();
        let mut idle: Vec<(u64, TileCoord)> = self
            .entries
            .iter()
            .filter(|(_, e)| e.state != TileState::Loading && e.used < clock)
            .map(|(c, e)| (e.used, *c))
            .collect();
        if idle.len() > self.capacity {
            idle.sort_unstable();
            let extra = idle.len() - self.capacity;
            out.extend(idle[..extra].iter().map(|(_, c)| *c));
        }
        out.into_iter()
            .filter_map(|c| self.entries.remove(&c).map(|e| (c, e.handle)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projection::lonlat_to_world;

    fn grid() -> TileGrid {
        TileGrid {
            tile_size: 256,
            min_zoom: 0,
            max_zoom: 19,
        }
    }

    fn vp(w: f64, h: f64, dpr: f64) -> Viewport {
        Viewport {
            width: w,
            height: h,
            dpr,
        }
    }

    /// Every sampled device pixel of the viewport lies in one of the tiles.
    fn assert_covers(cam: &Camera, v: &Viewport, tiles: &[TileCoord]) {
        let t = Transform::new(cam, v);
        let z = tiles[0].z;
        let n = (1u64 << z) as f64;
        let (w, h) = (v.device_width() as f64, v.device_height() as f64);
        for i in 0..=20 {
            for j in 0..=20 {
                let p = [w * i as f64 / 20.0, h * j as f64 / 20.0];
                let [x, y] = t.to_world(p);
                if !(0.0..1.0).contains(&y) {
                    continue;
                }
                let (tx, ty) = ((x * n).floor() as i64, (y * n).floor() as u32);
                // A sample exactly on a tile edge may belong to the neighbour.
                let near = |c: &TileCoord| (c.x - tx).abs() <= 1 && c.y.abs_diff(ty) <= 1;
                assert!(
                    tiles.iter().any(|c| c.x == tx && c.y == ty)
                        || (tiles.iter().any(near)
                            && ((x * n).fract() < 1e-6 || (y * n).fract() < 1e-6)),
                    "pixel {p:?} (tile {tx}/{ty}) not covered by {tiles:?}"
                );
            }
        }
    }

    #[test]
    fn covers_the_viewport_without_extra_tiles() {
        let cam = Camera::new([9.99, 53.55], 11.0);
        let v = vp(1000.0, 600.0, 1.0);
        let z = grid().zoom_for(cam.zoom, v.dpr, false);
        assert_eq!(z, 12);
        let tiles = grid().covering(&cam, &v, z);
        assert_covers(&cam, &v, &tiles);
        // 1000×600 CSS px of 256-px tiles at scale 1: at most 5×4 (straddling).
        assert!(
            tiles.len() <= 5 * 4 && tiles.len() >= 4 * 3,
            "{}",
            tiles.len()
        );
        for t in &tiles {
            let p = placement(&cam, &v, *t, 256);
            assert!((p.scale - 1.0).abs() < 1e-9);
            // Each tile touches the viewport.
            assert!(
                p.left < 1000.0 && p.left + 256.0 > 0.0 && p.top < 600.0 && p.top + 256.0 > 0.0
            );
        }
    }

    #[test]
    fn rotated_views_skip_tiles_outside_the_turned_rectangle() {
        let v = vp(1200.0, 300.0, 1.0);
        let straight = Camera::new([9.99, 53.55], 12.3);
        let turned = Camera {
            bearing: 45.0,
            ..straight
        };
        let z = grid().zoom_for(turned.zoom, 1.0, false);
        let tiles = grid().covering(&turned, &v, z);
        assert_covers(&turned, &v, &tiles);
        // The bounding box of the turned view holds many tiles the view misses.
        let t = Transform::new(&turned, &v);
        let n = (1u64 << z) as f64;
        let b = t.visible_world_bounds();
        let bbox_tiles = (((b[2] * n).ceil() - (b[0] * n).floor())
            * ((b[3] * n).ceil() - (b[1] * n).floor())) as usize;
        assert!(
            tiles.len() < bbox_tiles * 3 / 4,
            "{} of {bbox_tiles}",
            tiles.len()
        );
        let p = placement(&turned, &v, tiles[0], 256);
        assert_eq!(p.rotate, -45.0);
    }

    #[test]
    fn placement_round_trips_with_the_camera_transform() {
        for bearing in [0.0, 30.0, -120.0] {
            let cam = Camera {
                center: [10.0, 53.5],
                zoom: 10.37,
                bearing,
            };
            let v = vp(800.0, 600.0, 2.0);
            let z = grid().zoom_for(cam.zoom, v.dpr, false);
            let t = Transform::new(&cam, &v);
            for tile in grid().covering(&cam, &v, z) {
                let p = placement(&cam, &v, tile, 256);
                // The tile's south-east corner, placed by the CSS transform.
                let (s, r) = (p.scale * 256.0, p.rotate.to_radians());
                let se_css = [
                    p.left + s * r.cos() - s * r.sin(),
                    p.top + s * r.sin() + s * r.cos(),
                ];
                let n = (1u64 << z) as f64;
                let world = [(tile.x + 1) as f64 / n, (tile.y + 1) as f64 / n];
                let expect = t.to_screen(world);
                assert!((se_css[0] * 2.0 - expect[0]).abs() < 1e-6, "{bearing}");
                assert!((se_css[1] * 2.0 - expect[1]).abs() < 1e-6, "{bearing}");
            }
        }
    }

    #[test]
    fn retina_and_tile_size_pick_the_zoom() {
        let g512 = TileGrid {
            tile_size: 512,
            ..grid()
        };
        assert_eq!(g512.zoom_for(11.0, 1.0, false), 11);
        assert_eq!(grid().zoom_for(11.4, 1.0, false), 12);
        assert_eq!(grid().zoom_for(11.7, 1.0, false), 13);
        assert_eq!(grid().zoom_for(0.0, 1.0, false), 1);
        // Beyond the server's last level, its tiles are scaled up.
        let cam = Camera::new([10.0, 53.5], 20.0);
        let v = vp(400.0, 400.0, 1.0);
        let z = grid().zoom_for(cam.zoom, 1.0, false);
        assert_eq!(z, 19);
        let tiles = grid().covering(&cam, &v, z);
        assert!(tiles.len() <= 4);
        assert!((placement(&cam, &v, tiles[0], 256).scale - 4.0).abs() < 1e-9);
        // Below `min-zoom` far too many tiles would be needed: none.
        let high = TileGrid {
            min_zoom: 14,
            ..grid()
        };
        let cam = Camera::new([10.0, 53.5], 3.0);
        let z = high.zoom_for(3.0, 1.0, false);
        assert_eq!(z, 14);
        assert!(high.covering(&cam, &v, z).is_empty());
    }

    #[test]
    fn antimeridian_views_use_tiles_of_both_world_copies() {
        let cam = Camera::new([179.9, 0.0], 6.0);
        let v = vp(600.0, 400.0, 1.0);
        let z = grid().zoom_for(6.0, 1.0, false);
        let tiles = grid().covering(&cam, &v, z);
        assert_covers(&cam, &v, &tiles);
        let n = 1i64 << z;
        assert!(tiles.iter().any(|t| t.x >= n), "east of 180°: {tiles:?}");
        assert!(tiles.iter().any(|t| t.x < n));
        let tmpl = TileTemplate::parse("https://t/{z}/{x}/{y}.png", &[]).unwrap();
        let east = tiles.iter().find(|t| t.x == n).unwrap();
        assert_eq!(
            tmpl.url(*east, false),
            format!("https://t/{z}/0/{}.png", east.y)
        );
        // Centre the camera on x = 0.5 / n of the east copy and it lands in tile n.
        let w = lonlat_to_world([180.5, 0.0]);
        assert!(w[0] > 1.0);
    }

    #[test]
    fn poles_have_no_rows_beyond_the_world() {
        let cam = Camera::new([0.0, 85.0], 3.0);
        let v = vp(800.0, 800.0, 1.0);
        let z = grid().zoom_for(3.0, 1.0, false);
        let tiles = grid().covering(&cam, &v, z);
        assert!(!tiles.is_empty());
        assert!(tiles.iter().all(|t| t.y < (1 << z)));
        assert_eq!(tiles.iter().map(|t| t.y).min(), Some(0));
        // The whole world at zoom 0 in a wide viewport: copies side by side.
        let cam = Camera::new([0.0, 0.0], 0.0);
        let tiles = grid().covering(&cam, &vp(2000.0, 512.0, 1.0), 1);
        assert_eq!(tiles.len(), 2 * 8);
    }

    #[test]
    fn templates_expand_xyz_wmts_and_tms() {
        let t = |u: &str, s: &[&str]| {
            TileTemplate::parse(u, &s.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        };
        let tile = TileCoord { z: 5, x: 17, y: 10 };
        assert_eq!(
            t(
                "https://{s}.tile.example.org/{z}/{x}/{y}.png",
                &["a", "b", "c"]
            )
            .unwrap()
            .url(tile, false),
            "https://a.tile.example.org/5/17/10.png"
        );
        assert_eq!(
            t("https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe/default/GLOBAL_WEBMERCATOR/{TileMatrix}/{TileRow}/{TileCol}.png", &[])
                .unwrap()
                .url(tile, false),
            "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe/default/GLOBAL_WEBMERCATOR/5/10/17.png"
        );
        assert_eq!(
            t("https://wmts.example.org/wmts?SERVICE=WMTS&REQUEST=GetTile&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX={tilematrix}&TILEROW={tilerow}&TILECOL={tilecol}", &[])
                .unwrap()
                .url(tile, true),
            "https://wmts.example.org/wmts?SERVICE=WMTS&REQUEST=GetTile&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=5&TILEROW=10&TILECOL=17"
        );
        assert_eq!(
            t("https://t/{z}/{x}/{-y}.png", &[])
                .unwrap()
                .url(tile, false),
            "https://t/5/17/21.png"
        );
        assert!(!t("https://t/{z}/{x}/{y}.png", &[]).unwrap().has_retina());
        assert!(t("https://t/{z}/{x}/{y}{r}.png", &[]).unwrap().has_retina());
    }

    #[test]
    fn templates_without_placeholders_say_which_are_missing() {
        assert_eq!(
            TileTemplate::parse("https://t/tiles.png", &[]),
            Err(TemplateError::Missing(vec!["{z}", "{x}", "{y}"]))
        );
        assert_eq!(
            TileTemplate::parse("https://t/{z}/{x}.png", &[]),
            Err(TemplateError::Missing(vec!["{y}"]))
        );
        assert_eq!(
            TileTemplate::parse("https://t/{TileMatrixSet}/{z}/{x}/{y}", &[]),
            Err(TemplateError::Unknown {
                name: "TileMatrixSet".into(),
                at: 10
            })
        );
        assert_eq!(
            TileTemplate::parse("https://t/{z}/{x}/{y", &[]),
            Err(TemplateError::Unclosed { at: 18 })
        );
        assert_eq!(
            TileTemplate::parse("https://{s}.t/{z}/{x}/{y}", &[]),
            Err(TemplateError::NoSubdomains)
        );
    }

    fn c(z: u8, x: i64, y: u32) -> TileCoord {
        TileCoord { z, x, y }
    }

    #[test]
    fn parents_stay_until_their_children_have_faded_in() {
        let mut cache: TileCache<u32> = TileCache::new(10);
        let parent = c(3, 4, 2);
        let kids = parent.children();
        // The parent level was shown and loaded.
        let p = cache.plan(&[parent], 0.0, 200.0);
        assert_eq!(p.request, vec![parent]);
        cache.insert(parent, 0);
        cache.set_loaded(parent, 10.0);
        // Zoom in: the children are requested and the parent stands in.
        let p = cache.plan(&kids, 500.0, 200.0);
        assert_eq!(p.request, kids.to_vec());
        assert_eq!(p.show.len(), 5);
        assert_eq!(
            p.show[0],
            Shown {
                coord: parent,
                fallback: true
            }
        );
        for (i, k) in kids.iter().enumerate() {
            cache.insert(*k, i as u32 + 1);
        }
        cache.set_loaded(kids[0], 600.0);
        let p = cache.plan(&kids, 700.0, 200.0);
        assert_eq!(p.show.len(), 5, "{:?}", p.show);
        assert_eq!(p.show[0].coord, parent);
        assert!(p.request.is_empty());
        // All children arrive; once faded in, the parent goes.
        for k in &kids {
            cache.set_loaded(*k, 800.0);
        }
        let p = cache.plan(&kids, 900.0, 200.0);
        assert!(p.show.iter().any(|s| s.coord == parent));
        let p = cache.plan(&kids, 1000.0, 200.0);
        assert_eq!(p.show.len(), 4);
        assert_eq!(p.hide, vec![parent]);
        // Zoom out again: the parent is cached, shown at once, no request.
        let p = cache.plan(&[parent], 1100.0, 200.0);
        assert!(p.request.is_empty());
        assert_eq!(
            p.show,
            vec![Shown {
                coord: parent,
                fallback: false
            }]
        );
    }

    #[test]
    fn zooming_out_shows_loaded_children_until_the_parent_arrives() {
        let mut cache: TileCache<()> = TileCache::new(10);
        let parent = c(4, 0, 0);
        let kid = parent.children()[3];
        cache.insert(kid, ());
        cache.set_loaded(kid, 0.0);
        cache.plan(&[kid], 100.0, 0.0);
        let p = cache.plan(&[parent], 200.0, 0.0);
        assert_eq!(p.request, vec![parent]);
        assert_eq!(
            p.show,
            vec![
                Shown {
                    coord: parent,
                    fallback: false
                },
                Shown {
                    coord: kid,
                    fallback: true
                }
            ]
        );
    }

    #[test]
    fn failed_tiles_are_not_requested_again_and_fall_back() {
        let mut cache: TileCache<()> = TileCache::new(10);
        let parent = c(2, 1, 1);
        cache.insert(parent, ());
        cache.set_loaded(parent, 0.0);
        let tile = parent.children()[0];
        cache.insert(tile, ());
        cache.set_failed(tile);
        for i in 0..3 {
            let p = cache.plan(&[tile], 100.0 * i as f64, 0.0);
            assert!(p.request.is_empty());
            assert_eq!(
                p.show,
                vec![Shown {
                    coord: parent,
                    fallback: true
                }]
            );
        }
    }

    #[test]
    fn the_cache_is_bounded_and_drops_obsolete_requests() {
        let mut cache: TileCache<u32> = TileCache::new(3);
        for x in 0..6 {
            let t = c(5, x, 0);
            cache.plan(&[t], x as f64, 0.0);
            cache.insert(t, x as u32);
            cache.set_loaded(t, x as f64);
            assert!(cache.evict().is_empty() || x >= 4);
        }
        // A request that was overtaken before it arrived is dropped.
        let slow = c(5, 9, 9);
        cache.plan(&[slow], 10.0, 0.0);
        cache.insert(slow, 99);
        let p = cache.plan(&[c(5, 5, 0)], 11.0, 0.0);
        assert_eq!(p.hide, vec![slow]);
        let evicted = cache.evict();
        assert!(
            evicted.iter().any(|(t, h)| *t == slow && *h == 99),
            "{evicted:?}"
        );
        // Shown tiles are never evicted; at most `capacity` idle ones stay.
        assert!(cache.get(c(5, 5, 0)).is_some());
        assert_eq!(cache.len(), 4);
        // The least recently shown went first.
        assert!(cache.get(c(5, 0, 0)).is_none());
        assert!(cache.get(c(5, 4, 0)).is_some());
    }
}
