//! The one place that reads URLs, for every crate and the player (no `url`
//! crate: player size). What browsers do is the reference: [`clean`] drops
//! what they ignore, [`scheme`] follows their scheme rule, [`origin`] gives
//! the origin they compare, [`resolve`] is RFC 3986 5.2.

/// A URL as browsers read it: without the tabs and line breaks they ignore
/// inside it (`java\tscript:`) and the spaces and control characters they
/// strip around it.
///
/// # Examples
/// ```
/// use twinstory_model::url::clean;
/// assert_eq!(clean(" java\tscript:x\n"), "javascript:x");
/// assert_eq!(clean("\u{1}https://a.example "), "https://a.example");
/// assert_eq!(clean(""), "");
/// ```
pub fn clean(url: &str) -> String {
    url.chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_matches(|c: char| c.is_control() || c == ' ')
        .to_string()
}

/// The URL's scheme as written (compare it without regard to case), if it
/// has one: letters, digits, `+`, `-` and `.` before the first `:`,
/// starting with a letter, as browsers read it.
///
/// # Examples
/// ```
/// use twinstory_model::url::scheme;
/// assert_eq!(scheme("HTTPS://a.example/x:y"), Some("HTTPS"));
/// assert_eq!(scheme("mailto:a@b.example"), Some("mailto"));
/// assert_eq!(scheme("images/a:b.png"), None);
/// assert_eq!(scheme("a\\b:c"), None);
/// assert_eq!(scheme(":x"), None);
/// assert_eq!(scheme("1x:y"), None);
/// assert_eq!(scheme("C:\\data\\x.csv"), Some("C"));
/// ```
pub fn scheme(url: &str) -> Option<&str> {
    let (s, _) = url.split_once(':')?;
    is_scheme(s).then_some(s)
}

/// True for an absolute URL (one with a scheme), which the player reads and
/// the command line does not look for on disk.
///
/// # Examples
/// ```
/// use twinstory_model::url::is_absolute;
/// assert!(is_absolute("https://a.example/x.geojson"));
/// assert!(is_absolute("mailto:a@b.example"));
/// assert!(!is_absolute("data/x.geojson"));
/// assert!(!is_absolute("//a.example/x"));
/// ```
pub fn is_absolute(url: &str) -> bool {
    scheme(url).is_some()
}

/// True for an absolute `http:` or `https:` URL (any case) with a host.
///
/// # Examples
/// ```
/// use twinstory_model::url::is_http;
/// assert!(is_http("https://tile.example/{z}/{x}/{y}.png"));
/// assert!(is_http("HTTP://x"));
/// assert!(!is_http("https://"));
/// assert!(!is_http("https:/x"));
/// assert!(!is_http("ftp://a.example/"));
/// assert!(!is_http("data/x.csv"));
/// ```
pub fn is_http(url: &str) -> bool {
    let Some(s) = scheme(url) else {
        return false;
    };
    is_http_scheme(s)
        && url[s.len() + 1..]
            .strip_prefix("//")
            .is_some_and(|r| !r.starts_with(['/', '?', '#']) && !r.is_empty())
}

/// True for the schemes `http` and `https` (any case): the one place that
/// says which schemes are the web's.
///
/// # Examples
/// ```
/// use twinstory_model::url::is_http_scheme;
/// assert!(is_http_scheme("HTTPS"));
/// assert!(!is_http_scheme("ftp"));
/// assert!(!is_http_scheme("https:"));
/// ```
pub fn is_http_scheme(scheme: &str) -> bool {
    default_port(scheme).is_some()
}

/// The port an `http` or `https` URL has when it names none.
fn default_port(scheme: &str) -> Option<u16> {
    if scheme.eq_ignore_ascii_case("http") {
        Some(80)
    } else if scheme.eq_ignore_ascii_case("https") {
        Some(443)
    } else {
        None
    }
}

/// True for a scheme a link may have: the web's, or `mailto` (any case).
///
/// # Examples
/// ```
/// use twinstory_model::url::is_link_scheme;
/// assert!(is_link_scheme("MailTo"));
/// assert!(is_link_scheme("http"));
/// assert!(!is_link_scheme("javascript"));
/// ```
pub fn is_link_scheme(scheme: &str) -> bool {
    is_http_scheme(scheme) || scheme.eq_ignore_ascii_case("mailto")
}

