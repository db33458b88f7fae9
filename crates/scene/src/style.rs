//! From a layer's declared style to paint for the draw list.

use twinstory_map::{LayerPaint, Rgba};
use twinstory_model::{Color, Layer};

/// Converts a story colour to a raster colour.
pub fn to_rgba(c: Color) -> Rgba {
    Rgba {
        r: c.r,
        g: c.g,
        b: c.b,
        a: c.a,
    }
}

/// The paint for a layer at the given opacity.
pub fn paint_for(layer: &Layer, opacity: f64) -> LayerPaint {
    let s = &layer.style;
    LayerPaint {
        fill: s.fill.map(to_rgba),
        feature_fill: None,
        stroke: s.stroke.map(to_rgba),
        stroke_width: s.stroke_width,
        radius: s.radius,
        opacity,
    }
}
