//! `twinstory embed`, run as a city's web team would: the snippet on
//! stdout, what the host page must allow on stderr, errors that say what to
//! give instead; and the scripts `build` ships for it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a failed setup stops the test with its message"
)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn twinstory(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twinstory"))
        .args(args)
        .current_dir(dir)
        .env_remove("TWINSTORY_PLAYER")
        .output()
        .unwrap()
}

#[test]
fn prints_the_snippet_and_the_policy_the_host_page_needs() {
    let dir = common::temp_dir("embed", "snippet");
    let out = twinstory(
        &[
            "embed",
            "https://geschichten.example.org:8443/radwege",
            "--title",
            "Radwege & Ampeln",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "<iframe src=\"https://geschichten.example.org:8443/radwege/\" title=\"Radwege &amp; Ampeln\" data-twinstory scrolling=\"no\"></iframe>\n\
         <script src=\"https://geschichten.example.org:8443/radwege/embed.js\" defer></script>\n"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "frame-src https://geschichten.example.org:8443; script-src https://geschichten.example.org:8443"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("--title"), "{stderr}");
}

#[test]
fn prints_the_element_snippet_and_what_the_host_and_the_story_server_need() {
    let dir = common::temp_dir("embed", "element");
    let out = twinstory(
        &[
            "embed",
            "--element",
            "https://geschichten.example.org:8443/radwege/index.html",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "<twin-story src=\"https://geschichten.example.org:8443/radwege/\"><a href=\"https://geschichten.example.org:8443/radwege/\">radwege</a></twin-story>\n\
         <script type=\"module\" src=\"https://geschichten.example.org:8443/radwege/element.js\"></script>\n"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    for needs in [
        // The player compiles its wasm in the host page.
        "script-src 'wasm-unsafe-eval' https://geschichten.example.org:8443",
        "style-src https://geschichten.example.org:8443",
        "connect-src https://geschichten.example.org:8443",
        // A theme's @font-face rules are added to the page's own <head>.
        "font-src https://geschichten.example.org:8443",
        // Videos, audios and their captions load into the page too.
        "media-src https://geschichten.example.org:8443",
        "Access-Control-Allow-Origin",
    ] {
        assert!(stderr.contains(needs), "{needs}: {stderr}");
    }
    assert!(
        stderr.contains("readers see a link to it named `radwege`; name the story with --title"),
        "{stderr}"
    );
    // The title names the link readers see where the story cannot start.
    let out = twinstory(
        &[
            "embed",
            "--element",
            "https://x.example/a/",
            "--title",
            "A & B",
        ],
        &dir,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("<twin-story src=\"https://x.example/a/\"><a href=\"https://x.example/a/\">A &amp; B</a></twin-story>\n"));
}

#[test]
fn a_bad_address_is_refused_with_what_to_give_instead() {
    let dir = common::temp_dir("embed", "bad");
    for (url, says) in [
        ("stories/radwege", "must start with https://"),
        ("https://x.example/radwege/#step-2", "without it"),
        (
            "https://x.example/radwege/story.md",
            "address of the story's folder",
        ),
        ("https://", "name a host"),
    ] {
        let out = twinstory(&["embed", url], &dir);
        assert_eq!(out.status.code(), Some(2), "{url}");
        assert!(out.stdout.is_empty(), "{url}: no snippet on a mistake");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.starts_with("error: "), "{url}: {stderr}");
        assert!(stderr.contains(says), "{url}: {stderr}");
    }
}

#[test]
fn build_ships_the_host_script_and_the_frame_script_without_inline_code() {
    let dir = common::temp_dir("embed", "build");
    assert_eq!(
        twinstory(&["new", "radwege", "--dir", "stories"], &dir)
            .status
            .code(),
        Some(0)
    );
    common::stand_in_player(&dir);
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
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = dir.join("site");
    // The host script, at the name the snippet uses.
    let host = std::fs::read_to_string(site.join("embed.js")).unwrap();
    assert!(host.contains("iframe[data-twinstory]"));
    // The boot module imports the story's half only inside a frame.
    let page = std::fs::read_to_string(site.join("index.html")).unwrap();
    let boot_name = page
        .split("<script type=\"module\" src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    let boot = std::fs::read_to_string(site.join(boot_name)).unwrap();
    let frame = boot
        .split("if (window.parent !== window) import(\"./")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the boot module imports the frame script inside a frame");
    assert!(frame.starts_with("embed-frame-") && frame.ends_with(".js"));
    let frame_js = std::fs::read_to_string(site.join(frame)).unwrap();
    assert!(frame_js.contains("twinstoryView"));
    // Nothing a strict CSP refuses: no inline script or style, no eval.
    assert!(!page.contains(" style="), "{page}");
    assert!(!page.contains("<style"), "{page}");
    for (i, part) in page.split("<script").skip(1).enumerate() {
        let head = part.split('>').next().unwrap();
        assert!(head.contains(" src="), "script {i} is inline: {part}");
        assert!(part[head.len() + 1..].starts_with("</script>"));
    }
    // The `<twin-story>` element's module, at the name its snippet uses,
    // naming this folder's hashed player files.
    let element = std::fs::read_to_string(site.join("element.js")).unwrap();
    assert!(element.contains("customElements.define('twin-story'"));
    assert!(!element.contains("{{"), "every slot filled: {element}");
    let named = |prefix: &str, suffix: &str| {
        element
            .split('\'')
            .find(|s| s.starts_with(prefix) && s.ends_with(suffix))
            .unwrap_or_else(|| panic!("element.js names {prefix}…{suffix}"))
            .to_string()
    };
    // (The story has no `extrude`: the flat base.)
    for (prefix, suffix) in [
        ("twinstory_flat-", ".js"),
        ("twinstory_flat_bg-", ".wasm"),
        ("twinstory-", ".css"),
    ] {
        let file = named(prefix, suffix);
        assert!(site.join(&file).is_file(), "{file} is in the folder");
    }
    for js in [&host, &frame_js, &element] {
        assert!(!js.contains("eval(") && !js.contains("new Function"));
        assert!(!js.contains("setAttribute(\"style\"") && !js.contains("innerHTML"));
    }
}
