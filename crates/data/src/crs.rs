//! Projected coordinates to WGS 84 in pure Rust (no PROJ): the reference
//! systems 3D city models come in, read from their names, and the
//! transverse Mercator projection (UTM) both ways.
//!
//! The projection is Krüger's series in the third flattening `n` (as in
//! Karney, "Transverse Mercator with an accuracy of a few nanometres",
//! 2011), here to `n⁴`: the terms left out are below 0.1 mm on Earth. ETRS89
//! and WGS 84 are taken as the same datum (they differ by under a metre,
//! which a map does not show; PROJ does the same unless told the epoch).
//! Checked against pyproj in `tests/crs.rs` (`tests/data/crs-pyproj.csv`).
//!
//! The Dutch grid, Amersfoort / RD New, is the oblique stereographic
//! projection of the Bessel 1841 ellipsoid followed by a seven-parameter
//! datum shift to WGS 84: [`rd_new_to_wgs84`], good to a few decimetres
//! inside the Netherlands (tested against published control points in
//! `tests/crs.rs`).

/// A horizontal reference system the readers can turn into WGS 84.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReferenceSystem {
    /// Longitude and latitude in degrees (EPSG:4326, 4979, 4258, 4937,
    /// OGC CRS84), x = longitude, y = latitude.
    Geographic,
    /// A transverse Mercator grid on GRS 80 / WGS 84 (UTM zones; the zone
    /// numbers only set the central meridian and false easting).
    TransverseMercator(TransverseMercator),
    /// Amersfoort / RD New, the Netherlands' grid (EPSG:28992; 7415 is the
    /// same grid with NAP heights, which stay metres as they are): x east,
    /// y north, metres. See [`rd_new_to_wgs84`].
    RdNew,
}

/// The parameters of a transverse Mercator grid (UTM: `k0` 0.9996, false
/// easting 500 km, no false northing in the northern hemisphere).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransverseMercator {
    /// Central meridian in degrees.
    pub central_meridian: f64,
    /// Scale on the central meridian.
    pub k0: f64,
    /// Added to every easting, metres.
    pub false_easting: f64,
    /// Added to every northing, metres.
    pub false_northing: f64,
}

/// The names [`ReferenceSystem::parse`] accepts, for messages.
pub const SUPPORTED: &str = "EPSG:25828 to 25838 (ETRS89 / UTM zones 28N to 38N, e.g. 25832 and 25833 for Germany), \
EPSG:32601 to 32660 (WGS 84 / UTM zones 1N to 60N), EPSG:4647 and 5650 (UTM 32N and 33N with the zone number before the easting), \
EPSG:5555 and 5556 (UTM 32N and 33N with DHHN92 heights), EPSG:28992 and 7415 (Amersfoort / RD New, the Netherlands' grid, 7415 with NAP heights), EPSG:4326, 4979, 4258, 4937 and OGC:CRS84 (degrees), \
each also as a compound with a height system, e.g. EPSG:25832+7837 (DHHN2016 heights)";

impl TransverseMercator {
    /// The UTM grid of a northern zone (1–60); `None` for another number.
    ///
    /// # Examples
    /// ```
    /// use twinstory_data::crs::TransverseMercator;
    /// assert_eq!(TransverseMercator::utm_north(32).unwrap().central_meridian, 9.0);
    /// assert_eq!(TransverseMercator::utm_north(33).unwrap().central_meridian, 15.0);
    /// assert!(TransverseMercator::utm_north(0).is_none());
    /// assert!(TransverseMercator::utm_north(61).is_none());
    /// ```
    pub fn utm_north(zone: u32) -> Option<TransverseMercator> {
        if !(1..=60).contains(&zone) {
            return None;
        }
        Some(TransverseMercator {
            central_meridian: zone as f64 * 6.0 - 183.0,
            k0: 0.9996,
            false_easting: 500_000.0,
            false_northing: 0.0,
        })
    }

