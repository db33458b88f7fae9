//! Contrast of the story page's text (WCAG 2.1 SC 1.4.3, 4.5:1): the
//! theme's text and accent colours (links) against the cards and the page,
//! and the muted text (summary, captions, legend counts) the player mixes
//! from them, measured with the WCAG formula for relative luminance.

use crate::diagnostic::{Pos, Sink};
use twinstory_model::Theme;
use twinstory_scene::contrast::{hex, reaching};
use twinstory_scene::palette::{contrast, mix};
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
    let (text, accent, card, page) = (
        to_rgba(theme.text),
        to_rgba(theme.accent),
        to_rgba(theme.card),
        to_rgba(theme.page),
    );
    let muted = mix(card, text, MUTED_SHARE);
    // (setting, colour, what readers see in it, background setting, background, muted)
    let pairs = [
        ("text", text, "the step text", "card", card, false),
        (
            "text",
            text,
            "the title and the sources",
            "page",
            page,
            false,
        ),
        ("accent", accent, "links in the steps", "card", card, false),
        (
            "accent",
            accent,
            "links in the introduction and the sources",
            "page",
            page,
            false,
        ),
        (
            "text",
            muted,
            "the muted text (summary, captions, legend counts)",
            "card",
            card,
            true,
        ),
        (
            "text",
            muted,
            "the muted text (summary, captions, legend counts)",
            "page",
            page,
            true,
        ),
    ];
    let mut failed: Vec<(&str, &str)> = Vec::new();
    for (fg_key, fg, what, bg_key, bg, is_muted) in pairs {
        let ratio = contrast(fg, bg);
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
            let mut t = text;
            for _ in 0..64 {
                if contrast(mix(card, t, MUTED_SHARE), bg) >= TEXT_CONTRAST {
                    break;
                }
                t = reaching(t, bg, (contrast(t, bg) + 0.5).min(21.0));
            }
            (format!("{}, mixed from `text` {}", hex(fg), hex(text)), t)
        } else {
            (
                format!("`{fg_key}` {}", hex(fg)),
                reaching(fg, bg, TEXT_CONTRAST),
            )
        };
        sink.warning(
            "W0019",
            pos,
            format!(
                "the contrast of {what} ({name}) against the `{bg_key}` colour {} is {ratio:.2}:1 (4.5:1 needed for text)",
                hex(bg)
            ),
            Some(format!(
                "write `{fg_key}: \"{}\"`, or choose a `{bg_key}` colour further from it",
                hex(target)
            )),
        );
    }
}
