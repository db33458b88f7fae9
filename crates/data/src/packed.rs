//! The packed layer format `twinstory build` writes for the player: smaller
//! than GeoJSON and decoded without parsing numbers from text.
//!
//! Layout (all integers little-endian or LEB128 varints):
//! ```text
//! "TSP1"                      magic and version
//! varint  scale               coordinates are round(degrees * scale)
//! varint  n                   feature count
//! varint  len, len bytes      JSON: {"fields": [..], "rows": [[..], ..], "ids": [..|null]}
//! n × geometry                see `Writer::geometry`; positions are zigzag
//!                             varint deltas from the previous position of the layer
//! [1, n × solid]              only when a feature has a solid (`extrude:
//!                             model` layers): varint surface count (0: none),
//!                             per surface a kind byte (0 roof, 1 wall, 2 other),
//!                             varint ring count, per ring varint vertex count
//!                             and per vertex a position (as above) and a
//!                             zigzag varint delta of z in centimetres
//! ```
//! Properties stay JSON (typed values, any text) but are stored once per
//! field name; coordinates, the bulk of every map layer, become integers.

use crate::{DataError, Dataset, Feature, Solid, Surface, SurfaceKind};
use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};
use serde_json::{Map, Value};

const MAGIC: &[u8; 4] = b"TSP1";
/// Nesting limit for geometry collections (and so for the decoder's stack).
const MAX_DEPTH: usize = 8;

/// Packs `data`; coordinates are rounded to `1 / scale` degrees
/// (1e6 ≈ 11 cm, finer than any city map needs).
pub fn write_packed(data: &Dataset, scale: u32) -> Vec<u8> {
    let scale = scale.max(1);
    let mut fields: Vec<String> = Vec::new();
    for f in &data.features {
        for k in f.properties.keys() {
            if !fields.contains(k) {
                fields.push(k.clone());
            }
        }
    }
    let rows: Vec<Value> = data
        .features
        .iter()
        .map(|f| {
            Value::Array(
                fields
                    .iter()
                    .map(|k| f.properties.get(k).cloned().unwrap_or(Value::Null))
                    .collect(),
            )
        })
        .collect();
    let ids: Vec<Value> = data
        .features
        .iter()
        .map(|f| f.id.clone().map_or(Value::Null, Value::String))
        .collect();
    let table = serde_json::json!({ "fields": fields, "rows": rows, "ids": ids }).to_string();
    let mut out = Vec::with_capacity(table.len() + data.features.len() * 16);
    out.extend_from_slice(MAGIC);
    put_varint(&mut out, u64::from(scale));
    put_varint(&mut out, data.features.len() as u64);
    put_varint(&mut out, table.len() as u64);
    out.extend_from_slice(table.as_bytes());
    let mut w = Writer {
        out,
        scale: f64::from(scale),
        last: (0, 0),
    };
    for f in &data.features {
        match &f.geometry {
            Some(g) => w.geometry(g, 0),
            None => w.out.push(0),
        }
    }
    if data.features.iter().any(|f| f.solid.is_some()) {
        w.out.push(1);
        let mut last_z = 0;
        for f in &data.features {
            let surfaces = f.solid.as_ref().map_or(&[][..], |s| &s.surfaces);
            put_varint(&mut w.out, surfaces.len() as u64);
            for s in surfaces {
                w.out.push(match s.kind {
                    SurfaceKind::Roof => 0,
                    SurfaceKind::Wall => 1,
                    SurfaceKind::Other => 2,
                });
                put_varint(&mut w.out, s.rings.len() as u64);
                for ring in &s.rings {
                    put_varint(&mut w.out, ring.len() as u64);
                    for v in ring {
                        w.coord(Coord { x: v[0], y: v[1] });
                        let z = (v[2] * 100.0).round() as i64;
                        put_varint(&mut w.out, zigzag(z.wrapping_sub(last_z)));
                        last_z = z;
                    }
                }
            }
        }
    }
    w.out
}

struct Writer {
    out: Vec<u8>,
    scale: f64,
    last: (i64, i64),
}

