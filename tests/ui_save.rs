//! Saving from the app, driven headless through egui_kittest: every example and the demo,
//! with their comments, edited in the app (an action renamed, a command changed, an action
//! added), saved and diffed: only the edited lines change. Panning, zooming and panel sizes
//! never change the file; they are remembered in the app's settings instead.

mod file_support;
mod ui_support;

use egui::vec2;
use egui_kittest::kittest::Queryable;
use file_support::{comments, hand_written, line_diff};
use pipewright::model::{Pipeline, Provider};
use pipewright::ui::settings::Settings;
use ui_support::{Setup, drag, request_close, save, select_in_outline, type_into};

type App = egui_kittest::Harness<'static, pipewright::ui::PipewrightApp>;

fn pipeline(app: &App) -> Pipeline {
    app.state().editor().expect("open").pipeline().clone()
}

/// The label of the first Commands action's outline row, if the pipeline has one.
fn first_commands_action(pipeline: &Pipeline) -> Option<String> {
    pipeline.stages.iter().find_map(|stage| {
        stage
            .actions
            .iter()
            .find(|action| matches!(action.provider, Provider::Commands(_)))
            .map(|action| format!("{}/{}", stage.name, action.name))
    })
}

#[test]
fn every_example_edited_in_the_app_changes_only_the_edited_lines() {
    for file in hand_written() {
        let (setup, name) = Setup::with_copy(&file);
        let path = setup.file(&name);
        let original = std::fs::read_to_string(&path).expect("read");
        let mut app = setup.app(&name);
        let shown = file.display();

        // Rename the last action of the last stage.
        let last = pipeline(&app);
        let stage = last.stages.last().expect("a stage");
        let action = stage.actions.last().expect("an action");
        select_in_outline(&mut app, &format!("{}/{}", stage.name, action.name));
        type_into(&mut app, "Action name", "-renamed");
        save(&mut app);
        let renamed = std::fs::read_to_string(&path).expect("saved");
        let diff = line_diff(&original, &renamed);
        assert_eq!(diff.removed.len(), 1, "{shown}: {diff:?}");
        assert_eq!(
            diff.added,
            [diff.removed[0].replace(
                &format!("\"{}\"", action.name),
                &format!("\"{}-renamed\"", action.name)
            )],
            "{shown}"
        );

        // Change a command.
        let mut after_command = renamed.clone();
        if let Some(label) = first_commands_action(&pipeline(&app)) {
            select_in_outline(&mut app, &label);
            type_into(&mut app, "Command 1", " && echo changed");
            save(&mut app);
            after_command = std::fs::read_to_string(&path).expect("saved");
            let diff = line_diff(&renamed, &after_command);
            assert_eq!(diff.removed.len(), 1, "{shown}: {diff:?}");
            assert_eq!(diff.added.len(), 1, "{shown}: {diff:?}");
            assert!(diff.added[0].contains(" && echo changed\""), "{diff:?}");
        }

        // Add an action to the first stage from the palette.
        let first_stage = pipeline(&app).stages[0].name.clone();
        select_in_outline(&mut app, &format!("Stage {first_stage}"));
        let before = pipeline(&app).stages[0].actions.len();
        app.get_by_label("Add Build").click();
        app.run();
        assert_eq!(
            pipeline(&app).stages[0].actions.len(),
            before + 1,
            "{shown}"
        );
        save(&mut app);
        let added = std::fs::read_to_string(&path).expect("saved");
        let diff = line_diff(&after_command, &added);
        assert_eq!(diff.removed, Vec::<String>::new(), "{shown}:\n{added}");
        assert!(diff.added.len() >= 5, "{shown}: {diff:?}");
        assert_eq!(comments(&original), comments(&added), "{shown}");
        assert!(!app.state().editor().expect("open").document.is_dirty());
    }
}

fn zoom(app: &App) -> f32 {
    app.state().editor().expect("open").canvas.zoom()
}

#[test]
fn panning_and_zooming_leave_the_file_byte_identical_and_are_remembered() {
    let setup = Setup::new();
    let name = "lighthouse.pipeline.ron";
    let original = std::fs::read(setup.file(name)).expect("read");
    let mut app = setup.app(name);
    let canvas = app.state().editor().expect("open").canvas.screen();
    let empty = canvas.right_bottom() - vec2(30.0, 30.0);
    let fitted = app.state().editor().expect("open").canvas.view();
    drag(&mut app, empty, empty - vec2(200.0, 120.0));
    let panned = app.state().editor().expect("open").canvas.view();
    assert_ne!(panned, fitted, "the drag panned the canvas");
    app.get_by_label("➕").click();
    app.run();
    app.get_by_label("➕").click();
    app.run();
    let zoomed = zoom(&app);
    let view = app.state().editor().expect("open").canvas.view();
    assert!(!app.state().editor().expect("open").document.is_dirty());

    save(&mut app);
    assert_eq!(std::fs::read(setup.file(name)).expect("read"), original);

    close(&mut app);
    assert_eq!(
        std::fs::read(setup.file(name)).expect("read"),
        original,
        "closing writes nothing into the pipeline file"
    );
    drop(app);

    let reopened = setup.app(name);
    assert_eq!(zoom(&reopened), zoomed, "the zoom comes from the settings");
    assert_eq!(reopened.state().editor().expect("open").canvas.view(), view);
}

fn close(app: &mut App) {
    request_close(app);
    app.run();
}

#[test]
fn panel_sizes_come_from_the_settings_and_go_back_there() {
    let setup = Setup::new();
    let name = "lighthouse.pipeline.ron";
    let original = std::fs::read(setup.file(name)).expect("read");
    let settings = Settings::file(&setup.dir.path().join("data"));
    std::fs::create_dir_all(settings.parent().expect("data folder")).expect("data folder");
    let inspector_left = |right: f32| {
        std::fs::write(
            &settings,
            format!("(panels: (left: 250.0, right: {right:.1}, bottom: 220.0))"),
        )
        .expect("write settings");
        let mut app = setup.app(name);
        let left = app.get_by_label("Pipeline name").rect().left();
        close(&mut app);
        left
    };
    let narrow = inspector_left(300.0);
    let remembered = Settings::load(&settings).0.panels;
    assert_eq!(
        (remembered.left, remembered.right, remembered.bottom),
        (250.0, 300.0, 220.0),
        "the sizes go back to the settings unchanged"
    );
    let wide = inspector_left(480.0);
    assert!(
        (narrow - wide - 180.0).abs() < 1.0,
        "a 180 pt wider inspector starts 180 pt further left: {narrow} vs {wide}"
    );
    assert_eq!(std::fs::read(setup.file(name)).expect("read"), original);
}
