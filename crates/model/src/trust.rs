//! What the player accepts from what it downloads.
//!
//! A story's step HTML comes from `twinstory build`, which renders Markdown
//! to safe HTML — but the player cannot know that a `story.json` came from
//! there. So it rebuilds that HTML element by element from the allow-list
//! here ([`element_rule`], [`attribute_value`]), and a story opened with
//! `?story=<url>` may only come from, and make the browser contact, the
//! origins the page allows ([`OriginPolicy`]). The rules are plain functions
//! so that they are tested on the host; the player only walks the DOM.

use crate::url::{clean, is_http_scheme, is_link_scheme, is_scheme_relative, scheme};

/// What the player does with an element of step HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementRule {
    /// Built anew, with the attributes [`attribute_value`] lets through.
    Keep,
    /// Left out, its children (text and allowed elements) kept in its place.
    Unwrap,
    /// Left out with everything in it: content that is code, styling,
    /// another document or another markup language, never text to read.
    Drop,
}

/// The elements the Markdown renderer of `twinstory build` writes.
const KEPT: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "code",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "del",
    "a",
    "img",
    "figure",
    "figcaption",
    "small",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "nav",
    "video",
    "audio",
    "track",
    "button",
    "dialog",
    "details",
    "summary",
];

/// Elements whose content is not text for the reader.
const DROPPED: &[&str] = &[
    "script",
    "style",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "noscript",
    "noembed",
    "noframes",
    "svg",
    "math",
    "head",
    "title",
    "textarea",
    "select",
    "option",
    "canvas",
    "applet",
    "param",
    "source",
    "link",
    "meta",
    "base",
    "portal",
    "fencedframe",
];

/// The rule for an element by its lower-case local name (HTML namespace).
///
/// # Examples
/// ```
/// use twinstory_model::trust::{element_rule, ElementRule};
/// assert_eq!(element_rule("p"), ElementRule::Keep);
/// assert_eq!(element_rule("form"), ElementRule::Unwrap);
/// assert_eq!(element_rule("script"), ElementRule::Drop);
/// ```
pub fn element_rule(tag: &str) -> ElementRule {
    if KEPT.contains(&tag) {
        ElementRule::Keep
    } else if DROPPED.contains(&tag) {
        ElementRule::Drop
    } else {
        ElementRule::Unwrap
    }
}

/// The value to give attribute `name` of a kept element `tag`, or `None`
/// to leave it out. Names are lower case (as the HTML parser gives them).
/// `href` and `src` keep only the addresses [`link_allowed`] and
/// [`image_allowed`] accept; `class` only the classes the renderer writes;
/// styles never (see [`cell_alignment`] for table cells).
///
/// # Examples
/// ```
/// use twinstory_model::trust::attribute_value;
/// assert_eq!(attribute_value("a", "href", "https://x.org"), Some("https://x.org".into()));
/// assert_eq!(attribute_value("a", "href", "javascript:alert(1)"), None);
/// assert_eq!(attribute_value("p", "onclick", "alert(1)"), None);
/// ```
pub fn attribute_value(tag: &str, name: &str, value: &str) -> Option<String> {
    let ok = match (tag, name) {
        ("a", "href") => return link_allowed(value).then(|| clean(value)),
        ("img", "src") => return image_allowed(value).then(|| clean(value)),
        ("video" | "audio" | "track", "src") | ("video", "poster") => {
            return media_allowed(value).then(|| clean(value))
        }
        ("img", "srcset") => srcset_allowed(value),
        ("ol", "start") | ("img", "width" | "height") => {
            !value.is_empty() && value.len() < 10 && value.bytes().all(|b| b.is_ascii_digit())
        }
        // The cover the story compiler writes (`intro`).
        ("p", "class") => matches!(value, "ts-summary" | "ts-byline" | "ts-translations"),
        ("figure", "class") => value == "ts-cover",
        ("nav", "class") => value == "ts-toc",
        ("nav", "aria-label") => true,
        // The dialog of an image that opens larger, and its buttons.
        ("button", "commandfor") | ("dialog", "id") => value
            .strip_prefix("ts-img-")
            .is_some_and(|n| !n.is_empty() && n.len() < 7 && n.bytes().all(|b| b.is_ascii_digit())),
        // A chart's table (`twinstory build` draws ```chart blocks): its
        // rows are focusable and name the map feature they stand for.
        ("tr", "tabindex") => value == "0",
        ("tr", "data-layer" | "data-feature") => is_layer_id(value),
        ("code", "class") => value.strip_prefix("language-").is_some_and(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+'))
        }),
        // Classes: only those the renderer writes (the player's own
        // classes would let a story pose as its controls).
        ("small", "class") => value == "credit",
        ("video", "class") => value == "autoplay",
        ("button", "class") => value == "ts-enlarge" || value == "ts-lightbox-close",
        ("dialog", "class") => value == "ts-lightbox",
        ("button", "type") => value == "button",
        // Only to open and close an image's own dialog.
        ("button", "command") => value == "show-modal" || value == "close",
        ("dialog", "closedby") => value == "any",
        _ => ANY.contains(&(tag, name)),
    };
    ok.then(|| value.to_string())
}

