//! `translations`: each other version named in the front matter is a story
//! folder beside this one whose `story.md` is written in that language, and
//! names this story back. Only that file's settings are read, never
//! published: the build of this story copies nothing from the other folder.

use crate::diagnostic::Sink;
use crate::{parse_story, ParsedStory};
use std::path::Path;

/// Checks every translation of `parsed` (a story in `base_dir`) against the
/// story folders beside it: E0197 (no story there), E0198 (written in
/// another language), W0058 (it does not name this story back).
pub(crate) fn check(sink: &mut Sink, parsed: &ParsedStory, base_dir: &Path) {
    let Some(story) = &parsed.story else {
        return;
    };
    let own_folder = own_folder(base_dir);
    for t in &parsed.translations {
        let dir = base_dir.join("..").join(&t.folder);
        let file = dir.join("story.md");
        let Ok(bytes) = std::fs::read(&file) else {
            sink.error(
                "E0197",
                t.pos,
                format!("there is no story in `../{}` (no `story.md` there)", t.folder),
                Some(format!(
                    "name the folder of the story's {} version, beside this one; `twinstory new {}` makes a new story there",
                    t.lang, t.folder
                )),
            );
            continue;
        };
        let other = parse_story(&file.display().to_string(), &bytes);
        let Some(other) = other.story.as_ref().map(|s| (s, &other.translations)) else {
            continue;
        };
        let (other_story, back) = other;
        // `en` names an `en-GB` story too: the language, not the region.
        if primary(&other_story.lang) != primary(&t.lang) {
            sink.error(
                "E0198",
                t.pos,
                format!(
                    "the story in `../{}` is written in `{}`, not `{}`",
                    t.folder, other_story.lang, t.lang
                ),
                Some(format!(
                    "write it as `{}: ../{}`, or set `lang: {}` in that story",
                    other_story.lang, t.folder, t.lang
                )),
            );
            continue;
        }
        let names_back = own_folder
            .as_deref()
            .is_some_and(|own| back.iter().any(|b| b.folder == own));
        if !names_back {
            sink.warning(
                "W0058",
                t.pos,
                format!(
                    "the story in `../{}` does not name this one back in its `translations`",
                    t.folder
                ),
                Some(format!(
                    "add `translations: {{ {}: ../{} }}` to its front matter, so its readers find this version too",
                    story.lang,
                    own_folder.as_deref().unwrap_or("this-folder")
                )),
            );
        }
    }
}

/// The language of a tag without its region (`de` of `de-CH`).
fn primary(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase()
}

/// The name of the story's own folder (`.` resolved through the file
/// system, so `twinstory validate .` knows it too).
fn own_folder(base_dir: &Path) -> Option<String> {
    let dir = if base_dir.file_name().is_some() {
        base_dir.to_path_buf()
    } else {
        std::fs::canonicalize(base_dir).ok()?
    };
    dir.file_name().map(|n| n.to_string_lossy().into_owned())
}