    /// Easting and northing (metres) to longitude and latitude (degrees).
    ///
    /// `None` for coordinates that are not finite or lie more than
    /// 1,000 km east or west of the central meridian or more than
    /// 10,000 km north or south of the equator: so far out the series
    /// loses its accuracy, and such numbers are not coordinates of this
    /// grid (often swapped axes or another system). Points outside the
    /// zone's 6° but within that distance convert correctly.
    ///
    /// # Examples
    /// ```
    /// use twinstory_data::crs::TransverseMercator;
    /// let utm32 = TransverseMercator::utm_north(32).unwrap();
    /// // On the central meridian at the false easting: 9° E.
    /// let (lon, lat) = utm32.to_wgs84(500_000.0, 5_933_000.0).unwrap();
    /// assert!((lon - 9.0).abs() < 1e-12 && (lat - 53.54).abs() < 0.01);
    /// // The equator.
    /// let (_, lat) = utm32.to_wgs84(500_000.0, 0.0).unwrap();
    /// assert!(lat.abs() < 1e-12);
    /// // Outside the zone (Berlin in zone 32) still converts.
    /// assert!(utm32.to_wgs84(797_000.0, 5_828_000.0).is_some());
    /// // Swapped axes, far outside, or not numbers: refused.
    /// assert!(utm32.to_wgs84(5_933_000.0, 565_000.0).is_none());
    /// assert!(utm32.to_wgs84(f64::NAN, 5_933_000.0).is_none());
    /// assert!(utm32.to_wgs84(500_000.0, 12_000_000.0).is_none());
    /// ```
    pub fn to_wgs84(&self, easting: f64, northing: f64) -> Option<(f64, f64)> {
        let x = easting - self.false_easting;
        let y = northing - self.false_northing;
        if !x.is_finite() || !y.is_finite() || x.abs() > 1_000_000.0 || y.abs() > 10_000_000.0 {
            return None;
        }
        let g = Grs80::get();
        let xi = y / (self.k0 * g.a_rect);
        let eta = x / (self.k0 * g.a_rect);
        let mut xi1 = xi;
        let mut eta1 = eta;
        for (j, b) in g.beta.iter().enumerate() {
            let k = 2.0 * (j + 1) as f64;
            xi1 -= b * (k * xi).sin() * (k * eta).cosh();
            eta1 -= b * (k * xi).cos() * (k * eta).sinh();
        }
        // The conformal latitude, then the geodetic one.
        let chi = (xi1.sin() / eta1.cosh()).asin();
        let mut lat = chi;
        for (j, d) in g.delta.iter().enumerate() {
            lat += d * (2.0 * (j + 1) as f64 * chi).sin();
        }
        let lon = self.central_meridian.to_radians() + eta1.sinh().atan2(xi1.cos());
        Some((normalise_lon(lon.to_degrees()), lat.to_degrees()))
    }

    /// Longitude and latitude (degrees) to easting and northing (metres):
    /// the inverse of [`TransverseMercator::to_wgs84`].
    ///
    /// `None` for values that are not finite, a latitude beyond ±90°, or a
    /// longitude more than 12° from the central meridian (where the series
    /// no longer holds centimetres).
    ///
    /// # Examples
    /// ```
    /// use twinstory_data::crs::TransverseMercator;
    /// let utm32 = TransverseMercator::utm_north(32).unwrap();
    /// let (e, n) = utm32.from_wgs84(9.9686, 53.5453).unwrap();
    /// let (lon, lat) = utm32.to_wgs84(e, n).unwrap();
    /// assert!((lon - 9.9686).abs() < 1e-9 && (lat - 53.5453).abs() < 1e-9);
    /// assert!(utm32.from_wgs84(30.0, 53.0).is_none());
    /// assert!(utm32.from_wgs84(9.0, 91.0).is_none());
    /// ```
    pub fn from_wgs84(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        let dlon = normalise_lon(lon - self.central_meridian);
        if !lon.is_finite() || !lat.is_finite() || lat.abs() > 90.0 || dlon.abs() > 12.0 {
            return None;
        }
        let g = Grs80::get();
        let phi = lat.to_radians();
        let l = dlon.to_radians();
        let e = g.e;
        let t = (phi.sin().atanh() - e * (e * phi.sin()).atanh()).sinh();
        let xi1 = t.atan2(l.cos());
        let eta1 = (l.sin() / (1.0 + t * t).sqrt()).atanh();
        let mut xi = xi1;
        let mut eta = eta1;
        for (j, a) in g.alpha.iter().enumerate() {
            let k = 2.0 * (j + 1) as f64;
            xi += a * (k * xi1).sin() * (k * eta1).cosh();
            eta += a * (k * xi1).cos() * (k * eta1).sinh();
        }
        Some((
            self.false_easting + self.k0 * g.a_rect * eta,
            self.false_northing + self.k0 * g.a_rect * xi,
        ))
    }
}

