//! Basemap tiles as a wasm module of its own: `<img>` elements in a box
//! under the map canvas, placed with CSS transforms (as Leaflet does), so
//! the browser decodes, caches and composites them and a frame only writes
//! a few transforms.
//!
//! What to load, show, keep and drop is decided by `twinstory_map::tiles`
//! (host-tested); tile addresses are `twinstory_model::tile_template`'s.
//! The player's base module imports this module only for stories with a
//! `basemap` (`src/modules.rs`), hands it the map's canvas and the story's
//! `basemap` as written in `story.json`, and calls `basemap_update` with
//! the camera of every frame it draws (`src/page.rs`); tile arrivals and
//! fades this module handles by itself. Readers of every other story never
//! download it.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use twinstory_map::tiles::{Placement, TileCoord};
use twinstory_model::decimal::Fixed;

/// The CSS `transform` that puts a tile at `p`, `bleed` times its size (a
/// little more than 1, so that neighbours overlap by half a CSS pixel and
/// no seam shows at fractional zooms and bearings).
///
/// # Examples
/// ```
/// use twinstory_map::tiles::Placement;
/// let p = Placement { left: 10.5, top: -3.25, rotate: 0.0, scale: 1.0 };
/// assert_eq!(
///     twinstory_basemap::transform(&p, 1.0),
///     "translate(10.50px,-3.25px) rotate(0.000deg) scale(1.000000)"
/// );
/// ```
pub fn transform(p: &Placement, bleed: f64) -> String {
    format!(
        "translate({}px,{}px) rotate({}deg) scale({})",
        Fixed(p.left, 2),
        Fixed(p.top, 2),
        Fixed(p.rotate, 3),
        Fixed(p.scale * bleed, 6)
    )
}

/// A tile's coordinates as written in its `data-tile` (`z/x/y`).
///
/// # Examples
/// ```
/// use twinstory_map::tiles::TileCoord;
/// assert_eq!(twinstory_basemap::tile_name(TileCoord { z: 3, x: -1, y: 2 }), "3/-1/2");
/// ```
pub fn tile_name(t: TileCoord) -> String {
    format!("{}/{}/{}", t.z, t.x, t.y)
}

/// Reads a `data-tile` back ([`tile_name`]'s inverse).
///
/// # Examples
/// ```
/// use twinstory_map::tiles::TileCoord;
/// assert_eq!(twinstory_basemap::parse_tile("3/-1/2"), Some(TileCoord { z: 3, x: -1, y: 2 }));
/// assert_eq!(twinstory_basemap::parse_tile("3/1"), None);
/// ```
pub fn parse_tile(d: &str) -> Option<TileCoord> {
    let mut it = d.split('/');
    let z = it.next()?.parse().ok()?;
    let x = it.next()?.parse().ok()?;
    let y = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    Some(TileCoord { z, x, y })
}

#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
pub use page::{basemap_start, basemap_update};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tile_name_reads_back() {
        for z in 0..=22u8 {
            let n = 1i64 << z;
            for (x, y) in [(0, 0), (n - 1, n - 1), (-n, 0), (2 * n - 1, n / 2)] {
                let t = TileCoord { z, x, y: y as u32 };
                assert_eq!(parse_tile(&tile_name(t)), Some(t));
            }
        }
        for bad in ["", "1", "1/2", "1/2/3/4", "a/1/1", "1/1/-1", "300/1/1"] {
            assert_eq!(parse_tile(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_transform_rounds_as_the_screen_needs() {
        let p = Placement {
            left: 1.0 / 3.0,
            top: -2.0 / 3.0,
            rotate: 12.3456,
            scale: 0.5,
        };
        assert_eq!(
            transform(&p, 256.5 / 256.0),
            "translate(0.33px,-0.67px) rotate(12.346deg) scale(0.500977)"
        );
    }
}
