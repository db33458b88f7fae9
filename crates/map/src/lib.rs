//! The map core of twinstory: everything between "a story's layers and a
//! camera" and "pixels", without any browser dependency.
//!
//! - [`color`]: the colour type shared by drawing, SVG and styling.
//! - [`projection`]: Web Mercator between longitude/latitude and world units.
//! - [`camera`]: the camera (centre, zoom, bearing), the viewport and the
//!   world-to-screen transform.
//! - [`flight`] and [`fit`]: camera transitions and fitting bounds.
//! - [`geometry`]: planar helpers on coordinate arrays (boxes, winding,
//!   centroid, interior point, distances), one algorithm per file.
//! - [`prepare`]: geometry projected once into world units, with bounding boxes.
//! - [`draw_list`]: a camera plus prepared layers become a list of drawing
//!   commands in device pixels (culled and thinned for the zoom level).
//! - [`raster`]: an anti-aliased software rasteriser that paints a draw list
//!   into an RGBA framebuffer (the browser shows it with one `putImageData`).
//! - [`svg`]: the same draw list written as an SVG document.
//! - [`navigate`]: the reader moving the map (pan, zoom about a point, limits).
//! - [`tiles`]: raster basemap tiles: coverage and placement, addresses,
//!   cache.
//! - [`spatial_index`]: a static packed R-tree (Z-order, flatbush style).
//! - [`hit`]: hit tests at a screen point through a spatial index per layer
//!   (tooltips), plus keyboard stepping between features.
//! - [`labels`]: collision-free label placement (greedy by priority, grid
//!   index, stable between frames).
//!
//! Classification and colour schemes, which decide colours from data, are
//! styling and live in `twinstory-scene` (`classify`, `palette`).

pub mod camera;
pub mod color;
pub mod draw_list;
pub mod easing;
pub mod fit;
pub mod flight;
pub mod geometry;
pub mod hit;
pub mod labels;
pub mod navigate;
pub mod order;
pub mod prepare;
pub mod projection;
pub mod raster;
pub mod solid;
pub mod spatial_index;
pub mod svg;
pub mod tiles;

#[cfg(test)]
mod test_rng;

/// Whether this build draws in 3D (the crate's feature `solid`, on by
/// default): raised polygons and real shapes as depth-tested faces, hit
/// testing and labels on their roofs. The flat base of the player is built
/// without it; its draw list, rasteriser, SVG and hit testing then treat
/// every polygon as flat, whatever its [`LayerPaint::extrude`], and the
/// code behind these branches is left out of the wasm (it is tested with
/// the feature, the default). `twinstory build` ships the flat base only
/// to stories without `extrude`.
pub const SOLID: bool = cfg!(feature = "solid");

pub use camera::{Camera, LonLatBounds, Padding, Transform, Viewport};
pub use color::Rgba;
pub use draw_list::{DrawCommand, DrawList, Emphasis, LayerPaint};
pub use prepare::PreparedLayer;
pub use raster::Framebuffer;
