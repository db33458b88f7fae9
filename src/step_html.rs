//! Step text from a downloaded story, rebuilt from the allow-list of
//! `twinstory_model::trust`: the browser's inert parser (`DOMParser`, whose
//! documents run no script and load nothing) reads the HTML, and only the
//! allowed elements and attributes are created anew in the page. Other
//! elements leave their text; code, styles and embedded documents leave
//! nothing. The live document never parses story markup. A chart's SVG
//! (drawn by `twinstory build`) is rebuilt the same way, in the SVG
//! namespace, from its own allow-list (`svg_element_rule`,
//! `svg_attribute_allowed`).

use crate::loader::request_allowed;
use crate::platform::{page_url, resolve_url};
use twinstory_model::trust::{
    attribute_value, cell_alignment, element_rule, svg_attribute_allowed, svg_element_rule,
    ElementRule,
};
use wasm_bindgen::JsCast;
use web_sys::{Document, DomParser, Element, HtmlElement, Node, SupportedType};

/// Deeper nesting than Markdown ever writes keeps only its text.
const MAX_DEPTH: usize = 48;

const XHTML: &str = "http://www.w3.org/1999/xhtml";
const SVG: &str = "http://www.w3.org/2000/svg";

/// Fills `target` with the allowed part of `html`; relative image addresses
/// are read against `story_url` (where the story's images are).
pub fn fill(target: &Element, html: &str, story_url: &str) {
    let (Some(doc), Ok(parser)) = (target.owner_document(), DomParser::new()) else {
        return;
    };
    let Ok(parsed) = parser.parse_from_string(html, SupportedType::TextHtml) else {
        return;
    };
    let Some(body) = parsed.body() else {
        return;
    };
    let page = page_url();
    let page_origin = origin(&page);
    let same_folder = resolve_url(".", story_url) == resolve_url(".", &page);
    let b = Builder {
        doc,
        story_url,
        page_origin,
        same_folder,
    };
    b.children(&body, target, 0);
}

struct Builder<'a> {
    doc: Document,
    story_url: &'a str,
    page_origin: String,
    /// Whether the story's relative paths mean the same as the page's.
    same_folder: bool,
}

