//! Running from the app, headless with egui_kittest and the real engine: the demo through an
//! approval, a rejection, stop-and-abandon, retrying a failed stage, the logs panel, and a
//! disabled transition.

mod ui_support;

use std::time::Duration;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use pipewright::execution::ExecutionSnapshot;
use pipewright::model::status::{ActionStatus, ExecutionStatus};
use pipewright::ui::run::tabs;
use pipewright::ui::{BottomTab, Mode, PipewrightApp};
use ui_support::{Setup, wait_until};

type App = egui_kittest::Harness<'static, PipewrightApp>;

fn shown(app: &App) -> Option<ExecutionSnapshot> {
    app.state().shown_execution().cloned()
}

fn status(app: &App) -> Option<ExecutionStatus> {
    shown(app).map(|v| v.status)
}

fn start_run(app: &mut App) {
    app.get_by_label("▶ Run").click();
    app.run_ok();
    app.get_by_label("▶ Start").click();
    app.run_ok();
    wait_until(app, "the execution to start", |state| {
        state.shown_execution().is_some()
    });
    assert_eq!(app.state().mode(), Mode::Run);
}

fn wait_for_status(app: &mut App, wanted: ExecutionStatus) {
    wait_until(app, &format!("status {wanted}"), |state| {
        state.shown_execution().is_some_and(|v| v.status == wanted)
    });
}

fn wait_for_approval(app: &mut App) {
    wait_until(app, "the approval card", |state| {
        let shown = state.shown_execution();
        assert!(
            shown.is_none_or(|v| v.is_live()),
            "ended early: {:?} {:?}",
            shown.map(|v| v.status),
            shown.map(|v| &v.reason)
        );
        state
            .run_data()
            .is_some_and(|data| !data.waiting_approvals().is_empty())
    });
    app.run_ok();
}

fn write_summary(app: &mut App, text: &str) {
    app.get_by_label("Summary").click();
    app.run_ok();
    app.get_by_label("Summary").type_text(text);
    app.run_ok();
}

#[test]
fn the_demo_runs_from_the_run_button_through_an_approval_into_history() {
    let setup = Setup::demo_with("other.pipeline.ron", "(name: \"other\", stages: [])");
    let mut app = setup.app("lighthouse.pipeline.ron");
    start_run(&mut app);
    wait_for_approval(&mut app);
    app.get_by_label_contains("✋ Approval needed: Approval/Release");
    app.get_by_label_contains("1 waiting");
    write_summary(&mut app, "ship it");
    app.get_by_label("Approve").click();
    app.run_ok();
    wait_for_status(&mut app, ExecutionStatus::Succeeded);
    let execution = shown(&app).expect("shown");
    let decision = execution
        .approvals
        .values()
        .next()
        .and_then(|a| a.decision.clone())
        .expect("decided");
    assert_eq!(
        (decision.approved, decision.summary.as_str()),
        (true, "ship it")
    );
    app.get_by_label("History").click();
    app.run_ok();
    assert_eq!(app.state().bottom_tab(), BottomTab::Run(tabs::history::ID));
    wait_until(&mut app, "the history page", |state| {
        state
            .run_data()
            .and_then(|data| data.history.as_ref())
            .is_some_and(|page| {
                page.entries.iter().any(|entry| {
                    entry.execution.id == execution.id
                        && entry.execution.status == ExecutionStatus::Succeeded
                })
            })
    });
    app.run_ok();
    app.get_by_label_contains("✔ approved by");
    let notes = setup.notifier.shown.lock().expect("lock").clone();
    assert!(
        notes
            .iter()
            .any(|(title, _)| title == "lighthouse: approval needed"),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|(title, _)| title == "lighthouse: Succeeded"),
        "{notes:?}"
    );
}

#[test]
fn rejecting_with_a_summary_fails_the_execution_with_that_summary() {
    let setup = Setup::demo_with("other.pipeline.ron", "(name: \"other\", stages: [])");
    let mut app = setup.app("lighthouse.pipeline.ron");
    start_run(&mut app);
    wait_for_approval(&mut app);
    write_summary(&mut app, "not before the release notes");
    app.get_by_label("Reject").click();
    app.run_ok();
    wait_for_status(&mut app, ExecutionStatus::Failed);
    let reason = shown(&app).and_then(|v| v.reason).unwrap_or_default();
    assert!(
        reason.ends_with("rejected by") || reason.contains(": not before the release notes"),
        "{reason}"
    );
}

