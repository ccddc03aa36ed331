//! What flows through an execution: variables, artifacts and approval decisions.

mod common;

use common::Workspace;
use indexmap::IndexMap;
use pipewright::engine::Command;
use pipewright::engine::user::current_user;
use pipewright::execution::Change;
use pipewright::model::status::{ActionStatus, ExecutionStatus};

#[test]
fn variables_flow_between_stages_and_the_resolved_configuration_is_stored() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r##"(name: "vars", variables: [(name: "target", default: "staging")], stages: [
            (name: "Build", actions: [(name: "Version", category: Build, namespace: "Build",
                provider: Commands(commands: ["VERSION=1.4.$PIPEWRIGHT_ATTEMPT"], exported_variables: ["VERSION"]))]),
            (name: "Ship", actions: [(name: "Announce", category: Build,
                env: {"WHERE": "#{variables.target}"},
                provider: Commands(commands: ["echo shipping #{Build.VERSION} to $WHERE from #{codepipeline.PipelineExecutionId} > {ws}/said"]))]),
        ])"##,
    );
    let mut overrides = IndexMap::new();
    overrides.insert("target".to_string(), "production".to_string());
    let id = ws.start_with(&pipeline, overrides);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    let said = std::fs::read_to_string(ws.path().join("said")).expect("written");
    assert_eq!(
        said.trim(),
        format!("shipping 1.4.1 to production from {id}")
    );
    let store = ws.store();
    let attempts = store.attempts(&id).expect("attempts");
    assert_eq!(
        attempts[0]
            .output_variables
            .get("VERSION")
            .map(String::as_str),
        Some("1.4.1")
    );
    let resolved = &attempts[1].resolved_config;
    assert!(
        resolved.contains("echo shipping 1.4.1 to $WHERE from"),
        "{resolved}"
    );
    assert!(resolved.contains(r#""WHERE": "production""#), "{resolved}");
    let row = store.execution(&id).expect("read").expect("row");
    assert_eq!(
        row.variables.get("target").map(String::as_str),
        Some("production")
    );
}

#[test]
fn a_start_with_an_undeclared_variable_is_refused_naming_the_declared_ones() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r##"(name: "vars", variables: [(name: "target", default: "x"), (name: "region", default: "eu")],
            stages: [(name: "S", actions: [(name: "A", category: Build, provider: Commands(commands: ["true"]))])])"##,
    );
    let mut overrides = IndexMap::new();
    overrides.insert("targte".to_string(), "y".to_string());
    let refused = ws
        .engine
        .send(Command::Start(Box::new(pipewright::engine::StartRequest {
            pipeline,
            file: ws.path().join("x.pipeline.ron"),
            variables: overrides,
            source_revisions: IndexMap::new(),
            trigger: pipewright::execution::Trigger::manual("test"),
        })))
        .wait()
        .expect_err("refused");
    assert_eq!(
        refused.to_string(),
        "pipeline vars has no variable \"targte\"; it declares target, region"
    );
}

#[test]
fn an_invalid_pipeline_cannot_start() {
    let ws = Workspace::new();
    let mut pipeline = ws.pipeline(
        r##"(name: "ok", stages: [(name: "S", actions: [(name: "A", category: Build, provider: Commands(commands: ["true"]))])])"##,
    );
    pipeline.stages[0].actions[0].run_order = 0;
    let refused = ws
        .engine
        .send(Command::Start(Box::new(pipewright::engine::StartRequest {
            pipeline,
            file: ws.path().join("x.pipeline.ron"),
            variables: IndexMap::new(),
            source_revisions: IndexMap::new(),
            trigger: pipewright::execution::Trigger::manual("test"),
        })))
        .wait()
        .expect_err("refused");
    assert!(refused.to_string().contains("run_order is 0"), "{refused}");
}

#[test]
fn artifacts_are_immutable_to_later_actions() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r##"(name: "artifacts", stages: [
            (name: "Make", actions: [(name: "Write", category: Build,
                provider: Commands(commands: ["mkdir -p out", "echo original > out/data.txt", "echo scratch > notes.txt"]),
                output_artifacts: [(name: "Data", files: ["**/*"], base_directory: "out")])]),
            (name: "Tamper", actions: [(name: "Change", category: Build, input_artifacts: ["Data"],
                provider: Commands(commands: [
                    "test ! -f notes.txt",
                    "echo tampered > data.txt",
                    "echo tampered > \"$PIPEWRIGHT_INPUT_Data/data.txt\"",
                    "echo extra > new.txt"]))]),
            (name: "Check", actions: [(name: "Read", category: Test, input_artifacts: ["Data"],
                provider: Commands(commands: ["test \"$(cat data.txt)\" = original", "test ! -f new.txt"]))]),
        ])"##,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    let artifact = ws
        .path()
        .join(format!(".pipewright/runs/{id}/artifacts/Data"));
    assert_eq!(
        std::fs::read_to_string(artifact.join("data.txt"))
            .expect("kept")
            .trim(),
        "original"
    );
    assert!(
        !artifact.join("notes.txt").exists(),
        "only the globbed files are in it"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(artifact.join("data.txt"))
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o222, 0, "sealed read-only");
}

