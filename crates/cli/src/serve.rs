//! `twinstory serve`: build, serve on 127.0.0.1, watch and live-reload.
//!
//! std::net only: a localhost preview needs no async runtime, and this keeps
//! the CLI's build fast (axum + tokio would add 72 s to a clean build and
//! 1 MB to the binary; `docs/facts.md`, "The preview server").
//!
//! Every rebuild goes into a fresh folder `build-<n>` below the output
//! folder; the server switches to it only when the build succeeded, so the
//! last good version keeps playing while the author fixes a mistake. Pages
//! served as HTML get a small script that listens on `/_twinstory/events`
//! (server-sent events): it reloads the page after a good build and shows the
//! diagnostics in an overlay after a failed one, and the view picker
//! (`picker.rs`), the one request that writes into story.md.
//!
//! A good local citizen: one thread polls every open connection until its
//! request head (at most 8 KiB) has arrived, so idle connections cost no
//! thread; answers come from a pool of [`WORKERS`] threads, event streams
//! from at most [`MAX_STREAMS`] more. Requests whose `Host` is not this
//! server (DNS rebinding) get 403. Every response carries the story's
//! Content-Security-Policy, the same one `twinstory build` writes.
#![allow(
    clippy::disallowed_methods,
    reason = "host-only: the preview server uses threads and the clock, which the player must not"
)]

use crate::build::{
    build_into, check_out_place, site_lang, story_dirs, BuildOptions, BuildReport, MARKER,
};
use crate::csp;
use crate::picker;
use anyhow::{Context, Result};
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, TrySendError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime};
use twinstory_model::strings::{Lang, Strings};

/// Where the live-reload script and the event stream are served.
const LIVE_JS: &str = "/_twinstory/live.js";
const EVENTS: &str = "/_twinstory/events";
/// How often the story folder is checked for changes.
const POLL: Duration = Duration::from_millis(250);
/// Keep-alive comment interval of the event stream (also detects closed tabs).
const PING: Duration = Duration::from_secs(15);
/// Largest request head (request line and headers) read.
const MAX_HEAD: usize = 8 * 1024;
/// Threads that answer requests.
pub const WORKERS: usize = 32;
/// Requests waiting for a worker; more get 503.
const QUEUE: usize = 64;
/// Open event streams (one per open page); more get 503.
pub const MAX_STREAMS: usize = 32;
/// Connections still sending their request head; beyond, the oldest is closed.
const MAX_PENDING: usize = 1024;
/// How long a connection may take to send its request head, and the read
/// and write time-out of a request being answered.
const IDLE: Duration = Duration::from_secs(10);

/// What `serve` needs to know.
pub struct ServeOptions {
    /// Story folder, or folder of story folders.
    pub source: PathBuf,
    /// Folder for the builds.
    pub out: PathBuf,
    /// The player and the story origins, as for `build`.
    pub build: BuildOptions,
    /// Port on 127.0.0.1 (0 picks a free one).
    pub port: u16,
    /// Rebuild and reload on changes.
    pub watch: bool,
    /// Send `Access-Control-Allow-Origin: *`, so that pages of other
    /// origins can play the stories as `<twin-story>` elements (docs/embed.md).
    pub cors: bool,
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
    /// The CSP per path prefix of the served build.
    policies: Vec<(String, String)>,
    /// The language of the server's own pages (errors, not found): the
    /// stories' ([`crate::build::site_lang`] of the latest build).
    lang: Lang,
}

#[derive(Default)]
struct Live {
    state: Mutex<LiveState>,
    changed: Condvar,
    /// Pages get the live-reload script only while the folder is watched;
    /// otherwise they are served exactly as `twinstory build` wrote them.
    watching: bool,
    /// Every answer allows reading by any origin (`--cors`).
    cors: bool,
    /// The `Host` headers this server answers (`127.0.0.1:<port>`, `localhost:<port>`).
    hosts: Vec<String>,
    /// Open event streams.
    streams: AtomicUsize,
    /// The story folder (or folder of stories) served, for the view picker.
    source: PathBuf,
    /// This session's secret for writing into story.md (the view picker):
    /// in the preview pages, which other sites cannot read.
    token: String,
}

