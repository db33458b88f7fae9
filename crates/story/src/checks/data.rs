//! Settings against the data.
