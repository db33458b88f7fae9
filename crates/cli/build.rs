//! Builds the browser player into the `twinstory` binary, so that an
//! installed `twinstory` needs no checkout and no `--player` (as mdBook and
//! Zola carry their themes).
//!
//! Which player is embedded:
//! 1. `TWINSTORY_EMBED_PLAYER=<dir>`: that folder (what
//!    `scripts/build-player.sh` writes); `TWINSTORY_EMBED_PLAYER=none`: no
//!    player (the binary then needs `--player`, or finds `./target/player`).
//!    `scripts/test.sh` sets `none` for its host tests, so they never wait
//!    for a wasm build.
//! 2. Otherwise the checkout's `target/player` when it is complete (with a
//!    warning when it is older than a source it is built from: run
//!    `scripts/build-player.sh`, which `scripts/serve.sh` does first).
//! 3. Otherwise (`cargo install --path crates/cli` in a fresh checkout):
//!    `scripts/build-player.sh` is run first, then its output is embedded.
#![allow(
    clippy::print_stdout,
    clippy::expect_used,
    reason = "a build script talks to Cargo on stdout and stops the build with a message"
)]

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The files of a built player; the first three are required.
const FILES: [&str; 13] = [
    "twinstory_player.js",
    "twinstory_player_bg.wasm",
    "twinstory.css",
    "twinstory_flat.js",
    "twinstory_flat_bg.wasm",
    "twinstory_author.js",
    "twinstory_author_bg.wasm",
    "twinstory_sources.js",
    "twinstory_sources_bg.wasm",
    "twinstory_play.js",
    "twinstory_play_bg.wasm",
    "twinstory_basemap.js",
    "twinstory_basemap_bg.wasm",
];

fn main() {
    println!("cargo:rerun-if-env-changed=TWINSTORY_EMBED_PLAYER");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by Cargo"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("set by Cargo"));
    let root = manifest
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .expect("crates/cli lies two folders below the workspace");
    let default = root.join("target").join("player");
    let dir = match env::var("TWINSTORY_EMBED_PLAYER").ok().as_deref() {
        Some("none") => None,
        Some(d) if !d.is_empty() => {
            let d = PathBuf::from(d);
            if !complete(&d) {
                panic!(
                    "TWINSTORY_EMBED_PLAYER={} holds no built player (twinstory_player.js, \
                     twinstory_player_bg.wasm, twinstory.css); run scripts/build-player.sh",
                    d.display()
                );
            }
            Some(d)
        }
        _ if complete(&default) => {
            if stale(&root, &default) {
                println!(
                    "cargo:warning=target/player is older than the player's sources; embedding it \
                     as it is (run scripts/build-player.sh first for the current player)"
                );
            }
            Some(default)
        }
        _ => {
            build_player(&root);
            if !complete(&default) {
                panic!(
                    "scripts/build-player.sh did not write {}",
                    default.display()
                );
            }
            Some(default)
        }
    };
    write_embedded(dir.as_deref(), &out);
}

/// Whether `dir` holds the required player files.
fn complete(dir: &Path) -> bool {
    FILES[..3].iter().all(|f| dir.join(f).is_file())
}

/// Whether a source of the player changed after the player in `dir` was built.
fn stale(root: &Path, dir: &Path) -> bool {
    let built = FILES[..3]
        .iter()
        .filter_map(|f| mtime(&dir.join(f)))
        .min()
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut stack: Vec<PathBuf> = ["src", "public", "Cargo.toml", "Cargo.lock"]
        .iter()
        .map(|p| root.join(p))
        .collect();
    if let Ok(entries) = fs::read_dir(root.join("crates")) {
        stack.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| !p.ends_with("cli")),
        );
    }
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            if let Ok(entries) = fs::read_dir(&p) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        } else if mtime(&p).is_some_and(|t| t > built) {
            return true;
        }
    }
    false
}

