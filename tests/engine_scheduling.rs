//! Scheduling inside an execution: parallel groups, run_order barriers, failures, retries,
//! stops and timeouts. Real processes in temp workspaces.

mod common;

use common::{Workspace, process_running, read_pid, wait_for_file};
use pipewright::engine::Command;
use pipewright::model::status::{ActionStatus, ExecutionStatus, RetryMode, StageStatus, StopMode};
use pipewright::store::AttemptRow;

fn attempt<'a>(attempts: &'a [AttemptRow], action: &str) -> &'a AttemptRow {
    attempts
        .iter()
        .find(|a| a.key.action == action)
        .unwrap_or_else(|| panic!("no attempt of {action}"))
}

#[test]
fn actions_with_the_same_run_order_really_overlap() {
    let ws = Workspace::new();
    // Each waits until the other has started: run one after the other, they would time out.
    let pipeline = ws.pipeline(
        r#"(name: "par", stages: [(name: "S", actions: [
            (name: "A", category: Build, timeout: "20s", provider: Commands(commands: [
                "touch {ws}/a", "while [ ! -f {ws}/b ]; do sleep 0.01; done"])),
            (name: "B", category: Build, timeout: "20s", provider: Commands(commands: [
                "touch {ws}/b", "while [ ! -f {ws}/a ]; do sleep 0.01; done"])),
        ])])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    let attempts = ws.store().attempts(&id).expect("attempts");
    let (a, b) = (attempt(&attempts, "A"), attempt(&attempts, "B"));
    let (a_end, b_end) = (a.ended_ms.expect("A ended"), b.ended_ms.expect("B ended"));
    assert!(
        a.started_ms <= b_end && b.started_ms <= a_end,
        "recorded intervals overlap: {a:?} {b:?}"
    );
}

#[test]
fn a_higher_run_order_waits_for_the_whole_lower_group() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r#"(name: "barrier", stages: [(name: "S", actions: [
            (name: "Slow", category: Build, provider: Commands(commands: ["sleep 0.3", "touch {ws}/slow-done"])),
            (name: "Fast", category: Build, provider: Commands(commands: ["touch {ws}/fast-done"])),
            (name: "After", category: Build, run_order: 2, provider: Commands(commands: [
                "test -f {ws}/slow-done", "test -f {ws}/fast-done"])),
        ])])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    let attempts = ws.store().attempts(&id).expect("attempts");
    let after = attempt(&attempts, "After");
    for earlier in ["Slow", "Fast"] {
        let end = attempt(&attempts, earlier).ended_ms.expect("ended");
        assert!(
            after.started_ms >= end,
            "After started before {earlier} ended"
        );
    }
}

#[test]
fn a_failure_lets_its_group_finish_then_fails_the_stage_and_skips_later_stages() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r#"(name: "fail", stages: [
            (name: "Build", actions: [
                (name: "Broken", category: Build, provider: Commands(commands: ["echo compiling", "echo 'error: no' >&2", "exit 3"])),
                (name: "Sibling", category: Build, provider: Commands(commands: ["sleep 0.2", "touch {ws}/sibling-done"])),
                (name: "Later", category: Build, run_order: 2, provider: Commands(commands: ["touch {ws}/later"])),
            ]),
            (name: "Deploy", actions: [(name: "Never", category: Build, provider: Commands(commands: ["touch {ws}/never"]))]),
        ])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    assert!(
        ws.path().join("sibling-done").exists(),
        "the running sibling finished"
    );
    assert!(!ws.path().join("later").exists() && !ws.path().join("never").exists());
    let store = ws.store();
    let row = store.execution(&id).expect("read").expect("exists");
    let reason = row.reason.expect("a reason");
    assert!(
        reason.starts_with("Build/Broken failed: exit code 3: exit 3"),
        "{reason}"
    );
    let attempts = store.attempts(&id).expect("attempts");
    let broken = attempt(&attempts, "Broken");
    assert_eq!(
        (broken.status, broken.exit_code),
        (ActionStatus::Failed, Some(3))
    );
    assert!(
        broken
            .summary
            .as_deref()
            .unwrap_or("")
            .contains("error: no"),
        "quotes the output"
    );
    assert_eq!(
        attempt(&attempts, "Sibling").status,
        ActionStatus::Succeeded
    );
    assert_eq!(attempts.len(), 2);
    let stages = store.stages(&id).expect("stages");
    assert_eq!(stages[0].status, Some(StageStatus::Failed));
    assert_eq!(stages[1].status, Some(StageStatus::Skipped));
    let kept = ws
        .path()
        .join(format!(".pipewright/runs/{id}/work/Build~Broken~1"));
    assert!(
        kept.is_dir(),
        "a failed attempt's working copy is kept for inspection"
    );
}

