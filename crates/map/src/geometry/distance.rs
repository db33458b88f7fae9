//! Distances between points, segments and polylines.

/// Squared distance between two points.
///
/// # Examples
/// ```
/// use twinstory_map::geometry::distance::dist2;
/// assert_eq!(dist2([0.0, 0.0], [3.0, 4.0]), 25.0);
/// assert_eq!(dist2([1.0, 1.0], [1.0, 1.0]), 0.0);
/// ```
#[inline]
pub fn dist2(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// Distance between two points.
///
/// # Examples
/// ```
/// use twinstory_map::geometry::distance::distance;
/// assert_eq!(distance([0.0, 0.0], [3.0, 4.0]), 5.0);
/// ```
#[inline]
pub fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (b[0] - a[0]).hypot(b[1] - a[1])
}

/// The point of the segment `a`–`b` nearest to `p`; a zero-length segment
/// gives `a`.
///
/// # Examples
/// ```
/// use twinstory_map::geometry::distance::nearest_on_segment;
/// assert_eq!(nearest_on_segment([1.0, 5.0], [0.0, 0.0], [2.0, 0.0]), [1.0, 0.0]);
/// assert_eq!(nearest_on_segment([9.0, 1.0], [0.0, 0.0], [2.0, 0.0]), [2.0, 0.0], "past the end");
/// assert_eq!(nearest_on_segment([9.0, 1.0], [1.0, 1.0], [1.0, 1.0]), [1.0, 1.0], "zero length");
/// ```
#[inline]
pub fn nearest_on_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    [a[0] + t * dx, a[1] + t * dy]
}

/// Squared distance from `p` to the segment `a`–`b` (to `a` when it has
/// zero length).
///
/// # Examples
/// ```
/// use twinstory_map::geometry::distance::segment_dist2;
/// assert_eq!(segment_dist2([1.0, 2.0], [0.0, 0.0], [2.0, 0.0]), 4.0);
/// assert_eq!(segment_dist2([0.0, 3.0], [0.0, 0.0], [0.0, 0.0]), 9.0, "zero length");
/// ```
#[inline]
pub fn segment_dist2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    dist2(p, nearest_on_segment(p, a, b))
}

/// Distance from `p` to the segment `a`–`b` (to `a` when it has zero length).
///
/// # Examples
/// ```
/// use twinstory_map::geometry::distance::segment_distance;
/// assert_eq!(segment_distance([5.0, 4.0], [0.0, 0.0], [2.0, 0.0]), 5.0, "beyond the end");
/// assert_eq!(segment_distance([3.0, 4.0], [0.0, 0.0], [0.0, 0.0]), 5.0, "zero length");
/// ```
#[inline]
pub fn segment_distance(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    distance(p, nearest_on_segment(p, a, b))
}

/// Distance from `p` to a polyline, or to a ring's outline when `closed`
/// (including the segment from the last vertex back to the first). A single
/// vertex counts as a point; no vertices give infinity.
///
/// # Examples
/// ```
/// use twinstory_map::geometry::distance::polyline_distance;
/// let l = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0]];
/// assert_eq!(polyline_distance(&l, false, [0.0, 2.0]), 2.0);
/// assert_eq!(polyline_distance(&l, true, [1.0, 1.0]), 0.0, "on the closing segment");
/// assert_eq!(polyline_distance(&[[1.0, 1.0]], false, [4.0, 5.0]), 5.0, "one vertex");
/// assert_eq!(polyline_distance(&[], true, [0.0, 0.0]), f64::INFINITY, "empty");
/// ```
pub fn polyline_distance(line: &[[f64; 2]], closed: bool, p: [f64; 2]) -> f64 {
    let n = line.len();
    let segments = if closed { n } else { n.saturating_sub(1) };
    let mut best = f64::INFINITY;
    for i in 0..segments {
        best = best.min(segment_distance(p, line[i], line[(i + 1) % n]));
    }
    if n == 1 {
        best = segment_distance(p, line[0], line[0]);
    }
    best
}

/// Length of a polyline (the sum of its segments; 0 for fewer than two vertices).
///
/// # Examples
/// ```
/// use twinstory_map::geometry::distance::polyline_length;
/// assert_eq!(polyline_length(&[[0.0, 0.0], [3.0, 4.0], [3.0, 6.0]]), 7.0);
/// assert_eq!(polyline_length(&[[1.0, 1.0]]), 0.0);
/// assert_eq!(polyline_length(&[]), 0.0);
/// ```
pub fn polyline_length(line: &[[f64; 2]]) -> f64 {
    line.windows(2).map(|w| distance(w[0], w[1])).sum()
}
