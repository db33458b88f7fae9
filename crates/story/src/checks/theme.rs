//! Contrast of the story page's text (WCAG 2.1 SC 1.4.3, 4.5:1): the
//! theme's text and accent colours (links) against the cards and the page,
//! and the muted text (summary, captions, legend counts) the player mixes
//! from them, measured with the WCAG formula for relative luminance.
//!
//! Colours with transparency (`"#rrggbbaa"`) are measured as readers see
//! them: the page over the browser's canvas (white), a card over the page,
//! text over what it sits on (`twinstory_scene::contrast::over`).

use crate::diagnostic::{Pos, Sink};
use twinstory_model::{Color, Theme};
use twinstory_scene::contrast::{over, reaching};
use twinstory_scene::palette::contrast;
use twinstory_scene::to_rgba;

/// The contrast body text needs (WCAG 2.1 SC 1.4.3, level AA).
pub(crate) const TEXT_CONTRAST: f64 = 4.5;

/// How much of the text colour the muted text keeps, mixed with the card's
/// (as `twinstory.css` does with `color-mix(in srgb, …)`).
const MUTED_SHARE: f64 = 0.8;

/// Warns (W0019) about every pair of the theme's text colours and what they
/// sit on that falls below 4.5:1, at the foreground's setting (or the
/// background's, or `theme`, whichever the author wrote).
pub(crate) fn check(sink: &mut Sink, theme: &Theme, positions: &[(String, Pos)]) {
    let at = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| positions.iter().find(|(n, _)| n == k).map(|(_, p)| *p))
    };
    let (text, accent, card, page) = (theme.text, theme.accent, theme.card, theme.page);
    let (page_seen, card_seen) = (page_seen(theme), card_seen(theme));
    let muted = colour_mix(text, card, MUTED_SHARE);
    // (setting, colour, what readers see in it, background setting,
    // background, what readers see of it, muted)
    let pairs = [
        (
            "text",
            text,
            "the step text",
            "card",
            card,
            card_seen,
            false,
        ),
        (
            "text",
            text,
            "the title and the sources",
            "page",
            page,
            page_seen,
            false,
        ),
        (
            "accent",
            accent,
            "links in the steps",
            "card",
            card,
            card_seen,
            false,
        ),
        (
            "accent",
            accent,
            "links in the introduction and the sources",
            "page",
            page,
            page_seen,
            false,
        ),
        (
            "text",
            muted,
            "the muted text (summary, captions, legend counts)",
            "card",
            card,
            card_seen,
            true,
        ),
        (
            "text",
            muted,
            "the muted text (summary, captions, legend counts)",
            "page",
            page,
            page_seen,
            true,
        ),
    ];
    let mut failed: Vec<(&str, &str)> = Vec::new();
    for (fg_key, fg, what, bg_key, bg, bg_seen, is_muted) in pairs {
        let fg_seen = over_colour(fg, bg_seen);
        let ratio = ratio(fg_seen, bg_seen);
        // Only what the author set can be blamed (the defaults pass), and
        // muted text is not reported again where the text itself fails.
        let Some(pos) = at(&[fg_key, bg_key]) else {
            continue;
        };
        if ratio >= TEXT_CONTRAST || (is_muted && failed.contains(&(fg_key, bg_key))) {
            continue;
        }
        failed.push((fg_key, bg_key));
        let (name, target) = if is_muted {
            // The mix reaches 4.5:1 once the text colour is far enough from the background.
            let mut t = over_colour(text, bg_seen);
            for _ in 0..64 {
                if ratio_over(colour_mix(t, card, MUTED_SHARE), bg_seen) >= TEXT_CONTRAST {
                    break;
                }
                t = reaching_colour(t, bg_seen, (ratio_over(t, bg_seen) + 0.5).min(21.0));
            }
            (
                format!("{}, mixed from `text` {}", fg_seen.to_hex(), text.to_hex()),
                t,
            )
        } else {
            (
                match seen_as(fg, fg_seen) {
                    Some(seen) => format!("`{fg_key}` {}, seen as {seen}", fg.to_hex()),
                    None => format!("`{fg_key}` {}", fg.to_hex()),
                },
                reaching_colour(fg_seen, bg_seen, TEXT_CONTRAST),
            )
        };
        sink.warning(
            "W0019",
            pos,
            format!(
                "the contrast of {what} ({name}) against the `{bg_key}` colour {}{} is {ratio:.2}:1 (4.5:1 needed for text)",
                bg.to_hex(),
                seen_as(bg, bg_seen).map_or(String::new(), |s| format!(" (seen as {s})")),
            ),
            Some(format!(
                "write `{fg_key}: \"{}\"`, or choose a `{bg_key}` colour further from it",
                target.to_hex()
            )),
        );
    }
}

/// The page's colour as readers see it: over the browser's canvas.
fn page_seen(theme: &Theme) -> Color {
    over_colour(theme.page, CANVAS)
}

/// The cards' colour as readers see it: over the page (as seen). Charts
/// are drawn on it.
pub(crate) fn card_seen(theme: &Theme) -> Color {
    over_colour(theme.card, page_seen(theme))
}

/// The browser's canvas under the page: white (a page with transparency
/// lets it show through).
const CANVAS: Color = Color::rgb(255, 255, 255);

/// `c` as readers see it over the opaque colour `under`: composited by
/// its alpha (`twinstory_scene::contrast::over`), opaque.
fn over_colour(c: Color, under: Color) -> Color {
    let o = over(to_rgba(c), 1.0, to_rgba(under));
    Color::rgb(o.r, o.g, o.b)
}

/// The WCAG contrast ratio of two opaque colours.
fn ratio(a: Color, b: Color) -> f64 {
    contrast(to_rgba(a), to_rgba(b))
}

/// The ratio of `c`, seen over the opaque `bg`, against `bg`.
fn ratio_over(c: Color, bg: Color) -> f64 {
    ratio(over_colour(c, bg), bg)
}

/// The opaque colour nearest to `c` that reaches `target` against `bg`
/// (`twinstory_scene::contrast::reaching`).
fn reaching_colour(c: Color, bg: Color, target: f64) -> Color {
    let r = reaching(to_rgba(c), to_rgba(bg), target);
    Color::rgb(r.r, r.g, r.b)
}

/// What readers see of a colour with transparency (`c`; seen as `seen`),
/// `None` for an opaque one.
fn seen_as(c: Color, seen: Color) -> Option<String> {
    (c.a != 255).then(|| seen.to_hex())
}

/// `color-mix(in srgb, a share, b)`, as the style sheet mixes the muted
/// text: premultiplied by the colours' alpha, as CSS interpolates (the same
/// as `twinstory_scene::palette::mix` for opaque colours).
fn colour_mix(a: Color, b: Color, share: f64) -> Color {
    let wa = share * f64::from(a.a) / 255.0;
    let wb = (1.0 - share) * f64::from(b.a) / 255.0;
    let alpha = wa + wb;
    if alpha <= 0.0 {
        return Color { a: 0, ..a };
    }
    let m = |x: u8, y: u8| ((f64::from(x) * wa + f64::from(y) * wb) / alpha).round() as u8;
    Color {
        r: m(a.r, b.r),
        g: m(a.g, b.g),
        b: m(a.b, b.b),
        a: (alpha * 255.0).round() as u8,
    }
}
