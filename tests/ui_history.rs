//! The history tab while a schedule fires, headless with egui_kittest, the real engine and
//! the trigger watcher on a clock the test moves: the run view follows new executions until
//! the person picks one; a picked execution stays on the canvas while newer ones start, and
//! "N newer executions — show latest" goes back to following. The tab shows the disk the
//! history takes, read again when an execution ends.

mod ui_support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use egui_kittest::kittest::Queryable;
use pipewright::execution::{ExecutionId, TriggerKind};
use pipewright::model::status::ExecutionStatus;
use pipewright::ui::PipewrightApp;
use pipewright::watch::{ManualClock, WatchOptions};
use ui_support::{Setup, wait_until};

type App = egui_kittest::Harness<'static, PipewrightApp>;

const SCHEDULED: &str = r#"(name: "sched", triggers: [Schedule(cron: "* * * * *")], stages: [
    (name: "Build", actions: [(name: "Say", category: Build, provider: Commands(commands: ["echo hi"]))]),
])"#;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("a time")
}

fn shown(app: &App) -> Option<ExecutionId> {
    app.state().shown_execution().map(|e| e.id.clone())
}

/// Moves the clock to `minute` past one and waits until the execution it fires has ended and
/// the app knows it; returns its id.
fn fire(app: &mut App, clock: &ManualClock, minute: u32, known: &[ExecutionId]) -> ExecutionId {
    clock.set(at(&format!("2026-11-22T01:{minute:02}:00Z")));
    let mut id = None;
    wait_until(app, "the scheduled execution to end", |state| {
        let Some(data) = state.run_data() else {
            return false;
        };
        data.latest_of("sched").is_some_and(|e| {
            !known.contains(&e.id)
                && e.trigger.kind == TriggerKind::Schedule
                && e.status == ExecutionStatus::Succeeded
        })
    });
    if let Some(data) = app.state().run_data() {
        id = data.latest_of("sched").map(|e| e.id.clone());
    }
    id.expect("a new execution")
}

#[test]
fn a_picked_past_execution_stays_shown_while_a_schedule_fires() {
    let setup = Setup::demo_with("sched.pipeline.ron", SCHEDULED);
    let clock = Arc::new(ManualClock::new(at("2026-11-22T01:00:30Z")));
    let watch = WatchOptions {
        clock: clock.clone(),
        rescan: Duration::from_millis(200),
        ..WatchOptions::default()
    };
    let mut app = setup.app_with("sched.pipeline.ron", watch);
    wait_until(&mut app, "the watcher to list the schedule", |state| {
        state.triggers().is_some_and(|t| !t.statuses().is_empty())
    });

    // While the person has picked nothing, the view follows each new execution.
    let first = fire(&mut app, &clock, 1, &[]);
    wait_until(&mut app, "the first to be shown", |state| {
        state.shown_execution().is_some_and(|e| e.id == first)
    });
    let second = fire(&mut app, &clock, 2, std::slice::from_ref(&first));
    wait_until(&mut app, "the second to be shown", |state| {
        state.shown_execution().is_some_and(|e| e.id == second)
    });

    // Pick the first in History.
    app.get_by_label("History").click();
    app.run();
    wait_until(&mut app, "history to list both", |state| {
        state
            .run_data()
            .and_then(|d| d.history.as_ref())
            .is_some_and(|page| page.total == 2)
    });
    // The tab says how much disk the history takes, read off the UI thread.
    wait_until(&mut app, "the disk use to be read", |state| {
        state
            .run_data()
            .and_then(|d| d.disk_use)
            .is_some_and(|bytes| bytes > 0)
    });
    let disk_before = app.state().run_data().and_then(|d| d.disk_use);
    app.run();
    assert!(
        app.query_by_label_contains("on disk (.pipewright/)")
            .is_some()
    );
    app.get_by_label(first.short()).click();
    app.run();
    wait_until(&mut app, "the first to be shown again", |state| {
        state.shown_execution().is_some_and(|e| e.id == first)
    });

    // A third execution starts and ends; the picked one stays.
    let third = fire(&mut app, &clock, 3, &[first.clone(), second.clone()]);
    app.run();
    assert_eq!(
        shown(&app),
        Some(first.clone()),
        "the picked execution stays"
    );
    wait_until(&mut app, "the disk use to be read again", |state| {
        state.run_data().and_then(|d| d.disk_use) > disk_before
    });
    wait_until(&mut app, "the newer executions to be counted", |state| {
        state.run_data().is_some_and(|d| d.newer == 2)
    });
    app.run();
    app.get_by_label("2 newer executions — show latest").click();
    app.run();
    wait_until(&mut app, "the newest to be shown", |state| {
        state.shown_execution().is_some_and(|e| e.id == third)
    });
    assert!(app.query_by_label_contains("newer execution").is_none());
}
