//! `twinstory build` never loses or leaks a file, and writes pages that run
//! under a strict Content Security Policy.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn twinstory(args: &[&str], dir: &Path, home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twinstory"))
        .args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env_remove("TWINSTORY_PLAYER")
        .output()
        .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    common::temp_dir("safety", name)
}

/// A folder with `stories/radwege` (from `twinstory new`), a stand-in player
/// and a home folder.
fn workspace(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("home")).unwrap();
    let out = twinstory(
        &["new", "radwege", "--dir", "stories"],
        &dir,
        &dir.join("home"),
    );
    assert_eq!(out.status.code(), Some(0));
    common::stand_in_player(&dir);
    dir
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_build_inside_the_story_folder_suggests_a_folder_beside_it() {
    let dir = workspace("inside");
    let home = temp_dir("inside-home");
    let story = dir.join("stories/radwege");
    let player = dir.join("player");
    let out = twinstory(
        &["build", ".", "--player", player.to_str().unwrap()],
        &story,
        &home,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("lies inside the story folder ."), "{err}");
    assert!(
        err.contains("e.g. `--out ../dist`"),
        "a fix that works from here: {err}"
    );
}

#[test]
fn refused_out_folders_keep_every_file() {
    let dir = workspace("refuse");
    // A home folder apart from the stories, as it usually is.
    let home = temp_dir("refuse-home");
    std::fs::write(home.join("notes.txt"), "private").unwrap();
    std::fs::create_dir_all(dir.join("foreign")).unwrap();
    std::fs::write(dir.join("foreign/keep.txt"), "not a site").unwrap();
    let story = dir.join("stories/radwege");
    let home_s = home.to_str().unwrap().to_owned();
    let cases: &[(&[&str], &str)] = &[
        (
            &["stories/radwege", "--out", "stories/radwege"],
            "is the story folder",
        ),
        (
            &["stories/radwege", "--out", "stories/radwege/dist"],
            "lies inside the story folder",
        ),
        (
            &["stories/radwege", "--out", "stories"],
            "contains the story folder",
        ),
        (
            &["stories", "--out", "."],
            "contains the story folder stories/radwege",
        ),
        (
            &["stories", "--out", "stories/dist"],
            "lies inside the folder of stories",
        ),
        (&["stories/radwege", "--out", "/"], "is the root folder"),
        (
            &["stories/radwege", "--out", &home_s],
            "is your home folder or contains it",
        ),
        (
            &["stories/radwege", "--out", "foreign"],
            "is not empty and was not written by twinstory",
        ),
        (
            &["stories/radwege", "--out", "foreign/keep.txt"],
            "is a file, not a folder",
        ),
        (
            &["stories/radwege", "--out", "linked"],
            "is a symbolic link to foreign, not a folder",
        ),
    ];
    std::os::unix::fs::symlink("foreign", dir.join("linked")).unwrap();
    let before = snapshot(&dir);
    for (args, message) in cases {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        all.extend(["--player", "player"]);
        let out = twinstory(&all, &dir, &home);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(message),
            "{args:?}: expected {message:?} in {err}"
        );
        assert!(err.contains("--out dist"), "{args:?} suggests a fix: {err}");
        assert_eq!(snapshot(&dir), before, "{args:?} changed files");
        assert!(home.join("notes.txt").is_file());
    }
    assert!(story.join("story.md").is_file());
}