impl Live {
    fn lock(&self) -> std::sync::MutexGuard<'_, LiveState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Builds, then serves until the process is stopped.
pub fn serve(opts: ServeOptions) -> Result<()> {
    let (_, dirs) = story_dirs(&opts.source)?;
    // The builds may live inside the watched folder (the watcher skips
    // them), but never be a story folder or contain one.
    check_out_place(&opts.out, &opts.source, &dirs, true)?;
    let listener = TcpListener::bind(("127.0.0.1", opts.port)).with_context(|| {
        format!(
            "cannot listen on 127.0.0.1:{}; is another server running? Try --port 0",
            opts.port
        )
    })?;
    std::fs::create_dir_all(&opts.out)
        .with_context(|| format!("cannot create {}", opts.out.display()))?;
    remove_old_builds(&opts.out, None);
    let addr = listener.local_addr()?;
    let live = Arc::new(Live {
        watching: opts.watch,
        cors: opts.cors,
        hosts: vec![
            format!("127.0.0.1:{}", addr.port()),
            format!("localhost:{}", addr.port()),
        ],
        source: opts.source.clone(),
        token: picker::new_token(),
        ..Live::default()
    });
    let mut generation = 0;
    rebuild(&opts, &live, &mut generation)?;

    println!("Serving {} on http://{addr}/", opts.source.display());
    if opts.watch {
        println!("Watching for changes; the page reloads after every save. Press Ctrl+C to stop.");
        let (live, opts) = (live.clone(), ServeOptions { ..opts });
        thread::spawn(move || watch(&opts, &live, generation));
    } else {
        println!("Press Ctrl+C to stop.");
    }
    let (send, receive) = sync_channel::<(TcpStream, Request)>(QUEUE);
    let receive = Arc::new(Mutex::new(receive));
    for _ in 0..WORKERS {
        let (live, receive) = (live.clone(), receive.clone());
        thread::spawn(move || worker(&receive, &live));
    }
    accept_loop(&listener, |mut stream, request| {
        if !live
            .hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&request.host))
        {
            let lang = live.lock().lang;
            let _ = respond_plain(&mut stream, 403, Refusal::OtherHost.text(lang));
            return;
        }
        if request.path() == EVENTS {
            if live.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
                live.streams.fetch_sub(1, Ordering::SeqCst);
                let lang = live.lock().lang;
                let _ = respond_plain(&mut stream, 503, Refusal::TooManyPages.text(lang));
                return;
            }
            let shared = live.clone();
            let spawned = thread::Builder::new().spawn(move || {
                let _ = events(stream, &shared);
                shared.streams.fetch_sub(1, Ordering::SeqCst);
            });
            if spawned.is_err() {
                live.streams.fetch_sub(1, Ordering::SeqCst);
            }
            return;
        }
        match send.try_send((stream, request)) {
            Ok(()) => {}
            Err(
                TrySendError::Full((mut stream, _)) | TrySendError::Disconnected((mut stream, _)),
            ) => {
                let lang = live.lock().lang;
                let _ = respond_plain(&mut stream, 503, Refusal::Busy.text(lang));
            }
        }
    })
}

/// A request head as read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Request {
    method: String,
    target: String,
    host: String,
    /// The `Origin` header (empty when not sent).
    origin: String,
    /// The view picker's token header (empty when not sent).
    token: String,
}

impl Request {
    /// The target without query and fragment.
    fn path(&self) -> &str {
        self.target.split(['?', '#']).next().unwrap_or("/")
    }

    /// The query string (without `?`), empty when there is none.
    fn query(&self) -> &str {
        let t = self.target.split('#').next().unwrap_or("");
        t.split_once('?').map_or("", |(_, q)| q)
    }
}

