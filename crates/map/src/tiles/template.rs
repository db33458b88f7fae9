//! Tile address templates (XYZ, TMS and WMTS placeholders), checked once
//! and expanded per tile.

use super::grid::TileCoord;

/// One piece of a URL template.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Zoom,
    Column,
    Row,
    /// TMS rows, counted from the south.
    FlippedRow,
    Subdomain,
    Retina,
}

/// A tile address template, checked once and expanded per tile.
#[derive(Debug, Clone, PartialEq)]
pub struct TileTemplate {
    parts: Vec<Part>,
    subdomains: Vec<String>,
}

/// What is wrong with a tile address template.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateError {
    /// A `{…}` that is not a placeholder twinstory knows; `at` is its byte offset.
    Unknown {
        /// The name between the braces.
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
    /// placeholder names are case-insensitive.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::tiles::{TileCoord, TileTemplate};
    /// let t = TileTemplate::parse("https://tile.example.org/{z}/{x}/{y}{r}.png", &[]).unwrap();
    /// let tile = TileCoord { z: 3, x: -1, y: 2 };
    /// assert_eq!(t.url(tile, true), "https://tile.example.org/3/7/2@2x.png");
    /// assert_eq!(t.url(tile, false), "https://tile.example.org/3/7/2.png");
    /// ```
    pub fn parse(url: &str, subdomains: &[String]) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = url;
        let mut offset = 0;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err(TemplateError::Unclosed { at: offset + open });
            };
            let name = &rest[open + 1..open + close];
            let part = match name.to_ascii_lowercase().as_str() {
                "z" | "tilematrix" => Part::Zoom,
                "x" | "tilecol" => Part::Column,
                "y" | "tilerow" => Part::Row,
                "-y" => Part::FlippedRow,
                "s" => Part::Subdomain,
                "r" => Part::Retina,
                _ => {
                    return Err(TemplateError::Unknown {
                        name: name.to_owned(),
                        at: offset + open,
                    })
                }
            };
            parts.push(part);
            offset += open + close + 1;
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        let has = |p: &[Part]| parts.iter().any(|q| p.contains(q));
        let mut missing = Vec::new();
        if !has(&[Part::Zoom]) {
            missing.push("{z}");
        }
        if !has(&[Part::Column]) {
            missing.push("{x}");
        }
        if !has(&[Part::Row, Part::FlippedRow]) {
            missing.push("{y}");
        }
        if !missing.is_empty() {
            return Err(TemplateError::Missing(missing));
        }
        if has(&[Part::Subdomain]) && subdomains.is_empty() {
            return Err(TemplateError::NoSubdomains);
        }
        Ok(Self {
            parts,
            subdomains: subdomains.to_vec(),
        })
    }

    /// Whether the template has `{r}`, i.e. the server has `@2x` images.
    pub fn has_retina(&self) -> bool {
        self.parts.contains(&Part::Retina)
    }

    /// The address of a tile; `retina` puts `@2x` where `{r}` is. Columns
    /// are wrapped into the world, so copies east and west of it load the
    /// same images.
    pub fn url(&self, tile: TileCoord, retina: bool) -> String {
        let x = tile.wrapped_x();
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Zoom => out.push_str(&tile.z.to_string()),
                Part::Column => out.push_str(&x.to_string()),
                Part::Row => out.push_str(&tile.y.to_string()),
                Part::FlippedRow => {
                    out.push_str(&(((1u64 << tile.z) - 1) - tile.y as u64).to_string())
                }
                Part::Subdomain => {
                    let i = (x as usize + tile.y as usize) % self.subdomains.len().max(1);
                    out.push_str(self.subdomains.get(i).map_or("", String::as_str));
                }
                Part::Retina => {
                    if retina {
                        out.push_str("@2x");
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_expand_xyz_wmts_and_tms() {
        let t = |u: &str, s: &[&str]| {
            TileTemplate::parse(u, &s.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        };
        let tile = TileCoord { z: 5, x: 17, y: 10 };
        assert_eq!(
            t(
                "https://{s}.tile.example.org/{z}/{x}/{y}.png",
                &["a", "b", "c"]
            )
            .unwrap()
            .url(tile, false),
            "https://a.tile.example.org/5/17/10.png"
        );
        assert_eq!(
            t("https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe/default/GLOBAL_WEBMERCATOR/{TileMatrix}/{TileRow}/{TileCol}.png", &[])
                .unwrap()
                .url(tile, false),
            "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe/default/GLOBAL_WEBMERCATOR/5/10/17.png"
        );
        assert_eq!(
            t("https://wmts.example.org/wmts?SERVICE=WMTS&REQUEST=GetTile&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX={tilematrix}&TILEROW={tilerow}&TILECOL={tilecol}", &[])
                .unwrap()
                .url(tile, true),
            "https://wmts.example.org/wmts?SERVICE=WMTS&REQUEST=GetTile&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=5&TILEROW=10&TILECOL=17"
        );
        assert_eq!(
            t("https://t/{z}/{x}/{-y}.png", &[])
                .unwrap()
                .url(tile, false),
            "https://t/5/17/21.png"
        );
        assert!(!t("https://t/{z}/{x}/{y}.png", &[]).unwrap().has_retina());
        assert!(t("https://t/{z}/{x}/{y}{r}.png", &[]).unwrap().has_retina());
    }

    #[test]
    fn templates_without_placeholders_say_which_are_missing() {
        assert_eq!(
            TileTemplate::parse("https://t/tiles.png", &[]),
            Err(TemplateError::Missing(vec!["{z}", "{x}", "{y}"]))
        );
        assert_eq!(
            TileTemplate::parse("https://t/{z}/{x}.png", &[]),
            Err(TemplateError::Missing(vec!["{y}"]))
        );
        assert_eq!(
            TileTemplate::parse("https://t/{TileMatrixSet}/{z}/{x}/{y}", &[]),
            Err(TemplateError::Unknown {
                name: "TileMatrixSet".into(),
                at: 10
            })
        );
        assert_eq!(
            TileTemplate::parse("https://t/{z}/{x}/{y", &[]),
            Err(TemplateError::Unclosed { at: 18 })
        );
        assert_eq!(
            TileTemplate::parse("https://{s}.t/{z}/{x}/{y}", &[]),
            Err(TemplateError::NoSubdomains)
        );
    }
}
