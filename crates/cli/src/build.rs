//! `twinstory build`: stories in, a static site out.
//!
//! Every file except the entry points (`index.html`, `story.json`) gets a
//! content hash in its name, so a web server may cache them forever. All
//! links are relative, so the site works from any sub-path.

use crate::pack;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use twinstory_data::write_packed;
use twinstory_model::{Source, Story};
use twinstory_story::{
    check_assets, has_errors, load_layer_data, parse_story, render_diagnostics, AssetKind,
};

const PAGE: &str = include_str!("page.html");

/// What a build did.
pub struct BuildReport {
    /// False when any story had errors.
    pub ok: bool,
    /// Slugs of the stories built.
    pub stories: Vec<String>,
    /// Every story's diagnostics, rendered without colour (for the preview's
    /// error overlay); empty when there were none.
    pub problems: String,
}

/// The player files, content-hashed, as written into a story folder.
struct Player {
    files: Vec<(String, Vec<u8>)>,
    js: String,
    wasm: String,
    css: String,
    /// The story compiler module (JS, wasm), when it was built.
    author: Option<(String, String)>,
}

/// Builds one story folder, or every story folder below `path`.
pub fn build_site(path: &Path, out: &Path, player_dir: &Path) -> Result<BuildReport> {
    let player = load_player(player_dir)?;
    let single = path.join("story.md").is_file();
    let dirs: Vec<PathBuf> = if single {
        vec![path.to_path_buf()]
    } else {
        let mut v: Vec<PathBuf> = fs::read_dir(path)
            .with_context(|| format!("cannot read the story folder {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("story.md").is_file())
            .collect();
        v.sort();
        if v.is_empty() {
            bail!("{} has no story.md and no story folders with one; create one with `twinstory new <slug>`", path.display());
        }
        v
    };
    if out.exists() {
        fs::remove_dir_all(out).with_context(|| format!("cannot clear {}", out.display()))?;
    }
    fs::create_dir_all(out)?;
    let mut report = BuildReport {
        ok: true,
        stories: Vec::new(),
        problems: String::new(),
    };
    let mut listed = Vec::new();
    for dir in &dirs {
        let slug = dir
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "story".into());
        let target = if single {
            out.to_path_buf()
        } else {
            out.join(&slug)
        };
        match build_story(dir, &target, &player, &mut report.problems)? {
            Some(story) => {
                eprintln!("built {} → {}", dir.display(), target.display());
                listed.push((slug.clone(), story));
                report.stories.push(slug);
            }
            None => report.ok = false,
        }
    }
    if !single {
        fs::write(out.join("index.html"), index_page(&listed))?;
    }
    // Published beside the stories, for editors and tools that write story files.
    fs::write(
        out.join("story.schema.json"),
        twinstory_story::schema_json(),
    )?;
    print_sizes(&player);
    Ok(report)
}

/// Bytes of a layer's source file and joined tables, for the report.
fn data_size(dir: &Path, layer: &twinstory_model::Layer) -> usize {
    std::iter::once(layer.source.url())
        .chain(layer.join.iter().map(|j| j.table.as_str()))
        .filter_map(|u| fs::metadata(dir.join(u)).ok())
        .map(|m| m.len() as usize)
        .sum()
}

/// Builds one story; `None` when it has errors (already printed).
fn build_story(
    dir: &Path,
    out: &Path,
    player: &Player,
    problems: &mut String,
) -> Result<Option<Story>> {
    let md_path = dir.join("story.md");
    let source =
        fs::read(&md_path).with_context(|| format!("cannot read {}", md_path.display()))?;
    let display = md_path.display().to_string();
    let mut parsed = parse_story(&display, &source);
    check_assets(&mut parsed, dir);
    if !parsed.diagnostics.is_empty() {
        let text = String::from_utf8_lossy(&source);
        eprint!(
            "{}",
            render_diagnostics(&text, &parsed.diagnostics, std::io::stderr().is_terminal())
        );
        problems.push_str(&render_diagnostics(&text, &parsed.diagnostics, false));
    }
    // What the check read (joins done, fields computed) is packed as it is.
    let mut checked = parsed.take_layer_data();
    let Some(mut story) = parsed.story.filter(|_| !has_errors(&parsed.diagnostics)) else {
        eprintln!("{display}: not built because of the errors above");
        problems.push_str(&format!(
            "{display}: not built because of the errors above\n"
        ));
        return Ok(None);
    };
    fs::create_dir_all(out)?;
    // Data: each local layer read (joins done, fields computed), trimmed to
    // what the story uses, simplified and packed; content-hashed names.
    let plan = story.clone();
    let mut written: BTreeMap<Vec<u8>, String> = BTreeMap::new();
    for (i, layer) in story.layers.iter_mut().enumerate() {
        let url = layer.source.url().to_string();
        if is_remote(&url) {
            continue;
        }
        let mut data = match checked.get_mut(i).and_then(Option::take) {
            Some(d) => d,
            None => load_layer_data(layer, dir).map_err(|p| anyhow::anyhow!(p.message))?,
        };
        let raw = data_size(dir, layer);
        let report = pack::prepare(&plan, layer, &mut data.dataset);
        let bytes = write_packed(&data.dataset, 1_000_000);
        // Layers that come out identical share one file.
        let name = match written.get(&bytes) {
            Some(n) => n.clone(),
            None => {
                let n = format!("data/{}", hashed_name(&format!("{}.tsp", layer.id), &bytes));
                write(out, &n, &bytes)?;
                written.insert(bytes.clone(), n.clone());
                n
            }
        };
        eprintln!(
            "  layer {}: {} features, {} → {} vertices, {} of {} properties kept; {} KB → {} KB",
            layer.id,
            data.dataset.features.len(),
            report.vertices.0,
            report.vertices.1,
            report.kept.len(),
            report.kept.len() + report.dropped,
            raw / 1000,
            bytes.len() / 1000
        );
        layer.source = Source::Packed { url: name };
        layer.join.clear();
        layer.compute.clear();
    }
    // Images keep their relative paths (the HTML refers to them).
    for asset in &parsed.assets {
        if matches!(asset.kind, AssetKind::Image) && !is_remote(&asset.url) {
            let src = dir.join(&asset.url);
            if let Ok(bytes) = fs::read(&src) {
                write(out, &asset.url, &bytes)?;
            }
        }
    }
    for (name, bytes) in &player.files {
        write(out, name, bytes)?;
    }
    fs::write(out.join("story.json"), serde_json::to_vec(&story)?)?;
    fs::write(out.join("index.html"), story_page(&story, player))?;
    Ok(Some(story))
}

fn load_player(dir: &Path) -> Result<Player> {
    let read = |n: &str| {
        fs::read(dir.join(n)).with_context(|| {
            format!(
                "the player is not built: {} is missing (run scripts/build-player.sh)",
                dir.join(n).display()
            )
        })
    };
    let mut files = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>| {
        let hashed = hashed_name(name, &bytes);
        files.push((hashed.clone(), bytes));
        hashed
    };
    let js = add("twinstory_player.js", read("twinstory_player.js")?);
    let wasm = add(
        "twinstory_player_bg.wasm",
        read("twinstory_player_bg.wasm")?,
    );
    let css = add("twinstory.css", read("twinstory.css")?);
    // The story compiler for `?story=…/story.md`, loaded only when needed.
    let author = match (
        fs::read(dir.join("twinstory_author.js")),
        fs::read(dir.join("twinstory_author_bg.wasm")),
    ) {
        (Ok(js), Ok(wasm)) => Some((
            add("twinstory_author.js", js),
            add("twinstory_author_bg.wasm", wasm),
        )),
        _ => None,
    };
    // JS snippets that the glue imports by relative path keep their names.
    let snippets = dir.join("snippets");
    let mut stack = vec![snippets.clone()];
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
                files.push((rel, fs::read(&p)?));
            }
        }
    }
    Ok(Player {
        files,
        js,
        wasm,
        css,
        author,
    })
}