/// Attributes whose value cannot load, run or hide anything, so any value
/// is kept: text, and the settings of media, images and dialogs.
const ANY: &[(&str, &str)] = &[
    ("a", "title"),
    // The cover's links to the story in other languages (language tags).
    ("a", "hreflang"),
    ("a", "lang"),
    ("img", "title"),
    ("img", "alt"),
    ("img", "loading"),
    ("img", "decoding"),
    ("img", "sizes"),
    ("video", "controls"),
    ("audio", "controls"),
    ("video", "loop"),
    ("audio", "loop"),
    ("video", "playsinline"),
    ("video", "muted"),
    ("video", "preload"),
    ("audio", "preload"),
    ("track", "kind"),
    ("track", "default"),
    ("track", "srclang"),
    ("track", "label"),
    ("button", "aria-haspopup"),
    ("dialog", "aria-label"),
];

/// The `sizes` of every image in the text, as the build writes it: the
/// whole window on phones, at most the widest text column (46rem).
pub const IMAGE_SIZES: &str = "(max-width: 46rem) 100vw, 46rem";
/// The SVG elements of a chart (what `twinstory build` draws for a
/// `chart` block): shapes, text and the drawing's name and description.
/// Never `script`, `foreignObject`, `a`, `use`, `image`, `style`, `animate`
/// or `set` (code, other documents, addresses, or attributes changed later).
const SVG_KEPT: &[&str] = &[
    "svg", "g", "rect", "line", "polyline", "circle", "text", "title", "desc",
];

/// Attributes of a chart's SVG elements that hold plain numbers.
const SVG_NUMBERS: &[&str] = &[
    "viewBox",
    "points",
    "x",
    "y",
    "width",
    "height",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "stroke-width",
    "fill-opacity",
    "stroke-opacity",
    "font-size",
];

/// The rule for an element in the SVG namespace, by its local name (case
/// as written: SVG names are case-sensitive): [`ElementRule::Keep`] for the
/// elements of a chart, [`ElementRule::Drop`] for every other, with what
/// is in it.
///
/// # Examples
/// ```
/// use twinstory_model::trust::{svg_element_rule, ElementRule};
/// assert_eq!(svg_element_rule("rect"), ElementRule::Keep);
/// assert_eq!(svg_element_rule("script"), ElementRule::Drop);
/// assert_eq!(svg_element_rule("foreignObject"), ElementRule::Drop);
/// ```
pub fn svg_element_rule(tag: &str) -> ElementRule {
    if SVG_KEPT.contains(&tag) {
        ElementRule::Keep
    } else {
        ElementRule::Drop
    }
}