fn normalise_lon(lon: f64) -> f64 {
    let mut l = lon;
    while l > 180.0 {
        l -= 360.0;
    }
    while l < -180.0 {
        l += 360.0;
    }
    l
}

/// GRS 80's constants for Krüger's series.
struct Grs80 {
    /// First eccentricity.
    e: f64,
    /// The rectifying radius A.
    a_rect: f64,
    alpha: [f64; 4],
    beta: [f64; 4],
    delta: [f64; 4],
}

impl Grs80 {
    fn get() -> Grs80 {
        let a: f64 = 6_378_137.0;
        let f: f64 = 1.0 / 298.257_222_101;
        let n = f / (2.0 - f);
        let (n2, n3, n4) = (n * n, n * n * n, n * n * n * n);
        Grs80 {
            e: (f * (2.0 - f)).sqrt(),
            a_rect: a / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0),
            alpha: [
                n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0,
                13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0,
                61.0 * n3 / 240.0 - 103.0 * n4 / 140.0,
                49561.0 * n4 / 161_280.0,
            ],
            beta: [
                n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0,
                n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0,
                17.0 * n3 / 480.0 - 37.0 * n4 / 840.0,
                4397.0 * n4 / 161_280.0,
            ],
            delta: [
                2.0 * n - 2.0 * n2 / 3.0 - 2.0 * n3 + 116.0 * n4 / 45.0,
                7.0 * n2 / 3.0 - 8.0 * n3 / 5.0 - 227.0 * n4 / 45.0,
                56.0 * n3 / 15.0 - 136.0 * n4 / 35.0,
                4279.0 * n4 / 630.0,
            ],
        }
    }
}

