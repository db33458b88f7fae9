//! Named colour schemes that stay readable for people with colour vision
//! deficiencies, and small colour helpers for dimming and legends.
//!
//! The sequential, diverging and most qualitative schemes are Cynthia
//! Brewer's ColorBrewer schemes (<https://colorbrewer2.org>, Apache-2.0):
//! this product includes colour specifications and designs developed by
//! Cynthia Brewer. Only schemes that ColorBrewer rates colour-blind safe are
//! offered, plus Okabe & Ito's eight-colour qualitative palette (2008), which
//! stays distinguishable for all common colour vision deficiencies.
//!
//! A scheme stores ColorBrewer's largest set (9 colours for sequential, 11
//! for diverging). Fewer classes sample it evenly between its ends, so the
//! lightest class is never near-white and a diverging scheme keeps its
//! neutral middle for odd class counts. Qualitative schemes use their first
//! `n` colours, as ColorBrewer does.

use twinstory_map::Rgba;

/// What kind of data a scheme is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    /// Ordered values from low (light) to high (dark).
    Sequential,
    /// Values on both sides of a meaningful middle (dark – light – dark).
    Diverging,
    /// Categories without order.
    Qualitative,
}

/// A named colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// The name used in stories, kebab-case (`yl-gn-bu`).
    pub name: &'static str,
    /// What the scheme is for.
    pub kind: SchemeKind,
    /// The full set of colours, light to dark for sequential schemes.
    pub colors: &'static [Rgba],
    /// How many of the first colours stay distinguishable with colour vision
    /// deficiencies (all, except for some qualitative schemes).
    pub safe_up_to: usize,
}

const fn c(r: u8, g: u8, b: u8) -> Rgba {
    Rgba::rgb(r, g, b)
}

