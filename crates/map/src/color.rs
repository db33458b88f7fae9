//! Colours: [`Rgba`], the one colour type of draw lists, the rasteriser,
//! SVG output and styling.

/// A non-premultiplied sRGB colour with alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rgba {
    /// Red, 0–255 in sRGB, not multiplied by alpha.
    pub r: u8,
    /// Green, 0–255 in sRGB, not multiplied by alpha.
    pub g: u8,
    /// Blue, 0–255 in sRGB, not multiplied by alpha.
    pub b: u8,
    /// Alpha, 0 (transparent) to 255 (opaque).
    pub a: u8,
}

impl Rgba {
    /// An opaque colour.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::Rgba;
    /// assert_eq!(Rgba::rgb(1, 2, 3).a, 255);
    /// ```
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b, a: 255 }
    }

    /// The colour with its alpha multiplied by `opacity` (0–1; values
    /// outside are clamped, so the result is never more opaque than `self`).
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::Rgba;
    /// assert_eq!(Rgba::rgb(0, 0, 0).with_opacity(0.5).a, 128);
    /// assert_eq!(Rgba::rgb(0, 0, 0).with_opacity(2.0).a, 255);
    /// ```
    pub fn with_opacity(self, opacity: f64) -> Self {
        Self {
            a: (self.a as f64 * opacity.clamp(0.0, 1.0)).round() as u8,
            ..self
        }
    }

    /// The colour as one pixel of an `ImageData` buffer (bytes R, G, B, A).
    #[inline]
    pub(crate) fn pack(self) -> u32 {
        u32::from_le_bytes([self.r, self.g, self.b, self.a])
    }

    /// The colour of a pixel packed by [`Self::pack`].
    #[inline]
    pub(crate) fn unpack(pixel: u32) -> Self {
        let [r, g, b, a] = pixel.to_le_bytes();
        Self { r, g, b, a }
    }
}
