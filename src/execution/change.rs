//! The durable state changes of executions.
//!
//! The engine describes every state change as a [`Change`]; the store commits it, then the
//! engine sends the same value to every front end. So what a person sees is always on disk.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{AttemptKey, ExecutionId, TestReport, Trigger};
use crate::model::status::{ActionStatus, ExecutionStatus, StageStatus};

/// Everything recorded when an execution starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewExecution {
    /// A UUID.
    pub id: ExecutionId,
    /// The pipeline's name.
    pub pipeline: String,
    /// The definition file.
    pub file: String,
    /// SHA-256 of the definition as saved.
    pub definition_hash: String,
    /// The definition text (kept in the definitions table, not in event bodies).
    #[serde(skip)]
    pub definition: String,
    /// What started it.
    pub trigger: Trigger,
    /// Pipeline variables after overrides.
    pub variables: IndexMap<String, String>,
    /// Source action name → revision asked for at start.
    pub source_revisions: IndexMap<String, String>,
    /// The stage names, in order.
    pub stages: Vec<String>,
    /// When it started (Unix ms).
    pub started_ms: i64,
}

/// One durable state change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// A new execution.
    ExecutionStarted(Box<NewExecution>),
    /// The execution waits in front of a stage (`None`: it no longer waits).
    ExecutionWaiting {
        /// The execution.
        execution_id: ExecutionId,
        /// The stage it waits to enter.
        stage: Option<String>,
        /// When.
        at_ms: i64,
    },
    /// The execution's status changed.
    ExecutionStatus {
        /// The execution.
        execution_id: ExecutionId,
        /// Its new status.
        status: ExecutionStatus,
        /// Why, for failures, stops and supersessions.
        reason: Option<String>,
        /// When.
        at_ms: i64,
    },
    /// A stage's status changed.
    StageStatus {
        /// The execution.
        execution_id: ExecutionId,
        /// The stage.
        stage: String,
        /// Its new status.
        status: StageStatus,
        /// Why, for failures and stops.
        reason: Option<String>,
        /// 1 for the first run of the stage, 2 after a retry, ...
        attempt: u32,
        /// When.
        at_ms: i64,
    },
    /// An action attempt started.
    AttemptStarted {
        /// Which attempt.
        key: AttemptKey,
        /// The provider's name.
        provider: String,
        /// The action's configuration with variables resolved (RON).
        resolved_config: String,
        /// The log file, relative to the workspace.
        log_path: String,
        /// When.
        at_ms: i64,
    },
    /// An action attempt ended.
    AttemptFinished {
        /// Which attempt.
        key: AttemptKey,
        /// How it ended.
        status: ActionStatus,
        /// The process's exit code, when one ran to the end.
        exit_code: Option<i32>,
        /// What happened, for failures.
        summary: Option<String>,
        /// Variables it set, for later actions.
        output_variables: IndexMap<String, String>,
        /// Things that went wrong without failing it (such as an unreadable test report).
        warnings: Vec<String>,
        /// Test reports it wrote.
        reports: Vec<TestReport>,
        /// When.
        at_ms: i64,
    },
    /// A running attempt waits for something another execution holds (`None`: it no longer
    /// waits), such as a deploy target another execution deploys to.
    AttemptWaiting {
        /// Which attempt.
        key: AttemptKey,
        /// What it waits for, in words.
        reason: Option<String>,
        /// When.
        at_ms: i64,
    },
    /// An approval waits for a decision.
    ApprovalRequested {
        /// The approval action's attempt.
        key: AttemptKey,
        /// The custom message, variables resolved.
        message: Option<String>,
        /// The review link.
        review_url: Option<String>,
        /// When it times out (Unix ms).
        expires_ms: i64,
        /// When.
        at_ms: i64,
    },
    /// Someone approved or rejected.
    ApprovalDecided {
        /// The approval action's attempt.
        key: AttemptKey,
        /// Approved (true) or rejected.
        approved: bool,
        /// Who decided.
        by: String,
        /// Their summary.
        summary: String,
        /// When.
        at_ms: i64,
    },
    /// A stage's inbound transition was disabled or enabled.
    TransitionChanged {
        /// The pipeline.
        pipeline: String,
        /// The stage the transition leads into.
        stage: String,
        /// Whether executions may enter.
        enabled: bool,
        /// Why it was disabled.
        reason: Option<String>,
        /// Who changed it.
        by: String,
        /// When.
        at_ms: i64,
    },
}

impl Change {
    /// Calls `visit` on every free text of the change (names and ids excluded), so it can
    /// be masked before it is stored or shown.
    pub fn for_each_text(&mut self, visit: &mut dyn FnMut(&mut String)) {
        match self {
            Change::ExecutionStarted(new) => {
                visit(&mut new.trigger.detail);
                new.variables.values_mut().for_each(&mut *visit);
                new.source_revisions.values_mut().for_each(&mut *visit);
            }
            Change::ExecutionWaiting { .. } | Change::TransitionChanged { reason: None, .. } => {}
            Change::ExecutionStatus { reason, .. }
            | Change::StageStatus { reason, .. }
            | Change::AttemptWaiting { reason, .. } => {
                reason.iter_mut().for_each(visit);
            }
            Change::AttemptStarted {
                resolved_config, ..
            } => visit(resolved_config),
            Change::AttemptFinished {
                summary,
                output_variables,
                warnings,
                reports,
                ..
            } => {
                summary.iter_mut().for_each(&mut *visit);
                output_variables.values_mut().for_each(&mut *visit);
                warnings.iter_mut().for_each(&mut *visit);
                for report in reports {
                    report.for_each_text(visit);
                }
            }
            Change::ApprovalRequested {
                message,
                review_url,
                ..
            } => {
                message.iter_mut().for_each(&mut *visit);
                review_url.iter_mut().for_each(visit);
            }
            Change::ApprovalDecided { summary, .. } => visit(summary),
            Change::TransitionChanged {
                reason: Some(reason),
                ..
            } => visit(reason),
        }
    }

    /// The execution this change is about, if any.
    pub fn execution_id(&self) -> Option<&ExecutionId> {
        match self {
            Change::ExecutionStarted(new) => Some(&new.id),
            Change::ExecutionWaiting { execution_id, .. }
            | Change::ExecutionStatus { execution_id, .. }
            | Change::StageStatus { execution_id, .. } => Some(execution_id),
            Change::AttemptStarted { key, .. }
            | Change::AttemptWaiting { key, .. }
            | Change::AttemptFinished { key, .. }
            | Change::ApprovalRequested { key, .. }
            | Change::ApprovalDecided { key, .. } => Some(&key.execution_id),
            Change::TransitionChanged { .. } => None,
        }
    }
}
