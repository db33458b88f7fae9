//! Any bytes as story.md: parsing and rendering the diagnostics must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = twinstory_story::parse_story("story.md", data);
    let text = String::from_utf8_lossy(data);
    let _ = twinstory_story::render_diagnostics(&text, &parsed.diagnostics, false);
    for d in &parsed.diagnostics {
        assert!(d.line >= 1 && d.column >= 1);
    }
});
