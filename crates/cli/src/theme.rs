//! The story's theme as a style sheet: `twinstory build` writes the
//! theme's colours, card radius and font as CSS custom properties on
//! `:root`, with an `@font-face` rule per font file (copied from the story
//! folder), into `theme-<hash>.css`, which the page links after the
//! player's `twinstory.css`. So the page is themed before the player runs,
//! and without JavaScript too; the player sets the same properties on its
//! story element for stories it compiles itself.

use crate::build::hashed_name;
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use twinstory_model::Story;
use twinstory_story::local_file;

/// The style sheets [`write_theme`] wrote.
pub struct ThemeFiles {
    /// The theme: `@font-face` rules and the custom properties on `:root`.
    pub theme: String,
    /// The `@font-face` rules alone, when the story brings font files: the
    /// `<twin-story>` element adds them to the host document, because
    /// browsers take font faces from the document, not from a shadow root.
    pub fonts: Option<String>,
}

/// Writes the theme's style sheets and font files into `out`. The font
/// files' paths are left out of `story`: the player needs only the
/// family's name.
pub fn write_theme(story: &mut Story, dir: &Path, out: &Path) -> Result<ThemeFiles> {
    let t = &story.theme;
    let mut css = String::new();
    let mut files = Vec::new();
    for (key, file, weight, style) in t.font_files() {
        if t.font.is_none() {
            bail!("`theme` has `{key}` but no `font`");
        }
        let Ok(local) = local_file(dir, file) else {
            bail!("the font file `{file}` lies outside the story folder");
        };
        let bytes = fs::read(&local.path)
            .with_context(|| format!("cannot read the font file {}", local.path.display()))?;
        let base = local.rel.rsplit('/').next().unwrap_or(&local.rel);
        let name = format!("fonts/{}", hashed_name(base, &bytes));
        crate::build::write(out, &name, &bytes)?;
        let ext = base.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        // The parser accepted only these extensions.
        let format = twinstory_story::FONT_FORMATS
            .iter()
            .find(|(e, _)| Some(*e) == ext.as_deref())
            .map_or("truetype", |(_, f)| f);
        files.push((name, format, weight, style));
    }
    // The faces' family is the story's own: `font` and a hash of the
    // files, e.g. `Hamburg Sans 1f0c2b7e`. The `<twin-story>` element adds
    // the faces to the host page's document, where faces under the font's
    // own name would join a family the page declares with that name (a
    // city's house font, say): the page's text could then take the story's
    // files (another version, or none where the story's origin sends no
    // CORS header for fonts). story.json names the family the faces have.
    if let (Some(font), false) = (t.font.clone(), files.is_empty()) {
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        let hashed = hashed_name("f", names.join(" ").as_bytes());
        let family = format!("{font} {}", &hashed[2..10]);
        for (name, format, weight, style) in &files {
            // The family name was checked by the parser: letters, digits,
            // spaces, `-`, `_` and `.` only, so it is safe inside quotes.
            let _ = writeln!(
                css,
                "@font-face {{ font-family: \"{family}\"; src: url(\"{name}\") format(\"{format}\"); font-weight: {weight}; font-style: {style}; font-display: swap; }}"
            );
        }
        story.theme.font = Some(family);
    }
    let t = &story.theme;
    let fonts = if css.is_empty() {
        None
    } else {
        let name = hashed_name("fonts.css", css.as_bytes());
        crate::build::write(out, &name, css.as_bytes())?;
        Some(name)
    };
    css.insert_str(
        0,
        "/* The story's theme, written by twinstory build from story.md. */\n",
    );
    let _ = write!(
        css,
        ":root {{ --ts-accent: {}; --ts-map-bg: {}; --ts-text: {}; --ts-page: {}; --ts-card: {}; --ts-card-radius: {}px;",
        t.accent.to_hex(),
        t.map_background.to_hex(),
        t.text.to_hex(),
        t.page.to_hex(),
        t.card.to_hex(),
        t.card_radius
    );
    if let Some(family) = &t.font {
        let _ = write!(css, " --ts-font: \"{family}\", system-ui, sans-serif;");
    }
    css.push_str(" }\n");
    let name = hashed_name("theme.css", css.as_bytes());
    crate::build::write(out, &name, css.as_bytes())?;
    let t = &mut story.theme;
    (
        t.font_regular,
        t.font_bold,
        t.font_italic,
        t.font_bold_italic,
    ) = (None, None, None, None);
    Ok(ThemeFiles { theme: name, fonts })
}
