//! The Content Security Policy of built pages, computed per story.
//!
//! Built pages have no inline script or style, so the policy can be strict:
//! scripts, styles and everything else only from the site itself, plus
//! `'wasm-unsafe-eval'` for the player. Only the hosts the story names are
//! added: remote data sources (`connect-src`), the basemap's tile hosts and
//! remote images (`img-src`), and the `--story-origin`s (both). The build
//! writes the policies as `_headers` (Netlify, Cloudflare Pages) and as an
//! nginx map; `twinstory serve` sends them with its pages.

use std::collections::BTreeSet;
use twinstory_model::url::{is_http, origin};
use twinstory_model::Story;

/// Remote origins a story's pages need besides their own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hosts {
    /// Fetched by the player (data, `?story=` files).
    pub connect: BTreeSet<String>,
    /// Shown as images (tiles, pictures in the text).
    pub img: BTreeSet<String>,
}

impl Hosts {
    /// The hosts of a story's remote layers and basemap, and the origins
    /// whose `?story=` URLs the pages may play.
    pub fn of_story(story: &Story, story_origins: &[String]) -> Hosts {
        let mut h = Hosts::default();
        for layer in &story.layers {
            let url = layer.source.url();
            if is_http(url) {
                h.connect.extend(origin(url));
            }
        }
        if let Some(b) = &story.basemap {
            h.img
                .extend(template_origins(&b.url.to_string(), &b.subdomains));
        }
        for o in story_origins {
            h.connect.insert(o.clone());
            h.img.insert(o.clone());
        }
        h
    }

    /// Adds the origin of a remote image.
    pub fn add_image(&mut self, url: &str) {
        self.img.extend(origin(url));
    }
}

/// The policy for pages that need `hosts` besides their own origin.
pub fn policy(hosts: &Hosts) -> String {
    let list = |set: &BTreeSet<String>| set.iter().map(|h| format!(" {h}")).collect::<String>();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self'{}; connect-src 'self'{}; object-src 'none'; base-uri 'self'; form-action 'self'",
        list(&hosts.img),
        list(&hosts.connect)
    )
}

/// The origins a tile URL template can reach: `{s}` expanded with the
/// subdomains; any other placeholder in the first label of the host
/// becomes the CSP wildcard `*.`.
fn template_origins(template: &str, subdomains: &[String]) -> Vec<String> {
    let Some((scheme, rest)) = template.split_once("://") else {
        return Vec::new();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hosts: Vec<String> = if authority.contains("{s}") && !subdomains.is_empty() {
        subdomains
            .iter()
            .map(|s| authority.replace("{s}", s))
            .collect()
    } else {
        vec![authority.to_owned()]
    };
    hosts
        .iter()
        .filter_map(|a| {
            if !a.contains('{') {
                return origin(&format!("{scheme}://{a}"));
            }
            // `https://{a}.tiles.example` or `https://t{s}.example`: any
            // first label; placeholders further right have no CSP form.
            let (first, tail) = a.split_once('.')?;
            (first.contains('{') && !tail.contains('{'))
                .then(|| origin(&format!("{scheme}://x.{tail}")))
                .flatten()
                .map(|o| o.replacen("://x.", "://*.", 1))
        })
        .collect()
}

/// Checks a `--story-origin`: `http(s)://host[:port]`, returned in lower case.
pub fn parse_story_origin(s: &str) -> Result<String, String> {
    let fix = format!(
        "`{s}` is not an origin; write scheme://host[:port] with http or https and no path, e.g. `https://geschichten.example.org` or `http://localhost:8000`"
    );
    let t = s.strip_suffix('/').unwrap_or(s);
    // Only `scheme://authority`: no path, query, fragment or user.
    let bare = t
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.contains(['/', '\\', '?', '#', '@']));
    match origin(t) {
        // A header carries it: ASCII only (write an IDN host as `xn--…`).
        Some(o) if bare && o.is_ascii() => Ok(o),
        _ => Err(fix),
    }
}

