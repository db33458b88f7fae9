//! Planar geometry on plain coordinate arrays, one algorithm per file.
//!
//! Coordinates are `[x, y]` in world units (see [`crate::projection`]) or
//! device pixels: y points down, so a ring that turns clockwise on screen
//! has a positive signed area. Boxes are `[min_x, min_y, max_x, max_y]`.
//! These helpers serve [`crate::prepare`], [`crate::draw_list`],
//! [`crate::hit`], [`crate::spatial_index`] and [`crate::tiles`].

pub mod bbox;
pub mod centroid;
pub mod distance;
pub mod interior_point;
pub mod winding;
