//! Playing a story without a browser.
//!
//! [`Scene`] holds a story's layers (prepared for drawing, or their loading
//! state); [`Playback`] is the state machine that a reader's scrolling drives:
//! it is told which step is active and what time it is, and answers which
//! camera and layer opacities to draw. The browser shell only measures the
//! page, forwards times and shows the frame.
//!
//! Invariant: the state a step shows is computed from that step alone (its
//! resolved view and its `show` list), never from the order in which steps
//! were visited, so jumping to step 9 ends exactly where reading to it does.
//!
//! Tooltips ([`Scene::tooltip_at`], [`Scene::tooltip_step`]) answer which
//! feature of a layer with a `tooltip` template is under the pointer or next
//! for the keyboard in the current frame, and render the template as text.
//! Labels ([`Scene::labels`]) are the `label` texts of the features on
//! screen, placed without overlaps by [`twinstory_map::labels`].
//! Styling turns data into paint with [`classify`] (class breaks) and
//! [`palette`] (colour-blind-safe schemes, colour helpers).
//! Accessibility: `Scene::describe` is a step's map in words (the text
//! alternative the build writes into `story.json`), and
//! `Scene::contrast_problems` ([`contrast`]) measures a step's colours
//! against 3:1 for `twinstory validate`.

pub mod classify;
pub mod contrast;
mod credits;
mod describe;
mod labels;
mod legend;
pub mod palette;
mod playback;
mod resolution;
mod scene;
mod style;
mod table;
mod tooltip;

pub use credits::Credit;
pub use describe::DESCRIBE_VIEWPORT;
pub use labels::{FrameLabel, LabelSpace, LayerLabels};
pub use legend::{
    format_number, legend_decimals, nice_floor, range_decimals, LegendEntry, LegendItem,
    LegendKind, LegendLabel,
};
pub use playback::{Playback, PlaybackOptions};
pub use resolution::{MotionResolution, MOVING_FRAME_BUDGET_MS};
pub use scene::{CompareSide, LayerStatus, Scene, SceneLayer, StepTarget};
pub use style::{
    category_text, dim, paint_for, step_paint, style_layer, to_rgba, LayerStyling, StepConditions,
    DIM_OPACITY, EMPHASIS_COLOR, EMPHASIS_WIDTH,
};
pub use table::{view_bounds, DataTable, TableQuery, TABLE_PAGE_ROWS};
pub use tooltip::{on_the_way_to_tooltip, reader_values, render_template, Tooltip};
pub use twinstory_map::hit::Direction;
