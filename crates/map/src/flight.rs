//! Camera transitions between steps (owned by the map-engine work; see fit.rs too).
