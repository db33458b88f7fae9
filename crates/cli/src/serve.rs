//! `twinstory serve`: build, serve on 127.0.0.1, watch and live-reload.
//!
//! std::net only: a localhost preview needs no async runtime, and this keeps
//! the CLI's build fast (see shared/docs/dependency-facts.md, section 6).
//!
//! Every rebuild goes into a fresh folder `build-<n>` below the output
//! folder; the server switches to it only when the build succeeded, so the
//! last good version keeps playing while the author fixes a mistake. Pages
//! served as HTML get a small script that listens on `/_twinstory/events`
//! (server-sent events): it reloads the page after a good build and shows the
//! diagnostics in an overlay after a failed one.

use crate::build::{build_site, BuildReport};
use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, SystemTime};

/// Where the live-reload script and the event stream are served.
const LIVE_JS: &str = "/_twinstory/live.js";
const EVENTS: &str = "/_twinstory/events";
/// How often the story folder is checked for changes.
const POLL: Duration = Duration::from_millis(250);
/// Keep-alive comment interval of the event stream (also detects closed tabs).
const PING: Duration = Duration::from_secs(15);

/// What `serve` needs to know.
pub struct ServeOptions {
    /// Story folder, or folder of story folders.
    pub source: PathBuf,
    /// Folder for the builds.
    pub out: PathBuf,
    /// Folder with the built player.
    pub player: PathBuf,
    /// Port on 127.0.0.1 (0 picks a free one).
    pub port: u16,
    /// Rebuild and reload on changes.
    pub watch: bool,
}

/// The state the server and the watcher share.
#[derive(Debug, Default)]
struct LiveState {
    /// Increases with every build, good or bad.
    generation: u64,
    /// The folder being served (the last good build).
    root: Option<PathBuf>,
    /// Diagnostics of the latest build when it failed.
    error: Option<String>,
}

#[derive(Default)]
struct Live {
    state: Mutex<LiveState>,
    changed: Condvar,
    /// Pages get the live-reload script only while the folder is watched;
    /// otherwise they are served exactly as `twinstory build` wrote them.
    watching: bool,
}

impl Live {
    fn lock(&self) -> std::sync::MutexGuard<'_, LiveState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Builds, then serves until the process is stopped.
pub fn serve(opts: ServeOptions) -> Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", opts.port)).with_context(|| {
        format!(
            "cannot listen on 127.0.0.1:{}; is another server running? Try --port 0",
            opts.port
        )
    })?;
    std::fs::create_dir_all(&opts.out)
        .with_context(|| format!("cannot create {}", opts.out.display()))?;
    remove_old_builds(&opts.out, None);
    let live = Arc::new(Live {
        watching: opts.watch,
        ..Live::default()
    });
    let mut generation = 0;
    rebuild(&opts, &live, &mut generation)?;

    let addr = listener.local_addr()?;
    println!("Serving {} on http://{addr}/", opts.source.display());
    if opts.watch {
        println!("Watching for changes; the page reloads after every save. Press Ctrl+C to stop.");
        let (live, opts) = (live.clone(), ServeOptions { ..opts });
        thread::spawn(move || watch(&opts, &live, generation));
    } else {
        println!("Press Ctrl+C to stop.");
    }
    for stream in listener.incoming().flatten() {
        let live = live.clone();
        thread::spawn(move || {
            let _ = handle(stream, &live);
        });
    }
    Ok(())
}

