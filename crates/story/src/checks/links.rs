//! Links to steps: `[…](#step-id)` must name a step, or the reader's click
//! goes nowhere.

use crate::diagnostic::{Pos, Sink};
use crate::suggest::did_you_mean;

/// Warns (W0012) about each `#id` link whose id is no step's.
pub(crate) fn check(sink: &mut Sink, links: &[(String, Pos)], step_ids: &[&str]) {
    for (id, pos) in links {
        if id.is_empty() || step_ids.contains(&id.as_str()) {
            continue;
        }
        let help = did_you_mean(id, step_ids, "the steps' ids are")
            .map(|h| {
                // "did you mean `x`?" ends its sentence; a list goes on.
                let sep = if h.ends_with('?') { " A" } else { "; a" };
                format!("{h}{sep} step's id is its `id:` or is made from its heading (see docs/story-format.md, \"Step ids made from headings\")")
            });
        sink.warning(
            "W0012",
            *pos,
            format!("the link goes to `#{id}`, but no step has the id `{id}`"),
            help,
        );
    }
}
