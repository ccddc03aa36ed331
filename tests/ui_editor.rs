//! The visual editor, driven headless through egui_kittest: palette drops, moving cards,
//! new stages, wiring, the inspector, validation, undo/redo, unsaved changes and files that
//! change on disk. The demo pipeline: Source[Checkout] → Build[Package] →
//! Test[Pages, Links] → Approval[Release] → Deploy[Publish].

mod ui_support;

use egui::{Key, Modifiers, Pos2, vec2};
use egui_kittest::kittest::Queryable;
use pipewright::model::edit::ActionRef;
use pipewright::model::ron_io;
use pipewright::ui::dialogs::Dialog;
use pipewright::ui::editor::canvas::Selection;
use ui_support::{Setup, drag, problems, request_close, select_in_outline, type_into, wait_until};

type App = egui_kittest::Harness<'static, pipewright::ui::PipewrightApp>;

fn pipeline(harness: &App) -> pipewright::model::Pipeline {
    harness.state().editor().expect("open").pipeline().clone()
}

fn names(harness: &App, stage: usize) -> Vec<String> {
    pipeline(harness).stages[stage]
        .actions
        .iter()
        .map(|a| a.name.clone())
        .collect()
}

fn lane(harness: &App, stage: usize) -> egui::Rect {
    harness
        .state()
        .editor()
        .expect("open")
        .canvas
        .lane_screen_rect(stage)
        .expect("lane")
}

fn card(harness: &App, stage: usize, action: usize) -> egui::Rect {
    harness
        .state()
        .editor()
        .expect("open")
        .canvas
        .card_screen_rect(ActionRef::new(stage, action))
        .expect("card")
}

fn chip(harness: &App, label: &str) -> Pos2 {
    harness
        .get_by_label(&format!("Add {label}"))
        .rect()
        .center()
}

fn undo(harness: &mut App) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
}

fn redo(harness: &mut App) {
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
}

#[test]
fn dropping_a_palette_item_on_a_lane_adds_an_action_in_that_row() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    let below_package =
        card(&app, 1, 0).center_bottom() + vec2(0.0, card(&app, 1, 0).height() * 0.6);
    let from = chip(&app, "Build");
    drag(&mut app, from, below_package);
    assert_eq!(names(&app, 1), ["Package", "Build"]);
    assert_eq!(
        pipeline(&app).stages[1].actions[1].run_order,
        2,
        "dropped in a new row below"
    );
    assert_eq!(
        app.state().editor().expect("open").selection,
        Selection::Action(ActionRef::new(1, 1))
    );
    let on_package = card(&app, 1, 0).center();
    let from = chip(&app, "Test");
    drag(&mut app, from, on_package);
    let stage = &pipeline(&app).stages[1];
    assert_eq!(
        (stage.actions[2].name.as_str(), stage.actions[2].run_order),
        ("Test", 1),
        "parallel with Package"
    );
    undo(&mut app);
    assert_eq!(names(&app, 1), ["Package", "Build"]);
    undo(&mut app);
    assert_eq!(names(&app, 1), ["Package"]);
    redo(&mut app);
    assert_eq!(names(&app, 1), ["Package", "Build"]);
}

#[test]
fn dragging_a_card_moves_it_to_another_stage_as_one_undo_step() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    let links = card(&app, 2, 1).center();
    let target = card(&app, 1, 0).center();
    drag(&mut app, links, target);
    assert_eq!(names(&app, 1), ["Package", "Links"]);
    assert_eq!(names(&app, 2), ["Pages"]);
    undo(&mut app);
    assert_eq!(names(&app, 1), ["Package"]);
    assert_eq!(names(&app, 2), ["Pages", "Links"]);
    redo(&mut app);
    assert_eq!(names(&app, 1), ["Package", "Links"]);
}

#[test]
fn dropping_past_the_last_lane_creates_a_stage() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    let canvas_right = app.state().editor().expect("open").canvas.screen().right();
    let past = lane(&app, 4).right_center() + vec2(15.0, 40.0);
    let past = Pos2::new(past.x.min(canvas_right - 4.0), past.y);
    let from = chip(&app, "Deploy");
    drag(&mut app, from, past);
    let stages = pipeline(&app).stages;
    assert_eq!(stages.len(), 6);
    assert_eq!(stages[5].name, "Deploy-2");
    assert_eq!(stages[5].actions[0].name, "Deploy");
    undo(&mut app);
    assert_eq!(pipeline(&app).stages.len(), 5);
    redo(&mut app);
    assert_eq!(pipeline(&app).stages.len(), 6);
}