/// Whether a kept SVG element may keep attribute `name` with this value:
/// geometry as plain numbers, colours as `#hex`, `currentColor` or `none`,
/// `role="img"`, `text-anchor`, and the feature a bar stands for. Never
/// `style`, `href` (also `xlink:href`), `on…`, `filter`, `mask` or any
/// attribute that could name an address or run code.
///
/// # Examples
/// ```
/// use twinstory_model::trust::svg_attribute_allowed;
/// assert!(svg_attribute_allowed("fill", "#005ca9"));
/// assert!(!svg_attribute_allowed("fill", "url(https://evil.example/#p)"));
/// assert!(!svg_attribute_allowed("onload", "alert(1)"));
/// assert!(svg_attribute_allowed("width", "12.5"));
/// ```
pub fn svg_attribute_allowed(name: &str, value: &str) -> bool {
    match name {
        "fill" | "stroke" => {
            matches!(value, "currentColor" | "none")
                || value.strip_prefix('#').is_some_and(|h| {
                    matches!(h.len(), 3 | 6) && h.bytes().all(|b| b.is_ascii_hexdigit())
                })
        }
        "role" => value == "img",
        "text-anchor" => matches!(value, "start" | "middle" | "end"),
        "data-layer" | "data-feature" => is_layer_id(value),
        // Digits, `.`, `-`, spaces and commas: no unit, function or name.
        _ => {
            SVG_NUMBERS.contains(&name)
                && value.len() < 4096
                && value.bytes().any(|b| b.is_ascii_digit())
                && value
                    .bytes()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b' ' | b','))
        }
    }
}

/// A layer id as stories write them: letters, digits, `-` and `_`.
fn is_layer_id(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 100
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// The `text-align` of a table cell from the `style` the Markdown renderer
/// writes for aligned columns (`text-align: center`); the player sets it
/// through the CSS object model, which a strict CSP allows.
///
/// # Examples
/// ```
/// use twinstory_model::trust::cell_alignment;
/// assert_eq!(cell_alignment("td", "text-align: right"), Some("right"));
/// assert_eq!(cell_alignment("td", "background: url(x)"), None);
/// ```
pub fn cell_alignment(tag: &str, style: &str) -> Option<&'static str> {
    if !matches!(tag, "th" | "td") {
        return None;
    }
    let (prop, value) = style.trim().trim_end_matches(';').split_once(':')?;
    if !prop.trim().eq_ignore_ascii_case("text-align") {
        return None;
    }
    ["left", "center", "right"]
        .into_iter()
        .find(|a| value.trim().eq_ignore_ascii_case(a))
}

/// True for a link target the player keeps: `http:`, `https:`, `mailto:`,
/// a path relative to the story, or a `#fragment`. Never `javascript:`,
/// `data:`, `vbscript:` or a scheme-relative `//host`.
///
/// # Examples
/// ```
/// use twinstory_model::trust::link_allowed;
/// assert!(link_allowed("#step-2"));
/// assert!(!link_allowed(" JaVa\tScRiPt:alert(1)"));
/// assert!(!link_allowed("//evil.example/"));
/// ```
pub fn link_allowed(url: &str) -> bool {
    let url = clean(url);
    if url.is_empty() || is_scheme_relative(&url) {
        return false;
    }
    link_scheme_allowed(&url)
}

/// True when a (cleaned) address has no scheme or one a link may have
/// (`http`, `https`, `mailto`); scheme-relative `//host` passes here.
///
/// # Examples
/// ```
/// use twinstory_model::trust::link_scheme_allowed;
/// assert!(link_scheme_allowed("images/a:b.png"));
/// assert!(link_scheme_allowed("MAILTO:a@b.example"));
/// assert!(!link_scheme_allowed("vbscript:x"));
/// ```
pub fn link_scheme_allowed(url: &str) -> bool {
    scheme(url).is_none_or(is_link_scheme)
}