/// What a request head turned out to be.
#[derive(Debug, PartialEq, Eq)]
enum Head {
    /// More bytes are needed.
    Partial,
    Complete(Request),
    /// Answer with this status and close.
    Refuse(u16),
}

/// Reads a request head from the bytes received so far.
fn parse_head(buf: &[u8]) -> Head {
    let line_end = buf.iter().position(|&b| b == b'\n');
    match line_end {
        None if buf.len() > MAX_HEAD => return Head::Refuse(414),
        None => return Head::Partial,
        Some(n) if n > MAX_HEAD => return Head::Refuse(414),
        Some(_) => {}
    }
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| buf.windows(2).position(|w| w == b"\n\n").map(|i| i + 2));
    let Some(end) = end else {
        return if buf.len() > MAX_HEAD {
            Head::Refuse(431)
        } else {
            Head::Partial
        };
    };
    if end > MAX_HEAD {
        return Head::Refuse(431);
    }
    let Ok(text) = std::str::from_utf8(&buf[..end]) else {
        return Head::Refuse(400);
    };
    let mut lines = text.lines();
    let mut parts = lines.next().unwrap_or("").split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Head::Refuse(400);
    };
    let headers: Vec<(&str, &str)> = lines.filter_map(|l| l.split_once(':')).collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    Head::Complete(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        host: header("host"),
        origin: header("origin"),
        token: header(picker::TOKEN_HEADER),
    })
}

/// A connection whose request head is still arriving.
struct Pending {
    stream: TcpStream,
    buf: Vec<u8>,
    since: Instant,
}

/// Accepts connections and reads their request heads, all in one thread
/// with `poll(2)`, and hands each complete head to `dispatch`.
fn accept_loop(listener: &TcpListener, mut dispatch: impl FnMut(TcpStream, Request)) -> Result<()> {
    listener.set_nonblocking(true)?;
    let mut pending: VecDeque<Pending> = VecDeque::new();
    let mut fds: Vec<libc::pollfd> = Vec::new();
    loop {
        fds.clear();
        fds.push(libc::pollfd {
            fd: listener.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        });
        fds.extend(pending.iter().map(|p| libc::pollfd {
            fd: p.stream.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }));
        #[allow(
            unsafe_code,
            reason = "std has no poll(2); the one unsafe call of the workspace"
        )]
        // SAFETY: `fds` is a valid array of `fds.len()` pollfd structs that
        // lives across the call; poll only writes their `revents`.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 1000) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == ErrorKind::Interrupted {
                continue;
            }
            return Err(e).context("cannot wait for connections");
        }
        // Read what arrived; keep the order of `pending` and `fds` in step.
        let mut keep = VecDeque::with_capacity(pending.len());
        for (mut p, fd) in pending.drain(..).zip(fds.iter().skip(1)) {
            if fd.revents == 0 {
                if p.since.elapsed() < IDLE {
                    keep.push_back(p);
                }
                continue;
            }
            let mut chunk = [0u8; 4096];
            let room = (MAX_HEAD + 1)
                .saturating_sub(p.buf.len())
                .clamp(1, chunk.len());
            match p.stream.read(&mut chunk[..room]) {
                Ok(0) => continue,
                Ok(k) => p.buf.extend_from_slice(&chunk[..k]),
                Err(e)
                    if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::Interrupted => {}
                Err(_) => continue,
            }
            match parse_head(&p.buf) {
                Head::Partial if p.since.elapsed() < IDLE => keep.push_back(p),
                Head::Partial => {}
                Head::Refuse(status) => {
                    let _ = p.stream.set_nonblocking(false);
                    let _ = p.stream.set_write_timeout(Some(Duration::from_secs(1)));
                    // No readable request, so no page to take a language
                    // from: both.
                    let _ = respond_plain(&mut p.stream, status, UNREADABLE_BOTH);
                }
                Head::Complete(request) => {
                    let ready = p.stream.set_nonblocking(false).is_ok()
                        && p.stream.set_read_timeout(Some(IDLE)).is_ok()
                        && p.stream.set_write_timeout(Some(IDLE)).is_ok();
                    if ready {
                        dispatch(p.stream, request);
                    }
                }
            }
        }
        pending = keep;
        if fds[0].revents != 0 {
            loop {
                match listener.accept() {
                    Ok((stream, _)) => {
                        if stream.set_nonblocking(true).is_err() {
                            continue;
                        }
                        if pending.len() >= MAX_PENDING {
                            pending.pop_front();
                        }
                        pending.push_back(Pending {
                            stream,
                            buf: Vec::new(),
                            since: Instant::now(),
                        });
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(_) => {
                        // Out of file descriptors: the oldest idle connection goes.
                        if pending.pop_front().is_none() {
                            thread::sleep(Duration::from_millis(50));
                        }
                        break;
                    }
                }
            }
        }
    }
}

