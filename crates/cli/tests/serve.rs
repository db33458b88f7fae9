//! `twinstory serve` as a local citizen, run as a process: it answers only
//! its own host name, bounds what it reads, survives idle connections,
//! ignores its own builds in the watched folder and deletes only its builds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "host test of a server (threads, clock); test helpers: a failed setup stops the test with its message"
)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("serve", name)
}

/// A running `twinstory serve`; stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap()
    }
}

/// A story made by `twinstory new` and a stand-in player below `dir`.
fn story(dir: &Path) -> PathBuf {
    let out = Command::new(env!("CARGO_BIN_EXE_twinstory"))
        .args(["new", "radwege", "--dir", "stories"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    common::stand_in_player(dir);
    dir.join("stories/radwege")
}

fn serve(dir: &Path, story: &Path, out: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_twinstory"))
        .args(["serve", story.to_str().unwrap(), "--port", "0", "--out"])
        .arg(out)
        .args(["--player", "player"])
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = Arc::new(Mutex::new(String::new()));
    let sink = stderr.clone();
    let mut err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = err.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.trim_end_matches('/').parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        port,
        stderr,
    }
}

/// Sends a raw request; returns the answer (empty when the server closed first).
fn raw(port: u16, request: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn get(port: u16, host: &str) -> String {
    raw(
        port,
        format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
    )
}

#[test]
fn answers_only_its_own_host_names_with_the_csp() {
    let dir = temp_dir("host");
    let story = story(&dir);
    // A German story: the server's refusals follow its language.
    let md = story.join("story.md");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("lang: en\n"), "{text}");
    std::fs::write(&md, text.replacen("lang: en\n", "lang: de\n", 1)).unwrap();
    let s = serve(&dir, &story, &dir.join("out"), &["--no-watch"]);
    let p = s.port;
    for host in [
        format!("127.0.0.1:{p}"),
        format!("localhost:{p}"),
        format!("LOCALHOST:{p}"),
    ] {
        let answer = get(p, &host);
        assert!(answer.starts_with("HTTP/1.1 200 "), "{host}: {answer}");
        assert!(answer.contains("Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';"), "{answer}");
    }
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{p}"),
        format!("127.0.0.1:{}", p + 1),
    ] {
        let answer = get(p, &host);
        assert!(answer.starts_with("HTTP/1.1 403 "), "{host}: {answer}");
        // The story is German, so the refusal is too.
        assert!(
            answer.contains("Dieser Server antwortet nur unter http://127.0.0.1"),
            "{host}: {answer}"
        );
    }
    let delete = raw(
        p,
        format!("DELETE / HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\n\r\n").as_bytes(),
    );
    assert!(delete.starts_with("HTTP/1.1 405 "), "{delete}");
    assert!(
        delete.contains("Diese Methode ist hier nicht erlaubt"),
        "{delete}"
    );
    // Pages name no icon; the browser's own request is answered quietly.
    let icon = raw(
        p,
        format!("GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\n\r\n").as_bytes(),
    );
    assert!(icon.starts_with("HTTP/1.1 204 "), "{icon}");
    let no_host = raw(p, b"GET / HTTP/1.0\r\n\r\n");
    assert!(no_host.starts_with("HTTP/1.1 403 "), "{no_host}");
}

#[test]
fn an_endless_request_line_is_cut_off_without_memory_growth() {
    let dir = temp_dir("long");
    let story = story(&dir);
    let s = serve(&dir, &story, &dir.join("out"), &["--no-watch"]);
    let before = s.rss_kib();
    let mut sock = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    sock.set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0usize;
    let mut closed = false;
    while sent < 20 * 1024 * 1024 {
        match sock.write(&chunk) {
            Ok(n) => sent += n,
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    // What the two kernels buffer (a few MB on loopback) is all that goes.
    assert!(
        closed && sent < 12 * 1024 * 1024,
        "the server closed after {sent} bytes"
    );
    let after = s.rss_kib();
    assert!(after < before + 4 * 1024, "RSS {before} → {after} KiB");
    // Too many header lines are refused as well.
    let mut many = b"GET / HTTP/1.1\r\n".to_vec();
    for _ in 0..1000 {
        many.extend_from_slice(b"X-Filler: 0123456789\r\n");
    }
    let answer = raw(s.port, &many);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431 "),
        "{answer}"
    );
    assert!(get(s.port, &format!("127.0.0.1:{}", s.port)).starts_with("HTTP/1.1 200 "));
}

#[test]
fn two_thousand_idle_connections_do_not_stop_it() {
    let dir = temp_dir("idle");
    let story = story(&dir);
    let s = serve(&dir, &story, &dir.join("out"), &["--no-watch"]);
    let idle: Vec<TcpStream> = (0..2000)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", s.port)).ok())
        .collect();
    assert!(idle.len() > 1500, "{} connections opened", idle.len());
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    let answer = get(s.port, &format!("127.0.0.1:{}", s.port));
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    let threads = std::fs::read_to_string(format!("/proc/{}/status", s.child.id()))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("Threads:")
                .map(|t| t.trim().parse::<u32>().unwrap())
        })
        .unwrap();
    assert!(threads < 40, "{threads} threads for 2,000 connections");
    drop(idle);
}

