//! `twinstory embed <story-url>`: the HTML to paste into another site
//! (a CMS article, a plain page) so that a published story plays in it;
//! and the host script (`embed.js`) that `build` writes beside every story.
//!
//! The snippet is an `<iframe data-twinstory>` and a `<script>` that loads
//! `embed.js` from the story's folder; neither has a `style` attribute or
//! inline script, so it works under the strictest Content-Security-Policy
//! that allows the story's origin (`docs/embed.md`). The story's half is
//! `embed-frame.js` (and `src/embed.rs` in the player).

use anyhow::{bail, Result};
use std::path::Path;
use twinstory_model::url;

/// The host page's script, served as `embed.js` from each story folder.
pub const HOST_SCRIPT: &str = include_str!("embed.js");
/// The story's half, imported by the page's boot module inside a frame
/// (content-hashed like the player's other files).
pub const FRAME_SCRIPT: &str = include_str!("embed-frame.js");
/// The `<twin-story>` element's module (`--element`), with `{{js}}`,
/// `{{wasm}}`, `{{css}}` and the modules' names for `build` to fill in.
pub const ELEMENT_SCRIPT: &str = include_str!("element.js");
/// Its file name in every story folder: stable, because the snippet names it.
pub const ELEMENT_SCRIPT_NAME: &str = "element.js";
/// The host script's file name: stable, because the pasted snippet names it; served
/// like `index.html` (revalidated, not cached forever).
pub const HOST_SCRIPT_NAME: &str = "embed.js";

/// Writes the host script into a built story folder.
pub fn write_host_script(story_out: &Path) -> Result<()> {
    std::fs::write(story_out.join(HOST_SCRIPT_NAME), HOST_SCRIPT)?;
    Ok(())
}

/// A story's address, read for embedding.
#[derive(Debug, PartialEq, Eq)]
pub struct StoryUrl {
    /// What the frame loads (the story folder, `/` at the end).
    pub page: String,
    /// The story folder, where `embed.js` is.
    pub folder: String,
    /// `scheme://host[:port]`, for the host page's CSP.
    pub origin: String,
    /// The folder's last name, the frame's title unless one is given.
    pub slug: String,
}

