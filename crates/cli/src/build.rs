//! `twinstory build`: stories in, a static site out.
//!
//! Every file except the entry points (`index.html`, `story.json`) gets a
//! content hash in its name, so a web server may cache them forever. All
//! links are relative, so the site works from any sub-path.
//!
//! The site is built into a fresh folder beside `--out` and swapped in only
//! when every story built, so a mistake never takes a published site down;
//! `--out` must be a new or empty folder, or one an earlier build wrote (it
//! carries the marker file [`MARKER`]). Pages have no inline script or
//! style, so they run under the strict Content Security Policy that the
//! build writes per story (`_headers`, `nginx-csp.map`, see [`crate::csp`]).

use crate::csp;
use crate::pack;
use crate::player::PlayerFiles;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::io::IsTerminal;
use std::path::{Component, Path, PathBuf};
use twinstory_data::write_packed;
use twinstory_model::strings::Lang;
use twinstory_model::{url, Source, Story};
use twinstory_story::{
    check_assets, has_errors, load_layer_data, local_file, parse_story, render_diagnostics,
    AssetKind, Translation,
};

const PAGE: &str = include_str!("page.html");
/// The page icon (see [`Player::icon`]).
const ICON: &[u8] = include_bytes!("icon.svg");

/// The file that marks a folder as written by twinstory (build or serve):
/// only such folders are ever replaced or deleted.
pub const MARKER: &str = ".twinstory-site";
/// Files the build writes into a story's folder under fixed names: a link
/// in the text to one of these (say, the author's own `index.html`) does
/// not replace it.
const BUILD_FILES: &[&str] = &[
    "index.html",
    "story.json",
    "story.schema.json",
    "_headers",
    "nginx-csp.map",
    MARKER,
    "embed.js",
    "element.js",
];
const MARKER_TEXT: &str =
    "This folder was written by `twinstory build`; the next build replaces all of it.\n";

/// The site index's stylesheet (a file: the strict CSP allows no inline
/// style): a card per story, as many columns as fit, one on phones; the
/// whole card follows its title's link.
const INDEX_CSS: &str = include_str!("index.css");

/// What a build did.
pub struct BuildReport {
    /// False when any story had errors.
    pub ok: bool,
    /// Slugs of the stories built.
    pub stories: Vec<String>,
    /// Every story's diagnostics, rendered without colour (for the preview's
    /// error overlay); empty when there were none.
    pub problems: String,
    /// The Content Security Policy per URL path prefix below the site
    /// (`""` for the site itself, `"<slug>/"` for a story of several).
    pub policies: Vec<(String, String)>,
    /// The language tag of every story read, built or not (a story with
    /// errors has one when its settings could be read): `serve` writes
    /// its pages in [`site_lang`] of these.
    pub langs: Vec<String>,
}

/// Settings of a build besides the folders.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The player: built into this binary, or a folder (`--player`).
    pub player: PlayerFiles,
    /// Origins (`https://host[:port]`) whose `?story=` URLs the player may
    /// load; they also go into the pages' CSP.
    pub story_origins: Vec<String>,
}

/// The player files, content-hashed, as written into a story folder.
struct Player {
    files: Vec<(String, Vec<u8>)>,
    /// The player with 3D (JS glue, wasm): for stories with `extrude` and
    /// for a page that plays `?story=…`.
    js: String,
    wasm: String,
    /// The flat base (JS, wasm), built without the 3D code, when it was
    /// built: what a story without `extrude` downloads.
    flat: Option<(String, String)>,
    css: String,
    /// The module that starts the player (no inline script in the page).
    boot: String,
    /// The page icon: a file of the site, so that browsers do not ask the
    /// server for `/favicon.ico` (a 404 in every reader's console) and the
    /// strict CSP needs no `data:` image.
    icon: String,
    /// The story compiler module (JS, wasm), when it was built.
    author: Option<(String, String)>,
    /// The data readers module (JS, wasm) for layers the build does not
    /// pack (remote files, services), when it was built.
    sources: Option<(String, String)>,
    /// The playback module (JS, wasm) for steps with a `play`, when it was
    /// built.
    play: Option<(String, String)>,
    /// The basemap module (JS, wasm) for stories with a `basemap`, when it
    /// was built.
    basemap: Option<(String, String)>,
}

/// The story folders below `path`: itself when it has a story.md (`true`),
/// else each folder in it that has one.
pub fn story_dirs(path: &Path) -> Result<(bool, Vec<PathBuf>)> {
    if path.join("story.md").is_file() {
        return Ok((true, vec![path.to_path_buf()]));
    }
    let mut v: Vec<PathBuf> = fs::read_dir(path)
        .with_context(|| format!("cannot read the story folder {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("story.md").is_file())
        .collect();
    v.sort();
    if v.is_empty() {
        bail!("{} has no story.md and no story folders with one; create one with `twinstory new <slug>`", path.display());
    }
    Ok((false, v))
}

/// `p` as an absolute path with symbolic links resolved as far as it exists.
pub fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let base = std::env::current_dir().unwrap_or_default().join(p);
    let mut existing = base.as_path();
    let mut rest = Vec::new();
    while let Some(parent) = existing.parent() {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(s) => out.push(s),
                    _ => {}
                }
            }
            return out;
        }
        if let Some(last) = existing.components().next_back() {
            rest.push(last);
        }
        existing = parent;
    }
    base
}