const BLUES: [Rgba; 9] = [
    c(247, 251, 255),
    c(222, 235, 247),
    c(198, 219, 239),
    c(158, 202, 225),
    c(107, 174, 214),
    c(66, 146, 198),
    c(33, 113, 181),
    c(8, 81, 156),
    c(8, 48, 107),
];
const GREENS: [Rgba; 9] = [
    c(247, 252, 245),
    c(229, 245, 224),
    c(199, 233, 192),
    c(161, 217, 155),
    c(116, 196, 118),
    c(65, 171, 93),
    c(35, 139, 69),
    c(0, 109, 44),
    c(0, 68, 27),
];
const GREYS: [Rgba; 9] = [
    c(255, 255, 255),
    c(240, 240, 240),
    c(217, 217, 217),
    c(189, 189, 189),
    c(150, 150, 150),
    c(115, 115, 115),
    c(82, 82, 82),
    c(37, 37, 37),
    c(0, 0, 0),
];
const ORANGES: [Rgba; 9] = [
    c(255, 245, 235),
    c(254, 230, 206),
    c(253, 208, 162),
    c(253, 174, 107),
    c(253, 141, 60),
    c(241, 105, 19),
    c(217, 72, 1),
    c(166, 54, 3),
    c(127, 39, 4),
];
const PURPLES: [Rgba; 9] = [
    c(252, 251, 253),
    c(239, 237, 245),
    c(218, 218, 235),
    c(188, 189, 220),
    c(158, 154, 200),
    c(128, 125, 186),
    c(106, 81, 163),
    c(84, 39, 143),
    c(63, 0, 125),
];
const REDS: [Rgba; 9] = [
    c(255, 245, 240),
    c(254, 224, 210),
    c(252, 187, 161),
    c(252, 146, 114),
    c(251, 106, 74),
    c(239, 59, 44),
    c(203, 24, 29),
    c(165, 15, 21),
    c(103, 0, 13),
];
const YL_GN_BU: [Rgba; 9] = [
    c(255, 255, 217),
    c(237, 248, 177),
    c(199, 233, 180),
    c(127, 205, 187),
    c(65, 182, 196),
    c(29, 145, 192),
    c(34, 94, 168),
    c(37, 52, 148),
    c(8, 29, 88),
];
const YL_OR_RD: [Rgba; 9] = [
    c(255, 255, 204),
    c(255, 237, 160),
    c(254, 217, 118),
    c(254, 178, 76),
    c(253, 141, 60),
    c(252, 78, 42),
    c(227, 26, 28),
    c(189, 0, 38),
    c(128, 0, 38),
];
const PU_BU: [Rgba; 9] = [
    c(255, 247, 251),
    c(236, 231, 242),
    c(208, 209, 230),
    c(166, 189, 219),
    c(116, 169, 207),
    c(54, 144, 192),
    c(5, 112, 176),
    c(4, 90, 141),
    c(2, 56, 88),
];
const RD_BU: [Rgba; 11] = [
    c(103, 0, 31),
    c(178, 24, 43),
    c(214, 96, 77),
    c(244, 165, 130),
    c(253, 219, 199),
    c(247, 247, 247),
    c(209, 229, 240),
    c(146, 197, 222),
    c(67, 147, 195),
    c(33, 102, 172),
    c(5, 48, 97),
];
const PU_OR: [Rgba; 11] = [
    c(127, 59, 8),
    c(179, 88, 6),
    c(224, 130, 20),
    c(253, 184, 99),
    c(254, 224, 182),
    c(247, 247, 247),
    c(216, 218, 235),
    c(178, 171, 210),
    c(128, 115, 172),
    c(84, 39, 136),
    c(45, 0, 75),
];
const BR_BG: [Rgba; 11] = [
    c(84, 48, 5),
    c(140, 81, 10),
    c(191, 129, 45),
    c(223, 194, 125),
    c(246, 232, 195),
    c(245, 245, 245),
    c(199, 234, 229),
    c(128, 205, 193),
    c(53, 151, 143),
    c(1, 102, 94),
    c(0, 60, 48),
];
const PI_YG: [Rgba; 11] = [
    c(142, 1, 82),
    c(197, 27, 125),
    c(222, 119, 174),
    c(241, 182, 218),
    c(253, 224, 239),
    c(247, 247, 247),
    c(230, 245, 208),
    c(184, 225, 134),
    c(127, 188, 65),
    c(77, 146, 33),
    c(39, 100, 25),
];
const RD_YL_BU: [Rgba; 11] = [
    c(165, 0, 38),
    c(215, 48, 39),
    c(244, 109, 67),
    c(253, 174, 97),
    c(254, 224, 144),
    c(255, 255, 191),
    c(224, 243, 248),
    c(171, 217, 233),
    c(116, 173, 209),
    c(69, 117, 180),
    c(49, 54, 149),
];
const OKABE_ITO: [Rgba; 8] = [
    c(230, 159, 0),
    c(86, 180, 233),
    c(0, 158, 115),
    c(240, 228, 66),
    c(0, 114, 178),
    c(213, 94, 0),
    c(204, 121, 167),
    c(0, 0, 0),
];
const DARK2: [Rgba; 8] = [
    c(27, 158, 119),
    c(217, 95, 2),
    c(117, 112, 179),
    c(231, 41, 138),
    c(102, 166, 30),
    c(230, 171, 2),
    c(166, 118, 29),
    c(102, 102, 102),
];
const SET2: [Rgba; 8] = [
    c(102, 194, 165),
    c(252, 141, 98),
    c(141, 160, 203),
    c(231, 138, 195),
    c(166, 216, 84),
    c(255, 217, 47),
    c(229, 196, 148),
    c(179, 179, 179),
];
const PAIRED: [Rgba; 12] = [
    c(166, 206, 227),
    c(31, 120, 180),
    c(178, 223, 138),
    c(51, 160, 44),
    c(251, 154, 153),
    c(227, 26, 28),
    c(253, 191, 111),
    c(255, 127, 0),
    c(202, 178, 214),
    c(106, 61, 154),
    c(255, 255, 153),
    c(177, 89, 40),
];