fn story_page(story: &Story, p: &Player) -> String {
    PAGE.replace("{{lang}}", &escape(&story.lang))
        .replace("{{title}}", &escape(&story.title))
        .replace(
            "{{summary}}",
            &escape(story.summary.as_deref().unwrap_or("")),
        )
        .replace("{{css}}", &p.css)
        .replace("{{js}}", &p.js)
        .replace("{{wasm}}", &p.wasm)
        .replace(
            "{{author_js}}",
            p.author.as_ref().map(|a| a.0.as_str()).unwrap_or(""),
        )
        .replace(
            "{{author_wasm}}",
            p.author.as_ref().map(|a| a.1.as_str()).unwrap_or(""),
        )
        // Last, so that nothing in the author's text is taken for a slot.
        .replace("{{basemap}}", &basemap_credit(story))
}

/// The basemap's credit for the page without JavaScript (the player shows
/// it in the map corner and the sources).
fn basemap_credit(story: &Story) -> String {
    let Some(b) = &story.basemap else {
        return String::new();
    };
    let label = if story.lang.starts_with("de") {
        "Kartengrundlage"
    } else {
        "Basemap"
    };
    match &b.attribution_url {
        Some(u) if u.starts_with("https://") || u.starts_with("http://") => format!(
            "<p>{label}: <a href=\"{}\" rel=\"noopener noreferrer\">{}</a></p>",
            escape(u),
            escape(&b.attribution)
        ),
        _ => format!("<p>{label}: {}</p>", escape(&b.attribution)),
    }
}