/// Refuses an output folder that a build would damage: the root, the home
/// folder or one above it, a story folder, one inside or around the
/// stories, a file, a symbolic link, or a non-empty folder that twinstory
/// did not write.
pub fn check_out(out: &Path, source: &Path, dirs: &[PathBuf]) -> Result<()> {
    check_out_place(out, source, dirs, false)?;
    let shown = out.display();
    let fix = out_fix(source, dirs);
    if let Ok(meta) = fs::symlink_metadata(out) {
        if meta.is_symlink() {
            let to = fs::read_link(out)
                .map(|t| format!(" to {}", t.display()))
                .unwrap_or_default();
            bail!(
                "--out {shown} is a symbolic link{to}, not a folder; a build replaces --out as a whole, \
                 so it would replace the link and leave what it points to; {fix}, or name the folder itself"
            );
        }
        if !meta.is_dir() {
            bail!("--out {shown} is a file, not a folder; {fix}");
        }
        let mut entries = fs::read_dir(out).with_context(|| format!("cannot read {shown}"))?;
        if entries.next().is_some() && !out.join(MARKER).is_file() {
            bail!(
                "--out {shown} is not empty and was not written by twinstory (it has no {MARKER} file); \
                 a build replaces everything in --out, so {fix}, or empty that folder yourself"
            );
        }
    }
    Ok(())
}

/// What to do instead of a refused `--out`, with an example folder that is
/// itself allowed: `dist` here, unless this folder is a story's (or the
/// stories'), then `dist` beside it.
fn out_fix(source: &Path, dirs: &[PathBuf]) -> String {
    let inside = |p: &Path| {
        let p = absolute(p);
        dirs.iter()
            .map(PathBuf::as_path)
            .chain([source])
            .any(|d| p.starts_with(absolute(d)))
    };
    let example = if inside(Path::new("dist")) && !inside(Path::new("../dist")) {
        "../dist"
    } else {
        "dist"
    };
    format!("name a new folder outside the stories, e.g. `--out {example}`")
}

/// Refuses the root, the home folder or one above it, a story folder (or
/// the folder of stories), one that contains a story folder and, unless
/// `allow_inside`, one inside a story folder.
pub fn check_out_place(
    out: &Path,
    source: &Path,
    dirs: &[PathBuf],
    allow_inside: bool,
) -> Result<()> {
    let o = absolute(out);
    let shown = out.display();
    let fix = out_fix(source, dirs);
    if o.parent().is_none() {
        bail!("--out {shown} is the root folder; a build replaces everything in --out, so {fix}");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        let home = absolute(Path::new(&home));
        if home.starts_with(&o) {
            bail!("--out {shown} is your home folder or contains it; a build replaces everything in --out, so {fix}");
        }
    }
    for d in dirs.iter().map(PathBuf::as_path).chain([source]) {
        let d_abs = absolute(d);
        let what = if d.join("story.md").is_file() {
            "the story folder"
        } else {
            "the folder of stories"
        };
        if o == d_abs {
            bail!(
                "--out {shown} is {what} {}; a build replaces everything in --out, so {fix}",
                d.display()
            );
        }
        if o.starts_with(&d_abs) && !allow_inside {
            bail!("--out {shown} lies inside {what} {}; the site must not mix with the story's files, so {fix}", d.display());
        }
        if d_abs.starts_with(&o) {
            bail!(
                "--out {shown} contains {what} {}; a build replaces everything in --out, so {fix}",
                d.display()
            );
        }
    }
    Ok(())
}