const fn seq(name: &'static str, colors: &'static [Rgba]) -> Scheme {
    Scheme {
        name,
        kind: SchemeKind::Sequential,
        colors,
        safe_up_to: colors.len(),
    }
}

const fn div(name: &'static str, colors: &'static [Rgba]) -> Scheme {
    Scheme {
        name,
        kind: SchemeKind::Diverging,
        colors,
        safe_up_to: colors.len(),
    }
}

const fn qual(name: &'static str, colors: &'static [Rgba], safe_up_to: usize) -> Scheme {
    Scheme {
        name,
        kind: SchemeKind::Qualitative,
        colors,
        safe_up_to,
    }
}

/// Every scheme, by name.
pub const SCHEMES: &[Scheme] = &[
    seq("blues", &BLUES),
    seq("greens", &GREENS),
    seq("greys", &GREYS),
    seq("oranges", &ORANGES),
    seq("purples", &PURPLES),
    seq("reds", &REDS),
    seq("yl-gn-bu", &YL_GN_BU),
    seq("yl-or-rd", &YL_OR_RD),
    seq("pu-bu", &PU_BU),
    div("rd-bu", &RD_BU),
    div("pu-or", &PU_OR),
    div("br-bg", &BR_BG),
    div("pi-yg", &PI_YG),
    div("rd-yl-bu", &RD_YL_BU),
    qual("okabe-ito", &OKABE_ITO, 8),
    // ColorBrewer rates these safe only for their first few colours.
    qual("dark2", &DARK2, 3),
    qual("set2", &SET2, 3),
    qual("paired", &PAIRED, 4),
];

/// Finds a scheme by its name (`blues`, `rd-bu`, `okabe-ito`, …).
///
/// # Examples
/// ```
/// use twinstory_scene::palette::{scheme, SchemeKind};
/// assert_eq!(scheme("rd-bu").map(|s| s.kind), Some(SchemeKind::Diverging));
/// assert!(scheme("rainbow").is_none());
/// ```
pub fn scheme(name: &str) -> Option<&'static Scheme> {
    SCHEMES.iter().find(|s| s.name == name)
}

impl Scheme {
    /// `n` colours of this scheme for `n` classes or categories.
    ///
    /// Sequential and diverging schemes sample their full ramp evenly (all
    /// of it when `n` equals its length) and interpolate beyond it;
    /// qualitative schemes return their first `n` colours and repeat when
    /// `n` is larger. `n = 0` gives no colours.
    ///
    /// # Examples
    /// ```
    /// use twinstory_scene::palette::scheme;
    /// use twinstory_map::Rgba;
    /// let rd_bu = scheme("rd-bu").unwrap();
    /// // Odd class counts keep the scheme's neutral middle.
    /// assert_eq!(rd_bu.colors(5)[2], Rgba::rgb(247, 247, 247));
    /// assert_eq!(rd_bu.colors(11), rd_bu.colors.to_vec());
    /// assert!(rd_bu.colors(0).is_empty());
    /// ```
    pub fn colors(&self, n: usize) -> Vec<Rgba> {
        let full = self.colors;
        if n == 0 || full.is_empty() {
            return Vec::new();
        }
        match self.kind {
            SchemeKind::Qualitative => (0..n).map(|i| full[i % full.len()]).collect(),
            _ if n == full.len() => full.to_vec(),
            _ => {
                let last = (full.len() - 1) as f64;
                (0..n)
                    .map(|i| sample(full, (i as f64 + 0.5) / n as f64 * last))
                    .collect()
            }
        }
    }
}

/// The colour at fractional index `t` of a ramp, interpolated in sRGB.
fn sample(ramp: &[Rgba], t: f64) -> Rgba {
    let last = ramp.len() - 1;
    let t = t.clamp(0.0, last as f64);
    let i = (t.floor() as usize).min(last);
    let j = (i + 1).min(last);
    mix(ramp[i], ramp[j], t - i as f64)
}