const LONG: &str = r#"(name: "long", stages: [
    (name: "Work", actions: [(name: "Sleep", category: Build, provider: Commands(commands: ["echo $$ > {ws}/pid", "sleep 300"]))]),
])"#;

#[test]
fn stop_and_abandon_kills_a_long_action() {
    let setup = Setup::demo_with("long.pipeline.ron", LONG);
    let mut app = setup.app("long.pipeline.ron");
    start_run(&mut app);
    let pid_file = setup.workspace().join("pid");
    wait_until(&mut app, "the action to start", |_| {
        std::fs::read_to_string(&pid_file).is_ok_and(|t| !t.trim().is_empty())
    });
    let pid: u32 = std::fs::read_to_string(&pid_file)
        .expect("pid")
        .trim()
        .parse()
        .expect("number");
    app.get_by_label("⏹ Stop").click();
    app.run_ok();
    app.get_by_label("Stop and abandon: running actions are killed")
        .click();
    app.run_ok();
    app.get_by_label("Reason").click();
    app.run_ok();
    app.get_by_label("Reason").type_text("wrong branch");
    app.run_ok();
    app.get_by_label("Stop execution").click();
    app.run_ok();
    wait_for_status(&mut app, ExecutionStatus::Stopped);
    let execution = shown(&app).expect("shown");
    let attempt = execution.attempts.values().next().expect("attempt");
    assert_eq!(attempt.status, ActionStatus::Abandoned);
    assert_eq!(execution.reason.as_deref(), Some("wrong branch"));
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists() || {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            stat.contains(") Z")
        },
        "the shell is gone"
    );
}

const FLAKY: &str = r#"(name: "flaky", stages: [
    (name: "Test", actions: [(name: "Once", category: Test, provider: Commands(commands: [
        "if [ -f {ws}/flaked ]; then echo fine; exit 0; fi", "touch {ws}/flaked", "exit 1"]))]),
])"#;

#[test]
fn retrying_a_failed_stage_runs_attempt_2() {
    let setup = Setup::demo_with("flaky.pipeline.ron", FLAKY);
    let mut app = setup.app("flaky.pipeline.ron");
    start_run(&mut app);
    wait_for_status(&mut app, ExecutionStatus::Failed);
    app.get_by_label("Stage Test").click();
    app.run_ok();
    app.get_by_label("⟳ Retry stage…").click();
    app.run_ok();
    app.get_by_label("Retry").click();
    app.run_ok();
    wait_for_status(&mut app, ExecutionStatus::Succeeded);
    let attempt = shown(&app)
        .expect("shown")
        .attempts
        .values()
        .next()
        .cloned()
        .expect("attempt");
    assert_eq!(
        (attempt.key.attempt, attempt.status),
        (2, ActionStatus::Succeeded)
    );
}

const COLOURS: &str = r#"(name: "colours", stages: [
    (name: "Print", actions: [(name: "Say", category: Build, provider: Commands(commands: [
        "printf 'plain line\\n\\033[32mgreen line\\033[0m\\nneedle in a haystack\\n'", "echo 'to stderr' >&2"]))]),
])"#;