#[test]
fn a_failed_rebuild_leaves_the_previous_site_byte_identical() {
    let dir = workspace("rebuild");
    let home = dir.join("home");
    let build = |d: &Path| {
        twinstory(
            &["build", "stories", "--out", "site", "--player", "player"],
            d,
            &home,
        )
    };
    let first = build(&dir);
    let err = stderr(&first);
    assert_eq!(first.status.code(), Some(0), "{err}");
    assert!(dir.join("site/.twinstory-site").is_file());
    // What is printed names the folder the site ends up in, not the
    // temporary one it is built in.
    assert!(
        err.contains("built stories/radwege → site/radwege\n"),
        "{err}"
    );
    assert!(!err.contains("twinstory-new"), "{err}");
    let one = twinstory(
        &[
            "build",
            "stories/radwege",
            "--out",
            "one",
            "--player",
            "player",
        ],
        &dir,
        &home,
    );
    let err = stderr(&one);
    assert_eq!(one.status.code(), Some(0), "{err}");
    assert!(err.contains("built stories/radwege → one\n"), "{err}");
    std::fs::remove_dir_all(dir.join("one")).unwrap();
    // A second good build replaces the site (it carries the marker).
    let again = build(&dir);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let site = snapshot(&dir.join("site"));
    let md = dir.join("stories/radwege/story.md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, text.replacen("show: [", "show: [nicht_da, ", 1)).unwrap();
    let failed = build(&dir);
    let err = stderr(&failed);
    assert_eq!(failed.status.code(), Some(1), "{err}");
    assert!(err.contains("site is unchanged"), "{err}");
    assert_eq!(snapshot(&dir.join("site")), site);
    // No temporary folder is left behind.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("twinstory-new")),
        "{names:?}"
    );
}

/// The story with one extra image line after the first heading.
fn with_image(dir: &Path, image: &str) -> (usize, usize) {
    let md = dir.join("stories/radwege/story.md");
    let text = std::fs::read_to_string(&md).unwrap();
    let at = text.find("\n## ").unwrap() + 1;
    let heading_end = at + text[at..].find('\n').unwrap() + 1;
    let line = text[..heading_end].lines().count() + 2;
    let new = format!(
        "{}\n![Ein Foto]({image})\n\n{}",
        &text[..heading_end],
        &text[heading_end..]
    );
    std::fs::write(&md, new).unwrap();
    (line, 1)
}

#[test]
fn images_outside_the_story_folder_are_errors_in_validate_and_build() {
    for (name, image, code) in [
        ("up", "../../secret.png", "E0066"),
        ("absolute", "ABS", "E0066"),
        ("symlink", "img/link.png", "E0067"),
    ] {
        let dir = workspace(name);
        let home = dir.join("home");
        let secret = dir.join("secret.png");
        std::fs::write(&secret, "private bytes").unwrap();
        std::fs::create_dir_all(dir.join("stories/radwege/img")).unwrap();
        std::os::unix::fs::symlink(&secret, dir.join("stories/radwege/img/link.png")).unwrap();
        let image = image.replace("ABS", secret.to_str().unwrap());
        let (line, column) = with_image(&dir, &image);
        let where_ = format!("stories/radwege/story.md:{line}:{column}");
        for cmd in [
            vec!["validate", "stories/radwege"],
            vec!["build", "stories", "--out", "site", "--player", "player"],
        ] {
            let out = twinstory(&cmd, &dir, &home);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{name} {cmd:?}: {err}");
            assert!(
                err.contains(&format!("error[{code}]")),
                "{name} {cmd:?}: {err}"
            );
            assert!(err.contains(&where_), "{name} {cmd:?}: {where_} in {err}");
            assert!(err.contains("help: "), "{name}: {err}");
        }
        assert!(!dir.join("site").exists(), "{name}: nothing was published");
        assert_eq!(std::fs::read(&secret).unwrap(), b"private bytes");
    }
}

#[test]
fn percent_encoded_image_paths_are_copied_where_a_server_finds_them() {
    let dir = workspace("percent");
    let home = dir.join("home");
    std::fs::create_dir_all(dir.join("stories/radwege/img")).unwrap();
    std::fs::write(
        dir.join("stories/radwege/img/Spielplatz Foto.png"),
        "png bytes",
    )
    .unwrap();
    with_image(&dir, "img/Spielplatz%20Foto.png");
    let out = twinstory(
        &[
            "build",
            "stories/radwege",
            "--out",
            "site",
            "--player",
            "player",
        ],
        &dir,
        &home,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A static server decodes `%20`, so the file is found under its real name.
    assert_eq!(
        std::fs::read(dir.join("site/img/Spielplatz Foto.png")).unwrap(),
        b"png bytes"
    );
    let json = std::fs::read_to_string(dir.join("site/story.json")).unwrap();
    assert!(json.contains("img/Spielplatz%20Foto.png"), "{json}");
}

#[test]
fn pages_have_no_inline_script_or_style_and_the_csp_names_remote_hosts() {
    let dir = workspace("csp");
    let home = dir.join("home");
    let md = dir.join("stories/radwege/story.md");
    let text = std::fs::read_to_string(&md).unwrap();
    let text = text.replacen(
        "layers:\n",
        "basemap:\n  url: \"https://{s}.tiles.example.org/{z}/{x}/{y}.png\"\n  subdomains: [a, b]\n  attribution: Beispiel\nlayers:\n  live:\n    source: { type: ogc-api-features, url: \"https://ogc.example.net:8443/collections/x\" }\n",
        1,
    );
    std::fs::write(&md, &text).unwrap();
    with_image(&dir, "https://bilder.example.com/a.jpg");
    let out = twinstory(
        &[
            "build",
            "stories",
            "--out",
            "site",
            "--player",
            "player",
            "--story-origin",
            "https://Geschichten.example.org/",
        ],
        &dir,
        &home,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let site = dir.join("site");
    let html: Vec<(PathBuf, String)> = snapshot(&site)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect();
    assert_eq!(html.len(), 2, "the index and the story page");
    for (path, page) in &html {
        let lower = page.to_ascii_lowercase();
        for script in lower.split("<script").skip(1) {
            let tag = script.split('>').next().unwrap();
            assert!(
                tag.contains(" src="),
                "{}: inline script {tag}",
                path.display()
            );
        }
        assert!(
            !lower.contains(" style="),
            "{}: style attribute",
            path.display()
        );
        assert!(
            !lower.contains("<style"),
            "{}: style element",
            path.display()
        );
        assert!(!lower.contains("data:"), "{}: data: URL", path.display());
    }
    let page = std::fs::read_to_string(site.join("radwege/index.html")).unwrap();
    assert!(
        page.contains(
            "<meta name=\"twinstory-story-origins\" content=\"https://geschichten.example.org\">"
        ),
        "{page}"
    );
    let headers = std::fs::read_to_string(site.join("_headers")).unwrap();
    let story_rule = headers
        .split("/radwege/*\n")
        .nth(1)
        .expect("a rule for the story folder");
    for host in [
        "img-src 'self' https://a.tiles.example.org https://b.tiles.example.org https://bilder.example.com https://geschichten.example.org;",
        "connect-src 'self' https://geschichten.example.org https://ogc.example.net:8443;",
        "script-src 'self' 'wasm-unsafe-eval'; style-src 'self';",
    ] {
        assert!(story_rule.contains(host), "{host} in {headers}");
    }
    let index_rule = headers.split("/index.html\n").nth(1).unwrap();
    assert!(index_rule.starts_with("  Content-Security-Policy: default-src 'self';"));
    assert!(
        !index_rule.lines().next().unwrap().contains("example"),
        "{headers}"
    );
    let nginx = std::fs::read_to_string(site.join("nginx-csp.map")).unwrap();
    assert!(nginx.contains("\"~^/radwege/\"  \"default-src"), "{nginx}");
    assert!(nginx.contains("https://ogc.example.net:8443"), "{nginx}");

    let bad = twinstory(
        &[
            "build",
            "stories",
            "--out",
            "site",
            "--player",
            "player",
            "--story-origin",
            "https://x.org/stories",
        ],
        &dir,
        &home,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("scheme://host[:port]"),
        "{}",
        stderr(&bad)
    );
}

/// A story folder's name becomes a link and an image address in the site's
/// index, a path in `_headers` and a pattern in `nginx-csp.map`: a name
/// that would be read as something else there (a `javascript:` address, a
/// header line, an nginx string or pattern) is refused, with a name to use.
#[test]
fn story_folder_names_cannot_become_script_addresses_or_header_lines() {
    let dir = workspace("folder-names");
    let home = dir.join("home");
    let good = snapshot(&dir.join("stories/radwege"));
    for name in [
        "javascript:alert(document.domain)%0A-->",
        "a\"  \"default-src *",
        "line\n  Access-Control-Allow-Origin: *",
        "a b",
        ".hidden",
    ] {
        let story = dir.join("stories").join(name);
        std::fs::create_dir_all(&story).unwrap();
        for (path, bytes) in &good {
            let rel = path.strip_prefix(dir.join("stories/radwege")).unwrap();
            std::fs::create_dir_all(story.join(rel).parent().unwrap()).unwrap();
            std::fs::write(story.join(rel), bytes).unwrap();
        }
        let out = twinstory(
            &["build", "stories", "--out", "site", "--player", "player"],
            &dir,
            &home,
        );
        let err = stderr(&out);
        assert_ne!(out.status.code(), Some(0), "{name:?} built:\n{err}");
        assert!(
            err.contains("cannot be a story folder's name") && err.contains("rename"),
            "{name:?}: {err}"
        );
        assert!(!dir.join("site").exists(), "{name:?}: a site was written");
        std::fs::remove_dir_all(&story).unwrap();
    }
    // Letters, digits, `-`, `_` and `.` build as before.
    let out = twinstory(
        &["build", "stories", "--out", "site", "--player", "player"],
        &dir,
        &home,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
