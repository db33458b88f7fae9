//! Easing curves for camera transitions, as CSS `cubic-bezier()` defines them.

/// A CSS-style cubic Bézier timing function from (0, 0) to (1, 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CubicBezier {
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
}

/// The easing MapLibre GL uses for `flyTo` and `easeTo` (CSS `ease`).
pub const EASE: CubicBezier = CubicBezier::new(0.25, 0.1, 0.25, 1.0);

/// A symmetric ease-in-out (CSS `ease-in-out`).
pub const EASE_IN_OUT: CubicBezier = CubicBezier::new(0.42, 0.0, 0.58, 1.0);

impl CubicBezier {
    /// A curve with control points (x1, y1) and (x2, y2); x values must lie in 0..=1.
    pub const fn new(x1: f64, y1: f64, x2: f64, y2: f64) -> Self {
        Self { x1, y1, x2, y2 }
    }

    fn coord(a: f64, b: f64, t: f64) -> f64 {
        // Bernstein form with P0 = 0 and P3 = 1.
        let mt = 1.0 - t;
        3.0 * mt * mt * t * a + 3.0 * mt * t * t * b + t * t * t
    }

    fn slope_x(&self, t: f64) -> f64 {
        let mt = 1.0 - t;
        3.0 * mt * mt * self.x1 + 6.0 * mt * t * (self.x2 - self.x1) + 3.0 * t * t * (1.0 - self.x2)
    }

    /// The eased progress for linear progress `x`; clamps `x` to 0..=1.
    ///
    /// # Examples
    /// ```
    /// use twinstory_map::easing::EASE;
    /// assert_eq!(EASE.at(0.0), 0.0);
    /// assert_eq!(EASE.at(1.0), 1.0);
    /// assert!(EASE.at(0.5) > 0.5); // CSS `ease` front-loads the motion
    /// ```
    pub fn at(&self, x: f64) -> f64 {
        if x.is_nan() || x <= 0.0 {
            return 0.0;
        }
        if x >= 1.0 {
            return 1.0;
        }
        // Newton steps from a linear guess, then bisection if the slope is flat.
        let mut t = x;
        for _ in 0..8 {
            let err = Self::coord(self.x1, self.x2, t) - x;
            if err.abs() < 1e-9 {
                return Self::coord(self.y1, self.y2, t);
            }
            let d = self.slope_x(t);
            if d.abs() < 1e-9 {
                break;
            }
            t = (t - err / d).clamp(0.0, 1.0);
        }
        let (mut lo, mut hi) = (0.0, 1.0);
        t = x;
        for _ in 0..60 {
            let v = Self::coord(self.x1, self.x2, t);
            if (v - x).abs() < 1e-9 {
                break;
            }
            if v < x {
                lo = t;
            } else {
                hi = t;
            }
            t = (lo + hi) / 2.0;
        }
        Self::coord(self.y1, self.y2, t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_are_monotonic_and_hit_their_end_points() {
        for curve in [EASE, EASE_IN_OUT, CubicBezier::new(0.0, 0.0, 1.0, 1.0)] {
            let mut last = 0.0;
            for i in 0..=1000 {
                let v = curve.at(i as f64 / 1000.0);
                assert!(v + 1e-9 >= last, "{curve:?} went back at {i}");
                last = v;
            }
            assert_eq!(curve.at(0.0), 0.0);
            assert_eq!(curve.at(1.0), 1.0);
        }
    }

    #[test]
    fn linear_control_points_give_the_identity() {
        let lin = CubicBezier::new(1.0 / 3.0, 1.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0);
        for x in [0.1, 0.25, 0.5, 0.9] {
            assert!((lin.at(x) - x).abs() < 1e-6);
        }
    }

    #[test]
    fn ease_in_out_is_symmetric() {
        for x in [0.1, 0.3, 0.45] {
            assert!((EASE_IN_OUT.at(x) + EASE_IN_OUT.at(1.0 - x) - 1.0).abs() < 1e-6);
        }
    }

    #[test]
    fn out_of_range_and_nan_inputs_clamp() {
        assert_eq!(EASE.at(-3.0), 0.0);
        assert_eq!(EASE.at(7.0), 1.0);
        assert_eq!(EASE.at(f64::NAN), 0.0);
    }
}
