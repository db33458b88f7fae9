//! Tile address templates (XYZ, TMS and WMTS placeholders) of a `basemap`:
//! read once by the story parser, which reports what is wrong, and shipped
//! read in `story.json`, so the player only fills in tile numbers.

use crate::template::{Piece, Template};
use serde::{Deserialize, Serialize};

/// One piece of a tile address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TilePart {
    /// Text as it is.
    Text(String),
    /// `{z}` or `{TileMatrix}`: the zoom level.
    Zoom,
    /// `{x}` or `{TileCol}`: the column, counted eastwards from 180° W.
    Column,
    /// `{y}` or `{TileRow}`: the row, counted southwards from the top.
    Row,
    /// `{-y}`: the row counted from the bottom (TMS servers).
    TmsRow,
    /// `{s}`: one of the basemap's `subdomains`.
    Subdomain,
    /// `{r}`: `@2x` on high-density screens, else nothing.
    Retina,
}

/// A tile address template, read once; in `story.json` it is the list of
/// its parts, e.g. `[{"text": "https://t.example/"}, "zoom", {"text": "/"},
/// "column", {"text": "/"}, "row", {"text": ".png"}]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<TilePart>", into = "Vec<TilePart>")]
pub struct TileTemplate {
    parts: Vec<TilePart>,
}

/// What is wrong with a tile address template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TileTemplateError {
    /// A `{…}` that is not a placeholder twinstory knows (empty for `{}`).
    Unknown {
        /// The text between the braces, as written.
        name: String,
        /// Byte offset of the `{`.
        at: usize,
    },
    /// A `{` without `}`.
    Unclosed {
        /// Byte offset of the `{`.
        at: usize,
    },
    /// A placeholder for the zoom, the column or the row is missing
    /// (the names of the missing ones, e.g. `["{z}", "{y}"]`).
    Missing(Vec<&'static str>),
    /// `{s}` is used but `subdomains` gives no values.
    NoSubdomains,
}

impl TileTemplate {
    /// Reads a template with `{z}`/`{x}`/`{y}` (or `{-y}`), or the WMTS names
    /// `{TileMatrix}`/`{TileCol}`/`{TileRow}`, and optional `{s}` and `{r}`;
    /// placeholder names are case-insensitive. Braces follow the rules of
    /// every [`Template`]; the first problem is the error.
    ///
    /// # Examples
    /// ```
    /// use twinstory_model::tile_template::{TileTemplate, TileTemplateError};
    /// let t = TileTemplate::parse("https://tile.example.org/{z}/{x}/{y}{r}.png", &[]).unwrap();
    /// assert_eq!(t.url(3, 7, 2, true, &[]), "https://tile.example.org/3/7/2@2x.png");
    /// assert_eq!(t.url(3, 7, 2, false, &[]), "https://tile.example.org/3/7/2.png");
    /// assert_eq!(
    ///     TileTemplate::parse("https://t/{z}/{x}/{y", &[]),
    ///     Err(TileTemplateError::Unclosed { at: 18 })
    /// );
    /// ```
    pub fn parse(url: &str, subdomains: &[String]) -> Result<Self, TileTemplateError> {
        let mut parts = Vec::new();
        for piece in Template::parse(url).pieces() {
            let part = match piece {
                Piece::Text(t) => match parts.last_mut() {
                    // `{{` is a piece of its own: join it to the text around it.
                    Some(TilePart::Text(before)) => {
                        before.push_str(t);
                        continue;
                    }
                    _ => TilePart::Text((*t).to_owned()),
                },
                Piece::Unclosed { at, .. } => return Err(TileTemplateError::Unclosed { at: *at }),
                Piece::Field { span, .. } => {
                    // As written: spaces inside the braces are no placeholder.
                    let name = &url[span.start + 1..span.end - 1];
                    match name.to_ascii_lowercase().as_str() {
                        "z" | "tilematrix" => TilePart::Zoom,
                        "x" | "tilecol" => TilePart::Column,
                        "y" | "tilerow" => TilePart::Row,
                        "-y" => TilePart::TmsRow,
                        "s" => TilePart::Subdomain,
                        "r" => TilePart::Retina,
                        _ => {
                            return Err(TileTemplateError::Unknown {
                                name: name.to_owned(),
                                at: span.start,
                            })
                        }
                    }
                }
            };
            parts.push(part);
        }
        let t = Self::try_from(parts)?;
        if t.parts.contains(&TilePart::Subdomain) && subdomains.is_empty() {
            return Err(TileTemplateError::NoSubdomains);
        }
        Ok(t)
    }

