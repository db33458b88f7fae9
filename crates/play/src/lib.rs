//! Playback through time as a wasm module of its own: the controls of a
//! step's `play` (a play/pause button, a range slider of its moments with
//! the moment in words, one interval timer).
//!
//! The story compiler did all the work with dates: each moment of a
//! `play` in `story.json` carries its label in the story's language and the
//! step's `show` at that moment (its time as `filter` conditions). The
//! player's base module only swaps a step's `show` for a moment's when this
//! module says so (a `ts-moment` event on the steps, naming the step and
//! position in their `data-play-step` and `data-play-moment`), so the base
//! carries no time code and no controls; it imports this module only for stories with
//! a `play` (`src/modules.rs`).
//!
//! What the position does is [`Runs`]' (host-tested): a step starts at its
//! first moment when it becomes active and stops at its last, which is the
//! step's own state (what a reader without JavaScript sees, and one who
//! asks for reduced motion: nothing plays by itself then). Moving the
//! slider pauses. The step that is active is read from the page (the
//! section with `aria-current`), so the base tells this module nothing.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

/// The playback positions of a story's steps, as a pure state machine: what
/// the controls ask for, and which (step, position) the map must show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Runs {
    /// Per step: how many moments its `play` has (0: none).
    pub counts: Vec<usize>,
    /// The active step, if it plays.
    pub active: Option<usize>,
    /// The active step's position (an index into its moments).
    pub pos: usize,
    /// Whether the timer runs.
    pub playing: bool,
}

/// A position for the map: step and moment.
pub type Show = (usize, usize);

impl Runs {
    /// Playback of steps with these numbers of moments.
    pub fn new(counts: Vec<usize>) -> Self {
        Self {
            counts,
            ..Self::default()
        }
    }

    fn last(&self, step: usize) -> usize {
        self.counts
            .get(step)
            .copied()
            .unwrap_or(0)
            .saturating_sub(1)
    }

    /// Step `step` became active: the one before goes back to its own
    /// state (its last moment); a playing step starts at its first moment,
    /// or, with reduced motion, shows its last and does not start.
    pub fn activate(&mut self, step: usize, reduced_motion: bool) -> Vec<Show> {
        let mut out = Vec::new();
        if self.active == Some(step) {
            return out;
        }
        if let Some(old) = self.active.take() {
            out.push((old, self.last(old)));
        }
        self.playing = false;
        if self.counts.get(step).copied().unwrap_or(0) == 0 {
            return out;
        }
        self.active = Some(step);
        self.pos = if reduced_motion { self.last(step) } else { 0 };
        self.playing = !reduced_motion && self.pos < self.last(step);
        out.push((step, self.pos));
        out
    }

    /// One timer tick: the next moment; the run stops at the last.
    pub fn tick(&mut self) -> Option<Show> {
        let step = self.active.filter(|_| self.playing)?;
        self.pos = (self.pos + 1).min(self.last(step));
        self.playing = self.pos < self.last(step);
        Some((step, self.pos))
    }

    /// The button: pauses, or plays on (from the first moment once at the
    /// last).
    pub fn toggle(&mut self) -> Option<Show> {
        let step = self.active?;
        if self.playing {
            self.playing = false;
            return None;
        }
        let restart = self.pos >= self.last(step);
        if restart {
            self.pos = 0;
        }
        self.playing = self.pos < self.last(step);
        restart.then_some((step, self.pos))
    }

    /// The slider moved: pauses and shows that moment.
    pub fn seek(&mut self, step: usize, pos: usize) -> Option<Show> {
        if self.active != Some(step) {
            return None;
        }
        self.playing = false;
        self.pos = pos.min(self.last(step));
        Some((step, self.pos))
    }
}

/// A step's playback as `story.json` has it: the labels of its moments
/// and the seconds of the whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct StepPlay {
    /// The moments in words, first to last.
    pub labels: Vec<String>,
    /// Seconds from the first moment to the last.
    pub duration: f64,
}