/// True for an address without a scheme that starts with two slashes
/// (`//host/…`, also written with backslashes, as browsers read them): it
/// leaves the site. Pass it through [`clean`] first.
///
/// # Examples
/// ```
/// use twinstory_model::url::is_scheme_relative;
/// assert!(is_scheme_relative("//evil.example/x"));
/// assert!(is_scheme_relative("\\\\evil.example"));
/// assert!(is_scheme_relative("/\\evil.example"));
/// assert!(!is_scheme_relative("/a//b"));
/// assert!(!is_scheme_relative("https://a.example"));
/// ```
pub fn is_scheme_relative(url: &str) -> bool {
    let b = url.as_bytes();
    b.len() >= 2 && matches!(b[0], b'/' | b'\\') && matches!(b[1], b'/' | b'\\')
}

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
///
/// # Examples
/// ```
/// use twinstory_model::url::resolve;
/// let base = "https://a.example/v1/items?limit=10";
/// assert_eq!(resolve("?offset=10", base).as_deref(), Some("https://a.example/v1/items?offset=10"));
/// assert_eq!(resolve("../x", base).as_deref(), Some("https://a.example/x"));
/// assert_eq!(resolve("//b.example/y", base).as_deref(), Some("https://b.example/y"));
/// assert_eq!(resolve("g", "no-scheme/path"), None);
/// ```
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

/// The origin (`scheme://host[:port]`) of an `http:` or `https:` URL as
/// browsers compare it: scheme and host in lower case, user information
/// (everything up to the last `@`) dropped, the scheme's default port
/// dropped, `\\` read as `/`; `None` for other schemes and for hosts or
/// ports a browser refuses (or that would break a policy header).
///
/// # Examples
/// ```
/// use twinstory_model::url::origin;
/// assert_eq!(origin("HTTPS://Example.org:443/a?b#c").as_deref(), Some("https://example.org"));
/// assert_eq!(origin("http://user@evil.example:8080/").as_deref(), Some("http://evil.example:8080"));
/// assert_eq!(origin("https://evil.example\\@city.example/").as_deref(), Some("https://evil.example"));
/// assert_eq!(origin("http://[::1]:81/").as_deref(), Some("http://[::1]:81"));
/// assert_eq!(origin("https://{s}.tile.example/"), None);
/// assert_eq!(origin("https://a.example:99999/"), None);
/// assert_eq!(origin("data:text/html,x"), None);
/// assert_eq!(origin("https://"), None);
/// ```
pub fn origin(url: &str) -> Option<String> {
    let url = clean(url);
    let scheme = scheme(&url)?.to_ascii_lowercase();
    let default_port = default_port(&scheme)?;
    let rest = url[scheme.len() + 1..].trim_start_matches(['/', '\\']);
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = if host_port.starts_with('[') {
        let end = host_port.find(']')?;
        let after = &host_port[end + 1..];
        let port = if after.is_empty() {
            ""
        } else {
            after.strip_prefix(':')?
        };
        (&host_port[..=end], port)
    } else {
        host_port.rsplit_once(':').unwrap_or((host_port, ""))
    };
    if !host_allowed(host) || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let host = host.to_ascii_lowercase();
    match port {
        "" => Some(format!("{scheme}://{host}")),
        p => match p.parse::<u16>().ok()? {
            0 => None,
            n if n == default_port => Some(format!("{scheme}://{host}")),
            n => Some(format!("{scheme}://{host}:{n}")),
        },
    }
}

/// A host browsers accept and a policy header can carry: an IPv6 literal,
/// or letters, digits, `-`, `.`, `_`, `~`, `%` and non-ASCII letters.
fn host_allowed(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !v6.is_empty()
            && v6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
    }
    !host.is_empty()
        && host.chars().all(|c| {
            (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
                || c.is_ascii_alphanumeric()
                || matches!(c, '-' | '.' | '_' | '~' | '%')
        })
}

/// `url` without its `#fragment`.
///
/// # Examples
/// ```
/// use twinstory_model::url::without_fragment;
/// assert_eq!(without_fragment("https://a.example/x?y#z"), "https://a.example/x?y");
/// assert_eq!(without_fragment("x"), "x");
/// ```
pub fn without_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(u, _)| u)
}

/// `url` split into the part before `?` and its query (without `?`), the
/// fragment dropped.
///
/// # Examples
/// ```
/// use twinstory_model::url::split_query;
/// assert_eq!(split_query("https://a/b?c=1#f"), ("https://a/b", Some("c=1")));
/// assert_eq!(split_query("https://a/b#f?x"), ("https://a/b", None));
/// ```
pub fn split_query(url: &str) -> (&str, Option<&str>) {
    let url = without_fragment(url);
    match url.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (url, None),
    }
}

