//! Checks that catch what authors get wrong and readers would see: each in
//! its own file, called from the parser (settings) or from `check_assets`
//! (settings against the data).
//!
//! - `encoding`: the spellings of a join's `encoding`.
//! - `conditions`: `filter` and `highlight` read as the player reads them.
//! - `yaml_keys`: YAML 1.1 booleans (`yes:`, `no:`, `on:`, `off:`) as keys.
//! - `links`: links to step ids that do not exist.
//! - `data`: settings against the data (fields, swapped coordinates, fit outliers).

// conditions
// data
pub(crate) mod encoding;
// links
// yaml_keys