#[test]
fn builds_inside_the_story_folder_do_not_loop_and_foreign_folders_stay() {
    let dir = temp_dir("watch");
    let story = story(&dir);
    let out = story.join("preview");
    for name in ["build-foo", "build-1"] {
        std::fs::create_dir_all(out.join(name)).unwrap();
        std::fs::write(out.join(name).join("keep.txt"), "mine").unwrap();
    }
    let s = serve(&dir, &story, &out, &[]);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        s.stderr().matches("change detected").count(),
        0,
        "{}",
        s.stderr()
    );
    // Two real changes: two rebuilds, no more.
    for round in 1..=2 {
        let md = story.join("story.md");
        let text = std::fs::read_to_string(&md).unwrap();
        std::fs::write(&md, format!("{text}\n")).unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while s.stderr().matches("built ").count() < round + 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_secs(2));
        assert_eq!(
            s.stderr().matches("change detected").count(),
            round,
            "{}",
            s.stderr()
        );
    }
    for name in ["build-foo", "build-1"] {
        assert_eq!(
            std::fs::read_to_string(out.join(name).join("keep.txt")).unwrap(),
            "mine"
        );
    }
    let ours: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .filter(|e| e.path().join(".twinstory-site").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(ours.len(), 1, "only the served build is kept: {ours:?}");
    assert_ne!(
        ours[0], "build-1",
        "a folder it did not make is never reused"
    );
}

#[test]
fn refuses_a_story_folder_as_out() {
    let dir = temp_dir("refuse");
    let story = story(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_twinstory"))
        .args([
            "serve",
            "stories",
            "--port",
            "0",
            "--out",
            "stories/radwege",
            "--player",
            "player",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is the story folder"), "{err}");
    assert!(story.join("story.md").is_file());
}

/// A request to the view picker's write address for step 0 of the story.
fn picker_post(
    port: u16,
    method: &str,
    origin: Option<&str>,
    token: Option<&str>,
    id: &str,
) -> String {
    let mut req = format!(
        "{method} /_twinstory/picker/write?page=%2F&step=0&id={id}&form=center&cam=9.99,53.55,13,0,0&size=1000,600&pad=32,32,32,400&narrow=0 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    );
    if let Some(o) = origin {
        req.push_str(&format!("Origin: {o}\r\n"));
    }
    if let Some(t) = token {
        req.push_str(&format!("X-Twinstory-Token: {t}\r\n"));
    }
    req.push_str("Content-Length: 0\r\n\r\n");
    raw(port, req.as_bytes())
}

#[test]
fn the_view_picker_writes_only_for_its_own_pages_with_the_token() {
    let dir = temp_dir("picker");
    let story = story(&dir);
    let md = story.join("story.md");
    let before = std::fs::read_to_string(&md).unwrap();
    let s = serve(&dir, &story, &dir.join("out"), &[]);
    let p = s.port;
    let page = get(p, &format!("127.0.0.1:{p}"));
    let token = page
        .split("data-token=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .expect("the preview page carries the picker's token")
        .to_owned();
    assert_eq!(token.len(), 32);
    // The preview serves the story movable in every step.
    let json = raw(
        p,
        format!("GET /story.json HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\n\r\n").as_bytes(),
    );
    assert!(json.contains("\"interactive\":true"), "{json}");
    let id = {
        let parsed = twinstory_story::parse_story("story.md", before.as_bytes());
        parsed.story.unwrap().steps[0].id.clone()
    };
    let own = format!("http://127.0.0.1:{p}");
    for (method, origin, tok) in [
        ("POST", Some(own.as_str()), None),
        (
            "POST",
            Some(own.as_str()),
            Some("0123456789abcdef0123456789abcdef"),
        ),
        ("POST", Some("http://evil.example"), Some(token.as_str())),
        ("POST", None, Some(token.as_str())),
        ("GET", Some(own.as_str()), Some(token.as_str())),
    ] {
        let answer = picker_post(p, method, origin, tok, &id);
        assert!(
            answer.starts_with("HTTP/1.1 403 "),
            "{method} {origin:?} {tok:?}: {answer}"
        );
        assert_eq!(
            std::fs::read_to_string(&md).unwrap(),
            before,
            "story.md untouched"
        );
    }
    // A step that is not the page's any more: refused, untouched.
    let answer = picker_post(p, "POST", Some(&own), Some(&token), "not-this-step");
    assert!(answer.starts_with("HTTP/1.1 409 "), "{answer}");
    assert_eq!(std::fs::read_to_string(&md).unwrap(), before);
    // The page's own request writes the view into the step.
    let answer = picker_post(p, "POST", Some(&own), Some(&token), &id);
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    let after = std::fs::read_to_string(&md).unwrap();
    assert_ne!(after, before);
    let parsed = twinstory_story::parse_story("story.md", after.as_bytes());
    let view = parsed.story.unwrap().steps[0].view.clone().unwrap();
    assert_eq!(view.zoom, Some(13.0));
    assert!(
        view.center.unwrap()[0] > 9.99,
        "the free part's middle: {view:?}"
    );
    // Only lines of the first step's block changed.
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert!(changed.len() <= 1, "{changed:?}");
}