impl ReferenceSystem {
    /// Reads a reference system's name as CityJSON, GML and OGC services
    /// write it: `https://www.opengis.net/def/crs/EPSG/0/25832`,
    /// `urn:ogc:def:crs:EPSG::25832`, `EPSG:25832`, and compounds with a
    /// height system (`EPSG:25832+7837`, `urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::7837`,
    /// `…/def/crs-compound?1=…/25832&2=…/7837`), whose height part is not
    /// needed: heights stay metres as they are. `Err` holds the name of the
    /// unsupported horizontal system, or the text when it names none;
    /// [`SUPPORTED`] lists what is supported.
    ///
    /// # Examples
    /// ```
    /// use twinstory_data::crs::ReferenceSystem;
    /// let utm = |s: &str| match ReferenceSystem::parse(s) {
    ///     Ok(ReferenceSystem::TransverseMercator(t)) => Some(t.central_meridian),
    ///     _ => None,
    /// };
    /// assert_eq!(utm("https://www.opengis.net/def/crs/EPSG/0/25832"), Some(9.0));
    /// assert_eq!(utm("urn:ogc:def:crs:EPSG::25833"), Some(15.0));
    /// assert_eq!(utm("EPSG:25832+7837"), Some(9.0));
    /// assert_eq!(utm("urn:ogc:def:crs,crs:EPSG::5556,crs:EPSG::7837"), Some(15.0));
    /// assert_eq!(ReferenceSystem::parse("OGC:CRS84"), Ok(ReferenceSystem::Geographic));
    /// assert_eq!(ReferenceSystem::parse("EPSG:7415"), Ok(ReferenceSystem::RdNew));
    /// assert_eq!(ReferenceSystem::parse("EPSG:2100"), Err("EPSG:2100".into()));
    /// assert_eq!(ReferenceSystem::parse("nonsense"), Err("nonsense".into()));
    /// ```
    pub fn parse(name: &str) -> Result<ReferenceSystem, String> {
        let first = horizontal_part(name.trim());
        let Some((authority, code)) = first.as_deref().and_then(authority_code) else {
            return Err(name.trim().to_string());
        };
        let unsupported = || Err(format!("{authority}:{code}"));
        if authority.eq_ignore_ascii_case("OGC") {
            return match code.as_str() {
                "CRS84" | "CRS84h" => Ok(ReferenceSystem::Geographic),
                _ => unsupported(),
            };
        }
        if !authority.eq_ignore_ascii_case("EPSG") {
            return unsupported();
        }
        let Ok(n) = code.parse::<u32>() else {
            return unsupported();
        };
        let utm = |zone: u32| TransverseMercator::utm_north(zone);
        let grid = match n {
            4326 | 4979 | 4258 | 4937 => return Ok(ReferenceSystem::Geographic),
            28992 | 7415 => return Ok(ReferenceSystem::RdNew),
            25828..=25838 => utm(n - 25800),
            32601..=32660 => utm(n - 32600),
            5555 => utm(32),
            5556 => utm(33),
            4647 | 5650 => utm(if n == 4647 { 32 } else { 33 }).map(|t| TransverseMercator {
                false_easting: t.false_easting + if n == 4647 { 32.0e6 } else { 33.0e6 },
                ..t
            }),
            _ => None,
        };
        match grid {
            Some(t) => Ok(ReferenceSystem::TransverseMercator(t)),
            None => unsupported(),
        }
    }

    /// x and y in this system to longitude and latitude; `None` where the
    /// system has no such point (see [`TransverseMercator::to_wgs84`]).
    ///
    /// # Examples
    /// ```
    /// use twinstory_data::crs::ReferenceSystem;
    /// let g = ReferenceSystem::Geographic;
    /// assert_eq!(g.to_wgs84(9.97, 53.55), Some((9.97, 53.55)));
    /// assert_eq!(g.to_wgs84(9.97, 95.0), None);
    /// ```
    pub fn to_wgs84(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        match self {
            ReferenceSystem::Geographic => {
                (x.is_finite() && y.is_finite() && x.abs() <= 180.0 && y.abs() <= 90.0)
                    .then_some((x, y))
            }
            ReferenceSystem::TransverseMercator(t) => t.to_wgs84(x, y),
            ReferenceSystem::RdNew => rd_new_to_wgs84(x, y),
        }
    }
}

/// The RD grid's origin (the tower of the Onze Lieve Vrouwe church in
/// Amersfoort) on the Bessel ellipsoid, in degrees: 52°09'22.178" N,
/// 5°23'15.500" E (EPSG:19914, the RD New projection).
const RD_LAT0: f64 = 52.0 + 9.0 / 60.0 + 22.178 / 3600.0;
const RD_LON0: f64 = 5.0 + 23.0 / 60.0 + 15.5 / 3600.0;
/// Scale at the origin, and the origin's grid coordinates (metres).
const RD_K0: f64 = 0.999_907_9;
const RD_X0: f64 = 155_000.0;
const RD_Y0: f64 = 463_000.0;
/// Bessel 1841: semi-major axis (metres) and inverse flattening.
const BESSEL_A: f64 = 6_377_397.155;
const BESSEL_INV_F: f64 = 299.152_812_8;
/// Amersfoort → WGS 84 as a position-vector Helmert transformation
/// (EPSG:15739, "Amersfoort to WGS 84 (3)", the seven-parameter part of
/// RDNAPTRANS™ without its correction grid; translations in metres,
/// rotations in arc seconds, scale in ppm).
const RD_HELMERT: [f64; 7] = [
    565.2369, 50.0087, 465.658, -0.406857, 0.350733, -1.87035, 4.0812,
];
/// How far from the origin the grid's numbers may lie before they are
/// taken for another system's (metres).
const RD_REACH: f64 = 1_000_000.0;
/// Where RD New has a meaning: about the area RDNAPTRANS™ covers, the
/// Netherlands with its North Sea zone and its neighbours' border regions
/// (degrees: south, north, west, east).
const RD_AREA: [f64; 4] = [50.0, 56.0, 2.0, 8.0];

