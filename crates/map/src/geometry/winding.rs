//! Ring orientation and the non-zero winding rule.

/// Twice the signed area of a ring (shoelace formula); positive when the
/// ring turns clockwise on screen (y pointing down). The ring is closed
/// implicitly (a repeated first vertex adds nothing); fewer than three
/// vertices give 0.
///
/// # Examples
/// ```
/// use twinstory_map::geometry::winding::signed_area;
/// let cw_on_screen = [[0.0, 0.0], [2.0, 0.0], [2.0, 1.0], [0.0, 1.0]];
/// assert_eq!(signed_area(&cw_on_screen), 4.0);
/// let mut ccw = cw_on_screen;
/// ccw.reverse();
/// assert_eq!(signed_area(&ccw), -4.0);
/// assert_eq!(signed_area(&[[0.0, 0.0], [1.0, 1.0]]), 0.0, "degenerate");
/// assert_eq!(signed_area::<2>(&[]), 0.0, "empty");
/// assert_eq!(signed_area(&[[0.0, 0.0, 9.0], [2.0, 0.0, 1.0], [2.0, 1.0, 5.0]]), 2.0, "x and y only");
/// ```
///
/// Points may carry more coordinates after x and y (a projected point's
/// `w`, for instance); only the first two count.
pub fn signed_area<const N: usize>(ring: &[[f64; N]]) -> f64 {
    let n = ring.len();
    if n < 3 || N < 2 {
        return 0.0;
    }
    let mut sum = 0.0;
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        sum += a[0] * b[1] - b[0] * a[1];
    }
    sum
}

/// Winding number of `p` against the rings (each closed implicitly):
/// non-zero means inside by the rasteriser's fill rule. Rings wound as
/// [`crate::prepare`] leaves them count +1 for exteriors and −1 for holes;
/// points exactly on a downward edge or a vertex may count either way.
///
/// # Examples
/// ```
/// use twinstory_map::geometry::winding::winding_number;
/// let outer: &[[f64; 2]] = &[[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0]];
/// let hole: &[[f64; 2]] = &[[1.0, 1.0], [1.0, 3.0], [3.0, 3.0], [3.0, 1.0]];
/// assert_eq!(winding_number([outer, hole], [0.5, 2.0]), 1);
/// assert_eq!(winding_number([outer, hole], [2.0, 2.0]), 0, "in the hole");
/// assert_eq!(winding_number([outer], [5.0, 2.0]), 0, "outside");
/// assert_eq!(winding_number::<2>([&[][..]], [0.0, 0.0]), 0, "empty ring");
/// let tilted: &[[f64; 3]] = &[[0.0, 0.0, 1.0], [4.0, 0.0, 1.0], [4.0, 4.0, 3.0]];
/// assert_eq!(winding_number([tilted], [3.0, 1.0]).abs(), 1, "x and y only");
/// ```
///
/// As for [`signed_area`], points may carry more coordinates after x and y.
pub fn winding_number<'a, const N: usize>(
    rings: impl IntoIterator<Item = &'a [[f64; N]]>,
    p: [f64; 2],
) -> i32 {
    let mut wn = 0;
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let a = ring[i];
            let b = ring[(i + 1) % n];
            let cross = (b[0] - a[0]) * (p[1] - a[1]) - (p[0] - a[0]) * (b[1] - a[1]);
            if a[1] <= p[1] {
                if b[1] > p[1] && cross > 0.0 {
                    wn += 1;
                }
            } else if b[1] <= p[1] && cross < 0.0 {
                wn -= 1;
            }
        }
    }
    wn
}
