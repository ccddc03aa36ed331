//! File ▸ Import… and File ▸ Export… in the app, headless with egui_kittest and a fake file
//! dialog: the CloudFormation fixture opens with its report, its repository is mapped with
//! the folder button, and (with pytest on the machine) it runs here with the deploy skipped
//! and pytest's totals in the Tests tab; an export that loses something asks first.

mod aws_support;
mod common;
mod ui_support;

use std::path::Path;

use aws_support::{calculator_repo, pytest_available};
use egui_kittest::kittest::Queryable;
use pipewright::model::Provider;
use pipewright::model::status::ExecutionStatus;
use pipewright::ui::PipewrightApp;
use ui_support::{Setup, save, select_in_outline, wait_until};

type App = egui_kittest::Harness<'static, PipewrightApp>;

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/aws/cloudformation.yml")
}

fn open_file_menu_item(app: &mut App, item: &str) {
    app.get_by_label("File").click();
    app.run();
    app.get_by_label(item).click();
    app.run();
}

#[test]
fn file_import_of_the_cloudformation_fixture_opens_it_with_the_report_and_it_runs_here() {
    let setup = Setup::new();
    calculator_repo(&setup.file("calc-repo"));
    let mut app = setup.app("lighthouse.pipeline.ron");
    *setup.dialogs.pick.lock().expect("lock") = Some(fixture());
    open_file_menu_item(&mut app, "Import…");
    wait_until(&mut app, "the imported pipeline to open", |state| {
        state
            .editor()
            .is_some_and(|editor| editor.pipeline().name == "calc-pipeline")
    });
    assert!(setup.file("calc-pipeline.pipeline.ron").exists());
    app.get_by_label("Import report");
    app.get_by_label_contains("Saved as");
    app.get_by_label_contains("Stack: AWS/CloudFormation has no local equivalent");
    app.get_by_label_contains("RunOrder \"1\" is a string: read as 1");
    app.get_by_label("OK").click();
    app.run();
    assert!(app.query_by_label("Import report").is_none());
    app.get_by_label("Deploy/Stack");
    assert!(matches!(
        app.state().editor().expect("open").pipeline().stages[3].actions[0].provider,
        Provider::Foreign(_)
    ));

    // The repository is on this machine: pick it with the folder button, as a person would.
    select_in_outline(&mut app, "Source/Checkout");
    *setup.dialogs.folder.lock().expect("lock") = Some(setup.file("calc-repo"));
    app.get_by_label("📁").click();
    app.run();
    wait_until(&mut app, "the repository to be mapped", |state| {
        state.editor().is_some_and(|editor| {
            matches!(&editor.pipeline().stages[0].actions[0].provider,
                Provider::Git(git) if git.repository == "calc-repo")
        })
    });
    save(&mut app);

    if !pytest_available() {
        return;
    }
    app.get_by_label("▶ Run").click();
    app.run_ok();
    app.get_by_label("▶ Start").click();
    app.run_ok();
    wait_until(&mut app, "the approval", |state| {
        state
            .run_data()
            .is_some_and(|data| !data.waiting_approvals().is_empty())
    });
    app.run_ok();
    app.get_by_label("Approve").click();
    app.run_ok();
    wait_until(&mut app, "the run to end", |state| {
        state
            .shown_execution()
            .is_some_and(|execution| !execution.is_live())
    });
    let execution = app.state().shown_execution().cloned().expect("shown");
    assert_eq!(
        execution.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.reason
    );
    app.get_by_label("Tests").click();
    app.run_ok();
    wait_until(&mut app, "the test reports", |state| {
        state.run_data().is_some_and(|data| data.reports.is_some())
    });
    app.run_ok();
    app.get_by_label_contains("3 tests: 2 passed, 0 failed, 0 errors, 1 skipped");
}

#[test]
fn file_export_lists_what_is_lost_and_writes_only_when_asked() {
    let setup = Setup::new();
    let mut app = setup.app("lighthouse.pipeline.ron");
    let target = setup.file("lighthouse.codepipeline.json");
    *setup.dialogs.save.lock().expect("lock") = Some(target.clone());
    app.get_by_label("File").click();
    app.run();
    app.get_by_label("Export… ⏵").click();
    app.run();
    app.get_by_label("CodePipeline JSON…").click();
    app.run();
    wait_until(&mut app, "the export report", |_| true);
    app.run();
    app.get_by_label("Export report");
    app.get_by_label_contains("cannot be expressed in CodePipeline");
    assert!(
        !target.exists(),
        "nothing is written before the person agrees"
    );
    app.get_by_label("Export anyway").click();
    app.run();
    app.run();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).expect("written")).expect("json");
    assert_eq!(written["pipeline"]["name"], "lighthouse");
    app.get_by_label_contains("Exported to");
}