fn mtime(p: &Path) -> Option<SystemTime> {
    fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// Runs `scripts/build-player.sh` with none of the settings Cargo gives a
/// build script (they describe this host build, not the wasm one).
fn build_player(root: &Path) {
    println!("cargo:warning=building the player (scripts/build-player.sh); this takes a few minutes once");
    let mut cmd = Command::new("bash");
    cmd.arg(root.join("scripts").join("build-player.sh"));
    for (k, _) in env::vars_os() {
        let k = k.to_string_lossy();
        let cargo_internal = k.starts_with("CARGO_")
            && !k.starts_with("CARGO_HOME")
            && !k.starts_with("CARGO_NET_")
            && !k.starts_with("CARGO_HTTP_")
            && !k.starts_with("CARGO_REGISTRIES_");
        let build_script = [
            "RUSTC",
            "RUSTDOC",
            "RUSTC_LINKER",
            "RUSTC_WORKSPACE_WRAPPER",
            "TARGET",
            "HOST",
            "PROFILE",
            "OPT_LEVEL",
            "DEBUG",
            "NUM_JOBS",
            "OUT_DIR",
            "MAKEFLAGS",
            "MFLAGS",
        ]
        .contains(&k.as_ref());
        if cargo_internal || build_script {
            cmd.env_remove(k.as_ref());
        }
    }
    // Its log goes to Cargo's build output; a failure stops the install.
    let status = cmd
        .status()
        .expect("bash runs scripts/build-player.sh (is bash installed?)");
    if !status.success() {
        panic!(
            "scripts/build-player.sh failed ({status}); run scripts/setup.sh, then try again \
             (or set TWINSTORY_EMBED_PLAYER to a built player folder)"
        );
    }
}

/// Copies the player into OUT_DIR and writes `player.rs`, which includes it.
fn write_embedded(dir: Option<&Path>, out: &Path) {
    let copy = out.join("player");
    let _ = fs::remove_dir_all(&copy);
    fs::create_dir_all(&copy).expect("OUT_DIR is writable");
    let mut entries = Vec::new();
    if let Some(dir) = dir {
        for f in FILES {
            if dir.join(f).is_file() {
                entries.push((f.to_string(), dir.join(f)));
            }
        }
        // The JS snippets the glue imports keep their relative paths.
        let mut stack = vec![dir.join("snippets")];
        while let Some(d) = stack.pop() {
            let Ok(list) = fs::read_dir(&d) else { continue };
            for e in list.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(rel) = p.strip_prefix(dir) {
                    let rel: Vec<String> = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    entries.push((rel.join("/"), p));
                }
            }
        }
        entries.sort();
    }
    let mut code = String::from(
        "/// The player built into this binary: (file name, bytes), as\n\
         /// `scripts/build-player.sh` wrote them; empty when none was embedded.\n\
         pub static FILES: &[(&str, &[u8])] = &[\n",
    );
    let mut wasm_hash = None;
    for (i, (name, path)) in entries.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = fs::read(path).expect("the player files are readable");
        if name == "twinstory_player_bg.wasm" {
            wasm_hash = Some((fnv(&bytes), gzip_size(path)));
        }
        let target = copy.join(format!("{i}.bin"));
        fs::write(&target, &bytes).expect("OUT_DIR is writable");
        code.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            target.display().to_string()
        ));
    }
    code.push_str("];\n");
    let version = match wasm_hash {
        Some((h, Some(gz))) => format!("player {h:016x}, wasm {gz} B gzip"),
        Some((h, None)) => format!("player {h:016x}"),
        None => "no player built in: pass --player".to_string(),
    };
    println!(
        "cargo:rustc-env=TWINSTORY_PLAYER_VERSION={} ({version})",
        env::var("CARGO_PKG_VERSION").unwrap_or_default()
    );
    fs::write(out.join("player.rs"), code).expect("OUT_DIR is writable");
}

/// 64-bit FNV-1a, as the build's content-hashed file names use.
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `gzip -9` size, when gzip is installed.
fn gzip_size(path: &Path) -> Option<usize> {
    let out = Command::new("gzip").arg("-9c").arg(path).output().ok()?;
    out.status.success().then_some(out.stdout.len())
}
