//! Pipeline files in the app, driven headless through egui_kittest: a new pipeline from a
//! template names its missing source repository at once.

mod ui_support;

use egui_kittest::kittest::Queryable;
use ui_support::{Setup, problems};

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
