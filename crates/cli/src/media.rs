//! The story's media at build time: videos, audios, captions, posters and
//! transcripts copied with content-hashed names under `media/`, and
//! resized copies of the images in the text for `srcset`.
//!
//! The story crate renders the HTML with the paths as the author wrote
//! them; here they are replaced, in the attributes it wrote, by the
//! published names. Author text cannot hold `="` (the renderer escapes
//! every `"` of the text), so only attribute values are replaced.
//!
//! Images: PNG and JPEG files get copies 480, 960 and 1600 px wide (never
//! as wide as the original or wider; same format; a copy that comes out no
//! smaller in bytes than the original is left out) and `srcset`, `sizes`, `width`
//! and `height` (the browser reserves the space before the image is
//! there). Other images (SVG, GIF, WebP …) are copied as they are. The
//! decoding and resizing is the `image` crate's, with only its PNG and JPEG
//! codecs; it is linked into the CLI only, never the player (docs/facts.md
//! has the measured cost).

use anyhow::{Context, Result};
use image::{GenericImageView, ImageFormat};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use twinstory_model::url;
use twinstory_model::Story;
use twinstory_story::{local_file, Asset, AssetKind};

use crate::build::{escape, hashed_name, write};

/// The widths of the resized copies, in px.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

/// How wide images are shown at most.
use twinstory_model::trust::IMAGE_SIZES as SIZES;

/// Copies the media files and resized images of `assets` from the story
/// folder `dir` into `out` and rewrites the story's HTML to name them.
pub fn publish(story: &mut Story, assets: &[Asset], dir: &Path, out: &Path) -> Result<()> {
    // Old attribute text → new attribute text, applied to every HTML part.
    let mut replace: BTreeMap<String, String> = BTreeMap::new();
    for asset in assets {
        if url::is_absolute(&asset.url) {
            continue;
        }
        let is_media = matches!(
            asset.kind,
            AssetKind::Video
                | AssetKind::Audio
                | AssetKind::Captions
                | AssetKind::Poster
                | AssetKind::Transcript
        );
        if !is_media && asset.kind != AssetKind::Image {
            continue;
        }
        let written = escape(&asset.url);
        if replace.contains_key(&format!("=\"{written}\"")) {
            continue;
        }
        let file = local_file(dir, &asset.url).map_err(|_| {
            anyhow::anyhow!("the file `{}` lies outside the story folder", asset.url)
        })?;
        if file.rel.is_empty() {
            continue;
        }
        let bytes =
            fs::read(&file.path).with_context(|| format!("cannot read {}", file.path.display()))?;
        if is_media {
            let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
            let rel = format!("media/{}", hashed_name(name, &bytes));
            write(out, &rel, &bytes)?;
            replace.insert(format!("=\"{written}\""), format!("=\"{}\"", escape(&rel)));
        } else if let Some(attrs) = resized(&file.rel, &bytes, out)? {
            replace.insert(
                format!("<img src=\"{written}\""),
                format!("<img src=\"{written}\" {attrs}"),
            );
        }
    }
    if replace.is_empty() {
        return Ok(());
    }
    let apply = |html: &mut String| {
        for (from, to) in &replace {
            if html.contains(from.as_str()) {
                *html = html.replace(from.as_str(), to);
            }
        }
    };
    apply(&mut story.intro);
    for step in &mut story.steps {
        apply(&mut step.html);
    }
    Ok(())
}

/// Writes the resized copies of the image `rel` (a path in the story
/// folder) and returns the attributes that name them with its size; `None`
/// for images that are not PNG or JPEG (copied as they are).
fn resized(rel: &str, bytes: &[u8], out: &Path) -> Result<Option<String>> {
    let format = match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Png | ImageFormat::Jpeg)) => f,
        _ => return Ok(None),
    };
    let img = image::load_from_memory_with_format(bytes, format)
        .with_context(|| format!("cannot read the image {rel}"))?;
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return Ok(None);
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, "img"));
    let mut candidates = Vec::new();
    for width in WIDTHS.into_iter().filter(|&x| x < w) {
        let height = (u64::from(h) * u64::from(width) / u64::from(w)).max(1);
        let height = u32::try_from(height).unwrap_or(1);
        let small = img.resize_exact(width, height, image::imageops::FilterType::Triangle);
        let mut encoded = std::io::Cursor::new(Vec::new());
        small
            .write_to(&mut encoded, format)
            .with_context(|| format!("cannot write a resized copy of {rel}"))?;
        let encoded = encoded.into_inner();
        // A copy no smaller than the original saves readers nothing.
        if encoded.len() >= bytes.len() {
            continue;
        }
        let rel_small = format!(
            "media/{}",
            hashed_name(&format!("{stem}-{width}w.{ext}"), &encoded)
        );
        write(out, &rel_small, &encoded)?;
        candidates.push(format!("{} {width}w", escape(&rel_small)));
    }
    // The original is the widest candidate (it keeps its own path).
    candidates.push(format!("{} {w}w", escape(&percent_path(rel))));
    Ok(Some(format!(
        "srcset=\"{}\" sizes=\"{SIZES}\" width=\"{w}\" height=\"{h}\"",
        candidates.join(", ")
    )))
}

/// A path of the story folder written for a `srcset`, where a space or a
/// comma would end the address.
fn percent_path(rel: &str) -> String {
    rel.replace('%', "%25")
        .replace(' ', "%20")
        .replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_a_srcset_have_no_space_or_comma() {
        assert_eq!(percent_path("img/a b,c.jpg"), "img/a%20b%2Cc.jpg");
        assert_eq!(percent_path("img/100%.jpg"), "img/100%25.jpg");
    }
}
