//! A building's real shape: its surfaces as planar 3D polygons.
//!
//! Only the CityJSON reader makes them ([`crate::read_cityjson`]); every
//! other reader leaves [`crate::Feature::solid`] empty. Positions are WGS 84
//! longitude and latitude with z in metres above the feature's `ground`
//! property (its lowest point), so a surface at z 0 stands on the map.

/// What a surface is, from the CityJSON semantics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurfaceKind {
    /// A `RoofSurface`.
    Roof,
    /// A `WallSurface`.
    Wall,
    /// Anything else that is not the ground (`OuterCeilingSurface`,
    /// `Window`, `Door`, `ClosureSurface`, or no semantics).
    Other,
}

impl SurfaceKind {
    /// The kind of a CityJSON semantic surface type (`None`: no semantics).
    /// `GroundSurface` is [`SurfaceKind::Other`] here; the reader leaves it
    /// out, as the footprint already is the ground.
    pub fn of(semantic: Option<&str>) -> SurfaceKind {
        match semantic {
            Some("RoofSurface") => SurfaceKind::Roof,
            Some("WallSurface") => SurfaceKind::Wall,
            _ => SurfaceKind::Other,
        }
    }
}

/// One planar surface: the outer ring, then its holes (which wind the other
/// way round, seen from either side); rings are open (the first vertex is
/// not repeated at the end).
#[derive(Debug, Clone, PartialEq)]
pub struct Surface {
    /// Its kind.
    pub kind: SurfaceKind,
    /// `[longitude, latitude, metres above the ground]` per vertex, per ring.
    pub rings: Vec<Vec<[f64; 3]>>,
}

/// The surfaces of one building (or building part), without its ground.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Solid {
    /// Roofs, walls and the rest, in the file's order.
    pub surfaces: Vec<Surface>,
}

impl Solid {
    /// The highest z of any surface, in metres above the ground (0 when
    /// there are no surfaces).
    pub fn top(&self) -> f64 {
        self.surfaces
            .iter()
            .flat_map(|s| s.rings.iter().flatten())
            .fold(0.0, |m, v| m.max(v[2]))
    }
}
