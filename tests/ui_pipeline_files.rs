//! Pipeline files in the app, driven headless through egui_kittest: a pipeline's name stays
//! its file's name (Save As renames the pipeline; a name typed that differs is a problem), and
//! a new pipeline from a template names its missing source repository at once.

mod file_support;

mod ui_support;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use file_support::line_diff;
use ui_support::{Setup, problems, type_into};

type App = egui_kittest::Harness<'static, pipewright::ui::PipewrightApp>;

fn new_classic(app: &mut App) {
    app.get_by_label("➕ New").click();
    app.run();
    app.get_by_label("Classic five stages").click();
    app.run();
}

#[test]
fn a_new_pipeline_from_a_template_names_its_missing_repository() {
    let setup = Setup::new();
    let mut app = setup.app("other.pipeline.ron");
    new_classic(&mut app);
    let problems = problems(&app);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "stages[0].actions[0].provider.repository");
    app.get_by_label("Problems (1)");
    assert!(
        app.get_all_by_label_contains("\"app-repo\" does not exist in the workspace")
            .count()
            >= 1
    );

    std::fs::create_dir(setup.file("app-repo")).expect("create the repository folder");
    new_classic(&mut app);
    app.get_by_label("Problems (0)");
}

#[test]
fn save_as_gives_the_pipeline_the_new_file_name() {
    let setup = Setup::new();
    let original = std::fs::read_to_string(setup.file("lighthouse.pipeline.ron")).expect("read");
    let mut app = setup.app("lighthouse.pipeline.ron");
    *setup.dialogs.save.lock().expect("lock") = Some(setup.file("shop.pipeline.ron"));
    app.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    app.run();
    let editor = app.state().editor().expect("open");
    assert_eq!(editor.document.path(), setup.file("shop.pipeline.ron"));
    assert_eq!(editor.pipeline().name, "shop");
    assert!(problems(&app).is_empty(), "{:?}", problems(&app));
    let copy = std::fs::read_to_string(setup.file("shop.pipeline.ron")).expect("saved");
    let diff = line_diff(&original, &copy);
    assert_eq!(diff.removed, ["    name: \"lighthouse\","]);
    assert_eq!(diff.added, ["    name: \"shop\","]);
    assert_eq!(
        std::fs::read_to_string(setup.file("lighthouse.pipeline.ron")).expect("read"),
        original,
        "the old file is left as it was"
    );
}

#[test]
fn a_name_that_is_not_the_file_name_is_a_problem_at_the_field() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    type_into(&mut app, "Pipeline name", "-v2");
    let problems = problems(&app);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "name");
    let message = "but its file is lighthouse.pipeline.ron";
    assert_eq!(
        app.get_all_by_label_contains(message).count(),
        2,
        "at the field and in the problems list"
    );
    app.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    app.run();
    app.get_by_label("Problems (0)");
}
