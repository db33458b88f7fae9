//! Where `build` and `serve` take the browser player from: the one built
//! into this binary (see `crates/cli/build.rs`), or a folder given with
//! `--player` (development: a player just rebuilt by
//! `scripts/build-player.sh`).

use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/player.rs"));
}

/// What `twinstory --version` prints: the CLI's version and the player it
/// carries (the hash in its wasm file name and its gzip size).
pub const VERSION: &str = env!("TWINSTORY_PLAYER_VERSION");

/// The player files a build copies.
#[derive(Debug, Clone)]
pub enum PlayerFiles {
    /// Built into this binary.
    Embedded,
    /// A folder as `scripts/build-player.sh` writes it.
    Dir(PathBuf),
}

impl PlayerFiles {
    /// `--player` when given; else the embedded player; else, in a
    /// development build without one, `target/player` below the current
    /// folder.
    pub fn choose(flag: Option<PathBuf>) -> Result<Self> {
        if let Some(dir) = flag {
            return Ok(PlayerFiles::Dir(dir));
        }
        if !embedded::FILES.is_empty() {
            return Ok(PlayerFiles::Embedded);
        }
        let dev = PathBuf::from("target/player");
        if dev.join("twinstory_player.js").is_file() {
            return Ok(PlayerFiles::Dir(dev));
        }
        bail!(
            "this twinstory was built without a player: pass --player <folder> with one built by \
             scripts/build-player.sh, or install it with `cargo install --path crates/cli`, \
             which builds the player in"
        )
    }

    /// The folder to watch for a rebuilt player (`serve`), if any.
    pub fn dir(&self) -> Option<&Path> {
        match self {
            PlayerFiles::Embedded => None,
            PlayerFiles::Dir(d) => Some(d),
        }
    }

    /// A file of the player, `None` when it has no such file.
    pub fn read(&self, name: &str) -> Option<Vec<u8>> {
        match self {
            PlayerFiles::Embedded => embedded::FILES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| b.to_vec()),
            PlayerFiles::Dir(d) => fs::read(d.join(name)).ok(),
        }
    }

    /// A file the player cannot work without.
    pub fn require(&self, name: &str) -> Result<Vec<u8>> {
        match self {
            PlayerFiles::Dir(d) => fs::read(d.join(name)).with_context(|| {
                format!(
                    "the player is not built: {} is missing (run scripts/build-player.sh)",
                    d.join(name).display()
                )
            }),
            PlayerFiles::Embedded => match self.read(name) {
                Some(b) => Ok(b),
                None => bail!("the player built into this twinstory has no {name}; reinstall it"),
            },
        }
    }

    /// The JS snippets the glue imports by relative path (`snippets/…`),
    /// with those paths.
    pub fn snippets(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let dir = match self {
            PlayerFiles::Embedded => {
                return Ok(embedded::FILES
                    .iter()
                    .filter(|(n, _)| n.starts_with("snippets/"))
                    .map(|(n, b)| (n.to_string(), b.to_vec()))
                    .collect())
            }
            PlayerFiles::Dir(d) => d,
        };
        let mut files = Vec::new();
        let mut stack = vec![dir.join("snippets")];
        while let Some(d) = stack.pop() {
            let Ok(entries) = fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(rel) = p.strip_prefix(dir) {
                    let rel = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    let bytes =
                        fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?;
                    files.push((rel, bytes));
                }
            }
        }
        files.sort();
        Ok(files)
    }
}