/// Reads the address of a published story: `http(s)`, with a host, the
/// story folder or its `index.html`; no fragment (the host page's own
/// fragment opens a step).
pub fn read_story_url(raw: &str) -> Result<StoryUrl> {
    let example = "e.g. `twinstory embed https://geschichten.example.org/radwege/`";
    let u = url::clean(raw);
    if u.is_empty() {
        bail!("the story address is empty; give the full address of a published story, {example}");
    }
    if !url::is_http(&u) {
        bail!(
            "`{raw}` is not the web address of a published story: it must start with https:// \
             (or http://) and name a host; {example}"
        );
    }
    if let Some(c) = u
        .chars()
        .find(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\'))
    {
        bail!("`{raw}` contains {c:?}, which a web address cannot hold; copy the address from the browser's address bar");
    }
    if u.contains('#') {
        bail!(
            "`{raw}` has a #fragment; give the story's address without it (a link to the host \
             page with #<step-id> opens that step)"
        );
    }
    // `https://user:password@host/…`: browsers refuse frames and scripts
    // whose address holds credentials, and the snippet is public.
    let authority = u
        .split_once("://")
        .map_or("", |(_, rest)| rest.split(['/', '?']).next().unwrap_or(""));
    if authority.contains('@') {
        bail!(
            "`{raw}` holds a user name or password before the host; browsers do not load frames or scripts from such addresses and readers would see it: give the story's public address, {example}"
        );
    }
    let Some(origin) = url::origin(&u) else {
        bail!("`{raw}` names no host that a browser could load; {example}");
    };
    let (before_query, query) = match u.split_once('?') {
        Some((a, q)) => (a.to_string(), format!("?{q}")),
        None => (u.clone(), String::new()),
    };
    let scheme_end = before_query.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = before_query[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(before_query.len());
    let mut path = before_query[path_start..].to_string();
    if path.is_empty() {
        path.push('/');
    }
    let last = path.rsplit('/').next().unwrap_or("").to_string();
    if last == "index.html" {
        path.truncate(path.len() - last.len());
    } else if !last.is_empty() {
        if last.contains('.') {
            bail!(
                "`{raw}` points to the file `{last}`, not to a story; give the address of the \
                 story's folder (where `twinstory build` wrote its index.html), {example}"
            );
        }
        path.push('/');
    }
    let base = &before_query[..path_start];
    let folder = format!("{base}{path}");
    let slug = path
        .split('/')
        .rfind(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| origin.split("://").nth(1).unwrap_or("").to_string());
    Ok(StoryUrl {
        page: format!("{folder}{query}"),
        folder,
        origin,
        slug,
    })
}

/// The snippet to paste.
pub fn snippet(story: &StoryUrl, title: Option<&str>) -> String {
    let esc = crate::build::escape;
    let title = title.unwrap_or(&story.slug);
    format!(
        "<iframe src=\"{}\" title=\"{}\" data-twinstory scrolling=\"no\"></iframe>\n\
         <script src=\"{}{HOST_SCRIPT_NAME}\" defer></script>\n",
        esc(&story.page),
        esc(title),
        esc(&story.folder),
    )
}

/// The snippet of the element mode: a `<twin-story>` element and the
/// module that defines it. The element holds a link to the story, named
/// `title` (default: the folder's name): what readers see where the story
/// cannot start (no JavaScript, a module the page's policy or a missing
/// CORS header blocks); once it starts, its shadow root hides the link,
/// and a start that fails shows it beside its message.
pub fn element_snippet(story: &StoryUrl, title: Option<&str>) -> String {
    let esc = crate::build::escape;
    format!(
        "<twin-story src=\"{f}\"><a href=\"{f}\">{}</a></twin-story>\n\
         <script type=\"module\" src=\"{f}{ELEMENT_SCRIPT_NAME}\"></script>\n",
        esc(title.unwrap_or(&story.slug)),
        f = esc(&story.folder),
    )
}

/// `twinstory embed --element`: the snippet on stdout, what the host page
/// must allow and the story's server must send on stderr.
pub fn run_element(raw: &str, title: Option<&str>) -> Result<()> {
    let story = read_story_url(raw)?;
    print!("{}", element_snippet(&story, title));
    eprintln!(
        "Paste these two lines where the story should appear. If the page sends a \
         Content-Security-Policy, its script-src must have 'wasm-unsafe-eval' (the player is \
         WebAssembly and runs in the page, also from the page's own origin), and it must allow \
         the story's origin (unless it is the page's own):\n  \
         script-src 'wasm-unsafe-eval' {o}; style-src {o}; connect-src {o}; img-src {o}\n\
         and, when the story's `theme` brings font files, font-src {o}; when it has video or \
         audio, media-src {o};\n\
         and the story's server must send `Access-Control-Allow-Origin: *` (or the page's origin) \
         with the story's files (see docs/embed.md; the story's folder must have been built by \
         this twinstory or a newer one, which writes {ELEMENT_SCRIPT_NAME}).",
        o = story.origin
    );
    if title.is_none() {
        eprintln!(
            "Where the story cannot start (no JavaScript, a blocked script), readers see a link to it named `{}`; name the story with --title.",
            story.slug
        );
    }
    Ok(())
}

/// `twinstory embed`: the snippet on stdout, what the host page must allow
/// on stderr.
pub fn run(raw: &str, title: Option<&str>) -> Result<()> {
    let story = read_story_url(raw)?;
    print!("{}", snippet(&story, title));
    eprintln!(
        "Paste these two lines where the story should appear. If the page sends a \
         Content-Security-Policy, it must allow the story's origin:\n  \
         frame-src {o}; script-src {o}\n(see docs/embed.md; the story's folder must have \
         been built by this twinstory or a newer one, which writes {HOST_SCRIPT_NAME}).",
        o = story.origin
    );
    if title.is_none() {
        eprintln!(
            "The frame's title, which screen readers announce, is `{}`; name the story with --title.",
            story.slug
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_story_folder_with_or_without_slash_or_index_html() {
        for raw in [
            "https://geschichten.example.org/radwege/",
            "https://geschichten.example.org/radwege",
            " https://geschichten.example.org/radwege/index.html\n",
        ] {
            let s = read_story_url(raw).unwrap();
            assert_eq!(s.page, "https://geschichten.example.org/radwege/", "{raw}");
            assert_eq!(s.folder, "https://geschichten.example.org/radwege/");
            assert_eq!(s.origin, "https://geschichten.example.org");
            assert_eq!(s.slug, "radwege");
        }
        let s = read_story_url("http://127.0.0.1:8080").unwrap();
        assert_eq!(s.page, "http://127.0.0.1:8080/");
        assert_eq!(s.origin, "http://127.0.0.1:8080");
        let s = read_story_url("https://x.example/player/?story=a/story.json").unwrap();
        assert_eq!(s.page, "https://x.example/player/?story=a/story.json");
        assert_eq!(s.folder, "https://x.example/player/");
    }

    #[test]
    fn addresses_that_cannot_be_embedded_say_why() {
        for (raw, says) in [
            ("", "empty"),
            ("stories/radwege", "must start with https://"),
            ("javascript:alert(1)", "must start with https://"),
            ("ftp://x.example/a/", "must start with https://"),
            ("https://x.example/a/#step-2", "#fragment"),
            ("https://x.example/a b/", "cannot hold"),
            ("https://x.example/a\"onload=\"x/", "cannot hold"),
            (
                "https://x.example/radwege/story.json",
                "points to the file `story.json`",
            ),
            (
                "https://redaktion:geheim@x.example/a/",
                "user name or password",
            ),
            ("https://redaktion@x.example/a/", "user name or password"),
        ] {
            let e = read_story_url(raw).unwrap_err().to_string();
            assert!(e.contains(says), "{raw}: {e}");
        }
    }

    #[test]
    fn the_snippet_has_no_style_and_no_inline_script() {
        let s = read_story_url("https://x.example/radwege/").unwrap();
        let html = snippet(&s, Some("Radwege & <Ampeln>"));
        assert_eq!(
            html,
            "<iframe src=\"https://x.example/radwege/\" title=\"Radwege &amp; &lt;Ampeln&gt;\" data-twinstory scrolling=\"no\"></iframe>\n\
             <script src=\"https://x.example/radwege/embed.js\" defer></script>\n"
        );
        assert!(!html.contains("style"));
    }

    #[test]
    fn the_element_snippet_names_the_folder_and_its_module() {
        let s = read_story_url("https://x.example/radwege").unwrap();
        assert_eq!(
            element_snippet(&s, None),
            "<twin-story src=\"https://x.example/radwege/\"><a href=\"https://x.example/radwege/\">radwege</a></twin-story>\n\
             <script type=\"module\" src=\"https://x.example/radwege/element.js\"></script>\n"
        );
        assert!(element_snippet(&s, Some("Radwege & <Ampeln>"))
            .contains("<a href=\"https://x.example/radwege/\">Radwege &amp; &lt;Ampeln&gt;</a>"));
    }

    #[test]
    fn the_element_module_has_a_slot_for_every_player_file() {
        for slot in [
            "js",
            "wasm",
            "css",
            "author_js",
            "author_wasm",
            "sources_js",
            "sources_wasm",
            "play_js",
            "play_wasm",
            "basemap_js",
            "basemap_wasm",
            "fonts_css",
        ] {
            assert!(
                ELEMENT_SCRIPT.contains(&format!("'{{{{{slot}}}}}'")),
                "{slot}"
            );
        }
        assert!(!ELEMENT_SCRIPT.contains("innerHTML") && !ELEMENT_SCRIPT.contains("eval("));
    }
}
