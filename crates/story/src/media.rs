//! Video and audio in the text: ```` ```video ```` and ```` ```audio ````
//! blocks, read like a ```` ```step ```` block (YAML settings), rendered to
//! the `<video>`/`<audio>` HTML the player's allow-list keeps.
//!
//! Files come only from the story folder (no web addresses: a story makes
//! no third-party requests). A video with speech needs captions (WebVTT), an
//! audio with speech a transcript; neither ever starts with sound. The
//! build (`crates/cli/src/media.rs`) copies the files with content-hashed
//! names and rewrites the addresses; `check_assets` checks their contents.

use crate::diagnostic::{Pos, Sink};
use crate::markdown::escape;
use crate::walk::Walker;
use crate::yaml::{self, Kind, Node};
use crate::{Asset, AssetKind};
use twinstory_model::strings::Lang;
use twinstory_model::url;

/// Settings of a ```video block.
pub(crate) const VIDEO_FIELDS: &[&str] = &[
    "src", "captions", "poster", "title", "speech", "muted", "loop", "autoplay",
];
/// Settings of an ```audio block.
pub(crate) const AUDIO_FIELDS: &[&str] = &["src", "transcript", "title", "speech", "loop"];

/// File endings browsers play in `<video>`.
pub const VIDEO_TYPES: &[&str] = &["mp4", "webm", "ogv", "ogg", "m4v"];
/// File endings browsers play in `<audio>`.
pub const AUDIO_TYPES: &[&str] = &["mp3", "ogg", "oga", "opus", "m4a", "wav"];
/// File endings of a poster image.
pub const POSTER_TYPES: &[&str] = &["jpg", "jpeg", "png", "webp", "avif", "gif"];
/// File endings of a transcript readers open in the browser.
pub const TRANSCRIPT_TYPES: &[&str] = &["txt", "html", "htm", "pdf"];

/// Which kind of media block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaKind {
    Video,
    Audio,
}

impl MediaKind {
    /// The block's kind from its info string's first word.
    pub(crate) fn of_info(word: Option<&str>) -> Option<MediaKind> {
        match word {
            Some("video") => Some(MediaKind::Video),
            Some("audio") => Some(MediaKind::Audio),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
        }
    }
}

