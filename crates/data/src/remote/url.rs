//! The little URL arithmetic remote paging needs, without the `url` crate
//! (player size): splitting a URI reference (RFC 3986 appendix B),
//! resolving a relative reference against a base (RFC 3986 5.2) and the
//! origin of an `http(s)` URL (scheme, host and port, as browsers compare
//! them). Kept in one file so the origin rules can be shared later.

/// The five parts of a URI reference (RFC 3986 appendix B).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

fn split(s: &str) -> Parts<'_> {
    let (rest, fragment) = match s.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (s, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (scheme, rest) = match rest.find([':', '/']) {
        Some(i) if i > 0 && rest.as_bytes()[i] == b':' && is_scheme(&rest[..i]) => {
            (Some(&rest[..i]), &rest[i + 1..])
        }
        _ => (None, rest),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(r) => {
            let end = r.find('/').unwrap_or(r.len());
            (Some(&r[..end]), &r[end..])
        }
        None => (None, rest),
    };
    Parts {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

fn is_scheme(s: &str) -> bool {
    let mut b = s.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && b.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

/// RFC 3986 5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let absolute = path.starts_with('/');
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        if i == 0 && absolute {
            continue;
        }
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// RFC 3986 5.2.3.
fn merge(base: &Parts<'_>, reference_path: &str) -> String {
    if base.authority.is_some() && base.path.is_empty() {
        format!("/{reference_path}")
    } else {
        match base.path.rfind('/') {
            Some(i) => format!("{}{reference_path}", &base.path[..=i]),
            None => reference_path.to_owned(),
        }
    }
}

/// `reference` resolved against the absolute URL `base` (RFC 3986 5.2.2);
/// `None` when `base` has no scheme.
pub fn resolve(reference: &str, base: &str) -> Option<String> {
    let b = split(base);
    let base_scheme = b.scheme?;
    let r = split(reference.trim());
    let (scheme, authority, path, query);
    if let Some(s) = r.scheme {
        scheme = s.to_owned();
        authority = r.authority.map(str::to_owned);
        path = remove_dot_segments(r.path);
        query = r.query;
    } else {
        scheme = base_scheme.to_owned();
        if r.authority.is_some() {
            authority = r.authority.map(str::to_owned);
            path = remove_dot_segments(r.path);
            query = r.query;
        } else {
            authority = b.authority.map(str::to_owned);
            if r.path.is_empty() {
                path = b.path.to_owned();
                query = r.query.or(b.query);
            } else {
                path = if r.path.starts_with('/') {
                    remove_dot_segments(r.path)
                } else {
                    remove_dot_segments(&merge(&b, r.path))
                };
                query = r.query;
            }
        }
    }
    let mut out = format!("{scheme}:");
    if let Some(a) = authority {
        out.push_str("//");
        out.push_str(&a);
    }
    out.push_str(&path);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = r.fragment {
        out.push('#');
        out.push_str(f);
    }
    Some(out)
}

/// `scheme://host[:port]` of an `http` or `https` URL, lower-cased, without
/// user information and without the scheme's default port; `None` for
/// other URLs.
pub fn origin(url: &str) -> Option<String> {
    let p = split(url.trim());
    let scheme = p.scheme?.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let authority = p.authority?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.rfind(':') {
        // A colon after an IPv6 literal's `]`, or in a plain host.
        Some(i) if !host_port[i..].contains(']') => (&host_port[..i], &host_port[i + 1..]),
        _ => (host_port, ""),
    };
    if host.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let host = host.to_ascii_lowercase();
    let port = port.trim_start_matches('0');
    if port.is_empty() || port == default_port {
        Some(format!("{scheme}://{host}"))
    } else {
        Some(format!("{scheme}://{host}:{port}"))
    }
}

/// `url` without its `#fragment`.
pub fn without_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(u, _)| u)
}

/// `url` split into the part before `?` and its query (without `?`).
pub fn split_query(url: &str) -> (&str, Option<&str>) {
    let url = without_fragment(url);
    match url.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (url, None),
    }
}

/// True when the query (without `?`) has a parameter named `name`
/// (compared without regard to case, as WFS servers read names).
pub fn query_has(query: &str, name: &str) -> bool {
    query.split('&').any(|p| {
        p.split('=')
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_the_rfc_3986_examples() {
        // RFC 3986 5.4.1 and 5.4.2.
        let base = "http://a/b/c/d;p?q";
        let cases = [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("g#s", "http://a/b/c/g#s"),
            (";x", "http://a/b/c/;x"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g?y/./x", "http://a/b/c/g?y/./x"),
            ("https://other.example/x?y", "https://other.example/x?y"),
        ];
        for (r, want) in cases {
            assert_eq!(resolve(r, base).as_deref(), Some(want), "{r}");
        }
        assert_eq!(resolve("g", "no-scheme/path"), None);
    }

    #[test]
    fn resolves_a_services_query_only_next_link() {
        assert_eq!(
            resolve(
                "?offset=10",
                "https://api.hamburg.de/datasets/v1/p/items?limit=10"
            )
            .as_deref(),
            Some("https://api.hamburg.de/datasets/v1/p/items?offset=10")
        );
    }

    #[test]
    fn origins_compare_as_browsers_do() {
        assert_eq!(
            origin("https://API.hamburg.de:443/datasets?x=1").as_deref(),
            Some("https://api.hamburg.de")
        );
        assert_eq!(
            origin("http://user:pw@127.0.0.1:8080/x").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin("http://[::1]:81/").as_deref(),
            Some("http://[::1]:81")
        );
        assert_eq!(origin("http://[::1]/").as_deref(), Some("http://[::1]"));
        assert_ne!(origin("http://a.example"), origin("https://a.example"));
        assert_ne!(origin("http://a.example:81"), origin("http://a.example"));
        assert_eq!(origin("data/x.geojson"), None);
        assert_eq!(origin("ftp://a.example/"), None);
        assert_eq!(origin("http://a.example:x/"), None);
    }

    #[test]
    fn query_helpers() {
        assert_eq!(
            split_query("https://a/b?c=1#f"),
            ("https://a/b", Some("c=1"))
        );
        assert_eq!(split_query("https://a/b#f?x"), ("https://a/b", None));
        assert!(query_has("filter=x&LIMIT=5", "limit"));
        assert!(!query_has("filter=limit", "limit"));
    }
}