    /// Whether the template has `{r}`, i.e. the server has `@2x` images.
    pub fn has_retina(&self) -> bool {
        self.parts.contains(&TilePart::Retina)
    }

    /// The parts in order.
    pub fn parts(&self) -> &[TilePart] {
        &self.parts
    }

    /// The address of tile `x`, `y` (column inside the world, `0..2^z`) at
    /// zoom `z`; `retina` puts `@2x` where `{r}` is, `{s}` is one of
    /// `subdomains`, the same one for a tile every time.
    ///
    /// # Examples
    /// ```
    /// use twinstory_model::tile_template::TileTemplate;
    /// let abc = ["a".to_string(), "b".to_string()];
    /// let t = TileTemplate::parse("https://{s}.t/{z}/{x}/{-y}", &abc).unwrap();
    /// assert_eq!(t.url(2, 1, 0, false, &abc), "https://b.t/2/1/3");
    /// ```
    pub fn url(&self, z: u8, x: u32, y: u32, retina: bool, subdomains: &[String]) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                TilePart::Text(t) => out.push_str(t),
                TilePart::Zoom => out.push_str(&z.to_string()),
                TilePart::Column => out.push_str(&x.to_string()),
                TilePart::Row => out.push_str(&y.to_string()),
                TilePart::TmsRow => {
                    let rows = 1u64 << z.min(63);
                    out.push_str(&(rows - 1).saturating_sub(u64::from(y)).to_string())
                }
                TilePart::Subdomain => {
                    let i = (x as usize + y as usize) % subdomains.len().max(1);
                    out.push_str(subdomains.get(i).map_or("", String::as_str));
                }
                TilePart::Retina => {
                    if retina {
                        out.push_str("@2x");
                    }
                }
            }
        }
        out
    }
}

/// The template as an author writes it (`{z}`, `{x}`, `{y}`, `{-y}`, `{s}`,
/// `{r}`; braces in the text doubled), for messages and policies.
impl std::fmt::Display for TileTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.parts {
            match p {
                TilePart::Text(t) => f.write_str(&t.replace('{', "{{").replace('}', "}}"))?,
                TilePart::Zoom => f.write_str("{z}")?,
                TilePart::Column => f.write_str("{x}")?,
                TilePart::Row => f.write_str("{y}")?,
                TilePart::TmsRow => f.write_str("{-y}")?,
                TilePart::Subdomain => f.write_str("{s}")?,
                TilePart::Retina => f.write_str("{r}")?,
            }
        }
        Ok(())
    }
}

/// Parts from `story.json` make a template only with a zoom, a column and a row.
impl TryFrom<Vec<TilePart>> for TileTemplate {
    type Error = TileTemplateError;

    fn try_from(parts: Vec<TilePart>) -> Result<Self, Self::Error> {
        let has = |p: &[TilePart]| parts.iter().any(|q| p.contains(q));
        let mut missing = Vec::new();
        if !has(&[TilePart::Zoom]) {
            missing.push("{z}");
        }
        if !has(&[TilePart::Column]) {
            missing.push("{x}");
        }
        if !has(&[TilePart::Row, TilePart::TmsRow]) {
            missing.push("{y}");
        }
        if missing.is_empty() {
            Ok(Self { parts })
        } else {
            Err(TileTemplateError::Missing(missing))
        }
    }
}

impl From<TileTemplate> for Vec<TilePart> {
    fn from(t: TileTemplate) -> Self {
        t.parts
    }
}

impl std::fmt::Display for TileTemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unknown { name, .. } => write!(f, "`{{{name}}}` is not a tile placeholder"),
            Self::Unclosed { .. } => f.write_str("a `{` is never closed"),
            Self::Missing(names) => write!(f, "the tile address has no {}", names.join(", ")),
            Self::NoSubdomains => f.write_str("`{s}` needs `subdomains`"),
        }
    }
}