/// Reads a media block's YAML (its opening fence is at `at`, the YAML on
/// the lines below, indented as the fence) and returns its HTML, or `None`
/// when it cannot be shown; files it names go to `assets`.
pub(crate) fn read(
    kind: MediaKind,
    text: &str,
    at: Pos,
    lang: &str,
    sink: &mut Sink,
    assets: &mut Vec<Asset>,
) -> Option<String> {
    let mut w = Walker::new(sink, text, at.line + 1, at.column.saturating_sub(1));
    let what = format!("the ```{} block", kind.name());
    let root = match yaml::parse(text) {
        Ok((r, twice)) => {
            for e in &twice {
                crate::parse::yaml_error(&mut w, e, &format!("```{} block", kind.name()), text);
            }
            r
        }
        Err(e) => {
            crate::parse::yaml_error(&mut w, &e, &format!("```{} block", kind.name()), text);
            return None;
        }
    };
    let (allowed, example) = match kind {
        MediaKind::Video => (VIDEO_FIELDS, "src: media/walk.mp4"),
        MediaKind::Audio => (AUDIO_FIELDS, "src: media/interview.mp3"),
    };
    let fields = w.fields(&root, allowed, &what, example)?;
    let mut m = Settings::default();
    let mut ok = true;
    for (key, k, v) in fields {
        match key {
            "src" => {
                let types = match kind {
                    MediaKind::Video => VIDEO_TYPES,
                    MediaKind::Audio => AUDIO_TYPES,
                };
                let asset = match kind {
                    MediaKind::Video => AssetKind::Video,
                    MediaKind::Audio => AssetKind::Audio,
                };
                m.src = file(&mut w, v, key, example, types, asset, assets);
                ok &= m.src.is_some();
            }
            "poster" => {
                m.poster = file(
                    &mut w,
                    v,
                    key,
                    "poster: media/walk.jpg",
                    POSTER_TYPES,
                    AssetKind::Poster,
                    assets,
                );
            }
            "transcript" => {
                m.transcript = file(
                    &mut w,
                    v,
                    key,
                    "transcript: media/interview.txt",
                    TRANSCRIPT_TYPES,
                    AssetKind::Transcript,
                    assets,
                );
                m.has_transcript = true;
            }
            "captions" => {
                m.has_captions = true;
                m.captions = captions(&mut w, v, k, assets);
            }
            "title" => m.title = w.text(v, key, "title: A walk across the playground"),
            "speech" => m.speech = w.boolean(v, key, "speech: false"),
            "muted" => m.muted = w.boolean(v, key, "muted: true").unwrap_or(false),
            "loop" => m.looped = w.boolean(v, key, "loop: true").unwrap_or(false),
            "autoplay" => {
                m.autoplay = w.boolean(v, key, "autoplay: true").unwrap_or(false);
                m.autoplay_at = Some(w.pos(k));
            }
            _ => {}
        }
    }
    if m.src.is_none() && !fields_named(&root, "src") {
        w.missing(&root, "src", &what, example);
        ok = false;
    }
    let speech = m.speech != Some(false);
    match kind {
        MediaKind::Video if speech && !m.has_captions => w.sink.error(
            "E0142",
            at,
            "this video has no captions",
            Some("readers who cannot hear it need captions: add `captions: media/walk.vtt` (a WebVTT file); if nobody speaks in it, write `speech: false`".into()),
        ),
        MediaKind::Audio if speech && !m.has_transcript => w.sink.error(
            "E0143",
            at,
            "this audio has no transcript",
            Some("readers who cannot hear it need the words as text: add `transcript: media/interview.txt`; if nobody speaks in it (music, sounds), write `speech: false` and say in `title` what it is".into()),
        ),
        _ => {}
    }
    if let (true, Some(p)) = (m.autoplay && !m.muted, m.autoplay_at) {
        w.sink.error(
            "E0144",
            p,
            "a video may start by itself only without sound",
            Some("add `muted: true` (readers can switch the sound on), or delete `autoplay`; stories never start sound by themselves".into()),
        );
        ok = false;
    }
    if m.speech == Some(false) && m.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        w.sink.error(
            "E0145",
            at,
            format!("this {} has no `title`", kind.name()),
            Some("without speech, the title is what tells readers who cannot see or hear it what it shows: add `title: …`".into()),
        );
    }
    if !ok {
        return None;
    }
    Some(html(kind, &m, lang))
}

/// True when the mapping has a key `name` (reported elsewhere when its value is wrong).
fn fields_named(root: &Node, name: &str) -> bool {
    matches!(&root.kind, Kind::Map(e) if e.iter().any(|(k, _)| k.kind == Kind::Str(name.to_owned())))
}

#[derive(Default)]
struct Settings {
    src: Option<String>,
    poster: Option<String>,
    transcript: Option<String>,
    has_transcript: bool,
    captions: Vec<(String, String)>,
    has_captions: bool,
    title: Option<String>,
    speech: Option<bool>,
    muted: bool,
    looped: bool,
    autoplay: bool,
    autoplay_at: Option<Pos>,
}