fn index_page(stories: &[(String, Story)]) -> String {
    let items: String = stories
        .iter()
        .map(|(slug, s)| {
            format!(
                "<li><a href=\"{}/\">{}</a><p>{}</p></li>\n",
                escape(slug),
                escape(&s.title),
                escape(s.summary.as_deref().unwrap_or(""))
            )
        })
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"de\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>twinstory – Geschichten</title>\n<style>body{{font:1.05rem/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2330}}a{{color:#005ca9;font-weight:600}}li{{margin:0 0 1rem}}</style></head>\n<body><h1>Geschichten</h1><ul>\n{items}</ul></body></html>\n"
    )
}

fn print_sizes(p: &Player) {
    let total: usize = p
        .files
        .iter()
        .filter(|(n, _)| n.starts_with("twinstory_player") || n.starts_with("snippets/"))
        .map(|(_, b)| b.len())
        .sum();
    eprintln!("player: {} KB wasm + JS (uncompressed)", total / 1000);
}

fn is_remote(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

fn write(out: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let p = out.join(rel);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(&p, bytes).with_context(|| format!("cannot write {}", p.display()))
}

/// `name.ext` → `name-<16 hex digits>.ext`, from a 64-bit FNV-1a hash.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // Keep double extensions such as `.tar.gz` or `_bg.wasm` readable.
    match name.find('.') {
        Some(i) => format!("{}-{:016x}{}", &name[..i], h, &name[i..]),
        None => format!("{name}-{h:016x}"),
    }
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_change_with_content_and_keep_extensions() {
        let a = hashed_name("quarters.geojson", b"a");
        let b = hashed_name("quarters.geojson", b"b");
        assert_ne!(a, b);
        assert!(a.starts_with("quarters-") && a.ends_with(".geojson"));
        let wasm = hashed_name("twinstory_player_bg.wasm", b"x");
        assert!(
            wasm.starts_with("twinstory_player_bg-") && wasm.ends_with(".wasm"),
            "{wasm}"
        );
        assert!(hashed_name("data.tar.gz", b"x").ends_with(".tar.gz"));
    }

    #[test]
    fn the_page_without_javascript_credits_the_basemap() {
        let mut story: Story = serde_json::from_str(r#"{"title": "T", "lang": "de"}"#).unwrap();
        assert_eq!(basemap_credit(&story), "");
        story.basemap = Some(
            serde_json::from_str(
                r#"{"url": "https://t/{z}/{x}/{y}.png", "attribution": "© A & B <{{css}}>", "attribution-url": "https://a.example/c"}"#,
            )
            .unwrap(),
        );
        let p = Player {
            files: Vec::new(),
            js: "p.js".into(),
            wasm: "p.wasm".into(),
            css: "p.css".into(),
            author: None,
        };
        let page = story_page(&story, &p);
        assert!(
            page.contains("<p>Kartengrundlage: <a href=\"https://a.example/c\" rel=\"noopener noreferrer\">© A &amp; B &lt;{{css}}&gt;</a></p></noscript>"),
            "{page}"
        );
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&"),
            "&lt;a href=&quot;x&quot;&gt;&amp;"
        );
    }
}
