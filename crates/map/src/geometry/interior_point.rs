//! A point guaranteed inside a polygon (where an area's anchor goes).

use super::centroid::ring_centroid;

/// A point inside a polygon given as its rings (exterior first, then
/// holes) and their bounding box: the middle of the widest inside span of
/// the horizontal line through the exterior's centroid. The centroid itself
/// may lie outside a concave shape or in a hole. A degenerate polygon (zero
/// area, or no span on that line) gives the centre of `bbox`; no rings give
/// `None`.
///
/// # Examples
/// ```
/// use twinstory_map::geometry::interior_point::interior_point;
/// // A U shape: its centroid (1.5, 1.36) lies in the gap between the arms.
/// let u: &[[f64; 2]] = &[
///     [0.0, 0.0], [3.0, 0.0], [3.0, 3.0], [2.0, 3.0],
///     [2.0, 1.0], [1.0, 1.0], [1.0, 3.0], [0.0, 3.0],
/// ];
/// let p = interior_point([u], &[0.0, 0.0, 3.0, 3.0]).unwrap();
/// assert!(p[0] < 1.0 || p[0] > 2.0, "{p:?} is in an arm");
/// let flat: &[[f64; 2]] = &[[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]];
/// assert_eq!(interior_point([flat], &[0.0, 1.0, 4.0, 1.0]), Some([2.0, 1.0]), "degenerate");
/// assert_eq!(interior_point([], &[0.0, 0.0, 1.0, 1.0]), None, "no rings");
/// ```
pub fn interior_point<'a, I>(rings: I, bbox: &[f64; 4]) -> Option<[f64; 2]>
where
    I: IntoIterator<Item = &'a [[f64; 2]]>,
    I::IntoIter: Clone,
{
    let rings = rings.into_iter();
    let exterior = rings.clone().next()?;
    let centre_y = ring_centroid(exterior).map_or((bbox[1] + bbox[3]) / 2.0, |c| c[1]);
    let mut crossings: Vec<f64> = Vec::new();
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            if (a[1] > centre_y) != (b[1] > centre_y) {
                crossings.push(a[0] + (centre_y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
            }
        }
    }
    // Few crossings per line: an insertion sort is enough (and tiny in wasm).
    for i in 1..crossings.len() {
        let mut j = i;
        while j > 0 && crossings[j - 1] > crossings[j] {
            crossings.swap(j - 1, j);
            j -= 1;
        }
    }
    let widest = crossings
        .chunks_exact(2)
        .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])));
    Some(match widest {
        Some(span) => [(span[0] + span[1]) / 2.0, centre_y],
        None => [(bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0],
    })
}
