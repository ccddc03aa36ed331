//! Execution modes and transitions, as CodePipeline defines them.

mod common;

use common::Workspace;
use pipewright::engine::Command;
use pipewright::execution::Change;
use pipewright::model::Pipeline;
use pipewright::model::status::{ActionStatus, ExecutionStatus};

/// Quick → Hold, where Hold waits for `{ws}/release-<execution id>` (or `{ws}/release-all`).
fn holding_pipeline(ws: &Workspace, mode: &str) -> Pipeline {
    ws.pipeline(&format!(
        r#"(name: "modes", execution_mode: {mode}, stages: [
            (name: "Quick", actions: [(name: "Go", category: Build, provider: Commands(commands: ["true"]))]),
            (name: "Hold", actions: [(name: "Wait", category: Build, provider: Commands(commands: [
                "echo $PIPEWRIGHT_EXECUTION_ID >> {{ws}}/entered",
                "while [ ! -f {{ws}}/release-$PIPEWRIGHT_EXECUTION_ID ] && [ ! -f {{ws}}/release-all ]; do sleep 0.02; done"]))]),
        ])"#
    ))
}

fn release(ws: &Workspace, id: &str) {
    std::fs::write(ws.path().join(format!("release-{id}")), "").expect("release");
}

fn entered(ws: &Workspace) -> Vec<String> {
    std::fs::read_to_string(ws.path().join("entered"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn wait_waiting(ws: &Workspace, id: &str, stage: &str) {
    ws.wait_for(&format!("{id} to wait for {stage}"), |change| {
        matches!(change, Change::ExecutionWaiting { execution_id, stage: Some(s), .. }
            if execution_id == id && s == stage)
    });
}

#[test]
fn superseded_replaces_the_waiting_execution_and_never_the_running_one() {
    let ws = Workspace::new();
    let pipeline = holding_pipeline(&ws, "Superseded");
    let first = ws.start(&pipeline);
    ws.wait_started(&first, "Hold", "Wait");
    let second = ws.start(&pipeline);
    wait_waiting(&ws, &second, "Hold");
    let third = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&second), ExecutionStatus::Superseded);
    let store = ws.store();
    let reason = store.execution(&second).expect("read").expect("row").reason;
    assert_eq!(
        reason,
        Some(format!("superseded by newer execution {third}"))
    );
    release(&ws, &first);
    assert_eq!(ws.wait_end(&first), ExecutionStatus::Succeeded);
    release(&ws, &third);
    assert_eq!(ws.wait_end(&third), ExecutionStatus::Succeeded);
    assert_eq!(entered(&ws), vec![first.clone(), third.clone()]);
    let first_attempts = store.attempts(&first).expect("attempts");
    assert!(
        first_attempts
            .iter()
            .all(|a| a.status == ActionStatus::Succeeded)
    );
}

#[test]
fn queued_executions_enter_in_the_order_they_arrived() {
    let ws = Workspace::new();
    let pipeline = holding_pipeline(&ws, "Queued");
    let first = ws.start(&pipeline);
    ws.wait_started(&first, "Hold", "Wait");
    let second = ws.start(&pipeline);
    wait_waiting(&ws, &second, "Hold");
    let third = ws.start(&pipeline);
    wait_waiting(&ws, &third, "Hold");
    assert_eq!(
        entered(&ws),
        vec![first.clone()],
        "only one at a time in Hold"
    );
    std::fs::write(ws.path().join("release-all"), "").expect("release");
    for id in [&first, &second, &third] {
        assert_eq!(ws.wait_end(id), ExecutionStatus::Succeeded);
    }
    assert_eq!(entered(&ws), vec![first, second, third]);
}

#[test]
fn parallel_executions_do_not_wait_for_each_other() {
    let ws = Workspace::new();
    let pipeline = holding_pipeline(&ws, "Parallel");
    let first = ws.start(&pipeline);
    ws.wait_started(&first, "Hold", "Wait");
    let second = ws.start(&pipeline);
    ws.wait_started(&second, "Hold", "Wait");
    release(&ws, &second);
    assert_eq!(ws.wait_end(&second), ExecutionStatus::Succeeded);
    let still = ws
        .store()
        .execution(&first)
        .expect("read")
        .expect("row")
        .status;
    assert_eq!(
        still,
        ExecutionStatus::InProgress,
        "the first is still in Hold"
    );
    release(&ws, &first);
    assert_eq!(ws.wait_end(&first), ExecutionStatus::Succeeded);
}

fn set_transition(ws: &Workspace, enabled: bool) {
    ws.send(Command::SetTransition {
        pipeline: "modes".into(),
        stage: "Hold".into(),
        enabled,
        reason: (!enabled).then(|| "release freeze".to_string()),
    });
}

#[test]
fn a_disabled_transition_holds_executions_until_it_is_enabled() {
    let ws = Workspace::new();
    std::fs::write(ws.path().join("release-all"), "").expect("release");
    set_transition(&ws, false);
    let pipeline = holding_pipeline(&ws, "Superseded");
    let first = ws.start(&pipeline);
    wait_waiting(&ws, &first, "Hold");
    let store = ws.store();
    assert!(
        store
            .attempts(&first)
            .expect("attempts")
            .iter()
            .all(|a| a.key.stage == "Quick"),
        "nothing ran in Hold"
    );
    let transitions = store.transitions("modes").expect("transitions");
    assert_eq!(transitions[0].reason.as_deref(), Some("release freeze"));
    // In SUPERSEDED mode the newest waiting execution is the one that enters.
    let second = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&first), ExecutionStatus::Superseded);
    set_transition(&ws, true);
    assert_eq!(ws.wait_end(&second), ExecutionStatus::Succeeded);
    assert_eq!(entered(&ws), vec![second]);
}

#[test]
fn a_disabled_transition_survives_an_engine_restart() {
    let dir = {
        let ws = Workspace::new();
        set_transition(&ws, false);
        ws.dir
    };
    let engine = pipewright::engine::Engine::start(dir.path(), Default::default()).expect("start");
    let ws = Workspace {
        events: engine.subscribe(),
        engine,
        dir,
    };
    std::fs::write(ws.path().join("release-all"), "").expect("release");
    let id = ws.start(&holding_pipeline(&ws, "Queued"));
    wait_waiting(&ws, &id, "Hold");
    set_transition(&ws, true);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
}