#[test]
fn wiring_connects_an_artifact_forward_and_refuses_backwards() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    let package_port = card(&app, 1, 0).right_center();
    let links = card(&app, 2, 1).center();
    drag(&mut app, package_port, links);
    assert_eq!(
        pipeline(&app).stages[2].actions[1].input_artifacts,
        ["Site", "Release"]
    );
    let links_port = card(&app, 2, 1).right_center();
    let checkout = card(&app, 0, 0).center();
    drag(&mut app, links_port, checkout);
    assert!(
        pipeline(&app).stages[0].actions[0]
            .input_artifacts
            .is_empty()
    );
    let note = app.state().status().cloned().expect("a note");
    assert!(
        note.error && note.text.contains("does not run before"),
        "{note:?}"
    );
    app.get_by_label_contains("Not wired:");
    undo(&mut app);
    assert_eq!(
        pipeline(&app).stages[2].actions[1].input_artifacts,
        ["Site"]
    );
}

#[test]
fn an_inspector_edit_is_one_undo_step_and_is_in_the_saved_file() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    select_in_outline(&mut app, "Build/Package");
    type_into(&mut app, "Action name", "-v2");
    assert_eq!(names(&app, 1), ["Package-v2"]);
    undo(&mut app);
    assert_eq!(
        names(&app, 1),
        ["Package"],
        "typing into one field is one step"
    );
    redo(&mut app);
    app.key_press_modifiers(Modifiers::COMMAND, Key::S);
    app.run();
    let text = std::fs::read_to_string(setup.file("lighthouse.pipeline.ron")).expect("saved");
    assert!(text.contains("name: \"Package-v2\""), "{text}");
    let saved = ron_io::parse(&text, &setup.file("x"))
        .expect("valid RON")
        .pipeline;
    assert_eq!(saved.stages, pipeline(&app).stages);
    let original = std::fs::read_to_string("assets/demo/lighthouse.pipeline.ron").expect("demo");
    assert_eq!(
        text,
        original.replace("name: \"Package\"", "name: \"Package-v2\""),
        "only the renamed line changed; comments and layout are the file's own"
    );
    assert!(!app.state().editor().expect("open").document.is_dirty());
}

#[test]
fn an_invalid_field_shows_its_error_at_the_field_and_on_the_card() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    select_in_outline(&mut app, "Test/Links");
    type_into(&mut app, "Action name", " check");
    let shown = app
        .get_all_by_label_contains("the action name \"Links check\" contains ' '")
        .count();
    assert_eq!(shown, 2, "at the field and in the problems list");
    let problems = problems(&app);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "stages[2].actions[1].name");
    app.get_by_label("Problems (1)");
    undo(&mut app);
    app.get_by_label("Problems (0)");
}

#[test]
fn switching_pipelines_with_unsaved_changes_asks_first() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    select_in_outline(&mut app, "Build/Package");
    app.key_press_modifiers(Modifiers::COMMAND, Key::D);
    app.run();
    assert_eq!(names(&app, 1), ["Package", "Package-2"]);
    app.get_by_label("other").click();
    app.run();
    assert!(matches!(app.state().dialog(), Some(Dialog::Unsaved(_))));
    app.get_by_label("Cancel").click();
    app.run();
    assert!(app.state().dialog().is_none());
    assert_eq!(
        names(&app, 1),
        ["Package", "Package-2"],
        "still editing the same file"
    );
    app.get_by_label("other").click();
    app.run();
    app.get_by_label("Discard changes").click();
    app.run();
    assert_eq!(pipeline(&app).name, "other");
    let on_disk = ron_io::load(&setup.file("lighthouse.pipeline.ron"))
        .expect("load")
        .pipeline;
    assert_eq!(
        on_disk.stages[1].actions.len(),
        1,
        "discarded edits were not written"
    );
}