/// Amersfoort / RD New (EPSG:28992) to WGS 84 longitude and latitude in
/// degrees.
///
/// Three steps, as RDNAPTRANS™ takes them but without its correction
/// grid: the inverse oblique stereographic projection onto the Gauss
/// conformal sphere, the inverse Gauss projection onto the Bessel 1841
/// ellipsoid (the "double projection" of Schreiber; EPSG method 9809), and
/// the seven-parameter datum shift to WGS 84 (EPSG:15739). The projection
/// is exact to well under a millimetre; the datum shift leaves out the
/// official grid's corrections of up to 0.25 m and is good to a few
/// decimetres in the Netherlands (the published control points in
/// `tests/crs.rs` come out within 0.5 m). ETRS89 and WGS 84 are taken as
/// the same datum, as for UTM.
///
/// `None` for coordinates that are not finite, lie more than 1,000 km from
/// the origin, or land outside 50–56° N, 2–8° E: RD New is the
/// Netherlands' grid, and numbers that fall elsewhere are another system's
/// (often UTM's, or swapped axes).
///
/// # Examples
/// ```
/// use twinstory_data::crs::rd_new_to_wgs84;
/// // The origin, the church tower in Amersfoort.
/// let (lon, lat) = rd_new_to_wgs84(155_000.0, 463_000.0).unwrap();
/// assert!((lon - 5.3872).abs() < 1e-4 && (lat - 52.1552).abs() < 1e-4);
/// // UTM coordinates of Hamburg are no RD position.
/// assert!(rd_new_to_wgs84(564_900.0, 5_933_500.0).is_none());
/// assert!(rd_new_to_wgs84(f64::NAN, 463_000.0).is_none());
/// ```
pub fn rd_new_to_wgs84(x: f64, y: f64) -> Option<(f64, f64)> {
    let (dx, dy) = (x - RD_X0, y - RD_Y0);
    if !dx.is_finite() || !dy.is_finite() || dx.hypot(dy) > RD_REACH {
        return None;
    }
    let (lat_b, lon_b) = RdProjection::get().inverse(dx, dy);
    let (lat, lon) = bessel_to_wgs84(lat_b, lon_b);
    let [south, north, west, east] = RD_AREA;
    ((south..=north).contains(&lat) && (west..=east).contains(&lon)).then_some((lon, lat))
}

/// Bessel 1841 latitude and longitude (degrees) to RD New x and y
/// (metres): the projection alone, without the datum shift (the inverse
/// of the first two steps of [`rd_new_to_wgs84`]). For tests.
///
/// # Examples
/// ```
/// use twinstory_data::crs::rd_new_from_bessel;
/// // EPSG Guidance Note 7-2's example of the oblique stereographic
/// // projection: 53° N, 6° E on the Amersfoort datum.
/// let (x, y) = rd_new_from_bessel(53.0, 6.0);
/// assert!((x - 196_105.283).abs() < 1e-3 && (y - 557_057.739).abs() < 1e-3);
/// ```
pub fn rd_new_from_bessel(lat: f64, lon: f64) -> (f64, f64) {
    let (dx, dy) = RdProjection::get().forward(lat, lon);
    (RD_X0 + dx, RD_Y0 + dy)
}

/// The constants of the double projection (EPSG Guidance Note 7-2, method
/// 9809): the Gauss conformal sphere's radius `r` and exponent `n`, the
/// constant `c`, and the origin's latitude on the sphere, `chi0`.
struct RdProjection {
    e: f64,
    r: f64,
    n: f64,
    c: f64,
    chi0: f64,
}