/// A file of the story folder with one of `types` as its ending.
fn file(
    w: &mut Walker<'_, '_>,
    v: &Node,
    name: &str,
    example: &str,
    types: &[&str],
    kind: AssetKind,
    assets: &mut Vec<Asset>,
) -> Option<String> {
    let path = w.text(v, name, example)?;
    let pos = w.pos(v);
    let cleaned = url::clean(&path);
    if url::scheme(&cleaned).is_some() || url::is_scheme_relative(&cleaned) {
        w.sink.error(
            "E0141",
            pos,
            format!("`{name}` must be a file of the story folder, not the address `{path}`"),
            Some("stories load nothing from other websites: download the file into the story folder (e.g. `media/`) and name it by its path relative to story.md".into()),
        );
        return None;
    }
    let ending = ending(&cleaned);
    if !types.contains(&ending.as_str()) {
        let list = types
            .iter()
            .map(|t| format!("`.{t}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let help = format!(
            "`{name}` can be a {list} file, which every current browser reads; convert the file into one of them"
        );
        w.sink.error(
            "E0140",
            pos,
            format!("`{path}` is not a file type that `{name}` can be (`.{ending}`)"),
            Some(help),
        );
        return None;
    }
    assets.push(Asset {
        kind,
        url: path.clone(),
        line: pos.line,
        column: pos.column,
    });
    Some(path)
}

/// The file ending, lower case, without `?`/`#` parts.
fn ending(path: &str) -> String {
    let p = path.split(['?', '#']).next().unwrap_or("");
    let name = p.rsplit('/').next().unwrap_or(p);
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// `captions`: one file (in the story's language) or a group `de: …`, `en: …`.
fn captions(
    w: &mut Walker<'_, '_>,
    v: &Node,
    key: &Node,
    assets: &mut Vec<Asset>,
) -> Vec<(String, String)> {
    let example = "captions: media/walk.vtt";
    let mut out = Vec::new();
    match &v.kind {
        Kind::Map(entries) => {
            for (k, file_node) in entries {
                let lang = match &k.kind {
                    Kind::Str(s) if crate::front_matter::is_language_tag(s) => s.clone(),
                    other => {
                        let pos = w.pos(k);
                        w.sink.error(
                            "E0146",
                            pos,
                            format!(
                                "{} is not a language tag for captions",
                                crate::walk::kind_name(other)
                            ),
                            Some("name each captions file by its language: `captions: { de: media/walk.de.vtt, en: media/walk.en.vtt }`".into()),
                        );
                        continue;
                    }
                };
                if let Some(f) = file(
                    w,
                    file_node,
                    "captions",
                    example,
                    &["vtt"],
                    AssetKind::Captions,
                    assets,
                ) {
                    out.push((lang, f));
                }
            }
            if entries.is_empty() {
                let pos = w.pos(key);
                w.sink.error(
                    "E0022",
                    pos,
                    "`captions` is empty",
                    Some(format!("write a file after the colon, e.g. `{example}`")),
                );
            }
        }
        _ => {
            if let Some(f) = file(
                w,
                v,
                "captions",
                example,
                &["vtt"],
                AssetKind::Captions,
                assets,
            ) {
                out.push((String::new(), f));
            }
        }
    }
    out
}

/// The language's name in itself (the same in every interface language).
fn language_name(tag: &str) -> String {
    let primary = tag
        .split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase();
    match primary.as_str() {
        "de" => "Deutsch".into(),
        "en" => "English".into(),
        "fr" => "Français".into(),
        "es" => "Español".into(),
        "it" => "Italiano".into(),
        "nl" => "Nederlands".into(),
        "pl" => "Polski".into(),
        "tr" => "Türkçe".into(),
        "uk" => "Українська".into(),
        "ru" => "Русский".into(),
        "ar" => "العربية".into(),
        _ => tag.to_owned(),
    }
}

/// The HTML: a `<figure>` with the element, its tracks and its title.
fn html(kind: MediaKind, m: &Settings, lang: &str) -> String {
    let t = Lang::of(lang).strings();
    let src = escape(m.src.as_deref().unwrap_or(""));
    let mut h = String::from("<figure>");
    match kind {
        MediaKind::Video => {
            h.push_str(&format!(
                "<video src=\"{src}\" controls preload=\"metadata\" playsinline"
            ));
            if let Some(p) = &m.poster {
                h.push_str(&format!(" poster=\"{}\"", escape(p)));
            }
            if m.muted {
                h.push_str(" muted");
            }
            if m.looped {
                h.push_str(" loop");
            }
            // Never the `autoplay` attribute: the player starts it when its
            // step is read, and not for readers who asked for less motion.
            if m.autoplay && m.muted {
                h.push_str(" class=\"autoplay\"");
            }
            h.push('>');
            for (n, (tag, file)) in m.captions.iter().enumerate() {
                let tag = if tag.is_empty() { lang } else { tag.as_str() };
                h.push_str(&format!(
                    "<track kind=\"captions\" src=\"{}\" srclang=\"{}\" label=\"{}\"{}>",
                    escape(file),
                    escape(tag),
                    escape(&language_name(tag)),
                    if n == 0 { " default" } else { "" }
                ));
            }
            h.push_str("</video>");
        }
        MediaKind::Audio => {
            h.push_str(&format!(
                "<audio src=\"{src}\" controls preload=\"metadata\"{}></audio>",
                if m.looped { " loop" } else { "" }
            ));
        }
    }
    let title = m.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if title.is_some() || m.transcript.is_some() {
        h.push_str("<figcaption>");
        if let Some(title) = title {
            h.push_str(&escape(title));
        }
        if let Some(tr) = &m.transcript {
            if title.is_some() {
                h.push(' ');
            }
            h.push_str(&format!(
                "<a href=\"{}\">{}</a>",
                escape(tr),
                escape(t.transcript)
            ));
        }
        h.push_str("</figcaption>");
    }
    h.push_str("</figure>\n");
    h
}

/// Checks that a media file that exists holds what its ending says: a
/// captions file starts with `WEBVTT` (E0147), a video, audio or poster has
/// the signature of its type (E0148). Reads at most the first 64 bytes.
pub(crate) fn check_file(
    sink: &mut Sink,
    pos: Pos,
    kind: AssetKind,
    url: &str,
    path: &std::path::Path,
) {
    use std::io::Read;
    if !matches!(
        kind,
        AssetKind::Video | AssetKind::Audio | AssetKind::Captions | AssetKind::Poster
    ) {
        return;
    }
    let mut head = Vec::with_capacity(64);
    let read = std::fs::File::open(path).and_then(|f| f.take(64).read_to_end(&mut head));
    if read.is_err() {
        return;
    }
    if kind == AssetKind::Captions {
        if !is_webvtt(&head) {
            sink.error(
                "E0147",
                pos,
                format!("the captions file `{url}` is not WebVTT: its first line is not `WEBVTT`"),
                Some("browsers show captions only from WebVTT files, which start with the line `WEBVTT`; convert SubRip (.srt) captions: add that line and write times with `.` instead of `,` (`00:00:01.500`)".into()),
            );
        }
        return;
    }
    let ending = ending(url);
    let Some(found) = sniff(&head) else {
        sink.error(
            "E0148",
            pos,
            format!("`{url}` does not hold a .{ending} file"),
            Some("the file's first bytes are not those of any video, audio or image type that browsers play; export it again as the type its name ends in".into()),
        );
        return;
    };
    let fits = match ending.as_str() {
        "mp4" | "m4v" | "m4a" | "avif" => found == "mp4",
        "webm" => found == "webm",
        "ogg" | "ogv" | "oga" | "opus" => found == "ogg",
        "mp3" => found == "mp3",
        "wav" => found == "wav",
        "jpg" | "jpeg" => found == "jpeg",
        other => found == other,
    };
    if !fits {
        sink.error(
            "E0148",
            pos,
            format!("`{url}` is named .{ending}, but it holds a {found} file"),
            Some(format!("rename it to end in .{found}, or export it again as .{ending}; browsers decide by the contents and may refuse a file whose type and name disagree")),
        );
    }
}

/// File endings of images in the text and of the cover image.
pub const IMAGE_TYPES: &[&str] = &[
    "png", "apng", "jpg", "jpeg", "gif", "webp", "avif", "svg", "bmp", "ico",
];

/// Checks the files the build publishes as they are, which a reader can
/// open on their own at the city's address, where the page's policy may not
/// apply (GitHub Pages, a bucket, a CMS): an image must have an image's
/// ending, and an SVG image or an HTML transcript must hold nothing that
/// runs script or loads another document (E0199).
pub(crate) fn check_published(
    sink: &mut Sink,
    pos: Pos,
    kind: AssetKind,
    url: &str,
    path: &std::path::Path,
) {
    let ending = ending(url);
    let what = match kind {
        AssetKind::Image if !IMAGE_TYPES.contains(&ending.as_str()) => {
            sink.error(
                "E0199",
                pos,
                if ending.is_empty() {
                    format!("`{url}` is not an image file: its name has no image ending")
                } else {
                    format!("`{url}` is not an image file: it ends in `.{ending}`")
                },
                Some(format!(
                    "images are {}; the build publishes the file as it is, and a web page or script under the story's address would run there",
                    IMAGE_TYPES.iter().map(|t| format!("`.{t}`")).collect::<Vec<_>>().join(", ")
                )),
            );
            return;
        }
        AssetKind::Image | AssetKind::Poster if ending == "svg" => "SVG image",
        AssetKind::Transcript if matches!(ending.as_str(), "html" | "htm") => "HTML transcript",
        _ => return,
    };
    // The whole file: what runs may stand at its end.
    let Ok(bytes) = std::fs::read(path) else {
        return;
    };
    if let Some(found) = active_content(&String::from_utf8_lossy(&bytes)) {
        sink.error(
            "E0199",
            pos,
            format!("the {what} `{url}` holds {found}"),
            Some("the build publishes the file as it is, and a reader who opens it on its own would run it at the story's address; save it again without scripts, event handlers (`onload=`…), frames, forms and `javascript:` links (for a transcript, plain text in a .txt file is simplest)".into()),
        );
    }
}

/// Elements that run script, load or embed another document, or change
/// where the page's links and forms go (lower case, without a namespace
/// prefix). `set` and `animate*` can give an SVG link a `javascript:` address.
const ACTIVE_ELEMENTS: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "foreignobject",
    "base",
    "form",
    "portal",
    "fencedframe",
    "handler",
    "listener",
    "set",
    "animate",
    "animatemotion",
    "animatetransform",
];

/// What in an HTML or SVG text could run script or load another document
/// when the file is opened on its own: an element of [`ACTIVE_ELEMENTS`],
/// an event handler attribute (`on…`), a `<meta http-equiv=refresh>`, an
/// attribute value that is a `javascript:`, `vbscript:` or `data:` address
/// (entities decoded, what browsers strip taken out; pictures as `data:`
/// are fine), an XML style sheet (XSLT) or entity declaration; `None` for
/// none. Deliberately strict: a comment that shows such markup counts too.
pub fn active_content(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("<?xml-stylesheet") {
        return Some("an XML style sheet (`<?xml-stylesheet`), which can run script".into());
    }
    if lower.contains("<!entity") {
        return Some("an entity declaration (`<!ENTITY`), which can hide markup".into());
    }
    let b = lower.as_bytes();
    let mut i = 0;
    while let Some(off) = lower[i..].find('<') {
        let start = i + off + 1;
        i = start;
        let name_end = lower[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '_')))
            .map_or(lower.len(), |e| start + e);
        let full = &lower[start..name_end];
        if full.is_empty() || !b[start].is_ascii_alphabetic() {
            continue;
        }
        let name = full.rsplit(':').next().unwrap_or(full);
        if ACTIVE_ELEMENTS.contains(&name) {
            return Some(format!("a `<{name}>` element"));
        }
        // The attributes, up to the tag's end (quotes respected).
        let mut j = name_end;
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' || b[j] == b'<' {
                break;
            }
            let attr_start = j;
            while j < b.len()
                && !(b[j].is_ascii_whitespace() || matches!(b[j], b'=' | b'>' | b'/' | b'<'))
            {
                j += 1;
            }
            let attr = &lower[attr_start..j];
            let attr_name = attr.rsplit(':').next().unwrap_or(attr);
            if attr_name.starts_with("on") && attr_name.len() > 2 {
                return Some(format!("an event handler (`{attr}=`)"));
            }
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && b[j] == b'=' {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                let value = match b.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = lower[j + 1..]
                            .find(q as char)
                            .map_or(lower.len(), |e| j + 1 + e);
                        let v = &text[j + 1..end];
                        j = (end + 1).min(b.len());
                        v
                    }
                    _ => {
                        let end = lower[j..]
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .map_or(lower.len(), |e| j + e);
                        let v = &text[j..end];
                        j = end;
                        v
                    }
                };
                // `<meta charset>` is in every HTML file; only a refresh
                // leads elsewhere.
                if name == "meta"
                    && attr == "http-equiv"
                    && value.trim().eq_ignore_ascii_case("refresh")
                {
                    return Some("a `<meta http-equiv=refresh>` that leads elsewhere".into());
                }
                let address = twinstory_model::url::clean(&decode_references(value));
                if let Some(scheme) = twinstory_model::url::scheme(&address) {
                    let scheme = scheme.to_ascii_lowercase();
                    // Pictures drawn into an SVG (`<image href="data:image/png…">`)
                    // are common and run nothing.
                    let picture = scheme == "data"
                        && [
                            "image/png",
                            "image/jpeg",
                            "image/gif",
                            "image/webp",
                            "image/avif",
                        ]
                        .iter()
                        .any(|t| address[5..].to_ascii_lowercase().starts_with(t));
                    if !picture && matches!(scheme.as_str(), "javascript" | "vbscript" | "data") {
                        return Some(format!("a `{scheme}:` address (`{attr}=`)"));
                    }
                }
            }
        }
        i = j.max(start);
    }
    None
}