/// True for an image address the player keeps: `http:`, `https:` or a path
/// relative to the story (not `data:`, `blob:` or a scheme-relative `//host`).
///
/// # Examples
/// ```
/// use twinstory_model::trust::image_allowed;
/// assert!(image_allowed("images/slide.jpg"));
/// assert!(!image_allowed("data:image/svg+xml,<svg onload=alert(1)>"));
/// ```
pub fn image_allowed(url: &str) -> bool {
    let url = clean(url);
    if url.is_empty() || url.starts_with('#') || is_scheme_relative(&url) {
        return false;
    }
    match scheme(&url) {
        None => true,
        Some(s) => is_http_scheme(s),
    }
}

/// True for the address of a video, audio, captions file or poster: only a
/// path relative to the story (the build writes `media/<name>-<hash>.<ext>`),
/// so media come from where the story comes from and never from a third
/// party; no scheme, no `//host`, no `/`-rooted path, no `#`.
///
/// # Examples
/// ```
/// use twinstory_model::trust::media_allowed;
/// assert!(media_allowed("media/walk-1a2b3c4d.webm"));
/// assert!(!media_allowed("https://cdn.example/walk.webm"));
/// assert!(!media_allowed("/media/walk.webm"));
/// ```
pub fn media_allowed(url: &str) -> bool {
    let url = clean(url);
    !url.is_empty()
        && !url.starts_with(['#', '/', '\\'])
        && !is_scheme_relative(&url)
        && scheme(&url).is_none()
}

