//! Buildings in their real shape: planar 3D surfaces (roofs, walls) in
//! world units and metres, prepared once per layer like
//! [`crate::prepare`]'s footprints and drawn as depth-tested faces by
//! [`crate::draw_list`].

use crate::camera::metres_per_world_unit;
use crate::geometry::bbox::{extend, EMPTY};
use crate::geometry::winding::winding_number;
use crate::projection::lonlat_to_world;
use std::ops::Range;

/// One surface of a solid, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct SolidSurface {
    /// True for roofs (the fill colour, shaded by slope); walls and the
    /// rest are shaded by the way they face, as a block's walls.
    pub roof: bool,
    /// Unit normal in a local metric frame (x east, y south as world
    /// units run, z up); for roofs turned to point up.
    pub normal: [f64; 3],
    /// Range into [`Solids::rings`]: the outer ring, then its holes.
    pub rings: Range<u32>,
}

/// One feature's surfaces.
#[derive(Debug, Clone, PartialEq)]
pub struct Solid {
    /// Feature index in the layer.
    pub feature: u32,
    /// Range into [`Solids::surfaces`].
    pub surfaces: Range<u32>,
    /// World-unit bounding box of the surfaces, seen from above.
    pub bbox: [f64; 4],
}

/// The real shapes of a layer's features (empty unless the layer draws
/// them: `extrude: model`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Solids {
    /// One entry per feature with surfaces, in the order they were added.
    pub solids: Vec<Solid>,
    /// All surfaces.
    pub surfaces: Vec<SolidSurface>,
    /// Ranges `start..end` into [`Self::coords`], one per ring.
    pub rings: Vec<(u32, u32)>,
    /// `[world x, world y, metres above the ground]` per vertex.
    pub coords: Vec<[f64; 3]>,
}

impl Solids {
    /// Adds a feature's surfaces (features in increasing order): per surface whether it is a roof and its
    /// rings of `[longitude, latitude, metres]` (outer ring first, holes
    /// winding the other way). Rings of fewer than 3 vertices and surfaces
    /// without area are left out.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::solid::Solids;
    /// let roof = vec![vec![[10.0, 53.5, 8.0], [10.0001, 53.5, 8.0], [10.0001, 53.5001, 10.0]]];
    /// let line = vec![vec![[10.0, 53.5, 0.0], [10.0001, 53.5, 0.0]]];
    /// let mut s = Solids::default();
    /// s.add(3, [(true, &roof[..]), (false, &line[..])]);
    /// assert_eq!((s.solids.len(), s.surfaces.len()), (1, 1));
    /// assert!(s.surfaces[0].normal[2] > 0.0);
    /// ```
    pub fn add<'a>(
        &mut self,
        feature: u32,
        surfaces: impl IntoIterator<Item = (bool, &'a [Vec<[f64; 3]>])>,
    ) {
        let first = self.surfaces.len() as u32;
        let mut bbox = EMPTY;
        for (roof, rings) in surfaces {
            let Some(outer) = rings.first().filter(|r| r.len() >= 3) else {
                continue;
            };
            // Metres per world unit where the surface is: normals are
            // measured in metres so that slopes are true.
            let m = metres_per_world_unit(outer[0][1]);
            let first_ring = self.rings.len() as u32;
            for ring in rings.iter().filter(|r| r.len() >= 3) {
                let start = self.coords.len() as u32;
                for v in ring {
                    let [x, y] = lonlat_to_world([v[0], v[1]]);
                    extend(&mut bbox, [x, y]);
                    self.coords.push([x, y, v[2]]);
                }
                self.rings.push((start, self.coords.len() as u32));
            }
            let (s, e) = self.rings[first_ring as usize];
            let n = newell(&self.coords[s as usize..e as usize], m);
            let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
            if len < 1e-6 {
                self.rings.truncate(first_ring as usize);
                self.coords.truncate(s as usize);
                continue;
            }
            let mut normal = n.map(|c| c / len);
            if roof && normal[2] < 0.0 {
                normal = normal.map(|c| -c);
            }
            self.surfaces.push(SolidSurface {
                roof,
                normal,
                rings: first_ring..self.rings.len() as u32,
            });
        }
        let end = self.surfaces.len() as u32;
        if end > first {
            self.solids.push(Solid {
                feature,
                surfaces: first..end,
                bbox,
            });
        }
    }

