//! The centroid of a ring.

/// The area centroid of a ring (closed implicitly), or `None` when its
/// area is zero (empty, fewer than three distinct vertices, collinear).
/// Computed relative to the first vertex, which keeps precision in world
/// units, where coordinates are near 0.5 and shapes tiny.
///
/// # Examples
/// ```
/// use twinstory_map::geometry::centroid::ring_centroid;
/// let square = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]];
/// assert_eq!(ring_centroid(&square), Some([1.0, 1.0]));
/// assert_eq!(ring_centroid(&[[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]), None, "collinear");
/// assert_eq!(ring_centroid(&[]), None, "empty");
/// ```
pub fn ring_centroid(ring: &[[f64; 2]]) -> Option<[f64; 2]> {
    let n = ring.len();
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    let o = *ring.first()?;
    for i in 0..n {
        let (p, q) = (ring[i], ring[(i + 1) % n]);
        let (px, py, qx, qy) = (p[0] - o[0], p[1] - o[1], q[0] - o[0], q[1] - o[1]);
        let cross = px * qy - qx * py;
        a += cross;
        cx += (px + qx) * cross;
        cy += (py + qy) * cross;
    }
    (a != 0.0).then(|| [cx / (3.0 * a) + o[0], cy / (3.0 * a) + o[1]])
}
