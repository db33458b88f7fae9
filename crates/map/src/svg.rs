//! Writing a draw list as SVG.