    /// True when no feature has surfaces.
    pub fn is_empty(&self) -> bool {
        self.solids.is_empty()
    }

    /// Whether a feature has surfaces (features are added in order).
    pub fn has(&self, feature: u32) -> bool {
        self.solids
            .binary_search_by_key(&feature, |s| s.feature)
            .is_ok()
    }

    /// The vertices of a ring (`[world x, world y, metres]`).
    pub fn ring(&self, ring: u32) -> &[[f64; 3]] {
        let (s, e) = self.rings[ring as usize];
        &self.coords[s as usize..e as usize]
    }

    /// How high (metres) a feature's highest surface is straight above the
    /// world point `p`, e.g. the roof under a label's anchor (on a gabled
    /// roof lower than the ridge); `None` when the feature has no surface
    /// over `p` (or no surfaces). Walls (nearly vertical) do not count.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::projection::lonlat_to_world;
    /// use twinstory_map::solid::Solids;
    /// // A roof rising from 8 m in the south to 10 m in the north.
    /// let roof = vec![vec![[10.0, 53.5, 8.0], [10.001, 53.5, 8.0], [10.001, 53.501, 10.0], [10.0, 53.501, 10.0]]];
    /// let mut s = Solids::default();
    /// s.add(0, [(true, &roof[..])]);
    /// let mid = s.height_at(0, lonlat_to_world([10.0005, 53.5005])).unwrap();
    /// assert!((mid - 9.0).abs() < 0.01, "{mid}");
    /// assert_eq!(s.height_at(0, lonlat_to_world([10.002, 53.5005])), None, "beside it");
    /// assert_eq!(s.height_at(1, lonlat_to_world([10.0005, 53.5005])), None, "no such solid");
    /// ```
    pub fn height_at(&self, feature: u32, p: [f64; 2]) -> Option<f64> {
        let i = self
            .solids
            .binary_search_by_key(&feature, |s| s.feature)
            .ok()?;
        let solid = &self.solids[i];
        let m = metres_per_world_unit(crate::projection::world_to_lonlat(p)[1]);
        let mut best: Option<f64> = None;
        for surface in &self.surfaces[solid.surfaces.start as usize..solid.surfaces.end as usize] {
            let n = surface.normal;
            if n[2].abs() < 0.05 {
                continue;
            }
            let rings = surface.rings.clone().map(|r| self.ring(r));
            if winding_number(rings, p) == 0 {
                continue;
            }
            // The surface's plane through its first vertex, in metres.
            let o = self.ring(surface.rings.start)[0];
            let z = o[2] - (n[0] * (p[0] - o[0]) * m + n[1] * (p[1] - o[1]) * m) / n[2];
            best = Some(best.map_or(z, |b: f64| b.max(z)));
        }
        best
    }
}

/// Newell's normal (twice the area times the unit normal, right-hand rule)
/// of a ring of world points with z in metres, `m` metres per world unit.
fn newell(ring: &[[f64; 3]], m: f64) -> [f64; 3] {
    let o = ring[0];
    let p = |v: &[f64; 3]| [(v[0] - o[0]) * m, (v[1] - o[1]) * m, v[2]];
    let mut n = [0.0; 3];
    for (i, a) in ring.iter().enumerate() {
        let (a, b) = (p(a), p(&ring[(i + 1) % ring.len()]));
        n[0] += (a[1] - b[1]) * (a[2] + b[2]);
        n[1] += (a[2] - b[2]) * (a[0] + b[0]);
        n[2] += (a[0] - b[0]) * (a[1] + b[1]);
    }
    n
}
