//! `twinstory`: write, check, preview and publish data stories.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool: the terminal is where it reports"
)]

mod build;
mod csp;
mod describe;
mod embed;
mod import;
mod media;
mod pack;
mod picker;
mod player;
mod serve;
mod static_story;
mod theme;
mod validate;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Scroll-driven map stories from plain text files.
#[derive(Parser)]
#[command(name = "twinstory", version = player::VERSION, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build stories into a static folder that any web server can host.
    ///
    /// PATH is one story folder (with story.md) or a folder of story folders.
    ///
    /// The site is built beside OUT and replaces it only when every story
    /// built, so a mistake leaves the previous site as it was. OUT must be a
    /// new or empty folder, or one that twinstory wrote (it has a
    /// `.twinstory-site` file), outside the stories.
    ///
    /// Besides the pages it writes `_headers` (Netlify, Cloudflare Pages)
    /// and `nginx-csp.map` with each story's Content-Security-Policy.
    ///
    /// Examples:
    ///   twinstory build stories/spielplaetze --out public-site
    ///   twinstory build stories --out dist
    ///   twinstory build stories --out dist --story-origin https://daten.example.org
    Build {
        /// Story folder, or a folder of story folders.
        #[arg(default_value = "stories")]
        path: PathBuf,
        /// Where to write the site.
        #[arg(long, default_value = "dist")]
        out: PathBuf,
        /// Folder with a built player (scripts/build-player.sh) to use
        /// instead of the one built into twinstory.
        #[arg(long, env = "TWINSTORY_PLAYER")]
        player: Option<PathBuf>,
        /// An origin (scheme://host[:port]) whose story files the pages may
        /// play by `?story=<url>`; repeat for several. Added to the CSP.
        #[arg(long = "story-origin", value_name = "ORIGIN", value_parser = csp::parse_story_origin)]
        story_origins: Vec<String>,
    },
    /// Print the HTML to paste into another site (a CMS article, a plain
    /// page) so that a published story plays in it.
    ///
    /// The snippet is an iframe that takes the story's full height (the
    /// reader scrolls the page; the map stays in view) and a script tag
    /// for `embed.js`, which `twinstory build` writes beside every story.
    /// With --element, a `<twin-story>` element and a module script for
    /// `element.js` instead: the story plays in the page's own DOM (in a
    /// shadow root, styles isolated both ways; the story's server sends
    /// CORS headers when it is on another origin).
    /// No inline script or style: it works under a strict
    /// Content-Security-Policy that allows the story's origin (printed
    /// below the snippet; docs/embed.md).
    ///
    /// Examples:
    ///   twinstory embed https://geschichten.example.org/radwege/
    ///   twinstory embed https://geschichten.example.org/radwege/ --title "Radwege in Hamburg"
    ///   twinstory embed --element https://geschichten.example.org/radwege/ --title "Radwege in Hamburg"
    Embed {
        /// The address of the published story (its folder or index.html).
        story_url: String,
        /// The story's name (default: its folder's name): the frame's
        /// title, which screen readers announce; with --element the text of
        /// the link to the story that readers see where it cannot start (no
        /// JavaScript, a script the page blocks).
        #[arg(long)]
        title: Option<String>,
        /// A `<twin-story>` custom element instead of an iframe.
        #[arg(long)]
        element: bool,
    },
    /// Convert a story made with another tool into a story folder, with a
    /// report of what could not be carried over.
    ///
    /// Reads the Mapbox storytelling template's `config.js` (`--from
    /// mapbox`), a StoryMapJS JSON file (`--from storymapjs`) or a folder of
    /// Hamburg's storytelling tool / Data Narrator (`--from hamburg`: its
    /// story.json, step HTML files and portal-config.json); writes
    /// `story.md` (and its data) into OUT, checks it as `validate` does,
    /// prints the report and saves it as OUT/import-report.md. Exits with 1
    /// when the written story has errors. docs/import.md says what each
    /// tool's import keeps.
    ///
    /// Examples:
    ///   twinstory import config.js --from mapbox --out stories/gletscher
    ///   twinstory import published.json --from storymapjs --out stories/twain --lang en
    ///   twinstory import faircare-verkehr/ --from hamburg --out stories/faircare
    Import {
        /// The tool's file, or a folder that holds it.
        input: PathBuf,
        /// The tool that made it.
        #[arg(long, value_enum)]
        from: import::Tool,
        /// The story folder to write (new or empty).
        #[arg(long)]
        out: PathBuf,
        /// The story's language (`lang`); the tools do not record it
        /// (default: `de` for --from hamburg, else `en`).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Create a new story folder from a working template.
    ///
    /// Examples:
    ///   twinstory new spielplaetze
    ///   twinstory new radwege --title "Radwege in Hamburg" --lang de --dir stories
    New {
        /// Folder name of the story (letters, digits and `-`).
        slug: String,
        /// Title of the story.
        #[arg(long)]
        title: Option<String>,
        /// The template's language: its `lang` and its texts (`de` or `en`).
        #[arg(long, value_enum, default_value_t = NewLang::En)]
        lang: NewLang,
        /// Folder in which the story folder is created.
        #[arg(long, default_value = "stories")]
        dir: PathBuf,
    },
    /// Print the JSON Schema of the story settings (for editors).
    ///
    /// Examples:
    ///   twinstory schema > story.schema.json
    Schema,
    /// Check a story and list every problem with its line, column and a fix.
    ///
    /// Exits with 0 when there are no errors, 1 otherwise.
    ///
    /// Examples:
    ///   twinstory validate stories/spielplaetze
    ///   twinstory validate stories/spielplaetze/story.md --format json
    ///   twinstory validate stories/spielplaetze --verbose
    Validate {
        /// Story folder or story.md file.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output format of the diagnostics.
        #[arg(long, value_enum, default_value_t = validate::Format::Human)]
        format: validate::Format,
        /// Treat warnings as errors (exit 1 when there are any).
        #[arg(long)]
        deny_warnings: bool,
        /// Also print a data sheet per layer (features, fields and their
        /// types, licence) and what each join matched, on both sides.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Build stories, serve them on 127.0.0.1 and reload the page on every save.
    ///
    /// The folder is watched: after each change the stories are rebuilt and
    /// open pages reload. When a change has errors, they are printed here and
    /// shown over the page, and the last good version keeps playing.
    ///
    /// While it watches, the pages have a view picker: move the map (in any
    /// step) and copy the step's `view` as YAML, or have it written into
    /// that step's block of story.md (docs/story-format.md, "Picking a view
    /// in the preview"). Nothing of it is in a build.
    ///
    /// Examples:
    ///   twinstory serve
    ///   twinstory serve stories/spielplaetze --port 8080
    Serve {
        /// Story folder, or a folder of story folders.
        #[arg(default_value = "stories")]
        path: PathBuf,
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Folder with a built player (scripts/build-player.sh) to use
        /// instead of the one built into twinstory; watched for changes.
        #[arg(long, env = "TWINSTORY_PLAYER")]
        player: Option<PathBuf>,
        /// Where the built site is kept while serving.
        #[arg(long, default_value = "target/twinstory-serve")]
        out: PathBuf,
        /// Build once and serve without watching for changes.
        #[arg(long)]
        no_watch: bool,
        /// An origin (scheme://host[:port]) whose story files the pages may
        /// play by `?story=<url>`; repeat for several. Added to the CSP.
        #[arg(long = "story-origin", value_name = "ORIGIN", value_parser = csp::parse_story_origin)]
        story_origins: Vec<String>,
        /// Send `Access-Control-Allow-Origin: *` with every file, so that
        /// pages on other origins can play the stories as `<twin-story>`
        /// elements (`twinstory embed --element`).
        #[arg(long)]
        cors: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build {
            path,
            out,
            player,
            story_origins,
        } => {
            let opts = build::BuildOptions {
                player: player::PlayerFiles::choose(player)?,
                story_origins,
            };
            let report = build::build_site(&path, &out, &opts)?;
            Ok(if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Embed {
            story_url,
            title,
            element,
        } => {
            if element {
                embed::run_element(&story_url, title.as_deref())?;
            } else {
                embed::run(&story_url, title.as_deref())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            input,
            from,
            out,
            lang,
        } => import::run(&input, from, &out, lang.as_deref()),
        Command::New {
            slug,
            title,
            lang,
            dir,
        } => new_story(&slug, title.as_deref(), lang, &dir),
        Command::Schema => {
            println!("{}", twinstory_story::schema_json());
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate {
            path,
            format,
            deny_warnings,
            verbose,
        } => validate::run(&path, format, deny_warnings, verbose),
        Command::Serve {
            path,
            port,
            player,
            out,
            no_watch,
            story_origins,
            cors,
        } => {
            serve::serve(serve::ServeOptions {
                source: path,
                out,
                build: build::BuildOptions {
                    player: player::PlayerFiles::choose(player)?,
                    story_origins,
                },
                port,
                watch: !no_watch,
                cors,
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `twinstory new --lang`: the languages the template is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum NewLang {
    /// German.
    De,
    /// English.
    En,
}

fn new_story(
    slug: &str,
    title: Option<&str>,
    lang: NewLang,
    dir: &std::path::Path,
) -> Result<ExitCode> {
    use anyhow::{bail, Context};
    if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        bail!("`{slug}` cannot be a story folder name; use lowercase letters, digits and `-`, e.g. `spielplaetze-2026`");
    }
    let folder = dir.join(slug);
    if folder.exists() {
        bail!(
            "{} already exists; pick another name or delete it first",
            folder.display()
        );
    }
    std::fs::create_dir_all(folder.join("data"))
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let title = title
        .map(str::to_owned)
        .unwrap_or_else(|| slug.replace('-', " "));
    let mut text = twinstory_story::new_story_template(
        slug,
        &title,
        match lang {
            NewLang::De => twinstory_story::TemplateLanguage::German,
            NewLang::En => twinstory_story::TemplateLanguage::English,
        },
    );
    // The template's last step names `stories/<slug>`; name the folder it
    // was written to (`--dir`), and end the file with a line break.
    text = text.replace(
        &format!("twinstory validate stories/{slug}`"),
        &format!("twinstory validate {}`", folder.display()),
    );
    if !text.ends_with('\n') {
        text.push('\n');
    }
    std::fs::write(folder.join("story.md"), text)
        .with_context(|| format!("cannot write {}", folder.join("story.md").display()))?;
    // The template's layer uses this sample file, so the new story works at once.
    let data = folder.join(twinstory_story::SAMPLE_DATA_PATH);
    std::fs::write(&data, twinstory_story::SAMPLE_DATA)
        .with_context(|| format!("cannot write {}", data.display()))?;
    println!(
        "Created {}. Next: twinstory serve {}",
        folder.join("story.md").display(),
        folder.display()
    );
    Ok(ExitCode::SUCCESS)
}