impl RdProjection {
    /// The constants, computed once (every vertex of a file asks for them).
    fn get() -> &'static RdProjection {
        static ONCE: std::sync::OnceLock<RdProjection> = std::sync::OnceLock::new();
        ONCE.get_or_init(RdProjection::new)
    }

    fn new() -> RdProjection {
        let f = 1.0 / BESSEL_INV_F;
        let e2 = f * (2.0 - f);
        let e = e2.sqrt();
        let phi0 = RD_LAT0.to_radians();
        let s0 = phi0.sin();
        let w = 1.0 - e2 * s0 * s0;
        // Radii of curvature in the meridian and the prime vertical.
        let rho0 = BESSEL_A * (1.0 - e2) / w.powf(1.5);
        let nu0 = BESSEL_A / w.sqrt();
        let n = (1.0 + e2 * phi0.cos().powi(4) / (1.0 - e2)).sqrt();
        let w1 = (isometric(phi0, e) * n).exp().powi(2);
        let sin_chi = (w1 - 1.0) / (w1 + 1.0);
        let c = (n + s0) * (1.0 - sin_chi) / ((n - s0) * (1.0 + sin_chi));
        let w2 = c * w1;
        RdProjection {
            e,
            r: (rho0 * nu0).sqrt(),
            n,
            c,
            chi0: ((w2 - 1.0) / (w2 + 1.0)).asin(),
        }
    }

    /// Latitude on the conformal sphere of a latitude on the ellipsoid.
    fn sphere_lat(&self, phi: f64) -> f64 {
        let w = self.c * (2.0 * self.n * isometric(phi, self.e)).exp();
        ((w - 1.0) / (w + 1.0)).asin()
    }

    fn forward(&self, lat: f64, lon: f64) -> (f64, f64) {
        let chi = self.sphere_lat(lat.to_radians());
        let dl = self.n * (lon - RD_LON0).to_radians();
        let b = 1.0 + chi.sin() * self.chi0.sin() + chi.cos() * self.chi0.cos() * dl.cos();
        let k = 2.0 * self.r * RD_K0 / b;
        (
            k * chi.cos() * dl.sin(),
            k * (chi.sin() * self.chi0.cos() - chi.cos() * self.chi0.sin() * dl.cos()),
        )
    }

    /// Offsets from the grid origin (metres) to Bessel latitude and
    /// longitude (degrees).
    fn inverse(&self, dx: f64, dy: f64) -> (f64, f64) {
        // The stereographic projection of the sphere, inverted.
        let rho = dx.hypot(dy);
        let (chi, dl) = if rho == 0.0 {
            (self.chi0, 0.0)
        } else {
            let ang = 2.0 * (rho / (2.0 * self.r * RD_K0)).atan();
            let (s, c) = ang.sin_cos();
            let chi = (c * self.chi0.sin() + dy * s * self.chi0.cos() / rho).asin();
            let dl = (dx * s).atan2(rho * self.chi0.cos() * c - dy * self.chi0.sin() * s);
            (chi, dl)
        };
        // The sphere to the ellipsoid: the isometric latitude, then the
        // latitude that has it (a fixed point, a few steps).
        let psi = (((1.0 + chi.sin()) / (1.0 - chi.sin())) / self.c).ln() / (2.0 * self.n);
        let mut phi = 2.0 * psi.exp().atan() - std::f64::consts::FRAC_PI_2;
        for _ in 0..20 {
            let es = self.e * phi.sin();
            let next = 2.0 * (psi.exp() * ((1.0 + es) / (1.0 - es)).powf(self.e / 2.0)).atan()
                - std::f64::consts::FRAC_PI_2;
            let done = (next - phi).abs() < 1e-14;
            phi = next;
            if done {
                break;
            }
        }
        (phi.to_degrees(), RD_LON0 + (dl / self.n).to_degrees())
    }
}

