//! Foreign actions (AWS-only providers kept from an import): skipped with a visible note when
//! run here, or failing when strict.

mod common;

use common::Workspace;
use pipewright::model::status::{ActionStatus, ExecutionStatus};

fn pipeline(ws: &Workspace, strict: bool) -> pipewright::model::Pipeline {
    ws.pipeline(&format!(
        r#"(name: "foreign", stages: [
            (name: "Build", actions: [(name: "Make", category: Build,
                provider: Commands(commands: ["echo built"]))]),
            (name: "Deploy", actions: [(name: "Stack", category: Deploy,
                provider: Foreign(owner: "AWS", provider: "CloudFormation", version: "1",
                    configuration: {{"ActionMode": "CREATE_UPDATE", "StackName": "app"}},
                    strict: {strict}))]),
            (name: "After", actions: [(name: "Done", category: Test,
                provider: Commands(commands: ["touch \"$PIPEWRIGHT_WORKSPACE/after\""]))]),
        ])"#
    ))
}

#[test]
fn a_foreign_action_is_skipped_with_a_note_and_the_pipeline_goes_on() {
    let ws = Workspace::new();
    let id = ws.start(&pipeline(&ws, false));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    assert!(ws.path().join("after").exists());
    let row = ws
        .store()
        .attempts(&id)
        .expect("attempts")
        .into_iter()
        .find(|row| row.key.action == "Stack")
        .expect("stack");
    assert_eq!(row.status, ActionStatus::Succeeded);
    let note = "skipped: AWS/CloudFormation/1 runs on AWS only, nothing was run here";
    assert_eq!(row.summary.as_deref(), Some(note));
    assert_eq!(row.warnings, [note]);
    let log = std::fs::read_to_string(ws.path().join(&row.log_path)).expect("log");
    assert!(log.contains(note), "{log}");
}

#[test]
fn in_strict_mode_a_foreign_action_fails_the_run() {
    let ws = Workspace::new();
    let id = ws.start(&pipeline(&ws, true));
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    assert!(!ws.path().join("after").exists());
}