/// Answers requests from the queue until the server stops.
fn worker(queue: &Mutex<Receiver<(TcpStream, Request)>>, live: &Live) {
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok((stream, request)) = next else {
            return;
        };
        let _ = handle(stream, &request, live);
    }
}

/// Builds into a new `build-<n>` and switches to it when it is good.
fn rebuild(opts: &ServeOptions, live: &Live, generation: &mut u64) -> Result<()> {
    *generation += 1;
    // Never reuse a folder someone else made.
    let mut dir = opts.out.join(format!("build-{generation}"));
    while dir.exists() {
        *generation += 1;
        dir = opts.out.join(format!("build-{generation}"));
    }
    std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let result = build_into(&opts.source, &dir, &dir, &opts.build);
    let mut st = live.lock();
    if let Ok(report) = &result {
        st.lang = site_lang(report.langs.iter().map(String::as_str)).0;
    }
    let first = st.root.is_none();
    match result {
        Ok(BuildReport {
            ok: true, policies, ..
        }) => {
            st.root = Some(dir.clone());
            st.error = None;
            st.policies = policies;
        }
        Ok(report) => {
            // A first build with errors is still served (other stories may
            // be fine, and the overlay says what is wrong); later ones are
            // dropped so the last good version keeps playing.
            if first {
                st.root = Some(dir.clone());
                st.policies = report.policies;
            } else {
                let _ = std::fs::remove_dir_all(&dir);
            }
            st.error = Some(report.problems);
        }
        Err(e) if first => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
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

/// Deletes the `build-<n>` folders that serve wrote (they carry the
/// marker file), other than `keep`; anything else in `out` stays.
fn remove_old_builds(out: &Path, keep: Option<&Path>) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let ours = p
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("build-"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            && e.file_type().is_ok_and(|t| t.is_dir())
            && p.join(MARKER).is_file();
        if ours && Some(p.as_path()) != keep {
            let _ = std::fs::remove_dir_all(&p);
        }
    }
}

/// Polls the story folder and the player; rebuilds once changes settle.
fn watch(opts: &ServeOptions, live: &Live, mut generation: u64) {
    // The builds never count as changes, even inside the story folder.
    let skip = [crate::build::absolute(&opts.out)];
    let roots: Vec<&Path> = [Some(opts.source.as_path()), opts.build.player.dir()]
        .into_iter()
        .flatten()
        .collect();
    let mut last = fingerprint(&roots, &skip);
    loop {
        thread::sleep(POLL);
        let now = fingerprint(&roots, &skip);
        if now == last {
            continue;
        }
        // Editors write in several steps; wait until the files are quiet.
        let mut settled = now;
        loop {
            thread::sleep(POLL);
            let again = fingerprint(&roots, &skip);
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

/// Names, sizes and modification times of every visible file below `roots`,
/// except in the folders `skip` (absolute paths).
fn fingerprint(roots: &[&Path], skip: &[PathBuf]) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
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
            if p.canonicalize().is_ok_and(|c| skip.contains(&c)) {
                continue;
            }
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

/// The policy for a URL path: the one of the longest matching prefix.
fn policy_for(policies: &[(String, String)], path: &str) -> String {
    let rel = path.trim_start_matches('/');
    policies
        .iter()
        .filter(|(prefix, _)| rel.starts_with(prefix.as_str()))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, p)| p.clone())
        .unwrap_or_else(|| csp::policy(&csp::Hosts::default()))
}

fn handle(mut stream: TcpStream, request: &Request, live: &Live) -> std::io::Result<()> {
    let method = request.method.as_str();
    let head = method == "HEAD";
    let path = request.path();
    let (root, error, policy, t) = {
        let st = live.lock();
        (
            st.root.clone(),
            st.error.clone(),
            policy_for(&st.policies, path),
            st.lang.strings(),
        )
    };
    let mut policy = policy;
    if live.cors {
        policy.push_str("\r\nAccess-Control-Allow-Origin: *");
    }
    let respond = |stream: &mut TcpStream, status, ctype, body: &[u8]| {
        respond(stream, status, ctype, body, head, &policy)
    };
    if live.watching && path == picker::PICKER_WRITE {
        let (status, answer) = match write_allowed(request, live) {
            Ok(()) => picker_write(request, live),
            Err(why) => (403, serde_json::json!({ "error": why })),
        };
        return respond(
            &mut stream,
            status,
            "application/json",
            answer.to_string().as_bytes(),
        );
    }
    if method != "GET" && !head {
        return respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            Refusal::Method.text(t.lang).as_bytes(),
        );
    }
    if live.watching {
        let asset = match path {
            picker::PICKER_JS => Some(("text/javascript; charset=utf-8", picker::picker_script())),
            picker::PICKER_CSS => {
                Some(("text/css; charset=utf-8", picker::PICKER_STYLE.to_owned()))
            }
            picker::PICKER_VIEW => {
                let answer = picker::read_report(request.query()).map(|r| picker::view_answer(&r));
                match answer {
                    Some(a) => Some(("application/json", a.to_string())),
                    None => return respond(&mut stream, 400, "text/plain", b"no camera"),
                }
            }
            _ => None,
        };
        if let Some((ctype, body)) = asset {
            return respond(&mut stream, 200, ctype, body.as_bytes());
        }
    }
    if path == LIVE_JS {
        return respond(
            &mut stream,
            200,
            "text/javascript; charset=utf-8",
            live_script().as_bytes(),
        );
    }
    let file = root.as_deref().and_then(|r| resolve(r, path));
    if file.is_none() && path == "/favicon.ico" {
        // Pages name no icon (a `data:` icon would need `img-src data:`);
        // browsers ask anyway, and a 404 would be noise in the console.
        return respond(&mut stream, 204, "image/x-icon", b"");
    }
    match file.map(|f| std::fs::read(&f).map(|b| (f, b))) {
        Some(Ok((file, body))) => {
            let ctype = content_type(&file);
            if ctype.starts_with("text/html") && live.watching {
                let page = inject_live_script(&String::from_utf8_lossy(&body), Some(&live.token));
                respond(&mut stream, 200, ctype, page.as_bytes())
            } else if live.watching && file.file_name().is_some_and(|n| n == "story.json") {
                // The preview lets the author move the map in every step.
                let body = picker::movable_story_json(&body).unwrap_or(body);
                respond(&mut stream, 200, ctype, &body)
            } else {
                respond(&mut stream, 200, ctype, &body)
            }
        }
        _ if error.is_some() && (path.ends_with('/') || path.ends_with(".html")) => {
            // Nothing good was built yet for this page: say why, and reload once fixed.
            let page = preview_page(
                t,
                t.preview_errors,
                &format!(
                    "<pre>{}</pre>",
                    crate::build::escape(error.as_deref().unwrap_or(""))
                ),
            );
            respond(
                &mut stream,
                200,
                "text/html; charset=utf-8",
                page.as_bytes(),
            )
        }
        _ if path.ends_with('/') || path.ends_with(".html") => {
            // A page: say so as a page, with the way to the stories (a typo
            // in a story's folder name, or a story not made yet: the page
            // reloads once something is built at this address).
            let page = preview_page(
                t,
                t.not_found,
                &format!(
                    "<p><code>{}</code></p><p><a href=\"/\">{}</a></p>",
                    crate::build::escape(path),
                    crate::build::escape(t.site_heading)
                ),
            );
            respond(
                &mut stream,
                404,
                "text/html; charset=utf-8",
                page.as_bytes(),
            )
        }
        _ => respond(
            &mut stream,
            404,
            "text/plain; charset=utf-8",
            t.not_found.as_bytes(),
        ),
    }
}

/// A page of the preview's own (a story that has errors, an address with
/// nothing behind it): `title` as its heading, `body` (HTML) below, and the
/// live-reload script, so it reloads once the story builds.
fn preview_page(t: &Strings, title: &str, body: &str) -> String {
    let title = crate::build::escape(title);
    inject_live_script(
        &format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>twinstory: {title}</title></head>\
             <body><h1>{title}</h1>{body}</body></html>",
            t.lang.tag()
        ),
        None,
    )
}

