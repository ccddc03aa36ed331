//! Triggers in the app, headless with egui_kittest: the inspector edits a schedule with live
//! validation and its next fire times, and the top bar pauses a pipeline's triggers.

mod common;
mod ui_support;

use common::git;
use egui_kittest::kittest::Queryable;
use pipewright::ui::PipewrightApp;
use ui_support::{Setup, wait_until};

const BAD_CRON: &str = r#"(name: "nightly", triggers: [Schedule(cron: "0 2 * *", timezone: "UTC")],
    stages: [(name: "Build", actions: [(name: "Say", category: Build,
        provider: Commands(commands: ["echo hi"]))])])"#;

#[test]
fn the_inspector_shows_a_bad_cron_at_the_field_and_next_fire_times_once_fixed() {
    let setup = Setup::demo_with("nightly.pipeline.ron", BAD_CRON);
    let mut app = setup.app("nightly.pipeline.ron");
    // Under the Cron field and in the Problems tab.
    assert_eq!(app.query_all_by_label_contains("has 4 fields").count(), 2);
    assert!(app.query_by_label_contains("Next: ").is_none());

    app.get_by_label("Cron").click();
    app.run_ok();
    app.key_press(egui::Key::End);
    app.run_ok();
    app.get_by_label("Cron").type_text(" *");
    app.run_ok();
    app.key_press(egui::Key::Escape);
    app.run_ok();
    assert_eq!(app.query_all_by_label_contains("has 4 fields").count(), 0);
    let next = app.get_by_label_contains("Next: ");
    let debug = format!("{next:?}");
    let value = debug
        .split("value: \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the label's text");
    assert_eq!(value.matches("02:00:00 +00:00").count(), 3, "{value}");
    let editor = app.state().editor().expect("open");
    assert!(editor.document.is_dirty(), "a trigger edit is unsaved work");
}

const NIGHTLY: &str = r#"(name: "nightly", triggers: [Schedule(cron: "0 2 * * *")],
    stages: [(name: "Build", actions: [(name: "Say", category: Build,
        provider: Commands(commands: ["echo hi"]))])])"#;

fn triggers_listed(app: &PipewrightApp) -> bool {
    app.triggers().is_some_and(|t| !t.statuses().is_empty())
}

#[test]
fn the_top_bar_shows_active_triggers_and_pauses_a_pipeline() {
    let setup = Setup::demo_with("nightly.pipeline.ron", NIGHTLY);
    let mut app = setup.app("nightly.pipeline.ron");
    wait_until(&mut app, "the watcher to list the trigger", triggers_listed);
    app.run_ok();
    app.get_by_label("⚡ Triggers: 1 active").click();
    app.run_ok();
    app.get_by_label("Schedule 0 2 * * *");
    app.get_by_label("Pause nightly").click();
    app.run_ok();
    let triggers = app.state().triggers();
    assert!(triggers.expect("watcher").is_paused("nightly"));
    app.get_by_label("⏸ Triggers paused");
}

const AUTO: &str = r#"(name: "auto", triggers: [GitChange(source: "Checkout")], stages: [
    (name: "Source", actions: [(name: "Checkout", category: Source,
        provider: Git(repository: "lighthouse-site", branch: "main"),
        output_artifacts: [(name: "Site")])]),
    (name: "Build", actions: [(name: "List", category: Build,
        provider: Commands(commands: ["ls"]), input_artifacts: ["Site"])]),
])"#;

#[test]
fn a_commit_starts_the_pipeline_in_the_app_and_the_run_view_follows_it() {
    let setup = Setup::demo_with("auto.pipeline.ron", AUTO);
    let mut app = setup.app("auto.pipeline.ron");
    wait_until(&mut app, "the watcher to list the trigger", triggers_listed);
    // A manual run first: the view shows it until the trigger's execution takes over.
    app.get_by_label("▶ Run").click();
    app.run_ok();
    app.get_by_label("▶ Start").click();
    app.run_ok();
    wait_until(&mut app, "the manual run to succeed", |state| {
        state.shown_execution().is_some_and(|view| {
            view.trigger.kind == pipewright::execution::TriggerKind::Manual
                && view.status == pipewright::model::status::ExecutionStatus::Succeeded
        })
    });
    let repo = setup.workspace().join("lighthouse-site");
    std::fs::write(repo.join("news.html"), "<h1>news</h1>").expect("write");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "Add a news page"]);
    let commit = git(&repo, &["rev-parse", "--short=7", "HEAD"]);
    wait_until(&mut app, "the triggered execution to succeed", |state| {
        state.shown_execution().is_some_and(|view| {
            view.trigger.kind == pipewright::execution::TriggerKind::GitChange
                && view.status == pipewright::model::status::ExecutionStatus::Succeeded
        })
    });
    app.run_ok();
    let detail = format!("push to main by Ada Tester: {commit} Add a news page");
    assert!(app.query_all_by_label_contains(&detail).count() >= 1);
}