impl Writer {
    fn coord(&mut self, c: Coord<f64>) {
        let x = (c.x * self.scale).round() as i64;
        let y = (c.y * self.scale).round() as i64;
        // Wrapping, as the reader adds the deltas: coordinates far outside
        // the world (saturated by `as i64`) must not panic the build.
        put_varint(&mut self.out, zigzag(x.wrapping_sub(self.last.0)));
        put_varint(&mut self.out, zigzag(y.wrapping_sub(self.last.1)));
        self.last = (x, y);
    }

    fn line(&mut self, l: &LineString<f64>) {
        put_varint(&mut self.out, l.0.len() as u64);
        for c in &l.0 {
            self.coord(*c);
        }
    }

    fn polygon(&mut self, p: &Polygon<f64>) {
        put_varint(&mut self.out, 1 + p.interiors().len() as u64);
        self.line(p.exterior());
        for h in p.interiors() {
            self.line(h);
        }
    }

    fn geometry(&mut self, g: &Geometry<f64>, depth: usize) {
        match g {
            Geometry::Point(p) => {
                self.out.push(1);
                self.coord(p.0);
            }
            Geometry::MultiPoint(m) => {
                self.out.push(2);
                put_varint(&mut self.out, m.0.len() as u64);
                for p in &m.0 {
                    self.coord(p.0);
                }
            }
            Geometry::Line(l) => {
                self.out.push(3);
                self.line(&LineString::new(vec![l.start, l.end]));
            }
            Geometry::LineString(l) => {
                self.out.push(3);
                self.line(l);
            }
            Geometry::MultiLineString(m) => {
                self.out.push(4);
                put_varint(&mut self.out, m.0.len() as u64);
                for l in &m.0 {
                    self.line(l);
                }
            }
            Geometry::Polygon(p) => {
                self.out.push(5);
                self.polygon(p);
            }
            Geometry::Rect(r) => {
                self.out.push(5);
                self.polygon(&r.to_polygon());
            }
            Geometry::Triangle(t) => {
                self.out.push(5);
                self.polygon(&t.to_polygon());
            }
            Geometry::MultiPolygon(m) => {
                self.out.push(6);
                put_varint(&mut self.out, m.0.len() as u64);
                for p in &m.0 {
                    self.polygon(p);
                }
            }
            Geometry::GeometryCollection(c) => {
                if depth >= MAX_DEPTH {
                    self.out.push(0);
                    return;
                }
                self.out.push(7);
                put_varint(&mut self.out, c.0.len() as u64);
                for g in &c.0 {
                    self.geometry(g, depth + 1);
                }
            }
        }
    }
}