#[test]
fn retry_failed_actions_reruns_only_the_failed_one_as_attempt_2() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r#"(name: "retry", stages: [
            (name: "Test", actions: [
                (name: "Steady", category: Test, provider: Commands(commands: ["echo run >> {ws}/steady-runs"])),
                (name: "Flaky", category: Test, provider: Commands(commands: [
                    "if [ -f {ws}/flaked ]; then exit 0; fi", "touch {ws}/flaked", "exit 1"])),
            ]),
            (name: "Next", actions: [(name: "Go", category: Build, provider: Commands(commands: ["true"]))]),
        ])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    ws.send(Command::RetryStage {
        execution_id: id.as_str().into(),
        stage: "Test".into(),
        mode: RetryMode::FailedActions,
    });
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    let attempts = ws.store().attempts(&id).expect("attempts");
    let flaky: Vec<_> = attempts
        .iter()
        .filter(|a| a.key.action == "Flaky")
        .collect();
    assert_eq!(flaky.len(), 2);
    assert_eq!(
        (flaky[1].key.attempt, flaky[1].status),
        (2, ActionStatus::Succeeded)
    );
    assert_eq!(
        attempts.iter().filter(|a| a.key.action == "Steady").count(),
        1
    );
    let runs = std::fs::read_to_string(ws.path().join("steady-runs")).expect("runs");
    assert_eq!(runs.lines().count(), 1, "Steady did not run again");
    let stages = ws.store().stages(&id).expect("stages");
    assert_eq!(
        (stages[0].status, stages[0].attempt),
        (Some(StageStatus::Succeeded), 2)
    );
}

#[test]
fn retry_all_actions_reruns_everything_and_refuses_a_succeeded_stage() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r#"(name: "retry-all", stages: [(name: "Test", actions: [
            (name: "Steady", category: Test, provider: Commands(commands: ["true"])),
            (name: "Flaky", category: Test, provider: Commands(commands: [
                "if [ -f {ws}/flaked ]; then exit 0; fi", "touch {ws}/flaked", "exit 1"])),
        ])])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    let retry = |mode| Command::RetryStage {
        execution_id: id.as_str().into(),
        stage: "Test".into(),
        mode,
    };
    ws.send(retry(RetryMode::AllActions));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    let attempts = ws.store().attempts(&id).expect("attempts");
    assert_eq!(attempts.iter().filter(|a| a.key.attempt == 2).count(), 2);
    let refused = ws.engine.send(retry(RetryMode::AllActions)).wait();
    let message = refused
        .expect_err("a succeeded execution cannot be retried")
        .to_string();
    assert!(
        message.contains("only a failed or stopped execution"),
        "{message}"
    );
}

fn long_pipeline(ws: &Workspace) -> pipewright::model::Pipeline {
    ws.pipeline(
        r#"(name: "long", stages: [
            (name: "Work", actions: [(name: "Long", category: Build, provider: Commands(commands: [
                "echo $$ > {ws}/pid", "sleep 1", "touch {ws}/finished"]))]),
            (name: "Next", actions: [(name: "Never", category: Build, provider: Commands(commands: ["touch {ws}/next"]))]),
        ])"#,
    )
}