/// Mixes two colours: `t = 0` gives `a`, `t = 1` gives `b` (alpha mixed too).
///
/// # Examples
/// ```
/// use twinstory_map::Rgba;
/// use twinstory_scene::palette::mix;
/// assert_eq!(mix(Rgba::rgb(0, 0, 0), Rgba::rgb(255, 255, 255), 0.5), Rgba::rgb(128, 128, 128));
/// // `t` outside 0–1 is clamped.
/// assert_eq!(mix(Rgba::rgb(0, 0, 0), Rgba::rgb(255, 0, 0), 2.0), Rgba::rgb(255, 0, 0));
/// ```
pub fn mix(a: Rgba, b: Rgba, t: f64) -> Rgba {
    let t = t.clamp(0.0, 1.0);
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    Rgba {
        r: m(a.r, b.r),
        g: m(a.g, b.g),
        b: m(a.b, b.b),
        a: m(a.a, b.a),
    }
}

/// WCAG relative luminance of a colour (0 = black, 1 = white), ignoring alpha.
///
/// # Examples
/// ```
/// use twinstory_map::Rgba;
/// use twinstory_scene::palette::luminance;
/// assert_eq!(luminance(Rgba::rgb(0, 0, 0)), 0.0);
/// assert!((luminance(Rgba::rgb(255, 255, 255)) - 1.0).abs() < 1e-9);
/// ```
pub fn luminance(c: Rgba) -> f64 {
    let lin = |v: u8| {
        let s = v as f64 / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
}

/// WCAG contrast ratio between two colours (1 to 21).
///
/// # Examples
/// ```
/// use twinstory_map::Rgba;
/// use twinstory_scene::palette::contrast;
/// let r = contrast(Rgba::rgb(0, 0, 0), Rgba::rgb(255, 255, 255));
/// assert!((r - 21.0).abs() < 1e-9);
/// ```
pub fn contrast(a: Rgba, b: Rgba) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_schemes_get_darker_class_by_class() {
        for s in SCHEMES.iter().filter(|s| s.kind == SchemeKind::Sequential) {
            for n in 2..=9 {
                let cs = s.colors(n);
                assert_eq!(cs.len(), n);
                for w in cs.windows(2) {
                    assert!(
                        luminance(w[0]) > luminance(w[1]),
                        "{} with {n} classes is not monotone",
                        s.name
                    );
                }
            }
        }
    }

    #[test]
    fn five_blues_stay_away_from_white_and_match_colorbrewer_ends() {
        let five = scheme("blues").unwrap().colors(5);
        // ColorBrewer's own 5-class Blues runs from #eff3ff to #08519c;
        // sampling the 9-class ramp lands within a few steps of both.
        let close = |a: Rgba, b: Rgba| {
            (a.r as i32 - b.r as i32).abs() < 24
                && (a.g as i32 - b.g as i32).abs() < 24
                && (a.b as i32 - b.b as i32).abs() < 24
        };
        assert!(close(five[0], Rgba::rgb(0xef, 0xf3, 0xff)), "{:?}", five[0]);
        assert!(close(five[4], Rgba::rgb(0x08, 0x51, 0x9c)), "{:?}", five[4]);
        assert!(contrast(five[0], Rgba::rgb(255, 255, 255)) > 1.05);
    }

    #[test]
    fn qualitative_schemes_take_the_first_colours_and_repeat() {
        let s = scheme("okabe-ito").unwrap();
        assert_eq!(s.colors(3), s.colors[..3].to_vec());
        assert_eq!(s.colors(10)[8], s.colors[0]);
    }

    #[test]
    fn names_are_unique_and_kebab_case() {
        for (i, s) in SCHEMES.iter().enumerate() {
            assert!(s
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            assert!(SCHEMES[..i].iter().all(|o| o.name != s.name));
        }
    }
}