/// The isometric latitude of `phi` on an ellipsoid of eccentricity `e`.
fn isometric(phi: f64, e: f64) -> f64 {
    let s = phi.sin();
    s.atanh() - e * (e * s).atanh()
}

/// Bessel 1841 (Amersfoort) latitude and longitude to WGS 84, degrees, at
/// height 0 (a building's few dozen metres move it by well under a
/// millimetre).
fn bessel_to_wgs84(lat: f64, lon: f64) -> (f64, f64) {
    let f = 1.0 / BESSEL_INV_F;
    let e2 = f * (2.0 - f);
    let (phi, lam) = (lat.to_radians(), lon.to_radians());
    let nu = BESSEL_A / (1.0 - e2 * phi.sin().powi(2)).sqrt();
    let p = [
        nu * phi.cos() * lam.cos(),
        nu * phi.cos() * lam.sin(),
        nu * (1.0 - e2) * phi.sin(),
    ];
    let [tx, ty, tz, rx, ry, rz, ds] = RD_HELMERT;
    let arc = |s: f64| (s / 3600.0).to_radians();
    let (rx, ry, rz) = (arc(rx), arc(ry), arc(rz));
    let m = 1.0 + ds * 1e-6;
    // Position vector convention: X' = T + m · R · X with R = I + [r]×.
    let q = [
        tx + m * (p[0] - rz * p[1] + ry * p[2]),
        ty + m * (rz * p[0] + p[1] - rx * p[2]),
        tz + m * (-ry * p[0] + rx * p[1] + p[2]),
    ];
    geodetic_wgs84(q)
}

/// Geocentric X, Y, Z (metres) to WGS 84 latitude and longitude (degrees).
fn geodetic_wgs84(q: [f64; 3]) -> (f64, f64) {
    let a: f64 = 6_378_137.0;
    let f: f64 = 1.0 / 298.257_223_563;
    let e2 = f * (2.0 - f);
    let p = q[0].hypot(q[1]);
    let mut phi = q[2].atan2(p * (1.0 - e2));
    for _ in 0..10 {
        let nu = a / (1.0 - e2 * phi.sin().powi(2)).sqrt();
        phi = (q[2] + e2 * nu * phi.sin()).atan2(p);
    }
    (phi.to_degrees(), q[1].atan2(q[0]).to_degrees())
}