/// Authors write the template as text (the JSON Schema describes story.md);
/// `story.json` carries the parts.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for TileTemplate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TileTemplate".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(u: &str, s: &[&str]) -> Result<TileTemplate, TileTemplateError> {
        TileTemplate::parse(u, &strings(s))
    }

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn templates_expand_xyz_wmts_and_tms() {
        let (z, x, y) = (5, 17, 10);
        let abc = strings(&["a", "b", "c"]);
        assert_eq!(
            t(
                "https://{s}.tile.example.org/{z}/{x}/{y}.png",
                &["a", "b", "c"]
            )
            .unwrap()
            .url(z, x, y, false, &abc),
            "https://a.tile.example.org/5/17/10.png"
        );
        assert_eq!(
            t("https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe/default/GLOBAL_WEBMERCATOR/{TileMatrix}/{TileRow}/{TileCol}.png", &[])
                .unwrap()
                .url(z, x, y, false, &[]),
            "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe/default/GLOBAL_WEBMERCATOR/5/10/17.png"
        );
        assert_eq!(
            t("https://wmts.example.org/wmts?SERVICE=WMTS&REQUEST=GetTile&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX={tilematrix}&TILEROW={tilerow}&TILECOL={tilecol}", &[])
                .unwrap()
                .url(z, x, y, true, &[]),
            "https://wmts.example.org/wmts?SERVICE=WMTS&REQUEST=GetTile&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=5&TILEROW=10&TILECOL=17"
        );
        assert_eq!(
            t("https://t/{z}/{x}/{-y}.png", &[])
                .unwrap()
                .url(z, x, y, false, &[]),
            "https://t/5/17/21.png"
        );
        assert!(!t("https://t/{z}/{x}/{y}.png", &[]).unwrap().has_retina());
        assert!(t("https://t/{z}/{x}/{y}{r}.png", &[]).unwrap().has_retina());
    }

    #[test]
    fn templates_without_placeholders_say_which_are_missing() {
        assert_eq!(
            t("https://t/tiles.png", &[]),
            Err(TileTemplateError::Missing(vec!["{z}", "{x}", "{y}"]))
        );
        assert_eq!(
            t("https://t/{z}/{x}.png", &[]),
            Err(TileTemplateError::Missing(vec!["{y}"]))
        );
        assert_eq!(
            t("https://t/{TileMatrixSet}/{z}/{x}/{y}", &[]),
            Err(TileTemplateError::Unknown {
                name: "TileMatrixSet".into(),
                at: 10
            })
        );
        assert_eq!(
            t("https://t/{z}/{x}/{y", &[]),
            Err(TileTemplateError::Unclosed { at: 18 })
        );
        assert_eq!(
            t("https://{s}.t/{z}/{x}/{y}", &[]),
            Err(TileTemplateError::NoSubdomains)
        );
        assert_eq!(
            t("https://t/{ z }/{}/{x}/{y}", &[]),
            Err(TileTemplateError::Unknown {
                name: " z ".into(),
                at: 10
            })
        );
    }

    #[test]
    fn the_parts_travel_in_story_json_and_come_back_the_same() {
        let tmpl = t("https://{s}.t/{{a}}/{z}/{x}/{y}{r}.png?k=1", &["a"]).unwrap();
        let json = serde_json::to_string(&tmpl).unwrap();
        assert_eq!(
            json,
            r#"[{"text":"https://"},"subdomain",{"text":".t/{a}/"},"zoom",{"text":"/"},"column",{"text":"/"},"row","retina",{"text":".png?k=1"}]"#
        );
        let back: TileTemplate = serde_json::from_str(&json).unwrap();
        assert_eq!(back, tmpl);
        assert_eq!(
            back.to_string(),
            "https://{s}.t/{{a}}/{z}/{x}/{y}{r}.png?k=1"
        );
        // A hand-edited story.json without a row is refused, not guessed.
        let err = serde_json::from_str::<TileTemplate>(r#"["zoom","column"]"#).unwrap_err();
        assert!(err.to_string().contains("{y}"), "{err}");
        assert!(serde_json::from_str::<TileTemplate>(r#""https://t/{z}/{x}/{y}""#).is_err());
    }
}