#[test]
fn stop_and_wait_lets_the_running_action_finish_and_starts_nothing_new() {
    let ws = Workspace::new();
    let id = ws.start(&long_pipeline(&ws));
    wait_for_file(&ws.path().join("pid"));
    ws.send(Command::Stop {
        execution_id: id.as_str().into(),
        mode: StopMode::Wait,
        reason: "enough".into(),
    });
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Stopped);
    assert!(
        ws.path().join("finished").exists(),
        "the action ran to its end"
    );
    assert!(!ws.path().join("next").exists());
    let store = ws.store();
    assert_eq!(
        store.attempts(&id).expect("attempts")[0].status,
        ActionStatus::Succeeded
    );
    let row = store.execution(&id).expect("read").expect("exists");
    assert_eq!(row.reason.as_deref(), Some("enough"));
    assert_eq!(
        store.stages(&id).expect("stages")[0].status,
        Some(StageStatus::Stopped)
    );
}

#[test]
fn stop_and_abandon_kills_the_running_action() {
    let ws = Workspace::new();
    let id = ws.start(&long_pipeline(&ws));
    let pid = read_pid(&ws.path().join("pid"));
    ws.send(Command::Stop {
        execution_id: id.as_str().into(),
        mode: StopMode::Abandon,
        reason: "wrong branch".into(),
    });
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Stopped);
    assert!(!process_running(pid), "the action's shell is gone");
    assert!(!ws.path().join("finished").exists());
    let attempts = ws.store().attempts(&id).expect("attempts");
    assert_eq!(attempts[0].status, ActionStatus::Abandoned);
}

#[test]
fn a_timeout_kills_the_whole_process_tree() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r#"(name: "timeout", stages: [(name: "S", actions: [(name: "Hang", category: Build, timeout: "1s",
            provider: Commands(commands: ["sh -c 'sleep 300 & echo $! > {ws}/grandchild; sleep 300'"]))])])"#,
    );
    let id = ws.start(&pipeline);
    let grandchild = read_pid(&ws.path().join("grandchild"));
    assert!(process_running(grandchild));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    assert!(
        !process_running(grandchild),
        "the grandchild {grandchild} was killed"
    );
    let attempts = ws.store().attempts(&id).expect("attempts");
    let summary = attempts[0].summary.clone().unwrap_or_default();
    assert!(summary.starts_with("timed out after 1.0s"), "{summary}");
}

#[test]
fn background_children_do_not_outlive_a_successful_action() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r#"(name: "bg", stages: [(name: "S", actions: [(name: "Leaky", category: Build,
            provider: Commands(commands: ["sleep 300 & echo $! > {ws}/child"]))])])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    let child = read_pid(&ws.path().join("child"));
    assert!(
        !process_running(child),
        "the background sleep was killed with its group"
    );
}

#[test]
fn a_concurrency_cap_runs_at_most_that_many_actions_at_once() {
    let ws = Workspace::with_options(pipewright::engine::EngineOptions {
        max_parallel_actions: Some(1),
    });
    let pipeline = ws.pipeline(
        r#"(name: "capped", stages: [(name: "S", actions: [
            (name: "A", category: Build, provider: Commands(commands: [
                "date +%s%N > {ws}/A.start", "sleep 0.2", "date +%s%N > {ws}/A.end"])),
            (name: "B", category: Build, provider: Commands(commands: [
                "date +%s%N > {ws}/B.start", "sleep 0.2", "date +%s%N > {ws}/B.end"])),
        ])])"#,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    let instant = |name: &str| -> u128 {
        std::fs::read_to_string(ws.path().join(name))
            .expect("recorded")
            .trim()
            .parse()
            .expect("a number")
    };
    let (a, b) = (
        (instant("A.start"), instant("A.end")),
        (instant("B.start"), instant("B.end")),
    );
    assert!(
        a.1 <= b.0 || b.1 <= a.0,
        "the two ran one after the other: {a:?} {b:?}"
    );
}