/// `_headers` (Netlify, Cloudflare Pages): one rule per page folder, none
/// overlapping (those hosts join overlapping policies, and the browser
/// would then enforce the stricter one).
pub fn headers_file(policies: &[(String, String)]) -> String {
    let mut out = String::from(
        "# Written by `twinstory build`: the Content-Security-Policy of the pages.\n\
         # Netlify and Cloudflare Pages read this file from the site's top folder.\n",
    );
    let single = policies.len() == 1;
    for (prefix, policy) in policies {
        let paths: Vec<String> = if single {
            vec!["/*".into()]
        } else if prefix.is_empty() {
            vec!["/".into(), "/index.html".into()]
        } else {
            vec![format!("/{prefix}*")]
        };
        for path in paths {
            out.push_str(&format!("{path}\n  Content-Security-Policy: {policy}\n"));
        }
    }
    out
}

/// The same policies as entries of an nginx `map $uri $twinstory_csp`
/// block (`deploy/nginx/twinstory-http.conf` reads `twinstory/csp-*.map`):
/// a map and not a `location` per story, because a `location` with an
/// `add_header` of its own drops every other `add_header` of the server
/// (`Cache-Control` among them). Paths assume the site at the domain's top.
pub fn nginx_map(policies: &[(String, String)]) -> String {
    let mut out = String::from(
        "# Written by `twinstory build`: the Content-Security-Policy of the pages,\n\
         # as entries of nginx's `map $uri $twinstory_csp` (docs/deploy.md).\n\
         # Copy this file to /etc/nginx/twinstory/csp-site.map. Below a sub-path\n\
         # such as /geschichten/, put that path after each `~^`.\n",
    );
    let single = policies.len() == 1;
    for (prefix, policy) in policies {
        let pattern = if single {
            "~^/".to_string()
        } else if prefix.is_empty() {
            "~^/(index\\.html)?$".to_string()
        } else {
            format!("~^/{}", prefix.replace('.', "\\."))
        };
        out.push_str(&format!("\"{pattern}\"  \"{policy}\";\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_templates_give_each_subdomain_or_a_wildcard() {
        let abc = ["a".to_string(), "b".into(), "c".into()];
        assert_eq!(
            template_origins("https://{s}.tile.example.org/{z}/{x}/{y}.png", &abc),
            [
                "https://a.tile.example.org",
                "https://b.tile.example.org",
                "https://c.tile.example.org"
            ]
        );
        assert_eq!(
            template_origins("https://{s}.tile.example.org/{z}/{x}/{y}.png", &[]),
            ["https://*.tile.example.org"]
        );
        assert_eq!(
            template_origins(
                "http://127.0.0.1:8123/wmts/{TileMatrix}/{TileCol}/{TileRow}.png",
                &[]
            ),
            ["http://127.0.0.1:8123"]
        );
        assert!(template_origins("https://a{s}b.{x}.org/", &[]).is_empty());
    }

    #[test]
    fn story_origins_are_checked() {
        for (input, want) in [
            ("https://Example.org", Some("https://example.org")),
            ("https://example.org/", Some("https://example.org")),
            ("http://localhost:8000", Some("http://localhost:8000")),
            ("http://[::1]:8000", Some("http://[::1]:8000")),
            ("https://example.org/stories", None),
            ("ftp://example.org", None),
            ("example.org", None),
            ("https://", None),
            ("https://exa mple.org", None),
            ("https://example.org:0", None),
            ("https://example.org:99999", None),
            ("https://*.example.org", None),
            ("https://müller.example", None),
            ("https://user@example.org", None),
            ("https://example.org:443", Some("https://example.org")),
        ] {
            assert_eq!(parse_story_origin(input).ok().as_deref(), want, "{input}");
        }
        let e = parse_story_origin("example.org").unwrap_err();
        assert!(e.contains("scheme://host[:port]"), "{e}");
    }

    #[test]
    fn policies_do_not_overlap_in_headers() {
        let p = vec![
            (String::new(), "A".to_string()),
            ("radwege/".to_string(), "B".to_string()),
        ];
        let h = headers_file(&p);
        assert!(h.contains("/\n  Content-Security-Policy: A\n/index.html\n  Content-Security-Policy: A\n/radwege/*\n  Content-Security-Policy: B\n"), "{h}");
        let one = headers_file(&[(String::new(), "C".into())]);
        assert!(one.ends_with("/*\n  Content-Security-Policy: C\n"), "{one}");
        let n = nginx_map(&p);
        assert!(n.contains("\"~^/radwege/\"  \"B\";\n"), "{n}");
        assert!(n.contains("\"~^/(index\\.html)?$\"  \"A\";\n"), "{n}");
        assert!(!n.contains("default"), "the default is the server's: {n}");
    }
}
