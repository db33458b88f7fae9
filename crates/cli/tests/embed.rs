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
    let player = dir.join("player");
    std::fs::create_dir_all(&player).unwrap();
    for (name, body) in [
        ("twinstory_player.js", "export default function init() {}"),
        ("twinstory_player_bg.wasm", "\0asm"),
        ("twinstory.css", "body{}"),
    ] {
        std::fs::write(player.join(name), body).unwrap();
    }
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
    for js in [&host, &frame_js] {
        assert!(!js.contains("eval(") && !js.contains("new Function"));
        assert!(!js.contains("setAttribute(\"style\"") && !js.contains("innerHTML"));
    }
}