#[test]
fn an_output_glob_that_matches_nothing_fails_the_action() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r##"(name: "empty", stages: [(name: "Make", actions: [(name: "Write", category: Build,
            provider: Commands(commands: ["true"]), output_artifacts: [(name: "Data", files: ["*.zip"])])])])"##,
    );
    let id = ws.start(&pipeline);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    let summary = ws.store().attempts(&id).expect("attempts")[0]
        .summary
        .clone();
    assert_eq!(
        summary.as_deref(),
        Some("artifact Data: no files match *.zip")
    );
}

fn approval_pipeline(ws: &Workspace, timeout: &str) -> pipewright::model::Pipeline {
    ws.pipeline(&format!(
        r##"(name: "gate", stages: [
            (name: "Gate", actions: [(name: "Approve", category: Approval,
                provider: Manual(custom_message: "Ship #{{codepipeline.PipelineExecutionId}}?", review_url: "https://example.com", timeout: "{timeout}"))]),
            (name: "Ship", actions: [(name: "Go", category: Build, provider: Commands(commands: ["touch {{ws}}/shipped"]))]),
        ])"##
    ))
}

fn wait_for_approval(ws: &Workspace, id: &str) {
    let request = ws.wait_for(
        "an approval request",
        |change| matches!(change, Change::ApprovalRequested { key, .. } if key.execution_id == id),
    );
    let Change::ApprovalRequested {
        message,
        review_url,
        ..
    } = request
    else {
        unreachable!()
    };
    assert_eq!(message, Some(format!("Ship {id}?")));
    assert_eq!(review_url.as_deref(), Some("https://example.com"));
}

fn decide(ws: &Workspace, id: &str, approved: bool, summary: &str) {
    ws.send(Command::Decide {
        execution_id: id.into(),
        stage: "Gate".into(),
        action: "Approve".into(),
        approved,
        summary: summary.into(),
    });
}

#[test]
fn an_approved_gate_lets_the_execution_continue_and_records_who() {
    let ws = Workspace::new();
    let id = ws.start(&approval_pipeline(&ws, "1h"));
    wait_for_approval(&ws, &id);
    decide(&ws, &id, true, "looks good");
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
    assert!(ws.path().join("shipped").exists());
    let approvals = ws.store().approvals(&id).expect("approvals");
    assert_eq!(approvals[0].approved, Some(true));
    assert_eq!(
        approvals[0].decided_by.as_deref(),
        Some(current_user().as_str())
    );
    assert_eq!(approvals[0].summary.as_deref(), Some("looks good"));
}

#[test]
fn a_rejected_gate_fails_the_execution_with_the_summary() {
    let ws = Workspace::new();
    let id = ws.start(&approval_pipeline(&ws, "1h"));
    wait_for_approval(&ws, &id);
    let too_long = ws
        .engine
        .send(Command::Decide {
            execution_id: id.as_str().into(),
            stage: "Gate".into(),
            action: "Approve".into(),
            approved: false,
            summary: "x".repeat(513),
        })
        .wait();
    assert!(
        too_long
            .expect_err("refused")
            .to_string()
            .contains("at most 512")
    );
    decide(&ws, &id, false, "not on a Friday");
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    assert!(!ws.path().join("shipped").exists());
    let store = ws.store();
    let attempt = &store.attempts(&id).expect("attempts")[0];
    assert_eq!(attempt.status, ActionStatus::Failed);
    let summary = attempt.summary.clone().unwrap_or_default();
    assert!(summary.ends_with(": not on a Friday"), "{summary}");
    assert_eq!(
        store.approvals(&id).expect("approvals")[0].approved,
        Some(false)
    );
}

#[test]
fn an_approval_that_times_out_fails() {
    let ws = Workspace::new();
    let id = ws.start(&approval_pipeline(&ws, "1s"));
    wait_for_approval(&ws, &id);
    assert_eq!(ws.wait_end(&id), ExecutionStatus::Failed);
    let summary = ws.store().attempts(&id).expect("attempts")[0]
        .summary
        .clone();
    assert_eq!(summary.as_deref(), Some("approval timed out after 1.0s"));
    let late = ws
        .engine
        .send(Command::Decide {
            execution_id: id.as_str().into(),
            stage: "Gate".into(),
            action: "Approve".into(),
            approved: true,
            summary: "too late".into(),
        })
        .wait();
    assert_eq!(
        late.expect_err("refused").to_string(),
        "Gate/Approve timed out before anyone answered it"
    );
}

#[test]
fn stdout_written_before_stderr_stays_before_it_in_the_log() {
    let ws = Workspace::new();
    let pipeline = ws.pipeline(
        r##"(name: "order", stages: [(name: "S", actions: [(name: "Print", category: Build,
            provider: Commands(commands: ["echo out; echo err >&2"]))])])"##,
    );
    for _ in 0..20 {
        let id = ws.start(&pipeline);
        assert_eq!(ws.wait_end(&id), ExecutionStatus::Succeeded);
        let attempt = &ws.store().attempts(&id).expect("attempts")[0];
        let (lines, _) = pipewright::store::logs::read_lines(&ws.path().join(&attempt.log_path), 0)
            .expect("log");
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        let out = texts.iter().position(|t| *t == "out").expect("out");
        let err = texts.iter().position(|t| *t == "err").expect("err");
        assert!(out < err, "{texts:?}");
    }
}