impl Builder<'_> {
    fn children(&self, from: &Node, to: &Node, depth: usize) {
        let nodes = from.child_nodes();
        for i in 0..nodes.length() {
            let Some(node) = nodes.item(i) else { continue };
            match node.node_type() {
                Node::TEXT_NODE => self.text(&node.text_content().unwrap_or_default(), to),
                Node::ELEMENT_NODE => {
                    if let Ok(el) = node.dyn_into::<Element>() {
                        self.element(&el, to, depth);
                    }
                }
                // Comments, processing instructions: nothing to read.
                _ => {}
            }
        }
    }

    fn text(&self, text: &str, to: &Node) {
        if !text.is_empty() {
            let _ = to.append_child(&self.doc.create_text_node(text));
        }
    }

    fn element(&self, el: &Element, to: &Node, depth: usize) {
        // A chart's SVG elements follow their own allow-list; MathML and
        // anything else outside HTML and SVG is dropped.
        let ns = el.namespace_uri();
        let svg = ns.as_deref() == Some(SVG);
        if !svg && ns.as_deref() != Some(XHTML) {
            return;
        }
        let tag = el.local_name();
        let rule = if svg {
            svg_element_rule(&tag)
        } else {
            element_rule(&tag)
        };
        if depth >= MAX_DEPTH {
            if rule != ElementRule::Drop {
                self.text(&el.text_content().unwrap_or_default(), to);
            }
            return;
        }
        match rule {
            ElementRule::Drop => {}
            ElementRule::Unwrap => self.children(el, to, depth + 1),
            ElementRule::Keep => {
                // A link to a refused address keeps its text, as the
                // Markdown renderer does.
                // So is a button or dialog that is not an image's own
                // (`ts-enlarge`, `ts-lightbox`): a story cannot pose as
                // the page's controls.
                if (tag == "a"
                    && el
                        .get_attribute("href")
                        .and_then(|h| attribute_value("a", "href", &h))
                        .is_none())
                    || (matches!(tag.as_str(), "button" | "dialog")
                        && el
                            .get_attribute("class")
                            .and_then(|c| attribute_value(&tag, "class", &c))
                            .is_none())
                {
                    self.children(el, to, depth + 1);
                    return;
                }
                let Ok(fresh) = self.doc.create_element_ns(ns.as_deref(), &tag) else {
                    return;
                };
                if svg {
                    for name in el.get_attribute_names().iter() {
                        let name = name.as_string().unwrap_or_default();
                        let value = el.get_attribute(&name).unwrap_or_default();
                        if svg_attribute_allowed(&name, &value) {
                            let _ = fresh.set_attribute(&name, &value);
                        }
                    }
                } else {
                    let src = self.copy_attributes(el, &fresh, &tag);
                    // An image, video, audio or captions track needs an
                    // address that passed: otherwise an image leaves its
                    // description, the others nothing.
                    if matches!(tag.as_str(), "img" | "video" | "audio" | "track") {
                        let Some(src) = src else {
                            if tag == "img" {
                                self.text(&el.get_attribute("alt").unwrap_or_default(), to);
                            }
                            return;
                        };
                        // Asked for without telling other servers the page.
                        if origin(&src) != self.page_origin {
                            let _ = fresh.set_attribute("referrerpolicy", "no-referrer");
                            // A video's captions from another origin (a
                            // <twin-story> on a host page) load only in
                            // CORS mode, which the story's server allows
                            // (docs/embed.md); without it they fail.
                            if tag == "video" {
                                let _ = fresh.set_attribute("crossorigin", "anonymous");
                            }
                        }
                    }
                }
                if tag == "a" {
                    self.link(&fresh);
                }
                if let (Some(style), Ok(cell)) = (
                    el.get_attribute("style"),
                    fresh.clone().dyn_into::<HtmlElement>(),
                ) {
                    if let Some(align) = cell_alignment(&tag, &style) {
                        let _ = cell.style().set_property("text-align", align);
                    }
                }
                self.children(el, &fresh, depth + 1);
                let _ = to.append_child(&fresh);
            }
        }
    }

    /// Copies the allowed attributes; returns the `src` when it passed.
    /// `src` and `poster` are read against the story's URL and must pass
    /// the origin policy; a `srcset` (relative paths only, see
    /// `trust::srcset_allowed`) is kept only where the story's folder is
    /// the page's, so its paths mean the same files; elsewhere a link's
    /// relative `href` is read against the story's URL too.
    fn copy_attributes(&self, from: &Element, to: &Element, tag: &str) -> Option<String> {
        let mut src = None;
        for name in from.get_attribute_names().iter() {
            let Some(name) = name.as_string() else {
                continue;
            };
            let value = from.get_attribute(&name).unwrap_or_default();
            let Some(mut v) = attribute_value(tag, &name, &value) else {
                continue;
            };
            if name == "src" || name == "poster" {
                let Some(url) = resolve_url(&v, self.story_url)
                    .ok()
                    .filter(|u| request_allowed(u).is_ok())
                else {
                    continue;
                };
                v = url;
                if name == "src" {
                    src = Some(v.clone());
                }
            } else if name == "srcset" && !self.same_folder {
                continue;
            } else if name == "href" && !self.same_folder && !v.starts_with('#') {
                // A file of the story (`data/playgrounds.csv`) is beside
                // the story, not beside the page (a <twin-story>, `?story=`).
                if let Ok(url) = resolve_url(&v, self.story_url) {
                    v = url;
                }
            }
            let _ = to.set_attribute(&name, &v);
        }
        src
    }

    /// Links that leave the site open without access to this page.
    fn link(&self, a: &Element) {
        let Some(href) = a.get_attribute("href") else {
            return;
        };
        let target = resolve_url(&href, &page_url()).unwrap_or_default();
        if !target.starts_with("mailto:") && origin(&target) != self.page_origin {
            let _ = a.set_attribute("rel", "noopener noreferrer");
        }
    }
}

/// The origin of an absolute URL as the browser computes it.
fn origin(url: &str) -> String {
    web_sys::Url::new(url)
        .map(|u| u.origin())
        .unwrap_or_default()
}