/// Builds into `build-<generation>` and switches to it when it is good.
fn rebuild(opts: &ServeOptions, live: &Live, generation: &mut u64) -> Result<()> {
    *generation += 1;
    let dir = opts.out.join(format!("build-{generation}"));
    let result = build_site(&opts.source, &dir, &opts.player);
    let mut st = live.lock();
    let first = st.root.is_none();
    match result {
        Ok(BuildReport { ok: true, .. }) => {
            st.root = Some(dir.clone());
            st.error = None;
        }
        Ok(report) => {
            // A first build with errors is still served (other stories may
            // be fine, and the overlay says what is wrong); later ones are
            // dropped so the last good version keeps playing.
            if first {
                st.root = Some(dir.clone());
            } else {
                let _ = std::fs::remove_dir_all(&dir);
            }
            st.error = Some(report.problems);
        }
        Err(e) if first => return Err(e),
        Err(e) => {
            eprintln!("error: {e:#}");
            let _ = std::fs::remove_dir_all(&dir);
            st.error = Some(format!("{e:#}"));
        }
    }
    st.generation = *generation;
    remove_old_builds(&opts.out, st.root.as_deref());
    drop(st);
    live.changed.notify_all();
    Ok(())
}

/// Deletes `build-*` folders other than `keep`.
fn remove_old_builds(out: &Path, keep: Option<&Path>) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let is_build = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("build-"));
        if is_build && Some(p.as_path()) != keep {
            let _ = std::fs::remove_dir_all(&p);
        }
    }
}

/// Polls the story folder and the player; rebuilds once changes settle.
fn watch(opts: &ServeOptions, live: &Live, mut generation: u64) {
    let mut last = fingerprint(&[&opts.source, &opts.player]);
    loop {
        thread::sleep(POLL);
        let now = fingerprint(&[&opts.source, &opts.player]);
        if now == last {
            continue;
        }
        // Editors write in several steps; wait until the files are quiet.
        let mut settled = now;
        loop {
            thread::sleep(POLL);
            let again = fingerprint(&[&opts.source, &opts.player]);
            if again == settled {
                break;
            }
            settled = again;
        }
        last = settled;
        eprintln!("change detected, rebuilding …");
        if let Err(e) = rebuild(opts, live, &mut generation) {
            eprintln!("error: {e:#}");
        }
    }
}

/// Names, sizes and modification times of every visible file below `roots`.
fn fingerprint(roots: &[&Path]) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = roots.iter().map(|p| p.to_path_buf()).collect();
    while let Some(p) = stack.pop() {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') && n.len() > 1);
        let Ok(meta) = std::fs::metadata(&p) else {
            continue;
        };
        if hidden {
            continue;
        }
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&p) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        } else {
            out.push((p, meta.len(), meta.modified().ok()));
        }
    }
    out.sort();
    out
}

fn handle(mut stream: TcpStream, live: &Live) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; nothing in them changes what we send.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let head = method == "HEAD";
    if method != "GET" && !head {
        return respond(&mut stream, 405, "text/plain", b"method not allowed", head);
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if path == EVENTS {
        return events(stream, live);
    }
    if path == LIVE_JS {
        return respond(
            &mut stream,
            200,
            "text/javascript; charset=utf-8",
            LIVE_SCRIPT.as_bytes(),
            head,
        );
    }
    let (root, error) = {
        let st = live.lock();
        (st.root.clone(), st.error.clone())
    };
    let file = root.as_deref().and_then(|r| resolve(r, path));
    match file.map(|f| std::fs::read(&f).map(|b| (f, b))) {
        Some(Ok((file, body))) => {
            let ctype = content_type(&file);
            if ctype.starts_with("text/html") && live.watching {
                let page = inject_live_script(&String::from_utf8_lossy(&body));
                respond(&mut stream, 200, ctype, page.as_bytes(), head)
            } else {
                respond(&mut stream, 200, ctype, &body, head)
            }
        }
        _ if error.is_some() && (path.ends_with('/') || path.ends_with(".html")) => {
            // Nothing good was built yet for this page: say why, and reload once fixed.
            let page = inject_live_script(&format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>twinstory: errors</title></head>\
                 <body><h1>This story has errors</h1><pre>{}</pre></body></html>",
                crate::build::escape(error.as_deref().unwrap_or(""))
            ));
            respond(
                &mut stream,
                200,
                "text/html; charset=utf-8",
                page.as_bytes(),
                head,
            )
        }
        _ => respond(
            &mut stream,
            404,
            "text/plain; charset=utf-8",
            b"not found",
            head,
        ),
    }
}