/// True when `bytes` start like a packed layer.
pub fn is_packed(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Reads a packed layer written by [`write_packed`].
pub fn read_packed(file: &str, bytes: &[u8]) -> Result<Dataset, DataError> {
    let bad = |what: &str| {
        DataError::new(
            file,
            None,
            format!("this packed layer is damaged ({what})"),
            Some("build the story again with `twinstory build`".into()),
        )
    };
    if !is_packed(bytes) {
        return Err(bad("it does not start with TSP1"));
    }
    let mut r = Reader {
        bytes,
        at: 4,
        scale: 1.0,
        last: (0, 0),
    };
    r.scale = r.varint().ok_or_else(|| bad("no scale"))?.max(1) as f64;
    let n = r.varint().ok_or_else(|| bad("no feature count"))? as usize;
    let len = r.varint().ok_or_else(|| bad("no property table"))? as usize;
    let table = r.take(len).ok_or_else(|| bad("property table cut short"))?;
    // Read as a `Value` and walked, not through a derived `Deserialize`: its
    // visitors (a struct, lists of lists, optional texts) would be code of
    // their own in the size-budgeted player.
    let Ok(Value::Object(mut table)) = twinstory_model::json_syntax::parse(table) else {
        return Err(bad("property table"));
    };
    let mut list = |key: &str| match table.remove(key) {
        Some(Value::Array(items)) => Ok(items),
        _ => Err(bad("property table")),
    };
    let (fields, rows, ids) = (list("fields")?, list("rows")?, list("ids")?);
    let mut names = Vec::with_capacity(fields.len());
    for f in fields {
        let Value::String(f) = f else {
            return Err(bad("property table"));
        };
        names.push(f);
    }
    if rows.iter().any(|r| !r.is_array()) || ids.iter().any(|i| !(i.is_string() || i.is_null())) {
        return Err(bad("property table"));
    }
    if rows.len() != n || ids.len() != n {
        return Err(bad("property table does not match the features"));
    }
    let mut features = Vec::with_capacity(n);
    for (row, id) in rows.into_iter().zip(ids) {
        let Value::Array(row) = row else {
            return Err(bad("property table"));
        };
        let id = match id {
            Value::String(id) => Some(id),
            _ => None,
        };
        let geometry = r.geometry(0).ok_or_else(|| bad("geometry cut short"))?;
        // Inserted one by one, not collected: collecting into the map
        // brings a stable sort of its own into the size-budgeted player.
        let mut properties = Map::new();
        for (k, v) in names.iter().zip(row) {
            if !v.is_null() {
                properties.insert(k.clone(), v);
            }
        }
        features.push(Feature {
            id,
            geometry,
            properties,
            solid: None,
        });
    }
    if r.at < bytes.len() {
        if bytes[r.at] != 1 {
            return Err(bad("unknown section after the geometries"));
        }
        r.at += 1;
        let mut last_z = 0i64;
        for f in &mut features {
            let solid = r.solid(&mut last_z).ok_or_else(|| bad("solid cut short"))?;
            f.solid = (!solid.surfaces.is_empty()).then(|| Box::new(solid));
        }
    }
    Ok(Dataset {
        features,
        warnings: Vec::new(),
    })
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    scale: f64,
    last: (i64, i64),
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    /// A count that cannot exceed what the remaining bytes could hold
    /// (every item takes at least one byte), so damaged input cannot make
    /// the decoder allocate without bound.
    fn count(&mut self) -> Option<usize> {
        let n = self.varint()? as usize;
        (n <= self.bytes.len() - self.at).then_some(n)
    }

    fn coord(&mut self) -> Option<Coord<f64>> {
        let dx = unzigzag(self.varint()?);
        let dy = unzigzag(self.varint()?);
        self.last = (self.last.0.wrapping_add(dx), self.last.1.wrapping_add(dy));
        Some(Coord {
            x: self.last.0 as f64 / self.scale,
            y: self.last.1 as f64 / self.scale,
        })
    }

    fn line(&mut self) -> Option<LineString<f64>> {
        let n = self.count()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(self.coord()?);
        }
        Some(LineString::new(v))
    }

    fn polygon(&mut self) -> Option<Polygon<f64>> {
        let rings = self.count()?;
        if rings == 0 {
            return None;
        }
        let exterior = self.line()?;
        let mut holes = Vec::with_capacity(rings - 1);
        for _ in 1..rings {
            holes.push(self.line()?);
        }
        Some(Polygon::new(exterior, holes))
    }

    /// One feature's surfaces (none for a feature without a solid).
    fn solid(&mut self, last_z: &mut i64) -> Option<Solid> {
        let n = self.count()?;
        let mut surfaces = Vec::with_capacity(n);
        for _ in 0..n {
            let kind = match self.take(1)?[0] {
                0 => SurfaceKind::Roof,
                1 => SurfaceKind::Wall,
                2 => SurfaceKind::Other,
                _ => return None,
            };
            let rings = self.count()?;
            let mut out = Vec::with_capacity(rings);
            for _ in 0..rings {
                let k = self.count()?;
                let mut ring = Vec::with_capacity(k);
                for _ in 0..k {
                    let c = self.coord()?;
                    *last_z = last_z.wrapping_add(unzigzag(self.varint()?));
                    ring.push([c.x, c.y, *last_z as f64 / 100.0]);
                }
                out.push(ring);
            }
            surfaces.push(Surface { kind, rings: out });
        }
        Some(Solid { surfaces })
    }

    /// `Some(None)` for a feature without geometry; `None` when damaged.
    fn geometry(&mut self, depth: usize) -> Option<Option<Geometry<f64>>> {
        let kind = *self.bytes.get(self.at)?;
        self.at += 1;
        let g = match kind {
            0 => return Some(None),
            1 => Geometry::Point(Point(self.coord()?)),
            2 => {
                let n = self.count()?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    v.push(Point(self.coord()?));
                }
                Geometry::MultiPoint(MultiPoint(v))
            }
            3 => Geometry::LineString(self.line()?),
            4 => {
                let n = self.count()?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    v.push(self.line()?);
                }
                Geometry::MultiLineString(MultiLineString(v))
            }
            5 => Geometry::Polygon(self.polygon()?),
            6 => {
                let n = self.count()?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    v.push(self.polygon()?);
                }
                Geometry::MultiPolygon(MultiPolygon(v))
            }
            7 if depth < MAX_DEPTH => {
                let n = self.count()?;
                let mut v = Vec::with_capacity(n);
                for _ in 0..n {
                    if let Some(g) = self.geometry(depth + 1)? {
                        v.push(g);
                    }
                }
                Geometry::GeometryCollection(GeometryCollection(v))
            }
            _ => return None,
        };
        Some(Some(g))
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_geojson;

    fn sample() -> Dataset {
        let src = br#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"q1","properties":{"name":"A","n":3,"x":null},"geometry":{"type":"MultiPolygon","coordinates":[[
            [[10,53],[10.001,53],[10.001,53.001],[10,53.001],[10,53]],
            [[10.0002,53.0002],[10.0002,53.0004],[10.0004,53.0004],[10.0004,53.0002],[10.0002,53.0002]]]]}},
          {"type":"Feature","properties":{"name":"B","ok":true},"geometry":{"type":"Point","coordinates":[-179.9999991,-85.05]}},
          {"type":"Feature","properties":{},"geometry":null},
          {"type":"Feature","properties":{"k":[1,2]},"geometry":{"type":"GeometryCollection","geometries":[
            {"type":"LineString","coordinates":[[1,2],[3,4]]},{"type":"MultiPoint","coordinates":[[5,6]]}]}}]}"#;
        read_geojson("in.geojson", src).unwrap()
    }

    #[test]
    fn coordinates_far_outside_the_world_are_written_without_panicking() {
        // Found by fuzzing read_packed: a decoded layer with coordinates
        // near i64's limits, written again at another scale.
        let far = |x: f64, y: f64| Feature {
            id: None,
            geometry: Some(Geometry::LineString(vec![(x, y), (-x, -y), (x, -y)].into())),
            properties: Default::default(),
            solid: None,
        };
        let d = Dataset {
            features: vec![far(1e300, 1e300), far(9.2e12, -9.2e12)],
            warnings: vec![],
        };
        let packed = write_packed(&d, 1_000_000);
        assert_eq!(read_packed("p", &packed).unwrap().features.len(), 2);
    }

    #[test]
    fn round_trips_features_properties_and_ids() {
        let d = sample();
        let packed = write_packed(&d, 1_000_000);
        assert!(is_packed(&packed));
        let back = read_packed("p", &packed).unwrap();
        assert_eq!(back.features.len(), d.features.len());
        for (a, b) in d.features.iter().zip(&back.features) {
            assert_eq!(a.id, b.id);
            let mut props = a.properties.clone();
            props.retain(|_, v| !v.is_null());
            assert_eq!(props, b.properties);
        }
        // Coordinates within half a step of the scale.
        let Some(Geometry::Point(p)) = &back.features[1].geometry else {
            panic!()
        };
        assert!((p.x() + 179.999999).abs() < 1e-9, "{p:?}");
        assert_eq!(back.features[2].geometry, None);
        assert!(matches!(
            back.features[3].geometry,
            Some(Geometry::GeometryCollection(_))
        ));
        let Some(Geometry::MultiPolygon(m)) = &back.features[0].geometry else {
            panic!()
        };
        assert_eq!(m.0[0].interiors().len(), 1);
    }

    #[test]
    fn damaged_input_is_an_error_never_a_panic() {
        let packed = write_packed(&sample(), 1_000_000);
        for cut in 0..packed.len() {
            let _ = read_packed("p", &packed[..cut]);
        }
        let mut flipped = packed.clone();
        for i in 4..flipped.len() {
            flipped[i] ^= 0x5a;
            let _ = read_packed("p", &flipped);
            flipped[i] ^= 0x5a;
        }
        assert!(read_packed("p", b"TSP1").is_err());
        assert!(read_packed("p", b"{}").is_err());
    }

    #[test]
    fn solids_travel_with_z_to_the_centimetre_and_cost_nothing_when_absent() {
        let mut d = sample();
        let plain = write_packed(&d, 1_000_000);
        let roof = Surface {
            kind: SurfaceKind::Roof,
            rings: vec![
                vec![
                    [10.0, 53.0, 4.0],
                    [10.001, 53.0, 4.0],
                    [10.0005, 53.001, 7.254],
                ],
                vec![
                    [10.0004, 53.0002, 5.0],
                    [10.0006, 53.0002, 5.0],
                    [10.0005, 53.0003, 5.5],
                ],
            ],
        };
        let wall = Surface {
            kind: SurfaceKind::Wall,
            rings: vec![vec![
                [10.0, 53.0, 0.0],
                [10.001, 53.0, 0.0],
                [10.001, 53.0, 4.0],
            ]],
        };
        d.features[0].solid = Some(Box::new(Solid {
            surfaces: vec![roof, wall],
        }));
        d.features[2].solid = Some(Box::new(Solid {
            surfaces: vec![Surface {
                kind: SurfaceKind::Other,
                rings: vec![vec![
                    [1.0, 2.0, 0.004],
                    [1.0, 2.001, 0.0],
                    [1.001, 2.0, 3.0],
                ]],
            }],
        }));
        let packed = write_packed(&d, 1_000_000);
        // Layers without solids are written as before: not a byte more.
        assert_eq!(&packed[..plain.len()], &plain[..]);
        let back = read_packed("p", &packed).unwrap();
        assert_eq!(back.features[1].solid, None);
        assert_eq!(back.features[3].solid, None);
        for i in [0, 2] {
            let (a, b) = (
                d.features[i].solid.as_ref(),
                back.features[i].solid.as_ref(),
            );
            let (a, b) = (a.unwrap(), b.unwrap());
            assert_eq!(a.surfaces.len(), b.surfaces.len());
            for (s, t) in a.surfaces.iter().zip(&b.surfaces) {
                assert_eq!(s.kind, t.kind);
                for (r, q) in s.rings.iter().zip(&t.rings) {
                    assert_eq!(r.len(), q.len());
                    for (v, w) in r.iter().zip(q) {
                        assert!((v[0] - w[0]).abs() <= 5e-7 && (v[1] - w[1]).abs() <= 5e-7);
                        assert!((v[2] - w[2]).abs() <= 0.005, "{v:?} {w:?}");
                    }
                }
            }
        }
        // Cut short or with an unknown section: an error, never a panic.
        for cut in plain.len()..packed.len() {
            let r = read_packed("p", &packed[..cut]);
            assert!(cut == plain.len() || r.is_err(), "{cut}");
        }
        let mut other = plain.clone();
        other.push(7);
        assert!(read_packed("p", &other).is_err());
    }

    /// A file with one point feature and the given property table.
    fn with_table(table: &str) -> Vec<u8> {
        let mut out = b"TSP1".to_vec();
        out.extend([1, 1, table.len() as u8]);
        out.extend(table.as_bytes());
        // A point (kind 1) at the origin: zigzag deltas 0, 0.
        out.extend([1, 0, 0]);
        out
    }

    #[test]
    fn a_property_table_of_the_wrong_shape_is_an_error() {
        let good = r#"{"fields": ["a"], "rows": [[1]], "ids": ["x"]}"#;
        let data = read_packed("p", &with_table(good)).unwrap();
        assert_eq!(data.features[0].id.as_deref(), Some("x"));
        assert_eq!(data.features[0].properties["a"], 1);
        let no_id = r#"{"fields": ["a"], "rows": [[null]], "ids": [null]}"#;
        let data = read_packed("p", &with_table(no_id)).unwrap();
        assert_eq!(data.features[0].id, None);
        assert!(data.features[0].properties.is_empty());
        for bad in [
            r#"[["a"], [[1]], ["x"]]"#,
            r#"{"fields": [1], "rows": [[1]], "ids": ["x"]}"#,
            r#"{"fields": ["a"], "rows": [1], "ids": ["x"]}"#,
            r#"{"fields": ["a"], "rows": [[1]], "ids": [1]}"#,
            r#"{"fields": ["a"], "rows": [[1]]}"#,
            r#"{"fields": ["a"], "rows": [[1]], "ids": []}"#,
        ] {
            let err = read_packed("p", &with_table(bad)).unwrap_err();
            assert!(err.to_string().contains("property table"), "{bad}: {err}");
        }
    }
}