#[test]
fn closing_the_window_with_unsaved_changes_asks_and_can_save() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    select_in_outline(&mut app, "Test/Pages");
    app.key_press(Key::Delete);
    app.run();
    assert_eq!(names(&app, 2), ["Links"]);
    request_close(&mut app);
    app.step();
    let commands = &app.output().viewport_output[&egui::ViewportId::ROOT].commands;
    assert!(commands.contains(&egui::ViewportCommand::CancelClose));
    app.run();
    assert!(matches!(app.state().dialog(), Some(Dialog::Unsaved(_))));
    app.get_by_label("Save").click();
    app.run_ok();
    let on_disk = ron_io::load(&setup.file("lighthouse.pipeline.ron"))
        .expect("load")
        .pipeline;
    assert_eq!(on_disk.stages[2].actions.len(), 1, "saved before closing");
}

#[test]
fn a_file_changed_on_disk_is_reloaded_or_asked_about() {
    let setup = Setup::new();
    let mut app = setup.app("other.pipeline.ron");
    std::fs::write(
        setup.file("other.pipeline.ron"),
        "(name: \"renamed-outside\", stages: [])\n",
    )
    .expect("write");
    wait_until(&mut app, "the reload", |state| {
        state
            .editor()
            .is_some_and(|e| e.pipeline().name == "renamed-outside")
    });
    // With unsaved edits, the person chooses.
    app.state_mut()
        .editor_mut()
        .expect("open")
        .document
        .edit(None, |p| p.name = "mine".into());
    std::fs::write(
        setup.file("other.pipeline.ron"),
        "(name: \"theirs\", stages: [])\n",
    )
    .expect("write");
    wait_until(&mut app, "the question", |state| {
        matches!(state.dialog(), Some(Dialog::ChangedOnDisk))
    });
    app.run();
    app.get_by_label("Reload from disk").click();
    app.run();
    assert_eq!(pipeline(&app).name, "theirs");
    undo(&mut app);
    assert_eq!(
        pipeline(&app).name,
        "mine",
        "the reload itself can be undone"
    );
}

#[test]
fn the_workspace_panel_creates_renames_duplicates_and_deletes() {
    let setup = Setup::new();
    let mut app = setup.app("other.pipeline.ron");
    app.get_by_label("➕ New").click();
    app.run();
    app.get_by_label("Classic five stages").click();
    app.run();
    assert_eq!(pipeline(&app).stages.len(), 5);
    assert!(setup.file("pipeline.pipeline.ron").exists());
    app.get_by_label("Rename…").click();
    app.run();
    app.get_by_label("New name").click();
    app.run();
    app.key_press_modifiers(Modifiers::COMMAND, Key::A);
    app.get_by_label("New name").type_text("shop");
    app.run();
    app.get_by_role_and_label(egui::accesskit::Role::Button, "Rename")
        .click();
    app.run();
    assert!(
        setup.file("shop.pipeline.ron").exists() && !setup.file("pipeline.pipeline.ron").exists()
    );
    assert_eq!(pipeline(&app).name, "shop");
    app.get_by_label("Duplicate").click();
    app.run();
    assert!(setup.file("shop-copy.pipeline.ron").exists());
    app.get_by_label("Delete…").click();
    app.run();
    app.get_by_role_and_label(egui::accesskit::Role::Button, "Delete")
        .click();
    app.run();
    assert!(!setup.file("shop.pipeline.ron").exists());
    assert!(app.state().editor().is_none());
}

#[test]
fn the_command_list_adds_types_reorders_and_removes() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    select_in_outline(&mut app, "Test/Links");
    app.get_by_label("➕ Add command").click();
    app.run();
    type_into(&mut app, "Command 2", "echo done");
    let commands = |app: &App| match &pipeline(app).stages[2].actions[1].provider {
        pipewright::model::Provider::Commands(config) => config.commands.clone(),
        _ => panic!("commands"),
    };
    assert_eq!(commands(&app), ["sh tests/links.sh", "echo done"]);
    app.get_by_label("Move Command 2 up").click();
    app.run();
    assert_eq!(commands(&app), ["echo done", "sh tests/links.sh"]);
    app.get_by_label("Remove Command 2").click();
    app.run();
    assert_eq!(commands(&app), ["echo done"]);
    undo(&mut app);
    assert_eq!(commands(&app), ["echo done", "sh tests/links.sh"]);
}