/// Adds the live-reload script before `</body>` (or at the end).
fn inject_live_script(html: &str) -> String {
    let tag = format!("<script src=\"{LIVE_JS}\"></script>");
    match html.rfind("</body>") {
        Some(i) => format!("{}{tag}\n{}", &html[..i], &html[i..]),
        None => format!("{html}{tag}\n"),
    }
}

/// Streams one JSON event per build: `{"generation": n, "error": text|null}`.
fn events(mut stream: TcpStream, live: &Live) -> std::io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n",
    )?;
    let mut sent = None;
    loop {
        let (generation, error) = {
            let st = live.lock();
            let (st, _) = live
                .changed
                .wait_timeout_while(st, PING, |s| Some(s.generation) == sent)
                .unwrap_or_else(PoisonError::into_inner);
            (st.generation, st.error.clone())
        };
        if Some(generation) == sent {
            stream.write_all(b": ping\n\n")?;
        } else {
            let data = serde_json::json!({ "generation": generation, "error": error });
            stream.write_all(format!("data: {data}\n\n").as_bytes())?;
            sent = Some(generation);
        }
        stream.flush()?;
    }
}

/// The page side of live reload: reload after good builds, overlay after bad ones.
const LIVE_SCRIPT: &str = r#"(() => {
  let first = null;
  const source = new EventSource("/_twinstory/events");
  addEventListener("pagehide", () => source.close());
  const overlay = (text) => {
    let box = document.getElementById("ts-live-overlay");
    if (!text) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "ts-live-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:2147483647;" +
        "background:#1d2330;color:#fff;font:14px/1.4 ui-monospace,monospace;padding:12px 16px;border-top:4px solid #d7263d";
      const title = document.createElement("strong");
      title.textContent = "twinstory: the story has errors. The last good version keeps playing until you fix them.";
      const close = document.createElement("button");
      close.textContent = "Hide";
      close.style.cssText = "float:right;font:inherit";
      close.onclick = () => box.remove();
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:8px 0 0";
      box.append(close, title, pre);
      document.body.append(box);
    }
    box.querySelector("pre").textContent = text;
  };
  source.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (first === null) first = msg.generation;
    if (msg.error) { overlay(msg.error); return; }
    if (msg.generation !== first) location.reload(); else overlay(null);
  };
})();
"#;

/// Maps a URL path to a file below `root`; `None` for anything outside it.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut p = root.to_path_buf();
    for c in Path::new(decoded.trim_start_matches('/')).components() {
        match c {
            Component::Normal(s) => p.push(s),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if p.is_dir() {
        p.push("index.html");
    }
    p.is_file().then_some(p)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_outside_the_root() {
        let root = std::env::temp_dir();
        assert!(resolve(&root, "/../etc/passwd").is_none());
        assert!(resolve(&root, "/%2e%2e/etc/passwd").is_none());
    }

    #[test]
    fn the_live_script_goes_before_the_body_end() {
        let page = inject_live_script("<html><body><p>x</p></body></html>");
        assert!(page.contains("<p>x</p><script src=\"/_twinstory/live.js\"></script>\n</body>"));
        assert!(inject_live_script("plain").ends_with("</script>\n"));
    }

    #[test]
    fn fingerprints_change_when_a_file_changes() {
        let dir = std::env::temp_dir().join(format!("ts-fp-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join("story.md"), "a").unwrap();
        let a = fingerprint(&[&dir]);
        std::fs::write(dir.join(".git/x"), "hidden files do not count").unwrap();
        assert_eq!(a, fingerprint(&[&dir]));
        std::fs::write(dir.join("story.md"), "ab").unwrap();
        assert_ne!(a, fingerprint(&[&dir]));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