/// Character references as HTML and XML read them in attribute values:
/// numeric ones (the `;` optional, as HTML allows) and the names that can
/// spell a scheme (`&colon;`, `&Tab;`, `&NewLine;`).
fn decode_references(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(num) = rest.strip_prefix('#') {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let len = digits
                .find(|c: char| {
                    !(if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    })
                })
                .unwrap_or(digits.len());
            let n = u32::from_str_radix(&digits[..len.min(8)], if hex { 16 } else { 10 }).ok();
            if let (Some(c), true) = (n.and_then(char::from_u32), len > 0) {
                out.push(c);
                rest = &digits[len..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
                continue;
            }
            out.push('&');
            continue;
        }
        let named = [("colon;", ':'), ("tab;", '\t'), ("newline;", '\n')]
            .into_iter()
            .find(|(n, _)| {
                rest.get(..n.len())
                    .is_some_and(|r| r.eq_ignore_ascii_case(n))
            });
        match named {
            Some((n, c)) => {
                out.push(c);
                rest = &rest[n.len()..];
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// True when a text starts with the WebVTT signature (a byte order mark allowed).
fn is_webvtt(head: &[u8]) -> bool {
    let text = head
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(head);
    text.strip_prefix(b"WEBVTT".as_slice()).is_some_and(|rest| {
        rest.first()
            .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    })
}

/// The type a file's first bytes show (`mp4` for every ISO base media file).
fn sniff(head: &[u8]) -> Option<&'static str> {
    let at = |i: usize, sig: &[u8]| head.get(i..i + sig.len()) == Some(sig);
    if at(0, b"\x1A\x45\xDF\xA3") {
        Some("webm")
    } else if at(4, b"ftyp") {
        Some("mp4")
    } else if at(0, b"OggS") {
        Some("ogg")
    } else if at(0, b"\xFF\xD8\xFF") {
        Some("jpeg")
    } else if at(0, b"ID3") || (head.len() > 1 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
        Some("mp3")
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        Some("wav")
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Some("webp")
    } else if at(0, b"\x89PNG") {
        Some("png")
    } else if at(0, b"GIF8") {
        Some("gif")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_content_is_found_in_its_odd_spellings() {
        for text in [
            "<svg><script>alert(1)</script></svg>",
            "<svg><SCRIPT >alert(1)</SCRIPT></svg>",
            "<svg:svg><svg:script>alert(1)</svg:script></svg:svg>",
            "<svg onload=alert(1)>",
            "<svg><rect\nOnClick = 'alert(1)'/></svg>",
            "<svg><a xlink:href=\" java&#x09;script:alert(1)\"><text>x</text></a></svg>",
            "<svg><a href='&#106;avascript:alert(1)'>x</a></svg>",
            "<svg><a href=&#x6A&#x61vascript&colon;alert(1)>x</a></svg>",
            "<svg><a href=\"data:text/html,&lt;script&gt;\">x</a></svg>",
            "<svg><foreignObject><p>x</p></foreignObject></svg>",
            "<svg><set attributeName=href to=javascript:alert(1) /></svg>",
            "<svg><animate attributeName=href values=javascript:alert(1) /></svg>",
            "<?xml-stylesheet type=\"text/xsl\" href=\"x.xsl\"?><svg/>",
            "<!DOCTYPE svg [<!ENTITY x \"&#60;script>\">]><svg>&x;</svg>",
            "<html><body><iframe src=https://evil.example></iframe>",
            "<html><head><meta http-equiv=refresh content='0;url=https://evil.example'>",
            "<p>Text</p><form action=https://evil.example><input name=pw></form>",
            "<img src=x onerror=alert(1)>",
        ] {
            assert!(active_content(text).is_some(), "{text}");
        }
        for text in [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\" fill=\"#005ca9\"/><text>onion = 3 &lt;script&gt;</text></svg>",
            "<svg><image href=\"data:image/png;base64,iVBORw0KGgo=\" width=\"1\" height=\"1\"/></svg>",
            "<html><body><h1>Interview</h1><p>Frage: Wie <b>oft</b>?</p><a href=\"https://example.org/\">Quelle</a><p>once = twice</p></body></html>",
            "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><link rel=\"stylesheet\" href=\"transcript.css\"><title>T</title></head><body><p>Text</p></body></html>",
            "",
            "<",
            "<svg <<a",
            "ä<ö=ü>",
        ] {
            assert_eq!(active_content(text), None, "{text}");
        }
    }

    #[test]
    fn files_are_told_by_their_first_bytes() {
        assert_eq!(sniff(b"\x1A\x45\xDF\xA3\x01"), Some("webm"));
        assert_eq!(sniff(b"\0\0\0\x20ftypisom"), Some("mp4"));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some("jpeg"));
        assert_eq!(sniff(b"ID3\x04"), Some("mp3"));
        assert_eq!(sniff(b"\xFF\xFB\x90"), Some("mp3"));
        assert_eq!(sniff(b"WEBVTT"), None);
        assert!(is_webvtt(b"WEBVTT\n\n00:00.000 --> 00:01.000\nHallo"));
        assert!(is_webvtt(b"\xEF\xBB\xBFWEBVTT - Kapitel 1\n"));
        assert!(is_webvtt(b"WEBVTT"));
        assert!(!is_webvtt(b"WEBVTTX\n"));
        assert!(!is_webvtt(b"1\n00:00:01,000 --> 00:00:02,000\n"));
    }

    #[test]
    fn endings_ignore_queries_and_case() {
        assert_eq!(ending("media/a.B.WebM?x#y"), "webm");
        assert_eq!(ending("media/noending"), "");
    }
}