/// Adds the live-reload script before `</body>` (or at the end), and the
/// view picker's with the session's `token` when given.
fn inject_live_script(html: &str, token: Option<&str>) -> String {
    let picker = token.map(picker::picker_tags).unwrap_or_default();
    let tag = format!("<script src=\"{LIVE_JS}\"></script>{picker}");
    match html.rfind("</body>") {
        Some(i) => format!("{}{tag}\n{}", &html[..i], &html[i..]),
        None => format!("{html}{tag}\n"),
    }
}

/// Whether a request may write into story.md: a POST from a page of this
/// server (its `Origin`) that carries this session's token.
fn write_allowed(request: &Request, live: &Live) -> Result<(), &'static str> {
    if request.method != "POST" {
        return Err("the view is written with POST");
    }
    let own_origin = live
        .hosts
        .iter()
        .any(|h| request.origin.eq_ignore_ascii_case(&format!("http://{h}")));
    if !own_origin {
        return Err("only pages of this preview may write into story.md");
    }
    if live.token.is_empty() || request.token != live.token {
        return Err("the page's token is not this session's; reload the page");
    }
    Ok(())
}

/// Writes the view the request reports into its step (status and answer).
fn picker_write(request: &Request, live: &Live) -> (u16, serde_json::Value) {
    let q = request.query();
    let value = |name| picker::query_value(q, name).unwrap_or_default();
    let (Some(report), Ok(index)) = (picker::read_report(q), value("step").parse::<usize>()) else {
        return (
            400,
            serde_json::json!({ "error": "the page sent no camera" }),
        );
    };
    let form = if value("form") == "fit" {
        picker::Form::Fit
    } else {
        picker::Form::Center
    };
    let Some(dir) = picker::story_dir_for(&live.source, &value("page")) else {
        return (
            404,
            serde_json::json!({ "error": "no story for this page" }),
        );
    };
    match picker::write_view(&dir, index, &value("id"), form, &report) {
        Ok(line) => {
            eprintln!(
                "view picker: wrote `{line}` into {}",
                dir.join("story.md").display()
            );
            (200, serde_json::json!({ "line": line }))
        }
        Err(e) => (409, serde_json::json!({ "error": e })),
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

/// The live-reload script with the overlay's words of both languages; it
/// picks them by the page's `<html lang>` as [`Lang::of`] does.
fn live_script() -> String {
    let words = |l: Lang| {
        let t = l.strings();
        serde_json::json!({ "title": t.preview_overlay, "hide": t.preview_hide })
    };
    let table = serde_json::json!({ "de": words(Lang::De), "en": words(Lang::En) });
    LIVE_SCRIPT.replacen("__WORDS__", &table.to_string(), 1)
}

/// The page side of live reload: reload after good builds, overlay after bad ones.
const LIVE_SCRIPT: &str = r#"(() => {
  const lang = (document.documentElement.lang || "de").toLowerCase();
  const words = __WORDS__[lang.startsWith("de") ? "de" : "en"];
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
      title.textContent = words.title;
      const close = document.createElement("button");
      close.textContent = words.hide;
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

/// Decodes `%xx` escapes; `None` for broken ones or text that is not UTF-8.
pub(crate) use twinstory_model::url::percent_decode;

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
    // The policy, possibly followed by more header lines (`--cors`).
    policy: &str,
) -> std::io::Result<()> {
    let header = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: {policy}\r\nConnection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Why the server refuses a request, told in the stories' language (the
/// server's words for authors, so they live here and not in the player's
/// `Strings`, which every reader downloads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// The `Host` is not 127.0.0.1 or localhost (DNS rebinding).
    OtherHost,
    /// Too many open live-reload streams.
    TooManyPages,
    /// Every worker is busy and the queue is full.
    Busy,
    /// Not GET or HEAD.
    Method,
}

impl Refusal {
    /// The sentence in `lang`.
    fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Refusal::OtherHost, Lang::De) => {
                "Dieser Server antwortet nur unter http://127.0.0.1 und http://localhost."
            }
            (Refusal::OtherHost, Lang::En) => {
                "This server answers only at http://127.0.0.1 and http://localhost."
            }
            (Refusal::TooManyPages, Lang::De) => {
                "Zu viele offene Seiten: Bitte schließen Sie einige Tabs."
            }
            (Refusal::TooManyPages, Lang::En) => "Too many open pages: please close some tabs.",
            (Refusal::Busy, Lang::De) => {
                "Der Server ist ausgelastet. Bitte gleich noch einmal versuchen."
            }
            (Refusal::Busy, Lang::En) => "The server is busy. Please try again in a moment.",
            (Refusal::Method, Lang::De) => {
                "Diese Methode ist hier nicht erlaubt: Die Vorschau beantwortet nur GET und HEAD."
            }
            (Refusal::Method, Lang::En) => {
                "This method is not allowed here: the preview answers only GET and HEAD."
            }
        }
    }
}