#[test]
fn the_logs_panel_shows_coloured_lines_and_finds_a_line() {
    let setup = Setup::demo_with("colours.pipeline.ron", COLOURS);
    let mut app = setup.app("colours.pipeline.ron");
    start_run(&mut app);
    wait_for_status(&mut app, ExecutionStatus::Succeeded);
    app.get_by_label("Print/Say").click();
    app.run_ok();
    app.get_by_label("Logs").click();
    app.run_ok();
    app.get_by_label("  green line");
    let logs = app
        .state()
        .run_view()
        .and_then(|view| view.logs.as_ref())
        .expect("a log open");
    let green = logs
        .visible_lines()
        .iter()
        .find(|line| pipewright::ui::logs::view::plain(line) == "green line")
        .expect("the line");
    assert!(green.runs[0].0.fg.is_some(), "coloured: {:?}", green.runs);
    let plain_line = logs
        .visible_lines()
        .iter()
        .find(|l| pipewright::ui::logs::view::plain(l) == "plain line")
        .expect("plain");
    assert_eq!(plain_line.runs[0].0.fg, None);
    assert!(
        logs.visible_lines()
            .iter()
            .any(|l| l.stream == pipewright::store::logs::Stream::Stderr)
    );
    app.get_by_label("Search").click();
    app.run_ok();
    app.get_by_label("Search").type_text("NEEDLE");
    app.key_press(Key::Enter);
    app.run_ok();
    wait_until(&mut app, "the search", |state| {
        state
            .run_view()
            .and_then(|view| view.logs.as_ref())
            .and_then(|l| l.search())
            .is_some_and(|s| s.is_done())
    });
    app.run_ok();
    let matches = app
        .state()
        .run_view()
        .and_then(|view| view.logs.as_ref())
        .and_then(|l| l.search())
        .map(|s| s.matches());
    // One match is the `$ printf …` note announcing the command, the other what it printed.
    let matches = matches.expect("a search");
    assert_eq!(matches.len(), 2);
    let logs = app
        .state()
        .run_view()
        .and_then(|view| view.logs.as_ref())
        .expect("log");
    let path = logs.path().to_path_buf();
    let mut index = pipewright::ui::logs::index::Index::default();
    index.update(&path).expect("index");
    let found: Vec<String> = matches
        .iter()
        .map(|line| {
            pipewright::ui::logs::view::plain(&index.read(&path, *line, 1).expect("read")[0])
        })
        .collect();
    assert!(found[0].starts_with("$ printf"), "{found:?}");
    assert_eq!(found[1], "needle in a haystack");
    app.get_by_label_contains("of 2 matches");
}

const GATED: &str = r#"(name: "gated", stages: [
    (name: "First", actions: [(name: "One", category: Build, provider: Commands(commands: ["true"]))]),
    (name: "Second", actions: [(name: "Two", category: Build, provider: Commands(commands: ["true"]))]),
])"#;

#[test]
fn a_disabled_transition_holds_an_execution_until_enabled() {
    let setup = Setup::demo_with("gated.pipeline.ron", GATED);
    let mut app = setup.app("gated.pipeline.ron");
    app.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    app.run_ok();
    app.get_by_label("Cancel").click();
    app.run_ok();
    app.state_mut();
    // Switch to the run view and click the arrow in front of Second.
    app.get_by_label("👁 Run view").click();
    app.run_ok();
    let arrow = app
        .state()
        .run_view()
        .expect("run view")
        .canvas
        .transition_screen_rect(1)
        .expect("arrow");
    app.hover_at(arrow.center());
    app.drag_at(arrow.center());
    app.drop_at(arrow.center());
    app.run_ok();
    app.get_by_label("Reason").click();
    app.run_ok();
    app.get_by_label("Reason").type_text("freeze");
    app.run_ok();
    app.get_by_label("Disable transition").click();
    app.run_ok();
    wait_until(&mut app, "the transition to be disabled", |state| {
        state
            .run_data()
            .is_some_and(|data| !data.disabled.is_empty())
    });
    start_run(&mut app);
    wait_until(&mut app, "the execution to wait", |state| {
        state
            .shown_execution()
            .is_some_and(|v| v.waiting_for.as_deref() == Some("Second"))
    });
    std::thread::sleep(Duration::from_millis(300));
    app.run_ok();
    assert_eq!(
        status(&app),
        Some(ExecutionStatus::InProgress),
        "held in front of Second"
    );
    let waiting = app
        .state()
        .run_data()
        .expect("run data")
        .waiting_at("gated", "Second")
        .len();
    assert_eq!(waiting, 1, "shown waiting at the arrow");
    let arrow = app
        .state()
        .run_view()
        .expect("run view")
        .canvas
        .transition_screen_rect(1)
        .expect("arrow after the view refits to the new execution");
    app.hover_at(arrow.center());
    app.drag_at(arrow.center());
    app.drop_at(arrow.center());
    app.run_ok();
    app.get_by_label("Enable transition").click();
    app.run_ok();
    wait_for_status(&mut app, ExecutionStatus::Succeeded);
}