/// True for a `srcset` as the build writes it: comma-separated candidates
/// `<relative path> <width>w`, each path one [`media_allowed`] accepts.
///
/// # Examples
/// ```
/// use twinstory_model::trust::srcset_allowed;
/// assert!(srcset_allowed("media/a-480w-0f1e.jpg 480w, img/a.jpg 1200w"));
/// assert!(!srcset_allowed("https://evil.example/a.png 1x"));
/// ```
pub fn srcset_allowed(value: &str) -> bool {
    !value.is_empty()
        && value.split(',').all(|candidate| {
            let mut parts = candidate.split_ascii_whitespace();
            let (url, w, rest) = (parts.next(), parts.next(), parts.next());
            let digits = w.and_then(|w| w.strip_suffix('w')).unwrap_or("");
            rest.is_none()
                && url.is_some_and(media_allowed)
                && !digits.is_empty()
                && digits.len() < 6
                && digits.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Why an address is not loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A scheme that never loads a story or its data (`data:`, `blob:`,
    /// `javascript:`, `file:` …), in lower case.
    Scheme(String),
    /// An `http(s)` origin the page does not list.
    Origin(String),
    /// Not an absolute address.
    Invalid,
}

/// The origin (`scheme://host[:port]`, lower case, without a default port)
/// of an absolute `http:` or `https:` URL.
///
/// # Examples
/// ```
/// use twinstory_model::trust::origin_of;
/// assert_eq!(origin_of("HTTPS://Example.org:443/a?b#c"), Ok("https://example.org".into()));
/// assert_eq!(origin_of("http://user@evil.example:8080/"), Ok("http://evil.example:8080".into()));
/// assert!(origin_of("data:text/html,x").is_err());
/// ```
pub fn origin_of(url: &str) -> Result<String, Refusal> {
    let cleaned = clean(url);
    let scheme = scheme(&cleaned)
        .ok_or(Refusal::Invalid)?
        .to_ascii_lowercase();
    if !is_http_scheme(&scheme) {
        return Err(Refusal::Scheme(scheme));
    }
    crate::url::origin(&cleaned).ok_or(Refusal::Invalid)
}

/// Where a story opened with `?story=<url>` may come from, and which
/// servers it may make the reader's browser contact: the page's own origin
/// and the origins the deployer lists in
/// `<meta name="twinstory-story-origins">`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginPolicy {
    allowed: Vec<String>,
}

impl OriginPolicy {
    /// The page's origin plus the listed ones (space-separated, as in the
    /// meta tag; entries that are not `http(s)` origins are ignored).
    ///
    /// # Examples
    /// ```
    /// use twinstory_model::trust::{OriginPolicy, Refusal};
    /// let p = OriginPolicy::new("https://city.example", "https://data.example");
    /// assert!(p.check("https://data.example/story.json").is_ok());
    /// assert_eq!(p.check("https://evil.example/s.json"), Err(Refusal::Origin("https://evil.example".into())));
    /// ```
    pub fn new(page_origin: &str, listed: &str) -> Self {
        let allowed = std::iter::once(page_origin)
            .chain(listed.split_ascii_whitespace())
            .filter_map(|o| origin_of(o).ok())
            .collect();
        Self { allowed }
    }

    /// Whether the browser may load `url` (absolute): only `http(s)` from
    /// an allowed origin; `data:`, `blob:`, `javascript:` and every other
    /// scheme are always refused.
    pub fn check(&self, url: &str) -> Result<(), Refusal> {
        let origin = origin_of(url)?;
        if self.allowed.contains(&origin) {
            Ok(())
        } else {
            Err(Refusal::Origin(origin))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Addresses no link or image may keep, in the forms browsers accept.
    const BAD_URLS: &[&str] = &[
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\u{1}javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java\rscript:alert(1)",
        "javascript\t:alert(1)",
        "\u{0}javascript:alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        " data:image/svg+xml,<svg onload=alert(1)>",
        "blob:https://city.example/0f1e",
        "file:///etc/passwd",
        "//evil.example/x.png",
        "\\\\evil.example/x.png",
        "/\\evil.example/x.png",
        "\\/evil.example/x.png",
        " //evil.example",
        "",
        "   ",
    ];

    #[test]
    fn svg_keeps_only_a_charts_shapes_and_plain_values() {
        for tag in [
            "svg", "g", "rect", "line", "polyline", "circle", "text", "title", "desc",
        ] {
            assert_eq!(svg_element_rule(tag), ElementRule::Keep, "{tag}");
        }
        for tag in [
            "script",
            "foreignObject",
            "foreignobject",
            "a",
            "use",
            "image",
            "style",
            "animate",
            "set",
            "animateTransform",
            "iframe",
            "feImage",
            "pattern",
            "filter",
            "mask",
        ] {
            assert_eq!(svg_element_rule(tag), ElementRule::Drop, "{tag}");
        }
        let refused = [
            ("onload", "alert(1)"),
            ("onmouseover", "1"),
            ("style", "fill:red"),
            ("href", "#x"),
            ("xlink:href", "javascript:alert(1)"),
            ("fill", "url(#p)"),
            ("fill", "url(https://evil.example/x.svg#p)"),
            ("fill", "#12345g"),
            ("stroke", "red"),
            ("width", "calc(1px)"),
            ("width", "1e999"),
            ("width", "NaN"),
            ("width", ""),
            ("width", "-"),
            ("points", "1,2 javascript:3"),
            ("role", "button"),
            ("data-feature", "1; alert(1)"),
            ("data-layer", "a\"b"),
            ("text-anchor", "url(x)"),
            ("filter", "url(#f)"),
            ("mask", "url(#m)"),
            ("clip-path", "url(#c)"),
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("tabindex", "0"),
            ("transform", "1 2"),
            ("id", "1"),
            ("class", "1"),
        ];
        for (name, value) in refused {
            assert!(!svg_attribute_allowed(name, value), "{name}={value}");
        }
        let kept = [
            ("viewBox", "0 0 400 384"),
            ("role", "img"),
            ("data-layer", "versorgung"),
            ("data-feature", "12"),
            ("fill", "#006529"),
            ("stroke", "currentColor"),
            ("fill", "none"),
            ("points", "52,178 120.5,-3"),
            ("font-size", "14"),
            ("text-anchor", "end"),
            ("stroke-opacity", "0.3"),
        ];
        for (name, value) in kept {
            assert!(svg_attribute_allowed(name, value), "{name}={value}");
        }
        // The HTML around a chart.
        assert_eq!(element_rule("details"), ElementRule::Keep);
        assert_eq!(element_rule("summary"), ElementRule::Keep);
        assert_eq!(attribute_value("tr", "tabindex", "0").as_deref(), Some("0"));
        assert_eq!(attribute_value("tr", "tabindex", "5"), None);
        assert_eq!(attribute_value("tr", "data-feature", "1 2"), None);
        assert_eq!(
            attribute_value("tr", "data-feature", "7").as_deref(),
            Some("7")
        );
        assert_eq!(attribute_value("tr", "onfocus", "alert(1)"), None);
        assert_eq!(attribute_value("figure", "class", "ts-main"), None);
        assert_eq!(attribute_value("details", "open", ""), None);
    }

    #[test]
    fn links_and_images_refuse_script_and_foreign_schemes() {
        for bad in BAD_URLS {
            assert!(!link_allowed(bad), "link {bad:?}");
            assert!(!image_allowed(bad), "image {bad:?}");
            assert_eq!(attribute_value("a", "href", bad), None, "{bad:?}");
            assert_eq!(attribute_value("img", "src", bad), None, "{bad:?}");
        }
    }

    #[test]
    fn links_and_images_keep_what_the_renderer_writes() {
        for ok in [
            "https://x.org/a?b=1&c=2",
            "HTTP://x",
            "images/a.png",
            "../a%20b.png",
            "a/b:c",
            "/root.png",
        ] {
            assert!(link_allowed(ok), "link {ok}");
            assert!(image_allowed(ok), "image {ok}");
        }
        assert!(link_allowed("mailto:a@b.c"));
        assert!(!image_allowed("mailto:a@b.c"));
        assert!(link_allowed("#step-2"));
        assert!(!image_allowed("#x"));
        // Entities are decoded by the parser before the check; what is
        // left undecoded is a harmless relative path.
        assert!(link_allowed("&#106;avascript:alert(1)"));
        assert_eq!(
            attribute_value("a", "href", " https://x.org\t"),
            Some("https://x.org".into())
        );
    }

    #[test]
    fn elements_follow_the_allow_list() {
        for keep in [
            "p",
            "a",
            "img",
            "figure",
            "figcaption",
            "small",
            "table",
            "td",
            "del",
            "br",
            "video",
            "audio",
            "track",
            "button",
            "dialog",
            "details",
            "summary",
        ] {
            assert_eq!(element_rule(keep), ElementRule::Keep, "{keep}");
        }
        for drop in [
            "script", "style", "iframe", "object", "embed", "template", "svg", "math", "base",
            "meta", "link", "noscript", "textarea", "source", "canvas",
        ] {
            assert_eq!(element_rule(drop), ElementRule::Drop, "{drop}");
        }
        for unwrap in [
            "form", "input", "div", "span", "font", "u", "marquee", "xmp", "body",
        ] {
            assert_eq!(element_rule(unwrap), ElementRule::Unwrap, "{unwrap}");
        }
        // Upper-case names are not HTML-namespace names from the parser.
        assert_eq!(element_rule("SCRIPT"), ElementRule::Unwrap);
    }

    #[test]
    fn attributes_follow_the_allow_list() {
        for (tag, name, value) in [
            ("img", "onerror", "alert(1)"),
            ("p", "onclick", "alert(1)"),
            ("a", "onmouseover", "alert(1)"),
            ("p", "style", "position:fixed;inset:0"),
            ("a", "style", "x"),
            ("td", "style", "text-align: center"),
            ("iframe", "srcdoc", "<script>alert(1)</script>"),
            ("button", "formaction", "javascript:alert(1)"),
            ("a", "target", "_top"),
            ("a", "ping", "https://evil.example"),
            ("img", "srcset", "https://evil.example/a.png 1x"),
            ("img", "usemap", "#m"),
            ("p", "id", "ts-map-help"),
            ("p", "class", "ts-error"),
            ("small", "class", "credit ts-error"),
            ("code", "class", "language-x\" onclick=\"y"),
            ("code", "class", "ts-error"),
            ("ol", "start", "1; x"),
            ("p", "class", "ts-translations ts-error"),
            ("a", "xlink:href", "javascript:alert(1)"),
            ("meta", "http-equiv", "refresh"),
            ("meta", "content", "0;url=javascript:alert(1)"),
            ("base", "href", "https://evil.example/"),
            ("form", "action", "https://evil.example/"),
            ("video", "autoplay", ""),
            ("audio", "autoplay", ""),
            ("video", "onplay", "alert(1)"),
            ("video", "onerror", "alert(1)"),
            ("track", "onload", "alert(1)"),
            ("video", "src", "https://cdn.example/a.webm"),
            ("video", "src", "//evil.example/a.webm"),
            ("video", "src", "/media/a.webm"),
            ("video", "src", "blob:https://city.example/0f1e"),
            ("video", "poster", "https://tracker.example/p.gif"),
            ("audio", "src", "data:audio/mp3;base64,AA"),
            ("track", "src", "https://evil.example/c.vtt"),
            ("video", "class", "ts-error"),
            ("video", "style", "x"),
            ("video", "crossorigin", "anonymous"),
            ("img", "srcset", "media/a.jpg 1x"),
            (
                "img",
                "srcset",
                "media/a.jpg 480w, https://evil.example/b.jpg 960w",
            ),
            ("img", "srcset", "media/a.jpg"),
            ("img", "width", "100%"),
            ("button", "type", "submit"),
            ("button", "formaction", "https://evil.example/"),
            ("button", "onclick", "alert(1)"),
            ("button", "command", "toggle-popover"),
            ("button", "command", "--custom"),
            ("button", "commandfor", "ts-map-help"),
            ("button", "popovertarget", "ts-img-1"),
            ("dialog", "id", "ts-map-description"),
            ("dialog", "id", "ts-img-1x"),
            ("dialog", "open", ""),
            ("dialog", "class", "ts-error"),
            ("video", "class", "ts-step"),
            ("button", "class", "ts-retry"),
            ("button", "command", "show-popover"),
            ("dialog", "closedby", "none"),
            ("dialog", "onclose", "alert(1)"),
        ] {
            assert_eq!(
                attribute_value(tag, name, value),
                None,
                "{tag} {name}={value}"
            );
        }
        for (tag, name, value) in [
            ("img", "alt", "\"><script>alert(1)</script>"),
            ("a", "title", "x"),
            ("img", "loading", "lazy"),
            ("ol", "start", "3"),
            ("small", "class", "credit"),
            ("code", "class", "language-rust"),
            ("video", "src", "media/walk-1a2b.webm"),
            ("video", "poster", "media/walk-1a2b.jpg"),
            ("track", "src", "media/walk-1a2b.vtt"),
            ("video", "preload", "metadata"),
            ("video", "class", "autoplay"),
            ("track", "kind", "captions"),
            ("track", "srclang", "de-CH"),
            ("track", "label", "Deutsch"),
            ("a", "hreflang", "en"),
            ("a", "lang", "de-CH"),
            ("p", "class", "ts-translations"),
            (
                "img",
                "srcset",
                "media/a-480w-1a2b.jpg 480w, img/a.jpg 1200w",
            ),
            ("img", "sizes", "(max-width: 40em) 100vw, 36em"),
            ("img", "width", "1200"),
            ("img", "decoding", "async"),
            ("button", "type", "button"),
            ("button", "command", "show-modal"),
            ("button", "commandfor", "ts-img-12"),
            ("dialog", "id", "ts-img-12"),
            ("dialog", "aria-label", "Kinder auf einer Rutsche"),
            ("dialog", "closedby", "any"),
        ] {
            assert_eq!(
                attribute_value(tag, name, value),
                Some(value.into()),
                "{tag} {name}"
            );
        }
    }

    #[test]
    fn media_keep_only_addresses_of_the_story() {
        assert_eq!(
            attribute_value("video", "controls", ""),
            Some(String::new())
        );
        assert_eq!(attribute_value("track", "default", ""), Some(String::new()));
        // Never `autoplay`, in any spelling the parser gives.
        for name in ["autoplay", "onplay", "onloadeddata", "style", "crossorigin"] {
            assert_eq!(attribute_value("video", name, ""), None, "{name}");
            assert_eq!(attribute_value("audio", name, ""), None, "{name}");
        }
        for bad in BAD_URLS {
            assert!(!media_allowed(bad), "media {bad:?}");
            assert_eq!(attribute_value("video", "src", bad), None, "{bad:?}");
            assert_eq!(attribute_value("track", "src", bad), None, "{bad:?}");
        }
    }

    #[test]
    fn only_plain_alignments_of_table_cells() {
        assert_eq!(cell_alignment("th", "text-align: center"), Some("center"));
        assert_eq!(cell_alignment("td", "TEXT-ALIGN:LEFT;"), Some("left"));
        assert_eq!(cell_alignment("p", "text-align: center"), None);
        assert_eq!(cell_alignment("td", "text-align: center; color: red"), None);
        assert_eq!(
            cell_alignment("td", "text-align: expression(alert(1))"),
            None
        );
    }

    #[test]
    fn origins_are_normalised() {
        assert_eq!(
            origin_of("https://a.example"),
            Ok("https://a.example".into())
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080/x"),
            Ok("http://127.0.0.1:8080".into())
        );
        assert_eq!(
            origin_of("http://A.Example:80"),
            Ok("http://a.example".into())
        );
        assert_eq!(
            origin_of("https://a.example:8443"),
            Ok("https://a.example:8443".into())
        );
        assert_eq!(
            origin_of("https://city.example@evil.example/"),
            Ok("https://evil.example".into())
        );
        assert_eq!(
            origin_of("https://evil.example\\@city.example/"),
            Ok("https://evil.example".into())
        );
        assert_eq!(origin_of("story.json"), Err(Refusal::Invalid));
        assert_eq!(origin_of("https://"), Err(Refusal::Invalid));
        assert_eq!(origin_of("https://:80/"), Err(Refusal::Invalid));
    }

    #[test]
    fn the_policy_allows_the_page_and_the_listed_origins_only() {
        let p = OriginPolicy::new(
            "http://127.0.0.1:8000",
            "  https://data.example http://127.0.0.1:9000/ not-an-origin data:x ",
        );
        for ok in [
            "http://127.0.0.1:8000/story.json",
            "http://127.0.0.1:9000/a/story.json?x=1",
            "https://data.example/layers/a.geojson",
            "HTTPS://DATA.EXAMPLE:443/x",
        ] {
            assert_eq!(p.check(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            (
                "http://127.0.0.1:9001/story.json",
                Refusal::Origin("http://127.0.0.1:9001".into()),
            ),
            (
                "https://127.0.0.1:8000/story.json",
                Refusal::Origin("https://127.0.0.1:8000".into()),
            ),
            (
                "http://data.example/x",
                Refusal::Origin("http://data.example".into()),
            ),
            (
                "https://data.example.evil.example/",
                Refusal::Origin("https://data.example.evil.example".into()),
            ),
            (
                "http://127.0.0.1:8000@evil.example/",
                Refusal::Origin("http://evil.example".into()),
            ),
            ("data:application/json,{}", Refusal::Scheme("data".into())),
            ("DATA:application/json,{}", Refusal::Scheme("data".into())),
            (
                "blob:http://127.0.0.1:8000/5d1c",
                Refusal::Scheme("blob".into()),
            ),
            ("javascript:alert(1)", Refusal::Scheme("javascript".into())),
            ("file:///story.json", Refusal::Scheme("file".into())),
            ("story.json", Refusal::Invalid),
        ] {
            assert_eq!(p.check(bad), Err(why), "{bad}");
        }
        // A page without an http(s) origin (a file) allows only the list.
        let p = OriginPolicy::new("null", "");
        assert!(p.check("http://127.0.0.1:8000/story.json").is_err());
    }
}