/// A request whose head cannot be read has no page to take a language from,
/// so the refusal says it in German, then English.
const UNREADABLE_BOTH: &str =
    "Die Anfrage ist nicht lesbar und wurde abgelehnt. / The request could not be read and was refused.";

/// A short plain-text answer that closes the connection (refusals).
fn respond_plain(stream: &mut TcpStream, status: u16, text: &str) -> std::io::Result<()> {
    respond(
        stream,
        status,
        "text/plain; charset=utf-8",
        text.as_bytes(),
        false,
        "default-src 'none'",
    )?;
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_has_the_words_of_both_languages() {
        let js = live_script();
        assert!(!js.contains("__WORDS__"));
        for l in [Lang::De, Lang::En] {
            let t = l.strings();
            assert!(js.contains(t.preview_overlay) && js.contains(t.preview_hide));
        }
        // No word of either language is left in the script itself.
        assert!(!LIVE_SCRIPT.contains("Hide") && !LIVE_SCRIPT.contains("errors"));
    }

    #[test]
    fn only_pages_of_this_preview_with_the_token_may_write() {
        let live = Live {
            hosts: vec!["127.0.0.1:9".into(), "localhost:9".into()],
            token: "secret".into(),
            ..Live::default()
        };
        let req = |method: &str, origin: &str, token: &str| Request {
            method: method.into(),
            target: "/_twinstory/picker/write?step=0".into(),
            host: "127.0.0.1:9".into(),
            origin: origin.into(),
            token: token.into(),
        };
        assert_eq!(
            write_allowed(&req("POST", "http://127.0.0.1:9", "secret"), &live),
            Ok(())
        );
        assert_eq!(
            write_allowed(&req("POST", "http://localhost:9", "secret"), &live),
            Ok(())
        );
        for (method, origin, token) in [
            ("GET", "http://127.0.0.1:9", "secret"),
            ("POST", "http://evil.example", "secret"),
            ("POST", "http://127.0.0.1:10", "secret"),
            ("POST", "null", "secret"),
            ("POST", "", "secret"),
            ("POST", "http://127.0.0.1:9", ""),
            ("POST", "http://127.0.0.1:9", "secreT"),
        ] {
            assert!(
                write_allowed(&req(method, origin, token), &live).is_err(),
                "{method} {origin} {token}"
            );
        }
        let no_token = Live {
            token: String::new(),
            ..live
        };
        assert!(write_allowed(&req("POST", "http://127.0.0.1:9", ""), &no_token).is_err());
    }

    #[test]
    fn refuses_paths_outside_the_root() {
        let root = std::env::temp_dir();
        assert!(resolve(&root, "/../etc/passwd").is_none());
        assert!(resolve(&root, "/%2e%2e/etc/passwd").is_none());
    }

    #[test]
    fn request_heads_are_bounded() {
        let get = b"GET /a/?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: */*\r\n\r\n";
        assert_eq!(
            parse_head(get),
            Head::Complete(Request {
                method: "GET".into(),
                target: "/a/?x=1".into(),
                host: "127.0.0.1:8080".into(),
                origin: String::new(),
                token: String::new(),
            })
        );
        assert_eq!(parse_head(&get[..30]), Head::Partial);
        let long_line = vec![b'a'; MAX_HEAD + 1];
        assert_eq!(parse_head(&long_line), Head::Refuse(414));
        let mut many_headers = b"GET / HTTP/1.1\r\n".to_vec();
        many_headers.extend(std::iter::repeat_n(b"X: y\r\n".as_slice(), 2000).flatten());
        assert_eq!(parse_head(&many_headers), Head::Refuse(431));
        assert_eq!(parse_head(b"\r\n\r\n"), Head::Refuse(400));
    }

    #[test]
    fn each_story_gets_its_policy() {
        let p = vec![
            (String::new(), "A".to_string()),
            ("radwege/".to_string(), "B".to_string()),
        ];
        assert_eq!(policy_for(&p, "/radwege/index.html"), "B");
        assert_eq!(policy_for(&p, "/"), "A");
        assert_eq!(policy_for(&p, "/story.schema.json"), "A");
    }

    #[test]
    fn the_live_script_goes_before_the_body_end() {
        let page = inject_live_script("<html><body><p>x</p></body></html>", None);
        assert!(page.contains("<p>x</p><script src=\"/_twinstory/live.js\"></script>\n</body>"));
        assert!(inject_live_script("plain", None).ends_with("</script>\n"));
        let page = inject_live_script("<html><body></body></html>", Some("abc"));
        assert!(page.contains(
            "<script src=\"/_twinstory/picker.js\" data-token=\"abc\"></script>\n</body>"
        ));
    }

    #[test]
    fn fingerprints_change_when_a_file_changes() {
        let dir = std::env::temp_dir().join(format!("ts-fp-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join("story.md"), "a").unwrap();
        let a = fingerprint(&[&dir], &[]);
        std::fs::write(dir.join(".git/x"), "hidden files do not count").unwrap();
        assert_eq!(a, fingerprint(&[&dir], &[]));
        std::fs::write(dir.join("story.md"), "ab").unwrap();
        assert_ne!(a, fingerprint(&[&dir], &[]));
        // The builds below the story folder never count.
        std::fs::create_dir_all(dir.join("out/build-1")).unwrap();
        let b = fingerprint(&[&dir], &[dir.join("out").canonicalize().unwrap()]);
        std::fs::write(dir.join("out/build-1/index.html"), "x").unwrap();
        assert_eq!(
            b,
            fingerprint(&[&dir], &[dir.join("out").canonicalize().unwrap()])
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