/// Each step's `play` (`None` without one) and the story's language, read
/// from the story's JSON.
pub fn plays(story: &serde_json::Value) -> (String, Vec<Option<StepPlay>>) {
    let lang = story["lang"].as_str().unwrap_or("de").to_owned();
    let steps = story["steps"].as_array().map_or(&[][..], Vec::as_slice);
    let plays = steps
        .iter()
        .map(|s| {
            let p = s.get("play")?;
            let labels: Vec<String> = p["moments"]
                .as_array()?
                .iter()
                .map(|m| m["label"].as_str().unwrap_or_default().to_owned())
                .collect();
            (!labels.is_empty()).then(|| StepPlay {
                labels,
                duration: p["duration"].as_f64().unwrap_or(8.0),
            })
        })
        .collect();
    (lang, plays)
}

/// Milliseconds between two moments of a run of `n` moments in `seconds`.
pub fn interval_ms(seconds: f64, n: usize) -> i32 {
    let ms = seconds * 1000.0 / (n.max(2) - 1) as f64;
    ms.clamp(16.0, 60_000.0) as i32
}

#[cfg(target_arch = "wasm32")]
mod page;
#[cfg(target_arch = "wasm32")]
pub use page::play_start;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_step_starts_at_its_first_moment_and_stops_at_its_last() {
        let mut r = Runs::new(vec![0, 3, 2]);
        assert_eq!(r.activate(0, false), vec![]);
        assert_eq!(r.activate(1, false), vec![(1, 0)]);
        assert!(r.playing);
        assert_eq!(r.tick(), Some((1, 1)));
        assert_eq!(r.tick(), Some((1, 2)));
        assert!(!r.playing, "stops at the last moment");
        assert_eq!(r.tick(), None);
        // Leaving puts the step back to its own state; the next one starts.
        r.seek(1, 0);
        assert_eq!(r.activate(2, false), vec![(1, 2), (2, 0)]);
        // The same step again changes nothing (the observer sees repeats).
        assert_eq!(r.activate(2, false), vec![]);
    }

    #[test]
    fn reduced_motion_shows_the_last_moment_and_never_starts() {
        let mut r = Runs::new(vec![4]);
        assert_eq!(r.activate(0, true), vec![(0, 3)]);
        assert!(!r.playing);
        assert_eq!(r.tick(), None);
        // The button still plays, from the start.
        assert_eq!(r.toggle(), Some((0, 0)));
        assert!(r.playing);
    }

    #[test]
    fn the_slider_pauses_and_the_button_plays_on() {
        let mut r = Runs::new(vec![5]);
        r.activate(0, false);
        r.tick();
        assert_eq!(r.seek(0, 3), Some((0, 3)));
        assert!(!r.playing);
        assert_eq!(r.seek(0, 99), Some((0, 4)), "clamped to the last");
        assert_eq!(r.seek(1, 0), None, "not the active step");
        r.seek(0, 2);
        assert_eq!(r.toggle(), None, "plays on from where it is");
        assert!(r.playing);
        assert_eq!(r.tick(), Some((0, 3)));
        assert_eq!(r.toggle(), None);
        assert!(!r.playing, "paused");
    }

    #[test]
    fn plays_are_read_from_the_story_json() {
        let story = json!({"lang": "en", "steps": [
            {"id": "a"},
            {"id": "b", "play": {"duration": 4.0, "moments": [
                {"label": "22 January 2023", "show": []},
                {"label": "29 January 2023", "show": []}]}}
        ]});
        let (lang, p) = plays(&story);
        assert_eq!(lang, "en");
        assert_eq!(p[0], None);
        let b = p[1].as_ref().unwrap();
        assert_eq!(b.labels, ["22 January 2023", "29 January 2023"]);
        assert_eq!(interval_ms(b.duration, b.labels.len()), 4000);
        assert_eq!(interval_ms(8.0, 9), 1000);
        assert_eq!(interval_ms(0.0, 9), 16);
    }
}