/// The first (horizontal) part of a possibly compound name.
fn horizontal_part(name: &str) -> Option<String> {
    // OGC compound URL: …/def/crs-compound?1=<url>&2=<url>
    if let Some((_, query)) = name.split_once("crs-compound?") {
        let first = query
            .split('&')
            .find_map(|p| p.strip_prefix("1="))
            .map(str::to_string);
        return first;
    }
    // Compound URN: urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::7837
    if let Some(rest) = strip_prefix_ignore_case(name, "urn:ogc:def:crs,") {
        let part = rest.split(',').next()?;
        return Some(format!("urn:ogc:def:{part}"));
    }
    // EPSG:25832+7837
    Some(name.split('+').next()?.to_string())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Authority and code of `EPSG:25832`, `urn:ogc:def:crs:EPSG:<version>:25832`
/// or `http(s)://www.opengis.net/def/crs/EPSG/<version>/25832`.
fn authority_code(s: &str) -> Option<(String, String)> {
    let s = s.trim();
    if let Some(rest) = strip_prefix_ignore_case(s, "urn:ogc:def:crs:") {
        let parts: Vec<&str> = rest.split(':').collect();
        return match parts.as_slice() {
            [authority, _, code] | [authority, code] => {
                Some((authority.to_string(), code.to_string()))
            }
            _ => None,
        };
    }
    if let Some(i) = s.find("/def/crs/") {
        let parts: Vec<&str> = s[i + "/def/crs/".len()..]
            .trim_end_matches('/')
            .split('/')
            .collect();
        return match parts.as_slice() {
            [authority, _version, code] => Some((authority.to_string(), code.to_string())),
            _ => None,
        };
    }
    let (authority, code) = s.split_once(':')?;
    if authority.is_empty() || code.is_empty() || code.contains(':') || authority.contains('/') {
        return None;
    }
    Some((authority.to_string(), code.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_the_same_system_read_the_same() {
        let want = ReferenceSystem::parse("EPSG:25832").unwrap();
        for name in [
            "https://www.opengis.net/def/crs/EPSG/0/25832",
            "http://www.opengis.net/def/crs/EPSG/0/25832/",
            "urn:ogc:def:crs:EPSG::25832",
            "urn:ogc:def:crs:EPSG:9.8:25832",
            "urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::7837",
            "http://www.opengis.net/def/crs-compound?1=http://www.opengis.net/def/crs/EPSG/0/25832&2=http://www.opengis.net/def/crs/EPSG/0/7837",
            "EPSG:25832+7837",
            "epsg:5555",
        ] {
            assert_eq!(ReferenceSystem::parse(name), Ok(want), "{name}");
        }
        assert_eq!(
            ReferenceSystem::parse("http://www.opengis.net/def/crs/OGC/1.3/CRS84"),
            Ok(ReferenceSystem::Geographic)
        );
        for name in [
            "https://www.opengis.net/def/crs/EPSG/0/7415",
            "https://www.opengis.net/def/crs/EPSG/0/28992",
            "urn:ogc:def:crs:EPSG::28992",
            "EPSG:28992+5709",
            "EPSG:7415",
        ] {
            assert_eq!(
                ReferenceSystem::parse(name),
                Ok(ReferenceSystem::RdNew),
                "{name}"
            );
        }
        assert_eq!(ReferenceSystem::parse(""), Err(String::new()));
        assert_eq!(ReferenceSystem::parse("EPSG:"), Err("EPSG:".into()));
        assert!(ReferenceSystem::parse("EPSG:25839").is_err());
    }

    #[test]
    fn the_rd_projection_inverts_its_forward_to_a_tenth_of_a_millimetre() {
        let p = RdProjection::get();
        for dx in [-170_000.0, -80_000.0, 0.0, 45_000.0, 150_000.0] {
            for dy in [-170_000.0, -60_000.0, 0.0, 70_000.0, 160_000.0] {
                let (lat, lon) = p.inverse(dx, dy);
                let (x, y) = p.forward(lat, lon);
                assert!(
                    (x - dx).abs() < 1e-4 && (y - dy).abs() < 1e-4,
                    "{dx} {dy} → {x} {y}"
                );
            }
        }
    }

    #[test]
    fn the_datum_shift_matches_the_meetkundige_dienst_example() {
        // "Coördinaattransformaties en kaartprojecties" (Rijkswaterstaat,
        // Meetkundige Dienst, MDGAP-2000.31), as quoted on the PROJ list
        // (2006-01-11): Bessel 52°10'46.2700" N 5°48'38.3390" E is WGS 84
        // 52°10'42.7005" N 5°48'36.5479" E with that report's older
        // parameters; EPSG:15739 moves it by some decimetres at most.
        let dms = |d: f64, m: f64, s: f64| d + m / 60.0 + s / 3600.0;
        let (lat, lon) = bessel_to_wgs84(dms(52.0, 10.0, 46.27), dms(5.0, 48.0, 38.339));
        let (want_lat, want_lon) = (dms(52.0, 10.0, 42.7005), dms(5.0, 48.0, 36.5479));
        let north = (lat - want_lat) * 111_250.0;
        let east = (lon - want_lon) * 111_250.0 * lat.to_radians().cos();
        assert!(north.hypot(east) < 0.5, "{north} m north, {east} m east");
    }

    #[test]
    fn the_zone_prefixed_eastings_add_the_zone_number() {
        let a = ReferenceSystem::parse("EPSG:25832").unwrap();
        let b = ReferenceSystem::parse("EPSG:4647").unwrap();
        assert_eq!(
            a.to_wgs84(565_000.0, 5_933_500.0),
            b.to_wgs84(32_565_000.0, 5_933_500.0)
        );
    }
}
