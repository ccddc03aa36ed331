//! The run view inspects and never edits: its canvas and outline select, pan and zoom, but
//! dragging a card, wiring an artifact, the lane menu's "Remove stage…", the outline's delete
//! and the Delete key leave the pipeline as it is.

mod ui_support;

use egui::{Key, Modifiers, Pos2, vec2};
use egui_kittest::kittest::Queryable;
use pipewright::model::edit::ActionRef;
use pipewright::ui::Mode;
use pipewright::ui::editor::canvas::{CanvasMode, Selection};
use ui_support::{Setup, drag};

type App = egui_kittest::Harness<'static, pipewright::ui::PipewrightApp>;

fn run_card(app: &App, stage: usize, action: usize) -> egui::Rect {
    app.state()
        .run_view()
        .expect("run view")
        .canvas
        .card_screen_rect(ActionRef::new(stage, action))
        .expect("card")
}

fn right_click(app: &mut App, at: Pos2) {
    app.hover_at(at);
    for pressed in [true, false] {
        app.input_mut().events.push(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        app.step();
    }
    app.run();
}

fn unchanged(app: &App, original: &pipewright::model::Pipeline) {
    let editor = app.state().editor().expect("open");
    assert!(!editor.document.is_dirty(), "nothing was edited");
    assert_eq!(editor.pipeline(), original);
}

#[test]
fn the_run_view_canvas_and_outline_offer_no_editing() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    let original = app.state().editor().expect("open").pipeline().clone();
    app.get_by_label("👁 Run view").click();
    app.run();
    assert_eq!(app.state().mode(), Mode::Run);
    assert_eq!(
        app.state().run_view().expect("run view").canvas.mode(),
        CanvasMode::Inspect
    );

    // Dragging a card onto another lane moves nothing.
    let package = run_card(&app, 1, 0);
    let pages = run_card(&app, 2, 0);
    drag(&mut app, package.center(), pages.center() + vec2(0.0, 80.0));
    unchanged(&app, &original);

    // Dragging from a card's output port onto another card wires nothing.
    let package = run_card(&app, 1, 0);
    let links = run_card(&app, 2, 1);
    drag(&mut app, package.right_center(), links.center());
    unchanged(&app, &original);

    // The lane menu has no "Remove stage…" (nor any other edit), only fitting the view.
    let lane = app
        .state()
        .run_view()
        .expect("run view")
        .canvas
        .lane_screen_rect(2)
        .expect("lane");
    right_click(&mut app, lane.center_top() + vec2(0.0, 12.0));
    assert!(app.query_by_label("Remove stage…").is_none());
    assert!(app.query_by_label("Add stage after").is_none());
    assert!(app.query_by_label("Fit to view").is_some());
    app.key_press(Key::Escape);
    app.run();

    // The outline selects on the run canvas, and offers no delete; Delete does nothing.
    app.get_by_label("Stage Test").click();
    app.run();
    assert_eq!(
        app.state().run_view().expect("run view").selection,
        Selection::Stage(2)
    );
    assert!(app.query_by_label("🗑 Delete selected").is_none());
    app.key_press(Key::Delete);
    app.run();
    assert!(app.state().dialog().is_none(), "no question about removing");
    unchanged(&app, &original);
}

#[test]
fn the_edit_canvas_still_offers_remove_stage() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    let lane = app
        .state()
        .editor()
        .expect("open")
        .canvas
        .lane_screen_rect(2)
        .expect("lane");
    right_click(&mut app, lane.center_top() + vec2(0.0, 12.0));
    app.get_by_label("Remove stage…").click();
    app.run();
    app.get_by_label("Remove stage").click();
    app.run();
    let stages: Vec<String> = app
        .state()
        .editor()
        .expect("open")
        .pipeline()
        .stages
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert!(!stages.contains(&"Test".to_string()), "{stages:?}");
}
