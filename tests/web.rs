//! Player tests that need a real browser (run by wasm-bindgen-test-runner in
//! headless Chromium): the canvas path and the step logic against real layout.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed setup stops the test with its message"
)]

use twinstory_player::platform::{put_pixels, window};
use twinstory_player::scroll::active_step_index;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    window().document().expect("document")
}

/// The frame the pure core paints must reach the canvas byte for byte: any
/// mix-up of channel order or stride would show here.
#[wasm_bindgen_test]
fn painted_frame_reaches_the_canvas_unchanged() {
    use twinstory_map::{
        Camera, DrawList, Framebuffer, LayerPaint, PreparedLayer, Rgba, Transform, Viewport,
    };
    let square = geo::Geometry::Polygon(geo::Polygon::new(
        vec![(9.9, 53.5), (10.1, 53.5), (10.1, 53.6), (9.9, 53.6)].into(),
        vec![],
    ));
    let point = geo::Geometry::Point(geo::Point::new(10.0, 53.55));
    let polys = PreparedLayer::from_geometries([Some(&square)]);
    let points = PreparedLayer::from_geometries([Some(&point)]);
    let paint = LayerPaint {
        fill: Some(Rgba::rgb(200, 30, 40)),
        stroke: Some(Rgba::rgb(255, 255, 255)),
        stroke_width: 1.0,
        radius: 6.0,
        opacity: 1.0,
        ..LayerPaint::default()
    };
    let dot = LayerPaint {
        fill: Some(Rgba::rgb(10, 90, 160)),
        ..paint.clone()
    };
    let vp = Viewport {
        width: 120.0,
        height: 80.0,
        dpr: 1.0,
    };
    let t = Transform::new(&Camera::new([10.0, 53.55], 8.0), &vp);
    let mut list = DrawList::new();
    list.build(
        [(&polys, &paint), (&points, &dot)],
        &t,
        &vp,
        Rgba::rgb(240, 240, 240),
    );
    let mut fb = Framebuffer::new(1, 1);
    fb.paint(&list);

    let canvas: HtmlCanvasElement = document()
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    document().body().unwrap().append_child(&canvas).unwrap();
    put_pixels(&canvas, fb.as_bytes(), fb.width(), fb.height()).unwrap();
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let back = ctx.get_image_data(0.0, 0.0, 120.0, 80.0).unwrap().data().0;
    assert_eq!(back.len(), fb.as_bytes().len());
    assert!(
        back == fb.as_bytes(),
        "canvas pixels differ from the painted frame"
    );
    // The centre shows the point's colour, a corner the background (the
    // square is about 73 × 61 px at zoom 8).
    let at = |x: usize, y: usize| &back[(y * 120 + x) * 4..(y * 120 + x) * 4 + 4];
    assert_eq!(at(60, 40), &[10, 90, 160, 255]);
    assert_eq!(at(1, 1), &[240, 240, 240, 255]);
    canvas.remove();
}

/// The active step is the last one whose top is above the middle of the
/// window, computed from layout, whichever way the page got there.
#[wasm_bindgen_test]
fn active_step_follows_the_reading_line() {
    let root: HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    let h = window().inner_height().unwrap().as_f64().unwrap();
    for _ in 0..4 {
        let step: HtmlElement = document()
            .create_element("section")
            .unwrap()
            .dyn_into()
            .unwrap();
        step.set_class_name("ts-step");
        step.style()
            .set_property("height", &format!("{}px", h))
            .unwrap();
        root.append_child(&step).unwrap();
    }
    let spacer: HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    spacer
        .style()
        .set_property("height", &format!("{}px", h * 2.0))
        .unwrap();
    let body = document().body().unwrap();
    body.append_child(&root).unwrap();
    body.append_child(&spacer).unwrap();
    let top = root.get_bounding_client_rect().top() + window().scroll_y().unwrap();

    window().scroll_to_with_x_and_y(0.0, top - h);
    assert_eq!(
        active_step_index(&root),
        Some(0),
        "before any step reaches the line, the first is active"
    );
    window().scroll_to_with_x_and_y(0.0, top + 2.0 * h);
    assert_eq!(
        active_step_index(&root),
        Some(2),
        "jumping straight to the third step"
    );
    window().scroll_to_with_x_and_y(0.0, top + 0.4 * h);
    assert_eq!(active_step_index(&root), Some(0));
    window().scroll_to_with_x_and_y(0.0, top + 0.6 * h);
    assert_eq!(
        active_step_index(&root),
        Some(1),
        "the second step's top passed the middle"
    );
    root.remove();
    spacer.remove();
}
