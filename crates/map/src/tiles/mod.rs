//! Raster basemap tiles: which tiles of a Web-Mercator tile grid cover the
//! viewport, where each one goes on the screen, and which ones to keep
//! while others load.
//!
//! Only the Web-Mercator grid that XYZ servers use (and WMTS calls
//! WebMercatorQuad or GoogleMapsCompatible, e.g. basemap.de's
//! `GLOBAL_WEBMERCATOR`) is supported: at zoom `z` the world is `2^z × 2^z`
//! tiles, row 0 at the north. The browser shell shows tiles as images and
//! does what [`TileCache::plan`] says; everything that decides is here.
//!
//! Two concerns, one file each: the grid ([`TileGrid::covering`],
//! [`placement`]: which tiles cover a view and where each goes on the
//! screen) and the cache ([`TileCache`]: which tiles to request, show, keep
//! and drop). Tile addresses are `twinstory_model::tile_template`'s: the
//! story parser reads the template once and `story.json` carries it read.

mod cache;
mod grid;

pub use cache::{Plan, Shown, TileCache, TileState};
pub use grid::{placement, Placement, TileCoord, TileGrid, MAX_TILES};
