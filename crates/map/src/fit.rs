//! Fitting the camera to bounds.
