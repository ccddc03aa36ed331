//! The durable state changes of executions, and the rows read back from history.
//!
//! The engine describes every state change as a [`Change`]; the store commits it, then the
//! engine sends the same value to the UI and CLI. So what a person sees is always on disk.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::reports::TestReport;
use crate::model::status::{ActionStatus, ExecutionStatus, StageStatus};

/// Identifies one attempt of one action in one execution.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AttemptKey {
    /// The execution.
    pub execution_id: String,
    /// The stage's name.
    pub stage: String,
    /// The action's name.
    pub action: String,
    /// 1 for the first run, 2 for the first retry, ...
    pub attempt: u32,
}

impl std::fmt::Display for AttemptKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.stage, self.action)?;
        if self.attempt > 1 {
            write!(f, " (attempt {})", self.attempt)?;
        }
        Ok(())
    }
}

/// What started an execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// `Manual`, `GitChange`, `FolderChange` or `Schedule`.
    pub kind: String,
    /// A sentence such as "push to main by Ada: 1a2b3c4" or "started by ada".
    pub detail: String,
}

impl Trigger {
    /// A start by a person.
    pub fn manual(by: &str) -> Self {
        Self {
            kind: "Manual".into(),
            detail: format!("started by {by}"),
        }
    }
}

/// Everything recorded when an execution starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewExecution {
    /// A UUID.
    pub id: String,
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
        execution_id: String,
        /// The stage it waits to enter.
        stage: Option<String>,
        /// When.
        at_ms: i64,
    },
    /// The execution's status changed.
    ExecutionStatus {
        /// The execution.
        execution_id: String,
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
        execution_id: String,
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
    /// The execution this change is about, if any.
    pub fn execution_id(&self) -> Option<&str> {
        match self {
            Change::ExecutionStarted(new) => Some(&new.id),
            Change::ExecutionWaiting { execution_id, .. }
            | Change::ExecutionStatus { execution_id, .. }
            | Change::StageStatus { execution_id, .. } => Some(execution_id),
            Change::AttemptStarted { key, .. }
            | Change::AttemptFinished { key, .. }
            | Change::ApprovalRequested { key, .. }
            | Change::ApprovalDecided { key, .. } => Some(&key.execution_id),
            Change::TransitionChanged { .. } => None,
        }
    }

    /// A short name of the kind of change.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::ExecutionStarted(_) => "ExecutionStarted",
            Change::ExecutionWaiting { .. } => "ExecutionWaiting",
            Change::ExecutionStatus { .. } => "ExecutionStatus",
            Change::StageStatus { .. } => "StageStatus",
            Change::AttemptStarted { .. } => "AttemptStarted",
            Change::AttemptFinished { .. } => "AttemptFinished",
            Change::ApprovalRequested { .. } => "ApprovalRequested",
            Change::ApprovalDecided { .. } => "ApprovalDecided",
            Change::TransitionChanged { .. } => "TransitionChanged",
        }
    }
}

/// An execution as history shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutionRow {
    /// The UUID.
    pub id: String,
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
