//! Fills a workspace's store with many finished executions through the store's own write
//! path (the changes the engine records), for history tests and the history benchmark.

#![allow(dead_code)]

use std::path::Path;

use indexmap::IndexMap;
use pipewright::execution::{AttemptKey, Change, ExecutionId, NewExecution, Trigger, TriggerKind};
use pipewright::model::status::{ActionStatus, ExecutionStatus, StageStatus};
use pipewright::store::Store;

/// The definition every generated execution ran.
pub const DEFINITION: &str = r#"(name: "busy", stages: [
    (name: "Source", actions: [(name: "Checkout", category: Source,
        provider: Git(repository: "repo", branch: "main"), output_artifacts: [(name: "Code")])]),
    (name: "Build", actions: [(name: "Compile", category: Build,
        provider: Commands(commands: ["true"]), input_artifacts: ["Code"])]),
])
"#;

/// What one generated execution looks like.
pub struct Generated {
    /// Its pipeline.
    pub pipeline: String,
    /// When it started (Unix ms).
    pub started_ms: i64,
    /// How it ended.
    pub status: ExecutionStatus,
}

/// The changes of one finished execution: a Git source that took a commit, and a build.
pub fn changes(index: usize, generated: &Generated) -> Vec<Change> {
    let id = ExecutionId::from(format!("{:08x}-0000-4000-8000-{:012x}", index, index));
    let at = generated.started_ms;
    let key = |stage: &str, action: &str| AttemptKey {
        execution_id: id.clone(),
        stage: stage.into(),
        action: action.into(),
        attempt: 1,
    };
    let stage = |stage: &str, status, at_ms| Change::StageStatus {
        execution_id: id.clone(),
        stage: stage.into(),
        status,
        reason: None,
        attempt: 1,
        at_ms,
    };
    let failed = generated.status == ExecutionStatus::Failed;
    let build = if failed {
        ActionStatus::Failed
    } else {
        ActionStatus::Succeeded
    };
    vec![
        Change::ExecutionStarted(Box::new(NewExecution {
            id: id.clone(),
            pipeline: generated.pipeline.clone(),
            file: format!("{}.pipeline.ron", generated.pipeline),
            definition_hash: "generated".into(),
            definition: DEFINITION.into(),
            trigger: Trigger {
                kind: TriggerKind::Schedule,
                detail: format!("schedule * * * * * * fired (#{index})"),
            },
            variables: IndexMap::new(),
            source_revisions: IndexMap::new(),
            stages: vec!["Source".into(), "Build".into()],
            started_ms: at,
        })),
        stage("Source", StageStatus::InProgress, at + 1),
        Change::AttemptStarted {
            key: key("Source", "Checkout"),
            provider: "Git".into(),
            resolved_config: "()".into(),
            log_path: format!(".pipewright/runs/{id}/logs/Source/Checkout/1.log"),
            at_ms: at + 1,
        },
        Change::AttemptFinished {
            key: key("Source", "Checkout"),
            status: ActionStatus::Succeeded,
            exit_code: Some(0),
            summary: None,
            output_variables: IndexMap::from([
                ("CommitId".to_string(), format!("{index:040x}")),
                (
                    "CommitMessage".to_string(),
                    format!("Change number {index}"),
                ),
                ("BranchName".to_string(), "main".to_string()),
            ]),
            warnings: Vec::new(),
            reports: Vec::new(),
            at_ms: at + 2,
        },
        stage("Source", StageStatus::Succeeded, at + 2),
        stage("Build", StageStatus::InProgress, at + 3),
        Change::AttemptStarted {
            key: key("Build", "Compile"),
            provider: "Commands".into(),
            resolved_config: "()".into(),
            log_path: format!(".pipewright/runs/{id}/logs/Build/Compile/1.log"),
            at_ms: at + 3,
        },
        Change::AttemptFinished {
            key: key("Build", "Compile"),
            status: build,
            exit_code: Some(i32::from(failed)),
            summary: failed.then(|| "exit code 1".to_string()),
            output_variables: IndexMap::new(),
            warnings: Vec::new(),
            reports: Vec::new(),
            at_ms: at + 4,
        },
        stage(
            "Build",
            if failed {
                StageStatus::Failed
            } else {
                StageStatus::Succeeded
            },
            at + 4,
        ),
        Change::ExecutionStatus {
            execution_id: id,
            status: generated.status,
            reason: failed.then(|| "Build failed".to_string()),
            at_ms: at + 5,
        },
    ]
}

/// Records `count` executions, the `i`-th described by `describe(i)` (oldest first), in
/// transactions of a thousand.
pub fn fill(workspace: &Path, count: usize, describe: impl Fn(usize) -> Generated) {
    let mut store = Store::open(workspace).expect("store");
    let mut batch = Vec::new();
    for index in 0..count {
        batch.extend(changes(index, &describe(index)));
        if (index + 1) % 1000 == 0 || index + 1 == count {
            store.record_all(&batch).expect("record");
            batch.clear();
        }
    }
}

/// A pipeline's executions a minute apart from `start_ms`, each `failed_every`-th failed
/// (0: none).
pub fn minutely(pipeline: &str, start_ms: i64, failed_every: usize) -> impl Fn(usize) -> Generated {
    let pipeline = pipeline.to_string();
    move |index| Generated {
        pipeline: pipeline.clone(),
        started_ms: start_ms + index as i64 * 60_000,
        status: if failed_every > 0 && index % failed_every == 0 {
            ExecutionStatus::Failed
        } else {
            ExecutionStatus::Succeeded
        },
    }
}