/// True when the query (without `?`) has a parameter named `name`
/// (compared without regard to case, as WFS servers read names).
///
/// # Examples
/// ```
/// use twinstory_model::url::query_has;
/// assert!(query_has("filter=x&LIMIT=5", "limit"));
/// assert!(!query_has("filter=limit", "limit"));
/// assert!(query_has("limit", "limit"));
/// ```
pub fn query_has(query: &str, name: &str) -> bool {
    query.split('&').any(|p| {
        p.split('=')
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case(name))
    })
}

/// `s` percent-encoded as JavaScript's `encodeURIComponent` does: every
/// byte but ASCII letters, digits and `-_.!~*'()` becomes `%XX`, for a
/// value inside a query (a WFS type name, a SensorThings `$filter`).
///
/// # Examples
/// ```
/// use twinstory_model::url::encode_component;
/// assert_eq!(encode_component("name eq 'PM10'"), "name%20eq%20'PM10'");
/// assert_eq!(encode_component("a&b=ü"), "a%26b%3D%C3%BC");
/// ```
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `%XX` escapes in `s` decoded; `None` when an escape is broken (`%` not
/// followed by two hex digits) or the bytes are not UTF-8: what a server
/// answers with 400.
///
/// # Examples
/// ```
/// use twinstory_model::url::percent_decode;
/// assert_eq!(percent_decode("a%20b%C3%BC").as_deref(), Some("a bü"));
/// assert_eq!(percent_decode("100%"), None);
/// assert_eq!(percent_decode("%FF"), None);
/// assert_eq!(percent_decode("%+1"), None);
/// ```
pub fn percent_decode(s: &str) -> Option<String> {
    String::from_utf8(unescape(s, true)?).ok()
}

/// `%XX` escapes in `s` decoded where they are whole; a broken one stays
/// as written and bytes that are not UTF-8 become U+FFFD: for paths an
/// author wrote (a Markdown link's `img/a%20b.png`), which are then looked
/// up and reported as written.
///
/// # Examples
/// ```
/// use twinstory_model::url::percent_decode_lossy;
/// assert_eq!(percent_decode_lossy("img/a%20b.png"), "img/a b.png");
/// assert_eq!(percent_decode_lossy("100%.png"), "100%.png");
/// assert_eq!(percent_decode_lossy("%zz%41"), "%zzA");
/// ```
pub fn percent_decode_lossy(s: &str) -> String {
    match unescape(s, false) {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        None => s.to_owned(),
    }
}

/// The bytes of `s` with its `%XX` escapes decoded; a broken escape makes
/// it `None` when `strict`, else stays as written.
fn unescape(s: &str, strict: bool) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            // Two hex digits (`from_str_radix` alone would take `+1`).
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(v) => {
                    out.push(v);
                    i += 3;
                    continue;
                }
                None if strict => return None,
                None => {}
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(out)
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
    fn origins_of_data_and_tile_addresses() {
        assert_eq!(
            origin("https://User@Daten.Example:8443/x?y").as_deref(),
            Some("https://daten.example:8443")
        );
        assert_eq!(origin("ftp://x.example/a"), None);
        assert_eq!(origin("data/x.csv"), None);
        // Nothing that could end or split a Content-Security-Policy entry.
        for bad in [
            "https://a.example;script-src/",
            "https://a.example,b/",
            "https://a\"b/",
            "https://{s}.tile.example/",
            "https://*.example.org",
            "https://exa mple.org",
            "https://example.org:0",
        ] {
            assert_eq!(origin(bad), None, "{bad}");
        }
    }

    #[test]
    fn http_addresses_and_absolute_ones() {
        for http in [
            "https://a.example",
            "http://x",
            "HTTPS://A",
            "https://{s}.t/{z}",
        ] {
            assert!(is_http(http), "{http}");
            assert!(is_absolute(http), "{http}");
        }
        for not in [
            "https://",
            "http:///x",
            "https:a.example",
            "mailto:a@b",
            "a/b:c",
            "//a.example",
        ] {
            assert!(!is_http(not), "{not}");
        }
        assert!(is_absolute("mailto:a@b"));
        assert!(!is_absolute("a/b:c"));
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