/// Builds one story folder, or every story folder below `path`, into `out`.
///
/// Checks `out` first ([`check_out`]), builds into a fresh folder beside it
/// and swaps that in only when every story built; otherwise the previous
/// site stays as it was.
pub fn build_site(path: &Path, out: &Path, opts: &BuildOptions) -> Result<BuildReport> {
    let (_, dirs) = story_dirs(path)?;
    check_out(out, path, &dirs)?;
    let o = absolute(out);
    let (Some(parent), Some(name)) = (o.parent(), o.file_name()) else {
        bail!(
            "--out {} cannot be a site folder; name a new folder, e.g. `--out dist`",
            out.display()
        );
    };
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = name.to_string_lossy();
    let tmp = parent.join(format!(".{name}.twinstory-new-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).with_context(|| format!("cannot clear {}", tmp.display()))?;
    }
    fs::create_dir(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    let report = match build_into(path, &tmp, out, opts) {
        Ok(r) if r.ok => r,
        other => {
            let _ = fs::remove_dir_all(&tmp);
            if o.exists() {
                eprintln!(
                    "{} is unchanged: the previous site stays until every story builds",
                    out.display()
                );
            }
            return other;
        }
    };
    if fs::symlink_metadata(&o).is_ok() {
        let old = parent.join(format!(".{name}.twinstory-old-{}", std::process::id()));
        if old.exists() {
            fs::remove_dir_all(&old).with_context(|| format!("cannot clear {}", old.display()))?;
        }
        fs::rename(&o, &old)
            .with_context(|| format!("cannot move the previous site {} aside", out.display()))?;
        if let Err(e) = fs::rename(&tmp, &o) {
            let _ = fs::rename(&old, &o);
            let _ = fs::remove_dir_all(&tmp);
            return Err(e)
                .with_context(|| format!("cannot move the new site to {}", out.display()));
        }
        fs::remove_dir_all(&old)
            .with_context(|| format!("cannot delete the previous site {}", old.display()))?;
    } else {
        fs::rename(&tmp, &o)
            .with_context(|| format!("cannot move the new site to {}", out.display()))?;
    }
    eprintln!("site written to {}", out.display());
    Ok(report)
}

/// Refuses story folders (of a site of several) whose names could not be
/// used as they are: each name becomes a relative link and image address
/// in the site's index, a path in `_headers` and a pattern in
/// `nginx-csp.map`, where `javascript:…`, a quote, a line break or a space
/// would be read as something else. The rule of `translations` (E0196):
/// ASCII letters, digits, `-`, `_` and `.`, not first.
fn check_story_names(dirs: &[PathBuf]) -> Result<()> {
    for dir in dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ok = !name.is_empty()
            && !name.starts_with('.')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !ok {
            let better = twinstory_story::slugify(&name);
            let better = if better.is_empty() {
                "my-story".into()
            } else {
                better
            };
            bail!(
                "{name:?} cannot be a story folder's name: the site uses it in addresses, and in \
                 `_headers` and `nginx-csp.map`, which need letters, digits, `-`, `_` and `.` only; \
                 rename the folder {}, e.g. to `{better}`",
                dir.display()
            );
        }
    }
    Ok(())
}

/// Builds the stories into `target`, an existing empty folder, and marks it
/// as twinstory's. Stories with errors are left out (`ok` is false).
/// `shown` is the folder the author will find the site in, named in what is
/// printed (`target` may be a temporary folder that is moved there).
pub fn build_into(
    path: &Path,
    target: &Path,
    shown: &Path,
    opts: &BuildOptions,
) -> Result<BuildReport> {
    let player = load_player(&opts.player)?;
    let (single, dirs) = story_dirs(path)?;
    if !single {
        check_story_names(&dirs)?;
    }
    let out = target;
    fs::create_dir_all(out)?;
    fs::write(out.join(MARKER), MARKER_TEXT)?;
    let mut report = BuildReport {
        ok: true,
        stories: Vec::new(),
        problems: String::new(),
        policies: Vec::new(),
        langs: Vec::new(),
    };
    let mut listed: Vec<Listed> = Vec::new();
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
        let (built, lang) = build_story(dir, &target, &player, opts, &mut report.problems)?;
        report.langs.extend(lang);
        match built {
            Some(b) => {
                let written = if single {
                    shown.to_path_buf()
                } else {
                    shown.join(&slug)
                };
                eprintln!("built {} → {}", dir.display(), written.display());
                let prefix = if single {
                    String::new()
                } else {
                    format!("{slug}/")
                };
                report.policies.push((prefix, b.policy));
                listed.push(Listed {
                    slug: slug.clone(),
                    story: b.story,
                    translations: b.translations,
                    preview: b.preview,
                });
                report.stories.push(slug);
            }
            None => report.ok = false,
        }
    }
    if !single {
        let css = hashed_name("index.css", INDEX_CSS.as_bytes());
        fs::write(out.join(&css), INDEX_CSS)?;
        let icon = hashed_name("icon.svg", ICON);
        fs::write(out.join(&icon), ICON)?;
        fs::write(out.join("index.html"), index_page(&listed, &css, &icon))?;
        report
            .policies
            .insert(0, (String::new(), csp::policy(&csp::Hosts::default())));
    }
    // Published beside the stories, for editors and tools that write story files.
    fs::write(
        out.join("story.schema.json"),
        twinstory_story::schema_json(),
    )?;
    fs::write(out.join("_headers"), csp::headers_file(&report.policies))?;
    fs::write(out.join("nginx-csp.map"), csp::nginx_map(&report.policies))?;
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

/// A built story, its Content Security Policy, its versions in other
/// languages and its preview picture (see [`Listed`]).
struct Built {
    story: Story,
    policy: String,
    translations: Vec<Translation>,
    preview: Option<String>,
}

/// A story of the site index.
pub(crate) struct Listed {
    /// Its folder in the site.
    pub slug: String,
    /// The built story.
    pub story: Story,
    /// Its versions in other languages (`translations`).
    pub translations: Vec<Translation>,
    /// Its preview picture inside its folder (`img/preview-<hash>.svg`).
    pub preview: Option<String>,
}

/// Builds one story; `None` when it has errors (already printed), else the
/// story and its Content Security Policy; and the story's language tag
/// when its settings could be read.
fn build_story(
    dir: &Path,
    out: &Path,
    player: &Player,
    opts: &BuildOptions,
    problems: &mut String,
) -> Result<(Option<Built>, Option<String>)> {
    let md_path = dir.join("story.md");
    let source =
        fs::read(&md_path).with_context(|| format!("cannot read {}", md_path.display()))?;
    let display = md_path.display().to_string();
    let mut parsed = parse_story(&display, &source);
    let lang = parsed.story.as_ref().map(|s| s.lang.clone());
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
    let errors = has_errors(&parsed.diagnostics);
    let Some(mut story) = parsed.story.take().filter(|_| !errors) else {
        eprintln!("{display}: not built because of the errors above");
        problems.push_str(&format!(
            "{display}: not built because of the errors above\n"
        ));
        return Ok((None, lang));
    };
    crate::describe::add_descriptions(&mut story, &checked, &parsed.map_description_extra);
    fs::create_dir_all(out)?;
    // Data: each local layer read (joins done, fields computed), trimmed to
    // what the story uses, simplified and packed; content-hashed names.
    let plan = story.clone();
    let mut written: BTreeMap<Vec<u8>, String> = BTreeMap::new();
    for (i, layer) in story.layers.iter_mut().enumerate() {
        let url = layer.source.url().to_string();
        if url::is_http(&url) {
            continue;
        }
        let mut data = match checked.get_mut(i).and_then(Option::take) {
            Some(d) => d,
            None => {
                let mut d = load_layer_data(layer, dir).map_err(|p| anyhow::anyhow!(p.message))?;
                parsed.add_time_keys(i, &mut d.dataset);
                d
            }
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
    // Images keep their relative paths (the HTML refers to them), decoded
    // and normalised as a browser resolves them (`img/a%20b.png` is the
    // file `img/a b.png`); `check_assets` refused every path that leaves
    // the story folder, and `local_file` refuses them here again.
    let mut hosts = csp::Hosts::of_story(&story, &opts.story_origins);
    // Files the text links to (`[CSV](data/playgrounds.csv)`) are
    // published the same way; a link out of the folder is a page of the
    // site and left alone, and the build's own files keep their content.
    for asset in &parsed.assets {
        let link = asset.kind == AssetKind::Link;
        if asset.kind != AssetKind::Image && !link {
            continue;
        }
        if url::is_absolute(&asset.url) {
            if !link {
                hosts.add_image(&asset.url);
            }
            continue;
        }
        let file = match local_file(dir, &asset.url) {
            Ok(file) => file,
            Err(twinstory_story::PathProblem::LeavesFolder) if link => continue,
            Err(_) => bail!(
                "{display}: the file `{}` lies outside the story folder",
                asset.url
            ),
        };
        if file.rel.is_empty()
            || (link && (!file.path.is_file() || BUILD_FILES.contains(&file.rel.as_str())))
        {
            continue;
        }
        let bytes =
            fs::read(&file.path).with_context(|| format!("cannot read {}", file.path.display()))?;
        write(out, &file.rel, &bytes)?;
    }
    // Videos, audios and their files under content-hashed names; images
    // get resized copies and `srcset`.
    crate::media::publish(&mut story, &parsed.assets, dir, out)
        .with_context(|| format!("{display}: cannot publish the media"))?;
    let theme = crate::theme::write_theme(&mut story, dir, out)?;
    for (name, bytes) in &player.files {
        if name == crate::embed::ELEMENT_SCRIPT_NAME {
            // The element adds the story's font faces to the host document.
            let fonts = theme.fonts.as_deref().unwrap_or("");
            let (js, wasm) = player.base(&story);
            let script = fill(
                &String::from_utf8_lossy(bytes),
                &[("fonts_css", fonts), ("js", js), ("wasm", wasm)],
            );
            write(out, name, script.as_bytes())?;
        } else {
            write(out, name, bytes)?;
        }
    }
    crate::embed::write_host_script(out)?;
    fs::write(out.join("story.json"), serde_json::to_vec(&story)?)?;
    let page = story_page(
        &story,
        player,
        &theme.theme,
        &opts.story_origins,
        &parsed.translations,
    );
    let page = crate::static_story::fill_page(&page, &story, out)?;
    fs::write(out.join("index.html"), page.html)?;
    let built = Built {
        policy: csp::policy(&hosts),
        story,
        translations: parsed.translations,
        preview: page.preview,
    };
    Ok((Some(built), lang))
}

fn load_player(dir: &PlayerFiles) -> Result<Player> {
    let read = |n: &str| dir.require(n);
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
    // Starts the player; a file, because the strict CSP allows no inline script.
    // Inside another site's frame, also the story's half of `twinstory embed`.
    let frame = add("embed-frame.js", crate::embed::FRAME_SCRIPT.into());
    // story.json is fetched early (beside the wasm) only when the page plays
    // it: a `?story=` page would leave a static preload unused, which the
    // browser reports in the console.
    // So are the packed layers the first step draws (named by the page's
    // `twinstory-first-layers`), which the player reads before it makes the
    // page (`loader::read_first`); not for a link to another step, which
    // opens there (a preload not used soon is reported in the console).
    // And the modules the story needs at every step, named by the page's
    // `twinstory-preload` (the basemap's, which the player imports as soon
    // as the page is made: its tiles wait for it): the glue as a module
    // preload, the wasm as the glue's `fetch` asks for it.
    // The page names its base in `twinstory-base` (the flat one for a story
    // without `extrude`); a page that plays `?story=…` takes the player with
    // 3D, as the story it plays is not known when the page is written.
    let boot_js = format!(
        "const meta = (n) => (document.querySelector(`meta[name=\"twinstory-${{n}}\"]`)?.content ?? \"\").split(\" \").filter(Boolean);\nconst own = !new URLSearchParams(location.search).has(\"story\");\nconst [js, wasm] = own && meta(\"base\").length == 2 ? meta(\"base\") : [\"{js}\", \"{wasm}\"];\nif (own) {{\n  for (const href of [\"story.json\", ...(location.hash ? [] : meta(\"first-layers\")), ...meta(\"preload\")]) {{\n    const l = document.createElement(\"link\");\n    if (href.endsWith(\".js\")) l.rel = \"modulepreload\";\n    else {{ l.rel = \"preload\"; l.as = \"fetch\"; l.crossOrigin = \"anonymous\"; }}\n    l.href = href;\n    document.head.append(l);\n  }}\n}}\nif (window.parent !== window) import(\"./{frame}\");\nimport(`./${{js}}`).then((m) => m.default({{ module_or_path: `./${{wasm}}` }}));\n"
    );
    let boot = add("boot.js", boot_js.into_bytes());
    let icon = add("icon.svg", ICON.to_vec());
    // The modules only some stories load (JS glue, wasm), each when it was
    // built: the story compiler for `?story=…/story.md`; the data readers
    // for remote files and services; playback through time for stories with
    // a step's `play`; basemap tiles for stories with a `basemap`.
    let mut module = |name: &str| {
        let (js, wasm) = (format!("{name}.js"), format!("{name}_bg.wasm"));
        match (dir.read(&js), dir.read(&wasm)) {
            (Some(j), Some(w)) => Some((add(&js, j), add(&wasm, w))),
            _ => None,
        }
    };
    // The flat base (the player built without 3D), for stories without
    // `extrude`.
    let flat = module("twinstory_flat");
    let author = module("twinstory_author");
    let sources = module("twinstory_sources");
    let play = module("twinstory_play");
    let basemap = module("twinstory_basemap");
    // The `<twin-story>` element (`twinstory embed --element`): a stable
    // name, because the pasted snippet names it, and the hashed names in it.
    let name = |m: &Option<(String, String)>, wasm: bool| {
        m.as_ref()
            .map(|(j, w)| if wasm { w.clone() } else { j.clone() })
            .unwrap_or_default()
    };
    let element = fill(
        crate::embed::ELEMENT_SCRIPT,
        &[
            // `js` and `wasm`, the story's base, are filled in per story.
            ("css", &css),
            ("author_js", &name(&author, false)),
            ("author_wasm", &name(&author, true)),
            ("sources_js", &name(&sources, false)),
            ("sources_wasm", &name(&sources, true)),
            ("play_js", &name(&play, false)),
            ("play_wasm", &name(&play, true)),
            ("basemap_js", &name(&basemap, false)),
            ("basemap_wasm", &name(&basemap, true)),
        ],
    );
    files.push((
        crate::embed::ELEMENT_SCRIPT_NAME.to_string(),
        element.into_bytes(),
    ));
    // JS snippets that the glue imports by relative path keep their names.
    files.extend(dir.snippets()?);
    Ok(Player {
        files,
        js,
        wasm,
        flat,
        css,
        boot,
        icon,
        author,
        sources,
        play,
        basemap,
    })
}

impl Player {
    /// The base a story's page and element load (JS glue, wasm): the flat
    /// one for a story without `extrude` when it was built, else the player
    /// with 3D.
    fn base(&self, story: &Story) -> (&str, &str) {
        match &self.flat {
            Some((js, wasm)) if !story.draws_in_3d() => (js, wasm),
            _ => (&self.js, &self.wasm),
        }
    }
}

fn story_page(
    story: &Story,
    p: &Player,
    theme_css: &str,
    origins: &[String],
    translations: &[Translation],
) -> String {
    let origins = if origins.is_empty() {
        String::new()
    } else {
        format!(
            "<meta name=\"twinstory-story-origins\" content=\"{}\">\n",
            escape(&origins.join(" "))
        )
    };
    let summary = escape(story.summary.as_deref().unwrap_or(""));
    let (js, wasm) = p.base(story);
    fill(
        PAGE,
        &[
            ("first_layers", &escape(&first_layers(story).join(" "))),
            ("preload", &escape(&preload_modules(story, p).join(" "))),
            ("lang", &escape(&story.lang)),
            ("noscript", Lang::of(&story.lang).strings().noscript),
            ("title", &escape(&story.title)),
            ("summary", &summary),
            ("css", &p.css),
            ("theme_css", theme_css),
            ("boot", &p.boot),
            ("icon", &p.icon),
            ("js", js),
            ("wasm", wasm),
            (
                "author_js",
                p.author.as_ref().map(|a| a.0.as_str()).unwrap_or(""),
            ),
            (
                "author_wasm",
                p.author.as_ref().map(|a| a.1.as_str()).unwrap_or(""),
            ),
            (
                "sources_js",
                p.sources.as_ref().map(|a| a.0.as_str()).unwrap_or(""),
            ),
            (
                "sources_wasm",
                p.sources.as_ref().map(|a| a.1.as_str()).unwrap_or(""),
            ),
            (
                "play_js",
                p.play.as_ref().map(|a| a.0.as_str()).unwrap_or(""),
            ),
            (
                "play_wasm",
                p.play.as_ref().map(|a| a.1.as_str()).unwrap_or(""),
            ),
            (
                "basemap_js",
                p.basemap.as_ref().map(|a| a.0.as_str()).unwrap_or(""),
            ),
            (
                "basemap_wasm",
                p.basemap.as_ref().map(|a| a.1.as_str()).unwrap_or(""),
            ),
            ("origins", &origins),
            ("alternates", &alternates(story, translations)),
            ("basemap", &basemap_credit(story)),
        ],
    )
    .replace("\n\n</head>", "\n</head>")
}

/// The packed files of the layers the first step draws, which `boot.js`
/// asks for beside story.json (`<link rel=preload>`), so that they are in
/// memory when the player, busy making the page, asks for them.
fn first_layers(story: &Story) -> Vec<String> {
    story
        .layers
        .iter()
        .enumerate()
        .filter(|&(i, _)| story.step_draws(0, i))
        .filter_map(|(_, l)| match &l.source {
            Source::Packed { url } => Some(url.clone()),
            _ => None,
        })
        .collect()
}

/// The files of the modules the story needs whatever step the page opens
/// at, which `boot.js` asks for beside story.json: the basemap's (glue and
/// wasm) for a story with a `basemap`. (The data readers and the playback
/// are not: a story needs them only for some layers or steps.)
fn preload_modules(story: &Story, p: &Player) -> Vec<String> {
    match (&story.basemap, &p.basemap) {
        (Some(_), Some((js, wasm))) => vec![js.clone(), wasm.clone()],
        _ => Vec::new(),
    }
}

/// The page's `<link rel="alternate" hreflang>` lines: the story itself and
/// each version in another language (none without `translations`), so
/// search engines and browsers offer readers their language.
fn alternates(story: &Story, translations: &[Translation]) -> String {
    if translations.is_empty() {
        return String::new();
    }
    let line = |lang: &str, href: &str| {
        format!(
            "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n",
            escape(lang),
            escape(href)
        )
    };
    std::iter::once(line(&story.lang, "./"))
        .chain(translations.iter().map(|t| line(&t.lang, &t.href())))
        .collect()
}

/// Replaces each `{{key}}` of `template` in one pass, so nothing in the
/// values (the author's text) is ever taken for a slot.
fn fill(template: &str, slots: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let slot = after.find("}}").and_then(|j| {
            let key = &after[..j];
            slots
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v, j + 2))
        });
        match slot {
            Some((value, used)) => {
                out.push_str(value);
                rest = &after[used..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The basemap's credit for the page without JavaScript (the player shows
/// it in the map corner and the sources).
fn basemap_credit(story: &Story) -> String {
    let Some(b) = &story.basemap else {
        return String::new();
    };
    let label = Lang::of(&story.lang).strings().basemap;
    match &b.attribution_url {
        Some(u) if url::is_http(u) => format!(
            "<p>{label}: <a href=\"{}\" rel=\"noopener noreferrer\">{}</a></p>",
            escape(u),
            escape(&b.attribution)
        ),
        _ => format!("<p>{label}: {}</p>", escape(&b.attribution)),
    }
}

/// The language of a site's pages (its index, `serve`'s pages): the
/// stories' language when they all share one, else English (the reader's
/// language cannot be known; English is the one most readers of a
/// mixed-language site read). The tag is the stories' own when they all
/// write the same one (`de-CH`), else the language's (`de`, `en`).
pub fn site_lang<'a>(langs: impl IntoIterator<Item = &'a str>) -> (Lang, String) {
    let langs: Vec<&str> = langs.into_iter().collect();
    let Some(first) = langs.first() else {
        return (Lang::En, Lang::En.tag().to_owned());
    };
    if langs.iter().all(|l| l.eq_ignore_ascii_case(first)) {
        return (Lang::of(first), (*first).to_owned());
    }
    let lang = Lang::of(first);
    if langs.iter().all(|l| Lang::of(l) == lang) {
        (lang, lang.tag().to_owned())
    } else {
        (Lang::En, Lang::En.tag().to_owned())
    }
}

fn index_page(stories: &[Listed], css: &str, icon: &str) -> String {
    let (lang, tag) = site_lang(stories.iter().map(|l| l.story.lang.as_str()));
    let t = lang.strings();
    let items: String = stories
        .iter()
        .map(|l| index_card(l, stories, &tag))
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"{tag}\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<link rel=\"stylesheet\" href=\"{css}\"><link rel=\"icon\" href=\"{icon}\" type=\"image/svg+xml\"></head>\n<body><main><h1>{heading}</h1><ul class=\"ts-index\">\n{items}</ul></main></body></html>\n",
        tag = escape(&tag),
        title = escape(t.site_title),
        heading = escape(t.site_heading),
    )
}

/// One story's card on the site index, in the story's language: its
/// preview picture, title (the link), language, summary and links to its
/// versions in other languages that the site has.
fn index_card(l: &Listed, all: &[Listed], site_tag: &str) -> String {
    let s = &l.story;
    let words = Lang::of(&s.lang).cover_words();
    // A story in another language than the page says so.
    let own = if s.lang.eq_ignore_ascii_case(site_tag) {
        String::new()
    } else {
        format!(" lang=\"{}\"", escape(&s.lang))
    };
    let slug = escape(&l.slug);
    let preview = match (&l.preview, s.steps.first()) {
        (Some(p), Some(first)) => format!(
            "<img src=\"{slug}/{}\" width=\"{}\" height=\"{}\" alt=\"{}\" loading=\"lazy\">",
            escape(p),
            crate::static_story::PREVIEW_WIDTH,
            crate::static_story::PREVIEW_HEIGHT,
            escape(&(words.preview_alt)(&first.title))
        ),
        _ => String::new(),
    };
    let summary = match s.summary.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(t) => format!("<p>{}</p>", escape(t)),
        None => String::new(),
    };
    // Links to the other versions this site has (a folder it does not
    // have would be a dead link), each named in its own language.
    let versions: Vec<String> = l
        .translations
        .iter()
        .filter(|t| all.iter().any(|o| o.slug == t.folder))
        .map(|t| {
            let tag = escape(&t.lang);
            format!(
                "<a href=\"{}/\" hreflang=\"{tag}\" lang=\"{tag}\">{}</a>",
                escape(&t.folder),
                escape(Lang::of(&t.lang).cover_words().language_name)
            )
        })
        .collect();
    let versions = if versions.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=\"ts-versions\">{}: {}</p>",
            escape(words.other_versions),
            versions.join(", ")
        )
    };
    format!(
        "<li class=\"ts-card\"{own}>{preview}<h2><a href=\"{slug}/\">{}</a></h2><p class=\"ts-lang\">{}</p>{summary}{versions}</li>\n",
        escape(&s.title),
        escape(words.language_name),
    )
}

