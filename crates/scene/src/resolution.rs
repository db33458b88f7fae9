//! How sharp the map is drawn while it moves.
//!
//! The rasteriser's time grows with the number of device pixels: a phone's
//! map at device pixel ratio 3 has nine times the pixels of the same map at
//! ratio 1, and on the 2-core test machine a frame of the example story
//! takes about 14 ms (p50) and 34 ms (p95) to rasterise there, on the host
//! (`examples/bench_story.rs`). A flight
//! cannot hold the display's frame rate at that size, so frames drawn while
//! the camera moves use fewer pixels (the browser scales the canvas up to its
//! CSS size), and the frame at rest is always drawn at the full ratio. The
//! ratio for moving frames adapts to the measured cost of the last ones: it
//! drops at once when a frame takes too long and climbs back slowly when
//! frames are cheap, in steps of a quarter, so that the canvas is not
//! resized every frame. It never goes below one device pixel per CSS pixel
//! (or the screen's own ratio, when that is lower): a moving map is a little
//! softer, never coarser than a plain screen shows it.
//!
//! What the reader sees at rest does not depend on this: the resting frame
//! is the same whatever the moving frames were (the playback invariant).

/// Time for rasterising and showing one moving frame that leaves room for
/// the browser's own work within one 60 Hz frame (16.7 ms), in ms.
pub const MOVING_FRAME_BUDGET_MS: f64 = 10.0;

/// The steps the ratio moves in.
const STEP: f64 = 0.25;

/// The device pixel ratio for frames drawn while the camera moves.
///
/// # Examples
///
/// ```
/// use twinstory_scene::MotionResolution;
/// let mut r = MotionResolution::default();
/// // A phone's screen (ratio 3): the first moving frame is drawn sharp…
/// assert_eq!(r.moving_dpr(3.0), 3.0);
/// // …and took 40 ms, four times the budget: the next one has a quarter
/// // of the pixels (half the ratio).
/// r.record(3.0, 40.0, 3.0);
/// assert_eq!(r.moving_dpr(3.0), 1.5);
/// // At rest the map is always drawn at the screen's ratio.
/// assert_eq!(r.resting_dpr(3.0), 3.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MotionResolution {
    /// The ratio for the next moving frame; `None` until a frame was
    /// measured (then the full ratio).
    dpr: Option<f64>,
}

impl MotionResolution {
    /// The ratio to draw a moving frame at, on a screen of ratio `full`.
    pub fn moving_dpr(&self, full: f64) -> f64 {
        // `min`/`max`, not `clamp`: no panic path in the player.
        self.dpr.unwrap_or(full).min(full).max(full.min(1.0))
    }

    /// The ratio to draw a resting frame at: the screen's own.
    pub fn resting_dpr(&self, full: f64) -> f64 {
        full
    }

    /// Learns from one moving frame drawn at ratio `drawn` that took `ms`
    /// (rasterising and showing it), on a screen of ratio `full`.
    ///
    /// The cost is about proportional to the pixels, i.e. to the square of
    /// the ratio: a frame over budget gets the ratio that would have met
    /// the budget (rounded down to a step); a frame under two thirds of the
    /// budget lets the ratio climb by one step.
    ///
    /// # Examples
    ///
    /// ```
    /// use twinstory_scene::MotionResolution;
    /// let mut r = MotionResolution::default();
    /// r.record(2.0, 5.0, 2.0); // cheap at the full ratio: stays there
    /// assert_eq!(r.moving_dpr(2.0), 2.0);
    /// r.record(2.0, 1000.0, 2.0); // very slow: never below 1
    /// assert_eq!(r.moving_dpr(2.0), 1.0);
    /// r.record(1.0, 2.0, 2.0); // cheap again: one step up
    /// assert_eq!(r.moving_dpr(2.0), 1.25);
    /// // Not finite (a clock that jumped): nothing learnt.
    /// r.record(1.25, f64::NAN, 2.0);
    /// assert_eq!(r.moving_dpr(2.0), 1.25);
    /// ```
    pub fn record(&mut self, drawn: f64, ms: f64, full: f64) {
        if !(ms.is_finite() && ms >= 0.0 && drawn.is_finite() && drawn > 0.0 && full > 0.0) {
            return;
        }
        let next = if ms > MOVING_FRAME_BUDGET_MS {
            let fitting = drawn * (MOVING_FRAME_BUDGET_MS / ms).sqrt();
            (fitting / STEP).floor() * STEP
        } else if ms < MOVING_FRAME_BUDGET_MS * 2.0 / 3.0 {
            (drawn / STEP).floor() * STEP + STEP
        } else {
            drawn
        };
        self.dpr = Some(next.min(full).max(full.min(1.0)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_phone_frame_lowers_the_ratio_and_cheap_ones_raise_it_in_steps() {
        let mut r = MotionResolution::default();
        r.record(3.0, 30.0, 3.0);
        // 3 × √(10/30) = 1.73 → 1.5
        assert_eq!(r.moving_dpr(3.0), 1.5);
        for expected in [1.75, 2.0, 2.25, 2.5, 2.75, 3.0, 3.0] {
            r.record(r.moving_dpr(3.0), 4.0, 3.0);
            assert_eq!(r.moving_dpr(3.0), expected);
        }
    }

    #[test]
    fn frames_near_the_budget_keep_the_ratio() {
        let mut r = MotionResolution::default();
        r.record(3.0, 30.0, 3.0);
        r.record(1.5, 8.0, 3.0);
        assert_eq!(r.moving_dpr(3.0), 1.5);
    }

    #[test]
    fn a_screen_below_ratio_one_is_never_drawn_sharper_or_coarser_than_itself() {
        let mut r = MotionResolution::default();
        r.record(0.75, 100.0, 0.75);
        assert_eq!(r.moving_dpr(0.75), 0.75);
        r.record(0.75, 1.0, 0.75);
        assert_eq!(r.moving_dpr(0.75), 0.75);
    }

    #[test]
    fn a_screen_whose_ratio_changed_gets_a_ratio_within_its_own() {
        // Learnt on a ratio-3 screen, the window moved to a ratio-1 one.
        let mut r = MotionResolution::default();
        r.record(3.0, 5.0, 3.0);
        assert_eq!(r.moving_dpr(1.0), 1.0);
        assert_eq!(r.resting_dpr(1.0), 1.0);
    }
}
