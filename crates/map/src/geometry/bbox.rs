//! Axis-aligned bounding boxes `[min_x, min_y, max_x, max_y]`.

/// The box of nothing: infinite minima and maxima, so that the first
/// [`union`] or [`extend`] gives the other operand, and [`is_valid`] is false.
///
/// # Examples
/// ```
/// use twinstory_map::geometry::bbox::{is_valid, union, EMPTY};
/// assert!(!is_valid(&EMPTY));
/// assert_eq!(union(&EMPTY, &[0.0, 1.0, 2.0, 3.0]), [0.0, 1.0, 2.0, 3.0]);
/// ```
pub const EMPTY: [f64; 4] = [
    f64::INFINITY,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
];

/// True when the box has no inverted or NaN extent (a point box is valid).
///
/// # Examples
/// ```
/// use twinstory_map::geometry::bbox::is_valid;
/// assert!(is_valid(&[1.0, 1.0, 1.0, 1.0]), "a point");
/// assert!(!is_valid(&[2.0, 0.0, 1.0, 1.0]), "inverted");
/// assert!(!is_valid(&[f64::NAN, 0.0, 1.0, 1.0]), "NaN");
/// ```
#[inline]
pub fn is_valid(b: &[f64; 4]) -> bool {
    b[0] <= b[2] && b[1] <= b[3]
}

/// The smallest box holding `a` and `b`; an invalid `b` leaves `a` as it is.
///
/// # Examples
/// ```
/// use twinstory_map::geometry::bbox::{union, EMPTY};
/// let a = [0.0, 0.0, 1.0, 1.0];
/// assert_eq!(union(&a, &[2.0, -1.0, 3.0, 0.5]), [0.0, -1.0, 3.0, 1.0]);
/// assert_eq!(union(&a, &EMPTY), a, "an empty box adds nothing");
/// ```
#[inline]
pub fn union(a: &[f64; 4], b: &[f64; 4]) -> [f64; 4] {
    if !is_valid(b) {
        return *a;
    }
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// Grows `b` to hold the point `p` (NaN coordinates are ignored by `min`/`max`).
///
/// # Examples
/// ```
/// use twinstory_map::geometry::bbox::{extend, EMPTY};
/// let mut b = EMPTY;
/// extend(&mut b, [1.0, 2.0]);
/// assert_eq!(b, [1.0, 2.0, 1.0, 2.0], "one point: a zero-size box");
/// extend(&mut b, [-1.0, 5.0]);
/// assert_eq!(b, [-1.0, 2.0, 1.0, 5.0]);
/// ```
#[inline]
pub fn extend(b: &mut [f64; 4], p: [f64; 2]) {
    b[0] = b[0].min(p[0]);
    b[1] = b[1].min(p[1]);
    b[2] = b[2].max(p[0]);
    b[3] = b[3].max(p[1]);
}

/// True when the boxes overlap; touching edges count, invalid boxes never do.
///
/// # Examples
/// ```
/// use twinstory_map::geometry::bbox::{intersects, EMPTY};
/// let a = [0.0, 0.0, 1.0, 1.0];
/// assert!(intersects(&a, &[1.0, 1.0, 2.0, 2.0]), "corners touch");
/// assert!(!intersects(&a, &[1.5, 0.0, 2.0, 1.0]));
/// assert!(!intersects(&a, &EMPTY));
/// ```
#[inline]
pub fn intersects(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1]
}