fn print_sizes(p: &Player) {
    let size = |base: &str| -> usize {
        p.files
            .iter()
            .filter(|(n, _)| n.starts_with(base) || n.starts_with("snippets/"))
            .map(|(_, b)| b.len())
            .sum()
    };
    let flat = if p.flat.is_some() {
        format!("; {} KB without 3D", size("twinstory_flat") / 1000)
    } else {
        String::new()
    };
    eprintln!(
        "player: {} KB wasm + JS (uncompressed{flat})",
        size("twinstory_player") / 1000
    );
}

pub(crate) fn write(out: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
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
                r#"{"url": [{"text": "https://t/"}, "zoom", {"text": "/"}, "column", {"text": "/"}, "row"], "attribution": "© A & B <{{css}}>", "attribution-url": "https://a.example/c"}"#,
            )
            .unwrap(),
        );
        let p = test_player();
        let page = story_page(&story, &p, "theme-0.css", &[], &[]);
        assert!(
            page.contains("<p>Kartengrundlage: <a href=\"https://a.example/c\" rel=\"noopener noreferrer\">© A &amp; B &lt;{{css}}&gt;</a></p>{{static}}</main></noscript>"),
            "{page}"
        );
    }

    #[test]
    fn a_story_without_extrude_gets_the_flat_base_one_with_it_the_base_with_3d() {
        let mut p = test_player();
        p.flat = Some(("f.js".into(), "f.wasm".into()));
        let mut story: Story = serde_json::from_str(
            r#"{"title": "T", "lang": "de", "layers": [{"id": "a", "title": "A",
                "source": {"type": "geojson", "url": "a.geojson"}}]}"#,
        )
        .unwrap();
        let page = story_page(&story, &p, "theme-0.css", &[], &[]);
        assert!(
            page.contains("<meta name=\"twinstory-base\" content=\"f.js f.wasm\">"),
            "{page}"
        );
        assert!(page.contains("<link rel=\"modulepreload\" href=\"f.js\">"));
        assert!(page.contains("<link rel=\"preload\" href=\"f.wasm\""));
        assert!(!page.contains("p.wasm"), "{page}");
        story.layers[0].style.extrude = Some(twinstory_model::Height::Metres(10.0));
        let page = story_page(&story, &p, "theme-0.css", &[], &[]);
        assert!(
            page.contains("<meta name=\"twinstory-base\" content=\"p.js p.wasm\">"),
            "{page}"
        );
        assert!(!page.contains("f.wasm"), "{page}");
        // A player built without the flat base: every story gets the one.
        p.flat = None;
        story.layers[0].style.extrude = None;
        let page = story_page(&story, &p, "theme-0.css", &[], &[]);
        assert!(page.contains("content=\"p.js p.wasm\""), "{page}");
    }

    /// A player of plain file names, none of the optional modules.
    fn test_player() -> Player {
        Player {
            files: Vec::new(),
            js: "p.js".into(),
            wasm: "p.wasm".into(),
            flat: None,
            css: "p.css".into(),
            boot: "boot.js".into(),
            icon: "icon.svg".into(),
            author: None,
            sources: None,
            play: None,
            basemap: None,
        }
    }

    fn story(lang: &str, title: &str) -> Story {
        let mut s: Story = serde_json::from_str(r#"{"title": "T"}"#).unwrap();
        s.lang = lang.into();
        s.title = title.into();
        s
    }

    #[test]
    fn the_site_index_speaks_the_stories_language() {
        assert_eq!(site_lang(["de", "de"]), (Lang::De, "de".into()));
        assert_eq!(site_lang(["en-GB", "en-GB"]), (Lang::En, "en-GB".into()));
        assert_eq!(site_lang(["de", "de-CH"]), (Lang::De, "de".into()));
        assert_eq!(site_lang(["en", "fr"]), (Lang::En, "en".into()));
        assert_eq!(site_lang(["de", "en"]), (Lang::En, "en".into()));
        assert_eq!(site_lang([]), (Lang::En, "en".into()));
        let listed = |slug: &str, lang: &str, title: &str| Listed {
            slug: slug.into(),
            story: story(lang, title),
            translations: Vec::new(),
            preview: None,
        };
        let english = [listed("a", "en", "Cycle lanes"), listed("b", "en", "Parks")];
        let page = index_page(&english, "i.css", "i.svg");
        assert!(page.contains("<html lang=\"en\">"), "{page}");
        assert!(
            page.contains("<title>twinstory – Stories</title>")
                && page.contains("<h1>Stories</h1>")
        );
        assert!(
            !page.contains("Geschichten") && !page.contains(" lang=\"en\"><h2>"),
            "{page}"
        );
        let german = [listed("a", "de", "Radwege")];
        let page = index_page(&german, "i.css", "i.svg");
        assert!(page.contains("<html lang=\"de\">") && page.contains("<h1>Geschichten</h1>"));
        // Mixed: English, and each story names its own language.
        let mixed = [listed("a", "de", "Radwege"), listed("b", "en", "Parks")];
        let page = index_page(&mixed, "i.css", "i.svg");
        assert!(page.contains("<html lang=\"en\">") && page.contains("<h1>Stories</h1>"));
        assert!(
            page.contains("<li class=\"ts-card\" lang=\"de\"><h2><a href=\"a/\">Radwege</a></h2><p class=\"ts-lang\">Deutsch</p>"),
            "{page}"
        );
        assert!(
            page.contains("<li class=\"ts-card\"><h2><a href=\"b/\">Parks</a></h2><p class=\"ts-lang\">English</p>"),
            "{page}"
        );
    }

    #[test]
    fn the_site_index_shows_previews_and_links_the_versions() {
        let mut de = story("de", "Spielplätze");
        de.summary = Some("Wo Kinder spielen.".into());
        de.steps = vec![serde_json::from_str(r#"{"id": "a", "title": "Eine Stadt"}"#).unwrap()];
        let en = story("en", "Where children play");
        let version = |lang: &str, folder: &str| {
            let own = if lang == "de" { "en" } else { "de" };
            let md = format!(
                "---\ntitle: T\nlang: {own}\ntranslations: {{ {lang}: ../{folder} }}\n---\n"
            );
            twinstory_story::parse_story("s.md", md.as_bytes()).translations
        };
        let stories = [
            Listed {
                slug: "spielplaetze".into(),
                story: de,
                translations: version("en", "where-children-play"),
                preview: Some("img/preview-1a2b.svg".into()),
            },
            Listed {
                slug: "where-children-play".into(),
                story: en,
                // A version the site does not have is not linked.
                translations: [version("de", "spielplaetze"), version("fr", "ou-jouent")].concat(),
                preview: None,
            },
        ];
        let page = index_page(&stories, "i.css", "i.svg");
        assert!(
            page.contains("<img src=\"spielplaetze/img/preview-1a2b.svg\" width=\"480\" height=\"300\" alt=\"Karte zum ersten Schritt: Eine Stadt\" loading=\"lazy\">"),
            "{page}"
        );
        assert!(
            page.contains("<p>Wo Kinder spielen.</p><p class=\"ts-versions\">Auch in: <a href=\"where-children-play/\" hreflang=\"en\" lang=\"en\">English</a></p>"),
            "{page}"
        );
        assert!(
            page.contains("<p class=\"ts-versions\">Also in: <a href=\"spielplaetze/\" hreflang=\"de\" lang=\"de\">Deutsch</a></p>"),
            "{page}"
        );
        assert!(!page.contains("ou-jouent"), "{page}");
        // No picture without a step; no `style` anywhere (strict CSP).
        assert_eq!(page.matches("<img").count(), 1, "{page}");
        assert!(!page.contains("style="), "{page}");
    }

    #[test]
    fn the_page_names_its_versions_in_other_languages() {
        let p = test_player();
        let md = "---\ntitle: T\nlang: de\ntranslations: { en: ../where-children-play }\n---\n";
        let translations = twinstory_story::parse_story("s.md", md.as_bytes()).translations;
        let page = story_page(&story("de", "T"), &p, "t.css", &[], &translations);
        assert!(
            page.contains("<link rel=\"alternate\" hreflang=\"de\" href=\"./\">\n<link rel=\"alternate\" hreflang=\"en\" href=\"../where-children-play/\">\n"),
            "{page}"
        );
        let page = story_page(&story("de", "T"), &p, "t.css", &[], &[]);
        assert!(!page.contains("alternate"), "{page}");
    }

    #[test]
    fn the_page_without_javascript_speaks_the_story_language() {
        let p = test_player();
        for (lang, want, never) in [
            (
                "en",
                &twinstory_model::strings::EN,
                &twinstory_model::strings::DE,
            ),
            (
                "de",
                &twinstory_model::strings::DE,
                &twinstory_model::strings::EN,
            ),
        ] {
            let page = story_page(&story(lang, "T"), &p, "theme-0.css", &[], &[]);
            assert!(page.contains(&format!("<html lang=\"{lang}\">")), "{page}");
            assert!(
                page.contains(&format!("<p>{}</p>", want.noscript)),
                "{page}"
            );
            assert!(!page.contains(never.noscript), "{page}");
        }
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&"),
            "&lt;a href=&quot;x&quot;&gt;&amp;"
        );
    }
}
