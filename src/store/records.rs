//! The rows read back from history: executions, stages, attempts, approvals, transitions.

use indexmap::IndexMap;
use serde::Serialize;

use crate::execution::{AttemptKey, ExecutionId, Trigger};
use crate::model::status::{ActionStatus, ExecutionStatus, StageStatus};

/// An execution as history shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutionRow {
    /// The UUID.
    pub id: ExecutionId,
    /// The pipeline's name.
    pub pipeline: String,
    /// The definition file.
    pub file: String,
    /// SHA-256 of the definition.
    pub definition_hash: String,
    /// What started it.
    pub trigger: Trigger,
    /// Pipeline variables after overrides.
    pub variables: IndexMap<String, String>,
    /// Source revisions asked for at start.
    pub source_revisions: IndexMap<String, String>,
    /// Current status.
    pub status: ExecutionStatus,
    /// Why it ended as it did.
    pub reason: Option<String>,
    /// The stage it waits in front of.
    pub waiting_for: Option<String>,
    /// Start (Unix ms).
    pub started_ms: i64,
    /// End (Unix ms).
    pub ended_ms: Option<i64>,
}

/// A stage of an execution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageRow {
    /// The stage's name.
    pub stage: String,
    /// Its place in the pipeline, from 0.
    pub position: u32,
    /// Its status, or `None` if it has not run.
    pub status: Option<StageStatus>,
    /// Why it ended as it did.
    pub reason: Option<String>,
    /// How many times it was entered.
    pub attempt: u32,
    /// Start (Unix ms).
    pub started_ms: Option<i64>,
    /// End (Unix ms).
    pub ended_ms: Option<i64>,
}

/// One action attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttemptRow {
    /// Which attempt.
    pub key: AttemptKey,
    /// The provider's name.
    pub provider: String,
    /// How it is or ended.
    pub status: ActionStatus,
    /// The process's exit code.
    pub exit_code: Option<i32>,
    /// The configuration with variables resolved.
    pub resolved_config: String,
    /// Variables it set.
    pub output_variables: IndexMap<String, String>,
    /// The log file, relative to the workspace.
    pub log_path: String,
    /// What happened.
    pub summary: Option<String>,
    /// Things that went wrong without failing it.
    pub warnings: Vec<String>,
    /// Start (Unix ms).
    pub started_ms: i64,
    /// End (Unix ms).
    pub ended_ms: Option<i64>,
}

/// An approval request and its decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApprovalRow {
    /// The approval action's attempt.
    pub key: AttemptKey,
    /// The custom message.
    pub message: Option<String>,
    /// The review link.
    pub review_url: Option<String>,
    /// When it was requested (Unix ms).
    pub requested_ms: i64,
    /// When it times out (Unix ms).
    pub expires_ms: i64,
    /// `Some(true)` approved, `Some(false)` rejected, `None` undecided.
    pub approved: Option<bool>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// Their summary.
    pub summary: Option<String>,
    /// When they decided (Unix ms).
    pub decided_ms: Option<i64>,
}

/// A disabled or re-enabled stage transition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransitionRow {
    /// The stage the transition leads into.
    pub stage: String,
    /// Whether executions may enter.
    pub enabled: bool,
    /// Why it was disabled.
    pub reason: Option<String>,
    /// Who changed it.
    pub changed_by: String,
    /// When (Unix ms).
    pub changed_ms: i64,
}
